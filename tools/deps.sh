#!/bin/sh
# deps.sh - install the Debian packages rmxf needs to build and test.
# Installs only what is missing, and only when run as root; otherwise it
# lists what is missing and leaves the decision to the user.
set -eu

# build: compilers (clang also for the sanitizer and libFuzzer builds, whose
# runtimes are in libclang-rt-dev), make, pkg-config, the libraries;
# test: cmocka, libyaml (suite reader), perl (prove), binutils (nm for
# make lint), mandoc (man page lint), clang-format (format report),
# coreutils (timeout), bash (test scripts), python3 (tests/cli checks
# --json output with json.tool).
pkgs="gcc clang libclang-rt-dev make pkg-config libc6-dev
libunbound-dev libldns-dev libevent-dev libssl-dev
libcmocka-dev libyaml-dev
perl binutils mandoc clang-format coreutils bash python3"

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
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
