/*
 * NAME
 *	mda_auth 3
 * SUMMARY
 *	rmxf procmail: DKIM and DMARC for the whole message
 * SYNOPSIS
 *	#include "mda/mda.h"
 *
 *	int	mda_auth_line(const struct mda_auth *in, const char *msg,
 *			size_t len, struct buf *line, struct buf *log,
 *			char *err, size_t errlen);
 * DESCRIPTION
 *	mda_auth_line() verifies the DKIM signatures of the message (the
 *	whole of it, as procmail hands it over: an mbox "From " line
 *	first is skipped) and evaluates its DMARC policy over the SPF
 *	result in->spf (auth(3)), with the zone file in->zone or
 *	libunbound forwarding to in->forwarders (NULL: the servers of
 *	/etc/resolv.conf), and puts into line the header line to add,
 *	"Authentication-Results: ID; dkim=...; dmarc=...", without its
 *	line end, and into log the decision's log fields.  Of the
 *	configuration test_dkim, test_dmarc, dkim_max_signatures,
 *	dns_timeout and request_timeout count; the actions do not (procmail
 *	only marks).
 * DIAGNOSTICS
 *	0; -1 when the zone or the resolver is unusable (err says why).
 * SEE ALSO
 *	mda_procmail(3), auth(3), RFC 8601.
 */
#include <string.h>
#include <time.h>

#include "auth/auth.h"
#include "dns/dns.h"
#include "mda/mda.h"
#include "util/buf.h"

/* mda_auth_run - run the job on the zone or libunbound; -1: unusable */
static int
mda_auth_run(const struct mda_auth *in, struct spf_job *job, char *err,
    size_t errlen)
{
	struct dns_ub_opts ub;
	struct dns_zone *zone;

	if (in->zone != NULL) {
		if ((zone = dns_zone_load(in->zone, err, errlen)) == NULL)
			return -1;
		dns_zone_run(zone, job);
		dns_zone_free(zone);
		return 0;
	}
	memset(&ub, 0, sizeof(ub));
	ub.timeout_ms = in->conf->dns_timeout < in->conf->request_timeout ?
	    in->conf->dns_timeout : in->conf->request_timeout;
	ub.forwarders = in->forwarders;
	return dns_ub_run_sync(&ub, job, err, errlen);
}

/* mda_auth_line - the Authentication-Results line and the log fields */
int
mda_auth_line(const struct mda_auth *in, const char *msg, size_t len,
    struct buf *line, struct buf *log, char *err, size_t errlen)
{
	const struct auth_decision *dec;
	struct auth_in ai;
	struct spf_job job;
	struct auth *a;
	int r = -1;

	a = auth_new(in->conf, (long long)time(NULL), NULL);
	auth_message(a, msg, len);
	auth_job(&job, a);
	err[0] = 0;
	if (mda_auth_run(in, &job, err, errlen) < 0)
		goto out;
	memset(&ai, 0, sizeof(ai));
	ai.authserv_id = in->authserv_id;
	ai.spf_checked = in->spf_checked;
	ai.spf = in->spf;
	ai.spf_domain = in->spf_domain;
	ai.nodmarc = 1;			/* procmail marks, never more */
	dec = auth_decide(a, &ai);
	buf_puts(line, "Authentication-Results: ");
	buf_puts(line, dec->header_value);
	buf_puts(log, dec->log);
	if ((r = line->overflow ? -1 : 0) < 0 && errlen > 0) {
		strncpy(err, "header too long", errlen - 1);
		err[errlen - 1] = 0;
	}
out:
	auth_free(a);
	return r;
}
