#!/bin/bash
# NAME
#	dns-suite.sh - the RFC 7208 conformance suite over real DNS
# SYNOPSIS
#	bash tests/suite/dns-suite.sh [--summary-stderr] [SUITE.yml]
# DESCRIPTION
#	The same tests as `spf_suite --inproc`, but through the real binary
#	and real DNS packets: build/tests/spf_suite --emit writes one zone
#	per scenario and tests.tsv; for each scenario a build/tests/dnsd
#	serves the zone on 127.0.0.1 (a port of its choosing) and every test
#	of the scenario runs as
#	    build/rmxf check --dns 127.0.0.1:PORT --ip IP --sender MAILFROM
#	        --helo HELO --timeout 2
#	whose first line of output is the result word (on fail, optionally
#	followed by one space and the explanation).  Results and
#	explanations are compared as the in-process runner does, except
#	"explanation: DEFAULT", which only the in-process runner can check.
#	Two scenarios run at a time (JOBS); each test that needs a DNS
#	timeout costs the 2 s deadline.
#
#	Output is TAP ("ok N - rfc7208/TEST", "not ok N - rfc7208/TEST: got
#	X, want Y") and the line "spf_suite: N passed, N failed" (also on
#	stderr with --summary-stderr).  Exit 0 when every test passed.
#
#	The suite defaults to ../shared/conformance/spf/rfc7208-tests.yml;
#	when it is absent the script warns loudly and skips (TAP "1..0 #
#	SKIP").  Every dnsd it starts is stopped by PID, also on exit or
#	interrupt.  Environment: O (build directory, default build), JOBS
#	(default 2), SPF_SUITE_VIA=zone (debugging only: rmxf check --zone
#	instead of dnsd).
# SEE ALSO
#	tests/tools/spf_suite/spf_suite.c, tests/tools/dnsd, doc/zone-format.md
set -u

O=${O:-build}
JOBS=${JOBS:-2}
VIA=${SPF_SUITE_VIA:-dns}
CHECK_TIMEOUT=2		# rmxf check --timeout, seconds
CHECK_KILL=20		# a hung rmxf check is killed after this, seconds
DNSD_START=50		# tenths of a second to wait for dnsd's port file
DNSD_MAX_SECONDS=600	# dnsd exits by itself after this

summary_stderr=0
if [ "${1:-}" = --summary-stderr ]; then
	summary_stderr=1
	shift
fi
suite=${1:-../shared/conformance/spf/rfc7208-tests.yml}
name=$(basename "$suite")
name=${name%-tests.yml}
name=${name%.yml}

if [ ! -r "$suite" ]; then
	echo "dns-suite: WARNING: $suite not found: the real-DNS SPF suite" \
	    "is SKIPPED" >&2
	echo "1..0 # SKIP $suite not found"
	exit 0
fi
for f in "$O/tests/spf_suite" "$O/rmxf"; do
	if [ ! -x "$f" ]; then
		echo "Bail out! $f not built (make all tests)"
		exit 2
	fi
done
if [ "$VIA" = dns ] && [ ! -x "$O/tests/dnsd" ]; then
	echo "Bail out! $O/tests/dnsd not built (make tests)"
	exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/dns-suite.XXXXXX")

# cleanup - stop every dnsd still listed, remove the work directory
cleanup() {
	local f pid
	for f in "$work"/pids/*; do
		[ -f "$f" ] || continue
		while read -r pid; do
			[ -n "$pid" ] && kill "$pid" 2>/dev/null
		done <"$f"
	done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$work/pids" "$work/out"
if ! "$O/tests/spf_suite" --emit "$work/emit" \
    --deviations tests/suite/deviations.txt "$suite" >&2; then
	echo "Bail out! spf_suite --emit failed"
	exit 2
fi

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

# start_dnsd ZONE TAG - start dnsd on ZONE; sets PORT, DPID
start_dnsd() {
	local zone=$1 tag=$2 i
	"$O/tests/dnsd" --zone "$zone" --listen 127.0.0.1:0 \
	    --port-file "$work/$tag.port" --pid-file "$work/$tag.pid" \
	    --max-seconds "$DNSD_MAX_SECONDS" 2>"$work/$tag.dnsd.err" &
	DPID=$!
	echo "$DPID" >>"$work/pids/$tag"
	for ((i = 0; i < DNSD_START; i++)); do
		if [ -s "$work/$tag.port" ]; then
			PORT=$(head -n 1 "$work/$tag.port")
			if [ -s "$work/$tag.pid" ]; then
				head -n 1 "$work/$tag.pid" >>"$work/pids/$tag"
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
	[ -f "$work/pids/$tag" ] || return 0
	while read -r pid; do
		[ -n "$pid" ] && kill "$pid" 2>/dev/null
	done <"$work/pids/$tag"
	wait "$DPID" 2>/dev/null
	rm -f "$work/pids/$tag"
}

# run_test - one tests.tsv row (in F) against $server; one result line
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

# run_scenario ZONEFILE - every test of one zone, into out/ZONEFILE
run_scenario() {
	local zfile=$1 tag=${1%.zone} line
	local out="$work/out/$tag"
	: >"$out"
	if [ "$VIA" = zone ]; then
		server=(--zone "$work/emit/$zfile")
	elif start_dnsd "$work/emit/$zfile" "$tag"; then
		server=(--dns "127.0.0.1:$PORT")
	else
		server=()
	fi
	while IFS= read -r line; do
		[[ $line == \#* ]] && continue
		split_tsv "$line"
		[ "${F[0]}" = "$zfile" ] || continue
		if [ ${#server[@]} = 0 ]; then
			echo "not ok - $name/${F[1]}: dnsd did not start:" \
			    "$(head -n 1 "$work/$tag.dnsd.err")" >>"$out"
			continue
		fi
		run_test >>"$out"
	done <"$work/emit/tests.tsv"
	[ "$VIA" = zone ] || stop_dnsd "$tag"
}

ntests=$(grep -vc '^#' "$work/emit/tests.tsv")
echo "1..$ntests"
zones=$(cd "$work/emit" && ls -- *.zone)
for z in $zones; do
	while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do
		wait -n
	done
	run_scenario "$z" &
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
