/*
 * NAME
 *	spf_eval 3
 * SUMMARY
 *	RFC 7208 check_host() as a sans-I/O state machine
 * SYNOPSIS
 *	#include "spf.h"
 *
 *	struct spf_query *spf_query_new(const struct spf_params *p);
 *	enum spf_step spf_query_step(struct spf_query *q,
 *			const struct spf_question **qs, size_t *nq);
 *	int	spf_query_feed(struct spf_query *q, const struct spf_answer *a);
 *	void	spf_query_expire(struct spf_query *q);
 *	enum spf_result spf_query_result(const struct spf_query *q,
 *			const struct spf_detail **d);
 *	size_t	spf_query_trace(const struct spf_query *q,
 *			const struct spf_trace_ev **ev);
 *	void	spf_query_free(struct spf_query *q);
 * DESCRIPTION
 *	The evaluator asks and is given: it never calls a resolver, opens a
 *	socket or reads the clock.  spf_query_step() runs the evaluation as
 *	far as the answers it holds allow and returns the questions it
 *	needs next (SPF_STEP_QUERY), SPF_STEP_WAIT while questions are out,
 *	or SPF_STEP_DONE.  Answers may be fed in any order.
 *
 *	Evaluation is a stack of frames (the top record, include and
 *	redirect targets), each at a term index.  Evaluating one term is
 *	idempotent given the answer cache, so a term that must wait is simply
 *	evaluated again once its answers are in; the DNS-term and void-lookup
 *	counters are guarded per term so that they count exactly once, left
 *	to right, as if evaluation were serial.  Questions that are
 *	independent are handed out together: the addresses of all MX hosts
 *	and PTR names at once, and (unless SPF_F_NOPREFETCH) the records and
 *	addresses the following terms of the same record will need.
 *
 *	All limits of RFC 7208 4.6.4 are counted here: DNS-querying terms,
 *	void lookups, MX and PTR address lookups.  The deadline belongs to
 *	the driver: spf_query_expire() turns every unanswered and every
 *	future question into a timeout, after which the query finishes
 *	without asking anything more.
 *
 *	Everything a query allocates lives in its arena, released by
 *	spf_query_free(); strings in the detail and the trace are owned by
 *	the query.
 * DIAGNOSTICS
 *	spf_query_feed() returns -1 for an answer to no outstanding
 *	question.  A step that can neither progress nor wait is a bug
 *	(msg_panic).
 * SEE ALSO
 *	RFC 7208 sections 2.4, 4, 5, 6 and 7.
 */
#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/domain.h"
#include "util/msg.h"
#include "util/xmalloc.h"
#include "spf_int.h"

#define SPF_MAX_DEPTH	32	/* include/redirect nesting */
#define SPF_MAX_PREFETCH 10	/* look-ahead questions per wait */
#define SPF_NAME_MAX	65536	/* expansion room before the cut to 253
				 * (7.3); policy values are at most 4 KiB */
#define SPF_NAME_STORE	512	/* its room before the heap */
#define SPF_QUERY_ROOM	1024	/* a query's records and names beyond
				 * its struct, before a second block */

#define SPF_DEFAULT_EXP "%{i} is not one of %{o}'s designated mail servers"

struct spf_frame {
	const char     *domain;
	const struct spf_record *rec;
	size_t		ti;		/* current term */
	unsigned	depth;
	int		include;	/* frame of an include: result maps */
	int		redirected;	/* reached through redirect= */
	/* progress on the current term, reset when ti moves */
	int		counted;	/* DNS term counted */
	int		voided;		/* void lookup counted */
	int		has_sub;	/* include: child result is in */
	int		mx_counted;	/* mx: mx_addrs traced */
	int		mx_voids_counted; /* mx: its hosts' void lookups */
	enum spf_result	sub;
};

enum spf_tr {
	SPF_T_MATCH,
	SPF_T_NOMATCH,
	SPF_T_NEED,
	SPF_T_ERROR,
	SPF_T_PUSH,
};

enum spf_phase {
	SPF_PH_EVAL,
	SPF_PH_EXP,
	SPF_PH_DONE,
};

struct spf_query {
	struct arena   *arena;
	struct spf_params p;
	struct spf_detail d;
	struct spf_macro_ctx mc;
	enum spf_phase	phase;
	struct spf_cache c;		/* questions and answers */
	size_t		nframes;	/* of frames, below */
	const struct spf_record *final_rec;	/* decided the result */
	/* %{p} and ptr: validated names */
	int		ptr_done;
	const char    **ptr_names;
	size_t		nptr_names;
	/* records held in the shared cache, released on free */
	struct spf_rc_ent **held;
	size_t		nheld;
	size_t		capheld;
	/* trace */
	struct spf_trace_ev *tr;
	size_t		ntr;
	size_t		captr;
	struct buf	name;		/* scratch for expansions */
	/* last: spf_query_new zeroes what comes before, spf_push a frame */
	struct spf_frame frames[SPF_MAX_DEPTH];
	char		name_store[SPF_NAME_STORE];	/* name starts here */
};

/* spf_trace_add - record one event (SPF_F_TRACE only) */
static struct spf_trace_ev *
spf_trace_add(struct spf_query *q, enum spf_trace_kind kind, const char *text)
{
	struct spf_trace_ev *ev;

	if (!(q->p.flags & SPF_F_TRACE))
		return NULL;
	if (q->ntr == q->captr) {
		q->captr = q->captr ? q->captr * 2 : 32;
		q->tr = xrealloc(q->tr, q->captr * sizeof(*q->tr));
	}
	ev = &q->tr[q->ntr++];
	memset(ev, 0, sizeof(*ev));
	ev->kind = kind;
	ev->depth = q->nframes ? q->frames[q->nframes - 1].depth : 0;
	ev->domain = q->nframes ? q->frames[q->nframes - 1].domain : NULL;
	ev->text = text ? arena_strdup(q->arena, text) : NULL;
	return ev;
}

/* spf_trace_count - a counter moved */
static void
spf_trace_count(struct spf_query *q, enum spf_trace_kind kind,
    const char *limit, unsigned used, unsigned max)
{
	struct spf_trace_ev *ev = spf_trace_add(q, kind, NULL);

	if (ev != NULL) {
		ev->limit = limit;
		ev->used = used;
		ev->max = max;
	}
}

/* spf_finish - set the result; errors end the whole evaluation */
static enum spf_tr
spf_finish(struct spf_query *q, enum spf_result r, const char *problem,
    const char *limit)
{
	struct spf_trace_ev *ev;

	q->d.result = r;
	q->d.problem = problem ? arena_strdup(q->arena, problem) : NULL;
	q->d.limit = limit;
	q->phase = SPF_PH_DONE;
	if (problem && (ev = spf_trace_add(q, SPF_TR_NOTE, problem)) != NULL)
		ev->match = -1;
	return SPF_T_ERROR;
}

/* spf_problem - problem text with a name in it */
static const char *
spf_problem(struct spf_query *q, const char *what, const char *name)
{
	char store[513];
	struct buf b;
	const char *s;

	buf_init_store(&b, 512, store, sizeof(store));
	buf_printf(&b, "%s %.200s", what, name);
	s = arena_memdup(q->arena, b.data, b.len);
	buf_free(&b);
	return s;
}

/* spf_problem2 - "what 'name': why" */
static const char *
spf_problem2(struct spf_query *q, const char *what, const char *name,
    const char *why)
{
	char store[513];
	struct buf b;
	const char *s;

	buf_init_store(&b, 512, store, sizeof(store));
	buf_printf(&b, "%s '%.200s': %s", what, name, why);
	s = arena_memdup(q->arena, b.data, b.len);
	buf_free(&b);
	return s;
}

/* spf_lookup - the answer, or NULL once the question is queued */
static const struct spf_ent *
spf_lookup(struct spf_query *q, const char *name, enum spf_rrtype type)
{
	const struct spf_ent *e;
	struct spf_trace_ev *ev;
	int created;

	e = spf_cache_lookup(&q->c, name, type, &created);
	if (created) {
		q->d.dns_queries++;
		if ((ev = spf_trace_add(q, SPF_TR_QUERY, name)) != NULL)
			ev->rrtype = type;
	}
	return e;
}

/* spf_dns_error - temperror for a failed lookup */
static enum spf_tr
spf_dns_error(struct spf_query *q, const struct spf_ent *e)
{
	char store[513];
	struct buf b;
	const char *s;

	buf_init_store(&b, 512, store, sizeof(store));
	buf_printf(&b, "DNS %s for %s %.200s", spf_dns_status_str(e->status),
	    spf_rrtype_str(e->q.type), e->q.name);
	s = arena_memdup(q->arena, b.data, b.len);
	buf_free(&b);
	return spf_finish(q, SPF_TEMPERROR, s,
	    e->status == SPF_DNS_TIMEOUT && q->c.expired ? "timeout" : NULL);
}

/* spf_count - one more against a limit of 4.6.4; -1 when it trips */
static int
spf_count(struct spf_query *q, unsigned *used, unsigned max,
    const char *limit, const char *problem)
{
	(*used)++;
	if (*used > max) {
		spf_trace_count(q, SPF_TR_LIMIT, limit, *used, max);
		spf_finish(q, SPF_PERMERROR, problem, limit);
		return -1;
	}
	spf_trace_count(q, SPF_TR_COUNT, limit, *used, max);
	return 0;
}

/* spf_count_term - one more DNS-querying term, once per term */
static int
spf_count_term(struct spf_query *q, struct spf_frame *fr)
{
	if (fr->counted)
		return 0;
	fr->counted = 1;
	return spf_count(q, &q->d.dns_terms, q->p.limits.dns_terms,
	    "dns_terms",
	    "more than the allowed DNS-querying terms (limit dns_terms)");
}

/* spf_count_void_lookup - one more void lookup (4.6.4) */
static int
spf_count_void_lookup(struct spf_query *q)
{
	return spf_count(q, &q->d.void_lookups, q->p.limits.void_lookups,
	    "void_lookups",
	    "too many lookups without an answer (limit void_lookups)");
}

/* spf_count_void - the term's own lookup was void; counted once */
static int
spf_count_void(struct spf_query *q, struct spf_frame *fr)
{
	if (fr->voided)
		return 0;
	fr->voided = 1;
	return spf_count_void_lookup(q);
}

/* spf_addr_type - A for IPv4 clients, AAAA for IPv6 */
static enum spf_rrtype
spf_addr_type(const struct spf_query *q)
{
	return q->p.ip.family == 4 ? SPF_RR_A : SPF_RR_AAAA;
}

/*
 * spf_mx_count_voids - every MX host's address lookup that came back
 * empty is a void lookup of its own (4.6.4 counts DNS queries, and the
 * mx term makes one per host), as pyspf and Mail::SPF count them: an
 * IPv6 client meets "a mx a:relay" whose targets have only A records.
 * Counted once per term, after all the term's answers are in, so the
 * count does not depend on the order in which they arrived.
 */
static int
spf_mx_count_voids(struct spf_query *q, struct spf_frame *fr,
    const struct spf_ent *e)
{
	const struct spf_ent *ae;
	size_t i;

	if (fr->mx_voids_counted)
		return 0;
	fr->mx_voids_counted = 1;
	for (i = 0; i < e->nrr; i++) {
		if (e->rr[i].len == 0)
			continue;	/* null MX, RFC 7505 */
		ae = spf_lookup(q, e->rr[i].data, spf_addr_type(q));
		if (spf_ent_void(ae) && spf_count_void_lookup(q) < 0)
			return -1;
	}
	return 0;
}

/* spf_validated_names - RFC 7208 5.5 for ptr and %{p}: 1 done, 0 wait,
 * -1 when the deadline passed before the answers came */
static int
spf_validated_names(struct spf_query *q)
{
	const struct spf_ent *pe, *ae;
	struct buf rev;
	size_t i, j, n, nv = 0;
	int wait = 0;

	if (q->ptr_done)
		return 1;
	buf_init(&rev, 128);
	ipaddr_reverse_name(&q->p.ip, &rev);
	pe = spf_lookup(q, rev.data, SPF_RR_PTR);
	buf_free(&rev);
	if (pe == NULL)
		return 0;
	/* our deadline is not a DNS error of 5.5: the answer is unknown */
	if (q->c.expired && pe->status == SPF_DNS_TIMEOUT)
		return -1;
	/* "If a DNS error occurs while doing the PTR RR lookup, then this
	 * mechanism fails to match." (5.5) */
	n = pe->status == SPF_DNS_OK ? pe->nrr : 0;
	/* the limit: at most 10 PTR names are looked at (4.6.4) */
	if (n > q->p.limits.ptr_addrs) {
		spf_trace_count(q, SPF_TR_COUNT, "ptr_addrs", (unsigned)n,
		    q->p.limits.ptr_addrs);
		n = q->p.limits.ptr_addrs;
	}
	for (i = 0; i < n; i++)
		if (spf_lookup(q, pe->rr[i].data, spf_addr_type(q)) == NULL)
			wait = 1;
	if (wait)
		return 0;
	q->ptr_names = arena_alloc(q->arena, (n ? n : 1) * sizeof(char *));
	for (i = 0; i < n; i++) {
		ae = spf_lookup(q, pe->rr[i].data, spf_addr_type(q));
		if (q->c.expired && ae->status == SPF_DNS_TIMEOUT)
			return -1;
		/* "If a DNS error occurs while doing an A RR lookup, then
		 * that domain name is skipped" (5.5) */
		if (ae->status != SPF_DNS_OK)
			continue;
		for (j = 0; j < ae->nrr; j++)
			if (ipaddr_equal(&ae->rr[j].addr, &q->p.ip)) {
				q->ptr_names[nv++] = pe->rr[i].data;
				break;
			}
	}
	q->nptr_names = nv;
	q->ptr_done = 1;
	return 1;
}

/* spf_ptr_deadline - temperror: PTR validation cut by the deadline */
static void
spf_ptr_deadline(struct spf_query *q)
{
	spf_finish(q, SPF_TEMPERROR,
	    "deadline reached while validating the client's PTR names",
	    "timeout");
}

/* spf_ptrname - choose %{p} (7.3): <domain>, a subdomain, any, "unknown" */
static void
spf_ptrname(struct spf_query *q, const char *domain)
{
	size_t i, dl = strlen(domain);

	q->mc.ptrname = "unknown";
	for (i = 0; i < q->nptr_names; i++)
		if (domain_eq(q->ptr_names[i], strlen(q->ptr_names[i]),
		    domain, dl)) {
			q->mc.ptrname = q->ptr_names[i];
			return;
		}
	for (i = 0; i < q->nptr_names; i++)
		if (domain_is_within(q->ptr_names[i], strlen(q->ptr_names[i]),
		    domain, dl)) {
			q->mc.ptrname = q->ptr_names[i];
			return;
		}
	if (q->nptr_names > 0)
		q->mc.ptrname = q->ptr_names[0];
}

/*
 * spf_expand - expand a domain-spec for the current frame into q->name.
 * Returns 1 when expanded, 0 to wait (%{p} needs DNS), -1 on error (the
 * result is set).
 */
static int
spf_expand(struct spf_query *q, const char *spec, size_t len, unsigned flags)
{
	const char *err = "macro expansion failed";
	enum spf_macro_status st;

	q->mc.domain = q->frames[q->nframes - 1].domain;
	q->mc.ptrname = NULL;
	if (spf_macro_uses_p(spec, len)) {
		int v = spf_validated_names(q);

		if (v <= 0) {
			if (v < 0)
				spf_ptr_deadline(q);
			return v;
		}
		spf_ptrname(q, q->mc.domain);
	}
	buf_reset(&q->name);
	st = spf_macro_expand(&q->mc, spec, len, flags, &q->name, &err);
	if (st == SPF_MACRO_OK)
		return 1;
	if (st == SPF_MACRO_NEED_P)
		msg_panic("spf_expand: %%{p} unresolved after validation");
	spf_finish(q, SPF_PERMERROR, err, NULL);
	return -1;
}

/* spf_target - the domain a term works on: its spec or <domain> */
static int
spf_target(struct spf_query *q, const struct spf_term *t, const char **out)
{
	int r;

	if (t->spec == NULL) {
		*out = q->frames[q->nframes - 1].domain;
		return 1;
	}
	if ((r = spf_expand(q, t->spec, t->speclen, SPF_MACRO_DOMAIN)) <= 0)
		return r;
	*out = arena_memdup(q->arena, q->name.data, q->name.len);
	return 1;
}

/* spf_addrs_match - any address of the entry inside ip/cidr? */
static int
spf_addrs_match(const struct spf_query *q, const struct spf_ent *e,
    const struct spf_term *t)
{
	unsigned bits = q->p.ip.family == 4 ? t->cidr4 : t->cidr6;
	size_t i;

	for (i = 0; i < e->nrr; i++)
		if (ipaddr_match(&q->p.ip, &e->rr[i].addr, bits))
			return 1;
	return 0;
}

/* spf_push - start evaluating another domain's record */
static enum spf_tr
spf_push(struct spf_query *q, const char *domain, int include)
{
	struct spf_frame *fr;

	if (q->nframes == SPF_MAX_DEPTH)
		return spf_finish(q, SPF_PERMERROR,
		    "include nesting too deep", "depth");
	fr = &q->frames[q->nframes++];
	memset(fr, 0, sizeof(*fr));
	fr->domain = domain;
	fr->include = include;
	fr->depth = q->nframes - 1;
	return SPF_T_PUSH;
}

/* spf_term_include - include: the included domain's result, once it is in */
static enum spf_tr
spf_term_include(struct spf_query *q, struct spf_frame *fr,
    const char *target)
{
	if (!fr->has_sub)
		return spf_push(q, target, 1);
	switch (fr->sub) {
	case SPF_PASS:
		return SPF_T_MATCH;
	case SPF_FAIL:
	case SPF_SOFTFAIL:
	case SPF_NEUTRAL:
		return SPF_T_NOMATCH;
	default:
		return spf_finish(q, SPF_PERMERROR, spf_problem(q,
		    "included domain has no SPF record:", target), NULL);
	}
}

/* spf_term_a - a: an address of target is the client's; exists: any A */
static enum spf_tr
spf_term_a(struct spf_query *q, struct spf_frame *fr,
    const struct spf_term *t, const char *target)
{
	const struct spf_ent *e;

	e = spf_lookup(q, target,
	    t->mech == SPF_M_EXISTS ? SPF_RR_A : spf_addr_type(q));
	if (e == NULL)
		return SPF_T_NEED;
	if (spf_ent_error(e))
		return spf_dns_error(q, e);
	if (spf_ent_void(e))
		return spf_count_void(q, fr) < 0 ? SPF_T_ERROR : SPF_T_NOMATCH;
	if (t->mech == SPF_M_EXISTS)
		return SPF_T_MATCH;
	return spf_addrs_match(q, e, t) ? SPF_T_MATCH : SPF_T_NOMATCH;
}

/* spf_term_mx - mx: an address of one of target's MX hosts is the client's */
static enum spf_tr
spf_term_mx(struct spf_query *q, struct spf_frame *fr,
    const struct spf_term *t, const char *target)
{
	const struct spf_ent *mx, *addrs;
	size_t i;
	int wait = 0;

	if ((mx = spf_lookup(q, target, SPF_RR_MX)) == NULL)
		return SPF_T_NEED;
	if (spf_ent_error(mx))
		return spf_dns_error(q, mx);
	if (spf_ent_void(mx))
		return spf_count_void(q, fr) < 0 ? SPF_T_ERROR : SPF_T_NOMATCH;
	if (mx->nrr > q->p.limits.mx_addrs) {
		spf_trace_count(q, SPF_TR_LIMIT, "mx_addrs",
		    (unsigned)mx->nrr, q->p.limits.mx_addrs);
		return spf_finish(q, SPF_PERMERROR,
		    spf_problem(q, "more MX records than allowed "
		    "(limit mx_addrs) at", target), "mx_addrs");
	}
	if (!fr->mx_counted) {
		fr->mx_counted = 1;
		spf_trace_count(q, SPF_TR_COUNT, "mx_addrs",
		    (unsigned)mx->nrr, q->p.limits.mx_addrs);
	}
	/* ask for every MX host's addresses at once */
	for (i = 0; i < mx->nrr; i++)
		if (mx->rr[i].len > 0 &&
		    spf_lookup(q, mx->rr[i].data, spf_addr_type(q)) == NULL)
			wait = 1;
	if (wait)
		return SPF_T_NEED;
	if (spf_mx_count_voids(q, fr, mx) < 0)
		return SPF_T_ERROR;
	/* a match anywhere wins over a failed lookup elsewhere, so the
	 * result does not depend on the order of the RRset */
	for (i = 0; i < mx->nrr; i++) {
		if (mx->rr[i].len == 0)
			continue;	/* null MX, RFC 7505 */
		addrs = spf_lookup(q, mx->rr[i].data, spf_addr_type(q));
		if (!spf_ent_error(addrs) && spf_addrs_match(q, addrs, t))
			return SPF_T_MATCH;
	}
	for (i = 0; i < mx->nrr; i++) {
		if (mx->rr[i].len == 0)
			continue;
		addrs = spf_lookup(q, mx->rr[i].data, spf_addr_type(q));
		if (spf_ent_error(addrs))
			return spf_dns_error(q, addrs);
	}
	return SPF_T_NOMATCH;
}

/* spf_term_ptr - ptr: a validated name of the client is within target */
static enum spf_tr
spf_term_ptr(struct spf_query *q, const char *target)
{
	size_t i, n;
	int r;

	if ((r = spf_validated_names(q)) <= 0) {
		if (r == 0)
			return SPF_T_NEED;
		spf_ptr_deadline(q);
		return SPF_T_ERROR;
	}
	n = strlen(target);
	for (i = 0; i < q->nptr_names; i++)
		if (domain_is_within(q->ptr_names[i], strlen(q->ptr_names[i]),
		    target, n))
			return SPF_T_MATCH;
	return SPF_T_NOMATCH;
}

/* spf_term_eval - evaluate the current term of the top frame */
static enum spf_tr
spf_term_eval(struct spf_query *q, struct spf_frame *fr,
    const struct spf_term *t)
{
	const char *target = NULL;
	int r;

	switch (t->mech) {
	case SPF_M_ALL:
		return SPF_T_MATCH;
	case SPF_M_IP4:
		return ipaddr_match(&q->p.ip, &t->net, t->cidr4) ?
		    SPF_T_MATCH : SPF_T_NOMATCH;
	case SPF_M_IP6:
		return ipaddr_match(&q->p.ip, &t->net, t->cidr6) ?
		    SPF_T_MATCH : SPF_T_NOMATCH;
	default:
		break;
	}
	if (spf_count_term(q, fr) < 0)
		return SPF_T_ERROR;
	if ((r = spf_target(q, t, &target)) <= 0)
		return r == 0 ? SPF_T_NEED : SPF_T_ERROR;
	switch (t->mech) {
	case SPF_M_INCLUDE:
		return spf_term_include(q, fr, target);
	case SPF_M_A:
	case SPF_M_EXISTS:
		return spf_term_a(q, fr, t, target);
	case SPF_M_MX:
		return spf_term_mx(q, fr, t, target);
	case SPF_M_PTR:
		return spf_term_ptr(q, target);
	default:
		break;
	}
	msg_panic("spf_term_eval: mechanism %d", (int)t->mech);
}

/* spf_prefetch - ask now for what the next terms will need */
static void
spf_prefetch(struct spf_query *q, struct spf_frame *fr)
{
	const struct spf_record *rec = fr->rec;
	unsigned budget = SPF_MAX_PREFETCH, terms = q->d.dns_terms;
	const char *err;
	size_t i;

	if ((q->p.flags & SPF_F_NOPREFETCH) || rec == NULL)
		return;
	q->mc.domain = fr->domain;
	q->mc.ptrname = NULL;
	for (i = fr->ti + 1; i < rec->nterms && budget > 0; i++) {
		const struct spf_term *t = &rec->terms[i];
		enum spf_rrtype type;

		if (t->mech == SPF_M_ALL)
			return;
		if (!spf_mech_counts(t->mech) || t->mech == SPF_M_PTR)
			continue;
		if (++terms > q->p.limits.dns_terms)
			return;
		if (t->spec && spf_macro_uses_p(t->spec, t->speclen))
			continue;
		buf_reset(&q->name);
		if (t->spec == NULL)
			buf_puts(&q->name, fr->domain);
		else if (spf_macro_expand(&q->mc, t->spec, t->speclen,
		    SPF_MACRO_DOMAIN, &q->name, &err) != SPF_MACRO_OK)
			continue;
		if (domain_check(q->name.data, q->name.len) != DOMAIN_OK)
			continue;
		type = t->mech == SPF_M_INCLUDE ? SPF_RR_TXT :
		    t->mech == SPF_M_MX ? SPF_RR_MX :
		    t->mech == SPF_M_EXISTS ? SPF_RR_A : spf_addr_type(q);
		spf_lookup(q, q->name.data, type);
		budget--;
	}
}

/* spf_fetch - the top frame's record: 1 have it, 0 wait, -1 error */
static int
spf_fetch(struct spf_query *q, struct spf_frame *fr)
{
	const struct spf_ent *e;
	const struct spf_rr *found = NULL;
	struct spf_rr given = {0};
	const char *err = NULL;
	size_t i, n = 0;
	struct spf_trace_ev *ev;
	enum domain_status ds;

	/* RFC 7208 4.3: a malformed <domain> is "none" at the top; for an
	 * include or redirect target it is the same as no record. */
	ds = domain_check(fr->domain, strlen(fr->domain));
	if (q->nframes == 1 && !fr->redirected && q->p.record != NULL) {
		given.len = strlen(given.data = q->p.record);
		found = &given;
		n = 1;
	} else if (ds == DOMAIN_OK) {
		e = spf_lookup(q, fr->domain, SPF_RR_TXT);
		if (e == NULL)
			return 0;
		if (spf_ent_error(e)) {
			spf_dns_error(q, e);
			return -1;
		}
		for (i = 0; e->status == SPF_DNS_OK && i < e->nrr; i++)
			if (spf_record_is_spf(e->rr[i].data, e->rr[i].len)) {
				found = &e->rr[i];
				n++;
			}
	}
	if (n > 1) {
		spf_finish(q, SPF_PERMERROR, spf_problem(q,
		    "more than one SPF record at", fr->domain), NULL);
		return -1;
	}
	if (n == 0) {
		if (q->nframes == 1 && !fr->redirected) {
			spf_finish(q, SPF_NONE, ds == DOMAIN_OK ?
			    spf_problem(q, "no SPF record at", fr->domain) :
			    spf_problem2(q, "invalid domain", fr->domain,
			    domain_strerror(ds)), NULL);
			return -1;
		}
		spf_finish(q, SPF_PERMERROR, spf_problem(q, fr->include ?
		    "no SPF record at included domain" :
		    "no SPF record at redirect target", fr->domain), NULL);
		return -1;
	}
	ev = spf_trace_add(q, SPF_TR_RECORD, NULL);
	if (ev)
		ev->text = arena_memdup(q->arena, found->data, found->len);
	if (q->p.rcache != NULL) {
		struct spf_rc_ent *re = spf_rcache_get(q->p.rcache, found->data,
		    found->len);

		if (q->nheld == q->capheld) {
			size_t cap = q->capheld ? q->capheld * 2 : 8;

			q->held = arena_grow(q->arena, q->held, q->capheld *
			    sizeof(*q->held), cap * sizeof(*q->held));
			q->capheld = cap;
		}
		q->held[q->nheld++] = re;
		fr->rec = spf_rc_ent_record(re, &err);
	} else {
		struct spf_record *rec = NULL;

		spf_record_parse(q->arena, found->data, found->len, &rec,
		    &err);
		fr->rec = rec;
	}
	if (fr->rec == NULL) {
		spf_finish(q, SPF_PERMERROR, spf_problem2(q,
		    "syntax error in the record of", fr->domain, err), NULL);
		q->d.record_domain = fr->domain;
		return -1;
	}
	return 1;
}

/* spf_frame_done - a frame has a result: pop it or finish */
static void
spf_frame_done(struct spf_query *q, enum spf_result r, const char *mech)
{
	struct spf_frame *fr = &q->frames[q->nframes - 1];

	if (q->nframes == 1) {
		q->d.result = r;
		q->d.mechanism = mech;
		q->d.record_domain = fr->domain;
		q->final_rec = fr->rec;
		q->phase = (r == SPF_FAIL) ? SPF_PH_EXP : SPF_PH_DONE;
		return;
	}
	q->nframes--;
	fr = &q->frames[q->nframes - 1];
	fr->has_sub = 1;
	fr->sub = r;
}

/* spf_qual_result - qualifier to result */
static enum spf_result
spf_qual_result(char qual)
{
	switch (qual) {
	case '-':
		return SPF_FAIL;
	case '~':
		return SPF_SOFTFAIL;
	case '?':
		return SPF_NEUTRAL;
	default:
		return SPF_PASS;
	}
}

/* spf_term_reset - forget the progress on the current term */
static void
spf_term_reset(struct spf_frame *fr)
{
	fr->counted = 0;
	fr->voided = 0;
	fr->has_sub = 0;
	fr->mx_counted = 0;
	fr->mx_voids_counted = 0;
}

/* spf_next_term - move on to the next term */
static void
spf_next_term(struct spf_frame *fr)
{
	fr->ti++;
	spf_term_reset(fr);
}

/* spf_eval_step - one unit of work on the top frame */
static enum spf_tr
spf_eval_step(struct spf_query *q)
{
	struct spf_frame *fr = &q->frames[q->nframes - 1];
	const struct spf_term *t;
	struct spf_trace_ev *ev;
	enum spf_tr r;
	const char *target;
	int x;

	if (fr->rec == NULL) {
		x = spf_fetch(q, fr);
		return x > 0 ? SPF_T_NOMATCH : x == 0 ? SPF_T_NEED :
		    SPF_T_ERROR;
	}
	if (fr->ti < fr->rec->nterms) {
		t = &fr->rec->terms[fr->ti];
		r = spf_term_eval(q, fr, t);
		switch (r) {
		case SPF_T_NEED:
			return r;
		case SPF_T_MATCH:
		case SPF_T_NOMATCH:
			if ((ev = spf_trace_add(q, SPF_TR_TERM, t->text)))
				ev->match = r == SPF_T_MATCH;
			if (r == SPF_T_MATCH)
				spf_frame_done(q, spf_qual_result(t->qual),
				    t->text);
			else
				spf_next_term(fr);
			return r;
		default:
			return r;
		}
	}
	/* no mechanism matched: redirect= if present, else neutral (4.7) */
	if (fr->rec->redirect == NULL) {
		spf_trace_add(q, SPF_TR_NOTE, "no mechanism matched: neutral");
		spf_frame_done(q, SPF_NEUTRAL, "default");
		return SPF_T_NOMATCH;
	}
	if (spf_count_term(q, fr) < 0)
		return SPF_T_ERROR;
	if ((x = spf_expand(q, fr->rec->redirect, fr->rec->redirectlen,
	    SPF_MACRO_DOMAIN)) <= 0)
		return x == 0 ? SPF_T_NEED : SPF_T_ERROR;
	target = arena_memdup(q->arena, q->name.data, q->name.len);
	if (q->p.flags & SPF_F_TRACE) {
		struct buf b;

		buf_init(&b, 512);
		buf_printf(&b, "redirect=%s", target);
		spf_trace_add(q, SPF_TR_TERM, b.data);
		buf_free(&b);
	}
	/* the redirect target replaces this record (6.1) */
	fr->domain = target;
	fr->rec = NULL;
	fr->ti = 0;
	spf_term_reset(fr);
	fr->redirected = 1;
	return SPF_T_PUSH;
}

/* spf_explain - the exp= text for a fail (6.2): 1 done, 0 wait */
static int
spf_explain(struct spf_query *q)
{
	const struct spf_record *rec = q->final_rec;
	const struct spf_ent *e;
	const char *err;
	char store[SPF_MAX_EXPLAIN + 1];
	struct buf out;
	size_t i;
	int ok = 0;

	q->nframes = 1;
	if (rec != NULL && rec->exp != NULL && !q->c.expired) {
		q->mc.domain = q->frames[0].domain;
		q->mc.ptrname = NULL;
		if (spf_macro_uses_p(rec->exp, rec->explen)) {
			if (spf_validated_names(q) == 0)
				return 0;
			spf_ptrname(q, q->mc.domain);
		}
		buf_reset(&q->name);
		if (spf_macro_expand(&q->mc, rec->exp, rec->explen,
		    SPF_MACRO_DOMAIN, &q->name, &err) == SPF_MACRO_OK &&
		    domain_check(q->name.data, q->name.len) == DOMAIN_OK) {
			e = spf_lookup(q, q->name.data, SPF_RR_TXT);
			if (e == NULL)
				return 0;
			/* exactly one record, else as if no exp= */
			if (e->status == SPF_DNS_OK && e->nrr == 1) {
				if (spf_macro_uses_p(e->rr[0].data,
				    e->rr[0].len)) {
					if (spf_validated_names(q) == 0)
						return 0;
					spf_ptrname(q, q->mc.domain);
				}
				buf_init_store(&out, SPF_MAX_EXPLAIN, store,
				    sizeof(store));
				if (spf_macro_expand(&q->mc, e->rr[0].data,
				    e->rr[0].len, SPF_MACRO_EXP, &out, &err) ==
				    SPF_MACRO_OK) {
					ok = 1;
					for (i = 0; i < out.len; i++)
						if ((unsigned char)out.data[i] <
						    0x20 || (unsigned char)
						    out.data[i] > 0x7e)
							ok = 0;
				}
				if (ok)
					q->d.explanation = arena_memdup(q->arena,
					    out.data, out.len);
				buf_free(&out);
			}
		}
	}
	if (!ok) {
		q->mc.domain = q->frames[0].domain;
		q->mc.ptrname = "unknown";
		buf_init_store(&out, SPF_MAX_EXPLAIN, store,
		    sizeof(store));
		spf_macro_expand(&q->mc, SPF_DEFAULT_EXP,
		    sizeof(SPF_DEFAULT_EXP) - 1, SPF_MACRO_EXP, &out, &err);
		q->d.explanation = arena_memdup(q->arena, out.data, out.len);
		q->d.explanation_default = 1;
		buf_free(&out);
	}
	spf_trace_add(q, SPF_TR_EXPLAIN, q->d.explanation);
	q->phase = SPF_PH_DONE;
	return 1;
}

/* spf_run - evaluate as far as the answers allow */
static void
spf_run(struct spf_query *q)
{
	struct spf_trace_ev *ev;

	size_t i;

	while (q->phase == SPF_PH_EVAL)
		if (spf_eval_step(q) == SPF_T_NEED) {
			/* while waiting, ask for what the rest of every open
			 * record will need */
			for (i = q->nframes; i > 0; i--)
				spf_prefetch(q, &q->frames[i - 1]);
			return;
		}
	if (q->phase == SPF_PH_EXP && !spf_explain(q))
		return;
	if ((ev = spf_trace_add(q, SPF_TR_RESULT,
	    spf_result_str(q->d.result))) != NULL)
		ev->domain = q->d.domain;
}

/*
 * spf_strip_route - the mailbox of a path with a source route
 * ("@a.example,@b.example:user@dom"): RFC 5321 4.1.2 and C.6 tell a
 * server to ignore the route, and Postfix's smtpd drops it before a
 * policy service sees the sender.  The domain of the sender is otherwise
 * the part after its last '@' (Postfix's internal form has unquoted
 * local parts, so "a@b"@dom arrives as a@b@dom): the domain Postfix
 * would send a bounce to.
 */
static const char *
spf_strip_route(const char *s)
{
	int bracket = 0;
	size_t i;

	if (s[0] != '@')
		return s;
	for (i = 1; s[i] != 0; i++) {
		if (s[i] == '[')
			bracket = 1;
		else if (s[i] == ']')
			bracket = 0;
		else if (s[i] == ':' && !bracket)
			return s + i + 1;
	}
	return s;
}

/* spf_identity_setup - <sender>, <domain> and the macro values (2.4, 4.3) */
static void
spf_identity_setup(struct spf_query *q)
{
	const char *sender = spf_strip_route(q->p.sender ? q->p.sender : "");
	const char *helo = q->p.helo ? q->p.helo : "";
	const char *at;

	if (q->p.identity == SPF_ID_HELO || sender[0] == 0) {
		/* HELO, or the null sender: postmaster@<helo> (2.4) */
		q->mc.local = "postmaster";
		q->mc.sdomain = arena_strdup(q->arena, helo);
	} else if ((at = strrchr(sender, '@')) != NULL) {
		q->mc.local = at == sender ? "postmaster" :
		    arena_memdup(q->arena, sender, (size_t)(at - sender));
		q->mc.sdomain = arena_strdup(q->arena, at + 1);
	} else {
		q->mc.local = "postmaster";
		q->mc.sdomain = arena_strdup(q->arena, sender);
	}
	/* "example.com." is example.com: %{d} must not carry the dot */
	{
		char *d = (char *)q->mc.sdomain;
		size_t dl = strlen(d);

		if (dl > 1 && d[dl - 1] == '.')
			d[dl - 1] = 0;
	}
	{
		size_t ll = strlen(q->mc.local), dl = strlen(q->mc.sdomain);
		char *s = arena_alloc(q->arena, ll + dl + 2);

		memcpy(s, q->mc.local, ll);
		s[ll] = '@';
		memcpy(s + ll + 1, q->mc.sdomain, dl + 1);
		q->mc.sender = s;
	}
	q->mc.helo = helo;
	q->mc.receiver = q->p.receiver ? q->p.receiver : "unknown";
	q->mc.ip = &q->p.ip;
	q->mc.ip_upper = (q->p.flags & SPF_F_IP_UPPER) != 0;
	q->mc.now = q->p.now;
	q->d.identity = q->p.identity;
	q->d.sender = q->mc.sender;
	q->d.domain = q->mc.sdomain;
}

/* spf_query_new - start check_host() for one identity */
struct spf_query *
spf_query_new(const struct spf_params *p)
{
	struct arena *a = arena_new(sizeof(struct spf_query) + SPF_QUERY_ROOM);
	struct spf_query *q = arena_alloc(a, sizeof(*q));
	const char *d;

	memset(q, 0, offsetof(struct spf_query, frames));
	q->arena = a;
	q->p = *p;
	spf_cache_init(&q->c, a);
	if (q->p.limits.dns_terms == 0)
		spf_limits_default(&q->p.limits);
	buf_init_store(&q->name, SPF_NAME_MAX, q->name_store,
	    sizeof(q->name_store));
	spf_identity_setup(q);
	q->phase = SPF_PH_EVAL;
	d = q->mc.sdomain;
	/* an address literal is not a domain: none (4.3); nor is a name
	 * with a backslash, which resolvers would read as an escape and so
	 * check another domain than the one named */
	if (d[0] == '[' || strchr(d, '\\') != NULL ||
	    (p->ip.family != 4 && p->ip.family != 6)) {
		spf_finish(q, SPF_NONE, p->ip.family != 4 && p->ip.family != 6 ?
		    "no client address" : d[0] == '[' ?
		    "address literal, not a domain" :
		    "backslash in the domain name", NULL);
		return q;
	}
	spf_push(q, d, 0);
	return q;
}

/* spf_query_step - progress; hand out new questions */
enum spf_step
spf_query_step(struct spf_query *q, const struct spf_question **qs, size_t *nq)
{
	if (q->phase != SPF_PH_DONE)
		spf_run(q);
	return spf_cache_step(&q->c, q->phase == SPF_PH_DONE, qs, nq);
}

/* spf_query_feed - store one answer */
int
spf_query_feed(struct spf_query *q, const struct spf_answer *a)
{
	const struct spf_ent *e = spf_cache_feed(&q->c, a);
	struct spf_trace_ev *ev;

	if (e == NULL)
		return -1;
	if ((ev = spf_trace_add(q, SPF_TR_ANSWER, e->q.name)) != NULL) {
		ev->rrtype = e->q.type;
		ev->status = e->status;
		ev->count = (unsigned)e->nrr;
	}
	return 0;
}

/* spf_query_expire - the deadline passed: everything unanswered times out */
void
spf_query_expire(struct spf_query *q)
{
	if (q->c.expired)
		return;
	spf_trace_add(q, SPF_TR_NOTE, "deadline reached (limit timeout)");
	spf_cache_expire(&q->c);
}

/* spf_query_result - the result and its detail */
enum spf_result
spf_query_result(const struct spf_query *q, const struct spf_detail **d)
{
	if (q->phase != SPF_PH_DONE)
		msg_panic("spf_query_result: query not finished");
	if (d != NULL)
		*d = &q->d;
	return q->d.result;
}

/* spf_query_trace - the recorded events */
size_t
spf_query_trace(const struct spf_query *q, const struct spf_trace_ev **ev)
{
	*ev = q->tr;
	return q->ntr;
}

/* spf_query_free - release everything */
void
spf_query_free(struct spf_query *q)
{
	size_t i;

	if (q == NULL)
		return;
	for (i = 0; i < q->nheld; i++)
		spf_rcache_put(q->p.rcache, q->held[i]);
	spf_cache_free(&q->c);
	free(q->tr);
	buf_free(&q->name);
	arena_free(q->arena);
}

/* spf_query_job_step - the job's step */
static enum spf_step
spf_query_job_step(void *obj, const struct spf_question **qs, size_t *n)
{
	return spf_query_step(obj, qs, n);
}

/* spf_query_job_feed - the job's feed */
static int
spf_query_job_feed(void *obj, const struct spf_answer *a)
{
	return spf_query_feed(obj, a);
}

/* spf_query_job_expire - the job's deadline */
static void
spf_query_job_expire(void *obj)
{
	spf_query_expire(obj);
}

/* spf_query_job - a job around q, for the drivers of dns(3) */
void
spf_query_job(struct spf_job *job, struct spf_query *q)
{
	job->obj = q;
	job->step = spf_query_job_step;
	job->feed = spf_query_job_feed;
	job->expire = spf_query_job_expire;
}
