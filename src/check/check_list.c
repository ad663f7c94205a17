/*
 * NAME
 *	check_list 3
 * SUMMARY
 *	test mode: what RMXF's legacy tests would allow for a domain
 * SYNOPSIS
 *	#include "check/check.h"
 *
 *	struct check_list *check_list_new(const struct conf *c,
 *			const char *domain);
 *	enum spf_step check_list_step(struct check_list *l,
 *			const struct spf_question **qs, size_t *nq);
 *	int	check_list_feed(struct check_list *l,
 *			const struct spf_answer *a);
 *	void	check_list_expire(struct check_list *l);
 *	size_t	check_list_lines(const struct check_list *l,
 *			const struct check_list_line **lines);
 *	void	check_list_free(struct check_list *l);
 * DESCRIPTION
 *	The seed's test mode ("mxfilter user@domain") shows, after the SPF
 *	policy, what the tests without SPF would allow: DMP, the A and the
 *	MX neighbourhood.  This walker asks for what the configuration turns
 *	on (test_dmp, test_a, test_mx) and lists it, with the step/feed
 *	contract of spf(3):
 *
 *	DMP: the domain's default at _smtp_client.DOMAIN ("dmp=allow" or
 *	"dmp=deny"); a host's own record under it cannot be listed, only
 *	asked for one address, so the line says so.  A: the networks of
 *	a_prefix4 / a_prefix6 around the domain's A and AAAA records.  MX:
 *	the networks of mx_prefix4 / mx_prefix6 around the addresses of its
 *	MX hosts (at most CHECK_MAX_MX_HOSTS of them), as check(3) tests
 *	them.  A DNS failure is listed as an error line: the daemon would
 *	defer (the legacy temperror).
 *
 *	Lines and their strings belong to the walker.
 * SEE ALSO
 *	check(3), spf_list(3), rmxf(1).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/buf.h"
#include "util/domain.h"
#include "util/ipaddr.h"
#include "util/msg.h"
#include "util/xmalloc.h"
#include "check.h"

#define CHECK_LIST_MAX_Q	(4 + 2 * CHECK_MAX_MX_HOSTS)
#define CHECK_LIST_MAX_LINES	256
#define CHECK_LIST_DMP_NODE	"_smtp_client"

/* One question: what it is for, and its answer's records once in. */
struct check_list_q {
	struct spf_question q;
	enum check_method test;		/* DMP, A or MX (the MX record too) */
	int		asked;
	int		answered;
	enum spf_dns_status status;
	struct spf_rr  *rr;		/* copies */
	size_t		nrr;
	char	       *name;
};

struct check_list {
	const struct conf *conf;
	char	       *domain;
	struct check_list_q qs[CHECK_LIST_MAX_Q];
	size_t		nq;
	int		mx_hosts_asked;
	struct spf_question out[CHECK_LIST_MAX_Q];
	struct check_list_line lines[CHECK_LIST_MAX_LINES];
	size_t		nlines;
	char	       *texts[CHECK_LIST_MAX_LINES];
	int		done;
};

/* check_list_ask - queue one question */
static void
check_list_ask(struct check_list *l, enum check_method test,
    enum spf_rrtype type, const char *name)
{
	struct check_list_q *q;

	if (l->nq == CHECK_LIST_MAX_Q)
		msg_panic("check_list_ask: too many questions");
	q = &l->qs[l->nq];
	memset(q, 0, sizeof(*q));
	q->name = xstrdup(name);
	q->q.id = (unsigned)l->nq + 1;
	q->q.type = type;
	q->q.name = q->name;
	q->test = test;
	l->nq++;
}

/* check_list_new - the walker for one domain under a configuration */
struct check_list *
check_list_new(const struct conf *c, const char *domain)
{
	struct check_list *l = xcalloc(1, sizeof(*l));
	struct buf n;

	l->conf = c;
	l->domain = xstrdup(domain);
	if (c->test_dmp) {
		buf_init(&n, DOMAIN_MAX_LEN + 1);
		buf_printf(&n, "%s.%s", CHECK_LIST_DMP_NODE, domain);
		if (!n.overflow && n.len <= DOMAIN_MAX_LEN)
			check_list_ask(l, CHECK_M_DMP, SPF_RR_TXT, n.data);
		buf_free(&n);
	}
	if (c->test_a) {
		check_list_ask(l, CHECK_M_A, SPF_RR_A, domain);
		check_list_ask(l, CHECK_M_A, SPF_RR_AAAA, domain);
	}
	if (c->test_mx)
		check_list_ask(l, CHECK_M_MX, SPF_RR_MX, domain);
	return l;
}

/* check_list_line - one more line; text copied */
static struct check_list_line *
check_list_line(struct check_list *l, enum check_method test,
    enum check_list_kind kind, const char *text)
{
	struct check_list_line *line;

	if (l->nlines == CHECK_LIST_MAX_LINES)
		return NULL;
	line = &l->lines[l->nlines];
	memset(line, 0, sizeof(*line));
	line->test = test;
	line->kind = kind;
	line->qual = '+';
	if (text != NULL)
		line->text = l->texts[l->nlines] = xstrdup(text);
	l->nlines++;
	return line;
}

/* check_list_nets - NET lines for an answer's addresses */
static void
check_list_nets(struct check_list *l, const struct check_list_q *q,
    const char *host)
{
	const struct conf *c = l->conf;
	struct check_list_line *line;
	size_t i;
	int v6;

	for (i = 0; i < q->nrr; i++) {
		if ((line = check_list_line(l, q->test, CHECK_LIST_NET,
		    host)) == NULL)
			return;
		v6 = q->rr[i].addr.family == 6;
		line->net = q->rr[i].addr;
		line->bits = q->test == CHECK_M_A ?
		    (v6 ? c->a_prefix6 : c->a_prefix4) :
		    (v6 ? c->mx_prefix6 : c->mx_prefix4);
		ipaddr_mask(&line->net, line->bits);
	}
}

/* check_list_dmp - the DMP line of the domain's default record */
static void
check_list_dmp(struct check_list *l, const struct check_list_q *q)
{
	struct check_list_line *line;
	int deny = 0, allow = 0;
	size_t i;

	for (i = 0; i < q->nrr; i++) {
		if (q->rr[i].len == 8 && strncasecmp(q->rr[i].data,
		    "dmp=deny", 8) == 0)
			deny = 1;
		else if (q->rr[i].len == 9 && strncasecmp(q->rr[i].data,
		    "dmp=allow", 9) == 0)
			allow = 1;
	}
	if (!deny && !allow) {
		check_list_line(l, CHECK_M_DMP, CHECK_LIST_NOTE, "no DMP "
		    "default: only a host's own record decides");
		return;
	}
	if ((line = check_list_line(l, CHECK_M_DMP, CHECK_LIST_DMP,
	    l->domain)) != NULL)
		line->qual = deny ? '-' : '+';
	check_list_line(l, CHECK_M_DMP, CHECK_LIST_NOTE, deny ?
	    "every host without a record of its own is refused" :
	    "the default allows nothing by itself: A and MX decide");
}

/* check_list_error - a DNS failure, as the daemon would meet it */
static void
check_list_error(struct check_list *l, const struct check_list_q *q)
{
	struct buf b;

	buf_init(&b, 512);
	buf_printf(&b, "DNS %s for %s %s: the daemon would defer",
	    spf_dns_status_str(q->status), spf_rrtype_str(q->q.type),
	    q->name);
	check_list_line(l, q->test, CHECK_LIST_ERROR, b.data);
	buf_free(&b);
}

/* check_list_make - every answer is in: the listing, in the seed's order */
static void
check_list_make(struct check_list *l)
{
	static const enum check_method order[] = {
		CHECK_M_DMP, CHECK_M_A, CHECK_M_MX,
	};
	const struct check_list_q *q;
	size_t k, i, before;
	int asked;

	for (k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
		before = l->nlines;
		asked = 0;
		for (i = 0; i < l->nq; i++) {
			q = &l->qs[i];
			if (q->test != order[k])
				continue;
			asked = 1;
			if (q->status != SPF_DNS_OK &&
			    q->status != SPF_DNS_NXDOMAIN)
				check_list_error(l, q);
			else if (q->test == CHECK_M_DMP)
				check_list_dmp(l, q);
			else if (q->q.type != SPF_RR_MX)
				check_list_nets(l, q, q->test == CHECK_M_A ?
				    l->domain : q->name);
			else if (q->nrr == 0)
				check_list_line(l, CHECK_M_MX,
				    CHECK_LIST_NOTE, "no MX records");
		}
		if (asked && l->nlines == before)
			check_list_line(l, order[k], CHECK_LIST_NOTE,
			    order[k] == CHECK_M_A ? "no A or AAAA records: "
			    "no neighbourhood" : "no addresses for the MX "
			    "hosts: no neighbourhood");
	}
}

/* check_list_mx_hosts - the MX answer is in: ask for its hosts */
static void
check_list_mx_hosts(struct check_list *l, const struct check_list_q *mx)
{
	size_t i, n = 0;

	l->mx_hosts_asked = 1;
	for (i = 0; i < mx->nrr && n < CHECK_MAX_MX_HOSTS; i++) {
		if (mx->rr[i].len == 0 || mx->rr[i].data == NULL)
			continue;	/* null MX, RFC 7505 */
		check_list_ask(l, CHECK_M_MX, SPF_RR_A, mx->rr[i].data);
		check_list_ask(l, CHECK_M_MX, SPF_RR_AAAA, mx->rr[i].data);
		n++;
	}
}

/* check_list_step - hand out what is not asked yet, or finish */
enum spf_step
check_list_step(struct check_list *l, const struct spf_question **qs,
    size_t *nq)
{
	size_t i, n = 0, waiting = 0;

	*nq = 0;
	if (l->done)
		return SPF_STEP_DONE;
	for (i = 0; i < l->nq; i++) {
		if (!l->mx_hosts_asked && l->qs[i].answered &&
		    l->qs[i].q.type == SPF_RR_MX)
			check_list_mx_hosts(l, &l->qs[i]);
	}
	for (i = 0; i < l->nq; i++) {
		if (!l->qs[i].asked) {
			l->qs[i].asked = 1;
			l->out[n++] = l->qs[i].q;
		}
		if (!l->qs[i].answered)
			waiting++;
	}
	if (n > 0) {
		*qs = l->out;
		*nq = n;
		return SPF_STEP_QUERY;
	}
	if (waiting > 0)
		return SPF_STEP_WAIT;
	check_list_make(l);
	l->done = 1;
	return SPF_STEP_DONE;
}

/* check_list_feed - one answer; its records of the asked type copied */
int
check_list_feed(struct check_list *l, const struct spf_answer *a)
{
	struct check_list_q *q;
	size_t i, n = 0;

	if (a->id == 0 || a->id > l->nq || l->qs[a->id - 1].answered)
		return -1;
	q = &l->qs[a->id - 1];
	q->answered = 1;
	q->status = a->status;
	if (a->status != SPF_DNS_OK || a->nrr == 0)
		return 0;
	q->rr = xcalloc(a->nrr, sizeof(*q->rr));
	for (i = 0; i < a->nrr; i++) {
		if (a->rr[i].type != q->q.type)
			continue;
		q->rr[n] = a->rr[i];
		q->rr[n].data = a->rr[i].data != NULL ?
		    xmemdup(a->rr[i].data, a->rr[i].len) : NULL;
		n++;
	}
	q->nrr = n;
	return 0;
}

/* check_list_expire - what has no answer yet timed out */
void
check_list_expire(struct check_list *l)
{
	size_t i;

	for (i = 0; i < l->nq; i++)
		if (!l->qs[i].answered) {
			l->qs[i].asked = l->qs[i].answered = 1;
			l->qs[i].status = SPF_DNS_TIMEOUT;
		}
	l->mx_hosts_asked = 1;
}

/* check_list_lines - the listing, once DONE */
size_t
check_list_lines(const struct check_list *l,
    const struct check_list_line **lines)
{
	*lines = l->lines;
	return l->nlines;
}

/* check_list_free - release everything */
void
check_list_free(struct check_list *l)
{
	size_t i, k;

	if (l == NULL)
		return;
	for (i = 0; i < l->nq; i++) {
		for (k = 0; k < l->qs[i].nrr; k++)
			free((void *)l->qs[i].rr[k].data);
		free(l->qs[i].rr);
		free(l->qs[i].name);
	}
	for (i = 0; i < l->nlines; i++)
		free(l->texts[i]);
	free(l->domain);
	free(l);
}

/* check_list_job_step - the job's step */
static enum spf_step
check_list_job_step(void *obj, const struct spf_question **qs, size_t *n)
{
	return check_list_step(obj, qs, n);
}

/* check_list_job_feed - the job's feed */
static int
check_list_job_feed(void *obj, const struct spf_answer *a)
{
	return check_list_feed(obj, a);
}

/* check_list_job_expire - the job's deadline */
static void
check_list_job_expire(void *obj)
{
	check_list_expire(obj);
}

/* check_list_job - a job around the walker, for the drivers of dns(3) */
void
check_list_job(struct spf_job *job, struct check_list *l)
{
	job->obj = l;
	job->step = check_list_job_step;
	job->feed = check_list_job_feed;
	job->expire = check_list_job_expire;
}
