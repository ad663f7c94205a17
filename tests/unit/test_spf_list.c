/* test_spf_list - the test-mode walker (the seed's "mxfilter user@dom") */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "dns/dns.h"
#include "spf/spf.h"

static const char list_zone[] =
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

/* list_run - walk the policy of an address */
static struct spf_list *
list_run(struct dns_zone *z, const char *address)
{
	struct spf_params p;
	struct spf_list *sl;
	struct spf_job job;

	spf_params_init(&p);
	sl = spf_list_new(address, &p);
	spf_list_job(&job, sl);
	dns_zone_run(z, &job);
	return sl;
}

/* list_find - is there a line of this kind whose text contains s? */
static int
list_find(const struct spf_list_line *l, size_t n, enum spf_list_kind kind,
    const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (l[i].kind == kind && l[i].text && strstr(l[i].text, s))
			return 1;
	return 0;
}

/* test_list_listing - networks, client-dependent terms, warnings */
static void
test_list_listing(void **state)
{
	char err[128];
	struct dns_zone *z = dns_zone_parse(list_zone, strlen(list_zone),
	    err, sizeof(err));
	struct spf_list *sl;
	const struct spf_list_line *l;
	size_t n, i;
	int mx4 = 0, mx6 = 0, bob = 0, pm = 0, all = 0;

	(void)state;
	assert_non_null(z);
	sl = list_run(z, "bob@ex.com");
	n = spf_list_lines(sl, &l);
	for (i = 0; i < n; i++) {
		char ip[IPADDR_STRLEN];

		if (l[i].kind != SPF_LIST_NET)
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
	assert_true(list_find(l, n, SPF_LIST_CLIENT, "exists:%{i}.x.ex.com"));
	assert_true(list_find(l, n, SPF_LIST_WARN, "ptr"));
	assert_true(list_find(l, n, SPF_LIST_WARN, "+all"));
	spf_list_free(sl);
	dns_zone_free(z);
}

/* test_list_loop - an include loop is listed once, and quickly */
static void
test_list_loop(void **state)
{
	char err[128];
	struct dns_zone *z = dns_zone_parse(list_zone, strlen(list_zone),
	    err, sizeof(err));
	struct spf_list *sl;
	const struct spf_list_line *l;
	size_t n, i, records = 0;

	(void)state;
	sl = list_run(z, "a@loop.com");
	n = spf_list_lines(sl, &l);
	for (i = 0; i < n; i++)
		records += l[i].kind == SPF_LIST_RECORD;
	assert_int_equal(records, 1);
	assert_true(n < 20);
	assert_true(list_find(l, n, SPF_LIST_NOTE, "listed above"));
	spf_list_free(sl);
	dns_zone_free(z);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list_listing),
		cmocka_unit_test(test_list_loop),
	};

	return cmocka_run_group_tests_name("spf_list", tests, NULL, NULL);
}
