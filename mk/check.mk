# Test targets.  `make check` is the README's test command and CI's.

ASAN_O		:= build/asan
export CMOCKA_MESSAGE_OUTPUT := TAP

deps:
	@sh tools/deps.sh

# unit-test: run every unit test binary of $(O) under prove.
unit-test: tests
	prove -f $(UNIT_BINS)

check: deps
	$(MAKE) all tests
	$(MAKE) unit-test
	$(MAKE) O=$(ASAN_O) SAN=address,undefined all tests
	$(MAKE) O=$(ASAN_O) SAN=address,undefined unit-test
