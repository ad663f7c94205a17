/*
 * NAME
 *	check_message 3
 * SUMMARY
 *	the evaluation of one message, for its next recipients
 * SYNOPSIS
 *	#include "check/check.h"
 *
 *	struct check_message *check_message_new(void);
 *	void	check_message_free(struct check_message *msg);
 *	int	check_message_begin(struct check_message *msg,
 *			const char *id, const struct check_envelope *in);
 *
 *	#include "check_int.h"
 *
 *	int	check_message_holds(const struct check_message *msg,
 *			const struct check_envelope *in);
 *	void	check_message_keep(struct check_message *msg,
 *			const struct check_envelope *in,
 *			struct check_results *res);
 *	void	check_message_second(struct check_message *msg,
 *			const struct check_decision *d);
 * DESCRIPTION
 *	A message's recipients share one evaluation: it depends on the
 *	client, the HELO name and the sender, not on the recipient.  The
 *	front end owns one check_message per message it is deciding and
 *	says which one comes: check_message_begin() with the message's id
 *	(Postfix's instance attribute; NULL or "" when there is none) and
 *	its envelope returns 1 for a new message and forgets the evaluation
 *	held: an id other than the last one, none, or the same id with
 *	another client, HELO name or sender than the evaluation held was
 *	made for.  The front end then forgets what it told the peer about
 *	the message (a header sent).
 *
 *	check_message_second() keeps the second result header of a
 *	decision (check_decision.second_name) with the message, the first
 *	one's only, for a decision at the DATA stage (check_decide_data(3));
 *	a new message forgets it.
 *
 *	check_message_holds() says whether the message holds an evaluation
 *	made for the envelope's client, HELO name and sender;
 *	check_message_keep() moves res into the message (res is left
 *	empty) for those three.  The message holds copies only and may be
 *	freed at any time no check uses it.
 * SEE ALSO
 *	check(3).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/xmalloc.h"
#include "check_int.h"

/* check_message_new - no message yet */
struct check_message *
check_message_new(void)
{
	struct check_message *m = xcalloc(1, sizeof(*m));

	/* the values were bounded where the front end read them */
	buf_init(&m->keys, SIZE_MAX);
	buf_init(&m->id, SIZE_MAX);
	buf_init(&m->second, SIZE_MAX);
	return m;
}

/* check_message_forget - drop the evaluation; keep the keys' storage */
static void
check_message_forget(struct check_message *m)
{
	check_results_clear(&m->res);
	buf_reset(&m->keys);
	m->valid = 0;
	m->client = m->helo = m->sender = NULL;
	buf_reset(&m->second);
	m->second_name = NULL;
	m->second_bit = m->first_bit = 0;
}

/* check_message_free - release a message */
void
check_message_free(struct check_message *m)
{
	if (m == NULL)
		return;
	check_message_forget(m);
	buf_free(&m->keys);
	buf_free(&m->id);
	buf_free(&m->second);
	free(m);
}

/* check_message_begin - the message with this id comes; 1: a new one */
int
check_message_begin(struct check_message *m, const char *id,
    const struct check_envelope *in)
{
	if (id != NULL && *id != 0 && m->id.len > 0 &&
	    strcmp(m->id.data, id) == 0 &&
	    (!m->valid || check_message_holds(m, in)))
		return 0;
	check_message_forget(m);
	buf_reset(&m->id);
	if (id != NULL)
		(void)buf_puts(&m->id, id);
	return 1;
}

/* check_message_streq - both NULL or equal */
static int
check_message_streq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* check_message_holds - an evaluation for this client, HELO, sender? */
int
check_message_holds(const struct check_message *m,
    const struct check_envelope *in)
{
	return m != NULL && m->valid && m->id.len > 0 &&
	    check_message_streq(m->client, in->client_address) &&
	    check_message_streq(m->helo, in->helo) &&
	    check_message_streq(m->sender, in->sender);
}

/* check_message_key - a copy of s (NUL and all) at the end of the keys;
 * its offset, or SIZE_MAX for NULL */
static size_t
check_message_key(struct check_message *m, const char *s)
{
	size_t off = m->keys.len;

	if (s == NULL)
		return SIZE_MAX;
	buf_append(&m->keys, s, strlen(s) + 1);
	return off;
}

/* check_message_keep - res becomes the message's evaluation */
void
check_message_keep(struct check_message *m, const struct check_envelope *in,
    struct check_results *res)
{
	const char **f[3] = {&m->client, &m->helo, &m->sender};
	size_t o[3], i;

	check_message_forget(m);
	o[0] = check_message_key(m, in->client_address);
	o[1] = check_message_key(m, in->helo);
	o[2] = check_message_key(m, in->sender);
	/* pointers only now: the appends may have moved the storage */
	for (i = 0; i < 3; i++)
		*f[i] = o[i] == SIZE_MAX ? NULL : m->keys.data + o[i];
	m->res = *res;
	memset(res, 0, sizeof(*res));
	m->valid = 1;
}

/* check_message_second - keep a decision's second header for DATA */
void
check_message_second(struct check_message *m, const struct check_decision *d)
{
	if (m == NULL || d->second_name == NULL || d->second_value == NULL ||
	    m->second_name != NULL)
		return;
	buf_reset(&m->second);
	buf_puts(&m->second, d->second_value);
	m->second_name = d->second_name;
	m->second_bit = d->second_name[0] == 'A' ? CHECK_HDR_AUTHRES :
	    CHECK_HDR_RECEIVED_SPF;
	m->first_bit = d->result_header;
	memset(&m->second_of, 0, sizeof(m->second_of));
	m->second_of.identity = d->identity;
	m->second_of.method = d->method;
	m->second_of.result = d->result;
	m->second_of.table = d->table;
}
