/*
 * NAME
 *	daemon_memo 3
 * SUMMARY
 *	rmxfd's short-lived memo of DNS answers, in front of libunbound
 * SYNOPSIS
 *	#include "daemon/daemon.h"
 *
 *	struct daemon_memo *daemon_memo_new(size_t max, long life_ms);
 *	void	daemon_memo_free(struct daemon_memo *m);
 *	const struct spf_answer *daemon_memo_get(struct daemon_memo *m,
 *			int type, const char *name, long now_ms);
 *	void	daemon_memo_put(struct daemon_memo *m, int type,
 *			const char *name, const struct spf_answer *a,
 *			long now_ms);
 * DESCRIPTION
 *	libunbound caches answers by their TTL, but each cached answer
 *	still costs a trip through its mesh, a wire packet and our parse of
 *	it (about a third of a request's instructions when every answer is
 *	cached).  Under load the same few names are asked thousands of
 *	times a second, so daemon_req(3) first looks here: an answer
 *	(NOERROR, possibly without records, or NXDOMAIN; never a failure or
 *	a timeout) that libunbound gave at most life_ms milliseconds ago is
 *	used again as it is.  An answer may thus outlive its TTL by life_ms
 *	at most (DAEMON_MEMO_MS, one second by default: rmxfd --dns-memo).
 *
 *	The memo holds at most max answers; when full, expired ones are
 *	dropped (the oldest first, util/lru(3)), and when none has expired
 *	the new answer is not kept.
 *	daemon_memo_get() returns an answer whose id is 0 and whose records
 *	stay valid until the next daemon_memo_put() or daemon_memo_free().
 *	now_ms is a monotonic clock in milliseconds.
 * DIAGNOSTICS
 *	daemon_memo_get(): NULL when not known or too old.
 * SEE ALSO
 *	daemon_req(3), dns(3), unbound.conf(5) cache-min-ttl.
 */
#include <stdlib.h>
#include <string.h>

#include "daemon/daemon.h"
#include "spf/spf.h"
#include "util/lru.h"
#include "util/xmalloc.h"

#define DAEMON_MEMO_MAX_RR	64	/* records kept of one answer */
#define DAEMON_MEMO_MAX_BYTES	8192	/* record data kept of one answer */

/* One answer: the entry, its records and their data in one block. */
struct daemon_memo_ent {
	struct lru_link	link;		/* the age list is the birth order */
	int		type;
	long		born_ms;
	struct spf_answer a;
	char	       *name;
};

struct daemon_memo {
	struct lru	lru;
	size_t		max;
	long		life_ms;
};

#define DAEMON_MEMO_ENT(l) LRU_ENTRY(l, struct daemon_memo_ent, link)

/* daemon_memo_hash - FNV-1a of the type and the name */
static unsigned
daemon_memo_hash(int type, const char *name)
{
	return lru_fnv(LRU_FNV_INIT ^ (unsigned)type, name, strlen(name));
}

/* daemon_memo_expired - is e older than the memo's life, or from a later
 * clock? */
static int
daemon_memo_expired(const struct daemon_memo *m,
    const struct daemon_memo_ent *e, long now_ms)
{
	return now_ms - e->born_ms > m->life_ms || now_ms < e->born_ms;
}

/* daemon_memo_find - the entry of (type, name), or NULL */
static struct daemon_memo_ent *
daemon_memo_find(const struct daemon_memo *m, unsigned h, int type,
    const char *name)
{
	struct lru_link *l;
	struct daemon_memo_ent *e;

	for (l = lru_chain(&m->lru, h); l != NULL; l = l->next) {
		e = DAEMON_MEMO_ENT(l);
		if (l->hash == h && e->type == type &&
		    strcmp(e->name, name) == 0)
			return e;
	}
	return NULL;
}

/* daemon_memo_new - an empty memo */
struct daemon_memo *
daemon_memo_new(size_t max, long life_ms)
{
	struct daemon_memo *m = xcalloc(1, sizeof(*m));

	m->max = max;
	m->life_ms = life_ms;
	lru_init(&m->lru, max);
	return m;
}

/* daemon_memo_drop - remove e */
static void
daemon_memo_drop(struct daemon_memo *m, struct daemon_memo_ent *e)
{
	lru_del(&m->lru, &e->link);
	free(e);
}

/* daemon_memo_free - forget every answer */
void
daemon_memo_free(struct daemon_memo *m)
{
	if (m == NULL)
		return;
	while (m->lru.oldest != NULL)
		daemon_memo_drop(m, DAEMON_MEMO_ENT(m->lru.oldest));
	lru_fini(&m->lru);
	free(m);
}

/* daemon_memo_get - a recent answer to (type, name), or NULL */
const struct spf_answer *
daemon_memo_get(struct daemon_memo *m, int type,
    const char *name, long now_ms)
{
	struct daemon_memo_ent *e;

	if (m == NULL || m->lru.n == 0 ||
	    (e = daemon_memo_find(m, daemon_memo_hash(type, name), type,
	    name)) == NULL)
		return NULL;
	if (daemon_memo_expired(m, e, now_ms)) {
		daemon_memo_drop(m, e);
		return NULL;
	}
	return &e->a;
}

/* daemon_memo_put - keep an answer libunbound gave just now */
void
daemon_memo_put(struct daemon_memo *m, int type,
    const char *name, const struct spf_answer *a, long now_ms)
{
	struct daemon_memo_ent *e;
	struct spf_rr *rr;
	size_t i, nlen, bytes, size;
	unsigned h;
	char *p;

	if (m == NULL || m->life_ms <= 0 ||
	    (a->status != SPF_DNS_OK && a->status != SPF_DNS_NXDOMAIN) ||
	    a->nrr > DAEMON_MEMO_MAX_RR)
		return;
	bytes = 0;
	for (i = 0; i < a->nrr; i++) {
		if (a->rr[i].len > DAEMON_MEMO_MAX_BYTES - bytes)
			return;
		bytes += a->rr[i].data != NULL ? a->rr[i].len + 1 : 0;
		if (bytes > DAEMON_MEMO_MAX_BYTES)
			return;
	}
	nlen = strlen(name);
	if (nlen > DAEMON_MEMO_MAX_BYTES)
		return;
	h = daemon_memo_hash(type, name);
	if ((e = daemon_memo_find(m, h, type, name)) != NULL)
		daemon_memo_drop(m, e);		/* the newer one wins */
	/* the oldest first: past the first one still alive, none expired */
	while (m->lru.n >= m->max && m->lru.oldest != NULL &&
	    daemon_memo_expired(m, DAEMON_MEMO_ENT(m->lru.oldest), now_ms))
		daemon_memo_drop(m, DAEMON_MEMO_ENT(m->lru.oldest));
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
