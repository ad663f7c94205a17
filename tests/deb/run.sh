#!/bin/bash
# NAME
#	run.sh - the Debian package: lint, install, run, purge
# SYNOPSIS
#	make deb && O=build bash tests/deb/run.sh
# DESCRIPTION
#	Takes $O/deb/rmxf_*.deb (make deb), runs lintian on it (no error),
#	installs it with dpkg -i on this machine and checks what an
#	administrator gets: the system user _rmxf, the programs, manual
#	pages, unit and sysusers.d entry, /etc/rmxf/rmxf.conf a conffile,
#	the unit enabled.  Then it starts the installed /usr/sbin/rmxfd on
#	the installed /etc/rmxf/rmxf.conf, as _rmxf, on a unix socket in a
#	scratch directory with DNS from $O/tests/dnsd (tests/daemon/zone.txt),
#	and sends one policy request whose sender passes SPF: the answer is
#	the Received-SPF header.  SIGHUP reloads the configuration as _rmxf;
#	SIGTERM stops it (exit 0).  Last, dpkg --purge removes every file,
#	the conffiles and the unit's links; the user _rmxf, which Debian
#	keeps after a purge, is removed when this script made it, so the
#	machine is left as found.  With systemd-analyze, the exposure of
#	the installed unit (systemd-analyze security) must stay below 3.0.
#
#	Root only (it installs a package); skipped when the package rmxf
#	is installed already, so an administrator's installation is never
#	touched.  Every process started is stopped by PID on exit, and the
#	package purged if the script installed it.  Output is TAP for
#	prove.  Environment: O (build directory, default build).
# SEE ALSO
#	debian/, mk/deb.mk, tests/install/run.sh, tests/daemon/run.sh
set -u

cd "$(dirname "$0")/../.." || exit 1
. tests/lib/scaffold.sh
scaffold_start deb
O=${O:-build}
DNSD=$O/tests/dnsd
POLICYC="python3 tests/daemon/policyc.py"
DNSD_MAX=60		# dnsd's own --max-seconds
CLIENT_KILL=30		# seconds before a hung client is killed
EXPOSURE_MAX=30		# systemd-analyze --threshold: exposure 3.0
installed=
user_before=

# deb_cleanup - purge what this script installed, then the scaffold's
deb_cleanup() {
	if [ -n "$installed" ]; then
		dpkg --purge rmxf >/dev/null 2>&1
		[ -z "$user_before" ] && userdel _rmxf 2>/dev/null
		[ -z "$user_before" ] && groupdel _rmxf 2>/dev/null
	fi
	scaffold_cleanup
}

if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP not root: dpkg -i needs root"
	exit 0
fi
if dpkg-query -W -f='${Status}' rmxf 2>/dev/null | grep -q installed; then
	echo "1..0 # SKIP the package rmxf is installed here: left alone"
	exit 0
fi
echo "1..12"

deb=$(ls "$O"/deb/rmxf_*.deb 2>/dev/null | tail -n 1)
[ -n "$deb" ] && [ -x "$DNSD" ] && command -v lintian >/dev/null
ok $? "make deb left ${deb:-no package}; $DNSD and lintian here" \
    "$(ls "$O/deb" 2>&1)"
[ -n "$deb" ] || exit 1

lint=$(lintian "$deb" 2>&1)
lrc=$?
! printf '%s\n' "$lint" | grep -q '^E: ' && [ "$lrc" = 0 ]
ok $? "lintian: no error" "$lint"

# --- installation ------------------------------------------------------
getent passwd _rmxf >/dev/null && user_before=1
trap deb_cleanup EXIT
installed=1
out=$(dpkg -i "$deb" 2>&1)
ok $? "dpkg -i $(basename "$deb")" "$out"

pw=$(getent passwd _rmxf)
IFS=: read -r _ _ uid _ _ home shell <<<"$pw"
[ -n "$pw" ] && [ "${uid:-1000}" -lt 1000 ] &&
    [ "$shell" = /usr/sbin/nologin ] && [ "$home" = /nonexistent ] &&
    getent group _rmxf >/dev/null
ok $? "the system user _rmxf and its group exist, no login, no home" \
    "passwd: $pw"

missing=
for f in /usr/sbin/rmxfd /usr/bin/rmxf /usr/share/man/man1/rmxf.1.gz \
    /usr/share/man/man5/rmxf.conf.5.gz /usr/share/man/man8/rmxfd.8.gz \
    /etc/rmxf/rmxf.conf /etc/rmxf/rmxf.acl \
    /lib/systemd/system/rmxfd.service /usr/lib/sysusers.d/rmxf.conf \
    /usr/share/doc/rmxf/postfix/main.cf \
    /usr/share/doc/rmxf/spamassassin/rmxf.cf \
    /usr/share/doc/rmxf/copyright; do
	[ -f "$f" ] || missing="$missing $f"
done
[ -z "$missing" ]
ok $? "programs, pages, configuration, unit and samples in place" \
    "missing:$missing"

conffiles=$(dpkg-query -W -f='${Conffiles}' rmxf)
wants=/etc/systemd/system/multi-user.target.wants/rmxfd.service
case $conffiles in *' /etc/rmxf/rmxf.conf '*) true ;; *) false ;; esac &&
    [ "$(readlink "$wants")" = /lib/systemd/system/rmxfd.service ]
ok $? "/etc/rmxf/rmxf.conf is a conffile; rmxfd.service is enabled" \
    "conffiles:$conffiles / $wants -> $(readlink "$wants")"

# --- the installed daemon ------------------------------------------------
"$DNSD" --zone tests/daemon/zone.txt --listen 127.0.0.1:0 \
    --port-file "$tmp/dnsport" --max-seconds "$DNSD_MAX" \
    2>"$tmp/dnsd.err" &
pids+=($!)
wait_for "$tmp/dnsport" .
dnsport=$(cat "$tmp/dnsport" 2>/dev/null)
sock=$tmp/rmxf.sock
/usr/sbin/rmxfd -c /etc/rmxf/rmxf.conf --user _rmxf \
    --listen "unix:$sock" --dns "127.0.0.1:${dnsport:-1}" --log stderr \
    2>"$tmp/rmxfd.log" &
rmxfd_pid=$!
pids+=("$rmxfd_pid")
wait_for "$tmp/rmxfd.log" ': started'
printf '%s\n' request=smtpd_access_policy protocol_state=RCPT \
    protocol_name=ESMTP client_address=192.0.2.9 \
    client_name=mail.example.com helo_name=mail.example.com \
    sender=alice@example.com recipient=bob@example.net instance=1.1 '' \
    >"$tmp/req"
out=$(timeout "$CLIENT_KILL" $POLICYC "unix:$sock" send "$tmp/req" 2>&1)
case $out in 'action=PREPEND Received-SPF: pass '*'client-ip=192.0.2.9;'*)
	true ;; *) false ;; esac
ok $? "the installed rmxfd answers: Received-SPF: pass" \
    "$out / $(cat "$tmp/rmxfd.log")"

ids=$(awk '/^[UG]id:/ { printf "%s %s ", $2, $3 }' "/proc/$rmxfd_pid/status")
[ "$ids" = "$uid $uid $(getent group _rmxf | cut -d: -f3) \
$(getent group _rmxf | cut -d: -f3) " ]
ok $? "it runs as _rmxf (uid $uid), group _rmxf" "Uid, Gid: $ids"

kill -HUP "$rmxfd_pid"
wait_for "$tmp/rmxfd.log" ': reloaded /etc/rmxf/rmxf.conf'
ok $? "SIGHUP: _rmxf reads /etc/rmxf/rmxf.conf again" \
    "$(cat "$tmp/rmxfd.log")"

kill -TERM "$rmxfd_pid"
wait "$rmxfd_pid"
ok $? "SIGTERM: exit 0" "$(tail -n 3 "$tmp/rmxfd.log")"

if command -v systemd-analyze >/dev/null; then
	sa=$(systemd-analyze security --offline=yes \
	    --threshold="$EXPOSURE_MAX" /lib/systemd/system/rmxfd.service 2>&1)
	ok $? "systemd-analyze security: $(printf '%s\n' "$sa" |
	    sed -n 's/.*Overall exposure level for [^:]*: //p')" "$sa"
else
	skip "systemd-analyze missing (package systemd)"
fi

# --- purge -----------------------------------------------------------------
out=$(dpkg --purge rmxf 2>&1)
rc=$?
left=
for f in /usr/sbin/rmxfd /usr/bin/rmxf /etc/rmxf \
    /lib/systemd/system/rmxfd.service "$wants"; do
	[ -e "$f" ] || [ -L "$f" ] && left="$left $f"
done
[ "$rc" = 0 ] && [ -z "$left" ]
ok $? "dpkg --purge removes the files, the conffiles and the unit's link" \
    "$out / left:$left"
installed=
if [ -z "$user_before" ]; then
	userdel _rmxf 2>/dev/null
	groupdel _rmxf 2>/dev/null
fi
exit 0
