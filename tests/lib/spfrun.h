/* spfrun.h - run one SPF evaluation against zone text (tests only) */
#ifndef RMXF_TEST_SPFRUN_H
#define RMXF_TEST_SPFRUN_H

#include "spf/spf.h"

struct spfrun {
	struct spf_query *q;
	struct dns_zone *zone;
	const struct spf_detail *d;
	enum spf_result r;
	unsigned steps;		/* step calls that returned QUERY */
	unsigned questions;	/* questions asked */
};

int	spfrun(struct spfrun *, const char *zone, const char *ip,
	    const char *sender, const char *helo, enum spf_identity,
	    unsigned flags, const struct spf_limits *);
void	spfrun_free(struct spfrun *);
void	spfrun_rcache(struct spf_rcache *);	/* NULL: none (default) */

#endif
