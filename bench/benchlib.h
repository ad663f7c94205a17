/* benchlib.h - what every benchmark program needs: clocks, CPU time,
 * option numbers, a unix listener (bench/benchlib.c) */
#ifndef RMXF_BENCHLIB_H
#define RMXF_BENCHLIB_H

double	bench_now(void);		/* monotonic seconds */
double	bench_self_cpu(void);		/* CPU seconds of this process */
double	bench_proc_cpu(unsigned long pid);	/* of PID (all threads), -1 */
unsigned long bench_number(const char *opt, const char *s,
	    unsigned long min, unsigned long max);	/* or exit 64 */
int	bench_listen_unix(const char *path);	/* non-blocking, or exit */

#endif
