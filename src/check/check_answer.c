/*
 * NAME
 *	check_answer 3
 * SUMMARY
 *	the parts every decision shares, and the decisions without SPF's
 *	action table: fixed answers, the bounce check, the smarthost profile
 * SYNOPSIS
 *	#include "check_int.h"
 *
 *	void	check_log_start(const struct check_ctx *ctx, struct buf *log);
 *	void	check_log_kv(struct buf *log, const char *key,
 *			const char *value);
 *	void	check_log_end(const struct check_ctx *ctx, struct buf *log);
 *	void	check_reply(const struct check_ctx *ctx,
 *			struct check_decision *d, struct check_texts *t,
 *			enum check_verdict v, int code, const char *enhanced);
 *	void	check_decide_fixed(const struct check_ctx *ctx,
 *			enum check_method m, const char *why,
 *			struct check_decision *d, struct check_texts *t);
 *	void	check_decide_data(const struct check_ctx *ctx,
 *			const struct check_message *msg,
 *			struct check_decision *d, struct check_texts *t);
 *	void	check_decide_bounce(const struct check_ctx *ctx,
 *			enum check_bounce b, const char *why,
 *			struct check_decision *d, struct check_texts *t);
 *	void	check_decide_smarthost(const struct check_ctx *ctx,
 *			const struct check_results *res,
 *			struct check_decision *d, struct check_texts *t);
 * DESCRIPTION
 *	The log line starts with the envelope's identity (policy_log(3))
 *	and ends with the ACL entry, whence the results came and the DNS
 *	questions asked; check_log_kv() adds " key=value", quoted and
 *	escaped when needed.
 *
 *	check_reply() turns the reply text in t->text into a reject, defer
 *	or defer_if_permit answer: the policy action in t->action, and the
 *	verdict, code, enhanced code and text in d.  When the policy helpers
 *	refuse the text, a fixed fallback text is used; when they refuse
 *	even that, the answer is DUNNO, noted in the log as
 *	note=reply-refused.
 *
 *	check_decide_fixed() is DUNNO that checked nothing; an exemption
 *	with header_exempt adds X-RMXF-Exempt: saying why (once per
 *	message, not for OBSERVE or observe_only), the HELO name and sender
 *	quoted.  check_decide_data() answers the DATA stage with the
 *	message's second result header (check_message_second(3)) when the
 *	first went out and the second did not, else as check_decide_fixed()
 *	with why=state.
 *	check_decide_bounce() rejects a bounce to an unsigned address of
 *	ours (550 5.7.1, saying why), or in the grace period and for HMARK
 *	recipients marks it with X-RMXF-Bounce.  check_decide_smarthost()
 *	answers the smarthost profile: a fail for any egress address is
 *	rejected (reject_code, reject_enhanced_code), a temperror deferred,
 *	anything else is DUNNO without a header.
 * SEE ALSO
 *	check(3), check_decide(3), policy(3), RFC 7372.
 */
#include <string.h>

#include "acl/acl.h"
#include "policy/policy.h"
#include "check_int.h"

#define CHECK_TEXT_FALLBACK "SPF check failed"	/* when no text fits */
#define CHECK_BOUNCE_FALLBACK "bounce to an unsigned return address"

/* check_log_kv - " key=value", sanitised, cut, quoted and escaped when
 * needed (policy_log_quoted) */
void
check_log_kv(struct buf *log, const char *key, const char *value)
{
	if (value == NULL)
		return;
	buf_putc(log, ' ');
	buf_puts(log, key);
	buf_putc(log, '=');
	(void)policy_log_quoted(log, value, CHECK_MAX_FIELD, 0);
}

/* check_log_start - the envelope's identity */
void
check_log_start(const struct check_ctx *ctx, struct buf *log)
{
	const struct check_envelope *in = ctx->in;

	buf_reset(log);
	if (policy_log_fields(log, in->queue_id, in->client_address, in->helo,
	    in->sender, in->recipient) < 0)
		buf_puts(log, "queue_id=? (request too long to log)");
}

/* check_log_end - acl entry, cache and DNS counters */
void
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

/* check_reply_action - the policy action of a reply; 0, or -1 refused */
static int
check_reply_action(struct buf *action, enum check_verdict v, int code,
    const char *enhanced, const char *text)
{
	buf_reset(action);
	switch (v) {
	case CHECK_V_REJECT:
		return policy_action_reject(action, code, enhanced, text);
	case CHECK_V_DEFER:
		return policy_action_defer(action, code, enhanced, text);
	default:
		return policy_action_defer_if_permit(action, enhanced, text);
	}
}

/* check_reply - a reject, defer or defer_if_permit of t->text */
void
check_reply(const struct check_ctx *ctx, struct check_decision *d,
    struct check_texts *t, enum check_verdict v, int code,
    const char *enhanced)
{
	if (t->text.data == NULL || t->text.len == 0) {
		buf_reset(&t->text);
		buf_puts(&t->text, CHECK_TEXT_FALLBACK);
	}
	if (check_reply_action(&t->action, v, code, enhanced,
	    t->text.data) < 0) {
		buf_reset(&t->text);
		buf_puts(&t->text, d->method == CHECK_M_BOUNCE ?
		    CHECK_BOUNCE_FALLBACK : CHECK_TEXT_FALLBACK);
		if (check_reply_action(&t->action, v, code, enhanced,
		    t->text.data) < 0) {
			buf_puts(&t->log, " note=reply-refused");
			buf_reset(&t->action);
			policy_action_dunno(&t->action);
			d->verdict = CHECK_V_DUNNO;
			return;
		}
	}
	d->verdict = v;
	d->code = v == CHECK_V_DEFER_IF_PERMIT ? 450 : code;
	d->enhanced = enhanced;
	d->text = t->text.data;
}

/* check_answer_start - a decision's common fields */
static void
check_answer_start(const struct check_ctx *ctx, struct check_decision *d,
    struct check_texts *t, enum check_method m)
{
	memset(d, 0, sizeof(*d));
	d->method = m;
	d->identity = SPF_ID_MAILFROM;
	d->cached = ctx->cached;
	d->dns_queries = ctx->dns_queries;
	buf_reset(&t->action);
	buf_reset(&t->text);
	buf_reset(&t->header);
	check_log_start(ctx, &t->log);
}

/* check_answer_end - the action and log line into the decision */
static void
check_answer_end(const struct check_ctx *ctx, struct check_decision *d,
    struct check_texts *t)
{
	if (t->action.len == 0)
		policy_action_dunno(&t->action);
	check_log_end(ctx, &t->log);
	d->action = t->action.data;
	d->log = t->log.data;
}

/* check_answer_prepend - the answer adds header name: value (in
 * t->header); 0, or -1 refused */
static int
check_answer_prepend(struct check_decision *d, struct check_texts *t,
    const char *name, unsigned bit, const char *logname)
{
	if (t->header.data == NULL || t->header.overflow ||
	    policy_action_prepend(&t->action, name, t->header.data) < 0) {
		buf_reset(&t->action);
		buf_puts(&t->log, " note=reply-refused");
		return -1;
	}
	d->verdict = CHECK_V_PREPEND;
	d->header_name = name;
	d->header_value = t->header.data;
	d->result_header = bit;
	buf_puts(&t->log, " header=");
	buf_puts(&t->log, logname);
	return 0;
}

/* check_quoted - s as a quoted-string: control octets dropped, '"' and
 * '\\' escaped, cut at CHECK_MAX_FIELD octets */
static void
check_quoted(struct buf *b, const char *s)
{
	size_t i;

	buf_putc(b, '"');
	for (i = 0; s[i] != 0 && i < CHECK_MAX_FIELD; i++) {
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			continue;
		if (s[i] == '"' || s[i] == '\\')
			buf_putc(b, '\\');
		buf_putc(b, s[i]);
	}
	buf_putc(b, '"');
}

/* check_exempt_header - X-RMXF-Exempt: why the message was not checked;
 * what the client chose (HELO name, sender) is quoted */
static void
check_exempt_header(const struct check_ctx *ctx, const char *why,
    struct check_decision *d, struct check_texts *t)
{
	const struct check_envelope *in = ctx->in;
	const char *aid;

	buf_printf(&t->header, "not checked (%s);", why);
	if (in->client_address != NULL) {
		buf_puts(&t->header, " client-ip=");
		(void)policy_text_sanitize(&t->header, in->client_address,
		    strlen(in->client_address), CHECK_MAX_FIELD, 0);
		buf_putc(&t->header, ';');
	}
	if (in->helo != NULL) {
		buf_puts(&t->header, " helo=");
		check_quoted(&t->header, in->helo);
		buf_putc(&t->header, ';');
	}
	if (in->sender != NULL) {
		buf_puts(&t->header, " envelope-from=");
		check_quoted(&t->header, in->sender);
		buf_putc(&t->header, ';');
	}
	buf_puts(&t->header, " receiver=");
	aid = ctx->authserv_id != NULL ? ctx->authserv_id : "unknown";
	(void)policy_text_sanitize(&t->header, aid, strlen(aid),
	    CHECK_MAX_FIELD, 0);
	buf_putc(&t->header, ';');
	(void)check_answer_prepend(d, t, "X-RMXF-Exempt", CHECK_HDR_EXEMPT,
	    "x-rmxf-exempt");
}

/* check_decide_fixed - DUNNO that checked nothing, and its log line; an
 * exemption with header_exempt marks the message */
void
check_decide_fixed(const struct check_ctx *ctx, enum check_method m,
    const char *why, struct check_decision *d, struct check_texts *t)
{
	check_answer_start(ctx, d, t, m);
	d->verdict = CHECK_V_DUNNO;
	d->table = CONF_ACT_ACCEPT;
	d->result = SPF_NONE;
	check_log_kv(&t->log, "method", check_method_str(m));
	check_log_kv(&t->log, "why", why);
	buf_puts(&t->log, " action=dunno");
	if (m == CHECK_M_EXEMPT && ctx->conf->header_exempt &&
	    !ctx->in->header_sent && !ctx->conf->observe_only &&
	    !(ctx->acl != NULL && (ctx->acl->flags & ACL_F_OBSERVE)))
		check_exempt_header(ctx, why, d, t);
	check_answer_end(ctx, d, t);
}

/* check_decide_data - the DATA stage: the message's second result header,
 * when its first went out and it did not; else nothing */
void
check_decide_data(const struct check_ctx *ctx,
    const struct check_message *msg, struct check_decision *d,
    struct check_texts *t)
{
	const struct check_decision *of;
	struct check_ctx mctx;
	unsigned sent = ctx->in->header_sent;

	if (msg == NULL || msg->second_name == NULL ||
	    !(sent & msg->first_bit) || (sent & msg->second_bit) ||
	    !check_message_holds(msg, ctx->in)) {
		check_decide_fixed(ctx, CHECK_M_NONE, "state", d, t);
		return;
	}
	of = &msg->second_of;
	mctx = *ctx;
	mctx.cached = CHECK_CACHED_MESSAGE;
	check_answer_start(&mctx, d, t, of->method);
	d->identity = of->identity;
	d->result = of->result;
	d->table = of->table;
	check_log_kv(&t->log, "stage", "data");
	check_log_kv(&t->log, "identity", of->identity == SPF_ID_HELO ?
	    "helo" : "mailfrom");
	check_log_kv(&t->log, "method", check_method_str(of->method));
	check_log_kv(&t->log, "result", spf_result_str(of->result));
	check_log_kv(&t->log, "action", conf_action_str(of->table));
	buf_puts(&t->header, msg->second.data);
	(void)check_answer_prepend(d, t, msg->second_name, msg->second_bit,
	    msg->second_bit == CHECK_HDR_AUTHRES ?
	    "authentication-results" : "received-spf");
	check_answer_end(&mctx, d, t);
}

/* check_decide_bounce - reject, or mark, a bounce to an unsigned address */
void
check_decide_bounce(const struct check_ctx *ctx, enum check_bounce b,
    const char *why, struct check_decision *d, struct check_texts *t)
{
	const struct conf *c = ctx->conf;
	unsigned flags = ctx->acl != NULL && ctx->acl->action == ACL_CHECK ?
	    ctx->acl->flags : 0;

	check_answer_start(ctx, d, t, CHECK_M_BOUNCE);
	d->result = SPF_FAIL;
	d->table = b == CHECK_B_GRACE || (flags & ACL_F_HMARK) ?
	    CONF_ACT_MARK : CONF_ACT_REJECT;
	d->observe = c->observe_only || (flags & ACL_F_OBSERVE);
	check_log_kv(&t->log, "method", "bounce");
	check_log_kv(&t->log, "result", "fail");
	check_log_kv(&t->log, "why", why);
	if (b == CHECK_B_GRACE)
		buf_puts(&t->log, " grace=yes");
	check_log_kv(&t->log, "action", conf_action_str(d->table));
	if (d->observe)
		buf_puts(&t->log, " observe=yes");
	else if (d->table == CONF_ACT_REJECT) {
		buf_printf(&t->text, "this bounce is for an address that sent "
		    "no mail: the return addresses of our mail are signed, "
		    "this one is not validly signed (%s)", why);
		check_reply(ctx, d, t, CHECK_V_REJECT, (int)c->reject_code,
		    "5.7.1");
	} else {
		buf_printf(&t->header, "%s; bounce to a return address "
		    "without a valid signature (%s)", b == CHECK_B_GRACE ?
		    "accepted in the signing grace period" : "HMARK", why);
		(void)check_answer_prepend(d, t, "X-RMXF-Bounce", 0,
		    "x-rmxf-bounce");
	}
	check_answer_end(ctx, d, t);
}

/* check_decide_smarthost - the smarthost profile's answer */
void
check_decide_smarthost(const struct check_ctx *ctx,
    const struct check_results *res, struct check_decision *d,
    struct check_texts *t)
{
	const struct conf *c = ctx->conf;
	const char *dom = check_sender_domain(ctx->in->sender);
	const char *ip = res->sh_ip != NULL ? res->sh_ip : "";

	check_answer_start(ctx, d, t, CHECK_M_SMARTHOST);
	d->result = res->sh_result;
	d->observe = c->observe_only || (ctx->acl != NULL &&
	    (ctx->acl->flags & ACL_F_OBSERVE));
	d->table = res->sh_result == SPF_FAIL ? CONF_ACT_REJECT :
	    res->sh_result == SPF_TEMPERROR ? CONF_ACT_DEFER : CONF_ACT_ACCEPT;
	buf_printf(&t->log, " spf_smarthost=%s egress=%s method=smarthost "
	    "result=%s action=%s%s", spf_result_str(res->sh_result), ip,
	    spf_result_str(res->sh_result), conf_action_str(d->table),
	    d->observe ? " observe=yes" : "");
	if (!d->observe && d->table == CONF_ACT_REJECT) {
		buf_printf(&t->text, "the SPF policy of %.*s does not allow "
		    "our outgoing address %s; send as another domain",
		    CHECK_MAX_FIELD, dom ? dom : "", ip);
		check_reply(ctx, d, t, CHECK_V_REJECT, (int)c->reject_code,
		    c->reject_enhanced_code);
	} else if (!d->observe && d->table == CONF_ACT_DEFER) {
		buf_printf(&t->text, "SPF temporary error for %.*s, try again "
		    "later", CHECK_MAX_FIELD, dom ? dom : "");
		check_reply(ctx, d, t, CHECK_V_DEFER, (int)c->defer_code,
		    c->defer_enhanced_code);
	}
	check_answer_end(ctx, d, t);
}
