/*
 * NAME
 *	spf_rcache 3
 * SUMMARY
 *	parsed SPF records shared across evaluations
 * SYNOPSIS
 *	#include "spf.h"
 *
 *	struct spf_rcache *spf_rcache_new(size_t max);
 *	void	spf_rcache_free(struct spf_rcache *rc);
 *	void	spf_rcache_stats(const struct spf_rcache *rc,
 *			unsigned long *hits, unsigned long *misses,
 *			size_t *entries);
 *
 *	#include "spf_int.h"
 *
 *	struct spf_rc_ent *spf_rcache_get(struct spf_rcache *rc,
 *			const char *text, size_t len);
 *	void	spf_rcache_put(struct spf_rcache *rc, struct spf_rc_ent *e);
 * DESCRIPTION
 *	A busy receiver sees the same few thousand records again and again;
 *	parsing them is most of an evaluation's work.  The cache maps the
 *	exact bytes of a TXT record to its parsed form (or its syntax
 *	error), so a record is parsed once while it stays in the cache.
 *	The key is the record text itself, so a changed record is simply a
 *	different entry: the cache never serves stale data, and DNS TTLs
 *	stay the resolver's business.
 *
 *	The caller owns the cache and hands it to queries through
 *	spf_params.rcache (the engine keeps no globals).  spf_rcache_get()
 *	returns an entry with a reference held; the query releases it with
 *	spf_rcache_put() when it is freed.  At most max entries are kept;
 *	beyond that the least recently used entry nobody holds is dropped.
 *	An entry still held is never freed.  One cache serves one thread.
 * DIAGNOSTICS
 *	None; memory exhaustion exits (xmalloc).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/lru.h"
#include "util/xmalloc.h"
#include "spf_int.h"

struct spf_rc_ent {
	struct lru_link	link;
	unsigned	refs;
	size_t		len;
	const char     *text;
	struct arena   *arena;		/* text, record, error */
	const struct spf_record *rec;	/* NULL: syntax error */
	const char     *err;
};

struct spf_rcache {
	struct lru	lru;
	size_t		max;
	unsigned long	hits;
	unsigned long	misses;
};

#define SPF_RC_ENT(l)	LRU_ENTRY(l, struct spf_rc_ent, link)

/* spf_rcache_new - empty cache of at most max records */
struct spf_rcache *
spf_rcache_new(size_t max)
{
	struct spf_rcache *rc = xcalloc(1, sizeof(*rc));

	rc->max = max ? max : 1;
	lru_init(&rc->lru, rc->max);
	return rc;
}

/* spf_rcache_hash - multiply-xorshift over the record, 8 bytes a step
 * (records are hundreds of octets; byte-wise hashing showed in profiles) */
static unsigned
spf_rcache_hash(const char *s, size_t len)
{
	uint64_t h = 0x9e3779b97f4a7c15u ^ (uint64_t)len, w;

	for (; len >= 8; s += 8, len -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdu;
		h ^= h >> 32;
	}
	if (len > 0) {
		w = 0;
		memcpy(&w, s, len);
		h = (h ^ w) * 0xc4ceb9fe1a85ec53u;
	}
	h ^= h >> 29;
	return (unsigned)h;
}

/* spf_rcache_drop - remove an unheld entry */
static void
spf_rcache_drop(struct spf_rcache *rc, struct spf_rc_ent *e)
{
	lru_del(&rc->lru, &e->link);
	arena_free(e->arena);
	free(e);
}

/* spf_rcache_trim - drop unheld entries, oldest first, down to max */
static void
spf_rcache_trim(struct spf_rcache *rc)
{
	struct lru_link *l = rc->lru.oldest, *next;

	while (rc->lru.n > rc->max && l != NULL) {
		next = l->newer;
		if (SPF_RC_ENT(l)->refs == 0)
			spf_rcache_drop(rc, SPF_RC_ENT(l));
		l = next;
	}
}

/* spf_rcache_get - the parsed record for these bytes, held */
struct spf_rc_ent *
spf_rcache_get(struct spf_rcache *rc, const char *text, size_t len)
{
	unsigned h = spf_rcache_hash(text, len);
	struct lru_link *l;
	struct spf_rc_ent *e;
	struct spf_record *rec;
	const char *err = NULL;

	for (l = lru_chain(&rc->lru, h); l != NULL; l = l->next) {
		e = SPF_RC_ENT(l);
		if (l->hash == h && e->len == len &&
		    memcmp(e->text, text, len) == 0) {
			rc->hits++;
			e->refs++;
			lru_touch(&rc->lru, l);
			return e;
		}
	}
	rc->misses++;
	e = xcalloc(1, sizeof(*e));
	e->arena = arena_new(len * 2 + 1024);
	e->len = len;
	e->text = arena_memdup(e->arena, text, len);
	if (spf_record_parse(e->arena, text, len, &rec, &err) == 0)
		e->rec = rec;
	else
		e->err = err;
	e->refs = 1;
	lru_add(&rc->lru, &e->link, h);
	spf_rcache_trim(rc);
	return e;
}

/* spf_rcache_put - release a reference */
void
spf_rcache_put(struct spf_rcache *rc, struct spf_rc_ent *e)
{
	if (e->refs == 0)
		return;
	e->refs--;
	if (e->refs == 0 && rc->lru.n > rc->max)
		spf_rcache_trim(rc);
}

/* spf_rc_ent_record - what the entry holds */
const struct spf_record *
spf_rc_ent_record(const struct spf_rc_ent *e, const char **err)
{
	*err = e->err;
	return e->rec;
}

/* spf_rcache_stats - hits, misses, size */
void
spf_rcache_stats(const struct spf_rcache *rc, unsigned long *hits,
    unsigned long *misses, size_t *entries)
{
	*hits = rc->hits;
	*misses = rc->misses;
	*entries = rc->lru.n;
}

/* spf_rcache_free - release everything; no entry may be held */
void
spf_rcache_free(struct spf_rcache *rc)
{
	if (rc == NULL)
		return;
	while (rc->lru.oldest != NULL)
		spf_rcache_drop(rc, SPF_RC_ENT(rc->lru.oldest));
	lru_fini(&rc->lru);
	free(rc);
}
