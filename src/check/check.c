/*
 * NAME
 *	check 3
 * SUMMARY
 *	RMXF's pipeline for one policy request as a step/feed state machine
 * SYNOPSIS
 *	#include "check/check.h"
 *
 *	See check.h for the whole interface.
 * DESCRIPTION
 *	check_new() walks the steps that need no DNS: the recipient ACL
 *	(skip answers DUNNO), the profile (smarthost when smarthost_egress
 *	is set and the request has a smarthost policy_context or a
 *	sasl_username), the exemptions of the inbound profile
 *	(exempt_networks, trusted_relays, exempt_authenticated), and the
 *	memo (a result of the same message is reused).  Otherwise it starts
 *	SPF queries: MAIL FROM (test_spf) and HELO (test_helo) in parallel,
 *	or, in the smarthost profile, one per egress address.
 *
 *	check_step() steps every unfinished query and forwards its new
 *	questions under ids of our own (a table maps them back).  When
 *	the MAIL FROM result is none (or neutral with legacy_on_neutral)
 *	the legacy tests start: test_a asks the sender domain's A or AAAA
 *	(the client's family), test_mx its MX and then the hosts'
 *	addresses (at most CHECK_MAX_MX_HOSTS); the client within
 *	a_prefix4/6 or mx_prefix4/6 of one of them is a legacy pass.  A
 *	DNS failure (SERVFAIL, timeout, the deadline) in a legacy test that
 *	nothing else decided is a legacy temperror, answered like SPF's
 *	(defer by default): the seed's 450 on DNS trouble holds for every
 *	test, and an unknown answer never falls through to default_result
 *	and its reject.  test_dmp asks,
 *	at the same time, the TXT records of the client's node under
 *	_smtp_client of the sender domain (its reversed address below
 *	in-addr or ip6) and of _smtp_client itself (draft-fecyk-dmp, RFC
 *	1464 "dmp=allow" / "dmp=deny"): the client's own record decides
 *	pass or fail, else a domain default of deny is a fail (unless the
 *	client's own record could not be read); DMP comes first (the
 *	seed's order), then A, then MX.
 *
 *	When nothing is outstanding the decision is made (check_decide.c)
 *	and the memo updated.
 *
 *	Smarthost profile: an authenticated request is checked with the
 *	sender domain's SPF for each egress address; a fail for any of
 *	them is rejected (reject_code, reject_enhanced_code), a temperror
 *	deferred, anything else is DUNNO without a header.  Requests
 *	without sasl_username, or with the null sender, pass untouched.
 * DIAGNOSTICS
 *	check_feed() returns -1 for an id that is not outstanding.
 * SEE ALSO
 *	check(3), check_decide(3), spf(3).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "acl/acl.h"
#include "policy/policy.h"
#include "util/buf.h"
#include "util/domain.h"
#include "util/ipaddr.h"
#include "util/msg.h"
#include "util/xmalloc.h"
#include "check_int.h"

#define CHECK_SLOT_MAILFROM	0
#define CHECK_SLOT_HELO		1
#define CHECK_SLOT_EGRESS	2	/* .. + CHECK_MAX_EGRESS */
#define CHECK_NSLOTS		(CHECK_SLOT_EGRESS + CHECK_MAX_EGRESS)
#define CHECK_EXPIRE_STEPS	64	/* steps an expired query may take */
#define CHECK_SLOT_A		(-1)	/* legacy questions */
#define CHECK_SLOT_MX		(-2)
#define CHECK_SLOT_MXHOST	(-3)
#define CHECK_SLOT_DMPHOST	(-4)	/* <rev-ip>.in-addr._smtp_client.D */
#define CHECK_SLOT_DMPDOM	(-5)	/* _smtp_client.D */

/* DMP (draft-fecyk-dmp): the node under the sender domain and its TXT */
#define CHECK_DMP_NODE		"_smtp_client"
#define CHECK_DMP_ALLOW		"dmp=allow"
#define CHECK_DMP_DENY		"dmp=deny"

/* One question asked and not yet answered. */
struct check_out {
	unsigned	id;		/* ours */
	int		slot;		/* CHECK_SLOT_* or a query slot */
	unsigned	subid;		/* the query's own id */
};

struct check_qvec {
	struct spf_question *v;
	size_t		n;
	size_t		cap;
	struct spf_question *store;	/* where v starts, in struct check */
};

struct check {
	const struct check_env *env;
	struct check_memo *memo;
	const struct policy_request *req;
	long long	now;
	struct ipaddr	ip;
	const char     *authserv_id;
	const struct acl_entry *acl;
	int		smarthost;

	struct spf_params params[CHECK_NSLOTS];
	struct spf_query *q[CHECK_NSLOTS];
	int		qdone[CHECK_NSLOTS];
	size_t		negress;

	/* legacy tests */
	int		legacy_started;
	char	       *ldomain;
	int		a_match;
	int		mx_match;
	char	       *mxhost[CHECK_MAX_MX_HOSTS];
	size_t		nmxhost;
	char	       *dmpname[2];	/* host and domain question names */
	int		dmp_host;	/* 1 allow, -1 deny, 0 nothing */
	int		dmp_dom;
	enum check_method legacy_temp;	/* the first legacy test whose DNS
					 * failed or timed out; NONE: none */
	int		dmp_host_temp;	/* ... the client's own DMP node */

	struct check_out *out;
	size_t		nout;
	size_t		outcap;
	unsigned	next_id;
	struct check_qvec pending;	/* legacy questions not yet asked */
	struct check_qvec asked;	/* what the last step returned */

	struct check_eval ev;
	int		cached;		/* CHECK_CACHED_* */
	int		nocache;	/* a DNS failure or the deadline: keep
					 * the evaluation out of check_cache */
	unsigned	dns_queries;
	int		done;
	struct check_decision dec;
	struct buf	action;
	struct buf	log;
	/* Storage that needs no zeroes, from action_store to the end:
	 * where action, log and the vectors start (most requests never
	 * need more, and so make no allocation for them) */
	char		action_store[CHECK_ACTION_STORE];
	char		log_store[CHECK_LOG_STORE];
	struct check_out out_store[CHECK_VEC_STORE];
	struct spf_question pending_store[CHECK_VEC_STORE];
	struct spf_question asked_store[CHECK_VEC_STORE];
};

/* check_new zeroes everything before action_store: the stores come last */
_Static_assert(offsetof(struct check, asked_store) > offsetof(struct check,
    action_store) && sizeof(struct check) - offsetof(struct check,
    asked_store) - sizeof(((struct check *)0)->asked_store) <
    _Alignof(struct check),
    "the stores of struct check must be its last members");

/* check_grow - room for more in a vector that starts in its store */
static void *
check_grow(void *v, const void *store, size_t *cap, size_t size)
{
	size_t ncap = 2 * *cap;
	void *p;

	if (v == store) {
		p = xmalloc(ncap * size);
		memcpy(p, v, *cap * size);
	} else
		p = xrealloc(v, ncap * size);
	*cap = ncap;
	return p;
}

/* check_memo_new - an empty memo for one connection */
struct check_memo *
check_memo_new(void)
{
	struct check_memo *m = xcalloc(1, sizeof(struct check_memo));

	/* the values were bounded where the request was read */
	buf_init(&m->keys, SIZE_MAX);
	return m;
}

/* check_memo_reset - forget the message; keep the storage of the keys */
static void
check_memo_reset(struct check_memo *m)
{
	check_eval_clear(&m->ev);
	buf_reset(&m->keys);
	m->valid = 0;
	m->instance = m->client = m->helo = m->sender = NULL;
	m->header_done = m->header_read = 0;
}

/* check_memo_free - release a memo */
void
check_memo_free(struct check_memo *m)
{
	if (m == NULL)
		return;
	check_memo_reset(m);
	buf_free(&m->keys);
	free(m);
}

/* check_memo_key - a copy of s (NUL and all) at the end of the keys;
 * its offset, or SIZE_MAX for NULL */
static size_t
check_memo_key(struct check_memo *m, const char *s)
{
	size_t off = m->keys.len;

	if (s == NULL)
		return SIZE_MAX;
	buf_append(&m->keys, s, strlen(s) + 1);
	return off;
}

/* check_memo_keep - remember which message the memo's evaluation is of */
static void
check_memo_keep(struct check_memo *m, const struct policy_request *r)
{
	size_t o[4];
	const char **f[4] = { &m->instance, &m->client, &m->helo, &m->sender };
	size_t i;

	o[0] = check_memo_key(m, r->instance);
	o[1] = check_memo_key(m, r->client_address);
	o[2] = check_memo_key(m, r->helo_name);
	o[3] = check_memo_key(m, r->sender);
	/* pointers only now: the appends may have moved the storage */
	for (i = 0; i < 4; i++)
		*f[i] = o[i] == SIZE_MAX ? NULL : m->keys.data + o[i];
	m->valid = 1;
}

/* check_streq - both NULL or equal */
static int
check_streq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* check_memo_same - does the memo hold this request's message? */
static int
check_memo_same(const struct check_memo *m, const struct policy_request *r)
{
	return m->instance != NULL && r->instance != NULL &&
	    *r->instance != 0 && strcmp(m->instance, r->instance) == 0 &&
	    check_streq(m->client, r->client_address) &&
	    check_streq(m->helo, r->helo_name) &&
	    check_streq(m->sender, r->sender);
}

/* check_memo_instance - the instance of the message held, or NULL */
const char *
check_memo_instance(const struct check_memo *m)
{
	return m != NULL && m->valid ? m->instance : NULL;
}

/* check_memo_holds - is the memo's message the request's? */
int
check_memo_holds(const struct check_memo *m, const struct policy_request *r)
{
	return m != NULL && m->valid && check_memo_same(m, r);
}

/* check_memo_acked - the peer read every reply so far */
void
check_memo_acked(struct check_memo *m)
{
	if (m != NULL)
		m->header_read = m->header_done;
}

/* check_memo_unacked - the replies since the last ack may be lost */
void
check_memo_unacked(struct check_memo *m)
{
	if (m != NULL)
		m->header_done = m->header_read;
}

/* check_ctx - the per-recipient context of the decision */
static void
check_ctx(const struct check *c, struct check_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->conf = c->env->conf;
	ctx->req = c->req;
	ctx->acl = c->acl;
	ctx->authserv_id = c->authserv_id;
	ctx->cached = c->cached;
	ctx->dns_queries = c->dns_queries;
	ctx->header_done = c->memo != NULL && c->memo->header_done &&
	    check_memo_same(c->memo, c->req);
}

/* check_fixed - decide at once without DNS */
static void
check_fixed(struct check *c, enum check_method m, const char *why)
{
	struct check_ctx ctx;

	check_ctx(c, &ctx);
	check_decide_fixed(&ctx, m, why, &c->dec, &c->action, &c->log);
	c->done = 1;
}

/* check_in_nets - address inside one of the networks? */
static int
check_in_nets(const struct ipaddr *ip, const struct conf_nets *nets)
{
	size_t i;

	for (i = 0; i < nets->n; i++)
		if (ipaddr_match(ip, &nets->v[i].addr, nets->v[i].bits))
			return 1;
	return 0;
}

/* check_is_smarthost - does the request select the smarthost profile? */
static int
check_is_smarthost(const struct conf *conf, const struct policy_request *r)
{
	size_t i;

	if (conf->smarthost_egress.n == 0)
		return 0;
	if (r->sasl_username != NULL && *r->sasl_username != 0)
		return 1;
	if (r->policy_context == NULL)
		return 0;
	for (i = 0; i < conf->smarthost_contexts.n; i++)
		if (strcmp(conf->smarthost_contexts.v[i],
		    r->policy_context) == 0)
			return 1;
	return 0;
}

/* check_params - the SPF parameters of one query */
static void
check_params(struct check *c, struct spf_params *p, const struct ipaddr *ip,
    enum spf_identity id)
{
	const struct conf *conf = c->env->conf;

	spf_params_init(p);
	p->ip = *ip;
	p->sender = c->req->sender != NULL ? c->req->sender : "";
	p->helo = c->req->helo_name != NULL ? c->req->helo_name : "";
	p->receiver = c->authserv_id;
	p->identity = id;
	p->now = c->now;
	p->rcache = c->env->rcache;
	p->limits.dns_terms = conf->spf_max_dns_terms;
	p->limits.void_lookups = conf->spf_max_void_lookups;
	p->limits.mx_addrs = conf->spf_max_mx_addrs;
	p->limits.ptr_addrs = conf->spf_max_ptr_addrs;
	p->limits.timeout_ms = conf->request_timeout;
}

/* check_qpush - add a question to a vector */
static void
check_qpush(struct check_qvec *v, unsigned id, enum spf_rrtype type,
    const char *name)
{
	if (v->n == v->cap)
		v->v = check_grow(v->v, v->store, &v->cap, sizeof(*v->v));
	v->v[v->n].id = id;
	v->v[v->n].type = type;
	v->v[v->n].name = name;
	v->n++;
}

/* check_map - remember an outstanding question; returns our id */
static unsigned
check_map(struct check *c, int slot, unsigned subid)
{
	if (c->nout == c->outcap)
		c->out = check_grow(c->out, c->out_store, &c->outcap,
		    sizeof(*c->out));
	c->out[c->nout].id = ++c->next_id;
	c->out[c->nout].slot = slot;
	c->out[c->nout].subid = subid;
	c->nout++;
	return c->next_id;
}

/* check_legacy_ask - queue one legacy question */
static void
check_legacy_ask(struct check *c, int slot, enum spf_rrtype type,
    const char *name)
{
	check_qpush(&c->pending, check_map(c, slot, 0), type, name);
}

/* check_addr_type - A or AAAA, as the client's family */
static enum spf_rrtype
check_addr_type(const struct check *c)
{
	return c->ip.family == 6 ? SPF_RR_AAAA : SPF_RR_A;
}

/*
 * check_dmp_start - the two DMP questions: the client's own node
 * (RFC 1464 TXT "dmp=allow" or "dmp=deny" at the reversed address under
 * in-addr or ip6 below _smtp_client of the sender domain) and the
 * domain's default at _smtp_client itself.  Both at once: the second is
 * needed whenever the first has no record, and one round trip is cheaper
 * than two.  A name over 253 octets asks nothing (the test says nothing).
 */
static void
check_dmp_start(struct check *c)
{
	struct buf n;

	buf_init(&n, DOMAIN_MAX_LEN + 1);
	ipaddr_reverse_name(&c->ip, &n);
	/* ipaddr_reverse_name ends in .in-addr.arpa or .ip6.arpa: keep the
	 * family label, put our node and the domain in place of arpa */
	if (n.data != NULL && n.len > 5) {
		n.len -= 4;
		n.data[n.len] = 0;
		buf_printf(&n, "%s.%s", CHECK_DMP_NODE, c->ldomain);
	}
	if (n.data != NULL && !n.overflow && n.len <= DOMAIN_MAX_LEN) {
		c->dmpname[0] = xmemdup(n.data, n.len);
		check_legacy_ask(c, CHECK_SLOT_DMPHOST, SPF_RR_TXT,
		    c->dmpname[0]);
	}
	buf_reset(&n);
	buf_printf(&n, "%s.%s", CHECK_DMP_NODE, c->ldomain);
	if (n.data != NULL && !n.overflow && n.len <= DOMAIN_MAX_LEN) {
		c->dmpname[1] = xmemdup(n.data, n.len);
		check_legacy_ask(c, CHECK_SLOT_DMPDOM, SPF_RR_TXT,
		    c->dmpname[1]);
	}
	buf_free(&n);
}

/*
 * check_dmp_value - 1 for "dmp=allow", -1 for "dmp=deny" among the TXT
 * strings of an answer, 0 for neither (no record, an error, other text);
 * deny wins over allow when a name has both
 */
static int
check_dmp_value(const struct spf_answer *a)
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

/* check_legacy_start - start test_dmp, test_a and test_mx if they apply */
static void
check_legacy_start(struct check *c)
{
	const struct conf *conf = c->env->conf;
	const struct check_idres *mf = &c->ev.id[SPF_ID_MAILFROM];
	const char *dom;

	if (c->legacy_started)
		return;
	c->legacy_started = 1;
	if (!conf->test_a && !conf->test_mx && !conf->test_dmp)
		return;
	if (mf->checked && !(mf->result == SPF_NONE ||
	    (mf->result == SPF_NEUTRAL && conf->legacy_on_neutral)))
		return;
	dom = check_sender_domain(c->req->sender);
	if (dom == NULL)
		return;
	c->ldomain = xstrdup(dom);
	c->ev.legacy_ran = 1;
	if (conf->test_dmp)
		check_dmp_start(c);
	if (conf->test_a)
		check_legacy_ask(c, CHECK_SLOT_A, check_addr_type(c),
		    c->ldomain);
	if (conf->test_mx)
		check_legacy_ask(c, CHECK_SLOT_MX, SPF_RR_MX, c->ldomain);
}

/* check_addrs_match - the client within prefix of an answer's address? */
static int
check_addrs_match(const struct check *c, const struct spf_answer *a,
    unsigned bits4, unsigned bits6)
{
	size_t i;

	if (a->status != SPF_DNS_OK)
		return 0;
	for (i = 0; i < a->nrr; i++)
		if ((a->rr[i].type == SPF_RR_A || a->rr[i].type ==
		    SPF_RR_AAAA) && ipaddr_match(&c->ip, &a->rr[i].addr,
		    c->ip.family == 6 ? bits6 : bits4))
			return 1;
	return 0;
}

/* check_legacy_method - the legacy test a question belongs to */
static enum check_method
check_legacy_method(int slot)
{
	switch (slot) {
	case CHECK_SLOT_DMPHOST:
	case CHECK_SLOT_DMPDOM:
		return CHECK_M_DMP;
	case CHECK_SLOT_A:
		return CHECK_M_A;
	default:
		return CHECK_M_MX;
	}
}

/* check_legacy_fail - a legacy question got no usable answer */
static void
check_legacy_fail(struct check *c, int slot)
{
	if (c->legacy_temp == CHECK_M_NONE)
		c->legacy_temp = check_legacy_method(slot);
	if (slot == CHECK_SLOT_DMPHOST)
		c->dmp_host_temp = 1;
}

/* check_legacy_feed - an answer to a legacy question */
static void
check_legacy_feed(struct check *c, int slot, const struct spf_answer *a)
{
	const struct conf *conf = c->env->conf;
	size_t i;

	if (a->status == SPF_DNS_SERVFAIL || a->status == SPF_DNS_TIMEOUT)
		check_legacy_fail(c, slot);
	switch (slot) {
	case CHECK_SLOT_DMPHOST:
		c->dmp_host = check_dmp_value(a);
		break;
	case CHECK_SLOT_DMPDOM:
		c->dmp_dom = check_dmp_value(a);
		break;
	case CHECK_SLOT_A:
		if (check_addrs_match(c, a, conf->a_prefix4, conf->a_prefix6))
			c->a_match = 1;
		break;
	case CHECK_SLOT_MXHOST:
		if (check_addrs_match(c, a, conf->mx_prefix4,
		    conf->mx_prefix6))
			c->mx_match = 1;
		break;
	case CHECK_SLOT_MX:
		if (a->status != SPF_DNS_OK)
			break;
		for (i = 0; i < a->nrr && c->nmxhost < CHECK_MAX_MX_HOSTS;
		    i++) {
			if (a->rr[i].type != SPF_RR_MX || a->rr[i].data ==
			    NULL || a->rr[i].len == 0)
				continue;
			c->mxhost[c->nmxhost] = xmemdup(a->rr[i].data,
			    a->rr[i].len);
			check_legacy_ask(c, CHECK_SLOT_MXHOST,
			    check_addr_type(c), c->mxhost[c->nmxhost]);
			c->nmxhost++;
		}
		break;
	}
}

/* check_collect - a query finished: keep its result */
static void
check_collect(struct check *c, int slot)
{
	const struct spf_detail *d = NULL;
	enum spf_result r;
	char ip[IPADDR_STRLEN];

	r = spf_query_result(c->q[slot], &d);
	if (slot == CHECK_SLOT_MAILFROM || slot == CHECK_SLOT_HELO) {
		check_idres_set(&c->ev.id[slot == CHECK_SLOT_HELO ?
		    SPF_ID_HELO : SPF_ID_MAILFROM], d);
		if (slot == CHECK_SLOT_MAILFROM)
			check_legacy_start(c);
		return;
	}
	/* smarthost: fail beats temperror beats the rest */
	if (c->ev.sh_ip == NULL || (r == SPF_FAIL && c->ev.sh_result !=
	    SPF_FAIL) || (r == SPF_TEMPERROR && c->ev.sh_result !=
	    SPF_FAIL && c->ev.sh_result != SPF_TEMPERROR)) {
		c->ev.sh_result = r;
		ipaddr_format(&c->params[slot].ip, ip);
		free(c->ev.sh_ip);
		c->ev.sh_ip = xstrdup(ip);
		free(c->ev.sh_explanation);
		c->ev.sh_explanation = d != NULL && d->explanation != NULL ?
		    xstrdup(d->explanation) : NULL;
	}
}

/* check_decide_smarthost - the smarthost profile's answer */
static void
check_decide_smarthost(struct check *c)
{
	const struct conf *conf = c->env->conf;
	const char *dom = check_sender_domain(c->req->sender);
	struct check_ctx ctx;
	struct buf text;
	int rc = 0;

	check_ctx(c, &ctx);
	memset(&c->dec, 0, sizeof(c->dec));
	c->dec.method = CHECK_M_SMARTHOST;
	c->dec.identity = SPF_ID_MAILFROM;
	c->dec.result = c->ev.sh_result;
	c->dec.dns_queries = c->dns_queries;
	c->dec.observe = conf->observe_only || (c->acl != NULL &&
	    (c->acl->flags & ACL_F_OBSERVE));
	c->dec.table = c->ev.sh_result == SPF_FAIL ? CONF_ACT_REJECT :
	    c->ev.sh_result == SPF_TEMPERROR ? CONF_ACT_DEFER :
	    CONF_ACT_ACCEPT;
	buf_reset(&c->action);
	buf_init(&text, CHECK_MAX_ACTION);
	if (!c->dec.observe && c->dec.table == CONF_ACT_REJECT) {
		buf_printf(&text, "the SPF policy of %.*s does not allow our "
		    "outgoing address %s; send as another domain",
		    CHECK_MAX_FIELD, dom ? dom : "", c->ev.sh_ip);
		rc = policy_action_reject(&c->action, (int)conf->reject_code,
		    conf->reject_enhanced_code, text.data);
		c->dec.verdict = CHECK_V_REJECT;
	} else if (!c->dec.observe && c->dec.table == CONF_ACT_DEFER) {
		buf_printf(&text, "SPF temporary error for %.*s, try again "
		    "later", CHECK_MAX_FIELD, dom ? dom : "");
		rc = policy_action_defer(&c->action, (int)conf->defer_code,
		    conf->defer_enhanced_code, text.data);
		c->dec.verdict = CHECK_V_DEFER;
	}
	if (rc < 0) {
		buf_reset(&c->action);
		c->dec.verdict = CHECK_V_DUNNO;
	}
	if (c->action.len == 0)
		policy_action_dunno(&c->action);
	buf_free(&text);

	buf_reset(&c->log);
	if (policy_request_format(c->req, &c->log) < 0)
		buf_puts(&c->log, "queue_id=? (request too long to log)");
	buf_printf(&c->log, " spf_smarthost=%s egress=%s method=smarthost "
	    "result=%s action=%s%s%s dns=%u", spf_result_str(c->ev.sh_result),
	    c->ev.sh_ip ? c->ev.sh_ip : "", spf_result_str(c->ev.sh_result),
	    conf_action_str(c->dec.table), c->dec.observe ? " observe=yes" :
	    "", rc < 0 ? " note=reply-refused" : "", c->dns_queries);
	c->dec.action = c->action.data;
	c->dec.log = c->log.data;
}

/* check_idres_temp - a temporary result, to be asked again next time? */
static int
check_idres_temp(const struct check_idres *r)
{
	return r->checked && r->result == SPF_TEMPERROR;
}

/* check_cacheable - does this evaluation serve the next messages too?
 * Only what DNS answered for certain, and only once. */
static int
check_cacheable(const struct check *c)
{
	return c->env->cache != NULL && c->cached == CHECK_CACHED_NO &&
	    !c->nocache && !check_idres_temp(&c->ev.id[SPF_ID_MAILFROM]) &&
	    !check_idres_temp(&c->ev.id[SPF_ID_HELO]);
}

/*
 * check_legacy_result - the seed's order: DMP decides either way, then
 * A, then MX; the domain's default counts only where the host's own
 * record was read and is absent.  Undecided with a DNS failure in any
 * of them: temperror, named after the first test that failed.
 */
static void
check_legacy_result(struct check *c)
{
	c->ev.legacy_result = SPF_PASS;
	if (c->dmp_host != 0 || (c->dmp_dom < 0 && !c->dmp_host_temp)) {
		c->ev.legacy = CHECK_M_DMP;
		c->ev.legacy_result = (c->dmp_host != 0 ? c->dmp_host :
		    c->dmp_dom) > 0 ? SPF_PASS : SPF_FAIL;
	} else if (c->a_match)
		c->ev.legacy = CHECK_M_A;
	else if (c->mx_match)
		c->ev.legacy = CHECK_M_MX;
	else if (c->legacy_temp != CHECK_M_NONE) {
		c->ev.legacy = c->legacy_temp;
		c->ev.legacy_result = SPF_TEMPERROR;
	}
}

/* check_finish - everything answered: decide, update the memo */
static void
check_finish(struct check *c)
{
	struct check_memo *m = c->memo;
	const struct policy_request *r = c->req;
	struct check_ctx ctx;
	int header;

	c->done = 1;
	if (c->smarthost) {
		check_decide_smarthost(c);
		return;
	}
	if (c->cached == CHECK_CACHED_NO && c->ldomain != NULL)
		check_legacy_result(c);
	check_ctx(c, &ctx);
	ctx.keep = check_cacheable(c);
	header = check_decide(&ctx, c->cached == CHECK_CACHED_MESSAGE ?
	    &m->ev : &c->ev, &c->dec, &c->action, &c->log);
	if (ctx.keep)
		check_cache_put(c->env->cache, r, &c->ev);
	if (m == NULL)
		return;
	if (c->cached != CHECK_CACHED_MESSAGE) {
		check_memo_reset(m);
		if (r->instance != NULL && *r->instance != 0) {
			check_memo_keep(m, r);
			m->ev = c->ev;
			memset(&c->ev, 0, sizeof(c->ev));
		}
	}
	if (header && m->valid)
		m->header_done = 1;
}

/* check_new - start the pipeline for one request */
struct check *
check_new(const struct check_env *env, struct check_memo *memo,
    const struct policy_request *req, long long now)
{
	const struct conf *conf = env->conf;
	struct check *c;
	enum check_bounce b;
	const char *why;
	size_t i;

	/* the stores need no zeroes: they are written before they are read */
	c = xmalloc(sizeof(*c));
	memset(c, 0, offsetof(struct check, action_store));
	c->env = env;
	c->memo = memo;
	c->req = req;
	c->now = now;
	buf_init_store(&c->action, CHECK_MAX_ACTION, c->action_store,
	    sizeof(c->action_store));
	buf_init_store(&c->log, CHECK_MAX_LOG, c->log_store,
	    sizeof(c->log_store));
	c->out = c->out_store;
	c->outcap = CHECK_VEC_STORE;
	c->pending.v = c->pending.store = c->pending_store;
	c->pending.cap = CHECK_VEC_STORE;
	c->asked.v = c->asked.store = c->asked_store;
	c->asked.cap = CHECK_VEC_STORE;
	c->authserv_id = *conf->authserv_id ? conf->authserv_id :
	    env->hostname != NULL && *env->hostname ? env->hostname :
	    "unknown";
	/* a decision and its header belong to RCPT; elsewhere (rmxfd
	 * placed in client, HELO or end-of-data restrictions) say nothing:
	 * PREPEND is refused there, and the empty sender of a CONNECT or
	 * HELO request is no bounce */
	if (req->protocol_state != NULL && *req->protocol_state != 0 &&
	    strcasecmp(req->protocol_state, "RCPT") != 0) {
		check_fixed(c, CHECK_M_NONE, "state");
		return c;
	}
	if (req->client_address == NULL ||
	    ipaddr_parse(req->client_address, &c->ip) != 0) {
		check_fixed(c, CHECK_M_NONE, "no-client-address");
		return c;
	}
	if (check_is_smarthost(conf, req)) {
		c->smarthost = 1;
		if (req->sasl_username == NULL || *req->sasl_username == 0) {
			check_fixed(c, CHECK_M_SMARTHOST, "unauthenticated");
			return c;
		}
		if (check_sender_domain(req->sender) == NULL) {
			check_fixed(c, CHECK_M_SMARTHOST, "null-sender");
			return c;
		}
		c->ev.smarthost = 1;
		for (i = 0; i < conf->smarthost_egress.n &&
		    i < CHECK_MAX_EGRESS; i++) {
			check_params(c, &c->params[CHECK_SLOT_EGRESS + i],
			    &conf->smarthost_egress.v[i], SPF_ID_MAILFROM);
			c->q[CHECK_SLOT_EGRESS + i] = spf_query_new(
			    &c->params[CHECK_SLOT_EGRESS + i]);
		}
		c->negress = i;
		return c;
	}
	/* the recipient ACL belongs to the inbound profile: the smarthost
	 * check above is about our own egress, whatever the recipient */
	if (req->recipient != NULL && env->acl != NULL)
		c->acl = acl_lookup(env->acl, req->recipient);
	if (c->acl != NULL && c->acl->action == ACL_SKIP) {
		check_fixed(c, CHECK_M_ACL, "skip");
		return c;
	}
	if (check_in_nets(&c->ip, &conf->exempt_networks)) {
		check_fixed(c, CHECK_M_EXEMPT, "exempt-network");
		return c;
	}
	if (check_in_nets(&c->ip, &conf->trusted_relays)) {
		check_fixed(c, CHECK_M_EXEMPT, "trusted-relay");
		return c;
	}
	if (conf->exempt_authenticated && req->sasl_username != NULL &&
	    *req->sasl_username != 0) {
		check_fixed(c, CHECK_M_EXEMPT, "authenticated");
		return c;
	}
	/* 2. the bounce check, before any SPF: a forged bounce needs none */
	if ((b = check_bounce(env, req, now, &why)) == CHECK_B_REJECT ||
	    b == CHECK_B_GRACE) {
		struct check_ctx ctx;

		check_ctx(c, &ctx);
		check_decide_bounce(&ctx, b, why, &c->dec, &c->action,
		    &c->log);
		c->done = 1;
		return c;
	}
	if (check_memo_holds(memo, req)) {
		c->cached = CHECK_CACHED_MESSAGE;
		check_finish(c);
		return c;
	}
	if (check_cache_get(env->cache, req, &c->ev)) {
		c->cached = CHECK_CACHED_RECENT;
		check_finish(c);
		return c;
	}
	if (conf->test_spf) {
		check_params(c, &c->params[CHECK_SLOT_MAILFROM], &c->ip,
		    SPF_ID_MAILFROM);
		c->q[CHECK_SLOT_MAILFROM] = spf_query_new(
		    &c->params[CHECK_SLOT_MAILFROM]);
	} else
		check_legacy_start(c);
	if (conf->test_helo && req->helo_name != NULL &&
	    *req->helo_name != 0) {
		check_params(c, &c->params[CHECK_SLOT_HELO], &c->ip,
		    SPF_ID_HELO);
		c->q[CHECK_SLOT_HELO] = spf_query_new(
		    &c->params[CHECK_SLOT_HELO]);
	}
	return c;
}

/* check_step - new questions, wait, or done */
enum spf_step
check_step(struct check *c, const struct spf_question **qs, size_t *n)
{
	const struct spf_question *sq;
	size_t sn, i, k;
	int progress;

	*qs = NULL;
	*n = 0;
	if (c->done)
		return SPF_STEP_DONE;
	c->asked.n = 0;
	do {
		progress = 0;
		for (k = 0; k < CHECK_NSLOTS; k++) {
			if (c->q[k] == NULL || c->qdone[k])
				continue;
			switch (spf_query_step(c->q[k], &sq, &sn)) {
			case SPF_STEP_QUERY:
				for (i = 0; i < sn; i++)
					check_qpush(&c->asked, check_map(c,
					    (int)k, sq[i].id), sq[i].type,
					    sq[i].name);
				break;
			case SPF_STEP_WAIT:
				break;
			case SPF_STEP_DONE:
				c->qdone[k] = 1;
				check_collect(c, (int)k);
				progress = 1;
				break;
			}
		}
	} while (progress);
	for (i = 0; i < c->pending.n; i++)
		check_qpush(&c->asked, c->pending.v[i].id,
		    c->pending.v[i].type, c->pending.v[i].name);
	c->pending.n = 0;
	if (c->asked.n > 0) {
		c->dns_queries += (unsigned)c->asked.n;
		*qs = c->asked.v;
		*n = c->asked.n;
		return SPF_STEP_QUERY;
	}
	if (c->nout > 0)
		return SPF_STEP_WAIT;
	check_finish(c);
	return SPF_STEP_DONE;
}

/* check_feed - one answer to a question asked */
int
check_feed(struct check *c, const struct spf_answer *a)
{
	struct check_out o;
	struct spf_answer sub;
	size_t i;

	for (i = 0; i < c->nout; i++)
		if (c->out[i].id == a->id)
			break;
	if (i == c->nout || c->done)
		return -1;
	o = c->out[i];
	c->out[i] = c->out[--c->nout];
	if (a->status != SPF_DNS_OK && a->status != SPF_DNS_NXDOMAIN)
		c->nocache = 1;
	if (o.slot < 0) {
		check_legacy_feed(c, o.slot, a);
		return 0;
	}
	if (c->q[o.slot] == NULL || c->qdone[o.slot])
		return 0;
	sub = *a;
	sub.id = o.subid;
	return spf_query_feed(c->q[o.slot], &sub);
}

/* check_expire - the deadline: finish with what there is */
void
check_expire(struct check *c)
{
	const struct spf_question *sq;
	size_t k, i, sn;

	if (c->done)
		return;
	c->nocache = 1;
	for (k = 0; k < CHECK_NSLOTS; k++) {
		if (c->q[k] == NULL || c->qdone[k])
			continue;
		spf_query_expire(c->q[k]);
		for (i = 0; i < CHECK_EXPIRE_STEPS; i++)
			if (spf_query_step(c->q[k], &sq, &sn) ==
			    SPF_STEP_DONE)
				break;
		if (i == CHECK_EXPIRE_STEPS)
			msg_panic("check_expire: query does not finish");
		c->qdone[k] = 1;
		check_collect(c, (int)k);
	}
	/* legacy questions still out (asked or queued) are unanswered */
	for (i = 0; i < c->nout; i++)
		if (c->out[i].slot < 0)
			check_legacy_fail(c, c->out[i].slot);
	c->nout = 0;
	c->pending.n = 0;
	check_finish(c);
}

/* check_decision - the outcome, after DONE */
const struct check_decision *
check_decision(const struct check *c)
{
	if (!c->done)
		msg_panic("check_decision: check not done");
	return &c->dec;
}

/* check_free - release a check */
void
check_free(struct check *c)
{
	size_t k;

	if (c == NULL)
		return;
	for (k = 0; k < CHECK_NSLOTS; k++)
		spf_query_free(c->q[k]);
	for (k = 0; k < c->nmxhost; k++)
		free(c->mxhost[k]);
	free(c->ldomain);
	free(c->dmpname[0]);
	free(c->dmpname[1]);
	if (c->out != c->out_store)
		free(c->out);
	if (c->pending.v != c->pending_store)
		free(c->pending.v);
	if (c->asked.v != c->asked_store)
		free(c->asked.v);
	check_eval_clear(&c->ev);
	buf_free(&c->action);
	buf_free(&c->log);
	free(c);
}

/* check_job_step - the job's step */
static enum spf_step
check_job_step(void *obj, const struct spf_question **qs, size_t *n)
{
	return check_step(obj, qs, n);
}

/* check_job_feed - the job's feed */
static int
check_job_feed(void *obj, const struct spf_answer *a)
{
	return check_feed(obj, a);
}

/* check_job_expire - the job's deadline */
static void
check_job_expire(void *obj)
{
	check_expire(obj);
}

/* check_job - a job around c, for the drivers of dns(3) */
void
check_job(struct spf_job *job, struct check *c)
{
	job->obj = c;
	job->step = check_job_step;
	job->feed = check_job_feed;
	job->expire = check_job_expire;
}
