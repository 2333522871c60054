// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The task of a kernel kjump started, or of a boot asked to resume, read
 * from its command line: kjump.action= (snapshot or hibernate in B,
 * restore in R), kjump.image=, kjump.compress=, kjump.extents=,
 * kjump.fill= (B: what A's free pages hold), kjump.stamp= (B: the stamp A
 * put on the target), kjump.disks= (B: the disks to fingerprint),
 * kjump.key= (B: where A's key page lies, lib/flow/handkey.c),
 * kjump.uuid= (R started by C), kjump.keyfile= (C, R: an encrypted
 * image's passphrase is its first line), kjump.action=resident (B waiting for
 * tasks in its target's stamp, resident_task), kjump.action=resume (C
 * started by a boot loader's one-shot entry under UEFI), and
 * kjump.resume= with kjump.noresume= (in C in a normal boot).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "flow/resume.h"
#include "flow/target.h"

#define ARG_MAX 4096

struct boot_args {
	char action[16], image[256], compress[16], resume[256], uuid[40];
	char fill[8], stamp[40], key[24], keyfile[256];
	char extents[ARG_MAX], disks[ARG_MAX];
	bool noresume;
};

/* Copies the value of word (key=value) into out if it is key's. */
static void take(const char *word, size_t len, const char *key, char *out,
		 size_t size)
{
	size_t k = strlen(key);

	if (len > k && !strncmp(word, key, k) && len - k < size) {
		memcpy(out, word + k, len - k);
		out[len - k] = '\0';
	}
}

/* The last of each argument counts, as with the kernel's own; over what
 * a holds already. */
static void parse_over(const char *cmdline, struct boot_args *a)
{
	char flag[4];

	while (*cmdline) {
		size_t len = strcspn(cmdline, " \t\n");

		take(cmdline, len, "kjump.action=", a->action, sizeof(a->action));
		take(cmdline, len, "kjump.image=", a->image, sizeof(a->image));
		take(cmdline, len, "kjump.compress=", a->compress, sizeof(a->compress));
		take(cmdline, len, "kjump.extents=", a->extents, sizeof(a->extents));
		take(cmdline, len, "kjump.resume=", a->resume, sizeof(a->resume));
		take(cmdline, len, "kjump.uuid=", a->uuid, sizeof(a->uuid));
		take(cmdline, len, "kjump.fill=", a->fill, sizeof(a->fill));
		take(cmdline, len, "kjump.stamp=", a->stamp, sizeof(a->stamp));
		take(cmdline, len, "kjump.disks=", a->disks, sizeof(a->disks));
		take(cmdline, len, "kjump.key=", a->key, sizeof(a->key));
		take(cmdline, len, "kjump.keyfile=", a->keyfile, sizeof(a->keyfile));
		flag[0] = '\0';
		take(cmdline, len, "kjump.noresume=", flag, sizeof(flag));
		a->noresume = *flag ? !strcmp(flag, "1") : a->noresume;
		cmdline += len;
		cmdline += strspn(cmdline, " \t\n");
	}
}

static void parse(const char *cmdline, struct boot_args *a)
{
	memset(a, 0, sizeof(*a));
	parse_over(cmdline, a);
}

/* kjump.extents=DEV:LEN,... as an extent map; x->n = 0 if there is none. */
static int extents(const struct kj_report *r, const struct boot_args *a,
		   struct kj_extents *x)
{
	char text[ARG_MAX];
	size_t bad = 0;
	int err;

	memset(x, 0, sizeof(*x));
	if (!*a->extents)
		return 0;
	for (size_t i = 0; i < sizeof(text); i++) {
		char c = a->extents[i];

		text[i] = c == ',' ? '\n' : c == ':' ? ' ' : c;
		if (!c)
			break;
	}
	err = kj_extents_parse(text, x, &bad);
	if (err)
		say_error(r, "kjump.extents= is malformed (piece %zu)", bad);
	return err;
}

/* A physical address: 0x and hex digits, not 0. */
static bool address(const char *text, uint64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoull(text, &end, 16);
	return !strncmp(text, "0x", 2) && !*end && !errno && *out;
}

/* B: save the caller, then power off (hibernate); returns otherwise. */
static int save_once(const struct kj_report *r, const struct boot_args *a)
{
	struct kj_extents x;
	bool hibernate = !strcmp(a->action, "hibernate");
	struct kj_save_core_opts o = {
		.dest = a->image, .report = r,
		.compressor = KJ_COMPRESS_LZ4, .level = 1,
		.kind = hibernate ? KJ_IMAGE_HIBERNATION : KJ_IMAGE_SNAPSHOT,
		.stamp = *a->stamp ? a->stamp : NULL,
		.free_fill = !strcmp(a->fill, "zero") ? KJ_FREE_FILL_ZERO
			     : !strcmp(a->fill, "poison") ? KJ_FREE_FILL_POISON
			     : KJ_FREE_FILL_NONE,
	};
	struct kj_disk_print disks[KJ_DISKS_MAX];
	int err = extents(r, a, &x);

	if (!err && kj_disks_parse(a->disks, disks, &o.ndisks)) {
		say_error(r, "kjump.disks= is malformed");
		err = -EINVAL;
	}
	o.disks = disks;
	if (!err && *a->key && !address(a->key, &o.key_at)) {
		say_error(r, "kjump.key=%s is malformed", a->key);
		err = -EINVAL;
	}
	if (!err && *a->compress && kj_compressor_parse(a->compress, &o.compressor, &o.level))
		say_warn(r, "unknown kjump.compress=%s: using lz4", a->compress);
	o.extents = x.n ? &x : NULL;
	say_info(r, "%s: saving into '%s'", a->action, a->image);
	if (!err)
		err = kj_save_core(&o, NULL);
	kj_extents_release(&x);
	if (!err && hibernate) {
		say_info(r, "hibernated, powering off");
		kj_power_off();
	}
	return err;
}

/* B: then go back (snapshot, or any failure: the caller must not be left
 * frozen). */
static int save_task(const struct kj_report *r, const struct boot_args *a)
{
	int err;

	save_once(r, a);
	while (!(err = kj_jump_back(r)))
		;
	say_error(r, "cannot go back to the system that started this kernel");
	return err;
}

/* B, resident ('kjump resident' in A): back to A at once, and each time A
 * comes back, the task A wrote into the target's stamp, over this
 * command line. A task that cannot be read is refused (B goes back, and
 * A finds no image). */
static int resident_task(const struct kj_report *r, const struct boot_args *a)
{
	static char task[KJ_STAMP_TASK_MAX + 1];
	static struct boot_args t;
	struct kj_extents x;
	int err = extents(r, a, &x);

	if (!err)
		say_info(r, "resident: going back; snapshots and hibernations into '%s' start here",
			 a->image);
	while (!err && !(err = kj_jump_back(r))) {
		if (kj_stamp_check(r, a->image, x.n ? &x : NULL, a->stamp, task))
			continue;
		t = *a;
		parse_over(task, &t);
		say_info(r, "resident: task: %s", task);
		if (!strcmp(t.action, "snapshot") || !strcmp(t.action, "hibernate"))
			save_once(r, &t);
		else
			say_error(r, "resident: unknown kjump.action=%s", t.action);
	}
	kj_extents_release(&x);
	say_error(r, "cannot go back to the system that started this kernel");
	return err;
}

/*
 * R, started by C (kjump.uuid= names the image it checked) or by the boot
 * loader with the arguments of kj_resume_boot_args(): write the image
 * back and jump into it. Or, under UEFI, C started by the boot loader's
 * one-shot entry with those arguments (kjump.action=resume): check the
 * image and start R. Either way this boot was only for the resume: back
 * here means it could not be, so reboot, and the next boot tries again or
 * discards the image.
 */
static int started_to_resume(const struct kj_report *r, const struct boot_args *a,
			     bool restore)
{
	const char *what = restore ? "restore" : "resume";
	struct kj_extents x;
	struct kj_resume_opts o = { .image = a->image, .report = r,
				    .uuid = restore && *a->uuid ? a->uuid : NULL,
				    .keyfile = *a->keyfile ? a->keyfile : NULL };
	int err = extents(r, a, &x);

	o.extents = x.n ? &x : NULL;
	say_info(r, "%s: from '%s'%s", what, a->image,
		 o.uuid ? ", which C checked" : ", started by the boot loader");
	if (!err)
		err = restore ? kj_restore(&o) : kj_resume(&o);
	kj_extents_release(&x);
	say_error(r, "%s failed, rebooting", what);
	kj_reboot();
	return err;
}

/* C: resume the system hibernated into kjump.resume=DEV if it can be;
 * otherwise discard it (kj_resume() does) and the boot goes on. */
static int resume_task(const struct kj_report *r, const struct boot_args *a)
{
	struct kj_resume_opts o = { .image = a->resume, .noresume = a->noresume,
				    .keyfile = *a->keyfile ? a->keyfile : NULL,
				    .report = r };
	int err;

	if (!a->noresume)
		say_info(r, "trying to resume from '%s'", a->resume);
	err = kj_resume(&o);
	say_info(r, "not resuming: booting on");
	return err;
}

int kj_boot_task(const char *cmdline, const struct kj_report *r)
{
	struct boot_args a;

	parse(cmdline, &a);
	if (!strcmp(a.action, "snapshot") || !strcmp(a.action, "hibernate"))
		return save_task(r, &a);
	if (!strcmp(a.action, "restore"))
		return started_to_resume(r, &a, true);
	if (!strcmp(a.action, "resume"))
		return started_to_resume(r, &a, false);
	if (!strcmp(a.action, "resident"))
		return resident_task(r, &a);
	if (*a.action) {
		say_error(r, "unknown kjump.action=%s: booting on", a.action);
		return -EINVAL;
	}
	return *a.resume ? resume_task(r, &a) : 0;
}
