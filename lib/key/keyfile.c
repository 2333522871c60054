// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The key files' text. A public key file:
 *
 *   kjump public key 1
 *   id 0123456789abcdef
 *   x25519 <64 hex digits>
 *
 * A secret key file: the same three lines (with "secret"), then
 *
 *   argon2id13 ops N mem BYTES salt <32 hex digits>
 *   sealed xchacha20poly1305 <48 hex digits: nonce> <96 hex digits>
 *
 * An authentication key file (A's, to bind images to the key pair): the
 * public lines (with "auth"), then
 *
 *   blake2b <64 hex digits>
 *
 * Each line ends in a newline; nothing else is taken: no other spacing,
 * no uppercase hex, no leading zeros, no line more or less. The id must
 * be the public key's.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/internal.h"
#include "key/key.h"

#define PUBLIC_MAGIC	"kjump public key 1"
#define SECRET_MAGIC	"kjump secret key 1"
#define AUTH_MAGIC	"kjump auth key 1"
#define LINE_MAX_LEN	256

/* A cursor over the text, a line at a time. */
struct lines {
	const char *p;
	char line[LINE_MAX_LEN];
};

/* The next line, without its newline; -EBADMSG if there is none, it has
 * no newline, or it is too long. */
static int next_line(struct lines *l)
{
	const char *nl = strchr(l->p, '\n');
	size_t len;

	if (!nl || (len = (size_t)(nl - l->p)) >= sizeof(l->line))
		return -EBADMSG;
	memcpy(l->line, l->p, len);
	l->line[len] = '\0';
	l->p = nl + 1;
	return 0;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* What follows a token at p: the end of the line, or one space and more
 * (never a space at the end); moves *s to the next token. */
static int after_token(const char **s, const char *p)
{
	if (*p && (*p != ' ' || !p[1] || p[1] == ' '))
		return -EBADMSG;
	*s = *p ? p + 1 : p;
	return 0;
}

/* Exactly 2 * n lowercase hex digits at *s, then the next token or the
 * end. */
static int take_hex(const char **s, uint8_t *out, size_t n)
{
	const char *p = *s;

	for (size_t i = 0; i < n; i++) {
		int hi = hex_digit(p[2 * i]), lo = hi < 0 ? -1 : hex_digit(p[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -EBADMSG;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return after_token(s, p + 2 * n);
}

/* A plain decimal (no sign, no leading zero) at *s, then the next token
 * or the end. */
static int take_u64(const char **s, uint64_t *out)
{
	const char *p = *s;
	uint64_t v = 0;

	if (*p < '1' || *p > '9')
		return -EBADMSG;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return -EBADMSG;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	*out = v;
	return after_token(s, p);
}

/* The word at *s, then the next token or the end. */
static int take_word(const char **s, const char *word)
{
	size_t n = strlen(word);

	return strncmp(*s, word, n) ? -EBADMSG : after_token(s, *s + n);
}

/* The three lines both files start with, after magic. */
static int take_public(struct lines *l, const char *magic, struct kj_key_public *pub)
{
	const char *s;

	if (next_line(l) || strcmp(l->line, magic))
		return -EBADMSG;
	if (next_line(l))
		return -EBADMSG;
	s = l->line;
	if (take_word(&s, "id") || take_hex(&s, pub->id, sizeof(pub->id)) || *s)
		return -EBADMSG;
	if (next_line(l))
		return -EBADMSG;
	s = l->line;
	if (take_word(&s, "x25519") || take_hex(&s, pub->pk, sizeof(pub->pk)) || *s)
		return -EBADMSG;
	return kj_key_id_matches(pub) ? 0 : -EBADMSG;
}

int kj_key_public_parse(const char *text, struct kj_key_public *pub)
{
	struct lines l = { .p = text };
	int err = take_public(&l, PUBLIC_MAGIC, pub);

	return err ? err : *l.p ? -EBADMSG : 0;
}

int kj_key_auth_parse(const char *text, struct kj_key_auth *a)
{
	struct lines l = { .p = text };
	const char *s;
	int err;

	memset(a, 0, sizeof(*a));
	if (take_public(&l, AUTH_MAGIC, &a->pub) || next_line(&l))
		return -EBADMSG;
	s = l.line;
	err = take_word(&s, "blake2b") || take_hex(&s, a->auth, sizeof(a->auth)) || *s || *l.p
	      ? -EBADMSG : 0;
	explicit_bzero(l.line, sizeof(l.line));
	return err;
}

static int take_cost(struct lines *l, struct kj_keyfile *f)
{
	const char *s;

	if (next_line(l))
		return -EBADMSG;
	s = l->line;
	if (take_word(&s, "argon2id13") || take_word(&s, "ops") || take_u64(&s, &f->cost.ops) ||
	    take_word(&s, "mem") || take_u64(&s, &f->cost.mem) ||
	    take_word(&s, "salt") || take_hex(&s, f->salt, sizeof(f->salt)) || *s)
		return -EBADMSG;
	return kj_key_cost_ok(&f->cost) ? 0 : -EBADMSG;
}

int kj_keyfile_parse(const char *text, struct kj_keyfile *f)
{
	struct lines l = { .p = text };
	const char *s;

	memset(f, 0, sizeof(*f));
	if (take_public(&l, SECRET_MAGIC, &f->pub) || take_cost(&l, f))
		return -EBADMSG;
	f->ad_len = (size_t)(l.p - text);
	if (next_line(&l))
		return -EBADMSG;
	s = l.line;
	if (take_word(&s, "sealed") || take_word(&s, "xchacha20poly1305") ||
	    take_hex(&s, f->nonce, sizeof(f->nonce)) ||
	    take_hex(&s, f->sealed, sizeof(f->sealed)) || *s || *l.p)
		return -EBADMSG;
	return 0;
}

int kj_key_secret_info(const char *text, struct kj_key_public *pub,
		       struct kj_key_cost *cost)
{
	struct kj_keyfile f;
	int err = kj_keyfile_parse(text, &f);

	if (!err) {
		*pub = f.pub;
		*cost = f.cost;
	}
	return err;
}

/* The three lines of a public half, after magic. */
static int public_lines(char *out, size_t size, const char *magic,
			const struct kj_key_public *pub)
{
	char id[2 * KJ_KEY_ID_SIZE + 1], pk[2 * KJ_KEY_SIZE + 1];

	kj_hex(id, pub->id, sizeof(pub->id));
	kj_hex(pk, pub->pk, sizeof(pub->pk));
	return snprintf(out, size, "%s\nid %s\nx25519 %s\n", magic, id, pk);
}

char *kj_key_public_text(const struct kj_key_public *pub)
{
	char *t = malloc(LINE_MAX_LEN * 3);

	if (t)
		public_lines(t, LINE_MAX_LEN * 3, PUBLIC_MAGIC, pub);
	return t;
}

/* The public lines after magic, then one more, malloc'd. */
__attribute__((format(printf, 3, 4)))
static char *public_and_line(const char *magic, const struct kj_key_public *pub,
			     const char *fmt, ...)
{
	char *t = malloc(LINE_MAX_LEN * 5);
	va_list ap;
	int n;

	if (!t)
		return NULL;
	n = public_lines(t, LINE_MAX_LEN * 5, magic, pub);
	va_start(ap, fmt);
	vsnprintf(t + n, LINE_MAX_LEN * 5 - (size_t)n, fmt, ap);
	va_end(ap);
	return t;
}

char *kj_key_auth_text(const struct kj_key_auth *a)
{
	char auth[2 * KJ_KEY_SIZE + 1];
	char *t;

	kj_hex(auth, a->auth, sizeof(a->auth));
	t = public_and_line(AUTH_MAGIC, &a->pub, "blake2b %s\n", auth);
	explicit_bzero(auth, sizeof(auth));
	return t;
}

char *kj_keyfile_head(const struct kj_keyfile *f)
{
	char salt[2 * KJ_KEY_SALT_SIZE + 1];

	kj_hex(salt, f->salt, sizeof(f->salt));
	return public_and_line(SECRET_MAGIC, &f->pub,
			       "argon2id13 ops %" PRIu64 " mem %" PRIu64 " salt %s\n",
			       f->cost.ops, f->cost.mem, salt);
}

char *kj_keyfile_text(const struct kj_keyfile *f)
{
	char nonce[2 * KJ_KEY_NONCE_SIZE + 1], sealed[2 * KJ_KEY_SEALED_SIZE + 1];
	char *t = kj_keyfile_head(f);
	size_t n;

	if (!t)
		return NULL;
	kj_hex(nonce, f->nonce, sizeof(f->nonce));
	kj_hex(sealed, f->sealed, sizeof(f->sealed));
	n = strlen(t);
	snprintf(t + n, LINE_MAX_LEN * 5 - n, "sealed xchacha20poly1305 %s %s\n",
		 nonce, sealed);
	return t;
}

void kj_key_id_text(const struct kj_key_public *pub,
		    char out[2 * KJ_KEY_ID_SIZE + 1])
{
	kj_hex(out, pub->id, sizeof(pub->id));
}
