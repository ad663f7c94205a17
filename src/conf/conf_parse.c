/*
 * NAME
 *	conf 3
 * SUMMARY
 *	rmxf.conf text to one validated, immutable struct conf
 * SYNOPSIS
 *	#include "conf/conf.h"
 *
 *	struct conf *conf_parse(const char *text, size_t len,
 *			const char *name, struct buf *err);
 *	struct conf *conf_default(void);
 *	void	conf_free(struct conf *c);
 *	int	conf_equal(const struct conf *a, const struct conf *b);
 * DESCRIPTION
 *	conf_parse() reads the text of a configuration file in Postfix
 *	main.cf syntax (postconf(5)):
 *
 *	- "name = value" lines; white space around "=" and at the ends of
 *	  the value does not count;
 *	- a line whose first non-blank character is "#" is a comment, and
 *	  blank lines are ignored; "#" elsewhere is part of the value;
 *	- a line that starts with white space continues the previous
 *	  parameter's value (joined with one space);
 *	- $name, ${name} and $(name) are replaced by the value of another
 *	  parameter (from the file, else its default), recursively, with
 *	  loop detection; $$ is a literal "$".  A template parameter
 *	  (CONF_F_TEMPLATE, conf_template(3)) is raw: its "$" are its own.
 *
 *	Every name must be a parameter of the table (conf_table.c); each
 *	may be set once.  Each value is then read by its type
 *	(conf_value.c); parameters the text does not set keep their
 *	defaults.  name labels the messages; text need not be
 *	NUL-terminated and may hold any bytes.  The result is owned by
 *	the caller and is not changed afterwards.
 *
 *	conf_default() is the embedded default configuration: what
 *	conf_parse() gives for an empty file.
 *
 *	conf_free() releases a configuration; conf_free(NULL) does
 *	nothing.  conf_equal() is true when every parameter of a and b has
 *	the same value.
 * DIAGNOSTICS
 *	conf_parse() returns NULL when the text has any error, and appends
 *	to err (when not NULL) one line "name:line: message\n" for each of
 *	the first CONF_MAX_ERRORS errors in line order, then one
 *	"name: N more errors\n" line if there were more.
 *
 *	conf_default() panics when the table's defaults do not parse (a
 *	bug; test_conf catches it).
 * SEE ALSO
 *	rmxf.conf(5), postconf(5) (the syntax this follows).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf_int.h"
#include "util/buf.h"
#include "util/msg.h"
#include "util/xmalloc.h"

#define CONF_MAX_MSG	512		/* one error message */
#define CONF_BOM	"\357\273\277"	/* UTF-8 byte order mark */
#define CONF_CUR_NONE	(-1)		/* no logical line yet */
#define CONF_CUR_SKIP	(-2)		/* a bad one: swallow continuations */

/* Expansion state of one parameter. */
enum conf_xstate {
	CONF_X_PENDING,	/* not expanded yet */
	CONF_X_BUSY,
	CONF_X_DONE,
	CONF_X_FAILED,
};

/* One parameter as the text has it. */
struct conf_src {
	char	       *raw;		/* joined value; NULL: not set */
	unsigned	line;		/* where it was set */
	enum conf_xstate state;
	const char     *value;		/* expanded: owned or opt->def */
	char	       *owned;
};

/* One error, kept until they are sorted by line. */
struct conf_err {
	unsigned	line;
	unsigned	seq;
	char	       *msg;
};

struct conf_parser {
	const char     *name;		/* for messages */
	struct conf_src *src;		/* conf_nopts of them */
	struct conf_err *errs;		/* CONF_MAX_ERRORS + conf_nopts */
	size_t		nerrs;		/* kept */
	unsigned	total;		/* found */
	int		scanning;	/* in the line scan */
	size_t	       *stack;		/* parameters being expanded */
	size_t		depth;
	int		cur;		/* logical line's parameter, or: */
	struct buf	value;		/* logical line being joined */
	unsigned	vline;
};

/* conf_error - record "line: message" */
static void __attribute__((format(printf, 3, 4)))
conf_error(struct conf_parser *p, unsigned line, const char *fmt, ...)
{
	struct buf b;
	va_list ap;

	p->total++;
	/*
	 * The line scan reports in line order: its first CONF_MAX_ERRORS
	 * are all that can be shown.  The passes after it add at most one
	 * per parameter (a parameter fails once), out of line order.
	 */
	if (p->nerrs >= CONF_MAX_ERRORS + conf_nopts ||
	    (p->scanning && p->nerrs >= CONF_MAX_ERRORS))
		return;
	buf_init(&b, CONF_MAX_MSG);
	va_start(ap, fmt);
	if (buf_vprintf(&b, fmt, ap) < 0) {
		buf_reset(&b);
		buf_puts(&b, "(message too long)");
	}
	va_end(ap);
	p->errs[p->nerrs].line = line;
	p->errs[p->nerrs].seq = p->total;
	p->errs[p->nerrs].msg = buf_steal(&b);
	p->nerrs++;
}

/* conf_err_cmp - by line, then in the order found */
static int
conf_err_cmp(const void *a, const void *b)
{
	const struct conf_err *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* conf_errors_flush - the first errors in line order into err */
static void
conf_errors_flush(struct conf_parser *p, struct buf *err)
{
	size_t i;

	qsort(p->errs, p->nerrs, sizeof(p->errs[0]), conf_err_cmp);
	for (i = 0; i < p->nerrs; i++) {
		if (err != NULL && i < CONF_MAX_ERRORS && p->errs[i].line > 0)
			buf_printf(err, "%s:%u: %s\n", p->name, p->errs[i].line,
			    p->errs[i].msg);
		else if (err != NULL && i < CONF_MAX_ERRORS)
			buf_printf(err, "%s: %s\n", p->name, p->errs[i].msg);
		free(p->errs[i].msg);
	}
	if (err != NULL && p->total > CONF_MAX_ERRORS)
		buf_printf(err, "%s: %u more errors\n", p->name,
		    p->total - CONF_MAX_ERRORS);
	p->nerrs = 0;
}

/* conf_name_char - may appear in a parameter name */
static int
conf_name_char(int c)
{
	return isalnum(c) || c == '_';
}

/* conf_unknown - "unknown parameter" with a suggestion */
static void
conf_unknown(struct conf_parser *p, unsigned line, const char *what,
    const char *s, size_t len)
{
	const char *hint = conf_opt_suggest(s, len);

	if (len > CONF_MAX_NAME)
		len = CONF_MAX_NAME;
	if (hint != NULL)
		conf_error(p, line, "unknown parameter \"%.*s\"%s (did you "
		    "mean %s?)", (int)len, s, what, hint);
	else
		conf_error(p, line, "unknown parameter \"%.*s\"%s", (int)len,
		    s, what);
}

/* conf_commit - the logical line being joined is complete */
static void
conf_commit(struct conf_parser *p)
{
	if (p->cur >= 0) {
		p->src[p->cur].raw = buf_steal(&p->value);
		p->src[p->cur].line = p->vline;
	}
	buf_reset(&p->value);
	p->cur = CONF_CUR_NONE;
}

/* conf_start - "name = value" starts a logical line */
static void
conf_start(struct conf_parser *p, unsigned line, const char *s, size_t len)
{
	const struct conf_opt *opt;
	size_t n = 0, i;

	p->cur = CONF_CUR_SKIP;
	while (n < len && !isspace((unsigned char)s[n]) && s[n] != '=')
		n++;
	for (i = 0; i < n; i++)
		if (!conf_name_char((unsigned char)s[i])) {
			conf_error(p, line, "bad parameter name \"%.*s\" "
			    "(letters, digits and _)", (int)(n > CONF_MAX_NAME ?
			    CONF_MAX_NAME : n), s);
			return;
		}
	for (i = n; i < len && isspace((unsigned char)s[i]); i++)
		;
	if (n == 0) {
		conf_error(p, line, "missing parameter name before \"=\"");
		return;
	}
	if (i == len || s[i] != '=') {
		conf_error(p, line, "missing \"=\" after \"%.*s\"",
		    (int)(n > CONF_MAX_NAME ? CONF_MAX_NAME : n), s);
		return;
	}
	if ((opt = conf_opt_find(s, n)) == NULL) {
		conf_unknown(p, line, "", s, n);
		return;
	}
	if (p->src[opt - conf_opts].raw != NULL) {
		conf_error(p, line, "%s is set again (first at line %u)",
		    opt->name, p->src[opt - conf_opts].line);
		return;
	}
	for (i++; i < len && isspace((unsigned char)s[i]); i++)
		;
	p->cur = (int)(opt - conf_opts);
	p->vline = line;
	buf_reset(&p->value);
	if (buf_append(&p->value, s + i, len - i) < 0) {
		conf_error(p, line, "%s: value longer than %d octets",
		    opt->name, CONF_MAX_VALUE);
		p->cur = CONF_CUR_SKIP;
	}
}

/* conf_continue - a continuation line: one space, then its text */
static void
conf_continue(struct conf_parser *p, unsigned line, const char *s,
    size_t len)
{
	while (len > 0 && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	if (p->cur == CONF_CUR_NONE) {
		conf_error(p, line, "continuation line without a parameter "
		    "(a line that starts with white space continues the "
		    "previous one)");
		p->cur = CONF_CUR_SKIP;
		return;
	}
	if (p->cur == CONF_CUR_SKIP)
		return;
	if ((p->value.len > 0 && buf_putc(&p->value, ' ') < 0) ||
	    buf_append(&p->value, s, len) < 0) {
		conf_error(p, line, "%s: value longer than %d octets",
		    conf_opts[p->cur].name, CONF_MAX_VALUE);
		buf_reset(&p->value);
		p->cur = CONF_CUR_SKIP;
	}
}

/* conf_line - one physical line, without its newline */
static void
conf_line(struct conf_parser *p, unsigned line, const char *s, size_t len)
{
	size_t i;

	unsigned char c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if ((c < ' ' && c != '\t' && !(c == '\r' && i == len - 1)) ||
		    c == 0x7f) {
			conf_error(p, line, "control character 0x%02x in line",
			    (unsigned)c);
			if (p->cur != CONF_CUR_NONE)
				p->cur = CONF_CUR_SKIP;
			return;
		}
	}
	if (len > CONF_MAX_LINE) {
		conf_error(p, line, "line longer than %d octets",
		    CONF_MAX_LINE);
		if (p->cur != CONF_CUR_NONE)
			p->cur = CONF_CUR_SKIP;
		return;
	}
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	for (i = 0; i < len && isspace((unsigned char)s[i]); i++)
		;
	if (i == len || s[i] == '#')
		return;			/* blank or comment */
	if (i > 0) {
		conf_continue(p, line, s, len);
		return;
	}
	conf_commit(p);
	conf_start(p, line, s, len);
}

/* conf_scan - every line of the text */
static void
conf_scan(struct conf_parser *p, const char *text, size_t len)
{
	const char *nl;
	size_t pos = 0, n;
	unsigned line = 0;

	if (len >= 3 && memcmp(text, CONF_BOM, 3) == 0)
		pos = 3;
	while (pos < len) {
		nl = memchr(text + pos, '\n', len - pos);
		n = nl != NULL ? (size_t)(nl - (text + pos)) : len - pos;
		conf_line(p, ++line, text + pos, n);
		pos += n + (nl != NULL);
	}
	conf_commit(p);
}

static int conf_expand(struct conf_parser *, size_t);

/* conf_loop - report the loop that ends at parameter idx */
static void
conf_loop(struct conf_parser *p, size_t idx)
{
	struct buf path;
	size_t i = 0;

	buf_init(&path, CONF_MAX_MSG / 2);
	while (i < p->depth && p->stack[i] != idx)
		i++;
	for (; i < p->depth; i++)
		buf_printf(&path, "%s -> ", conf_opts[p->stack[i]].name);
	buf_puts(&path, conf_opts[idx].name);
	conf_error(p, p->src[p->stack[p->depth - 1]].line, "expansion loop "
	    "%s", path.overflow ? "(too long to show)" : path.data);
	buf_free(&path);
}

/* conf_ref - the name after "$" at s[*i]: ${x}, $(x) or $x */
static int
conf_ref(struct conf_parser *p, unsigned line, const char *s, size_t *i,
    const char **name, size_t *len)
{
	const char *close;
	size_t n = 0;

	if (s[*i] == '{' || s[*i] == '(') {
		if ((close = strchr(s + *i + 1, s[*i] == '{' ? '}' : ')')) ==
		    NULL) {
			conf_error(p, line, "\"$%c\" without \"%c\"", s[*i],
			    s[*i] == '{' ? '}' : ')');
			return -1;
		}
		*name = s + *i + 1;
		*len = (size_t)(close - *name);
		*i = (size_t)(close - s) + 1;
		while (n < *len && conf_name_char((unsigned char)(*name)[n]))
			n++;
		if (n < *len && n > 0 && ((*name)[n] == '?' ||
		    (*name)[n] == ':')) {
			conf_error(p, line, "conditional expansion \"$%c%.*s"
			    "%c\" is not supported", s[*i - *len - 2],
			    (int)(*len > CONF_MAX_NAME ? CONF_MAX_NAME : *len),
			    *name, s[*i - 1]);
			return -1;
		}
		if (n < *len || n == 0) {
			conf_error(p, line, "bad parameter name in \"$%c%.*s"
			    "%c\"", s[*i - *len - 2], (int)(*len >
			    CONF_MAX_NAME ? CONF_MAX_NAME : *len), *name,
			    s[*i - 1]);
			return -1;
		}
		return 0;
	}
	*name = s + *i;
	while (conf_name_char((unsigned char)s[*i + n]))
		n++;
	if (n == 0) {
		conf_error(p, line, "\"$\" without a parameter name (write "
		    "$$ for a literal \"$\")");
		return -1;
	}
	*len = n;
	*i += n;
	return 0;
}

/* conf_expand_text - expand raw of parameter idx into out */
static int
conf_expand_text(struct conf_parser *p, size_t idx, struct buf *out)
{
	struct conf_src *s = &p->src[idx];
	const struct conf_opt *ref;
	const char *raw = s->raw, *name, *dollar;
	size_t i = 0, len, r;

	while ((dollar = strchr(raw + i, '$')) != NULL) {
		buf_append(out, raw + i, (size_t)(dollar - (raw + i)));
		i = (size_t)(dollar - raw) + 1;
		if (raw[i] == '$') {
			buf_putc(out, '$');
			i++;
			continue;
		}
		if (conf_ref(p, s->line, raw, &i, &name, &len) < 0)
			return -1;
		if ((ref = conf_opt_find(name, len)) == NULL) {
			conf_unknown(p, s->line, " after \"$\"", name, len);
			return -1;
		}
		r = (size_t)(ref - conf_opts);
		if (p->src[r].state == CONF_X_BUSY) {
			conf_loop(p, r);
			return -1;
		}
		if (conf_expand(p, r) < 0)
			return -1;	/* reported where it broke */
		buf_puts(out, p->src[r].value);
	}
	buf_puts(out, raw + i);
	if (out->overflow) {
		conf_error(p, s->line, "%s: value longer than %d octets "
		    "after expansion", conf_opts[idx].name, CONF_MAX_VALUE);
		return -1;
	}
	return 0;
}

/* conf_expand - the value of parameter idx, expanded once */
static int
conf_expand(struct conf_parser *p, size_t idx)
{
	struct conf_src *s = &p->src[idx];
	struct buf out;
	int r;

	if (s->state == CONF_X_DONE)
		return 0;
	if (s->state == CONF_X_FAILED)
		return -1;
	if (s->raw == NULL) {
		s->value = conf_opts[idx].def;	/* defaults have no "$" */
		s->state = CONF_X_DONE;
		return 0;
	}
	if (strchr(s->raw, '$') == NULL ||
	    (conf_opts[idx].flags & CONF_F_TEMPLATE)) {
		s->value = s->raw;
		s->state = CONF_X_DONE;
		return 0;
	}
	s->state = CONF_X_BUSY;
	p->stack[p->depth++] = idx;
	buf_init(&out, CONF_MAX_VALUE);
	r = conf_expand_text(p, idx, &out);
	p->depth--;
	if (r < 0) {
		buf_free(&out);
		s->state = CONF_X_FAILED;
		return -1;
	}
	s->owned = buf_steal(&out);
	s->value = s->owned;
	s->state = CONF_X_DONE;
	return 0;
}

/* conf_sort - parameter indexes by the line that sets them (unset: 0) */
static void
conf_sort(size_t *order, size_t n, const struct conf_src *src)
{
	size_t i, j, x;

	/* insertion sort: a few dozen rows, and no qsort_r in C17 */
	for (i = 1; i < n; i++) {
		x = order[i];
		for (j = i; j > 0 && src[order[j - 1]].line > src[x].line; j--)
			order[j] = order[j - 1];
		order[j] = x;
	}
}

/*
 * conf_values - expand and read every parameter into c, in the order of
 * the text, so that a loop is reported from where it starts
 */
static void
conf_values(struct conf_parser *p, struct conf *c)
{
	struct buf why;
	size_t *order, i, k;

	order = xcalloc(conf_nopts, sizeof(*order));
	for (i = 0; i < conf_nopts; i++)
		order[i] = i;
	conf_sort(order, conf_nopts, p->src);
	buf_init(&why, CONF_MAX_MSG);
	for (k = 0; k < conf_nopts; k++) {
		i = order[k];
		if (conf_expand(p, i) < 0)
			continue;
		buf_reset(&why);
		if (conf_value_parse(&conf_opts[i], p->src[i].value, c,
		    &why) < 0) {
			if (p->src[i].raw == NULL)
				msg_panic("conf: default of %s: %s",
				    conf_opts[i].name, why.data);
			conf_error(p, p->src[i].line, "%s: %s%s",
			    conf_opts[i].name, why.data,
			    strstr(p->src[i].value, " #") != NULL ?
			    " (a comment must be on a line of its own)" : "");
		}
	}
	buf_free(&why);
	free(order);
}

/* conf_parse - text of a file to a configuration, or NULL */
struct conf *
conf_parse(const char *text, size_t len, const char *name, struct buf *err)
{
	struct conf_parser *p;
	struct conf *c;
	size_t i;

	p = xcalloc(1, sizeof(*p));
	p->errs = xcalloc(CONF_MAX_ERRORS + conf_nopts, sizeof(*p->errs));
	p->name = name != NULL ? name : "rmxf.conf";
	p->cur = CONF_CUR_NONE;
	buf_init(&p->value, CONF_MAX_VALUE);
	if (len > CONF_MAX_TEXT) {
		conf_error(p, 0, "longer than %d octets", CONF_MAX_TEXT);
		c = NULL;
		goto out;
	}
	p->src = xcalloc(conf_nopts, sizeof(*p->src));
	p->stack = xcalloc(conf_nopts, sizeof(*p->stack));
	p->scanning = 1;
	conf_scan(p, text, len);
	p->scanning = 0;
	c = xcalloc(1, sizeof(*c));
	conf_values(p, c);
	if (p->total > 0) {
		conf_free(c);
		c = NULL;
	}
out:
	conf_errors_flush(p, err);
	for (i = 0; p->src != NULL && i < conf_nopts; i++) {
		free(p->src[i].raw);
		free(p->src[i].owned);
	}
	free(p->src);
	free(p->stack);
	free(p->errs);
	buf_free(&p->value);
	free(p);
	return c;
}

/* conf_default - the embedded defaults */
struct conf *
conf_default(void)
{
	struct conf *c = conf_parse("", 0, "(defaults)", NULL);

	if (c == NULL)
		msg_panic("conf: the default configuration does not parse");
	return c;
}

/* conf_free - release a configuration */
void
conf_free(struct conf *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < conf_nopts; i++)
		conf_value_free(&conf_opts[i], c);
	free(c);
}

/* conf_equal - same value for every parameter */
int
conf_equal(const struct conf *a, const struct conf *b)
{
	size_t i;

	for (i = 0; i < conf_nopts; i++)
		if (!conf_value_equal(&conf_opts[i], a, b))
			return 0;
	return 1;
}
