/*
 * NAME
 *	spf_macro 3
 * SUMMARY
 *	SPF macro expansion (RFC 7208 section 7)
 * SYNOPSIS
 *	#include "spf_int.h"
 *
 *	enum spf_macro_status spf_macro_expand(const struct spf_macro_ctx *ctx,
 *			const char *s, size_t len, unsigned flags,
 *			struct buf *out, const char **err);
 *	int	spf_macro_check(const char *s, size_t len, unsigned flags,
 *			const char **err);
 *	int	spf_macro_uses_p(const char *s, size_t len);
 * DESCRIPTION
 *	spf_macro_expand() appends the expansion of one macro-string to out.
 *	Letters s l o d i p h v always; c r t only with SPF_MACRO_EXP (an
 *	explain-string).  Transformers: a non-zero digit count of right-hand
 *	parts and "r" for reversal; delimiters . - + , / _ = split the value,
 *	parts are rejoined with ".".  An upper-case letter URL-escapes the
 *	value (everything but RFC 3986 unreserved characters).  %% %_ %-
 *	give "%", " " and "%20".  With SPF_MACRO_DOMAIN the result is a
 *	name to be looked up: labels are removed from the left until it is
 *	at most 253 octets (7.3).
 *
 *	All output goes through the bounded buffer: a value is never
 *	measured in one place and written in another.
 *
 *	spf_macro_check() validates syntax only (used by the record parser
 *	before any evaluation).  spf_macro_uses_p() tells whether %{p}
 *	appears, so the evaluator can resolve it first.
 * DIAGNOSTICS
 *	SPF_MACRO_SYNTAX with *err set (static text); SPF_MACRO_NEED_P when
 *	ctx->ptrname is still NULL; SPF_MACRO_TOOLONG when out overflows.
 * SEE ALSO
 *	RFC 7208 section 7; RFC 3986 section 2.3 (unreserved).
 */
#include <ctype.h>
#include <string.h>

#include "util/buf.h"
#include "spf_int.h"

#define SPF_MACRO_MAX_PARTS	128	/* a 253-octet name has <= 127 labels */
#define SPF_MACRO_STORE		256	/* a value's room before the heap */

/* spf_macro_parse_one - parse "%{" letter transformers delimiters "}" */
static int
spf_macro_parse_one(const char *s, size_t len, size_t *pos, unsigned flags,
    char *letter, unsigned *digits, int *reverse, const char **delims,
    size_t *ndelims, const char **err)
{
	size_t i = *pos;
	unsigned d = 0;
	int have_digits = 0;

	/* s[i] is '{' */
	i++;
	if (i >= len) {
		*err = "unterminated macro";
		return -1;
	}
	*letter = s[i];
	switch (tolower((unsigned char)s[i])) {
	case 's': case 'l': case 'o': case 'd': case 'i': case 'p':
	case 'h': case 'v':
		break;
	case 'c': case 'r': case 't':
		if (flags & SPF_MACRO_EXP)
			break;
		*err = "macro letter c, r or t outside exp";
		return -1;
	default:
		*err = "unknown macro letter";
		return -1;
	}
	i++;
	while (i < len && isdigit((unsigned char)s[i])) {
		if (d < 1000)
			d = d * 10 + (unsigned)(s[i] - '0');
		have_digits = 1;
		i++;
	}
	if (have_digits && d == 0) {
		*err = "macro digit transformer is zero";
		return -1;
	}
	*digits = d;
	*reverse = 0;
	if (i < len && (s[i] == 'r' || s[i] == 'R')) {
		*reverse = 1;
		i++;
	}
	*delims = s + i;
	while (i < len && strchr(".-+,/_=", s[i]) != NULL && s[i] != 0)
		i++;
	*ndelims = (size_t)(s + i - *delims);
	if (i >= len || s[i] != '}') {
		*err = "malformed macro";
		return -1;
	}
	*pos = i + 1;
	return 0;
}

/* spf_macro_check - syntax of a macro-string; the parse is shared with
 * expansion through spf_macro_parse_one() */
int
spf_macro_check(const char *s, size_t len, unsigned flags, const char **err)
{
	size_t i = 0;

	while (i < len) {
		unsigned char c = (unsigned char)s[i];

		if (c == '%') {
			char letter;
			unsigned digits;
			int reverse;
			const char *delims;
			size_t ndelims;

			if (i + 1 >= len) {
				*err = "'%' at end of macro-string";
				return -1;
			}
			if (s[i + 1] == '%' || s[i + 1] == '_' ||
			    s[i + 1] == '-') {
				i += 2;
				continue;
			}
			if (s[i + 1] != '{') {
				*err = "'%' not followed by {, %, _ or -";
				return -1;
			}
			i++;
			if (spf_macro_parse_one(s, len, &i, flags, &letter,
			    &digits, &reverse, &delims, &ndelims, err) < 0)
				return -1;
			continue;
		}
		/* macro-literal = %x21-24 / %x26-7E; explain-string allows
		 * SP too */
		if (c < 0x21 || c > 0x7e) {
			if (!(c == ' ' && (flags & SPF_MACRO_EXP))) {
				*err = "invalid character in macro-string";
				return -1;
			}
		}
		i++;
	}
	return 0;
}

/* spf_macro_uses_p - does %{p} (or %{P}) appear? */
int
spf_macro_uses_p(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i + 2 < len; i++) {
		if (s[i] == '%' && s[i + 1] == '%') {
			i++;
			continue;
		}
		if (s[i] == '%' && s[i + 1] == '{' &&
		    (s[i + 2] == 'p' || s[i + 2] == 'P'))
			return 1;
	}
	return 0;
}

/* spf_macro_value - the raw value of a letter */
static enum spf_macro_status
spf_macro_value(const struct spf_macro_ctx *ctx, char letter, struct buf *v)
{
	switch (tolower((unsigned char)letter)) {
	case 's':
		buf_puts(v, ctx->sender);
		break;
	case 'l':
		buf_puts(v, ctx->local);
		break;
	case 'o':
		buf_puts(v, ctx->sdomain);
		break;
	case 'd':
		buf_puts(v, ctx->domain);
		break;
	case 'i': {
		size_t k, from = v->len;

		ipaddr_format_spf(ctx->ip, v);
		/* the address as the client wrote it: DNS does not care,
		 * explanations show it */
		for (k = from; ctx->ip_upper && k < v->len; k++)
			v->data[k] = (char)toupper((unsigned char)v->data[k]);
		break;
	}
	case 'p':
		if (ctx->ptrname == NULL)
			return SPF_MACRO_NEED_P;
		buf_puts(v, ctx->ptrname);
		break;
	case 'h':
		buf_puts(v, ctx->helo);
		break;
	case 'v':
		buf_puts(v, ctx->ip->family == 4 ? "in-addr" : "ip6");
		break;
	case 'c': {
		char tmp[IPADDR_STRLEN];

		ipaddr_format(ctx->ip, tmp);
		buf_puts(v, tmp);
		break;
	}
	case 'r':
		buf_puts(v, ctx->receiver ? ctx->receiver : "unknown");
		break;
	case 't':
		buf_printf(v, "%lld", ctx->now);
		break;
	}
	return v->overflow ? SPF_MACRO_TOOLONG : SPF_MACRO_OK;
}

/* spf_macro_transform - split, reverse, keep right-hand parts, rejoin */
static void
spf_macro_transform(const char *val, size_t vlen, unsigned digits,
    int reverse, const char *delims, size_t ndelims, struct buf *out)
{
	size_t start[SPF_MACRO_MAX_PARTS], plen[SPF_MACRO_MAX_PARTS];
	size_t n = 0, i, s = 0, first;

	if (ndelims == 0) {
		delims = ".";
		ndelims = 1;
	}
	for (i = 0; i <= vlen; i++) {
		if (i == vlen || memchr(delims, val[i], ndelims) != NULL) {
			if (n < SPF_MACRO_MAX_PARTS) {
				start[n] = s;
				plen[n] = i - s;
				n++;
			} else {
				/* fold the rest into the last part */
				plen[n - 1] = i - start[n - 1];
			}
			s = i + 1;
		}
	}
	if (reverse)
		for (i = 0; i < n / 2; i++) {
			size_t ts = start[i], tl = plen[i];

			start[i] = start[n - 1 - i];
			plen[i] = plen[n - 1 - i];
			start[n - 1 - i] = ts;
			plen[n - 1 - i] = tl;
		}
	first = (digits > 0 && digits < n) ? n - digits : 0;
	for (i = first; i < n; i++) {
		if (i > first)
			buf_putc(out, '.');
		buf_append(out, val + start[i], plen[i]);
	}
}

/* spf_macro_urlescape - RFC 3986 unreserved kept, the rest %XX */
static void
spf_macro_urlescape(const char *s, size_t len, struct buf *out)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~')
			buf_putc(out, c);
		else {
			buf_putc(out, '%');
			buf_putc(out, hex[c >> 4]);
			buf_putc(out, hex[c & 15]);
		}
	}
}

/* spf_macro_put_name - a value inside a name to look up: resolvers read
 * names as presentation text, so a backslash from the sender is written
 * \092 and stays a backslash instead of starting an escape */
static void
spf_macro_put_name(const char *s, size_t len, struct buf *out)
{
	const char *bs;

	while (len > 0 && (bs = memchr(s, '\\', len)) != NULL) {
		buf_append(out, s, (size_t)(bs - s));
		buf_puts(out, "\\092");
		len -= (size_t)(bs - s) + 1;
		s = bs + 1;
	}
	buf_append(out, s, len);
}

/* spf_macro_cut - drop labels from the left until at most 253 octets */
static void
spf_macro_cut(struct buf *out, size_t from)
{
	char *name;
	size_t len = out->len - from;

	if (len <= 253)
		return;
	name = out->data + from;
	while (len > 253) {
		char *dot = memchr(name, '.', len);

		if (dot == NULL) {
			len = 0;
			break;
		}
		len -= (size_t)(dot + 1 - name);
		memmove(name, dot + 1, len);
	}
	buf_truncate(out, from + len);
}

/* spf_macro_escape - the text of "%%", "%_" or "%-"; 0 for another c */
static int
spf_macro_escape(char c, struct buf *out)
{
	switch (c) {
	case '%':
		buf_putc(out, '%');
		return 1;
	case '_':
		buf_putc(out, ' ');
		return 1;
	case '-':
		buf_puts(out, "%20");
		return 1;
	default:
		return 0;
	}
}

/*
 * spf_macro_one - expand the macro whose '{' is at s[*pos] into out,
 * with val and tmp as scratch; *pos moves past its '}'
 */
static enum spf_macro_status
spf_macro_one(const struct spf_macro_ctx *ctx, const char *s, size_t len,
    size_t *pos, unsigned flags, struct buf *val, struct buf *tmp,
    struct buf *out, const char **err)
{
	char letter;
	unsigned digits;
	int reverse;
	const char *delims;
	size_t ndelims;
	enum spf_macro_status st;

	if (spf_macro_parse_one(s, len, pos, flags, &letter, &digits,
	    &reverse, &delims, &ndelims, err) < 0)
		return SPF_MACRO_SYNTAX;
	buf_reset(val);
	buf_reset(tmp);
	if ((st = spf_macro_value(ctx, letter, val)) != SPF_MACRO_OK)
		return st;
	spf_macro_transform(val->data ? val->data : "", val->len, digits,
	    reverse, delims, ndelims, tmp);
	if (isupper((unsigned char)letter))
		spf_macro_urlescape(tmp->data ? tmp->data : "", tmp->len, out);
	else if (flags & SPF_MACRO_DOMAIN)
		spf_macro_put_name(tmp->data ? tmp->data : "", tmp->len, out);
	else
		buf_append(out, tmp->data ? tmp->data : "", tmp->len);
	return SPF_MACRO_OK;
}

/* spf_macro_expand - expand a macro-string into out */
enum spf_macro_status
spf_macro_expand(const struct spf_macro_ctx *ctx, const char *s, size_t len,
    unsigned flags, struct buf *out, const char **err)
{
	size_t i = 0, run, from = out->len;
	char vstore[SPF_MACRO_STORE], tstore[SPF_MACRO_STORE];
	struct buf val, tmp;
	enum spf_macro_status st = SPF_MACRO_OK, mst;
	int need_p = 0;

	buf_init_store(&val, out->max, vstore, sizeof(vstore));
	buf_init_store(&tmp, out->max, tstore, sizeof(tstore));
	while (i < len) {
		/* a run of literal characters at once */
		for (run = i; run < len && s[run] != '%'; run++) {
			unsigned char c = (unsigned char)s[run];

			if ((c < 0x21 || c > 0x7e) &&
			    !(c == ' ' && (flags & SPF_MACRO_EXP))) {
				*err = "invalid character in macro-string";
				st = SPF_MACRO_SYNTAX;
				goto out;
			}
		}
		if (run > i) {
			buf_append(out, s + i, run - i);
			i = run;
			continue;
		}
		if (i + 1 >= len) {
			*err = "'%' at end of macro-string";
			st = SPF_MACRO_SYNTAX;
			goto out;
		}
		if (spf_macro_escape(s[i + 1], out)) {
			i += 2;
			continue;
		}
		if (s[i + 1] != '{') {
			*err = "'%' not followed by {, %, _ or -";
			st = SPF_MACRO_SYNTAX;
			goto out;
		}
		i++;
		mst = spf_macro_one(ctx, s, len, &i, flags, &val, &tmp, out,
		    err);
		if (mst == SPF_MACRO_NEED_P) {
			/* go on: a syntax error further on wins */
			need_p = 1;
			continue;
		}
		if (mst != SPF_MACRO_OK) {
			st = mst;
			goto out;
		}
	}
	if (need_p) {
		st = SPF_MACRO_NEED_P;
		goto out;
	}
	if (flags & SPF_MACRO_DOMAIN)
		spf_macro_cut(out, from);
	if (out->overflow || tmp.overflow)
		st = SPF_MACRO_TOOLONG;
out:
	buf_free(&val);
	buf_free(&tmp);
	return st;
}
