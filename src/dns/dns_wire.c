/*
 * NAME
 *	dns_wire 3
 * SUMMARY
 *	one DNS response packet to an spf_answer
 * SYNOPSIS
 *	#include "dns/dns.h"
 *
 *	int	dns_wire_parse(const unsigned char *pkt, size_t len,
 *			const char *qname, enum spf_rrtype qtype,
 *			struct arena *arena, struct spf_answer *a);
 *	const char *dns_wire_name(const unsigned char *wire, size_t len,
 *			struct arena *arena, size_t *textlen);
 * DESCRIPTION
 *	dns_wire_parse() reads a response (as libunbound hands it to its
 *	callback, or as a test builds it) with ldns and keeps what the SPF
 *	engine may use:
 *
 *	RCODE NOERROR gives OK, NXDOMAIN gives NXDOMAIN, every other RCODE
 *	gives SERVFAIL.  From the answer section it keeps the records of
 *	qtype (class IN) owned by qname, or by the name qname leads to
 *	through the CNAMEs in the answer section (at most
 *	DNS_WIRE_MAX_CNAME hops, followed in any order).  Names compare
 *	case-insensitively.
 *
 *	TXT (and SPF) records: the character-strings of one record joined
 *	with nothing between them (RFC 7208 3.3), byte-exact, NULs kept,
 *	with their length.  MX and PTR: the target without the trailing
 *	dot; a name of letters, digits, hyphens and underscores is given as
 *	is, any other name in ldns' presentation form (special octets
 *	escaped, \DDD for the unprintable).  The root is "".  A and AAAA:
 *	struct ipaddr.
 *
 *	Every record and byte of data comes from the arena; nothing else is
 *	kept after the call.  The answer's id is not touched.
 *
 *	dns_wire_name() is that conversion of one name in wire form; the
 *	zone resolver uses it too, so that both give a name alike.
 * DIAGNOSTICS
 *	-1 and status SERVFAIL, no records, for a packet that is not a
 *	usable response: malformed, not a response, truncated (TC), a bad
 *	question name, a CNAME loop, or record data of the wrong shape.
 * SEE ALSO
 *	RFC 1035 4.1 (messages), 3.3.14 (TXT); RFC 2181 10.1 (CNAME);
 *	RFC 7208 3.3, 4.4.
 */
#include <string.h>

#include <ldns/ldns.h>

#include "dns/dns.h"
#include "util/arena.h"

#define DNS_WIRE_MAX_CNAME	16	/* CNAME hops followed in one answer */

/* dns_wire_plain - a name of letters, digits, '-' and '_' only */
static int
dns_wire_plain(const unsigned char *d, size_t size)
{
	size_t pos = 0, i;

	while (pos < size) {
		size_t l = d[pos];

		if (l == 0)
			return pos + 1 == size;
		if (l > 63 || l > size - pos - 1)
			return 0;
		for (i = pos + 1; i <= pos + l; i++) {
			unsigned char c = d[i];

			if (!((c >= 'a' && c <= 'z') ||
			    (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9') || c == '-' || c == '_'))
				return 0;
		}
		pos += l + 1;
	}
	return 0;
}

/* dns_wire_valid - labels that fit, ending with the root at the end */
static int
dns_wire_valid(const unsigned char *d, size_t size)
{
	size_t pos = 0;

	while (pos < size) {
		size_t l = d[pos];

		if (l == 0)
			return pos + 1 == size;
		if (l > 63 || l > size - pos - 1)
			return 0;
		pos += l + 1;
	}
	return 0;
}

/*
 * dns_wire_name - a name in uncompressed wire form as text without the
 * trailing dot, in the arena: as it is when it is plain, else in ldns'
 * presentation form.  NULL when the octets are no name.
 */
const char *
dns_wire_name(const unsigned char *wire, size_t size, struct arena *arena,
    size_t *len)
{
	ldns_rdf *rdf;
	size_t pos = 0, n = 0;
	char *out, *s;

	if (size == 0)
		return NULL;
	if (dns_wire_plain(wire, size)) {
		out = arena_alloc(arena, size);	/* text fits in the wire size */
		while (wire[pos] != 0) {
			if (n > 0)
				out[n++] = '.';
			memcpy(out + n, wire + pos + 1, wire[pos]);
			n += wire[pos];
			pos += (size_t)wire[pos] + 1;
		}
		out[n] = 0;
		*len = n;
		return out;
	}
	if (size > LDNS_MAX_DOMAINLEN + 1 || !dns_wire_valid(wire, size))
		return NULL;
	rdf = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_DNAME, size, wire);
	s = rdf ? ldns_rdf2str(rdf) : NULL;
	ldns_rdf_deep_free(rdf);
	if (s == NULL)
		return NULL;
	n = strlen(s);
	if (n > 0 && s[n - 1] == '.')
		n--;
	out = arena_memdup(arena, s, n);
	free(s);
	*len = n;
	return out;
}

/* dns_wire_rdf_name - a domain name rdf as text */
static const char *
dns_wire_rdf_name(const ldns_rdf *rdf, struct arena *arena, size_t *len)
{
	if (ldns_rdf_get_type(rdf) != LDNS_RDF_TYPE_DNAME)
		return NULL;
	return dns_wire_name(ldns_rdf_data(rdf), ldns_rdf_size(rdf), arena,
	    len);
}

/* dns_wire_txt - join the character-strings of a TXT record */
static int
dns_wire_txt(const ldns_rr *rr, struct arena *arena, struct spf_rr *out)
{
	size_t i, nrd = ldns_rr_rd_count(rr), total = 0;
	char *data;

	for (i = 0; i < nrd; i++) {
		const ldns_rdf *f = ldns_rr_rdf(rr, i);

		if (ldns_rdf_get_type(f) != LDNS_RDF_TYPE_STR ||
		    ldns_rdf_size(f) == 0 ||
		    (size_t)ldns_rdf_data(f)[0] != ldns_rdf_size(f) - 1)
			return -1;
		total += ldns_rdf_size(f) - 1;
	}
	data = arena_alloc(arena, total + 1);
	total = 0;
	for (i = 0; i < nrd; i++) {
		const ldns_rdf *f = ldns_rr_rdf(rr, i);

		memcpy(data + total, ldns_rdf_data(f) + 1,
		    ldns_rdf_size(f) - 1);
		total += ldns_rdf_size(f) - 1;
	}
	data[total] = 0;
	out->data = data;
	out->len = total;
	return 0;
}

/* dns_wire_rr - convert one record of the asked type */
static int
dns_wire_rr(const ldns_rr *rr, enum spf_rrtype qtype, struct arena *arena,
    struct spf_rr *out)
{
	const ldns_rdf *f;

	memset(out, 0, sizeof(*out));
	out->type = qtype;
	switch ((unsigned)qtype) {
	case SPF_RR_A:
	case SPF_RR_AAAA:
		if (ldns_rr_rd_count(rr) != 1)
			return -1;
		f = ldns_rr_rdf(rr, 0);
		if (qtype == SPF_RR_A && ldns_rdf_size(f) == 4) {
			out->addr.family = 4;
			memcpy(out->addr.a, ldns_rdf_data(f), 4);
		} else if (qtype == SPF_RR_AAAA && ldns_rdf_size(f) == 16) {
			out->addr.family = 6;
			memcpy(out->addr.a, ldns_rdf_data(f), 16);
		} else
			return -1;
		return 0;
	case SPF_RR_MX:
		if (ldns_rr_rd_count(rr) != 2 ||
		    ldns_rdf_size(ldns_rr_rdf(rr, 0)) != 2)
			return -1;
		out->pref = ldns_rdf2native_int16(ldns_rr_rdf(rr, 0));
		f = ldns_rr_rdf(rr, 1);
		break;
	case SPF_RR_PTR:
		if (ldns_rr_rd_count(rr) != 1)
			return -1;
		f = ldns_rr_rdf(rr, 0);
		break;
	case SPF_RR_TXT:
	case DNS_RR_SPF:
		return dns_wire_txt(rr, arena, out);
	default:
		return 0;			/* only the type is known */
	}
	if ((out->data = dns_wire_rdf_name(f, arena, &out->len)) == NULL)
		return -1;
	return 0;
}

/* dns_wire_owned - is rr of this type, class IN, and owned by name? */
static int
dns_wire_owned(const ldns_rr *rr, unsigned type, const ldns_rdf *name)
{
	return (unsigned)ldns_rr_get_type(rr) == type &&
	    ldns_rr_get_class(rr) == LDNS_RR_CLASS_IN &&
	    ldns_dname_compare(ldns_rr_owner(rr), name) == 0;
}

/*
 * dns_wire_follow - follow the answer's CNAMEs from *target, in whatever
 * order they come; *target ends as the last name, the caller's to free
 * either way.  -1 for more than DNS_WIRE_MAX_CNAME hops (a loop) or a
 * CNAME whose data is no name.
 */
static int
dns_wire_follow(const ldns_rr_list *ans, size_t n, ldns_rdf **target)
{
	const ldns_rr *cn;
	size_t i, hops;

	for (hops = 0;; hops++) {
		cn = NULL;
		for (i = 0; i < n && cn == NULL; i++)
			if (dns_wire_owned(ldns_rr_list_rr(ans, i),
			    DNS_RR_CNAME, *target))
				cn = ldns_rr_list_rr(ans, i);
		if (cn == NULL)
			return 0;
		if (hops == DNS_WIRE_MAX_CNAME || ldns_rr_rd_count(cn) != 1 ||
		    ldns_rdf_get_type(ldns_rr_rdf(cn, 0)) !=
		    LDNS_RDF_TYPE_DNAME)
			return -1;
		ldns_rdf_deep_free(*target);
		*target = ldns_rdf_clone(ldns_rr_rdf(cn, 0));
	}
}

/*
 * dns_wire_records - a NOERROR answer of the records of qtype owned by
 * target, from the arena; -1 for a record of the wrong shape
 */
static int
dns_wire_records(const ldns_rr_list *ans, size_t n, enum spf_rrtype qtype,
    const ldns_rdf *target, struct arena *arena, struct spf_answer *a)
{
	struct spf_rr *rrs;
	size_t i, count;

	for (count = 0, i = 0; i < n; i++)
		if (dns_wire_owned(ldns_rr_list_rr(ans, i), qtype, target))
			count++;
	rrs = count ? arena_alloc(arena, count * sizeof(*rrs)) : NULL;
	for (count = 0, i = 0; i < n; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(ans, i);

		if (!dns_wire_owned(rr, qtype, target))
			continue;
		if (dns_wire_rr(rr, qtype, arena, &rrs[count]) < 0)
			return -1;
		count++;
	}
	a->status = SPF_DNS_OK;
	a->rr = rrs;
	a->nrr = count;
	return 0;
}

/* dns_wire_parse - one response packet to an answer */
int
dns_wire_parse(const unsigned char *pkt, size_t len, const char *qname,
    enum spf_rrtype qtype, struct arena *arena, struct spf_answer *a)
{
	ldns_pkt *p = NULL;
	ldns_rdf *target = NULL;
	ldns_rr_list *ans;
	size_t n;
	int ret = -1;

	a->status = SPF_DNS_SERVFAIL;
	a->rr = NULL;
	a->nrr = 0;
	if (pkt == NULL || len == 0 || qname == NULL)
		goto out;
	if (ldns_wire2pkt(&p, pkt, len) != LDNS_STATUS_OK || p == NULL)
		goto out;
	if (!ldns_pkt_qr(p) || ldns_pkt_tc(p))
		goto out;
	switch (ldns_pkt_get_rcode(p)) {
	case LDNS_RCODE_NOERROR:
		break;
	case LDNS_RCODE_NXDOMAIN:
		a->status = SPF_DNS_NXDOMAIN;
		ret = 0;
		goto out;
	default:
		ret = 0;			/* a valid packet: SERVFAIL */
		goto out;
	}
	if ((target = ldns_dname_new_frm_str(qname)) == NULL)
		goto out;
	ans = ldns_pkt_answer(p);
	n = ans ? ldns_rr_list_rr_count(ans) : 0;
	if ((unsigned)qtype != DNS_RR_CNAME &&
	    dns_wire_follow(ans, n, &target) < 0)
		goto out;
	if (dns_wire_records(ans, n, qtype, target, arena, a) < 0)
		goto out;
	ret = 0;

out:
	if (ret < 0) {
		a->status = SPF_DNS_SERVFAIL;
		a->rr = NULL;
		a->nrr = 0;
	}
	ldns_rdf_deep_free(target);
	ldns_pkt_free(p);
	return ret;
}
