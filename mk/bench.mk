# make bench: the SPF engine against libspf2, figures only (bench/bench_spf.c,
# doc/benchmarks.md).  Always an optimised build without sanitizers, in its
# own tree, so the flags of the other builds never reach the figures.
#
#   make bench                        the table, the ratios, time per case
#   make bench BENCH_ARGS='-n 5000'   fewer evaluations per case (-v: why)
#   make bench BENCH_CALLGRIND=0      without the instruction counts

BENCH_O		?= build/bench-O2
BENCH_CFLAGS	?= -O2 -g
BENCH_ARGS	?=
BENCH_ZONE	?= bench/zones/realistic.zone
BENCH_CALLGRIND	?= 1
# evaluations per case under callgrind
BENCH_CG_COUNT	?= 200
BENCH_LIBS	:= -lspf2
BENCH_SPF	= $(O)/bench/bench_spf

# Helpers of bench_spf that are not programs of their own.  They come
# after the internal libraries on the link line, so they may call only libc
# and $(BENCH_LIBS).
$(O)/bench/bench_spf: $(O)/obj/bench/libspf2.o

.PHONY: bench-deps bench-run bench-callgrind

# bench-deps: libspf2 is a benchmark-only dependency (Debian libspf2-dev).
bench-deps:
	@if [ ! -f /usr/include/spf2/spf.h ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo 'bench: installing libspf2-dev'; \
			DEBIAN_FRONTEND=noninteractive apt-get install -y \
			    --no-install-recommends libspf2-dev || exit 1; \
		else \
			echo 'bench: needs libspf2-dev (apt-get install' \
			    'libspf2-dev as root)' >&2; exit 1; \
		fi; \
	fi

bench: bench-deps
	$(MAKE) O=$(BENCH_O) SAN= CFLAGS='$(BENCH_CFLAGS)' bench-run \
	    bench-policy-run bench-milter-run

# bench-run, bench-callgrind: the steps of `make bench`, in $(O) as it is.
bench-run: $(BENCH_BINS)
	$(BENCH_SPF) -z $(BENCH_ZONE) $(BENCH_ARGS)
	@if [ '$(BENCH_CALLGRIND)' = 1 ] && command -v valgrind >/dev/null; \
	then $(MAKE) --no-print-directory bench-callgrind; fi

# Instructions per evaluation, counted inside bench_loop() only: the timed
# evaluations, not loading, listing or warm-up.
bench-callgrind: $(BENCH_BINS)
	@echo
	@echo 'instructions per evaluation' \
	    '(callgrind, $(BENCH_CG_COUNT) per case):'
	@for impl in rmxf rmxf+headers rmxf+rcache rmxf+rc+hdr libspf2; do \
		out=$(O)/bench/callgrind.$$impl; \
		valgrind --tool=callgrind --toggle-collect=bench_loop \
		    --callgrind-out-file=$$out.out \
		    $(BENCH_SPF) -z $(BENCH_ZONE) -o $$impl \
		    -n $(BENCH_CG_COUNT) -w 1 >$$out.txt 2>$$out.log || { \
			echo "  $$impl: callgrind failed, see $$out.log"; \
			continue; \
		}; \
		evals=$$(awk -v i="$$impl" \
		    '$$1 == i && $$2 ~ /^[0-9]+$$/ { print $$2; exit }' \
		    $$out.txt); \
		ir=$$(awk '/^(summary|totals):/ { print $$2; exit }' \
		    $$out.out); \
		awk -v i="$$impl" -v e="$$evals" -v n="$$ir" 'BEGIN { \
		    printf "  %-14s %12.0f instructions/eval\n", i, n / e }'; \
	done

include mk/bench-policy.mk
include mk/bench-milter.mk
include mk/bench-dkim.mk
