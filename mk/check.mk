# Test targets.  `make check` is the README's test command and CI's: it
# stops at the first failure.  Everything that speaks TAP runs under prove.
#
#   make check           deps, gcc build, unit tests, SPF suites in process,
#                        tests/cli/run.sh, tests/replay/run.sh,
#                        tests/daemon/run.sh, the DKIM interop corpus,
#                        tests/dns/run.sh, SPF suites over real DNS, fuzz
#                        corpus replay, make install and the Debian
#                        package; then clang + ASan/UBSan build, unit
#                        tests, suites, CLI, daemon and DKIM corpus
#                        tests, replay; then lint
#   make unit-test       unit tests of $(O)
#   make suite-test      the RFC 7208 and RFC 4408 suites in process
#   make dns-suite-test  both suites through dnsd and build/rmxf with no
#                        --dns: the resolvers of /etc/resolv.conf, in a
#                        private namespace (root)
#   make dkim-interop-test  rmxf message over tests/dkim/corpus: the
#                        verdicts of dkimpy, Mail::DKIM and OpenDKIM
#   make fuzz-replay     every fuzz target over its seeds
#   make lint            pure modules do no I/O (nm -u), man pages lint
#   make fuzz            each libFuzzer target for FUZZ_SECONDS (clang)
#   make install-test    make install into a scratch DESTDIR
#                        (tests/install/run.sh)
#   make deb-test        make deb, then lintian, dpkg -i, the installed
#                        rmxfd answers, dpkg --purge (tests/deb/run.sh;
#                        root, mk/deb.mk)
#   make e2e-test        tests/e2e/t_*.sh: rmxfd under a real Postfix with
#                        unbound and swaks, on loopback (root; skips
#                        what it cannot run)

ASAN_O		:= build/asan
ASAN_MAKE	:= $(MAKE) CC=clang O=$(ASAN_O) SAN=address,undefined
FUZZ_O		:= build/fuzz
SUITE_DIR	:= tests/suite/openspf
SUITE_FILES	:= $(SUITE_DIR)/rfc7208-tests.yml $(SUITE_DIR)/rfc4408-tests.yml
DEVIATIONS	:= tests/suite/deviations.txt
PROVE		:= prove -f
SUITE_EXEC	= $(O)/tests/spf_suite --inproc --summary-stderr \
		  --deviations $(DEVIATIONS)
DNS_SUITE_EXEC	:= bash tests/suite/dns-suite.sh --summary-stderr
# seconds one replay binary may take over its seeds
REPLAY_TIMEOUT	:= 600
FUZZ_BINS	:= $(patsubst %,$(O)/fuzz/%,$(FUZZ_NAMES))
PURE_LIB_FILES	:= $(foreach l,$(PURE_LIBS),$(O)/lib/lib$(l).a)

export O
export CMOCKA_MESSAGE_OUTPUT := TAP
export UBSAN_OPTIONS ?= print_stacktrace=1

.PHONY: script-test cli-test replay-test daemon-test dns-test e2e-test fuzz-bins \
	install-test dkim-interop-test

deps:
	@sh tools/deps.sh

check: deps
	$(MAKE) all tests
	$(MAKE) unit-test
	$(MAKE) suite-test
	$(MAKE) cli-test
	$(MAKE) replay-test
	$(MAKE) script-test
	$(MAKE) daemon-test
	$(MAKE) dkim-interop-test
	$(MAKE) dns-test
	$(MAKE) dns-suite-test
	$(MAKE) fuzz-replay
	$(MAKE) install-test
	$(MAKE) deb-test
	$(ASAN_MAKE) all tests
	$(ASAN_MAKE) unit-test
	$(ASAN_MAKE) suite-test
	$(ASAN_MAKE) cli-test
	$(ASAN_MAKE) daemon-test
	$(ASAN_MAKE) dkim-interop-test
	$(ASAN_MAKE) replay-test
	$(ASAN_MAKE) script-test
	$(ASAN_MAKE) fuzz-replay
	$(MAKE) lint
	$(MAKE) e2e-test
	@echo "check: all passed"

# unit-test: every unit test binary of $(O).
unit-test: tests
	$(PROVE) $(UNIT_BINS)

# suite-test: both suites in process, through the zone resolver.
suite-test: tests
	$(PROVE) --exec '$(SUITE_EXEC)' $(SUITE_FILES)

# dns-suite-test: both suites over real DNS, each scenario's zone served
# by dnsd on 127.0.0.1:53 of a private namespace whose /etc/resolv.conf
# names it; rmxf check is given no --dns (tests/suite/dns-suite.sh).
dns-suite-test: all tests
	$(PROVE) --exec '$(DNS_SUITE_EXEC)' $(SUITE_FILES)

# cli-test: golden-file tests of rmxf check and rmxf message.
cli-test: all
	RMXF=$(O)/rmxf $(PROVE) --exec sh tests/cli/run.sh

# replay-test: golden-file tests of rmxf replay (the check pipeline).
replay-test: all
	RMXF=$(O)/rmxf $(PROVE) --exec sh tests/replay/run.sh

# dkim-interop-test: rmxf message over the DKIM interop corpus, whose
# verdicts are those of dkimpy, Mail::DKIM and OpenDKIM (each run again
# on the corpus when installed); tests/dkim/corpus/README.
dkim-interop-test: all
	RMXF=$(O)/rmxf $(PROVE) --exec sh tests/dkim/run.sh

# script-test: each tests/NAME/run.sh of SCRIPT_TESTS under prove, with
# RMXF and RMXFD naming this build's programs.
SCRIPT_TESTS	:= ses srs socketmap procmail
SCRIPT_RUNS	:= $(foreach t,$(SCRIPT_TESTS),tests/$(t)/run.sh)
script-test: all tests $(O)/rmxfd
	RMXF=$(O)/rmxf RMXFD=$(O)/rmxfd O=$(O) $(PROVE) --exec bash \
	    $(SCRIPT_RUNS)

# daemon-test: rmxfd over unix and inet sockets against dnsd
# (tests/daemon/run.sh); where its log goes, with and without a syslog
# daemon (tests/daemon/log.sh); the Milter front end
# (tests/daemon/milter.sh).
daemon-test: all tests
	$(PROVE) --exec bash tests/daemon/run.sh tests/daemon/log.sh \
	    tests/daemon/attack.sh tests/daemon/metrics.sh \
	    tests/daemon/milter.sh tests/daemon/milter_dkim.sh

# install-test: make install DESTDIR=scratch PREFIX=/usr, the file list,
# a second install over an edited rmxf.conf (tests/install/run.sh).
install-test: all
	O=$(O) $(PROVE) --exec bash tests/install/run.sh

# dns-test: the dns module's integration script.
dns-test: all tests
	$(PROVE) --exec bash tests/dns/run.sh

# e2e-test: every tests/e2e/t_*.sh, each at most E2E_TIMEOUT seconds.
E2E_TIMEOUT	:= 300
E2E_TESTS	:= $(wildcard tests/e2e/t_*.sh)
e2e-test: all tests
	$(PROVE) --exec 'timeout $(E2E_TIMEOUT) bash' $(E2E_TESTS)

# fuzz-replay: each replay_fuzz_X over fuzz/seeds/fuzz_X/ (its own TAP;
# prove cannot take a directory as a test, so the exit status decides).
# A target without seeds fails.
fuzz-replay: tests
	@set -e; for b in $(REPLAY_BINS); do \
		n=$${b##*/replay_}; \
		if [ ! -d fuzz/seeds/$$n ]; then \
			echo "fuzz-replay: no fuzz/seeds/$$n" >&2; \
			exit 1; \
		fi; \
		echo "timeout $(REPLAY_TIMEOUT) $$b fuzz/seeds/$$n/"; \
		timeout $(REPLAY_TIMEOUT) $$b fuzz/seeds/$$n/; \
	done

# lint: pure modules do no I/O; man pages.  Formatting is not checked:
# the house style (KNF, tabs, 4-space continuation lines, declarations
# aligned with tabs) is one clang-format does not reproduce.
lint: $(LIB_FILES)
	sh tools/lint-pure.sh $(PURE_LIB_FILES) -- $(O)/lib/libutil.a \
	    $(PURE_LIB_FILES)
	$(MAKE) man-lint

man-lint:
	mandoc -Tlint -Wwarning doc/*.[1-8]

# fuzz: libFuzzer builds of every fuzz/fuzz_*.c, each run FUZZ_SECONDS
# over a copy of its seeds; crashes land in $(FUZZ_O)/artifacts.
$(O)/fuzz/fuzz_%: $(O)/obj/fuzz/fuzz_%.o $(LIB_FILES)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -fsanitize=fuzzer -o $@ $< $(LIB_FILES) $(PKG_LIBS)

fuzz-bins: $(FUZZ_BINS)

fuzz:
	$(MAKE) CC=clang O=$(FUZZ_O) SAN=fuzzer-no-link,address,undefined \
	    fuzz-bins
	@set -e; mkdir -p $(FUZZ_O)/artifacts; \
	for n in $(FUZZ_NAMES); do \
		mkdir -p $(FUZZ_O)/corpus/$$n; \
		if [ -d fuzz/seeds/$$n ]; then \
			cp -R fuzz/seeds/$$n/. $(FUZZ_O)/corpus/$$n/; \
		fi; \
		dict=; \
		if [ -f fuzz/dict/$$n.dict ]; then \
			dict=-dict=fuzz/dict/$$n.dict; \
		fi; \
		echo "$$n: $(FUZZ_SECONDS) s"; \
		timeout $$(($(FUZZ_SECONDS) + 60)) $(FUZZ_O)/fuzz/$$n \
		    -max_total_time=$(FUZZ_SECONDS) \
		    -artifact_prefix=$(FUZZ_O)/artifacts/$$n- $$dict \
		    $(FUZZ_O)/corpus/$$n; \
	done
