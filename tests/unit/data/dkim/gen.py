#!/usr/bin/python3
# NAME
#	gen.py - make the DKIM unit-test fixtures with an independent signer
# SYNOPSIS
#	/usr/bin/python3 tests/unit/data/dkim/gen.py
# DESCRIPTION
#	Signs the messages tests/unit/test_dkim.c verifies with dkimpy
#	(Debian python3-dkim), and writes the zone that publishes the keys
#	(doc/zone-format.md).  The keys are made once with openssl genpkey
#	(keys/*.pem, kept in the repository so that a rerun signs with the
#	same keys); the clock is fixed at T0 so that t= and x= are the same
#	on every run.  Signatures that dkimpy's sign() cannot express (x=,
#	an i= in a subdomain) are made with dkimpy's own header generator
#	and an extra tag; dkimpy does all the hashing and signing.
#	Outputs: msgs/NAME.eml (CRLF line ends), zone.txt, and dkimpy.txt:
#	dkimpy's own verdict on each message's first signature at T0.
import base64
import os
import subprocess
import sys
import time

import dkim
from dkim.canonicalization import CanonicalizationPolicy
from dkim.crypto import parse_pem_private_key

T0 = 1765000000
time.time = lambda: T0
HERE = os.path.dirname(os.path.abspath(__file__))
KEYS = os.path.join(HERE, "keys")
MSGS = os.path.join(HERE, "msgs")

BODY = (b"Hello,\r\n"
        b"\r\n"
        b"This  body has\tdouble  spaces, tabs\t \r\n"
        b"  and a line that starts with blanks.   \r\n"
        b"\r\n"
        b"-- \r\n"
        b"the end\r\n"
        b"\r\n"
        b"\r\n")

HEADERS = (b"Received: from mx.example.org (mx.example.org [192.0.2.1])\r\n"
           b"\tby rx.example.net; Mon, 1 Dec 2025 10:00:00 +0000\r\n"
           b"From: Alice Example <alice@example.com>\r\n"
           b"To: bob@example.net\r\n"
           b"Subject: a test\r\n"
           b"  of folding,  with   blanks\r\n"
           b"Date: Mon, 1 Dec 2025 10:00:00 +0000\r\n"
           b"Message-ID: <t1@example.com>\r\n")

SIGNED = [b"from", b"to", b"subject", b"date", b"message-id"]


def key(name, algo, bits=None):
    """Make a key once with openssl; return the PEM private key."""
    path = os.path.join(KEYS, name + ".pem")
    if not os.path.exists(path):
        os.makedirs(KEYS, exist_ok=True)
        cmd = ["openssl", "genpkey", "-algorithm", algo, "-out", path]
        if bits:
            cmd += ["-pkeyopt", "rsa_keygen_bits:%d" % bits]
        subprocess.run(cmd, check=True)
    return open(path, "rb").read()


def der(pem, pub):
    args = ["openssl", "pkey", "-outform", "DER"] + (["-pubout"] if pub
                                                     else [])
    return subprocess.run(args, input=pem, check=True,
                          capture_output=True).stdout


def ed_private(pem):
    return base64.b64encode(der(pem, False)[-32:])


def pub_b64(pem, ed):
    d = der(pem, True)
    return base64.b64encode(d[-32:] if ed else d).decode()


def sign(msg, sel, pem, alg=b"rsa-sha256", canon=(b"relaxed", b"relaxed"),
         headers=SIGNED, length=False, extra=(), identity=None):
    """dkimpy's DKIM.sign, with extra tags before h=."""
    d = dkim.DKIM(msg, signature_algorithm=alg, minkey=512)
    if alg == b"ed25519-sha256":
        import nacl.signing
        import nacl.encoding
        pk = nacl.signing.SigningKey(ed_private(pem),
                                     encoder=nacl.encoding.Base64Encoder)
    else:
        pk = parse_pem_private_key(pem)
    policy = CanonicalizationPolicy.from_c_value(b"/".join(canon))
    body = policy.canonicalize_body(d.body)
    d.hasher = dkim.HASH_ALGORITHMS[alg]
    h = d.hasher()
    h.update(body)
    fields = [(b"v", b"1"), (b"a", alg), (b"c", policy.to_c_value()),
              (b"d", b"example.com"), (b"i", identity or b"@example.com")]
    if length:
        fields.append((b"l", str(len(body)).encode()))
    fields += [(b"q", b"dns/txt"), (b"s", sel),
               (b"t", str(T0).encode())] + list(extra)
    fields += [(b"h", b" : ".join(headers)),
               (b"bh", base64.b64encode(h.digest())), (b"b", b"0" * 60)]
    return b"DKIM-Signature: " + d.gen_header(fields, tuple(headers),
                                              policy, b"DKIM-Signature", pk)


def write(name, sigs, headers=HEADERS, body=BODY):
    os.makedirs(MSGS, exist_ok=True)
    with open(os.path.join(MSGS, name + ".eml"), "wb") as f:
        f.write(b"".join(sigs) + headers + b"\r\n" + body)


def txt(name, record):
    parts = [record[i:i + 200] for i in range(0, len(record), 200)] or [""]
    return "%s TXT %s\n" % (name, " ".join('"%s"' % p for p in parts))


def main():
    rsa = key("rsa2048", "RSA", 2048)
    ed = key("ed25519", "ED25519")
    short = key("rsa512", "RSA", 512)
    msg = HEADERS + b"\r\n" + BODY
    K = "._domainkey.example.com"
    zone = ["# made by gen.py from keys/*.pem; see there\n",
            txt("rsa" + K, "v=DKIM1; k=rsa; p=" + pub_b64(rsa, False)),
            txt("ed" + K, "v=DKIM1; k=ed25519; p=" + pub_b64(ed, True)),
            txt("short" + K, "v=DKIM1; p=" + pub_b64(short, False)),
            txt("revoked" + K, "v=DKIM1; k=rsa; p="),
            txt("strict" + K, "v=DKIM1; t=s; p=" + pub_b64(rsa, False)),
            txt("sha1only" + K, "v=DKIM1; h=sha1; p=" + pub_b64(rsa, False)),
            txt("testing" + K, "v=DKIM1; t=y; p=" + pub_b64(rsa, False)),
            txt("svc" + K, "v=DKIM1; s=other; p=" + pub_b64(rsa, False)),
            txt("mismatch" + K, "v=DKIM1; k=ed25519; p=" + pub_b64(ed, True)),
            txt("two" + K, "not a key record"),
            txt("two" + K, "v=DKIM1; p=" + pub_b64(rsa, False)),
            "broken%s SERVFAIL\n" % K]
    with open(os.path.join(HERE, "zone.txt"), "w") as f:
        f.write("".join(zone))
    for c in ((b"simple", b"simple"), (b"relaxed", b"relaxed"),
              (b"relaxed", b"simple"), (b"simple", b"relaxed")):
        n = "%s-%s" % (c[0].decode()[0], c[1].decode()[0])
        write("rsa-" + n, [sign(msg, b"rsa", rsa, canon=c)])
        write("ed-" + n, [sign(msg, b"ed", ed, alg=b"ed25519-sha256",
                               canon=c)])
    write("len", [sign(msg, b"rsa", rsa, canon=(b"relaxed", b"simple"),
                       length=True)])
    write("over", [sign(msg, b"rsa", rsa, headers=[b"from", b"from", b"to",
                                                    b"subject", b"date"])])
    write("sha1", [sign(msg, b"rsa", rsa, alg=b"rsa-sha1")])
    write("short", [sign(msg, b"short", short)])
    write("revoked", [sign(msg, b"revoked", rsa)])
    write("expire", [sign(msg, b"rsa", rsa, extra=[(b"x", b"%d" %
                                                     (T0 + 3600))])])
    write("strict", [sign(msg, b"strict", rsa,
                          identity=b"alice@mail.example.com")])
    write("sub", [sign(msg, b"rsa", rsa, identity=b"alice@mail.example.com")])
    write("keyh", [sign(msg, b"sha1only", rsa)])
    write("nokey", [sign(msg, b"missing", rsa)])
    write("servfail", [sign(msg, b"broken", rsa)])
    write("two", [sign(msg, b"two", rsa)])
    write("testing", [sign(msg, b"testing", rsa)])
    write("svc", [sign(msg, b"svc", rsa)])
    write("mismatch", [sign(msg, b"mismatch", rsa)])
    write("multi", [sign(msg, b"ed", ed, alg=b"ed25519-sha256"),
                    sign(msg, b"rsa", rsa, canon=(b"simple", b"simple")),
                    sign(msg, b"missing", rsa)])
    write("empty", [sign(HEADERS + b"\r\n", b"rsa", rsa,
                         canon=(b"relaxed", b"relaxed")),
                    sign(HEADERS + b"\r\n", b"ed", ed,
                         alg=b"ed25519-sha256", canon=(b"simple", b"simple"))],
          body=b"")
    # dkimpy's own verdict on each message's first signature, at T0,
    # with the keys above (a name's first record; SERVFAIL as no key)
    recs = {}
    for line in zone[1:]:
        f = line.split(" ", 2)
        if f[1] == "TXT" and f[0] not in recs:
            recs[f[0]] = "".join(f[2].strip()[1:-1].split('" "'))
    out = []
    for n in sorted(os.listdir(MSGS)):
        m = open(os.path.join(MSGS, n), "rb").read()
        try:
            ok = "pass" if dkim.verify(m, minkey=1024, dnsfunc=lambda q,
                                       timeout=5: recs.get(
                                           q.decode().rstrip("."),
                                           "").encode()) else "fail"
        except Exception as e:  # dkimpy raises on an ed25519 key for rsa
            ok = "exception " + type(e).__name__
        out.append("%s %s\n" % (n, ok))
    with open(os.path.join(HERE, "dkimpy.txt"), "w") as f:
        f.write("".join(out))


if __name__ == "__main__":
    main()
