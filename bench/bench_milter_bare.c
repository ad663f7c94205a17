/*
 * NAME
 *	bench_milter_bare 1
 * SUMMARY
 *	a mail filter that does no work: the Milter benchmark's ceiling
 * SYNOPSIS
 *	bench_milter_bare -s unix:PATH [-P FLAGS] [-t MAX_SECONDS]
 * DESCRIPTION
 *	Listens on the unix socket PATH and speaks the filter side of the
 *	Milter protocol (version 6) as cheaply as it can: to SMFIC_OPTNEG it
 *	answers with the protocol flags FLAGS (hexadecimal, 0 by default:
 *	every step, every reply), to every command that has a reply under
 *	FLAGS with SMFIR_CONTINUE, to the end of a message with one
 *	SMFIR_ADDHEADER and SMFIR_CONTINUE; macros, ABORT and QUIT_NC get
 *	nothing, QUIT closes.  One thread, epoll(7), one read(2) per
 *	readable connection and one write(2) of all the replies it found;
 *	it looks at nothing but the command letters.  bench_milter against
 *	it measures what the machine, the kernel's socket path and the load
 *	generator allow (bench/milter/run.sh).
 *
 *	It prints "listening" on stdout once it accepts, and exits by
 *	itself after MAX_SECONDS (300 by default) or on SIGTERM.
 * DIAGNOSTICS
 *	Exit 0 when stopped, 1 when it cannot listen, 64 for bad arguments.
 *	A connection that sends a packet longer than BENCH_MB_BUF is closed.
 * SEE ALSO
 *	bench/bench_milter.c, bench/bench_bare.c, bench/milter/run.sh.
 */
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "util/msg.h"
#include "util/xmalloc.h"
#include "benchlib.h"

#define BENCH_MB_MAX_CONNS	2048	/* descriptors we serve */
#define BENCH_MB_EVENTS		256	/* epoll_wait at a time */
/* unparsed input of a connection: a whole SMFIC_BODY chunk fits */
#define BENCH_MB_BUF		(65536 + 8192)
#define BENCH_MB_OUT		16384	/* replies of one read */
#define BENCH_MB_DEF_SECONDS	300
#define BENCH_MB_MAX_SECONDS	3600
#define BENCH_MB_ACTIONS	0x1UL	/* SMFIF_ADDHDRS */

/* One connection: input not yet parsed. */
struct bench_mb_conn {
	char		buf[BENCH_MB_BUF];
	size_t		len;
};

static volatile sig_atomic_t bench_mb_stop;
static unsigned long bench_mb_flags;	/* -P */

/* bench_mb_sig - SIGTERM, SIGALRM: leave the loop */
static void
bench_mb_sig(int sig)
{
	(void)sig;
	bench_mb_stop = 1;
}

/* bench_mb_put - append packet CMD (LEN octets at DATA) at OUT + *OFF */
static void
bench_mb_put(char *out, size_t *off, int cmd, const void *data, size_t len)
{
	uint32_t n = htonl((uint32_t)(len + 1));

	if (*off + 5 + len > BENCH_MB_OUT)
		return;			/* cannot happen with small packets */
	memcpy(out + *off, &n, 4);
	out[*off + 4] = (char)cmd;
	memcpy(out + *off + 5, data, len);
	*off += 5 + len;
}

/* bench_mb_noreply - the "no reply" flag of command CMD, 0 if none */
static unsigned long
bench_mb_noreply(int cmd)
{
	switch (cmd) {
	case 'C':
		return 0x1000;
	case 'H':
		return 0x2000;
	case 'M':
		return 0x4000;
	case 'R':
		return 0x8000;
	case 'T':
		return 0x10000;
	case 'U':
		return 0x20000;
	case 'N':
		return 0x40000;
	case 'B':
		return 0x80000;
	case 'L':
		return 0x80;
	default:
		return 0;
	}
}

/* bench_mb_reply - the replies to packet CMD at OUT + *OFF; -1: close */
static int
bench_mb_reply(char *out, size_t *off, int cmd)
{
	static const char hdr[] = "X-Bare\0yes";
	uint32_t opt[3];

	switch (cmd) {
	case 'O':
		opt[0] = htonl(6);
		opt[1] = htonl(BENCH_MB_ACTIONS);
		opt[2] = htonl((uint32_t)bench_mb_flags);
		bench_mb_put(out, off, 'O', opt, sizeof(opt));
		return 0;
	case 'D':
	case 'A':
	case 'K':
		return 0;
	case 'Q':
		return -1;
	case 'E':
		bench_mb_put(out, off, 'h', hdr, sizeof(hdr));
		bench_mb_put(out, off, 'c', "", 0);
		return 0;
	default:
		if (!(bench_mb_flags & bench_mb_noreply(cmd)))
			bench_mb_put(out, off, 'c', "", 0);
		return 0;
	}
}

/* bench_mb_serve_one - read what FD sent, write the replies; -1: close */
static int
bench_mb_serve_one(int fd, struct bench_mb_conn *c)
{
	char out[BENCH_MB_OUT];
	size_t used = 0, off = 0, n;
	uint32_t v;
	ssize_t r;
	int ret = 0;

	r = read(fd, c->buf + c->len, sizeof(c->buf) - c->len);
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (r <= 0)
		return -1;
	c->len += (size_t)r;
	while (c->len - used >= 5) {
		memcpy(&v, c->buf + used, 4);
		n = ntohl(v);
		if (n == 0 || n + 4 > sizeof(c->buf))
			return -1;
		if (c->len - used < n + 4)
			break;
		if (bench_mb_reply(out, &off, c->buf[used + 4]) < 0)
			ret = -1;
		used += n + 4;
	}
	memmove(c->buf, c->buf + used, c->len - used);
	c->len -= used;
	if (off > 0 && write(fd, out, off) != (ssize_t)off)
		return -1;		/* a benchmark peer always reads */
	return ret;
}

/* bench_mb_accept - take the new connections of LFD into EP */
static void
bench_mb_accept(int ep, int lfd, struct bench_mb_conn **conns)
{
	struct epoll_event ev;
	int fd;

	while ((fd = accept(lfd, NULL, NULL)) >= 0) {
		if (fd >= BENCH_MB_MAX_CONNS ||
		    fcntl(fd, F_SETFL, O_NONBLOCK) < 0) {
			(void)close(fd);
			continue;
		}
		if (conns[fd] == NULL)
			conns[fd] = xmalloc(sizeof(*conns[fd]));
		conns[fd]->len = 0;
		memset(&ev, 0, sizeof(ev));
		ev.events = EPOLLIN;
		ev.data.fd = fd;
		if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0)
			(void)close(fd);
	}
}

/* bench_mb_serve - the loop */
static void
bench_mb_serve(int lfd)
{
	struct epoll_event ev, evs[BENCH_MB_EVENTS];
	struct bench_mb_conn **conns;
	int ep, n, i, fd;

	conns = xcalloc(BENCH_MB_MAX_CONNS, sizeof(*conns));
	if ((ep = epoll_create1(0)) < 0)
		msg_fatal(1, "epoll_create1: %m");
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.fd = lfd;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev) < 0)
		msg_fatal(1, "epoll_ctl: %m");
	while (!bench_mb_stop) {
		if ((n = epoll_wait(ep, evs, BENCH_MB_EVENTS, -1)) < 0) {
			if (errno == EINTR)
				continue;
			msg_fatal(1, "epoll_wait: %m");
		}
		for (i = 0; i < n; i++) {
			fd = evs[i].data.fd;
			if (fd == lfd)
				bench_mb_accept(ep, lfd, conns);
			else if (bench_mb_serve_one(fd, conns[fd]) < 0)
				(void)close(fd);	/* leaves the epoll set */
		}
	}
	(void)close(ep);
	for (i = 0; i < BENCH_MB_MAX_CONNS; i++)
		free(conns[i]);
	free(conns);
}

/* bench_mb_usage - complain and exit */
static _Noreturn void
bench_mb_usage(void)
{
	msg_fatal(EX_USAGE, "usage: bench_milter_bare -s unix:PATH"
	    " [-P FLAGS] [-t MAX_SECONDS]");
}

/* main - listen, say so, serve until told to stop */
int
main(int argc, char **argv)
{
	const char *spec = NULL;
	unsigned long secs = BENCH_MB_DEF_SECONDS;
	char *end;
	int c, lfd;

	msg_open("bench_milter_bare", MSG_STDERR, 0, 0);
	while ((c = getopt(argc, argv, "s:P:t:")) != -1) {
		switch (c) {
		case 's':
			spec = optarg;
			break;
		case 'P':
			errno = 0;
			bench_mb_flags = strtoul(optarg, &end, 16);
			if (errno || end == optarg || *end ||
			    bench_mb_flags > 0x1fffff)
				msg_fatal(EX_USAGE, "-P: hex, 0..1fffff");
			break;
		case 't':
			errno = 0;
			secs = strtoul(optarg, &end, 10);
			if (errno || end == optarg || *end || secs < 1 ||
			    secs > BENCH_MB_MAX_SECONDS)
				msg_fatal(EX_USAGE, "-t: 1..%d seconds",
				    BENCH_MB_MAX_SECONDS);
			break;
		default:
			bench_mb_usage();
		}
	}
	if (spec == NULL || strncmp(spec, "unix:", 5) != 0 ||
	    optind != argc)
		bench_mb_usage();
	(void)signal(SIGPIPE, SIG_IGN);
	(void)signal(SIGTERM, bench_mb_sig);
	(void)signal(SIGALRM, bench_mb_sig);
	lfd = bench_listen_unix(spec + 5);
	(void)alarm((unsigned)secs);
	(void)printf("listening\n");
	(void)fflush(stdout);
	bench_mb_serve(lfd);
	(void)close(lfd);
	(void)unlink(spec + 5);
	return 0;
}
