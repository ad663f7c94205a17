/* test_spf_policy - the test-mode walker (the seed's "mxfilter user@dom") */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "dns/dns.h"
#include "spf/spf.h"

static const char policy_zone[] =
    "ex.com TXT \"v=spf1 mx ip4:192.0.2.0/28 include:inc.ex.com "
    "a:%{l}.u.ex.com ptr exists:%{i}.x.ex.com -all\"\n"
    "ex.com MX 10 mx.ex.com\n"
    "mx.ex.com A 198.51.100.1\n"
    "mx.ex.com AAAA 2001:db8::1\n"
    "inc.ex.com TXT \"v=spf1 ip6:2001:db8:1::/48 +all\"\n"
    "bob.u.ex.com A 203.0.113.1\n"
    "postmaster.u.ex.com A 203.0.113.2\n"
    "loop.com TXT \"v=spf1 include:loop.com include:loop.com "
    "include:loop.com -all\"\n";

/* policy_run - walk the policy of an address */
static struct spf_policy *
policy_run(struct dns_zone *z, const char *address)
{
	struct spf_params p;
	struct spf_policy *pl;
	struct spf_job job;

	spf_params_init(&p);
	pl = spf_policy_new(address, &p);
	spf_policy_job(&job, pl);
	dns_zone_run(z, &job);
	return pl;
}

/* policy_find - is there a line of this kind whose text contains s? */
static int
policy_find(const struct spf_policy_line *l, size_t n, enum spf_pl_kind kind,
    const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (l[i].kind == kind && l[i].text && strstr(l[i].text, s))
			return 1;
	return 0;
}

/* test_policy_listing - networks, client-dependent terms, warnings */
static void
test_policy_listing(void **state)
{
	char err[128];
	struct dns_zone *z = dns_zone_parse(policy_zone, strlen(policy_zone),
	    err, sizeof(err));
	struct spf_policy *pl;
	const struct spf_policy_line *l;
	size_t n, i;
	int mx4 = 0, mx6 = 0, bob = 0, pm = 0, all = 0;

	(void)state;
	assert_non_null(z);
	pl = policy_run(z, "bob@ex.com");
	n = spf_policy_lines(pl, &l);
	for (i = 0; i < n; i++) {
		char ip[IPADDR_STRLEN];

		if (l[i].kind != SPF_PL_NET)
			continue;
		if (l[i].all) {
			all++;
			continue;
		}
		ipaddr_format(&l[i].net, ip);
		mx4 += strcmp(ip, "198.51.100.1") == 0 && l[i].bits == 32;
		mx6 += strcmp(ip, "2001:db8::1") == 0 && l[i].bits == 128;
		bob += strcmp(ip, "203.0.113.1") == 0;
		pm += strcmp(ip, "203.0.113.2") == 0;
	}
	assert_int_equal(mx4, 1);
	assert_int_equal(mx6, 1);
	/* %{l} is the user's local part, not postmaster */
	assert_int_equal(bob, 1);
	assert_int_equal(pm, 0);
	assert_int_equal(all, 2);	/* +all of the include, -all */
	assert_true(policy_find(l, n, SPF_PL_CLIENT, "exists:%{i}.x.ex.com"));
	assert_true(policy_find(l, n, SPF_PL_WARN, "ptr"));
	assert_true(policy_find(l, n, SPF_PL_WARN, "+all"));
	spf_policy_free(pl);
	dns_zone_free(z);
}

/* test_policy_loop - an include loop is listed once, and quickly */
static void
test_policy_loop(void **state)
{
	char err[128];
	struct dns_zone *z = dns_zone_parse(policy_zone, strlen(policy_zone),
	    err, sizeof(err));
	struct spf_policy *pl;
	const struct spf_policy_line *l;
	size_t n, i, records = 0;

	(void)state;
	pl = policy_run(z, "a@loop.com");
	n = spf_policy_lines(pl, &l);
	for (i = 0; i < n; i++)
		records += l[i].kind == SPF_PL_RECORD;
	assert_int_equal(records, 1);
	assert_true(n < 20);
	assert_true(policy_find(l, n, SPF_PL_NOTE, "listed above"));
	spf_policy_free(pl);
	dns_zone_free(z);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy_listing),
		cmocka_unit_test(test_policy_loop),
	};

	return cmocka_run_group_tests_name("spf_policy", tests, NULL, NULL);
}
