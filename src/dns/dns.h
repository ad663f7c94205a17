/* dns.h - resolvers that answer the questions of spf (and later check) */
#ifndef RMXF_DNS_H
#define RMXF_DNS_H

#include <stddef.h>

#include "../spf/spf.h"

struct event_base;
struct arena;

/*
 * A job is anything with the step/feed contract of spf.h: an SPF query,
 * the test-mode policy walker, later the check pipeline.  The drivers
 * below run any job.
 */
struct dns_job {
	void   *obj;
	enum spf_step (*step)(void *, const struct spf_question **, size_t *);
	int	(*feed)(void *, const struct spf_answer *);
	void	(*expire)(void *);	/* deadline passed: finish now */
};

/* A job around an spf_query, or around the test-mode policy walker. */
void	dns_job_spf(struct dns_job *, struct spf_query *);
void	dns_job_policy(struct dns_job *, struct spf_policy *);

/* --- In-memory zone (tests, benchmarks, rmxf check --zone) --- */

struct dns_zone;

struct dns_zone *dns_zone_parse(const char *text, size_t len, char *err,
	    size_t errlen);		/* err: "line N: why" */
struct dns_zone *dns_zone_load(const char *path, char *err, size_t errlen);
void	dns_zone_free(struct dns_zone *);

/*
 * Answer one question from the zone.  The records stay valid until the
 * next call on this zone or dns_zone_free().
 */
void	dns_zone_answer(struct dns_zone *, const struct spf_question *,
	    struct spf_answer *);

/* Run a job to completion against the zone, synchronously. */
void	dns_zone_run(struct dns_zone *, struct dns_job *);

/* --- libunbound inside a libevent loop --- */

struct dns_ub_opts {
	const char *forwarders;		/* "IP[@PORT] ..." or NULL: resolv.conf */
	int	tcp_only;		/* for tests */
	unsigned timeout_ms;		/* per-evaluation deadline */
	int	recursive;		/* full recursion instead of forwarding */
};

struct dns_ub;

struct dns_ub *dns_ub_new(struct event_base *, const struct dns_ub_opts *,
	    char *err, size_t errlen);
void	dns_ub_free(struct dns_ub *);

/*
 * Start a job on the loop.  done(arg) is called once, from the loop (never
 * from inside dns_ub_start()), when the job's step returns DONE; if the
 * deadline passes first, the job's expire() is called and then done().
 * Returns a handle for dns_ub_cancel() (after which done is not called).
 */
struct dns_ub_run;

struct dns_ub_run *dns_ub_start(struct dns_ub *, struct dns_job *,
	    unsigned timeout_ms, void (*done)(void *), void *arg);
void	dns_ub_cancel(struct dns_ub_run *);

/* Run one job to completion on a private loop (CLI). */
int	dns_ub_run_sync(const struct dns_ub_opts *, struct dns_job *,
	    char *err, size_t errlen);

/* --- Wire format: one DNS response packet to an spf_answer --- */

/*
 * Parse a response for (qname, qtype): rcode mapping, records of qtype
 * only (CNAMEs followed inside the answer section), TXT strings joined.
 * Record data is allocated in the arena.  Returns 0, or -1 with
 * status SERVFAIL for an unusable packet.
 */
int	dns_wire_parse(const unsigned char *pkt, size_t len,
	    const char *qname, enum spf_rrtype qtype, struct arena *,
	    struct spf_answer *);

#endif
