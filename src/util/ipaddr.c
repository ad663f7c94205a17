/*
 * NAME
 *	ipaddr 3
 * SUMMARY
 *	IPv4 and IPv6 addresses, CIDR matching, reverse names
 * SYNOPSIS
 *	#include "ipaddr.h"
 *
 *	int	ipaddr_parse(const char *s, struct ipaddr *ip);
 *	int	ipaddr_parse_n(const char *s, size_t len, struct ipaddr *ip);
 *	int	ipaddr_match(const struct ipaddr *ip, const struct ipaddr *net,
 *			unsigned bits);
 *	int	ipaddr_equal(const struct ipaddr *a, const struct ipaddr *b);
 *	void	ipaddr_format(const struct ipaddr *ip, char out[IPADDR_STRLEN]);
 *	int	ipaddr_reverse_name(const struct ipaddr *ip, struct buf *out);
 *	int	ipaddr_format_spf(const struct ipaddr *ip, struct buf *out);
 *	void	ipaddr_mask(struct ipaddr *ip, unsigned bits);
 *	unsigned ipaddr_bits(const struct ipaddr *ip);
 *	int	ipaddr_parse_hostport(const char *s, unsigned defport,
 *			struct ipaddr *ip, unsigned *port);
 *	int	ipaddr_format_forwarder(const char *s, struct buf *out);
 * DESCRIPTION
 *	ipaddr_parse() accepts a dotted quad or any RFC 4291 text form
 *	(upper or lower case hex).  An IPv4-mapped IPv6 address
 *	(::ffff:a.b.c.d) is returned as IPv4, as RFC 7208 section 5.6 asks.
 *	Leading zeros in dotted quads are refused (they are octal to some).
 *
 *	ipaddr_match() is true when ip lies inside net/bits; families must
 *	agree.  Bits beyond the family's width are clamped by the caller.
 *
 *	ipaddr_reverse_name() appends the in-addr.arpa or ip6.arpa name.
 *	ipaddr_format_spf() appends the %{i} form of RFC 7208 7.3: dotted
 *	quad for IPv4, 32 dot-separated lower-case nibbles for IPv6.
 *
 *	ipaddr_parse_hostport() reads "IP", "IPv4:PORT", "IPv6" or
 *	"[IPv6]:PORT" (the port 1-65535, defport when absent);
 *	ipaddr_format_forwarder() turns such text into libunbound's
 *	"IP@PORT" (port 53 by default), as --dns options take it.
 * DIAGNOSTICS
 *	Parsers return -1 on malformed text; formatters return the buf result.
 */
#include <arpa/inet.h>
#include <string.h>

#include "buf.h"
#include "ipaddr.h"

static const unsigned char ipaddr_v4mapped[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

/* ipaddr_parse_v4 - strict dotted quad */
static int
ipaddr_parse_v4(const char *s, size_t len, unsigned char out[4])
{
	size_t i = 0;
	int part;

	for (part = 0; part < 4; part++) {
		unsigned v = 0, digits = 0;

		if (part > 0) {
			if (i >= len || s[i] != '.')
				return -1;
			i++;
		}
		while (i < len && s[i] >= '0' && s[i] <= '9') {
			if (digits > 0 && v == 0)
				return -1;	/* leading zero */
			v = v * 10 + (unsigned)(s[i] - '0');
			if (v > 255)
				return -1;
			digits++;
			i++;
		}
		if (digits == 0)
			return -1;
		out[part] = (unsigned char)v;
	}
	return i == len ? 0 : -1;
}

/* ipaddr_parse_n - parse len bytes of address text */
int
ipaddr_parse_n(const char *s, size_t len, struct ipaddr *ip)
{
	char tmp[64];

	memset(ip, 0, sizeof(*ip));
	/* a NUL would end the text inet_pton() sees: "::1\0junk" is no
	 * address */
	if (len == 0 || len >= sizeof(tmp) || memchr(s, 0, len) != NULL)
		return -1;
	if (memchr(s, ':', len) == NULL) {
		ip->family = 4;
		return ipaddr_parse_v4(s, len, ip->a);
	}
	memcpy(tmp, s, len);
	tmp[len] = 0;
	if (inet_pton(AF_INET6, tmp, ip->a) != 1)
		return -1;
	ip->family = 6;
	if (memcmp(ip->a, ipaddr_v4mapped, 12) == 0) {
		memmove(ip->a, ip->a + 12, 4);
		memset(ip->a + 4, 0, 12);
		ip->family = 4;
	}
	return 0;
}

/* ipaddr_parse - parse a C string */
int
ipaddr_parse(const char *s, struct ipaddr *ip)
{
	return ipaddr_parse_n(s, strlen(s), ip);
}

/* ipaddr_bits - width of the family */
unsigned
ipaddr_bits(const struct ipaddr *ip)
{
	return ip->family == 4 ? 32 : 128;
}

/* ipaddr_match - ip inside net/bits? */
int
ipaddr_match(const struct ipaddr *ip, const struct ipaddr *net, unsigned bits)
{
	unsigned full, rest;

	if (ip->family != net->family)
		return 0;
	if (bits > ipaddr_bits(ip))
		bits = ipaddr_bits(ip);
	full = bits / 8;
	rest = bits % 8;
	if (memcmp(ip->a, net->a, full) != 0)
		return 0;
	if (rest) {
		unsigned char m = (unsigned char)(0xff << (8 - rest));

		if ((ip->a[full] & m) != (net->a[full] & m))
			return 0;
	}
	return 1;
}

/* ipaddr_equal - same family, same bits */
int
ipaddr_equal(const struct ipaddr *a, const struct ipaddr *b)
{
	return a->family == b->family &&
	    memcmp(a->a, b->a, a->family == 4 ? 4 : 16) == 0;
}

/* ipaddr_mask - clear host bits */
void
ipaddr_mask(struct ipaddr *ip, unsigned bits)
{
	unsigned width = ipaddr_bits(ip), i;

	if (bits > width)
		bits = width;
	for (i = 0; i < width / 8; i++) {
		if (bits >= 8)
			bits -= 8;
		else {
			ip->a[i] &= (unsigned char)(0xff << (8 - bits));
			bits = 0;
		}
	}
}

/* ipaddr_format - canonical text */
void
ipaddr_format(const struct ipaddr *ip, char out[IPADDR_STRLEN])
{
	size_t n = 0;
	int i;

	/* a dotted quad by hand: inet_ntop(3) goes through sprintf(3) */
	if (ip->family == 4) {
		for (i = 0; i < 4; i++) {
			unsigned v = ip->a[i];

			if (i > 0)
				out[n++] = '.';
			if (v >= 100)
				out[n++] = (char)('0' + v / 100);
			if (v >= 10)
				out[n++] = (char)('0' + v / 10 % 10);
			out[n++] = (char)('0' + v % 10);
		}
		out[n] = 0;
		return;
	}
	if (inet_ntop(ip->family == 4 ? AF_INET : AF_INET6, ip->a, out,
	    IPADDR_STRLEN) == NULL)
		memcpy(out, "?", 2);
}

/* ipaddr_format_nibbles - 32 nibbles, dot separated, given order */
static int
ipaddr_format_nibbles(const struct ipaddr *ip, int reverse, struct buf *out)
{
	static const char hex[] = "0123456789abcdef";
	char tmp[64];
	int i, n = 0;

	for (i = 0; i < 32; i++) {
		int k = reverse ? 31 - i : i;
		unsigned v = (ip->a[k / 2] >> (k % 2 ? 0 : 4)) & 0xf;

		if (i)
			tmp[n++] = '.';
		tmp[n++] = hex[v];
	}
	return buf_append(out, tmp, (size_t)n);
}

/* ipaddr_format_quad - dotted quad, in the given byte order */
static int
ipaddr_format_quad(const unsigned char *a, int reverse, struct buf *out)
{
	char tmp[16];
	int i, n = 0;

	for (i = 0; i < 4; i++) {
		unsigned v = a[reverse ? 3 - i : i];

		if (i)
			tmp[n++] = '.';
		if (v >= 100)
			tmp[n++] = (char)('0' + v / 100);
		if (v >= 10)
			tmp[n++] = (char)('0' + v / 10 % 10);
		tmp[n++] = (char)('0' + v % 10);
	}
	return buf_append(out, tmp, (size_t)n);
}

/* ipaddr_reverse_name - PTR owner name */
int
ipaddr_reverse_name(const struct ipaddr *ip, struct buf *out)
{
	if (ip->family == 4) {
		if (ipaddr_format_quad(ip->a, 1, out) < 0)
			return -1;
		return buf_puts(out, ".in-addr.arpa");
	}
	if (ipaddr_format_nibbles(ip, 1, out) < 0)
		return -1;
	return buf_puts(out, ".ip6.arpa");
}

/* ipaddr_format_spf - the %{i} macro value (RFC 7208 7.3) */
int
ipaddr_format_spf(const struct ipaddr *ip, struct buf *out)
{
	if (ip->family == 4)
		return ipaddr_format_quad(ip->a, 0, out);
	return ipaddr_format_nibbles(ip, 0, out);
}

/* ipaddr_parse_hostport - IP, IPv4:PORT, IPv6 or [IPv6]:PORT */
int
ipaddr_parse_hostport(const char *s, unsigned defport, struct ipaddr *ip,
    unsigned *port)
{
	const char *host = s, *p = NULL, *colon, *end;
	unsigned long v = 0;
	size_t hlen;

	if (*s == '[') {
		if ((end = strchr(s, ']')) == NULL)
			return -1;
		host = s + 1;
		hlen = (size_t)(end - host);
		if (end[1] == ':')
			p = end + 2;
		else if (end[1] != 0)
			return -1;
	} else if ((colon = strchr(s, ':')) != NULL &&
	    strchr(colon + 1, ':') == NULL) {
		hlen = (size_t)(colon - s);	/* IPv4:PORT */
		p = colon + 1;
	} else
		hlen = strlen(s);		/* IPv4, or IPv6 alone */
	if (ipaddr_parse_n(host, hlen, ip) < 0)
		return -1;
	*port = defport;
	if (p == NULL)
		return 0;
	if (*p == 0)
		return -1;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > 65535)
			return -1;
	}
	if (v == 0)
		return -1;
	*port = (unsigned)v;
	return 0;
}

/* ipaddr_format_forwarder - HOST:PORT text to libunbound's IP@PORT */
int
ipaddr_format_forwarder(const char *s, struct buf *out)
{
	struct ipaddr ip;
	char text[IPADDR_STRLEN];
	unsigned port;

	if (ipaddr_parse_hostport(s, 53, &ip, &port) < 0)
		return -1;
	ipaddr_format(&ip, text);
	return buf_printf(out, "%s@%u", text, port);
}
