/* conf.h - rmxf.conf: Postfix-style settings to one validated struct */
#ifndef RMXF_CONF_H
#define RMXF_CONF_H

#include <stddef.h>

#include "../util/ipaddr.h"

struct buf;

#define CONF_DEFAULT_FILE "/etc/rmxf/rmxf.conf"

#define CONF_MAX_TEXT	 (1024 * 1024)	/* a whole file, octets */
#define CONF_MAX_LINE	 4096		/* one physical line, octets */
#define CONF_MAX_VALUE	 (64 * 1024)	/* one value, joined and expanded */
#define CONF_MAX_NAME	 64		/* one parameter name */
#define CONF_MAX_ERRORS	 20		/* error lines reported per file */
#define CONF_MAX_UNIX_PATH 107		/* sun_path on Linux, less the NUL */

/*
 * SPF results in the order of enum spf_result (spf/spf.h), so that
 * action_mailfrom[result] works with either; test_conf checks it.
 */
enum conf_result {
	CONF_R_NONE,
	CONF_R_NEUTRAL,
	CONF_R_PASS,
	CONF_R_FAIL,
	CONF_R_SOFTFAIL,
	CONF_R_TEMPERROR,
	CONF_R_PERMERROR,
	CONF_R_COUNT
};

/* What a (identity, result) pair makes rmxf answer; rmxf.conf(5). */
enum conf_action {
	CONF_ACT_ACCEPT,	/* DUNNO, plus the configured result headers */
	CONF_ACT_MARK,		/* DUNNO and PREPEND the result header, always */
	CONF_ACT_REJECT,	/* reject_code reject_enhanced_code text */
	CONF_ACT_DEFER,		/* defer_code defer_enhanced_code text */
	CONF_ACT_DEFER_IF_PERMIT, /* DEFER_IF_PERMIT text */
	CONF_ACT_OBSERVE,	/* answered as accept; the log line names the
				 * rule observed (observed=PARAMETER) */
	CONF_ACT_COUNT
};

/* What a DMARC outcome makes rmxf do at the end of data; rmxf.conf(5). */
enum conf_dmarc_action {
	CONF_DA_MARK,		/* deliver with the Authentication-Results */
	CONF_DA_QUARANTINE,	/* the same, held in Postfix's hold queue */
	CONF_DA_REJECT,		/* 550 5.7.1 at the end of data */
	CONF_DA_DEFER,		/* defer_code defer_enhanced_code */
	CONF_DA_OBSERVE,	/* mark; the log line names the rule observed */
	CONF_DA_COUNT
};

enum conf_log_to {
	CONF_LOG_SYSLOG,
	CONF_LOG_STDERR,
};

/* log_level: the least severe lines rmxfd writes */
enum conf_log_level {
	CONF_LOGL_ERROR,
	CONF_LOGL_WARNING,
	CONF_LOGL_INFO,
	CONF_LOGL_DEBUG,
};

enum conf_facility {
	CONF_FAC_MAIL,
	CONF_FAC_DAEMON,
	CONF_FAC_USER,
	CONF_FAC_LOCAL0,
	CONF_FAC_LOCAL1,
	CONF_FAC_LOCAL2,
	CONF_FAC_LOCAL3,
	CONF_FAC_LOCAL4,
	CONF_FAC_LOCAL5,
	CONF_FAC_LOCAL6,
	CONF_FAC_LOCAL7,
};

/* A network: addr with the bits beyond the prefix all zero. */
struct conf_net {
	struct ipaddr	addr;
	unsigned	bits;
};

struct conf_nets {
	struct conf_net *v;
	size_t		n;
};

struct conf_addrs {
	struct ipaddr  *v;
	size_t		n;
};

struct conf_strs {
	char	      **v;
	size_t		n;
};

enum conf_listen_kind {
	CONF_LISTEN_UNIX,
	CONF_LISTEN_INET,
};

/* unix:PATH, or inet:HOST:PORT (HOST an address or a name, no brackets) */
struct conf_listen {
	enum conf_listen_kind kind;
	char	       *path;		/* unix */
	char	       *host;		/* inet */
	unsigned	port;		/* inet, 1..65535 */
};

struct conf_listens {
	struct conf_listen *v;
	size_t		n;
};

/* A DNS forwarder, IP[@PORT] (libunbound's syntax). */
struct conf_fwd {
	struct ipaddr	addr;
	unsigned	port;
};

struct conf_fwds {
	struct conf_fwd *v;
	size_t		n;
};

/*
 * The effective configuration.  Owned by whoever got it from conf_parse()
 * or conf_default(); never changed after that; conf_free() releases it.
 * Times are in milliseconds.  Every field is one parameter of rmxf.conf(5)
 * with the same name (action_mailfrom[CONF_R_FAIL] is
 * action_mailfrom_fail).
 */
struct conf {
	/* what to test (the seed's mxfilter.cf keys) */
	int		test_spf;
	int		test_helo;
	int		test_dmp;
	int		test_a;
	int		test_mx;
	int		legacy_on_neutral;
	unsigned	a_prefix4;
	unsigned	a_prefix6;
	unsigned	mx_prefix4;
	unsigned	mx_prefix6;
	enum conf_result default_result;

	/* what to answer */
	enum conf_action action_mailfrom[CONF_R_COUNT];
	enum conf_action action_helo[CONF_R_COUNT];
	int		observe_only;
	unsigned	reject_code;
	char	       *reject_enhanced_code;
	unsigned	defer_code;
	char	       *defer_enhanced_code;
	int		header_received_spf;
	int		header_authentication_results;
	char	       *authserv_id;		/* "": the host name */
	enum conf_action action_require_pass;	/* require_pass_domains */
	char	       *reject_text;		/* template; "": built in */
	int		header_exempt;
	/* DKIM and DMARC (the Milter front end, rmxf message, procmail) */
	int		test_dkim;
	int		test_dmarc;
	unsigned	dkim_max_signatures;
	enum conf_dmarc_action action_dmarc_reject;	/* fail, p=reject */
	enum conf_dmarc_action action_dmarc_quarantine; /* fail, p=quarantine */
	enum conf_dmarc_action action_dmarc_temperror;

	/* whom not to test */
	struct conf_nets exempt_networks;
	struct conf_nets trusted_relays;
	int		exempt_authenticated;
	char	       *acl_file;		/* "": no ACL */
	struct conf_strs exempt_helo_names;
	struct conf_strs exempt_spf_domains;
	struct conf_strs exempt_ptr_domains;
	struct conf_strs require_pass_domains;

	/* smarthost profile (the seed's -sh) */
	struct conf_addrs smarthost_egress;
	struct conf_strs smarthost_contexts;

	/* daemon */
	struct conf_listens listen;
	char	       *user;			/* "": keep the invoking user */
	char	       *chroot;			/* "": none */
	enum conf_log_to log_to;
	enum conf_facility syslog_facility;
	enum conf_log_level log_level;
	unsigned	max_connections;
	unsigned	request_timeout;	/* ms */
	unsigned	stall_timeout;		/* ms; 0: request_timeout */
	unsigned	result_reuse_time;	/* ms; 0: never */

	/* DNS and SPF limits */
	struct conf_fwds dns_forwarders;	/* none: /etc/resolv.conf */
#define CONF_MAX_FORWARDERS_TEXT 4096	/* conf_print_forwarders() */
	unsigned	dns_timeout;		/* ms */
	unsigned	dns_domain_queries;	/* per registered domain */
	unsigned	dns_slow_domain_time;	/* ms */
	unsigned	dns_reuse_time;		/* ms; 0: never */
	unsigned	spf_max_dns_terms;
	unsigned	spf_max_void_lookups;
	unsigned	spf_max_mx_addrs;
	unsigned	spf_max_ptr_addrs;

	/* signed envelope senders (SES / BATV prvs) */
	char	       *ses_keys;		/* "": no signing */
	struct conf_strs ses_domains;
	unsigned	ses_lifetime;		/* days */
	char	       *ses_signing_since;	/* "" or YYYY-MM-DD */
	unsigned	ses_grace_period;	/* days */

	/* sender rewriting for forwarded mail (SRS, as postsrsd) */
	char	       *srs_secrets;		/* "": no SRS */
	char	       *srs_domain;
	struct conf_strs srs_exclude_domains;
	unsigned	srs_max_age;		/* days */
	int		srs_separator;		/* '=', '+' or '-' */
	int		srs_base64url;

	/* socketmap service of rmxfd (sign verify srs_forward srs_reverse) */
	struct conf_listens socketmap_listen;
	struct conf_listens milter_listen;

	/* Prometheus metrics of rmxfd: inet:HOST:PORT only */
	struct conf_listens metrics_listen;

	/* rmxf procmail */
	unsigned	procmail_trusted_hops;
};

struct conf *conf_default(void);
struct conf *conf_parse(const char *text, size_t len, const char *name,
	    struct buf *err);
void	conf_free(struct conf *);
int	conf_equal(const struct conf *, const struct conf *);
long	conf_date_days(const char *, long *);
int	conf_nets_has(const struct conf_nets *, const struct ipaddr *);

/* The variables of a reply text template (conf_template.c). */
enum conf_tvar {
	CONF_TV_RESULT,
	CONF_TV_DOMAIN,
	CONF_TV_CLIENT_ADDRESS,
	CONF_TV_SENDER,
	CONF_TV_HELO_NAME,
	CONF_TV_EXPLANATION,
	CONF_TV_COUNT
};

int	conf_template_check(const char *, size_t, struct buf *);
void	conf_template_expand(const char *, const char *const[CONF_TV_COUNT],
	    struct buf *);

int	conf_print(const struct conf *, struct buf *, int only_non_default);
int	conf_print_param(const struct conf *, const char *name, struct buf *);
int	conf_print_docs(struct buf *);
int	conf_print_forwarders(const struct conf *, struct buf *);

size_t	conf_param_count(void);
const char *conf_param_name(size_t);
const char *conf_param_doc(size_t);
const char *conf_action_str(enum conf_action);
const char *conf_dmarc_action_str(enum conf_dmarc_action);
const char *conf_result_str(enum conf_result);
const char *conf_facility_str(enum conf_facility);
const char *conf_log_level_str(enum conf_log_level);

#endif
