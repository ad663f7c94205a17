# shellcheck shell=bash
# scaffold.sh - what the test and benchmark scripts share (bash, sourced)
#
#	. tests/lib/scaffold.sh
#	scaffold_start NAME	scratch directory $tmp; every PID added to
#				the array pids is stopped (kill, wait) and
#				$tmp removed on exit (KEEP=1: kept, and said)
#	ok STATUS TEXT [DIAG]	one TAP line, numbered by $n; on failure
#				DIAG follows as "# " lines
#	skip TEXT		one TAP line for a test that cannot run in
#				this place (not root, no ::1, a peer not
#				installed), and why; a program not built is
#				a failure, never a skip
#	wait_for FILE PATTERN	until FILE has a line matching PATTERN, at
#				most SCAFFOLD_WAIT tenths of a second (50)
#	run ARGS...		$RMXF ARGS: $out, $err (stderr), $rc
#	expect RC OUT ERR TEXT	one TAP line comparing the last run
#	keyfile NAME TEXT	$tmp/NAME with TEXT, mode 0600
#
# Every loop is bounded; only processes the script started are stopped.

SCAFFOLD_WAIT=${SCAFFOLD_WAIT:-50}
n=0
pids=()

# scaffold_cleanup - stop what we started, by PID; remove the scratch
scaffold_cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	if [ -n "${KEEP:-}" ]; then
		echo "# kept $tmp"
	else
		rm -rf "$tmp"
	fi
}

# scaffold_start NAME - the scratch directory and the exit traps
scaffold_start() {
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/rmxf-$1.XXXXXX") || exit 1
	trap scaffold_cleanup EXIT
	trap 'exit 1' INT TERM
}

# ok STATUS TEXT [DIAG] - one TAP line
ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		[ -n "${3:-}" ] && printf '%s\n' "$3" | sed 's/^/# /'
	fi
	return 0
}

# skip TEXT - one TAP line for a test that cannot run here, and why
skip() {
	n=$((n + 1))
	echo "ok $n # SKIP $1"
}

# wait_for FILE PATTERN - until FILE has a line matching PATTERN
wait_for() {
	local i
	for ((i = 0; i < SCAFFOLD_WAIT; i++)); do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# run ARGS... - $RMXF with stdout in $out, stderr in $err, status in $rc
run() {
	out=$("$RMXF" "$@" 2>"$tmp/err")
	rc=$?
	err=$(cat "$tmp/err")
}

# expect RC OUT ERR TEXT - one TAP line: did the last run give these?
expect() {
	if [ "$rc" = "$1" ] && [ "$out" = "$2" ] && [ "$err" = "$3" ]; then
		ok 0 "$4"
	else
		ok 1 "$4" "$(printf 'want rc=%s out=[%s] err=[%s]\n got rc=%s out=[%s] err=[%s]' \
		    "$1" "$2" "$3" "$rc" "$out" "$err")"
	fi
}

# keyfile NAME TEXT - $tmp/NAME holding TEXT, mode 0600 (a key ring)
keyfile() {
	printf '%s' "$2" >"$tmp/$1"
	chmod 600 "$tmp/$1"
}
