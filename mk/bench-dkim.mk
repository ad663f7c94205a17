# make bench-dkim: DKIM + DMARC verification, rmxfd's Milter against
# OpenDKIM and OpenDMARC on the same signed messages (bench/dkim/run.sh,
# bench/dkim/gen.py, bench/bench_milter.c, doc/benchmarks.md).  Figures
# only; everything runs in a network namespace of its own.
#
#   make bench-dkim                          about 3 min (the first time,
#                                            a few more for the keys)
#   make bench-dkim BENCH_DKIM_SECONDS=2 BENCH_DKIM_ROUNDS=5
#   make bench-dkim BENCH_DKIM_CONNS='8 64'
#   make bench-dkim-callgrind                instructions per message, and
#                                            OpenSSL's floor (valgrind)

BENCH_DKIM_SECONDS	?= 5
BENCH_DKIM_ROUNDS	?= 3
BENCH_DKIM_CONNS	?= 1 8 64
BENCH_DKIM_DOMAINS	?= 1000
BENCH_DKIM_MESSAGES	?= 2000
BENCH_DKIM_KEYS		?= 1000
# messages verified under callgrind
BENCH_DKIM_CG_MESSAGES	?= 300
# benchmark-only Debian packages: the peers and the signer
BENCH_DKIM_PKGS		:= opendkim opendmarc python3-dkim python3-nacl \
			    python3-cryptography

.PHONY: bench-dkim bench-dkim-deps bench-dkim-run bench-dkim-callgrind

# bench-dkim-deps: install the peers and the signer when missing and root.
bench-dkim-deps:
	@if ! command -v opendkim >/dev/null || \
	    ! command -v opendmarc >/dev/null || \
	    ! /usr/bin/python3 -c 'import dkim, nacl, cryptography' \
	    2>/dev/null; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo 'bench: installing $(BENCH_DKIM_PKGS)'; \
			DEBIAN_FRONTEND=noninteractive apt-get install -y \
			    --no-install-recommends $(BENCH_DKIM_PKGS) || \
			    echo 'bench: install failed' >&2; \
		else \
			echo 'bench: needs $(BENCH_DKIM_PKGS)' >&2; \
		fi; \
	fi

bench-dkim: bench-dkim-deps
	$(MAKE) O=$(BENCH_O) SAN= CFLAGS='$(BENCH_CFLAGS)' bench-dkim-run

bench-dkim-run: $(O)/rmxfd $(O)/tests/dnsd $(O)/bench/bench_milter \
    $(O)/bench/bench_milter_bare
	O=$(O) BENCH_DKIM_SECONDS=$(BENCH_DKIM_SECONDS) \
	    BENCH_DKIM_ROUNDS=$(BENCH_DKIM_ROUNDS) \
	    BENCH_DKIM_CONNS='$(BENCH_DKIM_CONNS)' \
	    BENCH_DKIM_DOMAINS=$(BENCH_DKIM_DOMAINS) \
	    BENCH_DKIM_MESSAGES=$(BENCH_DKIM_MESSAGES) \
	    BENCH_DKIM_KEYS=$(BENCH_DKIM_KEYS) bash bench/dkim/run.sh

# Instructions per message in one process (bench/dkim/callgrind.sh,
# bench/bench_dkim.c): rmxf's DKIM + DMARC against OpenSSL's own share.
bench-dkim-callgrind: bench-dkim-deps
	$(MAKE) O=$(BENCH_O) SAN= CFLAGS='$(BENCH_CFLAGS)' \
	    $(BENCH_O)/bench/bench_dkim
	O=$(BENCH_O) BENCH_DKIM_CG_MESSAGES=$(BENCH_DKIM_CG_MESSAGES) \
	    BENCH_DKIM_DOMAINS=$(BENCH_DKIM_DOMAINS) \
	    BENCH_DKIM_MESSAGES=$(BENCH_DKIM_MESSAGES) \
	    BENCH_DKIM_KEYS=$(BENCH_DKIM_KEYS) bash bench/dkim/callgrind.sh
