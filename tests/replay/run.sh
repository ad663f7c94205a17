#!/bin/sh
# run.sh - golden tests of `rmxf replay` (the check pipeline), as TAP.
#
#	prove -f tests/replay/run.sh			(from the top directory)
#	RMXF=build/asan/rmxf prove -f tests/replay/run.sh	(another build)
#	RMXF_REGEN=1 sh tests/replay/run.sh		(rewrite the .ref files)
#
# Each line "NAME CONF" of tests/replay/cases replays NAME.in (policy
# requests, one connection) with -c CONF.conf ("-": the built-in
# defaults) against replay.zone (never the network), with -v, a fixed
# --now and --hostname, and compares stdout with NAME.ref and the exit
# status with 0; stderr must be empty.  The log lines (# ...) carry the
# DNS question count of each request (dns=N): the multi case shows that
# the later recipients of a message need none.  A CONF.conf may name key
# files as @TMP@/FILE: the run copies tests/replay/FILE there with mode
# 0600 (a key file others may read is refused, and git keeps 0644).
set -u

cd "$(dirname "$0")/../.." || exit 1
RMXF=${RMXF:-build/rmxf}
DIR=tests/replay
LIMIT=${RMXF_CASE_SECONDS:-20}		# wall-clock bound of one run
REGEN=${RMXF_REGEN:-}

if [ ! -x "$RMXF" ]; then
	echo "Bail out! $RMXF not built (make all)"
	exit 1
fi
TMP=$(mktemp -d) || exit 1
trap 'rm -rf "$TMP"' EXIT INT TERM

for k in "$DIR"/*.keys "$DIR"/*.secrets; do
	[ -f "$k" ] || continue
	cp "$k" "$TMP/" && chmod 600 "$TMP/${k##*/}"
done

grep -v -e '^#' -e '^[[:space:]]*$' "$DIR/cases" >"$TMP/cases"
[ -n "$REGEN" ] || echo "1..$(wc -l <"$TMP/cases")"

n=0
fails=0
while read -r name conf; do
	n=$((n + 1))
	set -- replay -v --zone "$DIR/replay.zone" --now 1700000000 \
	    --hostname mx.test.example
	if grep -q @TMP@ "$DIR/$conf.conf" 2>/dev/null; then
		sed "s|@TMP@|$TMP|g" "$DIR/$conf.conf" >"$TMP/$conf.conf"
		set -- "$@" -c "$TMP/$conf.conf"
	elif [ "$conf" != - ]; then
		set -- "$@" -c "$DIR/$conf.conf"
	fi
	timeout -k 2 "$LIMIT" "$RMXF" "$@" "$DIR/$name.in" \
	    >"$TMP/out" 2>"$TMP/err" </dev/null
	rc=$?
	if [ -n "$REGEN" ]; then
		cp "$TMP/out" "$DIR/$name.ref"
		[ "$rc" = 0 ] || echo "regen: $name: exit $rc" >&2
		continue
	fi
	if [ "$rc" != 0 ]; then
		fails=$((fails + 1))
		echo "not ok $n - $name"
		echo "# exit $rc: $(head -c 300 "$TMP/err")"
	elif [ -s "$TMP/err" ]; then
		fails=$((fails + 1))
		echo "not ok $n - $name"
		echo "# stderr: $(head -c 300 "$TMP/err")"
	elif ! cmp -s "$TMP/out" "$DIR/$name.ref"; then
		fails=$((fails + 1))
		echo "not ok $n - $name"
		diff "$DIR/$name.ref" "$TMP/out" | head -20 | sed 's/^/# /'
	else
		echo "ok $n - $name"
	fi
done <"$TMP/cases"
[ "$fails" = 0 ]
