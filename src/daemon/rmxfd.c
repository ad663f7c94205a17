/*
 * NAME
 *	rmxfd 8
 * SUMMARY
 *	the rmxf Postfix policy daemon: command line, start-up, signals
 * SYNOPSIS
 *	rmxfd [-c FILE] [--listen unix:PATH | --listen inet:HOST:PORT]...
 *	      [--stdio] [--dns HOST:PORT] [--user NAME]
 *	      [--log stderr|syslog] [--foreground]
 *	rmxfd --help | --version
 * DESCRIPTION
 *	main() reads the command line, loads the configuration and ACL
 *	(daemon_env(3); options override the file), opens the log (syslog
 *	with the configured facility, or stderr with time stamps unless it
 *	is the journal; always syslog with --stdio, whose stderr belongs to
 *	Postfix: from then on descriptor 2 is /dev/null and libunbound is
 *	silent; while syslog is unreachable, stderr, or nothing with
 *	--stdio: msg(3)), makes the one event
 *	loop with the one shared resolver (dns_ub on the loop, forwarding
 *	to --dns, dns_forwarders, or resolv.conf) and record cache, binds
 *	the listeners (or serves stdin/stdout for spawn(8)), drops
 *	privileges, and runs the loop.
 *
 *	SIGHUP loads a new environment: when it is good it replaces the
 *	current one (requests running keep theirs), when it is bad the
 *	errors are logged and the old one stays.  Listen addresses (also
 *	metrics_listen: daemon_metrics(3)), user, chroot, the log's
 *	destination and DNS forwarders are taken at start only; log_level
 *	applies at once.  The start line says what was taken: the
 *	configuration, the ACL, user, chroot, sockets, resolver and level.
 *	SIGTERM and SIGINT stop accepting and reading, close idle
 *	connections, let the requests in flight answer (nothing pipelined
 *	behind them starts), and exit 0.
 * DIAGNOSTICS
 *	Exit 0 after SIGTERM or, with --stdio, at the end of input; 64
 *	(EX_USAGE) for a bad command line; 78 (EX_CONFIG) for a bad
 *	configuration (each error logged as "file:line: message"); 69
 *	(EX_UNAVAILABLE) when another process serves a listen address; 71
 *	(EX_OSERR) when a socket cannot be bound otherwise; 67 (EX_NOUSER)
 *	for an unknown user.
 * SEE ALSO
 *	rmxfd(8), rmxf.conf(5), Postfix SMTPD_POLICY_README, spawn(8).
 */
#include <sys/resource.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sysexits.h>
#include <unistd.h>

#include <event2/event.h>

#include "daemon/daemon.h"
#include "dkim/dkim.h"
#include "dns/dns.h"
#include "spf/spf.h"
#include "util/buf.h"
#include "util/ipaddr.h"
#include "util/msg.h"
#include "util/xmalloc.h"

enum {
	DAEMON_OPT_LISTEN = 256,
	DAEMON_OPT_MILTER,
	DAEMON_OPT_STDIO,
	DAEMON_OPT_DNS,
	DAEMON_OPT_USER,
	DAEMON_OPT_LOG,
	DAEMON_OPT_FOREGROUND,
	DAEMON_OPT_HELP,
	DAEMON_OPT_VERSION,
};

static const struct option daemon_longopts[] = {
	{"config", required_argument, NULL, 'c'},
	{"listen", required_argument, NULL, DAEMON_OPT_LISTEN},
	{"milter", required_argument, NULL, DAEMON_OPT_MILTER},
	{"stdio", no_argument, NULL, DAEMON_OPT_STDIO},
	{"dns", required_argument, NULL, DAEMON_OPT_DNS},
	{"user", required_argument, NULL, DAEMON_OPT_USER},
	{"log", required_argument, NULL, DAEMON_OPT_LOG},
	{"foreground", no_argument, NULL, DAEMON_OPT_FOREGROUND},
	{"help", no_argument, NULL, DAEMON_OPT_HELP},
	{"version", no_argument, NULL, DAEMON_OPT_VERSION},
	{NULL, 0, NULL, 0},
};

/* Syslog facilities in the order of enum conf_facility. */
static const int daemon_facilities[] = {
	LOG_MAIL, LOG_DAEMON, LOG_USER, LOG_LOCAL0, LOG_LOCAL1, LOG_LOCAL2,
	LOG_LOCAL3, LOG_LOCAL4, LOG_LOCAL5, LOG_LOCAL6, LOG_LOCAL7,
};

/* daemon_usage - the help text */
static void
daemon_usage(FILE *fp)
{
	fputs("usage: rmxfd [-c FILE] [--listen unix:PATH | "
	    "--listen inet:HOST:PORT]...\n"
	    "             [--milter unix:PATH | --milter inet:HOST:PORT]..."
	    "\n"
	    "             [--stdio] [--dns HOST:PORT] [--user NAME] "
	    "[--log stderr|syslog]\n"
	    "       rmxfd --help | --version\n\n"
	    "  -c, --config FILE    configuration (default "
	    CONF_DEFAULT_FILE "; without\n"
	    "                       it, the embedded defaults)\n"
	    "  --listen SOCKET      unix:PATH or inet:HOST:PORT, repeatable; "
	    "replaces listen =\n"
	    "  --milter SOCKET      a Milter socket, the same; replaces "
	    "milter_listen =\n"
	    "                       (with either, the command line names "
	    "both kinds)\n"
	    "  --stdio              serve one connection on stdin/stdout "
	    "(Postfix spawn(8));\n"
	    "                       logs to syslog only\n"
	    "  --dns HOST:PORT      DNS forwarder; replaces dns_forwarders "
	    "=\n"
	    "  --user NAME          user to run as after binding; replaces "
	    "user =\n"
	    "  --log stderr|syslog  where to log; replaces log_to =\n"
	    "  --foreground         accepted; rmxfd always runs in the "
	    "foreground\n\n"
	    "Signals: SIGHUP reloads the configuration and ACL, SIGTERM "
	    "finishes the\nrequests in flight and exits 0.  See rmxfd(8).\n",
	    fp);
}

/* daemon_bad_usage - one line on stderr (syslog with --stdio), exit */
static _Noreturn void
daemon_bad_usage(const char *what, const char *arg)
{
	msg_fatal(EX_USAGE, "%s%s%s (try rmxfd --help)", what,
	    arg != NULL ? ": " : "", arg != NULL ? arg : "");
}

/* daemon_unknown_option - exit; an option of earlier builds names the
 * rmxf.conf parameter that took its place */
static _Noreturn void
daemon_unknown_option(const char *arg)
{
	static const char *const moved[][2] = {
		{"--stall-timeout", "stall_timeout"},
		{"--dns-memo", "dns_reuse_time"},
		{"--result-memo", "result_reuse_time"},
	};
	size_t i, n;

	for (i = 0; i < sizeof(moved) / sizeof(moved[0]); i++) {
		n = strlen(moved[i][0]);
		if (strncmp(arg, moved[i][0], n) == 0 &&
		    (arg[n] == 0 || arg[n] == '='))
			msg_fatal(EX_USAGE, "option %s is gone: set %s in "
			    "rmxf.conf (a time: 1s, 500ms)", moved[i][0],
			    moved[i][1]);
	}
	daemon_bad_usage("unknown option", arg);
}

/* daemon_stdio_wanted - --stdio anywhere on the command line */
static int
daemon_stdio_wanted(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--stdio") == 0)
			return 1;
	return 0;
}

/* daemon_args - the command line into d->opts */
static void
daemon_args(struct daemon *d, int argc, char **argv)
{
	struct daemon_opts *o = &d->opts;
	int c;

	memset(o, 0, sizeof(*o));
	o->conf_file = CONF_DEFAULT_FILE;
	o->log_to = -1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":c:h", daemon_longopts,
	    NULL)) != -1) {
		if (optarg != NULL && strlen(optarg) > DAEMON_MAX_ARG)
			daemon_bad_usage("option value too long",
			    argv[optind - 1]);
		switch (c) {
		case 'c':
			o->conf_file = optarg;
			o->conf_explicit = 1;
			break;
		case DAEMON_OPT_LISTEN:
			if (o->nlisten >= DAEMON_MAX_LISTEN)
				daemon_bad_usage("too many --listen", NULL);
			o->listen[o->nlisten++] = optarg;
			break;
		case DAEMON_OPT_MILTER:
			if (o->nmilter >= DAEMON_MAX_LISTEN)
				daemon_bad_usage("too many --milter", NULL);
			o->milter[o->nmilter++] = optarg;
			break;
		case DAEMON_OPT_STDIO:
			o->stdio = 1;
			break;
		case DAEMON_OPT_DNS:
			o->dns = optarg;
			break;
		case DAEMON_OPT_USER:
			o->user = optarg;
			break;
		case DAEMON_OPT_LOG:
			if (strcmp(optarg, "stderr") == 0)
				o->log_to = CONF_LOG_STDERR;
			else if (strcmp(optarg, "syslog") == 0)
				o->log_to = CONF_LOG_SYSLOG;
			else
				daemon_bad_usage("--log wants stderr or "
				    "syslog", optarg);
			break;
		case DAEMON_OPT_FOREGROUND:
			break;
		case 'h':
		case DAEMON_OPT_HELP:
			daemon_usage(stdout);
			exit(EX_OK);
		case DAEMON_OPT_VERSION:
			fputs(DAEMON_PROG " " DAEMON_VERSION "\n", stdout);
			exit(EX_OK);
		case ':':
			daemon_bad_usage("option needs a value",
			    argv[optind - 1]);
		default:
			daemon_unknown_option(argv[optind - 1]);
		}
	}
	if (optind < argc)
		daemon_bad_usage("unexpected argument", argv[optind]);
	if (o->stdio && (o->nlisten > 0 || o->nmilter > 0))
		daemon_bad_usage("--stdio and --listen or --milter exclude "
		    "each other", NULL);
}

/* daemon_log_errors - each line of a loader's error text, logged */
static void
daemon_log_errors(const struct buf *err)
{
	const char *p = err->data != NULL ? err->data : "", *nl;

	while (*p != 0) {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		msg_error("%.*s", (int)(nl - p), p);
		p = *nl ? nl + 1 : nl;
	}
}

/* daemon_log_flags - --stdio: never stderr (Postfix's); else time
 * stamps on stderr unless it is the journal */
static int
daemon_log_flags(int stdio)
{
	return stdio ? MSG_NO_STDERR : MSG_STAMP;
}

/* daemon_log_open - where the log goes, from the options and the config */
static void
daemon_log_open(const struct daemon *d)
{
	const struct conf *c = d->env->conf;
	int to = d->opts.log_to >= 0 ? d->opts.log_to : (int)c->log_to;
	int fac = LOG_MAIL;

	if ((size_t)c->syslog_facility < sizeof(daemon_facilities) /
	    sizeof(daemon_facilities[0]))
		fac = daemon_facilities[c->syslog_facility];
	msg_open(DAEMON_PROG, d->opts.stdio || to == CONF_LOG_SYSLOG ?
	    MSG_SYSLOG : MSG_STDERR, fac, daemon_log_flags(d->opts.stdio));
}

/* daemon_log_level - log_level: the least severe lines logged */
static void
daemon_log_level(const struct conf *c)
{
	static const enum msg_level level[] = {
		[CONF_LOGL_ERROR] = MSG_L_ERROR,
		[CONF_LOGL_WARNING] = MSG_L_WARN,
		[CONF_LOGL_INFO] = MSG_L_INFO,
		[CONF_LOGL_DEBUG] = MSG_L_DEBUG,
	};

	msg_level((size_t)c->log_level < sizeof(level) / sizeof(level[0]) ?
	    level[c->log_level] : MSG_L_INFO);
}

/* daemon_forwarders - --dns, or dns_forwarders as "IP@PORT ..." */
static void
daemon_forwarders(const struct daemon *d, struct buf *out)
{
	if (d->opts.dns != NULL)
		buf_puts(out, d->opts.dns);
	else if (conf_print_forwarders(d->env->conf, out) < 0)
		msg_fatal(EX_CONFIG, "dns_forwarders: too many");
}

/* daemon_log_recent - what the environment's recent evaluations did */
static void
daemon_log_recent(const struct daemon_env *env, const char *when)
{
	struct check_recent_stats st;

	if (env->check.recent == NULL)
		return;
	check_recent_stats(env->check.recent, &st);
	msg_info("result_reuse %s: hits=%lu misses=%lu stored=%lu "
	    "evicted=%lu entries=%zu", when, st.hits, st.misses, st.stored,
	    st.evicted, st.entries);
}

/* daemon_reload - SIGHUP: a new environment, or keep the old one */
static void
daemon_reload(evutil_socket_t sig, short what, void *arg)
{
	struct daemon *d = arg;
	struct daemon_env *env;
	struct buf err;

	buf_init(&err, DAEMON_MAX_ERR);
	if ((env = daemon_env_load(d, &err)) == NULL) {
		daemon_log_errors(&err);
		msg_error("reload failed: keeping the configuration in use");
		daemon_metrics_reload(d, NULL, NULL);
	} else {
		if (!d->opts.stdio)
			daemon_log_recent(d->env, "before reload");
		daemon_metrics_reload(d, d->env, env);
		daemon_env_unref(d->env);
		d->env = env;
		daemon_log_level(env->conf);
		dns_ub_limits(d->ub, env->conf->dns_domain_queries,
		    env->conf->dns_slow_domain_time,
		    env->conf->dns_reuse_time);
		msg_info("reloaded %s%s%s", env->source,
		    *env->conf->acl_file ? " and " : "", env->conf->acl_file);
	}
	buf_free(&err);
}

/* daemon_stop - SIGTERM, SIGINT: finish what is in flight, then exit */
static void
daemon_stop(evutil_socket_t sig, short what, void *arg)
{
	struct daemon *d = arg;

	if (d->stopping)
		return;
	d->stopping = 1;
	msg_info("stopping on signal %d: %u connection(s) open, %u "
	    "socketmap, %u milter", (int)sig, d->nconns, d->nsocketmaps,
	    d->nmilters);
	daemon_listen_close(d);
	daemon_metrics_close(d);
	daemon_socketmap_stop_all(d);
	daemon_milter_stop_all(d);
	daemon_conn_stop_all(d);
	daemon_maybe_exit(d);
}

/* daemon_stderr_null - --stdio: stderr is Postfix's, so from here on
 * nothing at all (an out-of-memory message, a library's complaint) may
 * reach it: point descriptor 2 at /dev/null */
static void
daemon_stderr_null(void)
{
	int fd;

	if ((fd = open("/dev/null", O_WRONLY)) < 0) {
		msg_warn("/dev/null: %s: closing stderr instead",
		    strerror(errno));
		(void)close(STDERR_FILENO);
		return;
	}
	if (fd != STDERR_FILENO) {
		if (dup2(fd, STDERR_FILENO) < 0)
			msg_warn("dup2 /dev/null: %s", strerror(errno));
		(void)close(fd);
	}
}

/* daemon_base - the event base; --stdio may be handed regular files */
static struct event_base *
daemon_base(const struct daemon *d)
{
	struct event_config *cfg;
	struct event_base *base;

	if ((cfg = event_config_new()) == NULL)
		msg_fatal(EX_OSERR, "event_config_new failed");
	if (d->opts.stdio)
		event_config_avoid_method(cfg, "epoll");
	base = event_base_new_with_config(cfg);
	event_config_free(cfg);
	if (base == NULL)
		msg_fatal(EX_OSERR, "event_base_new failed");
	return base;
}

/* daemon_signals - SIGHUP, SIGTERM, SIGINT on the loop; SIGPIPE ignored */
static void
daemon_signals(struct daemon *d)
{
	signal(SIGPIPE, SIG_IGN);
	d->sig_hup = evsignal_new(d->base, SIGHUP, daemon_reload, d);
	d->sig_term = evsignal_new(d->base, SIGTERM, daemon_stop, d);
	d->sig_int = evsignal_new(d->base, SIGINT, daemon_stop, d);
	if (d->sig_hup == NULL || d->sig_term == NULL || d->sig_int == NULL ||
	    evsignal_add(d->sig_hup, NULL) < 0 ||
	    evsignal_add(d->sig_term, NULL) < 0 ||
	    evsignal_add(d->sig_int, NULL) < 0)
		msg_fatal(EX_OSERR, "cannot handle signals");
}

/* daemon_resolver - the one shared resolver on the loop */
static void
daemon_resolver(struct daemon *d)
{
	struct dns_ub_opts uo;
	struct buf fwd;
	char err[256];

	buf_init(&fwd, CONF_MAX_FORWARDERS_TEXT);
	daemon_forwarders(d, &fwd);
	memset(&uo, 0, sizeof(uo));
	uo.forwarders = fwd.len > 0 ? fwd.data : NULL;
	uo.timeout_ms = d->env->conf->dns_timeout;
	uo.ports = d->opts.stdio ? DAEMON_DNS_PORTS_STDIO : DAEMON_DNS_PORTS;
	uo.per_domain = d->env->conf->dns_domain_queries;
	uo.slow_ms = d->env->conf->dns_slow_domain_time;
	uo.recent_ms = d->env->conf->dns_reuse_time;
	if ((d->ub = dns_ub_new(d->base, &uo, err, sizeof(err))) == NULL)
		msg_fatal(EX_CONFIG, "resolver: %s", err);
	if (d->opts.stdio)
		dns_ub_quiet(d->ub);
	d->resolver = xstrdup(fwd.len > 0 ? fwd.data : "/etc/resolv.conf");
	buf_free(&fwd);
}

/* daemon_event_log - libevent's own messages go where ours go (never to
 * stderr in --stdio mode, where stderr belongs to Postfix) */
static void
daemon_event_log(int severity, const char *text)
{
	if (severity >= EVENT_LOG_WARN)
		msg_warn("libevent: %s", text);
}

/* daemon_fd_limit - raise the soft descriptor limit to the hard one:
 * max_connections sockets plus libunbound's own must fit; warn when
 * they cannot */
static void
daemon_fd_limit(const struct daemon *d)
{
	struct rlimit rl;
	rlim_t need = (rlim_t)d->env->conf->max_connections +
	    DAEMON_DNS_PORTS + DAEMON_FD_MARGIN;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
		(void)getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need)
		msg_warn("open files limit %llu is below max_connections (%u) "
		    "plus %d for DNS and logging: raise LimitNOFILE or "
		    "lower max_connections", (unsigned long long)rl.rlim_cur,
		    d->env->conf->max_connections,
		    DAEMON_DNS_PORTS + DAEMON_FD_MARGIN);
}

/* daemon_started - the start line: configuration, ACL, who we run as,
 * where, the sockets and the resolver */
static void
daemon_started(const struct daemon *d)
{
	const struct conf *c = d->env->conf;
	const char *user = d->opts.user != NULL ? d->opts.user : c->user;
	struct buf b;
	size_t i;

	buf_init(&b, DAEMON_LOG_LINE_MAX);
	buf_printf(&b, "started%s (%s, %s): user=", d->opts.stdio ?
	    " on stdin" : "", d->env->source, c->acl_file[0] ? c->acl_file :
	    "no acl_file");
	if (*user != 0)
		buf_puts(&b, user);
	else
		buf_printf(&b, "uid%lu", (unsigned long)geteuid());
	buf_printf(&b, " chroot=%s", *user != 0 && *c->chroot != 0 ?
	    c->chroot : "none");
	if (!d->opts.stdio) {
		buf_puts(&b, " listen=");
		daemon_listen_names(d, DAEMON_L_POLICY, &b);
		buf_puts(&b, " milter=");
		daemon_listen_names(d, DAEMON_L_MILTER, &b);
		buf_puts(&b, " socketmap=");
		daemon_listen_names(d, DAEMON_L_SOCKETMAP, &b);
		buf_puts(&b, " metrics=");
		for (i = 0; i < c->metrics_listen.n; i++)
			buf_printf(&b, "%sinet:%s:%u", i ? "," : "",
			    c->metrics_listen.v[i].host,
			    c->metrics_listen.v[i].port);
		if (c->metrics_listen.n == 0)
			buf_puts(&b, "none");
	}
	buf_printf(&b, " resolver=%s log_level=%s", d->resolver,
	    conf_log_level_str(c->log_level));
	msg_info("%s", b.data);
	buf_free(&b);
}

/* main - start, serve until SIGTERM (or the end of stdin), exit 0 */
int
main(int argc, char **argv)
{
	struct daemon d;
	struct buf err;
	int stdio;

	memset(&d, 0, sizeof(d));
	event_set_log_callback(daemon_event_log);
	/* spawn(8): stderr belongs to Postfix from the first line on */
	stdio = daemon_stdio_wanted(argc, argv);
	msg_open(DAEMON_PROG, stdio ? MSG_SYSLOG : MSG_STDERR, LOG_MAIL,
	    daemon_log_flags(stdio));
	daemon_args(&d, argc, argv);
	if (gethostname(d.hostname, sizeof(d.hostname) - 1) < 0)
		memcpy(d.hostname, "localhost", sizeof("localhost"));
	d.rcache = spf_rcache_new(DAEMON_RCACHE_RECORDS);
	d.kcache = dkim_kcache_new(DAEMON_DKIM_KEYS);
	buf_init(&err, DAEMON_MAX_ERR);
	if ((d.env = daemon_env_load(&d, &err)) == NULL) {
		daemon_log_errors(&err);
		msg_fatal(EX_CONFIG, "cannot start: bad configuration");
	}
	buf_free(&err);
	daemon_log_open(&d);
	daemon_log_level(d.env->conf);
	if (d.opts.stdio)
		daemon_stderr_null();
	if (!d.opts.stdio)
		daemon_fd_limit(&d);
	d.base = daemon_base(&d);
	daemon_resolver(&d);
	daemon_log_init(&d);
	if (!d.opts.stdio)
		daemon_mem_init(&d);
	daemon_signals(&d);
	if (d.opts.stdio)
		daemon_conn_new(&d, STDIN_FILENO, STDOUT_FILENO, "stdin");
	else
		daemon_listen_open(&d);
	daemon_metrics_open(&d);
	daemon_priv_drop(&d);
	daemon_started(&d);
	if (event_base_dispatch(d.base) < 0)
		msg_fatal(EX_SOFTWARE, "event loop failed");
	daemon_log_fini(&d);		/* the last decision lines first */
	if (!d.opts.stdio) {
		daemon_log_recent(d.env, "at stop");
		msg_info("stopped after %lu connection(s)", d.nserved);
	}
	daemon_listen_close(&d);
	daemon_metrics_close(&d);
	daemon_mem_fini(&d);
	dns_ub_free(d.ub);
	event_free(d.sig_hup);
	event_free(d.sig_term);
	event_free(d.sig_int);
	daemon_env_unref(d.env);
	spf_rcache_free(d.rcache);
	dkim_kcache_free(d.kcache);
	free(d.resolver);
	event_base_free(d.base);
	return EX_OK;
}
