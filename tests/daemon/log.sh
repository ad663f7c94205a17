#!/bin/bash
# NAME
#	log.sh - where rmxfd's log goes: syslog, no syslog, stderr
# SYNOPSIS
#	bash tests/daemon/log.sh
# DESCRIPTION
#	Runs itself again in a mount namespace of its own (unshare --mount,
#	as root) whose /dev is a tmpfs holding null, zero, random, urandom
#	and fd, and no log socket: "no syslog daemon" is then the same on
#	every machine, and the syslog daemon, when there is one, is
#	tests/daemon/syslogd.py on /dev/log.  build/tests/dnsd answers
#	tests/daemon/zone.txt.  The cases:
#	- no /dev/log, log_to = syslog: rmxfd says so once on stderr and
#	  logs its 300 decisions there; under strace(1) it tries /dev/log
#	  at most once a second (glibc's syslog(3) tried once a line);
#	- rmxfd --stdio without /dev/log: nothing on stderr, and no
#	  connect(2) per request;
#	- the syslog daemon comes up: its first entry from rmxfd says how
#	  many lines went to stderr, stderr says once that syslog is back,
#	  and decisions reach syslog as RFC 3164 messages with the
#	  facility (local3) and "rmxfd[PID]: ";
#	- the syslog daemon restarts: the next decision reaches the new
#	  one, and stderr says nothing;
#	- SIGHUP with both key rings unreadable: one warning per ring, each
#	  a message of one line with its tag;
#	- rmxfd --stdio with syslog: its decision reaches syslog, nothing
#	  goes to stderr;
#	- --log stderr: every line starts with the time (UTC, to the
#	  millisecond) and rmxfd[PID]; none does when JOURNAL_STREAM names
#	  stderr's device and inode, and they do when it names another file.
#
#	Output is TAP for prove.  Without root, unshare or the mount, the
#	whole script is skipped; without a working strace, the counts of
#	connect(2).  Every process started is stopped by PID on exit; dnsd
#	and syslogd.py also stop by themselves.  Environment: O (build
#	directory, default build).
# SEE ALSO
#	msg(3) in src/util/msg.c, rmxfd(8), tests/daemon/run.sh
set -u

cd "$(dirname "$0")/../.." || exit 1
if [ -z "${RMXF_LOG_NS:-}" ]; then
	if [ "$(id -u)" = 0 ] && unshare --mount true 2>/dev/null; then
		RMXF_LOG_NS=1 exec unshare --mount --propagation private \
		    bash "$0" "$@"
	fi
	echo "1..0 # SKIP needs root and unshare --mount (a /dev of its own)"
	exit 0
fi
. tests/lib/scaffold.sh
scaffold_start log
O=${O:-build}
RMXFD=$O/rmxfd
DNSD=$O/tests/dnsd
POLICYC="python3 tests/daemon/policyc.py"
SYSLOGD="python3 tests/daemon/syslogd.py"
DIR=tests/daemon
DNSD_MAX=120		# dnsd's own --max-seconds
SYSLOGD_MAX=120		# syslogd.py's
CLIENT_KILL=30		# seconds before a hung client is killed
CONNS=30		# connections at once ...
PER_CONN=10		# ... of so many decisions each
STDIO_REQS=20		# requests to one rmxfd --stdio
D2='[0-9][0-9]'
STAMP="[0-9]\{4\}-$D2-${D2}T$D2:$D2:$D2\.[0-9]\{3\}Z"	# UTC, ms
RFC3164='[A-Z][a-z][a-z] [ 1-3][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]'
ENOENT='/dev/log: No such file or directory'
DOWN="warning: syslog unreachable ($ENOENT): logging to stderr"

# pc SOCKET ARGS... - run the client, output in $out
pc() {
	out=$(timeout "$CLIENT_KILL" $POLICYC "$@" 2>&1)
}

# req FILE CLIENT SENDER INSTANCE - write a policy request
req() {
	printf '%s\n' request=smtpd_access_policy protocol_state=RCPT \
	    protocol_name=ESMTP "client_address=$2" \
	    client_name=mail.example.com helo_name=mail.example.com \
	    "sender=$3" recipient=bob@example.net recipient_count=0 \
	    queue_id= "instance=$4" size=0 '' >"$1"
}

# count FILE PATTERN - lines of FILE matching PATTERN
count() {
	grep -c -- "$2" "$1" 2>/dev/null
}

# wait_count FILE PATTERN N - until FILE has N lines matching PATTERN
wait_count() {
	local i
	for ((i = 0; i < SCAFFOLD_WAIT; i++)); do
		[ "$(count "$1" "$2")" -ge "$3" ] && return 0
		sleep 0.1
	done
	return 1
}

# connects FILE - connect(2) calls to /dev/log in an strace output
connects() {
	count "$1" 'connect(.*"/dev/log"'
}

# seconds_since NS - whole seconds since date +%s%N said NS, rounded up
seconds_since() {
	echo $((($(date +%s%N) - $1 + 999999999) / 1000000000))
}

# private_dev - /dev as a tmpfs of this namespace, without a log socket
private_dev() {
	local f
	mkdir "$tmp/dev" &&
	    mount -t tmpfs -o mode=755,size=1m rmxf-dev "$tmp/dev" || return 1
	for f in null zero random urandom; do
		if ! : >"$tmp/dev/$f" ||
		    ! mount --bind "/dev/$f" "$tmp/dev/$f"; then
			umount -R "$tmp/dev"
			return 1
		fi
	done
	ln -s /proc/self/fd "$tmp/dev/fd"
	mount --move "$tmp/dev" /dev || { umount -R "$tmp/dev"; return 1; }
}

# traced OUT ARGS... - ARGS in the background, under strace -o OUT when
# it works; the PID of the program itself in $tpid
traced() {
	local out=$1 spid i
	shift
	if [ ${#TRACE[@]} -eq 0 ]; then
		"$@" &
		tpid=$!
		pids+=("$tpid")
		return
	fi
	"${TRACE[@]}" "$out" "$@" &
	spid=$!
	tpid=
	for ((i = 0; i < SCAFFOLD_WAIT; i++)); do
		tpid=$(pgrep -P "$spid" | head -1)
		[ -n "$tpid" ] && break
		kill -0 "$spid" 2>/dev/null || break
		sleep 0.1
	done
	# strace -o FILE PROG ignores SIGTERM: stop PROG, and strace ends
	pids+=(${tpid:+"$tpid"} "$spid")
}

# syslogd OUT - a syslog daemon on /dev/log writing to OUT; PID in $slpid
syslogd() {
	$SYSLOGD /dev/log "$1" "$SYSLOGD_MAX" 2>"$1.err" &
	slpid=$!
	pids+=("$slpid")
	wait_for "$1.ready" ''
	[ -S /dev/log ]
}

# stop PID - SIGTERM, and wait for it
stop() {
	kill -TERM "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

if [ ! -x "$RMXFD" ] || [ ! -x "$DNSD" ] || ! command -v python3 \
    >/dev/null; then
	echo "1..0 # SKIP $RMXFD, $DNSD or python3 missing (make all tests)"
	exit 0
fi
if ! private_dev; then
	echo "1..0 # SKIP cannot mount a /dev of its own"
	exit 0
fi
# strace(1), when it works here; LeakSanitizer cannot run under it
TRACE=()
if command -v strace >/dev/null &&
    strace -f -o /dev/null -e trace=connect true 2>/dev/null; then
	TRACE=(env "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
	    strace -f -e trace=connect -o)
fi
echo "1..13"

"$DNSD" --zone "$DIR/zone.txt" --listen 127.0.0.1:0 \
    --port-file "$tmp/dnsport" --max-seconds "$DNSD_MAX" 2>"$tmp/dnsd.err" &
pids+=($!)
wait_for "$tmp/dnsport" .
dnsport=$(cat "$tmp/dnsport" 2>/dev/null)
[ -n "$dnsport" ] && [ ! -e /dev/log ] && [ -c /dev/null ]
ok $? "dnsd on port ${dnsport:-none}; /dev of our own, without log" \
    "$(cat "$tmp/dnsd.err"; ls -l /dev)"

cat >"$tmp/base.conf" <<EOF
log_to = syslog
syslog_facility = local3
request_timeout = 2s
dns_timeout = 2s
EOF
printf '1 s3cret-one\n' >"$tmp/batv.keys"
printf 'srs-secret-1\n' >"$tmp/srs.keys"
chmod 600 "$tmp/batv.keys" "$tmp/srs.keys"
cp "$tmp/base.conf" "$tmp/rings.conf"
printf 'ses_keys = %s\nsrs_secrets = %s\n' "$tmp/batv.keys" \
    "$tmp/srs.keys" >>"$tmp/rings.conf"
req "$tmp/pass" 192.0.2.9 alice@example.com 1.1
decisions=$((CONNS * PER_CONN))
sock=$tmp/rmxf.sock

# --- no syslog daemon ---------------------------------------------------
start=$(date +%s%N)
traced "$tmp/strace.out" "$RMXFD" -c "$tmp/rings.conf" \
    --listen "unix:$sock" --dns "127.0.0.1:$dnsport" 2>"$tmp/d.err"
rpid=$tpid
wait_for "$tmp/d.err" ': started'
pc "unix:$sock" many "$CONNS" "$tmp/pass" "$PER_CONN"
wait_count "$tmp/d.err" 'action=accept .*time_ms=' "$decisions"
[ "$(count "$tmp/d.err" 'action=accept .*time_ms=')" = "$decisions" ] &&
    [ "$(count "$tmp/d.err" "$DOWN")" = 1 ] &&
    head -1 "$tmp/d.err" | grep -q "^$STAMP rmxfd\[$rpid\]: $DOWN$"
ok $? "no /dev/log: said once on stderr, $decisions decisions logged there" \
    "$out $(head -3 "$tmp/d.err"; tail -2 "$tmp/d.err")"

if [ ${#TRACE[@]} -gt 0 ]; then
	secs=$(seconds_since "$start")
	c=$(connects "$tmp/strace.out")
	t="$c connect(2) to it in $secs s, $decisions decisions"
	[ "$c" -le $((secs + 2)) ]
	ok $? "no /dev/log: $t" \
	    "$(grep -m3 /dev/log "$tmp/strace.out")"
else
	n=$((n + 1))
	echo "ok $n # SKIP strace missing or not allowed"
fi

for ((i = 0; i < STDIO_REQS; i++)); do
	cat "$tmp/pass"
done >"$tmp/stdio.in"
start=$(date +%s%N)
# strace exits as its program did; it ignores SIGTERM, not SIGKILL
timeout -k 5 "$CLIENT_KILL" "${TRACE[@]}" ${TRACE:+"$tmp/stdio.strace"} \
    "$RMXFD" --stdio -c "$tmp/base.conf" --dns "127.0.0.1:$dnsport" \
    <"$tmp/stdio.in" >"$tmp/stdio.out" 2>"$tmp/stdio.err"
rc=$?
secs=$(seconds_since "$start")
[ "$rc" = 0 ] && [ ! -s "$tmp/stdio.err" ] &&
    [ "$(count "$tmp/stdio.out" '^action=')" = "$STDIO_REQS" ]
ok $? "--stdio, no /dev/log: $STDIO_REQS actions, nothing on stderr" \
    "exit $rc: $(cat "$tmp/stdio.err")"
if [ ${#TRACE[@]} -gt 0 ]; then
	c=$(connects "$tmp/stdio.strace")
	t="$c connect(2) to it in $secs s, $STDIO_REQS requests"
	[ "$c" -le $((secs + 2)) ]
	ok $? "--stdio, no /dev/log: $t" \
	    "$(grep -m3 /dev/log "$tmp/stdio.strace")"
else
	n=$((n + 1))
	echo "ok $n # SKIP strace missing or not allowed"
fi

# --- syslog comes, restarts ---------------------------------------------
syslogd "$tmp/syslog1"
sleep 1.1			# a reconnect is due
pc "unix:$sock" send "$tmp/pass"
wait_for "$tmp/syslog1" 'action=accept'
pat="^<156>$RFC3164 rmxfd\[$rpid\]: warning: syslog was unreachable "
pat="$pat(/dev/log: No such file or directory): \([0-9]*\) line(s) logged"
pat="$pat to stderr$"
missed=$(sed -n "s|$pat|\1|p" "$tmp/syslog1")
[ "${missed:-0}" -ge "$decisions" ] &&
    [ "$(count "$tmp/d.err" 'syslog reachable again: logging to syslog$')" \
    = 1 ] && [ "$(count "$tmp/syslog1" 'was unreachable')" = 1 ]
ok $? "syslog comes: it hears of the $missed lines on stderr, stderr once" \
    "$(cat "$tmp/syslog1"; tail -2 "$tmp/d.err")"

pat="^<158>$RFC3164 rmxfd\[$rpid\]: queue_id=NOQUEUE client=192\.0\.2\.9 "
pat="$pat.*sender=<alice@example\.com> .*action=accept .*time_ms=[0-9.]*$"
grep -q "$pat" "$tmp/syslog1" &&
    [ "$(count "$tmp/d.err" 'action=accept .*time_ms=')" = "$decisions" ]
ok $? "the next decision goes to syslog: local3.info, rmxfd[$rpid]" \
    "$(cat "$tmp/syslog1")"

stop "$slpid"
syslogd "$tmp/syslog2"
pc "unix:$sock" send "$tmp/pass"
wait_for "$tmp/syslog2" 'action=accept'
[ "$(count "$tmp/syslog2" "^<158>$RFC3164 rmxfd\[$rpid\]: .*action=accept")" \
    = 1 ] && [ "$(count "$tmp/d.err" 'syslog unreachable')" = 1 ] &&
    [ "$(count "$tmp/syslog2" 'unreachable')" = 0 ]
ok $? "syslog restarts: the next decision reaches the new one, no notice" \
    "$(cat "$tmp/syslog2"; tail -2 "$tmp/d.err")"

# both rings unreadable (others may read them): the old ones stay, with a
# warning each, one message of one line each
chmod 644 "$tmp/batv.keys" "$tmp/srs.keys"
kill -HUP "$rpid"
wait_for "$tmp/syslog2" 'reloaded'
w="^<156>$RFC3164 rmxfd\[$rpid\]: warning: key rings not read again, the"
w="$w old ones stay: [^\\]*"
[ "$(count "$tmp/syslog2" "$w$tmp/batv\.keys[^\\]*$")" = 1 ] &&
    [ "$(count "$tmp/syslog2" "$w$tmp/srs\.keys[^\\]*$")" = 1 ] &&
    ! grep -q -F '\n' "$tmp/syslog2" &&
    [ "$(count "$tmp/syslog2" "^<[0-9]*>$RFC3164 rmxfd\[$rpid\]: ")" = \
    "$(wc -l <"$tmp/syslog2")" ]
ok $? "SIGHUP, rings unreadable: a warning each, each message one line" \
    "$(cat "$tmp/syslog2")"

timeout "$CLIENT_KILL" "$RMXFD" --stdio -c "$tmp/base.conf" \
    --dns "127.0.0.1:$dnsport" <"$tmp/pass" >"$tmp/stdio.out" \
    2>"$tmp/stdio.err"
rc=$?
wait_count "$tmp/syslog2" 'action=accept' 2
[ "$rc" = 0 ] && [ ! -s "$tmp/stdio.err" ] &&
    grep -q '^action=' "$tmp/stdio.out" &&
    grep -q "^<158>$RFC3164 rmxfd\[[0-9]*\]: started on stdin" \
    "$tmp/syslog2" &&
    [ "$(count "$tmp/syslog2" \
    "^<158>$RFC3164 rmxfd\[[0-9]*\]: .*action=accept")" = 2 ]
ok $? "--stdio with syslog: the decision reaches it, nothing on stderr" \
    "exit $rc: $(cat "$tmp/stdio.err"; tail -3 "$tmp/syslog2")"
[ -n "$rpid" ] && stop "$rpid"

# --- stderr ------------------------------------------------------------------
# on_stderr NAME [VAR=VALUE...] - rmxfd --log stderr in that environment,
# one decision, stopped; its stderr in $tmp/NAME.err, its PID in $epid
on_stderr() {
	local name=$1
	shift
	: >"$tmp/$name.err"
	env "$@" "$RMXFD" -c "$tmp/base.conf" --log stderr \
	    --listen "unix:$tmp/$name.sock" --dns "127.0.0.1:$dnsport" \
	    2>>"$tmp/$name.err" &
	epid=$!
	pids+=("$epid")
	wait_for "$tmp/$name.err" ': started'
	pc "unix:$tmp/$name.sock" send "$tmp/pass"
	wait_for "$tmp/$name.err" 'action=accept'
	stop "$epid"
}

on_stderr plain -u JOURNAL_STREAM
lines=$(wc -l <"$tmp/plain.err")
first=$(head -1 "$tmp/plain.err" | cut -c1-24)
age=$(($(date +%s) - $(date -u -d "$first" +%s 2>/dev/null || echo 0)))
[ "$lines" -ge 4 ] &&
    [ "$(count "$tmp/plain.err" "^$STAMP rmxfd\[$epid\]: ")" = "$lines" ] &&
    grep -q "^$STAMP rmxfd\[$epid\]: queue_id=.*action=accept" \
    "$tmp/plain.err" && [ "$age" -ge 0 ] && [ "$age" -le 60 ]
ok $? "--log stderr: each line starts with the UTC time ($first) and pid" \
    "$(cat "$tmp/plain.err")"

: >"$tmp/journal.err"
on_stderr journal "JOURNAL_STREAM=$(stat -c %d:%i "$tmp/journal.err")"
lines=$(wc -l <"$tmp/journal.err")
[ "$lines" -ge 4 ] &&
    [ "$(count "$tmp/journal.err" '^rmxfd: ')" = "$lines" ] &&
    grep -q '^rmxfd: queue_id=.*action=accept' "$tmp/journal.err"
ok $? "--log stderr to the journal (JOURNAL_STREAM): no time stamps" \
    "$(cat "$tmp/journal.err")"

on_stderr other "JOURNAL_STREAM=$(stat -c %d:%i "$tmp/journal.err")"
lines=$(wc -l <"$tmp/other.err")
[ "$lines" -ge 4 ] &&
    [ "$(count "$tmp/other.err" "^$STAMP rmxfd\[$epid\]: ")" = "$lines" ]
ok $? "JOURNAL_STREAM of another file: time stamps" "$(cat "$tmp/other.err")"
