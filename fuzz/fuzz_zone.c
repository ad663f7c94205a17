/*
 * NAME
 *	fuzz_zone 1
 * SUMMARY
 *	fuzz target: zone file parser and lookups
 * DESCRIPTION
 *	Any bytes as a zone file (doc/zone-format.md): the parser must load
 *	it or refuse it with "line N: reason", never read outside it.  A
 *	zone that loads is then asked about every word of the input, for
 *	each type, as octets (dns_zone_lookup) and as a question's text
 *	(dns_zone_answer, which undoes escapes), and each answer must obey
 *	the rules: records only with OK, records of the type asked, CNAME
 *	chains within DNS_MAX_CNAME.
 */
#include <stdint.h>
#include <string.h>

#include "dns/dns.h"
#include "util/msg.h"

#define FUZZ_ZONE_MAX_WORDS	64	/* lookups per input */
#define FUZZ_ZONE_MAX_QNAME	300	/* longest word asked as a question */

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const unsigned fuzz_zone_types[] = {
	SPF_RR_A, SPF_RR_AAAA, SPF_RR_MX, SPF_RR_PTR, SPF_RR_TXT, DNS_RR_CNAME,
	DNS_RR_SPF,
};

/* fuzz_zone_check - one lookup obeys the rules */
static void
fuzz_zone_check(struct dns_zone *z, const char *name, size_t len,
    unsigned type)
{
	struct dns_zone_result res;
	size_t i;

	dns_zone_lookup(z, name, len, type, &res);
	if (res.nrr > 0 && res.status != SPF_DNS_OK)
		msg_panic("records with status %d", res.status);
	if (res.nchain > DNS_MAX_CNAME)
		msg_panic("chain of %zu", res.nchain);
	for (i = 0; i < res.nrr; i++)
		if (res.rr[i].type != type)
			msg_panic("type %u for %u", res.rr[i].type, type);
	for (i = 0; i < res.nchain; i++)
		if (res.chain[i]->type != DNS_RR_CNAME)
			msg_panic("chain of type %u", res.chain[i]->type);
}

/* fuzz_zone_ask - one word as a question's text */
static void
fuzz_zone_ask(struct dns_zone *z, const char *word, size_t len,
    unsigned type)
{
	char name[FUZZ_ZONE_MAX_QNAME + 1];
	struct spf_question q;
	struct spf_answer a;
	size_t i;

	if (len > FUZZ_ZONE_MAX_QNAME || memchr(word, 0, len) != NULL)
		return;
	memcpy(name, word, len);
	name[len] = 0;
	q.id = 3;
	q.type = (enum spf_rrtype)type;
	q.name = name;
	dns_zone_answer(z, &q, &a);
	if (a.id != 3 || (a.nrr > 0 && a.status != SPF_DNS_OK) ||
	    (a.nrr == 0 && a.rr != NULL))
		msg_panic("bad answer for \"%s\"", name);
	for (i = 0; i < a.nrr; i++)
		if ((unsigned)a.rr[i].type != type)
			msg_panic("answer of type %d", a.rr[i].type);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct dns_zone *z;
	char err[256];
	size_t i = 0, words = 0, t;

	err[0] = 0;
	if ((z = dns_zone_parse(text, size, err, sizeof(err))) == NULL) {
		if (strncmp(err, "line ", 5) != 0)
			msg_panic("refused without a line: \"%s\"", err);
		return 0;
	}
	while (i < size && words < FUZZ_ZONE_MAX_WORDS) {
		size_t start;

		while (i < size && (text[i] == ' ' || text[i] == '\t' ||
		    text[i] == '\n'))
			i++;
		start = i;
		while (i < size && text[i] != ' ' && text[i] != '\t' &&
		    text[i] != '\n')
			i++;
		if (i == start)
			break;
		for (t = 0; t < sizeof(fuzz_zone_types) /
		    sizeof(*fuzz_zone_types); t++) {
			fuzz_zone_check(z, text + start, i - start,
			    fuzz_zone_types[t]);
			fuzz_zone_ask(z, text + start, i - start,
			    fuzz_zone_types[t]);
		}
		words++;
	}
	dns_zone_free(z);
	return 0;
}
