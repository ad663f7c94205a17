/*
 * NAME
 *	fuzz_policy 1
 * SUMMARY
 *	fuzz target: Postfix policy request parser, split against whole
 * DESCRIPTION
 *	Input: two header bytes, then the bytes of a connection.  Byte 0
 *	bounds the piece sizes (its low 6 bits + 1; 1 is byte by byte) and
 *	with byte 1 seeds the generator of the sizes (a piece may be
 *	empty); bit 0 of byte 1 selects small limits so that every limit
 *	trips often.
 *
 *	One parser gets the stream in those pieces, each in an allocation
 *	of exactly its size, so reading past what was fed is a sanitizer
 *	error.  A second parser gets everything not yet consumed at once.
 *	Each must reach every event (request, error) at the same offset,
 *	with the same attributes or the same reason.  Every request must
 *	carry request=smtpd_access_policy, hold no value with LF, stay
 *	within the limits, and log as a line without control characters.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy.h"
#include "util/buf.h"
#include "util/msg.h"
#include "util/xmalloc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const struct policy_limits fuzz_small = {
	.request_bytes = 200,
	.line_bytes = 40,
	.value_bytes = 30,
	.attrs = 6,
};

static const char *const fuzz_fields[] = {
	"request", "sender", "recipient", "helo_name", "client_address",
	"instance", "queue_id", "policy_context",
};

/* fuzz_check_request - what every request must be */
static void
fuzz_check_request(const struct policy_request *req,
    const struct policy_limits *lim, size_t consumed)
{
	struct buf log;
	size_t i;

	if (req == NULL || req->request == NULL ||
	    strcmp(req->request, POLICY_REQUEST_TYPE) != 0)
		msg_panic("request without request=smtpd_access_policy");
	if (strcmp(policy_request_get(req, "request"), req->request) != 0)
		msg_panic("request field and lookup differ");
	if (req->bytes != consumed || req->bytes > lim->request_bytes)
		msg_panic("request size %zu, consumed %zu", req->bytes,
		    consumed);
	if (req->nattr > lim->attrs)
		msg_panic("%zu attributes", req->nattr);
	for (i = 0; i < req->nattr; i++) {
		const struct policy_attr *a = &req->attr[i];

		if (*a->name == 0 || strchr(a->name, '=') != NULL)
			msg_panic("bad attribute name");
		if (strlen(a->value) != a->value_len ||
		    a->value_len > lim->value_bytes ||
		    memchr(a->value, '\n', a->value_len) != NULL)
			msg_panic("bad attribute value");
	}
	buf_init(&log, 4096);
	if (policy_request_format(req, &log) < 0)
		msg_panic("log line refused");
	for (i = 0; i < log.len; i++)
		if ((unsigned char)log.data[i] < 0x20 || log.data[i] == 0x7f)
			msg_panic("control character in the log line");
	buf_free(&log);
}

/* fuzz_same_request - both parsers saw the same request */
static void
fuzz_same_request(const struct policy_request *a,
    const struct policy_request *b)
{
	size_t i;

	if (a->nattr != b->nattr || a->bytes != b->bytes)
		msg_panic("split and whole requests differ in size");
	for (i = 0; i < a->nattr; i++)
		if (strcmp(a->attr[i].name, b->attr[i].name) != 0 ||
		    a->attr[i].value_len != b->attr[i].value_len ||
		    memcmp(a->attr[i].value, b->attr[i].value,
		    a->attr[i].value_len) != 0)
			msg_panic("split and whole differ at attribute %zu", i);
	for (i = 0; i < sizeof(fuzz_fields) / sizeof(*fuzz_fields); i++) {
		const char *x = policy_request_get(a, fuzz_fields[i]);
		const char *y = policy_request_get(b, fuzz_fields[i]);

		if ((x == NULL) != (y == NULL) ||
		    (x != NULL && strcmp(x, y) != 0))
			msg_panic("split and whole differ in %s",
			    fuzz_fields[i]);
	}
	if ((a->sender == NULL) != (b->sender == NULL))
		msg_panic("split and whole differ in the sender field");
}

/* fuzz_rand - xorshift32: the piece sizes */
static uint32_t
fuzz_rand(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct policy_limits lim = {0};
	struct policy_parser *split, *whole;
	const char *in = (const char *)data + 2;
	size_t len, off_s = 0, off_w = 0, start = 0, maxp, n, u;
	enum policy_status st, sw;
	uint32_t seed;

	if (size < 2)
		return 0;
	len = size - 2;
	maxp = (data[0] & 63) + 1;
	seed = ((uint32_t)data[0] << 8 | data[1]) * 2654435761u | 1;
	if (data[1] & 1)
		lim = fuzz_small;
	split = policy_parser_new(&lim);
	whole = policy_parser_new(&lim);
	/* the limits as the parser applies them, for the checks */
	if (!(data[1] & 1)) {
		lim.request_bytes = POLICY_MAX_REQUEST;
		lim.line_bytes = POLICY_MAX_LINE;
		lim.value_bytes = POLICY_MAX_VALUE;
		lim.attrs = POLICY_MAX_ATTRS;
	}
	while (off_s < len) {
		char *piece;

		n = fuzz_rand(&seed) % (maxp + 1);
		if (n > len - off_s)
			n = len - off_s;
		/* nothing to read in an empty piece: NULL proves it */
		piece = n ? xmalloc(n) : NULL;
		if (n)
			memcpy(piece, in + off_s, n);
		st = policy_parser_feed(split, piece, n, &u);
		free(piece);
		if (u > n)
			msg_panic("used %zu of %zu bytes", u, n);
		off_s += u;
		if (st == POLICY_NEED_MORE) {
			if (u != n)
				msg_panic("need more, but %zu of %zu used", u,
				    n);
			continue;
		}
		sw = policy_parser_feed(whole, in + off_w, len - off_w, &u);
		off_w += u;
		if (sw != st || off_w != off_s)
			msg_panic("split: %d at %zu, whole: %d at %zu", (int)st,
			    off_s, (int)sw, off_w);
		if (st == POLICY_ERROR) {
			if (strcmp(policy_parser_error(split),
			    policy_parser_error(whole)) != 0)
				msg_panic("split and whole errors differ");
			if (policy_parser_request(split) != NULL)
				msg_panic("a request after an error");
			break;
		}
		fuzz_check_request(policy_parser_request(split), &lim,
		    off_s - start);
		fuzz_same_request(policy_parser_request(split),
		    policy_parser_request(whole));
		policy_parser_reset(split);
		policy_parser_reset(whole);
		start = off_s;
	}
	if (off_s == len && policy_parser_error(split) == NULL) {
		sw = policy_parser_feed(whole, in + off_w, len - off_w, &u);
		if (sw != POLICY_NEED_MORE || off_w + u != len ||
		    policy_parser_pending(whole) !=
		    policy_parser_pending(split))
			msg_panic("whole went on where split needs more");
	}
	policy_parser_free(split);
	policy_parser_free(whole);
	return 0;
}
