/*
 * NAME
 *	dkim_key 3
 * SUMMARY
 *	DKIM key records (RFC 6376 3.6.1, RFC 8463 4)
 * SYNOPSIS
 *	#include "dkim_int.h"
 *
 *	enum dkim_result dkim_key_parse(struct arena *a, const char *txt,
 *			size_t len, struct dkim_key *key,
 *			struct dkim_kcache *kc, const char **reason);
 *	void	dkim_key_release(struct dkim_key *key);
 * DESCRIPTION
 *	dkim_key_parse() reads one TXT record (its strings concatenated)
 *	as a key record (kc: the key cache whose decoder to use, or NULL): a tag-list where v=, if present, is first and is
 *	"DKIM1"; k= is rsa (the default) or ed25519; p= is required, and
 *	empty means the key is revoked (3.6.1; a revoked key is still a
 *	key record: DKIM_PASS with key->pkey NULL, and the signature gets
 *	permerror "key revoked", 6.1.2); h= lists the hashes the key may be used
 *	with, s= the service types, t= the flags (y testing, s strict).
 *	Unknown hash names, service types and flags are ignored (3.6.1).
 *	An RSA p= is a DER SubjectPublicKeyInfo (d2i_PUBKEY), or, as some
 *	publishers write it, a bare RSAPublicKey; an ed25519 p= is the raw
 *	32-octet key (RFC 8463 4).  On success key->pkey is owned by the
 *	caller, who gives it back with dkim_key_release().
 * DIAGNOSTICS
 *	DKIM_PASS with the key, or DKIM_PERMERROR with *reason a static
 *	text ("key record syntax error", "unknown key type k=", ...).
 * SEE ALSO
 *	RFC 6376 3.6.1, 6.1.2; RFC 8301 3.2; RFC 8463 4.
 */
#include <string.h>
#include <strings.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "util/arena.h"
#include "dkim_int.h"

/* dkim_key_has - a colon-separated value lists one of two words */
static int
dkim_key_has(const struct dkim_tag *t, const char *w1, const char *w2)
{
	size_t off = 0, b, end;

	while (dkim_tag_item(t, &off, &b, &end))
		if ((end - b == strlen(w1) && strncasecmp(t->val + b, w1,
		    end - b) == 0) || (w2 != NULL && end - b == strlen(w2) &&
		    strncasecmp(t->val + b, w2, end - b) == 0))
			return 1;
	return 0;
}

/* dkim_key_rsa - an RSA public key from p=: a SubjectPublicKeyInfo (with
 * kc's decoder when there is one), else an RSAPublicKey */
static EVP_PKEY *
dkim_key_rsa(const unsigned char *der, size_t len, struct dkim_kcache *kc)
{
	const unsigned char *p = der;
	EVP_PKEY *k;

	if (kc != NULL) {
		if ((k = dkim_kcache_decode(kc, der, len)) != NULL)
			return k;
	} else if ((k = d2i_PUBKEY(NULL, &p, (long)len)) != NULL &&
	    p == der + len && EVP_PKEY_base_id(k) == EVP_PKEY_RSA)
		return k;
	else
		EVP_PKEY_free(k);
	p = der;
	if ((k = d2i_PublicKey(EVP_PKEY_RSA, NULL, &p, (long)len)) != NULL &&
	    p == der + len)
		return k;
	EVP_PKEY_free(k);
	ERR_clear_error();
	return NULL;
}

/* dkim_key_material - decode p= into key->pkey */
static enum dkim_result
dkim_key_material(struct arena *a, const struct dkim_tag *p,
    struct dkim_key *key, struct dkim_kcache *kc, const char **reason)
{
	unsigned char *der;
	size_t len;

	if (p->vlen == 0)
		return DKIM_PASS;	/* revoked: pkey stays NULL */
	if (dkim_b64_decode(a, p->val, p->vlen, &der, &len) < 0 || len == 0)
		return *reason = "key p= is not valid base64", DKIM_PERMERROR;
	if (key->ed25519) {
		if (len != DKIM_ED25519_KEY)
			return *reason = "ed25519 key is not 32 octets",
			    DKIM_PERMERROR;
		key->pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519,
		    NULL, der, len);
		key->bits = 256;
	} else if ((key->pkey = dkim_key_rsa(der, len, kc)) != NULL)
		key->bits = (unsigned)EVP_PKEY_get_bits(key->pkey);
	if (key->pkey == NULL) {
		ERR_clear_error();
		return *reason = "key p= is not a public key", DKIM_PERMERROR;
	}
	return DKIM_PASS;
}

/* dkim_key_parse - parse one key record */
enum dkim_result
dkim_key_parse(struct arena *a, const char *txt, size_t len,
    struct dkim_key *key, struct dkim_kcache *kc, const char **reason)
{
	struct dkim_tag tags[DKIM_MAX_TAGS];
	const struct dkim_tag *t;
	size_t n;

	memset(key, 0, sizeof(*key));
	if (len > DKIM_MAX_KEY_RECORD)
		return *reason = "key record too long", DKIM_PERMERROR;
	if (dkim_tags_parse(txt, len, tags, DKIM_MAX_TAGS, &n, reason) < 0)
		return *reason = "key record syntax error", DKIM_PERMERROR;
	if ((t = dkim_tag_get(tags, n, "v")) != NULL && (t != &tags[0] ||
	    t->vlen != 5 || memcmp(t->val, "DKIM1", 5) != 0))
		return *reason = "key record v= is not DKIM1 first",
		    DKIM_PERMERROR;
	if ((t = dkim_tag_get(tags, n, "k")) != NULL) {
		if (t->vlen == 7 && strncasecmp(t->val, "ed25519", 7) == 0)
			key->ed25519 = 1;
		else if (!(t->vlen == 3 && strncasecmp(t->val, "rsa", 3) == 0))
			return *reason = "unknown key type k=", DKIM_PERMERROR;
	}
	t = dkim_tag_get(tags, n, "h");
	key->sha256_ok = t == NULL || dkim_key_has(t, "sha256", NULL);
	t = dkim_tag_get(tags, n, "s");
	key->email_ok = t == NULL || dkim_key_has(t, "*", "email");
	t = dkim_tag_get(tags, n, "t");
	key->strict = t != NULL && dkim_key_has(t, "s", NULL);
	key->testing = t != NULL && dkim_key_has(t, "y", NULL);
	if ((t = dkim_tag_get(tags, n, "p")) == NULL)
		return *reason = "key record has no p=", DKIM_PERMERROR;
	return dkim_key_material(a, t, key, kc, reason);
}

/* dkim_key_release - free the key material */
void
dkim_key_release(struct dkim_key *key)
{
	EVP_PKEY_free(key->pkey);
	key->pkey = NULL;
}
