/* mda.h - rmxf procmail: a message's headers to an SPF verdict header */
#ifndef RMXF_MDA_H
#define RMXF_MDA_H

/*
 * NAME
 *	mda 3
 * SUMMARY
 *	the procmail front end: header reader, pass-through writer,
 *	per-user configuration merge, the command
 * SYNOPSIS
 *	#include "mda/mda.h"
 *
 *	enum mda_end mda_hdr_end(const char *in, size_t len, int eof,
 *			size_t max, size_t *end);
 *	void	mda_hdr_parse(const char *in, size_t len, unsigned hops,
 *			struct mda_msg *m);
 *	int	mda_hdr_line(struct buf *out, const char *text, int crlf);
 *	int	mda_pass_head(const char *in, size_t len,
 *			const struct mda_msg *m, const struct buf *hdrs,
 *			int (*wr)(void *, const char *, size_t), void *arg);
 *	int	mda_conf_merge(const char *sys, size_t slen,
 *			const char *user, size_t ulen, struct buf *out);
 *	int	mda_auth_line(const struct mda_auth *in, const char *msg,
 *			size_t len, struct buf *line, struct buf *log,
 *			char *err, size_t errlen);
 *	int	mda_procmail_main(int argc, char **argv);
 * DESCRIPTION
 *	mda_hdr.c and mda_conf.c do no I/O (tests and fuzzers drive them
 *	on byte buffers); mda_procmail.c is the command.  See each file.
 */

#include <stddef.h>

struct buf;

#define MDA_MAX_HEADER	(256 * 1024)	/* header block buffered, octets */
#define MDA_MAX_SENDER	1024		/* Return-Path address, octets */
#define MDA_MAX_HELO	255		/* RFC 1035 2.3.4: a name */
#define MDA_MAX_IPLIT	64		/* "IPv6:" and an address */

/* Where the header block ends (mda_hdr_end). */
enum mda_end {
	MDA_END_MORE,		/* no end yet: read more */
	MDA_END_DONE,		/* *end is just past the empty line, or
				 * the input's end at EOF */
	MDA_END_TOOBIG,		/* max octets and no end: bad headers */
};

/* A part of the input. */
struct mda_span {
	size_t	off;
	size_t	len;
};

/* What the header block says; spans point into the input. */
struct mda_msg {
	size_t		from_len;	/* mbox "From " line with its line
					 * end; 0: none */
	int		crlf;		/* the first line ends in CR LF */
	int		have_sender;	/* Return-Path with an address */
	struct mda_span	sender;		/* between < and >; len 0: <> */
	int		have_client;	/* a Received: with [IP] */
	struct mda_span	ip;		/* the literal, "IPv6:" removed */
	struct mda_span	helo;		/* the word after "from"; may be 0 */
	unsigned	received;	/* Received: headers seen */
	const char     *why;		/* static: why no sender or client */
};

enum mda_end mda_hdr_end(const char *, size_t, int, size_t, size_t *);
void	mda_hdr_parse(const char *, size_t, unsigned, struct mda_msg *);
int	mda_hdr_line(struct buf *, const char *, int);
int	mda_pass_head(const char *, size_t, const struct mda_msg *,
	    const struct buf *, int (*)(void *, const char *, size_t), void *);

int	mda_conf_merge(const char *, size_t, const char *, size_t,
	    struct buf *);

/* mda_auth.c: DKIM and DMARC of the whole message */
#define MDA_MAX_MESSAGE	(64 * 1024 * 1024)	/* read whole, at most */

#include "spf/spf.h"

struct conf;
struct mda_auth {
	const struct conf *conf;
	const char     *zone;		/* --zone, or NULL */
	const char     *forwarders;	/* "IP@PORT ...", or NULL */
	const char     *authserv_id;
	int		spf_checked;
	enum spf_result	spf;		/* MAIL FROM's, for DMARC */
	const char     *spf_domain;
};

int	mda_auth_line(const struct mda_auth *, const char *, size_t,
	    struct buf *, struct buf *, char *, size_t);

int	mda_procmail_main(int, char **);

#endif
