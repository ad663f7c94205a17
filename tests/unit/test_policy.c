/*
 * NAME
 *	test_policy 1
 * SUMMARY
 *	Postfix policy request parser, table-driven
 * DESCRIPTION
 *	Every row of parse_cases is parsed whole, split in two at every
 *	byte boundary, and fed one byte at a time; all must give the same
 *	status, reason, bytes used and attributes.  The samples follow the
 *	attribute list and order of Postfix 3.7 and 3.8 (SMTPD_POLICY_README,
 *	smtpd_check.c).  Other groups: every named field, the limits at
 *	their edges, several requests on one connection, reset and the
 *	sticky error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "policy/policy.h"
#include "util/buf.h"

#define TEST_MAX_WANT	12
#define TEST_TRANSCRIPT	65536

/* A request as Postfix 3.7 sends it at RCPT time over TLS. */
#define REQ_FULL37 \
	"request=smtpd_access_policy\n" \
	"protocol_state=RCPT\n" \
	"protocol_name=ESMTP\n" \
	"client_address=192.0.2.9\n" \
	"client_name=mail.example.com\n" \
	"client_port=41234\n" \
	"reverse_client_name=mail.example.com\n" \
	"server_address=198.51.100.1\n" \
	"server_port=25\n" \
	"helo_name=mail.example.com\n" \
	"sender=alice@example.com\n" \
	"recipient=bob@example.org\n" \
	"recipient_count=0\n" \
	"queue_id=\n" \
	"instance=5e7a.64d2f0c1.8c3e5.0\n" \
	"size=1234\n" \
	"etrn_domain=\n" \
	"stress=\n" \
	"sasl_method=\n" \
	"sasl_username=\n" \
	"sasl_sender=\n" \
	"ccert_subject=\n" \
	"ccert_issuer=\n" \
	"ccert_fingerprint=\n" \
	"ccert_pubkey_fingerprint=\n" \
	"encryption_protocol=TLSv1.3\n" \
	"encryption_cipher=TLS_AES_256_GCM_SHA384\n" \
	"encryption_keysize=256\n" \
	"policy_context=\n" \
	"\n"

#define REQ_MIN "request=smtpd_access_policy\n\n"

/* Postfix 3.7, IPv6 client, authenticated, null sender, at MAIL. */
#define REQ_V6 \
	"request=smtpd_access_policy\n" \
	"protocol_state=MAIL\n" \
	"protocol_name=ESMTP\n" \
	"client_address=2001:db8::25\n" \
	"client_name=unknown\n" \
	"client_port=50000\n" \
	"reverse_client_name=unknown\n" \
	"server_address=2001:db8::1\n" \
	"server_port=587\n" \
	"helo_name=[IPv6:2001:db8::25]\n" \
	"sender=\n" \
	"recipient=\n" \
	"recipient_count=0\n" \
	"queue_id=\n" \
	"instance=5e7b.64d2f0c2.1.0\n" \
	"size=0\n" \
	"sasl_method=PLAIN\n" \
	"sasl_username=carol\n" \
	"sasl_sender=\n" \
	"policy_context=submission\n" \
	"\n"

struct want {
	const char     *name;
	const char     *value;	/* NULL: must be absent */
};

struct parse_case {
	const char     *what;
	const char     *in;
	size_t		len;	/* 0: strlen(in) */
	int		small;	/* the small limits below */
	enum policy_status st;
	const char     *err;
	size_t		used;	/* 0: all of the input */
	struct want	want[TEST_MAX_WANT];
};

static const struct policy_limits small_limits = {
	.request_bytes = 256,
	.line_bytes = 64,
	.value_bytes = 48,
	.attrs = 8,
};

static const struct parse_case parse_cases[] = {
	{"postfix 3.7 full", REQ_FULL37, 0, 0, POLICY_REQUEST, NULL, 0,
	 {{"request", "smtpd_access_policy"}, {"protocol_state", "RCPT"},
	  {"client_address", "192.0.2.9"}, {"helo_name", "mail.example.com"},
	  {"sender", "alice@example.com"}, {"recipient", "bob@example.org"},
	  {"queue_id", ""}, {"instance", "5e7a.64d2f0c1.8c3e5.0"},
	  {"encryption_cipher", "TLS_AES_256_GCM_SHA384"},
	  {"policy_context", ""}, {"mail_version", NULL},
	  {"compatibility_level", NULL}}},
	{"minimal", REQ_MIN, 0, 0, POLICY_REQUEST, NULL, 0,
	 {{"request", "smtpd_access_policy"}, {"sender", NULL},
	  {"helo_name", NULL}, {"client_address", NULL},
	  {"instance", NULL}}},
	{"ipv6 client, sasl, null sender", REQ_V6, 0, 0, POLICY_REQUEST,
	 NULL, 0,
	 {{"client_address", "2001:db8::25"},
	  {"server_address", "2001:db8::1"},
	  {"helo_name", "[IPv6:2001:db8::25]"}, {"sender", ""},
	  {"recipient", ""}, {"sasl_username", "carol"},
	  {"sasl_method", "PLAIN"}, {"policy_context", "submission"},
	  {"ccert_subject", NULL}}},
	{"null sender is empty, not absent",
	 "request=smtpd_access_policy\nsender=\n\n", 0, 0, POLICY_REQUEST,
	 NULL, 0, {{"sender", ""}, {"recipient", NULL}}},
	{"crlf line ends",
	 "request=smtpd_access_policy\r\nsender=a@example.com\r\n"
	 "helo_name=h\r\n\r\n", 0, 0, POLICY_REQUEST, NULL, 0,
	 {{"request", "smtpd_access_policy"}, {"sender", "a@example.com"},
	  {"helo_name", "h"}}},
	{"mixed lf and crlf",
	 "request=smtpd_access_policy\nsender=\r\nhelo_name=h\n\r\n", 0, 0,
	 POLICY_REQUEST, NULL, 0, {{"sender", ""}, {"helo_name", "h"}}},
	{"value holds '='",
	 "request=smtpd_access_policy\npolicy_context=a=b==c=\n\n", 0, 0,
	 POLICY_REQUEST, NULL, 0, {{"policy_context", "a=b==c="}}},
	{"cr inside a value is data",
	 "request=smtpd_access_policy\nhelo_name=a\rb\n\n", 0, 0,
	 POLICY_REQUEST, NULL, 0, {{"helo_name", "a\rb"}}},
	{"only the last cr before lf is dropped",
	 "request=smtpd_access_policy\nhelo_name=x\r\r\n\n", 0, 0,
	 POLICY_REQUEST, NULL, 0, {{"helo_name", "x\r"}}},
	{"control and 8-bit bytes in a value",
	 "request=smtpd_access_policy\nhelo_name=\x01\x1b[0m\xc3\xa9\xff\n\n",
	 0, 0, POLICY_REQUEST, NULL, 0,
	 {{"helo_name", "\x01\x1b[0m\xc3\xa9\xff"}}},
	{"repeated attribute: last wins",
	 "request=smtpd_access_policy\nsender=a@example.com\n"
	 "sender=b@example.com\nsender=c@example.com\n\n", 0, 0,
	 POLICY_REQUEST, NULL, 0, {{"sender", "c@example.com"}}},
	{"repeated empty after set: last wins",
	 "request=smtpd_access_policy\nsender=a@example.com\nsender=\n\n",
	 0, 0, POLICY_REQUEST, NULL, 0, {{"sender", ""}}},
	{"unknown attributes are kept, not fields",
	 "request=smtpd_access_policy\nx_future=1\nfoo bar=2\n\n", 0, 0,
	 POLICY_REQUEST, NULL, 0,
	 {{"x_future", "1"}, {"foo bar", "2"}, {"x_other", NULL}}},
	{"postfix 3.8 attributes",
	 "request=smtpd_access_policy\ncompatibility_level=3.6\n"
	 "mail_version=3.8.1\n\n", 0, 0, POLICY_REQUEST, NULL, 0,
	 {{"compatibility_level", "3.6"}, {"mail_version", "3.8.1"}}},
	{"request attribute anywhere",
	 "sender=s@example.com\nrequest=smtpd_access_policy\n\n", 0, 0,
	 POLICY_REQUEST, NULL, 0, {{"sender", "s@example.com"}}},
	{"bytes after the request are not consumed",
	 REQ_MIN "request=smtpd_access_policy\nsender=x\n", 0, 0,
	 POLICY_REQUEST, NULL, sizeof(REQ_MIN) - 1,
	 {{"request", "smtpd_access_policy"}, {"sender", NULL}}},
	{"incomplete request", "request=smtpd_access_policy\nsender=a", 0, 0,
	 POLICY_NEED_MORE, NULL, 0, {{NULL, NULL}}},
	{"incomplete after a cr", "request=smtpd_access_policy\r", 0, 0,
	 POLICY_NEED_MORE, NULL, 0, {{NULL, NULL}}},
	{"empty input", "", 0, 0, POLICY_NEED_MORE, NULL, 0, {{NULL, NULL}}},

	/* malformed */
	{"missing request=", "sender=a@example.com\n\n", 0, 0, POLICY_ERROR,
	 "not a policy request", 0, {{NULL, NULL}}},
	{"other request type",
	 "request=smtpd_other\nsender=a@example.com\n\n", 0, 0, POLICY_ERROR,
	 "not a policy request", 0, {{NULL, NULL}}},
	{"request type is case-sensitive",
	 "request=SMTPD_ACCESS_POLICY\n\n", 0, 0, POLICY_ERROR,
	 "not a policy request", 0, {{NULL, NULL}}},
	{"last request= wins, also when wrong",
	 "request=smtpd_access_policy\nrequest=junk\n\n", 0, 0, POLICY_ERROR,
	 "not a policy request", 0, {{NULL, NULL}}},
	{"empty request", "\n", 0, 0, POLICY_ERROR, "not a policy request", 0,
	 {{NULL, NULL}}},
	{"empty request, crlf", "\r\nrequest=smtpd_access_policy\n\n", 0, 0,
	 POLICY_ERROR, "not a policy request", 2, {{NULL, NULL}}},
	{"line without '='", "request=smtpd_access_policy\nsender\n\n", 0, 0,
	 POLICY_ERROR, "line without '='", 35, {{NULL, NULL}}},
	{"line without '=', crlf", "request=smtpd_access_policy\r\nhello\r\n",
	 0, 0, POLICY_ERROR, "line without '='", 0, {{NULL, NULL}}},
	{"http is not this protocol", "GET / HTTP/1.0\r\n\r\n", 0, 0,
	 POLICY_ERROR, "line without '='", 16, {{NULL, NULL}}},
	{"attribute without a name", "=smtpd_access_policy\n\n", 0, 0,
	 POLICY_ERROR, "attribute without a name", 1, {{NULL, NULL}}},
	{"nul in a value", "request=smtpd_access_policy\nsender=a\0b\n\n",
	 sizeof("request=smtpd_access_policy\nsender=a\0b\n\n") - 1, 0,
	 POLICY_ERROR, "NUL byte in request", 37, {{NULL, NULL}}},
	{"nul in a name", "request=smtpd_access_policy\nsen\0der=a\n\n",
	 sizeof("request=smtpd_access_policy\nsen\0der=a\n\n") - 1, 0,
	 POLICY_ERROR, "NUL byte in request", 32, {{NULL, NULL}}},
	{"nul at the start", "\0", 1, 0, POLICY_ERROR, "NUL byte in request",
	 1, {{NULL, NULL}}},
	{"tls client hello", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
	 0, 0, POLICY_ERROR, "binary junk in attribute name", 1,
	 {{NULL, NULL}}},
	{"8-bit name", "request=smtpd_access_policy\nsend\xe9r=a\n\n", 0, 0,
	 POLICY_ERROR, "binary junk in attribute name", 33, {{NULL, NULL}}},
	{"tab in a name", "request=smtpd_access_policy\nsend\ter=a\n\n", 0,
	 0, POLICY_ERROR, "binary junk in attribute name", 33,
	 {{NULL, NULL}}},
	{"cr not before lf in a name", "request=smtpd_access_policy\n\rx=1\n\n",
	 0, 0, POLICY_ERROR, "binary junk in attribute name", 30,
	 {{NULL, NULL}}},
	{"bare cr does not end a line",
	 "request=smtpd_access_policy\rsender=a\n\n", 0, 0, POLICY_ERROR,
	 "not a policy request", 0, {{NULL, NULL}}},

	/* limits (small_limits: request 256, line 64, value 48, attrs 8) */
	{"value at its limit",
	 "request=smtpd_access_policy\n"
	 "helo_name=123456789012345678901234567890123456789012345678\n\n", 0,
	 1, POLICY_REQUEST, NULL, 0,
	 {{"helo_name", "123456789012345678901234567890123456789012345678"}}},
	{"value at its limit, crlf",
	 "request=smtpd_access_policy\r\n"
	 "helo_name=123456789012345678901234567890123456789012345678\r\n\r\n",
	 0, 1, POLICY_REQUEST, NULL, 0,
	 {{"helo_name", "123456789012345678901234567890123456789012345678"}}},
	{"value over its limit",
	 "request=smtpd_access_policy\n"
	 "helo_name=1234567890123456789012345678901234567890123456789\n\n", 0,
	 1, POLICY_ERROR, "value over the value_bytes limit", 87,
	 {{NULL, NULL}}},
	{"value over its limit by a cr",
	 "request=smtpd_access_policy\n"
	 "helo_name=123456789012345678901234567890123456789012345678\rx\n\n",
	 0, 1, POLICY_ERROR, "value over the value_bytes limit", 88,
	 {{NULL, NULL}}},
	{"line at its limit",
	 "request=smtpd_access_policy\n"
	 "x_long_attribute_name_16=123456789012345678901234567890123456789\n"
	 "\n", 0, 1, POLICY_REQUEST, NULL, 0,
	 {{"x_long_attribute_name_16",
	   "123456789012345678901234567890123456789"}}},
	{"line over its limit",
	 "request=smtpd_access_policy\n"
	 "x_long_attribute_name_16=1234567890123456789012345678901234567890\n"
	 "\n", 0, 1, POLICY_ERROR, "line over the line_bytes limit", 93,
	 {{NULL, NULL}}},
	{"name alone over the line limit",
	 "request=smtpd_access_policy\n"
	 "x12345678901234567890123456789012345678901234567890123456789012345"
	 "=1\n\n", 0, 1, POLICY_ERROR, "line over the line_bytes limit", 93,
	 {{NULL, NULL}}},
	{"junk without lf stops at the line limit",
	 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	 0, 1, POLICY_ERROR, "line over the line_bytes limit", 65,
	 {{NULL, NULL}}},
	{"attributes at their limit",
	 "request=smtpd_access_policy\na=1\nb=2\nc=3\nd=4\ne=5\nf=6\ng=7\n\n",
	 0, 1, POLICY_REQUEST, NULL, 0, {{"g", "7"}, {"a", "1"}}},
	{"attributes over their limit",
	 "request=smtpd_access_policy\na=1\nb=2\nc=3\nd=4\ne=5\nf=6\ng=7\n"
	 "h=8\n\n", 0, 1, POLICY_ERROR, "attributes over the attrs limit", 58,
	 {{NULL, NULL}}},
	{"repeats count against the limit",
	 "request=smtpd_access_policy\nsender=\nsender=\nsender=\nsender=\n"
	 "sender=\nsender=\nsender=\nsender=\n\n", 0, 1, POLICY_ERROR,
	 "attributes over the attrs limit", 0, {{NULL, NULL}}},
	{"request at its limit",
	 "request=smtpd_access_policy\n"
	 "a=12345678901234567890123456789012345678901234\n"
	 "b=12345678901234567890123456789012345678901234\n"
	 "c=12345678901234567890123456789012345678901234\n"
	 "d=12345678901234567890123456789012345678901234\n"
	 "e=123456789012345678901234567890123456\n\n", 0, 1, POLICY_REQUEST,
	 NULL, 0, {{"e", "123456789012345678901234567890123456"}}},
	{"request over its limit",
	 "request=smtpd_access_policy\n"
	 "a=12345678901234567890123456789012345678901234\n"
	 "b=12345678901234567890123456789012345678901234\n"
	 "c=12345678901234567890123456789012345678901234\n"
	 "d=12345678901234567890123456789012345678901234\n"
	 "e=1234567890123456789012345678901234567\n\n", 0, 1, POLICY_ERROR,
	 "request over the request_bytes limit", 257, {{NULL, NULL}}},
	{"request over its limit at the final lf",
	 "request=smtpd_access_policy\n"
	 "a=12345678901234567890123456789012345678901234\n"
	 "b=12345678901234567890123456789012345678901234\n"
	 "c=12345678901234567890123456789012345678901234\n"
	 "d=12345678901234567890123456789012345678901234\n"
	 "e=12345678901234567890123456789012345\r\n\r\n", 0, 1, POLICY_ERROR,
	 "request over the request_bytes limit", 257, {{NULL, NULL}}},
};

/* The named fields, to check each against policy_request_get(). */
struct field {
	const char     *name;
	size_t		off;
};

#define FIELD(n) { #n, offsetof(struct policy_request, n) }

static const struct field fields[] = {
	FIELD(request), FIELD(protocol_state), FIELD(protocol_name),
	FIELD(helo_name), FIELD(queue_id), FIELD(sender), FIELD(recipient),
	FIELD(recipient_count), FIELD(client_address), FIELD(client_name),
	FIELD(reverse_client_name), FIELD(instance), FIELD(sasl_method),
	FIELD(sasl_username), FIELD(sasl_sender), FIELD(size),
	FIELD(ccert_subject), FIELD(ccert_issuer), FIELD(ccert_fingerprint),
	FIELD(encryption_protocol), FIELD(encryption_cipher),
	FIELD(encryption_keysize), FIELD(etrn_domain), FIELD(stress),
	FIELD(ccert_pubkey_fingerprint), FIELD(client_port),
	FIELD(policy_context), FIELD(server_address), FIELD(server_port),
	FIELD(compatibility_level), FIELD(mail_version),
};

#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

/* field_value - the named field called name, or "(no field)" */
static const char *
field_value(const struct policy_request *req, const char *name)
{
	size_t i;

	for (i = 0; i < NFIELDS; i++)
		if (strcmp(fields[i].name, name) == 0)
			return *(const char *const *)((const char *)req +
			    fields[i].off);
	return "(no field)";
}

/* transcript - the outcome of one parse, as text */
static void
transcript(struct buf *t, const struct policy_parser *p,
    enum policy_status st, size_t used)
{
	const struct policy_request *req = policy_parser_request(p);
	size_t i;

	buf_printf(t, "status %d used %zu pending %zu\n", (int)st, used,
	    policy_parser_pending(p));
	if (st == POLICY_ERROR)
		buf_printf(t, "error %s\n", policy_parser_error(p));
	if (req == NULL)
		return;
	buf_printf(t, "bytes %zu nattr %zu\n", req->bytes, req->nattr);
	for (i = 0; i < req->nattr; i++) {
		buf_printf(t, "attr %s=", req->attr[i].name);
		buf_append(t, req->attr[i].value, req->attr[i].value_len);
		buf_putc(t, '\n');
	}
	for (i = 0; i < NFIELDS; i++) {
		const char *v = field_value(req, fields[i].name);

		buf_printf(t, "field %s %s\n", fields[i].name,
		    v ? v : "(null)");
	}
}

/* parse_pieces - feed in pieces of at most step bytes (0: split at cut) */
static void
parse_pieces(const char *in, size_t len, const struct policy_limits *lim,
    size_t step, size_t cut, struct buf *t)
{
	struct policy_parser *p = policy_parser_new(lim);
	enum policy_status st = POLICY_NEED_MORE;
	size_t off = 0, used, total = 0, n;

	while (off < len || off == 0) {
		n = step ? step : (off < cut ? cut - off : len - off);
		if (n > len - off)
			n = len - off;
		st = policy_parser_feed(p, in + off, n, &used);
		assert_true(used <= n);
		total += used;
		if (st != POLICY_NEED_MORE)
			break;
		assert_int_equal(used, n);
		off += n;
		if (len == 0)
			break;
	}
	transcript(t, p, st, total);
	policy_parser_free(p);
}

/* check_wants - the row's expected attributes, by field and by name */
static void
check_wants(const struct parse_case *c, const struct policy_request *req)
{
	size_t i;

	for (i = 0; i < TEST_MAX_WANT && c->want[i].name != NULL; i++) {
		const struct want *w = &c->want[i];
		const char *got = policy_request_get(req, w->name);
		const char *field = field_value(req, w->name);

		if (w->value == NULL) {
			if (got != NULL)
				fail_msg("%s: %s is '%s', want absent",
				    c->what, w->name, got);
			if (field != NULL && strcmp(field, "(no field)") != 0)
				fail_msg("%s: field %s set", c->what, w->name);
			continue;
		}
		if (got == NULL || strcmp(got, w->value) != 0)
			fail_msg("%s: %s is '%s', want '%s'", c->what, w->name,
			    got ? got : "(null)", w->value);
		if (strcmp(field, "(no field)") != 0 &&
		    (field == NULL || strcmp(field, w->value) != 0))
			fail_msg("%s: field %s is '%s', want '%s'", c->what,
			    w->name, field ? field : "(null)", w->value);
	}
}

/* test_parse_table - walk parse_cases, whole and split */
static void
test_parse_table(void **state)
{
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof(parse_cases) / sizeof(*parse_cases); i++) {
		const struct parse_case *c = &parse_cases[i];
		const struct policy_limits *lim = c->small ? &small_limits :
		    NULL;
		size_t len = c->len ? c->len : strlen(c->in);
		size_t want_used = c->used ? c->used : len;
		struct policy_parser *p = policy_parser_new(lim);
		struct buf whole, split;
		enum policy_status st;
		size_t used;

		st = policy_parser_feed(p, c->in, len, &used);
		if (st != c->st)
			fail_msg("%s: status %d, want %d (%s)", c->what,
			    (int)st, (int)c->st, policy_parser_error(p) ?
			    policy_parser_error(p) : "");
		if (c->st != POLICY_ERROR || c->used != 0 || c->err == NULL)
			if (used != want_used)
				fail_msg("%s: used %zu, want %zu", c->what,
				    used, want_used);
		if (c->err != NULL &&
		    strcmp(policy_parser_error(p), c->err) != 0)
			fail_msg("%s: error '%s', want '%s'", c->what,
			    policy_parser_error(p), c->err);
		if (st == POLICY_REQUEST) {
			const struct policy_request *req =
			    policy_parser_request(p);

			assert_non_null(req);
			assert_string_equal(req->request, POLICY_REQUEST_TYPE);
			assert_int_equal(req->bytes, used);
			check_wants(c, req);
		} else
			assert_null(policy_parser_request(p));
		policy_parser_free(p);

		/* split anywhere, and byte by byte: the very same outcome */
		buf_init(&whole, TEST_TRANSCRIPT);
		buf_init(&split, TEST_TRANSCRIPT);
		parse_pieces(c->in, len, lim, 0, len, &whole);
		for (k = 0; k <= len; k++) {
			buf_reset(&split);
			parse_pieces(c->in, len, lim, 0, k, &split);
			if (strcmp(whole.data, split.data) != 0)
				fail_msg("%s: split at %zu differs:\n%s\n"
				    "---\n%s", c->what, k, whole.data,
				    split.data);
		}
		buf_reset(&split);
		parse_pieces(c->in, len, lim, 1, 0, &split);
		if (strcmp(whole.data, split.data) != 0)
			fail_msg("%s: byte by byte differs", c->what);
		buf_free(&whole);
		buf_free(&split);
	}
}

/* test_every_field - each attribute Postfix sends lands in its field */
static void
test_every_field(void **state)
{
	struct policy_parser *p = policy_parser_new(NULL);
	const struct policy_request *req;
	struct buf in;
	size_t i, used;

	(void)state;
	buf_init(&in, POLICY_MAX_REQUEST);
	for (i = 0; i < NFIELDS; i++) {
		if (strcmp(fields[i].name, "request") == 0)
			buf_printf(&in, "request=%s\n", POLICY_REQUEST_TYPE);
		else
			buf_printf(&in, "%s=v.%s\n", fields[i].name,
			    fields[i].name);
	}
	buf_putc(&in, '\n');
	assert_int_equal(policy_parser_feed(p, in.data, in.len, &used),
	    POLICY_REQUEST);
	assert_int_equal(used, in.len);
	req = policy_parser_request(p);
	assert_int_equal(req->nattr, NFIELDS);
	for (i = 0; i < NFIELDS; i++) {
		const char *v = field_value(req, fields[i].name);
		struct buf want;

		assert_non_null(v);
		if (strcmp(fields[i].name, "request") == 0)
			continue;
		buf_init(&want, 64);
		buf_printf(&want, "v.%s", fields[i].name);
		assert_string_equal(v, want.data);
		assert_string_equal(policy_request_get(req, fields[i].name),
		    want.data);
		assert_string_equal(req->attr[i].name, fields[i].name);
		assert_int_equal(req->attr[i].value_len, want.len);
		buf_free(&want);
	}
	/* and a minimal request leaves every other field NULL */
	policy_parser_reset(p);
	assert_int_equal(policy_parser_feed(p, REQ_MIN, strlen(REQ_MIN),
	    &used), POLICY_REQUEST);
	req = policy_parser_request(p);
	for (i = 0; i < NFIELDS; i++)
		if (strcmp(fields[i].name, "request") != 0)
			assert_null(field_value(req, fields[i].name));
	buf_free(&in);
	policy_parser_free(p);
}

/* Requests back to back on one connection, as Postfix reuses it. */
static const char *const stream_reqs[] = {
	REQ_FULL37,
	REQ_MIN,
	"request=smtpd_access_policy\r\nsender=x@example.com\r\n\r\n",
	REQ_V6,
};

#define NSTREAM (sizeof(stream_reqs) / sizeof(stream_reqs[0]))

/* test_back_to_back - several requests in one buffer, then a partial one */
static void
test_back_to_back(void **state)
{
	struct policy_parser *p = policy_parser_new(NULL);
	struct buf in;
	size_t i, off = 0, used, step;

	(void)state;
	buf_init(&in, 4 * POLICY_MAX_REQUEST);
	for (i = 0; i < NSTREAM; i++)
		buf_puts(&in, stream_reqs[i]);
	buf_puts(&in, "request=smtpd_access");
	for (step = 1; step <= in.len; step = step < 8 ? step + 1 : step * 3) {
		size_t got = 0, consumed = 0;

		off = 0;
		while (off < in.len) {
			size_t n = in.len - off < step ? in.len - off : step;
			enum policy_status st;

			st = policy_parser_feed(p, in.data + off, n, &used);
			assert_true(used <= n);
			off += used;
			consumed += used;
			if (st == POLICY_NEED_MORE)
				continue;
			assert_int_equal(st, POLICY_REQUEST);
			assert_true(got < NSTREAM);
			assert_int_equal(policy_parser_request(p)->bytes,
			    strlen(stream_reqs[got]));
			assert_int_equal(consumed, strlen(stream_reqs[got]));
			assert_int_equal(policy_parser_pending(p), 0);
			consumed = 0;
			got++;
			policy_parser_reset(p);
		}
		assert_int_equal(got, NSTREAM);
		assert_int_equal(policy_parser_pending(p),
		    strlen("request=smtpd_access"));
		policy_parser_reset(p);
	}
	buf_free(&in);
	policy_parser_free(p);
}

/* test_sticky_error - an error stays until reset; reset recovers */
static void
test_sticky_error(void **state)
{
	struct policy_parser *p = policy_parser_new(NULL);
	size_t used;

	(void)state;
	assert_int_equal(policy_parser_feed(p, "junk\n", 5, &used),
	    POLICY_ERROR);
	assert_int_equal(used, 5);
	assert_string_equal(policy_parser_error(p), "line without '='");
	assert_int_equal(policy_parser_feed(p, REQ_MIN, strlen(REQ_MIN),
	    &used), POLICY_ERROR);
	assert_int_equal(used, 0);
	assert_null(policy_parser_request(p));
	policy_parser_reset(p);
	assert_null(policy_parser_error(p));
	assert_int_equal(policy_parser_pending(p), 0);
	assert_int_equal(policy_parser_feed(p, REQ_MIN, 0, &used),
	    POLICY_NEED_MORE);
	assert_int_equal(used, 0);
	assert_int_equal(policy_parser_feed(p, REQ_MIN, strlen(REQ_MIN),
	    &used), POLICY_REQUEST);
	assert_non_null(policy_parser_request(p));
	assert_null(policy_parser_error(p));
	policy_parser_free(p);
	policy_parser_free(NULL);
}

#define NAME63 \
	"x23456789012345678901234567890123456789012345678901234567890123"

/* Long values against the default limits. */
static const struct {
	const char     *what;
	const char     *name;	/* NULL: the SMTP-derived attributes */
	size_t		count;	/* long values */
	size_t		len;	/* bytes of each */
	enum policy_status st;
	const char     *err;
} default_rows[] = {
	{"five values at line_length_limit", NULL, 5, 2047, POLICY_REQUEST,
	 NULL},
	{"one value at its limit", NULL, 1, POLICY_MAX_VALUE, POLICY_REQUEST,
	 NULL},
	{"five values at their limit", NULL, 5, POLICY_MAX_VALUE,
	 POLICY_ERROR, "request over the request_bytes limit"},
	{"one value over its limit", NULL, 1, POLICY_MAX_VALUE + 1,
	 POLICY_ERROR, "value over the value_bytes limit"},
	{"line at its limit", NAME63, 1, POLICY_MAX_VALUE, POLICY_REQUEST,
	 NULL},
	{"line over its limit", NAME63 "4", 1, POLICY_MAX_VALUE, POLICY_ERROR,
	 "line over the line_bytes limit"},
};

/* test_default_limits - the defaults hold the largest real request */
static void
test_default_limits(void **state)
{
	static const char *const names[] = {
		"helo_name", "sender", "recipient", "sasl_username",
		"sasl_sender",
	};
	size_t r, i, j, used;

	(void)state;
	for (r = 0; r < sizeof(default_rows) / sizeof(*default_rows); r++) {
		struct policy_parser *p = policy_parser_new(NULL);
		enum policy_status st;
		struct buf in;

		buf_init(&in, 8 * POLICY_MAX_REQUEST);
		buf_puts(&in, REQ_FULL37);
		buf_truncate(&in, in.len - 1);	/* drop the empty line */
		for (i = 0; i < default_rows[r].count; i++) {
			buf_printf(&in, "%s=", default_rows[r].name ?
			    default_rows[r].name : names[i]);
			for (j = 0; j < default_rows[r].len; j++)
				buf_putc(&in, 'a' + (int)(j % 26));
			buf_putc(&in, '\n');
		}
		buf_putc(&in, '\n');
		st = policy_parser_feed(p, in.data, in.len, &used);
		if (st != default_rows[r].st)
			fail_msg("%s: status %d (%s)", default_rows[r].what,
			    (int)st, policy_parser_error(p) ?
			    policy_parser_error(p) : "");
		if (default_rows[r].err != NULL)
			assert_string_equal(policy_parser_error(p),
			    default_rows[r].err);
		else
			assert_int_equal(used, in.len);
		buf_free(&in);
		policy_parser_free(p);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_every_field),
		cmocka_unit_test(test_back_to_back),
		cmocka_unit_test(test_sticky_error),
		cmocka_unit_test(test_default_limits),
	};

	return cmocka_run_group_tests_name("policy", tests, NULL, NULL);
}
