// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * In C, the kernel of the next boot: check an image through and through,
 * then kexec R into the region to restore it. An image it does not resume
 * it discards first: this boot goes on, and A's disks with it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "flow/resume.h"

void kj_uuid_hex(const uint8_t uuid[16], char out[33])
{
	kj_hex(out, uuid, 16);
}

int kj_resume_open(struct resume *s)
{
	const struct kj_report *r = s->o->report;
	struct kj_image_error e;
	int err = kj_image_open_extents(s->o->image, s->o->extents, &s->img, &e);

	if (err == -EBADMSG && s->o->boot && e.fault == KJ_IMG_BAD_MAGIC) {
		say_info(r, "no hibernated system in '%s'", s->o->image);
		return -ENOENT;
	}
	if (err == -EBADMSG)
		say_error(r, "cannot resume '%s': %s", s->o->image, kj_image_fault_str(e.fault));
	else if (err)
		say_error(r, "cannot read '%s': %s", s->o->image, strerror(-err));
	if (!err)
		s->h = kj_image_get_header(s->img);
	return err;
}

int kj_resume_check_state(const struct resume *s)
{
	const struct kj_report *r = s->o->report;
	const char *image = s->o->image;
	const struct kj_image_header *h = s->h;

	if (s->o->boot && (h->flags & (KJ_IMAGE_FLAG_CONSUMED | KJ_IMAGE_FLAG_DISCARDED))) {
		say_info(r, "no hibernated system in '%s': its image was %s", image,
			 h->flags & KJ_IMAGE_FLAG_CONSUMED ? "resumed already" : "discarded");
		return -ENOENT;
	} else if (!(h->flags & KJ_IMAGE_FLAG_COMPLETE)) {
		say_error(r, "cannot resume '%s': %s", image,
			  kj_image_fault_str(KJ_IMG_INCOMPLETE));
	} else if (h->flags & KJ_IMAGE_FLAG_CONSUMED) {
		say_error(r, "'%s' was resumed once already; it is never resumed twice", image);
	} else if (h->flags & KJ_IMAGE_FLAG_DISCARDED) {
		say_error(r, "'%s' was discarded: %s", image, kj_discard_str(h->discard_reason));
	} else if (h->kind != KJ_IMAGE_HIBERNATION) {
		say_error(r, "'%s' is a snapshot: resuming it would undo everything written since it was taken",
			  image);
		say_hint(r, "a snapshot is for 'kjump verify', 'info' and 'export'; only 'kjump hibernate' makes an image to resume");
	} else if (!h->reentry) {
		say_error(r, "'%s' has no re-entry point: it cannot be resumed", image);
	} else {
		return 0;
	}
	return -EINVAL;
}

int kj_resume_check_kernel(struct resume *s)
{
	struct utsname u;

	if (!uname(&u) && !strcmp(u.release, s->h->osrelease))
		return 0;
	say_error(s->o->report, "'%s' was saved by kernel %s; this is %s", s->o->image,
		  s->h->osrelease, uname(&u) ? "unknown" : u.release);
	say_hint(s->o->report, "boot the kernel that hibernated, to resume");
	s->why = KJ_DISCARD_OTHER_KERNEL;
	return -EINVAL;
}

int kj_resume_mark(const struct resume *s, const struct kj_image_mark *m)
{
	return kj_image_mark(s->o->image, s->o->extents, m);
}

void kj_resume_release(struct resume *s)
{
	kj_image_close(s->img);
	s->img = NULL;
}

size_t kj_pram_of(const struct kj_load_plan *plan, struct kj_range *out)
{
	size_t n = 0;

	for (size_t j = 0; j < plan->ne820; j++)
		if (plan->e820[j].type == KJ_E820_PRAM)
			out[n++] = plan->e820[j].range;
	return n;
}

static void show_range(const struct kj_report *r, const char *label,
		       const struct kj_range *p)
{
	if (p)
		say_error(r, "  %s0x%llx-0x%llx", label,
			  (unsigned long long)p->start, (unsigned long long)p->end);
}

/* The RAM R would restore into here must be the RAM the image holds. */
static int check_ram(void *ctx, const struct kj_load_plan *plan)
{
	struct resume *s = ctx;
	const struct kj_report *r = s->o->report;
	struct kj_range pram[KJ_E820_MAX];
	const struct kj_range *there, *here;
	size_t n = kj_pram_of(plan, pram);
	size_t i = kj_ranges_first_difference(pram, n, s->h->ram, s->h->nram);

	if (i == SIZE_MAX)
		return 0;
	there = i < s->h->nram ? &s->h->ram[i] : NULL;
	here = i < n ? &pram[i] : NULL;
	say_error(r, "'%s' is of another memory layout: RAM range %zu is %s there, %s here",
		  s->o->image, i, there ? "present" : "absent", here ? "present" : "absent");
	show_range(r, "there: ", there);
	show_range(r, "here:  ", here);
	say_hint(r, "resume on the machine that hibernated, booted with the same crashkernel=");
	s->why = KJ_DISCARD_OTHER_MEMORY;
	return -EXDEV;
}

int kj_resume_task(struct resume *s, bool from_c)
{
	char uuid[33];
	size_t n = kj_task_cmdline(s->append, sizeof(s->append), "restore",
				   s->o->image, NULL, s->o->extents);

	if (from_c && n < sizeof(s->append)) {
		kj_uuid_hex(s->h->uuid, uuid);
		n += (size_t)snprintf(s->append + n, sizeof(s->append) - n,
				      " kjump.uuid=%s", uuid);
	}
	if (n < sizeof(s->append) - 100)
		return 0;
	say_error(s->o->report, "'%s' is in too many pieces to hand to R", s->o->image);
	return -E2BIG;
}

static int load_r(struct resume *s)
{
	uint8_t key[512];
	struct kj_flow_load l = {
		.o = { .append = s->append, .force = true, .report = s->o->report },
		.restore = true, .dry_run = s->o->check_only,
		.check = check_ram, .check_ctx = s,
		.initrd_extra = key,
		/* an encrypted image's key goes with R, in its memory */
		.initrd_extra_size = kj_handed_key_cpio(s, key, sizeof(key)),
	};
	int err = kj_resume_task(s, true);

	if (!err)
		err = kj_flow_load(&l);
	explicit_bzero(key, sizeof(key));
	if (err && !s->why)
		s->why = KJ_DISCARD_NO_RESTORE;
	return err;
}

/* A restore started before and not finished is started again, up to
 * KJ_IMAGE_TRIES_MAX in all; never more, lest every boot fail alike. */
static int check_tries(struct resume *s)
{
	const struct kj_report *r = s->o->report;

	if (s->h->tries >= KJ_IMAGE_TRIES_MAX) {
		say_error(r, "the restore of '%s' was started %u times and did not finish",
			  s->o->image, s->h->tries);
		say_hint(r, "see those boots' consoles for why");
		s->why = KJ_DISCARD_TRIES;
		return -EALREADY;
	}
	if (s->h->tries)
		say_warn(r, "a restore of '%s' was started and did not finish: starting it again (%u of %u)",
			 s->o->image, s->h->tries + 1, KJ_IMAGE_TRIES_MAX);
	return 0;
}

static int verify(struct resume *s)
{
	struct kj_image_error e;
	int err = kj_image_verify(s->img, NULL, NULL, &e);

	if (err == -EBADMSG) {
		say_error(s->o->report, "cannot resume '%s': %s", s->o->image,
			  kj_image_fault_str(e.fault));
		s->why = KJ_DISCARD_BAD_IMAGE;
		s->detail = (uint16_t)e.fault;
	} else if (err) {
		say_error(s->o->report, "cannot read '%s': %s", s->o->image, strerror(-err));
		s->why = KJ_DISCARD_BAD_IMAGE;
	}
	return err;
}

static int check_all(struct resume *s)
{
	struct timespec t0;
	int err;

	kj_clock_start(&t0);
	err = check_tries(s);
	if (!err)
		err = kj_disks_unchanged(s);
	if (!err && !s->o->check_only && (err = kj_check_jump(s->o->report)))
		s->why = KJ_DISCARD_NO_RESTORE;
	if (!err)
		err = kj_resume_unlock(s, false);
	if (!err)
		err = verify(s);
	if (!err)
		err = kj_resume_check_kernel(s);
	if (!err)
		say_info(s->o->report, "checked '%s' in %.2f s", s->o->image, kj_clock_since(&t0));
	return err;
}

static int start_r(struct resume *s)
{
	const struct kj_report *r = s->o->report;
	struct kj_image_mark m = { .count_try = true };
	int err = kj_resume_mark(s, &m);

	if (err) {
		say_error(r, "cannot mark '%s' as being restored: %s", s->o->image,
			  strerror(-err));
		s->why = KJ_DISCARD_NO_RESTORE;
		return err;
	}
	say_info(r, "resuming from '%s': starting R", s->o->image);
	sync();
	err = kj_kexec_jump();
	say_error(r, "cannot start R: %s", strerror(-err));
	s->why = KJ_DISCARD_NO_RESTORE;
	return err;
}

/* This boot goes on without the image: it must never be resumed after. */
static void discard(struct resume *s)
{
	struct kj_image_mark m = { .flags = KJ_IMAGE_FLAG_DISCARDED,
				   .reason = s->why, .detail = s->detail };
	int err = kj_resume_mark(s, &m);

	if (err)
		say_error(s->o->report, "cannot discard '%s' (%s): do not resume it after this boot",
			  s->o->image, strerror(-err));
	else
		say_info(s->o->report, "discarded '%s': %s", s->o->image,
			 kj_discard_str(s->why));
	if (!err)
		kj_disks_release_swap(s->o->report, s->h);
}

static int resume(struct resume *s)
{
	const struct kj_resume_opts *o = s->o;
	int err = kj_resume_check_state(s);

	if (err)
		return err;
	if (o->noresume) {
		say_info(o->report, "not resuming '%s': told not to", o->image);
		s->why = KJ_DISCARD_NORESUME;
		return 0;
	}
	err = check_all(s);
	if (!err)
		err = load_r(s);
	if (!err && o->check_only)
		say_info(o->report, "'%s' can be resumed: %llu pages saved, %llu zero, kernel %s",
			 o->image, (unsigned long long)s->h->pages_saved,
			 (unsigned long long)s->h->pages_zero, s->h->osrelease);
	else if (!err)
		err = start_r(s);
	return err;
}

int kj_resume(const struct kj_resume_opts *o)
{
	struct resume s = { .o = o };
	int err = kj_resume_open(&s);

	if (!err)
		err = resume(&s);
	if (s.why && !o->check_only)
		discard(&s);
	kj_resume_release(&s);
	return err;
}
