/* suite.h - the openspf YAML conformance suites as zones and test rows */
#ifndef RMXF_TESTS_SUITE_H
#define RMXF_TESTS_SUITE_H

#include <stddef.h>

#define SUITE_MAX_FILE		(1024 * 1024)	/* largest suite file read */
#define SUITE_MAX_ZONE		(256 * 1024)	/* zone text of one scenario */
#define SUITE_MAX_RESULTS	8		/* accepted results per test */
#define SUITE_TXT_CHUNK		255		/* RFC 1035 3.3: one
						 * character-string */
#define SUITE_MAX_ERRLEN	512		/* longest message built */

/* One test of a scenario.  Strings are owned by the suite. */
struct suite_test {
	const char     *name;
	const char     *host;		/* client IP */
	const char     *mailfrom;	/* "" = null sender */
	const char     *helo;
	const char     *results[SUITE_MAX_RESULTS];	/* first preferred */
	size_t		nresults;
	const char     *explanation;	/* NULL: none given; may be DEFAULT */
	const char     *deviation;	/* reason, when deviations.txt
					 * changed results; else NULL */
	const char     *suite_results;	/* with a deviation: what the suite
					 * itself accepts, "a or b" */
	size_t		scenario;	/* index into suite.scenarios */
};

/* One YAML document: its zone in the zone text format, and its tests. */
struct suite_scenario {
	const char     *description;
	const char     *zone;		/* doc/zone-format.md text */
	size_t		zone_len;
	size_t		first_test;	/* index into suite.tests */
	size_t		ntests;
};

struct suite {
	const char     *name;		/* "rfc7208" for rfc7208-tests.yml */
	struct suite_scenario *scenarios;
	size_t		nscenarios;
	struct suite_test *tests;
	size_t		ntests;
	struct arena   *arena;		/* holds every string above */
};

struct suite *suite_parse(const char *name, const char *text, size_t len,
	    char *err, size_t errlen);
struct suite *suite_load(const char *path, char *err, size_t errlen);
void	suite_free(struct suite *);

const struct suite_test *suite_find(const struct suite *, const char *name);
int	suite_accepts(const struct suite_test *, const char *result);
int	suite_explanation_checked(const struct suite_test *);

/* deviations.txt: "suite test-name result[,result]  # reason" lines. */
int	suite_deviations_apply(struct suite *, const char *text, size_t len,
	    char *err, size_t errlen);
int	suite_deviations_load(struct suite *, const char *path, char *err,
	    size_t errlen);

void	suite_errf(char *err, size_t errlen, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/* Read a whole file (at most max bytes); returns owned, NUL-terminated. */
char   *suite_read_file(const char *path, size_t max, size_t *lenp,
	    char *err, size_t errlen);

#endif
