/*
 * NAME
 *	tap 3
 * SUMMARY
 *	Test Anything Protocol output for the test tools
 * SYNOPSIS
 *	#include "lib/tap.h"
 *
 *	void	tap_init(struct tap *t, FILE *out, unsigned planned);
 *	void	tap_result(struct tap *t, int ok, const char *text);
 *	void	tap_diag(struct tap *t, const char *text, size_t len);
 *	void	tap_summary(const struct tap *t, const char *prog,
 *			FILE *also);
 * DESCRIPTION
 *	tap_init() prints the plan "1..N".  tap_result() prints "ok N - text"
 *	or "not ok N - text" and counts it.  tap_diag() prints text as
 *	"# " comment lines, one per line of text (prove shows them with -v).
 *	tap_summary() prints "PROG: N passed, N failed" on its own line, to
 *	the TAP stream and, when also is not NULL, to that stream too (for a
 *	score that prove would otherwise hide).
 * DIAGNOSTICS
 *	None; output errors show up as a short TAP stream.
 * SEE ALSO
 *	TAP specification, version 12 (what prove reads)
 */
#include <stdio.h>
#include <string.h>

#include "util/buf.h"

#include "lib/tap.h"

#define TAP_MAX_LINE	(64 * 1024)

/* tap_put - write a finished buffer and release it */
static void
tap_put(FILE *out, struct buf *b)
{
	if (b->len > 0)
		(void)fwrite(b->data, 1, b->len, out);
	(void)fflush(out);
	buf_free(b);
}

/* tap_init - start a stream with its plan */
void
tap_init(struct tap *t, FILE *out, unsigned planned)
{
	struct buf b;

	memset(t, 0, sizeof(*t));
	t->out = out;
	buf_init(&b, TAP_MAX_LINE);
	(void)buf_printf(&b, "1..%u\n", planned);
	tap_put(out, &b);
}

/* tap_result - one test line */
void
tap_result(struct tap *t, int ok, const char *text)
{
	struct buf b;
	const char *nl;

	t->n++;
	if (ok)
		t->passed++;
	else
		t->failed++;
	buf_init(&b, TAP_MAX_LINE);
	(void)buf_printf(&b, "%s %u - ", ok ? "ok" : "not ok", t->n);
	/* A newline inside the text would end the TAP line early. */
	while ((nl = strchr(text, '\n')) != NULL) {
		(void)buf_append(&b, text, (size_t)(nl - text));
		(void)buf_puts(&b, "\\n");
		text = nl + 1;
	}
	(void)buf_puts(&b, text);
	(void)buf_putc(&b, '\n');
	tap_put(t->out, &b);
}

/* tap_diag - text as comment lines */
void
tap_diag(struct tap *t, const char *text, size_t len)
{
	struct buf b;
	const char *nl, *end = text + len;

	buf_init(&b, TAP_MAX_LINE);
	while (text < end) {
		nl = memchr(text, '\n', (size_t)(end - text));
		if (nl == NULL)
			nl = end;
		(void)buf_puts(&b, "# ");
		(void)buf_append(&b, text, (size_t)(nl - text));
		(void)buf_putc(&b, '\n');
		text = nl < end ? nl + 1 : end;
	}
	tap_put(t->out, &b);
}

/* tap_summary - "PROG: N passed, N failed" */
void
tap_summary(const struct tap *t, const char *prog, FILE *also)
{
	struct buf b;

	buf_init(&b, TAP_MAX_LINE);
	(void)buf_printf(&b, "%s: %u passed, %u failed\n", prog, t->passed,
	    t->failed);
	if (also != NULL && also != t->out)
		(void)fwrite(b.data, 1, b.len, also);
	tap_put(t->out, &b);
}
