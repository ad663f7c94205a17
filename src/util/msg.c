/*
 * NAME
 *	msg 3
 * SUMMARY
 *	diagnostics with severities
 * SYNOPSIS
 *	#include "msg.h"
 *
 *	void	msg_open(const char *progname, enum msg_sink sink,
 *			int facility, int flags);
 *	size_t	msg_stderr_prefix(char *out, size_t size);
 *	void	msg_level(enum msg_level level);
 *	int	msg_enabled(enum msg_level level);
 *	void	msg_debug(const char *fmt, ...);
 *	void	msg_info(const char *fmt, ...);
 *	void	msg_warn(const char *fmt, ...);
 *	void	msg_error(const char *fmt, ...);
 *	void	msg_fatal(int status, const char *fmt, ...);
 *	void	msg_panic(const char *fmt, ...);
 * DESCRIPTION
 *	One entry per call, to stderr ("prog: warning: text") or to syslog
 *	with the matching priority (and the same "warning: " style prefix,
 *	as Postfix logs, so the usual grep finds it).  Only the front ends
 *	(daemon, cli, mda) call msg_info/warn/error/fatal; pure modules
 *	return a status and only msg_panic() on a broken invariant.
 *
 *	An entry is one line whatever the text holds: a run of line breaks
 *	inside it becomes "; " (one at the end goes), any other control
 *	character '?'; a text longer than MSG_LINE_MAX is cut.
 *
 *	msg_open() chooses where entries go.  With MSG_STAMP, a stderr line
 *	starts with the time, UTC to the millisecond, and the process id
 *	("2026-12-07T00:31:52.123Z rmxfd[123]: text"), unless stderr is
 *	the systemd journal (JOURNAL_STREAM holds the device and inode
 *	numbers of stderr), which records both itself.
 *
 *	MSG_SYSLOG sends each entry as one RFC 3164 message ("<PRI>Mmm dd
 *	hh:mm:ss prog[pid]: text", local time) to the socket /dev/log
 *	(datagram, or stream when the daemon listens so), connected in
 *	msg_open(), before a chroot, as openlog(3) with LOG_PID |
 *	LOG_NDELAY would.  When the socket cannot be reached (no syslog
 *	daemon, as in most containers; or a send fails twice, the second
 *	time over a new connection), stderr gets one line that says so
 *	("warning: syslog unreachable (/dev/log: ...): logging to
 *	stderr") and entries go to stderr instead; with MSG_NO_STDERR
 *	(rmxfd --stdio, whose stderr is Postfix's) nowhere.  A new
 *	connection is tried at most once every MSG_RETRY_MS, when an
 *	entry comes: meanwhile an entry costs no system call for syslog.
 *	Once one succeeds, syslog gets one entry saying what was missed
 *	("warning: syslog was unreachable (...): 12 line(s) logged to
 *	stderr", or "dropped") and stderr one that syslog is back.
 *
 *	msg_stderr_prefix() serves a caller that queues entries and writes
 *	them to stderr itself: when entries go to stderr now (also while
 *	syslog is unreachable) it puts the start of a line ("prog: ", or
 *	with MSG_STAMP the time and "prog[pid]: ") in out, which has
 *	size MSG_PREFIX_MAX or more, and returns its length; when they go
 *	to syslog or nowhere, 0, and the caller logs with msg_info().  The
 *	caller's text must be one line already.
 *
 *	msg_level() sets the least severe entries written: MSG_L_ERROR
 *	(errors only), MSG_L_WARN, MSG_L_INFO (the default) or MSG_L_DEBUG
 *	(msg_debug() too, "debug: text" at LOG_DEBUG).  Fatal and panic
 *	entries are always written.  msg_enabled() says whether entries of
 *	a level are written now, for a caller that builds costly text or
 *	writes entries itself.
 *
 *	msg_fatal() exits with the given <sysexits.h> status; msg_panic()
 *	aborts: a bug, also in production.
 * DIAGNOSTICS
 *	None: an entry that cannot be written is dropped.
 * SEE ALSO
 *	syslog(3), RFC 3164 section 4.1, systemd.exec(5) (JOURNAL_STREAM).
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "msg.h"

#define MSG_LINE_MAX	8192	/* longer lines are cut */
#define MSG_SYSLOG_PATH	"/dev/log"	/* the syslog socket */
#define MSG_RETRY_MS	1000	/* syslog unreachable: retry at most */
#define MSG_TAG_MAX	64	/* "prog[pid]: " with NUL */
#define MSG_DATE_MAX	32	/* a formatted date with NUL */
#define MSG_HEAD_MAX	(MSG_TAG_MAX + MSG_DATE_MAX + 8)	/* <PRI> */
#define MSG_NOTE_MAX	256	/* msg(3)'s own notices */
#define MSG_DROP	(-1)	/* msg_dest(): nowhere */

_Static_assert(MSG_PREFIX_MAX >= MSG_DATE_MAX + MSG_TAG_MAX,
    "room for a stamp and a tag");

static struct msg_state {
	int	sink;		/* enum msg_sink */
	int	facility;	/* syslog facility */
	int	flags;		/* MSG_STAMP, MSG_NO_STDERR */
	int	stamp;		/* stderr lines carry time and pid */
	char	plain[MSG_TAG_MAX];	/* "prog: " */
	char	tag[MSG_TAG_MAX];	/* "prog[pid]: " */
	int	fd;		/* the syslog socket, or -1 */
	int	stream;		/* ... SOCK_STREAM: messages end in NUL */
	int	down;		/* syslog unreachable */
	int	down_err;	/* ... why (an errno) */
	long long retry_ms;	/* ... next try, monotonic ms */
	unsigned long missed;	/* ... entries that went elsewhere */
	int	level;		/* enum msg_level: least severe written */
}	msg_st = {
	MSG_STDERR, LOG_USER, 0, 0, "rmxf: ", "rmxf: ", -1, 0, 0, 0, 0, 0,
	MSG_L_INFO,
};

/* msg_now_ms - the monotonic clock in ms (vDSO: no system call) */
static long long
msg_now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* msg_journal - is stderr the journal's stream (JOURNAL_STREAM=DEV:INO)? */
static int
msg_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;
	char *end;

	if (js == NULL || fstat(STDERR_FILENO, &st) < 0)
		return 0;
	errno = 0;
	dev = strtoull(js, &end, 10);
	if (end == js || *end != ':' || errno != 0)
		return 0;
	js = end + 1;
	ino = strtoull(js, &end, 10);
	if (end == js || *end != 0 || errno != 0)
		return 0;
	return dev == (unsigned long long)st.st_dev &&
	    ino == (unsigned long long)st.st_ino;
}

/* msg_stamp - "2026-12-07T00:31:52.123Z " in out, its length; the date
 * and time of day are formatted once a second */
static size_t
msg_stamp(char *out)
{
	static time_t sec = (time_t)-1;
	static char date[MSG_DATE_MAX];
	static size_t dlen;
	struct timespec ts;
	struct tm tm;
	long ms;

	(void)clock_gettime(CLOCK_REALTIME, &ts);
	if (ts.tv_sec != sec) {
		sec = ts.tv_sec;
		if (gmtime_r(&ts.tv_sec, &tm) == NULL ||
		    (dlen = strftime(date, sizeof(date) - 5,
		    "%Y-%m-%dT%H:%M:%S.", &tm)) == 0)
			dlen = 0;
	}
	memcpy(out, date, dlen);
	ms = ts.tv_nsec / 1000000;
	out[dlen] = (char)('0' + ms / 100);
	out[dlen + 1] = (char)('0' + ms / 10 % 10);
	out[dlen + 2] = (char)('0' + ms % 10);
	out[dlen + 3] = 'Z';
	out[dlen + 4] = ' ';
	return dlen + 5;
}

/* msg_prefix - the start of a stderr line in out (MSG_PREFIX_MAX), its
 * length */
static size_t
msg_prefix(char *out)
{
	const char *tag = msg_st.stamp ? msg_st.tag : msg_st.plain;
	size_t len = msg_st.stamp ? msg_stamp(out) : 0;
	size_t n = strlen(tag);

	memcpy(out + len, tag, n + 1);
	return len + n;
}

/* msg_stderr - one line, prefix and text, in one writev(2) */
static void
msg_stderr(const char *text, size_t len)
{
	char pre[MSG_PREFIX_MAX];
	struct iovec iov[3];

	iov[0].iov_base = pre;
	iov[0].iov_len = msg_prefix(pre);
	iov[1].iov_base = (void *)text;
	iov[1].iov_len = len;
	iov[2].iov_base = (void *)"\n";
	iov[2].iov_len = 1;
	if (writev(STDERR_FILENO, iov, 3) < 0)
		return;		/* no stderr to say so on */
}

/* msg_clean - level and text as one line in out (size > 2): a run of
 * line breaks inside becomes "; ", one at the end goes, any other
 * control character becomes '?'; the length */
static size_t
msg_clean(char *out, size_t size, const char *level, const char *text)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t len = 0;

	while (*level != 0 && len < size - 1)
		out[len++] = *level++;
	for (; *s != 0 && len < size - 1; s++) {
		if (*s == '\n' || *s == '\r') {
			while (s[1] == '\n' || s[1] == '\r')
				s++;
			if (s[1] != 0 && len < size - 2) {
				out[len++] = ';';
				out[len++] = ' ';
			}
		} else if (*s < 0x20 || *s == 0x7f) {
			out[len++] = '?';
		} else {
			out[len++] = (char)*s;
		}
	}
	out[len] = 0;
	return len;
}

/* msg_syslog_close - drop the connection to syslog */
static void
msg_syslog_close(void)
{
	if (msg_st.fd >= 0)
		(void)close(msg_st.fd);
	msg_st.fd = -1;
}

/* msg_syslog_connect - connect to the syslog daemon, as a datagram
 * socket or, when it listens so, a stream; 0, or -1 with errno */
static int
msg_syslog_connect(void)
{
	static const int types[] = {SOCK_DGRAM, SOCK_STREAM};
	struct sockaddr_un addr;
	size_t i;
	int fd, err = 0;

	msg_syslog_close();
	memset(&addr, 0, sizeof(addr));
	addr.sun_family = AF_UNIX;
	memcpy(addr.sun_path, MSG_SYSLOG_PATH, sizeof(MSG_SYSLOG_PATH));
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if ((fd = socket(AF_UNIX, types[i] | SOCK_CLOEXEC, 0)) < 0)
			return -1;
		if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0) {
			msg_st.fd = fd;
			msg_st.stream = types[i] == SOCK_STREAM;
			return 0;
		}
		err = errno;
		(void)close(fd);
		if (err != EPROTOTYPE)
			break;
	}
	errno = err;
	return -1;
}

/* msg_syslog_send - one message over the connection; 0, or -1 */
static int
msg_syslog_send(int pri, const char *text, size_t len)
{
	static time_t sec = (time_t)-1;
	static char date[MSG_DATE_MAX];
	char head[MSG_HEAD_MAX];
	struct iovec iov[3];
	struct msghdr mh;
	time_t now = time(NULL);
	struct tm tm;
	size_t hlen;
	ssize_t n;
	int r;

	if (now != sec) {			/* RFC 3164 4.1.2 TIMESTAMP */
		sec = now;
		if (localtime_r(&now, &tm) == NULL || strftime(date,
		    sizeof(date), "%b %e %H:%M:%S ", &tm) == 0)
			date[0] = 0;
	}
	r = snprintf(head, sizeof(head), "<%d>%s%s", (pri & LOG_PRIMASK) |
	    msg_st.facility, date, msg_st.tag);
	hlen = r < 0 ? 0 : (size_t)r < sizeof(head) ? (size_t)r :
	    sizeof(head) - 1;
	iov[0].iov_base = head;
	iov[0].iov_len = hlen;
	iov[1].iov_base = (void *)text;
	iov[1].iov_len = len;
	iov[2].iov_base = (void *)"";
	iov[2].iov_len = msg_st.stream ? 1 : 0;
	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = iov;
	mh.msg_iovlen = 3;
	do
		n = sendmsg(msg_st.fd, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n >= 0 && (size_t)n != hlen + len + iov[2].iov_len)
		errno = EMSGSIZE;	/* a stream cut short */
	return (size_t)n == hlen + len + iov[2].iov_len ? 0 : -1;
}

/* msg_syslog_down - syslog is unreachable: say so once (on stderr, if
 * it may be used), try again no earlier than MSG_RETRY_MS from now */
static void
msg_syslog_down(int err)
{
	char note[MSG_NOTE_MAX];
	int n;

	msg_syslog_close();
	msg_st.retry_ms = msg_now_ms() + MSG_RETRY_MS;
	if (msg_st.down)
		return;
	msg_st.down = 1;
	msg_st.down_err = err;
	msg_st.missed = 0;
	if (msg_st.flags & MSG_NO_STDERR)
		return;
	n = snprintf(note, sizeof(note), "warning: syslog unreachable "
	    "(%s: %s): logging to stderr", MSG_SYSLOG_PATH, strerror(err));
	if (n > 0)
		msg_stderr(note, (size_t)n < sizeof(note) ? (size_t)n :
		    sizeof(note) - 1);
}

/* msg_syslog_up - syslog is back: say what it missed */
static void
msg_syslog_up(void)
{
	char note[MSG_NOTE_MAX];
	int n;

	msg_st.down = 0;
	n = snprintf(note, sizeof(note), "warning: syslog was unreachable "
	    "(%s: %s): %lu line(s) %s", MSG_SYSLOG_PATH,
	    strerror(msg_st.down_err), msg_st.missed,
	    msg_st.flags & MSG_NO_STDERR ? "dropped" : "logged to stderr");
	if (n > 0)
		(void)msg_syslog_send(LOG_WARNING, note, (size_t)n <
		    sizeof(note) ? (size_t)n : sizeof(note) - 1);
	if (!(msg_st.flags & MSG_NO_STDERR))
		msg_stderr("syslog reachable again: logging to syslog",
		    sizeof("syslog reachable again: logging to syslog") - 1);
}

/* msg_dest - where an entry goes now: MSG_SYSLOG (connected, or
 * reconnected when a retry is due), MSG_STDERR, or MSG_DROP */
static int
msg_dest(void)
{
	if (msg_st.sink == MSG_STDERR)
		return MSG_STDERR;
	if (msg_st.fd < 0 && msg_st.down && msg_now_ms() < msg_st.retry_ms)
		return msg_st.flags & MSG_NO_STDERR ? MSG_DROP : MSG_STDERR;
	if (msg_st.fd < 0 && msg_syslog_connect() < 0) {
		msg_syslog_down(errno);
		return msg_st.flags & MSG_NO_STDERR ? MSG_DROP : MSG_STDERR;
	}
	if (msg_st.down)
		msg_syslog_up();
	return MSG_SYSLOG;
}

/* msg_syslog - one entry to syslog; a failed send is tried once more
 * over a new connection (the daemon may have restarted); 0, or -1 when
 * syslog is unreachable */
static int
msg_syslog(int pri, const char *text, size_t len)
{
	if (msg_syslog_send(pri, text, len) == 0)
		return 0;
	if (msg_syslog_connect() == 0 && msg_syslog_send(pri, text, len) == 0)
		return 0;
	msg_syslog_down(errno);
	return -1;
}

/* msg_open - choose where entries go */
void
msg_open(const char *progname, enum msg_sink sink, int facility, int flags)
{
	msg_st.sink = sink;
	msg_st.facility = facility & LOG_FACMASK;
	msg_st.flags = flags;
	msg_st.stamp = (flags & MSG_STAMP) != 0 && !msg_journal();
	(void)snprintf(msg_st.plain, sizeof(msg_st.plain), "%s: ", progname);
	(void)snprintf(msg_st.tag, sizeof(msg_st.tag), "%s[%ld]: ", progname,
	    (long)getpid());
	if (sink != MSG_SYSLOG) {
		msg_syslog_close();
		msg_st.down = 0;
		return;
	}
	tzset();		/* before a chroot hides the zone file */
	if (msg_st.fd < 0 && !msg_st.down && msg_syslog_connect() < 0)
		msg_syslog_down(errno);
}

/* msg_stderr_prefix - the start of a stderr line when entries go to
 * stderr now; 0 when they go to syslog or nowhere */
size_t
msg_stderr_prefix(char *out, size_t size)
{
	if (size < MSG_PREFIX_MAX || msg_dest() != MSG_STDERR)
		return 0;
	if (msg_st.sink == MSG_SYSLOG)
		msg_st.missed++;
	return msg_prefix(out);
}

/* msg_vlog - one entry: formatted whole first, so that it goes out in
 * one system call and cannot interleave with another process's */
static void __attribute__((format(printf, 3, 0)))
msg_vlog(int pri, const char *level, const char *fmt, va_list ap)
{
	char text[MSG_LINE_MAX], line[MSG_LINE_MAX];
	int dest = msg_dest();
	size_t len;

	if (dest != msg_st.sink)
		msg_st.missed++;
	if (dest == MSG_DROP)
		return;
	if (vsnprintf(text, sizeof(text), fmt, ap) < 0)
		text[0] = 0;
	len = msg_clean(line, sizeof(line), level, text);
	if (dest == MSG_SYSLOG) {
		if (msg_syslog(pri, line, len) == 0)
			return;
		msg_st.missed++;
		if (msg_st.flags & MSG_NO_STDERR)
			return;
	}
	msg_stderr(line, len);
}

#define MSG_BODY(pri, level) do { \
		va_list ap; \
		va_start(ap, fmt); \
		msg_vlog(pri, level, fmt, ap); \
		va_end(ap); \
	} while (0)

/* msg_level - the least severe entries written from now on */
void
msg_level(enum msg_level level)
{
	msg_st.level = (int)level;
}

/* msg_enabled - are entries of this level written now? */
int
msg_enabled(enum msg_level level)
{
	return (int)level <= msg_st.level;
}

/* msg_debug - detail for finding a problem; off unless MSG_L_DEBUG */
void
msg_debug(const char *fmt, ...)
{
	if (msg_st.level < MSG_L_DEBUG)
		return;
	MSG_BODY(LOG_DEBUG, "debug: ");
}

/* msg_info - informational line */
void
msg_info(const char *fmt, ...)
{
	if (msg_st.level < MSG_L_INFO)
		return;
	MSG_BODY(LOG_INFO, "");
}

/* msg_warn - something is off but work goes on */
void
msg_warn(const char *fmt, ...)
{
	if (msg_st.level < MSG_L_WARN)
		return;
	MSG_BODY(LOG_WARNING, "warning: ");
}

/* msg_error - an operation failed */
void
msg_error(const char *fmt, ...)
{
	MSG_BODY(LOG_ERR, "error: ");
}

/* msg_fatal - unusable environment: report and exit */
void
msg_fatal(int status, const char *fmt, ...)
{
	MSG_BODY(LOG_CRIT, "fatal: ");
	exit(status);
}

/* msg_panic - broken invariant: report and abort */
void
msg_panic(const char *fmt, ...)
{
	MSG_BODY(LOG_CRIT, "panic: ");
	abort();
}
