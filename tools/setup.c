// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kjump setup: makes this Debian system hibernate through kjump. Finds a
 * kernel that can kexec-jump, sizes and places the region, makes the
 * image, writes /etc/kjump/kjump.conf and the boot arguments, hooks
 * systemd's hibernation, GRUB and the initramfs, and updates both.
 * --undo takes all of it back; --finish is run at the first boot after.
 */
#include <errno.h>
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "setup.h"

struct setup {
	const char *image;
	uint64_t size;
	const char *region;		/* SIZE@START given, or NULL */
	bool one_boot, resident, no_update, undo, finish;
	struct kj_kernel_choice kernel;
	char device[PATH_MAX];		/* the image's, by UUID if it has one */
	char conf[6 * PATH_MAX];
	struct kj_extents ext;
	bool created;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: kjump setup [--image DEST] [--size SIZE] [--region SIZE@START]\n"
		"                   [--one-boot yes|no] [--no-update]\n"
		"       kjump setup --undo\n\n"
		"Makes this system hibernate through kjump: 'systemctl hibernate' (and\n"
		"logind, and the desktop's menu) saves it into DEST, no swap needed, and\n"
		"the next boot resumes it before the root file system is mounted. It:\n"
		"  - finds a kernel that can kexec-jump (CONFIG_KEXEC_JUMP: this one,\n"
		"    or the newest installed one that can);\n"
		"  - sizes kjump's region from RAM and CPUs and places it in the\n"
		"    firmware's memory map: crashkernel=SIZE@START nokaslr, in\n"
		"    " KJ_GRUB_ARGS ";\n"
		"  - makes the image (a file is written full once, mode 0600) and\n"
		"    records where it lies in " KJ_CONF ";\n"
		"  - hooks systemd's hibernation, logind, GRUB (" KJ_GRUB_SCRIPT ")\n"
		"    and the initramfs;\n"
		"  - runs update-initramfs and update-grub.\n"
		"Then reboot once, for the region. 'kjump status' says whether\n"
		"hibernation will work, and if not, why.\n\n"
		"Encrypted images: 'kjump key new' (before or after setup). From then\n"
		"on every hibernation is encrypted, and the boot asks for the key's\n"
		"passphrase on the console to resume.\n\n"
		"options:\n"
		"  --image DEST       a file (default " KJ_DEFAULT_IMAGE ") or a block\n"
		"                     device nothing uses\n"
		"  --size SIZE        a file's size (K, M, G; default: all of RAM and 16 MiB)\n"
		"  --region SIZE@START  reserve this region instead of the one chosen\n"
		"  --one-boot yes|no  whether GRUB starts the resume straight, one boot\n"
		"                     instead of two (default yes)\n"
		"  --resident yes|no  start B at every boot and keep it waiting, so that\n"
		"                     hibernating does not boot it (default no: the\n"
		"                     system pauses about 2 s once at startup for it)\n"
		"  --no-update        do not run update-initramfs and update-grub\n"
		"  --undo             take back everything setup did, the image file too\n");
}

static int parse(int argc, char **argv, struct setup *s)
{
	static const struct option opts[] = {
		{ "image", required_argument, NULL, 'i' },
		{ "size", required_argument, NULL, 's' },
		{ "region", required_argument, NULL, 'r' },
		{ "one-boot", required_argument, NULL, 'o' },
		{ "resident", required_argument, NULL, 'R' },
		{ "no-update", no_argument, NULL, 'n' },
		{ "undo", no_argument, NULL, 'u' },
		{ "finish", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	while ((c = next_option(argc, argv, opts)) != -1) {
		if (c == 'i')
			s->image = optarg;
		else if (c == 's' && parse_u64(optarg, &s->size)) {
			error("--size: '%s' is not a size", optarg);
			return EXIT_USAGE;
		} else if (c == 'r')
			s->region = optarg;
		else if ((c == 'o' || c == 'R') && strcmp(optarg, "yes") && strcmp(optarg, "no")) {
			error("--%s takes yes or no, not '%s'", c == 'o' ? "one-boot" : "resident", optarg);
			return EXIT_USAGE;
		} else if (c == 'o')
			s->one_boot = !strcmp(optarg, "yes");
		else if (c == 'R')
			s->resident = !strcmp(optarg, "yes");
		else if (c == 'n')
			s->no_update = true;
		else if (c == 'u')
			s->undo = true;
		else if (c == 'f')
			s->finish = true;
		else if (c == 'h') {
			usage(stdout);
			return -1;
		} else if (c != 's') {
			bad_option(argv[0], c, argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		error("unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	if (strpbrk(s->image, " \t\n'\"\\$`")) {
		error("'%s': the image's path may not hold spaces, quotes or shell characters",
		      s->image);
		return EXIT_USAGE;
	}
	return 0;
}

static int find_kernel(struct setup *s)
{
	if (choose_kernel(&s->kernel)) {
		error("no installed kernel can kexec-jump: none has CONFIG_KEXEC_JUMP=y in /boot/config-*");
		hint("Debian's kernels are built without it: install one that has it ('make kernel-deb' in kjump's source, or 'kernel/build --config /boot/config-$(uname -r)'), then run 'kjump setup' again");
		return -ENOENT;
	}
	if (s->kernel.running)
		return kj_check_jump(&tool_report) ? -EPERM : 0;
	note("this kernel cannot kexec-jump; %s can, and must be the one that boots next",
	     s->kernel.release);
	return 0;
}

static int plan_region(struct setup *s, char *out, size_t size)
{
	struct kj_load_opts o = { .kernel = s->kernel.image, .report = &tool_report };
	struct kj_region_advice a;

	if (s->region) {
		snprintf(out, size, "%s", s->region);
		return 0;
	}
	if (kj_advise_region(&o, &a))
		return -ENOSPC;
	snprintf(out, size, "%lluM@0x%llx", (unsigned long long)(a.size >> 20),
		 (unsigned long long)a.start);
	note("region: crashkernel=%s: B saves this machine's %llu MiB with %u threads",
	     out, (unsigned long long)(a.ram >> 20), a.threads);
	return 0;
}

/* The image's device by its file system's UUID, which the boot finds
 * whatever the kernel names the disk; else by its name. */
static void name_device(const char *dev, char *out, size_t size)
{
	char want[PATH_MAX], path[PATH_MAX], real[PATH_MAX];
	DIR *d = realpath(dev, want) ? opendir("/dev/disk/by-uuid") : NULL;
	struct dirent *e;

	snprintf(out, size, "%s", dev);
	while (d && (e = readdir(d))) {
		snprintf(path, sizeof(path), "/dev/disk/by-uuid/%s", e->d_name);
		if (e->d_name[0] != '.' && realpath(path, real) && !strcmp(real, want)) {
			snprintf(out, size, "UUID=%s", e->d_name);
			break;
		}
	}
	if (d)
		closedir(d);
}

/* The image, made if missing, and where it lies (the extent map of a
 * file goes to KJ_EXTENTS_FILE). */
static int prepare_image(struct setup *s)
{
	char dev[PATH_MAX], *map = NULL;
	size_t len = 0;
	struct kj_conf old;
	FILE *f;
	int err;

	if (!strcmp(s->image, KJ_DEFAULT_IMAGE) && mkdir("/var/lib/kjump", 0700) &&
	    errno != EEXIST) {
		error("cannot make /var/lib/kjump: %s", strerror(errno));
		return -errno;
	}
	s->created = access(s->image, F_OK) != 0;
	if (!conf_read(&old) && old.created && !strcmp(old.image, s->image))
		s->created = true;	/* made by an earlier setup */
	if (kj_image_prepare(s->image, s->size, dev, sizeof(dev), &s->ext, &tool_report))
		return -EINVAL;
	if (!s->ext.n) {
		snprintf(s->device, sizeof(s->device), "%s", s->image);
		return 0;
	}
	name_device(dev, s->device, sizeof(s->device));
	note("image: '%s', %llu MiB in %zu extents on %s (%s)", s->image,
	     (unsigned long long)(s->ext.total >> 20), s->ext.n, dev, s->device);
	f = open_memstream(&map, &len);
	if (!f)
		return -ENOMEM;
	print_extents(f, s->image, dev, &s->ext);
	err = fclose(f) ? -ENOMEM : write_file(KJ_EXTENTS_FILE, 0644, map);
	free(map);
	return err;
}

/* This program's own path: the scripts run it by it, whatever their PATH
 * (mkinitramfs has no /usr/local in it). */
static const char *self_path(char *buf, size_t size)
{
	ssize_t len = readlink("/proc/self/exe", buf, size - 1);

	if (len <= 0)
		return "/usr/sbin/kjump";
	buf[len] = '\0';
	return buf;
}

static int write_conf(struct setup *s, const char *region)
{
	char self[PATH_MAX];
	char *c = s->conf;
	size_t n = sizeof(s->conf);

	snprintf(c, n,
		 "# Written by 'kjump setup'; 'kjump setup --undo' removes it.\n"
		 "# Read by kjump's systemd-sleep stand-in (" KJ_LIBDIR "/sleep), its\n"
		 "# initramfs-tools hook and boot script, and " KJ_GRUB_SCRIPT ".\n"
		 "# ONE_BOOT=no: every resume goes through the initramfs (two boots).\n"
		 "# RESIDENT=yes: B starts at every boot and waits (kjump-resident.service).\n"
		 "IMAGE=%s\nDEVICE=%s\nEXTENTS=%s\nINITRD=%s\nKERNEL=%s\n"
		 "REGION=crashkernel=%s\nONE_BOOT=%s\nRESIDENT=%s\nCREATED=%s\nKJUMP=%s\n",
		 s->image, s->device, s->ext.n ? KJ_EXTENTS_FILE : "",
		 KJ_DEFAULT_INITRD, s->kernel.image, region,
		 s->one_boot ? "yes" : "no", s->resident ? "yes" : "no",
		 s->created ? "yes" : "no",
		 self_path(self, sizeof(self)));
	return write_file(KJ_CONF, 0644, c);
}

/* The boot arguments, the systemd pieces, the GRUB script. */
static int write_pieces(const char *region)
{
	char text[PATH_MAX + 1024], buf[PATH_MAX];
	const char *self = self_path(buf, sizeof(buf));
	int err;

	snprintf(text, sizeof(text),
		 "# Written by 'kjump setup'; 'kjump setup --undo' removes it.\n"
		 "# kjump's region, where B runs while it saves this system and R\n"
		 "# while it restores it; no KASLR, so R finds A where it was.\n"
		 "GRUB_CMDLINE_LINUX=\"$GRUB_CMDLINE_LINUX crashkernel=%s nokaslr\"\n", region);
	err = write_file(KJ_GRUB_ARGS, 0644, text);
	if (!err)
		err = write_file(KJ_HIBERNATE_DROPIN, 0644,
			"# Written by 'kjump setup': hibernation goes through kjump, no swap.\n"
			"[Service]\nExecStart=\nExecStart=" KJ_LIBDIR "/sleep hibernate\n"
			"TimeoutStartSec=infinity\n");
	if (!err)
		err = write_file(KJ_LOGIND_DROPIN, 0644,
			"# Written by 'kjump setup': kjump needs no swap, and logind\n"
			"# would refuse hibernation without swap as large as memory.\n"
			"[Service]\nEnvironment=SYSTEMD_BYPASS_HIBERNATION_MEMORY_CHECK=1\n");
	snprintf(text, sizeof(text),
		 "# Written by 'kjump setup': once the region is there, the\n"
		 "# one-boot resume entry (update-grub), then it removes itself.\n"
		 "[Unit]\nDescription=Finish kjump setup after its first boot\n"
		 "After=local-fs.target\nConditionPathExists=" KJ_CONF "\n\n"
		 "[Service]\nType=oneshot\nExecStart=%s setup --finish\n\n"
		 "[Install]\nWantedBy=multi-user.target\n", self);
	if (!err)
		err = write_file(KJ_FINISH_UNIT, 0644, text);
	if (!err)
		err = link_file(KJ_FINISH_UNIT, KJ_FINISH_WANTS);
	if (!err)
		err = write_file(KJ_RESIDENT_UNIT, 0644,
			"# Written by 'kjump setup': with RESIDENT=yes in " KJ_CONF ",\n"
			"# B starts at every boot and waits; hibernating does not boot it.\n"
			"[Unit]\nDescription=Start kjump's B ahead of hibernation\n"
			"After=local-fs.target kjump-setup.service\n"
			"ConditionPathExists=" KJ_CONF "\n\n"
			"[Service]\nType=oneshot\nRemainAfterExit=yes\n"
			"ExecStart=" KJ_LIBDIR "/resident\n\n"
			"[Install]\nWantedBy=multi-user.target\n");
	if (!err)
		err = link_file(KJ_RESIDENT_UNIT, KJ_RESIDENT_WANTS);
	if (!err)
		err = link_file(KJ_LIBDIR "/grub.d/42_kjump", KJ_GRUB_SCRIPT);
	return err;
}

/* update-initramfs for the kernel that jumps, update-grub, and systemd
 * told of its new drop-ins. Missing tools are skipped, saying so. */
static int update_boot(const char *release, bool undo)
{
	const char *initramfs[] = { "update-initramfs", "-u", "-k", release, NULL };
	const char *grub[] = { "update-grub", NULL };
	const char *reload[] = { "systemctl", "daemon-reload", NULL };
	char path[PATH_MAX];
	int err = 0;

	if (!access("/run/systemd/system", F_OK))
		run_command(reload);
	snprintf(path, sizeof(path), "/boot/initrd.img-%s", release);
	if (access(path, F_OK))
		initramfs[1] = "-c";
	if (have_command("update-initramfs"))
		err = run_command(initramfs);
	else
		note("no update-initramfs: this system's initramfs cannot resume");
	if (!err && have_command("update-grub"))
		err = run_command(grub);
	else if (!err)
		note(undo ? "no update-grub: take crashkernel= and nokaslr off the kernel command line yourself"
			  : "no update-grub: add the arguments in %s to the kernel command line yourself",
		     KJ_GRUB_ARGS);
	return err;
}

/* kdump-tools, enabled, loads a crash kernel into the crashkernel
 * region at every boot, and kjump refuses to start B over it. */
static void warn_kdump_tools(void)
{
	char line[256];
	bool on = false;
	FILE *f = fopen(KJ_KDUMP_TOOLS_DEFAULTS, "r");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		on |= !strncmp(line, "USE_KDUMP=1", 11) || !strncmp(line, "USE_KDUMP=\"1\"", 13);
	fclose(f);
	if (!on)
		return;
	warning("kdump-tools is enabled (USE_KDUMP=1 in %s): it loads a crash kernel into the region kjump needs at every boot, and kjump then refuses to hibernate",
		KJ_KDUMP_TOOLS_DEFAULTS);
	hint("set USE_KDUMP=0 there, or remove kdump-tools: kdump and kjump cannot share the region");
}

/* The one-boot resume only where GRUB can clear its one-shot entry
 * (tools/grubenv.c): elsewhere every boot would start R. */
static void check_one_boot(struct setup *s)
{
	char why[160];

	if (!s->one_boot || grubenv_writable(KJ_GRUB_DIR, why, sizeof(why)))
		return;
	warning("GRUB cannot write its environment block in %s: %s; it could not clear a one-shot resume entry, and every boot would start the resume",
		KJ_GRUB_DIR, why);
	note("ONE_BOOT=no: each resume takes two boots, through the initramfs");
	s->one_boot = false;
}

static int do_setup(struct setup *s)
{
	char region[64];
	int err;

	if (geteuid()) {
		error("kjump setup changes how this system boots: run it as root");
		return -EPERM;
	}
	err = find_kernel(s);
	if (!err)
		err = plan_region(s, region, sizeof(region));
	if (!err)
		err = prepare_image(s);
	if (!err)
		check_one_boot(s);
	if (!err)
		err = write_conf(s, region);
	if (!err)
		err = write_pieces(region);
	if (!err && !s->no_update)
		err = update_boot(s->kernel.release, false);
	if (err)
		return err;
	warn_kdump_tools();
	note("set up; reboot once (into %s) to reserve the region, then 'kjump status' says whether hibernation works",
	     s->kernel.release);
	return 0;
}

/* An image an earlier setup made, which this one does not use. */
static void remove_old_image(const struct setup *s)
{
	struct kj_conf old;

	if (!conf_read(&old) && old.created && strcmp(old.image, s->image) &&
	    !unlink(old.image))
		note("removed the image an earlier setup made, '%s'", old.image);
}

/* The release of the kernel setup planned for (its /boot/vmlinuz-*), or
 * NULL. */
static const char *conf_release(const struct kj_conf *c)
{
	const char *rel = c->kernel[0] ? strrchr(c->kernel, '/') : NULL;

	return rel && !strncmp(rel, "/vmlinuz-", 9) ? rel + 9 : NULL;
}

static int do_undo(const struct setup *s)
{
	static const char *const made[] = {
		KJ_FINISH_WANTS, KJ_FINISH_UNIT, KJ_RESIDENT_WANTS, KJ_RESIDENT_UNIT,
		KJ_HIBERNATE_DROPIN, KJ_LOGIND_DROPIN,
		KJ_GRUB_SCRIPT, KJ_GRUB_ARGS, KJ_EXTENTS_FILE, KJ_CONF,
	};
	struct kj_conf c;
	char archive[PATH_MAX];
	const char *rel;
	int err = 0;

	if (geteuid()) {
		error("kjump setup --undo changes how this system boots: run it as root");
		return -EPERM;
	}
	if (conf_read(&c)) {
		note("%s is not there: nothing set up to undo; removing what may be left",
		     KJ_CONF);
		memset(&c, 0, sizeof(c));
	}
	if (c.created && unlink(c.image) && errno != ENOENT)
		error("cannot remove the image '%s': %s", c.image, strerror(errno));
	else if (c.created)
		note("removed the image '%s'", c.image);
	for (size_t i = 0; i < sizeof(made) / sizeof(made[0]); i++)
		err = remove_file(made[i]) ? -EIO : err;
	rmdir("/etc/kjump");
	rmdir("/var/lib/kjump");
	rel = conf_release(&c);
	if (rel) {
		snprintf(archive, sizeof(archive), KJ_C_ARCHIVE_FMT, rel);
		err = remove_file(archive) ? -EIO : err;
	}
	if (!s->no_update && rel)
		err = update_boot(rel, true) ? -EIO : err;
	if (!err)
		note("undone: this system hibernates as it did before kjump (reboot to free the region)");
	return err;
}

/* At the first boot after setup: the region is there now, so the GRUB
 * entry that starts R straight can be made. */
static int do_finish(void)
{
	const char *grub[] = { "update-grub", NULL };
	struct kj_iomem *iomem;
	struct kj_range r;
	bool region = false;

	if (!kj_iomem_read("/proc/iomem", &iomem, NULL)) {
		region = !kj_iomem_crash_region(iomem, &r);
		kj_iomem_free(iomem);
	}
	if (!region) {
		error("this boot has no region reserved: the kernel command line lacks the crashkernel= of %s",
		      KJ_GRUB_ARGS);
		hint("boot the kernel 'kjump setup' chose, through GRUB after update-grub; 'kjump status' says more");
		return -ENOENT;
	}
	if (have_command("update-grub") && run_command(grub))
		return -EIO;
	remove_file(KJ_FINISH_WANTS);
	remove_file(KJ_FINISH_UNIT);
	note("setup finished: the region is reserved; 'kjump status' says whether hibernation works");
	return 0;
}

int cmd_setup(int argc, char **argv)
{
	struct setup s = { .image = KJ_DEFAULT_IMAGE, .one_boot = true };
	int err = parse(argc, argv, &s);

	if (err)
		return err < 0 ? 0 : err;
	if (s.undo + s.finish > 1) {
		error("--undo and --finish do not go together");
		return EXIT_USAGE;
	}
	if (s.undo)
		err = do_undo(&s);
	else if (s.finish)
		err = do_finish();
	else {
		remove_old_image(&s);
		err = do_setup(&s);
	}
	kj_extents_release(&s.ext);
	return err ? EXIT_FAILED : 0;
}
