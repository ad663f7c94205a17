/*
 * NAME
 *	milterref 1
 * SUMMARY
 *	a libmilter filter that does what rmxfd does on the wire, for
 *	tests/daemon/milter.sh to compare the bytes
 * SYNOPSIS
 *	milterref inet:PORT@127.0.0.1
 * DESCRIPTION
 *	Built by the test only where libmilter-dev is installed.  It rejects
 *	the recipient reject@example.net with the reply rmxfd gives a fail
 *	of tests/daemon/zone.txt, and at the end of every message deletes
 *	the first Authentication-Results field and inserts
 *	Authentication-Results and then Received-SPF at the top, as rmxfd
 *	does for one forged field and a pass.  The test sends the same
 *	conversation to both and compares each reply packet byte for byte.
 */
#include <stdio.h>
#include <string.h>
#include <libmilter/mfapi.h>

#define REF_TEXT "example.com does not designate 198.51.100.9 as " \
	"permitted sender (SPF fail)"
#define REF_AR	"mx.example.net; spf=pass smtp.mailfrom=example.com"
#define REF_SPF	"pass (ref)"

/* ref_rcpt - the one recipient refused */
static sfsistat
ref_rcpt(SMFICTX *ctx, char **argv)
{
	if (strcmp(argv[0], "<reject@example.net>") != 0)
		return SMFIS_CONTINUE;
	smfi_setreply(ctx, "550", "5.7.23", REF_TEXT);
	return SMFIS_REJECT;
}

/* ref_eom - remove one, insert two */
static sfsistat
ref_eom(SMFICTX *ctx)
{
	smfi_chgheader(ctx, "Authentication-Results", 1, NULL);
	smfi_insheader(ctx, 0, "Authentication-Results", REF_AR);
	smfi_insheader(ctx, 0, "Received-SPF", REF_SPF);
	return SMFIS_CONTINUE;
}

int
main(int argc, char **argv)
{
	struct smfiDesc desc;

	if (argc != 2) {
		fputs("usage: milterref SOCKET\n", stderr);
		return 64;
	}
	memset(&desc, 0, sizeof(desc));
	desc.xxfi_name = "milterref";
	desc.xxfi_version = SMFI_VERSION;
	desc.xxfi_flags = SMFIF_ADDHDRS | SMFIF_CHGHDRS;
	desc.xxfi_envrcpt = ref_rcpt;
	desc.xxfi_eom = ref_eom;
	if (smfi_setconn(argv[1]) == MI_FAILURE ||
	    smfi_register(desc) == MI_FAILURE)
		return 69;
	return smfi_main() == MI_SUCCESS ? 0 : 70;
}
