// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What kjump remembers about its load between commands, in a small text
 * file under /run (gone at reboot, like the load itself): key=value lines.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flow/flow.h"

#define STATE_FILE KJ_RUN_DIR "/loaded"

static int write_to(const char *path, const struct kj_load_state *st)
{
	char tmp[128];
	FILE *f;

	mkdir(KJ_RUN_DIR, 0755);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return -errno;
	fprintf(f, "kernel=%s\ninitrd=%s\nentry=0x%llx\nkernel_entry=0x%llx\n"
		   "jumps=%u\nresident=0x%llx\nstamp=%s\n", st->kernel, st->initrd,
		(unsigned long long)st->entry,
		(unsigned long long)st->kernel_entry, st->jumps,
		(unsigned long long)st->resident, st->stamp);
	if (st->crash_known)
		fprintf(f, "crash_left=%lld\n", (long long)st->crash_left);
	if (st->slot)
		fprintf(f, "slot=%u\nslot_size=0x%llx\nappend=%s\nreentry=0x%llx\n",
			st->slot, (unsigned long long)st->slot_size, st->append,
			(unsigned long long)st->reentry);
	if (fclose(f))
		return -errno;
	return rename(tmp, path) ? -errno : 0;
}

static void slot_path(char *buf, size_t size, unsigned n)
{
	snprintf(buf, size, KJ_RUN_DIR "/slot-%u", n);
}

/* The load, and a kernel in a slot also in its slot's file. */
int kj_load_state_write(const struct kj_load_state *st)
{
	char path[64];
	int err = write_to(STATE_FILE, st);

	if (!err && st->slot) {
		slot_path(path, sizeof(path), st->slot);
		err = write_to(path, st);
	}
	return err;
}

static void set_crash_left(struct kj_load_state *st, const char *val)
{
	char *end;

	st->crash_left = strtoll(val, &end, 10);
	st->crash_known = end != val && !*end && st->crash_left >= 0;
}

static void set_field(struct kj_load_state *st, const char *key, const char *val)
{
	if (!strcmp(key, "kernel"))
		snprintf(st->kernel, sizeof(st->kernel), "%s", val);
	else if (!strcmp(key, "initrd"))
		snprintf(st->initrd, sizeof(st->initrd), "%s", val);
	else if (!strcmp(key, "entry"))
		st->entry = strtoull(val, NULL, 0);
	else if (!strcmp(key, "kernel_entry"))
		st->kernel_entry = strtoull(val, NULL, 0);
	else if (!strcmp(key, "jumps"))
		st->jumps = (unsigned int)strtoul(val, NULL, 0);
	else if (!strcmp(key, "resident"))
		st->resident = strtoull(val, NULL, 0);
	else if (!strcmp(key, "stamp"))
		snprintf(st->stamp, sizeof(st->stamp), "%s", val);
	else if (!strcmp(key, "slot"))
		st->slot = (unsigned int)strtoul(val, NULL, 0);
	else if (!strcmp(key, "slot_size"))
		st->slot_size = strtoull(val, NULL, 0);
	else if (!strcmp(key, "append"))
		snprintf(st->append, sizeof(st->append), "%s", val);
	else if (!strcmp(key, "reentry"))
		st->reentry = strtoull(val, NULL, 0);
	else if (!strcmp(key, "crash_left"))
		set_crash_left(st, val);
}

static int read_from(const char *path, struct kj_load_state *st)
{
	char line[4200];
	FILE *f = fopen(path, "r");

	memset(st, 0, sizeof(*st));
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char *eq = strchr(line, '=');

		if (!eq)
			continue;
		*eq = '\0';
		eq[strcspn(eq + 1, "\n") + 1] = '\0';
		set_field(st, line, eq + 1);
	}
	fclose(f);
	return 0;
}

int kj_load_state_read(struct kj_load_state *st)
{
	return read_from(STATE_FILE, st);
}

int kj_slot_state_read(unsigned n, struct kj_load_state *st)
{
	char path[64];

	slot_path(path, sizeof(path), n);
	return read_from(path, st);
}

void kj_load_state_remove(void)
{
	unlink(STATE_FILE);
}

bool kj_kexec_loaded(void)
{
	FILE *f = fopen("/sys/kernel/kexec_loaded", "r");
	int c = f ? fgetc(f) : EOF;

	if (f)
		fclose(f);
	return c == '1';
}

int kj_own_jump_back_entry(uint64_t *entry)
{
	char *cmdline;
	size_t len;
	int err = kj_read_text("/proc/cmdline", &cmdline, &len);

	if (err)
		return err;
	err = kj_jump_back_entry(cmdline, entry);
	free(cmdline);
	return err;
}
