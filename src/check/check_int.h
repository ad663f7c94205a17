/* check_int.h - check module internals shared with its unit tests */
#ifndef RMXF_CHECK_INT_H
#define RMXF_CHECK_INT_H

#include "check.h"
#include "util/buf.h"

struct acl_entry;

#define CHECK_MAX_FIELD		200	/* one value in a log line or text */
#define CHECK_MAX_ACTION	4096	/* one action, octets */
#define CHECK_ACTION_STORE	512	/* an action's room before the heap */
#define CHECK_LOG_STORE		1024	/* a log line's room before the heap */
#define CHECK_VEC_STORE		8	/* questions in flight before the heap */

/* One identity's SPF result, copied out of its query. */
struct check_idres {
	int		checked;
	enum spf_result	result;
	const char     *domain;		/* domain checked */
	const char     *mechanism;	/* NULL: none */
	const char     *problem;	/* NULL: none */
	const char     *explanation;	/* NULL: none */
	const char     *sender;		/* <sender> of check_host() */
	enum spf_identity identity;
	char	       *store;		/* one allocation holds them all */
	char	       *received;	/* the Received-SPF: value once
					 * written, kept for check_cache's
					 * copies; NULL: not yet */
};

/* Everything one message's evaluation found (kept in the memo). */
struct check_eval {
	struct check_idres id[2];	/* [SPF_ID_MAILFROM], [SPF_ID_HELO] */
	enum check_method legacy;	/* CHECK_M_DMP, _A, _MX or NONE */
	enum spf_result	legacy_result;	/* pass, temperror; DMP: fail too */
	int		legacy_ran;
	int		smarthost;	/* smarthost profile result below */
	enum spf_result	sh_result;
	char	       *sh_ip;		/* egress address that decided */
	char	       *sh_explanation;
};

struct check_memo {
	int		valid;
	const char     *instance;	/* these four in keys */
	const char     *client;
	const char     *helo;
	const char     *sender;
	struct buf	keys;		/* kept from message to message */
	struct check_eval ev;
	int		header_done;	/* a header went out for instance */
	int		header_read;	/* ... in a reply the peer read */
};

/* The per-recipient part of a decision. */
struct check_ctx {
	const struct conf *conf;
	const struct policy_request *req;
	const struct acl_entry *acl;	/* NULL: none */
	const char     *authserv_id;
	int		header_done;
	int		cached;
	int		keep;		/* the evaluation goes to check_cache:
					 * keep its Received-SPF value */
	unsigned	dns_queries;
};

void	check_eval_clear(struct check_eval *);
void	check_idres_set(struct check_idres *, const struct spf_detail *);
void	check_idres_detail(const struct check_idres *, struct spf_detail *);
const char *check_sender_domain(const char *sender);

/*
 * Decide from an evaluation: fills d (action and log point into the two
 * buffers); returns 1 when the action prepends a header, else 0.
 */
int	check_decide(const struct check_ctx *, struct check_eval *,
	    struct check_decision *, struct buf *action, struct buf *log);

/* Recent evaluations across messages (check_cache.c). */
int	check_cache_get(struct check_cache *, const struct policy_request *,
	    struct check_eval *);
void	check_cache_put(struct check_cache *, const struct policy_request *,
	    const struct check_eval *);

/* The bounce check (check_bounce.c). */
enum check_bounce {
	CHECK_B_NA,		/* not a bounce to a signing domain */
	CHECK_B_SIGNED,		/* to a valid prvs or SRS address */
	CHECK_B_REJECT,		/* unsigned, forged or expired */
	CHECK_B_GRACE,		/* the same, within the grace period */
};

enum check_bounce check_bounce(const struct check_env *,
	    const struct policy_request *, long long, const char **);
void	check_decide_bounce(const struct check_ctx *, enum check_bounce,
	    const char *why, struct check_decision *, struct buf *action,
	    struct buf *log);

/* Fixed answers: ACL skip, exemptions, smarthost pass-through. */
void	check_decide_fixed(const struct check_ctx *, enum check_method,
	    const char *why, struct check_decision *, struct buf *action,
	    struct buf *log);

#endif
