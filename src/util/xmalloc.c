/*
 * NAME
 *	xmalloc 3
 * SUMMARY
 *	allocation that cannot fail
 * SYNOPSIS
 *	#include "xmalloc.h"
 *
 *	void	*xmalloc(size_t len);
 *	void	*xcalloc(size_t n, size_t size);
 *	void	*xrealloc(void *ptr, size_t len);
 *	char	*xstrdup(const char *str);
 *	char	*xmemdup(const void *ptr, size_t len);
 *	void	xwipe_free(void *ptr, size_t len);
 * DESCRIPTION
 *	Thin wrappers around the libc allocator.  Every input limit in rmxf
 *	bounds the sizes asked for here, so running out of memory is an
 *	environment failure: the process reports it and exits with
 *	EX_OSERR.  A zero-length request returns a unique pointer.
 *
 *	xmemdup() copies len bytes and appends a NUL byte.
 *
 *	xwipe_free() clears len bytes in a way the compiler may not elide,
 *	then frees: secrets go through it.
 * DIAGNOSTICS
 *	Out of memory: one line on stderr, exit(EX_OSERR).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "xmalloc.h"

/* xmalloc_die - report exhaustion and leave */
static void
xmalloc_die(size_t len)
{
	fprintf(stderr, "rmxf: fatal: out of memory (%zu bytes)\n", len);
	exit(EX_OSERR);
}

/* xmalloc - allocate or exit */
void *
xmalloc(size_t len)
{
	void *p = malloc(len ? len : 1);

	if (p == NULL)
		xmalloc_die(len);
	return p;
}

/* xcalloc - allocate zeroed memory or exit; overflow-checked */
void *
xcalloc(size_t n, size_t size)
{
	void *p;

	if (size != 0 && n > (size_t)-1 / size)
		xmalloc_die((size_t)-1);
	p = calloc(n ? n : 1, size ? size : 1);
	if (p == NULL)
		xmalloc_die(n * size);
	return p;
}

/* xrealloc - resize or exit */
void *
xrealloc(void *ptr, size_t len)
{
	void *p = realloc(ptr, len ? len : 1);

	if (p == NULL)
		xmalloc_die(len);
	return p;
}

/* xstrdup - copy a string */
char *
xstrdup(const char *str)
{
	return xmemdup(str, strlen(str));
}

/* xmemdup - copy bytes, add a terminating NUL */
char *
xmemdup(const void *ptr, size_t len)
{
	char *p;

	if (len == (size_t)-1)
		xmalloc_die(len);
	p = xmalloc(len + 1);
	if (len)
		memcpy(p, ptr, len);
	p[len] = 0;
	return p;
}

/* xwipe_free - clear then free */
void
xwipe_free(void *ptr, size_t len)
{
	volatile unsigned char *v = ptr;

	if (ptr == NULL)
		return;
	while (len--)
		*v++ = 0;
	free(ptr);
}
