/*
 * NAME
 *	bench_policy 1
 * SUMMARY
 *	Postfix policy protocol load generator for rmxfd and its peers
 * SYNOPSIS
 *	bench_policy -s SOCKET -c CONNS [-t SECONDS] [-l LABEL] [-p PID]
 *	bench_policy -s SOCKET -i CONNS -p PID [-l LABEL]
 *	bench_policy -s SOCKET -e NAME:LOOKUPS:ROUNDS -n COUNT -D MS
 * DESCRIPTION
 *	SOCKET is unix:PATH or inet:IPV4:PORT.  Every request is the one
 *	Postfix 3.7 smtpd sends at RCPT TO (request=smtpd_access_policy,
 *	protocol_state=RCPT, client_address, helo_name, sender, recipient,
 *	instance, queue_id, ... and the empty line); each has an instance
 *	of its own.
 *
 *	-c: load.  CONNS connections, each sending one request, waiting for
 *	the whole answer (up to the empty line), then sending the next, as
 *	smtpd does, for SECONDS (5 by default) after a warm-up round of one
 *	request per connection.  Senders and client addresses turn through
 *	BENCH_POL_SENDERS (domains that pass, fail, softfail, have no
 *	record, or pass through an include).  One thread, epoll(7); each
 *	request is written at once and built without printf(3), so the
 *	client costs the server's machine little.  Prints
 *	one line: label, connections, requests, requests per second,
 *	latency p50, p99 and max in milliseconds, the answers that were
 *	not an action (errors), the CPU time this client used (user and
 *	system, in percent of one CPU over the run) and, with -p, the CPU
 *	time process PID used (from /proc/PID/stat).
 *
 *	-i: prints VmHWM and VmRSS of process PID (from /proc/PID/status);
 *	opens CONNS connections and prints them again; sends one request on
 *	each, BENCH_POL_IDLE_BATCH connections at a time, and prints them;
 *	sends one more on each, all at once, and prints them; then closes
 *	the connections.  Between requests the connections are idle.
 *
 *	-e: cold evaluations.  COUNT requests, one after the other on one
 *	connection, with senders postmaster@NAME-1.cold.example.com to
 *	NAME-COUNT (names that nothing asked for before); prints NAME,
 *	LOOKUPS, ROUNDS, the time expected from ROUNDS round trips of MS
 *	milliseconds, and the mean, min and max measured.
 *
 *	Benchmarks print figures: the exit status says whether the
 *	benchmark could run, not how fast anything was.
 * DIAGNOSTICS
 *	Exit 0 when it ran, 1 when a connection failed or closed, 64 for
 *	bad arguments.  Messages on stderr.
 * SEE ALSO
 *	bench/policy/run.sh, mk/bench-policy.mk, doc/benchmarks.md,
 *	bench/zones/policy.zone.
 */
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/msg.h"
#include "util/xmalloc.h"
#include "benchlib.h"

#define BENCH_POL_MAX_CONNS	4096	/* -c, -i */
#define BENCH_POL_MAX_SECONDS	600	/* -t */
#define BENCH_POL_MAX_COUNT	10000	/* -n */
#define BENCH_POL_REQ_MAX	4096	/* one request's text */
#define BENCH_POL_REPLY_MAX	4096	/* one answer's text */
#define BENCH_POL_READ		2048	/* read(2) at a time */
#define BENCH_POL_POLL_MS	100	/* poll(2), epoll_wait(2) timeout */
#define BENCH_POL_EVENTS	256	/* epoll_wait(2) events at a time */
#define BENCH_POL_IO_MS		30000	/* no answer at all: give up */
#define BENCH_POL_DEF_SECONDS	5
#define BENCH_POL_IDLE_BATCH	16	/* -i: requests in flight at once */

/* One sender domain of the load mix and the client it is tried from. */
struct bench_pol_sender {
	const char     *sender;
	const char     *client;
};

static const struct bench_pol_sender bench_pol_senders[] = {
	{"alice@pass.example.com", "192.0.2.10"},	/* pass */
	{"bob@fail.example.com", "192.0.2.10"},		/* fail */
	{"carol@soft.example.com", "192.0.2.10"},	/* softfail */
	{"dave@none.example.com", "192.0.2.10"},	/* none */
	{"erin@big.example.com", "198.51.100.77"},	/* pass, include */
	{"frank@pass.example.com", "203.0.113.5"},	/* fail */
};

#define BENCH_POL_SENDERS \
	(sizeof(bench_pol_senders) / sizeof(bench_pol_senders[0]))

/* One client connection. */
struct bench_pol_conn {
	int		fd;
	struct buf	out;		/* request being sent */
	size_t		off;		/* octets of out sent */
	struct buf	in;		/* answer being read */
	double		start;		/* when the request was written */
	int		busy;		/* a request is outstanding */
	int		want_out;	/* EPOLLOUT is asked for */
};

/* Latencies, in seconds. */
struct bench_pol_lat {
	double	       *v;
	size_t		n;
	size_t		cap;
};

static unsigned long bench_pol_serial;	/* request numbers */

/* bench_pol_connect - a blocking connection to SPEC; -1 on error */
static int
bench_pol_connect(const char *spec)
{
	struct sockaddr_un sun;
	struct sockaddr_in sin;
	char host[INET_ADDRSTRLEN];
	const char *colon;
	size_t len;
	int fd = -1, one = 1;

	if (strncmp(spec, "unix:", 5) == 0) {
		memset(&sun, 0, sizeof(sun));
		sun.sun_family = AF_UNIX;
		len = strlen(spec + 5);
		if (len >= sizeof(sun.sun_path))
			msg_fatal(EX_USAGE, "%s: path too long", spec);
		memcpy(sun.sun_path, spec + 5, len + 1);
		if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0)
			goto fail;
		if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0)
			goto fail;
		return fd;
	}
	if (strncmp(spec, "inet:", 5) != 0 ||
	    (colon = strrchr(spec + 5, ':')) == NULL)
		msg_fatal(EX_USAGE, "%s: not unix:PATH or inet:IPV4:PORT",
		    spec);
	len = (size_t)(colon - (spec + 5));
	if (len >= sizeof(host))
		msg_fatal(EX_USAGE, "%s: bad address", spec);
	memcpy(host, spec + 5, len);
	host[len] = 0;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)bench_number("s", colon + 1, 1,
	    65535));
	if (inet_pton(AF_INET, host, &sin.sin_addr) != 1)
		msg_fatal(EX_USAGE, "%s: bad address", spec);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		goto fail;
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		goto fail;
	return fd;

fail:
	msg_warn("%s: %m", spec);
	if (fd >= 0)
		(void)close(fd);
	return -1;
}

/* bench_pol_lit - append a string literal (its length known) */
#define bench_pol_lit(b, s) buf_append((b), (s), sizeof(s) - 1)

/* bench_pol_hex - lower-case hex digits of v */
static void
bench_pol_hex(struct buf *b, unsigned long v)
{
	static const char digit[] = "0123456789abcdef";
	char rev[2 * sizeof(v)];
	size_t n = 0;

	do {
		rev[n++] = digit[v & 0xf];
		v >>= 4;
	} while (v > 0);
	while (n > 0)
		buf_putc(b, rev[--n]);
}

/*
 * bench_pol_request - the next request, as Postfix 3.7 smtpd sends it.
 * Written piece by piece, not with printf(3): the load generator shares
 * the machine with the server it measures, and should cost it little.
 */
static void
bench_pol_request(struct buf *b, const char *sender, const char *client)
{
	static unsigned long pid;
	unsigned long id = ++bench_pol_serial;

	if (pid == 0)
		pid = (unsigned long)getpid();	/* a system call each time */
	buf_reset(b);
	bench_pol_lit(b, "request=smtpd_access_policy\n"
	    "protocol_state=RCPT\n"
	    "protocol_name=ESMTP\n"
	    "client_address=");
	buf_puts(b, client);
	bench_pol_lit(b, "\nclient_name=mail.sender.example\n"
	    "client_port=");
	buf_put_uint(b, 1024 + id % 60000);
	bench_pol_lit(b, "\nreverse_client_name=mail.sender.example\n"
	    "server_address=192.0.2.25\n"
	    "server_port=25\n"
	    "helo_name=mail.sender.example\n"
	    "sender=");
	buf_puts(b, sender);
	bench_pol_lit(b, "\nrecipient=user");
	buf_put_uint(b, id % 100);
	bench_pol_lit(b, "@rx.example.org\n"
	    "recipient_count=0\n"
	    "queue_id=\n"
	    "instance=");
	bench_pol_hex(b, id);
	buf_putc(b, '.');
	bench_pol_hex(b, pid);
	buf_putc(b, '.');
	bench_pol_hex(b, id * 7919UL);
	bench_pol_lit(b, ".0\nsize=");
	buf_put_uint(b, 1000 + id % 50000);
	bench_pol_lit(b, "\netrn_domain=\n"
	    "stress=\n"
	    "sasl_method=\n"
	    "sasl_username=\n"
	    "sasl_sender=\n"
	    "ccert_subject=\n"
	    "ccert_issuer=\n"
	    "ccert_fingerprint=\n"
	    "ccert_pubkey_fingerprint=\n"
	    "encryption_protocol=TLSv1.3\n"
	    "encryption_cipher=TLS_AES_256_GCM_SHA384\n"
	    "encryption_keysize=256\n"
	    "policy_context=\n"
	    "compatibility_level=3.6\n"
	    "mail_version=3.7.11\n"
	    "\n");
	if (b->overflow)
		msg_fatal(EX_SOFTWARE, "request too long");
}

/* bench_pol_send - start the next request on C */
static void
bench_pol_send(struct bench_pol_conn *c, const char *sender,
    const char *client)
{
	ssize_t n;

	bench_pol_request(&c->out, sender, client);
	c->off = 0;
	buf_reset(&c->in);
	c->start = bench_now();
	c->busy = 1;
	/* at once, as smtpd does; what does not fit waits for EPOLLOUT */
	n = write(c->fd, c->out.data, c->out.len);
	if (n > 0)
		c->off = (size_t)n;
}

/* bench_pol_watch - EPOLLIN, and EPOLLOUT while OUT is set */
static void
bench_pol_watch(int epfd, struct bench_pol_conn *c, size_t idx, int out)
{
	struct epoll_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN | (out ? EPOLLOUT : 0);
	ev.data.u64 = idx;
	(void)epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
	c->want_out = out;
}

/* bench_pol_io - write or read what C can; 1: answer complete, -1: error */
static int
bench_pol_io(struct bench_pol_conn *c, unsigned revents)
{
	char chunk[BENCH_POL_READ];
	ssize_t n;

	if (c->off < c->out.len && (revents & EPOLLOUT)) {
		n = write(c->fd, c->out.data + c->off, c->out.len - c->off);
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return -1;
		if (n > 0)
			c->off += (size_t)n;
	}
	if (!(revents & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		return 0;
	n = read(c->fd, chunk, sizeof(chunk));
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	if (n == 0)
		return -1;
	if (buf_append(&c->in, chunk, (size_t)n) < 0)
		return -1;
	if (c->in.len >= 2 && c->in.data[c->in.len - 1] == '\n' &&
	    c->in.data[c->in.len - 2] == '\n')
		return 1;
	return 0;
}

/* bench_pol_lat_add - record one latency */
static void
bench_pol_lat_add(struct bench_pol_lat *l, double secs)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 4096;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = secs;
}

/* bench_pol_cmp - qsort order of doubles */
static int
bench_pol_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* bench_pol_pct - the P-th percentile of sorted L, in milliseconds */
static double
bench_pol_pct(const struct bench_pol_lat *l, double p)
{
	size_t i;

	if (l->n == 0)
		return 0;
	i = (size_t)(p / 100.0 * (double)(l->n - 1) + 0.5);
	return l->v[i] * 1e3;
}

/* bench_pol_open - N connections, non-blocking; 0, or -1 on error */
static int
bench_pol_open(const char *spec, struct bench_pol_conn *cs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		cs[i].fd = -1;
		buf_init(&cs[i].out, BENCH_POL_REQ_MAX);
		buf_init(&cs[i].in, BENCH_POL_REPLY_MAX);
	}
	for (i = 0; i < n; i++) {
		if ((cs[i].fd = bench_pol_connect(spec)) < 0)
			return -1;
		(void)fcntl(cs[i].fd, F_SETFL,
		    fcntl(cs[i].fd, F_GETFL) | O_NONBLOCK);
	}
	return 0;
}

/* bench_pol_close - close N connections */
static void
bench_pol_close(struct bench_pol_conn *cs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (cs[i].fd >= 0)
			(void)close(cs[i].fd);
		buf_free(&cs[i].out);
		buf_free(&cs[i].in);
	}
}

/*
 * bench_pol_drive - keep N connections busy until END (or, with END 0,
 * until each has had one answer and then stays idle); latencies of
 * answers whose request started at or after FROM go to LAT, and those
 * not starting with "action=" count in *ERRS.  0, or -1 when a
 * connection failed.
 */
static int
bench_pol_drive(struct bench_pol_conn *cs, size_t n, double from, double end,
    struct bench_pol_lat *lat, unsigned long *errs)
{
	struct epoll_event evs[BENCH_POL_EVENTS], ev;
	const struct bench_pol_sender *s;
	size_t i, busy = 0;
	double now, last = bench_now();
	int r, k, nev, ret = -1, epfd;

	if ((epfd = epoll_create1(EPOLL_CLOEXEC)) < 0) {
		msg_warn("epoll_create1: %m");
		return -1;
	}
	for (i = 0; i < n; i++) {
		s = &bench_pol_senders[bench_pol_serial %
		    BENCH_POL_SENDERS];
		bench_pol_send(&cs[i], s->sender, s->client);
		busy++;
		memset(&ev, 0, sizeof(ev));
		ev.events = EPOLLIN | (cs[i].off < cs[i].out.len ? EPOLLOUT : 0);
		cs[i].want_out = cs[i].off < cs[i].out.len;
		ev.data.u64 = i;
		if (epoll_ctl(epfd, EPOLL_CTL_ADD, cs[i].fd, &ev) < 0) {
			msg_warn("epoll_ctl: %m");
			goto out;
		}
	}
	while (busy > 0) {
		nev = epoll_wait(epfd, evs, BENCH_POL_EVENTS,
		    BENCH_POL_POLL_MS);
		if (nev < 0 && errno != EINTR) {
			msg_warn("epoll_wait: %m");
			goto out;
		}
		now = bench_now();
		for (k = 0; k < nev; k++) {
			struct bench_pol_conn *c = &cs[evs[k].data.u64];

			if (!c->busy) {
				/* an idle connection has nothing to say */
				(void)epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
				continue;
			}
			last = now;
			if ((r = bench_pol_io(c, evs[k].events)) < 0) {
				msg_warn("connection %zu: closed or failed",
				    (size_t)evs[k].data.u64);
				goto out;
			}
			if (r == 0) {
				if (c->want_out && c->off == c->out.len)
					bench_pol_watch(epfd, c,
					    (size_t)evs[k].data.u64, 0);
				continue;
			}
			c->busy = 0;
			busy--;
			if (c->start >= from) {
				bench_pol_lat_add(lat, now - c->start);
				if (strncmp(c->in.data, "action=", 7) != 0)
					(*errs)++;
			}
			if (end > 0 && now < end) {
				s = &bench_pol_senders[bench_pol_serial %
				    BENCH_POL_SENDERS];
				bench_pol_send(c, s->sender, s->client);
				busy++;
			}
			if (c->want_out != (c->busy && c->off < c->out.len))
				bench_pol_watch(epfd, c,
				    (size_t)evs[k].data.u64, c->busy &&
				    c->off < c->out.len);
		}
		if (now - last > BENCH_POL_IO_MS / 1e3) {
			msg_warn("no answer for %d ms", BENCH_POL_IO_MS);
			goto out;
		}
	}
	ret = 0;

out:
	(void)close(epfd);
	return ret;
}

/* bench_pol_load - the -c run; PID (0: none) is the server's */
static int
bench_pol_load(const char *spec, size_t n, unsigned secs, const char *label,
    unsigned long pid)
{
	struct bench_pol_conn *cs = xcalloc(n, sizeof(*cs));
	struct bench_pol_lat lat = {0};
	unsigned long errs = 0, warm = 0;
	double t0, t1, c0, c1, s0, s1;
	int ret = 1;

	if (bench_pol_open(spec, cs, n) < 0)
		goto out;
	/* Warm-up: one request per connection, not counted. */
	if (bench_pol_drive(cs, n, 0, 0, &lat, &warm) < 0)
		goto out;
	lat.n = 0;
	warm = 0;
	s0 = bench_proc_cpu(pid);
	c0 = bench_self_cpu();
	t0 = bench_now();
	if (bench_pol_drive(cs, n, t0, t0 + secs, &lat, &errs) < 0)
		goto out;
	t1 = bench_now();
	c1 = bench_self_cpu();
	s1 = bench_proc_cpu(pid);
	qsort(lat.v, lat.n, sizeof(*lat.v), bench_pol_cmp);
	printf("%-9s %4zu conns %7zu req %7.0f req/s"
	    "  p50 %6.3f p99 %6.3f max %7.3f ms  err %lu  cpu %3.0f%%",
	    label, n, lat.n, (double)lat.n / (t1 - t0),
	    bench_pol_pct(&lat, 50), bench_pol_pct(&lat, 99),
	    bench_pol_pct(&lat, 100), errs, (c1 - c0) / (t1 - t0) * 100);
	if (s0 >= 0 && s1 >= 0)
		printf(" srv %3.0f%%", (s1 - s0) / (t1 - t0) * 100);
	printf("\n");
	ret = 0;

out:
	fflush(stdout);
	bench_pol_close(cs, n);
	free(cs);
	free(lat.v);
	return ret;
}

/* bench_pol_status - print the VmHWM and VmRSS lines of PID, after WHAT */
static int
bench_pol_status(unsigned long pid, const char *label, const char *what)
{
	struct buf path;
	char line[256];
	FILE *fp;
	int ret = 1;

	buf_init(&path, 64);
	(void)buf_printf(&path, "/proc/%lu/status", pid);
	if ((fp = fopen(path.data, "r")) == NULL) {
		msg_warn("%s: %m", path.data);
		goto out;
	}
	printf("%-9s %-37s", label, what);
	while (fgets(line, sizeof(line), fp))
		if (strncmp(line, "VmHWM:", 6) == 0 ||
		    strncmp(line, "VmRSS:", 6) == 0) {
			line[strcspn(line, "\n")] = 0;
			printf("  %s", line);
		}
	printf("\n");
	(void)fclose(fp);
	ret = 0;

out:
	fflush(stdout);
	buf_free(&path);
	return ret;
}

/* bench_pol_idle - the -i run */
static int
bench_pol_idle(const char *spec, size_t n, unsigned long pid,
    const char *label)
{
	struct bench_pol_conn *cs = xcalloc(n, sizeof(*cs));
	struct bench_pol_lat lat = {0};
	struct buf what;
	unsigned long errs = 0;
	size_t i, k;
	int ret = 1;

	buf_init(&what, 64);
	if (bench_pol_status(pid, label, "before:") != 0)
		goto out;
	if (bench_pol_open(spec, cs, n) < 0)
		goto out;
	(void)buf_printf(&what, "%zu open, no request yet:", n);
	(void)bench_pol_status(pid, label, what.data);
	for (i = 0; i < n; i += k) {
		k = n - i < BENCH_POL_IDLE_BATCH ? n - i : BENCH_POL_IDLE_BATCH;
		if (bench_pol_drive(cs + i, k, 0, 0, &lat, &errs) < 0)
			goto out;
	}
	buf_reset(&what);
	(void)buf_printf(&what, "%zu open, 1 req each, %d at once:", n,
	    BENCH_POL_IDLE_BATCH);
	(void)bench_pol_status(pid, label, what.data);
	if (bench_pol_drive(cs, n, 0, 0, &lat, &errs) < 0)
		goto out;
	buf_reset(&what);
	(void)buf_printf(&what, "%zu open, 1 req each, all at once:", n);
	ret = bench_pol_status(pid, label, what.data);

out:
	buf_free(&what);
	bench_pol_close(cs, n);
	free(cs);
	free(lat.v);
	return ret;
}

/* bench_pol_cold - the -e run */
static int
bench_pol_cold(const char *spec, const char *shape, unsigned long count,
    unsigned long delay_ms)
{
	struct bench_pol_conn c;
	struct bench_pol_lat lat = {0};
	struct buf name, sender;
	struct pollfd pfd;
	const char *colon;
	unsigned long i, lookups = 0, rounds = 0;
	double sum = 0;
	int r, ret = 1;

	buf_init(&name, 256);
	buf_init(&sender, 512);
	if ((colon = strchr(shape, ':')) == NULL ||
	    sscanf(colon + 1, "%lu:%lu", &lookups, &rounds) != 2)
		msg_fatal(EX_USAGE, "-e: want NAME:LOOKUPS:ROUNDS");
	(void)buf_append(&name, shape, (size_t)(colon - shape));
	if (bench_pol_open(spec, &c, 1) < 0)
		goto out;
	for (i = 1; i <= count; i++) {
		buf_reset(&sender);
		(void)buf_printf(&sender, "postmaster@%s-%lu.cold.example.com",
		    name.data, i);
		bench_pol_send(&c, sender.data, "192.0.2.10");
		do {
			pfd.fd = c.fd;
			pfd.events = POLLIN;
			if (c.off < c.out.len)
				pfd.events |= POLLOUT;
			pfd.revents = 0;
			if (poll(&pfd, 1, BENCH_POL_IO_MS) <= 0) {
				msg_warn("no answer for %s", sender.data);
				goto out;
			}
			if ((r = bench_pol_io(&c, pfd.revents)) < 0) {
				msg_warn("connection closed or failed");
				goto out;
			}
		} while (r == 0);
		bench_pol_lat_add(&lat, bench_now() - c.start);
		sum += lat.v[lat.n - 1];
	}
	qsort(lat.v, lat.n, sizeof(*lat.v), bench_pol_cmp);
	printf("%-10s %7lu %7lu %10.1f %10.1f %10.1f %10.1f %6lu\n",
	    name.data, lookups, rounds, (double)(rounds * delay_ms),
	    sum / (double)lat.n * 1e3, lat.v[0] * 1e3,
	    lat.v[lat.n - 1] * 1e3, count);
	ret = 0;

out:
	fflush(stdout);
	bench_pol_close(&c, 1);
	buf_free(&name);
	buf_free(&sender);
	free(lat.v);
	return ret;
}

/* bench_pol_usage - complain and exit */
static _Noreturn void
bench_pol_usage(void)
{
	fprintf(stderr,
	    "usage: bench_policy -s SOCKET -c CONNS [-t SECONDS] [-l LABEL]"
	    " [-p PID]\n"
	    "       bench_policy -s SOCKET -i CONNS -p PID [-l LABEL]\n"
	    "       bench_policy -s SOCKET -e NAME:LOOKUPS:ROUNDS -n COUNT"
	    " -D MS\n");
	exit(EX_USAGE);
}

/* main - parse options, run one measurement */
int
main(int argc, char **argv)
{
	const char *spec = NULL, *label = "rmxfd", *shape = NULL;
	unsigned long conns = 0, idle = 0, pid = 0, count = 10, delay = 0;
	unsigned secs = BENCH_POL_DEF_SECONDS;
	int ch;

	msg_open("bench_policy", MSG_STDERR, 0, 0);
	(void)signal(SIGPIPE, SIG_IGN);
	while ((ch = getopt(argc, argv, "s:c:t:l:i:p:e:n:D:")) != -1) {
		switch (ch) {
		case 's':
			spec = optarg;
			break;
		case 'c':
			conns = bench_number("c", optarg, 1,
			    BENCH_POL_MAX_CONNS);
			break;
		case 't':
			secs = (unsigned)bench_number("t", optarg, 1,
			    BENCH_POL_MAX_SECONDS);
			break;
		case 'l':
			label = optarg;
			break;
		case 'i':
			idle = bench_number("i", optarg, 1,
			    BENCH_POL_MAX_CONNS);
			break;
		case 'p':
			pid = bench_number("p", optarg, 1, 1UL << 30);
			break;
		case 'e':
			shape = optarg;
			break;
		case 'n':
			count = bench_number("n", optarg, 1,
			    BENCH_POL_MAX_COUNT);
			break;
		case 'D':
			delay = bench_number("D", optarg, 0, 100000);
			break;
		default:
			bench_pol_usage();
		}
	}
	if (spec == NULL || optind != argc ||
	    (conns > 0) + (idle > 0) + (shape != NULL) != 1 ||
	    (idle > 0 && pid == 0))
		bench_pol_usage();
	if (conns > 0)
		return bench_pol_load(spec, conns, secs, label, pid);
	if (idle > 0)
		return bench_pol_idle(spec, idle, pid, label);
	return bench_pol_cold(spec, shape, count, delay);
}
