/*
 * NAME
 *	fuzz_dns_wire 1
 * SUMMARY
 *	fuzz target: DNS response packets to spf answers
 * DESCRIPTION
 *	The first octet picks the question type and name, the rest is the
 *	packet, as a resolver would hand it over.  dns_wire_parse() must
 *	never read outside it; -1 must come with SERVFAIL and no records,
 *	0 with records only when the status is OK, and every record's data
 *	inside the arena and NUL-terminated.
 */
#include <stdint.h>
#include <string.h>

#include "dns/dns.h"
#include "util/arena.h"
#include "util/msg.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const enum spf_rrtype fuzz_wire_types[] = {
	SPF_RR_A, SPF_RR_AAAA, SPF_RR_MX, SPF_RR_PTR, SPF_RR_TXT,
	(enum spf_rrtype)DNS_RR_SPF, SPF_RR_TXT, SPF_RR_TXT,
};

static const char *const fuzz_wire_names[] = {
	"example.com", "a.example.com", "1.2.0.192.in-addr.arpa", "x",
	"EXAMPLE.COM.", "_spf.example.org", "a..b", "",
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *arena;
	struct spf_answer a;
	enum spf_rrtype type;
	const char *name;
	size_t i;
	int ret;

	if (size < 1)
		return 0;
	type = fuzz_wire_types[data[0] & 7];
	name = fuzz_wire_names[(data[0] >> 3) & 7];
	arena = arena_new(4096);
	memset(&a, 0, sizeof(a));
	a.id = 7;
	ret = dns_wire_parse(data + 1, size - 1, name, type, arena, &a);
	if (a.id != 7)
		msg_panic("id changed");
	if (ret < 0 && (a.status != SPF_DNS_SERVFAIL || a.nrr != 0))
		msg_panic("-1 with status %d, %zu records", a.status, a.nrr);
	if (a.nrr > 0 && a.status != SPF_DNS_OK)
		msg_panic("records with status %d", a.status);
	for (i = 0; i < a.nrr; i++) {
		if (a.rr[i].type != type)
			msg_panic("record of type %d", a.rr[i].type);
		if (a.rr[i].data != NULL && a.rr[i].data[a.rr[i].len] != 0)
			msg_panic("data not NUL-terminated");
	}
	arena_free(arena);
	return 0;
}
