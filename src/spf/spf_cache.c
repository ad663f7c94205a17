/*
 * NAME
 *	spf_cache 3
 * SUMMARY
 *	questions and answers of one SPF evaluation
 * SYNOPSIS
 *	#include "spf_int.h"
 *
 *	void	spf_cache_init(struct spf_cache *c, struct arena *a);
 *	void	spf_cache_free(struct spf_cache *c);
 *	const struct spf_ent *spf_cache_lookup(struct spf_cache *c,
 *			const char *name, enum spf_rrtype type, int *created);
 *	const struct spf_ent *spf_cache_feed(struct spf_cache *c,
 *			const struct spf_answer *a);
 *	void	spf_cache_expire(struct spf_cache *c);
 *	enum spf_step spf_cache_step(struct spf_cache *c, int done,
 *			const struct spf_question **qs, size_t *nq);
 *	int	spf_ent_void(const struct spf_ent *e);
 *	int	spf_ent_error(const struct spf_ent *e);
 * DESCRIPTION
 *	spf_cache_lookup() returns the answer for (name, type) when it is
 *	in; otherwise it queues the question (once) and returns NULL, and
 *	the caller waits.  Names are compared case-insensitively without a
 *	trailing dot.  After spf_cache_expire() every unanswered question
 *	and every new one is answered TIMEOUT at once, so an expired
 *	evaluation finishes without asking anything more.  A name that DNS
 *	cannot hold (an empty label, a label over 63 or a name over 253
 *	octets) is answered NXDOMAIN without being asked.
 *
 *	spf_cache_feed() copies an answer's records of the asked type into
 *	the arena (TXT bytes kept exactly; names lose their trailing dot) and
 *	returns the entry, or NULL for an answer to no open question.
 *
 *	spf_cache_step() turns the state into the step contract of spf.h.
 *
 *	spf_ent_void() is the void lookup of RFC 7208 4.6.4 (NOERROR with no
 *	records, or NXDOMAIN); spf_ent_error() a failure that leaves the
 *	answer unknown (SERVFAIL, TIMEOUT).
 * DIAGNOSTICS
 *	A step with neither progress nor a pending question is a bug
 *	(msg_panic).
 */
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/domain.h"
#include "util/msg.h"
#include "spf_int.h"

/* spf_cache_init - empty cache on an arena */
void
spf_cache_init(struct spf_cache *c, struct arena *a)
{
	memset(c, 0, sizeof(*c));
	c->arena = a;
}

/* spf_cache_free - forget the vectors (they and the entries live in the
 * arena, and go with it) */
void
spf_cache_free(struct spf_cache *c)
{
	c->ents = NULL;
	c->newq = NULL;
	c->nents = c->capents = c->nnew = c->capnew = 0;
}


/* spf_cache_impossible - empty label, label over 63 or name over 253
 * octets: no such name can exist in DNS (RFC 1035 2.3.4) */
static int
spf_cache_impossible(const char *name, size_t len)
{
	switch (domain_check(name, len)) {
	case DOMAIN_EMPTY_LABEL:
	case DOMAIN_LONG_LABEL:
	case DOMAIN_TOO_LONG:
		return 1;
	default:
		return 0;
	}
}

/* spf_cache_lookup - the answer, or NULL after queueing the question */
const struct spf_ent *
spf_cache_lookup(struct spf_cache *c, const char *name, enum spf_rrtype type,
    int *created)
{
	struct spf_ent *e;
	size_t len = domain_strip_dot(name, strlen(name)), i;
	char key[DOMAIN_MAX_LEN + 8], *k;
	unsigned h;

	if (created)
		*created = 0;
	/* names longer than any DNS name still get an entry (the lookup
	 * fails in DNS); they are keyed by their first octets only */
	k = key;
	if (len >= sizeof(key))
		k = arena_alloc(c->arena, len + 1);
	/* lower-case (ASCII only, as DNS does) and hash (FNV-1a) at once */
	h = 2166136261u ^ (unsigned)type;
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)name[i];

		if (ch >= 'A' && ch <= 'Z')
			ch |= 0x20;
		k[i] = (char)ch;
		h = (h ^ ch) * 16777619u;
	}
	k[len] = 0;
	for (e = c->hash[h & (SPF_HASH_SIZE - 1)]; e; e = e->next)
		if (e->hash == h && e->q.type == type &&
		    strcmp(e->q.name, k) == 0)
			return e->state == SPF_ENT_DONE ? e : NULL;
	e = arena_zalloc(c->arena, sizeof(*e));
	e->q.name = k == key ? arena_memdup(c->arena, k, len) : k;
	e->q.type = type;
	e->hash = h;
	e->next = c->hash[h & (SPF_HASH_SIZE - 1)];
	c->hash[h & (SPF_HASH_SIZE - 1)] = e;
	if (c->nents == c->capents) {
		size_t cap = c->capents ? c->capents * 2 : 16;

		c->ents = arena_grow(c->arena, c->ents,
		    c->capents * sizeof(*c->ents), cap * sizeof(*c->ents));
		c->capents = cap;
	}
	c->ents[c->nents++] = e;
	e->q.id = (unsigned)c->nents;
	if (created)
		*created = 1;
	if (c->expired) {
		e->state = SPF_ENT_DONE;
		e->status = SPF_DNS_TIMEOUT;
		return e;
	}
	if (spf_cache_impossible(k, len)) {
		/* a name DNS cannot hold does not exist: no need to ask */
		e->state = SPF_ENT_DONE;
		e->status = SPF_DNS_NXDOMAIN;
		return e;
	}
	e->state = SPF_ENT_PENDING;
	c->pending++;
	if (c->nnew == c->capnew) {
		size_t cap = c->capnew ? c->capnew * 2 : 8;

		c->newq = arena_grow(c->arena, c->newq,
		    c->capnew * sizeof(*c->newq), cap * sizeof(*c->newq));
		c->capnew = cap;
	}
	c->newq[c->nnew++] = e->q;
	return NULL;
}

/* spf_cache_feed - keep one answer */
const struct spf_ent *
spf_cache_feed(struct spf_cache *c, const struct spf_answer *a)
{
	struct spf_ent *e;
	size_t i;

	if (a->id == 0 || a->id > c->nents)
		return NULL;
	e = c->ents[a->id - 1];
	if (e->state != SPF_ENT_PENDING)
		return NULL;
	e->state = SPF_ENT_DONE;
	e->status = a->status;
	c->pending--;
	if (a->status != SPF_DNS_OK || a->nrr == 0)
		return e;
	e->rr = arena_alloc(c->arena, a->nrr * sizeof(*e->rr));
	for (i = 0; i < a->nrr; i++) {
		const struct spf_rr *src = &a->rr[i];
		struct spf_rr *dst = &e->rr[e->nrr];
		size_t len = src->data ? src->len : 0;

		if (src->type != e->q.type)
			continue;
		*dst = *src;
		/* names: no trailing dot; "." (a null MX) becomes "" */
		if (src->type != SPF_RR_TXT && len > 0)
			len = domain_strip_dot(src->data, len);
		dst->data = arena_memdup(c->arena, src->data ? src->data : "",
		    len);
		dst->len = len;
		e->nrr++;
	}
	return e;
}

/* spf_cache_expire - every open and future question times out */
void
spf_cache_expire(struct spf_cache *c)
{
	size_t i;

	c->expired = 1;
	for (i = 0; i < c->nents; i++)
		if (c->ents[i]->state == SPF_ENT_PENDING) {
			c->ents[i]->state = SPF_ENT_DONE;
			c->ents[i]->status = SPF_DNS_TIMEOUT;
			c->pending--;
		}
}

/* spf_cache_step - QUERY with the new questions, DONE, or WAIT */
enum spf_step
spf_cache_step(struct spf_cache *c, int done, const struct spf_question **qs,
    size_t *nq)
{
	if (c->nnew > 0 && !done) {
		*qs = c->newq;
		*nq = c->nnew;
		c->nnew = 0;
		return SPF_STEP_QUERY;
	}
	/* questions asked by look-ahead are moot once the result is in */
	c->nnew = 0;
	*qs = NULL;
	*nq = 0;
	if (done)
		return SPF_STEP_DONE;
	if (c->pending > 0)
		return SPF_STEP_WAIT;
	msg_panic("spf_cache_step: no progress and nothing pending");
}

/* spf_ent_void - NOERROR without records, or NXDOMAIN (4.6.4) */
int
spf_ent_void(const struct spf_ent *e)
{
	return e->status == SPF_DNS_NXDOMAIN ||
	    (e->status == SPF_DNS_OK && e->nrr == 0);
}

/* spf_ent_error - the answer is unknown */
int
spf_ent_error(const struct spf_ent *e)
{
	return e->status == SPF_DNS_SERVFAIL || e->status == SPF_DNS_TIMEOUT;
}
