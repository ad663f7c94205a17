/*
 * NAME
 *	dns_ub 3
 * SUMMARY
 *	the libunbound context of a libevent loop
 * SYNOPSIS
 *	#include "dns/dns.h"
 *
 *	struct dns_ub *dns_ub_new(struct event_base *base,
 *			const struct dns_ub_opts *opts, char *err,
 *			size_t errlen);
 *	void	dns_ub_free(struct dns_ub *ub);
 *	void	dns_ub_quiet(struct dns_ub *ub);
 *	void	dns_ub_limits(struct dns_ub *ub, unsigned per_domain,
 *			unsigned slow_ms, unsigned recent_ms);
 *	void	dns_ub_guard_stats(const struct dns_ub *ub,
 *			struct dns_guard_stats *st);
 *	void	dns_ub_stats(const struct dns_ub *ub,
 *			struct dns_ub_stats *st);
 * DESCRIPTION
 *	dns_ub_new() makes a libunbound context on the caller's event base:
 *	forwarding to the servers of /etc/resolv.conf, or to opts->forwarders
 *	("IP", "IP@PORT", "IPv4:PORT" or "[IPv6]:PORT", separated by blanks
 *	or commas), or full recursion.  When forwarding (to either) the
 *	default local zones of libunbound (unbound.conf(5), local-zone:
 *	test., invalid., the AS112 and documentation reverse zones, ...)
 *	are removed from the context, so that those names are asked of the
 *	forwarders: the site's resolver may serve private reverse zones and
 *	internal names, and a forwarding resolver must not answer them
 *	itself.  Full recursion keeps them, as unbound itself does.
 *	opts->tcp_only sends every query over TCP; opts->ports sets how
 *	many UDP queries may be out at once.  With the context come its
 *	guard (dns_guard(3), bounds per registered domain) and, with
 *	opts->recent_ms, the answers of the last moments (dns_recent(3));
 *	dns_ub_limits() changes both (a reload).  Jobs run on it with
 *	dns_ub_start() (dns_ub_run(3)).
 *
 *	dns_ub_stats() copies the context's counters (struct dns_ub_stats
 *	in dns.h): the questions of the jobs, how the recent answers and
 *	libunbound's cache served them, libunbound's answers by rcode, the
 *	queries left unanswered at a deadline, and how long the answers
 *	that were waited for took.  Plain counters on the loop's thread:
 *	counting costs an addition, reading them is the caller's business
 *	(rmxfd's metrics); dns_ub_guard_stats() gives the guard's.
 *
 *	dns_ub_free() cancels the runs still going (their done functions
 *	are not called) and releases everything.
 * DIAGNOSTICS
 *	dns_ub_new() returns NULL with a reason in err for a resolver that
 *	cannot be used (bad forwarder address, unreadable resolv.conf,
 *	libunbound refusing an option).
 * SEE ALSO
 *	dns_ub_run(3), libunbound(3), unbound.conf(5) local-zone; RFC 6761
 *	and RFC 6303 (the names libunbound serves itself).
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
#include "dns/dns_recent.h"
#include "dns/dns_ub_int.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/msg.h"
#include "util/xmalloc.h"

#define DNS_UB_MAX_FWD_TEXT	64	/* one forwarder as "IP@PORT" */
#define DNS_UB_ERR_MAX		256	/* longest error text we build */

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
	ub->recent = opts->recent_ms > 0 ? dns_recent_new(DNS_UB_RECENT_MAX,
	    (long)opts->recent_ms) : NULL;
	ub->recent_ms = opts->recent_ms;
	if ((ub->ready_ev = event_new(base, -1, 0, dns_ub_ready_cb, ub)) ==
	    NULL)
		msg_panic("dns_ub_new: event_new failed");
	return ub;

bad:
	ub_ctx_delete(ctx);
	return NULL;
}

/* dns_ub_quiet - libunbound's own messages go nowhere (rmxfd --stdio,
 * whose stderr is Postfix's); its errors still come back as codes */
void
dns_ub_quiet(struct dns_ub *ub)
{
	(void)ub_ctx_debugout(ub->ctx, NULL);
	(void)ub_ctx_debuglevel(ub->ctx, 0);
}

/* dns_ub_limits - the guard's bounds and the recent answers' life (a
 * reload); the answers kept stay unless their life changed */
void
dns_ub_limits(struct dns_ub *ub, unsigned per_domain, unsigned slow_ms,
    unsigned recent_ms)
{
	dns_guard_limits(ub->guard, per_domain, slow_ms);
	if (recent_ms == ub->recent_ms)
		return;
	dns_recent_free(ub->recent);
	ub->recent = recent_ms > 0 ? dns_recent_new(DNS_UB_RECENT_MAX,
	    (long)recent_ms) : NULL;
	ub->recent_ms = recent_ms;
}

/* dns_ub_guard_stats - the guard's counters */
void
dns_ub_guard_stats(const struct dns_ub *ub, struct dns_guard_stats *st)
{
	dns_guard_stats(ub->guard, st);
}

/* dns_ub_stats - the context's counters */
void
dns_ub_stats(const struct dns_ub *ub, struct dns_ub_stats *st)
{
	*st = ub->st;
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
	dns_recent_free(ub->recent);
	event_free(ub->ready_ev);
	free(ub);
}
