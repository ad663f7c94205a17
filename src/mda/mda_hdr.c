/*
 * NAME
 *	mda_hdr 3
 * SUMMARY
 *	a message's header block on a byte buffer: where it ends, the
 *	envelope sender, the client address and HELO; the pass-through
 *	writer
 * SYNOPSIS
 *	#include "mda/mda.h"
 *
 *	enum mda_end mda_hdr_end(const char *in, size_t len, int eof,
 *			size_t max, size_t *end);
 *	void	mda_hdr_parse(const char *in, size_t len, unsigned hops,
 *			struct mda_msg *m);
 *	int	mda_hdr_line(struct buf *out, const char *text, int crlf);
 *	int	mda_pass_head(const char *in, size_t len,
 *			const struct mda_msg *m, const struct buf *hdrs,
 *			int (*wr)(void *, const char *, size_t), void *arg);
 * DESCRIPTION
 *	No I/O, no allocation: everything works on the bytes given, which
 *	may hold anything (8-bit, NUL, bare CR, no final line end).
 *
 *	mda_hdr_end() finds the end of the header block: the first empty
 *	line (LF or CR LF alone), *end just past it.  At EOF without one the
 *	whole input is the header block.  More than max octets without an
 *	end is MDA_END_TOOBIG; without EOF and below max, MDA_END_MORE.
 *
 *	mda_hdr_parse() reads the header block in[0..len) as procmail hands
 *	it over: an mbox "From " line first, if any (its length in
 *	from_len); crlf when the first line ends in CR LF.  Header fields
 *	are unfolded for reading (a line starting with a space or a tab
 *	continues the field; CR and LF count as white space), names
 *	compared without case; lines that are no field (no colon, or a
 *	continuation with no field before it) are skipped.
 *
 *	The envelope sender is the first Return-Path: field's address
 *	between "<" and ">" ("<>" is the null sender, an empty span), or a
 *	bare address with "@"; a source route "<@a,@b:u@d>" is dropped.
 *	The client is in the first Received: field after the first hops
 *	Received: fields (the trusted hops) whose "from" clause holds an
 *	address literal "[192.0.2.1]", "[IPv6:2001:db8::1]" or
 *	"[2001:db8::1]" (the clause ends at a "by" or ";" outside
 *	parentheses); the HELO name is the word after "from".  Spans point
 *	into in and never hold white space or NUL.  When the sender or the
 *	client is missing, why says which, in a static string.
 *
 *	mda_hdr_line() appends one header line to out: text with any CR,
 *	LF or NUL made a space, then CR LF or LF.
 *
 *	mda_pass_head() writes, through wr, the From_ line, the header
 *	lines of hdrs, then the rest of in: the caller streams what
 *	follows in the same way, so the output is the input with hdrs
 *	inserted after the From_ line.
 * DIAGNOSTICS
 *	mda_hdr_line() returns the buf status; mda_pass_head() -1 when wr
 *	fails, else 0.
 * SEE ALSO
 *	RFC 5322 2.2 (header fields, folding), 3.6.7 (trace fields), RFC
 *	5321 4.4 (Received, Return-Path) and 4.1.3 (address literals),
 *	procmail(1).
 */
#include <string.h>
#include <strings.h>

#include "mda/mda.h"
#include "util/buf.h"
#include "util/ipaddr.h"

#define MDA_FROM_LINE	"From "		/* mbox separator, RFC 4155 */
#define MDA_IPV6_TAG	"IPv6:"		/* RFC 5321 4.1.3 */

/* mda_hdr_wsp - white space inside an unfolded field */
static int
mda_hdr_wsp(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* mda_hdr_eol - offset just past the line starting at pos */
static size_t
mda_hdr_eol(const char *in, size_t len, size_t pos)
{
	const char *nl = memchr(in + pos, '\n', len - pos);

	return nl != NULL ? (size_t)(nl - in) + 1 : len;
}

/* mda_hdr_empty - is the line at pos an empty line?  1 yes, 0 no,
 * -1 cannot tell yet (a lone CR at the end) */
static int
mda_hdr_empty(const char *in, size_t len, size_t pos)
{
	if (in[pos] == '\n')
		return 1;
	if (in[pos] != '\r')
		return 0;
	if (pos + 1 == len)
		return -1;
	return in[pos + 1] == '\n';
}

/* mda_hdr_end - where the header block ends */
enum mda_end
mda_hdr_end(const char *in, size_t len, int eof, size_t max, size_t *end)
{
	size_t pos = 0;
	int e;

	*end = 0;
	while (pos < len) {
		e = mda_hdr_empty(in, len, pos);
		if (e < 0 && !eof)
			break;
		if (e > 0) {
			*end = pos + (in[pos] == '\r' ? 2 : 1);
			return *end <= max ? MDA_END_DONE : MDA_END_TOOBIG;
		}
		pos = mda_hdr_eol(in, len, pos);
		if (pos == len && in[len - 1] != '\n' && !eof)
			break;
	}
	if (eof && len <= max) {
		*end = len;
		return MDA_END_DONE;
	}
	return len >= max ? MDA_END_TOOBIG : MDA_END_MORE;
}

/* mda_hdr_name - does the field name in[s..e) equal name (any case)? */
static int
mda_hdr_name(const char *in, size_t s, size_t e, const char *name)
{
	size_t n = strlen(name);

	return e - s == n && strncasecmp(in + s, name, n) == 0;
}

/* mda_hdr_token - next run of non-white bytes in [*pos, e); 0 none */
static int
mda_hdr_token(const char *in, size_t *pos, size_t e, struct mda_span *t)
{
	size_t p = *pos;

	while (p < e && mda_hdr_wsp((unsigned char)in[p]))
		p++;
	if (p == e)
		return 0;
	t->off = p;
	while (p < e && !mda_hdr_wsp((unsigned char)in[p]))
		p++;
	t->len = p - t->off;
	*pos = p;
	return 1;
}

/* mda_hdr_clean - no NUL and no angle bracket in a span */
static int
mda_hdr_clean(const char *in, const struct mda_span *s)
{
	return memchr(in + s->off, 0, s->len) == NULL &&
	    memchr(in + s->off, '<', s->len) == NULL &&
	    memchr(in + s->off, '>', s->len) == NULL;
}

/* mda_hdr_return_path - the address of a Return-Path: value */
static void
mda_hdr_return_path(const char *in, size_t vs, size_t ve, struct mda_msg *m)
{
	struct mda_span a;
	const char *lt, *gt, *colon;
	size_t p = vs;

	lt = memchr(in + vs, '<', ve - vs);
	if (lt != NULL) {
		a.off = (size_t)(lt - in) + 1;
		gt = memchr(in + a.off, '>', ve - a.off);
		if (gt == NULL)
			return;
		a.len = (size_t)(gt - in) - a.off;
		/* RFC 5321 4.1.2: a source route "@a,@b:" before the
		 * mailbox is obsolete; the mailbox is what counts */
		if (a.len > 0 && in[a.off] == '@' &&
		    (colon = memchr(in + a.off, ':', a.len)) != NULL) {
			a.len -= (size_t)(colon - in) + 1 - a.off;
			a.off = (size_t)(colon - in) + 1;
		}
		for (p = a.off; p < a.off + a.len; p++)
			if (mda_hdr_wsp((unsigned char)in[p]))
				return;
	} else {
		if (!mda_hdr_token(in, &p, ve, &a))
			return;
		if (memchr(in + a.off, '@', a.len) == NULL)
			return;
	}
	if (a.len > MDA_MAX_SENDER || !mda_hdr_clean(in, &a))
		return;
	m->sender = a;
	m->have_sender = 1;
}

/* mda_hdr_clause_end - end of the "from" clause: "by" or ";" outside
 * parentheses */
static size_t
mda_hdr_clause_end(const char *in, size_t vs, size_t ve)
{
	size_t p;
	unsigned depth = 0;

	for (p = vs; p < ve; p++) {
		if (in[p] == '(')
			depth++;
		else if (in[p] == ')' && depth > 0)
			depth--;
		else if (depth == 0 && in[p] == ';')
			return p;
		else if (depth == 0 && (in[p] == 'b' || in[p] == 'B') &&
		    ve - p >= 3 && (in[p + 1] == 'y' || in[p + 1] == 'Y') &&
		    mda_hdr_wsp((unsigned char)in[p + 2]) &&
		    (p == vs || mda_hdr_wsp((unsigned char)in[p - 1])))
			return p;
	}
	return ve;
}

/* mda_hdr_literal - the first address literal in [vs, ve); 1 found */
static int
mda_hdr_literal(const char *in, size_t vs, size_t ve, struct mda_span *ip)
{
	const char *lb, *rb;
	struct ipaddr addr;
	size_t p = vs, n = strlen(MDA_IPV6_TAG);

	while (p < ve && (lb = memchr(in + p, '[', ve - p)) != NULL) {
		ip->off = (size_t)(lb - in) + 1;
		rb = memchr(in + ip->off, ']', ve - ip->off);
		if (rb == NULL)
			return 0;
		ip->len = (size_t)(rb - in) - ip->off;
		p = (size_t)(rb - in) + 1;
		if (ip->len > n && strncasecmp(in + ip->off, MDA_IPV6_TAG,
		    n) == 0) {
			ip->off += n;
			ip->len -= n;
		}
		/* ipaddr_parse_n() stops at a NUL: refuse one here */
		if (ip->len > 0 && ip->len <= MDA_MAX_IPLIT &&
		    memchr(in + ip->off, 0, ip->len) == NULL &&
		    ipaddr_parse_n(in + ip->off, ip->len, &addr) == 0)
			return 1;
	}
	return 0;
}

/* mda_hdr_received - client address and HELO of a Received: value */
static void
mda_hdr_received(const char *in, size_t vs, size_t ve, struct mda_msg *m)
{
	struct mda_span t, helo = {0, 0};
	size_t p = vs, ce;

	ce = mda_hdr_clause_end(in, vs, ve);
	if (!mda_hdr_literal(in, vs, ce, &m->ip))
		return;
	m->have_client = 1;
	if (mda_hdr_token(in, &p, ce, &t) && t.len == 4 &&
	    strncasecmp(in + t.off, "from", 4) == 0 &&
	    mda_hdr_token(in, &p, ce, &t) && in[t.off] != '(' &&
	    t.len <= MDA_MAX_HELO && memchr(in + t.off, 0, t.len) == NULL)
		helo = t;
	m->helo = helo;
}

/* mda_hdr_parse - sender, client and HELO from a header block */
void
mda_hdr_parse(const char *in, size_t len, unsigned hops, struct mda_msg *m)
{
	size_t pos, le, fe, colon, ne;
	const char *c;
	int seen_rp = 0;

	memset(m, 0, sizeof(*m));
	if (len == 0) {
		m->why = "empty message";
		return;
	}
	le = mda_hdr_eol(in, len, 0);
	if (len >= strlen(MDA_FROM_LINE) && memcmp(in, MDA_FROM_LINE,
	    strlen(MDA_FROM_LINE)) == 0) {
		/* procmail and Postfix write the From_ line with LF even
		 * for a CRLF message: its own first line decides */
		m->from_len = le;
		if (le < len)
			le = mda_hdr_eol(in, len, le);
	}
	m->crlf = le >= 2 && in[le - 1] == '\n' && in[le - 2] == '\r';
	pos = m->from_len;
	while (pos < len && mda_hdr_empty(in, len, pos) <= 0) {
		le = mda_hdr_eol(in, len, pos);
		if (in[pos] == ' ' || in[pos] == '\t') {
			pos = le;	/* continuation without a field */
			continue;
		}
		for (fe = le; fe < len && (in[fe] == ' ' || in[fe] == '\t');)
			fe = mda_hdr_eol(in, len, fe);
		c = memchr(in + pos, ':', le - pos);
		if (c == NULL) {
			pos = fe;	/* junk line */
			continue;
		}
		colon = (size_t)(c - in);
		for (ne = colon; ne > pos && (in[ne - 1] == ' ' ||
		    in[ne - 1] == '\t'); ne--)
			;
		if (mda_hdr_name(in, pos, ne, "Return-Path") && !seen_rp) {
			seen_rp = 1;
			mda_hdr_return_path(in, colon + 1, fe, m);
		} else if (mda_hdr_name(in, pos, ne, "Received")) {
			m->received++;
			if (m->received > hops && !m->have_client)
				mda_hdr_received(in, colon + 1, fe, m);
		}
		pos = fe;
	}
	if (!seen_rp)
		m->why = "no Return-Path header";
	else if (!m->have_sender)
		m->why = "no address in Return-Path";
	else if (!m->have_client && m->received <= hops)
		m->why = "no Received header below the trusted hops";
	else if (!m->have_client)
		m->why = "no Received header with a client [address]";
}

/* mda_hdr_line - one header line with the message's line end */
int
mda_hdr_line(struct buf *out, const char *text, int crlf)
{
	size_t i, start = out->len;

	/* a refused text must not leave its line end alone: an empty line
	 * would end the message's header block */
	if (out->overflow || buf_puts(out, text) < 0)
		return -1;
	for (i = start; i < out->len; i++)
		if (out->data[i] == '\r' || out->data[i] == '\n' ||
		    out->data[i] == 0)
			out->data[i] = ' ';
	if (buf_puts(out, crlf ? "\r\n" : "\n") < 0) {
		buf_truncate(out, start);
		return -1;
	}
	return 0;
}

/* mda_pass_head - From_ line, new headers, then the rest of the input */
int
mda_pass_head(const char *in, size_t len, const struct mda_msg *m,
    const struct buf *hdrs, int (*wr)(void *, const char *, size_t),
    void *arg)
{
	size_t from = m->from_len <= len ? m->from_len : len;

	if (from > 0 && wr(arg, in, from) < 0)
		return -1;
	if (hdrs != NULL && hdrs->len > 0 && wr(arg, hdrs->data,
	    hdrs->len) < 0)
		return -1;
	if (len > from && wr(arg, in + from, len - from) < 0)
		return -1;
	return 0;
}
