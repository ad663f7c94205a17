/*
 * NAME
 *	test_milter 1
 * SUMMARY
 *	the Milter codec: framing, decoders, replies, table-driven
 * DESCRIPTION
 *	Every row of parse_cases is parsed whole and as each of its
 *	prefixes: a prefix of a complete packet must say MILTER_MORE (or
 *	the same MILTER_ERR once the error is visible), the whole gives
 *	the row's status, command, data length and bytes used.  The
 *	decoders take packets as Postfix sends them (a negotiation with
 *	every flag, a CONNECT over IPv4, IPv6, a unix socket and of
 *	unknown family, macros) and refuse each malformed shape; what we
 *	put is compared to the exact bytes a libmilter peer reads.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "milter/milter.h"
#include "util/buf.h"

struct parse_case {
	const char     *name;
	const char     *in;
	size_t		len;
	enum milter_status status;
	int		cmd;
	size_t		dlen;
	size_t		used;
	const char     *why;
};

static const struct parse_case parse_cases[] = {
	{"a QUIT", "\0\0\0\1Q", 5, MILTER_OK, 'Q', 0, 5, NULL},
	{"a HELO", "\0\0\0\6Hmx.a\0", 10, MILTER_OK, 'H', 5, 10, NULL},
	{"a packet and the next", "\0\0\0\1A\0\0\0\1Q", 10, MILTER_OK, 'A',
	 0, 5, NULL},
	{"nothing yet", "", 0, MILTER_MORE, 0, 0, 0, NULL},
	{"half a length", "\0\0", 2, MILTER_MORE, 0, 0, 0, NULL},
	{"data to come", "\0\0\0\6Hmx", 7, MILTER_MORE, 0, 0, 0, NULL},
	{"length 0", "\0\0\0\0", 4, MILTER_ERR, 0, 0, 0, "length 0"},
	{"over the limit", "\0\4\0\2B", 5, MILTER_ERR, 0, 0, 0, "over"},
	{"the largest length", "\xff\xff\xff\xff", 4, MILTER_ERR, 0, 0, 0,
	 "over"},
};

/* test_milter_parse - each row, whole and cut */
static void
test_milter_parse(void **state)
{
	const struct parse_case *t;
	struct milter_packet p;
	const char *why;
	enum milter_status st;
	size_t i, k, used;

	(void)state;
	for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		t = &parse_cases[i];
		print_message("# %s\n", t->name);
		why = NULL;
		st = milter_parse(t->in, t->len, &p, &used, &why);
		assert_int_equal(st, t->status);
		if (st == MILTER_OK) {
			assert_int_equal(p.cmd, t->cmd);
			assert_int_equal(p.len, t->dlen);
			assert_int_equal(used, t->used);
			assert_ptr_equal(p.data, t->in + 5);
		}
		if (st == MILTER_ERR)
			assert_non_null(strstr(why, t->why));
		for (k = 0; k < t->len && st == MILTER_OK; k++)
			if (k < t->used)
				assert_int_equal(milter_parse(t->in, k, &p,
				    &used, &why), MILTER_MORE);
	}
}

/* pkt - a packet over bytes */
static struct milter_packet
pkt(int cmd, const char *data, size_t len)
{
	struct milter_packet p = {cmd, data, len};

	return p;
}

/* test_milter_decode - negotiation, connect, macros, strings, addresses */
static void
test_milter_decode(void **state)
{
	static const char neg[] = "\0\0\0\6\0\0\1\xff\0\x1f\xff\xff";
	static const char c4[] = "mail.example\0" "4\x61\xa8" "192.0.2.1";
	static const char c6[] = "[2001:db8::1]\0" "6\0\x19" "2001:db8::1";
	static const char cl[] = "localhost\0" "L\0\0" "/var/run/s";
	static const char cu[] = "unknown\0U";
	static const char mac[] = "Mi\0" "4AB12\0" "{auth_authen}\0" "joe";
	static const char strs[] = "<a@b.example>\0" "SIZE=10";
	struct milter_optneg o;
	struct milter_connect c;
	struct milter_packet p;
	const char *v[8], *a;
	size_t n;
	int cmd;

	(void)state;
	p = pkt('O', neg, 12);
	assert_int_equal(milter_get_optneg(&p, &o), 0);
	assert_int_equal(o.version, 6);
	assert_int_equal(o.actions, 0x1ff);
	assert_int_equal(o.protocol, 0x1fffff);
	p = pkt('O', neg, 11);
	assert_int_equal(milter_get_optneg(&p, &o), -1);

	p = pkt('C', c4, sizeof(c4));
	assert_int_equal(milter_get_connect(&p, &c), 0);
	assert_string_equal(c.host, "mail.example");
	assert_int_equal(c.family, '4');
	assert_int_equal(c.port, 25000);
	assert_string_equal(c.addr, "192.0.2.1");
	p = pkt('C', c6, sizeof(c6));
	assert_int_equal(milter_get_connect(&p, &c), 0);
	assert_int_equal(c.port, 25);
	assert_string_equal(c.addr, "2001:db8::1");
	p = pkt('C', cl, sizeof(cl));
	assert_int_equal(milter_get_connect(&p, &c), 0);
	assert_int_equal(c.family, 'L');
	p = pkt('C', cu, sizeof(cu) - 1);
	assert_int_equal(milter_get_connect(&p, &c), 0);
	assert_string_equal(c.addr, "");
	/* malformed: no family, unknown family, address unterminated,
	 * something after the address, no port */
	p = pkt('C', c4, 13);
	assert_int_equal(milter_get_connect(&p, &c), -1);
	p = pkt('C', "h\0X\0\0" "a", 7);
	assert_int_equal(milter_get_connect(&p, &c), -1);
	p = pkt('C', c4, sizeof(c4) - 1);
	assert_int_equal(milter_get_connect(&p, &c), -1);
	p = pkt('C', "h\0" "4\0\0" "a\0b", 9);
	assert_int_equal(milter_get_connect(&p, &c), -1);
	p = pkt('C', "h\0" "4\0", 4);
	assert_int_equal(milter_get_connect(&p, &c), -1);
	p = pkt('C', cu, sizeof(cu));	/* what follows 'U' is ignored */
	assert_int_equal(milter_get_connect(&p, &c), 0);

	p = pkt('D', mac, sizeof(mac));
	assert_int_equal(milter_get_macros(&p, &cmd, v, 8, &n), 0);
	assert_int_equal(cmd, 'M');
	assert_int_equal(n, 4);
	assert_string_equal(v[2], "{auth_authen}");
	assert_string_equal(v[3], "joe");
	p = pkt('D', mac, sizeof(mac) - 4);	/* a name without value */
	assert_int_equal(milter_get_macros(&p, &cmd, v, 8, &n), -1);
	p = pkt('D', mac, 0);
	assert_int_equal(milter_get_macros(&p, &cmd, v, 8, &n), -1);

	p = pkt('M', strs, sizeof(strs));
	assert_int_equal(milter_strings(&p, 0, v, 8, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(milter_strings(&p, 0, v, 1, &n), -1);
	p = pkt('M', strs, sizeof(strs) - 1);
	assert_int_equal(milter_strings(&p, 0, v, 8, &n), -1);
	p = pkt('M', strs, 0);
	assert_int_equal(milter_strings(&p, 0, v, 8, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(milter_strings(&p, 1, v, 8, &n), -1);

	assert_int_equal(milter_addr("<a@b.example>", &a), 11);
	assert_memory_equal(a, "a@b.example", 11);
	assert_int_equal(milter_addr("<>", &a), 0);
	assert_int_equal(milter_addr("a@b", &a), 3);
	assert_int_equal(milter_addr("<", &a), 1);
}

/* test_milter_authres - whose Authentication-Results is it? */
static void
test_milter_authres(void **state)
{
	static const struct {
		const char     *value;
		int		ours;
	} rows[] = {
		{"mx.example.net; spf=pass", 1},
		{"MX.Example.NET;spf=pass", 1},
		{" mx.example.net 1; spf=pass", 1},	/* a version */
		{"\n\tmx.example.net; spf=pass", 1},	/* folded */
		{"(c) mx.example.net; spf=pass", 1},
		{"(a (nested \\( ) one) mx.example.net(x); none", 1},
		{"\"mx.example.net\"; spf=pass", 1},
		{"\"mx.exa\\mple.net\"; none", 1},
		{"mx.example.net", 1},
		{"mx.example.net.evil; spf=pass", 0},
		{"mx.example.ne; spf=pass", 0},
		{"other.example; spf=pass smtp.mailfrom=mx.example.net", 0},
		{"\"mx.example.net.x\"; none", 0},
		{"\"mx.example.net", 0},
		{"(unterminated mx.example.net; spf=pass", 0},
		{"", 0},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		print_message("# %s\n", rows[i].value);
		assert_int_equal(milter_authres_ours(rows[i].value,
		    "mx.example.net"), rows[i].ours);
	}
	assert_int_equal(milter_authres_ours("x; none", ""), 0);
}

/* test_milter_put - the bytes a peer reads */
static void
test_milter_put(void **state)
{
	static const char *const sym[MILTER_STAGES] = {
		[MILTER_S_MAIL] = "i {auth_authen}",
	};
	struct milter_optneg o = {6, 0x111, 0x1f00};
	struct milter_packet p;
	const char *why;
	size_t used;
	struct buf b;

	(void)state;
	buf_init(&b, 1 << 20);
	assert_int_equal(milter_put(&b, 'c', NULL, 0), 0);
	assert_int_equal(b.len, 5);
	assert_memory_equal(b.data, "\0\0\0\1c", 5);

	buf_reset(&b);
	assert_int_equal(milter_put_optneg(&b, &o, sym), 0);
	assert_int_equal(b.len, 5 + 12 + 4 + 16);
	assert_memory_equal(b.data, "\0\0\0\x21O\0\0\0\6\0\0\1\x11\0\0\x1f\0"
	    "\0\0\0\2i {auth_authen}\0", b.len);
	buf_reset(&b);
	assert_int_equal(milter_put_optneg(&b, &o, NULL), 0);
	assert_int_equal(b.len, 17);

	buf_reset(&b);
	assert_int_equal(milter_put_reply(&b, 550, "5.7.23", "no"), 0);
	assert_memory_equal(b.data, "\0\0\0\017y550 5.7.23 no\0", b.len);
	buf_reset(&b);
	assert_int_equal(milter_put_reply(&b, 450, NULL, "later"), 0);
	assert_memory_equal(b.data, "\0\0\0\013y450 later\0", b.len);
	buf_reset(&b);
	assert_int_equal(milter_put_reply(&b, 550, NULL, "100% sure"), 0);
	assert_memory_equal(b.data, "\0\0\0\020y550 100%% sure\0", b.len);
	assert_int_equal(milter_put_reply(&b, 250, NULL, "ok"), -1);
	assert_int_equal(milter_put_reply(&b, 550, NULL, "a\r\nb"), -1);
	assert_int_equal(milter_put_reply(&b, 550, "5.7 1", "x"), -1);

	buf_reset(&b);
	assert_int_equal(milter_put_header(&b, 'i', 0, "Received-SPF",
	    "pass"), 0);
	assert_memory_equal(b.data, "\0\0\0\027i\0\0\0\0Received-SPF\0pass\0",
	    b.len);
	assert_int_equal(milter_parse(b.data, b.len, &p, &used, &why),
	    MILTER_OK);
	assert_int_equal(used, b.len);
	buf_reset(&b);
	assert_int_equal(milter_put_header(&b, 'm', 2, "X", ""), 0);
	assert_int_equal(b.len, 12);
	assert_memory_equal(b.data, "\0\0\0\010m\0\0\0\2X\0\0", b.len);
	assert_int_equal(milter_put_header(&b, 'h', 0, "X", "v"), -1);
	assert_int_equal(milter_put_header(&b, 'i', 0, "X:", "v"), -1);
	assert_int_equal(milter_put_header(&b, 'i', 0, "", "v"), -1);
	assert_int_equal(milter_put_header(&b, 'i', 0, "X", "a\rb"), -1);
	buf_free(&b);

	/* over the data limit: refused, nothing appended */
	buf_init(&b, 1 << 20);
	{
		char *big = calloc(1, MILTER_MAX_DATA + 1);

		assert_non_null(big);
		assert_int_equal(milter_put(&b, 'b', big, MILTER_MAX_DATA +
		    1), -1);
		assert_int_equal(b.len, 0);
		free(big);
	}
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_milter_parse),
		cmocka_unit_test(test_milter_decode),
		cmocka_unit_test(test_milter_authres),
		cmocka_unit_test(test_milter_put),
	};

	return cmocka_run_group_tests_name("milter", tests, NULL, NULL);
}
