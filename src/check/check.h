/* check.h - RMXF's decision pipeline for one policy request, sans I/O */
#ifndef RMXF_CHECK_H
#define RMXF_CHECK_H

/*
 * NAME
 *	check 3
 * SUMMARY
 *	the check pipeline: ACL, exemptions, SPF (HELO and MAIL FROM),
 *	legacy tests, action table, headers, smarthost profile
 * SYNOPSIS
 *	#include "check/check.h"
 *
 *	struct check_memo *check_memo_new(void);
 *	void	check_memo_free(struct check_memo *);
 *	const char *check_memo_instance(const struct check_memo *);
 *	int	check_memo_holds(const struct check_memo *,
 *			const struct policy_request *);
 *	void	check_memo_acked(struct check_memo *);
 *	void	check_memo_unacked(struct check_memo *);
 *
 *	struct check *check_new(const struct check_env *env,
 *			struct check_memo *memo,
 *			const struct policy_request *req, long long now);
 *	enum spf_step check_step(struct check *,
 *			const struct spf_question **q, size_t *nq);
 *	int	check_feed(struct check *, const struct spf_answer *);
 *	void	check_expire(struct check *);
 *	const struct check_decision *check_decision(const struct check *);
 *	void	check_free(struct check *);
 *	void	check_job(struct spf_job *job, struct check *c);
 *
 *	const char *check_method_str(enum check_method);
 *
 *	struct check_cache *check_cache_new(size_t max, long life_ms);
 *	void	check_cache_free(struct check_cache *);
 *	void	check_cache_clock(struct check_cache *, long now_ms);
 *	void	check_cache_stats(const struct check_cache *,
 *			struct check_cache_stats *);
 * DESCRIPTION
 *	A pure module (no descriptors, clock, environment, logging or
 *	exit) with the step/feed contract of spf(3): check_step() returns
 *	SPF_STEP_QUERY with new questions, SPF_STEP_WAIT while answers
 *	are outstanding, SPF_STEP_DONE when the decision is made.  Question
 *	ids are unique within one check (the SPF queries for HELO, MAIL
 *	FROM and the smarthost addresses run in parallel, their ids
 *	remapped); a question's name stays valid until it is answered.
 *	check_feed() takes an answer to any question asked and not yet
 *	answered (returns -1 for an unknown id, which is ignored).
 *	check_expire() is the per-request deadline: every unfinished test
 *	becomes temperror and the decision is made from that (normally the
 *	defer action); after it check_step() returns SPF_STEP_DONE.
 *
 *	A request that needs no DNS (ACL skip, exemption, a result reused
 *	from the memo, smarthost pass-through) is DONE at the first
 *	check_step().  check_decision() is valid only after DONE and lives
 *	as long as the check.
 *
 *	The env and the request are borrowed until check_free(); the conf,
 *	acl and rcache may be shared by any number of checks (a reload
 *	makes a new env; checks running keep the old one alive as the
 *	caller arranges).
 *
 *	The memo belongs to one client connection (Postfix sends the
 *	requests of one message over one connection): it remembers the
 *	results of the current message, keyed by the request's instance
 *	attribute (and client, HELO and sender), so the next recipient of
 *	the same message needs no DNS, and whether the result header was
 *	already prepended for it (a header is added once per message).  At
 *	most one check may use a memo at a time; a check stores its results
 *	into the memo when it reaches DONE (or is expired), so a check freed
 *	before that leaves the memo as it was.  A memo holds only copies
 *	(no SPF query, no rcache reference): free it in any order.  A memo
 *	may be NULL (every request evaluated afresh, a header on every
 *	accepted one).  Requests without an instance attribute are never
 *	reused.  check_memo_instance() is the instance of the message the
 *	memo holds (NULL: none), check_memo_holds() whether that message
 *	is the request's, as check_new() will judge it: a memo may move to
 *	another connection that goes on with the same message (rmxfd does
 *	that when Postfix reconnects in the middle of one).
 *	The memo counts a header as added when the decision is made, not
 *	when the reply is read: check_memo_acked() says the peer has read
 *	every reply so far, check_memo_unacked() that the replies since
 *	may be lost, so a header in them counts as not added.
 *
 *	The env's cache (check_cache(3); NULL for none) holds the inbound
 *	evaluations of recent messages, keyed by client address, HELO name
 *	and sender, whoever sent them and over whichever connection: a
 *	request whose message is not in the memo but whose key is in the
 *	cache is decided from a copy at the first check_step(), logged
 *	"cached=recent dns=0".  A check puts its evaluation there when it
 *	is done, unless a DNS answer failed or timed out, a result is a
 *	temperror, or the deadline expired it; the smarthost profile is
 *	never cached.  The owner sets the cache's clock
 *	(check_cache_clock()) before check_new().
 *
 *	Driving a check with the dns(3) drivers is the caller's business:
 *	the module must not depend on dns, so the daemon and rmxf replay
 *	each fill a struct spf_job with three two-line wrappers around
 *	check_step, check_feed and check_expire.
 *	The decision's log line is one greppable line without a newline,
 *	for the caller to log with its own prefix (and time_ms=):
 *
 *	    queue_id=Q client=IP helo=H sender=<S> rcpt=<R>
 *	    [spf_helo=RES] [spf_mailfrom=RES] [mechanism=M] [problem="..."]
 *	    identity=mailfrom|helo method=M result=RES action=ACT
 *	    [observe=yes] [header=received-spf|authentication-results]
 *	    [acl=KEY] [cached=yes|recent] dns=N
 *
 *	(cached=yes: the memo's message; cached=recent: the cache's;
 *	ACT the action table's word: accept mark reject defer
 *	defer_if_permit observe); fixed answers log "method=acl|exempt|
 *	smarthost|none why=... action=dunno"; the smarthost profile logs
 *	"spf_smarthost=RES egress=IP method=smarthost result=RES action=ACT".
 *	dns=N counts the questions this check asked (0: answered from the
 *	memo, or nothing to ask).
 * DIAGNOSTICS
 *	check_new() never fails (a request without client_address or with
 *	a malformed one is decided as "not checked", DUNNO, with why= in
 *	the log).  check_decision() before DONE is a bug: msg_panic().
 *	Memory exhaustion exits (xmalloc).
 * SEE ALSO
 *	spf(3), policy(3), conf(3), acl(3), rmxf.conf(5), RFC 7208,
 *	RFC 7372, RFC 8601.
 */

#include <stddef.h>

#include "../conf/conf.h"
#include "../spf/spf.h"

struct acl;
struct policy_request;
struct ses_ring;

#define CHECK_MAX_EGRESS	8	/* smarthost addresses checked */
#define CHECK_MAX_MX_HOSTS	10	/* test_mx: MX hosts looked up */
#define CHECK_MAX_LOG		4096	/* one log line, octets */

/* Long-lived, owned by the caller. */
struct check_env {
	const struct conf *conf;
	const struct acl *acl;		/* NULL: no ACL file */
	struct spf_rcache *rcache;	/* NULL allowed */
	const char     *hostname;	/* receiver / authserv-id when the
					 * conf's authserv_id is empty */
	const struct ses_ring *ses_ring; /* NULL: no bounce check */
	const struct ses_ring *srs_ring; /* NULL: SRS bounces unsigned */
	struct check_cache *cache;	/* NULL: evaluate every message */
};

/* check_cache_stats(): counters since the cache was made. */
struct check_cache_stats {
	unsigned long	hits;		/* requests decided from the cache */
	unsigned long	misses;		/* requests that looked and missed */
	unsigned long	stored;		/* evaluations put */
	unsigned long	evicted;	/* live ones dropped to make room */
	size_t		entries;	/* held now */
};

/* What decided. */
enum check_method {
	CHECK_M_NONE,		/* nothing checked (bad request) */
	CHECK_M_ACL,		/* ACL skip */
	CHECK_M_EXEMPT,		/* exempt network, trusted relay, SASL */
	CHECK_M_SPF,		/* an SPF result (HELO or MAIL FROM) */
	CHECK_M_DMP,		/* legacy: DMP records (pass or fail) */
	CHECK_M_A,		/* legacy: A neighbourhood */
	CHECK_M_MX,		/* legacy: MX neighbourhood */
	CHECK_M_DEFAULT,	/* default_result */
	CHECK_M_SMARTHOST,	/* smarthost profile */
	CHECK_M_BOUNCE,		/* bounce check: unsigned return address */
};

/* What Postfix is told, as a class. */
enum check_verdict {
	CHECK_V_DUNNO,		/* nothing (skip, exempt, observe, accept
				 * without header) */
	CHECK_V_PREPEND,	/* DUNNO plus a header */
	CHECK_V_REJECT,
	CHECK_V_DEFER,
	CHECK_V_DEFER_IF_PERMIT,
};

/* The outcome; strings owned by the check. */
struct check_decision {
	const char     *action;		/* for policy_format_reply() */
	const char     *log;		/* one line, no newline */
	enum check_verdict verdict;
	enum conf_action table;		/* the action table's (or the ACL's)
					 * choice before observe-only */
	enum check_method method;
	enum spf_identity identity;	/* the identity that decided */
	enum spf_result	result;		/* its result (legacy: pass or none) */
	int		helo_checked;	/* 1: helo_result is meaningful */
	enum spf_result	helo_result;
	int		mailfrom_checked;
	enum spf_result	mailfrom_result; /* SPF's own, before legacy tests
					 * and default_result */
	int		observe;	/* observe-only: action is DUNNO */
	int		cached;		/* CHECK_CACHED_*: whence the results */
	unsigned	dns_queries;	/* questions asked by this check */
};

/* How a decision's evaluation came about (check_decision.cached). */
#define CHECK_CACHED_NO		0	/* evaluated for this request */
#define CHECK_CACHED_MESSAGE	1	/* the memo: the same message */
#define CHECK_CACHED_RECENT	2	/* check_cache: a recent message */

struct check_memo;
struct check;
struct check_cache;

struct check_cache *check_cache_new(size_t max, long life_ms);
void	check_cache_free(struct check_cache *);
void	check_cache_clock(struct check_cache *, long now_ms);
void	check_cache_stats(const struct check_cache *,
	    struct check_cache_stats *);

struct check_memo *check_memo_new(void);
void	check_memo_free(struct check_memo *);
const char *check_memo_instance(const struct check_memo *);
int	check_memo_holds(const struct check_memo *,
	    const struct policy_request *);
void	check_memo_acked(struct check_memo *);
void	check_memo_unacked(struct check_memo *);

struct check *check_new(const struct check_env *, struct check_memo *,
	    const struct policy_request *, long long now);
enum spf_step check_step(struct check *, const struct spf_question **,
	    size_t *);
int	check_feed(struct check *, const struct spf_answer *);
void	check_expire(struct check *);
const struct check_decision *check_decision(const struct check *);
void	check_free(struct check *);
void	check_job(struct spf_job *, struct check *);

const char *check_method_str(enum check_method);	/* "spf" ... */

/* Test mode: what the legacy tests would allow (check_list.c). */
enum check_list_kind {
	CHECK_LIST_NET,		/* A, MX: net/bits; text: the host */
	CHECK_LIST_DMP,		/* DMP default: qual '+' or '-'; text: domain */
	CHECK_LIST_NOTE,	/* text */
	CHECK_LIST_ERROR,	/* text: a DNS failure */
};

struct check_list_line {
	enum check_method test;		/* CHECK_M_DMP, _A or _MX */
	enum check_list_kind kind;
	char		qual;
	struct ipaddr	net;
	unsigned	bits;
	const char     *text;
};

struct check_list;

struct check_list *check_list_new(const struct conf *, const char *domain);
enum spf_step check_list_step(struct check_list *,
	    const struct spf_question **, size_t *);
int	check_list_feed(struct check_list *, const struct spf_answer *);
void	check_list_expire(struct check_list *);
size_t	check_list_lines(const struct check_list *,
	    const struct check_list_line **);
void	check_list_free(struct check_list *);
void	check_list_job(struct spf_job *, struct check_list *);

#endif
