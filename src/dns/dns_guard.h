/* dns_guard.h - per registered domain bounds before the resolver */
#ifndef RMXF_DNS_GUARD_H
#define RMXF_DNS_GUARD_H

#include <stddef.h>

#define DNS_GUARD_MAX_DOMAINS	4096	/* registered domains known */

struct dns_guard;
struct dns_guard_flight;

/* dns_guard_stats(): counters since the guard was made, and sizes now. */
struct dns_guard_stats {
	unsigned long	refused_slow;	/* asked under a slow domain */
	unsigned long	refused_busy;	/* over the bound per domain */
	unsigned long	marked_slow;	/* domains marked slow */
	unsigned long	slow_evicted;	/* slow ones forgotten for room */
	size_t		domains;	/* known now */
	size_t		flights;	/* distinct questions in flight */
};

struct dns_guard *dns_guard_new(unsigned per_domain, unsigned slow_ms);
void	dns_guard_free(struct dns_guard *);
void	dns_guard_limits(struct dns_guard *, unsigned per_domain,
	    unsigned slow_ms);
struct dns_guard_flight *dns_guard_enter(struct dns_guard *, unsigned type,
	    const char *name, long now_ms);
void	dns_guard_leave(struct dns_guard *, struct dns_guard_flight *,
	    int timed_out, long now_ms);
void	dns_guard_stats(const struct dns_guard *, struct dns_guard_stats *);

#endif
