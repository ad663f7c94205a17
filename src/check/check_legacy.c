/*
 * NAME
 *	check_legacy 3
 * SUMMARY
 *	RMXF's tests for domains without SPF: DMP, the A and MX neighbourhood
 * SYNOPSIS
 *	#include "check_int.h"
 *
 *	struct check_legacy *check_legacy_new(const struct conf *c,
 *			const struct ipaddr *client, const char *domain);
 *	enum spf_step check_legacy_step(struct check_legacy *l,
 *			const struct spf_question **qs, size_t *nq);
 *	int	check_legacy_feed(struct check_legacy *l,
 *			const struct spf_answer *a);
 *	void	check_legacy_expire(struct check_legacy *l);
 *	void	check_legacy_result(const struct check_legacy *l,
 *			enum check_method *method, enum spf_result *result);
 *	int	check_legacy_failed(const struct check_legacy *l);
 *	void	check_legacy_free(struct check_legacy *l);
 *	void	check_legacy_job(struct spf_job *job, struct check_legacy *l);
 * DESCRIPTION
 *	One step/feed machine (spf(3)'s contract) for the tests the
 *	configuration turns on, asked side by side: test_a the sender
 *	domain's A or AAAA records (the client's family), test_mx its MX
 *	records and then the hosts' addresses (at most CHECK_MAX_MX_HOSTS);
 *	the client within a_prefix4/6 or mx_prefix4/6 of one of them is a
 *	pass.  test_dmp (draft-fecyk-dmp, RFC 1464 "dmp=allow" /
 *	"dmp=deny") asks at once the TXT records of the client's node under
 *	_smtp_client of the domain (its reversed address below in-addr or
 *	ip6) and of _smtp_client itself: the client's own record decides
 *	pass or fail, else a domain default of deny is a fail.
 *
 *	check_legacy_result() gives the seed's order: DMP decides either
 *	way, then A, then MX; undecided with a DNS failure (SERVFAIL, a
 *	timeout, the deadline) in any of them, temperror under the first
 *	test that failed: the seed's 450 on DNS trouble holds for every
 *	test, and an unknown answer never falls through to default_result.
 *	Nothing decided: CHECK_M_NONE.  A DMP default of deny does not fail
 *	a client whose own record could not be read.  check_legacy_failed()
 *	says whether any answer failed (the evaluation is then not kept for
 *	other messages).
 * SEE ALSO
 *	check(3), draft-fecyk-dmp, RFC 1464.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/buf.h"
#include "util/domain.h"
#include "util/msg.h"
#include "util/xmalloc.h"
#include "check_int.h"

#define CHECK_DMP_NODE		"_smtp_client"
#define CHECK_DMP_ALLOW		"dmp=allow"
#define CHECK_DMP_DENY		"dmp=deny"
#define CHECK_LEGACY_MAX_Q	(4 + CHECK_MAX_MX_HOSTS)

/* What a question is for. */
enum check_legacy_kind {
	CHECK_LQ_DMPHOST,	/* <rev-ip>.in-addr._smtp_client.D TXT */
	CHECK_LQ_DMPDOM,	/* _smtp_client.D TXT */
	CHECK_LQ_A,		/* D A or AAAA */
	CHECK_LQ_MX,		/* D MX */
	CHECK_LQ_MXHOST,	/* an MX host's A or AAAA */
};

struct check_legacy {
	const struct conf *conf;
	struct ipaddr	client;
	char	       *domain;
	struct spf_question q[CHECK_LEGACY_MAX_Q];
	enum check_legacy_kind kind[CHECK_LEGACY_MAX_Q];
	char	       *names[CHECK_LEGACY_MAX_Q];	/* owned */
	int		answered[CHECK_LEGACY_MAX_Q];
	size_t		nq;
	size_t		nasked;		/* handed out so far */
	int		a_match;
	int		mx_match;
	int		dmp_host;	/* 1 allow, -1 deny, 0 nothing */
	int		dmp_dom;
	int		dmp_host_failed;
	enum check_method failed;	/* the first test whose DNS failed */
};

/* check_legacy_ask - queue one question (name copied) */
static void
check_legacy_ask(struct check_legacy *l, enum check_legacy_kind kind,
    enum spf_rrtype type, const char *name)
{
	if (l->nq == CHECK_LEGACY_MAX_Q)
		msg_panic("check_legacy_ask: too many questions");
	l->names[l->nq] = xstrdup(name);
	l->q[l->nq].id = (unsigned)l->nq + 1;
	l->q[l->nq].type = type;
	l->q[l->nq].name = l->names[l->nq];
	l->kind[l->nq] = kind;
	l->nq++;
}

/* check_legacy_addr_type - A or AAAA, as the client's family */
static enum spf_rrtype
check_legacy_addr_type(const struct check_legacy *l)
{
	return l->client.family == 6 ? SPF_RR_AAAA : SPF_RR_A;
}

/*
 * check_legacy_dmp - the two DMP questions: the client's own node and the
 * domain's default, both at once (the second is needed whenever the
 * first has no record).  A name over 253 octets asks nothing.
 */
static void
check_legacy_dmp(struct check_legacy *l)
{
	struct buf n;

	buf_init(&n, DOMAIN_MAX_LEN + 1);
	ipaddr_reverse_name(&l->client, &n);
	/* ipaddr_reverse_name ends in .in-addr.arpa or .ip6.arpa: keep the
	 * family label, put our node and the domain in place of arpa */
	if (n.data != NULL && n.len > 5) {
		n.len -= 4;
		n.data[n.len] = 0;
		buf_printf(&n, "%s.%s", CHECK_DMP_NODE, l->domain);
	}
	if (n.data != NULL && !n.overflow && n.len <= DOMAIN_MAX_LEN)
		check_legacy_ask(l, CHECK_LQ_DMPHOST, SPF_RR_TXT, n.data);
	buf_reset(&n);
	buf_printf(&n, "%s.%s", CHECK_DMP_NODE, l->domain);
	if (n.data != NULL && !n.overflow && n.len <= DOMAIN_MAX_LEN)
		check_legacy_ask(l, CHECK_LQ_DMPDOM, SPF_RR_TXT, n.data);
	buf_free(&n);
}

/* check_legacy_new - the machine for one client and sender domain */
struct check_legacy *
check_legacy_new(const struct conf *c, const struct ipaddr *client,
    const char *domain)
{
	struct check_legacy *l = xcalloc(1, sizeof(*l));

	l->conf = c;
	l->client = *client;
	l->domain = xstrdup(domain);
	if (c->test_dmp)
		check_legacy_dmp(l);
	if (c->test_a)
		check_legacy_ask(l, CHECK_LQ_A, check_legacy_addr_type(l),
		    domain);
	if (c->test_mx)
		check_legacy_ask(l, CHECK_LQ_MX, SPF_RR_MX, domain);
	return l;
}

/*
 * check_legacy_dmp_value - 1 for "dmp=allow", -1 for "dmp=deny" among the
 * TXT strings of an answer, 0 for neither; deny wins over allow
 */
static int
check_legacy_dmp_value(const struct spf_answer *a)
{
	size_t i, al = strlen(CHECK_DMP_ALLOW), dl = strlen(CHECK_DMP_DENY);
	int v = 0;

	if (a->status != SPF_DNS_OK)
		return 0;
	for (i = 0; i < a->nrr; i++) {
		if (a->rr[i].type != SPF_RR_TXT || a->rr[i].data == NULL)
			continue;
		if (a->rr[i].len == dl && strncasecmp(a->rr[i].data,
		    CHECK_DMP_DENY, dl) == 0)
			return -1;
		if (a->rr[i].len == al && strncasecmp(a->rr[i].data,
		    CHECK_DMP_ALLOW, al) == 0)
			v = 1;
	}
	return v;
}

/* check_legacy_near - the client within prefix of an answer's address? */
static int
check_legacy_near(const struct check_legacy *l, const struct spf_answer *a,
    unsigned bits4, unsigned bits6)
{
	size_t i;

	if (a->status != SPF_DNS_OK)
		return 0;
	for (i = 0; i < a->nrr; i++)
		if ((a->rr[i].type == SPF_RR_A || a->rr[i].type ==
		    SPF_RR_AAAA) && ipaddr_match(&l->client, &a->rr[i].addr,
		    l->client.family == 6 ? bits6 : bits4))
			return 1;
	return 0;
}

/* check_legacy_method - the test a kind of question belongs to */
static enum check_method
check_legacy_method(enum check_legacy_kind k)
{
	return k == CHECK_LQ_DMPHOST || k == CHECK_LQ_DMPDOM ? CHECK_M_DMP :
	    k == CHECK_LQ_A ? CHECK_M_A : CHECK_M_MX;
}

/* check_legacy_failure - question k got no usable answer */
static void
check_legacy_failure(struct check_legacy *l, size_t k)
{
	if (l->failed == CHECK_M_NONE)
		l->failed = check_legacy_method(l->kind[k]);
	if (l->kind[k] == CHECK_LQ_DMPHOST)
		l->dmp_host_failed = 1;
}

/* check_legacy_mx - the MX answer: ask for its hosts' addresses */
static void
check_legacy_mx(struct check_legacy *l, const struct spf_answer *a)
{
	size_t i, n = 0;

	if (a->status != SPF_DNS_OK)
		return;
	for (i = 0; i < a->nrr && n < CHECK_MAX_MX_HOSTS; i++) {
		if (a->rr[i].type != SPF_RR_MX || a->rr[i].data == NULL ||
		    a->rr[i].len == 0)
			continue;	/* a null MX (RFC 7505) names none */
		check_legacy_ask(l, CHECK_LQ_MXHOST,
		    check_legacy_addr_type(l), a->rr[i].data);
		n++;
	}
}

/* check_legacy_feed - one answer; -1 for an id not asked or answered */
int
check_legacy_feed(struct check_legacy *l, const struct spf_answer *a)
{
	const struct conf *c = l->conf;
	size_t k;

	if (a->id == 0 || a->id > l->nasked || l->answered[a->id - 1])
		return -1;
	k = a->id - 1;
	l->answered[k] = 1;
	if (a->status == SPF_DNS_SERVFAIL || a->status == SPF_DNS_TIMEOUT)
		check_legacy_failure(l, k);
	switch (l->kind[k]) {
	case CHECK_LQ_DMPHOST:
		l->dmp_host = check_legacy_dmp_value(a);
		break;
	case CHECK_LQ_DMPDOM:
		l->dmp_dom = check_legacy_dmp_value(a);
		break;
	case CHECK_LQ_A:
		l->a_match |= check_legacy_near(l, a, c->a_prefix4,
		    c->a_prefix6);
		break;
	case CHECK_LQ_MXHOST:
		l->mx_match |= check_legacy_near(l, a, c->mx_prefix4,
		    c->mx_prefix6);
		break;
	case CHECK_LQ_MX:
		check_legacy_mx(l, a);
		break;
	}
	return 0;
}

/* check_legacy_step - hand out what is queued; wait; or done */
enum spf_step
check_legacy_step(struct check_legacy *l, const struct spf_question **qs,
    size_t *nq)
{
	size_t i, first = l->nasked;

	*nq = 0;
	if (l->nasked < l->nq) {
		*qs = &l->q[first];
		*nq = l->nq - first;
		l->nasked = l->nq;
		return SPF_STEP_QUERY;
	}
	for (i = 0; i < l->nq; i++)
		if (!l->answered[i])
			return SPF_STEP_WAIT;
	return SPF_STEP_DONE;
}

/* check_legacy_expire - the deadline: what is unanswered failed */
void
check_legacy_expire(struct check_legacy *l)
{
	size_t i;

	for (i = 0; i < l->nq; i++)
		if (!l->answered[i]) {
			l->answered[i] = 1;
			check_legacy_failure(l, i);
		}
	l->nasked = l->nq;
}

/* check_legacy_result - the seed's order (DESCRIPTION) */
void
check_legacy_result(const struct check_legacy *l, enum check_method *method,
    enum spf_result *result)
{
	*method = CHECK_M_NONE;
	*result = SPF_PASS;
	if (l->dmp_host != 0 || (l->dmp_dom < 0 && !l->dmp_host_failed)) {
		*method = CHECK_M_DMP;
		*result = (l->dmp_host != 0 ? l->dmp_host : l->dmp_dom) > 0 ?
		    SPF_PASS : SPF_FAIL;
	} else if (l->a_match)
		*method = CHECK_M_A;
	else if (l->mx_match)
		*method = CHECK_M_MX;
	else if (l->failed != CHECK_M_NONE) {
		*method = l->failed;
		*result = SPF_TEMPERROR;
	}
}

/* check_legacy_failed - did any answer fail? */
int
check_legacy_failed(const struct check_legacy *l)
{
	return l->failed != CHECK_M_NONE;
}

/* check_legacy_free - release the machine */
void
check_legacy_free(struct check_legacy *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->nq; i++)
		free(l->names[i]);
	free(l->domain);
	free(l);
}

/* check_legacy_job_step - the job's step */
static enum spf_step
check_legacy_job_step(void *obj, const struct spf_question **qs, size_t *n)
{
	return check_legacy_step(obj, qs, n);
}

/* check_legacy_job_feed - the job's feed */
static int
check_legacy_job_feed(void *obj, const struct spf_answer *a)
{
	return check_legacy_feed(obj, a);
}

/* check_legacy_job_expire - the job's deadline */
static void
check_legacy_job_expire(void *obj)
{
	check_legacy_expire(obj);
}

/* check_legacy_job - a job around the machine */
void
check_legacy_job(struct spf_job *job, struct check_legacy *l)
{
	job->obj = l;
	job->step = check_legacy_job_step;
	job->feed = check_legacy_job_feed;
	job->expire = check_legacy_job_expire;
}
