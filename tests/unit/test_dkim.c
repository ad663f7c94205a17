/*
 * test_dkim - the DKIM verifier against messages signed by dkimpy
 *
 * The messages, keys and zone under tests/unit/data/dkim were made by
 * gen.py there with dkimpy, an independent signer; dkimpy.txt holds its
 * own verdicts.  Each case feeds one message (possibly altered) to the
 * verifier, answers its key questions from the zone and checks the
 * results a user would see in Authentication-Results: the result, the
 * d=, s=, a= and the reason.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dkim/dkim.h"
#include "dkim/dkim_int.h"
#include "dns/dns.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/xmalloc.h"

#define T_DIR		"tests/unit/data/dkim/"
#define T_MSGS		"msgs/"
#define T_MAX_FILE	(1 << 20)
#define T0		1765000000LL	/* gen.py's clock */

/* key names the fixture zone lacks: DNS outcomes without a key */
static const char t_zone_extra[] =
    "junk._domainkey.example.com TXT \"google-site-verification=x\"\n"
    "junk._domainkey.example.com TXT \"v=spf1 -all\"\n"
    "nodata._domainkey.example.com EXISTS\n"
    "slow._domainkey.example.com TIMEOUT\n"
    "bad._domainkey.example.com TXT \"v=DKIM1; k=rsa; p=AAAA\"\n";

static struct dns_zone *t_zone;

/* t_read - a fixture file (a message: under msgs/), NUL terminated */
static char *
t_read(const char *name, size_t *len)
{
	char path[256], *text;

	snprintf(path, sizeof(path), "%s%s%s", T_DIR, strstr(name, ".eml") ?
	    T_MSGS : "", name);
	if (file_read(path, T_MAX_FILE, &text, len) < 0)
		fail_msg("cannot read %s", path);
	return text;
}

/* t_feed_header - feed the header fields of msg; return body offset */
static size_t
t_feed_header(struct dkim *d, const char *m, size_t len)
{
	size_t off = 0, start = 0;

	while (off < len) {
		const char *nl = memchr(m + off, '\n', len - off);
		size_t end = nl ? (size_t)(nl - m) + 1 : len;

		if (end - off <= 2 && (m[off] == '\n' || (m[off] == '\r' &&
		    end - off == 2))) {
			if (off > start)
				dkim_header(d, m + start, off - start);
			return end;
		}
		if (off > start && m[off] != ' ' && m[off] != '\t') {
			dkim_header(d, m + start, off - start);
			start = off;
		}
		off = end;
	}
	return len;
}

static struct dkim_kcache *t_kc;	/* t_kcache's, else NULL */

/* t_run - verify msg; chunk 0 feeds the body at once */
static struct dkim *
t_run(const char *m, size_t len, long long now, unsigned max, size_t chunk)
{
	struct dkim_params p = {now, max, t_kc};
	struct dkim *d = dkim_new(&p);
	struct spf_job job;
	size_t off = t_feed_header(d, m, len);

	dkim_eoh(d);
	if (chunk == 0)
		chunk = len - off + 1;
	for (; off < len; off += chunk)
		dkim_body(d, m + off, chunk < len - off ? chunk : len - off);
	dkim_eom(d);
	dkim_job(&job, d);
	dns_zone_run(t_zone, &job);
	return d;
}

/* t_edit - the message with one substring replaced */
static char *
t_edit(const char *m, size_t len, const char *from, const char *to,
    size_t *olen)
{
	const char *at = strstr(m, from);
	size_t fl = strlen(from), tl = strlen(to);
	char *o;

	assert_non_null(at);
	o = xmalloc(len - fl + tl + 1);
	memcpy(o, m, (size_t)(at - m));
	memcpy(o + (at - m), to, tl);
	memcpy(o + (at - m) + tl, at + fl, len - (size_t)(at - m) - fl + 1);
	*olen = len - fl + tl;
	return o;
}

struct t_case {
	const char     *file;
	const char     *from, *to;	/* an edit, or NULL */
	long long	now;
	enum dkim_result want;
	const char     *a;
	const char     *reason;		/* NULL for pass */
};

static const struct t_case t_cases[] = {
	{"rsa-s-s.eml", NULL, NULL, T0, DKIM_PASS, "rsa-sha256", NULL},
	{"rsa-r-r.eml", NULL, NULL, T0, DKIM_PASS, "rsa-sha256", NULL},
	{"rsa-r-s.eml", NULL, NULL, T0, DKIM_PASS, "rsa-sha256", NULL},
	{"rsa-s-r.eml", NULL, NULL, T0, DKIM_PASS, "rsa-sha256", NULL},
	{"ed-s-s.eml", NULL, NULL, T0, DKIM_PASS, "ed25519-sha256", NULL},
	{"ed-r-r.eml", NULL, NULL, T0, DKIM_PASS, "ed25519-sha256", NULL},
	{"ed-r-s.eml", NULL, NULL, T0, DKIM_PASS, "ed25519-sha256", NULL},
	{"ed-s-r.eml", NULL, NULL, T0, DKIM_PASS, "ed25519-sha256", NULL},
	/* relaxed body: blanks changed inside and at line ends still pass */
	{"rsa-r-r.eml", "This  body has", "This body  has ", T0, DKIM_PASS,
	    "rsa-sha256", NULL},
	{"rsa-s-s.eml", "This  body has", "This body  has", T0, DKIM_FAIL,
	    "rsa-sha256", "body hash did not verify"},
	/* relaxed header: refolded Subject passes, simple does not */
	{"rsa-r-r.eml", "Subject: a test\r\n  of", "Subject:  a test of",
	    T0, DKIM_PASS, "rsa-sha256", NULL},
	{"rsa-s-s.eml", "Subject: a test\r\n  of", "Subject: a test of",
	    T0, DKIM_FAIL, "rsa-sha256", "signature did not verify"},
	/* trailing empty lines do not count */
	{"rsa-s-s.eml", "the end\r\n\r\n\r\n", "the end\r\n", T0, DKIM_PASS,
	    "rsa-sha256", NULL},
	{"ed-r-r.eml", "the end", "the End", T0, DKIM_FAIL,
	    "ed25519-sha256", "body hash did not verify"},
	{"rsa-r-r.eml", "To: bob", "To: eve", T0, DKIM_FAIL, "rsa-sha256",
	    "signature did not verify"},
	{"ed-s-s.eml", "To: bob", "To: eve", T0, DKIM_FAIL,
	    "ed25519-sha256", "signature did not verify"},
	/* an unsigned header field may change */
	{"rsa-s-s.eml", "by rx.example.net", "by other.example", T0,
	    DKIM_PASS, "rsa-sha256", NULL},
	/* l=: content appended passes, a shorter body fails */
	{"len.eml", "the end\r\n\r\n\r\n", "the end\r\nappended\r\n", T0,
	    DKIM_PASS, "rsa-sha256", NULL},
	{"len.eml", "the end\r\n", "", T0, DKIM_FAIL, "rsa-sha256",
	    "body shorter than l="},
	/* oversigned From: a From added above fails */
	{"over.eml", NULL, NULL, T0, DKIM_PASS, "rsa-sha256", NULL},
	{"over.eml", "From: Alice", "From: mallory@example.org\r\nFrom: Alice",
	    T0, DKIM_FAIL, "rsa-sha256", "signature did not verify"},
	{"rsa-r-r.eml", "From: Alice", "From: mallory@example.org\r\n"
	    "From: Alice", T0, DKIM_PASS, "rsa-sha256", NULL},
	{"sha1.eml", NULL, NULL, T0, DKIM_PERMERROR, "rsa-sha1",
	    "rsa-sha1 is not valid"},
	{"short.eml", NULL, NULL, T0, DKIM_PERMERROR, "rsa-sha256",
	    "RSA key shorter than 1024 bits"},
	{"revoked.eml", NULL, NULL, T0, DKIM_PERMERROR, "rsa-sha256",
	    "key revoked"},
	{"expire.eml", NULL, NULL, T0 + 60, DKIM_PASS, "rsa-sha256", NULL},
	{"expire.eml", NULL, NULL, T0 + 7200, DKIM_PERMERROR, "rsa-sha256",
	    "signature expired"},
	{"strict.eml", NULL, NULL, T0, DKIM_PERMERROR, "rsa-sha256",
	    "key t=s and i= is a subdomain of d="},
	{"sub.eml", NULL, NULL, T0, DKIM_PASS, "rsa-sha256", NULL},
	{"keyh.eml", NULL, NULL, T0, DKIM_PERMERROR, "rsa-sha256",
	    "key h= does not allow sha256"},
	{"nokey.eml", NULL, NULL, T0, DKIM_PERMERROR, "rsa-sha256",
	    "no key"},
	{"servfail.eml", NULL, NULL, T0, DKIM_TEMPERROR, "rsa-sha256",
	    "key lookup failed"},
	{"two.eml", NULL, NULL, T0, DKIM_PASS, "rsa-sha256", NULL},
	{"rsa-r-r.eml", "s=rsa", "s=junk", T0, DKIM_PERMERROR, "rsa-sha256",
	    "key record syntax error"},
	{"rsa-r-r.eml", "s=rsa", "s=nodata", T0, DKIM_PERMERROR,
	    "rsa-sha256", "no key"},
	{"rsa-r-r.eml", "s=rsa", "s=slow", T0, DKIM_TEMPERROR, "rsa-sha256",
	    "key lookup timed out"},
	{"rsa-r-r.eml", "s=rsa", "s=bad", T0, DKIM_PERMERROR, "rsa-sha256",
	    "key p= is not a public key"},
	{"testing.eml", NULL, NULL, T0, DKIM_PASS, "rsa-sha256", NULL},
	{"svc.eml", NULL, NULL, T0, DKIM_PERMERROR, "rsa-sha256",
	    "key s= is not for email"},
	{"mismatch.eml", NULL, NULL, T0, DKIM_PERMERROR, "rsa-sha256",
	    "key type does not match a="},
	{"empty.eml", NULL, NULL, T0, DKIM_PASS, "rsa-sha256", NULL},
	{"empty.eml", "\r\n\r\n", "\r\n\r\n\r\n\r\n", T0, DKIM_PASS,
	    "rsa-sha256", NULL},
	{"empty.eml", "\r\n\r\n", "\r\n\r\nx\r\n", T0, DKIM_FAIL,
	    "rsa-sha256", "body hash did not verify"},
	/* a broken signature field */
	{"rsa-r-r.eml", "v=1;", "v=2;", T0, DKIM_PERMERROR, "rsa-sha256",
	    "v= is not 1"},
	{"rsa-r-r.eml", "h=from : to", "h=to", T0, DKIM_PERMERROR,
	    "rsa-sha256", "h= does not sign From"},
	{"rsa-r-r.eml", "i=@example.com", "i=@example.org", T0,
	    DKIM_PERMERROR, "rsa-sha256", "i= is not in the d= domain"},
	{"rsa-r-r.eml", "q=dns/txt", "q=dns/txt; q=dns/txt", T0,
	    DKIM_PERMERROR, "rsa-sha256", "duplicate tag in tag-list"},
	{"rsa-r-r.eml", "c=relaxed/relaxed", "c=relaxed/fancy", T0,
	    DKIM_PERMERROR, "rsa-sha256", "unknown canonicalization in c="},
	{"rsa-r-r.eml", "bh=", "bh=!", T0, DKIM_PERMERROR, "rsa-sha256",
	    "bh= is not a base64 SHA-256 digest"},
	{"rsa-r-r.eml", "q=dns/txt", "q=http", T0, DKIM_PERMERROR,
	    "rsa-sha256", "q= does not offer dns/txt"},
	{"rsa-r-r.eml", "q=dns/txt", "l=x", T0, DKIM_PERMERROR,
	    "rsa-sha256", "l= is not a number"},
	{"rsa-r-r.eml", "q=dns/txt;", "q=dns/txt;;", T0, DKIM_PERMERROR,
	    "rsa-sha256", "empty tag-spec in tag-list"},
	{"rsa-r-r.eml", "q=dns/txt", "q dns/txt", T0, DKIM_PERMERROR,
	    "rsa-sha256", "tag-spec without '='"},
	{"rsa-r-r.eml", "s=rsa", "s=", T0, DKIM_PERMERROR, "rsa-sha256",
	    "no s= tag"},
	{"rsa-r-r.eml", "t=1765000000", "t=1765000000; x=1764999999", T0,
	    DKIM_PERMERROR, "rsa-sha256", "x= is before t="},
};

/* t_cases_run - every row of t_cases */
static void
t_cases_run(void **state)
{
	size_t k;

	for (k = 0; k < sizeof(t_cases) / sizeof(t_cases[0]); k++) {
		const struct t_case *c = &t_cases[k];
		const struct dkim_sig_result *r;
		size_t len, n;
		char *m = t_read(c->file, &len), *e;
		struct dkim *d;

		if (c->from != NULL) {
			e = t_edit(m, len, c->from, c->to, &len);
			free(m);
			m = e;
		}
		d = t_run(m, len, c->now, 0, 0);
		n = dkim_results(d, &r);
		print_message("# %s %s -> %s (%s)\n", c->file, c->to ? c->to :
		    "", dkim_result_str(r[0].result), r[0].reason);
		assert_true(n >= 1);
		assert_string_equal(dkim_result_str(r[0].result),
		    dkim_result_str(c->want));
		assert_string_equal(r[0].d, "example.com");
		assert_string_equal(r[0].a, c->a);
		assert_string_equal(r[0].reason, c->reason ? c->reason : "");
		assert_int_equal(r[0].testing, strcmp(c->file, "testing.eml") ==
		    0);
		dkim_free(d);
		free(m);
	}
}

/* t_lf - the message with every CRLF made LF */
static char *
t_lf(const char *m, size_t len, size_t *olen)
{
	char *o = xmalloc(len + 1);
	size_t k, n = 0;

	for (k = 0; k < len; k++)
		if (!(m[k] == '\r' && k + 1 < len && m[k + 1] == '\n'))
			o[n++] = m[k];
	o[n] = 0;
	*olen = n;
	return o;
}

/* t_pieces - bare LF and one byte at a time give the same results */
static void
t_pieces(void **state)
{
	static const char *const files[] = {
		"rsa-s-s.eml", "rsa-r-r.eml", "ed-s-r.eml", "len.eml",
		"empty.eml", "multi.eml",
	};
	size_t f, chunk;

	for (f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		size_t len, llen, n, k;
		char *m = t_read(files[f], &len), *lf = t_lf(m, len, &llen);
		const struct dkim_sig_result *r0, *r;
		struct dkim *d0 = t_run(m, len, T0, 0, 0), *d;

		n = dkim_results(d0, &r0);
		for (chunk = 1; chunk <= 3; chunk++) {
			d = t_run(m, len, T0, 0, chunk);
			assert_int_equal(dkim_results(d, &r), n);
			for (k = 0; k < n; k++)
				assert_int_equal(r[k].result, r0[k].result);
			dkim_free(d);
			d = t_run(lf, llen, T0, 0, chunk);
			assert_int_equal(dkim_results(d, &r), n);
			for (k = 0; k < n; k++)
				assert_int_equal(r[k].result, r0[k].result);
			dkim_free(d);
		}
		assert_int_equal(r0[0].result, DKIM_PASS);
		dkim_free(d0);
		free(m);
		free(lf);
	}
}

/* t_multi - several signatures, in header order, and max_sigs */
static void
t_multi(void **state)
{
	size_t len, elen;
	char *m = t_read("multi.eml", &len), *e;
	const struct dkim_sig_result *r;
	struct dkim *d = t_run(m, len, T0, 0, 0);

	assert_int_equal(dkim_results(d, &r), 3);
	assert_int_equal(r[0].result, DKIM_PASS);
	assert_string_equal(r[0].a, "ed25519-sha256");
	assert_string_equal(r[0].s, "ed");
	assert_int_equal(r[0].key_bits, 256);
	assert_int_equal(r[1].result, DKIM_PASS);
	assert_string_equal(r[1].s, "rsa");
	assert_int_equal(r[1].key_bits, 2048);
	assert_int_equal(strlen(r[1].b), 8);
	assert_string_equal(r[1].i, "@example.com");
	assert_int_equal(r[2].result, DKIM_PERMERROR);
	assert_string_equal(r[2].reason, "no key");
	assert_int_equal(r[2].key_bits, 0);
	dkim_free(d);
	/* a signature refused before its key is asked has no key size */
	e = t_edit(m, len, "c=simple/simple", "c=simple/fancy", &elen);
	d = t_run(e, elen, T0, 0, 0);
	assert_int_equal(dkim_results(d, &r), 3);
	assert_int_equal(r[0].result, DKIM_PASS);
	assert_int_equal(r[1].result, DKIM_PERMERROR);
	assert_int_equal(r[1].key_bits, 0);
	dkim_free(d);
	free(e);
	d = t_run(m, len, T0, 2, 0);
	assert_int_equal(dkim_results(d, &r), 2);
	assert_int_equal(r[1].result, DKIM_PASS);
	dkim_free(d);
	free(m);
}

/* t_steps - questions at the end of the header; DONE only after eom */
static void
t_steps(void **state)
{
	struct dkim_params p = {T0, 0, NULL};
	size_t len, off, n;
	char *m = t_read("multi.eml", &len);
	struct dkim *d = dkim_new(&p);
	const struct spf_question *qs;
	const struct dkim_sig_result *r;

	off = t_feed_header(d, m, len);
	assert_int_equal(dkim_step(d, &qs, &n), SPF_STEP_WAIT);
	dkim_eoh(d);
	assert_int_equal(dkim_step(d, &qs, &n), SPF_STEP_QUERY);
	/* one question per distinct key */
	assert_int_equal(n, 3);
	assert_string_equal(qs[0].name, "ed._domainkey.example.com");
	assert_int_equal(qs[0].type, SPF_RR_TXT);
	assert_int_equal(dkim_step(d, &qs, &n), SPF_STEP_WAIT);
	dkim_body(d, m + off, len - off);
	assert_int_equal(dkim_step(d, &qs, &n), SPF_STEP_WAIT);
	dkim_expire(d);
	assert_int_equal(dkim_step(d, &qs, &n), SPF_STEP_WAIT);
	dkim_eom(d);
	assert_int_equal(dkim_step(d, &qs, &n), SPF_STEP_DONE);
	assert_int_equal(dkim_results(d, &r), 3);
	assert_int_equal(r[0].result, DKIM_TEMPERROR);
	assert_string_equal(r[0].reason, "key lookup timed out");
	dkim_free(d);
	free(m);
}

/* t_none - no DKIM-Signature: no results (none) */
static void
t_none(void **state)
{
	static const char msg[] = "From: a@example.com\r\n\r\nbody\r\n";
	const struct dkim_sig_result *r;
	struct dkim *d = t_run(msg, sizeof(msg) - 1, T0, 0, 0);

	assert_int_equal(dkim_results(d, &r), 0);
	assert_string_equal(dkim_result_str(DKIM_NONE), "none");
	dkim_free(d);
}

struct t_tags {
	const char     *text;
	int		ok;		/* 1: parses, with ntags tags */
	size_t		ntags;
	const char     *reason;
};

static const struct t_tags t_tag_rows[] = {
	{"a=1", 1, 1, NULL},
	{"a=1;", 1, 1, NULL},
	{"a=1; \r\n ", 1, 1, NULL},
	{" a = 1 ; b = x y ;c=", 1, 3, NULL},
	{"a=", 1, 1, NULL},
	{"", 0, 0, "empty tag-list"},
	{";", 0, 0, "empty tag-spec in tag-list"},
	{"a=1;;b=2", 0, 0, "empty tag-spec in tag-list"},
	{"a=1; a=2", 0, 0, "duplicate tag in tag-list"},
	{"1a=1", 0, 0, "tag name does not start with a letter"},
	{"a 1", 0, 0, "tag-spec without '='"},
	{"a-b=1", 0, 0, "tag-spec without '='"},
	{"a=1\001", 0, 0, "control character in tag value"},
};

/* t_tags - tag-list syntax (RFC 6376 3.2) */
static void
t_tags(void **state)
{
	struct dkim_tag tags[DKIM_MAX_TAGS];
	size_t k, n;

	for (k = 0; k < sizeof(t_tag_rows) / sizeof(t_tag_rows[0]); k++) {
		const struct t_tags *c = &t_tag_rows[k];
		const char *why = NULL;
		int rc = dkim_tags_parse(c->text, strlen(c->text), tags,
		    DKIM_MAX_TAGS, &n, &why);

		print_message("# tags \"%s\"\n", c->text);
		assert_int_equal(rc, c->ok ? 0 : -1);
		if (c->ok)
			assert_int_equal(n, c->ntags);
		else
			assert_string_equal(why, c->reason);
	}
	assert_int_equal(dkim_tags_parse("b = x y ", 8, tags, 4, &n, NULL), 0);
	assert_int_equal(tags[0].vlen, 3);
	assert_memory_equal(tags[0].val, "x y", 3);
}

struct t_key {
	const char     *text;
	enum dkim_result want;
	const char     *reason;
};

#define T_ED_P	"p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="

static const struct t_key t_key_rows[] = {
	{"v=DKIM1; k=ed25519; " T_ED_P, DKIM_PASS, NULL},
	{"k=ed25519; " T_ED_P, DKIM_PASS, NULL},
	{"k=ed25519; v=DKIM1; " T_ED_P, DKIM_PERMERROR,
	    "key record v= is not DKIM1 first"},
	{"v=DKIM2; k=ed25519; " T_ED_P, DKIM_PERMERROR,
	    "key record v= is not DKIM1 first"},
	{"v=DKIM1; k=dsa; " T_ED_P, DKIM_PERMERROR, "unknown key type k="},
	{"v=DKIM1; k=ed25519", DKIM_PERMERROR, "key record has no p="},
	{"v=DKIM1; p=", DKIM_PASS, NULL},	/* revoked: no key */
	{"v=DKIM1; k=ed25519; p=AAAA", DKIM_PERMERROR,
	    "ed25519 key is not 32 octets"},
	{"v=DKIM1; p=AAAA", DKIM_PERMERROR, "key p= is not a public key"},
	{"v=DKIM1; p=A===", DKIM_PERMERROR, "key p= is not valid base64"},
	{"v=DKIM1; p=AA=A", DKIM_PERMERROR, "key p= is not valid base64"},
	{"v=DKIM1; p=A", DKIM_PERMERROR, "key p= is not valid base64"},
	{"v=DKIM1;; p=A", DKIM_PERMERROR, "key record syntax error"},
	{"v=DKIM1; p=x; p=y", DKIM_PERMERROR, "key record syntax error"},
};

/* t_keys - key records (RFC 6376 3.6.1, RFC 8463 4) */
static void
t_keys(void **state)
{
	struct arena *a = arena_new(1024);
	struct dkim_kcache *kc = dkim_kcache_new(4);
	size_t k;
	int dec;

	/* with d2i_PUBKEY (no cache), then with the cache's own decoder */
	for (dec = 0; dec < 2; dec++)
		for (k = 0; k < sizeof(t_key_rows) / sizeof(t_key_rows[0]);
		    k++) {
			const struct t_key *c = &t_key_rows[k];
			struct dkim_key key;
			const char *why = NULL;

			print_message("# key \"%s\"\n", c->text);
			assert_int_equal(dkim_key_parse(a, c->text,
			    strlen(c->text), &key, dec ? kc : NULL, &why),
			    c->want);
			if (c->want != DKIM_PASS)
				assert_string_equal(why, c->reason);
			dkim_key_release(&key);
		}
	dkim_kcache_free(kc);
	arena_free(a);
}

/* t_bounds - header fields past the bounds are refused */
static void
t_bounds(void **state)
{
	struct dkim_params p = {T0, 0, NULL};
	struct dkim *d = dkim_new(&p);
	size_t k;

	for (k = 0; k < DKIM_MAX_HEADERS; k++)
		assert_int_equal(dkim_header(d, "X-A: b", 6), 0);
	assert_int_equal(dkim_header(d, "X-A: b", 6), -1);
	dkim_free(d);
}

/* t_kcache - keys from the cache give the same results as parsed ones */
static void
t_kcache(void **state)
{
	size_t len, n, k, round;
	char *m = t_read("multi.eml", &len);
	const struct dkim_sig_result *r0, *r;
	struct dkim *d0 = t_run(m, len, T0, 0, 0), *d[3];
	unsigned long hits, misses;

	n = dkim_results(d0, &r0);
	/* room for one key of the two: every message evicts one */
	t_kc = dkim_kcache_new(1);
	for (round = 0; round < 3; round++) {
		d[round] = t_run(m, len, T0, 0, 0);
		assert_int_equal(dkim_results(d[round], &r), n);
		for (k = 0; k < n; k++) {
			assert_int_equal(r[k].result, r0[k].result);
			assert_int_equal(r[k].key_bits, r0[k].key_bits);
		}
	}
	dkim_kcache_stats(t_kc, &hits, &misses, &k);
	assert_int_equal(k, 1);
	assert_int_equal(hits + misses, 6);
	dkim_kcache_free(t_kc);
	t_kc = dkim_kcache_new(8);
	for (round = 0; round < 3; round++) {
		dkim_free(d[round]);
		d[round] = t_run(m, len, T0, 0, 0);
		assert_int_equal(dkim_results(d[round], &r), n);
		for (k = 0; k < n; k++)
			assert_int_equal(r[k].result, r0[k].result);
	}
	dkim_kcache_stats(t_kc, &hits, &misses, &k);
	assert_int_equal(hits, 4);
	assert_int_equal(misses, 2);
	/* the cache may go first: keys given out hold their reference */
	dkim_kcache_free(t_kc);
	t_kc = NULL;
	for (round = 0; round < 3; round++)
		dkim_free(d[round]);
	dkim_free(d0);
	free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_cases_run),
		cmocka_unit_test(t_pieces),
		cmocka_unit_test(t_multi),
		cmocka_unit_test(t_steps),
		cmocka_unit_test(t_none),
		cmocka_unit_test(t_tags),
		cmocka_unit_test(t_keys),
		cmocka_unit_test(t_bounds),
		cmocka_unit_test(t_kcache),
	};
	char err[128];
	size_t len;
	char *z = t_read("zone.txt", &len);
	struct buf zb;
	int rc;

	buf_init(&zb, T_MAX_FILE);
	buf_append(&zb, z, len);
	buf_puts(&zb, t_zone_extra);
	t_zone = dns_zone_parse(zb.data, zb.len, err, sizeof(err));
	buf_free(&zb);
	if (t_zone == NULL) {
		fprintf(stderr, "zone: %s\n", err);
		return 1;
	}
	free(z);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	dns_zone_free(t_zone);
	return rc;
}
