/* test_spf_record - record selection and syntax (RFC 7208 4.5, 12) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "spf/spf_int.h"
#include "util/arena.h"

struct record_case {
	const char     *rec;
	size_t		len;		/* 0: strlen */
	int		ok;
	size_t		nterms;
	const char     *why;		/* substring of the error */
};

static const struct record_case record_cases[] = {
	{"v=spf1", 0, 1, 0, NULL},
	{"v=spf1 ", 0, 1, 0, NULL},
	{"V=SPF1 -ALL", 0, 1, 1, NULL},
	{"v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 -all", 0, 1, 3, NULL},
	{"v=spf1 a mx a:example.com/24 mx:example.com//64 a/24//64 ~all",
	 0, 1, 6, NULL},
	{"v=spf1 a:foo:bar/baz.example.com", 0, 1, 1, NULL},
	{"v=spf1 include:_spf.example.com redirect=_spf.example.net", 0, 1,
	 1, NULL},
	{"v=spf1 exists:%{i}._spf.%{d} -all", 0, 1, 2, NULL},
	{"v=spf1 -all foo=bar moo=%{d}", 0, 1, 1, NULL},
	{"v=spf1 ptr ptr:example.com ?all", 0, 1, 3, NULL},
	{"v=spf10", 0, 0, 0, "not an SPF record"},
	{"v=spf1a", 0, 0, 0, "not an SPF record"},
	{"spf1 -all", 0, 0, 0, "not an SPF record"},
	{"v=spf1 foo:bar", 0, 0, 0, "unknown mechanism"},
	{"v=spf1 -", 0, 0, 0, "unknown mechanism"},
	{"v=spf1 ip4:192.0.2.0/33", 0, 0, 0, "CIDR"},
	{"v=spf1 ip4:192.0.2.0/024", 0, 0, 0, "CIDR"},
	{"v=spf1 ip6:2001:db8::/129", 0, 0, 0, "CIDR"},
	{"v=spf1 ip4:192.0.2", 0, 0, 0, "address"},
	{"v=spf1 ip4:2001:db8::1", 0, 0, 0, "address"},
	{"v=spf1 ip6:192.0.2.1", 0, 0, 0, "address"},
	{"v=spf1 a:museum", 0, 0, 0, "top label"},
	{"v=spf1 a:example.123", 0, 0, 0, "top label"},
	{"v=spf1 include:", 0, 0, 0, "empty"},
	{"v=spf1 include", 0, 0, 0, "needs"},
	{"v=spf1 exists:%{x}.example.com", 0, 0, 0, "macro"},
	{"v=spf1 redirect=a.example.com redirect=b.example.com", 0, 0, 0,
	 "more than one redirect"},
	{"v=spf1 exp=a.example.com exp=b.example.com", 0, 0, 0,
	 "more than one exp"},
	{"v=spf1 -all moo=%", 0, 0, 0, "%"},
	{"v=spf1 allx", 0, 0, 0, "unknown mechanism"},
	{"v=spf1 all:foo", 0, 0, 0, "junk after all"},
	{"v=spf1 -all\tip4:192.0.2.1", 0, 0, 0, "control"},
	{"v=spf1 a\0 -all", 11, 0, 0, "NUL"},
	{"v=spf1 \xc3\xa9 -all", 0, 0, 0, "non-ASCII"},
};

/* test_record_table - walk the table */
static void
test_record_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(record_cases) / sizeof(*record_cases); i++) {
		const struct record_case *c = &record_cases[i];
		struct arena *a = arena_new(1024);
		struct spf_record *rec = NULL;
		const char *err = NULL;
		size_t len = c->len ? c->len : strlen(c->rec);
		int r = spf_record_parse(a, c->rec, len, &rec, &err);

		if ((r == 0) != c->ok)
			fail_msg("case %zu '%s': parse %d (%s)", i, c->rec, r,
			    err ? err : "");
		if (c->ok && rec->nterms != c->nterms)
			fail_msg("case %zu: %zu terms, want %zu", i,
			    rec->nterms, c->nterms);
		if (!c->ok && c->why && strstr(err, c->why) == NULL)
			fail_msg("case %zu: error '%s' lacks '%s'", i, err,
			    c->why);
		arena_free(a);
	}
}

/* test_record_fields - what the parser keeps */
static void
test_record_fields(void **state)
{
	struct arena *a = arena_new(1024);
	struct spf_record *rec;
	const char *err;
	const char *s = "v=spf1 ~a:example.com/24//64 ip6:2001:DB8::/48 "
	    "redirect=_spf.example.net exp=exp.%{d}";

	(void)state;
	assert_int_equal(spf_record_parse(a, s, strlen(s), &rec, &err), 0);
	assert_int_equal(rec->nterms, 2);
	assert_int_equal(rec->terms[0].mech, SPF_M_A);
	assert_int_equal(rec->terms[0].qual, '~');
	assert_int_equal(rec->terms[0].cidr4, 24);
	assert_int_equal(rec->terms[0].cidr6, 64);
	assert_string_equal(rec->terms[0].spec, "example.com");
	assert_int_equal(rec->terms[1].mech, SPF_M_IP6);
	assert_int_equal(rec->terms[1].cidr6, 48);
	assert_int_equal(rec->terms[1].net.family, 6);
	assert_string_equal(rec->redirect, "_spf.example.net");
	assert_string_equal(rec->exp, "exp.%{d}");
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record_table),
		cmocka_unit_test(test_record_fields),
	};

	return cmocka_run_group_tests_name("spf_record", tests, NULL, NULL);
}
