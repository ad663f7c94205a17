/*
 * NAME
 *	test_ses 1
 * SUMMARY
 *	BATV prvs and SRS vectors, key ring parsing
 * DESCRIPTION
 *	Table-driven.  ses_cases: one operation (BATV sign or verify, SRS
 *	forward or reverse; the tag stripped or the SRS address decoded
 *	from the layout alone) with a ring, a day and options, and the status
 *	and output it must give: expiry exactly at the lifetime and a day
 *	after, the 1000-day (BATV) and 1024-day (SRS) wraps, key rotation,
 *	case, malformed tags, over-long input, base64 and base64url, SRS1.
 *	The expected strings come from Exim 4.96 (${prvs}), postsrsd 1.10
 *	and a Python hmac implementation written from the formats.
 *	ring_cases: ring texts and the error (with its line number) or the
 *	number of keys.  The round trips: a signed address verifies, a
 *	forwarded address reverses, over many addresses and days.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "ses/ses.h"
#include "util/buf.h"

enum ses_op {
	OP_SIGN,		/* ses_batv_sign */
	OP_VERIFY,		/* ses_batv_verify */
	OP_FWD,			/* ses_srs_forward */
	OP_REV,			/* ses_srs_reverse */
	OP_STRIP,		/* ses_batv_strip: no key used */
	OP_DECODE,		/* ses_srs_decode: no secret used */
};

#define DAY	20780L		/* 2026-11-23, the day of the Exim vectors */
#define SRS_DOM	"srs.example"

struct ses_case {
	const char     *what;
	enum ses_op	op;
	const char     *ring;	/* BATV ring for sign/verify, else SRS */
	const char     *addr;
	size_t		pad;	/* > 0: addr is "x" * pad + addr */
	long		today;
	unsigned	days;	/* lifetime, or max_age */
	int		sep;	/* SRS separator, 0 for '=' */
	int		url;	/* base64url */
	enum ses_status	want;
	const char     *out;	/* "" when not SES_OK */
};

#define RING1	"1 secret\n"
#define SRSR	"tops3cr3t\n"

static const struct ses_case ses_cases[] = {
	/* BATV: Exim's own vectors */
	{"sign, key 1", OP_SIGN, RING1, "user@example.com", 0, DAY, 7, 0, 0,
	 SES_OK, "prvs=178773a1ad=user@example.com"},
	{"sign, key 0", OP_SIGN, "0 secret\n", "user@example.com", 0, DAY, 7,
	 0, 0, SES_OK, "prvs=0787788259=user@example.com"},
	{"sign keeps case", OP_SIGN, RING1, "User@Example.COM", 0, DAY, 7, 0,
	 0, SES_OK, "prvs=1787deb944=User@Example.COM"},
	{"sign with a secret with spaces", OP_SIGN,
	 "4 s3cr3t with spaces\n", "bounce-123@lists.example.com", 0, DAY, 7,
	 0, 0, SES_OK, "prvs=47870a54e7=bounce-123@lists.example.com"},
	{"verify", OP_VERIFY, RING1, "prvs=178773a1ad=user@example.com", 0,
	 DAY, 7, 0, 0, SES_OK, "user@example.com"},
	{"verify on the expiry day", OP_VERIFY, RING1,
	 "prvs=178773a1ad=user@example.com", 0, DAY + 7, 7, 0, 0, SES_OK,
	 "user@example.com"},
	{"verify a day after expiry", OP_VERIFY, RING1,
	 "prvs=178773a1ad=user@example.com", 0, DAY + 8, 7, 0, 0, SES_EXPIRED,
	 ""},
	{"verify with a shorter lifetime", OP_VERIFY, RING1,
	 "prvs=178773a1ad=user@example.com", 0, DAY, 6, 0, 0, SES_EXPIRED,
	 ""},
	{"verify far in the past (future tag)", OP_VERIFY, RING1,
	 "prvs=178773a1ad=user@example.com", 0, DAY - 100, 7, 0, 0,
	 SES_EXPIRED, ""},
	{"verify upper-case hex", OP_VERIFY, RING1,
	 "prvs=178773A1AD=user@example.com", 0, DAY, 7, 0, 0, SES_OK,
	 "user@example.com"},
	{"verify PRVS=", OP_VERIFY, RING1, "PRVS=178773a1ad=user@example.com",
	 0, DAY, 7, 0, 0, SES_OK, "user@example.com"},
	{"verify Prvs=", OP_VERIFY, RING1, "Prvs=178773a1ad=user@example.com",
	 0, DAY, 7, 0, 0, SES_OK, "user@example.com"},
	{"verify, address case matters", OP_VERIFY, RING1,
	 "prvs=178773a1ad=user@Example.com", 0, DAY, 7, 0, 0, SES_BAD_HASH,
	 ""},
	{"verify forged", OP_VERIFY, RING1, "prvs=178773a1ae=user@example.com",
	 0, DAY, 7, 0, 0, SES_BAD_HASH, ""},
	{"verify, expiry digits forged", OP_VERIFY, RING1,
	 "prvs=178873a1ad=user@example.com", 0, DAY, 7, 0, 0, SES_BAD_HASH,
	 ""},
	/* BATV: the 1000-day wrap, signed on day 20999 expiring 21006 */
	{"sign across the wrap", OP_SIGN, RING1, "user@example.com", 0, 20999,
	 7, 0, 0, SES_OK, "prvs=1006087e98=user@example.com"},
	{"verify before the wrap", OP_VERIFY, RING1,
	 "prvs=1006087e98=user@example.com", 0, 20999, 7, 0, 0, SES_OK,
	 "user@example.com"},
	{"verify after the wrap", OP_VERIFY, RING1,
	 "prvs=1006087e98=user@example.com", 0, 21006, 7, 0, 0, SES_OK,
	 "user@example.com"},
	{"verify after the wrap, a day late", OP_VERIFY, RING1,
	 "prvs=1006087e98=user@example.com", 0, 21007, 7, 0, 0, SES_EXPIRED,
	 ""},
	/* BATV: key rotation */
	{"rotation: 2 signs", OP_SIGN, "2 new\n1 secret\n", "user@example.com",
	 0, DAY, 7, 0, 0, SES_OK, "prvs=2787427bfc=user@example.com"},
	{"rotation: ring 2 then 1 verifies key 1", OP_VERIFY,
	 "2 new\n1 secret\n", "prvs=178773a1ad=user@example.com", 0, DAY, 7,
	 0, 0, SES_OK, "user@example.com"},
	{"rotation: key 1 gone", OP_VERIFY, "2 new\n",
	 "prvs=178773a1ad=user@example.com", 0, DAY, 7, 0, 0, SES_NO_KEY, ""},
	/* BATV: not ours, malformed, too long */
	{"verify a plain address", OP_VERIFY, RING1, "user@example.com", 0,
	 DAY, 7, 0, 0, SES_NOT_OURS, ""},
	{"verify short hash", OP_VERIFY, RING1, "prvs=178773a1=user@example.com",
	 0, DAY, 7, 0, 0, SES_MALFORMED, ""},
	{"verify non-hex hash", OP_VERIFY, RING1,
	 "prvs=178773a1az=user@example.com", 0, DAY, 7, 0, 0, SES_MALFORMED,
	 ""},
	{"verify non-digit key", OP_VERIFY, RING1,
	 "prvs=x78773a1ad=user@example.com", 0, DAY, 7, 0, 0, SES_MALFORMED,
	 ""},
	{"verify non-digit day", OP_VERIFY, RING1,
	 "prvs=17a773a1ad=user@example.com", 0, DAY, 7, 0, 0, SES_MALFORMED,
	 ""},
	{"verify missing '='", OP_VERIFY, RING1,
	 "prvs=178773a1aduser@example.com", 0, DAY, 7, 0, 0, SES_MALFORMED, ""},
	{"verify empty local part", OP_VERIFY, RING1,
	 "prvs=178773a1ad=@example.com", 0, DAY, 7, 0, 0, SES_MALFORMED, ""},
	{"verify no '@'", OP_VERIFY, RING1, "prvs=178773a1ad=user", 0, DAY, 7,
	 0, 0, SES_MALFORMED, ""},
	{"verify empty domain", OP_VERIFY, RING1, "prvs=178773a1ad=user@", 0,
	 DAY, 7, 0, 0, SES_MALFORMED, ""},
	{"verify just prvs=", OP_VERIFY, RING1, "prvs=", 0, DAY, 7, 0, 0,
	 SES_MALFORMED, ""},
	{"verify over-long", OP_VERIFY, RING1, "@example.com", 501, DAY, 7, 0,
	 0, SES_TOO_LONG, ""},
	{"sign at the limit", OP_SIGN, RING1, "@example.com", 484, DAY, 7, 0, 0,
	 SES_OK, NULL},
	{"sign one over the limit", OP_SIGN, RING1, "@example.com", 485, DAY, 7,
	 0, 0, SES_TOO_LONG, ""},
	{"sign already signed", OP_SIGN, RING1,
	 "prvs=178773a1ad=user@example.com", 0, DAY, 7, 0, 0, SES_ALREADY, ""},
	{"sign the null sender", OP_SIGN, RING1, "", 0, DAY, 7, 0, 0,
	 SES_NOT_OURS, ""},
	{"sign without '@'", OP_SIGN, RING1, "user", 0, DAY, 7, 0, 0,
	 SES_NOT_OURS, ""},
	{"sign without local part", OP_SIGN, RING1, "@example.com", 0, DAY, 7,
	 0, 0, SES_NOT_OURS, ""},
	{"sign with an SRS-only ring", OP_SIGN, "plain-secret\n",
	 "user@example.com", 0, DAY, 7, 0, 0, SES_NO_KEY, ""},

	/* SRS: postsrsd 1.10's strings */
	{"forward", OP_FWD, SRSR, "User@foo.example.com", 0, DAY, 0, 0, 0,
	 SES_OK, "SRS0=5xSt=JM=foo.example.com=User@srs.example"},
	{"forward, case does not change the hash", OP_FWD, SRSR,
	 "user@Foo.Example.com", 0, DAY, 0, 0, 0, SES_OK,
	 "SRS0=5xSt=JM=Foo.Example.com=user@srs.example"},
	{"reverse", OP_REV, SRSR,
	 "SRS0=5xSt=JM=foo.example.com=User@srs.example", 0, DAY, 0, 0, 0,
	 SES_OK, "User@foo.example.com"},
	{"reverse in lower case", OP_REV, SRSR,
	 "srs0=5xst=jm=foo.example.com=user@srs.example", 0, DAY, 0, 0, 0,
	 SES_OK, "user@foo.example.com"},
	{"reverse, separator +", OP_REV, SRSR,
	 "SRS0+5xSt=JM=foo.example.com=User@srs.example", 0, DAY, 0, 0, 0,
	 SES_OK, "User@foo.example.com"},
	{"reverse, any domain", OP_REV, SRSR,
	 "SRS0=5xSt=JM=foo.example.com=User@other.example", 0, DAY, 0, 0, 0,
	 SES_OK, "User@foo.example.com"},
	{"reverse at 21 days", OP_REV, SRSR,
	 "SRS0=5xSt=JM=foo.example.com=User@srs.example", 0, DAY + 21, 0, 0,
	 0, SES_OK, "User@foo.example.com"},
	{"reverse at 22 days", OP_REV, SRSR,
	 "SRS0=5xSt=JM=foo.example.com=User@srs.example", 0, DAY + 22, 0, 0,
	 0, SES_EXPIRED, ""},
	{"reverse at 22 days, max_age 22", OP_REV, SRSR,
	 "SRS0=5xSt=JM=foo.example.com=User@srs.example", 0, DAY + 22, 22, 0,
	 0, SES_OK, "User@foo.example.com"},
	{"reverse a day early (clock skew)", OP_REV, SRSR,
	 "SRS0=5xSt=JM=foo.example.com=User@srs.example", 0, DAY - 1, 0, 0,
	 0, SES_EXPIRED, ""},
	/* SRS: the 1024-day wrap: day 21500 is TT 1020 ("74") */
	{"forward before the wrap", OP_FWD, SRSR, "bob@x.org", 0, 21500, 0, 0,
	 0, SES_OK, "SRS0=Je3h=74=x.org=bob@srs.example"},
	{"reverse after the wrap", OP_REV, SRSR,
	 "SRS0=Je3h=74=x.org=bob@srs.example", 0, 21510, 10, 0, 0, SES_OK,
	 "bob@x.org"},
	{"reverse after the wrap, a day late", OP_REV, SRSR,
	 "SRS0=Je3h=74=x.org=bob@srs.example", 0, 21511, 10, 0, 0,
	 SES_EXPIRED, ""},
	/* SRS: alphabets */
	{"forward base64", OP_FWD, SRSR, "u2@x.org", 0, DAY, 0, 0, 0, SES_OK,
	 "SRS0=wS5/=JM=x.org=u2@srs.example"},
	{"forward base64url", OP_FWD, SRSR, "u2@x.org", 0, DAY, 0, 0, 1,
	 SES_OK, "SRS0=wS5_=JM=x.org=u2@srs.example"},
	{"reverse base64", OP_REV, SRSR, "SRS0=wS5/=JM=x.org=u2@srs.example",
	 0, DAY, 0, 0, 0, SES_OK, "u2@x.org"},
	{"reverse base64url", OP_REV, SRSR,
	 "SRS0=wS5_=JM=x.org=u2@srs.example", 0, DAY, 0, 0, 0, SES_OK,
	 "u2@x.org"},
	{"reverse base64url, upper case", OP_REV, SRSR,
	 "SRS0=WS5_=JM=X.ORG=U2@SRS.EXAMPLE", 0, DAY, 0, 0, 0, SES_OK,
	 "U2@X.ORG"},
	/* SRS1 */
	{"forward SRS0 of another host", OP_FWD, SRSR,
	 "SRS0=abcd=AB=x.org=bob@hop1.example", 0, DAY, 0, 0, 0, SES_OK,
	 "SRS1=fMn6=hop1.example==abcd=AB=x.org=bob@srs.example"},
	{"forward SRS0+ of another host", OP_FWD, SRSR,
	 "SRS0+abcd=AB=x.org=bob@hop1.example", 0, DAY, 0, 0, 0, SES_OK,
	 "SRS1=upkY=hop1.example=+abcd=AB=x.org=bob@srs.example"},
	{"forward SRS1, separator +", OP_FWD, SRSR,
	 "SRS1-XXXX=hop1.example=+abcd=AB=x.org=bob@hop2.example", 0, DAY, 0,
	 '+', 0, SES_OK,
	 "SRS1+upkY=hop1.example=+abcd=AB=x.org=bob@srs.example"},
	{"reverse SRS1", OP_REV, SRSR,
	 "SRS1=fMn6=hop1.example==abcd=AB=x.org=bob@srs.example", 0, DAY, 0,
	 0, 0, SES_OK, "SRS0=abcd=AB=x.org=bob@hop1.example"},
	{"reverse SRS1, any age", OP_REV, SRSR,
	 "SRS1=upkY=hop1.example=+abcd=AB=x.org=bob@srs.example", 0, DAY + 500,
	 0, 0, 0, SES_OK, "SRS0+abcd=AB=x.org=bob@hop1.example"},
	{"reverse SRS1 forged", OP_REV, SRSR,
	 "SRS1=fMn7=hop1.example==abcd=AB=x.org=bob@srs.example", 0, DAY, 0,
	 0, 0, SES_BAD_HASH, ""},
	{"reverse SRS1 without rest", OP_REV, SRSR,
	 "SRS1=fMn6=hop1.example@srs.example", 0, DAY, 0, 0, 0, SES_MALFORMED,
	 ""},
	{"forward SRS1 without rest", OP_FWD, SRSR,
	 "SRS1=fMn6=hop1.example@x.example", 0, DAY, 0, 0, 0, SES_MALFORMED,
	 ""},
	/* SRS: ours, not ours, malformed */
	{"forward a local address", OP_FWD, SRSR, "user@SRS.example", 0, DAY,
	 0, 0, 0, SES_ALREADY, ""},
	{"forward our own SRS0", OP_FWD, SRSR,
	 "SRS0=5xSt=JM=foo.example.com=User@srs.example", 0, DAY, 0, 0, 0,
	 SES_ALREADY, ""},
	{"forward the null sender", OP_FWD, SRSR, "", 0, DAY, 0, 0, 0,
	 SES_NOT_OURS, ""},
	{"forward without '@'", OP_FWD, SRSR, "user", 0, DAY, 0, 0, 0,
	 SES_NOT_OURS, ""},
	{"forward over-long result", OP_FWD, SRSR, "@x.org", 495, DAY, 0, 0, 0,
	 SES_TOO_LONG, ""},
	{"reverse a plain address", OP_REV, SRSR, "user@srs.example", 0, DAY,
	 0, 0, 0, SES_NOT_OURS, ""},
	{"reverse SRS2", OP_REV, SRSR, "SRS2=5xSt=JM=a.b=c@srs.example", 0, DAY,
	 0, 0, 0, SES_NOT_OURS, ""},
	{"reverse SRS0 without separator", OP_REV, SRSR,
	 "SRS05xSt=JM=a.b=c@srs.example", 0, DAY, 0, 0, 0, SES_NOT_OURS, ""},
	{"reverse short hash", OP_REV, SRSR,
	 "SRS0=5xS=JM=foo.example.com=User@srs.example", 0, DAY, 0, 0, 0,
	 SES_MALFORMED, ""},
	{"reverse long hash", OP_REV, SRSR,
	 "SRS0=5xStt=JM=foo.example.com=User@srs.example", 0, DAY, 0, 0, 0,
	 SES_MALFORMED, ""},
	{"reverse one-character stamp", OP_REV, SRSR,
	 "SRS0=5xSt=J=foo.example.com=User@srs.example", 0, DAY, 0, 0, 0,
	 SES_MALFORMED, ""},
	{"reverse stamp not base32", OP_REV, SRSR,
	 "SRS0=5xSt=J1=foo.example.com=User@srs.example", 0, DAY, 0, 0, 0,
	 SES_MALFORMED, ""},
	{"reverse empty local part", OP_REV, SRSR,
	 "SRS0=5xSt=JM=foo.example.com=@srs.example", 0, DAY, 0, 0, 0,
	 SES_MALFORMED, ""},
	{"reverse empty domain", OP_REV, SRSR, "SRS0=5xSt=JM==User@srs.example",
	 0, DAY, 0, 0, 0, SES_MALFORMED, ""},
	{"reverse without '@'", OP_REV, SRSR,
	 "SRS0=5xSt=JM=foo.example.com=User", 0, DAY, 0, 0, 0, SES_MALFORMED,
	 ""},
	{"reverse forged", OP_REV, SRSR,
	 "SRS0=5xSu=JM=foo.example.com=User@srs.example", 0, DAY, 0, 0, 0,
	 SES_BAD_HASH, ""},
	{"reverse over-long", OP_REV, SRSR, "SRS0=5xSt=JM=x.org=a@srs.example",
	 495, DAY, 0, 0, 0, SES_TOO_LONG, ""},
	/* SRS: rings */
	{"reverse with the second secret", OP_REV, "n3w\ntops3cr3t\n",
	 "SRS0=5xSt=JM=foo.example.com=User@srs.example", 0, DAY, 0, 0, 0,
	 SES_OK, "User@foo.example.com"},
	{"reverse with another secret only", OP_REV, "n3w\n",
	 "SRS0=5xSt=JM=foo.example.com=User@srs.example", 0, DAY, 0, 0, 0,
	 SES_BAD_HASH, ""},
	{"a BATV ring as SRS secrets", OP_FWD, "# shared\n3 tops3cr3t\n",
	 "User@foo.example.com", 0, DAY, 0, 0, 0, SES_OK,
	 "SRS0=5xSt=JM=foo.example.com=User@srs.example"},
	/* the layout alone (rmxf procmail): neither hash nor age counts */
	{"strip a valid tag", OP_STRIP, RING1,
	 "prvs=178773a1ad=user@example.com", 0, DAY, 7, 0, 0, SES_OK,
	 "user@example.com"},
	{"strip a forged, expired tag of an unknown key", OP_STRIP, RING1,
	 "PRVS=9000FFFFFF=User@example.com", 0, DAY, 7, 0, 0, SES_OK,
	 "User@example.com"},
	{"strip a short tag", OP_STRIP, RING1, "prvs=17877=user@example.com",
	 0, DAY, 7, 0, 0, SES_MALFORMED, ""},
	{"strip a tag without local part", OP_STRIP, RING1,
	 "prvs=178773a1ad=@example.com", 0, DAY, 7, 0, 0, SES_MALFORMED, ""},
	{"strip a plain address", OP_STRIP, RING1, "user@example.com", 0, DAY,
	 7, 0, 0, SES_NOT_OURS, ""},
	{"strip over-long", OP_STRIP, RING1, "prvs=178773a1ad=@example.com",
	 495, DAY, 7, 0, 0, SES_TOO_LONG, ""},
	{"decode SRS0", OP_DECODE, SRSR,
	 "SRS0=5xSt=JM=foo.example.com=User@srs.example", 0, DAY, 0, 0, 0,
	 SES_OK, "User@foo.example.com"},
	{"decode a forged, old SRS0", OP_DECODE, SRSR,
	 "srs0+AAAA=JM=foo.example.com=a=b@elsewhere.example", 0, DAY + 500,
	 0, 0, 0, SES_OK, "a=b@foo.example.com"},
	{"decode SRS1: the first hop's SRS0", OP_DECODE, SRSR,
	 "SRS1=fMn7=hop1.example==abcd=AB=x.org=bob@srs.example", 0, DAY, 0,
	 0, 0, SES_OK, "SRS0=abcd=AB=x.org=bob@hop1.example"},
	{"decode a short hash", OP_DECODE, SRSR,
	 "SRS0=5xS=JM=foo.example.com=User@srs.example", 0, DAY, 0, 0, 0,
	 SES_MALFORMED, ""},
	{"decode a stamp not base32", OP_DECODE, SRSR,
	 "SRS0=5xSt=J1=foo.example.com=User@srs.example", 0, DAY, 0, 0, 0,
	 SES_MALFORMED, ""},
	{"decode SRS1 without rest", OP_DECODE, SRSR,
	 "SRS1=fMn6=hop1.example@srs.example", 0, DAY, 0, 0, 0, SES_MALFORMED,
	 ""},
	{"decode a plain address", OP_DECODE, SRSR, "user@srs.example", 0, DAY,
	 0, 0, 0, SES_NOT_OURS, ""},
	{"decode over-long", OP_DECODE, SRSR,
	 "SRS0=5xSt=JM=x.org=a@srs.example", 495, DAY, 0, 0, 0, SES_TOO_LONG,
	 ""},
};

/* ses_case_ring - the ring of a case */
static struct ses_ring *
ses_case_ring(const struct ses_case *c)
{
	struct buf err;
	struct ses_ring *ring;
	enum ses_ring_kind kind = c->op == OP_SIGN || c->op == OP_VERIFY ||
	    c->op == OP_STRIP ? SES_RING_BATV : SES_RING_SRS;

	buf_init(&err, 256);
	/* an SRS-only ring for BATV signing: parse as SRS */
	if (kind == SES_RING_BATV && strchr(c->ring, ' ') == NULL)
		kind = SES_RING_SRS;
	ring = ses_ring_parse(c->ring, strlen(c->ring), kind, &err);
	if (ring == NULL)
		fail_msg("%s: ring: %s", c->what, err.data);
	buf_free(&err);
	return ring;
}

/* test_ses_table - every row of ses_cases */
static void
test_ses_table(void **state)
{
	struct ses_srs_opts opts;
	struct ses_ring *ring;
	struct buf addr, out;
	enum ses_status st = SES_OK;
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(ses_cases) / sizeof(ses_cases[0]); i++) {
		const struct ses_case *c = &ses_cases[i];

		ring = ses_case_ring(c);
		buf_init(&addr, 4096);
		buf_init(&out, 4096);
		for (j = 0; j < c->pad; j++)
			buf_putc(&addr, 'x');
		buf_puts(&addr, c->addr);
		memset(&opts, 0, sizeof(opts));
		opts.domain = SRS_DOM;
		opts.max_age = c->days;
		opts.separator = c->sep ? c->sep : '=';
		opts.base64url = c->url;
		buf_puts(&out, "junk");
		switch (c->op) {
		case OP_SIGN:
			st = ses_batv_sign(ring, addr.data, addr.len, c->today,
			    c->days, &out);
			break;
		case OP_VERIFY:
			st = ses_batv_verify(ring, addr.data, addr.len,
			    c->today, c->days, &out);
			break;
		case OP_FWD:
			st = ses_srs_forward(ring, &opts, addr.data, addr.len,
			    c->today, &out);
			break;
		case OP_REV:
			st = ses_srs_reverse(ring, &opts, addr.data, addr.len,
			    c->today, &out);
			break;
		case OP_STRIP:
			st = ses_batv_strip(addr.data, addr.len, &out);
			break;
		case OP_DECODE:
			st = ses_srs_decode(addr.data, addr.len, &out);
			break;
		}
		if (st != c->want)
			fail_msg("%s: status %s, want %s", c->what,
			    ses_status_str(st), ses_status_str(c->want));
		if (c->out != NULL && strcmp(out.data, c->out) != 0)
			fail_msg("%s:\n got '%s'\nwant '%s'", c->what,
			    out.data, c->out);
		if (c->out == NULL && (out.len == 0 || out.len > SES_MAX_ADDR))
			fail_msg("%s: %zu octets", c->what, out.len);
		buf_free(&addr);
		buf_free(&out);
		ses_ring_free(ring);
	}
}

struct ring_case {
	const char     *what;
	const char     *text;
	size_t		len;	/* 0: strlen */
	enum ses_ring_kind kind;
	size_t		nkeys;	/* when err is NULL */
	int		signer;	/* ses_ring_signing_key() */
	const char     *err;
};

static const struct ring_case ring_cases[] = {
	{"two keys", "1 a\n2 b\n", 0, SES_RING_BATV, 2, 1, NULL},
	{"comments, blanks, tabs, CRLF", "# ring\r\n\r\n  # more\n5\tsecret "
	 "with spaces \r\n0 x", 0, SES_RING_BATV, 2, 5, NULL},
	{"empty", "", 0, SES_RING_BATV, 0, 0,
	 "line 1: no keys in the key ring"},
	{"comments only", "# c\n\n", 0, SES_RING_BATV, 0, 0,
	 "line 2: no keys in the key ring"},
	{"two-digit key", "1 a\n12 b\n", 0, SES_RING_BATV, 0, 0,
	 "line 2: expected 'K SECRET' (a key number 0-9, white space, the "
	 "secret)"},
	{"no secret", "1 a\n\n3\n", 0, SES_RING_BATV, 0, 0,
	 "line 3: expected 'K SECRET' (a key number 0-9, white space, the "
	 "secret)"},
	{"postsrsd file as BATV", "c2VjcmV0\n", 0, SES_RING_BATV, 0, 0,
	 "line 1: expected 'K SECRET' (a key number 0-9, white space, the "
	 "secret)"},
	{"duplicate key", "1 a\n# x\n1 b\n", 0, SES_RING_BATV, 0, 0,
	 "line 3: key number 1 again"},
	{"NUL byte", "1 a\0b\n", 6, SES_RING_BATV, 0, 0, "line 1: NUL byte"},
	{"srs secrets", "s1\ns2\n\n# c\ns3", 0, SES_RING_SRS, 3, -1, NULL},
	{"srs with a BATV line", "1 s1\ns2\n", 0, SES_RING_SRS, 2, 1, NULL},
	{"srs white space", "s1\ntwo words\n", 0, SES_RING_SRS, 0, 0,
	 "line 2: white space in a secret (one secret per line, or 'K "
	 "SECRET')"},
	{"srs empty", "\n\n\n", 0, SES_RING_SRS, 0, 0,
	 "line 3: no keys in the key ring"},
};

/* test_ring_table - every row of ring_cases */
static void
test_ring_table(void **state)
{
	struct ses_ring *ring;
	struct buf err;
	size_t i, len;

	(void)state;
	for (i = 0; i < sizeof(ring_cases) / sizeof(ring_cases[0]); i++) {
		const struct ring_case *c = &ring_cases[i];

		buf_init(&err, 256);
		len = c->len ? c->len : strlen(c->text);
		ring = ses_ring_parse(c->text, len, c->kind, &err);
		if (c->err == NULL) {
			if (ring == NULL)
				fail_msg("%s: %s", c->what, err.data);
			assert_int_equal(ses_ring_count(ring), c->nkeys);
			assert_int_equal(ses_ring_signing_key(ring),
			    c->signer);
		} else {
			if (ring != NULL)
				fail_msg("%s: parsed", c->what);
			if (strcmp(err.data, c->err) != 0)
				fail_msg("%s:\n got '%s'\nwant '%s'", c->what,
				    err.data, c->err);
		}
		ses_ring_free(ring);
		buf_free(&err);
	}
}

/* test_ring_limits - too many keys, too long a secret */
static void
test_ring_limits(void **state)
{
	struct buf text, err;
	struct ses_ring *ring;
	int i;

	(void)state;
	buf_init(&text, 1 << 20);
	buf_init(&err, 256);
	for (i = 0; i < SES_MAX_KEYS + 1; i++)
		buf_printf(&text, "s%d\n", i);
	ring = ses_ring_parse(text.data, text.len, SES_RING_SRS, &err);
	assert_null(ring);
	assert_string_equal(err.data, "line 65: more than 64 keys");
	buf_reset(&text);
	buf_puts(&text, "1 ");
	for (i = 0; i < SES_MAX_SECRET + 1; i++)
		buf_putc(&text, 'k');
	ring = ses_ring_parse(text.data, text.len, SES_RING_BATV, &err);
	assert_null(ring);
	assert_string_equal(err.data, "line 1: secret longer than 1024 bytes");
	buf_free(&text);
	buf_free(&err);
}

/* test_round_trips - sign/verify, forward/reverse over days and addresses */
static void
test_round_trips(void **state)
{
	static const char *const addrs[] = {
		"a@b.c", "User.Name+tag@Example.COM", "x=y@z.example",
		"SRS0=abcd=AB=x.org=bob@hop.example", "\"q l\"@example.org",
	};
	struct ses_srs_opts opts = {SRS_DOM, 0, '=', 0};
	struct ses_ring *batv, *srs;
	struct buf err, a, b;
	size_t i;
	long day;
	enum ses_status st;

	(void)state;
	buf_init(&err, 256);
	buf_init(&a, SES_MAX_ADDR);
	buf_init(&b, SES_MAX_ADDR);
	batv = ses_ring_parse("7 k7\n3 k3\n", 10, SES_RING_BATV, &err);
	srs = ses_ring_parse("k1\nk2\n", 6, SES_RING_SRS, &err);
	assert_non_null(batv);
	assert_non_null(srs);
	for (day = 0; day < 3000; day += 7) {
		for (i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
			const char *x = addrs[i];

			assert_int_equal(ses_batv_sign(batv, x, strlen(x), day,
			    7, &a), SES_OK);
			assert_int_equal(ses_batv_verify(batv, a.data, a.len,
			    day + 7, 7, &b), SES_OK);
			assert_string_equal(b.data, x);
			assert_int_equal(ses_batv_verify(batv, a.data, a.len,
			    day + 8, 7, &b), SES_EXPIRED);
			opts.base64url = (int)(day & 1);
			st = ses_srs_forward(srs, &opts, x, strlen(x), day, &a);
			assert_int_equal(st, SES_OK);
			st = ses_srs_reverse(srs, &opts, a.data, a.len,
			    day + 21, &b);
			assert_int_equal(st, SES_OK);
			assert_string_equal(b.data, x);
			if (strncmp(x, "SRS0", 4) != 0)
				assert_int_equal(ses_srs_reverse(srs, &opts,
				    a.data, a.len, day + 22, &b), SES_EXPIRED);
		}
	}
	ses_ring_free(batv);
	ses_ring_free(srs);
	buf_free(&err);
	buf_free(&a);
	buf_free(&b);
}

/* test_misc - predicates, status names, the domain helper */
static void
test_misc(void **state)
{
	size_t dlen;
	const char *d;

	(void)state;
	assert_true(ses_batv_is_prvs("PrVs=x", 6));
	assert_false(ses_batv_is_prvs("prvs", 4));
	assert_true(ses_srs_is_srs("srs1-x", 6));
	assert_false(ses_srs_is_srs("SRS0_x", 6));
	assert_false(ses_srs_is_srs("SRS0=", 4));
	assert_string_equal(ses_status_str(SES_EXPIRED), "signature expired");
	assert_string_equal(ses_status_str((enum ses_status)99),
	    "unknown status");
	d = ses_addr_domain("a@b@c.d", 7, &dlen);
	assert_non_null(d);
	assert_int_equal(dlen, 3);
	assert_memory_equal(d, "c.d", 3);
	assert_null(ses_addr_domain("abc", 3, &dlen));
	ses_ring_free(NULL);
}

/* test_verify_fold - a signature over the lower-cased address survives
 * a change of case; one over a mixed-case address verifies as given */
static void
test_verify_fold(void **state)
{
	struct ses_ring *ring;
	struct buf err, sig, plain, up;
	size_t i;

	(void)state;
	buf_init(&err, 1024);
	buf_init(&sig, SES_MAX_ADDR);
	buf_init(&plain, SES_MAX_ADDR);
	buf_init(&up, SES_MAX_ADDR);
	ring = ses_ring_parse("1 k\n", 4, SES_RING_BATV, &err);
	assert_non_null(ring);
	assert_int_equal(ses_batv_sign(ring, "user@x.example", 14, 20780, 7,
	    &sig), SES_OK);
	for (i = 0; i < sig.len; i++)
		buf_putc(&up, sig.data[i] >= 'a' && sig.data[i] <= 'z' ?
		    sig.data[i] - 'a' + 'A' : sig.data[i]);
	assert_int_equal(ses_batv_verify(ring, up.data, up.len, 20780, 7,
	    &plain), SES_BAD_HASH);
	assert_int_equal(ses_batv_verify_fold(ring, up.data, up.len, 20780,
	    7, &plain), SES_OK);
	assert_string_equal(plain.data, "user@x.example");
	/* mixed case signed as given: exact match first */
	assert_int_equal(ses_batv_sign(ring, "User@X.example", 14, 20780, 7,
	    &sig), SES_OK);
	assert_int_equal(ses_batv_verify_fold(ring, sig.data, sig.len, 20780,
	    7, &plain), SES_OK);
	assert_string_equal(plain.data, "User@X.example");
	/* a forged tag stays forged, expired stays expired */
	sig.data[14] = sig.data[14] == '0' ? '1' : '0';
	assert_int_equal(ses_batv_verify_fold(ring, sig.data, sig.len, 20780,
	    7, &plain), SES_BAD_HASH);
	assert_int_equal(ses_batv_sign(ring, "user@x.example", 14, 20770, 7,
	    &sig), SES_OK);
	assert_int_equal(ses_batv_verify_fold(ring, sig.data, sig.len, 20780,
	    7, &plain), SES_EXPIRED);
	ses_ring_free(ring);
	buf_free(&err);
	buf_free(&sig);
	buf_free(&plain);
	buf_free(&up);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ses_table),
		cmocka_unit_test(test_ring_table),
		cmocka_unit_test(test_ring_limits),
		cmocka_unit_test(test_round_trips),
		cmocka_unit_test(test_misc),
		cmocka_unit_test(test_verify_fold),
	};

	return cmocka_run_group_tests_name("ses", tests, NULL, NULL);
}
