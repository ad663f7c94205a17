#!/bin/bash
# NAME
#	t_pypolicy.sh - pypolicyd-spf's options in rmxfd, under a real Postfix
# SYNOPSIS
#	bash tests/e2e/t_pypolicy.sh
# DESCRIPTION
#	Issue 15: what sites moving from pypolicyd-spf rely on.  Three
#	standalone rmxfd, each behind an smtpd of its own, started as a
#	site starts them: no --dns and no dns_forwarders, so they ask the
#	server of the namespace's /etc/resolv.conf (the rig's unbound):
#
#	  on   exempt_helo_names, exempt_spf_domains, exempt_ptr_domains,
#	       require_pass_domains, reject_text and header_exempt set
#	  off  the defaults
#	  obs  require_pass_domains with action_require_pass = observe, and
#	       test_helo with action_helo_fail = observe
#
#	A client that fails the sender's SPF is let through by each
#	exemption on "on" (delivered with X-RMXF-Exempt: saying why, the
#	log saying why=exempt-...) and rejected with 550 on "off" by the
#	same message; a softfail of a require_pass_domains sender is
#	rejected on "on" and marked on "off"; the reject text on "on" is
#	reject_text's.  On "obs" both observed rules deliver the message
#	and name themselves in the log (observed=action_require_pass,
#	observed=action_helo_fail).
#
#	Skipped without the namespace (the resolver of /etc/resolv.conf
#	must be the rig's).  TAP on stdout.  About 10 s.
# ENVIRONMENT
#	O (build directory, default build); see rig.sh for the others.
# SEE ALSO
#	tests/e2e/rig.sh, rmxf.conf(5), rmxfd(8).
set -u
. "$(dirname "$0")/rig.sh"

[ -x "$RIG_O/rmxfd" ] || skip_all "rmxfd not built"
rig_require unbound unbound-checkconf postfix swaks dig ip ss
[ -z "${RIG_NO_NS:-}" ] ||
    skip_all "rmxfd uses /etc/resolv.conf here: needs the namespace"
rig_enter "$@" || skip_all "rig setup failed"
[ "$RIG_NS" = 1 ] ||
    skip_all "rmxfd uses /etc/resolv.conf here: needs the namespace"

RMXFD_WAIT=50		# tenths of a second for rmxfd to listen
R=$RIG_T/rmxf
mkdir -p "$R"
chmod 755 "$R"

# write_conf NAME LINES... - rmxf.conf $R/NAME.conf
write_conf() {
	local f=$R/$1.conf
	shift
	{
		echo "# written by tests/e2e/t_pypolicy.sh"
		echo "dns_timeout = 2s"
		echo "request_timeout = 10s"
		echo "authserv_id = mx.rig.test"
		echo "log_to = stderr"
		printf '%s\n' "$@"
	} >"$f"
}
write_conf on "exempt_helo_names = relay.e2e.test" \
    "exempt_spf_domains = lists.e2e.test" \
    "exempt_ptr_domains = fwd.e2e.test" \
    "require_pass_domains = own.e2e.test" \
    "header_exempt = yes" \
    'reject_text = SPF $result for $domain from $client_address: ${explanation}'
write_conf off
write_conf obs "require_pass_domains = own.e2e.test" \
    "action_require_pass = observe" "test_helo = yes" \
    "action_helo_fail = observe"

rig_port P_ON
rig_port P_OFF
rig_port P_OBS
rig_port S_ON
rig_port S_OBS

# rmxfd_start NAME PORT - a standalone rmxfd with $R/NAME.conf
rmxfd_start() {
	"$RIG_O/rmxfd" -c "$R/$1.conf" --listen "inet:127.0.0.1:$2" \
	    >>"$RIG_T/log/rmxfd-$1.log" 2>&1 &
	rig_bg $!
	rig_wait_for "$RMXFD_WAIT" rig_smtp_up "$2"
}

rig_dns_start
ok $? "unbound answers on $RIG_DNS" || bail_out "no DNS server"
for c in "on $P_ON" "off $P_OFF" "obs $P_OBS"; do
	read -r name port <<<"$c"
	rmxfd_start "$name" "$port"
	ok $? "rmxfd ($name.conf, resolv.conf) listens on 127.0.0.1:$port" \
	    "$(cat "$RIG_T/log/rmxfd-$name.log")"
done

rr="reject_unauth_destination, check_policy_service"
rig_smtpd "$S_ON" "$rr inet:127.0.0.1:$P_ON"
rig_smtpd "$S_OBS" "$rr inet:127.0.0.1:$P_OBS"
rig_postfix_start "inet:127.0.0.1:$P_OFF"
ok $? "postfix starts" "$(cat "$RIG_T/log/postfix-start.out"
    tail -20 "$RIG_T/log/maillog")" || bail_out "postfix did not start"

# send PORT SUBJECT ADDR HELO FROM - one message to user@dest.test
send() {
	rig_swaks --server "127.0.0.1:$1" --xclient-addr "$3" --helo "$4" \
	    --from "$5" --to user@dest.test --header "Subject: $2"
}

# rcpt_reply - the server's reply to RCPT TO in $sw_out
rcpt_reply() {
	printf '%s\n' "$sw_out" | awk '/^ *-> RCPT TO/ { getline; print; exit }'
}

# rejected SUBJECT REGEX - the last send got 550 matching REGEX
rejected() {
	local r
	r=$(rcpt_reply)
	printf '%s\n' "$r" | grep -qE -- "$2"
	ok $? "$1: rejected at RCPT" "$r"
}

# delivered_with SUBJECT REGEX - delivered, its header matching REGEX
delivered_with() {
	local f
	if ! f=$(rig_delivered "$1"); then
		ok 1 "$1: delivered" "$(rcpt_reply)"
		return
	fi
	sed -n '/^$/q; p' "$f" | grep -qE -- "$2"
	ok $? "$1: delivered, header /$2/" "$(sed -n '/^$/q; p' "$f")"
}

# logged NAME REGEX - rmxfd NAME logged a line matching REGEX
logged() {
	grep -qE -- "$2" "$RIG_T/log/rmxfd-$1.log"
	ok $? "rmxfd $1 logged /$2/" "$(tail -3 "$RIG_T/log/rmxfd-$1.log")"
}

# the exemptions: on "on" delivered and marked, on "off" the same
# envelope is a reject (fail.e2e.test allows only 192.0.2.99)
for c in "helo 192.0.2.40 relay.e2e.test exempt-helo" \
    "spfdom 192.0.2.41 client.e2e.test exempt-spf-domain" \
    "ptr 192.0.2.42 client.e2e.test exempt-ptr"; do
	read -r what addr helo why <<<"$c"
	send "$S_ON" "on-$what" "$addr" "$helo" a@fail.e2e.test
	delivered_with "on-$what" \
	    "^X-RMXF-Exempt: not checked \\($why\\); client-ip=$addr;"
	logged on "client=$addr .*method=exempt why=$why "
	send "$RIG_SMTP_PORT" "off-$what" "$addr" "$helo" a@fail.e2e.test
	rejected "off-$what" "^ *<\\*\\* +550 5\\.7\\.23 "
done

# a listed HELO name whose SPF does not pass for the client: checked
send "$S_ON" on-helo-other 192.0.2.43 relay.e2e.test a@fail.e2e.test
rejected on-helo-other "^ *<\\*\\* +550 5\\.7\\.23 "

# require_pass_domains: own.e2e.test's softfail
send "$S_ON" on-own 192.0.2.10 client.e2e.test a@own.e2e.test
rejected on-own "^ *<\\*\\* +550 5\\.7\\.23 .*: SPF softfail for own\\.e2e\\.test from 192\\.0\\.2\\.10: *$"
logged on "sender=<a@own.e2e.test> .*action=reject why=require-pass"
send "$RIG_SMTP_PORT" off-own 192.0.2.10 client.e2e.test a@own.e2e.test
delivered_with off-own "^Received-SPF: softfail "

# reject_text with the domain's explanation
send "$S_ON" on-text 192.0.2.33 client.e2e.test a@fail.e2e.test
rejected on-text "^ *<\\*\\* +550 5\\.7\\.23 .*: SPF fail for fail\\.e2e\\.test from 192\\.0\\.2\\.33: 192\\.0\\.2\\.33 is not one of fail\\.e2e\\.test's senders"

# observe: both rules let the message in and name themselves
send "$S_OBS" obs-own 192.0.2.10 client.e2e.test a@own.e2e.test
delivered_with obs-own "^Received-SPF: softfail "
logged obs "sender=<a@own.e2e.test> .*observed=action_require_pass"
send "$S_OBS" obs-helo 192.0.2.10 helofail.e2e.test a@pass.e2e.test
delivered_with obs-helo "^Received-SPF: pass "
logged obs "helo=helofail.e2e.test .*spf_helo=fail .*observed=action_helo_fail"

rig_done
