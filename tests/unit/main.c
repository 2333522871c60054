// SPDX-License-Identifier: GPL-2.0-or-later
/* The unit test runner: runs every registered test, or those named. */
#include <stdarg.h>
#include <stdlib.h>

#include "flow/flow.h"
#include "common/internal.h"
#include "t.h"

static struct t_case *cases, **tail = &cases;
static char failure[512];
static int failed;

void t_register(struct t_case *c)
{
	*tail = c;
	tail = &c->next;
}

void t_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	failed = 1;
	n = snprintf(failure, sizeof(failure), "%s:%d: ", file, line);
	va_start(ap, fmt);
	vsnprintf(failure + n, sizeof(failure) - (size_t)n, fmt, ap);
	va_end(ap);
}

int t_failed(void)
{
	return failed;
}

char *t_data(const char *name, size_t *len)
{
	char path[256];
	const char *dir = getenv("KJ_TEST_DATA");
	char *text;

	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "tests/unit/data",
		 name);
	if (kj_read_text(path, &text, len)) {
		fprintf(stderr, "cannot read test data '%s'\n", path);
		exit(1);
	}
	return text;
}

static int selected(const char *name, int argc, char **argv)
{
	if (argc < 2)
		return 1;
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], name))
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	int passed = 0, nfailed = 0;

	for (struct t_case *c = cases; c; c = c->next) {
		if (!selected(c->name, argc, argv))
			continue;
		failed = 0;
		c->fn();
		if (failed) {
			printf("FAIL %s: %s\n", c->name, failure);
			nfailed++;
		} else {
			printf("PASS %s\n", c->name);
			passed++;
		}
	}
	printf("unit: %d passed, %d failed\n", passed, nfailed);
	return nfailed ? 1 : 0;
}
