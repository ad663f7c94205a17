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
 *	daemon_req_cancel() drops a request whose connection went away;
 *	done is not called.
 * DIAGNOSTICS
 *	None: every request gets an action.
 * SEE ALSO
 *	check(3), dns(3), rmxfd(8).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon/daemon.h"
#include "dns/dns.h"
#include "policy/policy.h"
#include "util/buf.h"
#include "util/msg.h"
#include "util/xmalloc.h"

struct daemon_req {
	struct daemon  *d;
	struct daemon_env *env;
	struct check   *chk;
	struct dns_job	job;
	struct dns_ub_run *run;
	struct timespec	start;
	void		(*done)(void *, const char *);
	void	       *arg;
};

/* daemon_req_step - the dns_job step of a check */
static enum spf_step
daemon_req_step(void *obj, const struct spf_question **q, size_t *nq)
{
	return check_step(obj, q, nq);
}

/* daemon_req_feed - the dns_job feed of a check */
static int
daemon_req_feed(void *obj, const struct spf_answer *a)
{
	return check_feed(obj, a);
}

/* daemon_req_expire - the dns_job expire of a check */
static void
daemon_req_expire(void *obj)
{
	check_expire(obj);
}

/* daemon_req_free - release a request's check and environment */
static void
daemon_req_free(struct daemon_req *r)
{
	check_free(r->chk);
	daemon_env_unref(r->env);
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

/* daemon_req_done - the check decided: log, answer */
static void
daemon_req_done(void *arg)
{
	struct daemon_req *r = arg;
	const struct check_decision *dec;
	void (*done)(void *, const char *);
	void *done_arg;
	struct buf action;

	r->run = NULL;
	dec = check_decision(r->chk);
	msg_info("%s time_ms=%.1f", dec->log != NULL ? dec->log : "",
	    daemon_req_ms(&r->start));
	buf_init(&action, POLICY_MAX_ACTION);
	if (buf_puts(&action, dec->action != NULL ? dec->action : "DUNNO") <
	    0) {
		buf_reset(&action);
		buf_puts(&action, "DUNNO");
	}
	done = r->done;
	done_arg = r->arg;
	daemon_req_free(r);		/* the memo is free for the next one */
	done(done_arg, action.data);
	buf_free(&action);
}

/* daemon_req_start - run one request */
struct daemon_req *
daemon_req_start(struct daemon *d, struct check_memo *memo,
    const struct policy_request *req, const char *peer,
    void (*done)(void *, const char *), void *arg)
{
	struct daemon_req *r;

	r = xcalloc(1, sizeof(*r));
	clock_gettime(CLOCK_MONOTONIC, &r->start);
	r->d = d;
	r->env = daemon_env_ref(d->env);
	r->done = done;
	r->arg = arg;
	r->chk = check_new(&r->env->check, memo, req, (long long)time(NULL));
	r->job.obj = r->chk;
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
	if (r->run != NULL)
		dns_ub_cancel(r->run);
	daemon_req_free(r);
}
