/*
 * NAME
 *	secret 3
 * SUMMARY
 *	read a secrets file (key ring) at the boundary, and wipe it
 * SYNOPSIS
 *	#include "util/secret.h"
 *
 *	int	secret_file_read(const char *path, struct buf *out,
 *			struct buf *err);
 *	int	secret_file_read_as(const char *path, uid_t also,
 *			struct buf *out, struct buf *err);
 *	void	secret_buf_wipe(struct buf *b);
 * DESCRIPTION
 *	secret_file_read() opens path and, before reading a byte, checks
 *	the open file: a regular file, owned by root or by the effective
 *	user, with no permission bits for group or others (mode & 077 is
 *	0), at most SECRET_MAX_FILE octets.  It then reads the whole file
 *	into out, which must have been initialised with buf_init() and
 *	whose old contents are wiped; out grows by one allocation only, so
 *	that no copy of the secret is left behind in freed memory.  The
 *	caller wipes out with secret_buf_wipe() when done.
 *
 *	secret_file_read_as() also accepts a file owned by the uid also
 *	(SECRET_NO_UID: nobody else): rmxfd reads its rings as root at
 *	start and as its unprivileged user after a SIGHUP, so a ring owned
 *	by that user can be rotated without a restart.
 *
 *	secret_buf_wipe() clears every byte of a buffer's storage and
 *	frees it.
 * DIAGNOSTICS
 *	0; SECRET_ERR_READ when the file cannot be opened or read, or
 *	SECRET_ERR_INSECURE when a check fails; then err (reset first)
 *	holds one line, "PATH: why", e.g. "PATH: mode 0644, must not be
 *	readable by group or others", and out is empty.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "secret.h"

/* secret_check - the open file's type, owner, mode and size */
static int
secret_check(const char *path, int fd, uid_t also, struct buf *err)
{
	struct stat st;

	if (fstat(fd, &st) < 0) {
		buf_printf(err, "%s: %s", path, strerror(errno));
		return SECRET_ERR_READ;
	}
	if (!S_ISREG(st.st_mode)) {
		buf_printf(err, "%s: not a regular file", path);
		return SECRET_ERR_INSECURE;
	}
	if (st.st_uid != 0 && st.st_uid != geteuid() && (also ==
	    SECRET_NO_UID || st.st_uid != also)) {
		buf_printf(err, "%s: owned by uid %lu, must be owned by root "
		    "or uid %lu", path, (unsigned long)st.st_uid,
		    (unsigned long)(also != SECRET_NO_UID && geteuid() == 0 ?
		    also : geteuid()));
		return SECRET_ERR_INSECURE;
	}
	if ((st.st_mode & 077) != 0) {
		buf_printf(err, "%s: mode %04o, must not be readable by "
		    "group or others", path, (unsigned)(st.st_mode & 07777));
		return SECRET_ERR_INSECURE;
	}
	if (st.st_size > SECRET_MAX_FILE) {
		buf_printf(err, "%s: larger than %d bytes", path,
		    SECRET_MAX_FILE);
		return SECRET_ERR_INSECURE;
	}
	return 0;
}

/* secret_file_read - a checked secrets file into out */
int
secret_file_read(const char *path, struct buf *out, struct buf *err)
{
	return secret_file_read_as(path, SECRET_NO_UID, out, err);
}

/* secret_file_read_as - the same; the file may also belong to also */
int
secret_file_read_as(const char *path, uid_t also, struct buf *out,
    struct buf *err)
{
	char data[SECRET_MAX_FILE + 1];
	size_t len = 0;
	ssize_t n;
	int fd, r;

	buf_reset(err);
	secret_buf_wipe(out);
	buf_init(out, SECRET_MAX_FILE);
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0) {
		buf_printf(err, "%s: %s", path, strerror(errno));
		return SECRET_ERR_READ;
	}
	if ((r = secret_check(path, fd, also, err)) != 0)
		goto out;
	while (len < sizeof(data)) {
		n = read(fd, data + len, sizeof(data) - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			buf_printf(err, "%s: %s", path, strerror(errno));
			r = SECRET_ERR_READ;
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > SECRET_MAX_FILE) {
		buf_printf(err, "%s: larger than %d bytes", path,
		    SECRET_MAX_FILE);
		r = SECRET_ERR_INSECURE;
		goto out;
	}
	buf_append(out, data, len);
	r = 0;
out:
	explicit_bzero(data, len);
	close(fd);
	return r;
}

/* secret_buf_wipe - clear a buffer's storage, then free it */
void
secret_buf_wipe(struct buf *b)
{
	if (b->data != NULL)
		explicit_bzero(b->data, b->cap);
	buf_free(b);
}
