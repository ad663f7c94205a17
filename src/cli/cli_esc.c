/*
 * NAME
 *	cli_esc 3
 * SUMMARY
 *	make bytes from DNS or the command line safe to print
 * SYNOPSIS
 *	#include "cli/cli.h"
 *
 *	size_t	cli_utf8_seq(const unsigned char *p, size_t n);
 *	int	cli_esc_text(struct buf *b, const char *s, size_t len);
 *	int	cli_esc_textz(struct buf *b, const char *s);
 *	int	cli_esc_json(struct buf *b, const char *s, size_t len);
 *	int	cli_esc_jsonz(struct buf *b, const char *s);
 * DESCRIPTION
 *	An SPF record, an explanation or a sender address may hold any
 *	byte (RFC 7208 3.3 puts no rule on TXT data), and rmxf prints
 *	them to a terminal or to a script.  These functions copy valid
 *	UTF-8 through and escape everything else.
 *
 *	cli_utf8_seq() returns the length (1 to 4) of the well-formed
 *	UTF-8 sequence (RFC 3629 section 4: no overlong forms, no
 *	surrogates, nothing above U+10FFFF) that starts at p, or 0.
 *
 *	cli_esc_text() appends len bytes for one line of text output:
 *	printable ASCII and valid UTF-8 as they are, a backslash as \\,
 *	control bytes (C0, DEL and the C1 code points U+0080..U+009F)
 *	and bytes that are not valid UTF-8 as \xNN.  The result never
 *	holds a line break.  cli_esc_textz() does the same for a C
 *	string, and appends "(none)" for NULL.
 *
 *	cli_esc_json() appends a JSON string (RFC 8259 section 7) with
 *	its quotes: " and \ escaped, control bytes as \b \f \n \r \t or
 *	\u00XX, DEL as \u007f, valid UTF-8 as it is, and each byte that is
 *	not part of valid UTF-8 as \u00XX of its value (so the document
 *	stays valid UTF-8).  cli_esc_jsonz() takes a C string, and
 *	appends null for NULL.
 * DIAGNOSTICS
 *	The escaping functions return 0, or -1 when the buffer refused to
 *	grow (its overflow flag is then set).
 * SEE ALSO
 *	RFC 3629, RFC 8259, RFC 7208 section 3.3.
 */
#include <string.h>

#include "cli/cli.h"
#include "util/buf.h"

/* cli_utf8_seq - length of the valid UTF-8 sequence at p, or 0 */
size_t
cli_utf8_seq(const unsigned char *p, size_t n)
{
	unsigned long cp;
	size_t len, i;

	if (n == 0)
		return 0;
	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		len = 2;
		cp = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		len = 3;
		cp = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4;
		cp = p[0] & 0x07;
	} else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if (len == 3 && cp < 0x800)
		return 0;			/* overlong */
	if (len == 4 && cp < 0x10000)
		return 0;			/* overlong */
	if (cp >= 0xd800 && cp <= 0xdfff)
		return 0;			/* surrogate */
	if (cp > 0x10ffff)
		return 0;
	return len;
}

/* cli_esc_is_c1 - a two-byte sequence for a C1 control, U+0080..U+009F */
static int
cli_esc_is_c1(const unsigned char *p, size_t seq)
{
	return seq == 2 && p[0] == 0xc2 && p[1] < 0xa0;
}

/* cli_esc_text - append bytes as one safe line of text */
int
cli_esc_text(struct buf *b, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, seq, k;

	while (i < len) {
		if (p[i] == '\\') {
			buf_puts(b, "\\\\");
			i++;
		} else if (p[i] >= 0x20 && p[i] < 0x7f) {
			buf_putc(b, p[i]);
			i++;
		} else if (p[i] >= 0x80 &&
		    (seq = cli_utf8_seq(p + i, len - i)) != 0) {
			if (cli_esc_is_c1(p + i, seq)) {
				for (k = 0; k < seq; k++)
					buf_printf(b, "\\x%02X", p[i + k]);
			} else
				buf_append(b, p + i, seq);
			i += seq;
		} else {
			buf_printf(b, "\\x%02X", p[i]);
			i++;
		}
	}
	return b->overflow ? -1 : 0;
}

/* cli_esc_textz - cli_esc_text() for a C string; NULL as "(none)" */
int
cli_esc_textz(struct buf *b, const char *s)
{
	if (s == NULL) {
		buf_puts(b, "(none)");
		return b->overflow ? -1 : 0;
	}
	return cli_esc_text(b, s, strlen(s));
}

/* cli_esc_json - append a quoted JSON string */
int
cli_esc_json(struct buf *b, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, seq;

	buf_putc(b, '"');
	while (i < len) {
		switch (p[i]) {
		case '"':
			buf_puts(b, "\\\"");
			break;
		case '\\':
			buf_puts(b, "\\\\");
			break;
		case '\b':
			buf_puts(b, "\\b");
			break;
		case '\f':
			buf_puts(b, "\\f");
			break;
		case '\n':
			buf_puts(b, "\\n");
			break;
		case '\r':
			buf_puts(b, "\\r");
			break;
		case '\t':
			buf_puts(b, "\\t");
			break;
		default:
			if (p[i] >= 0x20 && p[i] < 0x7f) {
				buf_putc(b, p[i]);
				break;
			}
			if (p[i] >= 0x80 &&
			    (seq = cli_utf8_seq(p + i, len - i)) != 0) {
				buf_append(b, p + i, seq);
				i += seq;
				continue;
			}
			buf_printf(b, "\\u%04x", p[i]);
			break;
		}
		i++;
	}
	buf_putc(b, '"');
	return b->overflow ? -1 : 0;
}

/* cli_esc_jsonz - cli_esc_json() for a C string; NULL as null */
int
cli_esc_jsonz(struct buf *b, const char *s)
{
	if (s == NULL) {
		buf_puts(b, "null");
		return b->overflow ? -1 : 0;
	}
	return cli_esc_json(b, s, strlen(s));
}
