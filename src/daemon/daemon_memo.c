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
 *	dropped, and when none has expired the new answer is not kept.
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
#include "util/xmalloc.h"

#define DAEMON_MEMO_BUCKETS	1024	/* hash chains, a power of two */
#define DAEMON_MEMO_MAX_RR	64	/* records kept of one answer */
#define DAEMON_MEMO_MAX_BYTES	8192	/* record data kept of one answer */

/* One answer: the entry, its records and their data in one block. */
struct daemon_memo_ent {
	struct daemon_memo_ent *next;
	unsigned	hash;
	int		type;
	long		born_ms;
	struct spf_answer a;
	char	       *name;
};

struct daemon_memo {
	struct daemon_memo_ent *bucket[DAEMON_MEMO_BUCKETS];
	size_t		n;
	size_t		max;
	long		life_ms;
};

/* daemon_memo_hash - FNV-1a of the type and the name */
static unsigned
daemon_memo_hash(int type, const char *name)
{
	unsigned h = 2166136261u ^ (unsigned)type;

	while (*name != 0)
		h = (h ^ (unsigned char)*name++) * 16777619u;
	return h;
}

/* daemon_memo_new - an empty memo */
struct daemon_memo *
daemon_memo_new(size_t max, long life_ms)
{
	struct daemon_memo *m = xcalloc(1, sizeof(*m));

	m->max = max;
	m->life_ms = life_ms;
	return m;
}

/* daemon_memo_drop - remove the entry at *pp */
static void
daemon_memo_drop(struct daemon_memo *m, struct daemon_memo_ent **pp)
{
	struct daemon_memo_ent *e = *pp;

	*pp = e->next;
	free(e);
	m->n--;
}

/* daemon_memo_free - forget every answer */
void
daemon_memo_free(struct daemon_memo *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < DAEMON_MEMO_BUCKETS; i++)
		while (m->bucket[i] != NULL)
			daemon_memo_drop(m, &m->bucket[i]);
	free(m);
}

/* daemon_memo_get - a recent answer to (type, name), or NULL */
const struct spf_answer *
daemon_memo_get(struct daemon_memo *m, int type,
    const char *name, long now_ms)
{
	unsigned h;
	struct daemon_memo_ent **pp, *e;

	if (m == NULL || m->n == 0)
		return NULL;
	h = daemon_memo_hash(type, name);
	for (pp = &m->bucket[h & (DAEMON_MEMO_BUCKETS - 1)]; (e = *pp) != NULL;
	    pp = &e->next) {
		if (e->hash != h || e->type != type || strcmp(e->name, name))
			continue;
		if (now_ms - e->born_ms > m->life_ms ||
		    now_ms < e->born_ms) {
			daemon_memo_drop(m, pp);
			return NULL;
		}
		return &e->a;
	}
	return NULL;
}

/* daemon_memo_sweep - drop every expired answer */
static void
daemon_memo_sweep(struct daemon_memo *m, long now_ms)
{
	struct daemon_memo_ent **pp;
	size_t i;

	for (i = 0; i < DAEMON_MEMO_BUCKETS; i++) {
		pp = &m->bucket[i];
		while (*pp != NULL) {
			if (now_ms - (*pp)->born_ms > m->life_ms ||
			    now_ms < (*pp)->born_ms)
				daemon_memo_drop(m, pp);
			else
				pp = &(*pp)->next;
		}
	}
}

/* daemon_memo_put - keep an answer libunbound gave just now */
void
daemon_memo_put(struct daemon_memo *m, int type,
    const char *name, const struct spf_answer *a, long now_ms)
{
	struct daemon_memo_ent *e, **pp;
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
	pp = &m->bucket[h & (DAEMON_MEMO_BUCKETS - 1)];
	for (; *pp != NULL; pp = &(*pp)->next)
		if ((*pp)->hash == h && (*pp)->type == type &&
		    strcmp((*pp)->name, name) == 0) {
			daemon_memo_drop(m, pp);	/* the newer one wins */
			break;
		}
	if (m->n >= m->max)
		daemon_memo_sweep(m, now_ms);
	if (m->n >= m->max)
		return;
	/* bounded above: no overflow in the sum */
	size = sizeof(*e) + a->nrr * sizeof(*rr) + bytes + nlen + 1;
	e = xmalloc(size);
	rr = (struct spf_rr *)(e + 1);
	p = (char *)(rr + a->nrr);
	e->hash = h;
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
	pp = &m->bucket[h & (DAEMON_MEMO_BUCKETS - 1)];
	e->next = *pp;
	*pp = e;
	m->n++;
}
