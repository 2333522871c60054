// SPDX-License-Identifier: GPL-2.0-or-later
/* A flat binary called in physical mode: placed, loaded, called, back. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flow/flow.h"

static int place(const struct kj_report *r, const char *file, uint64_t size,
		 const uint64_t *at, uint64_t *addr)
{
	struct kj_iomem *iomem;
	struct kj_range region = { 0, 0 };
	size_t bad_line = 0;
	int err;

	err = kj_iomem_read("/proc/iomem", &iomem, &bad_line);
	if (err == -EINVAL) {
		say_error(r, "cannot understand /proc/iomem: line %zu is malformed",
			  bad_line);
		return err;
	}
	if (err) {
		say_error(r, "cannot read /proc/iomem: %s", strerror(-err));
		return err;
	}
	kj_iomem_crash_region(iomem, &region);
	err = kj_call_place(iomem, size, at, addr);
	kj_iomem_free(iomem);
	switch (err) {
	case 0:
		return 0;
	case -ENOENT:
		say_error(r, "no memory is reserved for kjump and no --at was given");
		say_hint(r, "boot with crashkernel=64M (or larger) on the kernel command line, or give --at ADDR");
		break;
	case -EFBIG:
		say_error(r, "'%s' (%llu bytes) is larger than the reserved region (%llu bytes at 0x%llx)",
			  file, (unsigned long long)size,
			  (unsigned long long)kj_range_size(&region),
			  (unsigned long long)region.start);
		say_hint(r, "reserve more with crashkernel=, or give --at ADDR");
		break;
	case -EINVAL:
		if (!size)
			say_error(r, "'%s' is empty: nothing to call", file);
		else
			say_error(r, "--at 0x%llx is not page aligned (4096 bytes)",
				  (unsigned long long)*at);
		break;
	case -EADDRNOTAVAIL:
		say_error(r, "0x%llx-0x%llx is not System RAM",
			  (unsigned long long)*at,
			  (unsigned long long)(*at + size - 1));
		say_hint(r, "see /proc/iomem for the RAM ranges");
		break;
	default:
		say_error(r, "cannot place '%s': %s", file, strerror(-err));
	}
	return err;
}

int kj_call_file(const char *file, const uint64_t *at,
		 const struct kj_report *r)
{
	struct timespec t0;
	struct stat st;
	uint64_t addr;
	size_t size;
	char *code;
	int err;

	err = kj_check_jump(r);
	if (err)
		return err;
	if (stat(file, &st)) {
		say_error(r, "cannot open '%s': %s", file, strerror(errno));
		return -errno;
	}
	err = place(r, file, (uint64_t)st.st_size, at, &addr);
	if (err)
		return err;
	err = kj_read_text(file, &code, &size);
	if (err) {
		say_error(r, "cannot read '%s': %s", file, strerror(-err));
		return err;
	}

	say_info(r, "calling '%s' (%zu bytes) at 0x%llx in physical mode", file,
		 size, (unsigned long long)addr);
	sync();
	kj_clock_start(&t0);
	err = kj_call(code, size, addr);
	free(code);
	if (err) {
		say_error(r, "the call failed: %s", strerror(-err));
		return err;
	}
	say_info(r, "back from '%s': the system came back after %.3f s", file,
		 kj_clock_since(&t0));
	return 0;
}

