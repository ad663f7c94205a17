/*
 * NAME
 *	fuzz_dkim_tags 1
 * SUMMARY
 *	fuzz target: RFC 6376 tag-list parser
 * DESCRIPTION
 *	Any bytes as one tag-list.  Asserted: a refusal has a reason; every
 *	tag of an accepted list (and of the salvaged part of a refused one)
 *	lies inside the input, has a name, and no name is given twice; the
 *	base64 decoder never reports more octets than 3/4 of its input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dkim/dkim_int.h"
#include "util/arena.h"
#include "util/msg.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* fuzz_tags_check - the tags lie in the input, names unique */
static void
fuzz_tags_check(const char *t, size_t len, const struct dkim_tag *tags,
    size_t n)
{
	size_t k, j;

	for (k = 0; k < n; k++) {
		if (tags[k].nlen == 0 || tags[k].name < t || tags[k].val < t ||
		    tags[k].name + tags[k].nlen > t + len ||
		    tags[k].val + tags[k].vlen > t + len ||
		    tags[k].val_off > tags[k].spec_end ||
		    tags[k].spec_end > len)
			msg_panic("tag outside its input");
		for (j = 0; j < k; j++)
			if (tags[j].nlen == tags[k].nlen && memcmp(tags[j].name,
			    tags[k].name, tags[k].nlen) == 0)
				msg_panic("tag name given twice");
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dkim_tag tags[DKIM_MAX_TAGS];
	const char *t = (const char *)data, *why = NULL;
	struct arena *a = arena_new(4096);
	unsigned char *out;
	size_t n, olen;

	if (dkim_tags_parse(t, size, tags, DKIM_MAX_TAGS, &n, &why) == 0)
		fuzz_tags_check(t, size, tags, n);
	else if (why == NULL)
		msg_panic("refused without a reason");
	else
		fuzz_tags_check(t, size, tags, dkim_tags_salvage(t, size, tags,
		    DKIM_MAX_TAGS));
	if (dkim_b64_decode(a, t, size, &out, &olen) == 0 &&
	    olen > size / 4 * 3)
		msg_panic("base64 decoded too long");
	arena_free(a);
	return 0;
}
