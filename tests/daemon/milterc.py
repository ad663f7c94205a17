#!/usr/bin/env python3
# NAME
#	milterc.py - the MTA side of the Milter protocol, for rmxfd's tests
# SYNOPSIS
#	milterc.py SOCKET < SCRIPT
# DESCRIPTION
#	SOCKET is inet:HOST:PORT or unix:PATH.  SCRIPT is JSON: a list of
#	SMTP sessions, each {"client": IP, "host": NAME, "helo": NAME,
#	"messages": [{"from": ADDR, "rcpts": [ADDR...], "auth": LOGIN,
#	"headers": [[NAME, VALUE]...], "eml": FILE, "chunk": N}...]}, sent
#	over one connection as
#	Postfix does (the next session after QUIT_NC), each step as the
#	filter's negotiation asks (steps it does without are not sent,
#	replies it does without are not awaited).  Prints one JSON object
#	per line: the negotiation ({"optneg": ...}), then per message
#	{"rcpt": [reply...], "eom": [action...]} where a reply is "c", "r",
#	"t" or "y:TEXT" and an action "ins:INDEX:NAME:VALUE",
#	"chg:INDEX:NAME:VALUE", "add:NAME:VALUE", "q:REASON" (quarantine)
#	or the final letter.  With "eml", the header fields and body of
#	that message file go instead of "headers" and the one-line body, as
#	Postfix sends them: the value after the colon (less one space
#	unless HDR_LEADSPC was negotiated), continuation lines joined by
#	LF, the body with CRLF line ends in BODY packets of "chunk" octets
#	(default 65535).
#	The offer is Postfix 3.7's: version 6, every action and step
#	(MILTERC_ACTIONS, hex, in the environment: those actions only).
#	With --raw, each reply and action is followed by the hex of its
#	whole packet (length word included), after "=".
#	Exit 0, or 1 with a line on stderr when the filter breaks the
#	protocol or closes.
import json
import os
import socket
import struct
import sys

ACTIONS = int(os.environ.get("MILTERC_ACTIONS", "0x1FF"), 16)
PROTOCOL = 0x1FFFFF
NR = {"C": 0x1000, "H": 0x2000, "M": 0x4000, "R": 0x8000, "T": 0x10000,
      "L": 0x80, "N": 0x40000, "B": 0x80000}
NO = {"C": 0x1, "H": 0x2, "M": 0x4, "R": 0x8, "B": 0x10, "L": 0x20,
      "N": 0x40, "T": 0x200}


def die(why):
    print("milterc: " + why, file=sys.stderr)
    sys.exit(1)


class Conn:
    def __init__(self, spec):
        if spec.startswith("unix:"):
            self.s = socket.socket(socket.AF_UNIX)
            self.s.connect(spec[5:])
        elif spec.startswith("inet:"):
            host, port = spec[5:].rsplit(":", 1)
            self.s = socket.create_connection((host.strip("[]"), int(port)))
        else:
            die("socket: want inet:HOST:PORT or unix:PATH")
        self.s.settimeout(30)
        self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1) \
            if self.s.family != socket.AF_UNIX else None
        self.last = ""
        self.buf = b""
        self.proto = 0

    def send(self, cmd, data=b""):
        self.s.sendall(struct.pack("!I", len(data) + 1) + cmd.encode() + data)

    def recv(self):
        while True:
            if len(self.buf) >= 4:
                n = struct.unpack("!I", self.buf[:4])[0]
                if len(self.buf) >= 4 + n:
                    pkt = self.buf[4:4 + n]
                    self.last = self.buf[:4 + n].hex()
                    self.buf = self.buf[4 + n:]
                    return chr(pkt[0]), pkt[1:]
            got = self.s.recv(65536)
            if not got:
                die("the filter closed the connection")
            self.buf += got

    def step(self, cmd, data=b""):
        """send a step unless negotiated away; its reply, or None"""
        if cmd in NO and self.proto & NO[cmd]:
            return None
        self.send(cmd, data)
        if cmd in NR and self.proto & NR[cmd]:
            return None
        return tag(self, reply(self.recv()))


RAW = False


def tag(conn, text):
    return text + "=" + conn.last if RAW else text


def reply(pkt):
    cmd, data = pkt
    if cmd == "y":
        return "y:" + data.rstrip(b"\0").decode(errors="replace")
    return cmd


def z(*strings):
    return b"".join(s.encode() + b"\0" for s in strings)


def macros(conn, stage, pairs):
    conn.send("D", stage.encode() + z(*[x for p in pairs for x in p]))


def eml(conn, path):
    """the header fields and the body of a message file"""
    with open(path, "rb") as f:
        text = f.read().replace(b"\r\n", b"\n")
    head, sep, body = text.partition(b"\n\n")
    if not sep:
        head, body = text, b""
    fields = []
    for line in head.split(b"\n"):
        if line[:1] in (b" ", b"\t") and fields:
            fields[-1] += b"\n" + line
        elif line:
            fields.append(line)
    out = []
    for f in fields:
        name, _, value = f.partition(b":")
        if not conn.proto & 0x100000 and value.startswith(b" "):
            value = value[1:]
        out.append((name.rstrip(b" \t"), value))
    return out, body.replace(b"\n", b"\r\n")


def message(conn, msg):
    auth = msg.get("auth")
    macros(conn, "M", [("i", "4AB12"), ("{auth_authen}", auth or "")]
           if auth else [("i", "4AB12")])
    r = conn.step("M", z("<" + msg["from"] + ">"))
    if r not in (None, "c"):
        return {"mail": r}
    out = {"rcpt": []}
    accepted = 0
    for rcpt in msg["rcpts"]:
        macros(conn, "R", [("i", "4AB12")])
        r = conn.step("R", z("<" + rcpt + ">"))
        out["rcpt"].append(r or "c")
        accepted += r in (None, "c") or (r or "").startswith("c=")
    if not accepted:
        conn.send("A")
        return out
    conn.step("T")
    if "eml" in msg:
        fields, body = eml(conn, msg["eml"])
    else:
        fields = [(n.encode(), v.encode()) for n, v in msg.get("headers",
                                                                 [])]
        body = b"body\r\n"
    for name, value in fields:
        conn.step("L", name + b"\0" + value + b"\0")
    conn.step("N")
    chunk = msg.get("chunk", 65535)
    for i in range(0, len(body), chunk):
        conn.step("B", body[i:i + chunk])
    macros(conn, "E", [("i", "4AB12")])
    conn.send("E")
    out["eom"] = []
    while True:
        cmd, data = conn.recv()
        if cmd in "im":
            idx = struct.unpack("!I", data[:4])[0]
            name, _, value = data[4:].partition(b"\0")
            value = value[:-1] if value.endswith(b"\0") else value
            out["eom"].append(tag(conn, "%s:%d:%s:%s" % (
                "ins" if cmd == "i" else "chg", idx, name.decode(),
                value.decode())))
        elif cmd == "q":
            out["eom"].append(tag(conn, "q:" + data.rstrip(b"\0").decode(
                errors="replace")))
        elif cmd == "h":
            name, _, value = data.partition(b"\0")
            value = value[:-1] if value.endswith(b"\0") else value
            out["eom"].append(tag(conn, "add:%s:%s" % (name.decode(),
                                                       value.decode())))
        else:
            out["eom"].append(tag(conn, reply((cmd, data))))
            return out


def main():
    global RAW
    if len(sys.argv) == 3 and sys.argv[1] == "--raw":
        RAW = True
        del sys.argv[1]
    if len(sys.argv) != 2:
        die("usage: milterc.py [--raw] SOCKET < SCRIPT")
    script = json.load(sys.stdin)
    conn = Conn(sys.argv[1])
    conn.send("O", struct.pack("!III", 6, ACTIONS, PROTOCOL))
    cmd, data = conn.recv()
    if cmd != "O" or len(data) < 12:
        die("no negotiation reply")
    ver, act, proto = struct.unpack("!III", data[:12])
    conn.proto = proto
    syms = {}
    rest = data[12:]
    while len(rest) >= 4:
        stage = struct.unpack("!I", rest[:4])[0]
        lst, _, rest = rest[4:].partition(b"\0")
        syms[stage] = lst.decode()
    print(json.dumps({"optneg": [ver, act, proto], "symlist": syms}))
    for i, sess in enumerate(script):
        if i > 0:
            conn.send("K")
        macros(conn, "C", [("j", "mx.example.net")])
        fam, addr = ("6", sess["client"]) if ":" in sess["client"] else \
            ("4", sess["client"])
        conn.step("C", z(sess.get("host", "client.example")) +
                  fam.encode() + struct.pack("!H", 25000) + z(addr))
        conn.step("H", z(sess.get("helo", "client.example")))
        for msg in sess["messages"]:
            print(json.dumps(message(conn, msg)), flush=True)
    conn.send("Q")


if __name__ == "__main__":
    main()
