#!/bin/bash
# NAME
#	t_ses.sh - SES/BATV signing, bounce checks and SRS forwarding
#	through a real Postfix, end to end (issue 4)
# SYNOPSIS
#	bash tests/e2e/t_ses.sh
# DESCRIPTION
#	Starts the rig of tests/e2e/rig.sh once (unbound serving
#	tests/e2e/zones, a private Postfix), one standalone build/rmxfd
#	(policy on inet:127.0.0.1:P_POL, socketmap on
#	unix:QUEUE/private/rmxf-map, ses_domains = srs_domain = dest.test)
#	and Postfix's smtp-sink as the relayhost (every remote domain).
#	The Postfix wiring is the one of doc/ses-srs.md and
#	conf/postfix/main.cf-ses, master.cf-ses:
#
#	  MX (the rig's smtpd)  check_policy_service rmxfd;
#				recipient_canonical_maps verify, srs_reverse
#	  mail that leaves	default_transport srsout (smtp) hands it to
#	  (P_SRS)		a loopback smtpd whose cleanup srscleanup has
#				sender_canonical_maps srs_forward; that
#				smtpd's content_filter smtp:$relayhost sends
#				it on
#	  submission (S_SUB)	permit_sasl_authenticated, reject (relay and
#				recipient); swaks authenticates with XCLIENT
#				LOGIN=user (Postfix sets sasl_username, no
#				password check: the SASL exchange itself is
#				out of scope); cleanup_service_name=subcleanup,
#				whose sender_canonical_maps is the sign map
#	  MX without policy	the same canonical maps, no policy check: the
#	  (S_NOPOL)		reject_unlisted_recipient layer alone
#
#	Cases, each asserted on what a user sees (the next hop's captured
#	envelope, the maildir, swaks' reply codes, the logs):
#
#	  0 postmap -q answers through the sign and verify maps;
#	  1 submission -> remote.test leaves with MAIL FROM:<prvs=...>,
#	    which "rmxf ses verify" turns back into the plain sender;
#	  2 a bounce (MAIL FROM:<>) to that prvs address on the MX is
#	    delivered to the plain user's maildir, as is one to an address
#	    signed by python3's hmac from the format alone; a sender
#	    written User@Dest.test leaves signed lower-cased and its bounce
#	    is delivered too (smtpd lower-cases before the verify map);
#	  3 bounces to an unsigned address, a forged tag and an expired tag
#	    get 550 5.7.1 from the policy check; without the policy check
#	    the forged and expired ones get 550 5.1.1 from
#	    reject_unlisted_recipient (the verify map says NOTFOUND);
#	  4 a message from a foreign sender to fwd@dest.test, a virtual
#	    alias of far@remote.test, leaves with MAIL FROM:<SRS0=...@dest.test>;
#	    a bounce to that address is accepted and relayed to the
#	    original sender (captured at the next hop as RCPT TO); a bounce
#	    to a forged SRS0 address gets 550 5.7.1;
#	  5 a foreign sender on the submission port leaves unsigned, as an
#	    SRS0 address; mail from a foreign sender delivered locally keeps
#	    its Return-Path, and of a message to an alias both here and away
#	    the local copy keeps it while the copy that leaves has SRS0;
#	  6 key rotation: a new first key in the ring and SIGHUP, new mail
#	    is signed with key 1, bounces to key-0 addresses still arrive;
#	  7 grace period (ses_signing_since = today, SIGHUP): an unsigned
#	    bounce is delivered with an X-RMXF-Bounce: header, a forged tag
#	    is still refused by reject_unlisted_recipient;
#
#	and rmxfd's log lines for each kind of decision, and no secret in
#	any log.  The socketmap socket is in Postfix's private/ directory
#	and Postfix names it relative to the queue directory
#	(socketmap:unix:private/rmxf-map:NAME), as doc/ses-srs.md does.
#
#	Skipped as a whole when build/rmxfd or the "rmxf ses" command is
#	missing.  TAP on stdout.
# ENVIRONMENT
#	O (build directory, default build); see rig.sh for the others.
# SEE ALSO
#	tests/e2e/rig.sh, doc/ses-srs.md, rmxfd(8), rmxf.conf(5),
#	smtp-sink(1), doc/e2e-notes.md.
set -u
. "$(dirname "$0")/rig.sh"

[ -x "$RIG_O/rmxfd" ] || skip_all "rmxfd not built"
[ -x "$RIG_O/rmxf" ] || skip_all "rmxf not built"
"$RIG_O/rmxf" ses --help >/dev/null 2>&1 ||
    "$RIG_O/rmxf" ses sign --help >/dev/null 2>&1 ||
    skip_all "rmxf has no ses command yet"
rig_require unbound unbound-checkconf postfix swaks dig ip ss smtp-sink
rig_enter "$@" || skip_all "rig setup failed"

RMXFD_WAIT=50		# tenths of a second for rmxfd to listen
SES_LIFETIME=7		# days, ses_lifetime of the test's rmxf.conf
EXPIRED_AGO=30		# days: a tag signed this long ago has expired

R=$RIG_T/rmxf
SINK=$RIG_T/sink	# smtp-sink's captures
mkdir -p "$R"
chmod 755 "$R"
RMXF=$RIG_O/rmxf
KEYS=$R/ses.keys
SECRETS=$R/srs.secrets
# rmxfd's socketmap service, in Postfix's private/ as doc/ses-srs.md says;
# Postfix names it relative to its queue directory
SM=$RIG_T/pf/queue/private/rmxf-map
MAP=socketmap:unix:private/rmxf-map

# the key ring and the SRS secrets: root's, mode 0600
(umask 077 && printf '# t_ses.sh\n0 e2e-ses-secret-zero\n' >"$KEYS" &&
    printf 'e2e-srs-secret-one\n' >"$SECRETS")

rig_port P_POL		# rmxfd's policy service
rig_port S_SUB		# submission smtpd (signing cleanup)
rig_port S_NOPOL	# MX smtpd without the policy check
rig_port P_SINK		# smtp-sink, the relayhost
rig_port P_SRS		# the SRS pass: smtpd with the srs_forward cleanup

cat >"$R/rmxf.conf" <<EOF
# written by tests/e2e/t_ses.sh
dns_timeout = 2s
request_timeout = 10s
authserv_id = mx.rig.test
socketmap_listen = unix:$SM
ses_keys = $KEYS
ses_domains = dest.test
ses_lifetime = $SES_LIFETIME
srs_secrets = $SECRETS
srs_domain = dest.test
EOF
chmod 644 "$R/rmxf.conf"

rig_dns_start
ok $? "unbound answers on $RIG_DNS" || bail_out "no DNS server"

rig_sink_start "$P_SINK" "$SINK"
ok $? "smtp-sink listens on 127.0.0.1:$P_SINK" \
    "$(cat "$RIG_T/log/smtp-sink-$P_SINK.log")" || bail_out "no smtp-sink"

# the forwarding aliases: one away, one away and here
printf '%s\n' 'fwd@dest.test far@remote.test' \
    'both@dest.test user@dest.test, far@remote.test' >"$R/valias"
chmod 644 "$R/valias"

# submission: its own cleanup signs the envelope sender
rig_smtpd "$S_SUB" "permit_sasl_authenticated, reject" \
    smtpd_sasl_auth_enable=yes \
    smtpd_relay_restrictions=permit_sasl_authenticated,reject \
    cleanup_service_name=subcleanup
rig_master_lines "subcleanup unix n - y - 0 cleanup
  -o sender_canonical_maps=$MAP:sign
  -o sender_canonical_classes=envelope_sender"
# SRS only for mail that leaves (conf/postfix/master.cf-ses): the
# default transport hands it to a loopback smtpd whose cleanup has the
# srs_forward map; that smtpd's content_filter sends it on to the
# relayhost (here smtp-sink), so it does not come back
rig_master_lines "srsout unix - - n - - smtp
  -o syslog_name=postfix/srsout
127.0.0.1:$P_SRS inet n - n - - smtpd
  -o syslog_name=postfix/srsin
  -o cleanup_service_name=srscleanup
  -o content_filter=smtp:\$relayhost
  -o mynetworks=127.0.0.0/8
  -o smtpd_relay_restrictions=permit_mynetworks,reject
  -o smtpd_recipient_restrictions=permit_mynetworks,reject
  -o smtpd_client_restrictions=
  -o smtpd_helo_restrictions=
  -o smtpd_sender_restrictions=
  -o smtpd_data_restrictions=
  -o smtpd_milters=
  -o receive_override_options=no_unknown_recipient_checks,no_header_body_checks,no_milters
srscleanup unix n - y - 0 cleanup
  -o syslog_name=postfix/srscleanup
  -o sender_canonical_maps=$MAP:srs_forward
  -o sender_canonical_classes=envelope_sender
  -o recipient_canonical_maps=
  -o virtual_alias_maps="
# an MX listener without the policy check: the canonical map alone
rig_smtpd "$S_NOPOL" "reject_unauth_destination"
rig_postfix_start "inet:127.0.0.1:$P_POL" \
    "recipient_canonical_maps = $MAP:verify, $MAP:srs_reverse" \
    "recipient_canonical_classes = envelope_recipient" \
    "virtual_alias_maps = texthash:$R/valias" \
    "relayhost = [127.0.0.1]:$P_SINK" \
    "default_transport = srsout:[127.0.0.1]:$P_SRS"
ok $? "postfix starts" "$(cat "$RIG_T/log/postfix-start.out"
    tail -20 "$RIG_T/log/maillog")" || bail_out "postfix did not start"

# rmxfd after Postfix, which makes its private/ directory
"$RIG_O/rmxfd" -c "$R/rmxf.conf" --listen "inet:127.0.0.1:$P_POL" \
    --dns "$RIG_DNS" --log stderr >>"$RIG_T/log/rmxfd.log" 2>&1 &
PID_rmxfd=$!
rig_bg "$PID_rmxfd"
rig_wait_for "$RMXFD_WAIT" rig_smtp_up "$P_POL" &&
    rig_wait_for "$RMXFD_WAIT" test -S "$SM"
ok $? "rmxfd listens (policy 127.0.0.1:$P_POL, socketmap unix:$SM)" \
    "$(cat "$RIG_T/log/rmxfd.log")" || bail_out "rmxfd did not start"

# submit SUBJECT FROM TO [SWAKS-ARGS...] - one message on the submission
# port from an authenticated user: XCLIENT LOGIN sets sasl_username
submit() {
	local subj=$1 from=$2 to=$3
	shift 3
	rig_swaks --server "127.0.0.1:$S_SUB" --xclient-addr 192.0.2.77 \
	    --xclient-login user --helo client.e2e.test --from "$from" \
	    --to "$to" --header "Subject: $subj" "$@"
}

# mx PORT SUBJECT FROM TO [SWAKS-ARGS...] - one message to an MX port
# from a client of the zone's (192.0.2.10, HELO client.e2e.test)
mx() {
	local port=$1 subj=$2 from=$3 to=$4
	shift 4
	rig_swaks --server "127.0.0.1:$port" --xclient-addr 192.0.2.10 \
	    --helo client.e2e.test --from "$from" --to "$to" \
	    --header "Subject: $subj" "$@"
}

# transcript - the interesting lines of the last swaks session
transcript() {
	printf '%s\n' "$sw_out" |
	    grep -E '^ *(<-|<\*\*|->|\*\*\*) +(RCPT|MAIL|[245][0-9][0-9]|Error)' |
	    head -12
}

# rcpt_reply - the first line of the first reply to RCPT TO, 2xx or not
rcpt_reply() {
	printf '%s\n' "$sw_out" | awk '
		/^ *-> RCPT TO:/ { want = 1; next }
		want && /^ *<(-|\*\*) / {
			sub(/^ *<(-|\*\*) +/, ""); print; exit
		}'
}

# rcpt_is REGEX TEXT - the first reply to RCPT TO matches REGEX
rcpt_is() {
	local r
	r=$(rcpt_reply)
	printf '%s\n' "$r" | grep -qE -- "$1"
	ok $? "$2" "RCPT reply: $r
$(transcript)"
}

# envelope FILE FIELD - the address of X-Mail-Args/X-Rcpt-Args in a capture
envelope() {
	sed -n "s/^X-$2-Args: \([A-Za-z]*:\)\{0,1\}<\([^>]*\)>.*/\2/p" "$1" |
	    head -1
}

# reloads N - rmxfd has logged N reloads
reloads() {
	[ "$(grep -c 'reloaded' "$RIG_T/log/rmxfd.log")" = "$1" ]
}

# prvs_python KEY SECRET DAYS-FROM-NOW ADDRESS - a prvs address made here,
# independently of rmxf (the BATV format of doc/protocols.md)
prvs_python() {
	python3 - "$@" <<'EOF'
import hashlib, hmac, sys, time
k, secret, off, addr = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
ddd = "%03d" % ((int(time.time()) // 86400 + off) % 1000)
tag = hmac.new(secret.encode(), (k + ddd + addr).encode(),
               hashlib.sha1).hexdigest()[:6]
print("prvs=%s%s%s=%s" % (k, ddd, tag, addr))
EOF
}

# 0. the maps answer postmap -q, as doc/ses-srs.md suggests for a check
out=$(postmap -c "$RIG_T/pf/etc" -q user@dest.test "socketmap:unix:$SM:sign" 2>&1)
case $out in prvs=0?????????=user@dest.test) true ;; *) false ;; esac
ok $? "0 postmap -q user@dest.test socketmap:...:sign" "got: $out"
out=$(postmap -c "$RIG_T/pf/etc" -q "$out" "socketmap:unix:$SM:verify" 2>&1)
[ "$out" = user@dest.test ]
ok $? "0 postmap -q PRVS socketmap:...:verify" "got: $out"
out=$(postmap -c "$RIG_T/pf/etc" -q user@elsewhere.test "socketmap:unix:$SM:sign" 2>&1)
[ $? = 1 ] && [ -z "$out" ]
ok $? "0 postmap -q: a foreign address is not found in sign" "got: $out"

# 1. submission: the envelope sender leaves signed
submit ses-submit user@dest.test far@remote.test
[ "$sw_rc" = 0 ]
ok $? "1 submission port accepts user@dest.test -> far@remote.test" \
    "$(transcript)"
cap=$(rig_sink_captured ses-submit "$SINK")
ok $? "1 the message reaches the next hop (smtp-sink)" \
    "$(ls "$SINK"; rig_maillog | tail -5)"
signed=
[ -n "$cap" ] && signed=$(envelope "$cap" Mail)
case $signed in prvs=*=user@dest.test) true ;; *) false ;; esac
ok $? "1 it leaves with MAIL FROM:<prvs=...=user@dest.test>" \
    "MAIL FROM seen: <$signed>"
out=$("$RMXF" ses verify --keys "$KEYS" "$signed" 2>&1)
ok $? "1 rmxf ses verify accepts the captured sender" "$out"
[ "$out" = user@dest.test ]
ok $? "1 ... and prints the plain address" "got: $out"
[ -n "$cap" ] && grep -q '^From: user@dest.test$' "$cap" &&
    [ "$(envelope "$cap" Rcpt)" = far@remote.test ]
ok $? "1 header From: and the recipient are left alone" \
    "$(sed -n '1,20p' "$cap" 2>/dev/null)"
[ -z "$signed" ] && signed=$("$RMXF" ses sign --keys "$KEYS" user@dest.test)
rig_maillog |
    grep -q 'unknown\[192\.0\.2\.77\], sasl_method=XCLIENT, sasl_username=user$'
ok $? "1 Postfix saw an authenticated user (XCLIENT LOGIN)" \
    "$(rig_maillog | grep '192\.0\.2\.77' | head -3)"
rig_swaks --server "127.0.0.1:$S_SUB" --xclient-addr 192.0.2.77 \
    --helo client.e2e.test --from user@dest.test --to far@remote.test \
    --header "Subject: ses-submit-noauth"
rcpt_is '^554 5\.7\.1 ' "1 without authentication submission relays nothing"

# 2. a bounce to the signed address is delivered to the plain user
mx "$RIG_SMTP_PORT" ses-bounce-ok '<>' "$signed"
rcpt_is '^250 ' "2 MX accepts a bounce to <$signed>"
f=$(rig_delivered ses-bounce-ok user)
ok $? "2 the bounce is delivered to user@dest.test's maildir" \
    "$(rig_maillog | tail -5)"
[ -n "$f" ] && grep -qx 'Delivered-To: user@dest.test' "$f" &&
    grep -qx 'Return-Path: <>' "$f"
ok $? "2 ... as a null-sender message to user@dest.test" \
    "$(sed -n '1,12p' "$f" 2>/dev/null)"

# an address signed here with python's hmac, not by rmxf: same format
if command -v python3 >/dev/null; then
	py=$(prvs_python 0 e2e-ses-secret-zero "$SES_LIFETIME" user@dest.test)
	mx "$RIG_SMTP_PORT" ses-bounce-python '<>' "$py"
	rcpt_is '^250 ' "2 a bounce to <$py> (signed by python3 hmac) is accepted"
	rig_delivered ses-bounce-python user >/dev/null
	ok $? "2 ... and delivered to user@dest.test"
else
	skip "2 no python3: no independently signed address"
	skip "2 no python3"
fi

# a sender written with capitals is signed lower-cased: smtpd lower-cases
# the recipient of the bounce before it asks the verify map
submit ses-submit-case User@Dest.test far@remote.test
cap=$(rig_sink_captured ses-submit-case "$SINK")
mixed=
[ -n "$cap" ] && mixed=$(envelope "$cap" Mail)
case $mixed in prvs=*=user@dest.test) true ;; *) false ;; esac
ok $? "2 User@Dest.test leaves signed lower-cased" "MAIL FROM seen: <$mixed>"
mx "$RIG_SMTP_PORT" ses-bounce-case '<>' "$mixed"
rcpt_is '^250 ' "2 a bounce to it is accepted and verified"
rig_delivered ses-bounce-case user >/dev/null
ok $? "2 ... and delivered to user@dest.test" "$(rig_maillog | tail -5)"

# 3. bounces that we never caused are rejected
# prvs=KDDD (9 characters), the tag (6), =user@dest.test: change every
# hex digit of the tag
forged=${signed:0:9}$(printf '%s' "${signed:9:6}" | tr 0-9a-f 1-9a-f0)
forged=$forged${signed:15}
expired=$("$RMXF" ses sign --keys "$KEYS" --now \
    "$(date -u -d "-$EXPIRED_AGO days" +%Y-%m-%d)" user@dest.test 2>/dev/null)
how="rmxf ses sign --now"
if [ -z "$expired" ]; then
	expired=$(prvs_python 0 e2e-ses-secret-zero \
	    $((SES_LIFETIME - EXPIRED_AGO)) user@dest.test)
	how="python3 hmac"
fi
diag "forged: $forged; expired ($how): $expired"
"$RMXF" ses verify --keys "$KEYS" "$expired" >/dev/null 2>&1
[ $? = 1 ]
ok $? "3 rmxf ses verify: the expired address is refused (exit 1)"
for c in "unsigned user@dest.test" "forged $forged" "expired $expired"; do
	read -r name rcpt <<<"$c"
	mx "$RIG_SMTP_PORT" "ses-bounce-$name" '<>' "$rcpt"
	rcpt_is '^550 5\.7\.1 ' "3 $name bounce: 550 5.7.1 from the policy check"
done
n=$(rig_maillog | grep -c \
    'reject: RCPT from unknown\[192\.0\.2\.10\]: 550 5\.7\.1 .*from=<> ')
[ "$n" = 3 ]
ok $? "3 maillog has the three 550 5.7.1 reject lines" "$n lines"
for c in "forged $forged" "expired $expired"; do
	read -r name rcpt <<<"$c"
	mx "$S_NOPOL" "ses-nopol-$name" '<>' "$rcpt"
	rcpt_is '^550 5\.1\.1 ' \
	    "3 $name bounce without the policy: 550 5.1.1 (reject_unlisted_recipient)"
done
mx "$S_NOPOL" ses-nopol-ok '<>' "$signed"
rcpt_is '^250 ' "3 valid bounce without the policy: accepted (verify map)"
rig_delivered ses-nopol-ok user >/dev/null
ok $? "3 ... and delivered to user@dest.test"
# (rejected at RCPT, they cannot arrive later: no waiting here)
! grep -lsxE \
    'Subject: ses-(bounce-(unsigned|forged|expired)|nopol-(forged|expired))' \
    "$RIG_T/mail/dest.test/user/new/"* >/dev/null
ok $? "3 none of the rejected bounces was delivered"

# 4. SRS: a forwarded message leaves with SRS0, its bounce comes back
mx "$RIG_SMTP_PORT" srs-forward a@pass.e2e.test fwd@dest.test
rcpt_is '^250 ' "4 MX accepts a@pass.e2e.test -> fwd@dest.test"
cap=$(rig_sink_captured srs-forward "$SINK")
ok $? "4 the forwarded message reaches the next hop" \
    "$(ls "$SINK"; rig_maillog | tail -5)"
srs=
[ -n "$cap" ] && srs=$(envelope "$cap" Mail)
case $srs in SRS0=*=pass.e2e.test=a@dest.test) true ;; *) false ;; esac
ok $? "4 it leaves with MAIL FROM:<SRS0=...=pass.e2e.test=a@dest.test>" \
    "MAIL FROM seen: <$srs>"
[ -n "$cap" ] && [ "$(envelope "$cap" Rcpt)" = far@remote.test ]
ok $? "4 ... to the alias' target far@remote.test" \
    "RCPT TO seen: <$(envelope "$cap" Rcpt 2>/dev/null)>"
out=$("$RMXF" srs reverse --secrets "$SECRETS" "$srs" 2>&1)
[ "$out" = a@pass.e2e.test ]
ok $? "4 rmxf srs reverse gives the original sender" "got: $out"
mx "$RIG_SMTP_PORT" srs-bounce '<>' "$srs"
rcpt_is '^250 ' "4 MX accepts the bounce to <$srs>"
cap=$(rig_sink_captured srs-bounce "$SINK" '^X-Rcpt-Args: <a@pass\.e2e\.test>')
ok $? "4 the bounce is relayed to a@pass.e2e.test (next hop's RCPT TO)" \
    "$(ls "$SINK"; rig_maillog | tail -5)"
[ -n "$cap" ] && [ -z "$(envelope "$cap" Mail)" ] &&
    grep -q '^X-Mail-Args: <>' "$cap"
ok $? "4 ... still with the null sender" "$(sed -n '1,8p' "$cap" 2>/dev/null)"
bad=${srs/SRS0=????=/SRS0=AAAA=}
mx "$RIG_SMTP_PORT" srs-bounce-forged '<>' "$bad"
rcpt_is '^550 5\.7\.1 ' "4 a bounce to a forged SRS0 address: 550 5.7.1"

# 5. SRS only for mail that leaves: local deliveries keep their sender
submit ses-submit-foreign other@pass.e2e.test far@remote.test
cap=$(rig_sink_captured ses-submit-foreign "$SINK")
out=
[ -n "$cap" ] && out=$(envelope "$cap" Mail)
case $out in SRS0=*=pass.e2e.test=other@dest.test) true ;; *) false ;; esac
ok $? "5 submission: a sender outside ses_domains leaves unsigned, in SRS0" \
    "MAIL FROM seen: <$out>"
mx "$RIG_SMTP_PORT" srs-local a@pass.e2e.test user@dest.test
f=$(rig_delivered srs-local user)
ok $? "5 MX: a@pass.e2e.test -> user@dest.test delivered"
rp=$(sed -n 's/^Return-Path: <\(.*\)>$/\1/p' "$f" 2>/dev/null)
[ "$rp" = a@pass.e2e.test ]
ok $? "5 ... with its own Return-Path: SRS rewrites only what leaves" \
    "Return-Path: <$rp>"
# one alias here and away: the local copy keeps the sender, the one that
# leaves has the SRS0 address
mx "$RIG_SMTP_PORT" srs-both b@pass.e2e.test both@dest.test
f=$(rig_delivered srs-both user)
rp=$(sed -n 's/^Return-Path: <\(.*\)>$/\1/p' "$f" 2>/dev/null)
cap=$(rig_sink_captured srs-both "$SINK")
out=
[ -n "$cap" ] && out=$(envelope "$cap" Mail)
[ "$rp" = b@pass.e2e.test ] &&
    case $out in SRS0=*=pass.e2e.test=b@dest.test) true ;; *) false ;; esac
ok $? "5 an alias here and away: Return-Path <b@pass.e2e.test> here, SRS0 away" \
    "Return-Path: <$rp>, MAIL FROM seen: <$out>"

# 6. key rotation: a new first key signs, the old one still verifies
(umask 077 && printf '1 e2e-ses-secret-one\n0 e2e-ses-secret-zero\n' \
    >"$KEYS.new" && mv "$KEYS.new" "$KEYS")
kill -HUP "$PID_rmxfd"
rig_wait_for "$RMXFD_WAIT" reloads 1
ok $? "6 rmxfd reloads after SIGHUP" "$(tail -3 "$RIG_T/log/rmxfd.log")"
submit ses-rotated user@dest.test far@remote.test
cap=$(rig_sink_captured ses-rotated "$SINK")
new=
[ -n "$cap" ] && new=$(envelope "$cap" Mail)
case $new in prvs=1?????????=user@dest.test) true ;; *) false ;; esac
ok $? "6 submission now signs with key 1" "MAIL FROM seen: <$new>"
mx "$RIG_SMTP_PORT" ses-bounce-oldkey '<>' "$signed"
rcpt_is '^250 ' "6 a bounce to the key-0 address is still accepted"
rig_delivered ses-bounce-oldkey user >/dev/null
ok $? "6 ... and delivered"
mx "$RIG_SMTP_PORT" ses-bounce-newkey '<>' "$new"
rig_delivered ses-bounce-newkey user >/dev/null
ok $? "6 a bounce to the key-1 address is delivered"

# 7. grace period: signing enabled today, an unsigned bounce is marked
printf 'ses_signing_since = %s\nses_grace_period = 7\n' "$(date -u +%Y-%m-%d)" \
    >>"$R/rmxf.conf"
kill -HUP "$PID_rmxfd"
rig_wait_for "$RMXFD_WAIT" reloads 2
ok $? "7 rmxfd reloads with ses_signing_since = today" \
    "$(tail -3 "$RIG_T/log/rmxfd.log")"
mx "$RIG_SMTP_PORT" ses-grace-unsigned '<>' user@dest.test
rcpt_is '^250 ' "7 in the grace period an unsigned bounce is accepted"
f=$(rig_delivered ses-grace-unsigned user)
[ -n "$f" ] &&
    grep -q '^X-RMXF-Bounce: accepted in the signing grace period' "$f"
ok $? "7 ... delivered with an X-RMXF-Bounce: header" \
    "$(sed -n '1,12p' "$f" 2>/dev/null)"
mx "$RIG_SMTP_PORT" ses-grace-forged '<>' "$forged"
rcpt_is '^550 ' \
    "7 a forged tag is still refused (verify map, reject_unlisted_recipient)"

# the logs
! rig_maillog |
    grep -qE 'warning: .*socketmap|problem talking to server|4\.3\.5'
ok $? "Postfix saw no socketmap or policy server trouble" \
    "$(rig_maillog | grep -E 'warning|4\.3\.5' | head -5)"
# rmxfd's log lines, as an administrator would look for them
sm='socketmap peer=unix map='
for re in "${sm}sign key=user@dest\\.test result=OK value=\"?prvs=" \
    "${sm}verify key=\"?prvs=.* result=OK value=user@dest\\.test" \
    "${sm}verify key=\"?prvs=.* result=NOTFOUND why=\"signature expired\"" \
    'sender=<> rcpt=<user@dest\.test> method=bounce result=fail' \
    'method=bounce result=fail why="unsigned address" action=reject' \
    'method=bounce result=fail why="signature does not match" action=reject' \
    'method=bounce result=fail why="signature expired" action=reject' \
    "${sm}srs_forward key=a@pass\\.e2e\\.test result=OK value=\"?SRS0=" \
    "${sm}srs_reverse key=\"?SRS0=.* result=OK value=a@pass\\.e2e\\.test" \
    'method=bounce result=fail why="unsigned address" grace=yes action=mark'; do
	grep -qE -- "$re" "$RIG_T/log/rmxfd.log"
	ok $? "rmxfd log: $re" "$(tail -5 "$RIG_T/log/rmxfd.log")"
done
! grep -q 'e2e-s[er]s-secret' "$RIG_T/log/rmxfd.log" "$RIG_T/log/maillog"
ok $? "no secret in any log"

# rmxfd survived it all and stops cleanly (under ASan: no leak report)
st=1
if kill -0 "$PID_rmxfd" 2>/dev/null; then
	kill -TERM "$PID_rmxfd"
	for ((i = 0; i < RMXFD_WAIT; i++)); do
		if ! kill -0 "$PID_rmxfd" 2>/dev/null; then
			wait "$PID_rmxfd"
			st=$?
			break
		fi
		sleep 0.1
	done
fi
[ "$st" = 0 ]
ok $? "rmxfd ran throughout and exits 0 on SIGTERM" "status $st
$(tail -5 "$RIG_T/log/rmxfd.log")"
! grep -qE 'Sanitizer|runtime error:' "$RIG_T/log/rmxfd.log"
ok $? "no sanitizer report in rmxfd's log" \
    "$(grep -E -A5 'Sanitizer|runtime error:' "$RIG_T/log/rmxfd.log" |
    head -20)"

rig_done
