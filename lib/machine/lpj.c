// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The running kernel's delay-loop calibration, loops per jiffy. B and R,
 * the same kernel on the same CPUs, are told it with lpj= instead of
 * measuring it again: the kernel skips the measurement on its boot CPU
 * only, and under emulation it took 0.12 to 0.17 s for each further CPU
 * of every boot of B and R.
 *
 * It comes from the kernel's own line "Calibrating delay loop ...
 * (lpj=N)", which a system that has run long may have dropped from its
 * log. The first value found is kept under /run/kjump, so that every
 * command line of this boot says the same (a resident B is recognised by
 * its command line).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/stat.h>
#include <unistd.h>

#include "machine/machine.h"

#define LPJ_FILE	KJ_RUN_DIR "/lpj"
#define SYSLOG_READ_ALL	3
#define SYSLOG_SIZE	10

uint64_t kj_lpj_parse(const char *log, size_t len)
{
	static const char line[] = "Calibrating delay loop";
	const char *end = log + len;

	for (const char *p = log; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		const char *hit = memmem(p, (size_t)(eol - p), line, sizeof(line) - 1);
		const char *at = hit ? memmem(hit, (size_t)(eol - hit), "(lpj=", 5) : NULL;

		if (at) {
			char *stop;
			unsigned long long v = strtoull(at + 5, &stop, 10);

			if (stop < eol && *stop == ')' && v)
				return v;
		}
		p = eol + 1;
	}
	return 0;
}

static uint64_t from_log(void)
{
	int size = klogctl(SYSLOG_SIZE, NULL, 0);
	char *buf;
	int n;
	uint64_t lpj = 0;

	if (size <= 0 || !(buf = malloc((size_t)size)))
		return 0;
	n = klogctl(SYSLOG_READ_ALL, buf, size);
	if (n > 0)
		lpj = kj_lpj_parse(buf, (size_t)n);
	free(buf);
	return lpj;
}

static uint64_t from_file(void)
{
	char *text = NULL;
	size_t len;
	uint64_t lpj = 0;

	if (!kj_read_text(LPJ_FILE, &text, &len))
		lpj = strtoull(text, NULL, 10);
	free(text);
	return lpj;
}

static void keep(uint64_t lpj)
{
	char line[32];
	int n = snprintf(line, sizeof(line), "%llu\n", (unsigned long long)lpj);
	int fd;
	bool ok;

	mkdir(KJ_RUN_DIR, 0755);
	fd = open(LPJ_FILE ".tmp", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	ok = write(fd, line, (size_t)n) == n;
	if (close(fd) || !ok || rename(LPJ_FILE ".tmp", LPJ_FILE))
		unlink(LPJ_FILE ".tmp");
}

uint64_t kj_running_lpj(void)
{
	uint64_t lpj = from_file();

	if (!lpj && (lpj = from_log()))
		keep(lpj);
	return lpj;
}
