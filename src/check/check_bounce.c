/*
 * NAME
 *	check_bounce 3
 * SUMMARY
 *	the bounce check: a null sender to one of our signing domains must
 *	come back to a signed address (BATV prvs or SRS)
 * SYNOPSIS
 *	#include "check/check_int.h"
 *
 *	enum check_bounce check_bounce(const struct check_env *env,
 *			const struct check_envelope *in, long long now,
 *			const char **why);
 * DESCRIPTION
 *	Backscatter is a bounce (MAIL FROM:<>) to an address that never
 *	sent the message bounced.  Our outgoing mail carries a signed
 *	envelope sender (rmxfd's sign and srs_forward socketmaps), so a
 *	genuine bounce comes back to a signed address.  check_bounce()
 *	looks at one envelope:
 *
 *	CHECK_B_NA: not our business: bounce checking is off (no SES key
 *	ring), the sender is not null, there is no recipient, or the
 *	recipient's domain is neither in ses_domains nor srs_domain;
 *
 *	CHECK_B_SIGNED: the recipient carries a valid, unexpired prvs
 *	signature (key ring ses_keys, lifetime ses_lifetime) or is a valid
 *	SRS address (srs_secrets, srs_max_age);
 *
 *	CHECK_B_REJECT: none of that; *why says what was wrong ("unsigned
 *	address", or the signature's fault: "bad signature", "expired",
 *	...);
 *
 *	CHECK_B_GRACE: an unsigned address, but today is within
 *	ses_grace_period days of ses_signing_since: the bounce may answer
 *	mail sent before we signed, so it is only marked (a forged or
 *	expired tag cannot be that: still CHECK_B_REJECT).
 *
 *	"today" is now / 86400, the day number both BATV and SRS count in
 *	(UTC).
 * DIAGNOSTICS
 *	Pure; *why is static text.
 * SEE ALSO
 *	ses(3), draft-levine-smtp-batv, rmxf.conf(5).
 */
#include <string.h>
#include <strings.h>

#include "ses/ses.h"
#include "util/buf.h"
#include "check_int.h"

#define CHECK_DAY_SECONDS	86400

/* check_bounce_ours - is dom (len) one of our signing domains? */
static int
check_bounce_ours(const struct conf *c, const char *dom, size_t len)
{
	size_t i;

	for (i = 0; i < c->ses_domains.n; i++)
		if (strlen(c->ses_domains.v[i]) == len &&
		    strncasecmp(c->ses_domains.v[i], dom, len) == 0)
			return 1;
	return *c->srs_domain != 0 && strlen(c->srs_domain) == len &&
	    strncasecmp(c->srs_domain, dom, len) == 0;
}

/* check_bounce - is this a bounce to an unsigned address of ours? */
enum check_bounce
check_bounce(const struct check_env *env, const struct check_envelope *in,
    long long now, const char **why)
{
	const struct conf *c = env->conf;
	const char *rcpt = in->recipient, *dom;
	struct ses_srs_opts so;
	enum ses_status st = SES_NOT_OURS;
	long today = (long)(now / CHECK_DAY_SECONDS), since;
	size_t len, dlen;
	struct buf plain;

	*why = NULL;
	if (env->ses_ring == NULL || in->sender == NULL ||
	    *in->sender != 0 || rcpt == NULL || *rcpt == 0)
		return CHECK_B_NA;
	len = strlen(rcpt);
	if ((dom = ses_addr_domain(rcpt, len, &dlen)) == NULL ||
	    !check_bounce_ours(c, dom, dlen))
		return CHECK_B_NA;
	buf_init(&plain, SES_MAX_ADDR);
	if (ses_batv_is_prvs(rcpt, len))
		st = ses_batv_verify_fold(env->ses_ring, rcpt, len, today,
		    c->ses_lifetime, &plain);
	else if (env->srs_ring != NULL && ses_srs_is_srs(rcpt, len)) {
		memset(&so, 0, sizeof(so));
		so.domain = c->srs_domain;
		so.max_age = c->srs_max_age;
		so.separator = c->srs_separator;
		so.base64url = c->srs_base64url;
		st = ses_srs_reverse(env->srs_ring, &so, rcpt, len, today,
		    &plain);
	}
	buf_free(&plain);
	if (st == SES_OK)
		return CHECK_B_SIGNED;
	*why = st == SES_NOT_OURS ? "unsigned address" : ses_status_str(st);
	/* the grace period is for mail sent before we signed: unsigned
	 * return addresses only; a forged or expired tag is never old mail */
	since = *c->ses_signing_since != 0 ?
	    conf_date_days(c->ses_signing_since, NULL) : -1;
	if (st == SES_NOT_OURS && since >= 0 && today < since +
	    (long)c->ses_grace_period)
		return CHECK_B_GRACE;
	return CHECK_B_REJECT;
}
