/*
 * NAME
 *	conf_template 3
 * SUMMARY
 *	reply text templates: $variables filled in per decision
 * SYNOPSIS
 *	#include "conf/conf.h"
 *
 *	int	conf_template_check(const char *s, size_t len, struct buf *why);
 *	void	conf_template_expand(const char *tpl,
 *			const char *const vals[CONF_TV_COUNT],
 *			struct buf *out);
 * DESCRIPTION
 *	A template is text with variables: $name or ${name}, where name is
 *	one of result, domain, client_address, sender, helo_name and
 *	explanation (enum conf_tvar, in that order); $$ is one "$".  Such a
 *	parameter is raw: rmxf.conf's own $name expansion leaves it alone,
 *	as Postfix does for smtpd_reject_footer.
 *
 *	conf_template_check() accepts a template whose every "$" starts
 *	one of the above, else it writes why and returns -1.
 *	conf_template_expand() appends tpl to out with each variable
 *	replaced by vals[variable] (NULL: empty); tpl must have passed the
 *	check (anything else is copied as it stands).  Sanitising the
 *	result for a reply is the caller's job.
 * DIAGNOSTICS
 *	conf_template_check() names the first bad "$" and lists the
 *	variables.
 * SEE ALSO
 *	rmxf.conf(5) (reject_text), check_decide(3).
 */
#include <string.h>

#include "conf/conf.h"
#include "util/buf.h"

static const char *const conf_tvar_names[CONF_TV_COUNT] = {
	[CONF_TV_RESULT] = "result",
	[CONF_TV_DOMAIN] = "domain",
	[CONF_TV_CLIENT_ADDRESS] = "client_address",
	[CONF_TV_SENDER] = "sender",
	[CONF_TV_HELO_NAME] = "helo_name",
	[CONF_TV_EXPLANATION] = "explanation",
};

/*
 * conf_template_var - the variable at s[i] (just after "$"): its index
 * and the octets it takes (name, and braces), or -1
 */
static int
conf_template_var(const char *s, size_t len, size_t i, size_t *used)
{
	size_t start = i, n, k;
	int brace = i < len && s[i] == '{';

	if (brace)
		start++;
	for (n = 0; start + n < len && ((s[start + n] >= 'a' &&
	    s[start + n] <= 'z') || s[start + n] == '_'); n++)
		;
	if (brace && (start + n >= len || s[start + n] != '}'))
		return -1;
	for (k = 0; k < CONF_TV_COUNT; k++)
		if (strlen(conf_tvar_names[k]) == n &&
		    memcmp(conf_tvar_names[k], s + start, n) == 0) {
			*used = n + (brace ? 2 : 0);
			return (int)k;
		}
	return -1;
}

/* conf_template_check - every "$" a known variable, or "$$"; 0, or -1 */
int
conf_template_check(const char *s, size_t len, struct buf *why)
{
	size_t i, used;
	int k;

	for (i = 0; i < len; i++) {
		if (s[i] != '$')
			continue;
		if (i + 1 < len && s[i + 1] == '$') {
			i++;
			continue;
		}
		if ((k = conf_template_var(s, len, i + 1, &used)) < 0) {
			buf_printf(why, "\"%.40s\" is not a variable of the "
			    "template (", s + i);
			for (k = 0; k < CONF_TV_COUNT; k++)
				buf_printf(why, "%s$%s", k ? " " : "",
				    conf_tvar_names[k]);
			buf_puts(why, ", $$ for \"$\")");
			return -1;
		}
		i += used;
	}
	return 0;
}

/* conf_template_expand - tpl with its variables filled in, onto out */
void
conf_template_expand(const char *tpl, const char *const vals[CONF_TV_COUNT],
    struct buf *out)
{
	size_t len = strlen(tpl), i, used, from = 0;
	int k;

	for (i = 0; i < len; i++) {
		if (tpl[i] != '$')
			continue;
		buf_append(out, tpl + from, i - from);
		if (i + 1 < len && tpl[i + 1] == '$') {
			buf_putc(out, '$');
			from = ++i + 1;
		} else if ((k = conf_template_var(tpl, len, i + 1, &used)) >=
		    0) {
			if (vals[k] != NULL)
				buf_puts(out, vals[k]);
			i += used;
			from = i + 1;
		} else
			from = i;
	}
	buf_append(out, tpl + from, len - from);
}
