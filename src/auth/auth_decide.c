/*
 * NAME
 *	auth_decide 3
 * SUMMARY
 *	the DKIM and DMARC results of a message as a header, an action and
 *	a log line
 * SYNOPSIS
 *	#include "auth/auth.h"
 *
 *	const struct auth_decision *auth_decide(struct auth *a,
 *			const struct auth_in *in);
 * DESCRIPTION
 *	See auth(3).  Values from the message and from DNS go into the
 *	header as dot-atoms or quoted-strings of printable ASCII
 *	(spf_format_value()), into the log as policy_log_quoted() writes
 *	them, and into a reply text sanitised.
 * SEE ALSO
 *	auth(3), RFC 8601 sections 2.7.1 and 2.7.2, RFC 9989.
 */
#include <string.h>

#include "auth/auth_int.h"
#include "policy/policy.h"
#include "util/buf.h"
#include "util/msg.h"
#include "util/xmalloc.h"

#define AUTH_REPLY_DOMAIN	128	/* the From domain in a reply text */

/* auth_put_prop - " key=value" for the header */
static void
auth_put_prop(struct buf *out, const char *key, const char *val)
{
	if (val == NULL || *val == 0)
		return;
	buf_putc(out, ' ');
	buf_puts(out, key);
	buf_putc(out, '=');
	(void)spf_format_value(val, out);
}

/* auth_put_reason - " reason="..."" (RFC 8601 2.2) */
static void
auth_put_reason(struct buf *out, const char *why)
{
	if (why == NULL || *why == 0)
		return;
	buf_puts(out, " reason=");
	(void)spf_format_value(why, out);
}

/* auth_header_dkim - "; dkim=R ...; dkim=R ..." or "; dkim=none", each
 * clause only while room stays for the rest (reserve octets) */
static void
auth_header_dkim(struct buf *out, const struct dkim_sig_result *r,
    size_t n, size_t reserve)
{
	struct buf c;
	size_t i;

	if (n == 0) {
		buf_puts(out, "; dkim=none");
		return;
	}
	buf_init(&c, out->max);
	for (i = 0; i < n; i++) {
		buf_reset(&c);
		buf_puts(&c, "; dkim=");
		buf_puts(&c, dkim_result_str(r[i].result));
		if (r[i].result != DKIM_PASS)
			auth_put_reason(&c, r[i].reason);
		auth_put_prop(&c, "header.d", r[i].d);
		auth_put_prop(&c, "header.s", r[i].s);
		auth_put_prop(&c, "header.a", r[i].a);
		auth_put_prop(&c, "header.b", r[i].b);
		if (c.overflow || out->len + c.len + reserve > out->max)
			break;		/* the rest left out, dmarc= kept */
		buf_append(out, c.data, c.len);
	}
	buf_free(&c);
}

/* auth_header_dmarc - "dmarc=R (p=P dis=D) header.from=F" */
static void
auth_header_dmarc(struct buf *out, const struct dmarc_outcome *o,
    const char *dis)
{
	buf_puts(out, "dmarc=");
	buf_puts(out, dmarc_result_str(o->result));
	if (o->result != DMARC_PASS && o->result != DMARC_FAIL)
		auth_put_reason(out, o->reason);
	buf_puts(out, " (p=");
	buf_puts(out, dmarc_policy_str(o->policy));
	buf_puts(out, " dis=");
	buf_puts(out, dis);
	buf_putc(out, ')');
	auth_put_prop(out, "header.from", o->from);
}

/* auth_table - the configuration's action for the outcome */
static enum conf_dmarc_action
auth_table(const struct conf *conf, const struct dmarc_outcome *o,
    enum dmarc_policy policy, const char **param)
{
	*param = NULL;
	if (o->result == DMARC_TEMPERROR) {
		*param = "action_dmarc_temperror";
		return conf->action_dmarc_temperror;
	}
	if (o->result != DMARC_FAIL || policy == DMARC_P_NONE)
		return CONF_DA_MARK;
	if (policy == DMARC_P_REJECT) {
		*param = "action_dmarc_reject";
		return conf->action_dmarc_reject;
	}
	*param = "action_dmarc_quarantine";
	return conf->action_dmarc_quarantine;
}

/* auth_act - the action done, after observe and NODMARC */
static void
auth_act(struct auth *a, const struct auth_in *in,
    const struct dmarc_outcome *o)
{
	struct auth_decision *d = &a->dec;
	const char *param;

	/* for a fail, the policy one step milder under t=y (RFC 9989) */
	d->policy = o->result == DMARC_FAIL ? o->applied : o->policy;
	d->table = auth_table(a->conf, o, d->policy, &param);
	d->action = d->table;
	if (d->action == CONF_DA_OBSERVE) {
		d->observed = param;
		d->action = CONF_DA_MARK;
	} else if (d->action != CONF_DA_MARK && (in->observe ||
	    in->nodmarc)) {
		d->observed = in->observe ? param : NULL;
		d->action = CONF_DA_MARK;
	} else if (d->action == CONF_DA_QUARANTINE && in->no_quarantine) {
		d->unavailable = "quarantine";
		d->action = CONF_DA_MARK;
	}
	d->disposition = d->action == CONF_DA_REJECT ? "reject" :
	    d->action == CONF_DA_QUARANTINE ? "quarantine" : "none";
}

/* auth_reply - the text of a reject or defer */
static void
auth_reply(struct auth *a, const struct dmarc_outcome *o)
{
	struct auth_decision *d = &a->dec;

	buf_reset(&a->text);
	if (d->action == CONF_DA_REJECT) {
		d->code = AUTH_REJECT_CODE;
		d->enhanced = AUTH_REJECT_DSN;
		buf_puts(&a->text, "rejected by the DMARC policy of ");
	} else if (d->action == CONF_DA_DEFER) {
		d->code = (int)a->conf->defer_code;
		d->enhanced = a->conf->defer_enhanced_code;
		buf_puts(&a->text, "DMARC policy not available for ");
	} else
		return;
	(void)policy_text_sanitize(&a->text, o->from, strlen(o->from),
	    AUTH_REPLY_DOMAIN, 0);
	d->text = a->text.data;
}

/* auth_log - the log fields */
static void
auth_log(struct auth *a, const struct auth_decision *d)
{
	struct buf v;
	size_t i;

	buf_init(&v, AUTH_LOG_VALUE);
	if (d->dkim_checked) {
		for (i = 0; i < d->ndkim; i++)
			buf_printf(&v, "%s%s:%s:%s", i ? "," : "",
			    dkim_result_str(d->dkim[i].result), d->dkim[i].d,
			    d->dkim[i].s);
		if (d->ndkim == 0)
			buf_puts(&v, "none");
		buf_puts(&a->log, " dkim=");
		(void)policy_log_quoted(&a->log, v.data, AUTH_LOG_VALUE, 0);
	}
	if (d->dmarc != NULL) {
		buf_puts(&a->log, " dmarc=");
		buf_puts(&a->log, dmarc_result_str(d->dmarc->result));
		buf_puts(&a->log, " from=");
		(void)policy_log_quoted(&a->log, d->dmarc->from, AUTH_LOG_VALUE,
		    0);
		buf_puts(&a->log, " policy=");
		buf_puts(&a->log, dmarc_policy_str(d->policy));
		buf_puts(&a->log, " dmarc_action=");
		buf_puts(&a->log, conf_dmarc_action_str(d->action));
		if (d->observed) {
			buf_puts(&a->log, " observed=");
			buf_puts(&a->log, d->observed);
		}
		if (d->unavailable) {
			buf_puts(&a->log, " unavailable=");
			buf_puts(&a->log, d->unavailable);
		}
	}
	buf_free(&v);
}

/* auth_dmarc - DMARC over SPF and the passing signatures */
static const struct dmarc_outcome *
auth_dmarc(struct auth *a, const struct auth_in *in)
{
	struct dmarc_auth da;
	size_t i;

	memset(&da, 0, sizeof(da));
	da.spf = in->spf_checked ? in->spf : SPF_NONE;
	da.spf_domain = in->spf_checked ? in->spf_domain : NULL;
	if (a->dec.ndkim > 0) {
		a->dd = xrealloc(a->dd, a->dec.ndkim * sizeof(*a->dd));
		for (i = 0; i < a->dec.ndkim; i++) {
			a->dd[i].pass = a->dec.dkim[i].result == DKIM_PASS;
			a->dd[i].d = a->dec.dkim[i].d;
		}
	}
	da.dkim = a->dd;
	da.ndkim = a->dec.ndkim;
	return dmarc_evaluate(a->dmarc, &da);
}

/* auth_decide - the header, the action, the log */
const struct auth_decision *
auth_decide(struct auth *a, const struct auth_in *in)
{
	struct auth_decision *d = &a->dec;

	if (!auth_done(a))
		msg_panic("auth_decide: evaluation not done");
	memset(d, 0, sizeof(*d));
	d->action = d->table = CONF_DA_MARK;
	d->disposition = "none";
	d->dns_queries = a->asked;
	if (a->dkim) {
		d->dkim_checked = 1;
		d->ndkim = dkim_results(a->dkim, &d->dkim);
	}
	if (a->dmarc) {
		d->dmarc = auth_dmarc(a, in);
		auth_act(a, in, d->dmarc);
		auth_reply(a, d->dmarc);
	}
	buf_reset(&a->header);
	(void)spf_format_value(in->authserv_id ? in->authserv_id : "unknown",
	    &a->header);
	if (in->spf_method) {
		buf_puts(&a->header, "; ");
		buf_puts(&a->header, in->spf_method);
	}
	buf_reset(&a->text2);
	if (d->dmarc) {
		buf_puts(&a->text2, "; ");
		auth_header_dmarc(&a->text2, d->dmarc, d->disposition);
	}
	if (d->dkim_checked)
		auth_header_dkim(&a->header, d->dkim, d->ndkim, a->text2.len +
		    1);
	buf_append(&a->header, a->text2.data, a->text2.len);
	d->header_value = a->header.data;
	buf_reset(&a->log);
	auth_log(a, d);
	d->log = a->log.data ? a->log.data : "";
	return d;
}
