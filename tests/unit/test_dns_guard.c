/* test_dns_guard - bounds per registered domain before the resolver */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "dns/dns_guard.h"

#define TEST_SLOTS	24
#define A		1	/* RR types */
#define TXT		16

/* One step: enter a question (into a slot) or leave a slot. */
struct guard_step {
	const char     *what;
	int		leave;		/* 0 enter, 1 leave, 2 leave timed out */
	int		slot;
	unsigned	type;
	const char     *name;
	long		now;
	int		admitted;	/* enter: 1 a flight, 0 NULL */
};

/* per_domain 2, slow_ms 1000 */
static const struct guard_step steps[] = {
	{"a first question", 0, 0, TXT, "a.slow.test", 0, 1},
	{"a second under the same domain", 0, 1, TXT, "b.slow.test", 0, 1},
	{"a third distinct one: busy", 0, 2, TXT, "c.slow.test", 0, 0},
	{"the first again, another case and a dot: shared", 0, 3, TXT,
	    "A.Slow.TEST.", 0, 1},
	{"the same name, another type: distinct, busy", 0, 4, A,
	    "a.slow.test", 0, 0},
	{"another registered domain", 0, 5, TXT, "x.other.test", 0, 1},
	{"the second answered", 1, 1, 0, NULL, 10, 0},
	{"room again", 0, 6, TXT, "c.slow.test", 10, 1},
	{"the first's asker gives up waiting", 2, 0, 0, NULL, 100, 0},
	{"one timeout: the domain is not slow", 0, 7, TXT, "a.slow.test",
	    150, 1},
	{"a second distinct question times out", 2, 6, 0, NULL, 200, 0},
	{"now the domain is slow: a new name refused", 0, 8, TXT,
	    "d.slow.test", 250, 0},
	{"... and a name in flight too", 0, 2, TXT, "a.slow.test", 250, 0},
	{"other domains go on", 0, 9, TXT, "y.other.test", 250, 1},
	{"the shared askers leave", 1, 3, 0, NULL, 300, 0},
	{"... both", 1, 7, 0, NULL, 300, 0},
	{"after slow_ms the domain is asked again", 0, 10, TXT,
	    "e.slow.test", 1201, 1},
	/* the Public Suffix List draws the line, not the last two labels */
	{"b.co.uk", 0, 11, TXT, "x.b.co.uk", 2000, 1},
	{"d.co.uk is another domain", 0, 12, TXT, "y.d.co.uk", 2000, 1},
	{"b.co.uk again", 0, 13, TXT, "z.b.co.uk", 2000, 1},
	{"b.co.uk: a third is busy", 0, 14, TXT, "w.b.co.uk", 2000, 0},
	/* reverse names: one /24 or /48 is one site, not all of 1/8 */
	{"a PTR in 10.1.1/24", 0, 15, 12, "1.1.1.10.in-addr.arpa", 2000, 1},
	{"another in 10.1.1/24", 0, 16, 12, "2.1.1.10.in-addr.arpa", 2000, 1},
	{"10.1.1/24: a third is busy", 0, 17, 12, "3.1.1.10.in-addr.arpa",
	    2000, 0},
	{"10.1.2/24 is another network", 0, 18, 12,
	    "3.2.1.10.in-addr.arpa", 2000, 1},
	{"2001:db8:1::1", 0, 19, 12,
	    "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2"
	    ".ip6.arpa", 2000, 1},
	{"2001:db8:1::2, same /48", 0, 20, 12,
	    "2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2"
	    ".ip6.arpa", 2000, 1},
	{"2001:db8:1:ff::3, same /48: busy", 0, 21, 12,
	    "3.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.f.f.0.0.1.0.0.0.8.b.d.0.1.0.0.2"
	    ".ip6.arpa", 2000, 0},
	{"2001:db8:2::1 is another /48", 0, 22, 12,
	    "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.2.0.0.0.8.b.d.0.1.0.0.2"
	    ".ip6.arpa", 2000, 1},
	{"a short reverse name is its own group", 0, 23, 12,
	    "10.in-addr.arpa", 2000, 1},
};

/* test_guard_steps - walk the steps */
static void
test_guard_steps(void **state)
{
	struct dns_guard *g = dns_guard_new(2, 1000);
	struct dns_guard_flight *slot[TEST_SLOTS] = {NULL};
	struct dns_guard_stats st;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		const struct guard_step *s = &steps[i];

		print_message("# %s\n", s->what);
		if (s->leave) {
			dns_guard_leave(g, slot[s->slot], s->leave == 2,
			    s->now);
			slot[s->slot] = NULL;
			continue;
		}
		slot[s->slot] = dns_guard_enter(g, s->type, s->name, s->now);
		assert_int_equal(slot[s->slot] != NULL, s->admitted);
	}
	dns_guard_stats(g, &st);
	assert_int_equal(st.refused_busy, 5);
	assert_int_equal(st.refused_slow, 2);
	assert_int_equal(st.marked_slow, 1);
	for (i = 0; i < TEST_SLOTS; i++)
		dns_guard_leave(g, slot[i], 0, 3000);
	dns_guard_stats(g, &st);
	assert_int_equal(st.flights, 0);
	dns_guard_free(g);
	dns_guard_free(NULL);
}

/* test_guard_one_name - one name timing out again and again leaves its
 * domain alone (a site's one broken host) */
static void
test_guard_one_name(void **state)
{
	struct dns_guard *g = dns_guard_new(16, 1000);
	struct dns_guard_flight *f;
	long t;

	(void)state;
	for (t = 0; t < 500; t += 100) {
		assert_non_null(f = dns_guard_enter(g, TXT, "mx.site.test",
		    t));
		dns_guard_leave(g, f, 1, t + 50);
	}
	assert_non_null(f = dns_guard_enter(g, TXT, "www.site.test", 600));
	dns_guard_leave(g, f, 0, 600);
	dns_guard_free(g);
}

/* test_guard_unbounded - 0 and 0: no bound, never slow */
static void
test_guard_unbounded(void **state)
{
	struct dns_guard *g = dns_guard_new(0, 0);
	struct dns_guard_flight *f[40];
	char name[32];
	size_t i;

	(void)state;
	for (i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "n%zu.slow.test", i);
		f[i] = dns_guard_enter(g, TXT, name, 0);
		assert_non_null(f[i]);
	}
	dns_guard_leave(g, f[0], 1, 0);
	assert_non_null(f[0] = dns_guard_enter(g, TXT, "new.slow.test", 1));
	for (i = 0; i < 40; i++)
		dns_guard_leave(g, f[i], 0, 2);
	dns_guard_free(g);
}

/* test_guard_table_full - idle slow domains give way, busy ones stay */
static void
test_guard_table_full(void **state)
{
	struct dns_guard *g = dns_guard_new(1, 60000);
	struct dns_guard_flight *f;
	struct dns_guard_stats st;
	char name[64];
	size_t i;

	(void)state;
	/* as many slow domains as the table holds, then one more */
	for (i = 0; i <= DNS_GUARD_MAX_DOMAINS; i++) {
		snprintf(name, sizeof(name), "x.d%zu.test", i);
		f = dns_guard_enter(g, TXT, name, 0);
		assert_non_null(f);
		dns_guard_leave(g, f, 1, 1);
		name[0] = 'z';		/* a second name: the domain is slow */
		f = dns_guard_enter(g, TXT, name, 1);
		assert_non_null(f);
		dns_guard_leave(g, f, 1, 1);
	}
	dns_guard_stats(g, &st);
	assert_true(st.domains <= DNS_GUARD_MAX_DOMAINS);
	assert_int_equal(st.slow_evicted, 1);
	/* the oldest went: asked again; the newest is still slow */
	assert_non_null(f = dns_guard_enter(g, TXT, "y.d0.test", 2));
	dns_guard_leave(g, f, 0, 2);
	snprintf(name, sizeof(name), "y.d%d.test", DNS_GUARD_MAX_DOMAINS);
	assert_null(dns_guard_enter(g, TXT, name, 2));
	dns_guard_free(g);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_guard_steps),
		cmocka_unit_test(test_guard_one_name),
		cmocka_unit_test(test_guard_unbounded),
		cmocka_unit_test(test_guard_table_full),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
