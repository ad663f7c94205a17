/*
 * NAME
 *	clock 3
 * SUMMARY
 *	the monotonic clock that timeouts and caches count in
 * SYNOPSIS
 *	#include "util/clock.h"
 *
 *	long	clock_now_ms(void);
 * DESCRIPTION
 *	clock_now_ms() is CLOCK_MONOTONIC in milliseconds: it never goes
 *	back when the wall clock is set.  Pure modules never read it; their
 *	callers pass the time in.
 * SEE ALSO
 *	clock_gettime(2).
 */
#include <time.h>

#include "clock.h"

/* clock_now_ms - milliseconds of the monotonic clock */
long
clock_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
