/*
 * NAME
 *	acl 3
 * SUMMARY
 *	recipient ACL: which recipients rmxf checks, and how
 * SYNOPSIS
 *	#include "acl/acl.h"
 *
 *	struct acl *acl_parse(const char *text, size_t len,
 *			const char *name, struct buf *err);
 *	void	acl_free(struct acl *acl);
 *	const struct acl_entry *acl_lookup(const struct acl *acl,
 *			const char *rcpt);
 *	const struct acl_entry *acl_lookup_n(const struct acl *acl,
 *			const char *rcpt, size_t len);
 *	size_t	acl_count(const struct acl *acl);
 *	int	acl_entry_format(const struct acl_entry *e, struct buf *out);
 * DESCRIPTION
 *	The file is RMXF's mxfilter.acl: one entry per line,
 *
 *		KEY ACTION [FLAG...]
 *
 *	words separated by blanks; a word that starts with "#" starts a
 *	comment to the end of the line (so does a line whose first word
 *	does), blank lines are ignored.  KEY is "user@domain" (that
 *	recipient), "@domain" (every recipient in the domain),
 *	"@.domain" (every recipient in a subdomain of domain, not in the
 *	domain itself) or "*" (every recipient).  ACTION is "check" or
 *	"skip".  FLAGs (check only) are HMARK, OBSERVE, NOHELO,
 *	NOLEGACY and NODMARC (acl.h; rmxf.conf(5) says what each
 *	does).  Keys, actions and flags are case-insensitive (ASCII):
 *	local parts too, as nearly every mail system treats them.  A key may appear once.
 *
 *	acl_parse() reads the text of a file (any bytes, not necessarily
 *	NUL-terminated); name labels the messages.  The result is owned by
 *	the caller and never changes; acl_free() releases it (NULL: no-op).
 *
 *	acl_lookup() finds the entry for a recipient address as Postfix
 *	sends it (the last "@" separates the domain; a trailing dot and
 *	surrounding <> do not count).  The most specific entry wins: the
 *	exact address, then @domain, then @.parent for the nearest parent
 *	domain, then "*"; with none of them (or acl NULL: no ACL file),
 *	the built-in default entry "check" without flags.  Each step is
 *	one probe of a hash table: the cost grows with the labels of the
 *	recipient's domain, not with the size of the file.  The entry is
 *	never NULL and is borrowed until acl_free().
 *
 *	acl_count() gives the number of entries.  acl_entry_format()
 *	appends "check" or "skip" and the flags, as the file has them.
 * DIAGNOSTICS
 *	acl_parse() returns NULL when the text has any error, and appends
 *	to err (when not NULL) one line "name:line: message\n" for each of
 *	the first ACL_MAX_ERRORS errors, then "name: N more errors\n" if
 *	there were more.
 * SEE ALSO
 *	rmxf.conf(5) (ACL FILE), the seed's mxfilter.acl.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "acl/acl.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/domain.h"
#include "util/xmalloc.h"

#define ACL_ARENA_CHUNK	(64 * 1024)	/* key storage grows by this */
#define ACL_MIN_SLOTS	16		/* hash table, a power of two */
#define ACL_FNV_OFFSET	1469598103934665603ULL	/* FNV-1a, 64 bit */
#define ACL_FNV_PRIME	1099511628211ULL
#define ACL_KEY_PIECES	3

static const struct acl_entry acl_default = {"", ACL_CHECK, 0, 0};

static const struct {
	const char     *name;
	unsigned	flag;
} acl_flags[] = {
	{"HMARK", ACL_F_HMARK},
	{"OBSERVE", ACL_F_OBSERVE},
	{"NOHELO", ACL_F_NOHELO},
	{"NOLEGACY", ACL_F_NOLEGACY},
	{"NODMARC", ACL_F_NODMARC},
};

#define ACL_NFLAGS (sizeof(acl_flags) / sizeof(acl_flags[0]))

struct acl {
	struct arena   *arena;		/* the keys */
	struct acl_entry *v;		/* entries in file order */
	uint64_t       *hash;		/* of v[i].key */
	size_t		n;
	size_t		cap;
	uint32_t       *slots;		/* 1 + index into v; 0: free */
	size_t		mask;		/* slots - 1 */
	size_t		all;		/* 1 + index of "*"; 0: none */
};

/* A key to look up, in up to three pieces (no copy of the recipient). */
struct acl_key {
	const char     *p[ACL_KEY_PIECES];
	size_t		l[ACL_KEY_PIECES];
};

/* The parse in progress. */
struct acl_parser {
	const char     *name;
	struct buf     *err;
	unsigned	nerr;
	struct acl     *acl;
};

/* acl_error - one "name:line: message" line, the first few only */
static void __attribute__((format(printf, 3, 4)))
acl_error(struct acl_parser *p, unsigned line, const char *fmt, ...)
{
	va_list ap;

	if (p->nerr++ >= ACL_MAX_ERRORS || p->err == NULL)
		return;
	if (line > 0)
		buf_printf(p->err, "%s:%u: ", p->name, line);
	else
		buf_printf(p->err, "%s: ", p->name);
	va_start(ap, fmt);
	buf_vprintf(p->err, fmt, ap);
	va_end(ap);
	buf_putc(p->err, '\n');
}

/* acl_hash - FNV-1a of the pieces, lower-cased */
static uint64_t
acl_hash(const struct acl_key *k)
{
	uint64_t h = ACL_FNV_OFFSET;
	size_t i, j;

	for (i = 0; i < ACL_KEY_PIECES; i++)
		for (j = 0; j < k->l[i]; j++) {
			h ^= (unsigned char)tolower((unsigned char)k->p[i][j]);
			h *= ACL_FNV_PRIME;
		}
	return h;
}

/* acl_key_eq - stored (lower case, NUL-terminated) equals the pieces */
static int
acl_key_eq(const char *stored, const struct acl_key *k)
{
	size_t i, j;

	for (i = 0; i < ACL_KEY_PIECES; i++)
		for (j = 0; j < k->l[i]; j++, stored++)
			if (*stored == 0 || (unsigned char)*stored !=
			    tolower((unsigned char)k->p[i][j]))
				return 0;
	return *stored == 0;
}

/* acl_find - 1 + index of the entry for the key, or 0 */
static size_t
acl_find(const struct acl *acl, const struct acl_key *k)
{
	uint64_t h = acl_hash(k);
	size_t s;

	if (acl->slots == NULL)
		return 0;
	for (s = (size_t)h & acl->mask; acl->slots[s] != 0;
	    s = (s + 1) & acl->mask) {
		size_t i = acl->slots[s] - 1;

		if (acl->hash[i] == h && acl_key_eq(acl->v[i].key, k))
			return i + 1;
	}
	return 0;
}

/* acl_slot_put - place entry i (table has room) */
static void
acl_slot_put(struct acl *acl, size_t i)
{
	size_t s;

	for (s = (size_t)acl->hash[i] & acl->mask; acl->slots[s] != 0;
	    s = (s + 1) & acl->mask)
		;
	acl->slots[s] = (uint32_t)(i + 1);
}

/* acl_grow - room for one more entry, the table at most half full */
static void
acl_grow(struct acl *acl)
{
	size_t nslots = acl->slots != NULL ? acl->mask + 1 : 0, i;

	if (acl->n + 1 <= nslots / 2)
		return;
	nslots = nslots ? nslots * 2 : ACL_MIN_SLOTS;
	free(acl->slots);
	acl->slots = xcalloc(nslots, sizeof(*acl->slots));
	acl->mask = nslots - 1;
	for (i = 0; i < acl->n; i++)
		acl_slot_put(acl, i);
}

/* acl_add - a new entry for a normalised key; its index */
static size_t
acl_add(struct acl *acl, const char *key, size_t len, uint64_t h)
{
	struct acl_entry *e;

	if (acl->n == acl->cap) {
		acl->cap = acl->cap ? acl->cap * 2 : ACL_MIN_SLOTS;
		acl->v = xrealloc(acl->v, acl->cap * sizeof(*acl->v));
		acl->hash = xrealloc(acl->hash, acl->cap * sizeof(*acl->hash));
	}
	e = &acl->v[acl->n];
	memset(e, 0, sizeof(*e));
	e->key = arena_memdup(acl->arena, key, len);
	acl->hash[acl->n] = h;
	return acl->n++;
}

/* acl_domain_ok - a domain as an ACL key may hold it */
static const char *
acl_domain_ok(const char *d, size_t len)
{
	enum domain_status st;

	if (len == 0)
		return "empty domain";
	if (d[len - 1] == '.' && (len == 1 || d[len - 2] == '.'))
		return "empty label in domain";
	st = domain_check(d, len);
	if (st != DOMAIN_OK && st != DOMAIN_SINGLE_LABEL)
		return domain_strerror(st);
	return NULL;
}

/*
 * acl_key_norm - check a KEY word and write its normal form (lower case,
 * no trailing dot) into out; NULL, or why it is bad
 */
static const char *
acl_key_norm(const char *w, size_t len, struct buf *out)
{
	const char *at = NULL, *dom, *why;
	size_t i, dlen, dstart;

	if (len == 1 && w[0] == '*')
		return buf_putc(out, '*') < 0 ? "too long" : NULL;
	for (i = len; i > 0; i--)
		if (w[i - 1] == '@') {
			at = w + i - 1;
			break;
		}
	if (at == NULL)
		return "is not user@domain, @domain, @.domain or *";
	if (at == w + 1 && w[0] == '*')
		return "is not a key (write @domain for a whole domain)";
	dom = at + 1;
	dlen = len - (size_t)(dom - w);
	dstart = 0;
	if (at == w && dlen > 0 && dom[0] == '.')
		dstart = 1;		/* @.parent: subdomains */
	if ((why = acl_domain_ok(dom + dstart, dlen - dstart)) != NULL)
		return why;
	dlen = domain_strip_dot(dom, dlen);
	if (len > ACL_MAX_KEY)
		return "is too long";
	for (i = 0; i < (size_t)(dom - w) + dlen; i++)
		buf_putc(out, tolower((unsigned char)w[i]));
	return out->overflow ? "is too long" : NULL;
}

/* acl_word - the next blank-separated word of a line, or NULL */
static const char *
acl_word(const char *s, size_t len, size_t *pos, size_t *wlen)
{
	size_t start;

	while (*pos < len && (s[*pos] == ' ' || s[*pos] == '\t'))
		(*pos)++;
	if (*pos == len || s[*pos] == '#')
		return NULL;
	start = *pos;
	while (*pos < len && s[*pos] != ' ' && s[*pos] != '\t')
		(*pos)++;
	*wlen = *pos - start;
	return s + start;
}

/* acl_word_is - case-insensitive word comparison */
static int
acl_word_is(const char *w, size_t len, const char *name)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (name[i] == 0 || tolower((unsigned char)w[i]) !=
		    tolower((unsigned char)name[i]))
			return 0;
	return name[len] == 0;
}

/* acl_flags_parse - the FLAG words; -1 after reporting a bad one */
static int
acl_flags_parse(struct acl_parser *p, unsigned line, const char *s,
    size_t len, size_t *pos, unsigned *flags)
{
	const char *w;
	size_t wlen, i;

	while ((w = acl_word(s, len, pos, &wlen)) != NULL) {
		for (i = 0; i < ACL_NFLAGS; i++)
			if (acl_word_is(w, wlen, acl_flags[i].name))
				break;
		if (i == ACL_NFLAGS) {
			acl_error(p, line, "unknown flag \"%.*s\" (HMARK, "
			    "OBSERVE, NOHELO, NOLEGACY or NODMARC)",
			    (int)(wlen > ACL_MAX_KEY ? ACL_MAX_KEY : wlen), w);
			return -1;
		}
		*flags |= acl_flags[i].flag;
	}
	return 0;
}

/* acl_line - one line of the file, without its newline */
static void
acl_line(struct acl_parser *p, unsigned line, const char *s, size_t len)
{
	struct acl *acl = p->acl;
	struct acl_entry *e;
	struct acl_key k;
	struct buf key;
	const char *w, *a, *why;
	size_t pos = 0, wlen, alen, i;
	enum acl_action action;
	unsigned flags = 0;

	if (len > 0 && s[len - 1] == '\r')
		len--;
	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] < ' ' && s[i] != '\t') ||
		    s[i] == 0x7f) {
			acl_error(p, line, "control character 0x%02x in line",
			    (unsigned)(unsigned char)s[i]);
			return;
		}
	if (len > ACL_MAX_LINE) {
		acl_error(p, line, "line longer than %d octets", ACL_MAX_LINE);
		return;
	}
	if ((w = acl_word(s, len, &pos, &wlen)) == NULL)
		return;			/* blank or comment */
	buf_init(&key, ACL_MAX_KEY);
	if ((why = acl_key_norm(w, wlen, &key)) != NULL) {
		acl_error(p, line, "key \"%.*s\" %s", (int)(wlen > ACL_MAX_KEY ?
		    ACL_MAX_KEY : wlen), w, why);
		goto out;
	}
	if ((a = acl_word(s, len, &pos, &alen)) == NULL) {
		acl_error(p, line, "%s: missing action (check or skip)",
		    key.data);
		goto out;
	}
	if (acl_word_is(a, alen, "check"))
		action = ACL_CHECK;
	else if (acl_word_is(a, alen, "skip"))
		action = ACL_SKIP;
	else {
		acl_error(p, line, "%s: unknown action \"%.*s\" (check or "
		    "skip)", key.data, (int)(alen > ACL_MAX_KEY ? ACL_MAX_KEY :
		    alen), a);
		goto out;
	}
	if (acl_flags_parse(p, line, s, len, &pos, &flags) < 0)
		goto out;
	if (action == ACL_SKIP && flags != 0) {
		acl_error(p, line, "%s: flags apply to check entries only",
		    key.data);
		goto out;
	}
	memset(&k, 0, sizeof(k));
	k.p[0] = key.data;
	k.l[0] = key.len;
	if ((i = acl_find(acl, &k)) != 0) {
		acl_error(p, line, "%s: duplicate entry (first at line %u)",
		    key.data, acl->v[i - 1].line);
		goto out;
	}
	if (acl->n >= ACL_MAX_ENTRIES) {
		acl_error(p, line, "more than %d entries", ACL_MAX_ENTRIES);
		goto out;
	}
	acl_grow(acl);
	i = acl_add(acl, key.data, key.len, acl_hash(&k));
	acl_slot_put(acl, i);
	e = &acl->v[i];
	e->action = action;
	e->flags = flags;
	e->line = line;
	if (key.len == 1 && key.data[0] == '*')
		acl->all = i + 1;
out:
	buf_free(&key);
}

/* acl_parse - the text of an ACL file, or NULL */
struct acl *
acl_parse(const char *text, size_t len, const char *name, struct buf *err)
{
	struct acl_parser p;
	const char *nl;
	size_t pos = 0, n;
	unsigned line = 0;

	memset(&p, 0, sizeof(p));
	p.name = name != NULL ? name : "acl";
	p.err = err;
	p.acl = xcalloc(1, sizeof(*p.acl));
	p.acl->arena = arena_new(ACL_ARENA_CHUNK);
	if (len > ACL_MAX_TEXT) {
		acl_error(&p, 0, "longer than %d octets", ACL_MAX_TEXT);
		goto out;
	}
	while (pos < len && p.nerr <= ACL_MAX_ERRORS) {
		nl = memchr(text + pos, '\n', len - pos);
		n = nl != NULL ? (size_t)(nl - (text + pos)) : len - pos;
		acl_line(&p, ++line, text + pos, n);
		pos += n + (nl != NULL);
	}
out:
	if (p.nerr == 0)
		return p.acl;
	if (err != NULL && p.nerr > ACL_MAX_ERRORS)
		buf_printf(err, "%s: more errors not shown\n", p.name);
	acl_free(p.acl);
	return NULL;
}

/* acl_free - release an ACL */
void
acl_free(struct acl *acl)
{
	if (acl == NULL)
		return;
	arena_free(acl->arena);
	free(acl->v);
	free(acl->hash);
	free(acl->slots);
	free(acl);
}

/* acl_probe - the entry for a key in pieces, or NULL */
static const struct acl_entry *
acl_probe(const struct acl *acl, const char *a, size_t alen, const char *b,
    size_t blen, const char *c, size_t clen)
{
	struct acl_key k;
	size_t i;

	k.p[0] = a;
	k.l[0] = alen;
	k.p[1] = b;
	k.l[1] = blen;
	k.p[2] = c;
	k.l[2] = clen;
	return (i = acl_find(acl, &k)) != 0 ? &acl->v[i - 1] : NULL;
}

/* acl_lookup_n - the most specific entry for a recipient */
const struct acl_entry *
acl_lookup_n(const struct acl *acl, const char *rcpt, size_t len)
{
	const struct acl_entry *e;
	const char *at = NULL, *dom;
	size_t i, dlen, llen;

	if (acl == NULL)
		return &acl_default;
	if (len >= 2 && rcpt[0] == '<' && rcpt[len - 1] == '>') {
		rcpt++;
		len -= 2;
	}
	for (i = len; i > 0; i--)
		if (rcpt[i - 1] == '@') {
			at = rcpt + i - 1;
			break;
		}
	if (at != NULL) {
		llen = (size_t)(at - rcpt);
		dom = at + 1;
		dlen = domain_strip_dot(dom, len - llen - 1);
		/* no key is longer than ACL_MAX_KEY: skip hashing one */
		if (llen > 0 && dlen > 0 && llen + 1 + dlen <= ACL_MAX_KEY &&
		    (e = acl_probe(acl, rcpt, llen, "@", 1, dom, dlen)) != NULL)
			return e;
		if (dlen > 0 && (e = acl_probe(acl, "@", 1, dom, dlen, NULL,
		    0)) != NULL)
			return e;
		/* @.parent, nearest parent first */
		for (i = 0; i < dlen; i++)
			if (dom[i] == '.' && i + 1 < dlen && (e = acl_probe(acl,
			    "@.", 2, dom + i + 1, dlen - i - 1, NULL, 0)) !=
			    NULL)
				return e;
	}
	return acl->all ? &acl->v[acl->all - 1] : &acl_default;
}

/* acl_lookup - the same for a C string */
const struct acl_entry *
acl_lookup(const struct acl *acl, const char *rcpt)
{
	return acl_lookup_n(acl, rcpt, strlen(rcpt));
}

/* acl_count - entries */
size_t
acl_count(const struct acl *acl)
{
	return acl != NULL ? acl->n : 0;
}

/* acl_entry_format - "check HMARK NOHELO" */
int
acl_entry_format(const struct acl_entry *e, struct buf *out)
{
	size_t i;

	buf_puts(out, e->action == ACL_SKIP ? "skip" : "check");
	for (i = 0; i < ACL_NFLAGS; i++)
		if (e->flags & acl_flags[i].flag) {
			buf_putc(out, ' ');
			buf_puts(out, acl_flags[i].name);
		}
	return out->overflow ? -1 : 0;
}
