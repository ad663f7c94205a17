/*
 * NAME
 *	daemon_socketmap 3
 * SUMMARY
 *	rmxfd's socketmap service (sign, verify, srs_forward, srs_reverse)
 * SYNOPSIS
 *	#include "daemon/daemon.h"
 *
 *	void	daemon_socketmap_new(struct daemon *d, int fd,
 *			const char *peer);
 *	void	daemon_socketmap_stop_all(struct daemon *d);
 * DESCRIPTION
 *	daemon_socketmap_new() serves one socketmap connection (Postfix's
 *	socketmap_table(5) client): netstring requests "MAP KEY", one reply
 *	each, the connection kept for more.  The maps:
 *
 *	sign: for an address of one of ses_domains, the BATV-signed address,
 *	lower-cased (the first key of the ring, ses_lifetime days; Postfix's
 *	smtpd lower-cases the recipient of a bounce before verify sees it,
 *	which would break a signature over capitals); NOTFOUND for every
 *	other key, including an address that is already signed, so that an
 *	address is signed once.
 *
 *	verify: for a prvs address of one of ses_domains with a valid,
 *	unexpired signature, the plain address; NOTFOUND otherwise, so that
 *	Postfix's reject_unlisted_recipient refuses a forged tag.
 *
 *	srs_forward: for an address outside our domains (srs_domain,
 *	srs_exclude_domains and ses_domains), the SRS0 address in
 *	srs_domain (SRS1 for an SRS0 address of another forwarder);
 *	NOTFOUND otherwise.
 *
 *	srs_reverse: for a valid SRS0/SRS1 address of srs_domain, the
 *	address it stands for; NOTFOUND otherwise.
 *
 *	A map whose keys are not configured answers NOTFOUND: an address
 *	we do not rewrite is never a PERM, which would make Postfix defer
 *	the message.  An unknown map name is a configuration error of the
 *	Postfix side: PERM, logged.  One log line per rewrite and per
 *	signature refused (never a secret); a plain NOTFOUND is not logged.
 *	A malformed netstring or a request over the limits is logged and
 *	its connection closed.  SIGTERM closes every socketmap connection
 *	at once (no request is ever in flight: answers need no DNS).
 *	The key rings are the environment's (daemon_env(3), env_keys(3)).
 * DIAGNOSTICS
 *	Logged, as above.
 * SEE ALSO
 *	rmxfd(8), socketmap(3), ses(3), env_keys(3), socketmap_table(5),
 *	canonical(5).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "daemon/daemon.h"
#include "env/env.h"
#include "policy/policy.h"
#include "ses/ses.h"
#include "socketmap/socketmap.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/msg.h"
#include "util/xmalloc.h"

#define DAEMON_SOCKETMAP_IDLE_S	300	/* seconds an idle one stays */
#define DAEMON_SOCKETMAP_FIRST_S 10	/* ... a new one, before a request */
#define DAEMON_SOCKETMAP_MAX_IN	(SM_MAX_QUERY + 16)	/* netstring, head */
#define DAEMON_SOCKETMAP_DAY	86400	/* seconds: BATV and SRS count days */
#define DAEMON_SOCKETMAP_MAX_OUT (1024 * 1024)	/* unread replies: close */
#define DAEMON_SOCKETMAP_MAX_LOGGED 100	/* refusal lines per connection */

struct daemon_socketmap {
	struct daemon_socketmap *next;
	struct daemon_socketmap *prev;
	struct daemon  *d;
	struct bufferevent *bev;
	char		peer[DAEMON_MAX_PEER];
	int		closing;	/* close when the reply is out */
	unsigned	nlogged;	/* refusals logged on this connection */
	unsigned long	nreq;		/* requests answered */
	long		idle_since;	/* ms: connected, or last answered */
};

/* daemon_socketmap_in - is the domain of addr (len) in a list? */
static int
daemon_socketmap_in(const char *dom, size_t dlen, const struct conf_strs *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strlen(l->v[i]) == dlen && strncasecmp(l->v[i], dom,
		    dlen) == 0)
			return 1;
	return 0;
}

/* daemon_socketmap_is - dom (dlen) equal to s, ignoring case? */
static int
daemon_socketmap_is(const char *dom, size_t dlen, const char *s)
{
	return *s != 0 && strlen(s) == dlen && strncasecmp(s, dom, dlen) ==
	    0;
}

/* daemon_socketmap_srs_opts - the SRS options of a configuration */
static void
daemon_socketmap_srs_opts(const struct conf *c, struct ses_srs_opts *so)
{
	memset(so, 0, sizeof(*so));
	so->domain = c->srs_domain;
	so->max_age = c->srs_max_age;
	so->separator = c->srs_separator;
	so->base64url = c->srs_base64url;
}

/* the map name is s (inside daemon_socketmap_lookup) */
#define DAEMON_SOCKETMAP_MAP(s) \
	(mlen == strlen(s) && memcmp(map, (s), mlen) == 0)

/*
 * daemon_socketmap_lookup - one map lookup: the reply status, the value
 * in out, and what to log (NULL: nothing)
 */
static enum sm_reply
daemon_socketmap_lookup(const struct daemon_env *env, const char *map,
    size_t mlen, const char *key, size_t klen, struct buf *out,
    const char **log)
{
	const struct conf *c = env->conf;
	const struct ses_ring *ses = env_keys_ses(env->keys);
	const struct ses_ring *srs = env_keys_srs(env->keys);
	struct ses_srs_opts so;
	const char *dom;
	size_t dlen;
	long today = (long)(time(NULL) / DAEMON_SOCKETMAP_DAY);
	enum ses_status st = SES_NOT_OURS;

	*log = NULL;
	dom = ses_addr_domain(key, klen, &dlen);
	if (dom == NULL || dom == key + 1 || dlen == 0 ||
	    klen > SES_MAX_ADDR)
		dom = NULL;			/* "user", "@dom", too long */
	else if (!ses_addr_plain(key, klen)) {
		/* " user@dom", "a b@dom": no key Postfix sends for an
		 * address a tag could go in front of; left alone */
		*log = "not a plain address";
		dom = NULL;
	}
	if (DAEMON_SOCKETMAP_MAP("sign")) {
		char low[SES_MAX_ADDR];
		size_t i;

		if (ses == NULL || dom == NULL ||
		    !daemon_socketmap_in(dom, dlen, &c->ses_domains) ||
		    ses_batv_is_prvs(key, klen))
			return SM_R_NOTFOUND;
		/* sign the lower-cased address: Postfix's smtpd lower-cases
		 * a recipient before it asks recipient_canonical_maps, so a
		 * signature over "User@dom" would never verify; our own
		 * domains deliver without regard to case anyway */
		for (i = 0; i < klen; i++)
			low[i] = (char)(key[i] >= 'A' && key[i] <= 'Z' ?
			    key[i] - 'A' + 'a' : key[i]);
		st = ses_batv_sign(ses, low, klen, today, c->ses_lifetime,
		    out);
	} else if (DAEMON_SOCKETMAP_MAP("verify")) {
		if (ses == NULL || dom == NULL ||
		    !daemon_socketmap_in(dom, dlen, &c->ses_domains) ||
		    !ses_batv_is_prvs(key, klen))
			return SM_R_NOTFOUND;
		st = ses_batv_verify_fold(ses, key, klen, today,
		    c->ses_lifetime, out);
	} else if (DAEMON_SOCKETMAP_MAP("srs_forward")) {
		if (srs == NULL || dom == NULL ||
		    *c->srs_domain == 0 || daemon_socketmap_is(dom, dlen,
		    c->srs_domain) || daemon_socketmap_in(dom, dlen,
		    &c->srs_exclude_domains) || daemon_socketmap_in(dom, dlen,
		    &c->ses_domains))
			return SM_R_NOTFOUND;
		daemon_socketmap_srs_opts(c, &so);
		st = ses_srs_forward(srs, &so, key, klen, today, out);
	} else if (DAEMON_SOCKETMAP_MAP("srs_reverse")) {
		if (srs == NULL || dom == NULL ||
		    !daemon_socketmap_is(dom, dlen, c->srs_domain) ||
		    !ses_srs_is_srs(key, klen))
			return SM_R_NOTFOUND;
		daemon_socketmap_srs_opts(c, &so);
		st = ses_srs_reverse(srs, &so, key, klen, today, out);
	} else {
		*log = "unknown map";
		buf_puts(out, "unknown map name");
		return SM_R_PERM;
	}
	if (st == SES_OK) {
		*log = "OK";
		return SM_R_OK;
	}
	buf_reset(out);
	/* a signature that does not hold is worth a line; "not ours" is not */
	if (st != SES_NOT_OURS && st != SES_ALREADY)
		*log = ses_status_str(st);
	return SM_R_NOTFOUND;
}

/* daemon_socketmap_free - close and forget one socketmap connection */
static void
daemon_socketmap_free(struct daemon_socketmap *s)
{
	struct daemon *d = s->d;

	if (s->prev != NULL)
		s->prev->next = s->next;
	else
		d->socketmaps = s->next;
	if (s->next != NULL)
		s->next->prev = s->prev;
	d->nsocketmaps--;
	bufferevent_free(s->bev);
	free(s);
}

/*
 * daemon_socketmap_close - close once the replies already queued are out (the
 * requests before a bad one were good and are answered)
 */
static void
daemon_socketmap_close(struct daemon_socketmap *s)
{
	if (evbuffer_get_length(bufferevent_get_output(s->bev)) == 0) {
		daemon_socketmap_free(s);
		return;
	}
	s->closing = 1;
	bufferevent_disable(s->bev, EV_READ);
}

/* daemon_socketmap_answer - look up one request, queue its reply, log */
static int
daemon_socketmap_answer(struct daemon_socketmap *s, const struct sm_request *rq)
{
	struct buf val, rep, line;
	const char *log;
	enum sm_reply r;
	int rc;

	buf_init(&val, SM_MAX_REPLY);
	buf_init(&rep, SM_MAX_REPLY + 16);
	r = daemon_socketmap_lookup(s->d->env, rq->name, rq->namelen, rq->key,
	    rq->keylen, &val, &log);
	s->d->metrics.requests[DAEMON_FE_SOCKETMAP]++;
	daemon_metrics_lookup(s->d, rq->name, rq->namelen, r);
	/* a flood of refusals is not a flood of log lines */
	if (log != NULL && r != SM_R_OK && ++s->nlogged >
	    DAEMON_SOCKETMAP_MAX_LOGGED) {
		if (s->nlogged == DAEMON_SOCKETMAP_MAX_LOGGED + 1)
			msg_warn("socketmap peer=%s: more than %d refusals on "
			    "this connection: no more are logged", s->peer,
			    DAEMON_SOCKETMAP_MAX_LOGGED);
		log = NULL;
	}
	if (log != NULL) {
		char key[SES_MAX_ADDR + 1];
		size_t kl = rq->keylen > SES_MAX_ADDR ? SES_MAX_ADDR :
		    rq->keylen;

		/* the key is not terminated: it ends in the netstring's ',' */
		memcpy(key, rq->key, kl);
		key[kl] = 0;
		buf_init(&line, 2048);
		buf_printf(&line, "socketmap peer=%s map=%.*s key=", s->peer,
		    (int)(rq->namelen > SM_MAX_NAME ? SM_MAX_NAME :
		    rq->namelen), rq->name);
		(void)policy_log_quoted(&line, key, SES_MAX_ADDR, 0);
		buf_printf(&line, " result=%s", sm_reply_str(r));
		if (r == SM_R_OK) {
			buf_puts(&line, " value=");
			(void)policy_log_quoted(&line, val.data, val.len, 0);
		} else
			buf_printf(&line, " why=\"%s\"", log);
		msg_info("%s", line.data != NULL ? line.data : "socketmap");
		buf_free(&line);
	}
	rc = sm_format_reply(&rep, r, val.data, val.len);
	if (rc == 0)
		rc = bufferevent_write(s->bev, rep.data, rep.len);
	buf_free(&val);
	buf_free(&rep);
	/* PERM is a configuration error of the Postfix side: say it once,
	 * then close; Postfix reconnects for its next lookup */
	if (rc == 0 && r == SM_R_PERM)
		s->closing = 1;
	return rc;
}

/* daemon_socketmap_timeouts - how long the connection may stay silent */
static void
daemon_socketmap_timeouts(struct daemon_socketmap *s, int secs)
{
	struct timeval tv = {secs, 0};

	bufferevent_set_timeouts(s->bev, &tv, &tv);
}

/*
 * daemon_socketmap_evict - every place taken: close the connection idle
 * longest, one that never sent a request first (Postfix's client sends
 * as it connects), as daemon_conn_evict() chooses.  1: one closed.
 */
static int
daemon_socketmap_evict(struct daemon *d)
{
	struct daemon_socketmap *s, *best = NULL;
	long now = clock_now_ms();
	int best_rank = 0, rank;

	for (s = d->socketmaps; s != NULL; s = s->next) {
		if (s->closing || evbuffer_get_length(bufferevent_get_input(
		    s->bev)) > 0 || evbuffer_get_length(
		    bufferevent_get_output(s->bev)) > 0)
			continue;
		rank = daemon_evict_rank(s->nreq, s->idle_since, now);
		if (best == NULL || rank > best_rank || (rank == best_rank &&
		    s->idle_since < best->idle_since)) {
			best = s;
			best_rank = rank;
		}
	}
	if (best == NULL)
		return 0;
	daemon_socketmap_free(best);
	return 1;
}

/* daemon_socketmap_read - requests in: answer each complete one */
static void
daemon_socketmap_read(struct bufferevent *bev, void *arg)
{
	struct daemon_socketmap *s = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	struct sm_request rq;
	const char *why;
	size_t len, used;
	enum sm_status st;
	char *p;

	while (!s->closing && (len = evbuffer_get_length(in)) > 0) {
		if ((p = (char *)evbuffer_pullup(in, -1)) == NULL) {
			msg_warn("socketmap peer=%s: out of memory: "
			    "connection closed", s->peer);
			daemon_socketmap_free(s);
			return;
		}
		st = sm_parse(p, len, &rq, &used, &why);
		if (st == SM_MORE) {
			if (len < DAEMON_SOCKETMAP_MAX_IN)
				return;
			why = "request longer than 10000 octets";
			st = SM_ERR;
		}
		if (st == SM_ERR) {
			s->d->metrics.errors[DAEMON_FE_SOCKETMAP]++;
			msg_warn("socketmap peer=%s: %s: connection closed",
			    s->peer, why);
			daemon_socketmap_close(s);
			return;
		}
		if (daemon_socketmap_answer(s, &rq) < 0) {
			msg_warn("socketmap peer=%s: cannot queue the reply: "
			    "connection closed", s->peer);
			daemon_socketmap_free(s);
			return;
		}
		evbuffer_drain(in, used);
		if (s->nreq++ == 0)
			daemon_socketmap_timeouts(s, DAEMON_SOCKETMAP_IDLE_S);
		s->idle_since = clock_now_ms();
		/* a client that does not read its replies is cut off
		 * before they pile up (Postfix reads each one) */
		if (evbuffer_get_length(bufferevent_get_output(bev)) >
		    DAEMON_SOCKETMAP_MAX_OUT) {
			s->d->metrics.errors[DAEMON_FE_SOCKETMAP]++;
			msg_warn("socketmap peer=%s: more than %d octets of "
			    "replies unread: connection closed", s->peer,
			    DAEMON_SOCKETMAP_MAX_OUT);
			daemon_socketmap_free(s);
			return;
		}
	}
	if (s->closing) {
		bufferevent_disable(bev, EV_READ);
		if (evbuffer_get_length(bufferevent_get_output(bev)) == 0)
			daemon_socketmap_free(s);
	}
}

/* daemon_socketmap_written - the output is out: close if we were asked to */
static void
daemon_socketmap_written(struct bufferevent *bev, void *arg)
{
	struct daemon_socketmap *s = arg;

	(void)bev;
	if (s->closing)
		daemon_socketmap_free(s);
}

/* daemon_socketmap_event - EOF, error or idle timeout */
static void
daemon_socketmap_event(struct bufferevent *bev, short what, void *arg)
{
	struct daemon_socketmap *s = arg;

	(void)bev;
	if (what & BEV_EVENT_TIMEOUT)
		msg_info("socketmap peer=%s: idle for %d s: connection "
		    "closed", s->peer, s->nreq > 0 ? DAEMON_SOCKETMAP_IDLE_S :
		    DAEMON_SOCKETMAP_FIRST_S);
	else if ((what & BEV_EVENT_ERROR) && !(what & BEV_EVENT_EOF)) {
		s->d->metrics.errors[DAEMON_FE_SOCKETMAP]++;
		msg_warn("socketmap peer=%s: connection error", s->peer);
	}
	else if ((what & BEV_EVENT_EOF) && !(what & BEV_EVENT_ERROR)) {
		/* a half-close: the replies already queued still go out */
		daemon_socketmap_close(s);
		return;
	}
	daemon_socketmap_free(s);
}

/* daemon_socketmap_new - serve one accepted socketmap connection */
void
daemon_socketmap_new(struct daemon *d, int fd, const char *peer)
{
	struct daemon_socketmap *s;
	size_t n;

	if (d->nsocketmaps >= d->env->conf->max_connections &&
	    !daemon_socketmap_evict(d)) {
		msg_warn("socketmap connection from %s: %u connections open "
		    "(max_connections), none idle: closed", peer,
		    d->env->conf->max_connections);
		evutil_closesocket(fd);
		return;
	}
	s = xcalloc(1, sizeof(*s));
	s->d = d;
	n = strlen(peer);
	if (n >= sizeof(s->peer))
		n = sizeof(s->peer) - 1;
	memcpy(s->peer, peer, n);
	s->bev = bufferevent_socket_new(d->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (s->bev == NULL) {
		msg_warn("socketmap connection from %s: no buffer: closed",
		    peer);
		evutil_closesocket(fd);
		free(s);
		return;
	}
	bufferevent_setcb(s->bev, daemon_socketmap_read,
	    daemon_socketmap_written, daemon_socketmap_event, s);
	bufferevent_setwatermark(s->bev, EV_READ, 0, DAEMON_SOCKETMAP_MAX_IN);
	daemon_socketmap_timeouts(s, DAEMON_SOCKETMAP_FIRST_S);
	s->idle_since = clock_now_ms();
	if (bufferevent_enable(s->bev, EV_READ | EV_WRITE) < 0) {
		msg_warn("socketmap connection from %s: cannot enable: "
		    "closed", peer);
		bufferevent_free(s->bev);
		free(s);
		return;
	}
	s->next = d->socketmaps;
	if (d->socketmaps != NULL)
		d->socketmaps->prev = s;
	d->socketmaps = s;
	d->nsocketmaps++;
}

/* daemon_socketmap_stop_all - SIGTERM: every socketmap connection goes now */
void
daemon_socketmap_stop_all(struct daemon *d)
{
	while (d->socketmaps != NULL)
		daemon_socketmap_free(d->socketmaps);
}
