/* xmalloc.h - allocation that succeeds or does not return */
#ifndef RMXF_XMALLOC_H
#define RMXF_XMALLOC_H

#include <stddef.h>

void *xmalloc(size_t);
void *xcalloc(size_t, size_t);
void *xrealloc(void *, size_t);
char *xstrdup(const char *);
char *xmemdup(const void *, size_t);	/* NUL-terminated copy */
void  xwipe_free(void *, size_t);	/* zero, then free: for secrets */

#endif
