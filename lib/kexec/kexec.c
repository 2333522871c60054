// SPDX-License-Identifier: GPL-2.0-or-later
/* kexec loads and jumps, and finding out whether they are allowed. */
#include <errno.h>
#include <fcntl.h>
#include <linux/kexec.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "kexec/sys.h"

#define LOCKDOWN_PATH "/sys/kernel/security/lockdown"
#define KEXEC_LOADED_PATH "/sys/kernel/kexec_loaded"
#define LOAD_DISABLED_PATH "/proc/sys/kernel/kexec_load_disabled"
#define CRASH_LOADED_PATH "/sys/kernel/kexec_crash_loaded"
/* "unlimited" as the kernel shows it, and the largest count it takes */
#define CRASH_LIMIT_NONE "-1"
#define CRASH_LIMIT_ARMED "2147483647"

enum kj_lockdown kj_lockdown_parse(const char *text)
{
	static const struct {
		const char *word;
		enum kj_lockdown mode;
	} modes[] = {
		{ "[none]", KJ_LOCKDOWN_NONE },
		{ "[integrity]", KJ_LOCKDOWN_INTEGRITY },
		{ "[confidentiality]", KJ_LOCKDOWN_CONFIDENTIALITY },
	};

	for (size_t i = 0; i < KJ_ARRAY_SIZE(modes); i++)
		if (strstr(text, modes[i].word))
			return modes[i].mode;
	return KJ_LOCKDOWN_UNKNOWN;
}

static bool locked_down(void)
{
	char *text;
	size_t len;
	enum kj_lockdown mode;

	if (kj_read_text(LOCKDOWN_PATH, &text, &len))
		return false;
	mode = kj_lockdown_parse(text);
	free(text);
	return mode == KJ_LOCKDOWN_INTEGRITY ||
	       mode == KJ_LOCKDOWN_CONFIDENTIALITY;
}

/* Does the file at path begin with "1" (a flag the kernel shows)? */
static bool flag_set(const char *path)
{
	char *text;
	size_t len;
	bool set;

	if (kj_read_text(path, &text, &len))
		return false;
	set = text[0] == '1';
	free(text);
	return set;
}

/* The kernel checks permission, lockdown and flags before it copies the
 * segment list, so a list at NULL stops it at the copy with EFAULT once
 * everything else has passed, having changed nothing. */
int kj_kexec_check(enum kj_kexec_denial *why)
{
	int err = kj_sys_kexec_load_raw(1, NULL,
					KEXEC_PRESERVE_CONTEXT | KEXEC_ARCH_DEFAULT);

	switch (err) {
	case -EFAULT:
		*why = KJ_KEXEC_ALLOWED;
		return 0;
	case -ENOSYS:
		/* The file exists whenever the kernel has kexec: then the
		 * call was filtered out (seccomp), not missing. */
		*why = access(KEXEC_LOADED_PATH, F_OK) ? KJ_KEXEC_NO_KEXEC
						      : KJ_KEXEC_BLOCKED;
		return 0;
	case -EINVAL:
		*why = KJ_KEXEC_NO_JUMP;
		return 0;
	case -EPERM:
		if (geteuid() != 0)
			*why = KJ_KEXEC_NOT_ROOT;
		else if (locked_down())
			*why = KJ_KEXEC_LOCKED_DOWN;
		else if (flag_set(LOAD_DISABLED_PATH))
			*why = KJ_KEXEC_DISABLED;
		else
			*why = KJ_KEXEC_REFUSED;
		return 0;
	default:
		kj_debug("kexec_load probe: unexpected error %d", err);
		return err;
	}
}

int kj_kexec_load_jump(uint64_t entry, const struct kj_segment *segs,
		       size_t nr)
{
	return kj_sys_kexec_load(entry, segs, nr,
				 KEXEC_PRESERVE_CONTEXT | KEXEC_ARCH_DEFAULT);
}

int kj_kexec_load_plain(uint64_t entry, const struct kj_segment *segs,
			size_t nr)
{
	return kj_sys_kexec_load(entry, segs, nr, KEXEC_ARCH_DEFAULT);
}

int kj_kexec_unload(void)
{
	return kj_sys_kexec_load(0, NULL, 0, KEXEC_ARCH_DEFAULT);
}

int kj_kexec_load_crash(uint64_t entry, const struct kj_segment *segs,
			size_t nr)
{
	return kj_sys_kexec_load(entry, segs, nr,
				 KEXEC_ON_CRASH | KEXEC_ARCH_DEFAULT);
}

int kj_kexec_unload_crash(void)
{
	return kj_sys_kexec_load(0, NULL, 0, KEXEC_ON_CRASH | KEXEC_ARCH_DEFAULT);
}

bool kj_kexec_crash_loaded(void)
{
	return flag_set(CRASH_LOADED_PATH);
}

static int read_count(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), err;
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	err = n < 0 ? -errno : 0;
	close(fd);
	if (n <= 0)
		return n ? err : -EIO;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static int write_count(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	if (close(fd) || n < 0)
		return -errno;
	return (size_t)n == strlen(val) ? 0 : -EIO;
}

/*
 * The kernel counts crash loads down from kernel.kexec_load_limit_panic
 * (6.6 and later), every load and unload through either syscall, but
 * only once the limit is a number: "-1" (no limit, the default) counts
 * nothing. Such a limit may only be lowered, so arming it is for this
 * boot: 2^31 - 1 loads are no limit either.
 */
int kj_crash_loads_left(const char *path, int64_t *left)
{
	char buf[32], *end;
	int err = read_count(path, buf, sizeof(buf));

	if (!err && !strcmp(buf, CRASH_LIMIT_NONE) &&
	    !(err = write_count(path, CRASH_LIMIT_ARMED)))
		err = read_count(path, buf, sizeof(buf));
	if (err)
		return err;
	errno = 0;
	*left = strtoll(buf, &end, 10);
	return errno || end == buf || *end || *left < 0 ? -EINVAL : 0;
}

/*
 * Waits, at most DRAIN_MS, until a terminal has handed everything written
 * to it to the hardware. A serial port cut off in the middle of sending
 * waits, in the kernel that comes back to it, for an interrupt that was
 * meant for the other kernel: its output stalled for half a second after
 * every resume (seen with no_console_suspend, where the port is not
 * suspended and resumed around the jump).
 */
#define DRAIN_MS 2000

static void drain(int fd)
{
	struct timespec tick = { 0, 2000000 };
	int queued = 0;

	for (int waited = 0; isatty(fd) && waited < DRAIN_MS; waited += 2) {
		if (ioctl(fd, TIOCOUTQ, &queued) || !queued)
			return;
		nanosleep(&tick, NULL);
	}
}

int kj_kexec_jump(void)
{
	int console = open("/dev/console", O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);

	drain(STDOUT_FILENO);
	drain(STDERR_FILENO);
	if (console >= 0) {
		drain(console);
		close(console);
	}
	return kj_sys_reboot_kexec();
}
