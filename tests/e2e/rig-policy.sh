#!/bin/bash
# NAME
#	rig-policy.sh - the trivial policy server of tests/e2e/t_rig.sh
# SYNOPSIS
#	rig-policy.sh [ACTION]
# DESCRIPTION
#	Speaks the Postfix policy protocol on stdin/stdout, as spawn(8) runs
#	it: reads requests (name=value lines up to an empty line) and answers
#	each with "action=ACTION" (default "PREPEND X-Rig: ok"), until EOF.
#	Handles at most 1000 requests per connection.
# SEE ALSO
#	tests/e2e/rig.sh, spawn(8), SMTPD_POLICY_README.
action=${1:-PREPEND X-Rig: ok}
n=0
while [ "$n" -lt 1000 ] && IFS= read -r line; do
	line=${line%$'\r'}
	if [ -z "$line" ]; then
		printf 'action=%s\n\n' "$action"
		n=$((n + 1))
	fi
done
