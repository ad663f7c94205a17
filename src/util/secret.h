/* secret.h - a secrets file, read at the boundary */
#ifndef RMXF_SECRET_H
#define RMXF_SECRET_H

#include <sys/types.h>

struct buf;

#define SECRET_MAX_FILE	(64 * 1024)	/* octets of a secrets file */

#define SECRET_ERR_READ		(-1)	/* cannot open or read */
#define SECRET_ERR_INSECURE	(-2)	/* not a regular file, owner, mode,
					 * size */

#define SECRET_NO_UID	((uid_t)-1)	/* secret_file_read_as: nobody */

int	secret_file_read(const char *, struct buf *, struct buf *);
int	secret_file_read_as(const char *, uid_t, struct buf *, struct buf *);
void	secret_buf_wipe(struct buf *);

#endif
