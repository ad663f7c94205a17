# make bench, policy half: rmxfd under Postfix policy load, against
# pypolicyd-spf, and cold evaluations with DNS latency (bench/policy/run.sh,
# bench/bench_policy.c, doc/benchmarks.md).  Figures only; loopback only.
#
#   make bench-policy                     this half alone
#   make bench BENCH_POLICY_SECONDS=2     shorter load runs (default 5)
#   make bench BENCH_POLICY_DELAY=50      DNS latency of the cold runs, ms
#   make bench-policy-callgrind           instructions per request (valgrind)

BENCH_POLICY_SECONDS	?= 5
BENCH_POLICY_DELAY	?= 20
BENCH_POLICY_COLD	?= 10
# benchmark-only Debian packages: pypolicyd-spf and what spawns it
BENCH_POLICY_PKGS	:= postfix-policyd-spf-python socat

.PHONY: bench-policy bench-policy-deps bench-policy-run bench-policy-callgrind

# bench-policy-deps: install pypolicyd-spf and socat when missing and
# root; without them the comparison is left out, the rest still runs.
bench-policy-deps:
	@if [ ! -x /usr/bin/policyd-spf ] || ! command -v socat >/dev/null; \
	then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo 'bench: installing $(BENCH_POLICY_PKGS)'; \
			DEBIAN_FRONTEND=noninteractive apt-get install -y \
			    --no-install-recommends $(BENCH_POLICY_PKGS) || \
			    echo 'bench: install failed;' \
			    'pypolicyd-spf will be left out' >&2; \
		else \
			echo 'bench: pypolicyd-spf left out (apt-get install' \
			    '$(BENCH_POLICY_PKGS) as root)' >&2; \
		fi; \
	fi

bench: bench-policy-deps

bench-policy: bench-policy-deps
	$(MAKE) O=$(BENCH_O) SAN= CFLAGS='$(BENCH_CFLAGS)' bench-policy-run

# After bench-run when both are asked for, also under -j.
bench-policy-run: $(O)/rmxfd $(O)/tests/dnsd $(O)/bench/bench_policy \
    $(O)/bench/bench_bare | \
    $(filter bench-run,$(MAKECMDGOALS))
	O=$(O) BENCH_POLICY_SECONDS=$(BENCH_POLICY_SECONDS) \
	    BENCH_POLICY_DELAY=$(BENCH_POLICY_DELAY) \
	    BENCH_POLICY_COLD=$(BENCH_POLICY_COLD) bash bench/policy/run.sh

# Instructions per request of rmxfd under callgrind (bench/policy/callgrind.sh;
# the figure that load from other work does not change).
bench-policy-callgrind:
	$(MAKE) O=$(BENCH_O) SAN= CFLAGS='$(BENCH_CFLAGS)' \
	    $(BENCH_O)/rmxfd $(BENCH_O)/tests/dnsd $(BENCH_O)/bench/bench_policy
	O=$(BENCH_O) bash bench/policy/callgrind.sh
