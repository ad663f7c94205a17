/*
 * NAME
 *	fuzz_dkim_sig 1
 * SUMMARY
 *	fuzz target: DKIM-Signature field parser
 * DESCRIPTION
 *	Any bytes as one whole header field.  Asserted: every result has
 *	its reason unless it may be verified; the reported strings are set;
 *	an accepted signature has a b= range inside the field, a bh= of 32
 *	octets, a From in h=, and x= not before the clock.
 */
#include <stdint.h>
#include <stdlib.h>
#include <strings.h>

#include "dkim/dkim_int.h"
#include "util/arena.h"
#include "util/msg.h"

#define FUZZ_NOW	1765000000LL

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(4096);
	struct dkim_sig sig;
	const char *why = NULL;
	enum dkim_result r;
	size_t k, from = 0;

	r = dkim_sig_parse(a, (const char *)data, size, FUZZ_NOW, &sig, &why);
	if (sig.d == NULL || sig.s == NULL || sig.a == NULL || sig.i == NULL
	    || sig.bpre == NULL)
		msg_panic("a reported field is unset");
	if (r != DKIM_PASS && why == NULL)
		msg_panic("refused without a reason");
	if (r == DKIM_PASS) {
		if (sig.b_from > sig.b_to || sig.b_to > size)
			msg_panic("b= outside the field");
		if (sig.bhlen != 32 || sig.blen == 0)
			msg_panic("bh= or b= missing");
		for (k = 0; k < sig.nh; k++)
			from |= strcasecmp(sig.h[k], "from") == 0;
		if (!from)
			msg_panic("accepted without From in h=");
		if (sig.has_x && sig.x < FUZZ_NOW)
			msg_panic("accepted after x=");
	}
	arena_free(a);
	return 0;
}
