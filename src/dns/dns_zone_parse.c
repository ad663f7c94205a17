/*
 * NAME
 *	dns_zone_parse 3
 * SUMMARY
 *	zone file text to an in-memory zone
 * SYNOPSIS
 *	#include "dns/dns.h"
 *
 *	struct dns_zone *dns_zone_parse(const char *text, size_t len,
 *			char *err, size_t errlen);
 *	struct dns_zone *dns_zone_load(const char *path, char *err,
 *			size_t errlen);
 * DESCRIPTION
 *	One record per line, NAME TYPE DATA (doc/zone-format.md): A, AAAA,
 *	MX, PTR, CNAME, TXT and SPF records, and the keywords TIMEOUT,
 *	SERVFAIL and EXISTS.  TXT strings and names take the escapes \",
 *	\\, \DDD and \xHH.  Every input limit is a named constant in dns.h,
 *	checked here once: line length, string and record length, records,
 *	names, file size.  The zone returned is the caller's, to be freed
 *	with dns_zone_free().
 * DIAGNOSTICS
 *	NULL with "line N: reason" in err (dns_zone_load(): "PATH: line N:
 *	reason", or "PATH: why" when the file cannot be read); one bad line
 *	fails the whole load.  err is cut to errlen and always terminated.
 * SEE ALSO
 *	doc/zone-format.md; RFC 1035 2.3.4 (name limits), 3.3
 *	(character-strings), 5.1 (escapes); RFC 1034 3.6.2 (CNAME).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dns/dns.h"
#include "dns/dns_zone_int.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/domain.h"
#include "util/msg.h"
#include "util/xmalloc.h"

#define DNS_ZONE_ERR_MAX	512	/* longest error text we build */
#define DNS_ZONE_READ_CHUNK	65536	/* read() size while loading */

struct dns_zone_type {
	const char     *name;
	unsigned	type;		/* RR type, or 0 for a keyword */
	unsigned	flag;		/* keyword: DNS_ZN_* */
};

static const struct dns_zone_type dns_zone_types[] = {
	{"A", SPF_RR_A, 0},
	{"AAAA", SPF_RR_AAAA, 0},
	{"MX", SPF_RR_MX, 0},
	{"PTR", SPF_RR_PTR, 0},
	{"CNAME", DNS_RR_CNAME, 0},
	{"TXT", SPF_RR_TXT, 0},
	{"SPF", DNS_RR_SPF, 0},
	{"TIMEOUT", 0, DNS_ZN_TIMEOUT},
	{"SERVFAIL", 0, DNS_ZN_SERVFAIL},
	{"EXISTS", 0, DNS_ZN_EXISTS},
};

/* State of one parse. */
struct dns_zone_parser {
	struct dns_zone *zone;
	unsigned	line;
	const char     *p;		/* cursor in the current line */
	const char     *end;		/* end of the current line */
	const char     *why;		/* error reason, static text */
	struct buf	why_buf;	/* or built text */
	struct buf	joined;		/* TXT: strings joined */
	struct buf	wire;		/* TXT: length-prefixed strings */
};

/* dns_zone_fail - set the reason of a parse error, formatted */
static int __attribute__((format(printf, 2, 3)))
dns_zone_fail(struct dns_zone_parser *zp, const char *fmt, ...)
{
	va_list ap;

	buf_reset(&zp->why_buf);
	va_start(ap, fmt);
	(void)buf_vprintf(&zp->why_buf, fmt, ap);
	va_end(ap);
	zp->why = zp->why_buf.data ? zp->why_buf.data : "error";
	return -1;
}

/* dns_zone_is_space - blank inside a line */
static int
dns_zone_is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* dns_zone_skip - skip blanks; 1 when the rest of the line is empty */
static int
dns_zone_skip(struct dns_zone_parser *zp)
{
	while (zp->p < zp->end && dns_zone_is_space(*zp->p))
		zp->p++;
	return zp->p == zp->end || *zp->p == '#' || *zp->p == ';';
}

/* dns_zone_token - next blank-delimited word; 0 length at end of data */
static size_t
dns_zone_token(struct dns_zone_parser *zp, const char **tok)
{
	const char *start;

	if (dns_zone_skip(zp)) {
		*tok = zp->p;
		return 0;
	}
	start = zp->p;
	while (zp->p < zp->end && !dns_zone_is_space(*zp->p) &&
	    *zp->p != '#' && *zp->p != ';')
		zp->p++;
	*tok = start;
	return (size_t)(zp->p - start);
}

/* dns_zone_hexval - value of a hex digit or -1 */
static int
dns_zone_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * dns_zone_unescape - the escape after a backslash at *pp: \\, \",
 * \DDD (decimal, RFC 1035 5.1), \xHH.  Advances *pp; -1 when bad.
 */
static int
dns_zone_unescape(const char **pp, const char *end)
{
	const char *p = *pp;
	int c, hi, lo;

	if (p == end)
		return -1;
	c = (unsigned char)*p;
	if (c == '"' || c == '\\') {
		*pp = p + 1;
		return c;
	}
	if (c >= '0' && c <= '9') {
		if (end - p < 3 || p[1] < '0' || p[1] > '9' || p[2] < '0' ||
		    p[2] > '9')
			return -1;
		c = (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
		if (c > 255)
			return -1;
		*pp = p + 3;
		return c;
	}
	if (c == 'x' || c == 'X') {
		if (end - p < 3 || (hi = dns_zone_hexval(p[1])) < 0 ||
		    (lo = dns_zone_hexval(p[2])) < 0)
			return -1;
		*pp = p + 3;
		return hi * 16 + lo;
	}
	return -1;
}

/*
 * dns_zone_name - a name as written, unescaped into out (at least
 * DOMAIN_MAX_LEN + 1 octets), one trailing dot dropped.  Labels of 1-63
 * octets, at most 253 in all (RFC 1035 2.3.4).  A blank, control
 * character, DEL or quote must be written as an escape; an escaped dot
 * or NUL cannot be carried.  The root (".") only where allowed, as
 * length 0.
 */
static int
dns_zone_name(struct dns_zone_parser *zp, const char *s, size_t len,
    int root_ok, char *out, size_t *outlen)
{
	const char *p = s, *end = s + len;
	size_t n = 0, label = 0;
	int c;

	if (len == 0) {
		zp->why = "missing name";
		return -1;
	}
	if (len == 1 && s[0] == '.') {
		if (!root_ok) {
			zp->why = "the root is not a valid owner name";
			return -1;
		}
		out[0] = 0;
		*outlen = 0;
		return 0;
	}
	while (p < end) {
		c = (unsigned char)*p++;
		if (c == '.') {
			if (label == 0) {
				zp->why = "empty label in name";
				return -1;
			}
			if (p == end)
				break;		/* the trailing dot */
			label = 0;
		} else {
			if (c == '\\') {
				if ((c = dns_zone_unescape(&p, end)) < 0) {
					zp->why = "bad escape in name";
					return -1;
				}
				if (c == '.' || c == 0) {
					zp->why = "escaped dot or NUL in name";
					return -1;
				}
			} else if (c <= ' ' || c == 0x7f || c == '"') {
				zp->why = "bad character in name (escape it)";
				return -1;
			}
			if (++label > DOMAIN_MAX_LABEL)
				return dns_zone_fail(zp,
				    "label longer than %d octets",
				    DOMAIN_MAX_LABEL);
		}
		if (n == DOMAIN_MAX_LEN)
			return dns_zone_fail(zp, "name longer than %d octets",
			    DOMAIN_MAX_LEN);
		out[n++] = (char)c;
	}
	if (label == 0) {
		zp->why = "empty label in name";
		return -1;
	}
	out[n] = 0;
	*outlen = n;
	return 0;
}

/*
 * dns_zone_strings - one or more quoted character-strings into
 * zp->joined (concatenated, RFC 7208 3.3) and zp->wire (each with its
 * length octet, as on the wire).
 */
static int
dns_zone_strings(struct dns_zone_parser *zp)
{
	size_t nstr = 0;

	buf_reset(&zp->joined);
	buf_reset(&zp->wire);
	while (!dns_zone_skip(zp)) {
		size_t lenpos = zp->wire.len, slen = 0;

		if (*zp->p != '"') {
			zp->why = "TXT data must be double-quoted strings";
			return -1;
		}
		zp->p++;
		if (buf_putc(&zp->wire, 0) < 0)
			goto too_long;
		for (;;) {
			int c;

			if (zp->p == zp->end) {
				zp->why = "unterminated quoted string";
				return -1;
			}
			c = (unsigned char)*zp->p++;
			if (c == '"')
				break;
			if (c == '\\' &&
			    (c = dns_zone_unescape(&zp->p, zp->end)) < 0) {
				if (zp->p == zp->end) {
					zp->why = "unterminated quoted string";
					return -1;
				}
				zp->why = "bad escape in string";
				return -1;
			}
			if (slen == DNS_ZONE_MAX_STRING)
				return dns_zone_fail(zp, "string longer than "
				    "%d octets (split it into several)",
				    DNS_ZONE_MAX_STRING);
			if (buf_putc(&zp->wire, c) < 0 ||
			    buf_putc(&zp->joined, c) < 0)
				goto too_long;
			slen++;
		}
		zp->wire.data[lenpos] = (char)slen;
		nstr++;
	}
	if (nstr == 0) {
		zp->why = "missing data";
		return -1;
	}
	return 0;

too_long:
	return dns_zone_fail(zp, "record data longer than %d octets",
	    DNS_ZONE_MAX_RDATA);
}

/* dns_zone_addr - A or AAAA data */
static int
dns_zone_addr(struct dns_zone_parser *zp, unsigned type, struct ipaddr *ip)
{
	char tmp[IPADDR_STRLEN];
	const char *tok;
	size_t len = dns_zone_token(zp, &tok);
	int af = type == SPF_RR_A ? AF_INET : AF_INET6;

	if (len == 0) {
		zp->why = "missing data";
		return -1;
	}
	memset(ip, 0, sizeof(*ip));
	if (len >= sizeof(tmp))
		goto bad;
	memcpy(tmp, tok, len);
	tmp[len] = 0;
	if (inet_pton(af, tmp, ip->a) != 1)
		goto bad;
	ip->family = type == SPF_RR_A ? 4 : 6;
	return 0;

bad:
	zp->why = type == SPF_RR_A ? "bad IPv4 address" : "bad IPv6 address";
	return -1;
}

/* dns_zone_pref - MX preference, 0-65535 */
static int
dns_zone_pref(struct dns_zone_parser *zp, unsigned *pref)
{
	const char *tok;
	size_t len = dns_zone_token(zp, &tok), i;
	unsigned v = 0;

	if (len == 0) {
		zp->why = "missing data";
		return -1;
	}
	for (i = 0; i < len; i++) {
		if (tok[i] < '0' || tok[i] > '9' || i >= 5)
			goto bad;
		v = v * 10 + (unsigned)(tok[i] - '0');
	}
	if (v > 65535)
		goto bad;
	*pref = v;
	return 0;

bad:
	zp->why = "bad MX preference";
	return -1;
}

/*
 * dns_zone_target - a name in record data (CNAME, MX, PTR).  The record
 * keeps it raw, as dnsd sends it; the engine is given it as dns_wire
 * gives a name from a packet (dns_wire_name()), so that both drivers
 * answer alike also for names with odd octets.
 */
static int
dns_zone_target(struct dns_zone_parser *zp, struct dns_zone_rec *rec)
{
	unsigned char wire[DOMAIN_MAX_LEN + 2];
	char name[DOMAIN_MAX_LEN + 1];
	const char *tok;
	size_t len = dns_zone_token(zp, &tok), n, i, w = 0, start = 0;

	if (len == 0) {
		zp->why = "missing data";
		return -1;
	}
	if (dns_zone_name(zp, tok, len, 1, name, &n) < 0)
		return -1;
	rec->rr.data = arena_memdup(zp->zone->arena, name, n);
	rec->rr.len = n;
	rec->text = rec->rr.data;
	rec->tlen = n;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
			break;
	}
	if (i == n)
		return 0;			/* plain: the same text */
	for (i = 0; i <= n; i++) {
		if (i < n && name[i] != '.')
			continue;
		wire[w++] = (unsigned char)(i - start);
		memcpy(wire + w, name + start, i - start);
		w += i - start;
		start = i + 1;
	}
	wire[w++] = 0;
	rec->text = dns_wire_name(wire, w, zp->zone->arena, &rec->tlen);
	if (rec->text == NULL)
		msg_panic("dns_zone_target: name does not encode");
	return 0;
}

/* dns_zone_rec_add - append a parsed record */
static int
dns_zone_rec_add(struct dns_zone_parser *zp, size_t node,
    const struct dns_zone_rec *rec)
{
	struct dns_zone *zone = zp->zone;

	if (zone->nrecs >= DNS_ZONE_MAX_RECORDS)
		return dns_zone_fail(zp, "more than %d records",
		    DNS_ZONE_MAX_RECORDS);
	if (zone->nrecs == zone->caprecs) {
		zone->caprecs = zone->caprecs ? zone->caprecs * 2 : 64;
		zone->recs = xrealloc(zone->recs,
		    zone->caprecs * sizeof(*zone->recs));
	}
	zone->recs[zone->nrecs] = *rec;
	zone->recs[zone->nrecs].node = node;
	zone->recs[zone->nrecs].seq = zone->nrecs;
	zone->nrecs++;
	return 0;
}

/* dns_zone_type_get - the type or keyword token, NULL when unknown */
static const struct dns_zone_type *
dns_zone_type_get(struct dns_zone_parser *zp)
{
	const char *tok;
	size_t len, i;

	if ((len = dns_zone_token(zp, &tok)) == 0) {
		zp->why = "missing type";
		return NULL;
	}
	for (i = 0; i < sizeof(dns_zone_types) / sizeof(*dns_zone_types);
	    i++)
		if (strlen(dns_zone_types[i].name) == len &&
		    dns_zone_caseeq(dns_zone_types[i].name, tok, len))
			return &dns_zone_types[i];
	dns_zone_fail(zp, "unknown type \"%.*s\"",
	    (int)(len > 32 ? 32 : len), tok);
	return NULL;
}

/* dns_zone_data - the record data of one type, up to the end of line */
static int
dns_zone_data(struct dns_zone_parser *zp, const struct dns_zone_type *zt,
    struct dns_zone_rec *rec)
{
	struct dns_zone *zone = zp->zone;

	switch (zt->type) {
	case 0:
		break;
	case SPF_RR_A:
	case SPF_RR_AAAA:
		if (dns_zone_addr(zp, zt->type, &rec->rr.addr) < 0)
			return -1;
		break;
	case SPF_RR_MX:
		if (dns_zone_pref(zp, &rec->rr.pref) < 0)
			return -1;
		/* FALLTHROUGH */
	case SPF_RR_PTR:
	case DNS_RR_CNAME:
		if (dns_zone_target(zp, rec) < 0)
			return -1;
		break;
	case SPF_RR_TXT:
	case DNS_RR_SPF:
		if (dns_zone_strings(zp) < 0)
			return -1;
		rec->rr.data = arena_memdup(zone->arena, zp->joined.data ?
		    zp->joined.data : "", zp->joined.len);
		rec->rr.len = zp->joined.len;
		rec->rr.wire = (const unsigned char *)arena_memdup(zone->arena,
		    zp->wire.data, zp->wire.len);
		rec->rr.wlen = zp->wire.len;
		break;
	default:
		msg_panic("dns_zone_data: type %u", zt->type);
	}
	if (!dns_zone_skip(zp)) {
		zp->why = zt->type == 0 ? "keyword takes no data" :
		    "unexpected text after the data";
		return -1;
	}
	return 0;
}

/*
 * dns_zone_place - mark the name with the keyword or record, and keep
 * the record: a name with a CNAME has nothing else (RFC 1034 3.6.2)
 */
static int
dns_zone_place(struct dns_zone_parser *zp, const struct dns_zone_type *zt,
    const char *name, size_t nlen, const struct dns_zone_rec *rec)
{
	struct dns_zone *zone = zp->zone;
	struct dns_zone_node *node;
	unsigned flag;
	long idx;

	if ((idx = dns_zone_node_get(zone, name, nlen)) < 0)
		return dns_zone_fail(zp, "more than %d names",
		    DNS_ZONE_MAX_NAMES);
	node = &zone->nodes[idx];
	flag = zt->type == DNS_RR_CNAME ? DNS_ZN_CNAME : DNS_ZN_DATA;
	if ((node->flags & DNS_ZN_CNAME) ||
	    (flag == DNS_ZN_CNAME && (node->flags & DNS_ZN_DATA))) {
		zp->why = "CNAME and other data at one name (RFC 1034 3.6.2)";
		return -1;
	}
	node->flags |= flag | zt->flag;
	if (zt->type == 0)
		return 0;
	return dns_zone_rec_add(zp, (size_t)idx, rec);
}

/* dns_zone_line - parse one line (without its newline) */
static int
dns_zone_line(struct dns_zone_parser *zp)
{
	const struct dns_zone_type *zt;
	struct dns_zone_rec rec;
	char lname[DOMAIN_MAX_LEN + 1];
	const char *tok;
	size_t len, nlen, i;

	if ((len = dns_zone_token(zp, &tok)) == 0)
		return 0;			/* blank or comment */
	if (dns_zone_name(zp, tok, len, 0, lname, &nlen) < 0)
		return -1;
	for (i = 0; i < nlen; i++)
		lname[i] = (char)dns_zone_lower((unsigned char)lname[i]);
	if ((zt = dns_zone_type_get(zp)) == NULL)
		return -1;
	memset(&rec, 0, sizeof(rec));
	rec.rr.type = zt->type;
	rec.rr.line = zp->line;
	if (dns_zone_data(zp, zt, &rec) < 0)
		return -1;
	return dns_zone_place(zp, zt, lname, nlen, &rec);
}

/* dns_zone_copy_err - "line N: why" into the caller's buffer */
static void
dns_zone_copy_err(char *err, size_t errlen, const char *text)
{
	size_t n;

	if (err == NULL || errlen == 0)
		return;
	n = strlen(text);
	if (n > errlen - 1)
		n = errlen - 1;
	memcpy(err, text, n);
	err[n] = 0;
}

/* dns_zone_parse - parse zone text */
struct dns_zone *
dns_zone_parse(const char *text, size_t len, char *err, size_t errlen)
{
	struct dns_zone_parser zp;
	struct dns_zone *zone = dns_zone_new();
	const char *p = text, *end = text + len, *nl;
	struct buf msg;
	int ok = 0;

	memset(&zp, 0, sizeof(zp));
	zp.zone = zone;
	buf_init(&zp.why_buf, DNS_ZONE_ERR_MAX);
	buf_init(&zp.joined, DNS_ZONE_MAX_RDATA);
	buf_init(&zp.wire, DNS_ZONE_MAX_RDATA);
	buf_init(&msg, DNS_ZONE_ERR_MAX);
	if (err && errlen)
		err[0] = 0;
	while (p < end) {
		zp.line++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		zp.p = p;
		zp.end = nl;
		zp.why = NULL;
		if ((size_t)(nl - p) > DNS_ZONE_MAX_LINE)
			dns_zone_fail(&zp, "line longer than %d octets",
			    DNS_ZONE_MAX_LINE);
		else if (memchr(p, 0, (size_t)(nl - p)) != NULL)
			zp.why = "NUL byte in line (write \\000)";
		else
			(void)dns_zone_line(&zp);
		if (zp.why != NULL) {
			(void)buf_printf(&msg, "line %u: %s", zp.line, zp.why);
			dns_zone_copy_err(err, errlen, msg.data);
			goto out;
		}
		p = nl < end ? nl + 1 : end;
	}
	dns_zone_finish(zone);
	ok = 1;

out:
	buf_free(&zp.why_buf);
	buf_free(&zp.joined);
	buf_free(&zp.wire);
	buf_free(&msg);
	if (!ok) {
		dns_zone_free(zone);
		return NULL;
	}
	return zone;
}

/* dns_zone_load - read and parse a zone file */
struct dns_zone *
dns_zone_load(const char *path, char *err, size_t errlen)
{
	struct dns_zone *zone = NULL;
	struct buf text, msg;
	char chunk[DNS_ZONE_READ_CHUNK];
	ssize_t n;
	int fd;

	buf_init(&text, DNS_ZONE_MAX_FILE);
	buf_init(&msg, DNS_ZONE_ERR_MAX);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		(void)buf_printf(&msg, "%s: %s", path, strerror(errno));
		goto out;
	}
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			(void)buf_printf(&msg, "%s: %s", path,
			    strerror(errno));
			goto out;
		}
		if (buf_append(&text, chunk, (size_t)n) < 0) {
			(void)buf_printf(&msg, "%s: larger than %d octets",
			    path, DNS_ZONE_MAX_FILE);
			goto out;
		}
	}
	zone = dns_zone_parse(text.data ? text.data : "", text.len, err,
	    errlen);
	if (zone == NULL && err && errlen) {
		(void)buf_printf(&msg, "%s: %s", path, err);
		dns_zone_copy_err(err, errlen, msg.data);
	}
	buf_reset(&msg);

out:
	if (fd >= 0)
		(void)close(fd);
	if (msg.len)
		dns_zone_copy_err(err, errlen, msg.data);
	buf_free(&text);
	buf_free(&msg);
	return zone;
}
