/* buf.h - bounded growable byte buffer */
#ifndef RMXF_BUF_H
#define RMXF_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

/*
 * A buffer owns its bytes.  It never grows past max; an append that would
 * is refused whole and sets the sticky overflow flag.  data is always
 * NUL-terminated (the NUL is not counted in len), so text built here can be
 * handed to C string functions when it holds no NUL of its own.
 */
struct buf {
	char   *data;
	size_t  len;
	size_t  cap;
	size_t  max;
	int     overflow;
	int     borrowed;	/* data is the caller's (buf_init_store) */
};

void	buf_init(struct buf *, size_t max);
void	buf_init_store(struct buf *, size_t max, char *, size_t);
void	buf_free(struct buf *);
void	buf_reset(struct buf *);
int	buf_reserve(struct buf *, size_t);	/* room for n more, now */
int	buf_append(struct buf *, const void *, size_t);
int	buf_putc_slow(struct buf *, int);
int	buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
int	buf_vprintf(struct buf *, const char *, va_list)
	    __attribute__((format(printf, 2, 0)));
int	buf_put_uint(struct buf *, unsigned long long);
int	buf_put_cut(struct buf *, const char *, size_t);
void	buf_truncate(struct buf *, size_t);
char   *buf_steal(struct buf *);	/* returns owned data, re-inits */

/* buf_putc - add one byte */
static inline int
buf_putc(struct buf *b, int c)
{
	if (b->len < b->max && b->len + 1 < b->cap) {
		b->data[b->len++] = (char)c;
		b->data[b->len] = 0;
		return 0;
	}
	return buf_putc_slow(b, c);
}

/* buf_puts - add a C string */
static inline int
buf_puts(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

#endif
