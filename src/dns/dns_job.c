/*
 * NAME
 *	dns_job 3
 * SUMMARY
 *	jobs around the SPF query and the test-mode policy walker
 * SYNOPSIS
 *	#include "dns/dns.h"
 *
 *	void	dns_job_spf(struct dns_job *job, struct spf_query *q);
 *	void	dns_job_policy(struct dns_job *job, struct spf_policy *p);
 * DESCRIPTION
 *	A struct dns_job is what the drivers (dns_zone_run(), dns_ub_start(),
 *	dns_ub_run_sync()) run.  These fill one in for an spf_query or an
 *	spf_policy; the object stays the caller's, borrowed by the job until
 *	the driver is done with it.  The wrappers exist so that every call
 *	goes through a function of the exact pointer type.
 * DIAGNOSTICS
 *	None.
 * SEE ALSO
 *	spf.h, the step/feed contract.
 */
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

/* dns_job_policy_step - step the policy walker */
static enum spf_step
dns_job_policy_step(void *obj, const struct spf_question **qs, size_t *n)
{
	return spf_policy_step(obj, qs, n);
}

/* dns_job_policy_feed - feed the policy walker */
static int
dns_job_policy_feed(void *obj, const struct spf_answer *a)
{
	return spf_policy_feed(obj, a);
}

/* dns_job_policy_expire - the policy walker's deadline passed */
static void
dns_job_policy_expire(void *obj)
{
	spf_policy_expire(obj);
}

/* dns_job_policy - a job around the test-mode policy walker */
void
dns_job_policy(struct dns_job *job, struct spf_policy *p)
{
	job->obj = p;
	job->step = dns_job_policy_step;
	job->feed = dns_job_policy_feed;
	job->expire = dns_job_policy_expire;
}
