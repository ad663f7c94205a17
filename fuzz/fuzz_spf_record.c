/*
 * NAME
 *	fuzz_spf_record 1
 * SUMMARY
 *	fuzz target: SPF record parser
 * DESCRIPTION
 *	Any bytes as one TXT record: the parser must accept or refuse it
 *	without reading outside it, and what it accepts must be consistent
 *	(CIDR lengths in range, a domain-spec for the mechanisms that need
 *	one).
 */
#include <stdint.h>
#include <stdlib.h>

#include "spf/spf_int.h"
#include "util/arena.h"
#include "util/msg.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(4096);
	struct spf_record *rec;
	const char *err;
	size_t i;

	if (spf_record_parse(a, (const char *)data, size, &rec, &err) == 0) {
		for (i = 0; i < rec->nterms; i++) {
			const struct spf_term *t = &rec->terms[i];

			if (t->cidr4 > 32 || t->cidr6 > 128)
				msg_panic("cidr out of range");
			if ((t->mech == SPF_M_INCLUDE ||
			    t->mech == SPF_M_EXISTS) && t->spec == NULL)
				msg_panic("include/exists without domain");
		}
	} else if (err == NULL)
		msg_panic("refused without a reason");
	arena_free(a);
	return 0;
}
