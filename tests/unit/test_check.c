/* test_check - the check pipeline: action table, ACL flags, message,
 * recent evaluations, deadline */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "acl/acl.h"
#include "check/check.h"
#include "check/check_int.h"
#include "conf/conf.h"
#include "dns/dns.h"
#include "policy/policy.h"
#include "ses/ses.h"
#include "util/buf.h"

#define TEST_MAX_ERR	4096
#define TEST_MAX_ACTION	4096
#define TEST_MAX_LOG	4096

/* One decision: conf, ACL flags and results in, answer out. */
struct decide_case {
	const char     *name;
	const char     *conf;		/* rmxf.conf text */
	int		acl;		/* 1: an ACL check entry with flags */
	unsigned	flags;
	int		mf_checked;
	enum spf_result	mf;
	int		he_checked;
	enum spf_result	he;
	enum check_method legacy;
	int		header_sent;
	enum check_verdict verdict;
	enum check_method method;
	enum spf_identity identity;
	enum spf_result	result;
	const char     *action;		/* prefix of the action */
	const char     *log;		/* substring of the log line */
	const char     *not_in_action;	/* must not appear, or NULL */
};

#define MF	SPF_ID_MAILFROM
#define HE	SPF_ID_HELO
#define V_D	CHECK_V_DUNNO
#define V_P	CHECK_V_PREPEND
#define V_R	CHECK_V_REJECT
#define V_F	CHECK_V_DEFER
#define V_I	CHECK_V_DEFER_IF_PERMIT

static const struct decide_case decide_cases[] = {
	{"pass accepted with Received-SPF", "", 0, 0, 1, SPF_PASS, 0, 0,
	 CHECK_M_NONE, 0, V_P, CHECK_M_SPF, MF, SPF_PASS,
	 "PREPEND Received-SPF: pass", " action=accept header=received-spf",
	 NULL},
	{"fail rejected with the explanation", "", 0, 0, 1, SPF_FAIL, 0, 0,
	 CHECK_M_NONE, 0, V_R, CHECK_M_SPF, MF, SPF_FAIL,
	 "550 5.7.23 SPF fail, mf.example explains: MF explains", " action=reject", NULL},
	{"softfail marked", "", 0, 0, 1, SPF_SOFTFAIL, 0, 0, CHECK_M_NONE, 0,
	 V_P, CHECK_M_SPF, MF, SPF_SOFTFAIL, "PREPEND Received-SPF: softfail",
	 " action=mark", NULL},
	{"neutral accepted", "", 0, 0, 1, SPF_NEUTRAL, 0, 0, CHECK_M_NONE, 0,
	 V_P, CHECK_M_SPF, MF, SPF_NEUTRAL, "PREPEND Received-SPF: neutral",
	 " result=neutral action=accept", NULL},
	{"none becomes default_result", "", 0, 0, 1, SPF_NONE, 0, 0,
	 CHECK_M_NONE, 0, V_P, CHECK_M_DEFAULT, MF, SPF_NEUTRAL,
	 "PREPEND Received-SPF: none", " method=default result=neutral",
	 NULL},
	{"temperror deferred", "", 0, 0, 1, SPF_TEMPERROR, 0, 0,
	 CHECK_M_NONE, 0, V_F, CHECK_M_SPF, MF, SPF_TEMPERROR,
	 "450 4.7.24 SPF temporary error for mf.example", " action=defer",
	 NULL},
	{"permerror accepted by default", "", 0, 0, 1, SPF_PERMERROR, 0, 0,
	 CHECK_M_NONE, 0, V_P, CHECK_M_SPF, MF, SPF_PERMERROR,
	 "PREPEND Received-SPF: permerror", " problem=\"MF problem\"", NULL},
	{"permerror rejected: 5.7.24", "action_mailfrom_permerror = reject\n",
	 0, 0, 1, SPF_PERMERROR, 0, 0, CHECK_M_NONE, 0, V_R, CHECK_M_SPF, MF,
	 SPF_PERMERROR, "550 5.7.24 SPF permanent error for mf.example: MF "
	 "problem", " action=reject", NULL},
	{"custom reject code", "reject_code = 554\n"
	 "reject_enhanced_code = 5.7.1\n", 0, 0, 1, SPF_FAIL, 0, 0,
	 CHECK_M_NONE, 0, V_R, CHECK_M_SPF, MF, SPF_FAIL, "554 5.7.1 SPF fail, mf.example explains: MF",
	 NULL, NULL},
	{"observe_only: DUNNO", "observe_only = yes\n", 0, 0, 1, SPF_FAIL, 0,
	 0, CHECK_M_NONE, 0, V_D, CHECK_M_SPF, MF, SPF_FAIL, "DUNNO",
	 " action=reject observe=yes", NULL},
	{"ACL OBSERVE: DUNNO", "", 1, ACL_F_OBSERVE, 1, SPF_FAIL, 0, 0,
	 CHECK_M_NONE, 0, V_D, CHECK_M_SPF, MF, SPF_FAIL, "DUNNO",
	 " observe=yes", NULL},
	{"observe action: answered as accept, the rule named",
	 "action_mailfrom_fail = observe\n", 0, 0, 1, SPF_FAIL, 0, 0,
	 CHECK_M_NONE, 0, V_P, CHECK_M_SPF, MF, SPF_FAIL,
	 "PREPEND Received-SPF: fail",
	 " action=accept observed=action_mailfrom_fail header=received-spf",
	 NULL},
	{"observe HELO fail: MAIL FROM's pass decides",
	 "action_helo_fail = observe\n", 0, 0, 1, SPF_PASS, 1, SPF_FAIL,
	 CHECK_M_NONE, 0, V_P, CHECK_M_SPF, MF, SPF_PASS,
	 "PREPEND Received-SPF: pass", " identity=mailfrom method=spf "
	 "result=pass action=accept observed=action_helo_fail", NULL},
	{"require_pass_domains: softfail rejected",
	 "require_pass_domains = other.example MF.example\n", 0, 0, 1,
	 SPF_SOFTFAIL, 0, 0, CHECK_M_NONE, 0, V_R, CHECK_M_SPF, MF,
	 SPF_SOFTFAIL, "550 5.7.23 mf.example does not designate 192.0.2.9 "
	 "as permitted sender (SPF softfail)", " action=reject why=require-pass",
	 NULL},
	{"require_pass_domains: none with a legacy pass rejected",
	 "require_pass_domains = mf.example\n", 0, 0, 1, SPF_NONE, 0, 0,
	 CHECK_M_A, 0, V_R, CHECK_M_SPF, MF, SPF_NONE, "550 5.7.23",
	 " why=require-pass", NULL},
	{"require_pass_domains: pass accepted",
	 "require_pass_domains = mf.example\n", 0, 0, 1, SPF_PASS, 0, 0,
	 CHECK_M_NONE, 0, V_P, CHECK_M_SPF, MF, SPF_PASS,
	 "PREPEND Received-SPF: pass", " action=accept", "why="},
	{"require_pass_domains: temperror deferred, not rejected",
	 "require_pass_domains = mf.example\n", 0, 0, 1, SPF_TEMPERROR, 0, 0,
	 CHECK_M_NONE, 0, V_F, CHECK_M_SPF, MF, SPF_TEMPERROR, "450 4.7.24",
	 " action=defer", NULL},
	{"require_pass_domains: another domain, softfail marked",
	 "require_pass_domains = other.example\n", 0, 0, 1, SPF_SOFTFAIL, 0,
	 0, CHECK_M_NONE, 0, V_P, CHECK_M_SPF, MF, SPF_SOFTFAIL,
	 "PREPEND Received-SPF: softfail", " action=mark", NULL},
	{"require_pass_domains observed: marked, the rule named",
	 "require_pass_domains = mf.example\naction_require_pass = observe\n",
	 0, 0, 1, SPF_SOFTFAIL, 0, 0, CHECK_M_NONE, 0, V_P, CHECK_M_SPF, MF,
	 SPF_SOFTFAIL, "PREPEND Received-SPF: softfail",
	 " action=mark observed=action_require_pass", NULL},
	{"require_pass_domains: a lighter action_require_pass: the table's",
	 "require_pass_domains = mf.example\naction_require_pass = mark\n",
	 0, 0, 1, SPF_FAIL, 0, 0, CHECK_M_NONE, 0, V_R, CHECK_M_SPF, MF,
	 SPF_FAIL, "550 5.7.23", " action=reject", "why="},
	{"require_pass_domains: defer for a softfail",
	 "require_pass_domains = mf.example\naction_require_pass = defer\n",
	 0, 0, 1, SPF_SOFTFAIL, 0, 0, CHECK_M_NONE, 0, V_F, CHECK_M_SPF, MF,
	 SPF_SOFTFAIL, "450 4.7.24", " action=defer why=require-pass", NULL},
	{"reject_text: a template", "reject_text = $result for ${domain} "
	 "from $client_address ($sender, $helo_name): $explanation $$5\n", 0,
	 0, 1, SPF_FAIL, 0, 0, CHECK_M_NONE, 0, V_R, CHECK_M_SPF, MF, SPF_FAIL,
	 "550 5.7.23 fail for mf.example from 192.0.2.9 (user@mf.example, "
	 "he.example): MF explains $5", NULL, NULL},
	{"reject_text: not for a defer", "reject_text = go away\n", 0, 0, 1,
	 SPF_TEMPERROR, 0, 0, CHECK_M_NONE, 0, V_F, CHECK_M_SPF, MF,
	 SPF_TEMPERROR, "450 4.7.24 SPF temporary error", NULL, NULL},
	{"defer_if_permit", "action_mailfrom_fail = defer_if_permit\n", 0, 0,
	 1, SPF_FAIL, 0, 0, CHECK_M_NONE, 0, V_I, CHECK_M_SPF, MF, SPF_FAIL,
	 "DEFER_IF_PERMIT 4.7.24 SPF fail, mf.example explains: MF explains", NULL, NULL},
	{"default_result fail rejects", "default_result = fail\n", 0, 0, 1,
	 SPF_NONE, 0, 0, CHECK_M_NONE, 0, V_R, CHECK_M_DEFAULT, MF, SPF_FAIL,
	 "550 5.7.23 mf.example does not designate 192.0.2.9", NULL, NULL},
	{"HMARK marks the undecided", "default_result = fail\n", 1,
	 ACL_F_HMARK, 1, SPF_NONE, 0, 0, CHECK_M_NONE, 0, V_P,
	 CHECK_M_DEFAULT, MF, SPF_FAIL, "PREPEND Received-SPF: none",
	 " action=mark", NULL},
	{"HMARK leaves a real fail", "", 1, ACL_F_HMARK, 1, SPF_FAIL, 0, 0,
	 CHECK_M_NONE, 0, V_R, CHECK_M_SPF, MF, SPF_FAIL, "550 5.7.23", NULL,
	 NULL},
	{"HMARK marks a rejected neutral",
	 "action_mailfrom_neutral = reject\n", 1, ACL_F_HMARK, 1,
	 SPF_NEUTRAL, 0, 0, CHECK_M_NONE, 0, V_P, CHECK_M_SPF, MF,
	 SPF_NEUTRAL, "PREPEND", " action=mark", NULL},
	{"legacy A pass", "", 0, 0, 1, SPF_NONE, 0, 0, CHECK_M_A, 0, V_P,
	 CHECK_M_A, MF, SPF_PASS, "PREPEND Received-SPF: none",
	 " method=a result=pass", NULL},
	{"NOLEGACY ignores the legacy pass", "default_result = fail\n", 1,
	 ACL_F_NOLEGACY, 1, SPF_NONE, 0, 0, CHECK_M_MX, 0, V_R,
	 CHECK_M_DEFAULT, MF, SPF_FAIL, "550", NULL, NULL},
	{"legacy in Authentication-Results, never spf=pass",
	 "header_received_spf = no\nheader_authentication_results = yes\n"
	 "authserv_id = mx.example\n", 0, 0, 1, SPF_NONE, 0, 0, CHECK_M_MX, 0,
	 V_P, CHECK_M_MX, MF, SPF_PASS, "PREPEND Authentication-Results: "
	 "mx.example; spf=none reason=\"not SPF: rmxf legacy MX "
	 "neighbourhood test: pass\" smtp.mailfrom=mf.example",
	 " header=authentication-results", "spf=pass"},
	{"HELO fail beats MAIL FROM pass", "", 0, 0, 1, SPF_PASS, 1, SPF_FAIL,
	 CHECK_M_NONE, 0, V_R, CHECK_M_SPF, HE, SPF_FAIL,
	 "550 5.7.23 SPF fail, he.example explains: HE explains", " spf_helo=fail spf_mailfrom=pass", NULL},
	{"NOHELO ignores the HELO fail, and does not log it", "", 1,
	 ACL_F_NOHELO, 1, SPF_PASS, 1, SPF_FAIL, CHECK_M_NONE, 0, V_P,
	 CHECK_M_SPF, MF, SPF_PASS, "PREPEND Received-SPF: pass",
	 "rcpt=<rcpt@example.net> spf_mailfrom=pass", NULL},
	{"HELO softfail mark beats MAIL FROM accept", "", 0, 0, 1, SPF_NONE,
	 1, SPF_SOFTFAIL, CHECK_M_NONE, 0, V_P, CHECK_M_SPF, HE,
	 SPF_SOFTFAIL, "PREPEND Received-SPF: softfail (mx.example: "
	 "transitioning domain of postmaster@he.example does not designate "
	 "192.0.2.9 as permitted sender) receiver=mx.example; "
	 "client-ip=192.0.2.9;", " identity=helo", NULL},
	{"MAIL FROM fail beats HELO pass", "", 0, 0, 1, SPF_FAIL, 1, SPF_PASS,
	 CHECK_M_NONE, 0, V_R, CHECK_M_SPF, MF, SPF_FAIL, "550 5.7.23 SPF fail, mf.example explains: MF",
	 NULL, NULL},
	{"header once per message", "", 0, 0, 1, SPF_PASS, 0, 0, CHECK_M_NONE,
	 1, V_D, CHECK_M_SPF, MF, SPF_PASS, "DUNNO", " action=accept", NULL},
	{"no header configured: accept is DUNNO", "header_received_spf = no\n",
	 0, 0, 1, SPF_PASS, 0, 0, CHECK_M_NONE, 0, V_D, CHECK_M_SPF, MF,
	 SPF_PASS, "DUNNO", NULL, NULL},
	{"no header configured: mark still adds one",
	 "header_received_spf = no\n", 0, 0, 1, SPF_SOFTFAIL, 0, 0,
	 CHECK_M_NONE, 0, V_P, CHECK_M_SPF, MF, SPF_SOFTFAIL,
	 "PREPEND Received-SPF: softfail", NULL, NULL},
	{"MAIL FROM not tested: default_result", "test_spf = no\n", 0, 0, 0,
	 SPF_NONE, 0, 0, CHECK_M_NONE, 0, V_D, CHECK_M_DEFAULT, MF,
	 SPF_NEUTRAL, "DUNNO", " method=default", NULL},
};

/* test_conf - parse a conf text (fatal on error) */
static struct conf *
test_conf(const char *text)
{
	struct buf err;
	struct conf *c;

	buf_init(&err, TEST_MAX_ERR);
	c = conf_parse(text, strlen(text), "t.conf", &err);
	if (c == NULL)
		fail_msg("conf: %s", err.data ? err.data : "?");
	buf_free(&err);
	return c;
}

/* test_idres_x - a made-up result of one identity, its strings in one
 * store as check_identity_set() makes them; xlen > 0: the explanation is
 * that many 'x' with a control character at [3] */
static void
test_idres_x(struct check_identity *r, const char *tag, const char *dom,
    enum spf_result res, size_t xlen)
{
	size_t cap = 1024 + xlen, n = 0;
	char *s = malloc(cap);

	assert_non_null(s);
	r->store = s;
	r->checked = 1;
	r->result = res;
	r->domain = s + n;
	n += (size_t)snprintf(s + n, cap - n, "%s", dom) + 1;
	r->mechanism = s + n;
	n += (size_t)snprintf(s + n, cap - n, "-all") + 1;
	r->problem = s + n;
	n += (size_t)snprintf(s + n, cap - n, "%s problem", tag) + 1;
	r->explanation = s + n;
	if (xlen > 0) {
		memset(s + n, 'x', xlen);
		s[n + 3] = '\001';
		s[n + xlen] = 0;
		n += xlen + 1;
	} else
		n += (size_t)snprintf(s + n, cap - n, "%s explains", tag) + 1;
	r->sender = s + n;
	snprintf(s + n, cap - n, "%s@%s", strcmp(tag, "HE") == 0 ?
	    "postmaster" : "user", dom);
	r->identity = strcmp(tag, "HE") == 0 ? SPF_ID_HELO : SPF_ID_MAILFROM;
}

/* test_idres - a made-up result of one identity */
static void
test_idres(struct check_identity *r, const char *tag, const char *dom,
    enum spf_result res)
{
	test_idres_x(r, tag, dom, res, 0);
}

/* test_texts - empty texts for check_decide() */
static void
test_texts(struct check_texts *t)
{
	buf_init(&t->action, TEST_MAX_ACTION);
	buf_init(&t->log, TEST_MAX_LOG);
	buf_init(&t->text, TEST_MAX_ACTION);
	buf_init(&t->header, TEST_MAX_ACTION);
	buf_init(&t->second, TEST_MAX_ACTION);
}

/* test_texts_free - release them */
static void
test_texts_free(struct check_texts *t)
{
	buf_free(&t->action);
	buf_free(&t->log);
	buf_free(&t->text);
	buf_free(&t->header);
	buf_free(&t->second);
}

/* test_check_decide - walk decide_cases */
static void
test_check_decide(void **state)
{
	struct check_envelope in = {
		.client_address = "192.0.2.9",
		.helo = "he.example",
		.sender = "user@mf.example",
		.recipient = "rcpt@example.net",
	};
	const struct decide_case *t;
	struct acl_entry entry;
	struct check_ctx ctx;
	struct check_results ev;
	struct check_decision d;
	struct check_texts texts;
	struct conf *c;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(decide_cases) / sizeof(decide_cases[0]); i++) {
		t = &decide_cases[i];
		print_message("# %s\n", t->name);
		c = test_conf(t->conf);
		memset(&ev, 0, sizeof(ev));
		if (t->mf_checked)
			test_idres(&ev.id[SPF_ID_MAILFROM], "MF", "mf.example",
			    t->mf);
		if (t->he_checked)
			test_idres(&ev.id[SPF_ID_HELO], "HE", "he.example",
			    t->he);
		ev.legacy = t->legacy;
		ev.legacy_result = SPF_PASS;	/* A, MX; the DMP rows too */
		memset(&entry, 0, sizeof(entry));
		entry.key = "rcpt@example.net";
		entry.action = ACL_CHECK;
		entry.flags = t->flags;
		entry.line = 1;
		memset(&ctx, 0, sizeof(ctx));
		ctx.conf = c;
		in.header_sent = t->header_sent;
		ctx.in = &in;
		ctx.acl = t->acl ? &entry : NULL;
		ctx.authserv_id = "mx.example";
		test_texts(&texts);
		memset(&d, 0, sizeof(d));
		check_decide(&ctx, &ev, &d, &texts);
		assert_int_equal(d.verdict, t->verdict);
		assert_int_equal(d.result_header != 0,
		    t->verdict == CHECK_V_PREPEND);
		assert_int_equal(d.method, t->method);
		assert_int_equal(d.identity, t->identity);
		assert_int_equal(d.result, t->result);
		assert_non_null(d.action);
		if (strncmp(d.action, t->action, strlen(t->action)) != 0)
			fail_msg("action \"%s\", want \"%s...\"", d.action,
			    t->action);
		if (t->log != NULL && strstr(d.log, t->log) == NULL)
			fail_msg("log \"%s\" lacks \"%s\"", d.log, t->log);
		if (t->not_in_action != NULL)
			assert_null(strstr(d.action, t->not_in_action));
		assert_non_null(strstr(d.log, "client=192.0.2.9 "));
		assert_null(strchr(d.log, '\n'));
		test_texts_free(&texts);
		check_results_clear(&ev);
		conf_free(c);
	}
}

/* The pipeline against a zone: requests of one connection, in order. */
static const char test_zone[] =
    "pass.example TXT \"v=spf1 ip4:192.0.2.0/24 -all\"\n"
    "slow.example TIMEOUT\n"
    "near.example A 198.51.100.20\n"
    "near.example MX 10 mx.near.example\n"
    "mx.near.example A 203.0.113.5\n"
    "helo.example TXT \"v=spf1 -all\"\n"
    "corp.example TXT \"v=spf1 ip4:203.0.113.25 -all\"\n"
    "_smtp_client.dmp.example TXT \"dmp=deny\"\n"
    "9.100.51.198.in-addr._smtp_client.dmp.example TXT \"dmp=allow\"\n"
    "5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2"
    ".ip6._smtp_client.dmp.example TXT \"DMP=Allow\"\n"
    "_smtp_client.open.example TXT \"dmp=allow\"\n"
    "12.100.51.198.in-addr._smtp_client.open.example TXT \"dmp=deny\"\n"
    "open.example A 198.51.100.20\n"
    /* the seed's setup, no SPF: DNS trouble in a legacy test defers */
    "mxslow.example MX 10 mx.timeout.example\n"
    "mx.timeout.example TIMEOUT\n"
    "mxsf.example MX 10 mx.sf.example\n"
    "mx.sf.example SERVFAIL\n"
    "aslow.example TIMEOUT\n"
    "aslow.example TXT \"no policy here\"\n"
    "mxok.example MX 10 mx.timeout.example\n"
    "mxok.example MX 20 mx.near.example\n"
    "_smtp_client.dmphalf.example TXT \"dmp=deny\"\n"
    "9.100.51.198.in-addr._smtp_client.dmphalf.example SERVFAIL\n"
    /* the exemptions */
    "fwd.example TXT \"v=spf1 ip4:198.51.100.77 -all\"\n"
    "relay.example TXT \"v=spf1 ip4:198.51.100.78 -all\"\n"
    "80.100.51.198.in-addr.arpa PTR mail.ptr.example\n"
    "mail.ptr.example A 198.51.100.80\n"
    "81.100.51.198.in-addr.arpa PTR forged.ptr.example\n"
    "forged.ptr.example A 192.0.2.81\n"
    "soft.example TXT \"v=spf1 ~all\"\n"
    "brokenfwd.example SERVFAIL\n";

struct pipe_case {
	const char     *name;
	const char     *conf;
	const char     *acl;		/* ACL text, or NULL */
	const char     *req;		/* name=value lines */
	const char     *action;		/* prefix */
	enum check_method method;
	int		cached;
	unsigned	dns;		/* questions asked */
};

#define REQH(state, client, helo, sender, rcpt, inst, more) \
	"request=smtpd_access_policy\nprotocol_state=" state "\n" \
	"client_address=" client "\nhelo_name=" helo "\n" \
	"sender=" sender "\nrecipient=" rcpt "\ninstance=" inst "\n" more "\n"
#define REQ(client, sender, rcpt, inst, more) \
	REQH("RCPT", client, "helo.example", sender, rcpt, inst, more)

static const struct pipe_case pipe_cases[] = {
	{"pass", "", NULL, REQ("192.0.2.1", "a@pass.example", "r@x.example",
	 "1", ""), "PREPEND Received-SPF: pass", CHECK_M_SPF, 0, 1},
	{"same message, next recipient: its evaluation, no DNS", "", NULL,
	 REQ("192.0.2.1", "a@pass.example", "s@x.example", "1", ""), "DUNNO",
	 CHECK_M_SPF, 1, 0},
	{"same instance, other sender: evaluated again", "", NULL,
	 REQ("198.51.100.1", "a@pass.example", "s@x.example", "1", ""),
	 "550 5.7.23", CHECK_M_SPF, 0, 1},
	{"same instance, other sender after a header: a header again", "",
	 NULL, REQ("192.0.2.1", "b@pass.example", "s@x.example", "1", ""),
	 "PREPEND Received-SPF: pass", CHECK_M_SPF, 0, 1},
	{"TIMEOUT: defer", "", NULL, REQ("192.0.2.1", "a@slow.example",
	 "r@x.example", "2", ""), "450 4.7.24", CHECK_M_SPF, 0, 1},
	{"A neighbourhood", "test_a = yes\n", NULL, REQ("198.51.100.99",
	 "a@near.example", "r@x.example", "3", ""), "PREPEND", CHECK_M_A, 0,
	 2},
	{"MX neighbourhood", "test_mx = yes\n", NULL, REQ("203.0.113.99",
	 "a@near.example", "r@x.example", "4", ""), "PREPEND", CHECK_M_MX, 0,
	 3},
	{"no neighbourhood", "test_a = yes\ntest_mx = yes\n", NULL,
	 REQ("192.0.2.99", "a@near.example", "r@x.example", "5", ""),
	 "PREPEND", CHECK_M_DEFAULT, 0, 4},
	{"DMP: the host is designated", "test_dmp = yes\n", NULL,
	 REQ("198.51.100.9", "a@dmp.example", "r@x.example", "30", ""),
	 "PREPEND Received-SPF: none", CHECK_M_DMP, 0, 3},
	{"DMP: the domain designates only its hosts", "test_dmp = yes\n",
	 NULL, REQ("198.51.100.10", "a@dmp.example", "r@x.example", "31", ""),
	 "550 5.7.1 the DMP records of dmp.example do not designate "
	 "198.51.100.10 as a mailer", CHECK_M_DMP, 0, 3},
	{"DMP over IPv6: nibbles under ip6, case-insensitive value",
	 "test_dmp = yes\n", NULL, REQ("2001:db8::5", "a@dmp.example",
	 "r@x.example", "32", ""), "PREPEND", CHECK_M_DMP, 0, 3},
	{"DMP: a host record of deny beats the domain's allow",
	 "test_dmp = yes\ntest_a = yes\n", NULL, REQ("198.51.100.12",
	 "a@open.example", "r@x.example", "33", ""), "550 5.7.1 the DMP",
	 CHECK_M_DMP, 0, 4},
	{"DMP: the domain's allow alone decides nothing, A does",
	 "test_dmp = yes\ntest_a = yes\n", NULL, REQ("198.51.100.13",
	 "a@open.example", "r@x.example", "34", ""), "PREPEND", CHECK_M_A, 0,
	 4},
	{"DMP: no records, nothing decided", "test_dmp = yes\n"
	 "default_result = softfail\n", NULL, REQ("198.51.100.9",
	 "a@near.example", "r@x.example", "35", ""),
	 "PREPEND Received-SPF: none", CHECK_M_DEFAULT, 0, 3},
	{"MX host lookups time out: 450, not default_result's reject",
	 "test_mx = yes\ndefault_result = neutral\n"
	 "action_mailfrom_neutral = reject\n", NULL, REQ("198.51.100.9",
	 "a@mxslow.example", "r@x.example", "37", ""), "450 4.7.24 "
	 "temporary DNS error in the MX neighbourhood test for "
	 "mxslow.example", CHECK_M_MX, 0, 3},
	{"MX host SERVFAIL: 450", "test_mx = yes\ndefault_result = fail\n",
	 NULL, REQ("198.51.100.9", "a@mxsf.example", "r@x.example", "38", ""),
	 "450 4.7.24", CHECK_M_MX, 0, 3},
	{"A lookup times out: 450", "test_a = yes\ndefault_result = fail\n",
	 NULL, REQ("198.51.100.9", "a@aslow.example", "r@x.example", "39",
	 ""), "450 4.7.24 temporary DNS error in the A neighbourhood test",
	 CHECK_M_A, 0, 2},
	{"a match on another MX host wins over a timeout",
	 "test_mx = yes\ndefault_result = fail\n", NULL,
	 REQ("203.0.113.9", "a@mxok.example", "r@x.example", "40", ""),
	 "PREPEND", CHECK_M_MX, 0, 4},
	{"DMP: the host's own record unread, the domain's deny is no fail",
	 "test_dmp = yes\n", NULL, REQ("198.51.100.9", "a@dmphalf.example",
	 "r@x.example", "41", ""), "450 4.7.24 temporary DNS error in the "
	 "DMP test", CHECK_M_DMP, 0, 3},
	{"DMP off: a DMP record is not looked at", "", NULL,
	 REQ("198.51.100.10", "a@dmp.example", "r@x.example", "36", ""),
	 "PREPEND", CHECK_M_DEFAULT, 0, 1},
	{"HELO and MAIL FROM in parallel", "test_helo = yes\n", NULL,
	 REQ("192.0.2.1", "a@pass.example", "r@x.example", "6", ""),
	 "550 5.7.23", CHECK_M_SPF, 0, 2},
	{"ACL skip", "", "r@x.example skip\n", REQ("198.51.100.1",
	 "a@pass.example", "r@x.example", "7", ""), "DUNNO", CHECK_M_ACL, 0,
	 0},
	{"exempt loopback", "", NULL, REQ("127.0.0.1", "a@pass.example",
	 "r@x.example", "8", ""), "DUNNO", CHECK_M_EXEMPT, 0, 0},
	{"exempt trusted relay", "trusted_relays = 198.51.100.0/24\n", NULL,
	 REQ("198.51.100.1", "a@pass.example", "r@x.example", "9", ""),
	 "DUNNO", CHECK_M_EXEMPT, 0, 0},
	{"exempt authenticated", "", NULL, REQ("198.51.100.1",
	 "a@pass.example", "r@x.example", "10", "sasl_username=a\n"), "DUNNO",
	 CHECK_M_EXEMPT, 0, 0},
	{"smarthost allowed", "smarthost_egress = 203.0.113.25\n", NULL,
	 REQ("198.51.100.1", "a@corp.example", "r@x.example", "11",
	 "sasl_username=a\n"), "DUNNO", CHECK_M_SMARTHOST, 0, 1},
	{"smarthost not allowed", "smarthost_egress = 203.0.113.25\n", NULL,
	 REQ("198.51.100.1", "a@pass.example", "r@x.example", "12",
	 "sasl_username=a\n"), "550 5.7.23", CHECK_M_SMARTHOST, 0, 1},
	{"smarthost: the seed's ACL (* skip) does not hide outbound mail",
	 "smarthost_egress = 203.0.113.25\n", "@x.example check\n* skip\n",
	 REQ("198.51.100.1", "a@pass.example", "r@gmail.example", "14",
	 "sasl_username=a\n"), "550 5.7.23", CHECK_M_SMARTHOST, 0, 1},
	{"smarthost context, unauthenticated",
	 "smarthost_egress = 203.0.113.25\nsmarthost_contexts = sub\n", NULL,
	 REQ("198.51.100.1", "a@pass.example", "r@x.example", "13",
	 "policy_context=sub\n"), "DUNNO", CHECK_M_SMARTHOST, 0, 0},
	{"outside RCPT: nothing to say", "", NULL,
	 "request=smtpd_access_policy\nprotocol_state=HELO\n"
	 "client_address=198.51.100.1\nhelo_name=h.example\nsender=\n\n",
	 "DUNNO", CHECK_M_NONE, 0, 0},
	{"no client address", "", NULL, "request=smtpd_access_policy\n"
	 "sender=a@pass.example\n\n", "DUNNO", CHECK_M_NONE, 0, 0},
	/* each exemption, then the same envelope without it */
	{"exempt_spf_domains: the client passes fwd.example",
	 "exempt_spf_domains = other.example fwd.example\n", NULL,
	 REQ("198.51.100.77", "a@pass.example", "r@x.example", "50", ""),
	 "DUNNO", CHECK_M_EXEMPT, 0, 3},
	{"... without it: rejected", "", NULL, REQ("198.51.100.77",
	 "a@pass.example", "r@x.example", "51", ""), "550 5.7.23",
	 CHECK_M_SPF, 0, 1},
	{"exempt_spf_domains: a client it does not allow",
	 "exempt_spf_domains = fwd.example\n", NULL, REQ("198.51.100.76",
	 "a@pass.example", "r@x.example", "52", ""), "550 5.7.23",
	 CHECK_M_SPF, 0, 2},
	{"exempt_helo_names: listed, and its SPF passes",
	 "exempt_helo_names = RELAY.example\n", NULL, REQH("RCPT",
	 "198.51.100.78", "relay.example", "a@pass.example", "r@x.example",
	 "53", ""), "DUNNO", CHECK_M_EXEMPT, 0, 2},
	{"... without it: rejected", "", NULL, REQH("RCPT", "198.51.100.78",
	 "relay.example", "a@pass.example", "r@x.example", "54", ""),
	 "550 5.7.23", CHECK_M_SPF, 0, 1},
	{"exempt_helo_names: listed, its SPF fails: checked, HELO unused",
	 "exempt_helo_names = relay.example\n", NULL, REQH("RCPT",
	 "198.51.100.79", "relay.example", "a@pass.example", "r@x.example",
	 "55", ""), "550 5.7.23 pass.example does not designate", CHECK_M_SPF,
	 0, 2},
	{"exempt_ptr_domains: forward-confirmed PTR name under it",
	 "exempt_ptr_domains = ptr.example\n", NULL, REQ("198.51.100.80",
	 "a@pass.example", "r@x.example", "56", ""), "DUNNO", CHECK_M_EXEMPT,
	 0, 3},
	{"... without it: rejected", "", NULL, REQ("198.51.100.80",
	 "a@pass.example", "r@x.example", "57", ""), "550 5.7.23",
	 CHECK_M_SPF, 0, 1},
	{"exempt_ptr_domains: a PTR name that does not confirm",
	 "exempt_ptr_domains = ptr.example\n", NULL, REQ("198.51.100.81",
	 "a@pass.example", "r@x.example", "58", ""), "550 5.7.23",
	 CHECK_M_SPF, 0, 3},
	{"an exemption's lookup fails: a reject becomes 450",
	 "exempt_spf_domains = brokenfwd.example\n", NULL,
	 REQ("198.51.100.77", "a@pass.example", "r@x.example", "62", ""),
	 "450 4.7.24 temporary DNS error in an exemption check", CHECK_M_SPF,
	 0, 2},
	{"header_exempt: what the client chose is quoted",
	 "header_exempt = yes\ntrusted_relays = 198.51.100.1\n", NULL,
	 REQH("RCPT", "198.51.100.1", "x; client-ip=203.0.113.9",
	 "\"a\\\\;b\"@pass.example", "r@x.example", "63", ""),
	 "PREPEND X-RMXF-Exempt: not checked (trusted-relay); "
	 "client-ip=198.51.100.1; helo=\"x; client-ip=203.0.113.9\"; "
	 "envelope-from=\"\\\"a\\\\\\\\;b\\\"@pass.example\"; receiver=mx.example;",
	 CHECK_M_EXEMPT, 0, 0},
	{"header_exempt: not for an ACL OBSERVE recipient",
	 "header_exempt = yes\ntrusted_relays = 198.51.100.1\n",
	 "r@x.example check OBSERVE\n", REQ("198.51.100.1", "a@pass.example",
	 "r@x.example", "64", ""), "DUNNO", CHECK_M_EXEMPT, 0, 0},
	{"header_exempt: says why", "header_exempt = yes\n"
	 "exempt_ptr_domains = ptr.example\n", NULL, REQ("198.51.100.80",
	 "a@pass.example", "r@x.example", "59", ""), "PREPEND X-RMXF-Exempt: "
	 "not checked (exempt-ptr); client-ip=198.51.100.80; "
	 "helo=\"helo.example\"; envelope-from=\"a@pass.example\"; "
	 "receiver=mx.example;", CHECK_M_EXEMPT, 0, 3},
	{"header_exempt: the next recipient, no second header",
	 "header_exempt = yes\nexempt_ptr_domains = ptr.example\n", NULL,
	 REQ("198.51.100.80", "a@pass.example", "s@x.example", "59", ""),
	 "DUNNO", CHECK_M_EXEMPT, 1, 0},
	{"require_pass_domains: softfail rejected",
	 "require_pass_domains = soft.example\n", NULL, REQ("192.0.2.1",
	 "a@soft.example", "r@x.example", "60", ""), "550 5.7.23",
	 CHECK_M_SPF, 0, 1},
	{"... without it: marked", "", NULL, REQ("192.0.2.1",
	 "a@soft.example", "r@x.example", "61", ""),
	 "PREPEND Received-SPF: softfail", CHECK_M_SPF, 0, 1},
	/* both headers: the first at RCPT, the second at DATA */
	{"both headers: Received-SPF at RCPT",
	 "header_authentication_results = yes\n", NULL, REQ("192.0.2.1",
	 "a@pass.example", "r@x.example", "70", ""),
	 "PREPEND Received-SPF: pass", CHECK_M_SPF, 0, 1},
	{"both headers: the next recipient adds none",
	 "header_authentication_results = yes\n", NULL, REQ("192.0.2.1",
	 "a@pass.example", "s@x.example", "70", ""), "DUNNO", CHECK_M_SPF, 1,
	 0},
	{"both headers: Authentication-Results at DATA",
	 "header_authentication_results = yes\n", NULL, REQH("DATA",
	 "192.0.2.1", "helo.example", "a@pass.example", "", "70", ""),
	 "PREPEND Authentication-Results: mx.example; spf=pass "
	 "smtp.mailfrom=pass.example", CHECK_M_SPF, 1, 0},
	{"both headers: at BDAT (CHUNKING) as at DATA",
	 "header_authentication_results = yes\n", NULL, REQ("192.0.2.1",
	 "a@pass.example", "r@x.example", "69", ""),
	 "PREPEND Received-SPF: pass", CHECK_M_SPF, 0, 1},
	{"... its BDAT", "header_authentication_results = yes\n", NULL,
	 REQH("BDAT", "192.0.2.1", "helo.example", "a@pass.example", "",
	 "69", ""), "PREPEND Authentication-Results: mx.example; spf=pass",
	 CHECK_M_SPF, 1, 0},
	{"both headers: a second DATA adds nothing",
	 "header_authentication_results = yes\n", NULL, REQH("DATA",
	 "192.0.2.1", "helo.example", "a@pass.example", "", "70", ""),
	 "DUNNO", CHECK_M_NONE, 0, 0},
	{"DATA of a message whose RCPT added no header: nothing",
	 "header_authentication_results = yes\n", NULL, REQ("198.51.100.1",
	 "a@pass.example", "r@x.example", "71", ""), "550", CHECK_M_SPF, 0,
	 1},
	{"... its DATA", "header_authentication_results = yes\n", NULL,
	 REQH("DATA", "198.51.100.1", "helo.example", "a@pass.example", "",
	 "71", ""), "DUNNO", CHECK_M_NONE, 0, 0},
	{"DATA of another message: nothing",
	 "header_authentication_results = yes\n", NULL, REQH("DATA",
	 "192.0.2.1", "helo.example", "a@pass.example", "", "72", ""),
	 "DUNNO", CHECK_M_NONE, 0, 0},
	{"Authentication-Results alone at RCPT, nothing at DATA",
	 "header_authentication_results = yes\nheader_received_spf = no\n",
	 NULL, REQ("192.0.2.1", "a@pass.example", "r@x.example", "73", ""),
	 "PREPEND Authentication-Results: mx.example; spf=pass",
	 CHECK_M_SPF, 0, 1},
	{"... its DATA", "header_authentication_results = yes\n"
	 "header_received_spf = no\n", NULL, REQH("DATA", "192.0.2.1",
	 "helo.example", "a@pass.example", "", "73", ""), "DUNNO",
	 CHECK_M_NONE, 0, 0},
};

/* test_parse - one request; the parser holds it */
static const struct policy_request *
test_parse(struct policy_parser *p, const char *text)
{
	size_t used;

	policy_parser_reset(p);
	assert_int_equal(policy_parser_feed(p, text, strlen(text), &used),
	    POLICY_REQUEST);
	return policy_parser_request(p);
}

/* The front end's part, as one connection of rmxfd keeps it: the
 * message of its requests and whether its result header went out. */
struct test_front {
	struct check_message *msg;	/* NULL: none kept */
	unsigned	header_sent;
	struct check_envelope in;	/* the check's, until it is freed */
};

/* test_env - an envelope from a policy request */
static const struct check_envelope *
test_env(struct check_envelope *in, const struct policy_request *req)
{
	check_envelope_policy(in, req);
	return in;
}

/* test_check_run - one check over the zone to its decision, the front
 * end's part kept as rmxfd keeps it */
static struct check *
test_check_run(struct dns_zone *zone, const struct check_env *env,
    struct test_front *f, const struct policy_request *req)
{
	struct spf_job job;
	struct check *c;

	check_envelope_policy(&f->in, req);
	if (f->msg == NULL || check_message_begin(f->msg, req->instance,
	    &f->in))
		f->header_sent = 0;
	f->in.header_sent = f->header_sent;
	c = check_new(env, f->msg, &f->in, 1700000000);
	check_job(&job, c);
	dns_zone_run(zone, &job);
	f->header_sent |= check_decision(c)->result_header;
	return c;
}

/* test_check_pipeline - walk pipe_cases over one message */
static void
test_check_pipeline(void **state)
{
	const struct pipe_case *t;
	const struct check_decision *d;
	struct test_front f = {check_message_new(), 0, {0}};
	struct policy_parser *p = policy_parser_new(NULL);
	struct dns_zone *zone;
	struct check_env env;
	struct check *c;
	struct conf *conf;
	struct acl *acl;
	struct buf err;
	char zerr[256];
	size_t i;

	(void)state;
	zone = dns_zone_parse(test_zone, strlen(test_zone), zerr,
	    sizeof(zerr));
	if (zone == NULL)
		fail_msg("zone: %s", zerr);
	for (i = 0; i < sizeof(pipe_cases) / sizeof(pipe_cases[0]); i++) {
		t = &pipe_cases[i];
		print_message("# %s\n", t->name);
		conf = test_conf(t->conf);
		acl = NULL;
		if (t->acl != NULL) {
			buf_init(&err, TEST_MAX_ERR);
			acl = acl_parse(t->acl, strlen(t->acl), "t.acl", &err);
			assert_non_null(acl);
			buf_free(&err);
		}
		memset(&env, 0, sizeof(env));
		env.conf = conf;
		env.acl = acl;
		env.hostname = "mx.example";
		c = test_check_run(zone, &env, &f, test_parse(p, t->req));
		d = check_decision(c);
		if (strncmp(d->action, t->action, strlen(t->action)) != 0)
			fail_msg("action \"%s\", want \"%s...\"", d->action,
			    t->action);
		assert_int_equal(d->method, t->method);
		assert_int_equal(d->cached, t->cached);
		assert_int_equal(d->dns_queries, t->dns);
		check_free(c);
		acl_free(acl);
		conf_free(conf);
	}
	dns_zone_free(zone);
	policy_parser_free(p);
	check_message_free(f.msg);
}

/* test_check_expire_deadline - the deadline gives temperror and defer */
static void
test_check_expire_deadline(void **state)
{
	struct policy_parser *p = policy_parser_new(NULL);
	const struct spf_question *qs;
	const struct check_decision *d;
	struct check_envelope in;
	struct spf_answer a;
	struct check_env env;
	struct conf *conf = conf_default();
	struct check *c;
	size_t n;

	(void)state;
	memset(&env, 0, sizeof(env));
	env.conf = conf;
	c = check_new(&env, NULL, test_env(&in, test_parse(p,
	    REQ("192.0.2.1", "a@pass.example", "r@x.example", "1", ""))), 0);
	assert_int_equal(check_step(c, &qs, &n), SPF_STEP_QUERY);
	assert_int_equal(n, 1);
	memset(&a, 0, sizeof(a));
	a.id = qs[0].id + 1000;		/* never asked */
	assert_int_equal(check_feed(c, &a), -1);
	assert_int_equal(check_step(c, &qs, &n), SPF_STEP_WAIT);
	check_expire(c);
	assert_int_equal(check_step(c, &qs, &n), SPF_STEP_DONE);
	d = check_decision(c);
	assert_int_equal(d->result, SPF_TEMPERROR);
	assert_int_equal(d->verdict, CHECK_V_DEFER);
	assert_string_equal(strstr(d->action, "450 4.7.24") == d->action ?
	    "ok" : d->action, "ok");
	check_free(c);
	conf_free(conf);
	policy_parser_free(p);
}

/* Recent evaluations across messages: one env and its check_recent,
 * requests in order, each at a time on its clock. */
struct recent_case {
	const char     *name;
	long		now_ms;
	int		keep_msg;	/* 1: over the connection's message */
	const char     *req;
	const char     *action;		/* prefix */
	enum check_method method;
	int		cached;		/* CHECK_CACHED_* */
	unsigned	dns;
	unsigned long	hits, misses, stored, evicted, entries;
	int		same;		/* > 0: the action is case same-1's,
					 * byte for byte */
};

static const char recent_zone[] =
    "pass.example TXT \"v=spf1 ip4:192.0.2.0/24 -all\"\n"
    "fail.example TXT \"v=spf1 -all\"\n"
    "slow.example TIMEOUT\n"
    "broken.example SERVFAIL\n"
    "half.example TXT \"v=spf1 include:broken.example -all\"\n"
    "corp.example TXT \"v=spf1 ip4:203.0.113.25 -all\"\n"
    "_smtp_client.dmp.example TXT \"dmp=deny\"\n"
    "9.100.51.198.in-addr._smtp_client.dmp.example TXT \"dmp=allow\"\n"
    "_smtp_client.dmpsf.example SERVFAIL\n";

#define RECENT_CONF "test_dmp = yes\nsmarthost_egress = 203.0.113.25\n"
#define CREQ(client, sender, rcpt, inst, more) \
	"request=smtpd_access_policy\nprotocol_state=RCPT\n" \
	"client_address=" client "\nhelo_name=helo.example\n" \
	"sender=" sender "\nrecipient=" rcpt "\ninstance=" inst "\n" more "\n"
#define CN	CHECK_CACHED_NO
#define CM	CHECK_CACHED_MESSAGE
#define CR	CHECK_CACHED_RECENT

static const struct recent_case recent_cases[] = {
	{"first message: evaluated, kept", 0, 1, CREQ("192.0.2.1",
	 "a@pass.example", "r@x.example", "1", ""),
	 "PREPEND Received-SPF: pass", CHECK_M_SPF, CN, 1, 0, 1, 1, 0, 1, 0},
	{"its next recipient: the message, not the recent ones", 1, 1,
	 CREQ("192.0.2.1", "a@pass.example", "s@x.example", "1", ""),
	 "DUNNO", CHECK_M_SPF, CM, 0, 0, 1, 1, 0, 1, 0},
	{"next message, other connection: a recent one, its own header", 10,
	 0,
	 CREQ("192.0.2.1", "a@pass.example", "r@x.example", "2", ""),
	 "PREPEND Received-SPF: pass", CHECK_M_SPF, CR, 0, 1, 1, 1, 0, 1, 1},
	{"a recent one's message, recipient two: the message", 11, 1,
	 CREQ("192.0.2.1", "a@pass.example", "r@x.example", "3", ""),
	 "PREPEND Received-SPF: pass", CHECK_M_SPF, CR, 0, 2, 1, 1, 0, 1, 0},
	{"... and its next recipient: no second header", 12, 1,
	 CREQ("192.0.2.1", "a@pass.example", "t@x.example", "3", ""),
	 "DUNNO", CHECK_M_SPF, CM, 0, 2, 1, 1, 0, 1, 0},
	{"other HELO name: another key", 13, 0,
	 "request=smtpd_access_policy\nprotocol_state=RCPT\n"
	 "client_address=192.0.2.1\nhelo_name=other.example\n"
	 "sender=a@pass.example\nrecipient=r@x.example\ninstance=4\n\n",
	 "PREPEND Received-SPF: pass", CHECK_M_SPF, CN, 1, 2, 2, 2, 0, 2, 0},
	{"other client: another key, fail rejects", 14, 0,
	 CREQ("198.51.100.1", "a@pass.example", "r@x.example", "5", ""),
	 "550 5.7.23", CHECK_M_SPF, CN, 1, 2, 3, 3, 0, 3, 0},
	{"fail from the recent ones: the same reject and explanation", 15,
	 0,
	 CREQ("198.51.100.1", "a@pass.example", "r@x.example", "6", ""),
	 "550 5.7.23", CHECK_M_SPF, CR, 0, 3, 3, 3, 0, 3, 7},
	{"the sender's case counts: another key", 16, 0,
	 CREQ("198.51.100.1", "A@pass.example", "r@x.example", "7", ""),
	 "550 5.7.23", CHECK_M_SPF, CN, 1, 3, 4, 4, 1, 3, 0},
	{"TIMEOUT: defer, not kept", 17, 0, CREQ("192.0.2.1",
	 "a@slow.example", "r@x.example", "8", ""), "450 4.7.24",
	 CHECK_M_SPF, CN, 1, 3, 5, 4, 1, 3, 0},
	{"TIMEOUT again: asked again", 18, 0, CREQ("192.0.2.1",
	 "a@slow.example", "r@x.example", "9", ""), "450 4.7.24",
	 CHECK_M_SPF, CN, 1, 3, 6, 4, 1, 3, 0},
	{"SERVFAIL under an include: temperror, not kept", 19, 0,
	 CREQ("192.0.2.1", "a@half.example", "r@x.example", "10", ""),
	 "450 4.7.24", CHECK_M_SPF, CN, 2, 3, 7, 4, 1, 3, 0},
	{"SERVFAIL again: asked again", 20, 0, CREQ("192.0.2.1",
	 "a@half.example", "r@x.example", "11", ""), "450 4.7.24",
	 CHECK_M_SPF, CN, 2, 3, 8, 4, 1, 3, 0},
	{"DMP deny: the legacy verdict kept", 21, 0, CREQ("198.51.100.10",
	 "a@dmp.example", "r@x.example", "12", ""), "550 5.7.1 the DMP",
	 CHECK_M_DMP, CN, 3, 3, 9, 5, 2, 3, 0},
	{"DMP deny from the recent ones: the same reject", 22, 0,
	 CREQ("198.51.100.10", "a@dmp.example", "r@x.example", "13", ""),
	 "550 5.7.1 the DMP", CHECK_M_DMP, CR, 0, 4, 9, 5, 2, 3, 14},
	{"smarthost: never kept", 23, 0, CREQ("198.51.100.1",
	 "a@corp.example", "r@x.example", "14", "sasl_username=a\n"),
	 "DUNNO", CHECK_M_SMARTHOST, CN, 1, 4, 9, 5, 2, 3, 0},
	{"smarthost again: asked again", 24, 0, CREQ("198.51.100.1",
	 "a@corp.example", "r@x.example", "15", "sasl_username=a\n"),
	 "DUNNO", CHECK_M_SMARTHOST, CN, 1, 4, 9, 5, 2, 3, 0},
	{"a second past its life: asked again, replaced", 1000 + 14, 0,
	 CREQ("198.51.100.1", "a@pass.example", "r@x.example", "16", ""),
	 "550 5.7.23", CHECK_M_SPF, CN, 1, 4, 10, 6, 2, 3, 0},
	{"the clock going back: nothing trusted, all dropped", 5, 0,
	 CREQ("198.51.100.10", "a@dmp.example", "r@x.example", "17", ""),
	 "550 5.7.1 the DMP", CHECK_M_DMP, CN, 3, 4, 11, 7, 2, 1, 0},
	{"a legacy test's SERVFAIL: temperror, deferred, not kept", 6, 0,
	 CREQ("198.51.100.9", "a@dmpsf.example", "r@x.example", "18", ""),
	 "450 4.7.24 temporary DNS error in the DMP test", CHECK_M_DMP, CN,
	 3, 4, 12, 7, 2, 1, 0},
};

/* test_check_recent - recent_cases over one check_recent of three */
static void
test_check_recent(void **state)
{
	const struct recent_case *t;
	const struct check_decision *d;
	struct test_front f = {check_message_new(), 0, {0}};
	struct test_front none = {NULL, 0, {0}};
	struct policy_parser *p = policy_parser_new(NULL);
	struct check_recent_stats st;
	struct dns_zone *zone;
	struct check_env env;
	struct check *c;
	struct conf *conf = test_conf(RECENT_CONF);
	static char seen[sizeof(recent_cases) / sizeof(recent_cases[0])][
	    TEST_MAX_ACTION + 1];
	char zerr[256];
	size_t i;

	(void)state;
	zone = dns_zone_parse(recent_zone, strlen(recent_zone), zerr,
	    sizeof(zerr));
	if (zone == NULL)
		fail_msg("zone: %s", zerr);
	memset(&env, 0, sizeof(env));
	env.conf = conf;
	env.hostname = "mx.example";
	env.recent = check_recent_new(3, 1000);
	for (i = 0; i < sizeof(recent_cases) / sizeof(recent_cases[0]); i++) {
		t = &recent_cases[i];
		print_message("# %s\n", t->name);
		check_recent_clock(env.recent, t->now_ms);
		c = test_check_run(zone, &env, t->keep_msg ? &f : &none,
		    test_parse(p, t->req));
		d = check_decision(c);
		if (strncmp(d->action, t->action, strlen(t->action)) != 0)
			fail_msg("action \"%s\", want \"%s...\"", d->action,
			    t->action);
		assert_int_equal(d->method, t->method);
		assert_int_equal(d->cached, t->cached);
		assert_int_equal(d->dns_queries, t->dns);
		snprintf(seen[i], sizeof(seen[i]), "%s", d->action);
		if (t->same > 0)
			assert_string_equal(d->action, seen[t->same - 1]);
		if (t->cached == CR && strstr(d->log, " cached=recent dns=0")
		    == NULL)
			fail_msg("log \"%s\"", d->log);
		check_free(c);
		check_recent_stats(env.recent, &st);
		assert_int_equal(st.hits, t->hits);
		assert_int_equal(st.misses, t->misses);
		assert_int_equal(st.stored, t->stored);
		assert_int_equal(st.evicted, t->evicted);
		assert_int_equal(st.entries, t->entries);
	}
	check_recent_free(env.recent);
	check_recent_stats(NULL, &st);
	assert_int_equal(st.hits + st.entries, 0);
	conf_free(conf);
	dns_zone_free(zone);
	policy_parser_free(p);
	check_message_free(f.msg);
}

/* test_check_recent_deadline - an evaluation the deadline cut short, and
 * one whose answers came in full, with a life of zero */
static void
test_check_recent_deadline(void **state)
{
	struct policy_parser *p = policy_parser_new(NULL);
	struct test_front none = {NULL, 0, {0}};
	const struct spf_question *qs;
	struct check_recent_stats st;
	struct check_envelope in;
	struct check_env env;
	struct conf *conf = conf_default();
	struct dns_zone *zone;
	struct check *c;
	char zerr[256];
	size_t n;
	const char *req = CREQ("192.0.2.1", "a@pass.example", "r@x.example",
	    "1", "");

	(void)state;
	memset(&env, 0, sizeof(env));
	env.conf = conf;
	env.recent = check_recent_new(8, 1000);
	c = check_new(&env, NULL, test_env(&in, test_parse(p, req)), 0);
	assert_int_equal(check_step(c, &qs, &n), SPF_STEP_QUERY);
	check_expire(c);
	assert_int_equal(check_step(c, &qs, &n), SPF_STEP_DONE);
	assert_int_equal(check_decision(c)->verdict, CHECK_V_DEFER);
	check_free(c);
	check_recent_stats(env.recent, &st);
	assert_int_equal(st.stored, 0);
	assert_int_equal(st.misses, 1);
	check_recent_free(env.recent);

	/* life 0: off, nothing kept, nothing counted */
	zone = dns_zone_parse(recent_zone, strlen(recent_zone), zerr,
	    sizeof(zerr));
	assert_non_null(zone);
	env.recent = check_recent_new(8, 0);
	c = test_check_run(zone, &env, &none, test_parse(p, req));
	assert_int_equal(check_decision(c)->dns_queries, 1);
	check_free(c);
	c = test_check_run(zone, &env, &none, test_parse(p, req));
	assert_int_equal(check_decision(c)->dns_queries, 1);
	assert_int_equal(check_decision(c)->cached, CHECK_CACHED_NO);
	check_free(c);
	check_recent_stats(env.recent, &st);
	assert_int_equal(st.hits + st.misses + st.stored + st.entries, 0);
	check_recent_free(env.recent);
	dns_zone_free(zone);
	conf_free(conf);
	policy_parser_free(p);
}

/* test_check_recent_many - far more keys than it holds, hashed over its
 * buckets: the newest stay, the oldest go, each still found */
static void
test_check_recent_many(void **state)
{
	struct policy_parser *p = policy_parser_new(NULL);
	struct check_recent_stats st;
	struct check_envelope in;
	struct check_results ev;
	struct check_recent *cc = check_recent_new(100, 60000);
	char req[512];
	int i, hit;

	(void)state;
	memset(&ev, 0, sizeof(ev));
	ev.legacy = CHECK_M_A;
	ev.legacy_result = SPF_PASS;
	for (i = 0; i < 1000; i++) {
		snprintf(req, sizeof(req), CREQ("192.0.2.1", "u%d@x.example",
		    "r@x.example", "1", ""), i);
		check_recent_clock(cc, i);
		check_recent_put(cc, test_env(&in, test_parse(p, req)), &ev);
	}
	check_recent_stats(cc, &st);
	assert_int_equal(st.entries, 100);
	assert_int_equal(st.stored, 1000);
	assert_int_equal(st.evicted, 900);
	for (i = 0; i < 1000; i++) {
		struct check_results out;

		memset(&out, 0, sizeof(out));
		snprintf(req, sizeof(req), CREQ("192.0.2.1", "u%d@x.example",
		    "r@x.example", "2", ""), i);
		hit = check_recent_get(cc, test_env(&in, test_parse(p, req)),
		    &out);
		assert_int_equal(hit, i >= 900);
		if (hit) {
			assert_int_equal(out.legacy, CHECK_M_A);
			assert_int_equal(out.legacy_result, SPF_PASS);
		}
		check_results_clear(&out);
	}
	check_recent_stats(cc, &st);
	assert_int_equal(st.hits, 100);
	assert_int_equal(st.misses, 900);
	check_recent_free(cc);
	policy_parser_free(p);
}

/* The bounce check: requests with MAIL FROM:<>, rmxf.conf, verdict. */
struct bounce_case {
	const char     *name;
	const char     *conf;		/* after the common part */
	const char     *rcpt;		/* "SIGN:a", "OLD:a" (expired
					 * yesterday), "RECENT:a" (signed 6
					 * days ago), "FORGE:a",
					 * "SRS:a@foreign", or as is */
	const char     *sender;		/* "" is the null sender */
	const char     *client;
	const char     *action;		/* prefix */
	enum check_method method;
	enum check_bounce bounce;	/* the decision's outcome */
};

#define BOUNCE_TODAY	20780LL		/* 2026-11-23 */
#define BOUNCE_CONF \
	"ses_domains = ours.example\nsrs_domain = fwd.example\n" \
	"srs_exclude_domains = ours.example\n"

static const struct bounce_case bounce_cases[] = {
	{"signed bounce goes on to SPF", "", "SIGN:u@ours.example", "",
	 "192.0.2.1", "PREPEND Received-SPF:", CHECK_M_DEFAULT, CHECK_B_SIGNED},
	{"unsigned bounce rejected, saying why", "", "u@ours.example", "",
	 "192.0.2.1", "550 5.7.1 this bounce is for an address that sent no "
	 "mail: the return addresses of our mail are signed, this one is not "
	 "validly signed (unsigned address)", CHECK_M_BOUNCE, CHECK_B_REJECT},
	{"forged tag rejected", "", "FORGE:u@ours.example", "", "192.0.2.1",
	 "550 5.7.1 ", CHECK_M_BOUNCE, CHECK_B_REJECT},
	{"expired tag rejected", "", "OLD:u@ours.example", "", "192.0.2.1",
	 "550 5.7.1 ", CHECK_M_BOUNCE, CHECK_B_REJECT},
	{"signed 6 days ago: still valid", "", "RECENT:u@ours.example", "",
	 "192.0.2.1", "PREPEND", CHECK_M_DEFAULT, CHECK_B_SIGNED},
	{"grace period: marked", "ses_signing_since = 2026-11-20\n",
	 "u@ours.example", "", "192.0.2.1", "PREPEND X-RMXF-Bounce: accepted "
	 "in the signing grace period", CHECK_M_BOUNCE, CHECK_B_GRACE},
	{"grace period: a forged tag is still rejected",
	 "ses_signing_since = 2026-11-20\n", "FORGE:u@ours.example", "",
	 "192.0.2.1", "550 5.7.1 ", CHECK_M_BOUNCE, CHECK_B_REJECT},
	{"after the grace period: rejected",
	 "ses_signing_since = 2026-11-01\n", "u@ours.example", "",
	 "192.0.2.1", "550 5.7.1 ", CHECK_M_BOUNCE, CHECK_B_REJECT},
	{"valid SRS bounce goes on", "", "SRS:bob@far.example", "",
	 "192.0.2.1", "PREPEND", CHECK_M_DEFAULT, CHECK_B_SIGNED},
	{"forged SRS bounce rejected", "",
	 "SRS0=XXXX=AA=far.example=bob@fwd.example", "", "192.0.2.1",
	 "550 5.7.1 ", CHECK_M_BOUNCE, CHECK_B_REJECT},
	{"a foreign domain is not ours to check", "", "u@else.example", "",
	 "192.0.2.1", "PREPEND", CHECK_M_DEFAULT, CHECK_B_NA},
	{"not a bounce", "", "u@ours.example", "a@x.example", "192.0.2.1",
	 "PREPEND", CHECK_M_DEFAULT, CHECK_B_NA},
	{"exempt client first", "", "u@ours.example", "", "127.0.0.1",
	 "DUNNO", CHECK_M_EXEMPT, CHECK_B_NA},
	{"observe only: logged, DUNNO", "observe_only = yes\n",
	 "u@ours.example", "", "192.0.2.1", "DUNNO", CHECK_M_BOUNCE,
	 CHECK_B_REJECT},
	{"no key ring: no bounce check", "NOKEYS", "u@ours.example", "",
	 "192.0.2.1", "PREPEND", CHECK_M_DEFAULT, CHECK_B_NA},
};

/* test_bounce_rcpt - the recipient of a case, signed as it says */
static void
test_bounce_rcpt(const struct ses_ring *ring, const struct ses_ring *srs,
    const char *spec, struct buf *out)
{
	struct ses_srs_opts so = {"fwd.example", 21, '=', 0};
	const char *a = strchr(spec, ':') ? strchr(spec, ':') + 1 : spec;
	long today = (long)(BOUNCE_TODAY);

	buf_reset(out);
	if (strncmp(spec, "SIGN:", 5) == 0 || strncmp(spec, "FORGE:", 6) == 0)
		assert_int_equal(ses_batv_sign(ring, a, strlen(a), today, 7,
		    out), SES_OK);
	else if (strncmp(spec, "OLD:", 4) == 0)	/* expired yesterday */
		assert_int_equal(ses_batv_sign(ring, a, strlen(a), today - 8,
		    7, out), SES_OK);
	else if (strncmp(spec, "RECENT:", 7) == 0)
		assert_int_equal(ses_batv_sign(ring, a, strlen(a), today - 6,
		    7, out), SES_OK);
	else if (strncmp(spec, "SRS:", 4) == 0)
		assert_int_equal(ses_srs_forward(srs, &so, a, strlen(a), today,
		    out), SES_OK);
	else
		buf_puts(out, spec);
	if (strncmp(spec, "FORGE:", 6) == 0)	/* prvs=KDDDSSSSSS=: flip S */
		out->data[14] = out->data[14] == '0' ? '1' : '0';
}

/* test_check_bounce - null senders to our signed and unsigned addresses */
static void
test_check_bounce(void **state)
{
	static const char keys[] = "# ring\n1 s3cret-one\n0 old-secret\n";
	static const char srskeys[] = "srs-secret\n";
	struct policy_parser *p = policy_parser_new(NULL);
	struct ses_ring *ring, *srs;
	const struct spf_question *qs;
	const struct check_decision *d;
	const struct bounce_case *t;
	struct buf rcpt, req, err;
	struct check_envelope in;
	struct check_env env;
	struct check *c;
	struct conf *conf;
	size_t i, n;

	(void)state;
	buf_init(&err, 4096);
	ring = ses_ring_parse(keys, strlen(keys), SES_RING_BATV, &err);
	srs = ses_ring_parse(srskeys, strlen(srskeys), SES_RING_SRS, &err);
	assert_non_null(ring);
	assert_non_null(srs);
	buf_init(&rcpt, 1024);
	buf_init(&req, 4096);
	for (i = 0; i < sizeof(bounce_cases) / sizeof(bounce_cases[0]);
	    i++) {
		t = &bounce_cases[i];
		print_message("# %s\n", t->name);
		buf_reset(&req);
		buf_puts(&req, BOUNCE_CONF);
		if (strcmp(t->conf, "NOKEYS") != 0)
			buf_puts(&req, t->conf);
		conf = test_conf(req.data);
		test_bounce_rcpt(ring, srs, t->rcpt, &rcpt);
		buf_reset(&req);
		buf_printf(&req, "request=smtpd_access_policy\n"
		    "protocol_state=RCPT\nclient_address=%s\n"
		    "helo_name=mx.far.example\nsender=%s\nrecipient=%s\n"
		    "instance=b%zu\n\n", t->client, t->sender, rcpt.data, i);
		memset(&env, 0, sizeof(env));
		env.conf = conf;
		env.ses_ring = strcmp(t->conf, "NOKEYS") != 0 ? ring : NULL;
		env.srs_ring = srs;
		c = check_new(&env, NULL, test_env(&in, test_parse(p,
		    req.data)), BOUNCE_TODAY * 86400 + 3600);
		/* whatever SPF asks (HELO identity of the null sender) gets
		 * NXDOMAIN: none */
		while (check_step(c, &qs, &n) == SPF_STEP_QUERY) {
			size_t k;

			for (k = 0; k < n; k++) {
				struct spf_answer a;

				memset(&a, 0, sizeof(a));
				a.id = qs[k].id;
				a.status = SPF_DNS_NXDOMAIN;
				check_feed(c, &a);
			}
		}
		d = check_decision(c);
		if (strncmp(d->action, t->action, strlen(t->action)) != 0)
			fail_msg("%s: action \"%s\", want \"%s...\"", t->name,
			    d->action, t->action);
		if (d->method != t->method)
			fail_msg("%s: method %s, want %s (%s)", t->name,
			    check_method_str(d->method),
			    check_method_str(t->method), d->log);
		if (d->bounce != t->bounce)
			fail_msg("%s: bounce outcome %d, want %d", t->name,
			    (int)d->bounce, (int)t->bounce);
		if (t->method == CHECK_M_BOUNCE && strstr(d->log,
		    " method=bounce result=fail why=") == NULL)
			fail_msg("%s: log %s", t->name, d->log);
		check_free(c);
		conf_free(conf);
	}
	ses_ring_free(ring);
	ses_ring_free(srs);
	buf_free(&rcpt);
	buf_free(&req);
	buf_free(&err);
	policy_parser_free(p);
}

/* test_check_long_text - an explanation too long for a reply is cut */
static void
test_check_long_text(void **state)
{
	static const struct check_envelope in = {
		.client_address = "192.0.2.9",
		.sender = "user@mf.example",
	};
	struct check_ctx ctx;
	struct check_results ev;
	struct check_decision d;
	struct check_texts texts;
	struct conf *c = conf_default();

	(void)state;
	memset(&ev, 0, sizeof(ev));
	test_idres_x(&ev.id[SPF_ID_MAILFROM], "MF", "mf.example", SPF_FAIL,
	    SPF_MAX_EXPLAIN);
	memset(&ctx, 0, sizeof(ctx));
	ctx.conf = c;
	ctx.in = &in;
	test_texts(&texts);
	memset(&d, 0, sizeof(d));
	check_decide(&ctx, &ev, &d, &texts);
	assert_int_equal(d.verdict, CHECK_V_REJECT);
	assert_string_equal(strstr(d.action, "explains: ") != NULL ?
	    "found" : d.action, "found");
	assert_memory_equal(strstr(d.action, "explains: ") + 10, "xxx?xx",
	    6);
	assert_true(strlen(d.action) <= POLICY_MAX_TEXT);
	test_texts_free(&texts);
	check_results_clear(&ev);
	conf_free(c);
}

/* test_check_method_str - names of the methods */
static void
test_check_method_str(void **state)
{
	(void)state;
	assert_string_equal(check_method_str(CHECK_M_A), "a");
	assert_string_equal(check_method_str(CHECK_M_SMARTHOST), "smarthost");
	assert_string_equal(check_method_str((enum check_method)99), "none");
	assert_string_equal(check_sender_domain("a@b.example"), "b.example");
	assert_string_equal(check_sender_domain("b.example"), "b.example");
	assert_null(check_sender_domain(""));
	assert_null(check_sender_domain("a@"));
}

/* main - run the tests */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_decide),
		cmocka_unit_test(test_check_pipeline),
		cmocka_unit_test(test_check_expire_deadline),
		cmocka_unit_test(test_check_recent),
		cmocka_unit_test(test_check_recent_deadline),
		cmocka_unit_test(test_check_recent_many),
		cmocka_unit_test(test_check_long_text),
		cmocka_unit_test(test_check_bounce),
		cmocka_unit_test(test_check_method_str),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
