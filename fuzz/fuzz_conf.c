/*
 * NAME
 *	fuzz_conf 1
 * SUMMARY
 *	fuzz target: the rmxf.conf parser
 * DESCRIPTION
 *	Any bytes as a configuration file.  The parser must accept or
 *	refuse them without reading outside them; a refusal must come
 *	with at least one "name:line: message" line; what it accepts must
 *	print as text that parses back to an equal configuration (all
 *	parameters, and only the non-default ones), and printing that
 *	again must give the same text.
 */
#include <stdint.h>
#include <string.h>

#include "conf/conf.h"
#include "util/buf.h"
#include "util/msg.h"

#define FUZZ_MAX_OUT	(4 * 1024 * 1024)

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* fuzz_conf_roundtrip - print c, parse the print, compare */
static void
fuzz_conf_roundtrip(const struct conf *c, int only_non_default)
{
	struct buf out, out2, err;
	struct conf *back;

	buf_init(&out, FUZZ_MAX_OUT);
	buf_init(&out2, FUZZ_MAX_OUT);
	buf_init(&err, FUZZ_MAX_OUT);
	if (conf_print(c, &out, only_non_default) < 0)
		msg_panic("conf_print failed");
	back = conf_parse(out.data ? out.data : "", out.len, "print", &err);
	if (back == NULL)
		msg_panic("printed config does not parse:\n%s\n%s", out.data,
		    err.data);
	if (!conf_equal(c, back))
		msg_panic("printed config differs:\n%s", out.data);
	if (conf_print(back, &out2, only_non_default) < 0 ||
	    out.len != out2.len || (out.len > 0 &&
	    memcmp(out.data, out2.data, out.len) != 0))
		msg_panic("printing is not stable:\n%s", out.data);
	conf_free(back);
	buf_free(&out);
	buf_free(&out2);
	buf_free(&err);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf err;
	struct conf *c;

	buf_init(&err, FUZZ_MAX_OUT);
	c = conf_parse((const char *)data, size, "fuzz", &err);
	if (c == NULL) {
		if (err.len == 0 || strncmp(err.data, "fuzz:", 5) != 0)
			msg_panic("refused without a message");
	} else {
		if (err.len != 0)
			msg_panic("accepted with a message: %s", err.data);
		fuzz_conf_roundtrip(c, 0);
		fuzz_conf_roundtrip(c, 1);
	}
	conf_free(c);
	buf_free(&err);
	return 0;
}
