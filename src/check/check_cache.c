/*
 * NAME
 *	check_cache 3
 * SUMMARY
 *	recent evaluations, reused across messages and connections
 * SYNOPSIS
 *	#include "check/check.h"
 *
 *	struct check_cache *check_cache_new(size_t max, long life_ms);
 *	void	check_cache_free(struct check_cache *cc);
 *	void	check_cache_clock(struct check_cache *cc, long now_ms);
 *	void	check_cache_stats(const struct check_cache *cc,
 *			struct check_cache_stats *st);
 *
 *	#include "check_int.h"
 *
 *	int	check_cache_get(struct check_cache *cc,
 *			const struct policy_request *req,
 *			struct check_eval *out);
 *	void	check_cache_put(struct check_cache *cc,
 *			const struct policy_request *req,
 *			const struct check_eval *ev);
 * DESCRIPTION
 *	A client that sends many messages in a row (a mailing list, a
 *	provider's outbound relay, a spam run) asks the same question for
 *	each: may this address send for this sender and HELO name?  The
 *	inbound evaluation (SPF for MAIL FROM and HELO and the legacy
 *	tests) depends on the client address, the HELO name, the sender
 *	and the configuration only (and on the time for a record or an
 *	explanation with %{t}, which a copy repeats up to life_ms late);
 *	the recipient and the message come in later, in check_decide().
 *	So an evaluation that check(3) finished
 *	is kept here for life_ms milliseconds, keyed by the exact client
 *	address, HELO name and sender of its request, and a later request
 *	with the same three is decided from a copy of it, with no DNS and
 *	no SPF engine.
 *
 *	What is kept is only what DNS answered for certain: check(3) puts
 *	no evaluation that met a DNS failure or a timeout, or that the
 *	deadline cut short, so a temporary error is always asked again.
 *	An evaluation reflects answers that may themselves have been
 *	reused for a while (rmxfd's memo of DNS answers, daemon_memo(3)),
 *	so a decision may lag DNS by the two lifetimes together.  The
 *	configuration is part of the key only by ownership: each
 *	environment of rmxfd (a reload makes a new one) has a cache of its
 *	own.
 *
 *	The module reads no clock: check_cache_clock() sets the time
 *	(monotonic, in milliseconds) that the next check_new() and the
 *	check's put use.  At most max evaluations are kept; the oldest
 *	goes first.  check_cache_get() fills out with a copy (for the
 *	caller to check_eval_clear()) and returns 1, or returns 0.
 *	check_cache_put() keeps a copy of ev; a key already present is
 *	replaced.  One cache serves one thread.
 * DIAGNOSTICS
 *	None; memory exhaustion exits (xmalloc).
 * SEE ALSO
 *	check(3), daemon_memo(3), rmxfd(8) --result-memo.
 */
#include <stdlib.h>
#include <string.h>

#include "policy/policy.h"
#include "util/lru.h"
#include "util/xmalloc.h"
#include "check_int.h"

/* One evaluation and its key, "client\0helo\0sender\0", in one block. */
struct check_cache_ent {
	struct lru_link	link;		/* the age list is the birth order */
	long		born_ms;
	size_t		klen;
	struct check_eval ev;
	char		key[];
};

struct check_cache {
	struct lru	lru;
	size_t		max;
	long		life_ms;
	long		now_ms;
	struct check_cache_stats st;
};

#define CHECK_CACHE_ENT(l) LRU_ENTRY(l, struct check_cache_ent, link)

/* The three key fields of a request; NULL counts as empty, as check(3)
 * treats it. */
struct check_cache_key {
	const char     *f[3];
	size_t		len[3];
	size_t		total;
	unsigned	hash;
};

/* check_cache_key - the key of a request, hashed (FNV-1a) */
static void
check_cache_key(const struct policy_request *r, struct check_cache_key *k)
{
	unsigned h = LRU_FNV_INIT;
	size_t i;

	k->f[0] = r->client_address != NULL ? r->client_address : "";
	k->f[1] = r->helo_name != NULL ? r->helo_name : "";
	k->f[2] = r->sender != NULL ? r->sender : "";
	k->total = 0;
	for (i = 0; i < 3; i++) {
		k->len[i] = strlen(k->f[i]);
		/* with the field's NUL: its end is part of the key */
		h = lru_fnv(h, k->f[i], k->len[i] + 1);
		k->total += k->len[i] + 1;
	}
	k->hash = h;
}

/* check_cache_same - does e hold key k? */
static int
check_cache_same(const struct check_cache_ent *e,
    const struct check_cache_key *k)
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

/* check_cache_new - an empty cache of at most max evaluations */
struct check_cache *
check_cache_new(size_t max, long life_ms)
{
	struct check_cache *cc = xcalloc(1, sizeof(*cc));

	cc->max = max ? max : 1;
	cc->life_ms = life_ms;
	lru_init(&cc->lru, cc->max);
	return cc;
}

/* check_cache_drop - out of the table, freed */
static void
check_cache_drop(struct check_cache *cc, struct check_cache_ent *e)
{
	lru_del(&cc->lru, &e->link);
	check_eval_clear(&e->ev);
	free(e);
}

/* check_cache_free - forget everything */
void
check_cache_free(struct check_cache *cc)
{
	if (cc == NULL)
		return;
	while (cc->lru.oldest != NULL)
		check_cache_drop(cc, CHECK_CACHE_ENT(cc->lru.oldest));
	lru_fini(&cc->lru);
	free(cc);
}

/* check_cache_clock - the time of the checks that follow */
void
check_cache_clock(struct check_cache *cc, long now_ms)
{
	if (cc != NULL)
		cc->now_ms = now_ms;
}

/* check_cache_stats - counters since the cache was made */
void
check_cache_stats(const struct check_cache *cc, struct check_cache_stats *st)
{
	if (cc == NULL) {
		memset(st, 0, sizeof(*st));
		return;
	}
	*st = cc->st;
	st->entries = cc->lru.n;
}

/* check_cache_expired - is e past its life (or from a later clock)? */
static int
check_cache_expired(const struct check_cache *cc,
    const struct check_cache_ent *e)
{
	return cc->now_ms - e->born_ms >= cc->life_ms ||
	    cc->now_ms < e->born_ms;
}

/* check_cache_find - the entry of k, or NULL */
static struct check_cache_ent *
check_cache_find(const struct check_cache *cc,
    const struct check_cache_key *k)
{
	struct lru_link *l;

	for (l = lru_chain(&cc->lru, k->hash); l != NULL; l = l->next)
		if (check_cache_same(CHECK_CACHE_ENT(l), k))
			return CHECK_CACHE_ENT(l);
	return NULL;
}

/* check_idres_copy - a copy of src's strings and result in dst */
static void
check_idres_copy(struct check_idres *dst, const struct check_idres *src)
{
	struct spf_detail d;

	memset(dst, 0, sizeof(*dst));
	if (!src->checked)
		return;
	check_idres_detail(src, &d);
	check_idres_set(dst, &d);
	if (src->received != NULL)
		dst->received = xstrdup(src->received);
}

/* check_eval_copy - a deep copy of an inbound evaluation */
static void
check_eval_copy(struct check_eval *dst, const struct check_eval *src)
{
	memset(dst, 0, sizeof(*dst));
	check_idres_copy(&dst->id[SPF_ID_MAILFROM], &src->id[SPF_ID_MAILFROM]);
	check_idres_copy(&dst->id[SPF_ID_HELO], &src->id[SPF_ID_HELO]);
	dst->legacy = src->legacy;
	dst->legacy_result = src->legacy_result;
	dst->legacy_ran = src->legacy_ran;
}

/* check_cache_get - a copy of the recent evaluation of req's key */
int
check_cache_get(struct check_cache *cc, const struct policy_request *req,
    struct check_eval *out)
{
	struct check_cache_key k;
	struct check_cache_ent *e;

	if (cc == NULL || cc->life_ms <= 0)
		return 0;
	if (cc->lru.n == 0) {
		cc->st.misses++;
		return 0;
	}
	check_cache_key(req, &k);
	if ((e = check_cache_find(cc, &k)) == NULL) {
		cc->st.misses++;
		return 0;
	}
	if (check_cache_expired(cc, e)) {
		check_cache_drop(cc, e);
		cc->st.misses++;
		return 0;
	}
	check_eval_clear(out);
	check_eval_copy(out, &e->ev);
	cc->st.hits++;
	return 1;
}

/* check_cache_put - keep a copy of ev under req's key */
void
check_cache_put(struct check_cache *cc, const struct policy_request *req,
    const struct check_eval *ev)
{
	struct check_cache_key k;
	struct check_cache_ent *e, *old;
	char *p;
	size_t i;

	if (cc == NULL || cc->life_ms <= 0 || ev->smarthost)
		return;
	check_cache_key(req, &k);
	if ((e = check_cache_find(cc, &k)) != NULL)
		check_cache_drop(cc, e);
	/* the oldest go first: the expired, then whatever makes room */
	while (cc->lru.oldest != NULL) {
		old = CHECK_CACHE_ENT(cc->lru.oldest);
		if (!check_cache_expired(cc, old)) {
			if (cc->lru.n < cc->max)
				break;
			cc->st.evicted++;
		}
		check_cache_drop(cc, old);
	}
	e = xmalloc(sizeof(*e) + k.total);
	e->born_ms = cc->now_ms;
	e->klen = k.total;
	check_eval_copy(&e->ev, ev);
	for (p = e->key, i = 0; i < 3; i++) {
		memcpy(p, k.f[i], k.len[i]);
		p[k.len[i]] = 0;
		p += k.len[i] + 1;
	}
	lru_add(&cc->lru, &e->link, k.hash);
	cc->st.stored++;
}
