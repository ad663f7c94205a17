/*
 * NAME
 *	fuzz_mailhdr 1
 * SUMMARY
 *	fuzz target: the procmail header reader and pass-through writer
 * DESCRIPTION
 *	Input: one header byte, then a message.  The header byte is the
 *	number of trusted hops (its low 3 bits) and, in bit 3, whether the
 *	input is at EOF for mda_hdr_end().  The message is copied into an
 *	allocation of exactly its size, so reading past it is a sanitizer
 *	error.
 *
 *	mda_hdr_end() must return an end inside the input (or the limit
 *	rule); mda_hdr_parse() on the header block must return spans
 *	inside it with no white space or NUL in them, a From_ length that
 *	fits, and a reason exactly when the sender or client is missing.
 *	The pass-through writer's output must be the From_ line, the added
 *	header line, then the rest of the input, byte for byte.
 *
 *	The input split at its middle is also a system and a user
 *	configuration for mda_conf_merge(): the merge must end with the
 *	user text and be no longer than both texts and a newline.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mda/mda.h"
#include "util/buf.h"
#include "util/msg.h"
#include "util/xmalloc.h"

#define FUZZ_MAX	(MDA_MAX_HEADER * 2)	/* output buffer */
#define FUZZ_LIMIT	4096			/* header block limit */
#define FUZZ_HDR	"Received-SPF: none (fuzz)"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* fuzz_span - a span inside [0, len), free of white space and NUL */
static void
fuzz_span(const char *in, size_t len, const struct mda_span *s,
    const char *what)
{
	size_t i;

	if (s->off > len || s->len > len - s->off)
		msg_panic("%s span %zu+%zu outside %zu", what, s->off,
		    s->len, len);
	for (i = s->off; i < s->off + s->len; i++)
		if (in[i] == 0 || in[i] == ' ' || in[i] == '\t' ||
		    in[i] == '\r' || in[i] == '\n')
			msg_panic("%s span holds white space or NUL", what);
}

/* fuzz_sink - a writer into a buf */
static int
fuzz_sink(void *arg, const char *p, size_t n)
{
	return buf_append(arg, p, n);
}

/* LLVMFuzzerTestOneInput - one message */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mda_msg m;
	struct buf hdrs, out;
	enum mda_end e;
	char *in;
	size_t len, end, hl;
	unsigned hops;
	int eof;

	if (size < 1)
		return 0;
	hops = data[0] & 7;
	eof = (data[0] & 8) != 0;
	len = size - 1;
	in = xmalloc(len ? len : 1);
	memcpy(in, data + 1, len);

	e = mda_hdr_end(in, len, eof, FUZZ_LIMIT, &end);
	if (e == MDA_END_DONE && (end > len || end > FUZZ_LIMIT))
		msg_panic("end %zu beyond %zu", end, len);
	if (e == MDA_END_MORE && (eof || len >= FUZZ_LIMIT))
		msg_panic("MORE at EOF or at the limit");
	hl = e == MDA_END_DONE ? end : len;

	mda_hdr_parse(in, hl, hops, &m);
	if (m.from_len > hl)
		msg_panic("From_ line %zu beyond %zu", m.from_len, hl);
	if (m.have_sender)
		fuzz_span(in, hl, &m.sender, "sender");
	if (m.have_client) {
		fuzz_span(in, hl, &m.ip, "ip");
		fuzz_span(in, hl, &m.helo, "helo");
		if (m.ip.len == 0 || m.ip.len > MDA_MAX_IPLIT)
			msg_panic("ip length %zu", m.ip.len);
	}
	if (m.sender.len > MDA_MAX_SENDER || m.helo.len > MDA_MAX_HELO)
		msg_panic("span over its limit");
	if ((m.why == NULL) != (m.have_sender && m.have_client))
		msg_panic("reason and findings disagree");

	buf_init(&hdrs, FUZZ_MAX);
	buf_init(&out, FUZZ_MAX);
	if (mda_hdr_line(&hdrs, FUZZ_HDR, m.crlf) < 0)
		msg_panic("header line refused");
	if (mda_pass_head(in, len, &m, &hdrs, fuzz_sink, &out) < 0)
		msg_panic("pass-through refused");
	if (out.len != len + hdrs.len ||
	    memcmp(out.data, in, m.from_len) != 0 ||
	    memcmp(out.data + m.from_len, hdrs.data, hdrs.len) != 0 ||
	    memcmp(out.data + m.from_len + hdrs.len, in + m.from_len,
	    len - m.from_len) != 0)
		msg_panic("output is not From_ + header + input");
	buf_reset(&out);
	hl = len / 2;
	if (mda_conf_merge(in, hl, in + hl, len - hl, &out) < 0)
		msg_panic("merge refused");
	if (out.len > len + 1 || out.len < len - hl ||
	    memcmp(out.data + out.len - (len - hl), in + hl, len - hl) != 0)
		msg_panic("merge does not end with the user text");
	buf_free(&hdrs);
	buf_free(&out);
	free(in);
	return 0;
}
