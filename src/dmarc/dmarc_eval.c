/*
 * NAME
 *	dmarc_eval 3
 * SUMMARY
 *	identifier alignment, the DMARC result and the policy that applies
 * SYNOPSIS
 *	#include "dmarc.h"
 *
 *	const struct dmarc_outcome *dmarc_evaluate(struct dmarc *d,
 *		    const struct dmarc_auth *auth);
 *	const char *dmarc_result_str(enum dmarc_result r);
 *	const char *dmarc_policy_str(enum dmarc_policy p);
 * DESCRIPTION
 *	dmarc_evaluate() gives the outcome once dmarc_step() is DONE (see
 *	dmarc(3) for the rules); before that, temperror.  Each author
 *	domain is evaluated on its own; with several, the worst result
 *	wins (fail, temperror, permerror, none, pass), "from" and the
 *	other per-domain fields are those of the first domain with that
 *	result, policy is the strictest of the domains with that result,
 *	and applied the strictest of the failing domains'.
 *
 *	The policy is the one the record asks for the author domain, also
 *	for a pass (for the A-R comment); applied is what a failing message
 *	gets: the policy one step milder under t=y (RFC 9989 4.7), none
 *	for any other result.
 * SEE ALSO
 *	dmarc(3), RFC 9989 4.4, 4.7, 4.10, 5.3.5, 5.3.6; RFC 8601 2.7.1.
 */
#include <string.h>

#include "dmarc_walk.h"

/* Ranks for the several-domains rule, by enum dmarc_result. */
static const int dmarc_rank[] = {1, 0, 4, 3, 2};
#define DMARC_NRESULTS	(sizeof(dmarc_rank) / sizeof(dmarc_rank[0]))

/* dmarc_result_str - RFC 8601 name */
const char *
dmarc_result_str(enum dmarc_result r)
{
	static const char *const s[] = {
		"none", "pass", "fail", "temperror", "permerror",
	};

	return (unsigned)r < sizeof(s) / sizeof(s[0]) ? s[r] : "?";
}

/* dmarc_policy_str - p= value */
const char *
dmarc_policy_str(enum dmarc_policy p)
{
	static const char *const s[] = {"none", "quarantine", "reject"};

	return (unsigned)p < sizeof(s) / sizeof(s[0]) ? s[p] : "?";
}

/* dmarc_why_dns - "DNS failure at NAME" into why */
static const char *
dmarc_why_dns(char *why, size_t whylen, const char *name)
{
	static const char pre[] = "DNS failure at ";
	size_t n = strlen(name);

	if (sizeof(pre) + n > whylen)
		n = whylen - sizeof(pre);
	memcpy(why, pre, sizeof(pre) - 1);
	memcpy(why + sizeof(pre) - 1, name, n);
	why[sizeof(pre) - 1 + n] = 0;
	return why;
}

/* dmarc_aligned - 1 aligned, 0 not, -1 unknown (an organizational
 * domain not known); relaxed: the identifier's organizational domain
 * from its own walk when it was given, else the approximation of
 * dmarc(3) */
static int
dmarc_aligned(const struct dmarc *d, const struct dmarc_walk *w,
    const char *id, int strict, const char **failed)
{
	char norm[DMARC_MAX_DOMAIN + 1];
	const struct dmarc_walk *iw;
	size_t n, o;

	if (id == NULL || dmarc_domain_norm(id, strlen(id), norm) < 0)
		return 0;
	if (strcmp(norm, w->name) == 0)
		return 1;
	if (strict)
		return 0;
	if (w->org == NULL) {
		*failed = w->qname[w->fail];
		return -1;
	}
	if ((iw = dmarc_id_walk(d, norm)) != NULL && iw->fail >= 0) {
		*failed = iw->qname[iw->fail];
		return -1;
	}
	if (iw != NULL)
		return strcmp(iw->org, w->org) == 0;
	n = strlen(norm);
	o = strlen(w->org);
	if (n == o)
		return strcmp(norm, w->org) == 0;
	return n > o && norm[n - o - 1] == '.' &&
	    strcmp(norm + n - o, w->org) == 0;
}

/* dmarc_policy_of - a request as a policy; absent is none */
static enum dmarc_policy
dmarc_policy_of(enum dmarc_req r)
{
	return r == DMARC_REQ_REJECT ? DMARC_P_REJECT :
	    r == DMARC_REQ_QUARANTINE ? DMARC_P_QUARANTINE : DMARC_P_NONE;
}

/* dmarc_pick_policy - p, sp or np for this author domain; -1 when it
 * depends on an existence test that failed */
static int
dmarc_pick_policy(const struct dmarc_walk *w, const struct dmarc_record *r,
    enum dmarc_policy *p)
{
	enum dmarc_req sub;

	if (dmarc_record_usable(r) == 0) {
		*p = DMARC_P_NONE;
		return 0;
	}
	if (w->pol == 0) {
		*p = dmarc_policy_of(r->p);
		return 0;
	}
	sub = r->sp != DMARC_REQ_ABSENT ? r->sp : r->p;
	*p = dmarc_policy_of(sub);
	if (r->np == DMARC_REQ_ABSENT || !w->need_exist)
		return 0;
	if (w->exists < 0)
		return -1;
	if (w->exists == 0)
		*p = dmarc_policy_of(r->np);
	return 0;
}

/* dmarc_ids - SPF and DKIM alignment; 1 when one aligns, -1 when none
 * does but one might */
static int
dmarc_ids(const struct dmarc *d, const struct dmarc_walk *w,
    const struct dmarc_record *r, const struct dmarc_auth *auth,
    struct dmarc_outcome *o, const char **failed)
{
	size_t i;
	int a, unknown = 0;

	if (auth->spf == SPF_PASS) {
		a = dmarc_aligned(d, w, auth->spf_domain, r->aspf_strict,
		    failed);
		o->spf_aligned = a == 1;
		unknown |= a < 0;
	}
	for (i = 0; i < auth->ndkim && o->dkim_aligned == NULL; i++) {
		if (!auth->dkim[i].pass)
			continue;
		a = dmarc_aligned(d, w, auth->dkim[i].d, r->adkim_strict,
		    failed);
		if (a == 1)
			o->dkim_aligned = auth->dkim[i].d;
		unknown |= a < 0;
	}
	if (o->spf_aligned || o->dkim_aligned)
		return 1;
	return unknown ? -1 : 0;
}

/* dmarc_eval_one - the outcome for one author domain */
static void
dmarc_eval_one(const struct dmarc *d, const struct dmarc_walk *w,
    const struct dmarc_auth *auth, struct dmarc_outcome *o, char *why,
    size_t whylen)
{
	const struct dmarc_ans *x;
	const char *failed = NULL;
	int ids, pick;

	memset(o, 0, sizeof(*o));
	o->from = w->name;
	o->org = w->org ? w->org : "";
	o->record_domain = "";
	if (w->pol < 0) {
		o->result = w->fail >= 0 ? DMARC_TEMPERROR : DMARC_NONE;
		o->reason = w->fail >= 0 ? dmarc_why_dns(why, whylen,
		    w->qname[w->fail]) : "no policy record";
		return;
	}
	x = &w->ans[w->pol];
	o->record_domain = w->qname[w->pol] + 7;
	if (x->toolong || dmarc_record_usable(&x->rec) < 0) {
		o->result = DMARC_NONE;
		o->reason = x->toolong ? "policy record too long" :
		    "invalid policy record";
		return;
	}
	o->adkim_strict = x->rec.adkim_strict;
	o->aspf_strict = x->rec.aspf_strict;
	o->testing = x->rec.testing;
	pick = dmarc_pick_policy(w, &x->rec, &o->policy);
	ids = dmarc_ids(d, w, &x->rec, auth, o, &failed);
	if (ids == 1) {
		o->result = DMARC_PASS;
		return;
	}
	if (ids < 0 || pick < 0) {
		o->result = DMARC_TEMPERROR;
		o->reason = dmarc_why_dns(why, whylen, ids < 0 ? failed :
		    w->name);
		return;
	}
	o->result = DMARC_FAIL;
	o->applied = o->policy;
	if (o->testing && o->applied != DMARC_P_NONE)
		o->applied--;
}

/* dmarc_eval_fixed - outcomes that need no walk */
static const struct dmarc_outcome *
dmarc_eval_fixed(struct dmarc *d)
{
	memset(&d->out, 0, sizeof(d->out));
	d->out.from = d->ndom && d->from_err != DMARC_FROM_MANY ?
	    d->dom[0] : "";
	d->out.org = "";
	d->out.record_domain = "";
	d->out.result = DMARC_PERMERROR;
	d->out.reason = d->nfields == 0 ? "no From field" :
	    d->from_err == DMARC_FROM_MANY ? "too many From domains" :
	    "unparseable From field";
	if (d->eoh && d->walk == NULL)
		return &d->out;
	d->out.result = DMARC_TEMPERROR;
	d->out.reason = "not done";
	return &d->out;
}

/* dmarc_evaluate - the outcome for these authenticated identifiers */
const struct dmarc_outcome *
dmarc_evaluate(struct dmarc *d, const struct dmarc_auth *auth)
{
	struct dmarc_outcome o;
	char why[DMARC_REASON];
	enum dmarc_policy pol[DMARC_NRESULTS] = {DMARC_P_NONE};
	enum dmarc_policy app = DMARC_P_NONE;
	size_t i;

	if (d->walk == NULL || !dmarc_done(d))
		return dmarc_eval_fixed(d);
	for (i = 0; i < d->ndom; i++) {
		dmarc_eval_one(d, &d->walk[i], auth, &o, why, sizeof(why));
		if (o.policy > pol[o.result])
			pol[o.result] = o.policy;
		if (o.applied > app)
			app = o.applied;
		if (i == 0 ||
		    dmarc_rank[o.result] > dmarc_rank[d->out.result]) {
			d->out = o;
			if (o.reason == why) {
				memcpy(d->reason, why, sizeof(d->reason));
				d->out.reason = d->reason;
			}
		}
	}
	/* RFC 7489 6.6.1, RFC 9989 5.3.1: the strictest policy of the
	 * domains with that result (a passing domain's p=reject says
	 * nothing about a failing one's) */
	d->out.policy = pol[d->out.result];
	d->out.applied = app;
	return &d->out;
}
