/* socketmap.h - Postfix socketmap protocol (netstrings), sans I/O */
#ifndef RMXF_SOCKETMAP_H
#define RMXF_SOCKETMAP_H

#include <stddef.h>

struct buf;

#define SM_MAX_QUERY	10000	/* socketmap_table(5): request bytes */
#define SM_MAX_REPLY	100000	/* socketmap_table(5): reply bytes */
#define SM_MAX_DIGITS	6	/* length digits we read, leading zeros too */
#define SM_MAX_NAME	64	/* a map name */

enum sm_status {
	SM_MORE,		/* incomplete: read more */
	SM_OK,			/* one request parsed */
	SM_ERR,			/* malformed or over a limit: close */
};

/* One request; name and key point into the caller's bytes. */
struct sm_request {
	const char     *name;
	size_t		namelen;
	const char     *key;
	size_t		keylen;
};

/* The reply statuses of socketmap_table(5). */
enum sm_reply {
	SM_R_OK,
	SM_R_NOTFOUND,
	SM_R_TEMP,
	SM_R_TIMEOUT,
	SM_R_PERM,
};

enum sm_status sm_parse(const char *, size_t, struct sm_request *,
	    size_t *used, const char **why);
int	sm_format_reply(struct buf *, enum sm_reply, const char *, size_t);
int	sm_format_request(struct buf *, const char *name, const char *key,
	    size_t keylen);
const char *sm_reply_str(enum sm_reply);

#endif
