/* conf_int.h - the parameter table and the value types, inside conf/ */
#ifndef RMXF_CONF_INT_H
#define RMXF_CONF_INT_H

#include <stddef.h>

#include "conf.h"

struct buf;

/* How a parameter's text becomes a field; conf_value.c. */
enum conf_type {
	CONF_T_BOOL,		/* int: yes/no true/false 1/0 on/off */
	CONF_T_UINT,		/* unsigned, min..max */
	CONF_T_TIME,		/* unsigned ms, N[s|ms], min..max ms */
	CONF_T_STR,		/* char *, flags CONF_F_* */
	CONF_T_ENUM,		/* enum (int-sized), one of names */
	CONF_T_DSN,		/* char *, RFC 3463 code of class min */
	CONF_T_NETS,		/* struct conf_nets: ADDR[/BITS]... */
	CONF_T_ADDRS,		/* struct conf_addrs: ADDR... */
	CONF_T_WORDS,		/* struct conf_strs: WORD... */
	CONF_T_LISTEN,		/* struct conf_listens: unix:P inet:H:P... */
	CONF_T_FWDS,		/* struct conf_fwds: IP[@PORT]... */
};

/* String flags. */
#define CONF_F_WORD	(1u << 0)	/* no white space */
#define CONF_F_TOKEN	(1u << 1)	/* RFC 8601 authserv-id: a word,
					 * without ; ( ) " \ */
#define CONF_F_DATE	(1u << 2)	/* empty, or YYYY-MM-DD (UTC) */
#define CONF_F_TEMPLATE	(1u << 3)	/* raw: no $name expansion; its
					 * $variables are conf_template's */
#define CONF_F_DOMAIN	(1u << 4)	/* WORDS: each a domain name */
#define CONF_F_INET	(1u << 5)	/* LISTEN: inet:HOST:PORT only */

/* One spelling of an enum value; the first per value is the canonical. */
struct conf_name {
	const char     *name;
	int		value;
};

/* One row of the table: everything rmxf knows about a parameter. */
struct conf_opt {
	const char     *name;
	enum conf_type	type;
	size_t		off;		/* offsetof(struct conf, field) */
	const char     *def;		/* the default, as rmxf.conf text */
	unsigned long	min;		/* UINT, TIME (ms); DSN: class */
	unsigned long	max;		/* UINT, TIME (ms) */
	const struct conf_name *names;	/* ENUM: ends with a NULL name */
	unsigned	flags;		/* STR, WORDS: CONF_F_* */
	const char     *doc;		/* one line */
};

extern const struct conf_opt conf_opts[];
extern const size_t conf_nopts;

/* conf_table.c */
const struct conf_opt *conf_opt_find(const char *, size_t);
const char *conf_opt_suggest(const char *, size_t);

/* conf_value.c */
int	conf_value_parse(const struct conf_opt *, const char *, struct conf *,
	    struct buf *);
int	conf_value_print(const struct conf_opt *, const struct conf *,
	    struct buf *);
int	conf_value_equal(const struct conf_opt *, const struct conf *,
	    const struct conf *);
void	conf_value_free(const struct conf_opt *, struct conf *);
const char *conf_enum_str(const struct conf_name *, int);

#endif
