/*
 * NAME
 *	daemon_log 3
 * SUMMARY
 *	rmxfd's decision lines, one write(2) per turn of the loop on stderr
 * SYNOPSIS
 *	#include "daemon/daemon.h"
 *
 *	void	daemon_log_init(struct daemon *d);
 *	void	daemon_log_fini(struct daemon *d);
 *	void	daemon_log_decision(struct daemon *d, const char *line,
 *			double ms);
 * DESCRIPTION
 *	daemon_log_decision() logs one decision line at level info (none
 *	with log_level error or warning) with
 *	the time its request took appended ("... time_ms=3.1").  When the
 *	log goes to stderr (also while syslog is unreachable: msg(3)), the
 *	lines of one turn of the loop are queued and written together, in
 *	one write(2), at the end of the turn: a line costs no system call
 *	of its own.  Other messages are written at once, so they may come
 *	before decision lines of the same turn.  Syslog gets one message
 *	per line, and so does everything with --stdio (one connection,
 *	nothing to batch).
 *
 *	daemon_log_init() makes the queue and its event; daemon_log_fini()
 *	writes what is queued and frees them.
 * DIAGNOSTICS
 *	Lines that cannot be written to stderr are dropped.
 * SEE ALSO
 *	msg(3), daemon_req(3).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "daemon/daemon.h"
#include "util/buf.h"
#include "util/msg.h"
#include "util/xmalloc.h"

#define DAEMON_LOG_MS_MAX	24	/* "%.1f" of a time in ms, octets */
#define DAEMON_LOG_MS_LIMIT	1e15	/* ms written at most */

/* daemon_log_flush - write the queued decision lines to stderr */
static void
daemon_log_flush(struct daemon *d)
{
	size_t off = 0;
	ssize_t n;

	while (off < d->logq->len) {
		n = write(STDERR_FILENO, d->logq->data + off,
		    d->logq->len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;		/* nowhere to log to: drop the lines */
		off += (size_t)n;
	}
	buf_reset(d->logq);
}

/* daemon_log_flush_cb - the end of a turn of the loop */
static void
daemon_log_flush_cb(evutil_socket_t fd, short what, void *arg)
{
	daemon_log_flush(arg);
}

/* daemon_log_tenths - ms with one decimal, as "%.1f" (no printf: this
 * runs once per request); out has room for DAEMON_LOG_MS_MAX octets */
static size_t
daemon_log_tenths(char *out, double ms)
{
	unsigned long long t;
	char rev[DAEMON_LOG_MS_MAX];
	size_t n = 0, i;

	if (!(ms > 0))
		ms = 0;
	if (ms > DAEMON_LOG_MS_LIMIT)
		ms = DAEMON_LOG_MS_LIMIT;
	t = (unsigned long long)(ms * 10.0 + 0.5);
	rev[n++] = (char)('0' + t % 10);
	rev[n++] = '.';
	t /= 10;
	do {
		rev[n++] = (char)('0' + t % 10);
		t /= 10;
	} while (t > 0 && n < sizeof(rev));
	for (i = 0; i < n; i++)
		out[i] = rev[n - 1 - i];
	return n;
}

/* daemon_log_decision - one decision line, as msg_info() would write it */
void
daemon_log_decision(struct daemon *d, const char *line, double ms)
{
	char num[DAEMON_LOG_MS_MAX], pre[MSG_PREFIX_MAX];
	size_t mark, len, nlen, plen;

	if (!msg_enabled(MSG_L_INFO))
		return;			/* log_level error or warning */
	if (!d->log_batch ||
	    (plen = msg_stderr_prefix(pre, sizeof(pre))) == 0) {
		msg_info("%s time_ms=%.1f", line, ms);
		return;
	}
	if (d->logq->len > DAEMON_LOG_QUEUE - DAEMON_LOG_LINE_MAX)
		daemon_log_flush(d);
	mark = d->logq->len;
	if ((len = strlen(line)) > DAEMON_LOG_LINE_MAX - 64)
		len = DAEMON_LOG_LINE_MAX - 64;		/* as msg(3) cuts */
	nlen = daemon_log_tenths(num, ms);
	if (buf_append(d->logq, pre, plen) < 0 ||
	    buf_append(d->logq, line, len) < 0 ||
	    buf_puts(d->logq, " time_ms=") < 0 ||
	    buf_append(d->logq, num, nlen) < 0 ||
	    buf_putc(d->logq, '\n') < 0) {
		buf_truncate(d->logq, mark);
		msg_info("%s time_ms=%.1f", line, ms);
		return;
	}
	event_active(d->log_flush, EV_TIMEOUT, 0);
}

/* daemon_log_init - the queue and its event */
void
daemon_log_init(struct daemon *d)
{
	d->log_flush = event_new(d->base, -1, 0, daemon_log_flush_cb, d);
	if (d->log_flush == NULL)
		msg_fatal(1, "event_new: out of memory");
	d->log_batch = !d->opts.stdio;
	d->logq = xmalloc(sizeof(*d->logq));
	buf_init(d->logq, DAEMON_LOG_QUEUE);
}

/* daemon_log_fini - write the queued lines; free the queue */
void
daemon_log_fini(struct daemon *d)
{
	daemon_log_flush(d);
	buf_free(d->logq);
	free(d->logq);
	d->logq = NULL;
	event_free(d->log_flush);
	d->log_flush = NULL;
}
