/*
 * test_dns_ub - the libunbound driver without a DNS server: option
 * checks, answers libunbound gives from its own local zones (inside
 * ub_resolve_event()), the deadline against a loopback socket that never
 * answers, cancel.  Real answers over the wire: tests/dns/run.sh.
 */
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <event2/event.h>

#include "dns/dns.h"
#include "dns/dns_guard.h"
#include "util/ipaddr.h"

/* One forwarder list and whether dns_ub_new takes it. */
struct fwd_row {
	const char     *fwd;
	const char     *err;		/* NULL: accepted */
};

static const struct fwd_row fwd_rows[] = {
	{"127.0.0.1", NULL},
	{"127.0.0.1@5353", NULL},
	{"127.0.0.1:5353", NULL},
	{"::1", NULL},
	{"::1@53", NULL},
	{"[::1]:53", NULL},
	{"[::1]@53", NULL},
	{"127.0.0.1, 127.0.0.2@54\t[::1]:55", NULL},
	{"", "no forwarder address given"},
	{" , ", "no forwarder address given"},
	{"localhost", "bad forwarder address: localhost"},
	{"127.0.0.1@0", "bad forwarder address: 127.0.0.1@0"},
	{"127.0.0.1@65536", "bad forwarder address: 127.0.0.1@65536"},
	{"127.0.0.1@53x", "bad forwarder address: 127.0.0.1@53x"},
	{"127.0.0.1:", "bad forwarder address: 127.0.0.1:"},
	{"[::1", "bad forwarder address: [::1"},
	{"[::1]x53", "bad forwarder address: [::1]x53"},
	{"127.0.0.1 300.0.0.1", "bad forwarder address: 300.0.0.1"},
};

/* test_forwarders - every row of fwd_rows, through dns_ub_new */
static void
test_forwarders(void **state)
{
	struct event_base *base = event_base_new();
	size_t i;

	(void)state;
	assert_non_null(base);
	for (i = 0; i < sizeof(fwd_rows) / sizeof(*fwd_rows); i++) {
		const struct fwd_row *r = &fwd_rows[i];
		struct dns_ub_opts opts = {r->fwd, 0, 1000, 0, 0, 0, 0, 0};
		char err[256] = "";
		struct dns_ub *ub = dns_ub_new(base, &opts, err, sizeof(err));

		if (r->err == NULL && ub == NULL)
			fail_msg("\"%s\": %s", r->fwd, err);
		if (r->err != NULL && ub != NULL)
			fail_msg("\"%s\": accepted", r->fwd);
		if (r->err != NULL && strcmp(err, r->err) != 0)
			fail_msg("\"%s\": \"%s\", want \"%s\"", r->fwd, err,
			    r->err);
		dns_ub_free(ub);
	}
	dns_ub_free(NULL);
	event_base_free(base);
}

/* test_run_sync_error - an unusable resolver is -1 with a reason */
static void
test_run_sync_error(void **state)
{
	struct dns_ub_opts opts = {"nonsense", 0, 1000, 0, 0, 0, 0, 0};
	struct spf_job job = {NULL, NULL, NULL, NULL};
	char err[256];

	(void)state;
	assert_int_equal(dns_ub_run_sync(&opts, &job, err, sizeof(err)), -1);
	assert_string_equal(err, "bad forwarder address: nonsense");
}

/* A job asking its questions all at once, keeping the answers. */
struct one_job {
	const struct spf_question *qs;
	size_t		n;
	int		asked;
	size_t		answered;
	enum spf_dns_status status[4];
	size_t		nrr[4];
	struct spf_rr	first[4];
	char		data[4][64];
	int		expired;
	int		done;
	int		in_start;	/* set while dns_ub_start runs */
	int		done_in_start;
	int		step_in_start;
	int		answered_in_start;
};

/* one_step - ask once, wait, done */
static enum spf_step
one_step(void *obj, const struct spf_question **qs, size_t *n)
{
	struct one_job *j = obj;

	if (j->in_start)
		j->step_in_start = 1;
	if (!j->asked) {
		j->asked = 1;
		*qs = j->qs;
		*n = j->n;
		return SPF_STEP_QUERY;
	}
	*n = 0;
	return j->answered == j->n || j->expired ? SPF_STEP_DONE :
	    SPF_STEP_WAIT;
}

/* one_feed - keep the answer and a copy of its first record */
static int
one_feed(void *obj, const struct spf_answer *a)
{
	struct one_job *j = obj;

	assert_true(a->id < j->n);
	j->status[a->id] = a->status;
	j->nrr[a->id] = a->nrr;
	if (a->nrr) {
		j->first[a->id] = a->rr[0];
		if (a->rr[0].data) {
			snprintf(j->data[a->id], sizeof(j->data[a->id]), "%s",
			    a->rr[0].data);
			j->first[a->id].data = j->data[a->id];
		}
	}
	j->answered++;
	if (j->in_start)
		j->answered_in_start++;
	return 0;
}

/* one_expire - time is up */
static void
one_expire(void *obj)
{
	((struct one_job *)obj)->expired = 1;
}

/* one_done - the driver is finished with the job */
static void
one_done(void *arg)
{
	struct one_job *j = arg;

	if (j->in_start)
		j->done_in_start = 1;
	j->done++;
}

/* now_ms - monotonic milliseconds */
static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* assert_flights_left - every question a finished run asked has left
 * the guard, answered or given up (else its domain stays busy) */
static void
assert_flights_left(const struct dns_ub *ub)
{
	struct dns_guard_stats st;

	dns_ub_guard_stats(ub, &st);
	assert_int_equal(st.flights, 0);
}

/* run_job - start a job on a fresh dns_ub and loop until it is done */
static void
run_job(const struct dns_ub_opts *opts, struct one_job *j, unsigned tmo)
{
	struct event_base *base = event_base_new();
	struct spf_job job = {j, one_step, one_feed, one_expire};
	struct dns_ub *ub;
	char err[256];
	int loops;

	assert_non_null(base);
	ub = dns_ub_new(base, opts, err, sizeof(err));
	if (ub == NULL)
		fail_msg("dns_ub_new: %s", err);
	j->in_start = 1;
	(void)dns_ub_start(ub, &job, tmo, one_done, j);
	j->in_start = 0;
	for (loops = 0; !j->done && loops < 10000; loops++)
		event_base_loop(base, EVLOOP_ONCE);
	assert_flights_left(ub);
	dns_ub_free(ub);
	event_base_free(base);
}

/*
 * test_local_answers - libunbound answers its own local zones inside
 * ub_resolve_event(); the job is stepped and fed inside dns_ub_start()
 * for as long as answers come at once, so it ends there, and done comes
 * once, from the loop.  Full recursion mode keeps the default local
 * zones, and these names never leave the process.
 */
static void
test_local_answers(void **state)
{
	static const struct spf_question qs[] = {
		{0, SPF_RR_A, "localhost"},
		{1, SPF_RR_TXT, "something.invalid"},
		{2, SPF_RR_PTR, "1.0.0.127.in-addr.arpa"},
		{3, SPF_RR_TXT, "localhost"},
	};
	struct dns_ub_opts opts = {NULL, 0, 2000, 1, 0, 0, 0, 0};
	struct one_job j;
	char ip[IPADDR_STRLEN];

	(void)state;
	memset(&j, 0, sizeof(j));
	j.qs = qs;
	j.n = 4;
	run_job(&opts, &j, 0);
	assert_int_equal(j.done, 1);
	assert_false(j.done_in_start);
	assert_true(j.step_in_start);
	assert_int_equal(j.answered_in_start, 4);
	assert_false(j.expired);
	assert_int_equal(j.status[0], SPF_DNS_OK);
	assert_int_equal(j.nrr[0], 1);
	ipaddr_format(&j.first[0].addr, ip);
	assert_string_equal(ip, "127.0.0.1");
	assert_int_equal(j.status[1], SPF_DNS_NXDOMAIN);
	assert_int_equal(j.status[2], SPF_DNS_OK);
	assert_int_equal(j.nrr[2], 1);
	assert_string_equal(j.first[2].data, "localhost");
	assert_int_equal(j.status[3], SPF_DNS_OK);
	assert_int_equal(j.nrr[3], 0);
}

/* test_deadline - a forwarder that never answers: expire, then done */
static void
test_deadline(void **state)
{
	static const struct spf_question qs[] = {
		{0, SPF_RR_TXT, "example.com"},
		{1, SPF_RR_A, "example.org"},
	};
	struct sockaddr_in sin;
	socklen_t slen = sizeof(sin);
	struct dns_ub_opts opts = {NULL, 0, 0, 0, 0, 0, 0, 0};
	struct one_job j;
	char fwd[64];
	long long t0, ms;
	int fd;

	(void)state;
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(fd >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &slen), 0);
	snprintf(fwd, sizeof(fwd), "127.0.0.1@%u", ntohs(sin.sin_port));
	opts.forwarders = fwd;
	opts.timeout_ms = 5000;			/* the start's 300 wins */

	memset(&j, 0, sizeof(j));
	j.qs = qs;
	j.n = 2;
	t0 = now_ms();
	run_job(&opts, &j, 300);
	ms = now_ms() - t0;
	close(fd);
	assert_int_equal(j.done, 1);
	assert_true(j.expired);
	assert_int_equal(j.answered, 0);
	if (ms < 250 || ms > 3000)
		fail_msg("deadline of 300 ms took %lld ms", ms);
}

/* test_cancel - a cancelled run never calls done, also one that ended
 * inside dns_ub_start() and waits for its done; free cancels the rest */
static void
test_cancel(void **state)
{
	static const struct spf_question qs[] = {
		{0, SPF_RR_A, "localhost"},
	};
	struct dns_ub_opts opts = {NULL, 0, 2000, 1, 0, 0, 0, 0};
	struct event_base *base = event_base_new();
	struct one_job j1, j2;
	struct spf_job job1 = {&j1, one_step, one_feed, one_expire};
	struct spf_job job2 = {&j2, one_step, one_feed, one_expire};
	struct dns_ub_run *run;
	struct dns_ub *ub;
	char err[256];
	int i;

	(void)state;
	ub = dns_ub_new(base, &opts, err, sizeof(err));
	assert_non_null(ub);
	memset(&j1, 0, sizeof(j1));
	memset(&j2, 0, sizeof(j2));
	j1.qs = j2.qs = qs;
	j1.n = j2.n = 1;
	run = dns_ub_start(ub, &job1, 0, one_done, &j1);
	(void)dns_ub_start(ub, &job2, 0, one_done, &j2);
	dns_ub_cancel(run);
	dns_ub_cancel(NULL);
	for (i = 0; i < 100 && !j2.done; i++)
		event_base_loop(base, EVLOOP_ONCE);
	assert_int_equal(j2.done, 1);
	assert_int_equal(j1.answered, 1);	/* it ended at once */
	assert_int_equal(j1.done, 0);
	assert_flights_left(ub);

	/* Runs still going when the resolver goes are cancelled. */
	memset(&j1, 0, sizeof(j1));
	j1.qs = qs;
	j1.n = 1;
	(void)dns_ub_start(ub, &job1, 0, one_done, &j1);
	dns_ub_free(ub);
	event_base_loop(base, EVLOOP_NONBLOCK);
	assert_int_equal(j1.done, 0);
	event_base_free(base);
}

/* test_cancel_waiting - cancelling a run whose question is out: no done,
 * and the question leaves the guard */
static void
test_cancel_waiting(void **state)
{
	static const struct spf_question qs[] = {
		{0, SPF_RR_TXT, "example.com"},
	};
	struct sockaddr_in sin;
	socklen_t slen = sizeof(sin);
	struct dns_ub_opts opts = {NULL, 0, 5000, 0, 0, 0, 0, 0};
	struct event_base *base = event_base_new();
	struct one_job j;
	struct spf_job job = {&j, one_step, one_feed, one_expire};
	struct dns_guard_stats st;
	struct dns_ub_run *run;
	struct dns_ub *ub;
	char fwd[64], err[256];
	int fd, i;

	(void)state;
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(fd >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &slen), 0);
	snprintf(fwd, sizeof(fwd), "127.0.0.1@%u", ntohs(sin.sin_port));
	opts.forwarders = fwd;
	ub = dns_ub_new(base, &opts, err, sizeof(err));
	assert_non_null(ub);
	memset(&j, 0, sizeof(j));
	j.qs = qs;
	j.n = 1;
	run = dns_ub_start(ub, &job, 0, one_done, &j);
	for (i = 0; i < 5; i++)
		event_base_loop(base, EVLOOP_NONBLOCK);
	assert_true(j.asked);
	assert_int_equal(j.answered, 0);
	dns_ub_guard_stats(ub, &st);
	assert_int_equal(st.flights, 1);
	dns_ub_cancel(run);
	for (i = 0; i < 5; i++)
		event_base_loop(base, EVLOOP_NONBLOCK);
	assert_int_equal(j.done, 0);
	assert_flights_left(ub);
	dns_ub_free(ub);
	event_base_free(base);
	close(fd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forwarders),
		cmocka_unit_test(test_run_sync_error),
		cmocka_unit_test(test_local_answers),
		cmocka_unit_test(test_deadline),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_cancel_waiting),
	};

	return cmocka_run_group_tests_name("dns_ub", tests, NULL, NULL);
}
