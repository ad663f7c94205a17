#!/bin/bash
# NAME
#	t_milter.sh - rmxfd as Postfix's Milter, end to end (issue 17)
# SYNOPSIS
#	bash tests/e2e/t_milter.sh
# DESCRIPTION
#	Two standalone rmxfd started as a site starts them (no --dns, no
#	dns_forwarders: they ask the server of the namespace's
#	/etc/resolv.conf, the rig's unbound), each a Milter of the rig's
#	Postfix (milter_default_action = tempfail), with no policy
#	service in front of them, SPF only (test_dkim and test_dmarc off:
#	tests/e2e/t_dkim.sh has them on):
#
#	  main  --milter inet:127.0.0.1:PORT and --milter unix:PATH (an
#		smtpd of its own: fail 550, pass delivered); an ACL file (skipme@ skip),
#		the smarthost profile (smarthost_egress), SES bounce
#		checks (ses_keys, ses_domains = dest.test); Received-SPF
#		only; the smtpd_milters of the rig's smtpd and of a SASL
#		smtpd (XCLIENT LOGIN)
#	  both  milter_listen = inet:127.0.0.1:PORT in its rmxf.conf;
#		both headers, exempt_networks without loopback; the
#		smtpd_milters of one more smtpd and the non_smtpd_milters
#		of the instance (sendmail(1) mail)
#
#	A third rmxfd with main's configuration is a policy service
#	(check_policy_service) behind an smtpd of its own: the Milter's
#	reject and defer replies must be that one's, word for word.
#
#	Cases: pass delivered with one Received-SPF; fail rejected at RCPT
#	with 550 5.7.23 and the record's exp= text (maillog's milter-reject
#	line); softfail delivered and marked; DNS timeout 450 4.7.24; both
#	headers in one message, one of each, Received-SPF above
#	Authentication-Results; client-forged Authentication-Results
#	naming our authserv-id removed on delivery (under both
#	configurations), another authserv-id's kept; one message for an
#	ACL skip recipient (delivered, no header) and a checked one (550);
#	SASL submission under the smarthost profile (egress not allowed:
#	550 at RCPT, allowed: delivered); sendmail(1) mail through
#	non_smtpd_milters (no client: delivered, nothing added, although
#	its sender's SPF fails for 127.0.0.1, which the "both" rmxfd does
#	not exempt); a null-sender bounce to an unsigned address refused at
#	RCPT (550 5.7.1); no warning in Postfix's maillog.
#
#	With OpenDMARC installed, a third rmxfd Milter (Authentication-
#	Results only, fail marked) and OpenDMARC (trusting rmxf's
#	authserv_id, SPF from headers only) share two smtpd: rmxf first in
#	smtpd_milters, OpenDMARC sees the message as rmxf left it and says
#	dmarc=fail for a forged "spf=pass"; OpenDMARC first, it still
#	believes the forgery (dmarc=pass): rmxf must come first.
#
#	Skipped without the namespace (the resolver of /etc/resolv.conf
#	must be the rig's).  TAP on stdout.  About 13 s.
# ENVIRONMENT
#	O (build directory, default build); see rig.sh for the others.
# SEE ALSO
#	tests/e2e/rig.sh, rmxfd(8), rmxf.conf(5), Postfix MILTER_README.
set -u
. "$(dirname "$0")/rig.sh"

[ -x "$RIG_O/rmxfd" ] || skip_all "rmxfd not built"
rig_require unbound unbound-checkconf postfix swaks dig ip ss sendmail
[ -z "${RIG_NO_NS:-}" ] ||
    skip_all "rmxfd uses /etc/resolv.conf here: needs the namespace"
rig_enter "$@" || skip_all "rig setup failed"
[ "$RIG_NS" = 1 ] ||
    skip_all "rmxfd uses /etc/resolv.conf here: needs the namespace"

RMXFD_WAIT=50		# tenths of a second for rmxfd to listen
AUTHSERV=mx.rig.test	# rmxf's authserv_id
R=$RIG_T/rmxf
mkdir -p "$R"
chmod 755 "$R"

rig_port P_MAIN		# rmxfd main.conf, --milter
rig_port P_BOTH		# rmxfd both.conf, milter_listen
rig_port P_POL		# rmxfd main.conf, --listen (policy service)
rig_port S_BOTH		# smtpd -> milter P_BOTH
rig_port S_SASL		# smtpd with SASL (XCLIENT LOGIN) -> milter P_MAIN
rig_port S_POL		# smtpd -> policy service P_POL
rig_port S_UNIX		# smtpd -> milter unix:$SOCK (main)
SOCK=$R/run/milter.sock	# main's unix socket, in a directory only
mkdir -p "$R/run"		# Postfix's group may enter (as private/ is)
chgrp postfix "$R/run"
chmod 750 "$R/run"
rig_port P_AR		# rmxfd ar.conf, --milter (before/after OpenDMARC)
rig_port P_DMARC	# opendmarc
rig_port S_DM1		# smtpd -> milters P_AR, P_DMARC
rig_port S_DM2		# smtpd -> milters P_DMARC, P_AR

printf 'skipme@dest.test\tskip\n*\tcheck\n' >"$R/rmxf.acl"
(umask 077 && printf '0 e2e-milter-ses-key\n' >"$R/ses.keys")

# write_conf NAME LINES... - rmxf.conf $R/NAME.conf
write_conf() {
	local f=$R/$1.conf
	shift
	{
		echo "# written by tests/e2e/t_milter.sh"
		echo "dns_timeout = 2s"
		echo "request_timeout = 10s"
		echo "authserv_id = $AUTHSERV"
		echo "log_to = stderr"
		# SPF only: DKIM and DMARC under Postfix are t_dkim.sh's
		echo "test_dkim = no"
		echo "test_dmarc = no"
		printf '%s\n' "$@"
	} >"$f"
	chmod 644 "$f"
}
write_conf main "acl_file = $R/rmxf.acl" \
    "smarthost_egress = 192.0.2.250" \
    "ses_keys = $R/ses.keys" "ses_domains = dest.test"
write_conf both "milter_listen = inet:127.0.0.1:$P_BOTH" \
    "header_received_spf = yes" "header_authentication_results = yes" \
    "exempt_networks = 192.0.2.254/32"
write_conf ar "header_received_spf = no" \
    "header_authentication_results = yes" "action_mailfrom_fail = mark"

# OpenDMARC (when installed): trusts rmxf's authserv_id, takes SPF only
# from headers, rejects nothing
HAVE_DMARC=0
command -v opendmarc >/dev/null && HAVE_DMARC=1
printf '192.0.2.254\n' >"$R/dmarc.ignore"
cat >"$R/dmarc.conf" <<EOF
Socket			inet:$P_DMARC@127.0.0.1
Background		false
Syslog			false
AuthservID		dmarc.rig.test
TrustedAuthservIDs	$AUTHSERV
SPFSelfValidate		false
SPFIgnoreResults	false
IgnoreHosts		$R/dmarc.ignore
RejectFailures		false
FailureReports		false
RequiredHeaders		false
EOF

# rmxfd_start NAME PORT ARGS... - a standalone rmxfd, logging to a file
rmxfd_start() {
	"$RIG_O/rmxfd" "${@:3}" >>"$RIG_T/log/rmxfd-$1.log" 2>&1 &
	rig_bg $!
	rig_wait_for "$RMXFD_WAIT" rig_smtp_up "$2"
}

rig_dns_start
ok $? "unbound answers on $RIG_DNS" || bail_out "no DNS server"
rmxfd_start main "$P_MAIN" -c "$R/main.conf" \
    --milter "inet:127.0.0.1:$P_MAIN" --milter "unix:$SOCK"
ok $? "rmxfd --milter inet:127.0.0.1:$P_MAIN (resolv.conf) listens" \
    "$(cat "$RIG_T/log/rmxfd-main.log")"
rmxfd_start both "$P_BOTH" -c "$R/both.conf"
ok $? "rmxfd with milter_listen = inet:127.0.0.1:$P_BOTH listens" \
    "$(cat "$RIG_T/log/rmxfd-both.log")"
rmxfd_start pol "$P_POL" -c "$R/main.conf" --listen "inet:127.0.0.1:$P_POL"
ok $? "rmxfd policy service (main.conf) listens on 127.0.0.1:$P_POL" \
    "$(cat "$RIG_T/log/rmxfd-pol.log")"

if [ "$HAVE_DMARC" = 1 ]; then
	rmxfd_start ar "$P_AR" -c "$R/ar.conf" --milter "inet:127.0.0.1:$P_AR"
	ok $? "rmxfd (ar.conf) --milter listens on 127.0.0.1:$P_AR" \
	    "$(cat "$RIG_T/log/rmxfd-ar.log")"
	opendmarc -f -c "$R/dmarc.conf" >>"$RIG_T/log/opendmarc.log" 2>&1 &
	rig_bg $!
	rig_wait_for "$RMXFD_WAIT" rig_smtp_up "$P_DMARC"
	ok $? "opendmarc listens on 127.0.0.1:$P_DMARC" \
	    "$(cat "$RIG_T/log/opendmarc.log")"
	rig_smtpd "$S_DM1" reject_unauth_destination \
	    "smtpd_milters=inet:127.0.0.1:$P_AR,inet:127.0.0.1:$P_DMARC"
	rig_smtpd "$S_DM2" reject_unauth_destination \
	    "smtpd_milters=inet:127.0.0.1:$P_DMARC,inet:127.0.0.1:$P_AR"
fi
rig_smtpd "$S_BOTH" reject_unauth_destination \
    "smtpd_milters=inet:127.0.0.1:$P_BOTH"
rig_smtpd "$S_SASL" reject_unauth_destination smtpd_sasl_auth_enable=yes
rig_smtpd "$S_UNIX" reject_unauth_destination "smtpd_milters=unix:$SOCK"
rig_smtpd "$S_POL" \
    "reject_unauth_destination, check_policy_service inet:127.0.0.1:$P_POL" \
    smtpd_milters=
rig_postfix_start none \
    "smtpd_milters = inet:127.0.0.1:$P_MAIN" \
    "non_smtpd_milters = inet:127.0.0.1:$P_BOTH" \
    "milter_default_action = tempfail" \
    "milter_protocol = 6"
ok $? "postfix starts (smtpd_milters, non_smtpd_milters, no policy)" \
    "$(cat "$RIG_T/log/postfix-start.out"
    tail -20 "$RIG_T/log/maillog")" || bail_out "postfix did not start"

# send PORT SUBJECT ADDR HELO FROM TO [SWAKS-ARGS...] - one message
send() {
	local port=$1 subj=$2 addr=$3 helo=$4 from=$5 to=$6
	shift 6
	rig_swaks --server "127.0.0.1:$port" --xclient-addr "$addr" \
	    --helo "$helo" --from "$from" --to "$to" \
	    --header "Subject: $subj" "$@"
}

# count FILE REGEX - how many header fields of FILE match REGEX
count() {
	rig_headers "$1" | grep -ciE -- "$2"
}

# swaks_diag - the SMTP dialogue of the last send, for a failed line
swaks_diag() {
	printf '%s\n' "$sw_out" |
	    grep -E '^ *(<-|<\*\*|->) +(RCPT|MAIL|DATA|[245][0-9][0-9])' |
	    head -12
}

# rcpt_replies - each reply to RCPT TO in $sw_out, accepts too
rcpt_replies() {
	printf '%s\n' "$sw_out" | awk '
		/^ *-> RCPT TO:/ { want = 1; next }
		want && /^ *<(-|\*\*) / {
			sub(/^ *<(-|\*\*) +/, ""); print; want = 0
		}'
}

# policy_text - a policy service's reply as the Milter's: without the
# "<RCPT>: Recipient address rejected: " Postfix puts before its text
policy_text() {
	sed 's/^\([245][0-9][0-9] [245]\.[0-9.]* \)<[^>]*>: Recipient address rejected: /\1/'
}

# replied SUBJECT REGEX - the first reply to RCPT TO matches REGEX
replied() {
	local r
	r=$(rig_rcpt_reply | head -1)
	printf '%s\n' "$r" | grep -qE -- "$2"
	ok $? "$1: RCPT reply /$2/" "$r"
}

# delivered_with SUBJECT RCPT RSPF AR - delivered to RCPT with RSPF
# Received-SPF fields and AR Authentication-Results fields of ours;
# sets $f to the delivered file
delivered_with() {
	local n m
	if ! f=$(rig_delivered "$1" "$2"); then
		ok 1 "$1: delivered to $2" "$(swaks_diag)"
		return 1
	fi
	n=$(count "$f" '^Received-SPF:')
	m=$(count "$f" "^Authentication-Results: *$AUTHSERV *;")
	[ "$n" = "$3" ] && [ "$m" = "$4" ]
	ok $? "$1: delivered to $2, $3 Received-SPF, $4 Authentication-Results" \
	    "$n and $m: $(rig_headers "$f" | grep -iE '^(Received-SPF|Authentication-Results):')"
}

# has SUBJECT REGEX - the last delivered file ($f) has a field /REGEX/
has() {
	rig_headers "$f" | grep -qiE -- "$2"
	ok $? "$1: header /$2/" "$(rig_headers "$f" | head -12)"
}

# pass, fail, softfail, DNS timeout through the main Milter
send "$RIG_SMTP_PORT" pass 192.0.2.10 client.e2e.test a@pass.e2e.test \
    user@dest.test
delivered_with pass user 1 0 && has pass '^Received-SPF: pass '
send "$RIG_SMTP_PORT" fail 192.0.2.33 client.e2e.test a@fail.e2e.test \
    user@dest.test
replied fail "^550 5\\.7\\.23 .*192\\.0\\.2\\.33 is not one of fail\\.e2e\\.test's senders"
fail_reply=$(rig_rcpt_reply | head -1)
rig_maillog | grep -q 'milter-reject: RCPT from unknown\[192\.0\.2\.33\]: 550 5\.7\.23 '
ok $? "fail: maillog has the milter-reject line"
send "$RIG_SMTP_PORT" softfail 192.0.2.10 client.e2e.test \
    a@softfail.e2e.test user@dest.test
delivered_with softfail user 1 0 && has softfail '^Received-SPF: softfail '
t0=$(date +%s%N)
send "$RIG_SMTP_PORT" dns-timeout 192.0.2.10 client.e2e.test \
    a@x.timeout.test user@dest.test
replied dns-timeout '^450 4\.7\.24 '
timeout_reply=$(rig_rcpt_reply | head -1)
diag "dns-timeout: $((($(date +%s%N) - t0) / 1000000)) ms"

# main's unix socket
send "$S_UNIX" unix-fail 192.0.2.33 client.e2e.test a@fail.e2e.test \
    user@dest.test
replied unix-fail '^550 5\.7\.23 '
send "$S_UNIX" unix-pass 192.0.2.10 client.e2e.test a@pass.e2e.test \
    user@dest.test
delivered_with unix-pass user 1 0

# the same envelopes through the policy service: the same replies
send "$S_POL" pol-fail 192.0.2.33 client.e2e.test a@fail.e2e.test \
    user@dest.test
r=$(rig_rcpt_reply | head -1 | policy_text)
[ -n "$r" ] && [ "$r" = "$fail_reply" ]
ok $? "fail: the policy service's reply, word for word" \
    "milter: $fail_reply
policy: $r"
send "$S_POL" pol-dns-timeout 192.0.2.10 client.e2e.test \
    a@x.timeout.test user@dest.test
r=$(rig_rcpt_reply | head -1 | policy_text)
[ -n "$r" ] && [ "$r" = "$timeout_reply" ]
ok $? "dns-timeout: the policy service's reply, word for word" \
    "milter: $timeout_reply
policy: $r"

# both headers in one message: one of each, Received-SPF first
send "$S_BOTH" both 192.0.2.10 client.e2e.test a@pass.e2e.test \
    user@dest.test
if delivered_with both user 1 1; then
	has both "^Authentication-Results: $AUTHSERV; spf=pass smtp\\.mailfrom=pass\\.e2e\\.test\$"
	order=$(rig_headers "$f" | grep -ioE '^(Received-SPF|Authentication-Results):' |
	    tr '\n' ' ')
	[ "$order" = "Received-SPF: Authentication-Results: " ]
	ok $? "both: Received-SPF above Authentication-Results" "$order"
fi

# forged Authentication-Results: ours removed, another authserv-id's kept
# (the client's fields in the order: other, ours, other, ours)
AR=Authentication-Results
FORGED_SPF="spf=pass smtp.mailfrom=forged.e2e.test"
forged=(--add-header "$AR: other.e2e.test; spf=fail smtp.mailfrom=pass.e2e.test"
    --add-header "$AR: $AUTHSERV; $FORGED_SPF"
    --add-header "$AR: other.e2e.test; dkim=none"
    --add-header "$AR: MX.Rig.Test (forged); $FORGED_SPF")
for c in "$S_BOTH forged-both 1 1" "$RIG_SMTP_PORT forged-main 1 0"; do
	read -r port name nr na <<<"$c"
	send "$port" "$name" 192.0.2.10 client.e2e.test a@pass.e2e.test \
	    user@dest.test "${forged[@]}"
	delivered_with "$name" user "$nr" "$na" || continue
	n=$(count "$f" 'forged\.e2e\.test|\(forged\)')
	[ "$n" = 0 ]
	ok $? "$name: the client's fields naming $AUTHSERV are gone" \
	    "$(rig_headers "$f" | grep -iE 'forged\.e2e\.test|\(forged\)')"
	n=$(count "$f" '^Authentication-Results: other\.e2e\.test;')
	[ "$n" = 2 ]
	ok $? "$name: other.e2e.test's two fields stay" "$n"
done
n=$(grep -c ': 2 forged Authentication-Results header(s) removed' \
    "$RIG_T/log/rmxfd-main.log" "$RIG_T/log/rmxfd-both.log" |
    awk -F: '{ s += $NF } END { print s }')
[ "$n" = 2 ]
ok $? "rmxfd logged the removal for both messages" "$n lines"

# OpenDMARC after rmxf in smtpd_milters sees the message as rmxf left it
# (the forged field gone, rmxf's spf=fail there); before rmxf it sees
# the client's forged spf=pass: rmxf must come first
if [ "$HAVE_DMARC" = 1 ]; then
	for c in "$S_DM1 dmarc-after fail" "$S_DM2 dmarc-before pass"; do
		read -r port name want <<<"$c"
		send "$port" "$name" 192.0.2.10 client.e2e.test \
		    a@dmarcfail.e2e.test user@dest.test --add-header \
		    "$AR: $AUTHSERV; spf=pass smtp.mailfrom=dmarcfail.e2e.test"
		delivered_with "$name" user 0 1 || continue
		has "$name" "^Authentication-Results: $AUTHSERV; spf=fail "
		has "$name" "^Authentication-Results: dmarc\\.rig\\.test; dmarc=$want "
	done
else
	skip "OpenDMARC after rmxf: opendmarc not installed"
	skip "OpenDMARC before rmxf: opendmarc not installed"
fi

# two recipients, two ACL outcomes: skipme (skip) and user (checked)
send "$RIG_SMTP_PORT" acl-two 192.0.2.33 client.e2e.test a@fail.e2e.test \
    skipme@dest.test,user@dest.test
r=$(rcpt_replies | tr '\n' '|')
printf '%s\n' "$r" | grep -qE '^250 [^|]*\|550 5\.7\.23 [^|]*\|$'
ok $? "acl-two: skipme 250, user 550 5.7.23 in one transaction" "$r"
# one queue file: user's copy would have been delivered with skipme's
if delivered_with acl-two skipme 0 0; then
	! grep -qsx 'Subject: acl-two' "$RIG_T/mail/dest.test/user/new/"*
	ok $? "acl-two: not delivered to user"
fi

# SASL submission, smarthost profile: XCLIENT LOGIN gives {auth_authen}
send "$S_SASL" smarthost-bad 192.0.2.77 client.e2e.test a@shbad.e2e.test \
    user@dest.test --xclient-login joe
replied smarthost-bad \
    '^550 5\.7\.23 .*does not allow our outgoing address 192\.0\.2\.250'
grep -q 'sender=<a@shbad.e2e.test> .*spf_smarthost=fail .*action=reject' \
    "$RIG_T/log/rmxfd-main.log"
ok $? "smarthost-bad: rmxfd logged spf_smarthost=fail" \
    "$(tail -3 "$RIG_T/log/rmxfd-main.log")"
send "$S_SASL" smarthost-ok 192.0.2.77 client.e2e.test a@shok.e2e.test \
    user@dest.test --xclient-login joe
delivered_with smarthost-ok user 0 0

# sendmail(1): non_smtpd_milters; the sender's SPF fails for any client
# but 192.0.2.99, and the "both" rmxfd does not exempt 127.0.0.1
printf 'Subject: local\nFrom: a@fail.e2e.test\nTo: user@dest.test\n\nlocal\n' |
    sendmail -C "$RIG_T/pf/etc" -f a@fail.e2e.test user@dest.test
ok $? "local: sendmail -C accepts the message"
delivered_with local user 0 0
grep -q 'sender=<a@fail.e2e.test> .*why=no-client-address' \
    "$RIG_T/log/rmxfd-both.log"
ok $? "local: rmxfd (both) saw it, no client to check" \
    "$(tail -3 "$RIG_T/log/rmxfd-both.log")"

# a bounce to an unsigned address of ses_domains
send "$RIG_SMTP_PORT" bounce 192.0.2.10 client.e2e.test '<>' \
    user@dest.test
replied bounce '^550 5\.7\.1 '
bounce_reply=$(rig_rcpt_reply | head -1)
send "$S_POL" pol-bounce 192.0.2.10 client.e2e.test '<>' user@dest.test
r=$(rig_rcpt_reply | head -1 | policy_text)
[ -n "$r" ] && [ "$r" = "$bounce_reply" ]
ok $? "bounce: the policy service's reply, word for word" \
    "milter: $bounce_reply
policy: $r"

! rig_maillog | grep -qiE 'warning|fatal|panic'
ok $? "no warning in Postfix's maillog" \
    "$(rig_maillog | grep -iE 'warning|fatal|panic' | head -5)"
! grep -hE 'milter peer=.*connection closed|warning' \
    "$RIG_T/log/rmxfd-"*.log |
    grep -qv 'warning: running as root'
ok $? "no Milter connection closed for bad input, no rmxfd warning" \
    "$(grep -hE 'connection closed|warning' "$RIG_T/log/rmxfd-"*.log |
    head -5)"

rig_done
