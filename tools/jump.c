// SPDX-License-Identifier: GPL-2.0-or-later
/* kjump jump, back, unload: moving between the running kernel and B. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tool.h"

#define VMCORE_PATH "/proc/vmcore"

/* Commands without options: only --help. */
static int no_args(int argc, char **argv, const char *usage)
{
	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		fputs(usage, stdout);
		return -1;
	}
	if (argc > 1) {
		error("unexpected argument '%s'", argv[1]);
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	return 0;
}

/* The first jump back loads the way back; later ones reuse it (see
 * kj_jump_back_load() for why they must). */
static int load_way_back(uint64_t entry)
{
	struct load_state st;
	struct kj_vmcore *vc;
	int err;

	if (kexec_loaded() && !state_read(&st) && st.entry == entry)
		return 0;
	err = kj_vmcore_open(VMCORE_PATH, &vc);
	if (err) {
		error("cannot open %s: %s", VMCORE_PATH, strerror(-err));
		hint("B needs CONFIG_PROC_VMCORE and elfcorehdr= on its command line");
		return err;
	}
	err = kj_jump_back_load(vc, entry);
	kj_vmcore_close(vc);
	if (err) {
		error("cannot load the jump back to 0x%llx: %s",
		      (unsigned long long)entry, strerror(-err));
		return err;
	}
	memset(&st, 0, sizeof(st));
	snprintf(st.kernel, sizeof(st.kernel), "jump back");
	st.entry = entry;
	if (state_write(&st))
		error("cannot record the jump back under /run/kjump");
	return 0;
}

static int jump_back(void)
{
	struct timespec t0;
	uint64_t entry;
	int err = own_jump_back_entry(&entry);

	if (err) {
		error("no kexec_jump_back_entry= on /proc/cmdline: this kernel was not started by 'kjump load'");
		return EXIT_FAILED;
	}
	if (require_kexec_jump() || load_way_back(entry))
		return EXIT_FAILED;
	note("jumping back to 0x%llx", (unsigned long long)entry);
	sync();
	start_clock(&t0);
	err = kj_kexec_jump();
	if (err) {
		error("cannot jump back to 0x%llx: %s", (unsigned long long)entry,
		      strerror(-err));
		return EXIT_FAILED;
	}
	note("resumed after %.3f s away", seconds_since(&t0));
	return 0;
}

static int jump_forward(void)
{
	struct load_state st;
	struct timespec t0;
	int err;

	if (require_kexec_jump())
		return EXIT_FAILED;
	if (!kexec_loaded()) {
		error("nothing is loaded to jump to");
		hint("run 'kjump load' first");
		return EXIT_FAILED;
	}
	state_read(&st);
	note(st.jumps ? "jumping to B, where it stopped (jump %u)"
		      : "jumping to B, to start it (jump %u)", st.jumps + 1);
	sync();
	start_clock(&t0);
	err = kj_kexec_jump();
	if (err) {
		error("the jump failed: %s", strerror(-err));
		return EXIT_FAILED;
	}
	st.jumps++;
	state_write(&st);
	note("back from B after %.3f s", seconds_since(&t0));
	return 0;
}

int cmd_jump(int argc, char **argv)
{
	uint64_t entry;
	int r = no_args(argc, argv,
			"usage: kjump jump\n\n"
			"Jumps to what 'kjump load' loaded: B's start the first time, then B\n"
			"where it stopped. Returns when B jumps back. In B, the same as\n"
			"'kjump back'.\n");

	if (r)
		return r < 0 ? 0 : r;
	return own_jump_back_entry(&entry) ? jump_forward() : jump_back();
}

int cmd_back(int argc, char **argv)
{
	int r = no_args(argc, argv,
			"usage: kjump back\n\n"
			"In B: jumps back to the kernel that started it, to the re-entry point\n"
			"on /proc/cmdline (kexec_jump_back_entry=). Returns when that kernel\n"
			"jumps to B again.\n");

	return r ? (r < 0 ? 0 : r) : jump_back();
}

int cmd_unload(int argc, char **argv)
{
	int err, r = no_args(argc, argv,
			     "usage: kjump unload\n\nUnloads what 'kjump load' loaded.\n");

	if (r)
		return r < 0 ? 0 : r;
	if (require_kexec_jump())
		return EXIT_FAILED;
	err = kj_kexec_unload();
	if (err) {
		error("cannot unload: %s", strerror(-err));
		return EXIT_FAILED;
	}
	state_remove();
	note("unloaded");
	return 0;
}
