# shellcheck shell=bash
# netns.sh - private namespaces whose /etc/resolv.conf names a test server
#
#	. tests/lib/netns.sh
#	"${NETNS_UNSHARE[@]}" CMD...	CMD in a new network, mount and PID
#				namespace; every process CMD starts dies
#				with it (and with the unshare, when killed)
#	netns_can		succeeds when NETNS_UNSHARE works here
#				(root, util-linux)
#	netns_resolv FILE	inside: lo up; FILE written as a resolv.conf
#				naming 127.0.0.1 and bind-mounted over
#				/etc/resolv.conf
#
# The machine's own /etc/resolv.conf and network are never touched: the
# bind mount lives in the namespace's mount table only (unshare makes
# its mounts private), the network namespace has only lo, so a query
# that escapes the test server reaches nothing.  libc, libunbound's
# ub_ctx_resolvconf() and Postfix all read the file at its usual path,
# so a program needs no option to use the test server: as on a site
# whose resolver is 127.0.0.1.

NETNS_UNSHARE=(unshare --net --mount --pid --fork --mount-proc --kill-child)

# netns_can - can this process create the namespaces?
netns_can() {
	command -v unshare >/dev/null &&
	    "${NETNS_UNSHARE[@]}" true 2>/dev/null
}

# netns_resolv FILE - lo up, FILE as /etc/resolv.conf (inside only)
netns_resolv() {
	ip link set lo up || return 1
	printf 'nameserver 127.0.0.1\noptions timeout:2 attempts:1\n' \
	    >"$1" || return 1
	chmod 644 "$1"
	mount --bind "$1" /etc/resolv.conf
}
