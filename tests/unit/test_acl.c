/* test_acl - recipient ACL: the seed's file, precedence, case, errors */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "acl/acl.h"
#include "util/buf.h"

#define TEST_NAME	"t.acl"
#define TEST_MAX	(1024 * 1024)
#define TEST_BIG	100000		/* entries of the big file */
#define TEST_SAMPLE	"conf/rmxf.acl"

/* The seed's mxfilter.acl, as its README has it (tabs and comments). */
static const char seed_acl[] =
    "# ten adres b\304\231dzie skanowany (dla unknown znakujemy poczte, "
    "ale dopuszczamy):\n"
    "\n"
    "rozanski@sergiusz.com\tcheck\tHMARK\n"
    "\n"
    "# reszta dla tej domeny sprawdzamy, ale dla 'unknown' leci 550\n"
    "\n"
    "@sergiusz.com\tcheck\n"
    "\n"
    "# reszte domen docelowych pomijamy\n"
    "\n"
    "*\tskip\n"
    "\n"
    "# sk\305\202adnia dla tego pliku jest w pakiecie\n";

/* A lookup and the entry it must find. */
struct lookup_case {
	const char     *rcpt;
	const char     *key;		/* "" the built-in default */
	enum acl_action	action;
	unsigned	flags;
	unsigned	line;
};

static const struct lookup_case seed_cases[] = {
	{"rozanski@sergiusz.com", "rozanski@sergiusz.com", ACL_CHECK,
	 ACL_F_HMARK, 3},
	{"Rozanski@Sergiusz.COM", "rozanski@sergiusz.com", ACL_CHECK,
	 ACL_F_HMARK, 3},
	{"rozanski@sergiusz.com.", "rozanski@sergiusz.com", ACL_CHECK,
	 ACL_F_HMARK, 3},
	{"<rozanski@sergiusz.com>", "rozanski@sergiusz.com", ACL_CHECK,
	 ACL_F_HMARK, 3},
	{"kto@sergiusz.com", "@sergiusz.com", ACL_CHECK, 0, 7},
	{"postmaster@SERGIUSZ.com", "@sergiusz.com", ACL_CHECK, 0, 7},
	{"rozanski@mail.sergiusz.com", "*", ACL_SKIP, 0, 11},
	{"rozanski@example.org", "*", ACL_SKIP, 0, 11},
	{"postmaster", "*", ACL_SKIP, 0, 11},
	{"", "*", ACL_SKIP, 0, 11},
};

/* Precedence: exact, @domain, nearest @.parent, *, default. */
static const char prec_acl[] =
    "alice@example.com   skip\n"
    "@example.com        check   NOHELO\n"
    "@.example.com       check   OBSERVE  # every subdomain\n"
    "@.sub.example.com   check   HMARK\n"
    "bob@a.sub.example.com check NOLEGACY hmark\n"
    "@example.net.       SKIP\n"
    "Carol@Example.ORG   Check   Hmark   Observe   NoHelo   NoLegacy NoDmarc\n"
    "@com                skip\n"
    "\305\274\303\263\305\202w@example.com check HMARK\n";

static const struct lookup_case prec_cases[] = {
	{"alice@example.com", "alice@example.com", ACL_SKIP, 0, 1},
	{"ALICE@example.com", "alice@example.com", ACL_SKIP, 0, 1},
	{"bob@example.com", "@example.com", ACL_CHECK, ACL_F_NOHELO, 2},
	{"alice@mx.example.com", "@.example.com", ACL_CHECK, ACL_F_OBSERVE,
	 3},
	{"x@a.b.c.example.com", "@.example.com", ACL_CHECK, ACL_F_OBSERVE,
	 3},
	{"x@sub.example.com", "@.example.com", ACL_CHECK, ACL_F_OBSERVE, 3},
	{"x@a.sub.example.com", "@.sub.example.com", ACL_CHECK, ACL_F_HMARK,
	 4},
	{"bob@a.sub.example.com", "bob@a.sub.example.com", ACL_CHECK,
	 ACL_F_NOLEGACY | ACL_F_HMARK, 5},
	{"bob@b.sub.example.com", "@.sub.example.com", ACL_CHECK,
	 ACL_F_HMARK, 4},
	{"x@example.net", "@example.net", ACL_SKIP, 0, 6},
	{"x@EXAMPLE.NET.", "@example.net", ACL_SKIP, 0, 6},
	{"x@mx.example.net", "", ACL_CHECK, 0, 0},
	{"carol@example.org", "carol@example.org", ACL_CHECK,
	 ACL_F_HMARK | ACL_F_OBSERVE | ACL_F_NOHELO | ACL_F_NOLEGACY |
	 ACL_F_NODMARC, 7},
	{"dave@example.org", "", ACL_CHECK, 0, 0},
	{"x@com", "@com", ACL_SKIP, 0, 8},
	{"x@example.com.evil.org", "", ACL_CHECK, 0, 0},
	{"x@badexample.com", "", ACL_CHECK, 0, 0},
	{"example.com", "", ACL_CHECK, 0, 0},
	{"@example.com", "@example.com", ACL_CHECK, ACL_F_NOHELO, 2},
	{"x@", "", ACL_CHECK, 0, 0},
	{"x@.", "", ACL_CHECK, 0, 0},
	{"\"a@b\"@example.com", "@example.com", ACL_CHECK, ACL_F_NOHELO, 2},
	/* UTF-8 local parts: bytes as they are, no case folding */
	{"\305\274\303\263\305\202w@Example.com",
	 "\305\274\303\263\305\202w@example.com", ACL_CHECK, ACL_F_HMARK, 9},
	{"\305\273\303\263\305\202w@example.com", "@example.com",
	 ACL_CHECK, ACL_F_NOHELO, 2},
	{"", "", ACL_CHECK, 0, 0},
};

/* A file that must be refused, and what rmxf says about it. */
struct bad_case {
	const char     *text;
	size_t		len;		/* 0: strlen */
	const char     *want;
};

static const struct bad_case bad_cases[] = {
	{"example.com check", 0,
	 "t.acl:1: key \"example.com\" is not user@domain, @domain, "
	 "@.domain or *\n"},
	{"*@example.com check", 0,
	 "t.acl:1: key \"*@example.com\" is not a key (write @domain for a "
	 "whole domain)\n"},
	{"@ check", 0, "t.acl:1: key \"@\" empty domain\n"},
	{"@. check", 0, "t.acl:1: key \"@.\" empty domain\n"},
	{"user@ check", 0, "t.acl:1: key \"user@\" empty domain\n"},
	{"@example..com check", 0,
	 "t.acl:1: key \"@example..com\" empty label\n"},
	{"@example.com.. check", 0,
	 "t.acl:1: key \"@example.com..\" empty label in domain\n"},
	{"user@.example.com check", 0,
	 "t.acl:1: key \"user@.example.com\" empty label\n"},
	{"@aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	 ".com check", 0,
	 "t.acl:1: key \"@aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	 "aaaaaaaaaaaa.com\" label longer than 63 octets\n"},
	{"@example.com", 0,
	 "t.acl:1: @example.com: missing action (check or skip)\n"},
	{"@example.com # check", 0,
	 "t.acl:1: @example.com: missing action (check or skip)\n"},
	{"@example.com allow", 0,
	 "t.acl:1: @example.com: unknown action \"allow\" (check or "
	 "skip)\n"},
	{"@example.com check HMARK FAST", 0,
	 "t.acl:1: unknown flag \"FAST\" (HMARK, OBSERVE, NOHELO, "
	 "NOLEGACY or NODMARC)\n"},
	{"@example.com skip HMARK", 0,
	 "t.acl:1: @example.com: flags apply to check entries only\n"},
	{"* skip\n# x\n*\tcheck", 0,
	 "t.acl:3: *: duplicate entry (first at line 1)\n"},
	{"@Example.com check\n@example.COM. skip", 0,
	 "t.acl:2: @example.com: duplicate entry (first at line 1)\n"},
	{"a@b.example check\nA@B.EXAMPLE check", 0,
	 "t.acl:2: a@b.example: duplicate entry (first at line 1)\n"},
	{"@example.com check\001", 0,
	 "t.acl:1: control character 0x01 in line\n"},
	{"@example.com\0check", 18,
	 "t.acl:1: control character 0x00 in line\n"},
	{"ok@example.com check\nbad\n* skip\nworse check\n", 0,
	 "t.acl:2: key \"bad\" is not user@domain, @domain, @.domain or *\n"
	 "t.acl:4: key \"worse\" is not user@domain, @domain, @.domain or "
	 "*\n"},
};

/* check_lookups - every case against one ACL */
static void
check_lookups(const struct acl *acl, const struct lookup_case *cases,
    size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct lookup_case *t = &cases[i];
		const struct acl_entry *e = acl_lookup(acl, t->rcpt);

		assert_non_null(e);
		if (strcmp(e->key, t->key) != 0 || e->action != t->action ||
		    e->flags != t->flags || e->line != t->line)
			fail_msg("%s: got %s (%d %#x line %u), want %s",
			    t->rcpt, e->key, e->action, e->flags, e->line,
			    t->key);
	}
}

/* parse - text into an ACL, or NULL and the errors in err */
static struct acl *
parse(const char *text, size_t len, struct buf *err)
{
	buf_reset(err);
	return acl_parse(text, len, TEST_NAME, err);
}

/* test_acl_seed - the seed's example file, verbatim */
static void
test_acl_seed(void **state)
{
	struct buf err;
	struct acl *acl;

	(void)state;
	buf_init(&err, TEST_MAX);
	acl = parse(seed_acl, sizeof(seed_acl) - 1, &err);
	if (acl == NULL)
		fail_msg("%s", err.data);
	assert_int_equal(acl_count(acl), 3);
	check_lookups(acl, seed_cases,
	    sizeof(seed_cases) / sizeof(seed_cases[0]));
	acl_free(acl);
	buf_free(&err);
}

/* test_acl_precedence - most specific wins; case; comments; CRLF */
static void
test_acl_precedence(void **state)
{
	struct buf err, crlf;
	struct acl *acl;
	size_t i;

	(void)state;
	buf_init(&err, TEST_MAX);
	acl = parse(prec_acl, sizeof(prec_acl) - 1, &err);
	if (acl == NULL)
		fail_msg("%s", err.data);
	check_lookups(acl, prec_cases,
	    sizeof(prec_cases) / sizeof(prec_cases[0]));
	acl_free(acl);

	/* the same file with CRLF line ends */
	buf_init(&crlf, TEST_MAX);
	for (i = 0; i < sizeof(prec_acl) - 1; i++) {
		if (prec_acl[i] == '\n')
			buf_putc(&crlf, '\r');
		buf_putc(&crlf, prec_acl[i]);
	}
	acl = parse(crlf.data, crlf.len, &err);
	if (acl == NULL)
		fail_msg("%s", err.data);
	check_lookups(acl, prec_cases,
	    sizeof(prec_cases) / sizeof(prec_cases[0]));
	acl_free(acl);
	buf_free(&crlf);
	buf_free(&err);
}

/* test_acl_bad - malformed lines and duplicates, with file:line */
static void
test_acl_bad(void **state)
{
	struct buf err;
	size_t i;

	(void)state;
	buf_init(&err, TEST_MAX);
	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *t = &bad_cases[i];
		size_t len = t->len ? t->len : strlen(t->text);

		if (parse(t->text, len, &err) != NULL)
			fail_msg("case %zu accepted: %s", i, t->text);
		if (err.data == NULL || strcmp(err.data, t->want) != 0)
			fail_msg("case %zu: got\n%swant\n%s", i,
			    err.data ? err.data : "(nothing)\n", t->want);
	}
	/* no error buffer: still refused */
	assert_null(acl_parse("bad", 3, NULL, NULL));
	buf_free(&err);
}

/* test_acl_empty - no file, an empty one, NULL: the default entry */
static void
test_acl_empty(void **state)
{
	struct buf err, out;
	struct acl *acl;
	const struct acl_entry *e;

	(void)state;
	buf_init(&err, TEST_MAX);
	buf_init(&out, 256);
	e = acl_lookup(NULL, "anyone@example.com");
	assert_int_equal(e->action, ACL_CHECK);
	assert_int_equal(e->flags, 0);
	assert_int_equal(e->line, 0);
	assert_string_equal(e->key, "");
	acl = parse("", 0, &err);
	assert_non_null(acl);
	assert_int_equal(acl_count(acl), 0);
	assert_ptr_equal(acl_lookup(acl, "a@example.com"), e);
	acl_free(acl);
	acl = parse("# only\n\n   \t\n   # comments\n", 27, &err);
	assert_non_null(acl);
	assert_ptr_equal(acl_lookup(acl, "a@example.com"), e);
	acl_free(acl);
	acl_free(NULL);
	assert_int_equal(acl_count(NULL), 0);

	assert_int_equal(acl_entry_format(e, &out), 0);
	assert_string_equal(out.data, "check");
	acl = parse("@x.example check NOLEGACY HMARK\n* skip", 38, &err);
	assert_non_null(acl);
	buf_reset(&out);
	acl_entry_format(acl_lookup(acl, "a@x.example"), &out);
	assert_string_equal(out.data, "check HMARK NOLEGACY");
	buf_reset(&out);
	acl_entry_format(acl_lookup(acl, "a@y.example"), &out);
	assert_string_equal(out.data, "skip");
	acl_free(acl);
	buf_free(&out);
	buf_free(&err);
}

/* test_acl_limits - long lines and keys, many errors */
static void
test_acl_limits(void **state)
{
	struct buf err, text, want;
	struct acl *acl;
	int i;

	(void)state;
	buf_init(&err, TEST_MAX);
	buf_init(&text, TEST_MAX);
	buf_init(&want, TEST_MAX);
	buf_puts(&text, "@example.com check ");
	for (i = 0; i < ACL_MAX_LINE; i++)
		buf_putc(&text, ' ');
	assert_null(parse(text.data, text.len, &err));
	buf_printf(&want, "t.acl:1: line longer than %d octets\n",
	    ACL_MAX_LINE);
	assert_string_equal(err.data, want.data);

	buf_reset(&text);
	for (i = 0; i < ACL_MAX_KEY; i++)
		buf_putc(&text, 'u');
	buf_puts(&text, "@example.com check");
	assert_null(parse(text.data, text.len, &err));
	assert_non_null(strstr(err.data, "is too long\n"));
	/* a recipient longer than any key still finds its domain */
	acl = parse("@example.com check HMARK", 24, &err);
	assert_non_null(acl);
	buf_truncate(&text, text.len - strlen(" check"));
	assert_string_equal(acl_lookup(acl, text.data)->key, "@example.com");
	acl_free(acl);

	buf_reset(&text);
	buf_reset(&want);
	for (i = 1; i <= ACL_MAX_ERRORS + 5; i++) {
		buf_puts(&text, "bad\n");
		if (i <= ACL_MAX_ERRORS)
			buf_printf(&want, "t.acl:%d: key \"bad\" is not "
			    "user@domain, @domain, @.domain or *\n", i);
	}
	buf_puts(&want, "t.acl: more errors not shown\n");
	assert_null(parse(text.data, text.len, &err));
	assert_string_equal(err.data, want.data);
	buf_free(&err);
	buf_free(&text);
	buf_free(&want);
}

/* test_acl_big - a big file: every entry found, lookups by hash */
static void
test_acl_big(void **state)
{
	struct buf err, text, rcpt, want;
	struct acl *acl;
	const struct acl_entry *e;
	int i;

	(void)state;
	buf_init(&err, TEST_MAX);
	buf_init(&text, 64 * TEST_MAX);
	buf_init(&rcpt, 256);
	buf_init(&want, 256);
	for (i = 0; i < TEST_BIG; i++) {
		if (i % 10 == 0)
			buf_printf(&text, "@d%d.example check HMARK\n", i);
		else
			buf_printf(&text, "user%d@d%d.example %s\n", i, i / 10
			    * 10, i % 2 ? "skip" : "check");
	}
	acl = parse(text.data, text.len, &err);
	if (acl == NULL)
		fail_msg("%s", err.data);
	assert_int_equal(acl_count(acl), TEST_BIG);
	for (i = 0; i < TEST_BIG; i++) {
		buf_reset(&rcpt);
		buf_reset(&want);
		buf_printf(&rcpt, "User%d@D%d.Example", i, i / 10 * 10);
		e = acl_lookup(acl, rcpt.data);
		if (i % 10 == 0)
			buf_printf(&want, "@d%d.example", i);
		else
			buf_printf(&want, "user%d@d%d.example", i, i / 10 * 10);
		if (strcmp(e->key, want.data) != 0 || e->line !=
		    (unsigned)i + 1)
			fail_msg("%s: got %s line %u", rcpt.data, e->key,
			    e->line);
	}
	e = acl_lookup(acl, "nobody@nowhere.example");
	assert_int_equal(e->line, 0);
	acl_free(acl);
	buf_free(&err);
	buf_free(&text);
	buf_free(&rcpt);
	buf_free(&want);
}

/* test_acl_sample - conf/rmxf.acl parses and is the seed's file */
static void
test_acl_sample(void **state)
{
	struct buf text, err;
	struct acl *acl;
	FILE *fp;
	char chunk[4096];
	size_t n;

	(void)state;
	if ((fp = fopen(TEST_SAMPLE, "r")) == NULL)
		skip();			/* not run from the top directory */
	buf_init(&text, TEST_MAX);
	buf_init(&err, TEST_MAX);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_append(&text, chunk, n);
	fclose(fp);
	if ((acl = parse(text.data, text.len, &err)) == NULL)
		fail_msg("%s", err.data);
	assert_int_equal(acl_count(acl), 4);
	assert_int_equal(acl_lookup(acl, "postmaster@sergiusz.com")->action,
	    ACL_SKIP);
	assert_int_equal(acl_lookup(acl, "rozanski@sergiusz.com")->flags,
	    ACL_F_HMARK);
	assert_string_equal(acl_lookup(acl, "x@sergiusz.com")->key,
	    "@sergiusz.com");
	assert_int_equal(acl_lookup(acl, "x@example.org")->action, ACL_SKIP);
	acl_free(acl);
	buf_free(&text);
	buf_free(&err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_acl_seed),
		cmocka_unit_test(test_acl_precedence),
		cmocka_unit_test(test_acl_bad),
		cmocka_unit_test(test_acl_empty),
		cmocka_unit_test(test_acl_limits),
		cmocka_unit_test(test_acl_big),
		cmocka_unit_test(test_acl_sample),
	};

	return cmocka_run_group_tests_name("acl", tests, NULL, NULL);
}
