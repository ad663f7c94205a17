/*
 * NAME
 *	check_results 3
 * SUMMARY
 *	what an evaluation found, as the check keeps it
 * SYNOPSIS
 *	#include "check_int.h"
 *
 *	void	check_identity_set(struct check_identity *r,
 *			const struct spf_detail *d);
 *	void	check_identity_detail(const struct check_identity *r,
 *			struct spf_detail *d);
 *	void	check_results_clear(struct check_results *res);
 *	void	check_results_egress(struct check_results *res,
 *			const struct ipaddr *ip, enum spf_result r,
 *			const struct spf_detail *d);
 *	const char *check_sender_domain(const char *sender);
 *	const char *check_method_str(enum check_method m);
 * DESCRIPTION
 *	check_identity_set() copies what a finished SPF query found, in
 *	one allocation, so that the results outlive the query (they go to
 *	the message and to check_recent(3)).  Only the domain's own exp=
 *	text is kept as its explanation, not our default.
 *	check_identity_detail() gives them back as an spf_detail for the
 *	header writers of spf(3).  check_results_clear() frees and zeroes.
 *
 *	check_results_egress() adds the result of one egress address of
 *	the smarthost profile: the one that decides is the first fail, else
 *	the first temperror, else the first of all.
 *
 *	check_sender_domain() is the part of a sender after its last '@'
 *	(NULL for the null sender or an empty domain).
 * SEE ALSO
 *	check(3), spf(3).
 */
#include <stdlib.h>
#include <string.h>

#include "util/xmalloc.h"
#include "check_int.h"

#define CHECK_IDENTITY_STRINGS	5	/* the strings of a check_identity */

static const char *const check_method_names[] = {
	[CHECK_M_NONE] = "none",
	[CHECK_M_ACL] = "acl",
	[CHECK_M_EXEMPT] = "exempt",
	[CHECK_M_SPF] = "spf",
	[CHECK_M_DMP] = "dmp",
	[CHECK_M_A] = "a",
	[CHECK_M_MX] = "mx",
	[CHECK_M_DEFAULT] = "default",
	[CHECK_M_SMARTHOST] = "smarthost",
	[CHECK_M_BOUNCE] = "bounce",
};

/* check_method_str - "spf", "a", ... */
const char *
check_method_str(enum check_method m)
{
	if ((unsigned)m < sizeof(check_method_names) /
	    sizeof(check_method_names[0]))
		return check_method_names[m];
	return "none";
}

/* check_identity_clear - free one identity's strings */
static void
check_identity_clear(struct check_identity *r)
{
	free(r->store);
	free(r->received);
	memset(r, 0, sizeof(*r));
}

/* check_results_clear - free an evaluation's strings, zero it */
void
check_results_clear(struct check_results *res)
{
	check_identity_clear(&res->id[SPF_ID_MAILFROM]);
	check_identity_clear(&res->id[SPF_ID_HELO]);
	free(res->sh_ip);
	free(res->sh_explanation);
	memset(res, 0, sizeof(*res));
}

/* check_identity_set - copy what a finished query found */
void
check_identity_set(struct check_identity *r, const struct spf_detail *d)
{
	const char *src[CHECK_IDENTITY_STRINGS];
	const char **dst[CHECK_IDENTITY_STRINGS] = {
		&r->domain, &r->mechanism, &r->problem, &r->explanation,
		&r->sender,
	};
	size_t len[CHECK_IDENTITY_STRINGS], total = 0, i;
	char *s;

	check_identity_clear(r);
	r->checked = 1;
	r->result = d->result;
	r->identity = d->identity;
	src[0] = d->domain != NULL ? d->domain : "";
	src[1] = d->mechanism;
	src[2] = d->problem;
	/* only the domain's own exp= text is quoted as its words */
	src[3] = d->explanation_default ? NULL : d->explanation;
	src[4] = d->sender;
	for (i = 0; i < CHECK_IDENTITY_STRINGS; i++) {
		len[i] = src[i] != NULL ? strlen(src[i]) + 1 : 0;
		total += len[i];
	}
	r->store = s = xmalloc(total);
	for (i = 0; i < CHECK_IDENTITY_STRINGS; i++) {
		if (src[i] == NULL)
			continue;
		memcpy(s, src[i], len[i]);
		*dst[i] = s;
		s += len[i];
	}
}

/* check_identity_detail - r as an spf_detail (borrowing its strings) */
void
check_identity_detail(const struct check_identity *r, struct spf_detail *d)
{
	memset(d, 0, sizeof(*d));
	d->result = r->result;
	d->identity = r->identity;
	d->domain = r->domain;
	d->sender = r->sender;
	d->mechanism = r->mechanism;
	d->problem = r->problem;
	d->explanation = r->explanation;
}

/* check_sender_domain - the part after the last '@', or NULL */
const char *
check_sender_domain(const char *sender)
{
	const char *at;

	if (sender == NULL || *sender == 0)
		return NULL;
	at = strrchr(sender, '@');
	if (at == NULL)
		return sender;
	return at[1] != 0 ? at + 1 : NULL;
}

/* check_results_egress - one egress address's result: fail beats
 * temperror beats the rest, and the first of equals stays */
void
check_results_egress(struct check_results *res, const struct ipaddr *ip,
    enum spf_result r, const struct spf_detail *d)
{
	char text[IPADDR_STRLEN];

	if (res->sh_ip != NULL && !(r == SPF_FAIL && res->sh_result !=
	    SPF_FAIL) && !(r == SPF_TEMPERROR && res->sh_result !=
	    SPF_FAIL && res->sh_result != SPF_TEMPERROR))
		return;
	res->sh_result = r;
	ipaddr_format(ip, text);
	free(res->sh_ip);
	res->sh_ip = xstrdup(text);
	free(res->sh_explanation);
	res->sh_explanation = d != NULL && d->explanation != NULL ?
	    xstrdup(d->explanation) : NULL;
}
