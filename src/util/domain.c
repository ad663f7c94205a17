/*
 * NAME
 *	domain 3
 * SUMMARY
 *	domain name rules
 * SYNOPSIS
 *	#include "domain.h"
 *
 *	enum domain_status domain_check(const char *d, size_t len);
 *	const char *domain_strerror(enum domain_status s);
 *	int	domain_eq(const char *a, size_t alen, const char *b, size_t blen);
 *	int	domain_is_within(const char *name, size_t nlen,
 *			const char *parent, size_t plen);
 *	size_t	domain_strip_dot(const char *d, size_t len);
 * DESCRIPTION
 *	domain_check() applies the DNS length rules RFC 7208 section 4.3
 *	relies on: no empty label (a single trailing dot is allowed), labels
 *	of at most 63 octets, at most 253 octets, at least two labels, and
 *	no NUL, space or control character.  Other octets are left to DNS.
 *
 *	domain_eq() compares case-insensitively (ASCII), ignoring one
 *	trailing dot on either side.  domain_is_within() is true when name
 *	equals parent or ends with "." parent (RFC 7208 5.5, ptr).
 */
#include <string.h>
#include <strings.h>

#include "domain.h"

/* domain_strip_dot - length without one trailing dot */
size_t
domain_strip_dot(const char *d, size_t len)
{
	if (len > 0 && d[len - 1] == '.')
		len--;
	return len;
}

/* domain_check - syntax of a name to be looked up */
enum domain_status
domain_check(const char *d, size_t len)
{
	size_t i, label = 0, labels = 0;

	len = domain_strip_dot(d, len);
	if (len == 0)
		return DOMAIN_EMPTY_LABEL;
	if (len > DOMAIN_MAX_LEN)
		return DOMAIN_TOO_LONG;
	for (i = 0; i <= len; i++) {
		if (i == len || d[i] == '.') {
			if (label == 0)
				return DOMAIN_EMPTY_LABEL;
			if (label > DOMAIN_MAX_LABEL)
				return DOMAIN_LONG_LABEL;
			labels++;
			label = 0;
			continue;
		}
		if ((unsigned char)d[i] <= ' ' || d[i] == 0x7f)
			return DOMAIN_BAD_CHAR;
		label++;
	}
	if (labels < 2)
		return DOMAIN_SINGLE_LABEL;
	return DOMAIN_OK;
}

/* domain_strerror - text for a status */
const char *
domain_strerror(enum domain_status s)
{
	switch (s) {
	case DOMAIN_OK:
		return "valid";
	case DOMAIN_EMPTY_LABEL:
		return "empty label";
	case DOMAIN_LONG_LABEL:
		return "label longer than 63 octets";
	case DOMAIN_TOO_LONG:
		return "name longer than 253 octets";
	case DOMAIN_SINGLE_LABEL:
		return "not a multi-label domain name";
	case DOMAIN_BAD_CHAR:
		return "control character or space in name";
	}
	return "unknown";
}

/* domain_eq - case-insensitive name equality */
int
domain_eq(const char *a, size_t alen, const char *b, size_t blen)
{
	alen = domain_strip_dot(a, alen);
	blen = domain_strip_dot(b, blen);
	return alen == blen && strncasecmp(a, b, alen) == 0;
}

/* domain_is_within - name equal to parent or below it */
int
domain_is_within(const char *name, size_t nlen, const char *parent,
    size_t plen)
{
	nlen = domain_strip_dot(name, nlen);
	plen = domain_strip_dot(parent, plen);
	if (plen == 0 || nlen < plen)
		return 0;
	if (strncasecmp(name + nlen - plen, parent, plen) != 0)
		return 0;
	return nlen == plen || name[nlen - plen - 1] == '.';
}
