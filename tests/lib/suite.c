/*
 * NAME
 *	suite 3
 * SUMMARY
 *	the openspf YAML conformance suites as zones and test rows
 * SYNOPSIS
 *	#include "lib/suite.h"
 *
 *	struct suite *suite_parse(const char *name, const char *text,
 *			size_t len, char *err, size_t errlen);
 *	struct suite *suite_load(const char *path, char *err, size_t errlen);
 *	void	suite_free(struct suite *s);
 *	void	suite_errf(char *err, size_t errlen, const char *fmt, ...);
 * DESCRIPTION
 *	suite_parse() reads a suite file (rfc7208-tests.yml, rfc4408-tests.yml:
 *	one YAML document per scenario) with libyaml and turns each
 *	scenario's zonedata into the zone text of doc/zone-format.md, the
 *	way the suite's reference driver serves it:
 *
 *	SPF records are served as SPF and, unless the name has a TXT entry
 *	(TXT: NONE counts) or a TIMEOUT, also as TXT.  "TXT: NONE" means no
 *	record; a name whose entries yield no record at all is EXISTS.  A
 *	"TIMEOUT" entry makes every query for a type without records at the
 *	name time out (a record listed after it is refused: the zone format
 *	cannot say that).  A value longer than 255 octets becomes several
 *	strings of one record; a list value is several strings of one
 *	record, an empty list one empty string.  libyaml has already turned
 *	the "\xNN" escapes into code points, UTF-8 encoded; bytes outside
 *	printable ASCII are written as \DDD, in names too (a blank, '#' or
 *	';' in a name, as in the suites' "macro%percent  space..." name, is
 *	escaped the same way: doc/zone-format.md).
 *
 *	suite_load() does the same for a file and names the suite after it
 *	("rfc7208" for rfc7208-tests.yml).  suite_free() releases it all.
 *	suite_errf() formats a message into an error buffer (also used by
 *	suite_dev.c).
 * DIAGNOSTICS
 *	NULL or -1 with a message in err ("line N: why").  Memory exhaustion
 *	exits (xmalloc).
 * SEE ALSO
 *	tests/suite/openspf/README.md (the suites, their format),
 *	doc/zone-format.md, suite_dev.c
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/msg.h"
#include "util/xmalloc.h"

#include "lib/suite.h"

#define SUITE_ARENA_CHUNK	(64 * 1024)

/* Parse state of one suite file. */
struct suite_ctx {
	struct suite   *s;
	yaml_document_t *doc;
	size_t		tcap;		/* allocated s->tests */
	size_t		scap;		/* allocated s->scenarios */
	struct buf	zone;		/* zone text being built */
	char	       *err;
	size_t		errlen;
};

/* suite_errf - format a message into the caller's err buffer */
void
suite_errf(char *err, size_t errlen, const char *fmt, ...)
{
	struct buf b;
	va_list ap;
	size_t n;

	if (err == NULL || errlen == 0)
		return;
	buf_init(&b, SUITE_MAX_ERRLEN);
	va_start(ap, fmt);
	(void)buf_vprintf(&b, fmt, ap);
	va_end(ap);
	n = b.len < errlen - 1 ? b.len : errlen - 1;
	if (n > 0)
		memcpy(err, b.data, n);
	err[n] = 0;
	buf_free(&b);
}

/* suite_node - a node of the current document by index, or NULL */
static yaml_node_t *
suite_node(struct suite_ctx *c, int index)
{
	return yaml_document_get_node(c->doc, index);
}

/* suite_line - 1-based line of a node, for messages */
static unsigned long
suite_line(const yaml_node_t *n)
{
	return n ? (unsigned long)n->start_mark.line + 1 : 0;
}

/* suite_scalar - a scalar node's bytes, or NULL when not a scalar */
static const char *
suite_scalar(const yaml_node_t *n, size_t *lenp)
{
	if (n == NULL || n->type != YAML_SCALAR_NODE)
		return NULL;
	*lenp = n->data.scalar.length;
	return (const char *)n->data.scalar.value;
}

/* suite_scalar_is - a scalar node equal to the given text */
static int
suite_scalar_is(const yaml_node_t *n, const char *text)
{
	const char *p;
	size_t len;

	if ((p = suite_scalar(n, &len)) == NULL)
		return 0;
	return len == strlen(text) && memcmp(p, text, len) == 0;
}

/* suite_map_get - the value under a key of a mapping node, or NULL */
static yaml_node_t *
suite_map_get(struct suite_ctx *c, const yaml_node_t *map, const char *key)
{
	const yaml_node_pair_t *pair;

	if (map == NULL || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (pair = map->data.mapping.pairs.start;
	    pair < map->data.mapping.pairs.top; pair++)
		if (suite_scalar_is(suite_node(c, pair->key), key))
			return suite_node(c, pair->value);
	return NULL;
}

/* suite_text - a NUL-free scalar copied into the suite's arena */
static const char *
suite_text(struct suite_ctx *c, const yaml_node_t *n, const char *what)
{
	const char *p;
	size_t len;

	if ((p = suite_scalar(n, &len)) == NULL) {
		suite_errf(c->err, c->errlen, "line %lu: %s: not a string",
		    suite_line(n), what);
		return NULL;
	}
	if (memchr(p, 0, len) != NULL) {
		suite_errf(c->err, c->errlen, "line %lu: %s: NUL byte",
		    suite_line(n), what);
		return NULL;
	}
	return arena_memdup(c->s->arena, p, len);
}

/* suite_zone_byte - one octet of a name or string in zone syntax */
static void
suite_zone_byte(struct buf *b, unsigned char ch, int in_name)
{
	if (ch == '"' || ch == '\\') {
		(void)buf_putc(b, '\\');
		(void)buf_putc(b, ch);
	} else if (ch < 0x20 || ch >= 0x7f ||
	    (in_name && (ch == ' ' || ch == '#' || ch == ';'))) {
		(void)buf_printf(b, "\\%03u", (unsigned)ch);
	} else {
		(void)buf_putc(b, ch);
	}
}

/* suite_zone_name - a domain name: one trailing dot dropped, "" is root */
static void
suite_zone_name(struct buf *b, const char *p, size_t len)
{
	size_t i;

	if (len > 1 && p[len - 1] == '.')
		len--;
	if (len == 0 || (len == 1 && p[0] == '.')) {
		(void)buf_putc(b, '.');
		return;
	}
	for (i = 0; i < len; i++)
		suite_zone_byte(b, (unsigned char)p[i], 1);
}

/* suite_zone_strings - bytes as quoted strings of at most 255 octets */
static void
suite_zone_strings(struct buf *b, const char *p, size_t len)
{
	size_t off, n, i;

	off = 0;
	do {
		n = len - off > SUITE_TXT_CHUNK ? SUITE_TXT_CHUNK : len - off;
		if (off > 0)
			(void)buf_putc(b, ' ');
		(void)buf_putc(b, '"');
		for (i = 0; i < n; i++)
			suite_zone_byte(b, (unsigned char)p[off + i], 0);
		(void)buf_putc(b, '"');
		off += n;
	} while (off < len);
}

/* suite_zone_start - "NAME TYPE " at the start of a line */
static void
suite_zone_start(struct suite_ctx *c, const yaml_node_t *name,
    const char *type)
{
	const char *p;
	size_t len = 0;

	if ((p = suite_scalar(name, &len)) == NULL)
		msg_panic("suite_zone_start: name is not a scalar");
	suite_zone_name(&c->zone, p, len);
	(void)buf_printf(&c->zone, " %s", type);
}

/* suite_zone_text - TXT or SPF data: a string or a list of strings */
static int
suite_zone_text(struct suite_ctx *c, const yaml_node_t *v)
{
	const yaml_node_item_t *item;
	const char *p;
	size_t len;
	int n = 0;

	if ((p = suite_scalar(v, &len)) != NULL) {
		(void)buf_putc(&c->zone, ' ');
		suite_zone_strings(&c->zone, p, len);
		return 0;
	}
	if (v == NULL || v->type != YAML_SEQUENCE_NODE)
		goto bad;
	for (item = v->data.sequence.items.start;
	    item < v->data.sequence.items.top; item++, n++) {
		if ((p = suite_scalar(suite_node(c, *item), &len)) == NULL)
			goto bad;
		(void)buf_putc(&c->zone, ' ');
		suite_zone_strings(&c->zone, p, len);
	}
	if (n == 0)		/* "null text": no strings at all */
		(void)buf_puts(&c->zone, " \"\"");
	return 0;
bad:
	suite_errf(c->err, c->errlen,
	    "line %lu: TXT/SPF data: not a string or list of strings",
	    suite_line(v));
	return -1;
}

/* suite_zone_mx - MX data [PREF, NAME] */
static int
suite_zone_mx(struct suite_ctx *c, const yaml_node_t *v)
{
	const yaml_node_t *pref, *host;
	const char *p, *h;
	size_t plen, hlen, i;

	if (v == NULL || v->type != YAML_SEQUENCE_NODE ||
	    v->data.sequence.items.top - v->data.sequence.items.start != 2)
		goto bad;
	pref = suite_node(c, v->data.sequence.items.start[0]);
	host = suite_node(c, v->data.sequence.items.start[1]);
	if ((p = suite_scalar(pref, &plen)) == NULL || plen == 0 ||
	    (h = suite_scalar(host, &hlen)) == NULL)
		goto bad;
	for (i = 0; i < plen; i++)
		if (p[i] < '0' || p[i] > '9')
			goto bad;
	(void)buf_putc(&c->zone, ' ');
	(void)buf_append(&c->zone, p, plen);
	(void)buf_putc(&c->zone, ' ');
	suite_zone_name(&c->zone, h, hlen);
	return 0;
bad:
	suite_errf(c->err, c->errlen, "line %lu: MX data: want [PREF, NAME]",
	    suite_line(v));
	return -1;
}

/* suite_zone_word - A or AAAA data: one word, written as it is */
static int
suite_zone_word(struct suite_ctx *c, const yaml_node_t *v)
{
	const char *p;
	size_t len, i;

	if ((p = suite_scalar(v, &len)) == NULL || len == 0)
		goto bad;
	for (i = 0; i < len; i++)
		if ((unsigned char)p[i] <= ' ' || (unsigned char)p[i] >= 0x7f)
			goto bad;
	(void)buf_putc(&c->zone, ' ');
	(void)buf_append(&c->zone, p, len);
	return 0;
bad:
	suite_errf(c->err, c->errlen, "line %lu: address: not one word",
	    suite_line(v));
	return -1;
}

/* suite_zone_target - PTR or CNAME data: a domain name */
static int
suite_zone_target(struct suite_ctx *c, const yaml_node_t *v)
{
	const char *p;
	size_t len;

	if ((p = suite_scalar(v, &len)) == NULL) {
		suite_errf(c->err, c->errlen, "line %lu: target: not a name",
		    suite_line(v));
		return -1;
	}
	(void)buf_putc(&c->zone, ' ');
	suite_zone_name(&c->zone, p, len);
	return 0;
}

/* suite_zone_record - one TYPE: value pair as a zone line; 1 if written */
static int
suite_zone_record(struct suite_ctx *c, const yaml_node_t *name,
    const char *type, const yaml_node_t *v)
{
	int rc;

	if (suite_scalar_is(v, "NONE"))
		return 0;
	if (suite_scalar_is(v, "TIMEOUT")) {
		suite_errf(c->err, c->errlen,
		    "line %lu: %s: TIMEOUT for one type is not supported",
		    suite_line(v), type);
		return -1;
	}
	suite_zone_start(c, name, type);
	if (strcmp(type, "TXT") == 0 || strcmp(type, "SPF") == 0)
		rc = suite_zone_text(c, v);
	else if (strcmp(type, "MX") == 0)
		rc = suite_zone_mx(c, v);
	else if (strcmp(type, "A") == 0 || strcmp(type, "AAAA") == 0)
		rc = suite_zone_word(c, v);
	else if (strcmp(type, "PTR") == 0 || strcmp(type, "CNAME") == 0)
		rc = suite_zone_target(c, v);
	else {
		suite_errf(c->err, c->errlen, "line %lu: unknown type %s",
		    suite_line(v), type);
		rc = -1;
	}
	if (rc < 0)
		return -1;
	(void)buf_putc(&c->zone, '\n');
	return 1;
}

/* suite_pair_type - the record type of a pair, as a C string, or NULL */
static const char *
suite_pair_type(struct suite_ctx *c, const yaml_node_pair_t *pair)
{
	static const char *const types[] = {
		"A", "AAAA", "CNAME", "MX", "PTR", "SPF", "TXT",
	};
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (suite_scalar_is(suite_node(c, pair->key), types[i]))
			return types[i];
	return NULL;
}

/* suite_zone_entries - the zone lines of one name and its entry list */
static int
suite_zone_entries(struct suite_ctx *c, const yaml_node_t *name,
    const yaml_node_t *list)
{
	const yaml_node_item_t *item;
	const yaml_node_pair_t *pair;
	const yaml_node_t *e;
	const char *type;
	int has_txt = 0, timeout = 0, records = 0, rc;
	int pass;

	if (list == NULL || list->type != YAML_SEQUENCE_NODE) {
		suite_errf(c->err, c->errlen,
		    "line %lu: zonedata: want a list of records",
		    suite_line(list));
		return -1;
	}
	/*
	 * Pass 0 writes the records as listed, pass 1 the TXT copies of the
	 * SPF records (the reference driver appends them after everything,
	 * so behind a TIMEOUT they would never be reached).
	 */
	for (item = list->data.sequence.items.start;
	    item < list->data.sequence.items.top; item++) {
		e = suite_node(c, *item);
		if (e && e->type == YAML_MAPPING_NODE)
			for (pair = e->data.mapping.pairs.start;
			    pair < e->data.mapping.pairs.top; pair++)
				if (suite_scalar_is(suite_node(c, pair->key),
				    "TXT"))
					has_txt = 1;
	}
	for (pass = 0; pass < 2; pass++) {
		if (pass == 1 && (has_txt || timeout))
			break;
		for (item = list->data.sequence.items.start;
		    item < list->data.sequence.items.top; item++) {
			e = suite_node(c, *item);
			if (suite_scalar_is(e, "TIMEOUT")) {
				timeout = 1;
				continue;
			}
			if (e == NULL || e->type != YAML_MAPPING_NODE) {
				suite_errf(c->err, c->errlen,
				    "line %lu: want TYPE: value or TIMEOUT",
				    suite_line(e));
				return -1;
			}
			for (pair = e->data.mapping.pairs.start;
			    pair < e->data.mapping.pairs.top; pair++) {
				if ((type = suite_pair_type(c, pair)) == NULL) {
					suite_errf(c->err, c->errlen,
					    "line %lu: unknown record type",
					    suite_line(e));
					return -1;
				}
				if (pass == 1 && strcmp(type, "SPF") != 0)
					continue;
				if (pass == 1)
					type = "TXT";
				if (timeout && !suite_scalar_is(
				    suite_node(c, pair->value), "NONE")) {
					suite_errf(c->err, c->errlen,
					    "line %lu: record after TIMEOUT",
					    suite_line(e));
					return -1;
				}
				rc = suite_zone_record(c, name, type,
				    suite_node(c, pair->value));
				if (rc < 0)
					return -1;
				records += rc;
			}
		}
	}
	if (timeout) {
		suite_zone_start(c, name, "TIMEOUT");
		(void)buf_putc(&c->zone, '\n');
	} else if (records == 0) {
		suite_zone_start(c, name, "EXISTS");
		(void)buf_putc(&c->zone, '\n');
	}
	return 0;
}

/* suite_zone - a scenario's zonedata as zone text in the arena */
static int
suite_zone(struct suite_ctx *c, struct suite_scenario *sc,
    const yaml_node_t *zd)
{
	const yaml_node_pair_t *pair;
	const yaml_node_t *name;
	size_t len;

	buf_reset(&c->zone);
	if (zd != NULL && zd->type != YAML_MAPPING_NODE) {
		suite_errf(c->err, c->errlen,
		    "line %lu: zonedata: not a mapping", suite_line(zd));
		return -1;
	}
	for (pair = zd ? zd->data.mapping.pairs.start : NULL;
	    zd && pair < zd->data.mapping.pairs.top; pair++) {
		name = suite_node(c, pair->key);
		if (suite_scalar(name, &len) == NULL || len == 0) {
			suite_errf(c->err, c->errlen,
			    "line %lu: zonedata: bad name", suite_line(name));
			return -1;
		}
		if (suite_zone_entries(c, name, suite_node(c, pair->value)) < 0)
			return -1;
	}
	if (c->zone.overflow) {
		suite_errf(c->err, c->errlen, "zone text over %d octets",
		    SUITE_MAX_ZONE);
		return -1;
	}
	sc->zone = arena_memdup(c->s->arena, c->zone.data ? c->zone.data : "",
	    c->zone.len);
	sc->zone_len = c->zone.len;
	return 0;
}

/* suite_results - "result: word" or "result: [word, ...]" */
static int
suite_results(struct suite_ctx *c, struct suite_test *t, const yaml_node_t *v)
{
	const yaml_node_item_t *item;

	if (v != NULL && v->type == YAML_SEQUENCE_NODE) {
		for (item = v->data.sequence.items.start;
		    item < v->data.sequence.items.top; item++) {
			if (t->nresults >= SUITE_MAX_RESULTS) {
				suite_errf(c->err, c->errlen,
				    "line %lu: too many results",
				    suite_line(v));
				return -1;
			}
			t->results[t->nresults] = suite_text(c,
			    suite_node(c, *item), "result");
			if (t->results[t->nresults++] == NULL)
				return -1;
		}
	} else {
		if ((t->results[0] = suite_text(c, v, "result")) == NULL)
			return -1;
		t->nresults = 1;
	}
	if (t->nresults == 0) {
		suite_errf(c->err, c->errlen, "line %lu: empty result list",
		    suite_line(v));
		return -1;
	}
	return 0;
}

/* suite_test_parse - one entry of a scenario's tests mapping */
static int
suite_test_parse(struct suite_ctx *c, const yaml_node_pair_t *pair)
{
	struct suite *s = c->s;
	struct suite_test *t;
	const yaml_node_t *v, *e;

	if (s->ntests == c->tcap) {
		c->tcap = c->tcap ? c->tcap * 2 : 64;
		s->tests = xrealloc(s->tests, c->tcap * sizeof(*s->tests));
	}
	t = &s->tests[s->ntests];
	memset(t, 0, sizeof(*t));
	t->scenario = s->nscenarios;
	v = suite_node(c, pair->value);
	if ((t->name = suite_text(c, suite_node(c, pair->key), "test name"))
	    == NULL)
		return -1;
	if (v == NULL || v->type != YAML_MAPPING_NODE) {
		suite_errf(c->err, c->errlen, "line %lu: test %s: not a "
		    "mapping", suite_line(v), t->name);
		return -1;
	}
	if (suite_find(s, t->name) != NULL) {
		suite_errf(c->err, c->errlen, "line %lu: test %s: twice",
		    suite_line(v), t->name);
		return -1;
	}
	if ((t->host = suite_text(c, suite_map_get(c, v, "host"), "host"))
	    == NULL ||
	    (t->mailfrom = suite_text(c, suite_map_get(c, v, "mailfrom"),
	    "mailfrom")) == NULL)
		return -1;
	e = suite_map_get(c, v, "helo");
	t->helo = e ? suite_text(c, e, "helo") : "";
	if (t->helo == NULL)
		return -1;
	if ((e = suite_map_get(c, v, "result")) == NULL) {
		suite_errf(c->err, c->errlen, "line %lu: test %s: no result",
		    suite_line(v), t->name);
		return -1;
	}
	if (suite_results(c, t, e) < 0)
		return -1;
	if ((e = suite_map_get(c, v, "explanation")) != NULL &&
	    (t->explanation = suite_text(c, e, "explanation")) == NULL)
		return -1;
	s->ntests++;
	return 0;
}

/* suite_scenario_parse - one YAML document */
static int
suite_scenario_parse(struct suite_ctx *c, const yaml_node_t *root)
{
	struct suite *s = c->s;
	struct suite_scenario *sc;
	const yaml_node_pair_t *pair;
	const yaml_node_t *tests, *d;

	if (root->type != YAML_MAPPING_NODE) {
		suite_errf(c->err, c->errlen, "line %lu: scenario: not a "
		    "mapping", suite_line(root));
		return -1;
	}
	if (s->nscenarios == c->scap) {
		c->scap = c->scap ? c->scap * 2 : 16;
		s->scenarios = xrealloc(s->scenarios,
		    c->scap * sizeof(*s->scenarios));
	}
	sc = &s->scenarios[s->nscenarios];
	memset(sc, 0, sizeof(*sc));
	d = suite_map_get(c, root, "description");
	sc->description = d ? suite_text(c, d, "description") : "";
	if (sc->description == NULL)
		return -1;
	if (suite_zone(c, sc, suite_map_get(c, root, "zonedata")) < 0)
		return -1;
	tests = suite_map_get(c, root, "tests");
	if (tests == NULL || tests->type != YAML_MAPPING_NODE) {
		suite_errf(c->err, c->errlen, "line %lu: scenario: no tests",
		    suite_line(root));
		return -1;
	}
	sc->first_test = s->ntests;
	for (pair = tests->data.mapping.pairs.start;
	    pair < tests->data.mapping.pairs.top; pair++)
		if (suite_test_parse(c, pair) < 0)
			return -1;
	sc->ntests = s->ntests - sc->first_test;
	s->nscenarios++;
	return 0;
}

/* suite_parse - a suite from YAML text */
struct suite *
suite_parse(const char *name, const char *text, size_t len, char *err,
    size_t errlen)
{
	struct suite_ctx c;
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root;
	struct suite *s;
	int ok = 0, have_doc = 0;

	s = xcalloc(1, sizeof(*s));
	s->arena = arena_new(SUITE_ARENA_CHUNK);
	s->name = arena_strdup(s->arena, name);
	memset(&c, 0, sizeof(c));
	c.s = s;
	c.doc = &doc;
	c.err = err;
	c.errlen = errlen;
	buf_init(&c.zone, SUITE_MAX_ZONE);
	if (!yaml_parser_initialize(&parser)) {
		suite_errf(err, errlen, "yaml: cannot initialize");
		goto out_zone;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text,
	    len);
	for (;;) {
		if (!yaml_parser_load(&parser, &doc)) {
			suite_errf(err, errlen, "line %lu: yaml: %s",
			    (unsigned long)parser.problem_mark.line + 1,
			    parser.problem ? parser.problem : "error");
			goto out;
		}
		have_doc = 1;
		if ((root = yaml_document_get_root_node(&doc)) == NULL)
			break;
		if (suite_scenario_parse(&c, root) < 0)
			goto out;
		yaml_document_delete(&doc);
		have_doc = 0;
	}
	if (s->ntests == 0) {
		suite_errf(err, errlen, "no tests");
		goto out;
	}
	ok = 1;
out:
	if (have_doc)
		yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
out_zone:
	buf_free(&c.zone);
	if (!ok) {
		suite_free(s);
		return NULL;
	}
	return s;
}

/* suite_name_of - "rfc7208" from ".../rfc7208-tests.yml" */
static char *
suite_name_of(const char *path)
{
	static const char *const suffixes[] = {"-tests.yml", ".yml", ".yaml"};
	const char *base;
	size_t len, slen, i;

	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	len = strlen(base);
	for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		slen = strlen(suffixes[i]);
		if (len > slen && strcmp(base + len - slen, suffixes[i]) == 0) {
			len -= slen;
			break;
		}
	}
	return xmemdup(base, len);
}

/* suite_load - a suite from a file, named after it */
struct suite *
suite_load(const char *path, char *err, size_t errlen)
{
	struct suite *s = NULL;
	char *text = NULL, *name = NULL;
	char sub[SUITE_MAX_ERRLEN];
	size_t len;

	if ((text = suite_read_file(path, SUITE_MAX_FILE, &len, err,
	    errlen)) == NULL)
		goto out;
	name = suite_name_of(path);
	if ((s = suite_parse(name, text, len, sub, sizeof(sub))) == NULL)
		suite_errf(err, errlen, "%s: %s", path, sub);
out:
	free(name);
	free(text);
	return s;
}

/* suite_free - release a suite, NULL is a no-op */
void
suite_free(struct suite *s)
{
	if (s == NULL)
		return;
	free(s->tests);
	free(s->scenarios);
	arena_free(s->arena);
	free(s);
}
