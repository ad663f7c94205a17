/*
 * NAME
 *	dns_ub_run 3
 * SUMMARY
 *	run step/feed jobs against libunbound inside a libevent loop
 * SYNOPSIS
 *	#include "dns/dns.h"
 *
 *	struct dns_ub_run *dns_ub_start(struct dns_ub *ub,
 *			struct spf_job *job, unsigned timeout_ms,
 *			void (*done)(void *), void *arg);
 *	void	dns_ub_cancel(struct dns_ub_run *run);
 *	int	dns_ub_run_sync(const struct dns_ub_opts *opts,
 *			struct spf_job *job, char *err, size_t errlen);
 * DESCRIPTION
 *	dns_ub_start() runs a job (spf_job: the step/feed contract of
 *	spf.h).  It steps the job at once, inside the call, for as long as
 *	every question can be answered at once: from the answers of the
 *	last second (dns_recent(3), when the context keeps them), as a
 *	timeout when the guard (dns_guard(3)) will not let it go out, or by
 *	libunbound from its cache during ub_resolve_event().  Under load
 *	most jobs end there, with no timer made.  A job that has to wait
 *	gets a deadline timer, and its next steps run from a zero-delay
 *	timer, never inside libunbound's callback; each answer is parsed
 *	(dns_wire_parse()), fed, and kept in dns_recent when it is an
 *	answer (NOERROR or NXDOMAIN).  When the deadline passes, the
 *	outstanding queries are cancelled (a question that waited half the
 *	time tells the guard it timed out), the job's expire() is called,
 *	the job is stepped to its end (what it still asks is a timeout) and
 *	done() is called.  Each step of that is counted in the context's
 *	statistics (dns_ub_stats()).
 *
 *	done(arg) is called once, always from the loop: a job that ended
 *	inside dns_ub_start() waits on the context's ready list, and one
 *	event calls the done functions of all that ended in a turn.  A run
 *	belongs to the dns_ub: it is freed just before done() is called,
 *	by dns_ub_cancel() (done is then not called), or by dns_ub_free().
 *	The job is borrowed until then.
 *
 *	dns_ub_run_sync() runs one job on a private event base (the CLI).
 * DIAGNOSTICS
 *	dns_ub_run_sync() returns -1 with a reason in err for a resolver
 *	that cannot be used.  A job that waits with nothing outstanding, or
 *	never finishes after expire(), is a bug: msg_panic().
 * SEE ALSO
 *	dns_ub(3), libunbound(3), RFC 7208 4.6.4 (timeouts).
 */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#include <event2/event.h>
#include <unbound.h>
#include <unbound-event.h>

#include "dns/dns.h"
#include "dns/dns_guard.h"
#include "dns/dns_recent.h"
#include "dns/dns_ub_int.h"
#include "util/arena.h"
#include "util/clock.h"
#include "util/msg.h"
#include "util/xmalloc.h"

#define DNS_UB_ARENA_CHUNK	1024	/* one answer's records: most fit */
#define DNS_UB_MAX_EXPIRED_STEPS 1000	/* steps allowed after expire() */
#define DNS_UB_SYNC_STEPS	64	/* steps inside dns_ub_start() */
#define DNS_UB_CLASS_IN		1

static void dns_ub_step_cb(evutil_socket_t, short, void *);
static void dns_ub_deadline_cb(evutil_socket_t, short, void *);

/* dns_ub_q_free - forget a question; the guard hears that it ended */
static void
dns_ub_q_free(struct dns_ub *ub, struct dns_ub_q *q, int timed_out)
{
	if (q->flight != NULL)
		dns_guard_leave(ub->guard, q->flight, timed_out,
		    clock_now_ms());
	free(q->name);
	free(q);
}

/* dns_ub_ready_unlink - take run off the ready list */
static void
dns_ub_ready_unlink(struct dns_ub_run *run)
{
	struct dns_ub *ub = run->ub;
	struct dns_ub_run **rp, *prev = NULL;

	for (rp = &ub->ready; *rp != NULL; prev = *rp, rp =
	    &(*rp)->ready_next)
		if (*rp == run) {
			*rp = run->ready_next;
			if (ub->ready_tail == run)
				ub->ready_tail = prev;
			break;
		}
	run->on_ready = 0;
}

/* dns_ub_run_free - cancel what is outstanding, release a run */
void
dns_ub_run_free(struct dns_ub_run *run)
{
	struct dns_ub_q *q, *next;

	if (run->on_ready)
		dns_ub_ready_unlink(run);
	for (q = run->qs; q; q = next) {
		next = q->next;
		if (q->pending && q->async_id != 0)
			(void)ub_cancel(run->ub->ctx, q->async_id);
		dns_ub_q_free(run->ub, q, 0);
	}
	if (run->next)
		run->next->prevp = run->prevp;
	*run->prevp = run->next;
	if (run->step_ev != NULL)
		event_free(run->step_ev);
	if (run->deadline_ev != NULL)
		event_free(run->deadline_ev);
	arena_free(run->arena);
	if (run->copy != run->copy_store)
		free(run->copy);
	free(run);
}

/* dns_ub_finish - the job is done: release the run, then tell the owner */
static void
dns_ub_finish(struct dns_ub_run *run)
{
	void (*done)(void *) = run->done;
	void *arg = run->arg;

	dns_ub_run_free(run);
	if (done)
		done(arg);
}

/* dns_ub_ready - the job ended inside dns_ub_start(): done from the loop */
static void
dns_ub_ready(struct dns_ub_run *run)
{
	struct dns_ub *ub = run->ub;

	run->on_ready = 1;
	run->ready_next = NULL;
	if (ub->ready_tail != NULL)
		ub->ready_tail->ready_next = run;
	else
		ub->ready = run;
	ub->ready_tail = run;
	event_active(ub->ready_ev, EV_TIMEOUT, 0);
}

/* dns_ub_ready_cb - the done functions of the runs that ended at once;
 * those that end meanwhile wait for the next turn */
void
dns_ub_ready_cb(evutil_socket_t fd, short what, void *arg)
{
	struct dns_ub *ub = arg;
	struct dns_ub_run *run, *last = ub->ready_tail;
	int stop;

	while ((run = ub->ready) != NULL) {
		stop = run == last;
		dns_ub_finish(run);	/* unlinks it */
		if (stop)
			break;
	}
	if (ub->ready != NULL)
		event_active(ub->ready_ev, EV_TIMEOUT, 0);
}

/* dns_ub_arm - the run has to wait: its timers, made once */
static void
dns_ub_arm(struct dns_ub_run *run)
{
	struct timeval tv;
	long left;

	if (run->deadline_ev != NULL)
		return;
	run->step_ev = evtimer_new(run->ub->base, dns_ub_step_cb, run);
	run->deadline_ev = evtimer_new(run->ub->base, dns_ub_deadline_cb,
	    run);
	if (run->step_ev == NULL || run->deadline_ev == NULL)
		msg_panic("dns_ub_arm: evtimer_new failed");
	left = (long)run->timeout_ms - (clock_now_ms() - run->start_ms);
	if (left < 0)
		left = 0;
	tv.tv_sec = left / 1000;
	tv.tv_usec = (left % 1000) * 1000;
	evtimer_add(run->deadline_ev, &tv);
}

/* dns_ub_schedule - step the job soon, from the loop */
static void
dns_ub_schedule(struct dns_ub_run *run)
{
	static const struct timeval now = {0, 0};

	dns_ub_arm(run);
	if (!evtimer_pending(run->step_ev, NULL))
		evtimer_add(run->step_ev, &now);
}

/* dns_ub_reap - forget the questions that were answered */
static void
dns_ub_reap(struct dns_ub_run *run)
{
	struct dns_ub_q **qp = &run->qs, *q;

	while ((q = *qp) != NULL) {
		if (q->pending) {
			qp = &q->next;
			continue;
		}
		*qp = q->next;
		dns_ub_q_free(run->ub, q, 0);
	}
}

/* dns_ub_feed - give the job one answer */
static void
dns_ub_feed(struct dns_ub_run *run, const struct spf_answer *a)
{
	(void)run->job.feed(run->job.obj, a);
	if (run->arena != NULL)
		arena_reset(run->arena);
}

/* dns_ub_callback - libunbound has an answer (maybe inside the send) */
static void
dns_ub_callback(void *arg, int rcode, void *pkt, int len, int sec,
    char *why_bogus, int ratelimited)
{
	struct dns_ub_q *q = arg;
	struct dns_ub_run *run = q->run;
	struct spf_answer a;

	memset(&a, 0, sizeof(a));
	run->ub->st.rcode[rcode >= 0 && rcode < DNS_UB_RCODES ? rcode :
	    DNS_UB_RCODES]++;
	if (run->ub->sending)
		run->ub->st.ub_cached++;
	else
		hist_add(&run->ub->st.latency, (double)(clock_now_ms() -
		    q->sent_ms));
	if (rcode == 0 && pkt != NULL && len > 0 && sec != 1) {
		/* made the first time: most runs never parse a packet */
		if (run->arena == NULL)
			run->arena = arena_new(DNS_UB_ARENA_CHUNK);
		(void)dns_wire_parse(pkt, (size_t)len, q->name, q->type,
		    run->arena, &a);
	}
	else
		a.status = rcode == 3 ? SPF_DNS_NXDOMAIN : SPF_DNS_SERVFAIL;
	dns_recent_put(run->ub->recent, (int)q->type, q->name, &a,
	    clock_now_ms());
	a.id = q->id;
	q->pending = 0;
	run->pending--;
	dns_guard_leave(run->ub->guard, q->flight, 0, clock_now_ms());
	q->flight = NULL;
	dns_ub_feed(run, &a);
	if (!run->stepping)
		dns_ub_schedule(run);
}

/* dns_ub_answer_now - a question answered without waiting */
static void
dns_ub_answer_now(struct dns_ub_run *run, unsigned id,
    enum spf_dns_status st)
{
	struct spf_answer a;

	memset(&a, 0, sizeof(a));
	a.id = id;
	a.status = st;
	dns_ub_feed(run, &a);
}

/* dns_ub_ask - one question: from the recent answers, refused by the
 * guard (a timeout), or sent to libunbound */
static void
dns_ub_ask(struct dns_ub_run *run, const struct spf_question *sq, long now)
{
	const struct spf_answer *m;
	struct dns_guard_flight *flight;
	struct spf_answer a;
	struct dns_ub_q *q;
	int aid = 0, r;

	run->ub->st.questions++;
	if ((m = dns_recent_get(run->ub->recent, (int)sq->type, sq->name,
	    now)) != NULL) {
		run->ub->st.recent_hits++;
		a = *m;
		a.id = sq->id;
		dns_ub_feed(run, &a);
		return;
	}
	if (run->ub->recent != NULL)
		run->ub->st.recent_misses++;
	if ((flight = dns_guard_enter(run->ub->guard, (unsigned)sq->type,
	    sq->name, now)) == NULL) {
		dns_ub_answer_now(run, sq->id, SPF_DNS_TIMEOUT);
		return;
	}
	q = xcalloc(1, sizeof(*q));
	q->run = run;
	q->id = sq->id;
	q->type = sq->type;
	q->sent_ms = now;
	q->flight = flight;
	q->name = xstrdup(sq->name);
	q->pending = 1;
	q->next = run->qs;
	run->qs = q;
	run->pending++;
	run->ub->st.queries++;
	run->ub->sending = 1;
	r = ub_resolve_event(run->ub->ctx, q->name, (int)q->type,
	    DNS_UB_CLASS_IN, q, dns_ub_callback, &aid);
	run->ub->sending = 0;
	if (r != 0)
		run->ub->st.send_errors++;
	if (r != 0 && q->pending) {
		q->pending = 0;
		run->pending--;
		dns_ub_answer_now(run, q->id, SPF_DNS_SERVFAIL);
	} else if (q->pending)
		q->async_id = aid;
}

/* dns_ub_copy - keep the step's questions while answers arrive */
static const struct spf_question *
dns_ub_copy(struct dns_ub_run *run, const struct spf_question *qs, size_t n)
{
	if (run->copy == NULL) {
		run->copy = run->copy_store;
		run->copycap = DNS_UB_COPY_STORE;
	}
	if (n > run->copycap) {
		run->copy = xrealloc(run->copy == run->copy_store ? NULL :
		    run->copy, n * sizeof(*run->copy));
		run->copycap = n;
	}
	if (n)
		memcpy(run->copy, qs, n * sizeof(*qs));
	return run->copy;
}

/*
 * dns_ub_advance - step the job for as long as its questions are answered
 * at once.  1: the job is done (the run still exists); 0: it waits, its
 * timers armed.
 */
static int
dns_ub_advance(struct dns_ub_run *run)
{
	const struct spf_question *qs;
	size_t n, i, steps;
	long now = clock_now_ms();

	run->stepping = 1;
	for (steps = 0; steps < DNS_UB_SYNC_STEPS; steps++) {
		dns_ub_reap(run);
		n = 0;
		switch (run->job.step(run->job.obj, &qs, &n)) {
		case SPF_STEP_DONE:
			run->stepping = 0;
			return 1;
		case SPF_STEP_WAIT:
			if (run->pending == 0)
				msg_panic("dns_ub: job waits, nothing is "
				    "outstanding");
			run->stepping = 0;
			dns_ub_arm(run);
			return 0;
		case SPF_STEP_QUERY:
			break;
		}
		qs = dns_ub_copy(run, qs, n);
		for (i = 0; i < n; i++)
			dns_ub_ask(run, &qs[i], now);
		if (run->pending > 0) {
			run->stepping = 0;
			dns_ub_arm(run);
			return 0;
		}
	}
	run->stepping = 0;
	dns_ub_schedule(run);		/* a long chain: go on from the loop */
	return 0;
}

/* dns_ub_step_cb - answers came in: step the job */
static void
dns_ub_step_cb(evutil_socket_t fd, short what, void *arg)
{
	struct dns_ub_run *run = arg;

	if (dns_ub_advance(run))
		dns_ub_finish(run);
}

/* dns_ub_deadline_cb - time is up: cancel, expire, finish */
static void
dns_ub_deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	struct dns_ub_run *run = arg;
	const struct spf_question *qs;
	struct dns_ub_q *q;
	size_t n, i;
	unsigned steps;
	long now = clock_now_ms();

	for (q = run->qs; q; q = q->next) {
		if (!q->pending)
			continue;
		if (q->async_id != 0)
			(void)ub_cancel(run->ub->ctx, q->async_id);
		q->pending = 0;
		run->ub->st.timeouts++;
		/* a question that had half the time and no answer marks its
		 * domain slow; one asked just before the end does not */
		dns_guard_leave(run->ub->guard, q->flight, now - q->sent_ms >=
		    (long)run->timeout_ms / 2, now);
		q->flight = NULL;
	}
	run->pending = 0;
	dns_ub_reap(run);
	evtimer_del(run->step_ev);
	run->job.expire(run->job.obj);
	for (steps = 0;; steps++) {
		if (steps == DNS_UB_MAX_EXPIRED_STEPS)
			msg_panic("dns_ub: job not done after expire()");
		n = 0;
		switch (run->job.step(run->job.obj, &qs, &n)) {
		case SPF_STEP_DONE:
			dns_ub_finish(run);
			return;
		case SPF_STEP_WAIT:
			msg_panic("dns_ub: expired job waits");
		case SPF_STEP_QUERY:
			break;
		}
		qs = dns_ub_copy(run, qs, n);
		for (i = 0; i < n; i++)
			dns_ub_answer_now(run, qs[i].id, SPF_DNS_TIMEOUT);
	}
}

/* dns_ub_start - run a job; done(arg) from the loop */
struct dns_ub_run *
dns_ub_start(struct dns_ub *ub, struct spf_job *job, unsigned timeout_ms,
    void (*done)(void *), void *arg)
{
	struct dns_ub_run *run = xcalloc(1, sizeof(*run));

	if (timeout_ms == 0)
		timeout_ms = ub->timeout_ms ? ub->timeout_ms : SPF_TIMEOUT_MS;
	run->ub = ub;
	run->job = *job;
	run->done = done;
	run->arg = arg;
	run->timeout_ms = timeout_ms;
	run->start_ms = clock_now_ms();
	run->next = ub->runs;
	if (ub->runs)
		ub->runs->prevp = &run->next;
	run->prevp = &ub->runs;
	ub->runs = run;
	if (dns_ub_advance(run))
		dns_ub_ready(run);
	return run;
}

/* dns_ub_cancel - stop a run; done is not called */
void
dns_ub_cancel(struct dns_ub_run *run)
{
	if (run != NULL)
		dns_ub_run_free(run);
}

/* dns_ub_sync_done - the private loop's job is done */
static void
dns_ub_sync_done(void *arg)
{
	int *flag = arg;

	*flag = 1;
}

/* dns_ub_run_sync - one job on a private loop */
int
dns_ub_run_sync(const struct dns_ub_opts *opts, struct spf_job *job,
    char *err, size_t errlen)
{
	struct event_base *base;
	struct dns_ub *ub;
	int finished = 0;

	if ((base = event_base_new()) == NULL) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "cannot create an event base");
		return -1;
	}
	if ((ub = dns_ub_new(base, opts, err, errlen)) == NULL) {
		event_base_free(base);
		return -1;
	}
	(void)dns_ub_start(ub, job, opts->timeout_ms, dns_ub_sync_done,
	    &finished);
	while (!finished)
		if (event_base_loop(base, EVLOOP_ONCE) < 0)
			msg_panic("dns_ub_run_sync: event loop failed");
	dns_ub_free(ub);
	event_base_free(base);
	return 0;
}
