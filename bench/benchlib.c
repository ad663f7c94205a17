/*
 * NAME
 *	benchlib 3
 * SUMMARY
 *	the helpers every benchmark program shares
 * SYNOPSIS
 *	#include "benchlib.h"
 * DESCRIPTION
 *	bench_now() is the monotonic clock in seconds; bench_self_cpu()
 *	the user and system CPU seconds of this process; bench_proc_cpu()
 *	those of process PID, all its threads, from /proc/PID/stat (-1
 *	when unknown).  bench_number() reads option -OPT's decimal value S
 *	in [MIN, MAX], or exits 64 naming it.  bench_listen_unix() is a
 *	non-blocking unix stream listener on PATH (an old socket file
 *	there is removed), or exits.
 *
 *	Linked into every bench/bench_*.c program (mk/rules.mk); it is not
 *	a program of its own, hence its name.
 * SEE ALSO
 *	bench/bench_*.c, proc(5).
 */
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "util/msg.h"
#include "benchlib.h"

#define BENCHLIB_BACKLOG 1024	/* listen(2) */

/* bench_now - the monotonic clock in seconds */
double
bench_now(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* bench_self_cpu - CPU seconds this process used */
double
bench_self_cpu(void)
{
	struct rusage ru;

	(void)getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* bench_proc_cpu - CPU seconds process PID used (all threads); -1 */
double
bench_proc_cpu(unsigned long pid)
{
	char path[64], line[1024], *p;
	unsigned long ut, st;
	long hz = sysconf(_SC_CLK_TCK);
	FILE *fp;
	double ret = -1;

	(void)snprintf(path, sizeof(path), "/proc/%lu/stat", pid);
	if (pid == 0 || hz <= 0 || (fp = fopen(path, "r")) == NULL)
		return -1;
	/* Fields 14 and 15, counted after the ")" that ends the name. */
	if (fgets(line, sizeof(line), fp) && (p = strrchr(line, ')')) &&
	    sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u"
	    " %lu %lu", &ut, &st) == 2)
		ret = (double)(ut + st) / (double)hz;
	(void)fclose(fp);
	return ret;
}

/* bench_number - a decimal option value in [min, max] */
unsigned long
bench_number(const char *opt, const char *s, unsigned long min,
    unsigned long max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		msg_fatal(EX_USAGE, "-%s: %s is not in %lu..%lu", opt, s, min,
		    max);
	return v;
}

/* bench_listen_unix - a non-blocking unix listener on PATH */
int
bench_listen_unix(const char *path)
{
	struct sockaddr_un sun;
	size_t len = strlen(path);
	int fd;

	if (len >= sizeof(sun.sun_path))
		msg_fatal(EX_USAGE, "%s: path too long", path);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, len + 1);
	(void)unlink(path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0)) < 0 ||
	    bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
	    listen(fd, BENCHLIB_BACKLOG) < 0)
		msg_fatal(1, "%s: %m", path);
	return fd;
}
