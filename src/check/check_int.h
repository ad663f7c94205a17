/* check_int.h - check module internals shared with its unit tests */
#ifndef RMXF_CHECK_INT_H
#define RMXF_CHECK_INT_H

#include "check.h"
#include "util/buf.h"
#include "util/ipaddr.h"

struct acl_entry;

#define CHECK_MAX_FIELD		200	/* one value in a log line or text */
#define CHECK_MAX_ACTION	4096	/* one action, octets */
#define CHECK_TEXT_MAX		400	/* reply text we write, octets */
#define CHECK_HDR_MAX		900	/* header value: under 998 with name */
#define CHECK_ACTION_STORE	512	/* an action's room before the heap */
#define CHECK_LOG_STORE		1024	/* a log line's room before the heap */
#define CHECK_TEXT_STORE	(CHECK_TEXT_MAX + 1)	/* a reply text's */
#define CHECK_HDR_STORE		512	/* a header value's before the heap */

/* One identity's SPF result, copied out of its query. */
struct check_identity {
	int		checked;
	enum spf_result	result;
	const char     *domain;		/* domain checked */
	const char     *mechanism;	/* NULL: none */
	const char     *problem;	/* NULL: none */
	const char     *explanation;	/* the domain's own exp=, NULL: none */
	const char     *sender;		/* <sender> of check_host() */
	enum spf_identity identity;
	char	       *store;		/* one allocation holds them all */
	char	       *received;	/* the Received-SPF: value once
					 * written, kept for check_recent's
					 * copies; NULL: not yet */
};

/* What the evaluation of one message found (kept with the message). */
struct check_results {
	struct check_identity id[2];	/* [SPF_ID_MAILFROM], [SPF_ID_HELO] */
	enum check_method legacy;	/* CHECK_M_DMP, _A, _MX or NONE */
	enum spf_result	legacy_result;	/* pass, temperror; DMP: fail too */
	int		smarthost;	/* smarthost profile results below */
	enum spf_result	sh_result;
	char	       *sh_ip;		/* egress address that decided */
	char	       *sh_explanation;
	const char     *exempt;		/* an exemption DNS confirmed: its
					 * why (a static string), or NULL */
	int		exempt_unsure;	/* an exemption's lookup failed */
};

/* The evaluation of one message, for its next recipients. */
struct check_message {
	int		valid;		/* res holds an evaluation for: */
	const char     *client;		/* these three, in keys */
	const char     *helo;
	const char     *sender;
	struct buf	keys;		/* kept from message to message */
	struct buf	id;		/* the message's id (Postfix's
					 * instance), "" none */
	struct check_results res;
	/* the second result header, for the DATA stage */
	struct buf	second;		/* its value, "" none */
	const char     *second_name;
	unsigned	second_bit;	/* CHECK_HDR_* */
	unsigned	first_bit;	/* ... of the header sent before it */
	struct check_decision second_of; /* identity, method, result */
};

/* Where a decision's strings live; the check owns them. */
struct check_texts {
	struct buf	action;		/* the policy protocol's answer */
	struct buf	log;
	struct buf	text;		/* reject, defer: the reply text */
	struct buf	header;		/* the header's value */
	struct buf	second;		/* the second header's value */
};

/* The per-recipient part of a decision. */
struct check_ctx {
	const struct conf *conf;
	const struct check_envelope *in;
	const struct acl_entry *acl;	/* NULL: none */
	const char     *authserv_id;
	int		cached;
	int		keep;		/* the evaluation goes to check_recent:
					 * keep its Received-SPF value */
	unsigned	dns_queries;
};

void	check_results_clear(struct check_results *);
void	check_results_egress(struct check_results *, const struct ipaddr *,
	    enum spf_result, const struct spf_detail *);
void	check_identity_set(struct check_identity *, const struct spf_detail *);
void	check_identity_detail(const struct check_identity *,
	    struct spf_detail *);
const char *check_sender_domain(const char *sender);

/* Decisions (check_decide.c, check_decide_fixed.c). */
int	check_require_pass(const struct conf *, const char *sender);
void	check_decide(const struct check_ctx *, struct check_results *,
	    struct check_decision *, struct check_texts *);
void	check_decide_smarthost(const struct check_ctx *,
	    const struct check_results *, struct check_decision *,
	    struct check_texts *);
void	check_decide_fixed(const struct check_ctx *, enum check_method,
	    const char *why, struct check_decision *, struct check_texts *);
void	check_decide_data(const struct check_ctx *,
	    const struct check_message *, struct check_decision *,
	    struct check_texts *);
void	check_log_start(const struct check_ctx *, struct buf *);
void	check_log_end(const struct check_ctx *, struct buf *);
void	check_log_kv(struct buf *, const char *, const char *);
void	check_reply(const struct check_ctx *, struct check_decision *,
	    struct check_texts *, enum check_verdict, int code,
	    const char *enhanced);

/* Recent evaluations across messages (check_recent.c). */
int	check_recent_get(struct check_recent *, const struct check_envelope *,
	    struct check_results *);
void	check_recent_put(struct check_recent *, const struct check_envelope *,
	    const struct check_results *);

/* The bounce check (check_bounce.c). */
enum check_bounce check_bounce(const struct check_env *,
	    const struct check_envelope *, long long, const char **);
void	check_decide_bounce(const struct check_ctx *, enum check_bounce,
	    const char *why, struct check_decision *, struct check_texts *);

/* What needs no DNS (check_gate.c): where an envelope goes. */
enum check_route {
	CHECK_R_FIXED,		/* decided: method and why */
	CHECK_R_BOUNCE,		/* the bounce check's answer */
	CHECK_R_SMARTHOST,	/* SPF of our egress addresses */
	CHECK_R_INBOUND,	/* SPF and the legacy tests */
	CHECK_R_DATA,		/* the second header, from the message */
};

struct check_gate {
	enum check_route route;
	enum check_method method;	/* CHECK_R_FIXED */
	const char     *why;		/* ... and the bounce check's */
	enum check_bounce bounce;	/* CHECK_R_BOUNCE */
	const struct acl_entry *acl;	/* the recipient's, or NULL */
	struct ipaddr	ip;		/* the client's, when it parsed */
};

void	check_gate(const struct check_env *, const struct check_envelope *,
	    long long now, struct check_gate *);
void	check_spf_params(const struct check_env *,
	    const struct check_envelope *, const struct ipaddr *,
	    enum spf_identity, long long now, const char *receiver,
	    struct spf_params *);

/* The legacy tests as one step/feed machine (check_legacy.c). */
struct check_legacy;

struct check_legacy *check_legacy_new(const struct conf *,
	    const struct ipaddr *client, const char *domain);
enum spf_step check_legacy_step(struct check_legacy *,
	    const struct spf_question **, size_t *);
int	check_legacy_feed(struct check_legacy *, const struct spf_answer *);
void	check_legacy_expire(struct check_legacy *);
void	check_legacy_result(const struct check_legacy *, enum check_method *,
	    enum spf_result *);
int	check_legacy_failed(const struct check_legacy *);
void	check_legacy_free(struct check_legacy *);
void	check_legacy_job(struct spf_job *, struct check_legacy *);

/* The message's own evaluation (check_message.c). */
int	check_message_holds(const struct check_message *,
	    const struct check_envelope *);
void	check_message_keep(struct check_message *,
	    const struct check_envelope *, struct check_results *);
void	check_message_second(struct check_message *,
	    const struct check_decision *);

#endif
