// SPDX-License-Identifier: GPL-2.0-or-later
/* Helpers shared by the subcommands. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tool.h"

int parse_u64(const char *s, uint64_t *out)
{
	unsigned long long v;
	unsigned int shift = 0;
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -EINVAL;
	switch (*end) {
	case 'K': case 'k': shift = 10; end++; break;
	case 'M': case 'm': shift = 20; end++; break;
	case 'G': case 'g': shift = 30; end++; break;
	}
	if (*end || (shift && v >> (64 - shift)))
		return -EINVAL;
	*out = (uint64_t)v << shift;
	return 0;
}

static int read_all(int fd, char *buf, size_t size)
{
	size_t done = 0;

	while (done < size) {
		ssize_t r = read(fd, buf + done, size - done);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -EIO;	/* it shrank under us */
		done += (size_t)r;
	}
	return 0;
}

int read_file(const char *path, void **buf, size_t *size, uint64_t max)
{
	struct stat st;
	int fd, err;
	char *p;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		error("cannot open '%s': %s", path, strerror(errno));
		return -errno;
	}
	err = fstat(fd, &st) ? -errno : 0;
	if (!err && !S_ISREG(st.st_mode))
		err = -EINVAL;
	if (!err && (uint64_t)st.st_size > max)
		err = -EFBIG;
	p = err ? NULL : malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!err && !p)
		err = -ENOMEM;
	if (!err)
		err = read_all(fd, p, (size_t)st.st_size);
	close(fd);
	if (err) {
		free(p);
		error("cannot read '%s': %s", path,
		      err == -EINVAL ? "not a regular file" : strerror(-err));
		return err;
	}
	*buf = p;
	*size = (size_t)st.st_size;
	return 0;
}

static void explain_denial(enum kj_kexec_denial why)
{
	switch (why) {
	case KJ_KEXEC_ALLOWED:
		break;
	case KJ_KEXEC_NOT_ROOT:
		error("kexec needs root (CAP_SYS_BOOT)");
		hint("run kjump as root");
		break;
	case KJ_KEXEC_NO_KEXEC:
		error("this kernel was built without kexec (CONFIG_KEXEC)");
		hint("boot a kernel built with kernel/kjump.config merged in");
		break;
	case KJ_KEXEC_NO_JUMP:
		error("this kernel cannot kexec-jump: it was built without CONFIG_KEXEC_JUMP");
		hint("boot a kernel built with kernel/kjump.config merged in ('make kernel' builds one)");
		break;
	case KJ_KEXEC_LOCKED_DOWN:
		error("kexec is locked down: the kernel forbids kexec_load (see /sys/kernel/security/lockdown)");
		hint("boot with lockdown=none, and with Secure Boot off if it enforces lockdown");
		break;
	case KJ_KEXEC_DISABLED:
		error("kexec_load is disabled (kernel.kexec_load_disabled = 1)");
		hint("it stays disabled until the next boot");
		break;
	case KJ_KEXEC_REFUSED:
		error("the kernel refused kexec_load: a security module or kernel.kexec_load_limit_reboot said no");
		break;
	case KJ_KEXEC_BLOCKED:
		error("kexec_load is blocked by a seccomp filter (is this a container?)");
		hint("run kjump on the host, or in a VM");
		break;
	}
}

int require_kexec_jump(void)
{
	enum kj_kexec_denial why;
	int err = kj_kexec_check(&why);

	if (err) {
		error("cannot tell whether this kernel can kexec-jump: %s",
		      strerror(-err));
		return err;
	}
	explain_denial(why);
	return why == KJ_KEXEC_ALLOWED ? 0 : -EPERM;
}

/* CLOCK_BOOTTIME goes on counting while this kernel is frozen in a jump;
 * CLOCK_MONOTONIC would leave out the time spent in the other kernel. */
void start_clock(struct timespec *t0)
{
	clock_gettime(CLOCK_BOOTTIME, t0);
}

double seconds_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_BOOTTIME, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) +
	       (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}
