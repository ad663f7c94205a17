/*
 * NAME
 *	policy_log 3
 * SUMMARY
 *	a policy request's identity, for a log line
 * SYNOPSIS
 *	#include "policy/policy.h"
 *
 *	int	policy_request_format(const struct policy_request *req,
 *			struct buf *out);
 *	int	policy_log_fields(struct buf *out, const char *queue_id,
 *			const char *client, const char *helo,
 *			const char *sender, const char *rcpt);
 * DESCRIPTION
 *	policy_request_format() appends a request's fields as
 *	policy_log_fields() appends the fields given:
 *
 *	    queue_id=ID client=ADDR helo=NAME sender=<ADDR> rcpt=<ADDR>
 *
 *	in that order, every key always present: queue_id=NOQUEUE when
 *	Postfix has not assigned one yet (as Postfix logs it), sender=<>
 *	for the null sender, an empty value for an attribute not sent.
 *	Values come from the SMTP client, so each is passed through
 *	policy_text_sanitize() (control characters become '?', valid UTF-8
 *	stays) and cut at POLICY_LOG_VALUE_MAX bytes with "..." after it.
 *	Certificate and SASL attributes are never written.
 * DIAGNOSTICS
 *	0, or -1 when out lacks room; then nothing is appended.
 * SEE ALSO
 *	policy_reply(3) for policy_text_sanitize().
 */
#include <string.h>

#include "util/buf.h"
#include "util/msg.h"
#include "policy.h"

/* the longest line: five keys, five values cut with "..." and quoted
 * (every octet escaped at worst), two <> pairs */
#define POLICY_LOG_LINE_MAX (5 * (2 * POLICY_LOG_VALUE_MAX + 8) + 64)

/* The octets a log value may hold as it is: printable ASCII but the
 * blank and = " \ < > (which the quoted form is for) */
static const unsigned char policy_log_ok[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0x00 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0x10 */
	0, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* 0x20 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1,	/* 0x30 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* 0x40 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,	/* 0x50 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* 0x60 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0,	/* 0x70 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0x80 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0x90 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0xa0 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0xb0 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0xc0 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0xd0 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0xe0 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0xf0 */
};

/* policy_log_plain - the length of value when it is printable ASCII
 * needing no quotes and not longer than max (it goes into the line as
 * it is), else (size_t)-1 */
static size_t
policy_log_plain(const char *value, size_t max)
{
	const unsigned char *s = (const unsigned char *)value;
	size_t i;

	for (i = 0; s[i] != 0; i++)
		if (i == max || !policy_log_ok[s[i]])
			return (size_t)-1;
	return i;
}

/*
 * policy_log_quoted - a sanitised value for a key=value log line, cut at
 * max with "...".  A value holding a blank, '=', '"', '\\', '<' or '>'
 * is written in double quotes with '"' and '\\' escaped, so no value
 * can pose as another key (a HELO argument "x action=accept" stays one
 * value).  With angle, the value stands in <> (inside the quotes).
 */
int
policy_log_quoted(struct buf *out, const char *value, size_t max, int angle)
{
	struct buf tmp;
	size_t i, n;
	int cut, quote, ret = -1;

	if (value == NULL)
		value = "";
	if ((n = policy_log_plain(value, max)) != (size_t)-1) {
		/* nearly every value */
		if ((angle && buf_putc(out, '<') < 0) ||
		    buf_append(out, value, n) < 0 ||
		    (angle && buf_putc(out, '>') < 0))
			return -1;
		return 0;
	}
	buf_init(&tmp, max + 8);
	cut = policy_text_sanitize(&tmp, value, strlen(value), max,
	    POLICY_TEXT_UTF8);
	if (cut < 0 || (cut > 0 && buf_puts(&tmp, "...") < 0))
		goto out;
	quote = tmp.len > 0 && tmp.data[strcspn(tmp.data, " =\"\\<>")] != 0;
	if ((quote && buf_putc(out, '"') < 0) ||
	    (angle && buf_putc(out, '<') < 0))
		goto out;
	for (i = 0; i < tmp.len; i++) {
		if (quote && (tmp.data[i] == '"' || tmp.data[i] == '\\') &&
		    buf_putc(out, '\\') < 0)
			goto out;
		if (buf_putc(out, tmp.data[i]) < 0)
			goto out;
	}
	if ((angle && buf_putc(out, '>') < 0) ||
	    (quote && buf_putc(out, '"') < 0))
		goto out;
	ret = 0;
out:
	buf_free(&tmp);
	return ret;
}

/* policy_log_value - " key=" and the value (policy_log_quoted) */
static int
policy_log_value(struct buf *out, const char *key, const char *value,
    int angle)
{
	if (buf_puts(out, key) < 0)
		return -1;
	return policy_log_quoted(out, value, POLICY_LOG_VALUE_MAX, angle);
}

/* policy_log_fields - the five identity fields (DESCRIPTION) */
int
policy_log_fields(struct buf *out, const char *queue_id, const char *client,
    const char *helo, const char *sender, const char *rcpt)
{
	struct buf tmp;
	int ret = -1;

	if (queue_id == NULL || *queue_id == 0)
		queue_id = "NOQUEUE";
	/* room for the longest line: write it in place, no copy */
	if (out->max - out->len >= POLICY_LOG_LINE_MAX) {
		if (policy_log_value(out, "queue_id=", queue_id, 0) < 0 ||
		    policy_log_value(out, " client=", client, 0) < 0 ||
		    policy_log_value(out, " helo=", helo, 0) < 0 ||
		    policy_log_value(out, " sender=", sender, 1) < 0 ||
		    policy_log_value(out, " rcpt=", rcpt, 1) < 0)
			msg_panic("policy_log_fields: over its bound");
		return 0;
	}
	buf_init(&tmp, POLICY_LOG_LINE_MAX);
	if (policy_log_value(&tmp, "queue_id=", queue_id, 0) < 0 ||
	    policy_log_value(&tmp, " client=", client, 0) < 0 ||
	    policy_log_value(&tmp, " helo=", helo, 0) < 0 ||
	    policy_log_value(&tmp, " sender=", sender, 1) < 0 ||
	    policy_log_value(&tmp, " rcpt=", rcpt, 1) < 0)
		goto out;
	if (tmp.len > out->max - out->len)
		goto out;
	buf_append(out, tmp.data, tmp.len);
	ret = 0;
out:
	buf_free(&tmp);
	return ret;
}

/* policy_request_format - a request's identity fields */
int
policy_request_format(const struct policy_request *req, struct buf *out)
{
	return policy_log_fields(out, req->queue_id, req->client_address,
	    req->helo_name, req->sender, req->recipient);
}
