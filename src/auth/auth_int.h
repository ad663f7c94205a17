/* auth_int.h - the auth's state, shared by its files */
#ifndef RMXF_AUTH_INT_H
#define RMXF_AUTH_INT_H

#include "auth/auth.h"
#include "util/buf.h"

#define AUTH_MAX_STEPS	16		/* expire-and-step rounds */
#define AUTH_LOG_VALUE	256		/* one log value, octets */
#define AUTH_M_DKIM	0u		/* question id: machine's id * 2 + */
#define AUTH_M_DMARC	1u

struct auth {
	const struct conf *conf;
	struct dkim    *dkim;		/* NULL: test_dkim off */
	struct dmarc   *dmarc;		/* NULL: test_dmarc off */
	int		eoh, eom;
	int		dkim_done, dmarc_done;
	unsigned	outstanding[2];	/* questions not answered yet, by
					 * machine (AUTH_M_*); 0 once it is
					 * done: its late answers are moot */
	unsigned	asked;
	struct spf_question *qs;	/* the last step's, renumbered */
	size_t		qcap;
	struct dmarc_dkim *dd;
	struct buf	header, log, text, text2;
	struct auth_decision dec;
};

#endif
