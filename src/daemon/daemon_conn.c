/*
 * NAME
 *	daemon_conn 3
 * SUMMARY
 *	one Postfix policy connection: bytes in, requests, replies out
 * SYNOPSIS
 *	#include "daemon/daemon.h"
 *
 *	struct daemon_conn *daemon_conn_new(struct daemon *d, int in_fd,
 *			int out_fd, const char *peer);
 *	void	daemon_conn_stop_all(struct daemon *d);
 *	void	daemon_maybe_exit(struct daemon *d);
 * DESCRIPTION
 *	daemon_conn_new() serves a connection until it closes: a socket
 *	(in_fd == out_fd) or, for rmxfd --stdio, standard input and output.
 *	The connection takes ownership of the descriptors (stdio's are not
 *	closed).  Bytes go to an incremental policy(3) parser; each complete
 *	request runs through daemon_req(3) while reading pauses (Postfix
 *	waits for each reply), then its reply is written and the bytes that
 *	came after the request are parsed next: Postfix reuses a connection
 *	for many requests.  Each connection keeps the message its requests
 *	are about (check_message(3), by Postfix's instance attribute), so
 *	the recipients of one message share one evaluation, and whether a
 *	result header went out for it: the envelope tells the check, which
 *	adds the header to the first recipient's answer only.  A message
 *	that smtpd goes on with over a new connection (it sends a request
 *	again after a policy timeout or an I/O error) starts afresh there:
 *	it is evaluated again, and may get a second header when the first
 *	reached smtpd.
 *
 *	Bad input closes only its own connection, after one log line: a
 *	request the parser refuses (size limits, a line without '=',
 *	binary junk), a request that has not been completed within the
 *	stall timeout (stall_timeout, or request_timeout) of its first
 *	byte, or a peer that sends requests without reading the replies
 *	(more than DAEMON_MAX_OUT bytes unsent).  An idle connection
 *	between requests is left open; Postfix closes it (max_idle).
 *
 *	daemon_conn_stop_all() is SIGTERM: reading stops everywhere; idle
 *	connections close now, the others after the reply to the request
 *	in flight is written.  A request that was pipelined behind it,
 *	already read or not, is never started.  daemon_maybe_exit() ends
 *	the loop once stopping (or --stdio's input ended) and no
 *	connection is left.
 * DIAGNOSTICS
 *	One log line per closed bad connection: "connection from PEER:
 *	REASON: closed".  Read and write errors close the connection.
 * SEE ALSO
 *	Postfix SMTPD_POLICY_README, policy(3), daemon_req(3).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>

#include "daemon/daemon.h"
#include "policy/policy.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/msg.h"
#include "util/xmalloc.h"

#define DAEMON_REPLY_MAX	(POLICY_MAX_ACTION + 64)

struct daemon_conn {
	struct daemon_conn *prev, *next;
	struct daemon  *d;
	int		in_fd, out_fd;
	int		own_fds;	/* close them at the end */
	struct event   *rev, *wev, *stall;
	struct evbuffer *in, *out;
	struct policy_parser *parser;
	struct check_message *msg;	/* the message of the requests */
	unsigned	header_sent;	/* CHECK_HDR_* it has */
	struct daemon_req *req;		/* in flight */
	int		stall_armed;
	int		eof;		/* nothing more will come in */
	int		closing;	/* close once out is written */
	long		idle_since;	/* ms: connected, or last replied */
	unsigned long	nreq;
	char		peer[DAEMON_MAX_PEER];
};

static void daemon_conn_process(struct daemon_conn *);

/* daemon_maybe_exit - leave the loop when there is nothing left to do */
void
daemon_maybe_exit(struct daemon *d)
{
	if ((d->stopping || d->opts.stdio) && d->nconns == 0 &&
	    d->nmilters == 0)
		event_base_loopbreak(d->base);
}

/* daemon_conn_free - close and forget one connection */
static void
daemon_conn_free(struct daemon_conn *c)
{
	struct daemon *d = c->d;
	if (c->req != NULL) {
		daemon_req_cancel(c->req);
		c->req = NULL;
	}
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		d->conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	d->nconns--;
	event_free(c->rev);
	event_free(c->wev);
	event_free(c->stall);
	evbuffer_free(c->in);
	check_message_free(c->msg);
	evbuffer_free(c->out);
	policy_parser_free(c->parser);
	if (c->own_fds)
		close(c->in_fd);
	free(c);
	daemon_maybe_exit(d);
}

/* daemon_conn_bad - log one line about a bad connection and close it */
static void
daemon_conn_bad(struct daemon_conn *c, const char *why)
{
	c->d->metrics.errors[DAEMON_FE_POLICY]++;
	msg_warn("connection from %s: %s: closed", c->peer, why);
	daemon_conn_free(c);
}

/* daemon_conn_flush - write what we can; 0, or -1 when c was freed */
static int
daemon_conn_flush(struct daemon_conn *c)
{
	int n;

	while (evbuffer_get_length(c->out) > 0) {
		n = evbuffer_write(c->out, c->out_fd);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR) {
				event_add(c->wev, NULL);
				return 0;
			}
			msg_warn("connection from %s: write: %s: closed",
			    c->peer, strerror(errno));
			daemon_conn_free(c);
			return -1;
		}
	}
	event_del(c->wev);
	if (c->closing) {
		daemon_conn_free(c);
		return -1;
	}
	return 0;
}

/* daemon_conn_send - queue a reply; written at once when nothing waits
 * before it (no evbuffer chain is made for a reply that goes out whole) */
static void
daemon_conn_send(struct daemon_conn *c, const char *data, size_t len)
{
	ssize_t n = 0;

	if (evbuffer_get_length(c->out) == 0) {
		do
			n = write(c->out_fd, data, len);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			n = 0;	/* EAGAIN, or an error the flush reports */
	}
	if ((size_t)n < len)
		evbuffer_add(c->out, data + n, len - (size_t)n);
}

/* daemon_conn_write_cb - the peer can take more reply bytes */
static void
daemon_conn_write_cb(evutil_socket_t fd, short what, void *arg)
{
	daemon_conn_flush(arg);
}

/* daemon_conn_stall_ms - how long a request may take to arrive */
static long
daemon_conn_stall_ms(const struct daemon_conn *c)
{
	const struct conf *conf = c->d->env->conf;

	return (long)(conf->stall_timeout > 0 ? conf->stall_timeout :
	    conf->request_timeout);
}

/* daemon_conn_stall_cb - a request was not completed in time, or a new
 * connection said nothing */
static void
daemon_conn_stall_cb(evutil_socket_t fd, short what, void *arg)
{
	struct daemon_conn *c = arg;

	daemon_conn_bad(c, c->nreq == 0 && policy_parser_pending(c->parser)
	    == 0 && evbuffer_get_length(c->in) == 0 ? "no request within "
	    "the stall timeout of connecting" : "request incomplete after "
	    "the stall timeout");
}

/* daemon_conn_stall_arm - the stall timer from now */
static void
daemon_conn_stall_arm(struct daemon_conn *c)
{
	struct timeval tv;
	long ms = daemon_conn_stall_ms(c);

	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	event_add(c->stall, &tv);
	c->stall_armed = 1;
}


/* daemon_conn_reply - the action's reply line */
static void
daemon_conn_reply(struct daemon_conn *c, const char *action)
{
	char reply[DAEMON_REPLY_MAX];
	struct buf b;

	buf_init_store(&b, sizeof(reply) - 1, reply, sizeof(reply));
	if (action == NULL || policy_format_reply(&b, action) < 0) {
		msg_error("connection from %s: unusable action \"%.100s\": "
		    "answering DUNNO", c->peer, action ? action : "");
		buf_reset(&b);
		policy_format_reply(&b, "DUNNO");
	}
	daemon_conn_send(c, b.data, b.len);
	buf_free(&b);
}

/* daemon_conn_done - a request's decision: reply, then the next request */
static void
daemon_conn_done(void *arg, const struct check_decision *dec)
{
	struct daemon_conn *c = arg;

	c->req = NULL;
	c->nreq++;
	c->idle_since = clock_now_ms();
	c->header_sent |= dec->result_header;
	daemon_conn_reply(c, dec->action);
	policy_parser_reset(c->parser);
	if (c->d->stopping || (c->eof && evbuffer_get_length(c->in) == 0))
		c->closing = 1;
	if (daemon_conn_flush(c) < 0 || c->closing)
		return;		/* freed, or freed once the reply is out */
	if (evbuffer_get_length(c->out) > DAEMON_MAX_OUT) {
		daemon_conn_bad(c, "peer does not read its replies");
		return;
	}
	event_add(c->rev, NULL);
	daemon_conn_process(c);
}

/*
 * daemon_conn_feed - bytes to the parser; a complete request starts.
 * The bytes come from c->in (queued: what was used is drained) or fresh
 * from read(2) (what follows a complete request is queued in c->in).
 * 1: a request started; 0: the parser wants more; -1: c was freed.
 */
static int
daemon_conn_feed(struct daemon_conn *c, const char *p, size_t len,
    int queued)
{
	const struct policy_request *req;
	struct check_envelope in;
	enum policy_status st;
	size_t used = 0;

	st = policy_parser_feed(c->parser, p, len, &used);
	if (st == POLICY_NEED_MORE && used != len)
		msg_panic("daemon_conn_feed: parser left %zu of %zu bytes",
		    len - used, len);
	if (queued)
		evbuffer_drain(c->in, used);
	else if (st == POLICY_REQUEST && used < len)
		evbuffer_add(c->in, p + used, len - used);
	if (st == POLICY_ERROR) {
		daemon_conn_bad(c, policy_parser_error(c->parser));
		return -1;
	}
	if (st != POLICY_REQUEST)
		return 0;
	/* reading goes on (a pipelined request waits in c->in, bounded by
	 * DAEMON_MAX_IN): pausing and resuming the read event costs two
	 * system calls per request */
	event_del(c->stall);
	c->stall_armed = 0;
	c->d->metrics.requests[DAEMON_FE_POLICY]++;
	req = policy_parser_request(c->parser);
	check_envelope_policy(&in, req);
	if (check_message_begin(c->msg, req->instance, &in))
		c->header_sent = 0;
	in.header_sent = c->header_sent;
	c->req = daemon_req_start(c->d, c->msg, &in, daemon_conn_done, c);
	return 1;
}

/* daemon_conn_process - parse what has come in; start a request */
static void
daemon_conn_process(struct daemon_conn *c)
{
	unsigned char *p;
	size_t len;

	if (c->d->stopping) {
		/* SIGTERM: nothing new starts; the request in flight, if
		 * any, is answered, then the connection closes */
		if (c->req == NULL && !c->closing) {
			c->closing = 1;
			daemon_conn_flush(c);
		}
		return;
	}
	while (c->req == NULL && (len = evbuffer_get_length(c->in)) > 0) {
		if ((p = evbuffer_pullup(c->in, (ev_ssize_t)len)) == NULL)
			msg_fatal(1, "evbuffer_pullup: out of memory");
		if (daemon_conn_feed(c, (const char *)p, len, 1) != 0)
			return;		/* freed, or a request started */
	}
	if (policy_parser_pending(c->parser) > 0 && !c->stall_armed)
		daemon_conn_stall_arm(c);
	if (c->eof) {
		if (policy_parser_pending(c->parser) > 0)
			daemon_conn_bad(c, "connection closed in the middle "
			    "of a request");
		else if (c->req == NULL) {
			c->closing = 1;
			daemon_conn_flush(c);
		}
	}
}

/* daemon_conn_eof - nothing more comes in */
static void
daemon_conn_eof(struct daemon_conn *c)
{
	c->eof = 1;
	event_del(c->rev);
}

/* daemon_conn_read_cb - bytes (or the end) from the peer; read(2) into
 * a stack buffer: no FIONREAD, and no 16 KiB chain kept per connection */
static void
daemon_conn_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct daemon_conn *c = arg;
	char chunk[DAEMON_READ_CHUNK];
	ssize_t n;

	n = read(c->in_fd, chunk, sizeof(chunk));
	if (n > 0 && c->req == NULL && !c->d->stopping &&
	    evbuffer_get_length(c->in) == 0) {
		/* the common case: parse the bytes where they are; only
		 * what follows a complete request is queued */
		if (daemon_conn_feed(c, chunk, (size_t)n, 0) == 0)
			daemon_conn_process(c);	/* the stall timer */
		return;		/* else freed, or a request started */
	}
	if (n > 0) {
		evbuffer_add(c->in, chunk, (size_t)n);
		/* a peer that pipelines without waiting: stop reading until
		 * the request in flight is answered (daemon_conn_done) */
		if (c->req != NULL &&
		    evbuffer_get_length(c->in) > DAEMON_MAX_IN)
			event_del(c->rev);
	}
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		if (errno == ECONNRESET) {
			/* the peer left with bytes of ours unread */
			daemon_conn_eof(c);
			daemon_conn_process(c);
			return;
		}
		msg_warn("connection from %s: read: %s: closed", c->peer,
		    strerror(errno));
		daemon_conn_free(c);
		return;
	}
	if (n == 0)
		daemon_conn_eof(c);
	daemon_conn_process(c);
}

/* daemon_conn_new - serve one connection */
struct daemon_conn *
daemon_conn_new(struct daemon *d, int in_fd, int out_fd, const char *peer)
{
	struct daemon_conn *c;
	size_t len;

	c = xcalloc(1, sizeof(*c));
	c->d = d;
	c->in_fd = in_fd;
	c->out_fd = out_fd;
	c->own_fds = in_fd == out_fd;
	len = strlen(peer);
	if (len > sizeof(c->peer) - 1)
		len = sizeof(c->peer) - 1;
	memcpy(c->peer, peer, len);
	c->in = evbuffer_new();
	c->out = evbuffer_new();
	if (c->in == NULL || c->out == NULL)
		msg_fatal(1, "evbuffer_new: out of memory");
	c->rev = event_new(d->base, in_fd, EV_READ | EV_PERSIST,
	    daemon_conn_read_cb, c);
	c->wev = event_new(d->base, out_fd, EV_WRITE | EV_PERSIST,
	    daemon_conn_write_cb, c);
	c->stall = evtimer_new(d->base, daemon_conn_stall_cb, c);
	if (c->rev == NULL || c->wev == NULL || c->stall == NULL)
		msg_fatal(1, "event_new: out of memory");
	c->parser = policy_parser_new(NULL);
	c->msg = check_message_new();
	c->next = d->conns;
	if (d->conns != NULL)
		d->conns->prev = c;
	d->conns = c;
	d->nconns++;
	d->nserved++;
	msg_debug("connection from %s: %u open", c->peer, d->nconns);
	c->idle_since = clock_now_ms();
	event_add(c->rev, NULL);
	/* a socket's peer says something soon (smtpd sends its request as
	 * it connects), or leaves its place to others; --stdio is Postfix's
	 * own pipe */
	if (c->own_fds)
		daemon_conn_stall_arm(c);
	return c;
}

/*
 * daemon_evict_rank - which idle connection goes first when every place
 * is taken, the highest rank: 2 silent (no request ever) for
 * DAEMON_EVICT_YOUNG_MS or more, 1 one that has sent requests, 0 a
 * silent one younger than that
 */
int
daemon_evict_rank(unsigned long nreq, long idle_since, long now)
{
	if (nreq > 0)
		return 1;
	return now - idle_since >= DAEMON_EVICT_YOUNG_MS ? 2 : 0;
}

/*
 * daemon_conn_evict - max_connections reached: close the connection
 * that has waited longest without a request in flight, one that never
 * sent a request first, so that a new one (Postfix's, most likely) gets
 * its place.  Silent connections cost an attacker nothing to hold;
 * smtpd reconnects when its idle connection is gone.  A silent one
 * younger than DAEMON_EVICT_YOUNG_MS goes last: its request may be on
 * its way.  1: one closed.
 */
int
daemon_conn_evict(struct daemon *d)
{
	struct daemon_conn *c, *best = NULL;
	long now = clock_now_ms();
	int best_rank = 0, rank;

	for (c = d->conns; c != NULL; c = c->next) {
		if (c->req != NULL || c->closing ||
		    evbuffer_get_length(c->out) > 0 ||
		    policy_parser_pending(c->parser) > 0 ||
		    evbuffer_get_length(c->in) > 0)
			continue;	/* busy, or a request on its way */
		rank = daemon_evict_rank(c->nreq, c->idle_since, now);
		if (best == NULL || rank > best_rank || (rank == best_rank &&
		    c->idle_since < best->idle_since)) {
			best = c;
			best_rank = rank;
		}
	}
	if (best == NULL)
		return 0;
	d->nevicted++;
	daemon_conn_free(best);
	return 1;
}

/* daemon_conn_stop_all - SIGTERM: idle connections go now, busy ones later */
void
daemon_conn_stop_all(struct daemon *d)
{
	struct daemon_conn *c, *next;

	for (c = d->conns; c != NULL; c = next) {
		next = c->next;
		/* read no more: bytes already in or still to come are
		 * requests that will not be started */
		event_del(c->rev);
		event_del(c->stall);
		c->stall_armed = 0;
		if (c->req != NULL || evbuffer_get_length(c->out) > 0) {
			c->closing = 1;	/* after the reply (daemon_conn_done) */
			continue;
		}
		if (policy_parser_pending(c->parser) > 0)
			msg_warn("connection from %s: shutting down in the "
			    "middle of a request: closed", c->peer);
		daemon_conn_free(c);
	}
	daemon_maybe_exit(d);
}
