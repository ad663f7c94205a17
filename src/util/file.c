/*
 * NAME
 *	file 3
 * SUMMARY
 *	a whole file into memory
 * SYNOPSIS
 *	#include "util/file.h"
 *
 *	int	file_read(const char *path, size_t max, char **text,
 *			size_t *len);
 * DESCRIPTION
 *	file_read() reads the file at path ("-": the standard input) and
 *	returns its bytes, NUL-terminated, in *text (owned by the caller)
 *	and their count in *len.  It reads at most max + 1 bytes, so that
 *	a parser handed the text can tell that the file is over its limit
 *	(len > max) without this function reading an unbounded file.
 *
 *	The front ends read configuration, ACL and request files through
 *	it; the pure modules never call it (make lint).
 * DIAGNOSTICS
 *	0, or -1 with errno set.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "file.h"
#include "xmalloc.h"

#define FILE_CHUNK	8192

/* file_read - a whole file, at most max + 1 bytes */
int
file_read(const char *path, size_t max, char **text, size_t *len)
{
	FILE *fp = stdin;
	struct buf b;
	char chunk[FILE_CHUNK];
	size_t n, want;
	int err = 0;

	*text = NULL;
	*len = 0;
	if (max == (size_t)-1)
		max--;
	if (strcmp(path, "-") != 0 && (fp = fopen(path, "rb")) == NULL)
		return -1;
	buf_init(&b, max + 1);
	while (b.len <= max) {
		want = max + 1 - b.len < sizeof(chunk) ? max + 1 - b.len :
		    sizeof(chunk);
		if ((n = fread(chunk, 1, want, fp)) == 0)
			break;
		buf_append(&b, chunk, n);
	}
	if (ferror(fp))
		err = errno ? errno : EIO;
	if (fp != stdin)
		fclose(fp);
	if (err != 0) {
		buf_free(&b);
		errno = err;
		return -1;
	}
	*len = b.len;
	*text = b.data != NULL ? buf_steal(&b) : xstrdup("");
	return 0;
}
