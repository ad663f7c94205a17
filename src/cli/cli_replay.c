/*
 * NAME
 *	cli_replay 3
 * SUMMARY
 *	rmxf replay: policy requests from a file through the check pipeline
 * SYNOPSIS
 *	#include "cli/cli.h"
 *
 *	int	cli_replay_main(int argc, char **argv);
 * DESCRIPTION
 *	cli_replay_main() runs `rmxf replay [-v] [-c FILE] [--zone FILE |
 *	--dns HOST:PORT] [--now EPOCH] [--hostname NAME] FILE`.
 *
 *	FILE holds policy requests in the policy protocol's own text
 *	(name=value lines, an empty line after each request), as Postfix
 *	would send them over one connection; "-" is stdin.  Each request
 *	goes through check(3) keeping its message (check_message(3)) and
 *	whether its header went out, as rmxfd handles one connection,
 *	and one line "action=..." is printed for it; -v adds the
 *	decision's log line after it, prefixed with "# ".
 *
 *	The configuration is -c FILE, else the built-in defaults (never
 *	/etc/rmxf/rmxf.conf, so that a replay does not depend on the
 *	host); its acl_file and key rings (ses_keys, srs_secrets: the bounce
 *	check) are read as rmxfd reads them, and the check environment is
 *	built as rmxfd builds it (env(3)), so every stage of the daemon's
 *	pipeline runs.  Only rmxfd's recent evaluations are left out (as
 *	with result_reuse_time = 0): every message is evaluated afresh,
 *	with the same answers.  Answers come from the zone file of
 *	--zone, or from libunbound forwarding to --dns, to the
 *	configuration's dns_forwarders, or to the servers of
 *	/etc/resolv.conf, with rmxfd's deadline (dns_timeout or
 *	request_timeout, whichever is shorter).  --now sets the time
 *	(%{t}), default the clock; --hostname the receiver name when
 *	authserv_id is empty (default "localhost").
 * DIAGNOSTICS
 *	Exit 0 when every request was answered; 64 (EX_USAGE) for bad
 *	arguments; 66 (EX_NOINPUT) when a file cannot be read; 65
 *	(EX_DATAERR) for a malformed request (the answers before it are
 *	printed); 78 (EX_CONFIG) for errors in the configuration, the ACL or
 *	a key file (or a key file others may read); 69
 *	(EX_UNAVAILABLE) for an unusable zone or resolver.
 * SEE ALSO
 *	rmxf(1), check(3), policy(3), rmxf.conf(5).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "check/check.h"
#include "cli/cli.h"
#include "conf/conf.h"
#include "dns/dns.h"
#include "policy/policy.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/ipaddr.h"
#include "util/xmalloc.h"

#define CLI_REPLAY_MAX_FILE	(64 * 1024 * 1024)	/* request file */
#define CLI_REPLAY_MAX_OUT	(16 * 1024)	/* one output line */
#define CLI_REPLAY_ERRLEN	512	/* zone and resolver error text */

enum {
	CLI_REPLAY_OPT_ZONE = 256,
	CLI_REPLAY_OPT_DNS,
	CLI_REPLAY_OPT_NOW,
	CLI_REPLAY_OPT_HOSTNAME,
	CLI_REPLAY_OPT_HELP,
};

static const struct option cli_replay_longopts[] = {
	{"zone", required_argument, NULL, CLI_REPLAY_OPT_ZONE},
	{"dns", required_argument, NULL, CLI_REPLAY_OPT_DNS},
	{"now", required_argument, NULL, CLI_REPLAY_OPT_NOW},
	{"hostname", required_argument, NULL, CLI_REPLAY_OPT_HOSTNAME},
	{"help", no_argument, NULL, CLI_REPLAY_OPT_HELP},
	{NULL, 0, NULL, 0},
};

/* What the command line asked for. */
struct cli_replay_opts {
	const char     *conf;
	const char     *zone;
	const char     *dns;
	const char     *hostname;
	const char     *file;
	long long	now;
	int		verbose;
};

/* cli_replay_usage - the synopsis */
static void
cli_replay_usage(FILE *fp)
{
	fputs("usage: rmxf replay [-v] [-c FILE] [--zone FILE | --dns "
	    "HOST:PORT]\n"
	    "                   [--now EPOCH] [--hostname NAME] FILE\n", fp);
}

/* cli_replay_args - the command line; EX_OK, EX_USAGE or -1 for help */
static int
cli_replay_args(int argc, char **argv, struct cli_replay_opts *o)
{
	char *ep;
	int c;

	memset(o, 0, sizeof(*o));
	o->now = -1;
	o->hostname = "localhost";
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+c:v", cli_replay_longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'c':
			o->conf = optarg;
			break;
		case 'v':
			o->verbose = 1;
			break;
		case CLI_REPLAY_OPT_ZONE:
			o->zone = optarg;
			break;
		case CLI_REPLAY_OPT_DNS:
			o->dns = optarg;
			break;
		case CLI_REPLAY_OPT_HOSTNAME:
			o->hostname = optarg;
			break;
		case CLI_REPLAY_OPT_NOW:
			errno = 0;
			o->now = strtoll(optarg, &ep, 10);
			if (*optarg < '0' || *optarg > '9' || *ep != 0 ||
			    errno != 0)
				return cli_error(EX_USAGE, "replay: bad --now "
				    "'%s' (seconds since the epoch)", optarg);
			break;
		case CLI_REPLAY_OPT_HELP:
			return -1;
		default:
			cli_replay_usage(stderr);
			return cli_error(EX_USAGE, "replay: unknown option "
			    "or missing argument");
		}
	}
	if (o->zone != NULL && o->dns != NULL)
		return cli_error(EX_USAGE, "replay: --zone and --dns exclude "
		    "each other");
	if (argc - optind != 1) {
		cli_replay_usage(stderr);
		return cli_error(EX_USAGE, "replay: one FILE expected");
	}
	o->file = argv[optind];
	if (o->now < 0)
		o->now = (long long)time(NULL);
	return EX_OK;
}

/* The message of the requests, as one connection of rmxfd keeps it. */
struct cli_replay_msg {
	struct check_message *msg;
	unsigned	header_sent;	/* CHECK_HDR_* that are out */
};

/* cli_replay_one - run one request and print its answer */
static int
cli_replay_one(const struct cli_replay_opts *o, const struct check_env *env,
    struct cli_replay_msg *m, struct dns_zone *zone,
    const struct dns_ub_opts *ub, const struct policy_request *req)
{
	const struct check_decision *d;
	struct check_envelope in;
	struct spf_job job;
	struct check *c;
	struct buf out;
	char err[CLI_REPLAY_ERRLEN];
	int status = EX_OK;

	check_envelope_policy(&in, req);
	if (check_message_begin(m->msg, req->instance, &in))
		m->header_sent = 0;
	in.header_sent = m->header_sent;
	c = check_new(env, m->msg, &in, o->now);
	check_job(&job, c);
	if (zone != NULL)
		dns_zone_run(zone, &job);
	else {
		err[0] = 0;
		if (dns_ub_run_sync(ub, &job, err, sizeof(err)) != 0) {
			check_free(c);
			return cli_error(EX_UNAVAILABLE, "resolver: %s",
			    err[0] ? err : "unusable");
		}
	}
	d = check_decision(c);
	m->header_sent |= d->result_header;
	buf_init(&out, CLI_REPLAY_MAX_OUT);
	buf_puts(&out, "action=");
	buf_puts(&out, d->action);
	buf_putc(&out, '\n');
	if (o->verbose) {
		buf_puts(&out, "# ");
		buf_puts(&out, d->log);
		buf_putc(&out, '\n');
	}
	if (cli_write(stdout, &out) < 0)
		status = cli_error(EX_IOERR, "replay: cannot write stdout");
	buf_free(&out);
	check_free(c);
	return status;
}

/*
 * cli_replay_dns - where answers come from: the zone of --zone (*zone,
 * the caller's to free), or libunbound forwarding to --dns, to the
 * configuration's dns_forwarders (fwd holds the text) or to the servers
 * of /etc/resolv.conf, with rmxfd's deadline; EX_OK, EX_USAGE,
 * EX_CONFIG or EX_UNAVAILABLE
 */
static int
cli_replay_dns(const struct cli_replay_opts *o, const struct conf *conf,
    struct dns_zone **zone, struct dns_ub_opts *ub, struct buf *fwd)
{
	char err[CLI_REPLAY_ERRLEN];

	memset(ub, 0, sizeof(*ub));
	ub->timeout_ms = conf->dns_timeout < conf->request_timeout ?
	    conf->dns_timeout : conf->request_timeout;
	if (o->zone != NULL) {
		err[0] = 0;
		if ((*zone = dns_zone_load(o->zone, err, sizeof(err))) ==
		    NULL)
			return strncmp(err, o->zone, strlen(o->zone)) == 0 ?
			    cli_error(EX_UNAVAILABLE, "%s", err) :
			    cli_error(EX_UNAVAILABLE, "%s: %s", o->zone,
			    err[0] ? err : "cannot load");
	} else if (o->dns != NULL) {
		if (ipaddr_format_forwarder(o->dns, fwd) < 0)
			return cli_error(EX_USAGE, "replay: bad --dns '%s' "
			    "(IP, IP:PORT or [IPv6]:PORT)", o->dns);
		ub->forwarders = fwd->data;
	} else if (conf->dns_forwarders.n > 0) {
		if (conf_print_forwarders(conf, fwd) < 0)
			return cli_error(EX_CONFIG, "replay: dns_forwarders: "
			    "too many");
		ub->forwarders = fwd->data;
	}
	return EX_OK;
}

/*
 * cli_replay_run - every request of text, in order, as over one
 * connection; stops at the first that fails
 */
static int
cli_replay_run(const struct cli_replay_opts *o, const struct check_env *env,
    struct dns_zone *zone, const struct dns_ub_opts *ub, const char *text,
    size_t len)
{
	struct cli_replay_msg m = {check_message_new(), 0};
	struct policy_parser *p = policy_parser_new(NULL);
	size_t off = 0, used, i;
	int status = EX_OK;

	while (off < len && status == EX_OK) {
		switch (policy_parser_feed(p, text + off, len - off, &used)) {
		case POLICY_REQUEST:
			off += used;
			status = cli_replay_one(o, env, &m, zone, ub,
			    policy_parser_request(p));
			policy_parser_reset(p);
			break;
		case POLICY_NEED_MORE:
			for (i = off; i < len; i++)
				if (text[i] != '\n' && text[i] != '\r')
					break;
			if (i < len)
				status = cli_error(EX_DATAERR, "replay: %s: "
				    "incomplete request at the end", o->file);
			off = len;
			break;
		case POLICY_ERROR:
			status = cli_error(EX_DATAERR, "replay: %s: %s",
			    o->file, policy_parser_error(p));
			break;
		}
	}
	policy_parser_free(p);
	check_message_free(m.msg);
	return status;
}

/* cli_replay_main - rmxf replay */
int
cli_replay_main(int argc, char **argv)
{
	struct cli_replay_opts o;
	struct cli_env e;
	struct dns_zone *zone = NULL;
	struct dns_ub_opts ub;
	struct buf fwd;
	char *text = NULL;
	size_t len = 0;
	int status;

	memset(&e, 0, sizeof(e));
	buf_init(&fwd, CONF_MAX_FORWARDERS_TEXT);
	if ((status = cli_replay_args(argc, argv, &o)) != EX_OK) {
		if (status < 0) {
			cli_replay_usage(stdout);
			status = EX_OK;
		}
		goto out;
	}
	if ((status = cli_env_load("replay", o.conf, &e)) != EX_OK)
		goto out;
	e.check.hostname = o.hostname;
	if ((status = cli_replay_dns(&o, e.conf, &zone, &ub, &fwd)) != EX_OK)
		goto out;
	if (file_read(o.file, CLI_REPLAY_MAX_FILE, &text, &len) < 0 ||
	    (len > CLI_REPLAY_MAX_FILE && (errno = EFBIG) != 0)) {
		status = cli_error(EX_NOINPUT, "replay: cannot read %s: %s",
		    o.file, strerror(errno));
		goto out;
	}
	status = cli_replay_run(&o, &e.check, zone, &ub, text, len);
	if (status == EX_OK && fflush(stdout) != 0)
		status = cli_error(EX_IOERR, "replay: cannot write stdout");
out:
	dns_zone_free(zone);
	cli_env_free(&e);
	free(text);
	buf_free(&fwd);
	return status;
}
