/*
 * NAME
 *	cli_out 3
 * SUMMARY
 *	what rmxf check prints: result lines, trace, JSON, test-mode listing
 * SYNOPSIS
 *	#include "cli/cli.h"
 *
 *	int	cli_out_check_text(const struct cli_report *r, struct buf *b);
 *	int	cli_out_check_json(const struct cli_report *r, struct buf *b);
 *	int	cli_out_list_text(const char *address,
 *			const struct spf_list_line *l, size_t n,
 *			struct buf *b);
 *	int	cli_out_list_json(const char *address, const char *domain,
 *			const struct spf_list_line *l, size_t n,
 *			const struct check_list_line *legacy,
 *			size_t nlegacy, struct buf *b);
 *	int	cli_out_legacy_text(const struct check_list_line *l,
 *			size_t n, struct buf *b);
 *	int	cli_out_decision_text(const struct check_decision *d,
 *			struct buf *b);
 *	int	cli_out_decision_json(const struct check_decision *d,
 *			struct buf *b);
 * DESCRIPTION
 *	These functions only format; they read no clock, file or network.
 *	Every string that came from DNS or from the command line goes
 *	through cli_esc_text() or cli_esc_json().
 *
 *	cli_out_check_text() appends the result word in lower case, on
 *	fail followed by one space and the explanation (the expanded
 *	exp= text, or the engine's default text when the domain gave no
 *	usable one; a last fallback here if the engine gave none), then
 *	lines that start with "#": identity, <sender>, domain, matched
 *	mechanism, problem, tripped limit, where the explanation came
 *	from, the counters, the Received-SPF and Authentication-Results
 *	header lines, and with r->show_trace one line per trace event,
 *	indented by include/redirect depth.  The text without the trace is
 *	a prefix of the text with it.
 *
 *	cli_out_check_json() appends the same as one JSON object, and
 *	with r->show_trace a "trace" array of event objects.
 *
 *	cli_out_list_text() appends the test-mode listing in the format
 *	of RMXF's "mxfilter user@domain": a "RMXF test:" and a "Test
 *	spf1:" line, then per record "[answer level:N] terms" and per
 *	network "[mech+] addr/bits" ("0/0" for all), indented by two
 *	spaces per level below the first.  Terms that depend on the
 *	client ("exists:%{i}...") are listed as they are written; notes,
 *	warnings and errors as "note:", "warning:" and "error:" lines.
 *	cli_out_list_json() appends the same lines as a JSON object,
 *	with a "legacy" array of the legacy tests' lines when legacy is
 *	not NULL.
 *
 *	cli_out_legacy_text() appends the seed's sections after the SPF
 *	listing: "Test dmp:" ("[+] domain" for a default of allow, "[-]"
 *	for deny), "Test a:" ("[+] net/bits"), "Test mx:" ("[mx+] net/bits
 *	host"), with their notes and errors, one section per test that has
 *	lines.
 *
 *	cli_out_decision_text() appends what rmxfd would answer: the
 *	verdict (dunno, prepend, reject, defer, defer_if_permit) on the
 *	first line, then "# action:", "# method:", "# result:",
 *	"# identity:" and the daemon's log line as "# log:".
 *	cli_out_decision_json() appends the same as one JSON object.
 * DIAGNOSTICS
 *	All return 0, or -1 when the output buffer overflowed.
 * SEE ALSO
 *	rmxf(1), RFC 7208 sections 6.2 (exp) and 9.1 (Received-SPF),
 *	RFC 8601 (Authentication-Results), RFC 8259 (JSON).
 */
#include <string.h>
#include <strings.h>

#include "check/check.h"
#include "cli/cli.h"
#include "spf/spf.h"
#include "util/buf.h"
#include "util/ipaddr.h"

#define CLI_OUT_MAX_INDENT 16		/* deeper levels share the indent */

static void cli_out_legacy_json(struct buf *, const struct check_list_line *,
	    size_t);

/* One JSON object being written: members and their separator. */
struct cli_out_obj {
	struct buf     *b;
	const char     *sep;		/* between members */
	int		n;		/* members so far */
};

/* cli_out_identity - name of an identity, as in Received-SPF */
static const char *
cli_out_identity(enum spf_identity id)
{
	return id == SPF_ID_HELO ? "helo" : "mailfrom";
}

/* cli_out_explain - the fail explanation: exp= text or a default */
static const char *
cli_out_explain(const struct cli_report *r, struct buf *out)
{
	const struct spf_detail *d = r->detail;
	char ip[IPADDR_STRLEN];

	if (d->explanation != NULL) {
		buf_puts(out, d->explanation);
		return d->explanation_default ? "default" : "exp";
	}
	ipaddr_format(&r->params->ip, ip);
	buf_printf(out, "%s does not designate %s as a permitted sender",
	    d->domain != NULL && *d->domain ? d->domain : "the domain", ip);
	return "default";
}

/* cli_out_headers - Received-SPF and Authentication-Results values */
static int
cli_out_headers(const struct cli_report *r, struct buf *rspf, struct buf *ar)
{
	if (spf_format_received(r->detail, r->params, rspf) < 0)
		return -1;
	if (spf_format_authres(r->detail, r->authserv_id, ar) < 0)
		return -1;
	return rspf->overflow || ar->overflow ? -1 : 0;
}

/* cli_out_kv - "# key: value", value escaped; NULL values are left out */
static void
cli_out_kv(struct buf *b, const char *key, const char *val)
{
	if (val == NULL)
		return;
	buf_printf(b, "# %s: ", key);
	if (*val == 0)
		buf_puts(b, "\"\"");		/* empty, not missing */
	else
		cli_esc_textz(b, val);
	buf_putc(b, '\n');
}

/* cli_out_indent - two spaces per level */
static void
cli_out_indent(struct buf *b, unsigned depth)
{
	unsigned i;

	if (depth > CLI_OUT_MAX_INDENT)
		depth = CLI_OUT_MAX_INDENT;
	for (i = 0; i < depth; i++)
		buf_puts(b, "  ");
}

/* cli_out_match - a term's outcome in words */
static const char *
cli_out_match(int match)
{
	if (match > 0)
		return "match";
	return match == 0 ? "no match" : "error";
}

/* cli_out_trace_ev - one trace event as text, without the line end */
static void
cli_out_trace_ev(const struct spf_trace_ev *ev, struct buf *b)
{
	switch (ev->kind) {
	case SPF_TR_QUERY:
		buf_printf(b, "query %s ", spf_rrtype_str(ev->rrtype));
		cli_esc_textz(b, ev->text);
		break;
	case SPF_TR_ANSWER:
		buf_printf(b, "answer %s ", spf_rrtype_str(ev->rrtype));
		cli_esc_textz(b, ev->text);
		buf_printf(b, ": %s", spf_dns_status_str(ev->status));
		if (ev->status == SPF_DNS_OK)
			buf_printf(b, ", %u record%s", ev->count,
			    ev->count == 1 ? "" : "s");
		break;
	case SPF_TR_RECORD:
		buf_puts(b, "record ");
		cli_esc_textz(b, ev->domain);
		buf_puts(b, ": ");
		cli_esc_textz(b, ev->text);
		break;
	case SPF_TR_TERM:
		buf_puts(b, "term ");
		cli_esc_textz(b, ev->domain);
		buf_puts(b, ": ");
		cli_esc_textz(b, ev->text);
		buf_printf(b, " -> %s", cli_out_match(ev->match));
		break;
	case SPF_TR_COUNT:
		buf_puts(b, "count ");
		cli_esc_textz(b, ev->limit);
		buf_printf(b, " %u/%u", ev->used, ev->max);
		break;
	case SPF_TR_LIMIT:
		buf_puts(b, "limit ");
		cli_esc_textz(b, ev->limit);
		buf_printf(b, " exceeded: %u/%u", ev->used, ev->max);
		break;
	case SPF_TR_NOTE:
		buf_puts(b, "note: ");
		cli_esc_textz(b, ev->text);
		break;
	case SPF_TR_EXPLAIN:
		buf_puts(b, "explanation: ");
		cli_esc_textz(b, ev->text);
		break;
	case SPF_TR_RESULT:
		buf_puts(b, "result ");
		cli_esc_textz(b, ev->domain);
		buf_puts(b, ": ");
		cli_esc_textz(b, ev->text);
		break;
	default:
		buf_printf(b, "event %d", (int)ev->kind);
		break;
	}
}

/* cli_out_check_text - the result line, then the # lines */
int
cli_out_check_text(const struct cli_report *r, struct buf *b)
{
	const struct spf_detail *d = r->detail;
	const struct spf_params *p = r->params;
	struct buf tmp, rspf, ar;
	const char *source = NULL;
	size_t i;
	int ret = -1;

	buf_init(&tmp, CLI_MAX_LINE);
	buf_init(&rspf, CLI_MAX_HEADER);
	buf_init(&ar, CLI_MAX_HEADER);
	if (cli_out_headers(r, &rspf, &ar) < 0)
		goto out;

	buf_puts(b, spf_result_str(d->result));
	if (d->result == SPF_FAIL) {
		source = cli_out_explain(r, &tmp);
		buf_putc(b, ' ');
		cli_esc_text(b, tmp.data, tmp.len);
	}
	buf_putc(b, '\n');

	cli_out_kv(b, "identity", cli_out_identity(d->identity));
	cli_out_kv(b, "sender", d->sender);
	cli_out_kv(b, "domain", d->domain);
	if (d->mechanism != NULL) {
		buf_puts(b, "# mechanism: ");
		cli_esc_textz(b, d->mechanism);
		if (d->record_domain != NULL) {
			buf_puts(b, " (record of ");
			cli_esc_textz(b, d->record_domain);
			buf_putc(b, ')');
		}
		buf_putc(b, '\n');
	}
	cli_out_kv(b, "problem", d->problem);
	cli_out_kv(b, "limit", d->limit);
	if (source != NULL)
		cli_out_kv(b, "explanation", strcmp(source, "exp") == 0 ?
		    "exp= text of the domain (the sender's words)" :
		    "rmxf default (no usable exp= from the domain)");
	buf_printf(b, "# counters: dns_terms %u/%u, void_lookups %u/%u, "
	    "dns_queries %u\n", d->dns_terms, p->limits.dns_terms,
	    d->void_lookups, p->limits.void_lookups, d->dns_queries);
	buf_puts(b, "# Received-SPF: ");
	cli_esc_text(b, rspf.data, rspf.len);
	buf_puts(b, "\n# Authentication-Results: ");
	cli_esc_text(b, ar.data, ar.len);
	buf_putc(b, '\n');

	if (r->show_trace) {
		buf_puts(b, "# trace:\n");
		for (i = 0; i < r->ntrace; i++) {
			buf_puts(b, "#   ");
			cli_out_indent(b, r->trace[i].depth);
			cli_out_trace_ev(&r->trace[i], b);
			buf_putc(b, '\n');
		}
	}
	ret = b->overflow || tmp.overflow ? -1 : 0;
out:
	buf_free(&tmp);
	buf_free(&rspf);
	buf_free(&ar);
	return ret;
}

/* cli_out_key - start a member of a JSON object */
static void
cli_out_key(struct cli_out_obj *o, const char *key)
{
	if (o->n++ > 0)
		buf_puts(o->b, o->sep);
	cli_esc_jsonz(o->b, key);
	buf_puts(o->b, ": ");
}

/* cli_out_str - a string member (NULL: null) */
static void
cli_out_str(struct cli_out_obj *o, const char *key, const char *val)
{
	cli_out_key(o, key);
	cli_esc_jsonz(o->b, val);
}

/* cli_out_strn - a string member with a length */
static void
cli_out_strn(struct cli_out_obj *o, const char *key, const char *val,
    size_t len)
{
	cli_out_key(o, key);
	cli_esc_json(o->b, val, len);
}

/* cli_out_num - a number member */
static void
cli_out_num(struct cli_out_obj *o, const char *key, unsigned val)
{
	cli_out_key(o, key);
	buf_printf(o->b, "%u", val);
}

/* cli_out_bool - a true/false member */
static void
cli_out_bool(struct cli_out_obj *o, const char *key, int val)
{
	cli_out_key(o, key);
	buf_puts(o->b, val ? "true" : "false");
}

/* cli_out_trace_kind - name of a trace event in JSON */
static const char *
cli_out_trace_kind(enum spf_trace_kind kind)
{
	switch (kind) {
	case SPF_TR_QUERY:
		return "query";
	case SPF_TR_ANSWER:
		return "answer";
	case SPF_TR_RECORD:
		return "record";
	case SPF_TR_TERM:
		return "term";
	case SPF_TR_COUNT:
		return "count";
	case SPF_TR_LIMIT:
		return "limit";
	case SPF_TR_NOTE:
		return "note";
	case SPF_TR_EXPLAIN:
		return "explanation";
	case SPF_TR_RESULT:
		return "result";
	}
	return "unknown";
}

/* cli_out_trace_json - one trace event as a one-line JSON object */
static void
cli_out_trace_json(const struct spf_trace_ev *ev, struct buf *b)
{
	struct cli_out_obj o = {b, ", ", 0};

	buf_putc(b, '{');
	cli_out_str(&o, "event", cli_out_trace_kind(ev->kind));
	cli_out_num(&o, "depth", ev->depth);
	switch (ev->kind) {
	case SPF_TR_QUERY:
		cli_out_str(&o, "type", spf_rrtype_str(ev->rrtype));
		cli_out_str(&o, "name", ev->text);
		break;
	case SPF_TR_ANSWER:
		cli_out_str(&o, "type", spf_rrtype_str(ev->rrtype));
		cli_out_str(&o, "name", ev->text);
		cli_out_str(&o, "status", spf_dns_status_str(ev->status));
		cli_out_num(&o, "count", ev->count);
		break;
	case SPF_TR_RECORD:
		cli_out_str(&o, "domain", ev->domain);
		cli_out_str(&o, "record", ev->text);
		break;
	case SPF_TR_TERM:
		cli_out_str(&o, "domain", ev->domain);
		cli_out_str(&o, "term", ev->text);
		cli_out_str(&o, "outcome", ev->match > 0 ? "match" :
		    ev->match == 0 ? "nomatch" : "error");
		break;
	case SPF_TR_COUNT:
	case SPF_TR_LIMIT:
		cli_out_str(&o, "limit", ev->limit);
		cli_out_num(&o, "used", ev->used);
		cli_out_num(&o, "max", ev->max);
		break;
	case SPF_TR_NOTE:
	case SPF_TR_EXPLAIN:
		cli_out_str(&o, "text", ev->text);
		break;
	case SPF_TR_RESULT:
		cli_out_str(&o, "domain", ev->domain);
		cli_out_str(&o, "result", ev->text);
		break;
	}
	buf_putc(b, '}');
}

/* cli_out_check_json - the whole answer as one JSON object */
int
cli_out_check_json(const struct cli_report *r, struct buf *b)
{
	const struct spf_detail *d = r->detail;
	const struct spf_params *p = r->params;
	struct cli_out_obj top = {b, ",\n  ", 0};
	struct cli_out_obj sub;
	struct buf tmp, rspf, ar;
	const char *source = NULL;
	char ip[IPADDR_STRLEN];
	size_t i;
	int ret = -1;

	buf_init(&tmp, CLI_MAX_LINE);
	buf_init(&rspf, CLI_MAX_HEADER);
	buf_init(&ar, CLI_MAX_HEADER);
	if (cli_out_headers(r, &rspf, &ar) < 0)
		goto out;
	if (d->result == SPF_FAIL)
		source = cli_out_explain(r, &tmp);
	ipaddr_format(&p->ip, ip);

	buf_puts(b, "{\n  ");
	cli_out_str(&top, "result", spf_result_str(d->result));
	if (source != NULL)
		cli_out_strn(&top, "explanation", tmp.data, tmp.len);
	else
		cli_out_str(&top, "explanation", NULL);
	cli_out_str(&top, "explanation_source", source);
	cli_out_str(&top, "identity", cli_out_identity(d->identity));
	cli_out_str(&top, "client_ip", ip);
	cli_out_str(&top, "envelope_from", p->sender);
	cli_out_str(&top, "helo", p->helo);
	cli_out_str(&top, "receiver", p->receiver);
	cli_out_str(&top, "sender", d->sender);
	cli_out_str(&top, "domain", d->domain);
	cli_out_str(&top, "mechanism", d->mechanism);
	cli_out_str(&top, "record_domain", d->record_domain);
	cli_out_str(&top, "problem", d->problem);
	cli_out_str(&top, "limit", d->limit);

	cli_out_key(&top, "counters");
	sub = (struct cli_out_obj){b, ", ", 0};
	buf_putc(b, '{');
	cli_out_num(&sub, "dns_terms", d->dns_terms);
	cli_out_num(&sub, "dns_terms_max", p->limits.dns_terms);
	cli_out_num(&sub, "void_lookups", d->void_lookups);
	cli_out_num(&sub, "void_lookups_max", p->limits.void_lookups);
	cli_out_num(&sub, "dns_queries", d->dns_queries);
	buf_putc(b, '}');

	cli_out_key(&top, "headers");
	sub = (struct cli_out_obj){b, ",\n    ", 0};
	buf_puts(b, "{\n    ");
	cli_out_strn(&sub, "Received-SPF", rspf.data, rspf.len);
	cli_out_strn(&sub, "Authentication-Results", ar.data, ar.len);
	buf_puts(b, "\n  }");

	if (r->show_trace) {
		cli_out_key(&top, "trace");
		buf_putc(b, '[');
		for (i = 0; i < r->ntrace; i++) {
			buf_puts(b, i ? ",\n    " : "\n    ");
			cli_out_trace_json(&r->trace[i], b);
		}
		buf_puts(b, r->ntrace ? "\n  ]" : "]");
	}
	buf_puts(b, "\n}\n");
	ret = b->overflow || tmp.overflow ? -1 : 0;
out:
	buf_free(&tmp);
	buf_free(&rspf);
	buf_free(&ar);
	return ret;
}

/* cli_out_record_terms - a record without its "v=spf1" and the spaces after */
static const char *
cli_out_record_terms(const char *text)
{
	if (text == NULL)
		return "";
	if (strncasecmp(text, "v=spf1", 6) == 0 &&
	    (text[6] == ' ' || text[6] == 0)) {
		text += 6;
		while (*text == ' ')
			text++;
	}
	return text;
}

/* cli_out_list_term - a client-dependent term without qualifier or "mech:" */
static void
cli_out_list_term(const struct spf_list_line *l, struct buf *b)
{
	const char *t = l->text != NULL ? l->text : "";
	size_t ml = l->mech != NULL ? strlen(l->mech) : 0;

	if (*t != 0 && strchr("+-~?", *t) != NULL)
		t++;
	if (ml > 0 && strncasecmp(t, l->mech, ml) == 0) {
		if (t[ml] == ':')
			t += ml + 1;
		else if ((t[ml] == '/' || t[ml] == 0) && l->domain != NULL) {
			cli_esc_textz(b, l->domain);	/* ptr is ptr:<d> */
			t += ml;
		}
	}
	cli_esc_textz(b, t);
}

/* cli_out_list_net - "addr/bits", or "0/0" for all */
static void
cli_out_list_net(const struct spf_list_line *l, struct buf *b)
{
	char ip[IPADDR_STRLEN];

	if ((l->mech != NULL && strcmp(l->mech, "all") == 0) ||
	    (l->net.family != 4 && l->net.family != 6)) {
		buf_puts(b, "0/0");
		return;
	}
	ipaddr_format(&l->net, ip);
	buf_printf(b, "%s/%u", ip, l->bits);
}

/* cli_out_list_text - the seed's test-mode listing */
int
cli_out_list_text(const char *address, const struct spf_list_line *l,
    size_t n, struct buf *b)
{
	const char *terms;
	size_t i;

	buf_puts(b, "RMXF test: ");
	cli_esc_textz(b, address);
	buf_puts(b, "\nTest spf1:\n");
	for (i = 0; i < n; i++, l++) {
		cli_out_indent(b, l->depth > 1 ? l->depth - 1 : 0);
		switch (l->kind) {
		case SPF_LIST_RECORD:
			buf_printf(b, "[answer level:%u]", l->depth);
			terms = cli_out_record_terms(l->text);
			if (*terms != 0) {
				buf_putc(b, ' ');
				cli_esc_textz(b, terms);
			}
			break;
		case SPF_LIST_NET:
			buf_printf(b, "[%s%c] ", l->mech ? l->mech : "?",
			    l->qual ? l->qual : '+');
			cli_out_list_net(l, b);
			break;
		case SPF_LIST_CLIENT:
			buf_printf(b, "[%s%c] ", l->mech ? l->mech : "?",
			    l->qual ? l->qual : '+');
			cli_out_list_term(l, b);
			buf_puts(b, " (depends on the client)");
			break;
		case SPF_LIST_NOTE:
			buf_puts(b, "note: ");
			cli_esc_textz(b, l->text);
			break;
		case SPF_LIST_WARN:
			buf_puts(b, "warning: ");
			cli_esc_textz(b, l->text);
			break;
		case SPF_LIST_ERROR:
			buf_puts(b, "error: ");
			cli_esc_textz(b, l->text);
			break;
		}
		buf_putc(b, '\n');
	}
	return b->overflow ? -1 : 0;
}

/* cli_out_list_kind - name of a listing line in JSON */
static const char *
cli_out_list_kind(enum spf_list_kind kind)
{
	switch (kind) {
	case SPF_LIST_RECORD:
		return "record";
	case SPF_LIST_NET:
		return "net";
	case SPF_LIST_CLIENT:
		return "client";
	case SPF_LIST_NOTE:
		return "note";
	case SPF_LIST_WARN:
		return "warning";
	case SPF_LIST_ERROR:
		return "error";
	}
	return "unknown";
}

/* cli_out_list_json - the test-mode listing as one JSON object */
int
cli_out_list_json(const char *address, const char *domain,
    const struct spf_list_line *l, size_t n,
    const struct check_list_line *legacy, size_t nlegacy, struct buf *b)
{
	struct cli_out_obj top = {b, ",\n  ", 0};
	struct cli_out_obj o;
	char ip[IPADDR_STRLEN], qual[2];
	size_t i;

	buf_puts(b, "{\n  ");
	cli_out_str(&top, "test", address);
	cli_out_str(&top, "domain", domain);
	cli_out_key(&top, "policy");
	buf_putc(b, '[');
	for (i = 0; i < n; i++, l++) {
		buf_puts(b, i ? ",\n    {" : "\n    {");
		o = (struct cli_out_obj){b, ", ", 0};
		cli_out_str(&o, "kind", cli_out_list_kind(l->kind));
		cli_out_num(&o, "depth", l->depth);
		cli_out_str(&o, "domain", l->domain);
		switch (l->kind) {
		case SPF_LIST_NET:
		case SPF_LIST_CLIENT:
			qual[0] = l->qual ? l->qual : '+';
			qual[1] = 0;
			cli_out_str(&o, "qual", qual);
			cli_out_str(&o, "mech", l->mech);
			if (l->kind == SPF_LIST_CLIENT) {
				cli_out_str(&o, "term", l->text);
				break;
			}
			if (l->net.family == 4 || l->net.family == 6) {
				ipaddr_format(&l->net, ip);
				cli_out_str(&o, "net", ip);
			} else
				cli_out_str(&o, "net", NULL);
			cli_out_num(&o, "bits", l->bits);
			cli_out_bool(&o, "all", l->all);
			break;
		default:
			cli_out_str(&o, "text", l->text);
			break;
		}
		buf_putc(b, '}');
	}
	buf_puts(b, n ? "\n  ]" : "]");
	if (legacy != NULL)
		cli_out_legacy_json(b, legacy, nlegacy);
	buf_puts(b, "\n}\n");
	return b->overflow ? -1 : 0;
}

/* cli_out_legacy_test - the name of a legacy test */
static const char *
cli_out_legacy_test(enum check_method m)
{
	return m == CHECK_M_DMP ? "dmp" : m == CHECK_M_A ? "a" : "mx";
}

/* cli_out_legacy_json - the "legacy" member of the listing */
static void
cli_out_legacy_json(struct buf *b, const struct check_list_line *l,
    size_t n)
{
	struct cli_out_obj o;
	char ip[IPADDR_STRLEN], qual[2] = {0, 0};
	size_t i;

	buf_puts(b, ",\n  \"legacy\": [");
	for (i = 0; i < n; i++, l++) {
		buf_puts(b, i ? ",\n    {" : "\n    {");
		o = (struct cli_out_obj){b, ", ", 0};
		cli_out_str(&o, "test", cli_out_legacy_test(l->test));
		cli_out_str(&o, "kind", l->kind == CHECK_LIST_NET ? "net" :
		    l->kind == CHECK_LIST_DMP ? "dmp" : l->kind ==
		    CHECK_LIST_NOTE ? "note" : "error");
		if (l->kind == CHECK_LIST_NET) {
			ipaddr_format(&l->net, ip);
			cli_out_str(&o, "net", ip);
			cli_out_num(&o, "bits", l->bits);
		} else if (l->kind == CHECK_LIST_DMP) {
			qual[0] = l->qual;
			cli_out_str(&o, "qual", qual);
		}
		cli_out_str(&o, "text", l->text);
		buf_putc(b, '}');
	}
	buf_puts(b, n ? "\n  ]" : "]");
}

/* cli_out_legacy_text - the seed's Test dmp/a/mx sections */
int
cli_out_legacy_text(const struct check_list_line *l, size_t n,
    struct buf *b)
{
	char ip[IPADDR_STRLEN];
	enum check_method cur = CHECK_M_NONE;
	size_t i;

	for (i = 0; i < n; i++, l++) {
		if (l->test != cur) {
			cur = l->test;
			buf_printf(b, "Test %s:\n", cli_out_legacy_test(cur));
		}
		switch (l->kind) {
		case CHECK_LIST_NET:
			ipaddr_format(&l->net, ip);
			buf_printf(b, "[%s+] %s/%u", l->test == CHECK_M_MX ?
			    "mx" : "", ip, l->bits);
			if (l->test == CHECK_M_MX && l->text != NULL) {
				buf_putc(b, ' ');
				cli_esc_textz(b, l->text);
			}
			break;
		case CHECK_LIST_DMP:
			buf_printf(b, "[%c] ", l->qual);
			cli_esc_textz(b, l->text);
			break;
		case CHECK_LIST_NOTE:
			buf_puts(b, "note: ");
			cli_esc_textz(b, l->text);
			break;
		case CHECK_LIST_ERROR:
			buf_puts(b, "error: ");
			cli_esc_textz(b, l->text);
			break;
		}
		buf_putc(b, '\n');
	}
	return b->overflow ? -1 : 0;
}

static const char *const cli_out_verdicts[] = {
	[CHECK_V_DUNNO] = "dunno",
	[CHECK_V_PREPEND] = "prepend",
	[CHECK_V_REJECT] = "reject",
	[CHECK_V_DEFER] = "defer",
	[CHECK_V_DEFER_IF_PERMIT] = "defer_if_permit",
};

/* cli_out_decision_text - what rmxfd would answer, as text */
int
cli_out_decision_text(const struct check_decision *d, struct buf *b)
{
	buf_puts(b, cli_out_verdicts[d->verdict]);
	buf_puts(b, "\n# action: ");
	cli_esc_textz(b, d->action);
	buf_puts(b, "\n# method: ");
	buf_puts(b, check_method_str(d->method));
	buf_puts(b, "\n# result: ");
	buf_puts(b, spf_result_str(d->result));
	buf_puts(b, "\n# identity: ");
	buf_puts(b, d->identity == SPF_ID_HELO ? "helo" : "mailfrom");
	buf_puts(b, "\n# log: ");
	cli_esc_textz(b, d->log);
	buf_putc(b, '\n');
	return b->overflow ? -1 : 0;
}

/* cli_out_decision_json - what rmxfd would answer, as JSON */
int
cli_out_decision_json(const struct check_decision *d, struct buf *b)
{
	struct cli_out_obj top = {b, ",\n  ", 0};

	buf_puts(b, "{\n  ");
	cli_out_str(&top, "verdict", cli_out_verdicts[d->verdict]);
	cli_out_str(&top, "action", d->action);
	cli_out_str(&top, "method", check_method_str(d->method));
	cli_out_str(&top, "result", spf_result_str(d->result));
	cli_out_str(&top, "identity", d->identity == SPF_ID_HELO ? "helo" :
	    "mailfrom");
	cli_out_str(&top, "log", d->log);
	buf_puts(b, "\n}\n");
	return b->overflow ? -1 : 0;
}
