/*
 * NAME
 *	spf_result 3
 * SUMMARY
 *	SPF result names and header texts
 * SYNOPSIS
 *	#include "spf.h"
 *
 *	const char *spf_result_str(enum spf_result r);
 *	int	spf_result_parse(const char *s, enum spf_result *r);
 *	const char *spf_rrtype_str(enum spf_rrtype t);
 *	const char *spf_dns_status_str(enum spf_dns_status s);
 *	int	spf_format_received(const struct spf_detail *d,
 *			const struct spf_params *p, struct buf *out);
 *	int	spf_format_authres(const struct spf_detail *d,
 *			const char *authserv_id, struct buf *out);
 *	int	spf_format_authres_method(const struct spf_detail *d,
 *			struct buf *out);
 *	int	spf_format_value(const char *val, struct buf *out);
 * DESCRIPTION
 *	spf_format_received() appends the value of a Received-SPF: header
 *	(RFC 7208 9.1): the result, a comment, then key=value pairs
 *	(receiver, client-ip, envelope-from, helo, identity, mechanism,
 *	problem).  Values that are not dot-atoms are quoted; bytes outside
 *	printable ASCII are replaced, so the header is always one line.
 *	The whole value is kept under SPF_HEADER_MAX octets: the comment and
 *	the problem are cut first.
 *
 *	spf_format_authres_method() appends the RFC 8601 method part,
 *	"spf=RESULT smtp.mailfrom=DOMAIN" or "spf=RESULT smtp.helo=NAME":
 *	the identity is labelled and the local part is never reported.
 *	spf_format_authres() prefixes the authserv-id.
 *
 *	spf_format_value() appends one value the way these do: as it is
 *	when it is a dot-atom, else as a quoted-string.
 * DIAGNOSTICS
 *	Formatters return the buf status (-1 when out is full).
 * SEE ALSO
 *	RFC 7208 section 9.1, RFC 8601 section 2.7.2.
 */
#include <string.h>
#include <strings.h>

#include "util/buf.h"
#include "spf.h"

#define SPF_HEADER_MAX	900	/* header value; lines stay under 998 */
#define SPF_VALUE_MAX	255	/* spf_format_value(): a domain name fits */
#define SPF_FIELD_MAX	120	/* output octets of one value: the sender
				 * and HELO appear twice, and with the
				 * fixed text all stays under SPF_HEADER_MAX */

#define SPF_PUT_PLAIN	0
#define SPF_PUT_QUOTED	1
#define SPF_PUT_COMMENT	2

static const char *const spf_result_names[] = {
	[SPF_NONE] = "none",
	[SPF_NEUTRAL] = "neutral",
	[SPF_PASS] = "pass",
	[SPF_FAIL] = "fail",
	[SPF_SOFTFAIL] = "softfail",
	[SPF_TEMPERROR] = "temperror",
	[SPF_PERMERROR] = "permerror",
};

/* spf_result_str - lower-case result word */
const char *
spf_result_str(enum spf_result r)
{
	if ((unsigned)r < sizeof(spf_result_names) / sizeof(*spf_result_names))
		return spf_result_names[r];
	return "permerror";
}

/* spf_result_parse - result word (any case) to value */
int
spf_result_parse(const char *s, enum spf_result *r)
{
	size_t i;

	for (i = 0; i < sizeof(spf_result_names) / sizeof(*spf_result_names);
	    i++)
		if (strcasecmp(s, spf_result_names[i]) == 0) {
			*r = (enum spf_result)i;
			return 0;
		}
	return -1;
}

/* spf_rrtype_str - record type mnemonic */
const char *
spf_rrtype_str(enum spf_rrtype t)
{
	switch (t) {
	case SPF_RR_A:
		return "A";
	case SPF_RR_AAAA:
		return "AAAA";
	case SPF_RR_MX:
		return "MX";
	case SPF_RR_TXT:
		return "TXT";
	case SPF_RR_PTR:
		return "PTR";
	}
	return "?";
}

/* spf_dns_status_str - answer status */
const char *
spf_dns_status_str(enum spf_dns_status s)
{
	switch (s) {
	case SPF_DNS_OK:
		return "NOERROR";
	case SPF_DNS_NXDOMAIN:
		return "NXDOMAIN";
	case SPF_DNS_SERVFAIL:
		return "SERVFAIL";
	case SPF_DNS_TIMEOUT:
		return "TIMEOUT";
	}
	return "?";
}

/* What spf_put_clean() may not copy as it is: not printable ASCII
 * (the NUL entry is never looked at), and the specials of a quoted
 * string ("\) and of a comment (()\) */
#define SPF_C_BAD	1u
#define SPF_C_QUOTED	2u
#define SPF_C_COMMENT	4u
#define SPF_C_BAD8(b) [(b)] = SPF_C_BAD, [(b) + 1] = SPF_C_BAD, \
	[(b) + 2] = SPF_C_BAD, [(b) + 3] = SPF_C_BAD, [(b) + 4] = SPF_C_BAD, \
	[(b) + 5] = SPF_C_BAD, [(b) + 6] = SPF_C_BAD, [(b) + 7] = SPF_C_BAD
#define SPF_C_BAD32(b) SPF_C_BAD8(b), SPF_C_BAD8((b) + 8), \
	SPF_C_BAD8((b) + 16), SPF_C_BAD8((b) + 24)
static const unsigned char spf_ctab[256] = {
	SPF_C_BAD32(0x00), [0x7f] = SPF_C_BAD,
	SPF_C_BAD32(0x80), SPF_C_BAD32(0xa0), SPF_C_BAD32(0xc0),
	SPF_C_BAD32(0xe0),
	['"'] = SPF_C_QUOTED, ['\\'] = SPF_C_QUOTED | SPF_C_COMMENT,
	['('] = SPF_C_COMMENT, [')'] = SPF_C_COMMENT,
};
#undef SPF_C_BAD32
#undef SPF_C_BAD8

/*
 * spf_put_clean - printable ASCII only, at most max octets of output.
 * In a quoted-string '"' and '\\' are escaped; in a comment '(' ')' and
 * '\\' are (RFC 5322 ccontent), so a sender cannot close the comment
 * and forge key=value pairs.  Runs of plain characters go at once.
 */
static void
spf_put_clean(struct buf *out, const char *s, size_t max, int mode)
{
	unsigned mask = SPF_C_BAD | (mode == SPF_PUT_QUOTED ? SPF_C_QUOTED :
	    mode == SPF_PUT_COMMENT ? SPF_C_COMMENT : 0);
	size_t i = 0, run, used = 0;

	if (s == NULL)
		return;
	while (s[i] && used < max) {
		for (run = i; s[run] && used + (run - i) < max &&
		    !(spf_ctab[(unsigned char)s[run]] & mask); run++)
			;
		if (run > i) {
			buf_append(out, s + i, run - i);
			used += run - i;
			i = run;
			continue;
		}
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e) {
			buf_putc(out, '?');
			used++;
		} else {
			if (used + 2 > max)
				break;
			buf_putc(out, '\\');
			buf_putc(out, s[i]);
			used += 2;
		}
		i++;
	}
	if (s[i])
		buf_puts(out, "...");
}

/* RFC 5322 atext: ALPHA, DIGIT and !#$%&'*+-/=?^_`{|}~ */
#define SPF_A_AZ(b) ['A' + (b)] = 1, ['a' + (b)] = 1
static const unsigned char spf_atext[256] = {
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1,
	['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
	SPF_A_AZ(0), SPF_A_AZ(1), SPF_A_AZ(2), SPF_A_AZ(3), SPF_A_AZ(4),
	SPF_A_AZ(5), SPF_A_AZ(6), SPF_A_AZ(7), SPF_A_AZ(8), SPF_A_AZ(9),
	SPF_A_AZ(10), SPF_A_AZ(11), SPF_A_AZ(12), SPF_A_AZ(13),
	SPF_A_AZ(14), SPF_A_AZ(15), SPF_A_AZ(16), SPF_A_AZ(17),
	SPF_A_AZ(18), SPF_A_AZ(19), SPF_A_AZ(20), SPF_A_AZ(21),
	SPF_A_AZ(22), SPF_A_AZ(23), SPF_A_AZ(24), SPF_A_AZ(25),
	['!'] = 1, ['#'] = 1, ['$'] = 1, ['%'] = 1, ['&'] = 1, ['\''] = 1,
	['*'] = 1, ['+'] = 1, ['-'] = 1, ['/'] = 1, ['='] = 1, ['?'] = 1,
	['^'] = 1, ['_'] = 1, ['`'] = 1, ['{'] = 1, ['|'] = 1, ['}'] = 1,
	['~'] = 1,
};
#undef SPF_A_AZ

/* spf_is_dot_atom - may the value stand unquoted (RFC 5322 dot-atom)? */
static int
spf_is_dot_atom(const char *s)
{
	size_t i;

	if (s == NULL || *s == 0 || *s == '.')
		return 0;
	for (i = 0; s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '.') {
			if (s[i + 1] == '.' || s[i + 1] == 0)
				return 0;
			continue;
		}
		/* RFC 5322 atext */
		if (!spf_atext[c])
			return 0;
	}
	return 1;
}

/* spf_put_kv - "; key=value" with quoting as needed */
static void
spf_put_kv(struct buf *out, const char *key, const char *val, int force_q)
{
	int q = force_q || !spf_is_dot_atom(val);

	buf_putc(out, ' ');
	buf_puts(out, key);
	buf_putc(out, '=');
	if (q)
		buf_putc(out, '"');
	spf_put_clean(out, val ? val : "", SPF_FIELD_MAX,
	    q ? SPF_PUT_QUOTED : SPF_PUT_PLAIN);
	if (q)
		buf_putc(out, '"');
	buf_putc(out, ';');
}

/* spf_format_received - Received-SPF: value (RFC 7208 9.1) */
int
spf_format_received(const struct spf_detail *d, const struct spf_params *p,
    struct buf *out)
{
	char ip[IPADDR_STRLEN];
	const char *rcv = p->receiver ? p->receiver : "unknown";
	char store[SPF_HEADER_MAX + 1];
	struct buf b;
	int r;

	buf_init_store(&b, SPF_HEADER_MAX, store, sizeof(store));
	ipaddr_format(&p->ip, ip);
	buf_puts(&b, spf_result_str(d->result));
	buf_puts(&b, " (");
	spf_put_clean(&b, rcv, SPF_FIELD_MAX, SPF_PUT_COMMENT);
	buf_puts(&b, ": ");
	switch (d->result) {
	case SPF_PASS:
		buf_puts(&b, "domain of ");
		spf_put_clean(&b, d->sender, SPF_FIELD_MAX, SPF_PUT_COMMENT);
		buf_puts(&b, " designates ");
		buf_puts(&b, ip);
		buf_puts(&b, " as permitted sender");
		break;
	case SPF_FAIL:
	case SPF_SOFTFAIL:
		buf_puts(&b, d->result == SPF_SOFTFAIL ?
		    "transitioning domain of " : "domain of ");
		spf_put_clean(&b, d->sender, SPF_FIELD_MAX, SPF_PUT_COMMENT);
		buf_puts(&b, " does not designate ");
		buf_puts(&b, ip);
		buf_puts(&b, " as permitted sender");
		break;
	case SPF_NEUTRAL:
		buf_puts(&b, ip);
		buf_puts(&b, " is neither permitted nor denied by domain of ");
		spf_put_clean(&b, d->sender, SPF_FIELD_MAX, SPF_PUT_COMMENT);
		break;
	case SPF_NONE:
		buf_puts(&b, "domain of ");
		spf_put_clean(&b, d->sender, SPF_FIELD_MAX, SPF_PUT_COMMENT);
		buf_puts(&b, " does not provide an SPF record");
		break;
	case SPF_TEMPERROR:
		buf_puts(&b, "temporary error in processing during lookup of ");
		spf_put_clean(&b, d->sender, SPF_FIELD_MAX, SPF_PUT_COMMENT);
		break;
	case SPF_PERMERROR:
		buf_puts(&b, "permanent error in processing domain of ");
		spf_put_clean(&b, d->sender, SPF_FIELD_MAX, SPF_PUT_COMMENT);
		break;
	}
	buf_putc(&b, ')');
	spf_put_kv(&b, "receiver", rcv, 0);
	spf_put_kv(&b, "client-ip", ip, 0);
	spf_put_kv(&b, "envelope-from", p->sender ? p->sender : "", 1);
	spf_put_kv(&b, "helo", p->helo ? p->helo : "", 0);
	spf_put_kv(&b, "identity", d->identity == SPF_ID_HELO ? "helo" :
	    "mailfrom", 0);
	if (d->mechanism != NULL)
		spf_put_kv(&b, "mechanism", d->mechanism, 0);
	if (d->problem != NULL && (d->result == SPF_PERMERROR ||
	    d->result == SPF_TEMPERROR))
		spf_put_kv(&b, "problem", d->problem, 1);
	/* drop the final ';' */
	if (b.len > 0 && b.data[b.len - 1] == ';')
		buf_truncate(&b, b.len - 1);
	r = b.overflow ? -1 : buf_append(out, b.data, b.len);
	buf_free(&b);
	return r;
}

/* spf_format_authres_method - "spf=pass smtp.mailfrom=example.com" */
int
spf_format_authres_method(const struct spf_detail *d, struct buf *out)
{
	const char *dom = d->domain ? d->domain : "";
	int q = !spf_is_dot_atom(dom);

	buf_puts(out, "spf=");
	buf_puts(out, spf_result_str(d->result));
	buf_puts(out, d->identity == SPF_ID_HELO ? " smtp.helo=" :
	    " smtp.mailfrom=");
	if (q)
		buf_putc(out, '"');
	spf_put_clean(out, dom, SPF_FIELD_MAX,
	    q ? SPF_PUT_QUOTED : SPF_PUT_PLAIN);
	if (q)
		buf_putc(out, '"');
	return out->overflow ? -1 : 0;
}

/* spf_format_value - a header value: a dot-atom as it is, else a
 * quoted-string; printable ASCII only; over SPF_VALUE_MAX octets (more
 * than a domain name has) cut, in quotes */
int
spf_format_value(const char *val, struct buf *out)
{
	int q = !spf_is_dot_atom(val) || strlen(val) > SPF_VALUE_MAX;

	if (q)
		buf_putc(out, '"');
	spf_put_clean(out, val ? val : "", SPF_VALUE_MAX,
	    q ? SPF_PUT_QUOTED : SPF_PUT_PLAIN);
	if (q)
		buf_putc(out, '"');
	return out->overflow ? -1 : 0;
}

/* spf_format_authres - Authentication-Results: value (RFC 8601) */
int
spf_format_authres(const struct spf_detail *d, const char *authserv_id,
    struct buf *out)
{
	spf_put_clean(out, authserv_id ? authserv_id : "unknown",
	    SPF_FIELD_MAX, SPF_PUT_PLAIN);
	buf_puts(out, "; ");
	return spf_format_authres_method(d, out);
}
