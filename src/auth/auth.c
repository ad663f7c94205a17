/*
 * NAME
 *	auth 3
 * SUMMARY
 *	one message's DKIM signatures and DMARC policy, beside its SPF
 *	result: the Authentication-Results header and what to do
 * SYNOPSIS
 *	#include "auth/auth.h"
 *
 *	struct auth *auth_new(const struct conf *conf, long long now,
 *			struct dkim_kcache *kc);
 *	void	auth_header(struct auth *a, const char *field, size_t len);
 *	void	auth_eoh(struct auth *a);
 *	void	auth_body(struct auth *a, const char *data, size_t len);
 *	void	auth_eom(struct auth *a);
 *	enum spf_step auth_step(struct auth *a,
 *			const struct spf_question **q, size_t *nq);
 *	int	auth_feed(struct auth *a, const struct spf_answer *ans);
 *	void	auth_expire(struct auth *a);
 *	void	auth_job(struct spf_job *job, struct auth *a);
 *	int	auth_done(const struct auth *a);
 *	const struct auth_decision *auth_decide(struct auth *a,
 *			const struct auth_in *in);
 *	void	auth_free(struct auth *a);
 * DESCRIPTION
 *	A pure module (no descriptors, clock, environment, logging or
 *	exit).  auth_new() takes the time for x= and t= and a key cache
 *	(dkim_kcache_new(); NULL: none) shared by the messages of one
 *	thread.  It runs dkim(3) (test_dkim) and dmarc(3) (test_dmarc) side
 *	by side over one message as one step/feed job: question ids are
 *	the machines' own, doubled, plus 0 for dkim and 1 for dmarc.
 *
 *	The job runs twice: from the end of the header it asks for the
 *	keys and the policy while the body comes, and is DONE once every
 *	question is answered; after auth_eom() it verifies, asking what is
 *	still missing.  A driver may be started for each run (rmxfd), or
 *	once after auth_eom() (rmxf message).
 *
 *	auth_decide() takes what the front end knows of SPF and of the
 *	recipients, and gives the Authentication-Results value
 *
 *	    ID; [SPF-METHOD; ]dkim=R [reason="..."] header.d=D header.s=S
 *	    header.a=A header.b=B; ...; dmarc=R [reason="..."]
 *	    (p=POLICY dis=DISPOSITION) header.from=DOMAIN
 *
 *	(dkim=none without a signature), the action (action_dmarc_reject
 *	for a fail under p=reject, action_dmarc_quarantine under
 *	p=quarantine, action_dmarc_temperror for a temperror; anything
 *	else is marked; t=y makes the policy one step milder, RFC 9989),
 *	the reply of a reject or defer and the log fields
 *
 *	    dkim=R:D:S[,R:D:S...] dmarc=R from=DOMAIN policy=P
 *	    dmarc_action=ACT [observed=action_dmarc_...]
 *	    [unavailable=quarantine]
 *
 *	observe (observe_only, an OBSERVE recipient) turns a reject,
 *	quarantine or defer into mark and names the parameter observed;
 *	nodmarc does the same without observed=; no_quarantine (the MTA
 *	cannot) turns a quarantine into mark, logged unavailable=.  The
 *	header is at most AUTH_MAX_HEADER octets: dkim= clauses that do not
 *	fit are left out whole, dmarc= never.
 * DIAGNOSTICS
 *	auth_decide() before auth_done() is a bug: msg_panic().
 * SEE ALSO
 *	dkim(3), dmarc(3), check(3), rmxf.conf(5), RFC 8601, RFC 9989.
 */
#include <stdlib.h>
#include <string.h>

#include "auth/auth_int.h"
#include "util/buf.h"
#include "util/msg.h"
#include "util/xmalloc.h"

/* auth_new - a message's machines, as the configuration asks */
struct auth *
auth_new(const struct conf *conf, long long now, struct dkim_kcache *kc)
{
	struct auth *a = xcalloc(1, sizeof(*a));

	a->conf = conf;
	if (conf->test_dkim) {
		struct dkim_params p = {
			.now = now,
			.max_sigs = conf->dkim_max_signatures,
			.kcache = kc,
		};
		a->dkim = dkim_new(&p);
	}
	if (conf->test_dmarc)
		a->dmarc = dmarc_new();
	a->dkim_done = a->dkim == NULL;
	a->dmarc_done = a->dmarc == NULL;
	buf_init(&a->header, AUTH_MAX_HEADER);
	buf_init(&a->log, AUTH_MAX_LOG);
	buf_init(&a->text, AUTH_MAX_LOG);
	buf_init(&a->text2, AUTH_MAX_LOG);
	return a;
}

/* auth_free - release everything */
void
auth_free(struct auth *a)
{
	if (a == NULL)
		return;
	if (a->dkim)
		dkim_free(a->dkim);
	if (a->dmarc)
		dmarc_free(a->dmarc);
	free(a->qs);
	free(a->dd);
	buf_free(&a->header);
	buf_free(&a->log);
	buf_free(&a->text);
	buf_free(&a->text2);
	free(a);
}

/* auth_header - one header field, "Name:value" */
void
auth_header(struct auth *a, const char *field, size_t len)
{
	if (a->eoh)
		return;
	if (a->dkim)
		(void)dkim_header(a->dkim, field, len);
	if (a->dmarc)
		dmarc_header(a->dmarc, field, len);
}

/* auth_eoh - the end of the header */
void
auth_eoh(struct auth *a)
{
	if (a->eoh)
		return;
	a->eoh = 1;
	if (a->dmarc)
		dmarc_eoh(a->dmarc);
	if (a->dkim) {
		/* the From domain's own signatures are verified first */
		if (a->dmarc)
			dkim_prefer(a->dkim, dmarc_author(a->dmarc));
		dkim_eoh(a->dkim);
	}
}

/* auth_body - a piece of the body */
void
auth_body(struct auth *a, const char *data, size_t len)
{
	if (!a->eoh)
		auth_eoh(a);
	if (a->dkim && !a->eom)
		dkim_body(a->dkim, data, len);
}

/* auth_eom - the end of the message */
void
auth_eom(struct auth *a)
{
	if (!a->eoh)
		auth_eoh(a);
	if (a->eom)
		return;
	a->eom = 1;
	if (a->dkim)
		dkim_eom(a->dkim);
}

/* auth_add - append a machine's questions, renumbered */
static void
auth_add(struct auth *a, size_t *nq, const struct spf_question *q,
    size_t n, unsigned which)
{
	size_t i;

	if (*nq + n > a->qcap) {
		a->qcap = (*nq + n) * 2;
		a->qs = xrealloc(a->qs, a->qcap * sizeof(*a->qs));
	}
	for (i = 0; i < n; i++) {
		a->qs[*nq] = q[i];
		a->qs[*nq].id = q[i].id * 2 + which;
		(*nq)++;
	}
	a->outstanding[which] += (unsigned)n;
}

/* auth_collect - step each machine not done yet; the questions they ask */
static size_t
auth_collect(struct auth *a)
{
	const struct spf_question *q;
	size_t n, nq = 0;

	if (!a->dkim_done) {
		n = 0;
		switch (dkim_step(a->dkim, &q, &n)) {
		case SPF_STEP_QUERY:
			auth_add(a, &nq, q, n, AUTH_M_DKIM);
			break;
		case SPF_STEP_DONE:
			a->dkim_done = 1;
			a->outstanding[AUTH_M_DKIM] = 0;
			break;
		case SPF_STEP_WAIT:
			break;
		}
	}
	if (!a->dmarc_done) {
		n = 0;
		switch (dmarc_step(a->dmarc, &q, &n)) {
		case SPF_STEP_QUERY:
			auth_add(a, &nq, q, n, AUTH_M_DMARC);
			break;
		case SPF_STEP_DONE:
			a->dmarc_done = 1;
			a->outstanding[AUTH_M_DMARC] = 0;
			break;
		case SPF_STEP_WAIT:
			break;
		}
	}
	return nq;
}

/* auth_step - new questions, or wait, or this run is done */
enum spf_step
auth_step(struct auth *a, const struct spf_question **q, size_t *nq)
{
	unsigned round;
	size_t n;

	*q = NULL;
	*nq = 0;
	if (!a->eoh)
		return SPF_STEP_DONE;
	for (round = 0; round < AUTH_MAX_STEPS; round++) {
		if ((n = auth_collect(a)) > 0) {
			a->asked += (unsigned)n;
			*q = a->qs;
			*nq = n;
			return SPF_STEP_QUERY;
		}
		if (a->outstanding[AUTH_M_DKIM] + a->outstanding[AUTH_M_DMARC] >
		    0)
			return SPF_STEP_WAIT;
		if (!a->eom || (a->dkim_done && a->dmarc_done))
			return SPF_STEP_DONE;
		/* a machine that waits with nothing outstanding would wait
		 * for ever: end it as a deadline would */
		auth_expire(a);
	}
	msg_panic("auth: machines not done after expire()");
}

/* auth_feed - one answer, to the machine that asked */
int
auth_feed(struct auth *a, const struct spf_answer *ans)
{
	struct spf_answer mine = *ans;
	unsigned which = ans->id % 2;
	int r;

	if (a->outstanding[which] == 0)
		return -1;	/* not asked, or its machine is done */
	mine.id = ans->id / 2;
	if (which == AUTH_M_DKIM)
		r = a->dkim ? dkim_feed(a->dkim, &mine) : -1;
	else
		r = a->dmarc ? dmarc_feed(a->dmarc, &mine) : -1;
	if (r == 0)
		a->outstanding[which]--;
	return r;
}

/* auth_expire - the deadline: unanswered questions are DNS failures */
void
auth_expire(struct auth *a)
{
	if (a->dkim && !a->dkim_done)
		dkim_expire(a->dkim);
	if (a->dmarc && !a->dmarc_done)
		dmarc_expire(a->dmarc);
	a->outstanding[AUTH_M_DKIM] = a->outstanding[AUTH_M_DMARC] = 0;
}

static enum spf_step
auth_job_step(void *o, const struct spf_question **q, size_t *n)
{
	return auth_step(o, q, n);
}

static int
auth_job_feed(void *o, const struct spf_answer *ans)
{
	return auth_feed(o, ans);
}

static void
auth_job_expire(void *o)
{
	auth_expire(o);
}

/* auth_job - the auth as a job for dns(3) */
void
auth_job(struct spf_job *job, struct auth *a)
{
	job->obj = a;
	job->step = auth_job_step;
	job->feed = auth_job_feed;
	job->expire = auth_job_expire;
}

/* auth_done - may auth_decide() be called? */
int
auth_done(const struct auth *a)
{
	return a->eom && a->dkim_done && a->dmarc_done;
}
