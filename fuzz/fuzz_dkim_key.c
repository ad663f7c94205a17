/*
 * NAME
 *	fuzz_dkim_key 1
 * SUMMARY
 *	fuzz target: DKIM key record parser
 * DESCRIPTION
 *	Any bytes as one TXT record (strings concatenated).  Asserted: a
 *	refusal has a reason; an accepted key is revoked (no key) or has
 *	its size: 256 bits for ed25519, the modulus for RSA.
 */
#include <stdint.h>
#include <stdlib.h>

#include "dkim/dkim_int.h"
#include "util/arena.h"
#include "util/msg.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(4096);
	struct dkim_key key;
	const char *why = NULL;

	if (dkim_key_parse(a, (const char *)data, size, &key, NULL, &why) ==
	    DKIM_PASS) {
		if (key.pkey != NULL && (key.ed25519 ? key.bits != 256 :
		    key.bits == 0))
			msg_panic("key without its size");
	} else if (why == NULL)
		msg_panic("refused without a reason");
	dkim_key_release(&key);
	arena_free(a);
	return 0;
}
