/*
 * NAME
 *	msg 3
 * SUMMARY
 *	diagnostics with severities
 * SYNOPSIS
 *	#include "msg.h"
 *
 *	void	msg_open(const char *progname, enum msg_sink sink,
 *			int facility);
 *	void	msg_info(const char *fmt, ...);
 *	void	msg_warn(const char *fmt, ...);
 *	void	msg_error(const char *fmt, ...);
 *	void	msg_fatal(int status, const char *fmt, ...);
 *	void	msg_panic(const char *fmt, ...);
 * DESCRIPTION
 *	One line per call, to stderr ("prog: warning: text") or to syslog
 *	with the matching priority, or nowhere (MSG_NONE: rmxfd --stdio,
 *	where stderr belongs to Postfix).  Only the front ends (daemon, cli,
 *	mda) call msg_info/warn/error/fatal; pure modules return a status and
 *	only msg_panic() on a broken invariant.
 *
 *	msg_fatal() exits with the given <sysexits.h> status; msg_panic()
 *	aborts: a bug, also in production.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <syslog.h>

#include "msg.h"

#define MSG_LINE_MAX	8192	/* longer lines are cut */

static const char *msg_prog = "rmxf";
static enum msg_sink msg_sink = MSG_STDERR;

/* msg_open - choose where lines go */
void
msg_open(const char *progname, enum msg_sink sink, int facility)
{
	msg_prog = progname;
	msg_sink = sink;
	if (sink == MSG_SYSLOG)
		openlog(progname, LOG_PID | LOG_NDELAY, facility);
}

/*
 * msg_vlog - emit one line: formatted whole first, so that it goes out in
 * one write(2) (stderr is unbuffered) and cannot interleave with another
 * process's; syslog keeps the "warning: " style prefix, as Postfix does,
 * so the usual grep finds it
 */
static void __attribute__((format(printf, 3, 0)))
msg_vlog(int pri, const char *level, const char *fmt, va_list ap)
{
	char line[MSG_LINE_MAX];
	size_t len = 0;
	int n;

	if (msg_sink == MSG_NONE)
		return;
	if (msg_sink == MSG_STDERR) {
		n = snprintf(line, sizeof(line) - 1, "%s: ", msg_prog);
		len = n < 0 ? 0 : (size_t)n < sizeof(line) - 1 ? (size_t)n :
		    sizeof(line) - 2;
	}
	n = snprintf(line + len, sizeof(line) - 1 - len, "%s", level);
	len += n < 0 ? 0 : (size_t)n < sizeof(line) - 1 - len ? (size_t)n :
	    sizeof(line) - 2 - len;
	n = vsnprintf(line + len, sizeof(line) - 1 - len, fmt, ap);
	len += n < 0 ? 0 : (size_t)n < sizeof(line) - 1 - len ? (size_t)n :
	    sizeof(line) - 2 - len;
	if (msg_sink == MSG_SYSLOG) {
		line[len] = 0;
		syslog(pri, "%s", line);
		return;
	}
	line[len++] = '\n';
	(void)fwrite(line, 1, len, stderr);
}

#define MSG_BODY(pri, level) do { \
		va_list ap; \
		va_start(ap, fmt); \
		msg_vlog(pri, level, fmt, ap); \
		va_end(ap); \
	} while (0)

/* msg_info - informational line */
void
msg_info(const char *fmt, ...)
{
	MSG_BODY(LOG_INFO, "");
}

/* msg_warn - something is off but work goes on */
void
msg_warn(const char *fmt, ...)
{
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
	if (msg_sink == MSG_NONE)
		msg_sink = MSG_SYSLOG;
	MSG_BODY(LOG_CRIT, "panic: ");
	abort();
}
