/*
 * NAME
 *	rmxf 1
 * SUMMARY
 *	the rmxf command line: dispatch to a subcommand
 * SYNOPSIS
 *	rmxf check [options] --ip ADDRESS --sender MAILFROM
 *	rmxf check [options] USER@DOMAIN
 *	rmxf --help | --version
 *
 *	int	cli_error(int status, const char *fmt, ...);
 *	int	cli_write(FILE *fp, const struct buf *b);
 * DESCRIPTION
 *	main() looks the first argument up in cli_cmds[] and hands the
 *	rest of the command line to that subcommand, whose return value
 *	is the exit status.  A new subcommand (conf, replay, procmail,
 *	ses, srs) is one more row in the table and one more file.  After
 *	the subcommand, main() flushes stdout and turns a write error
 *	into EX_IOERR, so that `rmxf check ... > /full/disk` does not
 *	exit 0.
 *
 *	cli_error() prints one line "rmxf: text" on stderr and returns
 *	its status, so that callers can `return cli_error(EX_USAGE, ...)`
 *	and still run their cleanup.
 *
 *	cli_write() writes a buffer's bytes to a stream.
 * DIAGNOSTICS
 *	Exit status 64 (EX_USAGE) for an unknown command or option, 74
 *	(EX_IOERR) when stdout cannot be written; otherwise the
 *	subcommand's status.
 * SEE ALSO
 *	rmxf(1), cli_check(3).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "cli/cli.h"
#include "util/buf.h"
#include "util/msg.h"

static const struct cli_cmd cli_cmds[] = {
	{"check", cli_check_main,
	    "evaluate SPF for a client, or list a domain's policy"},
	{"message", cli_message_main,
	    "SPF, DKIM and DMARC for one message: its header and action"},
	{"conf", cli_conf_main,
	    "check and print the configuration (rmxf.conf)"},
	{"replay", cli_replay_main,
	    "run policy requests from a file through the check pipeline"},
	{"ses", cli_ses_main,
	    "sign and verify BATV (prvs=) envelope senders"},
	{"srs", cli_srs_main,
	    "rewrite senders for forwarding (SRS) and reverse them"},
	{"procmail", mda_procmail_main,
	    "add Received-SPF to a message on stdin (procmail filter)"},
};

#define CLI_NCMDS (sizeof(cli_cmds) / sizeof(cli_cmds[0]))

/* cli_error - one line on stderr; returns status for the caller */
int
cli_error(int status, const char *fmt, ...)
{
	va_list ap;

	fputs(CLI_PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return status;
}

/* cli_write - write a buffer's bytes */
int
cli_write(FILE *fp, const struct buf *b)
{
	if (b->len > 0 && fwrite(b->data, 1, b->len, fp) != b->len)
		return -1;
	return 0;
}

/* cli_usage - the top-level help text */
static void
cli_usage(FILE *fp)
{
	size_t i;

	fputs("usage: rmxf COMMAND [OPTION...] [ARG...]\n"
	    "       rmxf --help | --version\n\ncommands:\n", fp);
	for (i = 0; i < CLI_NCMDS; i++)
		fprintf(fp, "  %-10s %s\n", cli_cmds[i].name,
		    cli_cmds[i].summary);
	fputs("\n'rmxf COMMAND --help' describes a command; "
	    "see also rmxf(1).\n", fp);
}

/* main - dispatch to the subcommand */
int
main(int argc, char **argv)
{
	const struct cli_cmd *cmd = NULL;
	size_t i;
	int status;

	msg_open(CLI_PROG, MSG_STDERR, 0, 0);
	if (argc < 2)
		return cli_error(EX_USAGE, "missing command (try rmxf --help)");
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		cli_usage(stdout);
		status = EX_OK;
		goto out;
	}
	if (strcmp(argv[1], "--version") == 0) {
		fputs(CLI_PROG " " CLI_VERSION "\n", stdout);
		status = EX_OK;
		goto out;
	}
	for (i = 0; i < CLI_NCMDS; i++)
		if (strcmp(argv[1], cli_cmds[i].name) == 0)
			cmd = &cli_cmds[i];
	if (cmd == NULL)
		return cli_error(EX_USAGE, "unknown %s '%s' (try rmxf --help)",
		    argv[1][0] == '-' ? "option" : "command", argv[1]);
	status = cmd->main(argc - 1, argv + 1);
out:
	if (fflush(stdout) == EOF || ferror(stdout))
		return cli_error(EX_IOERR, "cannot write to standard output");
	return status;
}
