/*
 * NAME
 *	dmarc 3
 * SUMMARY
 *	DMARC policy discovery by the DNS tree walk and the DMARC result
 * SYNOPSIS
 *	#include "dmarc.h"
 *
 *	struct dmarc *dmarc_new(void);
 *	void	dmarc_header(struct dmarc *d, const char *field, size_t len);
 *	void	dmarc_eoh(struct dmarc *d);
 *	enum spf_step dmarc_step(struct dmarc *d,
 *		    const struct spf_question **qs, size_t *n);
 *	int	dmarc_feed(struct dmarc *d, const struct spf_answer *a);
 *	void	dmarc_expire(struct dmarc *d);
 *	const struct dmarc_outcome *dmarc_evaluate(struct dmarc *d,
 *		    const struct dmarc_auth *auth);
 *	void	dmarc_free(struct dmarc *d);
 * DESCRIPTION
 *	The walk of RFC 9989 4.10 for each author domain: TXT at _dmarc.
 *	of the author domain, then of its parents (the parent of an author
 *	domain of more than eight labels is its suffix of seven labels),
 *	up to the top label.  All of a walk's questions (at most
 *	DMARC_MAX_WALK) are asked at once; the answers are then read in
 *	the walk's order, so the outcome is that of the walk asked one
 *	question at a time: it stops at the first name holding exactly
 *	one DMARC record with psd=y or psd=n, and a DNS failure (SERVFAIL,
 *	timeout) on a name the sequential walk would have reached is a
 *	DNS failure of the walk.  A name with several DMARC records has
 *	none.  The step is DONE as soon as every walk is decided, even
 *	with answers still outstanding that cannot change it.
 *
 *	The policy record is the author domain's own; else that of its
 *	organizational domain; else, when the organizational domain was
 *	found below a psd=y record, that record (RFC 9989 4.10.1).  The
 *	organizational domain (4.10.2), from the longest name to the
 *	shortest among those with a record: the first with psd=n; the
 *	name one label below the first psd=y record other than the author
 *	domain's; else the shortest; else the author domain itself.
 *
 *	A policy taken from a parent applies sp= to an existing author
 *	domain and np= to a non-existent one (RFC 9989 4.10.1; its
 *	definition of a non-existent domain: NXDOMAIN, RFC 8020; and its
 *	domain existence test: any record).  The existence test costs a
 *	question only when np= is given and differs from the policy for
 *	existing subdomains, and _dmarc.AUTHOR was NXDOMAIN (a NOERROR
 *	there proves the author domain exists); it is then TXT at the
 *	author domain, whose NXDOMAIN or NOERROR decides.
 *
 *	Relaxed alignment: the identifier's organizational domain, from
 *	its own walk, is the author domain's (4.10.2).  An identifier gets
 *	a walk when it was given with dmarc_identifier() and shares its
 *	last two labels with an author domain; its questions are asked with
 *	the author domains' and those at names another walk asks are
 *	shared, so a subdomain identifier usually costs one question and
 *	no round trip.  An identifier without a walk aligns when it is the
 *	author's organizational domain or a name below it (this differs
 *	from 4.10.2 only when a record with psd= sits between the two).
 *	Strict: it equals the author domain.  A DNS failure in the walk
 *	after the author domain's own record was found leaves the
 *	organizational domain unknown: strict alignment and identifiers
 *	equal to the author domain still decide, anything else is
 *	temperror; so does a failure in an identifier's walk.
 * SEE ALSO
 *	dmarc_from(3), dmarc_record(3), RFC 9989 4.8, 4.10, 5.3.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../util/xmalloc.h"
#include "dmarc_int.h"
#include "dmarc_walk.h"

/* dmarc_new - an empty DMARC evaluation */
struct dmarc *
dmarc_new(void)
{
	struct dmarc *d = xcalloc(1, sizeof(*d));

	return d;
}

/* dmarc_free - release it */
void
dmarc_free(struct dmarc *d)
{
	if (d == NULL)
		return;
	free(d->walk);
	free(d);
}

/* dmarc_header - keep the author domains of a From field */
void
dmarc_header(struct dmarc *d, const char *f, size_t len)
{
	const char *colon;
	size_t n;
	int err;

	if (d->eoh || (colon = memchr(f, ':', len)) == NULL)
		return;
	for (n = (size_t)(colon - f); n > 0 && (f[n - 1] == ' ' ||
	    f[n - 1] == '\t'); n--)
		;
	if (n != 4 || strncasecmp(f, "from", 4) != 0)
		return;
	d->nfields++;
	if (d->from_err)
		return;
	if (len > DMARC_MAX_FIELD) {
		d->from_err = DMARC_FROM_SYNTAX;
		return;
	}
	colon++;
	err = dmarc_from_parse(colon, len - (size_t)(colon - f), d->dom,
	    &d->ndom, DMARC_MAX_FROM);
	if (err)
		d->from_err = err;
}

/* dmarc_walk_init - the names of one author domain's walk */
static void
dmarc_walk_init(struct dmarc_walk *w, const char *name)
{
	size_t i, m;

	memset(w, 0, sizeof(*w));
	memcpy(w->name, name, strlen(name) + 1);
	w->lab[w->nlab++] = 0;
	for (i = 0; w->name[i]; i++)
		if (w->name[i] == '.')
			w->lab[w->nlab++] = i + 1;
	m = w->nlab;
	while (m > 0 && w->nq < DMARC_MAX_WALK) {
		memcpy(w->qname[w->nq], "_dmarc.", 7);
		memcpy(w->qname[w->nq] + 7, w->name + w->lab[w->nlab - m],
		    strlen(w->name + w->lab[w->nlab - m]) + 1);
		w->qlab[w->nq++] = m;
		m = m - 1 > DMARC_WALK_TAIL ? DMARC_WALK_TAIL : m - 1;
	}
	w->fail = -1;
	w->pol = -1;
	w->exists = 1;
}

/* dmarc_identifier - a possible authenticated identifier */
void
dmarc_identifier(struct dmarc *d, const char *name)
{
	char norm[DMARC_MAX_DOMAIN + 1];
	size_t i;

	if (d->eoh || name == NULL || d->nid == DMARC_MAX_IDS ||
	    dmarc_domain_norm(name, strlen(name), norm) < 0)
		return;
	for (i = 0; i < d->nid; i++)
		if (strcmp(d->ids[i], norm) == 0)
			return;
	memcpy(d->ids[d->nid++], norm, strlen(norm) + 1);
}

/* dmarc_last2 - a name's last two labels, or NULL with fewer */
static const char *
dmarc_last2(const char *s)
{
	const char *p = strrchr(s, '.');

	if (p == NULL)
		return NULL;
	while (p > s && p[-1] != '.')
		p--;
	return p;
}

/* dmarc_common - 1 when two names share at least two last labels */
static int
dmarc_common(const char *a, const char *b)
{
	const char *x = dmarc_last2(a), *y = dmarc_last2(b);

	return x != NULL && y != NULL && strcmp(x, y) == 0;
}

/* dmarc_share - an identifier's questions that an earlier walk asks
 * are not asked again */
static void
dmarc_share(struct dmarc *d, struct dmarc_walk *w)
{
	const struct dmarc_ans *x;
	size_t k, a, j;

	for (k = 0; k < w->nq; k++)
		for (a = 0; a < d->nwalk && w->ans[k].link == NULL; a++)
			for (j = 0; j < d->walk[a].nq; j++)
				if (strcmp(w->qname[k], d->walk[a].qname[j]) ==
				    0) {
					x = &d->walk[a].ans[j];
					w->ans[k].state = DMARC_A_SHARED;
					w->ans[k].link = x->link ? x->link : x;
					break;
				}
}

/* dmarc_author - the first author domain, once the header is in */
const char *
dmarc_author(const struct dmarc *d)
{
	return d->ndom > 0 ? d->dom[0] : NULL;
}

/* dmarc_eoh - the header is complete: set up the walks */
void
dmarc_eoh(struct dmarc *d)
{
	size_t i, a;

	if (d->eoh)
		return;
	d->eoh = 1;
	if (d->nfields == 0 || d->from_err)
		return;
	d->walk = xcalloc(d->ndom + d->nid, sizeof(*d->walk));
	for (i = 0; i < d->ndom; i++)
		dmarc_walk_init(&d->walk[i], d->dom[i]);
	d->nwalk = d->ndom;
	for (i = 0; i < d->nid; i++) {
		for (a = 0; a < d->ndom; a++)
			if (dmarc_common(d->ids[i], d->dom[a]))
				break;
		if (a == d->ndom)
			continue;
		dmarc_walk_init(&d->walk[d->nwalk], d->ids[i]);
		d->walk[d->nwalk].is_id = 1;
		dmarc_share(d, &d->walk[d->nwalk]);
		d->nwalk++;
	}
}

/* dmarc_id_walk - the walk of a given identifier, or NULL */
const struct dmarc_walk *
dmarc_id_walk(const struct dmarc *d, const char *name)
{
	size_t i;

	for (i = d->ndom; i < d->nwalk; i++)
		if (strcmp(d->walk[i].name, name) == 0)
			return &d->walk[i];
	return NULL;
}

/* dmarc_suffix - the author domain's suffix of m labels */
static const char *
dmarc_suffix(const struct dmarc_walk *w, size_t m)
{
	return w->name + w->lab[w->nlab - m];
}

/* dmarc_walk_org - organizational domain and policy record from the
 * records found before index lim (RFC 9989 4.10.1, 4.10.2) */
static void
dmarc_walk_org(struct dmarc_walk *w, size_t lim)
{
	size_t j;
	int last = -1, psdy = -1;

	for (j = 0; j < lim; j++) {
		if (w->ans[j].nrec != 1)
			continue;
		last = (int)j;
		if (w->ans[j].rec.psd == DMARC_PSD_N) {
			w->org = dmarc_suffix(w, w->qlab[j]);
			break;
		}
		if (w->ans[j].rec.psd == DMARC_PSD_Y && j > 0) {
			psdy = (int)j;
			w->org = dmarc_suffix(w, w->qlab[j] + 1);
			break;
		}
	}
	if (w->org == NULL)
		w->org = last >= 0 ? dmarc_suffix(w, w->qlab[last]) : w->name;
	if (w->ans[0].nrec == 1) {
		w->pol = 0;
		return;
	}
	for (j = 0; j < lim; j++)
		if (w->ans[j].nrec == 1 &&
		    strcmp(dmarc_suffix(w, w->qlab[j]), w->org) == 0)
			w->pol = (int)j;
	if (w->pol < 0)
		w->pol = psdy;
}

/* dmarc_walk_exist - whether the author domain's existence matters */
static void
dmarc_walk_exist(struct dmarc_walk *w)
{
	const struct dmarc_record *r;
	enum dmarc_req sub;

	if (w->pol <= 0 || dmarc_record_usable(&w->ans[w->pol].rec) != 1 ||
	    w->ans[w->pol].toolong)
		return;
	r = &w->ans[w->pol].rec;
	sub = r->sp != DMARC_REQ_ABSENT ? r->sp : r->p;
	if (sub == DMARC_REQ_ABSENT)
		sub = DMARC_REQ_NONE;
	if (r->np == DMARC_REQ_ABSENT || r->np == sub)
		return;
	if (w->ans[0].status == SPF_DNS_OK)
		return;
	w->need_exist = 1;
}

/* dmarc_walk_decide - read the answers in the walk's order; 1 when the
 * walk's outcome is known */
static int
dmarc_walk_decide(struct dmarc_walk *w, int expired)
{
	size_t i;
	struct dmarc_ans *x;

	if (!w->decided) {
		for (i = 0; i < w->nq; i++) {
			x = &w->ans[i];
			if (x->state == DMARC_A_SHARED &&
			    x->link->state == DMARC_A_ANSWERED)
				*x = *x->link;
			if (x->state != DMARC_A_ANSWERED)
				return 0;
			if (x->status == SPF_DNS_SERVFAIL ||
			    x->status == SPF_DNS_TIMEOUT) {
				w->fail = (int)i;
				if (i > 0 && w->ans[0].nrec == 1)
					w->pol = 0;
				break;
			}
			if (x->nrec == 1 && x->rec.psd != DMARC_PSD_U) {
				i++;
				break;
			}
		}
		w->decided = 1;
		if (w->fail < 0) {
			dmarc_walk_org(w, i);
			if (!w->is_id)
				dmarc_walk_exist(w);
		}
	}
	if (!w->need_exist)
		return 1;
	x = &w->ans[DMARC_Q_EXIST];
	if (x->state != DMARC_A_ANSWERED && !expired)
		return 0;
	w->exists = x->state != DMARC_A_ANSWERED ? -1 :
	    x->status == SPF_DNS_NXDOMAIN ? 0 :
	    x->status == SPF_DNS_OK ? 1 : -1;
	return 1;
}

/* dmarc_done - every walk decided, its existence test answered */
int
dmarc_done(struct dmarc *d)
{
	size_t i;

	if (!d->eoh || d->walk == NULL)
		return 1;
	for (i = 0; i < d->nwalk; i++) {
		const struct dmarc_walk *w = &d->walk[i];

		if (!dmarc_walk_decide(&d->walk[i], d->expired))
			return 0;
		if (w->need_exist && !d->expired &&
		    w->ans[DMARC_Q_EXIST].state != DMARC_A_ANSWERED)
			return 0;
	}
	return 1;
}

/* dmarc_step - questions to ask, or DONE */
enum spf_step
dmarc_step(struct dmarc *d, const struct spf_question **qs, size_t *n)
{
	size_t i, k, nq = 0;
	int done = 1;

	*qs = d->qs;
	*n = 0;
	if (!d->eoh || d->walk == NULL)
		return SPF_STEP_DONE;
	for (i = 0; i < d->nwalk; i++) {
		struct dmarc_walk *w = &d->walk[i];

		for (k = 0; k < w->nq && !d->expired; k++)
			if (w->ans[k].state == DMARC_A_UNASKED && !w->decided) {
				w->ans[k].state = DMARC_A_ASKED;
				d->qs[nq].id = (unsigned)(i * DMARC_ID_STRIDE +
				    k + 1);
				d->qs[nq].type = SPF_RR_TXT;
				d->qs[nq++].name = w->qname[k];
			}
		if (!dmarc_walk_decide(w, d->expired))
			done = 0;
		if (w->decided && w->need_exist && !d->expired &&
		    w->ans[DMARC_Q_EXIST].state == DMARC_A_UNASKED) {
			w->ans[DMARC_Q_EXIST].state = DMARC_A_ASKED;
			d->qs[nq].id = (unsigned)(i * DMARC_ID_STRIDE +
			    DMARC_Q_EXIST + 1);
			d->qs[nq].type = SPF_RR_TXT;
			d->qs[nq++].name = w->name;
		}
	}
	*n = nq;
	if (nq)
		return SPF_STEP_QUERY;
	return done ? SPF_STEP_DONE : SPF_STEP_WAIT;
}

/* dmarc_feed - take one answer */
int
dmarc_feed(struct dmarc *d, const struct spf_answer *a)
{
	size_t di, qi, i;
	struct dmarc_ans *x;
	struct dmarc_record rec;
	int r;

	if (a->id == 0 || d->walk == NULL)
		return -1;
	di = (a->id - 1) / DMARC_ID_STRIDE;
	qi = (a->id - 1) % DMARC_ID_STRIDE;
	if (di >= d->nwalk || (qi >= d->walk[di].nq && qi != DMARC_Q_EXIST))
		return -1;
	x = &d->walk[di].ans[qi];
	if (x->state != DMARC_A_ASKED)
		return -1;
	x->state = DMARC_A_ANSWERED;
	x->status = a->status;
	if (a->status != SPF_DNS_OK || qi == DMARC_Q_EXIST)
		return 0;
	for (i = 0; i < a->nrr; i++) {
		if (a->rr[i].type != SPF_RR_TXT)
			continue;
		r = dmarc_record_parse(a->rr[i].data, a->rr[i].len, &rec);
		if (r == DMARC_REC_NOT)
			continue;
		if (x->nrec++ == 0) {
			x->rec = rec;
			x->toolong = r == DMARC_REC_LONG;
		}
	}
	return 0;
}

/* dmarc_expire - stop: what is unanswered is a DNS failure */
void
dmarc_expire(struct dmarc *d)
{
	size_t i, k;

	d->expired = 1;
	for (i = 0; d->walk != NULL && i < d->nwalk; i++)
		for (k = 0; k < DMARC_MAX_WALK; k++)
			if (d->walk[i].ans[k].state == DMARC_A_SHARED &&
			    d->walk[i].ans[k].link->state == DMARC_A_ANSWERED)
				d->walk[i].ans[k] = *d->walk[i].ans[k].link;
			else if (d->walk[i].ans[k].state != DMARC_A_ANSWERED) {
				d->walk[i].ans[k].state = DMARC_A_ANSWERED;
				d->walk[i].ans[k].status = SPF_DNS_TIMEOUT;
			}
}

/* dmarc_job_step - spf_job adapter */
static enum spf_step
dmarc_job_step(void *o, const struct spf_question **qs, size_t *n)
{
	return dmarc_step(o, qs, n);
}

/* dmarc_job_feed - spf_job adapter */
static int
dmarc_job_feed(void *o, const struct spf_answer *a)
{
	return dmarc_feed(o, a);
}

/* dmarc_job_expire - spf_job adapter */
static void
dmarc_job_expire(void *o)
{
	dmarc_expire(o);
}

/* dmarc_job - the evaluation as a job for the dns(3) drivers */
void
dmarc_job(struct spf_job *job, struct dmarc *d)
{
	job->obj = d;
	job->step = dmarc_job_step;
	job->feed = dmarc_job_feed;
	job->expire = dmarc_job_expire;
}
