// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * /proc/vmcore in a kernel booted with elfcorehdr=: an ELF core file of
 * the caller's memory. Here a PT_LOAD's p_offset is an offset in the file
 * and p_paddr the physical address it came from.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/le.h"
#include "core/core.h"

struct kj_vmcore {
	int fd;
	struct kj_elf_phdr *ph;
	size_t nph;
	char *vmcoreinfo;
};

static int read_headers(struct kj_vmcore *vc)
{
	uint8_t ehdr[KJ_ELF_EHDR_SIZE];
	size_t size;
	void *buf;
	int err = kj_pread_all(vc->fd, ehdr, sizeof(ehdr), 0);

	if (!err)
		err = kj_elfcore_headers_size(ehdr, sizeof(ehdr), &size);
	if (err)
		return err;
	buf = malloc(size);
	if (!buf)
		return -ENOMEM;
	err = kj_pread_all(vc->fd, buf, size, 0);
	if (!err)
		err = kj_elfcore_parse(buf, size, &vc->ph, &vc->nph);
	free(buf);
	return err;
}

/*
 * Finds the VMCOREINFO note among the notes of one PT_NOTE. The sizes are
 * rounded up in 64 bits and checked against what is left of the buffer
 * before use: rounded up in 32 bits, a size near 4 GiB wrapped to 0 and
 * the note's text was read far past the buffer.
 */
static char *find_vmcoreinfo(const uint8_t *p, size_t len)
{
	static const char name[] = KJ_VMCOREINFO_NAME;
	size_t off = 0;

	while (len - off >= 12) {
		uint64_t namesz = get_le32(p + off), descsz = get_le32(p + off + 4);
		uint64_t name_len = kj_align_up(namesz, 4);
		uint64_t desc_len = kj_align_up(descsz, 4);
		size_t left = len - off - 12;

		if (!namesz || name_len > left || desc_len > left - name_len)
			return NULL;
		if (namesz == sizeof(name) && !memcmp(p + off + 12, name, sizeof(name)))
			return strndup((const char *)p + off + 12 + name_len,
				       (size_t)descsz);
		off += 12 + (size_t)(name_len + desc_len);
	}
	return NULL;
}

static void read_vmcoreinfo(struct kj_vmcore *vc)
{
	for (size_t i = 0; i < vc->nph && !vc->vmcoreinfo; i++) {
		const struct kj_elf_phdr *ph = &vc->ph[i];
		uint8_t *buf;

		if (ph->type != KJ_PT_NOTE || ph->filesz > (1u << 20))
			continue;
		buf = malloc(ph->filesz ? ph->filesz : 1);
		if (buf && !kj_pread_all(vc->fd, buf, ph->filesz, ph->offset))
			vc->vmcoreinfo = find_vmcoreinfo(buf, ph->filesz);
		free(buf);
	}
}

/*
 * A core file cut short (a copy that did not finish) must be refused here:
 * the saver maps its PT_LOADs, and a mapping past the end of a file is a
 * SIGBUS, not an error. /proc/vmcore is made from the headers themselves;
 * a file that reports no size (procfs) is not checked.
 */
static int check_loads_in_file(const struct kj_vmcore *vc)
{
	struct stat st;

	if (fstat(vc->fd, &st))
		return -errno;
	if (!S_ISREG(st.st_mode) || st.st_size <= 0)
		return 0;
	for (size_t i = 0; i < vc->nph; i++) {
		const struct kj_elf_phdr *ph = &vc->ph[i];

		if (ph->type == KJ_PT_LOAD &&
		    (ph->offset > (uint64_t)st.st_size ||
		     ph->filesz > (uint64_t)st.st_size - ph->offset))
			return -ENODATA;
	}
	return 0;
}

int kj_vmcore_open(const char *path, struct kj_vmcore **out)
{
	struct kj_vmcore *vc = calloc(1, sizeof(*vc));
	int err;

	if (!vc)
		return -ENOMEM;
	vc->fd = open(path, O_RDONLY | O_CLOEXEC);
	err = vc->fd < 0 ? -errno : read_headers(vc);
	if (!err)
		err = check_loads_in_file(vc);
	if (err) {
		kj_vmcore_close(vc);
		return err;
	}
	read_vmcoreinfo(vc);
	*out = vc;
	return 0;
}

void kj_vmcore_close(struct kj_vmcore *vc)
{
	if (!vc)
		return;
	if (vc->fd >= 0)
		close(vc->fd);
	free(vc->ph);
	free(vc->vmcoreinfo);
	free(vc);
}

size_t kj_vmcore_phdr_count(const struct kj_vmcore *vc)
{
	return vc->nph;
}

const struct kj_elf_phdr *kj_vmcore_phdr(const struct kj_vmcore *vc, size_t i)
{
	return i < vc->nph ? &vc->ph[i] : NULL;
}

static const struct kj_elf_phdr *load_at(const struct kj_vmcore *vc,
					 uint64_t paddr)
{
	for (size_t i = 0; i < vc->nph; i++) {
		const struct kj_elf_phdr *ph = &vc->ph[i];

		if (ph->type == KJ_PT_LOAD && paddr >= ph->paddr &&
		    paddr - ph->paddr < ph->filesz)
			return ph;
	}
	return NULL;
}

int kj_vmcore_read(const struct kj_vmcore *vc, uint64_t paddr, void *buf,
		   size_t len)
{
	uint8_t *p = buf;

	while (len) {
		const struct kj_elf_phdr *ph = load_at(vc, paddr);
		uint64_t in_load, chunk;
		int err;

		if (!ph)
			return -ENXIO;
		in_load = ph->filesz - (paddr - ph->paddr);
		chunk = len < in_load ? len : in_load;
		err = kj_pread_all(vc->fd, p, (size_t)chunk,
				ph->offset + (paddr - ph->paddr));
		if (err)
			return err;
		p += chunk;
		paddr += chunk;
		len -= (size_t)chunk;
	}
	return 0;
}

int kj_vmcore_vmcoreinfo(const struct kj_vmcore *vc, const char **text)
{
	if (!vc->vmcoreinfo)
		return -ENOENT;
	*text = vc->vmcoreinfo;
	return 0;
}

int kj_vmcore_fd(const struct kj_vmcore *vc)
{
	return vc->fd;
}
