/*
 * NAME
 *	daemon_env 3
 * SUMMARY
 *	rmxfd's configuration, ACL and key rings, loaded as one
 *	reference-counted unit
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
 *	file that was loaded and is gone at SIGHUP is an error), the ACL
 *	file and the key rings it names (env(3); a reload whose rings
 *	cannot be read keeps the running ones when the paths are the same,
 *	with a warning), and returns them together with the check(3)
 *	environment built on them (env_check_init(), as rmxf replay does)
 *	and the daemon's shared record cache, with one reference.  Nothing
 *	is half-loaded: either every file is good and a new environment is
 *	returned, or NULL and err holds the reasons ("file:line: message"
 *	lines).  SIGHUP swaps environments this way, atomically.
 *
 *	Each request takes a reference (daemon_env_ref()) for its life, so
 *	that an environment replaced by a reload lives until the last
 *	request started under it is done; daemon_env_unref() frees it then.
 *	Files are read with file_read(3) and secret_file_read_as(3).
 * DIAGNOSTICS
 *	daemon_env_load(): NULL and text in err.
 * SEE ALSO
 *	rmxf.conf(5), conf(3), acl(3), env(3), rmxfd(8).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl/acl.h"
#include "daemon/daemon.h"
#include "env/env.h"
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

/* daemon_env_keys_warn - each line of why, a warning of its own */
static void
daemon_env_keys_warn(const struct buf *why)
{
	const char *p = why->data, *end = why->data + why->len, *nl;

	for (; p != NULL && p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (nl > p)
			msg_warn("key rings not read again, the old ones "
			    "stay: %.*s", (int)(nl - p), p);
	}
}

/*
 * daemon_env_keys - the key rings of c (env_keys(3)); a reload whose files
 * cannot be read (after the privilege drop a root-owned 0600 file no
 * longer can) keeps the running environment's rings when the paths are
 * the same, with one warning per file
 */
static struct env_keys *
daemon_env_keys(const struct daemon *d, const struct conf *c,
    struct buf *err, int *failed)
{
	struct env_keys *k, *old = d->env != NULL ? d->env->keys : NULL;
	const char *user = d->opts.user != NULL ? d->opts.user : c->user;
	struct buf why;

	buf_init(&why, DAEMON_MAX_ERR);
	k = env_keys_load(c, user, &why, failed);
	if (*failed && env_keys_same(old, c)) {
		daemon_env_keys_warn(&why);
		*failed = 0;
		k = env_keys_ref(old);
	} else if (*failed)
		buf_puts(err, why.data != NULL ? why.data : "");
	buf_free(&why);
	return k;
}

/* daemon_env_load - configuration, ACL and rings as one unit, or NULL */
struct daemon_env *
daemon_env_load(const struct daemon *d, struct buf *err)
{
	struct daemon_env *env;
	struct env_keys *keys = NULL;
	struct conf *c;
	struct acl *acl;
	const char *source = NULL;
	int failed;

	if ((c = daemon_env_conf(d, &source, err)) == NULL)
		return NULL;
	acl = env_acl_load(c, err, &failed);
	if (!failed)
		keys = daemon_env_keys(d, c, err, &failed);
	if (failed) {
		acl_free(acl);
		conf_free(c);
		return NULL;
	}
	env = xcalloc(1, sizeof(*env));
	env->refs = 1;
	env->conf = c;
	env->acl = acl;
	env->keys = keys;
	env_check_init(&env->check, c, acl, keys);
	env->check.rcache = d->rcache;
	/* recent evaluations belong to this configuration: a reload
	 * starts with none */
	if (c->result_reuse_time > 0)
		env->check.recent = check_recent_new(DAEMON_RESULT_MAX,
		    (long)c->result_reuse_time);
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
	env_keys_unref(env->keys);
	check_recent_free(env->check.recent);
	acl_free(env->acl);
	conf_free(env->conf);
	free(env);
}
