#!/usr/bin/env python3
# NAME
#	syslogd.py - a syslog receiver for tests/daemon/log.sh
# SYNOPSIS
#	syslogd.py PATH OUT SECONDS
# DESCRIPTION
#	Binds a datagram socket at PATH (removing what is there first),
#	creates OUT.ready, and appends each message it receives to OUT as
#	one line, with a backslash written "\\" and a line break inside the
#	message "\n", so that a message holding several lines shows as
#	one.  Stops after SECONDS, or on SIGTERM; the socket stays (a
#	syslog daemon that went away).
import os
import socket
import sys
import time


def main():
    if len(sys.argv) != 4:
        raise SystemExit("usage: syslogd.py PATH OUT SECONDS")
    path, out, secs = sys.argv[1], sys.argv[2], float(sys.argv[3])
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(path)
    s.settimeout(0.2)
    open(out + ".ready", "w").close()
    end = time.monotonic() + secs
    with open(out, "a") as f:
        while time.monotonic() < end:
            try:
                data = s.recv(65536)
            except socket.timeout:
                continue
            text = data.decode("utf-8", "replace")
            f.write(text.replace("\\", "\\\\").replace("\n", "\\n") + "\n")
            f.flush()


main()
