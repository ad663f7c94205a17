/*
 * NAME
 *	fuzz_dkim_verify 1
 * SUMMARY
 *	fuzz target: the DKIM verifier over a fuzzed message and zone
 * DESCRIPTION
 *	Input: a message, then a line "%%zone", then zone text
 *	(doc/zone-format.md) that publishes its keys.  The header fields
 *	are fed one by one, the body in chunks of 1 to 13 octets, and the
 *	key questions answered from the zone between the end of the header
 *	and the end of the message; one input in four expires the verifier
 *	before the answers.  Asserted: it ends in a bounded number of
 *	steps; at most max_sigs results, each a valid value with its
 *	strings set and a reason for everything but pass, and a pass only
 *	with a key.  Two inputs in three share a small key cache.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dkim/dkim.h"
#include "dns/dns.h"
#include "util/msg.h"
#include "util/xmalloc.h"

#define FUZZ_SEP	"\n%%zone\n"
#define FUZZ_NOW	1765000000LL
#define FUZZ_MAX_STEPS	100
#define FUZZ_MAX_SIGS	3

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct dkim_kcache *fuzz_kc;

/* fuzz_header - feed the header fields; return the body's offset */
static size_t
fuzz_header(struct dkim *d, const char *m, size_t len)
{
	size_t off = 0, start = 0;

	while (off < len) {
		const char *nl = memchr(m + off, '\n', len - off);
		size_t end = nl ? (size_t)(nl - m) + 1 : len;

		if (m[off] == '\n' || (m[off] == '\r' && end - off == 2 &&
		    nl != NULL)) {
			if (off > start)
				(void)dkim_header(d, m + start, off - start);
			return end;
		}
		if (off > start && m[off] != ' ' && m[off] != '\t') {
			(void)dkim_header(d, m + start, off - start);
			start = off;
		}
		off = end;
	}
	if (off > start)
		(void)dkim_header(d, m + start, off - start);
	return len;
}

/* fuzz_answer - answer every new question from the zone */
static void
fuzz_answer(struct dkim *d, struct dns_zone *z, int expire)
{
	const struct spf_question *qs;
	size_t n, k;
	int i;

	for (i = 0; i < FUZZ_MAX_STEPS; i++) {
		if (expire)
			dkim_expire(d);
		if (dkim_step(d, &qs, &n) != SPF_STEP_QUERY)
			return;
		for (k = 0; k < n; k++) {
			struct spf_answer an;

			if (qs[k].type != SPF_RR_TXT)
				msg_panic("a question not for TXT");
			dns_zone_answer(z, &qs[k], &an);
			if (dkim_feed(d, &an) < 0)
				msg_panic("answer refused");
		}
	}
	msg_panic("questions without end");
}

/* fuzz_results - the results are well formed */
static void
fuzz_results(const struct dkim *d)
{
	const struct dkim_sig_result *r;
	size_t n = dkim_results(d, &r), k;

	if (n > FUZZ_MAX_SIGS)
		msg_panic("more results than max_sigs");
	for (k = 0; k < n; k++) {
		if ((unsigned)r[k].result > DKIM_TEMPERROR || r[k].d == NULL ||
		    r[k].s == NULL || r[k].a == NULL || r[k].i == NULL ||
		    r[k].b == NULL || r[k].reason == NULL)
			msg_panic("malformed result");
		if ((r[k].result == DKIM_PASS) != (*r[k].reason == 0))
			msg_panic("reason and result disagree");
		if (r[k].result == DKIM_PASS && r[k].key_bits == 0)
			msg_panic("pass without a key");
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = xmemdup(data, size), *sep, err[128];
	size_t mlen = size, off, chunk = 1 + size % 13;
	struct dkim_params p = {FUZZ_NOW, FUZZ_MAX_SIGS, NULL};
	struct dns_zone *z;
	const struct spf_question *qs;
	struct dkim *d;

	if ((sep = strstr(copy, FUZZ_SEP)) != NULL)
		mlen = (size_t)(sep - copy) + 1;
	z = dns_zone_parse(sep ? sep + sizeof(FUZZ_SEP) - 1 : "", sep ?
	    size - mlen - sizeof(FUZZ_SEP) + 2 : 0, err, sizeof(err));
	if (z == NULL)
		goto out;
	/* a small key cache shared by every input: eviction, reuse */
	if (fuzz_kc == NULL)
		fuzz_kc = dkim_kcache_new(2);
	p.kcache = size % 3 ? fuzz_kc : NULL;
	d = dkim_new(&p);
	off = fuzz_header(d, copy, mlen);
	dkim_eoh(d);
	fuzz_answer(d, z, size % 4 == 0);
	for (; off < mlen; off += chunk)
		dkim_body(d, copy + off, chunk < mlen - off ? chunk :
		    mlen - off);
	dkim_eom(d);
	if (dkim_step(d, &qs, &off) != SPF_STEP_DONE)
		msg_panic("not done with every answer and the end");
	fuzz_results(d);
	dkim_free(d);
	dns_zone_free(z);
out:
	free(copy);
	return 0;
}
