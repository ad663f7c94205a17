/*
 * NAME
 *	ses_ring 3
 * SUMMARY
 *	key rings for BATV and SRS, status names, the HMAC both use
 * SYNOPSIS
 *	#include "ses/ses.h"
 *
 *	struct ses_ring *ses_ring_parse(const char *text, size_t len,
 *			enum ses_ring_kind kind, struct buf *err);
 *	void	ses_ring_free(struct ses_ring *ring);
 *	size_t	ses_ring_count(const struct ses_ring *ring);
 *	int	ses_ring_signing_key(const struct ses_ring *ring);
 *	const char *ses_status_str(enum ses_status status);
 *	const char *ses_addr_domain(const char *addr, size_t len,
 *			size_t *dlen);
 *	int	ses_addr_plain(const char *addr, size_t len);
 * DESCRIPTION
 *	ses_ring_parse() reads the text of a key ring file (the caller read
 *	it, see secret_file_read(3)).  Lines end in LF, a CR before it is
 *	dropped; blank lines and lines whose first non-blank byte is '#'
 *	are skipped.
 *
 *	SES_RING_BATV: every other line is "K SECRET": the key number K
 *	(one digit 0-9), white space, and the secret, which is the rest of
 *	the line without trailing white space, taken literally as Exim's
 *	${prvs} takes its secret argument.  Key numbers are unique.  The
 *	first line's key signs; every key verifies the tags that name it.
 *
 *	SES_RING_SRS: every other line is one secret (postsrsd's secrets
 *	file); the first signs, all verify.  A secret holds no white
 *	space (postsrsd's generated secrets are base64); a line of the
 *	form "K SECRET" is read as its SECRET, so that the same file can
 *	be named as ses_keys and srs_secrets: then SRS signs with the
 *	first BATV secret and verifies with all of them, in file order.
 *
 *	The ring owns a copy of each secret in an allocation of its own;
 *	ses_ring_free() wipes and frees them (NULL is a no-op).
 *
 *	ses_ring_signing_key() returns the key number of the first BATV
 *	key, -1 for a ring of plain SRS secrets.
 *
 *	ses_addr_domain() returns the bytes after the last '@' of addr and
 *	their count in *dlen, NULL when addr has no '@'.
 * DIAGNOSTICS
 *	ses_ring_parse() returns NULL and puts "line N: why" in err (reset
 *	first) for a malformed line, a duplicate key number, a secret over
 *	SES_MAX_SECRET octets, more than SES_MAX_KEYS keys, a NUL byte, a
 *	text over SES_MAX_RING octets, or a ring without keys.  The
 *	message never shows secret bytes.
 * SEE ALSO
 *	draft-levine-smtp-batv-01, Exim spec chapter 11 (${prvs}),
 *	postsrsd(8).
 */
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "ses/ses_int.h"
#include "util/buf.h"
#include "util/xmalloc.h"

static const char *const ses_status_names[] = {
	[SES_OK] = "ok",
	[SES_NOT_OURS] = "not a signed address",
	[SES_ALREADY] = "already signed",
	[SES_MALFORMED] = "malformed signature tag",
	[SES_BAD_HASH] = "signature does not match",
	[SES_EXPIRED] = "signature expired",
	[SES_NO_KEY] = "key number not in the key ring",
	[SES_TOO_LONG] = "address too long",
};

/* ses_status_str - a static name for logs and stderr */
const char *
ses_status_str(enum ses_status status)
{
	if ((unsigned)status >= sizeof(ses_status_names) /
	    sizeof(ses_status_names[0]) || ses_status_names[status] == NULL)
		return "unknown status";
	return ses_status_names[status];
}

/* ses_is_blank - space or tab */
static int
ses_is_blank(int c)
{
	return c == ' ' || c == '\t';
}

/* ses_ring_line - one line into the ring; 0, or -1 with err set */
static int
ses_ring_line(struct ses_ring *ring, const char *p, size_t len,
    unsigned lineno, struct buf *err)
{
	size_t i = 0, start;
	int num = -1;

	while (i < len && ses_is_blank((unsigned char)p[i]))
		i++;
	while (len > i && ses_is_blank((unsigned char)p[len - 1]))
		len--;
	if (i == len || p[i] == '#')
		return 0;
	if (len - i >= 2 && p[i] >= '0' && p[i] <= '9' &&
	    ses_is_blank((unsigned char)p[i + 1])) {
		num = p[i] - '0';
		for (i += 2; i < len && ses_is_blank((unsigned char)p[i]); i++)
			;
	} else if (ring->kind == SES_RING_BATV) {
		buf_printf(err, "line %u: expected 'K SECRET' (a key number "
		    "0-9, white space, the secret)", lineno);
		return -1;
	}
	start = i;
	for (; i < len; i++) {
		if (p[i] == '\0') {
			buf_printf(err, "line %u: NUL byte", lineno);
			return -1;
		}
		if (ring->kind == SES_RING_SRS &&
		    ses_is_blank((unsigned char)p[i])) {
			buf_printf(err, "line %u: white space in a secret "
			    "(one secret per line, or 'K SECRET')", lineno);
			return -1;
		}
	}
	if (len - start > SES_MAX_SECRET) {
		buf_printf(err, "line %u: secret longer than %d bytes",
		    lineno, SES_MAX_SECRET);
		return -1;
	}
	if (ring->nkeys >= SES_MAX_KEYS) {
		buf_printf(err, "line %u: more than %d keys", lineno,
		    SES_MAX_KEYS);
		return -1;
	}
	if (ring->kind == SES_RING_BATV)
		for (i = 0; i < ring->nkeys; i++)
			if (ring->keys[i].num == num) {
				buf_printf(err, "line %u: key number %d "
				    "again", lineno, num);
				return -1;
			}
	ring->keys[ring->nkeys].num = num;
	ring->keys[ring->nkeys].secret = (unsigned char *)xmemdup(p + start,
	    len - start);
	ring->keys[ring->nkeys].len = len - start;
	ring->nkeys++;
	return 0;
}

/* ses_ring_parse - a ring file's text into a ring; NULL + err */
struct ses_ring *
ses_ring_parse(const char *text, size_t len, enum ses_ring_kind kind,
    struct buf *err)
{
	struct ses_ring *ring = xcalloc(1, sizeof(*ring));
	const char *p = text, *end = text + len, *nl;
	unsigned lineno = 0;
	size_t n;

	buf_reset(err);
	ring->kind = kind;
	if (len > SES_MAX_RING) {
		buf_printf(err, "line 1: key ring longer than %d bytes",
		    SES_MAX_RING);
		goto fail;
	}
	while (p < end) {
		lineno++;
		nl = memchr(p, '\n', (size_t)(end - p));
		n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (ses_ring_line(ring, p, n, lineno, err) < 0)
			goto fail;
		p = nl ? nl + 1 : end;
	}
	if (ring->nkeys == 0) {
		buf_printf(err, "line %u: no keys in the key ring",
		    lineno ? lineno : 1);
		goto fail;
	}
	return ring;
fail:
	ses_ring_free(ring);
	return NULL;
}

/* ses_ring_free - wipe the secrets, release; NULL ok */
void
ses_ring_free(struct ses_ring *ring)
{
	size_t i;

	if (ring == NULL)
		return;
	for (i = 0; i < ring->nkeys; i++)
		xwipe_free(ring->keys[i].secret, ring->keys[i].len);
	xwipe_free(ring, sizeof(*ring));
}

/* ses_ring_count - how many keys */
size_t
ses_ring_count(const struct ses_ring *ring)
{
	return ring ? ring->nkeys : 0;
}

/* ses_ring_signing_key - the key number that signs, -1 if none */
int
ses_ring_signing_key(const struct ses_ring *ring)
{
	if (ring == NULL || ring->nkeys == 0)
		return -1;
	return ring->keys[0].num;
}

/* ses_hmac_sha1 - HMAC-SHA1 of data under a key; 0 or -1 */
int
ses_hmac_sha1(const struct ses_key *key, const unsigned char *data,
    size_t len, unsigned char *md)
{
	unsigned int mdlen = 0;

	if (HMAC(EVP_sha1(), key->secret, (int)key->len, data, len, md,
	    &mdlen) == NULL || mdlen != SES_SHA1_LEN)
		return -1;
	return 0;
}

/* ses_day_mod - day number modulo m, in 0..m-1 also for negatives */
long
ses_day_mod(long day, long m)
{
	long r = day % m;

	return r < 0 ? r + m : r;
}

/*
 * ses_addr_plain - an address we may rewrite: a local part that is an
 * RFC 5322 dot-atom (atext and single dots, none at either end) and a
 * domain of letters, digits, '-', '_' and dots; in both, octets over
 * 0x7f as well (the UTF-8 of RFC 6531 SMTPUTF8 addresses, taken as
 * they come).  Anything else (blanks, quotes, a second '@', controls)
 * would need quoting once a tag is put in front of it, or is no address
 * Postfix sends; it is left alone.
 */
int
ses_addr_plain(const char *addr, size_t len)
{
	static const char atext[] = "!#$%&'*+-/=?^_`{|}~";
	size_t dlen, llen, i;
	const char *dom = ses_addr_domain(addr, len, &dlen);
	unsigned char c;

	if (dom == NULL || dlen == 0 || (llen = (size_t)(dom - 1 - addr)) == 0)
		return 0;
	for (i = 0; i < llen; i++) {
		c = (unsigned char)addr[i];
		if (c == '.') {
			if (i == 0 || i == llen - 1 || addr[i - 1] == '.')
				return 0;
		} else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c >= 0x80 ||
		    (c != 0 && strchr(atext, c))))
			return 0;
	}
	for (i = 0; i < dlen; i++) {
		c = (unsigned char)dom[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
		    c >= 0x80))
			return 0;
	}
	return 1;
}

/* ses_addr_domain - the bytes after the last '@' */
const char *
ses_addr_domain(const char *addr, size_t len, size_t *dlen)
{
	size_t i;

	for (i = len; i > 0; i--)
		if (addr[i - 1] == '@') {
			*dlen = len - i;
			return addr + i;
		}
	*dlen = 0;
	return NULL;
}
