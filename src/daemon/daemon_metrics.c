/*
 * NAME
 *	daemon_metrics 3
 * SUMMARY
 *	rmxfd's counters, and GET /metrics in the Prometheus text format
 * SYNOPSIS
 *	#include "daemon/daemon.h"
 *
 *	void	daemon_metrics_open(struct daemon *d);
 *	void	daemon_metrics_close(struct daemon *d);
 *	void	daemon_metrics_decision(struct daemon *d,
 *			const struct check_decision *dec, double ms);
 *	void	daemon_metrics_auth(struct daemon *d,
 *			const struct auth_decision *dec);
 *	void	daemon_metrics_lookup(struct daemon *d, const char *map,
 *			size_t len, enum sm_reply r);
 *	void	daemon_metrics_reload(struct daemon *d,
 *			const struct daemon_env *old,
 *			const struct daemon_env *env);
 * DESCRIPTION
 *	Counting is plain additions to d->metrics (struct daemon_metrics)
 *	on the loop's one thread, in the places that see what is counted:
 *	daemon_metrics_decision() for each decision of a policy request
 *	(by method, result and what Postfix is told; the bounce check's
 *	outcome; whether the message's evaluation served it; the time it
 *	took), daemon_metrics_auth() for each message the Milter front
 *	end evaluated for DKIM and DMARC (signatures by result, messages
 *	by DMARC result and action), daemon_metrics_lookup() for each
 *	socketmap lookup (by map
 *	and reply), daemon_metrics_reload() for each reload that took
 *	(old NULL: one that failed).  The front ends count their requests
 *	and errors themselves.  The other counters stay where they are
 *	kept (dns_ub_stats(), the guard, the record cache, the recent
 *	evaluations) and are read only when /metrics is asked for: text is
 *	made on a scrape, never per request.
 *
 *	daemon_metrics_open() serves metrics_listen (inet:HOST:PORT, every
 *	address of HOST) with libevent's HTTP server on the daemon's loop:
 *	GET or HEAD /metrics answers the counters in the Prometheus text
 *	exposition format 0.0.4, any other path 404, any other method
 *	501 (libevent's answer).  Nothing with --stdio (a process per
 *	connection has nothing worth scraping).  Labels take a few fixed
 *	values each (methods, results, actions, rcodes, map names, cache
 *	names): never a domain, an address or anything else a client
 *	sends.  metrics_listen is
 *	taken at start only; daemon_metrics_reload() logs that a changed
 *	one waits for a restart.  daemon_metrics_close() stops serving
 *	(SIGTERM).
 * DIAGNOSTICS
 *	A metrics_listen address that cannot be bound: msg_fatal() as
 *	daemon_listen_bind() (EX_UNAVAILABLE when in use, EX_CONFIG when
 *	HOST does not resolve); a failure of libevent's HTTP server at
 *	start: EX_OSERR.  A scrape whose text would pass
 *	DAEMON_METRICS_MAX octets is answered 500 and logged.
 * SEE ALSO
 *	doc/monitoring.md, rmxf.conf(5) metrics_listen, dns_ub(3),
 *	https://prometheus.io/docs/instrumenting/exposition_formats/.
 */
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "daemon/daemon.h"
#include "dns/dns.h"
#include "dns/dns_guard.h"
#include "spf/spf.h"
#include "util/buf.h"
#include "util/msg.h"

#define DAEMON_METRICS_MAX	(1024 * 1024)	/* one scrape's text */
#define DAEMON_METRICS_TIMEOUT	10	/* s, an HTTP connection's silence */
#define DAEMON_METRICS_HEADERS	8192	/* request header octets */
#define DAEMON_METRICS_CACHES	5	/* caches reported */
#define DAEMON_METRICS_TYPE	"text/plain; version=0.0.4; charset=utf-8"

/* What Postfix is told, by enum check_verdict. */
static const char *const daemon_metrics_verdicts[DAEMON_M_VERDICTS] = {
	"dunno", "prepend", "reject", "defer", "defer_if_permit",
};

/* The bounce check's outcomes, by enum check_bounce (NA not counted). */
static const char *const daemon_metrics_bounces[DAEMON_M_BOUNCES] = {
	"none", "signed", "reject", "grace",
};

/* Socketmap names; the last one stands for every other name. */
static const char *const daemon_metrics_maps[DAEMON_M_MAPS] = {
	"sign", "verify", "srs_forward", "srs_reverse", "other",
};

/* DNS rcodes by number (RFC 1035 4.1.1); the last: any other. */
static const char *const daemon_metrics_rcodes[DNS_UB_RCODES + 1] = {
	"noerror", "formerr", "servfail", "nxdomain", "notimp", "refused",
	"other",
};

/* daemon_metrics_auth - count one message's DKIM and DMARC */
void
daemon_metrics_auth(struct daemon *d, const struct auth_decision *dec)
{
	struct daemon_metrics *m = &d->metrics;
	size_t i;

	for (i = 0; i < dec->ndkim; i++)
		if ((unsigned)dec->dkim[i].result < DAEMON_M_DKIM)
			m->dkim[dec->dkim[i].result]++;
	if (dec->dkim_checked && dec->ndkim == 0)
		m->dkim[DKIM_NONE]++;
	if (dec->dmarc != NULL &&
	    (unsigned)dec->dmarc->result < DAEMON_M_DMARC &&
	    (unsigned)dec->action < DAEMON_M_DACTIONS)
		m->dmarc[dec->dmarc->result][dec->action]++;
}

/* daemon_metrics_decision - count one policy decision */
void
daemon_metrics_decision(struct daemon *d, const struct check_decision *dec,
    double ms)
{
	struct daemon_metrics *m = &d->metrics;

	if ((unsigned)dec->method < DAEMON_M_METHODS &&
	    (unsigned)dec->result < DAEMON_M_RESULTS &&
	    (unsigned)dec->verdict < DAEMON_M_VERDICTS)
		m->decisions[dec->method][dec->result][dec->verdict]++;
	if ((unsigned)dec->bounce < DAEMON_M_BOUNCES)
		m->bounce[dec->bounce]++;
	if (dec->cached == CHECK_CACHED_MESSAGE)
		m->message_hits++;
	else if (dec->method == CHECK_M_SPF || dec->method == CHECK_M_DMP ||
	    dec->method == CHECK_M_A || dec->method == CHECK_M_MX ||
	    dec->method == CHECK_M_DEFAULT)
		m->message_misses++;
	hist_add(&m->request_ms, ms);
}

/* daemon_metrics_lookup - count one socketmap lookup */
void
daemon_metrics_lookup(struct daemon *d, const char *map, size_t len,
    enum sm_reply r)
{
	size_t i;

	for (i = 0; i < DAEMON_M_MAPS - 1; i++)
		if (strlen(daemon_metrics_maps[i]) == len &&
		    memcmp(daemon_metrics_maps[i], map, len) == 0)
			break;
	if ((unsigned)r < DAEMON_M_REPLIES)
		d->metrics.lookups[i][r]++;
}

/* daemon_metrics_listens_equal - the same metrics_listen addresses */
static int
daemon_metrics_listens_equal(const struct conf_listens *a,
    const struct conf_listens *b)
{
	size_t i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++)
		if (a->v[i].port != b->v[i].port ||
		    strcmp(a->v[i].host, b->v[i].host) != 0)
			return 0;
	return 1;
}

/* daemon_metrics_reload - a reload: keep what the old environment's
 * recent evaluations counted; old NULL: the reload failed */
void
daemon_metrics_reload(struct daemon *d, const struct daemon_env *old,
    const struct daemon_env *env)
{
	struct check_recent_stats st;

	if (old == NULL) {
		d->metrics.reload_failures++;
		return;
	}
	d->metrics.reloads++;
	if (old->check.recent != NULL) {
		check_recent_stats(old->check.recent, &st);
		d->metrics.recent_hits += st.hits;
		d->metrics.recent_misses += st.misses;
	}
	if (!d->opts.stdio && !daemon_metrics_listens_equal(
	    &old->conf->metrics_listen, &env->conf->metrics_listen))
		msg_warn("metrics_listen changed: it takes effect when rmxfd "
		    "is restarted");
}

/* daemon_metrics_head - the HELP and TYPE lines of one metric */
static void
daemon_metrics_head(struct buf *b, const char *name, const char *type,
    const char *help)
{
	buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* daemon_metrics_one - a metric without labels */
static void
daemon_metrics_one(struct buf *b, const char *name, const char *type,
    const char *help, unsigned long v)
{
	daemon_metrics_head(b, name, type, help);
	buf_printf(b, "%s %lu\n", name, v);
}

/* daemon_metrics_hist - a histogram in seconds */
static void
daemon_metrics_hist(struct buf *b, const char *name, const char *help,
    const struct hist *h)
{
	unsigned long cum = 0;
	unsigned i;

	daemon_metrics_head(b, name, "histogram", help);
	for (i = 0; i < HIST_BUCKETS; i++) {
		cum += h->n[i];
		buf_printf(b, "%s_bucket{le=\"%g\"} %lu\n", name,
		    hist_bounds_ms[i] / 1000.0, cum);
	}
	buf_printf(b, "%s_bucket{le=\"+Inf\"} %lu\n%s_sum %.6f\n"
	    "%s_count %lu\n", name, h->count, name, h->sum_ms / 1000.0, name,
	    h->count);
}

/* daemon_metrics_decisions - the decisions; only combinations seen */
static void
daemon_metrics_decisions(struct buf *b, const struct daemon_metrics *m)
{
	unsigned me, r, v;

	daemon_metrics_head(b, "rmxf_decisions_total", "counter",
	    "Policy decisions by what decided, its result and what Postfix "
	    "was told.");
	for (me = 0; me < DAEMON_M_METHODS; me++)
		for (r = 0; r < DAEMON_M_RESULTS; r++)
			for (v = 0; v < DAEMON_M_VERDICTS; v++)
				if (m->decisions[me][r][v] != 0)
					buf_printf(b, "rmxf_decisions_total{"
					    "method=\"%s\",result=\"%s\","
					    "action=\"%s\"} %lu\n",
					    check_method_str(me),
					    spf_result_str(r),
					    daemon_metrics_verdicts[v],
					    m->decisions[me][r][v]);
}

/* daemon_metrics_auths - the DKIM and DMARC counters */
static void
daemon_metrics_auths(struct buf *b, const struct daemon_metrics *m)
{
	unsigned i, j;

	daemon_metrics_head(b, "rmxf_dkim_signatures_total", "counter",
	    "DKIM signatures verified by result (none: messages without).");
	for (i = 0; i < DAEMON_M_DKIM; i++)
		buf_printf(b, "rmxf_dkim_signatures_total{result=\"%s\"} %lu\n",
		    dkim_result_str((enum dkim_result)i), m->dkim[i]);
	daemon_metrics_head(b, "rmxf_dmarc_messages_total", "counter",
	    "Messages by DMARC result and the action taken.");
	for (i = 0; i < DAEMON_M_DMARC; i++)
		for (j = 0; j < DAEMON_M_DACTIONS; j++)
			if (m->dmarc[i][j] > 0 || j == CONF_DA_MARK)
				buf_printf(b, "rmxf_dmarc_messages_total{"
				    "result=\"%s\",action=\"%s\"} %lu\n",
				    dmarc_result_str((enum dmarc_result)i),
				    conf_dmarc_action_str(
				    (enum conf_dmarc_action)j), m->dmarc[i][j]);
}

/* daemon_metrics_fronts - requests, errors and connections per front end */
static void
daemon_metrics_fronts(struct buf *b, const struct daemon *d)
{
	static const char *const fe[DAEMON_FE_COUNT] = {"policy",
	    "socketmap", "milter"};
	const struct daemon_metrics *m = &d->metrics;
	unsigned i, r;

	daemon_metrics_head(b, "rmxf_requests_total", "counter",
	    "Requests read, per front end.");
	for (i = 0; i < DAEMON_FE_COUNT; i++)
		buf_printf(b, "rmxf_requests_total{frontend=\"%s\"} %lu\n",
		    fe[i], m->requests[i]);
	daemon_metrics_head(b, "rmxf_errors_total", "counter",
	    "Connections closed for bad input, a stall or an I/O error, "
	    "per front end.");
	for (i = 0; i < DAEMON_FE_COUNT; i++)
		buf_printf(b, "rmxf_errors_total{frontend=\"%s\"} %lu\n",
		    fe[i], m->errors[i]);
	daemon_metrics_head(b, "rmxf_connections_open", "gauge",
	    "Connections open now, per front end.");
	buf_printf(b, "rmxf_connections_open{frontend=\"policy\"} %u\n"
	    "rmxf_connections_open{frontend=\"socketmap\"} %u\n", d->nconns,
	    d->nsocketmaps);
	daemon_metrics_one(b, "rmxf_policy_connections_total", "counter",
	    "Policy connections accepted.", d->nserved);
	daemon_metrics_one(b, "rmxf_policy_connections_evicted_total",
	    "counter", "Idle policy connections closed to admit new ones.",
	    d->nevicted);
	daemon_metrics_head(b, "rmxf_socketmap_lookups_total", "counter",
	    "Socketmap lookups by map and reply.");
	for (i = 0; i < DAEMON_M_MAPS; i++)
		for (r = 0; r < DAEMON_M_REPLIES; r++)
			buf_printf(b, "rmxf_socketmap_lookups_total{map=\"%s\","
			    "reply=\"%s\"} %lu\n", daemon_metrics_maps[i],
			    sm_reply_str(r), m->lookups[i][r]);
}

/* daemon_metrics_dns - the resolver's counters */
static void
daemon_metrics_dns(struct buf *b, const struct daemon *d)
{
	struct dns_ub_stats st;
	struct dns_guard_stats gs;
	unsigned i;

	dns_ub_stats(d->ub, &st);
	dns_ub_guard_stats(d->ub, &gs);
	daemon_metrics_one(b, "rmxf_dns_questions_total", "counter",
	    "DNS questions of the checks.", st.questions);
	daemon_metrics_one(b, "rmxf_dns_queries_total", "counter",
	    "DNS questions given to the resolver (libunbound).", st.queries);
	daemon_metrics_head(b, "rmxf_dns_answers_total", "counter",
	    "Answers of the resolver by rcode.");
	for (i = 0; i <= DNS_UB_RCODES; i++)
		buf_printf(b, "rmxf_dns_answers_total{rcode=\"%s\"} %lu\n",
		    daemon_metrics_rcodes[i], st.rcode[i]);
	daemon_metrics_one(b, "rmxf_dns_timeouts_total", "counter",
	    "DNS queries without an answer at their request's deadline.",
	    st.timeouts);
	daemon_metrics_one(b, "rmxf_dns_send_errors_total", "counter",
	    "DNS queries the resolver refused to send.", st.send_errors);
	daemon_metrics_head(b, "rmxf_dns_guard_refused_total", "counter",
	    "DNS questions answered as a timeout without asking: the "
	    "domain is slow, or has too many in flight.");
	buf_printf(b, "rmxf_dns_guard_refused_total{reason=\"slow\"} %lu\n"
	    "rmxf_dns_guard_refused_total{reason=\"busy\"} %lu\n",
	    gs.refused_slow, gs.refused_busy);
	daemon_metrics_hist(b, "rmxf_dns_latency_seconds", "Time to an "
	    "answer of the resolver that was not in its cache.", &st.latency);
}

/* daemon_metrics_caches - hits, misses and sizes of every cache, each
 * metric's samples together as the format wants them */
static void
daemon_metrics_caches(struct buf *b, const struct daemon *d)
{
	static const char *const name[DAEMON_METRICS_CACHES] = {
		"dns_recent", "unbound", "spf_records", "evaluations",
		"message",
	};
	const struct daemon_metrics *m = &d->metrics;
	unsigned long hits[DAEMON_METRICS_CACHES], miss[DAEMON_METRICS_CACHES];
	struct check_recent_stats rs;
	struct dns_ub_stats st;
	size_t entries;
	unsigned i;

	dns_ub_stats(d->ub, &st);
	hits[0] = st.recent_hits;
	miss[0] = st.recent_misses;
	hits[1] = st.ub_cached;
	miss[1] = st.queries - st.ub_cached - st.send_errors;
	spf_rcache_stats(d->rcache, &hits[2], &miss[2], &entries);
	memset(&rs, 0, sizeof(rs));
	if (d->env->check.recent != NULL)
		check_recent_stats(d->env->check.recent, &rs);
	hits[3] = m->recent_hits + rs.hits;
	miss[3] = m->recent_misses + rs.misses;
	hits[4] = m->message_hits;
	miss[4] = m->message_misses;
	daemon_metrics_head(b, "rmxf_cache_hits_total", "counter",
	    "Lookups a cache answered, per cache.");
	for (i = 0; i < DAEMON_METRICS_CACHES; i++)
		buf_printf(b, "rmxf_cache_hits_total{cache=\"%s\"} %lu\n",
		    name[i], hits[i]);
	daemon_metrics_head(b, "rmxf_cache_misses_total", "counter",
	    "Lookups a cache did not answer, per cache.");
	for (i = 0; i < DAEMON_METRICS_CACHES; i++)
		buf_printf(b, "rmxf_cache_misses_total{cache=\"%s\"} %lu\n",
		    name[i], miss[i]);
	daemon_metrics_head(b, "rmxf_cache_entries", "gauge",
	    "Entries held now.");
	buf_printf(b, "rmxf_cache_entries{cache=\"spf_records\"} %zu\n"
	    "rmxf_cache_entries{cache=\"evaluations\"} %zu\n", entries,
	    rs.entries);
}

/* daemon_metrics_format - every metric, as a scrape gets them */
static int
daemon_metrics_format(struct buf *b, const struct daemon *d)
{
	const struct daemon_metrics *m = &d->metrics;
	unsigned i;

	daemon_metrics_head(b, "rmxf_build_info", "gauge",
	    "The rmxfd version; always 1.");
	buf_printf(b, "rmxf_build_info{version=\"%s\"} 1\n", DAEMON_VERSION);
	daemon_metrics_decisions(b, m);
	daemon_metrics_hist(b, "rmxf_request_duration_seconds",
	    "Time from a policy request to its decision.", &m->request_ms);
	daemon_metrics_head(b, "rmxf_bounce_checks_total", "counter",
	    "Bounces to our signing domains by the bounce check's outcome.");
	for (i = CHECK_B_SIGNED; i < DAEMON_M_BOUNCES; i++)
		buf_printf(b, "rmxf_bounce_checks_total{outcome=\"%s\"} %lu\n",
		    daemon_metrics_bounces[i], m->bounce[i]);
	daemon_metrics_auths(b, m);
	daemon_metrics_fronts(b, d);
	daemon_metrics_head(b, "rmxf_reloads_total", "counter",
	    "SIGHUP reloads, taken or failed (the old configuration kept).");
	buf_printf(b, "rmxf_reloads_total{result=\"ok\"} %lu\n"
	    "rmxf_reloads_total{result=\"failed\"} %lu\n", m->reloads,
	    m->reload_failures);
	daemon_metrics_dns(b, d);
	daemon_metrics_caches(b, d);
	return b->overflow ? -1 : 0;
}

/* daemon_metrics_reply - answer one HTTP request */
static void
daemon_metrics_reply(struct evhttp_request *req, int code, const char *why,
    const char *data, size_t len)
{
	struct evbuffer *out;

	if ((out = evbuffer_new()) == NULL || evbuffer_add(out, data,
	    len) < 0) {
		if (out != NULL)
			evbuffer_free(out);
		evhttp_send_error(req, HTTP_INTERNAL, NULL);
		return;
	}
	(void)evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", code == HTTP_OK ? DAEMON_METRICS_TYPE :
	    "text/plain; charset=utf-8");
	evhttp_send_reply(req, code, why, out);
	evbuffer_free(out);
}

/* daemon_metrics_cb - GET /metrics */
static void
daemon_metrics_cb(struct evhttp_request *req, void *arg)
{
	struct daemon *d = arg;
	struct buf b;

	buf_init(&b, DAEMON_METRICS_MAX);
	if (daemon_metrics_format(&b, d) < 0) {
		msg_error("metrics: the text passes %d octets: not served",
		    DAEMON_METRICS_MAX);
		daemon_metrics_reply(req, HTTP_INTERNAL, "Internal Server "
		    "Error", "too long\n", 9);
	} else
		daemon_metrics_reply(req, HTTP_OK, "OK", b.data, b.len);
	if (msg_enabled(MSG_L_DEBUG)) {
		struct evhttp_connection *conn;
		char *host = NULL;
		ev_uint16_t port = 0;

		if ((conn = evhttp_request_get_connection(req)) != NULL)
			evhttp_connection_get_peer(conn, &host, &port);
		msg_debug("metrics: %zu octets to %s port %u", b.len,
		    host != NULL ? host : "?", (unsigned)port);
	}
	buf_free(&b);
}

/* daemon_metrics_other - any other path */
static void
daemon_metrics_other(struct evhttp_request *req, void *arg)
{
	static const char text[] = "not found: try /metrics\n";

	daemon_metrics_reply(req, HTTP_NOTFOUND, "Not Found", text,
	    sizeof(text) - 1);
}

/* daemon_metrics_open - serve metrics_listen on the loop */
void
daemon_metrics_open(struct daemon *d)
{
	const struct conf_listens *cl = &d->env->conf->metrics_listen;
	int fds[DAEMON_MAX_ADDRS];
	char port[16];
	struct buf pb;
	size_t i, j, n;

	if (cl->n == 0 || d->opts.stdio)
		return;
	if ((d->http = evhttp_new(d->base)) == NULL)
		msg_fatal(EX_OSERR, "metrics_listen: evhttp_new failed");
	evhttp_set_allowed_methods(d->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD);
	evhttp_set_timeout(d->http, DAEMON_METRICS_TIMEOUT);
	evhttp_set_max_headers_size(d->http, DAEMON_METRICS_HEADERS);
	evhttp_set_max_body_size(d->http, 0);
	if (evhttp_set_cb(d->http, "/metrics", daemon_metrics_cb, d) != 0)
		msg_fatal(EX_OSERR, "metrics_listen: evhttp_set_cb failed");
	evhttp_set_gencb(d->http, daemon_metrics_other, d);
	for (i = 0; i < cl->n; i++) {
		buf_init_store(&pb, sizeof(port) - 1, port, sizeof(port));
		buf_printf(&pb, "%u", cl->v[i].port);
		n = daemon_listen_bind("metrics_listen", cl->v[i].host, port,
		    fds, DAEMON_MAX_ADDRS);
		for (j = 0; j < n; j++)
			if (evhttp_accept_socket_with_handle(d->http,
			    fds[j]) == NULL)
				msg_fatal(EX_OSERR, "metrics_listen "
				    "inet:%s:%u: cannot serve HTTP",
				    cl->v[i].host, cl->v[i].port);
		msg_info("metrics on http://%s%s%s:%u/metrics",
		    strchr(cl->v[i].host, ':') ? "[" : "", cl->v[i].host,
		    strchr(cl->v[i].host, ':') ? "]" : "", cl->v[i].port);
	}
}

/* daemon_metrics_close - stop serving (SIGTERM) */
void
daemon_metrics_close(struct daemon *d)
{
	if (d->http != NULL)
		evhttp_free(d->http);
	d->http = NULL;
}
