/* dns.h - resolvers that answer the questions of spf and check */
#ifndef RMXF_DNS_H
#define RMXF_DNS_H

#include <stddef.h>

#include "../spf/spf.h"
#include "../util/hist.h"
#include "../util/ipaddr.h"

struct event_base;
struct arena;

/* RR types the zone serves beyond enum spf_rrtype. */
#define DNS_RR_CNAME	5		/* RFC 1035 3.2.2 */
#define DNS_RR_SPF	99		/* RFC 7208 3.1: served, never asked */

#define DNS_MAX_CNAME	8		/* CNAME hops followed in a zone */

/* --- In-memory zone (tests, benchmarks, rmxf check --zone) --- */

#define DNS_ZONE_MAX_LINE	65536	/* octets per line */
#define DNS_ZONE_MAX_FILE	(64 << 20)	/* octets per zone file */
#define DNS_ZONE_MAX_RECORDS	(1 << 22)	/* records per zone */
#define DNS_ZONE_MAX_NAMES	(1 << 22)	/* names, with parents */
#define DNS_ZONE_MAX_STRING	255	/* RFC 1035 3.3: character-string */
#define DNS_ZONE_MAX_RDATA	65535	/* RFC 1035 3.2.1: RDLENGTH */

struct dns_zone;

struct dns_zone *dns_zone_parse(const char *text, size_t len, char *err,
	    size_t errlen);		/* err: "line N: why" */
struct dns_zone *dns_zone_load(const char *path, char *err, size_t errlen);
void	dns_zone_free(struct dns_zone *);
size_t	dns_zone_size(const struct dns_zone *);	/* records */

/*
 * Answer one question from the zone.  The records stay valid until the
 * next call on this zone or dns_zone_free().
 */
void	dns_zone_answer(struct dns_zone *, const struct spf_question *,
	    struct spf_answer *);

/* Run a job to completion against the zone, synchronously. */
void	dns_zone_run(struct dns_zone *, struct spf_job *);

/*
 * The zone as a server sees it (tests/tools/dnsd): one record as written,
 * and the outcome of a lookup with the CNAMEs followed to get there.
 * Everything points into the zone and lives as long as it.
 */
struct dns_zone_rr {
	const char     *owner;		/* lower case, no trailing dot */
	unsigned	type;		/* RR type number */
	unsigned	pref;		/* MX */
	struct ipaddr	addr;		/* A, AAAA */
	const char     *data;		/* TXT, SPF: strings joined; CNAME,
					 * MX, PTR: target, no trailing dot
					 * ("" is the root) */
	size_t		len;
	const unsigned char *wire;	/* TXT, SPF: the character-strings,
					 * each a length octet and its bytes */
	size_t		wlen;
	unsigned	line;		/* where it was written */
};

struct dns_zone_result {
	enum spf_dns_status status;	/* never TIMEOUT with nrr > 0 */
	const struct dns_zone_rr *chain[DNS_MAX_CNAME];	/* CNAMEs followed */
	size_t		nchain;
	const struct dns_zone_rr *rr;	/* records of the type asked */
	size_t		nrr;
};

void	dns_zone_lookup(const struct dns_zone *, const char *name, size_t len,
	    unsigned type, struct dns_zone_result *);

/* --- libunbound inside a libevent loop --- */

struct dns_ub_opts {
	const char *forwarders;		/* "IP[@PORT] ..." or NULL: resolv.conf */
	int	tcp_only;		/* for tests */
	unsigned timeout_ms;		/* per-evaluation deadline */
	int	recursive;		/* full recursion instead of forwarding */
	unsigned ports;			/* UDP queries out at once; 0: the
					 * library's own (16) */
	unsigned per_domain;		/* distinct questions in flight per
					 * registered domain; 0: no bound */
	unsigned slow_ms;		/* a domain that timed out is answered
					 * as a timeout this long; 0: never */
	unsigned recent_ms;		/* answers reused this long without
					 * asking libunbound; 0: never */
};

struct dns_ub;

struct dns_ub *dns_ub_new(struct event_base *, const struct dns_ub_opts *,
	    char *err, size_t errlen);
void	dns_ub_free(struct dns_ub *);
void	dns_ub_quiet(struct dns_ub *);	/* no libunbound text on stderr */
void	dns_ub_limits(struct dns_ub *, unsigned per_domain, unsigned slow_ms,
	    unsigned recent_ms);
struct dns_guard_stats;
void	dns_ub_guard_stats(const struct dns_ub *, struct dns_guard_stats *);

/* dns_ub_stats(): counters since the context was made. */
#define DNS_UB_RCODES	6	/* rcode[] by number, 0 (NOERROR) to 5
				 * (REFUSED); rcode[DNS_UB_RCODES]: others */
struct dns_ub_stats {
	unsigned long	questions;	/* asked by the jobs */
	unsigned long	recent_hits;	/* ... answered by dns_recent */
	unsigned long	recent_misses;	/* ... looked up there, not found */
	unsigned long	queries;	/* ... given to libunbound */
	unsigned long	ub_cached;	/* ... which answered at once */
	unsigned long	send_errors;	/* ... which refused them */
	unsigned long	rcode[DNS_UB_RCODES + 1];	/* its answers */
	unsigned long	timeouts;	/* queries without an answer at a
					 * run's deadline */
	struct hist	latency;	/* the answers that were waited for */
};

void	dns_ub_stats(const struct dns_ub *, struct dns_ub_stats *);

/*
 * Start a job on the loop.  done(arg) is called once, from the loop (never
 * from inside dns_ub_start()), when the job's step returns DONE; if the
 * deadline passes first, the job's expire() is called and then done().
 * Returns a handle for dns_ub_cancel() (after which done is not called).
 * The handle is gone once done is called; dns_ub_free() cancels the runs
 * still going.  timeout_ms 0: the opts' timeout, else SPF_TIMEOUT_MS.
 */
struct dns_ub_run;

struct dns_ub_run *dns_ub_start(struct dns_ub *, struct spf_job *,
	    unsigned timeout_ms, void (*done)(void *), void *arg);
void	dns_ub_cancel(struct dns_ub_run *);

/* Run one job to completion on a private loop (CLI). */
int	dns_ub_run_sync(const struct dns_ub_opts *, struct spf_job *,
	    char *err, size_t errlen);

/* --- Wire format: one DNS response packet to an spf_answer --- */

/*
 * Parse a response for (qname, qtype): rcode mapping, records of qtype
 * only (CNAMEs followed inside the answer section), TXT strings joined.
 * Record data is allocated in the arena.  Returns 0, or -1 with
 * status SERVFAIL for an unusable packet.  The answer's id is left as
 * the caller set it.
 */
int	dns_wire_parse(const unsigned char *pkt, size_t len,
	    const char *qname, enum spf_rrtype qtype, struct arena *,
	    struct spf_answer *);

/*
 * A name in uncompressed wire form as the engine is given it: without the
 * trailing dot ("" for the root), labels of letters, digits, '-' and '_'
 * as they are, any other name in ldns' presentation form (\. \DDD ...).
 * In the arena; NULL when the octets are no name.
 */
const char *dns_wire_name(const unsigned char *wire, size_t len,
	    struct arena *, size_t *textlen);

#endif
