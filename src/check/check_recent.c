/*
 * NAME
 *	check_recent 3
 * SUMMARY
 *	recent inbound evaluations, reused across messages and connections
 * SYNOPSIS
 *	#include "check/check.h"
 *
 *	struct check_recent *check_recent_new(size_t max, long life_ms);
 *	void	check_recent_free(struct check_recent *r);
 *	void	check_recent_clock(struct check_recent *r, long now_ms);
 *	void	check_recent_stats(const struct check_recent *r,
 *			struct check_recent_stats *st);
 *
 *	#include "check_int.h"
 *
 *	int	check_recent_get(struct check_recent *r,
 *			const struct check_envelope *in,
 *			struct check_results *out);
 *	void	check_recent_put(struct check_recent *r,
 *			const struct check_envelope *in,
 *			const struct check_results *res);
 * DESCRIPTION
 *	A client that sends many messages in a row (a mailing list, a
 *	provider's outbound relay, a spam run) asks the same question for
 *	each: may this address send for this sender and HELO name?  The
 *	inbound evaluation (SPF for MAIL FROM and HELO and the legacy
 *	tests) depends on the client address, the HELO name, the sender
 *	and the configuration only (and on the time for a record or an
 *	explanation with %{t}, which a copy repeats up to life_ms late);
 *	the recipient comes in later, in check_decide().  So an
 *	evaluation that check(3) finished is kept here for life_ms
 *	milliseconds, keyed by the exact client address, HELO name and
 *	sender of its envelope, and a later envelope with the same three
 *	is decided from a copy of it, with no DNS and no SPF engine.
 *
 *	What is kept is only what DNS answered for certain: check(3) puts
 *	no evaluation that met a DNS failure or a timeout, or that the
 *	deadline cut short, so a temporary error is always asked again.
 *	An evaluation reflects answers that may themselves have been
 *	reused for a while (dns_recent(3)), so a decision may lag DNS by
 *	the two lifetimes together.  The configuration is part of the key
 *	only by ownership: each environment of rmxfd (a reload makes a new
 *	one) has its own.
 *
 *	The module reads no clock: check_recent_clock() sets the time
 *	(monotonic, in milliseconds) that the next check_new() and the
 *	check's put use.  At most max evaluations are kept; the oldest
 *	goes first.  check_recent_get() fills out with a copy (for the
 *	caller to check_results_clear()) and returns 1, or returns 0.
 *	check_recent_put() keeps a copy of res; a key already present is
 *	replaced.  One serves one thread.
 * DIAGNOSTICS
 *	None; memory exhaustion exits (xmalloc).
 * SEE ALSO
 *	check(3), dns_recent(3), rmxf.conf(5) result_reuse_time.
 */
#include <stdlib.h>
#include <string.h>

#include "util/lru.h"
#include "util/xmalloc.h"
#include "check_int.h"

/* One evaluation and its key, "client\0helo\0sender\0", in one block. */
struct check_recent_ent {
	struct lru_link	link;		/* the age list is the birth order */
	long		born_ms;
	size_t		klen;
	struct check_results res;
	char		key[];
};

struct check_recent {
	struct lru	lru;
	size_t		max;
	long		life_ms;
	long		now_ms;
	struct check_recent_stats st;
};

#define CHECK_RECENT_ENT(l) LRU_ENTRY(l, struct check_recent_ent, link)

/* The three key fields of an envelope; NULL counts as empty, as check(3)
 * treats it. */
struct check_recent_key {
	const char     *f[3];
	size_t		len[3];
	size_t		total;
	unsigned	hash;
};

/* check_recent_key - the key of an envelope, hashed (FNV-1a) */
static void
check_recent_key(const struct check_envelope *in, struct check_recent_key *k)
{
	unsigned h = LRU_FNV_INIT;
	size_t i;

	k->f[0] = in->client_address != NULL ? in->client_address : "";
	k->f[1] = in->helo != NULL ? in->helo : "";
	k->f[2] = in->sender != NULL ? in->sender : "";
	k->total = 0;
	for (i = 0; i < 3; i++) {
		k->len[i] = strlen(k->f[i]);
		/* with the field's NUL: its end is part of the key */
		h = lru_fnv(h, k->f[i], k->len[i] + 1);
		k->total += k->len[i] + 1;
	}
	k->hash = h;
}

/* check_recent_same - does e hold key k? */
static int
check_recent_same(const struct check_recent_ent *e,
    const struct check_recent_key *k)
{
	const char *p = e->key;
	size_t i;

	if (e->link.hash != k->hash || e->klen != k->total)
		return 0;
	for (i = 0; i < 3; i++) {
		if (memcmp(p, k->f[i], k->len[i]) != 0 || p[k->len[i]] != 0)
			return 0;
		p += k->len[i] + 1;
	}
	return 1;
}

/* check_recent_new - an empty cache of at most max evaluations */
struct check_recent *
check_recent_new(size_t max, long life_ms)
{
	struct check_recent *r = xcalloc(1, sizeof(*r));

	r->max = max ? max : 1;
	r->life_ms = life_ms;
	lru_init(&r->lru, r->max);
	return r;
}

/* check_recent_drop - out of the table, freed */
static void
check_recent_drop(struct check_recent *r, struct check_recent_ent *e)
{
	lru_del(&r->lru, &e->link);
	check_results_clear(&e->res);
	free(e);
}

/* check_recent_free - forget everything */
void
check_recent_free(struct check_recent *r)
{
	if (r == NULL)
		return;
	while (r->lru.oldest != NULL)
		check_recent_drop(r, CHECK_RECENT_ENT(r->lru.oldest));
	lru_fini(&r->lru);
	free(r);
}

/* check_recent_clock - the time of the checks that follow */
void
check_recent_clock(struct check_recent *r, long now_ms)
{
	if (r != NULL)
		r->now_ms = now_ms;
}

/* check_recent_stats - counters since the cache was made */
void
check_recent_stats(const struct check_recent *r, struct check_recent_stats *st)
{
	if (r == NULL) {
		memset(st, 0, sizeof(*st));
		return;
	}
	*st = r->st;
	st->entries = r->lru.n;
}

/* check_recent_expired - is e past its life (or from a later clock)? */
static int
check_recent_expired(const struct check_recent *r,
    const struct check_recent_ent *e)
{
	return r->now_ms - e->born_ms >= r->life_ms ||
	    r->now_ms < e->born_ms;
}

/* check_recent_find - the entry of k, or NULL */
static struct check_recent_ent *
check_recent_find(const struct check_recent *r,
    const struct check_recent_key *k)
{
	struct lru_link *l;

	for (l = lru_chain(&r->lru, k->hash); l != NULL; l = l->next)
		if (check_recent_same(CHECK_RECENT_ENT(l), k))
			return CHECK_RECENT_ENT(l);
	return NULL;
}

/* check_identity_copy - a copy of src's strings and result in dst */
static void
check_identity_copy(struct check_identity *dst,
    const struct check_identity *src)
{
	struct spf_detail d;

	memset(dst, 0, sizeof(*dst));
	if (!src->checked)
		return;
	check_identity_detail(src, &d);
	check_identity_set(dst, &d);
	if (src->received != NULL)
		dst->received = xstrdup(src->received);
}

/* check_results_copy - a deep copy of an inbound evaluation */
static void
check_results_copy(struct check_results *dst, const struct check_results *src)
{
	memset(dst, 0, sizeof(*dst));
	check_identity_copy(&dst->id[SPF_ID_MAILFROM],
	    &src->id[SPF_ID_MAILFROM]);
	check_identity_copy(&dst->id[SPF_ID_HELO], &src->id[SPF_ID_HELO]);
	dst->legacy = src->legacy;
	dst->legacy_result = src->legacy_result;
	dst->exempt = src->exempt;
	dst->exempt_unsure = src->exempt_unsure;
}

/* check_recent_get - a copy of the recent evaluation of the envelope's key */
int
check_recent_get(struct check_recent *r, const struct check_envelope *in,
    struct check_results *out)
{
	struct check_recent_key k;
	struct check_recent_ent *e;

	if (r == NULL || r->life_ms <= 0)
		return 0;
	if (r->lru.n == 0) {
		r->st.misses++;
		return 0;
	}
	check_recent_key(in, &k);
	if ((e = check_recent_find(r, &k)) == NULL) {
		r->st.misses++;
		return 0;
	}
	if (check_recent_expired(r, e)) {
		check_recent_drop(r, e);
		r->st.misses++;
		return 0;
	}
	check_results_clear(out);
	check_results_copy(out, &e->res);
	r->st.hits++;
	return 1;
}

/* check_recent_put - keep a copy of res under the envelope's key */
void
check_recent_put(struct check_recent *r, const struct check_envelope *in,
    const struct check_results *res)
{
	struct check_recent_key k;
	struct check_recent_ent *e, *old;
	char *p;
	size_t i;

	if (r == NULL || r->life_ms <= 0 || res->smarthost)
		return;
	check_recent_key(in, &k);
	if ((e = check_recent_find(r, &k)) != NULL)
		check_recent_drop(r, e);
	/* the oldest go first: the expired, then whatever makes room */
	while (r->lru.oldest != NULL) {
		old = CHECK_RECENT_ENT(r->lru.oldest);
		if (!check_recent_expired(r, old)) {
			if (r->lru.n < r->max)
				break;
			r->st.evicted++;
		}
		check_recent_drop(r, old);
	}
	e = xmalloc(sizeof(*e) + k.total);
	e->born_ms = r->now_ms;
	e->klen = k.total;
	check_results_copy(&e->res, res);
	for (p = e->key, i = 0; i < 3; i++) {
		memcpy(p, k.f[i], k.len[i]);
		p[k.len[i]] = 0;
		p += k.len[i] + 1;
	}
	lru_add(&r->lru, &e->link, k.hash);
	r->st.stored++;
}
