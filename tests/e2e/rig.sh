# shellcheck shell=bash
# NAME
#	rig.sh - a real Postfix, a real DNS server and swaks, all on loopback
# SYNOPSIS
#	. tests/e2e/rig.sh
#	rig_require CMD...		(skips the file unless root and CMDs)
#	rig_enter "$@"			(re-executes the test in a namespace)
#	rig_dns_start
#	rig_postfix_start POLICY [NAME=VALUE...]	(replace or add main.cf
#					settings)
#	rig_smtpd PORT RESTRICTIONS [NAME=VALUE...]	(before the start)
#	rig_spawn_service NAME USER ARGV...	(before rig_postfix_start)
#	rig_master_lines TEXT		(more master.cf lines, before the start)
#	rig_sink_start PORT DIR		(smtp-sink next hop, captures in DIR)
#	rig_sink_captured SUBJECT DIR [REGEX]	(prints the captured file)
#	rig_swaks ARGS...		(sets $sw_out and $sw_rc)
#	rig_delivered SUBJECT [RCPT]	(prints the delivered file)
#	rig_headers FILE		(its header, one field a line)
#	rig_port VAR
#	ok STATUS TEXT [DIAG]; todo STATUS TEXT REASON [DIAG]; skip TEXT;
#	skip_all REASON; bail_out REASON; rig_done
# DESCRIPTION
#	Sourced by tests/e2e/t_*.sh.  Everything the rig starts runs on
#	127.0.0.1 and ::1, is started and stopped by the test itself, by
#	PID, with bounded waits, and lives in a scratch directory $RIG_T
#	that is removed on exit (kept with RIG_KEEP=1).
#
#	rig_enter re-executes the calling script under
#	"unshare --net --mount --pid --fork --mount-proc --kill-child" when
#	that works (killing the test, e.g. by make's timeout, kills the rig):
#	a private network namespace with only lo, /etc/resolv.conf
#	bind-mounted to a file naming the test DNS server, and a PID
#	namespace, so that every process of the rig dies with the test and
#	nobody's DNS leaves the machine (tests/lib/netns.sh).  Where unshare
#	is refused the rig runs in the host namespaces on free loopback
#	ports, and Postfix is told not to use DNS at all
#	(smtpd_peername_lookup = no, smtp_dns_support_level = disabled);
#	in both modes Postfix delivers nothing off the host (default and
#	relay transport error:, so a bounce goes nowhere).
#	RIG_NO_NS=1 forces that mode.
#
#	The DNS server is unbound from Debian: the zones of
#	tests/e2e/zones/ as auth-zone data (each also "local-zone:
#	nodefault", so that unbound's own default zones, test. and the
#	reverse zones of the documentation prefixes, do not hide them),
#	"timeout.test." dropping every query (local-zone deny) and
#	"servfail.test." an auth-zone without data
#	(zones/servfail.test.zone), which unbound answers with SERVFAIL.
#	RIG_ZONES_EXTRA (blank-separated paths, each NAME.zone) adds zones
#	a test writes at run time (keys made by the test).
#	It listens on $RIG_DNS_PORT (not 53) of 127.0.0.1 and ::1; inside
#	the namespace on port 53 too, the server of the private
#	/etc/resolv.conf: what the libc resolver and a program given no
#	DNS server (rmxfd without --dns or dns_forwarders) ask.
#
#	The Postfix instance has its own config_directory,
#	queue_directory and data_directory under $RIG_T/pf, chroot n
#	everywhere, logs through postlogd to $RIG_T/log/maillog, smtpd on
#	127.0.0.1 and [::1] port $RIG_SMTP_PORT with XCLIENT allowed from
#	loopback, and virtual(8) delivery of every recipient in dest.test
#	to the maildir $RIG_T/mail/dest.test/LOCALPART/.  Its
#	smtpd_recipient_restrictions are
#	"reject_unauth_destination, check_policy_service POLICY" (POLICY
#	"none": no policy check).  rig_smtpd adds further smtpd listeners
#	with restrictions of their own; rig_spawn_service adds a spawn(8)
#	service (a policy server run per connection by master).
#
#	rig_swaks sends one message (its Subject is the case's key) to the
#	first smtpd, or to --server given in ARGS; its transcript is in
#	$sw_out, its exit status in $sw_rc.  rig_rcpt_reply prints the
#	server's replies to RCPT TO.  rig_delivered waits (bounded) for the
#	message with that Subject in RCPT's maildir and prints its path.
#
#	rig_sink_start runs Postfix's smtp-sink(1) on 127.0.0.1:PORT as a
#	next hop (reach it with a transport_maps entry
#	"DOMAIN smtp:[127.0.0.1]:PORT"; Postfix's default and relay
#	transports still deliver nothing off the host).  It dumps every
#	mail transaction into a file of its own under DIR, starting with
#	X-Mail-Args: (MAIL FROM) and X-Rcpt-Args: (RCPT TO) lines;
#	rig_sink_captured waits (bounded) for the capture with that Subject
#	(and a line matching REGEX, grep -E) and prints its path.
# ENVIRONMENT
#	O (build directory, default build), RIG_KEEP, RIG_NO_NS, RIG_DEBUG
#	(print every started command to stderr).
# SEE ALSO
#	doc/e2e-notes.md, tests/lib/netns.sh, tests/e2e/t_rig.sh,
#	tests/e2e/t_rmxfd.sh, postconf(5), master(5), unbound.conf(5),
#	swaks(1).

RIG_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
RIG_DIR=$RIG_ROOT/tests/e2e
. "$RIG_ROOT/tests/lib/netns.sh"
O=${O:-build}
# shellcheck disable=SC2034  # RIG_O is for the test scripts
case $O in
/*) RIG_O=$O ;;
*) RIG_O=$RIG_ROOT/$O ;;
esac

RIG_DNS_WAIT=100	# tenths of a second for unbound to answer
RIG_PF_WAIT=150		# tenths of a second for postfix start/stop
RIG_DELIVER_WAIT=150	# tenths of a second for a delivery
RIG_SWAKS_TIMEOUT=40	# seconds one swaks session may take in all
RIG_MAIL_UID=65534	# virtual(8) delivers as nobody
RIG_MAIL_GID=65534
# the mailboxes of dest.test (more with RIG_MAILBOXES before the start)
RIG_MAILBOXES=${RIG_MAILBOXES:-"user one two three hmark skipme"}

RIG_T=
RIG_PIDS=()
RIG_PF_UP=0
RIG_MASTER_EXTRA=
RIG_MAIN_EXTRA=
rig_n=0
rig_failed=0

# rig_log - a diagnostic on stderr when RIG_DEBUG is set
rig_log() {
	[ -n "${RIG_DEBUG:-}" ] && printf 'rig: %s\n' "$*" >&2
	return 0
}

# ok STATUS TEXT [DIAG] - one TAP line, DIAG as comments; returns STATUS
ok() {
	rig_n=$((rig_n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $rig_n - $2"
	else
		rig_failed=$((rig_failed + 1))
		echo "not ok $rig_n - $2"
		[ -n "${3:-}" ] && printf '%s\n' "$3" | sed 's/^/# /'
	fi
	[ "$1" = 0 ]
}

# todo STATUS TEXT REASON [DIAG] - one TAP line marked "# TODO REASON": a
# known gap, shown by prove but not counted as a failure
todo() {
	rig_n=$((rig_n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $rig_n - $2 # TODO $3"
	else
		echo "not ok $rig_n - $2 # TODO $3"
		[ -n "${4:-}" ] && printf '%s\n' "$4" | sed 's/^/# /'
	fi
	return 0
}

# skip TEXT - one skipped TAP line
skip() {
	rig_n=$((rig_n + 1))
	echo "ok $rig_n # SKIP $1"
}

# diag TEXT - a TAP comment
diag() {
	printf '%s\n' "$*" | sed 's/^/# /'
}

# skip_all REASON - the whole file is skipped
skip_all() {
	echo "1..0 # SKIP $1"
	exit 0
}

# rig_done - the plan, after all tests
rig_done() {
	echo "1..$rig_n"
}

# rig_cleanup - stop everything we started, by PID; remove $RIG_T
rig_cleanup() {
	local p i
	if [ "$RIG_PF_UP" = 1 ]; then
		rig_postfix_stop
	fi
	for p in "${RIG_PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	for p in "${RIG_PIDS[@]}"; do
		for ((i = 0; i < 30; i++)); do
			kill -0 "$p" 2>/dev/null || break
			sleep 0.1
		done
		kill -9 "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	if [ -n "$RIG_T" ] && [ -d "$RIG_T" ]; then
		if [ -n "${RIG_KEEP:-}" ]; then
			echo "# rig: kept $RIG_T" >&2
		else
			rm -rf "$RIG_T"
		fi
	fi
}

# rig_bg PIDFILE-LESS PID - remember a process to stop at exit
rig_bg() {
	RIG_PIDS+=("$1")
}

# rig_free_port - a free TCP+UDP loopback port (any port in a namespace)
rig_free_port() {
	local p i
	for ((i = 0; i < 200; i++)); do
		p=$((20000 + RANDOM % 40000))
		if [ -z "$(ss -Hltun "( sport = :$p )" 2>/dev/null)" ]; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

# rig_require CMD... - skip the whole file unless root and every CMD
rig_require() {
	local c
	[ "$(id -u)" = 0 ] || skip_all "the rig needs root (postfix start)"
	for c in "$@"; do
		command -v "$c" >/dev/null || skip_all "$c not installed"
	done
}

# rig_enter ARGS - re-run the calling script in private namespaces, once
rig_enter() {
	if [ -z "${RIG_INNER:-}" ] && [ -z "${RIG_NO_NS:-}" ] &&
	    netns_can; then
		RIG_INNER=1 exec "${NETNS_UNSHARE[@]}" bash "$0" "$@"
	fi
	RIG_NS=0
	[ -n "${RIG_INNER:-}" ] && RIG_NS=1
	rig_setup
}

# rig_setup - scratch directory, ports, namespace plumbing, trap
rig_setup() {
	RIG_T=$(mktemp -d "${TMPDIR:-/tmp}/rmxf-e2e.XXXXXX") || exit 1
	chmod 755 "$RIG_T"
	trap rig_cleanup EXIT
	trap 'exit 1' INT TERM HUP
	mkdir -p "$RIG_T/log" "$RIG_T/dns" "$RIG_T/mail" "$RIG_T/etc"
	chmod 755 "$RIG_T/log" "$RIG_T/dns" "$RIG_T/etc"
	chown "$RIG_MAIL_UID:$RIG_MAIL_GID" "$RIG_T/mail"
	if [ "$RIG_NS" = 1 ]; then
		netns_resolv "$RIG_T/etc/resolv.conf" || return 1
		RIG_DNS_PORT=5399
		RIG_SMTP_PORT=2525
		RIG_NEXT_PORT=10030
	else
		RIG_DNS_PORT=$(rig_free_port) || return 1
		RIG_SMTP_PORT=$(rig_free_port) || return 1
		RIG_NEXT_PORT=
	fi
	RIG_DNS=127.0.0.1:$RIG_DNS_PORT
	rig_log "tmp=$RIG_T ns=$RIG_NS dns=$RIG_DNS smtp=$RIG_SMTP_PORT"
}

# rig_port VAR - set VAR to another free port for a service of the test
rig_port() {
	local p
	if [ -n "$RIG_NEXT_PORT" ]; then
		RIG_NEXT_PORT=$((RIG_NEXT_PORT + 1))
		p=$RIG_NEXT_PORT
	else
		p=$(rig_free_port) || return 1
	fi
	printf -v "$1" '%s' "$p"
}

# bail_out REASON - stop the whole test file (TAP "Bail out!")
bail_out() {
	echo "Bail out! $1"
	exit 1
}

# rig_wait_for TENTHS CMD... - run CMD every 0.1 s until it succeeds
rig_wait_for() {
	local n=$1 i
	shift
	for ((i = 0; i < n; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# rig_dig NAME TYPE [PORT] - short answer of the test DNS server
rig_dig() {
	dig +time=2 +tries=1 +short -p "${3:-$RIG_DNS_PORT}" @127.0.0.1 \
	    "$1" "$2"
}

# rig_dns_start - unbound with the test zones on loopback
rig_dns_start() {
	local conf=$RIG_T/dns/unbound.conf z name ifs
	ifs="	interface: 127.0.0.1@$RIG_DNS_PORT
	interface: ::1@$RIG_DNS_PORT"
	if [ "$RIG_NS" = 1 ]; then
		ifs="$ifs
	interface: 127.0.0.1@53
	interface: ::1@53"
	fi
	cat >"$conf" <<EOF
server:
$ifs
	port: $RIG_DNS_PORT
	do-daemonize: no
	username: ""
	chroot: ""
	directory: "$RIG_T/dns"
	pidfile: ""
	use-syslog: no
	logfile: "$RIG_T/dns/unbound.log"
	verbosity: 1
	num-threads: 1
	do-ip6: yes
	access-control: 127.0.0.0/8 allow
	access-control: ::1/128 allow
	do-not-query-localhost: no
	module-config: "iterator"
	qname-minimisation: no
	harden-referral-path: no
	local-zone: "test." nodefault
	local-zone: "timeout.test." deny
	val-log-level: 0
remote-control:
	control-enable: no
EOF
	for z in "$RIG_DIR"/zones/*.zone ${RIG_ZONES_EXTRA:-}; do
		name=${z##*/}
		name=${name%.zone}
		cat >>"$conf" <<EOF
server:
	local-zone: "$name." nodefault
auth-zone:
	name: "$name."
	zonefile: "$z"
	for-downstream: yes
	for-upstream: yes
	fallback-enabled: no
EOF
	done
	unbound-checkconf "$conf" >"$RIG_T/dns/checkconf.out" 2>&1 || {
		cat "$RIG_T/dns/checkconf.out" >&2
		return 1
	}
	unbound -d -c "$conf" >>"$RIG_T/dns/unbound.log" 2>&1 &
	rig_bg $!
	rig_log "unbound pid $!"
	rig_wait_for "$RIG_DNS_WAIT" rig_dns_up
}

# rig_dns_up - the DNS server answers for the zone's apex
rig_dns_up() {
	[ -n "$(rig_dig e2e.test SOA)" ]
}

# rig_smtpd PORT RESTRICTIONS [NAME=VALUE...] - one more smtpd listener
# (127.0.0.1, [::1]) whose smtpd_recipient_restrictions are RESTRICTIONS,
# with more -o NAME=VALUE overrides (no spaces in VALUE)
rig_smtpd() {
	local port=$1 name=rig_rr_$1 o="" kv
	RIG_MAIN_EXTRA="$RIG_MAIN_EXTRA
$name = $2"
	shift 2
	for kv in "$@"; do
		o="$o -o $kv"
	done
	RIG_MASTER_EXTRA="$RIG_MASTER_EXTRA
127.0.0.1:$port inet n - n - - smtpd
  -o smtpd_recipient_restrictions=\$$name$o
[::1]:$port inet n - n - - smtpd
  -o smtpd_recipient_restrictions=\$$name$o"
}

# rig_spawn_service NAME USER ARGV... - a spawn(8) policy service
rig_spawn_service() {
	local name=$1 user=$2
	shift 2
	RIG_MASTER_EXTRA="$RIG_MASTER_EXTRA
$name unix - n n - 0 spawn
  user=$user argv=$*"
}

# rig_main_set FILE "NAME = VALUE" - replace the rig's own setting of NAME
# in main.cf FILE, or append it (Postfix warns about a second one)
rig_main_set() {
	local name=${2%%=*}
	name=${name%%[ 	]*}
	if grep -q "^$name[ 	]*=" "$1"; then
		RIG_KV=$2 RIG_NAME=$name awk '
			$0 ~ "^" ENVIRON["RIG_NAME"] "[ \t]*=" {
				print ENVIRON["RIG_KV"]; next
			}
			{ print }' "$1" >"$1.new" && mv "$1.new" "$1"
	else
		printf '%s\n' "$2" >>"$1"
	fi
}

# rig_postfix_start POLICY [NAME=VALUE...] - the private Postfix
rig_postfix_start() {
	local policy=$1 pf=$RIG_T/pf kv rr
	shift
	mkdir -p "$pf/etc" "$pf/queue" "$pf/data"
	chown postfix "$pf/data"
	chmod 755 "$pf" "$pf/etc"
	if [ "$policy" = none ]; then
		rr="reject_unauth_destination"
	else
		rr="reject_unauth_destination, check_policy_service $policy"
	fi
	for kv in $RIG_MAILBOXES; do
		printf '%s@dest.test dest.test/%s/\n' "$kv" "$kv"
	done >"$pf/etc/vmailbox"
	cat >"$pf/etc/main.cf" <<EOF
# written by tests/e2e/rig.sh
compatibility_level = 3.6
config_directory = $pf/etc
queue_directory = $pf/queue
data_directory = $pf/data
meta_directory = /etc/postfix
mail_owner = postfix
setgid_group = postdrop
myhostname = mx.rig.test
mydomain = rig.test
myorigin = rig.test
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
relayhost =
relay_domains =
mynetworks = 127.0.0.0/8 [::1]/128
inet_interfaces = 127.0.0.1, [::1]
inet_protocols = all
smtpd_authorized_xclient_hosts = 127.0.0.0/8, [::1]/128
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtpd_recipient_restrictions = $rr
smtpd_peername_lookup = no
smtp_dns_support_level = disabled
default_transport = error:the rig delivers nothing off this host
relay_transport = error:the rig delivers nothing off this host
maillog_file = $RIG_T/log/maillog
maillog_file_prefixes = /var, /dev/stdout, $RIG_T
virtual_mailbox_domains = dest.test
virtual_mailbox_base = $RIG_T/mail
virtual_mailbox_maps = texthash:$pf/etc/vmailbox
virtual_uid_maps = static:$RIG_MAIL_UID
virtual_gid_maps = static:$RIG_MAIL_GID
virtual_minimum_uid = 100
in_flow_delay = 0
smtpd_error_sleep_time = 0
smtpd_soft_error_limit = 100
smtpd_hard_error_limit = 100
smtpd_client_connection_rate_limit = 0
smtpd_policy_service_timeout = 30s
notify_classes =
biff = no
$RIG_MAIN_EXTRA
EOF
	for kv in "$@"; do
		rig_main_set "$pf/etc/main.cf" "$kv"
	done
	cat >"$pf/etc/master.cf" <<EOF
# written by tests/e2e/rig.sh; chroot n everywhere
127.0.0.1:$RIG_SMTP_PORT inet n - n - - smtpd
[::1]:$RIG_SMTP_PORT inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
$RIG_MASTER_EXTRA
EOF
	postfix -c "$pf/etc" check >"$RIG_T/log/postfix-check.out" 2>&1 || {
		cat "$RIG_T/log/postfix-check.out" >&2
		return 1
	}
	postfix -c "$pf/etc" start >"$RIG_T/log/postfix-start.out" 2>&1 || {
		cat "$RIG_T/log/postfix-start.out" >&2
		return 1
	}
	RIG_PF_UP=1
	rig_wait_for "$RIG_PF_WAIT" rig_smtp_up "$RIG_SMTP_PORT"
}

# rig_smtp_up PORT - something accepts TCP connections on PORT
rig_smtp_up() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# rig_master_pid - master's PID, or nothing
rig_master_pid() {
	local f=$RIG_T/pf/queue/pid/master.pid
	[ -f "$f" ] && tr -d ' \n' <"$f"
}

# rig_postfix_stop - stop Postfix, wait for master to go (bounded)
rig_postfix_stop() {
	local pid
	pid=$(rig_master_pid)
	postfix -c "$RIG_T/pf/etc" stop >/dev/null 2>&1
	RIG_PF_UP=0
	[ -n "$pid" ] || return 0
	rig_wait_for "$RIG_PF_WAIT" eval "! kill -0 $pid" && return 0
	kill -9 "$pid" 2>/dev/null
	return 0
}

# rig_postfix_reload - postfix reload (new main.cf/master.cf values)
rig_postfix_reload() {
	postfix -c "$RIG_T/pf/etc" reload >/dev/null 2>&1
}

# rig_swaks ARGS... - one SMTP session; $sw_out, $sw_rc
rig_swaks() {
	local server=127.0.0.1:$RIG_SMTP_PORT a
	for a in "$@"; do
		[ "$a" = --server ] && server=
	done
	if [ -n "$server" ]; then
		set -- --server "$server" "$@"
	fi
	sw_out=$(timeout "$RIG_SWAKS_TIMEOUT" swaks --timeout 35 \
	    "$@" 2>&1)
	sw_rc=$?
	rig_log "swaks $* -> $sw_rc"
}

# rig_rcpt_reply - the first line of each reply to RCPT TO in $sw_out
rig_rcpt_reply() {
	printf '%s\n' "$sw_out" | awk '
		/^ *-> RCPT TO:/ { want = 1; next }
		want && /^ *<[-*][-*] / {
			sub(/^ *<[-*][-*] /, ""); print; want = 0
		}'
}

# rig_headers FILE - the header of a delivered message, one field a line
# (continuation lines joined with one space)
rig_headers() {
	awk '/^$/ { exit }
	    /^[ \t]/ { sub(/^[ \t]+/, " "); h = h $0; next }
	    { if (h != "") print h; h = $0 }
	    END { if (h != "") print h }' "$1"
}

# rig_delivered SUBJECT [RCPT] - path of the delivered message, waiting
rig_delivered() {
	local subj=$1 lp=${2:-user} i f
	lp=${lp%@*}
	for ((i = 0; i < RIG_DELIVER_WAIT; i++)); do
		f=$(grep -lsx "Subject: $subj" \
		    "$RIG_T/mail/dest.test/$lp/new/"* 2>/dev/null | head -1)
		if [ -n "$f" ]; then
			echo "$f"
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# rig_maillog - Postfix's log so far
rig_maillog() {
	cat "$RIG_T/log/maillog" 2>/dev/null
}

# rig_master_lines TEXT - more master.cf lines, verbatim (before the start)
rig_master_lines() {
	RIG_MASTER_EXTRA="$RIG_MASTER_EXTRA
$1"
}

# rig_sink_start PORT DIR - smtp-sink on 127.0.0.1:PORT, one file per
# transaction under DIR
rig_sink_start() {
	local port=$1 dir=$2
	mkdir -p "$dir"
	chown "$RIG_MAIL_UID:$RIG_MAIL_GID" "$dir"
	smtp-sink -u "$(id -nu "$RIG_MAIL_UID")" -h sink.rig.test \
	    -d "$dir/%H%M%S." "127.0.0.1:$port" 10 \
	    >>"$RIG_T/log/smtp-sink-$port.log" 2>&1 &
	rig_bg $!
	rig_log "smtp-sink pid $! port $port"
	rig_wait_for "$RIG_PF_WAIT" rig_smtp_up "$port"
}

# rig_sink_captured SUBJECT DIR [REGEX] - path of the capture, waiting
rig_sink_captured() {
	local subj=$1 dir=$2 re=${3:-.} i f
	for ((i = 0; i < RIG_DELIVER_WAIT; i++)); do
		while read -r f; do
			if grep -qsE -- "$re" "$f"; then
				echo "$f"
				return 0
			fi
		done < <(grep -lsx "Subject: $subj" "$dir"/* 2>/dev/null)
		sleep 0.1
	done
	return 1
}
