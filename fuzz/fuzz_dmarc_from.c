/*
 * NAME
 *	fuzz_dmarc_from 1
 * SUMMARY
 *	fuzz target: DMARC's From field reader and its walk
 * DESCRIPTION
 *	Input: a header block.  It is split into fields (a line that
 *	begins with white space continues the field before it) and each
 *	field, copied into an allocation of exactly its size, is given to
 *	dmarc_header().  Every author domain kept must be a name of valid
 *	syntax, lower case, without a trailing dot.  The walk then runs
 *	with every question answered NXDOMAIN, then again with the bytes
 *	of the input's first line as the one TXT record of every name:
 *	each step must end in DONE within a bound, ask TXT only, at most
 *	DMARC_MAX_WALK + 1 questions per author domain and DMARC_MAX_WALK
 *	per identifier (two fixed ones, and the input as a string), and
 *	give a result
 *	and policy in range.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dmarc/dmarc_int.h"
#include "util/msg.h"
#include "util/xmalloc.h"

#define FUZZ_STEPS	16

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* fuzz_domain - a kept author domain is normalized */
static void
fuzz_domain(const char *s)
{
	char norm[DMARC_MAX_DOMAIN + 1];

	if (s[0] == 0)
		return;
	if (dmarc_domain_norm(s, strlen(s), norm) < 0 ||
	    strcmp(norm, s) != 0)
		msg_panic("author domain \"%s\" not normalized", s);
}

/* fuzz_run - drive the walk; answers NXDOMAIN or the given TXT */
static void
fuzz_run(const char *block, size_t len, const struct spf_rr *rr)
{
	struct dmarc *d = dmarc_new();
	const struct spf_question *qs;
	struct spf_question q[DMARC_MAX_FROM * (DMARC_MAX_WALK + 1) +
			    DMARC_MAX_IDS * DMARC_MAX_WALK];
	struct spf_answer a;
	struct dmarc_dkim k = {1, "example.com"};
	struct dmarc_auth auth = {SPF_PASS, "example.com", &k, 1};
	const struct dmarc_outcome *o;
	size_t i, n, start = 0, asked = 0;
	unsigned steps;
	char *f;

	for (i = 1; i <= len; i++)
		if (i == len || (block[i - 1] == '\n' && block[i] != ' ' &&
		    block[i] != '\t')) {
			f = xmalloc(i - start + 1);
			memcpy(f, block + start, i - start);
			dmarc_header(d, f, i - start);
			free(f);
			start = i;
		}
	dmarc_identifier(d, "example.com");
	dmarc_identifier(d, "a.b.example.com");
	f = xmalloc(len + 1);
	memcpy(f, block, len);
	f[len] = 0;
	dmarc_identifier(d, f);
	free(f);
	dmarc_eoh(d);
	for (steps = 0; dmarc_step(d, &qs, &n) == SPF_STEP_QUERY; steps++) {
		if (steps == FUZZ_STEPS || n > sizeof(q) / sizeof(q[0]))
			msg_panic("walk does not end");
		memcpy(q, qs, n * sizeof(*q));
		asked += n;
		for (i = 0; i < n; i++) {
			if (q[i].type != SPF_RR_TXT)
				msg_panic("asked a type other than TXT");
			a.id = q[i].id;
			a.status = rr ? SPF_DNS_OK : SPF_DNS_NXDOMAIN;
			a.rr = rr;
			a.nrr = rr ? 1 : 0;
			if (dmarc_feed(d, &a) != 0)
				msg_panic("answer refused");
			if (dmarc_feed(d, &a) == 0)
				msg_panic("answer taken twice");
		}
	}
	if (asked > DMARC_MAX_FROM * (DMARC_MAX_WALK + 1) +
	    DMARC_MAX_IDS * DMARC_MAX_WALK)
		msg_panic("%zu questions", asked);
	o = dmarc_evaluate(d, &auth);
	if ((unsigned)o->result > DMARC_PERMERROR ||
	    (unsigned)o->policy > DMARC_P_REJECT ||
	    o->applied > o->policy)
		msg_panic("outcome out of range");
	fuzz_domain(o->from);
	fuzz_domain(o->org);
	dmarc_free(d);
}

/* LLVMFuzzerTestOneInput - one header block */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char dom[DMARC_MAX_FROM][DMARC_MAX_DOMAIN + 1];
	const char *s = (const char *)data;
	const char *nl = memchr(s, '\n', size);
	struct spf_rr rr;
	size_t i, n = 0;

	if (dmarc_from_parse(s, size, dom, &n, DMARC_MAX_FROM) ==
	    DMARC_FROM_OK && n == 0)
		msg_panic("parsed with no domain");
	for (i = 0; i < n; i++)
		fuzz_domain(dom[i]);
	fuzz_run(s, size, NULL);
	memset(&rr, 0, sizeof(rr));
	rr.type = SPF_RR_TXT;
	rr.data = s;
	rr.len = nl ? (size_t)(nl - s) : size;
	fuzz_run(s, size, &rr);
	return 0;
}
