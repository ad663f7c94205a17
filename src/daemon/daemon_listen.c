/*
 * NAME
 *	daemon_listen 3
 * SUMMARY
 *	rmxfd's listening sockets, accepting, and dropping privileges
 * SYNOPSIS
 *	#include "daemon/daemon.h"
 *
 *	void	daemon_listen_open(struct daemon *d);
 *	size_t	daemon_listen_bind(const char *what, const char *host,
 *			const char *port, int *fds, size_t max);
 *	void	daemon_listen_names(const struct daemon *d, int socketmap,
 *			struct buf *out);
 *	void	daemon_listen_close(struct daemon *d);
 *	void	daemon_priv_drop(struct daemon *d);
 * DESCRIPTION
 *	daemon_listen_open() binds every --listen of the command line, or
 *	else every listen of the configuration: unix:PATH and
 *	inet:HOST:PORT (every address HOST resolves to, IPv4 and IPv6; on
 *	the command line PORT may be 0 for a free port).  Each bound
 *	address is logged ("listening on
 *	unix:/var/spool/postfix/private/rmxf").  Accepted connections
 *	become daemon_conn(3) objects; past max_connections a new
 *	connection is logged and closed at once.  The sockets of
 *	socketmap_listen (bound in any case, also with --listen) serve
 *	the socketmap maps instead (daemon_socketmap(3)).
 *
 *	unix:PATH: a socket file at PATH that nobody accepts on (connect(2)
 *	refused: its daemon is gone) is removed and bound anew; one that a
 *	process accepts on is left alone and rmxfd does not start, so that a
 *	second rmxfd never takes a living one's socket away from Postfix.
 *	Anything else at PATH (a file, a socket of another kind, one whose
 *	state cannot be told) is never removed either.  Every rmxfd takes
 *	an flock(2) on PATH's directory from that probe until it listens,
 *	so two starting at once cannot both take a stale socket.  The
 *	socket is made mode 0666, so that the directory decides who may
 *	connect, as with Postfix's private/.
 *
 *	daemon_listen_bind() binds and listens on every address of an
 *	inet:HOST:PORT for a caller that accepts itself (the metrics' HTTP
 *	server, daemon_metrics(3)).
 *
 *	daemon_listen_names() appends the names of the policy or the
 *	socketmap sockets to out, for the start line.
 *
 *	daemon_listen_close() stops accepting (SIGTERM) and removes the
 *	unix sockets it created, each only while PATH is still that socket
 *	(the same device and inode as after bind(2)): a socket another
 *	process made there since stays.
 *
 *	daemon_priv_drop() runs after binding: with a user (--user or
 *	user =) it changes root (chroot =, optional), then group list,
 *	group and user to that user's; without one it keeps the invoking
 *	user and warns once when that is root.
 * DIAGNOSTICS
 *	A listen address that another process serves (a unix socket it
 *	accepts on, an inet port in use): msg_fatal() with EX_UNAVAILABLE.
 *	One that cannot be used otherwise, or a user that does not exist
 *	or cannot be switched to: msg_fatal(), EX_CONFIG, EX_OSERR or
 *	EX_NOUSER.
 * SEE ALSO
 *	rmxfd(8), unix(7), ip(7), ipv6(7), setgroups(2), chroot(2).
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <sys/file.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/listener.h>

#include "daemon/daemon.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/msg.h"
#include "util/xmalloc.h"

#define DAEMON_UNIX_MODE	0666

struct daemon_listener {
	struct daemon_listener *next;
	struct daemon  *d;
	struct evconnlistener *lev;
	char	       *unix_path;	/* ours to unlink, or NULL */
	dev_t		unix_dev;	/* ... while it is this file */
	ino_t		unix_ino;
	char		name[DAEMON_MAX_PEER];	/* as logged */
	int		kind;		/* DAEMON_L_* */
	struct event   *resume;		/* re-arms after accept trouble */
	int		failing;	/* accept fails; logged once */
};

#define DAEMON_ACCEPT_PAUSE_MS	1000	/* after EMFILE and friends */
#define DAEMON_LOCK_TRIES	200	/* directory lock tries, 10 ms apart */
#define DAEMON_LOCK_PAUSE_MS	10

/* the kind of the sockets being bound */
static int daemon_listen_kind;

/* daemon_listen_peer - a peer's name for the logs */
static void
daemon_listen_peer(const struct sockaddr *sa, socklen_t len, char *out,
    size_t size)
{
	char host[NI_MAXHOST], serv[NI_MAXSERV];
	struct buf b;

	buf_init(&b, size - 1);
	if (sa->sa_family == AF_UNIX)
		buf_puts(&b, "unix");
	else if (getnameinfo(sa, len, host, sizeof(host), serv,
	    sizeof(serv), NI_NUMERICHOST | NI_NUMERICSERV) == 0)
		buf_printf(&b, sa->sa_family == AF_INET6 ? "[%s]:%s" :
		    "%s:%s", host, serv);
	else
		buf_puts(&b, "unknown");
	memcpy(out, b.data != NULL ? b.data : "", b.len + 1);
	buf_free(&b);
}

/*
 * daemon_listen_room - max_connections reached: make room for a new
 * policy connection by closing the one idle longest (daemon_conn_evict);
 * 0 when every connection is busy.  Logged at most once a second, with
 * the count, so that a flood of connections is not a flood of lines.
 */
static int
daemon_listen_room(struct daemon *d, struct daemon_listener *l,
    const char *peer)
{
	long now = clock_now_ms();
	int made = daemon_conn_evict(d);

	if (!made)
		d->nrefused++;
	if (now - d->room_logged_ms >= DAEMON_ROOM_LOG_MS) {
		d->room_logged_ms = now;
		msg_warn("max_connections (%u) reached on %s: %lu idle "
		    "connection(s) closed for new ones, %lu new refused "
		    "(all busy) so far; last from %s",
		    d->env->conf->max_connections, l->name, d->nevicted,
		    d->nrefused, peer);
	}
	return made;
}

/* daemon_listen_accept - a new policy connection */
static void
daemon_listen_accept(struct evconnlistener *lev, evutil_socket_t fd,
    struct sockaddr *sa, int len, void *arg)
{
	struct daemon_listener *l = arg;
	struct daemon *d = l->d;
	char peer[DAEMON_MAX_PEER];

	daemon_listen_peer(sa, (socklen_t)len, peer, sizeof(peer));
	if (d->stopping) {
		close(fd);
		return;
	}
	if (l->kind == DAEMON_L_POLICY &&
	    d->nconns >= d->env->conf->max_connections &&
	    !daemon_listen_room(d, l, peer)) {
		close(fd);
		return;
	}
	evutil_make_socket_nonblocking(fd);
	l->failing = 0;
	if (l->kind == DAEMON_L_SOCKETMAP)
		daemon_socketmap_new(d, fd, peer);
	else if (l->kind == DAEMON_L_MILTER)
		daemon_milter_new(d, fd, peer);
	else
		daemon_conn_new(d, fd, fd, peer);
}

/* daemon_listen_resume - accept again after a pause */
static void
daemon_listen_resume(evutil_socket_t fd, short what, void *arg)
{
	struct daemon_listener *l = arg;

	(void)fd;
	(void)what;
	if (!l->d->stopping)
		evconnlistener_enable(l->lev);
}

/*
 * daemon_listen_error - accept(2) trouble (out of descriptors, most
 * often): the pending connection keeps the socket readable, so stop
 * accepting for a moment instead of spinning, and log once until an
 * accept succeeds again.
 */
static void
daemon_listen_error(struct evconnlistener *lev, void *arg)
{
	struct daemon_listener *l = arg;
	struct timeval tv = {DAEMON_ACCEPT_PAUSE_MS / 1000,
	    (DAEMON_ACCEPT_PAUSE_MS % 1000) * 1000};
	int err = EVUTIL_SOCKET_ERROR();

	if (!l->failing)
		msg_warn("accept on %s: %s: not accepting for %d ms at a "
		    "time until it works again", l->name,
		    evutil_socket_error_to_string(err), DAEMON_ACCEPT_PAUSE_MS);
	l->failing = 1;
	evconnlistener_disable(lev);
	if (l->resume == NULL)
		l->resume = evtimer_new(l->d->base, daemon_listen_resume, l);
	if (l->resume != NULL)
		evtimer_add(l->resume, &tv);
}

/* daemon_listen_add - start accepting on a listening socket; st: the
 * file of unix_path as bound */
static void
daemon_listen_add(struct daemon *d, int fd, const char *unix_path,
    const struct stat *st)
{
	struct daemon_listener *l;
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	l = xcalloc(1, sizeof(*l));
	l->d = d;
	l->kind = daemon_listen_kind;
	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		msg_fatal(EX_OSERR, "getsockname: %s", strerror(errno));
	if (unix_path != NULL) {
		struct buf b;

		l->unix_path = xstrdup(unix_path);
		l->unix_dev = st->st_dev;
		l->unix_ino = st->st_ino;
		buf_init(&b, sizeof(l->name) - 1);
		buf_printf(&b, "unix:%s", unix_path);
		memcpy(l->name, b.data, b.len + 1);
		buf_free(&b);
	} else {
		char peer[DAEMON_MAX_PEER];
		struct buf b;

		daemon_listen_peer((struct sockaddr *)&ss, len, peer,
		    sizeof(peer));
		buf_init(&b, sizeof(l->name) - 1);
		buf_printf(&b, "inet:%s", peer);
		memcpy(l->name, b.data, b.len + 1);
		buf_free(&b);
	}
	l->lev = evconnlistener_new(d->base, daemon_listen_accept, l,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 0, fd);
	if (l->lev == NULL)
		msg_fatal(EX_OSERR, "%s: cannot listen", l->name);
	evconnlistener_set_error_cb(l->lev, daemon_listen_error);
	l->next = d->listeners;
	d->listeners = l;
	msg_info("listening on %s%s", l->name, l->kind == DAEMON_L_SOCKETMAP ?
	    " (socketmap)" : l->kind == DAEMON_L_MILTER ? " (milter)" : "");
}

/* daemon_listen_dir - the directory part of a socket path into dir */
static int
daemon_listen_dir(const char *path, char *dir, size_t size)
{
	const char *slash = strrchr(path, '/');
	size_t len;

	if (slash == NULL) {
		memcpy(dir, ".", 2);
		return 0;
	}
	len = slash == path ? 1 : (size_t)(slash - path);
	if (len >= size)
		return -1;
	memcpy(dir, path, len);
	dir[len] = 0;
	return 0;
}

/* daemon_listen_dir_check - the socket is 0666 as Postfix's own in
 * private/ are: warn when its directory does not keep others out */
static void
daemon_listen_dir_check(const char *path)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct stat st;

	if (daemon_listen_dir(path, dir, sizeof(dir)) < 0)
		return;
	if (stat(dir, &st) == 0 && (st.st_mode & S_IXOTH))
		msg_warn("listen unix:%s: every local user may connect (%s "
		    "is open to others; use a directory such as Postfix's "
		    "private/)", path, dir);
}

/*
 * daemon_listen_lock - hold an flock(2) on the socket's directory from
 * the probe of an old socket until the new one listens, so that two
 * rmxfd starting at once cannot both find a stale socket and replace
 * each other's; -1 when the directory cannot be opened (nothing held)
 */
static int
daemon_listen_lock(const char *path)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct timespec pause = {0, DAEMON_LOCK_PAUSE_MS * 1000000L};
	int fd, i;

	if (daemon_listen_dir(path, dir, sizeof(dir)) < 0 ||
	    (fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	for (i = 0; flock(fd, LOCK_EX | LOCK_NB) < 0; i++) {
		if ((errno != EWOULDBLOCK && errno != EINTR) ||
		    i >= DAEMON_LOCK_TRIES)
			msg_fatal(EX_UNAVAILABLE, "listen unix:%s: cannot "
			    "lock %s: %s", path, dir, errno == EWOULDBLOCK ?
			    "another process holds it" : strerror(errno));
		(void)nanosleep(&pause, NULL);
	}
	return fd;
}

/*
 * daemon_listen_clear - make room for our socket at sun: remove a stale
 * socket (connect(2) refused: nobody accepts), refuse to start when a
 * process accepts there or when what is there cannot be told apart from
 * that; never remove anything but a socket
 */
static void
daemon_listen_clear(const struct sockaddr_un *sun, const char *path)
{
	struct stat st;
	int fd, r, err;

	if (lstat(path, &st) < 0)
		return;
	if (!S_ISSOCK(st.st_mode))
		msg_fatal(EX_CONFIG, "listen unix:%s: exists and is not a "
		    "socket", path);
	/* non-blocking: a full backlog is EAGAIN, not a hang */
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0)) < 0)
		msg_fatal(EX_OSERR, "socket: %s", strerror(errno));
	r = connect(fd, (const struct sockaddr *)sun, sizeof(*sun));
	err = errno;
	(void)close(fd);
	if (r == 0 || err == EAGAIN || err == EINPROGRESS)
		msg_fatal(EX_UNAVAILABLE, "listen unix:%s: another process "
		    "accepts connections there (is rmxfd running?): not "
		    "started", path);
	if (err == ENOENT)
		return;
	if (err != ECONNREFUSED)
		msg_fatal(EX_UNAVAILABLE, "listen unix:%s: cannot tell "
		    "whether another process serves it (connect: %s): left "
		    "alone, not started", path, strerror(err));
	if (unlink(path) < 0 && errno != ENOENT)
		msg_fatal(EX_OSERR, "listen unix:%s: cannot remove the stale "
		    "socket: %s", path, strerror(errno));
	msg_info("listen unix:%s: removed a stale socket (nobody accepted "
	    "on it)", path);
}

/* daemon_listen_unix - bind unix:PATH */
static void
daemon_listen_unix(struct daemon *d, const char *path)
{
	struct sockaddr_un sun;
	struct stat st;
	size_t len = strlen(path);
	int fd, lock;

	if (len == 0 || len > sizeof(sun.sun_path) - 1)
		msg_fatal(EX_CONFIG, "listen unix:%s: path empty or longer "
		    "than %zu bytes", path, sizeof(sun.sun_path) - 1);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, len);
	lock = daemon_listen_lock(path);
	daemon_listen_clear(&sun, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		msg_fatal(EX_OSERR, "socket: %s", strerror(errno));
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0)
		msg_fatal(errno == EADDRINUSE ? EX_UNAVAILABLE : EX_OSERR,
		    "listen unix:%s: bind: %s", path, strerror(errno));
	if (chmod(path, DAEMON_UNIX_MODE) < 0)
		msg_fatal(EX_OSERR, "listen unix:%s: chmod: %s", path,
		    strerror(errno));
	if (listen(fd, DAEMON_LISTEN_BACKLOG) < 0 || lstat(path, &st) < 0)
		msg_fatal(EX_OSERR, "listen unix:%s: %s", path,
		    strerror(errno));
	if (lock >= 0)
		(void)close(lock);
	daemon_listen_dir_check(path);
	evutil_make_socket_nonblocking(fd);
	daemon_listen_add(d, fd, path, &st);
}

/*
 * daemon_listen_bind - bind and listen on every address of HOST:PORT, at
 * most max; the descriptors (non-blocking, close-on-exec) in fds, their
 * number returned.  what names the parameter in the fatal messages.
 */
size_t
daemon_listen_bind(const char *what, const char *host, const char *port,
    int *fds, size_t max)
{
	struct addrinfo hints, *res = NULL, *ai;
	int fd, on = 1, r;
	size_t n = 0;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((r = getaddrinfo(*host ? host : NULL, port, &hints, &res)) != 0)
		msg_fatal(EX_CONFIG, "%s inet:%s:%s: %s", what, host, port,
		    gai_strerror(r));
	for (ai = res; ai != NULL && n < max; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol);
		if (fd < 0)
			msg_fatal(EX_OSERR, "socket: %s", strerror(errno));
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
		if (ai->ai_family == AF_INET6)
			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on,
			    sizeof(on));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0)
			msg_fatal(errno == EADDRINUSE ? EX_UNAVAILABLE :
			    EX_OSERR, "%s inet:%s:%s: bind: %s%s", what, host,
			    port, strerror(errno), errno == EADDRINUSE ?
			    " (is rmxfd running?): not started" : "");
		if (listen(fd, DAEMON_LISTEN_BACKLOG) < 0)
			msg_fatal(EX_OSERR, "%s inet:%s:%s: %s", what, host,
			    port, strerror(errno));
		evutil_make_socket_nonblocking(fd);
		fds[n++] = fd;
	}
	freeaddrinfo(res);
	return n;
}

/* daemon_listen_inet - accept on every address of inet:HOST:PORT */
static void
daemon_listen_inet(struct daemon *d, const char *host, const char *port)
{
	int fds[DAEMON_MAX_ADDRS];
	size_t n, i;

	n = daemon_listen_bind("listen", host, port, fds, DAEMON_MAX_ADDRS);
	for (i = 0; i < n; i++)
		daemon_listen_add(d, fds[i], NULL, NULL);
}

/* daemon_listen_spec - bind one "unix:PATH" or "inet:HOST:PORT" */
static void
daemon_listen_spec(struct daemon *d, const char *spec)
{
	char host[DAEMON_MAX_ARG + 1];
	const char *hp, *colon;
	size_t hlen;
	char *end;
	long port;

	if (strncmp(spec, "unix:", 5) == 0) {
		daemon_listen_unix(d, spec + 5);
		return;
	}
	if (strncmp(spec, "inet:", 5) != 0 ||
	    (colon = strrchr(spec + 5, ':')) == NULL)
		msg_fatal(EX_USAGE, "listen %s: want unix:PATH or "
		    "inet:HOST:PORT", spec);
	hp = spec + 5;
	hlen = (size_t)(colon - hp);
	if (hlen >= 2 && hp[0] == '[' && hp[hlen - 1] == ']') {
		hp++;
		hlen -= 2;
	}
	if (hlen > DAEMON_MAX_ARG)
		msg_fatal(EX_USAGE, "listen %s: host too long", spec);
	memcpy(host, hp, hlen);
	host[hlen] = 0;
	errno = 0;
	port = strtol(colon + 1, &end, 10);
	if (colon[1] == 0 || *end != 0 || errno != 0 || port < 0 ||
	    port > 65535)
		msg_fatal(EX_USAGE, "listen %s: bad port", spec);
	daemon_listen_inet(d, host, colon + 1);
}

/*
 * daemon_listen_open_sm - bind socketmap_listen (also with --listen: the
 * command line names policy sockets only)
 */
static void
daemon_listen_open_sm(struct daemon *d)
{
	const struct conf_listens *cl = &d->env->conf->socketmap_listen;
	char port[16];
	struct buf b;
	size_t i;

	daemon_listen_kind = DAEMON_L_SOCKETMAP;
	for (i = 0; i < cl->n; i++) {
		if (cl->v[i].kind == CONF_LISTEN_UNIX) {
			daemon_listen_unix(d, cl->v[i].path);
			continue;
		}
		/* whoever reaches sign gets valid bounce tags, and
		 * srs_forward mints addresses our MX relays back out */
		if (strcmp(cl->v[i].host, "localhost") != 0 &&
		    strncmp(cl->v[i].host, "127.", 4) != 0 &&
		    strcmp(cl->v[i].host, "::1") != 0)
			msg_warn("socketmap_listen inet:%s:%u is not a "
			    "loopback address: anyone who reaches it can "
			    "sign addresses; use unix: or 127.0.0.1",
			    cl->v[i].host, cl->v[i].port);
		buf_init(&b, sizeof(port) - 1);
		buf_printf(&b, "%u", cl->v[i].port);
		memcpy(port, b.data, b.len + 1);
		buf_free(&b);
		daemon_listen_inet(d, cl->v[i].host, port);
	}
	daemon_listen_kind = DAEMON_L_POLICY;
}

/* daemon_listen_list - bind the sockets of a configuration list */
static void
daemon_listen_list(struct daemon *d, const struct conf_listens *cl)
{
	char port[16];
	struct buf b;
	size_t i;

	for (i = 0; i < cl->n; i++) {
		if (cl->v[i].kind == CONF_LISTEN_UNIX) {
			daemon_listen_unix(d, cl->v[i].path);
			continue;
		}
		buf_init(&b, sizeof(port) - 1);
		buf_printf(&b, "%u", cl->v[i].port);
		memcpy(port, b.data, b.len + 1);
		buf_free(&b);
		daemon_listen_inet(d, cl->v[i].host, port);
	}
}

/* daemon_listen_open - bind the command line's or the config's sockets:
 * --listen or --milter given, the command line names the policy and the
 * Milter sockets both; socketmap_listen is bound in any case */
void
daemon_listen_open(struct daemon *d)
{
	const struct conf *c = d->env->conf;
	size_t i;

	if (d->opts.nlisten > 0 || d->opts.nmilter > 0) {
		for (i = 0; i < d->opts.nlisten; i++)
			daemon_listen_spec(d, d->opts.listen[i]);
		daemon_listen_kind = DAEMON_L_MILTER;
		for (i = 0; i < d->opts.nmilter; i++)
			daemon_listen_spec(d, d->opts.milter[i]);
	} else {
		daemon_listen_list(d, &c->listen);
		daemon_listen_kind = DAEMON_L_MILTER;
		daemon_listen_list(d, &c->milter_listen);
	}
	daemon_listen_kind = DAEMON_L_POLICY;
	daemon_listen_open_sm(d);
	if (d->listeners == NULL)
		msg_fatal(EX_CONFIG, "nothing to listen on (listen =, "
		    "milter_listen = and socketmap_listen = are empty and no "
		    "--listen, --milter or --stdio)");
}

/* daemon_listen_names - the sockets of one kind (DAEMON_L_*) listened on,
 * as "inet:127.0.0.1:10023,unix:/path", or "none" */
void
daemon_listen_names(const struct daemon *d, int kind, struct buf *out)
{
	const struct daemon_listener *l;
	size_t mark = out->len;

	for (l = d->listeners; l != NULL; l = l->next)
		if (l->kind == kind)
			buf_printf(out, "%s%s", out->len > mark ? "," : "",
			    l->name);
	if (out->len == mark)
		buf_puts(out, "none");
}

/* daemon_listen_unlink - remove our unix socket, if it is still ours */
static void
daemon_listen_unlink(const struct daemon_listener *l)
{
	struct stat st;

	if (lstat(l->unix_path, &st) < 0) {
		if (errno != ENOENT)
			msg_warn("cannot remove %s: %s", l->unix_path,
			    strerror(errno));
		return;
	}
	if (st.st_dev != l->unix_dev || st.st_ino != l->unix_ino) {
		msg_info("%s is no longer the socket we bound: left in place",
		    l->unix_path);
		return;
	}
	if (unlink(l->unix_path) < 0 && errno != ENOENT)
		msg_warn("cannot remove %s: %s", l->unix_path,
		    strerror(errno));
}

/* daemon_listen_close - stop accepting; remove our unix sockets */
void
daemon_listen_close(struct daemon *d)
{
	struct daemon_listener *l, *next;

	for (l = d->listeners; l != NULL; l = next) {
		next = l->next;
		if (l->resume != NULL)
			event_free(l->resume);
		evconnlistener_free(l->lev);
		if (l->unix_path != NULL)
			daemon_listen_unlink(l);
		free(l->unix_path);
		free(l);
	}
	d->listeners = NULL;
}

/* daemon_priv_drop - become the configured user, after binding */
void
daemon_priv_drop(struct daemon *d)
{
	const struct conf *c = d->env->conf;
	const char *user = d->opts.user != NULL ? d->opts.user : c->user;
	struct passwd *pw;

	if (*user == 0) {
		if (geteuid() == 0)
			msg_warn("running as root: set user = in rmxf.conf "
			    "or --user to drop privileges");
		if (*c->chroot != 0)
			msg_warn("chroot = %s ignored without a user",
			    c->chroot);
		return;
	}
	if ((pw = getpwnam(user)) == NULL)
		msg_fatal(EX_NOUSER, "user %s: no such user", user);
	if (*c->chroot != 0) {
		if (chroot(c->chroot) < 0 || chdir("/") < 0)
			msg_fatal(EX_OSERR, "chroot %s: %s", c->chroot,
			    strerror(errno));
	}
	if (geteuid() == 0 && setgroups(1, &pw->pw_gid) < 0)
		msg_fatal(EX_OSERR, "setgroups: %s", strerror(errno));
	if (setgid(pw->pw_gid) < 0 || setuid(pw->pw_uid) < 0)
		msg_fatal(EX_OSERR, "cannot become user %s: %s", user,
		    strerror(errno));
	if (pw->pw_uid != 0 && (setuid(0) == 0 || geteuid() == 0))
		msg_fatal(EX_OSERR, "user %s: root privileges not dropped",
		    user);
}
