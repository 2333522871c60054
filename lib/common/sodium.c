// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libsodium, started without waiting for the kernel's random pool.
 *
 * sodium_init() stirs its random source and draws the canary of its
 * guarded allocations, and Debian's libsodium (1.0.18) does both with a
 * getrandom() that blocks until the kernel's pool is ready. Early in a
 * fresh boot, in B and in R, that pool is seconds away on a machine
 * without RDRAND (an emulator's default CPU), and B and R need no
 * randomness at all: an image's key is made in A.
 *
 * So kjump gives libsodium its own source. Randomness is asked of the
 * kernel only when it is wanted, and it waits for the pool as libsodium
 * would: whatever a key or a salt is made of is never weak. The one
 * exception is the canary drawn while sodium_init() runs, which comes from
 * GRND_INSECURE; it guards sodium_malloc()'s allocations, which kjump
 * never makes.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/random.h>

#include <sodium.h>

#include "common/internal.h"

#ifndef GRND_INSECURE
#define GRND_INSECURE 0x0004	/* Linux 5.6 */
#endif

static __thread bool starting;

static void fill(void *buf, size_t size)
{
	unsigned int flags = starting ? GRND_INSECURE : 0;
	uint8_t *p = buf;

	while (size) {
		ssize_t got = getrandom(p, size, flags);

		if (got < 0 && errno == EINVAL && flags) {
			flags = 0;	/* a kernel older than GRND_INSECURE */
			continue;
		}
		if (got < 0 && errno == EINTR)
			continue;
		/* libsodium's own source aborts too: this returns nothing,
		 * and no caller may go on with bytes that are not random. */
		if (got <= 0)
			abort();
		p += got;
		size -= (size_t)got;
	}
}

static uint32_t random32(void)
{
	uint32_t r;

	fill(&r, sizeof(r));
	return r;
}

static const char *name(void)
{
	return KJ_SODIUM_RANDOM;
}

/* stir, uniform and close may be NULL: libsodium then skips them or
 * derives uniform from random. */
static struct randombytes_implementation source = {
	.implementation_name = name,
	.random = random32,
	.buf = fill,
};

static int result;

static void start(void)
{
	if (randombytes_set_implementation(&source) != 0) {
		result = -EIO;
		return;
	}
	starting = true;
	result = sodium_init() < 0 ? -EIO : 0;
	starting = false;
}

int kj_sodium_init(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, start);
	return result;
}
