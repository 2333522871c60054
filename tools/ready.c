// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kjump status, its first screen: will hibernation work, and if not,
 * exactly why and what to do. Each check prints one line; the first that
 * fails decides the verdict.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "setup.h"

struct ready {
	struct kj_conf conf;
	char release[128];
	char why[1024];			/* the first thing that stops it */
	char todo[512];
};

__attribute__((format(printf, 4, 5)))
static bool line(struct ready *r, bool ok, const char *label, const char *fmt, ...)
{
	char text[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	printf("%-12s %s\n", label, text);
	if (!ok && !*r->why)
		snprintf(r->why, sizeof(r->why), "%s", text);
	return ok;
}

static void todo(struct ready *r, const char *what)
{
	if (!*r->todo)
		snprintf(r->todo, sizeof(r->todo), "%s", what);
}

/* The library's own messages would repeat what the lines below say. */
static void quiet(void *ctx, enum kj_print_level level, const char *fmt, va_list ap)
{
	(void)ctx, (void)level, (void)fmt, (void)ap;
}

static const struct kj_report silent = { .print = quiet };

static bool check_kernel(struct ready *r)
{
	if (!kernel_can_jump(r->release)) {
		line(r, false, "kernel:", "%s cannot kexec-jump (no CONFIG_KEXEC_JUMP=y in /boot/config-%s)",
		     r->release, r->release);
		todo(r, *r->conf.kernel ? "reboot into the kernel 'kjump setup' chose (KERNEL= in /etc/kjump/kjump.conf)"
					: "install a kernel that can ('make kernel-deb'), then 'kjump setup'");
		return false;
	}
	if (kj_check_jump(&silent)) {
		line(r, false, "kernel:", "%s can kexec-jump, but this boot does not let it",
		     r->release);
		todo(r, "see what 'kjump load --dry-run' says (lockdown, Secure Boot, kexec_load_disabled)");
		return false;
	}
	return line(r, true, "kernel:", "%s can kexec-jump", r->release);
}

/* The region, and whether B fits it with one thread at least. */
static bool check_region(struct ready *r)
{
	struct kj_load_opts o = { .kernel = *r->conf.kernel ? r->conf.kernel : NULL,
				  .report = &silent };
	struct kj_load_plan plan;
	struct kj_system sys;
	int err = kj_load_dry_run(&o, &plan, &sys);
	uint64_t have = kj_range_size(&sys.region), need = err ? 0 : kj_region_for_save(&plan, 1);
	bool ok = !err && have >= need;

	if (!sys.has_region) {
		line(r, false, "region:", "none reserved (no crashkernel= on this boot's command line)");
		todo(r, *r->conf.region ? "reboot: the kernel command line gets the crashkernel= of /etc/default/grub.d/kjump.cfg (after update-grub)"
					: "run 'kjump setup'");
	} else if (err) {
		line(r, false, "region:", "B cannot be planned into it: %s", strerror(-err));
		todo(r, "see what 'kjump load --dry-run' says");
	} else {
		line(r, ok, "region:", "0x%llx-0x%llx, %llu MiB; B needs %llu MiB",
		     (unsigned long long)sys.region.start, (unsigned long long)sys.region.end,
		     (unsigned long long)(have >> 20), (unsigned long long)(need >> 20));
		if (!ok)
			todo(r, "run 'kjump setup' again, and reboot: it sizes the region for B");
	}
	kj_load_plan_release(&plan);
	kj_system_release(&sys);
	return ok;
}

/* The region is kjump's alone: B would overwrite a crash kernel there. */
static bool check_crash_kernel(struct ready *r)
{
	if (!kj_kexec_crash_loaded())
		return line(r, true, "kdump:", "no crash kernel loaded into the region");
	line(r, false, "kdump:", "a crash kernel is loaded into the region, where B runs and would overwrite it");
	todo(r, "unload it ('kexec -p -u'; with kdump-tools, 'kdump-config unload' and disable kdump-tools.service): kdump and kjump cannot share the region");
	return false;
}

/* The image is there and, a file, where setup recorded it: the boot
 * reads those blocks. */
static bool check_image(struct ready *r)
{
	struct kj_extents x = { 0 }, want = { 0 };
	struct stat st;
	bool moved;

	if (stat(r->conf.image, &st)) {
		line(r, false, "image:", "'%s': %s", r->conf.image, strerror(errno));
		todo(r, "run 'kjump setup' again");
		return false;
	}
	if (!*r->conf.extents)
		return line(r, true, "image:", "'%s', a block device", r->conf.image);
	moved = kj_extents_of_file(r->conf.image, &x) || read_extents(r->conf.extents, &want) ||
		x.n != want.n || memcmp(x.e, want.e, x.n * sizeof(x.e[0]));
	line(r, !moved, "image:", "'%s', %llu MiB, %s", r->conf.image,
	     (unsigned long long)(st.st_size >> 20),
	     moved ? "no longer where 'kjump setup' recorded it" : "where 'kjump setup' recorded it");
	if (moved)
		todo(r, "run 'kjump setup' again (the boot reads the blocks it recorded)");
	kj_extents_release(&x);
	kj_extents_release(&want);
	return !moved;
}

static bool newer_than_conf(const char *path)
{
	struct stat a, b;

	return !stat(path, &a) && !stat(KJ_CONF, &b) && a.st_mtime >= b.st_mtime;
}

/* What makes 'systemctl hibernate' and the boot find kjump. */
static bool check_hooks(struct ready *r)
{
	char initrd[PATH_MAX];
	bool ok;

	snprintf(initrd, sizeof(initrd), "/boot/initrd.img-%s", r->release);
	ok = line(r, newer_than_conf(initrd), "initramfs:", "%s %s", initrd,
		  newer_than_conf(initrd) ? "holds the setup of " KJ_CONF
					  : "is older than " KJ_CONF ": it holds an older setup, or none");
	if (!ok)
		todo(r, "run 'update-initramfs -u'");
	ok = line(r, !access(KJ_HIBERNATE_DROPIN, R_OK), "systemd:",
		  access(KJ_HIBERNATE_DROPIN, R_OK) ? "'systemctl hibernate' does not go through kjump (no %s)"
						    : "'systemctl hibernate' goes through kjump (%s)",
		  KJ_HIBERNATE_DROPIN) && ok;
	if (!ok)
		todo(r, "run 'kjump setup' again");
	return ok;
}

/* Once 'kjump key new' made a key, every image is encrypted: the boot
 * must have the secret key, put into the initramfs after it was made. */
static bool check_encryption(struct ready *r)
{
	char initrd[PATH_MAX];
	struct stat key, img;
	bool ok;

	if (access(KJ_KEY_AUTH, F_OK)) {
		printf("%-12s %s\n", "encryption:", "off ('kjump key new' turns it on)");
		return true;
	}
	snprintf(initrd, sizeof(initrd), "/boot/initrd.img-%s", r->release);
	ok = !stat(KJ_KEY_SECRET, &key) && !stat(initrd, &img) && img.st_mtime >= key.st_mtime;
	line(r, ok, "encryption:", ok ? "on: images are encrypted; the boot asks for the key's passphrase"
				      : "on, but %s is older than the key (%s): the boot could not open the image",
	     initrd, KJ_KEY_SECRET);
	if (!ok)
		todo(r, "run 'update-initramfs -u'");
	return ok;
}

/* Not needed to hibernate: without it the resume takes two boots. But
 * where GRUB cannot clear its one-shot entry (tools/grubenv.c), a resume
 * that R refuses would start R again at every boot: that stops it. */
static void check_one_boot(struct ready *r)
{
	char id[192], text[256], why[160];
	FILE *f;
	bool found = false;

	if (r->conf.one_boot && !grubenv_writable(KJ_GRUB_DIR, why, sizeof(why))) {
		line(r, false, "one boot:", "on, but GRUB cannot write its environment in %s: %s; a resume R refused would start R again at every boot",
		     KJ_GRUB_DIR, why);
		todo(r, "run 'kjump setup' again: it turns the one-boot resume off there");
		return;
	}
	f = r->conf.one_boot ? fopen(KJ_GRUB_DIR "/grub.cfg", "r") : NULL;

	snprintf(id, sizeof(id), "'kjump-resume-%s'", r->release);
	while (f && !found && fgets(text, sizeof(text), f))
		found = strstr(text, id) != NULL;
	if (f)
		fclose(f);
	printf("%-12s %s\n", "one boot:",
	       !r->conf.one_boot ? "off (ONE_BOOT=no): the resume takes two boots"
	       : !access(KJ_KEY_AUTH, F_OK) ? "not for encrypted images: the initramfs resumes, and asks"
	       : found ? "GRUB starts the resume straight"
		       : "no GRUB entry for this kernel yet (run update-grub): the resume takes two boots");
}

int status_ready(void)
{
	struct ready r = { 0 };
	struct utsname u;
	bool ok;

	uname(&u);
	snprintf(r.release, sizeof(r.release), "%s", u.release);
	if (conf_read(&r.conf)) {
		line(&r, false, "setup:", "kjump is not set up (no %s)", KJ_CONF);
		todo(&r, "run 'kjump setup' as root, then reboot once");
		check_kernel(&r);
		check_crash_kernel(&r);
	} else {
		ok = check_kernel(&r);
		ok = check_region(&r) && ok;
		ok = check_crash_kernel(&r) && ok;
		ok = check_image(&r) && ok;
		check_hooks(&r);
		check_encryption(&r);
		check_one_boot(&r);
	}
	if (!*r.why) {
		printf("%-12s %s\n", "hibernate:", "will work: 'systemctl hibernate'");
		return 0;
	}
	printf("%-12s will NOT work: %s\n", "hibernate:", r.why);
	printf("%-12s %s\n", "to do:", r.todo);
	return 1;
}
