/*
 * NAME
 *	dns_zone 3
 * SUMMARY
 *	in-memory zone: names, records, answers
 * SYNOPSIS
 *	#include "dns/dns.h"
 *
 *	void	dns_zone_free(struct dns_zone *zone);
 *	size_t	dns_zone_size(const struct dns_zone *zone);
 *	void	dns_zone_lookup(const struct dns_zone *zone, const char *name,
 *			size_t len, unsigned type,
 *			struct dns_zone_result *res);
 *	void	dns_zone_answer(struct dns_zone *zone,
 *			const struct spf_question *q, struct spf_answer *a);
 *	void	dns_zone_run(struct dns_zone *zone, struct spf_job *job);
 * DESCRIPTION
 *	A zone (parsed by dns_zone_parse.c; see doc/zone-format.md) is a hash
 *	table of names, keyed by the lower-cased name, each name holding its
 *	records sorted by type, so that a lookup is one hash and a short
 *	scan.  Every parent of a name is entered too (as an empty
 *	non-terminal when it has nothing of its own), which makes "does this
 *	name exist" a table lookup as well.
 *
 *	dns_zone_lookup() is the one place that decides what a question
 *	gets; the unit tests, the SPF suite, benchmarks, rmxf check --zone
 *	and the test DNS server (tests/tools/dnsd) all go through it:
 *	follow CNAMEs (at most DNS_MAX_CNAME, a loop gives SERVFAIL);
 *	SERVFAIL at the final name gives SERVFAIL; records of the type asked
 *	give OK with them; else TIMEOUT at the name gives TIMEOUT; else a
 *	name that exists gives OK without records (NODATA); else NXDOMAIN.
 *	A question for CNAME itself is answered without following.
 *
 *	dns_zone_answer() turns a lookup into an spf_answer whose records
 *	point into the zone (TXT strings joined, names without the trailing
 *	dot; a target name with odd octets in the form dns_wire_name() gives
 *	it, so that both drivers hand the engine the same text).  It reads
 *	the question's name as a resolver does (escapes undone, names a
 *	resolver would not send are SERVFAIL).  dns_zone_run() drives a job
 *	to completion, answering every question it asks.
 *
 *	The zone owns all its memory; dns_zone_free(NULL) is a no-op.
 * DIAGNOSTICS
 *	dns_zone_run() panics when a job does not finish within
 *	DNS_RUN_MAX_STEPS steps, or waits with nothing outstanding: both are
 *	bugs in the job.
 * SEE ALSO
 *	doc/zone-format.md; RFC 1034 3.6.2 and RFC 2181 10.1 (CNAME);
 *	RFC 2308 (NXDOMAIN, NODATA); RFC 7208 3.3, 4.4.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns/dns.h"
#include "dns/dns_zone_int.h"
#include "util/arena.h"
#include "util/domain.h"
#include "util/msg.h"
#include "util/xmalloc.h"

#define DNS_RUN_MAX_STEPS	100000	/* steps of one job in dns_zone_run */
#define DNS_ZONE_ARENA_CHUNK	65536	/* names and record data */
#define DNS_ZONE_MIN_TABLE	64	/* hash slots, a power of two */

/* dns_zone_hash - FNV-1a over the lower-cased name */
static uint32_t
dns_zone_hash(const char *name, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= dns_zone_lower((unsigned char)name[i]);
		h *= 16777619u;
	}
	return h;
}

/* dns_zone_caseeq - equal ignoring ASCII case; NUL is an ordinary byte */
int
dns_zone_caseeq(const char *a, const char *b, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (dns_zone_lower((unsigned char)a[i]) !=
		    dns_zone_lower((unsigned char)b[i]))
			return 0;
	return 1;
}

/* dns_zone_find - node index of a name, or -1 */
static long
dns_zone_find(const struct dns_zone *zone, const char *name, size_t len,
    uint32_t hash)
{
	size_t mask = zone->tsize - 1, i;
	uint32_t slot;

	for (i = hash & mask; (slot = zone->table[i]) != 0;
	    i = (i + 1) & mask) {
		const struct dns_zone_node *n = &zone->nodes[slot - 1];

		if (n->hash == hash && n->len == len &&
		    dns_zone_caseeq(n->name, name, len))
			return (long)(slot - 1);
	}
	return -1;
}

/* dns_zone_table_put - enter node index idx into the table */
static void
dns_zone_table_put(uint32_t *table, size_t tsize, uint32_t hash, size_t idx)
{
	size_t mask = tsize - 1, i;

	for (i = hash & mask; table[i] != 0; i = (i + 1) & mask)
		continue;
	table[i] = (uint32_t)(idx + 1);
}

/* dns_zone_table_grow - double the table, keep it at most half full */
static void
dns_zone_table_grow(struct dns_zone *zone)
{
	size_t tsize = zone->tsize * 2, i;
	uint32_t *table = xcalloc(tsize, sizeof(*table));

	for (i = 0; i < zone->nnodes; i++)
		dns_zone_table_put(table, tsize, zone->nodes[i].hash, i);
	free(zone->table);
	zone->table = table;
	zone->tsize = tsize;
}

/* dns_zone_node_add - find or enter one name (already lower case) */
static long
dns_zone_node_add(struct dns_zone *zone, const char *name, size_t len)
{
	uint32_t hash = dns_zone_hash(name, len);
	struct dns_zone_node *n;
	long idx;

	if ((idx = dns_zone_find(zone, name, len, hash)) >= 0)
		return idx;
	if (zone->nnodes >= DNS_ZONE_MAX_NAMES)
		return -1;
	if (zone->nnodes == zone->capnodes) {
		zone->capnodes = zone->capnodes ? zone->capnodes * 2 : 64;
		zone->nodes = xrealloc(zone->nodes,
		    zone->capnodes * sizeof(*zone->nodes));
	}
	if ((zone->nnodes + 1) * 2 > zone->tsize)
		dns_zone_table_grow(zone);
	n = &zone->nodes[zone->nnodes];
	n->name = arena_memdup(zone->arena, name, len);
	n->len = len;
	n->hash = hash;
	n->flags = 0;
	n->first = 0;
	n->count = 0;
	dns_zone_table_put(zone->table, zone->tsize, hash, zone->nnodes);
	return (long)zone->nnodes++;
}

/*
 * dns_zone_node_get - enter a name and all its parents; the parents
 * make empty non-terminals exist.  Returns the name's node, or -1 when
 * the zone is full.
 */
long
dns_zone_node_get(struct dns_zone *zone, const char *name, size_t len)
{
	uint32_t hash = dns_zone_hash(name, len);
	long idx;
	size_t i;

	if ((idx = dns_zone_find(zone, name, len, hash)) >= 0)
		return idx;
	if ((idx = dns_zone_node_add(zone, name, len)) < 0)
		return -1;
	/* Parents, nearest first; stop at the first one already there. */
	for (i = 0; i < len; i++) {
		if (name[i] != '.')
			continue;
		if (dns_zone_find(zone, name + i + 1, len - i - 1,
		    dns_zone_hash(name + i + 1, len - i - 1)) >= 0)
			break;
		if (dns_zone_node_add(zone, name + i + 1, len - i - 1) < 0)
			return -1;
	}
	return idx;
}

/* dns_zone_new - empty zone */
struct dns_zone *
dns_zone_new(void)
{
	struct dns_zone *zone = xcalloc(1, sizeof(*zone));

	zone->arena = arena_new(DNS_ZONE_ARENA_CHUNK);
	zone->tsize = DNS_ZONE_MIN_TABLE;
	zone->table = xcalloc(zone->tsize, sizeof(*zone->table));
	return zone;
}

/* dns_zone_free - release a zone */
void
dns_zone_free(struct dns_zone *zone)
{
	if (zone == NULL)
		return;
	arena_free(zone->arena);
	free(zone->nodes);
	free(zone->table);
	free(zone->rr);
	free(zone->srr);
	free(zone->recs);
	free(zone);
}

/* dns_zone_size - number of records */
size_t
dns_zone_size(const struct dns_zone *zone)
{
	return zone->nrr;
}

/* dns_zone_rec_cmp - order records by node, type, then file order */
static int
dns_zone_rec_cmp(const void *a, const void *b)
{
	const struct dns_zone_rec *x = a, *y = b;

	if (x->node != y->node)
		return x->node < y->node ? -1 : 1;
	if (x->rr.type != y->rr.type)
		return x->rr.type < y->rr.type ? -1 : 1;
	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return 0;
}

/* dns_zone_finish - sort records into their nodes, build the answers */
void
dns_zone_finish(struct dns_zone *zone)
{
	size_t i;

	if (zone->nrecs > 0)
		qsort(zone->recs, zone->nrecs, sizeof(*zone->recs),
		    dns_zone_rec_cmp);
	zone->nrr = zone->nrecs;
	zone->rr = xcalloc(zone->nrr ? zone->nrr : 1, sizeof(*zone->rr));
	zone->srr = xcalloc(zone->nrr ? zone->nrr : 1, sizeof(*zone->srr));
	for (i = 0; i < zone->nrecs; i++) {
		struct dns_zone_node *n = &zone->nodes[zone->recs[i].node];
		struct dns_zone_rr *rr = &zone->rr[i];
		struct spf_rr *s = &zone->srr[i];

		*rr = zone->recs[i].rr;
		rr->owner = n->name;
		if (n->count++ == 0)
			n->first = i;
		s->type = (enum spf_rrtype)rr->type;
		s->pref = rr->pref;
		s->addr = rr->addr;
		s->data = zone->recs[i].text ? zone->recs[i].text : rr->data;
		s->len = zone->recs[i].text ? zone->recs[i].tlen : rr->len;
	}
	free(zone->recs);
	zone->recs = NULL;
	zone->nrecs = zone->caprecs = 0;
}

/* dns_zone_node_type - a node's records of one type */
static const struct dns_zone_rr *
dns_zone_node_type(const struct dns_zone *zone,
    const struct dns_zone_node *n, unsigned type, size_t *count)
{
	size_t i, end = n->first + n->count;

	for (i = n->first; i < end; i++) {
		if (zone->rr[i].type == type) {
			size_t j = i;

			while (j < end && zone->rr[j].type == type)
				j++;
			*count = j - i;
			return &zone->rr[i];
		}
	}
	*count = 0;
	return NULL;
}

/* dns_zone_lookup - what the zone says about (name, type) */
void
dns_zone_lookup(const struct dns_zone *zone, const char *name, size_t len,
    unsigned type, struct dns_zone_result *res)
{
	const struct dns_zone_node *n;
	const struct dns_zone_rr *rr;
	size_t count;
	long idx;

	memset(res, 0, sizeof(*res));
	len = domain_strip_dot(name, len);
	idx = dns_zone_find(zone, name, len, dns_zone_hash(name, len));
	for (;;) {
		if (idx < 0) {
			res->status = SPF_DNS_NXDOMAIN;
			return;
		}
		n = &zone->nodes[idx];
		if (type == DNS_RR_CNAME || !(n->flags & DNS_ZN_CNAME))
			break;
		if (res->nchain == DNS_MAX_CNAME) {
			res->status = SPF_DNS_SERVFAIL;	/* loop, or too long */
			res->nchain = 0;
			return;
		}
		rr = dns_zone_node_type(zone, n, DNS_RR_CNAME, &count);
		res->chain[res->nchain++] = rr;
		idx = dns_zone_find(zone, rr->data, rr->len,
		    dns_zone_hash(rr->data, rr->len));
	}
	if (n->flags & DNS_ZN_SERVFAIL) {
		res->status = SPF_DNS_SERVFAIL;
		res->nchain = 0;
		return;
	}
	if ((rr = dns_zone_node_type(zone, n, type, &count)) != NULL) {
		res->status = SPF_DNS_OK;
		res->rr = rr;
		res->nrr = count;
		return;
	}
	if (n->flags & DNS_ZN_TIMEOUT) {
		res->status = SPF_DNS_TIMEOUT;
		res->nchain = 0;
		return;
	}
	res->status = SPF_DNS_OK;		/* NODATA */
}

/*
 * dns_zone_qname - a question's name as octets, or -1 for a name a
 * resolver would refuse to send.  A resolver reads the name it is given
 * as presentation text (libunbound: \DDD and \X are escapes), and a name
 * the engine got from an answer (dns_wire_name()) may hold such escapes;
 * they are undone here the same way, and the same names are refused
 * (empty label, label over 63 or name over 253 octets), so that the zone
 * answers what a query through dnsd would.
 */
static int
dns_zone_qname(const char *name, char *out, const char **res, size_t *len)
{
	size_t n = 0, i = 0, label = 0, nlen = strlen(name);
	int plain = memchr(name, '\\', nlen) == NULL;

	if (nlen == 1 && name[0] == '.') {
		*res = name;			/* the root: never in a zone */
		*len = 0;
		return 0;
	}
	while (i < nlen) {
		unsigned char c = (unsigned char)name[i++];

		if (c == '.') {
			if (label == 0)
				return -1;	/* empty label */
			if (i == nlen)
				break;		/* the trailing dot */
			label = 0;
		} else {
			if (c == '\\' && i < nlen) {
				c = (unsigned char)name[i++];
				if (c >= '0' && c <= '9') {
					unsigned v;

					if (nlen - i < 2 || name[i] < '0' ||
					    name[i] > '9' || name[i + 1] < '0' ||
					    name[i + 1] > '9')
						return -1;
					v = (unsigned)(c - '0') * 100 +
					    (unsigned)(name[i] - '0') * 10 +
					    (unsigned)(name[i + 1] - '0');
					if (v > 255)
						return -1;
					c = (unsigned char)v;
					i += 2;
				}
			}
			if (++label > DOMAIN_MAX_LABEL)
				return -1;
		}
		if (n == DOMAIN_MAX_LEN)
			return -1;
		if (!plain)
			out[n] = (char)c;
		n++;
	}
	if (label == 0)
		return -1;			/* "" */
	*res = plain ? name : out;
	*len = n;
	return 0;
}

/* dns_zone_answer - answer one question */
void
dns_zone_answer(struct dns_zone *zone, const struct spf_question *q,
    struct spf_answer *a)
{
	char buf[DOMAIN_MAX_LEN + 1];
	struct dns_zone_result res;
	const char *name;
	size_t len;

	a->id = q->id;
	a->rr = NULL;
	a->nrr = 0;
	if (dns_zone_qname(q->name, buf, &name, &len) < 0) {
		a->status = SPF_DNS_SERVFAIL;	/* not sent by a resolver */
		return;
	}
	dns_zone_lookup(zone, name, len, q->type, &res);
	a->status = res.status;
	a->nrr = res.nrr;
	a->rr = res.nrr ? &zone->srr[res.rr - zone->rr] : NULL;
}

/* dns_zone_run - drive a job to completion against the zone */
void
dns_zone_run(struct dns_zone *zone, struct spf_job *job)
{
	const struct spf_question *qs;
	struct spf_question *copy = NULL;
	struct spf_answer a;
	size_t n, cap = 0, i;
	unsigned steps;

	for (steps = 0;; steps++) {
		if (steps == DNS_RUN_MAX_STEPS)
			msg_panic("dns_zone_run: job not done after %d steps",
			    DNS_RUN_MAX_STEPS);
		n = 0;
		switch (job->step(job->obj, &qs, &n)) {
		case SPF_STEP_DONE:
			free(copy);
			return;
		case SPF_STEP_WAIT:
			msg_panic("dns_zone_run: job waits, nothing is "
			    "outstanding");
		case SPF_STEP_QUERY:
			break;
		}
		/* Feeding may move the job's array; names stay valid. */
		if (n > cap) {
			cap = n;
			copy = xrealloc(copy, cap * sizeof(*copy));
		}
		if (n)
			memcpy(copy, qs, n * sizeof(*copy));
		for (i = 0; i < n; i++) {
			dns_zone_answer(zone, &copy[i], &a);
			(void)job->feed(job->obj, &a);
		}
	}
}
