#!/bin/bash
# NAME
#	milter_dkim.sh - DKIM and DMARC in rmxfd's Milter front end
# SYNOPSIS
#	bash tests/daemon/milter_dkim.sh
# DESCRIPTION
#	Starts build/tests/dnsd with the interop corpus's zone
#	(tests/dkim/corpus/zone: keys, SPF "ip4:192.0.2.1 -all" and DMARC
#	p=reject for each signing domain) and two rmxfd with --milter
#	(test_dkim and test_dmarc on, as by default; both result headers;
#	action_mailfrom_fail = mark, so that DMARC decides at the end of
#	data; an ACL with a skip and a NODMARC recipient): "reject" with
#	action_dmarc_reject's default, "quarantine" with
#	action_dmarc_reject = quarantine.  Messages of the corpus (signed
#	by dkimpy) go through tests/daemon/milterc.py as Postfix sends
#	them: header fields with their leading space (HDR_LEADSPC), the
#	body in BODY packets.
#
#	Checked: the negotiation asks for the body and the end of the
#	header, values as they are, and may quarantine; a signed message
#	from the SPF-allowed client gets one Authentication-Results with
#	spf=, dkim= and dmarc=, equal to the header `rmxf message` computes
#	for it, whatever the body's packet size (7 octets or one packet);
#	a broken body from another client is a DMARC fail under p=reject:
#	550 5.7.1 at the end of data, logged with dmarc_action=reject; with
#	action_dmarc_reject = quarantine the message is quarantined (the
#	"q" action) and marked dis=quarantine, but not for a NODMARC
#	recipient nor when the MTA does not offer quarantine (marked,
#	dis=none, logged unavailable=quarantine); a client-forged Authentication-Results naming us is
#	removed while the signature over the rest still passes; a key
#	lookup that fails is dkim=temperror; a message only to a skip
#	recipient gets nothing, one to a skip and a checked recipient is
#	checked but only marked (the skip recipient must get it); GET
#	/metrics counts the signatures by result and the messages by
#	DMARC result and action.
#
#	Output is TAP for prove.  Every process started is stopped by PID
#	on exit.  Environment: O (build directory, default build).
# SEE ALSO
#	rmxfd(8), daemon_milter(3), daemon_mauth(3), auth(3),
#	tests/daemon/milter.sh
set -u

cd "$(dirname "$0")/../.." || exit 1
. tests/lib/scaffold.sh
scaffold_start milter-dkim
O=${O:-build}
RMXFD=$O/rmxfd
RMXF=$O/rmxf
DNSD=$O/tests/dnsd
C=tests/dkim/corpus
MILTERC="python3 tests/daemon/milterc.py"
DNSD_MAX=120
CLIENT_KILL=30

# mc SOCKET JSON - one conversation; its lines in $out
mc() {
	out=$(printf '%s' "$2" | timeout "$CLIENT_KILL" $MILTERC "$1" 2>&1)
}

# line N - line N of $out
line() {
	printf '%s\n' "$out" | sed -n "$1p"
}

# msg CLIENT FROM RCPTS EML [CHUNK] - a one-message session
msg() {
	printf '[{"client": "%s", "helo": "mail.example", "messages": [{"from":
 "%s", "rcpts": [%s], "eml": "%s", "chunk": %s}]}]' "$1" "$2" "$3" "$4" \
	    "${5:-65535}"
}

# ar - the Authentication-Results value rmxfd inserted (line 2 of $out)
ar() {
	line 2 | python3 -c 'import json, sys
for a in json.load(sys.stdin).get("eom", []):
    if a.startswith("ins:0:Authentication-Results:"):
        print(a.split(":", 3)[3])'
}

if [ ! -x "$RMXFD" ] || [ ! -x "$DNSD" ] || [ ! -x "$RMXF" ] ||
    ! command -v python3 >/dev/null; then
	echo "1..0 # SKIP $RMXFD, $RMXF, $DNSD or python3 missing"
	exit 0
fi
echo "1..14"

"$DNSD" --zone "$C/zone" --listen 127.0.0.1:0 --port-file "$tmp/dnsport" \
    --max-seconds "$DNSD_MAX" 2>"$tmp/dnsd.err" &
pids+=($!)
wait_for "$tmp/dnsport" .
dnsport=$(cat "$tmp/dnsport" 2>/dev/null)

printf 'skip@example.net skip\nnodmarc@example.net check NODMARC\n* check\n' \
    >"$tmp/rmxf.acl"
for k in reject quarantine; do
	cat >"$tmp/$k.conf" <<EOF
log_to = stderr
request_timeout = 2s
dns_timeout = 2s
header_authentication_results = yes
authserv_id = mx.example.net
action_mailfrom_fail = mark
acl_file = $tmp/rmxf.acl
EOF
	[ $k = quarantine ] &&
	    echo "action_dmarc_reject = quarantine" >>"$tmp/$k.conf"
	[ $k = reject ] && mport=$(python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])') &&
	    echo "metrics_listen = inet:127.0.0.1:$mport" >>"$tmp/$k.conf"
	"$RMXFD" -c "$tmp/$k.conf" --milter "unix:$tmp/$k.sock" \
	    --dns "127.0.0.1:$dnsport" 2>"$tmp/$k.log" &
	pids+=($!)
	wait_for "$tmp/$k.log" ': started'
done
R=unix:$tmp/reject.sock
Q=unix:$tmp/quarantine.sock
GOOD=$C/dkimpy.rsa2048-rr.eml
GOODF=a@rsa2048-rr.dkimpy.example
BAD=$C/dkimpy.body-broken.eml
BADF=a@body-broken.dkimpy.example

# --- negotiation ----------------------------------------------------------
mc "$R" "$(msg 192.0.2.1 $GOODF '"bob@example.net"' $GOOD 7)"
act=$(line 1 | sed 's/^{"optneg": \[6, \([0-9]*\), \([0-9]*\)\].*/\1/')
proto=$(line 1 | sed 's/^{"optneg": \[6, \([0-9]*\), \([0-9]*\)\].*/\2/')
[ $((proto & 0x10)) = 0 ] && [ $((proto & 0x40)) = 0 ] &&
    [ $((proto & 0x100000)) != 0 ] && [ $((proto & 0x80000)) != 0 ] &&
    [ $((act & 0x20)) != 0 ]
ok $? "negotiation: body and end of header, values as they are, quarantine" \
    "$(line 1)"

# --- pass: the header equals rmxf message's ---------------------------------
small=$(ar)
want=$("$RMXF" message --json --zone "$C/zone" --ip 192.0.2.1 \
    --helo mail.example --sender $GOODF --receiver mx.example.net "$GOOD" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["header"])')
case $small in
" mx.example.net; spf=pass smtp.mailfrom=rsa2048-rr.dkimpy.example; "\
"dkim=pass header.d=rsa2048-rr.dkimpy.example header.s=sel-rsa2048 "\
"header.a=rsa-sha256 header.b="*"; dmarc=pass (p=reject dis=none) "\
"header.from=rsa2048-rr.dkimpy.example") r=0 ;;
*) r=1 ;;
esac
[ "$small" = " $want" ] && [ $r = 0 ] && line 2 | grep -q '"c"]}$'
ok $? "pass: spf=, dkim= and dmarc= in one header, as rmxf message's" \
    "$out
want: $want"
mc "$R" "$(msg 192.0.2.1 $GOODF '"bob@example.net"' $GOOD)"
[ "$(ar)" = "$small" ]
ok $? "the body in one packet or in packets of 7 octets: the same header" \
    "$out"

# --- DMARC fail under p=reject: 550 5.7.1 at the end of data ---------------
mc "$R" "$(msg 198.51.100.9 $BADF '"bob@example.net"' $BAD)"
[ "$(line 2)" = '{"rcpt": ["c"], "eom": ["y:550 5.7.1 rejected by the '\
'DMARC policy of body-broken.dkimpy.example"]}' ]
ok $? "DMARC fail, p=reject: 550 5.7.1 at the end of data" "$out"
grep -q "client=198.51.100.9 .* stage=eom dkim=fail:body-broken.dkimpy"\
".example:sel-rsa2048 dmarc=fail from=body-broken.dkimpy.example "\
"policy=reject dmarc_action=reject dns=" "$tmp/reject.log"
ok $? "... one log line: dkim=, dmarc=, policy=, dmarc_action=reject" \
    "$(tail -3 "$tmp/reject.log")"
mc "$R" "$(msg 192.0.2.1 $BADF '"bob@example.net"' $BAD)"
case $(ar) in
*"dkim=fail reason=\"body hash did not verify\" "*"; dmarc=pass (p=reject "\
"dis=none)"*) r=0 ;;
*) r=1 ;;
esac
ok $r "the same broken body from the SPF client: dkim=fail, dmarc=pass" \
    "$out"

# --- quarantine, and a NODMARC recipient ------------------------------------
mc "$Q" "$(msg 198.51.100.9 $BADF '"bob@example.net"' $BAD)"
line 2 | grep -q 'dmarc=fail (p=reject dis=quarantine) '\
'header.from=body-broken.dkimpy.example", .*"q:DMARC policy", "c"\]}$'
ok $? "action_dmarc_reject = quarantine: quarantined, dis=quarantine" "$out"
mc "$Q" "$(msg 198.51.100.9 $BADF '"nodmarc@example.net"' $BAD)"
line 2 | grep -q '"q:' && r=1 || r=0
[ $r = 0 ] && ar | grep -q 'dmarc=fail (p=reject dis=none)'
ok $? "... an ACL NODMARC recipient: marked only, dis=none" "$out"

mc_q=$(msg 198.51.100.9 $BADF '"bob@example.net"' $BAD)
out=$(printf '%s' "$mc_q" | MILTERC_ACTIONS=1DF timeout "$CLIENT_KILL" \
    $MILTERC "$Q" 2>&1)
! line 2 | grep -q '"q:' && ar | grep -q 'dmarc=fail (p=reject dis=none)' &&
    grep -q 'dmarc_action=mark unavailable=quarantine' "$tmp/quarantine.log"
ok $? "an MTA without quarantine: marked, dis=none, logged unavailable=" \
    "$out
$(tail -2 "$tmp/quarantine.log")"

# --- forged header, DNS failure, skip ---------------------------------------
{ printf 'Authentication-Results: mx.example.net; dkim=pass\r\n'
  cat "$GOOD"; } >"$tmp/forged.eml"
mc "$R" "$(msg 192.0.2.1 $GOODF '"bob@example.net"' "$tmp/forged.eml")"
line 2 | grep -q '"chg:1:Authentication-Results:", ' &&
    [ "$(ar)" = "$small" ]
ok $? "a forged Authentication-Results is removed; the signature passes" \
    "$out"
mc "$R" "$(msg 192.0.2.1 a@dns-servfail.dkimpy.example \
    '"bob@example.net"' $C/dkimpy.dns-servfail.eml)"
ar | grep -q '; dkim=temperror '
ok $? "a key lookup that fails: dkim=temperror" "$out"
mc "$R" "$(msg 198.51.100.9 $BADF '"skip@example.net"' $BAD)"
[ "$(line 2)" = '{"rcpt": ["c"], "eom": ["c"]}' ]
ok $? "only an ACL skip recipient: no header, no action" "$out"
mc "$R" "$(msg 198.51.100.9 $BADF '"skip@example.net", "bob@example.net"' \
    $BAD)"
line 2 | grep -q '"rcpt": \["c", "c"\], "eom": \["ins:0:' &&
    ar | grep -q 'dmarc=fail (p=reject dis=none)'
ok $? "a skip and a checked recipient: checked, but marked only" "$out"

# --- the counters ------------------------------------------------------------
metrics=$(timeout "$CLIENT_KILL" python3 -c 'import sys, urllib.request
print(urllib.request.urlopen(sys.argv[1]).read().decode())' \
    "http://127.0.0.1:$mport/metrics" 2>&1)
got=$(printf '%s\n' "$metrics" | grep -E '^rmxf_(dkim_signatures|dmarc_'\
'messages)_total\{' | grep -v ' 0$' | sort | tr '\n' ' ')
[ "$got" = 'rmxf_dkim_signatures_total{result="fail"} 3 '\
'rmxf_dkim_signatures_total{result="pass"} 3 '\
'rmxf_dkim_signatures_total{result="temperror"} 1 '\
'rmxf_dmarc_messages_total{result="fail",action="mark"} 1 '\
'rmxf_dmarc_messages_total{result="fail",action="reject"} 1 '\
'rmxf_dmarc_messages_total{result="pass",action="mark"} 5 ' ]
ok $? "/metrics: signatures by result, messages by DMARC result and action" \
    "$got"
