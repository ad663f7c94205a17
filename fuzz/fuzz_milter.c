/*
 * NAME
 *	fuzz_milter 1
 * SUMMARY
 *	fuzz target: the Milter codec, as rmxfd's front end uses it
 * DESCRIPTION
 *	Any bytes as what an MTA sends on one Milter connection.  Packets
 *	are parsed one after the other, as rmxfd does: each must lie inside
 *	the input, put back with milter_put() to the same bytes; an error
 *	must come with a reason, MILTER_MORE only for an unfinished packet.
 *	Each packet also goes through the decoder of its command
 *	(negotiation, connect, macros, strings of HELO, MAIL, RCPT and
 *	header, the address of MAIL and RCPT): a string found must end
 *	inside the packet.  A header packet's value is matched as an
 *	Authentication-Results value, and its two strings are put back as
 *	an INSHEADER when they are a valid name and value.
 */
#include <stdint.h>
#include <string.h>

#include "milter/milter.h"
#include "util/buf.h"
#include "util/msg.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* fuzz_inside - s and its NUL inside the packet */
static void
fuzz_inside(const struct milter_packet *p, const char *s)
{
	if (s < p->data || s >= p->data + p->len ||
	    memchr(s, 0, (size_t)(p->data + p->len - s)) == NULL)
		msg_panic("a string outside its packet");
}

/* fuzz_decode - the decoder of the packet's command */
static void
fuzz_decode(const struct milter_packet *p, struct buf *b)
{
	const char *v[MILTER_MAX_STRINGS], *a;
	struct milter_optneg o;
	struct milter_connect c;
	size_t n, i;
	int cmd;

	switch (p->cmd) {
	case MILTER_C_OPTNEG:
		if (milter_get_optneg(p, &o) == 0 && p->len < 12)
			msg_panic("a short negotiation read");
		break;
	case MILTER_C_CONNECT:
		if (milter_get_connect(p, &c) == 0) {
			fuzz_inside(p, c.host);
			if (c.family != 'U')
				fuzz_inside(p, c.addr);
		}
		break;
	case MILTER_C_MACRO:
		if (milter_get_macros(p, &cmd, v, MILTER_MAX_STRINGS,
		    &n) == 0)
			for (i = 0; i < n; i++)
				fuzz_inside(p, v[i]);
		break;
	default:
		if (milter_strings(p, 0, v, MILTER_MAX_STRINGS, &n) < 0)
			break;
		for (i = 0; i < n; i++)
			fuzz_inside(p, v[i]);
		if (n >= 1 && milter_addr(v[0], &a) > strlen(v[0]))
			msg_panic("an address longer than its argument");
		if (p->cmd == MILTER_C_HEADER && n == 2) {
			(void)milter_authres_ours(v[1], "mx.example.net");
			buf_reset(b);
			(void)milter_put_header(b, MILTER_R_INSHEADER, 0, v[0],
			    v[1]);
		}
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data, *why;
	struct milter_packet p;
	struct buf b;
	size_t off = 0, used;
	enum milter_status st;

	buf_init(&b, 2 * MILTER_MAX_DATA);
	while (off < size) {
		why = NULL;
		st = milter_parse(in + off, size - off, &p, &used, &why);
		if (st == MILTER_ERR) {
			if (why == NULL || *why == 0)
				msg_panic("error without a reason");
			break;
		}
		if (st == MILTER_MORE)
			break;
		if (used < 5 || used > size - off || p.data != in + off + 5 ||
		    p.len != used - 5)
			msg_panic("packet outside the input");
		buf_reset(&b);
		if (milter_put(&b, p.cmd, p.data, p.len) < 0 ||
		    b.len != used || memcmp(b.data, in + off, used) != 0)
			msg_panic("packet does not put back");
		fuzz_decode(&p, &b);
		off += used;
	}
	buf_free(&b);
	return 0;
}
