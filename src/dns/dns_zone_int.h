/* dns_zone_int.h - the zone's storage, shared by its parser and lookups */
#ifndef RMXF_DNS_ZONE_INT_H
#define RMXF_DNS_ZONE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "dns/dns.h"

/* Node flags: what a name holds besides its records. */
#define DNS_ZN_SERVFAIL	(1u << 0)	/* every question fails */
#define DNS_ZN_TIMEOUT	(1u << 1)	/* types without records time out */
#define DNS_ZN_EXISTS	(1u << 2)	/* the name exists, no records */
#define DNS_ZN_CNAME	(1u << 3)	/* has a CNAME */
#define DNS_ZN_DATA	(1u << 4)	/* has anything other than a CNAME */

struct dns_zone_node {
	const char     *name;		/* lower case, no trailing dot */
	size_t		len;
	uint32_t	hash;
	unsigned	flags;		/* DNS_ZN_* */
	size_t		first;		/* records: zone->rr[first..+count] */
	size_t		count;
};

/* A record while parsing: sorted by (node, type, seq) at the end. */
struct dns_zone_rec {
	struct dns_zone_rr rr;
	const char     *text;		/* target as the engine gets it */
	size_t		tlen;
	size_t		node;
	size_t		seq;
};

struct dns_zone {
	struct arena   *arena;		/* names and record data */
	struct dns_zone_node *nodes;
	size_t		nnodes;
	size_t		capnodes;
	uint32_t       *table;		/* node index + 1; 0 = free */
	size_t		tsize;		/* a power of two */
	struct dns_zone_rr *rr;		/* sorted by node, then type */
	struct spf_rr  *srr;		/* the same records, as spf_rr */
	size_t		nrr;
	struct dns_zone_rec *recs;	/* while parsing */
	size_t		nrecs;
	size_t		caprecs;
};

/* dns_zone_lower - ASCII lower case */
static inline unsigned char
dns_zone_lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 'a' - 'A') : c;
}

struct dns_zone *dns_zone_new(void);
long	dns_zone_node_get(struct dns_zone *, const char *, size_t);
void	dns_zone_finish(struct dns_zone *);
int	dns_zone_caseeq(const char *, const char *, size_t);

#endif
