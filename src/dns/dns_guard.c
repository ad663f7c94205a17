/*
 * NAME
 *	dns_guard 3
 * SUMMARY
 *	keep one sender's slow DNS from taking the resolver from the rest
 * SYNOPSIS
 *	#include "dns/dns_guard.h"
 *
 *	struct dns_guard *dns_guard_new(unsigned per_domain,
 *			unsigned slow_ms);
 *	void	dns_guard_free(struct dns_guard *g);
 *	void	dns_guard_limits(struct dns_guard *g, unsigned per_domain,
 *			unsigned slow_ms);
 *	struct dns_guard_flight *dns_guard_enter(struct dns_guard *g,
 *			unsigned type, const char *name, long now_ms);
 *	void	dns_guard_leave(struct dns_guard *g,
 *			struct dns_guard_flight *f, int timed_out,
 *			long now_ms);
 *	void	dns_guard_stats(const struct dns_guard *g,
 *			struct dns_guard_stats *st);
 * DESCRIPTION
 *	Whoever sends mail chooses the domains rmxf looks up, and so
 *	whose DNS servers it waits for.  A server that never answers costs
 *	its asker a timeout; it must not cost anybody else.  The guard
 *	sits before the resolver and counts, per registered domain (the
 *	name one label below its public suffix, from the Public Suffix
 *	List; for reverse names the /24 network under in-addr.arpa and
 *	the /48 under ip6.arpa, one site's addresses), the distinct
 *	questions (type and name) in flight:
 *
 *	dns_guard_enter() is asked before a question goes out.  It refuses
 *	(NULL: answer it as a timeout at once) when the question's
 *	registered domain is known to be slow, or when per_domain distinct
 *	questions under it are in flight already; else it returns the
 *	question's flight, shared by every asker of the same question.
 *	dns_guard_leave() is told when an asker has its answer or gave up;
 *	timed_out says it gave up waiting.  When two distinct questions
 *	under one registered domain time out within slow_ms, the domain is
 *	slow for slow_ms: its questions are answered as timeouts without
 *	being asked, so an attacker's random names under one domain meet
 *	the resolver a few times per slow_ms, not once per message.  One
 *	name that times out again and again (a site's one broken host) does
 *	not make its whole domain slow: its askers share one flight.
 *
 *	per_domain 0 sets no bound, slow_ms 0 never marks a domain slow.
 *	Known domains are kept while they have questions in flight or are
 *	slow, at most DNS_GUARD_MAX_DOMAINS of them (the least recently
 *	used idle ones go first).  Names are compared without regard to
 *	case.
 * DIAGNOSTICS
 *	None; memory exhaustion exits (xmalloc).
 * SEE ALSO
 *	dns_ub(3), libpsl(3), RFC 7208 4.6.4.
 */
#include <stdlib.h>
#include <string.h>

#include <libpsl.h>

#include "dns/dns_guard.h"
#include "util/lru.h"
#include "util/xmalloc.h"

#define DNS_GUARD_MAX_NAME	255	/* RFC 1035 2.3.4, text form */
#define DNS_GUARD_REV4_LABELS	3	/* a /24 under in-addr.arpa */
#define DNS_GUARD_REV6_LABELS	12	/* a /48 under ip6.arpa */

/* A registered domain with questions in flight or a slow mark. */
struct dns_guard_domain {
	struct lru_link	link;
	unsigned	flights;	/* distinct questions in flight */
	long		slow_until;	/* ms; 0: not slow */
	long		timeout_at;	/* ms: the last question timed out */
	unsigned	timeout_hash;	/* ... which (its flight's hash) */
	size_t		len;
	char		name[];		/* lower case */
};

/* One distinct question in flight, and how many wait for it. */
struct dns_guard_flight {
	struct lru_link	link;
	struct dns_guard_domain *domain;
	unsigned	askers;
	unsigned	type;
	size_t		len;
	char		name[];		/* lower case */
};

struct dns_guard {
	const psl_ctx_t *psl;
	psl_ctx_t      *psl_owned;	/* psl_latest()'s, or NULL */
	unsigned	per_domain;
	unsigned	slow_ms;
	struct lru	domains;
	struct lru	flights;
	struct dns_guard_stats st;
};

/* dns_guard_new - an empty guard */
struct dns_guard *
dns_guard_new(unsigned per_domain, unsigned slow_ms)
{
	struct dns_guard *g = xcalloc(1, sizeof(*g));

	/* the system's list when there is one, the library's own else */
	g->psl_owned = psl_latest(NULL);
	g->psl = g->psl_owned != NULL ? g->psl_owned : psl_builtin();
	g->per_domain = per_domain;
	g->slow_ms = slow_ms;
	lru_init(&g->domains, DNS_GUARD_MAX_DOMAINS);
	lru_init(&g->flights, DNS_GUARD_MAX_DOMAINS);
	return g;
}

/* dns_guard_free - forget everything */
void
dns_guard_free(struct dns_guard *g)
{
	struct lru_link *l;

	if (g == NULL)
		return;
	while ((l = g->flights.oldest) != NULL) {
		lru_del(&g->flights, l);
		free(LRU_ENTRY(l, struct dns_guard_flight, link));
	}
	while ((l = g->domains.oldest) != NULL) {
		lru_del(&g->domains, l);
		free(LRU_ENTRY(l, struct dns_guard_domain, link));
	}
	lru_fini(&g->flights);
	lru_fini(&g->domains);
	psl_free(g->psl_owned);
	free(g);
}

/* dns_guard_limits - new bounds (a reload); flights in the air stay */
void
dns_guard_limits(struct dns_guard *g, unsigned per_domain, unsigned slow_ms)
{
	g->per_domain = per_domain;
	g->slow_ms = slow_ms;
}

/* dns_guard_lower - name in lower case, without a trailing dot; 0 bad */
static size_t
dns_guard_lower(const char *name, char *out)
{
	size_t n = strlen(name), i;

	if (n > 0 && name[n - 1] == '.')
		n--;
	if (n == 0 || n > DNS_GUARD_MAX_NAME)
		return 0;
	for (i = 0; i < n; i++)
		out[i] = (name[i] >= 'A' && name[i] <= 'Z') ?
		    (char)(name[i] - 'A' + 'a') : name[i];
	out[n] = 0;
	return n;
}

/* dns_guard_domain_find - a known registered domain, or NULL */
static struct dns_guard_domain *
dns_guard_domain_find(struct dns_guard *g, const char *name, size_t len,
    unsigned hash)
{
	struct lru_link *l;
	struct dns_guard_domain *d;

	for (l = lru_chain(&g->domains, hash); l != NULL; l = l->next) {
		d = LRU_ENTRY(l, struct dns_guard_domain, link);
		if (l->hash == hash && d->len == len &&
		    memcmp(d->name, name, len) == 0)
			return d;
	}
	return NULL;
}

/* dns_guard_domain_drop - forget a domain nobody needs */
static void
dns_guard_domain_drop(struct dns_guard *g, struct dns_guard_domain *d)
{
	lru_del(&g->domains, &d->link);
	free(d);
}

/* dns_guard_reverse - the network part of a reverse name, or NULL */
static const char *
dns_guard_reverse(const char *lower, size_t len)
{
	static const struct {
		const char *suffix;
		unsigned labels;
	} rev[] = {
		{".in-addr.arpa", DNS_GUARD_REV4_LABELS},
		{".ip6.arpa", DNS_GUARD_REV6_LABELS},
	};
	const char *p;
	size_t i, n;
	unsigned k;

	for (i = 0; i < sizeof(rev) / sizeof(rev[0]); i++) {
		n = strlen(rev[i].suffix);
		if (len <= n || strcmp(lower + len - n, rev[i].suffix) != 0)
			continue;
		/* back over up to labels labels before the suffix */
		p = lower + len - n;
		for (k = 0; k < rev[i].labels && p > lower; k++) {
			p--;
			while (p > lower && p[-1] != '.')
				p--;
		}
		return p;
	}
	return NULL;
}

/* dns_guard_domain_get - the registered domain of a name, made known */
static struct dns_guard_domain *
dns_guard_domain_get(struct dns_guard *g, const char *lower, size_t len,
    long now)
{
	const char *reg = dns_guard_reverse(lower, len);
	struct dns_guard_domain *d;
	struct lru_link *l, *next;
	unsigned hash;
	size_t n;

	if (reg == NULL)
		reg = psl_registrable_domain(g->psl, lower);
	if (reg == NULL)
		reg = lower;		/* a public suffix, or no name at all */
	n = len - (size_t)(reg - lower);
	hash = lru_fnv(LRU_FNV_INIT, reg, n);
	if ((d = dns_guard_domain_find(g, reg, n, hash)) != NULL) {
		lru_touch(&g->domains, &d->link);
		return d;
	}
	/* room: the least recently used domain without flights goes (one
	 * with flights is kept; with every one busy the table grows) */
	for (l = g->domains.oldest; l != NULL &&
	    g->domains.n >= DNS_GUARD_MAX_DOMAINS; l = next) {
		struct dns_guard_domain *old = LRU_ENTRY(l,
		    struct dns_guard_domain, link);

		next = l->newer;
		if (old->flights > 0)
			continue;
		if (old->slow_until > now)
			g->st.slow_evicted++;
		dns_guard_domain_drop(g, old);
	}
	d = xmalloc(sizeof(*d) + n + 1);
	memset(d, 0, sizeof(*d));
	memcpy(d->name, reg, n);
	d->name[n] = 0;
	d->len = n;
	lru_add(&g->domains, &d->link, hash);
	return d;
}

/* dns_guard_flight_find - the flight of a question, or NULL */
static struct dns_guard_flight *
dns_guard_flight_find(struct dns_guard *g, unsigned type, const char *name,
    size_t len, unsigned hash)
{
	struct lru_link *l;
	struct dns_guard_flight *f;

	for (l = lru_chain(&g->flights, hash); l != NULL; l = l->next) {
		f = LRU_ENTRY(l, struct dns_guard_flight, link);
		if (l->hash == hash && f->type == type && f->len == len &&
		    memcmp(f->name, name, len) == 0)
			return f;
	}
	return NULL;
}

/* dns_guard_enter - may this question go out?  NULL: answer a timeout */
struct dns_guard_flight *
dns_guard_enter(struct dns_guard *g, unsigned type, const char *name,
    long now)
{
	char lower[DNS_GUARD_MAX_NAME + 1];
	struct dns_guard_domain *d;
	struct dns_guard_flight *f;
	unsigned hash;
	size_t len;

	if ((len = dns_guard_lower(name, lower)) == 0)
		len = (size_t)(lower[0] = 0);	/* the root, or too long */
	hash = lru_fnv(lru_fnv(LRU_FNV_INIT, &type, sizeof(type)), lower,
	    len);
	if ((f = dns_guard_flight_find(g, type, lower, len, hash)) != NULL) {
		if (f->domain->slow_until > now) {
			g->st.refused_slow++;
			return NULL;
		}
		f->askers++;
		return f;
	}
	d = dns_guard_domain_get(g, lower, len, now);
	if (d->slow_until > now) {
		g->st.refused_slow++;
		return NULL;
	}
	d->slow_until = 0;
	if (g->per_domain > 0 && d->flights >= g->per_domain) {
		g->st.refused_busy++;
		return NULL;
	}
	f = xmalloc(sizeof(*f) + len + 1);
	f->domain = d;
	f->askers = 1;
	f->type = type;
	f->len = len;
	memcpy(f->name, lower, len);
	f->name[len] = 0;
	lru_add(&g->flights, &f->link, hash);
	d->flights++;
	return f;
}

/* dns_guard_domain_needed - slow, or remembering a recent timeout */
static int
dns_guard_domain_needed(const struct dns_guard *g,
    const struct dns_guard_domain *d, long now)
{
	return d->slow_until > now || (d->timeout_at > 0 &&
	    now - d->timeout_at < (long)g->slow_ms);
}

/* dns_guard_timed_out - a question gave up: a second distinct one soon
 * after another makes its domain slow */
static void
dns_guard_timed_out(struct dns_guard *g, struct dns_guard_domain *d,
    unsigned hash, long now)
{
	if (d->timeout_at > 0 && now - d->timeout_at < (long)g->slow_ms &&
	    d->timeout_hash != hash) {
		if (d->slow_until <= now)
			g->st.marked_slow++;
		d->slow_until = now + (long)g->slow_ms;
	}
	d->timeout_at = now;
	d->timeout_hash = hash;
}

/* dns_guard_leave - an asker has its answer, or gave up waiting */
void
dns_guard_leave(struct dns_guard *g, struct dns_guard_flight *f,
    int timed_out, long now)
{
	struct dns_guard_domain *d;

	if (f == NULL)
		return;
	d = f->domain;
	if (timed_out && g->slow_ms > 0)
		dns_guard_timed_out(g, d, f->link.hash, now);
	if (--f->askers > 0)
		return;
	lru_del(&g->flights, &f->link);
	free(f);
	if (--d->flights == 0 && !dns_guard_domain_needed(g, d, now))
		dns_guard_domain_drop(g, d);
}

/* dns_guard_stats - counters since the guard was made */
void
dns_guard_stats(const struct dns_guard *g, struct dns_guard_stats *st)
{
	*st = g->st;
	st->domains = g->domains.n;
	st->flights = g->flights.n;
}
