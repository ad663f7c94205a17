/*
 * NAME
 *	daemon_req 3
 * SUMMARY
 *	one envelope through check(3) on the shared resolver
 * SYNOPSIS
 *	#include "daemon/daemon.h"
 *
 *	struct daemon_req *daemon_req_start(struct daemon *d,
 *			struct check_message *msg,
 *			const struct check_envelope *in,
 *			void (*done)(void *arg,
 *			    const struct check_decision *dec),
 *			void *arg);
 *	void	daemon_req_cancel(struct daemon_req *r);
 * DESCRIPTION
 *	daemon_req_start() starts a check of the envelope under the
 *	current environment (taking a reference, so that a reload does not
 *	change the rules under a running request) and runs it on the
 *	daemon's dns_ub: its questions go out beside those of every other
 *	request, and share the recent answers, libunbound's cache and the
 *	parsed-record cache.  The deadline is dns_timeout or
 *	request_timeout, whichever comes first; then the check decides with
 *	what it has (the configured temporary action).
 *
 *	When the check is done, it is counted (daemon_metrics(3)), its log
 *	line goes to daemon_log(3) with the time it took, and done(arg,
 *	dec) is called, always from the loop, never from inside
 *	daemon_req_start().  dec is valid during the call only; the
 *	request is freed after it.  The envelope's strings and msg must
 *	stay until done is called or the request is cancelled.
 *
 *	daemon_req_cancel() drops a request whose connection went away;
 *	done is not called.
 * DIAGNOSTICS
 *	None: every request gets a decision.
 * SEE ALSO
 *	check(3), dns(3), daemon_log(3), rmxfd(8).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon/daemon.h"
#include "dns/dns.h"
#include "util/clock.h"
#include "util/xmalloc.h"

struct daemon_req {
	struct daemon  *d;
	struct daemon_env *env;
	struct check   *chk;
	struct spf_job	job;
	struct dns_ub_run *run;
	struct timespec	start;
	void		(*done)(void *, const struct check_decision *);
	void	       *arg;
};

/* daemon_req_free - release a request's check and environment */
static void
daemon_req_free(struct daemon_req *r)
{
	check_free(r->chk);
	daemon_env_unref(r->env);
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

/* daemon_req_done - the check decided: log, answer, free */
static void
daemon_req_done(void *arg)
{
	struct daemon_req *r = arg;
	const struct check_decision *dec = check_decision(r->chk);

	double ms = daemon_req_ms(&r->start);

	r->run = NULL;
	daemon_metrics_decision(r->d, dec, ms);
	daemon_log_decision(r->d, dec->log != NULL ? dec->log : "", ms);
	r->done(r->arg, dec);
	daemon_req_free(r);
}

/* daemon_req_start - run one envelope */
struct daemon_req *
daemon_req_start(struct daemon *d, struct check_message *msg,
    const struct check_envelope *in,
    void (*done)(void *, const struct check_decision *), void *arg)
{
	const struct conf *c;
	struct daemon_req *r;

	/* malloc and memset: calloc(3) skips glibc's per-thread cache */
	r = xmalloc(sizeof(*r));
	memset(r, 0, sizeof(*r));
	clock_gettime(CLOCK_MONOTONIC, &r->start);
	r->d = d;
	r->env = daemon_env_ref(d->env);
	r->done = done;
	r->arg = arg;
	c = r->env->conf;
	check_recent_clock(r->env->check.recent, clock_now_ms());
	r->chk = check_new(&r->env->check, msg, in,
	    (long long)time(NULL));
	check_job(&r->job, r->chk);
	/* the DNS work of a request ends at dns_timeout (RFC 7208 4.6.4)
	 * or request_timeout, whichever comes first */
	r->run = dns_ub_start(d->ub, &r->job, c->dns_timeout <
	    c->request_timeout ? c->dns_timeout : c->request_timeout,
	    daemon_req_done, r);
	return r;
}

/* daemon_req_cancel - forget a request; done is not called */
void
daemon_req_cancel(struct daemon_req *r)
{
	dns_ub_cancel(r->run);
	daemon_req_free(r);
}
