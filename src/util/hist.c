/*
 * NAME
 *	hist 3
 * SUMMARY
 *	a histogram of durations with fixed buckets
 * SYNOPSIS
 *	#include "util/hist.h"
 *
 *	extern const unsigned hist_bounds_ms[HIST_BUCKETS];
 *	void	hist_add(struct hist *h, double ms);
 * DESCRIPTION
 *	struct hist counts durations in the buckets of hist_bounds_ms[]
 *	(upper bounds, inclusive, in milliseconds: 1 ms to 30 s, in steps
 *	of about 2.5), one more above the last, with their number and sum.
 *	A zeroed struct is an empty histogram.  hist_add() is a few
 *	comparisons and additions: it may run once per request or DNS
 *	answer; turning the counts into cumulative buckets, as Prometheus
 *	wants them, is the reader's business.
 * DIAGNOSTICS
 *	None.  A negative or NaN duration counts as 0.
 * SEE ALSO
 *	daemon_metrics(3), doc/monitoring.md.
 */
#include "hist.h"

const unsigned hist_bounds_ms[HIST_BUCKETS] = {
	1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000,
};

/* hist_add - count one duration */
void
hist_add(struct hist *h, double ms)
{
	unsigned i;

	if (!(ms > 0))
		ms = 0;
	for (i = 0; i < HIST_BUCKETS && ms > hist_bounds_ms[i]; i++)
		;
	h->n[i]++;
	h->count++;
	h->sum_ms += ms;
}
