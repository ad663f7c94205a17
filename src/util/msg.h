/* msg.h - diagnostics with severities */
#ifndef RMXF_MSG_H
#define RMXF_MSG_H

enum msg_sink { MSG_STDERR, MSG_SYSLOG, MSG_NONE };

void	msg_open(const char *progname, enum msg_sink, int facility);
void	msg_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	msg_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	msg_error(const char *, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void msg_fatal(int status, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
_Noreturn void msg_panic(const char *, ...)
	    __attribute__((format(printf, 1, 2)));

#endif
