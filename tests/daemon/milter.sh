#!/bin/bash
# NAME
#	milter.sh - rmxfd's Milter front end against the MTA side of the
#	protocol (tests/daemon/milterc.py)
# SYNOPSIS
#	bash tests/daemon/milter.sh
# DESCRIPTION
#	Starts build/tests/dnsd with tests/daemon/zone.txt and build/rmxfd
#	with --milter on a unix socket and on a free loopback port
#	(header_authentication_results on, an ACL with a skip recipient,
#	a smarthost egress address; SPF only: test_dkim and test_dmarc
#	off, tests/daemon/milter_dkim.sh has them on), then, as Postfix
#	3.7 offers (version 6, every action and step):
#	the negotiation takes headers only (no body, DATA, unknown
#	command; no reply to connect, HELO, MAIL, headers) and asks for
#	the macros i and {auth_authen} at MAIL; a pass gets both result
#	headers at the end of the message, Received-SPF on top, and the
#	two client-forged Authentication-Results naming our authserv-id
#	are removed (the last first) while another's stays; a fail is a
#	550 5.7.23 reply to RCPT with the policy service's text; a DNS
#	timeout 450 4.7.24; two recipients with different ACL outcomes
#	(skip: continue; checked: 550); a client of exempt_networks keeps
#	its headers and gets none; the next SMTP session on the same
#	connection (QUIT_NC) with a SASL login is the smarthost profile
#	(egress not allowed: 550 naming the address); bad input (a packet
#	of length 0, a command before negotiation, a packet over the limit)
#	closes only its connection, with a log line; milter_listen serves
#	without --milter; SIGTERM exits 0.
#
#	Output is TAP for prove.  Every process started is stopped by PID
#	on exit.  Environment: O (build directory, default build).
# SEE ALSO
#	rmxfd(8), daemon_milter(3), milter(3), tests/daemon/milterc.py
set -u

cd "$(dirname "$0")/../.." || exit 1
. tests/lib/scaffold.sh
scaffold_start milter
O=${O:-build}
RMXFD=$O/rmxfd
DNSD=$O/tests/dnsd
DIR=tests/daemon
MILTERC="python3 $DIR/milterc.py"
DNSD_MAX=120		# dnsd's own --max-seconds
CLIENT_KILL=30		# seconds before a hung client is killed

# mc SOCKET JSON - one conversation; its lines in $out, status in $rc
mc() {
	out=$(printf '%s' "$2" | timeout "$CLIENT_KILL" $MILTERC "$1" 2>&1)
	rc=$?
}

# line N - line N of $out
line() {
	printf '%s\n' "$out" | sed -n "$1p"
}

# raw SOCKET BYTES - send raw bytes (python escapes), wait for the close
raw() {
	timeout "$CLIENT_KILL" python3 -c '
import socket, sys
host, port = sys.argv[1].rsplit(":", 1)
s = socket.create_connection((host, int(port)))
s.sendall(eval("b\"" + sys.argv[2] + "\""))
s.settimeout(10)
print("closed" if s.recv(100) == b"" else "open")' "$1" "$2"
}

if [ ! -x "$RMXFD" ] || [ ! -x "$DNSD" ] || ! command -v python3 \
    >/dev/null; then
	echo "1..0 # SKIP $RMXFD, $DNSD or python3 missing (make all tests)"
	exit 0
fi
echo "1..19"

"$DNSD" --zone "$DIR/zone.txt" --listen 127.0.0.1:0 \
    --port-file "$tmp/dnsport" --max-seconds "$DNSD_MAX" \
    2>"$tmp/dnsd.err" &
pids+=($!)
wait_for "$tmp/dnsport" .
dnsport=$(cat "$tmp/dnsport" 2>/dev/null)

cp "$DIR/rmxf.conf" "$tmp/rmxf.conf"
printf 'skip@example.net skip\n* check\n' >"$tmp/rmxf.acl"
cat >>"$tmp/rmxf.conf" <<EOF
header_authentication_results = yes
authserv_id = mx.example.net
acl_file = $tmp/rmxf.acl
smarthost_egress = 203.0.113.25
test_dkim = no
test_dmarc = no
EOF
sock=$tmp/milter.sock
"$RMXFD" -c "$tmp/rmxf.conf" --milter "unix:$sock" \
    --milter inet:127.0.0.1:0 --dns "127.0.0.1:$dnsport" --log stderr \
    2>"$tmp/rmxfd.log" &
rpid=$!
pids+=("$rpid")
wait_for "$tmp/rmxfd.log" ': started'
port=$(sed -n 's/.*listening on inet:127\.0\.0\.1:\([0-9]*\) (milter)$/\1/p' \
    "$tmp/rmxfd.log")
[ -S "$sock" ] && [ -n "$port" ] &&
    grep -q " listen=none milter=" "$tmp/rmxfd.log"
ok $? "rmxfd --milter listens on unix:$sock and 127.0.0.1:${port:-none}" \
    "$(cat "$tmp/rmxfd.log")"
M=inet:127.0.0.1:$port

# --- negotiation, pass, both headers, forged ones removed ----------------
mc "$M" '[{"client": "192.0.2.10", "helo": "mail.example.com",
 "messages": [{"from": "alice@example.com", "rcpts": ["bob@example.net"],
 "headers": [["Authentication-Results", "mx.example.net; spf=pass"],
  ["Authentication-Results", "other.example; spf=pass"],
  ["authentication-results", " MX.example.net (forged); dkim=pass"],
  ["Authentication-Results", "\n\tmx.example.net; spf=pass"],
  ["Authentication-Results", "(c) \"mx.example.net\"; spf=pass"],
  ["Authentication-Results", "mx.example.net.evil; spf=pass"]]}]}]'
case $(line 1) in
'{"optneg": [6, 273, '*'"2": "i {auth_authen}"'*) r=0 ;;
*) r=1 ;;
esac
ok $r "negotiation: add and change headers, SETSYMLIST; i {auth_authen}" \
    "$out"
proto=$(line 1 | sed 's/^{"optneg": \[6, 273, \([0-9]*\)\].*/\1/')
# NOBODY NOUNKNOWN NODATA NOEOH NR_HDR NR_CONN NR_HELO NR_MAIL, not NORCPT
[ $((proto & 0x10)) != 0 ] && [ $((proto & 0x200)) != 0 ] &&
    [ $((proto & 0x80)) != 0 ] && [ $((proto & 0x1000)) != 0 ] &&
    [ $((proto & 0x8)) = 0 ] && [ $((proto & 0x8000)) = 0 ]
ok $? "negotiation: no body or DATA, no reply to headers; RCPT answered" \
    "protocol $proto"
l2=$(line 2)
case $l2 in
'{"rcpt": ["c"], "eom": ["chg:5:Authentication-Results:", '\
'"chg:4:Authentication-Results:", "chg:3:Authentication-Results:", '\
'"chg:1:Authentication-Results:", "ins:0:Authentication-Results:'\
'mx.example.net; spf=pass smtp.mailfrom=example.com", '\
'"ins:0:Received-SPF:pass (mx.example.net: domain of alice@example.com '\
'designates 192.0.2.10 as permitted sender)'*'", "c"]}') r=0 ;;
*) r=1 ;;
esac
ok $r "pass: forged A-R 5 4 3 1 (folded, comment, quoted) removed, both on top" \
    "$out"
grep -q "queue_id=4AB12: 4 forged Authentication-Results header(s) removed" \
    "$tmp/rmxfd.log"
ok $? "the removal is logged" "$(tail -3 "$tmp/rmxfd.log")"

# --- fail, timeout, two recipients, exempt client ------------------------
mc "unix:$sock" '[{"client": "198.51.100.9", "messages": [
 {"from": "alice@example.com", "rcpts": ["bob@example.net"]},
 {"from": "carol@slow.example.com", "rcpts": ["bob@example.net"]},
 {"from": "alice@example.com", "rcpts": ["skip@example.net",
  "bob@example.net"]},
 {"from": "bob@soft.example.com", "rcpts": ["bob@example.net"]}]},
 {"client": "127.0.0.1", "messages": [{"from": "alice@example.com",
  "rcpts": ["bob@example.net"], "headers": [["Authentication-Results",
  "mx.example.net; spf=pass"]]}]}]'
[ "$(line 2)" = '{"rcpt": ["y:550 5.7.23 example.com does not designate '\
'198.51.100.9 as permitted sender (SPF fail)"]}' ]
ok $? "fail: 550 5.7.23 at RCPT, the policy service's text" "$out"
case $(line 3) in
'{"rcpt": ["y:450 4.7.24 SPF temporary error for slow.example.com'*) r=0 ;;
*) r=1 ;;
esac
ok $r "DNS timeout: 450 4.7.24 at RCPT" "$out"
case $(line 4) in
'{"rcpt": ["c", "y:550 5.7.23 '*'"], "eom": ["c"]}') r=0 ;;
*) r=1 ;;
esac
ok $r "two recipients: ACL skip continues, the checked one 550" "$out"
case $(line 5) in
'{"rcpt": ["c"], "eom": ["ins:0:Authentication-Results:mx.example.net; '\
'spf=softfail'*'"ins:0:Received-SPF:softfail '*) r=0 ;;
*) r=1 ;;
esac
ok $r "softfail: marked with both headers" "$out"
[ "$(line 6)" = '{"rcpt": ["c"], "eom": ["c"]}' ]
ok $? "exempt client (QUIT_NC, next session): no header, none removed" \
    "$out"

# --- SASL: the smarthost profile ------------------------------------------
mc "$M" '[{"client": "198.51.100.9", "messages": [{"from":
 "alice@example.com", "rcpts": ["x@elsewhere.example"], "auth": "joe"}]}]'
case $(line 2) in
'{"rcpt": ["y:550 5.7.23 the SPF policy of example.com does not allow '\
'our outgoing address 203.0.113.25; send as another domain"]}') r=0 ;;
*) r=1 ;;
esac
ok $r "{auth_authen}: the smarthost profile, egress not allowed: 550" \
    "$out"

# --- bad input closes only its connection -----------------------------------
a=$(raw "127.0.0.1:$port" '\x00\x00\x00\x00')
b=$(raw "127.0.0.1:$port" '\x00\x00\x00\x01Q')
c=$(raw "127.0.0.1:$port" '\x7f\xff\xff\xffB')
[ "$a $b $c" = "closed closed closed" ] &&
    grep -q "a packet of length 0: connection closed" "$tmp/rmxfd.log" &&
    grep -q "a command before negotiation: connection closed" \
    "$tmp/rmxfd.log" &&
    grep -q "a packet over 262144 octets: connection closed" \
    "$tmp/rmxfd.log"
ok $? "length 0, QUIT before negotiation, an oversized packet: closed" \
    "$a $b $c $(tail -4 "$tmp/rmxfd.log")"
mc "$M" '[{"client": "192.0.2.10", "messages": [{"from":
 "alice@example.com", "rcpts": ["bob@example.net"]}]}]'
case $(line 2) in '{"rcpt": ["c"], "eom": ['*) r=0 ;; *) r=1 ;; esac
ok $r "... and the next connection is served" "$out"

# --- 40 forged headers: all removed; after QUIT nothing more is read ------
many=$(python3 -c 'import json; print(json.dumps([{"client": "192.0.2.10",
 "messages": [{"from": "alice@example.com", "rcpts": ["bob@example.net"],
 "headers": [["Authentication-Results", "mx.example.net; spf=pass"]] * 40
 }]}]))')
mc "$M" "$many"
[ "$(line 2 | grep -o 'chg:[0-9]*:' | wc -l)" = 40 ] &&
    line 2 | grep -q '"chg:40:Authentication-Results:", ' &&
    line 2 | grep -q '"chg:1:Authentication-Results:", "ins:0:'
ok $? "40 forged Authentication-Results: all 40 removed" "$out"
# a peer that quits with replies unread (400 KB, more than the unix
# socket buffers hold) and goes on sending: rmxfd reads no more, so its
# memory stays flat (it gives up on the replies DAEMON_MILTER_CLOSE_S
# later)
big=$(timeout "$CLIENT_KILL" python3 -c '
import socket, struct, sys, time
def pk(c, d=b""): return struct.pack("!I", len(d) + 1) + c + d
s = socket.socket(socket.AF_UNIX)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.connect(sys.argv[1])
s.sendall(pk(b"O", struct.pack("!III", 6, 0x1ff, 0)))
s.sendall(pk(b"C", b"h\0" + b"4" + struct.pack("!H", 1) + b"192.0.2.1\0"))
s.sendall(pk(b"H", b"x\0") * 80000 + pk(b"Q"))
s.setblocking(False)
sent, t = 0, time.time()
while time.time() - t < 3:
    try:
        sent += s.send(b"\0" * 65536)
    except BlockingIOError:
        time.sleep(0.01)
print(sent)' "$sock")
rss=$(awk '/VmRSS/ { print $2 }' "/proc/$rpid/status")
[ -n "$big" ] && [ "$big" -lt 4000000 ] && [ "$rss" -lt 60000 ]
ok $? "after QUIT no more input is taken (sent ${big:-?} octets, RSS $rss kB)"

# --- the same bytes as libmilter ---------------------------------------------
# rmxfd's replies against a libmilter filter's for the same conversation:
# a 550 to RCPT, a deleted field, an inserted one (tests/daemon/milterref.c)
refscript='[{"client": "198.51.100.9", "messages": [{"from":
 "alice@example.com", "rcpts": ["reject@example.net"]}]},
 {"client": "192.0.2.10", "messages": [{"from": "alice@example.com",
 "rcpts": ["bob@example.net"], "headers": [["Authentication-Results",
 "mx.example.net; spf=pass"]]}]}]'
if [ -f /usr/include/libmilter/mfapi.h ] &&
    cc -o "$tmp/milterref" tests/daemon/milterref.c -lmilter -lpthread \
    2>"$tmp/cc.err"; then
	rport=$(python3 -c 'import socket; s = socket.socket(); '\
's.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	"$tmp/milterref" "inet:$rport@127.0.0.1" 2>"$tmp/ref.err" &
	pids+=($!)
	for _ in $(seq 50); do
		python3 -c "import socket; socket.create_connection(("\
"'127.0.0.1', $rport)).close()" 2>/dev/null && break
		sleep 0.1
	done
	out=$(printf '%s' "$refscript" | timeout "$CLIENT_KILL" $MILTERC \
	    --raw "inet:127.0.0.1:$rport" 2>&1)
	ref=$(printf '%s\n' "$out" | sed 1d)
	out=$(printf '%s' "$refscript" | timeout "$CLIENT_KILL" $MILTERC \
	    --raw "$M" 2>&1)
	ours=$(printf '%s\n' "$out" | sed 1d)
	# the RCPT reply; the deletion, the A-R insertion and the final one
	pick() {
		python3 -c '
import json, sys
a = [json.loads(l) for l in sys.stdin]
print(a[0]["rcpt"][0])
e = a[1]["eom"]
print(e[0]); print(e[1]); print(e[-1])'
	}
	r1=$(printf '%s\n' "$ref" | pick 2>&1)
	r2=$(printf '%s\n' "$ours" | pick 2>&1)
	[ -n "$r1" ] && [ "$r1" = "$r2" ]
	ok $? "reply, CHGHEADER and INSHEADER packets equal libmilter's" \
	    "libmilter: $r1
rmxfd: $r2"
else
	skip "libmilter-dev not installed: no byte comparison"
fi

kill -TERM "$rpid"
wait "$rpid"
ok $? "SIGTERM: exit 0"

# --- milter_listen ------------------------------------------------------------
sock2=$tmp/m2.sock
cp "$DIR/rmxf.conf" "$tmp/m2.conf"
printf 'listen =\nmilter_listen = unix:%s\n' "$sock2" >>"$tmp/m2.conf"
"$RMXFD" -c "$tmp/m2.conf" --dns "127.0.0.1:$dnsport" --log stderr \
    2>"$tmp/m2.log" &
rpid=$!
pids+=("$rpid")
wait_for "$tmp/m2.log" ': started'
mc "unix:$sock2" '[{"client": "198.51.100.9", "messages": [{"from":
 "alice@example.com", "rcpts": ["bob@example.net"]}]}]'
case $(line 2) in '{"rcpt": ["y:550 5.7.23 '*) r=0 ;; *) r=1 ;; esac
ok $r "milter_listen = unix:PATH serves without --milter" \
    "$out $(cat "$tmp/m2.log")"
kill -TERM "$rpid"
wait "$rpid"
ok $? "SIGTERM: exit 0"
