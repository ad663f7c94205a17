/* test_spf_eval - check_host() through the zone resolver */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "dns/dns.h"
#include "lib/spfrun.h"
#include "spf/spf.h"
#include "util/buf.h"

static const char eval_zone[] =
    "example.com TXT \"v=spf1 ip4:192.0.2.0/24 include:_spf.example.net "
    "mx a:a.example.org/28 -all\"\n"
    "example.com MX 10 mx1.example.com\n"
    "example.com MX 20 mx2.example.com\n"
    "mx1.example.com A 198.51.100.10\n"
    "mx2.example.com A 198.51.100.20\n"
    "mx2.example.com AAAA 2001:db8::20\n"
    "_spf.example.net TXT \"v=spf1 ip6:2001:db8:1::/48 ~all\"\n"
    "a.example.org A 203.0.113.17\n"
    "soft.example.com TXT \"v=spf1 ~all\"\n"
    "neutral.example.com TXT \"v=spf1 ip4:192.0.2.1\"\n"
    "two.example.com TXT \"v=spf1 -all\"\n"
    "two.example.com TXT \"v=spf1 +all\"\n"
    "other.example.com TXT \"some=thing\"\n"
    "broken.example.com TXT \"v=spf1 foo:bar -all\"\n"
    "red.example.com TXT \"v=spf1 redirect=example.com\"\n"
    "rednone.example.com TXT \"v=spf1 redirect=nothing.example.com\"\n"
    "incnone.example.com TXT \"v=spf1 include:nothing.example.com -all\"\n"
    "slow.example.com TIMEOUT\n"
    "incslow.example.com TXT \"v=spf1 include:slow.example.com -all\"\n"
    "sf.example.com SERVFAIL\n"
    "exp.example.com TXT \"v=spf1 -all exp=why.example.com\"\n"
    "why.example.com TXT \"%{i} may not send for %{d}, ask %{l}\"\n"
    "expbad.example.com TXT \"v=spf1 -all exp=nowhy.example.com\"\n"
    "helo.example.net TXT \"v=spf1 a -all\"\n"
    "helo.example.net A 192.0.2.99\n"
    "void.example.com TXT \"v=spf1 a:n1.example.com a:n2.example.com "
    "a:n3.example.com -all\"\n"
    "ptr.example.com TXT \"v=spf1 ptr -all\"\n"
    "9.2.0.192.in-addr.arpa PTR host.ptr.example.com\n"
    "host.ptr.example.com A 192.0.2.9\n"
    "exists.example.com TXT \"v=spf1 exists:%{ir}.list.example.com -all\"\n"
    "5.2.0.192.list.example.com A 127.0.0.2\n"
    "manymx.example.com TXT \"v=spf1 mx -all\"\n"
    "manymx.example.com MX 1 m1.example.com\n"
    "manymx.example.com MX 2 m2.example.com\n"
    "manymx.example.com MX 3 m3.example.com\n"
    "manymx.example.com MX 4 m4.example.com\n"
    "manymx.example.com MX 5 m5.example.com\n"
    "manymx.example.com MX 6 m6.example.com\n"
    "manymx.example.com MX 7 m7.example.com\n"
    "manymx.example.com MX 8 m8.example.com\n"
    "manymx.example.com MX 9 m9.example.com\n"
    "manymx.example.com MX 10 m10.example.com\n"
    "manymx.example.com MX 11 m11.example.com\n"
    "nul.example.com TXT \"v=spf1 ip4:192.0.2.1\\000 -all\"\n"
    "ctl.example.com TXT \"v=spf1 ip4:192.0.2.1\\013-all\"\n"
    "multi.example.com TXT \"v=spf1 ip4:192.0.2.7\" \" -all\"\n"
    /* review findings */
    "bs.example.com TXT \"v=spf1 exists:%{l}.u.bs.example.com -all\"\n"
    "b\\092ob.u.bs.example.com A 127.0.0.2\n"
    "mxerr.example.com TXT \"v=spf1 mx -all\"\n"
    "mxerr.example.com MX 10 bad.mxerr.example.com\n"
    "mxerr.example.com MX 20 good.mxerr.example.com\n"
    "bad.mxerr.example.com SERVFAIL\n"
    "good.mxerr.example.com A 192.0.2.88\n"
    "dot.example.com TXT \"v=spf1 exists:%{d}._spf.example.com -all\"\n"
    "dot.example.com._spf.example.com A 127.0.0.2\n"
    "long.example.com TXT \"v=spf1 exists:%{l}.%{l}.%{l}.%{l}.%{l}.%{l}"
    ".ok.example.com -all\"\n"
    "ptrdl.example.com TXT \"v=spf1 ptr -all\"\n"
    "77.2.0.192.in-addr.arpa PTR host.ptrdl.example.com\n"
    "host.ptrdl.example.com A 192.0.2.77\n"
    /* an IPv6 client and targets with A records only: every empty
     * address lookup of the mx term is a void lookup (4.6.4) */
    "v4only.example.com TXT \"v=spf1 a mx a:relay.v4only.example.com "
    "include:_spf.example.net ~all\"\n"
    "v4only.example.com A 192.0.2.50\n"
    "v4only.example.com MX 10 mx.v4only.example.com\n"
    "mx.v4only.example.com A 192.0.2.51\n"
    "relay.v4only.example.com A 192.0.2.52\n"
    "v4mx2.example.com TXT \"v=spf1 mx include:_spf.example.net ~all\"\n"
    "v4mx2.example.com MX 10 m1.v4mx2.example.com\n"
    "v4mx2.example.com MX 20 m2.v4mx2.example.com\n"
    "v4mx2.example.com MX 30 m3.v4mx2.example.com\n"
    "m1.v4mx2.example.com A 192.0.2.61\n"
    "m2.v4mx2.example.com A 192.0.2.62\n"
    "m3.v4mx2.example.com A 192.0.2.63\n"
    /* the sender's parts: a source route is no part of the mailbox */
    "rt.example.com TXT \"v=spf1 exists:%{l}.u.rt.example.com -all\"\n"
    "bob.u.rt.example.com A 127.0.0.2\n";

/* a local part of 201 octets, dotted: six of them overflow any small
 * expansion buffer; 7.3 says cut from the left, not fail */
#define LONG_LOCAL \
	"aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa." \
	"aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa." \
	"aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa." \
	"aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa." \
	"aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa." \
	"aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa." \
	"aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa." \
	"aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa." \
	"aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa." \
	"aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa." \
	"aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa." \
	"aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa." \
	"aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa." \
	"aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa." \
	"aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa." \
	"aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa." \
	"aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa." \
	"aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa." \
	"aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa." \
	"aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa." \
	"aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa." \
	"aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa." \
	"aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa." \
	"aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa." \
	"aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa." \
	"aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa." \
	"aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa." \
	"aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa." \
	"aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa." \
	"aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa." \
	"aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa." \
	"aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa." \
	"aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa.aaaaaaaaa"

struct eval_case {
	const char     *ip;
	const char     *sender;
	const char     *helo;
	enum spf_identity id;
	enum spf_result	want;
	const char     *mechanism;	/* NULL: not checked */
	const char     *problem;	/* substring, NULL: not checked */
};

static const struct eval_case eval_cases[] = {
	{"192.0.2.1", "alice@example.com", "mx.example.net", SPF_ID_MAILFROM,
	 SPF_PASS, "ip4:192.0.2.0/24", NULL},
	{"2001:db8:1::5", "alice@example.com", "mx", SPF_ID_MAILFROM,
	 SPF_PASS, "include:_spf.example.net", NULL},
	{"198.51.100.20", "alice@example.com", "mx", SPF_ID_MAILFROM,
	 SPF_PASS, "mx", NULL},
	{"2001:DB8::20", "alice@example.com", "mx", SPF_ID_MAILFROM, SPF_PASS,
	 "mx", NULL},
	{"203.0.113.30", "alice@example.com", "mx", SPF_ID_MAILFROM, SPF_PASS,
	 "a:a.example.org/28", NULL},
	{"203.0.113.40", "alice@example.com", "mx", SPF_ID_MAILFROM, SPF_FAIL,
	 "-all", NULL},
	{"::ffff:192.0.2.44", "alice@example.com", "mx", SPF_ID_MAILFROM,
	 SPF_PASS, "ip4:192.0.2.0/24", NULL},
	{"203.0.113.40", "bob@soft.example.com", "mx", SPF_ID_MAILFROM,
	 SPF_SOFTFAIL, "~all", NULL},
	{"203.0.113.40", "neutral.example.com", "mx", SPF_ID_MAILFROM,
	 SPF_NEUTRAL, "default", NULL},
	{"203.0.113.40", "a@two.example.com", "mx", SPF_ID_MAILFROM,
	 SPF_PERMERROR, NULL, "more than one SPF record"},
	{"203.0.113.40", "a@other.example.com", "mx", SPF_ID_MAILFROM,
	 SPF_NONE, NULL, NULL},
	{"203.0.113.40", "a@nxdomain.example.com", "mx", SPF_ID_MAILFROM,
	 SPF_NONE, NULL, NULL},
	{"203.0.113.40", "a@broken.example.com", "mx", SPF_ID_MAILFROM,
	 SPF_PERMERROR, NULL, "unknown mechanism"},
	{"198.51.100.10", "a@red.example.com", "mx", SPF_ID_MAILFROM,
	 SPF_PASS, "mx", NULL},
	{"198.51.100.10", "a@rednone.example.com", "mx", SPF_ID_MAILFROM,
	 SPF_PERMERROR, NULL, "redirect"},
	{"198.51.100.10", "a@incnone.example.com", "mx", SPF_ID_MAILFROM,
	 SPF_PERMERROR, NULL, "included"},
	{"198.51.100.10", "a@slow.example.com", "mx", SPF_ID_MAILFROM,
	 SPF_TEMPERROR, NULL, "TIMEOUT"},
	{"198.51.100.10", "a@incslow.example.com", "mx", SPF_ID_MAILFROM,
	 SPF_TEMPERROR, NULL, "TIMEOUT"},
	{"198.51.100.10", "a@sf.example.com", "mx", SPF_ID_MAILFROM,
	 SPF_TEMPERROR, NULL, "SERVFAIL"},
	/* null sender: postmaster@helo; HELO identity */
	{"192.0.2.99", "", "helo.example.net", SPF_ID_MAILFROM, SPF_PASS, "a",
	 NULL},
	{"192.0.2.98", "", "helo.example.net", SPF_ID_HELO, SPF_FAIL, "-all",
	 NULL},
	/* malformed domains: none (4.3) */
	{"192.0.2.1", "a@localhost", "mx", SPF_ID_MAILFROM, SPF_NONE, NULL,
	 NULL},
	{"192.0.2.1", "a@[192.0.2.1]", "mx", SPF_ID_MAILFROM, SPF_NONE, NULL,
	 NULL},
	{"192.0.2.1", "a@foo..example.com", "mx", SPF_ID_MAILFROM, SPF_NONE,
	 NULL, NULL},
	{"192.0.2.1", "@@@", "mx", SPF_ID_MAILFROM, SPF_NONE, NULL, NULL},
	/* void lookups: third one is over the limit of 2 */
	{"192.0.2.1", "a@void.example.com", "mx", SPF_ID_MAILFROM,
	 SPF_PERMERROR, NULL, "void_lookups"},
	{"192.0.2.9", "a@ptr.example.com", "mx", SPF_ID_MAILFROM, SPF_PASS,
	 "ptr", NULL},
	{"192.0.2.8", "a@ptr.example.com", "mx", SPF_ID_MAILFROM, SPF_FAIL,
	 "-all", NULL},
	{"192.0.2.5", "a@exists.example.com", "mx", SPF_ID_MAILFROM, SPF_PASS,
	 "exists:%{ir}.list.example.com", NULL},
	{"192.0.2.6", "a@exists.example.com", "mx", SPF_ID_MAILFROM, SPF_FAIL,
	 "-all", NULL},
	{"192.0.2.6", "a@manymx.example.com", "mx", SPF_ID_MAILFROM,
	 SPF_PERMERROR, NULL, "mx_addrs"},
	/* NUL and control characters are errors, never truncation */
	{"192.0.2.1", "a@nul.example.com", "mx", SPF_ID_MAILFROM,
	 SPF_PERMERROR, NULL, "NUL"},
	{"192.0.2.1", "a@ctl.example.com", "mx", SPF_ID_MAILFROM,
	 SPF_PERMERROR, NULL, "control"},
	{"192.0.2.7", "a@multi.example.com", "mx", SPF_ID_MAILFROM, SPF_PASS,
	 NULL, NULL},
	/* a backslash from the sender stays a backslash in the name asked,
	 * and a backslash in the domain is none, not another domain */
	{"192.0.2.1", "b\\ob@bs.example.com", "mx", SPF_ID_MAILFROM,
	 SPF_PASS, NULL, NULL},
	{"192.0.2.1", "bob@bs.example.com", "mx", SPF_ID_MAILFROM, SPF_FAIL,
	 "-all", NULL},
	{"192.0.2.1", "a@ex\\097mple.com", "mx", SPF_ID_MAILFROM, SPF_NONE,
	 NULL, "backslash"},
	/* mx: a match on one host wins over a failed lookup of another */
	{"192.0.2.88", "a@mxerr.example.com", "mx", SPF_ID_MAILFROM, SPF_PASS,
	 "mx", NULL},
	{"192.0.2.89", "a@mxerr.example.com", "mx", SPF_ID_MAILFROM,
	 SPF_TEMPERROR, NULL, "SERVFAIL"},
	/* a trailing dot on the sender's domain is dropped */
	{"192.0.2.1", "a@dot.example.com.", "mx", SPF_ID_MAILFROM, SPF_PASS,
	 NULL, NULL},
	{"192.0.2.1", "alice@example.com.", "mx", SPF_ID_MAILFROM, SPF_PASS,
	 "ip4:192.0.2.0/24", NULL},
	/* the mx term's hosts without AAAA: a (1), the MX host (2), a:relay
	 * (3) is over the limit; pyspf and Mail::SPF agree */
	{"2001:db8:1::5", "a@v4only.example.com", "mx", SPF_ID_MAILFROM,
	 SPF_PERMERROR, NULL, "void_lookups"},
	{"192.0.2.52", "a@v4only.example.com", "mx", SPF_ID_MAILFROM,
	 SPF_PASS, "a:relay.v4only.example.com", NULL},
	/* three MX hosts without AAAA are three void lookups */
	{"2001:db8:1::5", "a@v4mx2.example.com", "mx", SPF_ID_MAILFROM,
	 SPF_PERMERROR, NULL, "void_lookups"},
	{"192.0.2.63", "a@v4mx2.example.com", "mx", SPF_ID_MAILFROM,
	 SPF_PASS, "mx", NULL},
	/* a source route is ignored (RFC 5321 4.1.2; Postfix drops it): the
	 * local part is bob, the domain rt.example.com */
	{"192.0.2.1", "@x.example:bob@rt.example.com", "mx", SPF_ID_MAILFROM,
	 SPF_PASS, NULL, NULL},
	{"192.0.2.1", "@[IPv6:2001:db8::1],@y.example:bob@rt.example.com",
	 "mx", SPF_ID_MAILFROM, SPF_PASS, NULL, NULL},
	{"192.0.2.1", "@x.example:eve@rt.example.com", "mx", SPF_ID_MAILFROM,
	 SPF_FAIL, "-all", NULL},
	/* the domain is after the last '@', as Postfix reads an address
	 * ("a@b"@dom reaches a policy service as a@b@dom) */
	{"192.0.2.1", "alice@b@example.com", "mx", SPF_ID_MAILFROM, SPF_PASS,
	 "ip4:192.0.2.0/24", NULL},
	/* long expansions are cut from the left (7.3), not an error */
	{"192.0.2.1", LONG_LOCAL "@long.example.com", "mx", SPF_ID_MAILFROM,
	 SPF_FAIL, "-all", NULL},
};

/* test_eval_table - walk the table */
static void
test_eval_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(eval_cases) / sizeof(*eval_cases); i++) {
		const struct eval_case *c = &eval_cases[i];
		struct spfrun run;

		assert_int_equal(spfrun(&run, eval_zone, c->ip, c->sender,
		    c->helo, c->id, 0, NULL), 0);
		if (run.r != c->want)
			fail_msg("case %zu (%s %s): %s, want %s (%s)", i, c->ip,
			    c->sender, spf_result_str(run.r),
			    spf_result_str(c->want),
			    run.d->problem ? run.d->problem : "");
		if (c->mechanism && (run.d->mechanism == NULL ||
		    strcmp(run.d->mechanism, c->mechanism) != 0))
			fail_msg("case %zu: mechanism %s, want %s", i,
			    run.d->mechanism ? run.d->mechanism : "(null)",
			    c->mechanism);
		if (c->problem && (run.d->problem == NULL ||
		    strstr(run.d->problem, c->problem) == NULL))
			fail_msg("case %zu: problem '%s' lacks '%s'", i,
			    run.d->problem ? run.d->problem : "(null)",
			    c->problem);
		spfrun_free(&run);
	}
}

/* test_eval_rcache - a shared cache of parsed records changes nothing,
 * also when it must evict while records are held */
static void
test_eval_rcache(void **state)
{
	struct spf_rcache *rc = spf_rcache_new(3);
	struct spfrun run, held;
	unsigned long hits, misses;
	size_t i, n, round;

	(void)state;
	spfrun_rcache(rc);
	/* hold one query's records across all the others */
	spfrun(&held, eval_zone, "2001:db8:1::5", "a@example.com", "mx",
	    SPF_ID_MAILFROM, 0, NULL);
	for (round = 0; round < 2; round++)
		for (i = 0; i < sizeof(eval_cases) / sizeof(*eval_cases);
		    i++) {
			const struct eval_case *c = &eval_cases[i];

			spfrun(&run, eval_zone, c->ip, c->sender, c->helo,
			    c->id, 0, NULL);
			if (run.r != c->want)
				fail_msg("cached case %zu: %s, want %s", i,
				    spf_result_str(run.r),
				    spf_result_str(c->want));
			spfrun_free(&run);
		}
	assert_int_equal(held.r, SPF_PASS);
	assert_string_equal(held.d->mechanism, "include:_spf.example.net");
	spf_rcache_stats(rc, &hits, &misses, &n);
	assert_true(hits > 0);
	assert_true(misses > 0);
	spfrun_free(&held);
	spf_rcache_stats(rc, &hits, &misses, &n);
	assert_true(n <= 3);
	spfrun_rcache(NULL);
	spf_rcache_free(rc);

	/* a large cache: the second round is all hits */
	rc = spf_rcache_new(100);
	spfrun_rcache(rc);
	spfrun(&run, eval_zone, "192.0.2.1", "a@red.example.com", "mx",
	    SPF_ID_MAILFROM, 0, NULL);
	spfrun_free(&run);
	spf_rcache_stats(rc, &hits, &misses, &n);
	assert_int_equal(misses, 2);
	spfrun(&run, eval_zone, "192.0.2.1", "a@red.example.com", "mx",
	    SPF_ID_MAILFROM, 0, NULL);
	assert_int_equal(run.r, SPF_PASS);
	spfrun_free(&run);
	spf_rcache_stats(rc, &hits, &misses, &n);
	assert_int_equal(hits, 2);
	assert_int_equal(misses, 2);
	spfrun_rcache(NULL);
	spf_rcache_free(rc);
}

/* test_eval_explanation - exp= expanded; default text otherwise */
static void
test_eval_explanation(void **state)
{
	struct spfrun run;

	(void)state;
	spfrun(&run, eval_zone, "192.0.2.66", "carol@exp.example.com", "mx",
	    SPF_ID_MAILFROM, 0, NULL);
	assert_int_equal(run.r, SPF_FAIL);
	assert_string_equal(run.d->explanation,
	    "192.0.2.66 may not send for exp.example.com, ask carol");
	assert_false(run.d->explanation_default);
	spfrun_free(&run);

	spfrun(&run, eval_zone, "192.0.2.66", "carol@expbad.example.com", "mx",
	    SPF_ID_MAILFROM, 0, NULL);
	assert_int_equal(run.r, SPF_FAIL);
	assert_true(run.d->explanation_default);
	assert_non_null(strstr(run.d->explanation, "192.0.2.66"));
	spfrun_free(&run);

	/* no explanation on other results */
	spfrun(&run, eval_zone, "192.0.2.66", "carol@soft.example.com", "mx",
	    SPF_ID_MAILFROM, 0, NULL);
	assert_null(run.d->explanation);
	spfrun_free(&run);
}

/* test_eval_parallel - MX hosts' addresses are asked together, and the
 * next terms' records are asked ahead */
static void
test_eval_parallel(void **state)
{
	struct spfrun run, serial;

	(void)state;
	/* 198.51.100.20 matches mx: TXT, then MX (+ look-ahead), then both
	 * hosts at once: 3 rounds */
	spfrun(&run, eval_zone, "198.51.100.20", "a@example.com", "mx",
	    SPF_ID_MAILFROM, 0, NULL);
	assert_int_equal(run.r, SPF_PASS);
	spfrun(&serial, eval_zone, "198.51.100.20", "a@example.com", "mx",
	    SPF_ID_MAILFROM, SPF_F_NOPREFETCH, NULL);
	assert_int_equal(serial.r, SPF_PASS);
	assert_true(run.steps < serial.steps);
	assert_true(run.steps <= 3);
	spfrun_free(&run);
	spfrun_free(&serial);
}

/* test_eval_term_limit - the 11th DNS term is a permerror, by name */
static void
test_eval_term_limit(void **state)
{
	struct buf z;
	struct spfrun run;
	struct spf_limits lim;
	int i;

	(void)state;
	buf_init(&z, 65536);
	buf_puts(&z, "chain.example.com TXT \"v=spf1\"");
	for (i = 0; i < 11; i++)
		buf_printf(&z, " \" include:i%d.example.com\"", i);
	buf_puts(&z, " \" -all\"\n");
	for (i = 0; i < 11; i++)
		buf_printf(&z, "i%d.example.com TXT \"v=spf1 -all\"\n", i);
	assert_int_equal(spfrun(&run, z.data, "192.0.2.1",
	    "a@chain.example.com", "mx", SPF_ID_MAILFROM, 0, NULL), 0);
	assert_int_equal(run.r, SPF_PERMERROR);
	assert_string_equal(run.d->limit, "dns_terms");
	assert_int_equal(run.d->dns_terms, 11);
	spfrun_free(&run);

	/* configurable: with 11 allowed it evaluates to the end */
	spf_limits_default(&lim);
	lim.dns_terms = 11;
	spfrun(&run, z.data, "192.0.2.1", "a@chain.example.com", "mx",
	    SPF_ID_MAILFROM, 0, &lim);
	assert_int_equal(run.r, SPF_FAIL);
	spfrun_free(&run);
	buf_free(&z);
}

/* test_eval_expire - the deadline turns open questions into temperror,
 * and an expired query asks nothing more */
static void
test_eval_expire(void **state)
{
	struct spf_params p;
	struct spf_query *q;
	const struct spf_question *qs;
	const struct spf_detail *d;
	size_t n;

	(void)state;
	spf_params_init(&p);
	ipaddr_parse("192.0.2.1", &p.ip);
	p.sender = "a@example.com";
	p.helo = "mx.example.net";
	q = spf_query_new(&p);
	assert_int_equal(spf_query_step(q, &qs, &n), SPF_STEP_QUERY);
	assert_int_equal(n, 1);
	assert_int_equal(qs[0].type, SPF_RR_TXT);
	assert_string_equal(qs[0].name, "example.com");
	assert_int_equal(spf_query_step(q, &qs, &n), SPF_STEP_WAIT);
	spf_query_expire(q);
	assert_int_equal(spf_query_step(q, &qs, &n), SPF_STEP_DONE);
	assert_int_equal(spf_query_result(q, &d), SPF_TEMPERROR);
	assert_string_equal(d->limit, "timeout");
	spf_query_free(q);
}

/* test_eval_expire_ptr - a deadline while the PTR answer is out is a
 * temperror, not the "DNS error, no match" of 5.5 (which would go on to
 * -all and fail a sender whose PTR would have passed) */
static void
test_eval_expire_ptr(void **state)
{
	struct spf_params p;
	struct spf_query *q;
	struct dns_zone *z;
	const struct spf_question *qs;
	const struct spf_detail *d;
	struct spf_answer a;
	char err[128];
	size_t n, k;
	int i;

	(void)state;
	z = dns_zone_parse(eval_zone, strlen(eval_zone), err, sizeof(err));
	assert_non_null(z);
	spf_params_init(&p);
	spf_params_ip(&p, "192.0.2.77");
	p.sender = "a@ptrdl.example.com";
	q = spf_query_new(&p);
	for (i = 0; i < 10; i++) {
		enum spf_step st = spf_query_step(q, &qs, &n);
		int ptr = 0;

		assert_int_equal(st, SPF_STEP_QUERY);
		for (k = 0; k < n; k++)
			if (qs[k].type == SPF_RR_PTR)
				ptr = 1;
		if (ptr)
			break;	/* hold the PTR answer back */
		for (k = 0; k < n; k++) {
			dns_zone_answer(z, &qs[k], &a);
			spf_query_feed(q, &a);
		}
	}
	spf_query_expire(q);
	assert_int_equal(spf_query_step(q, &qs, &n), SPF_STEP_DONE);
	assert_int_equal(spf_query_result(q, &d), SPF_TEMPERROR);
	assert_string_equal(d->limit, "timeout");
	spf_query_free(q);
	dns_zone_free(z);
}

/* test_eval_feed_unknown - answers to no question are refused */
static void
test_eval_feed_unknown(void **state)
{
	struct spf_params p;
	struct spf_query *q;
	struct spf_answer a = {.id = 7, .status = SPF_DNS_OK};

	(void)state;
	spf_params_init(&p);
	ipaddr_parse("192.0.2.1", &p.ip);
	p.sender = "a@example.com";
	q = spf_query_new(&p);
	assert_int_equal(spf_query_feed(q, &a), -1);
	spf_query_free(q);
}

/* test_eval_headers - Received-SPF and Authentication-Results */
static void
test_eval_headers(void **state)
{
	struct spfrun run;
	struct spf_params p;
	struct buf h;
	char longsender[1200];

	(void)state;
	spfrun(&run, eval_zone, "192.0.2.98", "", "helo.example.net",
	    SPF_ID_HELO, 0, NULL);
	buf_init(&h, 2000);
	spf_format_authres(run.d, "mx.example.org", &h);
	assert_string_equal(h.data,
	    "mx.example.org; spf=fail smtp.helo=helo.example.net");
	spfrun_free(&run);

	spfrun(&run, eval_zone, "192.0.2.1", "alice@example.com", "mx",
	    SPF_ID_MAILFROM, 0, NULL);
	buf_reset(&h);
	spf_format_authres_method(run.d, &h);
	assert_string_equal(h.data, "spf=pass smtp.mailfrom=example.com");
	buf_reset(&h);
	spf_params_init(&p);
	ipaddr_parse("192.0.2.1", &p.ip);
	p.sender = "alice@example.com";
	p.helo = "mx";
	p.receiver = "rx.example.org";
	assert_int_equal(spf_format_received(run.d, &p, &h), 0);
	assert_string_equal(h.data, "pass (rx.example.org: domain of "
	    "alice@example.com designates 192.0.2.1 as permitted sender) "
	    "receiver=rx.example.org; client-ip=192.0.2.1; "
	    "envelope-from=\"alice@example.com\"; helo=mx; "
	    "identity=mailfrom; mechanism=\"ip4:192.0.2.0/24\"");
	spfrun_free(&run);

	/* a sender cannot close the comment and forge key=value pairs */
	p.sender = "x) client-ip=10.0.0.1; identity=helo; (y@example.com";
	spfrun(&run, eval_zone, "192.0.2.1", p.sender, "mx", SPF_ID_MAILFROM,
	    0, NULL);
	buf_reset(&h);
	assert_int_equal(spf_format_received(run.d, &p, &h), 0);
	assert_non_null(strstr(h.data, "domain of x\\) client-ip=10.0.0.1; "
	    "identity=helo; \\(y@example.com designates"));
	spfrun_free(&run);

	/* each place its specials: \ ( ) escaped in the comment, " and \
	 * in the quoted string, a control byte as '?' in both */
	p.sender = "a\"b\\c(d)\001e@example.com";
	spfrun(&run, eval_zone, "192.0.2.1", p.sender, "mx", SPF_ID_MAILFROM,
	    0, NULL);
	buf_reset(&h);
	assert_int_equal(spf_format_received(run.d, &p, &h), 0);
	assert_non_null(strstr(h.data, "domain of a\"b\\\\c\\(d\\)?e@example.com "
	    "designates"));
	assert_non_null(strstr(h.data, "envelope-from=\"a\\\"b\\\\c(d)?e@"
	    "example.com\";"));
	spfrun_free(&run);

	/* long but legal input still gets its header, cut to fit */
	memset(longsender, 'l', 180);
	memcpy(longsender + 180, "@example.com", 13);
	p.sender = longsender;
	p.helo = "hhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhh."
	    "hhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhh."
	    "hhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhh.org";
	spfrun(&run, eval_zone, "192.0.2.1", longsender, p.helo,
	    SPF_ID_MAILFROM, 0, NULL);
	buf_reset(&h);
	assert_int_equal(spf_format_received(run.d, &p, &h), 0);
	assert_true(h.len > 0 && h.len < 998 - sizeof("Received-SPF: "));
	spfrun_free(&run);
	p.helo = "mx";

	/* hostile input: one line, bounded, no control bytes */
	memset(longsender, 'x', sizeof(longsender) - 1);
	longsender[sizeof(longsender) - 1] = 0;
	longsender[10] = '\n';
	longsender[20] = '"';
	p.sender = longsender;
	spfrun(&run, eval_zone, "192.0.2.1", longsender, "mx",
	    SPF_ID_MAILFROM, 0, NULL);
	buf_reset(&h);
	assert_int_equal(spf_format_received(run.d, &p, &h), 0);
	assert_true(h.len < 998);
	assert_null(strchr(h.data, '\n'));
	spfrun_free(&run);
	buf_free(&h);
}

/* test_eval_trace - a trace names records, terms, queries and counts */
static void
test_eval_trace(void **state)
{
	struct spfrun run;
	const struct spf_trace_ev *ev;
	size_t n, i;
	int rec = 0, term = 0, query = 0, count = 0, result = 0;

	(void)state;
	spfrun(&run, eval_zone, "2001:db8:1::5", "a@example.com", "mx",
	    SPF_ID_MAILFROM, SPF_F_TRACE, NULL);
	n = spf_query_trace(run.q, &ev);
	for (i = 0; i < n; i++) {
		rec += ev[i].kind == SPF_TR_RECORD;
		term += ev[i].kind == SPF_TR_TERM;
		query += ev[i].kind == SPF_TR_QUERY;
		count += ev[i].kind == SPF_TR_COUNT;
		result += ev[i].kind == SPF_TR_RESULT;
		if (ev[i].kind == SPF_TR_RECORD && ev[i].depth == 1)
			assert_string_equal(ev[i].domain, "_spf.example.net");
	}
	assert_int_equal(rec, 2);
	assert_true(term >= 3);
	assert_true(query >= 2);
	assert_true(count >= 1);
	assert_int_equal(result, 1);
	spfrun_free(&run);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_eval_table),
		cmocka_unit_test(test_eval_explanation),
		cmocka_unit_test(test_eval_rcache),
		cmocka_unit_test(test_eval_parallel),
		cmocka_unit_test(test_eval_term_limit),
		cmocka_unit_test(test_eval_expire),
		cmocka_unit_test(test_eval_feed_unknown),
		cmocka_unit_test(test_eval_expire_ptr),
		cmocka_unit_test(test_eval_headers),
		cmocka_unit_test(test_eval_trace),
	};

	return cmocka_run_group_tests_name("spf_eval", tests, NULL, NULL);
}
