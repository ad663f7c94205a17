/*
 * NAME
 *	buf 3
 * SUMMARY
 *	bounded growable byte buffer
 * SYNOPSIS
 *	#include "buf.h"
 *
 *	void	buf_init(struct buf *b, size_t max);
 *	void	buf_init_store(struct buf *b, size_t max, char *store,
 *			size_t size);
 *	void	buf_free(struct buf *b);
 *	void	buf_reset(struct buf *b);
 *	int	buf_reserve(struct buf *b, size_t n);
 *	int	buf_append(struct buf *b, const void *p, size_t n);
 *	int	buf_putc(struct buf *b, int c);
 *	int	buf_puts(struct buf *b, const char *s);
 *	int	buf_printf(struct buf *b, const char *fmt, ...);
 *	int	buf_put_uint(struct buf *b, unsigned long long v);
 *	int	buf_put_cut(struct buf *b, const char *s, size_t max);
 *	void	buf_truncate(struct buf *b, size_t len);
 *	char	*buf_steal(struct buf *b);
 * DESCRIPTION
 *	All text rmxf builds goes through here.  Growth is geometric up to the
 *	hard maximum given to buf_init(); an append that does not fit is
 *	refused as a whole (nothing partial is written), returns -1 and sets
 *	b->overflow, which stays set until buf_reset().  The length check is
 *	written so that it cannot overflow: n > max - len.
 *
 *	buf_init_store() starts the buffer in storage the caller lends
 *	(a stack array, most often), size bytes, NUL included: text that
 *	fits costs no allocation.  Growth beyond it moves the text to the
 *	heap; buf_free() frees only what the buffer allocated, and
 *	buf_steal() copies borrowed storage.  The storage must outlive
 *	every use of the buffer.
 *
 *	buf_reserve() makes room for n more bytes now (an owner that knows
 *	the usual size allocates it once, up front); -1 past the maximum.
 *
 *	buf_put_uint() appends a number in decimal, buf_put_cut() at most
 *	max octets of a string: "%llu" and "%.*s" without printf(3),
 *	which costs more than the rest of a log line.
 *
 *	buf_putc() and buf_puts() are inline (buf.h): a byte with room
 *	costs no call, and the length of a literal is known when compiled.
 * DIAGNOSTICS
 *	-1 on overflow, 0 on success.  Memory exhaustion exits (xmalloc).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "xmalloc.h"

/* buf_init - empty buffer with a hard maximum */
void
buf_init(struct buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
	b->overflow = 0;
	b->borrowed = 0;
}

/* buf_init_store - empty buffer in lent storage of size bytes */
void
buf_init_store(struct buf *b, size_t max, char *store, size_t size)
{
	buf_init(b, max);
	if (store != NULL && size > 0) {
		b->data = store;
		b->cap = size;
		b->borrowed = 1;
		store[0] = 0;
	}
}

/* buf_free - release storage */
void
buf_free(struct buf *b)
{
	if (!b->borrowed)
		free(b->data);
	buf_init(b, b->max);
}

/* buf_reset - forget contents, keep storage */
void
buf_reset(struct buf *b)
{
	b->len = 0;
	b->overflow = 0;
	if (b->data)
		b->data[0] = 0;
}

/* buf_reserve - make room for n more bytes plus a NUL; -1 past max */
int
buf_reserve(struct buf *b, size_t n)
{
	size_t want;

	if (n > b->max - b->len) {
		b->overflow = 1;
		return -1;
	}
	want = b->len + n + 1;
	if (want > b->cap) {
		size_t cap = b->cap ? b->cap : 64;

		while (cap < want)
			cap = cap > ((size_t)-1) / 2 ? want : cap * 2;
		if (b->borrowed) {
			char *p = xmalloc(cap);

			memcpy(p, b->data, b->len + 1);
			b->data = p;
			b->borrowed = 0;
		} else
			b->data = xrealloc(b->data, cap);
		b->cap = cap;
	}
	return 0;
}

/* buf_append - add bytes, all or nothing */
int
buf_append(struct buf *b, const void *p, size_t n)
{
	/* the common case first: room without growth */
	if (n < b->cap - b->len && n <= b->max - b->len) {
		if (n > 0)
			memcpy(b->data + b->len, p, n);
		b->len += n;
		b->data[b->len] = 0;
		return 0;
	}
	if (buf_reserve(b, n) < 0)
		return -1;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = 0;
	return 0;
}

/* buf_putc_slow - add one byte when buf_putc() found no room */
int
buf_putc_slow(struct buf *b, int c)
{
	if (buf_reserve(b, 1) < 0)
		return -1;
	b->data[b->len++] = (char)c;
	b->data[b->len] = 0;
	return 0;
}

/* buf_vprintf - formatted append, all or nothing */
int
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	size_t room = b->cap > b->len ? b->cap - b->len : 0;
	int n;

	/* one pass when it fits in the storage we have */
	va_copy(ap2, ap);
	n = vsnprintf(room ? b->data + b->len : NULL, room, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return -1;
	if ((size_t)n < room) {
		if ((size_t)n > b->max - b->len) {
			b->data[b->len] = 0;
			b->overflow = 1;
			return -1;
		}
		b->len += (size_t)n;
		return 0;
	}
	if (buf_reserve(b, (size_t)n) < 0) {
		if (b->data)
			b->data[b->len] = 0;
		return -1;
	}
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

/* buf_put_uint - decimal digits of v */
int
buf_put_uint(struct buf *b, unsigned long long v)
{
	char rev[24];
	char out[24];
	size_t n = 0, i;

	do {
		rev[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	for (i = 0; i < n; i++)
		out[i] = rev[n - 1 - i];
	return buf_append(b, out, n);
}

/* buf_put_cut - at most max octets of s */
int
buf_put_cut(struct buf *b, const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n] != 0)
		n++;
	return buf_append(b, s, n);
}

/* buf_printf - formatted append */
int
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return r;
}

/* buf_truncate - shorten to len bytes */
void
buf_truncate(struct buf *b, size_t len)
{
	if (len < b->len) {
		b->len = len;
		b->data[len] = 0;
	}
}

/* buf_steal - hand the bytes to the caller; the buffer is empty after */
char *
buf_steal(struct buf *b)
{
	char *p = b->data == NULL ? xstrdup("") :
	    b->borrowed ? xmemdup(b->data, b->len) : b->data;

	buf_init(b, b->max);
	return p;
}
