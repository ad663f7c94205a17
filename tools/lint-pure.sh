#!/bin/sh
# NAME
#	lint-pure.sh - check that the pure libraries do no I/O
# SYNOPSIS
#	sh tools/lint-pure.sh PURE.a... -- DEP.a...
# DESCRIPTION
#	Pure modules (doc/architecture.md: spf, check, acl, ses, policy,
#	socketmap, conf) never open a file descriptor, read the clock or the
#	environment, log, or exit.  For each PURE archive this lists the
#	symbols it leaves undefined (nm -u) and accepts only:
#	  - symbols defined in the archive itself or in a DEP archive (the
#	    modules it may use), except the msg_* loggers other than
#	    msg_panic;
#	  - libc and compiler symbols on the allow-list below: memory,
#	    string, ctype, math, inet_pton/inet_ntop, qsort/bsearch, abort
#	    and assert, errno, stack protector and sanitizer internals.
#	Anything else (open, read, time, getenv, syslog, fprintf, exit, ...)
#	is reported with the archive member that uses it.
# DIAGNOSTICS
#	Exit 0 when every archive is clean, 1 when one is not, 2 on usage.
set -eu

pure=""
deps=""
seen_sep=0
for a in "$@"; do
	if [ "$a" = "--" ]; then
		seen_sep=1
	elif [ $seen_sep = 0 ]; then
		pure="$pure $a"
	else
		deps="$deps $a"
	fi
done
if [ -z "$pure" ]; then
	echo "usage: lint-pure.sh PURE.a... -- DEP.a..." >&2
	exit 2
fi

allow='^(malloc|calloc|realloc|reallocarray|free|aligned_alloc|posix_memalign)$'
allow="$allow|^(mem(chr|rchr|cmp|cpy|move|set|mem)|explicit_bzero|bzero|bcmp)$"
allow="$allow|^str(len|nlen|cmp|ncmp|casecmp|ncasecmp|chr|rchr|str|casestr|spn|cspn|pbrk|dup|ndup|tok_r|tol|toul|toll|toull|toimax|toumax)$"
allow="$allow|^__isoc23_strto(l|ul|ll|ull|imax|umax)$"
allow="$allow|^(tolower|toupper|is(alnum|alpha|digit|xdigit|space|upper|lower|print|punct|cntrl|graph|blank|ascii))$"
allow="$allow|^__ctype_(b|tolower|toupper)_loc$"
allow="$allow|^(qsort|bsearch|abs|labs|llabs|div|ldiv|lldiv)$"
allow="$allow|^(inet_pton|inet_ntop|htons|htonl|ntohs|ntohl)$"
allow="$allow|^(floor|ceil|fabs|round|lround|trunc|sqrt|pow|log|log2|exp|fmod|modf|frexp|ldexp)f?$"
allow="$allow|^(HMAC|EVP_sha1|CRYPTO_memcmp|OPENSSL_cleanse)$"	# ses: HMAC-SHA1 (libcrypto)
allow="$allow|^(EVP_[A-Za-z0-9_]+|OSSL_DECODER_[A-Za-z_]+|d2i_PUBKEY|d2i_PublicKey|ERR_clear_error)$"	# dkim: digests, signatures, keys (libcrypto)
allow="$allow|^(abort|__assert_fail|__errno_location|__stack_chk_fail|__stack_chk_guard|_GLOBAL_OFFSET_TABLE_)$"
allow="$allow|^__(mem(cpy|move|set)|explicit_bzero)_chk$"
allow="$allow|^__(asan|ubsan|sanitizer|sancov|lsan)_"
allow="$allow|^__(mul|div|mod|udiv|umod|ashl|ashr|lshr)[a-z]*[0-9]$"

defined=$(mktemp)
trap 'rm -f "$defined"' EXIT
for a in $pure $deps; do
	nm --defined-only "$a" | awk 'NF == 3 && $2 ~ /[TDRBCVW]/ { print $3 }'
done | sort -u >"$defined"

bad=0
for a in $pure; do
	n=0
	out=$(nm -u "$a" | awk '
		/:$/ { member = substr($0, 1, length($0) - 1); next }
		NF == 2 { print $2, member }' | sort -u | {
		while read -r sym member; do
			if grep -qxF "$sym" "$defined"; then
				case $sym in
				msg_panic) ;;
				msg_*) echo "$a: $member: logs through $sym" ;;
				esac
				continue
			fi
			if ! printf '%s\n' "$sym" | grep -Eq "$allow"; then
				echo "$a: $member: uses $sym"
			fi
		done
	})
	if [ -n "$out" ]; then
		printf '%s\n' "$out" >&2
		bad=1
	else
		n=$(nm -u "$a" | awk 'NF == 2' | sort -u | wc -l)
		echo "lint-pure: $a: clean ($n undefined symbols checked)"
	fi
done
if [ $bad != 0 ]; then
	echo "lint-pure: a pure module may not open files, read the clock or" \
	    "the environment, log or exit (doc/architecture.md)" >&2
	exit 1
fi
