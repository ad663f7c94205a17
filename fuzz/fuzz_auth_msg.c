/*
 * NAME
 *	fuzz_auth_msg 1
 * SUMMARY
 *	fuzz target: a whole message through auth(3), to the header
 * DESCRIPTION
 *	Input: a message, optionally followed by a line "%%zone" and zone
 *	text (doc/zone-format.md) with its keys and DMARC records; without
 *	it a small fixed zone answers.  auth_message() splits the message
 *	(its first NUL ends the search for the separator only); the job
 *	is run as rmxf message runs it, once after the end (the questions
 *	answered from the zone, one input in four expired instead), then
 *	auth_decide() takes SPF and the front end's strings made of the
 *	input's own bytes (control bytes, quotes, non-ASCII) under one of
 *	a few configurations.  Asserted: the job ends in a bounded number
 *	of steps; the action is one done (never observe); the header value
 *	is one line of printable ASCII with balanced quotes (no header
 *	injection), NUL-terminated within AUTH_MAX_HEADER; the log fields
 *	and the reply text hold no control byte.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "conf/conf.h"
#include "dns/dns.h"
#include "util/buf.h"
#include "util/msg.h"
#include "util/xmalloc.h"

#define FUZZ_SEP	"\n%%zone\n"
#define FUZZ_NOW	1765000000LL
#define FUZZ_MAX_STEPS	100
#define FUZZ_HOSTILE	40	/* octets of the input in each string */

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char fuzz_zone_text[] =
    "_dmarc.example.com TXT \"v=DMARC1; p=reject; sp=quarantine\"\n"
    "_dmarc.example.org TXT \"v=DMARC1; p=quarantine; t=y\"\n"
    "_dmarc.example.net TIMEOUT\n"
    "sel._domainkey.example.com TXT \"v=DKIM1; p=\"\n";

static const char *const fuzz_confs[] = {
	"",
	"observe_only = yes\n",
	"action_dmarc_reject = defer\naction_dmarc_temperror = defer\n",
	"action_dmarc_quarantine = observe\ntest_dkim = no\n",
	"test_dmarc = no\n",
};
#define FUZZ_NCONF	(sizeof(fuzz_confs) / sizeof(fuzz_confs[0]))

static struct conf *fuzz_conf[FUZZ_NCONF];

/* fuzz_setup - the configurations, once */
static void
fuzz_setup(void)
{
	struct buf err;
	size_t i;

	if (fuzz_conf[0] != NULL)
		return;
	buf_init(&err, 256);
	for (i = 0; i < FUZZ_NCONF; i++)
		if ((fuzz_conf[i] = conf_parse(fuzz_confs[i],
		    strlen(fuzz_confs[i]), "fuzz", &err)) == NULL)
			msg_panic("fuzz configuration: %s", err.data);
	buf_free(&err);
}

/* fuzz_run - one run of the job: answer what it asks from the zone */
static void
fuzz_run(struct auth *a, struct dns_zone *z, int expire)
{
	const struct spf_question *qs;
	size_t n, k;
	int i;

	for (i = 0; i < FUZZ_MAX_STEPS; i++) {
		switch (auth_step(a, &qs, &n)) {
		case SPF_STEP_DONE:
			return;
		case SPF_STEP_WAIT:
			msg_panic("waits with every answer given");
		case SPF_STEP_QUERY:
			break;
		}
		if (expire) {
			auth_expire(a);
			continue;
		}
		for (k = 0; k < n; k++) {
			struct spf_answer an;

			dns_zone_answer(z, &qs[k], &an);
			if (auth_feed(a, &an) < 0)
				msg_panic("answer refused");
		}
	}
	msg_panic("questions without end");
}

/* fuzz_clean - no control byte in s */
static void
fuzz_clean(const char *s, const char *what)
{
	for (; s != NULL && *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f)
			msg_panic("control byte in the %s", what);
}

/* fuzz_check - the header is one safe line */
static void
fuzz_check(const struct auth_decision *d)
{
	const char *p = d->header_value;
	size_t len = strnlen(p, AUTH_MAX_HEADER + 1);
	int inq = 0;

	if (len > AUTH_MAX_HEADER)
		msg_panic("header value not NUL-terminated in its bound");
	for (; *p; p++) {
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
			msg_panic("byte %#x in the header", (unsigned char)*p);
		if (inq && *p == '\\' && p[1] != 0)
			p++;
		else if (*p == '"')
			inq = !inq;
	}
	if (inq)
		msg_panic("unbalanced quotes in the header");
	if (d->action == CONF_DA_OBSERVE || d->action >= CONF_DA_COUNT)
		msg_panic("action not one done");
	if ((d->action == CONF_DA_REJECT || d->action == CONF_DA_DEFER) &&
	    (d->text == NULL || d->code < 400 || d->code > 599))
		msg_panic("reject or defer without its reply");
	fuzz_clean(d->log, "log");
	fuzz_clean(d->text, "reply text");
}

/* fuzz_decide - auth_decide() with the input's bytes as strings */
static void
fuzz_decide(struct auth *a, const uint8_t *data, size_t size)
{
	char id[FUZZ_HOSTILE + 1], dom[FUZZ_HOSTILE + 1];
	size_t n = size < FUZZ_HOSTILE ? size : FUZZ_HOSTILE;
	struct auth_in in;

	memcpy(id, data + size - n, n);
	id[n] = 0;
	memcpy(dom, data, n);
	dom[n] = 0;
	memset(&in, 0, sizeof(in));
	in.authserv_id = size % 2 ? id : NULL;
	in.spf_checked = size % 5 != 0;
	in.spf = (enum spf_result)(size % (SPF_PERMERROR + 1));
	in.spf_domain = dom;
	in.spf_method = size % 3 ? "spf=pass smtp.mailfrom=example.com" :
	    NULL;
	in.observe = size % 7 == 0;
	in.nodmarc = size % 11 == 0;
	fuzz_check(auth_decide(a, &in));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = xmemdup(data, size), *sep, err[128];
	size_t mlen = size;
	struct dns_zone *z;
	struct auth *a;

	fuzz_setup();
	if ((sep = strstr(copy, FUZZ_SEP)) != NULL) {
		mlen = (size_t)(sep - copy) + 1;
		z = dns_zone_parse(sep + sizeof(FUZZ_SEP) - 1,
		    size - mlen - sizeof(FUZZ_SEP) + 2, err, sizeof(err));
	} else
		z = dns_zone_parse(fuzz_zone_text, sizeof(fuzz_zone_text) - 1,
		    err, sizeof(err));
	if (z == NULL)
		goto out;
	a = auth_new(fuzz_conf[size % FUZZ_NCONF], FUZZ_NOW, NULL);
	auth_message(a, copy, mlen);
	fuzz_run(a, z, size % 4 == 0);
	if (!auth_done(a))
		msg_panic("not done after the message and the answers");
	fuzz_decide(a, data, size);
	auth_free(a);
	dns_zone_free(z);
out:
	free(copy);
	return 0;
}
