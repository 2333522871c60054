// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * An encrypted image's own key. kj_image_unlock() opens the secret key
 * file with the passphrase, from a key file or asked through the report
 * (at most KJ_PASS_TRIES times), and unseals the image's key with it: for
 * C, for R booted straight from the boot loader, and for the commands
 * that read an image (verify, export). C hands the key to R in R's
 * initramfs (KJ_HANDED_KEY, R's memory; lib/flow/resume.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flow/resume.h"
#include "key/key.h"

#define PASS_MAX 1024

struct unlock {
	struct kj_image *img;
	const struct kj_unlock_opts *o;
	const char *secret;
	const struct kj_report *r;
};

/* The secret key file, and that it is the key the image was sealed to. */
static int read_secret(const struct unlock *u, char **text)
{
	const struct kj_report *r = u->r;
	struct kj_key_public pub;
	struct kj_key_cost cost;
	char want[2 * KJ_KEY_ID_SIZE + 1], have[2 * KJ_KEY_ID_SIZE + 1];
	size_t len;
	int err = kj_read_text(u->secret, text, &len);

	kj_hex(want, u->img->h.key_id, KJ_KEY_ID_SIZE);
	if (err) {
		say_error(r, "'%s' is encrypted to key %s, and there is no secret key here (%s: %s)",
			  u->o->name, want, u->secret, strerror(-err));
		say_hint(r, "'kjump setup' puts the secret key into the initramfs");
		err = -ENOKEY;
	} else if (kj_key_secret_info(*text, &pub, &cost)) {
		say_error(r, "%s is not a kjump secret key, or it is damaged", u->secret);
		err = -ENOKEY;
	} else if (memcmp(pub.id, u->img->h.key_id, KJ_KEY_ID_SIZE)) {
		kj_hex(have, pub.id, KJ_KEY_ID_SIZE);
		say_error(r, "'%s' is encrypted to key %s; the secret key here is %s",
			  u->o->name, want, have);
		err = -ENOKEY;
	}
	return err;
}

/* The first line of the key file, or what the user typed. */
static int passphrase(const struct unlock *u, unsigned attempt, char *pass, size_t size)
{
	const struct kj_report *r = u->r;
	char prompt[160];
	int fd, err = 0;
	ssize_t n;

	if (u->o->keyfile) {
		fd = open(u->o->keyfile, O_RDONLY | O_CLOEXEC);
		n = fd < 0 ? -1 : read(fd, pass, size - 1);
		err = n < 0 ? -errno : 0;
		if (fd >= 0)
			close(fd);
		if (err)
			say_error(r, "cannot read the passphrase from '%s': %s", u->o->keyfile,
				  strerror(-err));
		else
			pass[strcspn(pass, "\n")] = '\0';	/* zeroed before */
		return err;
	}
	if (!r || !r->ask) {
		say_error(r, "no one to ask the passphrase: give kjump.keyfile=");
		return -ENOTTY;
	}
	snprintf(prompt, sizeof(prompt), "kjump: passphrase for '%s' (%u of %u): ",
		 u->o->name, attempt, KJ_PASS_TRIES);
	err = r->ask(r->ctx, prompt, pass, size);
	if (err)
		say_error(r, "cannot ask the passphrase: %s", strerror(-err));
	return err;
}

/* The secret key, opened: one try with a key file, else KJ_PASS_TRIES. */
static int open_secret(const struct unlock *u, const char *text, struct kj_key_secret *sec)
{
	const struct kj_report *r = u->r;
	unsigned tries = u->o->keyfile ? 1 : KJ_PASS_TRIES;
	char pass[PASS_MAX];
	int err = -EKEYREJECTED;

	for (unsigned i = 1; i <= tries && err == -EKEYREJECTED; i++) {
		memset(pass, 0, sizeof(pass));
		err = passphrase(u, i, pass, sizeof(pass));
		if (!err)
			err = kj_key_unlock(text, pass, strlen(pass), sec);
		explicit_bzero(pass, sizeof(pass));
		if (err == -EKEYREJECTED)
			say_error(r, "the passphrase does not open the secret key%s",
				  i < tries ? ": try again" : "");
		else if (err == -ENOMEM)
			say_error(r, "not enough memory to try the passphrase (Argon2id)");
	}
	return err == -EKEYREJECTED || !err ? err : -ENOKEY;
}

static int set_key(const struct unlock *u, const uint8_t key[KJ_IMAGE_KEY_SIZE])
{
	struct kj_image_error e;
	int err = kj_image_set_key(u->img, key, &e);

	if (err == -EBADMSG)
		say_error(u->r, "'%s': %s", u->o->name, kj_image_fault_str(e.fault));
	return err;
}

int kj_image_unlock(struct kj_image *img, const struct kj_unlock_opts *o)
{
	struct unlock u = { img, o, o->secret ? o->secret : KJ_KEY_SECRET, o->report };
	struct kj_key_secret sec;
	uint8_t key[KJ_IMAGE_KEY_SIZE];
	char *text = NULL;
	int err = 0;

	if (!(img->h.flags & KJ_IMAGE_FLAG_ENCRYPTED) || img->key)
		return 0;
	if (!kj_aead_usable(img->h.aead)) {
		say_error(u.r, "'%s' is encrypted with %s, which this CPU cannot run",
			  o->name, kj_aead_name(img->h.aead));
		return -ENOTSUP;
	}
	err = read_secret(&u, &text);
	if (!err)
		err = open_secret(&u, text, &sec);
	free(text);
	if (!err && (err = kj_key_unseal_aead(&sec, img->h.sealed_key, key))) {
		say_error(u.r, "'%s': its sealed key does not open (altered, or forged)", o->name);
		err = -EBADMSG;
	}
	kj_key_wipe(&sec);
	if (!err)
		err = set_key(&u, key);
	explicit_bzero(key, sizeof(key));
	if (!err)
		say_info(u.r, "the passphrase opened '%s' (%s)", o->name, kj_aead_name(img->h.aead));
	return err;
}

/* Overwrites a small file's bytes where they lie (ramfs), then unlinks
 * it: R's own memory keeps no copy of the key beyond the walk's. */
static void wipe_file(const char *path)
{
	static const uint8_t zeros[64];
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd >= 0) {
		n = write(fd, zeros, sizeof(zeros));
		(void)n;	/* unlinked all the same */
		close(fd);
	}
	unlink(path);
}

/* In R started by C: the key C handed over, for this image only. */
static int handed(struct resume *s)
{
	const struct kj_report *r = s->o->report;
	uint8_t buf[16 + KJ_IMAGE_KEY_SIZE + 1];
	int fd = open(KJ_HANDED_KEY, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf));
	int err = n == (ssize_t)sizeof(buf) - 1 && !memcmp(buf, s->h->uuid, 16) ? 0 : -ENOKEY;

	if (fd >= 0)
		close(fd);
	wipe_file(KJ_HANDED_KEY);
	if (err) {
		say_error(r, "'%s' is encrypted, and C handed no key for it (%s)", s->o->image,
			  KJ_HANDED_KEY);
	} else {
		struct kj_unlock_opts o = { .name = s->o->image, .report = r };
		struct unlock u = { s->img, &o, NULL, r };

		err = set_key(&u, buf + 16);
	}
	explicit_bzero(buf, sizeof(buf));
	return err;
}

/* Where a secret key is set up (C's initramfs has it), a plain image is
 * one anyone who can write the disk could have made: refused. So it is
 * in R when C handed a key: C checked an encrypted image, and a plain one
 * with its UUID is another. */
static int must_be_encrypted(struct resume *s, bool in_r)
{
	bool from_c = in_r && s->o->uuid;
	const char *key = from_c ? KJ_HANDED_KEY : KJ_KEY_SECRET;

	if (access(key, F_OK))
		return 0;
	if (from_c)
		say_error(s->o->report, "'%s' is not encrypted, and the image C checked was", s->o->image);
	else
		say_error(s->o->report, "'%s' is not encrypted, and this system resumes only encrypted images (a key is set up: %s)",
			  s->o->image, key);
	say_hint(s->o->report, "where a key is set up, 'kjump hibernate' encrypts unless told --no-encrypt");
	s->why = KJ_DISCARD_BAD_IMAGE;
	s->detail = KJ_IMG_NOT_ENCRYPTED;
	return -EPERM;
}

int kj_resume_unlock(struct resume *s, bool in_r)
{
	struct kj_unlock_opts o = { .name = s->o->image, .keyfile = s->o->keyfile,
				    .report = s->o->report };
	int err;

	if (!(s->h->flags & KJ_IMAGE_FLAG_ENCRYPTED))
		return must_be_encrypted(s, in_r);
	err = in_r && s->o->uuid ? handed(s) : kj_image_unlock(s->img, &o);
	if (err == -EBADMSG) {
		s->why = KJ_DISCARD_BAD_IMAGE;
		s->detail = KJ_IMG_BAD_TAG;
	} else if (err) {
		s->why = KJ_DISCARD_NO_KEY;
	}
	return err;
}

size_t kj_handed_key_cpio(const struct resume *s, uint8_t *out, size_t size)
{
	uint8_t data[16 + KJ_IMAGE_KEY_SIZE];
	size_t n;

	if (!s->img->key)
		return 0;
	memcpy(data, s->h->uuid, 16);
	memcpy(data + 16, s->img->key->key, KJ_IMAGE_KEY_SIZE);
	n = kj_cpio_file(out, size, &KJ_HANDED_KEY[1], data, sizeof(data), 0400);	/* no leading / */
	explicit_bzero(data, sizeof(data));
	/* C has checked every block: it needs the key no more, and what it
	 * leaves in memory R does not restore over stays in A's free pages */
	explicit_bzero(s->img->key, sizeof(*s->img->key));
	return n;
}
