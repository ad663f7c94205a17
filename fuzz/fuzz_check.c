/*
 * NAME
 *	fuzz_check 1
 * SUMMARY
 *	fuzz target: the check pipeline over a fuzzed zone and requests
 * DESCRIPTION
 *	Input: zone text (doc/zone-format.md), a line "%%", then policy
 *	requests as Postfix sends them (one connection, one message).  The
 *	configuration turns every test on (HELO, A, MX, legacy on neutral)
 *	and has a smarthost profile and an ACL, chosen by the input's
 *	size.  Each check is driven step by step against the zone; one
 *	input in four expires it half way.  Every other input has a cache
 *	of recent evaluations (check_recent(3)) of four, its clock a
 *	millisecond on per request.  Asserted: it terminates in a
 *	bounded number of steps and questions, the action is one line that
 *	policy_format_reply() takes, and the log line is one line.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "acl/acl.h"
#include "check/check.h"
#include "conf/conf.h"
#include "dns/dns.h"
#include "policy/policy.h"
#include "util/buf.h"
#include "util/msg.h"
#include "util/xmalloc.h"

#define FUZZ_MAX_STEPS		2000
#define FUZZ_MAX_QUESTIONS	4000
#define FUZZ_MAX_REQUESTS	16
#define FUZZ_MAX_REPLY		(POLICY_MAX_ACTION + 64)
#define FUZZ_ERRLEN		256

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char fuzz_conf_text[] =
    "test_helo = yes\ntest_a = yes\ntest_mx = yes\n"
    "legacy_on_neutral = yes\ndefault_result = softfail\n"
    "smarthost_egress = 203.0.113.25 2001:db8:25::25\n"
    "smarthost_contexts = submission\n"
    "header_authentication_results = yes\n";
static const char fuzz_acl_text[] =
    "postmaster@example.net skip\nmarked@example.net check HMARK\n"
    "@example.org check NOHELO NOLEGACY\n* check OBSERVE\n";

static struct conf *fuzz_conf;
static struct acl *fuzz_acl;

/* fuzz_drive - run a check against the zone, bounded */
static void
fuzz_drive(struct dns_zone *z, struct check *c, int expire_at)
{
	const struct spf_question *qs;
	struct spf_answer a;
	size_t n, k, total = 0;
	int i;

	for (i = 0; i < FUZZ_MAX_STEPS; i++) {
		enum spf_step st;

		if (i == expire_at)
			check_expire(c);
		st = check_step(c, &qs, &n);
		if (st == SPF_STEP_DONE)
			return;
		if (st == SPF_STEP_WAIT)
			msg_panic("wait with every answer given");
		total += n;
		if (total > FUZZ_MAX_QUESTIONS)
			msg_panic("too many questions: %zu", total);
		for (k = 0; k < n; k++) {
			dns_zone_answer(z, &qs[k], &a);
			if (check_feed(c, &a) < 0)
				msg_panic("answer refused");
		}
	}
	msg_panic("no decision after %d steps", FUZZ_MAX_STEPS);
}

/* fuzz_setup - the fixed configuration and ACL, once */
static void
fuzz_setup(void)
{
	struct buf err;

	if (fuzz_conf != NULL)
		return;
	buf_init(&err, FUZZ_ERRLEN);
	fuzz_conf = conf_parse(fuzz_conf_text, strlen(fuzz_conf_text), "f",
	    &err);
	fuzz_acl = acl_parse(fuzz_acl_text, strlen(fuzz_acl_text), "f", &err);
	if (fuzz_conf == NULL || fuzz_acl == NULL)
		msg_panic("fuzz setup: %s", err.data ? err.data : "?");
	buf_free(&err);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = xmemdup(data, size), *sep, *p, *end = copy + size;
	char err[FUZZ_ERRLEN];
	const struct check_decision *d;
	struct policy_parser *pp = NULL;
	struct check_message *msg = NULL;
	struct dns_zone *z = NULL;
	struct check_envelope in;
	struct check_env env;
	struct check *c;
	struct buf reply;
	size_t used;
	int nreq = 0, header_sent = 0;

	fuzz_setup();
	memset(&env, 0, sizeof(env));
	if ((sep = strstr(copy, "\n%%\n")) == NULL)
		goto out;
	*sep = 0;
	p = sep + 4;
	if ((z = dns_zone_parse(copy, (size_t)(sep - copy), err,
	    sizeof(err))) == NULL)
		goto out;
	env.conf = fuzz_conf;
	env.acl = size % 2 ? fuzz_acl : NULL;
	env.hostname = "mx.example.net";
	if (size % 2 == 0)
		env.recent = check_recent_new(4, 3);
	msg = check_message_new();
	pp = policy_parser_new(NULL);
	while (p < end && nreq++ < FUZZ_MAX_REQUESTS) {
		if (policy_parser_feed(pp, p, (size_t)(end - p), &used) !=
		    POLICY_REQUEST)
			break;
		p += used;
		check_recent_clock(env.recent, nreq);
		check_envelope_policy(&in, policy_parser_request(pp));
		if (check_message_begin(msg, policy_parser_request(pp)->
		    instance, &in))
			header_sent = 0;
		in.header_sent = header_sent;
		c = check_new(&env, size % 3 ? msg : NULL, &in, 1700000000);
		fuzz_drive(z, c, size % 4 == 0 ? 2 : -1);
		d = check_decision(c);
		header_sent |= d->result_header;
		if (d->action == NULL || d->log == NULL ||
		    strchr(d->log, '\n') != NULL)
			msg_panic("bad decision");
		buf_init(&reply, FUZZ_MAX_REPLY);
		if (policy_format_reply(&reply, d->action) < 0)
			msg_panic("action refused: %s", d->action);
		buf_free(&reply);
		check_free(c);
		policy_parser_reset(pp);
	}
out:
	policy_parser_free(pp);
	check_message_free(msg);
	check_recent_free(env.recent);
	dns_zone_free(z);
	free(copy);
	return 0;
}
