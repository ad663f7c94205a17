/* test_dns_zone - zone file parsing, answer semantics, the sync driver */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "dns/dns.h"
#include "util/buf.h"
#include "util/ipaddr.h"

/* One zone text and what loading it must give. */
struct parse_row {
	const char     *what;
	const char     *text;
	size_t		len;		/* 0: strlen(text) */
	const char     *err;		/* NULL: loads; else the error text */
	size_t		records;	/* when it loads */
};

#define S51 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
#define S255 S51 S51 S51 S51 S51
#define L63 "lllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllll"

static const struct parse_row parse_rows[] = {
	{"the documented example",
	    "# comment to end of line\n"
	    "\n"
	    "example.com      TXT   \"v=spf1 \" \"ip4:192.0.2.0/24 -all\"   ; "
	    "two strings\n"
	    "example.com      A     192.0.2.1\n"
	    "example.com      AAAA  2001:db8::1\n"
	    "example.com      MX    10 mx.example.com\n"
	    "4.3.2.1.in-addr.arpa PTR mail.example.com\n"
	    "alias.example.com CNAME example.com\n"
	    "example.com      SPF   \"v=spf1 -all\"\n"
	    "slow.example.com TIMEOUT      ; times out\n"
	    "bad.example.com  SERVFAIL     # fails\n"
	    "empty.example.com EXISTS\n", 0, NULL, 7},
	{"empty text", "", 0, NULL, 0},
	{"comments and blanks only", "# a\n   \n\t; b\n", 0, NULL, 0},
	{"CRLF line ends", "a.example A 192.0.2.1\r\nb.example TXT \"x\"\r\n",
	    0, NULL, 2},
	{"no newline at the end", "a.example A 192.0.2.1", 0, NULL, 1},
	{"trailing dot, types in lower case", "a.example. txt \"x\"\n"
	    "a.example. mx 0 .\n", 0, NULL, 2},
	{"a string of 255 octets", "a.example TXT \"" S255 "\"", 0, NULL, 1},
	{"an empty string", "a.example TXT \"\"", 0, NULL, 1},
	{"strings next to each other", "a.example TXT \"a\"\"b\"", 0, NULL, 1},
	{"every escape", "a.example TXT \"\\\"\\\\\\000\\255\\x00\\xfF\"",
	    0, NULL, 1},
	{"# and ; inside quotes", "a.example TXT \"a#b;c\" # real comment",
	    0, NULL, 1},
	{"label of 63 octets", L63 ".example A 192.0.2.1", 0, NULL, 1},

	{"bad escape letter", "a.example TXT \"\\q\"", 0,
	    "line 1: bad escape in string", 0},
	{"short decimal escape", "a.example TXT \"\\25\"", 0,
	    "line 1: bad escape in string", 0},
	{"decimal escape over 255", "a.example TXT \"\\256\"", 0,
	    "line 1: bad escape in string", 0},
	{"bad hex escape", "a.example TXT \"\\xZZ\"", 0,
	    "line 1: bad escape in string", 0},
	{"unterminated quote", "a.example TXT \"v=spf1 -all\n", 0,
	    "line 1: unterminated quoted string", 0},
	{"backslash at the end", "a.example TXT \"abc\\", 0,
	    "line 1: unterminated quoted string", 0},
	{"string over 255 octets", "a.example TXT \"" S255 "x\"", 0,
	    "line 1: string longer than 255 octets (split it into several)",
	    0},
	{"unquoted TXT data", "a.example TXT v=spf1", 0,
	    "line 1: TXT data must be double-quoted strings", 0},
	{"unknown type", "a.example NS ns.example", 0,
	    "line 1: unknown type \"NS\"", 0},
	{"bad IPv4 address", "a.example A 192.0.2.256", 0,
	    "line 1: bad IPv4 address", 0},
	{"IPv6 address for A", "a.example A 2001:db8::1", 0,
	    "line 1: bad IPv4 address", 0},
	{"bad IPv6 address", "a.example AAAA 2001:db8::g", 0,
	    "line 1: bad IPv6 address", 0},
	{"missing type", "a.example\n", 0, "line 1: missing type", 0},
	{"missing TXT data", "a.example TXT ; nothing", 0,
	    "line 1: missing data", 0},
	{"missing address", "a.example A", 0, "line 1: missing data", 0},
	{"missing MX target", "a.example MX 10", 0, "line 1: missing data", 0},
	{"bad MX preference", "a.example MX 65536 mx.example", 0,
	    "line 1: bad MX preference", 0},
	{"data after the data", "a.example A 192.0.2.1 192.0.2.2", 0,
	    "line 1: unexpected text after the data", 0},
	{"keyword with data", "a.example TIMEOUT 5", 0,
	    "line 1: keyword takes no data", 0},
	{"CNAME after data", "a.example A 192.0.2.1\na.example CNAME b.example",
	    0, "line 2: CNAME and other data at one name (RFC 1034 3.6.2)", 0},
	{"data after CNAME", "a.example CNAME b.example\nA.EXAMPLE TXT \"x\"",
	    0, "line 2: CNAME and other data at one name (RFC 1034 3.6.2)", 0},
	{"two CNAMEs", "a.example CNAME b.example\na.example CNAME c.example",
	    0, "line 2: CNAME and other data at one name (RFC 1034 3.6.2)", 0},
	{"empty label", "a..example A 192.0.2.1", 0,
	    "line 1: empty label in name", 0},
	{"label over 63 octets", L63 "l.example A 192.0.2.1", 0,
	    "line 1: label longer than 63 octets", 0},
	{"name over 253 octets",
	    L63 "." L63 "." L63 "." L63 " A 192.0.2.1", 0,
	    "line 1: name longer than 253 octets", 0},
	{"root as owner", ". A 192.0.2.1", 0,
	    "line 1: the root is not a valid owner name", 0},
	{"quote in a name", "a\"b.example A 192.0.2.1", 0,
	    "line 1: bad character in name (escape it)", 0},
	{"escapes in names", "a\\032b\\x23.example TXT \"x\"\n"
	    "m.example MX 1 a\\032b\\\\.example\n"
	    "q.example CNAME \\\"q\\\".example", 0, NULL, 3},
	{"escaped dot in a name", "a\\046b.example A 192.0.2.1", 0,
	    "line 1: escaped dot or NUL in name", 0},
	{"escaped NUL in a name", "x.example PTR a\\000b.example", 0,
	    "line 1: escaped dot or NUL in name", 0},
	{"bad escape in a name", "a\\qb.example A 192.0.2.1", 0,
	    "line 1: bad escape in name", 0},
	{"escape in a name counts as one octet",
	    L63 ".\\0971234567890123456789012345678901234567890123456789012345678901 A 192.0.2.1",
	    0, NULL, 1},
	{"NUL byte in a line", "a.example TXT \"a\0b\"", 19,
	    "line 1: NUL byte in line (write \\000)", 0},
	{"the error's line number", "a.example A 192.0.2.1\n\n# c\nb.example B",
	    0, "line 4: unknown type \"B\"", 0},
};

/* test_parse - every row of parse_rows */
static void
test_parse(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(parse_rows) / sizeof(*parse_rows); i++) {
		const struct parse_row *r = &parse_rows[i];
		size_t len = r->len ? r->len : strlen(r->text);
		struct dns_zone *z;
		char err[256] = "untouched";

		z = dns_zone_parse(r->text, len, err, sizeof(err));
		if (r->err == NULL) {
			if (z == NULL)
				fail_msg("%s: %s", r->what, err);
			if (dns_zone_size(z) != r->records)
				fail_msg("%s: %zu records, want %zu", r->what,
				    dns_zone_size(z), r->records);
		} else {
			if (z != NULL)
				fail_msg("%s: loaded, want \"%s\"", r->what,
				    r->err);
			if (strcmp(err, r->err) != 0)
				fail_msg("%s: \"%s\", want \"%s\"", r->what, err,
				    r->err);
		}
		dns_zone_free(z);
	}
}

/* test_parse_long_line - a line over the limit fails, at the limit loads */
static void
test_parse_long_line(void **state)
{
	static const char head[] = "a.example TXT \"x\"";
	struct buf b;
	struct dns_zone *z;
	char err[256];

	(void)state;
	buf_init(&b, 2 * DNS_ZONE_MAX_LINE);
	(void)buf_puts(&b, head);
	while (b.len < DNS_ZONE_MAX_LINE)
		(void)buf_putc(&b, ' ');
	z = dns_zone_parse(b.data, b.len, err, sizeof(err));
	assert_non_null(z);
	dns_zone_free(z);
	(void)buf_putc(&b, ' ');
	z = dns_zone_parse(b.data, b.len, err, sizeof(err));
	assert_null(z);
	assert_string_equal(err, "line 1: line longer than 65536 octets");
	buf_free(&b);
}

/* test_parse_small_err - errors are cut to the caller's buffer */
static void
test_parse_small_err(void **state)
{
	char err[8];

	(void)state;
	assert_null(dns_zone_parse("a.example A x", 13, err, sizeof(err)));
	assert_string_equal(err, "line 1:");
	assert_null(dns_zone_parse("a.example A x", 13, NULL, 0));
}

static const char answer_zone[] =
	"example.com TXT \"v=spf1 \" \"ip4:192.0.2.0/24 -all\"\n"
	"example.com TXT \"second\"\n"
	"example.com A 192.0.2.1\n"
	"example.com A 192.0.2.2\n"
	"example.com AAAA 2001:db8::1\n"
	"example.com MX 10 mx.example.com.\n"
	"example.com MX 20 MX2.example.com\n"
	"example.com SPF \"v=spf1 -all\"\n"
	"4.3.2.1.in-addr.arpa PTR mail.example.com\n"
	"alias.example.com CNAME example.com\n"
	"alias2.example.com CNAME Alias.Example.Com.\n"
	"dangling.example.com CNAME nowhere.example.com\n"
	"loop1.example.com CNAME loop2.example.com\n"
	"loop2.example.com CNAME LOOP1.example.com\n"
	"self.example.com CNAME self.example.com\n"
	"tofail.example.com CNAME bad.example.com\n"
	"toslow.example.com CNAME slow.example.com\n"
	"slow.example.com TIMEOUT\n"
	"slow.example.com A 192.0.2.9\n"
	"bad.example.com SERVFAIL\n"
	"bad.example.com A 192.0.2.10\n"
	"empty.example.com EXISTS\n"
	"deep.a.b.example.org TXT \"deep\"\n"
	"nul.example.com TXT \"a\\000b\" \"\\x41\\\"\\\\\"\n"
	"UPPER.Example.COM TXT \"upper\"\n"
	"sp\\032ace.example.com TXT \"space\"\n"
	"odd.example.com MX 5 sp\\032ace.example.com\n"
	"odd.example.com PTR a\\\\b(c).example.com\n"
	"c0.example.net CNAME c1.example.net\n"
	"c1.example.net CNAME c2.example.net\n"
	"c2.example.net CNAME c3.example.net\n"
	"c3.example.net CNAME c4.example.net\n"
	"c4.example.net CNAME c5.example.net\n"
	"c5.example.net CNAME c6.example.net\n"
	"c6.example.net CNAME c7.example.net\n"
	"c7.example.net CNAME c8.example.net\n"
	"c8.example.net CNAME c9.example.net\n"
	"c9.example.net A 192.0.2.99\n";

/* One question and the answer it must get; data/addr of the first rr. */
struct answer_row {
	const char     *what;
	const char     *name;
	enum spf_rrtype	type;
	enum spf_dns_status status;
	size_t		nrr;
	const char     *data;		/* TXT, MX, PTR: first record */
	size_t		len;
	unsigned	pref;
	const char     *addr;		/* A, AAAA: first record */
};

#define OK	SPF_DNS_OK
#define NX	SPF_DNS_NXDOMAIN
#define FAIL	SPF_DNS_SERVFAIL
#define TMO	SPF_DNS_TIMEOUT

static const struct answer_row answer_rows[] = {
	{"TXT strings joined", "example.com", SPF_RR_TXT, OK, 2,
	    "v=spf1 ip4:192.0.2.0/24 -all", 28, 0, NULL},
	{"case and trailing dot ignored", "EXAMPLE.com.", SPF_RR_TXT, OK, 2,
	    "v=spf1 ip4:192.0.2.0/24 -all", 28, 0, NULL},
	{"zone name in upper case", "upper.example.com", SPF_RR_TXT, OK, 1,
	    "upper", 5, 0, NULL},
	{"A records in file order", "example.com", SPF_RR_A, OK, 2, NULL, 0,
	    0, "192.0.2.1"},
	{"AAAA", "example.com", SPF_RR_AAAA, OK, 1, NULL, 0, 0,
	    "2001:db8::1"},
	{"MX: trailing dot dropped", "example.com", SPF_RR_MX, OK, 2,
	    "mx.example.com", 14, 10, NULL},
	{"PTR", "4.3.2.1.in-addr.arpa", SPF_RR_PTR, OK, 1,
	    "mail.example.com", 16, 0, NULL},
	{"NODATA: name with other types", "example.com", SPF_RR_PTR, OK, 0,
	    NULL, 0, 0, NULL},
	{"NUL kept, escapes decoded", "nul.example.com", SPF_RR_TXT, OK, 1,
	    "a\0bA\"\\", 6, 0, NULL},
	{"CNAME followed", "alias.example.com", SPF_RR_A, OK, 2, NULL, 0, 0,
	    "192.0.2.1"},
	{"CNAME chain of two", "alias2.example.com", SPF_RR_TXT, OK, 2,
	    "v=spf1 ip4:192.0.2.0/24 -all", 28, 0, NULL},
	{"CNAME to nowhere", "dangling.example.com", SPF_RR_A, NX, 0, NULL, 0,
	    0, NULL},
	{"CNAME loop", "loop1.example.com", SPF_RR_TXT, FAIL, 0, NULL, 0, 0,
	    NULL},
	{"CNAME to itself", "self.example.com", SPF_RR_A, FAIL, 0, NULL, 0,
	    0, NULL},
	{"8 CNAME hops", "c1.example.net", SPF_RR_A, OK, 1, NULL, 0, 0,
	    "192.0.2.99"},
	{"9 CNAME hops", "c0.example.net", SPF_RR_A, FAIL, 0, NULL, 0, 0,
	    NULL},
	{"CNAME to SERVFAIL", "tofail.example.com", SPF_RR_A, FAIL, 0, NULL,
	    0, 0, NULL},
	{"CNAME to TIMEOUT", "toslow.example.com", SPF_RR_TXT, TMO, 0, NULL,
	    0, 0, NULL},
	{"CNAME to TIMEOUT, type present", "toslow.example.com", SPF_RR_A, OK,
	    1, NULL, 0, 0, "192.0.2.9"},
	{"TIMEOUT: type without records", "slow.example.com", SPF_RR_TXT, TMO,
	    0, NULL, 0, 0, NULL},
	{"TIMEOUT: record present wins", "slow.example.com", SPF_RR_A, OK, 1,
	    NULL, 0, 0, "192.0.2.9"},
	{"SERVFAIL beats records", "bad.example.com", SPF_RR_A, FAIL, 0, NULL,
	    0, 0, NULL},
	{"SERVFAIL for every type", "bad.example.com", SPF_RR_TXT, FAIL, 0,
	    NULL, 0, 0, NULL},
	{"EXISTS is NODATA", "empty.example.com", SPF_RR_TXT, OK, 0, NULL, 0,
	    0, NULL},
	{"empty non-terminal", "a.b.example.org", SPF_RR_TXT, OK, 0, NULL, 0,
	    0, NULL},
	{"empty non-terminal, top", "org", SPF_RR_A, OK, 0, NULL, 0, 0, NULL},
	{"below a name: NXDOMAIN", "x.deep.a.b.example.org", SPF_RR_TXT, NX,
	    0, NULL, 0, 0, NULL},
	{"not label-aligned: NXDOMAIN", "xample.com", SPF_RR_TXT, NX, 0, NULL,
	    0, 0, NULL},
	{"unknown name", "nope.example.com", SPF_RR_A, NX, 0, NULL, 0, 0,
	    NULL},
	{"a name with a space", "SP ACE.example.com", SPF_RR_TXT, OK, 1,
	    "space", 5, 0, NULL},
	{"a name asked with an escape, as libunbound reads it",
	    "sp\\032ace.example.com", SPF_RR_TXT, OK, 1, "space", 5, 0, NULL},
	{"a name asked with \\X escapes", "\\s\\p\\ ace.example.com",
	    SPF_RR_TXT, OK, 1, "space", 5, 0, NULL},
	{"a bad escape asked: not sendable", "sp\\999ace.example.com",
	    SPF_RR_TXT, FAIL, 0, NULL, 0, 0, NULL},
	{"an empty label asked: not sendable", "a..example.com", SPF_RR_A,
	    FAIL, 0, NULL, 0, 0, NULL},
	{"the root asked: not in the zone", ".", SPF_RR_A, NX, 0, NULL, 0, 0,
	    NULL},
	{"an empty name asked: not sendable", "", SPF_RR_A, FAIL, 0, NULL, 0,
	    0, NULL},
	{"a label of 64 asked: not sendable",
	    "x" L63 ".example.com", SPF_RR_A, FAIL, 0, NULL, 0, 0, NULL},
	{"MX target with a space: as dns_wire gives it", "odd.example.com",
	    SPF_RR_MX, OK, 1, "sp\\032ace.example.com", 21, 5, NULL},
	{"PTR target with specials: as dns_wire gives it", "odd.example.com",
	    SPF_RR_PTR, OK, 1, "a\\\\b\\(c\\).example.com", 21, 0, NULL},
	{"SPF type served", "example.com", (enum spf_rrtype)DNS_RR_SPF, OK, 1,
	    "v=spf1 -all", 11, 0, NULL},
};

/* check_answer - compare an answer with a row */
static void
check_answer(const struct answer_row *r, const struct spf_answer *a)
{
	char ip[IPADDR_STRLEN];

	if (a->status != r->status || a->nrr != r->nrr)
		fail_msg("%s: status %d nrr %zu, want %d %zu", r->what,
		    a->status, a->nrr, r->status, r->nrr);
	if (r->nrr == 0) {
		if (a->rr != NULL)
			fail_msg("%s: records with nrr 0", r->what);
		return;
	}
	if (a->rr[0].type != r->type)
		fail_msg("%s: rr type %d", r->what, a->rr[0].type);
	if (r->data && (a->rr[0].len != r->len ||
	    memcmp(a->rr[0].data, r->data, r->len) != 0 ||
	    a->rr[0].data[r->len] != 0))
		fail_msg("%s: data \"%.*s\" len %zu, want \"%s\"", r->what,
		    (int)a->rr[0].len, a->rr[0].data, a->rr[0].len, r->data);
	if (r->pref && a->rr[0].pref != r->pref)
		fail_msg("%s: pref %u", r->what, a->rr[0].pref);
	if (r->addr) {
		ipaddr_format(&a->rr[0].addr, ip);
		if (strcmp(ip, r->addr) != 0)
			fail_msg("%s: address %s, want %s", r->what, ip,
			    r->addr);
	}
}

/* test_answer - every row of answer_rows */
static void
test_answer(void **state)
{
	struct dns_zone *z;
	char err[256];
	size_t i;

	(void)state;
	z = dns_zone_parse(answer_zone, sizeof(answer_zone) - 1, err,
	    sizeof(err));
	if (z == NULL)
		fail_msg("zone: %s", err);
	for (i = 0; i < sizeof(answer_rows) / sizeof(*answer_rows); i++) {
		const struct answer_row *r = &answer_rows[i];
		struct spf_question q = {(unsigned)i + 7, r->type, r->name};
		struct spf_answer a;

		memset(&a, 0xa5, sizeof(a));
		dns_zone_answer(z, &q, &a);
		assert_int_equal(a.id, q.id);
		check_answer(r, &a);
	}
	dns_zone_free(z);
}

/* test_lookup_server_view - what dnsd sees: chain, owners, wire strings */
static void
test_lookup_server_view(void **state)
{
	static const unsigned char wire[] = "\007v=spf1 \025ip4:192.0.2.0/24 -all";
	struct dns_zone_result res;
	struct dns_zone *z;
	char err[256];

	(void)state;
	z = dns_zone_parse(answer_zone, sizeof(answer_zone) - 1, err,
	    sizeof(err));
	assert_non_null(z);

	dns_zone_lookup(z, "alias2.example.com", 18, SPF_RR_TXT, &res);
	assert_int_equal(res.status, SPF_DNS_OK);
	assert_int_equal(res.nchain, 2);
	assert_string_equal(res.chain[0]->owner, "alias2.example.com");
	assert_string_equal(res.chain[0]->data, "Alias.Example.Com");
	assert_string_equal(res.chain[1]->owner, "alias.example.com");
	assert_int_equal(res.nrr, 2);
	assert_string_equal(res.rr[0].owner, "example.com");
	assert_int_equal(res.rr[0].wlen, sizeof(wire) - 1);
	assert_memory_equal(res.rr[0].wire, wire, sizeof(wire) - 1);
	assert_int_equal(res.rr[0].line, 1);
	assert_int_equal(res.rr[1].line, 2);

	dns_zone_lookup(z, "alias.example.com", 17, DNS_RR_CNAME, &res);
	assert_int_equal(res.status, SPF_DNS_OK);
	assert_int_equal(res.nchain, 0);
	assert_int_equal(res.nrr, 1);
	assert_string_equal(res.rr[0].data, "example.com");

	dns_zone_lookup(z, "dangling.example.com", 20, SPF_RR_A, &res);
	assert_int_equal(res.status, SPF_DNS_NXDOMAIN);
	assert_int_equal(res.nchain, 1);

	dns_zone_lookup(z, "example.com", 11, SPF_RR_MX, &res);
	assert_int_equal(res.nrr, 2);
	assert_string_equal(res.rr[1].data, "MX2.example.com");
	assert_int_equal(res.rr[1].pref, 20);

	/* Names are compared as bytes: a NUL does not end them. */
	dns_zone_lookup(z, "example.com\0x", 13, SPF_RR_A, &res);
	assert_int_equal(res.status, SPF_DNS_NXDOMAIN);
	dns_zone_free(z);
}

/* A scripted job: round r asks rounds[r], then DONE. */
struct script_job {
	const struct spf_question *rounds[3];
	size_t		nq[3];
	size_t		round;
	struct spf_question buf[4];	/* handed out; scribbled on feed */
	enum spf_dns_status got[16];
	size_t		gotn[16];
	int		fed;
	int		expired;
};

/* script_step - hand out the next round */
static enum spf_step
script_step(void *obj, const struct spf_question **qs, size_t *n)
{
	struct script_job *j = obj;

	if (j->round == 3 || j->rounds[j->round] == NULL)
		return SPF_STEP_DONE;
	memcpy(j->buf, j->rounds[j->round], j->nq[j->round] * sizeof(*j->buf));
	*qs = j->buf;
	*n = j->nq[j->round];
	j->round++;
	return SPF_STEP_QUERY;
}

/* script_feed - note the answer; spoil the handed-out array */
static int
script_feed(void *obj, const struct spf_answer *a)
{
	struct script_job *j = obj;

	j->got[a->id] = a->status;
	j->gotn[a->id] = a->nrr;
	j->fed++;
	memset(j->buf, 0, sizeof(j->buf));
	return 0;
}

/* script_expire - never called by the zone driver */
static void
script_expire(void *obj)
{
	((struct script_job *)obj)->expired = 1;
}

/* test_run - dns_zone_run answers every round, copies the questions */
static void
test_run(void **state)
{
	static const struct spf_question r1[] = {
		{1, SPF_RR_TXT, "example.com"},
		{2, SPF_RR_A, "nope.example.com"},
		{3, SPF_RR_TXT, "slow.example.com"},
	};
	static const struct spf_question r2[] = {
		{4, SPF_RR_MX, "alias.example.com"},
	};
	struct script_job sj;
	struct spf_job job = {&sj, script_step, script_feed, script_expire};
	struct dns_zone *z;
	char err[256];

	(void)state;
	z = dns_zone_parse(answer_zone, sizeof(answer_zone) - 1, err,
	    sizeof(err));
	assert_non_null(z);
	memset(&sj, 0, sizeof(sj));
	sj.rounds[0] = r1;
	sj.nq[0] = 3;
	sj.rounds[1] = r2;
	sj.nq[1] = 1;
	dns_zone_run(z, &job);
	assert_int_equal(sj.fed, 4);
	assert_int_equal(sj.got[1], SPF_DNS_OK);
	assert_int_equal(sj.gotn[1], 2);
	assert_int_equal(sj.got[2], SPF_DNS_NXDOMAIN);
	assert_int_equal(sj.got[3], SPF_DNS_TIMEOUT);
	assert_int_equal(sj.got[4], SPF_DNS_OK);
	assert_int_equal(sj.gotn[4], 2);
	assert_false(sj.expired);
	dns_zone_free(z);
}

/* test_load - from a file; errors name the file */
static void
test_load(void **state)
{
	char path[] = "/tmp/test_dns_zone.XXXXXX", err[512];
	struct dns_zone *z;
	FILE *fp;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	assert_non_null(fp);
	fputs("a.example A 192.0.2.1\nb.example TXT \"x\"\n", fp);
	fclose(fp);
	z = dns_zone_load(path, err, sizeof(err));
	assert_non_null(z);
	assert_int_equal(dns_zone_size(z), 2);
	dns_zone_free(z);

	fp = fopen(path, "a");
	fputs("c.example BOGUS\n", fp);
	fclose(fp);
	assert_null(dns_zone_load(path, err, sizeof(err)));
	assert_non_null(strstr(err, ": line 3: unknown type \"BOGUS\""));
	assert_memory_equal(err, path, strlen(path));
	unlink(path);

	assert_null(dns_zone_load(path, err, sizeof(err)));
	assert_non_null(strstr(err, "No such file"));
	dns_zone_free(NULL);
}

/* test_many_names - the table grows; every name is found again */
static void
test_many_names(void **state)
{
	struct buf b;
	struct dns_zone *z;
	char err[256], name[64];
	int i;

	(void)state;
	buf_init(&b, 1 << 22);
	for (i = 0; i < 20000; i++)
		(void)buf_printf(&b, "h%d.n%d.example A 192.0.2.%d\n", i,
		    i % 100, i % 250);
	z = dns_zone_parse(b.data, b.len, err, sizeof(err));
	assert_non_null(z);
	assert_int_equal(dns_zone_size(z), 20000);
	for (i = 0; i < 20000; i += 7) {
		struct spf_question q = {0, SPF_RR_A, name};
		struct spf_answer a;

		snprintf(name, sizeof(name), "H%d.N%d.EXAMPLE", i, i % 100);
		dns_zone_answer(z, &q, &a);
		assert_int_equal(a.status, SPF_DNS_OK);
		assert_int_equal(a.nrr, 1);
		assert_int_equal(a.rr[0].addr.a[3], i % 250);
	}
	buf_free(&b);
	dns_zone_free(z);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_long_line),
		cmocka_unit_test(test_parse_small_err),
		cmocka_unit_test(test_answer),
		cmocka_unit_test(test_lookup_server_view),
		cmocka_unit_test(test_run),
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_many_names),
	};

	return cmocka_run_group_tests_name("dns_zone", tests, NULL, NULL);
}
