/* env.h - the files a configuration names, loaded for the check pipeline */
#ifndef RMXF_ENV_H
#define RMXF_ENV_H

/*
 * NAME
 *	env 3
 * SUMMARY
 *	what rmxfd and rmxf replay share to turn a configuration into a
 *	check(3) environment: the ACL file, the SES and SRS key rings
 * SYNOPSIS
 *	#include "env/env.h"
 *
 *	struct acl *env_acl_load(const struct conf *c, struct buf *err,
 *			int *failed);
 *
 *	struct env_keys *env_keys_load(const struct conf *c,
 *			const char *user, struct buf *err, int *failed);
 *	struct env_keys *env_keys_ref(struct env_keys *k);
 *	void	env_keys_unref(struct env_keys *k);
 *	int	env_keys_same(const struct env_keys *k,
 *			const struct conf *c);
 *	const struct ses_ring *env_keys_ses(const struct env_keys *k);
 *	const struct ses_ring *env_keys_srs(const struct env_keys *k);
 *
 *	void	env_check_init(struct check_env *ce, const struct conf *c,
 *			const struct acl *acl, const struct env_keys *k);
 * DESCRIPTION
 *	Not a pure module: it reads files (file_read(3),
 *	secret_file_read_as(3)) and looks up a user; it never logs, and
 *	exits only on a bug (msg_panic()) or out of memory.  Each loader
 *	returns NULL without error (*failed 0) when the configuration
 *	names no such file; on error it sets *failed to ENV_ERR_READ (a
 *	file cannot be read) or ENV_ERR_BAD (a file has errors or is not
 *	safe to use) and appends "PATH: why" lines to err.  See env_load.c
 *	and env_keys.c.
 * SEE ALSO
 *	check(3), acl(3), ses(3), secret(3), rmxfd(8), rmxf(1).
 */

#define ENV_ERR_READ	1	/* *failed: a file cannot be read */
#define ENV_ERR_BAD	2	/* ... has errors, or is not safe to use */

struct acl;
struct buf;
struct check_env;
struct conf;
struct env_keys;
struct ses_ring;

struct acl *env_acl_load(const struct conf *, struct buf *, int *);

struct env_keys *env_keys_load(const struct conf *, const char *,
	    struct buf *, int *);
struct env_keys *env_keys_ref(struct env_keys *);
void	env_keys_unref(struct env_keys *);
int	env_keys_same(const struct env_keys *, const struct conf *);
const struct ses_ring *env_keys_ses(const struct env_keys *);
const struct ses_ring *env_keys_srs(const struct env_keys *);

void	env_check_init(struct check_env *, const struct conf *,
	    const struct acl *, const struct env_keys *);

#endif
