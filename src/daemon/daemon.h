/* daemon.h - rmxfd internals: loop, listeners, connections, requests */
#ifndef RMXF_DAEMON_H
#define RMXF_DAEMON_H

/*
 * NAME
 *	daemon 3
 * SUMMARY
 *	the parts of rmxfd(8) and how they share state
 * SYNOPSIS
 *	#include "daemon/daemon.h"
 * DESCRIPTION
 *	struct daemon is the one process-wide object: the event base, the
 *	command line, the current environment (configuration and ACL,
 *	reference-counted so that a reload never pulls them from under a
 *	request), the shared resolver and record cache, the listeners and
 *	the list of connections.
 *
 *	daemon_env.c loads an environment; daemon_listen.c binds, accepts
 *	and drops privileges; daemon_conn.c runs one policy connection
 *	(socket or stdin/stdout) and keeps its message; daemon_req.c runs
 *	one envelope through check(3) on the shared resolver;
 *	daemon_log.c writes the decision lines; daemon_socketmap.c serves the
 *	socketmap; daemon_milter.c is the Milter front end; daemon_mem.c gives freed memory back; daemon_metrics.c
 *	counts (struct daemon_metrics) and serves the counts over HTTP.
 * SEE ALSO
 *	rmxfd(8), check(3), policy(3), dns(3).
 */

#include <stddef.h>

#include "auth/auth.h"
#include "check/check.h"
#include "conf/conf.h"
#include "socketmap/socketmap.h"
#include "util/hist.h"

struct event_base;
struct event;
struct evhttp;
struct buf;
struct acl;
struct env_keys;
struct dns_ub;
struct spf_rcache;
struct dkim_kcache;

#define DAEMON_PROG		"rmxfd"
#define DAEMON_VERSION		"0.1.0"
#define DAEMON_MAX_LISTEN	16	/* --listen options */
#define DAEMON_MAX_ARG		1024	/* one option value, octets */
#define DAEMON_RCACHE_RECORDS	10000	/* parsed SPF records kept */
#define DAEMON_DKIM_KEYS	1000	/* parsed DKIM keys kept */
#define DAEMON_MAX_IN		65536	/* bytes queued behind a request */
#define DAEMON_READ_CHUNK	16384	/* bytes read per read(2) */
#define DAEMON_MAX_OUT		(64 * 1024)	/* unsent reply bytes */
#define DAEMON_MAX_ERR		(64 * 1024)	/* config error text */
#define DAEMON_MAX_HOST		256	/* our host name */
#define DAEMON_MAX_PEER		128	/* a peer's name in logs */
#define DAEMON_LISTEN_BACKLOG	512
#define DAEMON_MAX_ADDRS	16	/* addresses of one inet:HOST */
#define DAEMON_RESULT_MAX	4096	/* evaluations kept (check_recent) */
#define DAEMON_LOG_LINE_MAX	8192	/* one decision line, as msg(3) */
#define DAEMON_LOG_QUEUE	(64 * 1024)	/* lines queued for stderr */

/* The command line; NULL / -1: not given, the config file decides. */
struct daemon_opts {
	const char     *conf_file;
	int		conf_explicit;	/* -c given: the file must exist */
	const char     *listen[DAEMON_MAX_LISTEN];
	size_t		nlisten;
	const char     *milter[DAEMON_MAX_LISTEN];	/* --milter */
	size_t		nmilter;
	int		stdio;
	const char     *dns;		/* HOST:PORT, [V6]:PORT or IP@PORT */
	const char     *user;
	int		log_to;		/* enum conf_log_to, -1 */
};

#define DAEMON_ENV_EMBEDDED	"embedded defaults"	/* env->source */

/* Configuration and ACL, shared by every request started under them. */
struct daemon_env {
	unsigned	refs;
	struct conf    *conf;
	struct acl     *acl;
	struct check_env check;
	struct env_keys *keys;		/* SES/SRS key rings, or NULL */
	const char     *source;		/* the file, or "embedded defaults" */
};

#define DAEMON_FD_MARGIN	64	/* descriptors beyond the connections */
#define DAEMON_DNS_PORTS	1024	/* UDP queries out at once, standalone */
#define DAEMON_ROOM_LOG_MS	1000	/* "max_connections reached" at most */
#define DAEMON_EVICT_YOUNG_MS	1000	/* silent younger: evicted last */
#define DAEMON_DNS_PORTS_STDIO	64	/* ... one connection's (--stdio) */

struct daemon_listener;
struct daemon_conn;

/* What /metrics reports beside the modules' own counters (daemon_metrics.c);
 * plain counters, added to on the loop's one thread. */
#define DAEMON_M_METHODS	(CHECK_M_BOUNCE + 1)
#define DAEMON_M_RESULTS	(SPF_PERMERROR + 1)
#define DAEMON_M_VERDICTS	(CHECK_V_DEFER_IF_PERMIT + 1)
#define DAEMON_M_BOUNCES	(CHECK_B_GRACE + 1)
#define DAEMON_M_DKIM		(DKIM_TEMPERROR + 1)	/* enum dkim_result */
#define DAEMON_M_DMARC		(DMARC_PERMERROR + 1)	/* enum dmarc_result */
#define DAEMON_M_DACTIONS	CONF_DA_COUNT	/* enum conf_dmarc_action */
#define DAEMON_M_MAPS		5	/* sign verify srs_forward
					 * srs_reverse, other */
#define DAEMON_M_REPLIES	(SM_R_PERM + 1)

enum daemon_front {
	DAEMON_FE_POLICY,
	DAEMON_FE_SOCKETMAP,
	DAEMON_FE_MILTER,
	DAEMON_FE_COUNT
};

struct daemon_metrics {
	unsigned long	decisions[DAEMON_M_METHODS][DAEMON_M_RESULTS]
			    [DAEMON_M_VERDICTS];
	unsigned long	requests[DAEMON_FE_COUNT];
	unsigned long	errors[DAEMON_FE_COUNT];	/* connections closed
							 * for bad input or
							 * a stall */
	unsigned long	bounce[DAEMON_M_BOUNCES];
	unsigned long	dkim[DAEMON_M_DKIM];	/* signatures by result */
	unsigned long	dmarc[DAEMON_M_DMARC][DAEMON_M_DACTIONS];	/* messages */
	unsigned long	lookups[DAEMON_M_MAPS][DAEMON_M_REPLIES];
	unsigned long	message_hits;		/* the message's evaluation */
	unsigned long	message_misses;		/* ... inbound, not from it */
	unsigned long	recent_hits;		/* environments replaced */
	unsigned long	recent_misses;
	unsigned long	reloads;
	unsigned long	reload_failures;
	struct hist	request_ms;		/* policy requests */
};

struct daemon {
	struct event_base *base;
	struct daemon_opts opts;
	struct daemon_env *env;		/* current; requests hold their own */
	struct dns_ub  *ub;
	struct spf_rcache *rcache;
	struct dkim_kcache *kcache;	/* parsed DKIM keys, all messages */
	int		log_batch;	/* decision lines: one write a turn */
	struct buf     *logq;		/* ... queued here */
	struct event   *log_flush;	/* ... written by this */
	char		hostname[DAEMON_MAX_HOST];
	struct daemon_listener *listeners;
	struct daemon_conn *conns;	/* every open connection */
	struct daemon_socketmap *socketmaps;	/* socketmap connections */
	unsigned	nsocketmaps;
	struct daemon_milter *milters;	/* Milter connections */
	unsigned	nmilters;
	unsigned long	milters_refused;	/* ... refused: all taken */
	long		milters_refused_ms;	/* the last line about it */
	unsigned	nconns;
	unsigned long	nserved;	/* connections accepted so far */
	unsigned long	nevicted;	/* ... closed to admit new ones */
	unsigned long	nrefused;	/* ... new ones refused: all busy */
	long		room_logged_ms;	/* the last "max_connections" line */
	int		stopping;	/* SIGTERM: finish and exit */
	struct event   *sig_hup;
	struct event   *sig_term;
	struct event   *sig_int;
	struct event   *mem_tick;	/* daemon_mem(3): the period */
	struct daemon_metrics metrics;
	struct evhttp  *http;		/* metrics_listen, or NULL */
	char	       *resolver;	/* what it forwards to, for the log */
};

/* daemon_env.c */
struct daemon_env *daemon_env_load(const struct daemon *, struct buf *);
struct daemon_env *daemon_env_ref(struct daemon_env *);
void	daemon_env_unref(struct daemon_env *);

/* daemon_listen.c: the kinds of sockets */
#define DAEMON_L_POLICY		0
#define DAEMON_L_SOCKETMAP	1
#define DAEMON_L_MILTER		2

size_t	daemon_listen_bind(const char *what, const char *host,
	    const char *port, int *fds, size_t max);
void	daemon_listen_open(struct daemon *);
void	daemon_listen_names(const struct daemon *, int, struct buf *);
void	daemon_listen_close(struct daemon *);
void	daemon_priv_drop(struct daemon *);

/* daemon_socketmap.c: the socketmap service */
struct daemon_socketmap;

void	daemon_socketmap_new(struct daemon *, int, const char *);
void	daemon_socketmap_stop_all(struct daemon *);

/* daemon_milter.c: the Milter front end */
struct daemon_milter;

void	daemon_milter_new(struct daemon *, int, const char *);
void	daemon_milter_stop_all(struct daemon *);

/* daemon_conn.c */
struct daemon_conn *daemon_conn_new(struct daemon *, int, int, const char *);
int	daemon_conn_evict(struct daemon *);
int	daemon_evict_rank(unsigned long nreq, long idle_since, long now);
void	daemon_conn_stop_all(struct daemon *);
void	daemon_maybe_exit(struct daemon *);

/* daemon_mem.c */
void	daemon_mem_init(struct daemon *);
void	daemon_mem_fini(struct daemon *);
void	daemon_mem_touch(struct daemon *);

/* daemon_req.c: done(arg, decision) once, from the loop */
struct daemon_req;

struct daemon_req *daemon_req_start(struct daemon *, struct check_message *,
	    const struct check_envelope *,
	    void (*)(void *, const struct check_decision *), void *);
void	daemon_req_cancel(struct daemon_req *);

/* daemon_metrics.c: counting, and GET /metrics on metrics_listen */
void	daemon_metrics_open(struct daemon *);
void	daemon_metrics_close(struct daemon *);
void	daemon_metrics_auth(struct daemon *, const struct auth_decision *);
void	daemon_metrics_decision(struct daemon *,
	    const struct check_decision *, double ms);
void	daemon_metrics_lookup(struct daemon *, const char *map, size_t len,
	    enum sm_reply);
void	daemon_metrics_reload(struct daemon *, const struct daemon_env *old,
	    const struct daemon_env *);

/* daemon_mauth.c: one message's DKIM and DMARC */
struct daemon_mauth;
struct auth_decision;
struct auth_in;

struct daemon_mauth *daemon_mauth_new(struct daemon *);
void	daemon_mauth_header(struct daemon_mauth *, const char *,
	    const char *, const char *);
void	daemon_mauth_eoh(struct daemon_mauth *);
void	daemon_mauth_body(struct daemon_mauth *, const char *, size_t);
void	daemon_mauth_eom(struct daemon_mauth *, void (*)(void *), void *);
const struct auth_decision *daemon_mauth_decide(struct daemon_mauth *,
	    const struct auth_in *);
void	daemon_mauth_free(struct daemon_mauth *);

/* daemon_log.c: decision lines */
void	daemon_log_init(struct daemon *);
void	daemon_log_fini(struct daemon *);
void	daemon_log_decision(struct daemon *, const char *line, double ms);

#endif
