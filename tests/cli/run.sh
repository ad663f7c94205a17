#!/bin/sh
# run.sh - golden-file tests of `rmxf check` and `rmxf message`, as TAP
# for prove.
#
#	prove -f tests/cli/run.sh			(from the top directory)
#	RMXF=build/asan/rmxf prove -f tests/cli/run.sh	(another build)
#	sh tests/cli/regen.sh			(rewrite the golden files)
#
# Each line of tests/cli/cases runs build/rmxf once against the zone files
# here and tests/dkim/corpus (never the network), its standard input
# /dev/null or the file of a leading "<FILE" word, and compares its stdout with NAME.out, its exit
# status with STATUS, and its stderr with NAME.err (exactly one line) when
# STATUS is not 0, or with nothing when it is.  Output of --json cases must
# also parse with `python3 -m json.tool`.  With RMXF_REGEN=1 the outputs
# are written to the golden files instead of compared; review the diff.
set -u

cd "$(dirname "$0")/../.." || exit 1
RMXF=${RMXF:-build/rmxf}
DIR=tests/cli
LIMIT=${RMXF_CASE_SECONDS:-20}		# wall-clock bound of one run
C="check --zone $DIR/cli.zone --receiver mx.example.org"
M="message --zone tests/dkim/corpus/zone --receiver mx.example.org"
REGEN=${RMXF_REGEN:-}

if [ ! -x "$RMXF" ]; then
	echo "Bail out! $RMXF not built (make all)"
	exit 1
fi
TMP=$(mktemp -d) || exit 1
trap 'rm -rf "$TMP"' EXIT INT TERM

# The cases, without comments and blank lines.
grep -v -e '^#' -e '^[[:space:]]*$' "$DIR/cases" >"$TMP/cases"
ncases=$(wc -l <"$TMP/cases")
njson=$(awk '$1 ~ /json/' "$TMP/cases" | wc -l)
[ -n "$REGEN" ] || echo "1..$((ncases + njson))"

n=0
fails=0
# ok NAME / notok NAME WHY: one TAP line
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() {
	n=$((n + 1)); fails=$((fails + 1))
	echo "not ok $n - $1"
	echo "# $2"
}

while read -r name status words; do
	in=/dev/null
	case $words in
	"<"*)	in=${words%% *}; in=${in#<}; words=${words#* } ;;
	esac
	eval "set -- $words"
	timeout -k 2 "$LIMIT" "$RMXF" "$@" >"$TMP/out" 2>"$TMP/err" <"$in"
	rc=$?
	if [ -n "$REGEN" ]; then
		cp "$TMP/out" "$DIR/$name.out"
		if [ "$status" != 0 ]; then
			cp "$TMP/err" "$DIR/$name.err"
		else
			rm -f "$DIR/$name.err"
		fi
		[ "$rc" = "$status" ] ||
		    echo "regen: $name: exit $rc, the case says $status" >&2
		continue
	fi
	why=""
	if [ "$rc" != "$status" ]; then
		why="exit $rc, want $status"
	elif ! cmp -s "$TMP/out" "$DIR/$name.out"; then
		why="stdout differs from $DIR/$name.out"
	elif [ "$status" = 0 ] && [ -s "$TMP/err" ]; then
		why="unexpected stderr: $(head -n 1 "$TMP/err")"
	elif [ "$status" != 0 ] && [ "$(wc -l <"$TMP/err")" != 1 ]; then
		why="stderr is not one line"
	elif [ "$status" != 0 ] && ! cmp -s "$TMP/err" "$DIR/$name.err"; then
		why="stderr differs from $DIR/$name.err"
	fi
	if [ -z "$why" ]; then
		ok "$name"
	else
		notok "$name" "$why: rmxf $words"
		diff -u "$DIR/$name.out" "$TMP/out" 2>&1 | sed 's/^/# /' |
		    head -n 40
		[ "$status" = 0 ] ||
		    sed 's/^/# stderr: /' "$TMP/err" | head -n 5
	fi
	case $name in
	*json*)
		if python3 -m json.tool <"$TMP/out" >/dev/null \
		    2>"$TMP/jerr"; then
			ok "$name: valid JSON"
		else
			notok "$name: valid JSON" "$(head -n 1 "$TMP/jerr")"
		fi
		;;
	esac
done <"$TMP/cases"

if [ -n "$REGEN" ]; then
	echo "regen: wrote $ncases cases into $DIR;" \
	    "review: git diff -- $DIR" >&2
	exit 0
fi
[ "$fails" = 0 ]
