/*
 * NAME
 *	test_suite_yaml 1
 * SUMMARY
 *	unit tests of the conformance-suite reader (tests/lib/suite.c)
 * SYNOPSIS
 *	build/tests/test_suite_yaml
 * DESCRIPTION
 *	Table-driven: each zone row is a scenario's zonedata in YAML and the
 *	zone text it must become (or the error it must raise); each
 *	deviation row a deviations.txt text and what it must do to a small
 *	suite.  The last group loads the real suites of the repository,
 *	tests/suite/openspf (the working directory is the top of the
 *	repository, as under make), and checks their counts and a few
 *	converted records; a suite that is missing or does not load fails.
 * DIAGNOSTICS
 *	TAP through cmocka (CMOCKA_MESSAGE_OUTPUT=TAP).
 * SEE ALSO
 *	tests/lib/suite.c, doc/zone-format.md, tests/suite/openspf/README.md
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "util/buf.h"

#include "lib/suite.h"

#define TEST_SUITE_DIR	"tests/suite/openspf"
#define TEST_MAX_YAML	(64 * 1024)
#define TEST_ERRLEN	512

/* The scenario every zone row is placed in. */
#define TEST_HEAD \
	"---\n" \
	"description: unit\n" \
	"tests:\n" \
	"  t1:\n" \
	"    host: 1.2.3.4\n" \
	"    mailfrom: a@b.example\n" \
	"    helo: h.example\n" \
	"    result: [pass, fail]\n" \
	"    explanation: Why not.\n" \
	"  t2:\n" \
	"    host: CAFE:BABE::1\n" \
	"    mailfrom: \"\"\n" \
	"    result: none\n" \
	"zonedata:\n"

#define X10	"xxxxxxxxxx"
#define X50	X10 X10 X10 X10 X10
#define X250	X50 X50 X50 X50 X50
#define X300	X250 X50

struct test_zone_row {
	const char     *what;
	const char     *zonedata;	/* YAML under "zonedata:" */
	const char     *zone;		/* expected zone text, NULL: error */
	const char     *err;		/* substring of the error */
};

static const struct test_zone_row test_zone_rows[] = {
	{"SPF is served as TXT too",
	    "  a.example:\n    - SPF: v=spf1 -all\n",
	    "a.example SPF \"v=spf1 -all\"\n"
	    "a.example TXT \"v=spf1 -all\"\n", NULL},
	{"a TXT entry stops the copy",
	    "  a.example:\n    - SPF: v=spf1 +all\n    - TXT: v=spf1 -all\n",
	    "a.example SPF \"v=spf1 +all\"\n"
	    "a.example TXT \"v=spf1 -all\"\n", NULL},
	{"TXT: NONE stops the copy",
	    "  a.example:\n    - SPF: v=spf1 -all\n    - TXT: NONE\n",
	    "a.example SPF \"v=spf1 -all\"\n", NULL},
	{"TXT: NONE alone is EXISTS",
	    "  a.example:\n    - TXT: NONE\n",
	    "a.example EXISTS\n", NULL},
	{"an empty entry list is EXISTS",
	    "  a.example: []\n",
	    "a.example EXISTS\n", NULL},
	{"TIMEOUT alone",
	    "  a.example:\n    - TIMEOUT\n",
	    "a.example TIMEOUT\n", NULL},
	{"TIMEOUT keeps the records before it, copies none",
	    "  a.example:\n    - SPF: v=spf1 -all\n    - TXT: NONE\n"
	    "    - TIMEOUT\n",
	    "a.example SPF \"v=spf1 -all\"\n"
	    "a.example TIMEOUT\n", NULL},
	{"TIMEOUT with a TXT record",
	    "  a.example:\n    - TXT: v=spf1 -all\n    - TIMEOUT\n",
	    "a.example TXT \"v=spf1 -all\"\n"
	    "a.example TIMEOUT\n", NULL},
	{"\\x escapes are code points, sent UTF-8",
	    "  a.example:\n    - TXT: \"v=spf1 \\xEF\\x80 a\\x0dptr\"\n",
	    "a.example TXT \"v=spf1 \\195\\175\\194\\128 a\\013ptr\"\n", NULL},
	{"quote and backslash are escaped",
	    "  a.example:\n    - TXT: 'say \"hi\\\"'\n",
	    "a.example TXT \"say \\\"hi\\\\\\\"\"\n", NULL},
	{"a NUL byte survives",
	    "  a.example:\n    - TXT: \"v=spf1 mx\\0\"\n",
	    "a.example TXT \"v=spf1 mx\\000\"\n", NULL},
	{"over 255 octets splits into strings of one record",
	    "  a.example:\n    - TXT: " X300 "\n",
	    "a.example TXT \"" X250 "xxxxx\" \"" X10 X10 X10 X10 "xxxxx\"\n",
	    NULL},
	{"exactly 255 octets is one string",
	    "  a.example:\n    - TXT: " X250 "xxxxx\n",
	    "a.example TXT \"" X250 "xxxxx\"\n", NULL},
	{"a list is several strings of one record",
	    "  a.example:\n    - SPF: [ \"v=spf1 ip4:\", \"192.0.2.5 -all\" ]\n"
	    "    - TXT: [ ]\n",
	    "a.example SPF \"v=spf1 ip4:\" \"192.0.2.5 -all\"\n"
	    "a.example TXT \"\"\n", NULL},
	{"MX, A, AAAA, PTR, CNAME",
	    "  a.example:\n    - MX: [10, mx.example]\n    - A: 192.0.2.1\n"
	    "    - AAAA: CAFE:BABE::1\n"
	    "  1.2.0.192.in-addr.arpa:\n    - PTR: a.example.\n"
	    "  c.example:\n    - CNAME: \"A.example.\"\n",
	    "a.example MX 10 mx.example\n"
	    "a.example A 192.0.2.1\n"
	    "a.example AAAA CAFE:BABE::1\n"
	    "1.2.0.192.in-addr.arpa PTR a.example\n"
	    "c.example CNAME A.example\n", NULL},
	{"an empty MX target is the root",
	    "  a.example:\n    - MX: [0, \"\"]\n",
	    "a.example MX 0 .\n", NULL},
	{"odd characters in a name are escaped",
	    "  \"macro%percent  space%20url.example\":\n    - A: 1.2.3.4\n"
	    "  foo:bar/baz.example:\n    - A: 1.2.3.4\n"
	    "  a.example:\n    - PTR: \"x;y.example\"\n    - A: 1.2.3.4\n",
	    "macro%percent\\032\\032space%20url.example A 1.2.3.4\n"
	    "foo:bar/baz.example A 1.2.3.4\n"
	    "a.example PTR x\\059y.example\n"
	    "a.example A 1.2.3.4\n", NULL},
	{"a record after TIMEOUT cannot be said",
	    "  a.example:\n    - TIMEOUT\n    - A: 1.2.3.4\n",
	    NULL, "record after TIMEOUT"},
	{"TIMEOUT for one type cannot be said",
	    "  a.example:\n    - TXT: TIMEOUT\n",
	    NULL, "TIMEOUT for one type"},
	{"unknown record type",
	    "  a.example:\n    - HINFO: x\n",
	    NULL, "unknown record type"},
	{"MX without a preference",
	    "  a.example:\n    - MX: mx.example\n",
	    NULL, "MX data"},
	{"entries that are not a list",
	    "  a.example: 1.2.3.4\n",
	    NULL, "want a list"},
};

/* test_parse_row - the head scenario with this row's zonedata */
static struct suite *
test_parse_row(const char *zonedata, char *err, size_t errlen)
{
	struct buf yaml;
	struct suite *s;

	buf_init(&yaml, TEST_MAX_YAML);
	assert_int_equal(buf_puts(&yaml, TEST_HEAD), 0);
	assert_int_equal(buf_puts(&yaml, zonedata), 0);
	s = suite_parse("unit", yaml.data, yaml.len, err, errlen);
	buf_free(&yaml);
	return s;
}

/* test_zone - walk test_zone_rows */
static void
test_zone(void **state)
{
	const struct test_zone_row *row;
	struct suite *s;
	char err[TEST_ERRLEN];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(test_zone_rows) / sizeof(test_zone_rows[0]);
	    i++) {
		row = &test_zone_rows[i];
		err[0] = 0;
		s = test_parse_row(row->zonedata, err, sizeof(err));
		if (row->zone == NULL) {
			if (s != NULL)
				fail_msg("%s: parsed, want error \"%s\"",
				    row->what, row->err);
			if (strstr(err, row->err) == NULL)
				fail_msg("%s: error \"%s\", want \"%s\"",
				    row->what, err, row->err);
			continue;
		}
		if (s == NULL)
			fail_msg("%s: %s", row->what, err);
		assert_int_equal(s->nscenarios, 1);
		if (s->scenarios[0].zone_len != strlen(row->zone) ||
		    memcmp(s->scenarios[0].zone, row->zone,
		    strlen(row->zone)) != 0)
			fail_msg("%s: got\n%s\nwant\n%s", row->what,
			    s->scenarios[0].zone, row->zone);
		suite_free(s);
	}
}

/* test_rows - the test fields of the head scenario */
static void
test_rows(void **state)
{
	const struct suite_test *t;
	struct suite *s;
	char err[TEST_ERRLEN];

	(void)state;
	s = test_parse_row("  a.example: []\n", err, sizeof(err));
	if (s == NULL)
		fail_msg("%s", err);
	assert_int_equal(s->ntests, 2);
	assert_int_equal(s->scenarios[0].first_test, 0);
	assert_int_equal(s->scenarios[0].ntests, 2);
	assert_string_equal(s->scenarios[0].description, "unit");
	t = suite_find(s, "t1");
	assert_non_null(t);
	assert_string_equal(t->host, "1.2.3.4");
	assert_string_equal(t->mailfrom, "a@b.example");
	assert_string_equal(t->helo, "h.example");
	assert_int_equal(t->nresults, 2);
	assert_true(suite_accepts(t, "pass"));
	assert_true(suite_accepts(t, "fail"));
	assert_false(suite_accepts(t, "none"));
	assert_string_equal(t->explanation, "Why not.");
	assert_true(suite_explanation_checked(t));
	t = suite_find(s, "t2");
	assert_non_null(t);
	assert_string_equal(t->mailfrom, "");
	assert_string_equal(t->helo, "");	/* absent */
	assert_null(t->explanation);
	assert_false(suite_explanation_checked(t));
	assert_null(suite_find(s, "t3"));
	suite_free(s);
}

struct test_dev_row {
	const char     *what;
	const char     *text;		/* deviations.txt */
	int		applied;	/* return value; -1: error */
	const char     *err;		/* substring of the error */
	const char     *t1;		/* t1's results afterwards, joined */
};

static const struct test_dev_row test_dev_rows[] = {
	{"comments and blank lines only",
	    "# nothing\n\n   \n", 0, NULL, "pass,fail"},
	{"one line narrows the results",
	    "unit t1 fail  # RFC 7208 says so\n", 1, NULL, "fail"},
	{"several results, tabs",
	    "unit\tt1\tneutral,none\t# why\n", 1, NULL, "neutral,none"},
	{"another suite's line is skipped",
	    "rfc4408 t1 none # other\n", 0, NULL, "pass,fail"},
	{"another suite's unknown test is skipped",
	    "rfc4408 nosuch none # other\n", 0, NULL, "pass,fail"},
	{"an unknown test is an error",
	    "unit nosuch fail # why\n", -1, "line 1: no test nosuch", NULL},
	{"a reason is required",
	    "# head\nunit t1 fail\n", -1, "line 2: no \"# reason\"", NULL},
	{"an empty reason is refused",
	    "unit t1 fail #  \n", -1, "empty reason", NULL},
	{"junk after the result",
	    "unit t1 fail pass # why\n", -1, "junk", NULL},
	{"no result",
	    "unit t1 # why\n", -1, "no result", NULL},
	{"a test listed twice",
	    "unit t1 fail # a\nunit t1 pass # b\n", -1, "twice", NULL},
};

/* test_deviations - walk test_dev_rows */
static void
test_deviations(void **state)
{
	const struct test_dev_row *row;
	const struct suite_test *t;
	struct suite *s;
	struct buf got;
	char err[TEST_ERRLEN];
	size_t i, j;
	int n;

	(void)state;
	for (i = 0; i < sizeof(test_dev_rows) / sizeof(test_dev_rows[0]);
	    i++) {
		row = &test_dev_rows[i];
		s = test_parse_row("  a.example: []\n", err, sizeof(err));
		if (s == NULL)
			fail_msg("%s", err);
		err[0] = 0;
		n = suite_deviations_apply(s, row->text, strlen(row->text),
		    err, sizeof(err));
		if (n != row->applied)
			fail_msg("%s: returned %d, want %d (%s)", row->what, n,
			    row->applied, err);
		if (row->err && strstr(err, row->err) == NULL)
			fail_msg("%s: error \"%s\", want \"%s\"", row->what,
			    err, row->err);
		if (row->t1) {
			t = suite_find(s, "t1");
			buf_init(&got, TEST_ERRLEN);
			for (j = 0; j < t->nresults; j++)
				(void)buf_printf(&got, "%s%s", j ? "," : "",
				    t->results[j]);
			if (strcmp(got.data, row->t1) != 0)
				fail_msg("%s: results %s, want %s", row->what,
				    got.data, row->t1);
			if (n > 0) {
				assert_non_null(t->deviation);
				assert_string_equal(t->suite_results,
				    "pass or fail");
			}
			buf_free(&got);
		}
		suite_free(s);
	}
}

struct test_real_row {
	const char     *file;
	const char     *name;
	size_t		nscenarios;
	size_t		ntests;
	const char     *line;		/* a line some scenario's zone has */
};

static const struct test_real_row test_real_rows[] = {
	{"rfc7208-tests.yml", "rfc7208", 16, 203,
	    "hosed.example.com TXT \"v=spf1 a:\\195\\175\\194\\187\\194\\191"
	    "garbage.example.net -all\"\n"},
	{"rfc7208-tests.yml", "rfc7208", 16, 203,
	    "txttimeout.example.net SPF \"v=spf1 -all\"\n"
	    "txttimeout.example.net TIMEOUT\n"},
	{"rfc7208-tests.yml", "rfc7208", 16, 203,
	    "mail.example.com MX 0 .\n"},
	{"rfc4408-tests.yml", "rfc4408", 15, 191,
	    "spfonly.example.net SPF \"v=spf1 -all\"\n"},
	{"rfc4408-tests.yml", "rfc4408", 15, 191,
	    "example5.com SPF \"v=spf1 +all\"\n"
	    "example5.com TXT \"v=spf1 -all\"\n"
	    "example5.com TXT \"v=spf1 +all\"\n"},
};

/* test_real - the real suites of tests/suite/openspf */
static void
test_real(void **state)
{
	const struct test_real_row *row;
	struct suite *s;
	struct buf path;
	char err[TEST_ERRLEN];
	size_t i, j;
	int found;

	(void)state;
	buf_init(&path, TEST_ERRLEN);
	for (i = 0; i < sizeof(test_real_rows) / sizeof(test_real_rows[0]);
	    i++) {
		row = &test_real_rows[i];
		buf_reset(&path);
		(void)buf_printf(&path, "%s/%s", TEST_SUITE_DIR, row->file);
		if ((s = suite_load(path.data, err, sizeof(err))) == NULL)
			fail_msg("%s", err);
		assert_string_equal(s->name, row->name);
		assert_int_equal(s->nscenarios, row->nscenarios);
		assert_int_equal(s->ntests, row->ntests);
		for (found = 0, j = 0; j < s->nscenarios && !found; j++)
			found = strstr(s->scenarios[j].zone, row->line) !=
			    NULL;
		if (!found)
			fail_msg("%s: no zone has\n%s", row->file, row->line);
		suite_free(s);
	}
	buf_free(&path);
}

/* main - one group */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zone),
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_deviations),
		cmocka_unit_test(test_real),
	};

	return cmocka_run_group_tests_name("suite_yaml", tests, NULL, NULL);
}
