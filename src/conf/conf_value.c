/*
 * NAME
 *	conf_value 3
 * SUMMARY
 *	rmxf.conf value types: text to field, field to text
 * SYNOPSIS
 *	#include "conf/conf_int.h"
 *
 *	int	conf_value_parse(const struct conf_opt *opt, const char *text,
 *			struct conf *c, struct buf *why);
 *	int	conf_value_print(const struct conf_opt *opt,
 *			const struct conf *c, struct buf *out);
 *	int	conf_value_equal(const struct conf_opt *opt,
 *			const struct conf *a, const struct conf *b);
 *	void	conf_value_free(const struct conf_opt *opt, struct conf *c);
 *
 *	#include "conf/conf.h"
 *
 *	int	conf_nets_has(const struct conf_nets *nets,
 *			const struct ipaddr *ip);
 * DESCRIPTION
 *	conf_value_parse() reads one parameter's text (joined and
 *	expanded, without leading or trailing white space) into its field
 *	of c, which must be zero.  The types (conf_int.h):
 *
 *	bool: yes/no, true/false, 1/0, on/off, in any case.
 *	unsigned: decimal digits, inside the row's min..max.
 *	time: decimal digits with the unit s or ms (no unit: seconds),
 *	    inside min..max milliseconds.
 *	string: anything; CONF_F_WORD refuses white space, CONF_F_TOKEN
 *	    also ; ( ) " \ and non-ASCII (an RFC 8601 authserv-id).
 *	enum: one of the row's names, in any case.
 *	enhanced status code: C.S.D as RFC 3463 2 has it, C the row's
 *	    class, S and D of one to three digits.
 *	Lists are items separated by white space or commas:
 *	networks: ADDR, ADDR/BITS, [ADDR] or [ADDR]/BITS, no host bits set;
 *	addresses: ADDR or [ADDR];
 *	words: any items (CONF_F_DOMAIN: each a domain name of letters,
 *	    digits, "-", "_" and ".");
 *	listen: unix:PATH or inet:HOST:PORT, HOST an address, [IPv6] or a
 *	    host name;
 *	forwarders: IP or IP@PORT.
 *
 *	conf_value_print() appends the canonical text of a field, which
 *	conf_value_parse() reads back to an equal field; a "$" comes out
 *	as "$$", so that the expansion of conf_parse() gives it back (a
 *	template's as written: it is raw).  The
 *	items of a list are separated by newlines, for conf_print() to
 *	join or fold.
 *	conf_value_equal() compares two fields; conf_value_free() releases
 *	what a field owns and zeroes it.  conf_nets_has() says whether an
 *	address is inside one of a network list's networks.
 * DIAGNOSTICS
 *	conf_value_parse() returns -1 and appends why to its last argument
 *	(one line, no newline, no "file:line:" prefix; the value quoted
 *	and cut at CONF_VALUE_QUOTE octets).  The printers return the
 *	buf status.
 * SEE ALSO
 *	rmxf.conf(5), RFC 3463 section 2, RFC 8601 section 2.5.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf/conf_int.h"
#include "util/buf.h"
#include "util/domain.h"
#include "util/xmalloc.h"

#define CONF_VALUE_QUOTE 60		/* octets of a bad value in a message */
#define CONF_DNS_PORT	53
#define CONF_MAX_PORT	65535
#define CONF_DSN_DIGITS	3		/* RFC 3463 2: 1*3digit */

#define CONF_FIELD(c, opt, type) ((type *)(void *)((char *)(c) + (opt)->off))
#define CONF_CFIELD(c, opt, type) \
	((const type *)(const void *)((const char *)(c) + (opt)->off))

/* conf_quote - a value in a message, quoted and cut */
static void
conf_quote(struct buf *why, const char *s, size_t len)
{
	buf_putc(why, '"');
	if (len > CONF_VALUE_QUOTE) {
		buf_append(why, s, CONF_VALUE_QUOTE);
		buf_puts(why, "...");
	} else
		buf_append(why, s, len);
	buf_putc(why, '"');
}

/* conf_bad - "\"VALUE\" TEXT" into why; returns -1 */
static int
conf_bad(struct buf *why, const char *s, size_t len, const char *text)
{
	conf_quote(why, s, len);
	buf_putc(why, ' ');
	buf_puts(why, text);
	return -1;
}

/* conf_digits - decimal digits only, at most max; -1 otherwise */
static int
conf_digits(const char *s, size_t len, unsigned long max, unsigned long *out)
{
	unsigned long v = 0, d;
	size_t i;

	if (len == 0)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		d = (unsigned long)(s[i] - '0');
		if (v > (max - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

/* conf_put_text - append text with "$" written as "$$" */
static int
conf_put_text(struct buf *out, const char *s)
{
	const char *d;

	while ((d = strchr(s, '$')) != NULL) {
		buf_append(out, s, (size_t)(d - s) + 1);
		buf_putc(out, '$');
		s = d + 1;
	}
	return buf_puts(out, s) < 0 || out->overflow ? -1 : 0;
}

/* conf_put_time - milliseconds as Ns or Nms */
static int
conf_put_time(struct buf *out, unsigned long ms)
{
	if (ms % 1000 == 0)
		return buf_printf(out, "%lus", ms / 1000);
	return buf_printf(out, "%lums", ms);
}

/* conf_next_item - the next list item, or NULL at the end */
static const char *
conf_next_item(const char **p, size_t *len)
{
	const char *s = *p, *start;

	while (*s != 0 && (isspace((unsigned char)*s) || *s == ','))
		s++;
	if (*s == 0) {
		*p = s;
		return NULL;
	}
	start = s;
	while (*s != 0 && !isspace((unsigned char)*s) && *s != ',')
		s++;
	*len = (size_t)(s - start);
	*p = s;
	return start;
}

/* conf_count_items - how many list items */
static size_t
conf_count_items(const char *text)
{
	size_t n = 0, len;

	while (conf_next_item(&text, &len) != NULL)
		n++;
	return n;
}

/* conf_parse_names - one of names, any case */
static int
conf_parse_names(const struct conf_opt *opt, const char *s, int *out,
    struct buf *why)
{
	size_t i, len = strlen(s);

	for (i = 0; opt->names[i].name != NULL; i++)
		if (strlen(opt->names[i].name) == len &&
		    strncasecmp(opt->names[i].name, s, len) == 0) {
			*out = opt->names[i].value;
			return 0;
		}
	if (opt->type == CONF_T_BOOL)
		return conf_bad(why, s, len, "is not a boolean (yes/no, "
		    "true/false, 1/0, on/off)");
	conf_quote(why, s, len);
	buf_puts(why, " is not one of");
	for (i = 0; opt->names[i].name != NULL; i++)
		buf_printf(why, "%s %s", i ? "," : "", opt->names[i].name);
	return -1;
}

/* conf_parse_uint - digits in min..max */
static int
conf_parse_uint(const struct conf_opt *opt, const char *s, unsigned *out,
    struct buf *why)
{
	unsigned long v;
	size_t len = strlen(s);

	if (conf_digits(s, len, UINT32_MAX, &v) < 0) {
		if (len > 0 && strspn(s, "0123456789") == len)
			v = UINT32_MAX;		/* too big: out of range */
		else
			return conf_bad(why, s, len, "is not a whole number");
	}
	if (v < opt->min || v > opt->max) {
		conf_quote(why, s, len);
		buf_printf(why, " is out of range (%lu to %lu)", opt->min,
		    opt->max);
		return -1;
	}
	*out = (unsigned)v;
	return 0;
}

/* conf_parse_time - N, Ns or Nms in min..max ms */
static int
conf_parse_time(const struct conf_opt *opt, const char *s, unsigned *out,
    struct buf *why)
{
	size_t len = strlen(s), ndig = strspn(s, "0123456789");
	unsigned long v, scale;

	if (ndig == len || (len - ndig == 1 && tolower((unsigned char)
	    s[ndig]) == 's'))
		scale = 1000;
	else if (len - ndig == 2 && strncasecmp(s + ndig, "ms", 2) == 0)
		scale = 1;
	else
		return conf_bad(why, s, len, "is not a time (a number with "
		    "the unit s or ms, e.g. 20s)");
	if (conf_digits(s, ndig, UINT32_MAX / scale, &v) < 0) {
		if (ndig == 0)
			return conf_bad(why, s, len, "is not a time (a "
			    "number with the unit s or ms, e.g. 20s)");
		v = UINT32_MAX / scale + 1;	/* too big: out of range */
	}
	v *= scale;
	if (v < opt->min || v > opt->max) {
		conf_quote(why, s, len);
		buf_puts(why, " is out of range (");
		conf_put_time(why, opt->min);
		buf_puts(why, " to ");
		conf_put_time(why, opt->max);
		buf_putc(why, ')');
		return -1;
	}
	*out = (unsigned)v;
	return 0;
}

/* conf_parse_str - a string, checked against the row's flags */
static int
conf_parse_str(const struct conf_opt *opt, const char *s, char **out,
    struct buf *why)
{
	size_t i, len = strlen(s);
	unsigned char c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if ((opt->flags & (CONF_F_WORD | CONF_F_TOKEN)) &&
		    isspace(c))
			return conf_bad(why, s, len, "contains white space");
		if ((opt->flags & CONF_F_TOKEN) && (c >= 0x7f ||
		    strchr(";()\"\\", c) != NULL))
			return conf_bad(why, s, len, "is not a plain token "
			    "(ASCII, without ; ( ) \" \\)");
	}
	if ((opt->flags & CONF_F_TEMPLATE) && conf_template_check(s, len,
	    why) < 0)
		return -1;
	if ((opt->flags & CONF_F_DATE) && len > 0 && conf_date_days(s,
	    NULL) < 0)
		return conf_bad(why, s, len, "is not a date YYYY-MM-DD "
		    "(1970 to 9999)");
	*out = xmemdup(s, len);
	return 0;
}

/*
 * conf_date_days - days since 1970-01-01 of YYYY-MM-DD (proleptic
 * Gregorian, UTC); -1 if s is not such a date.  days may be NULL.
 */
long
conf_date_days(const char *s, long *days)
{
	static const unsigned char mdays[12] = {
		31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	long y, m, d, era, yoe, doy, doe, n;
	int i;

	for (i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : !isdigit((unsigned char)s[i]))
			return -1;
	if (s[10] != '\0')
		return -1;
	y = strtol(s, NULL, 10);
	m = strtol(s + 5, NULL, 10);
	d = strtol(s + 8, NULL, 10);
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return -1;
	if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 ||
	    y % 400 == 0)))
		return -1;
	/* days from civil: years start in March, eras of 400 years */
	y -= m <= 2;
	era = y / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	n = era * 146097 + doe - 719468;
	if (days != NULL)
		*days = n;
	return n;
}

/* conf_dsn_part - 1 to 3 digits; returns the octets used, 0 if none */
static size_t
conf_dsn_part(const char *s)
{
	size_t n = 0;

	while (n <= CONF_DSN_DIGITS && s[n] >= '0' && s[n] <= '9')
		n++;
	return n > CONF_DSN_DIGITS ? 0 : n;
}

/* conf_parse_dsn - RFC 3463 class.subject.detail of the row's class */
static int
conf_parse_dsn(const struct conf_opt *opt, const char *s, char **out,
    struct buf *why)
{
	size_t len = strlen(s), n, i = 0;

	if (len >= 2 && s[0] == (char)('0' + opt->min) && s[1] == '.') {
		i = 2;
		if ((n = conf_dsn_part(s + i)) > 0 && s[i + n] == '.') {
			i += n + 1;
			if ((n = conf_dsn_part(s + i)) > 0 && i + n == len) {
				*out = xmemdup(s, len);
				return 0;
			}
		}
	}
	conf_quote(why, s, len);
	buf_printf(why, " is not an enhanced status code of class %lu "
	    "(%lu.X.Y, e.g. %s)", opt->min, opt->min, opt->def);
	return -1;
}

/* conf_parse_addr - ADDR or [ADDR] */
static int
conf_parse_addr(const char *s, size_t len, struct ipaddr *ip)
{
	if (len >= 2 && s[0] == '[' && s[len - 1] == ']') {
		s++;
		len -= 2;
	}
	return ipaddr_parse_n(s, len, ip);
}

/* conf_parse_net - one ADDR[/BITS] or [ADDR][/BITS] */
static int
conf_parse_net(const char *s, size_t len, struct conf_net *net,
    struct buf *why)
{
	const char *slash = memchr(s, '/', len);
	size_t alen = slash != NULL ? (size_t)(slash - s) : len;
	unsigned long bits;
	struct ipaddr masked;
	char text[IPADDR_STRLEN];

	if (conf_parse_addr(s, alen, &net->addr) < 0)
		return conf_bad(why, s, len, "is not an IPv4 or IPv6 "
		    "address or network");
	net->bits = ipaddr_bits(&net->addr);
	if (slash != NULL) {
		if (conf_digits(slash + 1, len - alen - 1, 128, &bits) < 0 ||
		    bits > net->bits) {
			conf_quote(why, s, len);
			buf_printf(why, " has a bad prefix length (0 to %u)",
			    net->bits);
			return -1;
		}
		net->bits = (unsigned)bits;
	}
	masked = net->addr;
	ipaddr_mask(&masked, net->bits);
	if (!ipaddr_equal(&masked, &net->addr)) {
		ipaddr_format(&masked, text);
		conf_quote(why, s, len);
		buf_printf(why, " has host bits set (the network is %s/%u)",
		    text, net->bits);
		return -1;
	}
	return 0;
}

/* conf_host_name - letters, digits, "-", "_" and dots */
static int
conf_host_name(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > DOMAIN_MAX_LEN)
		return 0;
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' &&
		    s[i] != '_' && s[i] != '.')
			return 0;
	return 1;
}

/* conf_parse_listen - unix:PATH or inet:HOST:PORT */
static int
conf_parse_listen(const char *s, size_t len, struct conf_listen *l,
    struct buf *why)
{
	const char *h, *colon, *end = s + len;
	struct ipaddr ip;
	unsigned long port;
	size_t hlen;

	if (len > 5 && strncmp(s, "unix:", 5) == 0) {
		if (len - 5 > CONF_MAX_UNIX_PATH) {
			conf_quote(why, s, len);
			buf_printf(why, " names a socket path longer than "
			    "%d octets", CONF_MAX_UNIX_PATH);
			return -1;
		}
		l->kind = CONF_LISTEN_UNIX;
		l->path = xmemdup(s + 5, len - 5);
		return 0;
	}
	if (len <= 5 || strncmp(s, "inet:", 5) != 0)
		return conf_bad(why, s, len, "is not unix:PATH or "
		    "inet:HOST:PORT");
	h = s + 5;
	if (*h == '[') {
		if ((colon = memchr(h, ']', (size_t)(end - h))) == NULL)
			return conf_bad(why, s, len, "has no \"]\" after "
			    "the IPv6 address");
		hlen = (size_t)(colon - h - 1);
		h++;
		colon++;
		if (colon == end || *colon != ':' || ipaddr_parse_n(h, hlen,
		    &ip) < 0)
			return conf_bad(why, s, len, "is not "
			    "inet:[IPv6]:PORT");
	} else {
		for (colon = end; colon > h && colon[-1] != ':'; colon--)
			;
		if (colon == h)
			return conf_bad(why, s, len, "has no port (use "
			    "inet:HOST:PORT)");
		colon--;
		hlen = (size_t)(colon - h);
		if (memchr(h, ':', hlen) != NULL)
			return conf_bad(why, s, len, "has an IPv6 address "
			    "without brackets (use inet:[ADDR]:PORT)");
		if (ipaddr_parse_n(h, hlen, &ip) < 0 &&
		    !conf_host_name(h, hlen))
			return conf_bad(why, s, len, "has a bad host (an "
			    "address or a host name)");
	}
	if (conf_digits(colon + 1, (size_t)(end - colon - 1), CONF_MAX_PORT,
	    &port) < 0 || port == 0)
		return conf_bad(why, s, len, "has a bad port (1 to 65535)");
	l->kind = CONF_LISTEN_INET;
	l->host = xmemdup(h, hlen);
	l->port = (unsigned)port;
	return 0;
}

/* conf_parse_fwd - IP or IP@PORT */
static int
conf_parse_fwd(const char *s, size_t len, struct conf_fwd *f,
    struct buf *why)
{
	const char *at = memchr(s, '@', len);
	size_t alen = at != NULL ? (size_t)(at - s) : len;
	unsigned long port = CONF_DNS_PORT;

	if (ipaddr_parse_n(s, alen, &f->addr) < 0)
		return conf_bad(why, s, len, "is not IP or IP@PORT");
	if (at != NULL && (conf_digits(at + 1, len - alen - 1, CONF_MAX_PORT,
	    &port) < 0 || port == 0))
		return conf_bad(why, s, len, "has a bad port (1 to 65535)");
	f->port = (unsigned)port;
	return 0;
}

/* what a domain of a CONF_F_DOMAIN list may hold (LDH, "_", ".") */
#define CONF_DOMAIN_CHARS "abcdefghijklmnopqrstuvwxyz" \
	"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_."

/* conf_parse_list - every item of a list type */
static int
conf_parse_list(const struct conf_opt *opt, const char *text, void *field,
    struct buf *why)
{
	size_t n = conf_count_items(text), len, i = 0;
	const char *item;
	int r = 0;

	switch (opt->type) {
	case CONF_T_NETS: {
		struct conf_nets *l = field;

		l->v = xcalloc(n ? n : 1, sizeof(*l->v));
		while (r == 0 && (item = conf_next_item(&text, &len)) != NULL)
			if ((r = conf_parse_net(item, len, &l->v[i], why)) == 0)
				l->n = ++i;
		break;
	}
	case CONF_T_ADDRS: {
		struct conf_addrs *l = field;

		l->v = xcalloc(n ? n : 1, sizeof(*l->v));
		while (r == 0 && (item = conf_next_item(&text, &len)) != NULL)
			if ((r = conf_parse_addr(item, len, &l->v[i])) == 0)
				l->n = ++i;
			else
				conf_bad(why, item, len, "is not an IPv4 or "
				    "IPv6 address");
		break;
	}
	case CONF_T_WORDS: {
		struct conf_strs *l = field;

		l->v = xcalloc(n ? n : 1, sizeof(*l->v));
		while (r == 0 && (item = conf_next_item(&text, &len)) != NULL)
			if ((opt->flags & CONF_F_DOMAIN) &&
			    (domain_check(item, len) != DOMAIN_OK ||
			    strspn(item, CONF_DOMAIN_CHARS) < len))
				r = conf_bad(why, item, len, "is not a domain "
				    "name");
			else
				l->v[l->n++] = xmemdup(item, len);
		break;
	}
	case CONF_T_LISTEN: {
		struct conf_listens *l = field;

		l->v = xcalloc(n ? n : 1, sizeof(*l->v));
		while (r == 0 && (item = conf_next_item(&text, &len)) != NULL)
			if ((r = conf_parse_listen(item, len, &l->v[i],
			    why)) == 0) {
				l->n = ++i;
				if ((opt->flags & CONF_F_INET) &&
				    l->v[i - 1].kind != CONF_LISTEN_INET)
					r = conf_bad(why, item, len, "is not "
					    "inet:HOST:PORT");
			}
		break;
	}
	case CONF_T_FWDS: {
		struct conf_fwds *l = field;

		l->v = xcalloc(n ? n : 1, sizeof(*l->v));
		while (r == 0 && (item = conf_next_item(&text, &len)) != NULL)
			if ((r = conf_parse_fwd(item, len, &l->v[i], why)) == 0)
				l->n = ++i;
		break;
	}
	default:
		r = -1;
		break;
	}
	return r < 0 ? -1 : 0;
}

/* conf_value_parse - one parameter's text into its field */
int
conf_value_parse(const struct conf_opt *opt, const char *text,
    struct conf *c, struct buf *why)
{
	switch (opt->type) {
	case CONF_T_BOOL:
	case CONF_T_ENUM:
		return conf_parse_names(opt, text, CONF_FIELD(c, opt, int),
		    why);
	case CONF_T_UINT:
		return conf_parse_uint(opt, text, CONF_FIELD(c, opt, unsigned),
		    why);
	case CONF_T_TIME:
		return conf_parse_time(opt, text, CONF_FIELD(c, opt, unsigned),
		    why);
	case CONF_T_STR:
		return conf_parse_str(opt, text, CONF_FIELD(c, opt, char *),
		    why);
	case CONF_T_DSN:
		return conf_parse_dsn(opt, text, CONF_FIELD(c, opt, char *),
		    why);
	case CONF_T_NETS:
	case CONF_T_ADDRS:
	case CONF_T_WORDS:
	case CONF_T_LISTEN:
	case CONF_T_FWDS:
		return conf_parse_list(opt, text, CONF_FIELD(c, opt, char),
		    why);
	}
	return -1;
}

/* conf_print_item - one list item; i is its index */
static int
conf_print_item(const struct conf_opt *opt, const void *field, size_t i,
    struct buf *out)
{
	char text[IPADDR_STRLEN];

	switch (opt->type) {
	case CONF_T_NETS: {
		const struct conf_net *n = &((const struct conf_nets *)
		    field)->v[i];

		ipaddr_format(&n->addr, text);
		return buf_printf(out, "%s/%u", text, n->bits);
	}
	case CONF_T_ADDRS:
		ipaddr_format(&((const struct conf_addrs *)field)->v[i], text);
		return buf_puts(out, text);
	case CONF_T_WORDS:
		return conf_put_text(out, ((const struct conf_strs *)
		    field)->v[i]);
	case CONF_T_LISTEN: {
		const struct conf_listen *l = &((const struct conf_listens *)
		    field)->v[i];

		if (l->kind == CONF_LISTEN_UNIX) {
			buf_puts(out, "unix:");
			return conf_put_text(out, l->path);
		}
		if (strchr(l->host, ':') != NULL)
			return buf_printf(out, "inet:[%s]:%u", l->host,
			    l->port);
		return buf_printf(out, "inet:%s:%u", l->host, l->port);
	}
	case CONF_T_FWDS: {
		const struct conf_fwd *f = &((const struct conf_fwds *)
		    field)->v[i];

		ipaddr_format(&f->addr, text);
		if (f->port == CONF_DNS_PORT)
			return buf_puts(out, text);
		return buf_printf(out, "%s@%u", text, f->port);
	}
	default:
		return -1;
	}
}

/* conf_list_len - items in a list field */
static size_t
conf_list_len(const struct conf_opt *opt, const void *field)
{
	switch (opt->type) {
	case CONF_T_NETS:
		return ((const struct conf_nets *)field)->n;
	case CONF_T_ADDRS:
		return ((const struct conf_addrs *)field)->n;
	case CONF_T_WORDS:
		return ((const struct conf_strs *)field)->n;
	case CONF_T_LISTEN:
		return ((const struct conf_listens *)field)->n;
	case CONF_T_FWDS:
		return ((const struct conf_fwds *)field)->n;
	default:
		return 0;
	}
}

/* conf_value_print - the canonical text of a field; list items by line */
int
conf_value_print(const struct conf_opt *opt, const struct conf *c,
    struct buf *out)
{
	const void *field = CONF_CFIELD(c, opt, char);
	size_t i, n;

	switch (opt->type) {
	case CONF_T_BOOL:
	case CONF_T_ENUM:
		return buf_puts(out, conf_enum_str(opt->names,
		    *CONF_CFIELD(c, opt, int)));
	case CONF_T_UINT:
		return buf_printf(out, "%u", *CONF_CFIELD(c, opt, unsigned));
	case CONF_T_TIME:
		return conf_put_time(out, *CONF_CFIELD(c, opt, unsigned));
	case CONF_T_STR:
	case CONF_T_DSN:
		if (opt->flags & CONF_F_TEMPLATE)	/* raw: as written */
			return buf_puts(out, *CONF_CFIELD(c, opt, char *));
		return conf_put_text(out, *CONF_CFIELD(c, opt, char *));
	default:
		n = conf_list_len(opt, field);
		for (i = 0; i < n; i++) {
			if (i > 0)
				buf_putc(out, '\n');
			if (conf_print_item(opt, field, i, out) < 0)
				return -1;
		}
		return out->overflow ? -1 : 0;
	}
}

/* conf_listen_equal - same socket */
static int
conf_listen_equal(const struct conf_listen *a, const struct conf_listen *b)
{
	if (a->kind != b->kind)
		return 0;
	if (a->kind == CONF_LISTEN_UNIX)
		return strcmp(a->path, b->path) == 0;
	return a->port == b->port && strcmp(a->host, b->host) == 0;
}

/* conf_item_equal - item i of two list fields */
static int
conf_item_equal(const struct conf_opt *opt, const void *a, const void *b,
    size_t i)
{
	switch (opt->type) {
	case CONF_T_NETS: {
		const struct conf_net *x = &((const struct conf_nets *)a)->v[i];
		const struct conf_net *y = &((const struct conf_nets *)b)->v[i];

		return x->bits == y->bits && ipaddr_equal(&x->addr, &y->addr);
	}
	case CONF_T_ADDRS:
		return ipaddr_equal(&((const struct conf_addrs *)a)->v[i],
		    &((const struct conf_addrs *)b)->v[i]);
	case CONF_T_WORDS:
		return strcmp(((const struct conf_strs *)a)->v[i],
		    ((const struct conf_strs *)b)->v[i]) == 0;
	case CONF_T_LISTEN:
		return conf_listen_equal(&((const struct conf_listens *)a)->v[i],
		    &((const struct conf_listens *)b)->v[i]);
	case CONF_T_FWDS: {
		const struct conf_fwd *x = &((const struct conf_fwds *)a)->v[i];
		const struct conf_fwd *y = &((const struct conf_fwds *)b)->v[i];

		return x->port == y->port && ipaddr_equal(&x->addr, &y->addr);
	}
	default:
		return 0;
	}
}

/* conf_value_equal - one field of two configurations */
int
conf_value_equal(const struct conf_opt *opt, const struct conf *a,
    const struct conf *b)
{
	const void *fa = CONF_CFIELD(a, opt, char);
	const void *fb = CONF_CFIELD(b, opt, char);
	size_t i, n;

	switch (opt->type) {
	case CONF_T_BOOL:
	case CONF_T_ENUM:
		return *(const int *)fa == *(const int *)fb;
	case CONF_T_UINT:
	case CONF_T_TIME:
		return *(const unsigned *)fa == *(const unsigned *)fb;
	case CONF_T_STR:
	case CONF_T_DSN:
		return strcmp(*(char *const *)fa, *(char *const *)fb) == 0;
	default:
		if ((n = conf_list_len(opt, fa)) != conf_list_len(opt, fb))
			return 0;
		for (i = 0; i < n; i++)
			if (!conf_item_equal(opt, fa, fb, i))
				return 0;
		return 1;
	}
}

/* conf_value_free - release what a field owns */
void
conf_value_free(const struct conf_opt *opt, struct conf *c)
{
	void *field = CONF_FIELD(c, opt, char);
	size_t i;

	switch (opt->type) {
	case CONF_T_STR:
	case CONF_T_DSN:
		free(*(char **)field);
		*(char **)field = NULL;
		break;
	case CONF_T_NETS:
		free(((struct conf_nets *)field)->v);
		memset(field, 0, sizeof(struct conf_nets));
		break;
	case CONF_T_ADDRS:
		free(((struct conf_addrs *)field)->v);
		memset(field, 0, sizeof(struct conf_addrs));
		break;
	case CONF_T_WORDS: {
		struct conf_strs *l = field;

		for (i = 0; i < l->n; i++)
			free(l->v[i]);
		free(l->v);
		memset(l, 0, sizeof(*l));
		break;
	}
	case CONF_T_LISTEN: {
		struct conf_listens *l = field;

		for (i = 0; i < l->n; i++) {
			free(l->v[i].path);
			free(l->v[i].host);
		}
		free(l->v);
		memset(l, 0, sizeof(*l));
		break;
	}
	case CONF_T_FWDS:
		free(((struct conf_fwds *)field)->v);
		memset(field, 0, sizeof(struct conf_fwds));
		break;
	default:
		break;
	}
}

/* conf_nets_has - is the address inside one of the networks? */
int
conf_nets_has(const struct conf_nets *nets, const struct ipaddr *ip)
{
	size_t i;

	for (i = 0; i < nets->n; i++)
		if (ipaddr_match(ip, &nets->v[i].addr, nets->v[i].bits))
			return 1;
	return 0;
}
