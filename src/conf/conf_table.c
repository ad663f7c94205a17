/*
 * NAME
 *	conf_table 3
 * SUMMARY
 *	every rmxf.conf parameter: type, default, range and doc line
 * SYNOPSIS
 *	#include "conf/conf_int.h"
 *
 *	extern const struct conf_opt conf_opts[];
 *	extern const size_t conf_nopts;
 *
 *	const struct conf_opt *conf_opt_find(const char *name, size_t len);
 *	const char *conf_opt_suggest(const char *name, size_t len);
 *
 *	#include "conf/conf.h"
 *
 *	size_t	conf_param_count(void);
 *	const char *conf_param_name(size_t i);
 *	const char *conf_param_doc(size_t i);
 *	const char *conf_action_str(enum conf_action a);
 *	const char *conf_dmarc_action_str(enum conf_dmarc_action a);
 *	const char *conf_result_str(enum conf_result r);
 *	const char *conf_facility_str(enum conf_facility f);
 *	const char *conf_log_level_str(enum conf_log_level l);
 * DESCRIPTION
 *	conf_opts[] is the one place that knows a parameter: its name (the
 *	field of struct conf of the same name), how its text is read, its
 *	default as rmxf.conf text, its range, and the line that documents
 *	it.  The embedded default configuration is this table's def
 *	column: conf_default() parses it like a file.  rmxf.conf(5) lists
 *	the same parameters; test_conf checks that none is missing there.
 *
 *	The seed's mxfilter.cf keys (test_spf test_dmp test_a test_mx
 *	default_result, and test_helo for its HELO test) are parameters
 *	of the same name, so an old file reads as written.
 *
 *	conf_opt_find() looks a name up (exact, case-sensitive, like
 *	Postfix).  conf_opt_suggest() returns the known name closest to an
 *	unknown one (edit distance, ignoring case) when it is close enough
 *	to be a typo, else NULL.
 *
 *	conf_param_count(), conf_param_name() and conf_param_doc() walk
 *	the table in its order, for documentation and tests.  The _str()
 *	functions give the canonical spelling of a value.
 * SEE ALSO
 *	rmxf.conf(5), conf(3), RFC 7208 section 4.6.4 (limits), RFC 7372
 *	(enhanced status codes).
 */
#include <ctype.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "conf/conf_int.h"

_Static_assert(sizeof(enum conf_action) == sizeof(int), "enum size");
_Static_assert(sizeof(enum conf_result) == sizeof(int), "enum size");
_Static_assert(sizeof(enum conf_dmarc_action) == sizeof(int), "enum size");
_Static_assert(sizeof(enum conf_log_to) == sizeof(int), "enum size");
_Static_assert(sizeof(enum conf_facility) == sizeof(int), "enum size");
_Static_assert(sizeof(enum conf_log_level) == sizeof(int), "enum size");

static const struct conf_name conf_bool_names[] = {
	{"yes", 1}, {"no", 0}, {"true", 1}, {"false", 0},
	{"1", 1}, {"0", 0}, {"on", 1}, {"off", 0},
	{NULL, 0},
};

static const struct conf_name conf_action_names[] = {
	{"accept", CONF_ACT_ACCEPT},
	{"mark", CONF_ACT_MARK},
	{"reject", CONF_ACT_REJECT},
	{"defer", CONF_ACT_DEFER},
	{"defer_if_permit", CONF_ACT_DEFER_IF_PERMIT},
	{"observe", CONF_ACT_OBSERVE},
	{NULL, 0},
};

static const struct conf_name conf_dmarc_action_names[] = {
	{"mark", CONF_DA_MARK},
	{"quarantine", CONF_DA_QUARANTINE},
	{"reject", CONF_DA_REJECT},
	{"defer", CONF_DA_DEFER},
	{"observe", CONF_DA_OBSERVE},
	{NULL, 0},
};

/* All seven results, for conf_result_str(). */
static const struct conf_name conf_result_names[] = {
	{"none", CONF_R_NONE},
	{"neutral", CONF_R_NEUTRAL},
	{"pass", CONF_R_PASS},
	{"fail", CONF_R_FAIL},
	{"softfail", CONF_R_SOFTFAIL},
	{"temperror", CONF_R_TEMPERROR},
	{"permerror", CONF_R_PERMERROR},
	{NULL, 0},
};

/*
 * default_result: what may stand in for "nothing decided".  Never pass
 * (a default is no authentication) and never an error.  The seed wrote
 * the SPF draft's "unknown" (its "?all", code 2) for neutral.
 */
static const struct conf_name conf_default_result_names[] = {
	{"neutral", CONF_R_NEUTRAL},
	{"none", CONF_R_NONE},
	{"softfail", CONF_R_SOFTFAIL},
	{"fail", CONF_R_FAIL},
	{"unknown", CONF_R_NEUTRAL},
	{"2", CONF_R_NEUTRAL},
	{NULL, 0},
};

static const struct conf_name conf_log_to_names[] = {
	{"syslog", CONF_LOG_SYSLOG},
	{"stderr", CONF_LOG_STDERR},
	{NULL, 0},
};

static const struct conf_name conf_log_level_names[] = {
	{"error", CONF_LOGL_ERROR},
	{"warning", CONF_LOGL_WARNING},
	{"info", CONF_LOGL_INFO},
	{"debug", CONF_LOGL_DEBUG},
	{NULL, 0},
};

static const struct conf_name conf_srs_sep_names[] = {
	{"=", '='}, {"+", '+'}, {"-", '-'},
	{NULL, 0},
};

static const struct conf_name conf_facility_names[] = {
	{"mail", CONF_FAC_MAIL},
	{"daemon", CONF_FAC_DAEMON},
	{"user", CONF_FAC_USER},
	{"local0", CONF_FAC_LOCAL0},
	{"local1", CONF_FAC_LOCAL1},
	{"local2", CONF_FAC_LOCAL2},
	{"local3", CONF_FAC_LOCAL3},
	{"local4", CONF_FAC_LOCAL4},
	{"local5", CONF_FAC_LOCAL5},
	{"local6", CONF_FAC_LOCAL6},
	{"local7", CONF_FAC_LOCAL7},
	{NULL, 0},
};

#define CONF_SEC	1000UL		/* ms */

#define CONF_OFF(f)	offsetof(struct conf, f)
#define CONF_BOOL(n, d, doc) \
	{#n, CONF_T_BOOL, CONF_OFF(n), d, 0, 0, conf_bool_names, 0, doc}
#define CONF_UINT(n, d, lo, hi, doc) \
	{#n, CONF_T_UINT, CONF_OFF(n), d, lo, hi, NULL, 0, doc}
#define CONF_TIME(n, d, lo, hi, doc) \
	{#n, CONF_T_TIME, CONF_OFF(n), d, lo, hi, NULL, 0, doc}
#define CONF_STR(n, d, fl, doc) \
	{#n, CONF_T_STR, CONF_OFF(n), d, 0, 0, NULL, fl, doc}
#define CONF_ENUM(n, d, names, doc) \
	{#n, CONF_T_ENUM, CONF_OFF(n), d, 0, 0, names, 0, doc}
#define CONF_DSN(n, d, cls, doc) \
	{#n, CONF_T_DSN, CONF_OFF(n), d, cls, cls, NULL, 0, doc}
#define CONF_LIST(n, t, d, doc) \
	{#n, t, CONF_OFF(n), d, 0, 0, NULL, 0, doc}
#define CONF_WORDS(n, d, fl, doc) \
	{#n, CONF_T_WORDS, CONF_OFF(n), d, 0, 0, NULL, fl, doc}
#define CONF_LISTF(n, t, d, fl, doc) \
	{#n, t, CONF_OFF(n), d, 0, 0, NULL, fl, doc}
#define CONF_ACTION(id, r, R, d, what) \
	{"action_" #id "_" #r, CONF_T_ENUM, CONF_OFF(action_##id) + \
	    CONF_R_##R * sizeof(enum conf_action), d, 0, 0, \
	    conf_action_names, 0, what}

const struct conf_opt conf_opts[] = {
	/* what to test: the seed's keys first */
	CONF_BOOL(test_spf, "yes",
	    "check SPF (RFC 7208) for the MAIL FROM identity"),
	CONF_BOOL(test_helo, "no",
	    "check SPF for the HELO identity too, before MAIL FROM"),
	CONF_BOOL(test_dmp, "no",
	    "legacy test without SPF: Designated Mailer Protocol records"),
	CONF_BOOL(test_a, "no",
	    "legacy test without SPF: client near the sender domain's "
	    "A/AAAA addresses"),
	CONF_BOOL(test_mx, "no",
	    "legacy test without SPF: client near the sender domain's MX "
	    "hosts"),
	CONF_BOOL(legacy_on_neutral, "no",
	    "run the legacy tests for a neutral MAIL FROM result too, not "
	    "only for none"),
	CONF_UINT(a_prefix4, "24", 0, 32,
	    "test_a: IPv4 prefix length of the neighbourhood"),
	CONF_UINT(a_prefix6, "64", 0, 128,
	    "test_a: IPv6 prefix length of the neighbourhood"),
	CONF_UINT(mx_prefix4, "24", 0, 32,
	    "test_mx: IPv4 prefix length of the neighbourhood"),
	CONF_UINT(mx_prefix6, "64", 0, 128,
	    "test_mx: IPv6 prefix length of the neighbourhood"),
	CONF_ENUM(default_result, "neutral", conf_default_result_names,
	    "MAIL FROM result when nothing decided: neutral, none, softfail "
	    "or fail"),

	/* what to answer */
	CONF_ACTION(mailfrom, pass, PASS, "accept",
	    "action for a MAIL FROM result of pass"),
	CONF_ACTION(mailfrom, fail, FAIL, "reject",
	    "action for a MAIL FROM result of fail"),
	CONF_ACTION(mailfrom, softfail, SOFTFAIL, "mark",
	    "action for a MAIL FROM result of softfail"),
	CONF_ACTION(mailfrom, neutral, NEUTRAL, "accept",
	    "action for a MAIL FROM result of neutral"),
	CONF_ACTION(mailfrom, none, NONE, "accept",
	    "action for a MAIL FROM result of none"),
	CONF_ACTION(mailfrom, permerror, PERMERROR, "accept",
	    "action for a MAIL FROM result of permerror"),
	CONF_ACTION(mailfrom, temperror, TEMPERROR, "defer",
	    "action for a MAIL FROM result of temperror"),
	CONF_ACTION(helo, pass, PASS, "accept",
	    "action for a HELO result of pass"),
	CONF_ACTION(helo, fail, FAIL, "reject",
	    "action for a HELO result of fail"),
	CONF_ACTION(helo, softfail, SOFTFAIL, "mark",
	    "action for a HELO result of softfail"),
	CONF_ACTION(helo, neutral, NEUTRAL, "accept",
	    "action for a HELO result of neutral"),
	CONF_ACTION(helo, none, NONE, "accept",
	    "action for a HELO result of none"),
	CONF_ACTION(helo, permerror, PERMERROR, "accept",
	    "action for a HELO result of permerror"),
	CONF_ACTION(helo, temperror, TEMPERROR, "defer",
	    "action for a HELO result of temperror"),
	CONF_ENUM(action_require_pass, "reject", conf_action_names,
	    "action for a non-pass MAIL FROM result of require_pass_domains"),
	CONF_BOOL(observe_only, "no",
	    "log what would be done, answer DUNNO and add no header"),
	CONF_UINT(reject_code, "550", 500, 599,
	    "SMTP reply code of the reject action"),
	CONF_DSN(reject_enhanced_code, "5.7.23", 5,
	    "enhanced status code of the reject action (RFC 7372)"),
	CONF_STR(reject_text, "", CONF_F_TEMPLATE,
	    "text of SPF rejects: a template (rmxf.conf(5)); empty: built in"),
	CONF_UINT(defer_code, "450", 400, 499,
	    "SMTP reply code of the defer action"),
	CONF_DSN(defer_enhanced_code, "4.7.24", 4,
	    "enhanced status code of the defer action (RFC 7372)"),
	CONF_BOOL(header_received_spf, "yes",
	    "report the result in Received-SPF: (RFC 7208 9.1)"),
	CONF_BOOL(header_authentication_results, "no",
	    "report it in Authentication-Results: (RFC 8601); with both, at "
	    "DATA"),
	CONF_STR(authserv_id, "", CONF_F_TOKEN,
	    "our name in the headers (authserv-id, receiver=); empty: the "
	    "host name"),

	CONF_BOOL(header_exempt, "no",
	    "add X-RMXF-Exempt: to an exempted message, saying why"),

	/* DKIM and DMARC: the Milter front end, rmxf message, procmail */
	CONF_BOOL(test_dkim, "yes",
	    "verify DKIM signatures (RFC 6376) of the message"),
	CONF_BOOL(test_dmarc, "yes",
	    "evaluate the From domain's DMARC policy (RFC 9989)"),
	CONF_UINT(dkim_max_signatures, "5", 1, 20,
	    "DKIM signatures verified per message; more are not reported"),
	CONF_ENUM(action_dmarc_reject, "reject", conf_dmarc_action_names,
	    "action for a DMARC fail under p=reject"),
	CONF_ENUM(action_dmarc_quarantine, "quarantine",
	    conf_dmarc_action_names,
	    "action for a DMARC fail under p=quarantine"),
	CONF_ENUM(action_dmarc_temperror, "mark", conf_dmarc_action_names,
	    "action for a DMARC temperror (the policy is not known)"),

	/* whom not to test */
	CONF_LIST(exempt_networks, CONF_T_NETS, "127.0.0.0/8 ::1/128",
	    "client networks that are never checked"),
	CONF_LIST(trusted_relays, CONF_T_NETS, "",
	    "backup MX hosts and relays that are never checked"),
	CONF_BOOL(exempt_authenticated, "yes",
	    "never check SASL-authenticated clients (inbound profile)"),
	CONF_WORDS(exempt_helo_names, "", 0,
	    "HELO names not checked when their SPF passes for the client"),
	CONF_WORDS(exempt_spf_domains, "", CONF_F_DOMAIN,
	    "domains whose SPF the client passes: not checked (forwarders)"),
	CONF_WORDS(exempt_ptr_domains, "", CONF_F_DOMAIN,
	    "domains the client's confirmed PTR name is in or under: not "
	    "checked"),
	CONF_WORDS(require_pass_domains, "", CONF_F_DOMAIN,
	    "sender domains whose mail must pass SPF (action_require_pass)"),
	CONF_STR(acl_file, "", 0,
	    "recipient ACL file (rmxf.conf(5), ACL FILE); empty: check "
	    "everyone"),

	/* the smarthost profile */
	CONF_LIST(smarthost_egress, CONF_T_ADDRS, "",
	    "our outgoing IPv4/IPv6 addresses, the seed's -sh IP"),
	CONF_LIST(smarthost_contexts, CONF_T_WORDS, "",
	    "policy_context values that select the smarthost profile"),

	/* the daemon */
	CONF_LIST(listen, CONF_T_LISTEN, "unix:/var/spool/postfix/private/rmxf",
	    "sockets of rmxfd: unix:PATH or inet:HOST:PORT"),
	CONF_STR(user, "", CONF_F_WORD,
	    "user to run as after binding; empty: the invoking user"),
	CONF_STR(chroot, "", 0,
	    "directory to chroot into after binding; empty: none"),
	CONF_ENUM(log_to, "syslog", conf_log_to_names,
	    "where rmxfd logs: syslog or stderr"),
	CONF_ENUM(syslog_facility, "mail", conf_facility_names,
	    "syslog facility: mail, daemon, user, local0 to local7"),
	CONF_ENUM(log_level, "info", conf_log_level_names,
	    "least severe lines logged: error, warning, info (decisions), "
	    "debug"),
	CONF_UINT(max_connections, "1000", 1, 100000,
	    "most policy (and socketmap) connections open at once"),
	CONF_TIME(request_timeout, "20s", 1 * CONF_SEC, 90 * CONF_SEC,
	    "deadline of one policy request (below Postfix's policy "
	    "timeout)"),
	CONF_TIME(stall_timeout, "0", 0, 3600 * CONF_SEC,
	    "a policy request must arrive whole this soon (0: "
	    "request_timeout)"),
	CONF_TIME(result_reuse_time, "1s", 0, 60 * CONF_SEC,
	    "reuse an evaluation for the same client, HELO, sender this long"),

	/* DNS and SPF limits */
	CONF_LIST(dns_forwarders, CONF_T_FWDS, "",
	    "DNS servers to ask, IP[@PORT]; empty: those of "
	    "/etc/resolv.conf"),
	CONF_TIME(dns_timeout, "20s", 100, 300 * CONF_SEC,
	    "deadline of the DNS lookups of one SPF evaluation "
	    "(RFC 7208 4.6.4)"),
	CONF_UINT(dns_domain_queries, "16", 0, 10000,
	    "DNS questions in flight per registered domain (0: no bound)"),
	CONF_TIME(dns_slow_domain_time, "30s", 0, 3600 * CONF_SEC,
	    "a domain whose lookups timed out is not asked this long"),
	CONF_TIME(dns_reuse_time, "1s", 0, 60 * CONF_SEC,
	    "a DNS answer is reused this long without asking the resolver "
	    "(0: never)"),
	CONF_UINT(spf_max_dns_terms, "10", 1, 100,
	    "DNS-querying terms per evaluation (RFC 7208 4.6.4)"),
	CONF_UINT(spf_max_void_lookups, "2", 0, 100,
	    "void lookups per evaluation (RFC 7208 4.6.4)"),
	CONF_UINT(spf_max_mx_addrs, "10", 1, 100,
	    "address lookups per mx term (RFC 7208 4.6.4)"),
	CONF_UINT(spf_max_ptr_addrs, "10", 1, 100,
	    "names looked at per ptr term (RFC 7208 4.6.4)"),

	/* signed envelope senders: SES / BATV prvs */
	CONF_STR(ses_keys, "", 0,
	    "BATV key ring file (K SECRET lines); empty: no signing, no "
	    "bounce check"),
	CONF_LIST(ses_domains, CONF_T_WORDS, "",
	    "our domains: senders signed, bounces checked"),
	CONF_UINT(ses_lifetime, "7", 1, 365,
	    "days a prvs signature stays valid"),
	CONF_STR(ses_signing_since, "", CONF_F_DATE,
	    "YYYY-MM-DD signing was enabled; empty: no grace period"),
	CONF_UINT(ses_grace_period, "7", 0, 365,
	    "days after ses_signing_since unsigned bounces are only marked"),

	/* forwarded mail: SRS, compatible with postsrsd */
	CONF_STR(srs_secrets, "", 0,
	    "SRS secrets file (one per line, the first signs); empty: no SRS"),
	CONF_STR(srs_domain, "", CONF_F_WORD,
	    "domain of the SRS addresses we make"),
	CONF_LIST(srs_exclude_domains, CONF_T_WORDS, "",
	    "local domains never rewritten by SRS (nor is srs_domain)"),
	CONF_UINT(srs_max_age, "21", 1, 1000,
	    "days an SRS address can be reversed"),
	CONF_ENUM(srs_separator, "=", conf_srs_sep_names,
	    "separator after SRS0/SRS1: =, + or -"),
	CONF_BOOL(srs_base64url, "no",
	    "SRS hash in base64url (postsrsd 2.2.6+), not base64 (1.x)"),

	/* the socketmap service */
	CONF_LIST(socketmap_listen, CONF_T_LISTEN, "",
	    "rmxfd socketmap sockets: unix:PATH or inet:HOST:PORT"),

	/* the Milter front end */
	CONF_LIST(milter_listen, CONF_T_LISTEN, "",
	    "rmxfd Milter sockets (smtpd_milters): unix:PATH or "
	    "inet:HOST:PORT"),

	/* monitoring */
	CONF_LISTF(metrics_listen, CONF_T_LISTEN, "", CONF_F_INET,
	    "rmxfd answers GET /metrics (Prometheus) on inet:HOST:PORT; "
	    "empty: off"),

	/* rmxf procmail */
	CONF_UINT(procmail_trusted_hops, "0", 0, 20,
	    "rmxf procmail: our own Received: lines to skip"),
};

const size_t conf_nopts = sizeof(conf_opts) / sizeof(conf_opts[0]);

#define CONF_SUGGEST_MAX 3	/* edits that still look like a typo */

/* conf_opt_find - the row of a name, or NULL */
const struct conf_opt *
conf_opt_find(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < conf_nopts; i++)
		if (strlen(conf_opts[i].name) == len &&
		    memcmp(conf_opts[i].name, name, len) == 0)
			return &conf_opts[i];
	return NULL;
}

/*
 * conf_opt_distance - edits from a to b (insert, delete, change, swap two
 * neighbours), ignoring case; both at most CONF_MAX_NAME long
 */
static size_t
conf_opt_distance(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t rows[3][CONF_MAX_NAME + 1];
	size_t *prev2 = rows[0], *prev = rows[1], *cur = rows[2], *t;
	size_t i, j, best;
	int ca, cb;

	for (j = 0; j <= blen; j++)
		prev[j] = j;
	for (i = 1; i <= alen; i++) {
		cur[0] = i;
		ca = tolower((unsigned char)a[i - 1]);
		for (j = 1; j <= blen; j++) {
			cb = tolower((unsigned char)b[j - 1]);
			best = prev[j - 1] + (ca != cb);
			if (prev[j] + 1 < best)
				best = prev[j] + 1;
			if (cur[j - 1] + 1 < best)
				best = cur[j - 1] + 1;
			if (i > 1 && j > 1 && ca == tolower((unsigned char)
			    b[j - 2]) && tolower((unsigned char)a[i - 2]) ==
			    cb && prev2[j - 2] + 1 < best)
				best = prev2[j - 2] + 1;
			cur[j] = best;
		}
		t = prev2;
		prev2 = prev;
		prev = cur;
		cur = t;
	}
	return prev[blen];
}

/* conf_opt_suggest - a known name close to an unknown one, or NULL */
const char *
conf_opt_suggest(const char *name, size_t len)
{
	const char *best = NULL;
	size_t i, d, nlen, bestd = CONF_SUGGEST_MAX + 1;

	if (len == 0 || len > CONF_MAX_NAME)
		return NULL;
	for (i = 0; i < conf_nopts; i++) {
		nlen = strlen(conf_opts[i].name);
		d = conf_opt_distance(name, len, conf_opts[i].name, nlen);
		/* short names need a closer match to count as a typo */
		if (d < bestd && d <= (nlen < 8 ? 1 : nlen < 12 ? 2 :
		    CONF_SUGGEST_MAX)) {
			best = conf_opts[i].name;
			bestd = d;
		}
	}
	return best;
}

/* conf_enum_str - canonical name of a value */
const char *
conf_enum_str(const struct conf_name *names, int value)
{
	size_t i;

	for (i = 0; names[i].name != NULL; i++)
		if (names[i].value == value)
			return names[i].name;
	return "?";
}

/* conf_param_count - rows in the table */
size_t
conf_param_count(void)
{
	return conf_nopts;
}

/* conf_param_name - name of row i, or NULL past the end */
const char *
conf_param_name(size_t i)
{
	return i < conf_nopts ? conf_opts[i].name : NULL;
}

/* conf_param_doc - doc line of row i, or NULL past the end */
const char *
conf_param_doc(size_t i)
{
	return i < conf_nopts ? conf_opts[i].doc : NULL;
}

/* conf_dmarc_action_str - "mark", "quarantine", ... */
const char *
conf_dmarc_action_str(enum conf_dmarc_action a)
{
	return conf_enum_str(conf_dmarc_action_names, (int)a);
}

/* conf_action_str - "accept", "mark", ... */
const char *
conf_action_str(enum conf_action a)
{
	return conf_enum_str(conf_action_names, (int)a);
}

/* conf_result_str - "none", "neutral", ... */
const char *
conf_result_str(enum conf_result r)
{
	return conf_enum_str(conf_result_names, (int)r);
}

/* conf_log_level_str - "error", "warning", "info", "debug" */
const char *
conf_log_level_str(enum conf_log_level l)
{
	return conf_enum_str(conf_log_level_names, (int)l);
}

/* conf_facility_str - "mail", "local0", ... */
const char *
conf_facility_str(enum conf_facility f)
{
	return conf_enum_str(conf_facility_names, (int)f);
}
