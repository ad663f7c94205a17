#!/bin/bash
# NAME
#	metrics.sh - rmxfd's GET /metrics, log_level and the start line
# SYNOPSIS
#	bash tests/daemon/metrics.sh
# DESCRIPTION
#	Starts build/tests/dnsd with tests/daemon/zone.txt and build/rmxfd
#	with tests/daemon/rmxf.conf plus metrics_listen on a free loopback
#	port, then: the start line names the user, chroot, sockets, metrics
#	address, resolver and log level; N policy requests of mixed outcomes
#	(pass, fail, softfail, a SERVFAIL, an exempt client, a stage other
#	than RCPT; several on one connection, one message twice) are
#	answered, and the samples of rmxf_decisions_total in /metrics (the
#	text checked by tests/daemon/metricsc.py: comments and samples
#	only, each metric's samples together, buckets cumulative, no
#	address or domain in a label) sum to N, with a reject and a prepend
#	action among them; rmxf_requests_total{frontend="policy"} is N, a
#	malformed request counts one policy error, the SERVFAIL shows in
#	rmxf_dns_answers_total, the second recipient of a message is a
#	message cache hit; another path is 404, POST 501; the bounce
#	check's outcomes (a signed and an unsigned bounce) and socketmap
#	lookups by map and reply are counted; SIGHUP counts a
#	reload, and one that changes metrics_listen says it waits for a
#	restart; a bad metrics_listen (unix:, no port) stops rmxfd at
#	start with exit 78 and the reason, a port in use with exit 69;
#	log_level = warning logs no decision lines, debug logs
#	"debug: connection from" until a reload sets info.
#
#	Output is TAP for prove.  Every process started is stopped by PID on
#	exit.  Environment: O (build directory, default build).
# SEE ALSO
#	doc/monitoring.md, rmxf.conf(5) metrics_listen log_level,
#	tests/daemon/run.sh
set -u

cd "$(dirname "$0")/../.." || exit 1
. tests/lib/scaffold.sh
scaffold_start metrics
O=${O:-build}
RMXFD=$O/rmxfd
DNSD=$O/tests/dnsd
DIR=tests/daemon
POLICYC="python3 $DIR/policyc.py"
METRICSC="python3 $DIR/metricsc.py"
DNSD_MAX=120		# dnsd's own --max-seconds
CLIENT_KILL=30		# seconds before a hung client is killed

# req FILE CLIENT SENDER INSTANCE [STATE] - write a policy request
req() {
	printf '%s\n' request=smtpd_access_policy \
	    "protocol_state=${5:-RCPT}" protocol_name=ESMTP \
	    "client_address=$2" helo_name=mail.example.com "sender=$3" \
	    recipient=bob@example.net "instance=$4" '' >"$1"
}

# pc SOCKET ARGS... - run the policy client, output in $out
pc() {
	out=$(timeout "$CLIENT_KILL" $POLICYC "$@" 2>&1)
}

# free_port - a TCP port on 127.0.0.1 that nobody listens on now
free_port() {
	python3 -c 'import socket; s = socket.socket(); '\
's.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# scrape - /metrics into $tmp/m (samples only); status in $rc
scrape() {
	timeout "$CLIENT_KILL" $METRICSC "http://127.0.0.1:$mport/metrics" \
	    >"$tmp/m" 2>"$tmp/m.err"
	rc=$?
}

# sample PATTERN - the sum of the samples whose line matches PATTERN
sample() {
	grep -- "$1" "$tmp/m" | awk '{ s += $NF } END { print s + 0 }'
}

# start_rmxfd CONF LOG - rmxfd on $sock with CONF; its PID in $rpid
start_rmxfd() {
	"$RMXFD" -c "$1" --listen "unix:$sock" --dns "127.0.0.1:$dnsport" \
	    --log stderr 2>"$2" &
	rpid=$!
	pids+=("$rpid")
	wait_for "$2" ': started'
}

# stop_rmxfd - SIGTERM to $rpid, and wait
stop_rmxfd() {
	kill -TERM "$rpid" 2>/dev/null
	wait "$rpid" 2>/dev/null
}

if [ ! -x "$RMXFD" ] || [ ! -x "$DNSD" ] || ! command -v python3 \
    >/dev/null; then
	echo "1..0 # SKIP $RMXFD, $DNSD or python3 missing (make all tests)"
	exit 0
fi
echo "1..16"

"$DNSD" --zone "$DIR/zone.txt" --listen 127.0.0.1:0 \
    --port-file "$tmp/dnsport" --max-seconds "$DNSD_MAX" \
    2>"$tmp/dnsd.err" &
pids+=($!)
wait_for "$tmp/dnsport" .
dnsport=$(cat "$tmp/dnsport" 2>/dev/null)

mport=$(free_port)
sock=$tmp/rmxf.sock
cp "$DIR/rmxf.conf" "$tmp/rmxf.conf"
echo "metrics_listen = inet:127.0.0.1:$mport" >>"$tmp/rmxf.conf"
start_rmxfd "$tmp/rmxf.conf" "$tmp/rmxfd.log"
grep -q "metrics on http://127.0.0.1:$mport/metrics$" "$tmp/rmxfd.log" &&
    grep -q ": started ($tmp/rmxf.conf, no acl_file): user=uid$(id -u) "\
"chroot=none listen=unix:$sock milter=none socketmap=none "\
"metrics=inet:127.0.0.1:$mport resolver=127.0.0.1:$dnsport "\
"log_level=info$" "$tmp/rmxfd.log"
ok $? "the start line: user, chroot, sockets, metrics, resolver, level" \
    "$(cat "$tmp/rmxfd.log")"

# --- N requests of mixed outcomes ------------------------------------------
req "$tmp/pass" 192.0.2.9 alice@example.com m1
req "$tmp/fail" 198.51.100.9 alice@example.com m2
req "$tmp/soft" 198.51.100.9 bob@soft.example.com m3
req "$tmp/servfail" 192.0.2.9 dave@bad.example.com m4
req "$tmp/exempt" 127.0.0.1 alice@example.com m5
req "$tmp/helo" 192.0.2.9 alice@example.com m6 HELO
req "$tmp/twice" 198.51.100.7 carol@example.com m7
got=""
nreq=0
for f in pass fail soft servfail exempt helo; do
	pc "unix:$sock" send "$tmp/$f"
	got="$got $f:${out%% *}"
	nreq=$((nreq + 1))
done
pc "unix:$sock" send "$tmp/twice" 2	# one message, two recipients
got="$got twice:$(echo $out)"
nreq=$((nreq + 2))
case $got in
" pass:action=PREPEND fail:action=550 soft:action=PREPEND "\
"servfail:action=450 exempt:action=DUNNO helo:action=DUNNO "\
"twice:action=550 "*" action=550 "*) r=0 ;;
*) r=1 ;;
esac
ok $r "$nreq requests answered: pass, fail, softfail, SERVFAIL, exempt, ..." \
    "$got"

scrape
ok $rc "/metrics is the Prometheus text format" "$(cat "$tmp/m.err")"

sum=$(sample '^rmxf_decisions_total{')
[ "$sum" = "$nreq" ]
ok $? "the samples of rmxf_decisions_total sum to $nreq ($sum)" \
    "$(grep decisions "$tmp/m")"

grep -q '^rmxf_decisions_total{method="spf",result="fail",action="reject"} 3$' \
    "$tmp/m" && grep -q '^rmxf_decisions_total{method="spf",'\
'result="softfail",action="prepend"} 1$' "$tmp/m" &&
    grep -q '^rmxf_decisions_total{method="spf",result="temperror",'\
'action="defer"} 1$' "$tmp/m" && grep -q '^rmxf_decisions_total{'\
'method="exempt",result="none",action="dunno"} 1$' "$tmp/m"
ok $? "reject, prepend, defer and dunno each with its method and result" \
    "$(grep decisions "$tmp/m")"

[ "$(sample '^rmxf_requests_total{frontend="policy"}')" = "$nreq" ] &&
    [ "$(sample '^rmxf_cache_hits_total{cache="message"}')" = 1 ] &&
    [ "$(sample '^rmxf_dns_answers_total{rcode="servfail"}')" -ge 1 ] &&
    [ "$(sample '^rmxf_dns_answers_total{rcode="noerror"}')" -ge 1 ] &&
    [ "$(sample '^rmxf_dns_latency_seconds_count')" -ge 1 ]
ok $? "requests, the message cache hit, DNS answers by rcode, latency" \
    "$(grep -e requests -e cache_hits -e dns_answers -e latency_seconds_c \
    "$tmp/m")"

printf 'no equals sign here\n\n' >"$tmp/junk"
pc "unix:$sock" raw "$tmp/junk" 2
scrape
[ "$(sample '^rmxf_errors_total{frontend="policy"}')" = 1 ] &&
    [ "$(sample '^rmxf_decisions_total{')" = "$nreq" ]
ok $? "a malformed request: one policy error, no decision" \
    "$(grep -e errors -e decisions "$tmp/m")"

s404=$($METRICSC "http://127.0.0.1:$mport/other" status)
s405=$($METRICSC "http://127.0.0.1:$mport/metrics" status POST)
[ "$s404" = 404 ] && [ "$s405" = 501 ]
ok $? "another path: 404; POST: 501 (libevent) ($s404, $s405)"

# --- reloads -----------------------------------------------------------
kill -HUP "$rpid"
wait_for "$tmp/rmxfd.log" ': reloaded '
scrape
[ "$(sample '^rmxf_reloads_total{result="ok"}')" = 1 ] &&
    [ "$(sample '^rmxf_decisions_total{')" = "$nreq" ]
ok $? "SIGHUP: rmxf_reloads_total{result=\"ok\"} 1, the counts stay" \
    "$(grep -e reloads -e decisions "$tmp/m")"

echo "metrics_listen = inet:127.0.0.1:1" >>"$tmp/rmxf.conf"
sed -i '/^metrics_listen = inet:127.0.0.1:'"$mport"'$/d' "$tmp/rmxf.conf"
kill -HUP "$rpid"
wait_for "$tmp/rmxfd.log" 'metrics_listen changed'
scrape
grep -q 'warning: metrics_listen changed: it takes effect when rmxfd is '\
'restarted' "$tmp/rmxfd.log" && [ "$rc" = 0 ] &&
    [ "$(sample '^rmxf_reloads_total{result="ok"}')" = 2 ]
ok $? "a changed metrics_listen waits for a restart (logged), old one serves" \
    "$(tail -3 "$tmp/rmxfd.log")"
stop_rmxfd

# --- the bounce check and the socketmap ---------------------------------
printf '1 s3cret-one\n' >"$tmp/batv.keys"
chmod 600 "$tmp/batv.keys"
smsock=$tmp/sm.sock
cp "$DIR/rmxf.conf" "$tmp/ses.conf"
cat >>"$tmp/ses.conf" <<EOC
metrics_listen = inet:127.0.0.1:$mport
socketmap_listen = unix:$smsock
ses_keys = $tmp/batv.keys
ses_domains = ours.example
EOC
start_rmxfd "$tmp/ses.conf" "$tmp/ses.log"
sm=$(timeout "$CLIENT_KILL" python3 tests/socketmap/smc.py "$smsock" \
    "sign u@ours.example" "sign u@else.example" 2>&1)
signed=$(echo "$sm" | sed -n 's/^OK //p')
sm="$sm / $(timeout "$CLIENT_KILL" python3 tests/socketmap/smc.py \
    "$smsock" "verify $signed" "nosuchmap k" 2>&1)"
for r in "$signed" u@ours.example; do
	printf '%s\n' request=smtpd_access_policy protocol_state=RCPT \
	    client_address=192.0.2.9 helo_name=mail.example.com sender= \
	    "recipient=$r" "instance=b$r" '' >"$tmp/bounce"
	pc "unix:$sock" send "$tmp/bounce"
	sm="$sm / $out"
done
scrape
[ "$rc" = 0 ] &&
    [ "$(sample '^rmxf_bounce_checks_total{outcome="signed"}')" = 1 ] &&
    [ "$(sample '^rmxf_bounce_checks_total{outcome="reject"}')" = 1 ] &&
    [ "$(sample '^rmxf_bounce_checks_total{outcome="grace"}')" = 0 ] &&
    grep -q '^rmxf_decisions_total{method="bounce",result="fail",'\
'action="reject"} 1$' "$tmp/m"
ok $? "the bounce check's outcomes: one signed, one rejected" \
    "$sm / $(grep -e bounce "$tmp/m")"

[ "$(sample '^rmxf_socketmap_lookups_total{map="sign",reply="OK"}')" = 1 ] &&
    [ "$(sample '^rmxf_socketmap_lookups_total{map="sign",'\
'reply="NOTFOUND"}')" = 1 ] &&
    [ "$(sample '^rmxf_socketmap_lookups_total{map="verify",'\
'reply="OK"}')" = 1 ] &&
    [ "$(sample '^rmxf_socketmap_lookups_total{map="other",'\
'reply="PERM"}')" = 1 ] &&
    [ "$(sample '^rmxf_requests_total{frontend="socketmap"}')" = 4 ] &&
    [ "$(sample '^rmxf_socketmap_lookups_total{')" = 4 ]
ok $? "socketmap lookups by map and reply; no map name from the client" \
    "$sm / $(grep -e socketmap "$tmp/m")"
stop_rmxfd

# --- bad metrics_listen -------------------------------------------------
bad() {
	printf 'metrics_listen = %s\n' "$1" >"$tmp/bad.conf"
	err=$(timeout "$CLIENT_KILL" "$RMXFD" -c "$tmp/bad.conf" \
	    --listen "unix:$tmp/bad.sock" --dns "127.0.0.1:$dnsport" \
	    --log stderr 2>&1)
	rc=$?
}
bad unix:/tmp/m.sock
r1="$rc $err"
bad inet:127.0.0.1
case $r1 in 78*'bad.conf:1: metrics_listen: "unix:/tmp/m.sock" is not '\
'inet:HOST:PORT'*) true ;; *) false ;; esac && [ "$rc" = 78 ] &&
    case $err in *'bad.conf:1: metrics_listen: "inet:127.0.0.1" has no '\
'port'*) true ;; *) false ;; esac && [ ! -e "$tmp/bad.sock" ]
ok $? "a bad metrics_listen: exit 78 with the reason, nothing served" \
    "$r1 / $rc $err"

python3 -c 'import socket, time, sys; s = socket.socket(); '\
's.bind(("127.0.0.1", 0)); s.listen(); print(s.getsockname()[1]); '\
'sys.stdout.flush(); time.sleep(20)' >"$tmp/busy" &
busy_pid=$!
pids+=("$busy_pid")
wait_for "$tmp/busy" .
bad "inet:127.0.0.1:$(cat "$tmp/busy")"
kill "$busy_pid"
[ "$rc" = 69 ] && case $err in *"metrics_listen inet:127.0.0.1:"*"bind: "\
"Address already in use"*) true ;; *) false ;; esac
ok $? "metrics_listen on a port in use: exit 69" "$rc $err"

# --- log_level ---------------------------------------------------------
cp "$DIR/rmxf.conf" "$tmp/warn.conf"
echo "log_level = warning" >>"$tmp/warn.conf"
"$RMXFD" -c "$tmp/warn.conf" --listen "unix:$sock" \
    --dns "127.0.0.1:$dnsport" --log stderr 2>"$tmp/warn.log" &
rpid=$!
pids+=("$rpid")
sleep 0.5
pc "unix:$sock" send "$tmp/fail"
pc2=$out
pc "unix:$sock" raw "$tmp/junk" 2
stop_rmxfd
[ "${pc2%% *}" = action=550 ] && ! grep -q 'method=spf' "$tmp/warn.log" &&
    ! grep -q ': started' "$tmp/warn.log" &&
    grep -q 'warning: connection from .*: closed' "$tmp/warn.log"
ok $? "log_level = warning: no decision or start line, warnings logged" \
    "$pc2 / $(cat "$tmp/warn.log")"

cp "$DIR/rmxf.conf" "$tmp/debug.conf"
echo "log_level = debug" >>"$tmp/debug.conf"
start_rmxfd "$tmp/debug.conf" "$tmp/debug.log"
pc "unix:$sock" send "$tmp/fail"
ndebug=$(grep -c 'debug: connection from' "$tmp/debug.log")
sed -i 's/^log_level = debug$/log_level = info/' "$tmp/debug.conf"
kill -HUP "$rpid"
wait_for "$tmp/debug.log" ': reloaded '
pc "unix:$sock" send "$tmp/pass"
stop_rmxfd
[ "$ndebug" = 1 ] &&
    [ "$(grep -c 'debug: connection from' "$tmp/debug.log")" = 1 ] &&
    grep -q 'method=spf result=fail action=reject' "$tmp/debug.log" &&
    grep -q 'method=spf result=pass' "$tmp/debug.log" &&
    ! grep -q 'debug:' "$tmp/rmxfd.log"
ok $? "log_level = debug: connections too; info (the default, or after a "\
"reload): none" "$(cat "$tmp/debug.log")"
