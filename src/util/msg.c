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

/* msg_vlog - emit one line */
static void __attribute__((format(printf, 3, 0)))
msg_vlog(int pri, const char *level, const char *fmt, va_list ap)
{
	switch (msg_sink) {
	case MSG_STDERR:
		fprintf(stderr, "%s: %s", msg_prog, level);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
		break;
	case MSG_SYSLOG:
		vsyslog(pri, fmt, ap);
		break;
	case MSG_NONE:
		break;
	}
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
