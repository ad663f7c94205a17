/*
 * NAME
 *	daemon_mauth 3
 * SUMMARY
 *	one message's DKIM and DMARC (auth(3)) on the shared resolver
 * SYNOPSIS
 *	#include "daemon/daemon.h"
 *
 *	struct daemon_mauth *daemon_mauth_new(struct daemon *d);
 *	void	daemon_mauth_header(struct daemon_mauth *ma,
 *			const char *name, const char *lead,
 *			const char *value);
 *	void	daemon_mauth_eoh(struct daemon_mauth *ma);
 *	void	daemon_mauth_body(struct daemon_mauth *ma,
 *			const char *data, size_t len);
 *	void	daemon_mauth_eom(struct daemon_mauth *ma,
 *			void (*ready)(void *arg), void *arg);
 *	const struct auth_decision *daemon_mauth_decide(
 *			struct daemon_mauth *ma, const struct auth_in *in);
 *	void	daemon_mauth_free(struct daemon_mauth *ma);
 * DESCRIPTION
 *	daemon_mauth_new() starts a message's evaluation under the current
 *	environment (a reference is taken: a reload does not change the
 *	rules under it).  Header fields come as a Milter gives them (the
 *	name, and the value, continuation lines joined by LF; lead is put
 *	before the value: the white space the MTA took away, if it did); at the end of the header the keys and the
 *	policy are asked for on the daemon's dns_ub while the body comes.
 *	After daemon_mauth_eom(), ready(arg) is called from the loop
 *	(never from inside daemon_mauth_eom()) once daemon_mauth_decide()
 *	may be called.  The DNS work of each run ends at dns_timeout or
 *	request_timeout, whichever comes first.  daemon_mauth_free()
 *	cancels what runs.
 * SEE ALSO
 *	auth(3), daemon_milter(3), dns(3).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/auth.h"
#include "daemon/daemon.h"
#include "dns/dns.h"
#include "milter/milter.h"
#include "util/buf.h"
#include "util/xmalloc.h"

#define DAEMON_MAUTH_FIELD_MIN	256	/* a field's first storage */

struct daemon_mauth {
	struct daemon  *d;
	struct daemon_env *env;
	struct auth    *auth;
	struct spf_job	job;
	struct dns_ub_run *run;		/* the run going on, or NULL */
	int		eom;
	void		(*ready)(void *);
	void	       *arg;
	struct buf	field;		/* "Name:value", reused */
};

/* daemon_mauth_timeout - a run's deadline, as a request's */
static unsigned
daemon_mauth_timeout(const struct conf *c)
{
	return c->dns_timeout < c->request_timeout ? c->dns_timeout :
	    c->request_timeout;
}

/* daemon_mauth_new - a message's evaluation */
struct daemon_mauth *
daemon_mauth_new(struct daemon *d)
{
	struct daemon_mauth *ma = xcalloc(1, sizeof(*ma));

	ma->d = d;
	ma->env = daemon_env_ref(d->env);
	ma->auth = auth_new(ma->env->conf, (long long)time(NULL),
	    d->kcache);
	auth_job(&ma->job, ma->auth);
	/* a header packet is at most MILTER_MAX_DATA octets, so is a field */
	buf_init(&ma->field, MILTER_MAX_DATA + DAEMON_MAUTH_FIELD_MIN);
	return ma;
}

/* daemon_mauth_free - cancel and release */
void
daemon_mauth_free(struct daemon_mauth *ma)
{
	if (ma == NULL)
		return;
	if (ma->run != NULL)
		dns_ub_cancel(ma->run);
	auth_free(ma->auth);
	buf_free(&ma->field);
	daemon_env_unref(ma->env);
	daemon_mem_touch(ma->d);
	free(ma);
}

/* daemon_mauth_header - one field: Name, ':', the value as it came */
void
daemon_mauth_header(struct daemon_mauth *ma, const char *name,
    const char *lead, const char *value)
{
	buf_reset(&ma->field);
	buf_puts(&ma->field, name);
	buf_putc(&ma->field, ':');
	buf_puts(&ma->field, lead);
	buf_puts(&ma->field, value);
	auth_header(ma->auth, ma->field.data, ma->field.len);
}

/* daemon_mauth_done - a run ended */
static void
daemon_mauth_done(void *arg)
{
	struct daemon_mauth *ma = arg;

	ma->run = NULL;
	if (!ma->eom)
		return;			/* the prefetch: the body goes on */
	if (!auth_done(ma->auth)) {	/* the end came during the prefetch */
		ma->run = dns_ub_start(ma->d->ub, &ma->job,
		    daemon_mauth_timeout(ma->env->conf), daemon_mauth_done, ma);
		return;
	}
	ma->ready(ma->arg);
}

/* daemon_mauth_eoh - the end of the header: fetch keys and policy */
void
daemon_mauth_eoh(struct daemon_mauth *ma)
{
	auth_eoh(ma->auth);
	if (ma->run == NULL)
		ma->run = dns_ub_start(ma->d->ub, &ma->job,
		    daemon_mauth_timeout(ma->env->conf), daemon_mauth_done, ma);
}

/* daemon_mauth_body - a piece of the body */
void
daemon_mauth_body(struct daemon_mauth *ma, const char *data, size_t len)
{
	auth_body(ma->auth, data, len);
}

/* daemon_mauth_eom - the end of the message: ready(arg) follows */
void
daemon_mauth_eom(struct daemon_mauth *ma, void (*ready)(void *), void *arg)
{
	ma->eom = 1;
	ma->ready = ready;
	ma->arg = arg;
	auth_eom(ma->auth);
	if (ma->run == NULL)	/* else daemon_mauth_done() goes on */
		ma->run = dns_ub_start(ma->d->ub, &ma->job,
		    daemon_mauth_timeout(ma->env->conf), daemon_mauth_done,
		    ma);
}

/* daemon_mauth_decide - the decision (after ready, or eom's 1) */
const struct auth_decision *
daemon_mauth_decide(struct daemon_mauth *ma, const struct auth_in *in)
{
	return auth_decide(ma->auth, in);
}
