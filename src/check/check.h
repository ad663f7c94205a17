/* check.h - RMXF's decision for one recipient of one message, sans I/O */
#ifndef RMXF_CHECK_H
#define RMXF_CHECK_H

/*
 * NAME
 *	check 3
 * SUMMARY
 *	the check pipeline: ACL, exemptions, the bounce check, SPF for HELO
 *	and MAIL FROM, the legacy tests, the action table, headers, the
 *	smarthost profile
 * SYNOPSIS
 *	#include "check/check.h"
 *
 *	struct check_message *check_message_new(void);
 *	void	check_message_free(struct check_message *msg);
 *	int	check_message_begin(struct check_message *msg,
 *			const char *id, const struct check_envelope *in);
 *
 *	struct check *check_new(const struct check_env *env,
 *			struct check_message *msg,
 *			const struct check_envelope *in, long long now);
 *	enum spf_step check_step(struct check *c,
 *			const struct spf_question **q, size_t *nq);
 *	int	check_feed(struct check *c, const struct spf_answer *a);
 *	void	check_expire(struct check *c);
 *	const struct check_decision *check_decision(const struct check *c);
 *	void	check_free(struct check *c);
 *	void	check_job(struct spf_job *job, struct check *c);
 *
 *	void	check_envelope_policy(struct check_envelope *in,
 *			const struct policy_request *req);
 *	const char *check_method_str(enum check_method m);
 *
 *	struct check_recent *check_recent_new(size_t max, long life_ms);
 *	void	check_recent_free(struct check_recent *r);
 *	void	check_recent_clock(struct check_recent *r, long now_ms);
 *	void	check_recent_stats(const struct check_recent *r,
 *			struct check_recent_stats *st);
 * DESCRIPTION
 *	A pure module (no descriptors, clock, environment, logging or
 *	exit).  It knows messages, not connections: its input is the
 *	envelope as data (struct check_envelope: client, HELO name, MAIL
 *	FROM, the recipient being decided, the SASL login, the stage, and
 *	the result headers the front end already added to the message),
 *	its output a decision (struct check_decision: the verdict
 *	and the policy protocol's action, the SMTP reply and the header as
 *	parts, the log line).  How the envelope reached us (a policy
 *	request, a milter conversation, the command line) is the front
 *	end's business; check_envelope_policy() fills one from a Postfix
 *	policy request.
 *
 *	At the DATA stage the answer is the message's second result header
 *	(both header parameters on: Received-SPF went with the answer at
 *	RCPT, Authentication-Results comes now, from the evaluation made
 *	then) when the first went out and it did not, else DUNNO; it asks
 *	no DNS.
 *
 *	check_new() decides at once what needs no DNS: the stage, the
 *	client address, the profile (smarthost when smarthost_egress is
 *	set and the envelope has a SASL login or a smarthost_contexts
 *	policy context), the recipient ACL, the exemptions, the bounce
 *	check, the message's own evaluation (msg) and a recent one
 *	(env->recent).  Otherwise it starts its machines, each a step/feed
 *	machine of one kind: SPF for MAIL FROM and HELO side by side, or
 *	one SPF query per egress address in the smarthost profile; the
 *	legacy tests (DMP, A and MX neighbourhood) join when MAIL FROM's
 *	result is none (or neutral with legacy_on_neutral); beside them
 *	the exemptions that need DNS: the HELO identity of a name in
 *	exempt_helo_names, one query per exempt_spf_domains domain, and
 *	the client's PTR names against exempt_ptr_domains (a local record
 *	of ptr: terms).  One that passes decides: not checked.  check_step(),
 *	check_feed() and check_expire() follow the step/feed contract of
 *	spf(3): questions carry ids unique within the check, answers to
 *	ids not asked are refused (-1), and after check_expire() (the
 *	deadline) every unfinished test is temperror and the next step is
 *	DONE.  check_decision() is valid after DONE, as long as the check.
 *
 *	msg (NULL: none) is the message's evaluation, owned by the front
 *	end: the first recipient's check stores its evaluation there (for
 *	the client, HELO name and sender it was made for), and the next
 *	recipients of the same message are decided from it, logged
 *	"cached=yes", with no DNS.  check_message_begin() tells it which
 *	message comes: an id (Postfix's instance) other than the last one,
 *	or none, starts a new message and returns 1.  At most one check may
 *	use a message at a time; a check freed before DONE leaves it as it
 *	was.
 *
 *	env->recent (check_recent(3); NULL for none) keeps recent inbound
 *	evaluations across messages, keyed by client, HELO name and
 *	sender; a message found there is decided from a copy, logged
 *	"cached=recent dns=0".  The owner sets its clock
 *	(check_recent_clock()) before check_new().
 *
 *	check_new() copies the envelope; its strings and the env are
 *	borrowed until check_free();
 *	the conf, acl and rcache may be shared by any number of checks.
 *	The decision's log line is one greppable line without a newline,
 *	for the caller to log with its own prefix (and time_ms=):
 *
 *	    queue_id=Q client=IP helo=H sender=<S> rcpt=<R>
 *	    [spf_helo=RES] [spf_mailfrom=RES] [mechanism=M] [problem="..."]
 *	    identity=mailfrom|helo method=M result=RES action=ACT
 *	    [why=require-pass] [observed=PARAMETER]... [observe=yes]
 *	    [header=received-spf|authentication-results]
 *	    [acl=KEY] [cached=yes|recent] dns=N
 *
 *	(ACT the action table's word: accept mark reject defer
 *	defer_if_permit observe); fixed answers log "method=acl|exempt|
 *	smarthost|none why=... action=dunno [header=x-rmxf-exempt]"; the
 *	DATA answer "stage=data identity=... method=... result=...
 *	action=... header=authentication-results cached=yes dns=0"; the
 *	smarthost profile logs
 *	"spf_smarthost=RES egress=IP method=smarthost result=RES action=ACT".
 *	dns=N counts the questions this check asked.
 * DIAGNOSTICS
 *	check_new() never fails (an envelope without a usable client
 *	address is decided as "not checked", DUNNO, with why= in the log).
 *	check_decision() before DONE is a bug: msg_panic().  Memory
 *	exhaustion exits (xmalloc).
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
#define CHECK_MAX_EXEMPT_SPF	8	/* exempt_spf_domains checked */
#define CHECK_MAX_EXEMPT_PTR	10	/* exempt_ptr_domains checked */
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
	struct check_recent *recent;	/* NULL: evaluate every message */
};

/* Where in the SMTP conversation the envelope is. */
enum check_stage {
	CHECK_STAGE_RCPT,	/* a recipient to decide */
	CHECK_STAGE_DATA,	/* the DATA command: a second header */
	CHECK_STAGE_OTHER,	/* anything else: nothing to say */
};

/* One recipient of one message, as the front end knows it. */
struct check_envelope {
	const char     *client_address;	/* NULL: unknown */
	const char     *helo;		/* HELO/EHLO argument, NULL: none */
	const char     *sender;		/* MAIL FROM, "" the null sender */
	const char     *recipient;	/* the one to decide, NULL: none */
	const char     *sasl_username;	/* NULL: not authenticated */
	const char     *policy_context;	/* Postfix's, NULL: none */
	const char     *queue_id;	/* for the log, NULL: none yet */
	enum check_stage stage;
	unsigned	header_sent;	/* CHECK_HDR_* the front end added to
					 * this message already */
};

/* Headers a decision adds (check_decision.result_header, header_sent). */
#define CHECK_HDR_RECEIVED_SPF	(1u << 0)
#define CHECK_HDR_AUTHRES	(1u << 1)	/* Authentication-Results */
#define CHECK_HDR_EXEMPT	(1u << 2)	/* X-RMXF-Exempt */

/* check_recent_stats(): counters since it was made. */
struct check_recent_stats {
	unsigned long	hits;		/* messages decided from it */
	unsigned long	misses;		/* messages that looked and missed */
	unsigned long	stored;		/* evaluations put */
	unsigned long	evicted;	/* live ones dropped to make room */
	size_t		entries;	/* held now */
};

/* What decided. */
enum check_method {
	CHECK_M_NONE,		/* nothing checked (bad input, stage) */
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

/* The bounce check's outcome (check_bounce(3)). */
enum check_bounce {
	CHECK_B_NA,		/* not a bounce to a signing domain, or the
				 * check did not get that far */
	CHECK_B_SIGNED,		/* to a valid prvs or SRS address */
	CHECK_B_REJECT,		/* unsigned, forged or expired */
	CHECK_B_GRACE,		/* the same, within the grace period */
};

/* What the client is told, as a class. */
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
	const char     *action;		/* the policy protocol's answer */
	const char     *log;		/* one line, no newline */
	enum check_verdict verdict;
	int		code;		/* reject, defer: the SMTP reply code */
	const char     *enhanced;	/* ... its enhanced status code */
	const char     *text;		/* ... and its text */
	const char     *header_name;	/* the header added, or NULL */
	const char     *header_value;
	unsigned	result_header;	/* CHECK_HDR_* of header_name: a
					 * header for the message, sent once
					 * this answer is out */
	const char     *second_name;	/* the other result header when both
					 * are configured, or NULL: not in
					 * action (one PREPEND per answer);
					 * the policy front end gets it at
					 * DATA, a milter adds both */
	const char     *second_value;
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
	enum check_bounce bounce;	/* the bounce check's outcome */
};

/* How a decision's evaluation came about (check_decision.cached). */
#define CHECK_CACHED_NO		0	/* evaluated for this envelope */
#define CHECK_CACHED_MESSAGE	1	/* the message's own evaluation */
#define CHECK_CACHED_RECENT	2	/* check_recent: a recent message */

struct check_message;
struct check;
struct check_recent;

struct check_recent *check_recent_new(size_t max, long life_ms);
void	check_recent_free(struct check_recent *);
void	check_recent_clock(struct check_recent *, long now_ms);
void	check_recent_stats(const struct check_recent *,
	    struct check_recent_stats *);

struct check_message *check_message_new(void);
void	check_message_free(struct check_message *);
int	check_message_begin(struct check_message *, const char *id,
	    const struct check_envelope *);

struct check *check_new(const struct check_env *, struct check_message *,
	    const struct check_envelope *, long long now);
enum spf_step check_step(struct check *, const struct spf_question **,
	    size_t *);
int	check_feed(struct check *, const struct spf_answer *);
void	check_expire(struct check *);
const struct check_decision *check_decision(const struct check *);
void	check_free(struct check *);
void	check_job(struct spf_job *, struct check *);

void	check_envelope_policy(struct check_envelope *,
	    const struct policy_request *);
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
