/*
 * NAME
 *	arena 3
 * SUMMARY
 *	per-request region allocator
 * SYNOPSIS
 *	#include "arena.h"
 *
 *	struct arena *arena_new(size_t chunk);
 *	void	arena_free(struct arena *a);
 *	void	arena_reset(struct arena *a);
 *	void	*arena_alloc(struct arena *a, size_t len);
 *	void	*arena_zalloc(struct arena *a, size_t len);
 *	char	*arena_memdup(struct arena *a, const void *p, size_t len);
 *	char	*arena_strdup(struct arena *a, const char *s);
 *	void	*arena_grow(struct arena *a, const void *old, size_t oldlen,
 *			size_t len);
 *	size_t	arena_used(const struct arena *a);
 * DESCRIPTION
 *	Everything one request needs (its parsed attributes, its SPF query,
 *	records, temporaries) is carved from one arena and released at once
 *	when the reply is written: no per-object free, no leak by omission.
 *	Allocations are 16-byte aligned.  A request larger than the chunk
 *	size gets a block of its own.  arena_reset() keeps the first block
 *	for reuse by the next request.  The arena itself lives at the
 *	start of that first block: one allocation for a small arena.
 *
 *	arena_grow() is a bigger copy of an array kept in the arena: len
 *	bytes, the first oldlen from old (which stays allocated until the
 *	arena goes); growing geometrically wastes less than the final size.
 * DIAGNOSTICS
 *	Memory exhaustion exits (xmalloc).
 */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "xmalloc.h"

#define ARENA_ALIGN 16

struct arena_block {
	struct arena_block *next;
	size_t	size;
	size_t	used;
	_Alignas(ARENA_ALIGN) unsigned char data[];
};

struct arena {
	struct arena_block *head;
	struct arena_block *first;	/* holds this struct */
	size_t	chunk;
	size_t	total;
};

/* the room the arena takes at the start of its first block */
#define ARENA_HDR ((sizeof(struct arena) + ARENA_ALIGN - 1) & \
	~(size_t)(ARENA_ALIGN - 1))

/* arena_block_new - one block of at least size bytes */
static struct arena_block *
arena_block_new(size_t size)
{
	struct arena_block *b;

	if (size > (size_t)-1 - sizeof(*b))
		size = (size_t)-1 - sizeof(*b);	/* xmalloc will fail */
	b = xmalloc(sizeof(*b) + size);
	b->next = NULL;
	b->size = size;
	b->used = 0;
	return b;
}

/* arena_new - empty arena */
struct arena *
arena_new(size_t chunk)
{
	struct arena_block *b;
	struct arena *a;

	chunk = chunk < 256 ? 256 : chunk;
	b = arena_block_new(ARENA_HDR + chunk);
	a = (struct arena *)(void *)b->data;
	b->used = ARENA_HDR;
	a->chunk = chunk;
	a->head = a->first = b;
	a->total = 0;
	return a;
}

/* arena_free - release every block */
void
arena_free(struct arena *a)
{
	struct arena_block *b, *next;

	if (a == NULL)
		return;
	for (b = a->head; b != a->first; b = next) {
		next = b->next;
		free(b);
	}
	free(b);		/* the first block, and the arena with it */
}

/* arena_reset - keep the last (first allocated) block, drop the rest */
void
arena_reset(struct arena *a)
{
	struct arena_block *b = a->head, *next;

	while (b->next) {
		next = b->next;
		free(b);
		b = next;
	}
	a->head = b;
	b->used = ARENA_HDR;
	a->total = 0;
}

/* arena_alloc - aligned bump allocation */
void *
arena_alloc(struct arena *a, size_t len)
{
	struct arena_block *b = a->head;
	size_t need;

	if (len > (size_t)-1 - ARENA_ALIGN)
		len = (size_t)-1 - ARENA_ALIGN;
	need = (len + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (need == 0)
		need = ARENA_ALIGN;
	if (need > b->size - b->used) {
		b = arena_block_new(need > a->chunk ? need : a->chunk);
		b->next = a->head;
		a->head = b;
	}
	b->used += need;
	a->total += need;
	return b->data + b->used - need;
}

/* arena_zalloc - zeroed allocation */
void *
arena_zalloc(struct arena *a, size_t len)
{
	void *p = arena_alloc(a, len);

	memset(p, 0, len);
	return p;
}

/* arena_memdup - copy bytes plus a NUL */
char *
arena_memdup(struct arena *a, const void *p, size_t len)
{
	char *s = arena_alloc(a, len + 1);

	if (len)
		memcpy(s, p, len);
	s[len] = 0;
	return s;
}

/* arena_strdup - copy a string */
char *
arena_strdup(struct arena *a, const char *s)
{
	return arena_memdup(a, s, strlen(s));
}

/* arena_used - bytes handed out since the last reset */
size_t
arena_used(const struct arena *a)
{
	return a->total;
}

/* arena_grow - a bigger copy of an array in the arena */
void *
arena_grow(struct arena *a, const void *old, size_t oldlen, size_t len)
{
	void *p = arena_alloc(a, len);

	if (oldlen > 0)
		memcpy(p, old, oldlen < len ? oldlen : len);
	return p;
}
