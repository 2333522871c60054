// SPDX-License-Identifier: GPL-2.0-or-later
/* A flat binary called in physical mode: placed, loaded, called, back;
 * and the BIOS payload physcall/e820.S, placed in low memory. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flow/flow.h"

static int read_iomem(const struct kj_report *r, struct kj_iomem **iomem)
{
	size_t bad_line = 0;
	int err = kj_iomem_read("/proc/iomem", iomem, &bad_line);

	if (err == -EINVAL)
		say_error(r, "cannot understand /proc/iomem: line %zu is malformed",
			  bad_line);
	else if (err)
		say_error(r, "cannot read /proc/iomem: %s", strerror(-err));
	return err;
}

static int place(const struct kj_report *r, const char *file, uint64_t size,
		 const uint64_t *at, uint64_t *addr)
{
	struct kj_iomem *iomem;
	struct kj_range region = { 0, 0 };
	int err = read_iomem(r, &iomem);

	if (err)
		return err;
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
		say_error(r, "calling '%s' takes %llu bytes (the payload, its input, kjump's stub and stack), more than the reserved region (%llu bytes at 0x%llx)",
			  file, (unsigned long long)size,
			  (unsigned long long)kj_range_size(&region),
			  (unsigned long long)region.start);
		say_hint(r, "reserve more with crashkernel=, or give --at ADDR");
		break;
	case -EINVAL:	/* size is never 0: payload_size() refused that */
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

/* The input file into q, refused if it is larger than a call takes. */
static int read_input(const struct kj_report *r, const char *path,
		      struct kj_call_req *q, void **buf)
{
	int err;

	*buf = NULL;
	if (!path)
		return 0;
	err = kj_read_file(path, KJ_CALL_MAX_IN, buf, &q->in_len);
	if (err == -EFBIG) {
		say_error(r, "the input '%s' is %zu bytes; a call takes at most %u (16 MiB)",
			  path, q->in_len, KJ_CALL_MAX_IN);
		say_hint(r, "give the payload a smaller input, or call it once for each part");
	} else if (err) {
		say_error(r, "cannot read the input '%s': %s", path, strerror(-err));
	}
	q->in = *buf;
	if (err)
		q->in_len = 0;
	return err;
}

/* Calls q at addr, and reports how it went. */
static int call_at(const struct kj_report *r, const char *what,
		   const struct kj_call_req *q, uint64_t addr,
		   struct kj_call_result *res)
{
	struct timespec t0;
	int err;

	say_info(r, "calling %s (%zu bytes, %zu bytes of input, %u arguments) at 0x%llx in physical mode",
		 what, q->code_size, q->in_len, q->nargs, (unsigned long long)addr);
	sync();
	kj_clock_start(&t0);
	err = kj_call(q, addr, res);
	switch (err) {
	case 0:
		say_info(r, "back from %s: the system came back after %.3f s", what,
			 kj_clock_since(&t0));
		break;
	case -EAGAIN:
		say_error(r, "%s did not run: the page for its result moved in memory before the jump", what);
		say_hint(r, "try again");
		break;
	case -EMSGSIZE:
		say_error(r, "%s returned 0x%llx and says it wrote %zu bytes of output, more than its buffer of %u: the output is not shown",
			  what, (unsigned long long)res->status, res->out_len, KJ_CALL_OUT_SIZE);
		say_hint(r, "the payload must keep to out_size in its parameter block (doc/call.md)");
		break;
	default:
		say_error(r, "the call failed: %s", strerror(-err));
	}
	return err;
}

/* The payload's size, before anything is read: an empty one, or one that
 * cannot be opened, is refused. */
static int payload_size(const struct kj_report *r, const char *file, size_t *size)
{
	struct stat st;

	if (stat(file, &st)) {
		say_error(r, "cannot open '%s': %s", file, strerror(errno));
		return -errno;
	}
	if (!st.st_size) {
		say_error(r, "'%s' is empty: nothing to call", file);
		return -EINVAL;
	}
	*size = (size_t)st.st_size;
	return 0;
}

int kj_call_file(const struct kj_call_opts *o, struct kj_call_result *res)
{
	const struct kj_report *r = o->report;
	struct kj_call_req q = { .nargs = o->nargs };
	void *code = NULL, *in = NULL;
	char *what = NULL;
	size_t len;
	uint64_t addr;
	int err;

	memcpy(q.args, o->args, sizeof(q.args));
	err = kj_check_jump(r);
	if (!err)
		err = payload_size(r, o->file, &q.code_size);
	if (!err)
		err = read_input(r, o->in_file, &q, &in);
	if (!err)
		err = place(r, o->file, kj_call_segment_size(&q), o->at, &addr);
	if (!err && (err = kj_read_file(o->file, q.code_size, &code, &len)))
		say_error(r, "cannot read '%s': %s", o->file, strerror(-err));
	q.code = code;
	if (!err)
		q.code_size = len;	/* the file may have shrunk since */
	if (!err && asprintf(&what, "'%s'", o->file) < 0)
		err = -ENOMEM;
	if (!err)
		err = call_at(r, what, &q, addr, res);
	free(what);
	free(code);
	free(in);
	return err;
}

static int low_place(const struct kj_report *r, uint64_t size, uint64_t *addr)
{
	struct kj_iomem *iomem;
	int err = read_iomem(r, &iomem);

	if (err)
		return err;
	err = kj_call_place_low(iomem, size, addr);
	kj_iomem_free(iomem);
	if (err) {
		say_error(r, "no %llu bytes of System RAM between 64 and 640 KiB for the BIOS call",
			  (unsigned long long)size);
		say_hint(r, "see /proc/iomem for the low RAM ranges");
	}
	return err;
}

static const char *bios_fault(int64_t status)
{
	switch (status) {
	case -1: return "its code does not lie below 1 MiB";
	case -2: return "this kernel runs with 5-level paging, which the real-mode trampoline does not handle";
	case -3: return "its output buffer is too small";
	default: return "it failed";
	}
}

int kj_bios_e820(const struct kj_report *r, struct kj_bios_e820 **e, size_t *n)
{
	struct kj_call_req q = { 0 };
	struct kj_call_result res;
	uint64_t addr;
	int err;

	*e = NULL;
	*n = 0;
	if (!access("/sys/firmware/efi", F_OK)) {
		say_error(r, "this system booted through UEFI: there is no legacy BIOS to call");
		say_hint(r, "the UEFI memory map is in /sys/firmware/memmap and dmesg");
		return -ENOTSUP;
	}
	err = kj_check_jump(r);
	if (err)
		return err;
	kj_call_e820_payload(&q.code, &q.code_size);
	err = low_place(r, kj_call_segment_size(&q), &addr);
	if (!err)
		err = call_at(r, "the BIOS (INT 15h, AX=E820h)", &q, addr, &res);
	if (err)
		return err;
	if ((int64_t)res.status < 0) {
		say_error(r, "the BIOS call did not run: %s", bios_fault((int64_t)res.status));
		return -EIO;
	}
	*e = calloc(KJ_E820_MAX, sizeof(**e));
	if (!*e)
		return -ENOMEM;
	err = kj_bios_e820_parse(res.out, res.out_len, *e, KJ_E820_MAX);
	if (err < 0 || (uint64_t)err != res.status) {
		say_error(r, "the BIOS call returned %llu entries in %zu bytes: that is not an E820 map",
			  (unsigned long long)res.status, res.out_len);
		free(*e);
		*e = NULL;
		return -EBADMSG;
	}
	*n = (size_t)err;
	return 0;
}
