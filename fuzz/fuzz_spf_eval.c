/*
 * NAME
 *	fuzz_spf_eval 1
 * SUMMARY
 *	fuzz target: the whole SPF evaluator over a fuzzed zone
 * DESCRIPTION
 *	Input: three lines (client address, MAIL FROM, HELO), then zone
 *	text (doc/zone-format.md).  The evaluation is driven step by step,
 *	with every other round of answers held back until the next step, to
 *	exercise waiting; one input in four expires the query half way.
 *	Asserted: it terminates in a bounded number of steps and questions,
 *	the result is a valid value, the counters respect their limits (at
 *	most one over, the one that trips), and the test-mode walker
 *	(spf_list) terminates on the same zone too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns/dns.h"
#include "spf/spf.h"
#include "util/msg.h"
#include "util/xmalloc.h"

#define FUZZ_MAX_STEPS		2000
#define FUZZ_MAX_QUESTIONS	2000

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct spf_rcache *fuzz_rc;

/* fuzz_line - split off one line */
static char *
fuzz_line(char **p, char *end)
{
	char *s = *p, *nl = memchr(s, '\n', (size_t)(end - s));

	if (nl == NULL)
		return NULL;
	*nl = 0;
	*p = nl + 1;
	return s;
}

/* fuzz_drive - run any job against the zone, bounded */
static void
fuzz_drive(struct dns_zone *z, struct spf_job *job, int expire_at)
{
	const struct spf_question *qs;
	size_t n, k, total = 0;
	int i;

	for (i = 0; i < FUZZ_MAX_STEPS; i++) {
		enum spf_step st;

		if (i == expire_at)
			job->expire(job->obj);
		st = job->step(job->obj, &qs, &n);
		if (st == SPF_STEP_DONE)
			return;
		if (st == SPF_STEP_WAIT)
			msg_panic("wait with every answer given");
		total += n;
		if (total > FUZZ_MAX_QUESTIONS)
			msg_panic("too many questions: %zu", total);
		for (k = 0; k < n; k++) {
			struct spf_answer a;

			dns_zone_answer(z, &qs[k], &a);
			if (job->feed(job->obj, &a) < 0)
				msg_panic("answer refused");
		}
	}
	msg_panic("no result after %d steps", FUZZ_MAX_STEPS);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = xmemdup(data, size), *p = copy, *end = copy + size;
	char *ip, *sender, *helo, err[128];
	struct dns_zone *z = NULL;
	struct spf_params params;
	struct spf_query *q;
	struct spf_list *sl;
	const struct spf_detail *d;
	struct spf_job job;
	enum spf_result r;

	if ((ip = fuzz_line(&p, end)) == NULL ||
	    (sender = fuzz_line(&p, end)) == NULL ||
	    (helo = fuzz_line(&p, end)) == NULL)
		goto out;
	spf_params_init(&params);
	if (spf_params_ip(&params, ip) < 0)
		goto out;
	if ((z = dns_zone_parse(p, (size_t)(end - p), err, sizeof(err))) ==
	    NULL)
		goto out;
	params.sender = sender;
	params.helo = helo;
	params.receiver = "rx.example.org";
	params.identity = size % 5 == 0 ? SPF_ID_HELO : SPF_ID_MAILFROM;
	params.flags = size % 2 ? SPF_F_TRACE : SPF_F_NOPREFETCH;
	/* a small cache shared by every input: eviction, reuse */
	if (fuzz_rc == NULL)
		fuzz_rc = spf_rcache_new(8);
	params.rcache = size % 3 ? fuzz_rc : NULL;
	q = spf_query_new(&params);
	spf_query_job(&job, q);
	fuzz_drive(z, &job, size % 4 == 0 ? 2 : -1);
	r = spf_query_result(q, &d);
	if ((unsigned)r > SPF_PERMERROR)
		msg_panic("result out of range");
	if (d->dns_terms > params.limits.dns_terms + 1 ||
	    d->void_lookups > params.limits.void_lookups + 1)
		msg_panic("a limit did not hold");
	if (r == SPF_FAIL && d->explanation == NULL)
		msg_panic("fail without explanation");
	spf_query_free(q);

	sl = spf_list_new(sender, &params);
	spf_list_job(&job, sl);
	fuzz_drive(z, &job, -1);
	spf_list_free(sl);
out:
	dns_zone_free(z);
	free(copy);
	return 0;
}
