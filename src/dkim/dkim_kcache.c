/*
 * NAME
 *	dkim_kcache 3
 * SUMMARY
 *	parsed DKIM keys kept across messages
 * SYNOPSIS
 *	#include "dkim/dkim.h"
 *
 *	struct dkim_kcache *dkim_kcache_new(size_t max);
 *	void	dkim_kcache_free(struct dkim_kcache *kc);
 *	void	dkim_kcache_stats(const struct dkim_kcache *kc,
 *			unsigned long *hits, unsigned long *misses, size_t *n);
 *
 *	#include "dkim_int.h"
 *
 *	int	dkim_kcache_get(struct dkim_kcache *kc, const char *txt,
 *			size_t len, struct dkim_key *key);
 *	void	dkim_kcache_put(struct dkim_kcache *kc, const char *txt,
 *			size_t len, const struct dkim_key *key);
 *	EVP_PKEY *dkim_kcache_decode(struct dkim_kcache *kc,
 *			const unsigned char *der, size_t len);
 * DESCRIPTION
 *	Decoding an RSA SubjectPublicKeyInfo costs several times an RSA
 *	verification with OpenSSL 3, and the same few keys sign most mail.
 *	This cache maps the exact octets of a key record (as DNS gave them)
 *	to its parsed key, so a record seen again is not decoded again.
 *	It holds no DNS data of its own: the record still comes from the
 *	resolver each time, so TTLs and key rotation are the resolver's.
 *
 *	At most max records are kept, the least recently used leaving
 *	first.  An entry holds a reference on its EVP_PKEY, and so does
 *	every key given out by dkim_kcache_get(): an entry may leave while
 *	a verifier still uses its key.  Only keys that parsed (revoked ones
 *	included) are kept.  One cache serves one thread.
 * DIAGNOSTICS
 *	dkim_kcache_get() returns 1 on a hit, 0 on a miss.
 * SEE ALSO
 *	dkim_key(3), lru(3).
 */
#include <string.h>

#include <openssl/decoder.h>
#include <openssl/evp.h>

#include "util/lru.h"
#include "util/msg.h"
#include "util/xmalloc.h"
#include "dkim_int.h"

struct dkim_kcache_ent {
	struct lru_link	link;
	char	       *txt;
	size_t		len;
	struct dkim_key	key;
};

struct dkim_kcache {
	struct lru	lru;
	size_t		max;
	unsigned long	hits, misses;
	OSSL_DECODER_CTX *dec;		/* RSA SubjectPublicKeyInfo, DER */
	EVP_PKEY       *out;		/* ... where it puts a key */
};

/* dkim_kcache_new - a cache of at most max parsed keys */
struct dkim_kcache *
dkim_kcache_new(size_t max)
{
	struct dkim_kcache *kc = xcalloc(1, sizeof(*kc));

	kc->max = max ? max : 1;
	lru_init(&kc->lru, kc->max);
	return kc;
}

/* dkim_kcache_drop - remove and free one entry */
static void
dkim_kcache_drop(struct dkim_kcache *kc, struct dkim_kcache_ent *e)
{
	lru_del(&kc->lru, &e->link);
	dkim_key_release(&e->key);
	free(e->txt);
	free(e);
}

/* dkim_kcache_free - destroy; NULL is a no-op */
void
dkim_kcache_free(struct dkim_kcache *kc)
{
	if (kc == NULL)
		return;
	while (kc->lru.oldest != NULL)
		dkim_kcache_drop(kc, LRU_ENTRY(kc->lru.oldest,
		    struct dkim_kcache_ent, link));
	lru_fini(&kc->lru);
	OSSL_DECODER_CTX_free(kc->dec);
	free(kc);
}

/*
 * dkim_kcache_decode - an RSA SubjectPublicKeyInfo of exactly len octets
 * to a key, or NULL.  d2i_PUBKEY() sets up a decoder for each key, which
 * costs several times an RSA verification with OpenSSL 3; the cache
 * keeps one and reuses it (its output goes to kc->out, taken at once).
 */
EVP_PKEY *
dkim_kcache_decode(struct dkim_kcache *kc, const unsigned char *der,
    size_t len)
{
	const unsigned char *p = der;
	size_t left = len;
	EVP_PKEY *k;

	if (kc->dec == NULL && (kc->dec = OSSL_DECODER_CTX_new_for_pkey(
	    &kc->out, "DER", "SubjectPublicKeyInfo", "RSA",
	    EVP_PKEY_PUBLIC_KEY, NULL, NULL)) == NULL)
		return NULL;
	kc->out = NULL;
	if (!OSSL_DECODER_from_data(kc->dec, &p, &left)) {
		EVP_PKEY_free(kc->out);
		kc->out = NULL;
		return NULL;
	}
	k = kc->out;
	kc->out = NULL;
	if (left != 0 || k == NULL || EVP_PKEY_base_id(k) != EVP_PKEY_RSA) {
		EVP_PKEY_free(k);
		return NULL;
	}
	return k;
}

/* dkim_kcache_stats - hits, misses, entries */
void
dkim_kcache_stats(const struct dkim_kcache *kc, unsigned long *hits,
    unsigned long *misses, size_t *n)
{
	*hits = kc->hits;
	*misses = kc->misses;
	*n = kc->lru.n;
}

/* dkim_kcache_find - the entry for these octets, or NULL */
static struct dkim_kcache_ent *
dkim_kcache_find(struct dkim_kcache *kc, const char *txt, size_t len,
    unsigned h)
{
	struct lru_link *l;

	for (l = lru_chain(&kc->lru, h); l != NULL; l = l->next) {
		struct dkim_kcache_ent *e = LRU_ENTRY(l, struct dkim_kcache_ent,
		    link);

		if (l->hash == h && e->len == len && memcmp(e->txt, txt,
		    len) == 0)
			return e;
	}
	return NULL;
}

/* dkim_kcache_get - the parsed key of a record seen before */
int
dkim_kcache_get(struct dkim_kcache *kc, const char *txt, size_t len,
    struct dkim_key *key)
{
	struct dkim_kcache_ent *e;

	e = dkim_kcache_find(kc, txt, len, lru_fnv(LRU_FNV_INIT, txt, len));
	if (e == NULL) {
		kc->misses++;
		return 0;
	}
	kc->hits++;
	lru_touch(&kc->lru, &e->link);
	*key = e->key;
	if (key->pkey != NULL && EVP_PKEY_up_ref(key->pkey) != 1)
		msg_panic("dkim: EVP_PKEY_up_ref failed");
	return 1;
}

/* dkim_kcache_put - keep a parsed key under its record's octets */
void
dkim_kcache_put(struct dkim_kcache *kc, const char *txt, size_t len,
    const struct dkim_key *key)
{
	unsigned h = lru_fnv(LRU_FNV_INIT, txt, len);
	struct dkim_kcache_ent *e;

	if (dkim_kcache_find(kc, txt, len, h) != NULL)
		return;
	while (kc->lru.n >= kc->max)
		dkim_kcache_drop(kc, LRU_ENTRY(kc->lru.oldest,
		    struct dkim_kcache_ent, link));
	e = xcalloc(1, sizeof(*e));
	e->txt = xmemdup(txt, len);
	e->len = len;
	e->key = *key;
	if (e->key.pkey != NULL && EVP_PKEY_up_ref(e->key.pkey) != 1)
		msg_panic("dkim: EVP_PKEY_up_ref failed");
	lru_add(&kc->lru, &e->link, h);
}
