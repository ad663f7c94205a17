# Compiler and dependency flags.

PKGS		:= libunbound libevent ldns libcrypto libpsl
PKG_CFLAGS	:= $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS	:= $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null || echo -lunbound -levent -lldns -lcrypto -lpsl)
TEST_LIBS	:= $(shell $(PKG_CONFIG) --libs cmocka yaml-0.1 2>/dev/null || echo -lcmocka -lyaml)

CFLAGS		?= -O2 -g
WARNFLAGS	:= -std=c17 -Wall -Wextra -Wshadow -Wstrict-prototypes \
		   -Wmissing-prototypes -Wpointer-arith -Wformat=2 \
		   -Wno-unused-parameter -Wvla
ifneq ($(WERROR),)
WARNFLAGS	+= -Werror
endif
ifneq ($(SAN),)
SANFLAGS	:= -fsanitize=$(SAN) -fno-omit-frame-pointer -fno-sanitize-recover=all
endif
ALL_CPPFLAGS	:= -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -Isrc $(CPPFLAGS)
ALL_CFLAGS	:= $(WARNFLAGS) $(SANFLAGS) $(PKG_CFLAGS) $(CFLAGS)
ALL_LDFLAGS	:= $(SANFLAGS) $(LDFLAGS)
