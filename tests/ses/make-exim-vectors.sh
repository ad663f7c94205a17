#!/bin/bash
# NAME
#	make-exim-vectors.sh - BATV prvs vectors made by Exim itself
# SYNOPSIS
#	bash tests/ses/make-exim-vectors.sh [RMXF] > tests/ses/exim-vectors.txt
# DESCRIPTION
#	Exim cannot be installed beside Postfix (both are the MTA), so this
#	downloads Debian's exim4-daemon-light and exim4-base (and libidn12,
#	which the binary needs) with apt-get download, unpacks them into a
#	scratch directory with dpkg-deb -x, and runs that exim4 in
#	expansion-test mode (-be) under a minimal configuration.  Exim
#	insists on its compiled-in user Debian-exim; when the system has
#	none, the script runs Exim in a private mount namespace (unshare
#	-m) where /etc/passwd and /etc/group are copies with that user
#	added, so nothing on the machine changes.
#
#	For every row of the table below (key number, secret, address) Exim
#	expands ${prvs{ADDRESS}{SECRET}{K}} and $tod_epoch in the same
#	expansion; the day (UTC) goes into the vector, since ${prvs} always
#	signs for today with Exim's fixed 7-day lifetime.  Output: one
#	TAB-separated line per vector, "DAY K SECRET ADDRESS SIGNED".
#
#	Given RMXF (a built rmxf), it also signs every address with
#	`rmxf ses sign --now DAY` and has Exim check the result with
#	${prvscheck}; the count goes into a trailing comment line.
#
#	Not run by make check (it downloads packages): run it by hand, as
#	root, and review the diff of the vector file.
# DIAGNOSTICS
#	Exit 0, or 1 with a message on stderr.
set -eu

rmxf=${1:-}
if [ -n "$rmxf" ]; then
	rmxf=$(cd "$(dirname "$rmxf")" && pwd)/$(basename "$rmxf")
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/rmxf-exim.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# key number, secret, address (TAB-separated; no $ { } \ in secrets)
vectors=$(cat <<'VEC'
0	secret	user@example.com
1	secret	user@example.com
1	secret	User@Example.COM
2	k2-0123456789abcdef	postmaster@example.org
3	Zm9vYmFyYmF6cXV4cXV1eA==	first.last+tag@sub.example.net
4	s3cr3t with spaces	bounce-123@lists.example.com
5	x	a@b.c
6	another secret	"quoted local"@example.com
7	7JtYPoz1q3vU8b9f0mgQpA	very.long.local.part.with.many.dots.and-dashes-0123456789@deep.sub.domain.example.co.uk
8	s	USER@EXAMPLE.COM
9	last-key	u=with=equals@example.com
0	prvs	prvs@example.com
VEC
)

cd "$tmp"
apt-get download exim4-daemon-light exim4-base libidn12 >/dev/null 2>&1 || {
	echo "make-exim-vectors: apt-get download failed" >&2
	exit 1
}
for d in ./*.deb; do
	dpkg-deb -x "$d" root
done
exim=$tmp/root/usr/sbin/exim4
export LD_LIBRARY_PATH=$tmp/root/usr/lib/x86_64-linux-gnu

mkdir -p spool log
cat >exim.conf <<CONF
exim_user = Debian-exim
exim_group = Debian-exim
never_users =
primary_hostname = vectors.example
log_file_path = $tmp/log/%slog
spool_directory = $tmp/spool
CONF
cp /etc/passwd passwd
cp /etc/group group
grep -q '^Debian-exim:' passwd ||
    echo 'Debian-exim:x:64999:64999::/nonexistent:/usr/sbin/nologin' >>passwd
grep -q '^Debian-exim:' group || echo 'Debian-exim:x:64999:' >>group

# run_exim - expansion lines on stdin, "> result" lines on stdout
run_exim() {
	unshare -m sh -c 'mount --bind "$1/passwd" /etc/passwd &&
	    mount --bind "$1/group" /etc/group &&
	    exec timeout 20 "$2" -C "$1/exim.conf" -be' sh "$tmp" "$exim"
}

printf '%s\n' "$vectors" | while IFS='	' read -r k s a; do
	printf '${prvs{%s}{%s}{%s}}\t$tod_epoch\n' "$a" "$s" "$k"
done >in.txt
run_exim <in.txt | sed -n 's/^> //p' | sed '/^$/d' >out.txt
if [ "$(wc -l <out.txt)" != "$(printf '%s\n' "$vectors" | wc -l)" ]; then
	echo "make-exim-vectors: exim gave $(wc -l <out.txt) results" >&2
	exit 1
fi

echo "# BATV prvs vectors made by Exim $(dpkg-deb -f \
    exim4-daemon-light_*.deb Version) (Debian exim4-daemon-light)," \
    "tests/ses/make-exim-vectors.sh"
echo '# ${prvs} signs with a 7-day lifetime for the day it runs (UTC)'
echo "# DAY	K	SECRET	ADDRESS	SIGNED"
printf '%s\n' "$vectors" | paste - out.txt | while IFS='	' read -r k s a signed epoch; do
	printf '%s\t%s\t%s\t%s\t%s\n' "$(date -u -d "@$epoch" +%F)" "$k" "$s" \
	    "$a" "$signed"
done >vec.txt
cat vec.txt

[ -n "$rmxf" ] || exit 0
# rmxf signs, Exim checks
good=0
total=0
: >check.txt
while IFS='	' read -r day k s a signed; do
	printf '%s %s\n' "$k" "$s" >keys
	chmod 600 keys
	mine=$("$rmxf" ses sign --keys keys --now "$day" "$a")
	printf '${prvscheck{%s}{%s}}\t$prvscheck_result\n' "$mine" "$s" \
	    >>check.txt
	total=$((total + 1))
done <vec.txt
good=$(run_exim <check.txt | sed -n 's/^> //p' | grep -c '	1$' || true)
echo "# Exim \${prvscheck} accepted $good of $total addresses signed by" \
    "rmxf ses sign --now DAY ($(date -u +%F))"
