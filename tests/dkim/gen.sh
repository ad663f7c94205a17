#!/bin/sh
# gen.sh - make the DKIM interop corpus again: tests/dkim/corpus/NAME.eml,
# its zone and expect (see tests/dkim/corpus/README).
#
# Needs Debian's python3-dkim and python3-nacl (run with /usr/bin/python3,
# not another python3 on PATH), libmail-dkim-perl, opendkim and openssl.
# Keys are tests/dkim/keys/*.pem, made with openssl only when missing, so
# that dkimpy's and Mail::DKIM's signatures come out the same again;
# OpenDKIM stamps t= with the current time.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
for p in python3-dkim python3-nacl libmail-dkim-perl opendkim openssl; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
		echo "gen.sh: needs the Debian package $p" >&2
		exit 1
	fi
done
/usr/bin/python3 "$here/corpus.py" gen "$here/corpus"
echo "gen.sh: $(grep -vc '^#' "$here/corpus/expect") messages in $here/corpus"
