#!/bin/bash
# NAME
#	t_rig.sh - the end-to-end rig proves itself, without rmxfd
# SYNOPSIS
#	bash tests/e2e/t_rig.sh
# DESCRIPTION
#	Starts the rig of tests/e2e/rig.sh (unbound with the test zones, a
#	private Postfix) with a trivial policy server spawned by master.cf
#	(tests/e2e/rig-policy.sh: "action=PREPEND X-Rig: ok") and checks
#	that the DNS server answers for the test zones (TXT, timeout,
#	SERVFAIL, over IPv4 and IPv6), that swaks delivers through XCLIENT
#	from IPv4 and IPv6 client addresses, and that the policy server's
#	header is in the delivered file exactly once for a message to two
#	recipients.  TAP on stdout.
# SEE ALSO
#	tests/e2e/rig.sh, tests/e2e/t_rmxfd.sh
set -u
. "$(dirname "$0")/rig.sh"

rig_require unbound unbound-checkconf postfix swaks dig ip ss
rig_enter "$@" || skip_all "rig setup failed"
diag "namespace: $RIG_NS, dns $RIG_DNS, smtp $RIG_SMTP_PORT"

# DNS
rig_dns_start
ok $? "unbound answers on $RIG_DNS" "$(tail -5 "$RIG_T/dns/unbound.log")"
out=$(rig_dig rig.e2e.test TXT)
[ "$out" = '"rig-ok"' ]
ok $? "TXT rig.e2e.test over 127.0.0.1" "got: $out"
out=$(dig +time=2 +tries=1 +short -p "$RIG_DNS_PORT" @::1 \
    pass.e2e.test TXT)
case $out in '"v=spf1 '*) true ;; *) false ;; esac
ok $? "SPF record of pass.e2e.test over ::1" "got: $out"
out=$(dig +time=2 +tries=1 -p "$RIG_DNS_PORT" @127.0.0.1 x.servfail.test TXT)
printf '%s\n' "$out" | grep -q 'status: SERVFAIL'
ok $? "x.servfail.test gives SERVFAIL" "$out"
out=$(dig +time=1 +tries=1 -p "$RIG_DNS_PORT" @127.0.0.1 x.timeout.test TXT)
printf '%s\n' "$out" | grep -q 'timed out'
ok $? "x.timeout.test gets no answer" "$out"
if [ -x "$RIG_O/tests/dnsq" ]; then
	out=$(timeout 10 "$RIG_O/tests/dnsq" --dns "$RIG_DNS" rig.e2e.test TXT \
	    2>&1)
	printf '%s\n' "$out" | grep -q '^rig.e2e.test TXT OK 1 '
	ok $? "dnsq (libunbound) asks unbound" "$out"
else
	skip "no $RIG_O/tests/dnsq"
fi
if [ "$RIG_NS" = 1 ]; then
	out=$(getent hosts client.e2e.test)
	case $out in 192.0.2.10*) true ;; *) false ;; esac
	ok $? "the libc resolver asks the test server (namespace)" "$out"
else
	skip "not in a namespace: libc resolver not redirected"
fi

# Postfix with a spawned trivial policy
rig_spawn_service rigpolicy nobody "$RIG_DIR/rig-policy.sh"
rig_postfix_start "unix:private/rigpolicy"
ok $? "postfix starts on port $RIG_SMTP_PORT" \
    "$(cat "$RIG_T/log/postfix-start.out"; tail -20 "$RIG_T/log/maillog")"

rig_swaks --xclient-addr 192.0.2.10 --helo client.e2e.test \
    --from someone@pass.e2e.test --to user@dest.test \
    --header "Subject: rig-v4"
ok "$sw_rc" "swaks delivers through XCLIENT ADDR=192.0.2.10" "$sw_out"
f=$(rig_delivered rig-v4)
ok $? "message delivered to the maildir"
[ -n "$f" ] && [ "$(grep -c '^X-Rig: ok$' "$f")" = 1 ]
ok $? "the policy's PREPEND header is in it" "$(head -20 "$f" 2>/dev/null)"
rig_maillog | grep -q 'client=unknown\[192.0.2.10\]'
ok $? "maillog shows the XCLIENT client address" "$(rig_maillog | tail -5)"

rig_swaks --xclient-addr IPV6:2001:db8::10 --helo client.e2e.test \
    --from someone@pass.e2e.test --to user@dest.test \
    --header "Subject: rig-v6" --server "[::1]:$RIG_SMTP_PORT"
ok "$sw_rc" "swaks over ::1 with XCLIENT ADDR=IPV6:2001:db8::10" "$sw_out"
f=$(rig_delivered rig-v6)
ok $? "IPv6 client's message delivered"

rig_swaks --xclient-addr 192.0.2.10 --helo client.e2e.test \
    --from someone@pass.e2e.test --to one@dest.test,two@dest.test \
    --header "Subject: rig-multi"
ok "$sw_rc" "a message for two recipients" "$sw_out"
f1=$(rig_delivered rig-multi one)
f2=$(rig_delivered rig-multi two)
[ -n "$f1" ] && [ -n "$f2" ]
ok $? "delivered to both"
n1=$(grep -c '^X-Rig: ok$' "$f1" 2>/dev/null)
[ "$n1" = 2 ]
ok $? "Postfix applies each RCPT's PREPEND (2 headers without instance dedup)" \
    "count: $n1"

rig_swaks --xclient-addr 192.0.2.10 --helo client.e2e.test \
    --from someone@pass.e2e.test --to user@elsewhere.test \
    --header "Subject: rig-relay"
rig_rcpt_reply | grep -q '^554 5.7.1 '
ok $? "relaying to another domain is refused" "$sw_out"

rig_postfix_stop
pid=$(rig_master_pid)
[ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null
ok $? "postfix stops"
rig_done
