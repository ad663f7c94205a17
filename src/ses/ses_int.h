/* ses_int.h - what the ses files share and nobody else sees */
#ifndef RMXF_SES_INT_H
#define RMXF_SES_INT_H

#include <stddef.h>

#include "ses/ses.h"

#define SES_SHA1_LEN	20		/* HMAC-SHA1 digest octets */

struct ses_key {
	int		num;		/* BATV key number 0-9, or -1 */
	unsigned char  *secret;		/* own allocation, wiped on free */
	size_t		len;
};

struct ses_ring {
	enum ses_ring_kind kind;
	size_t		nkeys;
	struct ses_key	keys[SES_MAX_KEYS];
};

int	ses_hmac_sha1(const struct ses_key *, const unsigned char *, size_t,
	    unsigned char *);
long	ses_day_mod(long, long);

#endif
