# shellcheck shell=bash
# NAME
#	tests/srs/run.sh - rmxf srs: CLI behaviour, interop with postsrsd
#	and Mail::SRS (TAP)
# SYNOPSIS
#	RMXF=build/rmxf prove --exec bash tests/srs/run.sh
# DESCRIPTION
#	Exit codes, stdout and the one stderr line of `rmxf srs forward|
#	reverse|keygen` with --now for fixed dates: the 21-day default age
#	and --max-age, the 1024-day wrap, SRS1, separators, base64url,
#	case, insecure files, usage errors, a BATV key ring as secrets.
#
#	Interop: Debian's postsrsd (1.10) runs in the foreground on two
#	free loopback ports with a secrets file of two lines; addresses it
#	forwards must reverse in rmxf, addresses rmxf forwards must reverse
#	in postsrsd, and both must write the same string for the same
#	address on the same day.  The same against Mail::SRS (Debian's
#	libmail-srs-perl).  Either missing: those tests are skipped.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/scaffold.sh
RMXF=${RMXF:-build/rmxf}
scaffold_start srs

# skip TEXT WHY - one skipped TAP line
skip() {
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}

keyfile sec $'tops3cr3t\n'
keyfile two $'n3w-s3cr3t\ntops3cr3t\n'
keyfile batv $'# a BATV ring serves SRS too\n1 tops3cr3t\n'
S="--secrets $tmp/sec"

# --- forward and reverse with fixed dates (2026-11-23: day 20780, TT JM)
run srs forward $S --domain srs.example --now 2026-11-23 User@foo.example.com
expect 0 SRS0=5xSt=JM=foo.example.com=User@srs.example "" \
    "forward: postsrsd's string"
run srs reverse $S --now 2026-11-23 SRS0=5xSt=JM=foo.example.com=User@srs.example
expect 0 User@foo.example.com "" "reverse: same day"
run srs reverse $S --now 2026-11-23 srs0=5XST=jm=foo.example.com=User@srs.example
expect 0 User@foo.example.com "" "reverse: any case"
run srs reverse $S --now 2026-12-14 SRS0=5xSt=JM=foo.example.com=User@srs.example
expect 0 User@foo.example.com "" "reverse: 21 days old"
run srs reverse $S --now 2026-12-15 SRS0=5xSt=JM=foo.example.com=User@srs.example
expect 1 "" "rmxf: srs reverse: signature expired" "reverse: 22 days old"
run srs reverse $S --max-age 30 --now 2026-12-15 \
    SRS0=5xSt=JM=foo.example.com=User@srs.example
expect 0 User@foo.example.com "" "reverse: --max-age 30"
run srs reverse $S --now 2026-11-23 SRS0=5xSu=JM=foo.example.com=User@srs.example
expect 1 "" "rmxf: srs reverse: signature does not match" "reverse: forged"
run srs reverse $S --now 2026-11-23 SRS0=5xS=JM=foo.example.com=User@srs.example
expect 1 "" "rmxf: srs reverse: malformed signature tag" "reverse: short hash"
run srs reverse $S --now 2026-11-23 user@srs.example
expect 1 "" "rmxf: srs reverse: not a signed address" "reverse: plain address"
run srs forward $S --domain srs.example --now 2026-11-23 user@srs.example
expect 1 "" "rmxf: srs forward: already signed" "forward: the SRS domain"

# the 1024-day wrap: 2028-11-12 is day 21500, TT of 1020; ten days on
# TT is 6
run srs forward $S --domain srs.example --now 2028-11-12 bob@x.org
wrapped=$out
run srs reverse $S --max-age 10 --now 2028-11-22 "$wrapped"
expect 0 bob@x.org "" "reverse across the 1024-day wrap ($wrapped)"
run srs reverse $S --max-age 10 --now 2028-11-23 "$wrapped"
expect 1 "" "rmxf: srs reverse: signature expired" \
    "reverse across the wrap, a day too late"

# SRS1, separators, base64url
run srs forward $S --domain srs.example SRS0=abcd=AB=x.org=bob@hop1.example
expect 0 SRS1=fMn6=hop1.example==abcd=AB=x.org=bob@srs.example "" \
    "forward: SRS0 of another host becomes SRS1"
run srs forward $S --domain srs.example --separator + \
    SRS1-XXXX=hop1.example=+abcd=AB=x.org=bob@hop2.example
expect 0 SRS1+upkY=hop1.example=+abcd=AB=x.org=bob@srs.example "" \
    "forward: SRS1 keeps the first hop, --separator +"
run srs reverse $S SRS1=fMn6=hop1.example==abcd=AB=x.org=bob@srs.example
expect 0 SRS0=abcd=AB=x.org=bob@hop1.example "" "reverse: SRS1"
run srs forward $S --domain srs.example --now 2026-11-23 --separator - \
    a@b.example
sep=$out
run srs reverse $S --now 2026-11-23 "$sep"
expect 0 a@b.example "" "separator -: $sep"
# find an address whose hash has + or /, to see base64url at work
for i in 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19; do
	run srs forward $S --domain srs.example --now 2026-11-23 "u$i@x.org"
	case ${out:5:4} in *[+/]*) break ;; esac
done
std=$out
run srs forward $S --domain srs.example --now 2026-11-23 --base64url "u$i@x.org"
url=$out
case ${std:5:4} in *[+/]*) w=0 ;; *) w=1 ;; esac
[ "$w" = 0 ] && [ "$url" = "$(printf '%s' "$std" | tr '+/' '-_')" ]
ok $? "--base64url writes - and _ ($std, $url)"
run srs reverse $S --now 2026-11-23 "$url"
expect 0 "u$i@x.org" "" "reverse: base64url hash"
run srs reverse $S --now 2026-11-23 "$std"
expect 0 "u$i@x.org" "" "reverse: standard base64 hash"

# key rings
run srs reverse --secrets "$tmp/two" --now 2026-11-23 \
    SRS0=5xSt=JM=foo.example.com=User@srs.example
expect 0 User@foo.example.com "" "reverse with the second secret"
run srs forward --secrets "$tmp/batv" --domain srs.example --now 2026-11-23 \
    User@foo.example.com
expect 0 SRS0=5xSt=JM=foo.example.com=User@srs.example "" \
    "a BATV key ring ('1 tops3cr3t') as SRS secrets"
keyfile loose $'tops3cr3t\n'
chmod 644 "$tmp/loose"
run srs reverse --secrets "$tmp/loose" SRS0=5xSt=JM=foo.example.com=User@srs.example
expect 78 "" "rmxf: srs reverse: $tmp/loose: mode 0644, must not be readable by group or others" \
    "mode 0644 secrets file refused"
keyfile spaced $'two words\n'
run srs reverse --secrets "$tmp/spaced" SRS0=5xSt=JM=foo.example.com=User@srs.example
expect 78 "" "rmxf: srs reverse: $tmp/spaced: line 1: white space in a secret (one secret per line, or 'K SECRET')" \
    "white space in a secret"
run srs keygen
[[ $out =~ ^[A-Za-z0-9+/]{32}$ ]]
ok $? "srs keygen: a bare secret" "$out"

# usage
run srs forward $S user@example.com
expect 64 "" "rmxf: srs forward: missing --domain SRSDOMAIN" "usage: no --domain"
run srs forward $S --domain srs.example --separator x user@example.com
expect 64 "" "rmxf: srs forward: bad --separator 'x' (one of = + -)" \
    "usage: bad --separator"
run srs reverse $S --max-age 0 x@y
expect 64 "" "rmxf: srs reverse: bad --max-age '0' (days, 1 to 1000)" \
    "usage: --max-age 0"
run srs reverse --domain srs.example $S x@y
expect 64 "" "rmxf: srs reverse: option --domain does not apply (try rmxf srs --help)" \
    "usage: --domain on reverse"
run srs reverse x@y
expect 64 "" "rmxf: srs reverse: missing --secrets FILE" "usage: no --secrets"
run srs --help
[ "$rc" = 0 ] && [[ $out == usage:\ rmxf\ srs* ]]
ok $? "srs --help"

# --- interop
addrs=(user@foo.example.com User@Foo.Example.COM first.last+tag@sub.example.net
    a@b.c bounce-123@lists.example.org u=with=equals@example.com
    SRS0=abcd=AB=x.org=bob@hop1.example SRS0+wxyz=ZZ=y.org=carol@hop1.example
    SRS1=QQQQ=hop0.example==abcd=AB=x.org=bob@hop1.example)

# tcp_get PORT ADDRESS - one Postfix tcp_table lookup; the reply in $reply
tcp_get() {
	reply=""
	exec 3<>"/dev/tcp/127.0.0.1/$1" || return 1
	printf 'get %s\n' "$2" >&3
	IFS= read -r -t 5 reply <&3
	exec 3>&-
	reply=${reply%$'\r'}
}

# port_open PORT - something listens on 127.0.0.1:PORT
port_open() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

srsd=$(command -v postsrsd || true)
started=0
if [ -n "$srsd" ]; then
	for try in 1 2 3 4 5; do
		fp=$((20000 + RANDOM % 20000))
		rp=$((fp + 1))
		port_open "$fp" && continue
		port_open "$rp" && continue
		"$srsd" -s"$tmp/two" -dsrs.example -l127.0.0.1 -f"$fp" -r"$rp" \
		    -t10 >"$tmp/postsrsd.log" 2>&1 &
		srspid=$!
		pids+=("$srspid")
		for ((i = 0; i < 50; i++)); do
			port_open "$rp" && break
			kill -0 "$srspid" 2>/dev/null || break
			sleep 0.1
		done
		if port_open "$fp" && port_open "$rp"; then
			started=1
			break
		fi
		kill "$srspid" 2>/dev/null
		wait "$srspid" 2>/dev/null
	done
fi
if [ "$started" = 1 ]; then
	ver=$(dpkg-query -W -f='${Version}' postsrsd 2>/dev/null)
	ok 0 "postsrsd $ver runs on 127.0.0.1:$fp and :$rp"
	na=0
	same=0
	p2r=0
	r2p=0
	diag=""
	for a in "${addrs[@]}"; do
		na=$((na + 1))
		tcp_get "$fp" "$a"
		theirs=${reply#200 }
		run srs forward --secrets "$tmp/two" --domain srs.example "$a"
		mine=$out
		if [ "$reply" = "200 $mine" ]; then
			same=$((same + 1))
		else
			diag+="forward $a: postsrsd [$reply] rmxf [$mine]"$'\n'
		fi
		tcp_get "$rp" "$theirs"
		want=${reply#200 }
		run srs reverse --secrets "$tmp/two" "$theirs"
		if [ "$rc" = 0 ] && [ "$out" = "$want" ]; then
			p2r=$((p2r + 1))
		else
			diag+="rmxf reverse of postsrsd's $theirs: [$out$err], postsrsd [$want]"$'\n'
		fi
		tcp_get "$rp" "$mine"
		if [ "$mine" != "" ] && [ "$reply" = "200 $want" ]; then
			r2p=$((r2p + 1))
		else
			diag+="postsrsd reverse of rmxf's $mine: [$reply]"$'\n'
		fi
	done
	[ "$same" = "$na" ]
	ok $? "postsrsd and rmxf forward $same of $na addresses to the same string" "$diag"
	[ "$p2r" = "$na" ]
	ok $? "rmxf reverses $p2r of $na addresses postsrsd forwarded" "$diag"
	[ "$r2p" = "$na" ]
	ok $? "postsrsd reverses $r2p of $na addresses rmxf forwarded" "$diag"
	# rmxf's other separators and an upper-cased hash, reversed by postsrsd
	run srs forward --secrets "$tmp/two" --domain srs.example --separator + \
	    user@foo.example.com
	tcp_get "$rp" "$out"
	[ "$reply" = "200 user@foo.example.com" ]
	ok $? "postsrsd reverses rmxf's --separator + ($out)" "$reply"
	up=$(printf '%s' "$out" | tr 'a-z' 'A-Z')
	tcp_get "$rp" "$up"
	run srs reverse --secrets "$tmp/two" "$up"
	[ "$reply" = "200 USER@FOO.EXAMPLE.COM" ] && [ "$out" = USER@FOO.EXAMPLE.COM ]
	ok $? "both reverse the upper-cased address" "$reply / $out$err"
	# a forged hash: both refuse
	tcp_get "$rp" SRS0=AAAA=JM=foo.example.com=User@srs.example
	run srs reverse --secrets "$tmp/two" SRS0=AAAA=JM=foo.example.com=User@srs.example
	[ "${reply:0:1}" = 5 ] && [ "$rc" = 1 ]
	ok $? "both refuse a forged hash" "postsrsd [$reply] rmxf [$err]"
else
	why="postsrsd not installed (tools/deps.sh)"
	[ -n "$srsd" ] && why="postsrsd did not start: $(head -3 "$tmp/postsrsd.log" 2>/dev/null)"
	for t in start "same strings" "postsrsd to rmxf" "rmxf to postsrsd" \
	    "separator +" "upper case" "forged hash"; do
		skip "postsrsd interop: $t" "$why"
	done
fi

if perl -MMail::SRS -e 1 2>/dev/null; then
	ver=$(perl -MMail::SRS -e 'print $Mail::SRS::VERSION')
	na=0
	same=0
	p2r=0
	r2p=0
	diag=""
	for a in "${addrs[@]}"; do
		na=$((na + 1))
		theirs=$(perl -MMail::SRS -e '
		    my $s = Mail::SRS->new(Secret => ["n3w-s3cr3t", "tops3cr3t"],
			HashLength => 4, AlwaysRewrite => 1);
		    print $s->forward($ARGV[0], "srs.example")' "$a" 2>&1)
		run srs forward --secrets "$tmp/two" --domain srs.example "$a"
		mine=$out
		if [ "$theirs" = "$mine" ]; then
			same=$((same + 1))
		else
			diag+="forward $a: Mail::SRS [$theirs] rmxf [$mine]"$'\n'
		fi
		run srs reverse --secrets "$tmp/two" "$theirs"
		want=$(perl -MMail::SRS -e '
		    my $s = Mail::SRS->new(Secret => ["n3w-s3cr3t", "tops3cr3t"]);
		    print $s->reverse($ARGV[0])' "$theirs" 2>&1)
		if [ "$rc" = 0 ] && [ "$out" = "$want" ]; then
			p2r=$((p2r + 1))
		else
			diag+="rmxf reverse of Mail::SRS's $theirs: [$out$err], Mail::SRS [$want]"$'\n'
		fi
		back=$(perl -MMail::SRS -e '
		    my $s = Mail::SRS->new(Secret => ["n3w-s3cr3t", "tops3cr3t"]);
		    print $s->reverse($ARGV[0])' "$mine" 2>&1)
		if [ -n "$mine" ] && [ "$back" = "$want" ]; then
			r2p=$((r2p + 1))
		else
			diag+="Mail::SRS reverse of rmxf's $mine: [$back]"$'\n'
		fi
	done
	[ "$same" = "$na" ]
	ok $? "Mail::SRS $ver and rmxf forward $same of $na addresses to the same string" "$diag"
	[ "$p2r" = "$na" ]
	ok $? "rmxf reverses $p2r of $na addresses Mail::SRS forwarded" "$diag"
	[ "$r2p" = "$na" ]
	ok $? "Mail::SRS reverses $r2p of $na addresses rmxf forwarded" "$diag"
else
	for t in "same strings" "Mail::SRS to rmxf" "rmxf to Mail::SRS"; do
		skip "Mail::SRS interop: $t" "libmail-srs-perl not installed (tools/deps.sh)"
	done
fi

echo "1..$n"
