/*
 * NAME
 *	cli_check 3
 * SUMMARY
 *	rmxf check: one SPF evaluation, or a domain's whole policy
 * SYNOPSIS
 *	#include "cli/cli.h"
 *
 *	int	cli_check_main(int argc, char **argv);
 * DESCRIPTION
 *	cli_check_main() parses the options of `rmxf check`, builds the
 *	spf_params, picks a resolver (the zone file of --zone, or
 *	libunbound forwarding to --dns or to the servers of
 *	/etc/resolv.conf), runs the job to completion and prints the
 *	answer through cli_out.  With --ip it runs check_host() (an
 *	spf_query); with a single ADDRESS argument and no --ip it runs
 *	the test-mode walker (spf_list) on the address's domain.
 *
 *	The engine gets the strings as they were given: an empty, odd or
 *	local-part-less --sender is the engine's to judge (it answers
 *	none), never a usage error here.  Only lengths are bounded
 *	(CLI_MAX_ARG), as every input is at the edge.
 *
 *	--dns takes HOST:PORT, [HOST]:PORT, or HOST alone (port 53) where
 *	HOST is an IPv4 or IPv6 address, and becomes the libunbound
 *	forwarder "IP@PORT".
 *
 *	With -c, what the options leave unsaid comes from the
 *	configuration, as rmxfd takes it: the forwarders of dns_forwarders,
 *	the deadline dns_timeout or request_timeout (whichever is
 *	shorter), and the spf_max_* limits of test mode.
 * DIAGNOSTICS
 *	Returns EX_OK (0) whenever a result was produced, whatever it is;
 *	EX_USAGE (64) with one line on stderr for bad arguments;
 *	EX_UNAVAILABLE (69) for an unusable zone file ("file:line: why")
 *	or resolver; EX_CONFIG (78) for dns_forwarders too long to pass
 *	on; EX_SOFTWARE (70) when the output would exceed its
 *	bound; EX_IOERR (74) when stdout cannot be written.
 * SEE ALSO
 *	rmxf(1), RFC 7208 section 4 (check_host), section 4.6.4 (limits).
 */
#include <getopt.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "check/check.h"
#include "cli/cli.h"
#include "conf/conf.h"
#include "dns/dns.h"
#include "policy/policy.h"
#include "spf/spf.h"
#include "util/buf.h"
#include "util/ipaddr.h"

#define CLI_CHECK_MAX_HOST	256	/* gethostname() buffer */

/* What the command line asked for. */
struct cli_check_opts {
	const char     *ip;
	const char     *sender;		/* NULL: not given */
	const char     *helo;
	const char     *identity;
	const char     *receiver;
	const char     *dns;
	const char     *zone;
	const char     *conf;		/* -c: decide as rmxfd would */
	const char     *rcpt;		/* ... for this recipient */
	const char     *address;	/* test mode */
	unsigned	timeout;	/* seconds; 0: not given */
	int		trace;
	int		json;
};

enum {
	CLI_CHECK_OPT_IP = 256,
	CLI_CHECK_OPT_SENDER,
	CLI_CHECK_OPT_HELO,
	CLI_CHECK_OPT_IDENTITY,
	CLI_CHECK_OPT_RECEIVER,
	CLI_CHECK_OPT_DNS,
	CLI_CHECK_OPT_ZONE,
	CLI_CHECK_OPT_TIMEOUT,
	CLI_CHECK_OPT_TRACE,
	CLI_CHECK_OPT_JSON,
	CLI_CHECK_OPT_RCPT,
	CLI_CHECK_OPT_HELP,
};

static const struct option cli_check_longopts[] = {
	{"ip", required_argument, NULL, CLI_CHECK_OPT_IP},
	{"sender", required_argument, NULL, CLI_CHECK_OPT_SENDER},
	{"helo", required_argument, NULL, CLI_CHECK_OPT_HELO},
	{"identity", required_argument, NULL, CLI_CHECK_OPT_IDENTITY},
	{"receiver", required_argument, NULL, CLI_CHECK_OPT_RECEIVER},
	{"dns", required_argument, NULL, CLI_CHECK_OPT_DNS},
	{"zone", required_argument, NULL, CLI_CHECK_OPT_ZONE},
	{"timeout", required_argument, NULL, CLI_CHECK_OPT_TIMEOUT},
	{"trace", no_argument, NULL, CLI_CHECK_OPT_TRACE},
	{"json", no_argument, NULL, CLI_CHECK_OPT_JSON},
	{"rcpt", required_argument, NULL, CLI_CHECK_OPT_RCPT},
	{"help", no_argument, NULL, CLI_CHECK_OPT_HELP},
	{NULL, 0, NULL, 0},
};

/* cli_check_usage - the help text of rmxf check */
static void
cli_check_usage(FILE *fp)
{
	fputs("usage: rmxf check [--trace] [--json] --ip ADDRESS "
	    "--sender MAILFROM\n"
	    "                  [--helo NAME] [--identity mailfrom|helo] "
	    "[--receiver NAME]\n"
	    "                  [--dns HOST:PORT | --zone FILE] "
	    "[--timeout SECONDS]\n"
	    "       rmxf check -c FILE [--json] --ip ADDRESS --sender "
	    "MAILFROM [--helo NAME]\n"
	    "                  [--rcpt ADDRESS] [--receiver NAME] "
	    "[--dns HOST:PORT | --zone FILE]\n"
	    "       rmxf check [-c FILE] [--json] [--dns HOST:PORT | "
	    "--zone FILE] USER@DOMAIN\n\n"
	    "  --ip ADDRESS        client address, IPv4 or IPv6\n"
	    "  --sender MAILFROM   envelope sender as received ('' for "
	    "the null sender)\n"
	    "  --helo NAME         HELO/EHLO argument (default: empty)\n"
	    "  --identity ID       mailfrom (default) or helo\n"
	    "  --receiver NAME     our host name for %{r} and the headers "
	    "(default: hostname)\n"
	    "  --dns HOST:PORT     send every query to this server only "
	    "([::1]:5353 for IPv6)\n"
	    "  --zone FILE         answer from a zone file instead of DNS\n"
	    "  --timeout SECONDS   deadline of the whole evaluation "
	    "(default 20, or\n"
	    "                      with -c dns_timeout or request_timeout)\n"
	    "  --trace             show every record, term, query and "
	    "limit on # lines\n"
	    "  --json              print one JSON object instead of text\n"
	    "  -c FILE             rmxf.conf: answer what rmxfd would, the "
	    "whole pipeline\n"
	    "  --rcpt ADDRESS      with -c: the recipient (the ACL's key)\n"
	    "\nWith USER@DOMAIN and no --ip, list what the domain's SPF "
	    "policy allows,\nand with -c what its legacy tests allow.\n"
	    "Exit 0 with any result; 64 bad arguments; 69 unusable "
	    "resolver or zone.\n", fp);
}

/* cli_check_number - digits only, 1..max */
static int
cli_check_number(const char *s, unsigned long max, unsigned *out)
{
	unsigned long v = 0;
	size_t i;

	if (*s == 0)
		return -1;
	for (i = 0; s[i] != 0; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (v > (max - (unsigned long)(s[i] - '0')) / 10)
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v == 0)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* cli_check_slot - where a string-valued option goes; NULL for others */
static const char **
cli_check_slot(struct cli_check_opts *o, int c)
{
	switch (c) {
	case 'c':
		return &o->conf;
	case CLI_CHECK_OPT_RCPT:
		return &o->rcpt;
	case CLI_CHECK_OPT_IP:
		return &o->ip;
	case CLI_CHECK_OPT_SENDER:
		return &o->sender;
	case CLI_CHECK_OPT_HELO:
		return &o->helo;
	case CLI_CHECK_OPT_IDENTITY:
		return &o->identity;
	case CLI_CHECK_OPT_RECEIVER:
		return &o->receiver;
	case CLI_CHECK_OPT_DNS:
		return &o->dns;
	case CLI_CHECK_OPT_ZONE:
		return &o->zone;
	default:
		return NULL;
	}
}

/* cli_check_bad_option - the usage error for what getopt_long refused */
static int
cli_check_bad_option(int c, char **argv)
{
	if (c == ':')
		return cli_error(EX_USAGE, "check: option %s needs a value",
		    argv[optind - 1]);
	if (optopt >= CLI_CHECK_OPT_IP)
		return cli_error(EX_USAGE, "check: option %s takes no value",
		    argv[optind - 1]);
	if (optopt != 0)
		return cli_error(EX_USAGE, "check: unknown option -%c (try "
		    "rmxf check --help)", optopt);
	return cli_error(EX_USAGE, "check: unknown or ambiguous option %s "
	    "(try rmxf check --help)", argv[optind - 1]);
}

/* cli_check_parse - the command line into opts; EX_OK or EX_USAGE */
static int
cli_check_parse(int argc, char **argv, struct cli_check_opts *o)
{
	const char **slot;
	int c;

	memset(o, 0, sizeof(*o));
	o->helo = "";
	o->identity = "mailfrom";
	optind = 0;			/* glibc: start over */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hc:", cli_check_longopts,
	    NULL)) != -1) {
		if ((slot = cli_check_slot(o, c)) != NULL) {
			if (strlen(optarg) > CLI_MAX_ARG)
				return cli_error(EX_USAGE, "check: %s is "
				    "longer than %d bytes", argv[optind - 1],
				    CLI_MAX_ARG);
			*slot = optarg;
			continue;
		}
		switch (c) {
		case CLI_CHECK_OPT_TIMEOUT:
			if (cli_check_number(optarg, CLI_MAX_TIMEOUT,
			    &o->timeout) < 0)
				return cli_error(EX_USAGE, "check: bad "
				    "--timeout '%s' (whole seconds, 1 to %d)",
				    optarg, CLI_MAX_TIMEOUT);
			break;
		case CLI_CHECK_OPT_TRACE:
			o->trace = 1;
			break;
		case CLI_CHECK_OPT_JSON:
			o->json = 1;
			break;
		case 'h':
		case CLI_CHECK_OPT_HELP:
			return -1;
		default:
			return cli_check_bad_option(c, argv);
		}
	}
	if (argc - optind > 1)
		return cli_error(EX_USAGE, "check: one ADDRESS at most, "
		    "got '%s' and '%s'", argv[optind], argv[optind + 1]);
	if (argc - optind == 1) {
		o->address = argv[optind];
		if (strlen(o->address) > CLI_MAX_ARG)
			return cli_error(EX_USAGE, "check: ADDRESS is longer "
			    "than %d bytes", CLI_MAX_ARG);
	}
	return EX_OK;
}

/* cli_check_validate - combinations of options; EX_OK or EX_USAGE */
static int
cli_check_validate(const struct cli_check_opts *o, struct spf_params *p)
{
	if (o->zone != NULL && o->dns != NULL)
		return cli_error(EX_USAGE, "check: --zone and --dns exclude "
		    "each other");
	if (strcmp(o->identity, "mailfrom") == 0)
		p->identity = SPF_ID_MAILFROM;
	else if (strcmp(o->identity, "helo") == 0)
		p->identity = SPF_ID_HELO;
	else
		return cli_error(EX_USAGE, "check: bad --identity '%s' "
		    "(mailfrom or helo)", o->identity);
	if (o->rcpt != NULL && o->conf == NULL)
		return cli_error(EX_USAGE, "check: --rcpt goes with -c");
	if (o->conf != NULL && o->trace)
		return cli_error(EX_USAGE, "check: --trace shows one SPF "
		    "evaluation: leave out -c");
	if (o->conf != NULL && o->address == NULL &&
	    p->identity != SPF_ID_MAILFROM)
		return cli_error(EX_USAGE, "check: -c checks both identities, "
		    "as rmxfd: leave out --identity");
	if (o->address != NULL) {
		if (o->ip != NULL)
			return cli_error(EX_USAGE, "check: ADDRESS lists a "
			    "policy and takes no --ip (use --sender)");
		if (o->sender != NULL)
			return cli_error(EX_USAGE, "check: ADDRESS and "
			    "--sender exclude each other");
		return EX_OK;
	}
	if (o->ip == NULL)
		return cli_error(EX_USAGE, "check: missing --ip "
		    "(or a USER@DOMAIN to list its policy)");
	if (spf_params_ip(p, o->ip) < 0)
		return cli_error(EX_USAGE, "check: bad --ip '%s' (not an IPv4 "
		    "or IPv6 address)", o->ip);
	if (p->identity == SPF_ID_MAILFROM && o->sender == NULL)
		return cli_error(EX_USAGE, "check: missing --sender "
		    "(--sender '' for the null sender)");
	if (p->identity == SPF_ID_HELO && *o->helo == 0)
		return cli_error(EX_USAGE, "check: --identity helo needs "
		    "--helo");
	return EX_OK;
}

/* cli_check_print - write the output buffer to stdout */
static int
cli_check_print(int fmt_status, const struct buf *out)
{
	if (fmt_status < 0)
		return cli_error(EX_SOFTWARE, "output longer than %zu bytes",
		    out->max);
	if (cli_write(stdout, out) < 0)
		return cli_error(EX_IOERR, "cannot write to standard output");
	return EX_OK;
}

/* cli_check_query - --ip given: run check_host() and print the answer */
static int
cli_check_query(const struct cli_check_opts *o, struct spf_params *p,
    struct cli_dns *d)
{
	struct spf_query *q;
	struct spf_job job;
	struct cli_report r;
	struct buf out;
	int status;

	buf_init(&out, CLI_MAX_JSON);
	q = spf_query_new(p);
	spf_query_job(&job, q);
	if ((status = cli_dns_run(d, &job)) != EX_OK)
		goto out;
	memset(&r, 0, sizeof(r));
	r.params = p;
	r.authserv_id = p->receiver;
	spf_query_result(q, &r.detail);
	if (o->trace) {
		r.ntrace = spf_query_trace(q, &r.trace);
		r.show_trace = 1;
	}
	status = cli_check_print(o->json ? cli_out_check_json(&r, &out) :
	    cli_out_check_text(&r, &out), &out);
out:
	spf_query_free(q);
	buf_free(&out);
	return status;
}

/* cli_check_request - the policy request Postfix would send; -1 when a
 * value holds what no request line can */
static int
cli_check_request(const struct cli_check_opts *o, struct buf *req)
{
	const char *v[4] = {o->ip, o->helo, o->sender, o->rcpt};
	size_t i;

	for (i = 0; i < 4; i++)
		if (v[i] != NULL && strpbrk(v[i], "\r\n") != NULL)
			return -1;
	buf_printf(req, "request=smtpd_access_policy\nprotocol_state=RCPT\n"
	    "protocol_name=ESMTP\nclient_address=%s\nhelo_name=%s\n"
	    "sender=%s\ninstance=rmxf-check\n", o->ip, o->helo, o->sender);
	if (o->rcpt != NULL)
		buf_printf(req, "recipient=%s\n", o->rcpt);
	buf_putc(req, '\n');
	return req->overflow ? -1 : 0;
}

/* cli_check_decide - with -c: what rmxfd would answer, whole pipeline */
static int
cli_check_decide(const struct cli_check_opts *o, const struct spf_params *p,
    struct cli_dns *d, struct cli_env *e)
{
	struct policy_parser *pp = policy_parser_new(NULL);
	struct check_envelope in;
	struct check *c = NULL;
	struct spf_job job;
	struct buf req, out;
	size_t used;
	int status;

	buf_init(&req, POLICY_MAX_REQUEST);
	buf_init(&out, CLI_MAX_JSON);
	if (cli_check_request(o, &req) < 0 || policy_parser_feed(pp, req.data,
	    req.len, &used) != POLICY_REQUEST) {
		status = cli_error(EX_USAGE, "check: these values make no "
		    "policy request (a line break, or too long)");
		goto out;
	}
	e->check.hostname = o->receiver;
	check_envelope_policy(&in, policy_parser_request(pp));
	c = check_new(&e->check, NULL, &in, p->now);
	check_job(&job, c);
	if ((status = cli_dns_run(d, &job)) != EX_OK)
		goto out;
	status = cli_check_print(o->json ?
	    cli_out_decision_json(check_decision(c), &out) :
	    cli_out_decision_text(check_decision(c), &out), &out);
out:
	check_free(c);
	policy_parser_free(pp);
	buf_free(&req);
	buf_free(&out);
	return status;
}

/* cli_check_list - test mode: list what the domain's policy allows,
 * and with a configuration what its legacy tests allow */
static int
cli_check_list(const struct cli_check_opts *o, struct spf_params *p,
    struct cli_dns *d, const struct cli_env *e)
{
	const struct spf_list_line *lines;
	const struct check_list_line *leg = NULL;
	struct check_list *list = NULL;
	struct spf_list *sl;
	struct spf_job job;
	const char *at, *domain;
	struct buf out;
	size_t n, nleg = 0;
	int status;

	at = strrchr(o->address, '@');
	domain = at != NULL ? at + 1 : o->address;
	if (*domain == 0)
		return cli_error(EX_USAGE, "check: no domain in '%s'",
		    o->address);
	p->sender = o->address;
	buf_init(&out, CLI_MAX_JSON);
	sl = spf_list_new(o->address, p);
	spf_list_job(&job, sl);
	if ((status = cli_dns_run(d, &job)) != EX_OK)
		goto out;
	n = spf_list_lines(sl, &lines);
	if (e->conf != NULL) {
		list = check_list_new(e->conf, domain);
		check_list_job(&job, list);
		if ((status = cli_dns_run(d, &job)) != EX_OK)
			goto out;
		nleg = check_list_lines(list, &leg);
	}
	if (o->json)
		status = cli_out_list_json(o->address, domain, lines, n,
		    leg, nleg, &out);
	else if ((status = cli_out_list_text(o->address, lines, n,
	    &out)) == 0 && leg != NULL)
		status = cli_out_legacy_text(leg, nleg, &out);
	status = cli_check_print(status, &out);
out:
	check_list_free(list);
	spf_list_free(sl);
	buf_free(&out);
	return status;
}

/* cli_check_main - rmxf check */
int
cli_check_main(int argc, char **argv)
{
	struct cli_check_opts o;
	struct cli_dns d;
	struct cli_env e;
	struct spf_params p;
	char host[CLI_CHECK_MAX_HOST];
	int status;

	memset(&d, 0, sizeof(d));
	memset(&e, 0, sizeof(e));
	if ((status = cli_check_parse(argc, argv, &o)) != EX_OK) {
		if (status < 0) {
			cli_check_usage(stdout);
			status = EX_OK;
		}
		goto out;
	}
	spf_params_init(&p);
	if ((status = cli_check_validate(&o, &p)) != EX_OK)
		goto out;
	if (o.receiver == NULL) {
		if (gethostname(host, sizeof(host)) < 0)
			host[0] = 0;
		host[sizeof(host) - 1] = 0;
		o.receiver = host[0] ? host : "localhost";
	}
	p.sender = o.sender != NULL ? o.sender : "";
	p.helo = o.helo;
	p.receiver = o.receiver;
	p.now = (long long)time(NULL);
	if (o.trace)
		p.flags |= SPF_F_TRACE;
	if (o.conf != NULL &&
	    (status = cli_env_load("check", o.conf, &e)) != EX_OK)
		goto out;
	p.limits.timeout_ms = cli_dns_timeout(o.timeout, e.conf);
	if (e.conf != NULL) {
		p.limits.dns_terms = e.conf->spf_max_dns_terms;
		p.limits.void_lookups = e.conf->spf_max_void_lookups;
		p.limits.mx_addrs = e.conf->spf_max_mx_addrs;
		p.limits.ptr_addrs = e.conf->spf_max_ptr_addrs;
	}
	if ((status = cli_dns_open("check", o.zone, o.dns,
	    p.limits.timeout_ms, e.conf, &d)) != EX_OK)
		goto out;
	if (o.address != NULL)
		status = cli_check_list(&o, &p, &d, &e);
	else if (o.conf != NULL)
		status = cli_check_decide(&o, &p, &d, &e);
	else
		status = cli_check_query(&o, &p, &d);
out:
	cli_env_free(&e);
	cli_dns_close(&d);
	return status;
}
