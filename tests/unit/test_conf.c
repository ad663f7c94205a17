/* test_conf - rmxf.conf: syntax, types, expansion, errors, printing */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "conf/conf.h"
#include "conf/conf_int.h"
#include "spf/spf.h"
#include "util/buf.h"
#include "util/ipaddr.h"

#define TEST_NAME	"t.conf"
#define TEST_MAX	(1024 * 1024)
#define TEST_DOC	"doc/rmxf.conf.5"
#define TEST_SAMPLE	"conf/rmxf.conf"

/* The action table is indexed by either enum. */
_Static_assert(CONF_R_NONE == (int)SPF_NONE, "result order");
_Static_assert(CONF_R_NEUTRAL == (int)SPF_NEUTRAL, "result order");
_Static_assert(CONF_R_PASS == (int)SPF_PASS, "result order");
_Static_assert(CONF_R_FAIL == (int)SPF_FAIL, "result order");
_Static_assert(CONF_R_SOFTFAIL == (int)SPF_SOFTFAIL, "result order");
_Static_assert(CONF_R_TEMPERROR == (int)SPF_TEMPERROR, "result order");
_Static_assert(CONF_R_PERMERROR == (int)SPF_PERMERROR, "result order");

/* A file, and the line `rmxf conf NAME` must print for it. */
struct good_case {
	const char     *text;
	const char     *param;
	const char     *want;		/* the value as printed */
};

static const struct good_case good_cases[] = {
	/* booleans, the seed's keys */
	{"test_spf = no", "test_spf", "no"},
	{"test_dmp = YES", "test_dmp", "yes"},
	{"test_a = true", "test_a", "yes"},
	{"test_mx = 1", "test_mx", "yes"},
	{"test_helo = On", "test_helo", "yes"},
	{"test_spf = FALSE", "test_spf", "no"},
	{"test_spf = 0", "test_spf", "no"},
	{"observe_only = off", "observe_only", "no"},
	/* syntax */
	{"test_dmp=yes", "test_dmp", "yes"},
	{"test_dmp   =   yes   ", "test_dmp", "yes"},
	{"test_dmp\t=\tyes\t", "test_dmp", "yes"},
	{"test_dmp = yes\r\n", "test_dmp", "yes"},
	{"\xef\xbb\xbftest_dmp = yes", "test_dmp", "yes"},
	{"# comment\n\ntest_dmp = yes\n  # indented comment\n", "test_dmp",
	 "yes"},
	{"test_dmp = yes\n#test_dmp = no\n", "test_dmp", "yes"},
	{"exempt_networks = 10.0.0.0/8\n  192.0.2.0/24,\n\t2001:db8::/32",
	 "exempt_networks", "10.0.0.0/8 192.0.2.0/24 2001:db8::/32"},
	{"trusted_relays = 10.0.0.0/8\n# comment\n\n  192.0.2.0/24\n",
	 "trusted_relays", "10.0.0.0/8 192.0.2.0/24"},
	{"trusted_relays =\n    192.0.2.0/24", "trusted_relays",
	 "192.0.2.0/24"},
	{"authserv_id = mx#1", "authserv_id", "mx#1"},
	{"chroot = /var/lib/rmxf chroot", "chroot", "/var/lib/rmxf chroot"},
	/* expansion */
	{"test_dmp = yes\ntest_a = $test_dmp", "test_a", "yes"},
	{"test_a = ${test_dmp}\ntest_dmp = yes", "test_a", "yes"},
	{"test_a = $(test_mx)\ntest_mx = $test_dmp\ntest_dmp = on",
	 "test_a", "yes"},
	{"mx_prefix4 = $a_prefix4", "mx_prefix4", "24"},
	{"trusted_relays = $exempt_networks, 10.0.0.0/8", "trusted_relays",
	 "127.0.0.0/8 ::1/128 10.0.0.0/8"},
	{"user = rmxf\nacl_file = /etc/$user/$user.acl", "acl_file",
	 "/etc/rmxf/rmxf.acl"},
	{"user = rmxf\nacl_file = /etc/${user}x.acl", "acl_file",
	 "/etc/rmxfx.acl"},
	{"acl_file = /x/$$y", "acl_file", "/x/$$y"},
	{"acl_file = $$$$", "acl_file", "$$$$"},
	/* numbers and times */
	{"a_prefix4 = 0", "a_prefix4", "0"},
	{"a_prefix6 = 128", "a_prefix6", "128"},
	{"mx_prefix6 = 48", "mx_prefix6", "48"},
	{"max_connections = 100000", "max_connections", "100000"},
	{"reject_code = 554", "reject_code", "554"},
	{"defer_code = 451", "defer_code", "451"},
	{"dns_timeout = 5s", "dns_timeout", "5s"},
	{"dns_timeout = 250ms", "dns_timeout", "250ms"},
	{"dns_timeout = 2000ms", "dns_timeout", "2s"},
	{"dns_timeout = 7", "dns_timeout", "7s"},
	{"dns_timeout = 300S", "dns_timeout", "300s"},
	{"request_timeout = 1500MS", "request_timeout", "1500ms"},
	{"spf_max_void_lookups = 0", "spf_max_void_lookups", "0"},
	{"spf_max_dns_terms = 100", "spf_max_dns_terms", "100"},
	/* enums */
	{"log_to = STDERR", "log_to", "stderr"},
	{"syslog_facility = local7", "syslog_facility", "local7"},
	{"log_level = WARNING", "log_level", "warning"},
	{"log_level = debug", "log_level", "debug"},
	{"metrics_listen = inet:127.0.0.1:9131 inet:[::1]:9131",
	 "metrics_listen", "inet:127.0.0.1:9131 inet:[::1]:9131"},
	{"metrics_listen =", "metrics_listen", ""},
	{"action_mailfrom_fail = defer_if_permit", "action_mailfrom_fail",
	 "defer_if_permit"},
	{"action_helo_none = observe", "action_helo_none", "observe"},
	{"action_require_pass = observe", "action_require_pass", "observe"},
	{"reject_text = $result ${domain} $$ 5", "reject_text",
	 "$result ${domain} $$ 5"},
	{"require_pass_domains = A.example b.example", "require_pass_domains",
	 "A.example b.example"},
	{"action_mailfrom_softfail = Reject", "action_mailfrom_softfail",
	 "reject"},
	{"default_result = unknown", "default_result", "neutral"},
	{"default_result = 2", "default_result", "neutral"},
	{"default_result = fail", "default_result", "fail"},
	{"default_result = none", "default_result", "none"},
	/* enhanced status codes, strings */
	{"reject_enhanced_code = 5.7.1", "reject_enhanced_code", "5.7.1"},
	{"defer_enhanced_code = 4.4.3", "defer_enhanced_code", "4.4.3"},
	{"reject_enhanced_code = 5.123.999", "reject_enhanced_code",
	 "5.123.999"},
	{"user = rmxf", "user", "rmxf"},
	{"authserv_id = mx.example.org", "authserv_id", "mx.example.org"},
	{"acl_file = /etc/rmxf/rmxf.acl", "acl_file", "/etc/rmxf/rmxf.acl"},
	{"authserv_id =", "authserv_id", ""},
	/* lists */
	{"exempt_networks = [::1]/128 192.0.2.1 2001:DB8::/32",
	 "exempt_networks", "::1/128 192.0.2.1/32 2001:db8::/32"},
	{"exempt_networks = 0.0.0.0/0 ::/0", "exempt_networks",
	 "0.0.0.0/0 ::/0"},
	{"exempt_networks =", "exempt_networks", ""},
	{"smarthost_egress = 192.0.2.1, [2001:db8::1]", "smarthost_egress",
	 "192.0.2.1 2001:db8::1"},
	{"smarthost_contexts = submission,,smarthost", "smarthost_contexts",
	 "submission smarthost"},
	{"listen = unix:private/rmxf inet:[::1]:10031 inet:mx.example.org:1",
	 "listen", "unix:private/rmxf inet:[::1]:10031 inet:mx.example.org:1"},
	{"listen = inet:127.0.0.1:10031", "listen", "inet:127.0.0.1:10031"},
	{"listen =", "listen", ""},
	{"dns_forwarders = 127.0.0.1@5353 ::1@53 192.0.2.53",
	 "dns_forwarders", "127.0.0.1@5353 ::1 192.0.2.53"},
};

#define NGOOD (sizeof(good_cases) / sizeof(good_cases[0]))

/* A file that must be refused, and all that rmxf says about it. */
struct bad_case {
	const char     *text;
	size_t		len;		/* 0: strlen */
	const char     *want;		/* the error lines */
};

static const struct bad_case bad_cases[] = {
	/* syntax */
	{"test_dpm = yes", 0,
	 "t.conf:1: unknown parameter \"test_dpm\" (did you mean "
	 "test_dmp?)\n"},
	{"# x\nfrobnicate = 1", 0,
	 "t.conf:2: unknown parameter \"frobnicate\"\n"},
	{"test_spf yes", 0, "t.conf:1: missing \"=\" after \"test_spf\"\n"},
	{"test_spf", 0, "t.conf:1: missing \"=\" after \"test_spf\"\n"},
	{"= yes", 0, "t.conf:1: missing parameter name before \"=\"\n"},
	{"test-spf = yes", 0,
	 "t.conf:1: bad parameter name \"test-spf\" (letters, digits and "
	 "_)\n"},
	{"test_spf = yes\ntest_dmp = no\ntest_spf = no", 0,
	 "t.conf:3: test_spf is set again (first at line 1)\n"},
	{"\n  192.0.2.0/24", 0,
	 "t.conf:2: continuation line without a parameter (a line that "
	 "starts with white space continues the previous one)\n"},
	{"test_spf = y\001es", 0,
	 "t.conf:1: control character 0x01 in line\n"},
	{"test_spf = yes\0", 15,
	 "t.conf:1: control character 0x00 in line\n"},
	{"test_spf = yes\r\r\n", 0,
	 "t.conf:1: control character 0x0d in line\n"},
	/* booleans, numbers, times */
	{"test_spf = maybe", 0,
	 "t.conf:1: test_spf: \"maybe\" is not a boolean (yes/no, "
	 "true/false, 1/0, on/off)\n"},
	{"test_spf =", 0,
	 "t.conf:1: test_spf: \"\" is not a boolean (yes/no, true/false, "
	 "1/0, on/off)\n"},
	{"test_spf = yes # please", 0,
	 "t.conf:1: test_spf: \"yes # please\" is not a boolean (yes/no, "
	 "true/false, 1/0, on/off) (a comment must be on a line of its "
	 "own)\n"},
	{"a_prefix4 = -1", 0,
	 "t.conf:1: a_prefix4: \"-1\" is not a whole number\n"},
	/* templates and domain lists */
	{"reject_text = no $such", 0,
	 "t.conf:1: reject_text: \"$such\" is not a variable of the template "
	 "($result $domain $client_address $sender $helo_name $explanation, "
	 "$$ for \"$\")\n"},
	{"reject_text = ${result", 0,
	 "t.conf:1: reject_text: \"${result\" is not a variable of the "
	 "template ($result $domain $client_address $sender $helo_name "
	 "$explanation, $$ for \"$\")\n"},
	{"reject_text = costs 5$", 0,
	 "t.conf:1: reject_text: \"$\" is not a variable of the template "
	 "($result $domain $client_address $sender $helo_name $explanation, "
	 "$$ for \"$\")\n"},
	{"exempt_ptr_domains = ok.example bad..example", 0,
	 "t.conf:1: exempt_ptr_domains: \"bad..example\" is not a domain "
	 "name\n"},
	{"a_prefix4 = 24.0", 0,
	 "t.conf:1: a_prefix4: \"24.0\" is not a whole number\n"},
	{"a_prefix4 = 33", 0,
	 "t.conf:1: a_prefix4: \"33\" is out of range (0 to 32)\n"},
	{"a_prefix6 = 99999999999999999999999", 0,
	 "t.conf:1: a_prefix6: \"99999999999999999999999\" is out of range "
	 "(0 to 128)\n"},
	{"reject_code = 450", 0,
	 "t.conf:1: reject_code: \"450\" is out of range (500 to 599)\n"},
	{"max_connections = 0", 0,
	 "t.conf:1: max_connections: \"0\" is out of range (1 to 100000)\n"},
	{"dns_timeout = 0s", 0,
	 "t.conf:1: dns_timeout: \"0s\" is out of range (100ms to 300s)\n"},
	{"dns_timeout = 1m", 0,
	 "t.conf:1: dns_timeout: \"1m\" is not a time (a number with the "
	 "unit s or ms, e.g. 20s)\n"},
	{"dns_timeout = s", 0,
	 "t.conf:1: dns_timeout: \"s\" is not a time (a number with the "
	 "unit s or ms, e.g. 20s)\n"},
	{"dns_timeout = 99999999999999s", 0,
	 "t.conf:1: dns_timeout: \"99999999999999s\" is out of range (100ms "
	 "to 300s)\n"},
	{"request_timeout = 500ms", 0,
	 "t.conf:1: request_timeout: \"500ms\" is out of range (1s to "
	 "90s)\n"},
	{"request_timeout = 100s", 0,
	 "t.conf:1: request_timeout: \"100s\" is out of range (1s to "
	 "90s)\n"},
	/* enums, codes, strings */
	{"log_to = file", 0,
	 "t.conf:1: log_to: \"file\" is not one of syslog, stderr\n"},
	{"log_level = verbose", 0,
	 "t.conf:1: log_level: \"verbose\" is not one of error, warning, "
	 "info, debug\n"},
	{"metrics_listen = unix:/run/rmxf/metrics", 0,
	 "t.conf:1: metrics_listen: \"unix:/run/rmxf/metrics\" is not "
	 "inet:HOST:PORT\n"},
	{"metrics_listen = inet:127.0.0.1:9131 unix:m", 0,
	 "t.conf:1: metrics_listen: \"unix:m\" is not inet:HOST:PORT\n"},
	{"metrics_listen = inet:127.0.0.1", 0,
	 "t.conf:1: metrics_listen: \"inet:127.0.0.1\" has no port (use "
	 "inet:HOST:PORT)\n"},
	{"action_mailfrom_fail = drop", 0,
	 "t.conf:1: action_mailfrom_fail: \"drop\" is not one of accept, "
	 "mark, reject, defer, defer_if_permit, observe\n"},
	{"default_result = pass", 0,
	 "t.conf:1: default_result: \"pass\" is not one of neutral, none, "
	 "softfail, fail, unknown, 2\n"},
	{"reject_enhanced_code = 4.7.1", 0,
	 "t.conf:1: reject_enhanced_code: \"4.7.1\" is not an enhanced "
	 "status code of class 5 (5.X.Y, e.g. 5.7.23)\n"},
	{"reject_enhanced_code = 5.7", 0,
	 "t.conf:1: reject_enhanced_code: \"5.7\" is not an enhanced "
	 "status code of class 5 (5.X.Y, e.g. 5.7.23)\n"},
	{"defer_enhanced_code = 4.7.1234", 0,
	 "t.conf:1: defer_enhanced_code: \"4.7.1234\" is not an enhanced "
	 "status code of class 4 (4.X.Y, e.g. 4.7.24)\n"},
	{"defer_enhanced_code = 4.x.1", 0,
	 "t.conf:1: defer_enhanced_code: \"4.x.1\" is not an enhanced "
	 "status code of class 4 (4.X.Y, e.g. 4.7.24)\n"},
	{"user = a b", 0, "t.conf:1: user: \"a b\" contains white space\n"},
	{"authserv_id = a(b)", 0,
	 "t.conf:1: authserv_id: \"a(b)\" is not a plain token (ASCII, "
	 "without ; ( ) \" \\)\n"},
	/* lists */
	{"exempt_networks = 10.0.0.1/8", 0,
	 "t.conf:1: exempt_networks: \"10.0.0.1/8\" has host bits set (the "
	 "network is 10.0.0.0/8)\n"},
	{"exempt_networks = 2001:db8::1/32", 0,
	 "t.conf:1: exempt_networks: \"2001:db8::1/32\" has host bits set "
	 "(the network is 2001:db8::/32)\n"},
	{"trusted_relays = 10.0.0.0/33", 0,
	 "t.conf:1: trusted_relays: \"10.0.0.0/33\" has a bad prefix length "
	 "(0 to 32)\n"},
	{"trusted_relays = 10.0.0.0/", 0,
	 "t.conf:1: trusted_relays: \"10.0.0.0/\" has a bad prefix length "
	 "(0 to 32)\n"},
	{"trusted_relays = 10.0.0.256", 0,
	 "t.conf:1: trusted_relays: \"10.0.0.256\" is not an IPv4 or IPv6 "
	 "address or network\n"},
	{"trusted_relays = [::1/128", 0,
	 "t.conf:1: trusted_relays: \"[::1/128\" is not an IPv4 or IPv6 "
	 "address or network\n"},
	{"smarthost_egress = 192.0.2.0/24", 0,
	 "t.conf:1: smarthost_egress: \"192.0.2.0/24\" is not an IPv4 or "
	 "IPv6 address\n"},
	{"listen = inet:localhost", 0,
	 "t.conf:1: listen: \"inet:localhost\" has no port (use "
	 "inet:HOST:PORT)\n"},
	{"listen = inet:localhost:0", 0,
	 "t.conf:1: listen: \"inet:localhost:0\" has a bad port (1 to "
	 "65535)\n"},
	{"listen = inet:localhost:65536", 0,
	 "t.conf:1: listen: \"inet:localhost:65536\" has a bad port (1 to "
	 "65535)\n"},
	{"listen = inet:::1:10031", 0,
	 "t.conf:1: listen: \"inet:::1:10031\" has an IPv6 address without "
	 "brackets (use inet:[ADDR]:PORT)\n"},
	{"listen = inet:[::1:10031", 0,
	 "t.conf:1: listen: \"inet:[::1:10031\" has no \"]\" after the IPv6 "
	 "address\n"},
	{"listen = inet:[::1]10031", 0,
	 "t.conf:1: listen: \"inet:[::1]10031\" is not inet:[IPv6]:PORT\n"},
	{"listen = inet:a/b:25", 0,
	 "t.conf:1: listen: \"inet:a/b:25\" has a bad host (an address or a "
	 "host name)\n"},
	{"listen = tcp:127.0.0.1:25", 0,
	 "t.conf:1: listen: \"tcp:127.0.0.1:25\" is not unix:PATH or "
	 "inet:HOST:PORT\n"},
	{"listen = unix:", 0,
	 "t.conf:1: listen: \"unix:\" is not unix:PATH or inet:HOST:PORT\n"},
	{"dns_forwarders = 127.0.0.1:53", 0,
	 "t.conf:1: dns_forwarders: \"127.0.0.1:53\" is not IP or "
	 "IP@PORT\n"},
	{"dns_forwarders = 127.0.0.1@", 0,
	 "t.conf:1: dns_forwarders: \"127.0.0.1@\" has a bad port (1 to "
	 "65535)\n"},
	/* expansion */
	{"test_a = $test_b", 0,
	 "t.conf:1: unknown parameter \"test_b\" after \"$\" (did you mean "
	 "test_a?)\n"},
	{"test_a = $test_dmp\ntest_dmp = $test_a", 0,
	 "t.conf:2: expansion loop test_a -> test_dmp -> test_a\n"},
	{"trusted_relays = $trusted_relays 10.0.0.0/8", 0,
	 "t.conf:1: expansion loop trusted_relays -> trusted_relays\n"},
	{"test_a = $test_mx\ntest_mx = $test_dmp\ntest_dmp = ${test_mx}", 0,
	 "t.conf:3: expansion loop test_mx -> test_dmp -> test_mx\n"},
	{"acl_file = $", 0,
	 "t.conf:1: \"$\" without a parameter name (write $$ for a literal "
	 "\"$\")\n"},
	{"acl_file = a$-b", 0,
	 "t.conf:1: \"$\" without a parameter name (write $$ for a literal "
	 "\"$\")\n"},
	{"acl_file = ${user", 0, "t.conf:1: \"${\" without \"}\"\n"},
	{"acl_file = $(user", 0, "t.conf:1: \"$(\" without \")\"\n"},
	{"acl_file = ${user?x}", 0,
	 "t.conf:1: conditional expansion \"${user?x}\" is not supported\n"},
	{"acl_file = ${user:x}", 0,
	 "t.conf:1: conditional expansion \"${user:x}\" is not supported\n"},
	{"acl_file = ${}", 0,
	 "t.conf:1: bad parameter name in \"${}\"\n"},
	{"acl_file = $(a b)", 0,
	 "t.conf:1: bad parameter name in \"$(a b)\"\n"},
	{"test_a = $test_dmp\ntest_dmp = maybe", 0,
	 "t.conf:1: test_a: \"maybe\" is not a boolean (yes/no, true/false, "
	 "1/0, on/off)\n"
	 "t.conf:2: test_dmp: \"maybe\" is not a boolean (yes/no, "
	 "true/false, 1/0, on/off)\n"},
	/* several errors, reported in line order */
	{"test_spf = maybe\nfoo = 1\nmx_prefix4 = 40\n", 0,
	 "t.conf:1: test_spf: \"maybe\" is not a boolean (yes/no, "
	 "true/false, 1/0, on/off)\n"
	 "t.conf:2: unknown parameter \"foo\"\n"
	 "t.conf:3: mx_prefix4: \"40\" is out of range (0 to 32)\n"},
	{"foo = 1\n  continued\nbar = 2", 0,
	 "t.conf:1: unknown parameter \"foo\"\n"
	 "t.conf:3: unknown parameter \"bar\"\n"},
};

#define NBAD (sizeof(bad_cases) / sizeof(bad_cases[0]))

/* A realistic file using every kind of value, for the round trips. */
static const char test_full[] =
    "# rmxf.conf for mx.example.org\n"
    "test_spf = yes\n"
    "test_helo = yes\n"
    "test_dmp = yes\n"
    "test_a = yes\n"
    "test_mx = $test_a\n"
    "a_prefix4 = 28\n"
    "mx_prefix4 = $a_prefix4\n"
    "default_result = softfail\n"
    "action_mailfrom_softfail = reject\n"
    "action_helo_fail = defer_if_permit\n"
    "authserv_id = mx.example.org\n"
    "header_authentication_results = yes\n"
    "exempt_networks = 127.0.0.0/8 ::1/128\n"
    "    192.0.2.0/24 198.51.100.0/24 203.0.113.0/24 10.0.0.0/8\n"
    "    172.16.0.0/12 192.168.0.0/16 2001:db8::/32 fd00::/8\n"
    "trusted_relays = 192.0.2.25\n"
    "smarthost_egress = 192.0.2.1 2001:db8::25\n"
    "smarthost_contexts = submission smarthost\n"
    "listen = unix:/var/spool/postfix/private/rmxf inet:[::1]:10031\n"
    "user = rmxf\n"
    "chroot = /var/spool/postfix\n"
    "acl_file = /etc/rmxf/rmxf.acl\n"
    "log_to = stderr\n"
    "syslog_facility = local3\n"
    "dns_forwarders = 127.0.0.1@5353\n"
    "dns_timeout = 2500ms\n"
    "request_timeout = 10s\n"
    "spf_max_void_lookups = 3\n";

/* parse - text with an error buffer; NULL and the errors in err */
static struct conf *
parse(const char *text, size_t len, struct buf *err)
{
	buf_reset(err);
	return conf_parse(text, len, TEST_NAME, err);
}

/* test_conf_good - every value type and syntax rule, by its printout */
static void
test_conf_good(void **state)
{
	struct buf err, out, want;
	struct conf *c;
	size_t i;

	(void)state;
	buf_init(&err, TEST_MAX);
	buf_init(&out, TEST_MAX);
	buf_init(&want, TEST_MAX);
	for (i = 0; i < NGOOD; i++) {
		const struct good_case *t = &good_cases[i];

		if ((c = parse(t->text, strlen(t->text), &err)) == NULL)
			fail_msg("case %zu refused: %s", i, err.data);
		buf_reset(&out);
		buf_reset(&want);
		assert_int_equal(conf_print_param(c, t->param, &out), 0);
		buf_printf(&want, "%s =%s%s\n", t->param, *t->want ? " " : "",
		    t->want);
		if (strcmp(out.data, want.data) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s\"", i,
			    out.data, want.data);
		conf_free(c);
	}
	buf_free(&err);
	buf_free(&out);
	buf_free(&want);
}

/* test_conf_bad - every error kind, with file:line */
static void
test_conf_bad(void **state)
{
	struct buf err;
	size_t i;

	(void)state;
	buf_init(&err, TEST_MAX);
	for (i = 0; i < NBAD; i++) {
		const struct bad_case *t = &bad_cases[i];
		size_t len = t->len ? t->len : strlen(t->text);

		if (parse(t->text, len, &err) != NULL)
			fail_msg("case %zu accepted: %s", i, t->text);
		if (err.data == NULL || strcmp(err.data, t->want) != 0)
			fail_msg("case %zu: got\n%swant\n%s", i,
			    err.data ? err.data : "(nothing)\n", t->want);
	}
	buf_free(&err);
}

/* test_conf_default - the embedded defaults, field by field */
static void
test_conf_default(void **state)
{
	struct conf *c = conf_default(), *e;
	struct buf err;
	char text[IPADDR_STRLEN];

	(void)state;
	assert_true(c->test_spf);
	assert_false(c->test_helo);
	assert_false(c->test_dmp);
	assert_false(c->test_a);
	assert_false(c->test_mx);
	assert_false(c->legacy_on_neutral);
	assert_false(c->observe_only);
	assert_int_equal(c->a_prefix4, 24);
	assert_int_equal(c->a_prefix6, 64);
	assert_int_equal(c->mx_prefix4, 24);
	assert_int_equal(c->mx_prefix6, 64);
	assert_int_equal(c->default_result, CONF_R_NEUTRAL);
	assert_int_equal(c->action_mailfrom[SPF_PASS], CONF_ACT_ACCEPT);
	assert_int_equal(c->action_mailfrom[SPF_FAIL], CONF_ACT_REJECT);
	assert_int_equal(c->action_mailfrom[SPF_SOFTFAIL], CONF_ACT_MARK);
	assert_int_equal(c->action_mailfrom[SPF_NEUTRAL], CONF_ACT_ACCEPT);
	assert_int_equal(c->action_mailfrom[SPF_NONE], CONF_ACT_ACCEPT);
	assert_int_equal(c->action_mailfrom[SPF_PERMERROR], CONF_ACT_ACCEPT);
	assert_int_equal(c->action_mailfrom[SPF_TEMPERROR], CONF_ACT_DEFER);
	assert_memory_equal(c->action_helo, c->action_mailfrom,
	    sizeof(c->action_helo));
	assert_int_equal(c->reject_code, 550);
	assert_string_equal(c->reject_enhanced_code, "5.7.23");
	assert_int_equal(c->defer_code, 450);
	assert_string_equal(c->defer_enhanced_code, "4.7.24");
	assert_true(c->header_received_spf);
	assert_false(c->header_authentication_results);
	assert_string_equal(c->authserv_id, "");
	assert_int_equal(c->exempt_networks.n, 2);
	ipaddr_format(&c->exempt_networks.v[0].addr, text);
	assert_string_equal(text, "127.0.0.0");
	assert_int_equal(c->exempt_networks.v[0].bits, 8);
	ipaddr_format(&c->exempt_networks.v[1].addr, text);
	assert_string_equal(text, "::1");
	assert_int_equal(c->exempt_networks.v[1].bits, 128);
	assert_int_equal(c->trusted_relays.n, 0);
	assert_true(c->exempt_authenticated);
	assert_string_equal(c->acl_file, "");
	assert_int_equal(c->smarthost_egress.n, 0);
	assert_int_equal(c->smarthost_contexts.n, 0);
	assert_int_equal(c->listen.n, 1);
	assert_int_equal(c->listen.v[0].kind, CONF_LISTEN_UNIX);
	assert_string_equal(c->listen.v[0].path,
	    "/var/spool/postfix/private/rmxf");
	assert_string_equal(c->user, "");
	assert_string_equal(c->chroot, "");
	assert_int_equal(c->log_to, CONF_LOG_SYSLOG);
	assert_int_equal(c->syslog_facility, CONF_FAC_MAIL);
	assert_int_equal(c->log_level, CONF_LOGL_INFO);
	assert_int_equal(c->metrics_listen.n, 0);
	assert_int_equal(c->dns_forwarders.n, 0);
	assert_int_equal(c->dns_timeout, SPF_TIMEOUT_MS);
	assert_int_equal(c->request_timeout, 20000);
	assert_int_equal(c->spf_max_dns_terms, SPF_MAX_DNS_TERMS);
	assert_int_equal(c->spf_max_void_lookups, SPF_MAX_VOID_LOOKUPS);
	assert_int_equal(c->spf_max_mx_addrs, SPF_MAX_MX_ADDRS);
	assert_int_equal(c->spf_max_ptr_addrs, SPF_MAX_PTR_ADDRS);

	/* an empty file, and one of comments only, are the defaults */
	buf_init(&err, TEST_MAX);
	e = parse("", 0, &err);
	assert_non_null(e);
	assert_true(conf_equal(c, e));
	conf_free(e);
	e = parse("# nothing\n\n   \n#x = y\n", 22, &err);
	assert_non_null(e);
	assert_true(conf_equal(c, e));
	conf_free(e);
	conf_free(c);
	conf_free(NULL);
	buf_free(&err);
}

/* test_conf_seed - the seed's mxfilter.cf keys, as written */
static void
test_conf_seed(void **state)
{
	static const char seed[] =
	    "test_spf=1\n"
	    "test_dmp=1\n"
	    "test_a=1\n"
	    "test_mx=1\n"
	    "test_helo=0\n"
	    "default_result=2\n";
	struct buf err;
	struct conf *c;

	(void)state;
	buf_init(&err, TEST_MAX);
	c = parse(seed, sizeof(seed) - 1, &err);
	if (c == NULL)
		fail_msg("%s", err.data);
	assert_true(c->test_spf);
	assert_true(c->test_dmp);
	assert_true(c->test_a);
	assert_true(c->test_mx);
	assert_false(c->test_helo);
	assert_int_equal(c->default_result, CONF_R_NEUTRAL);
	conf_free(c);
	buf_free(&err);
}

/* test_conf_types - typed fields of lists and the action table */
static void
test_conf_types(void **state)
{
	struct buf err;
	struct conf *c;
	char text[IPADDR_STRLEN];

	(void)state;
	buf_init(&err, TEST_MAX);
	c = parse(test_full, sizeof(test_full) - 1, &err);
	if (c == NULL)
		fail_msg("%s", err.data);
	assert_int_equal(c->mx_prefix4, 28);
	assert_true(c->test_mx);
	assert_int_equal(c->default_result, CONF_R_SOFTFAIL);
	assert_int_equal(c->action_mailfrom[SPF_SOFTFAIL], CONF_ACT_REJECT);
	assert_int_equal(c->action_helo[SPF_FAIL], CONF_ACT_DEFER_IF_PERMIT);
	assert_int_equal(c->action_helo[SPF_SOFTFAIL], CONF_ACT_MARK);
	assert_int_equal(c->exempt_networks.n, 10);
	assert_int_equal(c->exempt_networks.v[9].addr.family, 6);
	assert_int_equal(c->exempt_networks.v[9].bits, 8);
	assert_int_equal(c->trusted_relays.v[0].bits, 32);
	assert_int_equal(c->smarthost_egress.n, 2);
	ipaddr_format(&c->smarthost_egress.v[1], text);
	assert_string_equal(text, "2001:db8::25");
	assert_int_equal(c->smarthost_contexts.n, 2);
	assert_string_equal(c->smarthost_contexts.v[1], "smarthost");
	assert_int_equal(c->listen.n, 2);
	assert_int_equal(c->listen.v[0].kind, CONF_LISTEN_UNIX);
	assert_string_equal(c->listen.v[0].path,
	    "/var/spool/postfix/private/rmxf");
	assert_int_equal(c->listen.v[1].kind, CONF_LISTEN_INET);
	assert_string_equal(c->listen.v[1].host, "::1");
	assert_int_equal(c->listen.v[1].port, 10031);
	assert_int_equal(c->dns_forwarders.n, 1);
	assert_int_equal(c->dns_forwarders.v[0].port, 5353);
	assert_int_equal(c->dns_timeout, 2500);
	assert_int_equal(c->request_timeout, 10000);
	assert_int_equal(c->log_to, CONF_LOG_STDERR);
	assert_string_equal(conf_facility_str(c->syslog_facility), "local3");
	assert_string_equal(conf_action_str(CONF_ACT_DEFER_IF_PERMIT),
	    "defer_if_permit");
	assert_string_equal(conf_result_str(CONF_R_PERMERROR), "permerror");
	conf_free(c);
	buf_free(&err);
}

/* roundtrip - print (all or -n), parse the print: the same struct */
static void
roundtrip(const char *text, size_t len, int only_non_default)
{
	struct buf err, out, out2;
	struct conf *a, *b;

	buf_init(&err, TEST_MAX);
	buf_init(&out, TEST_MAX);
	buf_init(&out2, TEST_MAX);
	if ((a = parse(text, len, &err)) == NULL)
		fail_msg("refused: %s", err.data);
	assert_int_equal(conf_print(a, &out, only_non_default), 0);
	if ((b = parse(out.data ? out.data : "", out.len, &err)) == NULL)
		fail_msg("print of\n%s\ndoes not parse:\n%s\n%s", text,
		    out.data, err.data);
	if (!conf_equal(a, b))
		fail_msg("print of\n%s\nparses to another config:\n%s", text,
		    out.data);
	/* and printing is stable */
	assert_int_equal(conf_print(b, &out2, only_non_default), 0);
	assert_int_equal(out.len, out2.len);
	if (out.len > 0)
		assert_string_equal(out.data, out2.data);
	conf_free(a);
	conf_free(b);
	buf_free(&err);
	buf_free(&out);
	buf_free(&out2);
}

/* test_conf_roundtrip - printing then parsing gives the same struct */
static void
test_conf_roundtrip(void **state)
{
	size_t i;

	(void)state;
	roundtrip("", 0, 0);
	roundtrip("", 0, 1);
	roundtrip(test_full, sizeof(test_full) - 1, 0);
	roundtrip(test_full, sizeof(test_full) - 1, 1);
	for (i = 0; i < NGOOD; i++) {
		roundtrip(good_cases[i].text, strlen(good_cases[i].text), 0);
		roundtrip(good_cases[i].text, strlen(good_cases[i].text), 1);
	}
}

/* test_conf_print - postconf style: sorted, -n, folding, one name */
static void
test_conf_print(void **state)
{
	struct buf err, out;
	struct conf *c;
	const char *p, *prev;
	size_t lines = 0;

	(void)state;
	buf_init(&err, TEST_MAX);
	buf_init(&out, TEST_MAX);
	c = conf_default();
	assert_int_equal(conf_print(c, &out, 1), 0);
	assert_int_equal(out.len, 0);		/* nothing differs */
	assert_int_equal(conf_print(c, &out, 0), 0);
	/* one line per parameter, sorted by name */
	for (prev = NULL, p = out.data; *p != 0; p = strchr(p, '\n') + 1) {
		if (prev != NULL && strcmp(prev, p) >= 0)
			fail_msg("not sorted at %.30s", p);
		prev = p;
		lines++;
	}
	assert_int_equal(lines, conf_param_count());
	assert_non_null(strstr(out.data, "\ntest_spf = yes\n"));
	assert_non_null(strstr(out.data, "\nauthserv_id =\n"));
	assert_int_equal(conf_print_param(c, "no_such", &out), -1);
	conf_free(c);

	/* -n, and a long list folded under 80 columns */
	c = parse(test_full, sizeof(test_full) - 1, &err);
	assert_non_null(c);
	buf_reset(&out);
	assert_int_equal(conf_print(c, &out, 1), 0);
	assert_null(strstr(out.data, "test_spf"));
	assert_null(strstr(out.data, "mx_prefix6"));
	assert_non_null(strstr(out.data, "\nmx_prefix4 = 28\n"));
	assert_non_null(strstr(out.data, "exempt_networks = 127.0.0.0/8 "
	    "::1/128 192.0.2.0/24 198.51.100.0/24\n    203.0.113.0/24"));
	for (p = out.data; *p != 0; p = strchr(p, '\n') + 1)
		assert_true(strchr(p, '\n') - p < 80);

	/* a full buffer is an error, not a cut line */
	buf_free(&out);
	buf_init(&out, 100);
	assert_int_equal(conf_print(c, &out, 0), -1);
	conf_free(c);
	buf_free(&out);
	buf_free(&err);
}

/* test_conf_limits - long lines and values, many errors */
static void
test_conf_limits(void **state)
{
	struct buf err, text, want;
	struct conf *c;
	int i;

	(void)state;
	buf_init(&err, TEST_MAX);
	buf_init(&text, 4 * CONF_MAX_TEXT);
	buf_init(&want, TEST_MAX);

	/* a physical line over CONF_MAX_LINE */
	buf_puts(&text, "chroot = ");
	for (i = 0; i < CONF_MAX_LINE; i++)
		buf_putc(&text, 'x');
	assert_null(parse(text.data, text.len, &err));
	buf_printf(&want, "t.conf:1: line longer than %d octets\n",
	    CONF_MAX_LINE);
	assert_string_equal(err.data, want.data);

	/* a value over CONF_MAX_VALUE through continuation lines */
	buf_reset(&text);
	buf_puts(&text, "smarthost_contexts = a\n");
	for (i = 0; i < CONF_MAX_VALUE / 2000 + 1; i++) {
		buf_putc(&text, ' ');
		for (int j = 0; j < 2000; j++)
			buf_putc(&text, 'w');
		buf_putc(&text, '\n');
	}
	assert_null(parse(text.data, text.len, &err));
	assert_non_null(strstr(err.data, "smarthost_contexts: value longer "
	    "than 65536 octets\n"));

	/* ... and through expansion */
	buf_reset(&text);
	buf_puts(&text, "chroot = ");
	for (i = 0; i < 4000; i++)
		buf_putc(&text, 'x');
	buf_puts(&text, "\nacl_file =");
	for (i = 0; i < 17; i++)
		buf_puts(&text, " $chroot");
	assert_null(parse(text.data, text.len, &err));
	assert_string_equal(err.data, "t.conf:2: acl_file: value longer than "
	    "65536 octets after expansion\n");

	/* a whole text over CONF_MAX_TEXT */
	buf_reset(&text);
	while (text.len <= CONF_MAX_TEXT)
		buf_puts(&text, "# padding padding padding padding\n");
	assert_null(parse(text.data, text.len, &err));
	buf_reset(&want);
	buf_printf(&want, "t.conf: longer than %d octets\n", CONF_MAX_TEXT);
	assert_string_equal(err.data, want.data);

	/* the first CONF_MAX_ERRORS, then a count */
	buf_reset(&text);
	buf_reset(&want);
	for (i = 1; i <= CONF_MAX_ERRORS + 10; i++) {
		buf_printf(&text, "bogus%d = 1\n", i);
		if (i <= CONF_MAX_ERRORS)
			buf_printf(&want, "t.conf:%d: unknown parameter "
			    "\"bogus%d\"\n", i, i);
	}
	buf_puts(&text, "test_spf = maybe\n");
	buf_puts(&want, "t.conf: 11 more errors\n");
	assert_null(parse(text.data, text.len, &err));
	assert_string_equal(err.data, want.data);

	/* no error buffer: still refused */
	assert_null(conf_parse("x = 1", 5, NULL, NULL));
	c = conf_parse("test_spf = no", 13, NULL, NULL);
	assert_non_null(c);
	conf_free(c);
	buf_free(&err);
	buf_free(&text);
	buf_free(&want);
}

/* test_conf_table - names, defaults and docs are well formed */
static void
test_conf_table(void **state)
{
	struct buf docs;
	size_t i, j;

	(void)state;
	for (i = 0; i < conf_nopts; i++) {
		const struct conf_opt *o = &conf_opts[i];

		assert_true(strlen(o->name) <= CONF_MAX_NAME);
		assert_int_equal(strspn(o->name,
		    "abcdefghijklmnopqrstuvwxyz0123456789_"), strlen(o->name));
		assert_null(strchr(o->def, '$'));
		/* "# " + doc fits 80 columns in rmxf conf -d */
		if (*o->doc == 0 || strlen(o->doc) > 77)
			fail_msg("%s: doc line empty or too long", o->name);
		for (j = i + 1; j < conf_nopts; j++)
			assert_string_not_equal(o->name, conf_opts[j].name);
		assert_ptr_equal(conf_opt_find(o->name, strlen(o->name)), o);
		assert_string_equal(conf_param_name(i), o->name);
		assert_string_equal(conf_param_doc(i), o->doc);
	}
	assert_null(conf_param_name(conf_nopts));
	buf_init(&docs, TEST_MAX);
	assert_int_equal(conf_print_docs(&docs), 0);
	assert_non_null(strstr(docs.data, "# check SPF (RFC 7208) for the "
	    "MAIL FROM identity\ntest_spf = yes\n"));
	buf_free(&docs);
}

/* read_file - a file of the source tree into b; -1 if not there */
static int
read_file(const char *path, struct buf *b)
{
	FILE *fp;
	char chunk[4096];
	size_t n;

	if ((fp = fopen(path, "r")) == NULL)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_append(b, chunk, n);
	fclose(fp);
	if (b->data == NULL)
		buf_puts(b, "");
	return 0;
}

/* test_conf_manual - rmxf.conf(5) documents every parameter */
static void
test_conf_manual(void **state)
{
	struct buf text, pat;
	size_t i;

	(void)state;
	buf_init(&text, TEST_MAX);
	buf_init(&pat, 256);
	if (read_file(TEST_DOC, &text) < 0)
		skip();			/* not run from the top directory */
	for (i = 0; i < conf_nopts; i++) {
		buf_reset(&pat);
		buf_printf(&pat, "\n.It Va %s ", conf_opts[i].name);
		if (strstr(text.data, pat.data) == NULL)
			fail_msg("%s: no \".It Va %s\" in " TEST_DOC,
			    conf_opts[i].name, conf_opts[i].name);
	}
	buf_free(&text);
	buf_free(&pat);
}

/* test_conf_date - YYYY-MM-DD to days since the epoch, and what is not one */
static void
test_conf_date(void **state)
{
	static const struct {
		const char     *s;
		long		days;
	} t[] = {
		{"1970-01-01", 0}, {"2000-02-29", 11016}, {"2000-03-01", 11017},
		{"2026-11-23", 20780}, {"9999-12-31", 2932896},
		{"1969-12-31", -1}, {"2026-02-29", -1}, {"1900-02-29", -1},
		{"2026-13-01", -1}, {"2026-04-31", -1}, {"2026-1-01", -1},
		{"2026-01-011", -1}, {"", -1}, {"2026/01/01", -1},
	};
	size_t i;
	long d = 42;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (conf_date_days(t[i].s, NULL) != t[i].days)
			fail_msg("%s: %ld, want %ld", t[i].s,
			    conf_date_days(t[i].s, NULL), t[i].days);
	assert_int_equal(conf_date_days("2026-11-23", &d), 20780);
	assert_int_equal(d, 20780);
}

/*
 * test_conf_sample - conf/rmxf.conf is the defaults, commented out: as it
 * is, and with every "#name = value" line (and its "#    " continuation
 * lines) uncommented, it gives the defaults, each parameter set once
 */
static void
test_conf_sample(void **state)
{
	struct buf text, on, err;
	struct conf *c, *d = conf_default();
	const char *p, *nl;
	size_t n, set = 0;

	(void)state;
	buf_init(&text, TEST_MAX);
	buf_init(&on, TEST_MAX);
	buf_init(&err, TEST_MAX);
	if (read_file(TEST_SAMPLE, &text) < 0)
		skip();			/* not run from the top directory */
	if ((c = parse(text.data, text.len, &err)) == NULL)
		fail_msg("%s", err.data);
	assert_true(conf_equal(c, d));
	conf_free(c);
	for (p = text.data; *p != 0; p = nl != NULL ? nl + 1 : p + n) {
		nl = strchr(p, '\n');
		n = nl != NULL ? (size_t)(nl - p) + 1 : strlen(p);
		if (p[0] == '#' && p[1] >= 'a' && p[1] <= 'z') {
			buf_append(&on, p + 1, n - 1);
			set++;
		} else if (strncmp(p, "#    ", 5) == 0)
			buf_append(&on, p + 1, n - 1);
		else
			buf_append(&on, p, n);
	}
	assert_int_equal(set, conf_param_count());
	if ((c = parse(on.data, on.len, &err)) == NULL)
		fail_msg("%s", err.data);
	assert_true(conf_equal(c, d));
	conf_free(c);
	conf_free(d);
	buf_free(&text);
	buf_free(&on);
	buf_free(&err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conf_good),
		cmocka_unit_test(test_conf_bad),
		cmocka_unit_test(test_conf_default),
		cmocka_unit_test(test_conf_seed),
		cmocka_unit_test(test_conf_types),
		cmocka_unit_test(test_conf_roundtrip),
		cmocka_unit_test(test_conf_print),
		cmocka_unit_test(test_conf_limits),
		cmocka_unit_test(test_conf_table),
		cmocka_unit_test(test_conf_manual),
		cmocka_unit_test(test_conf_sample),
		cmocka_unit_test(test_conf_date),
	};

	return cmocka_run_group_tests_name("conf", tests, NULL, NULL);
}
