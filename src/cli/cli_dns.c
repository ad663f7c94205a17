/*
 * NAME
 *	cli_dns 3
 * SUMMARY
 *	where the answers of an rmxf subcommand come from: a zone file, or
 *	libunbound
 * SYNOPSIS
 *	#include "cli/cli.h"
 *
 *	unsigned cli_dns_timeout(unsigned seconds, const struct conf *c);
 *	int	cli_dns_open(const char *cmd, const char *zone,
 *			const char *dns, unsigned timeout_ms,
 *			const struct conf *c, struct cli_dns *d);
 *	int	cli_dns_run(struct cli_dns *d, struct spf_job *job);
 *	void	cli_dns_close(struct cli_dns *d);
 * DESCRIPTION
 *	cli_dns_open() loads the zone file of --zone, or prepares
 *	libunbound's options: forwarding to --dns (HOST:PORT,
 *	[HOST]:PORT, or HOST alone, port 53, HOST an IPv4 or IPv6
 *	address), else to the configuration's dns_forwarders, else to the
 *	servers of /etc/resolv.conf.  cli_dns_run() runs a job to
 *	completion against it.  cli_dns_timeout() is the deadline in ms:
 *	the seconds given, else as rmxfd's with a configuration (the
 *	shorter of dns_timeout and request_timeout), else SPF_TIMEOUT_MS.
 * DIAGNOSTICS
 *	EX_OK; EX_USAGE for a bad --dns; EX_UNAVAILABLE (69) for an
 *	unusable zone file ("file:line: why") or resolver; EX_CONFIG (78)
 *	for dns_forwarders too long to pass on; one line on stderr each.
 * SEE ALSO
 *	dns(3), rmxf(1).
 */
#include <string.h>
#include <sysexits.h>

#include "cli/cli.h"
#include "conf/conf.h"
#include "dns/dns.h"
#include "util/buf.h"
#include "util/ipaddr.h"

#define CLI_DNS_MAX_ERR	512	/* resolver and zone error text */

/* cli_dns_zone_error - "file:line: why" from "[file: ]line N: why" */
static int
cli_dns_zone_error(const char *path, const char *err)
{
	size_t plen = strlen(path), n = 0;

	if (strncmp(err, path, plen) == 0 && strncmp(err + plen, ": ", 2) == 0)
		err += plen + 2;
	if (strncmp(err, "line ", 5) == 0) {
		while (err[5 + n] >= '0' && err[5 + n] <= '9')
			n++;
		if (n > 0 && err[5 + n] == ':')
			return cli_error(EX_UNAVAILABLE, "%s:%.*s%s", path,
			    (int)n, err + 5, err + 5 + n);
	}
	return cli_error(EX_UNAVAILABLE, "%s: %s", path, err);
}

/* cli_dns_timeout - the deadline in ms */
unsigned
cli_dns_timeout(unsigned seconds, const struct conf *c)
{
	if (seconds > 0)
		return seconds * 1000;
	if (c != NULL)
		return c->dns_timeout < c->request_timeout ? c->dns_timeout :
		    c->request_timeout;
	return SPF_TIMEOUT_MS;
}

/* cli_dns_open - load the zone or prepare libunbound's options */
int
cli_dns_open(const char *cmd, const char *zone, const char *dns,
    unsigned timeout_ms, const struct conf *c, struct cli_dns *d)
{
	char err[CLI_DNS_MAX_ERR];

	memset(d, 0, sizeof(*d));
	buf_init(&d->fwd, CONF_MAX_FORWARDERS_TEXT);
	d->ub.timeout_ms = timeout_ms;
	if (zone != NULL) {
		err[0] = 0;
		d->zone = dns_zone_load(zone, err, sizeof(err));
		if (d->zone == NULL)
			return cli_dns_zone_error(zone,
			    err[0] ? err : "cannot load");
		return EX_OK;
	}
	if (dns != NULL) {
		if (ipaddr_format_forwarder(dns, &d->fwd) < 0)
			return cli_error(EX_USAGE, "%s: bad --dns '%s' "
			    "(IP, IP:PORT or [IPv6]:PORT)", cmd, dns);
		d->ub.forwarders = d->fwd.data;
	} else if (c != NULL && c->dns_forwarders.n > 0) {
		if (conf_print_forwarders(c, &d->fwd) < 0)
			return cli_error(EX_CONFIG, "dns_forwarders: too many");
		d->ub.forwarders = d->fwd.data;
	}
	return EX_OK;
}

/* cli_dns_run - run a job against the zone or libunbound */
int
cli_dns_run(struct cli_dns *d, struct spf_job *job)
{
	char err[CLI_DNS_MAX_ERR];

	if (d->zone != NULL) {
		dns_zone_run(d->zone, job);
		return EX_OK;
	}
	err[0] = 0;
	if (dns_ub_run_sync(&d->ub, job, err, sizeof(err)) != 0)
		return cli_error(EX_UNAVAILABLE, "resolver: %s",
		    err[0] ? err : "unusable");
	return EX_OK;
}

/* cli_dns_close - release the zone and the options */
void
cli_dns_close(struct cli_dns *d)
{
	dns_zone_free(d->zone);
	d->zone = NULL;
	buf_free(&d->fwd);
}
