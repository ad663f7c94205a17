#!/bin/bash
# NAME
#	run.sh - the libunbound driver against a real DNS server
# SYNOPSIS
#	bash tests/dns/run.sh
# DESCRIPTION
#	Starts build/tests/dnsd on a free loopback port with tests/dns/zone.txt
#	(plus a TXT record too big for 512 octets), and asks it questions
#	through build/tests/dnsq, that is through dns_ub (libunbound on
#	libevent, forwarding to dnsd) and dns_wire_parse():
#	TXT of several strings joined byte-exact, NXDOMAIN against NODATA,
#	CNAME, SERVFAIL, a TXT over 512 octets arriving whole over TCP after
#	a truncated UDP answer (dnsd's log shows both), a TIMEOUT name giving
#	TIMEOUT at the deadline, and names under libunbound's default local
#	zones (test., 2.0.192.in-addr.arpa., ...) really asked of dnsd.
#
#	Output is TAP for prove.  Every process started is stopped by PID on
#	exit; dnsd also stops by itself after DNSD_MAX seconds, and each dnsq
#	is killed after DNSQ_KILL seconds.  Environment: O (build directory,
#	default build).
# SEE ALSO
#	tests/tools/dnsd, tests/tools/dnsq, src/dns/dns_ub.c
set -u

cd "$(dirname "$0")/../.." || exit 1
. tests/lib/scaffold.sh
scaffold_start dns
O=${O:-build}
DNSD=$O/tests/dnsd
DNSQ=$O/tests/dnsq
RMXF=$O/rmxf
ZONE=tests/dns/zone.txt
DNSD_MAX=120		# dnsd's own --max-seconds
DNSQ_KILL=15		# seconds before a hung dnsq is killed
TIMEOUT_MS=1000		# deadline of the TIMEOUT test



# q ARGS... - run dnsq against dnsd, output in $out, status in $qrc
q() {
	out=$(timeout "$DNSQ_KILL" "$DNSQ" --dns "${dns:-127.0.0.1:$port}" \
	    "$@" 2>&1)
	qrc=$?
}

# has LINE - $out contains LINE exactly
has() {
	printf '%s\n' "$out" | grep -qxF -- "$1"
}

# status NAME TYPE STATUS COUNT - dnsq ran clean; $out's line for NAME TYPE
status() {
	[ "$qrc" = 0 ] && printf '%s\n' "$out" | grep -q "^$1 $2 $3 $4 ms="
}

# logged LINE - dnsd's log has LINE
logged() {
	grep -qxF -- "$1" "$tmp/log"
}

if [ ! -x "$DNSD" ] || [ ! -x "$DNSQ" ] || [ ! -x "$RMXF" ]; then
	echo "Bail out! $DNSD, $DNSQ or $RMXF not built (make tests)"
	exit 1
fi
echo "1..28"

# The zone, plus one TXT record of three 250-octet strings (750 octets).
cp "$ZONE" "$tmp/zone"
big=$(printf 'x%.0s' $(seq 250))
bigy=$(printf 'y%.0s' $(seq 250))
bigz=$(printf 'z%.0s' $(seq 250))
echo "big.example.com TXT \"$big\" \"$bigy\" \"$bigz\"" >>"$tmp/zone"

"$DNSD" --zone "$tmp/zone" --listen 127.0.0.1:0 --port-file "$tmp/port" \
    --pid-file "$tmp/pid" --log "$tmp/log" --max-seconds "$DNSD_MAX" \
    2>"$tmp/dnsd.err" &
dnsd_pid=$!
pids+=("$dnsd_pid")
wait_for "$tmp/port" .
port=$(cat "$tmp/port" 2>/dev/null)
[ -n "$port" ] && [ "$(cat "$tmp/pid")" = "$dnsd_pid" ]
ok $? "dnsd starts on a free port (${port:-none})" "$(cat "$tmp/dnsd.err")"

q example.com TXT
status example.com TXT OK 1 &&
    has '	TXT len=28 "v=spf1 ip4:192.0.2.0/24 -all"'
ok $? "TXT of two strings arrives joined" "$out"

q nul.example.com TXT
status nul.example.com TXT OK 1 && has '	TXT len=7 "a\000b;A\034\092"'
ok $? "TXT with NUL and escapes arrives byte-exact" "$out"

q multi.example.com TXT
status multi.example.com TXT OK 2 && has '	TXT len=5 "first"' &&
    has '	TXT len=6 "second"'
ok $? "two TXT records stay two records" "$out"

q nope.example.com A
status nope.example.com A NXDOMAIN 0
ok $? "a name not in the zone is NXDOMAIN" "$out"

q empty.example.com TXT example.com PTR a.b.example.org TXT
status empty.example.com TXT OK 0 && status example.com PTR OK 0 &&
    status a.b.example.org TXT OK 0
ok $? "EXISTS, another type, an empty non-terminal: NODATA" "$out"

q alias.example.com A
status alias.example.com A OK 2 && has '	A 192.0.2.1' && has '	A 192.0.2.2'
ok $? "a CNAME is followed" "$out"

q dangling.example.com A
status dangling.example.com A NXDOMAIN 0
ok $? "a CNAME to nowhere is NXDOMAIN" "$out"

q bad.example.com A
status bad.example.com A SERVFAIL 0
ok $? "a SERVFAIL name is SERVFAIL" "$out"

q example.com MX example.com AAAA 4.3.2.1.in-addr.arpa PTR
status example.com MX OK 1 && has '	MX 10 mx.example.com' &&
    has '	AAAA 2001:db8::1' && has '	PTR mail.example.com'
ok $? "MX, AAAA and PTR records" "$out"

q "SP ACE.example.com" TXT odd.example.com MX odd.example.com PTR \
    'sp\032ace.example.com' TXT
status "SP ACE.example.com" TXT OK 1 && has '	TXT len=5 "space"' &&
    status 'sp\\032ace.example.com' TXT OK 1 &&
    has '	MX 5 sp\032ace.example.com' && has '	PTR a\\b\(c\).example.com'
ok $? "odd octets in names, targets as dns_zone gives them" "$out"

q 'sp\999ace.example.com' TXT a..example.com A \
    "x$(printf 'l%.0s' $(seq 63)).example.com" A
status 'sp\\999ace.example.com' TXT SERVFAIL 0 &&
    status a..example.com A SERVFAIL 0 && status 'xl*.example.com' A SERVFAIL 0
ok $? "names a resolver will not send are SERVFAIL, as in dns_zone" "$out"

q big.example.com TXT
status big.example.com TXT OK 1 && has "	TXT len=750 \"$big$bigy$bigz\""
ok $? "a TXT of 750 octets arrives whole" "$(printf '%s\n' "$out" | cut -c1-100)"

logged "big.example.com TXT NOERROR udp tc" &&
    logged "big.example.com TXT NOERROR tcp"
ok $? "dnsd truncated it over UDP and the resolver asked again over TCP" \
    "$(cat "$tmp/log")"

start=$(date +%s%N)
q --timeout "$TIMEOUT_MS" slow.example.com TXT
ms=$((($(date +%s%N) - start) / 1000000))
status slow.example.com TXT TIMEOUT 0 && [ "$ms" -ge $((TIMEOUT_MS - 100)) ] &&
    [ "$ms" -lt $((TIMEOUT_MS + 1500)) ] && logged "slow.example.com TXT TIMEOUT udp"
ok $? "a TIMEOUT name gives TIMEOUT at the ${TIMEOUT_MS} ms deadline (${ms} ms)" "$out"

q slow.example.com A
status slow.example.com A OK 1 && has '	A 192.0.2.9'
ok $? "a TIMEOUT name answers the types it has" "$out"

q a.b.c.test TXT
status a.b.c.test TXT OK 1 && has '	TXT len=10 "under test"' &&
    logged "a.b.c.test TXT NOERROR udp"
ok $? "a name under test. is asked of the forwarder" "$out"

q 1.2.0.192.in-addr.arpa PTR
status 1.2.0.192.in-addr.arpa PTR OK 1 && has '	PTR doc.example.com' &&
    logged "1.2.0.192.in-addr.arpa PTR NOERROR udp"
ok $? "a name under 2.0.192.in-addr.arpa is asked of the forwarder" "$out"

q 1.0.0.10.in-addr.arpa PTR 9.113.0.203.in-addr.arpa PTR \
    9.100.51.198.in-addr.arpa PTR 1.0.0.127.in-addr.arpa PTR \
    1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa PTR \
    1.0.64.100.in-addr.arpa PTR x.invalid TXT test TXT localhost A
status 1.0.0.10.in-addr.arpa PTR OK 1 &&
    status 9.113.0.203.in-addr.arpa PTR OK 1 &&
    status 9.100.51.198.in-addr.arpa PTR OK 1 &&
    status 1.0.0.127.in-addr.arpa PTR OK 1 &&
    status 1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa PTR OK 1 &&
    status 1.0.64.100.in-addr.arpa PTR OK 1 &&
    status x.invalid TXT OK 1 && status test TXT OK 1 &&
    has '	TXT len=4 "apex"' && has '	A 127.0.0.9'
ok $? "other default local zones, apex and localhost too, go to the forwarder" "$out"

before=$(grep -c ' tcp$' "$tmp/log")
q --tcp example.com A
after=$(grep -c ' tcp$' "$tmp/log")
status example.com A OK 2 && [ "$after" -gt "$before" ]
ok $? "--tcp sends the query over TCP" "$out"

q --parallel example.com TXT nope.example.com A alias.example.com A \
    bad.example.com TXT
status example.com TXT OK 1 && status nope.example.com A NXDOMAIN 0 &&
    status alias.example.com A OK 2 && status bad.example.com TXT SERVFAIL 0
ok $? "one job asking four questions at once" "$out"

q --shared --timeout 500 slow.example.com TXT example.com TXT \
    slow.example.com MX example.com A
status slow.example.com TXT TIMEOUT 0 && status example.com TXT OK 1 &&
    status slow.example.com MX TIMEOUT 0 && status example.com A OK 2
ok $? "one resolver, several runs: answers after timeouts" "$out"

# A second server on both loopbacks, asked over IPv6.
if ip -6 addr show dev lo 2>/dev/null | grep -q 'inet6 ::1/'; then
	"$DNSD" --zone "$tmp/zone" --listen 127.0.0.1:0 --listen '[::1]:0' \
	    --port-file "$tmp/port6" --max-seconds "$DNSD_MAX" \
	    2>"$tmp/dnsd6.err" &
	dnsd6_pid=$!
	pids+=("$dnsd6_pid")
	wait_for "$tmp/port6" .
	port6=$(cat "$tmp/port6" 2>/dev/null)
	dns="[::1]:${port6:-0}" q example.com TXT
	status example.com TXT OK 1 &&
	    has '	TXT len=28 "v=spf1 ip4:192.0.2.0/24 -all"'
	ok $? "dnsd on [::1] and 127.0.0.1, one port, asked over IPv6" \
	    "$out$(cat "$tmp/dnsd6.err")"
	kill "$dnsd6_pid"
	wait "$dnsd6_pid"
	pids=("$dnsd_pid")
else
	n=$((n + 1))
	echo "ok $n # SKIP no ::1 on lo"
fi

# Answers of TTL 0 (libunbound keeps none): each run asks dnsd again,
# unless the recent answers (dns_recent) are on.
"$DNSD" --zone "$tmp/zone" --listen 127.0.0.1:0 --port-file "$tmp/port0" \
    --ttl 0 --log "$tmp/log0" --max-seconds "$DNSD_MAX" \
    2>"$tmp/dnsd0.err" &
dnsd0_pid=$!
pids+=("$dnsd0_pid")
wait_for "$tmp/port0" .
port0=$(cat "$tmp/port0" 2>/dev/null)
dns="127.0.0.1:${port0:-0}" q --shared example.com TXT example.com TXT
plain=$(grep -c '^example.com TXT NOERROR' "$tmp/log0")
dns="127.0.0.1:${port0:-0}" q --shared --recent 60000 example.com A \
    example.com A example.com A
recent=$(grep -c '^example.com A NOERROR' "$tmp/log0")
[ "$plain" = 2 ] && [ "$recent" = 1 ] && status example.com A OK 2
ok $? "TTL 0: asked per run ($plain), once with recent answers ($recent)" \
    "$out$(cat "$tmp/log0")"
kill "$dnsd0_pid"
wait "$dnsd0_pid"
pids=("$dnsd_pid")

# rmxf check -c asks the configuration's dns_forwarders (not resolv.conf)
# and keeps rmxfd's deadline, dns_timeout here, not the 20 s of bare check.
printf 'dns_forwarders = 127.0.0.1@%s\ndns_timeout = 1s\n' "$port" \
    >"$tmp/rmxf.conf"
out=$(timeout "$DNSQ_KILL" "$RMXF" check -c "$tmp/rmxf.conf" \
    --ip 192.0.2.5 --sender a@example.com --helo example.com \
    --receiver mx.test 2>&1)
printf '%s\n' "$out" | head -1 | grep -qx prepend &&
    has '# result: pass'
ok $? "check -c: dns_forwarders answer, no --dns" "$out"

start=$(date +%s%N)
out=$(timeout "$DNSQ_KILL" "$RMXF" check -c "$tmp/rmxf.conf" \
    --ip 192.0.2.5 --sender a@slow.example.com --helo example.com \
    --receiver mx.test 2>&1)
ms=$((($(date +%s%N) - start) / 1000000))
has '# result: temperror' && [ "$ms" -lt 5000 ]
ok $? "check -c: a TIMEOUT name is temperror at dns_timeout ($ms ms)" "$out"

# A bad zone: refused with its line, exit status 65 (EX_DATAERR).
printf 'a.example A 192.0.2.1\nb.example TXT "\\q"\n' >"$tmp/bad"
err=$(timeout "$DNSQ_KILL" "$DNSD" --zone "$tmp/bad" \
    --listen 127.0.0.1:0 --max-seconds 5 2>&1)
rc=$?
[ "$rc" = 65 ] && [ "$err" = "dnsd: fatal: $tmp/bad: line 2: bad escape in string" ]
ok $? "dnsd refuses a bad zone with its line number (status $rc)" "$err"

# Stop dnsd by its PID; it must exit 0 promptly.
kill "$dnsd_pid"
for ((i = 0; i < 50; i++)); do
	kill -0 "$dnsd_pid" 2>/dev/null || break
	sleep 0.1
done
wait "$dnsd_pid"
rc=$?
pids=()
[ "$rc" = 0 ]
ok $? "dnsd stops on SIGTERM with status 0 (got $rc)"
