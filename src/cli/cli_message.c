/*
 * NAME
 *	cli_message 3
 * SUMMARY
 *	rmxf message: SPF, DKIM and DMARC for one message
 * SYNOPSIS
 *	#include "cli/cli.h"
 *
 *	int	cli_message_main(int argc, char **argv);
 * DESCRIPTION
 *	cli_message_main() reads one message (MESSAGE_FILE, or standard
 *	input), checks SPF for its envelope (--ip, --helo, --sender: the
 *	MAIL FROM identity, the HELO name's for the null sender), verifies
 *	its DKIM signatures and evaluates its DMARC policy (auth(3)), with
 *	the resolver of --zone or --dns (cli_dns(3)), and prints the
 *	Authentication-Results header rmxfd's Milter front end would add
 *	and the action it would take, or with --json one object:
 *
 *	    {"spf": {"result": R, "domain": D},
 *	     "dkim": [{"result": R, "d": D, "s": S, "a": A, "b": B,
 *	               "reason": WHY}, ...],
 *	     "dmarc": {"result": R, "policy": P, "from": DOMAIN,
 *	               "org": DOMAIN, "record": DOMAIN, "reason": WHY,
 *	               "spf_aligned": BOOL, "dkim_aligned": D|null},
 *	     "action": A, "disposition": DIS, "observed": PARAM|null,
 *	     "header": VALUE}
 *
 *	("spf", "dkim" or "dmarc" null when the configuration turns that
 *	test off).  -c FILE takes test_*, the actions, dkim_max_signatures,
 *	authserv_id, observe_only and the ACL from rmxf.conf; with --rcpt
 *	the recipient's ACL entry applies (OBSERVE, NODMARC; skip counts
 *	as NODMARC here).
 * DIAGNOSTICS
 *	EX_OK (0) whenever the message was evaluated, whatever the
 *	result; EX_USAGE (64) for bad arguments; EX_NOINPUT (66) for an
 *	unreadable or too long message; EX_UNAVAILABLE (69) for an
 *	unusable zone or resolver; EX_CONFIG (78) for a bad
 *	configuration; EX_IOERR (74) when stdout cannot be written.
 * SEE ALSO
 *	rmxf(1), auth(3), cli_check(3).
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "acl/acl.h"
#include "auth/auth.h"
#include "cli/cli.h"
#include "conf/conf.h"
#include "util/buf.h"
#include "util/file.h"

#define CLI_MESSAGE_MAX		(64 * 1024 * 1024)	/* one message */
#define CLI_MESSAGE_MAX_HOST	256

struct cli_message_opts {
	const char     *ip, *helo, *sender, *rcpt, *receiver;
	const char     *dns, *zone, *conf, *file;
	unsigned	timeout;
	int		json;
};

enum {
	CLI_MESSAGE_OPT_IP = 256,
	CLI_MESSAGE_OPT_SENDER,
	CLI_MESSAGE_OPT_HELO,
	CLI_MESSAGE_OPT_RECEIVER,
	CLI_MESSAGE_OPT_DNS,
	CLI_MESSAGE_OPT_ZONE,
	CLI_MESSAGE_OPT_TIMEOUT,
	CLI_MESSAGE_OPT_JSON,
	CLI_MESSAGE_OPT_RCPT,
	CLI_MESSAGE_OPT_HELP,
};

static const struct option cli_message_longopts[] = {
	{"ip", required_argument, NULL, CLI_MESSAGE_OPT_IP},
	{"sender", required_argument, NULL, CLI_MESSAGE_OPT_SENDER},
	{"helo", required_argument, NULL, CLI_MESSAGE_OPT_HELO},
	{"receiver", required_argument, NULL, CLI_MESSAGE_OPT_RECEIVER},
	{"dns", required_argument, NULL, CLI_MESSAGE_OPT_DNS},
	{"zone", required_argument, NULL, CLI_MESSAGE_OPT_ZONE},
	{"timeout", required_argument, NULL, CLI_MESSAGE_OPT_TIMEOUT},
	{"json", no_argument, NULL, CLI_MESSAGE_OPT_JSON},
	{"rcpt", required_argument, NULL, CLI_MESSAGE_OPT_RCPT},
	{"help", no_argument, NULL, CLI_MESSAGE_OPT_HELP},
	{NULL, 0, NULL, 0},
};

/* cli_message_usage - the help text */
static void
cli_message_usage(FILE *fp)
{
	fputs("usage: rmxf message [--json] [--zone FILE | --dns HOST:PORT] "
	    "--ip ADDRESS\n"
	    "                    --helo NAME --sender MAILFROM [-c FILE] "
	    "[--rcpt ADDRESS]\n"
	    "                    [--receiver NAME] [--timeout SECONDS] "
	    "[MESSAGE_FILE]\n\n"
	    "SPF, DKIM and DMARC for one message (standard input without "
	    "MESSAGE_FILE):\n"
	    "the Authentication-Results header rmxfd's Milter would add, "
	    "and its action.\n\n"
	    "  --ip ADDRESS        the SMTP client's address\n"
	    "  --helo NAME         its HELO/EHLO argument\n"
	    "  --sender MAILFROM   envelope sender ('' for the null "
	    "sender)\n"
	    "  --json              print one JSON object instead\n"
	    "  --zone FILE         answer from a zone file instead of DNS\n"
	    "  --dns HOST:PORT     send every query to this server only\n"
	    "  -c FILE             rmxf.conf: tests, actions, ACL\n"
	    "  --rcpt ADDRESS      with -c: the recipient (the ACL's key)\n"
	    "  --receiver NAME     authserv-id (default: authserv_id, or "
	    "the host name)\n"
	    "  --timeout SECONDS   deadline of the DNS lookups\n"
	    "Exit 0 with any result; 64 bad arguments; 66 unreadable "
	    "message; 69 unusable\nresolver or zone; 78 bad "
	    "configuration.\n", fp);
}

/* cli_message_slot - where a string option goes */
static const char **
cli_message_slot(struct cli_message_opts *o, int c)
{
	switch (c) {
	case CLI_MESSAGE_OPT_IP: return &o->ip;
	case CLI_MESSAGE_OPT_SENDER: return &o->sender;
	case CLI_MESSAGE_OPT_HELO: return &o->helo;
	case CLI_MESSAGE_OPT_RECEIVER: return &o->receiver;
	case CLI_MESSAGE_OPT_DNS: return &o->dns;
	case CLI_MESSAGE_OPT_ZONE: return &o->zone;
	case CLI_MESSAGE_OPT_RCPT: return &o->rcpt;
	case 'c': return &o->conf;
	default: return NULL;
	}
}

/* cli_message_timeout - whole seconds, 1 to CLI_MAX_TIMEOUT */
static int
cli_message_timeout(const char *s, unsigned *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (*s < '0' || *s > '9' || *end != 0 || errno != 0 || v == 0 ||
	    v > CLI_MAX_TIMEOUT)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* cli_message_parse - the command line; -1: help asked */
static int
cli_message_parse(int argc, char **argv, struct cli_message_opts *o)
{
	const char **slot;
	int c;

	memset(o, 0, sizeof(*o));
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hc:", cli_message_longopts,
	    NULL)) != -1) {
		if ((slot = cli_message_slot(o, c)) != NULL) {
			if (strlen(optarg) > CLI_MAX_ARG)
				return cli_error(EX_USAGE, "message: %s is "
				    "longer than %d bytes", argv[optind - 1],
				    CLI_MAX_ARG);
			*slot = optarg;
		} else if (c == CLI_MESSAGE_OPT_TIMEOUT) {
			if (cli_message_timeout(optarg, &o->timeout) < 0)
				return cli_error(EX_USAGE, "message: bad "
				    "--timeout '%s' (whole seconds, 1 to %d)",
				    optarg, CLI_MAX_TIMEOUT);
		} else if (c == CLI_MESSAGE_OPT_JSON)
			o->json = 1;
		else if (c == 'h' || c == CLI_MESSAGE_OPT_HELP)
			return -1;
		else if (c == ':')
			return cli_error(EX_USAGE, "message: %s needs a value",
			    argv[optind - 1]);
		else
			return cli_error(EX_USAGE, "message: unknown option "
			    "'%s' (rmxf message --help)", argv[optind - 1]);
	}
	if (argc - optind > 1)
		return cli_error(EX_USAGE, "message: one MESSAGE_FILE at "
		    "most");
	o->file = argc - optind == 1 ? argv[optind] : NULL;
	if (o->zone != NULL && o->dns != NULL)
		return cli_error(EX_USAGE, "message: --zone and --dns exclude "
		    "each other");
	if (o->ip == NULL || o->helo == NULL || o->sender == NULL)
		return cli_error(EX_USAGE, "message: --ip, --helo and "
		    "--sender are needed ('' for the null sender)");
	if (o->rcpt != NULL && o->conf == NULL)
		return cli_error(EX_USAGE, "message: --rcpt goes with -c");
	return EX_OK;
}

/* cli_message_read - the whole message, from the file or stdin */
static int
cli_message_read(const char *file, char **data, size_t *len)
{
	struct buf in;
	char chunk[65536];
	size_t n;

	if (file != NULL) {
		if (file_read(file, CLI_MESSAGE_MAX, data, len) < 0)
			return cli_error(EX_NOINPUT, "message: %s: cannot "
			    "read it, or longer than %d bytes", file,
			    CLI_MESSAGE_MAX);
		return EX_OK;
	}
	buf_init(&in, CLI_MESSAGE_MAX);
	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
		if (buf_append(&in, chunk, n) < 0)
			break;
	if (ferror(stdin) || in.overflow) {
		buf_free(&in);
		return cli_error(EX_NOINPUT, "message: standard input: cannot "
		    "read it, or longer than %d bytes", CLI_MESSAGE_MAX);
	}
	*len = in.len;
	*data = buf_steal(&in);
	return EX_OK;
}

/* cli_message_spf - check_host() for MAIL FROM (the HELO name's for the
 * null sender); NULL when test_spf is off */
static struct spf_query *
cli_message_spf(const struct cli_message_opts *o, const struct conf *c,
    const char *receiver, struct cli_dns *d, int *status)
{
	struct spf_params p;
	struct spf_query *q;
	struct spf_job job;

	*status = EX_OK;
	if (!c->test_spf)
		return NULL;
	spf_params_init(&p);
	if (spf_params_ip(&p, o->ip) < 0) {
		*status = cli_error(EX_USAGE, "message: bad --ip '%s' (not an "
		    "IPv4 or IPv6 address)", o->ip);
		return NULL;
	}
	p.sender = o->sender;
	p.helo = o->helo;
	p.receiver = receiver;
	p.identity = SPF_ID_MAILFROM;
	p.now = (long long)time(NULL);
	p.limits.timeout_ms = d->ub.timeout_ms;
	p.limits.dns_terms = c->spf_max_dns_terms;
	p.limits.void_lookups = c->spf_max_void_lookups;
	p.limits.mx_addrs = c->spf_max_mx_addrs;
	p.limits.ptr_addrs = c->spf_max_ptr_addrs;
	q = spf_query_new(&p);
	spf_query_job(&job, q);
	if ((*status = cli_dns_run(d, &job)) != EX_OK) {
		spf_query_free(q);
		return NULL;
	}
	return q;
}

/* cli_message_kv - "KEY": "value" (null for NULL), with a comma first
 * unless first */
static void
cli_message_kv(struct buf *out, const char *key, const char *val, int first)
{
	if (!first)
		buf_puts(out, ", ");
	buf_printf(out, "\"%s\": ", key);
	(void)cli_esc_jsonz(out, val);
}

/* cli_message_json_dkim - the "dkim" array */
static void
cli_message_json_dkim(struct buf *out, const struct auth_decision *dec)
{
	size_t i;

	if (!dec->dkim_checked) {
		buf_puts(out, "null");
		return;
	}
	buf_putc(out, '[');
	for (i = 0; i < dec->ndkim; i++) {
		const struct dkim_sig_result *r = &dec->dkim[i];

		buf_puts(out, i ? ", {" : "{");
		cli_message_kv(out, "result", dkim_result_str(r->result), 1);
		cli_message_kv(out, "d", r->d, 0);
		cli_message_kv(out, "s", r->s, 0);
		cli_message_kv(out, "a", r->a, 0);
		cli_message_kv(out, "b", r->b, 0);
		cli_message_kv(out, "reason", r->reason, 0);
		buf_printf(out, ", \"key_bits\": %u}", r->key_bits);
	}
	buf_putc(out, ']');
}

/* cli_message_json_dmarc - the "dmarc" object */
static void
cli_message_json_dmarc(struct buf *out, const struct auth_decision *dec)
{
	const struct dmarc_outcome *m = dec->dmarc;

	if (m == NULL) {
		buf_puts(out, "null");
		return;
	}
	buf_putc(out, '{');
	cli_message_kv(out, "result", dmarc_result_str(m->result), 1);
	cli_message_kv(out, "policy", dmarc_policy_str(m->policy), 0);
	cli_message_kv(out, "from", m->from, 0);
	cli_message_kv(out, "org", m->org, 0);
	cli_message_kv(out, "record", m->record_domain, 0);
	cli_message_kv(out, "reason", m->reason, 0);
	buf_printf(out, ", \"spf_aligned\": %s", m->spf_aligned ? "true" :
	    "false");
	cli_message_kv(out, "dkim_aligned", m->dkim_aligned, 0);
	buf_printf(out, ", \"testing\": %s}", m->testing ? "true" : "false");
}

/* cli_message_json - the whole object */
static void
cli_message_json(struct buf *out, const struct spf_detail *spf,
    const struct auth_decision *dec)
{
	buf_puts(out, "{\"spf\": ");
	if (spf != NULL) {
		buf_putc(out, '{');
		cli_message_kv(out, "result", spf_result_str(spf->result), 1);
		cli_message_kv(out, "domain", spf->domain, 0);
		buf_putc(out, '}');
	} else
		buf_puts(out, "null");
	buf_puts(out, ", \"dkim\": ");
	cli_message_json_dkim(out, dec);
	buf_puts(out, ", \"dmarc\": ");
	cli_message_json_dmarc(out, dec);
	cli_message_kv(out, "action", conf_dmarc_action_str(dec->action), 0);
	cli_message_kv(out, "disposition", dec->disposition, 0);
	cli_message_kv(out, "observed", dec->observed, 0);
	cli_message_kv(out, "header", dec->header_value, 0);
	buf_puts(out, "}\n");
}

/* cli_message_text - the header and the action */
static void
cli_message_text(struct buf *out, const struct auth_decision *dec)
{
	buf_puts(out, "Authentication-Results: ");
	(void)cli_esc_textz(out, dec->header_value);
	buf_printf(out, "\naction: %s", conf_dmarc_action_str(dec->action));
	if (dec->observed)
		buf_printf(out, " (observed %s)", dec->observed);
	if (dec->text)
		buf_printf(out, ": %d %s %s", dec->code, dec->enhanced,
		    dec->text);
	buf_putc(out, '\n');
}

/* cli_message_in - what SPF and the recipient give the decision */
static void
cli_message_in(const struct cli_message_opts *o, const struct cli_env *e,
    const struct spf_detail *spf, struct buf *method, struct auth_in *in)
{
	const struct acl_entry *ent;

	memset(in, 0, sizeof(*in));
	in->authserv_id = o->receiver;
	if (spf != NULL) {
		in->spf_checked = 1;
		in->spf = spf->result;
		in->spf_domain = spf->domain;
		if (spf_format_authres_method(spf, method) == 0)
			in->spf_method = method->data;
	}
	in->observe = e->conf->observe_only;
	if (o->rcpt != NULL && e->acl != NULL &&
	    (ent = acl_lookup(e->acl, o->rcpt)) != NULL) {
		in->observe |= (ent->flags & ACL_F_OBSERVE) != 0;
		in->nodmarc = ent->action == ACL_SKIP ||
		    (ent->flags & ACL_F_NODMARC) != 0;
	}
}

/* cli_message_eval - evaluate the message and print */
static int
cli_message_eval(const struct cli_message_opts *o, struct cli_env *e,
    struct cli_dns *d, const char *msg, size_t len)
{
	const struct spf_detail *spf = NULL;
	const struct auth_decision *dec;
	struct spf_query *q;
	struct auth *a;
	struct auth_in in;
	struct spf_job job;
	struct buf out, method;
	int status;

	q = cli_message_spf(o, e->conf, o->receiver, d, &status);
	if (status != EX_OK)
		return status;
	if (q != NULL)
		(void)spf_query_result(q, &spf);
	a = auth_new(e->conf, (long long)time(NULL), NULL);
	auth_message(a, msg, len);
	auth_job(&job, a);
	buf_init(&out, CLI_MAX_JSON);
	buf_init(&method, CLI_MAX_HEADER);
	if ((status = cli_dns_run(d, &job)) != EX_OK)
		goto out;
	cli_message_in(o, e, spf, &method, &in);
	dec = auth_decide(a, &in);
	if (o->json)
		cli_message_json(&out, spf, dec);
	else
		cli_message_text(&out, dec);
	if (out.overflow)
		status = cli_error(EX_SOFTWARE, "output longer than %zu bytes",
		    out.max);
	else if (cli_write(stdout, &out) < 0)
		status = cli_error(EX_IOERR, "cannot write to standard "
		    "output");
out:
	buf_free(&method);
	buf_free(&out);
	auth_free(a);
	spf_query_free(q);
	return status;
}

/* cli_message_main - rmxf message */
int
cli_message_main(int argc, char **argv)
{
	struct cli_message_opts o;
	struct cli_dns d;
	struct cli_env e;
	char host[CLI_MESSAGE_MAX_HOST], *msg = NULL;
	size_t len = 0;
	int status;

	memset(&d, 0, sizeof(d));
	memset(&e, 0, sizeof(e));
	if ((status = cli_message_parse(argc, argv, &o)) != EX_OK) {
		if (status < 0) {
			cli_message_usage(stdout);
			status = EX_OK;
		}
		return status;
	}
	if ((status = cli_env_load("message", o.conf, &e)) != EX_OK)
		goto out;
	if (o.receiver == NULL && *e.conf->authserv_id)
		o.receiver = e.conf->authserv_id;
	if (o.receiver == NULL) {
		if (gethostname(host, sizeof(host)) < 0)
			host[0] = 0;
		host[sizeof(host) - 1] = 0;
		o.receiver = host[0] ? host : "localhost";
	}
	if ((status = cli_dns_open("message", o.zone, o.dns,
	    cli_dns_timeout(o.timeout, o.conf ? e.conf : NULL), e.conf,
	    &d)) != EX_OK)
		goto out;
	if ((status = cli_message_read(o.file, &msg, &len)) != EX_OK)
		goto out;
	status = cli_message_eval(&o, &e, &d, msg ? msg : "", len);
out:
	free(msg);
	cli_env_free(&e);
	cli_dns_close(&d);
	return status;
}
