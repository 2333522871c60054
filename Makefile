# kjump: plain Makefile. See README.md and CONTRIBUTING.md.
#
#   make            build/kjump (static), build/libkjump.a, the payloads
#   make check      unit tests, then every VM scenario (installs what it needs)
#   make demo       the main job in a qemu guest
#   make kernel     the test kernel (cached outside the checkout)
#   make install    into PREFIX (/usr/local), under DESTDIR if given
#   make deb        build/kjump_VERSION_amd64.deb (PREFIX=/usr)

CC      ?= cc
O       := build
VERSION := 0.1$(shell git rev-parse --short HEAD 2>/dev/null | sed 's/^/-g/')
# Where make install puts kjump; the binary looks for its own files in
# KJ_LIBDIR (include/kjump.h), so a build is made for one PREFIX.
PREFIX    ?= /usr/local
KJ_LIBDIR := $(PREFIX)/lib/kjump

WARNINGS := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wstrict-prototypes \
	-Wmissing-prototypes -Wpointer-arith -Wcast-align -Wwrite-strings \
	-Wundef -Wvla -Wimplicit-fallthrough -Wnull-dereference -Wconversion \
	-Wno-sign-conversion
CFLAGS   ?= -O2 -g
CFLAGS   += -std=gnu11 $(WARNINGS) -D_GNU_SOURCE -D_FORTIFY_SOURCE=2 \
	-Iinclude -MMD -MP
# The library's own folders (lib/common/internal.h...) and the purgatory's
# parameter block; the tools see include/ only.
# Symbols not declared in a public header stay hidden (see libkjump.a).
LIB_CFLAGS := -Ilib -Ipurgatory -Iphyscall -fvisibility=hidden
LDFLAGS_STATIC := -static

LIB_SRCS   := $(wildcard lib/*/*.c)
LIB_HDRS   := $(wildcard lib/*/*.h include/*.h)
TOOL_SRCS  := $(wildcard tools/*.c)
UNIT_SRCS  := $(wildcard tests/unit/*.c)
WORK_SRCS  := $(wildcard tests/vm/workload/*.c)
PAYLOADS   := $(patsubst examples/%.S,$(O)/payloads/%.bin,$(wildcard examples/*.S)) \
	$(patsubst examples/%.c,$(O)/payloads/%.bin,$(wildcard examples/*.c))

BLOB_OBJS := $(O)/lib/kexec/purgatory_blob.o $(O)/lib/kexec/physcall_blob.o
LIB_OBJS  := $(LIB_SRCS:%.c=$(O)/%.o) $(BLOB_OBJS)
TOOL_OBJS := $(TOOL_SRCS:%.c=$(O)/%.o)
UNIT_OBJS := $(UNIT_SRCS:%.c=$(O)/%.o)
WORKLOADS := $(WORK_SRCS:tests/vm/workload/%.c=$(O)/workload/%)

# make V=1 shows every command.
ifneq ($(V),1)
Q   := @
say  = @echo "  $(1)	$(2)";
endif

.PHONY: all check check-unit check-vm demo kernel kernel-deb deps clean
all: deps $(O)/kjump $(O)/libkjump.a $(PAYLOADS) $(WORKLOADS)

# Installs the build's Debian packages if any is missing (needs root then).
deps:
	$(Q)scripts/deps build

$(O)/%.o: %.c | deps
	@mkdir -p $(dir $@)
	$(call say,CC,$@)$(CC) $(CFLAGS) -c -o $@ $<

# A file that holds one build setting, rewritten only when the setting
# changes: what depends on it is rebuilt then, and only then.
stamp = @mkdir -p $(O); echo '$(1)' | cmp -s - $@ || echo '$(1)' >$@

# Only main.c carries the version; it is rebuilt when the version changes.
$(O)/tools/main.o: CFLAGS += -DKJUMP_VERSION='"$(VERSION)"'
$(O)/tools/main.o: $(O)/version
$(O)/version: FORCE
	$(call stamp,$(VERSION))
.PHONY: FORCE

# KJ_LIBDIR likewise, for the sources that name it or KJ_DEFAULT_INITRD
# (not through a macro of another header: this greps the .c files).
# Without the flag, kjump.h says /usr/lib/kjump.
LIBDIR_OBJS := $(patsubst %.c,$(O)/%.o,\
	$(shell grep -l 'KJ_LIBDIR\|KJ_DEFAULT_INITRD' $(LIB_SRCS) $(TOOL_SRCS)))
$(LIBDIR_OBJS): CFLAGS += -DKJ_LIBDIR='"$(KJ_LIBDIR)"'
$(LIBDIR_OBJS): $(O)/libdir
$(O)/libdir: FORCE
	$(call stamp,$(KJ_LIBDIR))

# The purgatory: freestanding, position independent, linked flat.
PURG_CFLAGS := -std=gnu11 -O2 -Wall -Wextra -Werror -ffreestanding -fpie \
	-fno-stack-protector -fno-asynchronous-unwind-tables -mno-red-zone \
	-mgeneral-regs-only -fno-builtin -nostdlib -Ipurgatory
PURG_OBJS := $(O)/purgatory/entry.o $(O)/purgatory/main.o

$(O)/purgatory/%.o: purgatory/%.S purgatory/purgatory.h
	@mkdir -p $(dir $@)
	$(call say,AS,$@)$(CC) $(PURG_CFLAGS) -c -o $@ $<

$(O)/purgatory/%.o: purgatory/%.c purgatory/purgatory.h
	@mkdir -p $(dir $@)
	$(call say,CC,$@)$(CC) $(PURG_CFLAGS) -c -o $@ $<

$(O)/purgatory/purgatory.bin: $(PURG_OBJS) purgatory/purgatory.lds
	$(call flat,$(O)/purgatory/purgatory,$(PURG_OBJS))

$(O)/lib/kexec/purgatory_blob.o: lib/kexec/purgatory_blob.S $(O)/purgatory/purgatory.bin
	@mkdir -p $(dir $@)
	$(call say,AS,$@)$(CC) -DPURGATORY_BIN='"$(O)/purgatory/purgatory.bin"' -c -o $@ $<

# physcall/: the stub of every `kjump call` and the BIOS payloads
# (doc/call.md), freestanding and flat like the purgatory.
PHYSCALL_BLOBS := $(O)/physcall/stub.bin $(O)/physcall/e820.bin

$(O)/physcall/%.o: physcall/%.S physcall/physcall.h
	@mkdir -p $(dir $@)
	$(call say,AS,$@)$(CC) $(PURG_CFLAGS) -Iphyscall -c -o $@ $<

# flat NAME OBJS: link OBJS at 0 into NAME.elf, then NAME.bin, once
# purgatory/check-pic finds no absolute relocation.
define flat
	$(Q)purgatory/check-pic $(2)
	$(call say,LD,$(1).bin)$(LD) -nostdlib --no-warn-rwx-segments -T purgatory/purgatory.lds -o $(1).elf $(2)
	$(Q)objcopy -O binary $(1).elf $(1).bin
endef

$(O)/physcall/%.bin: $(O)/physcall/%.o purgatory/purgatory.lds
	$(call flat,$(O)/physcall/$*,$<)

$(O)/lib/kexec/physcall_blob.o: lib/kexec/physcall_blob.S $(PHYSCALL_BLOBS)
	@mkdir -p $(dir $@)
	$(call say,AS,$@)$(CC) -DSTUB_BIN='"$(O)/physcall/stub.bin"' \
		-DE820_BIN='"$(O)/physcall/e820.bin"' -c -o $@ $<

# Dependencies inside lib/ point one way (CONTRIBUTING.md): an include
# that breaks the rule stops the build before anything is compiled, and a
# symbol used across the rule stops it before the library is made.
TOOL_HDRS := $(wildcard tools/*.h)
$(O)/layers.ok: scripts/check-layers $(LIB_SRCS) $(LIB_HDRS) $(TOOL_SRCS) $(TOOL_HDRS)
	@mkdir -p $(O)
	$(call say,LAYERS,lib tools)scripts/check-layers includes
	@touch $@
$(LIB_OBJS) $(TOOL_OBJS): | $(O)/layers.ok

# The library the tools link: one relocatable object whose only global
# symbols are the public headers' (the rest were compiled hidden and are
# made local here), so a tool cannot reach past include/kjump.h.
$(O)/libkjump.a: $(LIB_OBJS) scripts/check-layers
	$(Q)scripts/check-layers symbols $(filter-out $(BLOB_OBJS),$(LIB_OBJS))
	$(call say,LD,$(O)/libkjump.o)$(LD) -r -o $(O)/libkjump.o $(LIB_OBJS)
	$(Q)objcopy --localize-hidden $(O)/libkjump.o
	$(Q)rm -f $@
	$(call say,AR,$@)$(AR) rcs $@ $(O)/libkjump.o

# Everything, hidden symbols included: for unit tests, test helpers, bench.
$(O)/libkjump-internal.a: $(LIB_OBJS)
	$(Q)rm -f $@
	$(call say,AR,$@)$(AR) rcs $@ $^

LIBS := -llz4 -lzstd -lxxhash -lsodium -lpthread

$(O)/kjump: $(TOOL_OBJS) $(O)/libkjump.a
	$(call say,LD,$@)$(CC) $(LDFLAGS_STATIC) -o $@ $^ $(LIBS)

$(O)/payloads/%.bin: examples/%.S
	@mkdir -p $(dir $@)
	$(call say,AS,$@)$(CC) -c -o $(O)/payloads/$*.o $<
	$(Q)objcopy -O binary -j .text $(O)/payloads/$*.o $@

# C payloads: freestanding, flat, entered at _start (.text.entry).
$(O)/payloads/%.bin: examples/%.c physcall/physcall.h purgatory/purgatory.lds
	@mkdir -p $(dir $@)
	$(call say,CC,$(O)/payloads/$*.o)$(CC) $(PURG_CFLAGS) -Iphyscall -c -o $(O)/payloads/$*.o $<
	$(call flat,$(O)/payloads/$*,$(O)/payloads/$*.o)

$(O)/workload/%: tests/vm/workload/%.c | deps
	@mkdir -p $(dir $@)
	$(call say,CC,$@)$(CC) $(CFLAGS) $(LDFLAGS_STATIC) -o $@ $<

$(O)/unit-tests: $(UNIT_OBJS) $(O)/libkjump-internal.a
	$(call say,LD,$@)$(CC) -o $@ $^ $(LIBS)

# Helpers for the shell-level tests: a core file maker, an image damager,
# a disk fingerprinter.
TEST_TOOLS := $(O)/tests/mkcore $(O)/tests/imgcorrupt $(O)/tests/diskprint
$(O)/tests/%: tests/tools/%.c $(O)/libkjump-internal.a
	@mkdir -p $(dir $@)
	$(call say,CC,$@)$(CC) $(CFLAGS) $(LIB_CFLAGS) -o $@ $< $(O)/libkjump-internal.a $(LIBS)

# Tests can reach into lib/ for its private headers.
$(LIB_OBJS) $(UNIT_OBJS): CFLAGS += $(LIB_CFLAGS)

# Fuzz targets: libFuzzer and AddressSanitizer, from Debian's clang.
FUZZ_CC     := clang
FUZZ_CFLAGS := -g -O1 -std=gnu11 -D_GNU_SOURCE -Iinclude -Ilib -Ipurgatory -Iphyscall \
	-fsanitize=fuzzer-no-link,address,undefined
FUZZ_LIB    := $(LIB_SRCS:%.c=$(O)/fuzz/%.o) $(BLOB_OBJS)
# One target a parser: tests/fuzz/fuzz_NAME.c.
FUZZ_BINS   := $(patsubst tests/fuzz/%.c,$(O)/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))

$(O)/fuzz/lib/%.o: lib/%.c | deps
	@mkdir -p $(dir $@)
	$(call say,FUZZCC,$@)$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

$(O)/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz.h $(FUZZ_LIB)
	$(call say,FUZZLD,$@)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $(filter-out %.h,$^) $(LIBS)

$(O)/bench/aead: bench/aead.c
	@mkdir -p $(dir $@)
	$(call say,CC,$@)$(CC) $(CFLAGS) $(LDFLAGS_STATIC) -o $@ $< -lsodium -lxxhash

$(O)/bench/bare: bench/bare.c $(O)/libkjump-internal.a
	@mkdir -p $(dir $@)
	$(call say,CC,$@)$(CC) $(CFLAGS) $(LIB_CFLAGS) $(LDFLAGS_STATIC) -o $@ $< $(O)/libkjump-internal.a $(LIBS)

.PHONY: bench bench-save bench-hibernate bench-debian bench-aead bench-switch
bench: bench-save bench-hibernate bench-debian bench-aead bench-switch

bench-save: all $(O)/bench/bare
	bench/save

bench-hibernate: all
	bench/hibernate

bench-switch: all
	bench/switch

bench-debian: all
	bench/debian

bench-aead: all $(O)/bench/aead
	bench/aead

.PHONY: fuzz
fuzz: $(FUZZ_BINS) $(TEST_TOOLS) $(O)/kjump

check-unit: all $(O)/unit-tests $(TEST_TOOLS)
	tests/unit/run

check-vm: all
	tests/vm/run

check:
	tests/check

demo:
	tests/demo

kernel:
	kernel/build

# The test kernel as an installable linux-image package (cached likewise).
kernel-deb:
	kernel/deb

# kjump as installed, stripped (1.8 MB, not 2.7): a copy goes into every
# initramfs, and B's is loaded into the reserved region.
$(O)/kjump.stripped: $(O)/kjump
	$(call say,STRIP,$@)strip --remove-section=.comment -o $@ $<

# B's and R's initramfs as installed: busybox and kjump, no workload.
$(O)/initrd.cpio.gz: $(O)/kjump.stripped initramfs/build initramfs/init
	$(call say,CPIO,$@)initramfs/build -o $@ --kjump $(O)/kjump.stripped

# make install [PREFIX=/usr/local] [DESTDIR=]: the Debian package's layout
# when PREFIX=/usr. The initramfs-tools hook and boot script go under
# /usr/share/initramfs-tools whatever PREFIX is: initramfs-tools looks
# there and nowhere else. dist/'s pieces are installed if they exist.
.PHONY: install uninstall deb
SBINDIR  := $(PREFIX)/sbin
MAN8DIR  := $(PREFIX)/share/man/man8
INITRAMFS_TOOLS := /usr/share/initramfs-tools
DIST_EXEC := $(wildcard dist/sleep dist/resident dist/grub.d/42_kjump \
	dist/initramfs-tools/hooks/kjump dist/initramfs-tools/scripts/local-premount/kjump)
DIST_DATA := $(wildcard dist/systemd/*)
# $(call dist_dest,dist/PATH): where a piece of dist/ is installed.
dist_dest = $(DESTDIR)$(strip $(if $(filter dist/initramfs-tools/%,$(1)),\
	$(patsubst dist/initramfs-tools/%,$(INITRAMFS_TOOLS)/%,$(1)),\
	$(patsubst dist/%,$(KJ_LIBDIR)/%,$(1))))
# $(call install_file,MODE,SOURCE,DEST): one recipe line.
define install_file
	$(call say,INSTALL,$(3))install -D -m $(1) $(2) $(3)

endef

install: $(O)/kjump.stripped $(O)/initrd.cpio.gz
	$(call install_file,0755,$(O)/kjump.stripped,$(DESTDIR)$(SBINDIR)/kjump)
	$(call install_file,0644,$(O)/initrd.cpio.gz,$(DESTDIR)$(KJ_LIBDIR)/initrd.cpio.gz)
	$(call install_file,0644,doc/kjump.8,$(DESTDIR)$(MAN8DIR)/kjump.8)
	$(foreach f,$(DIST_EXEC),$(call install_file,0755,$(f),$(call dist_dest,$(f))))
	$(foreach f,$(DIST_DATA),$(call install_file,0644,$(f),$(call dist_dest,$(f))))

# Refuses while kjump is set up here: the links and boot arguments in /etc
# would point at files no longer there.
uninstall:
	$(Q)if [ -z "$(DESTDIR)" ] && [ -e /etc/kjump/kjump.conf ]; then \
		echo "uninstall: error: kjump is set up on this system" >&2; \
		echo "uninstall: hint: run 'kjump setup --undo' first" >&2; exit 1; fi
	rm -f $(DESTDIR)$(SBINDIR)/kjump $(DESTDIR)$(MAN8DIR)/kjump.8 \
		$(DESTDIR)$(INITRAMFS_TOOLS)/hooks/kjump \
		$(DESTDIR)$(INITRAMFS_TOOLS)/scripts/local-premount/kjump
	rm -rf $(DESTDIR)$(KJ_LIBDIR)

# make deb: a make install with PREFIX=/usr into a staging folder, packed
# by dist/debian/build. Debian's version: 0.1+gitDATE.gHASH, the commit's
# date in UTC first so that a newer build sorts higher (a '-' would start
# a Debian revision).
DEB_VERSION := 0.1$(shell TZ=UTC git log -1 --format='+git%cd.g%h' \
	--date=format-local:%Y%m%d%H%M%S 2>/dev/null)
deb:
	$(Q)rm -rf $(O)/deb
	$(Q)$(MAKE) --no-print-directory install PREFIX=/usr DESTDIR=$(abspath $(O))/deb
	$(Q)dist/debian/build $(O)/deb $(DEB_VERSION) $(O)

clean:
	rm -rf $(O)

-include $(shell find $(O) -name '*.d' -type f 2>/dev/null)
