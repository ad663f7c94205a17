/*
 * NAME
 *	check_decide 3
 * SUMMARY
 *	from the test results to one recipient's answer: action table, ACL
 *	flags, observe-only, reply text, header and log line
 * SYNOPSIS
 *	#include "check_int.h"
 *
 *	void	check_decide(const struct check_ctx *ctx,
 *			struct check_results *res, struct check_decision *d,
 *			struct check_texts *t);
 * DESCRIPTION
 *	check_decide() turns a message's evaluation into one recipient's
 *	answer.  The MAIL FROM result is SPF's, or the legacy tests' for a
 *	result of none (or neutral with legacy_on_neutral), unless the ACL
 *	entry says NOLEGACY: DMP's pass or fail, a neighbourhood's pass, a
 *	legacy temperror; a result of none that nothing decided becomes
 *	default_result.  The action table gives one action for MAIL FROM
 *	and one for HELO (when checked and not NOHELO); the more severe
 *	wins (reject, defer, defer_if_permit, mark, accept, observe), HELO
 *	on a tie of reject or defer.  HMARK turns reject and defer of an
 *	undecided MAIL FROM (none, neutral, or default_result) into mark.
 *	A sender of require_pass_domains whose SPF result is neither pass
 *	nor temperror gets action_require_pass instead (why=require-pass).
 *	The observe action is answered as accept, and the log line names
 *	the parameter (observed=action_helo_fail); OBSERVE and
 *	observe_only answer DUNNO and add no header.
 *
 *	accept adds the configured header, mark adds one always
 *	(Received-SPF when both header parameters are off); either only
 *	when the envelope says no result header went out for the message
 *	yet.  The policy protocol takes one header per PREPEND, so with both
 *	parameters on, Received-SPF is in the answer and Authentication-
 *	Results in d->second_name/value (for a DATA answer, or a front end
 *	that adds several).  A legacy result appears in Authentication-
 *	Results as MAIL FROM's SPF result (none when not checked) with a
 *	reason naming the test, never as spf=pass.  With
 *	ctx->keep, the Received-SPF value written for an identity is kept
 *	in res (freed with it), so that a copy of the evaluation for the
 *	same client, HELO name and sender (check_recent(3)) writes it
 *	without formatting it again.
 *
 *	Reject text is reject_text filled in (conf_template(3)) when set,
 *	else the domain's SPF explanation for a fail, otherwise a sentence
 *	naming the domain and the result; a permerror rejected
 *	with the default 5.7.23 uses 5.7.24, and a DMP fail 5.7.1 (RFC
 *	7372's codes are SPF's).
 * DIAGNOSTICS
 *	None: a reply the policy helpers refuse becomes DUNNO, noted in the
 *	log line as note=reply-refused.
 * SEE ALSO
 *	check(3), check_answer(3), rmxf.conf(5), RFC 7208 9.1, RFC 7372,
 *	RFC 8601.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "acl/acl.h"
#include "policy/policy.h"
#include "util/xmalloc.h"
#include "check_int.h"

#define CHECK_RAW_STORE	1024	/* a reply text's room before the heap */

/* severity of each action, higher wins */
static const int check_action_rank[CONF_ACT_COUNT] = {
	[CONF_ACT_OBSERVE] = 0,
	[CONF_ACT_ACCEPT] = 1,
	[CONF_ACT_MARK] = 2,
	[CONF_ACT_DEFER_IF_PERMIT] = 3,
	[CONF_ACT_DEFER] = 4,
	[CONF_ACT_REJECT] = 5,
};

/* The parameters of the action table, for observed= in the log. */
static const char *const check_mailfrom_params[CONF_R_COUNT] = {
	[CONF_R_NONE] = "action_mailfrom_none",
	[CONF_R_NEUTRAL] = "action_mailfrom_neutral",
	[CONF_R_PASS] = "action_mailfrom_pass",
	[CONF_R_FAIL] = "action_mailfrom_fail",
	[CONF_R_SOFTFAIL] = "action_mailfrom_softfail",
	[CONF_R_TEMPERROR] = "action_mailfrom_temperror",
	[CONF_R_PERMERROR] = "action_mailfrom_permerror",
};
static const char *const check_helo_params[CONF_R_COUNT] = {
	[CONF_R_NONE] = "action_helo_none",
	[CONF_R_NEUTRAL] = "action_helo_neutral",
	[CONF_R_PASS] = "action_helo_pass",
	[CONF_R_FAIL] = "action_helo_fail",
	[CONF_R_SOFTFAIL] = "action_helo_softfail",
	[CONF_R_TEMPERROR] = "action_helo_temperror",
	[CONF_R_PERMERROR] = "action_helo_permerror",
};

#define CHECK_MAX_OBSERVED	3	/* rules one decision observes */

/* What one recipient's answer rests on. */
struct check_choice {
	unsigned	flags;		/* the ACL entry's, ACL_CHECK only */
	enum spf_result	mres;		/* MAIL FROM's result, all told */
	enum check_method mmeth;
	int		use_helo;	/* HELO's action decides */
	int		require_pass;	/* require_pass_domains decides */
	int		exempt_unsure;	/* a reject deferred: an exemption's
					 * lookup failed */
	enum conf_action act;
	struct check_identity *r;	/* the deciding identity, or NULL */
	const char     *observed[CHECK_MAX_OBSERVED];	/* parameters */
	size_t		nobserved;
};

/* check_observe - an observe action is answered as accept, and named */
static enum conf_action
check_observe(struct check_choice *ch, enum conf_action act,
    const char *param)
{
	if (act != CONF_ACT_OBSERVE)
		return act;
	if (ch->nobserved < CHECK_MAX_OBSERVED)
		ch->observed[ch->nobserved++] = param;
	return CONF_ACT_ACCEPT;
}

/* check_require_pass - is the sender's domain one of
 * require_pass_domains? */
int
check_require_pass(const struct conf *c, const char *sender)
{
	const char *dom;
	size_t i;

	if (c->require_pass_domains.n == 0)
		return 0;
	dom = check_sender_domain(sender);
	for (i = 0; dom != NULL && i < c->require_pass_domains.n; i++)
		if (strcasecmp(dom, c->require_pass_domains.v[i]) == 0)
			return 1;
	return 0;
}

/* check_received - the Received-SPF: value of r; 0, or -1.  It depends
 * on r, the envelope's client address, HELO name and sender and the
 * authserv-id only, so r keeps it when it goes to check_recent(3)
 * (ctx->keep): a copy of r for the same three writes it again without
 * formatting it again. */
static int
check_received(const struct check_ctx *ctx, struct check_identity *r,
    struct buf *out)
{
	struct spf_detail d;
	struct spf_params p;

	if (r->received != NULL) {
		buf_puts(out, r->received);
		return out->overflow || out->len == 0 ? -1 : 0;
	}
	spf_params_init(&p);
	/* the results are for the envelope's client, HELO and sender */
	if (ctx->in->client_address == NULL ||
	    ipaddr_parse(ctx->in->client_address, &p.ip) != 0)
		return -1;
	p.sender = ctx->in->sender != NULL ? ctx->in->sender : "";
	p.helo = ctx->in->helo != NULL ? ctx->in->helo : "";
	p.receiver = ctx->authserv_id;
	p.identity = r->identity;
	check_identity_detail(r, &d);
	if (spf_format_received(&d, &p, out) != 0 || out->len == 0)
		return -1;
	if (ctx->keep)
		r->received = xmemdup(out->data, out->len + 1);
	return 0;
}

/* check_authres - the RFC 8601 method part of r; 0, or -1 */
static int
check_authres(const struct check_identity *r, struct buf *out)
{
	struct spf_detail d;

	check_identity_detail(r, &d);
	return spf_format_authres_method(&d, out) == 0 && out->len > 0 ? 0 :
	    -1;
}

/* check_authres_legacy - "; spf=RESULT reason=\"...\" smtp.mailfrom=D":
 * a legacy result is never an SPF result; the reason names it */
static void
check_authres_legacy(const struct check_ctx *ctx,
    const struct check_results *res, enum check_method m, struct buf *v)
{
	const struct check_identity *mf = &res->id[SPF_ID_MAILFROM];
	const char *dom, *sp = NULL;
	char store[CHECK_HDR_MAX + 1];
	struct buf t;

	buf_init_store(&t, CHECK_HDR_MAX, store, sizeof(store));
	buf_puts(v, "; ");
	if (mf->checked && check_authres(mf, &t) == 0 &&
	    (sp = strchr(t.data, ' ')) != NULL)
		buf_append(v, t.data, (size_t)(sp - t.data));
	else
		buf_puts(v, "spf=none");
	buf_printf(v, " reason=\"not SPF: rmxf legacy %s test: %s\"",
	    m == CHECK_M_DMP ? "DMP" : m == CHECK_M_A ? "A neighbourhood" :
	    "MX neighbourhood", spf_result_str(res->legacy_result));
	if (sp != NULL)
		buf_puts(v, sp);
	else if ((dom = check_sender_domain(ctx->in->sender)) != NULL) {
		buf_puts(v, " smtp.mailfrom=");
		policy_text_sanitize(v, dom, strlen(dom), CHECK_MAX_FIELD, 0);
	}
	buf_free(&t);
}

/* check_authres_value - the Authentication-Results: value; 0, or -1 */
static int
check_authres_value(const struct check_ctx *ctx,
    const struct check_results *res, const struct check_identity *r,
    enum check_method m, struct buf *v)
{
	const char *aid = ctx->authserv_id ? ctx->authserv_id : "unknown";
	char store[CHECK_HDR_MAX + 1];
	struct buf t;

	policy_text_sanitize(v, aid, strlen(aid), CHECK_MAX_FIELD, 0);
	if (m == CHECK_M_A || m == CHECK_M_MX || m == CHECK_M_DMP) {
		check_authres_legacy(ctx, res, m, v);
		return v->overflow ? -1 : 0;
	}
	buf_init_store(&t, CHECK_HDR_MAX, store, sizeof(store));
	if (r != NULL && r->checked && check_authres(r, &t) == 0) {
		buf_puts(v, "; ");
		buf_append(v, t.data, t.len);
	} else
		buf_puts(v, "; none");
	buf_free(&t);
	return v->overflow ? -1 : 0;
}

/* check_header - the result headers for this message, when none went out
 * yet: the first in the answer, the second (both configured) in d for the
 * front end; 1 when the first is in the answer */
static int
check_header(const struct check_ctx *ctx, struct check_results *res,
    struct check_identity *r, enum check_method m, int always,
    struct check_decision *d, struct check_texts *t)
{
	const struct conf *c = ctx->conf;
	int rspf = c->header_received_spf;
	int ar = c->header_authentication_results;
	int have_rspf = 0, have_ar = 0;

	if (ctx->in->header_sent)
		return 0;
	if (always && !rspf && !ar)
		rspf = 1;
	buf_reset(&t->header);
	buf_reset(&t->second);
	if (rspf && r != NULL && r->checked &&
	    check_received(ctx, r, &t->header) == 0)
		have_rspf = 1;
	if (ar && check_authres_value(ctx, res, r, m, have_rspf ?
	    &t->second : &t->header) == 0)
		have_ar = 1;
	if (have_rspf && have_ar && t->second.data != NULL) {
		d->second_name = "Authentication-Results";
		d->second_value = t->second.data;
	}
	if (!have_rspf && !have_ar)
		return 0;
	d->header_name = have_rspf ? "Received-SPF" : "Authentication-Results";
	if (t->header.data == NULL || policy_action_prepend(&t->action,
	    d->header_name, t->header.data) < 0) {
		d->header_name = d->second_name = NULL;
		return 0;
	}
	buf_puts(&t->log, have_rspf ? " header=received-spf" :
	    " header=authentication-results");
	d->header_value = t->header.data;
	d->result_header = have_rspf ? CHECK_HDR_RECEIVED_SPF :
	    CHECK_HDR_AUTHRES;
	return 1;
}

/* check_reply_raw - the text of a reject or defer, as it comes */
static void
check_reply_raw(struct buf *t, const struct check_identity *r,
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
	} else if (result == SPF_TEMPERROR && (m == CHECK_M_DMP ||
	    m == CHECK_M_A || m == CHECK_M_MX))
		buf_printf(t, "temporary DNS error in the %s test for %.*s, "
		    "try again later", m == CHECK_M_DMP ? "DMP" : m ==
		    CHECK_M_A ? "A neighbourhood" : "MX neighbourhood",
		    CHECK_MAX_FIELD, *dom ? dom : "the sender domain");
	else if (m == CHECK_M_DMP)
		buf_printf(t, "the DMP records of %.*s do not designate %s as "
		    "a mailer", CHECK_MAX_FIELD, *dom ? dom : "the sender",
		    ip);
	else if (result == SPF_TEMPERROR || result == SPF_PERMERROR)
		buf_printf(t, "SPF %s error for %.*s%s%.*s%s",
		    result == SPF_TEMPERROR ? "temporary" : "permanent",
		    CHECK_MAX_FIELD, dom, r != NULL && r->problem ? ": " : "",
		    CHECK_MAX_FIELD, r != NULL && r->problem ? r->problem : "",
		    result == SPF_TEMPERROR ? ", try again later" : "");
	else {
		buf_put_cut(t, *dom ? dom : "the sender", CHECK_MAX_FIELD);
		buf_puts(t, " does not designate ");
		buf_puts(t, ip);
		buf_puts(t, " as permitted sender (SPF ");
		buf_puts(t, spf_result_str(result));
		buf_puts(t, m == CHECK_M_DEFAULT ? ", default_result)" : ")");
	}
}

/* check_reply_template - reject_text with the decision's values; the
 * caller sanitises it */
static void
check_reply_template(const struct check_ctx *ctx,
    const struct check_identity *r, enum spf_result result, struct buf *raw)
{
	const struct check_envelope *in = ctx->in;
	const char *vals[CONF_TV_COUNT];

	vals[CONF_TV_RESULT] = spf_result_str(result);
	vals[CONF_TV_DOMAIN] = r != NULL && r->domain != NULL ? r->domain :
	    check_sender_domain(in->sender);
	vals[CONF_TV_CLIENT_ADDRESS] = in->client_address;
	vals[CONF_TV_SENDER] = in->sender;
	vals[CONF_TV_HELO_NAME] = in->helo;
	vals[CONF_TV_EXPLANATION] = r != NULL ? r->explanation : NULL;
	conf_template_expand(ctx->conf->reject_text, vals, raw);
	while (raw->len > 0 && (raw->data[raw->len - 1] == ' ' ||
	    raw->data[raw->len - 1] == '\t'))
		raw->data[--raw->len] = 0;
}

/* check_reply_text - the reply text, sanitised and cut to fit a reply:
 * reject_text for a reject when set, else the built-in sentences */
static void
check_reply_text(const struct check_ctx *ctx, struct buf *t,
    const struct check_identity *r, enum spf_result result,
    enum check_method m, int reject)
{
	const char *ip = ctx->in->client_address ? ctx->in->client_address :
	    "";
	char store[CHECK_RAW_STORE];
	struct buf raw;

	buf_init_store(&raw, SPF_MAX_EXPLAIN + 2 * CHECK_MAX_FIELD +
	    IPADDR_STRLEN + CHECK_TEXT_MAX + CONF_MAX_VALUE, store,
	    sizeof(store));
	if (reject && *ctx->conf->reject_text != 0)
		check_reply_template(ctx, r, result, &raw);
	else
		check_reply_raw(&raw, r, result, m, ip);
	buf_reset(t);
	if (raw.data == NULL || policy_text_sanitize(t, raw.data, raw.len,
	    CHECK_TEXT_MAX, 0) < 0)
		buf_reset(t);		/* check_reply() has a fallback */
	buf_free(&raw);
}

/* check_required - require_pass_domains: for a sender of those domains
 * whose own SPF result is neither pass nor temperror, action_require_pass
 * when it is stricter than the table's; it then decides on that SPF
 * result, whatever the legacy tests or default_result said */
static void
check_required(const struct check_ctx *ctx, const struct check_identity *mf,
    struct check_choice *ch)
{
	const struct conf *c = ctx->conf;
	enum conf_action act;

	if (!mf->checked || mf->result == SPF_PASS ||
	    mf->result == SPF_TEMPERROR ||
	    !check_require_pass(c, ctx->in->sender))
		return;
	act = check_observe(ch, c->action_require_pass,
	    "action_require_pass");
	if (check_action_rank[act] <= check_action_rank[ch->act])
		return;
	ch->require_pass = 1;
	ch->mres = mf->result;
	ch->mmeth = CHECK_M_SPF;
	ch->act = act;
}

/* check_mailfrom - MAIL FROM's result: SPF, legacy, default_result, and
 * require_pass_domains */
static void
check_mailfrom(const struct check_ctx *ctx, const struct check_results *res,
    struct check_choice *ch)
{
	const struct conf *c = ctx->conf;
	const struct check_identity *mf = &res->id[SPF_ID_MAILFROM];
	int undecided;

	ch->mres = mf->checked ? mf->result : SPF_NONE;
	ch->mmeth = CHECK_M_SPF;
	if (res->legacy != CHECK_M_NONE && !(ch->flags & ACL_F_NOLEGACY)) {
		ch->mres = res->legacy_result;
		ch->mmeth = res->legacy;
	} else if (ch->mres == SPF_NONE) {
		ch->mres = (enum spf_result)c->default_result;
		ch->mmeth = CHECK_M_DEFAULT;
	}
	undecided = ch->mmeth == CHECK_M_DEFAULT || ch->mres == SPF_NONE ||
	    ch->mres == SPF_NEUTRAL;
	ch->act = check_observe(ch, c->action_mailfrom[ch->mres],
	    check_mailfrom_params[ch->mres]);
	if ((ch->flags & ACL_F_HMARK) && undecided &&
	    (ch->act == CONF_ACT_REJECT || ch->act == CONF_ACT_DEFER ||
	    ch->act == CONF_ACT_DEFER_IF_PERMIT))
		ch->act = CONF_ACT_MARK;
	check_required(ctx, mf, ch);
}

/* check_helo - does HELO's action decide instead? */
static void
check_helo(const struct conf *c, struct check_results *res,
    struct check_choice *ch)
{
	const struct check_identity *mf = &res->id[SPF_ID_MAILFROM];
	struct check_identity *he = &res->id[SPF_ID_HELO];
	enum conf_action ahe;
	int rhe, rmf;

	ch->r = mf->checked ? &res->id[SPF_ID_MAILFROM] : NULL;
	if (!he->checked || (ch->flags & ACL_F_NOHELO))
		return;
	ahe = check_observe(ch, c->action_helo[he->result],
	    check_helo_params[he->result]);
	rhe = check_action_rank[ahe];
	rmf = check_action_rank[ch->act];
	if (rhe > rmf || (rhe == rmf && rhe >= check_action_rank[
	    CONF_ACT_DEFER] && he->result != SPF_PASS) ||
	    (!mf->checked && rhe >= rmf)) {
		ch->use_helo = 1;
		ch->act = ahe;
		ch->r = he;
	}
}

/* check_decide_log - the log line up to the action */
static void
check_decide_log(const struct check_ctx *ctx, const struct check_results *res,
    const struct check_choice *ch, const struct check_decision *d,
    struct buf *log)
{
	const struct check_identity *mf = &res->id[SPF_ID_MAILFROM];
	const struct check_identity *he = &res->id[SPF_ID_HELO];
	const struct check_identity *r = ch->r;
	size_t i;

	check_log_start(ctx, log);
	if (he->checked && !(ch->flags & ACL_F_NOHELO))
		check_log_kv(log, "spf_helo", spf_result_str(he->result));
	if (mf->checked)
		check_log_kv(log, "spf_mailfrom", spf_result_str(mf->result));
	if (r != NULL)
		check_log_kv(log, "mechanism", r->mechanism);
	if (r != NULL && r->checked && (r->result == SPF_PERMERROR ||
	    r->result == SPF_TEMPERROR))
		check_log_kv(log, "problem", r->problem);
	check_log_kv(log, "identity", ch->use_helo ? "helo" : "mailfrom");
	check_log_kv(log, "method", check_method_str(d->method));
	check_log_kv(log, "result", spf_result_str(d->result));
	check_log_kv(log, "action", conf_action_str(ch->act));
	if (ch->require_pass && !ch->use_helo)
		buf_puts(log, " why=require-pass");
	if (ch->exempt_unsure)
		buf_puts(log, " why=exempt-unsure");
	for (i = 0; i < ch->nobserved; i++)
		check_log_kv(log, "observed", ch->observed[i]);
	if (d->observe)
		buf_puts(log, " observe=yes");
}

/* check_decide_answer - the answer for the action chosen */
static void
check_decide_answer(const struct check_ctx *ctx, struct check_results *res,
    const struct check_choice *ch, struct check_decision *d,
    struct check_texts *t)
{
	const struct conf *c = ctx->conf;
	const char *enh = c->reject_enhanced_code;
	enum conf_action act = d->observe ? CONF_ACT_OBSERVE : ch->act;

	switch (act) {
	case CONF_ACT_REJECT:
		check_reply_text(ctx, &t->text, ch->r, d->result, d->method,
		    1);
		if (d->result == SPF_PERMERROR && strcmp(enh, "5.7.23") == 0)
			enh = "5.7.24";
		if (d->method == CHECK_M_DMP && strcmp(enh, "5.7.23") == 0)
			enh = "5.7.1";
		check_reply(ctx, d, t, CHECK_V_REJECT, (int)c->reject_code,
		    enh);
		break;
	case CONF_ACT_DEFER:
	case CONF_ACT_DEFER_IF_PERMIT:
		if (ch->exempt_unsure) {
			buf_reset(&t->text);
			buf_puts(&t->text, "temporary DNS error in an exemption "
			    "check, try again later");
		} else
			check_reply_text(ctx, &t->text, ch->r, d->result,
			    d->method, 0);
		check_reply(ctx, d, t, act == CONF_ACT_DEFER ? CHECK_V_DEFER :
		    CHECK_V_DEFER_IF_PERMIT, (int)c->defer_code,
		    c->defer_enhanced_code);
		break;
	case CONF_ACT_ACCEPT:
	case CONF_ACT_MARK:
		d->verdict = check_header(ctx, res, ch->r, d->method,
		    act == CONF_ACT_MARK, d, t) ? CHECK_V_PREPEND :
		    CHECK_V_DUNNO;
		break;
	case CONF_ACT_OBSERVE:
	case CONF_ACT_COUNT:
		d->verdict = CHECK_V_DUNNO;
		break;
	}
}

/* check_decide - one recipient's answer from the evaluation */
void
check_decide(const struct check_ctx *ctx, struct check_results *res,
    struct check_decision *d, struct check_texts *t)
{
	const struct conf *c = ctx->conf;
	struct check_choice ch;

	memset(&ch, 0, sizeof(ch));
	memset(d, 0, sizeof(*d));
	if (ctx->acl != NULL && ctx->acl->action == ACL_CHECK)
		ch.flags = ctx->acl->flags;
	check_mailfrom(ctx, res, &ch);
	check_helo(c, res, &ch);
	/* the exemption might have held: no reject on a DNS failure */
	if (res->exempt_unsure && ch.act == CONF_ACT_REJECT) {
		ch.act = CONF_ACT_DEFER;
		ch.exempt_unsure = 1;
	}
	d->identity = ch.use_helo ? SPF_ID_HELO : SPF_ID_MAILFROM;
	d->method = ch.use_helo ? CHECK_M_SPF : ch.mmeth;
	d->result = ch.use_helo ? res->id[SPF_ID_HELO].result : ch.mres;
	d->table = ch.act;
	d->helo_checked = res->id[SPF_ID_HELO].checked;
	d->helo_result = res->id[SPF_ID_HELO].result;
	d->mailfrom_checked = res->id[SPF_ID_MAILFROM].checked;
	d->mailfrom_result = res->id[SPF_ID_MAILFROM].result;
	d->cached = ctx->cached;
	d->dns_queries = ctx->dns_queries;
	d->observe = c->observe_only || (ch.flags & ACL_F_OBSERVE) ||
	    ch.act == CONF_ACT_OBSERVE;
	buf_reset(&t->action);
	buf_reset(&t->text);
	buf_reset(&t->header);
	check_decide_log(ctx, res, &ch, d, &t->log);
	check_decide_answer(ctx, res, &ch, d, t);
	if (t->action.len == 0)
		policy_action_dunno(&t->action);
	check_log_end(ctx, &t->log);
	d->action = t->action.data;
	d->log = t->log.data;
}
