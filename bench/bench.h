/* bench.h - the parts of the SPF benchmark (bench/bench_spf.c) */
#ifndef RMXF_BENCH_H
#define RMXF_BENCH_H

#include <stddef.h>

#include "spf/spf.h"

#define BENCH_RECEIVER	"rx.example.org"	/* %{r}, our host name */
#define BENCH_NOW	1700000000LL		/* %{t}, fixed */
#define BENCH_INVALID	(-1)			/* no usable result */
#define BENCH_WHY_MAX	1024	/* explanation or reason, with its NUL */

/* One evaluation of the MAIL FROM identity; strings are static. */
struct bench_case {
	const char     *name;
	const char     *sender;
	const char     *ip;
	const char     *helo;
	enum spf_result	expect;		/* what the zone was written for */
};

/*
 * libspf2 on its own in-memory zone layer (bench/libspf2.c, which calls
 * only libc and libspf2: it is linked after our libraries).  The zone
 * starts empty; bench_spf2_add() enters one (name, type): with data a
 * record (text as SPF_dns_zone_add_str() takes it), without data the
 * status for that type (OK: NODATA); type BENCH_SPF2_ANY matches every
 * type not entered before it.
 *
 * bench_spf2_eval(), like every implementation under test, runs one
 * full evaluation and returns its enum spf_result (BENCH_INVALID when
 * there is none); with a non-NULL why it also copies the explanation or
 * the reason there (BENCH_WHY_MAX octets at most).  In the timed loop
 * why is NULL.
 */
#define BENCH_SPF2_ANY	255		/* RFC 1035 3.2.3: QTYPE * */

struct bench_spf2;

struct bench_spf2 *bench_spf2_new(const char **why);
void	bench_spf2_free(struct bench_spf2 *);
int	bench_spf2_add(struct bench_spf2 *, const char *name, unsigned type,
	    enum spf_dns_status, const char *data, const char **why);
size_t	bench_spf2_size(const struct bench_spf2 *);
int	bench_spf2_eval(void *, const struct bench_case *, char *why);
const char *bench_spf2_version(void);

#endif
