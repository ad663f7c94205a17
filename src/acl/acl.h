/* acl.h - the recipient ACL (the seed's mxfilter.acl syntax) */
#ifndef RMXF_ACL_H
#define RMXF_ACL_H

#include <stddef.h>

struct buf;

#define ACL_MAX_TEXT	(64 * 1024 * 1024)	/* a whole file, octets */
#define ACL_MAX_ENTRIES	1000000		/* entries in one file */
#define ACL_MAX_LINE	4096		/* one line, octets */
#define ACL_MAX_KEY	512		/* one key, octets */
#define ACL_MAX_ERRORS	20		/* error lines reported per file */

enum acl_action {
	ACL_CHECK,			/* run the checks */
	ACL_SKIP,			/* answer DUNNO, check nothing */
};

/* Per-recipient overrides of a check entry; rmxf.conf(5), ACL FILE. */
#define ACL_F_HMARK	(1u << 0)	/* nothing decided: mark, not reject */
#define ACL_F_OBSERVE	(1u << 1)	/* observe-only for this recipient */
#define ACL_F_NOHELO	(1u << 2)	/* no HELO check */
#define ACL_F_NOLEGACY	(1u << 3)	/* no DMP, A or MX test */
#define ACL_F_NODMARC	(1u << 4)	/* DMARC fails only marked */

/*
 * One entry.  key is as matched: lower case, without a trailing dot:
 * "user@example.com", "@example.com", "@.example.com" or "*"; "" for the
 * built-in default (check, no flags, line 0) that applies when nothing
 * matches.  Borrowed from the acl until acl_free().
 */
struct acl_entry {
	const char     *key;
	enum acl_action	action;
	unsigned	flags;		/* ACL_F_* */
	unsigned	line;		/* in the file; 0: the default */
};

struct acl;

struct acl *acl_parse(const char *text, size_t len, const char *name,
	    struct buf *err);
void	acl_free(struct acl *);
const struct acl_entry *acl_lookup(const struct acl *, const char *rcpt);
const struct acl_entry *acl_lookup_n(const struct acl *, const char *rcpt,
	    size_t len);
size_t	acl_count(const struct acl *);
int	acl_entry_format(const struct acl_entry *, struct buf *);

#endif
