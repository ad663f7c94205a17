/* policy.h - Postfix policy delegation protocol: requests in, actions out */
#ifndef RMXF_POLICY_H
#define RMXF_POLICY_H

/*
 * NAME
 *	policy 3
 * SUMMARY
 *	Postfix SMTPD policy delegation codec (SMTPD_POLICY_README)
 * SYNOPSIS
 *	#include "policy/policy.h"
 *
 *	struct policy_parser *policy_parser_new(const struct policy_limits *);
 *	void	policy_parser_free(struct policy_parser *);
 *	enum policy_status policy_parser_feed(struct policy_parser *,
 *			const char *bytes, size_t len, size_t *used);
 *	const char *policy_parser_error(const struct policy_parser *);
 *	const struct policy_request *policy_parser_request(
 *			const struct policy_parser *);
 *	size_t	policy_parser_pending(const struct policy_parser *);
 *	void	policy_parser_reset(struct policy_parser *);
 *
 *	const char *policy_request_get(const struct policy_request *,
 *			const char *name);
 *	int	policy_request_format(const struct policy_request *,
 *			struct buf *out);
 *	int	policy_log_fields(struct buf *out, const char *queue_id,
 *			const char *client, const char *helo,
 *			const char *sender, const char *rcpt);
 *
 *	int	policy_format_reply(struct buf *out, const char *action);
 *	int	policy_action_dunno(struct buf *action);
 *	int	policy_action_reject(struct buf *action, int code,
 *			const char *enhanced, const char *text);
 *	int	policy_action_defer(struct buf *action, int code,
 *			const char *enhanced, const char *text);
 *	int	policy_action_defer_if_permit(struct buf *action,
 *			const char *enhanced, const char *text);
 *	int	policy_action_prepend(struct buf *action, const char *name,
 *			const char *value);
 *	int	policy_text_sanitize(struct buf *out, const char *text,
 *			size_t len, size_t max, unsigned flags);
 * DESCRIPTION
 *	A pure module: no descriptors, clock, environment, logging or exit.
 *	The daemon reads bytes, feeds them to a parser, answers each
 *	request with a reply built here, and logs what the parser reports.
 *
 *	Requests.  A parser takes the bytes of one connection in pieces of
 *	any size (one byte at a time included) and returns POLICY_NEED_MORE
 *	(all bytes consumed, request not complete), POLICY_REQUEST (a
 *	complete request; *used bytes were consumed, the rest belongs to
 *	the next request on the same connection: Postfix reuses
 *	connections) or POLICY_ERROR (policy_parser_error() says why in a
 *	static string; the connection should be closed without a reply).
 *	After POLICY_REQUEST the request stays valid, owned by the parser,
 *	until policy_parser_reset() or policy_parser_free(); feeding again
 *	before the reset is a bug (msg_panic).  An error is sticky until
 *	the reset.
 *
 *	Every attribute Postfix sends (2.1 to 3.8) has a named field in
 *	struct policy_request; NULL means "not sent", "" means sent empty.
 *	When an attribute is repeated, the last one wins.  Unknown
 *	attributes are kept in attr[] (policy_request_get() finds any
 *	name) and count against the limits.  request=smtpd_access_policy
 *	is required.  Lines end in LF, a CR before the LF is dropped; a
 *	value may hold any byte but LF and NUL (so '=' too).
 *
 *	Memory is bounded by struct policy_limits: the parser keeps at
 *	most request_bytes of text and attrs attribute slots, growing to
 *	them only as a request needs.
 *
 *	Replies.  The policy_action_*() helpers append one action to a
 *	buffer; policy_format_reply() turns an action into the bytes of a
 *	reply, "action=...\n\n".  Each returns 0, or -1 when it refuses
 *	(then nothing is appended): an action with a control character,
 *	invalid UTF-8 or over the length Postfix reads; a reply code of the
 *	wrong class; a header line over 998 octets.  Reply text passes
 *	through policy_text_sanitize(), which turns control characters and
 *	(without POLICY_TEXT_UTF8) non-ASCII bytes into '?'.
 *
 *	policy_request_format() writes the request's identity for a log
 *	line; certificate and SASL details are never part of it.
 * DIAGNOSTICS
 *	Malformed requests: POLICY_ERROR and a static reason naming the
 *	rule or the limit.  Misuse (feeding a parser that holds a request):
 *	msg_panic().  Memory exhaustion exits (xmalloc).
 * SEE ALSO
 *	Postfix SMTPD_POLICY_README, access(5), postconf(5); RFC 5321
 *	4.2.3 and 4.5.3.1.5 (reply codes, reply line length), RFC 3463
 *	(enhanced status codes), RFC 7372 (5.7.23, 4.7.24), RFC 5322 2.1.1
 *	(998 octets per line), RFC 3629 (UTF-8).
 */

#include <stddef.h>

struct buf;

/*
 * Request limits, the defaults of struct policy_limits.  A request from
 * Postfix is small: the values that come from SMTP (helo_name, sender,
 * recipient, sasl_*) are cut at line_length_limit (2048) by smtpd, the
 * others are short, so the largest legitimate request at Postfix's
 * defaults is about 12 KiB.
 */
#define POLICY_MAX_REQUEST	16384	/* a request, its empty line included */
#define POLICY_MAX_VALUE	4096	/* a value: 2 * line_length_limit */
#define POLICY_MAX_LINE		(POLICY_MAX_VALUE + 64)	/* before the LF */
#define POLICY_MAX_ATTRS	64	/* lines; Postfix 3.8 sends 31 */

/*
 * Reply limits.  Postfix reads a reply attribute with attr_scan_plain(3),
 * which documents strings of at most 4 * line_length_limit (2048) bytes.
 */
#define POLICY_MAX_ACTION	8192	/* bytes of the action value */
#define POLICY_MAX_HEADER	998	/* RFC 5322 2.1.1: "Name: value" */
#define POLICY_MAX_TEXT		512	/* RFC 5321 4.5.3.1.5: reply text of
					 * REJECT/DEFER; Postfix adds its code
					 * and "<rcpt>: Recipient address
					 * rejected: " before it */
#define POLICY_LOG_VALUE_MAX	256	/* bytes of one value in a log line */

#define POLICY_REQUEST_TYPE	"smtpd_access_policy"

/* Limits of one parser; a zero field takes the default above. */
struct policy_limits {
	size_t	request_bytes;	/* POLICY_MAX_REQUEST */
	size_t	line_bytes;	/* POLICY_MAX_LINE */
	size_t	value_bytes;	/* POLICY_MAX_VALUE */
	size_t	attrs;		/* POLICY_MAX_ATTRS */
};

enum policy_status {
	POLICY_NEED_MORE,	/* every byte consumed, request incomplete */
	POLICY_REQUEST,		/* a request is ready */
	POLICY_ERROR,		/* malformed input: close the connection */
};

/* One name=value line as received, in order. */
struct policy_attr {
	const char     *name;
	const char     *value;
	size_t		value_len;	/* == strlen(value) */
};

/*
 * A parsed request.  Strings are owned by the parser (see above).
 * Comments give the Postfix version that started sending the attribute.
 */
struct policy_request {
	const char     *request;		/* 2.1, "smtpd_access_policy" */
	const char     *protocol_state;		/* 2.1, CONNECT ... RCPT ... */
	const char     *protocol_name;		/* 2.1, SMTP or ESMTP */
	const char     *helo_name;		/* 2.1 */
	const char     *queue_id;		/* 2.1 */
	const char     *sender;			/* 2.1, "" is the null sender */
	const char     *recipient;		/* 2.1 */
	const char     *recipient_count;	/* 2.1 */
	const char     *client_address;		/* 2.1, IPv6 without brackets */
	const char     *client_name;		/* 2.1 */
	const char     *reverse_client_name;	/* 2.1 */
	const char     *instance;		/* 2.1, one per message */
	const char     *sasl_method;		/* 2.2 */
	const char     *sasl_username;		/* 2.2 */
	const char     *sasl_sender;		/* 2.2 */
	const char     *size;			/* 2.2 */
	const char     *ccert_subject;		/* 2.2, xtext */
	const char     *ccert_issuer;		/* 2.2, xtext */
	const char     *ccert_fingerprint;	/* 2.2 */
	const char     *encryption_protocol;	/* 2.3 */
	const char     *encryption_cipher;	/* 2.3 */
	const char     *encryption_keysize;	/* 2.3 */
	const char     *etrn_domain;		/* 2.3 */
	const char     *stress;			/* 2.5, "" or "yes" */
	const char     *ccert_pubkey_fingerprint; /* 2.9 */
	const char     *client_port;		/* 3.0 */
	const char     *policy_context;		/* 3.1 */
	const char     *server_address;		/* 3.2 */
	const char     *server_port;		/* 3.2 */
	const char     *compatibility_level;	/* 3.8 */
	const char     *mail_version;		/* 3.8 */

	const struct policy_attr *attr;		/* every line, in order */
	size_t		nattr;
	size_t		bytes;			/* with the empty line */
};

struct policy_parser;

struct policy_parser *policy_parser_new(const struct policy_limits *);
void	policy_parser_free(struct policy_parser *);
enum policy_status policy_parser_feed(struct policy_parser *, const char *,
	    size_t, size_t *);
const char *policy_parser_error(const struct policy_parser *);
const struct policy_request *policy_parser_request(
	    const struct policy_parser *);
size_t	policy_parser_pending(const struct policy_parser *);
void	policy_parser_reset(struct policy_parser *);

const char *policy_request_get(const struct policy_request *, const char *);
int	policy_request_format(const struct policy_request *, struct buf *);
int	policy_log_fields(struct buf *, const char *, const char *,
	    const char *, const char *, const char *);
int	policy_log_quoted(struct buf *, const char *, size_t, int);

int	policy_format_reply(struct buf *, const char *);
int	policy_action_dunno(struct buf *);
int	policy_action_reject(struct buf *, int, const char *, const char *);
int	policy_action_defer(struct buf *, int, const char *, const char *);
int	policy_action_defer_if_permit(struct buf *, const char *,
	    const char *);
int	policy_action_prepend(struct buf *, const char *, const char *);

#define POLICY_TEXT_UTF8 (1u << 0)	/* keep valid UTF-8 (not C1 controls) */
int	policy_text_sanitize(struct buf *, const char *, size_t, size_t,
	    unsigned);

#endif
