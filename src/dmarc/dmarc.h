/* dmarc.h - DMARC policy discovery and evaluation, sans I/O */
#ifndef RMXF_DMARC_H
#define RMXF_DMARC_H

/*
 * NAME
 *	dmarc 3
 * SUMMARY
 *	the RFC5322.From author domain, DMARC policy discovery by the DNS
 *	tree walk, identifier alignment and the DMARC result (RFC 9989,
 *	which obsoletes RFC 7489), through the step/feed contract of spf(3)
 * DESCRIPTION
 *	A pure module: no descriptors, clock, environment, logging or exit.
 *	The caller gives every header field with dmarc_header() (the module
 *	keeps the From fields), then calls dmarc_eoh(): the author domains
 *	are known and the policy questions (TXT at _dmarc.DOMAIN, the tree
 *	walk of RFC 9989 4.10) follow from dmarc_step().  Once the step is
 *	DONE, dmarc_evaluate() takes the authenticated identifiers (the SPF
 *	result and its domain, the DKIM results and their d=) and gives the
 *	outcome; it may be called again with other identifiers.  After
 *	dmarc_expire() the walk stops and an unanswered question counts
 *	as a DNS failure (temperror).
 *
 *	Relaxed alignment: an identifier aligns when it is the author
 *	domain's organizational domain or a name below it.  Strict: when it
 *	equals the author domain.  Case does not matter; names are compared
 *	without a trailing dot.
 *
 *	The author domain: the domain of each address of the From field.
 *	No From field: permerror ("no From field").  Several From fields
 *	(RFC 5322 allows one), or one whose addresses are in several
 *	domains: each distinct domain (at most DMARC_MAX_FROM) is evaluated;
 *	the result is the worst (fail over temperror over permerror over
 *	none over pass) and the policy the strictest of the domains with
 *	that result (RFC 7489 6.6.1); "from" is the first domain with it.  More distinct domains than that:
 *	permerror ("too many From domains").  A From field that cannot be
 *	parsed (no address, no domain, a domain literal, a syntax error,
 *	more than DMARC_MAX_FIELD octets, a domain that is not ASCII):
 *	permerror ("unparseable From field").
 *
 *	The policy record is the author domain's, else its organizational
 *	domain's, else that of the public suffix domain (psd=y) above it
 *	(RFC 9989 4.10.1, 4.10.2).  A record whose p, sp or np is invalid
 *	counts as p=none when its rua= holds a valid URI and as no record
 *	otherwise (result none).
 */

#include <stddef.h>

#include "../spf/spf.h"

#define DMARC_MAX_FROM		4	/* distinct author domains evaluated */
#define DMARC_MAX_WALK		8	/* RFC 9989 4.10: questions per walk */
#define DMARC_MAX_RECORD	4096	/* one policy record, octets */
#define DMARC_MAX_FIELD		8192	/* one From field, octets */
#define DMARC_MAX_IDS		8	/* identifiers given for their own
					 * tree walk (dmarc_identifier()) */

/* RFC 8601 2.7.1 (dmarc method), in dmarc_result_str() order. */
enum dmarc_result {
	DMARC_NONE,			/* no policy record found */
	DMARC_PASS,
	DMARC_FAIL,
	DMARC_TEMPERROR,
	DMARC_PERMERROR,
};

/* The domain owner's requested policy, in dmarc_policy_str() order. */
enum dmarc_policy {
	DMARC_P_NONE,			/* also: no record, or an error */
	DMARC_P_QUARANTINE,
	DMARC_P_REJECT,
};

/* An authenticated identifier, as SPF or DKIM established it. */
struct dmarc_dkim {
	int		pass;		/* 1: the signature verified */
	const char     *d;		/* its d= */
};

struct dmarc_auth {
	enum spf_result	spf;		/* SPF's result for spf_domain */
	const char     *spf_domain;	/* MAIL FROM's domain, or the HELO
					 * name for a null MAIL FROM
					 * (RFC 9989 4.4.2); NULL: none */
	const struct dmarc_dkim *dkim;
	size_t		ndkim;
};

/*
 * The outcome.  Strings are owned by the dmarc object and live until the
 * next dmarc_evaluate() or dmarc_free(); bytes from the message and DNS
 * as they came: escape them before a log line or a header.
 */
struct dmarc_outcome {
	enum dmarc_result result;
	enum dmarc_policy policy;	/* p=, sp= or np= as RFC 9989 4.10
					 * picks it for the author domain;
					 * NONE without a usable record */
	enum dmarc_policy applied;	/* for a fail: policy, one step
					 * milder under t=y; else NONE */
	const char     *from;		/* the author domain, lower case; ""
					 * without one */
	const char     *org;		/* its organizational domain, or "" */
	const char     *record_domain;	/* where the record was found, or "" */
	int		spf_aligned;	/* 1: SPF passed and aligned */
	const char     *dkim_aligned;	/* the d= of the first aligned
					 * passing signature, or NULL */
	int		adkim_strict;	/* the record's adkim=s */
	int		aspf_strict;	/* the record's aspf=s */
	int		testing;	/* t=y (RFC 9989): the owner asks for
					 * one step milder than the policy */
	const char     *reason;		/* why, for none, permerror and
					 * temperror; else NULL */
};

struct dmarc;

struct dmarc *dmarc_new(void);
void	dmarc_free(struct dmarc *);

/* Any header field ("Name:value", folding included); only From is kept. */
void	dmarc_header(struct dmarc *, const char *field, size_t len);
void	dmarc_eoh(struct dmarc *);
const char *dmarc_author(const struct dmarc *);	/* after eoh: the first
							 * author domain, or NULL */

/*
 * Before dmarc_eoh(): a domain that may be an authenticated identifier
 * (MAIL FROM's or HELO's domain, each DKIM-Signature's d=).  Its own
 * tree walk is asked with the author domains' (only its names that are
 * not theirs, and only when it shares at least two labels with an
 * author domain), so that relaxed alignment compares organizational
 * domains as RFC 9989 4.10.2 says.  An identifier not given this way
 * aligns relaxed when it is the author's organizational domain or a
 * name below it.
 */
void	dmarc_identifier(struct dmarc *, const char *domain);

enum spf_step dmarc_step(struct dmarc *, const struct spf_question **,
	    size_t *);
int	dmarc_feed(struct dmarc *, const struct spf_answer *);
void	dmarc_expire(struct dmarc *);
void	dmarc_job(struct spf_job *, struct dmarc *);

/* After DONE. */
const struct dmarc_outcome *dmarc_evaluate(struct dmarc *,
	    const struct dmarc_auth *);

const char *dmarc_result_str(enum dmarc_result);	/* "pass" ... */
const char *dmarc_policy_str(enum dmarc_policy);	/* "none" ... */

#endif
