// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * In R: write the image back through /dev/pmemN, verifying every block in
 * the pass that writes it, mark it consumed, jump back into A. R trusts
 * nothing C checked: the disk may have changed since, or be another one
 * under the same name (C names the image it checked by its UUID). R
 * writes only into memory that holds nothing yet (A's RAM, which this
 * fresh boot does not use), and jumps only once every block verified. A
 * failure keeps the image: the next boot tries again or discards it.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "flow/resume.h"

/* The page holding A's re-entry point, loaded as the jump back. */
static int prepare_jump(const struct resume *s, struct kj_pmems *pm)
{
	uint64_t entry = s->h->reentry;
	uint8_t page[KJ_PAGE_SIZE];
	int err = kj_pmems_read(pm, entry & ~(uint64_t)(KJ_PAGE_SIZE - 1), page,
				sizeof(page));

	if (!err)
		err = kj_jump_back_load_final(entry, page);
	if (err)
		say_error(s->o->report, "cannot prepare the jump back into 0x%llx: %s",
			  (unsigned long long)entry, strerror(-err));
	return err;
}

/* C named the image it checked; booted straight, R counts its own try. */
static int check_identity(const struct resume *s)
{
	const struct kj_report *r = s->o->report;
	char uuid[33];

	kj_uuid_hex(s->h->uuid, uuid);
	if (s->o->uuid && strcmp(s->o->uuid, uuid)) {
		say_error(r, "'%s' is not the image C checked (UUID %s, not %s)",
			  s->o->image, uuid, s->o->uuid);
		return -ESTALE;
	}
	if (!s->o->uuid && s->h->tries >= KJ_IMAGE_TRIES_MAX) {
		say_error(r, "the restore of '%s' was started %u times and did not finish",
			  s->o->image, s->h->tries);
		return -EALREADY;
	}
	return 0;
}

/* R's machine: its persistent memory is the image's RAM, and its kernel
 * lies outside. */
static int check_machine(const struct resume *s, const struct kj_pmems *pm)
{
	const struct kj_report *r = s->o->report;
	struct kj_range bad = { 0, 0 };
	int err = kj_restore_check_machine(pm, s->h, &bad);
	unsigned long long a = bad.start, b = bad.end;

	if (err == -EXDEV)
		say_error(r, "'%s': this boot's persistent memory is not the image's RAM (0x%llx-0x%llx differs)",
			  s->o->image, a, b);
	else if (err == -ERANGE)
		say_error(r, "'%s': RAM 0x%llx-0x%llx of the image is not RAM on this machine",
			  s->o->image, a, b);
	else if (err == -EBUSY)
		say_error(r, "this kernel lies in the memory it would restore (0x%llx-0x%llx)", a, b);
	else if (err)
		say_error(r, "cannot check this machine's memory: %s", strerror(-err));
	if (err == -EXDEV || err == -EBUSY)
		say_hint(r, "boot R with the arguments of 'kjump resume --boot-args', with KASLR on");
	return err;
}

/* Everything before the first write. */
static int checks(struct resume *s, struct kj_pmems **pm)
{
	const struct kj_report *r = s->o->report;
	struct timespec t0;
	int err;

	kj_clock_start(&t0);
	err = kj_resume_open(s);
	if (!err)
		err = kj_resume_check_state(s);
	if (!err)
		err = check_identity(s);
	if (!err)
		err = kj_resume_unlock(s, true);
	if (!err)
		err = kj_resume_check_kernel(s);
	if (!err)
		err = kj_disks_unchanged(s);
	if (!err && (err = kj_pmems_open(pm)))
		say_error(r, "no persistent memory to restore into: %s", strerror(-err));
	if (!err)
		err = check_machine(s, *pm);
	if (!err)
		say_info(r, "restore: checked '%s' in %.2f s", s->o->image,
			 kj_clock_since(&t0));
	return err;
}

static int write_back(const struct resume *s, struct kj_pmems *pm)
{
	const struct kj_report *r = s->o->report;
	struct kj_image_mark tried = { .count_try = true };
	struct kj_image_error e;
	struct timespec t0;
	uint64_t pages = 0;
	unsigned threads;
	/* R lives in the region too: as many walk threads as fit */
	int err = kj_threads_for(r, "the restore", kj_walk_slot_bytes(), &threads);

	if (err)
		return err;
	err = s->o->uuid ? 0 : kj_resume_mark(s, &tried);
	if (err) {
		say_error(r, "cannot mark '%s' as being restored (nothing written): %s",
			  s->o->image, strerror(-err));
		return err;
	}
	kj_clock_start(&t0);
	err = kj_restore_write(s->img, pm, threads, &e, &pages);
	if (err) {
		say_error(r, "restoring '%s' failed while writing: %s", s->o->image,
			  err == -EBADMSG ? kj_image_fault_str(e.fault)
			  : err == -ERANGE ? "a page lies outside this machine's memory"
			  : strerror(-err));
		return err;
	}
	say_info(r, "restored %llu pages in %.2f s, every block verified",
		 (unsigned long long)pages, kj_clock_since(&t0));
	return 0;
}

/* Mark, jump. Returns only on failure. */
static int jump(const struct resume *s, struct kj_pmems *pm)
{
	struct kj_image_mark consumed = { .flags = KJ_IMAGE_FLAG_CONSUMED };
	int err = kj_resume_mark(s, &consumed);

	if (err)
		say_error(s->o->report, "cannot mark '%s' consumed: %s", s->o->image,
			  strerror(-err));
	if (!err)
		kj_disks_release_swap(s->o->report, s->h);
	if (!err)
		err = prepare_jump(s, pm);
	if (err)
		return err;
	say_info(s->o->report, "image marked consumed; jumping back to 0x%llx",
		 (unsigned long long)s->h->reentry);
	sync();
	return kj_kexec_jump();
}

int kj_restore(const struct kj_resume_opts *o)
{
	struct resume s = { .o = o };
	struct kj_pmems *pm = NULL;
	int err = kj_check_jump(o->report);

	if (!err)
		err = checks(&s, &pm);
	if (!err)
		err = write_back(&s, pm);
	if (!err)
		err = jump(&s, pm);
	kj_pmems_close(pm);
	kj_resume_release(&s);
	return err;
}
