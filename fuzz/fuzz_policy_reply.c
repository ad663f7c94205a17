/*
 * NAME
 *	fuzz_policy_reply 1
 * SUMMARY
 *	fuzz target: policy actions, replies and text sanitising
 * DESCRIPTION
 *	Input: byte 0 picks the function, byte 1 the reply code (400-599,
 *	so 421 and 521 too) or the sanitiser's maximum; the rest is two
 *	strings separated by a NUL.  Whatever a helper accepts must make a
 *	reply that policy_format_reply() accepts; whatever it refuses must
 *	leave the buffer untouched; a reply is "action=" + the action +
 *	"\n\n" with no other CR or LF; sanitised text has no control
 *	character and stays within its maximum.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy.h"
#include "util/buf.h"
#include "util/msg.h"
#include "util/xmalloc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define FUZZ_OUT_MAX (4 * POLICY_MAX_ACTION)

/* fuzz_reply_ok - a reply Postfix reads as exactly one action */
static void
fuzz_reply_ok(const struct buf *r, size_t start, const char *action)
{
	size_t alen = strlen(action);
	const char *p = r->data + start;

	if (r->len - start != 7 + alen + 2 || memcmp(p, "action=", 7) != 0 ||
	    memcmp(p + 7, action, alen) != 0 || memcmp(p + 7 + alen, "\n\n",
	    2) != 0)
		msg_panic("reply is not action=ACTION\\n\\n");
	if (memchr(action, '\n', alen) != NULL ||
	    memchr(action, '\r', alen) != NULL)
		msg_panic("reply with an inner line break");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf out, reply;
	const char *a, *b;
	char *text;
	size_t start, i;
	int code, ret = -1;

	if (size < 2)
		return 0;
	/* two NUL-terminated strings out of the rest */
	text = xmalloc(size - 2 + 2);
	memcpy(text, data + 2, size - 2);
	text[size - 2] = 0;
	text[size - 1] = 0;
	a = text;
	b = text + strlen(text) + 1;
	if (b > text + size - 1)
		b = text + size - 1;
	code = 400 + data[1] % 200;
	buf_init(&out, FUZZ_OUT_MAX);
	buf_init(&reply, FUZZ_OUT_MAX);
	buf_puts(&out, "[");
	start = out.len;
	switch (data[0] % 7) {
	case 0:
		ret = policy_format_reply(&out, a);
		if (ret == 0)
			fuzz_reply_ok(&out, start, a);
		goto done;
	case 1:
		ret = policy_action_reject(&out, code, a, b);
		break;
	case 2:
		ret = policy_action_defer(&out, code, a, b);
		break;
	case 3:
		ret = policy_action_defer_if_permit(&out, *a ? a : NULL, b);
		break;
	case 4:
		ret = policy_action_prepend(&out, a, b);
		if (ret == 0 && out.len - start > 8 + POLICY_MAX_HEADER)
			msg_panic("header line over %d", POLICY_MAX_HEADER);
		break;
	case 5:
	case 6:
		ret = policy_text_sanitize(&out, a, strlen(a), data[1],
		    data[0] % 7 == 6 ? POLICY_TEXT_UTF8 : 0);
		if (ret < 0)
			msg_panic("sanitize refused with room");
		if (out.len - start > data[1])
			msg_panic("sanitized text over its maximum");
		for (i = start; i < out.len; i++)
			if ((unsigned char)out.data[i] < 0x20 ||
			    out.data[i] == 0x7f)
				msg_panic("control character after sanitize");
		if (ret == 1 && strlen(a) <= data[1])
			msg_panic("cut text that fits");
		/* sanitised text is always a valid action: checked below */
		ret = out.len > start ? 0 : -1;
		break;
	}
	if (ret == 0) {
		if (policy_format_reply(&reply, out.data + start) != 0)
			msg_panic("helper made an action the reply refuses");
		fuzz_reply_ok(&reply, 0, out.data + start);
	}
done:
	if (ret < 0 && out.len != start)
		msg_panic("refused, but wrote");
	if (ret == 0 && data[0] % 7 >= 1 && data[0] % 7 <= 2 &&
	    (code == 421 || code == 521))
		msg_panic("a disconnect code was accepted");
	buf_free(&out);
	buf_free(&reply);
	free(text);
	return 0;
}
