/* dmarc_int.h - dmarc(3) internals shared with its tests and fuzzers */
#ifndef RMXF_DMARC_INT_H
#define RMXF_DMARC_INT_H

#include <stddef.h>

#include "dmarc.h"

#define DMARC_MAX_DOMAIN	253	/* one domain name, octets, no dot */
#define DMARC_MAX_LABEL		63

/* A policy request as written: absent, valid, or present but invalid. */
enum dmarc_req {
	DMARC_REQ_ABSENT,
	DMARC_REQ_NONE,
	DMARC_REQ_QUARANTINE,
	DMARC_REQ_REJECT,
	DMARC_REQ_INVALID,
};

/* psd= (RFC 9989 4.7): u is the default and any invalid value. */
enum dmarc_psd {
	DMARC_PSD_U,
	DMARC_PSD_Y,
	DMARC_PSD_N,
};

/* One parsed policy record (RFC 9989 4.7, 4.8). */
struct dmarc_record {
	enum dmarc_req	p, sp, np;
	enum dmarc_psd	psd;
	int		adkim_strict;
	int		aspf_strict;
	int		testing;	/* t=y */
	int		rua_valid;	/* rua= holds a URI of valid syntax */
};

/* Record parser results. */
#define DMARC_REC_NOT	0	/* not a DMARC record (v=DMARC1 not first) */
#define DMARC_REC_OK	1	/* a DMARC record, parsed */
#define DMARC_REC_LONG	2	/* a DMARC record over DMARC_MAX_RECORD */

int	dmarc_record_parse(const char *, size_t, struct dmarc_record *);
int	dmarc_record_usable(const struct dmarc_record *);

/* From field parser: author domains, lower case, no trailing dot. */
#define DMARC_FROM_OK		0
#define DMARC_FROM_SYNTAX	(-1)	/* no address, no domain, bad syntax */
#define DMARC_FROM_MANY		(-2)	/* more than max distinct domains */

int	dmarc_from_parse(const char *, size_t, char (*)[DMARC_MAX_DOMAIN + 1],
	    size_t *, size_t);
int	dmarc_domain_norm(const char *, size_t, char *);

#endif
