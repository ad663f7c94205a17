/*
 * NAME
 *	test_socketmap 1
 * SUMMARY
 *	socketmap netstring codec, table-driven
 * DESCRIPTION
 *	Every row of parse_cases is parsed whole and as each of its
 *	prefixes: a prefix of a complete request must say SM_MORE (or the
 *	same SM_ERR once the error is visible), the whole gives the row's
 *	status, reason, name, key and bytes used.  Replies and requests
 *	are formatted to the exact bytes Postfix reads and writes, limits
 *	at their edges.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "socketmap/socketmap.h"
#include "util/buf.h"

struct parse_case {
	const char     *name;
	const char     *in;
	size_t		len;		/* 0: strlen(in) */
	enum sm_status	status;
	const char     *map;		/* SM_OK: name */
	const char     *key;		/* SM_OK: key */
	size_t		used;		/* SM_OK */
	const char     *why;		/* SM_ERR: substring of the reason */
};

static const struct parse_case parse_cases[] = {
	{"a verify request", "26:verify prvs=1234abcdef=u@x,", 0, SM_OK,
	 "verify", "prvs=1234abcdef=u@x", 30, NULL},
	{"a second request behind it", "8:sign a@b,8:sign c@d,", 0, SM_OK,
	 "sign", "a@b", 11, NULL},
	{"leading zeros", "008:sign a@b,", 0, SM_OK, "sign", "a@b", 13,
	 NULL},
	{"key with spaces", "11:srs_fwd a b,", 0, SM_OK, "srs_fwd", "a b", 15,
	 NULL},
	{"incomplete length", "12", 0, SM_MORE, NULL, NULL, 0, NULL},
	{"incomplete body", "12:sign a@", 0, SM_MORE, NULL, NULL, 0, NULL},
	{"no comma yet", "8:sign a@b", 0, SM_MORE, NULL, NULL, 0, NULL},
	{"empty input", "", 0, SM_MORE, NULL, NULL, 0, NULL},
	{"not a number", "x:sign a,", 0, SM_ERR, NULL, NULL, 0, "decimal"},
	{"no length", ":sign a,", 0, SM_ERR, NULL, NULL, 0, "without a length"},
	{"seven digits", "0000008:sign a@b,", 0, SM_ERR, NULL, NULL, 0,
	 "too many digits"},
	{"over 10000", "10001:", 0, SM_ERR, NULL, NULL, 0, "longer than"},
	{"wrong terminator", "8:sign a@b;", 0, SM_ERR, NULL, NULL, 0,
	 "terminated"},
	{"NUL in the key", "8:sign a\0b,", 11, SM_ERR, NULL, NULL, 0, "NUL"},
	{"no key", "4:sign,", 0, SM_ERR, NULL, NULL, 0, "without a key"},
	{"empty key", "5:sign ,", 0, SM_ERR, NULL, NULL, 0, "without a key"},
	{"empty name", "4: a@b,", 0, SM_ERR, NULL, NULL, 0, "empty"},
	{"bad name", "8:si/n a@b,", 0, SM_ERR, NULL, NULL, 0, "character"},
	{"zero length", "0:,", 0, SM_ERR, NULL, NULL, 0, "empty"},
	{"binary junk", "\x16\x03\x01\x02\x00", 5, SM_ERR, NULL, NULL, 0,
	 "decimal"},
};

/* test_sm_parse_one - one input, checked against the row */
static void
test_sm_parse_one(const struct parse_case *t, size_t len)
{
	struct sm_request req;
	const char *why;
	size_t used = 0;
	enum sm_status st;

	memset(&req, 0, sizeof(req));
	st = sm_parse(t->in, len, &req, &used, &why);
	if (st != t->status)
		fail_msg("%s: status %d, want %d (%s)", t->name, st,
		    t->status, why ? why : "");
	if (st == SM_OK) {
		assert_int_equal(req.namelen, strlen(t->map));
		assert_memory_equal(req.name, t->map, req.namelen);
		assert_int_equal(req.keylen, strlen(t->key));
		assert_memory_equal(req.key, t->key, req.keylen);
		assert_int_equal(used, t->used);
	}
	if (st == SM_ERR && (why == NULL || strstr(why, t->why) == NULL))
		fail_msg("%s: reason \"%s\", want \"%s\"", t->name,
		    why ? why : "(null)", t->why);
}

/* test_sm_parse - every row, whole and as its prefixes */
static void
test_sm_parse(void **state)
{
	const struct parse_case *t;
	struct sm_request req;
	const char *why;
	size_t i, k, len, used;
	enum sm_status st;

	(void)state;
	for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		t = &parse_cases[i];
		len = t->len ? t->len : strlen(t->in);
		test_sm_parse_one(t, len);
		/* a prefix never says OK before the terminator, never
		 * reads past its end, and errs only as the whole does */
		for (k = 0; t->status == SM_OK && k < t->used; k++) {
			char *copy = malloc(k + 1);

			assert_non_null(copy);
			memcpy(copy, t->in, k);
			st = sm_parse(copy, k, &req, &used, &why);
			if (st != SM_MORE)
				fail_msg("%s: prefix %zu: status %d", t->name,
				    k, st);
			free(copy);
		}
	}
}

/* test_sm_reply - replies as Postfix reads them, limits */
static void
test_sm_reply(void **state)
{
	struct buf b;
	char *big;

	(void)state;
	buf_init(&b, 2 * SM_MAX_REPLY);
	assert_int_equal(sm_format_reply(&b, SM_R_OK, "a@b.example", 11), 0);
	assert_string_equal(b.data, "14:OK a@b.example,");
	buf_reset(&b);
	assert_int_equal(sm_format_reply(&b, SM_R_NOTFOUND, NULL, 0), 0);
	assert_string_equal(b.data, "9:NOTFOUND ,");
	buf_reset(&b);
	assert_int_equal(sm_format_reply(&b, SM_R_TEMP, "no key", 6), 0);
	assert_string_equal(b.data, "11:TEMP no key,");
	buf_reset(&b);
	assert_int_equal(sm_format_reply(&b, SM_R_PERM, "x", 1), 0);
	assert_string_equal(b.data, "6:PERM x,");
	assert_string_equal(sm_reply_str(SM_R_TIMEOUT), "TIMEOUT");
	assert_string_equal(sm_reply_str((enum sm_reply)42), "PERM");
	buf_reset(&b);
	big = malloc(SM_MAX_REPLY);
	assert_non_null(big);
	memset(big, 'x', SM_MAX_REPLY);
	/* "OK " + data at most SM_MAX_REPLY */
	assert_int_equal(sm_format_reply(&b, SM_R_OK, big, SM_MAX_REPLY - 3),
	    0);
	assert_int_equal(b.len, 6 + 1 + SM_MAX_REPLY + 1);
	buf_reset(&b);
	assert_int_equal(sm_format_reply(&b, SM_R_OK, big, SM_MAX_REPLY - 2),
	    -1);
	assert_int_equal(b.len, 0);
	buf_free(&b);
	/* a full buffer: nothing partial */
	buf_init(&b, 10);
	buf_puts(&b, "12345");
	assert_int_equal(sm_format_reply(&b, SM_R_OK, "abcdef", 6), -1);
	assert_string_equal(b.data, "12345");
	buf_free(&b);
	free(big);
}

/* test_sm_request - what Postfix sends, and back through the parser */
static void
test_sm_request(void **state)
{
	struct sm_request req;
	const char *why;
	size_t used;
	struct buf b;

	(void)state;
	buf_init(&b, 2 * SM_MAX_QUERY);
	assert_int_equal(sm_format_request(&b, "sign", "u@x.example", 11), 0);
	assert_string_equal(b.data, "16:sign u@x.example,");
	assert_int_equal(sm_parse(b.data, b.len, &req, &used, &why), SM_OK);
	assert_int_equal(used, b.len);
	assert_int_equal(sm_format_request(&b, "", "k", 1), -1);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sm_parse),
		cmocka_unit_test(test_sm_reply),
		cmocka_unit_test(test_sm_request),
	};

	return cmocka_run_group_tests_name("socketmap", tests, NULL, NULL);
}
