/*
 * NAME
 *	socketmap 3
 * SUMMARY
 *	Postfix socketmap protocol: netstring requests in, replies out
 * SYNOPSIS
 *	#include "socketmap/socketmap.h"
 *
 *	enum sm_status sm_parse(const char *in, size_t len,
 *			struct sm_request *req, size_t *used,
 *			const char **why);
 *	int	sm_format_reply(struct buf *out, enum sm_reply status,
 *			const char *data, size_t len);
 *	int	sm_format_request(struct buf *out, const char *name,
 *			const char *key, size_t keylen);
 *	const char *sm_reply_str(enum sm_reply status);
 * DESCRIPTION
 *	A socketmap request is one netstring, "LEN:name key," with LEN the
 *	decimal length of "name key"; the reply is one netstring, "OK
 *	data", "NOTFOUND ", "TEMP reason", "TIMEOUT reason" or "PERM
 *	reason".  Postfix reuses the connection for further requests.
 *
 *	sm_parse() looks at the bytes received so far and returns SM_MORE
 *	while the first netstring is incomplete, SM_OK with the request
 *	(name and key point into in, not terminated) and *used (the bytes
 *	of this netstring, to drop before parsing the next), or SM_ERR with
 *	a static reason: a length that is not decimal or has more than
 *	SM_MAX_DIGITS digits, a request over SM_MAX_QUERY octets, a missing
 *	',' terminator, a name that is empty, longer than SM_MAX_NAME or not
 *	[A-Za-z0-9_-], no space after it, an empty key, or a NUL byte.
 *	A key is otherwise any bytes: the caller decides what it means.
 *
 *	sm_format_reply() appends one reply netstring; data may be NULL
 *	when len is 0.  The NOTFOUND reply is "NOTFOUND " with its space,
 *	as Postfix writes it.  sm_format_request() appends a request, for
 *	tests and the benchmark.  Both return -1 (and append nothing) for a
 *	reply over SM_MAX_REPLY, a request over SM_MAX_QUERY, or when out
 *	is full.
 * DIAGNOSTICS
 *	Pure: no I/O, no logging.
 * SEE ALSO
 *	socketmap_table(5), D. J. Bernstein's netstrings.
 */
#include <stddef.h>
#include <string.h>

#include "socketmap/socketmap.h"
#include "util/buf.h"

static const char *const sm_reply_names[] = {
	[SM_R_OK] = "OK",
	[SM_R_NOTFOUND] = "NOTFOUND",
	[SM_R_TEMP] = "TEMP",
	[SM_R_TIMEOUT] = "TIMEOUT",
	[SM_R_PERM] = "PERM",
};

/* sm_reply_str - the status word of a reply */
const char *
sm_reply_str(enum sm_reply r)
{
	if ((unsigned)r >= sizeof(sm_reply_names) / sizeof(sm_reply_names[0]))
		return "PERM";
	return sm_reply_names[r];
}

/* sm_name_char - may c appear in a map name? */
static int
sm_name_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* sm_parse - the first request in the bytes received so far */
enum sm_status
sm_parse(const char *in, size_t len, struct sm_request *req, size_t *used,
    const char **why)
{
	size_t i, n = 0, body, sp;

	*why = NULL;
	for (i = 0; i < len && in[i] != ':'; i++) {
		if (in[i] < '0' || in[i] > '9') {
			*why = "netstring length is not a decimal number";
			return SM_ERR;
		}
		if (i >= SM_MAX_DIGITS) {
			*why = "netstring length has too many digits";
			return SM_ERR;
		}
		n = n * 10 + (size_t)(in[i] - '0');
	}
	if (i == len)
		return SM_MORE;
	if (i == 0) {
		*why = "netstring without a length";
		return SM_ERR;
	}
	if (n > SM_MAX_QUERY) {
		*why = "request longer than 10000 octets";
		return SM_ERR;
	}
	body = i + 1;
	/* body + n + 1 <= len, written so that it cannot wrap */
	if (n >= len - body)
		return SM_MORE;
	if (in[body + n] != ',') {
		*why = "netstring not terminated by ','";
		return SM_ERR;
	}
	if (memchr(in + body, 0, n) != NULL) {
		*why = "NUL byte in the request";
		return SM_ERR;
	}
	for (sp = 0; sp < n && in[body + sp] != ' '; sp++)
		if (!sm_name_char((unsigned char)in[body + sp])) {
			*why = "bad character in the map name";
			return SM_ERR;
		}
	if (sp == 0 || sp > SM_MAX_NAME) {
		*why = "map name empty or too long";
		return SM_ERR;
	}
	if (sp == n || sp + 1 == n) {
		*why = "request without a key";
		return SM_ERR;
	}
	req->name = in + body;
	req->namelen = sp;
	req->key = in + body + sp + 1;
	req->keylen = n - sp - 1;
	*used = body + n + 1;
	return SM_OK;
}

/* sm_netstring - append "LEN:" head data tail "," or nothing */
static int
sm_netstring(struct buf *out, const char *head, const char *data,
    size_t len, size_t max)
{
	char num[24];
	size_t hl = strlen(head), nl, need;
	size_t n;

	if (len > max || hl > max - len)
		return -1;
	/* the whole netstring's size first: nothing partial is appended */
	n = hl + len;
	nl = 0;
	do {
		num[sizeof(num) - 1 - nl++] = (char)('0' + n % 10);
		n /= 10;
	} while (n > 0);
	need = nl + 1 + hl + len + 1;
	if (out->overflow || need > out->max - out->len)
		return -1;
	buf_append(out, num + sizeof(num) - nl, nl);
	buf_putc(out, ':');
	buf_append(out, head, hl);
	if (len > 0)
		buf_append(out, data, len);
	buf_putc(out, ',');
	return out->overflow ? -1 : 0;
}

/* sm_format_reply - append one reply netstring */
int
sm_format_reply(struct buf *out, enum sm_reply r, const char *data,
    size_t len)
{
	char head[16];
	size_t hl = strlen(sm_reply_str(r));

	memcpy(head, sm_reply_str(r), hl);
	head[hl] = ' ';
	head[hl + 1] = 0;
	return sm_netstring(out, head, data, len, SM_MAX_REPLY);
}

/* sm_format_request - append one request netstring */
int
sm_format_request(struct buf *out, const char *name, const char *key,
    size_t keylen)
{
	char head[SM_MAX_NAME + 2];
	size_t nl = strlen(name);

	if (nl == 0 || nl > SM_MAX_NAME)
		return -1;
	memcpy(head, name, nl);
	head[nl] = ' ';
	head[nl + 1] = 0;
	return sm_netstring(out, head, key, keylen, SM_MAX_QUERY);
}
