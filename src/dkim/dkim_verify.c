/*
 * NAME
 *	dkim_verify 3
 * SUMMARY
 *	the DKIM verifier: header, body, key questions, results
 * SYNOPSIS
 *	#include "dkim/dkim.h"
 *
 *	see dkim.h
 * DESCRIPTION
 *	Header fields are kept (bounded by DKIM_MAX_HEADERS and
 *	DKIM_MAX_HEADER_BYTES) with bare LF line ends made CRLF.  At the
 *	end of the header the DKIM-Signature fields (the first
 *	DKIM_MAX_SIGS_CAP) are parsed (dkim_sig(3)); one that does not
 *	parse is reported as permerror and costs nothing more.  Of those
 *	that parse, params.max_sigs are verified: first those whose d= is
 *	the domain of dkim_prefer() (the From domain), a name under it or
 *	above it, then the others, in header order; the rest are not
 *	reported (a relay's signatures added on top cannot push the
 *	author's out).  For those verified one TXT
 *	question per distinct selector._domainkey.domain and one running
 *	body hash per distinct (body canonicalization, l=) are set up (the
 *	hash is SHA-256 for both algorithms we accept).  The body streams
 *	through a line-end normalizer into every body hash.
 *
 *	Key answers: the TXT records of the name are tried in order and
 *	the first that parses as a key record (a revoked one included) is
 *	the key (RFC 6376 3.6.2.2 leaves several records at one name
 *	undefined; taking the first key record keeps a stray TXT record,
 *	e.g. a site verification string, from hiding the key).
 *	None: permerror with the first record's reason; NXDOMAIN or no TXT
 *	record: permerror "no key" (6.1.2); SERVFAIL or timeout: temperror.
 *
 *	With the end of the message and every key, each signature is
 *	checked in the order of RFC 6376 6.1.2 and 6.1.3: key usable for
 *	it (k=, h=, s=, t=s against an i= subdomain, revocation, RSA size
 *	per RFC 8301 3.2), body hash, then the header hash (5.4.2: the h=
 *	fields taken bottom up, a name with no instance left giving the
 *	null string, then the DKIM-Signature itself with b= emptied and no
 *	final CRLF) verified with RSASSA-PKCS1-v1_5 SHA-256 or, for
 *	ed25519-sha256, Ed25519 over its SHA-256 (RFC 8463 3).
 * DIAGNOSTICS
 *	Every result but pass has a static reason.  Allocation failure and
 *	a failing digest panic.
 * SEE ALSO
 *	RFC 6376 3.7, 5.4, 6.1; RFC 8301 3; RFC 8463 3, 4.
 */
#include <string.h>
#include <strings.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/msg.h"
#include "util/xmalloc.h"
#include "dkim_int.h"

#define DKIM_ARENA_CHUNK	8192
#define DKIM_SHA256_LEN		32
#define DKIM_KEY_PREFIX		"._domainkey."

/* One stored header field. */
struct dkim_hdr {
	const char     *f;
	size_t		len;
};

/* One key question and its outcome. */
struct dkim_keyent {
	char	       *name;
	int		asked, answered;
	enum dkim_result res;		/* PASS: key holds the key */
	const char     *reason;
	struct dkim_key	key;
};

/* One signature being verified. */
struct dkim_one {
	struct dkim_sig	sig;
	enum dkim_result res;		/* PASS: not decided yet */
	const char     *reason;
	int		keyed;		/* key and bh are set */
	size_t		key;		/* index into keys */
	size_t		bh;		/* index into bhs */
};

/* One running body hash and, at the end, its digest. */
struct dkim_bhent {
	struct dkim_bodyhash *h;
	unsigned char	md[EVP_MAX_MD_SIZE];
	int		short_body;
};

struct dkim {
	struct dkim_params p;
	struct arena   *a;
	struct dkim_hdr *hdrs;
	size_t		nhdr, hcap, hbytes;
	int		eoh, eom, done, cr;
	const char     *prefer;		/* dkim_prefer(), or NULL */
	/* made at the end of the header: sigs and res one per field (at
	 * most DKIM_MAX_SIGS_CAP), keys, bhs and qs max_sigs entries */
	struct dkim_one	*sigs;
	size_t		nsig;
	struct dkim_keyent *keys;
	size_t		nkey;
	struct dkim_bhent *bhs;
	size_t		nbh;
	struct spf_question *qs;
	struct dkim_sig_result *res;
};

/* dkim_new - a verifier */
struct dkim *
dkim_new(const struct dkim_params *p)
{
	struct dkim *d = xcalloc(1, sizeof(*d));

	d->p = *p;
	if (d->p.max_sigs == 0)
		d->p.max_sigs = DKIM_MAX_SIGS;
	if (d->p.max_sigs > DKIM_MAX_SIGS_CAP)
		d->p.max_sigs = DKIM_MAX_SIGS_CAP;
	d->a = arena_new(DKIM_ARENA_CHUNK);
	return d;
}

/* dkim_free - destroy; NULL is a no-op */
void
dkim_free(struct dkim *d)
{
	size_t k;

	if (d == NULL)
		return;
	for (k = 0; k < d->nkey; k++)
		dkim_key_release(&d->keys[k].key);
	for (k = 0; k < d->nbh; k++)
		dkim_bh_free(d->bhs[k].h);
	free(d->sigs);
	free(d->keys);
	free(d->bhs);
	free(d->qs);
	free(d->res);
	free(d->hdrs);
	arena_free(d->a);
	free(d);
}

/* dkim_header - keep one header field, bare LF made CRLF */
int
dkim_header(struct dkim *d, const char *f, size_t len)
{
	size_t k, n = 0, extra = 0;
	char *c;

	while (len > 0 && (f[len - 1] == '\n' || f[len - 1] == '\r'))
		len--;
	for (k = 0; k < len; k++)
		if (f[k] == '\n' && (k == 0 || f[k - 1] != '\r'))
			extra++;
	if (d->eoh || d->nhdr >= DKIM_MAX_HEADERS || len + extra >
	    DKIM_MAX_HEADER_BYTES - d->hbytes)
		return -1;
	if (d->nhdr == d->hcap) {
		d->hcap = d->hcap ? d->hcap * 2 : 32;
		d->hdrs = xrealloc(d->hdrs, d->hcap * sizeof(*d->hdrs));
	}
	c = arena_alloc(d->a, len + extra + 1);
	for (k = 0; k < len; k++) {
		if (f[k] == '\n' && (k == 0 || f[k - 1] != '\r'))
			c[n++] = '\r';
		c[n++] = f[k];
	}
	c[n] = 0;
	d->hdrs[d->nhdr].f = c;
	d->hdrs[d->nhdr++].len = n;
	d->hbytes += n;
	return 0;
}

/* dkim_key_index - the key question for (s, d), made on first use */
static size_t
dkim_key_index(struct dkim *d, const struct dkim_sig *sig)
{
	size_t k, sl = strlen(sig->s), dl = strlen(sig->d);
	char *name;

	name = arena_alloc(d->a, sl + sizeof(DKIM_KEY_PREFIX) + dl);
	memcpy(name, sig->s, sl);
	memcpy(name + sl, DKIM_KEY_PREFIX, sizeof(DKIM_KEY_PREFIX) - 1);
	memcpy(name + sl + sizeof(DKIM_KEY_PREFIX) - 1, sig->d, dl + 1);
	for (k = 0; k < d->nkey; k++)
		if (strcasecmp(d->keys[k].name, name) == 0)
			return k;
	d->keys[k].name = name;
	d->keys[k].res = DKIM_PASS;
	return d->nkey++;
}

/* dkim_bh_index - the body hash for the signature, made on first use */
static size_t
dkim_bh_index(struct dkim *d, const struct dkim_sig *sig)
{
	size_t k;

	for (k = 0; k < d->nbh; k++)
		if (dkim_bh_same(d->bhs[k].h, sig->bcanon, sig->has_l, sig->l))
			return k;
	d->bhs[k].h = dkim_bh_new(sig->bcanon, sig->has_l, sig->l);
	return d->nbh++;
}

/* dkim_prefer - the domain whose signatures are verified first */
void
dkim_prefer(struct dkim *d, const char *domain)
{
	if (!d->eoh && domain != NULL && *domain != 0)
		d->prefer = arena_strdup(d->a, domain);
}

/* dkim_near - is one of a and b the other or a name under it (a d= that
 * may align with the From domain, RFC 9989 relaxed alignment)? */
static int
dkim_near(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la < lb)
		return dkim_near(b, a);
	return strcasecmp(a + (la - lb), b) == 0 &&
	    (la == lb || a[la - lb - 1] == '.');
}

/* dkim_parse_one - parse field k into the next slot */
static void
dkim_parse_one(struct dkim *d, size_t k)
{
	struct dkim_one *o = &d->sigs[d->nsig++];

	if (d->hdrs[k].len > DKIM_MAX_SIG_FIELD) {
		o->sig.d = o->sig.s = o->sig.a = o->sig.i = "";
		o->sig.bpre = "";
		o->res = DKIM_PERMERROR;
		o->reason = "signature field too long";
		return;
	}
	o->res = dkim_sig_parse(d->a, d->hdrs[k].f, d->hdrs[k].len,
	    d->p.now, &o->sig, &o->reason);
}

/* dkim_choose - at most max_sigs signatures that parsed are verified,
 * those near the preferred domain first, then in header order; the
 * others that parsed are dropped (not reported), so that signatures
 * added above the author's cannot push it out */
static void
dkim_choose(struct dkim *d)
{
	size_t k, n = 0, kept = 0;
	int pass;

	for (pass = d->prefer != NULL ? 0 : 1; pass < 2; pass++)
		for (k = 0; k < d->nsig && n < d->p.max_sigs; k++) {
			struct dkim_one *o = &d->sigs[k];

			if (o->res != DKIM_PASS || o->keyed || (pass == 0 &&
			    !dkim_near(o->sig.d, d->prefer)))
				continue;
			o->keyed = 1;
			o->key = dkim_key_index(d, &o->sig);
			o->bh = dkim_bh_index(d, &o->sig);
			n++;
		}
	for (k = 0; k < d->nsig; k++)
		if (d->sigs[k].res != DKIM_PASS || d->sigs[k].keyed)
			d->sigs[kept++] = d->sigs[k];
	d->nsig = kept;
}

/* dkim_eoh - end of the header: parse the signatures, plan the work */
void
dkim_eoh(struct dkim *d)
{
	size_t k, nf = 0;

	if (d->eoh)
		return;
	d->eoh = 1;
	for (k = 0; k < d->nhdr && nf < DKIM_MAX_SIGS_CAP; k++)
		nf += dkim_hname_eq(d->hdrs[k].f, d->hdrs[k].len,
		    "DKIM-Signature");
	if (nf == 0)
		return;		/* unsigned: nothing to allocate */
	d->sigs = xcalloc(nf, sizeof(*d->sigs));
	d->res = xcalloc(nf, sizeof(*d->res));
	d->keys = xcalloc(d->p.max_sigs, sizeof(*d->keys));
	d->bhs = xcalloc(d->p.max_sigs, sizeof(*d->bhs));
	d->qs = xcalloc(d->p.max_sigs, sizeof(*d->qs));
	for (k = 0; k < d->nhdr && d->nsig < nf; k++)
		if (dkim_hname_eq(d->hdrs[k].f, d->hdrs[k].len,
		    "DKIM-Signature"))
			dkim_parse_one(d, k);
	dkim_choose(d);
}

/* dkim_body_span - line content to every body hash */
static void
dkim_body_span(struct dkim *d, const char *p, size_t n)
{
	size_t k;

	for (k = 0; k < d->nbh; k++)
		dkim_bh_data(d->bhs[k].h, p, n);
}

/* dkim_body_eol - a line end to every body hash */
static void
dkim_body_eol(struct dkim *d)
{
	size_t k;

	for (k = 0; k < d->nbh; k++)
		dkim_bh_crlf(d->bhs[k].h);
}

/* dkim_body - a chunk of the body; CRLF or bare LF, split anywhere */
void
dkim_body(struct dkim *d, const char *p, size_t len)
{
	size_t k = 0, start;

	if (!d->eoh || d->eom || d->nbh == 0 || len == 0)
		return;
	if (d->cr) {
		d->cr = 0;
		if (p[0] == '\n') {
			dkim_body_eol(d);
			k = 1;
		} else
			dkim_body_span(d, "\r", 1);
	}
	while (k < len) {
		for (start = k; k < len && p[k] != '\r' && p[k] != '\n'; k++)
			;
		dkim_body_span(d, p + start, k - start);
		if (k == len)
			break;
		if (p[k] == '\n') {
			dkim_body_eol(d);
			k++;
		} else if (k + 1 == len) {
			d->cr = 1;	/* its LF may begin the next chunk */
			k++;
		} else if (p[k + 1] == '\n') {
			dkim_body_eol(d);
			k += 2;
		} else {
			dkim_body_span(d, "\r", 1);
			k++;
		}
	}
}

/* dkim_eom - end of the message: finish the body hashes */
void
dkim_eom(struct dkim *d)
{
	size_t k;

	if (!d->eoh)
		dkim_eoh(d);
	if (d->eom)
		return;
	if (d->cr)
		dkim_body_span(d, "\r", 1);
	d->cr = 0;
	for (k = 0; k < d->nbh; k++)
		(void)dkim_bh_final(d->bhs[k].h, d->bhs[k].md,
		    &d->bhs[k].short_body);
	d->eom = 1;
}

/* dkim_hash_headers - the header hash input of RFC 6376 5.4.2 */
static int
dkim_hash_headers(struct dkim *d, const struct dkim_sig *sig, struct buf *b)
{
	unsigned char *used = xcalloc(d->nhdr + 1, 1);
	size_t k, j;
	char *f;

	for (k = 0; k < sig->nh; k++) {
		for (j = d->nhdr; j-- > 0;)
			if (!used[j] && dkim_hname_eq(d->hdrs[j].f,
			    d->hdrs[j].len, sig->h[k]))
				break;
		if (j == (size_t)-1)
			continue;	/* oversigned: the null string */
		used[j] = 1;
		dkim_canon_header(b, sig->hcanon, d->hdrs[j].f, d->hdrs[j].len);
	}
	free(used);
	f = xmalloc(sig->flen);
	memcpy(f, sig->field, sig->b_from);
	memcpy(f + sig->b_from, sig->field + sig->b_to, sig->flen - sig->b_to);
	dkim_canon_header(b, sig->hcanon, f, sig->flen - (sig->b_to -
	    sig->b_from));
	free(f);
	if (b->overflow || b->len < 2)
		return -1;
	buf_truncate(b, b->len - 2);
	return 0;
}

/* dkim_crypto_verify - RSASSA-PKCS1-v1_5 or Ed25519 over the digest */
static int
dkim_crypto_verify(const struct dkim_key *key, const unsigned char *md,
    size_t mdlen, const struct dkim_sig *sig)
{
	EVP_MD_CTX *mc = NULL;
	EVP_PKEY_CTX *pc = NULL;
	int ok;

	if (key->ed25519) {
		mc = EVP_MD_CTX_new();
		ok = mc != NULL && EVP_DigestVerifyInit(mc, NULL, NULL, NULL,
		    key->pkey) == 1 && EVP_DigestVerify(mc, sig->b, sig->blen,
		    md, mdlen) == 1;
	} else {
		pc = EVP_PKEY_CTX_new(key->pkey, NULL);
		ok = pc != NULL && EVP_PKEY_verify_init(pc) == 1 &&
		    EVP_PKEY_CTX_set_rsa_padding(pc, RSA_PKCS1_PADDING) == 1 &&
		    EVP_PKEY_CTX_set_signature_md(pc, EVP_sha256()) == 1 &&
		    EVP_PKEY_verify(pc, sig->b, sig->blen, md, mdlen) == 1;
	}
	EVP_MD_CTX_free(mc);
	EVP_PKEY_CTX_free(pc);
	ERR_clear_error();
	return ok;
}

/* dkim_key_usable - 6.1.2: may this key verify this signature */
static enum dkim_result
dkim_key_usable(const struct dkim_key *k, const struct dkim_sig *sig,
    const char **reason)
{
	if (k->pkey == NULL)
		*reason = "key revoked";
	else if (k->ed25519 != sig->ed25519)
		*reason = "key type does not match a=";
	else if (!k->sha256_ok)
		*reason = "key h= does not allow sha256";
	else if (!k->email_ok)
		*reason = "key s= is not for email";
	else if (k->strict && sig->i_is_sub)
		*reason = "key t=s and i= is a subdomain of d=";
	else if (!k->ed25519 && k->bits < DKIM_MIN_RSA_BITS)
		*reason = "RSA key shorter than 1024 bits";
	else if (!k->ed25519 && k->bits > DKIM_MAX_RSA_BITS)
		*reason = "RSA key longer than 8192 bits";
	else
		return DKIM_PASS;
	return DKIM_PERMERROR;
}

/* dkim_check_one - decide one signature whose key is in */
static void
dkim_check_one(struct dkim *d, struct dkim_one *o)
{
	const struct dkim_keyent *ke = &d->keys[o->key];
	const struct dkim_bhent *bh = &d->bhs[o->bh];
	unsigned char md[DKIM_SHA256_LEN];
	unsigned mdlen = 0;
	struct buf b;

	if ((o->res = ke->res) != DKIM_PASS) {
		o->reason = ke->reason;
		return;
	}
	if ((o->res = dkim_key_usable(&ke->key, &o->sig, &o->reason)) !=
	    DKIM_PASS)
		return;
	o->res = DKIM_FAIL;
	if (bh->short_body) {
		o->reason = "body shorter than l=";
		return;
	}
	if (memcmp(bh->md, o->sig.bh, DKIM_SHA256_LEN) != 0) {
		o->reason = "body hash did not verify";
		return;
	}
	buf_init(&b, DKIM_MAX_HEADER_BYTES * 2 + DKIM_MAX_SIG_FIELD);
	if (dkim_hash_headers(d, &o->sig, &b) < 0) {
		buf_free(&b);
		o->reason = "signed header fields too long";
		return;
	}
	if (EVP_Digest(b.data, b.len, md, &mdlen, EVP_sha256(), NULL) != 1)
		msg_panic("dkim: SHA-256 digest failed");
	buf_free(&b);
	if (dkim_crypto_verify(&ke->key, md, mdlen, &o->sig))
		o->res = DKIM_PASS;
	else
		o->reason = "signature did not verify";
}

/* dkim_finish - every result, once */
static void
dkim_finish(struct dkim *d)
{
	size_t k;

	for (k = 0; k < d->nsig; k++) {
		struct dkim_one *o = &d->sigs[k];
		struct dkim_sig_result *r = &d->res[k];

		if (o->res == DKIM_PASS)
			dkim_check_one(d, o);
		r->result = o->res;
		r->d = o->sig.d;
		r->s = o->sig.s;
		r->a = o->sig.a;
		r->i = o->sig.i;
		r->b = o->sig.bpre;
		r->reason = o->res == DKIM_PASS ? "" : o->reason;
		if (o->keyed && d->keys[o->key].res == DKIM_PASS &&
		    d->keys[o->key].key.pkey != NULL) {
			r->key_bits = d->keys[o->key].key.bits;
			r->testing = d->keys[o->key].key.testing;
		}
	}
	d->done = 1;
}

/* dkim_step - new questions, wait, or done */
enum spf_step
dkim_step(struct dkim *d, const struct spf_question **qs, size_t *n)
{
	size_t k;

	*qs = d->qs;
	*n = 0;
	if (d->done)
		return SPF_STEP_DONE;
	if (!d->eoh)
		return SPF_STEP_WAIT;
	for (k = 0; k < d->nkey; k++)
		if (!d->keys[k].asked) {
			d->keys[k].asked = 1;
			d->qs[*n].id = (unsigned)k + 1;
			d->qs[*n].type = SPF_RR_TXT;
			d->qs[(*n)++].name = d->keys[k].name;
		}
	if (*n > 0)
		return SPF_STEP_QUERY;
	for (k = 0; k < d->nkey; k++)
		if (!d->keys[k].answered)
			return SPF_STEP_WAIT;
	if (!d->eom)
		return SPF_STEP_WAIT;
	dkim_finish(d);
	return SPF_STEP_DONE;
}

/* dkim_feed_records - the first TXT record that is a key record */
static void
dkim_feed_records(struct dkim *d, struct dkim_keyent *ke,
    const struct spf_answer *an)
{
	const char *first = NULL;
	size_t k;

	for (k = 0; k < an->nrr; k++) {
		const char *why = NULL;

		if (an->rr[k].type != SPF_RR_TXT)
			continue;
		if (d->p.kcache != NULL && dkim_kcache_get(d->p.kcache,
		    an->rr[k].data, an->rr[k].len, &ke->key)) {
			ke->res = DKIM_PASS;
			return;
		}
		if (dkim_key_parse(d->a, an->rr[k].data, an->rr[k].len,
		    &ke->key, d->p.kcache, &why) == DKIM_PASS) {
			if (d->p.kcache != NULL)
				dkim_kcache_put(d->p.kcache, an->rr[k].data,
				    an->rr[k].len, &ke->key);
			ke->res = DKIM_PASS;
			return;
		}
		if (first == NULL)
			first = why;
	}
	ke->res = DKIM_PERMERROR;
	ke->reason = first ? first : "no key";
}

/* dkim_feed - one answer */
int
dkim_feed(struct dkim *d, const struct spf_answer *an)
{
	struct dkim_keyent *ke;

	if (an->id == 0 || an->id > d->nkey)
		return -1;
	ke = &d->keys[an->id - 1];
	if (!ke->asked || ke->answered)
		return -1;
	ke->answered = 1;
	switch (an->status) {
	case SPF_DNS_OK:
		dkim_feed_records(d, ke, an);
		break;
	case SPF_DNS_NXDOMAIN:
		ke->res = DKIM_PERMERROR;
		ke->reason = "no key";
		break;
	case SPF_DNS_TIMEOUT:
		ke->res = DKIM_TEMPERROR;
		ke->reason = "key lookup timed out";
		break;
	default:
		ke->res = DKIM_TEMPERROR;
		ke->reason = "key lookup failed";
		break;
	}
	return 0;
}

/* dkim_expire - the deadline passed: keys still missing are temperror */
void
dkim_expire(struct dkim *d)
{
	size_t k;

	for (k = 0; k < d->nkey; k++)
		if (!d->keys[k].answered) {
			d->keys[k].asked = d->keys[k].answered = 1;
			d->keys[k].res = DKIM_TEMPERROR;
			d->keys[k].reason = "key lookup timed out";
		}
}

/* dkim_job_step - spf_job adapter */
static enum spf_step
dkim_job_step(void *o, const struct spf_question **qs, size_t *n)
{
	return dkim_step(o, qs, n);
}

/* dkim_job_feed - spf_job adapter */
static int
dkim_job_feed(void *o, const struct spf_answer *an)
{
	return dkim_feed(o, an);
}

/* dkim_job_expire - spf_job adapter */
static void
dkim_job_expire(void *o)
{
	dkim_expire(o);
}

/* dkim_job - the verifier as a job for a DNS driver */
void
dkim_job(struct spf_job *j, struct dkim *d)
{
	j->obj = d;
	j->step = dkim_job_step;
	j->feed = dkim_job_feed;
	j->expire = dkim_job_expire;
}

/* dkim_results - after DONE: one result per signature verified */
size_t
dkim_results(const struct dkim *d, const struct dkim_sig_result **r)
{
	*r = d->res;
	return d->done ? d->nsig : 0;
}

/* dkim_result_str - RFC 8601 name */
const char *
dkim_result_str(enum dkim_result r)
{
	static const char *const names[] = {
		"none", "pass", "fail", "neutral", "policy", "permerror",
		"temperror",
	};

	if ((unsigned)r >= sizeof(names) / sizeof(names[0]))
		return "none";
	return names[r];
}
