#!/bin/sh
# run.sh - the DKIM interop corpus against rmxf, and against its verifiers.
#
# For each message of tests/dkim/corpus/expect, runs
#   $RMXF message --json --zone corpus/zone --ip 192.0.2.1
#       --helo mail.example --sender SENDER corpus/NAME.eml
# and checks, per DKIM-Signature in header order, that rmxf's result,
# d=, s= and a= are the expectation's (the rfc= verdict: what RFC 6376,
# 8301 and 8463 give; where a verifier disagrees with it, a diagnostic
# line names the verifier).  A message without signature must give an
# empty dkim list.  RMXF (default build/rmxf) absent: those tests are
# skipped.
#
# Then, for each independent verifier installed (dkimpy from Debian
# python3-dkim, Mail::DKIM from libmail-dkim-perl, opendkim from
# opendkim), verifies the committed corpus again and checks that it
# still gives the recorded verdicts, so that the expectations cannot
# drift from the verifiers; a missing one is skipped.
#
# Output: TAP.  Exit status: 0 when every test passes or is skipped.
set -u

here=$(cd "$(dirname "$0")" && pwd)
corpus=$here/corpus
RMXF=${RMXF:-build/rmxf}
PY=/usr/bin/python3		# Debian's, which has python3-dkim
VERIFIERS="dkimpy mail-dkim opendkim"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

# The expectations, one line a message: NAME SENDER WANT ... where WANT
# is RESULT/D/S/A per signature ("none" without signature), then one
# VERIFIER=V1+V2... field per verifier, then the disagreements.
awk '
!/^#/ && NF >= 3 {
	want = ""; split("", got); dis = ""
	for (i = 3; i <= NF; i++) {
		n = split($i, kv, ",")
		sub(/^[0-9]+:/, "", kv[1]); sub(/^none:/, "", kv[1])
		split("", f)
		for (j = 1; j <= n; j++) {
			p = index(kv[j], "=")
			f[substr(kv[j], 1, p - 1)] = substr(kv[j], p + 1)
		}
		if ("rfc" in f)
			want = want " " f["rfc"] "/" f["d"] "/" f["s"] "/" f["a"]
		else
			want = " none"
		for (k in f) {
			if (k == "d" || k == "s" || k == "a" || k == "rfc")
				continue
			if (k in got)
				got[k] = got[k] "+" f[k]
			else
				got[k] = f[k]
			if (("rfc" in f) && f[k] != f["rfc"] && f[k] != "-")
				dis = dis " sig" (i - 2) ":" k "=" f[k] "(rfc=" f["rfc"] ")"
		}
	}
	printf "%s\t%s\t%s\t", $1, $2, substr(want, 2)
	printf "dkimpy=%s mail-dkim=%s opendkim=%s\t%s\n", got["dkimpy"], \
	    got["mail-dkim"], got["opendkim"], dis
}' "$corpus/expect" >"$tmp/expect" || exit 1
count=$(wc -l <"$tmp/expect")
[ "$count" -gt 0 ] || { echo "Bail out! no expectations"; exit 1; }
echo "1..$((count * 4))"

n=0
fails=0
# ok - one TAP line: ok (status 0) or not ok
ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		fails=$((fails + 1))
	fi
}
skip() {
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}

# rmxf_dkim - RESULT/D/S/A per dkim entry of rmxf's JSON on stdin
rmxf_dkim() {
	python3 -c '
import json, sys
o = json.load(sys.stdin)
r = ["%s/%s/%s/%s" % (s["result"], s["d"], s["s"], s["a"])
     for s in o["dkim"]]
print(" ".join(r) or "none")'
}

# The messages through rmxf.
while IFS='	' read -r name sender want vers dis; do
	what="rmxf $name: $want"
	if [ ! -x "$RMXF" ]; then
		skip "$what" "no $RMXF (set RMXF)"
		continue
	fi
	"$RMXF" message --json --zone "$corpus/zone" --ip 192.0.2.1 \
	    --helo mail.example --sender "$sender" "$corpus/$name.eml" \
	    >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc != 0 ]; then
		ok 1 "$what (exit $rc)"
		sed 's/^/# /' "$tmp/err"
		continue
	fi
	got=$(rmxf_dkim <"$tmp/out" 2>"$tmp/err") || {
		ok 1 "$what (output is not the JSON of the contract)"
		sed 's/^/# /' "$tmp/out" "$tmp/err"
		continue
	}
	if [ "$got" = "$want" ]; then
		ok 0 "$what"
	else
		ok 1 "$what"
		echo "# rmxf gave: $got"
		echo "# verifiers: $vers"
	fi
	[ -n "$dis" ] && echo "# verifiers off the RFC:$dis"
done <"$tmp/expect"

# have - whether VERIFIER can run here
have() {
	case $1 in
	dkimpy)	"$PY" -c 'import dkim, nacl' 2>/dev/null ;;
	mail-dkim) perl -MMail::DKIM::Verifier -MNet::DNS -e 1 2>/dev/null ;;
	opendkim) command -v opendkim >/dev/null 2>&1 ;;
	esac
}

# The verifiers again, live, on the committed corpus.
cut -f1 "$tmp/expect" >"$tmp/names"
for v in $VERIFIERS; do
	if ! have "$v"; then
		while read -r name; do
			skip "$v again on $name" "$v not installed"
		done <"$tmp/names"
		continue
	fi
	# shellcheck disable=SC2046
	"$PY" "$here/corpus.py" verify "$v" "$corpus" $(cat "$tmp/names") \
	    >"$tmp/live.$v" 2>"$tmp/err" || sed 's/^/# /' "$tmp/err"
	while IFS='	' read -r name sender want vers dis; do
		rec=$(echo "$vers" | tr ' ' '\n' | sed -n "s/^$v=//p")
		live=$(awk -v n="$name" '$1 == n { $1 = ""; print }' \
		    "$tmp/live.$v" | sed 's/^ //; s/ /+/g')
		if [ "$live" = "$rec" ]; then
			ok 0 "$v again on $name: $rec"
		else
			ok 1 "$v again on $name: $rec"
			echo "# $v now gives: ${live:-nothing}"
		fi
	done <"$tmp/expect"
done
[ "$fails" = 0 ]
