# Build rules.  Objects go under $(O)/obj mirroring the source tree;
# dependency files beside them.

# keep every object, also those only a pattern rule names
.SECONDARY:

$(O)/obj/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(O)/obj/tests/%.o: tests/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) -Itests $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(O)/obj/fuzz/%.o: fuzz/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(O)/obj/bench/%.o: bench/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

define lib_rule
$(O)/lib/lib$(1).a: $(call lib_objs,$(1))
	@mkdir -p $$(@D)
	rm -f $$@
	$(AR) rcs $$@ $$^
endef
$(foreach l,$(LIBS),$(eval $(call lib_rule,$(l))))

$(O)/rmxf: $(CLI_OBJS) $(LIB_FILES)
	$(CC) $(ALL_LDFLAGS) -o $@ $(CLI_OBJS) $(LIB_FILES) $(PKG_LIBS)

# Unit tests: one cmocka group per binary.
$(O)/tests/test_%: $(O)/obj/tests/unit/test_%.o $(TESTLIB_OBJS) $(LIB_FILES)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(TESTLIB_OBJS) $(LIB_FILES) $(PKG_LIBS) $(TEST_LIBS)

# Test tools: tests/tools/NAME/*.c is one program.
define tool_rule
$(O)/tests/$(1): $(patsubst tests/%.c,$(O)/obj/tests/%.o,$(wildcard tests/tools/$(1)/*.c)) $(TESTLIB_OBJS) $(LIB_FILES)
	@mkdir -p $$(@D)
	$(CC) $(ALL_LDFLAGS) -o $$@ $$(filter %.o,$$^) $(LIB_FILES) $(PKG_LIBS) $(TEST_LIBS)
endef
$(foreach t,$(TOOL_NAMES),$(eval $(call tool_rule,$(t))))

# Fuzz targets: replayed over their corpora by a plain main() in every
# build; linked with libFuzzer by `make fuzz` (clang).
$(O)/fuzz/replay_%: $(O)/obj/fuzz/%.o $(O)/obj/fuzz/replay_main.o $(LIB_FILES)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(O)/bench/bench_%: $(O)/obj/bench/bench_%.o $(O)/obj/bench/benchlib.o \
    $(LIB_FILES)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(BENCH_LIBS)

ALL_OBJS := $(foreach l,$(LIBS),$(call lib_objs,$(l))) $(CLI_OBJS)
-include $(ALL_OBJS:.o=.d) $(wildcard $(O)/obj/tests/*/*.d $(O)/obj/tests/tools/*/*.d $(O)/obj/fuzz/*.d $(O)/obj/bench/*.d)

clean:
	rm -rf build run
