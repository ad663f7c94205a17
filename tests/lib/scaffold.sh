# shellcheck shell=bash
# scaffold.sh - what the test and benchmark scripts share (bash, sourced)
#
#	. tests/lib/scaffold.sh
#	scaffold_start NAME	scratch directory $tmp; every PID added to
#				the array pids is stopped (kill, wait) and
#				$tmp removed on exit (KEEP=1: kept, and said)
#	ok STATUS TEXT [DIAG]	one TAP line, numbered by $n; on failure
#				DIAG follows as "# " lines
#	wait_for FILE PATTERN	until FILE has a line matching PATTERN, at
#				most SCAFFOLD_WAIT tenths of a second (50)
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

# wait_for FILE PATTERN - until FILE has a line matching PATTERN
wait_for() {
	local i
	for ((i = 0; i < SCAFFOLD_WAIT; i++)); do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
