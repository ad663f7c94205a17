/*
 * NAME
 *	bench_spf 1
 * SUMMARY
 *	SPF evaluations per second: rmxf's engine against libspf2
 * SYNOPSIS
 *	bench_spf [-v] [-z zone] [-n count] [-w count] [-o implementation]
 * DESCRIPTION
 *	Loads one zone file (default bench/zones/realistic.zone) into our
 *	in-memory zone (dns_zone_parse()) and the same records into
 *	libspf2's zone layer (bench_spf2_load() here, bench/libspf2.c
 *	there), and evaluates a fixed table of cases (sender, client
 *	address) against it with every implementation, single-threaded in
 *	this one process:
 *
 *	rmxf		spf_query_new(), dns_zone_run() with the query's
 *			job, spf_query_result(), spf_query_free(); default
 *			flags and limits.
 *	rmxf+headers	the same, plus the Received-SPF and
 *			Authentication-Results texts, which libspf2 always
 *			formats as part of its evaluation.
 *	rmxf+rcache	rmxf with a cache of parsed records shared by all
 *			evaluations (spf_rcache), as rmxfd runs it.
 *	rmxf+rc+hdr	the same, plus both header texts.
 *	libspf2		SPF_request_new() ... SPF_request_query_mailfrom()
 *			... SPF_request_free(); default limits.
 *
 *	First it lists every case with the result each implementation
 *	gives (and, with -v, the explanation or reason and the number of
 *	DNS questions rmxf asked), marking every disagreement between the
 *	implementations or with the result the zone was written for;
 *	nothing is left out of the timing because of one.  Then it runs
 *	-w evaluations of every case with every implementation as a
 *	warm-up, and times -n evaluations of every case per implementation
 *	with clock_gettime(CLOCK_MONOTONIC), case after case, in
 *	BENCH_ROUNDS rounds in which the implementations take turns (so
 *	that the rest of the machine disturbs them alike).  The in-use
 *	bytes of the heap (mallinfo2()) are read before and after each
 *	implementation's timed evaluations; what is left over, per
 *	evaluation, is the leak.  Every timed result is compared with the
 *	listing's.
 *
 *	It prints a table: implementation, evaluations, seconds,
 *	evaluations per second (over all rounds, and with every case at
 *	the pace of its quietest round), microseconds per evaluation,
 *	leaked bytes per evaluation and in all; then the ratios against
 *	libspf2 and the time per case.  Benchmarks print figures: the exit
 *	status says whether the benchmark could run, not how fast anything
 *	was.
 *
 *	-o runs only the named implementation (for callgrind: the timed
 *	evaluations all happen inside bench_loop()).
 * DIAGNOSTICS
 *	Exit 0 when the benchmark ran, 1 when the zone could not be
 *	loaded, 64 for bad arguments.
 * SEE ALSO
 *	mk/bench.mk, doc/benchmarks.md, bench/zones/realistic.zone.
 */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "dns/dns.h"
#include "util/buf.h"
#include "util/domain.h"
#include "util/msg.h"
#include "util/xmalloc.h"
#include "benchlib.h"

#define BENCH_ZONE	"bench/zones/realistic.zone"
#define BENCH_COUNT	20000	/* timed evaluations per case */
#define BENCH_WARMUP	500	/* untimed evaluations per case first */
#define BENCH_ROUNDS	10	/* the implementations take turns */
#define BENCH_RCACHE	4096	/* parsed records kept (rmxf+rcache) */
#define BENCH_MAX_COUNT	10000000	/* -n, -w bound */
#define BENCH_HDR_MAX	4096	/* one header text */
#define BENCH_CPU_MAX	256	/* CPU model name */
#define BENCH_ERR_MAX	512
#define BENCH_MAX_NAMES	65536	/* owner names and parents in a zone */
#define BENCH_MAX_RDATA	(DNS_ZONE_MAX_RDATA + 16)	/* one record as text */

/* The cases: every shape of the zone, matching early, late, not at all. */
static const struct bench_case bench_cases[] = {
	/* redirect, three includes of networks, ~all */
	{"mail-first", "alice@example-mail.com", "198.18.1.2",
	    "out1.example-mail.com", SPF_PASS},
	{"mail-last", "alice@example-mail.com", "198.19.253.9",
	    "out2.example-mail.com", SPF_PASS},
	{"mail-ip6", "alice@example-mail.com", "2001:db8:c210::25",
	    "out3.example-mail.com", SPF_PASS},
	{"mail-miss", "alice@example-mail.com", "192.0.2.99",
	    "spoof.example", SPF_SOFTFAIL},
	{"mail-miss6", "alice@example-mail.com", "2001:db8:dead::1",
	    "spoof.example", SPF_SOFTFAIL},
	/* one include, -all */
	{"hosted-ip4", "bob@example.net", "203.0.113.70",
	    "out.protection.example.net", SPF_PASS},
	{"hosted-ip6", "bob@example.net", "2001:db8:f02a::7",
	    "out.protection.example.net", SPF_PASS},
	{"hosted-miss", "bob@example.net", "192.0.2.99", "spoof.example",
	    SPF_FAIL},
	/* both providers included */
	{"both-second", "carol@shop.example", "203.0.113.100",
	    "out.protection.example.net", SPF_PASS},
	{"both-miss", "carol@shop.example", "192.0.2.99", "spoof.example",
	    SPF_FAIL},
	{"both-miss6", "carol@shop.example", "2001:db8:dead::1",
	    "spoof.example", SPF_FAIL},
	/* exists:%{i}._spf.mta.example.org */
	{"exists-ip4", "dave@example.org", "192.0.2.11", "mta.example.org",
	    SPF_PASS},
	{"exists-ip6", "dave@example.org", "2001:db8:e::10",
	    "mta.example.org", SPF_PASS},
	{"exists-miss", "dave@example.org", "192.0.2.99", "spoof.example",
	    SPF_FAIL},
	/* a mx */
	{"amx-a", "erin@example.com", "192.0.2.25", "example.com", SPF_PASS},
	{"amx-mx2", "erin@example.com", "192.0.2.27", "mx2.example.com",
	    SPF_PASS},
	{"amx-mx6", "erin@example.com", "2001:db8:25::26", "mx1.example.com",
	    SPF_PASS},
	{"amx-miss", "erin@example.com", "198.51.100.200", "spoof.example",
	    SPF_FAIL},
	/* -all with exp= */
	{"exp-pass", "frank@strict.example", "198.51.100.7",
	    "mail.strict.example", SPF_PASS},
	{"exp-fail", "frank@strict.example", "192.0.2.99", "spoof.example",
	    SPF_FAIL},
	/* no SPF record */
	{"none", "grace@nospf.example", "192.0.2.80", "nospf.example",
	    SPF_NONE},
};

#define BENCH_NCASES	(sizeof(bench_cases) / sizeof(*bench_cases))

/* Our engine on our zone. */
struct bench_rmxf {
	struct dns_zone *zone;
	int		headers;	/* also format both header texts */
	struct spf_rcache *rcache;	/* parsed records kept, as rmxfd does */
};

/* An implementation under test and what was measured. */
struct bench_impl {
	const char     *name;
	int		(*eval)(void *, const struct bench_case *, char *);
	void	       *obj;
	int		run;		/* selected */
	int		result[BENCH_NCASES];	/* from the listing */
	double		best[BENCH_NCASES];	/* quietest round, per eval */
	double		total;		/* seconds */
	long long	evals;
	long long	leaked;		/* heap bytes in use after - before */
	long long	unlike;		/* timed results unlike the listing */
};

/* bench_rmxf_why - questions asked and the explanation or reason */
static void
bench_rmxf_why(const struct spf_detail *d, char *why)
{
	const char *s = d->explanation ? d->explanation : d->problem;
	struct buf b;
	size_t n;

	buf_init(&b, BENCH_WHY_MAX);
	(void)buf_printf(&b, "[%u DNS questions] ", d->dns_queries);
	(void)buf_puts(&b, s ? s : "");
	n = b.len < BENCH_WHY_MAX - 1 ? b.len : BENCH_WHY_MAX - 1;
	if (n)
		memcpy(why, b.data, n);
	why[n] = 0;
	buf_free(&b);
}

/* bench_rmxf_eval - one full evaluation with our engine */
static int
bench_rmxf_eval(void *obj, const struct bench_case *c, char *why)
{
	struct bench_rmxf *b = obj;
	const struct spf_detail *d;
	struct spf_params p;
	struct spf_query *q;
	struct spf_job job;
	int r;

	spf_params_init(&p);
	if (spf_params_ip(&p, c->ip) < 0)
		return BENCH_INVALID;
	p.sender = c->sender;
	p.helo = c->helo;
	p.receiver = BENCH_RECEIVER;
	p.identity = SPF_ID_MAILFROM;
	p.now = BENCH_NOW;
	p.rcache = b->rcache;
	q = spf_query_new(&p);
	spf_query_job(&job, q);
	dns_zone_run(b->zone, &job);
	r = (int)spf_query_result(q, &d);
	if (b->headers) {
		struct buf h;

		buf_init(&h, BENCH_HDR_MAX);
		(void)spf_format_received(d, &p, &h);
		buf_reset(&h);
		(void)spf_format_authres(d, BENCH_RECEIVER, &h);
		buf_free(&h);
	}
	if (why != NULL)
		bench_rmxf_why(d, why);
	spf_query_free(q);
	return r;
}

/* One name of the zone: a span of the zone text. */
struct bench_name {
	const char     *p;
	size_t		len;
};

/* The types asked for each name when loading libspf2's zone. */
static const enum spf_rrtype bench_types[] = {
	SPF_RR_TXT, SPF_RR_A, SPF_RR_AAAA, SPF_RR_MX, SPF_RR_PTR,
};

#define BENCH_NTYPES	(sizeof(bench_types) / sizeof(*bench_types))

/* bench_name_cmp - order names case-insensitively */
static int
bench_name_cmp(const void *a, const void *b)
{
	const struct bench_name *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = strncasecmp(x->p, y->p, n);

	if (c != 0)
		return c;
	return x->len < y->len ? -1 : x->len > y->len;
}

/*
 * bench_names - the owner names of a zone text and all their parents,
 * sorted, without duplicates.  The owner is the first word of every line
 * that is not blank or a comment (doc/zone-format.md); dns_zone_parse()
 * has checked the syntax already.
 */
static int
bench_names(const char *text, size_t len, struct bench_name **out,
    size_t *nout)
{
	struct bench_name *v = NULL;
	size_t n = 0, cap = 0, off = 0, i, k;

	while (off < len) {
		const char *line = text + off, *nl, *w, *end;
		size_t llen;

		nl = memchr(line, '\n', len - off);
		llen = nl ? (size_t)(nl - line) : len - off;
		off += llen + (nl != NULL);
		end = line + llen;
		for (w = line; w < end && (*w == ' ' || *w == '\t'); w++)
			;
		if (w == end || *w == '#' || *w == ';' || *w == '\r')
			continue;
		for (line = w; w < end && *w != ' ' && *w != '\t' &&
		    *w != '#' && *w != ';'; w++)
			;
		llen = domain_strip_dot(line, (size_t)(w - line));
		/* The name, then each parent: what follows each dot. */
		for (i = 0; i < llen; i++) {
			if (i != 0 && line[i - 1] != '.')
				continue;
			if (n == BENCH_MAX_NAMES) {
				free(v);
				return -1;
			}
			if (n == cap) {
				cap = cap ? cap * 2 : 256;
				v = xrealloc(v, cap * sizeof(*v));
			}
			v[n].p = line + i;
			v[n].len = llen - i;
			n++;
		}
	}
	if (n > 1)
		qsort(v, n, sizeof(*v), bench_name_cmp);
	for (i = k = 0; i < n; i++)
		if (k == 0 || bench_name_cmp(&v[k - 1], &v[i]) != 0)
			v[k++] = v[i];
	*out = v;
	*nout = k;
	return 0;
}

/* bench_rdata - one record as libspf2's zone layer takes it */
static void
bench_rdata(const struct dns_zone_rr *rr, struct buf *b)
{
	char ip[IPADDR_STRLEN];

	buf_reset(b);
	switch (rr->type) {
	case SPF_RR_A:
	case SPF_RR_AAAA:
		ipaddr_format(&rr->addr, ip);
		(void)buf_puts(b, ip);
		break;
	case SPF_RR_MX:
		(void)buf_printf(b, "%u ", rr->pref);
		(void)buf_append(b, rr->data, rr->len);
		break;
	default:				/* TXT (strings joined), PTR */
		(void)buf_append(b, rr->data, rr->len);
		break;
	}
}

/*
 * bench_spf2_load - libspf2's zone with what ours answers.  Each owner
 * name and each of its parents is looked up in our zone for TXT, A,
 * AAAA, MX and PTR with dns_zone_lookup(), the one place that decides
 * what a question gets; its records go in under the name asked (so a
 * CNAME's target records land under the alias, as a resolver hands them
 * back), a SERVFAIL or TIMEOUT goes in as TRY_AGAIN for that type.
 * libspf2's zone answers HOST_NOT_FOUND (NXDOMAIN) for whatever it does
 * not hold, where ours says NODATA for a name that exists: so after all
 * the records every name that exists in our zone gets an entry of type
 * ANY with NO_DATA (entries are scanned in the order added: the records
 * win).  Names not in our zone stay NXDOMAIN in both.
 */
static int
bench_spf2_load(struct bench_spf2 *s2, const struct dns_zone *zone,
    const char *text, size_t len, const char **why)
{
	struct dns_zone_result res;
	struct bench_name *names = NULL;
	struct buf data, name;
	unsigned char *exists = NULL;
	size_t nnames = 0, i, t, k;
	int ret = -1;

	buf_init(&data, BENCH_MAX_RDATA);
	buf_init(&name, DOMAIN_MAX_LEN + 1);
	if (bench_names(text, len, &names, &nnames) < 0) {
		*why = "too many names";
		goto out;
	}
	exists = xcalloc(nnames ? nnames : 1, 1);
	for (i = 0; i < nnames; i++) {
		buf_reset(&name);
		(void)buf_append(&name, names[i].p, names[i].len);
		for (t = 0; t < BENCH_NTYPES; t++) {
			dns_zone_lookup(zone, names[i].p, names[i].len,
			    bench_types[t], &res);
			if (res.status == SPF_DNS_NXDOMAIN)
				continue;
			exists[i] = 1;
			if (res.status != SPF_DNS_OK || res.nrr == 0) {
				if (res.status != SPF_DNS_OK &&
				    bench_spf2_add(s2, name.data,
				    bench_types[t], res.status, NULL,
				    why) < 0)
					goto out;
				continue;
			}
			for (k = 0; k < res.nrr; k++) {
				bench_rdata(&res.rr[k], &data);
				if (bench_spf2_add(s2, name.data,
				    bench_types[t], SPF_DNS_OK,
				    data.data ? data.data : "", why) < 0)
					goto out;
			}
		}
	}
	for (i = 0; i < nnames; i++) {
		if (!exists[i])
			continue;
		buf_reset(&name);
		(void)buf_append(&name, names[i].p, names[i].len);
		if (bench_spf2_add(s2, name.data, BENCH_SPF2_ANY, SPF_DNS_OK,
		    NULL, why) < 0)
			goto out;
	}
	ret = 0;

out:
	free(exists);
	free(names);
	buf_free(&name);
	buf_free(&data);
	return ret;
}

/* bench_heap - bytes of the heap in use */
static long long
bench_heap(void)
{
	struct mallinfo2 mi = mallinfo2();

	return (long long)(mi.uordblks + mi.hblkhd);
}

/* bench_result_str - a result word, also for BENCH_INVALID */
static const char *
bench_result_str(int r)
{
	return r == BENCH_INVALID ? "invalid" :
	    spf_result_str((enum spf_result)r);
}

/*
 * bench_loop - n evaluations of one case; returns how many gave another
 * result than want.  Not inlined: callgrind collects the timed
 * evaluations by this name (mk/bench.mk).
 */
static long __attribute__((noinline))
bench_loop(const struct bench_impl *im, const struct bench_case *c, long n,
    int want)
{
	long i, unlike = 0;

	for (i = 0; i < n; i++)
		if (im->eval(im->obj, c, NULL) != want)
			unlike++;
	return unlike;
}

/* bench_list - evaluate every case once with each; 0 when all agree */
static int
bench_list(struct bench_impl *impls, size_t nimpl, int verbose)
{
	char why[BENCH_WHY_MAX];
	size_t i, k;
	int bad = 0;

	printf("%-12s %-18s %-9s", "case", "client", "expected");
	for (k = 0; k < nimpl; k++)
		if (impls[k].run)
			printf(" %-13s", impls[k].name);
	printf("\n");
	for (i = 0; i < BENCH_NCASES; i++) {
		const struct bench_case *c = &bench_cases[i];
		int differ = 0, first = BENCH_INVALID, have = 0;

		printf("%-12s %-18s %-9s", c->name, c->ip,
		    spf_result_str(c->expect));
		for (k = 0; k < nimpl; k++) {
			if (!impls[k].run)
				continue;
			impls[k].result[i] = impls[k].eval(impls[k].obj, c,
			    NULL);
			printf(" %-13s", bench_result_str(impls[k].result[i]));
			if (have && impls[k].result[i] != first)
				differ = 1;
			if (!have)
				first = impls[k].result[i];
			have = 1;
		}
		if (differ)
			printf("  DISAGREE");
		else if (first != (int)c->expect)
			printf("  NOT AS EXPECTED");
		printf("\n");
		if (differ || first != (int)c->expect)
			bad++;
		for (k = 0; verbose && k < nimpl; k++) {
			if (!impls[k].run)
				continue;
			why[0] = 0;
			(void)impls[k].eval(impls[k].obj, c, why);
			printf("    %-13s %s\n", impls[k].name, why);
		}
	}
	printf("agreement: %zu of %zu cases give one result everywhere, as "
	    "expected; %d do not (all are timed)\n\n", BENCH_NCASES - bad,
	    BENCH_NCASES, bad);
	return bad;
}

/*
 * bench_time - warm every implementation up, then time n evaluations of
 * every case with each, in BENCH_ROUNDS rounds that take turns (the
 * order flips every round), so that whatever else the machine does falls
 * on all of them alike.  The heap is weighed around each run of one
 * implementation.
 */
static void
bench_time(struct bench_impl *impls, size_t nimpl, long n, long warmup)
{
	struct bench_impl *im;
	long long before;
	double t0, dt;
	long per, r;
	size_t i, j, k;

	for (k = 0; k < nimpl; k++)
		for (i = 0; impls[k].run && i < BENCH_NCASES; i++)
			(void)bench_loop(&impls[k], &bench_cases[i], warmup,
			    impls[k].result[i]);
	for (r = 0; r < BENCH_ROUNDS; r++) {
		per = n / BENCH_ROUNDS + (r < n % BENCH_ROUNDS);
		if (per == 0)
			continue;
		for (j = 0; j < nimpl; j++) {
			im = &impls[(r & 1) ? nimpl - 1 - j : j];
			if (!im->run)
				continue;
			before = bench_heap();
			for (i = 0; i < BENCH_NCASES; i++) {
				t0 = bench_now();
				im->unlike += bench_loop(im, &bench_cases[i],
				    per, im->result[i]);
				dt = bench_now() - t0;
				im->total += dt;
				if (im->best[i] < 0 || dt / (double)per <
				    im->best[i])
					im->best[i] = dt / (double)per;
			}
			im->leaked += bench_heap() - before;
			im->evals += per * (long long)BENCH_NCASES;
		}
	}
}

/* bench_best - seconds per evaluation of all cases, quietest rounds */
static double
bench_best(const struct bench_impl *im)
{
	double sum = 0;
	size_t i;

	for (i = 0; i < BENCH_NCASES; i++)
		sum += im->best[i];
	return sum / BENCH_NCASES;
}

/* bench_report - the table, the ratios, the time per case */
static void
bench_report(const struct bench_impl *impls, size_t nimpl)
{
	const struct bench_impl *ref = NULL, *base = NULL;
	size_t i, k;

	printf("%-14s %11s %9s %11s %9s %13s %14s %11s\n", "implementation",
	    "evaluations", "seconds", "evals/s", "us/eval", "best evals/s",
	    "leaked B/eval", "heap B +/-");
	for (k = 0; k < nimpl; k++) {
		const struct bench_impl *im = &impls[k];

		if (!im->run || im->evals == 0)
			continue;
		printf("%-14s %11lld %9.3f %11.0f %9.3f %13.0f %14.3f %11lld\n",
		    im->name, im->evals, im->total,
		    (double)im->evals / im->total,
		    im->total * 1e6 / (double)im->evals, 1 / bench_best(im),
		    (double)im->leaked / (double)im->evals, im->leaked);
		if (im->unlike)
			printf("  %s: %lld timed evaluations gave another "
			    "result than the listing\n", im->name, im->unlike);
		if (strcmp(im->name, "libspf2") == 0)
			ref = im;
		else if (base == NULL)
			base = im;
	}
	printf("best evals/s: every case at the pace of its quietest of %d "
	    "rounds; heap B +/-: in-use\nbytes after the timed evaluations "
	    "minus before (mallinfo2(); glibc counts chunks held\nin its "
	    "thread cache as in use, so a few KiB either way are not a "
	    "leak)\n", BENCH_ROUNDS);
	if (ref != NULL && ref->evals != 0 && base != NULL) {
		printf("\n");
		for (k = 0; k < nimpl; k++) {
			const struct bench_impl *im = &impls[k];

			if (!im->run || im == ref || im->evals == 0)
				continue;
			printf("ratio %s / libspf2 evaluations per second: "
			    "%.2fx (best rounds: %.2fx)\n", im->name,
			    ((double)im->evals / im->total) /
			    ((double)ref->evals / ref->total),
			    bench_best(ref) / bench_best(im));
		}
	}
	printf("\n%-12s", "us/eval*");
	for (k = 0; k < nimpl; k++)
		if (impls[k].run)
			printf(" %13s", impls[k].name);
	if (ref != NULL && base != NULL)
		printf("  libspf2/%s", base->name);
	printf("\n");
	for (i = 0; i < BENCH_NCASES; i++) {
		printf("%-12s", bench_cases[i].name);
		for (k = 0; k < nimpl; k++)
			if (impls[k].run)
				printf(" %13.3f", impls[k].best[i] * 1e6);
		if (ref != NULL && base != NULL)
			printf(" %9.2fx", ref->best[i] / base->best[i]);
		printf("\n");
	}
	printf("* quietest round of each case\n");
}

/* bench_cpu - the CPU model from /proc/cpuinfo, if there is one */
static void
bench_cpu(struct buf *b)
{
	char line[BENCH_CPU_MAX];
	FILE *fp = fopen("/proc/cpuinfo", "r");

	if (fp == NULL)
		return;
	while (fgets(line, sizeof(line), fp) != NULL) {
		char *colon = strchr(line, ':');

		if (strncmp(line, "model name", 10) != 0 || colon == NULL)
			continue;
		colon += 1 + (colon[1] == ' ');
		(void)buf_append(b, colon, strcspn(colon, "\n"));
		break;
	}
	(void)fclose(fp);
}

/* bench_read - a whole file into b; -1 with the reason in *why */
static int
bench_read(const char *path, struct buf *b, const char **why)
{
	char chunk[8192];
	FILE *fp = fopen(path, "r");
	size_t n;
	int ret = 0;

	if (fp == NULL) {
		*why = strerror(errno);
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		if (buf_append(b, chunk, n) < 0) {
			*why = "file too large";
			ret = -1;
			break;
		}
	}
	if (ret == 0 && ferror(fp)) {
		*why = "read error";
		ret = -1;
	}
	(void)fclose(fp);
	return ret;
}

/* bench_count - a count argument, 0..BENCH_MAX_COUNT */
static long
bench_count(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == 0 || *end != 0 || v < 0 || v > BENCH_MAX_COUNT)
		return -1;
	return v;
}

/* bench_usage - how to call */
static _Noreturn void
bench_usage(void)
{
	fprintf(stderr, "usage: bench_spf [-v] [-z zone] [-n count] "
	    "[-w count] [-o rmxf|rmxf+headers|rmxf+rcache|rmxf+rc+hdr|libspf2]\n");
	exit(EX_USAGE);
}

/* main - load the zone, list the cases, time, report */
int
main(int argc, char **argv)
{
	struct bench_rmxf plain = {NULL, 0, NULL}, hdr = {NULL, 1, NULL};
	struct bench_rmxf cached = {NULL, 0, NULL}, cachedhdr = {NULL, 1, NULL};
	struct bench_spf2 *spf2 = NULL;
	struct bench_impl impls[] = {
		{.name = "rmxf", .eval = bench_rmxf_eval, .obj = &plain},
		{.name = "rmxf+headers", .eval = bench_rmxf_eval, .obj = &hdr},
		{.name = "rmxf+rcache", .eval = bench_rmxf_eval,
		 .obj = &cached},
		{.name = "rmxf+rc+hdr", .eval = bench_rmxf_eval,
		 .obj = &cachedhdr},
		{.name = "libspf2", .eval = bench_spf2_eval},
	};
	size_t nimpl = sizeof(impls) / sizeof(*impls), k, i;
	const char *zpath = BENCH_ZONE, *only = NULL, *why = NULL;
	long n = BENCH_COUNT, warmup = BENCH_WARMUP;
	struct buf text, cpu;
	char err[BENCH_ERR_MAX];
	int ch, verbose = 0, status = 1;

	msg_open("bench_spf", MSG_STDERR, 0, 0);
	while ((ch = getopt(argc, argv, "vz:n:w:o:")) != -1) {
		switch (ch) {
		case 'v':
			verbose = 1;
			break;
		case 'z':
			zpath = optarg;
			break;
		case 'n':
			if ((n = bench_count(optarg)) <= 0)
				bench_usage();
			break;
		case 'w':
			if ((warmup = bench_count(optarg)) < 0)
				bench_usage();
			break;
		case 'o':
			only = optarg;
			break;
		default:
			bench_usage();
		}
	}
	if (optind != argc)
		bench_usage();
	for (k = 0; k < nimpl; k++)
		impls[k].run = only == NULL || strcmp(only, impls[k].name) == 0;
	for (k = 0; k < nimpl && !impls[k].run; k++)
		;
	if (k == nimpl)
		bench_usage();

	buf_init(&text, DNS_ZONE_MAX_FILE);
	buf_init(&cpu, BENCH_CPU_MAX);
	if (bench_read(zpath, &text, &why) < 0) {
		fprintf(stderr, "bench_spf: %s: %s\n", zpath, why);
		goto out;
	}
	plain.zone = dns_zone_parse(text.data ? text.data : "", text.len, err,
	    sizeof(err));
	if (plain.zone == NULL) {
		fprintf(stderr, "bench_spf: %s: %s\n", zpath, err);
		goto out;
	}
	hdr.zone = cached.zone = cachedhdr.zone = plain.zone;
	/* one cache each, as large as a daemon's default */
	cached.rcache = spf_rcache_new(BENCH_RCACHE);
	cachedhdr.rcache = spf_rcache_new(BENCH_RCACHE);
	if ((spf2 = bench_spf2_new(&why)) == NULL ||
	    bench_spf2_load(spf2, plain.zone, text.data ? text.data : "",
	    text.len, &why) < 0) {
		fprintf(stderr, "bench_spf: %s: libspf2: %s\n", zpath, why);
		goto out;
	}
	impls[nimpl - 1].obj = spf2;

	bench_cpu(&cpu);
	printf("SPF evaluation benchmark: %s, %zu records (libspf2 zone: "
	    "%zu entries), %zu cases\n", zpath, dns_zone_size(plain.zone),
	    bench_spf2_size(spf2), BENCH_NCASES);
	printf("libspf2 %s; compiler %s; cpu %s; one thread\n",
	    bench_spf2_version(), __VERSION__, cpu.data ? cpu.data : "?");
	printf("%ld evaluations per case and implementation, after %ld "
	    "untimed\n\n", n, warmup);

	(void)bench_list(impls, nimpl, verbose);
	(void)fflush(stdout);
	for (k = 0; k < nimpl; k++)
		for (i = 0; i < BENCH_NCASES; i++)
			impls[k].best[i] = -1;
	bench_time(impls, nimpl, n, warmup);
	bench_report(impls, nimpl);
	status = 0;

out:
	bench_spf2_free(spf2);
	spf_rcache_free(cached.rcache);
	spf_rcache_free(cachedhdr.rcache);
	dns_zone_free(plain.zone);
	buf_free(&cpu);
	buf_free(&text);
	return status;
}
