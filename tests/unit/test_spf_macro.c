/* test_spf_macro - RFC 7208 section 7 macro expansion, table-driven */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "spf/spf_int.h"
#include "util/buf.h"

struct macro_case {
	const char     *in;
	const char     *ip;
	unsigned	flags;
	enum spf_macro_status st;
	const char     *out;
};

/* RFC 7208 7.4 examples: sender strong-bad@email.example.com */
static const struct macro_case macro_cases[] = {
	{"%{s}", "192.0.2.3", 0, SPF_MACRO_OK, "strong-bad@email.example.com"},
	{"%{o}", "192.0.2.3", 0, SPF_MACRO_OK, "email.example.com"},
	{"%{d}", "192.0.2.3", 0, SPF_MACRO_OK, "email.example.com"},
	{"%{d4}", "192.0.2.3", 0, SPF_MACRO_OK, "email.example.com"},
	{"%{d3}", "192.0.2.3", 0, SPF_MACRO_OK, "email.example.com"},
	{"%{d2}", "192.0.2.3", 0, SPF_MACRO_OK, "example.com"},
	{"%{d1}", "192.0.2.3", 0, SPF_MACRO_OK, "com"},
	{"%{dr}", "192.0.2.3", 0, SPF_MACRO_OK, "com.example.email"},
	{"%{d2r}", "192.0.2.3", 0, SPF_MACRO_OK, "example.email"},
	{"%{l}", "192.0.2.3", 0, SPF_MACRO_OK, "strong-bad"},
	{"%{l-}", "192.0.2.3", 0, SPF_MACRO_OK, "strong.bad"},
	{"%{lr}", "192.0.2.3", 0, SPF_MACRO_OK, "strong-bad"},
	{"%{lr-}", "192.0.2.3", 0, SPF_MACRO_OK, "bad.strong"},
	{"%{l1r-}", "192.0.2.3", 0, SPF_MACRO_OK, "strong"},
	{"%{ir}.%{v}._spf.%{d2}", "192.0.2.3", 0, SPF_MACRO_OK,
	 "3.2.0.192.in-addr._spf.example.com"},
	{"%{lr-}.lp._spf.%{d2}", "192.0.2.3", 0, SPF_MACRO_OK,
	 "bad.strong.lp._spf.example.com"},
	{"%{lr-}.lp.%{ir}.%{v}._spf.%{d2}", "192.0.2.3", 0, SPF_MACRO_OK,
	 "bad.strong.lp.3.2.0.192.in-addr._spf.example.com"},
	{"%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}", "192.0.2.3", 0, SPF_MACRO_OK,
	 "3.2.0.192.in-addr.strong.lp._spf.example.com"},
	{"%{d2}.trusted-domains.example.net", "192.0.2.3", 0, SPF_MACRO_OK,
	 "example.com.trusted-domains.example.net"},
	{"%{ir}.%{v}._spf.%{d2}", "2001:db8::cb01", 0, SPF_MACRO_OK,
	 "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2"
	 ".ip6._spf.example.com"},
	{"%{S}", "192.0.2.3", 0, SPF_MACRO_OK,
	 "strong-bad%40email.example.com"},
	{"%%%_%-", "192.0.2.3", 0, SPF_MACRO_OK, "% %20"},
	{"%{c}", "2001:DB8::CB01", SPF_MACRO_EXP, SPF_MACRO_OK,
	 "2001:db8::cb01"},
	{"%{r} %{t}", "192.0.2.3", SPF_MACRO_EXP, SPF_MACRO_OK,
	 "rx.example.org 1700000000"},
	{"%{h}", "192.0.2.3", 0, SPF_MACRO_OK, "mx.example.net"},
	{"%{d+}", "192.0.2.3", 0, SPF_MACRO_OK, "email.example.com"},
	{"%{l=-}", "192.0.2.3", 0, SPF_MACRO_OK, "strong.bad"},
	/* errors: c r t outside exp, bad letters, zero digit, bare % */
	{"%{c}", "192.0.2.3", 0, SPF_MACRO_SYNTAX, NULL},
	{"%{r}", "192.0.2.3", 0, SPF_MACRO_SYNTAX, NULL},
	{"%{t}", "192.0.2.3", 0, SPF_MACRO_SYNTAX, NULL},
	{"%{x}", "192.0.2.3", 0, SPF_MACRO_SYNTAX, NULL},
	{"%{d0}", "192.0.2.3", 0, SPF_MACRO_SYNTAX, NULL},
	{"%{d", "192.0.2.3", 0, SPF_MACRO_SYNTAX, NULL},
	{"%x", "192.0.2.3", 0, SPF_MACRO_SYNTAX, NULL},
	{"abc%", "192.0.2.3", 0, SPF_MACRO_SYNTAX, NULL},
	{"%{d2r!}", "192.0.2.3", 0, SPF_MACRO_SYNTAX, NULL},
	{"a b", "192.0.2.3", 0, SPF_MACRO_SYNTAX, NULL},
	{"a b", "192.0.2.3", SPF_MACRO_EXP, SPF_MACRO_OK, "a b"},
	{"%{p}", "192.0.2.3", 0, SPF_MACRO_NEED_P, NULL},
};

/* test_macro_table - walk the table */
static void
test_macro_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(macro_cases) / sizeof(*macro_cases); i++) {
		const struct macro_case *c = &macro_cases[i];
		struct spf_macro_ctx ctx;
		struct ipaddr ip;
		struct buf out;
		const char *err = NULL;
		enum spf_macro_status st;

		assert_int_equal(ipaddr_parse(c->ip, &ip), 0);
		memset(&ctx, 0, sizeof(ctx));
		ctx.sender = "strong-bad@email.example.com";
		ctx.local = "strong-bad";
		ctx.sdomain = "email.example.com";
		ctx.domain = "email.example.com";
		ctx.helo = "mx.example.net";
		ctx.receiver = "rx.example.org";
		ctx.ip = &ip;
		ctx.now = 1700000000;
		buf_init(&out, 4096);
		st = spf_macro_expand(&ctx, c->in, strlen(c->in), c->flags,
		    &out, &err);
		if (st != c->st)
			fail_msg("case %zu '%s': status %d, want %d (%s)", i,
			    c->in, (int)st, (int)c->st, err ? err : "");
		if (c->out != NULL && strcmp(out.data ? out.data : "",
		    c->out) != 0)
			fail_msg("case %zu '%s': got '%s', want '%s'", i, c->in,
			    out.data, c->out);
		buf_free(&out);
	}
}

/* test_macro_truncate - expanded names are cut to 253 from the left */
static void
test_macro_truncate(void **state)
{
	struct spf_macro_ctx ctx;
	struct ipaddr ip;
	struct buf out;
	const char *err;
	char longl[64];
	const char *spec = "%{l}.%{l}.%{l}.%{l}.%{l}.example.com";

	(void)state;
	memset(longl, 'a', 63);
	longl[63] = 0;
	ipaddr_parse("192.0.2.3", &ip);
	memset(&ctx, 0, sizeof(ctx));
	ctx.ip = &ip;
	ctx.local = longl;
	ctx.sender = ctx.sdomain = ctx.domain = ctx.helo = "example.com";
	buf_init(&out, 4096);
	assert_int_equal(spf_macro_expand(&ctx, spec, strlen(spec),
	    SPF_MACRO_DOMAIN, &out, &err), SPF_MACRO_OK);
	assert_true(out.len <= 253);
	assert_string_equal(out.data + out.len - 12, ".example.com");
	assert_int_equal(out.data[0], 'a');
	buf_free(&out);
}

/* test_macro_uses_p - %{p} detection, %% is not a macro */
static void
test_macro_uses_p(void **state)
{
	(void)state;
	assert_true(spf_macro_uses_p("x.%{p}.y", 8));
	assert_true(spf_macro_uses_p("%{P2}", 5));
	assert_false(spf_macro_uses_p("%%{p}", 5));
	assert_false(spf_macro_uses_p("%{d}", 4));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_macro_table),
		cmocka_unit_test(test_macro_truncate),
		cmocka_unit_test(test_macro_uses_p),
	};

	return cmocka_run_group_tests_name("spf_macro", tests, NULL, NULL);
}
