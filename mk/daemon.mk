# rmxfd, the policy daemon: src/daemon/*.c is a program, not a library;
# it links every internal library.

DAEMON_SRCS	:= $(wildcard src/daemon/*.c)
DAEMON_OBJS	:= $(patsubst src/%.c,$(O)/obj/%.o,$(DAEMON_SRCS))

all: $(O)/rmxfd

$(O)/rmxfd: $(DAEMON_OBJS) $(LIB_FILES)
	$(CC) $(ALL_LDFLAGS) -o $@ $(DAEMON_OBJS) $(LIB_FILES) $(PKG_LIBS)

-include $(DAEMON_OBJS:.o=.d)
