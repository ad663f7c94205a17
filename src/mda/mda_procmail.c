/*
 * NAME
 *	mda_procmail 3
 * SUMMARY
 *	rmxf procmail: one message on stdin, out on stdout with
 *	Received-SPF (and Authentication-Results) prepended
 * SYNOPSIS
 *	#include "mda/mda.h"
 *
 *	int	mda_procmail_main(int argc, char **argv);
 * DESCRIPTION
 *	mda_procmail_main() runs `rmxf procmail [-q] [-c FILE] [--dns
 *	HOST:PORT | --zone FILE] [--hostname NAME]`, a procmail filter
 *	(":0 fw" and "| rmxf procmail"), the seed's --procmail mode.
 *
 *	Configuration: -c FILE, else /etc/rmxf/rmxf.conf when it exists,
 *	else the built-in defaults; then $HOME/.rmxf.conf, when it exists,
 *	overrides it parameter by parameter (mda_conf_merge()).  Of the
 *	configuration the tests (test_spf, test_dmp, test_a, test_mx,
 *	legacy_on_neutral and their prefixes), default_result, the SPF
 *	limits, dns_timeout and request_timeout (the shorter is the
 *	deadline, as rmxfd's), dns_forwarders, the two header parameters,
 *	authserv_id and
 *	procmail_trusted_hops, srs_domain and ses_domains count; the HELO
 *	test is skipped and the ACL,
 *	the smarthost profile and the action table are not used (the
 *	seed): every result is marked with its header.
 *
 *	The header block (at most MDA_MAX_HEADER octets) is read and
 *	parsed (mda_hdr_parse()): the sender from Return-Path, client and
 *	HELO from the first Received: line with [IP] below the
 *	procmail_trusted_hops topmost ones.  A Return-Path that is our own
 *	SRS0/SRS1 address (of srs_domain) or prvs address (of one of
 *	ses_domains) is the envelope sender as Postfix rewrote it after the
 *	SMTP check: the sender it stands for is checked instead, read from
 *	the address' layout (no key file: procmail runs as the mailbox
 *	owner), and the log line names the Return-Path (return_path=).
 *	Another forwarder's SRS address is checked as it is: its client is
 *	that forwarder.  That is turned into a policy
 *	request and run through check(3), as rmxfd and rmxf replay do,
 *	against the zone of --zone, or libunbound forwarding to --dns, to
 *	dns_forwarders, or to the servers of /etc/resolv.conf.  The header
 *	is check's, the one rmxfd would prepend; with both
 *	header_received_spf and header_authentication_results on, the
 *	check runs a second time for the other header (the SPF record
 *	cache is shared; check(3) makes one header per decision).
 *
 *	The message goes out unchanged below the new header lines, which
 *	follow the mbox "From " line if the message starts with one and
 *	end like the message's first line (LF or CR LF); the body is
 *	streamed, any size, any bytes.  Nothing to check (no Return-Path,
 *	no usable Received, a header block over the limit, an exempt
 *	client) gives "Received-SPF: none (...)", trouble (resolver,
 *	zone, configuration) "Received-SPF: temperror (...)", the comment
 *	saying why.
 *
 *	With test_dkim or test_dmarc on, the whole message is then read
 *	(at most MDA_MAX_MESSAGE octets; a longer one is passed on as it
 *	is, the log line saying so) and one more line goes below the SPF
 *	ones: "Authentication-Results: ID; dkim=...; dmarc=..." of
 *	mda_auth(3), over the MAIL FROM result just found; procmail only
 *	marks, so a DMARC failure is dis=none.
 *
 *	--hostname names the receiver in the headers when authserv_id is
 *	empty (default: gethostname()).  One line goes to stderr per
 *	message (procmail writes it to its LOGFILE): the decision as
 *	rmxfd logs it, or why nothing was checked, then the dkim= and
 *	dmarc= fields; -q silences it.
 *	Configuration errors are reported on stderr too.
 * DIAGNOSTICS
 *	Exit 0 when the whole message was written, with a header; 75
 *	(EX_TEMPFAIL) when it could not be read or written completely
 *	(EPIPE, ENOSPC: procmail, with the w flag, then keeps the
 *	original); 64 (EX_USAGE) for a bad command line, before anything
 *	is read.
 * SEE ALSO
 *	rmxf(1), procmailrc(5), check(3), RFC 7208 9.1, RFC 8601.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "check/check.h"
#include "conf/conf.h"
#include "dns/dns.h"
#include "mda/mda.h"
#include "policy/policy.h"
#include "ses/ses.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/ipaddr.h"
#include "util/msg.h"
#include "util/xmalloc.h"

#define MDA_CHUNK		(64 * 1024)	/* one read of the body */
#define MDA_USER_CONF		".rmxf.conf"	/* in $HOME */
#define MDA_MAX_PATH		4096		/* $HOME/.rmxf.conf */
#define MDA_MAX_HOST		256		/* gethostname() */
#define MDA_MAX_ERR		(16 * 1024)	/* conf error text */
#define MDA_MAX_LINES		(4 * 1024)	/* the added header lines */
#define MDA_MAX_LINE		1024		/* one added line */
#define MDA_ERRLEN		512		/* zone and resolver errors */
#define MDA_MAX_LOG		(CHECK_MAX_LOG + 512)	/* a log line */
#define MDA_RCACHE		100		/* SPF records kept */
#define MDA_PREPEND		"PREPEND "	/* check's header action */
#define MDA_TAG			"rmxf procmail"	/* in header comments */

enum {
	MDA_OPT_DNS = 256,
	MDA_OPT_ZONE,
	MDA_OPT_HOSTNAME,
	MDA_OPT_HELP,
};

static const struct option mda_longopts[] = {
	{"dns", required_argument, NULL, MDA_OPT_DNS},
	{"zone", required_argument, NULL, MDA_OPT_ZONE},
	{"hostname", required_argument, NULL, MDA_OPT_HOSTNAME},
	{"help", no_argument, NULL, MDA_OPT_HELP},
	{NULL, 0, NULL, 0},
};

/* What the command line asked for. */
struct mda_opts {
	const char     *conf;
	const char     *dns;
	const char     *zone;
	const char     *hostname;
	int		quiet;
};

/* One run: what it found and what it adds. */
struct mda_run {
	struct mda_opts	o;
	struct conf    *conf;		/* NULL: configuration error */
	struct buf	fwd;
	struct buf	hdrs;		/* the lines to add */
	int		authres;	/* Authentication-Results wanted */
	const char     *host;		/* receiver, authserv-id */
	char		hostbuf[MDA_MAX_HOST];
	const char     *rpath;		/* our SRS/prvs Return-Path, as
					 * unwrapped; or NULL */
	struct buf	log;		/* the message's one log line */
	int		spf_checked;	/* MAIL FROM's SPF result, for DMARC */
	enum spf_result	spf;
	char		spf_domain[MDA_MAX_SENDER + 1];
};

/* mda_usage - the synopsis */
static void
mda_usage(FILE *fp)
{
	fputs("usage: rmxf procmail [-q] [-c FILE] [--dns HOST:PORT | "
	    "--zone FILE]\n"
	    "                     [--hostname NAME] < message > message\n"
	    "\nReads one message, writes it with Received-SPF "
	    "(Authentication-Results)\nprepended.  In .procmailrc:  :0 fw  "
	    "and  | rmxf procmail\n", fp);
}

/* mda_args - the command line; EX_OK, EX_USAGE, or -1 for --help */
static int
mda_args(int argc, char **argv, struct mda_opts *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+c:q", mda_longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'c':
			o->conf = optarg;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case MDA_OPT_DNS:
			o->dns = optarg;
			break;
		case MDA_OPT_ZONE:
			o->zone = optarg;
			break;
		case MDA_OPT_HOSTNAME:
			o->hostname = optarg;
			break;
		case MDA_OPT_HELP:
			return -1;
		default:
			mda_usage(stderr);
			msg_warn("procmail: unknown option or missing "
			    "argument");
			return EX_USAGE;
		}
	}
	if (optind != argc) {
		mda_usage(stderr);
		msg_warn("procmail: no arguments expected");
		return EX_USAGE;
	}
	if (o->zone != NULL && o->dns != NULL) {
		msg_warn("procmail: --zone and --dns exclude each other");
		return EX_USAGE;
	}
	return EX_OK;
}

/* mda_read_conf - one file's text; 1 read, 0 absent (when optional),
 * -1 error */
static int
mda_read_conf(const char *path, int optional, char **text, size_t *len)
{
	*text = NULL;
	*len = 0;
	if (file_read(path, CONF_MAX_TEXT, text, len) == 0)
		return 1;
	if (optional && errno == ENOENT)
		return 0;
	msg_warn("procmail: cannot read %s: %s", path, strerror(errno));
	return -1;
}

/* mda_check_conf - parse one text to see its errors with its own name */
static int
mda_check_conf(const char *text, size_t len, const char *name)
{
	struct buf err;
	struct conf *c;

	buf_init(&err, MDA_MAX_ERR);
	c = conf_parse(text, len, name, &err);
	if (c == NULL && err.data != NULL)
		fputs(err.data, stderr);
	buf_free(&err);
	if (c == NULL)
		return -1;
	conf_free(c);
	return 0;
}

/* mda_conf - system (or -c) configuration, then ~/.rmxf.conf; NULL on
 * error */
static struct conf *
mda_conf(const struct mda_opts *o)
{
	const char *sys = o->conf != NULL ? o->conf : CONF_DEFAULT_FILE;
	const char *home = getenv("HOME");
	char *stext = NULL, *utext = NULL;
	size_t slen = 0, ulen = 0;
	struct buf upath, merged;
	struct conf *c = NULL;
	int rs, ru = 0;

	buf_init(&upath, MDA_MAX_PATH);
	buf_init(&merged, 2 * CONF_MAX_TEXT + 1);
	if ((rs = mda_read_conf(sys, o->conf == NULL, &stext, &slen)) < 0)
		goto out;
	if (home != NULL && *home != 0) {
		buf_puts(&upath, home);
		if (home[strlen(home) - 1] != '/')
			buf_putc(&upath, '/');
		if (buf_puts(&upath, MDA_USER_CONF) == 0 &&
		    (ru = mda_read_conf(upath.data, 1, &utext, &ulen)) < 0)
			goto out;
	}
	if (rs > 0 && mda_check_conf(stext, slen, sys) < 0)
		goto out;
	if (ru > 0 && mda_check_conf(utext, ulen, upath.data) < 0)
		goto out;
	if (ru > 0 && mda_conf_merge(stext != NULL ? stext : "", slen, utext,
	    ulen, &merged) < 0) {
		msg_warn("procmail: %s and %s together are too long", sys,
		    upath.data);
		goto out;
	}
	if (ru > 0)
		c = conf_parse(merged.data, merged.len, upath.data, NULL);
	else if (rs > 0)
		c = conf_parse(stext, slen, sys, NULL);
	else
		c = conf_default();
	if (c == NULL)
		msg_warn("procmail: %s with %s gives an invalid "
		    "configuration", sys, upath.data);
out:
	free(stext);
	free(utext);
	buf_free(&upath);
	buf_free(&merged);
	return c;
}

/* mda_conf_procmail - the seed's procmail mode on a configuration */
static void
mda_conf_procmail(struct conf *c)
{
	size_t i;

	c->test_helo = 0;
	c->observe_only = 0;
	c->smarthost_egress.n = 0;
	for (i = 0; i < CONF_R_COUNT; i++) {
		c->action_mailfrom[i] = CONF_ACT_MARK;
		c->action_helo[i] = CONF_ACT_MARK;
	}
	c->action_require_pass = CONF_ACT_MARK;
	c->header_exempt = 0;		/* the exempt result line instead */
}

/* mda_fallback - the header lines when nothing could be checked */
static void
mda_fallback(struct mda_run *r, const char *result, const char *why,
    int crlf)
{
	const char *aid;
	struct buf l;

	buf_init(&l, MDA_MAX_LINE);
	buf_printf(&l, "Received-SPF: %s (%s: %s)", result, MDA_TAG, why);
	mda_hdr_line(&r->hdrs, l.data, crlf);
	if (r->authres) {
		aid = *r->conf->authserv_id ? r->conf->authserv_id : r->host;
		buf_reset(&l);
		buf_puts(&l, "Authentication-Results: ");
		if (policy_text_sanitize(&l, aid, strlen(aid), MDA_MAX_HOST,
		    0) < 0)
			buf_puts(&l, "unknown");
		/* RFC 8601 2.2: "none" alone when nothing was checked */
		buf_printf(&l, "; %s%s (%s: %s)", strcmp(result, "none") ?
		    "spf=" : "", result, MDA_TAG, why);
		mda_hdr_line(&r->hdrs, l.data, crlf);
	}
	buf_free(&l);
}

/* mda_give_up - the fallback header lines and their log line */
static void
mda_give_up(struct mda_run *r, const char *result, const char *why,
    int crlf)
{
	mda_fallback(r, result, why, crlf);
	buf_reset(&r->log);
	buf_printf(&r->log, "result=%s why=\"%s\"", result, why);
}

/* mda_log_decision - the decision's log line, after the Return-Path
 * it unwrapped, if any */
static void
mda_log_decision(struct mda_run *r, const char *log)
{
	buf_reset(&r->log);
	if (r->rpath != NULL) {
		buf_puts(&r->log, "return_path=");
		(void)policy_log_quoted(&r->log, r->rpath,
		    POLICY_LOG_VALUE_MAX, 1);
		buf_putc(&r->log, ' ');
	}
	buf_puts(&r->log, log);
}

/* mda_decide - run one check; 0 with check's header added, 1 with a
 * fallback header, -1 resolver trouble (err says why); log: write the
 * decision's log line */
static int
mda_decide(struct mda_run *r, struct dns_zone *zone,
    const struct check_envelope *in, struct spf_rcache *rc, int crlf,
    int log, char *err, size_t errlen)
{
	const struct check_decision *d;
	struct check_env env;
	struct dns_ub_opts ub;
	struct spf_job job;
	struct check *c;
	size_t n = strlen(MDA_PREPEND);
	int ret = 0;

	memset(&env, 0, sizeof(env));
	env.conf = r->conf;
	env.rcache = rc;
	env.hostname = r->host;
	c = check_new(&env, NULL, in, (long long)time(NULL));
	check_job(&job, c);
	if (zone != NULL)
		dns_zone_run(zone, &job);
	else {
		memset(&ub, 0, sizeof(ub));
		ub.timeout_ms = r->conf->dns_timeout <
		    r->conf->request_timeout ? r->conf->dns_timeout :
		    r->conf->request_timeout;
		ub.forwarders = r->fwd.len > 0 ? r->fwd.data : NULL;
		err[0] = 0;
		if (dns_ub_run_sync(&ub, &job, err, errlen) != 0) {
			ret = -1;
			goto out;
		}
	}
	d = check_decision(c);
	if (log && d->mailfrom_checked) {
		r->spf_checked = 1;
		r->spf = d->mailfrom_result;
	}
	if (strncmp(d->action, MDA_PREPEND, n) == 0)
		mda_hdr_line(&r->hdrs, d->action + n, crlf);
	else {
		mda_fallback(r, "none", d->method == CHECK_M_EXEMPT ?
		    "client exempt from checks" : "nothing checked", crlf);
		ret = 1;
	}
	if (log)
		mda_log_decision(r, d->log);
out:
	check_free(c);
	return ret;
}

/* mda_forwarders - --dns, else dns_forwarders as "IP@PORT ...", as
 * rmxfd does; -1 when they do not fit */
static int
mda_forwarders(struct mda_run *r)
{
	if (r->o.dns != NULL)
		return 0;	/* r->fwd holds it already */
	return conf_print_forwarders(r->conf, &r->fwd);
}

/* mda_ours - is dom (dlen) the domain name d, in any case? */
static int
mda_ours(const char *dom, size_t dlen, const char *d)
{
	return *d != 0 && strlen(d) == dlen && strncasecmp(dom, d, dlen) == 0;
}

/*
 * mda_unwrap - the sender that our own SRS address (of srs_domain) or
 * prvs address (of one of ses_domains) stands for, into out; 0 for any
 * other address.  Local delivery writes the envelope sender as Postfix
 * last rewrote it, so a Return-Path of ours names our domain, not the
 * one the client at the Received: line sent for.  Only the layout is
 * read (ses_srs_decode, ses_batv_strip): procmail runs as the mailbox
 * owner, who cannot read the key files; a forged address gains nothing,
 * as the sender it names is checked against that same client.
 */
static int
mda_unwrap(const struct conf *c, const char *sender, struct buf *out)
{
	size_t len = strlen(sender), dlen, i;
	const char *dom = ses_addr_domain(sender, len, &dlen);

	if (dom == NULL)
		return 0;
	if (mda_ours(dom, dlen, c->srs_domain) && ses_srs_is_srs(sender, len))
		return ses_srs_decode(sender, len, out) == SES_OK;
	for (i = 0; i < c->ses_domains.n; i++)
		if (mda_ours(dom, dlen, c->ses_domains.v[i]))
			return ses_batv_is_prvs(sender, len) &&
			    ses_batv_strip(sender, len, out) == SES_OK;
	return 0;
}

/* mda_spf_domain - the domain SPF checks for MAIL FROM: the sender's,
 * or the HELO name for the null sender */
static void
mda_spf_domain(struct mda_run *r, const char *sender, const char *helo)
{
	const char *at = strrchr(sender, '@');
	const char *d = at != NULL ? at + 1 : *sender ? sender : helo;
	size_t n = strlen(d);

	if (n > MDA_MAX_SENDER)
		n = MDA_MAX_SENDER;
	memcpy(r->spf_domain, d, n);
	r->spf_domain[n] = 0;
}

/* mda_headers - the header lines for this message */
static void
mda_headers(struct mda_run *r, const char *in, const struct mda_msg *m)
{
	struct check_envelope env;
	struct dns_zone *zone = NULL;
	struct spf_rcache *rc = NULL;
	char ip[MDA_MAX_IPLIT + 1], helo[MDA_MAX_HELO + 1];
	char sender[MDA_MAX_SENDER + 1], err[MDA_ERRLEN];
	char rpath[MDA_MAX_SENDER + 1];
	struct buf plain;
	int both, ret;

	if (m->why != NULL) {
		mda_give_up(r, "none", m->why, m->crlf);
		return;
	}
	if (r->o.zone == NULL && mda_forwarders(r) < 0) {
		mda_give_up(r, "temperror", "too many dns_forwarders",
		    m->crlf);
		return;
	}
	if (r->o.zone != NULL) {
		err[0] = 0;
		if ((zone = dns_zone_load(r->o.zone, err, sizeof(err))) ==
		    NULL) {
			msg_warn("procmail: %s: %s", r->o.zone, err[0] ? err :
			    "cannot load");
			mda_give_up(r, "temperror", "unusable zone file",
			    m->crlf);
			return;
		}
	}
	memcpy(ip, in + m->ip.off, m->ip.len);
	ip[m->ip.len] = 0;
	memcpy(helo, in + m->helo.off, m->helo.len);
	helo[m->helo.len] = 0;
	memcpy(sender, in + m->sender.off, m->sender.len);
	sender[m->sender.len] = 0;
	buf_init(&plain, SES_MAX_ADDR);
	if (mda_unwrap(r->conf, sender, &plain)) {
		memcpy(rpath, sender, m->sender.len + 1);
		memcpy(sender, plain.data, plain.len + 1);
		r->rpath = rpath;
	}
	buf_free(&plain);
	mda_spf_domain(r, sender, helo);
	memset(&env, 0, sizeof(env));
	env.stage = CHECK_STAGE_RCPT;
	env.client_address = ip;
	env.helo = helo;
	env.sender = sender;
	rc = spf_rcache_new(MDA_RCACHE);
	both = r->conf->header_received_spf &&
	    r->conf->header_authentication_results;
	if (both)
		r->conf->header_authentication_results = 0;
	if ((ret = mda_decide(r, zone, &env, rc, m->crlf, 1, err,
	    sizeof(err))) < 0)
		goto dns_trouble;
	if (both && ret == 0) {
		r->conf->header_received_spf = 0;
		r->conf->header_authentication_results = 1;
		if (mda_decide(r, zone, &env, rc, m->crlf, 0, err,
		    sizeof(err)) < 0)
			goto dns_trouble;
	}
	goto out;
dns_trouble:
	msg_warn("procmail: resolver: %s", err[0] ? err : "unusable");
	buf_reset(&r->hdrs);
	mda_give_up(r, "temperror", "DNS resolver unusable", m->crlf);
out:
	if (rc != NULL)
		spf_rcache_free(rc);
	dns_zone_free(zone);
}

/* mda_write - write all of a buffer to stdout; -1 on error */
static int
mda_write(void *arg, const char *p, size_t n)
{
	ssize_t w;

	(void)arg;
	while (n > 0) {
		w = write(STDOUT_FILENO, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* mda_read - read some of stdin; bytes read, 0 at EOF, -1 on error */
static ssize_t
mda_read(char *p, size_t n)
{
	ssize_t got;

	do
		got = read(STDIN_FILENO, p, n);
	while (got < 0 && errno == EINTR);
	return got;
}

/* mda_io_error - log a failed read or write of the message; EX_TEMPFAIL */
static int
mda_io_error(const char *what)
{
	msg_warn("procmail: cannot %s the message: %s", what, strerror(errno));
	return EX_TEMPFAIL;
}

/*
 * mda_read_head - read stdin into in (MDA_MAX_HEADER + 1 octets of
 * room) until the header block ends or outgrows it; *len is what was
 * read, *end where the block ends, *eof whether stdin is at its end.
 * -1 on a read error.
 */
static int
mda_read_head(char *in, size_t *len, size_t *end, int *eof,
    enum mda_end *e)
{
	ssize_t got;

	*e = MDA_END_MORE;
	while (*e == MDA_END_MORE) {
		if ((got = mda_read(in + *len, MDA_MAX_HEADER + 1 - *len)) < 0)
			return -1;
		*eof = got == 0;
		*len += (size_t)got;
		*e = mda_hdr_end(in, *len, *eof, MDA_MAX_HEADER, end);
	}
	return 0;
}

/*
 * mda_mark - load the configuration, parse the header block and make
 * the header lines to add: the decision's, or the reason nothing was
 * checked
 */
static void
mda_mark(struct mda_run *r, const char *in, size_t len, size_t end,
    enum mda_end e, struct mda_msg *m)
{
	r->conf = mda_conf(&r->o);
	r->authres = r->conf != NULL &&
	    r->conf->header_authentication_results;
	if (e == MDA_END_TOOBIG) {
		mda_hdr_parse(in, len, 0, m);
		mda_give_up(r, "none", "header block too long", m->crlf);
		return;
	}
	mda_hdr_parse(in, end, r->conf != NULL ?
	    r->conf->procmail_trusted_hops : 0, m);
	if (r->conf == NULL) {
		mda_give_up(r, "temperror", "configuration error", m->crlf);
		return;
	}
	mda_conf_procmail(r->conf);
	mda_headers(r, in, m);
}

/*
 * mda_read_all - with DKIM or DMARC on, the whole message: in (len
 * octets read so far) grows to it, bounded by MDA_MAX_MESSAGE; 1: all
 * of it is in, 0: more follows on stdin, -1: a read error
 */
static int
mda_read_all(char **in, size_t *len, int *eof)
{
	size_t cap = MDA_MAX_HEADER + 1;	/* as main() allocated it */
	ssize_t got;

	while (!*eof && *len < MDA_MAX_MESSAGE) {
		if (cap - *len < MDA_CHUNK) {
			cap = 2 * cap > *len + MDA_CHUNK ? 2 * cap :
			    *len + MDA_CHUNK;
			*in = xrealloc(*in, cap);
		}
		if ((got = mda_read(*in + *len, MDA_CHUNK)) < 0)
			return -1;
		*eof = got == 0;
		*len += (size_t)got;
	}
	return *eof;
}

/* mda_dkim - DKIM and DMARC of the whole message: one more header line */
static void
mda_dkim(struct mda_run *r, const char *in, size_t len, int crlf)
{
	struct mda_auth a;
	struct buf line, log;
	char err[MDA_ERRLEN];

	memset(&a, 0, sizeof(a));
	a.conf = r->conf;
	a.zone = r->o.zone;
	a.forwarders = r->fwd.len > 0 ? r->fwd.data : NULL;
	a.authserv_id = *r->conf->authserv_id ? r->conf->authserv_id :
	    r->host;
	a.spf_checked = r->spf_checked;
	a.spf = r->spf;
	a.spf_domain = r->spf_domain[0] ? r->spf_domain : NULL;
	buf_init(&line, MDA_MAX_LINES);
	buf_init(&log, MDA_MAX_LOG);
	if (mda_auth_line(&a, in, len, &line, &log, err, sizeof(err)) < 0)
		msg_warn("procmail: DKIM and DMARC: %s", err[0] ? err :
		    "resolver unusable");
	else {
		mda_hdr_line(&r->hdrs, line.data, crlf);
		buf_puts(&r->log, log.data ? log.data : "");
	}
	buf_free(&line);
	buf_free(&log);
}

/* mda_copy_body - the rest of stdin to stdout; EX_OK or EX_TEMPFAIL */
static int
mda_copy_body(char *in, int eof)
{
	ssize_t got;

	while (!eof) {
		if ((got = mda_read(in, MDA_MAX_HEADER + 1)) < 0)
			return mda_io_error("read");
		eof = got == 0;
		if (got > 0 && mda_write(NULL, in, (size_t)got) < 0)
			return mda_io_error("write");
	}
	return EX_OK;
}

/* mda_procmail_main - rmxf procmail */
int
mda_procmail_main(int argc, char **argv)
{
	struct mda_run r;
	struct mda_msg m;
	enum mda_end e;
	char *in = NULL;
	size_t len = 0, end = 0;
	int eof = 0, status;

	memset(&r, 0, sizeof(r));
	buf_init(&r.fwd, CONF_MAX_FORWARDERS_TEXT);
	buf_init(&r.hdrs, MDA_MAX_LINES);
	buf_init(&r.log, MDA_MAX_LOG);
	if ((status = mda_args(argc, argv, &r.o)) != EX_OK) {
		if (status < 0) {
			mda_usage(stdout);
			status = EX_OK;
		}
		goto out;
	}
	if (r.o.dns != NULL && ipaddr_format_forwarder(r.o.dns,
	    &r.fwd) < 0) {
		msg_warn("procmail: bad --dns '%s' (IP, IP:PORT or "
		    "[IPv6]:PORT)", r.o.dns);
		status = EX_USAGE;
		goto out;
	}
	signal(SIGPIPE, SIG_IGN);
	if (gethostname(r.hostbuf, sizeof(r.hostbuf)) < 0)
		r.hostbuf[0] = 0;
	r.hostbuf[sizeof(r.hostbuf) - 1] = 0;
	r.host = r.o.hostname != NULL ? r.o.hostname :
	    r.hostbuf[0] ? r.hostbuf : "localhost";
	in = xmalloc(MDA_MAX_HEADER + 1);
	if (mda_read_head(in, &len, &end, &eof, &e) < 0) {
		status = mda_io_error("read");
		goto out;
	}
	mda_mark(&r, in, len, end, e, &m);
	if (r.conf != NULL && e == MDA_END_DONE && len > 0 &&
	    (r.conf->test_dkim || r.conf->test_dmarc)) {
		switch (mda_read_all(&in, &len, &eof)) {
		case -1:
			status = mda_io_error("read");
			goto out;
		case 1:
			mda_dkim(&r, in, len, m.crlf);
			break;
		default:
			buf_printf(&r.log, " dkim=not-checked why=\"message "
			    "over %d octets\"", MDA_MAX_MESSAGE);
		}
	}
	if (!r.o.quiet && r.log.len > 0)
		msg_info("procmail: %s", r.log.data);
	if (mda_pass_head(in, len, &m, &r.hdrs, mda_write, NULL) < 0)
		status = mda_io_error("write");
	else
		status = mda_copy_body(in, eof);
out:
	free(in);
	if (r.conf != NULL)
		conf_free(r.conf);
	buf_free(&r.fwd);
	buf_free(&r.hdrs);
	buf_free(&r.log);
	return status;
}
