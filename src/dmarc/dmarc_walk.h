/* dmarc_walk.h - the dmarc object, shared by dmarc.c and dmarc_eval.c */
#ifndef RMXF_DMARC_WALK_H
#define RMXF_DMARC_WALK_H

#include "dmarc_int.h"

#define DMARC_Q_EXIST	DMARC_MAX_WALK	/* answer slot of the existence
					 * question */
#define DMARC_ID_STRIDE	16		/* question ids per author domain */
#define DMARC_QNAME	(DMARC_MAX_DOMAIN + 8)	/* "_dmarc." + name */
#define DMARC_WALK_TAIL	7		/* labels kept when shortening */
#define DMARC_REASON	(DMARC_QNAME + 64)

enum dmarc_ans_state {
	DMARC_A_UNASKED,
	DMARC_A_ASKED,
	DMARC_A_ANSWERED,
	DMARC_A_SHARED,			/* an author walk asks it: link */
};

struct dmarc_ans {
	enum dmarc_ans_state state;
	enum spf_dns_status status;
	unsigned	nrec;		/* DMARC records at the name */
	int		toolong;	/* the one record is over the limit */
	struct dmarc_record rec;	/* the first DMARC record */
	const struct dmarc_ans *link;	/* DMARC_A_SHARED: the answer */
};

struct dmarc_walk {
	char		name[DMARC_MAX_DOMAIN + 1];	/* author domain */
	size_t		nlab;
	size_t		lab[DMARC_MAX_DOMAIN];	/* label start offsets */
	char		qname[DMARC_MAX_WALK][DMARC_QNAME];
	size_t		qlab[DMARC_MAX_WALK];	/* labels of each name */
	size_t		nq;
	struct dmarc_ans ans[DMARC_MAX_WALK + 1];
	int		decided;
	int		fail;		/* first deciding failure, or -1 */
	int		pol;		/* answer holding the policy, or -1 */
	const char     *org;		/* NULL: unknown */
	int		need_exist;	/* the existence question matters */
	int		exists;		/* 1, 0, -1 unknown */
	int		is_id;		/* an identifier's walk */
};

struct dmarc {
	int		eoh;
	int		expired;
	unsigned	nfields;	/* From fields seen */
	int		from_err;	/* DMARC_FROM_* */
	char		dom[DMARC_MAX_FROM][DMARC_MAX_DOMAIN + 1];
	size_t		ndom;
	char		ids[DMARC_MAX_IDS][DMARC_MAX_DOMAIN + 1];
	size_t		nid;
	struct dmarc_walk *walk;	/* ndom author walks, then the
					 * identifiers' */
	size_t		nwalk;
	struct spf_question qs[DMARC_MAX_FROM * (DMARC_MAX_WALK + 1) +
			    DMARC_MAX_IDS * DMARC_MAX_WALK];
	struct dmarc_outcome out;
	char		reason[DMARC_REASON];
};

int	dmarc_done(struct dmarc *);
const struct dmarc_walk *dmarc_id_walk(const struct dmarc *, const char *);

#endif
