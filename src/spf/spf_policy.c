/*
 * NAME
 *	spf_policy 3
 * SUMMARY
 *	test mode: everything a domain's SPF policy allows
 * SYNOPSIS
 *	#include "spf.h"
 *
 *	struct spf_policy *spf_policy_new(const char *address,
 *			const struct spf_params *p);
 *	enum spf_step spf_policy_step(struct spf_policy *pl,
 *			const struct spf_question **qs, size_t *nq);
 *	int	spf_policy_feed(struct spf_policy *pl,
 *			const struct spf_answer *a);
 *	void	spf_policy_expire(struct spf_policy *pl);
 *	size_t	spf_policy_lines(const struct spf_policy *pl,
 *			const struct spf_policy_line **lines);
 *	void	spf_policy_free(struct spf_policy *pl);
 * DESCRIPTION
 *	The seed's test mode ("mxfilter user@domain"): walk the whole policy
 *	of the address's domain through include, redirect, a and mx, never
 *	stopping at a match or an error, and list the networks it allows
 *	with their qualifiers.  Terms that depend on the client (ptr,
 *	exists, macros with i, p, v, c or h) are listed as such, not guessed.
 *	Warnings a domain owner must see: more DNS-querying terms than
 *	receivers allow, void lookups over the limit, ptr or +all in use,
 *	a TXT answer too large for a 512-octet UDP reply.
 *
 *	The walk is re-run from the start whenever answers arrive; the
 *	answer cache makes that cheap, and every question a run discovers
 *	is handed out at once, so the walk costs the depth of the policy in
 *	round trips.
 * SEE ALSO
 *	spf_eval(3), RFC 7208 4.6.4 and 5.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/domain.h"
#include "util/xmalloc.h"
#include "spf_int.h"

#define SPF_POLICY_DEPTH 12	/* nesting shown; deeper is an error */
#define SPF_POLICY_LINES 2000	/* lines listed at most */
#define SPF_UDP_MAX	512	/* classic DNS UDP reply (RFC 1035 4.2.1) */
#define SPF_TXT_OVERHEAD 60	/* header, question, RR header: estimate */

struct spf_policy {
	struct arena   *arena;		/* cache and lines */
	struct spf_cache c;
	struct spf_params p;
	struct spf_macro_ctx mc;
	const char     *domain;
	struct spf_policy_line *lines;
	size_t		nlines;
	size_t		cap;
	unsigned	terms;		/* DNS-querying terms seen */
	unsigned	voids[2];	/* void lookups an IPv4 [0] and an IPv6
					 * [1] client's evaluation meets */
	int		need;		/* this run must wait */
	int		truncated;	/* SPF_POLICY_LINES reached */
	int		done;
};

/* spf_policy_add - one output line */
static struct spf_policy_line *
spf_policy_add(struct spf_policy *pl, enum spf_pl_kind kind, unsigned depth,
    const char *domain, const char *text)
{
	struct spf_policy_line *l;

	if (pl->nlines == pl->cap) {
		pl->cap = pl->cap ? pl->cap * 2 : 32;
		pl->lines = xrealloc(pl->lines, pl->cap * sizeof(*pl->lines));
	}
	l = &pl->lines[pl->nlines++];
	memset(l, 0, sizeof(*l));
	l->kind = kind;
	l->depth = depth;
	l->domain = domain;
	l->text = text ? arena_strdup(pl->arena, text) : NULL;
	l->qual = '+';
	return l;
}

/* spf_policy_msg - formatted WARN/ERROR/NOTE line */
static void
spf_policy_msg(struct spf_policy *pl, enum spf_pl_kind kind, unsigned depth,
    const char *domain, const char *what, const char *name)
{
	struct buf b;

	buf_init(&b, 1024);
	buf_printf(&b, "%s%s%s", what, name ? " " : "", name ? name : "");
	spf_policy_add(pl, kind, depth, domain, b.data);
	buf_free(&b);
}

/* spf_policy_lookup - cached answer or NULL (and this run must wait) */
static const struct spf_ent *
spf_policy_lookup(struct spf_policy *pl, const char *name, enum spf_rrtype t)
{
	const struct spf_ent *e = spf_cache_lookup(&pl->c, name, t, NULL);

	if (e == NULL)
		pl->need = 1;
	return e;
}

/* spf_policy_client_dep - does a macro-string depend on the client? */
static int
spf_policy_client_dep(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i + 2 < len; i++)
		if (s[i] == '%' && s[i + 1] == '{' &&
		    strchr("ipvchIPVCH", s[i + 2]) != NULL)
			return 1;
	return 0;
}

/* spf_policy_void - a void lookup both families' evaluations meet */
static void
spf_policy_void(struct spf_policy *pl)
{
	pl->voids[0]++;
	pl->voids[1]++;
}

/*
 * spf_policy_nets - NET lines for one name's A and AAAA records.  A
 * client asks for its own family only: an empty answer is a void lookup
 * for that family's clients (RFC 7208 4.6.4); no address at all is
 * worth a warning of its own.
 */
static void
spf_policy_nets(struct spf_policy *pl, unsigned depth, const char *domain,
    const struct spf_term *t, const char *mech, const char *name)
{
	static const enum spf_rrtype types[2] = {SPF_RR_A, SPF_RR_AAAA};
	const struct spf_ent *e;
	struct spf_policy_line *l;
	size_t i, k;
	int voids = 0;

	for (k = 0; k < 2; k++) {
		if ((e = spf_policy_lookup(pl, name, types[k])) == NULL)
			continue;
		if (spf_ent_void(e)) {
			pl->voids[k]++;
			voids++;
		}
		if (spf_ent_error(e)) {
			spf_policy_msg(pl, SPF_PL_ERROR, depth, domain,
			    types[k] == SPF_RR_A ? "DNS error looking up A of" :
			    "DNS error looking up AAAA of", name);
			continue;
		}
		for (i = 0; i < e->nrr; i++) {
			l = spf_policy_add(pl, SPF_PL_NET, depth, domain, name);
			l->qual = t->qual;
			l->mech = mech;
			l->net = e->rr[i].addr;
			l->bits = l->net.family == 4 ? t->cidr4 : t->cidr6;
			ipaddr_mask(&l->net, l->bits);
		}
	}
	if (voids == 2)
		spf_policy_msg(pl, SPF_PL_WARN, depth, domain,
		    "no A or AAAA records (a void lookup) for", name);
}

static void spf_policy_walk(struct spf_policy *, const char *, unsigned);

/* spf_policy_target - expand a term's domain-spec, or <domain> */
static const char *
spf_policy_target(struct spf_policy *pl, const char *domain, const char *spec,
    size_t len)
{
	struct buf b;
	const char *err, *s = NULL;

	if (spec == NULL)
		return domain;
	buf_init(&b, 1024);
	pl->mc.domain = domain;
	if (spf_macro_expand(&pl->mc, spec, len, SPF_MACRO_DOMAIN, &b, &err) ==
	    SPF_MACRO_OK)
		s = arena_memdup(pl->arena, b.data, b.len);
	buf_free(&b);
	return s;
}

/* spf_policy_term - list what one term allows */
static void
spf_policy_term(struct spf_policy *pl, const char *domain, unsigned depth,
    const struct spf_term *t)
{
	const struct spf_ent *e;
	struct spf_policy_line *l;
	const char *target;
	size_t i;

	if (spf_mech_counts(t->mech))
		pl->terms++;
	switch (t->mech) {
	case SPF_M_IP4:
	case SPF_M_IP6:
		l = spf_policy_add(pl, SPF_PL_NET, depth, domain, t->text);
		l->qual = t->qual;
		l->mech = spf_mech_name(t->mech);
		l->net = t->net;
		l->bits = t->mech == SPF_M_IP4 ? t->cidr4 : t->cidr6;
		return;
	case SPF_M_ALL:
		l = spf_policy_add(pl, SPF_PL_NET, depth, domain, t->text);
		l->qual = t->qual;
		l->mech = "all";
		l->all = 1;
		if (t->qual == '+')
			spf_policy_msg(pl, SPF_PL_WARN, depth, domain,
			    "+all allows every host on the Internet:", t->text);
		return;
	case SPF_M_PTR:
		spf_policy_msg(pl, SPF_PL_WARN, depth, domain,
		    "ptr is slow and unreliable (RFC 7208 5.5: SHOULD NOT "
		    "be used):", t->text);
		/* FALLTHROUGH */
	case SPF_M_EXISTS:
		l = spf_policy_add(pl, SPF_PL_CLIENT, depth, domain, t->text);
		l->qual = t->qual;
		l->mech = spf_mech_name(t->mech);
		return;
	default:
		break;
	}
	if (t->spec && spf_policy_client_dep(t->spec, t->speclen)) {
		l = spf_policy_add(pl, SPF_PL_CLIENT, depth, domain, t->text);
		l->qual = t->qual;
		l->mech = spf_mech_name(t->mech);
		return;
	}
	if ((target = spf_policy_target(pl, domain, t->spec, t->speclen)) ==
	    NULL) {
		spf_policy_msg(pl, SPF_PL_ERROR, depth, domain,
		    "cannot expand", t->text);
		return;
	}
	switch (t->mech) {
	case SPF_M_INCLUDE:
		spf_policy_walk(pl, target, depth + 1);
		return;
	case SPF_M_A:
		spf_policy_nets(pl, depth, domain, t, "a", target);
		return;
	case SPF_M_MX:
		if ((e = spf_policy_lookup(pl, target, SPF_RR_MX)) == NULL)
			return;
		if (spf_ent_error(e)) {
			spf_policy_msg(pl, SPF_PL_ERROR, depth, domain,
			    "DNS error looking up MX of", target);
			return;
		}
		if (spf_ent_void(e)) {
			spf_policy_void(pl);
			spf_policy_msg(pl, SPF_PL_WARN, depth, domain,
			    "no MX records (a void lookup) for", target);
			return;
		}
		if (e->nrr > pl->p.limits.mx_addrs)
			spf_policy_msg(pl, SPF_PL_WARN, depth, domain,
			    "more than 10 MX hosts: receivers return "
			    "permerror for", t->text);
		for (i = 0; i < e->nrr; i++)
			if (e->rr[i].len > 0)
				spf_policy_nets(pl, depth, domain, t, "mx",
				    e->rr[i].data);
		return;
	default:
		return;
	}
}

/* spf_policy_walk - list one domain's record, recursively */
static void
spf_policy_walk(struct spf_policy *pl, const char *domain, unsigned depth)
{
	const struct spf_ent *e;
	const struct spf_rr *found = NULL;
	struct spf_record *rec;
	const char *err, *target;
	size_t i, n = 0, size = SPF_TXT_OVERHEAD;
	struct buf b;

	if (depth > SPF_POLICY_DEPTH) {
		spf_policy_msg(pl, SPF_PL_ERROR, depth, domain,
		    "nesting too deep at", domain);
		return;
	}
	if (pl->nlines >= SPF_POLICY_LINES) {
		if (!pl->truncated)
			spf_policy_msg(pl, SPF_PL_ERROR, depth, domain,
			    "listing cut: more than 2000 lines at", domain);
		pl->truncated = 1;
		return;
	}
	/* an include loop or a domain included twice: list it once */
	for (i = 0; i < pl->nlines; i++)
		if (pl->lines[i].kind == SPF_PL_RECORD &&
		    domain_eq(pl->lines[i].domain, strlen(pl->lines[i].domain),
		    domain, strlen(domain))) {
			spf_policy_msg(pl, SPF_PL_NOTE, depth, domain,
			    "listed above:", domain);
			return;
		}
	if (domain_check(domain, strlen(domain)) != DOMAIN_OK) {
		spf_policy_msg(pl, SPF_PL_ERROR, depth, domain,
		    "not a valid domain name:", domain);
		return;
	}
	if ((e = spf_policy_lookup(pl, domain, SPF_RR_TXT)) == NULL)
		return;
	if (spf_ent_error(e)) {
		spf_policy_msg(pl, SPF_PL_ERROR, depth, domain,
		    "DNS error looking up TXT of", domain);
		return;
	}
	for (i = 0; e->status == SPF_DNS_OK && i < e->nrr; i++) {
		size += e->rr[i].len + 12 + e->rr[i].len / 255 + 1;
		if (spf_record_is_spf(e->rr[i].data, e->rr[i].len)) {
			found = &e->rr[i];
			n++;
		}
	}
	if (n == 0) {
		if (spf_ent_void(e))
			spf_policy_void(pl);
		spf_policy_msg(pl, depth > 1 ? SPF_PL_ERROR : SPF_PL_NOTE,
		    depth, domain, "no SPF record at", domain);
		return;
	}
	if (n > 1) {
		spf_policy_msg(pl, SPF_PL_ERROR, depth, domain,
		    "more than one SPF record (permerror) at", domain);
		return;
	}
	if (size > SPF_UDP_MAX) {
		buf_init(&b, 256);
		buf_printf(&b, "TXT answer of about %zu octets for %s is too "
		    "large for UDP: receivers need EDNS or TCP", size, domain);
		spf_policy_add(pl, SPF_PL_WARN, depth, domain, b.data);
		buf_free(&b);
	}
	spf_policy_add(pl, SPF_PL_RECORD, depth, domain, NULL)->text =
	    arena_memdup(pl->arena, found->data, found->len);
	if (spf_record_parse(pl->arena, found->data, found->len, &rec,
	    &err) < 0) {
		spf_policy_msg(pl, SPF_PL_ERROR, depth, domain,
		    "syntax error (permerror):", err);
		return;
	}
	for (i = 0; i < rec->nterms; i++)
		spf_policy_term(pl, domain, depth, &rec->terms[i]);
	if (rec->redirect != NULL) {
		for (i = 0; i < rec->nterms; i++)
			if (rec->terms[i].mech == SPF_M_ALL)
				return;	/* redirect is ignored (6.1) */
		pl->terms++;
		target = spf_policy_target(pl, domain, rec->redirect,
		    rec->redirectlen);
		if (target != NULL)
			spf_policy_walk(pl, target, depth + 1);
	}
}

/*
 * spf_policy_void_summary - over the void-lookup limit, an error: a
 * client that matches none of the terms before the limit trips gets
 * permerror, whatever the rest of the policy says
 */
static void
spf_policy_void_summary(struct spf_policy *pl, struct buf *b)
{
	unsigned v4 = pl->voids[0], v6 = pl->voids[1],
	    max = pl->p.limits.void_lookups;

	buf_reset(b);
	if (v4 > max && v6 > max)
		buf_printf(b, "%u void lookups for IPv4 clients, %u for "
		    "IPv6 clients", v4, v6);
	else if (v4 > max)
		buf_printf(b, "%u void lookups for IPv4 clients", v4);
	else if (v6 > max)
		buf_printf(b, "%u void lookups for IPv6 clients", v6);
	else
		return;
	buf_printf(b, ": more than the %u receivers allow (RFC 7208 4.6.4); "
	    "such a client that no earlier term matches gets permerror",
	    max);
	spf_policy_add(pl, SPF_PL_ERROR, 0, pl->domain, b->data);
}

/* spf_policy_run - one walk from the top */
static void
spf_policy_run(struct spf_policy *pl)
{
	struct buf b;

	pl->nlines = 0;
	pl->truncated = 0;
	pl->terms = 0;
	pl->voids[0] = pl->voids[1] = 0;
	pl->need = 0;
	spf_policy_walk(pl, pl->domain, 1);
	if (pl->need)
		return;
	pl->done = 1;
	buf_init(&b, 256);
	if (pl->terms > pl->p.limits.dns_terms) {
		buf_printf(&b, "%u DNS-querying terms: more than the %u "
		    "receivers allow (RFC 7208 4.6.4), they return permerror",
		    pl->terms, pl->p.limits.dns_terms);
		spf_policy_add(pl, SPF_PL_WARN, 0, pl->domain, b.data);
	}
	spf_policy_void_summary(pl, &b);
	buf_free(&b);
}

/* spf_policy_new - start the walk for an address or a domain */
struct spf_policy *
spf_policy_new(const char *address, const struct spf_params *p)
{
	struct arena *a = arena_new(16384);
	struct spf_policy *pl = arena_zalloc(a, sizeof(*pl));
	const char *at = strrchr(address, '@');
	struct buf b;

	pl->arena = a;
	pl->p = *p;
	if (pl->p.limits.dns_terms == 0)
		spf_limits_default(&pl->p.limits);
	spf_cache_init(&pl->c, a);
	pl->domain = arena_strdup(a, at ? at + 1 : address);
	buf_init(&b, 1024);
	buf_printf(&b, "%s%s", at && at != address ? "" : "postmaster@",
	    address + (at == address));
	pl->mc.sender = arena_memdup(a, b.data, b.len);
	buf_free(&b);
	pl->mc.local = at && at != address ?
	    arena_memdup(a, address, (size_t)(at - address)) : "postmaster";
	pl->mc.sdomain = pl->domain;
	pl->mc.helo = pl->domain;
	pl->mc.receiver = p->receiver ? p->receiver : "unknown";
	pl->mc.ip = &pl->p.ip;
	return pl;
}

/* spf_policy_step - walk again with what is known */
enum spf_step
spf_policy_step(struct spf_policy *pl, const struct spf_question **qs,
    size_t *nq)
{
	if (!pl->done)
		spf_policy_run(pl);
	return spf_cache_step(&pl->c, pl->done, qs, nq);
}

/* spf_policy_feed - keep one answer */
int
spf_policy_feed(struct spf_policy *pl, const struct spf_answer *a)
{
	return spf_cache_feed(&pl->c, a) ? 0 : -1;
}

/* spf_policy_expire - unanswered questions time out */
void
spf_policy_expire(struct spf_policy *pl)
{
	spf_cache_expire(&pl->c);
}

/* spf_policy_lines - the listing, valid until the next step or free */
size_t
spf_policy_lines(const struct spf_policy *pl,
    const struct spf_policy_line **lines)
{
	*lines = pl->lines;
	return pl->nlines;
}

/* spf_policy_free - release everything */
void
spf_policy_free(struct spf_policy *pl)
{
	if (pl == NULL)
		return;
	free(pl->lines);
	spf_cache_free(&pl->c);
	arena_free(pl->arena);
}

/* spf_policy_job_step - the job's step */
static enum spf_step
spf_policy_job_step(void *obj, const struct spf_question **qs, size_t *n)
{
	return spf_policy_step(obj, qs, n);
}

/* spf_policy_job_feed - the job's feed */
static int
spf_policy_job_feed(void *obj, const struct spf_answer *a)
{
	return spf_policy_feed(obj, a);
}

/* spf_policy_job_expire - the job's deadline */
static void
spf_policy_job_expire(void *obj)
{
	spf_policy_expire(obj);
}

/* spf_policy_job - a job around the walker, for the drivers of dns(3) */
void
spf_policy_job(struct spf_job *job, struct spf_policy *pl)
{
	job->obj = pl;
	job->step = spf_policy_job_step;
	job->feed = spf_policy_job_feed;
	job->expire = spf_policy_job_expire;
}
