# kjump: plain Makefile. See README.md and CONTRIBUTING.md.
#
#   make            build/kjump (static), build/libkjump.a, the payloads
#   make check      unit tests, then every VM scenario (installs what it needs)
#   make demo       the main job in a qemu guest
#   make kernel     the test kernel (cached outside the checkout)

CC      ?= cc
O       := build
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

WARNINGS := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wstrict-prototypes \
	-Wmissing-prototypes -Wpointer-arith -Wcast-align -Wwrite-strings \
	-Wundef -Wvla -Wimplicit-fallthrough -Wnull-dereference -Wconversion \
	-Wno-sign-conversion
CFLAGS   ?= -O2 -g
CFLAGS   += -std=gnu11 $(WARNINGS) -D_GNU_SOURCE -D_FORTIFY_SOURCE=2 \
	-Iinclude -MMD -MP
LDFLAGS_STATIC := -static

LIB_SRCS   := $(wildcard lib/*.c)
TOOL_SRCS  := $(wildcard tools/*.c)
UNIT_SRCS  := $(wildcard tests/unit/*.c)
WORK_SRCS  := $(wildcard tests/vm/workload/*.c)
PAYLOADS   := $(patsubst examples/%.S,$(O)/payloads/%.bin,$(wildcard examples/*.S))

LIB_OBJS  := $(LIB_SRCS:%.c=$(O)/%.o)
TOOL_OBJS := $(TOOL_SRCS:%.c=$(O)/%.o)
UNIT_OBJS := $(UNIT_SRCS:%.c=$(O)/%.o)
WORKLOADS := $(WORK_SRCS:tests/vm/workload/%.c=$(O)/workload/%)

.PHONY: all check check-unit check-vm demo kernel deps clean
all: $(O)/kjump $(O)/libkjump.a $(PAYLOADS) $(WORKLOADS)

$(O)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -DKJUMP_VERSION='"$(VERSION)"' -c -o $@ $<

$(O)/libkjump.a: $(LIB_OBJS)
	$(AR) rcs $@ $^

$(O)/kjump: $(TOOL_OBJS) $(O)/libkjump.a
	$(CC) $(LDFLAGS_STATIC) -o $@ $^

$(O)/payloads/%.bin: examples/%.S
	@mkdir -p $(dir $@)
	$(CC) -c -o $(O)/payloads/$*.o $<
	objcopy -O binary -j .text $(O)/payloads/$*.o $@

$(O)/workload/%: tests/vm/workload/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS_STATIC) -o $@ $<

$(O)/unit-tests: $(UNIT_OBJS) $(O)/libkjump.a
	$(CC) -o $@ $^

# Tests can reach into lib/ for its private headers.
$(UNIT_OBJS): CFLAGS += -Ilib

check-unit: $(O)/unit-tests $(O)/kjump
	tests/unit/run

check-vm: all
	tests/vm/run

check:
	tests/check

demo:
	tests/demo

kernel:
	kernel/build

deps:
	scripts/deps

clean:
	rm -rf $(O)

-include $(shell find $(O) -name '*.d' 2>/dev/null)
