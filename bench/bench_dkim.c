/*
 * NAME
 *	bench_dkim 1
 * SUMMARY
 *	DKIM + DMARC verification in one process, against OpenSSL's floor
 * SYNOPSIS
 *	bench_dkim -m DIR [-z ZONE] [-o MODE] [-n ROUNDS] [-c COUNT] [-k KEYS]
 * DESCRIPTION
 *	Reads the message set of DIR (bench/dkim/gen.py: DIR/index, the
 *	files under DIR/msg) and the zone that verifies it (-z, by default
 *	DIR/dkim.zone) into memory, then runs bench_loop(): ROUNDS times
 *	(1 by default) over every message (the first COUNT only with -c),
 *	in one of these MODEs:
 *
 *	rmxf	(the default) what rmxfd's Milter runs per message for DKIM
 *		and DMARC, without the Milter: dkim(3) fed every header field
 *		as received, the end of the header, the body in chunks of
 *		65535 octets and the end of the message, its key questions
 *		answered from the in-memory zone (dns_zone_run); dmarc(3) fed
 *		the same header fields, its policy walk answered from the
 *		zone, then dmarc_evaluate() with SPF pass for the MAIL FROM
 *		domain and the DKIM results.  Each result is checked against
 *		the index (the dkim= list and dmarc=); a difference is
 *		counted as wrong and the first one printed.
 *	auth	the same through auth(3), as the Milter front end calls it
 *		(embedded default configuration, its Authentication-Results
 *		value and log fields formatted, the decision made).
 *	floor	what OpenSSL must do whatever the verifier: per signature of
 *		the message, one verification of a header-sized input
 *		(BENCH_DKIM_HDR_INPUT octets) with a key of the same kind and
 *		size (RSA-2048 or ed25519, made once here, its EVP_PKEY kept;
 *		the key's parsing from its DNS record is not counted): RSA a
 *		SHA-256 and EVP_PKEY_verify() on a new EVP_PKEY_CTX, ed25519
 *		EVP_DigestVerify().
 *	hash	floor plus one SHA-256 over the message's body octets (the
 *		body hash, which no verifier can skip either).
 *
 *	-k KEYS: rmxf and auth keep parsed keys in a dkim_kcache of KEYS
 *	entries, as rmxfd does, and go once over the messages before
 *	bench_loop(), so that the counted pass finds every key that fits
 *	there already parsed.  Without -k every key is parsed for each
 *	message.
 *
 *	The zone's keys, the messages and OpenSSL's keys are all made
 *	before bench_loop(), so that a callgrind run with
 *	--toggle-collect=bench_loop counts the verification alone.  Prints
 *	one line: mode, messages, signatures, wrong, seconds, messages per
 *	second.
 *
 *	Benchmarks print figures: the exit status says whether the
 *	benchmark could run, not how fast anything was.
 * DIAGNOSTICS
 *	Exit 0 when it ran (wrong verdicts included), 1 when a message, the
 *	zone or OpenSSL failed, 64 for bad arguments.
 * SEE ALSO
 *	bench/dkim/gen.py, bench/dkim/callgrind.sh, doc/benchmarks.md,
 *	dkim(3), dmarc(3), auth(3)
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "auth/auth.h"
#include "conf/conf.h"
#include "dkim/dkim.h"
#include "dmarc/dmarc.h"
#include "dns/dns.h"
#include "util/buf.h"
#include "util/msg.h"
#include "util/xmalloc.h"
#include "benchlib.h"

#define BENCH_DKIM_NOW		(1796601600LL + 86400)	/* a day after t= */
#define BENCH_DKIM_CHUNK	65535	/* body octets a call, as the Milter */
#define BENCH_DKIM_MAX_MSGS	100000
#define BENCH_DKIM_MSG_MAX	(4 << 20)	/* octets of one message */
#define BENCH_DKIM_LINE		1024	/* a line of the index */
#define BENCH_DKIM_MAX_HDRS	256	/* header fields of one message */
#define BENCH_DKIM_HDR_INPUT	600	/* the floor's signed input, octets:
					 * a signed header block's size */
#define BENCH_DKIM_MAX_ROUNDS	100000
#define BENCH_DKIM_WHY		512
#define BENCH_DKIM_AUTHSERV	"mx.rx.example.org"

/* A header field as received: "Name:value", folding in, no last CRLF. */
struct bench_dkim_field {
	const char     *p;
	size_t		len;
};

/* One message of the set. */
struct bench_dkim_msg {
	char	       *store;		/* the file */
	struct bench_dkim_field *f;
	size_t		nf;
	const char     *body;
	size_t		blen;
	char	       *from_domain;	/* MAIL FROM's domain */
	char	       *dkim;		/* expected: "pass,fail" */
	char	       *dmarc;		/* expected dmarc= */
	unsigned	nrsa;		/* signatures by kind, for the floor */
	unsigned	ned;
};

/* The floor's OpenSSL keys and their signatures. */
struct bench_dkim_floor {
	EVP_PKEY       *rsa;
	EVP_PKEY       *ed;
	unsigned char	rsa_sig[512];
	size_t		rsa_len;
	unsigned char	ed_sig[64];
	size_t		ed_len;
	unsigned char	input[BENCH_DKIM_HDR_INPUT];
};

/* One run. */
struct bench_dkim_run {
	const char     *mode;
	struct bench_dkim_msg *m;
	size_t		nm;
	struct dns_zone *zone;
	struct conf    *conf;
	struct dkim_kcache *kcache;	/* -k; NULL: none */
	struct bench_dkim_floor fl;
	unsigned long	rounds;
	unsigned long	sigs;
	unsigned long	wrong;
	char		why[BENCH_DKIM_WHY];
};

/* bench_dkim_slurp - the whole of file PATH, NUL-terminated; *LEN */
static char *
bench_dkim_slurp(const char *path, size_t *len)
{
	struct buf b;
	char chunk[65536];
	size_t n;
	FILE *fp;

	if ((fp = fopen(path, "rb")) == NULL)
		msg_fatal(1, "%s: %m", path);
	buf_init(&b, BENCH_DKIM_MSG_MAX);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		if (buf_append(&b, chunk, n) < 0)
			msg_fatal(1, "%s: over %d octets", path,
			    BENCH_DKIM_MSG_MAX);
	(void)fclose(fp);
	*len = b.len;
	return buf_steal(&b);
}

/* bench_dkim_has - whether field F holds the text S */
static int
bench_dkim_has(const struct bench_dkim_field *f, const char *s)
{
	size_t n = strlen(s), i;

	for (i = 0; i + n <= f->len; i++)
		if (memcmp(f->p + i, s, n) == 0)
			return 1;
	return 0;
}

/*
 * bench_dkim_split - M's header fields (each "Name:value" up to the CRLF
 * that ends its last line) and body; the signatures counted by kind
 */
static void
bench_dkim_split(struct bench_dkim_msg *m, size_t len, const char *path)
{
	const char *p = m->store, *end = p + len, *eol;
	struct bench_dkim_field *f;

	m->f = xcalloc(BENCH_DKIM_MAX_HDRS, sizeof(*m->f));
	while (p < end && *p != '\r' && *p != '\n') {
		if (m->nf == BENCH_DKIM_MAX_HDRS)
			msg_fatal(1, "%s: over %d header fields", path,
			    BENCH_DKIM_MAX_HDRS);
		f = &m->f[m->nf++];
		f->p = p;
		do {
			if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
				msg_fatal(1, "%s: no body", path);
			p = eol + 1;
		} while (p < end && (*p == ' ' || *p == '\t'));
		f->len = (size_t)(eol - f->p) - (eol > f->p && eol[-1] == '\r');
		if (f->len > 15 &&
		    strncasecmp(f->p, "DKIM-Signature:", 15) == 0)
			*(bench_dkim_has(f, "a=ed25519") ? &m->ned :
			    &m->nrsa) += 1;
	}
	p += p < end && *p == '\r';
	m->body = p < end ? p + 1 : end;
	m->blen = (size_t)(end - m->body);
}

/* bench_dkim_set - the messages of DIR; *N */
static struct bench_dkim_msg *
bench_dkim_set(const char *dir, size_t *n)
{
	char path[4096], line[BENCH_DKIM_LINE];
	char file[256], client[64], helo[256], from[512], dk[256], dm[16];
	struct bench_dkim_msg *ms = NULL, *m;
	size_t len;
	FILE *fp;

	*n = 0;
	(void)snprintf(path, sizeof(path), "%s/index", dir);
	if ((fp = fopen(path, "r")) == NULL)
		msg_fatal(1, "%s: %m", path);
	while (fgets(line, sizeof(line), fp)) {
		if (sscanf(line, "%255s %63s %255s %511s %255s %15s", file,
		    client, helo, from, dk, dm) != 6 || !strchr(from, '@'))
			msg_fatal(1, "%s: line %zu: not the index's form",
			    path, *n + 1);
		if (*n == BENCH_DKIM_MAX_MSGS)
			msg_fatal(1, "%s: over %d messages", path,
			    BENCH_DKIM_MAX_MSGS);
		ms = xrealloc(ms, (*n + 1) * sizeof(*ms));
		m = memset(&ms[(*n)++], 0, sizeof(*ms));
		(void)snprintf(path, sizeof(path), "%s/msg/%s", dir, file);
		m->store = bench_dkim_slurp(path, &len);
		bench_dkim_split(m, len, path);
		m->from_domain = xstrdup(strchr(from, '@') + 1);
		m->dkim = xstrdup(dk);
		m->dmarc = xstrdup(dm);
		(void)snprintf(path, sizeof(path), "%s/index", dir);
	}
	(void)fclose(fp);
	if (*n == 0)
		msg_fatal(1, "%s: no messages", path);
	return ms;
}

/* bench_dkim_wrong - note M's verdict GOT (dkim list, dmarc) if wrong */
static void
bench_dkim_wrong(struct bench_dkim_run *r, const struct bench_dkim_msg *m,
    const char *dkim, const char *dmarc)
{
	if (strcmp(dkim, m->dkim) == 0 && strcmp(dmarc, m->dmarc) == 0)
		return;
	if (r->wrong++ == 0)
		(void)snprintf(r->why, sizeof(r->why),
		    "want dkim=%s dmarc=%s, got dkim=%s dmarc=%s", m->dkim,
		    m->dmarc, dkim, dmarc);
}

/* bench_dkim_list - the results of S (N of them) as "pass,fail" */
static void
bench_dkim_list(const struct dkim_sig_result *s, size_t n, char *out,
    size_t size)
{
	size_t i, at = 0;

	out[0] = 0;
	for (i = 0; i < n && at < size; i++)
		at += (size_t)snprintf(out + at, size - at, "%s%s",
		    i ? "," : "", dkim_result_str(s[i].result));
	if (n == 0)
		(void)snprintf(out, size, "none");
}

/* bench_dkim_machines - one message through dkim(3) and dmarc(3) */
static void
bench_dkim_machines(struct bench_dkim_run *r, const struct bench_dkim_msg *m)
{
	struct dkim_params dp = {BENCH_DKIM_NOW, 0, r->kcache};
	struct dmarc_dkim dd[DKIM_MAX_SIGS];
	const struct dkim_sig_result *s;
	const struct dmarc_outcome *o;
	struct dkim *dk = dkim_new(&dp);
	struct dmarc *dm = dmarc_new();
	struct dmarc_auth in;
	struct spf_job job;
	char list[128];
	size_t i, n;

	for (i = 0; i < m->nf; i++) {
		(void)dkim_header(dk, m->f[i].p, m->f[i].len);
		dmarc_header(dm, m->f[i].p, m->f[i].len);
	}
	dkim_eoh(dk);
	dmarc_eoh(dm);
	for (i = 0; i < m->blen; i += BENCH_DKIM_CHUNK)
		dkim_body(dk, m->body + i, m->blen - i < BENCH_DKIM_CHUNK ?
		    m->blen - i : BENCH_DKIM_CHUNK);
	dkim_eom(dk);
	dkim_job(&job, dk);
	dns_zone_run(r->zone, &job);
	dmarc_job(&job, dm);
	dns_zone_run(r->zone, &job);
	n = dkim_results(dk, &s);
	for (i = 0; i < n && i < DKIM_MAX_SIGS; i++)
		dd[i] = (struct dmarc_dkim){s[i].result == DKIM_PASS, s[i].d};
	in = (struct dmarc_auth){SPF_PASS, m->from_domain, dd, i};
	o = dmarc_evaluate(dm, &in);
	r->sigs += n;
	bench_dkim_list(s, n, list, sizeof(list));
	bench_dkim_wrong(r, m, list, dmarc_result_str(o->result));
	dmarc_free(dm);
	dkim_free(dk);
}

/* bench_dkim_auth - one message through auth(3), as the Milter runs it */
static void
bench_dkim_auth(struct bench_dkim_run *r, const struct bench_dkim_msg *m)
{
	struct auth *a = auth_new(r->conf, BENCH_DKIM_NOW, r->kcache);
	const struct auth_decision *d;
	struct auth_in in;
	struct spf_job job;
	char list[128];
	size_t i;

	for (i = 0; i < m->nf; i++)
		auth_header(a, m->f[i].p, m->f[i].len);
	auth_eoh(a);
	auth_job(&job, a);
	dns_zone_run(r->zone, &job);
	for (i = 0; i < m->blen; i += BENCH_DKIM_CHUNK)
		auth_body(a, m->body + i, m->blen - i < BENCH_DKIM_CHUNK ?
		    m->blen - i : BENCH_DKIM_CHUNK);
	auth_eom(a);
	auth_job(&job, a);
	dns_zone_run(r->zone, &job);
	memset(&in, 0, sizeof(in));
	in.authserv_id = BENCH_DKIM_AUTHSERV;
	in.spf_checked = 1;
	in.spf = SPF_PASS;
	in.spf_domain = m->from_domain;
	d = auth_decide(a, &in);
	r->sigs += d->ndkim;
	bench_dkim_list(d->dkim, d->ndkim, list, sizeof(list));
	bench_dkim_wrong(r, m, list, d->dmarc ?
	    dmarc_result_str(d->dmarc->result) : "none");
	auth_free(a);
}

/*
 * bench_dkim_verify - one verification of SIG over IN with KEY, the
 * cheapest way OpenSSL's EVP interface offers: RSA (MD set) a SHA-256
 * of IN and EVP_PKEY_verify() of the digest on a new EVP_PKEY_CTX;
 * ed25519 (MD NULL) EVP_DigestVerify(), as RFC 8463 signs the data
 */
static int
bench_dkim_verify(EVP_PKEY *key, const EVP_MD *md, const unsigned char *sig,
    size_t siglen, const unsigned char *in, size_t len)
{
	unsigned char dg[EVP_MAX_MD_SIZE];
	unsigned dglen;
	EVP_MD_CTX *mc;
	EVP_PKEY_CTX *pc;
	int ok;

	if (md == NULL) {
		mc = EVP_MD_CTX_new();
		ok = mc && EVP_DigestVerifyInit(mc, NULL, NULL, NULL, key) == 1
		    && EVP_DigestVerify(mc, sig, siglen, in, len) == 1;
		EVP_MD_CTX_free(mc);
		return ok;
	}
	pc = EVP_PKEY_CTX_new(key, NULL);
	ok = EVP_Digest(in, len, dg, &dglen, md, NULL) == 1 && pc &&
	    EVP_PKEY_verify_init(pc) == 1 &&
	    EVP_PKEY_CTX_set_rsa_padding(pc, RSA_PKCS1_PADDING) == 1 &&
	    EVP_PKEY_CTX_set_signature_md(pc, md) == 1 &&
	    EVP_PKEY_verify(pc, sig, siglen, dg, dglen) == 1;
	EVP_PKEY_CTX_free(pc);
	return ok;
}

/* bench_dkim_floor - OpenSSL's share of one message (HASH: body too) */
static void
bench_dkim_floor(struct bench_dkim_run *r, const struct bench_dkim_msg *m,
    int hash)
{
	struct bench_dkim_floor *f = &r->fl;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned i, ok = 1, mdlen;

	for (i = 0; i < m->nrsa; i++)
		ok &= bench_dkim_verify(f->rsa, EVP_sha256(), f->rsa_sig,
		    f->rsa_len, f->input, sizeof(f->input));
	for (i = 0; i < m->ned; i++)
		ok &= bench_dkim_verify(f->ed, NULL, f->ed_sig, f->ed_len,
		    f->input, sizeof(f->input));
	if (hash)
		ok &= EVP_Digest(m->body, m->blen, md, &mdlen, EVP_sha256(),
		    NULL) == 1;
	r->sigs += m->nrsa + m->ned;
	if (!ok && r->wrong++ == 0)
		(void)snprintf(r->why, sizeof(r->why), "the floor's verify "
		    "failed");
}

/* bench_dkim_sign - a signature of F's input with KEY into SIG */
static size_t
bench_dkim_sign(EVP_PKEY *key, const EVP_MD *md, struct bench_dkim_floor *f,
    unsigned char *sig, size_t size)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	size_t len = size;

	if (key == NULL || ctx == NULL ||
	    EVP_DigestSignInit(ctx, NULL, md, NULL, key) != 1 ||
	    EVP_DigestSign(ctx, sig, &len, f->input, sizeof(f->input)) != 1)
		msg_fatal(1, "OpenSSL: cannot sign");
	EVP_MD_CTX_free(ctx);
	return len;
}

/* bench_dkim_floor_init - the floor's keys and signatures */
static void
bench_dkim_floor_init(struct bench_dkim_floor *f)
{
	size_t i;

	for (i = 0; i < sizeof(f->input); i++)
		f->input[i] = (unsigned char)('a' + i % 26);
	f->rsa = EVP_RSA_gen(2048);
	f->ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	f->rsa_len = bench_dkim_sign(f->rsa, EVP_sha256(), f, f->rsa_sig,
	    sizeof(f->rsa_sig));
	f->ed_len = bench_dkim_sign(f->ed, NULL, f, f->ed_sig,
	    sizeof(f->ed_sig));
}

/* bench_dkim_one - message M in R's mode */
static void
bench_dkim_one(struct bench_dkim_run *r, const struct bench_dkim_msg *m)
{
	if (strcmp(r->mode, "rmxf") == 0)
		bench_dkim_machines(r, m);
	else if (strcmp(r->mode, "auth") == 0)
		bench_dkim_auth(r, m);
	else
		bench_dkim_floor(r, m, strcmp(r->mode, "hash") == 0);
}

/* bench_loop - the measured part: ROUNDS passes over the messages */
void	bench_loop(struct bench_dkim_run *);

void
bench_loop(struct bench_dkim_run *r)
{
	unsigned long k;
	size_t i;

	for (k = 0; k < r->rounds; k++)
		for (i = 0; i < r->nm; i++)
			bench_dkim_one(r, &r->m[i]);
}

/* bench_dkim_free - the messages */
static void
bench_dkim_free(struct bench_dkim_msg *m, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(m[i].store);
		free(m[i].f);
		free(m[i].from_domain);
		free(m[i].dkim);
		free(m[i].dmarc);
	}
	free(m);
}

/* bench_dkim_usage - complain and exit */
static _Noreturn void
bench_dkim_usage(void)
{
	fprintf(stderr, "usage: bench_dkim -m DIR [-z ZONE]"
	    " [-o rmxf|auth|floor|hash] [-n ROUNDS] [-c COUNT]"
	    " [-k KEYS]\n");
	exit(EX_USAGE);
}

/* main - load, run bench_loop() once, print the line */
int
main(int argc, char **argv)
{
	struct bench_dkim_run r;
	const char *dir = NULL, *zpath = NULL;
	char zbuf[4096], err[256], *end;
	double t0, t1;
	unsigned long count = 0, keys = 0, hits = 0, misses = 0;
	size_t kept = 0, i;
	size_t all;
	int ch;

	msg_open("bench_dkim", MSG_STDERR, 0, 0);
	memset(&r, 0, sizeof(r));
	r.mode = "rmxf";
	r.rounds = 1;
	while ((ch = getopt(argc, argv, "m:z:o:n:c:k:")) != -1) {
		switch (ch) {
		case 'm':
			dir = optarg;
			break;
		case 'z':
			zpath = optarg;
			break;
		case 'o':
			r.mode = optarg;
			break;
		case 'n':
		case 'c':
		case 'k':
			errno = 0;
			*(ch == 'n' ? &r.rounds : ch == 'c' ? &count : &keys) =
			    strtoul(optarg, &end, 10);
			if (errno || *end || (ch == 'n' && r.rounds < 1) ||
			    (ch == 'c' && count < 1) ||
			    r.rounds > BENCH_DKIM_MAX_ROUNDS ||
			    count > BENCH_DKIM_MAX_MSGS ||
			    keys > BENCH_DKIM_MAX_MSGS)
				bench_dkim_usage();
			break;
		default:
			bench_dkim_usage();
		}
	}
	if (dir == NULL || optind != argc || (strcmp(r.mode, "rmxf") &&
	    strcmp(r.mode, "auth") && strcmp(r.mode, "floor") &&
	    strcmp(r.mode, "hash")))
		bench_dkim_usage();
	if (zpath == NULL) {
		(void)snprintf(zbuf, sizeof(zbuf), "%s/dkim.zone", dir);
		zpath = zbuf;
	}
	if ((r.zone = dns_zone_load(zpath, err, sizeof(err))) == NULL)
		msg_fatal(1, "%s: %s", zpath, err);
	r.m = bench_dkim_set(dir, &all);
	r.nm = count && count < all ? count : all;
	if ((r.conf = conf_default()) == NULL)
		msg_fatal(1, "no default configuration");
	bench_dkim_floor_init(&r.fl);
	if (keys > 0) {
		r.kcache = dkim_kcache_new(keys);
		for (i = 0; i < r.nm; i++)
			bench_dkim_one(&r, &r.m[i]);
		r.sigs = r.wrong = 0;
		r.why[0] = 0;
	}
	t0 = bench_now();
	bench_loop(&r);
	t1 = bench_now();
	printf("%-6s %8lu messages %8lu signatures %lu wrong %8.3f s"
	    " %9.0f msg/s\n", r.mode, r.rounds * r.nm, r.sigs, r.wrong,
	    t1 - t0, (double)(r.rounds * r.nm) / (t1 - t0));
	if (r.why[0])
		printf("%-6s first wrong: %s\n", r.mode, r.why);
	if (r.kcache) {
		dkim_kcache_stats(r.kcache, &hits, &misses, &kept);
		printf("%-6s key cache of %lu: %lu hits %lu misses %zu keys"
		    " (warm-up pass included)\n", r.mode, keys, hits, misses,
		    kept);
		dkim_kcache_free(r.kcache);
	}
	bench_dkim_free(r.m, all);
	conf_free(r.conf);
	dns_zone_free(r.zone);
	EVP_PKEY_free(r.fl.rsa);
	EVP_PKEY_free(r.fl.ed);
	return 0;
}
