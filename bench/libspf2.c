/*
 * NAME
 *	bench_spf2 3
 * SUMMARY
 *	the benchmark's libspf2 side: a server on libspf2's zone layer
 * SYNOPSIS
 *	#include "bench.h"
 *
 *	struct bench_spf2 *bench_spf2_new(const char **why);
 *	void	bench_spf2_free(struct bench_spf2 *b);
 *	int	bench_spf2_add(struct bench_spf2 *b, const char *name,
 *			unsigned type, enum spf_dns_status status,
 *			const char *data, const char **why);
 *	size_t	bench_spf2_size(const struct bench_spf2 *b);
 *	int	bench_spf2_eval(void *b, const struct bench_case *c,
 *			char *why);
 *	const char *bench_spf2_version(void);
 * DESCRIPTION
 *	bench_spf2_new() builds a libspf2 server (SPF_server_new_dns(),
 *	receiver BENCH_RECEIVER, default limits) on libspf2's own in-memory
 *	DNS layer (SPF_dns_zone_new(), nothing below it), which the server
 *	borrows: bench_spf2_free() frees both.  bench_spf2_add() enters what
 *	bench/bench_spf.c reads out of our zone: a record with
 *	SPF_dns_zone_add_str() and NETDB_SUCCESS, or a status without data
 *	(OK: NO_DATA; NXDOMAIN: HOST_NOT_FOUND; SERVFAIL, TIMEOUT:
 *	TRY_AGAIN).  The zone layer scans its entries in the order they were
 *	added, and answers HOST_NOT_FOUND for what it does not hold.
 *
 *	bench_spf2_eval() is one evaluation as libspf2's users write it:
 *	SPF_request_new(), the client address, HELO and MAIL FROM,
 *	SPF_request_query_mailfrom() (which also formats the Received-SPF
 *	and comment texts; libspf2 cannot skip that), the result, then
 *	SPF_response_free() and SPF_request_free().
 *
 *	This file calls only libc and libspf2 (so calloc(), not xcalloc()):
 *	it is linked after the internal libraries.
 * DIAGNOSTICS
 *	bench_spf2_new() returns NULL and bench_spf2_add() -1 with a static
 *	reason in *why.  bench_spf2_eval() returns BENCH_INVALID when
 *	libspf2 refused the input or gave no result.
 * SEE ALSO
 *	/usr/include/spf2/spf_dns_zone.h, spf_server.h, spf_request.h,
 *	spf_response.h.
 */
#include <sys/types.h>
#include <netinet/in.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>

#include <spf2/spf.h>
#include <spf2/spf_dns_zone.h>

#include "bench.h"

struct bench_spf2 {
	SPF_server_t   *server;
	SPF_dns_server_t *dns;		/* ours, not the server's */
	size_t		entries;	/* SPF_dns_zone_add_str() calls */
};

#define BENCH_SPF2_STR2(x) #x
#define BENCH_SPF2_STR(x) BENCH_SPF2_STR2(x)

/* bench_spf2_version - libspf2's version as compiled against */
const char *
bench_spf2_version(void)
{
	return BENCH_SPF2_STR(SPF_LIB_VERSION_MAJOR) "."
	    BENCH_SPF2_STR(SPF_LIB_VERSION_MINOR) "."
	    BENCH_SPF2_STR(SPF_LIB_VERSION_PATCH);
}

/* bench_spf2_new - an empty zone layer and a server on it */
struct bench_spf2 *
bench_spf2_new(const char **why)
{
	struct bench_spf2 *b;

	if ((b = calloc(1, sizeof(*b))) == NULL) {
		*why = "out of memory";
		return NULL;
	}
	if ((b->dns = SPF_dns_zone_new(NULL, "bench", 0)) == NULL) {
		*why = "SPF_dns_zone_new failed";
		goto fail;
	}
	if ((b->server = SPF_server_new_dns(b->dns, 0)) == NULL) {
		*why = "SPF_server_new_dns failed";
		goto fail;
	}
	if (SPF_server_set_rec_dom(b->server, BENCH_RECEIVER) !=
	    SPF_E_SUCCESS) {
		*why = "SPF_server_set_rec_dom failed";
		goto fail;
	}
	return b;

fail:
	bench_spf2_free(b);
	return NULL;
}

/* bench_spf2_free - the server and its zone layer */
void
bench_spf2_free(struct bench_spf2 *b)
{
	if (b == NULL)
		return;
	/* A server from SPF_server_new_dns() leaves the layer alone. */
	if (b->server != NULL)
		SPF_server_free(b->server);
	if (b->dns != NULL)
		SPF_dns_free(b->dns);
	free(b);
}

/* bench_spf2_add - one record, or one status, into the zone layer */
int
bench_spf2_add(struct bench_spf2 *b, const char *name, unsigned type,
    enum spf_dns_status status, const char *data, const char **why)
{
	SPF_dns_stat_t herrno;
	SPF_errcode_t e;

	if (data != NULL)
		herrno = NETDB_SUCCESS;
	else if (status == SPF_DNS_OK)
		herrno = NO_DATA;
	else if (status == SPF_DNS_NXDOMAIN)
		herrno = HOST_NOT_FOUND;
	else
		herrno = TRY_AGAIN;
	/* Our type numbers are the DNS ones, as are libspf2's ns_t_*. */
	e = SPF_dns_zone_add_str(b->dns, name, (ns_type)type, herrno, data);
	if (e != SPF_E_SUCCESS) {
		*why = SPF_strerror(e);
		return -1;
	}
	b->entries++;
	return 0;
}

/* bench_spf2_size - entries in the zone layer */
size_t
bench_spf2_size(const struct bench_spf2 *b)
{
	return b->entries;
}

/* bench_spf2_result - libspf2's result as ours */
static int
bench_spf2_result(SPF_result_t r)
{
	switch (r) {
	case SPF_RESULT_NEUTRAL:
		return SPF_NEUTRAL;
	case SPF_RESULT_PASS:
		return SPF_PASS;
	case SPF_RESULT_FAIL:
		return SPF_FAIL;
	case SPF_RESULT_SOFTFAIL:
		return SPF_SOFTFAIL;
	case SPF_RESULT_NONE:
		return SPF_NONE;
	case SPF_RESULT_TEMPERROR:
		return SPF_TEMPERROR;
	case SPF_RESULT_PERMERROR:
		return SPF_PERMERROR;
	default:
		return BENCH_INVALID;
	}
}

/* bench_spf2_why - the explanation, else the SMTP comment, into why */
static void
bench_spf2_why(SPF_response_t *resp, char *why)
{
	const char *s = SPF_response_get_explanation(resp);
	size_t n;

	if (s == NULL || *s == 0)
		s = SPF_response_get_smtp_comment(resp);
	if (s == NULL)
		s = "";
	n = strnlen(s, BENCH_WHY_MAX - 1);
	memcpy(why, s, n);
	why[n] = 0;
}

/* bench_spf2_eval - one full evaluation of the MAIL FROM identity */
int
bench_spf2_eval(void *obj, const struct bench_case *c, char *why)
{
	struct bench_spf2 *b = obj;
	SPF_request_t *req;
	SPF_response_t *resp = NULL;
	SPF_errcode_t e;
	int r = BENCH_INVALID;

	if ((req = SPF_request_new(b->server)) == NULL)
		return BENCH_INVALID;
	if (strchr(c->ip, ':') != NULL)
		e = SPF_request_set_ipv6_str(req, c->ip);
	else
		e = SPF_request_set_ipv4_str(req, c->ip);
	if (e != SPF_E_SUCCESS ||
	    SPF_request_set_helo_dom(req, c->helo) != SPF_E_SUCCESS ||
	    SPF_request_set_env_from(req, c->sender) != 0)
		goto out;
	/* Its return value is an error code, also beside a result. */
	(void)SPF_request_query_mailfrom(req, &resp);
	if (resp == NULL)
		goto out;
	r = bench_spf2_result(SPF_response_result(resp));
	if (why != NULL)
		bench_spf2_why(resp, why);

out:
	if (resp != NULL)
		SPF_response_free(resp);
	SPF_request_free(req);
	return r;
}
