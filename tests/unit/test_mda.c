/* test_mda - the procmail header reader, pass-through writer, conf merge */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "conf/conf.h"
#include "mda/mda.h"
#include "util/buf.h"
#include "util/xmalloc.h"

#define TEST_MAX_OUT	(1024 * 1024)
#define TEST_NO		((const char *)0)	/* field must be absent */

/* One header block and what the reader must find in it. */
struct parse_case {
	const char     *name;
	const char     *in;
	size_t		len;		/* 0: strlen(in) */
	unsigned	hops;
	size_t		from_len;
	int		crlf;
	const char     *sender;		/* TEST_NO: no sender */
	const char     *ip;		/* TEST_NO: no client */
	const char     *helo;
	const char     *why;		/* TEST_NO: no reason */
};

#define RP	"Return-Path: <a@example.com>\n"
#define RCV	"Received: from mail.example.com (mail.example.com " \
		"[192.0.2.1])\n\tby mx.example.org (Postfix); " \
		"Mon, 23 Nov 2026 10:00:00 +0000\n"

#define NULIP	RP "Received: from h ([2001:db8::\0x]) by y\n\n"

static const struct parse_case parse_cases[] = {
	{"plain", RP RCV "Subject: x\n\nbody\n", 0, 0, 0, 0,
	    "a@example.com", "192.0.2.1", "mail.example.com", TEST_NO},
	{"folded Received", RP "Received: from\n helo.example.net\n\t(rdns "
	    "[192.0.2.7])\n by mx; date\n\n", 0, 0, 0, 0,
	    "a@example.com", "192.0.2.7", "helo.example.net", TEST_NO},
	{"missing Return-Path", RCV "\nbody\n", 0, 0, 0, 0,
	    TEST_NO, "192.0.2.1", "mail.example.com",
	    "no Return-Path header"},
	{"null sender", "Return-Path: <>\n" RCV "\n", 0, 0, 0, 0,
	    "", "192.0.2.1", "mail.example.com", TEST_NO},
	{"Return-Path without brackets", "return-path:  b@example.net \n"
	    RCV "\n", 0, 0, 0, 0, "b@example.net", "192.0.2.1",
	    "mail.example.com", TEST_NO},
	{"Return-Path junk", "Return-Path: nobody here\n" RCV "\n", 0, 0, 0,
	    0, TEST_NO, "192.0.2.1", "mail.example.com",
	    "no address in Return-Path"},
	{"first Return-Path counts", RP "Return-Path: <z@example.net>\n"
	    RCV "\n", 0, 0, 0, 0, "a@example.com", "192.0.2.1",
	    "mail.example.com", TEST_NO},
	{"source route dropped", "Return-Path: <@r1.example,@r2.example:"
	    "c@example.com>\n" RCV "\n", 0, 0, 0, 0, "c@example.com",
	    "192.0.2.1", "mail.example.com", TEST_NO},
	{"IPv6 tag", RP "Received: from v6.example.net ([IPv6:2001:db8::1])"
	    " by mx; date\n\n", 0, 0, 0, 0, "a@example.com", "2001:db8::1",
	    "v6.example.net", TEST_NO},
	{"IPv6 bare", RP "Received: from v6.example.net (v6.example.net "
	    "[2001:db8::2]) by mx; date\n\n", 0, 0, 0, 0, "a@example.com",
	    "2001:db8::2", "v6.example.net", TEST_NO},
	{"CRLF", "Return-Path: <a@example.com>\r\nReceived: from h.example "
	    "([192.0.2.9])\r\n\tby mx; date\r\n\r\nbody\r\n", 0, 0, 0, 1,
	    "a@example.com", "192.0.2.9", "h.example", TEST_NO},
	{"CRLF message behind an LF From_ line: CRLF",
	    "From a@example.com Mon Nov 23 10:00:00 2026\n"
	    "Return-Path: <a@example.com>\r\nReceived: from h.example "
	    "([192.0.2.9])\r\n\tby mx; date\r\n\r\nbody\r\n", 0, 0, 44, 1,
	    "a@example.com", "192.0.2.9", "h.example", TEST_NO},
	{"no trailing newline", RP "Received: from h.example [192.0.2.3]",
	    0, 0, 0, 0, "a@example.com", "192.0.2.3", "h.example", TEST_NO},
	{"header block without body", RP RCV, 0, 0, 0, 0, "a@example.com",
	    "192.0.2.1", "mail.example.com", TEST_NO},
	{"mbox From_ line", "From a@example.com  Mon Nov 23 10:00:00 2026\n"
	    RP RCV "\n", 0, 0, 45, 0, "a@example.com", "192.0.2.1",
	    "mail.example.com", TEST_NO},
	{"trusted hop skipped", RP "Received: from in.example.org "
	    "(in.example.org [10.0.0.2]) by mx; date\n" RCV "\n", 0, 1, 0, 0,
	    "a@example.com", "192.0.2.1", "mail.example.com", TEST_NO},
	{"trusted hop not skipped", RP "Received: from in.example.org "
	    "(in.example.org [10.0.0.2]) by mx; date\n" RCV "\n", 0, 0, 0, 0,
	    "a@example.com", "10.0.0.2", "in.example.org", TEST_NO},
	{"all hops trusted", RP RCV "\n", 0, 1, 0, 0, "a@example.com",
	    TEST_NO, "", "no Received header below the trusted hops"},
	{"Received without [IP] skipped", RP "Received: by mx.example.org "
	    "(Postfix, from userid 0) id 1; date\n" RCV "\n", 0, 0, 0, 0,
	    "a@example.com", "192.0.2.1", "mail.example.com", TEST_NO},
	{"[IP] in the by clause ignored", RP "Received: from h.example "
	    "(unknown) by mx.example.org [192.0.2.99]; date\n\n", 0, 0, 0, 0,
	    "a@example.com", TEST_NO, "",
	    "no Received header with a client [address]"},
	{"no IP literal", RP "Received: from h.example ([not.an.ip]) by mx;"
	    " d\n\n", 0, 0, 0, 0, "a@example.com", TEST_NO, "",
	    "no Received header with a client [address]"},
	{"junk lines", "junk without colon\n  stray continuation\n" RP
	    "more junk\n" RCV "\n", 0, 0, 0, 0, "a@example.com", "192.0.2.1",
	    "mail.example.com", TEST_NO},
	{"body not read", "Subject: x\n\n" RP RCV, 0, 0, 0, 0, TEST_NO,
	    TEST_NO, "", "no Return-Path header"},
	{"8-bit bytes", "Subject: \xff\xfe\x80\n" "Return-Path: <\xc3\xa9@"
	    "example.com>\n" RCV "\n\xff\n", 0, 0, 0, 0, "\xc3\xa9@example.com",
	    "192.0.2.1", "mail.example.com", TEST_NO},
	{"NUL in Return-Path", "Return-Path: <a\0b@example.com>\n" RCV "\n",
	    31 + sizeof(RCV) - 1 + 1, 0, 0, 0, TEST_NO, "192.0.2.1",
	    "mail.example.com", "no address in Return-Path"},
	{"NUL in IP literal", NULIP, sizeof(NULIP) - 1, 0, 0, 0,
	    "a@example.com", TEST_NO, "",
	    "no Received header with a client [address]"},
	{"name with space before colon", "Return-Path : <d@example.com>\n"
	    "RECEIVED : from h.example ([192.0.2.5]) by x\n\n", 0, 0, 0, 0,
	    "d@example.com", "192.0.2.5", "h.example", TEST_NO},
	{"empty", "", 0, 0, 0, 0, TEST_NO, TEST_NO, "", "empty message"},
};

/* test_span - a span's bytes as a string, in a static buffer */
static const char *
test_span(const char *in, const struct mda_span *s)
{
	static char out[MDA_MAX_SENDER + 1];

	assert_true(s->len <= MDA_MAX_SENDER);
	memcpy(out, in + s->off, s->len);
	out[s->len] = 0;
	return out;
}

/* test_parse - every row of parse_cases */
static void
test_parse(void **state)
{
	const struct parse_case *c;
	struct mda_msg m;
	size_t i, len;

	(void)state;
	for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		c = &parse_cases[i];
		len = c->len ? c->len : strlen(c->in);
		print_message("# %s\n", c->name);
		mda_hdr_parse(c->in, len, c->hops, &m);
		assert_int_equal(m.from_len, c->from_len);
		assert_int_equal(m.crlf, c->crlf);
		assert_int_equal(m.have_sender, c->sender != TEST_NO);
		if (c->sender != TEST_NO)
			assert_string_equal(test_span(c->in, &m.sender),
			    c->sender);
		assert_int_equal(m.have_client, c->ip != TEST_NO);
		if (c->ip != TEST_NO) {
			assert_string_equal(test_span(c->in, &m.ip), c->ip);
			assert_string_equal(test_span(c->in, &m.helo),
			    c->helo);
		}
		if (c->why == TEST_NO)
			assert_null(m.why);
		else
			assert_string_equal(m.why, c->why);
	}
}

/* Where the header block ends. */
struct end_case {
	const char     *name;
	const char     *in;
	int		eof;
	size_t		max;
	enum mda_end	want;
	size_t		end;
};

static const struct end_case end_cases[] = {
	{"LF", "A: 1\nB: 2\n\nbody", 0, 100, MDA_END_DONE, 11},
	{"CRLF", "A: 1\r\n\r\nbody", 0, 100, MDA_END_DONE, 8},
	{"empty first line", "\nbody", 0, 100, MDA_END_DONE, 1},
	{"more", "A: 1\nB: 2\n", 0, 100, MDA_END_MORE, 0},
	{"lone CR at the end", "A: 1\n\r", 0, 100, MDA_END_MORE, 0},
	{"lone CR at EOF", "A: 1\n\r", 1, 100, MDA_END_DONE, 6},
	{"partial line", "A: 1\nB: 2", 0, 100, MDA_END_MORE, 0},
	{"EOF without end", "A: 1\nB: 2", 1, 100, MDA_END_DONE, 9},
	{"EOF empty", "", 1, 100, MDA_END_DONE, 0},
	{"too big", "A: 123456789\nB: 2\n", 0, 10, MDA_END_TOOBIG, 0},
	{"end beyond max", "A: 123456789\n\nx", 0, 10, MDA_END_TOOBIG, 14},
	{"too big at EOF", "A: 123456789\n", 1, 10, MDA_END_TOOBIG, 0},
	{"From_ line", "From x  date\nA: 1\n\n", 0, 100, MDA_END_DONE, 19},
	{"bare CR is no end", "A: 1\n\rB: 2\n\n", 0, 100, MDA_END_DONE, 12},
};

/* test_end - every row of end_cases */
static void
test_end(void **state)
{
	const struct end_case *c;
	size_t i, end;

	(void)state;
	for (i = 0; i < sizeof(end_cases) / sizeof(end_cases[0]); i++) {
		c = &end_cases[i];
		print_message("# %s\n", c->name);
		assert_int_equal(mda_hdr_end(c->in, strlen(c->in), c->eof,
		    c->max, &end), c->want);
		if (c->want != MDA_END_MORE)
			assert_int_equal(end, c->end);
	}
}

/* test_sink - a writer into a buf */
static int
test_sink(void *arg, const char *p, size_t n)
{
	return buf_append(arg, p, n);
}

/* Header lines after the From_ line, with the message's line end. */
struct pass_case {
	const char     *name;
	const char     *in;
	const char     *want;
};

static const struct pass_case pass_cases[] = {
	{"LF", "A: 1\n\nb", "X: y\nA: 1\n\nb"},
	{"CRLF", "A: 1\r\n\r\nb", "X: y\r\nA: 1\r\n\r\nb"},
	{"From_", "From a  d\nA: 1\n", "From a  d\nX: y\nA: 1\n"},
	{"From_ alone", "From a  d", "From a  dX: y\n"},
	{"empty", "", "X: y\n"},
};

/* test_pass - mda_hdr_line and mda_pass_head */
static void
test_pass(void **state)
{
	const struct pass_case *c;
	struct mda_msg m;
	struct buf hdrs, out;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(pass_cases) / sizeof(pass_cases[0]); i++) {
		c = &pass_cases[i];
		print_message("# %s\n", c->name);
		buf_init(&hdrs, TEST_MAX_OUT);
		buf_init(&out, TEST_MAX_OUT);
		mda_hdr_parse(c->in, strlen(c->in), 0, &m);
		assert_int_equal(mda_hdr_line(&hdrs, "X: y", m.crlf), 0);
		assert_int_equal(mda_pass_head(c->in, strlen(c->in), &m,
		    &hdrs, test_sink, &out), 0);
		assert_string_equal(out.data, c->want);
		buf_free(&hdrs);
		buf_free(&out);
	}
	/* line ends inside a header value never make two lines */
	buf_init(&hdrs, TEST_MAX_OUT);
	mda_hdr_line(&hdrs, "A: b\r\nC: d", 0);
	assert_string_equal(hdrs.data, "A: b  C: d\n");
	buf_free(&hdrs);
}

/* One merge of system and user text. */
struct merge_case {
	const char     *name;
	const char     *sys;
	const char     *user;
	const char     *want;
};

static const struct merge_case merge_cases[] = {
	{"user wins", "test_a = yes\ntest_mx = yes\n", "test_a = no\n",
	    "test_mx = yes\ntest_a = no\n"},
	{"continuation dropped", "exempt_networks = 10.0.0.0/8\n"
	    "  192.168.0.0/16\ntest_a = yes\n", "exempt_networks =\n",
	    "test_a = yes\nexempt_networks =\n"},
	{"comments kept, those inside a dropped setting dropped",
	    "# c\ntest_a=yes\n# d\n", "test_a = no", "# c\ntest_a = no"},
	{"a continuation after a comment stays with its setting",
	    "exempt_networks = 198.51.100.0/24\ndns_forwarders = 192.0.2.99\n"
	    "# a second forwarder\n    192.0.2.53\n",
	    "dns_forwarders = 127.0.0.1\n",
	    "exempt_networks = 198.51.100.0/24\ndns_forwarders = 127.0.0.1\n"},
	{"no final newline", "test_a = yes", "test_mx = no\n",
	    "test_a = yes\ntest_mx = no\n"},
	{"empty system", "", "test_a = no\n", "test_a = no\n"},
	{"prefix is no match", "test_a_x = 1\n", "test_a = no\n",
	    "test_a_x = 1\ntest_a = no\n"},
};

static const char merge_sys[] = "test_a = yes\nprocmail_trusted_hops = 2\n";
static const char merge_user[] = "procmail_trusted_hops = 0\n";

/* test_merge - every row of merge_cases, and the result parses */
static void
test_merge(void **state)
{
	const struct merge_case *c;
	struct buf out;
	struct conf *conf;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(merge_cases) / sizeof(merge_cases[0]); i++) {
		c = &merge_cases[i];
		print_message("# %s\n", c->name);
		buf_init(&out, TEST_MAX_OUT);
		assert_int_equal(mda_conf_merge(c->sys, strlen(c->sys),
		    c->user, strlen(c->user), &out), 0);
		assert_string_equal(out.data, c->want);
		buf_free(&out);
	}
	buf_init(&out, TEST_MAX_OUT);
	mda_conf_merge(merge_sys, strlen(merge_sys), merge_user,
	    strlen(merge_user), &out);
	conf = conf_parse(out.data, out.len, "merged", NULL);
	assert_non_null(conf);
	assert_int_equal(conf->procmail_trusted_hops, 0);
	assert_int_equal(conf->test_a, 1);
	conf_free(conf);
	buf_free(&out);
	/* a full buffer is refused */
	buf_init(&out, 4);
	assert_int_equal(mda_conf_merge("test_a = yes\n", 13, "", 0, &out),
	    -1);
	buf_free(&out);
}

/* main - the group */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_end),
		cmocka_unit_test(test_pass),
		cmocka_unit_test(test_merge),
	};

	return cmocka_run_group_tests_name("mda", tests, NULL, NULL);
}
