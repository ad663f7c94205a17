#!/bin/bash
# NAME
#	callgrind.sh - instructions per policy request in rmxfd
# SYNOPSIS
#	bash bench/policy/callgrind.sh [RMXFD_ARGS...]
# DESCRIPTION
#	The figure of the policy benchmark that other work on the machine
#	does not change: build/tests/dnsd serves bench/zones/policy.zone,
#	rmxfd (-c /dev/null, embedded defaults, --log stderr to a file, and
#	RMXFD_ARGS, e.g. -c FILE naming dns_reuse_time = 0) runs under
#	valgrind --tool=callgrind
#	with instrumentation off; bench_policy warms it up at 64 connections
#	for 2 s; then instrumentation goes on for one run of CG_SECONDS
#	(5) at 64 connections, and off again.  Prints the requests (the run's
#	and its 64 warm-up requests), the instructions rmxfd executed in
#	user space meanwhile, and their quotient; the profile stays in
#	$O/bench/callgrind.policy.out for callgrind_annotate(1).  Kernel
#	work (system calls) is not counted.
#
#	Every process started is stopped by PID on exit.  Environment: O
#	(build directory, default build), CG_SECONDS.
# SEE ALSO
#	bench/policy/run.sh, doc/benchmarks.md, valgrind(1)
set -u

cd "$(dirname "$0")/../.." || exit 1
. tests/lib/scaffold.sh
scaffold_start bench-cg
O=${O:-build}
SECS=${CG_SECONDS:-5}
CONNS=64
OUT=$O/bench/callgrind.policy.out

for f in "$O/rmxfd" "$O/tests/dnsd" "$O/bench/bench_policy"; do
	if [ ! -x "$f" ]; then
		echo "callgrind: $f missing" >&2
		exit 1
	fi
done
if ! command -v valgrind >/dev/null || ! command -v callgrind_control \
    >/dev/null; then
	echo "callgrind: valgrind missing, not run"
	exit 0
fi
"$O/tests/dnsd" --zone bench/zones/policy.zone --listen 127.0.0.1:0 \
    --port-file "$tmp/dns.port" --max-seconds 300 2>"$tmp/dns.err" &
pids+=($!)
if ! wait_for "$tmp/dns.port" .; then
	echo "callgrind: dnsd did not start: $(cat "$tmp/dns.err")" >&2
	exit 1
fi
valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$OUT" \
    "$O/rmxfd" -c /dev/null --listen "unix:$tmp/r.sock" \
    --dns "127.0.0.1:$(cat "$tmp/dns.port")" --log stderr "$@" \
    2>"$tmp/rmxfd.log" &
rpid=$!
pids+=("$rpid")
if ! wait_for "$tmp/rmxfd.log" ': started'; then
	echo "callgrind: rmxfd did not start: $(cat "$tmp/rmxfd.log")" >&2
	exit 1
fi
"$O/bench/bench_policy" -s "unix:$tmp/r.sock" -c "$CONNS" -t 2 -l warm \
    >/dev/null
callgrind_control -i on "$rpid" >/dev/null 2>&1
"$O/bench/bench_policy" -s "unix:$tmp/r.sock" -c "$CONNS" -t "$SECS" \
    -l callgrind >"$tmp/run"
callgrind_control -i off "$rpid" >/dev/null 2>&1
kill -TERM "$rpid"
wait "$rpid"
awk -v conns="$CONNS" 'NR == FNR { n = $4 + conns; next }
    /^totals:/ { ir = $2 }
    END { if (n > 0 && ir > 0) printf "rmxfd under callgrind, %d " \
    "connections: %d requests, %.0f instructions, %.0f per request\n",
    conns, n, ir, ir / n }' "$tmp/run" "$OUT"
exit 0
