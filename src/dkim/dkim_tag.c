/*
 * NAME
 *	dkim_tag 3
 * SUMMARY
 *	RFC 6376 3.2 tag-lists and base64 values
 * SYNOPSIS
 *	#include "dkim_int.h"
 *
 *	int	dkim_tags_parse(const char *text, size_t len,
 *			struct dkim_tag *tags, size_t max, size_t *ntags,
 *			const char **reason);
 *	size_t	dkim_tags_salvage(const char *text, size_t len,
 *			struct dkim_tag *tags, size_t max);
 *	const struct dkim_tag *dkim_tag_get(const struct dkim_tag *tags,
 *			size_t ntags, const char *name);
 *	int	dkim_b64_decode(struct arena *a, const char *text, size_t len,
 *			unsigned char **out, size_t *outlen);
 * DESCRIPTION
 *	dkim_tags_parse() splits a tag-list into at most max tag-specs:
 *	tag-list = tag-spec *( ";" tag-spec ) [ ";" ], tag-spec = [FWS]
 *	tag-name [FWS] "=" [FWS] tag-value [FWS].  A tag-name is ALPHA
 *	*ALNUMPUNC; a value holds visible ASCII but ";" (and, as RFC 8616
 *	allows, 8-bit octets), with FWS only between its characters, and
 *	may be empty.  Tag names are case-sensitive; a name given twice
 *	makes the whole list invalid (3.2).  The tags point into the text.
 *
 *	dkim_tags_salvage() keeps the well-formed tag-specs of a list
 *	dkim_tags_parse() refused (the first of a name given twice), so
 *	that the d=, s= and a= of a broken signature can be reported.
 *
 *	dkim_b64_decode() decodes a base64 value with any FWS in it (3.5
 *	b=, bh=; 3.6.1 p=) through OpenSSL's EVP_DecodeBlock(); the result
 *	lives in the arena.
 * DIAGNOSTICS
 *	dkim_tags_parse() returns 0, or -1 with *reason a static text.
 *	dkim_b64_decode() returns 0, or -1 when the text is not base64.
 * SEE ALSO
 *	RFC 6376 sections 2.8, 3.2; RFC 8616 4.
 */
#include <string.h>

#include <openssl/evp.h>

#include "util/arena.h"
#include "dkim_int.h"

/* dkim_tag_wsp - FWS octet (CRLF folding included); never NUL, which
 * is a byte of a value */
int
dkim_tag_wsp(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* dkim_tag_alpha - ALPHA */
static int
dkim_tag_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* dkim_tag_vchar - an octet a tag-value may hold besides FWS */
static int
dkim_tag_vchar(int c)
{
	return (c >= 0x21 && c <= 0x7e && c != ';') || c >= 0x80;
}

/* dkim_tag_one - parse one tag-spec between off and end */
static int
dkim_tag_one(const char *t, size_t off, size_t end, struct dkim_tag *tag,
    const char **reason)
{
	const unsigned char *u = (const unsigned char *)t;
	size_t p = off, vend;

	while (p < end && dkim_tag_wsp(u[p]))
		p++;
	if (p == end) {
		*reason = "empty tag-spec in tag-list";
		return -1;
	}
	if (!dkim_tag_alpha(u[p])) {
		*reason = "tag name does not start with a letter";
		return -1;
	}
	tag->name = t + p;
	while (p < end && (dkim_tag_alpha(u[p]) || (u[p] >= '0' &&
	    u[p] <= '9') || u[p] == '_'))
		p++;
	tag->nlen = (size_t)(t + p - tag->name);
	while (p < end && dkim_tag_wsp(u[p]))
		p++;
	if (p == end || u[p] != '=') {
		*reason = "tag-spec without '='";
		return -1;
	}
	p++;
	tag->val_off = p;
	tag->spec_end = end;
	while (p < end && dkim_tag_wsp(u[p]))
		p++;
	vend = end;
	while (vend > p && dkim_tag_wsp(u[vend - 1]))
		vend--;
	tag->val = t + p;
	tag->vlen = vend - p;
	for (; p < vend; p++)
		if (!dkim_tag_vchar(u[p]) && !dkim_tag_wsp(u[p])) {
			*reason = "control character in tag value";
			return -1;
		}
	return 0;
}

/* dkim_tags_parse - split a tag-list into tag-specs */
int
dkim_tags_parse(const char *t, size_t len, struct dkim_tag *tags,
    size_t max, size_t *ntags, const char **reason)
{
	size_t off = 0, n = 0, k;

	*ntags = 0;
	while (off < len) {
		const char *semi = memchr(t + off, ';', len - off);
		size_t end = semi ? (size_t)(semi - t) : len;

		if (semi == NULL) {
			/* a trailing ';' may be followed by FWS only */
			size_t p = off;

			while (p < len && dkim_tag_wsp((unsigned char)t[p]))
				p++;
			if (p == len && n > 0)
				break;
		}
		if (n == max) {
			*reason = "too many tags in tag-list";
			return -1;
		}
		if (dkim_tag_one(t, off, end, &tags[n], reason) < 0)
			return -1;
		for (k = 0; k < n; k++)
			if (tags[k].nlen == tags[n].nlen && memcmp(tags[k].name,
			    tags[n].name, tags[n].nlen) == 0) {
				*reason = "duplicate tag in tag-list";
				return -1;
			}
		n++;
		off = end + 1;
	}
	if (n == 0) {
		*reason = "empty tag-list";
		return -1;
	}
	*ntags = n;
	return 0;
}

/* dkim_tags_salvage - the well-formed tag-specs of a broken list */
size_t
dkim_tags_salvage(const char *t, size_t len, struct dkim_tag *tags,
    size_t max)
{
	size_t off = 0, n = 0;
	const char *why;

	while (off < len && n < max) {
		const char *semi = memchr(t + off, ';', len - off);
		size_t end = semi ? (size_t)(semi - t) : len;

		if (dkim_tag_one(t, off, end, &tags[n], &why) == 0) {
			struct dkim_tag *nt = &tags[n];
			size_t k;

			for (k = 0; k < n; k++)
				if (tags[k].nlen == nt->nlen && memcmp(
				    tags[k].name, nt->name, nt->nlen) == 0)
					break;
			if (k == n)
				n++;
		}
		off = end + 1;
	}
	return n;
}

/*
 * dkim_tag_item - the next item of a colon-separated value, from *off:
 * 1 with [*b, *e) the item, blanks around it left out, and *off past
 * its colon; 0 after the last one
 */
int
dkim_tag_item(const struct dkim_tag *t, size_t *off, size_t *b, size_t *e)
{
	const char *c;

	if (*off > t->vlen)
		return 0;
	c = memchr(t->val + *off, ':', t->vlen - *off);
	*b = *off;
	*e = c != NULL ? (size_t)(c - t->val) : t->vlen;
	*off = *e + 1;
	while (*b < *e && dkim_tag_wsp(t->val[*b]))
		(*b)++;
	while (*e > *b && dkim_tag_wsp(t->val[*e - 1]))
		(*e)--;
	return 1;
}

/* dkim_tag_get - the tag of this name, or NULL */
const struct dkim_tag *
dkim_tag_get(const struct dkim_tag *tags, size_t n, const char *name)
{
	size_t k, nlen = strlen(name);

	for (k = 0; k < n; k++)
		if (tags[k].nlen == nlen && memcmp(tags[k].name, name,
		    nlen) == 0)
			return &tags[k];
	return NULL;
}

/* dkim_b64_decode - base64 with FWS into the arena */
int
dkim_b64_decode(struct arena *a, const char *t, size_t len,
    unsigned char **out, size_t *outlen)
{
	char *clean = arena_alloc(a, len + 1);
	unsigned char *dec;
	size_t n = 0, k, pad = 0;
	int got;

	for (k = 0; k < len; k++) {
		if (dkim_tag_wsp((unsigned char)t[k]))
			continue;
		if (t[k] == '=')
			pad++;
		else if (pad > 0)
			return -1;	/* data after padding */
		clean[n++] = t[k];
	}
	clean[n] = 0;
	if (n % 4 != 0 || pad > 2 || n > (size_t)1 << 24)
		return -1;
	dec = arena_alloc(a, n / 4 * 3 + 1);
	if (n == 0) {
		*out = dec;
		*outlen = 0;
		return 0;
	}
	got = EVP_DecodeBlock(dec, (const unsigned char *)clean, (int)n);
	if (got < 0 || (size_t)got < pad)
		return -1;
	*out = dec;
	*outlen = (size_t)got - pad;
	return 0;
}
