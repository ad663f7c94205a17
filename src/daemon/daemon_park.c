/*
 * NAME
 *	daemon_park 3
 * SUMMARY
 *	the messages of closed connections, for Postfix's reconnect
 * SYNOPSIS
 *	#include "daemon/daemon.h"
 *
 *	struct daemon_park *daemon_park_new(size_t max, long life_ms);
 *	void	daemon_park_free(struct daemon_park *p);
 *	void	daemon_park_put(struct daemon_park *p, struct check_memo *m);
 *	struct check_memo *daemon_park_take(struct daemon_park *p,
 *			const struct check_memo *cur,
 *			const struct policy_request *req);
 * DESCRIPTION
 *	A connection's check memo (check(3)) holds the result of the
 *	message in progress and whether its header went out, so that every
 *	recipient of a message gets the same answer and the message one
 *	header.  smtpd may lose its policy connection in the middle of a
 *	message (a read error, a policy timeout: attr_clnt(3) then tries
 *	again) and send the recipient over a new one.  So a connection that closes
 *	parks its memo here under the message's instance (Postfix makes it
 *	from smtpd's process id, the time and a counter: unique on a host),
 *	and the first request of a new connection whose message is parked
 *	takes that memo over: the same result, cached=yes, and no second
 *	header.  Of a connection that may have lost a reply, daemon_conn(3)
 *	parks a memo whose header counts only if the peer read it.
 *
 *	daemon_park_put() takes m: it keeps a memo that holds a message
 *	for life_ms milliseconds (DAEMON_PARK_MS, longer than smtpd's
 *	default command timeout of 300 s), at most max of them (the oldest
 *	go first), and frees any other.  A message parked again replaces
 *	the earlier one.  daemon_park_take() returns the memo of req's
 *	message, which the caller then owns instead of cur, or NULL.  It
 *	looks only while cur holds no message: a message goes on over a
 *	new connection, and the smtpd process behind it sends one message
 *	at a time.  So the requests of a connection that holds a message
 *	(nearly all) cost a test of cur, and nothing parked a counter.  rmxfd --stdio has no park: each
 *	connection is a process of its own.
 * DIAGNOSTICS
 *	None; memory exhaustion exits (xmalloc).
 * SEE ALSO
 *	check(3), daemon_conn(3), Postfix SMTPD_POLICY_README.
 */
#include <stdlib.h>
#include <string.h>

#include "daemon/daemon.h"
#include "util/clock.h"
#include "policy/policy.h"
#include "util/lru.h"
#include "util/xmalloc.h"

struct daemon_park_ent {
	struct lru_link	link;		/* the age list is the parking order */
	long		born_ms;
	struct check_memo *memo;	/* its instance is the key */
};

struct daemon_park {
	struct lru	lru;
	size_t		max;
	long		life_ms;
};

#define DAEMON_PARK_ENT(l) LRU_ENTRY(l, struct daemon_park_ent, link)

/* daemon_park_hash - FNV-1a of an instance */
static unsigned
daemon_park_hash(const char *instance)
{
	return lru_fnv(LRU_FNV_INIT, instance, strlen(instance));
}

/* daemon_park_new - nothing parked */
struct daemon_park *
daemon_park_new(size_t max, long life_ms)
{
	struct daemon_park *p = xcalloc(1, sizeof(*p));

	p->max = max ? max : 1;
	p->life_ms = life_ms;
	lru_init(&p->lru, p->max);
	return p;
}

/* daemon_park_drop - out of the park; the memo too unless kept */
static struct check_memo *
daemon_park_drop(struct daemon_park *p, struct daemon_park_ent *e, int keep)
{
	struct check_memo *m = e->memo;

	lru_del(&p->lru, &e->link);
	free(e);
	if (keep)
		return m;
	check_memo_free(m);
	return NULL;
}

/* daemon_park_free - free every parked memo */
void
daemon_park_free(struct daemon_park *p)
{
	if (p == NULL)
		return;
	while (p->lru.oldest != NULL)
		daemon_park_drop(p, DAEMON_PARK_ENT(p->lru.oldest), 0);
	lru_fini(&p->lru);
	free(p);
}

/* daemon_park_expired - parked longer than its life, or a later clock? */
static int
daemon_park_expired(const struct daemon_park *p,
    const struct daemon_park_ent *e, long now)
{
	return now - e->born_ms >= p->life_ms || now < e->born_ms;
}

/* daemon_park_find - the entry of instance, or NULL */
static struct daemon_park_ent *
daemon_park_find(const struct daemon_park *p, unsigned h,
    const char *instance)
{
	struct lru_link *l;

	for (l = lru_chain(&p->lru, h); l != NULL; l = l->next)
		if (l->hash == h && strcmp(check_memo_instance(
		    DAEMON_PARK_ENT(l)->memo), instance) == 0)
			return DAEMON_PARK_ENT(l);
	return NULL;
}

/* daemon_park_put - park m if it holds a message, else free it */
void
daemon_park_put(struct daemon_park *p, struct check_memo *m)
{
	struct daemon_park_ent *e, *old;
	const char *instance = check_memo_instance(m);
	long now;
	unsigned h;

	if (p == NULL || instance == NULL || p->life_ms <= 0) {
		check_memo_free(m);
		return;
	}
	now = clock_now_ms();
	h = daemon_park_hash(instance);
	if ((e = daemon_park_find(p, h, instance)) != NULL)
		daemon_park_drop(p, e, 0);
	while (p->lru.oldest != NULL) {
		old = DAEMON_PARK_ENT(p->lru.oldest);
		if (!daemon_park_expired(p, old, now) && p->lru.n < p->max)
			break;
		daemon_park_drop(p, old, 0);
	}
	e = xmalloc(sizeof(*e));
	e->born_ms = now;
	e->memo = m;
	lru_add(&p->lru, &e->link, h);
}

/* daemon_park_take - the parked memo of req's message, now the caller's */
struct check_memo *
daemon_park_take(struct daemon_park *p, const struct check_memo *cur,
    const struct policy_request *req)
{
	struct daemon_park_ent *e;

	if (p == NULL || p->lru.n == 0 || req->instance == NULL ||
	    *req->instance == 0 || check_memo_instance(cur) != NULL ||
	    (e = daemon_park_find(p, daemon_park_hash(req->instance),
	    req->instance)) == NULL)
		return NULL;
	if (daemon_park_expired(p, e, clock_now_ms())) {
		daemon_park_drop(p, e, 0);
		return NULL;
	}
	/* the same instance, another client, HELO or sender: not ours */
	if (!check_memo_holds(e->memo, req))
		return NULL;
	return daemon_park_drop(p, e, 1);
}
