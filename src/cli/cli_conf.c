/*
 * NAME
 *	cli_conf 3
 * SUMMARY
 *	rmxf conf: check and print the effective configuration
 * SYNOPSIS
 *	#include "cli/cli.h"
 *
 *	int	cli_conf_main(int argc, char **argv);
 * DESCRIPTION
 *	cli_conf_main() runs `rmxf conf [-c FILE] [-n] [NAME...]`,
 *	`rmxf conf [-c FILE] --check`, `rmxf conf [-c FILE] --rcpt
 *	ADDRESS...` and `rmxf conf -d`.
 *
 *	It reads the configuration file (-c, else /etc/rmxf/rmxf.conf; a
 *	missing default file means the built-in defaults, as for rmxfd)
 *	and prints every parameter as "name = value", sorted, in the style
 *	of postconf(1): -n only those that differ from their defaults,
 *	NAMEs only those parameters.  -d prints the defaults, each under a
 *	comment with its doc line, and reads no file.
 *
 *	--check prints nothing and only validates: the configuration, and
 *	the ACL file it names (acl_file), if any.
 *
 *	--rcpt ADDRESS... shows which entry of the ACL file applies to a
 *	recipient, one line per address: "ADDRESS: check HMARK (FILE:LINE
 *	KEY)", or "(no entry)" / "(no acl_file)" for the built-in default.
 *	With --rcpt the words that would be NAMEs are addresses too, so
 *	"--rcpt a b" asks for both, as "--rcpt a --rcpt b" does.
 * DIAGNOSTICS
 *	Exit 0 when all is well; 64 (EX_USAGE) for bad arguments or an
 *	unknown NAME; 66 (EX_NOINPUT) when the -c file, or the acl_file
 *	named, cannot be read; 78 (EX_CONFIG) when either has errors,
 *	each printed on stderr as "file:line: message"; 74 (EX_IOERR)
 *	when stdout cannot be written.
 * SEE ALSO
 *	rmxf(1), rmxf.conf(5), postconf(1).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "acl/acl.h"
#include "cli/cli.h"
#include "conf/conf.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/xmalloc.h"

#define CLI_CONF_MAX_OUT	(1024 * 1024)	/* printed settings */
#define CLI_CONF_MAX_ERR	(64 * 1024)	/* error lines */

/* What the command line asked for. */
struct cli_conf_opts {
	const char     *file;
	int		explicit;	/* -c given */
	int		non_default;	/* -n */
	int		defaults;	/* -d */
	int		check;		/* --check */
	const char    **rcpts;		/* --rcpt, argc slots */
	size_t		nrcpts;
	const char    **names;		/* NAME..., argc slots */
	size_t		nnames;
};

enum {
	CLI_CONF_OPT_CHECK = 256,
	CLI_CONF_OPT_RCPT,
	CLI_CONF_OPT_HELP,
};

static const struct option cli_conf_longopts[] = {
	{"config", required_argument, NULL, 'c'},
	{"check", no_argument, NULL, CLI_CONF_OPT_CHECK},
	{"rcpt", required_argument, NULL, CLI_CONF_OPT_RCPT},
	{"help", no_argument, NULL, CLI_CONF_OPT_HELP},
	{NULL, 0, NULL, 0},
};

/* cli_conf_usage - the help text of rmxf conf */
static void
cli_conf_usage(FILE *fp)
{
	fputs("usage: rmxf conf [-c FILE] [-n] [NAME...]\n"
	    "       rmxf conf [-c FILE] --check\n"
	    "       rmxf conf [-c FILE] --rcpt ADDRESS...\n"
	    "       rmxf conf -d\n\n"
	    "  -c, --config FILE  configuration file (default "
	    CONF_DEFAULT_FILE ";\n"
	    "                     without it, the built-in defaults)\n"
	    "  -n                 only the parameters that differ from "
	    "their defaults\n"
	    "  -d                 the defaults, each with a comment saying "
	    "what it does\n"
	    "  --check            print nothing; validate the file and its "
	    "acl_file\n"
	    "  --rcpt ADDRESS...  the acl_file entry of each recipient "
	    "(repeatable)\n"
	    "  NAME...            only these parameters\n"
	    "\nExit 0 valid; 64 bad arguments; 66 unreadable file; "
	    "78 errors in the file\n(each as file:line: message on "
	    "stderr).\n", fp);
}

/*
 * cli_conf_word - a word that is no option: a NAME, or after --rcpt one
 * more address ("--rcpt a b" asks for both)
 */
static int
cli_conf_word(struct cli_conf_opts *o, const char *word)
{
	if (o->nrcpts == 0) {
		o->names[o->nnames++] = word;
		return EX_OK;
	}
	if (strlen(word) > CLI_MAX_ARG)
		return cli_error(EX_USAGE, "conf: --rcpt address is longer "
		    "than %d bytes", CLI_MAX_ARG);
	o->rcpts[o->nrcpts++] = word;
	return EX_OK;
}

/* cli_conf_parse - the command line; EX_OK, EX_USAGE, or -1 for help */
static int
cli_conf_parse(int argc, char **argv, struct cli_conf_opts *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	o->file = CONF_DEFAULT_FILE;
	o->rcpts = xcalloc((size_t)argc, sizeof(*o->rcpts));
	o->names = xcalloc((size_t)argc, sizeof(*o->names));
	optind = 0;			/* glibc: start over */
	opterr = 0;
	/* "-": words come back in order (1), so that a word after --rcpt
	 * is known to follow it */
	while ((c = getopt_long(argc, argv, "-:c:dnh", cli_conf_longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'c':
			o->file = optarg;
			o->explicit = 1;
			break;
		case 'd':
			o->defaults = 1;
			break;
		case 'n':
			o->non_default = 1;
			break;
		case CLI_CONF_OPT_CHECK:
			o->check = 1;
			break;
		case CLI_CONF_OPT_RCPT:
			if (strlen(optarg) > CLI_MAX_ARG)
				return cli_error(EX_USAGE, "conf: --rcpt is "
				    "longer than %d bytes", CLI_MAX_ARG);
			o->rcpts[o->nrcpts++] = optarg;
			break;
		case 1:			/* a word, in its place */
			if (cli_conf_word(o, optarg) != EX_OK)
				return EX_USAGE;
			break;
		case 'h':
		case CLI_CONF_OPT_HELP:
			return -1;
		case ':':
			return cli_error(EX_USAGE, "conf: option %s needs a "
			    "value", argv[optind - 1]);
		default:
			if (optopt >= CLI_CONF_OPT_CHECK)
				return cli_error(EX_USAGE, "conf: option %s "
				    "takes no value", argv[optind - 1]);
			if (optopt != 0)
				return cli_error(EX_USAGE, "conf: unknown "
				    "option -%c (try rmxf conf --help)",
				    optopt);
			return cli_error(EX_USAGE, "conf: unknown option %s "
			    "(try rmxf conf --help)", argv[optind - 1]);
		}
	}
	for (; optind < argc; optind++)		/* after "--" */
		if (cli_conf_word(o, argv[optind]) != EX_OK)
			return EX_USAGE;
	if (o->defaults && (o->explicit || o->non_default || o->check ||
	    o->nrcpts > 0 || o->nnames > 0))
		return cli_error(EX_USAGE, "conf: -d takes no other option "
		    "or NAME");
	if ((o->check || o->nrcpts > 0) && (o->non_default ||
	    o->nnames > 0))
		return cli_error(EX_USAGE, "conf: --check and --rcpt print "
		    "no settings (no -n, no NAME)");
	return EX_OK;
}

/* cli_conf_errors - the parser's "file:line: message" lines to stderr */
static int
cli_conf_errors(const struct buf *err)
{
	fputs(err->data != NULL ? err->data : "", stderr);
	return EX_CONFIG;
}

/* cli_conf_load - the configuration of o, or NULL and *status */
static struct conf *
cli_conf_load(const struct cli_conf_opts *o, int *status)
{
	struct conf *c = NULL;
	struct buf err;
	char *text = NULL;
	size_t len = 0;

	buf_init(&err, CLI_CONF_MAX_ERR);
	if (file_read(o->file, CONF_MAX_TEXT, &text, &len) < 0) {
		if (errno == ENOENT && !o->explicit) {
			c = conf_default();
			goto out;
		}
		*status = cli_error(EX_NOINPUT, "conf: cannot read %s: %s",
		    o->file, strerror(errno));
		goto out;
	}
	if ((c = conf_parse(text, len, o->file, &err)) == NULL)
		*status = cli_conf_errors(&err);
out:
	free(text);
	buf_free(&err);
	return c;
}

/* cli_conf_acl - the ACL file the configuration names; NULL: none/error */
static struct acl *
cli_conf_acl(const struct conf *c, int *status)
{
	struct acl *acl = NULL;
	struct buf err;
	char *text = NULL;
	size_t len = 0;

	if (*c->acl_file == 0)
		return NULL;
	buf_init(&err, CLI_CONF_MAX_ERR);
	if (file_read(c->acl_file, ACL_MAX_TEXT, &text, &len) < 0) {
		*status = cli_error(EX_NOINPUT, "conf: cannot read acl_file "
		    "%s: %s", c->acl_file, strerror(errno));
		goto out;
	}
	if ((acl = acl_parse(text, len, c->acl_file, &err)) == NULL)
		*status = cli_conf_errors(&err);
out:
	free(text);
	buf_free(&err);
	return acl;
}

/* cli_conf_rcpts - the ACL entry of each --rcpt */
static int
cli_conf_rcpts(const struct cli_conf_opts *o, const struct conf *c,
    const struct acl *acl, struct buf *out)
{
	const struct acl_entry *e;
	size_t i;

	for (i = 0; i < o->nrcpts; i++) {
		e = acl_lookup(acl, o->rcpts[i]);
		cli_esc_textz(out, o->rcpts[i]);
		buf_puts(out, ": ");
		acl_entry_format(e, out);
		if (acl == NULL)
			buf_puts(out, " (no acl_file)\n");
		else if (e->line == 0)
			buf_puts(out, " (no entry)\n");
		else
			buf_printf(out, " (%s:%u %s)\n", c->acl_file, e->line,
			    e->key);
	}
	return out->overflow ? -1 : 0;
}

/* cli_conf_names - the lines of the NAMEs asked for */
static int
cli_conf_names(const struct cli_conf_opts *o, const struct conf *c,
    struct buf *out)
{
	size_t i;

	for (i = 0; i < o->nnames; i++)
		if (conf_print_param(c, o->names[i], out) < 0 &&
		    !out->overflow)
			return cli_error(EX_USAGE, "conf: unknown parameter "
			    "\"%s\" (rmxf conf -d lists them)", o->names[i]);
	return EX_OK;
}

/* cli_conf_main - rmxf conf */
int
cli_conf_main(int argc, char **argv)
{
	struct cli_conf_opts o;
	struct conf *c = NULL;
	struct acl *acl = NULL;
	struct buf out;
	int status = EX_OK, r;

	buf_init(&out, CLI_CONF_MAX_OUT);
	if ((status = cli_conf_parse(argc, argv, &o)) != EX_OK) {
		if (status < 0) {
			cli_conf_usage(stdout);
			status = EX_OK;
		}
		goto out;
	}
	if (o.defaults) {
		r = conf_print_docs(&out);
		goto print;
	}
	if ((c = cli_conf_load(&o, &status)) == NULL)
		goto out;
	if (o.check || o.nrcpts > 0) {
		acl = cli_conf_acl(c, &status);
		if (status != EX_OK || o.check)
			goto out;
		r = cli_conf_rcpts(&o, c, acl, &out);
		goto print;
	}
	if (o.nnames > 0) {
		if ((status = cli_conf_names(&o, c, &out)) != EX_OK)
			goto out;
		r = out.overflow ? -1 : 0;
	} else
		r = conf_print(c, &out, o.non_default);
print:
	if (r < 0)
		status = cli_error(EX_SOFTWARE, "conf: output longer than "
		    "%d bytes", CLI_CONF_MAX_OUT);
	else if (cli_write(stdout, &out) < 0)
		status = cli_error(EX_IOERR, "cannot write to standard "
		    "output");
out:
	acl_free(acl);
	conf_free(c);
	free(o.rcpts);
	free(o.names);
	buf_free(&out);
	return status;
}
