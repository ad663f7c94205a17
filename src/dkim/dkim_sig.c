/*
 * NAME
 *	dkim_sig 3
 * SUMMARY
 *	the DKIM-Signature header field: parse and check
 * SYNOPSIS
 *	#include "dkim_int.h"
 *
 *	enum dkim_result dkim_sig_parse(struct arena *a, const char *field,
 *			size_t len, long long now, struct dkim_sig *sig,
 *			const char **reason);
 * DESCRIPTION
 *	dkim_sig_parse() takes one whole "DKIM-Signature:..." field (CRLF
 *	line ends) and fills sig, pointing into the field and the arena.
 *	The fields reported (d=, s=, a=, i=, the start of b=) are set as
 *	far as they could be read, also when the signature is not valid.
 *
 *	Checked, each a permerror with its reason (RFC 6376 6.1.1): the
 *	tag-list syntax; v=1; a= one of rsa-sha256 and ed25519-sha256
 *	(rsa-sha1: "rsa-sha1 is not valid", RFC 8301 3.1); b= and bh=
 *	present and base64, bh= as long as a SHA-256 digest; c=; d= a
 *	domain name; h= present and naming From (5.4); i= in d= or below
 *	it; l=, t=, x= decimal (at most 76 digits, 3.5); q= listing
 *	dns/txt; s= present; x= not before t=.
 *
 *	A signature whose x= is before now gives permerror "signature
 *	expired": RFC 6376 6.1.1 calls it PERMFAIL (the signature is not
 *	acceptable, not a mismatch), and dkimpy, Mail::DKIM and OpenDKIM
 *	refuse it the same way as a broken signature field
 *	(tests/dkim/corpus, mail-dkim.expired).  A t= in the future is accepted (3.5: verifiers
 *	MAY ignore such signatures; we do not).
 * DIAGNOSTICS
 *	DKIM_PASS when the signature may be verified, else DKIM_PERMERROR
 *	with *reason a static text.
 * SEE ALSO
 *	RFC 6376 sections 3.5, 3.7, 6.1.1; RFC 8301 3.1; RFC 8463 3.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "util/arena.h"
#include "util/domain.h"
#include "dkim_int.h"

#define DKIM_SHA256_LEN	32
#define DKIM_MAX_SEL_DOMAIN	240	/* s= + d= in a 253-octet name */

/* dkim_sig_str - NUL-terminated copy of a tag value, or "" */
static const char *
dkim_sig_str(struct arena *a, const struct dkim_tag *t, int lower)
{
	char *s;
	size_t k;

	if (t == NULL)
		return "";
	s = arena_memdup(a, t->val, t->vlen);
	if (lower)
		for (k = 0; k < t->vlen; k++)
			s[k] = (char)tolower((unsigned char)s[k]);
	return s;
}

/* dkim_sig_num - decimal value (3.5: at most 76 digits), saturated */
static int
dkim_sig_num(const struct dkim_tag *t, unsigned long long *v)
{
	size_t k;

	*v = 0;
	if (t->vlen == 0 || t->vlen > DKIM_MAX_LDIGITS)
		return -1;
	for (k = 0; k < t->vlen; k++) {
		unsigned d = (unsigned char)t->val[k] - '0';

		if (d > 9)
			return -1;
		if (*v > (~0ULL - d) / 10)
			*v = ~0ULL;
		else
			*v = *v * 10 + d;
	}
	return 0;
}

/* dkim_sig_canon - c= (3.5): header[/body], simple by default */
static int
dkim_sig_canon(const struct dkim_tag *t, struct dkim_sig *sig)
{
	const char *slash;
	size_t hl;

	sig->hcanon = sig->bcanon = DKIM_C_SIMPLE;
	if (t == NULL)
		return 0;
	slash = memchr(t->val, '/', t->vlen);
	hl = slash ? (size_t)(slash - t->val) : t->vlen;
	if (hl == 7 && strncasecmp(t->val, "relaxed", 7) == 0)
		sig->hcanon = DKIM_C_RELAXED;
	else if (!(hl == 6 && strncasecmp(t->val, "simple", 6) == 0))
		return -1;
	if (slash == NULL)
		return 0;
	hl = t->vlen - hl - 1;
	if (hl == 7 && strncasecmp(slash + 1, "relaxed", 7) == 0)
		sig->bcanon = DKIM_C_RELAXED;
	else if (!(hl == 6 && strncasecmp(slash + 1, "simple", 6) == 0))
		return -1;
	return 0;
}

/* dkim_sig_list - split a colon-separated value; FWS around items */
static int
dkim_sig_list(struct arena *a, const struct dkim_tag *t, const char ***out,
    size_t *n)
{
	const char **v = arena_alloc(a, DKIM_MAX_HNAMES * sizeof(*v));
	size_t off = 0, b, end;

	*n = 0;
	while (dkim_tag_item(t, &off, &b, &end)) {
		if (end == b || *n == DKIM_MAX_HNAMES)
			return -1;
		v[(*n)++] = arena_memdup(a, t->val + b, end - b);
	}
	*out = v;
	return 0;
}

/* dkim_sig_alg - a= (3.5, RFC 8301 3.1, RFC 8463 3) */
static int
dkim_sig_alg(const char *a, struct dkim_sig *sig, const char **reason)
{
	if (strcasecmp(a, "rsa-sha256") == 0)
		sig->ed25519 = 0;
	else if (strcasecmp(a, "ed25519-sha256") == 0)
		sig->ed25519 = 1;
	else if (strcasecmp(a, "rsa-sha1") == 0) {
		*reason = "rsa-sha1 is not valid";
		return -1;
	} else {
		*reason = *a ? "unknown signature algorithm" : "no a= tag";
		return -1;
	}
	return 0;
}

/* dkim_sig_auid - i= (3.5): "[local]@domain", domain d= or below */
static int
dkim_sig_auid(const struct dkim_sig *sig, struct dkim_sig *out,
    const char **reason)
{
	const char *at = strrchr(sig->i, '@');
	size_t dl = strlen(sig->d);

	if (*sig->i == 0)
		return 0;
	if (at == NULL) {
		*reason = "i= has no '@'";
		return -1;
	}
	if (!domain_is_within(at + 1, strlen(at + 1), sig->d, dl)) {
		*reason = "i= is not in the d= domain";
		return -1;
	}
	out->i_is_sub = !domain_eq(at + 1, strlen(at + 1), sig->d, dl);
	return 0;
}

/* dkim_sig_has_from - h= names From (RFC 6376 5.4) */
static int
dkim_sig_has_from(const struct dkim_sig *sig)
{
	size_t k;

	for (k = 0; k < sig->nh; k++)
		if (strcasecmp(sig->h[k], "from") == 0)
			return 1;
	return 0;
}

/* dkim_sig_q - q= lists dns/txt (3.5) */
static int
dkim_sig_q(struct arena *a, const struct dkim_tag *t)
{
	const char **v;
	size_t n, k;

	if (t == NULL)
		return 0;
	if (dkim_sig_list(a, t, &v, &n) < 0)
		return -1;
	for (k = 0; k < n; k++)
		if (strcasecmp(v[k], "dns/txt") == 0)
			return 0;
	return -1;
}

/* dkim_sig_selector - s= is a sequence of labels (3.1) */
static int
dkim_sig_selector(const char *s)
{
	enum domain_status st = domain_check(s, strlen(s));

	return (st == DOMAIN_OK || st == DOMAIN_SINGLE_LABEL) &&
	    s[strlen(s) - 1] != '.';
}

/* dkim_sig_fields - fill the reported fields and the text ones */
static int
dkim_sig_fields(struct arena *a, const struct dkim_tag *tags, size_t n,
    struct dkim_sig *sig, const char **reason)
{
	const struct dkim_tag *b = dkim_tag_get(tags, n, "b");
	size_t k, bl = 0;
	char *pre;

	sig->d = dkim_sig_str(a, dkim_tag_get(tags, n, "d"), 1);
	sig->s = dkim_sig_str(a, dkim_tag_get(tags, n, "s"), 0);
	sig->a = dkim_sig_str(a, dkim_tag_get(tags, n, "a"), 0);
	sig->i = dkim_sig_str(a, dkim_tag_get(tags, n, "i"), 0);
	pre = arena_alloc(a, DKIM_B_PREFIX + 1);
	for (k = 0; b != NULL && k < b->vlen && bl < DKIM_B_PREFIX; k++)
		if (!dkim_tag_wsp(b->val[k]))
			pre[bl++] = b->val[k];
	pre[bl] = 0;
	sig->bpre = pre;
	if (b == NULL) {
		*reason = "no b= tag";
		return -1;
	}
	return 0;
}

/* dkim_sig_times - t=, x= (3.5) */
static enum dkim_result
dkim_sig_times(const struct dkim_tag *tags, size_t n, long long now,
    struct dkim_sig *sig, const char **reason)
{
	const struct dkim_tag *t = dkim_tag_get(tags, n, "t");
	const struct dkim_tag *x = dkim_tag_get(tags, n, "x");
	unsigned long long v;

	if (t != NULL) {
		if (dkim_sig_num(t, &v) < 0) {
			*reason = "t= is not a number";
			return DKIM_PERMERROR;
		}
		sig->has_t = 1;
		sig->t = v > (unsigned long long)1 << 62 ? 1LL << 62 :
		    (long long)v;
	}
	if (x != NULL) {
		if (dkim_sig_num(x, &v) < 0) {
			*reason = "x= is not a number";
			return DKIM_PERMERROR;
		}
		sig->has_x = 1;
		sig->x = v > (unsigned long long)1 << 62 ? 1LL << 62 :
		    (long long)v;
		if (sig->has_t && sig->x < sig->t) {
			*reason = "x= is before t=";
			return DKIM_PERMERROR;
		}
		if (sig->x < now) {
			*reason = "signature expired";
			return DKIM_PERMERROR;
		}
	}
	return DKIM_PASS;
}

/* dkim_sig_hashes - b=, bh= (3.5) */
static int
dkim_sig_hashes(struct arena *a, const struct dkim_tag *tags, size_t n,
    struct dkim_sig *sig, const char **reason)
{
	const struct dkim_tag *b = dkim_tag_get(tags, n, "b");
	const struct dkim_tag *bh = dkim_tag_get(tags, n, "bh");

	if (dkim_b64_decode(a, b->val, b->vlen, &sig->b, &sig->blen) < 0 ||
	    sig->blen == 0 || sig->blen > DKIM_MAX_SIG_OCTETS) {
		*reason = "b= is not valid base64";
		return -1;
	}
	if (bh == NULL) {
		*reason = "no bh= tag";
		return -1;
	}
	if (dkim_b64_decode(a, bh->val, bh->vlen, &sig->bh, &sig->bhlen) < 0
	    || sig->bhlen != DKIM_SHA256_LEN) {
		*reason = "bh= is not a base64 SHA-256 digest";
		return -1;
	}
	return 0;
}

/* dkim_sig_check - the tags every signature needs (3.5) */
static int
dkim_sig_check(struct arena *a, const struct dkim_tag *tags, size_t n,
    struct dkim_sig *sig, const char **reason)
{
	const struct dkim_tag *v = dkim_tag_get(tags, n, "v");
	const struct dkim_tag *h = dkim_tag_get(tags, n, "h");
	const struct dkim_tag *l = dkim_tag_get(tags, n, "l");

	if (v == NULL || v->vlen != 1 || v->val[0] != '1')
		return *reason = v ? "v= is not 1" : "no v= tag", -1;
	if (dkim_sig_alg(sig->a, sig, reason) < 0 ||
	    dkim_sig_hashes(a, tags, n, sig, reason) < 0)
		return -1;
	if (dkim_sig_canon(dkim_tag_get(tags, n, "c"), sig) < 0)
		return *reason = "unknown canonicalization in c=", -1;
	if (*sig->d == 0 || domain_check(sig->d, strlen(sig->d)) != DOMAIN_OK
	    || strchr(sig->d, '@') != NULL || sig->d[strlen(sig->d) - 1] == '.')
		return *reason = *sig->d ? "d= is not a domain name" :
		    "no d= tag", -1;
	if (*sig->s == 0 || !dkim_sig_selector(sig->s) ||
	    strlen(sig->s) + strlen(sig->d) > DKIM_MAX_SEL_DOMAIN)
		return *reason = *sig->s ? "s= is not a selector" :
		    "no s= tag", -1;
	if (h == NULL || dkim_sig_list(a, h, &sig->h, &sig->nh) < 0)
		return *reason = h ? "h= is not a list of header names" :
		    "no h= tag", -1;
	if (!dkim_sig_has_from(sig))
		return *reason = "h= does not sign From", -1;
	if (dkim_sig_auid(sig, sig, reason) < 0)
		return -1;
	if (l != NULL) {
		if (dkim_sig_num(l, &sig->l) < 0)
			return *reason = "l= is not a number", -1;
		sig->has_l = 1;
	}
	if (dkim_sig_q(a, dkim_tag_get(tags, n, "q")) < 0)
		return *reason = "q= does not offer dns/txt", -1;
	return 0;
}

/* dkim_sig_parse - parse and check one DKIM-Signature field */
enum dkim_result
dkim_sig_parse(struct arena *a, const char *field, size_t len,
    long long now, struct dkim_sig *sig, const char **reason)
{
	struct dkim_tag tags[DKIM_MAX_TAGS];
	const struct dkim_tag *b;
	const char *colon = memchr(field, ':', len);
	size_t n, voff;

	memset(sig, 0, sizeof(*sig));
	sig->field = field;
	sig->flen = len;
	sig->d = sig->s = sig->a = sig->i = sig->bpre = "";
	if (colon == NULL)
		return *reason = "field has no ':'", DKIM_PERMERROR;
	voff = (size_t)(colon + 1 - field);
	if (dkim_tags_parse(colon + 1, len - voff, tags, DKIM_MAX_TAGS, &n,
	    reason) < 0) {
		const char *why = *reason;

		n = dkim_tags_salvage(colon + 1, len - voff, tags,
		    DKIM_MAX_TAGS);
		(void)dkim_sig_fields(a, tags, n, sig, reason);
		*reason = why;
		return DKIM_PERMERROR;
	}
	if (dkim_sig_fields(a, tags, n, sig, reason) < 0 ||
	    dkim_sig_check(a, tags, n, sig, reason) < 0)
		return DKIM_PERMERROR;
	b = dkim_tag_get(tags, n, "b");
	sig->b_from = voff + b->val_off;
	sig->b_to = voff + b->spec_end;
	return dkim_sig_times(tags, n, now, sig, reason);
}
