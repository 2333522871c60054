// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: the key files' text (lib/key/keyfile.c): public,
 * secret and authentication. A file that is taken must be the one its
 * parts write again, byte for byte: the secret file's lines are the
 * associated data of its sealed key. */
#include "fuzz.h"
#include "key/key.h"

static void check_secret(const char *text)
{
	struct kj_keyfile f;
	char *again;

	if (kj_keyfile_parse(text, &f))
		return;
	again = kj_keyfile_text(&f);
	if (!again || strcmp(again, text) || strncmp(text + f.ad_len, "sealed ", 7))
		abort();
	free(again);
}

static void check_auth(const char *text)
{
	struct kj_key_auth a;
	char *again;

	if (kj_key_auth_parse(text, &a))
		return;
	again = kj_key_auth_text(&a);
	if (!again || strcmp(again, text))
		abort();
	free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size), *again;
	struct kj_key_public pub;

	if (!text)
		return 0;
	if (!kj_key_public_parse(text, &pub)) {
		again = kj_key_public_text(&pub);
		if (!again || strcmp(again, text))
			abort();
		free(again);
	}
	check_secret(text);
	check_auth(text);
	free(text);
	return 0;
}
