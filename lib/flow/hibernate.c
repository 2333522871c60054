// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Snapshot and hibernate, in A: load B with the task on its command line
 * (kj_task_cmdline), jump, and judge the outcome from the image itself.
 * B's side is kj_boot_task() in kjump's initramfs. A resident B (one
 * 'kjump resident' booted for this target, lib/flow/resident.c) is not
 * loaded again: the task goes in the target's stamp, and B stays.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "flow/handkey.h"
#include "flow/target.h"
#include "flow/resume.h"

struct job {
	const struct kj_hibernate_opts *o;
	bool hibernate;
	struct kj_target_dev t;
	char stamp[33];			/* the UUID of the stamp B looks for */
	char append[2048];
	bool resident;			/* B is loaded and waits for the task */
	char task[KJ_STAMP_TASK_MAX + 1];
	struct kj_key_hand key;		/* an encrypted image's */
};

static int check_compress(const struct job *j)
{
	enum kj_compressor c;
	int level;

	if (!j->o->compress || !kj_compressor_parse(j->o->compress, &c, &level))
		return 0;
	say_error(j->o->report, "unknown compression '%s'", j->o->compress);
	say_hint(j->o->report, "use lz4, zstd, zstd:LEVEL (1 to 19) or none");
	return -EINVAL;
}

/* What this task tells B beyond its target: what A's free pages hold,
 * where the image's key lies, and for a hibernation A's disks as they are
 * now, when it resumes. */
static size_t task_words(const struct job *j, char *buf, size_t size, int *err)
{
	static const char *const fill[] = { "", " kjump.fill=zero", " kjump.fill=poison" };
	char *line = NULL;
	size_t len, n = 0;

	*err = 0;
	if (!kj_read_text("/proc/cmdline", &line, &len))
		n = (size_t)snprintf(buf, size, "%s", fill[kj_free_fill_of(line)]);
	free(line);
	if (j->key.page && n < size)
		n += (size_t)snprintf(buf + n, size - n, " kjump.key=0x%llx",
				      (unsigned long long)j->key.phys);
	if (j->hibernate && n < size)
		n += kj_disks_arg(j->o->report, buf + n, size - n, err);
	return n;
}

/* A resident B's task, for the stamp: B's command line says the rest. */
static int build_task(struct job *j)
{
	int err;
	size_t n = (size_t)snprintf(j->task, sizeof(j->task),
				    "kjump.action=%s kjump.compress=%s",
				    j->hibernate ? "hibernate" : "snapshot",
				    j->o->compress ? j->o->compress : "lz4");

	if (n < sizeof(j->task))
		n += task_words(j, j->task + n, sizeof(j->task) - n, &err);
	if (err)
		return err;
	if (n < sizeof(j->task))
		return 0;
	say_error(j->o->report, "the task is too long for the resident B: %zu bytes", n);
	return -E2BIG;
}

/* B's command line: this kernel's consoles, then the task. */
static int build_append(struct job *j)
{
	size_t n = kj_task_cmdline(j->append, sizeof(j->append),
				   j->hibernate ? "hibernate" : "snapshot",
				   j->t.device, j->o->compress ? j->o->compress : "lz4",
				   &j->t.ext);
	int err = 0;

	if (n < sizeof(j->append))
		n += (size_t)snprintf(j->append + n, sizeof(j->append) - n,
				      " kjump.stamp=%s", j->stamp);
	if (n < sizeof(j->append))
		n += task_words(j, j->append + n, sizeof(j->append) - n, &err);
	if (err)
		return err;
	if (n < sizeof(j->append) - 200)
		return 0;
	say_error(j->o->report, "'%s' is in %zu pieces: too many to hand to B",
		  j->o->image, j->t.ext.n);
	say_hint(j->o->report, "use a less fragmented file, or a device");
	return -E2BIG;
}

static int drop_caches(const struct kj_report *r)
{
	FILE *f = fopen("/proc/sys/vm/drop_caches", "w");

	if (!f || fputs("3\n", f) < 0 || fclose(f)) {
		say_error(r, "cannot drop caches: %s", strerror(errno));
		return -errno;
	}
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

static void explain_failure(const struct job *j, int err,
			    const struct kj_image_error *e,
			    const struct kj_image_header *h, time_t started)
{
	const struct kj_report *r = j->o->report;

	say_error(r, "%s failed: B did not leave a complete image in '%s'; see B's messages on the console",
		  j->hibernate ? "hibernation" : "the snapshot", j->o->image);
	if (!h)
		say_error(r, "  reading it back: %s", err == -EBADMSG
			  ? kj_image_fault_str(e->fault) : strerror(-err));
	else if (!(h->flags & KJ_IMAGE_FLAG_COMPLETE))
		say_error(r, "  reading it back: it is incomplete");
	else if (!j->hibernate)
		say_error(r, "  reading it back: it was made at %llu, before this snapshot (%llu)",
			  (unsigned long long)h->created, (unsigned long long)started);
}

static int outcome(const struct job *j, time_t started, double secs)
{
	const struct kj_report *r = j->o->report;
	const struct kj_image_header *h;
	struct kj_image *img = NULL;
	struct kj_image_error e;
	int err;

	forget_cached(j->o->image);
	err = kj_image_open(j->o->image, &img, &e);
	h = err ? NULL : kj_image_get_header(img);
	if (h && j->hibernate && (h->flags & KJ_IMAGE_FLAG_CONSUMED)) {
		say_info(r, "resumed from hibernation in '%s'", j->o->image);
	} else if (h && !j->hibernate && (h->flags & KJ_IMAGE_FLAG_COMPLETE) &&
		   (time_t)h->created >= started - 1) {
		say_info(r, "snapshot saved in '%s' in %.2f s: %llu pages saved, %llu zero, %llu free",
			 j->o->image, secs, (unsigned long long)h->pages_saved,
			 (unsigned long long)h->pages_zero,
			 (unsigned long long)h->pages_free);
	} else {
		explain_failure(j, err, &e, h, started);
		err = -EIO;
	}
	kj_image_close(img);
	return err;
}

/*
 * A hibernation image on the target that no boot resumed is dead: this
 * system runs. It is discarded before B writes over it, so that a save
 * torn by a power cut can only leave a discarded image behind, never one
 * that resumes. A is the image's reader here (through the file system,
 * for a file).
 */
static int retire_old_image(const struct job *j)
{
	const struct kj_report *r = j->o->report;
	struct kj_image_mark m = { .flags = KJ_IMAGE_FLAG_DISCARDED,
				   .reason = KJ_DISCARD_REPLACED };
	const struct kj_image_header *h;
	struct kj_image *img;
	struct kj_image_error e;
	int err = 0;

	if (kj_image_open(j->o->image, &img, &e))
		return 0;	/* no image there, or none that reads */
	h = kj_image_get_header(img);
	if (h->kind == KJ_IMAGE_HIBERNATION && (h->flags & KJ_IMAGE_FLAG_COMPLETE) &&
	    !(h->flags & (KJ_IMAGE_FLAG_CONSUMED | KJ_IMAGE_FLAG_DISCARDED)))
		err = kj_image_mark(j->o->image, NULL, &m);
	kj_image_close(img);
	if (err)
		say_error(r, "cannot discard the hibernation image in '%s' before writing over it: %s",
			  j->o->image, strerror(-err));
	return err;
}

static int prepare(struct job *j)
{
	struct kj_flow_load l = { .o = {
		.kernel = j->o->kernel, .initrd = j->o->initrd,
		.append = j->append, .report = j->o->report,
		.force = true,	/* a B of an earlier snapshot is done with */
	}, .saver = true };
	int err = check_compress(j);

	if (!err)
		err = kj_check_jump(j->o->report);
	if (!err)	/* a resident B loads nothing: check before its jump */
		err = kj_check_no_crash_kernel(j->o->report);
	if (!err)
		err = kj_target_resolve(j->o->report, j->o->image, j->o->size, &j->t);
	if (!err && j->o->encrypt)
		err = kj_key_hand_make(j->o->report, j->o->encrypt, &j->key);
	j->resident = !err && kj_resident_for(&j->t, j->stamp, j->o->report);
	if (!err && !j->resident && (err = kj_stamp_new(j->stamp)))
		say_error(j->o->report, "cannot make a stamp for the target: %s", strerror(-err));
	if (!err)
		err = j->resident ? build_task(j) : build_append(j);
	if (!err)
		err = retire_old_image(j);
	if (err)
		return err;
	sync();
	if (j->hibernate && j->o->drop_caches && (err = drop_caches(j->o->report)))
		return err;
	if (!j->resident)
		err = kj_flow_load(&l);
	/* last, once B is loaded: a load that fails leaves the target as it
	 * was (an earlier snapshot stays) */
	if (!err && (err = kj_stamp_put(j->o->report, j->o->image, &j->t, j->stamp,
					j->resident ? j->task : NULL)) && !j->resident)
		kj_kexec_unload();
	if (!err)
		kj_target_pin(j->o->report, &j->t, j->o->image);
	return err;
}

/*
 * A hibernation that resumed came back through R, which booted in B's
 * region over the resident B: B is gone, and the loaded image's way in
 * is now the way back into that R (the kernel keeps the re-entry point
 * of whoever jumped back last). Jumping there again would run the dead
 * R, so the load goes; the next hibernation boots a B of its own.
 */
static void resident_replaced(const struct kj_report *r)
{
	int err = kj_kexec_unload();

	kj_load_state_remove();
	if (err)
		say_warn(r, "cannot unload the resident B, which the resume replaced: %s; 'kjump unload' does",
			 strerror(-err));
	else
		say_info(r, "the resume booted over the resident B: it is unloaded, and 'kjump resident' starts it again");
}

static int run(struct job *j)
{
	const struct kj_report *r = j->o->report;
	struct timespec t0;
	time_t started;
	int err = prepare(j);

	if (err)
		return err;
	say_info(r, j->hibernate ? "hibernating into '%s'%s" : "taking a snapshot into '%s'%s",
		 j->o->image, j->resident ? " (B is resident)" : "");
	sync();
	if (j->key.page && (err = kj_key_hand_check(r, &j->key))) {
		if (!j->resident) {
			kj_kexec_unload();
			kj_load_state_remove();
		}
		return err;
	}
	started = time(NULL);
	kj_clock_start(&t0);
	err = kj_kexec_jump();
	if (j->resident) {
		kj_resident_entered();
	} else {
		if (kj_kexec_unload())
			say_warn(r, "cannot unload B: 'kjump unload' does");
		kj_load_state_remove();
	}
	if (err) {
		say_error(r, "the jump to B failed: %s", strerror(-err));
		return err;
	}
	err = outcome(j, started, kj_clock_since(&t0));
	if (!err && j->resident && j->hibernate)
		resident_replaced(r);
	return err;
}

static int job(const struct kj_hibernate_opts *o, bool hibernate)
{
	struct job j = { .o = o, .hibernate = hibernate, .t.claim_fd = -1 };
	int err = run(&j);

	kj_key_hand_drop(&j.key);
	kj_target_release(&j.t);
	return err;
}

int kj_hibernate(const struct kj_hibernate_opts *o)
{
	return job(o, true);
}

int kj_snapshot(const struct kj_hibernate_opts *o)
{
	return job(o, false);
}
