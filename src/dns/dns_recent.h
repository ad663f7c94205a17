/* dns_recent.h - the DNS answers of the last second, before libunbound */
#ifndef RMXF_DNS_RECENT_H
#define RMXF_DNS_RECENT_H

#include <stddef.h>

struct spf_answer;
struct dns_recent;

struct dns_recent *dns_recent_new(size_t max, long life_ms);
void	dns_recent_free(struct dns_recent *);
const struct spf_answer *dns_recent_get(struct dns_recent *, int type,
	    const char *name, long now_ms);
void	dns_recent_put(struct dns_recent *, int type, const char *name,
	    const struct spf_answer *, long now_ms);

#endif
