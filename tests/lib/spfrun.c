/*
 * NAME
 *	spfrun 3
 * SUMMARY
 *	test helper: one SPF evaluation against zone text
 * SYNOPSIS
 *	#include "lib/spfrun.h"
 *
 *	int	spfrun(struct spfrun *run, const char *zone, const char *ip,
 *			const char *sender, const char *helo,
 *			enum spf_identity id, unsigned flags,
 *			const struct spf_limits *limits);
 *	void	spfrun_free(struct spfrun *run);
 * DESCRIPTION
 *	Parses the zone, drives the query step by step (counting the rounds
 *	of questions, so tests can check that independent questions are
 *	asked together), and keeps query and zone for inspection.
 * DIAGNOSTICS
 *	-1 for a bad zone or address.
 */
#include <string.h>

#include "dns/dns.h"
#include "lib/spfrun.h"
#include "util/msg.h"

#define SPFRUN_MAX_STEPS 1000

static struct spf_rcache *spfrun_rc;

/* spfrun_rcache - share parsed records across the next runs */
void
spfrun_rcache(struct spf_rcache *rc)
{
	spfrun_rc = rc;
}

/* spfrun - evaluate */
int
spfrun(struct spfrun *run, const char *zone, const char *ip,
    const char *sender, const char *helo, enum spf_identity id,
    unsigned flags, const struct spf_limits *limits)
{
	struct spf_params p;
	char err[256];
	unsigned i;

	memset(run, 0, sizeof(*run));
	run->zone = dns_zone_parse(zone, strlen(zone), err, sizeof(err));
	if (run->zone == NULL)
		return -1;
	spf_params_init(&p);
	if (ipaddr_parse(ip, &p.ip) < 0)
		return -1;
	p.sender = sender;
	p.helo = helo;
	p.identity = id;
	p.receiver = "rx.example.org";
	p.now = 1700000000;
	p.flags = flags;
	p.rcache = spfrun_rc;
	if (limits != NULL)
		p.limits = *limits;
	run->q = spf_query_new(&p);
	for (i = 0; i < SPFRUN_MAX_STEPS; i++) {
		const struct spf_question *qs;
		size_t n, k;
		enum spf_step st = spf_query_step(run->q, &qs, &n);

		if (st == SPF_STEP_DONE)
			break;
		if (st != SPF_STEP_QUERY)
			msg_panic("spfrun: wait without questions out");
		run->steps++;
		run->questions += (unsigned)n;
		for (k = 0; k < n; k++) {
			struct spf_answer a;

			dns_zone_answer(run->zone, &qs[k], &a);
			if (spf_query_feed(run->q, &a) < 0)
				msg_panic("spfrun: feed refused");
		}
	}
	run->r = spf_query_result(run->q, &run->d);
	return 0;
}

/* spfrun_free - release */
void
spfrun_free(struct spfrun *run)
{
	spf_query_free(run->q);
	dns_zone_free(run->zone);
	memset(run, 0, sizeof(*run));
}
