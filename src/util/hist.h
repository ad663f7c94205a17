/* hist.h - a histogram of durations with fixed buckets */
#ifndef RMXF_HIST_H
#define RMXF_HIST_H

#define HIST_BUCKETS	14	/* upper bounds in hist_bounds_ms[] */

extern const unsigned hist_bounds_ms[HIST_BUCKETS];

/* Counts per bucket, not cumulative; n[HIST_BUCKETS] is above the last. */
struct hist {
	unsigned long	n[HIST_BUCKETS + 1];
	unsigned long	count;
	double		sum_ms;
};

void	hist_add(struct hist *, double ms);

#endif
