/*
 * test_auth - one message's DKIM and DMARC as one job, and what it
 * gives a user: the Authentication-Results value, the action, the log
 *
 * Signed messages come from the interop corpus (tests/dkim/corpus,
 * signed by dkimpy, Mail::DKIM and OpenDKIM) with its zone; unsigned
 * ones are written here, with a zone of DMARC records of every policy.
 * SPF is what the front end says (struct auth_in).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "auth/auth.h"
#include "conf/conf.h"
#include "dns/dns.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/xmalloc.h"

#define T_CORPUS	"tests/dkim/corpus/"
#define T_MAX_FILE	(1 << 20)
#define T_NOW		1765000000LL	/* after the corpus's t= */
#define T_MAX_STEPS	32
#define T_UNASKED	200000u	/* added to an id: one never asked */

/* DMARC records of every policy, and a domain whose policy times out */
static const char t_zone_text[] =
    "_dmarc.reject.example TXT \"v=DMARC1; p=reject\"\n"
    "_dmarc.quar.example TXT \"v=DMARC1; p=quarantine\"\n"
    "_dmarc.none.example TXT \"v=DMARC1; p=none\"\n"
    "_dmarc.testing.example TXT \"v=DMARC1; p=reject; t=y\"\n"
    "_dmarc.testq.example TXT \"v=DMARC1; p=quarantine; t=y\"\n"
    "_dmarc.down.example TIMEOUT\n"
    "_dmarc.psdn.example TXT \"v=DMARC1; p=none; psd=n\"\n"
    "evil._domainkey.reject.example TXT \"v=DKIM1; p=\"\n";

static struct dns_zone *t_zone;		/* t_zone_text */
static struct dns_zone *t_corpus;	/* the corpus's zone */

/* t_conf - a configuration from rmxf.conf text */
static struct conf *
t_conf(const char *text)
{
	struct buf err;
	struct conf *c;

	buf_init(&err, 1024);
	c = conf_parse(text, strlen(text), "test", &err);
	if (c == NULL)
		fail_msg("conf: %s", err.data ? err.data : "?");
	buf_free(&err);
	return c;
}

/* t_read - a corpus message */
static char *
t_read(const char *name, size_t *len)
{
	char path[256], *text;

	snprintf(path, sizeof(path), "%s%s", T_CORPUS, name);
	if (file_read(path, T_MAX_FILE, &text, len) < 0)
		fail_msg("cannot read %s", path);
	return text;
}

/* t_msg - an unsigned message From: user@DOMAIN */
static char *
t_msg(const char *from_domain)
{
	char *m = xmalloc(512);

	snprintf(m, 512, "From: User <user@%s>\r\nTo: r@rmxf.example\r\n"
	    "Subject: test\r\n\r\nbody\r\n", from_domain);
	return m;
}

/* t_eval - auth_message over msg, run against z */
static struct auth *
t_eval(const struct conf *c, struct dns_zone *z, const char *msg,
    size_t len)
{
	struct auth *a = auth_new(c, T_NOW, NULL);
	struct spf_job job;

	auth_message(a, msg, len);
	auth_job(&job, a);
	dns_zone_run(z, &job);
	assert_true(auth_done(a));
	return a;
}

/* t_in - SPF of the envelope: result for domain */
static struct auth_in
t_in(enum spf_result spf, const char *domain)
{
	struct auth_in in;

	memset(&in, 0, sizeof(in));
	in.authserv_id = "mx.rmxf.example";
	in.spf_checked = 1;
	in.spf = spf;
	in.spf_domain = domain;
	return in;
}

/* t_header_safe - one line of printable ASCII, quotes balanced */
static void
t_header_safe(const char *h)
{
	int inq = 0;
	const char *p;

	for (p = h; *p; p++) {
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
			fail_msg("byte %#x in header: %s",
			    (unsigned char)*p, h);
		if (inq && *p == '\\') {
			if (p[1] == 0)
				fail_msg("lone backslash: %s", h);
			p++;
			continue;
		}
		if (*p == '"')
			inq = !inq;
	}
	if (inq)
		fail_msg("unbalanced quotes: %s", h);
}

/* t_log_safe - the log fields hold no control byte */
static void
t_log_safe(const char *l)
{
	const char *p;

	for (p = l; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p == 0x7f)
			fail_msg("byte %#x in log: %s", (unsigned char)*p, l);
}

/* t_answer - answer every question of qs from z; the answers' statuses */
static void
t_answer(struct auth *a, struct dns_zone *z, const struct spf_question *qs,
    size_t n)
{
	size_t k;

	for (k = 0; k < n; k++) {
		struct spf_answer an;

		dns_zone_answer(z, &qs[k], &an);
		assert_int_equal(auth_feed(a, &an), 0);
	}
}

/* t_fields - the header fields of a CRLF message
 * to a (NULL: none); the body's offset */
static size_t
t_fields(struct auth *a, const char *m)
{
	const char *p = m, *e;

	while ((e = strstr(p, "\r\n")) != NULL && e != p) {
		while (e[2] == ' ' || e[2] == '\t')
			e = strstr(e + 2, "\r\n");
		if (a != NULL)
			auth_header(a, p, (size_t)(e - p));
		p = e + 2;
	}
	return (size_t)(p - m) + 2;
}

/* --- (a) the job contract --- */

/* test_job_ids - dkim asks with even ids, dmarc with odd; two runs */
static void
test_job_ids(void **state)
{
	struct conf *c = t_conf("");
	size_t len, n, k, off;
	char *m = t_read("dkimpy.two-sigs.eml", &len);
	struct auth *a = auth_new(c, T_NOW, NULL);
	const struct spf_question *qs;
	struct spf_question copy[8];
	unsigned even = 0, odd = 0, rounds = 0;
	struct auth_in in = t_in(SPF_NONE, NULL);
	const struct auth_decision *d;

	(void)state;
	off = (size_t)(strstr(m, "\r\n\r\n") - m) + 4;
	/* before the end of the header nothing is asked */
	assert_int_equal(auth_step(a, &qs, &n), SPF_STEP_DONE);
	assert_int_equal(n, 0);
	(void)t_fields(a, m);
	auth_eoh(a);
	while (auth_step(a, &qs, &n) == SPF_STEP_QUERY) {
		assert_true(n <= 8);
		memcpy(copy, qs, n * sizeof(*qs));
		for (k = 0; k < n; k++) {
			if (copy[k].id % 2 == 0) {
				even++;
				assert_non_null(strstr(copy[k].name,
				    "._domainkey."));
			} else {
				odd++;
				assert_memory_equal(copy[k].name, "_dmarc.", 7);
			}
		}
		/* before the end: not DONE while an answer is missing */
		if (n > 1) {
			struct spf_answer an;
			const struct spf_question *q2;
			size_t n2;

			dns_zone_answer(t_corpus, &copy[0], &an);
			assert_int_equal(auth_feed(a, &an), 0);
			assert_int_equal(auth_step(a, &q2, &n2),
			    SPF_STEP_WAIT);
			t_answer(a, t_corpus, copy + 1, n - 1);
		} else
			t_answer(a, t_corpus, copy, n);
		assert_true(++rounds < T_MAX_STEPS);
	}
	assert_false(auth_done(a));
	assert_true(even >= 1);
	assert_true(odd >= 1);
	auth_body(a, m + off, len - off);
	auth_eom(a);
	/* the second run: keys cached in the machine, nothing more asked */
	assert_int_equal(auth_step(a, &qs, &n), SPF_STEP_DONE);
	assert_true(auth_done(a));
	d = auth_decide(a, &in);
	assert_int_equal(d->ndkim, 2);
	assert_int_equal(d->dkim[0].result, DKIM_FAIL);
	assert_int_equal(d->dkim[1].result, DKIM_PASS);
	assert_int_equal(d->dmarc->result, DMARC_PASS);
	assert_int_equal(d->dns_queries, even + odd);
	auth_free(a);
	free(m);
	conf_free(c);
}

/* test_job_refuse - answers nobody asked for are refused */
static void
test_job_refuse(void **state)
{
	struct conf *c = t_conf("");
	size_t len, n, k;
	char *m = t_read("dkimpy.rsa2048-rr.eml", &len);
	struct auth *a = auth_new(c, T_NOW, NULL);
	const struct spf_question *qs;
	struct spf_question copy[8];
	struct spf_answer an;
	const char *body = strstr(m, "\r\n\r\n") + 4;

	(void)state;
	memset(&an, 0, sizeof(an));
	an.status = SPF_DNS_NXDOMAIN;
	assert_int_equal(auth_feed(a, &an), -1);	/* nothing asked */
	auth_message(a, m, (size_t)(body - m));	/* header, empty body */
	auth_free(a);

	a = auth_new(c, T_NOW, NULL);
	(void)t_fields(a, m);
	auth_eoh(a);
	assert_int_equal(auth_step(a, &qs, &n), SPF_STEP_QUERY);
	assert_true(n >= 2 && n <= 8);
	memcpy(copy, qs, n * sizeof(*qs));
	assert_int_equal(copy[0].id % 2, 0);
	for (k = 0; k < n; k++) {
		an.id = copy[k].id + T_UNASKED;	/* same machine */
		assert_int_equal(auth_feed(a, &an), -1);
	}
	/* one answer twice: the second must not count for the other */
	dns_zone_answer(t_corpus, &copy[0], &an);
	assert_int_equal(auth_feed(a, &an), 0);
	dns_zone_answer(t_corpus, &copy[0], &an);
	assert_int_equal(auth_feed(a, &an), -1);
	assert_int_equal(auth_step(a, &qs, &k), SPF_STEP_WAIT);
	t_answer(a, t_corpus, copy + 1, n - 1);
	assert_int_equal(auth_step(a, &qs, &n), SPF_STEP_DONE);
	auth_free(a);
	free(m);
	conf_free(c);
}

/* t_machine_off - only one machine: its ids alone, the other's refused */
static void
t_machine_off(const char *conf, const char *file, unsigned which)
{
	struct conf *c = t_conf(conf);
	size_t len, n, k;
	char *m = t_read(file, &len);
	struct auth *a = auth_new(c, T_NOW, NULL);
	const struct spf_question *qs;
	struct spf_answer an;
	unsigned id;

	auth_message(a, m, len);
	assert_int_equal(auth_step(a, &qs, &n), SPF_STEP_QUERY);
	assert_true(n >= 1);
	for (k = 0; k < n; k++)
		assert_int_equal(qs[k].id % 2, which);
	id = qs[0].id;
	memset(&an, 0, sizeof(an));
	an.id = id ^ 1u;	/* the other machine's, which is off */
	an.status = SPF_DNS_NXDOMAIN;
	assert_int_equal(auth_feed(a, &an), -1);
	t_answer(a, t_corpus, qs, n);
	assert_int_equal(auth_step(a, &qs, &n), SPF_STEP_DONE);
	assert_true(auth_done(a));
	auth_free(a);
	free(m);
	conf_free(c);
}

/* test_job_machine_off - test_dkim = no, test_dmarc = no */
static void
test_job_machine_off(void **state)
{
	(void)state;
	t_machine_off("test_dkim = no\n", "no-signature.eml", 1);
	t_machine_off("test_dmarc = no\n", "dkimpy.rsa2048-rr.eml", 0);
}

/* test_job_expire - missing keys and policy become temperror */
static void
test_job_expire(void **state)
{
	struct conf *c = t_conf("action_dmarc_temperror = defer\n");
	size_t len, n;
	char *m = t_read("dkimpy.rsa2048-rr.eml", &len);
	struct auth *a = auth_new(c, T_NOW, NULL);
	const struct spf_question *qs;
	struct auth_in in = t_in(SPF_NONE, NULL);
	const struct auth_decision *d;

	(void)state;
	auth_message(a, m, len);
	assert_int_equal(auth_step(a, &qs, &n), SPF_STEP_QUERY);
	assert_true(n >= 2);
	assert_false(auth_done(a));
	auth_expire(a);
	assert_int_equal(auth_step(a, &qs, &n), SPF_STEP_DONE);
	assert_true(auth_done(a));
	d = auth_decide(a, &in);
	assert_int_equal(d->ndkim, 1);
	assert_int_equal(d->dkim[0].result, DKIM_TEMPERROR);
	assert_int_equal(d->dmarc->result, DMARC_TEMPERROR);
	assert_int_equal(d->action, CONF_DA_DEFER);
	assert_non_null(strstr(d->header_value, "dkim=temperror"));
	assert_non_null(strstr(d->header_value, "dmarc=temperror"));
	auth_free(a);
	free(m);
	conf_free(c);
}

/* --- (b) the action table --- */

struct t_act {
	const char     *conf;
	const char     *domain;		/* From domain (t_zone_text) */
	enum spf_result	spf;
	int		observe, nodmarc;
	enum conf_dmarc_action want;
	const char     *observed;	/* NULL: none */
	const char     *dis;		/* in the header */
	const char     *policy;		/* the log's policy= */
};

static const struct t_act t_acts[] = {
	{"", "reject.example", SPF_FAIL, 0, 0, CONF_DA_REJECT, NULL,
	    "(p=reject dis=reject)", "reject"},
	{"action_dmarc_reject = quarantine\n", "reject.example", SPF_FAIL,
	    0, 0, CONF_DA_QUARANTINE, NULL, "(p=reject dis=quarantine)",
	    "reject"},
	{"action_dmarc_reject = mark\n", "reject.example", SPF_FAIL, 0, 0,
	    CONF_DA_MARK, NULL, "(p=reject dis=none)", "reject"},
	{"action_dmarc_reject = defer\n", "reject.example", SPF_FAIL, 0, 0,
	    CONF_DA_DEFER, NULL, "(p=reject dis=none)", "reject"},
	{"action_dmarc_reject = observe\n", "reject.example", SPF_FAIL, 0, 0,
	    CONF_DA_MARK, "action_dmarc_reject", "(p=reject dis=none)",
	    "reject"},
	{"", "reject.example", SPF_PASS, 0, 0, CONF_DA_MARK, NULL,
	    "(p=reject dis=none)", "reject"},
	{"", "quar.example", SPF_FAIL, 0, 0, CONF_DA_QUARANTINE, NULL,
	    "(p=quarantine dis=quarantine)", "quarantine"},
	{"action_dmarc_quarantine = reject\n", "quar.example", SPF_FAIL, 0,
	    0, CONF_DA_REJECT, NULL, "(p=quarantine dis=reject)",
	    "quarantine"},
	{"action_dmarc_quarantine = observe\n", "quar.example", SPF_FAIL, 0,
	    0, CONF_DA_MARK, "action_dmarc_quarantine",
	    "(p=quarantine dis=none)", "quarantine"},
	{"", "none.example", SPF_FAIL, 0, 0, CONF_DA_MARK, NULL,
	    "(p=none dis=none)", "none"},
	{"action_dmarc_temperror = reject\n", "down.example", SPF_FAIL, 0, 0,
	    CONF_DA_REJECT, NULL, "dis=reject", NULL},
	{"action_dmarc_temperror = defer\n", "down.example", SPF_FAIL, 0, 0,
	    CONF_DA_DEFER, NULL, "dis=none", NULL},
	{"", "down.example", SPF_FAIL, 0, 0, CONF_DA_MARK, NULL, "dis=none",
	    NULL},
	{"action_dmarc_temperror = defer\n", "down.example", SPF_FAIL, 1, 0,
	    CONF_DA_MARK, "action_dmarc_temperror", "dis=none", NULL},
	{"", "reject.example", SPF_FAIL, 1, 0, CONF_DA_MARK,
	    "action_dmarc_reject", "(p=reject dis=none)", "reject"},
	{"", "quar.example", SPF_FAIL, 1, 0, CONF_DA_MARK,
	    "action_dmarc_quarantine", "(p=quarantine dis=none)",
	    "quarantine"},
	{"", "reject.example", SPF_FAIL, 0, 1, CONF_DA_MARK, NULL,
	    "(p=reject dis=none)", "reject"},
	{"", "reject.example", SPF_FAIL, 1, 1, CONF_DA_MARK,
	    "action_dmarc_reject", "(p=reject dis=none)", "reject"},
	/* t=y: one step milder (RFC 9989) */
	{"", "testing.example", SPF_FAIL, 0, 0, CONF_DA_QUARANTINE, NULL,
	    "dis=quarantine", "quarantine"},
	{"", "testq.example", SPF_FAIL, 0, 0, CONF_DA_MARK, NULL,
	    "dis=none", "none"},
};

/* t_act_one - one row of t_acts */
static void
t_act_one(const struct t_act *t)
{
	struct conf *c = t_conf(t->conf);
	char *m = t_msg(t->domain), want[128];
	struct auth *a = t_eval(c, t_zone, m, strlen(m));
	struct auth_in in = t_in(t->spf, t->domain);
	const struct auth_decision *d;

	in.observe = t->observe;
	in.nodmarc = t->nodmarc;
	d = auth_decide(a, &in);
	assert_int_equal(d->action, t->want);
	if (t->observed)
		assert_string_equal(d->observed, t->observed);
	else
		assert_null(d->observed);
	assert_non_null(strstr(d->header_value, t->dis));
	snprintf(want, sizeof(want), " dmarc_action=%s",
	    conf_dmarc_action_str(t->want));
	assert_non_null(strstr(d->log, want));
	if (t->observed) {
		snprintf(want, sizeof(want), " observed=%s", t->observed);
		assert_non_null(strstr(d->log, want));
	} else
		assert_null(strstr(d->log, "observed="));
	if (t->policy) {
		snprintf(want, sizeof(want), " policy=%s ", t->policy);
		assert_non_null(strstr(d->log, want));
	}
	if (t->want != CONF_DA_REJECT && t->want != CONF_DA_DEFER)
		assert_null(d->text);
	t_header_safe(d->header_value);
	t_log_safe(d->log);
	auth_free(a);
	free(m);
	conf_free(c);
}

/* test_actions - the configuration's action for each outcome */
static void
test_actions(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t_acts) / sizeof(t_acts[0]); i++)
		t_act_one(&t_acts[i]);
}

/* test_reply - the reply of a reject and of a defer */
static void
test_reply(void **state)
{
	struct conf *c = t_conf("action_dmarc_temperror = defer\n"
	    "defer_code = 421\ndefer_enhanced_code = 4.4.3\n");
	char *m = t_msg("reject.example"), *m2 = t_msg("down.example");
	struct auth *a = t_eval(c, t_zone, m, strlen(m));
	struct auth *b = t_eval(c, t_zone, m2, strlen(m2));
	struct auth_in in = t_in(SPF_FAIL, "reject.example");
	const struct auth_decision *d;

	(void)state;
	d = auth_decide(a, &in);
	assert_int_equal(d->action, CONF_DA_REJECT);
	assert_int_equal(d->code, 550);
	assert_string_equal(d->enhanced, "5.7.1");
	assert_non_null(strstr(d->text, "reject.example"));
	assert_non_null(strstr(d->header_value,
	    "dmarc=fail (p=reject dis=reject) header.from=reject.example"));
	in.spf_domain = "down.example";
	d = auth_decide(b, &in);
	assert_int_equal(d->action, CONF_DA_DEFER);
	assert_int_equal(d->code, 421);
	assert_string_equal(d->enhanced, "4.4.3");
	assert_non_null(strstr(d->text, "down.example"));
	auth_free(a);
	auth_free(b);
	free(m);
	free(m2);
	conf_free(c);
}

/* --- (c) the header --- */

/* test_header_none - dkim=none without signatures; spf_method first */
static void
test_header_none(void **state)
{
	struct conf *c = t_conf("");
	char *m = t_msg("none.example");
	struct auth *a = t_eval(c, t_zone, m, strlen(m));
	struct auth_in in = t_in(SPF_PASS, "none.example");
	const struct auth_decision *d;

	(void)state;
	in.spf_method = "spf=pass smtp.mailfrom=user@none.example";
	d = auth_decide(a, &in);
	assert_string_equal(d->header_value, "mx.rmxf.example; "
	    "spf=pass smtp.mailfrom=user@none.example; dkim=none; "
	    "dmarc=pass (p=none dis=none) header.from=none.example");
	assert_non_null(strstr(d->log, " dkim=none dmarc=pass "
	    "from=none.example policy=none dmarc_action=mark"));
	auth_free(a);
	free(m);
	conf_free(c);
}

/* test_header_sigs - one dkim= per signature, in header order */
static void
test_header_sigs(void **state)
{
	struct conf *c = t_conf("");
	size_t len;
	char *m = t_read("dkimpy.two-sigs.eml", &len);
	struct auth *a = t_eval(c, t_corpus, m, len);
	struct auth_in in = t_in(SPF_FAIL, "two-sigs.dkimpy.example");
	const struct auth_decision *d;

	(void)state;
	in.spf_method = "spf=fail smtp.mailfrom=two-sigs.dkimpy.example";
	d = auth_decide(a, &in);
	assert_string_equal(d->header_value, "mx.rmxf.example; "
	    "spf=fail smtp.mailfrom=two-sigs.dkimpy.example; "
	    "dkim=fail reason=\"signature did not verify\" "
	    "header.d=two-sigs.dkimpy.example header.s=sel-rsa2048 "
	    "header.a=rsa-sha256 header.b=C25wNLml; "
	    "dkim=pass header.d=two-sigs.dkimpy.example header.s=sel-rsa2048 "
	    "header.a=rsa-sha256 header.b=NcjdvCRt; "
	    "dmarc=pass (p=reject dis=none) "
	    "header.from=two-sigs.dkimpy.example");
	assert_non_null(strstr(d->log, " dkim=fail:two-sigs.dkimpy.example:"
	    "sel-rsa2048,pass:two-sigs.dkimpy.example:sel-rsa2048 "));
	assert_ptr_equal(d->dmarc->dkim_aligned != NULL, 1);
	auth_free(a);
	free(m);
	conf_free(c);
}

/* t_hostile - a message whose signature and From carry hostile bytes */
static const char t_hostile_msg[] =
    "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; "
    "d=reject.example; s=ev\"il\\ \x01x\x7f\xc3\xa9; h=from;\r\n"
    " bh=AAAA; b=ab\"c\r\n"
    "DKIM-Signature: v=1; a=rsa-\"sha256\r\nX-Injected: yes; d=reject."
    "example; s=evil; h=from; bh=AAAA; b=AAAA\r\n"
    "DKIM-Signature: v=1; a=rsa-sha256; d=reject.example; "
    "s=a\"b c\t\xc3\xa9; h=from; bh=AAAA; b=AAAA\r\n"
    "From: \"Eve\" <eve@reject.example>\r\n"
    "\r\nbody\r\n";

/* test_header_hostile - hostile values come out as safe quoted-strings */
static void
test_header_hostile(void **state)
{
	struct conf *c = t_conf("");
	struct auth *a = t_eval(c, t_zone, t_hostile_msg,
	    sizeof(t_hostile_msg) - 1);
	struct auth_in in = t_in(SPF_FAIL, "reject.example");
	const struct auth_decision *d;
	size_t i;

	(void)state;
	in.authserv_id = "mx\r\nX-Evil: \"yes";
	in.spf_domain = "reject.example\r\nX: \"";
	d = auth_decide(a, &in);
	t_header_safe(d->header_value);
	t_log_safe(d->log);
	assert_null(strstr(d->header_value, "X-Injected"));
	assert_non_null(strstr(d->header_value, " header.s=\"a\\\"b c"));
	assert_true(d->ndkim >= 3);
	for (i = 0; i < d->ndkim; i++)
		assert_int_not_equal(d->dkim[i].result, DKIM_PASS);
	/* each reason= once per signature that is not a pass */
	{
		const char *p = d->header_value;
		size_t nr = 0;

		while ((p = strstr(p, "reason=")) != NULL) {
			nr++;
			assert_int_equal(p[7], '"');
			assert_int_not_equal(p[8], '"');
			p++;
		}
		assert_int_equal(nr, d->ndkim);
	}
	if (d->text)
		t_log_safe(d->text);
	auth_free(a);
	conf_free(c);
}

/* t_crlf_to_lf - the message with every CRLF made LF */
static char *
t_crlf_to_lf(const char *m, size_t len, size_t *olen)
{
	char *o = xmalloc(len + 1);
	size_t i, k = 0;

	for (i = 0; i < len; i++)
		if (!(m[i] == '\r' && i + 1 < len && m[i + 1] == '\n'))
			o[k++] = m[i];
	o[k] = 0;
	*olen = k;
	return o;
}

/* t_value - the header value of msg, copied */
static char *
t_value(const struct conf *c, const char *msg, size_t len)
{
	struct auth *a = t_eval(c, t_corpus, msg, len);
	struct auth_in in = t_in(SPF_NONE, NULL);
	char *v = xstrdup(auth_decide(a, &in)->header_value);

	auth_free(a);
	return v;
}

/* test_msg_line_ends - LF and CRLF messages give the same results */
static void
test_msg_line_ends(void **state)
{
	static const char *const files[] = {"dkimpy.rsa2048-ss.eml",
	    "mail-dkim.folded.eml", "opendkim.folded-ss.eml",
	    "dkimpy.two-sigs.eml"};
	struct conf *c = t_conf("");
	size_t i, len, llen;

	(void)state;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char *m = t_read(files[i], &len), *lf, *v1, *v2;

		lf = t_crlf_to_lf(m, len, &llen);
		assert_true(llen < len);
		v1 = t_value(c, m, len);
		v2 = t_value(c, lf, llen);
		assert_string_equal(v1, v2);
		assert_non_null(strstr(v1, "dkim=pass"));
		assert_non_null(strstr(v1, "dmarc=pass"));
		free(v1);
		free(v2);
		free(lf);
		free(m);
	}
	conf_free(c);
}

/* test_msg_mbox_from - a first "From " line is the envelope, no field */
static void
test_msg_mbox_from(void **state)
{
	static const char env[] = "From bounce@x.example Mon Dec  1 00:00:00 "
	    "2025\n";
	struct conf *c = t_conf("");
	size_t len;
	char *m = t_read("dkimpy.rsa2048-ss.eml", &len);
	char *mb = xmalloc(len + sizeof(env));
	char *v1, *v2;

	(void)state;
	memcpy(mb, env, sizeof(env) - 1);
	memcpy(mb + sizeof(env) - 1, m, len);
	v1 = t_value(c, m, len);
	v2 = t_value(c, mb, len + sizeof(env) - 1);
	assert_string_equal(v1, v2);
	assert_non_null(strstr(v2, "dkim=pass"));
	assert_non_null(strstr(v2, "dmarc=pass"));
	free(v1);
	free(v2);
	free(mb);
	free(m);
	conf_free(c);
}

/* test_msg_no_body - text without an empty line is all header */
static void
test_msg_no_body(void **state)
{
	struct conf *c = t_conf("");
	size_t len;
	char *m = t_read("dkimpy.empty-body-rr.eml", &len), *v;

	(void)state;
	/* the file ends with the empty line: take it off */
	assert_true(len > 4);
	assert_memory_equal(m + len - 4, "\r\n\r\n", 4);
	v = t_value(c, m, len - 2);
	assert_non_null(strstr(v, "dkim=pass"));
	assert_non_null(strstr(v, "dmarc=pass"));
	free(v);
	/* and without the last line end either */
	v = t_value(c, m, len - 4);
	assert_non_null(strstr(v, "dkim=pass"));
	free(v);
	free(m);
	conf_free(c);
}

/* test_msg_nul - a NUL byte is a byte: it breaks the body hash */
static void
test_msg_nul(void **state)
{
	struct conf *c = t_conf("");
	size_t len;
	char *m = t_read("dkimpy.rsa2048-rr.eml", &len), *v;
	char *n = xmalloc(len + 3);

	(void)state;
	memcpy(n, m, len);
	memcpy(n + len, "\0\r\n", 3);
	v = t_value(c, n, len + 3);
	assert_non_null(strstr(v, "dkim=fail reason=\"body hash did not "
	    "verify\""));
	t_header_safe(v);
	free(v);
	/* a NUL at the end of a signed field is part of its value: a
	 * field cut at the NUL would still verify */
	{
		const char *subj = strstr(m, "\nSubject:");
		size_t at = (size_t)(strstr(subj, "\r\n") - m);

		memcpy(n, m, at);
		n[at] = 0;
		memcpy(n + at + 1, m + at, len - at);
	}
	v = t_value(c, n, len + 1);
	assert_non_null(strstr(v, "dkim=fail reason=\"signature did not "
	    "verify\""));
	t_header_safe(v);
	free(v);
	free(n);
	free(m);
	conf_free(c);
}

/* test_msg_chunks - a body fed in 64 KiB pieces equals one piece */
static void
test_msg_chunks(void **state)
{
	struct conf *c = t_conf("");
	size_t len, big, off, k;
	char *m = t_read("dkimpy.rsa2048-rr.eml", &len), *b, *v1, *v2;
	struct auth *a;
	struct spf_job job;
	struct auth_in in = t_in(SPF_NONE, NULL);

	(void)state;
	/* relaxed body: trailing empty lines do not count; a CRLF
	 * straddles each 65536-octet boundary of the body */
	big = len + 3 * 65536 + 1;
	b = xmalloc(big);
	memcpy(b, m, len);
	off = t_fields(NULL, m);
	k = len;
	if ((len - off) % 2 == 0)
		b[k++] = ' ';
	while (k + 1 < big) {
		b[k++] = '\r';
		b[k++] = '\n';
	}
	big = k;
	v1 = t_value(c, b, big);
	a = auth_new(c, T_NOW, NULL);
	(void)t_fields(a, b);
	auth_eoh(a);
	auth_body(a, b + off, big - off);
	auth_eom(a);
	auth_job(&job, a);
	dns_zone_run(t_corpus, &job);
	v2 = xstrdup(auth_decide(a, &in)->header_value);
	assert_string_equal(v1, v2);
	assert_non_null(strstr(v1, "dkim=pass"));
	auth_free(a);
	free(v1);
	free(v2);
	free(b);
	free(m);
	conf_free(c);
}

/* test_msg_tests_off - test_dkim = no, test_dmarc = no */
static void
test_msg_tests_off(void **state)
{
	static const char *const confs[] = {"test_dkim = no\n",
	    "test_dmarc = no\n", "test_dkim = no\ntest_dmarc = no\n"};
	size_t len, i;
	char *m = t_read("dkimpy.rsa2048-rr.eml", &len);
	struct auth_in in = t_in(SPF_FAIL, "rsa2048-rr.dkimpy.example");

	(void)state;
	for (i = 0; i < 3; i++) {
		struct conf *c = t_conf(confs[i]);
		struct auth *a = t_eval(c, t_corpus, m, len);
		const struct auth_decision *d = auth_decide(a, &in);
		int dk = i == 1, dm = i == 0;

		assert_int_equal(d->dkim_checked, dk);
		assert_int_equal(strstr(d->header_value, "dkim=") != NULL, dk);
		assert_int_equal(strstr(d->log, "dkim=") != NULL, dk);
		assert_int_equal(d->dmarc != NULL, dm);
		assert_int_equal(strstr(d->header_value, "dmarc=") != NULL, dm);
		assert_int_equal(strstr(d->log, "dmarc=") != NULL, dm);
		/* without DKIM, SPF fails: DMARC fails under p=reject */
		if (dm)
			assert_int_equal(d->action, CONF_DA_REJECT);
		auth_free(a);
		conf_free(c);
	}
	free(m);
}

/* test_sig_choice - max_sigs signatures of other domains added on top
 * do not push out the From domain's own: it is verified first, the
 * junk that does not parse is permerror and costs no slot */
static void
test_sig_choice(void **state)
{
	static const char junk[] = "DKIM-Signature: v=1; a=rsa-sha256; "
	    "d=x%d.example; s=s; h=from; bh=AA==; b=AA==\r\n";
	static const char other[] = "DKIM-Signature: v=1; a=rsa-sha256; "
	    "c=relaxed/relaxed; d=relay%d.example; s=s; h=from; "
	    "bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=AAAA\r\n";
	struct conf *c = t_conf("dkim_max_signatures = 2\n");
	const struct auth_decision *dec;
	struct auth_in in = t_in(SPF_FAIL, "other.example");
	struct buf m;
	char *good, line[256];
	size_t len, i;
	struct auth *a;

	(void)state;
	good = t_read("dkimpy.rsa2048-rr.eml", &len);
	buf_init(&m, T_MAX_FILE);
	for (i = 0; i < 3; i++) {
		snprintf(line, sizeof(line), other, (int)i);
		buf_puts(&m, line);
		snprintf(line, sizeof(line), junk, (int)i);
		buf_puts(&m, line);
	}
	buf_append(&m, good, len);
	a = t_eval(c, t_corpus, m.data, m.len);
	dec = auth_decide(a, &in);
	/* in header order: relay0's (verified second: no key), the 3 junk
	 * (permerror), the author's (verified first: pass); relay1's and
	 * relay2's are not reported */
	assert_int_equal(dec->ndkim, 5);
	assert_string_equal(dec->dkim[0].d, "relay0.example");
	assert_int_equal(dec->dkim[0].result, DKIM_PERMERROR);
	assert_string_equal(dec->dkim[0].reason, "no key");
	for (i = 1; i < 4; i++)
		assert_int_equal(dec->dkim[i].result, DKIM_PERMERROR);
	assert_string_equal(dec->dkim[4].d, "rsa2048-rr.dkimpy.example");
	assert_int_equal(dec->dkim[4].result, DKIM_PASS);
	assert_int_equal(dec->dmarc->result, DMARC_PASS);
	assert_int_equal(dec->action, CONF_DA_MARK);
	auth_free(a);
	buf_free(&m);
	free(good);
	conf_free(c);
}

/* test_job_moot - once DMARC is decided (psd=n at the author domain),
 * its questions still out (the walk's parents) do not hold the job: no
 * end of message waits for an answer nobody needs */
static void
test_job_moot(void **state)
{
	struct conf *c = t_conf("");
	struct auth *a = auth_new(c, T_NOW, NULL);
	const struct spf_question *qs;
	char *m = t_msg("psdn.example");
	size_t n, k;
	int answered = 0;

	(void)state;
	auth_message(a, m, strlen(m));
	assert_int_equal(auth_step(a, &qs, &n), SPF_STEP_QUERY);
	assert_true(n > 1);		/* the walk's questions at once */
	for (k = 0; k < n; k++) {
		struct spf_answer an;

		if (strcmp(qs[k].name, "_dmarc.psdn.example") != 0)
			continue;
		dns_zone_answer(t_zone, &qs[k], &an);
		assert_int_equal(auth_feed(a, &an), 0);
		answered = 1;
	}
	assert_true(answered);
	assert_int_equal(auth_step(a, &qs, &n), SPF_STEP_DONE);
	assert_true(auth_done(a));
	auth_free(a);
	free(m);
	conf_free(c);
}

/* test_header_bound - 50 signatures with 240-octet d= and s= do not fit
 * AUTH_MAX_HEADER: whole dkim= clauses are left out, dmarc= is kept; a
 * 253-octet domain is not cut */
static void
test_header_bound(void **state)
{
	struct conf *c = t_conf("");
	const struct auth_decision *dec;
	struct auth_in in = t_in(SPF_PASS, "reject.example");
	char label[64], dom[256], sel[241], line[1024];
	struct buf m;
	struct auth *a;
	size_t i;

	(void)state;
	memset(label, 'a', sizeof(label) - 1);
	label[sizeof(label) - 1] = 0;
	snprintf(dom, sizeof(dom), "%.63s.%.63s.%.63s.%.53s.example", label,
	    label, label, label);
	assert_int_equal(strlen(dom), 253);
	memset(sel, 's', sizeof(sel) - 1);
	sel[sizeof(sel) - 1] = 0;
	buf_init(&m, T_MAX_FILE);
	for (i = 0; i < 50; i++) {
		snprintf(line, sizeof(line), "DKIM-Signature: v=1; "
		    "a=rsa-sha256; d=%s; s=%s; h=from; bh=AA==; b=AA==\r\n",
		    dom, sel);
		buf_puts(&m, line);
	}
	buf_puts(&m, "From: u@reject.example\r\n\r\nbody\r\n");
	a = t_eval(c, t_zone, m.data, m.len);
	dec = auth_decide(a, &in);
	t_header_safe(dec->header_value);
	assert_true(strlen(dec->header_value) <= AUTH_MAX_HEADER);
	assert_non_null(strstr(dec->header_value, "; dmarc=pass (p=reject "
	    "dis=none) header.from=reject.example"));
	snprintf(line, sizeof(line), "header.d=%s ", dom);
	assert_non_null(strstr(dec->header_value, line));
	assert_true(dec->ndkim > 10);	/* more than fit */
	auth_free(a);
	buf_free(&m);
	conf_free(c);
}

int
main(void)
{
	char err[256];
	size_t len;
	char *zt;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_job_ids),
		cmocka_unit_test(test_job_refuse),
		cmocka_unit_test(test_job_machine_off),
		cmocka_unit_test(test_job_expire),
		cmocka_unit_test(test_actions),
		cmocka_unit_test(test_reply),
		cmocka_unit_test(test_header_none),
		cmocka_unit_test(test_header_sigs),
		cmocka_unit_test(test_header_hostile),
		cmocka_unit_test(test_msg_line_ends),
		cmocka_unit_test(test_msg_mbox_from),
		cmocka_unit_test(test_msg_no_body),
		cmocka_unit_test(test_msg_nul),
		cmocka_unit_test(test_msg_chunks),
		cmocka_unit_test(test_msg_tests_off),
		cmocka_unit_test(test_sig_choice),
		cmocka_unit_test(test_job_moot),
		cmocka_unit_test(test_header_bound),
	};
	int rc;

	t_zone = dns_zone_parse(t_zone_text, sizeof(t_zone_text) - 1, err,
	    sizeof(err));
	zt = t_read("zone", &len);
	t_corpus = dns_zone_parse(zt, len, err, sizeof(err));
	if (t_zone == NULL || t_corpus == NULL) {
		fprintf(stderr, "zone: %s\n", err);
		return 1;
	}
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	dns_zone_free(t_zone);
	dns_zone_free(t_corpus);
	free(zt);
	return rc;
}
