/*
 * NAME
 *	dns_recent 3
 * SUMMARY
 *	the DNS answers of the last second, in front of libunbound
 * SYNOPSIS
 *	#include "dns/dns_recent.h"
 *
 *	struct dns_recent *dns_recent_new(size_t max, long life_ms);
 *	void	dns_recent_free(struct dns_recent *m);
 *	const struct spf_answer *dns_recent_get(struct dns_recent *m,
 *			int type, const char *name, long now_ms);
 *	void	dns_recent_put(struct dns_recent *m, int type,
 *			const char *name, const struct spf_answer *a,
 *			long now_ms);
 * DESCRIPTION
 *	libunbound caches answers by their TTL, but each cached answer
 *	still costs a trip through its mesh, a wire packet and our parse of
 *	it (about a third of a request's instructions when every answer is
 *	cached).  Under load the same few names are asked thousands of
 *	times a second, so dns_ub(3) first looks here: an answer (NOERROR,
 *	possibly without records, or NXDOMAIN; never a failure or a
 *	timeout) that libunbound gave at most life_ms milliseconds ago is
 *	used again as it is.  An answer may thus outlive its TTL by life_ms
 *	at most (dns_reuse_time, one second by default).
 *
 *	At most max answers are kept; when full, expired ones are
 *	dropped (the oldest first, util/lru(3)), and when none has expired
 *	the new answer is not kept.
 *	dns_recent_get() returns an answer whose id is 0 and whose records
 *	stay valid until the next dns_recent_put() or dns_recent_free().
 *	now_ms is a monotonic clock in milliseconds.
 * DIAGNOSTICS
 *	dns_recent_get(): NULL when not known or too old.
 * SEE ALSO
 *	dns_ub(3), unbound.conf(5) cache-min-ttl.
 */
#include <stdlib.h>
#include <string.h>

#include "dns/dns_recent.h"
#include "spf/spf.h"
#include "util/lru.h"
#include "util/xmalloc.h"

#define DNS_RECENT_MAX_RR	64	/* records kept of one answer */
#define DNS_RECENT_MAX_BYTES	8192	/* record data kept of one answer */

/* One answer: the entry, its records and their data in one block. */
struct dns_recent_ent {
	struct lru_link	link;		/* the age list is the birth order */
	int		type;
	long		born_ms;
	struct spf_answer a;
	char	       *name;
};

struct dns_recent {
	struct lru	lru;
	size_t		max;
	long		life_ms;
};

#define DNS_RECENT_ENT(l) LRU_ENTRY(l, struct dns_recent_ent, link)

/* dns_recent_hash - FNV-1a of the type and the name */
static unsigned
dns_recent_hash(int type, const char *name)
{
	return lru_fnv(LRU_FNV_INIT ^ (unsigned)type, name, strlen(name));
}

/* dns_recent_expired - is e older than its life, or from a later
 * clock? */
static int
dns_recent_expired(const struct dns_recent *m,
    const struct dns_recent_ent *e, long now_ms)
{
	return now_ms - e->born_ms > m->life_ms || now_ms < e->born_ms;
}

/* dns_recent_find - the entry of (type, name), or NULL */
static struct dns_recent_ent *
dns_recent_find(const struct dns_recent *m, unsigned h, int type,
    const char *name)
{
	struct lru_link *l;
	struct dns_recent_ent *e;

	for (l = lru_chain(&m->lru, h); l != NULL; l = l->next) {
		e = DNS_RECENT_ENT(l);
		if (l->hash == h && e->type == type &&
		    strcmp(e->name, name) == 0)
			return e;
	}
	return NULL;
}

/* dns_recent_new - no answers yet */
struct dns_recent *
dns_recent_new(size_t max, long life_ms)
{
	struct dns_recent *m = xcalloc(1, sizeof(*m));

	m->max = max;
	m->life_ms = life_ms;
	lru_init(&m->lru, max);
	return m;
}

/* dns_recent_drop - remove e */
static void
dns_recent_drop(struct dns_recent *m, struct dns_recent_ent *e)
{
	lru_del(&m->lru, &e->link);
	free(e);
}

/* dns_recent_free - forget every answer */
void
dns_recent_free(struct dns_recent *m)
{
	if (m == NULL)
		return;
	while (m->lru.oldest != NULL)
		dns_recent_drop(m, DNS_RECENT_ENT(m->lru.oldest));
	lru_fini(&m->lru);
	free(m);
}

/* dns_recent_get - a recent answer to (type, name), or NULL */
const struct spf_answer *
dns_recent_get(struct dns_recent *m, int type,
    const char *name, long now_ms)
{
	struct dns_recent_ent *e;

	if (m == NULL || m->lru.n == 0 ||
	    (e = dns_recent_find(m, dns_recent_hash(type, name), type,
	    name)) == NULL)
		return NULL;
	if (dns_recent_expired(m, e, now_ms)) {
		dns_recent_drop(m, e);
		return NULL;
	}
	return &e->a;
}

/* dns_recent_put - keep an answer libunbound gave just now */
void
dns_recent_put(struct dns_recent *m, int type,
    const char *name, const struct spf_answer *a, long now_ms)
{
	struct dns_recent_ent *e;
	struct spf_rr *rr;
	size_t i, nlen, bytes, size;
	unsigned h;
	char *p;

	if (m == NULL || m->life_ms <= 0 ||
	    (a->status != SPF_DNS_OK && a->status != SPF_DNS_NXDOMAIN) ||
	    a->nrr > DNS_RECENT_MAX_RR)
		return;
	bytes = 0;
	for (i = 0; i < a->nrr; i++) {
		if (a->rr[i].len > DNS_RECENT_MAX_BYTES - bytes)
			return;
		bytes += a->rr[i].data != NULL ? a->rr[i].len + 1 : 0;
		if (bytes > DNS_RECENT_MAX_BYTES)
			return;
	}
	nlen = strlen(name);
	if (nlen > DNS_RECENT_MAX_BYTES)
		return;
	h = dns_recent_hash(type, name);
	if ((e = dns_recent_find(m, h, type, name)) != NULL)
		dns_recent_drop(m, e);		/* the newer one wins */
	/* the oldest first: past the first one still alive, none expired */
	while (m->lru.n >= m->max && m->lru.oldest != NULL &&
	    dns_recent_expired(m, DNS_RECENT_ENT(m->lru.oldest), now_ms))
		dns_recent_drop(m, DNS_RECENT_ENT(m->lru.oldest));
	if (m->lru.n >= m->max)
		return;
	/* bounded above: no overflow in the sum */
	size = sizeof(*e) + a->nrr * sizeof(*rr) + bytes + nlen + 1;
	e = xmalloc(size);
	rr = (struct spf_rr *)(e + 1);
	p = (char *)(rr + a->nrr);
	e->type = type;
	e->born_ms = now_ms;
	e->a.id = 0;
	e->a.status = a->status;
	e->a.nrr = a->nrr;
	e->a.rr = a->nrr > 0 ? rr : NULL;
	for (i = 0; i < a->nrr; i++) {
		rr[i] = a->rr[i];
		if (a->rr[i].data != NULL) {
			memcpy(p, a->rr[i].data, a->rr[i].len);
			p[a->rr[i].len] = 0;
			rr[i].data = p;
			p += a->rr[i].len + 1;
		}
	}
	memcpy(p, name, nlen + 1);
	e->name = p;
	lru_add(&m->lru, &e->link, h);
}
