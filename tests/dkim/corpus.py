#!/usr/bin/python3
"""corpus.py - the DKIM interop corpus: generate it, and verify it.

SYNOPSIS
    corpus.py gen DIR            sign every case, write DIR/NAME.eml,
                                 DIR/zone and DIR/expect
    corpus.py verify VERIFIER DIR NAME...
                                 print VERIFIER's verdicts, one line a
                                 message: NAME V1 V2 ... (one per
                                 DKIM-Signature, in header order; "none"
                                 when the message has none)

DESCRIPTION
    The signers are dkimpy (Debian python3-dkim, in this process),
    Mail::DKIM::Signer (mdkim.pl) and OpenDKIM's opendkim in test mode
    (-t).  The verifiers are the same three: dkimpy's DKIM.verify with a
    dnsfunc answering from the zone, Mail::DKIM::Verifier with its DNS
    lookups answered from the zone (mdkim.pl), and opendkim -t with
    TestPublicKeys.  Each verifier's outcome is mapped onto the RFC 8601
    names as README explains.

    The keys are tests/dkim/keys/*.pem (made with openssl when missing).
    The signers that take a clock (dkimpy, Mail::DKIM) sign with
    t=SIGN_TIME; OpenDKIM stamps the current time.  RSA PKCS#1 v1.5 and
    Ed25519 signatures are deterministic, so only OpenDKIM's messages
    change when the corpus is made again.

    Must run with Debian's /usr/bin/python3 (python3-dkim, python3-nacl).
"""

import base64
import os
import re
import subprocess
import sys
import tempfile
import time

import dkim
import nacl.signing

HERE = os.path.dirname(os.path.abspath(__file__))
KEYS = os.path.join(HERE, 'keys')
SIGN_TIME = 1764547200          # 2025-12-01T00:00:00Z, t= of every signature
EXPIRED_T = 1577836800          # 2020-01-01T00:00:00Z
EXPIRED_X = 1577923200          # a day later
TXT_CHUNK = 250                 # octets per TXT character-string (max 255)
RESULTS = ('pass', 'fail', 'neutral', 'policy', 'permerror', 'temperror',
           'none')
VERIFIERS = ('dkimpy', 'mail-dkim', 'opendkim')
SIGNERS = ('dkimpy', 'mail-dkim', 'opendkim')
IP = '192.0.2.1'


# ---------------------------------------------------------------- keys

def key_path(name):
    """key_path - the PEM file of key NAME, made with openssl if missing"""
    path = os.path.join(KEYS, name + '.pem')
    if not os.path.exists(path):
        os.makedirs(KEYS, exist_ok=True)
        if name.startswith('ed25519'):
            cmd = ['openssl', 'genpkey', '-algorithm', 'ed25519', '-out', path]
        else:
            bits = re.match(r'rsa(\d+)', name).group(1)
            cmd = ['openssl', 'genrsa', '-traditional', '-out', path, bits]
        subprocess.run(cmd, check=True, stderr=subprocess.DEVNULL)
    return path


def key_der(name, public):
    """key_der - the DER of key NAME, private or public"""
    cmd = ['openssl', 'pkey', '-in', key_path(name), '-outform', 'DER']
    if public:
        cmd.append('-pubout')
    return subprocess.run(cmd, check=True, capture_output=True).stdout


def key_p(name):
    """key_p - the p= value of key NAME (RFC 6376 3.6.1, RFC 8463 4)"""
    der = key_der(name, True)
    if name.startswith('ed25519'):
        der = der[-32:]                 # the raw public key
    return base64.b64encode(der).decode()


def ed25519_seed_b64(name):
    """ed25519_seed_b64 - the 32-octet private seed, base64 (for dkimpy)"""
    return base64.b64encode(key_der(name, False)[-32:])


# ---------------------------------------------------------------- cases

def message(case, d, subject=None, body=None, extra=()):
    """message - the unsigned message of CASE from D, CRLF line ends"""
    subject = subject or 'Interop  case \t%s ' % case
    if body is None:
        body = ('Hello,\r\n\r\nthis is  case %s\t of the corpus.  \r\n'
                'Trailing blanks and empty lines follow. \t\r\n\r\n\r\n'
                % case)
    hdr = ['From: Sender <user@%s>' % d,
           'To: rcpt@rmxf.example',
           'Subject: %s' % subject,
           'Date: Mon, 01 Dec 2025 00:00:00 +0000',
           'Message-ID: <%s@%s>' % (case, d),
           'MIME-Version: 1.0',
           'Content-Type:   text/plain;  charset=us-ascii']
    hdr.extend(extra)
    return ('\r\n'.join(hdr) + '\r\n\r\n' + body).encode()


LONG_SUBJECT = ('A long subject that is folded over several lines,\r\n'
                '\tso that unfolding,\r\n   whitespace runs   and relaxed\r\n'
                ' canonicalization all matter ' + 'x' * 120)
LONG_REFS = 'References: ' + '\r\n '.join(
    '<%d.thread-%s@lists.example>' % (i, 'r' * 40) for i in range(12))

# Each case: name, signers, sign options, zone options, changes after
# signing, and the verdict RFC 6376/8301/8463 give per signature.
# sign: key, a (algorithm), c (canonicalization), os (oversign From and
# Subject), l (body length), i (identity), x (expired), extra (second
# signature: key to sign with).  key record: kv (tags before p=), p
# ('' = revoked), missing (no record: NXDOMAIN), servfail.
CASES = [
    ('rsa1024-rr', SIGNERS, dict(key='rsa1024', c='relaxed/relaxed'), {},
     None, ['pass']),
    ('rsa2048-ss', SIGNERS, dict(key='rsa2048', c='simple/simple'), {},
     None, ['pass']),
    ('rsa2048-rr', SIGNERS, dict(key='rsa2048', c='relaxed/relaxed'), {},
     None, ['pass']),
    ('rsa2048-rs', SIGNERS, dict(key='rsa2048', c='relaxed/simple'), {},
     None, ['pass']),
    ('rsa2048-sr', SIGNERS, dict(key='rsa2048', c='simple/relaxed'), {},
     None, ['pass']),
    ('rsa4096-rr', SIGNERS, dict(key='rsa4096', c='relaxed/relaxed'), {},
     None, ['pass']),
    ('ed25519-rr', ('dkimpy', 'opendkim'),
     dict(key='ed25519', a='ed25519-sha256', c='relaxed/relaxed'), {},
     None, ['pass']),
    ('ed25519-ss', ('dkimpy', 'opendkim'),
     dict(key='ed25519', a='ed25519-sha256', c='simple/simple'), {},
     None, ['pass']),
    ('length-appended', ('dkimpy', 'mail-dkim'),
     dict(key='rsa2048', c='relaxed/relaxed', l=True), {},
     'append', ['pass']),
    ('oversigned', SIGNERS, dict(key='rsa2048', c='relaxed/relaxed', os=True),
     {}, None, ['pass']),
    ('oversigned-added', SIGNERS,
     dict(key='rsa2048', c='relaxed/relaxed', os=True), {},
     'add-subject', ['fail']),
    ('body-broken', SIGNERS, dict(key='rsa2048', c='relaxed/relaxed'), {},
     'body', ['fail']),
    ('unsigned-added', SIGNERS, dict(key='rsa2048', c='simple/simple'), {},
     'received', ['pass']),
    ('header-broken', SIGNERS, dict(key='rsa2048', c='relaxed/relaxed'), {},
     'header', ['fail']),
    ('expired', ('mail-dkim',), dict(key='rsa2048', c='relaxed/relaxed',
                                     x=True), {}, None, ['permerror']),
    ('rsa-sha1', SIGNERS,
     dict(key='rsa2048', a='rsa-sha1', c='relaxed/relaxed'), {},
     None, ['permerror']),
    ('rsa512', SIGNERS, dict(key='rsa512', c='relaxed/relaxed'), {},
     None, ['permerror']),
    ('revoked', SIGNERS, dict(key='rsa2048', c='relaxed/relaxed'),
     dict(p=''), None, ['permerror']),
    ('strict-subdomain', ('dkimpy', 'mail-dkim'),
     dict(key='rsa2048', c='relaxed/relaxed', i='@sub.'), dict(kv='t=s; '),
     None, ['permerror']),
    ('subdomain-i', ('dkimpy', 'mail-dkim'),
     dict(key='rsa2048', c='relaxed/relaxed', i='@sub.'), {}, None, ['pass']),
    ('key-h-sha1', SIGNERS, dict(key='rsa2048', c='relaxed/relaxed'),
     dict(kv='h=sha1; '), None, ['permerror']),
    ('k-mismatch', SIGNERS, dict(key='rsa2048', c='relaxed/relaxed'),
     dict(kv='k=ed25519; '), None, ['permerror']),
    ('no-key', SIGNERS, dict(key='rsa2048', c='relaxed/relaxed'),
     dict(missing=True), None, ['permerror']),
    ('dns-servfail', ('dkimpy',), dict(key='rsa2048', c='relaxed/relaxed'),
     dict(servfail=True), None, ['temperror']),
    ('two-sigs', SIGNERS, dict(key='rsa2048', c='relaxed/relaxed',
                               extra='rsa2048b'), {}, None, ['fail', 'pass']),
    ('folded', SIGNERS, dict(key='rsa2048', c='relaxed/relaxed',
                             folded=True), {}, None, ['pass']),
    ('folded-ss', SIGNERS, dict(key='rsa2048', c='simple/simple',
                                folded=True), {}, None, ['pass']),
    ('bare-lf', SIGNERS, dict(key='rsa2048', c='relaxed/relaxed'), {},
     'lf', ['pass']),
    ('empty-body-ss', SIGNERS, dict(key='rsa2048', c='simple/simple',
                                    body=''), {}, None, ['pass']),
    ('empty-body-rr', SIGNERS, dict(key='rsa2048', c='relaxed/relaxed',
                                    body=''), {}, None, ['pass']),
]
UNSIGNED = [('no-signature', 'none')]

# Messages whose signer made a signature that does not verify: the RFC
# verdict is that of the bytes, not of the case's intent.  OpenDKIM 2.11
# (opendkim -t) signs ed25519-sha256 with simple header canonicalization
# so that neither dkimpy nor OpenDKIM itself verifies it; with relaxed it
# does.
RFC_OVERRIDE = {'opendkim.ed25519-ss': ['fail']}


def domain_of(case, signer):
    """domain_of - the signing domain of CASE by SIGNER"""
    return '%s.%s.example' % (case, signer)


# ---------------------------------------------------------------- signers

def sign_dkimpy(msg, d, s, o):
    """sign_dkimpy - the DKIM-Signature field dkimpy makes for MSG"""
    algo = o.get('a', 'rsa-sha256')
    if algo.startswith('ed25519'):
        priv = ed25519_seed_b64(o['key'])
    else:
        with open(key_path(o['key']), 'rb') as f:
            priv = f.read()
    hs = [b'from', b'to', b'subject', b'date', b'message-id',
          b'mime-version', b'content-type']
    if o.get('folded'):
        hs.append(b'references')
    if o.get('os'):
        hs += [b'from', b'subject']
    h, b = o['c'].split('/')
    signer = dkim.DKIM(msg, signature_algorithm=algo.encode(), minkey=512)
    real = time.time
    time.time = lambda: SIGN_TIME
    try:
        ident = None
        if 'i' in o:
            ident = (o['i'] + d).encode()
        return signer.sign(s.encode(), d.encode(), priv, identity=ident,
                           canonicalize=(h.encode(), b.encode()),
                           include_headers=hs, length=o.get('l', False))
    finally:
        time.time = real


def sign_mdkim(msg, d, s, o):
    """sign_mdkim - the DKIM-Signature field Mail::DKIM makes for MSG"""
    cmd = ['perl', os.path.join(HERE, 'mdkim.pl'), 'sign',
           '--algorithm', o.get('a', 'rsa-sha256'), '--method', o['c'],
           '--domain', d, '--selector', s, '--key', key_path(o['key']),
           '--timestamp', str(SIGN_TIME)]
    if o.get('x'):
        cmd[-1] = str(EXPIRED_T)
        cmd += ['--expiration', str(EXPIRED_X)]
    if 'i' in o:
        cmd += ['--identity', o['i'] + d]
    if o.get('os'):
        cmd += ['--oversign']
    if o.get('l'):
        canon = dkim.CanonicalizationPolicy.from_c_value(o['c'].encode())
        body = msg.split(b'\r\n\r\n', 1)[1]
        cmd += ['--length', str(len(canon.canonicalize_body(body)))]
    return subprocess.run(cmd, input=msg, check=True,
                          capture_output=True).stdout


def sign_opendkim(msg, d, s, o):
    """sign_opendkim - the DKIM-Signature field opendkim -t adds to MSG"""
    with tempfile.TemporaryDirectory() as tmp:
        conf = os.path.join(tmp, 'opendkim.conf')
        path = os.path.join(tmp, 'msg.eml')
        with open(path, 'wb') as f:
            f.write(msg.replace(b'\r\n', b'\n'))
        lines = ['Mode s', 'Syslog no', 'RequireSafeKeys false',
                 'Domain ' + d, 'Selector ' + s,
                 'KeyFile ' + key_path(o['key']),
                 'Canonicalization ' + o['c'],
                 'SignatureAlgorithm ' + o.get('a', 'rsa-sha256'),
                 'MinimumKeyBits 512']
        if o.get('os'):
            lines.append('OversignHeaders From,Subject')
        with open(conf, 'w') as f:
            f.write('\n'.join(lines) + '\n')
        out = subprocess.run(['opendkim', '-x', conf, '-t', path],
                             check=True, capture_output=True).stdout
    # "opendkim: PATH:" then the field, LF line ends
    field = out.split(b'\n', 1)[1].rstrip(b'\n')
    if not field.startswith(b'DKIM-Signature:'):
        raise RuntimeError('opendkim did not sign: %r' % out)
    return field.replace(b'\r\n', b'\n').replace(b'\n', b'\r\n') + b'\r\n'


SIGN = {'dkimpy': sign_dkimpy, 'mail-dkim': sign_mdkim,
        'opendkim': sign_opendkim}


def build(case, signer, o, after):
    """build - the signed message of CASE by SIGNER, and its key records"""
    d = domain_of(case, signer)
    s = 'sel-' + o['key']
    extra = [LONG_REFS] if o.get('folded') else []
    msg = message(case, d, LONG_SUBJECT if o.get('folded') else None,
                  o.get('body'), extra)
    keys = [(s, d, o['key'])]
    sig = SIGN[signer](msg, d, s, o)
    if 'extra' in o:
        # a second signature, first in the header, made with another key
        # than the one published: a valid signature that does not verify
        o2 = dict(o, key=o['extra'])
        sig = SIGN[signer](msg, d, s, o2) + sig
    out = sig + msg
    if after == 'append':
        out += b'Appended by a mailing list after signing.\r\n'
    elif after == 'body':
        out = out.replace(b'this is  case', b'this is a case')
    elif after == 'header':
        out = out.replace(b'\r\nTo: rcpt@', b'\r\nTo: other@')
    elif after == 'received':
        out = (b'Received: from relay.example by mx.rmxf.example;\r\n'
               b'\tMon, 01 Dec 2025 00:00:01 +0000\r\n') + out
    elif after == 'add-subject':
        out = out.replace(b'\r\nDate:', b'\r\nSubject: added\r\nDate:')
    elif after == 'lf':
        out = out.replace(b'\r\n', b'\n')
    return out, keys


# ---------------------------------------------------------------- zone

def txt(value):
    """txt - VALUE as quoted character-strings of at most TXT_CHUNK"""
    parts = [value[i:i + TXT_CHUNK] for i in range(0, len(value), TXT_CHUNK)]
    return ' '.join('"%s"' % p for p in parts or [''])


def key_record(name, z):
    """key_record - the key record text of key NAME with zone options Z"""
    k = 'ed25519' if name.startswith('ed25519') else 'rsa'
    kv = z.get('kv', '')
    if 'k=' not in kv:
        kv = 'k=%s; %s' % (k, kv)
    p = key_p(name) if z.get('p') is None else z['p']
    return 'v=DKIM1; %sp=%s' % (kv, p)


def read_zone(path):
    """read_zone - {name: [txt, ...]} and the SERVFAIL names of a zone"""
    txts, fail = {}, set()
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line[0] in '#;':
                continue
            name, typ, rest = (line.split(None, 2) + [''])[:3]
            name = name.lower().rstrip('.')
            if typ == 'TXT':
                txts.setdefault(name, []).append(
                    ''.join(re.findall(r'"([^"]*)"', rest)))
            elif typ == 'SERVFAIL':
                fail.add(name)
    return txts, fail


# ---------------------------------------------------------------- verifiers

def verify_dkimpy(msg, zone):
    """verify_dkimpy - dkimpy's verdict per signature, RFC 8601 names"""
    txts, fail = zone

    def dnsfunc(name, timeout=5):
        n = name.decode().lower().rstrip('.')
        if n in fail:
            raise dkim.DnsTimeoutError('SERVFAIL')
        v = txts.get(n)
        return v[0].encode() if v else None

    d = dkim.DKIM(msg, minkey=1024)
    n = len([h for h in d.headers if h[0].lower() == b'dkim-signature'])
    if n == 0:
        return ['none']
    out = []
    for i in range(n):
        d = dkim.DKIM(msg, minkey=1024)
        try:
            prep = d.verify_headerprep(i)
        except dkim.DKIMException:
            out.append('permerror')
            continue
        sig, include, fields = prep
        name = sig[b's'] + b'._domainkey.' + sig[b'd'] + b'.'
        try:
            d.pk, d.keysize, d.ktag, d.seqtlsrpt = dkim.load_pk_from_dns(
                name, dnsfunc)
        except dkim.DnsTimeoutError:
            out.append('temperror')
            continue
        except Exception:
            out.append('permerror')
            continue
        try:
            ok = d.verify_sig_process(sig, include, fields[i], dnsfunc)
            out.append('pass' if ok else 'fail')
        except dkim.ValidationError:
            out.append('fail')          # body hash mismatch
        except dkim.DKIMException:
            out.append('permerror')     # key too small, unknown key type
    return out


def verify_tool(verifier, dir, names, zonepath):
    """verify_tool - {name: verdicts} of mail-dkim or opendkim"""
    if verifier == 'mail-dkim':
        cmd = ['perl', os.path.join(HERE, 'mdkim.pl'), 'verify', zonepath]
        cmd += [os.path.join(dir, n + '.eml') for n in names]
        out = subprocess.run(cmd, check=True, capture_output=True,
                             text=True).stdout
        res = {}
        for line in out.splitlines():
            f = line.split()
            res[os.path.basename(f[0])[:-4]] = f[1:]
        return res
    return {n: verify_opendkim(os.path.join(dir, n + '.eml'), zonepath)
            for n in names}


def verify_opendkim(path, zonepath):
    """verify_opendkim - opendkim -t's dkim= results, header order"""
    txts, fail = read_zone(zonepath)
    with open(path, 'rb') as f:
        text = f.read().decode('latin-1')
    owners = []
    for field in re.findall(r'(?ims)^DKIM-Signature:(.*?)(?=\r?\n\S)', text):
        tags = dict(re.findall(r'(?:^|;)\s*([a-z]+)\s*=\s*([^;]*)', field))
        owners.append('%s._domainkey.%s' % (tags.get('s', '').strip().lower(),
                                            tags.get('d', '').strip().lower()))
    if any(o in fail for o in owners):
        # TestPublicKeys has no way to make a lookup fail: not applicable
        return ['-'] * len(owners)
    with tempfile.TemporaryDirectory() as tmp:
        keys = os.path.join(tmp, 'keys')
        with open(keys, 'w') as f:
            for name, vals in txts.items():
                if '._domainkey.' in name:
                    f.write('%s %s\n' % (name, vals[0]))
        # opendkim -t takes a CR of a CRLF file as part of the line: give
        # it the message with LF line ends
        lf = os.path.join(tmp, 'msg.eml')
        with open(lf, 'wb') as f:
            f.write(text.encode('latin-1').replace(b'\r\n', b'\n'))
        conf = os.path.join(tmp, 'opendkim.conf')
        with open(conf, 'w') as f:
            f.write('Mode v\nSyslog no\nAuthservID verify.example\n'
                    'AlwaysAddARHeader yes\nTestPublicKeys %s\n' % keys)
        r = subprocess.run(['opendkim', '-x', conf, '-t', lf, '-vv'],
                           capture_output=True, text=True)
    ar = re.search(r"hname='Authentication-Results' hvalue='(.*?)'\n",
                   r.stdout, re.S)
    if not ar:
        raise RuntimeError('opendkim gave no A-R for %s: %s' %
                           (path, r.stdout + r.stderr))
    res = re.findall(r'\bdkim=(\w+)', ar.group(1))
    order = re.findall(r'\bdkim=\w+[^;]*?header\.b=(\S+?)(?:;|\s|$)',
                       ar.group(1))
    if len(order) == len(res) and len(res) > 1:
        # A-R lists signatures in opendkim's order: put them in header
        # order by their b= prefix
        bs = [re.sub(r'\s+', '', m) for m in re.findall(
            r'(?im)^DKIM-Signature:.*?\bb=([^;]*?)(?=;|\r?\n\S)', text,
            re.S)]
        byb = dict(zip(order, res))
        res = [next(v for k, v in byb.items() if b.startswith(k))
               for b in bs]
    return res


# ---------------------------------------------------------------- main

def gen(dir):
    """gen - write the corpus, the zone and the expectations into DIR"""
    os.makedirs(dir, exist_ok=True)
    for f in os.listdir(dir):
        if f.endswith('.eml'):
            os.remove(os.path.join(dir, f))
    zone = ['# rmxf DKIM interop corpus: key records, SPF and DMARC of the',
            '# signing domains (tests/dkim/corpus.py gen writes this file)']
    rows = []                   # (name, sender, [(d, s, a, rfc)])
    for case, signers, o, z, after, rfc in CASES:
        for signer in signers:
            name = '%s.%s' % (signer, case)
            msg, keys = build(case, signer, o, after)
            with open(os.path.join(dir, name + '.eml'), 'wb') as f:
                f.write(msg)
            d = domain_of(case, signer)
            zone.append('%s TXT "v=spf1 ip4:%s -all"' % (d, IP))
            zone.append('_dmarc.%s TXT "v=DMARC1; p=reject"' % d)
            for s, kd, k in keys:
                owner = '%s._domainkey.%s' % (s, kd)
                if z.get('servfail'):
                    zone.append('%s SERVFAIL' % owner)
                elif not z.get('missing'):
                    zone.append('%s TXT %s' % (owner, txt(key_record(k, z))))
            a = o.get('a', 'rsa-sha256')
            sigs = [(d, 'sel-' + o['key'], a, v)
                    for v in RFC_OVERRIDE.get(name, rfc)]
            rows.append((name, 'bounce@' + d, sigs))
    for case, rfc in UNSIGNED:
        d = '%s.unsigned.example' % case
        with open(os.path.join(dir, case + '.eml'), 'wb') as f:
            f.write(message(case, d))
        zone.append('%s TXT "v=spf1 ip4:%s -all"' % (d, IP))
        rows.append((case, 'bounce@' + d, []))
    zpath = os.path.join(dir, 'zone')
    with open(zpath, 'w') as f:
        f.write('\n'.join(zone) + '\n')
    names = [r[0] for r in rows]
    got = {v: verify_all(v, dir, names, zpath) for v in VERIFIERS}
    with open(os.path.join(dir, 'expect'), 'w') as f:
        f.write(EXPECT_HEAD)
        for name, sender, sigs in rows:
            cols = [name, sender]
            if not sigs:
                cols.append('none:' + ','.join(
                    '%s=%s' % (v, '+'.join(got[v][name])) for v in VERIFIERS))
            for i, (d, s, a, rfc) in enumerate(sigs):
                vs = ['%s=%s' % (v, got[v][name][i]) for v in VERIFIERS]
                cols.append('%d:d=%s,s=%s,a=%s,rfc=%s,%s' %
                            (i + 1, d, s, a, rfc, ','.join(vs)))
            f.write(' '.join(cols) + '\n')


EXPECT_HEAD = """\
# rmxf DKIM interop corpus: expected verdicts (tests/dkim/corpus.py gen).
# NAME SENDER then one field a DKIM-Signature, in header order:
#   N:d=D,s=S,a=A,rfc=V,dkimpy=V,mail-dkim=V,opendkim=V
# rfc is the verdict of RFC 6376/8301/8463 (rmxf must give it); the
# others are what each verifier gave, mapped onto RFC 8601 names (see
# README).  A message without signature has one field none:VERIFIER=V,...
"""


def verify_all(verifier, dir, names, zpath):
    """verify_all - {name: verdicts} of VERIFIER over the messages NAMES"""
    if verifier == 'dkimpy':
        zone = read_zone(zpath)
        res = {}
        for n in names:
            with open(os.path.join(dir, n + '.eml'), 'rb') as f:
                res[n] = verify_dkimpy(f.read(), zone)
        return res
    return verify_tool(verifier, dir, names, zpath)


def main(argv):
    """main - the command line"""
    if len(argv) == 3 and argv[1] == 'gen':
        gen(argv[2])
    elif len(argv) >= 4 and argv[1] == 'verify' and argv[2] in VERIFIERS:
        dir = argv[3]
        res = verify_all(argv[2], dir, argv[4:], os.path.join(dir, 'zone'))
        for n in argv[4:]:
            print(n, ' '.join(res[n]))
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
