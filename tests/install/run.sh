#!/bin/bash
# NAME
#	run.sh - make install into a staging directory
# SYNOPSIS
#	O=build bash tests/install/run.sh
# DESCRIPTION
#	Runs `make install DESTDIR=D PREFIX=/usr` and checks the file list
#	(rmxfd in usr/sbin, rmxf in usr/bin, the three manual pages, the
#	sample rmxf.conf and ACL in etc/rmxf, the Postfix and SpamAssassin
#	samples under usr/share/doc/rmxf, the systemd unit, the sysusers.d
#	entry), the modes, that the installed programs run and accept the
#	installed sample, and that the unit starts the installed rmxfd on
#	the installed configuration as _rmxf.  A second install over an
#	edited rmxf.conf and ACL leaves both as they are and says so.
#	With PREFIX=/usr/local the programs and the unit move there and
#	ExecStart follows; the configuration stays in etc/rmxf, where the
#	programs look without -c.
#
#	Output is TAP for prove.  Environment: O (build directory, default
#	build), MAKE (default make).
# SEE ALSO
#	mk/install.mk, tests/deb/run.sh
set -u

cd "$(dirname "$0")/../.." || exit 1
. tests/lib/scaffold.sh
scaffold_start install
O=${O:-build}

# inst DEST ARGS... - make install into DEST; output in $out, status $rc
inst() {
	local d=$1
	shift
	out=$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL ${MAKE:-make} \
	    --no-print-directory O="$O" DESTDIR="$d" "$@" install 2>&1)
	rc=$?
}

# expected_files - what PREFIX=/usr installs, sorted, relative to DESTDIR
expected_files() {
	local f
	{
		printf '%s\n' etc/rmxf/rmxf.acl etc/rmxf/rmxf.conf \
		    usr/bin/rmxf usr/sbin/rmxfd \
		    usr/lib/systemd/system/rmxfd.service \
		    usr/lib/sysusers.d/rmxf.conf \
		    usr/share/man/man1/rmxf.1 usr/share/man/man5/rmxf.conf.5 \
		    usr/share/man/man8/rmxfd.8 \
		    usr/share/doc/rmxf/README.md usr/share/doc/rmxf/ses-srs.md \
		    usr/share/doc/rmxf/spamassassin/README \
		    usr/share/doc/rmxf/spamassassin/rmxf.cf
		for f in conf/postfix/*; do
			echo "usr/share/doc/rmxf/postfix/${f##*/}"
		done
	} | LC_ALL=C sort
}

if [ ! -x "$O/rmxfd" ] || [ ! -x "$O/rmxf" ]; then
	echo "1..1"
	ok 1 "$O/rmxfd and $O/rmxf built (make all)"
	exit 0
fi
echo "1..9"

D=$tmp/d
inst "$D" PREFIX=/usr
ok $rc "make install DESTDIR=D PREFIX=/usr exits 0" "$out"

got=$(cd "$D" 2>/dev/null && find . -type f | sed 's|^\./||' | LC_ALL=C sort)
[ "$got" = "$(expected_files)" ]
ok $? "the file list: programs, man pages, samples, unit, sysusers.d" \
    "$(diff <(expected_files) <(printf '%s\n' "$got"))"

modes=$(stat -c '%a %n' "$D/usr/sbin/rmxfd" "$D/usr/bin/rmxf" \
    "$D/etc/rmxf/rmxf.conf" "$D/usr/share/man/man8/rmxfd.8" \
    "$D/usr/lib/systemd/system/rmxfd.service" 2>&1 | sed "s|$D||")
[ "$modes" = "755 /usr/sbin/rmxfd
755 /usr/bin/rmxf
644 /etc/rmxf/rmxf.conf
644 /usr/share/man/man8/rmxfd.8
644 /usr/lib/systemd/system/rmxfd.service" ]
ok $? "programs 0755, configuration, pages and unit 0644" "$modes"

v=$("$D/usr/sbin/rmxfd" --version 2>&1) &&
    c=$("$D/usr/bin/rmxf" conf -c "$D/etc/rmxf/rmxf.conf" --check 2>&1)
ok $? "the installed rmxfd runs; rmxf conf --check takes the sample" \
    "$v / ${c:-}"

exec_start=$(sed -n 's/^ExecStart=//p' \
    "$D/usr/lib/systemd/system/rmxfd.service")
[ "$exec_start" = "/usr/sbin/rmxfd -c /etc/rmxf/rmxf.conf --user _rmxf" ] &&
    grep -q '^u _rmxf ' "$D/usr/lib/sysusers.d/rmxf.conf"
ok $? "the unit runs /usr/sbin/rmxfd on /etc/rmxf/rmxf.conf as _rmxf" \
    "ExecStart=$exec_start"

# --- a second install keeps what the administrator wrote --------------
echo 'observe_only = yes' >>"$D/etc/rmxf/rmxf.conf"
echo '@example.org check' >"$D/etc/rmxf/rmxf.acl"
touch -d '2020-01-01' "$D/usr/sbin/rmxfd"
inst "$D" PREFIX=/usr
[ "$rc" = 0 ] && [ "$(tail -n 1 "$D/etc/rmxf/rmxf.conf")" = \
    'observe_only = yes' ] &&
    [ "$(cat "$D/etc/rmxf/rmxf.acl")" = '@example.org check' ]
ok $? "a second install leaves an edited rmxf.conf and ACL as they are" \
    "$out"

case $out in *"$D/etc/rmxf/rmxf.conf exists, left as it is"*) true ;;
*) false ;; esac && [ "$(stat -c %Y "$D/usr/sbin/rmxfd")" -gt \
    "$(date -d 2020-01-02 +%s)" ]
ok $? "...says so, and installs the programs again" "$out"

# --- PREFIX=/usr/local -------------------------------------------------
L=$tmp/l
inst "$L" PREFIX=/usr/local
exec_start=$(sed -n 's/^ExecStart=//p' \
    "$L/usr/local/lib/systemd/system/rmxfd.service" 2>/dev/null)
[ "$rc" = 0 ] && [ -x "$L/usr/local/sbin/rmxfd" ] &&
    [ -x "$L/usr/local/bin/rmxf" ] &&
    [ -f "$L/usr/local/share/man/man5/rmxf.conf.5" ] &&
    [ -f "$L/etc/rmxf/rmxf.conf" ] && [ ! -e "$L/usr/local/etc" ] &&
    [ "$exec_start" = \
    "/usr/local/sbin/rmxfd -c /etc/rmxf/rmxf.conf --user _rmxf" ]
ok $? "PREFIX=/usr/local: programs, pages and unit there, rmxf.conf in /etc" \
    "$out / ExecStart=$exec_start"

# where the installed programs look without -c is where it went
if command -v strace >/dev/null; then
	strace -f -e trace=open,openat -o "$tmp/strace" \
	    "$L/usr/local/bin/rmxf" conf --check >/dev/null 2>&1
	grep -q '"/etc/rmxf/rmxf.conf"' "$tmp/strace"
	ok $? "rmxf conf without -c opens /etc/rmxf/rmxf.conf" \
	    "$(grep -v 'lib\|ld\.so' "$tmp/strace" | head)"
else
	skip "strace missing (tools/deps.sh installs it)"
fi
