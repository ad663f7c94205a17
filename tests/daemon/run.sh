#!/bin/bash
# NAME
#	run.sh - rmxfd over real sockets against a real DNS server
# SYNOPSIS
#	bash tests/daemon/run.sh
# DESCRIPTION
#	Starts build/tests/dnsd on a free loopback port with
#	tests/daemon/zone.txt, then build/rmxfd with tests/daemon/rmxf.conf
#	on a unix socket in a scratch directory and on inet 127.0.0.1 (and
#	[::1] when lo has it) port 0, forwarding DNS to dnsd, and talks the
#	Postfix policy protocol to it through tests/daemon/policyc.py:
#	pass gets the Received-SPF header, fail a 550 5.7.23; one
#	connection carries three requests (one header per message); 60
#	connections at once; malformed input, binary junk, an oversized
#	request and a stalled request each close only their connection with
#	one log line; DNS timeout and SERVFAIL give the defer action at the
#	deadline; SIGHUP with a good and with a bad configuration (an open
#	connection survives both), with the file gone and unreadable (the
#	old one stays, the log says why); --stdio (action on stdout, nothing
#	on stderr, descriptor 2 is /dev/null while it serves); SIGTERM lets
#	the request in flight answer, starts no request pipelined behind it,
#	and exits 0; the unix socket is 0666 and a directory open to others
#	gets a warning; a second rmxfd on the unix socket or inet port of a
#	running one exits 69 and the first still answers, a stale socket
#	(its rmxfd killed) is replaced, a regular file at the path is not,
#	and at SIGTERM rmxfd removes its socket only while the path is
#	still that socket;
#	the same requests (bounces to signed, forged and unsigned addresses
#	among them) through rmxfd --stdio and rmxf replay with one
#	configuration get the same actions;
#	as root, --user nobody with chroot = drops to nobody in the jail
#	after binding; a bad option
#	or configuration at start gives exit 64 or 78 (with --stdio,
#	silently).
#
#	Output is TAP for prove.  Every process started is stopped by PID on
#	exit; dnsd also stops by itself after DNSD_MAX seconds; every client
#	is killed after CLIENT_KILL seconds.  Environment: O (build
#	directory, default build).
# SEE ALSO
#	rmxfd(8), tests/daemon/policyc.py, tests/dns/run.sh
set -u

cd "$(dirname "$0")/../.." || exit 1
. tests/lib/scaffold.sh
scaffold_start daemon
O=${O:-build}
RMXFD=$O/rmxfd
DNSD=$O/tests/dnsd
POLICYC="python3 tests/daemon/policyc.py"
DIR=tests/daemon
DNSD_MAX=180		# dnsd's own --max-seconds
CLIENT_KILL=30		# seconds before a hung client is killed
STALL_MS=1000		# stall_timeout of the configuration
DEADLINE_MS=2000	# request_timeout of tests/daemon/rmxf.conf



# pc SOCKET ARGS... - run the client, output in $out
pc() {
	out=$(timeout "$CLIENT_KILL" $POLICYC "$@" 2>&1)
}

# req FILE CLIENT SENDER INSTANCE - write a policy request
req() {
	printf '%s\n' request=smtpd_access_policy protocol_state=RCPT \
	    protocol_name=ESMTP "client_address=$2" \
	    client_name=mail.example.com helo_name=mail.example.com \
	    "sender=$3" recipient=bob@example.net recipient_count=0 \
	    queue_id= "instance=$4" size=0 x_unknown_attribute=ignored '' \
	    >"$1"
}


# logcount PATTERN - lines of rmxfd's log matching PATTERN
logcount() {
	grep -c -- "$1" "$tmp/rmxfd.log"
}

if [ ! -x "$RMXFD" ] || [ ! -x "$DNSD" ] || ! command -v python3 \
    >/dev/null; then
	echo "1..0 # SKIP $RMXFD, $DNSD or python3 missing (make all tests)"
	exit 0
fi
echo "1..51"

# --- DNS server and daemon ---------------------------------------------
"$DNSD" --zone "$DIR/zone.txt" --listen 127.0.0.1:0 \
    --port-file "$tmp/dnsport" --max-seconds "$DNSD_MAX" \
    --log "$tmp/dnsd.log" \
    2>"$tmp/dnsd.err" &
pids+=($!)
wait_for "$tmp/dnsport" .
dnsport=$(cat "$tmp/dnsport" 2>/dev/null)
[ -n "$dnsport" ]
ok $? "dnsd starts on a free port (${dnsport:-none})" "$(cat "$tmp/dnsd.err")"

cp "$DIR/rmxf.conf" "$tmp/rmxf.conf"
echo "stall_timeout = ${STALL_MS}ms" >>"$tmp/rmxf.conf"
v6=
if ip -6 addr show dev lo 2>/dev/null | grep -q 'inet6 ::1/'; then
	v6="--listen inet:[::1]:0"
fi
sock=$tmp/rmxf.sock
# shellcheck disable=SC2086
"$RMXFD" -c "$tmp/rmxf.conf" --listen "unix:$sock" \
    --listen inet:127.0.0.1:0 $v6 --dns "127.0.0.1:$dnsport" --log stderr \
    2>"$tmp/rmxfd.log" &
rmxfd_pid=$!
pids+=("$rmxfd_pid")
wait_for "$tmp/rmxfd.log" ': started'
port=$(sed -n 's/.*listening on inet:127\.0\.0\.1:\([0-9]*\)$/\1/p' \
    "$tmp/rmxfd.log")
[ -S "$sock" ] && [ -n "$port" ]
ok $? "rmxfd listens on unix:$sock and inet:127.0.0.1:${port:-none}" \
    "$(cat "$tmp/rmxfd.log")"

# the socket is 0666, as Postfix's in private/: a directory open to
# others gets a warning, the private scratch directory none
mkdir -m 755 "$tmp/open"
"$RMXFD" -c /dev/null --listen "unix:$tmp/open/s.sock" \
    --dns "127.0.0.1:$dnsport" --log stderr 2>"$tmp/open.log" &
open_pid=$!
pids+=("$open_pid")
wait_for "$tmp/open.log" ': started'
kill -TERM "$open_pid"
wait "$open_pid"
grep -q "unix:$tmp/open/s.sock: every local user may connect" \
    "$tmp/open.log" && ! grep -q 'every local user' "$tmp/rmxfd.log" &&
    [ "$(stat -c %a "$sock")" = 666 ]
ok $? "unix socket 0666; a warning when its directory is open to others" \
    "$(cat "$tmp/open.log")"

# --- whose socket ---------------------------------------------------------
# a second rmxfd on a path or port a living one serves refuses to start
# (69, EX_UNAVAILABLE), and the first goes on serving Postfix
req "$tmp/first" 192.0.2.9 alice@example.com 0.1
err=$(timeout "$CLIENT_KILL" "$RMXFD" -c /dev/null --log stderr \
    --listen "unix:$sock" --dns "127.0.0.1:$dnsport" 2>&1 >/dev/null)
rc=$?
pc "unix:$sock" send "$tmp/first"
[ "$rc" = 69 ] && case $err in *"fatal: listen unix:$sock: another process \
accepts connections there (is rmxfd running?): not started"*) true ;;
*) false ;; esac && case $out in 'action=PREPEND Received-SPF: pass '*) true ;;
*) false ;; esac
ok $? "a second rmxfd on a served unix socket: exit 69; the first answers" \
    "exit $rc: $err / $out"

err=$(timeout "$CLIENT_KILL" "$RMXFD" -c /dev/null --log stderr \
    --listen "inet:127.0.0.1:$port" --dns "127.0.0.1:$dnsport" 2>&1 \
    >/dev/null)
rc=$?
[ "$rc" = 69 ] && case $err in *"listen inet:127.0.0.1:$port: bind: "\
"Address already in use (is rmxfd running?): not started"*) true ;;
*) false ;; esac
ok $? "a second rmxfd on a served inet port: exit 69" "exit $rc: $err"

# a socket left by a killed rmxfd is stale: the next one replaces it;
# a regular file is never removed
mkdir -m 700 "$tmp/own"
"$RMXFD" -c /dev/null --listen "unix:$tmp/own/s.sock" \
    --dns "127.0.0.1:$dnsport" --log stderr 2>"$tmp/own1.log" &
own1=$!
pids+=("$own1")
wait_for "$tmp/own1.log" ': started'
kill -KILL "$own1"
wait "$own1" 2>/dev/null
"$RMXFD" -c /dev/null --listen "unix:$tmp/own/s.sock" \
    --dns "127.0.0.1:$dnsport" --log stderr 2>"$tmp/own2.log" &
own2=$!
pids+=("$own2")
wait_for "$tmp/own2.log" ': started'
pc "unix:$tmp/own/s.sock" send "$tmp/first"
grep -q "unix:$tmp/own/s.sock: removed a stale socket" "$tmp/own2.log" &&
    case $out in 'action=PREPEND Received-SPF: pass '*) true ;;
    *) false ;; esac
ok $? "a stale socket (its rmxfd killed) is replaced, the new one answers" \
    "$out / $(cat "$tmp/own2.log")"

echo data >"$tmp/own/file"
err=$(timeout "$CLIENT_KILL" "$RMXFD" -c /dev/null --log stderr \
    --listen "unix:$tmp/own/file" --dns "127.0.0.1:$dnsport" 2>&1)
rc=$?
[ "$rc" = 78 ] && [ "$(cat "$tmp/own/file")" = data ] &&
    case $err in *"exists and is not a socket"*) true ;; *) false ;; esac
ok $? "a regular file at the path: exit 78, the file stays" "exit $rc: $err"

# at exit rmxfd removes only the socket it made: someone removed it and
# started another rmxfd there; the old one's SIGTERM leaves the new one's
rm "$tmp/own/s.sock"
"$RMXFD" -c /dev/null --listen "unix:$tmp/own/s.sock" \
    --dns "127.0.0.1:$dnsport" --log stderr 2>"$tmp/own3.log" &
own3=$!
pids+=("$own3")
wait_for "$tmp/own3.log" ': started'
kill -TERM "$own2"
wait "$own2"
rc=$?
pc "unix:$tmp/own/s.sock" send "$tmp/first"
[ "$rc" = 0 ] && [ -S "$tmp/own/s.sock" ] &&
    case $out in 'action=PREPEND Received-SPF: pass '*) true ;;
    *) false ;; esac
ok $? "SIGTERM removes only its own socket: the newer rmxfd still answers" \
    "exit $rc: $out / $(tail -3 "$tmp/own2.log")"
kill -TERM "$own3"
wait "$own3"

if [ "$(id -u)" = 0 ]; then
	[ "$(grep -c 'warning: running as root' "$tmp/rmxfd.log")" = 1 ]
	ok $? "as root without a user: one warning, and it runs" \
	    "$(cat "$tmp/rmxfd.log")"
else
	! grep -q 'running as root' "$tmp/rmxfd.log"
	ok $? "not root: no warning about root" "$(cat "$tmp/rmxfd.log")"
fi

req "$tmp/pass" 192.0.2.9 alice@example.com 1.1
req "$tmp/pass6" 2001:db8::25 alice@example.com 6.1
req "$tmp/fail" 198.51.100.9 alice@example.com 1.2
req "$tmp/soft" 198.51.100.9 bob@soft.example.com 1.3
req "$tmp/slow" 192.0.2.9 carol@slow.example.com 1.4
req "$tmp/slow2" 192.0.2.9 erin@slow2.example.com 1.6
req "$tmp/servfail" 192.0.2.9 dave@bad.example.com 1.5

# --- decisions -----------------------------------------------------------
pc "unix:$sock" send "$tmp/pass"
case $out in
'action=PREPEND Received-SPF: pass ('*'client-ip=192.0.2.9;'*) r=0 ;;
*) r=1 ;;
esac
ok $r "unix: pass gets PREPEND Received-SPF: pass" "$out"

grep -q 'client=192.0.2.9 .*spf_mailfrom=pass .*action=accept .*'\
'time_ms=[0-9.]*$' "$tmp/rmxfd.log"
ok $? "the decision is logged in one line with time_ms=" \
    "$(tail -3 "$tmp/rmxfd.log")"

pc "unix:$sock" send "$tmp/fail"
[ "${out%% *}" = "action=550" ] && case $out in *' 5.7.23 '*) true ;;
*) false ;; esac
ok $? "unix: fail gets 550 5.7.23" "$out"

pc "inet:127.0.0.1:$port" send "$tmp/soft"
case $out in
'action=PREPEND Received-SPF: softfail '*) r=0 ;;
*) r=1 ;;
esac
ok $r "inet IPv4: softfail is marked" "$out"

if [ -n "$v6" ]; then
	port6=$(sed -n 's/.*listening on inet:\[::1\]:\([0-9]*\)$/\1/p' \
	    "$tmp/rmxfd.log")
	pc "inet:[::1]:$port6" send "$tmp/pass6"
	case $out in
	'action=PREPEND Received-SPF: pass '*'client-ip="2001:db8::25";'*)
		r=0 ;;
	*) r=1 ;;
	esac
	ok $r "inet IPv6: an IPv6 client passes" "$out"
else
	n=$((n + 1))
	echo "ok $n # SKIP no ::1 on lo"
fi

req "$tmp/pass3" 192.0.2.9 alice@example.com 1.9
pc "unix:$sock" send "$tmp/pass3" 3
[ "$(printf '%s\n' "$out" | wc -l)" = 3 ] &&
    [ "$(printf '%s\n' "$out" | sed -n 1p | cut -c1-29)" = \
    "action=PREPEND Received-SPF: " ] &&
    [ "$(printf '%s\n' "$out" | sed -n '2,3p' | sort -u)" = "action=DUNNO" ]
ok $? "one connection, three requests of one message: one header" "$out"

# two messages of one client, HELO and sender, pipelined: the second is
# decided from the first's evaluation (result_reuse_time), with its own
# header
req "$tmp/recent1" 192.0.2.9 frank@example.com 8.1
req "$tmp/recent2" 192.0.2.9 frank@example.com 8.2
cat "$tmp/recent1" "$tmp/recent2" >"$tmp/recent"
pc "unix:$sock" raw "$tmp/recent" 1
frank='sender=<frank@example.com> .*spf_mailfrom=pass .*action=accept'
frank="$frank header=received-spf"
[ "$(printf '%s\n' "$out" | grep -c '^action=PREPEND Received-SPF: pass ')" \
    = 2 ] &&
    [ "$(logcount "$frank dns=1 ")" = 1 ] &&
    [ "$(logcount "$frank cached=recent dns=0 ")" = 1 ]
ok $? "the next message of one client and sender: cached=recent, a header" \
    "$out $(grep frank "$tmp/rmxfd.log")"

# smtpd reconnects in the middle of a message (after a policy timeout
# or an I/O error): the new connection knows nothing of the message, so
# its first recipient gets the header again (rmxfd(8) BUGS: a rare
# duplicate), its next ones do not; the same instance with another
# sender is another message
req "$tmp/again1" 192.0.2.9 grace@example.com 9.1
req "$tmp/again2" 192.0.2.9 heidi@example.com 9.1
pc "unix:$sock" send "$tmp/again1"
first=$out
pc "unix:$sock" send "$tmp/again1" 2
again=$out
pc "unix:$sock" send "$tmp/again2"
case $first in 'action=PREPEND Received-SPF: pass '*) r=0 ;; *) r=1 ;; esac
case $(printf '%s\n' "$again" | sed -n 1p) in
'action=PREPEND Received-SPF: pass '*) ;; *) r=1 ;; esac
[ "$(printf '%s\n' "$again" | sed -n 2p)" = "action=DUNNO" ] || r=1
case $out in 'action=PREPEND Received-SPF: pass '*) ;; *) r=1 ;; esac
[ "$(logcount 'sender=<grace@example.com> .*header=received-spf')" \
    = 2 ] || r=1
[ "$(logcount 'sender=<grace@example.com> .*action=accept cached=yes dns=0 ')" \
    = 1 ] || r=1
[ "$(logcount 'sender=<heidi@example.com> .*header=received-spf dns=1 ')" \
    = 1 ] || r=1
ok $r "a message goes on over a new connection: its header there once more" \
    "$first / $again / $out / $(grep -e grace -e heidi "$tmp/rmxfd.log")"

# smtpd left before it read a reply (a policy timeout; it then sends the
# request again over a new connection): the new connection's reply has
# the header that smtpd never got
req "$tmp/again3" 192.0.2.9 ivan@example.com 9.2
pc "unix:$sock" drop "$tmp/again3"
wait_for "$tmp/rmxfd.log" 'sender=<ivan@example.com> .*dns=1 '
r=$?
sleep 0.3
pc "unix:$sock" send "$tmp/again3"
case $out in 'action=PREPEND Received-SPF: pass '*) ;; *) r=1 ;; esac
ok $r "the first reply lost: the next connection's reply has the header" \
    "$out / $(grep ivan "$tmp/rmxfd.log")"

pc "unix:$sock" many 60 "$tmp/fail" 2
[ "$(printf '%s\n' "$out" | sed -n 1p)" = "replies=120 same=120" ]
ok $? "60 connections at once, two requests each: 120 replies" "$out"

# --- bad input ----------------------------------------------------------
$POLICYC "unix:$sock" hold 4 >"$tmp/hold1" 2>&1 &
hold_pid=$!
pids+=("$hold_pid")
sleep 0.3

before=$(logcount 'connection from .*: closed$')
printf 'request=smtpd_access_policy\nthis line has no equals sign\n\n' \
    >"$tmp/noeq"
pc "unix:$sock" raw "$tmp/noeq" 3
case $out in "closed after "*) r=0 ;; *) r=1 ;; esac
ok $r "a line without '=' closes the connection without a reply" "$out"

head -c 3000 /dev/urandom | tr -d '\n' >"$tmp/junk"
printf '\n\n' >>"$tmp/junk"
pc "unix:$sock" raw "$tmp/junk" 3
case $out in "closed after "*) r=0 ;; *) r=1 ;; esac
ok $r "binary junk closes the connection without a reply" "$out"

{
	printf 'request=smtpd_access_policy\nsender='
	head -c 20000 /dev/zero | tr '\0' a
	printf '\n\n'
} >"$tmp/big"
pc "unix:$sock" raw "$tmp/big" 3
case $out in "closed after "*) r=0 ;; *) r=1 ;; esac
ok $r "a request over the size limits closes the connection" "$out"

head -c 100 "$tmp/pass" >"$tmp/partial"
pc "unix:$sock" raw "$tmp/partial" 5
ms=$(printf '%s\n' "$out" | sed -n 's/^closed after \([0-9]*\) ms$/\1/p')
[ -n "$ms" ] && [ "$ms" -ge $((STALL_MS - 100)) ] &&
    [ "$ms" -lt $((STALL_MS + 2000)) ]
ok $? "a stalled request is closed after the stall timeout (${ms:-?} ms)" \
    "$out"

after=$(logcount 'connection from .*: closed$')
[ $((after - before)) = 4 ]
ok $? "each bad connection is logged in one line ($((after - before)))" \
    "$(grep 'closed$' "$tmp/rmxfd.log")"

wait "$hold_pid"
[ "$(cat "$tmp/hold1")" = open ]
ok $? "an idle connection open meanwhile was not disturbed" \
    "$(cat "$tmp/hold1")"

pc "unix:$sock" send "$tmp/fail"
[ "${out%% *}" = "action=550" ]
ok $? "the daemon still serves after bad input" "$out"

# --- DNS trouble ----------------------------------------------------------
start=$(date +%s%N)
pc "unix:$sock" send "$tmp/slow"
ms=$((($(date +%s%N) - start) / 1000000))
case $out in 'action=450 4.7.24 '*) r=0 ;; *) r=1 ;; esac
[ "$r" = 0 ] && [ "$ms" -ge $((DEADLINE_MS - 200)) ] &&
    [ "$ms" -lt $((DEADLINE_MS + 3000)) ]
ok $? "a DNS timeout gives 450 4.7.24 at the deadline (${ms} ms)" "$out"

pc "unix:$sock" send "$tmp/servfail"
case $out in 'action=450 4.7.24 '*) r=0 ;; *) r=1 ;; esac
ok $r "SERVFAIL gives 450 4.7.24" "$out"

# --- SIGHUP ---------------------------------------------------------------
$POLICYC "unix:$sock" hold 3 >"$tmp/hold2" 2>&1 &
hold_pid=$!
pids+=("$hold_pid")
sleep 0.3
# fail just evaluated, and among the recent evaluations: the reload's new
# configuration starts with none
pc "unix:$sock" send "$tmp/fail"
printf '\naction_mailfrom_fail = defer\n' >>"$tmp/rmxf.conf"
kill -HUP "$rmxfd_pid"
wait_for "$tmp/rmxfd.log" ': reloaded '
pc "unix:$sock" send "$tmp/fail"
case $out in 'action=450 4.7.24 '*) r=0 ;; *) r=1 ;; esac
ok $r "SIGHUP with a good configuration: fail is now deferred" \
    "$out$(tail -2 "$tmp/rmxfd.log")"

grep -q 'result_reuse before reload: hits=[1-9][0-9]* misses=[1-9]' \
    "$tmp/rmxfd.log" &&
    [ "$(logcount 'sender=<alice@example.com> .*action=defer .*cached=recent')" = 0 ]
ok $? "the reuse counters logged before the reload; none reused after" \
    "$(grep -e result_reuse -e 'action=defer' "$tmp/rmxfd.log")"

cp "$tmp/rmxf.conf" "$tmp/good.conf"
printf 'no_such_parameter = 1\n' >>"$tmp/rmxf.conf"
kill -HUP "$rmxfd_pid"
wait_for "$tmp/rmxfd.log" 'reload failed'
r=$?
pc "unix:$sock" send "$tmp/fail"
case $out in 'action=450 4.7.24 '*) ;; *) r=1 ;; esac
ok $r "SIGHUP with a bad configuration: logged, the old one stays" \
    "$out$(tail -3 "$tmp/rmxfd.log")"

grep -q "rmxf.conf:[0-9]*: .*no_such_parameter" "$tmp/rmxfd.log"
ok $? "the bad configuration's error names file and line" \
    "$(tail -3 "$tmp/rmxfd.log")"

wait "$hold_pid"
[ "$(cat "$tmp/hold2")" = open ]
ok $? "a connection open across both reloads was not dropped" \
    "$(cat "$tmp/hold2")"

# the file that was loaded vanishes, or becomes unreadable (a directory:
# root reads a mode 000 file): logged with the reason, the old one stays
mv "$tmp/rmxf.conf" "$tmp/bad.conf"
kill -HUP "$rmxfd_pid"
wait_for "$tmp/rmxfd.log" 'rmxf\.conf: cannot read: No such file'
r=$?
pc "unix:$sock" send "$tmp/fail"
case $out in 'action=450 4.7.24 '*) ;; *) r=1 ;; esac
ok $r "SIGHUP with the file gone: logged why, the old configuration stays" \
    "$out$(tail -3 "$tmp/rmxfd.log")"

mkdir "$tmp/rmxf.conf"
kill -HUP "$rmxfd_pid"
wait_for "$tmp/rmxfd.log" 'rmxf\.conf: cannot read: Is a directory'
r=$?
pc "unix:$sock" send "$tmp/fail"
case $out in 'action=450 4.7.24 '*) ;; *) r=1 ;; esac
ok $r "SIGHUP with the file unreadable: logged why, the old one stays" \
    "$out$(tail -3 "$tmp/rmxfd.log")"
rmdir "$tmp/rmxf.conf"
mv "$tmp/bad.conf" "$tmp/rmxf.conf"	# for the start-up error test

# --- SIGTERM --------------------------------------------------------------
# the request is in flight once dnsd has seen its question; a second
# connection has the same slow request in flight and a pipelined one
# behind it, which must not be started after SIGTERM
$POLICYC "unix:$sock" send "$tmp/slow2" >"$tmp/inflight" 2>&1 &
client_pid=$!
pids+=("$client_pid")
req "$tmp/slow3" 192.0.2.9 erin@slow2.example.com 1.7
cat "$tmp/slow3" "$tmp/pass" >"$tmp/piped"
$POLICYC "unix:$sock" raw "$tmp/piped" 8 >"$tmp/piped.out" 2>&1 &
piped_pid=$!
pids+=("$piped_pid")
wait_for "$tmp/dnsd.log" '^slow2\.example\.com TXT'
sleep 0.3
kill -TERM "$rmxfd_pid"
wait "$client_pid"
case $(cat "$tmp/inflight") in 'action=450 4.7.24 '*) r=0 ;; *) r=1 ;; esac
ok $r "SIGTERM: the request in flight still gets its answer" \
    "$(cat "$tmp/inflight")"

wait "$piped_pid"
[ "$(grep -c '^action=' "$tmp/piped.out")" = 1 ] &&
    grep -q '^action=450 4\.7\.24 ' "$tmp/piped.out" &&
    grep -q '^closed after' "$tmp/piped.out"
ok $? "SIGTERM: a pipelined request behind it is not started; closed" \
    "$(cat "$tmp/piped.out")"

for ((i = 0; i < SCAFFOLD_WAIT; i++)); do
	kill -0 "$rmxfd_pid" 2>/dev/null || break
	sleep 0.1
done
wait "$rmxfd_pid"
rc=$?
[ "$rc" = 0 ] && [ ! -e "$sock" ]
ok $? "SIGTERM: exit status 0 ($rc), the socket is removed" \
    "$(tail -3 "$tmp/rmxfd.log")"

# --- privileges -------------------------------------------------------------
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	mkdir "$tmp/jail"
	chmod 755 "$tmp" "$tmp/jail"
	cp "$tmp/good.conf" "$tmp/jail.conf"
	printf 'chroot = %s\n' "$tmp/jail" >>"$tmp/jail.conf"
	"$RMXFD" -c "$tmp/jail.conf" --listen inet:127.0.0.1:0 --user nobody \
	    --dns "127.0.0.1:$dnsport" --log stderr 2>"$tmp/priv.log" &
	priv_pid=$!
	pids+=("$priv_pid")
	wait_for "$tmp/priv.log" ': started'
	uid=$(awk '$1 == "Uid:" { print $2 "/" $3 "/" $4 "/" $5 }' \
	    "/proc/$priv_pid/status" 2>/dev/null)
	want=$(id -u nobody)
	pport=$(sed -n 's/.*listening on inet:127\.0\.0\.1:\([0-9]*\)$/\1/p' \
	    "$tmp/priv.log")
	pc "inet:127.0.0.1:$pport" send "$tmp/fail"
	root=$(readlink "/proc/$priv_pid/root")
	[ "$uid" = "$want/$want/$want/$want" ] &&
	    [ "${out%% *}" = "action=450" ] && [ "$root" = "$tmp/jail" ] &&
	    ! grep -q 'running as root' "$tmp/priv.log"
	ok $? "--user nobody, chroot: serves as uid $want ($uid) in $root" \
	    "$out$(cat "$tmp/priv.log")"
	kill -TERM "$priv_pid"
	wait "$priv_pid"
else
	n=$((n + 1))
	echo "ok $n # SKIP not root, or no user nobody"
fi

# --- --stdio ----------------------------------------------------------------
# while it serves, descriptor 2 is /dev/null: nothing can reach Postfix's
# stderr, whatever writes to it
mkfifo "$tmp/stdin.fifo"
timeout "$CLIENT_KILL" "$RMXFD" --stdio -c "$tmp/good.conf" \
    --dns "127.0.0.1:$dnsport" <"$tmp/stdin.fifo" >"$tmp/stdio.out" \
    2>"$tmp/stdio.err" &
stdio_pid=$!
pids+=("$stdio_pid")
exec 7>"$tmp/stdin.fifo"
cat "$tmp/pass" >&7
for ((i = 0; i < SCAFFOLD_WAIT; i++)); do
	grep -q '^action=' "$tmp/stdio.out" && break
	sleep 0.1
done
fd2=$(readlink "/proc/$(pgrep -P "$stdio_pid" -x rmxfd || echo "$stdio_pid")/fd/2")
exec 7>&-
wait "$stdio_pid"
[ "$fd2" = /dev/null ] && [ ! -s "$tmp/stdio.err" ]
ok $? "--stdio: stderr is /dev/null while serving ($fd2)" \
    "$(cat "$tmp/stdio.err")"

cat "$tmp/pass" "$tmp/fail" | timeout "$CLIENT_KILL" "$RMXFD" --stdio \
    -c "$tmp/good.conf" --dns "127.0.0.1:$dnsport" >"$tmp/stdio.out" \
    2>"$tmp/stdio.err"
rc=$?
[ "$rc" = 0 ] && [ "$(grep -c '^action=' "$tmp/stdio.out")" = 2 ] &&
    grep -q '^action=PREPEND Received-SPF: pass ' "$tmp/stdio.out" &&
    grep -q '^action=450 4.7.24 ' "$tmp/stdio.out"
ok $? "--stdio: two requests on stdin, two actions on stdout, exit $rc" \
    "$(cat "$tmp/stdio.out")"

[ ! -s "$tmp/stdio.err" ]
ok $? "--stdio: nothing on stderr, not even with log_to = stderr" \
    "$(cat "$tmp/stdio.err")"

printf 'request=smtpd_access_policy\nno equals\n\n' | timeout \
    "$CLIENT_KILL" "$RMXFD" --stdio -c "$tmp/good.conf" \
    --dns "127.0.0.1:$dnsport" >"$tmp/stdio.out" 2>"$tmp/stdio.err"
rc=$?
[ "$rc" = 0 ] && [ ! -s "$tmp/stdio.out" ] && [ ! -s "$tmp/stdio.err" ]
ok $? "--stdio: bad input ends the process quietly (exit $rc)" \
    "$(cat "$tmp/stdio.out" "$tmp/stdio.err")"

# --- rmxf replay answers what rmxfd answers ----------------------------------
# one configuration with the bounce check (SES and SRS keys), the same
# requests through rmxfd --stdio and through rmxf replay: the same actions
(umask 077 && printf '0 daemon-ses-secret\n' >"$tmp/ses.keys" &&
    printf 'daemon-srs-secret\n' >"$tmp/srs.secrets")
cat "$tmp/good.conf" - >"$tmp/bounce.conf" <<EOF
authserv_id = mx.test.example
ses_keys = $tmp/ses.keys
ses_domains = example.net
srs_secrets = $tmp/srs.secrets
srs_domain = example.net
EOF
prvs=$("$O/rmxf" ses sign --keys "$tmp/ses.keys" bob@example.net)
srs0=$("$O/rmxf" srs forward --secrets "$tmp/srs.secrets" \
    --domain example.net alice@example.com)
# prvs=KDDDSSSSSS=...: the last hex digit of the tag changed
case ${prvs:14:1} in 0) d=1 ;; *) d=0 ;; esac
forged=${prvs:0:14}$d${prvs:15}
: >"$tmp/bounce.in"
i=0
for r in "192.0.2.9||bob@example.net" "192.0.2.9||$prvs" \
    "192.0.2.9||$forged" "192.0.2.9||$srs0" \
    "192.0.2.9||bob@example.org" \
    "192.0.2.9|alice@example.com|bob@example.net" \
    "198.51.100.9|alice@example.com|bob@example.net" \
    "198.51.100.9|bob@soft.example.com|bob@example.net"; do
	IFS='|' read -r ip from to <<<"$r"
	i=$((i + 1))
	printf '%s\n' request=smtpd_access_policy protocol_state=RCPT \
	    "client_address=$ip" helo_name=mail.example.com "sender=$from" \
	    "recipient=$to" queue_id=Q "instance=r.$i" '' >>"$tmp/bounce.in"
done
timeout "$CLIENT_KILL" "$RMXFD" --stdio -c "$tmp/bounce.conf" \
    --dns "127.0.0.1:$dnsport" <"$tmp/bounce.in" 2>/dev/null |
    grep '^action=' >"$tmp/bounce.daemon"
timeout "$CLIENT_KILL" "$O/rmxf" replay -c "$tmp/bounce.conf" \
    --dns "127.0.0.1:$dnsport" "$tmp/bounce.in" >"$tmp/bounce.replay" \
    2>"$tmp/bounce.err"
rc=$?
[ "$rc" = 0 ] && [ "$(wc -l <"$tmp/bounce.daemon")" = 8 ] &&
    cmp -s "$tmp/bounce.daemon" "$tmp/bounce.replay" &&
    [ "$(grep -c '^action=550 5\.7\.1 ' "$tmp/bounce.replay")" = 2 ] &&
    grep -q 'signed (signature does not match)$' "$tmp/bounce.replay"
ok $? "rmxf replay gives rmxfd's 8 actions, the bounce check's 550 5.7.1 too" \
    "exit $rc: $(cat "$tmp/bounce.err"; diff "$tmp/bounce.daemon" \
    "$tmp/bounce.replay"; cat "$tmp/bounce.daemon")"

# --- out of descriptors -------------------------------------------------------
# accept(2) failing with EMFILE must not spin or flood the log: one warning,
# then the listener pauses, and it serves again once descriptors are free
(ulimit -n 40 && exec "$RMXFD" -c /dev/null --log stderr \
    --listen "unix:$tmp/emfile.sock" 2>"$tmp/emfile.log") &
emf_pid=$!
pids+=("$emf_pid")
wait_for "$tmp/emfile.log" 'listening on unix:'
timeout "$CLIENT_KILL" python3 - "$tmp/emfile.sock" >"$tmp/emfile.out" \
    2>&1 <<'PY'
import socket, sys, time
path = sys.argv[1]
held = []
for i in range(60):
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    held.append(s)
time.sleep(2)
for s in held[:40]:
    s.close()
time.sleep(1.5)
s = socket.socket(socket.AF_UNIX)
s.settimeout(5)
s.connect(path)
s.sendall(b"request=smtpd_access_policy\nclient_address=127.0.0.1\n"
          b"sender=a@example.com\nrecipient=b@example.net\n\n")
print(s.recv(200).decode())
PY
warns=$(grep -c 'accept on' "$tmp/emfile.log")
[ "$warns" -ge 1 ] && [ "$warns" -le 3 ] &&
    grep -q 'action=DUNNO' "$tmp/emfile.out"
ok $? "out of descriptors: $warns warning(s), not a flood; serves again" \
    "$(tail -3 "$tmp/emfile.log"; cat "$tmp/emfile.out")"
kill "$emf_pid" 2>/dev/null
wait "$emf_pid" 2>/dev/null

# --- memory after a burst ---------------------------------------------------
# BURST requests in flight at once on connections that stay open: what
# the evaluations borrowed goes back to the system within about a second
# (before, RSS stayed at its peak for the life of the process)
BURST=400
if grep -q __asan_init "$RMXFD"; then
	skip "a burst of $BURST: memory is the sanitizer's allocator's here"
else
"$RMXFD" -c /dev/null --listen "unix:$tmp/burst.sock" \
    --dns "127.0.0.1:$dnsport" --log stderr 2>"$tmp/burst.log" &
burst_pid=$!
pids+=("$burst_pid")
wait_for "$tmp/burst.log" ': started'
sleep 0.3
rss0=$(awk '/^VmRSS:/ {print $2}' "/proc/$burst_pid/status")
req "$tmp/burstreq" 192.0.2.9 alice@example.com 9.1
pc "unix:$tmp/burst.sock" burst "$BURST" "$tmp/burstreq" 2.5 "$burst_pid"
rss=$(printf '%s\n' "$out" | sed -n 's/.*rss_kb=\([0-9]*\).*/\1/p')
hwm=$(printf '%s\n' "$out" | sed -n 's/.*hwm_kb=\([0-9]*\).*/\1/p')
case $out in "replies=$BURST "*) true ;; *) false ;; esac &&
    [ -n "$rss" ] && [ -n "$hwm" ] && [ -n "$rss0" ] &&
    [ $(((hwm - rss) * 4)) -ge $((hwm - rss0)) ]
ok $? "a burst of $BURST: a quarter of its memory back while they stay open" \
    "before ${rss0:-?} kB; $out"
kill "$burst_pid" 2>/dev/null
wait "$burst_pid" 2>/dev/null
fi

# --- start-up errors --------------------------------------------------------
err=$(timeout "$CLIENT_KILL" "$RMXFD" --no-such-option 2>&1 >/dev/null)
rc=$?
[ "$rc" = 64 ] && case $err in *"unknown option: --no-such-option"*) true ;;
*) false ;; esac
ok $? "an unknown option: exit 64 and one line on stderr ($rc)" "$err"

err=$(timeout "$CLIENT_KILL" "$RMXFD" --result-memo 0 2>&1 >/dev/null)
rc=$?
[ "$rc" = 64 ] && case $err in *"--result-memo is gone: set result_reuse_time in rmxf.conf"*) true ;;
*) false ;; esac
ok $? "an option of earlier builds: exit 64 naming its parameter ($rc)" \
    "$err"

printf 'result_reuse_time = 61s\n' >"$tmp/range.conf"
err=$(timeout "$CLIENT_KILL" "$RMXFD" -c "$tmp/range.conf" 2>&1 >/dev/null)
rc=$?
[ "$rc" = 78 ] && case $err in *"range.conf:1: "*result_reuse_time*) true ;;
*) false ;; esac
ok $? "result_reuse_time out of range: exit 78 with its line ($rc)" "$err"

err=$(timeout "$CLIENT_KILL" "$RMXFD" --stdio --no-such-option 2>&1 \
    </dev/null)
rc=$?
[ "$rc" = 64 ] && [ -z "$err" ]
ok $? "--stdio with an unknown option: exit 64, nothing on stderr ($rc)" \
    "$err"

err=$(timeout "$CLIENT_KILL" "$RMXFD" -c "$tmp/rmxf.conf" --log stderr \
    --listen "unix:$tmp/never.sock" 2>&1)
rc=$?
[ "$rc" = 78 ] && [ ! -e "$tmp/never.sock" ] &&
    case $err in *"rmxf.conf:"*"no_such_parameter"*) true ;; *) false ;; esac
ok $? "a bad configuration at start: exit 78 with file:line ($rc)" "$err"
