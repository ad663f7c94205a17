/*
 * NAME
 *	fuzz_srs 1
 * SUMMARY
 *	fuzz target: SRS reverse and forward
 * DESCRIPTION
 *	The first input byte picks the day, the separator and the
 *	alphabet, the rest is an address.  ses_srs_reverse() must give a
 *	status for any bytes without reading outside them, and
 *	ses_srs_decode() the same address whenever reverse accepts.  When
 *	ses_srs_forward() rewrites the input, the result must reverse on
 *	the same day: to the input for a plain address, to the SRS0
 *	address at the first hop for SRS0 (the input, "SRS0" aside) and
 *	SRS1 input; an SRS0 result must be expired max_age + 1 days
 *	later.
 */
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "ses/ses.h"
#include "util/buf.h"
#include "util/msg.h"

#define FUZZ_DAY	20780L		/* 2026-11-23 */

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char fuzz_srs_ring[] = "s3cr3t\nold-secret\n";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char seps[] = "=+-=";
	struct ses_srs_opts opts;
	struct ses_ring *ring;
	struct buf err, out, back;
	const char *in;
	enum ses_status st;
	long today;

	if (size < 1)
		return 0;
	memset(&opts, 0, sizeof(opts));
	opts.domain = "srs.example";
	opts.separator = seps[data[0] & 3];
	opts.base64url = (data[0] >> 2) & 1;
	opts.max_age = (data[0] >> 3) & 1 ? 0 : 5;
	today = FUZZ_DAY + (long)(data[0] >> 4) * 97;
	in = (const char *)data + 1;
	size--;
	buf_init(&err, 256);
	ring = ses_ring_parse(fuzz_srs_ring, strlen(fuzz_srs_ring),
	    SES_RING_SRS, &err);
	if (ring == NULL)
		msg_panic("ring: %s", err.data);
	buf_init(&out, SES_MAX_ADDR);
	buf_init(&back, SES_MAX_ADDR);

	st = ses_srs_reverse(ring, &opts, in, size, today, &out);
	if (st != SES_OK && out.len != 0)
		msg_panic("reverse %s with output", ses_status_str(st));
	/* the layout alone: what reverse gives when it accepts */
	if (ses_srs_decode(in, size, &back) == SES_OK ? st == SES_OK &&
	    (back.len != out.len || memcmp(back.data, out.data, out.len) !=
	    0) : st == SES_OK || back.len != 0)
		msg_panic("decode and reverse disagree on '%.*s'", (int)size,
		    in);

	st = ses_srs_forward(ring, &opts, in, size, today, &out);
	if (st == SES_OK) {
		if (ses_srs_reverse(ring, &opts, out.data, out.len, today,
		    &back) != SES_OK)
			msg_panic("'%s' does not reverse", out.data);
		if (!ses_srs_is_srs(in, size) && (back.len != size ||
		    memcmp(back.data, in, size) != 0))
			msg_panic("'%s' reversed to '%s'", out.data,
			    back.data);
		if (ses_srs_is_srs(in, size) && in[3] == '0' &&
		    (back.len != size || strncasecmp(back.data, in, 4) != 0 ||
		    memcmp(back.data + 4, in + 4, size - 4) != 0))
			msg_panic("'%s' reversed to '%s'", out.data,
			    back.data);
		if (out.data[3] == '0' && ses_srs_reverse(ring, &opts,
		    out.data, out.len, today + (opts.max_age ? 6 : 22),
		    &back) != SES_EXPIRED)
			msg_panic("'%s' did not expire", out.data);
	} else if (out.len != 0)
		msg_panic("forward %s with output", ses_status_str(st));
	buf_free(&err);
	buf_free(&out);
	buf_free(&back);
	ses_ring_free(ring);
	return 0;
}
