/* dkim.h - RFC 6376 DKIM verification as a sans-I/O state machine */
#ifndef RMXF_DKIM_H
#define RMXF_DKIM_H

/*
 * NAME
 *	dkim 3
 * SUMMARY
 *	DKIM signature verification (RFC 6376, RFC 8301, RFC 8463), fed a
 *	message in pieces, asking for keys through the step/feed contract
 *	of spf(3)
 * DESCRIPTION
 *	A pure module: no descriptors, clock, environment, logging or exit.
 *	The caller feeds the header fields one at a time, then the end of
 *	the header, then the body in chunks of any size, then the end of
 *	the message.  Line ends may be CRLF or bare LF (taken as CRLF), in
 *	header fields and body alike, and a CR may end one chunk and its LF
 *	begin the next.  The body is canonicalized and hashed as it comes
 *	(one running digest per distinct (canonicalization, hash, l=)), and
 *	never copied whole.
 *
 *	At the end of the header the signatures are parsed (the first
 *	DKIM_MAX_SIGS_CAP fields; one that does not parse is permerror);
 *	of those that parse params.max_sigs are verified, first those whose
 *	d= is the dkim_prefer() domain (the From domain), under it or above
 *	it, then the others in header order, and the rest are not reported;
 *	the key questions (TXT at selector._domainkey.domain) are asked,
 *	so that DNS works while the body streams.  dkim_step() may be
 *	called at any time after dkim_eoh(): it returns QUERY with the new
 *	questions, WAIT while answers or the end of the message are still
 *	to come, DONE when every signature has its result (that is, never
 *	before dkim_eom()).  dkim_feed() takes answers (TXT: the strings of
 *	one record concatenated, as spf(3) gives them).  After
 *	dkim_expire() every signature still without its key is temperror,
 *	and DONE follows once dkim_eom() was called.
 *
 *	A DNS failure (SERVFAIL, timeout) is temperror, never fail; NXDOMAIN
 *	or no key record is permerror ("no key").  rsa-sha1, and RSA keys
 *	shorter than DKIM_MIN_RSA_BITS, are permerror (RFC 8301).
 */

#include <stddef.h>

#include "../spf/spf.h"

#define DKIM_MAX_SIGS		5	/* signatures verified per message */
#define DKIM_MAX_SIGS_CAP	50	/* params.max_sigs is capped here */
#define DKIM_MIN_RSA_BITS	1024	/* RFC 8301 3.2 */
#define DKIM_MAX_HEADERS	1000	/* header fields kept per message */
#define DKIM_MAX_HEADER_BYTES	(1024 * 1024)	/* octets of them kept */
#define DKIM_MAX_SIG_FIELD	65536	/* one DKIM-Signature field, octets */
#define DKIM_MAX_KEY_RECORD	8192	/* one key record, octets */

/* RFC 8601 2.7.1 result names, in dkim_result_str() order. */
enum dkim_result {
	DKIM_NONE,
	DKIM_PASS,
	DKIM_FAIL,
	DKIM_NEUTRAL,
	DKIM_POLICY,
	DKIM_PERMERROR,
	DKIM_TEMPERROR,
};

struct dkim_kcache;

struct dkim_params {
	long long	now;		/* seconds since the epoch: x=, t= */
	unsigned	max_sigs;	/* 0: DKIM_MAX_SIGS */
	struct dkim_kcache *kcache;	/* parsed keys, borrowed; NULL: none */
};

/*
 * Parsed keys kept across messages, keyed by the exact octets of the
 * key record (decoding an RSA key costs more than verifying with it).
 * The caller owns it; it must outlive the verifiers that use it.
 */
struct dkim_kcache *dkim_kcache_new(size_t max_keys);
void	dkim_kcache_free(struct dkim_kcache *);
void	dkim_kcache_stats(const struct dkim_kcache *, unsigned long *hits,
	    unsigned long *misses, size_t *keys);

/*
 * One signature's outcome.  Strings are owned by the verifier, NUL
 * terminated, and carry bytes from the message and DNS as they came:
 * escape them before a log line or a header.  A field the signature
 * did not have (or that could not be parsed) is "".
 */
struct dkim_sig_result {
	enum dkim_result result;
	const char     *d;		/* d= (signing domain), lower case */
	const char     *s;		/* s= (selector) */
	const char     *a;		/* a= as written ("rsa-sha256" ...) */
	const char     *i;		/* i= (AUID), or "" */
	const char     *b;		/* the first 8 characters of b=
					 * (RFC 6008 header.b), or "" */
	const char     *reason;		/* "" for pass, else why:
					 * "body hash did not verify",
					 * "key revoked", "signature expired",
					 * "rsa-sha1 is not valid", ... */
	unsigned	key_bits;	/* RSA modulus bits, 256 for ed25519,
					 * 0: no key; set also when the key
					 * was refused (e.g. too short) */
	int		testing;	/* the key has t=y (RFC 6376 3.6.1:
					 * the signer is testing DKIM) */
};

struct dkim;

struct dkim *dkim_new(const struct dkim_params *);
void	dkim_free(struct dkim *);

/*
 * One header field as received: "Name:value", folding included, without
 * the CRLF that ends its last line.  Returns 0, or -1 when a bound
 * (DKIM_MAX_HEADERS, DKIM_MAX_HEADER_BYTES) is passed: the field is not
 * kept, and signatures that cover it will fail to verify; -1 also after
 * dkim_eoh().  Body octets before dkim_eoh() or after dkim_eom() are
 * ignored; dkim_eom() ends the header too if dkim_eoh() was not called.
 */
int	dkim_header(struct dkim *, const char *field, size_t len);
void	dkim_prefer(struct dkim *, const char *domain);	/* before eoh */
void	dkim_eoh(struct dkim *);
void	dkim_body(struct dkim *, const char *data, size_t len);
void	dkim_eom(struct dkim *);

/* The step/feed contract of spf(3); TXT questions only. */
enum spf_step dkim_step(struct dkim *, const struct spf_question **,
	    size_t *);
int	dkim_feed(struct dkim *, const struct spf_answer *);
void	dkim_expire(struct dkim *);
void	dkim_job(struct spf_job *, struct dkim *);

/*
 * After DONE: the results of the signatures that did not parse and of
 * those verified, in the order their fields appear in the header.  0 results: the message had no
 * DKIM-Signature field (DKIM result none).
 */
size_t	dkim_results(const struct dkim *, const struct dkim_sig_result **);

const char *dkim_result_str(enum dkim_result);		/* "pass" ... */

#endif
