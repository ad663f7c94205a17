#!/bin/bash
# run.sh - rmxf procmail through the real binary, TAP on stdout.
#
#	RMXF=build/rmxf bash tests/procmail/run.sh
#
# Goldens: each NAME.in goes through `rmxf procmail --zone zone.txt`
# (with -c NAME.conf when there is one, HOME an empty directory) and the
# output must equal NAME.out byte for byte.  Then: a 5 MiB random 8-bit
# body comes out identical, CR LF stays CR LF, the From_ line stays
# first, an over-long header block passes through, ~/.rmxf.conf
# overrides -c, configuration and resolver trouble give temperror, a
# write error (/dev/full) exits 75, and real procmail (when installed)
# delivers the filtered message once, and a message whose Return-Path is
# our own SRS0 address with the header about the sender it stands for
# (srs, srs1 and prvs: our SRS and BATV Return-Paths are unwrapped;
# srs-foreign: another forwarder's is not).  Every command runs under
# timeout.
#
# Regenerating the goldens (review the diff): REGEN=1 bash run.sh
set -u
dir=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$dir/../.." && pwd)
. "$top/tests/lib/scaffold.sh"
RMXF=${RMXF:-build/rmxf}
case $RMXF in /*) ;; *) RMXF=$top/$RMXF ;; esac
zone=$dir/zone.txt
host=mx.example.org
T="timeout 60"

scaffold_start procmail
mkdir -p "$tmp/home" "$tmp/user"
: > "$tmp/empty.conf"

# pm [ARG...] - rmxf procmail with the test zone, an empty HOME and an
# empty configuration (a later -c wins), whatever /etc/rmxf holds
pm() {
	HOME=$tmp/home $T "$RMXF" procmail -q --hostname "$host" \
	    --zone "$zone" -c "$tmp/empty.conf" "$@"
}

cases=$(cd "$dir" && ls -- *.in | sed 's/\.in$//')
echo "1..$(($(echo "$cases" | wc -l) + 19))"

# 1. goldens
for c in $cases; do
	args=()
	[ -f "$dir/$c.conf" ] && args=(-c "$dir/$c.conf")
	pm "${args[@]}" < "$dir/$c.in" > "$tmp/$c.out" 2> "$tmp/$c.err"
	st=$?
	if [ -n "${REGEN:-}" ]; then
		cp "$tmp/$c.out" "$dir/$c.out"
	fi
	if [ $st = 0 ] && cmp -s "$tmp/$c.out" "$dir/$c.out"; then
		ok 0 "golden $c"
	else
		ok 1 "golden $c" "exit $st; $(diff -a "$dir/$c.out" \
		    "$tmp/$c.out" | head -20; head -5 "$tmp/$c.err")"
	fi
done

# 2. the From_ line stays first, the header follows it
head -1 "$tmp/pass.out" | grep -q '^From alice@pass.example.com ' &&
    sed -n 2p "$tmp/pass.out" | grep -q '^Received-SPF: pass '
ok $? "From_ line first, Received-SPF: pass after it"

# 3. CR LF: the added headers end in CR LF, the rest is the input
head -1 "$tmp/crlf.out" | grep -q $'^Received-SPF: pass .*\r$' &&
    sed -n 2p "$tmp/crlf.out" | grep -q $'^Authentication-Results: .*\r$' &&
    tail -n +3 "$tmp/crlf.out" | cmp -s - "$dir/crlf.in"
ok $? "CR LF message: CR LF headers, input unchanged, no final newline"

# 4. a large random 8-bit body (NUL bytes too), seeded, byte-identical
head -6 "$dir/fail.in" > "$tmp/big.in"
python3 -c 'import random, sys
sys.stdout.buffer.write(random.Random(4068664).randbytes(5 << 20))' \
    >> "$tmp/big.in"
pm < "$tmp/big.in" > "$tmp/big.out"
st=$?
[ $st = 0 ] && head -1 "$tmp/big.out" | grep -q '^Received-SPF: fail ' &&
    sed -n 2p "$tmp/big.out" | grep -q '^Authentication-Results: .*dkim=' &&
    tail -n +3 "$tmp/big.out" | cmp -s - "$tmp/big.in"
ok $? "5 MiB random body: read whole for DKIM, identical below the headers \
(exit $st)"

# 5. a header block over 256 KiB: none, everything passes through
{
	echo "Return-Path: <alice@pass.example.com>"
	seq 0 4999 | awk '{ printf "X-Filler-%d: %060d\n", $1, $1 }'
	echo
	echo body
} > "$tmp/long.in"
pm < "$tmp/long.in" > "$tmp/long.out"
st=$?
[ $st = 0 ] && head -1 "$tmp/long.out" | grep -q \
    '^Received-SPF: none (rmxf procmail: header block too long)$' &&
    tail -n +2 "$tmp/long.out" | cmp -s - "$tmp/long.in"
ok $? "over-long header block: none, message unchanged (exit $st)"

# 6. an empty message and a message without a final newline
pm < /dev/null > "$tmp/empty.out"
st=$?
[ $st = 0 ] && [ "$(cat "$tmp/empty.out")" = \
    "Received-SPF: none (rmxf procmail: empty message)" ]
ok $? "empty message: one header line (exit $st)"
printf 'Subject: x' | pm > "$tmp/nonl.out"
[ "$(tail -c 10 "$tmp/nonl.out")" = "Subject: x" ]
ok $? "header-only message without a final newline stays so"

# 7. ~/.rmxf.conf overrides -c, parameter by parameter
cat > "$tmp/user/.rmxf.conf" <<'EOF'
# no trusted hop for this user
procmail_trusted_hops = 0
EOF
HOME=$tmp/user $T "$RMXF" procmail -q --hostname "$host" --zone "$zone" \
    -c "$dir/hops.conf" < "$dir/hops.in" > "$tmp/user.out"
st=$?
[ $st = 0 ] && head -1 "$tmp/user.out" | grep -q \
    '^Received-SPF: fail .*client-ip=10\.0\.0\.2;'
ok $? "~/.rmxf.conf procmail_trusted_hops = 0 beats -c's 1 (exit $st)"
cat > "$tmp/user/.rmxf.conf" <<'EOF'
header_authentication_results = yes
EOF
HOME=$tmp/user $T "$RMXF" procmail -q --hostname "$host" --zone "$zone" \
    -c "$dir/hops.conf" < "$dir/hops.in" > "$tmp/user2.out"
sed -n 1p "$tmp/user2.out" | grep -q '^Received-SPF: pass ' &&
    sed -n 2p "$tmp/user2.out" | grep -q \
    '^Authentication-Results: mx.example.org; spf=pass '
ok $? "~/.rmxf.conf adds a parameter, -c's others stay"

# 8. configuration trouble: temperror, message unchanged, exit 0
printf 'no_such_parameter = 1\n' > "$tmp/user/.rmxf.conf"
HOME=$tmp/user $T "$RMXF" procmail --hostname "$host" --zone "$zone" \
    < "$dir/fail.in" > "$tmp/badconf.out" 2> "$tmp/badconf.err"
st=$?
[ $st = 0 ] && head -1 "$tmp/badconf.out" | grep -q \
    '^Received-SPF: temperror (rmxf procmail: configuration error)$' &&
    tail -n +2 "$tmp/badconf.out" | cmp -s - "$dir/fail.in" &&
    grep -q 'no_such_parameter' "$tmp/badconf.err"
ok $? "bad ~/.rmxf.conf: temperror, message unchanged, error on stderr" \
    "$(cat "$tmp/badconf.err")"
pm -c "$tmp/missing.conf" < "$dir/fail.in" > "$tmp/nofile.out" 2>/dev/null
head -1 "$tmp/nofile.out" | grep -q '^Received-SPF: temperror '
ok $? "unreadable -c FILE: temperror"

# 9. DNS down (a loopback port nobody answers): temperror, exit 0
printf 'request_timeout = 2s\n' > "$tmp/dns.conf"
HOME=$tmp/home $T "$RMXF" procmail -q --hostname "$host" \
    --dns 127.0.0.1:9 -c "$tmp/dns.conf" < "$dir/pass.in" > "$tmp/dns.out"
st=$?
[ $st = 0 ] && sed -n 2p "$tmp/dns.out" | grep -q '^Received-SPF: temperror' &&
    sed -n 3p "$tmp/dns.out" | grep -q '; dmarc=temperror ' &&
    tail -n +4 "$tmp/dns.out" | cmp -s - <(tail -n +2 "$dir/pass.in")
ok $? "DNS down: temperror, message unchanged (exit $st)" \
    "$(head -3 "$tmp/dns.out")"

# 10. write errors exit 75 (EX_TEMPFAIL): procmail keeps the original
pm < "$tmp/big.in" > /dev/full 2>/dev/null
st=$?
[ $st = 75 ]
ok $? "stdout /dev/full: exit 75 (got $st)"
pm < "$dir/pass.in" 2>/dev/null | true
st=${PIPESTATUS[0]}
[ $st = 0 ] || [ $st = 75 ]
ok $? "a closed pipe is no crash (exit $st)"
(trap '' PIPE; pm < "$tmp/big.in" 2>/dev/null | head -c 10 > /dev/null;
    exit "${PIPESTATUS[0]}")
st=$?
[ $st = 75 ]
ok $? "EPIPE in the middle of the body: exit 75 (got $st)"

# 11. the log line on stderr, one per message; none with -q
HOME=$tmp/home $T "$RMXF" procmail --hostname "$host" --zone "$zone" \
    -c "$tmp/empty.conf" < "$dir/fail.in" 2> "$tmp/log.err" > /dev/null
[ "$(wc -l < "$tmp/log.err")" = 1 ] && grep -q \
    'result=fail action=mark header=received-spf dns=[0-9]* dkim=none '\
'dmarc=' "$tmp/log.err"
ok $? "one log line on stderr" "$(cat "$tmp/log.err")"

# 12. bad usage: exit 64 before reading
echo | HOME=$tmp/home $T "$RMXF" procmail --bogus > /dev/null 2>&1
st=$?
[ $st = 64 ]
ok $? "unknown option: exit 64 (got $st)"

# 13. real procmail: ':0 fw' filter, then delivery to a scratch mbox
if command -v procmail > /dev/null; then
	mkdir -p "$tmp/pm/mail"
	cat > "$tmp/pm/rc" <<EOF
SHELL=/bin/sh
MAILDIR=$tmp/pm/mail
LOGFILE=$tmp/pm/mail/log
:0 fw
| $RMXF procmail --hostname $host --zone $zone -c $tmp/empty.conf

:0:
$tmp/pm/mail/inbox
EOF
	HOME=$tmp/pm $T procmail -m "$tmp/pm/rc" < "$dir/pass.in"
	st=$?
	mbox=$tmp/pm/mail/inbox
	[ $st = 0 ] && [ "$(grep -c '^Received-SPF: ' "$mbox")" = 1 ] &&
	    sed -n 2p "$mbox" | grep -q '^Received-SPF: pass ' &&
	    grep -q '^A body line\.$' "$mbox" &&
	    grep -q 'result=pass' "$tmp/pm/mail/log"
	ok $? "procmail -m: delivered once, one Received-SPF: pass, body" \
	    "exit $st; $(head -3 "$mbox" 2>&1; cat "$tmp/pm/mail/log" 2>&1)"
	sed "s|/inbox\$|/big|" "$tmp/pm/rc" > "$tmp/pm/rc.big"
	HOME=$tmp/pm $T procmail -m "$tmp/pm/rc.big" < "$tmp/big.in"
	st=$?
	[ $st = 0 ] && head -2 "$tmp/pm/mail/big" | grep -q \
	    '^Received-SPF: fail ' &&
	    [ "$(wc -c < "$tmp/pm/mail/big")" -gt $((5 << 20)) ]
	ok $? "procmail -m: the 5 MiB message delivered with its header" \
	    "exit $st; $(tail -3 "$tmp/pm/mail/log" 2>&1)"
	# our own SRS0 Return-Path (Postfix rewrote a local delivery): the
	# header is about the sender it stands for, not about our domain
	sed "s|-c $tmp/empty.conf\$|-c $dir/srs.conf|; s|/inbox\$|/srs|" \
	    "$tmp/pm/rc" > "$tmp/pm/rc.srs"
	HOME=$tmp/pm $T procmail -m "$tmp/pm/rc.srs" < "$dir/srs.in"
	st=$?
	mbox=$tmp/pm/mail/srs
	alice='alice@pass\.example\.com'
	rp='SRS0=YGhK=JM=pass\.example\.com=alice@example\.org'
	[ $st = 0 ] && [ "$(grep -c '^Received-SPF: ' "$mbox")" = 1 ] &&
	    grep -q "^Received-SPF: pass .*envelope-from=\"$alice\";" \
	    "$mbox" && grep -q \
	    "return_path=\"<$rp>\" .*sender=<$alice> .*result=pass" \
	    "$tmp/pm/mail/log"
	ok $? "procmail -m: our SRS0 Return-Path, pass for its sender" \
	    "exit $st; $(grep Received-SPF "$mbox" 2>&1
	    tail -2 "$tmp/pm/mail/log" 2>&1)"
else
	ok 0 "procmail -m # SKIP procmail is not installed"
	ok 0 "procmail -m big # SKIP procmail is not installed"
	ok 0 "procmail -m srs # SKIP procmail is not installed"
fi
