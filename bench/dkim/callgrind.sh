#!/bin/bash
# NAME
#	callgrind.sh - instructions per message of DKIM + DMARC verification,
#	and OpenSSL's floor
# SYNOPSIS
#	bash bench/dkim/callgrind.sh
# DESCRIPTION
#	`make bench-dkim-callgrind` (mk/bench-dkim.mk); figures only.
#	Runs $O/bench/bench_dkim (bench/bench_dkim.c) under callgrind with
#	--toggle-collect=bench_loop, so that only the verification of the
#	first BENCH_DKIM_CG_MESSAGES messages of the set is counted (the
#	set of bench/dkim/run.sh, made by bench/dkim/gen.py when missing),
#	in each mode:
#
#	  rmxf	 dkim(3) and dmarc(3) over the in-memory zone, every key
#		 parsed from its record
#	  rmxf-kc the same with a cache of parsed keys (bench_dkim -k,
#		 BENCH_DKIM_CG_KEYS entries, 1000 as rmxfd's) after one
#		 uncounted pass: every key found parsed
#	  auth-kc the same through auth(3), as rmxfd's Milter calls it
#	  floor	 OpenSSL alone: one EVP_DigestVerify per signature with a
#		 key of its kind and size (RSA-2048, ed25519)
#	  hash	 floor and a SHA-256 over each body
#
#	and prints instructions per message of each, what rmxf and auth
#	do beyond the floor and beyond floor + body hash, instructions per
#	signature of the floor, and the functions that take most of rmxf's
#	instructions (callgrind_annotate, inclusive).  Instruction counts
#	do not move with the machine's load, as timings do.
#
#	Environment: O (build directory, default build),
#	BENCH_DKIM_CG_MESSAGES (300), BENCH_DKIM_CG_KEYS (1000),
#	BENCH_DKIM_CG_TOP (30 functions),
#	BENCH_DKIM_SET and the sizes of bench/dkim/run.sh.
# SEE ALSO
#	bench/bench_dkim.c, bench/dkim/run.sh, doc/benchmarks.md,
#	valgrind(1)
set -u

cd "$(dirname "$0")/../.." || exit 1
. tests/lib/scaffold.sh
scaffold_start bench-dkim-cg
O=${O:-build}
BD=$O/bench/bench_dkim
COUNT=${BENCH_DKIM_CG_MESSAGES:-300}
DOMAINS=${BENCH_DKIM_DOMAINS:-1000}
MESSAGES=${BENCH_DKIM_MESSAGES:-2000}
KEYS=${BENCH_DKIM_KEYS:-1000}
SET=${BENCH_DKIM_SET:-$O/bench/dkim-set}
PY=/usr/bin/python3

if [ ! -x "$BD" ]; then
	echo "bench: $BD missing (make bench-dkim-callgrind)" >&2
	exit 1
fi
if ! command -v valgrind >/dev/null; then
	echo "bench: valgrind missing: no instruction counts" >&2
	exit 1
fi
stamp="$(sha256sum bench/dkim/gen.py | cut -c1-16) $DOMAINS $MESSAGES $KEYS"
if [ "$(cat "$SET/stamp" 2>/dev/null)" != "$stamp" ]; then
	mkdir -p "$SET"
	rm -rf "$SET/msg" "$SET/index" "$SET/stamp"
	"$PY" bench/dkim/gen.py --domains "$DOMAINS" --messages "$MESSAGES" \
	    --keys "$KEYS" "$SET" || exit 1
	echo "$stamp" >"$SET/stamp"
fi

echo
echo "instructions per message (callgrind, the first $COUNT messages of" \
    "$SET, bench_loop only):"
KC=${BENCH_DKIM_CG_KEYS:-1000}
for spec in rmxf:rmxf:0 rmxf-kc:rmxf:$KC auth-kc:auth:$KC floor:floor:0 \
    hash:hash:0; do
	IFS=: read -r mode how keys <<<"$spec"
	out=$tmp/cg.$mode
	if ! valgrind --tool=callgrind --toggle-collect=bench_loop \
	    --callgrind-out-file="$out.out" "$BD" -m "$SET" -c "$COUNT" \
	    -o "$how" -k "$keys" >"$out.txt" 2>"$out.log"; then
		echo "  $mode: callgrind failed: $(tail -3 "$out.log")"
		continue
	fi
	read -r msgs sigs wrong < <(awk '{ print $2, $4, $6; exit }' \
	    "$out.txt")
	ir=$(awk '/^(summary|totals):/ { print $2; exit }' "$out.out")
	echo "$mode $msgs $sigs $wrong $ir" >>"$tmp/table"
	grep -e 'first wrong' -e 'key cache' "$out.txt" | sed "s/^[a-z]*/  $mode/"
done
[ -s "$tmp/table" ] || exit 0
awk '{ ir[$1] = $5; n[$1] = $2; s[$1] = $3; w[$1] = $4 }
    END {
	for (m in ir)
		per[m] = ir[m] / n[m]
	printf "  %-8s %12s %10s %6s\n", "mode", "instr/msg", "sigs/msg", \
	    "wrong"
	split("rmxf rmxf-kc auth-kc floor hash", order, " ")
	for (i = 1; i <= 5; i++) {
		m = order[i]
		if (m in ir)
			printf "  %-8s %12.0f %10.2f %6d\n", m, per[m], \
			    s[m] / n[m], w[m]
	}
	if ("floor" in ir && s["floor"] > 0)
		printf "  floor per signature: %.0f instructions\n", \
		    ir["floor"] / s["floor"]
	for (i = 1; i <= 3; i++) {
		m = order[i]
		if (!(m in ir))
			continue
		if ("floor" in ir)
			printf "  %s beyond the floor: %.0f per message" \
			    " (%.2fx the floor)\n", m, per[m] - per["floor"], \
			    per[m] / per["floor"]
		if ("hash" in ir)
			printf "  %s beyond floor + body hash: %.0f per" \
			    " message\n", m, per[m] - per["hash"]
	}
    }' "$tmp/table"
if [ -s "$tmp/cg.rmxf.out" ] && command -v callgrind_annotate >/dev/null
then
	echo
	echo "rmxf: named functions by inclusive instructions per message" \
	    "(callgrind_annotate):"
	callgrind_annotate --inclusive=yes "$tmp/cg.rmxf.out" 2>/dev/null |
	    grep -E '^ *[0-9,]+ .*:[A-Za-z_][A-Za-z0-9_]* \[' |
	    grep -v -e '(below main)' -e ':main \[' -e '__libc_start' |
	    head -"${BENCH_DKIM_CG_TOP:-30}" |
	    awk -v n="$COUNT" '{ ir = $1; gsub(",", "", ir)
		pct = $0; sub(/^[^(]*\(/, "", pct); sub(/\).*/, "", pct)
		fn = $0; sub(/ \[.*/, "", fn); sub(/.*:/, "", fn)
		gsub(/ /, "", pct)
		printf "  %10.0f  %7s  %s\n", ir / n, pct, fn }'
fi
exit 0
