/*
 * NAME
 *	bench_milter 1
 * SUMMARY
 *	Milter protocol load generator: the MTA side, as Postfix 3.7 plays it
 * SYNOPSIS
 *	bench_milter -s SOCKET [-S SOCKET2] [-m DIR] -c CONNS [-t SECONDS]
 *	    [-w SECONDS | -W] [-R] [-l LABEL] [-p PID]...
 *	bench_milter -s SOCKET [-S SOCKET2] [-m DIR] --once [-f SENDER]
 *	    [-a ADDRESS]
 * DESCRIPTION
 *	SOCKET is unix:PATH or inet:IPV4:PORT, a mail filter (Milter
 *	protocol version 6).  This program is the MTA: it offers what
 *	Postfix 3.7 smtpd offers in SMFIC_OPTNEG (version 6, actions 0x1ff,
 *	protocol flags 0x1fffff), takes the filter's answer (its protocol
 *	flags and SMFIR_SETSYMLIST lists) and from then on sends nothing the
 *	filter negotiated away (SMFIP_NOCONNECT .. SMFIP_NOEOH, NODATA) and
 *	waits for no reply the filter declined (SMFIP_NR_*).  It is written
 *	from the protocol, not from any filter's code, so that it can judge
 *	one.
 *
 *	A message is one SMTP session as smtpd passes it on: the macros of
 *	each stage (Postfix's default milter_*_macros, with the values
 *	Postfix gives them; only those of the filter's list where it sent
 *	one), SMFIC_CONNECT, HELO, MAIL, RCPT, DATA, five headers, EOH, one
 *	body chunk and SMFIC_BODYEOB, then SMFIC_ABORT as smtpd sends it
 *	when a transaction ends.  Header changes in the replies to
 *	BODYEOB are counted, the final reply decides the outcome.  A
 *	reject or tempfail (SMFIR_REJECT, TEMPFAIL, or REPLYCODE 5xx/4xx)
 *	at MAIL or RCPT ends the message there (no accepted recipient), as
 *	an accept (SMFIR_ACCEPT) does at any stage.  After the reply to
 *	BODYEOB the next session follows on the same connection, after
 *	SMFIC_QUIT_NC; a message that ended before (libmilter takes
 *	QUIT_NC only after the end of a message) and, with -R, every
 *	message ends with SMFIC_QUIT and the connection closed, and the
 *	next message opens a new one with a new SMFIC_OPTNEG, as Postfix
 *	does for each SMTP session.  Senders and clients turn through
 *	BENCH_MIL_SENDERS, the mix of bench_policy (bench/zones/policy.zone).
 *
 *	-m DIR: the messages of a set instead (bench/dkim/gen.py: DIR/index,
 *	one line per message "FILE CLIENT HELO MAILFROM DKIM DMARC", the
 *	files under DIR/msg), read into memory first and sent in turn: the
 *	envelope of the index line, every header field of the file as
 *	Postfix passes it on (SMFIC_HEADER with the field's lines joined by
 *	"\n", the blanks after the colon left off unless SMFIP_HDR_LEADSPC),
 *	the body in SMFIC_BODY chunks of at most 65535 octets (Postfix's
 *	MILTER_CHUNK_SIZE), CRLF line ends.  "wrong" then counts messages
 *	not accepted, or whose Authentication-Results fields (those the
 *	filters inserted or added) do not give as many dkim=pass and other
 *	dkim= results as the index's DKIM list ("pass,fail") and its DMARC
 *	result as the first dmarc=; the first such is printed.
 *
 *	-W (with -m): the warm-up is one pass over the set, every message
 *	sent once, however long it takes, instead of -w SECONDS.
 *
 *	-S SOCKET2: a second filter after the first, as Postfix runs
 *	smtpd_milters = SOCKET SOCKET2 (for example OpenDKIM, then OpenDMARC,
 *	which reads the first one's Authentication-Results field): each
 *	message goes through the first filter's whole conversation and,
 *	when accepted there, through the second's with the first one's
 *	header changes applied as Postfix applies them before the next
 *	Milter sees the message (inserted fields on top, added ones at the
 *	end); its latency runs from the first filter's first packet to the
 *	second one's last reply.  Each client has a connection to each
 *	filter; the next message starts once the second is done.
 *
 *	-c: load.  CONNS connections for SECONDS (5 by default) after a
 *	warm-up of -w SECONDS (1 by default; not counted).  One thread,
 *	epoll(7); every step's packets go out in one write(2).  Prints one
 *	line: label, connections, messages, messages per second, latency
 *	of a message (its first packet to the reply to its end of message,
 *	or to the reply that ended it) p50, p99 and max in milliseconds,
 *	the outcomes (accepted; rejected at MAIL, at RCPT, at any other
 *	stage; tempfailed; discarded; messages with a header added,
 *	inserted or changed), "wrong" (a sender whose SPF result is fail
 *	accepted, or another rejected: the mix knows which are which),
 *	protocol errors, the CPU this client and, with
 *	-p, the processes PID used (summed; -p may be given up to four
 *	times); then the same as one line
 *	"MILTERBENCH {json}".
 *
 *	--once: one connection, one message (sender and client address -f,
 *	-a, by default the first of the mix), every packet sent (">") and
 *	received ("<") printed with its command letter and decoded fields,
 *	then the outcome.
 *
 *	Benchmarks print figures: the exit status says whether the
 *	benchmark could run, not how fast anything was.
 * DIAGNOSTICS
 *	Exit 0 when it ran, 1 when a connection failed or closed or (in
 *	--once) the conversation broke off, 64 for bad arguments.  Messages
 *	on stderr.
 * SEE ALSO
 *	bench/milter/run.sh, bench/dkim/run.sh, mk/bench-milter.mk,
 *	doc/benchmarks.md,
 *	bench/bench_policy.c, Postfix MILTER_README.
 */
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/msg.h"
#include "util/xmalloc.h"
#include "benchlib.h"

#define BENCH_MIL_MAX_CONNS	4096	/* -c */
#define BENCH_MIL_MAX_SECONDS	600	/* -t, -w */
#define BENCH_MIL_OUT_MAX	(1 << 20)	/* packets of one step */
#define BENCH_MIL_IN_MAX	(4 * 65536)	/* unparsed input */
#define BENCH_MIL_PKT_MAX	65536	/* one packet's length field */
#define BENCH_MIL_READ		4096	/* read(2) at a time */
#define BENCH_MIL_POLL_MS	100	/* epoll_wait(2) timeout */
#define BENCH_MIL_EVENTS	256	/* epoll_wait(2) events at a time */
#define BENCH_MIL_IO_MS		30000	/* no reply at all: stop */
#define BENCH_MIL_DEF_SECONDS	5
#define BENCH_MIL_DEF_WARM	1
#define BENCH_MIL_STAGES	7	/* SMFIM_CONNECT .. SMFIM_EOH */
#define BENCH_MIL_WHY		160	/* first odd reply, reported */
#define BENCH_MIL_CHUNK		65535	/* body octets a packet: Postfix's
					 * MILTER_CHUNK_SIZE */
#define BENCH_MIL_MAX_MSGS	100000	/* -m: messages of a set */
#define BENCH_MIL_MSG_MAX	(4 << 20)	/* -m: octets of a message */
#define BENCH_MIL_LINE		1024	/* -m: a line of the index */
#define BENCH_MIL_MODS_MAX	(1 << 20)	/* header changes kept */
#define BENCH_MIL_MAX_PIDS	4	/* -p */
#define BENCH_MIL_AR_TEXT	480	/* A-R fields of a wrong verdict */

/* The protocol (Milter version 6), as libmilter's mfdef.h numbers it. */
#define BENCH_MIL_VERSION	6
#define BENCH_MIL_ACTIONS	0x1ffUL		/* Postfix 3.7 offers */
#define BENCH_MIL_PROTOCOL	0x1fffffUL	/* Postfix 3.7 offers */
#define BENCH_MIL_P_NOCONNECT	0x1UL
#define BENCH_MIL_P_NOHELO	0x2UL
#define BENCH_MIL_P_NOMAIL	0x4UL
#define BENCH_MIL_P_NORCPT	0x8UL
#define BENCH_MIL_P_NOBODY	0x10UL
#define BENCH_MIL_P_NOHDRS	0x20UL
#define BENCH_MIL_P_NOEOH	0x40UL
#define BENCH_MIL_P_NR_HDR	0x80UL
#define BENCH_MIL_P_NODATA	0x200UL
#define BENCH_MIL_P_NR_CONN	0x1000UL
#define BENCH_MIL_P_NR_HELO	0x2000UL
#define BENCH_MIL_P_NR_MAIL	0x4000UL
#define BENCH_MIL_P_NR_RCPT	0x8000UL
#define BENCH_MIL_P_NR_DATA	0x10000UL
#define BENCH_MIL_P_NR_EOH	0x40000UL
#define BENCH_MIL_P_NR_BODY	0x80000UL
#define BENCH_MIL_P_LEADSPC	0x100000UL

/* The stages of SMFIR_SETSYMLIST (SMFIM_*). */
enum bench_mil_stage {
	BENCH_MIL_M_CONNECT, BENCH_MIL_M_HELO, BENCH_MIL_M_MAIL,
	BENCH_MIL_M_RCPT, BENCH_MIL_M_DATA, BENCH_MIL_M_EOM, BENCH_MIL_M_EOH
};

/* The headers of every message, after the ones Postfix adds none. */
static const char *const bench_mil_headers[][2] = {
	{"Date", "Mon, 7 Dec 2026 04:37:46 +0000"},
	{"From", "Sender <sender@example.com>"},
	{"To", "rcpt@rx.example.org"},
	{"Subject", "bench_milter"},
	{"Message-Id", "<bench.milter@sender.example>"},
};

#define BENCH_MIL_NHDRS \
	(sizeof(bench_mil_headers) / sizeof(bench_mil_headers[0]))
#define BENCH_MIL_BODY \
	"Hello,\r\n\r\nthis is the body of a benchmark message.\r\n" \
	"It is one chunk, as a short message is.\r\n"

/*
 * The steps of a message, in order.  HDR is sent once per header field,
 * BODY once per chunk of at most BENCH_MIL_CHUNK octets.
 */
enum {
	BENCH_MIL_S_CONNECT, BENCH_MIL_S_HELO, BENCH_MIL_S_MAIL,
	BENCH_MIL_S_RCPT, BENCH_MIL_S_DATA, BENCH_MIL_S_HDR,
	BENCH_MIL_S_EOH, BENCH_MIL_S_BODY, BENCH_MIL_S_EOM, BENCH_MIL_S_END
};

/* What a step sends, when it is left out and when it has no reply. */
struct bench_mil_stepdef {
	int		cmd;		/* SMFIC_* */
	int		stage;		/* macro list sent first */
	unsigned long	no;		/* left out with this flag */
	unsigned long	nr;		/* no reply with this flag */
	const char     *name;
};

/* One sender domain of the load mix and the client it is tried from. */
struct bench_mil_sender {
	const char     *sender;
	const char     *client;
	int		fail;		/* SPF fail: to be rejected */
	const char     *helo;		/* NULL: mail.sender.example */
};

/* One header field as Postfix passes it on. */
struct bench_mil_hdr {
	const char     *name;
	const char     *value;		/* its lines joined by "\n", the
					 * blanks after the colon left off */
};

/* One message: its envelope, header fields, body and expected verdicts. */
struct bench_mil_msg {
	struct bench_mil_sender env;	/* -m: from the index */
	struct bench_mil_hdr *hdrs;
	size_t		nhdrs;
	const char     *body;		/* CRLF line ends, as Postfix sends */
	size_t		blen;
	unsigned	dkim_pass;	/* -m: dkim= results expected pass */
	unsigned	dkim_other;	/* ... expected anything else */
	const char     *dmarc;		/* ... the dmarc= result; NULL: the
					 * load mix, judged by SPF */
	char	       *store;		/* what the strings point into */
};

/* The mix of bench/bench_policy.c (bench/zones/policy.zone). */
static const struct bench_mil_sender bench_mil_senders[] = {
	{"alice@pass.example.com", "192.0.2.10", 0, NULL},	/* pass */
	{"bob@fail.example.com", "192.0.2.10", 1, NULL},	/* fail */
	{"carol@soft.example.com", "192.0.2.10", 0, NULL},	/* softfail */
	{"dave@none.example.com", "192.0.2.10", 0, NULL},	/* none */
	{"erin@big.example.com", "198.51.100.77", 0, NULL},	/* include */
	{"frank@pass.example.com", "203.0.113.5", 1, NULL},	/* fail */
};

#define BENCH_MIL_SENDERS \
	(sizeof(bench_mil_senders) / sizeof(bench_mil_senders[0]))

/* Outcomes of messages. */
struct bench_mil_count {
	unsigned long	accept;
	unsigned long	rej_mail;
	unsigned long	rej_rcpt;
	unsigned long	rej_other;
	unsigned long	tempfail;
	unsigned long	discard;
	unsigned long	hdr;		/* a header added or changed */
	unsigned long	errors;		/* forbidden replies */
	unsigned long	wrong;		/* against the SPF result */
};

/* Latencies, in seconds. */
struct bench_mil_lat {
	double	       *v;
	size_t		n;
	size_t		cap;
};

/* Connection states. */
enum { BENCH_MIL_IDLE, BENCH_MIL_OPTNEG, BENCH_MIL_MSG };

/* One client connection. */
struct bench_mil_conn {
	int		fd;
	size_t		idx;		/* in the connection array */
	int		state;
	int		step;		/* whose reply is awaited */
	int		hdr_mods;	/* header changes of this message */
	unsigned long	proto;		/* filter's protocol flags */
	char	       *sym[BENCH_MIL_STAGES];	/* its macro lists */
	unsigned long	serial;		/* message number */
	const struct bench_mil_sender *who;
	const struct bench_mil_msg *msg;
	const struct bench_mil_hdr *hv;	/* the header fields sent */
	size_t		nhv;
	struct bench_mil_hdr *hvs;	/* -S, on the second: hv's storage */
	size_t		hi;		/* next field of hv to send */
	size_t		boff;		/* next body octet to send */
	struct buf	mods;		/* header changes of this message: the
					 * command, name, NUL, value, NUL */
	struct bench_mil_conn *next;	/* -S: the second filter's, on the
					 * first filter's connection */
	struct bench_mil_conn *prev;	/* -S: the first's, on the second's */
	const char     *spec;		/* the filter's socket */
	double		start;		/* message's first packet */
	struct buf	out;
	size_t		off;		/* octets of out sent */
	struct buf	in;
	int		want_out;
	unsigned long	gen;		/* connections made */
};

/* One load run. */
struct bench_mil_run {
	const char     *spec;
	const char     *spec2;		/* -S: the second filter */
	const struct bench_mil_msg *msgs;	/* -m: the set; else NULL */
	size_t		nmsgs;
	int		reconnect;	/* -R */
	int		epfd;
	double		from;		/* count messages from */
	double		end;		/* no new message after */
	size_t		busy;		/* connections in messages */
	struct bench_mil_lat lat;
	struct bench_mil_count cnt;
	int		once;		/* print every packet */
	int		pass;		/* -W: the warm-up is one pass */
	unsigned long	stop_at;	/* no message numbered above */
	char		why[BENCH_MIL_WHY];	/* 1st tempfail */
	char		wrongwhy[BENCH_MIL_AR_TEXT + BENCH_MIL_WHY];
					/* the first wrong verdict */
};

static unsigned long bench_mil_serial;	/* message numbers */

/* bench_mil_addr - SPEC as a socket address; its length */
static socklen_t
bench_mil_addr(const char *spec, struct sockaddr_storage *ss)
{
	struct sockaddr_un *sun = (struct sockaddr_un *)ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	char host[INET_ADDRSTRLEN];
	const char *colon;
	size_t len;

	memset(ss, 0, sizeof(*ss));
	if (strncmp(spec, "unix:", 5) == 0) {
		sun->sun_family = AF_UNIX;
		if ((len = strlen(spec + 5)) >= sizeof(sun->sun_path))
			msg_fatal(EX_USAGE, "%s: path too long", spec);
		memcpy(sun->sun_path, spec + 5, len + 1);
		return sizeof(*sun);
	}
	if (strncmp(spec, "inet:", 5) != 0 ||
	    (colon = strrchr(spec + 5, ':')) == NULL ||
	    (len = (size_t)(colon - (spec + 5))) >= sizeof(host))
		msg_fatal(EX_USAGE, "%s: not unix:PATH or inet:IPV4:PORT",
		    spec);
	memcpy(host, spec + 5, len);
	host[len] = 0;
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)bench_number("s", colon + 1, 1,
	    65535));
	if (inet_pton(AF_INET, host, &sin->sin_addr) != 1)
		msg_fatal(EX_USAGE, "%s: bad address", spec);
	return sizeof(*sin);
}

/* bench_mil_connect - a connection to SPEC, non-blocking once made; -1 */
static int
bench_mil_connect(const char *spec)
{
	struct sockaddr_storage ss;
	socklen_t len = bench_mil_addr(spec, &ss);
	int fd, one = 1;

	if ((fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
		msg_warn("socket: %m");
		return -1;
	}
	if (ss.ss_family == AF_INET)
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
		    sizeof(one));
	if (connect(fd, (struct sockaddr *)&ss, len) < 0) {
		msg_warn("%s: %m", spec);
		(void)close(fd);
		return -1;
	}
	(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	return fd;
}

/* bench_mil_pkt_begin - start a packet of command CMD; its offset */
static size_t
bench_mil_pkt_begin(struct buf *b, int cmd)
{
	size_t at = b->len;

	(void)buf_append(b, "\0\0\0\0", 4);
	buf_putc(b, cmd);
	return at;
}

/* bench_mil_pkt_end - fill in the length of the packet begun at AT */
static void
bench_mil_pkt_end(struct buf *b, size_t at)
{
	uint32_t n;

	if (b->overflow)
		msg_fatal(EX_SOFTWARE, "packet too long");
	n = htonl((uint32_t)(b->len - at - 4));
	memcpy(b->data + at, &n, 4);
}

/* bench_mil_put32 - a 32-bit integer in network order */
static void
bench_mil_put32(struct buf *b, unsigned long v)
{
	uint32_t n = htonl((uint32_t)v);

	(void)buf_append(b, &n, 4);
}

/* bench_mil_get32 - the 32-bit integer in network order at P */
static unsigned long
bench_mil_get32(const char *p)
{
	uint32_t n;

	memcpy(&n, p, 4);
	return ntohl(n);
}

/* bench_mil_str - a string and its NUL */
static void
bench_mil_str(struct buf *b, const char *s)
{
	(void)buf_append(b, s, strlen(s) + 1);
}

/* bench_mil_optneg - SMFIC_OPTNEG as Postfix 3.7 sends it */
static void
bench_mil_optneg(struct buf *b)
{
	size_t at = bench_mil_pkt_begin(b, 'O');

	bench_mil_put32(b, BENCH_MIL_VERSION);
	bench_mil_put32(b, BENCH_MIL_ACTIONS);
	bench_mil_put32(b, BENCH_MIL_PROTOCOL);
	bench_mil_pkt_end(b, at);
}

/* bench_mil_step - what step S sends */
static const struct bench_mil_stepdef *
bench_mil_step(int s)
{
	static const struct bench_mil_stepdef defs[] = {
		{'C', BENCH_MIL_M_CONNECT, BENCH_MIL_P_NOCONNECT,
		BENCH_MIL_P_NR_CONN, "CONNECT"},
		{'H', BENCH_MIL_M_HELO, BENCH_MIL_P_NOHELO,
		BENCH_MIL_P_NR_HELO, "HELO"},
		{'M', BENCH_MIL_M_MAIL, BENCH_MIL_P_NOMAIL,
		BENCH_MIL_P_NR_MAIL, "MAIL"},
		{'R', BENCH_MIL_M_RCPT, BENCH_MIL_P_NORCPT,
		BENCH_MIL_P_NR_RCPT, "RCPT"},
		{'T', BENCH_MIL_M_DATA, BENCH_MIL_P_NODATA,
		BENCH_MIL_P_NR_DATA, "DATA"},
		/* every header; Postfix sends "i" before each */
		{'L', BENCH_MIL_M_EOH, BENCH_MIL_P_NOHDRS,
		BENCH_MIL_P_NR_HDR, "HEADER"},
		{'N', BENCH_MIL_M_EOH, BENCH_MIL_P_NOEOH,
		BENCH_MIL_P_NR_EOH, "EOH"},
		{'B', BENCH_MIL_M_EOM, BENCH_MIL_P_NOBODY,
		BENCH_MIL_P_NR_BODY, "BODY"},
		{'E', BENCH_MIL_M_EOM, 0, 0, "BODYEOB"},
	};

	return &defs[s];
}

/* bench_mil_listed - whether macro NAME is in the filter's LIST */
static int
bench_mil_listed(const char *list, const char *name)
{
	size_t n = strlen(name), k;
	const char *p = list;

	while (*p) {
		p += strspn(p, " ");
		k = strcspn(p, " ");
		if (k == n && strncmp(p, name, n) == 0)
			return 1;
		p += k;
	}
	return 0;
}

/* bench_mil_macro - one macro of C's list for its STAGE, when listed */
static void
bench_mil_macro(struct buf *b, const struct bench_mil_conn *c, int stage,
    const char *name, const char *value)
{
	if (c->sym[stage] && !bench_mil_listed(c->sym[stage], name))
		return;
	bench_mil_str(b, name);
	bench_mil_str(b, value);
}

/* bench_mil_qid - a queue ID in Postfix's short form (hex, upper case) */
static void
bench_mil_qid(char *out, size_t size, unsigned long serial)
{
	(void)snprintf(out, size, "%05lX%06lX", (serial * 7919UL) & 0xfffff,
	    serial & 0xffffff);
}

/*
 * bench_mil_macros - SMFIC_MACRO for the packet CMD, with the macros of
 * STAGE that Postfix 3.7 sends by default (milter_*_macros) and the
 * values it gives them for a client without TLS or SASL: none at HELO
 * (the packet goes out empty), no "i" at MAIL and RCPT
 * (smtpd_delay_open_until_valid_rcpt), "i" before DATA, each header,
 * EOH, the body and its end.  Where the filter sent a list for STAGE,
 * only the macros in it.
 */
static void
bench_mil_macros(struct buf *b, const struct bench_mil_conn *c, int stage,
    int cmd)
{
	char qid[32], text[128];
	const char *dom = strchr(c->who->sender, '@') + 1;
	size_t at = bench_mil_pkt_begin(b, 'D');

	buf_putc(b, cmd);
	switch (stage) {
	case BENCH_MIL_M_CONNECT:
		(void)snprintf(text, sizeof(text), "mail.sender.example [%s]",
		    c->who->client);
		bench_mil_macro(b, c, stage, "j", "mx.rx.example.org");
		bench_mil_macro(b, c, stage, "{daemon_name}",
		    "mx.rx.example.org");
		bench_mil_macro(b, c, stage, "{daemon_addr}", "192.0.2.25");
		bench_mil_macro(b, c, stage, "v", "Postfix 3.7.11");
		bench_mil_macro(b, c, stage, "_", text);
		break;
	case BENCH_MIL_M_HELO:
		break;
	case BENCH_MIL_M_MAIL:
		bench_mil_macro(b, c, stage, "{mail_addr}", c->who->sender);
		bench_mil_macro(b, c, stage, "{mail_host}", dom);
		bench_mil_macro(b, c, stage, "{mail_mailer}", "smtp");
		break;
	case BENCH_MIL_M_RCPT:
		(void)snprintf(text, sizeof(text), "user%lu@rx.example.org",
		    c->serial % 100);
		bench_mil_macro(b, c, stage, "{rcpt_addr}", text);
		bench_mil_macro(b, c, stage, "{rcpt_host}", "rx.example.org");
		bench_mil_macro(b, c, stage, "{rcpt_mailer}", "virtual");
		break;
	default:
		bench_mil_qid(qid, sizeof(qid), c->serial);
		bench_mil_macro(b, c, stage, "i", qid);
		break;
	}
	bench_mil_pkt_end(b, at);
}

/* bench_mil_packet - the packet of step S (after its macros) */
static void
bench_mil_packet(struct buf *b, struct bench_mil_conn *c, int s)
{
	char text[256];
	size_t at = bench_mil_pkt_begin(b, bench_mil_step(s)->cmd), n;
	uint16_t port = htons((uint16_t)(1024 + c->serial % 60000));
	const char *helo = c->who->helo ? c->who->helo : "mail.sender.example";

	switch (s) {
	case BENCH_MIL_S_CONNECT:
		bench_mil_str(b, helo);
		buf_putc(b, '4');
		(void)buf_append(b, &port, 2);
		bench_mil_str(b, c->who->client);
		break;
	case BENCH_MIL_S_HELO:
		bench_mil_str(b, helo);
		break;
	case BENCH_MIL_S_MAIL:
		(void)snprintf(text, sizeof(text), "<%s>", c->who->sender);
		bench_mil_str(b, text);
		break;
	case BENCH_MIL_S_RCPT:
		(void)snprintf(text, sizeof(text), "<user%lu@rx.example.org>",
		    c->serial % 100);
		bench_mil_str(b, text);
		break;
	case BENCH_MIL_S_HDR:
		bench_mil_str(b, c->hv[c->hi].name);
		if (c->proto & BENCH_MIL_P_LEADSPC)
			buf_putc(b, ' ');
		bench_mil_str(b, c->hv[c->hi].value);
		c->hi++;
		break;
	case BENCH_MIL_S_BODY:
		n = c->msg->blen - c->boff;
		n = n < BENCH_MIL_CHUNK ? n : BENCH_MIL_CHUNK;
		(void)buf_append(b, c->msg->body + c->boff, n);
		c->boff += n;
		break;
	default:
		break;			/* DATA, EOH, BODYEOB: nothing */
	}
	bench_mil_pkt_end(b, at);
}

/* bench_mil_spent - whether C has no more of what step S sends */
static int
bench_mil_spent(const struct bench_mil_conn *c, int s)
{
	return (s == BENCH_MIL_S_HDR && c->hi >= c->nhv) ||
	    (s == BENCH_MIL_S_BODY && c->boff >= c->msg->blen);
}

/* bench_mil_advance - C's step once its last packet is done with */
static void
bench_mil_advance(struct bench_mil_conn *c)
{
	if ((c->step == BENCH_MIL_S_HDR || c->step == BENCH_MIL_S_BODY) &&
	    !bench_mil_spent(c, c->step))
		return;			/* the next field or chunk */
	c->step++;
}

/*
 * bench_mil_steps - append to C's output the steps from C->step on, up to
 * the first that has a reply, which C then waits for; steps the filter
 * negotiated away are left out, with their macros, as Postfix does.
 */
static void
bench_mil_steps(struct bench_mil_conn *c)
{
	const struct bench_mil_stepdef *d;

	while (c->step < BENCH_MIL_S_END) {
		d = bench_mil_step(c->step);
		if ((c->proto & d->no) || bench_mil_spent(c, c->step)) {
			c->step++;
			continue;
		}
		bench_mil_macros(&c->out, c, d->stage, d->cmd);
		bench_mil_packet(&c->out, c, c->step);
		if (!(c->proto & d->nr))
			return;
		bench_mil_advance(c);
	}
}

/* bench_mil_cmdname - the name of command CMD, sent (TO) or received */
static const char *
bench_mil_cmdname(int to, int cmd)
{
	static const char *const sent[] = {
		"A", "ABORT", "B", "BODY", "C", "CONNECT", "D", "MACRO",
		"E", "BODYEOB", "H", "HELO", "K", "QUIT_NC", "L", "HEADER",
		"M", "MAIL", "N", "EOH", "O", "OPTNEG", "Q", "QUIT",
		"R", "RCPT", "T", "DATA", "U", "UNKNOWN", NULL,
	};
	static const char *const recv[] = {
		"+", "ADDRCPT", "-", "DELRCPT", "2", "ADDRCPT_PAR",
		"4", "SHUTDOWN", "a", "ACCEPT", "b", "REPLBODY",
		"c", "CONTINUE", "d", "DISCARD", "e", "CHGFROM",
		"f", "CONN_FAIL", "h", "ADDHEADER", "i", "INSHEADER",
		"l", "SETSYMLIST", "m", "CHGHEADER", "p", "PROGRESS",
		"q", "QUARANTINE", "r", "REJECT", "s", "SKIP",
		"t", "TEMPFAIL", "y", "REPLYCODE", "O", "OPTNEG", NULL,
	};
	const char *const *t = to ? sent : recv;

	for (; *t; t += 2)
		if ((*t)[0] == cmd)
			return t[1];
	return "?";
}

/* bench_mil_flags - the names of protocol flags V */
static void
bench_mil_flags(unsigned long v)
{
	static const char *const names[] = {
		"NOCONNECT", "NOHELO", "NOMAIL", "NORCPT", "NOBODY",
		"NOHDRS", "NOEOH", "NR_HDR", "NOUNKNOWN", "NODATA", "SKIP",
		"RCPT_REJ", "NR_CONN", "NR_HELO", "NR_MAIL", "NR_RCPT",
		"NR_DATA", "NR_UNKN", "NR_EOH", "NR_BODY", "HDR_LEADSPC",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (v & (1UL << i))
			printf(" %s", names[i]);
	if (v & ~((1UL << i) - 1))
		printf(" other:0x%lx", v & ~((1UL << i) - 1));
}

/* bench_mil_text - LEN octets at P, quoted, escaped */
static void
bench_mil_text(const char *p, size_t len)
{
	size_t i;

	putchar('"');
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)p[i];

		if (ch == '"' || ch == '\\')
			printf("\\%c", ch);
		else if (ch == '\r')
			printf("\\r");
		else if (ch == '\n')
			printf("\\n");
		else if (isprint(ch))
			putchar(ch);
		else
			printf("\\x%02x", ch);
	}
	putchar('"');
}

/* bench_mil_fields - the NUL-terminated fields of LEN octets at P */
static void
bench_mil_fields(const char *p, size_t len)
{
	const char *nul;

	while (len > 0) {
		nul = memchr(p, 0, len);
		putchar(' ');
		bench_mil_text(p, nul ? (size_t)(nul - p) : len);
		if (nul == NULL)
			printf("(no NUL)");
		len -= nul ? (size_t)(nul - p) + 1 : len;
		p = nul ? nul + 1 : p;
	}
}

/* bench_mil_dump_optneg - the fields of an SMFIC_OPTNEG either way */
static void
bench_mil_dump_optneg(const char *d, size_t len)
{
	unsigned long stage;
	const char *nul;
	size_t n;

	if (len < 12) {
		printf(" short:");
		bench_mil_fields(d, len);
		return;
	}
	printf(" version %lu actions 0x%lx protocol 0x%lx:",
	    bench_mil_get32(d), bench_mil_get32(d + 4), bench_mil_get32(d + 8));
	bench_mil_flags(bench_mil_get32(d + 8));
	d += 12;
	len -= 12;
	while (len >= 4) {
		stage = bench_mil_get32(d);
		d += 4;
		len -= 4;
		nul = memchr(d, 0, len);
		n = nul ? (size_t)(nul - d) : len;
		printf("\n      symlist stage %lu: ", stage);
		bench_mil_text(d, n);
		if (nul == NULL)
			return;
		d += n + 1;
		len -= n + 1;
	}
}

/* bench_mil_dump - one packet, sent (TO) or received, decoded */
static void
bench_mil_dump(int to, int cmd, const char *d, size_t len)
{
	uint16_t port;

	printf("%s %c %-11s", to ? ">" : "<", cmd, bench_mil_cmdname(to, cmd));
	if (cmd == 'O')
		bench_mil_dump_optneg(d, len);
	else if (to && cmd == 'C' && len > 0 && memchr(d, 0, len) &&
	    (size_t)((const char *)memchr(d, 0, len) - d) + 4 <= len) {
		size_t h = (size_t)((const char *)memchr(d, 0, len) - d);

		memcpy(&port, d + h + 2, 2);
		printf(" host ");
		bench_mil_text(d, h);
		printf(" family %c port %u address", d[h + 1], ntohs(port));
		bench_mil_fields(d + h + 4, len - h - 4);
	} else if (to && cmd == 'D' && len > 0) {
		printf(" for %c:", d[0]);
		bench_mil_fields(d + 1, len - 1);
	} else if (!to && (cmd == 'i' || cmd == 'm') && len >= 4) {
		printf(" index %lu", bench_mil_get32(d));
		bench_mil_fields(d + 4, len - 4);
	} else if (cmd == 'B' || cmd == 'b') {
		printf(" %zu octets ", len);
		bench_mil_text(d, len);
	} else
		bench_mil_fields(d, len);
	putchar('\n');
}

/* bench_mil_dump_out - the packets of C's output not yet sent */
static void
bench_mil_dump_out(const struct bench_mil_conn *c)
{
	const char *p = c->out.data + c->off;
	size_t left = c->out.len - c->off, n;

	while (left >= 5) {
		n = bench_mil_get32(p);
		if (n == 0 || n + 4 > left)
			break;
		bench_mil_dump(1, p[4], p + 5, n - 1);
		p += n + 4;
		left -= n + 4;
	}
	fflush(stdout);
}

/* Outcomes of a message. */
enum {
	BENCH_MIL_O_ACCEPT, BENCH_MIL_O_REJECT, BENCH_MIL_O_TEMPFAIL,
	BENCH_MIL_O_DISCARD, BENCH_MIL_O_ERROR
};

/* What a reply leaves the message with. */
enum { BENCH_MIL_R_WAIT, BENCH_MIL_R_NEXT, BENCH_MIL_R_DONE };

/* bench_mil_lat_add - record one latency */
static void
bench_mil_lat_add(struct bench_mil_lat *l, double secs)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 4096;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = secs;
}

/* bench_mil_flush - write what C can of its output; -1 on error */
static int
bench_mil_flush(struct bench_mil_run *r, struct bench_mil_conn *c)
{
	struct epoll_event ev;
	ssize_t n;
	int out;

	if (r->once)
		bench_mil_dump_out(c);
	while (c->off < c->out.len) {
		n = write(c->fd, c->out.data + c->off, c->out.len - c->off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n <= 0)
			return -1;
		c->off += (size_t)n;
	}
	if (c->off == c->out.len) {
		buf_reset(&c->out);
		c->off = 0;
	}
	out = c->off < c->out.len;
	if (out != c->want_out) {
		memset(&ev, 0, sizeof(ev));
		ev.events = EPOLLIN | (out ? EPOLLOUT : 0);
		ev.data.u64 = c->idx;
		(void)epoll_ctl(r->epfd, EPOLL_CTL_MOD, c->fd, &ev);
		c->want_out = out;
	}
	return 0;
}

/* bench_mil_open - connect C to the filter and watch it; -1 on error */
static int
bench_mil_open(struct bench_mil_run *r, struct bench_mil_conn *c)
{
	struct epoll_event ev;

	(void)r;
	if ((c->fd = bench_mil_connect(c->spec)) < 0)
		return -1;
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.u64 = c->idx;
	if (epoll_ctl(r->epfd, EPOLL_CTL_ADD, c->fd, &ev) < 0) {
		msg_warn("epoll_ctl: %m");
		return -1;
	}
	c->want_out = 0;
	c->state = BENCH_MIL_IDLE;
	c->proto = 0;
	c->gen++;
	buf_reset(&c->in);
	return 0;
}

/*
 * bench_mil_start - C's conversation of its message (C->msg, C->hv):
 * connect and negotiate when C has no open connection; -1 on error
 */
static int
bench_mil_start(struct bench_mil_run *r, struct bench_mil_conn *c)
{
	c->hdr_mods = 0;
	c->hi = 0;
	c->boff = 0;
	buf_reset(&c->mods);
	if (c->fd < 0 && bench_mil_open(r, c) < 0)
		return -1;
	if (c->state == BENCH_MIL_IDLE && c->proto == 0) {
		/* not negotiated yet on this connection */
		bench_mil_optneg(&c->out);
		c->state = BENCH_MIL_OPTNEG;
	} else {
		c->state = BENCH_MIL_MSG;
		c->step = BENCH_MIL_S_CONNECT;
		bench_mil_steps(c);
	}
	return bench_mil_flush(r, c);
}

/* bench_mil_begin - start C's next message; -1 on error */
static int
bench_mil_begin(struct bench_mil_run *r, struct bench_mil_conn *c)
{
	static const struct bench_mil_msg fixed = {
		.body = BENCH_MIL_BODY, .blen = sizeof(BENCH_MIL_BODY) - 1,
	};
	static struct bench_mil_hdr hdrs[BENCH_MIL_NHDRS];
	size_t i;

	c->serial = ++bench_mil_serial;
	if (r->msgs) {
		c->msg = &r->msgs[r->once ? 0 : c->serial % r->nmsgs];
		c->who = &c->msg->env;
	} else {
		for (i = 0; i < BENCH_MIL_NHDRS; i++)
			hdrs[i] = (struct bench_mil_hdr){
				bench_mil_headers[i][0], bench_mil_headers[i][1]
			};
		c->msg = &fixed;
		if (r->once == 0 || c->who == NULL)
			c->who = &bench_mil_senders[c->serial %
			    BENCH_MIL_SENDERS];
	}
	c->hv = c->msg->hdrs ? c->msg->hdrs : hdrs;
	c->nhv = c->msg->hdrs ? c->msg->nhdrs : BENCH_MIL_NHDRS;
	c->start = bench_now();
	r->busy++;
	return bench_mil_start(r, c);
}

/* bench_mil_modlist - the header changes in M: *N records, walked by F */
static void
bench_mil_modlist(const struct buf *m, void (*f)(void *, int,
    const char *, const char *), void *arg)
{
	const char *p = m->data, *end = m->data + m->len, *name;

	while (p < end) {
		int cmd = *p++;

		name = p;
		p += strlen(p) + 1;
		f(arg, cmd, name, p);
		p += strlen(p) + 1;
	}
}

/* The header fields of the second filter, as they are put together. */
struct bench_mil_hvbuild {
	struct bench_mil_hdr *v;
	size_t		n;
	int		which;		/* 'i' inserted, 'h' added */
};

/* bench_mil_hvadd - one header change of the kind being gathered */
static void
bench_mil_hvadd(void *arg, int cmd, const char *name, const char *value)
{
	struct bench_mil_hvbuild *b = arg;

	if (cmd == b->which)
		b->v[b->n++] = (struct bench_mil_hdr){name, value};
}

/*
 * bench_mil_chain - C's message, accepted by the first filter, goes on to
 * the second (C->next) with the first one's header changes applied as
 * Postfix applies them before the next Milter sees the message: inserted
 * fields on top (their index is not kept), added ones at the end;
 * changes of existing fields are not applied.  -1 on error
 */
static int
bench_mil_chain(struct bench_mil_run *r, struct bench_mil_conn *c)
{
	struct bench_mil_conn *n = c->next;
	struct bench_mil_hvbuild b;

	n->serial = c->serial;
	n->who = c->who;
	n->msg = c->msg;
	n->start = c->start;
	n->hvs = xrealloc(n->hvs, (c->nhv + (size_t)c->hdr_mods + 1) *
	    sizeof(*n->hvs));
	b.v = n->hvs;
	b.n = 0;
	b.which = 'i';
	bench_mil_modlist(&c->mods, bench_mil_hvadd, &b);
	memcpy(b.v + b.n, c->hv, c->nhv * sizeof(*c->hv));
	b.n += c->nhv;
	b.which = 'h';
	bench_mil_modlist(&c->mods, bench_mil_hvadd, &b);
	n->hv = n->hvs;
	n->nhv = b.n;
	return bench_mil_start(r, n);
}

/*
 * bench_mil_negotiated - the filter's SMFIC_OPTNEG reply (LEN octets at
 * D) on C: its protocol flags and macro lists; then the message.  -1 when
 * it is no such reply.
 */
static int
bench_mil_negotiated(struct bench_mil_conn *c, int cmd, const char *d,
    size_t len)
{
	unsigned long stage;
	const char *nul;
	int i;

	if (cmd != 'O' || len < 12 ||
	    bench_mil_get32(d) < 2 || bench_mil_get32(d) > BENCH_MIL_VERSION)
		return -1;
	/* "no flag" must stay different from "not negotiated yet" */
	c->proto = (bench_mil_get32(d + 8) & BENCH_MIL_PROTOCOL) | (1UL << 31);
	for (i = 0; i < BENCH_MIL_STAGES; i++) {
		free(c->sym[i]);
		c->sym[i] = NULL;
	}
	for (d += 12, len -= 12; len > 4; d = nul + 1) {
		stage = bench_mil_get32(d);
		if ((nul = memchr(d + 4, 0, len - 4)) == NULL)
			return -1;
		if (stage < BENCH_MIL_STAGES) {
			free(c->sym[stage]);
			c->sym[stage] = xstrdup(d + 4);
		}
		len -= (size_t)(nul + 1 - d);
	}
	c->state = BENCH_MIL_MSG;
	c->step = BENCH_MIL_S_CONNECT;
	bench_mil_steps(c);
	return 0;
}

/*
 * bench_mil_mod - keep header change CMD (LEN octets at D: SMFIR_ADDHEADER
 * name and value, INSHEADER and CHGHEADER an index first) of C's message
 */
static void
bench_mil_mod(struct bench_mil_conn *c, int cmd, const char *d, size_t len)
{
	const char *name, *value, *nul;
	size_t skip = cmd == 'h' ? 0 : 4;

	if (len < skip + 2 || d[len - 1] != 0 ||
	    (nul = memchr(d + skip, 0, len - skip)) == NULL ||
	    nul + 1 >= d + len)
		return;
	name = d + skip;
	value = nul + 1;
	value += strspn(value, " \t");
	buf_putc(&c->mods, cmd);
	(void)buf_append(&c->mods, name, strlen(name) + 1);
	(void)buf_append(&c->mods, value, strlen(value) + 1);
	if (c->mods.overflow)
		msg_fatal(EX_SOFTWARE, "more than %d octets of header changes",
		    BENCH_MIL_MODS_MAX);
}

/* What the Authentication-Results fields of a message say. */
struct bench_mil_verdict {
	unsigned	dkim_pass;	/* dkim=pass */
	unsigned	dkim_other;	/* dkim= anything else */
	char		dmarc[16];	/* the first dmarc= result */
	char		text[BENCH_MIL_AR_TEXT];	/* the fields, cut */
};

/* bench_mil_method - the result after METHOD= at P, in OUT (SIZE) */
static void
bench_mil_method(const char *p, char *out, size_t size)
{
	size_t n = strcspn(p, " \t\r\n;()");

	n = n < size - 1 ? n : size - 1;
	memcpy(out, p, n);
	out[n] = 0;
}

/* bench_mil_ar - tally one Authentication-Results field into ARG */
static void
bench_mil_ar(void *arg, int cmd, const char *name, const char *value)
{
	struct bench_mil_verdict *v = arg;
	const char *p;
	char res[16];
	size_t have = strlen(v->text);

	if (cmd == 'm' || strcasecmp(name, "Authentication-Results") != 0)
		return;
	(void)snprintf(v->text + have, sizeof(v->text) - have, "%s[%s]",
	    have ? " " : "", value);
	for (p = value; (p = strstr(p, "=")) != NULL; p++) {
		if (p - value >= 4 && strncasecmp(p - 4, "dkim", 4) == 0 &&
		    (p - value == 4 || strchr(" \t\n;", p[-5]))) {
			bench_mil_method(p + 1, res, sizeof(res));
			if (strcasecmp(res, "pass") == 0)
				v->dkim_pass++;
			else
				v->dkim_other++;
		} else if (p - value >= 5 &&
		    strncasecmp(p - 5, "dmarc", 5) == 0 &&
		    (p - value == 5 || strchr(" \t\n;", p[-6])) &&
		    v->dmarc[0] == 0)
			bench_mil_method(p + 1, v->dmarc, sizeof(v->dmarc));
	}
}

/*
 * bench_mil_wrong - whether the Authentication-Results fields the filters
 * added to C's message (on both, with -S) differ from what the set
 * expects: as many dkim=pass and other dkim= results, the dmarc= result
 */
static int
bench_mil_wrong(struct bench_mil_run *r, const struct bench_mil_conn *c)
{
	struct bench_mil_verdict v;
	const struct bench_mil_msg *m = c->msg;

	memset(&v, 0, sizeof(v));
	if (c->prev)
		bench_mil_modlist(&c->prev->mods, bench_mil_ar, &v);
	bench_mil_modlist(&c->mods, bench_mil_ar, &v);
	if (v.dkim_pass == m->dkim_pass && v.dkim_other == m->dkim_other &&
	    strcasecmp(v.dmarc, m->dmarc) == 0)
		return 0;
	if (r->wrongwhy[0] == 0)
		(void)snprintf(r->wrongwhy, sizeof(r->wrongwhy),
		    "want dkim %u pass %u other dmarc=%s: %s", m->dkim_pass,
		    m->dkim_other, m->dmarc, v.text[0] ? v.text : "no A-R");
	return 1;
}

/*
 * bench_mil_reply - reply CMD (LEN octets at D) to C's step; *OUTCOME is
 * set when the message is done.  Modifications come before the final
 * reply to BODYEOB only; SMFIR_PROGRESS asks for more patience.
 */
static int
bench_mil_reply(struct bench_mil_conn *c, int cmd, const char *d,
    size_t len, int *outcome)
{
	int eom = c->step == BENCH_MIL_S_EOM;

	switch (cmd) {
	case 'c':
	case 's':
		if (!eom)
			return BENCH_MIL_R_NEXT;
		/* FALLTHROUGH */
	case 'a':
		*outcome = BENCH_MIL_O_ACCEPT;
		return BENCH_MIL_R_DONE;
	case 'r':
		*outcome = BENCH_MIL_O_REJECT;
		return BENCH_MIL_R_DONE;
	case 't':
	case 'f':
	case '4':
		*outcome = BENCH_MIL_O_TEMPFAIL;
		return BENCH_MIL_R_DONE;
	case 'd':
		*outcome = BENCH_MIL_O_DISCARD;
		return BENCH_MIL_R_DONE;
	case 'y':
		*outcome = len > 0 && d[0] == '5' ? BENCH_MIL_O_REJECT :
		    len > 0 && d[0] == '4' ? BENCH_MIL_O_TEMPFAIL :
		    BENCH_MIL_O_ERROR;
		return BENCH_MIL_R_DONE;
	case 'p':
		return BENCH_MIL_R_WAIT;
	case 'h':
	case 'i':
	case 'm':
		c->hdr_mods++;
		if (eom)
			bench_mil_mod(c, cmd, d, len);
		/* FALLTHROUGH */
	case '+':
	case '-':
	case '2':
	case 'e':
	case 'b':
	case 'q':
		if (eom)
			return BENCH_MIL_R_WAIT;
		/* FALLTHROUGH */
	default:
		*outcome = BENCH_MIL_O_ERROR;
		return BENCH_MIL_R_DONE;
	}
}

/* bench_mil_count - count the message C ended with OUTCOME */
static void
bench_mil_count(struct bench_mil_run *r, const struct bench_mil_conn *c,
    int outcome, double now)
{
	struct bench_mil_count *k = &r->cnt;

	if (r->once) {
		if (c->msg->dmarc && outcome == BENCH_MIL_O_ACCEPT &&
		    bench_mil_wrong(r, c))
			printf("verdict: %s\n", r->wrongwhy);
		printf("outcome: %s at %s, %d header change(s), %.3f ms\n",
		    outcome == BENCH_MIL_O_ACCEPT ? "accepted" :
		    outcome == BENCH_MIL_O_REJECT ? "rejected" :
		    outcome == BENCH_MIL_O_TEMPFAIL ? "tempfailed" :
		    outcome == BENCH_MIL_O_DISCARD ? "discarded" :
		    "protocol error", bench_mil_step(c->step)->name,
		    c->hdr_mods, (now - c->start) * 1e3);
		k->errors += outcome == BENCH_MIL_O_ERROR;
		return;
	}
	if (c->start < r->from)
		return;
	bench_mil_lat_add(&r->lat, now - c->start);
	k->hdr += c->hdr_mods + (c->prev ? c->prev->hdr_mods : 0) > 0;
	if (c->msg->dmarc)
		k->wrong += outcome != BENCH_MIL_O_ACCEPT ||
		    bench_mil_wrong(r, c);
	else
		k->wrong += c->who->fail ? outcome == BENCH_MIL_O_ACCEPT :
		    outcome == BENCH_MIL_O_REJECT;
	if (outcome == BENCH_MIL_O_ACCEPT)
		k->accept++;
	else if (outcome == BENCH_MIL_O_REJECT && c->step == BENCH_MIL_S_MAIL)
		k->rej_mail++;
	else if (outcome == BENCH_MIL_O_REJECT && c->step == BENCH_MIL_S_RCPT)
		k->rej_rcpt++;
	else if (outcome == BENCH_MIL_O_REJECT)
		k->rej_other++;
	else if (outcome == BENCH_MIL_O_TEMPFAIL)
		k->tempfail++;
	else if (outcome == BENCH_MIL_O_DISCARD)
		k->discard++;
	else
		k->errors++;
}

/*
 * bench_mil_end - C's message is over.  After the reply to BODYEOB the
 * next session may follow on the same connection: SMFIC_QUIT_NC (libmilter
 * takes it only there, not after an ABORT or a reject).  Otherwise, and
 * always with -R: SMFIC_ABORT once a transaction began (smtpd sends it
 * whenever one ends), SMFIC_QUIT, and the connection closed; the next
 * message opens a new one.  Then the next message, when there is time.
 * -1 on error.
 */
static int
bench_mil_end(struct bench_mil_run *r, struct bench_mil_conn *c,
    int outcome, double now)
{
	int keep = !r->reconnect && c->step == BENCH_MIL_S_EOM;
	int pass_on = c->next && outcome == BENCH_MIL_O_ACCEPT;

	if (!pass_on) {
		bench_mil_count(r, c, outcome, now);
		r->busy--;
	}
	if (!keep && c->step >= BENCH_MIL_S_MAIL)
		bench_mil_pkt_end(&c->out, bench_mil_pkt_begin(&c->out, 'A'));
	bench_mil_pkt_end(&c->out, bench_mil_pkt_begin(&c->out,
	    keep ? 'K' : 'Q'));
	c->state = BENCH_MIL_IDLE;
	if (bench_mil_flush(r, c) < 0)
		return -1;
	if (!keep) {
		/* ABORT and QUIT are ten octets: out whole or not at all */
		(void)close(c->fd);
		c->fd = -1;
		c->proto = 0;
		buf_reset(&c->out);
		c->off = 0;
		c->want_out = 0;
	}
	if (pass_on)
		return bench_mil_chain(r, c);
	if (outcome == BENCH_MIL_O_ERROR && r->once)
		return -1;
	if (now < r->end && (r->stop_at == 0 || bench_mil_serial < r->stop_at))
		return bench_mil_begin(r, c->prev ? c->prev : c);
	return 0;
}

/* bench_mil_packet_in - one packet (CMD, LEN octets at D) for C */
static int
bench_mil_packet_in(struct bench_mil_run *r, struct bench_mil_conn *c,
    int cmd, const char *d, size_t len)
{
	int outcome = BENCH_MIL_O_ERROR;

	if (r->once)
		bench_mil_dump(0, cmd, d, len);
	if (c->state == BENCH_MIL_OPTNEG) {
		if (bench_mil_negotiated(c, cmd, d, len) < 0) {
			msg_warn("connection %zu: bad OPTNEG reply", c->idx);
			return -1;
		}
		return bench_mil_flush(r, c);
	}
	if (c->state != BENCH_MIL_MSG) {
		r->cnt.errors++;	/* nothing was asked */
		return 0;
	}
	switch (bench_mil_reply(c, cmd, d, len, &outcome)) {
	case BENCH_MIL_R_WAIT:
		return 0;
	case BENCH_MIL_R_NEXT:
		bench_mil_advance(c);
		bench_mil_steps(c);
		return bench_mil_flush(r, c);
	default:
		if ((outcome == BENCH_MIL_O_TEMPFAIL ||
		    outcome == BENCH_MIL_O_ERROR) && r->why[0] == 0)
			(void)snprintf(r->why, sizeof(r->why),
			    "'%c' at %s: %.*s", cmd,
			    bench_mil_step(c->step)->name,
			    (int)strnlen(d, len < 100 ? len : 100), d);
		return bench_mil_end(r, c, outcome, bench_now());
	}
}

/* bench_mil_input - read and handle what the filter sent C; -1 on error */
static int
bench_mil_input(struct bench_mil_run *r, struct bench_mil_conn *c)
{
	char chunk[BENCH_MIL_READ];
	size_t used = 0, n;
	ssize_t got;
	unsigned long gen = c->gen;

	got = read(c->fd, chunk, sizeof(chunk));
	if (got < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	if (got == 0 || buf_append(&c->in, chunk, (size_t)got) < 0)
		return -1;
	while (c->in.len - used >= 4) {
		n = bench_mil_get32(c->in.data + used);
		if (n == 0 || n > BENCH_MIL_PKT_MAX) {
			msg_warn("connection %zu: packet length %zu", c->idx,
			    n);
			return -1;
		}
		if (c->in.len - used < 4 + n)
			break;
		if (bench_mil_packet_in(r, c, c->in.data[used + 4],
		    c->in.data + used + 5, n - 1) < 0)
			return -1;
		used += 4 + n;
		if (c->gen != gen || c->fd < 0)
			return 0;	/* closed (-R): the rest is moot */
	}
	if (used > 0) {
		memmove(c->in.data, c->in.data + used, c->in.len - used);
		buf_truncate(&c->in, c->in.len - used);
	}
	return 0;
}

/* bench_mil_io - C is ready (REVENTS); -1 when it failed or closed */
static int
bench_mil_io(struct bench_mil_run *r, struct bench_mil_conn *c,
    unsigned revents)
{
	if (c->fd < 0)
		return 0;		/* closed (-R): the old one's event */
	if ((revents & EPOLLOUT) && c->off < c->out.len &&
	    bench_mil_flush(r, c) < 0)
		return -1;
	if (revents & (EPOLLIN | EPOLLHUP | EPOLLERR))
		return bench_mil_input(r, c);
	return 0;
}

/*
 * bench_mil_drive - start a message on each of N connections and keep
 * them busy until R->end; 0, or -1 when a connection failed or closed.
 */
static int
bench_mil_drive(struct bench_mil_run *r, struct bench_mil_conn *cs,
    size_t n)
{
	struct epoll_event evs[BENCH_MIL_EVENTS];
	double now, last = bench_now();
	size_t i;
	int k, nev;

	for (i = 0; i < n; i++)
		if (bench_mil_begin(r, &cs[i]) < 0) {
			msg_warn("connection %zu: failed", i);
			return -1;
		}
	while (r->busy > 0) {
		nev = epoll_wait(r->epfd, evs, BENCH_MIL_EVENTS,
		    BENCH_MIL_POLL_MS);
		if (nev < 0 && errno != EINTR) {
			msg_warn("epoll_wait: %m");
			return -1;
		}
		now = bench_now();
		for (k = 0; k < nev; k++) {
			i = (size_t)evs[k].data.u64;
			last = now;
			if (bench_mil_io(r, &cs[i], evs[k].events) < 0) {
				msg_warn("connection %zu: closed or failed in"
				    " %s", i, bench_mil_step(cs[i].step)->name);
				return -1;
			}
		}
		if (now - last > BENCH_MIL_IO_MS / 1e3) {
			msg_warn("no reply for %d ms", BENCH_MIL_IO_MS);
			return -1;
		}
	}
	return 0;
}

/* bench_mil_cmp - qsort order of doubles */
static int
bench_mil_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* bench_mil_pct - the P-th percentile of sorted L, in milliseconds */
static double
bench_mil_pct(const struct bench_mil_lat *l, double p)
{
	size_t i;

	if (l->n == 0)
		return 0;
	i = (size_t)(p / 100.0 * (double)(l->n - 1) + 0.5);
	return l->v[i] * 1e3;
}

/* bench_mil_report - the result lines of a load run */
static void
bench_mil_report(struct bench_mil_run *r, const char *label, size_t n,
    double secs, double cpu, double srv)
{
	const struct bench_mil_count *k = &r->cnt;
	double mps = (double)r->lat.n / secs;

	qsort(r->lat.v, r->lat.n, sizeof(*r->lat.v), bench_mil_cmp);
	printf("%-12s %4zu conns %7zu msg %7.0f msg/s  p50 %6.3f p99 %6.3f"
	    " max %7.3f ms  acc %lu rej %lu/%lu/%lu tmp %lu hdr %lu"
	    " wrong %lu err %lu  cpu %3.0f%%", label, n, r->lat.n, mps,
	    bench_mil_pct(&r->lat, 50), bench_mil_pct(&r->lat, 99),
	    bench_mil_pct(&r->lat, 100), k->accept, k->rej_mail, k->rej_rcpt,
	    k->rej_other, k->tempfail, k->hdr, k->wrong, k->errors,
	    cpu / secs * 100);
	if (srv >= 0)
		printf(" srv %3.0f%%", srv / secs * 100);
	if (r->why[0])
		printf("\n%-12s first tempfail or error: %s", label, r->why);
	if (r->wrongwhy[0])
		printf("\n%-12s first wrong verdict: %s", label, r->wrongwhy);
	printf("\nMILTERBENCH {\"label\":\"%s\",\"conns\":%zu,\"reconnect\":%d,"
	    "\"seconds\":%.3f,\"messages\":%zu,\"mps\":%.1f,\"p50_ms\":%.3f,"
	    "\"p99_ms\":%.3f,\"max_ms\":%.3f,\"accept\":%lu,"
	    "\"reject_mail\":%lu,\"reject_rcpt\":%lu,\"reject_other\":%lu,"
	    "\"tempfail\":%lu,\"discard\":%lu,\"hdr_changed\":%lu,"
	    "\"wrong\":%lu,\"errors\":%lu,\"cpu_pct\":%.1f,"
	    "\"srv_cpu_pct\":%.1f}\n",
	    label, n, r->reconnect, secs, r->lat.n, mps,
	    bench_mil_pct(&r->lat, 50), bench_mil_pct(&r->lat, 99),
	    bench_mil_pct(&r->lat, 100), k->accept, k->rej_mail, k->rej_rcpt,
	    k->rej_other, k->tempfail, k->discard, k->hdr, k->wrong,
	    k->errors, cpu / secs * 100, srv >= 0 ? srv / secs * 100 : -1.0);
	fflush(stdout);
}

/* bench_mil_nconns - how many connections N clients of R make */
static size_t
bench_mil_nconns(const struct bench_mil_run *r, size_t n)
{
	return r->spec2 ? 2 * n : n;
}

/*
 * bench_mil_conns - the connections of N clients, none open yet: one to
 * the filter each, with -S a second to the second filter (N + i for i)
 */
static struct bench_mil_conn *
bench_mil_conns(const struct bench_mil_run *r, size_t n)
{
	size_t i, all = bench_mil_nconns(r, n);
	struct bench_mil_conn *cs = xcalloc(all, sizeof(*cs));

	for (i = 0; i < all; i++) {
		cs[i].fd = -1;
		cs[i].idx = i;
		cs[i].spec = i < n ? r->spec : r->spec2;
		buf_init(&cs[i].out, BENCH_MIL_OUT_MAX);
		buf_init(&cs[i].in, BENCH_MIL_IN_MAX);
		buf_init(&cs[i].mods, BENCH_MIL_MODS_MAX);
		if (r->spec2 && i < n) {
			cs[i].next = &cs[n + i];
			cs[n + i].prev = &cs[i];
		}
	}
	return cs;
}

/* bench_mil_free - close and free the connections of N clients */
static void
bench_mil_free(const struct bench_mil_run *r, struct bench_mil_conn *cs,
    size_t n)
{
	size_t i, all = bench_mil_nconns(r, n);
	int k;

	for (i = 0; i < all; i++) {
		if (cs[i].fd >= 0)
			(void)close(cs[i].fd);
		buf_free(&cs[i].out);
		buf_free(&cs[i].in);
		buf_free(&cs[i].mods);
		free(cs[i].hvs);
		for (k = 0; k < BENCH_MIL_STAGES; k++)
			free(cs[i].sym[k]);
	}
	free(cs);
}

/* bench_mil_cpu - CPU seconds the processes PIDS used; -1: unknown */
static double
bench_mil_cpu(const unsigned long *pids, size_t npids)
{
	double sum = 0, one;
	size_t i;

	for (i = 0; i < npids; i++) {
		if ((one = bench_proc_cpu(pids[i])) < 0)
			return -1;
		sum += one;
	}
	return npids ? sum : -1;
}

/* bench_mil_load - the -c run; PIDS are the filters' processes */
static int
bench_mil_load(struct bench_mil_run *r, size_t n, unsigned secs,
    unsigned warm, const char *label, const unsigned long *pids,
    size_t npids)
{
	struct bench_mil_conn *cs = bench_mil_conns(r, n);
	double t0, t1, c0, c1, s0, s1;
	int ret = 1;

	/* Warm-up: the DNS answers and the filter's caches, not counted. */
	r->from = bench_now() + BENCH_MIL_MAX_SECONDS * 2;
	r->end = bench_now() + (r->pass ? BENCH_MIL_MAX_SECONDS : warm);
	if (r->pass)
		r->stop_at = bench_mil_serial + r->nmsgs;
	if (bench_mil_drive(r, cs, n) < 0)
		goto out;
	r->stop_at = 0;
	memset(&r->cnt, 0, sizeof(r->cnt));
	r->lat.n = 0;
	r->why[0] = 0;
	r->wrongwhy[0] = 0;
	s0 = bench_mil_cpu(pids, npids);
	c0 = bench_self_cpu();
	t0 = r->from = bench_now();
	r->end = t0 + secs;
	if (bench_mil_drive(r, cs, n) < 0)
		goto out;
	t1 = bench_now();
	c1 = bench_self_cpu();
	s1 = bench_mil_cpu(pids, npids);
	bench_mil_report(r, label, n, t1 - t0, c1 - c0,
	    s0 >= 0 && s1 >= 0 ? s1 - s0 : -1);
	ret = 0;

out:
	bench_mil_free(r, cs, n);
	return ret;
}

/* bench_mil_once - the --once run: SENDER from ADDR, every packet shown */
static int
bench_mil_once(struct bench_mil_run *r, const char *sender,
    const char *addr)
{
	struct bench_mil_conn *cs = bench_mil_conns(r, 1);
	struct bench_mil_sender who = {sender, addr, 0, NULL};
	int ret = 1;

	if (strchr(sender, '@') == NULL)
		msg_fatal(EX_USAGE, "-f %s: not local@domain", sender);
	cs->who = &who;
	r->once = 1;
	r->reconnect = 1;		/* QUIT at the end, as smtpd does */
	r->from = r->end = 0;
	if (bench_mil_drive(r, cs, 1) == 0 && r->cnt.errors == 0)
		ret = 0;
	bench_mil_free(r, cs, 1);
	return ret;
}

/* bench_mil_slurp - the whole of file PATH, NUL-terminated; *LEN */
static char *
bench_mil_slurp(const char *path, size_t *len)
{
	struct buf b;
	char chunk[BENCH_MIL_READ];
	size_t n;
	FILE *fp;

	if ((fp = fopen(path, "rb")) == NULL)
		msg_fatal(EX_NOINPUT, "%s: %m", path);
	buf_init(&b, BENCH_MIL_MSG_MAX);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		if (buf_append(&b, chunk, n) < 0)
			msg_fatal(EX_DATAERR, "%s: over %d octets", path,
			    BENCH_MIL_MSG_MAX);
	if (ferror(fp))
		msg_fatal(EX_IOERR, "%s: %m", path);
	(void)fclose(fp);
	*len = b.len;
	return buf_steal(&b);
}

/*
 * bench_mil_parse - split message M (its file in M->store, LEN octets)
 * into header fields as Postfix passes them on (a field's lines joined by
 * "\n", the blanks after its colon left off) and the body after the empty
 * line; the fields are rewritten in place.
 */
static void
bench_mil_parse(struct bench_mil_msg *m, size_t len, const char *path)
{
	char *p = m->store, *end = p + len, *eol, *w, *colon;
	size_t cap = 0;

	while (p < end && *p != '\r' && *p != '\n') {
		if (m->nhdrs == cap) {
			cap = cap ? 2 * cap : 16;
			m->hdrs = xrealloc(m->hdrs, cap * sizeof(*m->hdrs));
		}
		if ((colon = memchr(p, ':', (size_t)(end - p))) == NULL)
			msg_fatal(EX_DATAERR, "%s: a header line without colon",
			    path);
		*colon = 0;
		m->hdrs[m->nhdrs].name = p;
		p = colon + 1;
		p += strspn(p, " \t");
		m->hdrs[m->nhdrs++].value = w = p;
		for (;;) {		/* the field's lines, "\n" between */
			if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
				eol = end;
			memmove(w, p, (size_t)(eol - p));
			w += eol - p - (eol > p && eol[-1] == '\r');
			p = eol + 1;
			if (p >= end || (*p != ' ' && *p != '\t'))
				break;
			*w++ = '\n';
		}
		*w = 0;
	}
	if (p < end && *p == '\r')
		p++;
	m->body = p < end ? p + 1 : end;
	m->blen = (size_t)(end - m->body);
}

/* bench_mil_expect - the expected dkim= results of LIST ("pass,fail") */
static void
bench_mil_expect(struct bench_mil_msg *m, const char *list)
{
	size_t n;

	while (*list) {
		n = strcspn(list, ",");
		if (n == 4 && strncmp(list, "pass", 4) == 0)
			m->dkim_pass++;
		else if (n > 0 && !(n == 4 && strncmp(list, "none", 4) == 0))
			m->dkim_other++;
		list += n + (list[n] == ',');
	}
}

/*
 * bench_mil_set - the message set of directory DIR (bench/dkim/gen.py):
 * DIR/index, one line per message "FILE CLIENT HELO MAILFROM DKIM DMARC",
 * and the files under DIR/msg; all read into memory now.
 */
static struct bench_mil_msg *
bench_mil_set(const char *dir, size_t *count)
{
	char path[4096], line[BENCH_MIL_LINE];
	char file[256], client[64], helo[256], from[512], dk[256], dm[16];
	struct bench_mil_msg *ms = NULL, *m;
	size_t n = 0, len;
	FILE *fp;

	(void)snprintf(path, sizeof(path), "%s/index", dir);
	if ((fp = fopen(path, "r")) == NULL)
		msg_fatal(EX_NOINPUT, "%s: %m", path);
	while (fgets(line, sizeof(line), fp)) {
		if (sscanf(line, "%255s %63s %255s %511s %255s %15s", file,
		    client, helo, from, dk, dm) != 6)
			msg_fatal(EX_DATAERR, "%s: line %zu: not 6 fields",
			    path, n + 1);
		if (n == BENCH_MIL_MAX_MSGS)
			msg_fatal(EX_DATAERR, "%s: over %d messages", path,
			    BENCH_MIL_MAX_MSGS);
		ms = xrealloc(ms, (n + 1) * sizeof(*ms));
		m = memset(&ms[n++], 0, sizeof(*ms));
		(void)snprintf(path, sizeof(path), "%s/msg/%s", dir, file);
		m->store = bench_mil_slurp(path, &len);
		bench_mil_parse(m, len, path);
		m->env = (struct bench_mil_sender){xstrdup(from),
		    xstrdup(client), 0, xstrdup(helo)};
		if (strchr(from, '@') == NULL)
			msg_fatal(EX_DATAERR, "%s: %s: not local@domain", file,
			    from);
		bench_mil_expect(m, dk);
		m->dmarc = xstrdup(dm);
		(void)snprintf(path, sizeof(path), "%s/index", dir);
	}
	(void)fclose(fp);
	if (n == 0)
		msg_fatal(EX_DATAERR, "%s: no messages", path);
	*count = n;
	return ms;
}

/* bench_mil_set_free - free the N messages of MS */
static void
bench_mil_set_free(struct bench_mil_msg *ms, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(ms[i].hdrs);
		free(ms[i].store);
		free((char *)ms[i].env.sender);
		free((char *)ms[i].env.client);
		free((char *)ms[i].env.helo);
		free((char *)ms[i].dmarc);
	}
	free(ms);
}

/* bench_mil_usage - complain and exit */
static _Noreturn void
bench_mil_usage(void)
{
	fprintf(stderr,
	    "usage: bench_milter -s SOCKET [-S SOCKET2] [-m DIR] -c CONNS"
	    " [-t SECONDS]\n"
	    "           [-w SECONDS | -W] [-R] [-l LABEL] [-p PID]...\n"
	    "       bench_milter -s SOCKET [-S SOCKET2] [-m DIR] --once"
	    " [-f SENDER] [-a ADDRESS]\n");
	exit(EX_USAGE);
}

/* The options of a run. */
struct bench_mil_opts {
	const char     *label;
	const char     *sender;
	const char     *addr;
	const char     *dir;		/* -m */
	unsigned long	conns;
	unsigned long	pids[BENCH_MIL_MAX_PIDS];
	size_t		npids;
	unsigned	secs;
	unsigned	warm;
	int		once;
};

/* bench_mil_opt - option CH with ARG into O and R */
static void
bench_mil_opt(int ch, const char *arg, struct bench_mil_opts *o,
    struct bench_mil_run *r)
{
	switch (ch) {
	case 's':
		r->spec = arg;
		break;
	case 'S':
		r->spec2 = arg;
		break;
	case 'm':
		o->dir = arg;
		break;
	case 'c':
		o->conns = bench_number("c", arg, 1, BENCH_MIL_MAX_CONNS);
		break;
	case 't':
	case 'w':
		*(ch == 't' ? &o->secs : &o->warm) = (unsigned)
		    bench_number(ch == 't' ? "t" : "w", arg, ch == 't',
		    BENCH_MIL_MAX_SECONDS);
		break;
	case 'R':
		r->reconnect = 1;
		break;
	case 'W':
		r->pass = 1;
		break;
	case 'l':
		o->label = arg;
		break;
	case 'p':
		if (o->npids == BENCH_MIL_MAX_PIDS)
			msg_fatal(EX_USAGE, "-p: at most %d",
			    BENCH_MIL_MAX_PIDS);
		o->pids[o->npids++] = bench_number("p", arg, 1, 1UL << 30);
		break;
	case 'f':
	case 'a':
		*(ch == 'f' ? &o->sender : &o->addr) = arg;
		break;
	case 'o':
		o->once = 1;
		break;
	default:
		bench_mil_usage();
	}
}

/* main - parse options, run one measurement */
int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"once", no_argument, NULL, 'o'},
		{NULL, 0, NULL, 0},
	};
	struct bench_mil_run run;
	struct bench_mil_opts o = {
		.label = "filter", .sender = bench_mil_senders[0].sender,
		.addr = bench_mil_senders[0].client,
		.secs = BENCH_MIL_DEF_SECONDS, .warm = BENCH_MIL_DEF_WARM,
	};
	struct bench_mil_msg *set = NULL;
	int ch, ret;

	msg_open("bench_milter", MSG_STDERR, 0, 0);
	(void)signal(SIGPIPE, SIG_IGN);
	memset(&run, 0, sizeof(run));
	while ((ch = getopt_long(argc, argv, "s:S:m:c:t:w:WRl:p:f:a:",
	    longopts, NULL)) != -1)
		bench_mil_opt(ch, optarg, &o, &run);
	if (run.spec == NULL || optind != argc ||
	    (o.conns > 0) + o.once != 1 || (run.pass && o.dir == NULL))
		bench_mil_usage();
	(void)bench_mil_addr(run.spec, &(struct sockaddr_storage){0});
	if (run.spec2)
		(void)bench_mil_addr(run.spec2,
		    &(struct sockaddr_storage){0});
	if (o.dir)
		run.msgs = set = bench_mil_set(o.dir, &run.nmsgs);
	if ((run.epfd = epoll_create1(EPOLL_CLOEXEC)) < 0)
		msg_fatal(EX_OSERR, "epoll_create1: %m");
	if (o.once)
		ret = bench_mil_once(&run, o.sender, o.addr);
	else
		ret = bench_mil_load(&run, o.conns, o.secs, o.warm, o.label,
		    o.pids, o.npids);
	(void)close(run.epfd);
	free(run.lat.v);
	if (set)
		bench_mil_set_free(set, run.nmsgs);
	return ret;
}
