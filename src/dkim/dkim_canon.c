/*
 * NAME
 *	dkim_canon 3
 * SUMMARY
 *	DKIM canonicalization: header fields, and the body as it streams
 * SYNOPSIS
 *	#include "dkim_int.h"
 *
 *	int	dkim_canon_header(struct buf *out, enum dkim_canon c,
 *			const char *field, size_t len);
 *	int	dkim_hname_eq(const char *field, size_t len, const char *name);
 *
 *	struct dkim_bodyhash *dkim_bh_new(enum dkim_canon c, int has_l,
 *			unsigned long long l);
 *	int	dkim_bh_same(const struct dkim_bodyhash *bh,
 *			enum dkim_canon c, int has_l, unsigned long long l);
 *	void	dkim_bh_data(struct dkim_bodyhash *bh, const char *p,
 *			size_t n);
 *	void	dkim_bh_crlf(struct dkim_bodyhash *bh);
 *	size_t	dkim_bh_final(struct dkim_bodyhash *bh, unsigned char *md,
 *			int *short_body);
 *	void	dkim_bh_free(struct dkim_bodyhash *bh);
 * DESCRIPTION
 *	dkim_canon_header() appends one field (CRLF line ends, without the
 *	final CRLF) in the given canonicalization, followed by CRLF (3.4.1,
 *	3.4.2).  dkim_hname_eq() compares a field's name with a name, case
 *	insensitively, ignoring blanks before the colon.
 *
 *	A body hash takes the body as line content (dkim_bh_data(), never
 *	a line end) and line ends (dkim_bh_crlf()), canonicalizes it as it
 *	comes and hashes it with SHA-256.  Trailing empty lines are counted,
 *	not kept, and hashed only when more content follows (3.4.3, 3.4.4);
 *	relaxed folds blanks into one SP and drops them at line ends.  With
 *	l= only that many canonical octets are hashed (3.4.5).  At the end
 *	the simple body always gets its final CRLF (an empty body is one
 *	CRLF); the relaxed one only when it is not empty (RFC 6376 3.4.4,
 *	errata 3192).  dkim_bh_final() writes the digest and says whether
 *	the canonical body was shorter than l=.
 * DIAGNOSTICS
 *	dkim_canon_header() returns -1 when out is full.  Allocation and
 *	digest failures panic.
 * SEE ALSO
 *	RFC 6376 3.4, 3.7.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "util/buf.h"
#include "util/msg.h"
#include "util/xmalloc.h"
#include "dkim_int.h"

#define DKIM_BH_BLOCK	4096	/* canonical octets gathered per digest
				 * update: relaxed canonicalization makes
				 * pieces of a few octets */

struct dkim_bodyhash {
	enum dkim_canon	canon;
	int		has_l;
	unsigned long long l;
	unsigned long long total;	/* canonical octets produced */
	unsigned long	held;		/* empty lines not yet hashed */
	int		wsp;		/* relaxed: blanks pending */
	int		any;		/* some content produced */
	EVP_MD_CTX     *md;
	size_t		nblock;		/* octets gathered in block */
	unsigned char	block[DKIM_BH_BLOCK];
};

/* dkim_hname_eq - the field's name is this name */
int
dkim_hname_eq(const char *f, size_t len, const char *name)
{
	const char *colon = memchr(f, ':', len);
	size_t nl = strlen(name), fl;

	if (colon == NULL)
		return 0;
	fl = (size_t)(colon - f);
	while (fl > 0 && (f[fl - 1] == ' ' || f[fl - 1] == '\t'))
		fl--;
	return fl == nl && strncasecmp(f, name, nl) == 0;
}

/* dkim_canon_relaxed - 3.4.2: lower-case name, unfold, fold blanks */
static int
dkim_canon_relaxed(struct buf *out, const char *f, size_t len)
{
	const char *colon = memchr(f, ':', len);
	size_t k, nl, end;
	int wsp = 0;

	if (colon == NULL)
		return buf_append(out, "\r\n", 2);
	nl = (size_t)(colon - f);
	while (nl > 0 && (f[nl - 1] == ' ' || f[nl - 1] == '\t'))
		nl--;
	for (k = 0; k < nl; k++)
		buf_putc(out, tolower((unsigned char)f[k]));
	buf_putc(out, ':');
	k = (size_t)(colon - f) + 1;
	end = len;
	while (end > k && dkim_tag_wsp(f[end - 1]))
		end--;
	while (k < end && dkim_tag_wsp(f[k]))
		k++;
	for (; k < end; k++) {
		if (f[k] == '\r' || f[k] == '\n')
			continue;
		if (f[k] == ' ' || f[k] == '\t') {
			wsp = 1;
			continue;
		}
		if (wsp)
			buf_putc(out, ' ');
		wsp = 0;
		buf_putc(out, f[k]);
	}
	return buf_append(out, "\r\n", 2);
}

/* dkim_canon_header - one field in canonical form, with its CRLF */
int
dkim_canon_header(struct buf *out, enum dkim_canon c, const char *f,
    size_t len)
{
	if (c == DKIM_C_RELAXED)
		return dkim_canon_relaxed(out, f, len);
	if (buf_append(out, f, len) < 0)
		return -1;
	return buf_append(out, "\r\n", 2);
}

/* dkim_bh_new - a body hash for (c, l=) */
struct dkim_bodyhash *
dkim_bh_new(enum dkim_canon c, int has_l, unsigned long long l)
{
	struct dkim_bodyhash *bh = xcalloc(1, sizeof(*bh));

	bh->canon = c;
	bh->has_l = has_l;
	bh->l = l;
	if ((bh->md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(bh->md, EVP_sha256(), NULL) != 1)
		msg_panic("dkim: cannot start a SHA-256 digest");
	return bh;
}

/* dkim_bh_free - destroy */
void
dkim_bh_free(struct dkim_bodyhash *bh)
{
	if (bh == NULL)
		return;
	EVP_MD_CTX_free(bh->md);
	free(bh);
}

/* dkim_bh_same - this hash serves (c, l=) */
int
dkim_bh_same(const struct dkim_bodyhash *bh, enum dkim_canon c, int has_l,
    unsigned long long l)
{
	return bh->canon == c && bh->has_l == has_l && (!has_l || bh->l == l);
}

/* dkim_bh_push - the gathered octets to the digest */
static void
dkim_bh_push(struct dkim_bodyhash *bh)
{
	if (bh->nblock > 0 && EVP_DigestUpdate(bh->md, bh->block,
	    bh->nblock) != 1)
		msg_panic("dkim: SHA-256 update failed");
	bh->nblock = 0;
}

/* dkim_bh_out - hash canonical octets, up to l= */
static void
dkim_bh_out(struct dkim_bodyhash *bh, const char *p, size_t n)
{
	size_t take = n, c;

	if (n == 0)
		return;
	if (bh->has_l) {
		if (bh->total >= bh->l)
			take = 0;
		else if (n > bh->l - bh->total)
			take = (size_t)(bh->l - bh->total);
	}
	bh->total += n;
	bh->any = 1;
	while (take > 0) {
		c = DKIM_BH_BLOCK - bh->nblock;
		if (c > take)
			c = take;
		memcpy(bh->block + bh->nblock, p, c);
		bh->nblock += c;
		p += c;
		take -= c;
		if (bh->nblock == DKIM_BH_BLOCK)
			dkim_bh_push(bh);
	}
}

/* dkim_bh_flush - hash the empty lines held back */
static void
dkim_bh_flush(struct dkim_bodyhash *bh)
{
	for (; bh->held > 0; bh->held--)
		dkim_bh_out(bh, "\r\n", 2);
}

/* dkim_bh_data - line content, no line end in it */
void
dkim_bh_data(struct dkim_bodyhash *bh, const char *p, size_t n)
{
	size_t k, run;

	if (n == 0)
		return;
	if (bh->canon == DKIM_C_SIMPLE) {
		dkim_bh_flush(bh);
		dkim_bh_out(bh, p, n);
		return;
	}
	for (k = 0; k < n; k += run) {
		if (p[k] == ' ' || p[k] == '\t') {
			bh->wsp = 1;
			run = 1;
			continue;
		}
		for (run = 1; k + run < n && p[k + run] != ' ' &&
		    p[k + run] != '\t'; run++)
			;
		dkim_bh_flush(bh);
		if (bh->wsp)
			dkim_bh_out(bh, " ", 1);
		bh->wsp = 0;
		dkim_bh_out(bh, p + k, run);
	}
}

/* dkim_bh_crlf - a line end */
void
dkim_bh_crlf(struct dkim_bodyhash *bh)
{
	bh->wsp = 0;
	bh->held++;
}

/* dkim_bh_final - finish: the digest, and whether l= was not reached */
size_t
dkim_bh_final(struct dkim_bodyhash *bh, unsigned char *md, int *short_body)
{
	unsigned len = 0;

	if (bh->canon == DKIM_C_SIMPLE || bh->any) {
		bh->held = 0;
		dkim_bh_out(bh, "\r\n", 2);
	}
	*short_body = bh->has_l && bh->total < bh->l;
	dkim_bh_push(bh);
	if (EVP_DigestFinal_ex(bh->md, md, &len) != 1)
		msg_panic("dkim: SHA-256 final failed");
	return len;
}
