/*
 * NAME
 *	ses_srs 3
 * SUMMARY
 *	Sender Rewriting Scheme, as postsrsd 1.10, libsrs2 and Mail::SRS
 * SYNOPSIS
 *	#include "ses/ses.h"
 *
 *	int	ses_srs_is_srs(const char *addr, size_t len);
 *	enum ses_status ses_srs_forward(const struct ses_ring *ring,
 *			const struct ses_srs_opts *opts, const char *addr,
 *			size_t len, long today, struct buf *out);
 *	enum ses_status ses_srs_reverse(const struct ses_ring *ring,
 *			const struct ses_srs_opts *opts, const char *addr,
 *			size_t len, long today, struct buf *out);
 *	enum ses_status ses_srs_decode(const char *addr, size_t len,
 *			struct buf *out);
 * DESCRIPTION
 *	The "guarded" scheme of libsrs2 (postsrsd 1.10 carries a copy) and
 *	Mail::SRS, with S the separator (= + -), opts->domain the SRS domain:
 *
 *	    local@domain  ->  SRS0 S HHHH = TT = domain = local @ srsdomain
 *	    SRS0 S' rest @ hop  ->  SRS1 S HHHH = hop = S' rest @ srsdomain
 *	    (with S' = '=' that is "hop==rest")
 *	    SRS1 S' H = hop = rest @ x  ->  SRS1 S HHHH = hop = rest @ srsdomain
 *
 *	TT is the day number (days since the epoch) modulo 1024 as two
 *	base32 digits (A-Z 2-7).  HHHH is the first four characters of the
 *	base64 HMAC-SHA1, under the first secret, over the concatenation of
 *	TT, domain and local (SRS0), or of hop and S' rest (SRS1), every
 *	ASCII upper-case letter lowered first (libsrs2 does; so does
 *	Mail::SRS).  Standard base64 by default, as postsrsd 1.10, which
 *	cannot verify anything else; opts->base64url signs with - and _ in
 *	place of + and / (postsrsd 2.x).
 *
 *	ses_srs_forward() rewrites addr into out (reset first).  An address
 *	already in opts->domain is not rewritten again (SES_ALREADY), plain
 *	or SRS, as postsrsd answers "Already rewritten"; which other domains
 *	are local is the caller's business.
 *
 *	ses_srs_reverse() takes an SRS0 or SRS1 address in any case, checks
 *	its hash against every secret (case-insensitively, the base64 and
 *	base64url alphabets alike) and, for SRS0, its age: too old when
 *	(today - TT) mod 1024 > max_age.  SRS0 gives the original
 *	local@domain, SRS1 the SRS0 address at the first hop, as libsrs2.
 *	The domain after the '@' is not checked (neither does postsrsd): a
 *	valid hash shows that we made it.
 *
 *	ses_srs_decode() gives what ses_srs_reverse() would, from the layout
 *	alone: no secret, no hash and no age checked.  It says which sender
 *	an SRS address stands for to someone who cannot read the secrets
 *	(rmxf procmail, run as the mailbox owner); it never decides whether
 *	to relay.
 * DIAGNOSTICS
 *	forward: SES_OK; SES_NOT_OURS without a local part, '@', domain or
 *	SRS domain, or with a '=' in the domain (no domain has one, and it
 *	would not reverse); SES_ALREADY; SES_MALFORMED for a broken SRS1 address;
 *	SES_TOO_LONG.  reverse: SES_OK; SES_NOT_OURS for an address not
 *	starting with SRS0 or SRS1 and a separator; SES_MALFORMED (missing
 *	fields, a hash not of four characters, a time stamp not of two
 *	base32 digits, no '@'); SES_BAD_HASH; SES_EXPIRED; SES_TOO_LONG.
 *	decode: the same but SES_BAD_HASH and SES_EXPIRED.
 * SEE ALSO
 *	Shevek, "Sender Rewriting Scheme" (libsrs2, Mail::SRS); postsrsd(8).
 */
#include <string.h>

#include <openssl/crypto.h>

#include "ses/ses_int.h"
#include "util/buf.h"

#define SES_SRS_TAG_LEN		4	/* "SRS0", "SRS1" */
#define SES_SRS_SEP		'='	/* between the fields */
#define SES_SRS_STAMP_LEN	2
#define SES_SRS_B64_LEN		28	/* base64 of 20 octets */

static const char ses_srs_base32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
static const char ses_srs_base64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* ses_srs_is_sep - one of the separators after SRS0 / SRS1 */
static int
ses_srs_is_sep(int c)
{
	return c == '=' || c == '+' || c == '-';
}

/* ses_srs_kind - 0 for SRS0, 1 for SRS1 (any case, a separator), or -1 */
static int
ses_srs_kind(const char *addr, size_t len)
{
	if (len <= SES_SRS_TAG_LEN || strncasecmp(addr, "SRS", 3) != 0 ||
	    !ses_srs_is_sep((unsigned char)addr[4]))
		return -1;
	if (addr[3] == '0')
		return 0;
	if (addr[3] == '1')
		return 1;
	return -1;
}

/* ses_srs_is_srs - SRS0 or SRS1 and a separator, any case */
int
ses_srs_is_srs(const char *addr, size_t len)
{
	return ses_srs_kind(addr, len) >= 0;
}

/* ses_srs_lower - ASCII lower case of one byte */
static unsigned char
ses_srs_lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/*
 * ses_srs_hash - first SES_SRS_HASH_LEN base64 characters of the HMAC
 * over the lower-cased concatenation of up to three parts; 0 or -1.
 */
static int
ses_srs_hash(const struct ses_key *key, const char *p1, size_t l1,
    const char *p2, size_t l2, const char *p3, size_t l3, char *hash)
{
	unsigned char data[SES_MAX_ADDR + SES_SRS_STAMP_LEN];
	unsigned char md[SES_SHA1_LEN];
	const char *part[3] = {p1, p2, p3};
	size_t plen[3] = {l1, l2, l3}, n = 0, i, j;
	unsigned v;

	for (i = 0; i < 3; i++) {
		if (plen[i] > sizeof(data) - n)
			return -1;
		for (j = 0; j < plen[i]; j++)
			data[n++] = ses_srs_lower((unsigned char)part[i][j]);
	}
	if (ses_hmac_sha1(key, data, n, md) < 0)
		return -1;
	/* 4 characters are the first 24 bits: md[0..2] */
	v = (unsigned)md[0] << 16 | (unsigned)md[1] << 8 | md[2];
	for (i = 0; i < SES_SRS_HASH_LEN; i++)
		hash[i] = ses_srs_base64[(v >> (18 - 6 * i)) & 63];
	explicit_bzero(md, sizeof(md));
	return 0;
}

/* ses_srs_hash_check - a given hash against every secret */
static enum ses_status
ses_srs_hash_check(const struct ses_ring *ring, const char *given,
    const char *p1, size_t l1, const char *p2, size_t l2, const char *p3,
    size_t l3)
{
	char want[SES_SRS_HASH_LEN], norm[SES_SRS_HASH_LEN];
	size_t i, k;
	int match = 0;

	for (i = 0; i < SES_SRS_HASH_LEN; i++) {
		unsigned char c = (unsigned char)given[i];

		/* base64url to base64, then case-insensitive as libsrs2 */
		c = c == '-' ? '+' : c == '_' ? '/' : c;
		norm[i] = (char)ses_srs_lower(c);
	}
	for (k = 0; ring != NULL && k < ring->nkeys; k++) {
		if (ses_srs_hash(&ring->keys[k], p1, l1, p2, l2, p3, l3,
		    want) < 0)
			return SES_TOO_LONG;
		for (i = 0; i < SES_SRS_HASH_LEN; i++)
			want[i] = (char)ses_srs_lower((unsigned char)want[i]);
		match |= CRYPTO_memcmp(want, norm, sizeof(want)) == 0;
	}
	return match ? SES_OK : SES_BAD_HASH;
}

/* ses_srs_put_hash - the hash in the chosen alphabet */
static int
ses_srs_put_hash(struct buf *out, const char *hash, int base64url)
{
	size_t i;
	int c;

	for (i = 0; i < SES_SRS_HASH_LEN; i++) {
		c = (unsigned char)hash[i];
		if (base64url)
			c = c == '+' ? '-' : c == '/' ? '_' : c;
		if (buf_putc(out, c) < 0)
			return -1;
	}
	return 0;
}

/* ses_srs_sep - the configured separator, '=' when unset or odd */
static int
ses_srs_sep(const struct ses_srs_opts *opts)
{
	return ses_srs_is_sep(opts->separator) ? opts->separator : '=';
}

/* ses_srs_forward - rewrite a sender into the SRS domain */
enum ses_status
ses_srs_forward(const struct ses_ring *ring, const struct ses_srs_opts *opts,
    const char *addr, size_t len, long today, struct buf *out)
{
	const char *dom, *host = NULL, *user = NULL, *p;
	size_t dlen, llen, hlen = 0, ulen = 0, srslen;
	char hash[SES_SRS_HASH_LEN], stamp[SES_SRS_STAMP_LEN];
	long day;
	int kind, r;

	buf_reset(out);
	if (len > SES_MAX_ADDR)
		return SES_TOO_LONG;
	if (opts == NULL || opts->domain == NULL || *opts->domain == 0 ||
	    ring == NULL || ring->nkeys == 0)
		return SES_NOT_OURS;
	srslen = strlen(opts->domain);
	if ((dom = ses_addr_domain(addr, len, &dlen)) == NULL || dlen == 0 ||
	    dom - 1 == addr)
		return SES_NOT_OURS;
	llen = (size_t)(dom - 1 - addr);
	/* a '=' in the domain would shift the fields when reversed */
	if (memchr(dom, SES_SRS_SEP, dlen) != NULL)
		return SES_NOT_OURS;
	if (dlen == srslen && strncasecmp(dom, opts->domain, dlen) == 0)
		return SES_ALREADY;
	kind = ses_srs_kind(addr, llen);
	if (kind == 0) {
		/* SRS0 S' rest @ hop: hash (hop, S' rest) */
		host = dom;
		hlen = dlen;
		user = addr + SES_SRS_TAG_LEN;
		ulen = llen - SES_SRS_TAG_LEN;
	} else if (kind == 1) {
		/* SRS1 S' H = hop = rest: keep hop and rest, new hash */
		p = addr + SES_SRS_TAG_LEN + 1;
		host = memchr(p, SES_SRS_SEP, llen - SES_SRS_TAG_LEN - 1);
		if (host == NULL || host == p)
			return SES_MALFORMED;
		host++;
		user = memchr(host, SES_SRS_SEP, (size_t)(addr + llen - host));
		if (user == NULL || user == host || user + 1 == addr + llen)
			return SES_MALFORMED;
		hlen = (size_t)(user - host);
		user++;
		ulen = (size_t)(addr + llen - user);
	}
	if (kind >= 0) {
		if (ses_srs_hash(&ring->keys[0], host, hlen, user, ulen, NULL,
		    0, hash) < 0)
			return SES_TOO_LONG;
		r = buf_append(out, "SRS1", SES_SRS_TAG_LEN) ||
		    buf_putc(out, ses_srs_sep(opts)) ||
		    ses_srs_put_hash(out, hash, opts->base64url) ||
		    buf_putc(out, SES_SRS_SEP) || buf_append(out, host, hlen) ||
		    buf_putc(out, SES_SRS_SEP) || buf_append(out, user, ulen);
	} else {
		day = ses_day_mod(today, SES_SRS_DAYS);
		stamp[0] = ses_srs_base32[day >> 5];
		stamp[1] = ses_srs_base32[day & 31];
		if (ses_srs_hash(&ring->keys[0], stamp, sizeof(stamp), dom,
		    dlen, addr, llen, hash) < 0)
			return SES_TOO_LONG;
		r = buf_append(out, "SRS0", SES_SRS_TAG_LEN) ||
		    buf_putc(out, ses_srs_sep(opts)) ||
		    ses_srs_put_hash(out, hash, opts->base64url) ||
		    buf_putc(out, SES_SRS_SEP) ||
		    buf_append(out, stamp, sizeof(stamp)) ||
		    buf_putc(out, SES_SRS_SEP) || buf_append(out, dom, dlen) ||
		    buf_putc(out, SES_SRS_SEP) || buf_append(out, addr, llen);
	}
	r = r || buf_putc(out, '@') || buf_append(out, opts->domain, srslen);
	if (r != 0 || out->len > SES_MAX_ADDR) {
		buf_reset(out);
		return SES_TOO_LONG;
	}
	return SES_OK;
}

/* ses_srs_stamp - the day of a two-character base32 stamp, or -1 */
static long
ses_srs_stamp(const char *p)
{
	const char *c0, *c1;
	int u0 = (unsigned char)p[0], u1 = (unsigned char)p[1];

	u0 = u0 >= 'a' && u0 <= 'z' ? u0 - 'a' + 'A' : u0;
	u1 = u1 >= 'a' && u1 <= 'z' ? u1 - 'a' + 'A' : u1;
	if (u0 == 0 || u1 == 0 || (c0 = strchr(ses_srs_base32, u0)) == NULL ||
	    (c1 = strchr(ses_srs_base32, u1)) == NULL)
		return -1;
	return (long)(c0 - ses_srs_base32) << 5 | (long)(c1 - ses_srs_base32);
}

/* ses_srs_field - bytes up to the next '=' in [p, end); NULL if none */
static const char *
ses_srs_field(const char *p, const char *end, size_t *flen)
{
	const char *e = memchr(p, SES_SRS_SEP, (size_t)(end - p));

	if (e == NULL)
		return NULL;
	*flen = (size_t)(e - p);
	return e + 1;
}

/* The fields of an SRS0 or SRS1 address (pointers into it). */
struct ses_srs_parts {
	int		kind;		/* 0: SRS0, 1: SRS1 */
	const char     *hash;		/* SES_SRS_HASH_LEN characters */
	const char     *stamp;		/* SRS0: TT; SRS1: NULL */
	const char     *host;		/* SRS0: domain; SRS1: first hop */
	size_t		hlen;
	const char     *user;		/* SRS0: local; SRS1: S' rest */
	size_t		ulen;
};

/* ses_srs_split - the fields of an SRS address, as libsrs2 lays them out */
static enum ses_status
ses_srs_split(const char *addr, size_t len, struct ses_srs_parts *sp)
{
	const char *dom, *end, *p;
	size_t dlen, hashlen, slen;

	if (len > SES_MAX_ADDR)
		return SES_TOO_LONG;
	if ((sp->kind = ses_srs_kind(addr, len)) < 0)
		return SES_NOT_OURS;
	if ((dom = ses_addr_domain(addr, len, &dlen)) == NULL)
		return SES_MALFORMED;
	end = dom - 1;
	sp->hash = addr + SES_SRS_TAG_LEN + 1;
	if (sp->hash > end || (p = ses_srs_field(sp->hash, end,
	    &hashlen)) == NULL || hashlen != SES_SRS_HASH_LEN)
		return SES_MALFORMED;
	sp->stamp = NULL;
	if (sp->kind == 0) {
		/* SRS0 S H = TT = domain = local */
		sp->stamp = p;
		if ((p = ses_srs_field(p, end, &slen)) == NULL ||
		    slen != SES_SRS_STAMP_LEN || ses_srs_stamp(sp->stamp) < 0)
			return SES_MALFORMED;
	}
	/* SRS0: domain = local; SRS1: hop = S' rest */
	sp->host = p;
	if ((sp->user = ses_srs_field(sp->host, end, &sp->hlen)) == NULL ||
	    sp->hlen == 0 || sp->user == end)
		return SES_MALFORMED;
	sp->ulen = (size_t)(end - sp->user);
	return SES_OK;
}

/* ses_srs_unwrap - the address an SRS address stands for, into out */
static enum ses_status
ses_srs_unwrap(const struct ses_srs_parts *sp, struct buf *out)
{
	int r;

	if (sp->kind == 1)
		r = buf_append(out, "SRS0", SES_SRS_TAG_LEN) ||
		    buf_append(out, sp->user, sp->ulen) ||
		    buf_putc(out, '@') || buf_append(out, sp->host, sp->hlen);
	else
		r = buf_append(out, sp->user, sp->ulen) ||
		    buf_putc(out, '@') || buf_append(out, sp->host, sp->hlen);
	if (r != 0) {
		buf_reset(out);
		return SES_TOO_LONG;
	}
	return SES_OK;
}

/* ses_srs_reverse - check an SRS address, give the one it stands for */
enum ses_status
ses_srs_reverse(const struct ses_ring *ring, const struct ses_srs_opts *opts,
    const char *addr, size_t len, long today, struct buf *out)
{
	struct ses_srs_parts sp;
	unsigned max_age;
	long age;
	enum ses_status st;

	buf_reset(out);
	if ((st = ses_srs_split(addr, len, &sp)) != SES_OK)
		return st;
	if (sp.kind == 1)
		st = ses_srs_hash_check(ring, sp.hash, sp.host, sp.hlen,
		    sp.user, sp.ulen, NULL, 0);
	else
		st = ses_srs_hash_check(ring, sp.hash, sp.stamp,
		    SES_SRS_STAMP_LEN, sp.host, sp.hlen, sp.user, sp.ulen);
	if (st != SES_OK)
		return st;
	if (sp.kind == 0) {
		max_age = opts != NULL && opts->max_age != 0 ? opts->max_age :
		    SES_SRS_DEFAULT_MAX_AGE;
		age = ses_day_mod(ses_day_mod(today, SES_SRS_DAYS) -
		    ses_srs_stamp(sp.stamp), SES_SRS_DAYS);
		if (age > (long)max_age)
			return SES_EXPIRED;
	}
	return ses_srs_unwrap(&sp, out);
}

/* ses_srs_decode - the address an SRS address stands for, unchecked */
enum ses_status
ses_srs_decode(const char *addr, size_t len, struct buf *out)
{
	struct ses_srs_parts sp;
	enum ses_status st;

	buf_reset(out);
	if ((st = ses_srs_split(addr, len, &sp)) != SES_OK)
		return st;
	return ses_srs_unwrap(&sp, out);
}
