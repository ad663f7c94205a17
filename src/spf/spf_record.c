/*
 * NAME
 *	spf_record 3
 * SUMMARY
 *	SPF record selection and parsing
 * SYNOPSIS
 *	#include "spf_int.h"
 *
 *	int	spf_record_is_spf(const char *txt, size_t len);
 *	int	spf_record_parse(struct arena *a, const char *txt, size_t len,
 *			struct spf_record **rec, const char **err);
 *	const char *spf_mech_name(enum spf_mech m);
 *	int	spf_mech_counts(enum spf_mech m);
 * DESCRIPTION
 *	spf_record_is_spf() tells whether one TXT record is an SPF record:
 *	it starts with "v=spf1" (any case) followed by a space or its end
 *	(RFC 7208 4.5).
 *
 *	spf_record_parse() checks the whole record against the ABNF of RFC
 *	7208 section 12 before anything is evaluated, so that any syntax
 *	error anywhere gives permerror (4.6): unknown mechanisms, bad CIDR
 *	lengths, malformed addresses, domain-specs without a valid
 *	domain-end, bad macros, duplicate redirect= or exp=, and any byte
 *	that is neither a space nor visible ASCII (NUL, controls, 8-bit).
 *	The result lives in the arena.
 *
 *	spf_mech_counts() is true for the mechanisms that count against the
 *	limit of DNS-querying terms (4.6.4).
 * DIAGNOSTICS
 *	spf_record_parse() returns 0, or -1 with *err set to a text that
 *	names the offending term (in the arena).
 * SEE ALSO
 *	RFC 7208 sections 4.5, 4.6, 5, 6 and 12.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "util/arena.h"
#include "util/buf.h"
#include "spf_int.h"

static const struct {
	const char     *name;
	enum spf_mech	mech;
} spf_mech_table[] = {
	{"all", SPF_M_ALL},
	{"include", SPF_M_INCLUDE},
	{"a", SPF_M_A},
	{"mx", SPF_M_MX},
	{"ptr", SPF_M_PTR},
	{"ip4", SPF_M_IP4},
	{"ip6", SPF_M_IP6},
	{"exists", SPF_M_EXISTS},
};

#define SPF_NMECH (sizeof(spf_mech_table) / sizeof(spf_mech_table[0]))

/* spf_mech_name - lower-case name of a mechanism */
const char *
spf_mech_name(enum spf_mech m)
{
	size_t i;

	for (i = 0; i < SPF_NMECH; i++)
		if (spf_mech_table[i].mech == m)
			return spf_mech_table[i].name;
	return "?";
}

/* spf_mech_counts - does the mechanism query DNS (RFC 7208 4.6.4)? */
int
spf_mech_counts(enum spf_mech m)
{
	return m == SPF_M_INCLUDE || m == SPF_M_A || m == SPF_M_MX ||
	    m == SPF_M_PTR || m == SPF_M_EXISTS;
}

/* spf_record_is_spf - "v=spf1" then a space or the end (4.5) */
int
spf_record_is_spf(const char *s, size_t len)
{
	if (len < 6 || strncasecmp(s, "v=spf1", 6) != 0)
		return 0;
	return len == 6 || s[6] == ' ';
}

/* spf_record_error - format an error naming the term */
static int
spf_record_error(struct arena *a, const char **err, const char *why,
    const char *t, size_t tlen)
{
	struct buf b;

	buf_init(&b, 256);
	buf_puts(&b, why);
	if (t != NULL) {
		buf_puts(&b, ": '");
		buf_append(&b, t, tlen > 64 ? 64 : tlen);
		buf_puts(&b, tlen > 64 ? "...'" : "'");
	}
	*err = arena_memdup(a, b.data, b.len);
	buf_free(&b);
	return -1;
}

/* spf_toplabel_ok - RFC 7208 toplabel: alphanumerics, one alpha at least,
 * or alphanumerics with inner hyphens */
static int
spf_toplabel_ok(const char *s, size_t len)
{
	size_t i;
	int alpha = 0, hyphen = 0;

	if (len == 0 || s[0] == '-' || s[len - 1] == '-')
		return 0;
	for (i = 0; i < len; i++) {
		if (isalpha((unsigned char)s[i]))
			alpha = 1;
		else if (s[i] == '-')
			hyphen = 1;
		else if (!isdigit((unsigned char)s[i]))
			return 0;
	}
	return alpha || hyphen;
}

/* spf_domain_spec_ok - macro-string with a valid domain-end */
static int
spf_domain_spec_ok(const char *s, size_t len, const char **why)
{
	size_t end = len, dot;

	if (len == 0) {
		*why = "empty domain-spec";
		return 0;
	}
	if (spf_macro_check(s, len, 0, why) < 0)
		return 0;
	/* domain-end = ( "." toplabel [ "." ] ) / macro-expand */
	if (s[end - 1] == '}')
		return 1;
	if (end >= 2 && s[end - 1] == '.')
		end--;
	for (dot = end; dot > 0 && s[dot - 1] != '.'; dot--)
		;
	if (dot == 0 || !spf_toplabel_ok(s + dot, end - dot)) {
		*why = "domain-spec does not end in a valid top label";
		return 0;
	}
	return 1;
}

/* spf_cidr_parse - "/" then a length without leading zeros, at most max */
static int
spf_cidr_parse(const char *s, size_t len, unsigned max, unsigned *out)
{
	unsigned v = 0;
	size_t i;

	if (len < 2 || s[0] != '/' || len > 4)
		return -1;
	if (s[1] == '0' && len > 2)
		return -1;
	for (i = 1; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

/* spf_dual_cidr_parse - [ "/" ip4-len ] [ "//" ip6-len ] */
static int
spf_dual_cidr_parse(const char *s, size_t len, struct spf_term *t)
{
	const char *dd = NULL;
	size_t i;

	for (i = 0; i + 1 < len; i++)
		if (s[i] == '/' && s[i + 1] == '/') {
			dd = s + i;
			break;
		}
	if (dd != NULL) {
		if (spf_cidr_parse(dd + 1, (size_t)(s + len - dd - 1), 128,
		    &t->cidr6) < 0)
			return -1;
		len = (size_t)(dd - s);
	}
	if (len > 0 && spf_cidr_parse(s, len, 32, &t->cidr4) < 0)
		return -1;
	return 0;
}

/* spf_find_cidr - where a trailing dual-cidr-length starts: "/N", "//N"
 * or "/N//M" at the very end (a domain-spec may hold "/" itself) */
static size_t
spf_find_cidr(const char *s, size_t len)
{
	size_t end = len, i;

	for (i = end; i > 0 && isdigit((unsigned char)s[i - 1]); i--)
		;
	if (i < end && i >= 2 && s[i - 1] == '/' && s[i - 2] == '/')
		end = i - 2;
	for (i = end; i > 0 && isdigit((unsigned char)s[i - 1]); i--)
		;
	if (i < end && i >= 1 && s[i - 1] == '/' && (i < 2 || s[i - 2] != '/'))
		end = i - 1;
	return end;
}

/* spf_ip_parse - ip4 or ip6 network, family kept as written */
static int
spf_ip_parse(const char *s, size_t len, int family, struct ipaddr *ip)
{
	if (ipaddr_parse_n(s, len, ip) < 0)
		return -1;
	if (family == 4)
		return ip->family == 4 && memchr(s, ':', len) == NULL ? 0 : -1;
	if (memchr(s, ':', len) == NULL)
		return -1;
	if (ip->family == 4) {
		/* ::ffff:a.b.c.d written in ip6: keep it an IPv6 network */
		memmove(ip->a + 12, ip->a, 4);
		memset(ip->a, 0, 10);
		ip->a[10] = ip->a[11] = 0xff;
		ip->family = 6;
	}
	return 0;
}

/* spf_term_spec - the domain-spec after ':' up to end */
static int
spf_term_spec(struct arena *a, const char *p, const char *end,
    struct spf_term *term, const char *t, size_t tlen, const char **err)
{
	const char *why = NULL;

	if (!spf_domain_spec_ok(p, (size_t)(end - p), &why))
		return spf_record_error(a, err, why, t, tlen);
	term->spec = arena_memdup(a, p, (size_t)(end - p));
	term->speclen = (size_t)(end - p);
	return 0;
}

/* spf_directive_parse - [qualifier] mechanism */
static int
spf_directive_parse(struct arena *a, const char *t, size_t tlen,
    struct spf_term *term, const char **err)
{
	const char *p = t, *end = t + tlen;
	size_t nlen, i, cut;

	term->qual = '+';
	if (p < end && strchr("+-~?", *p) != NULL)
		term->qual = *p++;
	for (nlen = 0; p + nlen < end && isalnum((unsigned char)p[nlen]);
	    nlen++)
		;
	for (i = 0; i < SPF_NMECH; i++)
		if (strlen(spf_mech_table[i].name) == nlen &&
		    strncasecmp(spf_mech_table[i].name, p, nlen) == 0)
			break;
	if (nlen == 0 || i == SPF_NMECH)
		return spf_record_error(a, err, "unknown mechanism", t, tlen);
	term->mech = spf_mech_table[i].mech;
	term->cidr4 = 32;
	term->cidr6 = 128;
	p += nlen;

	switch (term->mech) {
	case SPF_M_ALL:
		if (p != end)
			return spf_record_error(a, err, "junk after all", t,
			    tlen);
		return 0;
	case SPF_M_INCLUDE:
	case SPF_M_EXISTS:
	case SPF_M_PTR:
		if (p == end && term->mech == SPF_M_PTR)
			return 0;
		if (p == end || *p != ':')
			return spf_record_error(a, err,
			    "mechanism needs ':' and a domain", t, tlen);
		return spf_term_spec(a, p + 1, end, term, t, tlen, err);
	case SPF_M_A:
	case SPF_M_MX:
		cut = spf_find_cidr(p, (size_t)(end - p));
		if (spf_dual_cidr_parse(p + cut, (size_t)(end - p) - cut,
		    term) < 0)
			return spf_record_error(a, err, "bad CIDR length", t,
			    tlen);
		end = p + cut;
		if (p == end)
			return 0;
		if (*p != ':')
			return spf_record_error(a, err, "junk after mechanism",
			    t, tlen);
		return spf_term_spec(a, p + 1, end, term, t, tlen, err);
	case SPF_M_IP4:
	case SPF_M_IP6:
		if (p == end || *p != ':')
			return spf_record_error(a, err,
			    "mechanism needs ':' and an address", t, tlen);
		p++;
		cut = (size_t)(end - p);
		for (i = 0; i < (size_t)(end - p); i++)
			if (p[i] == '/') {
				cut = i;
				break;
			}
		if (spf_ip_parse(p, cut, term->mech == SPF_M_IP4 ? 4 : 6,
		    &term->net) < 0)
			return spf_record_error(a, err, "bad address", t,
			    tlen);
		if (cut < (size_t)(end - p) &&
		    spf_cidr_parse(p + cut, (size_t)(end - p) - cut,
		    term->mech == SPF_M_IP4 ? 32 : 128,
		    term->mech == SPF_M_IP4 ? &term->cidr4 : &term->cidr6) < 0)
			return spf_record_error(a, err, "bad CIDR length", t,
			    tlen);
		return 0;
	}
	return spf_record_error(a, err, "unknown mechanism", t, tlen);
}

/*
 * spf_modifier_len - the length of a modifier's name, 0 when t is no
 * modifier: name "=" ... with name = ALPHA *( ALPHA / DIGIT / "-" / "_"
 * / "." ) (RFC 7208 12)
 */
static size_t
spf_modifier_len(const char *t, size_t tlen)
{
	size_t nlen = 0;

	if (isalpha((unsigned char)t[0])) {
		nlen = 1;
		while (nlen < tlen && (isalnum((unsigned char)t[nlen]) ||
		    strchr("-_.", t[nlen]) != NULL))
			nlen++;
	}
	return nlen > 0 && nlen < tlen && t[nlen] == '=' ? nlen : 0;
}

/*
 * spf_modifier_parse - keep redirect= and exp=, each at most once
 * (RFC 7208 6); any other modifier's value must be a valid
 * macro-string and is ignored
 */
static int
spf_modifier_parse(struct arena *a, struct spf_record *rec, const char *t,
    size_t tlen, size_t nlen, const char **err)
{
	const char *v = t + nlen + 1, *why = NULL;
	size_t vlen = tlen - nlen - 1;

	if (nlen == 8 && strncasecmp(t, "redirect", 8) == 0) {
		if (rec->redirect != NULL)
			return spf_record_error(a, err,
			    "more than one redirect=", t, tlen);
		if (!spf_domain_spec_ok(v, vlen, &why))
			return spf_record_error(a, err, why, t, tlen);
		rec->redirect = arena_memdup(a, v, vlen);
		rec->redirectlen = vlen;
	} else if (nlen == 3 && strncasecmp(t, "exp", 3) == 0) {
		if (rec->exp != NULL)
			return spf_record_error(a, err,
			    "more than one exp=", t, tlen);
		if (!spf_domain_spec_ok(v, vlen, &why))
			return spf_record_error(a, err, why, t, tlen);
		rec->exp = arena_memdup(a, v, vlen);
		rec->explen = vlen;
	} else if (spf_macro_check(v, vlen, 0, &why) < 0) {
		return spf_record_error(a, err, why, t, tlen);
	}
	return 0;
}

/* spf_record_parse - whole-record syntax check and parse */
int
spf_record_parse(struct arena *a, const char *s, size_t len,
    struct spf_record **out, const char **err)
{
	struct spf_record *rec;
	struct spf_term terms[SPF_MAX_TERMS];
	size_t i, n = 0, start, tlen, nlen;
	const char *t;

	*out = NULL;
	if (!spf_record_is_spf(s, len))
		return spf_record_error(a, err, "not an SPF record", NULL, 0);
	if (len > SPF_MAX_RECORD)
		return spf_record_error(a, err, "record too long", NULL, 0);
	for (i = 6; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c != ' ' && (c < 0x21 || c > 0x7e))
			return spf_record_error(a, err,
			    "control, NUL or non-ASCII byte in record", NULL,
			    0);
	}
	rec = arena_zalloc(a, sizeof(*rec));
	rec->text = arena_memdup(a, s, len);
	i = 6;
	while (i < len) {
		while (i < len && s[i] == ' ')
			i++;
		if (i == len)
			break;
		start = i;
		while (i < len && s[i] != ' ')
			i++;
		t = rec->text + start;
		tlen = i - start;
		if ((nlen = spf_modifier_len(t, tlen)) > 0) {
			if (spf_modifier_parse(a, rec, t, tlen, nlen, err) < 0)
				return -1;
			continue;
		}
		if (n == SPF_MAX_TERMS)
			return spf_record_error(a, err, "too many terms", NULL,
			    0);
		memset(&terms[n], 0, sizeof(terms[n]));
		terms[n].text = arena_memdup(a, t, tlen);
		if (spf_directive_parse(a, terms[n].text, tlen, &terms[n],
		    err) < 0)
			return -1;
		n++;
	}
	rec->nterms = n;
	rec->terms = arena_alloc(a, n * sizeof(*rec->terms));
	if (n)
		memcpy(rec->terms, terms, n * sizeof(*rec->terms));
	*out = rec;
	return 0;
}
