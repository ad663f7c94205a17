#!/bin/bash
# NAME
#	t_conf.sh - the snippets of conf/postfix and the rules of
#	conf/spamassassin against the real programs
# SYNOPSIS
#	bash tests/e2e/t_conf.sh
# DESCRIPTION
#	Static: for each way of running rmxfd, a scratch Postfix
#	config_directory gets a minimal main.cf plus the snippets of
#	conf/postfix/ as they are, and Debian's master.cf plus the
#	master.cf snippets; "postconf -n" and "postfix check" must then
#	print nothing (no "unused parameter", no syntax warning):
#
#	  standalone        main.cf
#	  standalone-inet   main.cf with the inet:127.0.0.1:10031 line its
#			    comment tells to write instead
#	  default-action    main.cf with the braces line of its comment
#	  spawn             main.cf; master.cf
#	  smarthost         main.cf; master.cf, master.cf-submission
#	  ses               main.cf, main.cf-ses; master.cf, master.cf-ses
#
#	and a control: rmxf_time_limit in main.cf without the spawn
#	service does give the "unused parameter" warning.
#
#	Live: the rig's Postfix (tests/e2e/rig.sh) runs the spawn service of
#	master.cf (user and argv made the rig's) and smtpd listeners whose
#	restrictions postconf reads back from the scratch configurations
#	above: port 25's list of main.cf, the same with the braces line,
#	and the submission service of master.cf-submission (all its -o
#	settings but TLS, for which the rig has no certificate).  Mail
#	through each must get rmxfd's answers: a pass delivered with
#	Received-SPF, a fail refused with 550 5.7.23, an authenticated
#	sender whose domain does not allow our egress refused at RCPT,
#	one whose domain does delivered, an anonymous one refused; the
#	maillog must hold no warning about a table or restriction
#	("unsupported dictionary type" is what a bad restriction becomes,
#	followed by 451 for every recipient).
#
#	SpamAssassin: tests/e2e/sa-rules.pl compiles every rule of
#	conf/spamassassin/rmxf.cf and, with mx\.example\.org replaced by
#	the rig's mx\.rig\.test as its header tells, scores messages
#	delivered above: rmxfd's softfail header above a forged pass that
#	names our receiver (only the topmost, rmxfd's, counts), a message
#	that rmxfd never checked (client in mynetworks) with forged
#	headers naming another receiver (nothing counts), and rmxf
#	procmail's Received-SPF and Authentication-Results on delivered
#	messages (softfail; the A neighbourhood's legacy pass).
#
#	Skipped without root, Postfix or build/rmxfd.  TAP on stdout.
# ENVIRONMENT
#	O (build directory, default build); see rig.sh for the others.
# SEE ALSO
#	conf/postfix/, conf/spamassassin/, tests/e2e/rig.sh, postconf(1),
#	postfix(1), master(5).
set -u
. "$(dirname "$0")/rig.sh"

CONF=$RIG_ROOT/conf
PF=$CONF/postfix
[ -x "$RIG_O/rmxfd" ] || skip_all "rmxfd not built"
[ -x "$RIG_O/rmxf" ] || skip_all "rmxf not built"
rig_require unbound unbound-checkconf postfix postconf swaks dig ip ss perl
MASTER_DIST=
for f in /usr/share/postfix/master.cf.dist /etc/postfix/master.cf; do
	if [ -f "$f" ]; then
		MASTER_DIST=$f
		break
	fi
done
[ -n "$MASTER_DIST" ] || skip_all "no master.cf of the distribution"
rig_enter "$@" || skip_all "rig setup failed"

R=$RIG_T/rmxf
S=$RIG_T/static
mkdir -p "$R/bin" "$S"
chmod 755 "$R" "$R/bin"
cp "$RIG_O/rmxfd" "$R/bin/rmxfd"	# readable by the spawn user
RMXFD=$R/bin/rmxfd

# ---- static: postconf -n and postfix check on each combination -------

# pf_scratch NAME "MAIN..." "MASTER..." - a config_directory $S/NAME/etc
# with a minimal main.cf plus the MAIN files and Debian's master.cf plus
# the MASTER files; prints what postconf -n and postfix check say
pf_scratch() {
	local d=$S/$1 f
	mkdir -p "$d/etc" "$d/queue" "$d/data"
	chown postfix "$d/data"
	chmod 755 "$d" "$d/etc"
	{
		echo "# written by tests/e2e/t_conf.sh"
		echo "compatibility_level = 3.6"
		echo "config_directory = $d/etc"
		echo "queue_directory = $d/queue"
		echo "data_directory = $d/data"
		echo "meta_directory = /etc/postfix"
		echo "myhostname = mx.example.org"
		for f in $2; do
			cat "$f"
		done
	} >"$d/etc/main.cf"
	{
		cat "$MASTER_DIST"
		for f in $3; do
			cat "$f"
		done
	} >"$d/etc/master.cf"
	{
		postconf -c "$d/etc" -n >/dev/null
		postfix -c "$d/etc" check
	} 2>&1
}

# static_ok NAME "MAIN..." "MASTER..." - pf_scratch says nothing
static_ok() {
	local out
	out=$(pf_scratch "$@")
	[ -z "$out" ]
	ok $? "static $1: postconf -n and postfix check are silent" \
	    "$(printf '%s\n' "$out" | sort -u)"
}

# the two alternatives main.cf's comments give for its last line
pol='^    check_policy_service unix:private/rmxf$'
sed "s|$pol|    check_policy_service inet:127.0.0.1:10031|" \
    "$PF/main.cf" >"$S/main-inet.cf"
braces=$(sed -n 's/^#   \(check_policy_service {.*}\)$/\1/p' "$PF/main.cf")
sed "s|$pol|    $braces|" "$PF/main.cf" >"$S/main-braces.cf"
! cmp -s "$PF/main.cf" "$S/main-inet.cf" && [ -n "$braces" ] &&
    ! cmp -s "$PF/main.cf" "$S/main-braces.cf"
ok $? "main.cf has the policy line and the braces alternative" \
    "braces: $braces" || bail_out "main.cf is not as this test reads it"

static_ok standalone "$PF/main.cf" ""
static_ok standalone-inet "$S/main-inet.cf" ""
static_ok default-action "$S/main-braces.cf" ""
static_ok spawn "$PF/main.cf" "$PF/master.cf"
static_ok smarthost "$PF/main.cf" "$PF/master.cf $PF/master.cf-submission"
static_ok ses "$PF/main.cf $PF/main.cf-ses" "$PF/master.cf $PF/master.cf-ses"

# the control: the check does see an unused parameter
printf 'rmxf_time_limit = 3600\n' >"$S/time-limit.cf"
out=$(pf_scratch control "$PF/main.cf $S/time-limit.cf" "")
printf '%s\n' "$out" | grep -q 'unused parameter: rmxf_time_limit=3600'
ok $? "static control: rmxf_time_limit without the spawn service warns" \
    "$out"

# ---- live: the snippets' restrictions and services in the rig ---------

cat >"$R/rmxf.conf" <<'EOF'
# written by tests/e2e/t_conf.sh
dns_timeout = 2s
request_timeout = 10s
authserv_id = mx.rig.test
smarthost_egress = 192.0.2.250
smarthost_contexts = submission
EOF
chmod 644 "$R/rmxf.conf"

# postconf_get NAME PARAM - a parameter of a static configuration
postconf_get() {
	postconf -c "$S/$1/etc" -h "$2"
}

rig_port S_MX	# port 25's restrictions of main.cf
rig_port S_BR	# the same with the braces line
rig_port S_SUB	# the submission service of master.cf-submission

rig_dns_start
ok $? "unbound answers on $RIG_DNS" || bail_out "no DNS server"

# master.cf's spawn service, run as nobody with the rig's rmxfd
argv="$RMXFD --stdio -c $R/rmxf.conf --dns $RIG_DNS"
spawn=$(grep -v '^#' "$PF/master.cf" | sed \
    -e 's|user=_rmxf |user=nobody |' \
    -e "s|argv=/usr/sbin/rmxfd --stdio\$|argv=$argv|")
printf '%s\n' "$spawn" | grep -q '^rmxf .* spawn$' &&
    printf '%s\n' "$spawn" | grep -q -- '-o rmxf_time_limit=' &&
    printf '%s\n' "$spawn" | grep -q "user=nobody argv=$RMXFD "
ok $? "master.cf's spawn service, made the rig's" "$spawn" ||
    bail_out "master.cf is not as this test reads it"
rig_master_lines "$spawn"

rig_smtpd "$S_MX" "$(postconf_get spawn smtpd_recipient_restrictions)"
rig_smtpd "$S_BR" "$(postconf_get default-action smtpd_recipient_restrictions)"
# the submission service's -o settings, without TLS
sub_o=()
sub_rr=
while IFS= read -r l; do
	name=${l#submission/inet/}
	name=${name%% = *}
	val=${l#* = }
	case $name in
	smtpd_recipient_restrictions) sub_rr=$val ;;
	smtpd_tls_security_level) ;;
	*) sub_o+=("$name=$val") ;;
	esac
done < <(postconf -c "$S/smarthost/etc" -P submission/inet)
[ -n "$sub_rr" ]
ok $? "master.cf-submission: restrictions $sub_rr; ${sub_o[*]}" ||
    bail_out "master.cf-submission is not as this test reads it"
rig_smtpd "$S_SUB" "$sub_rr" "${sub_o[@]}"

rig_postfix_start none
ok $? "postfix starts" "$(cat "$RIG_T/log/postfix-start.out"
    tail -20 "$RIG_T/log/maillog")" || bail_out "postfix did not start"

# send PORT SUBJECT ADDR FROM [SWAKS-ARGS...] - one message to
# user@dest.test through XCLIENT
send() {
	local port=$1 subj=$2 addr=$3 from=$4
	shift 4
	rig_swaks --server "127.0.0.1:$port" --xclient-addr "$addr" \
	    --helo client.e2e.test --from "$from" --to user@dest.test \
	    --header "Subject: $subj" "$@"
}

# expect SUBJ WANT - D:RESULT delivered with one Received-SPF: RESULT;
# N delivered without one; R:REGEX the reply to RCPT TO matches
expect() {
	local subj=$1 want=$2 f h n r rc=0 diag=""
	case $want in
	R:*)
		r=$(rig_rcpt_reply | head -1)
		printf '%s\n' "$r" | grep -qE -- "${want#R:}" || {
			rc=1
			diag="RCPT reply: $r"
		}
		;;
	*)
		if f=$(rig_delivered "$subj"); then
			h=$(sed -n '/^$/q; /^Received-SPF:/p' "$f")
			n=$(printf '%s' "$h" | grep -c '^Received-SPF:')
			if [ "$want" = N ]; then
				[ "$n" = 0 ] || rc=1
			elif [ "$n" -lt 1 ] || ! printf '%s\n' "$h" |
			    head -1 | grep -q "^Received-SPF: ${want#D:} "; then
				rc=1
			fi
			diag="headers: $h"
		else
			rc=1
			diag="not delivered"
		fi
		;;
	esac
	[ "$rc" = 0 ] || diag="$diag
$(printf '%s\n' "$sw_out" |
	    grep -E '^ *(<-|<\*\*|->) +(RCPT|MAIL|[245][0-9][0-9])' |
	    head -12)"
	ok "$rc" "$subj: $want" "$diag"
}

send "$S_MX" mx-pass 192.0.2.10 a@pass.e2e.test
expect mx-pass D:pass
send "$S_MX" mx-fail 192.0.2.33 a@fail.e2e.test
expect mx-fail "R:^550 5\.7\.23 "
# a forged header below rmxfd's, naming our receiver
fake_ours="Received-SPF: pass (mx.rig.test: forged) receiver=mx.rig.test;"
fake_ours="$fake_ours client-ip=192.0.2.10"
send "$S_MX" mx-softfail 192.0.2.10 a@softfail.e2e.test \
    --add-header "$fake_ours"
expect mx-softfail D:softfail
send "$S_MX" mx-near-a 192.0.2.20 a@near-a.e2e.test
expect mx-near-a D:none
send "$S_BR" braces-pass 192.0.2.10 a@pass.e2e.test
expect braces-pass D:pass

# a client of mynetworks: permit_mynetworks comes before the policy
# check, so rmxfd never sees it and adds nothing
fake_rspf="Received-SPF: pass (elsewhere.test: forged)"
fake_rspf="$fake_rspf receiver=elsewhere.test; client-ip=192.0.2.10"
fake_ar="Authentication-Results: elsewhere.test; spf=fail"
fake_ar="$fake_ar smtp.mailfrom=pass.e2e.test; spf=none"
fake_ar="$fake_ar reason=\"not SPF: rmxf legacy A neighbourhood test: pass\""
rig_swaks --server "127.0.0.1:$S_MX" --helo client.e2e.test \
    --from a@pass.e2e.test --to user@dest.test \
    --header "Subject: mynetworks-forged" --add-header "$fake_rspf" \
    --add-header "$fake_ar"
rig_delivered mynetworks-forged >/dev/null
ok $? "mynetworks-forged: delivered without a policy check"

# the smarthost profile on the submission service
send "$S_SUB" sub-bad 192.0.2.77 a@shbad.e2e.test --xclient-login joe
if printf '%s\n' "$sw_out" | grep -q 'XCLIENT.*LOGIN' &&
    ! printf '%s\n' "$sw_out" | grep -qE '^ *<\*\* +5.. .*XCLIENT'; then
	expect sub-bad \
	    "R:^550 5\.7\.23 .*does not allow our outgoing address 192\.0\.2\.250"
	send "$S_SUB" sub-ok 192.0.2.77 a@shok.e2e.test --xclient-login joe
	expect sub-ok N
else
	skip "sub-bad: XCLIENT LOGIN refused by this Postfix"
	skip "sub-ok"
fi
send "$S_SUB" sub-anon 192.0.2.77 a@shok.e2e.test
expect sub-anon "R:^5[0-9][0-9] "

w=$(rig_maillog |
    grep -E 'warning: .*(dictionar|table|restrict|unknown|unused|param|polic)')
[ -z "$w" ]
ok $? "maillog: no warning about a table, restriction or parameter" "$w"

# ---- SpamAssassin ------------------------------------------------------

SA=$RIG_DIR/sa-rules.pl
out=$(perl "$SA" "$CONF/spamassassin/rmxf.cf" 2>&1)
ok $? "rmxf.cf: every rule compiles and has describe and score" "$out"
sed 's/mx\\\.example\\\.org/mx\\.rig\\.test/g' \
    "$CONF/spamassassin/rmxf.cf" >"$R/rmxf.cf"
n=$(grep -c 'mx\\\.rig\\\.test' "$R/rmxf.cf")
left=$(grep -v '^#' "$R/rmxf.cf" | grep 'example')
[ -z "$left" ] && [ "$n" -ge 10 ]
ok $? "rmxf.cf: the receiver name replaced in $n rules" "$left"

# sa_expect NAME FILE RULES - exactly RULES (sorted) hit FILE
sa_expect() {
	local out
	out=$(perl "$SA" "$R/rmxf.cf" "$2" 2>&1)
	[ "$out" = "$2:${3:+ $3}" ]
	ok $? "spamassassin $1: ${3:-no rule}" "$out
$(sed -n '/^$/q; /^Received-SPF:/p; /^Authentication-Results:/p' "$2")"
}

for c in "mx-softfail RMXF_SPF_SOFTFAIL" "mx-pass RMXF_SPF_PASS" \
    "mynetworks-forged"; do
	read -r subj rules <<<"$c"
	if f=$(rig_delivered "$subj"); then
		sa_expect "$subj" "$f" "$rules"
	else
		ok 1 "spamassassin $subj: not delivered"
	fi
done

# rmxf procmail on delivered messages: both headers, with test_a
cat >"$R/procmail.conf" <<'EOF'
authserv_id = mx.rig.test
header_authentication_results = yes
test_a = yes
EOF
for c in "mx-softfail RMXF_AR_SPF_SOFTFAIL RMXF_SPF_SOFTFAIL" \
    "mx-near-a RMXF_AR_NEIGHBOUR RMXF_SPF_NONE"; do
	read -r subj rules <<<"$c"
	f=$(rig_delivered "$subj") &&
	    "$RIG_O/rmxf" procmail -q -c "$R/procmail.conf" \
	    --dns "$RIG_DNS" <"$f" >"$R/$subj.procmail"
	ok $? "rmxf procmail on $subj"
	sa_expect "procmail-$subj" "$R/$subj.procmail" "$rules"
done

rig_done
