/*
 * NAME
 *	conf_print 3
 * SUMMARY
 *	a configuration as rmxf.conf text, in the style of postconf(1)
 * SYNOPSIS
 *	#include "conf/conf.h"
 *
 *	int	conf_print(const struct conf *c, struct buf *out,
 *			int only_non_default);
 *	int	conf_print_param(const struct conf *c, const char *name,
 *			struct buf *out);
 *	int	conf_print_docs(struct buf *out);
 *	int	conf_print_forwarders(const struct conf *c, struct buf *out);
 * DESCRIPTION
 *	conf_print() appends one "name = value" line per parameter, sorted
 *	by name, as postconf(1) prints them; with only_non_default, only
 *	the parameters whose value differs from the default (postconf -n;
 *	one set to its default value is not shown).  The text reads back
 *	through conf_parse() to an equal configuration: values are
 *	canonical, "$" is written "$$", and a list that would pass
 *	CONF_PRINT_WIDTH columns continues on lines indented by four
 *	spaces.  An empty value prints as "name =".
 *
 *	conf_print_param() appends the line of one parameter.
 *
 *	conf_print_docs() appends every parameter's default, sorted, each
 *	after a "# " comment line with its doc line (rmxf conf -d).
 *
 *	conf_print_forwarders() appends dns_forwarders as libunbound's
 *	forward-addr values want them: "IP@PORT" separated by spaces;
 *	nothing when the list is empty (the servers of resolv.conf).
 * DIAGNOSTICS
 *	Each returns 0, or -1 when out is full (its hard maximum);
 *	conf_print_param() also returns -1, appending nothing, for a name
 *	that is not a parameter.
 * SEE ALSO
 *	rmxf.conf(5), postconf(1) -n and -d.
 */
#include <stdlib.h>
#include <string.h>

#include "conf/conf_int.h"
#include "util/buf.h"
#include "util/ipaddr.h"
#include "util/xmalloc.h"

#define CONF_PRINT_WIDTH 79		/* columns before a list folds */
#define CONF_PRINT_INDENT "    "

/* conf_print_line - "name = value\n", folding list items */
static int
conf_print_line(const struct conf_opt *opt, const struct conf *c,
    struct buf *out)
{
	struct buf val;
	const char *item, *nl;
	size_t col, n;
	int r = -1;

	buf_init(&val, out->max);
	if (conf_value_print(opt, c, &val) < 0)
		goto out;
	buf_puts(out, opt->name);
	buf_puts(out, " =");
	col = strlen(opt->name) + 2;
	/* items are newline-separated; scalars hold no newline */
	for (item = val.len > 0 ? val.data : NULL; item != NULL;
	    item = nl != NULL ? nl + 1 : NULL) {
		nl = strchr(item, '\n');
		n = nl != NULL ? (size_t)(nl - item) : strlen(item);
		if (item != val.data && col + 1 + n > CONF_PRINT_WIDTH) {
			buf_puts(out, "\n" CONF_PRINT_INDENT);
			col = sizeof(CONF_PRINT_INDENT) - 1;
		} else {
			buf_putc(out, ' ');
			col++;
		}
		buf_append(out, item, n);
		col += n;
	}
	buf_putc(out, '\n');
	r = out->overflow ? -1 : 0;
out:
	buf_free(&val);
	return r;
}

/* conf_print_cmp - order of two rows by name */
static int
conf_print_cmp(const void *a, const void *b)
{
	const struct conf_opt *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

/* conf_print_sorted - the table's rows, sorted by name; owned */
static const struct conf_opt **
conf_print_sorted(void)
{
	const struct conf_opt **v = xcalloc(conf_nopts, sizeof(*v));
	size_t i;

	for (i = 0; i < conf_nopts; i++)
		v[i] = &conf_opts[i];
	qsort(v, conf_nopts, sizeof(*v), conf_print_cmp);
	return v;
}

/* conf_print - every parameter, or those not at their default */
int
conf_print(const struct conf *c, struct buf *out, int only_non_default)
{
	const struct conf_opt **v = conf_print_sorted();
	struct conf *d = only_non_default ? conf_default() : NULL;
	size_t i;
	int r = 0;

	for (i = 0; i < conf_nopts && r == 0; i++)
		if (d == NULL || !conf_value_equal(v[i], c, d))
			r = conf_print_line(v[i], c, out);
	conf_free(d);
	free(v);
	return r;
}

/* conf_print_param - the line of one parameter */
int
conf_print_param(const struct conf *c, const char *name, struct buf *out)
{
	const struct conf_opt *opt = conf_opt_find(name, strlen(name));

	if (opt == NULL)
		return -1;
	return conf_print_line(opt, c, out);
}

/* conf_print_docs - defaults with their doc lines */
int
conf_print_docs(struct buf *out)
{
	const struct conf_opt **v = conf_print_sorted();
	struct conf *d = conf_default();
	size_t i;
	int r = 0;

	for (i = 0; i < conf_nopts && r == 0; i++) {
		buf_printf(out, "%s# %s\n", i > 0 ? "\n" : "", v[i]->doc);
		r = conf_print_line(v[i], d, out);
	}
	conf_free(d);
	free(v);
	return r;
}

/* conf_print_forwarders - dns_forwarders as "IP@PORT ..." */
int
conf_print_forwarders(const struct conf *c, struct buf *out)
{
	const struct conf_fwds *f = &c->dns_forwarders;
	char ip[IPADDR_STRLEN];
	size_t i;

	for (i = 0; i < f->n; i++) {
		ipaddr_format(&f->v[i].addr, ip);
		buf_printf(out, "%s%s@%u", i ? " " : "", ip, f->v[i].port);
	}
	return out->overflow ? -1 : 0;
}
