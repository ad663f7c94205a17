/*
 * NAME
 *	daemon_milter 3
 * SUMMARY
 *	rmxfd's Milter front end: the checks through Postfix's smtpd_milters
 *	and non_smtpd_milters
 * SYNOPSIS
 *	#include "daemon/daemon.h"
 *
 *	void	daemon_milter_new(struct daemon *d, int fd,
 *			const char *peer);
 *	void	daemon_milter_stop_all(struct daemon *d);
 * DESCRIPTION
 *	daemon_milter_new() serves one Milter connection (milter(3) packets)
 *	on the daemon's loop: one connection carries one SMTP session
 *	(or, after QUIT_NC, the next one), each with any number of
 *	messages.
 *
 *	Negotiation asks for what the checks use and no more: no body, no
 *	DATA or unknown-command events, no replies where none can matter
 *	(connect, HELO, MAIL, headers, end of header), and with
 *	SETSYMLIST only the macros read here: j at connect, i and
 *	{auth_authen} at MAIL, i at RCPT and at the end of the message.
 *	Actions: add and change headers.
 *
 *	Each RCPT is one envelope for check(3), as a policy request at RCPT
 *	is (client and HELO from CONNECT and HELO, MAIL FROM, the
 *	recipient, the SASL login from {auth_authen}, the queue id from
 *	i); the message's recipients share one evaluation
 *	(check_message(3)).  A reject or defer is the reply to that RCPT,
 *	with the policy service's code, enhanced code and text; anything
 *	else continues.  While a recipient is being decided, the packets
 *	after it wait.
 *
 *	At the end of the message: the Authentication-Results headers that
 *	name our authserv-id came from outside and are removed (RFC 8601
 *	section 5), unless the client is one of exempt_networks or
 *	trusted_relays; then the result headers decided at RCPT are
 *	inserted at the top, both when both are configured (no PREPEND
 *	limit here), Received-SPF first.  Mail that Postfix's cleanup
 *	passes through non_smtpd_milters (sendmail(1), pickup) comes with
 *	a made-up CONNECT, host localhost, address 127.0.0.1, port 0:
 *	there is no client, so whatever exempt_networks says its
 *	recipients are not checked (no-client-address), get no result
 *	header, and its Authentication-Results headers stay.
 *
 *	Limits: a packet over MILTER_MAX_DATA octets, a command out of
 *	place or malformed, or a peer that does not read its replies
 *	(DAEMON_MILTER_MAX_OUT octets unsent) closes the connection after
 *	one log line; Postfix then applies milter_default_action.  At
 *	max_connections a new connection is refused (logged at most once a
 *	second): each one is an SMTP session, none is idle.  SIGTERM lets
 *	a recipient in flight be answered, then closes.
 * DIAGNOSTICS
 *	Decision lines as for policy requests (daemon_log(3)); one line per
 *	message whose forged headers were removed; one per closed bad
 *	connection: "milter peer=PEER: REASON: connection closed".
 * SEE ALSO
 *	milter(3), check(3), daemon_req(3), rmxfd(8), Postfix
 *	MILTER_README, RFC 8601.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>

#include "acl/acl.h"
#include "auth/auth.h"
#include "daemon/daemon.h"
#include "milter/milter.h"
#include "policy/policy.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/ipaddr.h"
#include "util/msg.h"
#include "util/xmalloc.h"

#define DAEMON_MILTER_IDLE_S	3600	/* an SMTP session's silence */
#define DAEMON_MILTER_FIRST_S	30	/* a new connection's, before OPTNEG */
#define DAEMON_MILTER_MAX_IN	(MILTER_MAX_DATA + 16)
#define DAEMON_MILTER_MAX_OUT	(1024 * 1024)	/* unread replies: close */
#define DAEMON_MILTER_MAX_HDRS	3	/* headers one message gets */
#define DAEMON_MILTER_CLOSE_S	30	/* closing: the replies' last chance */
#define DAEMON_MILTER_MAX_ARG	1024	/* an address or name we keep */
#define DAEMON_MILTER_MAX_MACROS 32	/* name, value pairs of one packet */
#define DAEMON_MILTER_STR_MIN	64	/* a kept string's first storage */
#define DAEMON_MILTER_REPLY_STORE 1024	/* a RCPT reply, before the heap */
#define DAEMON_MILTER_EOM_STORE	2048	/* the end of a message's replies */
#define DAEMON_MILTER_LOCAL_HOST "localhost"	/* non-SMTP mail's CONNECT */
#define DAEMON_MILTER_LOCAL_ADDR "127.0.0.1"

/* The steps we do without, and those that need no reply; with DKIM or
 * DMARC on, the body and the end of the header are wanted, and header
 * values as they are (with their leading white space). */
#define DAEMON_MILTER_PROTOCOL (MILTER_P_NOBODY | MILTER_P_NOUNKNOWN | \
	MILTER_P_NODATA | MILTER_P_NOEOH | MILTER_P_NR_HDR | \
	MILTER_P_NR_CONN | MILTER_P_NR_HELO | MILTER_P_NR_MAIL | \
	MILTER_P_NR_DATA | MILTER_P_NR_UNKN | MILTER_P_NR_EOH | \
	MILTER_P_NR_BODY)
#define DAEMON_MILTER_MESSAGE (MILTER_P_NOBODY | MILTER_P_NOEOH)
#define DAEMON_MILTER_ACTIONS (MILTER_A_ADDHDRS | MILTER_A_CHGHDRS | \
	MILTER_A_SETSYMLIST)
#define DAEMON_MILTER_MAX_LOG	4096	/* the end of a message's line */

/* The macros we read, per stage (SETSYMLIST). */
static const char *const daemon_milter_symlist[MILTER_STAGES] = {
	[MILTER_S_CONNECT] = "j",
	[MILTER_S_HELO] = "",
	[MILTER_S_MAIL] = "i {auth_authen}",
	[MILTER_S_RCPT] = "i",
	[MILTER_S_DATA] = "",
	[MILTER_S_EOM] = "i",
	[MILTER_S_EOH] = "",
};

/* A string kept from packet to packet; its storage is reused. */
struct daemon_milter_str {
	char	       *p;
	size_t		cap;
	int		set;
};

struct daemon_milter {
	struct daemon_milter *next;
	struct daemon_milter *prev;
	struct daemon  *d;
	int		fd;
	struct event   *rev;		/* readable, or the idle timeout */
	struct event   *wev;		/* writable again: replies wait */
	struct evbuffer *in;		/* bytes after a packet being decided */
	struct evbuffer *out;		/* replies the socket did not take */
	char		peer[DAEMON_MAX_PEER];
	int		negotiated;
	uint32_t	protocol;	/* the steps agreed away */
	uint32_t	actions;	/* the actions agreed */
	int		closing;	/* close when the replies are out */
	struct daemon_req *req;		/* a recipient being decided */
	/* the session */
	struct daemon_milter_str client;	/* address; unset: none */
	struct daemon_milter_str helo;
	int		trusted;	/* exempt_networks, trusted_relays */
	/* the message */
	struct check_message *msg;
	unsigned long	nmsg;		/* messages begun: the message's id */
	char		msgid[32];
	struct daemon_milter_str sender;	/* unset: no MAIL yet */
	struct daemon_milter_str rcpt;	/* the recipient being decided */
	struct daemon_milter_str auth;	/* {auth_authen} */
	struct daemon_milter_str queue_id;	/* i */
	unsigned	header_sent;	/* CHECK_HDR_* decided for it */
	struct daemon_milter_str hdr_name[DAEMON_MILTER_MAX_HDRS];
	struct daemon_milter_str hdr_value[DAEMON_MILTER_MAX_HDRS];
	size_t		nhdr;
	uint32_t	nar;		/* Authentication-Results seen */
	uint32_t       *forged;		/* ... ours: their indexes */
	size_t		nforged, forgedcap;
	struct check_envelope env;	/* the recipient's, borrowed strings */
	/* DKIM and DMARC (auth(3)) of the message */
	int		message;	/* negotiated: headers, EOH, body */
	int		checked;	/* recipients accepted after a check */
	int		observe;	/* ... one of them observe-only */
	int		nodmarc;	/* ... one of them ACL NODMARC */
	int		spf_checked;	/* MAIL FROM's SPF result is known */
	enum spf_result	spf;
	struct daemon_mauth *ma;	/* the evaluation, or NULL */
	int		ma_wait;	/* EOM: the packets after it wait */
	int		seen_header;	/* a header field came */
	struct timespec	ma_start;
};

/* daemon_milter_set - keep len octets of s (NULL: unset), cut at
 * DAEMON_MILTER_MAX_ARG, in the string's own storage */
static void
daemon_milter_set(struct daemon_milter_str *k, const char *s, size_t len)
{
	k->set = s != NULL;
	if (s == NULL)
		return;
	if (len > DAEMON_MILTER_MAX_ARG)
		len = DAEMON_MILTER_MAX_ARG;
	if (len + 1 > k->cap) {
		free(k->p);
		k->cap = len + 1 < DAEMON_MILTER_STR_MIN ?
		    DAEMON_MILTER_STR_MIN : len + 1;
		k->p = xmalloc(k->cap);
	}
	memcpy(k->p, s, len);
	k->p[len] = 0;
}

/* daemon_milter_setv - keep a header value whole */
static void
daemon_milter_setv(struct daemon_milter_str *k, const char *s)
{
	size_t len = strlen(s);

	k->set = 1;
	if (len + 1 > k->cap) {
		free(k->p);
		k->cap = len + 1;
		k->p = xmalloc(k->cap);
	}
	memcpy(k->p, s, len + 1);
}

/* daemon_milter_get - a kept string, or NULL */
static const char *
daemon_milter_get(const struct daemon_milter_str *k)
{
	return k->set ? k->p : NULL;
}

/* daemon_milter_str_free - release a kept string's storage */
static void
daemon_milter_str_free(struct daemon_milter_str *k)
{
	free(k->p);
	memset(k, 0, sizeof(*k));
}

/* daemon_milter_forget - the message is over: forget it */
static void
daemon_milter_forget(struct daemon_milter *m)
{
	daemon_milter_set(&m->sender, NULL, 0);
	daemon_milter_set(&m->rcpt, NULL, 0);
	daemon_milter_set(&m->auth, NULL, 0);
	daemon_milter_set(&m->queue_id, NULL, 0);
	m->nhdr = 0;
	m->header_sent = 0;
	m->nar = 0;
	m->nforged = 0;
	daemon_mauth_free(m->ma);
	m->ma = NULL;
	m->ma_wait = 0;
	m->checked = m->observe = m->nodmarc = m->spf_checked = 0;
	m->seen_header = 0;
}

/* daemon_milter_session - a new SMTP session on the connection */
static void
daemon_milter_session(struct daemon_milter *m)
{
	daemon_milter_forget(m);
	daemon_milter_set(&m->client, NULL, 0);
	daemon_milter_set(&m->helo, NULL, 0);
	m->trusted = 0;
}

/* daemon_milter_free - close and forget one connection */
static void
daemon_milter_free(struct daemon_milter *m)
{
	struct daemon *d = m->d;
	size_t i;

	if (m->req != NULL)
		daemon_req_cancel(m->req);
	daemon_mauth_free(m->ma);
	if (m->prev != NULL)
		m->prev->next = m->next;
	else
		d->milters = m->next;
	if (m->next != NULL)
		m->next->prev = m->prev;
	d->nmilters--;
	free(m->forged);
	daemon_milter_str_free(&m->client);
	daemon_milter_str_free(&m->helo);
	daemon_milter_str_free(&m->sender);
	daemon_milter_str_free(&m->rcpt);
	daemon_milter_str_free(&m->auth);
	daemon_milter_str_free(&m->queue_id);
	for (i = 0; i < DAEMON_MILTER_MAX_HDRS; i++) {
		daemon_milter_str_free(&m->hdr_name[i]);
		daemon_milter_str_free(&m->hdr_value[i]);
	}
	check_message_free(m->msg);
	event_free(m->rev);
	event_free(m->wev);
	evbuffer_free(m->in);
	evbuffer_free(m->out);
	(void)close(m->fd);
	free(m);
	daemon_maybe_exit(d);
}

/* daemon_milter_bad - bad input or a peer out of step: log, close */
static void
daemon_milter_bad(struct daemon_milter *m, const char *why)
{
	m->d->metrics.errors[DAEMON_FE_MILTER]++;
	msg_warn("milter peer=%s: %s: connection closed", m->peer, why);
	daemon_milter_free(m);
}

/* daemon_milter_send - write replies at once when nothing waits before
 * them, else queue them; -1: m was freed */
static int
daemon_milter_send(struct daemon_milter *m, const struct buf *b)
{
	ssize_t n = 0;

	if (b->overflow || b->data == NULL) {
		daemon_milter_bad(m, "cannot put a reply");
		return -1;
	}
	if (evbuffer_get_length(m->out) == 0) {
		do
			n = write(m->fd, b->data, b->len);
		while (n < 0 && errno == EINTR);
		if (n < 0 && errno != EAGAIN) {
			daemon_milter_bad(m, "cannot write a reply");
			return -1;
		}
		if (n < 0)
			n = 0;
	}
	if ((size_t)n == b->len)
		return 0;
	if (evbuffer_add(m->out, b->data + n, b->len - (size_t)n) < 0) {
		daemon_milter_bad(m, "cannot queue a reply");
		return -1;
	}
	if (evbuffer_get_length(m->out) > DAEMON_MILTER_MAX_OUT) {
		daemon_milter_bad(m, "more than 1 MB of replies unread");
		return -1;
	}
	event_add(m->wev, NULL);
	return 0;
}

/* daemon_milter_reply - a one-letter reply, unless the step needs none */
static int
daemon_milter_reply(struct daemon_milter *m, int cmd, uint32_t nr)
{
	char store[16];
	struct buf b;
	int r;

	if (nr != 0 && (m->protocol & nr))
		return 0;
	buf_init_store(&b, sizeof(store), store, sizeof(store));
	milter_put(&b, cmd, NULL, 0);
	r = daemon_milter_send(m, &b);
	buf_free(&b);
	return r;
}

/* daemon_milter_optneg - the MTA's offer: take what we use of it */
static int
daemon_milter_optneg(struct daemon_milter *m, const struct milter_packet *p)
{
	struct milter_optneg offer, ours;
	struct buf b;
	int r;

	if (milter_get_optneg(p, &offer) < 0 || offer.version < 2)
		return daemon_milter_bad(m, "bad negotiation"), -1;
	ours.version = offer.version < MILTER_VERSION ? offer.version :
	    MILTER_VERSION;
	ours.actions = offer.actions & DAEMON_MILTER_ACTIONS;
	ours.protocol = offer.protocol & DAEMON_MILTER_PROTOCOL;
	m->message = m->d->env->conf->test_dkim || m->d->env->conf->test_dmarc;
	if (m->message) {
		ours.protocol = (ours.protocol & ~DAEMON_MILTER_MESSAGE) |
		    (offer.protocol & MILTER_P_HDR_LEADSPC);
		ours.actions |= offer.actions & MILTER_A_QUARANTINE;
	}
	m->protocol = ours.protocol;
	m->actions = ours.actions;
	m->negotiated = 1;
	buf_init(&b, 4096);
	milter_put_optneg(&b, &ours, (ours.actions & MILTER_A_SETSYMLIST) ?
	    daemon_milter_symlist : NULL);
	r = daemon_milter_send(m, &b);
	buf_free(&b);
	if (r == 0)
		event_add(m->rev, &(struct timeval){DAEMON_MILTER_IDLE_S, 0});
	return r;
}

/* daemon_milter_macros - keep the values we read */
static int
daemon_milter_macros(struct daemon_milter *m, const struct milter_packet *p)
{
	const char *v[2 * DAEMON_MILTER_MAX_MACROS];
	size_t n, i;
	int cmd;

	if (milter_get_macros(p, &cmd, v, sizeof(v) / sizeof(v[0]), &n) < 0)
		return daemon_milter_bad(m, "bad macro packet"), -1;
	for (i = 0; i < n; i += 2) {
		if (strcmp(v[i], "i") == 0 && *v[i + 1] != 0)
			daemon_milter_set(&m->queue_id, v[i + 1],
			    strlen(v[i + 1]));
		else if (strcmp(v[i], "{auth_authen}") == 0)
			daemon_milter_set(&m->auth, v[i + 1],
			    strlen(v[i + 1]));
	}
	return 0;
}

/* daemon_milter_local - the CONNECT cleanup(8) makes up for non-SMTP
 * mail (non_smtpd_milters): localhost, 127.0.0.1, port 0, which no TCP
 * client has */
static int
daemon_milter_local(const struct milter_connect *mc)
{
	return mc->family == '4' && mc->port == 0 &&
	    strcmp(mc->host, DAEMON_MILTER_LOCAL_HOST) == 0 &&
	    strcmp(mc->addr, DAEMON_MILTER_LOCAL_ADDR) == 0;
}

/* daemon_milter_connect - the client of a new session */
static int
daemon_milter_connect(struct daemon_milter *m, const struct milter_packet *p)
{
	const struct conf *c = m->d->env->conf;
	struct milter_connect mc;
	struct ipaddr ip;

	if (milter_get_connect(p, &mc) < 0)
		return daemon_milter_bad(m, "bad connect packet"), -1;
	daemon_milter_session(m);
	if (daemon_milter_local(&mc)) {
		m->trusted = 1;		/* no client: nothing to check */
	} else if ((mc.family == '4' || mc.family == '6') &&
	    ipaddr_parse(mc.addr, &ip) == 0) {
		daemon_milter_set(&m->client, mc.addr, strlen(mc.addr));
		m->trusted = conf_nets_has(&c->exempt_networks, &ip) ||
		    conf_nets_has(&c->trusted_relays, &ip);
	}
	return daemon_milter_reply(m, MILTER_R_CONTINUE, MILTER_P_NR_CONN);
}

/* daemon_milter_str1 - the first string of a packet (after skip) */
static const char *
daemon_milter_str1(const struct milter_packet *p)
{
	const char *v[MILTER_MAX_STRINGS];
	size_t n;

	if (milter_strings(p, 0, v, MILTER_MAX_STRINGS, &n) < 0 || n < 1)
		return NULL;
	return v[0];
}

/* daemon_milter_mail - MAIL FROM: a new message */
static int
daemon_milter_mail(struct daemon_milter *m, const struct milter_packet *p)
{
	const char *arg = daemon_milter_str1(p), *a;
	size_t len;
	int auth, qid;

	if (arg == NULL)
		return daemon_milter_bad(m, "bad MAIL packet"), -1;
	/* the MAIL macros ({auth_authen}, i) came just before */
	auth = m->auth.set;
	qid = m->queue_id.set;
	daemon_milter_forget(m);
	m->auth.set = auth;
	m->queue_id.set = qid;
	len = milter_addr(arg, &a);
	daemon_milter_set(&m->sender, a, len);
	snprintf(m->msgid, sizeof(m->msgid), "m%lu", ++m->nmsg);
	return daemon_milter_reply(m, MILTER_R_CONTINUE, MILTER_P_NR_MAIL);
}

/* daemon_milter_keep - a decision's headers, for the end of the message */
static void
daemon_milter_keep(struct daemon_milter *m, const char *name,
    const char *value)
{
	size_t i;

	if (name == NULL || value == NULL)
		return;
	for (i = 0; i < m->nhdr; i++)
		if (strcasecmp(m->hdr_name[i].p, name) == 0)
			return;
	if (m->nhdr == DAEMON_MILTER_MAX_HDRS)
		return;
	daemon_milter_set(&m->hdr_name[m->nhdr], name, strlen(name));
	/* a header value is longer than an argument: not cut */
	daemon_milter_setv(&m->hdr_value[m->nhdr++], value);
}

static void daemon_milter_drain(struct daemon_milter *);

/* daemon_milter_fold - what an accepted recipient's decision tells the
 * message's DKIM and DMARC: checked (not skipped, exempt or outgoing),
 * observe-only, NODMARC or skipped (mark only: the message is theirs
 * too), and MAIL FROM's SPF result */
static void
daemon_milter_fold(struct daemon_milter *m, const struct check_decision *dec)
{
	const struct acl *acl = m->d->env->acl;
	const struct acl_entry *e;

	if (dec->verdict != CHECK_V_DUNNO && dec->verdict != CHECK_V_PREPEND)
		return;
	if (dec->method == CHECK_M_ACL)	/* skip: it gets the message too */
		m->nodmarc = 1;
	if (dec->method == CHECK_M_NONE || dec->method == CHECK_M_ACL ||
	    dec->method == CHECK_M_EXEMPT || dec->method == CHECK_M_SMARTHOST)
		return;
	m->checked = 1;
	m->observe |= dec->observe;
	if (acl != NULL && m->rcpt.set &&
	    (e = acl_lookup(acl, m->rcpt.p)) != NULL &&
	    (e->flags & ACL_F_NODMARC))
		m->nodmarc = 1;
	if (dec->mailfrom_checked && !m->spf_checked) {
		m->spf_checked = 1;
		m->spf = dec->mailfrom_result;
	}
}

/* daemon_milter_decided - a recipient's decision: the RCPT reply */
static void
daemon_milter_decided(void *arg, const struct check_decision *dec)
{
	struct daemon_milter *m = arg;
	char store[DAEMON_MILTER_REPLY_STORE];
	struct buf b;
	int r;

	m->req = NULL;
	daemon_milter_fold(m, dec);
	m->header_sent |= dec->result_header;
	daemon_milter_keep(m, dec->header_name, dec->header_value);
	if (dec->second_name != NULL) {
		daemon_milter_keep(m, dec->second_name, dec->second_value);
		m->header_sent |= CHECK_HDR_RECEIVED_SPF | CHECK_HDR_AUTHRES;
	}
	buf_init_store(&b, sizeof(store), store, sizeof(store));
	r = 0;
	if (dec->verdict == CHECK_V_REJECT || dec->verdict == CHECK_V_DEFER ||
	    dec->verdict == CHECK_V_DEFER_IF_PERMIT)
		r = milter_put_reply(&b, dec->code, dec->enhanced, dec->text);
	if (r < 0 || b.len == 0) {
		buf_reset(&b);
		if (r < 0)	/* a text the reply cannot carry */
			milter_put(&b, dec->code >= 500 ? MILTER_R_REJECT :
			    MILTER_R_TEMPFAIL, NULL, 0);
		else
			milter_put(&b, MILTER_R_CONTINUE, NULL, 0);
	}
	r = daemon_milter_send(m, &b);
	buf_free(&b);
	if (r < 0)
		return;
	daemon_milter_drain(m);
}

/* daemon_milter_rcpt - RCPT TO: decide this recipient */
static int
daemon_milter_rcpt(struct daemon_milter *m, const struct milter_packet *p)
{
	const char *arg = daemon_milter_str1(p), *a;
	size_t len;

	if (arg == NULL || !m->sender.set)
		return daemon_milter_bad(m, arg == NULL ? "bad RCPT packet" :
		    "RCPT before MAIL"), -1;
	len = milter_addr(arg, &a);
	daemon_milter_set(&m->rcpt, a, len);
	m->d->metrics.requests[DAEMON_FE_MILTER]++;
	memset(&m->env, 0, sizeof(m->env));
	m->env.client_address = daemon_milter_get(&m->client);
	m->env.helo = daemon_milter_get(&m->helo);
	m->env.sender = daemon_milter_get(&m->sender);
	m->env.recipient = daemon_milter_get(&m->rcpt);
	m->env.sasl_username = m->auth.set && *m->auth.p != 0 ? m->auth.p :
	    NULL;
	m->env.queue_id = daemon_milter_get(&m->queue_id);
	m->env.stage = CHECK_STAGE_RCPT;
	if (check_message_begin(m->msg, m->msgid, &m->env))
		m->header_sent = 0;
	m->env.header_sent = m->header_sent;
	/* reading goes on (what comes waits in the input, bounded by the
	 * watermark): pausing and resuming costs two system calls */
	m->req = daemon_req_start(m->d, m->msg, &m->env, daemon_milter_decided,
	    m);
	return 1;
}

/* daemon_milter_header - one header: note ours that came from outside */
static int
daemon_milter_header(struct daemon_milter *m, const struct milter_packet *p)
{
	const char *v[MILTER_MAX_STRINGS], *aid;
	size_t n;

	if (milter_strings(p, 0, v, MILTER_MAX_STRINGS, &n) < 0 || n != 2)
		return daemon_milter_bad(m, "bad header packet"), -1;
	if (!m->seen_header) {
		m->seen_header = 1;
		/* the configuration now, not the one of the negotiation */
		if (m->message && m->checked && !m->trusted &&
		    (m->d->env->conf->test_dkim || m->d->env->conf->test_dmarc))
			m->ma = daemon_mauth_new(m->d);
	}
	if (m->ma != NULL)	/* the space the MTA took away, if it did */
		daemon_mauth_header(m->ma, v[0], (m->protocol &
		    MILTER_P_HDR_LEADSPC) || *v[1] == 0 ? "" : " ", v[1]);
	if (strcasecmp(v[0], "Authentication-Results") == 0) {
		m->nar++;
		aid = *m->d->env->conf->authserv_id ?
		    m->d->env->conf->authserv_id : m->d->hostname;
		/* every one: Postfix's header_size_limit bounds them */
		if (milter_authres_ours(v[1], aid)) {
			if (m->nforged == m->forgedcap) {
				m->forgedcap = m->forgedcap ? 2 *
				    m->forgedcap : 8;
				m->forged = xrealloc(m->forged, m->forgedcap *
				    sizeof(*m->forged));
			}
			m->forged[m->nforged++] = m->nar;
		}
	}
	return daemon_milter_reply(m, MILTER_R_CONTINUE, MILTER_P_NR_HDR);
}

/* daemon_milter_put_hdr - insert a header on top; the leading space is
 * ours to give when the values go as they are (HDR_LEADSPC) */
static void
daemon_milter_put_hdr(struct daemon_milter *m, struct buf *b,
    const char *name, const char *value)
{
	struct buf v;

	if (!(m->protocol & MILTER_P_HDR_LEADSPC)) {
		milter_put_header(b, MILTER_R_INSHEADER, 0, name, value);
		return;
	}
	buf_init(&v, MILTER_MAX_DATA);
	buf_putc(&v, ' ');
	buf_puts(&v, value);
	milter_put_header(b, MILTER_R_INSHEADER, 0, name, v.data);
	buf_free(&v);
}

/* daemon_milter_mauth_decide - DKIM and DMARC beside the recipients' SPF
 * result: the decision, logged; *ar: the kept SPF Authentication-Results
 * it replaces, or -1 */
static const struct auth_decision *
daemon_milter_mauth_decide(struct daemon_milter *m, ssize_t *ar)
{
	const struct conf *c = m->d->env->conf;
	const struct auth_decision *dec;
	const char *sender = daemon_milter_get(&m->sender), *at, *v;
	struct auth_in in;
	struct buf line;
	struct timespec now;
	size_t i;

	memset(&in, 0, sizeof(in));
	in.authserv_id = *c->authserv_id ? c->authserv_id : m->d->hostname;
	in.observe = m->observe;
	in.nodmarc = m->nodmarc;
	in.no_quarantine = !(m->actions & MILTER_A_QUARANTINE);
	if ((in.spf_checked = m->spf_checked)) {
		in.spf = m->spf;
		at = sender != NULL ? strrchr(sender, '@') : NULL;
		in.spf_domain = at != NULL ? at + 1 : sender != NULL &&
		    *sender != 0 ? sender : daemon_milter_get(&m->helo);
	}
	*ar = -1;
	for (i = 0; i < m->nhdr; i++)
		if (strcasecmp(m->hdr_name[i].p, "Authentication-Results") ==
		    0 && (v = strchr(m->hdr_value[i].p, ';')) != NULL) {
			in.spf_method = v + strspn(v + 1, " ") + 1;
			*ar = (ssize_t)i;
		}
	dec = daemon_mauth_decide(m->ma, &in);
	daemon_metrics_auth(m->d, dec);
	buf_init(&line, DAEMON_MILTER_MAX_LOG);
	(void)policy_log_fields(&line, daemon_milter_get(&m->queue_id),
	    daemon_milter_get(&m->client), daemon_milter_get(&m->helo),
	    sender, NULL);
	buf_puts(&line, " stage=eom");
	buf_puts(&line, dec->log);
	buf_printf(&line, " dns=%u", dec->dns_queries);
	clock_gettime(CLOCK_MONOTONIC, &now);
	daemon_log_decision(m->d, line.data ? line.data : "",
	    (double)(now.tv_sec - m->ma_start.tv_sec) * 1000.0 +
	    (double)(now.tv_nsec - m->ma_start.tv_nsec) / 1e6);
	buf_free(&line);
	return dec;
}

/* daemon_milter_edits - remove forged headers, insert ours (the auth's
 * Authentication-Results in place of SPF's), quarantine */
static void
daemon_milter_edits(struct daemon_milter *m, struct buf *b,
    const struct auth_decision *dec, ssize_t ar)
{
	size_t i;

	if (!m->trusted && m->nforged > 0) {
		/* the last first: the indexes before it stay put */
		for (i = m->nforged; i-- > 0;)
			milter_put_header(b, MILTER_R_CHGHEADER, m->forged[i],
			    "Authentication-Results", "");
		msg_info("milter peer=%s: queue_id=%s: %zu forged "
		    "Authentication-Results header(s) removed", m->peer,
		    m->queue_id.set ? m->queue_id.p : "NOQUEUE",
		    m->nforged);
	}
	/* each at the top, the last first: the first ends on top */
	if (dec != NULL && ar < 0)
		daemon_milter_put_hdr(m, b, "Authentication-Results",
		    dec->header_value);
	for (i = m->nhdr; i-- > 0;)
		daemon_milter_put_hdr(m, b, m->hdr_name[i].p,
		    dec != NULL && (ssize_t)i == ar ? dec->header_value :
		    m->hdr_value[i].p);
	if (dec != NULL && dec->action == CONF_DA_QUARANTINE &&
	    (m->actions & MILTER_A_QUARANTINE))
		milter_put(b, MILTER_R_QUARANTINE, "DMARC policy",
		    sizeof("DMARC policy"));
}

/* daemon_milter_finish - the end of the message's replies: a reject or
 * defer of DMARC, else the header edits and continue */
static int
daemon_milter_finish(struct daemon_milter *m)
{
	const struct auth_decision *dec = NULL;
	char store[DAEMON_MILTER_EOM_STORE];
	struct buf b;
	ssize_t ar = -1;
	int r;

	buf_init_store(&b, DAEMON_MILTER_MAX_OUT, store, sizeof(store));
	if (m->ma != NULL)
		dec = daemon_milter_mauth_decide(m, &ar);
	if (dec != NULL && (dec->action == CONF_DA_REJECT ||
	    dec->action == CONF_DA_DEFER)) {
		if (milter_put_reply(&b, dec->code, dec->enhanced,
		    dec->text) < 0) {
			buf_reset(&b);
			milter_put(&b, dec->code >= 500 ? MILTER_R_REJECT :
			    MILTER_R_TEMPFAIL, NULL, 0);
		}
	} else {
		daemon_milter_edits(m, &b, dec, ar);
		milter_put(&b, MILTER_R_CONTINUE, NULL, 0);
	}
	r = daemon_milter_send(m, &b);
	buf_free(&b);
	if (r == 0)
		daemon_milter_forget(m);
	return r;
}

/* daemon_milter_mauth_ready - DKIM and DMARC are done: reply, go on */
static void
daemon_milter_mauth_ready(void *arg)
{
	struct daemon_milter *m = arg;

	m->ma_wait = 0;
	if (daemon_milter_finish(m) < 0)
		return;
	daemon_milter_drain(m);
}

/* daemon_milter_eom - the end of the message: reply now, or once DKIM and
 * DMARC are done (1: the packets after it wait) */
static int
daemon_milter_eom(struct daemon_milter *m, const struct milter_packet *p)
{
	if (m->ma == NULL)
		return daemon_milter_finish(m);
	if (p->len > 0)
		daemon_mauth_body(m->ma, p->data, p->len);
	clock_gettime(CLOCK_MONOTONIC, &m->ma_start);
	m->ma_wait = 1;
	daemon_mauth_eom(m->ma, daemon_milter_mauth_ready, m);
	return 1;
}

/* daemon_milter_busy - does an answer wait: the packets after it wait */
static int
daemon_milter_busy(const struct daemon_milter *m)
{
	return m->req != NULL || m->ma_wait;
}

/* daemon_milter_packet - one packet; 1: a recipient is being decided,
 * 0: go on, -1: m was freed */
static int
daemon_milter_packet(struct daemon_milter *m, const struct milter_packet *p)
{
	const char *s;

	if (!m->negotiated && p->cmd != MILTER_C_OPTNEG)
		return daemon_milter_bad(m, "a command before negotiation"),
		    -1;
	switch (p->cmd) {
	case MILTER_C_OPTNEG:
		return daemon_milter_optneg(m, p);
	case MILTER_C_MACRO:
		return daemon_milter_macros(m, p);
	case MILTER_C_CONNECT:
		return daemon_milter_connect(m, p);
	case MILTER_C_HELO:
		if ((s = daemon_milter_str1(p)) == NULL)
			return daemon_milter_bad(m, "bad HELO packet"), -1;
		daemon_milter_set(&m->helo, s, strlen(s));
		return daemon_milter_reply(m, MILTER_R_CONTINUE,
		    MILTER_P_NR_HELO);
	case MILTER_C_MAIL:
		return daemon_milter_mail(m, p);
	case MILTER_C_RCPT:
		return daemon_milter_rcpt(m, p);
	case MILTER_C_HEADER:
		return daemon_milter_header(m, p);
	case MILTER_C_EOM:
		return daemon_milter_eom(m, p);
	case MILTER_C_ABORT:
		daemon_milter_forget(m);
		return 0;		/* no reply to an abort */
	case MILTER_C_QUIT_NC:
		daemon_milter_session(m);
		return 0;
	case MILTER_C_QUIT:
		m->closing = 1;
		return 0;
	case MILTER_C_DATA:
		return daemon_milter_reply(m, MILTER_R_CONTINUE,
		    MILTER_P_NR_DATA);
	case MILTER_C_EOH:
		if (m->ma != NULL)
			daemon_mauth_eoh(m->ma);
		return daemon_milter_reply(m, MILTER_R_CONTINUE,
		    MILTER_P_NR_EOH);
	case MILTER_C_BODY:
		if (m->ma != NULL)
			daemon_mauth_body(m->ma, p->data, p->len);
		return daemon_milter_reply(m, MILTER_R_CONTINUE,
		    MILTER_P_NR_BODY);
	case MILTER_C_UNKNOWN:
		return daemon_milter_reply(m, MILTER_R_CONTINUE,
		    MILTER_P_NR_UNKN);
	default:
		return daemon_milter_bad(m, "unknown command"), -1;
	}
}

/* daemon_milter_parse - the complete packets of data, one after the other,
 * until a recipient is being decided; the octets used, or -1: m was
 * freed */
static ssize_t
daemon_milter_parse(struct daemon_milter *m, const char *data, size_t len)
{
	struct milter_packet p;
	const char *why;
	size_t used, off = 0;

	while (!daemon_milter_busy(m) && !m->closing && off < len) {
		switch (milter_parse(data + off, len - off, &p, &used, &why)) {
		case MILTER_MORE:
			return (ssize_t)off;
		case MILTER_ERR:
			daemon_milter_bad(m, why);
			return -1;
		case MILTER_OK:
			break;
		}
		if (daemon_milter_packet(m, &p) < 0)
			return -1;
		off += used;
	}
	return (ssize_t)off;
}

/* daemon_milter_done - after input: close once asked to and all is out;
 * closing with replies unsent, read no more and give them a deadline */
static void
daemon_milter_done(struct daemon_milter *m)
{
	if (!m->closing || daemon_milter_busy(m))
		return;
	if (evbuffer_get_length(m->out) == 0) {
		daemon_milter_free(m);
		return;
	}
	event_del(m->rev);
	event_add(m->wev, &(struct timeval){DAEMON_MILTER_CLOSE_S, 0});
}

/* daemon_milter_drain - the packets queued in m->in */
static void
daemon_milter_drain(struct daemon_milter *m)
{
	size_t len = evbuffer_get_length(m->in);
	ssize_t used;
	char *data;

	if (len > 0 && !daemon_milter_busy(m) && !m->closing) {
		if ((data = (char *)evbuffer_pullup(m->in, -1)) == NULL) {
			daemon_milter_bad(m, "out of memory");
			return;
		}
		if ((used = daemon_milter_parse(m, data, len)) < 0)
			return;
		evbuffer_drain(m->in, (size_t)used);
	}
	daemon_milter_done(m);
}

/* daemon_milter_read_cb - bytes in (parsed where they are when nothing
 * waits before them), EOF, or the idle timeout */
static void
daemon_milter_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct daemon_milter *m = arg;
	char chunk[DAEMON_READ_CHUNK];
	ssize_t n, used;

	if (what & EV_TIMEOUT) {
		msg_info("milter peer=%s: idle: connection closed", m->peer);
		daemon_milter_free(m);
		return;
	}
	n = read(fd, chunk, sizeof(chunk));
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		/* in the middle of a message a reset is worth a line; at
		 * its end, or between messages, it is a goodbye */
		if (n < 0 && m->sender.set) {
			m->d->metrics.errors[DAEMON_FE_MILTER]++;
			msg_warn("milter peer=%s: read: %s in a message: "
			    "connection closed", m->peer, strerror(errno));
		}
		daemon_milter_free(m);
		return;
	}
	if (evbuffer_get_length(m->in) == 0 && !daemon_milter_busy(m) &&
	    !m->closing) {
		if ((used = daemon_milter_parse(m, chunk, (size_t)n)) < 0)
			return;
		if (used < n)
			evbuffer_add(m->in, chunk + used, (size_t)(n - used));
		daemon_milter_done(m);
		return;
	}
	evbuffer_add(m->in, chunk, (size_t)n);
	/* Postfix waits for each reply it asks for */
	if (daemon_milter_busy(m) &&
	    evbuffer_get_length(m->in) > DAEMON_MILTER_MAX_IN) {
		daemon_milter_bad(m, "more than 256 KiB sent without waiting "
		    "for a reply");
		return;
	}
	daemon_milter_drain(m);
}

/* daemon_milter_write_cb - the peer takes replies again */
static void
daemon_milter_write_cb(evutil_socket_t fd, short what, void *arg)
{
	struct daemon_milter *m = arg;

	if (what & EV_TIMEOUT) {
		daemon_milter_bad(m, "replies unread when closing");
		return;
	}
	while (evbuffer_get_length(m->out) > 0) {
		if (evbuffer_write(m->out, fd) < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			daemon_milter_bad(m, "cannot write a reply");
			return;
		}
	}
	event_del(m->wev);
	daemon_milter_done(m);
}

/* daemon_milter_new - serve one accepted Milter connection */
void
daemon_milter_new(struct daemon *d, int fd, const char *peer)
{
	struct daemon_milter *m;
	size_t n;
	long now;

	/* a Milter connection is one SMTP session, never idle: none is
	 * closed for a new one, which is refused (Postfix then applies
	 * milter_default_action to that session) */
	if (d->nmilters >= d->env->conf->max_connections) {
		now = clock_now_ms();
		d->milters_refused++;
		if (now - d->milters_refused_ms >= DAEMON_ROOM_LOG_MS) {
			d->milters_refused_ms = now;
			msg_warn("milter connection from %s: %u open "
			    "(max_connections): refused (%lu so far)", peer,
			    d->env->conf->max_connections,
			    d->milters_refused);
		}
		evutil_closesocket(fd);
		return;
	}
	m = xcalloc(1, sizeof(*m));
	m->d = d;
	n = strlen(peer);
	if (n >= sizeof(m->peer))
		n = sizeof(m->peer) - 1;
	memcpy(m->peer, peer, n);
	m->fd = fd;
	m->in = evbuffer_new();
	m->out = evbuffer_new();
	m->rev = event_new(d->base, fd, EV_READ | EV_PERSIST,
	    daemon_milter_read_cb, m);
	m->wev = event_new(d->base, fd, EV_WRITE | EV_PERSIST,
	    daemon_milter_write_cb, m);
	if (m->in == NULL || m->out == NULL || m->rev == NULL ||
	    m->wev == NULL)
		msg_fatal(1, "milter: out of memory");
	m->msg = check_message_new();
	event_add(m->rev, &(struct timeval){DAEMON_MILTER_FIRST_S, 0});
	m->next = d->milters;
	if (d->milters != NULL)
		d->milters->prev = m;
	d->milters = m;
	d->nmilters++;
}

/* daemon_milter_stop_all - SIGTERM: close each connection, after the
 * recipient being decided on it, if any, is answered */
void
daemon_milter_stop_all(struct daemon *d)
{
	struct daemon_milter *m, *next;

	for (m = d->milters; m != NULL; m = next) {
		next = m->next;
		m->closing = 1;
		if (!daemon_milter_busy(m))
			daemon_milter_free(m);
	}
}
