/* spf.h - RFC 7208 check_host() as a sans-I/O state machine */
#ifndef RMXF_SPF_H
#define RMXF_SPF_H

#include <stddef.h>

#include "../util/ipaddr.h"

struct buf;

/*
 * Processing limits, RFC 7208 section 4.6.4.  Each is configurable
 * (struct spf_limits) and reported by name when it trips.
 */
#define SPF_MAX_DNS_TERMS	10	/* RFC 7208 4.6.4 (include a mx ptr exists redirect) */
#define SPF_MAX_VOID_LOOKUPS	2	/* RFC 7208 4.6.4 */
#define SPF_MAX_MX_ADDRS	10	/* RFC 7208 4.6.4, per mx term */
#define SPF_MAX_PTR_ADDRS	10	/* RFC 7208 4.6.4, per ptr term or %{p} */
#define SPF_TIMEOUT_MS		20000	/* RFC 7208 4.6.4: at least 20 s */
#define SPF_MAX_RECORD		4096	/* longest record we parse, octets */
#define SPF_MAX_EXPLAIN		1024	/* longest explanation kept, octets */

enum spf_result {
	SPF_NONE,
	SPF_NEUTRAL,
	SPF_PASS,
	SPF_FAIL,
	SPF_SOFTFAIL,
	SPF_TEMPERROR,
	SPF_PERMERROR,
};

enum spf_identity {
	SPF_ID_MAILFROM,
	SPF_ID_HELO,
};

struct spf_limits {
	unsigned dns_terms;	/* SPF_MAX_DNS_TERMS */
	unsigned void_lookups;	/* SPF_MAX_VOID_LOOKUPS */
	unsigned mx_addrs;	/* SPF_MAX_MX_ADDRS */
	unsigned ptr_addrs;	/* SPF_MAX_PTR_ADDRS */
	unsigned timeout_ms;	/* whole evaluation; the driver's deadline */
};

#define SPF_F_TRACE	(1u << 0)	/* record trace events */
#define SPF_F_NOPREFETCH (1u << 1)	/* ask strictly one lookup chain at a time */
#define SPF_F_IP_UPPER	(1u << 2)	/* IPv6 was written in upper case: %{i}
					 * nibbles follow it (see spf_params_ip) */

/* Parsed records shared across queries (spf_rcache.c); caller-owned. */
struct spf_rcache;

/* What check_host() is asked; strings are borrowed for the query's life. */
struct spf_params {
	struct ipaddr	ip;		/* client address */
	const char     *sender;		/* MAIL FROM as received, "" = null */
	const char     *helo;		/* HELO/EHLO argument */
	const char     *receiver;	/* our host name, %{r}; NULL: "unknown" */
	enum spf_identity identity;	/* which identity to check */
	long long	now;		/* seconds since the epoch, %{t} */
	struct spf_limits limits;
	unsigned	flags;		/* SPF_F_* */
	struct spf_rcache *rcache;	/* NULL: parse every record */
	const char     *record;		/* the checked domain's own record,
					 * given instead of looked up (a
					 * site's local policy); NULL: DNS */
};

/* DNS questions and answers: the engine asks, a driver answers. */
enum spf_rrtype {
	SPF_RR_A = 1,
	SPF_RR_PTR = 12,
	SPF_RR_MX = 15,
	SPF_RR_TXT = 16,
	SPF_RR_AAAA = 28,
};

enum spf_dns_status {
	SPF_DNS_OK,		/* NOERROR; nrr may be 0 (NODATA) */
	SPF_DNS_NXDOMAIN,	/* RCODE 3 */
	SPF_DNS_SERVFAIL,	/* any other failure: RCODE, bad answer */
	SPF_DNS_TIMEOUT,	/* no answer in time */
};

struct spf_question {
	unsigned	id;		/* unique within one query */
	enum spf_rrtype	type;
	const char     *name;		/* no trailing dot; valid until answered */
};

/*
 * One resource record of the asked type (CNAMEs already followed by the
 * resolver; records of other types are left out by the driver).
 * TXT: data/len are the character-strings of one record concatenated
 * with nothing between them (RFC 7208 3.3); they may hold any byte.
 * MX, PTR: data is the target name without the trailing dot.
 */
struct spf_rr {
	enum spf_rrtype	type;
	unsigned	pref;		/* MX preference */
	struct ipaddr	addr;		/* A, AAAA */
	const char     *data;
	size_t		len;
};

struct spf_answer {
	unsigned	id;		/* the question's id */
	enum spf_dns_status status;
	const struct spf_rr *rr;	/* borrowed for the feed call only */
	size_t		nrr;
};

enum spf_step {
	SPF_STEP_QUERY,		/* new questions to send; then feed answers */
	SPF_STEP_WAIT,		/* no new question; answers still outstanding */
	SPF_STEP_DONE,		/* result available */
};

/*
 * The result and why.  Strings are owned by the query.  They carry bytes
 * from DNS and from the sender as they came: escape them before they go
 * into a log line or a header (spf_format_* do so).
 */
struct spf_detail {
	enum spf_result	result;
	enum spf_identity identity;
	const char     *domain;		/* domain checked: sender's or HELO */
	const char     *sender;		/* <sender> of check_host() */
	const char     *mechanism;	/* matched term as written, "default"
					 * when none matched, NULL on error */
	const char     *record_domain;	/* domain whose record decided */
	const char     *problem;	/* why permerror/temperror, else NULL */
	const char     *limit;		/* name of the limit that tripped */
	const char     *explanation;	/* fail: exp= text, or our default */
	int		explanation_default; /* 1: no usable exp=, ours used */
	unsigned	dns_terms;	/* counters, as used */
	unsigned	void_lookups;
	unsigned	dns_queries;
};

/* Trace events, recorded with SPF_F_TRACE. */
enum spf_trace_kind {
	SPF_TR_QUERY,		/* text=name, rrtype */
	SPF_TR_ANSWER,		/* text=name, rrtype, status, count */
	SPF_TR_RECORD,		/* domain, text=record */
	SPF_TR_TERM,		/* domain, text=term, match */
	SPF_TR_COUNT,		/* limit=name, used, max */
	SPF_TR_LIMIT,		/* limit=name tripped, used, max */
	SPF_TR_NOTE,		/* text */
	SPF_TR_EXPLAIN,		/* text=explanation */
	SPF_TR_RESULT,		/* text=result word, domain */
};

struct spf_trace_ev {
	enum spf_trace_kind kind;
	unsigned	depth;		/* include/redirect nesting, 0 at top */
	const char     *domain;
	const char     *text;
	enum spf_rrtype	rrtype;
	enum spf_dns_status status;
	unsigned	count;
	int		match;		/* TERM: 1 match, 0 no match, -1 error */
	const char     *limit;
	unsigned	used;
	unsigned	max;
};

/*
 * A job: anything with the step/feed contract above (an SPF query, the
 * test-mode walker, the check pipeline).  The drivers of dns(3) run any
 * job; each machine fills one in for itself (spf_query_job(),
 * spf_policy_job(), check_job(), ...), and the object stays its owner's,
 * borrowed by the driver until it is done.  A driver copies the question
 * array it is given before feeding the first answer; a question's name
 * must stay valid until that question is answered.
 */
struct spf_job {
	void   *obj;
	enum spf_step (*step)(void *, const struct spf_question **, size_t *);
	int	(*feed)(void *, const struct spf_answer *);
	void	(*expire)(void *);	/* deadline passed: finish now */
};

struct spf_rcache *spf_rcache_new(size_t max_records);
void	spf_rcache_free(struct spf_rcache *);	/* no query may be alive */
void	spf_rcache_stats(const struct spf_rcache *, unsigned long *,
	    unsigned long *, size_t *);

void	spf_limits_default(struct spf_limits *);
void	spf_params_init(struct spf_params *);	/* zero + default limits */
int	spf_params_ip(struct spf_params *, const char *);	/* as written */

struct spf_query *spf_query_new(const struct spf_params *);
/* the question array is valid until the next step; names until free */
enum spf_step spf_query_step(struct spf_query *, const struct spf_question **,
	    size_t *);
int	spf_query_feed(struct spf_query *, const struct spf_answer *);
void	spf_query_expire(struct spf_query *);
enum spf_result spf_query_result(const struct spf_query *,
	    const struct spf_detail **);
size_t	spf_query_trace(const struct spf_query *, const struct spf_trace_ev **);
void	spf_query_free(struct spf_query *);
void	spf_query_job(struct spf_job *, struct spf_query *);

const char *spf_result_str(enum spf_result);		/* "pass" ... */
int	spf_result_parse(const char *, enum spf_result *);
const char *spf_rrtype_str(enum spf_rrtype);		/* "TXT" ... */
const char *spf_dns_status_str(enum spf_dns_status);	/* "NXDOMAIN" ... */

/* Header texts (values only, without "Received-SPF: "). */
int	spf_format_received(const struct spf_detail *, const struct spf_params *,
	    struct buf *);
int	spf_format_authres(const struct spf_detail *, const char *authserv_id,
	    struct buf *);
int	spf_format_authres_method(const struct spf_detail *, struct buf *);
int	spf_format_value(const char *, struct buf *);

/*
 * Test mode (the seed's "mxfilter user@domain"): walk a domain's whole
 * policy through include/redirect/a/mx/ptr, never stopping at a match or
 * an error, and list what it allows as networks with their qualifiers,
 * plus warnings a domain owner must see.  Same step/feed contract.
 */
enum spf_list_kind {
	SPF_LIST_RECORD,	/* depth, domain, text=record */
	SPF_LIST_NET,		/* qual, mech, net/bits (all: 0/0, bits=0) */
	SPF_LIST_CLIENT,	/* qual, mech, text=term: depends on the
				 * client */
	SPF_LIST_NOTE,		/* text: e.g. "no SPF record" */
	SPF_LIST_WARN,		/* text: lookup count over 10, void lookups,
				 * ptr or +all in use, record too big for UDP */
	SPF_LIST_ERROR,		/* text: a syntax or DNS error (walk goes on) */
};

struct spf_list_line {
	enum spf_list_kind kind;
	unsigned	depth;		/* 1 for the sender domain's record */
	const char     *domain;		/* record's domain */
	char		qual;		/* '+' '-' '~' '?' */
	const char     *mech;		/* "ip4" "ip6" "a" "mx" "ptr" "exists"
					 * "include" "all" */
	const char     *text;
	struct ipaddr	net;
	unsigned	bits;
	int		all;		/* the term matches every address */
};

struct spf_list *spf_list_new(const char *address,	/* or a domain */
	    const struct spf_params *);
enum spf_step spf_list_step(struct spf_list *,
	    const struct spf_question **, size_t *);
int	spf_list_feed(struct spf_list *, const struct spf_answer *);
void	spf_list_expire(struct spf_list *);
size_t	spf_list_lines(const struct spf_list *,
	    const struct spf_list_line **);
void	spf_list_free(struct spf_list *);
void	spf_list_job(struct spf_job *, struct spf_list *);

#endif
