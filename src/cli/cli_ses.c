/*
 * NAME
 *	cli_ses 3
 * SUMMARY
 *	rmxf ses and rmxf srs: BATV signing and SRS rewriting by hand
 * SYNOPSIS
 *	#include "cli/cli.h"
 *
 *	int	cli_ses_main(int argc, char **argv);
 *	int	cli_srs_main(int argc, char **argv);
 * DESCRIPTION
 *	cli_ses_main() runs `rmxf ses keygen [--key K]`, `rmxf ses sign
 *	--keys FILE [--lifetime DAYS] ADDRESS` and `rmxf ses verify --keys
 *	FILE [--lifetime DAYS] ADDRESS`.
 *
 *	cli_srs_main() runs `rmxf srs keygen`, `rmxf srs forward --secrets
 *	FILE --domain SRSDOMAIN [--base64url] [--separator C] ADDRESS` and
 *	`rmxf srs reverse --secrets FILE [--max-age DAYS] ADDRESS`.
 *
 *	sign, verify, forward and reverse print one address and a newline.
 *	--now YYYY-MM-DD replaces today's date (UTC), for tests.  The key
 *	file is read with secret_file_read(3) and wiped after parsing.
 *	keygen prints a new secret of CLI_SES_KEY_OCTETS random octets
 *	(getrandom(2)) in base64: "K SECRET" for a BATV ring, the bare
 *	secret for an SRS secrets file.
 * DIAGNOSTICS
 *	Exit 0 when an address was printed; 1 when the address was not
 *	signed, verified or rewritten, with the reason on stderr in one
 *	line; 64 (EX_USAGE) for bad arguments; 66 (EX_NOINPUT) when the
 *	key file cannot be read; 78 (EX_CONFIG) when it is not a regular
 *	file, is readable by group or others, has another owner, or has
 *	errors ("FILE: line N: why"); 71 (EX_OSERR) when no random
 *	octets can be had.
 * SEE ALSO
 *	rmxf(1), ses(3), secret(3).
 */
#include <sys/random.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include <openssl/evp.h>

#include "cli/cli.h"
#include "conf/conf.h"
#include "ses/ses.h"
#include "util/buf.h"
#include "util/secret.h"

#define CLI_SES_KEY_OCTETS	24	/* 192 bits of secret */
#define CLI_SES_MAX_LIFETIME	365	/* days, as ses_lifetime */
#define CLI_SES_DEFAULT_LIFETIME 7	/* days, as ses_lifetime */
#define CLI_SES_MAX_AGE		1000	/* days, as srs_max_age */
#define CLI_SES_MAX_ERR		1024	/* one error line */
#define CLI_SES_FAIL		1	/* not signed / not valid */

/* The actions, and which options each takes. */
enum cli_ses_action {
	CLI_SES_KEYGEN,
	CLI_SES_SIGN,
	CLI_SES_VERIFY,
	CLI_SRS_KEYGEN,
	CLI_SRS_FORWARD,
	CLI_SRS_REVERSE,
};

enum {
	CLI_SES_OPT_KEYS = 256,
	CLI_SES_OPT_SECRETS,
	CLI_SES_OPT_LIFETIME,
	CLI_SES_OPT_NOW,
	CLI_SES_OPT_DOMAIN,
	CLI_SES_OPT_B64URL,
	CLI_SES_OPT_SEP,
	CLI_SES_OPT_MAXAGE,
	CLI_SES_OPT_KEY,
	CLI_SES_OPT_HELP,
};

#define CLI_SES_BIT(o)	(1u << ((o) - CLI_SES_OPT_KEYS))

static const struct option cli_ses_longopts[] = {
	{"keys", required_argument, NULL, CLI_SES_OPT_KEYS},
	{"secrets", required_argument, NULL, CLI_SES_OPT_SECRETS},
	{"lifetime", required_argument, NULL, CLI_SES_OPT_LIFETIME},
	{"now", required_argument, NULL, CLI_SES_OPT_NOW},
	{"domain", required_argument, NULL, CLI_SES_OPT_DOMAIN},
	{"base64url", no_argument, NULL, CLI_SES_OPT_B64URL},
	{"separator", required_argument, NULL, CLI_SES_OPT_SEP},
	{"max-age", required_argument, NULL, CLI_SES_OPT_MAXAGE},
	{"key", required_argument, NULL, CLI_SES_OPT_KEY},
	{"help", no_argument, NULL, CLI_SES_OPT_HELP},
	{NULL, 0, NULL, 0},
};

struct cli_ses_verb {
	const char     *cmd;		/* "ses" or "srs" */
	const char     *name;
	enum cli_ses_action action;
	unsigned	allowed;	/* CLI_SES_BIT()s */
	int		address;	/* takes ADDRESS */
};

static const struct cli_ses_verb cli_ses_verbs[] = {
	{"ses", "keygen", CLI_SES_KEYGEN, CLI_SES_BIT(CLI_SES_OPT_KEY), 0},
	{"ses", "sign", CLI_SES_SIGN, CLI_SES_BIT(CLI_SES_OPT_KEYS) |
	    CLI_SES_BIT(CLI_SES_OPT_LIFETIME) | CLI_SES_BIT(CLI_SES_OPT_NOW),
	    1},
	{"ses", "verify", CLI_SES_VERIFY, CLI_SES_BIT(CLI_SES_OPT_KEYS) |
	    CLI_SES_BIT(CLI_SES_OPT_LIFETIME) | CLI_SES_BIT(CLI_SES_OPT_NOW),
	    1},
	{"srs", "keygen", CLI_SRS_KEYGEN, 0, 0},
	{"srs", "forward", CLI_SRS_FORWARD, CLI_SES_BIT(CLI_SES_OPT_SECRETS) |
	    CLI_SES_BIT(CLI_SES_OPT_DOMAIN) | CLI_SES_BIT(CLI_SES_OPT_B64URL) |
	    CLI_SES_BIT(CLI_SES_OPT_SEP) | CLI_SES_BIT(CLI_SES_OPT_NOW), 1},
	{"srs", "reverse", CLI_SRS_REVERSE, CLI_SES_BIT(CLI_SES_OPT_SECRETS) |
	    CLI_SES_BIT(CLI_SES_OPT_MAXAGE) | CLI_SES_BIT(CLI_SES_OPT_NOW), 1},
};

#define CLI_SES_NVERBS	(sizeof(cli_ses_verbs) / sizeof(cli_ses_verbs[0]))

/* What the command line asked for. */
struct cli_ses_opts {
	const struct cli_ses_verb *verb;
	const char     *keys;		/* --keys or --secrets */
	const char     *address;
	const char     *domain;
	unsigned	lifetime;
	unsigned	max_age;
	int		separator;
	int		base64url;
	int		key;		/* keygen --key */
	long		today;
	int		have_now;
};

/* cli_ses_usage - the help text of rmxf ses */
static void
cli_ses_usage(FILE *fp)
{
	fputs("usage: rmxf ses keygen [--key K]\n"
	    "       rmxf ses sign --keys FILE [--lifetime DAYS] ADDRESS\n"
	    "       rmxf ses verify --keys FILE [--lifetime DAYS] ADDRESS\n\n"
	    "  --keys FILE       key ring: 'K SECRET' lines, the first "
	    "signs, all verify\n"
	    "  --lifetime DAYS   signatures are valid this long "
	    "(default 7, 1 to 365)\n"
	    "  --key K           keygen: the key number 0-9 (default 0)\n"
	    "  --now YYYY-MM-DD  the date to use instead of today (tests)\n"
	    "\nsign prints prvs=KDDDSSSSSS=ADDRESS, verify the plain "
	    "address;\nkeygen prints a new key ring line.\n"
	    "Exit 0 done; 1 not signed or not valid (reason on stderr); "
	    "64 bad arguments;\n66 unreadable key file; 78 insecure or "
	    "broken key file.\n", fp);
}

/* cli_srs_usage - the help text of rmxf srs */
static void
cli_srs_usage(FILE *fp)
{
	fputs("usage: rmxf srs keygen\n"
	    "       rmxf srs forward --secrets FILE --domain SRSDOMAIN "
	    "[--base64url]\n"
	    "                        [--separator C] ADDRESS\n"
	    "       rmxf srs reverse --secrets FILE [--max-age DAYS] "
	    "ADDRESS\n\n"
	    "  --secrets FILE    one secret per line (postsrsd's file), "
	    "the first signs\n"
	    "  --domain NAME     the SRS domain of the rewritten address\n"
	    "  --base64url       hash with - and _ (postsrsd 2.x); "
	    "default standard base64\n"
	    "  --separator C     after SRS0/SRS1: = (default), + or -\n"
	    "  --max-age DAYS    oldest SRS0 address accepted (default "
	    "21)\n"
	    "  --now YYYY-MM-DD  the date to use instead of today (tests)\n"
	    "\nforward prints the SRS0/SRS1 address, reverse the address "
	    "it stands for;\nkeygen prints a new secret.\n"
	    "Exit 0 done; 1 not rewritten or not valid (reason on "
	    "stderr); 64 bad arguments;\n66 unreadable secrets file; 78 "
	    "insecure or broken secrets file.\n", fp);
}

/* cli_ses_number - digits only, min..max */
static int
cli_ses_number(const char *s, unsigned min, unsigned max, unsigned *out)
{
	unsigned long v = 0;
	size_t i;

	if (*s == 0)
		return -1;
	for (i = 0; s[i] != 0; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
		if (v > max)
			return -1;
	}
	if (v < min)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* cli_ses_optname - the long name of an option, without "--" */
static const char *
cli_ses_optname(int c)
{
	const struct option *lo;

	for (lo = cli_ses_longopts; lo->name != NULL; lo++)
		if (lo->val == c)
			return lo->name;
	return "?";
}

/* cli_ses_option - one option into o; EX_OK or EX_USAGE */
static int
cli_ses_option(int c, const char *arg, struct cli_ses_opts *o)
{
	const char *cmd = o->verb->cmd, *verb = o->verb->name;
	const char *optname = cli_ses_optname(c);
	unsigned v;

	if ((o->verb->allowed & CLI_SES_BIT(c)) == 0)
		return cli_error(EX_USAGE, "%s %s: option --%s does not apply "
		    "(try rmxf %s --help)", cmd, verb, optname, cmd);
	if (arg != NULL && strlen(arg) > CLI_MAX_ARG)
		return cli_error(EX_USAGE, "%s %s: --%s is longer than %d "
		    "bytes", cmd, verb, optname, CLI_MAX_ARG);
	switch (c) {
	case CLI_SES_OPT_KEYS:
	case CLI_SES_OPT_SECRETS:
		o->keys = arg;
		break;
	case CLI_SES_OPT_DOMAIN:
		if (*arg == 0 || strchr(arg, '@') != NULL)
			return cli_error(EX_USAGE, "%s %s: bad --domain '%s'",
			    cmd, verb, arg);
		o->domain = arg;
		break;
	case CLI_SES_OPT_LIFETIME:
		if (cli_ses_number(arg, 1, CLI_SES_MAX_LIFETIME, &v) < 0)
			return cli_error(EX_USAGE, "%s %s: bad --lifetime "
			    "'%s' (days, 1 to %d)", cmd, verb, arg,
			    CLI_SES_MAX_LIFETIME);
		o->lifetime = v;
		break;
	case CLI_SES_OPT_MAXAGE:
		if (cli_ses_number(arg, 1, CLI_SES_MAX_AGE, &v) < 0)
			return cli_error(EX_USAGE, "%s %s: bad --max-age '%s' "
			    "(days, 1 to %d)", cmd, verb, arg,
			    CLI_SES_MAX_AGE);
		o->max_age = v;
		break;
	case CLI_SES_OPT_KEY:
		if (cli_ses_number(arg, 0, 9, &v) < 0)
			return cli_error(EX_USAGE, "%s %s: bad --key '%s' "
			    "(a digit 0-9)", cmd, verb, arg);
		o->key = (int)v;
		break;
	case CLI_SES_OPT_SEP:
		if (strlen(arg) != 1 || strchr("=+-", arg[0]) == NULL)
			return cli_error(EX_USAGE, "%s %s: bad --separator "
			    "'%s' (one of = + -)", cmd, verb, arg);
		o->separator = arg[0];
		break;
	case CLI_SES_OPT_B64URL:
		o->base64url = 1;
		break;
	case CLI_SES_OPT_NOW:
		if (conf_date_days(arg, &o->today) < 0)
			return cli_error(EX_USAGE, "%s %s: bad --now '%s' "
			    "(YYYY-MM-DD)", cmd, verb, arg);
		o->have_now = 1;
		break;
	}
	return EX_OK;
}

/* cli_ses_parse - the command line into o; EX_OK, EX_USAGE, -1 help */
static int
cli_ses_parse(const char *cmd, int argc, char **argv, struct cli_ses_opts *o)
{
	size_t i;
	int c;

	memset(o, 0, sizeof(*o));
	o->lifetime = CLI_SES_DEFAULT_LIFETIME;
	o->separator = '=';
	if (argc < 2)
		return cli_error(EX_USAGE, "%s: missing action (try rmxf %s "
		    "--help)", cmd, cmd);
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return -1;
	for (i = 0; i < CLI_SES_NVERBS; i++)
		if (strcmp(cli_ses_verbs[i].cmd, cmd) == 0 &&
		    strcmp(cli_ses_verbs[i].name, argv[1]) == 0)
			o->verb = &cli_ses_verbs[i];
	if (o->verb == NULL)
		return cli_error(EX_USAGE, "%s: unknown action '%s' (try "
		    "rmxf %s --help)", cmd, argv[1], cmd);
	argc--;
	argv++;
	optind = 0;			/* glibc: start over */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", cli_ses_longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'h':
		case CLI_SES_OPT_HELP:
			return -1;
		case ':':
			return cli_error(EX_USAGE, "%s %s: option %s needs a "
			    "value", cmd, o->verb->name, argv[optind - 1]);
		case '?':
			if (optopt >= CLI_SES_OPT_KEYS)
				return cli_error(EX_USAGE, "%s %s: option %s "
				    "takes no value", cmd, o->verb->name,
				    argv[optind - 1]);
			return cli_error(EX_USAGE, "%s %s: unknown option %s "
			    "(try rmxf %s --help)", cmd, o->verb->name,
			    argv[optind - 1], cmd);
		default:
			if (cli_ses_option(c, optarg, o) != EX_OK)
				return EX_USAGE;
		}
	}
	if (!o->verb->address && argc - optind > 0)
		return cli_error(EX_USAGE, "%s %s: takes no ADDRESS", cmd,
		    o->verb->name);
	if (o->verb->address) {
		if (argc - optind != 1)
			return cli_error(EX_USAGE, "%s %s: one ADDRESS "
			    "expected", cmd, o->verb->name);
		o->address = argv[optind];
		if (strlen(o->address) > CLI_MAX_ARG)
			return cli_error(EX_USAGE, "%s %s: ADDRESS is longer "
			    "than %d bytes", cmd, o->verb->name, CLI_MAX_ARG);
		if (o->keys == NULL)
			return cli_error(EX_USAGE, "%s %s: missing %s FILE",
			    cmd, o->verb->name, strcmp(cmd, "ses") == 0 ?
			    "--keys" : "--secrets");
	}
	if (o->verb->action == CLI_SRS_FORWARD && o->domain == NULL)
		return cli_error(EX_USAGE, "srs forward: missing --domain "
		    "SRSDOMAIN");
	if (!o->have_now)
		o->today = (long)(time(NULL) / 86400);
	return EX_OK;
}

/* cli_ses_keygen - print a new secret, "K SECRET" for BATV */
static int
cli_ses_keygen(const struct cli_ses_opts *o)
{
	unsigned char raw[CLI_SES_KEY_OCTETS];
	unsigned char text[4 * ((CLI_SES_KEY_OCTETS + 2) / 3) + 1];
	size_t got = 0;
	ssize_t n;
	int status = EX_OK;

	while (got < sizeof(raw)) {
		n = getrandom(raw + got, sizeof(raw) - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			status = cli_error(EX_OSERR, "%s keygen: getrandom: "
			    "%s", o->verb->cmd, strerror(errno));
			goto out;
		}
		got += (size_t)n;
	}
	EVP_EncodeBlock(text, raw, (int)sizeof(raw));
	if (o->verb->action == CLI_SES_KEYGEN)
		printf("%d %s\n", o->key, (const char *)text);
	else
		printf("%s\n", (const char *)text);
out:
	explicit_bzero(raw, sizeof(raw));
	explicit_bzero(text, sizeof(text));
	return status;
}

/* cli_ses_ring - read and parse the key file; EX_OK or an exit status */
static int
cli_ses_ring(const struct cli_ses_opts *o, struct ses_ring **ring)
{
	struct buf text, err;
	enum ses_ring_kind kind = o->verb->action == CLI_SES_SIGN ||
	    o->verb->action == CLI_SES_VERIFY ? SES_RING_BATV : SES_RING_SRS;
	int r, status = EX_OK;

	*ring = NULL;
	buf_init(&text, SECRET_MAX_FILE);
	buf_init(&err, CLI_SES_MAX_ERR);
	if ((r = secret_file_read(o->keys, &text, &err)) != 0) {
		status = cli_error(r == SECRET_ERR_READ ? EX_NOINPUT :
		    EX_CONFIG, "%s %s: %s", o->verb->cmd, o->verb->name,
		    err.data);
		goto out;
	}
	if ((*ring = ses_ring_parse(text.data ? text.data : "", text.len,
	    kind, &err)) == NULL)
		status = cli_error(EX_CONFIG, "%s %s: %s: %s", o->verb->cmd,
		    o->verb->name, o->keys, err.data);
out:
	secret_buf_wipe(&text);
	buf_free(&err);
	return status;
}

/* cli_ses_run - sign, verify, forward or reverse one address */
static int
cli_ses_run(const struct cli_ses_opts *o)
{
	struct ses_ring *ring = NULL;
	struct ses_srs_opts srs;
	struct buf out;
	enum ses_status st = SES_NOT_OURS;
	size_t len = strlen(o->address);
	int status;

	buf_init(&out, SES_MAX_ADDR);
	if ((status = cli_ses_ring(o, &ring)) != EX_OK)
		goto out;
	memset(&srs, 0, sizeof(srs));
	srs.domain = o->domain;
	srs.max_age = o->max_age;
	srs.separator = o->separator;
	srs.base64url = o->base64url;
	switch (o->verb->action) {
	case CLI_SES_SIGN:
		st = ses_batv_sign(ring, o->address, len, o->today,
		    o->lifetime, &out);
		break;
	case CLI_SES_VERIFY:
		st = ses_batv_verify(ring, o->address, len, o->today,
		    o->lifetime, &out);
		break;
	case CLI_SRS_FORWARD:
		st = ses_srs_forward(ring, &srs, o->address, len, o->today,
		    &out);
		break;
	case CLI_SRS_REVERSE:
		st = ses_srs_reverse(ring, &srs, o->address, len, o->today,
		    &out);
		break;
	default:
		break;
	}
	if (st != SES_OK) {
		status = cli_error(CLI_SES_FAIL, "%s %s: %s", o->verb->cmd,
		    o->verb->name, ses_status_str(st));
		goto out;
	}
	buf_putc(&out, '\n');
	if (cli_write(stdout, &out) < 0)
		status = cli_error(EX_IOERR, "cannot write to standard "
		    "output");
out:
	ses_ring_free(ring);
	buf_free(&out);
	return status;
}

/* cli_ses_common - parse, then keygen or run */
static int
cli_ses_common(const char *cmd, int argc, char **argv,
    void (*usage)(FILE *))
{
	struct cli_ses_opts o;
	int status;

	if ((status = cli_ses_parse(cmd, argc, argv, &o)) != EX_OK) {
		if (status == -1) {
			usage(stdout);
			status = EX_OK;
		}
		return status;
	}
	if (o.verb->action == CLI_SES_KEYGEN ||
	    o.verb->action == CLI_SRS_KEYGEN)
		return cli_ses_keygen(&o);
	return cli_ses_run(&o);
}

/* cli_ses_main - rmxf ses */
int
cli_ses_main(int argc, char **argv)
{
	return cli_ses_common("ses", argc, argv, cli_ses_usage);
}

/* cli_srs_main - rmxf srs */
int
cli_srs_main(int argc, char **argv)
{
	return cli_ses_common("srs", argc, argv, cli_srs_usage);
}
