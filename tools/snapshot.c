// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kjump snapshot and kjump hibernate, in A: load B with an action on its
 * command line (kjump.action=, kjump.image=, kjump.compress=,
 * kjump.extents=), jump, and judge the outcome from the image itself.
 * B's side is kjump's initramfs init (initramfs/init).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "tool.h"



struct job {
	bool hibernate;
	const char *image;
	const char *compress;
	bool drop_caches;
	struct load_opts lo;
	char device[PATH_MAX];		/* what B writes: DEST or its device */
	struct kj_extents ext;		/* when DEST is a file */
	char append[2048];
};

static void job_usage(FILE *f, bool hibernate)
{
	fprintf(f,
		"usage: kjump %s --image DEST [--compress ALG]%s [--kernel K] [--initrd I]\n\n",
		hibernate ? "hibernate" : "snapshot", hibernate ? " [--drop-caches]" : "");
	fprintf(f, hibernate
		? "Saves this system's memory into an image at DEST and powers off. The\n"
		  "next boot can resume it. If the image cannot be saved, the system\n"
		  "comes back and says so.\n\n"
		: "Saves this system's memory into an image at DEST and goes on, as if\n"
		  "nothing happened. Can be repeated, into the same or other images.\n\n");
	fprintf(f,
		"DEST is a block device this system has not mounted, or a file that is\n"
		"fully written (not just fallocated) on a mounted file system: B writes\n"
		"its blocks directly (see 'kjump extents').\n\n"
		"options:\n"
		"  --image DEST     where the image goes\n"
		"  --compress ALG   lz4 (default), zstd, zstd:LEVEL, none\n"
		"%s"
		"  --kernel K       B's kernel (default: this kernel's image)\n"
		"  --initrd I       B's initramfs (default: kjump's own)\n",
		hibernate ? "  --drop-caches    drop clean caches first: a smaller image\n" : "");
}

static int parse_job(int argc, char **argv, struct job *j)
{
	static const struct option opts[] = {
		{ "image", required_argument, NULL, 'i' },
		{ "compress", required_argument, NULL, 'c' },
		{ "drop-caches", no_argument, NULL, 'd' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "initrd", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	j->compress = "lz4";
	while ((c = next_option(argc, argv, opts)) != -1) {
		switch (c) {
		case 'i': j->image = optarg; break;
		case 'c': j->compress = optarg; break;
		case 'k': j->lo.kernel = optarg; break;
		case 'r': j->lo.initrd = optarg; break;
		case 'd':
			if (j->hibernate) {
				j->drop_caches = true;
				break;
			}
			bad_option(argv[0], '?', argv[optind - 1]);
			return EXIT_USAGE;
		case 'h':
			job_usage(stdout, j->hibernate);
			return -1;
		default:
			bad_option(argv[0], c, argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (!j->image || optind != argc) {
		error(j->image ? "unexpected argument '%s'" : "no --image DEST given", argv[optind]);
		job_usage(stderr, j->hibernate);
		return EXIT_USAGE;
	}
	return 0;
}

/* The sysfs path of a block device, for comparing disks and partitions. */
static bool sys_block_path(dev_t dev, char *out)
{
	char link[64];

	snprintf(link, sizeof(link), "/sys/dev/block/%u:%u", major(dev), minor(dev));
	return realpath(link, out) != NULL;
}

/* Is dev, or a partition of it, mounted here? From /proc/self/mountinfo,
 * whose third field is the mounted device's MAJOR:MINOR. */
static bool mounted(dev_t dev)
{
	char want[PATH_MAX], have[PATH_MAX], line[4096];
	FILE *f = fopen("/proc/self/mountinfo", "r");
	bool found = false;
	size_t n;

	if (!f || !sys_block_path(dev, want)) {
		if (f)
			fclose(f);
		return false;
	}
	n = strlen(want);
	while (!found && fgets(line, sizeof(line), f)) {
		unsigned int ma, mi;

		if (sscanf(line, "%*s %*s %u:%u", &ma, &mi) != 2 || !ma)
			continue;
		found = sys_block_path(makedev(ma, mi), have) &&
			!strncmp(have, want, n) && (!have[n] || have[n] == '/');
	}
	fclose(f);
	return found;
}

/* What B writes to: DEST itself, or the device under a file and the file's
 * extents. */
static int resolve_target(struct job *j)
{
	struct stat st;
	int err;

	if (stat(j->image, &st)) {
		error("cannot use '%s': %s", j->image, strerror(errno));
		if (errno == ENOENT)
			hint("create the file first, e.g. dd if=/dev/zero of='%s' bs=1M count=N", j->image);
		return -errno;
	}
	if (S_ISBLK(st.st_mode)) {
		if (mounted(st.st_rdev)) {
			error("'%s' is mounted here: B must not write under a mounted file system", j->image);
			hint("give a device that is not mounted, or a file on a mounted one");
			return -EBUSY;
		}
		snprintf(j->device, sizeof(j->device), "%s", j->image);
		return 0;
	}
	if (!S_ISREG(st.st_mode)) {
		error("'%s' is neither a block device nor a file", j->image);
		return -EINVAL;
	}
	err = kj_extents_of_file(j->image, &j->ext);
	if (err) {
		error("cannot map '%s' for B: %s", j->image, err == -EMEDIUMTYPE
		      ? "its extents cannot be written raw (unwritten, shared, or not in whole pages)"
		      : strerror(-err));
		hint("write the file full first, e.g. dd if=/dev/zero of='%s' bs=1M count=N", j->image);
		return err;
	}
	return device_of(j->image, j->device, sizeof(j->device)) ? 0 : -ENODEV;
}

/* B's command line: this kernel's consoles, then the action. */
static int build_append(struct job *j)
{
	size_t n = action_append(j->append, sizeof(j->append),
				 j->hibernate ? "hibernate" : "snapshot",
				 j->device, j->compress, &j->ext);

	if (n >= sizeof(j->append) - 200) {
		error("'%s' is in %zu pieces: too many to hand to B", j->image, j->ext.n);
		hint("use a less fragmented file, or a device");
		return -E2BIG;
	}
	j->lo.append = j->append;
	return 0;
}

/* B wrote under this kernel's caches: read the image afresh. For a file,
 * POSIX_FADV_DONTNEED was seen to leave its old pages cached (ext4, 6.12),
 * so the clean page cache is dropped as a whole. */
static void forget_cached(const char *path)
{
	struct stat st;
	FILE *f;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
		close(fd);
	}
	if (!stat(path, &st) && S_ISREG(st.st_mode) &&
	    (f = fopen("/proc/sys/vm/drop_caches", "w"))) {
		fputs("1\n", f);
		fclose(f);
	}
}

static int outcome(const struct job *j, time_t started, double secs)
{
	struct kj_image_error e;
	struct kj_image *img = NULL;
	const struct kj_image_header *h;
	int err;

	forget_cached(j->image);
	err = kj_image_open(j->image, &img, &e);
	h = err ? NULL : kj_image_get_header(img);
	if (h && j->hibernate && (h->flags & KJ_IMAGE_FLAG_CONSUMED)) {
		note("resumed from hibernation in '%s'", j->image);
	} else if (h && !j->hibernate && (h->flags & KJ_IMAGE_FLAG_COMPLETE) &&
		   (time_t)h->created >= started - 1) {
		note("snapshot saved in '%s' in %.2f s: %llu pages saved, %llu zero, %llu free",
		     j->image, secs, (unsigned long long)h->pages_saved,
		     (unsigned long long)h->pages_zero, (unsigned long long)h->pages_free);
	} else {
		error("%s failed: B did not leave a complete image in '%s'; see B's messages on the console",
		      j->hibernate ? "hibernation" : "the snapshot", j->image);
		if (!h)
			error("  reading it back: %s", err == -EBADMSG ? kj_image_fault_str(e.fault)
								  : strerror(-err));
		else if (!(h->flags & KJ_IMAGE_FLAG_COMPLETE))
			error("  reading it back: it is incomplete");
		else if (!j->hibernate)
			error("  reading it back: it was made at %llu, before this snapshot (%llu)",
			      (unsigned long long)h->created, (unsigned long long)started);
		err = -EIO;
	}
	kj_image_close(img);
	return err ? EXIT_FAILED : 0;
}

static int run_job(struct job *j)
{
	struct timespec t0;
	time_t started;
	int err;

	if (require_kexec_jump() || resolve_target(j) || build_append(j))
		return EXIT_FAILED;
	load_defaults(&j->lo);
	j->lo.force = true;	/* a B of an earlier snapshot is done with */
	sync();
	if (j->drop_caches && drop_caches())
		return EXIT_FAILED;
	if (load_b(&j->lo))
		return EXIT_FAILED;
	note(j->hibernate ? "hibernating into '%s'" : "taking a snapshot into '%s'", j->image);
	sync();
	started = time(NULL);
	start_clock(&t0);
	err = kj_kexec_jump();
	kj_kexec_unload();
	state_remove();
	if (err) {
		error("the jump to B failed: %s", strerror(-err));
		return EXIT_FAILED;
	}
	return outcome(j, started, seconds_since(&t0));
}

static int job_main(int argc, char **argv, bool hibernate)
{
	struct job j = { .hibernate = hibernate };
	int r = parse_job(argc, argv, &j);

	if (!r)
		r = run_job(&j);
	kj_extents_release(&j.ext);
	return r < 0 ? 0 : r;
}

int cmd_snapshot(int argc, char **argv)
{
	return job_main(argc, argv, false);
}

int cmd_hibernate(int argc, char **argv)
{
	return job_main(argc, argv, true);
}
