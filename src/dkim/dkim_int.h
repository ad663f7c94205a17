/* dkim_int.h - internals of the DKIM verifier */
#ifndef RMXF_DKIM_INT_H
#define RMXF_DKIM_INT_H

#include <stddef.h>

#include "dkim.h"

#include <openssl/evp.h>

struct arena;
struct buf;

#define DKIM_MAX_TAGS		64	/* tag-specs in one tag-list */
#define DKIM_MAX_HNAMES		256	/* names in one h= list */
#define DKIM_MAX_SIG_OCTETS	1024	/* decoded b= (RSA-8192) */
#define DKIM_MAX_HASH		64	/* octets of a digest we use */
#define DKIM_MAX_RSA_BITS	8192	/* larger keys: permerror */
#define DKIM_ED25519_KEY	32	/* RFC 8463 3 */
#define DKIM_B_PREFIX		8	/* header.b characters, RFC 6008 */
#define DKIM_MAX_LDIGITS	76	/* l=, t=, x=: RFC 6376 3.5 */

/* One tag-spec of an RFC 6376 3.2 tag-list, as offsets into the text. */
struct dkim_tag {
	const char     *name;
	size_t		nlen;
	const char     *val;		/* FWS around it removed */
	size_t		vlen;
	size_t		val_off;	/* offset just after the '=' */
	size_t		spec_end;	/* offset of its ';', or len */
};

int	dkim_tags_parse(const char *, size_t, struct dkim_tag *, size_t,
	    size_t *, const char **);
size_t	dkim_tags_salvage(const char *, size_t, struct dkim_tag *, size_t);
int	dkim_tag_item(const struct dkim_tag *, size_t *, size_t *, size_t *);
int	dkim_tag_wsp(int);
const struct dkim_tag *dkim_tag_get(const struct dkim_tag *, size_t,
	    const char *);
int	dkim_b64_decode(struct arena *, const char *, size_t,
	    unsigned char **, size_t *);

enum dkim_canon {
	DKIM_C_SIMPLE,
	DKIM_C_RELAXED,
};

/* One DKIM-Signature field, parsed and checked (RFC 6376 3.5). */
struct dkim_sig {
	const char     *field;		/* the whole field as kept */
	size_t		flen;
	size_t		b_from, b_to;	/* b= value to delete (3.7) */
	const char     *d, *s, *a, *i, *bpre;	/* NUL terminated */
	enum dkim_canon	hcanon, bcanon;
	int		ed25519;	/* else rsa-sha256 */
	const char    **h;		/* h= names */
	size_t		nh;
	unsigned char  *bh, *b;
	size_t		bhlen, blen;
	int		has_l;
	unsigned long long l;
	int		has_t, has_x;
	long long	t, x;
	int		i_is_sub;	/* AUID domain below d= */
};

enum dkim_result dkim_sig_parse(struct arena *, const char *, size_t,
	    long long, struct dkim_sig *, const char **);

/* A key record (RFC 6376 3.6.1), parsed. */
struct dkim_key {
	EVP_PKEY       *pkey;		/* NULL: revoked */
	int		ed25519;
	unsigned	bits;
	int		sha256_ok;	/* h= absent or lists sha256 */
	int		email_ok;	/* s= absent, "*" or "email" */
	int		strict;		/* t=s */
	int		testing;	/* t=y */
};

enum dkim_result dkim_key_parse(struct arena *, const char *, size_t,
	    struct dkim_key *, struct dkim_kcache *, const char **);
void	dkim_key_release(struct dkim_key *);
int	dkim_kcache_get(struct dkim_kcache *, const char *, size_t,
	    struct dkim_key *);
void	dkim_kcache_put(struct dkim_kcache *, const char *, size_t,
	    const struct dkim_key *);

/* Streamed body canonicalization and hashing (3.4.3, 3.4.4, 3.7). */
struct dkim_bodyhash;

struct dkim_bodyhash *dkim_bh_new(enum dkim_canon, int, unsigned long long);
/* (canonicalization, has l=, l=); the hash is SHA-256 for both a= */
void	dkim_bh_free(struct dkim_bodyhash *);
int	dkim_bh_same(const struct dkim_bodyhash *, enum dkim_canon, int,
	    unsigned long long);
void	dkim_bh_data(struct dkim_bodyhash *, const char *, size_t);
void	dkim_bh_crlf(struct dkim_bodyhash *);
size_t	dkim_bh_final(struct dkim_bodyhash *, unsigned char *, int *);

int	dkim_canon_header(struct buf *, enum dkim_canon, const char *,
	    size_t);
int	dkim_hname_eq(const char *, size_t, const char *);

EVP_PKEY *dkim_kcache_decode(struct dkim_kcache *, const unsigned char *,
	    size_t);

#endif
