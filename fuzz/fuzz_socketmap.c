/*
 * NAME
 *	fuzz_socketmap 1
 * SUMMARY
 *	fuzz target: the socketmap netstring parser and reply formatter
 * DESCRIPTION
 *	Any bytes as what a socketmap client sends on one connection.  The
 *	parser is run over them request after request, as rmxfd does: each
 *	request found must lie inside the input, its name and key must be
 *	non-empty and NUL-free, and formatting it again as a request must
 *	give back exactly the bytes it was parsed from (modulo leading
 *	zeros of the length).  An error must come with a reason; SM_MORE
 *	only for an unfinished netstring.  Each key is also echoed in an OK
 *	reply, which must parse as a netstring of the right length.
 */
#include <stdint.h>
#include <string.h>

#include "socketmap/socketmap.h"
#include "util/buf.h"
#include "util/msg.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data, *why, *colon;
	struct sm_request req;
	struct buf b;
	size_t off = 0, used, n;
	enum sm_status st;

	buf_init(&b, 2 * SM_MAX_REPLY);
	while (off < size) {
		st = sm_parse(in + off, size - off, &req, &used, &why);
		if (st == SM_ERR) {
			if (why == NULL || *why == 0)
				msg_panic("error without a reason");
			break;
		}
		if (st == SM_MORE)
			break;
		if (used == 0 || used > size - off)
			msg_panic("used %zu of %zu", used, size - off);
		if (req.name < in + off || req.key + req.keylen > in + off +
		    used || req.namelen == 0 || req.keylen == 0 ||
		    memchr(req.key, 0, req.keylen) != NULL)
			msg_panic("request outside its netstring");
		buf_reset(&b);
		{
			char name[SM_MAX_NAME + 1];

			memcpy(name, req.name, req.namelen);
			name[req.namelen] = 0;
			if (sm_format_request(&b, name, req.key,
			    req.keylen) < 0)
				msg_panic("cannot format a parsed request");
		}
		colon = memchr(in + off, ':', used);
		if (colon == NULL || b.len > used || memcmp(b.data + (b.len -
		    (used - (size_t)(colon - (in + off)))), colon, used -
		    (size_t)(colon - (in + off))) != 0)
			msg_panic("request does not format back");
		buf_reset(&b);
		if (sm_format_reply(&b, SM_R_OK, req.key, req.keylen) < 0)
			msg_panic("cannot echo a key");
		n = 0;
		while (b.data[n] != ':')
			n++;
		if (b.len != n + 1 + 3 + req.keylen + 1 ||
		    b.data[b.len - 1] != ',')
			msg_panic("bad reply netstring");
		off += used;
	}
	buf_free(&b);
	return 0;
}
