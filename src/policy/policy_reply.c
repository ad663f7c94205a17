/*
 * NAME
 *	policy_reply 3
 * SUMMARY
 *	Postfix policy replies and the actions they carry
 * SYNOPSIS
 *	#include "policy/policy.h"
 *
 *	int	policy_format_reply(struct buf *out, const char *action);
 *	int	policy_action_dunno(struct buf *action);
 *	int	policy_action_reject(struct buf *action, int code,
 *			const char *enhanced, const char *text);
 *	int	policy_action_defer(struct buf *action, int code,
 *			const char *enhanced, const char *text);
 *	int	policy_action_defer_if_permit(struct buf *action,
 *			const char *enhanced, const char *text);
 *	int	policy_action_prepend(struct buf *action, const char *name,
 *			const char *value);
 *	int	policy_text_sanitize(struct buf *out, const char *text,
 *			size_t len, size_t max, unsigned flags);
 * DESCRIPTION
 *	policy_format_reply() appends "action=ACTION\n\n", the whole reply
 *	to one request.  It refuses an action that is empty, longer than
 *	POLICY_MAX_ACTION, not valid UTF-8 (Postfix with smtputf8_enable
 *	refuses such a reply and applies its default action) or that holds
 *	a control character other than HT: a CR or LF would end the reply
 *	early and let the rest be read as the next one.
 *
 *	The policy_action_*() functions append one access(5) action:
 *	"DUNNO"; "5NN X.Y.Z text" (reject: a 5NN code other than 521,
 *	which makes Postfix disconnect, and an enhanced code of class 5);
 *	"4NN X.Y.Z text" (defer: 4NN, not 421, class 4); "DEFER_IF_PERMIT
 *	[X.Y.Z] text" (Postfix answers with 450 4.7.1 unless the text
 *	starts with an enhanced code); "PREPEND Name: value".  Reply text
 *	is required, at most POLICY_MAX_TEXT bytes, and sanitised to
 *	printable ASCII (SMTP replies are ASCII, RFC 5321 4.2); Postfix
 *	puts its own "<rcpt>: Recipient address rejected: " before it.
 *	A header name is RFC 5322 ftext; a header value may hold HT but no
 *	other control character, must be valid UTF-8, and "Name: value"
 *	must fit in POLICY_MAX_HEADER octets: a PREPENDed header is one
 *	line, Postfix does not fold it.
 *
 *	policy_text_sanitize() appends up to max bytes of text with HT
 *	turned into a space and every other control character, and every
 *	non-ASCII character (or, with POLICY_TEXT_UTF8, every byte that is
 *	not part of valid UTF-8, and the C1 controls), turned into '?'.
 *	It never cuts a character in two.
 * DIAGNOSTICS
 *	Every function returns -1 and appends nothing when it refuses its
 *	input or the output buffer lacks room; policy_text_sanitize()
 *	returns 1 when it had to cut the text at max, else 0.
 * SEE ALSO
 *	access(5), SMTPD_POLICY_README, attr_scan_plain(3) (strings of at
 *	most 4 * line_length_limit); RFC 5321 4.2.3, 4.5.3.1.5; RFC 3463 2;
 *	RFC 7372 3; RFC 5322 2.1.1, 2.2, 3.6.8; RFC 3629 3.
 */
#include <stdint.h>
#include <string.h>

#include "util/buf.h"
#include "policy.h"

#define POLICY_DSN_DIGITS 3	/* RFC 3463 2: subject, detail = 1*3digit */

/* policy_utf8_seq - length of a valid UTF-8 character at s, or 0 */
static size_t
policy_utf8_seq(const unsigned char *s, size_t len, unsigned long *cp)
{
	unsigned long c, min;
	size_t n, i;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		c = s[0] & 0x1f;
		min = 0x80;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		c = s[0] & 0x0f;
		min = 0x800;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		c = s[0] & 0x07;
		min = 0x10000;
	} else
		return 0;
	if (n > len)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	/* RFC 3629 3: no overlong forms, no surrogates, nothing past 10FFFF */
	if (c < min || (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	*cp = c;
	return n;
}

/* policy_text_run - length of the printable ASCII run at s, eight
 * octets at a time: in w | (w - 0x20..) | (w + 0x01..) a high bit is set
 * exactly when some octet is >= 0x80, < 0x20 (borrow) or 0x7f (carry) */
static size_t
policy_text_run(const unsigned char *s, size_t len)
{
	const uint64_t lo = 0x2020202020202020ULL, one = 0x0101010101010101ULL,
	    hi = 0x8080808080808080ULL;
	uint64_t w;
	size_t n = 0;

	while (len - n >= sizeof(w)) {
		memcpy(&w, s + n, sizeof(w));
		if (((w | (w - lo) | (w + one)) & hi) != 0)
			break;
		n += sizeof(w);
	}
	for (; n < len && s[n] >= 0x20 && s[n] < 0x7f; n++)
		continue;
	return n;
}

/* policy_text_ok - no control character but HT, valid UTF-8 */
static int
policy_text_ok(const char *text, size_t len)
{
	const unsigned char *s = (const unsigned char *)text;
	unsigned long cp;
	size_t i, n;

	for (i = 0; i < len; i += n) {
		if ((n = policy_text_run(s + i, len - i)) > 0)
			continue;	/* ASCII: the common case */
		if ((n = policy_utf8_seq(s + i, len - i, &cp)) == 0)
			return 0;
		if ((cp < 0x20 && cp != '\t') || (cp >= 0x7f && cp < 0xa0))
			return 0;
	}
	return 1;
}

/* policy_text_step - one character: bytes consumed, replacement or 0 */
static size_t
policy_text_step(const unsigned char *s, size_t len, unsigned flags,
    char *sub)
{
	unsigned long cp;
	size_t n;

	*sub = 0;
	if (s[0] >= 0x20 && s[0] < 0x7f)
		return 1;
	if (s[0] == '\t') {
		*sub = ' ';
		return 1;
	}
	*sub = '?';
	if ((n = policy_utf8_seq(s, len, &cp)) == 0)
		return 1;		/* not UTF-8: one byte at a time */
	if ((flags & POLICY_TEXT_UTF8) && cp >= 0xa0)
		*sub = 0;
	return n;			/* one '?' per character */
}

/* policy_text_sanitize - append printable text, at most max bytes */
int
policy_text_sanitize(struct buf *out, const char *text, size_t len,
    size_t max, unsigned flags)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i, n, olen = 0, end;
	char sub;
	int cut = 0;

	/* first measure, so that the append is all or nothing; runs of
	 * printable ASCII (nearly all text) are taken whole */
	for (i = 0; i < len; i += n) {
		if ((n = policy_text_run(s + i, len - i)) > 0) {
			if (n > max - olen) {
				i += max - olen;
				olen = max;
				cut = 1;
				break;
			}
			olen += n;
			continue;
		}
		n = policy_text_step(s + i, len - i, flags, &sub);
		if ((sub ? 1 : n) > max - olen) {
			cut = 1;
			break;
		}
		olen += sub ? 1 : n;
	}
	end = i;
	if (olen > out->max - out->len)
		return -1;
	for (i = 0; i < end; i += n) {
		if ((n = policy_text_run(s + i, end - i)) > 0) {
			buf_append(out, s + i, n);
			continue;
		}
		n = policy_text_step(s + i, end - i, flags, &sub);
		if (sub)
			buf_putc(out, sub);
		else
			buf_append(out, s + i, n);
	}
	return cut;
}

/* policy_append - append whole strings, or nothing when out lacks room */
static int
policy_append(struct buf *out, const char *a, const char *b, const char *c)
{
	size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
	size_t room = out->max - out->len;

	if (la > room || lb > room - la || lc > room - la - lb)
		return -1;
	buf_append(out, a, la);
	buf_append(out, b, lb);
	buf_append(out, c, lc);
	return 0;
}

/* policy_format_reply - the reply carrying one action */
int
policy_format_reply(struct buf *out, const char *action)
{
	size_t len = strlen(action);

	if (len == 0 || len > POLICY_MAX_ACTION ||
	    !policy_text_ok(action, len))
		return -1;
	return policy_append(out, "action=", action, "\n\n");
}

/* policy_action_dunno - no opinion: Postfix goes on with its checks */
int
policy_action_dunno(struct buf *action)
{
	return policy_append(action, "DUNNO", "", "");
}

/* policy_dsn_len - length of an RFC 3463 code of class cls at s, or 0 */
static size_t
policy_dsn_len(const char *s, char cls)
{
	size_t i = 2, part, n;

	if (s[0] != cls || s[1] != '.')
		return 0;
	/* status-code = class "." subject "." detail */
	for (part = 0; part < 2; part++) {
		for (n = 0; s[i] >= '0' && s[i] <= '9'; n++, i++)
			if (n == POLICY_DSN_DIGITS)
				return 0;
		if (n == 0)
			return 0;
		if (part == 0 && s[i++] != '.')
			return 0;
	}
	return i;
}

/* policy_dsn_ok - enhanced is exactly one code of class cls */
static int
policy_dsn_ok(const char *enhanced, char cls)
{
	size_t n = policy_dsn_len(enhanced, cls);

	return n > 0 && enhanced[n] == 0;
}

/* policy_text_action - append "HEAD text" with the text sanitised */
static int
policy_text_action(struct buf *action, const char *head, const char *text)
{
	char store[POLICY_MAX_TEXT + 64];
	struct buf tmp;
	size_t len;
	int ret = -1;

	buf_init_store(&tmp, POLICY_MAX_ACTION, store, sizeof(store));
	if (text == NULL || (len = strlen(text)) == 0 || len > POLICY_MAX_TEXT)
		goto out;
	if (buf_puts(&tmp, head) < 0 || buf_putc(&tmp, ' ') < 0 ||
	    policy_text_sanitize(&tmp, text, len, len, 0) != 0)
		goto out;
	ret = policy_append(action, tmp.data, "", "");
out:
	buf_free(&tmp);
	return ret;
}

/* policy_coded_action - "NNN X.Y.Z text" after the checks of its class */
static int
policy_coded_action(struct buf *action, int code, const char *enhanced,
    const char *text, int cls, int hangup)
{
	char store[32];
	struct buf tmp;
	int ret;

	/* 421 and 521 make Postfix disconnect (access(5)): not ours to say */
	if (code / 100 != cls || code == hangup || enhanced == NULL ||
	    !policy_dsn_ok(enhanced, (char)('0' + cls)))
		return -1;
	buf_init_store(&tmp, sizeof(store) - 1, store, sizeof(store));
	/* "%d %s" by hand: the code is 4NN or 5NN (checked above) */
	ret = buf_put_uint(&tmp, (unsigned)code) < 0 ||
	    buf_putc(&tmp, ' ') < 0 || buf_puts(&tmp, enhanced) < 0 ? -1 : 0;
	if (ret == 0)
		ret = policy_text_action(action, tmp.data, text);
	buf_free(&tmp);
	return ret;
}

/* policy_action_reject - "5NN 5.X.Y text", e.g. 550 5.7.23 (RFC 7372) */
int
policy_action_reject(struct buf *action, int code, const char *enhanced,
    const char *text)
{
	return policy_coded_action(action, code, enhanced, text, 5, 521);
}

/* policy_action_defer - "4NN 4.X.Y text", e.g. 450 4.7.24 (RFC 7372) */
int
policy_action_defer(struct buf *action, int code, const char *enhanced,
    const char *text)
{
	return policy_coded_action(action, code, enhanced, text, 4, 421);
}

/* policy_action_defer_if_permit - defer unless a later check rejects */
int
policy_action_defer_if_permit(struct buf *action, const char *enhanced,
    const char *text)
{
	char store[65];
	struct buf tmp;
	size_t n;
	int ret = -1;

	buf_init_store(&tmp, sizeof(store) - 1, store, sizeof(store));
	if (enhanced != NULL) {
		if (!policy_dsn_ok(enhanced, '4'))
			goto out;
		if (buf_printf(&tmp, "DEFER_IF_PERMIT %s", enhanced) < 0)
			goto out;
	} else {
		/* text that starts like a code would be taken for one */
		if (text != NULL && (n = policy_dsn_len(text, '4')) > 0 &&
		    (text[n] == ' ' || text[n] == 0))
			goto out;
		buf_puts(&tmp, "DEFER_IF_PERMIT");
	}
	ret = policy_text_action(action, tmp.data, text);
out:
	buf_free(&tmp);
	return ret;
}

/* policy_action_prepend - "PREPEND Name: value", one unfolded line */
int
policy_action_prepend(struct buf *action, const char *name,
    const char *value)
{
	size_t nlen = strlen(name), vlen = strlen(value), i;

	/* RFC 5322 3.6.8: field-name = 1*ftext, printable ASCII but ':' */
	if (nlen == 0)
		return -1;
	for (i = 0; i < nlen; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c < 33 || c > 126 || c == ':')
			return -1;
	}
	/* RFC 5322 2.1.1: at most 998 characters on a line, CRLF excluded */
	if (nlen > POLICY_MAX_HEADER - 2 || vlen > POLICY_MAX_HEADER - 2 - nlen)
		return -1;
	if (!policy_text_ok(value, vlen))
		return -1;
	/* "PREPEND " name ": " value: at most 8 + 998 bytes */
	if (8 + nlen + 2 + vlen > action->max - action->len)
		return -1;
	buf_puts(action, "PREPEND ");
	buf_append(action, name, nlen);
	buf_puts(action, ": ");
	buf_append(action, value, vlen);
	return 0;
}
