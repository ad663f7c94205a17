/*
 * NAME
 *	policy_parse 3
 * SUMMARY
 *	incremental parser of Postfix policy requests
 * SYNOPSIS
 *	#include "policy/policy.h"
 *
 *	struct policy_parser *policy_parser_new(
 *			const struct policy_limits *lim);
 *	void	policy_parser_free(struct policy_parser *p);
 *	enum policy_status policy_parser_feed(struct policy_parser *p,
 *			const char *bytes, size_t len, size_t *used);
 *	const char *policy_parser_error(const struct policy_parser *p);
 *	const struct policy_request *policy_parser_request(
 *			const struct policy_parser *p);
 *	size_t	policy_parser_pending(const struct policy_parser *p);
 *	void	policy_parser_reset(struct policy_parser *p);
 *	const char *policy_request_get(const struct policy_request *req,
 *			const char *name);
 * DESCRIPTION
 *	A request is "name=value" lines ended by an empty line
 *	(SMTPD_POLICY_README).  The parser is a byte-at-a-time state
 *	machine, so a request split anywhere parses exactly as the whole:
 *	the same result, the same reason, the same count of bytes used.
 *	A run of ordinary name or value bytes that crosses no limit is
 *	copied at once; a whole request of well-formed lines at the start
 *	of the bytes is taken a line at a time (policy_fast).  Both are
 *	only faster ways to take the same steps; anything out of the
 *	ordinary goes through the byte machine.
 *
 *	policy_parser_new() makes a parser with the given limits (NULL or
 *	a zero field: the defaults in policy.h).  policy_parser_feed()
 *	consumes bytes and returns POLICY_NEED_MORE (*used == len),
 *	POLICY_REQUEST (*used bytes ended the request; the rest is not
 *	looked at) or POLICY_ERROR (*used bytes were examined, the last one
 *	made the request unacceptable).  policy_parser_request() returns
 *	the request after POLICY_REQUEST, else NULL.
 *	policy_parser_pending() tells how many bytes of an unfinished
 *	request were consumed: 0 between requests, so an end of file there
 *	is an orderly close and anywhere else a truncated request.
 *	policy_parser_reset() readies the parser for the next request and
 *	ends the life of the current one.
 *
 *	The text of a request is stored once, in a buffer bounded by
 *	request_bytes: each name and each value NUL-terminated where the
 *	'=' and the LF were.  Attributes are recorded as offsets while the
 *	buffer may still move, and turned into pointers when the request
 *	is complete.
 *
 *	policy_request_get() returns the value of the last attribute of
 *	that name, or NULL; it finds unknown attributes too.
 * DIAGNOSTICS
 *	Reasons for POLICY_ERROR (static strings): "NUL byte in request",
 *	"binary junk in attribute name", "line without '='", "attribute
 *	without a name", "line over the line_bytes limit", "value over the
 *	value_bytes limit", "attributes over the attrs limit", "request
 *	over the request_bytes limit", "not a policy request".
 *	Feeding a parser that holds a request: msg_panic().
 * SEE ALSO
 *	Postfix SMTPD_POLICY_README ("Protocol description").
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/msg.h"
#include "util/xmalloc.h"
#include "policy.h"

#define POLICY_ATTR_FIRST 48	/* attribute slots made with the parser:
				 * Postfix 3.7 sends 33 */
#define POLICY_TEXT_FIRST 1024	/* text bytes made with the parser: a
				 * request of Postfix 3.7 stores ~730 */

enum policy_state {
	POLICY_S_NAME,		/* in a name, or at the start of a line */
	POLICY_S_VALUE,		/* after the '=' */
	POLICY_S_DONE,		/* a request is ready */
	POLICY_S_ERROR,		/* sticky until reset */
};

/* Where one attribute lies in the text buffer (offsets below
 * POLICY_MAX_REQUEST: 32 bits hold them, and a connection keeps these). */
struct policy_attr_off {
	uint32_t name;
	uint32_t value;
	uint32_t value_len;
	uint16_t field;			/* policy_fields index + 1 that this
					 * slot had last time; 0: none */
	uint8_t	known;			/* the name is that field's (fast) */
};

#define POLICY_MAX_OFF	UINT32_MAX	/* request_bytes at most */

struct policy_parser {
	struct policy_limits lim;
	enum policy_state state;
	int	cr;			/* a CR waits for the next byte */
	size_t	total;			/* bytes of this request consumed */
	size_t	line;			/* bytes of this line, before LF */
	size_t	vlen;			/* bytes of this value */
	size_t	name_off;		/* this line's name in text */
	size_t	value_off;		/* this line's value in text */
	struct buf text;		/* names and values, NUL-terminated */
	struct policy_attr_off *off;	/* nattr used, cap allocated */
	struct policy_attr *attr;	/* filled when the request is done */
	size_t	nattr;
	size_t	cap;
	const char *error;
	struct policy_request req;
};

/* The attributes with a named field; sorted for bsearch(). */
struct policy_field {
	const char *name;
	size_t	len;
	size_t	off;
};

#define POLICY_FIELD(n) { #n, sizeof(#n) - 1, \
	offsetof(struct policy_request, n) }

static const struct policy_field policy_fields[] = {
	POLICY_FIELD(ccert_fingerprint),
	POLICY_FIELD(ccert_issuer),
	POLICY_FIELD(ccert_pubkey_fingerprint),
	POLICY_FIELD(ccert_subject),
	POLICY_FIELD(client_address),
	POLICY_FIELD(client_name),
	POLICY_FIELD(client_port),
	POLICY_FIELD(compatibility_level),
	POLICY_FIELD(encryption_cipher),
	POLICY_FIELD(encryption_keysize),
	POLICY_FIELD(encryption_protocol),
	POLICY_FIELD(etrn_domain),
	POLICY_FIELD(helo_name),
	POLICY_FIELD(instance),
	POLICY_FIELD(mail_version),
	POLICY_FIELD(policy_context),
	POLICY_FIELD(protocol_name),
	POLICY_FIELD(protocol_state),
	POLICY_FIELD(queue_id),
	POLICY_FIELD(recipient),
	POLICY_FIELD(recipient_count),
	POLICY_FIELD(request),
	POLICY_FIELD(reverse_client_name),
	POLICY_FIELD(sasl_method),
	POLICY_FIELD(sasl_sender),
	POLICY_FIELD(sasl_username),
	POLICY_FIELD(sender),
	POLICY_FIELD(server_address),
	POLICY_FIELD(server_port),
	POLICY_FIELD(size),
	POLICY_FIELD(stress),
};

#define POLICY_NFIELDS (sizeof(policy_fields) / sizeof(policy_fields[0]))

static void policy_grow(struct policy_parser *);

/* policy_field_cmp - bsearch() comparison: name against table entry */
static int
policy_field_cmp(const void *key, const void *elem)
{
	const struct policy_field *f = elem;

	return strcmp(key, f->name);
}

/* policy_parser_new - parser with the given limits */
struct policy_parser *
policy_parser_new(const struct policy_limits *lim)
{
	struct policy_parser *p = xcalloc(1, sizeof(*p));

	if (lim != NULL)
		p->lim = *lim;
	if (p->lim.request_bytes == 0 || p->lim.request_bytes > POLICY_MAX_OFF)
		p->lim.request_bytes = POLICY_MAX_REQUEST;
	if (p->lim.line_bytes == 0)
		p->lim.line_bytes = POLICY_MAX_LINE;
	if (p->lim.value_bytes == 0)
		p->lim.value_bytes = POLICY_MAX_VALUE;
	if (p->lim.attrs == 0)
		p->lim.attrs = POLICY_MAX_ATTRS;
	/* what we store of a request is never more than what it consumed */
	buf_init(&p->text, p->lim.request_bytes);
	/* a connection's parser lives as long as it: its usual room is made
	 * now, in one place, not grown piecemeal by the first request
	 * among that request's short-lived allocations */
	(void)buf_reserve(&p->text, POLICY_TEXT_FIRST <
	    p->lim.request_bytes ? POLICY_TEXT_FIRST : p->lim.request_bytes);
	policy_grow(p);
	policy_parser_reset(p);
	return p;
}

/* policy_parser_free - release the parser and its request */
void
policy_parser_free(struct policy_parser *p)
{
	if (p == NULL)
		return;
	buf_free(&p->text);
	free(p->off);
	free(p->attr);
	free(p);
}

/* policy_parser_reset - forget the request, ready for the next one */
void
policy_parser_reset(struct policy_parser *p)
{
	buf_reset(&p->text);
	p->state = POLICY_S_NAME;
	p->cr = 0;
	p->total = 0;
	p->line = 0;
	p->vlen = 0;
	p->name_off = 0;
	p->value_off = 0;
	p->nattr = 0;
	p->error = NULL;
	memset(&p->req, 0, sizeof(p->req));
}

/* policy_parser_error - why the last feed returned POLICY_ERROR */
const char *
policy_parser_error(const struct policy_parser *p)
{
	return p->state == POLICY_S_ERROR ? p->error : NULL;
}

/* policy_parser_request - the request after POLICY_REQUEST, else NULL */
const struct policy_request *
policy_parser_request(const struct policy_parser *p)
{
	return p->state == POLICY_S_DONE ? &p->req : NULL;
}

/* policy_parser_pending - bytes of an unfinished request consumed */
size_t
policy_parser_pending(const struct policy_parser *p)
{
	return p->state == POLICY_S_DONE ? 0 : p->total;
}

/* policy_fail - enter the sticky error state */
static enum policy_status
policy_fail(struct policy_parser *p, const char *why)
{
	p->state = POLICY_S_ERROR;
	p->error = why;
	return POLICY_ERROR;
}

/* policy_store - add bytes to the text; the limits make room certain */
static void
policy_store(struct policy_parser *p, const void *data, size_t len)
{
	if (buf_append(&p->text, data, len) < 0)
		msg_panic("policy_parse: text over its bound (%zu + %zu)",
		    p->text.len, len);
}

/* policy_finish - the empty line: resolve the attributes, check the type */
static enum policy_status
policy_finish(struct policy_parser *p)
{
	struct policy_request *req = &p->req;
	const struct policy_field *f;
	size_t i;

	memset(req, 0, sizeof(*req));
	for (i = 0; i < p->nattr; i++) {
		struct policy_attr *a = &p->attr[i];

		a->name = p->text.data + p->off[i].name;
		a->value = p->text.data + p->off[i].value;
		a->value_len = p->off[i].value_len;
		/* Postfix sends the same attributes in the same order on
		 * every request: try the field this slot had last time */
		f = NULL;
		if (p->off[i].known)
			f = &policy_fields[p->off[i].field - 1];
		else if (p->off[i].field > 0 &&
		    strcmp(a->name, policy_fields[p->off[i].field - 1].name)
		    == 0)
			f = &policy_fields[p->off[i].field - 1];
		else if ((f = bsearch(a->name, policy_fields, POLICY_NFIELDS,
		    sizeof(policy_fields[0]), policy_field_cmp)) != NULL)
			p->off[i].field = (uint16_t)(f - policy_fields + 1);
		if (f != NULL)	/* a repeated attribute: the last one wins */
			*(const char **)((char *)req + f->off) = a->value;
	}
	req->attr = p->attr;
	req->nattr = p->nattr;
	req->bytes = p->total;
	if (req->request == NULL ||
	    strcmp(req->request, POLICY_REQUEST_TYPE) != 0)
		return policy_fail(p, "not a policy request");
	p->state = POLICY_S_DONE;
	return POLICY_REQUEST;
}

/* policy_store_byte - add one byte to the text */
static void
policy_store_byte(struct policy_parser *p, unsigned char c)
{
	if (buf_putc(&p->text, c) < 0)
		msg_panic("policy_parse: text over its bound (%zu + 1)",
		    p->text.len);
}

/* policy_grow - more attribute slots; the attrs limit is checked first */
static void
policy_grow(struct policy_parser *p)
{
	size_t cap = p->cap ? p->cap * 2 : POLICY_ATTR_FIRST;

	if (cap > p->lim.attrs)
		cap = p->lim.attrs;
	p->off = xrealloc(p->off, cap * sizeof(*p->off));
	p->attr = xrealloc(p->attr, cap * sizeof(*p->attr));
	memset(p->off + p->cap, 0, (cap - p->cap) * sizeof(*p->off));
	p->cap = cap;
}

/* policy_attr_begin - the '=' of a line: one more attribute */
static enum policy_status
policy_attr_begin(struct policy_parser *p)
{
	if (p->line == 0)
		return policy_fail(p, "attribute without a name");
	if (p->nattr >= p->lim.attrs)
		return policy_fail(p, "attributes over the attrs limit");
	if (++p->line > p->lim.line_bytes)
		return policy_fail(p, "line over the line_bytes limit");
	if (p->nattr == p->cap)
		policy_grow(p);
	policy_store_byte(p, 0);
	p->value_off = p->text.len;
	p->vlen = 0;
	p->state = POLICY_S_VALUE;
	return POLICY_NEED_MORE;
}

/* policy_attr_end - the LF after a value: record the attribute */
static void
policy_attr_end(struct policy_parser *p)
{
	struct policy_attr_off *o = &p->off[p->nattr++];

	policy_store_byte(p, 0);
	o->name = (uint32_t)p->name_off;
	o->value = (uint32_t)p->value_off;
	o->value_len = (uint32_t)p->vlen;
	o->known = 0;
	p->name_off = p->text.len;
	p->line = 0;
	p->state = POLICY_S_NAME;
}

/* policy_name_byte - one byte at the start of a line or in a name */
static enum policy_status
policy_name_byte(struct policy_parser *p, unsigned char c)
{
	if (p->cr) {
		p->cr = 0;
		if (c != '\n')
			return policy_fail(p, "binary junk in attribute name");
		return p->line == 0 ? policy_finish(p) :
		    policy_fail(p, "line without '='");
	}
	switch (c) {
	case '=':
		return policy_attr_begin(p);
	case '\n':
		return p->line == 0 ? policy_finish(p) :
		    policy_fail(p, "line without '='");
	case '\r':
		p->cr = 1;		/* CRLF, or junk */
		return POLICY_NEED_MORE;
	case '\0':
		return policy_fail(p, "NUL byte in request");
	}
	/* names are printable ASCII: anything else is not this protocol */
	if (c < 0x20 || c > 0x7e)
		return policy_fail(p, "binary junk in attribute name");
	if (++p->line > p->lim.line_bytes)
		return policy_fail(p, "line over the line_bytes limit");
	policy_store_byte(p, c);
	return POLICY_NEED_MORE;
}

/* policy_value_add - one byte of a value, within the limits */
static enum policy_status
policy_value_add(struct policy_parser *p, unsigned char c)
{
	if (++p->vlen > p->lim.value_bytes)
		return policy_fail(p, "value over the value_bytes limit");
	if (++p->line > p->lim.line_bytes)
		return policy_fail(p, "line over the line_bytes limit");
	policy_store_byte(p, c);
	return POLICY_NEED_MORE;
}

/* policy_value_byte - one byte after the '=' */
static enum policy_status
policy_value_byte(struct policy_parser *p, unsigned char c)
{
	if (p->cr) {
		p->cr = 0;
		if (c == '\n') {	/* CRLF: the CR is not data */
			policy_attr_end(p);
			return POLICY_NEED_MORE;
		}
		/* a CR inside a value is data like any byte but LF and NUL */
		if (policy_value_add(p, '\r') == POLICY_ERROR)
			return POLICY_ERROR;
	}
	switch (c) {
	case '\n':
		policy_attr_end(p);
		return POLICY_NEED_MORE;
	case '\r':
		p->cr = 1;
		return POLICY_NEED_MORE;
	case '\0':
		return policy_fail(p, "NUL byte in request");
	default:
		return policy_value_add(p, c);
	}
}

/*
 * Eight octets at a time (a request is mostly short names and values, too
 * short for memchr(3) to pay): POLICY_HASZERO(w) is non-zero when some
 * octet of w is zero (exactly when there is one: a false alarm only ever
 * comes above a true zero, and the byte loop after it decides anyway);
 * POLICY_NOTPRINT(w) when some octet is not printable ASCII.
 */
#define POLICY_ONES	0x0101010101010101ULL
#define POLICY_HIGHS	0x8080808080808080ULL
#define POLICY_BYTES(c)	((uint64_t)(c) * POLICY_ONES)
#define POLICY_HASZERO(w) (((w) - POLICY_ONES) & ~(w) & POLICY_HIGHS)
#define POLICY_NOTPRINT(w) (((w) | ((w) - POLICY_BYTES(0x20)) | \
	((w) + POLICY_ONES)) & POLICY_HIGHS)

/* policy_value_run - octets before the first LF, CR or NUL */
static size_t
policy_value_run(const char *s, size_t len)
{
	uint64_t w;
	size_t n = 0;

	while (len - n >= sizeof(w)) {
		memcpy(&w, s + n, sizeof(w));
		if (POLICY_HASZERO(w) || POLICY_HASZERO(w ^ POLICY_BYTES('\n')) ||
		    POLICY_HASZERO(w ^ POLICY_BYTES('\r')))
			break;
		n += sizeof(w);
	}
	for (; n < len; n++)
		if (s[n] == '\n' || s[n] == '\r' || s[n] == '\0')
			break;
	return n;
}

/* policy_name_run - printable ASCII octets before the first '=' */
static size_t
policy_name_run(const char *s, size_t len)
{
	uint64_t w;
	size_t n = 0;

	while (len - n >= sizeof(w)) {
		memcpy(&w, s + n, sizeof(w));
		if (POLICY_NOTPRINT(w) || POLICY_HASZERO(w ^ POLICY_BYTES('=')))
			break;
		n += sizeof(w);
	}
	for (; n < len; n++) {
		unsigned char c = (unsigned char)s[n];

		if (c < 0x20 || c > 0x7e || c == '=')
			break;
	}
	return n;
}

/* policy_run - ordinary bytes of a name or value that cross no limit */
static size_t
policy_run(const struct policy_parser *p, const char *s, size_t len)
{
	size_t room;

	/* the counters never pass their limits: an error stops first */
	room = p->lim.line_bytes - p->line;
	if (room > p->lim.request_bytes - p->total)
		room = p->lim.request_bytes - p->total;
	if (p->state == POLICY_S_VALUE && room > p->lim.value_bytes - p->vlen)
		room = p->lim.value_bytes - p->vlen;
	if (len > room)
		len = room;
	if (p->state == POLICY_S_VALUE)
		return policy_value_run(s, len);
	return policy_name_run(s, len);
}

/*
 * policy_fast - a whole request at the start of s, in the common shape:
 * every line "name=value" with LF, no CR or NUL anywhere, every limit
 * kept.  It takes the steps the byte machine would take, a line at a
 * time, and returns the bytes consumed; 0 when the request is not all
 * there or not in that shape, having changed nothing the byte machine
 * looks at: the byte machine then decides, with its own reasons.
 */
static size_t
policy_fast(struct policy_parser *p, const char *s, size_t len)
{
	const struct policy_field *f;
	const char *line = s, *end, *nl;
	size_t n = 0, name, llen, total;
	int known;

	if (len > p->lim.request_bytes)
		len = p->lim.request_bytes;
	end = s + len;
	while (line < end && *line != '\n') {
		if ((nl = memchr(line, '\n', (size_t)(end - line))) == NULL)
			return 0;
		llen = (size_t)(nl - line);
		if (llen > p->lim.line_bytes || n >= p->lim.attrs)
			return 0;
		if (n == p->cap)
			policy_grow(p);
		/* Postfix sends the same names in the same order: the name
		 * this slot had last time is checked with one memcmp */
		f = p->off[n].field > 0 ? &policy_fields[p->off[n].field - 1] :
		    NULL;
		known = f != NULL && llen > f->len && line[f->len] == '=' &&
		    memcmp(line, f->name, f->len) == 0;
		if (known)
			name = f->len;
		else if ((name = policy_name_run(line, llen)) == 0 ||
		    name == llen || line[name] != '=')
			return 0;
		if (llen - name - 1 > p->lim.value_bytes)
			return 0;
		p->off[n].name = (uint32_t)(line - s);
		p->off[n].value = (uint32_t)((size_t)(line - s) + name + 1);
		p->off[n].value_len = (uint32_t)(llen - name - 1);
		p->off[n].known = (uint8_t)known;
		n++;
		line = nl + 1;
	}
	if (line >= end)
		return 0;
	/* no NUL or CR anywhere: values were not looked at one by one */
	total = (size_t)(line - s) + 1;
	if (memchr(s, '\0', total) != NULL || memchr(s, '\r', total) != NULL)
		return 0;
	/* the text is the request less its empty line, '=' and LF made NUL */
	policy_store(p, s, (size_t)(line - s));
	p->nattr = n;
	for (n = 0; n < p->nattr; n++) {
		p->text.data[p->off[n].value - 1] = 0;
		p->text.data[p->off[n].value + p->off[n].value_len] = 0;
	}
	p->total = total;
	return p->total;
}

/* policy_parser_feed - consume bytes until a request is complete */
enum policy_status
policy_parser_feed(struct policy_parser *p, const char *bytes, size_t len,
    size_t *used)
{
	enum policy_status st = POLICY_NEED_MORE;
	size_t i = 0, n;

	*used = 0;
	if (p->state == POLICY_S_ERROR)
		return POLICY_ERROR;
	if (p->state == POLICY_S_DONE)
		msg_panic("policy_parser_feed: the last request was not reset");
	if (len > 0 && p->total == 0 && p->state == POLICY_S_NAME &&
	    (i = policy_fast(p, bytes, len)) > 0) {
		*used = i;
		return policy_finish(p);
	}
	while (i < len && st == POLICY_NEED_MORE) {
		if (!p->cr && (n = policy_run(p, bytes + i, len - i)) > 0) {
			policy_store(p, bytes + i, n);
			if (p->state == POLICY_S_VALUE)
				p->vlen += n;
			p->line += n;
			p->total += n;
			i += n;
			continue;
		}
		if (++p->total > p->lim.request_bytes) {
			i++;
			st = policy_fail(p,
			    "request over the request_bytes limit");
			break;
		}
		if (p->state == POLICY_S_NAME)
			st = policy_name_byte(p, (unsigned char)bytes[i]);
		else
			st = policy_value_byte(p, (unsigned char)bytes[i]);
		i++;
	}
	*used = i;
	return st;
}

/* policy_request_get - value of the last attribute called name, or NULL */
const char *
policy_request_get(const struct policy_request *req, const char *name)
{
	size_t i;

	for (i = req->nattr; i > 0; i--)
		if (strcmp(req->attr[i - 1].name, name) == 0)
			return req->attr[i - 1].value;
	return NULL;
}
