#!/usr/bin/python3
# NAME
#	gen.py - the DKIM + DMARC benchmark's message set, keys and zone
# SYNOPSIS
#	/usr/bin/python3 bench/dkim/gen.py [--domains N] [--messages N]
#	    [--keys N] [--seed N] OUTDIR
# DESCRIPTION
#	Writes, under OUTDIR, a set of signed messages that looks like the
#	mail an MX receives from many bulk and person-to-person senders,
#	and the DNS data that verifies them:
#
#	keys/kNNNN.pem	--keys RSA-2048 keys (1000 by default: one per
#			domain), made once (OpenSSL, through
#			python3-cryptography, on every CPU) and kept: RSA key
#			generation cannot be seeded, and takes 0.2 to 1 s a
#			key here, so the keys are reused from run to run while
#			they are there.  Domain k publishes key k modulo
#			--keys: fewer keys than domains make records with the
#			same octets, which a cache of parsed keys keyed by the
#			record (rmxfd's) finds again;
#	dkim.zone	for build/tests/dnsd and dns_zone_load(): per domain
#			its SPF record, "_dmarc" record, the RSA key at
#			"rsa._domainkey" and the ed25519 key at
#			"ed._domainkey" (RFC 8463; made from the seed, so the
#			same every time), A of its mail host;
#	msg/NNNNN.eml	the messages, CRLF line ends, header then body;
#	index		one line per message: file, client address, HELO
#			name, MAIL FROM, the DKIM results expected (one per
#			signature, comma separated), the DMARC result expected.
#
#	--domains signing domains dNNNN.bench (1000 by default),
#	--messages messages (2000), each domain in turn in a shuffled
#	order.  The shape of the set, drawn with random.Random(--seed, 18
#	by default): rsa-sha256 alone 80%, ed25519-sha256 and
#	rsa-sha256 both 10% (as senders sign with both), ed25519-sha256
#	alone 10%; c=relaxed/relaxed 85%, relaxed/simple 10%,
#	simple/simple 5%; From in the signing domain 80%, in a subdomain
#	of it 20% (relaxed alignment, DMARC's tree walk to the parent);
#	the From field oversigned 30%; bodies of 2 to 50 KB, log-uniform,
#	plain text, half of those over 8 KB multipart with an HTML part or a
#	base64 attachment.  SPF passes for every message: the client
#	address is in the sender's record, direct or (30% of the domains)
#	through the include of a shared sending service, mailhost.bench.
#	70% of those domains' messages come with a MAIL FROM of the service
#	itself (bounces-K@mailhost.bench, as bulk senders' do): SPF passes
#	but does not align, so DMARC passes there only through the aligned
#	DKIM signature (for OpenDMARC: only through OpenDKIM's
#	Authentication-Results field).  3% of the other messages are
#	altered after signing (one body line): DKIM fails, DMARC passes
#	through aligned SPF.  So every message's DMARC result is pass; the
#	policies are p=none 50%, quarantine 25%, reject 25%.  t= is a fixed
#	time, so the same keys give the same files.
#
#	Benchmarks print figures: the exit status says whether the set
#	could be made, not how fast anything was.
# DIAGNOSTICS
#	Exit 0 when written, 1 on error (a missing module: python3-dkim,
#	python3-nacl, python3-cryptography).
# SEE ALSO
#	bench/dkim/run.sh, bench/bench_milter.c, doc/benchmarks.md,
#	RFC 6376, RFC 8463, RFC 9989
import argparse
import base64
import hashlib
import multiprocessing
import os
import random
import sys
import time

try:
    import dkim
    import nacl.signing
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
except ImportError as e:
    sys.exit("gen.py: %s (python3-dkim, python3-nacl, "
             "python3-cryptography)" % e)

SIGN_TIME = 1796601600          # t=: 2026-12-07 00:00 UTC
RSA_BITS = 2048
TXT_CHUNK = 255                 # RFC 1035 3.3: one character-string
MIN_BODY = 2 * 1024
MAX_BODY = 50 * 1024
MULTIPART_OVER = 8 * 1024
LINE = 72                       # text line length, at most
B64_LINE = 76
SHARED_SPF = "_spf.mailhost.bench"
SERVICE = "mailhost.bench"       # the shared sending service's domain
SHARED_NETS = "198.51.100.0/24"
RX = "rx.example.org"
WORDS = ("account after again agenda also answer april archive area "
         "attached august before below best board budget call can cancel "
         "change check city client close coffee contact copy cost "
         "customer date deadline delivery design details draft early "
         "email end event every family file final find first follow "
         "form free friday garden good group have help here holiday "
         "home hotel idea invoice issue join july june just know last "
         "later leave letter like list local look make march meeting "
         "message minutes monday month more morning need network news "
         "next note notice number offer office order order page paper "
         "payment people plan please point price print project question "
         "quick read receipt regards release report request review room "
         "sale schedule school season send service share shop short "
         "since site small soon start status still store subject summer "
         "support sure table team thanks that this thursday ticket time "
         "today tomorrow travel tuesday update user version visit wait "
         "week weekend welcome when with work write year your").split()


def b64_lines(data, width):
    """Text in lines of WIDTH characters."""
    s = base64.b64encode(data).decode()
    return [s[i:i + width] for i in range(0, len(s), width)]


def text_lines(rnd, size):
    """Lines of words making about SIZE octets, paragraphs between."""
    lines, total, line = [], 0, []
    while total < size:
        w = rnd.choice(WORDS)
        if len(" ".join(line + [w])) > LINE:
            text = " ".join(line)
            lines.append(text)
            total += len(text) + 2
            line = []
            if rnd.random() < 0.15:
                lines.append("")
                total += 2
        line.append(w)
    if line:
        lines.append(" ".join(line))
    return lines


def body_of(rnd, size, boundary):
    """A body of about SIZE octets: its lines, and its Content-Type."""
    if size <= MULTIPART_OVER or rnd.random() < 0.5:
        return text_lines(rnd, size), "text/plain; charset=utf-8"
    lines = ["This is a multi-part message in MIME format.", "",
             "--" + boundary, "Content-Type: text/plain; charset=utf-8",
             "Content-Transfer-Encoding: 7bit", ""]
    part = text_lines(rnd, size // 3)
    lines += part + ["", "--" + boundary]
    if rnd.random() < 0.5:
        lines += ["Content-Type: text/html; charset=utf-8",
                  "Content-Transfer-Encoding: 7bit", "", "<html><body>"]
        lines += ["<p>%s</p>" % l if l else "" for l in
                  text_lines(rnd, size - size // 3 - 200)]
        lines += ["</body></html>"]
    else:
        lines += ["Content-Type: application/pdf; name=\"report.pdf\"",
                  "Content-Transfer-Encoding: base64",
                  "Content-Disposition: attachment; "
                  "filename=\"report.pdf\"", ""]
        raw = (size - size // 3 - 200) * 3 // 4
        lines += b64_lines(rnd.randbytes(max(raw, 48)), B64_LINE)
    lines += ["", "--" + boundary + "--", ""]
    return lines, 'multipart/mixed; boundary="%s"' % boundary


def make_key(path):
    """One RSA key in PEM (PKCS#1), written to PATH."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)
    pem = key.private_bytes(serialization.Encoding.PEM,
                            serialization.PrivateFormat.TraditionalOpenSSL,
                            serialization.NoEncryption())
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(pem)
    os.rename(tmp, path)


def rsa_keys(out, nkeys):
    """NKEYS RSA keys, made where missing: a list of PEM."""
    os.makedirs(os.path.join(out, "keys"), exist_ok=True)
    paths = [os.path.join(out, "keys", "k%04d.pem" % k)
             for k in range(nkeys)]
    missing = [p for p in paths if not os.path.exists(p)]
    if missing:
        print("gen.py: making %d RSA-%d keys (kept in %s)" %
              (len(missing), RSA_BITS, os.path.join(out, "keys")), flush=True)
        with multiprocessing.Pool(os.cpu_count() or 1) as pool:
            pool.map(make_key, missing, chunksize=8)
    keys = []
    for p in paths:
        with open(p, "rb") as f:
            keys.append(f.read())
    return keys


def rsa_public(pem):
    """The p= of an RSA key: its SubjectPublicKeyInfo, base64."""
    key = serialization.load_pem_private_key(pem, password=None)
    der = key.public_key().public_bytes(
        serialization.Encoding.DER,
        serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(der).decode()


def ed_key(name):
    """The ed25519 key of a domain from its seed: (private, p=), base64."""
    seed = hashlib.sha256(b"rmxf bench ed25519 " + name.encode()).digest()
    sk = nacl.signing.SigningKey(seed)
    return (base64.b64encode(seed),
            base64.b64encode(bytes(sk.verify_key)).decode())


def txt(value):
    """A zone TXT record of one value, split into character-strings."""
    return " ".join('"%s"' % value[i:i + TXT_CHUNK]
                    for i in range(0, len(value), TXT_CHUNK))


class Domain:
    """One signing domain and its DNS data."""

    def __init__(self, rnd, k, name, pem):
        self.name = name
        self.pem = pem
        self.ed_priv, self.ed_pub = ed_key(name)
        self.shared = rnd.random() < 0.3
        self.client = ("198.51.100.%d" % (1 + k % 250) if self.shared else
                       "203.0.113.%d" % (1 + k % 250))
        self.policy = rnd.choices(["none", "quarantine", "reject"],
                                  [50, 25, 25])[0]

    def zone(self):
        """Its records, as zone lines."""
        spf = ("v=spf1 include:%s -all" % SHARED_SPF if self.shared else
               "v=spf1 ip4:%s -all" % self.client)
        return [
            "%s\tTXT\t%s" % (self.name, txt(spf)),
            "mail.%s\tA\t%s" % (self.name, self.client),
            "_dmarc.%s\tTXT\t%s" % (self.name, txt(
                "v=DMARC1; p=%s; rua=mailto:dmarc@%s" %
                (self.policy, self.name))),
            "rsa._domainkey.%s\tTXT\t%s" % (self.name, txt(
                "v=DKIM1; k=rsa; p=" + rsa_public(self.pem))),
            "ed._domainkey.%s\tTXT\t%s" % (self.name, txt(
                "v=DKIM1; k=ed25519; p=" + self.ed_pub)),
        ]


def headers_of(rnd, k, dom, author, ctype, oversign):
    """The header fields of message K (name, value), and h= to sign."""
    date = time.strftime("%a, %d %b %Y %H:%M:%S +0000",
                         time.gmtime(SIGN_TIME + 60 + k))
    fields = [
        ("From", '"%s %s" <%s@%s>' % (rnd.choice(WORDS).title(),
                                       rnd.choice(WORDS).title(),
                                       rnd.choice(WORDS), author)),
        ("To", "<user%d@%s>" % (k % 100, RX)),
        ("Subject", " ".join(rnd.choice(WORDS) for _ in
                             range(rnd.randint(3, 9)))),
        ("Date", date),
        ("Message-ID", "<%d.%08x@%s>" % (k, rnd.getrandbits(32), author)),
        ("MIME-Version", "1.0"),
        ("Content-Type", ctype),
    ]
    sign = ["from", "to", "subject", "date", "message-id", "mime-version",
            "content-type"]
    if rnd.random() < 0.4:
        fields.append(("List-Unsubscribe", "<mailto:unsub-%d@%s>" %
                       (k, dom.name)))
        sign.append("list-unsubscribe")
    if oversign:
        sign.append("from")
    return fields, sign


def sign_one(msg, dom, alg, canon, sign):
    """The DKIM-Signature field (bytes, CRLF at its end) of MSG."""
    if alg == "ed25519-sha256":
        sel, key = b"ed", dom.ed_priv
    else:
        sel, key = b"rsa", dom.pem
    return dkim.sign(msg, sel, dom.name.encode(), key,
                     canonicalize=tuple(c.encode() for c in canon),
                     signature_algorithm=alg.encode(),
                     include_headers=[h.encode() for h in sign],
                     linesep=b"\r\n")


def message(rnd, k, dom):
    """Message K of domain DOM: (octets, index fields)."""
    author = dom.name if rnd.random() < 0.8 else "news." + dom.name
    size = int(MIN_BODY * (MAX_BODY / MIN_BODY) ** rnd.random())
    lines, ctype = body_of(rnd, size, "=_b%08x" % rnd.getrandbits(32))
    fields, sign = headers_of(rnd, k, dom, author, ctype,
                              rnd.random() < 0.3)
    head = "".join("%s: %s\r\n" % (n, v.replace("\n", "\r\n"))
                   for n, v in fields)
    body = "\r\n".join(lines) + "\r\n"
    msg = (head + "\r\n" + body).encode()
    r = rnd.random()
    algs = (["rsa-sha256"] if r < 0.8 else
            ["ed25519-sha256", "rsa-sha256"] if r < 0.9 else
            ["ed25519-sha256"])
    r = rnd.random()
    canon = (("relaxed", "relaxed") if r < 0.85 else
             ("relaxed", "simple") if r < 0.95 else ("simple", "simple"))
    sigs = b""
    for alg in algs:
        sigs = sign_one(msg, dom, alg, canon, sign) + sigs
    # the sending side's submission hop on top (the receiving Postfix
    # passes no trace field of its own to its Milters)
    date = time.strftime("%a, %d %b %Y %H:%M:%S +0000",
                         time.gmtime(SIGN_TIME + 61 + k))
    msg = ("Received: from client.%s (unknown [10.%d.%d.%d])\r\n\tby "
           "mail.%s (Postfix) with ESMTPSA id %05X\r\n\tfor <user%d@%s>; "
           "%s\r\n" % (dom.name, k >> 16 & 255, k >> 8 & 255, k & 255,
                        dom.name, k, k % 100, RX, date)).encode() + sigs + msg
    expect = "pass"
    if dom.shared and rnd.random() < 0.7:
        mailfrom = "bounces-%d@%s" % (k, SERVICE)      # SPF not aligned
    else:
        mailfrom = "bounce-%d@%s" % (k, dom.name)
        if rnd.random() < 0.03:
            # one body line altered after signing: the body hash fails
            at = msg.index(b"\r\n\r\n") + 4
            msg = msg[:at] + b"X" + msg[at:]
            expect = "fail"
    return msg, [dom.client, "mail." + dom.name, mailfrom,
                 ",".join([expect] * len(algs)), "pass"]


def main():
    """Write the keys, the zone and the messages."""
    ap = argparse.ArgumentParser(prog="gen.py")
    ap.add_argument("--domains", type=int, default=1000)
    ap.add_argument("--messages", type=int, default=2000)
    ap.add_argument("--keys", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=18)
    ap.add_argument("outdir")
    a = ap.parse_args()
    if a.domains < 1 or a.messages < 1 or a.keys < 1:
        sys.exit("gen.py: --domains, --messages, --keys: at least 1")
    out = a.outdir
    time.time = lambda: SIGN_TIME       # t= of every signature
    rnd = random.Random(a.seed)
    keys = rsa_keys(out, min(a.keys, a.domains))
    doms = [Domain(rnd, k, "d%04d.bench" % k, keys[k % len(keys)])
            for k in range(a.domains)]
    with open(os.path.join(out, "dkim.zone.tmp"), "w") as f:
        f.write("# dkim.zone - written by bench/dkim/gen.py; "
                "doc/zone-format.md\n")
        f.write("%s\tTXT\t%s\n" % (SHARED_SPF, txt(
            "v=spf1 ip4:%s -all" % SHARED_NETS)))
        f.write("%s\tTXT\t%s\n" % (SERVICE, txt(
            "v=spf1 include:%s -all" % SHARED_SPF)))
        for d in doms:
            f.write("\n".join(d.zone()) + "\n")
    os.rename(os.path.join(out, "dkim.zone.tmp"),
              os.path.join(out, "dkim.zone"))
    os.makedirs(os.path.join(out, "msg"), exist_ok=True)
    order = []
    index = []
    for k in range(a.messages):
        if not order:
            order = list(range(a.domains))
            rnd.shuffle(order)
        dom = doms[order.pop()]
        msg, fields = message(rnd, k, dom)
        name = "%05d.eml" % k
        with open(os.path.join(out, "msg", name), "wb") as f:
            f.write(msg)
        index.append(" ".join([name] + fields))
    with open(os.path.join(out, "index.tmp"), "w") as f:
        f.write("\n".join(index) + "\n")
    os.rename(os.path.join(out, "index.tmp"), os.path.join(out, "index"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
