/*
 * NAME
 *	lru 3
 * SUMMARY
 *	intrusive hash table with an age list, for the caches
 * SYNOPSIS
 *	#include "lru.h"
 *
 *	void	lru_init(struct lru *l, size_t expect);
 *	void	lru_fini(struct lru *l);
 *	void	lru_add(struct lru *l, struct lru_link *e, unsigned hash);
 *	void	lru_del(struct lru *l, struct lru_link *e);
 *	void	lru_touch(struct lru *l, struct lru_link *e);
 *	struct lru_link *lru_chain(const struct lru *l, unsigned hash);
 *	unsigned lru_fnv(unsigned h, const void *data, size_t len);
 *	LRU_ENTRY(link, type, member)
 * DESCRIPTION
 *	The bookkeeping that rmxf's caches share (parsed SPF records,
 *	recent evaluations, recent DNS answers, the messages of closed
 *	connections): entries hashed into chains, and a list from the
 *	oldest to the newest.  The table owns no entry and knows no key:
 *	each entry embeds a struct lru_link, the owner hashes its key,
 *	walks lru_chain() comparing ->hash and then its key, and frees an
 *	entry after lru_del().  Nothing here allocates but lru_init().
 *
 *	lru_init() sizes the chains for about expect entries (at least 64
 *	chains, at most 65536); the table never rehashes, so more entries
 *	just make longer chains.  lru_add() links e as the newest under
 *	hash; lru_del() unlinks it from both; lru_touch() makes it the
 *	newest.  l->oldest and l->newest are the ends of the age list and
 *	l->n the number of entries.  lru_fini() frees the chains: the
 *	owner drops its entries first, e.g. while l->oldest != NULL.
 *
 *	lru_fnv() continues the FNV-1a hash h (LRU_FNV_INIT to start) over
 *	len bytes.
 * DIAGNOSTICS
 *	None; memory exhaustion exits (xmalloc).
 * SEE ALSO
 *	spf_rcache(3), check_recent(3), dns_recent(3).
 */
#include <stdlib.h>

#include "lru.h"
#include "xmalloc.h"

#define LRU_MIN_BUCKETS	64
#define LRU_MAX_BUCKETS	((size_t)1 << 16)

/* lru_init - an empty table for about expect entries */
void
lru_init(struct lru *l, size_t expect)
{
	l->nbucket = LRU_MIN_BUCKETS;
	while (l->nbucket < expect && l->nbucket < LRU_MAX_BUCKETS)
		l->nbucket *= 2;
	l->bucket = xcalloc(l->nbucket, sizeof(*l->bucket));
	l->n = 0;
	l->oldest = l->newest = NULL;
}

/* lru_fini - free the chains; the entries are the owner's */
void
lru_fini(struct lru *l)
{
	free(l->bucket);
	l->bucket = NULL;
	l->nbucket = 0;
}

/* lru_unlink_age - out of the age list */
static void
lru_unlink_age(struct lru *l, struct lru_link *e)
{
	if (e->older != NULL)
		e->older->newer = e->newer;
	else
		l->oldest = e->newer;
	if (e->newer != NULL)
		e->newer->older = e->older;
	else
		l->newest = e->older;
}

/* lru_link_newest - to the new end of the age list */
static void
lru_link_newest(struct lru *l, struct lru_link *e)
{
	e->older = l->newest;
	e->newer = NULL;
	if (l->newest != NULL)
		l->newest->newer = e;
	else
		l->oldest = e;
	l->newest = e;
}

/* lru_add - link e as the newest entry under hash */
void
lru_add(struct lru *l, struct lru_link *e, unsigned hash)
{
	struct lru_link **head = &l->bucket[hash & (l->nbucket - 1)];

	e->hash = hash;
	e->next = *head;
	*head = e;
	lru_link_newest(l, e);
	l->n++;
}

/* lru_del - unlink e from its chain and the age list */
void
lru_del(struct lru *l, struct lru_link *e)
{
	struct lru_link **pp = &l->bucket[e->hash & (l->nbucket - 1)];

	while (*pp != e)
		pp = &(*pp)->next;
	*pp = e->next;
	lru_unlink_age(l, e);
	e->next = e->older = e->newer = NULL;
	l->n--;
}

/* lru_touch - e becomes the newest */
void
lru_touch(struct lru *l, struct lru_link *e)
{
	if (l->newest == e)
		return;
	lru_unlink_age(l, e);
	lru_link_newest(l, e);
}

/* lru_fnv - FNV-1a of len more bytes, from h */
unsigned
lru_fnv(unsigned h, const void *data, size_t len)
{
	const unsigned char *p = data;

	while (len-- > 0)
		h = (h ^ *p++) * 16777619u;
	return h;
}
