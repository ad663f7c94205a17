# make bench, Milter half: rmxfd's Milter front end under the load of a
# Postfix-like MTA, against Debian's pyspf-milter (bench/milter/run.sh,
# bench/bench_milter.c, doc/benchmarks.md).  Figures only; loopback only.
#
#   make bench-milter                        this half alone
#   make bench BENCH_MILTER_SECONDS=2        shorter load runs (default 5)
#   make bench-milter BENCH_MILTER_SOCKET=inet   TCP instead of unix sockets

BENCH_MILTER_SECONDS	?= 5
BENCH_MILTER_ROUNDS	?= 3
BENCH_MILTER_SOCKET	?= unix
# benchmark-only Debian package: the peer
BENCH_MILTER_PKGS	:= pyspf-milter

.PHONY: bench-milter bench-milter-deps bench-milter-run

# bench-milter-deps: install pyspf-milter when missing and root; without
# it the comparison is left out, rmxfd's figures still come.
bench-milter-deps:
	@if [ ! -x /usr/bin/pyspf-milter ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo 'bench: installing $(BENCH_MILTER_PKGS)'; \
			DEBIAN_FRONTEND=noninteractive apt-get install -y \
			    --no-install-recommends $(BENCH_MILTER_PKGS) || \
			    echo 'bench: install failed;' \
			    'pyspf-milter will be left out' >&2; \
		else \
			echo 'bench: pyspf-milter left out (apt-get install' \
			    '$(BENCH_MILTER_PKGS) as root)' >&2; \
		fi; \
	fi

bench: bench-milter-deps

bench-milter: bench-milter-deps
	$(MAKE) O=$(BENCH_O) SAN= CFLAGS='$(BENCH_CFLAGS)' bench-milter-run

# After the other halves when they are asked for too, also under -j.
bench-milter-run: $(O)/rmxfd $(O)/tests/dnsd $(O)/bench/bench_milter \
    $(O)/bench/bench_milter_bare | \
    $(filter bench-run bench-policy-run,$(MAKECMDGOALS))
	O=$(O) BENCH_MILTER_SECONDS=$(BENCH_MILTER_SECONDS) \
	    BENCH_MILTER_ROUNDS=$(BENCH_MILTER_ROUNDS) \
	    BENCH_MILTER_SOCKET=$(BENCH_MILTER_SOCKET) \
	    bash bench/milter/run.sh
