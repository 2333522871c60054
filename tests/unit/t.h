/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A tiny unit test harness. TEST(name) defines and registers a test; the
 * CHECK macros record the first failure and return from the test. The
 * runner prints "PASS name" or "FAIL name: reason" for each test and ends
 * with "N passed, N failed".
 */
#ifndef KJ_T_H
#define KJ_T_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

struct t_case {
	const char *name;
	void (*fn)(void);
	struct t_case *next;
};

void t_register(struct t_case *c);
void t_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int t_failed(void);

struct kj_image_header;
/* A header's page offset, free fill and one disk, as the image tests use
 * (test_image.c). */
void t_sample_disk(struct kj_image_header *h);

#define TEST(n)                                                        \
	static void test_##n(void);                                    \
	static struct t_case t_case_##n = { #n, test_##n, NULL };      \
	__attribute__((constructor)) static void t_reg_##n(void)       \
	{                                                              \
		t_register(&t_case_##n);                               \
	}                                                              \
	static void test_##n(void)

#define CHECK(cond)                                                    \
	do {                                                           \
		if (!(cond)) {                                         \
			t_fail(__FILE__, __LINE__, "%s", #cond);       \
			return;                                        \
		}                                                      \
	} while (0)

#define CHECK_INT(a, b)                                                \
	do {                                                           \
		long long t_a_ = (long long)(a), t_b_ = (long long)(b); \
		if (t_a_ != t_b_) {                                    \
			t_fail(__FILE__, __LINE__, "%s = %lld, want %lld", \
			       #a, t_a_, t_b_);                        \
			return;                                        \
		}                                                      \
	} while (0)

#define CHECK_U64(a, b)                                                \
	do {                                                           \
		uint64_t t_a_ = (a), t_b_ = (b);                       \
		if (t_a_ != t_b_) {                                    \
			t_fail(__FILE__, __LINE__,                     \
			       "%s = 0x%" PRIx64 ", want 0x%" PRIx64,  \
			       #a, t_a_, t_b_);                        \
			return;                                        \
		}                                                      \
	} while (0)

#define CHECK_STR(a, b)                                                \
	do {                                                           \
		const char *t_a_ = (a), *t_b_ = (b);                   \
		if (strcmp(t_a_, t_b_)) {                              \
			t_fail(__FILE__, __LINE__, "%s = \"%s\", want \"%s\"", \
			       #a, t_a_, t_b_);                        \
			return;                                        \
		}                                                      \
	} while (0)

/* Reads tests/unit/data/NAME; the harness aborts the test if it cannot. */
char *t_data(const char *name, size_t *len);

#endif
