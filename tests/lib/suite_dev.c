/*
 * NAME
 *	suite_dev 3
 * SUMMARY
 *	conformance-suite lookups, deviations.txt, file reading
 * SYNOPSIS
 *	#include "lib/suite.h"
 *
 *	const struct suite_test *suite_find(const struct suite *s,
 *			const char *name);
 *	int	suite_accepts(const struct suite_test *t, const char *result);
 *	int	suite_explanation_checked(const struct suite_test *t);
 *	int	suite_deviations_apply(struct suite *s, const char *text,
 *			size_t len, char *err, size_t errlen);
 *	int	suite_deviations_load(struct suite *s, const char *path,
 *			char *err, size_t errlen);
 *	char	*suite_read_file(const char *path, size_t max, size_t *lenp,
 *			char *err, size_t errlen);
 * DESCRIPTION
 *	suite_find() looks a test up by name.  suite_accepts() says whether
 *	a result word is one of a test's accepted results;
 *	suite_explanation_checked() whether its explanation is to be
 *	compared (given, not DEFAULT, and fail is accepted).
 *
 *	suite_deviations_apply() reads deviations.txt lines "suite test
 *	result[,result]  # reason" and, for the lines of this suite, replaces
 *	the accepted results and records the reason.  Blank lines and lines
 *	starting with '#' are comments; lines of other suites are skipped.
 *	A test that does not exist, one listed twice, or a missing reason is
 *	an error.  suite_deviations_load() does the same for a file.
 *
 *	suite_read_file() reads a whole file of at most max bytes into an
 *	owned, NUL-terminated buffer.
 * DIAGNOSTICS
 *	-1 or NULL with "line N: why" (or "PATH: why") in err.
 * SEE ALSO
 *	suite.c, tests/suite/deviations.txt
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/buf.h"

#include "lib/suite.h"

#define SUITE_MAX_FIELD		1024	/* longest deviations.txt field */
#define SUITE_READ_CHUNK	8192

/* suite_find - a test by name, or NULL */
const struct suite_test *
suite_find(const struct suite *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->ntests; i++)
		if (strcmp(s->tests[i].name, name) == 0)
			return &s->tests[i];
	return NULL;
}

/* suite_accepts - is result one of the test's accepted words */
int
suite_accepts(const struct suite_test *t, const char *result)
{
	size_t i;

	for (i = 0; i < t->nresults; i++)
		if (strcmp(t->results[i], result) == 0)
			return 1;
	return 0;
}

/* suite_explanation_checked - is the explanation to be compared */
int
suite_explanation_checked(const struct suite_test *t)
{
	return t->explanation != NULL &&
	    strcmp(t->explanation, "DEFAULT") != 0 &&
	    suite_accepts(t, "fail");
}

/* suite_field - next blank-separated field of [*pp, end) */
static int
suite_field(const char **pp, const char *end, const char **fp, size_t *lenp)
{
	const char *p = *pp;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	*fp = p;
	while (p < end && *p != ' ' && *p != '\t')
		p++;
	*lenp = (size_t)(p - *fp);
	*pp = p;
	return *lenp > 0 && *lenp <= SUITE_MAX_FIELD;
}

/* suite_joined - a test's accepted results as "a or b", in the arena */
static const char *
suite_joined(struct suite *s, const struct suite_test *t)
{
	struct buf b;
	const char *text;
	size_t i;

	buf_init(&b, SUITE_MAX_ERRLEN);
	for (i = 0; i < t->nresults; i++)
		(void)buf_printf(&b, "%s%s", i ? " or " : "", t->results[i]);
	text = arena_memdup(s->arena, b.data ? b.data : "", b.len);
	buf_free(&b);
	return text;
}

/* suite_deviation_line - apply one non-empty deviations.txt line */
static int
suite_deviation_line(struct suite *s, const char *p, const char *end,
    unsigned long lineno, char *err, size_t errlen)
{
	struct suite_test *t;
	const char *hash, *f, *why, *junk, *comma;
	const char *test_name;
	size_t len, wlen, jlen, n;

	if ((hash = memchr(p, '#', (size_t)(end - p))) == NULL) {
		suite_errf(err, errlen, "line %lu: no \"# reason\"", lineno);
		return -1;
	}
	why = hash + 1;
	while (why < end && (*why == ' ' || *why == '\t'))
		why++;
	wlen = (size_t)(end - why);
	while (wlen > 0 && (why[wlen - 1] == ' ' || why[wlen - 1] == '\t' ||
	    why[wlen - 1] == '\r'))
		wlen--;
	if (wlen == 0) {
		suite_errf(err, errlen, "line %lu: empty reason", lineno);
		return -1;
	}
	if (!suite_field(&p, hash, &f, &len)) {
		suite_errf(err, errlen, "line %lu: no suite name", lineno);
		return -1;
	}
	if (len != strlen(s->name) || memcmp(f, s->name, len) != 0)
		return 0;	/* another suite's line */
	if (!suite_field(&p, hash, &f, &len)) {
		suite_errf(err, errlen, "line %lu: no test name", lineno);
		return -1;
	}
	test_name = arena_memdup(s->arena, f, len);
	if ((t = (struct suite_test *)suite_find(s, test_name)) == NULL) {
		suite_errf(err, errlen, "line %lu: no test %s in %s",
		    lineno, test_name, s->name);
		return -1;
	}
	if (t->deviation != NULL) {
		suite_errf(err, errlen, "line %lu: %s listed twice", lineno,
		    test_name);
		return -1;
	}
	if (!suite_field(&p, hash, &f, &len)) {
		suite_errf(err, errlen, "line %lu: no result", lineno);
		return -1;
	}
	if (suite_field(&p, hash, &junk, &jlen) || jlen > 0) {
		suite_errf(err, errlen, "line %lu: junk before '#'", lineno);
		return -1;
	}
	t->suite_results = suite_joined(s, t);
	for (n = 0; len > 0; n++) {
		if (n >= SUITE_MAX_RESULTS) {
			suite_errf(err, errlen, "line %lu: too many results",
			    lineno);
			return -1;
		}
		comma = memchr(f, ',', len);
		jlen = comma ? (size_t)(comma - f) : len;
		if (jlen == 0) {
			suite_errf(err, errlen, "line %lu: empty result",
			    lineno);
			return -1;
		}
		t->results[n] = arena_memdup(s->arena, f, jlen);
		f += jlen;
		len -= jlen;
		if (comma) {
			f++;
			len--;
		}
	}
	t->nresults = n;
	t->deviation = arena_memdup(s->arena, why, wlen);
	return 1;
}

/* suite_deviations_apply - apply the lines of one suite; count applied */
int
suite_deviations_apply(struct suite *s, const char *text, size_t len,
    char *err, size_t errlen)
{
	const char *p = text, *end = text + len, *eol, *q;
	unsigned long lineno = 0;
	int n = 0, rc;

	while (p < end) {
		lineno++;
		eol = memchr(p, '\n', (size_t)(end - p));
		if (eol == NULL)
			eol = end;
		for (q = p; q < eol && (*q == ' ' || *q == '\t'); q++)
			;
		if (q < eol && *q != '#') {
			rc = suite_deviation_line(s, q, eol, lineno, err,
			    errlen);
			if (rc < 0)
				return -1;
			n += rc;
		}
		p = eol < end ? eol + 1 : end;
	}
	return n;
}

/* suite_deviations_load - apply a deviations file */
int
suite_deviations_load(struct suite *s, const char *path, char *err,
    size_t errlen)
{
	char sub[SUITE_MAX_ERRLEN];
	char *text;
	size_t len;
	int n;

	if ((text = suite_read_file(path, SUITE_MAX_FILE, &len, err,
	    errlen)) == NULL)
		return -1;
	if ((n = suite_deviations_apply(s, text, len, sub, sizeof(sub))) < 0)
		suite_errf(err, errlen, "%s: %s", path, sub);
	free(text);
	return n;
}

/* suite_read_file - a whole file, at most max bytes, NUL-terminated */
char   *
suite_read_file(const char *path, size_t max, size_t *lenp, char *err,
    size_t errlen)
{
	struct buf b;
	char chunk[SUITE_READ_CHUNK];
	FILE *fp;
	size_t n;

	if ((fp = fopen(path, "rb")) == NULL) {
		suite_errf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	buf_init(&b, max);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		if (buf_append(&b, chunk, n) < 0)
			break;
	if (ferror(fp) || b.overflow) {
		suite_errf(err, errlen, "%s: %s", path,
		    b.overflow ? "file too large" : "read error");
		(void)fclose(fp);
		buf_free(&b);
		return NULL;
	}
	(void)fclose(fp);
	if (b.data == NULL)
		(void)buf_append(&b, "", 0);
	*lenp = b.len;
	return buf_steal(&b);
}
