/*
 * NAME
 *	spf_params 3
 * SUMMARY
 *	what check_host() is asked: defaults and the client address
 * SYNOPSIS
 *	#include "spf.h"
 *
 *	void	spf_limits_default(struct spf_limits *l);
 *	void	spf_params_init(struct spf_params *p);
 *	int	spf_params_ip(struct spf_params *p, const char *text);
 * DESCRIPTION
 *	spf_limits_default() sets the processing limits of RFC 7208 4.6.4
 *	and the evaluation's deadline.  spf_params_init() zeroes a struct
 *	spf_params: null sender, empty HELO, default limits.
 *	spf_params_ip() sets the client address from its text and
 *	remembers whether an IPv6 address was written in upper case, which
 *	%{i} follows (SPF_F_IP_UPPER).
 * DIAGNOSTICS
 *	spf_params_ip() returns -1 when the text is no IPv4 or IPv6
 *	address.
 * SEE ALSO
 *	spf_eval(3), RFC 7208 4.6.4 and 7.3.
 */
#include <string.h>

#include "spf.h"

/* spf_limits_default - RFC 7208 4.6.4 values */
void
spf_limits_default(struct spf_limits *l)
{
	l->dns_terms = SPF_MAX_DNS_TERMS;
	l->void_lookups = SPF_MAX_VOID_LOOKUPS;
	l->mx_addrs = SPF_MAX_MX_ADDRS;
	l->ptr_addrs = SPF_MAX_PTR_ADDRS;
	l->timeout_ms = SPF_TIMEOUT_MS;
}

/* spf_params_ip - set the client address from its text; note whether
 * IPv6 hex was written in upper case (%{i} follows it) */
int
spf_params_ip(struct spf_params *p, const char *text)
{
	const char *s;

	if (ipaddr_parse(text, &p->ip) < 0)
		return -1;
	p->flags &= ~SPF_F_IP_UPPER;
	if (p->ip.family == 6)
		for (s = text; *s; s++)
			if (*s >= 'A' && *s <= 'F') {
				p->flags |= SPF_F_IP_UPPER;
				break;
			}
	return 0;
}

/* spf_params_init - zeroed parameters with default limits */
void
spf_params_init(struct spf_params *p)
{
	memset(p, 0, sizeof(*p));
	p->sender = "";
	p->helo = "";
	spf_limits_default(&p->limits);
}
