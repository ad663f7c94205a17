/*
 * NAME
 *	check_decide 3
 * SUMMARY
 *	from test results to the answer: action table, ACL flags, headers,
 *	observe-only, reply text and the log line
 * SYNOPSIS
 *	#include "check/check_int.h"
 *
 *	int	check_decide(const struct check_ctx *ctx,
 *			struct check_eval *ev, struct check_decision *d,
 *			struct buf *action, struct buf *log);
 *	void	check_decide_fixed(const struct check_ctx *ctx,
 *			enum check_method m, const char *why,
 *			struct check_decision *d, struct buf *action,
 *			struct buf *log);
 *	void	check_eval_clear(struct check_eval *ev);
 *	void	check_idres_set(struct check_idres *r,
 *			const struct spf_detail *d,
 *			const struct spf_params *p);
 *	const char *check_sender_domain(const char *sender);
 *	const char *check_method_str(enum check_method m);
 * DESCRIPTION
 *	check_decide() turns a message's evaluation into one recipient's
 *	answer.  The MAIL FROM result is SPF's, or the legacy tests' for a
 *	result of none (or neutral with legacy_on_neutral), unless the ACL
 *	entry says NOLEGACY: DMP's pass or fail, else pass when the client
 *	is in the A or MX neighbourhood; a
 *	result of none that nothing decided becomes default_result.  The
 *	action table gives one action for MAIL FROM and one for HELO (when
 *	checked and not NOHELO); the more severe wins (reject, defer,
 *	defer_if_permit, mark, accept, observe), HELO on a tie of reject
 *	or defer.  HMARK turns reject and defer of an undecided MAIL FROM
 *	(none, neutral, or default_result) into mark.  OBSERVE, the
 *	observe action and observe_only answer DUNNO and add no header.
 *
 *	accept adds the configured header, mark adds one always
 *	(Received-SPF when both header parameters are off); either only
 *	when no header went out for the message yet.  Postfix takes one
 *	header per PREPEND, so with both parameters on, Received-SPF is the
 *	one added.  Legacy results appear in Authentication-Results as
 *	x-rmxf=pass (a neighbourhood), (mx neighbourhood), or x-rmxf=pass
 *	(dmp) / x-rmxf=fail (dmp), never as an SPF result.  With
 *	ctx->keep, the Received-SPF value written for an identity is kept in
 *	ev (freed with it), so that a copy of the evaluation for the same client, HELO name
 *	and sender (check_cache(3)) writes the same value without
 *	formatting it again.
 *
 *	Reject text is the domain's SPF explanation for a fail, otherwise
 *	a sentence naming the domain and the result; a permerror rejected
 *	with the default 5.7.23 uses 5.7.24 (RFC 7372).
 * DIAGNOSTICS
 *	None: a reply that the policy helpers refuse becomes DUNNO, noted
 *	in the log line as note=reply-refused.
 * SEE ALSO
 *	check(3), rmxf.conf(5), RFC 7208 9.1, RFC 7372, RFC 8601.
 */
#include <stdlib.h>
#include <string.h>

#include "acl/acl.h"
#include "policy/policy.h"
#include "util/buf.h"
#include "util/ipaddr.h"
#include "util/xmalloc.h"
#include "check_int.h"

#define CHECK_TEXT_MAX	400	/* reply text we write, octets */
#define CHECK_HDR_MAX	900	/* header value, under 998 with its name */
#define CHECK_IDRES_STRINGS 5	/* the strings of a struct check_idres */
#define CHECK_RAW_STORE	1024	/* a reply text's room before the heap */
#define CHECK_TEXT_FALLBACK "SPF check failed"	/* when no text fits */
#define CHECK_BOUNCE_FALLBACK "bounce to an unsigned return address"

static const char *const check_method_names[] = {
	[CHECK_M_NONE] = "none",
	[CHECK_M_ACL] = "acl",
	[CHECK_M_EXEMPT] = "exempt",
	[CHECK_M_SPF] = "spf",
	[CHECK_M_DMP] = "dmp",
	[CHECK_M_A] = "a",
	[CHECK_M_MX] = "mx",
	[CHECK_M_DEFAULT] = "default",
	[CHECK_M_SMARTHOST] = "smarthost",
	[CHECK_M_BOUNCE] = "bounce",
};

/* severity of each action, higher wins */
static const int check_action_rank[CONF_ACT_COUNT] = {
	[CONF_ACT_OBSERVE] = 0,
	[CONF_ACT_ACCEPT] = 1,
	[CONF_ACT_MARK] = 2,
	[CONF_ACT_DEFER_IF_PERMIT] = 3,
	[CONF_ACT_DEFER] = 4,
	[CONF_ACT_REJECT] = 5,
};

/* check_method_str - "spf", "a", ... */
const char *
check_method_str(enum check_method m)
{
	if ((unsigned)m < sizeof(check_method_names) /
	    sizeof(check_method_names[0]))
		return check_method_names[m];
	return "none";
}

/* check_idres_clear - free one identity's strings */
static void
check_idres_clear(struct check_idres *r)
{
	free(r->store);
	free(r->received);
	memset(r, 0, sizeof(*r));
}

/* check_eval_clear - free an evaluation's strings, zero it */
void
check_eval_clear(struct check_eval *ev)
{
	check_idres_clear(&ev->id[SPF_ID_MAILFROM]);
	check_idres_clear(&ev->id[SPF_ID_HELO]);
	free(ev->sh_ip);
	free(ev->sh_explanation);
	memset(ev, 0, sizeof(*ev));
}

/* check_idres_set - copy what a finished query found; the header texts
 * are written from it when a header goes out (check_header) */
void
check_idres_set(struct check_idres *r, const struct spf_detail *d)
{
	const char *src[CHECK_IDRES_STRINGS];
	const char **dst[CHECK_IDRES_STRINGS] = {
		&r->domain, &r->mechanism, &r->problem, &r->explanation,
		&r->sender,
	};
	size_t len[CHECK_IDRES_STRINGS], total = 0, i;
	char *s;

	check_idres_clear(r);
	r->checked = 1;
	r->result = d->result;
	r->identity = d->identity;
	src[0] = d->domain != NULL ? d->domain : "";
	src[1] = d->mechanism;
	src[2] = d->problem;
	/* only the domain's own exp= text is quoted as its words; our
	 * default explanation is not kept */
	src[3] = d->explanation_default ? NULL : d->explanation;
	src[4] = d->sender;
	/* one allocation for them all: the evaluation moves to the memo and
	 * lives as long as the message */
	for (i = 0; i < CHECK_IDRES_STRINGS; i++) {
		len[i] = src[i] != NULL ? strlen(src[i]) + 1 : 0;
		total += len[i];
	}
	r->store = s = xmalloc(total);
	for (i = 0; i < CHECK_IDRES_STRINGS; i++) {
		if (src[i] == NULL)
			continue;
		memcpy(s, src[i], len[i]);
		*dst[i] = s;
		s += len[i];
	}
}

/* check_idres_detail - the spf_detail of r (the header writers take it;
 * check_cache(3) copies through it) */
void
check_idres_detail(const struct check_idres *r, struct spf_detail *d)
{
	memset(d, 0, sizeof(*d));
	d->result = r->result;
	d->identity = r->identity;
	d->domain = r->domain;
	d->sender = r->sender;
	d->mechanism = r->mechanism;
	d->problem = r->problem;
	d->explanation = r->explanation;
}

/* check_received - the Received-SPF: value of r; 0, or -1.  The value
 * depends on r, the request's client address, HELO name and sender and
 * the authserv-id only, so r keeps it when it goes to check_cache(3)
 * (ctx->keep): a copy of r for the same three writes it again without
 * formatting it again. */
static int
check_received(const struct check_ctx *ctx, struct check_idres *r,
    struct buf *out)
{
	struct spf_detail d;
	struct spf_params p;

	if (r->received != NULL) {
		buf_puts(out, r->received);
		return out->overflow || out->len == 0 ? -1 : 0;
	}
	spf_params_init(&p);
	/* the memo holds an evaluation for the same client, HELO and
	 * sender only: the request's are the evaluation's */
	if (ctx->req->client_address == NULL ||
	    ipaddr_parse(ctx->req->client_address, &p.ip) != 0)
		return -1;
	p.sender = ctx->req->sender != NULL ? ctx->req->sender : "";
	p.helo = ctx->req->helo_name != NULL ? ctx->req->helo_name : "";
	p.receiver = ctx->authserv_id;
	p.identity = r->identity;
	check_idres_detail(r, &d);
	if (spf_format_received(&d, &p, out) != 0 || out->len == 0)
		return -1;
	if (ctx->keep)
		r->received = xmemdup(out->data, out->len + 1);
	return 0;
}

/* check_authres - the RFC 8601 method part of r; 0, or -1 */
static int
check_authres(const struct check_idres *r, struct buf *out)
{
	struct spf_detail d;

	check_idres_detail(r, &d);
	return spf_format_authres_method(&d, out) == 0 && out->len > 0 ? 0 :
	    -1;
}

/* check_sender_domain - the part after the last '@', or NULL */
const char *
check_sender_domain(const char *sender)
{
	const char *at;

	if (sender == NULL || *sender == 0)
		return NULL;
	at = strrchr(sender, '@');
	if (at == NULL)
		return sender;
	return at[1] != 0 ? at + 1 : NULL;
}

/* check_log_kv - " key=value", sanitised, cut, quoted and escaped when
 * needed (policy_log_quoted) */
static void
check_log_kv(struct buf *log, const char *key, const char *value)
{
	if (value == NULL)
		return;
	buf_putc(log, ' ');
	buf_puts(log, key);
	buf_putc(log, '=');
	(void)policy_log_quoted(log, value, CHECK_MAX_FIELD, 0);
}

/* check_log_start - the request's identity */
static void
check_log_start(const struct check_ctx *ctx, struct buf *log)
{
	buf_reset(log);
	if (ctx->req != NULL && policy_request_format(ctx->req, log) < 0)
		buf_puts(log, "queue_id=? (request too long to log)");
}

/* check_log_end - acl entry, cache and DNS counters */
static void
check_log_end(const struct check_ctx *ctx, struct buf *log)
{
	if (ctx->acl != NULL && ctx->acl->line > 0)
		check_log_kv(log, "acl", ctx->acl->key);
	if (ctx->cached == CHECK_CACHED_MESSAGE)
		buf_puts(log, " cached=yes");
	else if (ctx->cached == CHECK_CACHED_RECENT)
		buf_puts(log, " cached=recent");
	buf_puts(log, " dns=");
	buf_put_uint(log, ctx->dns_queries);
}

/* check_decide_fixed - DUNNO that checked nothing, and its log line */
void
check_decide_fixed(const struct check_ctx *ctx, enum check_method m,
    const char *why, struct check_decision *d, struct buf *action,
    struct buf *log)
{
	memset(d, 0, sizeof(*d));
	d->verdict = CHECK_V_DUNNO;
	d->table = CONF_ACT_ACCEPT;
	d->method = m;
	d->result = SPF_NONE;
	d->cached = ctx->cached;
	d->dns_queries = ctx->dns_queries;
	buf_reset(action);
	policy_action_dunno(action);
	check_log_start(ctx, log);
	check_log_kv(log, "method", check_method_str(m));
	check_log_kv(log, "why", why);
	buf_puts(log, " action=dunno");
	check_log_end(ctx, log);
	d->action = action->data;
	d->log = log->data;
}

/*
 * check_decide_bounce - a bounce to an unsigned address of ours: reject
 * (550 5.7.1, saying why), or in the grace period mark it
 */
void
check_decide_bounce(const struct check_ctx *ctx, enum check_bounce b,
    const char *why, struct check_decision *d, struct buf *action,
    struct buf *log)
{
	const struct conf *c = ctx->conf;
	unsigned flags = ctx->acl != NULL && ctx->acl->action == ACL_CHECK ?
	    ctx->acl->flags : 0;
	char store[CHECK_TEXT_MAX + CHECK_MAX_FIELD + 1];
	struct buf text;
	int rc = 0;

	memset(d, 0, sizeof(*d));
	d->method = CHECK_M_BOUNCE;
	d->identity = SPF_ID_MAILFROM;
	d->result = SPF_FAIL;
	d->cached = ctx->cached;
	d->dns_queries = ctx->dns_queries;
	d->table = b == CHECK_B_GRACE || (flags & ACL_F_HMARK) ?
	    CONF_ACT_MARK : CONF_ACT_REJECT;
	d->observe = c->observe_only || (flags & ACL_F_OBSERVE);
	buf_reset(action);
	buf_init_store(&text, CHECK_TEXT_MAX + CHECK_MAX_FIELD, store,
	    sizeof(store));
	check_log_start(ctx, log);
	check_log_kv(log, "method", "bounce");
	check_log_kv(log, "result", "fail");
	check_log_kv(log, "why", why);
	if (b == CHECK_B_GRACE)
		buf_puts(log, " grace=yes");
	check_log_kv(log, "action", conf_action_str(d->table));
	if (d->observe) {
		buf_puts(log, " observe=yes");
		d->verdict = CHECK_V_DUNNO;
	} else if (d->table == CONF_ACT_REJECT) {
		buf_printf(&text, "this bounce is for an address that sent "
		    "no mail: the return addresses of our mail are signed, "
		    "this one is not validly signed (%s)", why);
		rc = policy_action_reject(action, (int)c->reject_code,
		    "5.7.1", text.data != NULL ? text.data :
		    CHECK_BOUNCE_FALLBACK);
		d->verdict = CHECK_V_REJECT;
	} else {
		buf_printf(&text, "%s; bounce to a return address without a "
		    "valid signature (%s)", b == CHECK_B_GRACE ?
		    "accepted in the signing grace period" : "HMARK", why);
		rc = policy_action_prepend(action, "X-RMXF-Bounce", text.data !=
		    NULL ? text.data : "unsigned");
		d->verdict = CHECK_V_PREPEND;
		if (rc == 0)
			buf_puts(log, " header=x-rmxf-bounce");
	}
	if (rc < 0) {
		buf_reset(action);
		buf_puts(log, " note=reply-refused");
		if (d->verdict == CHECK_V_REJECT)
			rc = policy_action_reject(action, (int)c->reject_code,
			    "5.7.1", CHECK_BOUNCE_FALLBACK);
		else
			d->verdict = CHECK_V_DUNNO;
		if (rc < 0)
			d->verdict = CHECK_V_DUNNO;
	}
	if (action->len == 0)
		policy_action_dunno(action);
	check_log_end(ctx, log);
	d->action = action->data;
	d->log = log->data;
	buf_free(&text);
}

/* check_reply_raw - the text of a reject or defer, as it comes */
static void
check_reply_raw(struct buf *t, const struct check_idres *r,
    enum spf_result result, enum check_method m, const char *ip)
{
	const char *dom = r != NULL && r->domain != NULL ? r->domain : "";

	/* exp= is the sender domain's own words (RFC 7208 6.2): say so */
	if (m == CHECK_M_SPF && result == SPF_FAIL && r != NULL &&
	    r->explanation != NULL && *r->explanation != 0) {
		buf_puts(t, "SPF fail, ");
		buf_put_cut(t, *dom ? dom : "the sender domain",
		    CHECK_MAX_FIELD);
		buf_puts(t, " explains: ");
		buf_puts(t, r->explanation);
		return;
	}
	if (result == SPF_TEMPERROR && (m == CHECK_M_DMP || m == CHECK_M_A ||
	    m == CHECK_M_MX)) {
		buf_printf(t, "temporary DNS error in the %s test for %.*s, "
		    "try again later", m == CHECK_M_DMP ? "DMP" : m ==
		    CHECK_M_A ? "A neighbourhood" : "MX neighbourhood",
		    CHECK_MAX_FIELD, *dom ? dom : "the sender domain");
		return;
	}
	if (m == CHECK_M_DMP) {
		buf_printf(t, "the DMP records of %.*s do not designate %s as "
		    "a mailer", CHECK_MAX_FIELD, *dom ? dom : "the sender",
		    ip);
		return;
	}
	switch (result) {
	case SPF_TEMPERROR:
		buf_printf(t, "SPF temporary error for %.*s%s%.*s, try again "
		    "later", CHECK_MAX_FIELD, dom, r != NULL && r->problem ?
		    ": " : "", CHECK_MAX_FIELD, r != NULL && r->problem ?
		    r->problem : "");
		break;
	case SPF_PERMERROR:
		buf_printf(t, "SPF permanent error for %.*s%s%.*s",
		    CHECK_MAX_FIELD, dom, r != NULL && r->problem ? ": " : "",
		    CHECK_MAX_FIELD, r != NULL && r->problem ? r->problem : "");
		break;
	default:
		buf_put_cut(t, *dom ? dom : "the sender", CHECK_MAX_FIELD);
		buf_puts(t, " does not designate ");
		buf_puts(t, ip);
		buf_puts(t, " as permitted sender (SPF ");
		buf_puts(t, spf_result_str(result));
		buf_puts(t, m == CHECK_M_DEFAULT ? ", default_result)" : ")");
		break;
	}
}

/* check_reply_text - the reply text, sanitised and cut to fit a reply */
static void
check_reply_text(struct buf *t, const struct check_idres *r,
    enum spf_result result, enum check_method m, const char *ip)
{
	char store[CHECK_RAW_STORE];
	struct buf raw;

	buf_init_store(&raw, SPF_MAX_EXPLAIN + 2 * CHECK_MAX_FIELD +
	    IPADDR_STRLEN + CHECK_TEXT_MAX, store, sizeof(store));
	check_reply_raw(&raw, r, result, m, ip);
	buf_reset(t);
	if (raw.data == NULL || policy_text_sanitize(t, raw.data, raw.len,
	    CHECK_TEXT_MAX, 0) < 0)
		buf_puts(t, CHECK_TEXT_FALLBACK);
	buf_free(&raw);
}

/* check_header - the header for this message; 0 none, 1 added */
static int
check_header(const struct check_ctx *ctx, const struct check_eval *ev,
    struct check_idres *r, enum check_method m, int always,
    struct buf *action, struct buf *log)
{
	const struct conf *c = ctx->conf;
	const char *aid = ctx->authserv_id ? ctx->authserv_id : "unknown";
	const struct check_idres *mf = &ev->id[SPF_ID_MAILFROM];
	const char *dom, *sp;
	char store[CHECK_HDR_MAX + 1], tstore[CHECK_HDR_MAX + 1];
	struct buf v, t;
	int rspf = c->header_received_spf, ar = c->header_authentication_results;
	int ret = 0;

	if (ctx->header_done)
		return 0;
	if (always && !rspf && !ar)
		rspf = 1;
	buf_init_store(&v, CHECK_HDR_MAX, store, sizeof(store));
	buf_init_store(&t, CHECK_HDR_MAX, tstore, sizeof(tstore));
	if (rspf && r != NULL && r->checked &&
	    check_received(ctx, r, &t) == 0) {
		if (policy_action_prepend(action, "Received-SPF", t.data) == 0) {
			buf_puts(log, " header=received-spf");
			ret = 1;
		}
	} else if (ar) {
		policy_text_sanitize(&v, aid, strlen(aid), CHECK_MAX_FIELD, 0);
		buf_reset(&t);
		if (r != NULL && r->checked && check_authres(r, &t) == 0) {
			buf_puts(&v, "; ");
			buf_append(&v, t.data, t.len);
		}
		if (m == CHECK_M_A || m == CHECK_M_MX || m == CHECK_M_DMP) {
			dom = NULL;
			buf_reset(&t);
			if (mf->checked && check_authres(mf, &t) == 0 &&
			    (sp = strchr(t.data, ' ')) != NULL)
				dom = sp + 1;
			if (m == CHECK_M_DMP)
				buf_printf(&v, "; x-rmxf=%s (dmp)",
				    spf_result_str(ev->legacy_result));
			else
				buf_printf(&v, "; x-rmxf=%s (%s "
				    "neighbourhood)",
				    spf_result_str(ev->legacy_result),
				    m == CHECK_M_A ? "a" : "mx");
			if (dom != NULL) {
				buf_putc(&v, ' ');
				buf_puts(&v, dom);
			} else if ((dom = check_sender_domain(
			    ctx->req->sender)) != NULL) {
				buf_puts(&v, " smtp.mailfrom=");
				policy_text_sanitize(&v, dom, strlen(dom),
				    CHECK_MAX_FIELD, 0);
			}
		}
		if (r == NULL && m != CHECK_M_A && m != CHECK_M_MX &&
		    m != CHECK_M_DMP)
			buf_puts(&v, "; none");
		if (!v.overflow && policy_action_prepend(action,
		    "Authentication-Results", v.data) == 0) {
			buf_puts(log, " header=authentication-results");
			ret = 1;
		}
	}
	buf_free(&v);
	buf_free(&t);
	return ret;
}

/* check_decide - one recipient's answer from the evaluation */
int
check_decide(const struct check_ctx *ctx, struct check_eval *ev,
    struct check_decision *d, struct buf *action, struct buf *log)
{
	const struct conf *c = ctx->conf;
	unsigned flags = ctx->acl != NULL && ctx->acl->action == ACL_CHECK ?
	    ctx->acl->flags : 0;
	struct check_idres *mf = &ev->id[SPF_ID_MAILFROM];
	struct check_idres *he = &ev->id[SPF_ID_HELO];
	struct check_idres *r;
	enum spf_result mres, res;
	enum check_method mmeth;
	enum conf_action amf, ahe, act;
	const char *ip = ctx->req->client_address ? ctx->req->client_address :
	    "";
	const char *enh = c->reject_enhanced_code;
	char store[CHECK_TEXT_MAX + CHECK_MAX_FIELD + 1];
	struct buf text;
	int use_helo = 0, undecided, header = 0, rc = 0;

	memset(d, 0, sizeof(*d));
	buf_reset(action);
	buf_init_store(&text, CHECK_TEXT_MAX + CHECK_MAX_FIELD, store,
	    sizeof(store));

	/* MAIL FROM: SPF, legacy, default_result */
	mres = mf->checked ? mf->result : SPF_NONE;
	mmeth = CHECK_M_SPF;
	if (ev->legacy != CHECK_M_NONE && !(flags & ACL_F_NOLEGACY)) {
		mres = ev->legacy_result;
		mmeth = ev->legacy;
	} else if (mres == SPF_NONE) {
		mres = (enum spf_result)c->default_result;
		mmeth = CHECK_M_DEFAULT;
	}
	undecided = mmeth == CHECK_M_DEFAULT || mres == SPF_NONE ||
	    mres == SPF_NEUTRAL;
	amf = c->action_mailfrom[mres];
	if ((flags & ACL_F_HMARK) && undecided && (amf == CONF_ACT_REJECT ||
	    amf == CONF_ACT_DEFER || amf == CONF_ACT_DEFER_IF_PERMIT))
		amf = CONF_ACT_MARK;

	/* HELO */
	act = amf;
	if (he->checked && !(flags & ACL_F_NOHELO)) {
		ahe = c->action_helo[he->result];
		if (check_action_rank[ahe] > check_action_rank[amf] ||
		    (check_action_rank[ahe] == check_action_rank[amf] &&
		    check_action_rank[ahe] >= check_action_rank[
		    CONF_ACT_DEFER] && he->result != SPF_PASS))
			use_helo = 1;
		if (!mf->checked && ahe != CONF_ACT_OBSERVE &&
		    check_action_rank[ahe] >= check_action_rank[amf])
			use_helo = 1;
		if (use_helo)
			act = ahe;
	}
	if (use_helo) {
		r = he;
		res = he->result;
		d->identity = SPF_ID_HELO;
		d->method = CHECK_M_SPF;
	} else {
		r = mf->checked ? mf : NULL;
		res = mres;
		d->identity = SPF_ID_MAILFROM;
		d->method = mmeth;
	}
	d->table = act;
	d->result = res;
	d->helo_checked = he->checked;
	d->helo_result = he->result;
	d->mailfrom_checked = mf->checked;
	d->mailfrom_result = mf->result;
	d->cached = ctx->cached;
	d->dns_queries = ctx->dns_queries;
	d->observe = c->observe_only || (flags & ACL_F_OBSERVE) ||
	    act == CONF_ACT_OBSERVE;

	/* the log line, up to the action */
	check_log_start(ctx, log);
	if (he->checked && !(flags & ACL_F_NOHELO))
		check_log_kv(log, "spf_helo", spf_result_str(he->result));
	if (mf->checked)
		check_log_kv(log, "spf_mailfrom", spf_result_str(mf->result));
	if (r != NULL)
		check_log_kv(log, "mechanism", r->mechanism);
	if (r != NULL && r->checked && (r->result == SPF_PERMERROR ||
	    r->result == SPF_TEMPERROR))
		check_log_kv(log, "problem", r->problem);
	check_log_kv(log, "identity", use_helo ? "helo" : "mailfrom");
	check_log_kv(log, "method", check_method_str(d->method));
	check_log_kv(log, "result", spf_result_str(res));
	check_log_kv(log, "action", conf_action_str(act));
	if (d->observe) {
		buf_puts(log, " observe=yes");
		act = CONF_ACT_OBSERVE;
	}

	/* the answer */
	switch (act) {
	case CONF_ACT_REJECT:
		check_reply_text(&text, r, res, d->method, ip);
		/* RFC 7372's codes are SPF's: a permerror is 5.7.24, and a
		 * DMP fail is no SPF validation failure (5.7.1) */
		if (res == SPF_PERMERROR && strcmp(enh, "5.7.23") == 0)
			enh = "5.7.24";
		if (d->method == CHECK_M_DMP && strcmp(enh, "5.7.23") == 0)
			enh = "5.7.1";
		rc = policy_action_reject(action, (int)c->reject_code, enh,
		    text.data != NULL ? text.data : "");
		d->verdict = CHECK_V_REJECT;
		break;
	case CONF_ACT_DEFER:
		check_reply_text(&text, r, res, d->method, ip);
		rc = policy_action_defer(action, (int)c->defer_code,
		    c->defer_enhanced_code, text.data != NULL ? text.data : "");
		d->verdict = CHECK_V_DEFER;
		break;
	case CONF_ACT_DEFER_IF_PERMIT:
		check_reply_text(&text, r, res, d->method, ip);
		rc = policy_action_defer_if_permit(action,
		    c->defer_enhanced_code, text.data != NULL ? text.data : "");
		d->verdict = CHECK_V_DEFER_IF_PERMIT;
		break;
	case CONF_ACT_ACCEPT:
	case CONF_ACT_MARK:
		header = check_header(ctx, ev, r, d->method,
		    act == CONF_ACT_MARK, action, log);
		d->verdict = header ? CHECK_V_PREPEND : CHECK_V_DUNNO;
		break;
	case CONF_ACT_OBSERVE:
	case CONF_ACT_COUNT:
		d->verdict = CHECK_V_DUNNO;
		break;
	}
	if (rc < 0 && d->verdict == CHECK_V_REJECT) {
		buf_reset(action);
		rc = policy_action_reject(action, (int)c->reject_code, enh,
		    CHECK_TEXT_FALLBACK);
	} else if (rc < 0 && d->verdict == CHECK_V_DEFER) {
		buf_reset(action);
		rc = policy_action_defer(action, (int)c->defer_code,
		    c->defer_enhanced_code, CHECK_TEXT_FALLBACK);
	}
	if (rc < 0) {
		buf_puts(log, " note=reply-refused");
		d->verdict = CHECK_V_DUNNO;
		header = 0;
		buf_reset(action);
	}
	if (action->len == 0)
		policy_action_dunno(action);
	check_log_end(ctx, log);
	d->action = action->data;
	d->log = log->data;
	buf_free(&text);
	return header;
}
