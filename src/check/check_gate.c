/*
 * NAME
 *	check_gate 3
 * SUMMARY
 *	what can be decided about an envelope without DNS
 * SYNOPSIS
 *	#include "check_int.h"
 *
 *	void	check_gate(const struct check_env *env,
 *			const struct check_envelope *in, long long now,
 *			struct check_gate *g);
 *	void	check_spf_params(const struct check_env *env,
 *			const struct check_envelope *in,
 *			const struct ipaddr *ip, enum spf_identity id,
 *			long long now, const char *receiver,
 *			struct spf_params *p);
 *
 *	#include "check/check.h"
 *
 *	void	check_envelope_policy(struct check_envelope *in,
 *			const struct policy_request *req);
 * DESCRIPTION
 *	check_gate() walks RMXF's first steps in order and says where the
 *	envelope goes (g->route):
 *
 *	1. the DATA stage: the message's second result header, if any
 *	   (check_decide_data(3)); a stage other than RCPT: nothing to
 *	   say (a decision and its first header belong to RCPT; PREPEND
 *	   is refused after DATA, and the empty sender of a CONNECT or
 *	   HELO request is no bounce);
 *	2. no usable client address: nothing checked;
 *	3. the smarthost profile (smarthost_egress set, and a SASL login
 *	   or one of smarthost_contexts): unauthenticated or the null
 *	   sender pass untouched, the rest go to the egress checks; the
 *	   recipient ACL belongs to the inbound profile only;
 *	4. the recipient ACL: skip;
 *	5. exempt_networks, trusted_relays, exempt_authenticated;
 *	6. the bounce check (check_bounce(3)): a forged bounce needs no SPF;
 *	7. everything else: SPF and the legacy tests.
 *
 *	Fixed answers carry the method and a why for the log; g->acl is the
 *	recipient's ACL entry (NULL: none), g->ip the client address once
 *	it parsed.
 *
 *	check_spf_params() fills the parameters of one SPF query for the
 *	envelope: the address (the client's, or an egress address), the
 *	identity, the receiver name for %{r} and the headers, and the
 *	configuration's limits, request_timeout its deadline.  p borrows
 *	the envelope's strings.
 *
 *	check_envelope_policy() fills an envelope from a Postfix policy
 *	request (borrowing its strings): the stage is RCPT when
 *	protocol_state is RCPT in any case, missing or empty (a request
 *	from an older client), DATA for DATA or BDAT (Postfix applies
 *	smtpd_data_restrictions at the first BDAT of a CHUNKING client),
 *	else other; header_sent is 0, the front end's to set.
 * SEE ALSO
 *	check(3), check_bounce(3), acl(3).
 */
#include <string.h>
#include <strings.h>

#include "acl/acl.h"
#include "policy/policy.h"
#include "check_int.h"

/* check_gate_smarthost - does the envelope select the smarthost profile? */
static int
check_gate_smarthost(const struct conf *c, const struct check_envelope *in)
{
	size_t i;

	if (c->smarthost_egress.n == 0)
		return 0;
	if (in->sasl_username != NULL && *in->sasl_username != 0)
		return 1;
	if (in->policy_context == NULL)
		return 0;
	for (i = 0; i < c->smarthost_contexts.n; i++)
		if (strcmp(c->smarthost_contexts.v[i], in->policy_context) == 0)
			return 1;
	return 0;
}

/* check_gate_fixed - decided: method and why */
static void
check_gate_fixed(struct check_gate *g, enum check_method m, const char *why)
{
	g->route = CHECK_R_FIXED;
	g->method = m;
	g->why = why;
}

/* check_gate_profile - smarthost, or the inbound exemptions; 1 decided */
static int
check_gate_profile(const struct check_env *env,
    const struct check_envelope *in, struct check_gate *g)
{
	const struct conf *c = env->conf;

	if (check_gate_smarthost(c, in)) {
		if (in->sasl_username == NULL || *in->sasl_username == 0)
			check_gate_fixed(g, CHECK_M_SMARTHOST,
			    "unauthenticated");
		else if (check_sender_domain(in->sender) == NULL)
			check_gate_fixed(g, CHECK_M_SMARTHOST, "null-sender");
		else
			g->route = CHECK_R_SMARTHOST;
		return 1;
	}
	if (in->recipient != NULL && env->acl != NULL)
		g->acl = acl_lookup(env->acl, in->recipient);
	if (g->acl != NULL && g->acl->action == ACL_SKIP)
		check_gate_fixed(g, CHECK_M_ACL, "skip");
	else if (conf_nets_has(&c->exempt_networks, &g->ip))
		check_gate_fixed(g, CHECK_M_EXEMPT, "exempt-network");
	else if (conf_nets_has(&c->trusted_relays, &g->ip))
		check_gate_fixed(g, CHECK_M_EXEMPT, "trusted-relay");
	else if (c->exempt_authenticated && in->sasl_username != NULL &&
	    *in->sasl_username != 0)
		check_gate_fixed(g, CHECK_M_EXEMPT, "authenticated");
	else
		return 0;
	return 1;
}

/* check_gate - where the envelope goes (DESCRIPTION) */
void
check_gate(const struct check_env *env, const struct check_envelope *in,
    long long now, struct check_gate *g)
{
	memset(g, 0, sizeof(*g));
	if (in->stage == CHECK_STAGE_DATA) {
		g->route = CHECK_R_DATA;
		return;
	}
	if (in->stage != CHECK_STAGE_RCPT) {
		check_gate_fixed(g, CHECK_M_NONE, "state");
		return;
	}
	if (in->client_address == NULL ||
	    ipaddr_parse(in->client_address, &g->ip) != 0) {
		check_gate_fixed(g, CHECK_M_NONE, "no-client-address");
		return;
	}
	if (check_gate_profile(env, in, g))
		return;
	g->bounce = check_bounce(env, in, now, &g->why);
	g->route = g->bounce == CHECK_B_REJECT || g->bounce == CHECK_B_GRACE ?
	    CHECK_R_BOUNCE : CHECK_R_INBOUND;
}

/* check_envelope_policy - an envelope from a policy request */
void
check_envelope_policy(struct check_envelope *in,
    const struct policy_request *req)
{
	memset(in, 0, sizeof(*in));
	in->client_address = req->client_address;
	in->helo = req->helo_name;
	in->sender = req->sender;
	in->recipient = req->recipient;
	in->sasl_username = req->sasl_username;
	in->policy_context = req->policy_context;
	in->queue_id = req->queue_id;
	in->stage = req->protocol_state == NULL ||
	    *req->protocol_state == 0 ||
	    strcasecmp(req->protocol_state, "RCPT") == 0 ?
	    CHECK_STAGE_RCPT : strcasecmp(req->protocol_state, "DATA") == 0 ||
	    strcasecmp(req->protocol_state, "BDAT") == 0 ?
	    CHECK_STAGE_DATA : CHECK_STAGE_OTHER;
}

/* check_spf_params - one SPF query's parameters for the envelope */
void
check_spf_params(const struct check_env *env, const struct check_envelope *in,
    const struct ipaddr *ip, enum spf_identity id, long long now,
    const char *receiver, struct spf_params *p)
{
	const struct conf *conf = env->conf;

	spf_params_init(p);
	p->ip = *ip;
	p->sender = in->sender != NULL ? in->sender : "";
	p->helo = in->helo != NULL ? in->helo : "";
	p->receiver = receiver;
	p->identity = id;
	p->now = now;
	p->rcache = env->rcache;
	p->limits.dns_terms = conf->spf_max_dns_terms;
	p->limits.void_lookups = conf->spf_max_void_lookups;
	p->limits.mx_addrs = conf->spf_max_mx_addrs;
	p->limits.ptr_addrs = conf->spf_max_ptr_addrs;
	p->limits.timeout_ms = conf->request_timeout;
}
