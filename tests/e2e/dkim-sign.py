# NAME
#	dkim-sign.py - an independent DKIM signer for tests/e2e/t_dkim.sh
# SYNOPSIS
#	python3 tests/e2e/dkim-sign.py keygen-ed25519 PRIVATE-FILE
#	python3 tests/e2e/dkim-sign.py sign KEY-FILE DOMAIN SELECTOR ALGO
#	    [CANON [LENGTH [HEADERS]]] <MESSAGE >SIGNED
# DESCRIPTION
#	Debian's dkimpy (python3-dkim; ed25519 through python3-nacl), not
#	rmxf's code, signs the test messages, so that rmxf, OpenDKIM and
#	the signer are three implementations.
#
#	keygen-ed25519 writes a new ed25519 key to PRIVATE-FILE (base64 of
#	the 32-octet seed, dkimpy's format) and prints the base64 public key
#	for the key record's p=.  RSA keys are made with openssl(1).
#
#	sign reads a message with LF (or CRLF) line ends, signs its CRLF
#	form with KEY-FILE as d=DOMAIN s=SELECTOR a=ALGO (rsa-sha256,
#	rsa-sha1, ed25519-sha256), CANON "header/body" (default
#	relaxed/relaxed), l= when LENGTH is "l", h= the comma-separated
#	HEADERS (default: dkimpy's list), and writes the DKIM-Signature
#	field and the message with LF line ends (swaks sends CRLF).
# SEE ALSO
#	tests/e2e/t_dkim.sh, RFC 6376, RFC 8463.
import base64
import sys

import dkim


def keygen_ed25519(path):
    """keygen_ed25519 - a new ed25519 key; print its public half"""
    import nacl.signing
    key = nacl.signing.SigningKey.generate()
    with open(path, "wb") as f:
        f.write(base64.b64encode(bytes(key)) + b"\n")
    print(base64.b64encode(bytes(key.verify_key)).decode())


def sign(keyfile, domain, selector, algo, canon="relaxed/relaxed",
         length="", headers=""):
    """sign - the message on stdin, signed, on stdout"""
    with open(keyfile, "rb") as f:
        key = f.read()
    if algo.startswith("ed25519"):
        key = key.strip()
    msg = sys.stdin.buffer.read().replace(b"\r\n", b"\n")
    msg = msg.replace(b"\n", b"\r\n")
    hc, _, bc = canon.partition("/")
    include = None
    if headers:
        include = [h.encode() for h in headers.split(",")]
    sig = dkim.sign(msg, selector.encode(), domain.encode(), key,
                    canonicalize=(hc.encode(), (bc or hc).encode()),
                    signature_algorithm=algo.encode(),
                    include_headers=include, length=(length == "l"))
    out = (sig + msg).replace(b"\r\n", b"\n")
    sys.stdout.buffer.write(out)


def main(argv):
    """main - dispatch on the subcommand"""
    if len(argv) == 3 and argv[1] == "keygen-ed25519":
        keygen_ed25519(argv[2])
        return 0
    if 6 <= len(argv) <= 9 and argv[1] == "sign":
        sign(*argv[2:])
        return 0
    sys.stderr.write(__doc__ or "usage: see the header of dkim-sign.py\n")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
