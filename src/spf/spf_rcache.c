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
#include "util/xmalloc.h"
#include "spf_int.h"

#define SPF_RC_MIN_BUCKETS 64

struct spf_rc_ent {
	struct spf_rc_ent *next;	/* hash chain */
	struct spf_rc_ent *older;	/* LRU list */
	struct spf_rc_ent *newer;
	unsigned	hash;
	unsigned	refs;
	size_t		len;
	const char     *text;
	struct arena   *arena;		/* text, record, error */
	const struct spf_record *rec;	/* NULL: syntax error */
	const char     *err;
};

struct spf_rcache {
	struct spf_rc_ent **bucket;
	size_t		nbucket;
	size_t		n;
	size_t		max;
	struct spf_rc_ent *oldest;
	struct spf_rc_ent *newest;
	unsigned long	hits;
	unsigned long	misses;
};

/* spf_rcache_new - empty cache of at most max records */
struct spf_rcache *
spf_rcache_new(size_t max)
{
	struct spf_rcache *rc = xcalloc(1, sizeof(*rc));

	rc->max = max ? max : 1;
	rc->nbucket = SPF_RC_MIN_BUCKETS;
	while (rc->nbucket < rc->max && rc->nbucket < ((size_t)1 << 20))
		rc->nbucket *= 2;
	rc->bucket = xcalloc(rc->nbucket, sizeof(*rc->bucket));
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

/* spf_rcache_unlink - out of the LRU list */
static void
spf_rcache_unlink(struct spf_rcache *rc, struct spf_rc_ent *e)
{
	if (e->older)
		e->older->newer = e->newer;
	else
		rc->oldest = e->newer;
	if (e->newer)
		e->newer->older = e->older;
	else
		rc->newest = e->older;
	e->older = e->newer = NULL;
}

/* spf_rcache_link_newest - to the fresh end of the LRU list */
static void
spf_rcache_link_newest(struct spf_rcache *rc, struct spf_rc_ent *e)
{
	e->older = rc->newest;
	e->newer = NULL;
	if (rc->newest)
		rc->newest->newer = e;
	else
		rc->oldest = e;
	rc->newest = e;
}

/* spf_rcache_drop - remove an unheld entry */
static void
spf_rcache_drop(struct spf_rcache *rc, struct spf_rc_ent *e)
{
	struct spf_rc_ent **pp = &rc->bucket[e->hash & (rc->nbucket - 1)];

	while (*pp != e)
		pp = &(*pp)->next;
	*pp = e->next;
	spf_rcache_unlink(rc, e);
	rc->n--;
	arena_free(e->arena);
	free(e);
}

/* spf_rcache_trim - drop unheld entries, oldest first, down to max */
static void
spf_rcache_trim(struct spf_rcache *rc)
{
	struct spf_rc_ent *e = rc->oldest, *next;

	while (rc->n > rc->max && e != NULL) {
		next = e->newer;
		if (e->refs == 0)
			spf_rcache_drop(rc, e);
		e = next;
	}
}

/* spf_rcache_get - the parsed record for these bytes, held */
struct spf_rc_ent *
spf_rcache_get(struct spf_rcache *rc, const char *text, size_t len)
{
	unsigned h = spf_rcache_hash(text, len);
	struct spf_rc_ent *e;
	struct spf_record *rec;
	const char *err = NULL;

	for (e = rc->bucket[h & (rc->nbucket - 1)]; e; e = e->next)
		if (e->hash == h && e->len == len &&
		    memcmp(e->text, text, len) == 0) {
			rc->hits++;
			e->refs++;
			spf_rcache_unlink(rc, e);
			spf_rcache_link_newest(rc, e);
			return e;
		}
	rc->misses++;
	e = xcalloc(1, sizeof(*e));
	e->arena = arena_new(len * 2 + 1024);
	e->hash = h;
	e->len = len;
	e->text = arena_memdup(e->arena, text, len);
	if (spf_record_parse(e->arena, text, len, &rec, &err) == 0)
		e->rec = rec;
	else
		e->err = err;
	e->refs = 1;
	e->next = rc->bucket[h & (rc->nbucket - 1)];
	rc->bucket[h & (rc->nbucket - 1)] = e;
	spf_rcache_link_newest(rc, e);
	rc->n++;
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
	if (e->refs == 0 && rc->n > rc->max)
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
	*entries = rc->n;
}

/* spf_rcache_free - release everything; no entry may be held */
void
spf_rcache_free(struct spf_rcache *rc)
{
	struct spf_rc_ent *e, *next;

	if (rc == NULL)
		return;
	for (e = rc->oldest; e; e = next) {
		next = e->newer;
		arena_free(e->arena);
		free(e);
	}
	free(rc->bucket);
	free(rc);
}
