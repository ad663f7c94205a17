/* dns_ub_int.h - dns_ub's context and runs, shared by its two files */
#ifndef RMXF_DNS_UB_INT_H
#define RMXF_DNS_UB_INT_H

#include "dns/dns.h"

struct event;
struct event_base;
struct ub_ctx;
struct arena;
struct dns_guard;
struct dns_guard_flight;
struct dns_recent;

#define DNS_UB_RECENT_MAX	4096	/* answers kept by dns_recent */
#define DNS_UB_COPY_STORE	8	/* a step's questions before the heap */

struct dns_ub {
	struct event_base *base;
	struct ub_ctx  *ctx;
	unsigned	timeout_ms;
	struct dns_ub_run *runs;	/* runs going on */
	struct dns_guard *guard;	/* bounds per registered domain */
	struct dns_recent *recent;	/* answers of the last second, NULL */
	unsigned	recent_ms;	/* ... kept this long */
	struct event   *ready_ev;	/* done() of runs that ended at once */
	struct dns_ub_run *ready;	/* ... those, oldest first */
	struct dns_ub_run *ready_tail;
	int		sending;	/* inside ub_resolve_event() */
	struct dns_ub_stats st;		/* dns_ub_stats() */
};

/* One question sent. */
struct dns_ub_q {
	struct dns_ub_q *next;
	struct dns_ub_run *run;
	unsigned	id;
	enum spf_rrtype	type;
	char	       *name;		/* owned copy, for parsing the answer */
	int		async_id;	/* 0: answered during the send */
	int		pending;	/* no answer yet */
	long		sent_ms;	/* when it went out */
	struct dns_guard_flight *flight; /* the guard's, until answered */
};

struct dns_ub_run {
	struct dns_ub_run *next;
	struct dns_ub_run **prevp;
	struct dns_ub  *ub;
	struct spf_job	job;		/* a copy of the caller's */
	struct event   *step_ev;	/* zero-delay: step the job; made the */
	struct event   *deadline_ev;	/* ... first time it has to wait */
	void		(*done)(void *);
	void	       *arg;
	struct dns_ub_q *qs;		/* sent, answered ones reaped on step */
	size_t		pending;
	struct arena   *arena;		/* one answer's records, or NULL */
	struct spf_question *copy;	/* questions of the current step */
	size_t		copycap;
	struct spf_question copy_store[DNS_UB_COPY_STORE];
	unsigned	timeout_ms;	/* the deadline, after the start */
	long		start_ms;
	int		stepping;	/* inside dns_ub_advance() */
	int		on_ready;	/* done, waiting on ub->ready */
	struct dns_ub_run *ready_next;
};

void	dns_ub_run_free(struct dns_ub_run *);
void	dns_ub_ready_cb(int, short, void *);

#endif
