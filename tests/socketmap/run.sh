#!/bin/bash
# NAME
#	run.sh - rmxfd's socketmap service over a real unix socket
# SYNOPSIS
#	bash tests/socketmap/run.sh
# DESCRIPTION
#	Starts build/rmxfd with socketmap_listen on a unix socket in a
#	scratch directory, a BATV key ring and an SRS secrets file (mode
#	0600), and talks Postfix's socketmap protocol to it with
#	tests/socketmap/smc.py: sign gives the prvs address an independent
#	HMAC-SHA1 computation (python3 hmac) expects for today, and only
#	for our domains and unsigned addresses; verify gives the plain
#	address back only for a valid tag (forged tags are NOTFOUND and
#	logged); srs_forward and srs_reverse round-trip, never for local
#	domains; an unknown map is PERM; pipelined requests are answered in
#	order; a malformed netstring or an oversized request closes only
#	its connection, with one log line; a key file that others may read
#	stops rmxfd at start with exit 78 and the file's name; SIGHUP takes
#	a new ses_domains and keeps serving; SIGTERM exits 0 with a
#	socketmap connection open; as root, with --user nobody and rings
#	owned by nobody, SIGHUP after the privilege drop reads a rotated
#	ring and signs with the new key.  No DNS is needed (forwarder 127.0.0.1
#	port 9, never asked).
#
#	TAP for prove.  Environment: O (build directory, default build),
#	RMXFD (the daemon).
# SEE ALSO
#	rmxfd(8), socketmap_table(5), tests/socketmap/smc.py
set -u

cd "$(dirname "$0")/../.." || exit 1
. tests/lib/scaffold.sh
scaffold_start socketmap
O=${O:-build}
RMXFD=${RMXFD:-$O/rmxfd}
SMC="timeout 20 python3 tests/socketmap/smc.py"

if [ ! -x "$RMXFD" ]; then
	echo "Bail out! $RMXFD not built (make all)"
	exit 1
fi
echo "1..31"

SECRET='s3cret-one'
printf '# the ring\n1 %s\n0 older-secret\n' "$SECRET" >"$tmp/batv.keys"
printf 'srs-secret-1\n' >"$tmp/srs.keys"
chmod 600 "$tmp/batv.keys" "$tmp/srs.keys"
SOCK=$tmp/sm.sock

# conf DOMAINS - write the configuration
conf() {
	cat >"$tmp/rmxf.conf" <<EOC
listen =
socketmap_listen = unix:$SOCK
log_to = stderr
dns_forwarders = 127.0.0.1@9
ses_keys = $tmp/batv.keys
ses_domains = $1
ses_lifetime = 7
srs_secrets = $tmp/srs.keys
srs_domain = fwd.example
srs_exclude_domains = local.example
EOC
}
conf "ours.example"

# q REQUEST... - ask, replies in $out
q() { out=$($SMC "$SOCK" "$@" 2>&1); }

# prvs ADDRESS - what an independent implementation signs today
prvs() {
	python3 - "$1" "$SECRET" <<'EOP'
import hmac, hashlib, sys, time
addr, secret = sys.argv[1], sys.argv[2]
ddd = '%03d' % ((int(time.time()) // 86400 + 7) % 1000)
tag = hmac.new(secret.encode(), ('1' + ddd + addr).encode(),
               hashlib.sha1).hexdigest()[:6]
print('prvs=1%s%s=%s' % (ddd, tag, addr))
EOP
}

"$RMXFD" -c "$tmp/rmxf.conf" 2>"$tmp/log" &
pids+=($!)
RPID=$!
wait_for "$tmp/log" "listening on unix:$SOCK (socketmap)"
ok $? "rmxfd listens on the socketmap socket" "$(cat "$tmp/log")"

want=$(prvs u@ours.example)
q "sign u@ours.example"
[ "$out" = "OK $want" ]
ok $? "sign: the prvs address of an independent HMAC-SHA1" \
    "got: $out; want: OK $want"
signed=${out#OK }
q "sign $signed" "sign u@else.example" "sign u" "sign @ours.example"
[ "$out" = "$(printf 'NOTFOUND \nNOTFOUND \nNOTFOUND \nNOTFOUND ')" ]
ok $? "sign: NOTFOUND for signed, foreign, bare and @domain keys" "$out"
q "sign U@OURS.EXAMPLE"
[ "$out" = "OK $want" ]
ok $? "sign: domains match without case, the address is signed lower-cased" \
    "$out"

q "verify $signed"
[ "$out" = "OK u@ours.example" ]
ok $? "verify: a valid tag gives the plain address" "$out"
upper=$(printf '%s' "$signed" | sed 's/^prvs=\(.\{10\}\)/PRVS=\U\1/')
q "verify $upper" "verify $(printf '%s' "$signed" | tr a-z A-Z)"
[ "$out" = "$(printf 'OK u@ours.example\nOK u@ours.example')" ]
ok $? "verify: PRVS=, an upper-case tag, an address whose case changed" \
    "$upper -> $out"
# a hex digit changed: well-formed, wrong
forged=$(python3 -c 'import sys; a = sys.argv[1]
print(a[:14] + "0123456789abcdef"[(int(a[14], 16) + 1) % 16] + a[15:])' \
    "$signed")
q "verify $forged" "verify u@ours.example" "verify ${signed%@*}@else.example"
[ "$out" = "$(printf 'NOTFOUND \nNOTFOUND \nNOTFOUND ')" ]
ok $? "verify: NOTFOUND for a forged tag, an unsigned and a foreign one" \
    "$out"
grep -q "socketmap peer=unix map=verify key=\"$forged\" result=NOTFOUND why=\"signature does not match\"" \
    "$tmp/log"
ok $? "verify: the forged tag is logged with why" "$(tail -3 "$tmp/log")"
! grep -q "$SECRET\|older-secret\|srs-secret" "$tmp/log"
ok $? "no secret in the log"

q "srs_forward bob@far.example"
case $out in "OK SRS0="[A-Za-z0-9+/][A-Za-z0-9+/][A-Za-z0-9+/][A-Za-z0-9+/]"="[A-Z2-7][A-Z2-7]"=far.example=bob@fwd.example") true ;;
*) false ;; esac
ok $? "srs_forward: SRS0=HHHH=TT=far.example=bob@fwd.example" "$out"
srs=${out#OK }
q "srs_reverse $srs"
[ "$out" = "OK bob@far.example" ]
ok $? "srs_reverse: back to the original" "$out"
# keys Postfix does not send, or addresses a tag in front would need
# quoted: left alone, never "prvs=...= user@..." or SRS0=...="a b"@...
q "sign  u@ours.example" 'sign a b@ours.example' 'sign "a"@ours.example' \
    "srs_forward  bob@far.example" 'srs_forward "a b"@far.example' \
    "srs_forward a@b@far.example"
[ "$out" = "$(printf 'NOTFOUND \nNOTFOUND \nNOTFOUND \nNOTFOUND \nNOTFOUND \nNOTFOUND ')" ]
ok $? "sign, srs_forward: NOTFOUND for a blank, a quote, a second @" "$out"
# SMTPUTF8 addresses (RFC 6531): UTF-8 octets are plain, as they come
q "srs_forward jörg@fär.example"
case $out in "OK SRS0="????"="??"=fär.example=jörg@fwd.example") true ;;
*) false ;; esac
ok $? "srs_forward: a UTF-8 local part and domain are rewritten" "$out"
q "srs_forward u@ours.example" "srs_forward u@local.example" \
    "srs_forward x@fwd.example" "srs_forward x@FWD.example"
[ "$out" = "$(printf 'NOTFOUND \nNOTFOUND \nNOTFOUND \nNOTFOUND ')" ]
ok $? "srs_forward: never our own domains" "$out"
bad=$(printf '%s' "$srs" | sed 's/^SRS0=..../SRS0=AAAA/')
q "srs_reverse $bad" "srs_reverse bob@fwd.example" "srs_reverse $signed"
[ "$out" = "$(printf 'NOTFOUND \nNOTFOUND \nNOTFOUND ')" ]
ok $? "srs_reverse: NOTFOUND for a bad hash, a plain and a prvs address" \
    "$out"
q "srs_forward $srs"
[ "$out" = "NOTFOUND " ]
ok $? "srs_forward of our own SRS0 address: NOTFOUND (a local domain)" \
    "$out"

q "nosuchmap a@b"
[ "$out" = "PERM unknown map name" ]
ok $? "an unknown map is PERM" "$out"

out=$($SMC --pipeline "$SOCK" "sign a@ours.example" "verify $signed" \
    "srs_reverse $srs" "nosuchmap x" "sign b@ours.example" 2>&1)
[ "$(printf '%s\n' "$out" | cut -c1-3 | tr '\n' ' ')" = "OK  OK  OK  PER EOF " ]
ok $? "pipelined requests answered in order; PERM closes after its reply" \
    "$out"
# a client that writes and never reads: cut off at 1 MiB of replies
python3 - "$SOCK" "$RPID" >"$tmp/flood" 2>&1 <<'EOP' &
import os, socket, sys, time
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
s.setblocking(False)
req = b'21:verify u@ours.example,' * 1000
sent, t0 = 0, time.time()
while time.time() - t0 < 4 and sent < 20 * 1024 * 1024:
    try:
        sent += s.send(req)
    except BlockingIOError:
        time.sleep(0.01)
    except (BrokenPipeError, ConnectionResetError):
        print('closed', end=' ')
        break
rss = [l for l in open('/proc/%s/status' % sys.argv[2])
       if l.startswith('VmRSS')][0].split()[1]
print('sent', sent, 'rss_kb', rss)
EOP
fpid=$!
pids+=($fpid)
wait "$fpid"
read -r closed _ sent _ rss <"$tmp/flood"
[ "$closed" = closed ] && [ "${rss:-999999}" -lt 40000 ] &&
    grep -q "replies unread: connection closed" "$tmp/log"
ok $? "a client that never reads: cut off, RSS stays small" \
    "$(cat "$tmp/flood")"
out=$(python3 - "$SOCK" <<'EOP'
import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
s.sendall(b'21:verify u@ours.example,' * 20000)
s.shutdown(socket.SHUT_WR)
data = b''
while True:
    c = s.recv(65536)
    if not c:
        break
    data += c
print(data.count(b'NOTFOUND'))
EOP
)
[ "$out" = 20000 ]
ok $? "a half-closed client gets every reply (20000)" "$out"

out=$($SMC --raw "$SOCK" 'x:junk,' 2>&1)
[ "$out" = EOF ]
ok $? "a malformed netstring closes the connection" "$out"
grep -q "socketmap peer=unix: netstring length is not a decimal number: connection closed" "$tmp/log"
ok $? "... with one log line" "$(tail -2 "$tmp/log")"
out=$($SMC --raw "$SOCK" '99999:' 2>&1)
[ "$out" = EOF ]
ok $? "an oversized request closes the connection" "$out"
out=$($SMC --raw "$SOCK" '8:sign a@b,5:sign ,' 2>&1)
[ "$out" = "$(printf 'NOTFOUND \nEOF')" ]
ok $? "a good request is answered before a bad one closes" "$out"
q "verify $signed"
[ "$out" = "OK u@ours.example" ]
ok $? "... and the service goes on for everyone else" "$out"

conf "ours.example new.example"
kill -HUP "$RPID"
sleep 0.5
q "sign v@new.example"
case $out in "OK prvs=1"*"=v@new.example") true ;; *) false ;; esac
ok $? "SIGHUP: a new signing domain, the rings still there" "$out"

# SIGTERM with a socketmap connection open (a client that waits)
python3 -c "
import socket, time
s = socket.socket(socket.AF_UNIX); s.connect('$SOCK')
open('$tmp/connected', 'w').write('yes\n'); time.sleep(5)" &
pids+=($!)
wait_for "$tmp/connected" yes
kill -TERM "$RPID"
rc=0
timeout 5 tail --pid="$RPID" -f /dev/null || rc=1
wait "$RPID"
[ "$rc" = 0 ] && [ $? = 0 ]
ok $? "SIGTERM exits 0 at once with a socketmap client connected" \
    "$(tail -3 "$tmp/log")"

chmod 644 "$tmp/batv.keys"
"$RMXFD" -c "$tmp/rmxf.conf" 2>"$tmp/log2"
rc=$?
[ "$rc" = 78 ] && grep -q "$tmp/batv.keys" "$tmp/log2"
ok $? "a key ring others may read: exit 78 naming the file" \
    "exit $rc: $(cat "$tmp/log2")"

# as root: rings owned by the user rmxfd runs as rotate with SIGHUP
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	chmod 644 "$tmp/batv.keys"
	chmod 600 "$tmp/batv.keys"
	chmod 755 "$tmp"
	chown nobody "$tmp/batv.keys" "$tmp/srs.keys"
	chmod 644 "$tmp/rmxf.conf"
	"$RMXFD" -c "$tmp/rmxf.conf" --user nobody 2>"$tmp/log3" &
	pids+=($!)
	RPID=$!
	wait_for "$tmp/log3" "started"
	q "sign w@ours.example"
	case $out in "OK prvs=1"*"=w@ours.example") true ;; *) false ;; esac
	ok $? "--user nobody: a ring owned by nobody is accepted" \
	    "$out $(cat "$tmp/log3")"
	printf '2 rotated-secret\n1 %s\n' "$SECRET" >"$tmp/batv.keys"
	kill -HUP "$RPID"
	wait_for "$tmp/log3" "reload"
	q "sign w@ours.example" "verify $signed"
	case $out in "OK prvs=2"*"=w@ours.example"*"OK u@ours.example") true ;;
	*) false ;; esac
	ok $? "SIGHUP as nobody: the new key signs, the old one verifies" \
	    "$out $(tail -3 "$tmp/log3")"
	! grep -q "not read again" "$tmp/log3"
	ok $? "... read again, no warning" "$(tail -3 "$tmp/log3")"
	kill -TERM "$RPID"
	wait "$RPID"
else
	for i in 1 2 3; do echo "ok $((n + i)) # SKIP not root"; done
fi
