/*
 * NAME
 *	env_keys 3
 * SUMMARY
 *	the SES (BATV) and SRS key rings a configuration names, read from
 *	their files
 * SYNOPSIS
 *	#include "env/env.h"
 *
 *	struct env_keys *env_keys_load(const struct conf *c,
 *			const char *user, struct buf *err, int *failed);
 *	struct env_keys *env_keys_ref(struct env_keys *k);
 *	void	env_keys_unref(struct env_keys *k);
 *	int	env_keys_same(const struct env_keys *k,
 *			const struct conf *c);
 *	const struct ses_ring *env_keys_ses(const struct env_keys *k);
 *	const struct ses_ring *env_keys_srs(const struct env_keys *k);
 * DESCRIPTION
 *	env_keys_load() reads the rings c names: ses_keys ("K SECRET"
 *	lines) and srs_secrets (postsrsd's file), each through
 *	secret_file_read_as(), which refuses a file that group or others
 *	may read or that someone other than root, the effective user or
 *	user (the user rmxfd runs as; NULL or "": nobody else) owns.  It
 *	returns the rings with one reference, or NULL: without error when
 *	c names neither file; with *failed set (env(3): ENV_ERR_READ or
 *	ENV_ERR_BAD, the first failure's) and one "PATH: why" line per bad
 *	file in err otherwise.  Nothing is half-loaded.
 *
 *	Rings are reference-counted (rmxfd's environments share them
 *	across reloads); the last env_keys_unref() wipes the secrets.
 *	env_keys_same() says whether k was read from the files c names.
 *	env_keys_ses() and env_keys_srs() give a ring, or NULL (no such
 *	file, or k NULL); it lives as long as k.
 * DIAGNOSTICS
 *	See above.  An unref without a reference: msg_panic().
 * SEE ALSO
 *	ses(3), secret(3), rmxf.conf(5).
 */
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "env/env.h"
#include "ses/ses.h"
#include "util/buf.h"
#include "util/msg.h"
#include "util/secret.h"
#include "util/xmalloc.h"

#define ENV_KEYS_MAX_WHY	1024	/* one file's complaint */

struct env_keys {
	unsigned	refs;
	struct ses_ring *ses;		/* NULL: no ses_keys */
	struct ses_ring *srs;		/* NULL: no srs_secrets */
	char	       *ses_path;
	char	       *srs_path;
};

/*
 * env_keys_ring - one ring file; NULL with a line in err and *failed set
 * (the first failure's kind) on trouble
 */
static struct ses_ring *
env_keys_ring(const char *path, uid_t owner, enum ses_ring_kind kind,
    struct buf *err, int *failed)
{
	struct ses_ring *r;
	struct buf text, why;
	int st;

	buf_init(&text, SES_MAX_RING);
	buf_init(&why, ENV_KEYS_MAX_WHY);
	r = NULL;
	if ((st = secret_file_read_as(path, owner, &text, &why)) < 0) {
		buf_printf(err, "%s\n", why.data != NULL ? why.data : path);
		if (*failed == 0)
			*failed = st == SECRET_ERR_READ ? ENV_ERR_READ :
			    ENV_ERR_BAD;
	} else if ((r = ses_ring_parse(text.data != NULL ? text.data : "",
	    text.len, kind, &why)) == NULL) {
		buf_printf(err, "%s: %s\n", path, why.data != NULL ?
		    why.data : "no key");
		if (*failed == 0)
			*failed = ENV_ERR_BAD;
	}
	secret_buf_wipe(&text);
	buf_free(&why);
	return r;
}

/* env_keys_load - the rings of a configuration, or NULL */
struct env_keys *
env_keys_load(const struct conf *c, const char *user, struct buf *err,
    int *failed)
{
	struct env_keys *k;
	uid_t owner = SECRET_NO_UID;
	const struct passwd *pw;

	*failed = 0;
	if (*c->ses_keys == 0 && *c->srs_secrets == 0)
		return NULL;
	k = xcalloc(1, sizeof(*k));
	k->refs = 1;
	k->ses_path = xstrdup(c->ses_keys);
	k->srs_path = xstrdup(c->srs_secrets);
	if (user != NULL && *user != 0 && (pw = getpwnam(user)) != NULL)
		owner = pw->pw_uid;
	if (*c->ses_keys != 0)
		k->ses = env_keys_ring(c->ses_keys, owner, SES_RING_BATV, err,
		    failed);
	if (*c->srs_secrets != 0)
		k->srs = env_keys_ring(c->srs_secrets, owner, SES_RING_SRS,
		    err, failed);
	if (*failed == 0)
		return k;
	env_keys_unref(k);
	return NULL;
}

/* env_keys_ref - one more user */
struct env_keys *
env_keys_ref(struct env_keys *k)
{
	if (k != NULL)
		k->refs++;
	return k;
}

/* env_keys_unref - one user less; the last wipes the secrets */
void
env_keys_unref(struct env_keys *k)
{
	if (k == NULL)
		return;
	if (k->refs == 0)
		msg_panic("env_keys_unref: no reference left");
	if (--k->refs > 0)
		return;
	ses_ring_free(k->ses);
	ses_ring_free(k->srs);
	free(k->ses_path);
	free(k->srs_path);
	free(k);
}

/* env_keys_same - were these rings read from the files c names? */
int
env_keys_same(const struct env_keys *k, const struct conf *c)
{
	return k != NULL && strcmp(k->ses_path, c->ses_keys) == 0 &&
	    strcmp(k->srs_path, c->srs_secrets) == 0;
}

/* env_keys_ses - the BATV ring, or NULL */
const struct ses_ring *
env_keys_ses(const struct env_keys *k)
{
	return k != NULL ? k->ses : NULL;
}

/* env_keys_srs - the SRS ring, or NULL */
const struct ses_ring *
env_keys_srs(const struct env_keys *k)
{
	return k != NULL ? k->srs : NULL;
}
