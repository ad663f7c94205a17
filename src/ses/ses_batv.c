/*
 * NAME
 *	ses_batv 3
 * SUMMARY
 *	BATV prvs signing and verification, as Exim and batv-tools
 * SYNOPSIS
 *	#include "ses/ses.h"
 *
 *	int	ses_batv_is_prvs(const char *addr, size_t len);
 *	enum ses_status ses_batv_sign(const struct ses_ring *ring,
 *			const char *addr, size_t len, long today,
 *			unsigned lifetime, struct buf *out);
 *	enum ses_status ses_batv_verify(const struct ses_ring *ring,
 *			const char *addr, size_t len, long today,
 *			unsigned lifetime, struct buf *plain);
 *	enum ses_status ses_batv_verify_fold(const struct ses_ring *ring,
 *			const char *addr, size_t len, long today,
 *			unsigned lifetime, struct buf *plain);
 *	enum ses_status ses_batv_strip(const char *addr, size_t len,
 *			struct buf *plain);
 * DESCRIPTION
 *	The tagged form is prvs=KDDDSSSSSS=local@domain: K the key number,
 *	DDD the expiry day (days since 1970-01-01 plus the lifetime) modulo
 *	1000 in three digits, SSSSSS the first three octets of
 *	HMAC-SHA1(secret, K DDD local@domain) in hexadecimal, over the
 *	address exactly as given (no case folding).  This is the layout of
 *	Exim's ${prvs} and batv-tools.
 *
 *	ses_batv_is_prvs() says whether addr starts with "prvs=" in any
 *	case.
 *
 *	ses_batv_sign() signs addr with the ring's first key, expiring
 *	lifetime days after today (days since the epoch), and writes the
 *	tagged address, hash in lower case, to out (reset first).
 *
 *	ses_batv_verify() checks a tagged address: the key its K names,
 *	the hash compared case-insensitively in constant time, then the
 *	expiry: too old when (DDD - today) mod 1000 > lifetime, which also
 *	holds across the 1000-day wrap.  On success the plain address goes
 *	to plain (reset first).
 *
 *	ses_batv_strip() takes the tag off a prvs address of the form above
 *	without checking key, hash or expiry: which address it stands for,
 *	for someone who cannot read the keys (rmxf procmail); never a
 *	reason to accept a bounce.
 * DIAGNOSTICS
 *	sign: SES_OK; SES_ALREADY for an address that already has a prvs=
 *	tag; SES_NOT_OURS for an address without local part, '@' or domain
 *	(the null sender too); SES_NO_KEY for a ring without BATV key
 *	numbers; SES_TOO_LONG when input or result is over SES_MAX_ADDR
 *	or out cannot hold it.
 *
 *	verify: SES_OK; SES_NOT_OURS without a prvs= tag; SES_MALFORMED for
 *	a tag not of the form above or without local part, '@' or domain;
 *	SES_NO_KEY, SES_BAD_HASH, SES_EXPIRED; SES_TOO_LONG.  strip: the
 *	same but SES_NO_KEY, SES_BAD_HASH and SES_EXPIRED.
 * SEE ALSO
 *	draft-levine-smtp-batv-01, Exim spec chapter 11 (${prvs},
 *	${prvscheck}).
 */
#include <string.h>

#include <openssl/crypto.h>

#include "ses/ses_int.h"
#include "util/buf.h"

#define SES_BATV_PREFIX		"prvs="
#define SES_BATV_PREFIX_LEN	5
#define SES_BATV_TAG_LEN	10	/* K DDD SSSSSS */
#define SES_BATV_HASH_OCTETS	3	/* SSSSSS */
#define SES_BATV_DATA_MAX	(4 + SES_MAX_ADDR)	/* K DDD address */

static const char ses_batv_hex[] = "0123456789abcdef";

/* ses_batv_is_prvs - "prvs=" in any case */
int
ses_batv_is_prvs(const char *addr, size_t len)
{
	return len >= SES_BATV_PREFIX_LEN &&
	    strncasecmp(addr, SES_BATV_PREFIX, SES_BATV_PREFIX_LEN) == 0;
}

/* ses_batv_plain_ok - local@domain with both parts present */
static int
ses_batv_plain_ok(const char *addr, size_t len)
{
	size_t dlen;
	const char *dom = ses_addr_domain(addr, len, &dlen);

	return dom != NULL && dlen > 0 && dom - 1 > addr;
}

/* ses_batv_hash - the six lower-case hex digits for K DDD address */
static int
ses_batv_hash(const struct ses_key *key, const char *kddd, const char *addr,
    size_t len, char *hex)
{
	unsigned char data[SES_BATV_DATA_MAX];
	unsigned char md[SES_SHA1_LEN];
	int i;

	if (len > SES_MAX_ADDR)
		return -1;
	memcpy(data, kddd, 4);
	memcpy(data + 4, addr, len);
	if (ses_hmac_sha1(key, data, 4 + len, md) < 0)
		return -1;
	for (i = 0; i < SES_BATV_HASH_OCTETS; i++) {
		hex[2 * i] = ses_batv_hex[md[i] >> 4];
		hex[2 * i + 1] = ses_batv_hex[md[i] & 15];
	}
	explicit_bzero(md, sizeof(md));
	return 0;
}

/* ses_batv_kddd - the four characters K DDD */
static void
ses_batv_kddd(int num, long day, char *kddd)
{
	long d = ses_day_mod(day, SES_BATV_DAYS);

	kddd[0] = (char)('0' + num);
	kddd[1] = (char)('0' + d / 100);
	kddd[2] = (char)('0' + d / 10 % 10);
	kddd[3] = (char)('0' + d % 10);
}

/* ses_batv_sign - prvs=KDDDSSSSSS=addr with the first key */
enum ses_status
ses_batv_sign(const struct ses_ring *ring, const char *addr, size_t len,
    long today, unsigned lifetime, struct buf *out)
{
	const struct ses_key *key;
	char kddd[4], hex[2 * SES_BATV_HASH_OCTETS];

	buf_reset(out);
	if (len > SES_MAX_ADDR)
		return SES_TOO_LONG;
	if (ses_batv_is_prvs(addr, len))
		return SES_ALREADY;
	if (!ses_batv_plain_ok(addr, len))
		return SES_NOT_OURS;
	if (ring == NULL || ring->nkeys == 0 || ring->keys[0].num < 0)
		return SES_NO_KEY;
	if (len > SES_MAX_ADDR - SES_BATV_PREFIX_LEN - SES_BATV_TAG_LEN - 1)
		return SES_TOO_LONG;
	key = &ring->keys[0];
	ses_batv_kddd(key->num, today + (long)(lifetime % SES_BATV_DAYS),
	    kddd);
	if (ses_batv_hash(key, kddd, addr, len, hex) < 0)
		return SES_TOO_LONG;
	if (buf_append(out, SES_BATV_PREFIX, SES_BATV_PREFIX_LEN) < 0 ||
	    buf_append(out, kddd, sizeof(kddd)) < 0 ||
	    buf_append(out, hex, sizeof(hex)) < 0 || buf_putc(out, '=') < 0 ||
	    buf_append(out, addr, len) < 0) {
		buf_reset(out);
		return SES_TOO_LONG;
	}
	return SES_OK;
}

/* ses_batv_hexval - value of a hex digit in either case, or -1 */
static int
ses_batv_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * ses_batv_split - the tag (K DDD SSSSSS, the hash digits lowered into
 * given) and the plain address of a prvs address
 */
static enum ses_status
ses_batv_split(const char *addr, size_t len, const char **tag,
    char given[2 * SES_BATV_HASH_OCTETS], const char **rest, size_t *rlen)
{
	size_t i;
	int v;

	if (len > SES_MAX_ADDR)
		return SES_TOO_LONG;
	if (!ses_batv_is_prvs(addr, len))
		return SES_NOT_OURS;
	*tag = addr + SES_BATV_PREFIX_LEN;
	if (len - SES_BATV_PREFIX_LEN < SES_BATV_TAG_LEN + 1 ||
	    (*tag)[SES_BATV_TAG_LEN] != '=')
		return SES_MALFORMED;
	for (i = 0; i < 4; i++)
		if ((*tag)[i] < '0' || (*tag)[i] > '9')
			return SES_MALFORMED;
	for (i = 0; i < 2 * SES_BATV_HASH_OCTETS; i++) {
		if ((v = ses_batv_hexval((unsigned char)(*tag)[4 + i])) < 0)
			return SES_MALFORMED;
		given[i] = ses_batv_hex[v];
	}
	*rest = *tag + SES_BATV_TAG_LEN + 1;
	*rlen = len - SES_BATV_PREFIX_LEN - SES_BATV_TAG_LEN - 1;
	if (!ses_batv_plain_ok(*rest, *rlen))
		return SES_MALFORMED;
	return SES_OK;
}

/* ses_batv_verify - check a prvs tag; the plain address on success */
enum ses_status
ses_batv_verify(const struct ses_ring *ring, const char *addr, size_t len,
    long today, unsigned lifetime, struct buf *plain)
{
	const struct ses_key *key = NULL;
	const char *tag, *rest;
	char hex[2 * SES_BATV_HASH_OCTETS], given[2 * SES_BATV_HASH_OCTETS];
	size_t i, rlen;
	long expiry, left;
	enum ses_status st;
	int num;

	buf_reset(plain);
	if ((st = ses_batv_split(addr, len, &tag, given, &rest, &rlen)) !=
	    SES_OK)
		return st;
	num = tag[0] - '0';
	for (i = 0; ring != NULL && i < ring->nkeys; i++)
		if (ring->keys[i].num == num)
			key = &ring->keys[i];
	if (key == NULL)
		return SES_NO_KEY;
	if (ses_batv_hash(key, tag, rest, rlen, hex) < 0)
		return SES_TOO_LONG;
	if (CRYPTO_memcmp(hex, given, sizeof(hex)) != 0)
		return SES_BAD_HASH;
	expiry = (tag[1] - '0') * 100 + (tag[2] - '0') * 10 + (tag[3] - '0');
	left = ses_day_mod(expiry - ses_day_mod(today, SES_BATV_DAYS),
	    SES_BATV_DAYS);
	if (left > (long)lifetime)
		return SES_EXPIRED;
	if (buf_append(plain, rest, rlen) < 0) {
		buf_reset(plain);
		return SES_TOO_LONG;
	}
	return SES_OK;
}

/* ses_batv_strip - the plain address of a prvs address, unchecked */
enum ses_status
ses_batv_strip(const char *addr, size_t len, struct buf *plain)
{
	const char *tag, *rest;
	char given[2 * SES_BATV_HASH_OCTETS];
	size_t rlen;
	enum ses_status st;

	buf_reset(plain);
	if ((st = ses_batv_split(addr, len, &tag, given, &rest, &rlen)) !=
	    SES_OK)
		return st;
	if (buf_append(plain, rest, rlen) < 0) {
		buf_reset(plain);
		return SES_TOO_LONG;
	}
	return SES_OK;
}

/*
 * ses_batv_verify_fold - ses_batv_verify(), and when the signature does
 * not match, once more over the ASCII-lower-cased address: rmxfd's sign
 * map signs lower-cased addresses, and a relay may have changed the case
 * of ours on the way back.  A signature over a mixed-case address (Exim,
 * rmxf ses sign) still verifies as given.
 */
enum ses_status
ses_batv_verify_fold(const struct ses_ring *ring, const char *addr,
    size_t len, long today, unsigned lifetime, struct buf *plain)
{
	char low[SES_MAX_ADDR];
	enum ses_status st;
	size_t i;

	st = ses_batv_verify(ring, addr, len, today, lifetime, plain);
	if (st != SES_BAD_HASH || len > sizeof(low))
		return st;
	for (i = 0; i < len; i++)
		low[i] = (char)(addr[i] >= 'A' && addr[i] <= 'Z' ?
		    addr[i] - 'A' + 'a' : addr[i]);
	if (memcmp(low, addr, len) == 0)
		return st;
	return ses_batv_verify(ring, low, len, today, lifetime, plain) ==
	    SES_OK ? SES_OK : st;
}
