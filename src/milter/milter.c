/*
 * NAME
 *	milter 3
 * SUMMARY
 *	the Milter protocol (version 6, as Postfix speaks it): packets in,
 *	replies and modifications out
 * SYNOPSIS
 *	#include "milter/milter.h"
 *
 *	enum milter_status milter_parse(const char *in, size_t len,
 *			struct milter_packet *p, size_t *used,
 *			const char **why);
 *	int	milter_strings(const struct milter_packet *p, size_t skip,
 *			const char **v, size_t max, size_t *n);
 *	int	milter_get_optneg(const struct milter_packet *p,
 *			struct milter_optneg *o);
 *	int	milter_get_connect(const struct milter_packet *p,
 *			struct milter_connect *c);
 *	int	milter_get_macros(const struct milter_packet *p, int *cmd,
 *			const char **v, size_t max, size_t *n);
 *	size_t	milter_addr(const char *arg, const char **start);
 *	int	milter_authres_ours(const char *value,
 *			const char *authserv_id);
 *
 *	int	milter_put(struct buf *out, int cmd, const void *data,
 *			size_t len);
 *	int	milter_put_optneg(struct buf *out,
 *			const struct milter_optneg *o,
 *			const char *const symlist[MILTER_STAGES]);
 *	int	milter_put_reply(struct buf *out, int code,
 *			const char *enhanced, const char *text);
 *	int	milter_put_header(struct buf *out, int cmd, uint32_t index,
 *			const char *name, const char *value);
 * DESCRIPTION
 *	A packet is a 32-bit length in network byte order, then that many
 *	octets: a command letter and its data.  Strings in the data end in
 *	a NUL; numbers are 32-bit (16-bit for a port) in network order.
 *
 *	milter_parse() looks at the bytes received so far and returns
 *	MILTER_MORE while the first packet is incomplete, MILTER_OK with
 *	the packet (data points into in) and *used (its octets, to drop
 *	before the next), or MILTER_ERR with a static reason: a length of
 *	zero, or data over MILTER_MAX_DATA octets.  What a command means is
 *	the caller's business.
 *
 *	milter_strings() splits the data after its first skip octets into
 *	its NUL-terminated strings (at most max, pointing into the packet);
 *	-1 when the last one is not terminated or there are more than max.
 *	milter_get_optneg() reads a negotiation (version, actions, protocol:
 *	the first twelve octets; more is ignored); milter_get_connect() a
 *	CONNECT (host, family, and for '4', '6' and 'L' a port and an
 *	address); milter_get_macros() a MACRO packet: the command it is for
 *	and its name, value pairs (*n strings, even).  Each returns -1 for
 *	data of the wrong shape.  milter_addr() gives the address inside the
 *	angle brackets of a MAIL or RCPT argument ("" for "<>"), or the
 *	argument as it is when it has none.  milter_authres_ours() says
 *	whether an Authentication-Results value (as the MTA passes it:
 *	folding line breaks kept) names authserv_id: after comments and
 *	white space, the id as a token or a quoted-string, ignoring case
 *	(RFC 8601 section 2.2).
 *
 *	milter_put() appends a packet; milter_put_optneg() our answer to the
 *	negotiation, with the macros we want per stage (a NULL symlist, or
 *	a NULL entry: the MTA's defaults for that stage; SETSYMLIST must
 *	then be among the actions); milter_put_reply() an SMTP reply
 *	("CODE ENHANCED TEXT": code 400 to 599, enhanced optional, no line
 *	break in it, each '%' of the text doubled, as the MTA reads it as a
 *	format); milter_put_header() an INSHEADER or CHGHEADER (with
 *	its index) of a header name and value.  Each returns -1 (and
 *	appends nothing) for input it cannot put, or when out is full.
 * DIAGNOSTICS
 *	Pure: no I/O, no logging.
 * SEE ALSO
 *	Postfix's MILTER_README; the Sendmail Milter API documents and
 *	libmilter's mfdef.h (the command letters and flags).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "milter/milter.h"
#include "util/buf.h"

#define MILTER_LEN	4		/* the length word */
#define MILTER_OPTLEN	(3 * 4)		/* version, actions, protocol */
#define MILTER_MAX_REPLY 1024		/* one SMTP reply we put */

/* milter_get32 - a 32-bit number in network order */
static uint32_t
milter_get32(const char *p)
{
	const unsigned char *u = (const unsigned char *)p;

	return (uint32_t)u[0] << 24 | (uint32_t)u[1] << 16 |
	    (uint32_t)u[2] << 8 | (uint32_t)u[3];
}

/* milter_put32 - append a 32-bit number in network order */
static void
milter_put32(struct buf *b, uint32_t v)
{
	char p[4];

	p[0] = (char)(v >> 24);
	p[1] = (char)(v >> 16);
	p[2] = (char)(v >> 8);
	p[3] = (char)v;
	buf_append(b, p, sizeof(p));
}

/* milter_parse - the first complete packet of in, or MORE or ERR */
enum milter_status
milter_parse(const char *in, size_t len, struct milter_packet *p,
    size_t *used, const char **why)
{
	uint32_t n;

	*used = 0;
	if (len < MILTER_LEN)
		return MILTER_MORE;
	n = milter_get32(in);
	if (n == 0) {
		*why = "a packet of length 0";
		return MILTER_ERR;
	}
	if (n - 1 > MILTER_MAX_DATA) {
		*why = "a packet over 262144 octets";
		return MILTER_ERR;
	}
	if (len - MILTER_LEN < n)
		return MILTER_MORE;
	p->cmd = (unsigned char)in[MILTER_LEN];
	p->data = in + MILTER_LEN + 1;
	p->len = n - 1;
	*used = MILTER_LEN + (size_t)n;
	return MILTER_OK;
}

/* milter_strings - the NUL-terminated strings after skip octets */
int
milter_strings(const struct milter_packet *p, size_t skip, const char **v,
    size_t max, size_t *n)
{
	const char *s, *end = p->data + p->len, *nul;

	*n = 0;
	if (skip > p->len)
		return -1;
	for (s = p->data + skip; s < end; s = nul + 1) {
		if ((nul = memchr(s, 0, (size_t)(end - s))) == NULL ||
		    *n == max)
			return -1;
		v[(*n)++] = s;
	}
	return 0;
}

/* milter_get_optneg - version, actions and protocol of a negotiation */
int
milter_get_optneg(const struct milter_packet *p, struct milter_optneg *o)
{
	if (p->len < MILTER_OPTLEN)
		return -1;
	o->version = milter_get32(p->data);
	o->actions = milter_get32(p->data + 4);
	o->protocol = milter_get32(p->data + 8);
	return 0;
}

/* milter_get_connect - host, family, port and address of a CONNECT */
int
milter_get_connect(const struct milter_packet *p, struct milter_connect *c)
{
	const char *end = p->data + p->len, *s, *nul;
	const unsigned char *u;

	memset(c, 0, sizeof(*c));
	if ((nul = memchr(p->data, 0, p->len)) == NULL || nul + 1 >= end)
		return -1;
	c->host = p->data;
	c->family = (unsigned char)nul[1];
	c->addr = "";
	if (c->family == 'U')	/* no address: whatever follows is ignored */
		return 0;
	if (c->family != '4' && c->family != '6' && c->family != 'L')
		return -1;
	s = nul + 2;
	if (end - s < 3)
		return -1;
	u = (const unsigned char *)s;
	c->port = (unsigned)u[0] << 8 | u[1];
	s += 2;
	if ((nul = memchr(s, 0, (size_t)(end - s))) == NULL ||
	    nul + 1 != end)
		return -1;
	c->addr = s;
	return 0;
}

/* milter_get_macros - the command a MACRO packet is for, and its pairs */
int
milter_get_macros(const struct milter_packet *p, int *cmd, const char **v,
    size_t max, size_t *n)
{
	if (p->len < 1)
		return -1;
	*cmd = (unsigned char)p->data[0];
	if (milter_strings(p, 1, v, max, n) < 0 || *n % 2 != 0)
		return -1;
	return 0;
}

/* milter_addr - the address in "<...>", its length */
size_t
milter_addr(const char *arg, const char **start)
{
	size_t len = strlen(arg);

	if (len >= 2 && arg[0] == '<' && arg[len - 1] == '>') {
		*start = arg + 1;
		return len - 2;
	}
	*start = arg;
	return len;
}

/* milter_cfws - past white space, line breaks and (nested) comments */
static const char *
milter_cfws(const char *s)
{
	int depth;

	for (;;) {
		while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
			s++;
		if (*s != '(')
			return s;
		for (depth = 0; *s != 0; s++) {
			if (*s == '\\' && s[1] != 0)
				s++;
			else if (*s == '(')
				depth++;
			else if (*s == ')' && --depth == 0) {
				s++;
				break;
			}
		}
	}
}

/* milter_lower - an ASCII letter in lower case */
static int
milter_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* milter_authres_ours - does the value name this authserv-id? */
int
milter_authres_ours(const char *value, const char *aid)
{
	const char *s = milter_cfws(value);
	size_t i = 0, alen = strlen(aid);

	if (alen == 0)
		return 0;
	if (*s == '"') {
		for (s++; *s != 0 && *s != '"'; s++, i++) {
			if (*s == '\\' && s[1] != 0)
				s++;
			if (i >= alen || milter_lower((unsigned char)*s) !=
			    milter_lower((unsigned char)aid[i]))
				return 0;
		}
		return *s == '"' && i == alen;
	}
	for (; i < alen; i++)
		if (milter_lower((unsigned char)s[i]) !=
		    milter_lower((unsigned char)aid[i]))
			return 0;
	return s[alen] == 0 || strchr("; \t\r\n(", s[alen]) != NULL;
}

/* milter_put - append one packet */
int
milter_put(struct buf *b, int cmd, const void *data, size_t len)
{
	size_t mark = b->len;
	char c = (char)cmd;

	if (len > MILTER_MAX_DATA)
		return -1;
	milter_put32(b, (uint32_t)len + 1);
	buf_append(b, &c, 1);
	if (len > 0)
		buf_append(b, data, len);
	if (b->overflow) {
		buf_truncate(b, mark);
		return -1;
	}
	return 0;
}

/* milter_put_optneg - our answer to the negotiation */
int
milter_put_optneg(struct buf *b, const struct milter_optneg *o,
    const char *const symlist[MILTER_STAGES])
{
	char store[MILTER_MAX_REPLY];
	struct buf d;
	int i, r;

	buf_init_store(&d, MILTER_MAX_DATA, store, sizeof(store));
	milter_put32(&d, o->version);
	milter_put32(&d, o->actions);
	milter_put32(&d, o->protocol);
	for (i = 0; symlist != NULL && i < MILTER_STAGES; i++) {
		if (symlist[i] == NULL)
			continue;
		milter_put32(&d, (uint32_t)i);
		buf_append(&d, symlist[i], strlen(symlist[i]) + 1);
	}
	r = d.overflow ? -1 : milter_put(b, MILTER_R_OPTNEG, d.data, d.len);
	buf_free(&d);
	return r;
}

/* milter_put_reply - an SMTP reply for the current command */
int
milter_put_reply(struct buf *b, int code, const char *enhanced,
    const char *text)
{
	char store[MILTER_MAX_REPLY];
	struct buf line;
	int r;

	if (code < 400 || code > 599 || text == NULL ||
	    strpbrk(text, "\r\n") != NULL || (enhanced != NULL &&
	    strpbrk(enhanced, "\r\n ") != NULL))
		return -1;
	buf_init_store(&line, MILTER_MAX_REPLY - 1, store, sizeof(store));
	buf_put_uint(&line, (unsigned)code);
	if (enhanced != NULL && *enhanced != 0) {
		buf_putc(&line, ' ');
		buf_puts(&line, enhanced);
	}
	/* the text is a format (sendmail's, which Postfix follows): a '%'
	 * is written twice */
	buf_putc(&line, ' ');
	for (; *text != 0; text++) {
		if (*text == '%')
			buf_putc(&line, '%');
		buf_putc(&line, *text);
	}
	r = line.overflow ? -1 : milter_put(b, MILTER_R_REPLYCODE, line.data,
	    line.len + 1);
	buf_free(&line);
	return r;
}

/* milter_put_header - an INSHEADER or CHGHEADER: index, name, value */
int
milter_put_header(struct buf *b, int cmd, uint32_t index, const char *name,
    const char *value)
{
	char store[MILTER_MAX_REPLY];
	struct buf d;
	int r;

	if ((cmd != MILTER_R_INSHEADER && cmd != MILTER_R_CHGHEADER) ||
	    *name == 0 || strpbrk(name, ": \t\r\n") != NULL ||
	    strpbrk(value, "\r") != NULL)
		return -1;
	buf_init_store(&d, MILTER_MAX_DATA, store, sizeof(store));
	milter_put32(&d, index);
	buf_append(&d, name, strlen(name) + 1);
	buf_append(&d, value, strlen(value) + 1);
	r = d.overflow ? -1 : milter_put(b, cmd, d.data, d.len);
	buf_free(&d);
	return r;
}
