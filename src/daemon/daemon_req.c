/*
 * NAME
 *	daemon_req 3
 * SUMMARY
 *	one policy request through check(3) on the shared resolver
 * SYNOPSIS
 *	#include "daemon/daemon.h"
 *
 *	struct daemon_req *daemon_req_start(struct daemon *d,
 *			struct check_memo *memo,
 *			const struct policy_request *req, const char *peer,
 *			void (*done)(void *arg, const char *action),
 *			void *arg);
 *	void	daemon_req_cancel(struct daemon_req *r);
 *	void	daemon_req_init(struct daemon *d);
 *	void	daemon_req_fini(struct daemon *d);
 *	long	daemon_now_ms(void);
 * DESCRIPTION
 *	daemon_req_start() makes a check of the request under the current
 *	environment (taking a reference, so a reload does not change the
 *	rules under a running request) and runs it on the daemon's dns_ub:
 *	its questions go out in parallel with those of every other request,
 *	and share libunbound's cache and the parsed-record cache.  The
 *	request's deadline is dns_timeout or request_timeout, whichever
 *	comes first: then the check expires and
 *	decides with what it has (the configured temporary action).
 *
 *	When the check is done, its decision's log line is logged with the
 *	time it took ("... action=reject time_ms=3.1"), and done(arg,
 *	action) is called, always from the loop, never from inside
 *	daemon_req_start().  The action string is valid during the call
 *	only; the check is freed before it (storing its results in the
 *	memo), so done may start the next request of the connection.  The
 *	request (borrowed from the connection's parser) and the memo must
 *	stay until then.
 *
 *	Each question is first looked up in the daemon's memo of recent
 *	answers (daemon_memo(3)); only the others go to the resolver, and
 *	their answers are kept there.  A request whose questions were all
 *	answered from the memo is decided inside daemon_req_start(), with
 *	no timer and no resolver run; it waits on the daemon's ready list,
 *	and one event (daemon_req_init() makes it) calls the done
 *	functions from the loop.
 *
 *	When the log goes to stderr (also while syslog is unreachable:
 *	msg(3)), the decision lines of one turn of the loop are queued and
 *	written together, in one write(2), at the end of the turn (a line
 *	costs no system call of its own); other messages are written at
 *	once, so they may come before decision lines of the same turn.
 *	Syslog gets one message per line.
 *	daemon_req_fini() writes what is queued and frees the memo (and
 *	the park of daemon_park(3), which it makes for a daemon on sockets).
 *
 *	daemon_req_cancel() drops a request whose connection went away;
 *	done is not called.  clock_now_ms() is the monotonic clock, in
 *	milliseconds, that the memos' lifetimes count in.
 * DIAGNOSTICS
 *	None: every request gets an action.
 * SEE ALSO
 *	check(3), dns(3), rmxfd(8).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "daemon/daemon.h"
#include "dns/dns.h"
#include "policy/policy.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/msg.h"
#include "util/xmalloc.h"

#define DAEMON_REQ_MEMO_STEPS	64	/* steps answered from the memo */
#define DAEMON_REQ_MS_MAX	24	/* "%.1f" of a time in ms, octets */
#define DAEMON_REQ_MS_LIMIT	1e15	/* ms written at most */

/* A question sent to the resolver, so its answer can go to the memo. */
struct daemon_req_asked {
	unsigned	id;
	int		type;
	const char     *name;		/* the check's: valid until answered */
};

struct daemon_req {
	struct daemon  *d;
	struct daemon_env *env;
	struct check   *chk;
	struct spf_job	job;
	struct dns_ub_run *run;
	struct timespec	start;
	void		(*done)(void *, const char *);
	void	       *arg;
	struct daemon_req *next;	/* on d->ready */
	int		ready;
	int		primed;		/* the first step is already taken */
	enum spf_step	st;		/* ... and this is what it gave */
	const struct spf_question *out;	/* questions for the resolver */
	size_t		nout;
	struct spf_question *miss;	/* what the memo did not know */
	size_t		nmiss, miss_cap;
	struct daemon_req_asked *asked;	/* sent, not answered yet */
	size_t		nasked, asked_cap;
};

/* daemon_req_ts_ms - a timespec in milliseconds */
static long
daemon_req_ts_ms(const struct timespec *ts)
{
	return (long)ts->tv_sec * 1000 + ts->tv_nsec / 1000000;
}

/* daemon_req_memo - answer what the memo knows; the rest in r->miss */
static void
daemon_req_memo(struct daemon_req *r, const struct spf_question *qs,
    size_t n)
{
	const struct spf_answer *m;
	struct spf_answer a;
	long now = daemon_req_ts_ms(&r->start);
	size_t i;

	r->nmiss = 0;
	for (i = 0; i < n; i++) {
		m = daemon_memo_get(r->d->memo, (int)qs[i].type, qs[i].name,
		    now);
		if (m != NULL) {
			a = *m;
			a.id = qs[i].id;
			(void)check_feed(r->chk, &a);
			continue;
		}
		if (r->nmiss == r->miss_cap) {
			r->miss_cap = r->miss_cap ? 2 * r->miss_cap : 8;
			r->miss = xrealloc(r->miss, r->miss_cap *
			    sizeof(*r->miss));
		}
		r->miss[r->nmiss++] = qs[i];
		if (r->nasked == r->asked_cap) {
			r->asked_cap = r->asked_cap ? 2 * r->asked_cap : 8;
			r->asked = xrealloc(r->asked, r->asked_cap *
			    sizeof(*r->asked));
		}
		r->asked[r->nasked].id = qs[i].id;
		r->asked[r->nasked].type = (int)qs[i].type;
		r->asked[r->nasked].name = qs[i].name;
		r->nasked++;
	}
}

/* daemon_req_advance - step the check, answering from the memo, until it
 * is done, waits, or asks what the memo does not know (in r->out) */
static enum spf_step
daemon_req_advance(struct daemon_req *r)
{
	const struct spf_question *qs;
	enum spf_step st;
	size_t n, steps;

	for (steps = 0;; steps++) {
		n = 0;
		st = check_step(r->chk, &qs, &n);
		r->out = qs;
		r->nout = n;
		if (st != SPF_STEP_QUERY || n == 0 ||
		    steps == DAEMON_REQ_MEMO_STEPS)
			return st;
		daemon_req_memo(r, qs, n);
		if (r->nmiss > 0) {
			r->out = r->miss;
			r->nout = r->nmiss;
			return st;
		}
	}
}

/* daemon_req_step - the dns_job step: the check behind the memo */
static enum spf_step
daemon_req_step(void *obj, const struct spf_question **q, size_t *nq)
{
	struct daemon_req *r = obj;
	enum spf_step st;

	if (r->primed) {
		r->primed = 0;
		st = r->st;
	} else
		st = daemon_req_advance(r);
	*q = r->out;
	*nq = r->nout;
	return st;
}

/* daemon_req_feed - the dns_job feed: keep the answer, give it on */
static int
daemon_req_feed(void *obj, const struct spf_answer *a)
{
	struct daemon_req *r = obj;
	size_t i;

	for (i = 0; i < r->nasked; i++) {
		if (r->asked[i].id != a->id)
			continue;
		daemon_memo_put(r->d->memo, r->asked[i].type,
		    r->asked[i].name, a, clock_now_ms());
		r->asked[i] = r->asked[--r->nasked];
		break;
	}
	return check_feed(r->chk, a);
}

/* daemon_req_expire - the dns_job expire of a check */
static void
daemon_req_expire(void *obj)
{
	struct daemon_req *r = obj;

	r->nasked = 0;		/* no more answers will come */
	check_expire(r->chk);
}

/* daemon_req_free - release a request's check and environment */
static void
daemon_req_free(struct daemon_req *r)
{
	check_free(r->chk);
	daemon_env_unref(r->env);
	free(r->miss);
	free(r->asked);
	daemon_mem_touch(r->d);
	free(r);
}

/* daemon_req_ms - milliseconds since t0 */
static double
daemon_req_ms(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) * 1000.0 +
	    (double)(now.tv_nsec - t0->tv_nsec) / 1e6;
}

/* daemon_req_flush - write the queued decision lines to stderr */
static void
daemon_req_flush(struct daemon *d)
{
	size_t off = 0;
	ssize_t n;

	while (off < d->logq->len) {
		n = write(STDERR_FILENO, d->logq->data + off,
		    d->logq->len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;		/* nowhere to log to: drop the lines */
		off += (size_t)n;
	}
	buf_reset(d->logq);
}

/* daemon_req_flush_cb - the end of a turn of the loop */
static void
daemon_req_flush_cb(evutil_socket_t fd, short what, void *arg)
{
	daemon_req_flush(arg);
}

/* daemon_req_tenths - ms with one decimal, as "%.1f" (no printf: this
 * runs once per request); out has room for DAEMON_REQ_MS_MAX octets */
static size_t
daemon_req_tenths(char *out, double ms)
{
	unsigned long long t;
	char rev[DAEMON_REQ_MS_MAX];
	size_t n = 0, i;

	if (!(ms > 0))
		ms = 0;
	if (ms > DAEMON_REQ_MS_LIMIT)
		ms = DAEMON_REQ_MS_LIMIT;
	t = (unsigned long long)(ms * 10.0 + 0.5);
	rev[n++] = (char)('0' + t % 10);
	rev[n++] = '.';
	t /= 10;
	do {
		rev[n++] = (char)('0' + t % 10);
		t /= 10;
	} while (t > 0 && n < sizeof(rev));
	for (i = 0; i < n; i++)
		out[i] = rev[n - 1 - i];
	return n;
}

/* daemon_req_log - one decision line, as msg_info() would write it */
static void
daemon_req_log(struct daemon *d, const char *log, double ms)
{
	char num[DAEMON_REQ_MS_MAX], pre[MSG_PREFIX_MAX];
	size_t mark, len, nlen, plen;

	if (!d->log_batch ||
	    (plen = msg_stderr_prefix(pre, sizeof(pre))) == 0) {
		msg_info("%s time_ms=%.1f", log, ms);
		return;
	}
	if (d->logq->len > DAEMON_LOG_QUEUE - DAEMON_LOG_LINE_MAX)
		daemon_req_flush(d);
	mark = d->logq->len;
	if ((len = strlen(log)) > DAEMON_LOG_LINE_MAX - 64)
		len = DAEMON_LOG_LINE_MAX - 64;		/* as msg(3) cuts */
	nlen = daemon_req_tenths(num, ms);
	if (buf_append(d->logq, pre, plen) < 0 ||
	    buf_append(d->logq, log, len) < 0 ||
	    buf_puts(d->logq, " time_ms=") < 0 ||
	    buf_append(d->logq, num, nlen) < 0 ||
	    buf_putc(d->logq, '\n') < 0) {
		buf_truncate(d->logq, mark);
		msg_info("%s time_ms=%.1f", log, ms);
		return;
	}
	event_active(d->log_flush, EV_TIMEOUT, 0);
}

/* daemon_req_done - the check decided: log, answer */
static void
daemon_req_done(void *arg)
{
	struct daemon_req *r = arg;
	const struct check_decision *dec;
	void (*done)(void *, const char *);
	void *done_arg;
	char action[POLICY_MAX_ACTION + 1];
	size_t len;

	r->run = NULL;
	dec = check_decision(r->chk);
	daemon_req_log(r->d, dec->log != NULL ? dec->log : "",
	    daemon_req_ms(&r->start));
	if (dec->action == NULL ||
	    (len = strlen(dec->action)) > POLICY_MAX_ACTION)
		len = 0;
	memcpy(action, len > 0 ? dec->action : "DUNNO", len > 0 ? len :
	    sizeof("DUNNO"));
	if (len > 0)
		action[len] = 0;
	done = r->done;
	done_arg = r->arg;
	daemon_req_free(r);		/* the memo is free for the next one */
	done(done_arg, action);
}

/* daemon_req_ready_cb - the done functions of requests decided without
 * the resolver; those that became ready meanwhile wait for the next turn */
static void
daemon_req_ready_cb(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;
	struct daemon_req *r, *last = d->ready_tail;

	while ((r = d->ready) != NULL) {
		int stop = r == last;

		if ((d->ready = r->next) == NULL)
			d->ready_tail = NULL;
		r->ready = 0;
		daemon_req_done(r);
		if (stop)
			break;
	}
	if (d->ready != NULL)
		event_active(d->req_ready, EV_TIMEOUT, 0);
}

/* daemon_req_queue - r was decided: done from the loop */
static void
daemon_req_queue(struct daemon_req *r)
{
	struct daemon *d = r->d;

	r->next = NULL;
	r->ready = 1;
	if (d->ready_tail != NULL)
		d->ready_tail->next = r;
	else
		d->ready = r;
	d->ready_tail = r;
	event_active(d->req_ready, EV_TIMEOUT, 0);
}

/* daemon_req_init - the daemon's memo and ready event */
void
daemon_req_init(struct daemon *d)
{
	long ms = d->opts.memo_ms >= 0 ? d->opts.memo_ms : DAEMON_MEMO_MS;

	d->memo = ms > 0 ? daemon_memo_new(DAEMON_MEMO_MAX, ms) : NULL;
	/* --stdio serves one connection: nothing to go on with */
	d->park = d->opts.stdio ? NULL :
	    daemon_park_new(DAEMON_PARK_MAX, DAEMON_PARK_MS);
	d->req_ready = event_new(d->base, -1, 0, daemon_req_ready_cb, d);
	d->log_flush = event_new(d->base, -1, 0, daemon_req_flush_cb, d);
	if (d->req_ready == NULL || d->log_flush == NULL)
		msg_fatal(1, "event_new: out of memory");
	d->log_batch = !d->opts.stdio;
	d->logq = xmalloc(sizeof(*d->logq));
	buf_init(d->logq, DAEMON_LOG_QUEUE);
}

/* daemon_req_fini - write the queued lines; free the memo and events */
void
daemon_req_fini(struct daemon *d)
{
	daemon_req_flush(d);
	buf_free(d->logq);
	free(d->logq);
	d->logq = NULL;
	event_free(d->log_flush);
	event_free(d->req_ready);
	daemon_memo_free(d->memo);
	d->memo = NULL;
	daemon_park_free(d->park);
	d->park = NULL;
}

/* daemon_req_start - run one request */
struct daemon_req *
daemon_req_start(struct daemon *d, struct check_memo *memo,
    const struct policy_request *req, const char *peer,
    void (*done)(void *, const char *), void *arg)
{
	struct daemon_req *r;

	/* malloc and memset: calloc(3) skips glibc's per-thread cache */
	r = xmalloc(sizeof(*r));
	memset(r, 0, sizeof(*r));
	clock_gettime(CLOCK_MONOTONIC, &r->start);
	r->d = d;
	r->env = daemon_env_ref(d->env);
	r->done = done;
	r->arg = arg;
	check_cache_clock(r->env->check.cache, daemon_req_ts_ms(&r->start));
	r->chk = check_new(&r->env->check, memo, req, (long long)time(NULL));
	/* first from the memo: under load most requests end here */
	r->st = daemon_req_advance(r);
	if (r->st == SPF_STEP_DONE) {
		daemon_req_queue(r);
		return r;
	}
	r->primed = 1;
	r->job.obj = r;
	r->job.step = daemon_req_step;
	r->job.feed = daemon_req_feed;
	r->job.expire = daemon_req_expire;
	/* the DNS work of a request ends at dns_timeout (RFC 7208 4.6.4)
	 * or request_timeout, whichever comes first */
	r->run = dns_ub_start(d->ub, &r->job,
	    r->env->conf->dns_timeout < r->env->conf->request_timeout ?
	    r->env->conf->dns_timeout : r->env->conf->request_timeout,
	    daemon_req_done, r);
	return r;
}

/* daemon_req_cancel - forget a request; done is not called */
void
daemon_req_cancel(struct daemon_req *r)
{
	struct daemon *d = r->d;
	struct daemon_req *prev = NULL, *q;

	if (r->ready) {
		for (q = d->ready; q != NULL && q != r; q = q->next)
			prev = q;
		if (q == r) {
			if (prev != NULL)
				prev->next = r->next;
			else
				d->ready = r->next;
			if (d->ready_tail == r)
				d->ready_tail = prev;
		}
	}
	if (r->run != NULL)
		dns_ub_cancel(r->run);
	daemon_req_free(r);
}
