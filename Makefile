# rmxf - sender authentication for Postfix.  One non-recursive GNU Makefile.
#
#   make                 build/rmxf (and the test programs' libraries)
#   make check           install missing Debian packages (as root), build,
#                        run every test, also under ASan+UBSan
#   make run             build and run the main job
#   make bench           benchmarks that print figures
#   make fuzz            run each libFuzzer target for FUZZ_SECONDS
#   make O=DIR SAN=address,undefined   an out-of-tree sanitizer build
#   make install         DESTDIR, PREFIX (default /usr/local): mk/install.mk
#   make deb             the Debian package into build/deb/ (mk/deb.mk)
#
# Honours CC CFLAGS CPPFLAGS LDFLAGS; WERROR=1 adds -Werror.

O		?= build
SAN		?=
WERROR		?=
FUZZ_SECONDS	?= 60
PKG_CONFIG	?= pkg-config

include mk/config.mk

# Internal static libraries, in link order (a library may use the ones
# after it, never the ones before); a module without sources yet is left
# out.
have_src	= $(foreach l,$(1),$(if $(wildcard src/$(l)/*.c),$(l)))
LIBS		:= $(call have_src,mda env dns auth check dmarc dkim ses socketmap \
		    milter policy \
		    conf acl spf util)
PURE_LIBS	:= $(call have_src,spf policy conf acl auth check dmarc dkim ses \
		    socketmap milter)

lib_srcs	= $(wildcard src/$(1)/*.c)
lib_objs	= $(patsubst src/%.c,$(O)/obj/%.o,$(call lib_srcs,$(1)))
LIB_FILES	:= $(foreach l,$(LIBS),$(O)/lib/lib$(l).a)

CLI_SRCS	:= $(wildcard src/cli/*.c)
CLI_OBJS	:= $(patsubst src/%.c,$(O)/obj/%.o,$(CLI_SRCS))

UNIT_SRCS	:= $(wildcard tests/unit/test_*.c)
UNIT_BINS	:= $(patsubst tests/unit/%.c,$(O)/tests/%,$(UNIT_SRCS))
TESTLIB_SRCS	:= $(wildcard tests/lib/*.c)
TESTLIB_OBJS	:= $(patsubst tests/%.c,$(O)/obj/tests/%.o,$(TESTLIB_SRCS))

TOOL_NAMES	:= $(notdir $(wildcard tests/tools/*))
TOOL_BINS	:= $(foreach t,$(TOOL_NAMES),$(O)/tests/$(t))

FUZZ_SRCS	:= $(wildcard fuzz/fuzz_*.c)
FUZZ_NAMES	:= $(patsubst fuzz/%.c,%,$(FUZZ_SRCS))
REPLAY_BINS	:= $(patsubst %,$(O)/fuzz/replay_%,$(FUZZ_NAMES))

BENCH_SRCS	:= $(wildcard bench/bench_*.c)
BENCH_BINS	:= $(patsubst bench/%.c,$(O)/bench/%,$(BENCH_SRCS))

.PHONY: all tests check run bench fuzz lint clean \
	deps unit-test suite-test dns-suite-test fuzz-replay man-lint

all: $(O)/rmxf

tests: $(UNIT_BINS) $(TOOL_BINS) $(REPLAY_BINS)

include mk/rules.mk
include mk/daemon.mk
include mk/check.mk
include mk/run.mk
include mk/bench.mk
include mk/install.mk
include mk/deb.mk
