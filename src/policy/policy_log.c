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
 * DESCRIPTION
 *	policy_request_format() appends
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
#include "policy.h"

/* the longest line: five keys, five values cut with "...", two <> pairs */
#define POLICY_LOG_LINE_MAX (5 * (POLICY_LOG_VALUE_MAX + 3) + 64)

/* policy_log_value - " key=" and the sanitised value, maybe bracketed */
static int
policy_log_value(struct buf *out, const char *key, const char *value,
    int angle)
{
	int cut;

	if (value == NULL)
		value = "";
	if (buf_puts(out, key) < 0 || (angle && buf_putc(out, '<') < 0))
		return -1;
	cut = policy_text_sanitize(out, value, strlen(value),
	    POLICY_LOG_VALUE_MAX, POLICY_TEXT_UTF8);
	if (cut < 0 || (cut > 0 && buf_puts(out, "...") < 0))
		return -1;
	if (angle && buf_putc(out, '>') < 0)
		return -1;
	return 0;
}

/* policy_request_format - the request's identity for a log line */
int
policy_request_format(const struct policy_request *req, struct buf *out)
{
	const char *qid = req->queue_id;
	struct buf tmp;
	int ret = -1;

	buf_init(&tmp, POLICY_LOG_LINE_MAX);
	if (qid == NULL || *qid == 0)
		qid = "NOQUEUE";
	if (policy_log_value(&tmp, "queue_id=", qid, 0) < 0 ||
	    policy_log_value(&tmp, " client=", req->client_address, 0) < 0 ||
	    policy_log_value(&tmp, " helo=", req->helo_name, 0) < 0 ||
	    policy_log_value(&tmp, " sender=", req->sender, 1) < 0 ||
	    policy_log_value(&tmp, " rcpt=", req->recipient, 1) < 0)
		goto out;
	if (tmp.len > out->max - out->len)
		goto out;
	buf_append(out, tmp.data, tmp.len);
	ret = 0;
out:
	buf_free(&tmp);
	return ret;
}
