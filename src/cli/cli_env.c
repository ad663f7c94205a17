/*
 * NAME
 *	cli_env 3
 * SUMMARY
 *	the daemon's check environment for the command line
 * SYNOPSIS
 *	#include "cli/cli.h"
 *
 *	int	cli_env_load(const char *who, const char *path,
 *			struct cli_env *e);
 *	void	cli_env_free(struct cli_env *e);
 * DESCRIPTION
 *	cli_env_load() reads the configuration at path (NULL: the built-in
 *	defaults, never /etc/rmxf/rmxf.conf, so that an answer does not
 *	depend on the host), its acl_file and its key rings as rmxfd reads
 *	them (env(3)), and fills e->check as rmxfd fills its own, with a
 *	parsed-record cache; only rmxfd's recent evaluations are left out,
 *	which never changes an answer.  e->check.hostname is the
 *	caller's to set.  who names the subcommand in messages.
 * DIAGNOSTICS
 *	EX_OK; EX_NOINPUT (66) when a file cannot be read; EX_CONFIG (78)
 *	for errors in the configuration, the ACL or a key file, printed on
 *	stderr.  cli_env_free() releases what was loaded, also after a
 *	failure.
 * SEE ALSO
 *	env(3), rmxf(1), rmxfd(8).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "acl/acl.h"
#include "cli/cli.h"
#include "conf/conf.h"
#include "env/env.h"
#include "util/buf.h"
#include "util/file.h"

#define CLI_ENV_MAX_ERR		(64 * 1024)	/* configuration errors */
#define CLI_ENV_RCACHE		1000		/* parsed records kept */

/* cli_env_load - configuration, ACL, key rings, check environment */
int
cli_env_load(const char *who, const char *path, struct cli_env *e)
{
	struct buf err;
	char *text = NULL;
	size_t len = 0;
	int status = EX_OK, failed = 0;

	memset(e, 0, sizeof(*e));
	buf_init(&err, CLI_ENV_MAX_ERR);
	if (path == NULL)
		e->conf = conf_default();
	else if (file_read(path, CONF_MAX_TEXT, &text, &len) < 0) {
		status = cli_error(EX_NOINPUT, "%s: cannot read %s: %s", who,
		    path, strerror(errno));
		goto out;
	} else if ((e->conf = conf_parse(text, len, path, &err)) == NULL) {
		fputs(err.data != NULL ? err.data : "", stderr);
		status = EX_CONFIG;
		goto out;
	}
	e->acl = env_acl_load(e->conf, &err, &failed);
	if (failed == 0)
		e->keys = env_keys_load(e->conf, e->conf->user, &err,
		    &failed);
	if (failed != 0) {
		fputs(err.data != NULL ? err.data : "", stderr);
		status = failed == ENV_ERR_READ ? EX_NOINPUT : EX_CONFIG;
		goto out;
	}
	e->rcache = spf_rcache_new(CLI_ENV_RCACHE);
	env_check_init(&e->check, e->conf, e->acl, e->keys);
	e->check.rcache = e->rcache;
out:
	free(text);
	buf_free(&err);
	return status;
}

/* cli_env_free - release what cli_env_load() made */
void
cli_env_free(struct cli_env *e)
{
	if (e->rcache != NULL)
		spf_rcache_free(e->rcache);
	env_keys_unref(e->keys);
	acl_free(e->acl);
	if (e->conf != NULL)
		conf_free(e->conf);
	memset(e, 0, sizeof(*e));
}
