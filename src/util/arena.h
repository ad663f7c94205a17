/* arena.h - per-request region allocator */
#ifndef RMXF_ARENA_H
#define RMXF_ARENA_H

#include <stddef.h>

struct arena;

struct arena *arena_new(size_t chunk);
void	arena_free(struct arena *);
void	arena_reset(struct arena *);
void   *arena_alloc(struct arena *, size_t);
void   *arena_zalloc(struct arena *, size_t);
char   *arena_memdup(struct arena *, const void *, size_t);	/* adds NUL */
char   *arena_strdup(struct arena *, const char *);
void   *arena_grow(struct arena *, const void *, size_t, size_t);
size_t	arena_used(const struct arena *);

#endif
