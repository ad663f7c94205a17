/* msg.h - diagnostics with severities */
#ifndef RMXF_MSG_H
#define RMXF_MSG_H

#include <stddef.h>

enum msg_sink { MSG_STDERR, MSG_SYSLOG };

#define MSG_STAMP	(1 << 0)	/* stderr: time, pid; not journal */
#define MSG_NO_STDERR	(1 << 1)	/* syslog or nothing */

#define MSG_PREFIX_MAX	96	/* msg_stderr_prefix() out, octets */

/* msg_level(): the least severe entries still written. */
enum msg_level { MSG_L_ERROR, MSG_L_WARN, MSG_L_INFO, MSG_L_DEBUG };

void	msg_open(const char *progname, enum msg_sink, int facility,
	    int flags);
size_t	msg_stderr_prefix(char *out, size_t size);
void	msg_level(enum msg_level);
int	msg_enabled(enum msg_level);
void	msg_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	msg_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	msg_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	msg_error(const char *, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void msg_fatal(int status, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
_Noreturn void msg_panic(const char *, ...)
	    __attribute__((format(printf, 1, 2)));

#endif
