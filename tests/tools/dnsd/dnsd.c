/*
 * NAME
 *	dnsd 1
 * SUMMARY
 *	authoritative test DNS server for a zone file
 * SYNOPSIS
 *	dnsd --zone FILE --listen 127.0.0.1:PORT [--listen [::1]:PORT]
 *		[--port-file F] [--pid-file F] [--udp-limit N]
 *		[--max-seconds N] [--ttl N] [--log FILE] [--delay MS]
 *		[--drop SUFFIX]
 * DESCRIPTION
 *	Serves the zone file (doc/zone-format.md) over UDP and TCP on the
 *	given loopback addresses, with the answers of dns_zone_lookup(), so
 *	that a test through a real resolver sees what the in-process zone
 *	resolver gives:
 *
 *	AA set; CNAMEs followed inside the zone and put in the answer
 *	section; TXT records with their strings as written; NXDOMAIN and
 *	NODATA with an SOA of the root in the authority section; SERVFAIL
 *	for SERVFAIL names; no answer at all for a TIMEOUT name (the query
 *	is dropped).  A UDP response longer than --udp-limit octets (512 by
 *	default, whatever EDNS size the client offers) is replaced by an
 *	empty one with TC set, so that the client asks again over TCP.
 *
 *	PORT 0 picks a free port, the same for UDP and TCP and for every
 *	--listen given with 0; --port-file receives it (written whole, by
 *	rename).  --log gets one line per query: name, type, outcome
 *	(RCODE, or TIMEOUT), udp or tcp, and "tc" when truncated.
 *
 *	--drop SUFFIX drops every query for SUFFIX and the names under it
 *	(as a TIMEOUT name, whatever the zone holds): a sender's domain
 *	whose servers never answer, with random names below it.
 *
 *	--delay MS (0 by default) holds every UDP answer for MS
 *	milliseconds before sending it, on a timer of its own, so that
 *	other queries are answered meanwhile: a resolver sees a round trip
 *	of MS, as to a distant server.  TCP answers are not delayed.
 *
 *	One libevent loop, one thread.  The server exits by itself after
 *	--max-seconds (600 by default), and on SIGTERM or SIGINT.
 * DIAGNOSTICS
 *	Exit status 0 after a clean stop, 64 (EX_USAGE) for bad arguments,
 *	65 (EX_DATAERR) for a bad zone, 71 (EX_OSERR) when a socket cannot
 *	be set up.  Messages on stderr.
 * SEE ALSO
 *	RFC 1035 4.1 (messages), 4.2.2 (TCP); RFC 2181 10.1 (CNAME);
 *	RFC 2308 (negative answers); tests/dns/run.sh.
 */
#include <sys/socket.h>
#include <sys/types.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <ldns/ldns.h>

#include "dns/dns.h"
#include "util/buf.h"
#include "util/domain.h"
#include "util/msg.h"
#include "util/xmalloc.h"

#define DNSD_MAX_LISTEN		8	/* --listen options */
#define DNSD_MAX_TCP		64	/* open TCP connections */
#define DNSD_TCP_IDLE_SEC	10	/* idle TCP connection closed */
#define DNSD_MAX_MSG		65535	/* RFC 1035 4.2.2: 16-bit length */
#define DNSD_UDP_BATCH		64	/* datagrams read per wake-up */
#define DNSD_BIND_TRIES		20	/* attempts to find a free port */
#define DNSD_UDP_LIMIT		512	/* RFC 1035 4.2.1 */
#define DNSD_MAX_SECONDS	600
#define DNSD_TTL		300
#define DNSD_LOG_MAX		1024	/* one log line */
#define DNSD_PATH_MAX		4096
#define DNSD_MAX_DELAY_MS	10000	/* --delay */

struct dnsd_listen {
	const char     *spec;		/* as given */
	struct sockaddr_storage ss;
	socklen_t	sslen;
	unsigned	port;		/* as given; 0 = pick */
	int		udp;
	int		tcp;
	struct event   *uev;
	struct evconnlistener *tl;
};

struct dnsd_conn {
	struct dnsd_conn *next;
	struct dnsd_conn **prevp;
	struct dnsd    *d;
	struct bufferevent *bev;
};

/* A UDP answer held back by --delay. */
struct dnsd_held {
	struct dnsd_held *next;
	struct dnsd_held **prevp;
	struct event   *ev;
	int		fd;
	struct sockaddr_storage to;
	socklen_t	tolen;
	uint8_t	       *reply;
	size_t		rlen;
};

struct dnsd {
	struct dns_zone *zone;
	struct event_base *base;
	struct dnsd_listen ls[DNSD_MAX_LISTEN];
	int		nls;
	unsigned	port;		/* the one picked */
	unsigned	udp_limit;
	unsigned	ttl;
	FILE	       *log;
	int		ntcp;
	struct dnsd_conn *conns;	/* open TCP connections */
	unsigned	delay_ms;	/* --delay */
	struct dnsd_held *held;		/* UDP answers waiting */
	const char     *drop;		/* --drop: never answer under it */
};

/* dnsd_usage - complain and exit */
static _Noreturn void
dnsd_usage(void)
{
	fprintf(stderr, "usage: dnsd --zone FILE --listen ADDR:PORT "
	    "[--listen [V6]:PORT] [--port-file F] [--pid-file F]\n"
	    "\t[--udp-limit N] [--max-seconds N] [--ttl N] [--log FILE]"
	    " [--delay MS] [--drop SUFFIX]\n");
	exit(EX_USAGE);
}

/* dnsd_number - a decimal option value in [min, max] */
static unsigned
dnsd_number(const char *opt, const char *s, unsigned min, unsigned max)
{
	unsigned long v = 0;
	const char *p;

	for (p = s; *p; p++) {
		if (*p < '0' || *p > '9' || p - s > 9)
			msg_fatal(EX_USAGE, "%s: bad number: %s", opt, s);
		v = v * 10 + (unsigned long)(*p - '0');
	}
	if (p == s || v < min || v > max)
		msg_fatal(EX_USAGE, "%s: %s is not in %u..%u", opt, s, min,
		    max);
	return (unsigned)v;
}

/* dnsd_parse_listen - "IPv4:PORT" or "[IPv6]:PORT" */
static void
dnsd_parse_listen(const char *spec, struct dnsd_listen *l)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *colon, *h = spec;
	size_t hlen;

	memset(l, 0, sizeof(*l));
	l->spec = spec;
	l->udp = l->tcp = -1;
	if ((colon = strrchr(spec, ':')) == NULL)
		msg_fatal(EX_USAGE, "--listen %s: want ADDR:PORT", spec);
	hlen = (size_t)(colon - spec);
	if (spec[0] == '[') {
		if (hlen < 2 || spec[hlen - 1] != ']')
			msg_fatal(EX_USAGE, "--listen %s: want [V6]:PORT", spec);
		h = spec + 1;
		hlen -= 2;
	}
	if (hlen >= sizeof(host))
		msg_fatal(EX_USAGE, "--listen %s: bad address", spec);
	memcpy(host, h, hlen);
	host[hlen] = 0;
	l->port = dnsd_number("--listen", colon + 1, 0, 65535);
	if (spec[0] == '[') {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&l->ss;

		if (inet_pton(AF_INET6, host, &s6->sin6_addr) != 1)
			msg_fatal(EX_USAGE, "--listen %s: bad address", spec);
		s6->sin6_family = AF_INET6;
		l->sslen = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&l->ss;

		if (inet_pton(AF_INET, host, &s4->sin_addr) != 1)
			msg_fatal(EX_USAGE, "--listen %s: bad address", spec);
		s4->sin_family = AF_INET;
		l->sslen = sizeof(*s4);
	}
}

/* dnsd_set_port - put a port into a socket address */
static void
dnsd_set_port(struct dnsd_listen *l, unsigned port)
{
	if (l->ss.ss_family == AF_INET6)
		((struct sockaddr_in6 *)&l->ss)->sin6_port = htons(port);
	else
		((struct sockaddr_in *)&l->ss)->sin_port = htons(port);
}

/* dnsd_socket - one bound socket, or -1 with errno */
static int
dnsd_socket(struct dnsd_listen *l, int type)
{
	int fd, on = 1, saved;

	fd = socket(l->ss.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (l->ss.ss_family == AF_INET6)
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on,
		    sizeof(on));
	if (type == SOCK_STREAM)
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on,
		    sizeof(on));
	if (bind(fd, (struct sockaddr *)&l->ss, l->sslen) < 0 ||
	    (type == SOCK_STREAM && listen(fd, 16) < 0)) {
		saved = errno;
		(void)close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

/* dnsd_close_all - close every socket bound so far */
static void
dnsd_close_all(struct dnsd *d)
{
	int i;

	for (i = 0; i < d->nls; i++) {
		if (d->ls[i].udp >= 0)
			(void)close(d->ls[i].udp);
		if (d->ls[i].tcp >= 0)
			(void)close(d->ls[i].tcp);
		d->ls[i].udp = d->ls[i].tcp = -1;
	}
}

/* dnsd_bind_once - bind all listeners; 0, or -1 to try another port */
static int
dnsd_bind_once(struct dnsd *d)
{
	struct sockaddr_storage got;
	socklen_t glen;
	unsigned port;
	int i;

	d->port = 0;
	for (i = 0; i < d->nls; i++) {
		struct dnsd_listen *l = &d->ls[i];

		dnsd_set_port(l, l->port ? l->port : d->port);
		if ((l->udp = dnsd_socket(l, SOCK_DGRAM)) < 0)
			goto fail;
		glen = sizeof(got);
		if (getsockname(l->udp, (struct sockaddr *)&got, &glen) < 0)
			msg_fatal(EX_OSERR, "getsockname: %m");
		port = got.ss_family == AF_INET6 ?
		    ntohs(((struct sockaddr_in6 *)&got)->sin6_port) :
		    ntohs(((struct sockaddr_in *)&got)->sin_port);
		dnsd_set_port(l, port);
		if ((l->tcp = dnsd_socket(l, SOCK_STREAM)) < 0)
			goto fail;
		if (d->port == 0)
			d->port = port;
	}
	return 0;

fail:
	if (errno != EADDRINUSE || d->ls[i].port != 0)
		msg_fatal(EX_OSERR, "bind %s: %m", d->ls[i].spec);
	dnsd_close_all(d);
	return -1;
}

/* dnsd_write_file - write text to a file whole, through a rename */
static void
dnsd_write_file(const char *path, const char *text)
{
	struct buf tmp;
	FILE *fp;

	buf_init(&tmp, DNSD_PATH_MAX);
	if (buf_printf(&tmp, "%s.tmp", path) < 0)
		msg_fatal(EX_USAGE, "%s: path too long", path);
	if ((fp = fopen(tmp.data, "w")) == NULL)
		msg_fatal(EX_CANTCREAT, "%s: %m", tmp.data);
	if (fputs(text, fp) == EOF || fclose(fp) == EOF)
		msg_fatal(EX_IOERR, "%s: %m", tmp.data);
	if (rename(tmp.data, path) < 0)
		msg_fatal(EX_CANTCREAT, "rename %s: %m", path);
	buf_free(&tmp);
}

/* dnsd_log_name - a name for the log, odd octets as \DDD */
static void
dnsd_log_name(struct buf *b, const char *name, size_t len)
{
	size_t i;

	if (len == 0)
		(void)buf_putc(b, '.');
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c <= ' ' || c >= 0x7f || c == '\\')
			(void)buf_printf(b, "\\%03u", c);
		else
			(void)buf_putc(b, c);
	}
}

/* dnsd_type_str - RR type mnemonic */
static void
dnsd_type_str(struct buf *b, unsigned type)
{
	static const struct {
		unsigned type;
		const char *name;
	} t[] = {
		{1, "A"}, {2, "NS"}, {5, "CNAME"}, {6, "SOA"}, {12, "PTR"},
		{15, "MX"}, {16, "TXT"}, {28, "AAAA"}, {99, "SPF"},
		{255, "ANY"},
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(*t); i++) {
		if (t[i].type == type) {
			(void)buf_puts(b, t[i].name);
			return;
		}
	}
	(void)buf_printf(b, "TYPE%u", type);
}

/* dnsd_rcode_str - RCODE mnemonic */
static const char *
dnsd_rcode_str(unsigned rcode)
{
	switch (rcode) {
	case LDNS_RCODE_NOERROR:
		return "NOERROR";
	case LDNS_RCODE_FORMERR:
		return "FORMERR";
	case LDNS_RCODE_SERVFAIL:
		return "SERVFAIL";
	case LDNS_RCODE_NXDOMAIN:
		return "NXDOMAIN";
	case LDNS_RCODE_NOTIMPL:
		return "NOTIMP";
	case LDNS_RCODE_REFUSED:
		return "REFUSED";
	}
	return "RCODE?";
}

/* dnsd_log - one line per query */
static void
dnsd_log(struct dnsd *d, const char *name, size_t len, unsigned type,
    const char *outcome, int tcp, int tc)
{
	struct buf b;

	if (d->log == NULL)
		return;
	buf_init(&b, DNSD_LOG_MAX);
	dnsd_log_name(&b, name, len);
	(void)buf_putc(&b, ' ');
	dnsd_type_str(&b, type);
	(void)buf_printf(&b, " %s %s%s\n", outcome, tcp ? "tcp" : "udp",
	    tc ? " tc" : "");
	(void)fwrite(b.data, 1, b.len, d->log);
	(void)fflush(d->log);
	buf_free(&b);
}

/* dnsd_dname - a name in raw text ("" is the root) as an ldns rdf */
static ldns_rdf *
dnsd_dname(const char *name, size_t len)
{
	unsigned char wire[LDNS_MAX_DOMAINLEN + 2];
	size_t i, start = 0, w = 0;

	for (i = 0; len > 0 && i <= len; i++) {
		size_t l;

		if (i < len && name[i] != '.')
			continue;
		l = i - start;
		if (l == 0 || l > 63 || l + 1 > sizeof(wire) - 1 - w)
			return NULL;
		wire[w++] = (unsigned char)l;
		memcpy(wire + w, name + start, l);
		w += l;
		start = i + 1;
	}
	wire[w++] = 0;
	return ldns_rdf_new_frm_data(LDNS_RDF_TYPE_DNAME, w, wire);
}

/* dnsd_rr - one zone record as an ldns rr owned by owner */
static ldns_rr *
dnsd_rr(struct dnsd *d, const ldns_rdf *owner, const struct dns_zone_rr *zr)
{
	ldns_rr *rr = ldns_rr_new();
	ldns_rdf *f;
	size_t pos;

	ldns_rr_set_owner(rr, ldns_rdf_clone(owner));
	ldns_rr_set_type(rr, (ldns_rr_type)zr->type);
	ldns_rr_set_class(rr, LDNS_RR_CLASS_IN);
	ldns_rr_set_ttl(rr, d->ttl);
	switch (zr->type) {
	case SPF_RR_A:
		(void)ldns_rr_push_rdf(rr, ldns_rdf_new_frm_data(
		    LDNS_RDF_TYPE_A, 4, zr->addr.a));
		break;
	case SPF_RR_AAAA:
		(void)ldns_rr_push_rdf(rr, ldns_rdf_new_frm_data(
		    LDNS_RDF_TYPE_AAAA, 16, zr->addr.a));
		break;
	case SPF_RR_MX:
		(void)ldns_rr_push_rdf(rr, ldns_native2rdf_int16(
		    LDNS_RDF_TYPE_INT16, (uint16_t)zr->pref));
		/* FALLTHROUGH */
	case SPF_RR_PTR:
	case DNS_RR_CNAME:
		if ((f = dnsd_dname(zr->data, zr->len)) == NULL)
			msg_panic("dnsd: zone name %s does not encode",
			    zr->data);
		(void)ldns_rr_push_rdf(rr, f);
		break;
	case SPF_RR_TXT:
	case DNS_RR_SPF:
		for (pos = 0; pos < zr->wlen; pos += (size_t)zr->wire[pos] + 1)
			(void)ldns_rr_push_rdf(rr, ldns_rdf_new_frm_data(
			    LDNS_RDF_TYPE_STR, (size_t)zr->wire[pos] + 1,
			    zr->wire + pos));
		break;
	default:
		msg_panic("dnsd: zone record of type %u", zr->type);
	}
	return rr;
}

/* dnsd_soa - the root's SOA for negative answers (RFC 2308 3) */
static ldns_rr *
dnsd_soa(struct dnsd *d)
{
	static const char mname[] = "dnsd.invalid", rname[] = "hostmaster.invalid";
	static const unsigned vals[] = {1, 3600, 600, 86400};
	ldns_rr *rr = ldns_rr_new();
	size_t i;

	ldns_rr_set_owner(rr, dnsd_dname("", 0));
	ldns_rr_set_type(rr, LDNS_RR_TYPE_SOA);
	ldns_rr_set_class(rr, LDNS_RR_CLASS_IN);
	ldns_rr_set_ttl(rr, d->ttl);
	(void)ldns_rr_push_rdf(rr, dnsd_dname(mname, sizeof(mname) - 1));
	(void)ldns_rr_push_rdf(rr, dnsd_dname(rname, sizeof(rname) - 1));
	for (i = 0; i < sizeof(vals) / sizeof(*vals); i++)
		(void)ldns_rr_push_rdf(rr, ldns_native2rdf_int32(
		    LDNS_RDF_TYPE_INT32, vals[i]));
	(void)ldns_rr_push_rdf(rr, ldns_native2rdf_int32(LDNS_RDF_TYPE_INT32,
	    d->ttl));
	return rr;
}

/* dnsd_qname - the question name as raw text (labels joined by dots) */
static size_t
dnsd_qname(const ldns_rdf *rdf, char *out, size_t outlen)
{
	const unsigned char *w = ldns_rdf_data(rdf);
	size_t size = ldns_rdf_size(rdf), pos = 0, n = 0;

	while (pos < size && w[pos] != 0) {
		size_t l = w[pos];

		if (l > size - pos - 1 || l + 2 > outlen - n)
			break;
		if (n > 0)
			out[n++] = '.';
		memcpy(out + n, w + pos + 1, l);
		n += l;
		pos += l + 1;
	}
	out[n] = 0;
	return n;
}

/* dnsd_respond - the reply to one query; -1: send nothing */
static int
dnsd_respond(struct dnsd *d, const unsigned char *msg, size_t len, int tcp,
    uint8_t **out, size_t *outlen)
{
	char name[LDNS_MAX_DOMAINLEN + 2];
	struct dns_zone_result res;
	ldns_pkt *q = NULL, *r = NULL;
	ldns_rr_list *qs;
	const ldns_rr *qrr = NULL;
	ldns_rdf *owner = NULL;
	unsigned type = 0, rcode;
	size_t nlen = 0, i;
	int ret = -1, tc = 0;

	*out = NULL;
	name[0] = 0;
	if (ldns_wire2pkt(&q, msg, len) != LDNS_STATUS_OK || q == NULL ||
	    ldns_pkt_qr(q))
		goto out;			/* not a query: drop it */
	r = ldns_pkt_new();
	ldns_pkt_set_id(r, ldns_pkt_id(q));
	ldns_pkt_set_qr(r, true);
	ldns_pkt_set_rd(r, ldns_pkt_rd(q));
	ldns_pkt_set_opcode(r, ldns_pkt_get_opcode(q));
	if (ldns_pkt_edns(q))
		ldns_pkt_set_edns_udp_size(r, (uint16_t)d->udp_limit);
	qs = ldns_pkt_question(q);
	if (ldns_pkt_get_opcode(q) != LDNS_PACKET_QUERY)
		rcode = LDNS_RCODE_NOTIMPL;
	else if (qs == NULL || ldns_rr_list_rr_count(qs) != 1)
		rcode = LDNS_RCODE_FORMERR;
	else {
		qrr = ldns_rr_list_rr(qs, 0);
		(void)ldns_pkt_push_rr(r, LDNS_SECTION_QUESTION,
		    ldns_rr_clone(qrr));
		type = ldns_rr_get_type(qrr);
		nlen = dnsd_qname(ldns_rr_owner(qrr), name, sizeof(name));
		rcode = ldns_rr_get_class(qrr) == LDNS_RR_CLASS_IN ?
		    LDNS_RCODE_NOERROR : LDNS_RCODE_REFUSED;
	}
	if (rcode != LDNS_RCODE_NOERROR) {
		ldns_pkt_set_rcode(r, (uint8_t)rcode);
		goto wire;
	}

	dns_zone_lookup(d->zone, name, nlen, type, &res);
	if (d->drop != NULL && domain_is_within(name, nlen, d->drop,
	    strlen(d->drop)))
		res.status = SPF_DNS_TIMEOUT;
	if (res.status == SPF_DNS_TIMEOUT) {
		dnsd_log(d, name, nlen, type, "TIMEOUT", tcp, 0);
		goto out;			/* never answered */
	}
	ldns_pkt_set_aa(r, true);
	rcode = res.status == SPF_DNS_OK ? LDNS_RCODE_NOERROR :
	    res.status == SPF_DNS_NXDOMAIN ? LDNS_RCODE_NXDOMAIN :
	    LDNS_RCODE_SERVFAIL;
	ldns_pkt_set_rcode(r, (uint8_t)rcode);
	if (rcode != LDNS_RCODE_SERVFAIL) {
		owner = ldns_rdf_clone(ldns_rr_owner(qrr));
		for (i = 0; i < res.nchain; i++) {
			(void)ldns_pkt_push_rr(r, LDNS_SECTION_ANSWER,
			    dnsd_rr(d, owner, res.chain[i]));
			ldns_rdf_deep_free(owner);
			owner = dnsd_dname(res.chain[i]->data,
			    res.chain[i]->len);
		}
		for (i = 0; i < res.nrr; i++)
			(void)ldns_pkt_push_rr(r, LDNS_SECTION_ANSWER,
			    dnsd_rr(d, owner, &res.rr[i]));
		if (res.nrr == 0)
			(void)ldns_pkt_push_rr(r, LDNS_SECTION_AUTHORITY,
			    dnsd_soa(d));
	}

wire:
	if (ldns_pkt2wire(out, r, outlen) != LDNS_STATUS_OK)
		msg_panic("dnsd: cannot encode a response");
	if (!tcp && *outlen > d->udp_limit) {
		/* Too big for UDP: empty answer, TC set (RFC 1035 4.2.1). */
		free(*out);
		*out = NULL;
		ldns_rr_list_deep_free(ldns_pkt_answer(r));
		ldns_pkt_set_answer(r, ldns_rr_list_new());
		ldns_pkt_set_ancount(r, 0);
		ldns_rr_list_deep_free(ldns_pkt_authority(r));
		ldns_pkt_set_authority(r, ldns_rr_list_new());
		ldns_pkt_set_nscount(r, 0);
		ldns_pkt_set_tc(r, true);
		tc = 1;
		if (ldns_pkt2wire(out, r, outlen) != LDNS_STATUS_OK)
			msg_panic("dnsd: cannot encode a response");
	}
	dnsd_log(d, name, nlen, type, dnsd_rcode_str(rcode), tcp, tc);
	ret = 0;

out:
	ldns_rdf_deep_free(owner);
	ldns_pkt_free(q);
	ldns_pkt_free(r);
	return ret;
}

/* dnsd_held_free - forget one held answer */
static void
dnsd_held_free(struct dnsd_held *h)
{
	if (h->next)
		h->next->prevp = h->prevp;
	*h->prevp = h->next;
	event_free(h->ev);
	free(h->reply);
	free(h);
}

/* dnsd_held_cb - the delay is over: send the answer */
static void
dnsd_held_cb(evutil_socket_t fd, short what, void *arg)
{
	struct dnsd_held *h = arg;

	(void)sendto(h->fd, h->reply, h->rlen, 0, (struct sockaddr *)&h->to,
	    h->tolen);
	dnsd_held_free(h);
}

/* dnsd_hold - send REPLY to FROM after --delay; takes REPLY */
static void
dnsd_hold(struct dnsd *d, int fd, const struct sockaddr_storage *from,
    socklen_t flen, uint8_t *reply, size_t rlen)
{
	struct dnsd_held *h = xcalloc(1, sizeof(*h));
	struct timeval tv;

	h->fd = fd;
	memcpy(&h->to, from, sizeof(h->to));
	h->tolen = flen;
	h->reply = reply;
	h->rlen = rlen;
	h->ev = evtimer_new(d->base, dnsd_held_cb, h);
	h->next = d->held;
	if (d->held)
		d->held->prevp = &h->next;
	h->prevp = &d->held;
	d->held = h;
	tv.tv_sec = d->delay_ms / 1000;
	tv.tv_usec = (d->delay_ms % 1000) * 1000;
	if (h->ev == NULL || evtimer_add(h->ev, &tv) < 0)
		msg_panic("dnsd: cannot set a delay timer");
}

/* dnsd_udp_cb - answer the datagrams waiting */
static void
dnsd_udp_cb(evutil_socket_t fd, short what, void *arg)
{
	struct dnsd *d = arg;
	unsigned char msg[DNSD_MAX_MSG];
	struct sockaddr_storage from;
	socklen_t flen;
	uint8_t *reply;
	size_t rlen;
	ssize_t n;
	int i;

	for (i = 0; i < DNSD_UDP_BATCH; i++) {
		flen = sizeof(from);
		n = recvfrom(fd, msg, sizeof(msg), 0, (struct sockaddr *)&from,
		    &flen);
		if (n < 0)
			return;			/* EAGAIN, or an ICMP error */
		if (dnsd_respond(d, msg, (size_t)n, 0, &reply, &rlen) != 0)
			continue;
		if (d->delay_ms > 0)
			dnsd_hold(d, fd, &from, flen, reply, rlen);
		else {
			(void)sendto(fd, reply, rlen, 0,
			    (struct sockaddr *)&from, flen);
			free(reply);
		}
	}
}

/* dnsd_tcp_close - drop one connection */
static void
dnsd_tcp_close(struct dnsd_conn *c)
{
	if (c->next)
		c->next->prevp = c->prevp;
	*c->prevp = c->next;
	c->d->ntcp--;
	bufferevent_free(c->bev);
	free(c);
}

/* dnsd_tcp_read_cb - answer every whole message received */
static void
dnsd_tcp_read_cb(struct bufferevent *bev, void *arg)
{
	struct dnsd_conn *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	unsigned char hdr[2], *msg;
	uint8_t *reply;
	size_t mlen, rlen;

	while (evbuffer_get_length(in) >= 2) {
		(void)evbuffer_copyout(in, hdr, 2);
		mlen = (size_t)hdr[0] << 8 | hdr[1];
		if (mlen == 0) {
			dnsd_tcp_close(c);
			return;
		}
		if (evbuffer_get_length(in) - 2 < mlen)
			return;
		(void)evbuffer_drain(in, 2);
		msg = xmalloc(mlen);
		(void)evbuffer_remove(in, msg, mlen);
		if (dnsd_respond(c->d, msg, mlen, 1, &reply, &rlen) == 0) {
			hdr[0] = (unsigned char)(rlen >> 8);
			hdr[1] = (unsigned char)rlen;
			(void)bufferevent_write(bev, hdr, 2);
			(void)bufferevent_write(bev, reply, rlen);
			free(reply);
		}
		free(msg);
	}
}

/* dnsd_tcp_event_cb - EOF, error or idle timeout */
static void
dnsd_tcp_event_cb(struct bufferevent *bev, short what, void *arg)
{
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR | BEV_EVENT_TIMEOUT))
		dnsd_tcp_close(arg);
}

/* dnsd_accept_cb - a new TCP connection */
static void
dnsd_accept_cb(struct evconnlistener *tl, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	static const struct timeval idle = {DNSD_TCP_IDLE_SEC, 0};
	struct dnsd *d = arg;
	struct dnsd_conn *c;
	struct bufferevent *bev;

	if (d->ntcp >= DNSD_MAX_TCP) {
		(void)close(fd);
		return;
	}
	bev = bufferevent_socket_new(d->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL) {
		(void)close(fd);
		return;
	}
	c = xcalloc(1, sizeof(*c));
	c->d = d;
	c->bev = bev;
	c->next = d->conns;
	if (d->conns)
		d->conns->prevp = &c->next;
	c->prevp = &d->conns;
	d->conns = c;
	d->ntcp++;
	bufferevent_setcb(bev, dnsd_tcp_read_cb, NULL, dnsd_tcp_event_cb, c);
	(void)bufferevent_set_timeouts(bev, &idle, &idle);
	(void)bufferevent_enable(bev, EV_READ | EV_WRITE);
}

/* dnsd_stop_cb - SIGTERM, SIGINT or --max-seconds */
static void
dnsd_stop_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)event_base_loopbreak(arg);
}

/* main - parse options, bind, serve */
int
main(int argc, char **argv)
{
	struct dnsd d;
	const char *zone_path = NULL, *port_file = NULL, *pid_file = NULL;
	const char *log_path = NULL;
	struct event *sigterm, *sigint, *stop;
	struct timeval tv;
	struct buf text;
	char err[512];
	unsigned max_seconds = DNSD_MAX_SECONDS;
	int i, tries;

	msg_open("dnsd", MSG_STDERR, 0, 0);
	memset(&d, 0, sizeof(d));
	d.udp_limit = DNSD_UDP_LIMIT;
	d.ttl = DNSD_TTL;
	for (i = 1; i < argc; i++) {
		const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] :
		    NULL;

		if (val == NULL)
			dnsd_usage();
		i++;
		if (strcmp(opt, "--zone") == 0)
			zone_path = val;
		else if (strcmp(opt, "--listen") == 0) {
			if (d.nls == DNSD_MAX_LISTEN)
				msg_fatal(EX_USAGE, "more than %d --listen",
				    DNSD_MAX_LISTEN);
			dnsd_parse_listen(val, &d.ls[d.nls++]);
		} else if (strcmp(opt, "--port-file") == 0)
			port_file = val;
		else if (strcmp(opt, "--pid-file") == 0)
			pid_file = val;
		else if (strcmp(opt, "--udp-limit") == 0)
			d.udp_limit = dnsd_number(opt, val, 12, DNSD_MAX_MSG);
		else if (strcmp(opt, "--max-seconds") == 0)
			max_seconds = dnsd_number(opt, val, 1, 86400);
		else if (strcmp(opt, "--ttl") == 0)
			d.ttl = dnsd_number(opt, val, 0, 86400);
		else if (strcmp(opt, "--log") == 0)
			log_path = val;
		else if (strcmp(opt, "--delay") == 0)
			d.delay_ms = dnsd_number(opt, val, 0,
			    DNSD_MAX_DELAY_MS);
		else if (strcmp(opt, "--drop") == 0)
			d.drop = val;
		else
			dnsd_usage();
	}
	if (zone_path == NULL || d.nls == 0)
		dnsd_usage();
	if ((d.zone = dns_zone_load(zone_path, err, sizeof(err))) == NULL)
		msg_fatal(EX_DATAERR, "%s", err);
	if (log_path && (d.log = fopen(log_path, "a")) == NULL)
		msg_fatal(EX_CANTCREAT, "%s: %m", log_path);
	(void)signal(SIGPIPE, SIG_IGN);

	for (tries = 0; dnsd_bind_once(&d) < 0; tries++)
		if (tries == DNSD_BIND_TRIES)
			msg_fatal(EX_OSERR, "no free port found");
	if ((d.base = event_base_new()) == NULL)
		msg_fatal(EX_OSERR, "event_base_new failed");
	for (i = 0; i < d.nls; i++) {
		struct dnsd_listen *l = &d.ls[i];

		l->uev = event_new(d.base, l->udp, EV_READ | EV_PERSIST,
		    dnsd_udp_cb, &d);
		l->tl = evconnlistener_new(d.base, dnsd_accept_cb, &d,
		    LEV_OPT_CLOSE_ON_FREE, -1, l->tcp);
		if (l->uev == NULL || l->tl == NULL ||
		    event_add(l->uev, NULL) < 0)
			msg_fatal(EX_OSERR, "cannot watch %s", l->spec);
		l->tcp = -1;			/* the listener owns it */
	}
	sigterm = evsignal_new(d.base, SIGTERM, dnsd_stop_cb, d.base);
	sigint = evsignal_new(d.base, SIGINT, dnsd_stop_cb, d.base);
	stop = evtimer_new(d.base, dnsd_stop_cb, d.base);
	tv.tv_sec = max_seconds;
	tv.tv_usec = 0;
	if (sigterm == NULL || sigint == NULL || stop == NULL ||
	    evsignal_add(sigterm, NULL) < 0 || evsignal_add(sigint, NULL) < 0 ||
	    evtimer_add(stop, &tv) < 0)
		msg_fatal(EX_OSERR, "cannot set up signals and timers");

	buf_init(&text, 64);
	if (pid_file) {
		(void)buf_printf(&text, "%ld\n", (long)getpid());
		dnsd_write_file(pid_file, text.data);
	}
	if (port_file) {
		buf_reset(&text);
		(void)buf_printf(&text, "%u\n", d.port);
		dnsd_write_file(port_file, text.data);
	}
	buf_free(&text);

	(void)event_base_dispatch(d.base);

	while (d.conns)
		dnsd_tcp_close(d.conns);
	while (d.held)
		dnsd_held_free(d.held);
	for (i = 0; i < d.nls; i++) {
		event_free(d.ls[i].uev);
		evconnlistener_free(d.ls[i].tl);
		(void)close(d.ls[i].udp);
	}
	event_free(sigterm);
	event_free(sigint);
	event_free(stop);
	event_base_free(d.base);
	dns_zone_free(d.zone);
	if (d.log)
		(void)fclose(d.log);
	return 0;
}
