#!/bin/bash
# NAME
#	run.sh - rmxfd under Postfix policy load, against pypolicyd-spf
# SYNOPSIS
#	bash bench/policy/run.sh
# DESCRIPTION
#	The policy half of `make bench` (mk/bench-policy.mk); figures only,
#	no pass or fail.  On loopback only:
#
#	1. build/tests/dnsd serves bench/zones/policy.zone on a free port of
#	   127.0.0.1; rmxfd (-c /dev/null: the embedded defaults, and
#	   --log stderr to a file) listens on a unix socket and forwards to
#	   it.  First bench_policy -i prints rmxfd's VmHWM and VmRSS, opens
#	   1000 connections (one request each, then idle) and prints them
#	   again.
#	2. The ceiling: bench_bare (bench/bench_bare.c, epoll, answers
#	   "action=DUNNO" at every empty line, parses and logs nothing).
#	3. pypolicyd-spf (/usr/bin/policyd-spf), one process per connection
#	   as Postfix spawn(8) would run it, behind socat UNIX-LISTEN,fork,
#	   inside `unshare --mount` with a private /etc/resolv.conf naming a
#	   second dnsd on PY_DNS:53 (pyspf's pydns asks the servers of
#	   /etc/resolv.conf, on port 53 only).  Its HELO check is off, as
#	   rmxfd's is.  When the private resolv.conf cannot be put in place
#	   it is not run at all (its queries would leave the machine).
#	   With the three up, bench_policy -c drives each in turn at 1, 8,
#	   64 and 256 connections for BENCH_POLICY_SECONDS (after one
#	   warm-up request per connection, so the DNS cache is warm), with
#	   the CPU the client and the server used.  At 64 connections a
#	   second rmxfd with result_reuse_time = 0 runs too: every message
#	   evaluated afresh (the SPF engine over the recent DNS answers), the
#	   figure of a load whose client, HELO and sender never repeat
#	   within a second.  At 64 connections, the
#	   goal's point, that is done BENCH_POLICY_ROUNDS times, the three
#	   taking turns, and the table takes each one's median: on a shared
#	   virtual machine one run alone can be off by a third.  Then
#	   rmxfd at 64 connections over TCP to 127.0.0.1, rmxfd's VmHWM
#	   after all that, and the table: requests/s of the three and the
#	   ratios rmxfd/pypolicyd-spf, bare/pypolicyd-spf and rmxfd/bare at
#	   each connection count; below it rmxfd/bare of each round at 64
#	   connections and their median (the two run back to back, so the
#	   quotient is the figure the machine's swings move least), and
#	   what that leaves for rmxfd's own work, in units of the bare
#	   server's socket handling; and each rmxfd's result_reuse line at
#	   stop (hits, misses: how much of the load reused evaluations
#	   answered).
#	4. A third dnsd with --delay BENCH_POLICY_DELAY ms and a fresh rmxfd
#	   (cold cache): the mean time of evaluations of record shapes whose
#	   DNS dependency chains are 1 to 4 round trips deep, next to rounds
#	   times the delay.
#
#	CPUs: with taskset(1) and two CPUs or more, rmxfd and bench_bare
#	run on one CPU and bench_policy on the other, so that the two
#	single-threaded ends do not share a CPU or wander between CPUs
#	(on a 2-CPU virtual machine that wandering made runs differ by a
#	third); from round to round the two swap CPUs (CPU 1 for the
#	server in the first), since one virtual CPU can be slower than the
#	other for minutes.  pypolicyd-spf, one process per connection, is
#	not pinned: it may use every CPU, which favours it.
#	BENCH_POLICY_PIN=0 pins nothing.
#
#	Every process started is stopped by PID on exit; each dnsd also
#	stops by itself after DNSD_MAX seconds.  Environment: O (build
#	directory, default build), BENCH_POLICY_SECONDS (5),
#	BENCH_POLICY_DELAY (20), BENCH_POLICY_COLD (copies per shape, 10),
#	BENCH_POLICY_PIN (1), BENCH_POLICY_ROUNDS (5), PY_DNS (127.0.0.153).
# SEE ALSO
#	bench/bench_policy.c, doc/benchmarks.md, tests/daemon/run.sh
set -u

cd "$(dirname "$0")/../.." || exit 1
. tests/lib/scaffold.sh
scaffold_start bench
O=${O:-build}
RMXFD=$O/rmxfd
DNSD=$O/tests/dnsd
BP=$O/bench/bench_policy
BARE=$O/bench/bench_bare
ZONE=bench/zones/policy.zone
SECS=${BENCH_POLICY_SECONDS:-5}
DELAY=${BENCH_POLICY_DELAY:-20}
COLD=${BENCH_POLICY_COLD:-10}
ROUNDS=${BENCH_POLICY_ROUNDS:-5}
PY_DNS=${PY_DNS:-127.0.0.153}
PYPOLICYD=/usr/bin/policyd-spf
DNSD_MAX=300		# dnsd's own --max-seconds
IDLE=1000		# idle connections for the RSS figure
SRV=() CLI=()		# taskset prefixes of the server and the client
if [ "${BENCH_POLICY_PIN:-1}" != 0 ] && command -v taskset >/dev/null &&
    [ "$(nproc 2>/dev/null || echo 1)" -ge 2 ]; then
	SRV=(taskset -c 1)
	CLI=(taskset -c 0)
fi



# start_dnsd NAME LISTEN [ARGS...] - a dnsd; its port in $dnsport
start_dnsd() {
	local name=$1 listen=$2
	shift 2
	"$DNSD" --zone "$ZONE" --listen "$listen" \
	    --port-file "$tmp/$name.port" --max-seconds "$DNSD_MAX" "$@" \
	    2>"$tmp/$name.err" &
	pids+=($!)
	dnsport=
	wait_for "$tmp/$name.port" . && dnsport=$(cat "$tmp/$name.port")
	if [ -z "$dnsport" ]; then
		echo "bench: $name did not start: $(cat "$tmp/$name.err")" >&2
		return 1
	fi
}

# start_rmxfd NAME DNSPORT [CONF_LINE...] - an rmxfd on
# unix:$tmp/NAME.sock and on inet:127.0.0.1:$rport, the embedded
# defaults but for the lines given; PID in $rpid
start_rmxfd() {
	local name=$1 port=$2
	shift 2
	printf '%s\n' "$@" >"$tmp/$name.conf"
	"${SRV[@]}" "$RMXFD" -c "$tmp/$name.conf" \
	    --listen "unix:$tmp/$name.sock" --listen inet:127.0.0.1:0 \
	    --dns "127.0.0.1:$port" --log stderr 2>"$tmp/$name.log" &
	rpid=$!
	pids+=("$rpid")
	if ! wait_for "$tmp/$name.log" ': started'; then
		echo "bench: rmxfd did not start: $(cat "$tmp/$1.log")" >&2
		return 1
	fi
	rport=$(sed -n 's/.*listening on inet:127\.0\.0\.1:\([0-9]*\)$/\1/p' \
	    "$tmp/$name.log")
}

# stop_rmxfd NAME PID - SIGTERM, wait, and print its result_reuse line
stop_rmxfd() {
	local i line
	kill "$2" 2>/dev/null
	for ((i = 0; i < SCAFFOLD_WAIT; i++)); do
		kill -0 "$2" 2>/dev/null || break
		sleep 0.1
	done
	line=$(sed -n 's/.*\(result_reuse at stop: .*\)/\1/p' "$tmp/$1.log")
	printf '%-9s %s\n' "$1" "${line:-result_reuse off}"
}

for f in "$RMXFD" "$DNSD" "$BP" "$BARE"; do
	if [ ! -x "$f" ]; then
		echo "bench: $f missing (make bench-policy)" >&2
		exit 1
	fi
done
# 1000 connections on both ends
ulimit -n 4096 2>/dev/null || ulimit -n "$(ulimit -Hn)"

echo
echo "policy daemon (bench/policy/run.sh): ${SECS} s per run," \
    "unix socket, warm cache"
if [ ${#SRV[@]} -gt 0 ]; then
	echo "CPUs: rmxfd and bare on one, bench_policy on the other" \
	    "(swapped from round to round), pypolicyd-spf on any"
fi
start_dnsd dns 127.0.0.1:0 || exit 1
start_rmxfd rmxfd "$dnsport" || exit 1
rmxfd_pid=$rpid
# the miss path: every message evaluated (SPF over the recent answers)
start_rmxfd noreuse "$dnsport" "result_reuse_time = 0" || exit 1
noreuse_pid=$rpid
"${CLI[@]}" "$BP" -s "unix:$tmp/rmxfd.sock" -i "$IDLE" -p "$rmxfd_pid" \
    -l rmxfd

# --- the ceiling: a server that does no work -------------------------------
"${SRV[@]}" "$BARE" -s "unix:$tmp/bare.sock" -t "$DNSD_MAX" \
    >"$tmp/bare.out" 2>"$tmp/bare.err" &
bare_pid=$!
pids+=("$bare_pid")
if ! wait_for "$tmp/bare.out" listening; then
	echo "bare: did not start: $(cat "$tmp/bare.err")"
	bare_pid=
fi

# --- pypolicyd-spf -------------------------------------------------------
py_up=
if [ ! -x "$PYPOLICYD" ] || ! command -v socat >/dev/null ||
    ! command -v unshare >/dev/null; then
	echo "pypolicyd-spf: not run ($PYPOLICYD, socat or unshare missing)"
elif ! start_dnsd pydns "$PY_DNS:53"; then
	echo "pypolicyd-spf: not run (no dnsd on $PY_DNS:53)"
else
	printf 'nameserver %s\n' "$PY_DNS" >"$tmp/resolv.conf"
	cat >"$tmp/policyd-spf.conf" <<-EOF
	debugLevel = 0
	TestOnly = 1
	HELO_reject = No_Check
	Mail_From_reject = Fail
	PermError_reject = False
	TempError_Defer = False
	skip_addresses = 127.0.0.0/8,::ffff:127.0.0.0/104,::1
	EOF
	# The private resolv.conf must be in place before anything runs.
	# shellcheck disable=SC2016
	unshare --mount sh -c '
		mount --bind "$1/resolv.conf" /etc/resolv.conf || exit 1
		[ "$(cat /etc/resolv.conf)" = "nameserver $2" ] || exit 1
		: >"$1/py.ready"
		exec socat "UNIX-LISTEN:$1/py.sock,fork,backlog=512" \
		    "EXEC:$3 $1/policyd-spf.conf"
	' sh "$tmp" "$PY_DNS" "$PYPOLICYD" 2>"$tmp/py.err" &
	pids+=($!)
	for ((i = 0; i < SCAFFOLD_WAIT; i++)); do
		[ -f "$tmp/py.ready" ] && [ -S "$tmp/py.sock" ] && break
		sleep 0.1
	done
	if [ ! -S "$tmp/py.sock" ]; then
		echo "pypolicyd-spf: not run (no private resolv.conf:" \
		    "$(cat "$tmp/py.err"))"
	else
		py_up=1
	fi
fi

# --- the load: the three in turn -----------------------------------------
echo
echo "rmxfd, bare (bench_bare: answers DUNNO at each empty line, no" \
    "parsing, no log) and pypolicyd-spf (policyd-spf per connection," \
    "socat, dnsd at $PY_DNS:53) in turn; at 64 connections $ROUNDS rounds:"
for c in 1 8 64 256; do
	rounds=1
	[ "$c" = 64 ] && rounds=$ROUNDS
	for ((r = 0; r < rounds; r++)); do
		# the rounds swap the CPUs of server and client: on a shared
		# virtual machine one CPU can be the slower for minutes
		if [ ${#SRV[@]} -gt 0 ]; then
			CLI=(taskset -c $((r % 2)))
			for pid in "$rmxfd_pid" "$noreuse_pid" $bare_pid; do
				taskset -pc $(((r + 1) % 2)) "$pid" >/dev/null
			done
		fi
		"${CLI[@]}" "$BP" -s "unix:$tmp/rmxfd.sock" -c "$c" \
		    -t "$SECS" -l rmxfd -p "$rmxfd_pid" | tee -a "$tmp/results"
		if [ "$c" = 64 ]; then
			"${CLI[@]}" "$BP" -s "unix:$tmp/noreuse.sock" -c "$c" \
			    -t "$SECS" -l rmxfd-noreuse -p "$noreuse_pid" |
			    tee -a "$tmp/results"
		fi
		if [ -n "$bare_pid" ]; then
			"${CLI[@]}" "$BP" -s "unix:$tmp/bare.sock" -c "$c" \
			    -t "$SECS" -l bare -p "$bare_pid" |
			    tee -a "$tmp/results"
		fi
		if [ -n "$py_up" ]; then
			"${CLI[@]}" "$BP" -s "unix:$tmp/py.sock" -c "$c" \
			    -t "$SECS" -l pypolicyd | tee -a "$tmp/results"
		fi
	done
done
if [ -n "$rport" ]; then
	"${CLI[@]}" "$BP" -s "inet:127.0.0.1:$rport" -c 64 -t "$SECS" \
	    -l rmxfd-tcp -p "$rmxfd_pid"
fi
printf '%-9s %-37s%s  %s\n' rmxfd 'after the load runs:' \
    "$(grep VmHWM "/proc/$rmxfd_pid/status")" \
    "$(grep VmRSS "/proc/$rmxfd_pid/status")"
stop_rmxfd rmxfd "$rmxfd_pid"
stop_rmxfd noreuse "$noreuse_pid"
[ -n "$bare_pid" ] && kill "$bare_pid" 2>/dev/null

# --- the table ---------------------------------------------------------------
echo
echo "requests/s and ratios (unix socket; at 64 connections the" \
    "median of $ROUNDS runs):"
awk '{ k = $1 "/" $2; v[k, ++n[k]] = $6 }
    # the median of the runs of one server at one connection count
    function med(k,    m, i, j, t, a) {
	m = n[k] + 0
	if (m == 0)
		return 0
	for (i = 1; i <= m; i++)
		a[i] = v[k, i] + 0
	for (i = 2; i <= m; i++)
		for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
			t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
		}
	return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
    }
    function r(a, b) { return b > 0 && a > 0 ? sprintf("%.1fx", a / b) : "-" }
    function f(a) { return a > 0 ? sprintf("%.0f", a) : "-" }
    END {
	printf "%6s %9s %9s %9s %12s %12s %12s\n", "conns", "rmxfd", \
	    "bare", "pypolicyd", "rmxfd/py", "bare/py", "rmxfd/bare"
	for (i = 1; i <= 4; i++) {
		c = substr("1   8   64  256 ", 4 * i - 3, 4) + 0
		x = med("rmxfd/" c); b = med("bare/" c)
		p = med("pypolicyd/" c)
		printf "%6d %9s %9s %9s %12s %12s %12s\n", c, f(x), f(b), \
		    f(p), r(x, p), r(b, p), r(x, b)
	}
	x = med("rmxfd-noreuse/64"); p = med("pypolicyd/64")
	b = med("bare/64")
	printf "%6s %9s %9s %9s %12s %12s %12s\n", "64 *", f(x), f(b), \
	    f(p), r(x, p), r(b, p), r(x, b)
	print "(* rmxfd result_reuse_time = 0: every message evaluated" \
	    " afresh, SPF over the recent DNS answers)"
	# rmxfd and bare ran back to back in each round, so their quotient
	# keeps less of the swings of the machine than the medians do
	m = n["rmxfd/64"] < n["bare/64"] ? n["rmxfd/64"] : n["bare/64"]
	line = ""
	for (i = 1; i <= m; i++) {
		if (v["rmxfd/64", i] + 0 <= 0 || v["bare/64", i] + 0 <= 0)
			continue	# a round that failed
		v["q", ++n["q"]] = v["rmxfd/64", i] / v["bare/64", i]
		line = line sprintf(" %.2f", v["q", n["q"]])
	}
	if (n["q"] > 0) {
		q = med("q")
		printf "rmxfd/bare at 64 connections, round by round:%s;" \
		    " median %.2f\n", line, q
		printf "the work rmxfd does per request beyond bare: %.2f" \
		    " times the socket handling of bare\n", 1 / q - 1
	}
    }' "$tmp/results"

# --- cold cache, DNS latency ---------------------------------------------
echo
echo "cold cache, ${DELAY} ms per DNS answer (dnsd --delay), one" \
    "connection, $COLD senders per shape:"
start_dnsd slow 127.0.0.1:0 --delay "$DELAY" --log "$tmp/slow.q" || exit 1
start_rmxfd cold "$dnsport" || exit 1
printf '%-10s %7s %7s %10s %10s %10s %10s %6s\n' shape lookups rounds \
    expect_ms mean_ms min_ms max_ms evals
for s in flat:1:1 wide3:4:2 chain3:4:4 amx:5:3; do
	"${CLI[@]}" "$BP" -s "unix:$tmp/cold.sock" -e "$s" -n "$COLD" -D "$DELAY"
done
echo "(DNS queries dnsd answered for them: $(wc -l <"$tmp/slow.q"))"
exit 0
