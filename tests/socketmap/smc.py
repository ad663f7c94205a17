#!/usr/bin/env python3
"""smc.py - a small socketmap client for the tests, as Postfix talks.

    smc.py SOCKET 'map key' ...      one request each, replies one per line
    smc.py --pipeline SOCKET 'map key' ...   all requests in one write
    smc.py --raw SOCKET BYTES        send BYTES (Python escapes), print what
                                     comes back, then "EOF" if the server
                                     closed the connection

SOCKET is a unix socket path, or HOST:PORT.  Each reply is printed as its
netstring payload ("OK value", "NOTFOUND ", ...).  Times out after 10 s.
"""
import socket
import sys


def connect(spec):
    if spec.startswith('/') or spec.startswith('.'):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(spec)
    else:
        host, port = spec.rsplit(':', 1)
        s = socket.create_connection((host.strip('[]'), int(port)))
    s.settimeout(10)
    return s


def netstring(data):
    return str(len(data)).encode() + b':' + data + b','


def read_reply(s, buf):
    """One netstring from s; returns (payload, rest) or (None, b'') on EOF."""
    while True:
        if b':' in buf:
            head, rest = buf.split(b':', 1)
            n = int(head)
            if len(rest) >= n + 1:
                if rest[n:n + 1] != b',':
                    raise ValueError('bad netstring terminator')
                return rest[:n], rest[n + 1:]
        chunk = s.recv(65536)
        if not chunk:
            return None, b''
        buf += chunk


def main(argv):
    mode = 'each'
    if argv and argv[0] in ('--pipeline', '--raw'):
        mode = argv.pop(0)[2:]
    sock = connect(argv[0])
    if mode == 'raw':
        sock.sendall(argv[1].encode().decode('unicode_escape').encode(
            'latin-1'))
        buf = b''
        while True:
            try:
                payload, buf = read_reply(sock, buf)
            except (ValueError, socket.timeout) as e:
                print('ERROR %s' % e)
                return 1
            if payload is None:
                print('EOF')
                return 0
            print(payload.decode('utf-8', 'replace'))
    reqs = [netstring(a.encode()) for a in argv[1:]]
    buf = b''
    if mode == 'pipeline':
        sock.sendall(b''.join(reqs))
        reqs_to_read = len(reqs)
        for _ in range(reqs_to_read):
            payload, buf = read_reply(sock, buf)
            print('EOF' if payload is None else payload.decode())
        return 0
    for r in reqs:
        sock.sendall(r)
        payload, buf = read_reply(sock, buf)
        if payload is None:
            print('EOF')
            return 0
        print(payload.decode())
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
