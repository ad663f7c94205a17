/* spf_int.h - SPF engine internals shared by its files */
#ifndef RMXF_SPF_INT_H
#define RMXF_SPF_INT_H

#include <stddef.h>

#include "spf.h"

struct arena;
struct buf;

enum spf_mech {
	SPF_M_ALL,
	SPF_M_INCLUDE,
	SPF_M_A,
	SPF_M_MX,
	SPF_M_PTR,
	SPF_M_IP4,
	SPF_M_IP6,
	SPF_M_EXISTS,
};

/* One directive of a record. */
struct spf_term {
	enum spf_mech	mech;
	char		qual;		/* '+' '-' '~' '?' */
	const char     *text;		/* the term as written */
	const char     *spec;		/* domain-spec (macro-string) or NULL */
	size_t		speclen;
	struct ipaddr	net;		/* ip4, ip6 */
	unsigned	cidr4;		/* a, mx, ip4: 0..32 */
	unsigned	cidr6;		/* a, mx, ip6: 0..128 */
};

/* A parsed record; everything lives in the arena it was parsed into. */
struct spf_record {
	const char     *text;
	struct spf_term *terms;
	size_t		nterms;
	const char     *redirect;	/* macro-string or NULL */
	size_t		redirectlen;
	const char     *exp;
	size_t		explen;
};

#define SPF_MAX_TERMS	256	/* terms in one record; a record is 4 KiB */

int	spf_record_is_spf(const char *, size_t);
int	spf_record_parse(struct arena *, const char *, size_t,
	    struct spf_record **, const char **);
const char *spf_mech_name(enum spf_mech);
int	spf_mech_counts(enum spf_mech);

struct spf_rc_ent;

struct spf_rc_ent *spf_rcache_get(struct spf_rcache *, const char *, size_t);
void	spf_rcache_put(struct spf_rcache *, struct spf_rc_ent *);
const struct spf_record *spf_rc_ent_record(const struct spf_rc_ent *,
	    const char **);

/* Macro expansion, RFC 7208 section 7. */
struct spf_macro_ctx {
	const char     *sender;		/* <sender> */
	const char     *local;		/* local part */
	const char     *sdomain;	/* domain of <sender> */
	const char     *domain;		/* current <domain> */
	const char     *helo;
	const char     *receiver;
	const struct ipaddr *ip;
	long long	now;
	const char     *ptrname;	/* validated name; NULL: not known yet */
	int		ip_upper;	/* %{i} nibbles in upper case */
};

enum spf_macro_status {
	SPF_MACRO_OK,
	SPF_MACRO_SYNTAX,	/* malformed macro-string */
	SPF_MACRO_NEED_P,	/* %{p} used, ctx->ptrname not known */
	SPF_MACRO_TOOLONG,	/* output over its bound */
};

#define SPF_MACRO_EXP	(1u << 0)	/* explain-string: c r t allowed */
#define SPF_MACRO_DOMAIN (1u << 1)	/* result is a name: cut to 253 */

enum spf_macro_status spf_macro_expand(const struct spf_macro_ctx *,
	    const char *, size_t, unsigned, struct buf *, const char **);
int	spf_macro_check(const char *, size_t, unsigned, const char **);
int	spf_macro_uses_p(const char *, size_t);

/* The answer cache of one query: questions asked, answers kept. */
#define SPF_HASH_SIZE	64	/* buckets (power of two) */

enum spf_ent_state {
	SPF_ENT_PENDING,
	SPF_ENT_DONE,
};

struct spf_ent {
	struct spf_question q;
	enum spf_ent_state state;
	enum spf_dns_status status;
	struct spf_rr  *rr;
	size_t		nrr;
	unsigned	hash;
	struct spf_ent *next;
};

struct spf_cache {
	struct arena   *arena;
	struct spf_ent **ents;		/* ents[id - 1] */
	size_t		nents;
	size_t		capents;
	struct spf_ent *hash[SPF_HASH_SIZE];
	size_t		pending;
	struct spf_question *newq;	/* asked since the last step */
	size_t		nnew;
	size_t		capnew;
	int		expired;
};

void	spf_cache_init(struct spf_cache *, struct arena *);
void	spf_cache_free(struct spf_cache *);
const struct spf_ent *spf_cache_lookup(struct spf_cache *, const char *,
	    enum spf_rrtype, int *);
const struct spf_ent *spf_cache_feed(struct spf_cache *,
	    const struct spf_answer *);
void	spf_cache_expire(struct spf_cache *);
enum spf_step spf_cache_step(struct spf_cache *, int,
	    const struct spf_question **, size_t *);
int	spf_ent_void(const struct spf_ent *);
int	spf_ent_error(const struct spf_ent *);

#endif
