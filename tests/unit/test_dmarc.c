/* test_dmarc - From parsing, policy records, the tree walk, alignment
 * and the DMARC result (RFC 9989) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dmarc/dmarc_int.h"
#include "dns/dns.h"

#define MAX_ASKED	64

/* From field values and the domains they give; NULL err: OK. */
struct from_case {
	const char     *value;
	int		err;
	const char     *doms[DMARC_MAX_FROM + 1];
};

static const struct from_case from_cases[] = {
	{"user@Example.COM", 0, {"example.com"}},
	{" \"Joe Q. Public\" <john.q.public@example.com>", 0,
	 {"example.com"}},
	{"Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>", 0,
	 {"silly.test"}},
	{"A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;",
	 0, {"a.test", "where.test", "one.test"}},
	{"\"a@b\"@example.org", 0, {"example.org"}},
	{"Mary Smith <mary@x.test>, jdoe@example.org", 0,
	 {"x.test", "example.org"}},
	{"Joe\r\n <joe@example.com>", 0, {"example.com"}},
	{"Joe\r\n\t(folded\r\n comment) <joe@example.com>\r\n", 0,
	 {"example.com"}},
	{"joe . q @ example . com", 0, {"example.com"}},
	{"<@route.test,@r2.test:joe@example.com>", 0, {"example.com"}},
	{",, a@b.test ,,", 0, {"b.test"}},
	{"a@example.com.", 0, {"example.com"}},
	{"a@x.test, b@X.TEST", 0, {"x.test"}},
	{"J. R. Smith <j@x.test>", 0, {"x.test"}},
	{"=?utf-8?q?J=C3=B6rg?= <j@x.test>", 0, {"x.test"}},
	{"J\xc3\xb6rg <j@x.test>", 0, {"x.test"}},
	{"", DMARC_FROM_SYNTAX, {NULL}},
	{"   (only a comment)  ", DMARC_FROM_SYNTAX, {NULL}},
	{"Undisclosed recipients:;", DMARC_FROM_SYNTAX, {NULL}},
	{"@", DMARC_FROM_SYNTAX, {NULL}},
	{"a@", DMARC_FROM_SYNTAX, {NULL}},
	{"joe", DMARC_FROM_SYNTAX, {NULL}},
	{"a@[192.0.2.1]", DMARC_FROM_SYNTAX, {NULL}},
	{"<a@b.test", DMARC_FROM_SYNTAX, {NULL}},
	{"a@b c.test", DMARC_FROM_SYNTAX, {NULL}},
	{"\"unterminated <a@b.test>", DMARC_FROM_SYNTAX, {NULL}},
	{"(((a@b.test", DMARC_FROM_SYNTAX, {NULL}},
	{"a@exa$mple.com", DMARC_FROM_SYNTAX, {NULL}},
	{"a@\xc3\xa9.test", DMARC_FROM_SYNTAX, {NULL}},
	{"a@b..test", DMARC_FROM_SYNTAX, {NULL}},
	{"a@b.test; c@d.test", DMARC_FROM_SYNTAX, {NULL}},
	{"G: a@b.test", DMARC_FROM_SYNTAX, {NULL}},
	{"a@1.test, b@2.test, c@3.test, d@4.test, e@5.test",
	 DMARC_FROM_MANY, {NULL}},
};

/* test_from_table - author domains of From values */
static void
test_from_table(void **state)
{
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof(from_cases) / sizeof(from_cases[0]); i++) {
		const struct from_case *c = &from_cases[i];
		char dom[DMARC_MAX_FROM][DMARC_MAX_DOMAIN + 1];
		size_t n = 0;
		int r = dmarc_from_parse(c->value, strlen(c->value), dom, &n,
		    DMARC_MAX_FROM);

		if (r != c->err)
			fail_msg("From \"%s\": %d, expected %d", c->value, r,
			    c->err);
		if (r != 0)
			continue;
		for (k = 0; c->doms[k]; k++) {
			if (k >= n)
				fail_msg("From \"%s\": %zu domains", c->value,
				    n);
			assert_string_equal(dom[k], c->doms[k]);
		}
		assert_int_equal(n, k);
	}
}

/* test_from_long - a hostile field is bounded and does not crash */
static void
test_from_long(void **state)
{
	char dom[DMARC_MAX_FROM][DMARC_MAX_DOMAIN + 1];
	size_t n = 0, i, len = DMARC_MAX_FIELD * 2;
	char *s = malloc(len + 16);

	(void)state;
	for (i = 0; i < len; i++)
		s[i] = '(';
	assert_int_equal(dmarc_from_parse(s, len, dom, &n, DMARC_MAX_FROM),
	    DMARC_FROM_SYNTAX);
	for (i = 0; i < len; i++)
		s[i] = "a."[i % 2];
	memcpy(s, "x@", 2);
	assert_int_equal(dmarc_from_parse(s, len - 1, dom, &n,
	    DMARC_MAX_FROM), DMARC_FROM_SYNTAX);
	free(s);
}

struct rec_case {
	const char     *txt;
	int		ret;
	enum dmarc_req	p, sp, np;
	enum dmarc_psd	psd;
	int		adkim_s, aspf_s, t;
	int		usable;
};

static const struct rec_case rec_cases[] = {
	{"v=DMARC1; p=reject", DMARC_REC_OK, DMARC_REQ_REJECT, 0, 0,
	 DMARC_PSD_U, 0, 0, 0, 1},
	{"v=DMARC1;p=quarantine;sp=none;np=reject;adkim=s;aspf=s;t=y;psd=n",
	 DMARC_REC_OK, DMARC_REQ_QUARANTINE, DMARC_REQ_NONE, DMARC_REQ_REJECT,
	 DMARC_PSD_N, 1, 1, 1, 1},
	{"  v = DMARC1 ;\tP=x; p = Reject ; psd=y ;", DMARC_REC_OK,
	 DMARC_REQ_REJECT, 0, 0, DMARC_PSD_Y, 0, 0, 0, 1},
	{"v=DMARC1; sp=reject", DMARC_REC_OK, DMARC_REQ_ABSENT,
	 DMARC_REQ_REJECT, 0, DMARC_PSD_U, 0, 0, 0, 1},
	{"v=DMARC1; p=reject; p=none", DMARC_REC_OK, DMARC_REQ_REJECT, 0, 0,
	 DMARC_PSD_U, 0, 0, 0, 1},
	{"v=DMARC1; p=reject; adkim=x; aspf=; t=maybe; psd=q; pct=10; "
	 "foo=bar; 9=1; =x; rf", DMARC_REC_OK, DMARC_REQ_REJECT, 0, 0,
	 DMARC_PSD_U, 0, 0, 0, 1},
	{"v=DMARC1; p=bogus", DMARC_REC_OK, DMARC_REQ_INVALID, 0, 0,
	 DMARC_PSD_U, 0, 0, 0, -1},
	{"v=DMARC1; p=bogus; rua=mailto:agg@example.com", DMARC_REC_OK,
	 DMARC_REQ_INVALID, 0, 0, DMARC_PSD_U, 0, 0, 0, 0},
	{"v=DMARC1; p=reject; np=bogus; rua=not a uri", DMARC_REC_OK,
	 DMARC_REQ_REJECT, 0, DMARC_REQ_INVALID, DMARC_PSD_U, 0, 0, 0, -1},
	{"v=DMARC1; p=reject; sp=bogus; rua=x, mailto:a@b.test!10m",
	 DMARC_REC_OK, DMARC_REQ_REJECT, DMARC_REQ_INVALID, 0, DMARC_PSD_U,
	 0, 0, 0, 0},
	{"v=DMARC1", DMARC_REC_OK, 0, 0, 0, DMARC_PSD_U, 0, 0, 0, 1},
	{"p=reject; v=DMARC1", DMARC_REC_NOT, 0, 0, 0, 0, 0, 0, 0, 0},
	{"v=dmarc1; p=reject", DMARC_REC_NOT, 0, 0, 0, 0, 0, 0, 0, 0},
	{"v=DMARC10; p=reject", DMARC_REC_NOT, 0, 0, 0, 0, 0, 0, 0, 0},
	{"v=spf1 -all", DMARC_REC_NOT, 0, 0, 0, 0, 0, 0, 0, 0},
	{"", DMARC_REC_NOT, 0, 0, 0, 0, 0, 0, 0, 0},
};

/* test_record_table - tags, values, defaults, what is ignored */
static void
test_record_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rec_cases) / sizeof(rec_cases[0]); i++) {
		const struct rec_case *c = &rec_cases[i];
		struct dmarc_record r;
		int ret = dmarc_record_parse(c->txt, strlen(c->txt), &r);

		if (ret != c->ret)
			fail_msg("record \"%s\": %d", c->txt, ret);
		if (ret != DMARC_REC_OK)
			continue;
		if (r.p != c->p || r.sp != c->sp || r.np != c->np ||
		    r.psd != c->psd || r.adkim_strict != c->adkim_s ||
		    r.aspf_strict != c->aspf_s || r.testing != c->t ||
		    dmarc_record_usable(&r) != c->usable)
			fail_msg("record \"%s\": p %d sp %d np %d psd %d "
			    "adkim %d aspf %d t %d usable %d", c->txt, r.p,
			    r.sp, r.np, r.psd, r.adkim_strict, r.aspf_strict,
			    r.testing, dmarc_record_usable(&r));
	}
}

/* test_record_long - a record over the limit is not parsed */
static void
test_record_long(void **state)
{
	struct dmarc_record r;
	size_t len = DMARC_MAX_RECORD + 1;
	char *s = malloc(len);

	(void)state;
	memset(s, ' ', len);
	memcpy(s, "v=DMARC1; p=reject;", 19);
	assert_int_equal(dmarc_record_parse(s, len, &r), DMARC_REC_LONG);
	assert_int_equal(dmarc_record_parse(s, len - 1, &r), DMARC_REC_OK);
	assert_int_equal(r.p, DMARC_REQ_REJECT);
	free(s);
}

/* The zone the walk tests run against. */
static const char walk_zone[] =
    "_dmarc.example.com TXT \"v=DMARC1; p=reject; sp=quarantine; np=none\"\n"
    "example.com A 192.0.2.1\n"
    "mail.example.com A 192.0.2.2\n"
    "_dmarc.strict.test TXT \"v=DMARC1; p=reject; adkim=s; aspf=s\"\n"
    "_dmarc.own.example.com TXT \"v=DMARC1; p=quarantine\"\n"
    "_dmarc.psd.test TXT \"v=DMARC1; p=quarantine; psd=y\"\n"
    "_dmarc.bank.psd.test TXT \"v=DMARC1; p=none\"\n"
    "_dmarc.n.deep.test TXT \"v=DMARC1; p=reject; psd=n\"\n"
    "_dmarc.deep.test TXT \"v=DMARC1; p=none\"\n"
    "_dmarc.multi.test TXT \"v=DMARC1; p=reject\"\n"
    "_dmarc.multi.test TXT \"v=DMARC1; p=none\"\n"
    "_dmarc.test TXT \"v=spf1 -all\"\n"
    "_dmarc.t.test TXT \"v=DMARC1; p=reject; t=y\"\n"
    "_dmarc.np.test TXT \"v=DMARC1; p=none; np=reject\"\n"
    "exists.np.test TXT \"hello\"\n"
    "_dmarc.sub.np.test EXISTS\n"
    "_dmarc.fail.test SERVFAIL\n"
    "_dmarc.pfail.test TXT \"v=DMARC1; p=reject\"\n"
    "_dmarc.x.pfail.test TXT \"v=DMARC1; p=reject\"\n"
    "_dmarc.y.pfail.test SERVFAIL\n"
    "_dmarc.pfail2.test SERVFAIL\n"
    "_dmarc.npfail.test TXT \"v=DMARC1; p=none; np=reject\"\n"
    "x.npfail.test SERVFAIL\n"
    "_dmarc.inv.test TXT \"v=DMARC1; p=bogus\"\n"
    "_dmarc.invrua.test TXT \"v=DMARC1; p=bogus; rua=mailto:a@inv.test\"\n"
    "_dmarc.h.i.j.k.example.com TXT \"v=DMARC1; p=none; psd=n\"\n"
    "_dmarc.idn.example.com TXT \"v=DMARC1; p=none; psd=n\"\n"
    "_dmarc.badid.example.com SERVFAIL\n";

struct run {
	struct dmarc   *d;
	const char     *asked[MAX_ASKED];
	size_t		nasked;
	unsigned	rounds;
};

/* run_walk_ids - feed header fields and identifiers, run the walk
 * against walk_zone */
static void
run_walk_ids(struct run *r, const char *const *fields,
    const char *const *ids)
{
	char err[256];
	struct dns_zone *z = dns_zone_parse(walk_zone, strlen(walk_zone),
	    err, sizeof(err));
	const struct spf_question *qs;
	struct spf_question copy[MAX_ASKED];
	struct spf_answer a;
	size_t n, i;

	assert_non_null(z);
	memset(r, 0, sizeof(*r));
	r->d = dmarc_new();
	for (i = 0; fields[i]; i++)
		dmarc_header(r->d, fields[i], strlen(fields[i]));
	for (i = 0; ids && ids[i]; i++)
		dmarc_identifier(r->d, ids[i]);
	dmarc_eoh(r->d);
	while (dmarc_step(r->d, &qs, &n) == SPF_STEP_QUERY) {
		assert_true(n <= MAX_ASKED);
		memcpy(copy, qs, n * sizeof(*qs));
		r->rounds++;
		for (i = 0; i < n; i++) {
			assert_true(r->nasked < MAX_ASKED);
			assert_int_equal(copy[i].type, SPF_RR_TXT);
			r->asked[r->nasked++] = copy[i].name;
			dns_zone_answer(z, &copy[i], &a);
			assert_int_equal(dmarc_feed(r->d, &a), 0);
		}
	}
	assert_int_equal(dmarc_step(r->d, &qs, &n), SPF_STEP_DONE);
	dns_zone_free(z);
}

/* run_walk - header fields only */
static void
run_walk(struct run *r, const char *const *fields)
{
	run_walk_ids(r, fields, NULL);
}

/* eval1 - one From address, SPF and one DKIM identifier */
static const struct dmarc_outcome *
eval1(struct run *r, const char *from, enum spf_result spf,
    const char *spf_dom, const char *dkim_d)
{
	char field[512];
	const char *fields[] = {field, NULL};
	struct dmarc_dkim k = {1, dkim_d};
	struct dmarc_auth auth = {spf, spf_dom, &k, dkim_d ? 1 : 0};

	snprintf(field, sizeof(field), "From: Someone <u@%s>", from);
	run_walk(r, fields);
	return dmarc_evaluate(r->d, &auth);
}

/* test_walk_author - record at the From domain: policy p, one round */
static void
test_walk_author(void **state)
{
	struct run r;
	const struct dmarc_outcome *o;

	(void)state;
	o = eval1(&r, "example.com", SPF_FAIL, NULL, NULL);
	assert_int_equal(o->result, DMARC_FAIL);
	assert_int_equal(o->policy, DMARC_P_REJECT);
	assert_int_equal(o->applied, DMARC_P_REJECT);
	assert_string_equal(o->from, "example.com");
	assert_string_equal(o->org, "example.com");
	assert_string_equal(o->record_domain, "example.com");
	assert_int_equal(r.nasked, 2);
	assert_string_equal(r.asked[0], "_dmarc.example.com");
	assert_string_equal(r.asked[1], "_dmarc.com");
	assert_int_equal(r.rounds, 1);
	dmarc_free(r.d);
}

/* test_walk_parent - no record at the From domain: the parent's, sp=
 * for an existing subdomain, np= for a non-existent one */
static void
test_walk_parent(void **state)
{
	struct run r;
	const struct dmarc_outcome *o;

	(void)state;
	o = eval1(&r, "mail.example.com", SPF_NONE, NULL, NULL);
	assert_int_equal(o->result, DMARC_FAIL);
	assert_int_equal(o->policy, DMARC_P_QUARANTINE);
	assert_string_equal(o->record_domain, "example.com");
	assert_string_equal(o->org, "example.com");
	assert_int_equal(r.nasked, 4);	/* 3 of the walk, 1 existence */
	assert_string_equal(r.asked[3], "mail.example.com");
	dmarc_free(r.d);

	o = eval1(&r, "nx.example.com", SPF_NONE, NULL, NULL);
	assert_int_equal(o->result, DMARC_FAIL);
	assert_int_equal(o->policy, DMARC_P_NONE);	/* np=none */
	dmarc_free(r.d);

	/* np=reject, sp absent: p=none for existing, reject for others */
	o = eval1(&r, "exists.np.test", SPF_NONE, NULL, NULL);
	assert_int_equal(o->policy, DMARC_P_NONE);
	dmarc_free(r.d);
	o = eval1(&r, "nx.np.test", SPF_NONE, NULL, NULL);
	assert_int_equal(o->policy, DMARC_P_REJECT);
	dmarc_free(r.d);
	/* _dmarc.sub.np.test exists, so sub.np.test does: no extra question */
	o = eval1(&r, "sub.np.test", SPF_NONE, NULL, NULL);
	assert_int_equal(o->policy, DMARC_P_NONE);
	assert_int_equal(r.nasked, 3);
	dmarc_free(r.d);
}

/* test_walk_deep - more than eight labels: eight questions, names of
 * seven labels and fewer after the author domain */
static void
test_walk_deep(void **state)
{
	struct run r;
	const struct dmarc_outcome *o;

	(void)state;
	o = eval1(&r, "a.b.c.d.e.f.g.h.i.j.k.example.com", SPF_PASS,
	    "example.com", NULL);
	assert_int_equal(r.nasked, DMARC_MAX_WALK);
	assert_string_equal(r.asked[0],
	    "_dmarc.a.b.c.d.e.f.g.h.i.j.k.example.com");
	assert_string_equal(r.asked[1], "_dmarc.g.h.i.j.k.example.com");
	assert_string_equal(r.asked[2], "_dmarc.h.i.j.k.example.com");
	assert_string_equal(r.asked[7], "_dmarc.com");
	/* the walk stops at h.i.j.k.example.com, psd=n */
	assert_string_equal(o->org, "h.i.j.k.example.com");
	assert_string_equal(o->record_domain, "h.i.j.k.example.com");
	assert_int_equal(o->policy, DMARC_P_NONE);
	assert_int_equal(o->result, DMARC_FAIL);	/* not aligned */
	dmarc_free(r.d);

	o = eval1(&r, "x.y.example.com", SPF_PASS, "example.com", NULL);
	assert_int_equal(o->result, DMARC_PASS);
	assert_string_equal(o->org, "example.com");
	dmarc_free(r.d);
}

/* test_walk_psd - psd=y above: the org is one label below; psd=n: it
 * is the name itself */
static void
test_walk_psd(void **state)
{
	struct run r;
	const struct dmarc_outcome *o;

	(void)state;
	/* record at bank.psd.test and psd=y at psd.test */
	o = eval1(&r, "giant.bank.psd.test", SPF_PASS,
	    "mail.bank.psd.test", NULL);
	assert_string_equal(o->org, "bank.psd.test");
	assert_string_equal(o->record_domain, "bank.psd.test");
	assert_int_equal(o->result, DMARC_PASS);
	dmarc_free(r.d);
	/* no record at mega.psd.test: the PSD's record, org one below */
	o = eval1(&r, "x.mega.psd.test", SPF_PASS, "mega.psd.test", NULL);
	assert_string_equal(o->org, "mega.psd.test");
	assert_string_equal(o->record_domain, "psd.test");
	assert_int_equal(o->policy, DMARC_P_QUARANTINE);
	assert_int_equal(o->result, DMARC_PASS);
	dmarc_free(r.d);
	o = eval1(&r, "x.mega.psd.test", SPF_PASS, "bank.psd.test", NULL);
	assert_int_equal(o->result, DMARC_FAIL);
	dmarc_free(r.d);
	/* psd=y at the author domain itself: its own org */
	o = eval1(&r, "psd.test", SPF_PASS, "x.psd.test", NULL);
	assert_string_equal(o->org, "psd.test");
	assert_int_equal(o->result, DMARC_PASS);
	dmarc_free(r.d);
	/* psd=n at n.deep.test: deep.test's record is not the org's */
	o = eval1(&r, "a.n.deep.test", SPF_PASS, "deep.test", NULL);
	assert_string_equal(o->org, "n.deep.test");
	assert_int_equal(o->policy, DMARC_P_REJECT);
	assert_int_equal(o->result, DMARC_FAIL);
	dmarc_free(r.d);
	/* without psd, the shortest name with a record is the org */
	o = eval1(&r, "own.example.com", SPF_PASS, "example.com", NULL);
	assert_string_equal(o->org, "example.com");
	assert_string_equal(o->record_domain, "own.example.com");
	assert_int_equal(o->result, DMARC_PASS);
	dmarc_free(r.d);
}

/* test_walk_none - no record, several records, not DMARC */
static void
test_walk_none(void **state)
{
	struct run r;
	const struct dmarc_outcome *o;

	(void)state;
	o = eval1(&r, "nothing.invalid", SPF_FAIL, NULL, NULL);
	assert_int_equal(o->result, DMARC_NONE);
	assert_int_equal(o->policy, DMARC_P_NONE);
	assert_string_equal(o->reason, "no policy record");
	dmarc_free(r.d);
	o = eval1(&r, "multi.test", SPF_FAIL, NULL, NULL);
	assert_int_equal(o->result, DMARC_NONE);
	dmarc_free(r.d);
	o = eval1(&r, "inv.test", SPF_FAIL, NULL, NULL);
	assert_int_equal(o->result, DMARC_NONE);
	assert_string_equal(o->reason, "invalid policy record");
	dmarc_free(r.d);
	o = eval1(&r, "invrua.test", SPF_FAIL, NULL, NULL);
	assert_int_equal(o->result, DMARC_FAIL);
	assert_int_equal(o->policy, DMARC_P_NONE);
	dmarc_free(r.d);
}

/* test_align - relaxed and strict, SPF and DKIM */
static void
test_align(void **state)
{
	struct run r;
	const struct dmarc_outcome *o;

	(void)state;
	o = eval1(&r, "example.com", SPF_PASS, "Bounce.Example.COM.", NULL);
	assert_int_equal(o->result, DMARC_PASS);
	assert_int_equal(o->spf_aligned, 1);
	dmarc_free(r.d);
	o = eval1(&r, "example.com", SPF_SOFTFAIL, "example.com", NULL);
	assert_int_equal(o->result, DMARC_FAIL);
	dmarc_free(r.d);
	o = eval1(&r, "example.com", SPF_PASS, "notexample.com", "sig.com");
	assert_int_equal(o->result, DMARC_FAIL);
	dmarc_free(r.d);
	o = eval1(&r, "mail.example.com", SPF_FAIL, NULL, "example.com");
	assert_int_equal(o->result, DMARC_PASS);
	assert_string_equal(o->dkim_aligned, "example.com");
	dmarc_free(r.d);
	o = eval1(&r, "strict.test", SPF_PASS, "mail.strict.test",
	    "mail.strict.test");
	assert_int_equal(o->result, DMARC_FAIL);
	assert_int_equal(o->aspf_strict, 1);
	assert_int_equal(o->adkim_strict, 1);
	dmarc_free(r.d);
	o = eval1(&r, "strict.test", SPF_FAIL, NULL, "STRICT.test");
	assert_int_equal(o->result, DMARC_PASS);
	dmarc_free(r.d);
	o = eval1(&r, "strict.test", SPF_PASS, "strict.test", NULL);
	assert_int_equal(o->result, DMARC_PASS);
	dmarc_free(r.d);
}

/* test_align_failed_dkim - a failing signature never aligns */
static void
test_align_failed_dkim(void **state)
{
	struct run r;
	const char *fields[] = {"From: u@example.com", NULL};
	struct dmarc_dkim k[2] = {{0, "example.com"}, {1, "other.test"}};
	struct dmarc_auth auth = {SPF_NONE, NULL, k, 2};
	const struct dmarc_outcome *o;

	(void)state;
	run_walk(&r, fields);
	o = dmarc_evaluate(r.d, &auth);
	assert_int_equal(o->result, DMARC_FAIL);
	assert_null(o->dkim_aligned);
	k[1].d = "sub.example.com";
	o = dmarc_evaluate(r.d, &auth);
	assert_int_equal(o->result, DMARC_PASS);
	assert_string_equal(o->dkim_aligned, "sub.example.com");
	dmarc_free(r.d);
}

/* test_align_id_walk - identifiers given before the end of the
 * header get their own walk (RFC 9989 4.10.2), asking only the names
 * the author's walk does not */
static void
test_align_id_walk(void **state)
{
	struct run r;
	const char *fields[] = {"From: u@example.com", NULL};
	const char *ids[] = {"Bounce.example.com", "idn.example.com",
	    "sig.other.test", "x.IDN.example.com.", "badid.example.com",
	    NULL};
	struct dmarc_dkim k[2] = {{1, "idn.example.com"},
	    {1, "x.idn.example.com"}};
	struct dmarc_auth auth = {SPF_FAIL, "bounce.example.com", k, 2};
	const struct dmarc_outcome *o;
	const char *psd_from[] = {"From: u@giant.bank.psd.test", NULL};
	const char *psd_ids[] = {"mail.bank.psd.test", "mail.mega.psd.test",
	    NULL};
	struct dmarc_dkim pk = {1, "mail.mega.psd.test"};
	struct dmarc_auth pauth = {SPF_PASS, "mail.bank.psd.test", &pk, 1};

	(void)state;
	run_walk_ids(&r, fields, ids);
	/* 2 for the author; bounce, idn, x.idn, badid: 1 each */
	assert_int_equal(r.nasked, 6);
	assert_int_equal(r.rounds, 1);
	/* idn.example.com publishes psd=n: its own org, not aligned */
	o = dmarc_evaluate(r.d, &auth);
	assert_int_equal(o->result, DMARC_FAIL);
	auth.spf = SPF_PASS;
	o = dmarc_evaluate(r.d, &auth);
	assert_int_equal(o->result, DMARC_PASS);
	assert_int_equal(o->spf_aligned, 1);
	assert_null(o->dkim_aligned);
	/* the identifier's walk failed: unknown, temperror */
	auth.spf_domain = "badid.example.com";
	o = dmarc_evaluate(r.d, &auth);
	assert_int_equal(o->result, DMARC_TEMPERROR);
	assert_string_equal(o->reason,
	    "DNS failure at _dmarc.badid.example.com");
	dmarc_free(r.d);
	/* not given: the approximation aligns idn.example.com */
	run_walk(&r, fields);
	auth.spf = SPF_FAIL;
	o = dmarc_evaluate(r.d, &auth);
	assert_int_equal(o->result, DMARC_PASS);
	dmarc_free(r.d);

	/* RFC 9989's tree walk example with a PSD record */
	run_walk_ids(&r, psd_from, psd_ids);
	o = dmarc_evaluate(r.d, &pauth);
	assert_int_equal(o->result, DMARC_PASS);
	assert_int_equal(o->spf_aligned, 1);
	assert_null(o->dkim_aligned);
	pauth.spf = SPF_FAIL;
	o = dmarc_evaluate(r.d, &pauth);
	assert_int_equal(o->result, DMARC_FAIL);
	dmarc_free(r.d);
}

/* test_testing - t=y: one step milder */
static void
test_testing(void **state)
{
	struct run r;
	const struct dmarc_outcome *o;

	(void)state;
	o = eval1(&r, "t.test", SPF_FAIL, NULL, NULL);
	assert_int_equal(o->result, DMARC_FAIL);
	assert_int_equal(o->testing, 1);
	assert_int_equal(o->policy, DMARC_P_REJECT);
	assert_int_equal(o->applied, DMARC_P_QUARANTINE);
	dmarc_free(r.d);
}

/* test_temperror - DNS failures that decide are temperror, others not */
static void
test_temperror(void **state)
{
	struct run r;
	const struct dmarc_outcome *o;

	(void)state;
	o = eval1(&r, "fail.test", SPF_PASS, "fail.test", NULL);
	assert_int_equal(o->result, DMARC_TEMPERROR);
	assert_string_equal(o->reason, "DNS failure at _dmarc.fail.test");
	dmarc_free(r.d);
	/* a failure above the author's own record: strict or equal
	 * identifiers still decide, relaxed ones cannot */
	o = eval1(&r, "pfail2.test", SPF_PASS, "pfail2.test", NULL);
	assert_int_equal(o->result, DMARC_TEMPERROR);
	dmarc_free(r.d);
	o = eval1(&r, "x.pfail.test", SPF_PASS, "x.pfail.test", NULL);
	assert_int_equal(o->result, DMARC_PASS);
	dmarc_free(r.d);
	o = eval1(&r, "y.pfail.test", SPF_PASS, "pfail.test", NULL);
	assert_int_equal(o->result, DMARC_TEMPERROR);
	dmarc_free(r.d);
	/* the existence test fails: pass stays pass, fail is temperror */
	o = eval1(&r, "x.npfail.test", SPF_PASS, "npfail.test", NULL);
	assert_int_equal(o->result, DMARC_PASS);
	dmarc_free(r.d);
	o = eval1(&r, "x.npfail.test", SPF_FAIL, NULL, NULL);
	assert_int_equal(o->result, DMARC_TEMPERROR);
	dmarc_free(r.d);
}

/* test_expire - unanswered questions after the deadline: temperror */
static void
test_expire(void **state)
{
	struct dmarc *d = dmarc_new();
	const struct spf_question *qs;
	size_t n;
	struct dmarc_auth auth = {SPF_PASS, "example.com", NULL, 0};
	const char *f = "From: u@example.com";

	(void)state;
	dmarc_header(d, f, strlen(f));
	dmarc_eoh(d);
	assert_int_equal(dmarc_step(d, &qs, &n), SPF_STEP_QUERY);
	assert_int_equal(n, 2);
	assert_int_equal(dmarc_step(d, &qs, &n), SPF_STEP_WAIT);
	assert_int_equal(dmarc_evaluate(d, &auth)->result, DMARC_TEMPERROR);
	dmarc_expire(d);
	assert_int_equal(dmarc_step(d, &qs, &n), SPF_STEP_DONE);
	assert_int_equal(dmarc_evaluate(d, &auth)->result, DMARC_TEMPERROR);
	dmarc_free(d);
}

/* test_from_fields - no From, several fields, worst result */
static void
test_from_fields(void **state)
{
	struct run r;
	const char *none[] = {"Subject: hi", "To: a@example.com", NULL};
	const char *bad[] = {"FROM : <a@b", NULL};
	const char *two[] = {"From: u@example.com", "Subject: x",
	    "from:v@nothing.invalid", NULL};
	const char *list[] = {"From: u@nothing.invalid, v@t.test", NULL};
	struct dmarc_auth auth = {SPF_PASS, "example.com", NULL, 0};
	const struct dmarc_outcome *o;

	(void)state;
	run_walk(&r, none);
	o = dmarc_evaluate(r.d, &auth);
	assert_int_equal(o->result, DMARC_PERMERROR);
	assert_string_equal(o->reason, "no From field");
	assert_int_equal(r.nasked, 0);
	dmarc_free(r.d);
	run_walk(&r, bad);
	o = dmarc_evaluate(r.d, &auth);
	assert_int_equal(o->result, DMARC_PERMERROR);
	assert_string_equal(o->reason, "unparseable From field");
	dmarc_free(r.d);
	/* pass for example.com (p=reject), none for nothing.invalid: none
	 * is worse, and its policy is none: a passing domain's p=reject
	 * never applies to another (RFC 7489 6.6.1) */
	run_walk(&r, two);
	o = dmarc_evaluate(r.d, &auth);
	assert_int_equal(o->result, DMARC_NONE);
	assert_string_equal(o->from, "nothing.invalid");
	assert_int_equal(o->policy, DMARC_P_NONE);
	assert_int_equal(o->applied, DMARC_P_NONE);
	dmarc_free(r.d);
	/* none and fail (t.test, p=reject t=y): fail, strictest policy */
	run_walk(&r, list);
	o = dmarc_evaluate(r.d, &auth);
	assert_int_equal(o->result, DMARC_FAIL);
	assert_string_equal(o->from, "t.test");
	assert_int_equal(o->policy, DMARC_P_REJECT);
	assert_int_equal(o->applied, DMARC_P_QUARANTINE);
	dmarc_free(r.d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_from_table),
		cmocka_unit_test(test_from_long),
		cmocka_unit_test(test_record_table),
		cmocka_unit_test(test_record_long),
		cmocka_unit_test(test_walk_author),
		cmocka_unit_test(test_walk_parent),
		cmocka_unit_test(test_walk_deep),
		cmocka_unit_test(test_walk_psd),
		cmocka_unit_test(test_walk_none),
		cmocka_unit_test(test_align),
		cmocka_unit_test(test_align_failed_dkim),
		cmocka_unit_test(test_align_id_walk),
		cmocka_unit_test(test_testing),
		cmocka_unit_test(test_temperror),
		cmocka_unit_test(test_expire),
		cmocka_unit_test(test_from_fields),
	};

	return cmocka_run_group_tests_name("dmarc", tests, NULL, NULL);
}
