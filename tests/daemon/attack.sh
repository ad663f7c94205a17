#!/bin/bash
# NAME
#	attack.sh - one outsider must not stop authentication for everyone
# SYNOPSIS
#	bash tests/daemon/attack.sh
# DESCRIPTION
#	Runs itself again in network, mount and PID namespaces of its own
#	(tests/lib/netns.sh) whose /etc/resolv.conf names 127.0.0.1, where
#	build/tests/dnsd answers tests/daemon/zone.txt on port 53 and never
#	answers anything under slow.test (--drop).  rmxfd runs as a site
#	runs it: standalone, no --dns, the resolver of resolv.conf.  The
#	attacks, shortened from the red team's to fit a test run:
#	- a sender domain whose DNS never answers: ATTACKERS connections
#	  send fresh names under slow.test while LEGIT connections send
#	  fresh names under legit.test (NXDOMAIN: none, at once).  The
#	  legitimate requests must stay fast (p99 under 1 s) and never be
#	  deferred, a fresh legitimate sender PAUSE seconds after the attack
#	  must be answered within 2 s and not deferred, and rmxfd's memory
#	  must stay under 64 MiB.  (libunbound, left to its library
#	  defaults, sends 16 queries at a time: 16 attack names held every
#	  other lookup behind them for minutes.)
#	- connections that never say anything, max_connections of them: a
#	  new client (Postfix) is answered at once, on the policy socket and
#	  on the socketmap socket, and the silent ones are closed after the
#	  stall timeout.
#	Output is TAP for prove.  Without root or unshare the script is
#	skipped.  Every process started is stopped by PID on exit (and the
#	PID namespace takes what is left).  Environment: O (build
#	directory, default build).
# SEE ALSO
#	dns_guard(3), rmxfd(8) LIMITS, tests/daemon/flood.py
set -u

cd "$(dirname "$0")/../.." || exit 1
. tests/lib/netns.sh
if [ -z "${RMXF_ATTACK_NS:-}" ]; then
	if [ "$(id -u)" = 0 ] && netns_can; then
		RMXF_ATTACK_NS=1 exec "${NETNS_UNSHARE[@]}" bash "$0" "$@"
	fi
	echo "1..0 # SKIP needs root and unshare (a network of its own)"
	exit 0
fi
. tests/lib/scaffold.sh
scaffold_start attack
O=${O:-build}
RMXFD=$O/rmxfd
DNSD=$O/tests/dnsd
FLOOD="python3 tests/daemon/flood.py"
ATTACKERS=30		# connections sending slow.test senders
LEGIT=4			# ... and fresh legitimate ones
SECS=6			# how long the attack lasts
PAUSE=2			# then a fresh legitimate sender
MAXCONN=40		# max_connections for the silent ones
CLIENT_KILL=60		# seconds before a hung client is killed

# field NAME - the value of NAME=... in $out
field() {
	printf '%s\n' "$out" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -n 1
}

echo "1..9"
netns_resolv "$tmp/resolv.conf"
"$DNSD" --zone tests/daemon/zone.txt --listen 127.0.0.1:53 \
    --drop slow.test --max-seconds 120 2>"$tmp/dnsd.err" &
pids+=($!)
cat >"$tmp/rmxf.conf" <<EOF
request_timeout = 4s
dns_timeout = 3s
max_connections = $MAXCONN
socketmap_listen = unix:$tmp/sm.sock
EOF
"$RMXFD" -c "$tmp/rmxf.conf" --listen "unix:$tmp/p.sock" --log stderr \
    2>"$tmp/rmxfd.log" &
rmxfd=$!
pids+=("$rmxfd")
wait_for "$tmp/rmxfd.log" ': started'
[ -S "$tmp/p.sock" ] && [ -S "$tmp/sm.sock" ]
ok $? "rmxfd on the resolver of resolv.conf (dnsd drops slow.test)" \
    "$(cat "$tmp/rmxfd.log" "$tmp/dnsd.err")"

# --- a domain whose DNS never answers -------------------------------------
out=$(timeout "$CLIENT_KILL" $FLOOD dns "unix:$tmp/p.sock" "$ATTACKERS" \
    "$LEGIT" "$SECS" "$PAUSE" 2>&1)
legit=$(field legit)
p99=$(field p99_ms)
defer=$(field defer)
[ "${legit:-0}" -ge 100 ] && [ "${p99:-99999}" -lt 1000 ] &&
    [ "${defer:-1}" = 0 ]
ok $? "$ATTACKERS attacking connections: legitimate ones fast, none \
deferred ($out)"
fresh_ms=$(field fresh_ms)
case $(field fresh) in action=4* | action=DEFER*) fresh_ok=1 ;;
action=*) fresh_ok=0 ;; *) fresh_ok=1 ;; esac
[ "$fresh_ok" = 0 ] && [ "${fresh_ms:-99999}" -lt 2000 ]
ok $? "a fresh legitimate sender ${PAUSE}s after: answered, not deferred" \
    "$out"
rss=$(awk '/^VmHWM:/ {print $2}' "/proc/$rmxfd/status")
if grep -q __asan_init "$RMXFD"; then
	skip "memory under the attack: the sanitizer's allocator's here"
else
	[ -n "$rss" ] && [ "$rss" -lt $((64 * 1024)) ]
	ok $? "memory under the attack: ${rss:-?} kB at the peak (64 MiB \
at most)"
fi
grep -q 'sender=<u[0-9a-f]*@[0-9a-f]*\.slow\.test>.*action=defer' \
    "$tmp/rmxfd.log"
ok $? "the attacker's own requests are deferred" \
    "$(grep slow.test "$tmp/rmxfd.log" | tail -2)"

# --- connections that say nothing ------------------------------------------
$FLOOD silent "unix:$tmp/p.sock" "$MAXCONN" 6 >"$tmp/silent.out" 2>&1 &
sil=$!
pids+=("$sil")
sleep 1
out=$(timeout "$CLIENT_KILL" $FLOOD timed "unix:$tmp/p.sock" 2>&1)
ms=$(field ms)
case $out in *reply=action=*) true ;; *) false ;; esac &&
    [ "${ms:-99999}" -lt 2000 ]
ok $? "$MAXCONN silent connections: a new client answered in ${ms:-?} ms" \
    "$out"
wait "$sil"
out=$(cat "$tmp/silent.out")
[ "$(field closed)" = "$(field open)" ] && [ "$(field open)" -gt 0 ]
ok $? "silent connections closed after the stall timeout ($out)" \
    "$(grep -c 'no request within' "$tmp/rmxfd.log") logged"

$FLOOD silent "unix:$tmp/sm.sock" "$MAXCONN" 3 >"$tmp/smsilent.out" 2>&1 &
sil=$!
pids+=("$sil")
sleep 1
out=$(timeout "$CLIENT_KILL" $FLOOD timed "unix:$tmp/sm.sock" socketmap 2>&1)
ms=$(field ms)
case $out in *reply=*:NOTFOUND*|*reply=*:OK*|*reply=*:TEMP*) true ;;
*) false ;; esac && [ "${ms:-99999}" -lt 2000 ]
ok $? "$MAXCONN silent socketmap connections: a new lookup answered \
in ${ms:-?} ms ($out)"
wait "$sil"
kill -TERM "$rmxfd"
wait "$rmxfd"
ok $? "rmxfd stops cleanly after the attacks"
