/*
 * NAME
 *	fuzz_spf_macro 1
 * SUMMARY
 *	fuzz target: SPF macro expander
 * DESCRIPTION
 *	The first byte picks the flags (explain-string, domain) and the
 *	address family; the rest is the macro-string.  Expansion must stay
 *	within the output bound, a domain result within 253 octets, and the
 *	syntax check must agree with the expander.
 */
#include <stdint.h>
#include <string.h>

#include "spf/spf_int.h"
#include "util/buf.h"
#include "util/msg.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct spf_macro_ctx ctx;
	struct ipaddr ip;
	struct buf out;
	const char *err;
	unsigned flags;
	enum spf_macro_status st;
	int ok;

	if (size < 1)
		return 0;
	flags = data[0] & (SPF_MACRO_EXP | SPF_MACRO_DOMAIN);
	ipaddr_parse(data[0] & 4 ? "2001:db8::cb01" : "192.0.2.3", &ip);
	memset(&ctx, 0, sizeof(ctx));
	ctx.sender = "strong-bad@email.example.com";
	ctx.local = "strong-bad";
	ctx.sdomain = ctx.domain = "email.example.com";
	ctx.helo = "mx.example.net";
	ctx.receiver = "rx.example.org";
	ctx.ip = &ip;
	ctx.ip_upper = (data[0] & 8) != 0;
	ctx.ptrname = data[0] & 16 ? NULL : "mx.example.com";
	buf_init(&out, 4096);
	ok = spf_macro_check((const char *)data + 1, size - 1, flags, &err) ==
	    0;
	st = spf_macro_expand(&ctx, (const char *)data + 1, size - 1, flags,
	    &out, &err);
	if (ok != (st != SPF_MACRO_SYNTAX))
		msg_panic("check and expand disagree");
	if (st == SPF_MACRO_OK && (flags & SPF_MACRO_DOMAIN) && out.len > 253)
		msg_panic("domain expansion over 253 octets");
	if (out.len > out.max)
		msg_panic("buffer over its bound");
	buf_free(&out);
	return 0;
}
