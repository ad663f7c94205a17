/*
 * NAME
 *	dns_ub 3
 * SUMMARY
 *	run jobs against libunbound inside a libevent loop
 * SYNOPSIS
 *	#include "dns/dns.h"
 *
 *	struct dns_ub *dns_ub_new(struct event_base *base,
 *			const struct dns_ub_opts *opts, char *err,
 *			size_t errlen);
 *	void	dns_ub_free(struct dns_ub *ub);
 *	void	dns_ub_quiet(struct dns_ub *ub);
 *	struct dns_ub_run *dns_ub_start(struct dns_ub *ub,
 *			struct spf_job *job, unsigned timeout_ms,
 *			void (*done)(void *), void *arg);
 *	void	dns_ub_cancel(struct dns_ub_run *run);
 *	int	dns_ub_run_sync(const struct dns_ub_opts *opts,
 *			struct spf_job *job, char *err, size_t errlen);
 * DESCRIPTION
 *	dns_ub_new() makes a libunbound context on the caller's event base:
 *	forwarding to the servers of /etc/resolv.conf, or to opts->forwarders
 *	("IP", "IP@PORT", "IPv4:PORT" or "[IPv6]:PORT", separated by blanks
 *	or commas), or full recursion.  With explicit forwarders the default
 *	local zones of libunbound (unbound.conf(5), local-zone: test.,
 *	invalid., the AS112 and documentation reverse zones, ...) are removed
 *	from the context, so that those names are asked of the forwarders:
 *	our tests serve them.  opts->tcp_only sends every query over TCP.
 *
 *	dns_ub_start() runs a job (the step/feed contract of spf.h): its
 *	first step runs from a zero-delay timer, each question goes out with
 *	ub_resolve_event(), and each answer is parsed (dns_wire_parse()) and
 *	fed to the job in libunbound's callback; the next step is again
 *	scheduled on a zero-delay timer, never run inside the callback,
 *	because libunbound answers cached and local data synchronously,
 *	from inside ub_resolve_event().  A deadline timer per run: when it
 *	fires the outstanding queries are cancelled, the job's expire() is
 *	called, the job is stepped to its end (questions it still asks get
 *	TIMEOUT) and done() is called.
 *
 *	A run belongs to the dns_ub: it is freed just before done() is
 *	called, by dns_ub_cancel() (done is then not called), or by
 *	dns_ub_free().  The job is borrowed until then.
 *
 *	dns_ub_run_sync() runs one job on a private event base (the CLI).
 * DIAGNOSTICS
 *	dns_ub_new() and dns_ub_run_sync() return NULL or -1 with a reason
 *	in err for a resolver that cannot be used (bad forwarder address,
 *	unreadable resolv.conf, libunbound refusing an option).  A job that
 *	waits with nothing outstanding, or never finishes after expire(), is
 *	a bug: msg_panic().
 * SEE ALSO
 *	libunbound(3), unbound.conf(5) local-zone; RFC 7208 4.6.4
 *	(timeouts); RFC 6761 and RFC 6303 (the names libunbound serves
 *	itself).
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <string.h>
#include <stdlib.h>

#include <event2/event.h>
#include <unbound.h>
#include <unbound-event.h>

#include "dns/dns.h"
#include "dns/dns_guard.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/msg.h"
#include "util/xmalloc.h"

#define DNS_UB_ARENA_CHUNK	1024	/* one answer's records: most fit */
#define DNS_UB_MAX_EXPIRED_STEPS 1000	/* steps allowed after expire() */
#define DNS_UB_MAX_FWD_TEXT	64	/* one forwarder as "IP@PORT" */
#define DNS_UB_ERR_MAX		256	/* longest error text we build */
#define DNS_UB_CLASS_IN		1

/*
 * libunbound's default local zones (unbound.conf(5), 1.17, local-zone:
 * "The default zones are ..."; RFC 6761 names, RFC 6303 and RFC 7534
 * AS112 reverse zones, documentation prefixes).  A forwarding stub turns
 * them all off: the resolver it forwards to decides what they hold.
 */
static const char *const dns_ub_default_zones[] = {
	"localhost.",
	"127.in-addr.arpa.",
	"1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0."
	    "ip6.arpa.",
	"home.arpa.",
	"onion.",
	"test.",
	"invalid.",
	"10.in-addr.arpa.",
	"16.172.in-addr.arpa.", "17.172.in-addr.arpa.",
	"18.172.in-addr.arpa.", "19.172.in-addr.arpa.",
	"20.172.in-addr.arpa.", "21.172.in-addr.arpa.",
	"22.172.in-addr.arpa.", "23.172.in-addr.arpa.",
	"24.172.in-addr.arpa.", "25.172.in-addr.arpa.",
	"26.172.in-addr.arpa.", "27.172.in-addr.arpa.",
	"28.172.in-addr.arpa.", "29.172.in-addr.arpa.",
	"30.172.in-addr.arpa.", "31.172.in-addr.arpa.",
	"168.192.in-addr.arpa.",
	"0.in-addr.arpa.",
	"254.169.in-addr.arpa.",
	"2.0.192.in-addr.arpa.",
	"100.51.198.in-addr.arpa.",
	"113.0.203.in-addr.arpa.",
	"255.255.255.255.in-addr.arpa.",
	"0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0."
	    "ip6.arpa.",
	"d.f.ip6.arpa.",
	"8.e.f.ip6.arpa.", "9.e.f.ip6.arpa.",
	"a.e.f.ip6.arpa.", "b.e.f.ip6.arpa.",
	"8.b.d.0.1.0.0.2.ip6.arpa.",
};

/* 64.100.in-addr.arpa. to 127.100.in-addr.arpa. (RFC 6598) */
#define DNS_UB_CGN_FIRST	64
#define DNS_UB_CGN_LAST		127

struct dns_ub {
	struct event_base *base;
	struct ub_ctx  *ctx;
	unsigned	timeout_ms;
	struct dns_ub_run *runs;	/* runs going on */
	struct dns_guard *guard;	/* bounds per registered domain */
};

/* One question sent. */
struct dns_ub_q {
	struct dns_ub_q *next;
	struct dns_ub_run *run;
	unsigned	id;
	enum spf_rrtype	type;
	char	       *name;		/* owned copy, for parsing the answer */
	int		async_id;	/* 0: answered during the send */
	int		pending;	/* no answer yet */
	long		sent_ms;	/* when it went out */
	struct dns_guard_flight *flight; /* the guard's, until answered */
};

struct dns_ub_run {
	struct dns_ub_run *next;
	struct dns_ub_run **prevp;
	struct dns_ub  *ub;
	struct spf_job	job;		/* a copy of the caller's */
	struct event   *step_ev;	/* zero-delay: step the job */
	struct event   *deadline_ev;
	void		(*done)(void *);
	void	       *arg;
	struct dns_ub_q *qs;		/* sent, answered ones reaped on step */
	size_t		pending;
	struct arena   *arena;		/* one answer's records */
	struct spf_question *copy;	/* questions of the current step */
	size_t		copycap;
	unsigned	timeout_ms;	/* the deadline, after the start */
};

/* dns_ub_err - reason into the caller's buffer */
static void __attribute__((format(printf, 3, 4)))
dns_ub_err(char *err, size_t errlen, const char *fmt, ...)
{
	struct buf b;
	va_list ap;
	size_t n;

	if (err == NULL || errlen == 0)
		return;
	buf_init(&b, DNS_UB_ERR_MAX);
	va_start(ap, fmt);
	(void)buf_vprintf(&b, fmt, ap);
	va_end(ap);
	n = b.len > errlen - 1 ? errlen - 1 : b.len;
	if (n)
		memcpy(err, b.data, n);
	err[n] = 0;
	buf_free(&b);
}

/*
 * dns_ub_fwd_text - one forwarder in libunbound's "IP@PORT" form.
 * Accepts IP, IP@PORT, IPv4:PORT, [IPv6]:PORT and [IPv6]@PORT.
 */
static int
dns_ub_fwd_text(const char *s, size_t len, struct buf *out)
{
	char ip[DNS_UB_MAX_FWD_TEXT], tmp[16];
	const char *port = NULL, *at;
	size_t iplen, plen = 0, i;
	unsigned long pv = 0;

	if (len == 0 || len >= DNS_UB_MAX_FWD_TEXT)
		return -1;
	if (s[0] == '[') {
		if ((at = memchr(s, ']', len)) == NULL)
			return -1;
		iplen = (size_t)(at - s) - 1;
		memcpy(ip, s + 1, iplen);
		if ((size_t)(at - s) + 1 < len) {
			if (at[1] != ':' && at[1] != '@')
				return -1;
			port = at + 2;
			plen = len - (size_t)(port - s);
		}
	} else {
		const char *colon = memchr(s, ':', len);

		at = memchr(s, '@', len);
		if (at == NULL && colon != NULL &&
		    memchr(colon + 1, ':', len - (size_t)(colon - s) - 1) ==
		    NULL)
			at = colon;		/* IPv4:PORT */
		iplen = at ? (size_t)(at - s) : len;
		memcpy(ip, s, iplen);
		if (at) {
			port = at + 1;
			plen = len - iplen - 1;
		}
	}
	ip[iplen] = 0;
	if (inet_pton(AF_INET, ip, tmp) != 1 &&
	    inet_pton(AF_INET6, ip, tmp) != 1)
		return -1;
	if (port) {
		if (plen == 0 || plen > 5)
			return -1;
		for (i = 0; i < plen; i++) {
			if (port[i] < '0' || port[i] > '9')
				return -1;
			pv = pv * 10 + (unsigned long)(port[i] - '0');
		}
		if (pv == 0 || pv > 65535)
			return -1;
	}
	buf_reset(out);
	if (pv)
		return buf_printf(out, "%s@%lu", ip, pv);
	return buf_puts(out, ip);
}

/* dns_ub_set_fwd - configure every forwarder of a list */
static int
dns_ub_set_fwd(struct ub_ctx *ctx, const char *list, char *err,
    size_t errlen)
{
	struct buf one;
	const char *p = list;
	int n = 0, r, ret = -1;

	buf_init(&one, DNS_UB_MAX_FWD_TEXT);
	while (*p) {
		size_t len = strcspn(p, " \t,");

		if (len == 0) {
			p++;
			continue;
		}
		if (dns_ub_fwd_text(p, len, &one) < 0) {
			dns_ub_err(err, errlen, "bad forwarder address: %.*s",
			    (int)(len > 64 ? 64 : len), p);
			goto out;
		}
		if ((r = ub_ctx_set_fwd(ctx, one.data)) != 0) {
			dns_ub_err(err, errlen, "forwarder %s: %s", one.data,
			    ub_strerror(r));
			goto out;
		}
		n++;
		p += len;
	}
	if (n == 0) {
		dns_ub_err(err, errlen, "no forwarder address given");
		goto out;
	}
	ret = 0;

out:
	buf_free(&one);
	return ret;
}

/*
 * dns_ub_nodefault - turn one default local zone off.  The zone is
 * removed outright: ub_ctx_zone_add(ctx, zone, "nodefault") only changes
 * its type, and the data at its apex (SOA, NS; localhost's addresses)
 * would still be answered locally.
 */
static int
dns_ub_nodefault(struct ub_ctx *ctx, const char *zone, char *err,
    size_t errlen)
{
	int r;

	if ((r = ub_ctx_zone_remove(ctx, zone)) != 0) {
		dns_ub_err(err, errlen, "local zone %s: %s", zone,
		    ub_strerror(r));
		return -1;
	}
	return 0;
}

/* dns_ub_no_local_zones - turn all default local zones off */
static int
dns_ub_no_local_zones(struct ub_ctx *ctx, char *err, size_t errlen)
{
	struct buf zone;
	size_t i;
	int n, ret = -1;

	for (i = 0; i < sizeof(dns_ub_default_zones) /
	    sizeof(*dns_ub_default_zones); i++)
		if (dns_ub_nodefault(ctx, dns_ub_default_zones[i], err,
		    errlen) < 0)
			return -1;
	buf_init(&zone, DNS_UB_ERR_MAX);
	for (n = DNS_UB_CGN_FIRST; n <= DNS_UB_CGN_LAST; n++) {
		buf_reset(&zone);
		(void)buf_printf(&zone, "%d.100.in-addr.arpa.", n);
		if (dns_ub_nodefault(ctx, zone.data, err, errlen) < 0)
			goto out;
	}
	ret = 0;

out:
	buf_free(&zone);
	return ret;
}

/*
 * dns_ub_ports - how many UDP queries may be out at once.  libunbound
 * allows 16 in library use, and a query waits for a free one: 16 names
 * whose servers never answer, retried for minutes, would hold them all
 * and stall every other lookup.  Its table of queries in progress gets
 * room for as many again waiting on answers of others.
 */
static int
dns_ub_ports(struct ub_ctx *ctx, unsigned ports, char *err, size_t errlen)
{
	char v[16];
	struct buf b;
	int r;

	buf_init_store(&b, sizeof(v) - 1, v, sizeof(v));
	(void)buf_put_uint(&b, ports);
	if ((r = ub_ctx_set_option(ctx, "outgoing-range:", v)) != 0) {
		dns_ub_err(err, errlen, "outgoing-range: %s", ub_strerror(r));
		return -1;
	}
	buf_reset(&b);
	(void)buf_put_uint(&b, 2 * (unsigned long long)ports);
	if ((r = ub_ctx_set_option(ctx, "num-queries-per-thread:", v)) != 0) {
		dns_ub_err(err, errlen, "num-queries-per-thread: %s",
		    ub_strerror(r));
		return -1;
	}
	buf_free(&b);
	return 0;
}

/* dns_ub_new - a libunbound context on an event base */
struct dns_ub *
dns_ub_new(struct event_base *base, const struct dns_ub_opts *opts,
    char *err, size_t errlen)
{
	struct dns_ub *ub = NULL;
	struct ub_ctx *ctx;
	int r;

	if ((ctx = ub_ctx_create_event(base)) == NULL) {
		dns_ub_err(err, errlen, "cannot create a libunbound context");
		return NULL;
	}
	if (opts->recursive) {
		/* libunbound recurses from its root hints by default. */
	} else if (opts->forwarders == NULL) {
		if ((r = ub_ctx_resolvconf(ctx, NULL)) != 0) {
			dns_ub_err(err, errlen, "/etc/resolv.conf: %s",
			    ub_strerror(r));
			goto bad;
		}
	} else {
		if (dns_ub_set_fwd(ctx, opts->forwarders, err, errlen) < 0)
			goto bad;
	}
	if (opts->tcp_only &&
	    (r = ub_ctx_set_option(ctx, "tcp-upstream:", "yes")) != 0) {
		dns_ub_err(err, errlen, "tcp-upstream: %s", ub_strerror(r));
		goto bad;
	}
	if (opts->ports > 0 && dns_ub_ports(ctx, opts->ports, err,
	    errlen) < 0)
		goto bad;
	/*
	 * A stub that forwards lets the site's resolver answer every name,
	 * private reverse zones and .test included.  Last: changing local
	 * zones finalizes the context's options.
	 */
	if (!opts->recursive && dns_ub_no_local_zones(ctx, err, errlen) < 0)
		goto bad;
	ub = xcalloc(1, sizeof(*ub));
	ub->base = base;
	ub->ctx = ctx;
	ub->timeout_ms = opts->timeout_ms;
	ub->guard = dns_guard_new(opts->per_domain, opts->slow_ms);
	return ub;

bad:
	ub_ctx_delete(ctx);
	return NULL;
}

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

/* dns_ub_run_free - cancel what is outstanding, release a run */
static void
dns_ub_run_free(struct dns_ub_run *run)
{
	struct dns_ub_q *q, *next;

	for (q = run->qs; q; q = next) {
		next = q->next;
		if (q->pending && q->async_id != 0)
			(void)ub_cancel(run->ub->ctx, q->async_id);
		dns_ub_q_free(run->ub, q, 0);
	}
	if (run->next)
		run->next->prevp = run->prevp;
	*run->prevp = run->next;
	event_free(run->step_ev);
	event_free(run->deadline_ev);
	arena_free(run->arena);
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

/* dns_ub_schedule - step the job soon, from the loop */
static void
dns_ub_schedule(struct dns_ub_run *run)
{
	static const struct timeval now = {0, 0};

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
	if (rcode == 0 && pkt != NULL && len > 0 && sec != 1)
		(void)dns_wire_parse(pkt, (size_t)len, q->name, q->type,
		    run->arena, &a);
	else
		a.status = rcode == 3 ? SPF_DNS_NXDOMAIN : SPF_DNS_SERVFAIL;
	a.id = q->id;
	q->pending = 0;
	run->pending--;
	dns_guard_leave(run->ub->guard, q->flight, 0, clock_now_ms());
	q->flight = NULL;
	dns_ub_feed(run, &a);
	dns_ub_schedule(run);
}

/* dns_ub_send - send one question; failures are answered at once */
static void
dns_ub_send(struct dns_ub_run *run, const struct spf_question *sq)
{
	struct dns_ub_q *q = xcalloc(1, sizeof(*q));
	struct spf_answer a;
	int aid = 0, r;

	q->run = run;
	q->id = sq->id;
	q->type = sq->type;
	q->name = xstrdup(sq->name);
	q->pending = 1;
	q->next = run->qs;
	run->qs = q;
	run->pending++;
	q->sent_ms = clock_now_ms();
	/* a slow or busy registered domain is not asked: a timeout now */
	if ((q->flight = dns_guard_enter(run->ub->guard, (unsigned)q->type,
	    q->name, q->sent_ms)) == NULL)
		r = -1;
	else
		r = ub_resolve_event(run->ub->ctx, q->name, (int)q->type,
		    DNS_UB_CLASS_IN, q, dns_ub_callback, &aid);
	if (r != 0 && q->pending) {
		memset(&a, 0, sizeof(a));
		a.id = q->id;
		a.status = q->flight == NULL ? SPF_DNS_TIMEOUT :
		    SPF_DNS_SERVFAIL;
		q->pending = 0;
		run->pending--;
		dns_ub_feed(run, &a);
		dns_ub_schedule(run);
	} else if (q->pending)
		q->async_id = aid;
}

/* dns_ub_copy - keep the step's questions while answers arrive */
static const struct spf_question *
dns_ub_copy(struct dns_ub_run *run, const struct spf_question *qs, size_t n)
{
	if (n > run->copycap) {
		run->copycap = n;
		run->copy = xrealloc(run->copy, n * sizeof(*run->copy));
	}
	if (n)
		memcpy(run->copy, qs, n * sizeof(*qs));
	return run->copy;
}

/* dns_ub_step_cb - step the job; send what it asks */
static void
dns_ub_step_cb(evutil_socket_t fd, short what, void *arg)
{
	struct dns_ub_run *run = arg;
	const struct spf_question *qs;
	size_t n = 0, i;

	dns_ub_reap(run);
	switch (run->job.step(run->job.obj, &qs, &n)) {
	case SPF_STEP_DONE:
		dns_ub_finish(run);
		return;
	case SPF_STEP_WAIT:
		if (run->pending == 0)
			msg_panic("dns_ub: job waits, nothing is outstanding");
		return;
	case SPF_STEP_QUERY:
		break;
	}
	qs = dns_ub_copy(run, qs, n);
	for (i = 0; i < n; i++)
		dns_ub_send(run, &qs[i]);
	if (n == 0)
		dns_ub_schedule(run);	/* nothing asked: step again */
}

/* dns_ub_deadline_cb - time is up: cancel, expire, finish */
static void
dns_ub_deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	struct dns_ub_run *run = arg;
	const struct spf_question *qs;
	struct dns_ub_q *q;
	struct spf_answer a;
	size_t n, i;
	unsigned steps;
	long now;

	now = clock_now_ms();
	for (q = run->qs; q; q = q->next) {
		if (!q->pending)
			continue;
		if (q->async_id != 0)
			(void)ub_cancel(run->ub->ctx, q->async_id);
		q->pending = 0;
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
		for (i = 0; i < n; i++) {
			memset(&a, 0, sizeof(a));
			a.id = qs[i].id;
			a.status = SPF_DNS_TIMEOUT;
			dns_ub_feed(run, &a);
		}
	}
}

/* dns_ub_quiet - libunbound's own messages go nowhere (rmxfd --stdio,
 * whose stderr is Postfix's); its errors still come back as codes */
void
dns_ub_quiet(struct dns_ub *ub)
{
	(void)ub_ctx_debugout(ub->ctx, NULL);
	(void)ub_ctx_debuglevel(ub->ctx, 0);
}

/* dns_ub_limits - the guard's bounds (a reload) */
void
dns_ub_limits(struct dns_ub *ub, unsigned per_domain, unsigned slow_ms)
{
	dns_guard_limits(ub->guard, per_domain, slow_ms);
}

/* dns_ub_guard_stats - the guard's counters */
void
dns_ub_guard_stats(const struct dns_ub *ub, struct dns_guard_stats *st)
{
	dns_guard_stats(ub->guard, st);
}

/* dns_ub_start - run a job on the loop */
struct dns_ub_run *
dns_ub_start(struct dns_ub *ub, struct spf_job *job, unsigned timeout_ms,
    void (*done)(void *), void *arg)
{
	struct dns_ub_run *run = xcalloc(1, sizeof(*run));
	struct timeval tv;

	if (timeout_ms == 0)
		timeout_ms = ub->timeout_ms ? ub->timeout_ms : SPF_TIMEOUT_MS;
	run->ub = ub;
	run->job = *job;
	run->done = done;
	run->arg = arg;
	run->arena = arena_new(DNS_UB_ARENA_CHUNK);
	run->step_ev = evtimer_new(ub->base, dns_ub_step_cb, run);
	run->deadline_ev = evtimer_new(ub->base, dns_ub_deadline_cb, run);
	if (run->step_ev == NULL || run->deadline_ev == NULL)
		msg_panic("dns_ub_start: evtimer_new failed");
	run->next = ub->runs;
	if (ub->runs)
		ub->runs->prevp = &run->next;
	run->prevp = &ub->runs;
	ub->runs = run;
	run->timeout_ms = timeout_ms;
	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = (timeout_ms % 1000) * 1000;
	evtimer_add(run->deadline_ev, &tv);
	dns_ub_schedule(run);
	return run;
}

/* dns_ub_cancel - stop a run; done is not called */
void
dns_ub_cancel(struct dns_ub_run *run)
{
	if (run != NULL)
		dns_ub_run_free(run);
}

/* dns_ub_free - cancel every run, release the context */
void
dns_ub_free(struct dns_ub *ub)
{
	if (ub == NULL)
		return;
	while (ub->runs)
		dns_ub_run_free(ub->runs);
	ub_ctx_delete(ub->ctx);
	dns_guard_free(ub->guard);
	free(ub);
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
		dns_ub_err(err, errlen, "cannot create an event base");
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
