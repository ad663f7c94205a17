/* lru.h - intrusive hash table with an age list, for the caches */
#ifndef RMXF_LRU_H
#define RMXF_LRU_H

#include <stddef.h>

/* Embedded in each entry; the owner finds its entry with LRU_ENTRY(). */
struct lru_link {
	struct lru_link *next;		/* hash chain */
	struct lru_link *older;		/* age list */
	struct lru_link *newer;
	unsigned	hash;
};

struct lru {
	struct lru_link **bucket;
	size_t		nbucket;	/* a power of two */
	size_t		n;
	struct lru_link *oldest;
	struct lru_link *newest;
};

#define LRU_ENTRY(link, type, member) \
	((type *)(void *)((char *)(link) - offsetof(type, member)))

#define LRU_FNV_INIT	2166136261u

void	lru_init(struct lru *, size_t expect);
void	lru_fini(struct lru *);
void	lru_add(struct lru *, struct lru_link *, unsigned hash);
void	lru_del(struct lru *, struct lru_link *);
void	lru_touch(struct lru *, struct lru_link *);
unsigned lru_fnv(unsigned h, const void *data, size_t len);

/* lru_chain - the first entry whose hash shares hash's bucket; follow
 * ->next and compare ->hash, then the key */
static inline struct lru_link *
lru_chain(const struct lru *l, unsigned hash)
{
	return l->bucket[hash & (l->nbucket - 1)];
}

#endif
