/*
 * NAME
 *	spf_list 3
 * SUMMARY
 *	test mode: everything a domain's SPF policy allows
 * SYNOPSIS
 *	#include "spf.h"
 *
 *	struct spf_list *spf_list_new(const char *address,
 *			const struct spf_params *p);
 *	enum spf_step spf_list_step(struct spf_list *sl,
 *			const struct spf_question **qs, size_t *nq);
 *	int	spf_list_feed(struct spf_list *sl,
 *			const struct spf_answer *a);
 *	void	spf_list_expire(struct spf_list *sl);
 *	size_t	spf_list_lines(const struct spf_list *sl,
 *			const struct spf_list_line **lines);
 *	void	spf_list_free(struct spf_list *sl);
 *	void	spf_list_job(struct spf_job *job, struct spf_list *sl);
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

#define SPF_LIST_MAX_DEPTH 12	/* nesting shown; deeper is an error */
#define SPF_LIST_MAX_LINES 2000	/* lines listed at most */
#define SPF_UDP_MAX	512	/* classic DNS UDP reply (RFC 1035 4.2.1) */
#define SPF_TXT_OVERHEAD 60	/* header, question, RR header: estimate */

struct spf_list {
	struct arena   *arena;		/* cache and lines */
	struct spf_cache c;
	struct spf_params p;
	struct spf_macro_ctx mc;
	const char     *domain;
	struct spf_list_line *lines;
	size_t		nlines;
	size_t		cap;
	unsigned	terms;		/* DNS-querying terms seen */
	unsigned	voids[2];	/* void lookups an IPv4 [0] and an IPv6
					 * [1] client's evaluation meets */
	int		need;		/* this run must wait */
	int		truncated;	/* SPF_LIST_MAX_LINES reached */
	int		done;
};

/* spf_list_add - one output line */
static struct spf_list_line *
spf_list_add(struct spf_list *sl, enum spf_list_kind kind, unsigned depth,
    const char *domain, const char *text)
{
	struct spf_list_line *l;

	if (sl->nlines == sl->cap) {
		sl->cap = sl->cap ? sl->cap * 2 : 32;
		sl->lines = xrealloc(sl->lines, sl->cap * sizeof(*sl->lines));
	}
	l = &sl->lines[sl->nlines++];
	memset(l, 0, sizeof(*l));
	l->kind = kind;
	l->depth = depth;
	l->domain = domain;
	l->text = text ? arena_strdup(sl->arena, text) : NULL;
	l->qual = '+';
	return l;
}

/* spf_list_msg - formatted WARN/ERROR/NOTE line */
static void
spf_list_msg(struct spf_list *sl, enum spf_list_kind kind, unsigned depth,
    const char *domain, const char *what, const char *name)
{
	struct buf b;

	buf_init(&b, 1024);
	buf_printf(&b, "%s%s%s", what, name ? " " : "", name ? name : "");
	spf_list_add(sl, kind, depth, domain, b.data);
	buf_free(&b);
}

/* spf_list_lookup - cached answer or NULL (and this run must wait) */
static const struct spf_ent *
spf_list_lookup(struct spf_list *sl, const char *name, enum spf_rrtype t)
{
	const struct spf_ent *e = spf_cache_lookup(&sl->c, name, t, NULL);

	if (e == NULL)
		sl->need = 1;
	return e;
}

/* spf_list_client_dep - does a macro-string depend on the client? */
static int
spf_list_client_dep(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i + 2 < len; i++)
		if (s[i] == '%' && s[i + 1] == '{' &&
		    strchr("ipvchIPVCH", s[i + 2]) != NULL)
			return 1;
	return 0;
}

/* spf_list_void - a void lookup both families' evaluations meet */
static void
spf_list_void(struct spf_list *sl)
{
	sl->voids[0]++;
	sl->voids[1]++;
}

/*
 * spf_list_nets - NET lines for one name's A and AAAA records.  A
 * client asks for its own family only: an empty answer is a void lookup
 * for that family's clients (RFC 7208 4.6.4); no address at all is
 * worth a warning of its own.
 */
static void
spf_list_nets(struct spf_list *sl, unsigned depth, const char *domain,
    const struct spf_term *t, const char *mech, const char *name)
{
	static const enum spf_rrtype types[2] = {SPF_RR_A, SPF_RR_AAAA};
	const struct spf_ent *e;
	struct spf_list_line *l;
	size_t i, k;
	int voids = 0;

	for (k = 0; k < 2; k++) {
		if ((e = spf_list_lookup(sl, name, types[k])) == NULL)
			continue;
		if (spf_ent_void(e)) {
			sl->voids[k]++;
			voids++;
		}
		if (spf_ent_error(e)) {
			spf_list_msg(sl, SPF_LIST_ERROR, depth, domain,
			    types[k] == SPF_RR_A ? "DNS error looking up A of" :
			    "DNS error looking up AAAA of", name);
			continue;
		}
		for (i = 0; i < e->nrr; i++) {
			l = spf_list_add(sl, SPF_LIST_NET, depth, domain, name);
			l->qual = t->qual;
			l->mech = mech;
			l->net = e->rr[i].addr;
			l->bits = l->net.family == 4 ? t->cidr4 : t->cidr6;
			ipaddr_mask(&l->net, l->bits);
		}
	}
	if (voids == 2)
		spf_list_msg(sl, SPF_LIST_WARN, depth, domain,
		    "no A or AAAA records (a void lookup) for", name);
}

static void spf_list_walk(struct spf_list *, const char *, unsigned);

/* spf_list_target - expand a term's domain-spec, or <domain> */
static const char *
spf_list_target(struct spf_list *sl, const char *domain, const char *spec,
    size_t len)
{
	struct buf b;
	const char *err, *s = NULL;

	if (spec == NULL)
		return domain;
	buf_init(&b, 1024);
	sl->mc.domain = domain;
	if (spf_macro_expand(&sl->mc, spec, len, SPF_MACRO_DOMAIN, &b, &err) ==
	    SPF_MACRO_OK)
		s = arena_memdup(sl->arena, b.data, b.len);
	buf_free(&b);
	return s;
}

/*
 * spf_list_direct - list a term that needs no lookup of its own (ip4,
 * ip6, all; ptr and exists, which depend on the client); 0 for the others
 */
static int
spf_list_direct(struct spf_list *sl, const char *domain, unsigned depth,
    const struct spf_term *t)
{
	struct spf_list_line *l;

	switch (t->mech) {
	case SPF_M_IP4:
	case SPF_M_IP6:
		l = spf_list_add(sl, SPF_LIST_NET, depth, domain, t->text);
		l->qual = t->qual;
		l->mech = spf_mech_name(t->mech);
		l->net = t->net;
		l->bits = t->mech == SPF_M_IP4 ? t->cidr4 : t->cidr6;
		return 1;
	case SPF_M_ALL:
		l = spf_list_add(sl, SPF_LIST_NET, depth, domain, t->text);
		l->qual = t->qual;
		l->mech = "all";
		l->all = 1;
		if (t->qual == '+')
			spf_list_msg(sl, SPF_LIST_WARN, depth, domain,
			    "+all allows every host on the Internet:", t->text);
		return 1;
	case SPF_M_PTR:
		spf_list_msg(sl, SPF_LIST_WARN, depth, domain,
		    "ptr is slow and unreliable (RFC 7208 5.5: SHOULD NOT "
		    "be used):", t->text);
		/* FALLTHROUGH */
	case SPF_M_EXISTS:
		l = spf_list_add(sl, SPF_LIST_CLIENT, depth, domain, t->text);
		l->qual = t->qual;
		l->mech = spf_mech_name(t->mech);
		return 1;
	default:
		return 0;
	}
}

/* spf_list_mx - NET lines for the addresses of target's MX hosts */
static void
spf_list_mx(struct spf_list *sl, const char *domain, unsigned depth,
    const struct spf_term *t, const char *target)
{
	const struct spf_ent *e;
	size_t i;

	if ((e = spf_list_lookup(sl, target, SPF_RR_MX)) == NULL)
		return;
	if (spf_ent_error(e)) {
		spf_list_msg(sl, SPF_LIST_ERROR, depth, domain,
		    "DNS error looking up MX of", target);
		return;
	}
	if (spf_ent_void(e)) {
		spf_list_void(sl);
		spf_list_msg(sl, SPF_LIST_WARN, depth, domain,
		    "no MX records (a void lookup) for", target);
		return;
	}
	if (e->nrr > sl->p.limits.mx_addrs)
		spf_list_msg(sl, SPF_LIST_WARN, depth, domain,
		    "more than 10 MX hosts: receivers return "
		    "permerror for", t->text);
	for (i = 0; i < e->nrr; i++)
		if (e->rr[i].len > 0)
			spf_list_nets(sl, depth, domain, t, "mx",
			    e->rr[i].data);
}

/* spf_list_term - list what one term allows */
static void
spf_list_term(struct spf_list *sl, const char *domain, unsigned depth,
    const struct spf_term *t)
{
	struct spf_list_line *l;
	const char *target;

	if (spf_mech_counts(t->mech))
		sl->terms++;
	if (spf_list_direct(sl, domain, depth, t))
		return;
	if (t->spec && spf_list_client_dep(t->spec, t->speclen)) {
		l = spf_list_add(sl, SPF_LIST_CLIENT, depth, domain, t->text);
		l->qual = t->qual;
		l->mech = spf_mech_name(t->mech);
		return;
	}
	if ((target = spf_list_target(sl, domain, t->spec, t->speclen)) ==
	    NULL) {
		spf_list_msg(sl, SPF_LIST_ERROR, depth, domain,
		    "cannot expand", t->text);
		return;
	}
	switch (t->mech) {
	case SPF_M_INCLUDE:
		spf_list_walk(sl, target, depth + 1);
		return;
	case SPF_M_A:
		spf_list_nets(sl, depth, domain, t, "a", target);
		return;
	case SPF_M_MX:
		spf_list_mx(sl, domain, depth, t, target);
		return;
	default:
		return;
	}
}

/*
 * spf_list_enter - may the walk list this domain's record?  No when
 * nested too deep, when the listing is full, when the record is listed
 * already (an include loop, or a domain included twice) or when the
 * name is no domain; a line says why.
 */
static int
spf_list_enter(struct spf_list *sl, const char *domain, unsigned depth)
{
	size_t i;

	if (depth > SPF_LIST_MAX_DEPTH) {
		spf_list_msg(sl, SPF_LIST_ERROR, depth, domain,
		    "nesting too deep at", domain);
		return 0;
	}
	if (sl->nlines >= SPF_LIST_MAX_LINES) {
		if (!sl->truncated)
			spf_list_msg(sl, SPF_LIST_ERROR, depth, domain,
			    "listing cut: more than 2000 lines at", domain);
		sl->truncated = 1;
		return 0;
	}
	for (i = 0; i < sl->nlines; i++)
		if (sl->lines[i].kind == SPF_LIST_RECORD &&
		    domain_eq(sl->lines[i].domain, strlen(sl->lines[i].domain),
		    domain, strlen(domain))) {
			spf_list_msg(sl, SPF_LIST_NOTE, depth, domain,
			    "listed above:", domain);
			return 0;
		}
	if (domain_check(domain, strlen(domain)) != DOMAIN_OK) {
		spf_list_msg(sl, SPF_LIST_ERROR, depth, domain,
		    "not a valid domain name:", domain);
		return 0;
	}
	return 1;
}

/*
 * spf_list_find - the domain's one SPF record among its TXT records, or
 * NULL: not answered yet, or a line says why there is none to list.
 * Warns when the TXT answer would not fit a UDP reply.
 */
static const struct spf_rr *
spf_list_find(struct spf_list *sl, const char *domain, unsigned depth)
{
	const struct spf_ent *e;
	const struct spf_rr *found = NULL;
	size_t i, n = 0, size = SPF_TXT_OVERHEAD;
	struct buf b;

	if ((e = spf_list_lookup(sl, domain, SPF_RR_TXT)) == NULL)
		return NULL;
	if (spf_ent_error(e)) {
		spf_list_msg(sl, SPF_LIST_ERROR, depth, domain,
		    "DNS error looking up TXT of", domain);
		return NULL;
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
			spf_list_void(sl);
		spf_list_msg(sl, depth > 1 ? SPF_LIST_ERROR : SPF_LIST_NOTE,
		    depth, domain, "no SPF record at", domain);
		return NULL;
	}
	if (n > 1) {
		spf_list_msg(sl, SPF_LIST_ERROR, depth, domain,
		    "more than one SPF record (permerror) at", domain);
		return NULL;
	}
	if (size > SPF_UDP_MAX) {
		buf_init(&b, 256);
		buf_printf(&b, "TXT answer of about %zu octets for %s is too "
		    "large for UDP: receivers need EDNS or TCP", size, domain);
		spf_list_add(sl, SPF_LIST_WARN, depth, domain, b.data);
		buf_free(&b);
	}
	return found;
}

/* spf_list_walk - list one domain's record, recursively */
static void
spf_list_walk(struct spf_list *sl, const char *domain, unsigned depth)
{
	const struct spf_rr *found;
	struct spf_record *rec;
	const char *err, *target;
	size_t i;

	if (!spf_list_enter(sl, domain, depth) ||
	    (found = spf_list_find(sl, domain, depth)) == NULL)
		return;
	spf_list_add(sl, SPF_LIST_RECORD, depth, domain, NULL)->text =
	    arena_memdup(sl->arena, found->data, found->len);
	if (spf_record_parse(sl->arena, found->data, found->len, &rec,
	    &err) < 0) {
		spf_list_msg(sl, SPF_LIST_ERROR, depth, domain,
		    "syntax error (permerror):", err);
		return;
	}
	for (i = 0; i < rec->nterms; i++)
		spf_list_term(sl, domain, depth, &rec->terms[i]);
	if (rec->redirect != NULL) {
		for (i = 0; i < rec->nterms; i++)
			if (rec->terms[i].mech == SPF_M_ALL)
				return;	/* redirect is ignored (6.1) */
		sl->terms++;
		target = spf_list_target(sl, domain, rec->redirect,
		    rec->redirectlen);
		if (target != NULL)
			spf_list_walk(sl, target, depth + 1);
	}
}

/*
 * spf_list_void_summary - over the void-lookup limit, an error: a
 * client that matches none of the terms before the limit trips gets
 * permerror, whatever the rest of the policy says
 */
static void
spf_list_void_summary(struct spf_list *sl, struct buf *b)
{
	unsigned v4 = sl->voids[0], v6 = sl->voids[1],
	    max = sl->p.limits.void_lookups;

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
	spf_list_add(sl, SPF_LIST_ERROR, 0, sl->domain, b->data);
}

/* spf_list_run - one walk from the top */
static void
spf_list_run(struct spf_list *sl)
{
	struct buf b;

	sl->nlines = 0;
	sl->truncated = 0;
	sl->terms = 0;
	sl->voids[0] = sl->voids[1] = 0;
	sl->need = 0;
	spf_list_walk(sl, sl->domain, 1);
	if (sl->need)
		return;
	sl->done = 1;
	buf_init(&b, 256);
	if (sl->terms > sl->p.limits.dns_terms) {
		buf_printf(&b, "%u DNS-querying terms: more than the %u "
		    "receivers allow (RFC 7208 4.6.4), they return permerror",
		    sl->terms, sl->p.limits.dns_terms);
		spf_list_add(sl, SPF_LIST_WARN, 0, sl->domain, b.data);
	}
	spf_list_void_summary(sl, &b);
	buf_free(&b);
}

/* spf_list_new - start the walk for an address or a domain */
struct spf_list *
spf_list_new(const char *address, const struct spf_params *p)
{
	struct arena *a = arena_new(16384);
	struct spf_list *sl = arena_zalloc(a, sizeof(*sl));
	const char *at = strrchr(address, '@');
	struct buf b;

	sl->arena = a;
	sl->p = *p;
	if (sl->p.limits.dns_terms == 0)
		spf_limits_default(&sl->p.limits);
	spf_cache_init(&sl->c, a);
	sl->domain = arena_strdup(a, at ? at + 1 : address);
	buf_init(&b, 1024);
	buf_printf(&b, "%s%s", at && at != address ? "" : "postmaster@",
	    address + (at == address));
	sl->mc.sender = arena_memdup(a, b.data, b.len);
	buf_free(&b);
	sl->mc.local = at && at != address ?
	    arena_memdup(a, address, (size_t)(at - address)) : "postmaster";
	sl->mc.sdomain = sl->domain;
	sl->mc.helo = sl->domain;
	sl->mc.receiver = p->receiver ? p->receiver : "unknown";
	sl->mc.ip = &sl->p.ip;
	return sl;
}

/* spf_list_step - walk again with what is known */
enum spf_step
spf_list_step(struct spf_list *sl, const struct spf_question **qs,
    size_t *nq)
{
	if (!sl->done)
		spf_list_run(sl);
	return spf_cache_step(&sl->c, sl->done, qs, nq);
}

/* spf_list_feed - keep one answer */
int
spf_list_feed(struct spf_list *sl, const struct spf_answer *a)
{
	return spf_cache_feed(&sl->c, a) ? 0 : -1;
}

/* spf_list_expire - unanswered questions time out */
void
spf_list_expire(struct spf_list *sl)
{
	spf_cache_expire(&sl->c);
}

/* spf_list_lines - the listing, valid until the next step or free */
size_t
spf_list_lines(const struct spf_list *sl,
    const struct spf_list_line **lines)
{
	*lines = sl->lines;
	return sl->nlines;
}

/* spf_list_free - release everything */
void
spf_list_free(struct spf_list *sl)
{
	if (sl == NULL)
		return;
	free(sl->lines);
	spf_cache_free(&sl->c);
	arena_free(sl->arena);
}

/* spf_list_job_step - the job's step */
static enum spf_step
spf_list_job_step(void *obj, const struct spf_question **qs, size_t *n)
{
	return spf_list_step(obj, qs, n);
}

/* spf_list_job_feed - the job's feed */
static int
spf_list_job_feed(void *obj, const struct spf_answer *a)
{
	return spf_list_feed(obj, a);
}

/* spf_list_job_expire - the job's deadline */
static void
spf_list_job_expire(void *obj)
{
	spf_list_expire(obj);
}

/* spf_list_job - a job around the walker, for the drivers of dns(3) */
void
spf_list_job(struct spf_job *job, struct spf_list *sl)
{
	job->obj = sl;
	job->step = spf_list_job_step;
	job->feed = spf_list_job_feed;
	job->expire = spf_list_job_expire;
}
