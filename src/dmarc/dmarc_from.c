/*
 * NAME
 *	dmarc_from 3
 * SUMMARY
 *	the author domains of an RFC 5322 From field
 * SYNOPSIS
 *	#include "dmarc_int.h"
 *
 *	int	dmarc_from_parse(const char *value, size_t len,
 *		    char (*dom)[DMARC_MAX_DOMAIN + 1], size_t *ndom,
 *		    size_t max);
 *	int	dmarc_domain_norm(const char *name, size_t len, char *out);
 * DESCRIPTION
 *	dmarc_from_parse() reads the value of one From field (after the
 *	colon, folding included) as an RFC 5322 address-list: mailboxes
 *	with or without a display name, angle addresses with an obsolete
 *	route, groups, comments (nested) and quoted strings anywhere
 *	white space may be, empty list elements and white space around
 *	dots (the obsolete forms of RFC 5322 4.4).  Each address's domain
 *	is added to dom[] (ndom entries already there are kept) unless it
 *	is there already, lower case, without a trailing dot.  Octets over
 *	0x7f are taken as text (RFC 6532) but no domain may hold one.
 *
 *	dmarc_domain_norm() checks a domain name (labels of letters,
 *	digits, "-" and "_", at most 63 octets each, 253 in all; one
 *	trailing dot allowed) and writes it to out in lower case, without
 *	the dot.
 * DIAGNOSTICS
 *	dmarc_from_parse() returns DMARC_FROM_OK, DMARC_FROM_SYNTAX for a
 *	field with a syntax error, an address without a domain name (a
 *	domain literal) or no address at all, DMARC_FROM_MANY when more
 *	than max distinct domains would be kept.  dmarc_domain_norm()
 *	returns the length written, or -1.
 * SEE ALSO
 *	dmarc(3), RFC 5322 3.4, 3.6.2, 4.4; RFC 9989 5.3.1.
 */
#include <stdlib.h>
#include <string.h>

#include "../util/xmalloc.h"
#include "dmarc_int.h"

#define DMARC_MAX_COMMENT	64	/* comment nesting depth */

enum dmarc_tok_type {
	TOK_ATOM,
	TOK_QSTR,
	TOK_DLIT,
	TOK_SPECIAL,
};

struct dmarc_tok {
	enum dmarc_tok_type type;
	char		c;		/* TOK_SPECIAL */
	const char     *s;		/* TOK_ATOM */
	size_t		len;
};

struct dmarc_lex {
	struct dmarc_tok *tok;
	size_t		ntok;
	size_t		pos;
	char		(*dom)[DMARC_MAX_DOMAIN + 1];
	size_t	       *ndom;
	size_t		max;
	int		naddr;
	int		err;
};

/* dmarc_atext - RFC 5322 atext, and any octet over 0x7f */
static int
dmarc_atext(unsigned char c)
{
	if (c >= 0x80)
		return 1;
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return c != 0 && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL;
}

/* dmarc_skip_quoted - past a quoted string or domain literal or comment
 * body; returns the index after the closing octet, 0 on error */
static size_t
dmarc_skip_quoted(const char *s, size_t n, size_t i, char close)
{
	unsigned depth = 1;
	char open = s[i];

	for (i++; i < n; i++) {
		if (s[i] == '\\') {
			if (++i == n)
				return 0;
		} else if (close == ')' && s[i] == open) {
			if (++depth > DMARC_MAX_COMMENT)
				return 0;
		} else if (s[i] == close) {
			if (close != ')' || --depth == 0)
				return i + 1;
		} else if (close == ']' && s[i] == '[')
			return 0;
	}
	return 0;
}

/* dmarc_lex - split a field value into tokens, comments and folding
 * white space dropped; -1 on a lexical error */
static int
dmarc_lex(const char *s, size_t n, struct dmarc_tok *tok, size_t *ntok)
{
	size_t i = 0, j, k = 0;

	while (i < n) {
		unsigned char c = (unsigned char)s[i];

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			i++;
			continue;
		}
		if (c == '(' || c == '"' || c == '[') {
			j = dmarc_skip_quoted(s, n, i, c == '(' ? ')' :
			    c == '"' ? '"' : ']');
			if (j == 0)
				return -1;
			if (c != '(') {
				tok[k].type = c == '"' ? TOK_QSTR : TOK_DLIT;
				tok[k].s = s + i;
				tok[k++].len = j - i;
			}
			i = j;
			continue;
		}
		if (dmarc_atext(c)) {
			for (j = i; j < n && dmarc_atext((unsigned char)s[j]);
			    j++)
				;
			tok[k].type = TOK_ATOM;
			tok[k].s = s + i;
			tok[k++].len = j - i;
			i = j;
			continue;
		}
		if (c == 0 || strchr("<>@,;:.", c) == NULL)
			return -1;
		tok[k].type = TOK_SPECIAL;
		tok[k++].c = (char)c;
		i++;
	}
	*ntok = k;
	return 0;
}

/* dmarc_is - the current token is the special c */
static int
dmarc_is(const struct dmarc_lex *lx, char c)
{
	return lx->pos < lx->ntok && lx->tok[lx->pos].type == TOK_SPECIAL &&
	    lx->tok[lx->pos].c == c;
}

/* dmarc_is_word - the current token is an atom or a quoted string */
static int
dmarc_is_word(const struct dmarc_lex *lx)
{
	return lx->pos < lx->ntok && (lx->tok[lx->pos].type == TOK_ATOM ||
	    lx->tok[lx->pos].type == TOK_QSTR);
}

/* dmarc_add_domain - keep a normalized domain once */
static void
dmarc_add_domain(struct dmarc_lex *lx, const char *name, size_t len)
{
	char norm[DMARC_MAX_DOMAIN + 1];
	size_t i;

	if (dmarc_domain_norm(name, len, norm) < 0) {
		lx->err = DMARC_FROM_SYNTAX;
		return;
	}
	lx->naddr++;
	for (i = 0; i < *lx->ndom; i++)
		if (strcmp(lx->dom[i], norm) == 0)
			return;
	if (*lx->ndom == lx->max) {
		lx->err = DMARC_FROM_MANY;
		return;
	}
	memcpy(lx->dom[(*lx->ndom)++], norm, strlen(norm) + 1);
}

/* dmarc_domain - dot-atom or obs-domain; a domain literal is an error */
static void
dmarc_domain(struct dmarc_lex *lx)
{
	char name[DMARC_MAX_DOMAIN + 2];
	size_t len = 0;

	for (;;) {
		const struct dmarc_tok *t;

		if (lx->pos == lx->ntok || lx->tok[lx->pos].type != TOK_ATOM) {
			if (len == 0 || name[len - 1] != '.')
				lx->err = DMARC_FROM_SYNTAX;
			break;
		}
		t = &lx->tok[lx->pos++];
		if (len + t->len + 1 > sizeof(name)) {
			lx->err = DMARC_FROM_SYNTAX;
			return;
		}
		memcpy(name + len, t->s, t->len);
		len += t->len;
		if (!dmarc_is(lx, '.'))
			break;
		lx->pos++;
		name[len++] = '.';
	}
	if (lx->err == 0)
		dmarc_add_domain(lx, name, len);
}

/* dmarc_addr_spec - local-part "@" domain */
static void
dmarc_addr_spec(struct dmarc_lex *lx)
{
	if (!dmarc_is_word(lx)) {
		lx->err = DMARC_FROM_SYNTAX;
		return;
	}
	lx->pos++;
	while (dmarc_is(lx, '.')) {
		lx->pos++;
		if (!dmarc_is_word(lx)) {
			lx->err = DMARC_FROM_SYNTAX;
			return;
		}
		lx->pos++;
	}
	if (!dmarc_is(lx, '@')) {
		lx->err = DMARC_FROM_SYNTAX;
		return;
	}
	lx->pos++;
	dmarc_domain(lx);
}

/* dmarc_route - obs-route: "@" domain *("," ["@" domain]) ":" */
static void
dmarc_route(struct dmarc_lex *lx)
{
	while (dmarc_is(lx, '@') || dmarc_is(lx, ',')) {
		if (dmarc_is(lx, '@')) {
			lx->pos++;
			if (lx->pos == lx->ntok ||
			    lx->tok[lx->pos].type != TOK_ATOM) {
				lx->err = DMARC_FROM_SYNTAX;
				return;
			}
			while (lx->pos < lx->ntok &&
			    (lx->tok[lx->pos].type == TOK_ATOM ||
			    dmarc_is(lx, '.')))
				lx->pos++;
		} else
			lx->pos++;
	}
	if (!dmarc_is(lx, ':'))
		lx->err = DMARC_FROM_SYNTAX;
	else
		lx->pos++;
}

/* dmarc_mailbox - name-addr or addr-spec */
static void
dmarc_mailbox(struct dmarc_lex *lx)
{
	size_t start = lx->pos;

	while (dmarc_is_word(lx) || (lx->pos > start && dmarc_is(lx, '.')))
		lx->pos++;
	if (!dmarc_is(lx, '<')) {
		lx->pos = start;
		dmarc_addr_spec(lx);
		return;
	}
	lx->pos++;
	if (dmarc_is(lx, '@'))
		dmarc_route(lx);
	if (lx->err == 0)
		dmarc_addr_spec(lx);
	if (lx->err == 0 && !dmarc_is(lx, '>'))
		lx->err = DMARC_FROM_SYNTAX;
	lx->pos++;
}

/* dmarc_group - display-name ":" [mailbox-list] ";" */
static void
dmarc_group(struct dmarc_lex *lx)
{
	while (lx->err == 0) {
		while (dmarc_is(lx, ','))
			lx->pos++;
		if (dmarc_is(lx, ';')) {
			lx->pos++;
			return;
		}
		if (lx->pos == lx->ntok) {
			lx->err = DMARC_FROM_SYNTAX;
			return;
		}
		dmarc_mailbox(lx);
		if (lx->err == 0 && !dmarc_is(lx, ',') && !dmarc_is(lx, ';'))
			lx->err = DMARC_FROM_SYNTAX;
	}
}

/* dmarc_address - mailbox or group */
static void
dmarc_address(struct dmarc_lex *lx)
{
	size_t start = lx->pos;

	while (dmarc_is_word(lx) || (lx->pos > start && dmarc_is(lx, '.')))
		lx->pos++;
	if (lx->pos > start && dmarc_is(lx, ':')) {
		lx->pos++;
		dmarc_group(lx);
		return;
	}
	lx->pos = start;
	dmarc_mailbox(lx);
}

/* dmarc_from_parse - author domains of one From field's value */
int
dmarc_from_parse(const char *s, size_t n, char (*dom)[DMARC_MAX_DOMAIN + 1],
    size_t *ndom, size_t max)
{
	struct dmarc_lex lx;

	memset(&lx, 0, sizeof(lx));
	lx.tok = xmalloc((n + 1) * sizeof(*lx.tok));
	lx.dom = dom;
	lx.ndom = ndom;
	lx.max = max;
	if (dmarc_lex(s, n, lx.tok, &lx.ntok) < 0)
		lx.err = DMARC_FROM_SYNTAX;
	while (lx.err == 0 && lx.pos < lx.ntok) {
		if (dmarc_is(&lx, ',')) {
			lx.pos++;
			continue;
		}
		dmarc_address(&lx);
		if (lx.err == 0 && lx.pos < lx.ntok && !dmarc_is(&lx, ','))
			lx.err = DMARC_FROM_SYNTAX;
	}
	if (lx.err == 0 && lx.naddr == 0)
		lx.err = DMARC_FROM_SYNTAX;
	free(lx.tok);
	return lx.err;
}

/* dmarc_domain_norm - check a domain name; lower case, no final dot */
int
dmarc_domain_norm(const char *s, size_t n, char *out)
{
	size_t i, lab = 0;

	if (n > 0 && s[n - 1] == '.')
		n--;
	if (n == 0 || n > DMARC_MAX_DOMAIN)
		return -1;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c == '.') {
			if (lab == 0)
				return -1;
			lab = 0;
		} else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_')
			lab++;
		else if (c >= 'A' && c <= 'Z') {
			c = (char)(c - 'A' + 'a');
			lab++;
		} else
			return -1;
		if (lab > DMARC_MAX_LABEL)
			return -1;
		out[i] = c;
	}
	if (lab == 0)
		return -1;
	out[n] = 0;
	return (int)n;
}
