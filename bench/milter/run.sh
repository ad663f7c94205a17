#!/bin/bash
# NAME
#	run.sh - rmxfd's Milter front end under load, against pyspf-milter
# SYNOPSIS
#	bash bench/milter/run.sh
# DESCRIPTION
#	The Milter half of `make bench` (mk/bench-milter.mk); figures only,
#	no pass or fail.  On loopback only:
#
#	1. build/tests/dnsd serves bench/zones/policy.zone (the load mix of
#	   the policy benchmark, so that both measure the same SPF work) on a
#	   free port of 127.0.0.1; rmxfd (the embedded defaults but
#	   test_dkim and test_dmarc off: pyspf-milter checks SPF only, so
#	   rmxfd does too; --log stderr to a file) listens with --milter and
#	   sends its queries there (--dns).  An rmxfd that refuses --milter
#	   is skipped, and said.  DKIM and DMARC: bench/dkim/run.sh.
#	2. Debian's pyspf-milter (/usr/bin/pyspf-milter, configuration
#	   written here: SPF of MAIL FROM, fails rejected, HELO check off as
#	   rmxfd's is, an Authentication-Results header otherwise) runs in
#	   the foreground inside `unshare --mount` with a private
#	   /etc/resolv.conf naming a second dnsd on PY_DNS:53 (pyspf asks the
#	   servers of /etc/resolv.conf, on port 53 only).  When that cannot
#	   be put in place it is not run at all (its queries would leave the
#	   machine).
#	3. The ceiling (unix sockets only): bench_milter_bare
#	   (bench/bench_milter_bare.c, answers every step at once, does no
#	   work), with the protocol flags rmxfd negotiates (else
#	   pyspf-milter's), so that it gets the same packets.
#	4. bench_milter (bench/bench_milter.c: the MTA side of the Milter
#	   protocol as Postfix 3.7 plays it, one SMTP session per message;
#	   after an accepted message the next session follows on the same
#	   connection, SMFIC_QUIT_NC, after a reject on a new one) drives
#	   each in turn at 1, 8 and 64 connections at once for
#	   BENCH_MILTER_SECONDS after a warm-up second (warm caches); at 64,
#	   the goal's point, BENCH_MILTER_ROUNDS times, the three taking
#	   turns, and the table takes the medians.  Then each once at 64
#	   connections with -R ("64 R"): every message on a connection of
#	   its own with its own SMFIC_OPTNEG, as Postfix opens one per SMTP
#	   session.  "wrong" counts messages whose outcome is not the one of
#	   the sender's SPF result (fail accepted, or another rejected).
#	   The table: messages/s of each, the ratios to pyspf-milter, and
#	   p99 of rmxfd and pyspf-milter.
#
#	Both listen on the same kind of socket: BENCH_MILTER_SOCKET unix
#	(the default; a socket under the scratch directory) or inet (a free
#	port of 127.0.0.1).  Over TCP a filter that writes a header change
#	and its final reply as two segments can wait for the MTA's delayed
#	acknowledgement (Nagle's algorithm), about 40 ms a message on Linux.
#
#	CPUs: with taskset(1) and two CPUs or more, rmxfd and the bare
#	filter run on one CPU and bench_milter on the other, swapped from
#	round to round;
#	pyspf-milter (one thread per connection) is not pinned: it may use
#	every CPU, which favours it.  BENCH_MILTER_PIN=0 pins nothing.
#
#	Every process started is stopped by PID on exit; each dnsd also
#	stops by itself after DNSD_MAX seconds.  Environment: O (build
#	directory, default build), BENCH_MILTER_SECONDS (5),
#	BENCH_MILTER_ROUNDS (3), BENCH_MILTER_SOCKET (unix),
#	BENCH_MILTER_PIN (1), PY_DNS (127.0.0.154).
# SEE ALSO
#	bench/bench_milter.c, bench/policy/run.sh, doc/benchmarks.md
set -u

cd "$(dirname "$0")/../.." || exit 1
. tests/lib/scaffold.sh
scaffold_start bench-milter
O=${O:-build}
RMXFD=$O/rmxfd
DNSD=$O/tests/dnsd
BM=$O/bench/bench_milter
BMB=$O/bench/bench_milter_bare
ZONE=bench/zones/policy.zone
SECS=${BENCH_MILTER_SECONDS:-5}
ROUNDS=${BENCH_MILTER_ROUNDS:-3}
KIND=${BENCH_MILTER_SOCKET:-unix}
PY_DNS=${PY_DNS:-127.0.0.154}
PYMILTER=/usr/bin/pyspf-milter
DNSD_MAX=600		# dnsd's own --max-seconds
SRV=() CLI=()		# taskset prefixes of the server and the client
if [ "${BENCH_MILTER_PIN:-1}" != 0 ] && command -v taskset >/dev/null &&
    [ "$(nproc 2>/dev/null || echo 1)" -ge 2 ]; then
	SRV=(taskset -c 1)
	CLI=(taskset -c 0)
fi

# start_dnsd NAME LISTEN - a dnsd; its port in $dnsport
start_dnsd() {
	"$DNSD" --zone "$ZONE" --listen "$2" --port-file "$tmp/$1.port" \
	    --max-seconds "$DNSD_MAX" 2>"$tmp/$1.err" &
	pids+=($!)
	dnsport=
	wait_for "$tmp/$1.port" . && dnsport=$(cat "$tmp/$1.port")
	if [ -z "$dnsport" ]; then
		echo "bench: $1 did not start: $(cat "$tmp/$1.err")" >&2
		return 1
	fi
}

# free_port - a free TCP port of 127.0.0.1
free_port() {
	local p i
	for ((i = 0; i < 200; i++)); do
		p=$((20000 + RANDOM % 40000))
		if [ -z "$(ss -Hltn "( sport = :$p )" 2>/dev/null)" ]; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

# socket_of NAME - the bench_milter address of filter NAME, by $KIND
socket_of() {
	if [ "$KIND" = inet ]; then
		echo "inet:127.0.0.1:$(free_port)"
	else
		echo "unix:$tmp/$1.sock"
	fi
}

# socket_up SPEC - whether something listens on SPEC
socket_up() {
	case $1 in
	unix:*) [ -S "${1#unix:}" ] ;;
	inet:*) [ -n "$(ss -Hltn "( sport = :${1##*:} )" 2>/dev/null)" ] ;;
	esac
}

# wait_up SPEC PID - until SPEC listens, while PID lives
wait_up() {
	local i
	for ((i = 0; i < SCAFFOLD_WAIT * 2; i++)); do
		socket_up "$1" && return 0
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

for f in "$RMXFD" "$DNSD" "$BM" "$BMB"; do
	if [ ! -x "$f" ]; then
		echo "bench: $f missing (make bench-milter)" >&2
		exit 1
	fi
done
if [ "$KIND" != unix ] && [ "$KIND" != inet ]; then
	echo "bench: BENCH_MILTER_SOCKET=$KIND: not unix or inet" >&2
	exit 1
fi

echo
echo "milter (bench/milter/run.sh): ${SECS} s per run, $KIND socket," \
    "one SMTP session per message, warm cache"
if [ ${#SRV[@]} -gt 0 ]; then
	echo "CPUs: rmxfd on one, bench_milter on the other (swapped from" \
	    "round to round), pyspf-milter on any"
fi
start_dnsd dns 127.0.0.1:0 || exit 1

# --- rmxfd -------------------------------------------------------------------
rmxfd_pid=
rsock=$(socket_of rmxfd)
printf 'test_dkim = no\ntest_dmarc = no\n' >"$tmp/rmxfd.conf"
"${SRV[@]}" "$RMXFD" -c "$tmp/rmxfd.conf" --milter "$rsock" \
    --dns "127.0.0.1:$dnsport" --log stderr 2>"$tmp/rmxfd.log" &
pid=$!
pids+=("$pid")
if wait_up "$rsock" "$pid"; then
	rmxfd_pid=$pid
else
	echo "rmxfd: skipped (no Milter socket; --milter refused?):" \
	    "$(head -3 "$tmp/rmxfd.log")"
	kill "$pid" 2>/dev/null
fi

# --- pyspf-milter ------------------------------------------------------------
py_pid=
psock=$(socket_of py)
if [ ! -x "$PYMILTER" ] || ! command -v unshare >/dev/null; then
	echo "pyspf-milter: not run ($PYMILTER or unshare missing)"
elif ! start_dnsd pydns "$PY_DNS:53"; then
	echo "pyspf-milter: not run (no dnsd on $PY_DNS:53)"
else
	printf 'nameserver %s\n' "$PY_DNS" >"$tmp/resolv.conf"
	# it opens its socket after dropping to its user (UserID)
	mkdir -p "$tmp/py"
	chown pyspf-milter "$tmp/py" 2>/dev/null
	chmod 711 "$tmp"
	[ "$KIND" = unix ] && psock=unix:$tmp/py/py.sock
	case $psock in
	unix:*) pysocket=local:${psock#unix:} ;;
	inet:*) pysocket=inet:${psock##*:}@127.0.0.1 ;;
	esac
	cat >"$tmp/pyspf-milter.conf" <<-EOF
	debugLevel = 0
	TestOnly = 1
	HELO_reject = No_Check
	Mail_From_reject = Fail
	PermError_reject = False
	TempError_Defer = False
	skip_addresses = 127.0.0.0/8,::ffff:127.0.0.0/104,::1
	Socket = $pysocket
	PidFile = $tmp/pyspf-milter.pid
	UserID = pyspf-milter
	InternalHosts = 127.0.0.1
	EOF
	# The private resolv.conf must be in place before anything runs.
	# shellcheck disable=SC2016
	unshare --mount sh -c '
		mount --bind "$1/resolv.conf" /etc/resolv.conf || exit 1
		[ "$(cat /etc/resolv.conf)" = "nameserver $2" ] || exit 1
		exec "$3" "$1/pyspf-milter.conf"
	' sh "$tmp" "$PY_DNS" "$PYMILTER" >"$tmp/py.err" 2>&1 &
	pid=$!
	pids+=("$pid")
	if wait_up "$psock" "$pid"; then
		py_pid=$pid
	else
		echo "pyspf-milter: not run: $(head -3 "$tmp/py.err")"
	fi
fi

# --- the ceiling: a filter that does no work --------------------------------
bare_pid=
flags=0
for spec in ${rmxfd_pid:+"$rsock"} ${py_pid:+"$psock"}; do
	flags=$("$BM" -s "$spec" --once 2>/dev/null |
	    sed -n 's/^< O OPTNEG .* protocol 0x\([0-9a-f]*\):.*/\1/p')
	[ -n "$flags" ] && break
done
if [ "$KIND" = unix ]; then
	"${SRV[@]}" "$BMB" -s "unix:$tmp/bare.sock" -P "${flags:-0}" \
	    -t "$DNSD_MAX" >"$tmp/bare.out" 2>"$tmp/bare.err" &
	pid=$!
	pids+=("$pid")
	if wait_for "$tmp/bare.out" listening; then
		bare_pid=$pid
		echo "bare: bench_milter_bare, protocol flags 0x${flags:-0}"
	else
		echo "bare: did not start: $(cat "$tmp/bare.err")"
	fi
fi

# run_one LABEL SPEC PID CONNS [ARGS...] - one bench_milter load run
run_one() {
	local label=$1 spec=$2 pid=$3 c=$4
	shift 4
	"${CLI[@]}" "$BM" -s "$spec" -c "$c" -t "$SECS" -l "$label" \
	    -p "$pid" "$@" >"$tmp/one.out" || {
		echo "$label: bench_milter failed at $c connections"
		return 0
	}
	grep -v '^MILTERBENCH ' "$tmp/one.out"
	sed -n 's/^MILTERBENCH //p' "$tmp/one.out" >>"$tmp/results"
}

# --- the load: the two in turn -------------------------------------------
echo
echo "rmxfd, bare and pyspf-milter in turn; rej: at MAIL/RCPT/other;" \
    "hdr: messages with a header added; wrong: against the SPF result" \
    "(bare accepts all); at 64 connections $ROUNDS rounds:"
: >"$tmp/results"
for c in 1 8 64; do
	rounds=1
	[ "$c" = 64 ] && rounds=$ROUNDS
	for ((r = 0; r < rounds; r++)); do
		if [ ${#SRV[@]} -gt 0 ]; then
			CLI=(taskset -c $((r % 2)))
			for pid in $rmxfd_pid $bare_pid; do
				taskset -pc $(((r + 1) % 2)) "$pid" >/dev/null
			done
		fi
		[ -n "$rmxfd_pid" ] && run_one rmxfd "$rsock" "$rmxfd_pid" "$c"
		[ -n "$bare_pid" ] &&
		    run_one bare "unix:$tmp/bare.sock" "$bare_pid" "$c"
		[ -n "$py_pid" ] && run_one pyspf-milter "$psock" "$py_pid" "$c"
	done
done
[ -n "$rmxfd_pid" ] && run_one rmxfd-R "$rsock" "$rmxfd_pid" 64 -R
[ -n "$bare_pid" ] && run_one bare-R "unix:$tmp/bare.sock" "$bare_pid" 64 -R
[ -n "$py_pid" ] && run_one pyspf-milter-R "$psock" "$py_pid" 64 -R
if [ -n "$rmxfd_pid" ]; then
	printf '%-12s after the load runs: %s  %s\n' rmxfd \
	    "$(grep VmHWM "/proc/$rmxfd_pid/status")" \
	    "$(grep VmRSS "/proc/$rmxfd_pid/status")"
fi

# --- the table ---------------------------------------------------------------
echo
echo "messages/s, ratio and p99 ms ($KIND socket; at 64 connections the" \
    "median of $ROUNDS runs; 64 R: a connection per message):"
# MILTERBENCH lines to "label conns mps p99", then the medians
sed 's/[{}"]//g' "$tmp/results" | awk -F, '{
	for (i = 1; i <= NF; i++) {
		split($i, kv, ":")
		f[kv[1]] = kv[2]
	}
	print f["label"], f["conns"], f["mps"], f["p99_ms"]
}' | awk '{ k = $1 "/" $2; n[k]++; m[k, n[k]] = $3; p[k, n[k]] = $4 }
    # the median of the values of one series
    function med(a, k,    c, i, j, t, v) {
	c = n[k] + 0
	if (c == 0)
		return 0
	for (i = 1; i <= c; i++)
		v[i] = (a == "m" ? m[k, i] : p[k, i]) + 0
	for (i = 2; i <= c; i++)
		for (j = i; j > 1 && v[j - 1] > v[j]; j--) {
			t = v[j]; v[j] = v[j - 1]; v[j - 1] = t
		}
	return c % 2 ? v[(c + 1) / 2] : (v[c / 2] + v[c / 2 + 1]) / 2
    }
    function f(v) { return v > 0 ? sprintf("%.0f", v) : "-" }
    function q(a, b) { return a > 0 && b > 0 ? sprintf("%.1fx", a / b) : "-" }
    function row(name, c, sfx,    x, y, z) {
	x = med("m", "rmxfd" sfx "/" c); y = med("m", "pyspf-milter" sfx "/" c)
	z = med("m", "bare" sfx "/" c)
	printf "%6s %8s %8s %8s %11s %9s %9s %9s\n", name, f(x), f(y), \
	    f(z), q(x, y), q(z, y), \
	    (x > 0 ? sprintf("%.3f", med("p", "rmxfd" sfx "/" c)) : "-"), \
	    (y > 0 ? sprintf("%.3f", med("p", "pyspf-milter" sfx "/" c)) : "-")
    }
    END {
	printf "%6s %8s %8s %8s %11s %9s %9s %9s\n", "conns", "rmxfd", \
	    "pyspf", "bare", "rmxfd/pyspf", "bare/py", "rmxfd p99", \
	    "pyspf p99"
	row(1, 1, "")
	row(8, 8, "")
	row(64, 64, "")
	row("64 R", 64, "-R")
	line = ""
	for (i = 1; i <= n["rmxfd/64"] && i <= n["pyspf-milter/64"]; i++)
		if (m["pyspf-milter/64", i] > 0)
			line = line sprintf(" %.1fx", m["rmxfd/64", i] / \
			    m["pyspf-milter/64", i])
	if (line != "")
		print "rmxfd/pyspf-milter at 64 connections, round by round:" \
		    line
    }'
exit 0
