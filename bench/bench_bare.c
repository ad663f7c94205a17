/*
 * NAME
 *	bench_bare 1
 * SUMMARY
 *	a policy server that does no work: the ceiling of the policy benchmark
 * SYNOPSIS
 *	bench_bare -s unix:PATH [-t MAX_SECONDS]
 * DESCRIPTION
 *	Listens on the unix socket PATH and answers every policy request
 *	(everything up to an empty line) with "action=DUNNO" and the empty
 *	line, on one thread with epoll(7): one read(2) per readable
 *	connection, one write(2) of all the answers it found.  It parses
 *	nothing and logs nothing, so bench_policy against it measures what
 *	the machine, the kernel's socket path and the load generator allow;
 *	rmxfd's figures are read against it (bench/policy/run.sh).
 *
 *	It prints "listening" on stdout once it accepts, and exits by
 *	itself after MAX_SECONDS (300 by default) or on SIGTERM.
 * DIAGNOSTICS
 *	Exit 0 when stopped, 1 when it cannot listen, 64 for bad arguments.
 * SEE ALSO
 *	bench/bench_policy.c, bench/policy/run.sh, doc/benchmarks.md.
 */
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "util/msg.h"
#include "util/xmalloc.h"
#include "benchlib.h"

#define BENCH_BARE_MAX_CONNS	8192	/* descriptors we serve */
#define BENCH_BARE_EVENTS	256	/* epoll_wait at a time */
#define BENCH_BARE_READ		16384	/* read(2) at a time */
#define BENCH_BARE_REPLIES	256	/* answers per write(2) */
#define BENCH_BARE_DEF_SECONDS	300
#define BENCH_BARE_MAX_SECONDS	3600

static const char bench_bare_reply[] = "action=DUNNO\n\n";

#define BENCH_BARE_REPLY_LEN	(sizeof(bench_bare_reply) - 1)

/* One connection: whether its last octet read was a newline. */
struct bench_bare_conn {
	int		nl;
};

static volatile sig_atomic_t bench_bare_stop;

/* bench_bare_sig - SIGTERM, SIGALRM: leave the loop */
static void
bench_bare_sig(int sig)
{
	(void)sig;
	bench_bare_stop = 1;
}

/* bench_bare_answer - count the requests that ended in buf; write their
 * answers in one go; 0, or -1 when the connection is to be closed */
static int
bench_bare_answer(int fd, struct bench_bare_conn *c, const char *buf,
    size_t len)
{
	char out[BENCH_BARE_REPLIES * BENCH_BARE_REPLY_LEN];
	size_t i, n = 0, off = 0;
	ssize_t w;

	for (i = 0; i < len; i++) {
		if (buf[i] != '\n') {
			c->nl = 0;
			continue;
		}
		if (c->nl && n < BENCH_BARE_REPLIES) {
			memcpy(out + n * BENCH_BARE_REPLY_LEN,
			    bench_bare_reply, BENCH_BARE_REPLY_LEN);
			n++;
		}
		c->nl = !c->nl;
	}
	while (off < n * BENCH_BARE_REPLY_LEN) {
		w = write(fd, out + off, n * BENCH_BARE_REPLY_LEN - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;	/* a benchmark peer always reads */
		off += (size_t)w;
	}
	return 0;
}

/* bench_bare_serve - the loop */
static void
bench_bare_serve(int lfd)
{
	struct epoll_event ev, evs[BENCH_BARE_EVENTS];
	struct bench_bare_conn *conns;
	char buf[BENCH_BARE_READ];
	int ep, n, i, fd;
	ssize_t r;

	conns = xcalloc(BENCH_BARE_MAX_CONNS, sizeof(*conns));
	if ((ep = epoll_create1(0)) < 0)
		msg_fatal(1, "epoll_create1: %m");
	ev.events = EPOLLIN;
	ev.data.fd = lfd;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev) < 0)
		msg_fatal(1, "epoll_ctl: %m");
	while (!bench_bare_stop) {
		if ((n = epoll_wait(ep, evs, BENCH_BARE_EVENTS, -1)) < 0) {
			if (errno == EINTR)
				continue;
			msg_fatal(1, "epoll_wait: %m");
		}
		for (i = 0; i < n; i++) {
			fd = evs[i].data.fd;
			if (fd == lfd) {
				while ((fd = accept(lfd, NULL, NULL)) >= 0) {
					if (fd >= BENCH_BARE_MAX_CONNS ||
					    fcntl(fd, F_SETFL, O_NONBLOCK) < 0) {
						(void)close(fd);
						continue;
					}
					conns[fd].nl = 0;
					ev.events = EPOLLIN;
					ev.data.fd = fd;
					if (epoll_ctl(ep, EPOLL_CTL_ADD, fd,
					    &ev) < 0)
						(void)close(fd);
				}
				continue;
			}
			r = read(fd, buf, sizeof(buf));
			if (r < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			if (r <= 0 || bench_bare_answer(fd, &conns[fd], buf,
			    (size_t)r) < 0)
				(void)close(fd);	/* leaves the epoll set */
		}
	}
	(void)close(ep);
	free(conns);
}

/* main - listen, say so, serve until told to stop */
int
main(int argc, char **argv)
{
	const char *spec = NULL;
	unsigned long secs = BENCH_BARE_DEF_SECONDS;
	char *end;
	int c, lfd;

	msg_open("bench_bare", MSG_STDERR, 0, 0);
	while ((c = getopt(argc, argv, "s:t:")) != -1) {
		switch (c) {
		case 's':
			spec = optarg;
			break;
		case 't':
			errno = 0;
			secs = strtoul(optarg, &end, 10);
			if (errno || end == optarg || *end || secs < 1 ||
			    secs > BENCH_BARE_MAX_SECONDS)
				msg_fatal(EX_USAGE, "-t: 1..%d seconds",
				    BENCH_BARE_MAX_SECONDS);
			break;
		default:
			msg_fatal(EX_USAGE, "usage: bench_bare -s unix:PATH "
			    "[-t MAX_SECONDS]");
		}
	}
	if (spec == NULL || strncmp(spec, "unix:", 5) != 0 || optind != argc)
		msg_fatal(EX_USAGE, "usage: bench_bare -s unix:PATH "
		    "[-t MAX_SECONDS]");
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, bench_bare_sig);
	signal(SIGALRM, bench_bare_sig);
	lfd = bench_listen_unix(spec + 5);
	(void)alarm((unsigned)secs);
	(void)printf("listening\n");
	(void)fflush(stdout);
	bench_bare_serve(lfd);
	(void)close(lfd);
	(void)unlink(spec + 5);
	return 0;
}
