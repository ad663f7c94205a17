/*
 * NAME
 *	auth_msg 3
 * SUMMARY
 *	a whole message, as a file holds it, into auth(3)
 * SYNOPSIS
 *	#include "auth/auth.h"
 *
 *	void	auth_message(struct auth *a, const char *msg, size_t len);
 * DESCRIPTION
 *	auth_message() splits RFC 5322 text into header fields and body
 *	and feeds them: auth_header() for each field (its continuation
 *	lines, those starting with a space or a tab, included, without the
 *	line end after its last line), auth_eoh() at the first empty line,
 *	the rest with auth_body() in pieces of at most AUTH_MSG_CHUNK
 *	octets (as a Milter would), then auth_eom().  Lines may end in
 *	CRLF or LF.  A first line "From " (an mbox envelope) is not a
 *	field.  Text without an empty line is all header: the body is
 *	empty.  Any bytes are taken, NUL included.
 * SEE ALSO
 *	auth(3), RFC 5322 sections 2.2 and 2.2.3.
 */
#include <string.h>

#include "auth/auth.h"

#define AUTH_MSG_CHUNK	65536	/* body octets fed at once */

/* auth_msg_eol - the end of the line starting at i: the offset of its
 * line end, and in *next the start of the next line */
static size_t
auth_msg_eol(const char *msg, size_t len, size_t i, size_t *next)
{
	const char *nl = memchr(msg + i, '\n', len - i);
	size_t e;

	if (nl == NULL) {
		*next = len;
		return len;
	}
	e = (size_t)(nl - msg);
	*next = e + 1;
	return e > i && msg[e - 1] == '\r' ? e - 1 : e;
}

/* auth_message - split and feed a whole message */
void
auth_message(struct auth *a, const char *msg, size_t len)
{
	size_t i = 0, start, end, next, n;

	if (len >= 5 && memcmp(msg, "From ", 5) == 0)
		(void)auth_msg_eol(msg, len, 0, &i);
	while (i < len) {
		end = auth_msg_eol(msg, len, i, &next);
		if (end == i) {		/* the empty line */
			i = next;
			break;
		}
		start = i;
		while (next < len && (msg[next] == ' ' || msg[next] == '\t'))
			end = auth_msg_eol(msg, len, next, &next);
		auth_header(a, msg + start, end - start);
		i = next;
	}
	auth_eoh(a);
	for (; i < len; i += n) {
		n = len - i < AUTH_MSG_CHUNK ? len - i : AUTH_MSG_CHUNK;
		auth_body(a, msg + i, n);
	}
	auth_eom(a);
}
