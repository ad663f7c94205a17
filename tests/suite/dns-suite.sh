#!/bin/bash
# NAME
#	dns-suite.sh - an openspf conformance suite over real DNS
# SYNOPSIS
#	bash tests/suite/dns-suite.sh [--summary-stderr] [SUITE.yml]
# DESCRIPTION
#	The same tests as `spf_suite --inproc`, but through the real binary,
#	real DNS packets and the resolver a user gets: build/tests/spf_suite
#	--emit writes one zone per scenario and tests.tsv (with the results
#	of tests/suite/deviations.txt applied, as the in-process runner
#	does).  Each scenario runs in private namespaces of its own
#	(tests/lib/netns.sh: only lo, /etc/resolv.conf bind-mounted to
#	"nameserver 127.0.0.1"), where build/tests/dnsd serves the zone on
#	127.0.0.1:53 and every test of the scenario runs as
#	    build/rmxf check --ip IP --sender MAILFROM --helo HELO --timeout 2
#	with no --dns: libunbound forwards to the servers of
#	/etc/resolv.conf, as for a user who passes nothing.  The first line
#	of output is the result word (on fail, optionally followed by one
#	space and the explanation).  Results and explanations are compared
#	as the in-process runner does, except "explanation: DEFAULT", which
#	only the in-process runner can check.  Two scenarios run at a time
#	(JOBS); each test that needs a DNS timeout costs the 2 s deadline.
#
#	Output is TAP ("ok N - rfc7208/TEST", "not ok N - rfc7208/TEST: got
#	X, want Y") and the line "spf_suite: N passed, N failed" (also on
#	stderr with --summary-stderr).  Exit 0 when every test passed.
#
#	The suite defaults to tests/suite/openspf/rfc7208-tests.yml.  A
#	suite that cannot be read, a program not built, or namespaces that
#	cannot be made (not root, no unshare) end the run with "Bail out!"
#	and exit 2: nothing is skipped.  Every dnsd is stopped by PID, and
#	dies with its namespace in any case.
# ENVIRONMENT
#	O (build directory, default build), JOBS (default 2), SPF_SUITE_VIA
#	(debugging: "dns" serves each zone on a free port of 127.0.0.1 in
#	the host's namespaces and passes --dns 127.0.0.1:PORT, no root
#	needed; "zone" runs rmxf check --zone, no DNS at all).
# SEE ALSO
#	tests/tools/spf_suite/spf_suite.c, tests/tools/dnsd,
#	tests/lib/netns.sh, tests/suite/openspf/README.md,
#	doc/zone-format.md
set -u
. "$(dirname "$0")/../lib/netns.sh"

export O=${O:-build}
JOBS=${JOBS:-2}
VIA=${SPF_SUITE_VIA:-resolvconf}
CHECK_TIMEOUT=2		# rmxf check --timeout, seconds
CHECK_KILL=20		# a hung rmxf check is killed after this, seconds
DNSD_START=50		# tenths of a second to wait for dnsd's port file
DNSD_MAX_SECONDS=600	# dnsd exits by itself after this
RESOLV_LISTEN=127.0.0.1:53	# what "nameserver 127.0.0.1" means

# split_tsv - split $1 on tabs into the array F (empty fields kept)
split_tsv() {
	local line=$1
	F=()
	while [[ $line == *$'\t'* ]]; do
		F+=("${line%%$'\t'*}")
		line=${line#*$'\t'}
	done
	F+=("$line")
}

# start_dnsd ZONE TAG ADDR:PORT - start dnsd on ZONE; sets PORT, DPID
start_dnsd() {
	local zone=$1 tag=$2 i
	"$O/tests/dnsd" --zone "$zone" --listen "$3" \
	    --port-file "$work/$tag.port" --pid-file "$work/$tag.pid" \
	    --max-seconds "$DNSD_MAX_SECONDS" 2>"$work/$tag.dnsd.err" &
	DPID=$!
	echo "$DPID" >>"$piddir/$tag"
	for ((i = 0; i < DNSD_START; i++)); do
		if [ -s "$work/$tag.port" ]; then
			PORT=$(head -n 1 "$work/$tag.port")
			if [ -s "$work/$tag.pid" ]; then
				head -n 1 "$work/$tag.pid" >>"$piddir/$tag"
			fi
			return 0
		fi
		kill -0 "$DPID" 2>/dev/null || break
		sleep 0.1
	done
	return 1
}

# stop_dnsd TAG - stop the dnsd of a scenario by its PIDs
stop_dnsd() {
	local tag=$1 pid
	[ -f "$piddir/$tag" ] || return 0
	while read -r pid; do
		[ -n "$pid" ] && kill "$pid" 2>/dev/null
	done <"$piddir/$tag"
	wait "$DPID" 2>/dev/null
	rm -f "$piddir/$tag"
}

# run_test - one tests.tsv row (in F) against server; one result line
run_test() {
	local test=${F[1]} ip=${F[2]} from=${F[3]} helo=${F[4]}
	local results=${F[5]} want_exp=${F[6]}
	local out rc first word exp acc ok=0
	out=$(timeout "$CHECK_KILL" "$O/rmxf" check "${server[@]}" \
	    --ip "$ip" --sender "$from" --helo "$helo" \
	    --timeout "$CHECK_TIMEOUT" 2>"$work/$tag.err")
	rc=$?
	first=${out%%$'\n'*}
	word=${first%% *}
	exp=
	[[ $first == *" "* ]] && exp=${first#* }
	IFS=, read -ra acc <<<"$results"
	for r in "${acc[@]}"; do
		[ "$word" = "$r" ] && ok=1
	done
	if [ -z "$word" ]; then
		echo "not ok - $name/$test: no result (exit $rc: $(head -n 1 \
		    "$work/$tag.err"))"
	elif [ $ok = 0 ]; then
		echo "not ok - $name/$test: got $word, want ${results//,/ or }"
	elif [ "$word" = fail ] && [ -n "$want_exp" ] &&
	    [ "$want_exp" != DEFAULT ] && [ "$exp" != "$want_exp" ]; then
		echo "not ok - $name/$test: got explanation \"$exp\"," \
		    "want \"$want_exp\""
	else
		echo "ok - $name/$test"
	fi
}

# run_scenario ZONEFILE - every test of one zone, into out/ZONEFILE; in
# resolvconf mode the caller is already in the scenario's namespaces
run_scenario() {
	local zfile=$1 tag=${1%.zone} line why=
	local out="$work/out/$tag"
	: >"$out"
	server=()
	case $VIA in
	zone)
		server=(--zone "$work/emit/$zfile")
		;;
	dns)
		if start_dnsd "$work/emit/$zfile" "$tag" 127.0.0.1:0; then
			server=(--dns "127.0.0.1:$PORT")
		else
			why="dnsd did not start: $(head -n 1 \
			    "$work/$tag.dnsd.err")"
		fi
		;;
	*)
		if ! netns_resolv "$work/$tag.resolv.conf" \
		    2>"$work/$tag.ns.err"; then
			why="no private resolv.conf: $(head -n 1 \
			    "$work/$tag.ns.err")"
		elif ! start_dnsd "$work/emit/$zfile" "$tag" \
		    "$RESOLV_LISTEN"; then
			why="dnsd did not start on $RESOLV_LISTEN: $(head \
			    -n 1 "$work/$tag.dnsd.err")"
		fi
		;;
	esac
	while IFS= read -r line; do
		[[ $line == \#* ]] && continue
		split_tsv "$line"
		[ "${F[0]}" = "$zfile" ] || continue
		if [ -n "$why" ]; then
			echo "not ok - $name/${F[1]}: $why" >>"$out"
			continue
		fi
		run_test >>"$out"
	done <"$work/emit/tests.tsv"
	[ "$VIA" = zone ] || stop_dnsd "$tag"
}

# A scenario in its own namespaces (started by the loop below):
# --scenario WORK NAME ZONEFILE
if [ "${1:-}" = --scenario ]; then
	work=$2
	name=$3
	piddir=$work/nspids
	run_scenario "$4"
	exit 0
fi

summary_stderr=0
if [ "${1:-}" = --summary-stderr ]; then
	summary_stderr=1
	shift
fi
suite=${1:-tests/suite/openspf/rfc7208-tests.yml}
name=$(basename "$suite")
name=${name%-tests.yml}
name=${name%.yml}

if [ ! -r "$suite" ]; then
	echo "Bail out! $suite cannot be read"
	exit 2
fi
for f in "$O/tests/spf_suite" "$O/rmxf"; do
	if [ ! -x "$f" ]; then
		echo "Bail out! $f not built (make all tests)"
		exit 2
	fi
done
if [ "$VIA" != zone ] && [ ! -x "$O/tests/dnsd" ]; then
	echo "Bail out! $O/tests/dnsd not built (make tests)"
	exit 2
fi
case $VIA in
dns | zone) ;;
resolvconf)
	if ! netns_can; then
		echo "Bail out! cannot create network and mount namespaces" \
		    "(${NETNS_UNSHARE[*]}): run as root; the suite checks" \
		    "rmxf through /etc/resolv.conf only in a namespace"
		exit 2
	fi
	;;
*)
	echo "Bail out! SPF_SUITE_VIA=$VIA: resolvconf, dns or zone"
	exit 2
	;;
esac

work=$(mktemp -d "${TMPDIR:-/tmp}/dns-suite.XXXXXX")
piddir=$work/pids

# cleanup - stop the scenarios still running and every dnsd still
# listed, by PID; remove the work directory.  unshare blocks SIGTERM
# while it waits for its child, so a scenario's unshare gets SIGKILL,
# which kills its namespace's processes with it (--kill-child).
cleanup() {
	local f pid
	for pid in $(jobs -p); do
		kill -KILL "$pid" 2>/dev/null
	done
	for f in "$piddir"/*; do
		[ -f "$f" ] || continue
		while read -r pid; do
			[ -n "$pid" ] && kill "$pid" 2>/dev/null
		done <"$f"
	done
	wait
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$piddir" "$work/nspids" "$work/out"
if ! "$O/tests/spf_suite" --emit "$work/emit" \
    --deviations tests/suite/deviations.txt "$suite" >&2; then
	echo "Bail out! spf_suite --emit failed"
	exit 2
fi

ntests=$(grep -vc '^#' "$work/emit/tests.tsv")
echo "1..$ntests"
zones=$(cd "$work/emit" && ls -- *.zone)
for z in $zones; do
	while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do
		wait -n
	done
	if [ "$VIA" = resolvconf ]; then
		"${NETNS_UNSHARE[@]}" bash "$0" --scenario "$work" "$name" \
		    "$z" &
	else
		run_scenario "$z" &
	fi
done
wait

n=0
passed=0
failed=0
for z in $zones; do
	while IFS= read -r line; do
		n=$((n + 1))
		case $line in
		ok*)
			passed=$((passed + 1))
			echo "ok $n ${line#ok }"
			;;
		*)
			failed=$((failed + 1))
			echo "not ok $n ${line#not ok }"
			;;
		esac
	done <"$work/out/${z%.zone}"
done
summary="spf_suite: $passed passed, $failed failed"
echo "$summary"
[ $summary_stderr = 1 ] && echo "$summary" >&2
[ "$n" = "$ntests" ] && [ "$failed" = 0 ]
