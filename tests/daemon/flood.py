#!/usr/bin/env python3
# NAME
#	flood.py - attacks on rmxfd for tests/daemon/attack.sh
# SYNOPSIS
#	flood.py dns SOCKET ATTACKERS LEGIT SECONDS PAUSE
#	flood.py silent SOCKET CONNS SECONDS
#	flood.py timed SOCKET [socketmap]
# DESCRIPTION
#	SOCKET is unix:PATH or inet:HOST:PORT.
#	dns: ATTACKERS connections send policy requests whose senders are
#	fresh names under slow.test (whose DNS never answers), LEGIT
#	connections fresh names under legit.test, for SECONDS; then PAUSE
#	seconds later one fresh legitimate request.  Prints one line:
#	"legit=N p99_ms=X defer=D attack=A fresh_ms=F fresh=ACTION".
#	silent: CONNS connections that never send a byte, held SECONDS;
#	prints "open=N closed=M" (M closed by the server meanwhile).
#	timed: one request on a new connection (a policy request, or with
#	"socketmap" a socketmap lookup); prints "ms=T reply=FIRST-LINE".
#	Every wait is bounded; exit 0 unless the arguments are wrong.
import asyncio
import random
import sys
import time

TIMEOUT = 30.0


async def connect(spec):
    if spec.startswith("unix:"):
        return await asyncio.open_unix_connection(spec[5:])
    host, port = spec[5:].rsplit(":", 1)
    return await asyncio.open_connection(host.strip("[]"), int(port))


def request(sender, inst):
    return ("request=smtpd_access_policy\nprotocol_state=RCPT\n"
            "protocol_name=ESMTP\nclient_address=192.0.2.%d\n"
            "helo_name=client.example\nsender=%s\nrecipient=r@example.net\n"
            "instance=%s\n\n" % (random.randint(1, 250), sender,
                                  inst)).encode()


def fresh(under):
    tag = "%x" % random.getrandbits(48)
    return "u%s@%s.%s" % (tag, tag, under), tag


async def ask(r, w, sender, tag):
    t0 = time.monotonic()
    w.write(request(sender, tag))
    data = await asyncio.wait_for(r.readuntil(b"\n\n"), TIMEOUT)
    return time.monotonic() - t0, data.decode().split("\n", 1)[0]


async def worker(spec, under, stop, out):
    try:
        r, w = await connect(spec)
    except OSError:
        out.append((None, "connect"))
        return
    while time.monotonic() < stop:
        try:
            out.append(await ask(r, w, *fresh(under)))
        except (OSError, asyncio.TimeoutError,
                asyncio.IncompleteReadError):
            out.append((None, "error"))
            break
    w.close()


async def dns(spec, k, n, secs, pause):
    stop = time.monotonic() + secs
    bad, good = [], []
    tasks = [worker(spec, "slow.test", stop, bad) for _ in range(k)]
    tasks += [worker(spec, "legit.test", stop, good) for _ in range(n)]
    await asyncio.gather(*tasks)
    times = sorted(t for t, _ in good if t is not None)
    p99 = times[min(len(times) - 1, int(0.99 * len(times)))] if times \
        else 99.0
    defer = sum(1 for t, a in good if t is None or "action=4" in a or
                "DEFER" in a)
    await asyncio.sleep(pause)
    r, w = await connect(spec)
    t, action = await ask(r, w, *fresh("legit.test"))
    w.close()
    print("legit=%d p99_ms=%d defer=%d attack=%d fresh_ms=%d fresh=%s" % (
        len(times), p99 * 1000, defer, len(bad), t * 1000, action))


async def silent(spec, n, secs):
    conns = []
    for _ in range(n):
        try:
            conns.append(await connect(spec))
        except OSError:
            break
    await asyncio.sleep(secs)
    closed = 0
    for r, w in conns:
        try:
            if await asyncio.wait_for(r.read(1), 0.01) == b"":
                closed += 1
        except asyncio.TimeoutError:
            pass
        except OSError:
            closed += 1
        w.close()
    print("open=%d closed=%d" % (len(conns), closed))


async def timed(spec, socketmap):
    t0 = time.monotonic()
    r, w = await connect(spec)
    if socketmap:
        q = b"verify a@example.net"
        w.write(b"%d:%s," % (len(q), q))
        data = await asyncio.wait_for(r.read(4096), TIMEOUT)
    else:
        w.write(request("a@example.com", "t1"))
        data = await asyncio.wait_for(r.readuntil(b"\n\n"), TIMEOUT)
    w.close()
    print("ms=%d reply=%s" % ((time.monotonic() - t0) * 1000,
                             data.decode("utf-8", "replace").split("\n")[0]))


def main():
    a = sys.argv
    if len(a) >= 7 and a[1] == "dns":
        asyncio.run(dns(a[2], int(a[3]), int(a[4]), float(a[5]),
                        float(a[6])))
    elif len(a) == 5 and a[1] == "silent":
        asyncio.run(silent(a[2], int(a[3]), float(a[4])))
    elif len(a) in (3, 4) and a[1] == "timed":
        asyncio.run(timed(a[2], len(a) == 4 and a[3] == "socketmap"))
    else:
        raise SystemExit("usage: see the head of flood.py")


main()
