/*
 * NAME
 *	dnsq 1
 * SUMMARY
 *	ask questions through the rmxf libunbound driver
 * SYNOPSIS
 *	dnsq --dns ADDR:PORT [--timeout MS] [--tcp] [--recent MS]
 *		[--shared | --parallel] NAME TYPE [NAME TYPE ...]
 * DESCRIPTION
 *	Asks each question (TYPE: A, AAAA, MX, PTR, TXT, SPF, CNAME or a
 *	number) through dns_ub with the given forwarder, and prints for each,
 *	in the order given, one line
 *
 *		NAME TYPE STATUS COUNT ms=ELAPSED
 *
 *	(STATUS: OK, NXDOMAIN, SERVFAIL, TIMEOUT; OK 0 is NODATA) followed by
 *	one tab-indented line per record: "A 192.0.2.1", "MX 10 name",
 *	"PTR name", "TXT len=N "text"" with '"', '\' and octets outside
 *	printable ASCII as \DDD.
 *
 *	By default every question is its own job on its own resolver
 *	(dns_ub_run_sync()).  --shared runs the questions one after another
 *	on one event base and one resolver (dns_ub_start(), its cache and
 *	its memory of slow servers carry over); --parallel asks all of them
 *	in one job, at once.  --timeout is each job's deadline (default
 *	2000 ms); --tcp sends every query over TCP; --recent keeps answers
 *	that long in front of libunbound (dns_recent(3)).
 * DIAGNOSTICS
 *	Exit 0 when every job ran, 1 when the resolver could not be set up
 *	(the reason on stderr), 64 for bad arguments.
 * SEE ALSO
 *	tests/dns/run.sh, tests/tools/dnsd.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <time.h>

#include <event2/event.h>

#include "dns/dns.h"
#include "util/buf.h"
#include "util/msg.h"
#include "util/xmalloc.h"

#define DNSQ_MAX_OUT	(1 << 20)	/* printed text of one answer */
#define DNSQ_TIMEOUT_MS	2000
#define DNSQ_FWD_MAX	128

struct dnsq_item {
	struct spf_question q;
	const char     *type_text;
	enum spf_dns_status status;
	size_t		nrr;
	int		answered;
	struct buf	out;		/* record lines */
	long long	start_ms;
	long long	ms;
};

/* A job asking items[first..first+n] at once. */
struct dnsq_job {
	struct dnsq_item *items;
	size_t		first;
	size_t		n;
	int		asked;
	struct spf_question *qs;
};

/* dnsq_now_ms - monotonic milliseconds */
static long long
dnsq_now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* dnsq_type - a type name or number */
static int
dnsq_type(const char *s, enum spf_rrtype *type)
{
	static const struct {
		const char *name;
		unsigned type;
	} t[] = {
		{"A", SPF_RR_A}, {"AAAA", SPF_RR_AAAA}, {"MX", SPF_RR_MX},
		{"PTR", SPF_RR_PTR}, {"TXT", SPF_RR_TXT},
		{"SPF", DNS_RR_SPF}, {"CNAME", DNS_RR_CNAME},
	};
	unsigned long v;
	char *end;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(*t); i++) {
		if (strcasecmp(s, t[i].name) == 0) {
			*type = (enum spf_rrtype)t[i].type;
			return 0;
		}
	}
	v = strtoul(s, &end, 10);
	if (*s == 0 || *end != 0 || v == 0 || v > 65535)
		return -1;
	*type = (enum spf_rrtype)v;
	return 0;
}

/* dnsq_status - status word */
static const char *
dnsq_status(enum spf_dns_status s)
{
	switch (s) {
	case SPF_DNS_OK:
		return "OK";
	case SPF_DNS_NXDOMAIN:
		return "NXDOMAIN";
	case SPF_DNS_SERVFAIL:
		return "SERVFAIL";
	case SPF_DNS_TIMEOUT:
		return "TIMEOUT";
	}
	return "?";
}

/* dnsq_text - bytes as a quoted string, odd octets as \DDD */
static void
dnsq_text(struct buf *b, const char *p, size_t len)
{
	size_t i;

	(void)buf_putc(b, '"');
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c < ' ' || c >= 0x7f || c == '"' || c == '\\')
			(void)buf_printf(b, "\\%03u", c);
		else
			(void)buf_putc(b, c);
	}
	(void)buf_putc(b, '"');
}

/* dnsq_record - one record line */
static void
dnsq_record(struct buf *b, const struct spf_rr *rr)
{
	char ip[IPADDR_STRLEN];

	(void)buf_putc(b, '\t');
	switch ((unsigned)rr->type) {
	case SPF_RR_A:
	case SPF_RR_AAAA:
		ipaddr_format(&rr->addr, ip);
		(void)buf_printf(b, "%s %s", rr->type == SPF_RR_A ? "A" :
		    "AAAA", ip);
		break;
	case SPF_RR_MX:
		(void)buf_printf(b, "MX %u %s", rr->pref, rr->data);
		break;
	case SPF_RR_PTR:
		(void)buf_printf(b, "PTR %s", rr->data);
		break;
	case SPF_RR_TXT:
	case DNS_RR_SPF:
		(void)buf_printf(b, "%s len=%zu ", rr->type == SPF_RR_TXT ?
		    "TXT" : "SPF", rr->len);
		dnsq_text(b, rr->data, rr->len);
		break;
	default:
		(void)buf_printf(b, "TYPE%u", (unsigned)rr->type);
		break;
	}
	(void)buf_putc(b, '\n');
}

/* dnsq_step - ask everything once, then wait for the answers */
static enum spf_step
dnsq_step(void *obj, const struct spf_question **qs, size_t *n)
{
	struct dnsq_job *j = obj;
	size_t i, left = 0;

	if (!j->asked) {
		j->asked = 1;
		for (i = 0; i < j->n; i++) {
			j->qs[i] = j->items[j->first + i].q;
			j->items[j->first + i].start_ms = dnsq_now_ms();
		}
		*qs = j->qs;
		*n = j->n;
		return SPF_STEP_QUERY;
	}
	for (i = 0; i < j->n; i++)
		if (!j->items[j->first + i].answered)
			left++;
	*n = 0;
	return left ? SPF_STEP_WAIT : SPF_STEP_DONE;
}

/* dnsq_feed - keep one answer as text */
static int
dnsq_feed(void *obj, const struct spf_answer *a)
{
	struct dnsq_job *j = obj;
	struct dnsq_item *it;
	size_t i;

	if (a->id < j->first || a->id >= j->first + j->n)
		return -1;
	it = &j->items[a->id];
	if (it->answered)
		return -1;
	it->answered = 1;
	it->status = a->status;
	it->nrr = a->nrr;
	it->ms = dnsq_now_ms() - it->start_ms;
	for (i = 0; i < a->nrr; i++)
		dnsq_record(&it->out, &a->rr[i]);
	return 0;
}

/* dnsq_expire - the deadline passed: what is left times out */
static void
dnsq_expire(void *obj)
{
	struct dnsq_job *j = obj;
	size_t i;

	for (i = 0; i < j->n; i++) {
		struct dnsq_item *it = &j->items[j->first + i];

		if (!it->answered) {
			it->answered = 1;
			it->status = SPF_DNS_TIMEOUT;
			it->ms = dnsq_now_ms() - it->start_ms;
		}
	}
}

/* dnsq_job_init - a job over n items from first */
static void
dnsq_job_init(struct dnsq_job *j, struct spf_job *job,
    struct dnsq_item *items, size_t first, size_t n)
{
	memset(j, 0, sizeof(*j));
	j->items = items;
	j->first = first;
	j->n = n;
	j->qs = xcalloc(n, sizeof(*j->qs));
	job->obj = j;
	job->step = dnsq_step;
	job->feed = dnsq_feed;
	job->expire = dnsq_expire;
}

/* dnsq_done - a shared-mode job finished */
static void
dnsq_done(void *arg)
{
	int *flag = arg;

	*flag = 1;
}

/* dnsq_fwd - "ADDR:PORT" or "[V6]:PORT" as given; dns_ub accepts both */
static const char *
dnsq_fwd(const char *s)
{
	if (strlen(s) >= DNSQ_FWD_MAX)
		msg_fatal(EX_USAGE, "--dns %s: too long", s);
	return s;
}

/* main - ask, print */
int
main(int argc, char **argv)
{
	struct dns_ub_opts opts;
	struct dnsq_item *items;
	struct dnsq_job j;
	struct spf_job job;
	char err[256];
	size_t n, i;
	int argi, shared = 0, parallel = 0, status = 0;

	msg_open("dnsq", MSG_STDERR, 0, 0);
	memset(&opts, 0, sizeof(opts));
	opts.timeout_ms = DNSQ_TIMEOUT_MS;
	for (argi = 1; argi < argc && strncmp(argv[argi], "--", 2) == 0;
	    argi++) {
		const char *opt = argv[argi];

		if (strcmp(opt, "--tcp") == 0)
			opts.tcp_only = 1;
		else if (strcmp(opt, "--shared") == 0)
			shared = 1;
		else if (strcmp(opt, "--parallel") == 0)
			parallel = 1;
		else if (argi + 1 < argc && strcmp(opt, "--dns") == 0)
			opts.forwarders = dnsq_fwd(argv[++argi]);
		else if (argi + 1 < argc && strcmp(opt, "--recent") == 0)
			opts.recent_ms = (unsigned)strtoul(argv[++argi],
			    NULL, 10);
		else if (argi + 1 < argc && strcmp(opt, "--timeout") == 0)
			opts.timeout_ms = (unsigned)strtoul(argv[++argi],
			    NULL, 10);
		else
			goto usage;
	}
	if (opts.forwarders == NULL || argi == argc ||
	    (argc - argi) % 2 != 0 || opts.timeout_ms == 0 ||
	    (shared && parallel))
		goto usage;
	n = (size_t)(argc - argi) / 2;
	items = xcalloc(n, sizeof(*items));
	for (i = 0; i < n; i++) {
		items[i].q.id = (unsigned)i;
		items[i].q.name = argv[argi + 2 * i];
		items[i].type_text = argv[argi + 2 * i + 1];
		if (dnsq_type(items[i].type_text, &items[i].q.type) < 0)
			msg_fatal(EX_USAGE, "unknown type %s",
			    items[i].type_text);
		buf_init(&items[i].out, DNSQ_MAX_OUT);
	}

	if (parallel) {
		dnsq_job_init(&j, &job, items, 0, n);
		if (dns_ub_run_sync(&opts, &job, err, sizeof(err)) < 0)
			status = 1;
		free(j.qs);
	} else if (shared) {
		struct event_base *base = event_base_new();
		struct dns_ub *ub;

		if (base == NULL)
			msg_fatal(EX_OSERR, "event_base_new failed");
		if ((ub = dns_ub_new(base, &opts, err, sizeof(err))) == NULL)
			status = 1;
		for (i = 0; status == 0 && i < n; i++) {
			int finished = 0;

			dnsq_job_init(&j, &job, items, i, 1);
			(void)dns_ub_start(ub, &job, 0, dnsq_done, &finished);
			while (!finished)
				(void)event_base_loop(base, EVLOOP_ONCE);
			free(j.qs);
		}
		dns_ub_free(ub);
		event_base_free(base);
	} else {
		for (i = 0; status == 0 && i < n; i++) {
			dnsq_job_init(&j, &job, items, i, 1);
			if (dns_ub_run_sync(&opts, &job, err, sizeof(err)) < 0)
				status = 1;
			free(j.qs);
		}
	}
	if (status != 0)
		fprintf(stderr, "dnsq: %s\n", err);
	else
		for (i = 0; i < n; i++)
			printf("%s %s %s %zu ms=%lld\n%s", items[i].q.name,
			    items[i].type_text, dnsq_status(items[i].status),
			    items[i].nrr, items[i].ms,
			    items[i].out.data ? items[i].out.data : "");
	for (i = 0; i < n; i++)
		buf_free(&items[i].out);
	free(items);
	return status;

usage:
	fprintf(stderr, "usage: dnsq --dns ADDR:PORT [--timeout MS] [--tcp] "
	    "[--recent MS]\n            [--shared | --parallel] NAME TYPE "
	    "...\n");
	return EX_USAGE;
}
