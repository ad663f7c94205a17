/* milter.h - the Milter protocol as Postfix speaks it (version 6), sans I/O */
#ifndef RMXF_MILTER_H
#define RMXF_MILTER_H

#include <stddef.h>
#include <stdint.h>

struct buf;

#define MILTER_VERSION		6	/* the protocol version we speak */
#define MILTER_MAX_DATA		(256 * 1024)	/* one packet's data; Postfix
						 * sends a header (header_size_
						 * limit, 100 KB) whole */
#define MILTER_MAX_STRINGS	64	/* strings of one packet we split */
#define MILTER_STAGES		7	/* SETSYMLIST stages, 0 to 6 */

/* Commands from the MTA (a packet's first octet). */
#define MILTER_C_ABORT		'A'
#define MILTER_C_BODY		'B'
#define MILTER_C_CONNECT	'C'
#define MILTER_C_MACRO		'D'
#define MILTER_C_EOM		'E'	/* end of message (BODYEOB) */
#define MILTER_C_HELO		'H'
#define MILTER_C_QUIT_NC	'K'	/* quit; a new connection follows */
#define MILTER_C_HEADER		'L'
#define MILTER_C_MAIL		'M'
#define MILTER_C_EOH		'N'
#define MILTER_C_OPTNEG		'O'
#define MILTER_C_QUIT		'Q'
#define MILTER_C_RCPT		'R'
#define MILTER_C_DATA		'T'
#define MILTER_C_UNKNOWN	'U'

/* Replies and modifications to the MTA. */
#define MILTER_R_ACCEPT		'a'
#define MILTER_R_CONTINUE	'c'
#define MILTER_R_CHGHEADER	'm'	/* index, name, value ("": delete) */
#define MILTER_R_INSHEADER	'i'	/* index (0: at the top), name, value */
#define MILTER_R_OPTNEG		'O'
#define MILTER_R_QUARANTINE	'q'	/* reason: into the hold queue */
#define MILTER_R_REJECT		'r'
#define MILTER_R_TEMPFAIL	't'
#define MILTER_R_REPLYCODE	'y'	/* "550 5.7.1 text" */

/* Actions a filter may take (SMFIF_*). */
#define MILTER_A_ADDHDRS	0x001u
#define MILTER_A_CHGHDRS	0x010u
#define MILTER_A_QUARANTINE	0x020u
#define MILTER_A_CHGFROM	0x040u
#define MILTER_A_SETSYMLIST	0x100u

/* Protocol steps a filter does without (SMFIP_*). */
#define MILTER_P_NOCONNECT	0x000001u
#define MILTER_P_NOHELO		0x000002u
#define MILTER_P_NOMAIL		0x000004u
#define MILTER_P_NORCPT		0x000008u
#define MILTER_P_NOBODY		0x000010u
#define MILTER_P_NOHDRS		0x000020u
#define MILTER_P_NOEOH		0x000040u
#define MILTER_P_NR_HDR		0x000080u	/* no reply to a header */
#define MILTER_P_NOUNKNOWN	0x000100u
#define MILTER_P_NODATA		0x000200u
#define MILTER_P_SKIP		0x000400u
#define MILTER_P_RCPT_REJ	0x000800u
#define MILTER_P_NR_CONN	0x001000u
#define MILTER_P_NR_HELO	0x002000u
#define MILTER_P_NR_MAIL	0x004000u
#define MILTER_P_NR_RCPT	0x008000u
#define MILTER_P_NR_DATA	0x010000u
#define MILTER_P_NR_UNKN	0x020000u
#define MILTER_P_NR_EOH		0x040000u
#define MILTER_P_NR_BODY	0x080000u
#define MILTER_P_HDR_LEADSPC	0x100000u

/* SETSYMLIST stages (SMFIM_*). */
enum milter_stage {
	MILTER_S_CONNECT,
	MILTER_S_HELO,
	MILTER_S_MAIL,
	MILTER_S_RCPT,
	MILTER_S_DATA,
	MILTER_S_EOM,
	MILTER_S_EOH,
};

enum milter_status {
	MILTER_MORE,		/* incomplete: read more */
	MILTER_OK,		/* one packet */
	MILTER_ERR,		/* malformed or over a limit: close */
};

/* One packet; data points into the caller's bytes. */
struct milter_packet {
	int		cmd;
	const char     *data;
	size_t		len;
};

/* The negotiation: the MTA's offer, or our answer. */
struct milter_optneg {
	uint32_t	version;
	uint32_t	actions;
	uint32_t	protocol;
};

/* A CONNECT: host name, family ('4', '6', 'L' local, 'U' unknown). */
struct milter_connect {
	const char     *host;
	int		family;
	unsigned	port;
	const char     *addr;		/* "" for 'U' */
};

enum milter_status milter_parse(const char *, size_t, struct milter_packet *,
	    size_t *used, const char **why);
int	milter_strings(const struct milter_packet *, size_t skip,
	    const char **v, size_t max, size_t *n);
int	milter_get_optneg(const struct milter_packet *, struct milter_optneg *);
int	milter_get_connect(const struct milter_packet *,
	    struct milter_connect *);
int	milter_get_macros(const struct milter_packet *, int *cmd,
	    const char **v, size_t max, size_t *n);
size_t	milter_addr(const char *arg, const char **start);
int	milter_authres_ours(const char *value, const char *authserv_id);

int	milter_put(struct buf *, int cmd, const void *, size_t);
int	milter_put_optneg(struct buf *, const struct milter_optneg *,
	    const char *const symlist[MILTER_STAGES]);
int	milter_put_reply(struct buf *, int code, const char *enhanced,
	    const char *text);
int	milter_put_header(struct buf *, int cmd, uint32_t index,
	    const char *name, const char *value);

#endif
