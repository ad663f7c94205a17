/*
 * NAME
 *	spf_suite 1
 * SUMMARY
 *	run the openspf SPF conformance suites against the engine
 * SYNOPSIS
 *	spf_suite --inproc [-v] [--deviations FILE] [--only TEST]
 *		[--summary-stderr] SUITE.yml
 *	spf_suite --emit DIR [--deviations FILE] SUITE.yml
 * DESCRIPTION
 *	--inproc runs every test of the suite in this process: the scenario's
 *	zonedata becomes a zone (tests/lib/suite.c), the test an SPF query
 *	for the MAIL FROM identity (sender = mailfrom, helo, ip = host as
 *	written, through spf_params_ip(), so that %{i} keeps its case; no
 *	receiver: %{r} is "unknown"), run to completion with dns_zone_run().
 *	The result word must be one of the accepted results; when the test
 *	gives an explanation, a fail must carry exactly that text, or for
 *	"explanation: DEFAULT" our own default explanation.  Output is TAP,
 *	"ok N - SUITE/TEST" or "not ok N - SUITE/TEST: got X, want Y (...)";
 *	when the query asked for a name the zone had to leave out (see
 *	suite.c), the line says so.  The stream ends with
 *	the line "spf_suite: N passed, N failed" (also on stderr
 *	with --summary-stderr, so that prove shows the score).  -v adds the
 *	zone and the query's trace of each failed test as TAP comments.
 *
 *	--deviations FILE: where the RFC 4408 suite and the RFC 7208 suite
 *	disagree, RFC 7208 wins; the file lists such tests and the result
 *	expected instead (tests/suite/deviations.txt), and the TAP line says
 *	so.
 *
 *	--emit DIR writes each scenario's zone as DIR/NN.zone (01, 02, ...)
 *	and DIR/tests.tsv with one line per test: zone file, test name, ip,
 *	mailfrom, helo, accepted results (comma-separated), explanation to
 *	compare (empty: none; DEFAULT: ours).  tests/suite/dns-suite.sh
 *	feeds these to tests/tools/dnsd and build/rmxf check.
 * DIAGNOSTICS
 *	Exit 0 when every test passed, 1 when one failed, 2 on a usage or
 *	input error (with a TAP "Bail out!" line in --inproc mode).
 * SEE ALSO
 *	tests/lib/suite.c, tests/suite/dns-suite.sh, doc/zone-format.md,
 *	RFC 7208
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "dns/dns.h"
#include "spf/spf.h"
#include "util/buf.h"
#include "util/ipaddr.h"

#include "lib/suite.h"
#include "lib/tap.h"

#define SPF_SUITE_PROG		"spf_suite"
#define SPF_SUITE_NOW		1700000000LL	/* %{t}, fixed */
#define SPF_SUITE_MAX_LINE	(64 * 1024)	/* one TAP or TSV line */
#define SPF_SUITE_MAX_TRACE	(256 * 1024)	/* one test's trace */
#define SPF_SUITE_MAX_PATH	4096
#define SPF_SUITE_ERRLEN	512

struct spf_suite_opts {
	const char     *emit_dir;
	const char     *deviations;
	const char     *only;
	int		inproc;
	int		verbose;
	int		summary_stderr;
};

/* spf_suite_usage - print usage, exit 2 */
static void
spf_suite_usage(void)
{
	fputs("usage: spf_suite --inproc [-v] [--deviations FILE] "
	    "[--only TEST] [--summary-stderr] SUITE.yml\n"
	    "       spf_suite --emit DIR [--deviations FILE] SUITE.yml\n",
	    stderr);
	exit(2);
}

/* spf_suite_want - the accepted results, joined by sep */
static void
spf_suite_want(struct buf *b, const struct suite_test *t, const char *sep)
{
	size_t i;

	for (i = 0; i < t->nresults; i++) {
		if (i > 0)
			(void)buf_puts(b, sep);
		(void)buf_puts(b, t->results[i]);
	}
}

/* spf_suite_trace - a query's trace events, one line each */
static void
spf_suite_trace(struct buf *b, const struct spf_query *q)
{
	const struct spf_trace_ev *ev;
	size_t n, i;

	n = spf_query_trace(q, &ev);
	for (i = 0; i < n; i++, ev++) {
		(void)buf_printf(b, "%*s", (int)(2 * ev->depth), "");
		switch (ev->kind) {
		case SPF_TR_QUERY:
			(void)buf_printf(b, "query %s %s\n",
			    spf_rrtype_str(ev->rrtype), ev->text);
			break;
		case SPF_TR_ANSWER:
			(void)buf_printf(b, "answer %s %s: %s, %u records\n",
			    spf_rrtype_str(ev->rrtype), ev->text,
			    spf_dns_status_str(ev->status), ev->count);
			break;
		case SPF_TR_RECORD:
			(void)buf_printf(b, "record %s: %s\n",
			    ev->domain ? ev->domain : "", ev->text);
			break;
		case SPF_TR_TERM:
			(void)buf_printf(b, "term %s: %s\n", ev->text,
			    ev->match > 0 ? "match" : ev->match == 0 ?
			    "no match" : "error");
			break;
		case SPF_TR_COUNT:
		case SPF_TR_LIMIT:
			(void)buf_printf(b, "%s %s %u/%u\n",
			    ev->kind == SPF_TR_LIMIT ? "LIMIT" : "count",
			    ev->limit ? ev->limit : "", ev->used, ev->max);
			break;
		case SPF_TR_NOTE:
		case SPF_TR_EXPLAIN:
		case SPF_TR_RESULT:
		default:
			(void)buf_printf(b, "%s %s\n", ev->kind ==
			    SPF_TR_EXPLAIN ? "explain" : ev->kind ==
			    SPF_TR_RESULT ? "result" : "note",
			    ev->text ? ev->text : "");
			break;
		}
	}
}

/* spf_suite_explained - compare a fail's explanation; 1 when it holds */
static int
spf_suite_explained(const struct suite_test *t, const struct spf_detail *d,
    struct buf *why)
{
	if (t->explanation == NULL || d->result != SPF_FAIL)
		return 1;
	if (strcmp(t->explanation, "DEFAULT") == 0) {
		if (d->explanation_default)
			return 1;
		(void)buf_printf(why, ": got explanation \"%s\", want our "
		    "default", d->explanation ? d->explanation : "(none)");
		return 0;
	}
	if (d->explanation != NULL && !d->explanation_default &&
	    strcmp(d->explanation, t->explanation) == 0)
		return 1;
	(void)buf_printf(why, ": got explanation %s\"%s\", want \"%s\"",
	    d->explanation_default ? "(default) " : "",
	    d->explanation ? d->explanation : "(none)", t->explanation);
	return 0;
}

/* spf_suite_one - run one test against a zone, report it */
static void
spf_suite_one(const struct suite *s, const struct suite_test *t,
    struct dns_zone *z, const char *zone_err, const struct spf_suite_opts *o,
    struct tap *tap)
{
	struct spf_params p;
	struct spf_query *q = NULL;
	const struct spf_detail *d;
	struct spf_job job;
	struct buf line, diag;
	enum spf_result r;
	int ok = 0;

	buf_init(&line, SPF_SUITE_MAX_LINE);
	buf_init(&diag, SPF_SUITE_MAX_TRACE);
	(void)buf_printf(&line, "%s/%s", s->name, t->name);
	if (z == NULL) {
		(void)buf_printf(&line, ": zone: %s", zone_err);
		goto out;
	}
	spf_params_init(&p);
	if (spf_params_ip(&p, t->host) != 0) {
		(void)buf_printf(&line, ": bad host %s", t->host);
		goto out;
	}
	p.sender = t->mailfrom;
	p.helo = t->helo;
	p.receiver = NULL;
	p.identity = SPF_ID_MAILFROM;
	p.now = SPF_SUITE_NOW;
	p.flags |= SPF_F_TRACE;
	q = spf_query_new(&p);
	spf_query_job(&job, q);
	dns_zone_run(z, &job);
	r = spf_query_result(q, &d);
	if (!suite_accepts(t, spf_result_str(r))) {
		(void)buf_printf(&line, ": got %s, want ", spf_result_str(r));
		spf_suite_want(&line, t, " or ");
		(void)buf_printf(&line, " (mechanism %s", d->mechanism ?
		    d->mechanism : "none");
		if (d->problem)
			(void)buf_printf(&line, ", problem: %s", d->problem);
		if (d->limit)
			(void)buf_printf(&line, ", limit %s", d->limit);
		(void)buf_putc(&line, ')');
	} else {
		ok = spf_suite_explained(t, d, &line);
	}
	if (ok && t->deviation) {
		(void)buf_puts(&line, " (deviation: want ");
		spf_suite_want(&line, t, " or ");
		(void)buf_printf(&line, ", where %s accepts %s: %s)", s->name,
		    t->suite_results, t->deviation);
	}
	if (!ok && o->verbose) {
		(void)buf_puts(&diag, "zone:\n");
		(void)buf_append(&diag, s->scenarios[t->scenario].zone,
		    s->scenarios[t->scenario].zone_len);
		(void)buf_puts(&diag, "trace:\n");
		spf_suite_trace(&diag, q);
	}
out:
	if (line.overflow)
		(void)buf_puts(&line, "...");
	tap_result(tap, ok, line.data);
	if (diag.len > 0)
		tap_diag(tap, diag.data, diag.len);
	spf_query_free(q);
	buf_free(&line);
	buf_free(&diag);
}

/* spf_suite_inproc - every test through the zone resolver; exit status */
static int
spf_suite_inproc(const struct suite *s, const struct spf_suite_opts *o)
{
	const struct suite_scenario *sc;
	const struct suite_test *t;
	struct dns_zone *z;
	struct tap tap;
	char err[SPF_SUITE_ERRLEN];
	size_t i, j;
	unsigned planned;

	if (o->only != NULL && suite_find(s, o->only) == NULL) {
		printf("Bail out! no test %s in %s\n", o->only, s->name);
		return 2;
	}
	planned = o->only ? 1 : (unsigned)s->ntests;
	tap_init(&tap, stdout, planned);
	for (i = 0; i < s->nscenarios; i++) {
		sc = &s->scenarios[i];
		if (o->only) {
			t = suite_find(s, o->only);
			if (t->scenario != i)
				continue;
		}
		err[0] = 0;
		z = dns_zone_parse(sc->zone, sc->zone_len, err, sizeof(err));
		for (j = 0; j < sc->ntests; j++) {
			t = &s->tests[sc->first_test + j];
			if (o->only && strcmp(o->only, t->name) != 0)
				continue;
			spf_suite_one(s, t, z, err, o, &tap);
		}
		dns_zone_free(z);
	}
	tap_summary(&tap, SPF_SUITE_PROG, o->summary_stderr ? stderr : NULL);
	return tap.failed > 0 || tap.n != planned ? 1 : 0;
}

/* spf_suite_path - DIR/NAME into b; -1 when too long */
static int
spf_suite_path(struct buf *b, const char *dir, const char *name)
{
	buf_reset(b);
	return buf_printf(b, "%s/%s", dir, name);
}

/* spf_suite_write - a whole file; -1 with a message on failure */
static int
spf_suite_write(const char *path, const char *data, size_t len)
{
	FILE *fp;

	if ((fp = fopen(path, "w")) == NULL) {
		fprintf(stderr, "%s: %s: %s\n", SPF_SUITE_PROG, path,
		    strerror(errno));
		return -1;
	}
	if ((len > 0 && fwrite(data, 1, len, fp) != len) || fclose(fp) != 0) {
		fprintf(stderr, "%s: %s: write error\n", SPF_SUITE_PROG, path);
		return -1;
	}
	return 0;
}

/* spf_suite_tsv_field - one TSV field; -1 if it holds a tab or newline */
static int
spf_suite_tsv_field(struct buf *b, const char *text, int last)
{
	if (strpbrk(text, "\t\r\n") != NULL)
		return -1;
	(void)buf_puts(b, text);
	(void)buf_putc(b, last ? '\n' : '\t');
	return 0;
}

/* spf_suite_emit - zone files and tests.tsv for the real-DNS runner */
static int
spf_suite_emit(const struct suite *s, const char *dir)
{
	const struct suite_test *t;
	struct buf path, zname, tsv;
	size_t i, j;
	int rc = 2;

	buf_init(&path, SPF_SUITE_MAX_PATH);
	buf_init(&zname, SPF_SUITE_MAX_PATH);
	buf_init(&tsv, SUITE_MAX_FILE);
	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		fprintf(stderr, "%s: %s: %s\n", SPF_SUITE_PROG, dir,
		    strerror(errno));
		goto out;
	}
	(void)buf_puts(&tsv, "# zone\tname\tip\tmailfrom\thelo\tresults\t"
	    "explanation\n");
	for (i = 0; i < s->nscenarios; i++) {
		buf_reset(&zname);
		(void)buf_printf(&zname, "%02zu.zone", i + 1);
		if (spf_suite_path(&path, dir, zname.data) < 0 ||
		    spf_suite_write(path.data, s->scenarios[i].zone,
		    s->scenarios[i].zone_len) < 0)
			goto out;
		for (j = 0; j < s->scenarios[i].ntests; j++) {
			t = &s->tests[s->scenarios[i].first_test + j];
			if (spf_suite_tsv_field(&tsv, zname.data, 0) < 0 ||
			    spf_suite_tsv_field(&tsv, t->name, 0) < 0 ||
			    spf_suite_tsv_field(&tsv, t->host, 0) < 0 ||
			    spf_suite_tsv_field(&tsv, t->mailfrom, 0) < 0 ||
			    spf_suite_tsv_field(&tsv, t->helo, 0) < 0)
				goto bad_field;
			spf_suite_want(&tsv, t, ",");
			(void)buf_putc(&tsv, '\t');
			if (spf_suite_tsv_field(&tsv, t->explanation &&
			    suite_accepts(t, "fail") ? t->explanation : "",
			    1) < 0)
				goto bad_field;
		}
	}
	if (tsv.overflow) {
		fprintf(stderr, "%s: tests.tsv too large\n", SPF_SUITE_PROG);
		goto out;
	}
	if (spf_suite_path(&path, dir, "tests.tsv") < 0 ||
	    spf_suite_write(path.data, tsv.data, tsv.len) < 0)
		goto out;
	rc = 0;
	goto out;
bad_field:
	fprintf(stderr, "%s: %s: a field holds a tab or newline\n",
	    SPF_SUITE_PROG, t->name);
out:
	buf_free(&path);
	buf_free(&zname);
	buf_free(&tsv);
	return rc;
}

/* main - parse options, load the suite, run or emit */
int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"inproc", no_argument, NULL, 'i'},
		{"emit", required_argument, NULL, 'e'},
		{"deviations", required_argument, NULL, 'd'},
		{"only", required_argument, NULL, 'o'},
		{"summary-stderr", no_argument, NULL, 's'},
		{"verbose", no_argument, NULL, 'v'},
		{NULL, 0, NULL, 0},
	};
	struct spf_suite_opts o;
	struct suite *s;
	char err[SPF_SUITE_ERRLEN];
	int ch, rc;

	memset(&o, 0, sizeof(o));
	while ((ch = getopt_long(argc, argv, "v", longopts, NULL)) != -1) {
		switch (ch) {
		case 'i':
			o.inproc = 1;
			break;
		case 'e':
			o.emit_dir = optarg;
			break;
		case 'd':
			o.deviations = optarg;
			break;
		case 'o':
			o.only = optarg;
			break;
		case 's':
			o.summary_stderr = 1;
			break;
		case 'v':
			o.verbose = 1;
			break;
		default:
			spf_suite_usage();
		}
	}
	if (argc - optind != 1 || o.inproc == (o.emit_dir != NULL))
		spf_suite_usage();
	if ((s = suite_load(argv[optind], err, sizeof(err))) == NULL ||
	    (o.deviations && suite_deviations_load(s, o.deviations, err,
	    sizeof(err)) < 0)) {
		if (o.inproc)
			printf("Bail out! %s\n", err);
		fprintf(stderr, "%s: %s\n", SPF_SUITE_PROG, err);
		suite_free(s);
		return 2;
	}
	rc = o.inproc ? spf_suite_inproc(s, &o) : spf_suite_emit(s,
	    o.emit_dir);
	suite_free(s);
	return rc;
}
