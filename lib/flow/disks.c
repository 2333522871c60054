// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The disks a hibernation must find as A left them: A names them to B
 * (kjump.disks=), B fingerprints them raw after A's last sync, C and R
 * compare (lib/disk does the reading).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow/resume.h"
#include "disk/disk.h"

/* A name on a kernel command line: no spaces, commas or colons. */
static void plain_name(char *name)
{
	for (; *name; name++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-", *name))
			*name = '_';
}

static int list_disks(const struct kj_report *r, struct kj_disk_print *d, size_t *n)
{
	int err = kj_disks_in_use(d, KJ_DISKS_MAX, n);

	if (err == -E2BIG)
		say_error(r, "A uses more than %d file systems and swap areas on disks: kjump cannot watch them all",
			  KJ_DISKS_MAX);
	else if (err)
		say_error(r, "cannot list the file systems in use: %s", strerror(-err));
	for (size_t i = 0; !err && i < *n; i++) {
		static const uint8_t zero[16];

		if (memcmp(d[i].id, zero, 16))
			continue;
		say_error(r, "cannot fingerprint the file system at '%s' (of a kind kjump does not know, or without a UUID): a resume could not tell whether it changed",
			  d[i].name);
		say_hint(r, "unmount it before hibernating, or take a snapshot instead");
		err = -EMEDIUMTYPE;
	}
	return err;
}

size_t kj_disks_arg(const struct kj_report *r, char *out, size_t size, int *err)
{
	struct kj_disk_print d[KJ_DISKS_MAX];
	size_t n = 0, len = 0;
	char id[33];

	*err = list_disks(r, d, &n);
	for (size_t i = 0; !*err && i < n && len < size; i++) {
		kj_uuid_hex(d[i].id, id);
		plain_name(d[i].name);
		len += (size_t)snprintf(out + len, size - len, "%s%c:%s:%s",
					i ? "," : " kjump.disks=",
					d[i].kind == KJ_DISK_SWAP ? 's' : 'f', id, d[i].name);
	}
	return len;
}

/* One "K:UUIDHEX:NAME" of kjump.disks=. */
static int parse_one(const char *s, size_t len, struct kj_disk_print *p)
{
	memset(p, 0, sizeof(*p));
	if (len < 36 || s[1] != ':' || s[34] != ':' || !strchr("fs", s[0]) ||
	    len - 35 >= sizeof(p->name))
		return -EINVAL;
	p->kind = s[0] == 's' ? KJ_DISK_SWAP : KJ_DISK_FS;
	for (int i = 0; i < 16; i++) {
		char byte[3] = { s[2 + 2 * i], s[3 + 2 * i], 0 }, *end;

		p->id[i] = (uint8_t)strtoul(byte, &end, 16);
		if (*end)
			return -EINVAL;
	}
	memcpy(p->name, s + 35, len - 35);
	return 0;
}

int kj_disks_parse(const char *text, struct kj_disk_print *d, size_t *n)
{
	*n = 0;
	while (*text) {
		size_t len = strcspn(text, ",");

		if (*n == KJ_DISKS_MAX || parse_one(text, len, &d[*n]))
			return -EINVAL;
		(*n)++;
		text += len + !!text[len];
	}
	return 0;
}

int kj_disks_record(const struct kj_report *r, const struct kj_disk_print *want,
		    size_t n, struct kj_image_header *h)
{
	char dev[64], id[33];
	int err = 0;

	for (size_t i = 0; !err && i < n; i++) {
		h->disks[i] = want[i];
		err = kj_disk_find(&want[i], dev, sizeof(dev));
		/* no other boot swaps onto A's swapped-out pages */
		if (!err && want[i].kind == KJ_DISK_SWAP)
			err = kj_disk_swap_hold(dev, true);
		if (!err)
			err = kj_disk_print_read(dev, &h->disks[i]);
		kj_uuid_hex(want[i].id, id);
		if (err)
			say_error(r, "cannot fingerprint '%s' (UUID %s): %s", want[i].name, id,
				  err == -ENOENT ? "its disk is not here"
				  : err == -EEXIST ? "two disks hold it" : strerror(-err));
		else
			say_debug(r, "fingerprint of '%s': %s, hash %016llx", want[i].name,
				  dev, (unsigned long long)h->disks[i].hash);
	}
	h->ndisks = err ? 0 : (uint32_t)n;
	return err;
}

int kj_disks_unchanged(struct resume *s)
{
	const struct kj_report *r = s->o->report;
	struct kj_disk_print now;
	size_t bad = 0;
	int err = kj_disks_check(s->h->disks, s->h->ndisks, &bad, &now);
	const char *name = err ? s->h->disks[bad].name : "";

	if (err == -ESTALE)
		say_error(r, "'%s': the file system at '%s' changed since the hibernation: resuming would undo what was written to it since",
			  s->o->image, name);
	else if (err == -ENOENT)
		say_error(r, "'%s': the disk of '%s' is not here", s->o->image, name);
	else if (err == -EEXIST)
		say_error(r, "'%s': two disks hold '%s': cannot tell which is A's", s->o->image, name);
	else if (err)
		say_error(r, "'%s': cannot check the disk of '%s': %s", s->o->image, name,
			  strerror(-err));
	if (err)
		s->why = KJ_DISCARD_DISKS;
	return err;
}

void kj_disks_release_swap(const struct kj_report *r, const struct kj_image_header *h)
{
	char dev[64];

	for (uint32_t i = 0; i < h->ndisks; i++) {
		int err = h->disks[i].kind != KJ_DISK_SWAP ? 0
			  : kj_disk_find(&h->disks[i], dev, sizeof(dev));

		if (!err && h->disks[i].kind == KJ_DISK_SWAP)
			err = kj_disk_swap_hold(dev, false);
		if (err)
			say_warn(r, "cannot give the swap area '%s' back (%s): 'mkswap' it before using it",
				 h->disks[i].name, strerror(-err));
	}
}
