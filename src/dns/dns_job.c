/*
 * NAME
 *	dns_job 3
 * SUMMARY
 *	jobs around the SPF query, the test-mode walkers and the check
 * SYNOPSIS
 *	#include "dns/dns.h"
 *
 *	void	dns_job_spf(struct dns_job *job, struct spf_query *q);
 *	void	dns_job_list(struct dns_job *job, struct spf_list *sl);
 *	void	dns_job_check(struct dns_job *job, struct check *c);
 *	void	dns_job_check_list(struct dns_job *job,
 *			struct check_list *l);
 * DESCRIPTION
 *	A struct dns_job is what the drivers (dns_zone_run(), dns_ub_start(),
 *	dns_ub_run_sync()) run.  These fill one in for an spf_query, an
 *	spf_list, a check or a check_list; the object stays the caller's,
 *	borrowed by the job until the driver is done with it.  The
 *	wrappers exist so that every call goes through a function of the
 *	exact pointer type.
 * DIAGNOSTICS
 *	None.
 * SEE ALSO
 *	spf.h, the step/feed contract.
 */
#include "check/check.h"
#include "dns/dns.h"

/* dns_job_spf_step - step an spf_query */
static enum spf_step
dns_job_spf_step(void *obj, const struct spf_question **qs, size_t *n)
{
	return spf_query_step(obj, qs, n);
}

/* dns_job_spf_feed - feed an spf_query */
static int
dns_job_spf_feed(void *obj, const struct spf_answer *a)
{
	return spf_query_feed(obj, a);
}

/* dns_job_spf_expire - an spf_query's deadline passed */
static void
dns_job_spf_expire(void *obj)
{
	spf_query_expire(obj);
}

/* dns_job_spf - a job around an spf_query */
void
dns_job_spf(struct dns_job *job, struct spf_query *q)
{
	job->obj = q;
	job->step = dns_job_spf_step;
	job->feed = dns_job_spf_feed;
	job->expire = dns_job_spf_expire;
}

/* dns_job_list_step - step the test-mode walker */
static enum spf_step
dns_job_list_step(void *obj, const struct spf_question **qs, size_t *n)
{
	return spf_list_step(obj, qs, n);
}

/* dns_job_list_feed - feed the test-mode walker */
static int
dns_job_list_feed(void *obj, const struct spf_answer *a)
{
	return spf_list_feed(obj, a);
}

/* dns_job_list_expire - the test-mode walker's deadline passed */
static void
dns_job_list_expire(void *obj)
{
	spf_list_expire(obj);
}

/* dns_job_list - a job around the test-mode walker (spf_list) */
void
dns_job_list(struct dns_job *job, struct spf_list *sl)
{
	job->obj = sl;
	job->step = dns_job_list_step;
	job->feed = dns_job_list_feed;
	job->expire = dns_job_list_expire;
}

/* dns_job_check_step - step a check */
static enum spf_step
dns_job_check_step(void *obj, const struct spf_question **qs, size_t *n)
{
	return check_step(obj, qs, n);
}

/* dns_job_check_feed - feed a check */
static int
dns_job_check_feed(void *obj, const struct spf_answer *a)
{
	return check_feed(obj, a);
}

/* dns_job_check_expire - a check's deadline passed */
static void
dns_job_check_expire(void *obj)
{
	check_expire(obj);
}

/* dns_job_check - a job around the check pipeline */
void
dns_job_check(struct dns_job *job, struct check *c)
{
	job->obj = c;
	job->step = dns_job_check_step;
	job->feed = dns_job_check_feed;
	job->expire = dns_job_check_expire;
}

/* dns_job_check_list_step - step the legacy tests' listing */
static enum spf_step
dns_job_check_list_step(void *obj, const struct spf_question **qs, size_t *n)
{
	return check_list_step(obj, qs, n);
}

/* dns_job_check_list_feed - feed the legacy tests' listing */
static int
dns_job_check_list_feed(void *obj, const struct spf_answer *a)
{
	return check_list_feed(obj, a);
}

/* dns_job_check_list_expire - the listing's deadline passed */
static void
dns_job_check_list_expire(void *obj)
{
	check_list_expire(obj);
}

/* dns_job_check_list - a job around the legacy tests' listing */
void
dns_job_check_list(struct dns_job *job, struct check_list *l)
{
	job->obj = l;
	job->step = dns_job_check_list_step;
	job->feed = dns_job_check_list_feed;
	job->expire = dns_job_check_list_expire;
}
