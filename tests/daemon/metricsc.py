#!/usr/bin/env python3
# NAME
#	metricsc.py - fetch rmxfd's /metrics and check the text format
# SYNOPSIS
#	metricsc.py URL
#	metricsc.py URL status [METHOD]
# DESCRIPTION
#	URL: fetch it with GET; exit 1 with the reason on stderr unless the
#	answer is 200 with Content-Type text/plain; version=0.0.4 and the
#	body is the Prometheus text exposition format as rmxfd writes it:
#	every line a "# HELP NAME TEXT" or "# TYPE NAME TYPE" comment or a
#	sample "NAME[{LABEL="VALUE",...}] NUMBER"; one TYPE per metric,
#	before its samples; the samples of one metric together (a
#	histogram's _bucket, _sum and _count count as its own); label
#	values without a "@" or a "." between letters (no address or
#	domain); a histogram's buckets cumulative, ending in le="+Inf"
#	equal to its _count.  On success the samples go to stdout, one per
#	line, as written.
#	status: print only the HTTP status of METHOD (default GET) on URL.
#	Every wait is bounded (10 s).
import re
import sys
import urllib.error
import urllib.request

TIMEOUT = 10
NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*="[^"\\\n]*"'
SAMPLE = re.compile(r"^(%s)(\{%s(?:,%s)*\})? (-?[0-9]+(?:\.[0-9]+)?"
                    r"(?:e[+-]?[0-9]+)?|\+Inf|-Inf|NaN)$" % (NAME, LABEL,
                                                            LABEL))
COMMENT = re.compile(r"^# (HELP|TYPE) (%s) (.+)$" % NAME)
TYPES = ("counter", "gauge", "histogram", "summary", "untyped")
SUFFIXES = ("_bucket", "_sum", "_count")


def family(name, types):
    for s in SUFFIXES:
        if name.endswith(s) and types.get(name[:-len(s)]) == "histogram":
            return name[:-len(s)]
    return name


def check(text):
    types, done, cur, hist = {}, set(), None, {}
    for n, line in enumerate(text.split("\n"), 1):
        if line == "":
            continue
        m = COMMENT.match(line)
        if m:
            if m.group(1) == "TYPE":
                if m.group(2) in types:
                    return "line %d: a second TYPE for %s" % (n, m.group(2))
                if m.group(3) not in TYPES:
                    return "line %d: unknown type %s" % (n, m.group(3))
                types[m.group(2)] = m.group(3)
            continue
        m = SAMPLE.match(line)
        if not m:
            return "line %d: not a comment or a sample: %r" % (n, line)
        fam = family(m.group(1), types)
        if fam not in types:
            return "line %d: %s has no TYPE before it" % (n, fam)
        if fam != cur:
            if fam in done:
                return "line %d: the samples of %s are apart" % (n, fam)
            if cur is not None:
                done.add(cur)
            cur = fam
        for v in re.findall(r'="([^"]*)"', m.group(2) or ""):
            if "@" in v or re.search(r"[a-z0-9]\.[a-z]", v):
                return "line %d: label value %r" % (n, v)
        if m.group(1).endswith("_bucket"):
            last = hist.get(fam, 0.0)
            val = float(m.group(3))
            if val < last:
                return "line %d: bucket below the one before" % n
            hist[fam] = val
            if 'le="+Inf"' in (m.group(2) or ""):
                hist[fam + " inf"] = val
        if m.group(1).endswith("_count") and fam in hist:
            if float(m.group(3)) != hist.get(fam + " inf"):
                return "line %d: _count is not the +Inf bucket" % n
    return None


def main():
    url = sys.argv[1]
    if len(sys.argv) > 2 and sys.argv[2] == "status":
        method = sys.argv[3] if len(sys.argv) > 3 else "GET"
        req = urllib.request.Request(url, method=method)
        try:
            with urllib.request.urlopen(req, timeout=TIMEOUT) as r:
                print(r.status)
        except urllib.error.HTTPError as e:
            print(e.code)
        return 0
    with urllib.request.urlopen(url, timeout=TIMEOUT) as r:
        ctype = r.headers.get("Content-Type", "")
        body = r.read().decode("utf-8")
        if r.status != 200 or not ctype.startswith("text/plain; "
                                                   "version=0.0.4"):
            print("status %d, Content-Type %r" % (r.status, ctype),
                  file=sys.stderr)
            return 1
    why = check(body)
    if why is not None:
        print(why, file=sys.stderr)
        return 1
    for line in body.split("\n"):
        if line and not line.startswith("#"):
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
