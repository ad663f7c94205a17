#!/usr/bin/env python3
# NAME
#	policyc.py - a small Postfix policy client for tests/daemon/run.sh
# SYNOPSIS
#	policyc.py SOCKET send FILE [COUNT]
#	policyc.py SOCKET raw FILE [SECONDS]
#	policyc.py SOCKET many CONNS FILE [COUNT]
#	policyc.py SOCKET hold SECONDS
#	policyc.py SOCKET drop FILE [READ [WAIT [LAST]]]
#	policyc.py SOCKET burst CONNS FILE HOLD PID
# DESCRIPTION
#	SOCKET is unix:PATH or inet:HOST:PORT ([V6] brackets allowed).
#	send: the request in FILE COUNT times (default 1) on one connection,
#	one reply after the other as smtpd does; prints each reply's action
#	line.  raw: the bytes of FILE as they are, then waits up to SECONDS
#	(default 5) and prints what came back and "closed after N ms" when
#	the server closed the connection, else "open".  many: CONNS
#	connections at once, each sending FILE COUNT times (default 2);
#	prints "replies=N same=M" (M replies equal to the first) and the
#	first reply.  hold: one request (from 127.0.0.1, exempt), then the
#	connection kept idle for SECONDS, as smtpd keeps it between
#	messages; prints "open" when the server did not close it
#	meanwhile, else "closed".
#	drop: FILE READ times (default 0) as send does, printing each
#	reply's action line, then FILE (or LAST) once more, and WAIT
#	seconds later
#	(default 0.3; the reply has come by then) the connection closed
#	without that reply read, so the server sees a reset (smtpd after
#	a policy timeout); prints "dropped".
#	burst: CONNS connections, FILE sent on each at once (all in
#	flight together), every reply read, then all held open HOLD
#	seconds; prints "replies=N rss_kb=R hwm_kb=H" with the VmRSS and
#	VmHWM of process PID at the end of the hold.
#	Every wait is bounded; exit 0 unless the arguments are wrong or the
#	connection cannot be made.
import selectors
import socket
import sys
import threading
import time

TIMEOUT = 30.0
HOLD_REQUEST = (b"request=smtpd_access_policy\nprotocol_state=RCPT\n"
                b"client_address=127.0.0.1\nsender=a@example.com\n"
                b"recipient=b@example.net\ninstance=hold\n\n")


def connect(spec):
    if spec.startswith("unix:"):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(TIMEOUT)
        s.connect(spec[5:])
        return s
    if not spec.startswith("inet:"):
        raise SystemExit("policyc: bad socket " + spec)
    host, port = spec[5:].rsplit(":", 1)
    host = host.strip("[]")
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.settimeout(TIMEOUT)
    s.connect((host, int(port)))
    return s


def reply(s):
    data = b""
    while not data.endswith(b"\n\n"):
        chunk = s.recv(65536)
        if not chunk:
            return None
        data += chunk
    return data.decode("utf-8", "replace")


def send(s, req, count):
    out = []
    for _ in range(count):
        s.sendall(req)
        r = reply(s)
        if r is None:
            out.append("closed")
            break
        out.append(r.split("\n", 1)[0])
    return out


def main():
    if len(sys.argv) < 4:
        raise SystemExit(__doc__ or "usage: policyc.py SOCKET MODE ARGS")
    spec, mode = sys.argv[1], sys.argv[2]
    if mode == "send":
        req = open(sys.argv[3], "rb").read()
        n = int(sys.argv[4]) if len(sys.argv) > 4 else 1
        s = connect(spec)
        for line in send(s, req, n):
            print(line)
        s.close()
    elif mode == "raw":
        data = open(sys.argv[3], "rb").read()
        wait = float(sys.argv[4]) if len(sys.argv) > 4 else 5.0
        s = connect(spec)
        t0 = time.monotonic()
        s.sendall(data)
        s.settimeout(0.05)
        got = b""
        closed = False
        while time.monotonic() - t0 < wait:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                continue
            except ConnectionResetError:
                closed = True
                break
            if not chunk:
                closed = True
                break
            got += chunk
        ms = int((time.monotonic() - t0) * 1000)
        if got:
            sys.stdout.write(got.decode("utf-8", "replace"))
        print("closed after %d ms" % ms if closed else "open")
        s.close()
    elif mode == "many":
        conns = int(sys.argv[3])
        req = open(sys.argv[4], "rb").read()
        n = int(sys.argv[5]) if len(sys.argv) > 5 else 2
        socks = [connect(spec) for _ in range(conns)]
        results = [None] * conns
        barrier = threading.Barrier(conns)

        def work(i):
            try:
                barrier.wait(timeout=TIMEOUT)
                results[i] = send(socks[i], req, n)
            except Exception as e:  # reported as a missing reply
                results[i] = ["error " + str(e)]

        threads = [threading.Thread(target=work, args=(i,))
                   for i in range(conns)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(TIMEOUT + 5)
        flat = [r for res in results if res for r in res]
        first = flat[0] if flat else ""
        good = [r for r in flat if r.startswith("action=")]
        print("replies=%d same=%d" % (len(good),
                                      sum(1 for r in good if r == first)))
        print("first: " + first)
        for s in socks:
            s.close()
    elif mode == "burst":
        conns, req = int(sys.argv[3]), open(sys.argv[4], "rb").read()
        hold, pid = float(sys.argv[5]), sys.argv[6]
        socks = [connect(spec) for _ in range(conns)]
        sel = selectors.DefaultSelector()
        got = {}
        for s in socks:
            s.sendall(req)
            s.setblocking(False)
            sel.register(s, selectors.EVENT_READ)
            got[s] = b""
        done, t0 = 0, time.monotonic()
        while done < conns and time.monotonic() - t0 < TIMEOUT:
            for key, _ in sel.select(timeout=1.0):
                chunk = key.fileobj.recv(65536)
                got[key.fileobj] += chunk
                if not chunk or got[key.fileobj].endswith(b"\n\n"):
                    sel.unregister(key.fileobj)
                    done += 1 if chunk else 0
        time.sleep(hold)
        st = dict(line.split(":", 1) for line in
                  open("/proc/%s/status" % pid).read().splitlines()
                  if ":" in line)
        print("replies=%d rss_kb=%s hwm_kb=%s" % (
            done, st["VmRSS"].split()[0], st["VmHWM"].split()[0]))
        for s in socks:
            s.close()
    elif mode == "hold":
        wait = float(sys.argv[3])
        s = connect(spec)
        # first a request, as smtpd sends one as it connects: a
        # connection that never says anything is closed by rmxfd
        send(s, HOLD_REQUEST, 1)
        s.settimeout(wait)
        try:
            chunk = s.recv(1)
            print("closed" if not chunk else "data")
        except socket.timeout:
            print("open")
        s.close()
    elif mode == "drop":
        data = open(sys.argv[3], "rb").read()
        n = int(sys.argv[4]) if len(sys.argv) > 4 else 0
        wait = float(sys.argv[5]) if len(sys.argv) > 5 else 0.3
        last = open(sys.argv[6], "rb").read() if len(sys.argv) > 6 \
            else data
        s = connect(spec)
        for line in send(s, data, n):
            print(line)
        s.sendall(last)
        time.sleep(wait)
        s.close()
        print("dropped")
    else:
        raise SystemExit("policyc: unknown mode " + mode)


main()
