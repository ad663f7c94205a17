/* auth.h - one message's DKIM and DMARC beside SPF: header and action */
#ifndef RMXF_AUTH_H
#define RMXF_AUTH_H

#include <stddef.h>

#include "../conf/conf.h"
#include "../dkim/dkim.h"
#include "../dmarc/dmarc.h"
#include "../spf/spf.h"

#define AUTH_MAX_LOG		2048	/* the decision's log fields, octets */
#define AUTH_MAX_HEADER		16384	/* the header value, octets: the
					 * dkim= clauses that do not fit are
					 * left out, never dmarc= */
#define AUTH_REJECT_CODE	550	/* RFC 7489 / RFC 9989: 5.7.1 */
#define AUTH_REJECT_DSN		"5.7.1"

/*
 * What the message's recipients allow (the front end folds the ACL
 * entries and observe_only of every checked recipient into this).
 */
struct auth_in {
	const char     *authserv_id;
	int		spf_checked;	/* 1: spf and spf_domain are known */
	enum spf_result	spf;		/* MAIL FROM's (the null sender: the
					 * HELO name's) SPF result */
	const char     *spf_domain;	/* its domain */
	const char     *spf_method;	/* SPF's own "spf=... smtp.mailfrom=..."
					 * to lead the header, or NULL */
	int		observe;	/* observe_only, or an OBSERVE recipient */
	int		nodmarc;	/* a NODMARC recipient: mark only */
	int		no_quarantine;	/* the MTA cannot: quarantine is mark */
};

/* The outcome; strings owned by the auth, valid until auth_free(). */
struct auth_decision {
	enum conf_dmarc_action action;	/* done: MARK, QUARANTINE, REJECT or
					 * DEFER (never OBSERVE) */
	enum conf_dmarc_action table;	/* the configuration's choice */
	const char     *observed;	/* "action_dmarc_..." answered as mark
					 * instead, or NULL */
	const char     *unavailable;	/* "quarantine": the MTA cannot, so
					 * marked; or NULL */
	int		code;		/* REJECT, DEFER: the SMTP reply */
	const char     *enhanced;
	const char     *text;
	const char     *header_value;	/* Authentication-Results value */
	const char     *log;		/* " dkim=... dmarc=... action=..." */
	const struct dkim_sig_result *dkim;	/* NULL when not checked */
	size_t		ndkim;
	int		dkim_checked;
	const struct dmarc_outcome *dmarc;	/* NULL when not checked */
	enum dmarc_policy policy;	/* what the owner asks, t=y applied */
	const char     *disposition;	/* dis=: none, quarantine, reject */
	unsigned	dns_queries;
};

struct auth;

struct auth *auth_new(const struct conf *, long long now,
	    struct dkim_kcache *);
void	auth_free(struct auth *);

void	auth_header(struct auth *, const char *field, size_t len);
void	auth_eoh(struct auth *);
void	auth_body(struct auth *, const char *data, size_t len);
void	auth_eom(struct auth *);
void	auth_message(struct auth *, const char *msg, size_t len);

/*
 * The step/feed contract of spf(3), in two runs: before auth_eom(), DONE
 * once every question asked so far is answered (the keys and the policy
 * are fetched while the body comes); after it, DONE when the evaluation
 * is complete.  A driver may be started for each.  Once a machine is
 * done, its questions still out are moot: nothing waits for them, and
 * their late answers are refused.
 */
enum spf_step auth_step(struct auth *, const struct spf_question **,
	    size_t *);
int	auth_feed(struct auth *, const struct spf_answer *);
void	auth_expire(struct auth *);
void	auth_job(struct spf_job *, struct auth *);
int	auth_done(const struct auth *);	/* 1: auth_decide() may be called */

const struct auth_decision *auth_decide(struct auth *,
	    const struct auth_in *);

#endif
