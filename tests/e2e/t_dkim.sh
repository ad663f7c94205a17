#!/bin/bash
# NAME
#	t_dkim.sh - rmxfd's DKIM and DMARC against OpenDKIM and OpenDMARC
# SYNOPSIS
#	bash tests/e2e/t_dkim.sh
# DESCRIPTION
#	Issue 18's proof under a real Postfix (tests/e2e/rig.sh): the same
#	messages through three Milters, in this order in smtpd_milters,
#	each writing Authentication-Results under its own authserv-id:
#
#	  rmxfd      mx.rig.test; standalone, started as a site starts it
#		     (no --dns: it asks the namespace's /etc/resolv.conf,
#		     the rig's unbound); test_dkim, test_dmarc; SPF fail
#		     marked, so that DMARC decides
#	  opendkim   dkim.rig.test; Debian's OpenDKIM 2.11, Mode v
#		     (libunbound forwarding to the rig's unbound, with
#		     test. not a default local zone), DNS errors accepted
#	  opendmarc  dmarc.rig.test; Debian's OpenDMARC 1.4.2, DKIM
#		     results from OpenDKIM's field only
#		     (TrustedAuthservIDs), SPF checked itself
#		     (SPFSelfValidate, SPFIgnoreResults: it believes no
#		     SPF header), Debian's Public Suffix List plus "test"
#		     (RFC 6761; without it OpenDMARC finds no
#		     organizational domain under test.); it rejects nothing
#
#	The messages are signed at run time by dkimpy
#	(tests/e2e/dkim-sign.py) with keys made at run time (openssl
#	genrsa: RSA 2048 and 512 bits; dkimpy with python3-nacl: ed25519);
#	the key, SPF and DMARC records go into zones written then for the
#	rig's unbound (RIG_ZONES_EXTRA; beside zones/test.zone, which
#	answers NXDOMAIN for _dmarc.test, asked by RFC 9989's walk, as the
#	root would).  No key is in the repository.  The client is
#	192.0.2.10 (XCLIENT); each Subject is the case's key.
#
#	Three rmxfd, one smtpd each, differ in their actions only:
#
#	  mark  action_dmarc_reject = action_dmarc_quarantine = mark:
#		every message is delivered, and the three headers are read
#	  act   action_dmarc_reject = reject (550 5.7.1 at the end of
#		DATA, seen by swaks), action_dmarc_quarantine =
#		quarantine (Postfix's hold queue: postqueue -j, and
#		rmxf's header in the held file, postcat), the default
#		action_dmarc_temperror (mark); an ACL: observe@ OBSERVE,
#		nodmarc@ NODMARC, skipme@ skip
#	  hold  action_dmarc_reject = quarantine
#
#	For each message on "mark": rmxf's spf= result and domain equal
#	OpenDMARC's (libspf2); OpenDKIM's dkim= per signature and
#	OpenDMARC's dmarc=, p= and header.from= are asserted as the table
#	of cases below says; rmxf's dkim= equals OpenDKIM's per signature
#	(result, header.d, header.s, header.a, header.b) and its dmarc=,
#	p= and header.from= equal OpenDMARC's, except where they must
#	differ, asserted as such:
#
#	  rsa-sha1     OpenDKIM verifies rsa-sha1 (pass); RFC 8301 makes
#		       it invalid: rmxf permerror.  So OpenDMARC has an
#		       aligned DKIM pass and says pass; rmxf fail.
#	  short key    512 bits: OpenDKIM (MinimumKeyBits 1024) says
#		       policy, rmxf permerror (RFC 8301); both dmarc=fail.
#	  DNS failure  a key and a _dmarc under servfail.test (SERVFAIL)
#		       or timeout.test (no answer): OpenDKIM, with
#		       On-DNSError accept, writes no dkim= at all; rmxf
#		       temperror.  OpenDMARC takes the failed policy
#		       lookup as no record (dmarc=none; RFC 7489 6.6.3
#		       leaves DNS errors to the receiver); rmxf temperror
#		       (RFC 9989, RFC 8601).
#	  strict       aspf=s with SPF passing for a subdomain of the From
#		       domain, and adkim=s with d= a subdomain of it:
#		       OpenDMARC 1.4.2 with a PSL says pass (its strict
#		       check matches organizational domains in this
#		       direction: trusteddomainproject/OpenDMARC issue
#		       268), rmxf fail as RFC 7489 and RFC 9989 say.  With
#		       From: a subdomain and d= the parent both say fail.
#	  np=          From: a name that does not exist, under "p=none;
#		       sp=quarantine; np=reject": RFC 9989 (which rmxf
#		       implements; it obsoletes RFC 7489) applies np=
#		       (p=reject); OpenDMARC knows no np= and takes sp=
#		       (p=quarantine).  Both fail.
#	  psd=y        "_dmarc.psd.test" is a public suffix operator's
#		       record (psd=y): by RFC 9989's walk the
#		       organizational domains of org.psd.test and
#		       other.psd.test are themselves, so d=other.psd.test
#		       does not align with From: org.psd.test (rmxf fail);
#		       OpenDMARC takes them from the PSL, where both are
#		       under psd.test (pass).
#	  pct=0        RFC 9989 has no pct=: both say fail, p=reject; rmxf
#		       on "act" rejects it (OpenDMARC would sample it out).
#
#	Cases (From domain's record; MAIL FROM's SPF; signatures: the
#	verdicts where both agree): aligned DKIM pass with SPF fail (pass);
#	SPF pass for a subdomain of the From domain, no DKIM (pass, relaxed
#	alignment); SPF fail with a valid unaligned signature under
#	p=reject (fail; act: 550 5.7.1 after DATA and maillog's
#	milter-reject; hold: held, dis=quarantine); p=quarantine (fail;
#	act: held); p=none (fail; act: accepted); sp=reject for a
#	subdomain (fail; act: 550), and pass with the parent's signature;
#	From: a subdomain, d= the parent (pass); adkim=s, the parent's
#	signature (fail) and the exact domain's (pass); no DMARC record
#	(none); a body changed after signing (dkim=fail); simple/simple
#	with l= and text appended past it (pass); ed25519-sha256 alone and
#	with rsa-sha256 (OpenDKIM 2.11 verifies ed25519: both pass); the
#	differences above.  On "act": the unaligned fail to observe@
#	(delivered, dis=none, observed=action_dmarc_reject logged), to
#	user@ and nodmarc@ in one message (the mildest action: delivered
#	to both, dis=none), to skipme@ (no rmxf result; OpenDMARC's fail),
#	a temperror (accepted).  A null MAIL FROM with a HELO name whose
#	SPF passes, in the From domain's organizational domain (pass: SPF
#	of the HELO identity aligns).  Two From: domains, rej.test (aligned
#	DKIM pass, p=reject) and none.test (fail, p=none): OpenDMARC 1.4.2
#	writes no dmarc= at all; rmxf says fail, header.from=none.test,
#	p=none: RFC 7489 6.6.1 takes the strictest policy among the
#	domains that fail (none.test's), so "act" delivers it.  Then: no
#	Milter warning or tempfail in
#	Postfix's maillog.
#
#	Skipped without root, Postfix, swaks, unbound, openssl, opendkim,
#	opendmarc, /usr/bin/python3 with dkim and nacl, publicsuffix,
#	build/rmxfd, or the namespace.  TAP on stdout, with the table of
#	both sides' verdicts as comments at the end.  About 45 s (the
#	timeout case about 8 s).  A build of rmxfd without test_dkim is
#	started without the DKIM and DMARC parameters (and that line
#	fails), so that the other side still runs.
# ENVIRONMENT
#	O (build directory, default build); see rig.sh for the others.
# SEE ALSO
#	tests/e2e/rig.sh, tests/e2e/dkim-sign.py, opendkim.conf(5),
#	opendmarc.conf(5), rmxf.conf(5), RFC 6376, RFC 8301, RFC 8463,
#	RFC 7489, RFC 9989, RFC 8601.
set -u
. "$(dirname "$0")/rig.sh"

PY=/usr/bin/python3	# Debian's, whose dist-packages have dkim and nacl
PSL=/usr/share/publicsuffix/public_suffix_list.dat

[ -x "$RIG_O/rmxfd" ] || skip_all "rmxfd not built"
rig_require unbound unbound-checkconf postfix postqueue swaks dig ip ss \
    openssl opendkim opendmarc
"$PY" -c 'import dkim, nacl' 2>/dev/null ||
    skip_all "$PY without dkim and nacl (python3-dkim, python3-nacl)"
[ -r "$PSL" ] || skip_all "no $PSL (publicsuffix)"
[ -z "${RIG_NO_NS:-}" ] ||
    skip_all "the Milters use /etc/resolv.conf here: needs the namespace"
RIG_MAILBOXES="user observe nodmarc skipme"
rig_enter "$@" || skip_all "rig setup failed"
[ "$RIG_NS" = 1 ] ||
    skip_all "the Milters use /etc/resolv.conf here: needs the namespace"

WAIT=50			# tenths of a second for a Milter to listen
AUTHSERV=mx.rig.test	# rmxf's authserv_id
DKIM_ID=dkim.rig.test	# OpenDKIM's
DMARC_ID=dmarc.rig.test	# OpenDMARC's
CLIENT=192.0.2.10	# the client of every message (XCLIENT)
TXT_CHUNK=250		# octets per character-string in a zone file

R=$RIG_T/rmxf
K=$RIG_T/keys
Z=$RIG_T/zones
M=$RIG_T/msg
mkdir -p "$R" "$K" "$Z" "$M" "$RIG_T/dkim" "$RIG_T/dmarc"
chmod 755 "$R" "$Z" "$M" "$RIG_T/dkim" "$RIG_T/dmarc"
chmod 700 "$K"

# keys: made now, their public halves written into the zones below
openssl genrsa -traditional -out "$K/rsa.key" 2048 2>/dev/null &&
    openssl genrsa -traditional -out "$K/short.key" 512 2>/dev/null
ok $? "openssl made the RSA keys (2048 and 512 bits)" ||
    bail_out "no RSA keys"
# pub_rsa KEY - the base64 SubjectPublicKeyInfo of an RSA key
pub_rsa() {
	openssl rsa -in "$1" -pubout -outform DER 2>/dev/null | base64 -w0
}
PUB_RSA=$(pub_rsa "$K/rsa.key")
PUB_SHORT=$(pub_rsa "$K/short.key")
PUB_ED=$("$PY" "$RIG_DIR/dkim-sign.py" keygen-ed25519 "$K/ed.key")
ok $? "dkimpy made the ed25519 key" || bail_out "no ed25519 key"

# txt NAME TEXT - a TXT line for a zone file, TEXT split into strings
txt() {
	local name=$1 s=$2 out=
	while [ ${#s} -gt "$TXT_CHUNK" ]; do
		out="$out\"${s:0:$TXT_CHUNK}\" "
		s=${s:$TXT_CHUNK}
	done
	printf '%s\tTXT\t( %s"%s" )\n' "$name" "$out" "$s"
}

# zone NAME - NAME.zone from stdin's records, with SOA and NS
zone() {
	{
		echo "; written by tests/e2e/t_dkim.sh: test keys of this run"
		echo "\$ORIGIN $1."
		echo "\$TTL 300"
		echo "@ SOA ns.$1. hostmaster.$1. 1 3600 600 86400 300"
		echo "@ NS ns.e2e.test."
		cat
	} >"$Z/$1.zone"
	chmod 644 "$Z/$1.zone"
}

# keys [NAME] - the rsa, short and ed selectors' key records at NAME
# (relative to the zone; none: its apex)
keys() {
	local n=${1:+.$1}
	txt "rsa._domainkey$n" "v=DKIM1; k=rsa; p=$PUB_RSA"
	txt "short._domainkey$n" "v=DKIM1; k=rsa; p=$PUB_SHORT"
	txt "ed._domainkey$n" "v=DKIM1; k=ed25519; p=$PUB_ED"
}

SPF_FAIL="v=spf1 ip4:192.0.2.99 -all"
SPF_PASS="v=spf1 ip4:$CLIENT -all"
{ txt @ "$SPF_FAIL"; txt ok "$SPF_PASS"; txt _dmarc "v=DMARC1; p=reject"
    keys; } | zone rej.test
{ txt @ "$SPF_FAIL"; txt _dmarc "v=DMARC1; p=quarantine"; } |
    zone quar.test
{ txt @ "$SPF_FAIL"; txt _dmarc "v=DMARC1; p=none"; } | zone none.test
{ txt _dmarc "v=DMARC1; p=none; sp=reject"; txt x "$SPF_FAIL"
    keys; } | zone sub.test
{ txt _dmarc "v=DMARC1; p=reject"; echo "mail A 192.0.2.1"; keys; } |
    zone rel.test
{ txt @ "$SPF_FAIL"; txt ok "$SPF_PASS"; echo "mail A 192.0.2.1"
    txt _dmarc "v=DMARC1; p=reject; adkim=s; aspf=s"; keys; keys dk; } |
    zone strict.test
{ txt @ "$SPF_FAIL"; keys; } | zone nodmarc.test
keys | zone third.test
txt _dmarc "v=DMARC1; p=none; sp=quarantine; np=reject" | zone np.test
{ txt _dmarc "v=DMARC1; p=reject; psd=y"; echo "org A 192.0.2.1"
    keys other; } | zone psd.test
{ txt @ "$SPF_FAIL"; txt _dmarc "v=DMARC1; p=reject; pct=0"; } |
    zone pct.test
RIG_ZONES_EXTRA=$(echo "$Z"/*.zone)

# rmxfd: three configurations (see DESCRIPTION)
printf '%s\tcheck OBSERVE\n%s\tcheck NODMARC\n%s\tskip\n' \
    observe@dest.test nodmarc@dest.test skipme@dest.test >"$R/rmxf.acl"
RMXF_DKIM_LINES=("test_dkim = yes" "test_dmarc = yes")
# write_conf NAME ACTION-REJECT ACTION-QUARANTINE [DKIM?] - $R/NAME.conf
write_conf() {
	{
		echo "# written by tests/e2e/t_dkim.sh"
		echo "dns_timeout = 2s"
		echo "request_timeout = 20s"
		echo "authserv_id = $AUTHSERV"
		echo "log_to = stderr"
		echo "header_received_spf = no"
		echo "header_authentication_results = yes"
		echo "action_mailfrom_fail = mark"
		echo "acl_file = $R/rmxf.acl"
		if [ "${4:-1}" = 1 ]; then
			printf '%s\n' "${RMXF_DKIM_LINES[@]}"
			echo "action_dmarc_reject = $2"
			echo "action_dmarc_quarantine = $3"
		fi
	} >"$R/$1.conf"
	chmod 644 "$R/$1.conf"
}

# up_or_gone PID PORT - the process listens on PORT, or has exited
up_or_gone() {
	rig_smtp_up "$2" || ! kill -0 "$1" 2>/dev/null
}

# rmxfd_start NAME PORT ACTION-REJECT ACTION-QUARANTINE - a standalone
# rmxfd Milter; when it refuses the DKIM and DMARC parameters (a build
# without them) a failed line, and one without them, so that the
# OpenDKIM and OpenDMARC side still runs
rmxfd_start() {
	local log=$RIG_T/log/rmxfd-$1.log
	write_conf "$1" "$3" "$4"
	"$RIG_O/rmxfd" -c "$R/$1.conf" --milter "inet:127.0.0.1:$2" \
	    >>"$log" 2>&1 &
	rig_bg $!
	rig_wait_for "$WAIT" up_or_gone $! "$2"
	rig_smtp_up "$2"
	ok $? "rmxfd $1 (test_dkim, test_dmarc, action_dmarc_reject = $3)\
 listens on 127.0.0.1:$2" "$(tail -5 "$log")" && return 0
	write_conf "$1" "$3" "$4" 0
	"$RIG_O/rmxfd" -c "$R/$1.conf" --milter "inet:127.0.0.1:$2" \
	    >>"$log" 2>&1 &
	rig_bg $!
	rig_wait_for "$WAIT" rig_smtp_up "$2" ||
	    bail_out "rmxfd $1 does not start"
	diag "rmxfd $1 runs without the DKIM and DMARC parameters"
}

# OpenDKIM: verify only; libunbound forwarding to the rig's unbound
dkim_start() {
	local d=$RIG_T/dkim
	cat >"$d/unbound.conf" <<EOF
server:
	local-zone: "test." nodefault
	do-not-query-localhost: no
	module-config: "iterator"
forward-zone:
	name: "."
	forward-addr: 127.0.0.1@53
EOF
	printf '192.0.2.254\n' >"$d/internal"
	cat >"$d/opendkim.conf" <<EOF
# written by tests/e2e/t_dkim.sh
Mode			v
Socket			inet:$1@127.0.0.1
Background		false
Syslog			false
AuthservID		$DKIM_ID
AlwaysAddARHeader	true
ResolverConfiguration	$d/unbound.conf
DNSTimeout		2
MinimumKeyBits		1024
InternalHosts		$d/internal
On-DNSError		accept
On-Security		accept
On-BadSignature		accept
On-KeyNotFound		accept
EOF
	opendkim -f -x "$d/opendkim.conf" >>"$RIG_T/log/opendkim.log" 2>&1 &
	rig_bg $!
	rig_wait_for "$WAIT" rig_smtp_up "$1"
}

# OpenDMARC: OpenDKIM's DKIM results, its own SPF, the PSL
dmarc_start() {
	local d=$RIG_T/dmarc
	printf '192.0.2.254\n' >"$d/ignore"
	{ cat "$PSL"; printf '\n// the rig: RFC 6761 test.\ntest\n'; } >"$d/psl"
	cat >"$d/opendmarc.conf" <<EOF
# written by tests/e2e/t_dkim.sh
Socket			inet:$1@127.0.0.1
Background		false
Syslog			false
AuthservID		$DMARC_ID
TrustedAuthservIDs	$DKIM_ID
SPFSelfValidate		true
SPFIgnoreResults	true
IgnoreHosts		$d/ignore
PublicSuffixList	$d/psl
RejectFailures		false
FailureReports		false
RequiredHeaders		false
DNSTimeout		2
HistoryFile		$d/history
RecordAllMessages	true
EOF
	opendmarc -f -c "$d/opendmarc.conf" >>"$RIG_T/log/opendmarc.log" 2>&1 &
	rig_bg $!
	rig_wait_for "$WAIT" rig_smtp_up "$1"
}

rig_port P_MARK
rig_port P_ACT
rig_port P_HOLD
rig_port P_DKIM
rig_port P_DMARC
rig_port S_ACT
rig_port S_HOLD

rig_dns_start
ok $? "unbound answers, with this run's zones" || bail_out "no DNS server"
r=$(rig_dig rsa._domainkey.rej.test TXT 53 | tr -d '" ')
[ "$r" = "v=DKIM1;k=rsa;p=$PUB_RSA" ]
ok $? "the namespace's resolver has rsa._domainkey.rej.test" "$r"

rmxfd_start mark "$P_MARK" mark mark
rmxfd_start act "$P_ACT" reject quarantine
rmxfd_start hold "$P_HOLD" quarantine quarantine
dkim_start "$P_DKIM"
ok $? "opendkim listens on 127.0.0.1:$P_DKIM" \
    "$(cat "$RIG_T/log/opendkim.log")" || bail_out "no opendkim"
dmarc_start "$P_DMARC"
ok $? "opendmarc listens on 127.0.0.1:$P_DMARC" \
    "$(cat "$RIG_T/log/opendmarc.log")" || bail_out "no opendmarc"

THEM="inet:127.0.0.1:$P_DKIM,inet:127.0.0.1:$P_DMARC"
rig_smtpd "$S_ACT" reject_unauth_destination \
    "smtpd_milters=inet:127.0.0.1:$P_ACT,$THEM"
rig_smtpd "$S_HOLD" reject_unauth_destination \
    "smtpd_milters=inet:127.0.0.1:$P_HOLD,$THEM"
rig_postfix_start none \
    "smtpd_milters = inet:127.0.0.1:$P_MARK, $THEM" \
    "milter_default_action = tempfail" \
    "milter_protocol = 6"
ok $? "postfix starts (smtpd_milters rmxfd, opendkim, opendmarc)" \
    "$(cat "$RIG_T/log/postfix-start.out"
    tail -20 "$RIG_T/log/maillog")" || bail_out "postfix did not start"

# message KEY FROM SIGS [MOD] - $M/KEY.eml: From: FROM, signed by each of
# SIGS (comma-separated DOMAIN:SELECTOR[:ALGO[:CANON[:l]]], "-": none;
# SELECTOR rsa, short or ed names the key), MOD "body": a line changed
# after signing, "append": a line added after signing
message() {
	local key=$1 from=$2 sigs=$3 mod=${4:-} f=$M/$1.eml s d sel a c l
	{
		echo "From: <${from//,/>, <}>"
		echo "To: <user@dest.test>"
		echo "Subject: $key"
		echo "Date: $(date -u -R)"
		echo "Message-ID: <$key.$$@t-dkim.rig.test>"
		echo "MIME-Version: 1.0"
		echo "Content-Type: text/plain; charset=us-ascii"
		echo
		echo "Case $key of tests/e2e/t_dkim.sh."
		echo "Two  spaces,	a tab and trailing blanks  "
		echo "The end."
	} >"$f"
	if [ "$sigs" != - ]; then
		IFS=, read -r -a sl <<<"$sigs"
		for s in "${sl[@]}"; do
			IFS=: read -r d sel a c l <<<"$s"
			if [ -z "$a" ]; then
				a=rsa-sha256
				[ "$sel" = ed ] && a=ed25519-sha256
			fi
			"$PY" "$RIG_DIR/dkim-sign.py" sign "$K/$sel.key" "$d" \
			    "$sel" "$a" "${c:-relaxed/relaxed}" "${l:-}" \
			    <"$f" >"$f.new" || return 1
			mv "$f.new" "$f"
		done
	fi
	case $mod in
	body) sed -i 's/^The end\.$/The end, changed./' "$f" ;;
	append) echo "Appended after signing." >>"$f" ;;
	esac
	return 0
}

HELO=client.e2e.test	# the client's HELO name (an A record, no SPF)
# send PORT KEY MAILFROM [RCPT] - swaks --data the case's message
send() {
	rig_swaks --server "127.0.0.1:$1" --xclient-addr "$CLIENT" \
	    --helo "$HELO" --from "$3" --to "${4:-user@dest.test}" \
	    --data "@$M/$2.eml"
}

# swaks_diag - the end of the last dialogue, for a failed line
swaks_diag() {
	printf '%s\n' "$sw_out" |
	    grep -E '^ *(<-|<\*\*|->) +([245][0-9][0-9]|\.$)' | tail -6
}

# data_reply - the reply to the end of DATA in $sw_out
data_reply() {
	printf '%s\n' "$sw_out" | awk '
		/^ *-> \.$/ { want = 1; next }
		want && /^ *<(-|\*\*) / {
			sub(/^ *<(-|\*\*) +/, ""); print; want = 0
		}'
}

# ar FILE ID METHOD - the METHOD results of authserv-id ID's
# Authentication-Results fields in FILE, one a line: the result, then
# its properties and the key=value words of its comments (RFC 8601
# comments may hold ";", which then separates nothing)
ar() {
	rig_headers "$1" | awk -v id="$2" -v m="$3" '
	tolower($0) ~ /^authentication-results:/ {
		v = substr($0, index($0, ":") + 1)
		n = 0; part[0] = ""; cm[0] = ""; depth = 0
		for (i = 1; i <= length(v); i++) {
			c = substr(v, i, 1)
			if (c == "(") { depth++; cm[n] = cm[n] " "; continue }
			if (c == ")" && depth > 0) { depth--; continue }
			if (depth > 0) { cm[n] = cm[n] c; continue }
			if (c == ";") {
				n++; part[n] = ""; cm[n] = ""; continue
			}
			part[n] = part[n] c
		}
		split(part[0], w, " ")
		if (tolower(w[1]) != tolower(id))
			next
		for (k = 1; k <= n; k++) {
			nw = split(part[k], w, " ")
			if (nw == 0)
				continue
			split(w[1], mr, "=")
			if (tolower(mr[1]) != m)
				continue
			out = tolower(mr[2])
			for (j = 2; j <= nw; j++)
				out = out " " w[j]
			nc = split(cm[k], w, " ")
			for (j = 1; j <= nc; j++)
				if (w[j] ~ /=/)
					out = out " " w[j]
			print out
		}
	}'
}

# prop NAME - the value of property NAME in the result line on stdin
prop() {
	tr ' ' '\n' | sed -n "s/^$1=//p" | head -1
}

# dkim_norm - result lines on stdin as "RESULT d s a b", sorted
dkim_norm() {
	local l
	while read -r l; do
		printf '%s %s %s %s %s\n' "${l%% *}" \
		    "$(prop header.d <<<"$l" | tr '[:upper:]' '[:lower:]')" \
		    "$(prop header.s <<<"$l")" "$(prop header.a <<<"$l")" \
		    "$(prop header.b <<<"$l" | cut -c1-8)"
	done | sed 's/ *$//' | sort
}

# dmarc_norm - a dmarc result line on stdin as "RESULT p=P from=DOMAIN"
dmarc_norm() {
	local l
	read -r l || return 0
	printf '%s p=%s from=%s\n' "${l%% *}" "$(prop p <<<"$l")" \
	    "$(prop header.from <<<"$l" | tr '[:upper:]' '[:lower:]')"
}

# spf_norm - an spf result line on stdin as "RESULT DOMAIN" (the domain
# of smtp.mailfrom or smtp.helo, lower case)
spf_norm() {
	local l
	read -r l || return 0
	printf '%s %s\n' "${l%% *}" "$(tr ' ' '\n' <<<"$l" |
	    sed -n 's/^smtp\.\(mailfrom\|helo\)=\(.*@\)\{0,1\}//p' |
	    head -1 | tr '[:upper:]' '[:lower:]')"
}

# rd_list - normalized dkim lines on stdin as "RESULT:D,..." ("-": none)
rd_list() {
	awk 'NF { printf "%s%s%s%s", (n++ ? "," : ""), $1, (NF > 1 ? ":" : ""),
	    $2 } END { if (!n) printf "-" }'
}

# want_list WORDS - the expected "RESULT:D ..." words as rd_list prints
want_list() {
	tr ' ' '\n' <<<"$1" | grep . | sort | paste -sd, - | sed 's/^$/-/'
}

TABLE=
# check KEY FROM-DOMAIN DKIM DMARC [RMXF-DKIM [RMXF-DMARC]] - the
# delivered message KEY (user@, the mark smtpd): OpenDKIM's dkim=
# results are DKIM ("RESULT:D ..." sorted, or "none"), OpenDMARC's is
# DMARC ("RESULT/POLICY"), rmxf's equal theirs, or RMXF-DKIM /
# RMXF-DMARC where they must differ ("=" for the same)
check() {
	local key=$1 dom=$2 f kd km rd rm wk wm ks rs
	if ! f=$(rig_delivered "$key"); then
		ok 1 "$key: delivered" "$(swaks_diag)"
		return 1
	fi
	kd=$(ar "$f" "$DKIM_ID" dkim | dkim_norm)
	km=$(ar "$f" "$DMARC_ID" dmarc | dmarc_norm)
	rd=$(ar "$f" "$AUTHSERV" dkim | dkim_norm)
	rm=$(ar "$f" "$AUTHSERV" dmarc | dmarc_norm)
	diag "$key: opendkim: $(tr '\n' '|' <<<"$kd")"
	diag "$key: rmxf dkim: $(tr '\n' '|' <<<"$rd")"
	diag "$key: opendmarc: $km; rmxf: $rm"
	TABLE="$TABLE
$key|$(rd_list <<<"$kd")|$(rd_list <<<"$rd")|${km% from=*}|${rm% from=*}"
	[ "$(rd_list <<<"$kd")" = "$(want_list "$3")" ]
	ok $? "$key: OpenDKIM says dkim=$3" "$(ar "$f" "$DKIM_ID" dkim)"
	wm="${4%/*} p=${4#*/} from=$dom"
	[ "$km" = "$wm" ]
	ok $? "$key: OpenDMARC says dmarc=$4 header.from=$dom" \
	    "$(ar "$f" "$DMARC_ID" dmarc)"
	ks=$(ar "$f" "$DMARC_ID" spf | spf_norm)
	rs=$(ar "$f" "$AUTHSERV" spf | spf_norm)
	[ -n "$ks" ] && [ "$ks" = "$rs" ]
	ok $? "$key: rmxf's spf= equals OpenDMARC's (libspf2): $ks" \
	    "rmxf: $rs"
	wk=${5:-=}
	if [ "$wk" = = ]; then
		[ -n "$rd" ] && [ "$rd" = "$kd" ]
		ok $? "$key: rmxf's dkim= per signature equals OpenDKIM's" \
		    "rmxf: $rd
opendkim: $kd"
	else
		[ "$(rd_list <<<"$rd")" = "$(want_list "$wk")" ]
		ok $? "$key: rmxf says dkim=$wk (OpenDKIM: $3)" "rmxf: $rd"
	fi
	wm=${6:-=}
	if [ "$wm" = = ]; then
		[ -n "$rm" ] && [ "$rm" = "$km" ]
		ok $? "$key: rmxf's dmarc= equals OpenDMARC's ($4)" \
		    "rmxf: $rm
opendmarc: $km"
	else
		[ "$rm" = "${wm%/*} p=${wm#*/} from=$dom" ]
		ok $? "$key: rmxf says dmarc=$wm (OpenDMARC: $4)" "rmxf: $rm"
	fi
}

# one KEY FROM MAILFROM SIGS MOD DKIM DMARC [RMXF-DKIM [RMXF-DMARC]] -
# build, send through the mark smtpd, check
one() {
	local key=$1 from=$2 mf=$3 sigs=$4 mod=$5 t0
	shift 5
	message "$key" "$from" "$sigs" "$mod" ||
	    { ok 1 "$key: dkimpy signed it"; return 1; }
	t0=$(date +%s%N)
	send "$RIG_SMTP_PORT" "$key" "$mf"
	diag "$key: $((($(date +%s%N) - t0) / 1000000)) ms in SMTP"
	check "$key" "${from#*@}" "$@"
}

# the cases: KEY FROM MAILFROM SIGS MOD | OpenDKIM OpenDMARC | rmxf
one dkim-spffail a@rej.test b@rej.test rej.test:rsa "" \
    pass:rej.test pass/reject
one spf-nodkim a@rej.test b@ok.rej.test - "" none pass/reject
one reject-fail a@rej.test b@rej.test third.test:rsa "" \
    pass:third.test fail/reject
one quar-fail a@quar.test b@quar.test - "" none fail/quarantine
one none-fail a@none.test b@none.test - "" none fail/none
one sp-fail a@x.sub.test b@x.sub.test - "" none fail/reject
one sp-pass a@x.sub.test b@x.sub.test sub.test:rsa "" \
    pass:sub.test pass/reject
one relaxed a@mail.rel.test b@mail.rel.test rel.test:rsa "" \
    pass:rel.test pass/reject
one strict-dkim a@mail.strict.test b@strict.test strict.test:rsa "" \
    pass:strict.test fail/reject
one strict-exact a@strict.test b@strict.test strict.test:rsa "" \
    pass:strict.test pass/reject
one strict-spf a@strict.test b@ok.strict.test - "" none pass/reject \
    = fail/reject
one strict-dkim-up a@strict.test b@strict.test dk.strict.test:rsa "" \
    pass:dk.strict.test pass/reject = fail/reject
one no-dmarc a@nodmarc.test b@nodmarc.test nodmarc.test:rsa "" \
    pass:nodmarc.test none/none
one broken-body a@rej.test b@rej.test rej.test:rsa body \
    fail:rej.test fail/reject
one simple-l a@rej.test b@rej.test rej.test:rsa:rsa-sha256:simple/simple:l \
    append pass:rej.test pass/reject
one ed25519 a@rej.test b@rej.test rej.test:ed "" \
    pass:rej.test pass/reject
one rsa-ed a@rej.test b@rej.test rej.test:rsa,rej.test:ed "" \
    "pass:rej.test pass:rej.test" pass/reject
one servfail a@dk.servfail.test b@ok.rej.test dk.servfail.test:rsa "" \
    - none/none temperror:dk.servfail.test temperror/none
one timeout a@dk.timeout.test b@ok.rej.test dk.timeout.test:rsa "" \
    - none/none temperror:dk.timeout.test temperror/none
one rsa-sha1 a@rej.test b@rej.test rej.test:rsa:rsa-sha1 "" \
    pass:rej.test pass/reject permerror:rej.test fail/reject
one short-key a@rej.test b@rej.test rej.test:short "" \
    policy:rej.test fail/reject permerror:rej.test
one np a@ghost.np.test b@ok.rej.test - "" none fail/quarantine \
    = fail/reject
one psd a@org.psd.test b@ok.rej.test other.psd.test:rsa "" \
    pass:other.psd.test pass/reject = fail/reject
one pct0 a@pct.test b@pct.test - "" none fail/reject
HELO=ok.rej.test
one null-helo a@rej.test '<>' - "" none pass/reject
HELO=client.e2e.test

# two From: domains, rej.test (aligned DKIM pass, p=reject) and
# none.test (fail, p=none): OpenDMARC 1.4.2 writes no dmarc= for a
# multi-valued From:; rmxf evaluates each domain, the worst result
# wins (fail, from=none.test), and only a failing domain's policy
# applies (RFC 7489 6.6.1): p=none, so "act" delivers it
message two-from a@rej.test,b@none.test rej.test:rsa
send "$RIG_SMTP_PORT" two-from b@rej.test
if f=$(rig_delivered two-from); then
	kd=$(ar "$f" "$DKIM_ID" dkim | dkim_norm)
	rd=$(ar "$f" "$AUTHSERV" dkim | dkim_norm)
	[ -n "$kd" ] && [ "$kd" = "$rd" ]
	ok $? "two-from: rmxf's dkim= equals OpenDKIM's" "$kd
$rd"
	km=$(ar "$f" "$DMARC_ID" dmarc)
	[ -z "$km" ]
	ok $? "two-from: OpenDMARC writes no dmarc= for two From: domains" \
	    "$km"
	rm_=$(ar "$f" "$AUTHSERV" dmarc | dmarc_norm)
	diag "two-from: rmxf: $rm_"
	TABLE="$TABLE
two-from|$(rd_list <<<"$kd")|$(rd_list <<<"$rd")|-|${rm_% from=*}"
	[ "${rm_%% *} ${rm_##* }" = "fail from=none.test" ]
	ok $? "two-from: rmxf says dmarc=fail header.from=none.test" "$rm_"
	[ "$rm_" = "fail p=none from=none.test" ]
	ok $? "two-from: rmxf's p= is the failing domain's (none)" "$rm_"
else
	ok 1 "two-from: delivered" "$(swaks_diag)"
fi

# the actions: act and hold smtpd, the same messages
# queued_id - the queue ID of the last send's accepted message
queued_id() {
	printf '%s\n' "$sw_out" |
	    sed -n 's/.*250 2\.0\.0 Ok: queued as \([0-9A-Za-z]*\).*/\1/p' |
	    tail -1
}
# held KEY POLICY - the last send's message is in Postfix's hold queue,
# with rmxf's "dmarc=fail (p=POLICY dis=quarantine)"
held() {
	local id j='' h i
	id=$(queued_id)
	[ -n "$id" ] && for ((i = 0; i < 30; i++)); do
		j=$(postqueue -c "$RIG_T/pf/etc" -j |
		    grep "\"queue_id\": *\"$id\"")
		[ -n "$j" ] && break
		sleep 0.1
	done
	printf '%s\n' "$j" | grep -q '"queue_name": *"hold"'
	ok $? "$1: accepted ($id) and in the hold queue" \
	    "$(swaks_diag; printf '%s\n' "$j")" || return 1
	h=$(postcat -c "$RIG_T/pf/etc" -h -q "$id" 2>&1 |
	    grep -i "^Authentication-Results: $AUTHSERV;")
	printf '%s\n' "$h" | grep -q "; dmarc=fail (p=$2 dis=quarantine) "
	ok $? "$1: held with rmxf's dmarc=fail (p=$2 dis=quarantine)" \
	    "$h"
}
# rejected KEY - the last send's DATA got 550 5.7.1
rejected() {
	local r
	r=$(data_reply)
	printf '%s\n' "$r" | grep -qE '^550 5\.7\.1 '
	ok $? "$1: 550 5.7.1 at the end of DATA" "$r"
}

send "$S_ACT" reject-fail b@rej.test
rejected "act reject-fail"
rig_maillog |
    grep -q "milter-reject: END-OF-MESSAGE from unknown\[$CLIENT\]: 5\.7\.1 "
ok $? "act reject-fail: maillog has the milter-reject line" \
    "$(rig_maillog | grep milter- | tail -2)"
send "$S_ACT" quar-fail b@quar.test
held "act quar-fail" quarantine
send "$S_HOLD" reject-fail b@rej.test
held "hold reject-fail" reject
send "$S_ACT" none-fail b@none.test
d=$(data_reply)
printf '%s\n' "$d" | grep -q '^250 '
ok $? "act none-fail: p=none, accepted" "$d"
send "$S_ACT" sp-fail b@x.sub.test
rejected "act sp-fail (sp=reject)"
for c in dkim-spffail:rej.test:pass servfail:ok.rej.test:temperror; do
	IFS=: read -r key mf what <<<"$c"
	send "$S_ACT" "$key" "b@$mf"
	d=$(data_reply)
	printf '%s\n' "$d" | grep -q '^250 '
	ok $? "act $key: dmarc=$what, accepted" "$d"
done
send "$S_ACT" two-from b@rej.test
d=$(data_reply)
printf '%s\n' "$d" | grep -q '^250 '
ok $? "act two-from: only none.test fails (p=none), accepted" "$d"
# RFC 9989 has no pct=: pct=0 asks for nothing less than p=reject
send "$S_ACT" pct0 b@pct.test
rejected "act pct0 (pct= is not read)"

# the ACL on act: OBSERVE delivers and marks, skip adds nothing
message acl-observe a@rej.test third.test:rsa
send "$S_ACT" acl-observe b@rej.test observe@dest.test
if f=$(rig_delivered acl-observe observe); then
	rm_=$(ar "$f" "$AUTHSERV" dmarc | dmarc_norm)
	[ "$rm_" = "fail p=reject from=rej.test" ]
	ok $? "acl-observe: delivered with rmxf's dmarc=fail" "$rm_"
	grep -q 'observed=action_dmarc_reject' "$RIG_T/log/rmxfd-act.log"
	ok $? "acl-observe: rmxfd logged observed=action_dmarc_reject" \
	    "$(tail -3 "$RIG_T/log/rmxfd-act.log")"
else
	ok 1 "acl-observe: delivered to observe@" "$(swaks_diag)"
fi
# NODMARC: marked only; one message for user@ (reject) and nodmarc@
# gets the mildest action: delivered to both, dis=none
message acl-nodmarc a@rej.test third.test:rsa
send "$S_ACT" acl-nodmarc b@rej.test user@dest.test,nodmarc@dest.test
for rc in nodmarc user; do
	if f=$(rig_delivered acl-nodmarc "$rc"); then
		h=$(ar "$f" "$AUTHSERV" dmarc)
		printf '%s\n' "$h" | grep -q '^fail .*p=reject dis=none'
		ok $? "acl-nodmarc: delivered to $rc@ with rmxf's dmarc=fail,\
 dis=none" "$h"
	else
		ok 1 "acl-nodmarc: delivered to $rc@" "$(swaks_diag)"
	fi
done
message acl-skip a@rej.test third.test:rsa
send "$S_ACT" acl-skip b@rej.test skipme@dest.test
if f=$(rig_delivered acl-skip skipme); then
	n=$(ar "$f" "$AUTHSERV" dmarc | grep -c .)
	km=$(ar "$f" "$DMARC_ID" dmarc | dmarc_norm)
	[ "$n" = 0 ] && [ "$km" = "fail p=reject from=rej.test" ]
	ok $? "acl-skip: delivered, no rmxf dmarc=, OpenDMARC's fail" \
	    "$n rmxf results; opendmarc: $km"
else
	ok 1 "acl-skip: delivered to skipme@" "$(swaks_diag)"
fi

! rig_maillog |
    grep -qiE 'warning: .*milter|milter-reject: .* 4\.[0-9.]+ |problem talking'
ok $? "no Milter warning or tempfail in the maillog" \
    "$(rig_maillog | grep -iE 'warning|milter-reject: .* 4\.' | head -5)"

BAD='(warning|error|fatal|panic): |Sanitizer|runtime error'
! grep -hE "$BAD" "$RIG_T/log/rmxfd-"*.log |
    grep -qv 'warning: running as root'
ok $? "no rmxfd warning or error (sanitizer reports included)" \
    "$(grep -hE "$BAD" "$RIG_T/log/rmxfd-"*.log |
    grep -v 'running as root' | head -5)"

diag "case|opendkim|rmxf dkim|opendmarc|rmxf dmarc$TABLE"
rig_done
