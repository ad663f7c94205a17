/* test_dns_wire - DNS response packets (built with ldns) to spf answers */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <ldns/ldns.h>

#include "dns/dns.h"
#include "util/arena.h"
#include "util/ipaddr.h"

#define WIRE_MAX_RRS	6

/* How to damage a packet after building it. */
enum wire_damage {
	WIRE_WHOLE,
	WIRE_CUT_HALF,		/* the first half only */
	WIRE_CUT_HEADER,	/* 11 octets */
	WIRE_EMPTY,		/* length 0 */
};

/* One response, and what dns_wire_parse must make of it. */
struct wire_row {
	const char     *what;
	const char     *qname;
	enum spf_rrtype	qtype;
	unsigned	rcode;
	int		tc;
	int		not_response;	/* QR clear */
	const char     *rrs[WIRE_MAX_RRS];	/* answer section, ldns text */
	enum wire_damage damage;
	int		ret;
	enum spf_dns_status status;
	size_t		nrr;
	const char     *data;		/* first record: TXT, MX, PTR */
	size_t		len;
	unsigned	pref;
	const char     *addr;		/* first record: A, AAAA */
};

#define OK	SPF_DNS_OK
#define NX	SPF_DNS_NXDOMAIN
#define FAIL	SPF_DNS_SERVFAIL

static const struct wire_row wire_rows[] = {
	{"TXT: strings joined, NUL kept", "example.com", SPF_RR_TXT, 0, 0, 0,
	    {"example.com. 300 IN TXT \"v=spf1 \" \"a\\000b\" \"\"",
	    "example.com. 300 IN TXT \"other\""},
	    WIRE_WHOLE, 0, OK, 2, "v=spf1 a\0b", 10, 0, NULL},
	{"TXT: empty string", "example.com", SPF_RR_TXT, 0, 0, 0,
	    {"example.com. 300 IN TXT \"\""},
	    WIRE_WHOLE, 0, OK, 1, "", 0, 0, NULL},
	{"NODATA", "example.com", SPF_RR_TXT, LDNS_RCODE_NOERROR, 0, 0,
	    {NULL}, WIRE_WHOLE, 0, OK, 0, NULL, 0, 0, NULL},
	{"NXDOMAIN", "nope.example.com", SPF_RR_A, LDNS_RCODE_NXDOMAIN, 0, 0,
	    {NULL}, WIRE_WHOLE, 0, NX, 0, NULL, 0, 0, NULL},
	{"NXDOMAIN after a CNAME", "alias.example.com", SPF_RR_A,
	    LDNS_RCODE_NXDOMAIN, 0, 0,
	    {"alias.example.com. 300 IN CNAME gone.example.com."},
	    WIRE_WHOLE, 0, NX, 0, NULL, 0, 0, NULL},
	{"REFUSED is SERVFAIL", "example.com", SPF_RR_A, LDNS_RCODE_REFUSED,
	    0, 0, {NULL}, WIRE_WHOLE, 0, FAIL, 0, NULL, 0, 0, NULL},
	{"SERVFAIL", "example.com", SPF_RR_A, LDNS_RCODE_SERVFAIL, 0, 0,
	    {NULL}, WIRE_WHOLE, 0, FAIL, 0, NULL, 0, 0, NULL},
	{"FORMERR is SERVFAIL", "example.com", SPF_RR_A, LDNS_RCODE_FORMERR,
	    0, 0, {NULL}, WIRE_WHOLE, 0, FAIL, 0, NULL, 0, 0, NULL},
	{"A", "example.com", SPF_RR_A, 0, 0, 0,
	    {"example.com. 300 IN A 192.0.2.1",
	    "example.com. 300 IN A 192.0.2.2"},
	    WIRE_WHOLE, 0, OK, 2, NULL, 0, 0, "192.0.2.1"},
	{"AAAA", "example.com", SPF_RR_AAAA, 0, 0, 0,
	    {"example.com. 300 IN AAAA 2001:db8::1"},
	    WIRE_WHOLE, 0, OK, 1, NULL, 0, 0, "2001:db8::1"},
	{"other types left out", "example.com", SPF_RR_A, 0, 0, 0,
	    {"example.com. 300 IN TXT \"x\"", "example.com. 300 IN A 192.0.2.7",
	    "example.com. 300 IN AAAA 2001:db8::7"},
	    WIRE_WHOLE, 0, OK, 1, NULL, 0, 0, "192.0.2.7"},
	{"other owners left out", "example.com", SPF_RR_A, 0, 0, 0,
	    {"other.example.com. 300 IN A 192.0.2.8"},
	    WIRE_WHOLE, 0, OK, 0, NULL, 0, 0, NULL},
	{"owner case ignored", "Example.COM", SPF_RR_A, 0, 0, 0,
	    {"EXAMPLE.com. 300 IN A 192.0.2.9"},
	    WIRE_WHOLE, 0, OK, 1, NULL, 0, 0, "192.0.2.9"},
	{"CNAME chain", "alias.example.com", SPF_RR_A, 0, 0, 0,
	    {"alias.example.com. 300 IN CNAME mid.example.com.",
	    "mid.example.com. 300 IN CNAME example.com.",
	    "example.com. 300 IN A 192.0.2.1",
	    "alias.example.com. 300 IN A 192.0.2.66",
	    "unrelated.example.com. 300 IN A 192.0.2.99"},
	    WIRE_WHOLE, 0, OK, 1, NULL, 0, 0, "192.0.2.1"},
	{"CNAME chain out of order", "alias.example.com", SPF_RR_TXT, 0, 0, 0,
	    {"example.com. 300 IN TXT \"end\"",
	    "mid.example.com. 300 IN CNAME example.com.",
	    "alias.example.com. 300 IN CNAME MID.example.com."},
	    WIRE_WHOLE, 0, OK, 1, "end", 3, 0, NULL},
	{"CNAME to nothing: NODATA", "alias.example.com", SPF_RR_TXT, 0, 0, 0,
	    {"alias.example.com. 300 IN CNAME example.com."},
	    WIRE_WHOLE, 0, OK, 0, NULL, 0, 0, NULL},
	{"CNAME loop", "a.example.com", SPF_RR_A, 0, 0, 0,
	    {"a.example.com. 300 IN CNAME b.example.com.",
	    "b.example.com. 300 IN CNAME a.example.com."},
	    WIRE_WHOLE, -1, FAIL, 0, NULL, 0, 0, NULL},
	{"MX", "example.com", SPF_RR_MX, 0, 0, 0,
	    {"example.com. 300 IN MX 10 mx.example.com."},
	    WIRE_WHOLE, 0, OK, 1, "mx.example.com", 14, 10, NULL},
	{"MX to the root (RFC 7505)", "example.com", SPF_RR_MX, 0, 0, 0,
	    {"example.com. 300 IN MX 0 ."},
	    WIRE_WHOLE, 0, OK, 1, "", 0, 0, NULL},
	{"PTR", "1.2.0.192.in-addr.arpa", SPF_RR_PTR, 0, 0, 0,
	    {"1.2.0.192.in-addr.arpa. 300 IN PTR Mail.Example.com."},
	    WIRE_WHOLE, 0, OK, 1, "Mail.Example.com", 16, 0, NULL},
	{"PTR with an underscore", "1.2.0.192.in-addr.arpa", SPF_RR_PTR, 0, 0,
	    0, {"1.2.0.192.in-addr.arpa. 300 IN PTR _x.example.com."},
	    WIRE_WHOLE, 0, OK, 1, "_x.example.com", 14, 0, NULL},
	{"PTR with odd octets: presentation form", "1.2.0.192.in-addr.arpa",
	    SPF_RR_PTR, 0, 0, 0,
	    {"1.2.0.192.in-addr.arpa. 300 IN PTR a\\.b\\000c.example.com."},
	    WIRE_WHOLE, 0, OK, 1, "a\\.b\\000c.example.com", 21, 0, NULL},
	{"truncated (TC)", "example.com", SPF_RR_TXT, 0, 1, 0,
	    {NULL}, WIRE_WHOLE, -1, FAIL, 0, NULL, 0, 0, NULL},
	{"a query, not a response", "example.com", SPF_RR_TXT, 0, 0, 1,
	    {NULL}, WIRE_WHOLE, -1, FAIL, 0, NULL, 0, 0, NULL},
	{"cut in the middle", "example.com", SPF_RR_TXT, 0, 0, 0,
	    {"example.com. 300 IN TXT \"v=spf1 -all\""},
	    WIRE_CUT_HALF, -1, FAIL, 0, NULL, 0, 0, NULL},
	{"only a header's worth", "example.com", SPF_RR_TXT, 0, 0, 0,
	    {NULL}, WIRE_CUT_HEADER, -1, FAIL, 0, NULL, 0, 0, NULL},
	{"empty", "example.com", SPF_RR_TXT, 0, 0, 0,
	    {NULL}, WIRE_EMPTY, -1, FAIL, 0, NULL, 0, 0, NULL},
	{"bad question name", "a..example.com", SPF_RR_TXT, 0, 0, 0,
	    {NULL}, WIRE_WHOLE, -1, FAIL, 0, NULL, 0, 0, NULL},
};

/* wire_build - the row's response in wire format */
static uint8_t *
wire_build(const struct wire_row *r, size_t *len)
{
	ldns_pkt *p = ldns_pkt_new();
	ldns_rr *q = ldns_rr_new(), *rr;
	ldns_rdf *qn;
	uint8_t *out = NULL;
	size_t i;

	ldns_pkt_set_id(p, 4321);
	ldns_pkt_set_qr(p, !r->not_response);
	ldns_pkt_set_rd(p, true);
	ldns_pkt_set_ra(p, true);
	ldns_pkt_set_tc(p, r->tc != 0);
	ldns_pkt_set_rcode(p, (uint8_t)r->rcode);
	qn = ldns_dname_new_frm_str(r->qname);
	if (qn == NULL)				/* keep the packet well-formed */
		qn = ldns_dname_new_frm_str("example.com");
	ldns_rr_set_owner(q, qn);
	ldns_rr_set_type(q, (ldns_rr_type)r->qtype);
	ldns_rr_set_class(q, LDNS_RR_CLASS_IN);
	ldns_rr_set_question(q, true);
	assert_true(ldns_pkt_push_rr(p, LDNS_SECTION_QUESTION, q));
	for (i = 0; i < WIRE_MAX_RRS && r->rrs[i]; i++) {
		if (ldns_rr_new_frm_str(&rr, r->rrs[i], 300, NULL, NULL) !=
		    LDNS_STATUS_OK)
			fail_msg("%s: bad test record %s", r->what, r->rrs[i]);
		assert_true(ldns_pkt_push_rr(p, LDNS_SECTION_ANSWER, rr));
	}
	assert_int_equal(ldns_pkt2wire(&out, p, len), LDNS_STATUS_OK);
	ldns_pkt_free(p);
	switch (r->damage) {
	case WIRE_WHOLE:
		break;
	case WIRE_CUT_HALF:
		*len /= 2;
		break;
	case WIRE_CUT_HEADER:
		*len = 11;
		break;
	case WIRE_EMPTY:
		*len = 0;
		break;
	}
	return out;
}

/* test_rows - every row of wire_rows */
static void
test_rows(void **state)
{
	struct arena *arena = arena_new(1024);
	char ip[IPADDR_STRLEN];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(wire_rows) / sizeof(*wire_rows); i++) {
		const struct wire_row *r = &wire_rows[i];
		struct spf_answer a;
		uint8_t *pkt;
		size_t len;
		int ret;

		pkt = wire_build(r, &len);
		memset(&a, 0x5a, sizeof(a));
		a.id = 42;
		ret = dns_wire_parse(pkt, len, r->qname, r->qtype, arena, &a);
		free(pkt);
		if (ret != r->ret || a.status != r->status || a.nrr != r->nrr)
			fail_msg("%s: ret %d status %d nrr %zu, want %d %d %zu",
			    r->what, ret, a.status, a.nrr, r->ret, r->status,
			    r->nrr);
		assert_int_equal(a.id, 42);
		if (r->nrr == 0) {
			if (a.rr != NULL)
				fail_msg("%s: records with nrr 0", r->what);
			continue;
		}
		if (a.rr[0].type != r->qtype)
			fail_msg("%s: type %d", r->what, a.rr[0].type);
		if (r->data && (a.rr[0].len != r->len ||
		    memcmp(a.rr[0].data, r->data, r->len) != 0 ||
		    a.rr[0].data[r->len] != 0))
			fail_msg("%s: data \"%.*s\" len %zu, want \"%s\"",
			    r->what, (int)a.rr[0].len, a.rr[0].data,
			    a.rr[0].len, r->data);
		if (a.rr[0].pref != r->pref)
			fail_msg("%s: pref %u", r->what, a.rr[0].pref);
		if (r->addr) {
			ipaddr_format(&a.rr[0].addr, ip);
			if (strcmp(ip, r->addr) != 0)
				fail_msg("%s: address %s, want %s", r->what, ip,
				    r->addr);
		}
		arena_reset(arena);
	}
	arena_free(arena);
}

/* test_garbage - octets that are no packet never crash, always SERVFAIL */
static void
test_garbage(void **state)
{
	static const unsigned char loop[] = {
		/* header: id, QR, NOERROR, 1 question, 1 answer */
		0x12, 0x34, 0x80, 0x00, 0x00, 0x01, 0x00, 0x01,
		0x00, 0x00, 0x00, 0x00,
		/* question: a pointer to itself */
		0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01,
	};
	static const unsigned char counts[] = {
		/* header claiming many records, none there */
		0x12, 0x34, 0x80, 0x00, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff,
	};
	struct arena *arena = arena_new(1024);
	unsigned char junk[512];
	struct spf_answer a;
	unsigned seed = 1;
	size_t i, j;

	(void)state;
	assert_int_equal(dns_wire_parse(loop, sizeof(loop), "example.com",
	    SPF_RR_A, arena, &a), -1);
	assert_int_equal(a.status, SPF_DNS_SERVFAIL);
	assert_int_equal(dns_wire_parse(counts, sizeof(counts), "example.com",
	    SPF_RR_A, arena, &a), -1);
	assert_int_equal(dns_wire_parse(NULL, 0, "example.com", SPF_RR_A,
	    arena, &a), -1);
	for (i = 0; i < 200; i++) {
		for (j = 0; j < sizeof(junk); j++) {
			seed = seed * 1103515245u + 12345u;
			junk[j] = (unsigned char)(seed >> 16);
		}
		junk[2] |= 0x80;		/* QR, to get further */
		(void)dns_wire_parse(junk, 12 + i, "example.com", SPF_RR_TXT,
		    arena, &a);
		assert_true(a.status == SPF_DNS_OK ||
		    a.status == SPF_DNS_NXDOMAIN ||
		    a.status == SPF_DNS_SERVFAIL);
		arena_reset(arena);
	}
	arena_free(arena);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_garbage),
	};

	return cmocka_run_group_tests_name("dns_wire", tests, NULL, NULL);
}
