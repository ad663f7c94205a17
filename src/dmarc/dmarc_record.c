/*
 * NAME
 *	dmarc_record 3
 * SUMMARY
 *	DMARC policy record parser (RFC 9989 4.7 and 4.8)
 * SYNOPSIS
 *	#include "dmarc_int.h"
 *
 *	int	dmarc_record_parse(const char *txt, size_t len,
 *		    struct dmarc_record *rec);
 *	int	dmarc_record_usable(const struct dmarc_record *rec);
 * DESCRIPTION
 *	dmarc_record_parse() reads one TXT record (its strings joined).  A
 *	record is a DMARC record only when its first tag is v=DMARC1 (the
 *	value case-sensitive; white space around "=" allowed, and before
 *	the tag).  The other tags are read in any order; unknown tags,
 *	tags of bad syntax and bad values of the optional tags are ignored
 *	(their defaults stay).  Keyword values (p, sp, np, adkim, aspf, t,
 *	psd) are compared without regard to case.  A p, sp or np with an
 *	unknown value is kept as DMARC_REQ_INVALID: what that means is
 *	decided by dmarc_record_usable().  Of a tag given twice the first
 *	counts.
 *
 *	dmarc_record_usable() applies RFC 9989 4.10.1: a record whose p is
 *	invalid, or whose sp or np is invalid, is used as p=none when its
 *	rua holds at least one URI of valid syntax, and is not used at all
 *	otherwise.  A record without p is p=none (4.7).
 * DIAGNOSTICS
 *	dmarc_record_parse() returns DMARC_REC_NOT for a record that is not
 *	DMARC, DMARC_REC_LONG for a DMARC record longer than
 *	DMARC_MAX_RECORD (not parsed further), DMARC_REC_OK otherwise.
 *	dmarc_record_usable() returns 1 when the record's policies apply,
 *	0 when it is used as p=none, -1 when it is not used.
 * SEE ALSO
 *	dmarc(3), RFC 9989 4.7, 4.8, 4.10.1; RFC 6376 3.2 (tag-value).
 */
#include <string.h>

#include "dmarc_int.h"

#define DMARC_MAX_TAG	16		/* longest tag name looked at */

#define IS_WSP(c)	((c) == ' ' || (c) == '\t')
#define IS_ALPHA(c)	(((c) >= 'a' && (c) <= 'z') || \
			    ((c) >= 'A' && (c) <= 'Z'))
#define IS_DIGIT(c)	((c) >= '0' && (c) <= '9')

/* dmarc_rec_eq - value equals a lower-case keyword, any case */
static int
dmarc_rec_eq(const char *v, size_t n, const char *kw)
{
	size_t i;

	if (strlen(kw) != n)
		return 0;
	for (i = 0; i < n; i++) {
		char c = v[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != kw[i])
			return 0;
	}
	return 1;
}

/* dmarc_rec_req - a dmarc-request value */
static enum dmarc_req
dmarc_rec_req(const char *v, size_t n)
{
	if (dmarc_rec_eq(v, n, "none"))
		return DMARC_REQ_NONE;
	if (dmarc_rec_eq(v, n, "quarantine"))
		return DMARC_REQ_QUARANTINE;
	if (dmarc_rec_eq(v, n, "reject"))
		return DMARC_REQ_REJECT;
	return DMARC_REQ_INVALID;
}

/* dmarc_rec_uri - one URI of RFC 3986 syntax, as far as a scheme and a
 * non-empty rest of visible characters go */
static int
dmarc_rec_uri(const char *s, size_t n)
{
	size_t i = 0;

	while (n > 0 && IS_WSP(s[0]))
		s++, n--;
	while (n > 0 && IS_WSP(s[n - 1]))
		n--;
	if (n == 0 || !IS_ALPHA(s[0]))
		return 0;
	for (i = 1; i < n && s[i] != ':'; i++)
		if (!IS_ALPHA(s[i]) && !IS_DIGIT(s[i]) && s[i] != '+' &&
		    s[i] != '-' && s[i] != '.')
			return 0;
	if (i >= n - 1)
		return 0;
	for (i++; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f)
			return 0;
	return 1;
}

/* dmarc_rec_urilist - at least one valid URI in a comma list */
static int
dmarc_rec_urilist(const char *v, size_t n)
{
	size_t i, start = 0;

	for (i = 0; i <= n; i++)
		if (i == n || v[i] == ',') {
			if (dmarc_rec_uri(v + start, i - start))
				return 1;
			start = i + 1;
		}
	return 0;
}

/* dmarc_rec_tag - apply one tag; seen holds the tags already given */
static void
dmarc_rec_tag(struct dmarc_record *r, const char *t, size_t tn,
    const char *v, size_t vn, unsigned *seen)
{
	static const char *const names[] = {
		"p", "sp", "np", "adkim", "aspf", "t", "psd", "rua",
	};
	size_t k;

	for (k = 0; k < sizeof(names) / sizeof(names[0]); k++)
		if (strlen(names[k]) == tn && memcmp(names[k], t, tn) == 0)
			break;
	if (k == sizeof(names) / sizeof(names[0]) || (*seen & (1u << k)))
		return;
	*seen |= 1u << k;
	switch (k) {
	case 0:
		r->p = dmarc_rec_req(v, vn);
		break;
	case 1:
		r->sp = dmarc_rec_req(v, vn);
		break;
	case 2:
		r->np = dmarc_rec_req(v, vn);
		break;
	case 3:
	case 4:
		if (dmarc_rec_eq(v, vn, "s") || dmarc_rec_eq(v, vn, "r"))
			*(k == 3 ? &r->adkim_strict : &r->aspf_strict) =
			    dmarc_rec_eq(v, vn, "s");
		break;
	case 5:
		r->testing = dmarc_rec_eq(v, vn, "y");
		break;
	case 6:
		r->psd = dmarc_rec_eq(v, vn, "y") ? DMARC_PSD_Y :
		    dmarc_rec_eq(v, vn, "n") ? DMARC_PSD_N : DMARC_PSD_U;
		break;
	default:
		r->rua_valid = dmarc_rec_urilist(v, vn);
		break;
	}
}

/* dmarc_rec_one - split "name = value" and apply it; bad syntax is
 * ignored */
static void
dmarc_rec_one(struct dmarc_record *r, const char *s, size_t n,
    unsigned *seen)
{
	size_t i = 0, tn, vs;

	while (i < n && IS_WSP(s[i]))
		i++;
	while (n > i && IS_WSP(s[n - 1]))
		n--;
	for (tn = i; tn < n && IS_ALPHA(s[tn]); tn++)
		;
	if (tn == i || tn - i > DMARC_MAX_TAG)
		return;
	for (vs = tn; vs < n && IS_WSP(s[vs]); vs++)
		;
	if (vs == n || s[vs] != '=')
		return;
	for (vs++; vs < n && IS_WSP(s[vs]); vs++)
		;
	if (vs == n)
		return;
	dmarc_rec_tag(r, s + i, tn - i, s + vs, n - vs, seen);
}

/* dmarc_record_parse - parse one TXT record */
int
dmarc_record_parse(const char *s, size_t n, struct dmarc_record *r)
{
	size_t i = 0, start;
	unsigned seen = 0;

	memset(r, 0, sizeof(*r));
	while (i < n && IS_WSP(s[i]))
		i++;
	if (i == n || s[i++] != 'v')
		return DMARC_REC_NOT;
	while (i < n && IS_WSP(s[i]))
		i++;
	if (i == n || s[i++] != '=')
		return DMARC_REC_NOT;
	while (i < n && IS_WSP(s[i]))
		i++;
	if (n - i < 6 || memcmp(s + i, "DMARC1", 6) != 0)
		return DMARC_REC_NOT;
	for (i += 6; i < n && IS_WSP(s[i]); i++)
		;
	if (i < n && s[i] != ';')
		return DMARC_REC_NOT;
	if (n > DMARC_MAX_RECORD)
		return DMARC_REC_LONG;
	for (start = ++i; i <= n; i++)
		if (i == n || s[i] == ';') {
			if (i > start)
				dmarc_rec_one(r, s + start, i - start, &seen);
			start = i + 1;
		}
	return DMARC_REC_OK;
}

/* dmarc_record_usable - RFC 9989 4.10.1 on invalid policy tags */
int
dmarc_record_usable(const struct dmarc_record *r)
{
	if (r->p == DMARC_REQ_INVALID || r->sp == DMARC_REQ_INVALID ||
	    r->np == DMARC_REQ_INVALID)
		return r->rua_valid ? 0 : -1;
	return 1;
}
