/* test_msg - msg(3) on stderr: one line per entry, time stamps, journal */
#include <setjmp.h>
#include <sys/stat.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "util/msg.h"

#define TEST_MSG_OUT	32768	/* what one test reads back */
#define TEST_MSG_LONG	20000	/* longer than an entry may be */
#define TEST_MSG_STAMP	25	/* "2026-12-07T00:31:52.123Z " */

struct test_msg_cap {
	int	saved;			/* the real stderr */
	FILE   *fp;			/* where stderr goes meanwhile */
	char	out[TEST_MSG_OUT];	/* what was written */
};

/* test_msg_start - stderr into a scratch file */
static void
test_msg_start(struct test_msg_cap *c)
{
	fflush(stderr);
	c->saved = dup(STDERR_FILENO);
	assert_true(c->saved >= 0);
	assert_non_null(c->fp = tmpfile());
	assert_int_equal(dup2(fileno(c->fp), STDERR_FILENO), STDERR_FILENO);
}

/* test_msg_read - what went to stderr since the last read */
static const char *
test_msg_read(struct test_msg_cap *c)
{
	size_t n;

	rewind(c->fp);
	n = fread(c->out, 1, sizeof(c->out) - 1, c->fp);
	c->out[n] = 0;
	assert_int_equal(ftruncate(fileno(c->fp), 0), 0);
	rewind(c->fp);
	return c->out;
}

/* test_msg_stop - stderr back */
static void
test_msg_stop(struct test_msg_cap *c)
{
	assert_int_equal(dup2(c->saved, STDERR_FILENO), STDERR_FILENO);
	close(c->saved);
	fclose(c->fp);
}

/* test_msg_journal_env - JOURNAL_STREAM naming stderr's file, its inode
 * plus add */
static void
test_msg_journal_env(unsigned long long add)
{
	struct stat st;
	char v[64];

	assert_int_equal(fstat(STDERR_FILENO, &st), 0);
	snprintf(v, sizeof(v), "%llu:%llu", (unsigned long long)st.st_dev,
	    (unsigned long long)st.st_ino + add);
	assert_int_equal(setenv("JOURNAL_STREAM", v, 1), 0);
}

/* test_msg_check_stamp - line starts with a time stamp of now, UTC */
static void
test_msg_check_stamp(const char *line)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd.dddZ ";
	struct tm tm;
	time_t t;
	size_t i;

	for (i = 0; i < TEST_MSG_STAMP; i++)
		if (shape[i] == 'd' ? line[i] < '0' || line[i] > '9' :
		    line[i] != shape[i])
			fail_msg("no stamp at %zu: %s", i, line);
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = atoi(line) - 1900;
	tm.tm_mon = atoi(line + 5) - 1;
	tm.tm_mday = atoi(line + 8);
	tm.tm_hour = atoi(line + 11);
	tm.tm_min = atoi(line + 14);
	tm.tm_sec = atoi(line + 17);
	t = timegm(&tm);
	if (t < time(NULL) - 5 || t > time(NULL) + 1)
		fail_msg("stamp not now in UTC: %s", line);
}

/* The text of an entry and the line it becomes on stderr. */
static const struct test_msg_case {
	const char *text;
	const char *line;
} test_msg_cases[] = {
	{"plain", "t: warning: plain\n"},
	{"two\nlines", "t: warning: two; lines\n"},
	{"crlf\r\n\r\nand blank line\n", "t: warning: crlf; and blank line\n"},
	{"trailing\n\n", "t: warning: trailing\n"},
	{"\nleading", "t: warning: ; leading\n"},
	{"tab\there bell\a del\x7f esc\x1b[0m",
	 "t: warning: tab?here bell? del? esc?[0m\n"},
	{"utf-8 stays: \xc3\xa9", "t: warning: utf-8 stays: \xc3\xa9\n"},
};

/* test_msg_one_line - whatever the text holds, an entry is one line */
static void
test_msg_one_line(void **state)
{
	struct test_msg_cap c;
	size_t i;

	(void)state;
	test_msg_start(&c);
	msg_open("t", MSG_STDERR, 0, 0);
	for (i = 0; i < sizeof(test_msg_cases) / sizeof(test_msg_cases[0]);
	    i++) {
		msg_warn("%s", test_msg_cases[i].text);
		assert_string_equal(test_msg_read(&c), test_msg_cases[i].line);
	}
	test_msg_stop(&c);
}

/* One level: what each severity writes under it ("" for nothing). */
static const struct test_msg_level_case {
	enum msg_level level;
	const char *debug, *info, *warn, *error;
} test_msg_levels[] = {
	{MSG_L_ERROR, "", "", "", "t: error: e\n"},
	{MSG_L_WARN, "", "", "t: warning: w\n", "t: error: e\n"},
	{MSG_L_INFO, "", "t: i\n", "t: warning: w\n", "t: error: e\n"},
	{MSG_L_DEBUG, "t: debug: d\n", "t: i\n", "t: warning: w\n",
	 "t: error: e\n"},
};

/* test_msg_level - msg_level() drops what is less severe, nothing else */
static void
test_msg_level(void **state)
{
	const struct test_msg_level_case *t;
	struct test_msg_cap c;
	size_t i;

	(void)state;
	test_msg_start(&c);
	msg_open("t", MSG_STDERR, 0, 0);
	for (i = 0; i < sizeof(test_msg_levels) / sizeof(test_msg_levels[0]);
	    i++) {
		t = &test_msg_levels[i];
		msg_level(t->level);
		msg_debug("d");
		assert_string_equal(test_msg_read(&c), t->debug);
		msg_info("i");
		assert_string_equal(test_msg_read(&c), t->info);
		msg_warn("w");
		assert_string_equal(test_msg_read(&c), t->warn);
		msg_error("e");
		assert_string_equal(test_msg_read(&c), t->error);
		assert_int_equal(msg_enabled(MSG_L_INFO), *t->info != 0);
		assert_int_equal(msg_enabled(MSG_L_DEBUG), *t->debug != 0);
	}
	msg_level(MSG_L_INFO);
	test_msg_stop(&c);
}

/* test_msg_long - a text over the limit is cut, still one line */
static void
test_msg_long(void **state)
{
	struct test_msg_cap c;
	const char *out;
	char *text;

	(void)state;
	assert_non_null(text = malloc(TEST_MSG_LONG + 1));
	memset(text, 'x', TEST_MSG_LONG);
	text[TEST_MSG_LONG] = 0;
	text[100] = '\n';
	test_msg_start(&c);
	msg_open("t", MSG_STDERR, 0, 0);
	msg_error("%s", text);
	out = test_msg_read(&c);
	test_msg_stop(&c);
	free(text);
	assert_memory_equal(out, "t: error: xxx", 13);
	assert_true(strlen(out) > 8000 && strlen(out) < TEST_MSG_LONG);
	assert_ptr_equal(strchr(out, '\n'), out + strlen(out) - 1);
	assert_non_null(strstr(out, "x; x"));
}

/* test_msg_stamp - MSG_STAMP: time and pid first, on every line, and in
 * msg_stderr_prefix() for lines a caller writes itself */
static void
test_msg_stamp(void **state)
{
	struct test_msg_cap c;
	char pre[MSG_PREFIX_MAX], tag[64];
	const char *out;
	size_t n;

	(void)state;
	snprintf(tag, sizeof(tag), "t[%ld]: ", (long)getpid());
	test_msg_start(&c);
	assert_int_equal(unsetenv("JOURNAL_STREAM"), 0);
	msg_open("t", MSG_STDERR, 0, MSG_STAMP);
	msg_info("hello\nworld");
	out = test_msg_read(&c);
	test_msg_check_stamp(out);
	assert_memory_equal(out + TEST_MSG_STAMP, tag, strlen(tag));
	assert_string_equal(out + TEST_MSG_STAMP + strlen(tag),
	    "hello; world\n");
	n = msg_stderr_prefix(pre, sizeof(pre));
	assert_int_equal(n, TEST_MSG_STAMP + strlen(tag));
	test_msg_check_stamp(pre);
	assert_string_equal(pre + TEST_MSG_STAMP, tag);
	assert_int_equal(msg_stderr_prefix(pre, MSG_PREFIX_MAX - 1), 0);

	/* JOURNAL_STREAM of another file (or nonsense): stamps still */
	test_msg_journal_env(1);
	msg_open("t", MSG_STDERR, 0, MSG_STAMP);
	msg_warn("other");
	test_msg_check_stamp(test_msg_read(&c));
	assert_int_equal(setenv("JOURNAL_STREAM", "x", 1), 0);
	msg_open("t", MSG_STDERR, 0, MSG_STAMP);
	msg_warn("nonsense");
	test_msg_check_stamp(test_msg_read(&c));
	test_msg_stop(&c);
	assert_int_equal(unsetenv("JOURNAL_STREAM"), 0);
}

/* test_msg_journal - stderr is the journal's stream: it stamps lines
 * itself, so neither entries nor prefixes carry a time */
static void
test_msg_journal(void **state)
{
	struct test_msg_cap c;
	char pre[MSG_PREFIX_MAX];

	(void)state;
	test_msg_start(&c);
	test_msg_journal_env(0);
	msg_open("t", MSG_STDERR, 0, MSG_STAMP);
	msg_warn("in the journal");
	assert_string_equal(test_msg_read(&c), "t: warning: in the journal\n");
	assert_int_equal(msg_stderr_prefix(pre, sizeof(pre)), 3);
	assert_string_equal(pre, "t: ");
	test_msg_stop(&c);
	assert_int_equal(unsetenv("JOURNAL_STREAM"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_msg_one_line),
		cmocka_unit_test(test_msg_level),
		cmocka_unit_test(test_msg_long),
		cmocka_unit_test(test_msg_stamp),
		cmocka_unit_test(test_msg_journal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
