/*
 * NAME
 *	fuzz_acl 1
 * SUMMARY
 *	fuzz target: the recipient ACL parser and lookup
 * DESCRIPTION
 *	Any bytes as an ACL file.  The parser must accept or refuse them
 *	without reading outside them; a refusal must come with at least
 *	one "name:line: message" line.  In a file it accepts, each line is
 *	an entry (or blank, or a comment): looking up the first word of a
 *	line that is an exact address must find that very line, and every
 *	word of the input, as a recipient, must find some entry with a
 *	sane action.
 */
#include <stdint.h>
#include <string.h>

#include "acl/acl.h"
#include "util/buf.h"
#include "util/msg.h"

#define FUZZ_MAX_ERR	(1024 * 1024)

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* fuzz_acl_word - look up one word; check the entry */
static void
fuzz_acl_word(const struct acl *acl, const char *w, size_t len, int first,
    unsigned line)
{
	const struct acl_entry *e = acl_lookup_n(acl, w, len);
	const char *at = memchr(w, '@', len);

	if (e == NULL || (e->action != ACL_CHECK && e->action != ACL_SKIP))
		msg_panic("bad entry for %.*s", (int)len, w);
	if (e->action == ACL_SKIP && e->flags != 0)
		msg_panic("skip with flags");
	/* a user@domain key is found by itself (unless a longer one wins:
	 * "a@b@c" is user "a@b" at "c") */
	if (first && at != NULL && at != w && memchr(at + 1, '@',
	    len - (size_t)(at - w) - 1) == NULL && w[0] != '<' &&
	    e->line != line)
		msg_panic("%.*s (line %u) found line %u", (int)len, w, line,
		    e->line);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct buf err;
	struct acl *acl;
	size_t i = 0, start;
	unsigned line = 1;
	int first = 1;

	buf_init(&err, FUZZ_MAX_ERR);
	acl = acl_parse(s, size, "fuzz", &err);
	if (acl == NULL) {
		if (err.len == 0 || strncmp(err.data, "fuzz:", 5) != 0)
			msg_panic("refused without a message");
		goto out;
	}
	if (err.len != 0)
		msg_panic("accepted with a message: %s", err.data);
	while (i < size) {
		if (s[i] == '\n') {
			line++;
			first = 1;
			i++;
			continue;
		}
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\r') {
			i++;
			continue;
		}
		start = i;
		while (i < size && s[i] != ' ' && s[i] != '\t' &&
		    s[i] != '\n' && s[i] != '\r')
			i++;
		if (s[start] == '#') {
			first = 0;
			continue;
		}
		fuzz_acl_word(acl, s + start, i - start, first, line);
		first = 0;
	}
out:
	acl_free(acl);
	buf_free(&err);
	return 0;
}
