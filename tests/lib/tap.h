/* tap.h - Test Anything Protocol output for the test tools */
#ifndef RMXF_TESTS_TAP_H
#define RMXF_TESTS_TAP_H

#include <stdio.h>

struct tap {
	FILE	       *out;
	unsigned	n;		/* tests reported so far */
	unsigned	passed;
	unsigned	failed;
};

void	tap_init(struct tap *, FILE *, unsigned planned);
void	tap_result(struct tap *, int ok, const char *text);
void	tap_diag(struct tap *, const char *text, size_t len);
void	tap_summary(const struct tap *, const char *prog, FILE *also);

#endif
