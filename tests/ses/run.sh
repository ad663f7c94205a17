# shellcheck shell=bash
# NAME
#	tests/ses/run.sh - rmxf ses: CLI behaviour and Exim interop (TAP)
# SYNOPSIS
#	RMXF=build/rmxf prove --exec bash tests/ses/run.sh
# DESCRIPTION
#	Exit codes, stdout and the one stderr line of `rmxf ses keygen|sign|
#	verify` (expiry at the lifetime and one day after, the 1000-day
#	wrap, key rotation, forged and unknown keys, insecure and broken
#	key files, usage errors), with --now for fixed dates.
#
#	Interop with Exim: tests/ses/exim-vectors.txt holds addresses that
#	Exim 4.96's ${prvs} signed (tests/ses/make-exim-vectors.sh); each
#	must verify in rmxf on its day, and rmxf must sign its address on
#	that day to the identical string.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/scaffold.sh
RMXF=${RMXF:-build/rmxf}
scaffold_start ses

keyfile ring $'# test ring\n1 secret\n'
keyfile rot $'2 new-secret\n1 secret\n'
keyfile other $'1 other\n'
keyfile broken $'1 secret\n12 secret\n'
keyfile dup $'1 a\n\n# x\n1 b\n'
keyfile empty $'# nothing\n\n'

# --- signing and verifying with fixed dates (2026-11-23 is day 20780)
run ses sign --keys "$tmp/ring" --now 2026-11-23 user@example.com
expect 0 prvs=178773a1ad=user@example.com "" "sign: Exim's vector"
run ses verify --keys "$tmp/ring" --now 2026-11-23 \
    prvs=178773a1ad=user@example.com
expect 0 user@example.com "" "verify: same day"
run ses verify --keys "$tmp/ring" --now 2026-11-30 \
    prvs=178773a1ad=user@example.com
expect 0 user@example.com "" "verify: on the expiry day (lifetime 7)"
run ses verify --keys "$tmp/ring" --now 2026-12-01 \
    prvs=178773a1ad=user@example.com
expect 1 "" "rmxf: ses verify: signature expired" "verify: a day too late"
run ses verify --keys "$tmp/ring" --lifetime 3 --now 2026-11-23 \
    prvs=178773a1ad=user@example.com
expect 1 "" "rmxf: ses verify: signature expired" \
    "verify: --lifetime 3 refuses a 7-day tag"
run ses verify --keys "$tmp/ring" --now 2026-11-23 \
    PRVS=178773A1AD=user@example.com
expect 0 user@example.com "" "verify: PRVS= and upper-case hex"
run ses verify --keys "$tmp/ring" --now 2026-11-23 \
    prvs=178773a1ae=user@example.com
expect 1 "" "rmxf: ses verify: signature does not match" "verify: forged"
run ses verify --keys "$tmp/ring" --now 2026-11-23 \
    prvs=178773a1ad=User@example.com
expect 1 "" "rmxf: ses verify: signature does not match" \
    "verify: no case folding of the address"
run ses verify --keys "$tmp/other" --now 2026-11-23 \
    prvs=178773a1ad=user@example.com
expect 1 "" "rmxf: ses verify: signature does not match" \
    "verify: other secret"
run ses verify --keys "$tmp/ring" --now 2026-11-23 \
    prvs=278773a1ad=user@example.com
expect 1 "" "rmxf: ses verify: key number not in the key ring" \
    "verify: key 2 not in the ring"
run ses verify --keys "$tmp/ring" --now 2026-11-23 user@example.com
expect 1 "" "rmxf: ses verify: not a signed address" "verify: plain address"
run ses verify --keys "$tmp/ring" --now 2026-11-23 \
    prvs=178773a1=user@example.com
expect 1 "" "rmxf: ses verify: malformed signature tag" "verify: short tag"
run ses sign --keys "$tmp/ring" --now 2026-11-23 \
    prvs=178773a1ad=user@example.com
expect 1 "" "rmxf: ses sign: already signed" "sign: already signed"

# --- the 1000-day wrap: 2027-06-30 is day 20999, the tag expires on
# day 21006, written 006; it is valid until then and no longer.
run ses sign --keys "$tmp/ring" --now 2027-06-30 user@example.com
signed=$out
case $signed in prvs=1006*) w=0 ;; *) w=1 ;; esac
ok "$w" "sign across the wrap: expiry day 006 ($signed)"
run ses verify --keys "$tmp/ring" --now 2027-07-04 "$signed"
expect 0 user@example.com "" "verify across the wrap (day 999 + 4)"
run ses verify --keys "$tmp/ring" --now 2027-07-08 "$signed"
expect 1 "" "rmxf: ses verify: signature expired" \
    "verify across the wrap, a day too late"

# --- key rotation: the first key signs, all verify
run ses sign --keys "$tmp/rot" --now 2026-11-23 user@example.com
case $out in prvs=2787*) w=0 ;; *) w=1 ;; esac
ok "$w" "rotation: the first key (2) signs"
run ses verify --keys "$tmp/rot" --now 2026-11-23 \
    prvs=178773a1ad=user@example.com
expect 0 user@example.com "" "rotation: a key-1 tag still verifies"

# --- key files
keyfile loose $'1 secret\n'
chmod 644 "$tmp/loose"
run ses sign --keys "$tmp/loose" user@example.com
expect 78 "" "rmxf: ses sign: $tmp/loose: mode 0644, must not be readable by group or others" \
    "mode 0644 key file refused"
chmod 640 "$tmp/loose"
run ses verify --keys "$tmp/loose" prvs=178773a1ad=user@example.com
expect 78 "" "rmxf: ses verify: $tmp/loose: mode 0640, must not be readable by group or others" \
    "mode 0640 key file refused"
run ses sign --keys "$tmp/missing" user@example.com
expect 66 "" "rmxf: ses sign: $tmp/missing: No such file or directory" \
    "missing key file"
run ses sign --keys "$tmp" user@example.com
expect 78 "" "rmxf: ses sign: $tmp: not a regular file" \
    "a directory as key file"
run ses sign --keys "$tmp/broken" user@example.com
expect 78 "" "rmxf: ses sign: $tmp/broken: line 2: expected 'K SECRET' (a key number 0-9, white space, the secret)" \
    "broken key file: line number"
run ses sign --keys "$tmp/dup" user@example.com
expect 78 "" "rmxf: ses sign: $tmp/dup: line 4: key number 1 again" \
    "duplicate key number"
run ses sign --keys "$tmp/empty" user@example.com
expect 78 "" "rmxf: ses sign: $tmp/empty: line 2: no keys in the key ring" \
    "key file without keys"
head -c 70000 /dev/zero | tr '\0' 'k' >"$tmp/big"
chmod 600 "$tmp/big"
run ses sign --keys "$tmp/big" user@example.com
expect 78 "" "rmxf: ses sign: $tmp/big: larger than 65536 bytes" \
    "key file over 64 KiB"
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	keyfile owned $'1 secret\n'
	chown nobody "$tmp/owned"
	run ses sign --keys "$tmp/owned" user@example.com
	expect 78 "" "rmxf: ses sign: $tmp/owned: owned by uid $(id -u nobody), must be owned by root or uid 0" \
	    "key file of another user"
else
	n=$((n + 1))
	echo "ok $n - key file of another user # SKIP not root"
fi

# --- keygen
run ses keygen
if [[ $out =~ ^0\ [A-Za-z0-9+/]{32}$ ]] && [ "$rc" = 0 ]; then w=0; else w=1; fi
ok "$w" "keygen: '0 SECRET', 192 bits in base64" "$out"
run ses keygen --key 5
if [[ $out =~ ^5\ [A-Za-z0-9+/]{32}$ ]]; then w=0; else w=1; fi
ok "$w" "keygen --key 5" "$out"
keyfile gen "$out"$'\n'
run ses sign --keys "$tmp/gen" --now 2026-11-23 user@example.com
run ses verify --keys "$tmp/gen" --now 2026-11-24 "$out"
expect 0 user@example.com "" "a generated key ring signs and verifies"
run ses keygen
first=$out
run ses keygen
[ "$first" != "$out" ]
ok $? "keygen: two runs, two secrets"

# --- usage
run ses sign user@example.com
expect 64 "" "rmxf: ses sign: missing --keys FILE" "usage: no --keys"
run ses sign --keys "$tmp/ring" --lifetime 0 user@example.com
expect 64 "" "rmxf: ses sign: bad --lifetime '0' (days, 1 to 365)" \
    "usage: --lifetime 0"
run ses verify --keys "$tmp/ring" --now 2026-02-30 x@y
expect 64 "" "rmxf: ses verify: bad --now '2026-02-30' (YYYY-MM-DD)" \
    "usage: bad --now"
run ses sign --keys "$tmp/ring" --domain x user@example.com
expect 64 "" "rmxf: ses sign: option --domain does not apply (try rmxf ses --help)" \
    "usage: an srs option"
run ses sign --keys "$tmp/ring"
expect 64 "" "rmxf: ses sign: one ADDRESS expected" "usage: no ADDRESS"
run ses frobnicate
expect 64 "" "rmxf: ses: unknown action 'frobnicate' (try rmxf ses --help)" \
    "usage: unknown action"
run ses
expect 64 "" "rmxf: ses: missing action (try rmxf ses --help)" \
    "usage: no action"
run ses --help
[ "$rc" = 0 ] && [[ $out == usage:\ rmxf\ ses* ]]
ok $? "ses --help"
run ses sign --help
[ "$rc" = 0 ] && [[ $out == usage:\ rmxf\ ses* ]]
ok $? "ses sign --help"

# --- interop: Exim's ${prvs}, both directions
vec=tests/ses/exim-vectors.txt
nv=0
while IFS=$'\t' read -r day k s a signed; do
	case $day in '#'* | '') continue ;; esac
	nv=$((nv + 1))
	keyfile exim "$k $s"$'\n'
	run ses verify --keys "$tmp/exim" --now "$day" "$signed"
	expect 0 "$a" "" "exim vector $nv: rmxf verifies $signed"
	run ses sign --keys "$tmp/exim" --now "$day" "$a"
	expect 0 "$signed" "" "exim vector $nv: rmxf signs $a as Exim did"
done <"$vec"
[ "$nv" -ge 10 ]
ok $? "exim vectors: $nv read from $vec"

echo "1..$n"
