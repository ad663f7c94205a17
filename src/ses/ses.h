/* ses.h - signed envelope senders: BATV prvs, SRS, key rings */
#ifndef RMXF_SES_H
#define RMXF_SES_H

#include <stddef.h>

struct buf;

#define SES_MAX_ADDR		512	/* octets of an address we sign, verify,
					 * rewrite */
#define SES_MAX_SECRET		1024	/* octets of one secret */
#define SES_MAX_KEYS		64	/* secrets in one ring */
#define SES_MAX_RING		(64 * 1024)	/* octets of a ring file */
#define SES_BATV_DAYS		1000	/* DDD wraps (3 decimal digits) */
#define SES_SRS_DAYS		1024	/* TT wraps (2 base32 digits) */
#define SES_SRS_HASH_LEN	4	/* postsrsd -n 4, libsrs2 default */
#define SES_SRS_DEFAULT_MAX_AGE	21	/* days, postsrsd and libsrs2 */

enum ses_status {
	SES_OK,			/* done; out holds the result */
	SES_NOT_OURS,		/* not a prvs/SRS address (verify/reverse),
				 * or nothing to do */
	SES_ALREADY,		/* sign/forward: already prvs-signed /
				 * already ours */
	SES_MALFORMED,		/* looks like prvs=/SRS0=/SRS1= but broken */
	SES_BAD_HASH,		/* signature does not match any key */
	SES_EXPIRED,		/* valid signature, too old */
	SES_NO_KEY,		/* prvs key number not in the ring */
	SES_TOO_LONG,		/* input or result over SES_MAX_ADDR */
};

const char *ses_status_str(enum ses_status);

/*
 * A key ring: the secrets in file order; the first signs, all verify.
 * SES_RING_BATV: "K SECRET" lines (K the key number 0-9, unique).
 * SES_RING_SRS: one secret per line (postsrsd's file); a "K SECRET" line
 * is also read (its SECRET), so that one BATV ring can serve both.
 * '#' lines and blank lines are skipped in both.  Owned by the caller of
 * ses_ring_parse(); secrets are wiped by ses_ring_free().
 */
enum ses_ring_kind {
	SES_RING_BATV,
	SES_RING_SRS,
};

struct ses_ring;

struct ses_ring *ses_ring_parse(const char *, size_t, enum ses_ring_kind,
	    struct buf *);
void	ses_ring_free(struct ses_ring *);
size_t	ses_ring_count(const struct ses_ring *);
int	ses_ring_signing_key(const struct ses_ring *);	/* K or -1 */

/* BATV prvs=KDDDSSSSSS=local@domain (Exim ${prvs}, batv-tools) */
int	ses_batv_is_prvs(const char *, size_t);
enum ses_status ses_batv_sign(const struct ses_ring *, const char *, size_t,
	    long, unsigned, struct buf *);
enum ses_status ses_batv_verify(const struct ses_ring *, const char *,
	    size_t, long, unsigned, struct buf *);
enum ses_status ses_batv_verify_fold(const struct ses_ring *, const char *,
	    size_t, long, unsigned, struct buf *);
enum ses_status ses_batv_strip(const char *, size_t, struct buf *);

/* SRS0/SRS1 as postsrsd 1.10, libsrs2 and Mail::SRS */
struct ses_srs_opts {
	const char     *domain;		/* the SRS domain (forward) */
	unsigned	max_age;	/* days; 0: SES_SRS_DEFAULT_MAX_AGE */
	int		separator;	/* '=' '+' '-'; other: '=' */
	int		base64url;	/* sign with - and _ for + and / */
};

int	ses_srs_is_srs(const char *, size_t);
enum ses_status ses_srs_forward(const struct ses_ring *,
	    const struct ses_srs_opts *, const char *, size_t, long,
	    struct buf *);
enum ses_status ses_srs_reverse(const struct ses_ring *,
	    const struct ses_srs_opts *, const char *, size_t, long,
	    struct buf *);
enum ses_status ses_srs_decode(const char *, size_t, struct buf *);

const char *ses_addr_domain(const char *, size_t, size_t *);
int	ses_addr_plain(const char *, size_t);

#endif
