/*
 * NAME
 *	daemon_env 3
 * SUMMARY
 *	rmxfd's configuration and ACL, loaded as one reference-counted unit
 * SYNOPSIS
 *	#include "daemon/daemon.h"
 *
 *	struct daemon_env *daemon_env_load(const struct daemon *d,
 *			struct buf *err);
 *	struct daemon_env *daemon_env_ref(struct daemon_env *env);
 *	void	daemon_env_unref(struct daemon_env *env);
 * DESCRIPTION
 *	daemon_env_load() reads the configuration file of the command line
 *	(-c, else /etc/rmxf/rmxf.conf; a missing default file means the
 *	embedded defaults, at start, or on SIGHUP when they are in use: a
 *	file that was loaded and is gone at SIGHUP is an error) and the ACL file it names, and returns them
 *	together with the check(3) environment built on them and the
 *	daemon's shared record cache, with one reference.  Nothing is
 *	half-loaded: either both files are good and a new environment is
 *	returned, or NULL and err holds the reasons ("file:line: message"
 *	lines).  SIGHUP swaps environments this way, atomically.
 *
 *	Each request takes a reference (daemon_env_ref()) for its life, so
 *	that an environment replaced by a reload lives until the last
 *	request started under it is done; daemon_env_unref() frees it then.
 *	Files are read with file_read(3).
 * DIAGNOSTICS
 *	daemon_env_load(): NULL and text in err.
 * SEE ALSO
 *	rmxf.conf(5), conf(3), acl(3), rmxfd(8).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl/acl.h"
#include "daemon/daemon.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/msg.h"
#include "util/xmalloc.h"


/* daemon_env_conf - the configuration of the command line, or NULL */
static struct conf *
daemon_env_conf(const struct daemon *d, const char **source,
    struct buf *err)
{
	const char *path = d->opts.conf_file;
	struct conf *c = NULL;
	char *text = NULL;
	size_t len = 0;

	*source = path;
	if (file_read(path, CONF_MAX_TEXT, &text, &len) < 0) {
		/* a file that vanished after it was loaded is an error
		 * (SIGHUP keeps the configuration in use), not a reason to
		 * fall back to the defaults */
		if (errno == ENOENT && !d->opts.conf_explicit &&
		    (d->env == NULL ||
		    strcmp(d->env->source, DAEMON_ENV_EMBEDDED) == 0)) {
			*source = DAEMON_ENV_EMBEDDED;
			return conf_default();
		}
		buf_printf(err, "%s: cannot read: %s\n", path,
		    strerror(errno));
		return NULL;
	}
	c = conf_parse(text, len, path, err);
	free(text);
	return c;
}

/* daemon_env_acl - the ACL file c names; 0, or -1 with text in err */
static int
daemon_env_acl(const struct conf *c, struct acl **acl, struct buf *err)
{
	char *text = NULL;
	size_t len = 0;

	*acl = NULL;
	if (*c->acl_file == 0)
		return 0;
	if (file_read(c->acl_file, ACL_MAX_TEXT, &text, &len) < 0) {
		buf_printf(err, "%s: cannot read acl_file: %s\n", c->acl_file,
		    strerror(errno));
		return -1;
	}
	*acl = acl_parse(text, len, c->acl_file, err);
	free(text);
	return *acl == NULL ? -1 : 0;
}

/* daemon_env_load - configuration and ACL as one unit, or NULL */
struct daemon_env *
daemon_env_load(const struct daemon *d, struct buf *err)
{
	struct daemon_env *env;
	struct daemon_keys *keys;
	struct conf *c;
	struct acl *acl;
	const char *source = NULL;
	long result_ms;
	int failed;

	if ((c = daemon_env_conf(d, &source, err)) == NULL)
		return NULL;
	if (daemon_env_acl(c, &acl, err) < 0) {
		conf_free(c);
		return NULL;
	}
	keys = daemon_keys_load(d, c, err, &failed);
	if (failed) {
		acl_free(acl);
		conf_free(c);
		return NULL;
	}
	env = xcalloc(1, sizeof(*env));
	env->keys = keys;
	env->check.ses_ring = daemon_keys_ses(keys);
	env->check.srs_ring = daemon_keys_srs(keys);
	env->refs = 1;
	env->conf = c;
	env->acl = acl;
	env->check.conf = c;
	env->check.acl = acl;
	env->check.rcache = d->rcache;
	/* recent evaluations belong to this configuration: a reload
	 * starts with none */
	result_ms = d->opts.result_ms >= 0 ? d->opts.result_ms :
	    DAEMON_RESULT_MS;
	if (result_ms > 0)
		env->check.cache = check_cache_new(DAEMON_RESULT_MAX,
		    result_ms);
	env->check.hostname = d->hostname;
	env->source = source;
	return env;
}

/* daemon_env_ref - one more user */
struct daemon_env *
daemon_env_ref(struct daemon_env *env)
{
	env->refs++;
	return env;
}

/* daemon_env_unref - one user less; the last frees */
void
daemon_env_unref(struct daemon_env *env)
{
	if (env == NULL)
		return;
	if (env->refs == 0)
		msg_panic("daemon_env_unref: no reference left");
	if (--env->refs > 0)
		return;
	daemon_keys_unref(env->keys);
	check_cache_free(env->check.cache);
	acl_free(env->acl);
	conf_free(env->conf);
	free(env);
}
