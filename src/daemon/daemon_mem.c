/*
 * NAME
 *	daemon_mem 3
 * SUMMARY
 *	give the memory of a burst of requests back to the system
 * SYNOPSIS
 *	#include "daemon/daemon.h"
 *
 *	void	daemon_mem_init(struct daemon *d);
 *	void	daemon_mem_fini(struct daemon *d);
 *	void	daemon_mem_touch(struct daemon *d);
 * DESCRIPTION
 *	A request borrows its check, SPF queries and resolver run (about
 *	20 KiB) and frees them when it is answered.  The allocator keeps
 *	freed memory for reuse, and pages that lie between the blocks of
 *	connections that stay open cannot shrink the heap, so a burst of
 *	a thousand requests at once would hold its peak for as long as the
 *	process lives.
 *
 *	daemon_mem_touch() says a request ended.  A period
 *	(DAEMON_TRIM_PERIOD_S) later, the free memory the heap holds is
 *	looked at; above DAEMON_TRIM_FREE it goes back to the system
 *	(glibc's malloc_trim(3), which returns the whole free pages in the
 *	middle of the heap too).  One look per period at most, and none in
 *	a period that ended no request: an idle daemon has no timer, and
 *	steady traffic reuses what it frees and stays under the mark.
 *	With another C library nothing is done: its free(3) decides.
 * SEE ALSO
 *	malloc_trim(3), mallinfo2(3), daemon_req(3).
 */
#include <stdlib.h>		/* defines __GLIBC__ with glibc */
#include <sysexits.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <event2/event.h>

#include "daemon/daemon.h"
#include "util/msg.h"

#define DAEMON_TRIM_FREE	(1u << 20)	/* bytes free in the heap */
#define DAEMON_TRIM_PERIOD_S	1	/* at most one look per period */

#ifdef __GLIBC__
#if __GLIBC_PREREQ(2, 33)
#define DAEMON_CAN_TRIM		1
#endif
#endif

/* daemon_mem_tick - the period ended: hand back what a burst left */
static void
daemon_mem_tick(evutil_socket_t fd, short what, void *arg)
{
#ifdef DAEMON_CAN_TRIM
	struct mallinfo2 mi = mallinfo2();

	if (mi.fordblks > DAEMON_TRIM_FREE)
		(void)malloc_trim(0);
#endif
}

/* daemon_mem_init - the period timer, not yet armed */
void
daemon_mem_init(struct daemon *d)
{
	d->mem_tick = evtimer_new(d->base, daemon_mem_tick, d);
	if (d->mem_tick == NULL)
		msg_fatal(EX_OSERR, "cannot create a timer");
}

/* daemon_mem_fini - drop the timer */
void
daemon_mem_fini(struct daemon *d)
{
	if (d->mem_tick != NULL)
		event_free(d->mem_tick);
	d->mem_tick = NULL;
}

/* daemon_mem_touch - a request ended: look at the end of the period */
void
daemon_mem_touch(struct daemon *d)
{
	static const struct timeval period = {DAEMON_TRIM_PERIOD_S, 0};

	if (d->mem_tick != NULL && !evtimer_pending(d->mem_tick, NULL))
		evtimer_add(d->mem_tick, &period);
}
