/*
 * NAME
 *	env_load 3
 * SUMMARY
 *	the ACL file of a configuration, and the check(3) environment on a
 *	configuration and its files
 * SYNOPSIS
 *	#include "env/env.h"
 *
 *	struct acl *env_acl_load(const struct conf *c, struct buf *err,
 *			int *failed);
 *	void	env_check_init(struct check_env *ce, const struct conf *c,
 *			const struct acl *acl, const struct env_keys *k);
 * DESCRIPTION
 *	env_acl_load() reads and parses the acl_file that c names (at most
 *	ACL_MAX_TEXT octets).  It returns the ACL (the caller's, for
 *	acl_free()), or NULL: without error when c names none; with *failed
 *	ENV_ERR_READ when the file cannot be read ("PATH: cannot read
 *	acl_file: why"), ENV_ERR_BAD when it has errors ("PATH:LINE:
 *	message" lines), the text in err.
 *
 *	env_check_init() fills ce with what the configuration decides:
 *	the conf, the ACL, and the key rings of k (NULL: none), which
 *	switch the bounce check on (ses_keys) and let it accept SRS
 *	addresses (srs_secrets).  Everything else (record cache, receiver
 *	name, recent evaluations) is NULL for the caller to set.  rmxfd
 *	and rmxf replay build their environments with it, so that a replay
 *	runs the daemon's pipeline, stage by stage.  ce borrows c, acl and
 *	the rings of k.
 * DIAGNOSTICS
 *	See above; memory exhaustion exits (xmalloc).
 * SEE ALSO
 *	check(3), acl(3), env_keys(3), rmxf.conf(5).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "acl/acl.h"
#include "check/check.h"
#include "conf/conf.h"
#include "env/env.h"
#include "util/buf.h"
#include "util/file.h"

/* env_acl_load - the ACL file c names; NULL for none or on error */
struct acl *
env_acl_load(const struct conf *c, struct buf *err, int *failed)
{
	struct acl *acl;
	char *text = NULL;
	size_t len = 0;

	*failed = 0;
	if (*c->acl_file == 0)
		return NULL;
	if (file_read(c->acl_file, ACL_MAX_TEXT, &text, &len) < 0) {
		buf_printf(err, "%s: cannot read acl_file: %s\n", c->acl_file,
		    strerror(errno));
		*failed = ENV_ERR_READ;
		return NULL;
	}
	acl = acl_parse(text, len, c->acl_file, err);
	free(text);
	*failed = acl == NULL ? ENV_ERR_BAD : 0;
	return acl;
}

/* env_check_init - the check environment a configuration decides */
void
env_check_init(struct check_env *ce, const struct conf *c,
    const struct acl *acl, const struct env_keys *k)
{
	memset(ce, 0, sizeof(*ce));
	ce->conf = c;
	ce->acl = acl;
	ce->ses_ring = env_keys_ses(k);
	ce->srs_ring = env_keys_srs(k);
}
