/*
 * NAME
 *	check 3
 * SUMMARY
 *	the pipeline for one recipient: a multiplexer over its machines
 * SYNOPSIS
 *	#include "check/check.h"
 *
 *	See check.h for the whole interface.
 * DESCRIPTION
 *	check_new() asks check_gate(3) what needs no DNS, then the message
 *	(check_message(3)) and the recent evaluations (check_recent(3));
 *	otherwise it starts its parts.  A part is one step/feed machine of
 *	one kind: an SPF query for MAIL FROM, for HELO, or for one egress
 *	address (the smarthost profile), or the legacy tests
 *	(check_legacy(3)), which join when MAIL FROM's result is none (or
 *	neutral with legacy_on_neutral).  Every part runs through its
 *	spf_job.
 *
 *	check_step() steps every unfinished part and hands out their new
 *	questions under ids of its own (a table maps each back to its part
 *	and the part's id); a part that is done puts its results into the
 *	check's (check_collect()).  When no question is outstanding the
 *	decision is made (check_decide(3)), and the evaluation is kept with
 *	the message and, when DNS answered all of it for certain, with the
 *	recent ones.
 * DIAGNOSTICS
 *	check_feed() returns -1 for an id that is not outstanding.
 * SEE ALSO
 *	check(3), check_gate(3), check_legacy(3), check_decide(3), spf(3).
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/msg.h"
#include "util/xmalloc.h"
#include "check_int.h"

/* inbound: MAIL FROM, HELO, legacy, the exempt domains, the PTR names */
#define CHECK_INBOUND_PARTS	(4 + CHECK_MAX_EXEMPT_SPF)
#define CHECK_MAX_PARTS		(CHECK_INBOUND_PARTS > CHECK_MAX_EGRESS ? \
				CHECK_INBOUND_PARTS : CHECK_MAX_EGRESS)
/* "postmaster@D\0v=spf1 ptr:D ... -all": the longest such text */
#define CHECK_DOMAIN_MAX	253
#define CHECK_PTR_RECORD	(sizeof("postmaster@") + CHECK_DOMAIN_MAX + \
				sizeof("v=spf1 -all") + CHECK_MAX_EXEMPT_PTR * \
				(sizeof(" ptr:") + CHECK_DOMAIN_MAX))
#define CHECK_EXPIRE_STEPS	64	/* steps an expired part may take */
#define CHECK_VEC_STORE		8	/* questions out before the heap */

/* What a part is. */
enum check_part_kind {
	CHECK_P_MAILFROM,
	CHECK_P_HELO,
	CHECK_P_EGRESS,
	CHECK_P_LEGACY,
	CHECK_P_EXEMPT_SPF,	/* the client passes an exempt domain's SPF */
	CHECK_P_EXEMPT_PTR,	/* its PTR name is in an exempt domain */
};

/* One machine of the check. */
struct check_part {
	enum check_part_kind kind;
	struct spf_job	job;
	struct spf_params params;	/* SPF parts: borrowed by q */
	struct spf_query *q;
	struct check_legacy *legacy;	/* the legacy part */
	char	       *text;		/* exemption parts: sender, record */
	int		done;
};

/* One question asked and not yet answered: whose it is. */
struct check_out {
	unsigned	id;		/* ours */
	unsigned	part;
	unsigned	subid;		/* the part's own id */
};

struct check {
	const struct check_env *env;
	struct check_message *msg;
	const struct check_envelope *in;	/* &envelope */
	struct check_envelope envelope;	/* a copy; its strings borrowed */
	long long	now;
	const char     *authserv_id;
	struct check_gate gate;
	size_t		nparts;
	struct check_results res;
	int		cached;		/* CHECK_CACHED_* */
	int		unsure;		/* a DNS failure or the deadline: keep
					 * the evaluation from check_recent */
	unsigned	dns_queries;
	unsigned	next_id;
	struct check_out *out;
	size_t		nout, outcap;
	struct spf_question *asked;	/* what the last step returned */
	size_t		nasked, askedcap;
	int		done;
	struct check_decision dec;
	struct check_texts texts;
	/* storage that needs no zeroes, from here to the end: where the
	 * texts and vectors start (most checks never need more) */
	char		action_store[CHECK_ACTION_STORE];
	struct check_part parts[CHECK_MAX_PARTS];	/* zeroed one by one */
	char		log_store[CHECK_LOG_STORE];
	char		text_store[CHECK_TEXT_STORE];
	char		header_store[CHECK_HDR_STORE];
	struct check_out out_store[CHECK_VEC_STORE];
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

/* check_ctx - the per-recipient context of the decision */
static void
check_ctx(const struct check *c, struct check_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->conf = c->env->conf;
	ctx->in = c->in;
	ctx->acl = c->gate.acl;
	ctx->authserv_id = c->authserv_id;
	ctx->cached = c->cached;
	ctx->dns_queries = c->dns_queries;
}

/* check_spf_part - a new SPF query part for ip and identity; text (NULL
 * allowed) becomes the part's, sender and record point into it */
static void
check_spf_part(struct check *c, enum check_part_kind kind,
    const struct ipaddr *ip, enum spf_identity id, char *text,
    const char *sender, const char *record)
{
	struct check_part *p = &c->parts[c->nparts++];

	memset(p, 0, sizeof(*p));
	p->kind = kind;
	p->text = text;
	check_spf_params(c->env, c->in, ip, id, c->now, c->authserv_id,
	    &p->params);
	if (sender != NULL)
		p->params.sender = sender;
	if (record != NULL) {
		p->params.record = record;
		if (p->params.limits.dns_terms < CHECK_MAX_EXEMPT_PTR)
			p->params.limits.dns_terms = CHECK_MAX_EXEMPT_PTR;
	}
	p->q = spf_query_new(&p->params);
	spf_query_job(&p->job, p->q);
}

/* check_helo_exempt - is the envelope's HELO name one of
 * exempt_helo_names? */
static int
check_helo_exempt(const struct conf *conf, const char *helo)
{
	size_t i;

	for (i = 0; helo != NULL && *helo != 0 &&
	    i < conf->exempt_helo_names.n; i++)
		if (strcasecmp(helo, conf->exempt_helo_names.v[i]) == 0)
			return 1;
	return 0;
}

/* check_exempt_parts - SPF of the exempt domains for the client, and
 * its PTR names under the exempt PTR domains: a local record of ptr:
 * terms, whose ptr mechanism is the forward-confirmed match (RFC 7208
 * 5.5) */
static void
check_exempt_parts(struct check *c)
{
	const struct conf *conf = c->env->conf;
	const struct conf_strs *sd = &conf->exempt_spf_domains;
	const struct conf_strs *pd = &conf->exempt_ptr_domains;
	struct buf b;
	size_t i, off;
	char *text;

	for (i = 0; i < sd->n && i < CHECK_MAX_EXEMPT_SPF; i++) {
		buf_init(&b, CHECK_PTR_RECORD);
		buf_printf(&b, "postmaster@%s", sd->v[i]);
		text = buf_steal(&b);
		check_spf_part(c, CHECK_P_EXEMPT_SPF, &c->gate.ip,
		    SPF_ID_MAILFROM, text, text, NULL);
	}
	if (pd->n == 0)
		return;
	buf_init(&b, CHECK_PTR_RECORD);
	buf_printf(&b, "postmaster@%s", pd->v[0]);
	off = b.len + 1;
	buf_putc(&b, 0);
	buf_puts(&b, "v=spf1");
	for (i = 0; i < pd->n && i < CHECK_MAX_EXEMPT_PTR; i++)
		buf_printf(&b, " ptr:%s", pd->v[i]);
	buf_puts(&b, " -all");
	text = buf_steal(&b);
	check_spf_part(c, CHECK_P_EXEMPT_PTR, &c->gate.ip, SPF_ID_MAILFROM,
	    text, text, text + off);
}

/* check_legacy_part - the legacy tests join, when they apply */
static void
check_legacy_part(struct check *c)
{
	const struct conf *conf = c->env->conf;
	const struct check_identity *mf = &c->res.id[SPF_ID_MAILFROM];
	const char *dom;
	struct check_part *p;

	if (!conf->test_a && !conf->test_mx && !conf->test_dmp)
		return;
	if (mf->checked && !(mf->result == SPF_NONE ||
	    (mf->result == SPF_NEUTRAL && conf->legacy_on_neutral)))
		return;
	if ((dom = check_sender_domain(c->in->sender)) == NULL)
		return;
	p = &c->parts[c->nparts++];
	memset(p, 0, sizeof(*p));
	p->kind = CHECK_P_LEGACY;
	p->legacy = check_legacy_new(conf, &c->gate.ip, dom);
	check_legacy_job(&p->job, p->legacy);
}

/* check_exempt_result - an exemption's SPF result: a pass exempts (the
 * first one names it, whatever order DNS answered in: helo, spf domain,
 * ptr); a temperror leaves it unknown */
static void
check_exempt_result(struct check_results *res, enum spf_result r,
    const char *why)
{
	static const char *const order[] = {
		"exempt-helo", "exempt-spf-domain", "exempt-ptr",
	};
	size_t i, mine = 0, theirs = 0;

	if (r == SPF_TEMPERROR)
		res->exempt_unsure = 1;
	if (r != SPF_PASS)
		return;
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		if (strcmp(order[i], why) == 0)
			mine = i;
		if (res->exempt != NULL && strcmp(order[i], res->exempt) == 0)
			theirs = i;
	}
	if (res->exempt == NULL || mine < theirs)
		res->exempt = why;
}

/* check_collect - a part is done: its results into the check's */
static void
check_collect(struct check *c, struct check_part *p)
{
	const struct spf_detail *d = NULL;
	enum spf_result r;

	p->done = 1;
	if (p->kind == CHECK_P_LEGACY) {
		check_legacy_result(p->legacy, &c->res.legacy,
		    &c->res.legacy_result);
		if (check_legacy_failed(p->legacy))
			c->unsure = 1;
		return;
	}
	r = spf_query_result(p->q, &d);
	if (r == SPF_TEMPERROR)
		c->unsure = 1;
	switch (p->kind) {
	case CHECK_P_MAILFROM:
		check_identity_set(&c->res.id[SPF_ID_MAILFROM], d);
		check_legacy_part(c);
		break;
	case CHECK_P_HELO:
		if (c->env->conf->test_helo)
			check_identity_set(&c->res.id[SPF_ID_HELO], d);
		if (check_helo_exempt(c->env->conf, c->in->helo))
			check_exempt_result(&c->res, r, "exempt-helo");
		break;
	case CHECK_P_EXEMPT_SPF:
		check_exempt_result(&c->res, r, "exempt-spf-domain");
		break;
	case CHECK_P_EXEMPT_PTR:
		check_exempt_result(&c->res, r, "exempt-ptr");
		break;
	default:
		check_results_egress(&c->res, &p->params.ip, r, d);
		break;
	}
}

/* check_finish - everything answered: decide; keep the evaluation */
static void
check_finish(struct check *c)
{
	struct check_results *res;
	struct check_ctx ctx;

	c->done = 1;
	check_ctx(c, &ctx);
	if (c->gate.route == CHECK_R_SMARTHOST) {
		check_decide_smarthost(&ctx, &c->res, &c->dec, &c->texts);
		return;
	}
	ctx.keep = c->env->recent != NULL && c->cached == CHECK_CACHED_NO &&
	    !c->unsure;
	res = c->cached == CHECK_CACHED_MESSAGE ? &c->msg->res : &c->res;
	if (res->exempt != NULL)
		check_decide_fixed(&ctx, CHECK_M_EXEMPT, res->exempt, &c->dec,
		    &c->texts);
	else
		check_decide(&ctx, res, &c->dec, &c->texts);
	c->dec.bounce = c->gate.bounce;
	if (ctx.keep)
		check_recent_put(c->env->recent, c->in, &c->res);
	if (c->msg != NULL && c->cached != CHECK_CACHED_MESSAGE)
		check_message_keep(c->msg, c->in, &c->res);
	check_message_second(c->msg, &c->dec);
}

/* check_start - the parts of a check that needs DNS */
static void
check_start(struct check *c)
{
	const struct conf *conf = c->env->conf;
	size_t i;

	if (c->gate.route == CHECK_R_SMARTHOST) {
		c->res.smarthost = 1;
		for (i = 0; i < conf->smarthost_egress.n &&
		    i < CHECK_MAX_EGRESS; i++)
			check_spf_part(c, CHECK_P_EGRESS,
			    &conf->smarthost_egress.v[i], SPF_ID_MAILFROM,
			    NULL, NULL, NULL);
		return;
	}
	if (conf->test_spf)
		check_spf_part(c, CHECK_P_MAILFROM, &c->gate.ip,
		    SPF_ID_MAILFROM, NULL, NULL, NULL);
	else
		check_legacy_part(c);
	if ((conf->test_helo && c->in->helo != NULL && *c->in->helo != 0) ||
	    check_helo_exempt(conf, c->in->helo))
		check_spf_part(c, CHECK_P_HELO, &c->gate.ip, SPF_ID_HELO, NULL,
		    NULL, NULL);
	check_exempt_parts(c);
}

/* check_new - start the pipeline for one recipient */
struct check *
check_new(const struct check_env *env, struct check_message *msg,
    const struct check_envelope *in, long long now)
{
	const struct conf *conf = env->conf;
	struct check_ctx ctx;
	struct check *c;

	/* the stores need no zeroes: they are written before they are read */
	c = xmalloc(sizeof(*c));
	memset(c, 0, offsetof(struct check, action_store));
	c->env = env;
	c->msg = msg;
	c->envelope = *in;
	c->in = &c->envelope;
	c->now = now;
	buf_init_store(&c->texts.action, CHECK_MAX_ACTION, c->action_store,
	    sizeof(c->action_store));
	buf_init_store(&c->texts.log, CHECK_MAX_LOG, c->log_store,
	    sizeof(c->log_store));
	buf_init_store(&c->texts.text, CHECK_TEXT_MAX, c->text_store,
	    sizeof(c->text_store));
	buf_init_store(&c->texts.header, CHECK_HDR_MAX, c->header_store,
	    sizeof(c->header_store));
	buf_init(&c->texts.second, CHECK_HDR_MAX);
	c->out = c->out_store;
	c->outcap = CHECK_VEC_STORE;
	c->asked = c->asked_store;
	c->askedcap = CHECK_VEC_STORE;
	c->authserv_id = *conf->authserv_id ? conf->authserv_id :
	    env->hostname != NULL && *env->hostname ? env->hostname :
	    "unknown";
	check_gate(env, in, now, &c->gate);
	check_ctx(c, &ctx);
	if (c->gate.route == CHECK_R_FIXED) {
		check_decide_fixed(&ctx, c->gate.method, c->gate.why, &c->dec,
		    &c->texts);
		c->done = 1;
	} else if (c->gate.route == CHECK_R_DATA) {
		check_decide_data(&ctx, msg, &c->dec, &c->texts);
		c->done = 1;
	} else if (c->gate.route == CHECK_R_BOUNCE) {
		check_decide_bounce(&ctx, c->gate.bounce, c->gate.why,
		    &c->dec, &c->texts);
		c->dec.bounce = c->gate.bounce;
		c->done = 1;
	} else if (c->gate.route == CHECK_R_INBOUND &&
	    check_message_holds(msg, in)) {
		c->cached = CHECK_CACHED_MESSAGE;
		check_finish(c);
	} else if (c->gate.route == CHECK_R_INBOUND &&
	    check_recent_get(env->recent, in, &c->res)) {
		c->cached = CHECK_CACHED_RECENT;
		check_finish(c);
	} else
		check_start(c);
	return c;
}

/* check_ask - hand a part's questions out under ids of ours */
static void
check_ask(struct check *c, size_t part, const struct spf_question *qs,
    size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (c->nasked == c->askedcap)
			c->asked = check_grow(c->asked, c->asked_store,
			    &c->askedcap, sizeof(*c->asked));
		if (c->nout == c->outcap)
			c->out = check_grow(c->out, c->out_store, &c->outcap,
			    sizeof(*c->out));
		c->out[c->nout].id = ++c->next_id;
		c->out[c->nout].part = (unsigned)part;
		c->out[c->nout++].subid = qs[i].id;
		c->asked[c->nasked] = qs[i];
		c->asked[c->nasked++].id = c->next_id;
	}
}

/* check_step - new questions, wait, or done */
enum spf_step
check_step(struct check *c, const struct spf_question **qs, size_t *n)
{
	const struct spf_question *sq;
	size_t sn, k;
	int progress;

	*qs = NULL;
	*n = 0;
	if (c->done)
		return SPF_STEP_DONE;
	c->nasked = 0;
	do {
		progress = 0;
		/* a part that is done may add one: nparts may grow */
		for (k = 0; k < c->nparts; k++) {
			struct check_part *p = &c->parts[k];

			if (p->done)
				continue;
			sn = 0;
			switch (p->job.step(p->job.obj, &sq, &sn)) {
			case SPF_STEP_QUERY:
				check_ask(c, k, sq, sn);
				break;
			case SPF_STEP_WAIT:
				break;
			case SPF_STEP_DONE:
				check_collect(c, p);
				progress = 1;
				break;
			}
		}
	} while (progress);
	if (c->nasked > 0) {
		c->dns_queries += (unsigned)c->nasked;
		*qs = c->asked;
		*n = c->nasked;
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
	struct check_part *p;
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
		c->unsure = 1;
	p = &c->parts[o.part];
	if (p->done)
		return 0;
	sub = *a;
	sub.id = o.subid;
	return p->job.feed(p->job.obj, &sub);
}

/* check_expire - the deadline: finish with what there is */
void
check_expire(struct check *c)
{
	const struct spf_question *sq;
	struct check_part *p;
	size_t k, i, sn;

	if (c->done)
		return;
	c->unsure = 1;
	/* a part that is done may add one: nparts may grow */
	for (k = 0; k < c->nparts; k++) {
		p = &c->parts[k];
		if (p->done)
			continue;
		p->job.expire(p->job.obj);
		for (i = 0; i < CHECK_EXPIRE_STEPS; i++)
			if (p->job.step(p->job.obj, &sq, &sn) ==
			    SPF_STEP_DONE)
				break;
		if (i == CHECK_EXPIRE_STEPS)
			msg_panic("check_expire: part %zu does not finish", k);
		check_collect(c, p);
	}
	c->nout = 0;
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
	for (k = 0; k < c->nparts; k++) {
		spf_query_free(c->parts[k].q);
		check_legacy_free(c->parts[k].legacy);
		free(c->parts[k].text);
	}
	if (c->out != c->out_store)
		free(c->out);
	if (c->asked != c->asked_store)
		free(c->asked);
	check_results_clear(&c->res);
	buf_free(&c->texts.action);
	buf_free(&c->texts.log);
	buf_free(&c->texts.text);
	buf_free(&c->texts.header);
	buf_free(&c->texts.second);
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
