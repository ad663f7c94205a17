/*
 * NAME
 *	fuzz_dmarc_record 1
 * SUMMARY
 *	fuzz target: DMARC policy record parser
 * DESCRIPTION
 *	Any bytes as one TXT record: the parser must not read outside it,
 *	and what it accepts must be in range: each policy absent, valid or
 *	invalid, psd u, y or n, the flags 0 or 1, dmarc_record_usable()
 *	-1, 0 or 1 and 1 only without an invalid policy.  A record is
 *	DMARC exactly when its text begins with v=DMARC1.
 */
#include <stdint.h>
#include <string.h>

#include "dmarc/dmarc_int.h"
#include "util/msg.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* LLVMFuzzerTestOneInput - one record */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dmarc_record r;
	int ret = dmarc_record_parse((const char *)data, size, &r), u;
	size_t i;

	if (ret == DMARC_REC_NOT)
		return 0;
	if (ret != DMARC_REC_OK && ret != DMARC_REC_LONG)
		msg_panic("return %d", ret);
	for (i = 0; i + 6 <= size && memcmp(data + i, "DMARC1", 6); i++)
		;
	if (i + 6 > size)
		msg_panic("DMARC without DMARC1");
	if (ret == DMARC_REC_LONG) {
		if (size <= DMARC_MAX_RECORD)
			msg_panic("long record of %zu octets", size);
		return 0;
	}
	if (r.p > DMARC_REQ_INVALID || r.sp > DMARC_REQ_INVALID ||
	    r.np > DMARC_REQ_INVALID || r.psd > DMARC_PSD_N ||
	    (r.adkim_strict | r.aspf_strict | r.testing | r.rua_valid) > 1)
		msg_panic("field out of range");
	u = dmarc_record_usable(&r);
	if (u < -1 || u > 1 || (u == 1 && (r.p == DMARC_REQ_INVALID ||
	    r.sp == DMARC_REQ_INVALID || r.np == DMARC_REQ_INVALID)))
		msg_panic("usable %d", u);
	return 0;
}
