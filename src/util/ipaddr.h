/* ipaddr.h - IPv4/IPv6 addresses and CIDR matching */
#ifndef RMXF_IPADDR_H
#define RMXF_IPADDR_H

#include <stddef.h>

struct buf;

#define IPADDR_STRLEN 46	/* INET6_ADDRSTRLEN */

struct ipaddr {
	int		family;		/* 4 or 6 */
	unsigned char	a[16];		/* network order; v4 uses a[0..3] */
};

int	ipaddr_parse(const char *, struct ipaddr *);
int	ipaddr_parse_n(const char *, size_t, struct ipaddr *);
int	ipaddr_match(const struct ipaddr *, const struct ipaddr *, unsigned);
int	ipaddr_equal(const struct ipaddr *, const struct ipaddr *);
void	ipaddr_format(const struct ipaddr *, char[IPADDR_STRLEN]);
int	ipaddr_reverse_name(const struct ipaddr *, struct buf *);
int	ipaddr_format_spf(const struct ipaddr *, struct buf *);
void	ipaddr_mask(struct ipaddr *, unsigned);
int	ipaddr_parse_hostport(const char *, unsigned, struct ipaddr *,
	    unsigned *);
int	ipaddr_format_forwarder(const char *, struct buf *);
unsigned ipaddr_bits(const struct ipaddr *);

#endif
