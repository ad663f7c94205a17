/*
 * NAME
 *	mda_conf 3
 * SUMMARY
 *	the per-user rmxf.conf overrides the system one, parameter by
 *	parameter
 * SYNOPSIS
 *	#include "mda/mda.h"
 *
 *	int	mda_conf_merge(const char *sys, size_t slen,
 *			const char *user, size_t ulen, struct buf *out);
 * DESCRIPTION
 *	conf_parse() takes each parameter once, so the two files cannot
 *	simply be joined.  mda_conf_merge() appends to out the system text
 *	without the settings of the parameters that the user text sets
 *	(a "name = value" line and its continuation lines), then the user
 *	text.  The result parses like the two files would with "the
 *	personal one wins" (the seed's ~/.mxfilter.cf); $name in either
 *	file sees the merged values.  A name is what a setting line holds
 *	before white space or "=", as conf_parse() reads it; comments and
 *	blank lines are kept.  No I/O.
 * DIAGNOSTICS
 *	Returns -1 when out would grow past its maximum, else 0.
 * SEE ALSO
 *	rmxf.conf(5), conf(3).
 */
#include <string.h>

#include "mda/mda.h"
#include "util/buf.h"

/* mda_conf_blank - a line of white space only? */
static int
mda_conf_blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' &&
		    s[i] != '\n')
			return 0;
	return 1;
}

/* mda_conf_line_end - offset just past the line at pos */
static size_t
mda_conf_line_end(const char *s, size_t len, size_t pos)
{
	const char *nl = memchr(s + pos, '\n', len - pos);

	return nl != NULL ? (size_t)(nl - s) + 1 : len;
}

/* mda_conf_name - the name a setting line starts with; 0 for a comment,
 * blank or continuation line */
static size_t
mda_conf_name(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || s[0] == ' ' || s[0] == '\t' || s[0] == '#' ||
	    mda_conf_blank(s, n))
		return 0;
	for (i = 0; i < n && s[i] != ' ' && s[i] != '\t' && s[i] != '=' &&
	    s[i] != '\r' && s[i] != '\n'; i++)
		;
	return i;
}

/* mda_conf_sets - does the text set the parameter name[0..n)? */
static int
mda_conf_sets(const char *text, size_t len, const char *name, size_t n)
{
	size_t pos = 0, le, k;

	while (pos < len) {
		le = mda_conf_line_end(text, len, pos);
		k = mda_conf_name(text + pos, le - pos);
		if (k == n && memcmp(text + pos, name, n) == 0)
			return 1;
		pos = le;
	}
	return 0;
}

/* mda_conf_merge - system settings the user does not make, then the
 * user's */
int
mda_conf_merge(const char *sys, size_t slen, const char *user, size_t ulen,
    struct buf *out)
{
	size_t pos = 0, le, k;
	int skipping = 0;

	while (pos < slen) {
		le = mda_conf_line_end(sys, slen, pos);
		k = mda_conf_name(sys + pos, le - pos);
		/* only a new setting changes what is skipped: conf_parse()
		 * carries a continuation line across comments and blank
		 * lines, so they do not end the setting above them */
		if (k > 0)
			skipping = mda_conf_sets(user, ulen, sys + pos, k);
		if (!skipping)
			buf_append(out, sys + pos, le - pos);
		pos = le;
	}
	if (slen > 0 && sys[slen - 1] != '\n')
		buf_putc(out, '\n');
	buf_append(out, user, ulen);
	return out->overflow ? -1 : 0;
}
