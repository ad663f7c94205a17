/* domain.h - domain name rules */
#ifndef RMXF_DOMAIN_H
#define RMXF_DOMAIN_H

#include <stddef.h>

#define DOMAIN_MAX_LEN	 253	/* RFC 1035 2.3.4, without the root dot */
#define DOMAIN_MAX_LABEL 63	/* RFC 1035 2.3.4 */

enum domain_status {
	DOMAIN_OK = 0,
	DOMAIN_EMPTY_LABEL,
	DOMAIN_LONG_LABEL,
	DOMAIN_TOO_LONG,
	DOMAIN_SINGLE_LABEL,
	DOMAIN_BAD_CHAR,
};

enum domain_status domain_check(const char *, size_t);
const char *domain_strerror(enum domain_status);
int	domain_eq(const char *, size_t, const char *, size_t);
int	domain_is_within(const char *, size_t, const char *, size_t);
size_t	domain_strip_dot(const char *, size_t);

#endif
