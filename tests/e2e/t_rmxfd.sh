#!/bin/bash
# NAME
#	t_rmxfd.sh - rmxfd under a real Postfix, end to end (issue 3's cases)
# SYNOPSIS
#	bash tests/e2e/t_rmxfd.sh
# DESCRIPTION
#	Starts the rig of tests/e2e/rig.sh (unbound serving tests/e2e/zones,
#	a private Postfix) and build/rmxfd in both of its modes:
#
#	  spawn       master.cf "rmxf unix - n n - 0 spawn user=nobody
#		      argv=rmxfd --stdio -c main.conf" behind
#		      check_policy_service unix:private/rmxf (port SMTP),
#		      as a site runs it: no --dns, no dns_forwarders, so
#		      it asks the server of /etc/resolv.conf (the rig's
#		      unbound on 127.0.0.1:53 of the namespace)
#	  standalone  rmxfd -c main.conf --dns 127.0.0.1:PORT --listen
#		      inet:127.0.0.1:PORT (and inet:[::1]:PORT, unix:PATH)
#		      behind check_policy_service inet:... (its own smtpd;
#		      one smtpd each for the ::1 and the unix socket)
#
#	The legacy daemon below is given its server by dns_forwarders in
#	its configuration, the others by --dns: each way rmxfd finds its
#	DNS server runs here.  Without namespaces (RIG_NO_NS=1, or unshare
#	refused) the spawned rmxfd gets --dns too, as the machine's own
#	resolv.conf must not be used, and the resolv.conf check is a SKIP.
#
#	Mail is sent with swaks through XCLIENT (client address, HELO).
#	The common cases run in both modes: pass over IPv4 and IPv6
#	(delivered, one Received-SPF: pass), the ptr mechanism for an IPv4
#	and an IPv6 client (delivered, pass: the reverse zones of
#	192.0.2.0/24 and 2001:db8::/32 are the rig server's to answer),
#	fail (550 5.7.23 with the record's explanation, maillog's reject
#	line), softfail (delivered,
#	marked), permerror (delivered, marked), HELO fail (550), DNS timeout
#	and SERVFAIL (450 4.7.24), ACL skip (delivered, no header) and HMARK
#	(neutral rejected for others, marked for the HMARK recipient), a
#	message for three recipients (one header in each copy).  Standalone
#	only, each with its own rmxfd and smtpd: the A and MX neighbourhood
#	for a sender without SPF (near: delivered, never "spf=pass"; far:
#	rejected through default_result = fail), observe_only (fail
#	delivered, no header, "observe=yes" logged), the smarthost profile
#	(XCLIENT LOGIN sets sasl_username under Cyrus SASL: a sender domain
#	whose SPF does not allow our egress address is rejected at RCPT, one
#	that does is delivered; policy_context without login passes
#	untouched), and SIGHUP under traffic (no session of a background
#	load fails, the new configuration takes effect, a broken one is
#	refused and the old one kept, the daemon is the same process).
#
#	When build/rmxfd does not exist the whole file is skipped.  TAP on
#	stdout.  Timeouts: dns_timeout 2 s, request_timeout 10 s.
# ENVIRONMENT
#	O (build directory, default build); see rig.sh for the others.
# SEE ALSO
#	tests/e2e/rig.sh, rmxfd(8), rmxf.conf(5), doc/e2e-notes.md.
set -u
. "$(dirname "$0")/rig.sh"

[ -x "$RIG_O/rmxfd" ] || skip_all "rmxfd not built"
rig_require unbound unbound-checkconf postfix swaks dig ip ss
rig_enter "$@" || skip_all "rig setup failed"

RELOAD_SESSIONS=8	# background sessions during the SIGHUP test
RMXFD_WAIT=50		# tenths of a second for rmxfd to listen
PID_rel=			# the rmxfd of the reload test (rmxfd_start)

R=$RIG_T/rmxf
mkdir -p "$R/bin"
chmod 755 "$R" "$R/bin"
cp "$RIG_O/rmxfd" "$R/bin/rmxfd"	# readable by the spawn user
RMXFD=$R/bin/rmxfd

cat >"$R/rmxf.acl" <<'EOF'
skipme@dest.test	skip
hmark@dest.test		check	HMARK
*			check
EOF

# write_conf FILE LINES... - an rmxf.conf with the rig's common settings
write_conf() {
	local f=$1
	shift
	{
		echo "# written by tests/e2e/t_rmxfd.sh"
		echo "dns_timeout = 2s"
		echo "request_timeout = 10s"
		echo "authserv_id = mx.rig.test"
		printf '%s\n' "$@"
	} >"$f"
	chmod 644 "$f"
}

write_conf "$R/main.conf" "test_helo = yes" \
    "action_mailfrom_neutral = reject" "acl_file = $R/rmxf.acl" \
    "smarthost_egress = 192.0.2.250" "smarthost_contexts = submission"
write_conf "$R/legacy.conf" "test_a = yes" "test_mx = yes" \
    "default_result = fail" "dns_forwarders = 127.0.0.1@$RIG_DNS_PORT"
write_conf "$R/observe.conf" "observe_only = yes"
write_conf "$R/reload.conf" "action_mailfrom_softfail = mark"
chmod 644 "$R/rmxf.acl"

rig_port P_MAIN	# rmxfd main.conf
rig_port P_LEG	# rmxfd legacy.conf
rig_port P_OBS	# rmxfd observe.conf
rig_port P_REL	# rmxfd reload.conf
rig_port S_MAIN	# smtpd -> P_MAIN
rig_port S_LEG
rig_port S_OBS
rig_port S_REL
rig_port S_SASL	# smtpd with SASL (XCLIENT LOGIN) -> P_MAIN
rig_port S_CTX	# smtpd -> P_MAIN with policy_context=submission
rig_port S_V6P	# smtpd -> [::1]:P_MAIN
rig_port S_UNIX	# smtpd -> unix:$SOCK

# rmxfd_start NAME CONF PORT [ARGS...] - a standalone rmxfd, logging to
# a file
rmxfd_start() {
	"$RMXFD" -c "$2" --listen "inet:127.0.0.1:$3" --log stderr "${@:4}" \
	    >>"$RIG_T/log/rmxfd-$1.log" 2>&1 &
	rig_bg $!
	printf -v "PID_$1" '%s' "$!"
	rig_wait_for "$RMXFD_WAIT" rig_smtp_up "$3"
}

SOCK=$R/main.sock	# the main rmxfd's unix socket
for d in "main main.conf $P_MAIN" "leg legacy.conf $P_LEG" \
    "obs observe.conf $P_OBS" "rel reload.conf $P_REL"; do
	read -r dname dconf dport <<<"$d"
	if [ "$dname" = main ]; then
		rmxfd_start "$dname" "$R/$dconf" "$dport" --dns "$RIG_DNS" \
		    --listen "inet:[::1]:$dport" --listen "unix:$SOCK"
	elif [ "$dname" = leg ]; then
		rmxfd_start "$dname" "$R/$dconf" "$dport"
	else
		rmxfd_start "$dname" "$R/$dconf" "$dport" --dns "$RIG_DNS"
	fi
	ok $? "standalone rmxfd ($dconf) listens on 127.0.0.1:$dport" \
	    "$(cat "$RIG_T/log/rmxfd-$dname.log")"
done

rig_dns_start
ok $? "unbound answers on $RIG_DNS" || bail_out "no DNS server"

rr="reject_unauth_destination, check_policy_service"
# the spawned rmxfd asks the server of /etc/resolv.conf (namespace only)
spawn_dns=
[ "$RIG_NS" = 1 ] || spawn_dns=" --dns $RIG_DNS"
rig_spawn_service rmxf nobody "$RMXFD --stdio -c $R/main.conf$spawn_dns"
if [ "$RIG_NS" = 1 ]; then
	diag "spawned rmxfd: no --dns, no dns_forwarders: /etc/resolv.conf"
else
	skip "spawned rmxfd through /etc/resolv.conf: needs the namespace"
fi
rig_smtpd "$S_MAIN" "$rr inet:127.0.0.1:$P_MAIN"
rig_smtpd "$S_LEG" "$rr inet:127.0.0.1:$P_LEG"
rig_smtpd "$S_OBS" "$rr inet:127.0.0.1:$P_OBS"
rig_smtpd "$S_REL" "$rr inet:127.0.0.1:$P_REL"
rig_smtpd "$S_SASL" "$rr inet:127.0.0.1:$P_MAIN" smtpd_sasl_auth_enable=yes
rig_smtpd "$S_CTX" \
    "$rr { inet:127.0.0.1:$P_MAIN, policy_context=submission }"
rig_smtpd "$S_V6P" "$rr inet:[::1]:$P_MAIN"
rig_smtpd "$S_UNIX" "$rr unix:$SOCK"
RIG_MAILBOXES="user one two three hmark skipme"
rig_postfix_start "unix:private/rmxf"
ok $? "postfix starts" "$(cat "$RIG_T/log/postfix-start.out"
    tail -20 "$RIG_T/log/maillog")" || bail_out "postfix did not start"

# send PORT SUBJECT ADDR HELO FROM TO [SWAKS-ARGS...] - one message
send() {
	local port=$1 subj=$2 addr=$3 helo=$4 from=$5 to=$6 server
	shift 6
	server=127.0.0.1:$port
	case $addr in
	IPV6:*) server="[::1]:$port" ;;
	esac
	rig_swaks --server "$server" --xclient-addr "$addr" --helo "$helo" \
	    --from "$from" --to "$to" --header "Subject: $subj" "$@"
}

# spf_headers FILE - the Received-SPF lines of a delivered message
spf_headers() {
	sed -n '/^$/q; /^Received-SPF:/p' "$1"
}

# expect SUBJ TO WANT - check one sent message against WANT:
#   D:RESULT   delivered to every recipient in TO with exactly one
#              Received-SPF: header, of that RESULT
#   N          delivered to every recipient, no Received-SPF: header
#   R:REGEX    the first reply to RCPT TO matches REGEX (grep -E)
expect() {
	local subj=$1 to=$2 want=$3 r f h n rc=0 diag=""
	case $want in
	R:*)
		r=$(rig_rcpt_reply | head -1)
		printf '%s\n' "$r" | grep -qE -- "${want#R:}" || {
			rc=1
			diag="RCPT reply: $r"
		}
		;;
	D:* | N)
		for r in ${to//,/ }; do
			f=$(rig_delivered "$subj" "$r") || {
				rc=1
				diag="$diag not delivered to $r;"
				continue
			}
			h=$(spf_headers "$f")
			n=$(printf '%s' "$h" | grep -c '^Received-SPF:')
			if [ "$want" = N ]; then
				[ "$n" = 0 ] || {
					rc=1
					diag="$diag header for $r: $h;"
				}
			elif [ "$n" != 1 ] || ! printf '%s\n' "$h" |
			    grep -q "^Received-SPF: ${want#D:} "; then
				rc=1
				diag="$diag $r has $n headers: $h;"
			fi
		done
		;;
	esac
	[ "$rc" = 0 ] || diag="$diag
$(printf '%s\n' "$sw_out" | grep -E '^ *(<-|<\*\*|->) +(RCPT|MAIL|[245][0-9][0-9])' |
	    head -12)"
	ok "$rc" "$subj: $want" "$diag"
}

# The cases of both modes: NAME ADDR HELO FROM TO WANT
cases=(
"pass-v4 192.0.2.10 client.e2e.test a@pass.e2e.test user@dest.test D:pass"
"pass-v6 IPV6:2001:db8::10 client.e2e.test a@pass.e2e.test user@dest.test D:pass"
"ptr-v4 192.0.2.10 client.e2e.test a@ptr.e2e.test user@dest.test D:pass"
"ptr-v6 IPV6:2001:db8::10 client.e2e.test a@ptr.e2e.test user@dest.test D:pass"
"fail 192.0.2.33 client.e2e.test a@fail.e2e.test user@dest.test R:^550 5\.7\.23 .*192\.0\.2\.33 is not one of fail\.e2e\.test's senders"
"softfail 192.0.2.10 client.e2e.test a@softfail.e2e.test user@dest.test D:softfail"
"permerror 192.0.2.10 client.e2e.test a@permerror.e2e.test user@dest.test D:permerror"
"helo-fail 192.0.2.10 helofail.e2e.test a@pass.e2e.test user@dest.test R:^550 5\.7\.23 "
"dns-timeout 192.0.2.10 client.e2e.test a@x.timeout.test user@dest.test R:^450 4\.7\.24 "
"dns-servfail 192.0.2.10 client.e2e.test a@x.servfail.test user@dest.test R:^450 4\.7\.24 "
"acl-skip 192.0.2.33 client.e2e.test a@fail.e2e.test skipme@dest.test N"
"neutral-rejected 192.0.2.10 client.e2e.test a@neutral.e2e.test user@dest.test R:^550 5\.7\.23 "
"acl-hmark 192.0.2.10 client.e2e.test a@neutral.e2e.test hmark@dest.test D:neutral"
"multi-rcpt 192.0.2.10 client.e2e.test a@pass.e2e.test one@dest.test,two@dest.test,three@dest.test D:pass"
)

nrej=0
for mode in spawn standalone; do
	port=$RIG_SMTP_PORT
	[ "$mode" = standalone ] && port=$S_MAIN
	for c in "${cases[@]}"; do
		read -r name addr helo from to want <<<"$c"
		t0=$(date +%s%N)
		send "$port" "$mode-$name" "$addr" "$helo" "$from" "$to"
		expect "$mode-$name" "$to" "$want"
		diag "$mode-$name: $((($(date +%s%N) - t0) / 1000000)) ms"
	done
	nrej=$((nrej + 1))
	n=$(rig_maillog | grep -c \
	    'reject: RCPT from unknown\[192\.0\.2\.33\]: 550 5\.7\.23 ')
	[ "$n" = "$nrej" ]
	ok $? "$mode: maillog has the 550 5.7.23 reject line" "$n lines"
done

# the main rmxfd's other sockets: inet on ::1, unix
for c in "v6-socket $S_V6P" "unix-socket $S_UNIX"; do
	read -r name port <<<"$c"
	send "$port" "standalone-$name" 192.0.2.33 client.e2e.test \
	    a@fail.e2e.test user@dest.test
	expect "standalone-$name" user@dest.test "R:^550 5\.7\.23 "
	send "$port" "standalone-$name-pass" 192.0.2.10 client.e2e.test \
	    a@pass.e2e.test user@dest.test
	expect "standalone-$name-pass" user@dest.test D:pass
done

# the standalone daemon's decision log
log=$RIG_T/log/rmxfd-main.log
grep -q 'spf_mailfrom=fail .*action=reject' "$log"
ok $? "rmxfd log: spf_mailfrom=fail ... action=reject" "$(tail -5 "$log")"
grep -q 'spf_helo=fail' "$log"
ok $? "rmxfd log: spf_helo=fail"
# the DNS-timeout request ends at dns_timeout (2 s), not when libunbound
# gives up by itself
t=$(grep 'x\.timeout\.test' "$log" | grep -o 'time_ms=[0-9]*' | head -n 1 |
    cut -d= -f2)
[ -n "$t" ] && [ "$t" -ge 1900 ] && [ "$t" -lt 2900 ]
ok $? "rmxfd log: the DNS timeout cost dns_timeout (2 s): ${t:-?} ms"

# legacy tests: none + A/MX neighbourhood, default_result = fail
legacy=(
"near-a-v4 192.0.2.21 client.e2e.test a@near-a.e2e.test user@dest.test D:none"
"near-a-v6 IPV6:2001:db8:a::99 client.e2e.test a@near-a.e2e.test user@dest.test D:none"
"far-a 203.0.113.9 client.e2e.test a@near-a.e2e.test user@dest.test R:^550 5\.7\.23 "
"near-mx 198.51.100.6 client.e2e.test a@near-mx.e2e.test user@dest.test D:none"
"far-mx 203.0.113.9 client.e2e.test a@near-mx.e2e.test user@dest.test R:^550 5\.7\.23 "
"mx-timeout 203.0.113.9 client.e2e.test a@mx-slow.e2e.test user@dest.test R:^450 4\.7\.24 .*temporary DNS error in the MX"
)
for c in "${legacy[@]}"; do
	read -r name addr helo from to want <<<"$c"
	send "$S_LEG" "legacy-$name" "$addr" "$helo" "$from" "$to"
	expect "legacy-$name" "$to" "$want"
done
log=$RIG_T/log/rmxfd-leg.log
grep -q 'method=a ' "$log" && grep -q 'method=mx ' "$log"
ok $? "rmxfd log: method=a and method=mx" "$(tail -5 "$log")"
! grep -q 'method=spf result=pass' "$log"
ok $? "rmxfd log: a neighbourhood is never spf pass"

# observe-only
send "$S_OBS" observe-fail 192.0.2.33 client.e2e.test a@fail.e2e.test \
    user@dest.test
expect observe-fail user@dest.test N
grep -q 'action=reject observe=yes' "$RIG_T/log/rmxfd-obs.log"
ok $? "rmxfd log: action=reject observe=yes" \
    "$(tail -3 "$RIG_T/log/rmxfd-obs.log")"

# smarthost profile: XCLIENT LOGIN sets sasl_username
send "$S_SASL" smarthost-bad 192.0.2.77 client.e2e.test a@shbad.e2e.test \
    user@dest.test --xclient-login joe
if printf '%s\n' "$sw_out" | grep -q 'XCLIENT.*LOGIN' &&
    ! printf '%s\n' "$sw_out" | grep -qE '^ *<\*\* +5.. .*XCLIENT'; then
	expect smarthost-bad user@dest.test \
	    "R:^550 5\.7\.23 .*does not allow our outgoing address 192\.0\.2\.250"
	send "$S_SASL" smarthost-ok 192.0.2.77 client.e2e.test \
	    a@shok.e2e.test user@dest.test --xclient-login joe
	expect smarthost-ok user@dest.test N
	grep -q 'spf_smarthost=fail .*action=reject' "$RIG_T/log/rmxfd-main.log"
	ok $? "rmxfd log: spf_smarthost=fail ... action=reject"
else
	skip "smarthost: XCLIENT LOGIN refused by this Postfix"
	skip "smarthost-ok"
	skip "smarthost log"
fi
send "$S_CTX" context-unauth 192.0.2.33 client.e2e.test a@fail.e2e.test \
    user@dest.test
expect context-unauth user@dest.test N

# SIGHUP under traffic: softfail mark -> reject; then a broken config
send "$S_REL" reload-before 192.0.2.10 client.e2e.test \
    a@softfail.e2e.test user@dest.test
expect reload-before user@dest.test D:softfail
load() {
	local i
	for ((i = 0; i < RELOAD_SESSIONS; i++)); do
		timeout 30 swaks --server "127.0.0.1:$S_REL" \
		    --xclient-addr 192.0.2.10 --helo client.e2e.test \
		    --from a@pass.e2e.test --to one@dest.test,two@dest.test \
		    --header "Subject: reload-load-$i" >/dev/null 2>&1 ||
		    echo "session $i: exit $?"
	done
}
load >"$RIG_T/log/load.out" 2>&1 &
load_pid=$!
rig_bg $load_pid
sleep 0.5
write_conf "$R/reload.conf" "action_mailfrom_softfail = reject"
kill -HUP "$PID_rel"
wait "$load_pid"
[ ! -s "$RIG_T/log/load.out" ]
ok $? "reload: $RELOAD_SESSIONS sessions around SIGHUP all accepted" \
    "$(cat "$RIG_T/log/load.out")"
n=0
for ((i = 0; i < RELOAD_SESSIONS; i++)); do
	f1=$(rig_delivered "reload-load-$i" one) &&
	    [ "$(spf_headers "$f1" | grep -c '^Received-SPF: pass ')" = 1 ] &&
	    n=$((n + 1))
done
[ "$n" = "$RELOAD_SESSIONS" ]
ok $? "reload: every load message delivered with one header" "$n delivered"
! rig_maillog | grep -qE 'warning: problem talking to server|4\.3\.5'
ok $? "Postfix saw no policy server trouble in the whole run" \
    "$(rig_maillog | grep -E 'problem talking|4\.3\.5' | head -3)"
send "$S_REL" reload-after 192.0.2.10 client.e2e.test \
    a@softfail.e2e.test user@dest.test
expect reload-after user@dest.test "R:^550 5\.7\.23 "
write_conf "$R/reload.conf" "action_mailfrom_softfail = mark" \
    "no_such_parameter = 1"
kill -HUP "$PID_rel"
sleep 0.5
send "$S_REL" reload-bad 192.0.2.10 client.e2e.test \
    a@softfail.e2e.test user@dest.test
expect reload-bad user@dest.test "R:^550 5\.7\.23 "
kill -0 "$PID_rel" 2>/dev/null
ok $? "reload: the same rmxfd process is still running"

# SIGTERM: exits 0
kill -TERM "$PID_rel"
st=1
for ((i = 0; i < 50; i++)); do
	if ! kill -0 "$PID_rel" 2>/dev/null; then
		wait "$PID_rel"
		st=$?
		break
	fi
	sleep 0.1
done
[ "$st" = 0 ]
ok $? "SIGTERM: rmxfd exits 0" "status $st"

rig_done
