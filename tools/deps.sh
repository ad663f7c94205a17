#!/bin/sh
# deps.sh - install the Debian packages rmxf needs to build and test.
# Installs only what is missing, and only when run as root; otherwise it
# lists what is missing and leaves the decision to the user.
set -eu

# build: compilers (clang also for the sanitizer and libFuzzer builds, whose
# runtimes are in libclang-rt-dev), make, pkg-config, the libraries
# (libpsl and the publicsuffix list: registered domains for the DNS
# bounds of dns_guard);
# test: cmocka, libyaml (suite reader), perl (prove), binutils (nm for
# make lint), mandoc (man page lint), coreutils (timeout), bash (test
# scripts), python3 (tests/cli checks --json output with json.tool),
# strace (tests/daemon/log.sh counts rmxfd's connect(2) calls to
# /dev/log: at most one a second when no syslog daemon listens, not one
# per log line);
# end-to-end tests (tests/e2e): postfix, swaks, unbound (the DNS
# server, with unbound-checkconf), dnsutils (dig), iproute2 (ip, ss),
# util-linux (unshare, mount), libio-socket-inet6-perl (swaks over IPv6;
# only recommended by swaks), libsasl2-modules (Cyrus SASL mechanisms,
# so that smtpd_sasl_auth_enable works for XCLIENT LOGIN), opendmarc
# (tests/e2e/t_dmarc.sh runs it as a milter of the rig's Postfix: it
# must take rmxf's SPF result from rmxf's headers for its DMARC verdict);
# libmilter-dev (tests/daemon/milter.sh builds a libmilter filter and
# compares rmxfd's Milter replies with its bytes);
# the DKIM interop corpus (tests/dkim: make dkim-interop-test checks
# that these independent verifiers still give the recorded verdicts,
# and tests/dkim/gen.sh signs the corpus with them): python3-dkim
# (dkimpy, with python3-nacl for ed25519), opendkim (its opendkim -t
# test mode signs and verifies with TestPublicKeys), libmail-dkim-perl
# (Mail::DKIM); tests/e2e/t_dkim.sh runs opendkim and opendmarc as
# milters beside rmxfd, signs with dkimpy and makes its RSA keys with
# openssl(1) (openssl);
# the Debian package (make deb, tests/deb): debhelper and dpkg-dev
# build it (dpkg-buildpackage; Rules-Requires-Root: no, so without
# fakeroot), lintian checks it; its postinst makes the _rmxf user with
# systemd-sysusers, which a machine without systemd (a container) gets
# from systemd-standalone-sysusers.
pkgs="gcc clang libclang-rt-dev make pkg-config libc6-dev
libunbound-dev libldns-dev libevent-dev libssl-dev libpsl-dev publicsuffix
libcmocka-dev libyaml-dev
perl binutils mandoc coreutils bash python3 strace
postfix swaks libio-socket-inet6-perl unbound dnsutils iproute2 util-linux libsasl2-modules
postsrsd libmail-srs-perl
procmail
opendmarc libmilter-dev
python3-dkim python3-nacl opendkim libmail-dkim-perl openssl
debhelper dpkg-dev lintian"
if ! command -v systemd-sysusers >/dev/null; then
	pkgs="$pkgs systemd-standalone-sysusers"
fi

missing=""
for p in $pkgs; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "deps: missing Debian packages:$missing (run 'make check' as root, or apt-get install them)" >&2
	exit 0
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# postfix asks what kind of mail system this is: none (the tests run a
# private instance with a configuration of their own)
echo "postfix postfix/main_mailer_type select No configuration" |
    debconf-set-selections
# postfix, unbound and opendmarc are services: do not start them on this
# machine while installing (policy-rc.d, only when there is none already)
rcd=/usr/sbin/policy-rc.d
if [ ! -e "$rcd" ]; then
	printf '#!/bin/sh\nexit 101\n' >"$rcd"
	chmod 755 "$rcd"
	trap 'rm -f "$rcd"' EXIT
fi
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
