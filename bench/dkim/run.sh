#!/bin/bash
# NAME
#	run.sh - DKIM + DMARC verification: rmxfd's Milter against OpenDKIM
#	and OpenDMARC
# SYNOPSIS
#	bash bench/dkim/run.sh
# DESCRIPTION
#	`make bench-dkim` (mk/bench-dkim.mk); figures only, no pass or fail.
#
#	1. The message set: bench/dkim/gen.py (python3-dkim) writes, under
#	   $O/bench/dkim-set, BENCH_DKIM_MESSAGES signed messages from
#	   BENCH_DKIM_DOMAINS signing domains and the zone that verifies
#	   them (keys, SPF and "_dmarc" records).  The RSA keys are made
#	   once and kept there; the messages and the zone are made again
#	   when gen.py or the sizes changed.
#	2. A network namespace of its own (unshare --net --mount, its
#	   loopback up, a private /etc/resolv.conf naming 127.0.0.154):
#	   nothing any of the programs below sends can leave it.  In it:
#	   build/tests/dnsd serves the zone on 127.0.0.154:53, the one DNS
#	   server of both sides; rmxfd (-c with authserv_id
#	   mx.rx.example.org and Authentication-Results on, plus the lines
#	   of BENCH_DKIM_RMXF_CONF) listens with --milter on a unix socket
#	   and asks dnsd as a site's rmxfd asks its resolver, through
#	   /etc/resolv.conf (no --dns); Debian's opendkim (Mode v, verification
#	   only; Nameservers 127.0.0.154, as it resolves through libunbound)
#	   and opendmarc (SPFSelfValidate: it checks SPF itself, as rmxfd
#	   does; the public suffix list with "bench" added, so that its
#	   organizational domains are the ones libpsl gives; rejects
#	   nothing) each listen on a unix socket.  Their process IDs are
#	   the same outside the namespace; each is stopped by PID on exit.
#	3. The ceiling: bench_milter_bare (no work) with the protocol flags
#	   rmxfd negotiates, so that it gets the same packets.
#	4. bench_milter -m (bench/bench_milter.c): every message's whole
#	   conversation, header fields, body chunks of at most 64 KB, end
#	   of message; each message on a connection of its own (-R: Postfix
#	   opens its Milter connections per SMTP session).  rmxfd alone;
#	   OpenDKIM then OpenDMARC (-S) as Postfix chains smtpd_milters,
#	   OpenDMARC getting the message with OpenDKIM's
#	   Authentication-Results field in it, as Postfix gives the next
#	   Milter the header changes of the one before.  First one pass
#	   over the whole set through rmxfd and through the pair (bench_milter
#	   -W), so that each side has every DNS answer where it keeps them
#	   (dnsd's TTL outlasts the benchmark); then at 1, 8 and 64
#	   connections, BENCH_DKIM_ROUNDS rounds, the three taking turns in
#	   each; BENCH_DKIM_SECONDS a run after a warm-up second.  "wrong"
#	   counts messages whose dkim= and dmarc= results are not the ones
#	   the set was made with (or not accepted).
#
#	The table: medians of the rounds, messages/s, the ratio, p50 and
#	p99 latency, and messages per CPU second of the filters (server
#	CPU time from /proc; the peers' two processes summed).
#
#	CPUs: with taskset(1) and two CPUs or more, rmxfd and the bare
#	filter run on one CPU and bench_milter on the other, swapped from
#	round to round; OpenDKIM and OpenDMARC (libmilter, a thread per
#	connection) are not pinned and may use every CPU, which favours
#	them.  BENCH_DKIM_PIN=0 pins nothing.
#
#	Environment: O (build directory, default build),
#	BENCH_DKIM_SECONDS (5), BENCH_DKIM_ROUNDS (3), BENCH_DKIM_CONNS
#	("1 8 64"), BENCH_DKIM_DOMAINS (1000), BENCH_DKIM_MESSAGES (2000),
#	BENCH_DKIM_KEYS (1000), BENCH_DKIM_RMXF_CONF (configuration lines
#	for rmxfd, one per line), BENCH_DKIM_PIN (1), BENCH_DKIM_SET (the
#	set's directory, $O/bench/dkim-set).
# SEE ALSO
#	bench/dkim/gen.py, bench/bench_milter.c, bench/milter/run.sh,
#	doc/benchmarks.md, opendkim.conf(5), opendmarc.conf(5)
set -u

cd "$(dirname "$0")/../.." || exit 1
. tests/lib/scaffold.sh
scaffold_start bench-dkim
O=${O:-build}
RMXFD=$O/rmxfd
DNSD=$O/tests/dnsd
BM=$O/bench/bench_milter
BMB=$O/bench/bench_milter_bare
SECS=${BENCH_DKIM_SECONDS:-5}
ROUNDS=${BENCH_DKIM_ROUNDS:-3}
CONNS=${BENCH_DKIM_CONNS:-1 8 64}
DOMAINS=${BENCH_DKIM_DOMAINS:-1000}
MESSAGES=${BENCH_DKIM_MESSAGES:-2000}
KEYS=${BENCH_DKIM_KEYS:-1000}
SET=${BENCH_DKIM_SET:-$O/bench/dkim-set}
NS_DNS=127.0.0.154		# dnsd in the namespace
AUTHSERV=mx.rx.example.org
PY=/usr/bin/python3		# Debian's, with python3-dkim
PSL=/usr/share/publicsuffix/public_suffix_list.dat
DNSD_MAX=3600			# dnsd's own --max-seconds
SRV=() CLI=()
if [ "${BENCH_DKIM_PIN:-1}" != 0 ] && command -v taskset >/dev/null &&
    [ "$(nproc 2>/dev/null || echo 1)" -ge 2 ]; then
	SRV=(1)
	CLI=(taskset -c 0)
fi

for f in "$RMXFD" "$DNSD" "$BM" "$BMB"; do
	if [ ! -x "$f" ]; then
		echo "bench: $f missing (make bench-dkim)" >&2
		exit 1
	fi
done
for c in unshare ip; do
	if ! command -v "$c" >/dev/null; then
		echo "bench: $c missing: no namespace, nothing run" >&2
		exit 1
	fi
done

# --- the message set ---------------------------------------------------------
stamp="$(sha256sum bench/dkim/gen.py | cut -c1-16) $DOMAINS $MESSAGES $KEYS"
if [ "$(cat "$SET/stamp" 2>/dev/null)" != "$stamp" ]; then
	mkdir -p "$SET"
	rm -rf "$SET/msg" "$SET/index" "$SET/stamp"
	echo "bench: making the message set in $SET"
	"$PY" bench/dkim/gen.py --domains "$DOMAINS" --messages "$MESSAGES" \
	    --keys "$KEYS" "$SET" || exit 1
	echo "$stamp" >"$SET/stamp"
fi
sizes=$(awk '{ print $1 }' "$SET/index" | sed "s|^|$SET/msg/|" |
    xargs stat -c %s | sort -n | awk '{ v[NR] = $1; s += $1 } END {
	printf "%d messages, %.1f KB mean, %.1f KB median, %.1f to %.1f KB",
	    NR, s / NR / 1024, v[int((NR + 1) / 2)] / 1024, v[1] / 1024,
	    v[NR] / 1024 }')
echo
echo "dkim (bench/dkim/run.sh): $sizes; $(grep -c '_domainkey' \
    "$SET/dkim.zone") key records of $DOMAINS domains, $(find "$SET/keys" \
    -name '*.pem' | wc -l) RSA keys"
awk '{ n[$5]++ } END { for (k in n) printf "  dkim %s: %d\n", k, n[k] }' \
    "$SET/index" | sort

# --- the namespace and its programs ------------------------------------------
printf 'nameserver %s\n' "$NS_DNS" >"$tmp/resolv.conf"
{ cat "$PSL" 2>/dev/null; echo bench; } >"$tmp/psl.dat"
printf '192.0.2.254\n' >"$tmp/ignore"
{
	echo "authserv_id = $AUTHSERV"
	echo "header_authentication_results = yes"
	printf '%s\n' "${BENCH_DKIM_RMXF_CONF:-}"
} >"$tmp/rmxfd.conf"
cat >"$tmp/opendkim.conf" <<EOF
Mode			v
Socket			local:$tmp/dkim.sock
Background		no
Syslog			no
AuthservID		$AUTHSERV
Nameservers		$NS_DNS
UMask			000
EOF
cat >"$tmp/opendmarc.conf" <<EOF
Socket			local:$tmp/dmarc.sock
Background		false
Syslog			false
AuthservID		$AUTHSERV
TrustedAuthservIDs	$AUTHSERV
SPFSelfValidate		true
SPFIgnoreResults	false
IgnoreHosts		$tmp/ignore
PublicSuffixList	$tmp/psl.dat
RejectFailures		false
FailureReports		false
RequiredHeaders		false
UMask			000
EOF
cat >"$tmp/ns.sh" <<'EOF'
# The namespace: loopback, resolv.conf, then each program, its PID in a
# file; waits for them.  $1 the scratch directory; the others below.
t=$1 dnsd=$2 zone=$3 ns=$4 rmxfd=$5 max=$6
ip link set lo up || exit 1
mount --bind "$t/resolv.conf" /etc/resolv.conf || exit 1
[ "$(cat /etc/resolv.conf)" = "nameserver $ns" ] || exit 1
"$dnsd" --zone "$zone" --listen "$ns:53" --max-seconds "$max" \
    --ttl "$max" --port-file "$t/dns.port" 2>"$t/dnsd.err" &
echo $! >"$t/dnsd.pid"
"$rmxfd" -c "$t/rmxfd.conf" --milter "unix:$t/rmxfd.sock" \
    --log stderr 2>"$t/rmxfd.log" &
echo $! >"$t/rmxfd.pid"
if command -v opendkim >/dev/null; then
	opendkim -f -x "$t/opendkim.conf" >"$t/opendkim.err" 2>&1 &
	echo $! >"$t/opendkim.pid"
fi
if command -v opendmarc >/dev/null; then
	opendmarc -f -c "$t/opendmarc.conf" >"$t/opendmarc.err" 2>&1 &
	echo $! >"$t/opendmarc.pid"
fi
wait
EOF
unshare --net --mount bash "$tmp/ns.sh" "$tmp" "$(realpath "$DNSD")" \
    "$(realpath "$SET/dkim.zone")" "$NS_DNS" "$(realpath "$RMXFD")" \
    "$DNSD_MAX" >"$tmp/ns.err" 2>&1 &
pids+=($!)

# up NAME SOCKET - NAME's PID once SOCKET listens (and its file is there)
up() {
	local i p
	for ((i = 0; i < SCAFFOLD_WAIT * 2; i++)); do
		p=$(cat "$tmp/$1.pid" 2>/dev/null)
		if [ -n "$p" ] && [ -S "$2" ]; then
			echo "$p"
			return 0
		fi
		sleep 0.1
	done
	[ -n "$p" ] && echo "$p"
	return 1
}

if ! wait_for "$tmp/dns.port" .; then
	echo "bench: no DNS server in the namespace: $(cat "$tmp/ns.err" \
	    "$tmp/dnsd.err" 2>/dev/null)" >&2
	exit 1
fi
rmxfd_pid='' dkim_pid='' dmarc_pid='' bare_pid=''
rmxfd_pid=$(up rmxfd "$tmp/rmxfd.sock") ||
    echo "rmxfd: not run: $(head -3 "$tmp/rmxfd.log")"
if dkim_pid=$(up opendkim "$tmp/dkim.sock") &&
    dmarc_pid=$(up opendmarc "$tmp/dmarc.sock"); then
	:
else
	echo "OpenDKIM + OpenDMARC: not run: $(cat "$tmp/opendkim.err" \
	    "$tmp/opendmarc.err" 2>/dev/null | head -3)"
	dkim_pid='' dmarc_pid=''
fi
for f in dnsd rmxfd opendkim opendmarc; do
	[ -s "$tmp/$f.pid" ] && pids+=("$(cat "$tmp/$f.pid")")
done
[ -S "$tmp/rmxfd.sock" ] || rmxfd_pid=

# The ceiling, with the protocol flags rmxfd negotiates.
flags=$("$BM" -s "unix:$tmp/rmxfd.sock" --once 2>/dev/null |
    sed -n 's/^< O OPTNEG .* protocol 0x\([0-9a-f]*\):.*/\1/p')
"$BMB" -s "unix:$tmp/bare.sock" -P "${flags:-0}" -t "$DNSD_MAX" \
    >"$tmp/bare.out" 2>"$tmp/bare.err" &
p=$!
pids+=("$p")
if wait_for "$tmp/bare.out" listening; then
	bare_pid=$p
	echo "bare: bench_milter_bare, protocol flags 0x${flags:-0} (rmxfd's)"
fi
if [ -n "$rmxfd_pid" ]; then
	echo "rmxfd: protocol flags 0x${flags:-?}; configuration:"
	sed 's/^/  /' "$tmp/rmxfd.conf" | grep -v '^  $'
fi

# run_one LABEL CONNS ARGS... - one bench_milter load run
run_one() {
	local label=$1 c=$2
	shift 2
	"${CLI[@]}" "$BM" -m "$SET" -R -c "$c" -t "$SECS" -l "$label" \
	    "$@" >"$tmp/one.out" || {
		echo "$label: bench_milter failed at $c connections"
		return 0
	}
	grep -v '^MILTERBENCH ' "$tmp/one.out"
	sed -n 's/^MILTERBENCH //p' "$tmp/one.out" >>"$tmp/results"
}

# warm LABEL ARGS... - one pass over the set through a filter: every
# answer in the caches of each side before anything is measured
warm() {
	local t0=$SECONDS label=$1
	shift
	"${CLI[@]}" "$BM" -m "$SET" -R -c 8 -W -t 1 "$@" >/dev/null ||
	    echo "  $label: the warm-up failed"
	echo "  $label: $((SECONDS - t0)) s"
}
echo
echo "warm-up, one pass over the set through each (all DNS answers then"\
    "cached where each side caches them; dnsd's TTL ${DNSD_MAX} s):"
[ -n "$rmxfd_pid" ] && warm rmxfd -s "unix:$tmp/rmxfd.sock"
[ -n "$dkim_pid" ] && warm peers -s "unix:$tmp/dkim.sock" \
    -S "unix:$tmp/dmarc.sock"

echo
echo "rmxfd, bare and OpenDKIM+OpenDMARC in turn, $ROUNDS rounds at each" \
    "of $CONNS connections, ${SECS} s a run, a connection per message:"
: >"$tmp/results"
for c in $CONNS; do
	for ((r = 0; r < ROUNDS; r++)); do
		if [ ${#SRV[@]} -gt 0 ]; then
			CLI=(taskset -c $((r % 2)))
			for p in $rmxfd_pid $bare_pid; do
				taskset -pc $(((r + 1) % 2)) "$p" >/dev/null
			done
		fi
		[ -n "$rmxfd_pid" ] && run_one rmxfd "$c" -p "$rmxfd_pid" \
		    -s "unix:$tmp/rmxfd.sock"
		[ -n "$bare_pid" ] && run_one bare "$c" -p "$bare_pid" \
		    -s "unix:$tmp/bare.sock"
		[ -n "$dkim_pid" ] && run_one peers "$c" -p "$dkim_pid" \
		    -p "$dmarc_pid" -s "unix:$tmp/dkim.sock" \
		    -S "unix:$tmp/dmarc.sock"
	done
done
for p in $rmxfd_pid $dkim_pid $dmarc_pid; do
	printf '%-10s after the runs: %s  %s\n' "$(cat /proc/"$p"/comm)" \
	    "$(grep VmHWM "/proc/$p/status")" "$(grep VmRSS "/proc/$p/status")"
done

# --- the table -----------------------------------------------------------
echo
echo "messages/s (median of $ROUNDS rounds), ratio, latency ms, and" \
    "messages per CPU second of the filters (peers: both summed):"
sed 's/[{}"]//g' "$tmp/results" | awk -F, '{
	for (i = 1; i <= NF; i++) {
		split($i, kv, ":")
		f[kv[1]] = kv[2]
	}
	cpu = f["srv_cpu_pct"] > 0 ? f["mps"] / (f["srv_cpu_pct"] / 100) : 0
	print f["label"], f["conns"], f["mps"], f["p50_ms"], f["p99_ms"], cpu,
	    f["wrong"], f["messages"]
}' | awk '{ k = $1 "/" $2; n[k]++; i = n[k]
	m[k, i] = $3; p5[k, i] = $4; p9[k, i] = $5; pc[k, i] = $6
	wr[$1] += $7; all[$1] += $8
	if (!($2 in seen)) { seen[$2] = 1; order[++nc] = $2 } }
    # med - the median of one series
    function med(a, k,    c, i, j, t, v) {
	c = n[k] + 0
	if (c == 0)
		return 0
	for (i = 1; i <= c; i++)
		v[i] = (a == "m" ? m[k, i] : a == "5" ? p5[k, i] : \
		    a == "9" ? p9[k, i] : pc[k, i]) + 0
	for (i = 2; i <= c; i++)
		for (j = i; j > 1 && v[j - 1] > v[j]; j--) {
			t = v[j]; v[j] = v[j - 1]; v[j - 1] = t
		}
	return c % 2 ? v[(c + 1) / 2] : (v[c / 2] + v[c / 2 + 1]) / 2
    }
    function f(v) { return v > 0 ? sprintf("%.0f", v) : "-" }
    function q(a, b) { return a > 0 && b > 0 ? sprintf("%.1fx", a / b) : "-" }
    function l(k) { return n[k] ? sprintf("%.1f/%.1f", med("5", k), \
	med("9", k)) : "-" }
    END {
	printf "%5s %7s %7s %7s %7s %12s %12s %8s %8s %6s\n", "conns", \
	    "rmxfd", "peers", "bare", "r/peers", "rmxfd p50/99", \
	    "peers p50/99", "rmxfd/cs", "peers/cs", "cs r/p"
	for (o = 1; o <= nc; o++) {
		c = order[o]
		x = med("m", "rmxfd/" c); y = med("m", "peers/" c)
		z = med("m", "bare/" c)
		cx = med("c", "rmxfd/" c); cy = med("c", "peers/" c)
		printf "%5s %7s %7s %7s %7s %12s %12s %8s %8s %6s\n", c, \
		    f(x), f(y), f(z), q(x, y), l("rmxfd/" c), \
		    l("peers/" c), f(cx), f(cy), q(cx, cy)
		line = ""
		for (i = 1; i <= n["rmxfd/" c] && i <= n["peers/" c]; i++)
			if (m["peers/" c, i] > 0)
				line = line sprintf(" %.1fx", \
				    m["rmxfd/" c, i] / m["peers/" c, i])
		if (line != "")
			rounds = rounds sprintf("  %s conns:%s\n", c, line)
	}
	if (rounds != "")
		printf "rmxfd/peers round by round:\n%s", rounds
	printf "wrong verdicts (all runs): rmxfd %d of %d, peers %d of %d\n", \
	    wr["rmxfd"], all["rmxfd"], wr["peers"], all["peers"]
    }'
# libmilter's filters take a few seconds to stop: wait for them here.
for p in $dkim_pid $dmarc_pid; do
	kill "$p" 2>/dev/null
done
for ((i = 0; i < SCAFFOLD_WAIT; i++)); do
	alive=0
	for p in $dkim_pid $dmarc_pid; do
		[ -d "/proc/$p" ] && alive=1
	done
	[ "$alive" = 0 ] && break
	sleep 0.1
done
exit 0
