/* cli.h - the rmxf command line: subcommands and their output */
#ifndef RMXF_CLI_H
#define RMXF_CLI_H

#include <stddef.h>
#include <stdio.h>

#include "check/check.h"
#include "spf/spf.h"

struct buf;

#define CLI_PROG	"rmxf"
#define CLI_VERSION	"0.1.0"

#define CLI_MAX_ARG	1024		/* longest --sender, --helo, ... */
#define CLI_MAX_TIMEOUT	3600		/* --timeout SECONDS, at most */
#define CLI_MAX_LINE	(64 * 1024)	/* one line of text output */
#define CLI_MAX_JSON	(4 * 1024 * 1024)	/* one JSON document */
#define CLI_MAX_HEADER	4096		/* one header value */

/*
 * One subcommand: `rmxf NAME ARG...`.  main() gets argv with the
 * subcommand's name as argv[0] and returns the exit status (<sysexits.h>).
 */
struct cli_cmd {
	const char     *name;
	int		(*main)(int, char **);
	const char     *summary;
};

/* rmxf.c */
int	cli_error(int, const char *, ...) __attribute__((format(printf, 2, 3)));
int	cli_write(FILE *, const struct buf *);

/* cli_check.c */
int	cli_check_main(int, char **);

/* cli_message.c */
int	cli_message_main(int, char **);

/* cli_dns.c: where a subcommand's answers come from */
#include "dns/dns.h"
#include "util/buf.h"

struct cli_dns {
	struct dns_zone *zone;		/* --zone, or NULL: libunbound */
	struct dns_ub_opts ub;
	struct buf	fwd;		/* "IP@PORT ..." */
};

struct conf;
unsigned cli_dns_timeout(unsigned, const struct conf *);
int	cli_dns_open(const char *, const char *, const char *, unsigned,
	    const struct conf *, struct cli_dns *);
int	cli_dns_run(struct cli_dns *, struct spf_job *);
void	cli_dns_close(struct cli_dns *);

/* cli_env.c: the daemon's check environment, from a configuration */
struct conf;
struct acl;
struct env_keys;

struct cli_env {
	struct conf    *conf;
	struct acl     *acl;		/* NULL: no acl_file */
	struct env_keys *keys;		/* NULL: no key files */
	struct spf_rcache *rcache;
	struct check_env check;
};

int	cli_env_load(const char *, const char *, struct cli_env *);
void	cli_env_free(struct cli_env *);

/* cli_conf.c */
int	cli_conf_main(int, char **);

/* cli_replay.c */
int	cli_replay_main(int, char **);

/* cli_ses.c */
int	cli_ses_main(int, char **);
int	cli_srs_main(int, char **);

/* src/mda/mda_procmail.c */
int	mda_procmail_main(int, char **);

/* cli_esc.c: bytes from DNS or the command line, made safe to show */
size_t	cli_utf8_seq(const unsigned char *, size_t);
int	cli_esc_text(struct buf *, const char *, size_t);
int	cli_esc_textz(struct buf *, const char *);
int	cli_esc_json(struct buf *, const char *, size_t);
int	cli_esc_jsonz(struct buf *, const char *);	/* NULL: null */

/* cli_out.c: what `rmxf check` prints */
struct cli_report {
	const struct spf_params *params;
	const struct spf_detail *detail;
	const char     *authserv_id;	/* Authentication-Results authserv-id */
	const struct spf_trace_ev *trace;
	size_t		ntrace;
	int		show_trace;
};

int	cli_out_check_text(const struct cli_report *, struct buf *);
int	cli_out_check_json(const struct cli_report *, struct buf *);
int	cli_out_list_text(const char *, const struct spf_list_line *,
	    size_t, struct buf *);
int	cli_out_list_json(const char *, const char *,
	    const struct spf_list_line *, size_t,
	    const struct check_list_line *, size_t, struct buf *);
int	cli_out_legacy_text(const struct check_list_line *, size_t,
	    struct buf *);
int	cli_out_decision_text(const struct check_decision *, struct buf *);
int	cli_out_decision_json(const struct check_decision *, struct buf *);

#endif
