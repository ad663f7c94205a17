/*
 * NAME
 *	test_policy_reply 1
 * SUMMARY
 *	Postfix policy replies, actions, text sanitising and log lines
 * DESCRIPTION
 *	Table-driven: reply_cases covers each action helper and the reply
 *	formatter, with the refusals (CR, LF, control characters, invalid
 *	UTF-8, wrong code class, disconnect codes); length_cases the length
 *	limits at their edges; log_cases the log line of parsed requests.
 *	A refusal must leave the output buffer as it was.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "policy/policy.h"
#include "util/buf.h"

enum reply_kind {
	R_FORMAT,		/* policy_format_reply(a) */
	R_DUNNO,		/* policy_action_dunno() */
	R_REJECT,		/* policy_action_reject(code, a, b) */
	R_DEFER,		/* policy_action_defer(code, a, b) */
	R_DIP,			/* policy_action_defer_if_permit(a, b) */
	R_PREPEND,		/* policy_action_prepend(a, b) */
	R_SANITIZE,		/* policy_text_sanitize(a, strlen, code, 0) */
	R_SANITIZE_UTF8,	/* ... POLICY_TEXT_UTF8 */
};

struct reply_case {
	const char     *what;
	enum reply_kind	kind;
	int		code;	/* reply code; max for R_SANITIZE */
	const char     *a;
	const char     *b;
	int		ret;
	const char     *out;	/* NULL when refused */
};

static const struct reply_case reply_cases[] = {
	{"dunno", R_DUNNO, 0, NULL, NULL, 0, "DUNNO"},
	{"reply", R_FORMAT, 0, "DUNNO", NULL, 0, "action=DUNNO\n\n"},
	{"reply with text", R_FORMAT, 0, "550 5.7.23 SPF fail", NULL, 0,
	 "action=550 5.7.23 SPF fail\n\n"},
	{"reply with tab", R_FORMAT, 0, "WARN a\tb", NULL, 0,
	 "action=WARN a\tb\n\n"},
	{"reply in utf-8", R_FORMAT, 0, "PREPEND X-A: caf\xc3\xa9 \xe2\x82\xac",
	 NULL, 0, "action=PREPEND X-A: caf\xc3\xa9 \xe2\x82\xac\n\n"},
	{"empty reply", R_FORMAT, 0, "", NULL, -1, NULL},
	{"reply with lf", R_FORMAT, 0, "DUNNO\naction=OK", NULL, -1, NULL},
	{"reply with cr", R_FORMAT, 0, "REJECT a\rb", NULL, -1, NULL},
	{"reply ending in lf", R_FORMAT, 0, "DUNNO\n", NULL, -1, NULL},
	{"reply with a control", R_FORMAT, 0, "REJECT \x1b[1m", NULL, -1, NULL},
	{"reply with del", R_FORMAT, 0, "REJECT \x7f", NULL, -1, NULL},
	{"reply with a c1 control", R_FORMAT, 0, "REJECT \xc2\x85", NULL, -1,
	 NULL},
	{"reply not utf-8", R_FORMAT, 0, "REJECT \xff", NULL, -1, NULL},
	{"reply with an overlong form", R_FORMAT, 0, "REJECT \xc0\xaf", NULL,
	 -1, NULL},
	{"reply with a surrogate", R_FORMAT, 0, "REJECT \xed\xa0\x80", NULL,
	 -1, NULL},
	{"reply past U+10FFFF", R_FORMAT, 0, "REJECT \xf4\x90\x80\x80", NULL,
	 -1, NULL},
	{"reply with a cut character", R_FORMAT, 0, "REJECT \xe2\x82", NULL,
	 -1, NULL},

	{"reject, rfc 7372", R_REJECT, 550, "5.7.23", "SPF fail", 0,
	 "550 5.7.23 SPF fail"},
	{"reject, 554", R_REJECT, 554, "5.7.1", "go away", 0,
	 "554 5.7.1 go away"},
	{"reject text with cr lf", R_REJECT, 550, "5.7.23",
	 "a\r\nb", 0, "550 5.7.23 a??b"},
	{"reject text with tab and controls", R_REJECT, 550,
	 "5.7.23", "a\tb\x01\x7f", 0, "550 5.7.23 a b??"},
	{"reject text in utf-8 becomes ascii", R_REJECT, 550, "5.7.23",
	 "caf\xc3\xa9 \xff", 0, "550 5.7.23 caf? ?"},
	{"reject text may look like a code", R_REJECT, 550, "5.7.23",
	 "5.1.1 x", 0, "550 5.7.23 5.1.1 x"},
	{"reject with a 4xx code", R_REJECT, 450, "5.7.23", "x", -1, NULL},
	{"reject with 521", R_REJECT, 521, "5.7.23", "x", -1, NULL},
	{"reject with 5000", R_REJECT, 5000, "5.7.23", "x", -1, NULL},
	{"reject with a class 4 code", R_REJECT, 550, "4.7.23", "x", -1,
	 NULL},
	{"reject with a short code", R_REJECT, 550, "5.7", "x", -1, NULL},
	{"reject with a long detail", R_REJECT, 550, "5.7.2300", "x", -1,
	 NULL},
	{"reject with junk after the code", R_REJECT, 550, "5.7.23 x", "x", -1,
	 NULL},
	{"reject without a code", R_REJECT, 550, NULL, "x", -1, NULL},
	{"reject without text", R_REJECT, 550, "5.7.23", NULL, -1, NULL},
	{"reject with empty text", R_REJECT, 550, "5.7.23", "", -1, NULL},

	{"defer, rfc 7372", R_DEFER, 450, "4.7.24", "SPF temperror", 0,
	 "450 4.7.24 SPF temperror"},
	{"defer, 451", R_DEFER, 451, "4.4.3", "DNS timeout", 0,
	 "451 4.4.3 DNS timeout"},
	{"defer with 421", R_DEFER, 421, "4.7.24", "x", -1, NULL},
	{"defer with a 5xx code", R_DEFER, 550, "4.7.24", "x", -1, NULL},
	{"defer with a class 5 code", R_DEFER, 450, "5.7.24", "x", -1, NULL},

	{"defer_if_permit", R_DIP, 0, NULL, "SPF temperror", 0,
	 "DEFER_IF_PERMIT SPF temperror"},
	{"defer_if_permit with a code", R_DIP, 0, "4.7.24", "SPF temperror",
	 0, "DEFER_IF_PERMIT 4.7.24 SPF temperror"},
	{"defer_if_permit text looking like a code", R_DIP, 0, NULL,
	 "4.1.1 x", -1, NULL},
	{"defer_if_permit text that is only a code", R_DIP, 0, NULL, "4.1.1",
	 -1, NULL},
	{"defer_if_permit text starting with digits", R_DIP, 0, NULL,
	 "4.1.1x y", 0, "DEFER_IF_PERMIT 4.1.1x y"},
	{"defer_if_permit with a class 5 code", R_DIP, 0, "5.7.1", "x", -1,
	 NULL},
	{"defer_if_permit without text", R_DIP, 0, "4.7.1", NULL, -1, NULL},

	{"prepend", R_PREPEND, 0, "Received-SPF",
	 "pass (mx.example.org: domain of a@example.com designates "
	 "192.0.2.9 as permitted sender) client-ip=192.0.2.9;", 0,
	 "PREPEND Received-SPF: pass (mx.example.org: domain of "
	 "a@example.com designates 192.0.2.9 as permitted sender) "
	 "client-ip=192.0.2.9;"},
	{"prepend with tab and utf-8", R_PREPEND, 0, "X-A", "a\tb \xc3\xa9",
	 0, "PREPEND X-A: a\tb \xc3\xa9"},
	{"prepend an empty value", R_PREPEND, 0, "X-A", "", 0,
	 "PREPEND X-A: "},
	{"prepend a value with cr lf", R_PREPEND, 0, "X-A", "a\r\n b", -1,
	 NULL},
	{"prepend a value with lf", R_PREPEND, 0, "X-A", "a\nX-B: b", -1,
	 NULL},
	{"prepend a value with a control", R_PREPEND, 0, "X-A", "a\x08", -1,
	 NULL},
	{"prepend a value not utf-8", R_PREPEND, 0, "X-A", "a\xe9", -1, NULL},
	{"prepend a name with ':'", R_PREPEND, 0, "X-A:", "b", -1, NULL},
	{"prepend a name with a space", R_PREPEND, 0, "X A", "b", -1, NULL},
	{"prepend a name with 8-bit", R_PREPEND, 0, "X-\xc3\xa9", "b", -1,
	 NULL},
	{"prepend an empty name", R_PREPEND, 0, "", "b", -1, NULL},

	{"sanitize controls", R_SANITIZE, 100, "a\x01\tb\r\n\x7f", NULL, 0,
	 "a? b???"},
	{"sanitize non-ascii", R_SANITIZE, 100, "caf\xc3\xa9\xff", NULL, 0,
	 "caf??"},
	{"sanitize keeps utf-8", R_SANITIZE_UTF8, 100,
	 "caf\xc3\xa9 \xf0\x9f\x93\xa7", NULL, 0,
	 "caf\xc3\xa9 \xf0\x9f\x93\xa7"},
	{"sanitize utf-8: bad bytes and c1", R_SANITIZE_UTF8, 100,
	 "a\xff\xc2\x85\xc3", NULL, 0, "a???"},
	{"sanitize cuts at max", R_SANITIZE, 3, "abcdef", NULL, 1, "abc"},
	{"sanitize fits max exactly", R_SANITIZE, 6, "abcdef", NULL, 0,
	 "abcdef"},
	{"sanitize never cuts a character", R_SANITIZE_UTF8, 4,
	 "ab\xe2\x82\xac", NULL, 1, "ab"},
	{"sanitize max 0", R_SANITIZE, 0, "a", NULL, 1, ""},
};

/* run_reply - one row's call */
static int
run_reply(const struct reply_case *c, struct buf *out)
{
	switch (c->kind) {
	case R_FORMAT:
		return policy_format_reply(out, c->a);
	case R_DUNNO:
		return policy_action_dunno(out);
	case R_REJECT:
		return policy_action_reject(out, c->code, c->a, c->b);
	case R_DEFER:
		return policy_action_defer(out, c->code, c->a, c->b);
	case R_DIP:
		return policy_action_defer_if_permit(out, c->a, c->b);
	case R_PREPEND:
		return policy_action_prepend(out, c->a, c->b);
	case R_SANITIZE:
		return policy_text_sanitize(out, c->a, strlen(c->a),
		    (size_t)c->code, 0);
	case R_SANITIZE_UTF8:
		return policy_text_sanitize(out, c->a, strlen(c->a),
		    (size_t)c->code, POLICY_TEXT_UTF8);
	}
	return -2;
}

/* test_reply_table - walk reply_cases; output appends after a prefix */
static void
test_reply_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(reply_cases) / sizeof(*reply_cases); i++) {
		const struct reply_case *c = &reply_cases[i];
		struct buf out;
		int ret;

		buf_init(&out, 2 * POLICY_MAX_ACTION);
		buf_puts(&out, "[");
		ret = run_reply(c, &out);
		if (ret != c->ret)
			fail_msg("%s: returned %d, want %d", c->what, ret,
			    c->ret);
		if (c->out == NULL) {
			if (strcmp(out.data, "[") != 0)
				fail_msg("%s: refused but wrote '%s'", c->what,
				    out.data);
		} else if (strcmp(out.data + 1, c->out) != 0)
			fail_msg("%s: '%s', want '%s'", c->what, out.data + 1,
			    c->out);
		/* and every action it made is one Postfix will take */
		if (c->ret == 0 && c->kind != R_FORMAT &&
		    c->kind != R_SANITIZE && c->kind != R_SANITIZE_UTF8) {
			struct buf reply;

			buf_init(&reply, 2 * POLICY_MAX_ACTION);
			assert_int_equal(policy_format_reply(&reply,
			    out.data + 1), 0);
			buf_free(&reply);
		}
		assert_false(out.overflow);
		buf_free(&out);
	}
}

/* The length limits, at their edges. */
static const struct {
	const char     *what;
	enum reply_kind	kind;
	size_t		len;	/* generated text length */
	size_t		nlen;	/* header name length (R_PREPEND) */
	int		ret;
} length_cases[] = {
	{"action at its limit", R_FORMAT, POLICY_MAX_ACTION, 0, 0},
	{"action over its limit", R_FORMAT, POLICY_MAX_ACTION + 1, 0, -1},
	{"reject text at its limit", R_REJECT, POLICY_MAX_TEXT, 0, 0},
	{"reject text over its limit", R_REJECT, POLICY_MAX_TEXT + 1, 0, -1},
	{"defer_if_permit text over its limit", R_DIP, POLICY_MAX_TEXT + 1, 0,
	 -1},
	{"header at 998", R_PREPEND, POLICY_MAX_HEADER - 12 - 2, 12, 0},
	{"header at 999", R_PREPEND, POLICY_MAX_HEADER - 12 - 1, 12, -1},
	{"header name alone at 997", R_PREPEND, 0, POLICY_MAX_HEADER - 1,
	 -1},
	{"header name at 996, empty value", R_PREPEND, 0,
	 POLICY_MAX_HEADER - 2, 0},
};

/* test_lengths - walk length_cases */
static void
test_lengths(void **state)
{
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(length_cases) / sizeof(*length_cases); i++) {
		struct buf text, name, out;
		int ret = -2;

		buf_init(&text, 2 * POLICY_MAX_ACTION);
		buf_init(&name, 2 * POLICY_MAX_ACTION);
		buf_init(&out, 4 * POLICY_MAX_ACTION);
		buf_puts(&text, "");
		buf_puts(&name, "");
		for (j = 0; j < length_cases[i].len; j++)
			buf_putc(&text, 'a' + (int)(j % 26));
		for (j = 0; j < length_cases[i].nlen; j++)
			buf_putc(&name, 'A' + (int)(j % 26));
		switch (length_cases[i].kind) {
		case R_FORMAT:
			ret = policy_format_reply(&out, text.data);
			break;
		case R_REJECT:
			ret = policy_action_reject(&out, 550, "5.7.23",
			    text.data);
			break;
		case R_DIP:
			ret = policy_action_defer_if_permit(&out, NULL,
			    text.data);
			break;
		case R_PREPEND:
			ret = policy_action_prepend(&out, name.data, text.data);
			if (ret == 0)
				assert_int_equal(out.len - strlen("PREPEND "),
				    length_cases[i].nlen + 2 +
				    length_cases[i].len);
			break;
		default:
			fail();
		}
		if (ret != length_cases[i].ret)
			fail_msg("%s: returned %d", length_cases[i].what, ret);
		if (ret < 0)
			assert_int_equal(out.len, 0);
		buf_free(&text);
		buf_free(&name);
		buf_free(&out);
	}
}

/* test_no_room - a full output buffer: refused, untouched, no overflow */
static void
test_no_room(void **state)
{
	struct buf out;

	(void)state;
	buf_init(&out, 12);
	buf_puts(&out, "0123456789");
	assert_int_equal(policy_format_reply(&out, "DUNNO"), -1);
	assert_int_equal(policy_action_reject(&out, 550, "5.7.23", "x"), -1);
	assert_int_equal(policy_action_prepend(&out, "X-A", "b"), -1);
	assert_int_equal(policy_text_sanitize(&out, "abc", 3, 3, 0), -1);
	assert_int_equal(policy_text_sanitize(&out, "ab", 2, 2, 0), 0);
	assert_string_equal(out.data, "0123456789ab");
	assert_false(out.overflow);
	buf_free(&out);
}

#define LOG_LONG \
	"h234567890123456789012345678901234567890123456789012345678901234" \
	"h234567890123456789012345678901234567890123456789012345678901234" \
	"h234567890123456789012345678901234567890123456789012345678901234" \
	"h234567890123456789012345678901234567890123456789012345678901234"

/* Log lines of parsed requests. */
static const struct {
	const char     *what;
	const char     *in;	/* the request's attributes, without request= */
	const char     *out;
} log_cases[] = {
	{"full",
	 "client_address=192.0.2.9\nhelo_name=mail.example.com\n"
	 "sender=alice@example.com\nrecipient=bob@example.org\n"
	 "queue_id=4Bx1Lk0Y8Gz9v\nccert_subject=secret\n"
	 "sasl_username=carol\n",
	 "queue_id=4Bx1Lk0Y8Gz9v client=192.0.2.9 helo=mail.example.com "
	 "sender=<alice@example.com> rcpt=<bob@example.org>"},
	{"before a queue id, null sender, ipv6",
	 "client_address=2001:db8::25\nhelo_name=[IPv6:2001:db8::25]\n"
	 "sender=\nrecipient=bob@example.org\nqueue_id=\n",
	 "queue_id=NOQUEUE client=2001:db8::25 helo=[IPv6:2001:db8::25] "
	 "sender=<> rcpt=<bob@example.org>"},
	{"nothing sent", "",
	 "queue_id=NOQUEUE client= helo= sender=<> rcpt=<>"},
	{"control bytes and bad utf-8 are masked",
	 "client_address=192.0.2.9\nhelo_name=a\x01\x1b[31mb\r\xff\n"
	 "sender=j\xc3\xb6rg@example.com\nrecipient=x\ty@example.org\n",
	 "queue_id=NOQUEUE client=192.0.2.9 helo=a??[31mb?? "
	 "sender=<j\xc3\xb6rg@example.com> rcpt=\"<x y@example.org>\""},
	{"a value cannot pose as another key",
	 "client_address=192.0.2.9\nhelo_name=x spf_mailfrom=pass "
	 "action=accept\nsender=a\"b\\c@example.com\n"
	 "recipient=r@example.org> x=<y\n",
	 "queue_id=NOQUEUE client=192.0.2.9 "
	 "helo=\"x spf_mailfrom=pass action=accept\" "
	 "sender=\"<a\\\"b\\\\c@example.com>\" "
	 "rcpt=\"<r@example.org> x=<y>\""},
	{"long values are cut",
	 "client_address=192.0.2.9\nhelo_name=" LOG_LONG "x\n",
	 "queue_id=NOQUEUE client=192.0.2.9 helo=" LOG_LONG
	 "... sender=<> rcpt=<>"},
	{"a value at the cut is whole",
	 "client_address=192.0.2.9\nhelo_name=" LOG_LONG "\n",
	 "queue_id=NOQUEUE client=192.0.2.9 helo=" LOG_LONG
	 " sender=<> rcpt=<>"},
};

/* test_log_table - walk log_cases through the parser and the formatter */
static void
test_log_table(void **state)
{
	size_t i, used;

	(void)state;
	for (i = 0; i < sizeof(log_cases) / sizeof(*log_cases); i++) {
		struct policy_parser *p = policy_parser_new(NULL);
		struct buf in, out;

		buf_init(&in, POLICY_MAX_REQUEST);
		buf_init(&out, 4096);
		buf_printf(&in, "request=%s\n%s\n", POLICY_REQUEST_TYPE,
		    log_cases[i].in);
		assert_int_equal(policy_parser_feed(p, in.data, in.len, &used),
		    POLICY_REQUEST);
		assert_int_equal(policy_request_format(
		    policy_parser_request(p), &out), 0);
		if (strcmp(out.data, log_cases[i].out) != 0)
			fail_msg("%s:\n got '%s'\nwant '%s'", log_cases[i].what,
			    out.data, log_cases[i].out);
		/* too little room: refused, nothing written */
		buf_free(&out);
		buf_init(&out, 10);
		assert_int_equal(policy_request_format(
		    policy_parser_request(p), &out), -1);
		assert_int_equal(out.len, 0);
		buf_free(&in);
		buf_free(&out);
		policy_parser_free(p);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reply_table),
		cmocka_unit_test(test_lengths),
		cmocka_unit_test(test_no_room),
		cmocka_unit_test(test_log_table),
	};

	return cmocka_run_group_tests_name("policy_reply", tests, NULL, NULL);
}
