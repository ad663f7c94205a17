/*
 * NAME
 *	fuzz_batv 1
 * SUMMARY
 *	fuzz target: BATV prvs verification and signing
 * DESCRIPTION
 *	The first input byte picks the day and the lifetime, the rest is
 *	an address.  ses_batv_verify() must give a status for any bytes
 *	without reading outside them; when it accepts, the plain address
 *	signed again with the tag's key on the day that yields the tag's
 *	expiry must give the input back (tag case aside), and
 *	ses_batv_strip() must give the same plain address.  When
 *	ses_batv_sign() signs the input, the result must verify to the
 *	input on the signing day and at the end of the lifetime, and be
 *	expired one day later.
 */
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "ses/ses.h"
#include "util/buf.h"
#include "util/msg.h"

#define FUZZ_DAY	20780L		/* 2026-11-23 */

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char fuzz_batv_ring[] = "1 secret\n2 other key\n";
static const char *const fuzz_batv_single[10] = {
	[1] = "1 secret\n", [2] = "2 other key\n",
};

/* fuzz_batv_ring_of - a ring; panics if it does not parse */
static struct ses_ring *
fuzz_batv_ring_of(const char *text)
{
	struct buf err;
	struct ses_ring *ring;

	buf_init(&err, 256);
	ring = ses_ring_parse(text, strlen(text), SES_RING_BATV, &err);
	if (ring == NULL)
		msg_panic("ring: %s", err.data);
	buf_free(&err);
	return ring;
}

/* fuzz_batv_resign - a verified tag signs again to itself */
static void
fuzz_batv_resign(const char *in, size_t len, const struct buf *plain,
    unsigned lifetime)
{
	struct ses_ring *one;
	struct buf again;
	long ddd;
	int k = in[5] - '0';

	if (fuzz_batv_single[k] == NULL)
		msg_panic("verified with key %d", k);
	one = fuzz_batv_ring_of(fuzz_batv_single[k]);
	ddd = (in[6] - '0') * 100 + (in[7] - '0') * 10 + (in[8] - '0');
	buf_init(&again, SES_MAX_ADDR);
	if (ses_batv_sign(one, plain->data, plain->len, ddd - lifetime,
	    lifetime, &again) != SES_OK || again.len != len ||
	    strncasecmp(again.data, in, 16) != 0 ||
	    memcmp(again.data + 16, in + 16, len - 16) != 0)
		msg_panic("re-signed to '%s'", again.data);
	buf_free(&again);
	ses_ring_free(one);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ses_ring *ring;
	struct buf out, back;
	const char *in;
	enum ses_status st;
	unsigned lifetime;
	long today;

	if (size < 1)
		return 0;
	lifetime = 1 + data[0] % 30;
	today = FUZZ_DAY + (long)(data[0] >> 5) * 333;
	in = (const char *)data + 1;
	size--;
	ring = fuzz_batv_ring_of(fuzz_batv_ring);
	buf_init(&out, SES_MAX_ADDR);
	buf_init(&back, SES_MAX_ADDR);

	st = ses_batv_verify(ring, in, size, today, lifetime, &out);
	/* the layout alone: what verify gives when it accepts */
	if (ses_batv_strip(in, size, &back) == SES_OK ? st == SES_OK &&
	    (back.len != out.len || memcmp(back.data, out.data, out.len) !=
	    0) : st == SES_OK || back.len != 0)
		msg_panic("strip and verify disagree on '%.*s'", (int)size,
		    in);
	if (st == SES_OK)
		fuzz_batv_resign(in, size, &out, lifetime);
	else if (out.len != 0)
		msg_panic("verify %s with output", ses_status_str(st));

	st = ses_batv_sign(ring, in, size, today, lifetime, &out);
	if (st == SES_OK) {
		if (ses_batv_verify(ring, out.data, out.len, today, lifetime,
		    &back) != SES_OK || back.len != size ||
		    memcmp(back.data, in, size) != 0)
			msg_panic("signed '%s' does not verify", out.data);
		if (ses_batv_verify(ring, out.data, out.len,
		    today + lifetime, lifetime, &back) != SES_OK)
			msg_panic("'%s' expired early", out.data);
		if (ses_batv_verify(ring, out.data, out.len,
		    today + lifetime + 1, lifetime, &back) != SES_EXPIRED)
			msg_panic("'%s' did not expire", out.data);
	} else if (out.len != 0)
		msg_panic("sign %s with output", ses_status_str(st));
	buf_free(&out);
	buf_free(&back);
	ses_ring_free(ring);
	return 0;
}
