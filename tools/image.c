// SPDX-License-Identifier: GPL-2.0-or-later
/* kjump verify and kjump info: reading images, on any machine. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tool.h"

/* An --extents map, kept for as long as an image opened through it. */
static struct kj_extents extents_map;
static const char *extents_path;
/* For an encrypted image: --passphrase-file, --secret-key. */
static struct kj_unlock_opts unlock = { .report = &tool_report };

/* The options verify and export share; true if c was one. */
static bool common_option(int c)
{
	if (c == 'x')
		extents_path = optarg;
	else if (c == 'p')
		unlock.keyfile = optarg;
	else if (c == 'k')
		unlock.secret = optarg;
	else
		return false;
	return true;
}

#define COMMON_OPTIONS \
	{ "extents", required_argument, NULL, 'x' }, \
	{ "passphrase-file", required_argument, NULL, 'p' }, \
	{ "secret-key", required_argument, NULL, 'k' }

#define COMMON_HELP \
	"options:\n" \
	"  --extents MAP            the image lies in these extents of IMAGE\n" \
	"  --passphrase-file FILE   an encrypted image's passphrase is FILE's first\n" \
	"                           line (else it is asked on the terminal)\n" \
	"  --secret-key FILE        the secret key (default: " KJ_KEY_SECRET ")\n"

/* An encrypted image's key, opened with the passphrase (reported). */
static int unlock_image(const char *path, struct kj_image *img)
{
	unlock.name = path;
	return kj_image_unlock(img, &unlock);
}

/* Opens an image, saying what is wrong with its header if anything. */
static int open_image(const char *path, struct kj_image **img)
{
	struct kj_image_error e;
	int err;

	if (extents_path && read_extents(extents_path, &extents_map))
		return -EINVAL;
	err = kj_image_open_extents(path, extents_path ? &extents_map : NULL, img, &e);

	if (err == -EBADMSG)
		error("'%s': %s", path, kj_image_fault_str(e.fault));
	else if (err)
		error("cannot open '%s': %s", path, strerror(-err));
	return err;
}

static void explain_fault(const char *path, const struct kj_image_error *e)
{
	if (e->fault == KJ_IMG_INCOMPLETE)
		error("'%s' is incomplete: the save did not finish", path);
	else if (e->block >= 0)
		error("'%s': block %lld at byte %llu: %s", path,
		      (long long)e->block, (unsigned long long)e->offset,
		      kj_image_fault_str(e->fault));
	else
		error("'%s': at byte %llu: %s", path,
		      (unsigned long long)e->offset, kj_image_fault_str(e->fault));
}

static int one_path(int argc, char **argv, const char *usage, bool *json)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		COMMON_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	while ((c = next_option(argc, argv, opts)) != -1) {
		if (c == 'h') {
			fputs(usage, stdout);
			return -1;
		}
		if (common_option(c))
			continue;
		if (c == 'j' && json) {
			*json = true;
			continue;
		}
		bad_option(argv[0], c == 'j' ? '?' : c, argv[optind - 1]);
		return EXIT_USAGE;
	}
	if (optind != argc - 1) {
		error(optind == argc ? "no image given" : "too many arguments");
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	return 0;
}

int cmd_verify(int argc, char **argv)
{
	struct kj_image_error e;
	struct kj_image *img;
	const struct kj_image_header *h;
	int err, r = one_path(argc, argv,
			      "usage: kjump verify [OPTIONS] IMAGE\n\n"
			      "Checks every checksum of IMAGE (a file or a device): header, blocks,\n"
			      "run tables, trailer; and for an encrypted image every tag, with its\n"
			      "key's passphrase. Exits 0 if all are good; otherwise names the first\n"
			      "bad block and its byte offset and exits 1.\n\n" COMMON_HELP, NULL);

	if (r)
		return r < 0 ? 0 : r;
	if (open_image(argv[optind], &img))
		return EXIT_FAILED;
	if (unlock_image(argv[optind], img)) {
		kj_image_close(img);
		return EXIT_FAILED;
	}
	err = kj_image_verify(img, NULL, NULL, &e);
	h = kj_image_get_header(img);
	if (err == -EBADMSG)
		explain_fault(argv[optind], &e);
	else if (err)
		error("cannot read '%s': %s", argv[optind], strerror(-err));
	else
		note("'%s' is good: %llu blocks, %llu pages saved, %llu zero, %llu free%s",
		     argv[optind], (unsigned long long)h->nblocks,
		     (unsigned long long)h->pages_saved,
		     (unsigned long long)h->pages_zero,
		     (unsigned long long)h->pages_free,
		     h->flags & KJ_IMAGE_FLAG_CONSUMED ? " (already resumed once)" : "");
	kj_image_close(img);
	return err ? EXIT_FAILED : 0;
}

static const char *state_of(const struct kj_image_header *h)
{
	static char text[256];

	if (!(h->flags & KJ_IMAGE_FLAG_COMPLETE))
		return "incomplete";
	if (h->flags & KJ_IMAGE_FLAG_CONSUMED)
		return "consumed";
	if (h->flags & KJ_IMAGE_FLAG_DISCARDED) {
		snprintf(text, sizeof(text), "discarded: %s%s%s%s",
			 kj_discard_str(h->discard_reason),
			 h->discard_reason == KJ_DISCARD_BAD_IMAGE ? " (" : "",
			 h->discard_reason == KJ_DISCARD_BAD_IMAGE
			 ? kj_image_fault_str(h->discard_detail) : "",
			 h->discard_reason == KJ_DISCARD_BAD_IMAGE ? ")" : "");
		return text;
	}
	if (!h->tries)
		return "complete";
	snprintf(text, sizeof(text), "complete; %u of %u restores started did not finish",
		 h->tries, KJ_IMAGE_TRIES_MAX);
	return text;
}

static const char *kind_of(const struct kj_image_header *h)
{
	return h->kind == KJ_IMAGE_HIBERNATION ? "hibernation" : "snapshot";
}

static const char *compressor_name(uint16_t c)
{
	return c == KJ_COMPRESS_LZ4 ? "lz4" : c == KJ_COMPRESS_ZSTD ? "zstd" : "none";
}

static void format_uuid(const uint8_t *u, char *out)
{
	for (int i = 0, n = 0; i < 16; i++) {
		n += sprintf(out + n, "%02x", u[i]);
		if (i == 3 || i == 5 || i == 7 || i == 9)
			out[n++] = '-';
	}
}

static const char *key_id(const struct kj_image_header *h)
{
	static char text[2 * sizeof(h->key_id) + 1];

	for (size_t i = 0; i < sizeof(h->key_id); i++)
		sprintf(text + 2 * i, "%02x", h->key_id[i]);
	return text;
}

static double ratio(const struct kj_image_header *h)
{
	uint64_t start = kj_image_data_offset(h);
	uint64_t stored = h->trailer_offset > start ? h->trailer_offset - start : 0;

	return stored ? (double)(h->pages_saved * KJ_PAGE_SIZE) / (double)stored : 0;
}

/* What R writes into the pages the image left out; the disks a resume
 * must find as they were. */
static void print_fill_and_disks(const struct kj_image_header *h)
{
	static const char *const fill[] = { "left as they are", "zeros (init_on_free)",
					    "poison 0xaa (page_poison)" };

	printf("free pages:   %s\n", fill[h->free_fill <= 2 ? h->free_fill : 0]);
	for (uint32_t i = 0; i < h->ndisks; i++) {
		char uuid[40];

		format_uuid(h->disks[i].id, uuid);
		printf("disk:         %s (%s %s, %llu MiB, fingerprint %016llx)\n",
		       h->disks[i].name,
		       h->disks[i].kind == KJ_DISK_SWAP ? "swap" : "file system", uuid,
		       (unsigned long long)(h->disks[i].size >> 20),
		       (unsigned long long)h->disks[i].hash);
	}
}

static void print_text(const char *path, const struct kj_image_header *h,
		       const char *uuid, const char *when, uint64_t size)
{
	printf("image:        %s\n", path);
	printf("kind:         %s\n", kind_of(h));
	printf("state:        %s\n", state_of(h));
	printf("uuid:         %s\n", uuid);
	printf("created:      %s\n", when);
	printf("kernel:       %s (build id %s)\n", h->osrelease,
	       h->build_id[0] ? h->build_id : "unknown");
	printf("re-entry:     0x%llx\n", (unsigned long long)h->reentry);
	printf("compression:  %s (level %u)\n", compressor_name(h->compressor),
	       h->level);
	if (h->flags & KJ_IMAGE_FLAG_ENCRYPTED)
		printf("encryption:   %s, key %s\n", kj_aead_name(h->aead), key_id(h));
	else
		printf("encryption:   none\n");
	printf("ram:          %llu pages in %u ranges, %u ranges excluded\n",
	       (unsigned long long)h->pages_ram, h->nram, h->nexcluded);
	printf("pages:        %llu saved, %llu zero, %llu left out as free\n",
	       (unsigned long long)h->pages_saved, (unsigned long long)h->pages_zero,
	       (unsigned long long)h->pages_free);
	printf("blocks:       %llu, %llu bytes on disk (of %llu)\n",
	       (unsigned long long)h->nblocks,
	       (unsigned long long)(h->trailer_offset + KJ_PAGE_SIZE),
	       (unsigned long long)size);
	printf("ratio:        %.2f\n", ratio(h));
	print_fill_and_disks(h);
}

/* "key": "s", with quotes, backslashes and control bytes escaped as JSON
 * wants them: the header's strings are the saved kernel's, and a path may
 * hold anything. */
static void json_string(const char *key, const char *s)
{
	printf("\"%s\": \"", key);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	fputs("\", ", stdout);
}

static void print_json(const char *path, const struct kj_image_header *h,
		       const char *uuid, const char *when)
{
	putchar('{');
	json_string("image", path);
	json_string("state", state_of(h));
	json_string("uuid", uuid);
	json_string("created", when);
	json_string("osrelease", h->osrelease);
	json_string("build_id", h->build_id);
	json_string("encryption", h->flags & KJ_IMAGE_FLAG_ENCRYPTED ? kj_aead_name(h->aead)
								   : "none");
	json_string("key", h->flags & KJ_IMAGE_FLAG_ENCRYPTED ? key_id(h) : "");
	printf("\"reentry\": %llu, \"compressor\": \"%s\", \"level\": %u, "
	       "\"pages_ram\": %llu, \"pages_saved\": %llu, \"pages_zero\": %llu, "
	       "\"pages_free\": %llu, \"blocks\": %llu, \"bytes\": %llu, "
	       "\"ratio\": %.3f}\n",
	       (unsigned long long)h->reentry, compressor_name(h->compressor),
	       h->level, (unsigned long long)h->pages_ram,
	       (unsigned long long)h->pages_saved, (unsigned long long)h->pages_zero,
	       (unsigned long long)h->pages_free, (unsigned long long)h->nblocks,
	       (unsigned long long)(h->trailer_offset + KJ_PAGE_SIZE), ratio(h));
}

/* The creation time as a date. A header may say anything its checksum
 * covers: past what gmtime() can give (it returns NULL), the number. */
static void format_time(uint64_t created, char *out, size_t size)
{
	time_t t = (time_t)created;
	struct tm tm;

	if (created > INT64_MAX || !gmtime_r(&t, &tm) ||
	    !strftime(out, size, "%Y-%m-%d %H:%M:%S UTC", &tm))
		snprintf(out, size, "%llu", (unsigned long long)created);
}

int cmd_info(int argc, char **argv)
{
	const struct kj_image_header *h;
	struct kj_image *img;
	char uuid[40], when[40];
	bool json = false;
	int r = one_path(argc, argv,
			 "usage: kjump info [--extents MAP] IMAGE [--json]\n\n"
			 "Shows IMAGE's header: its state, the kernel it holds, page counts,\n"
			 "compression. Checks the header only; 'kjump verify' checks it all.\n",
			 &json);

	if (r)
		return r < 0 ? 0 : r;
	if (open_image(argv[optind], &img))
		return EXIT_FAILED;
	h = kj_image_get_header(img);
	format_uuid(h->uuid, uuid);
	format_time(h->created, when, sizeof(when));
	if (json)
		print_json(argv[optind], h, uuid, when);
	else
		print_text(argv[optind], h, uuid, when, kj_image_size(img));
	kj_image_close(img);
	return 0;
}

int cmd_export(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "elf", no_argument, NULL, 'e' },
		COMMON_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static const char usage[] =
		"usage: kjump export [OPTIONS] --elf IMAGE OUT\n\n"
		"Writes IMAGE as an ELF core file OUT, as /proc/vmcore showed the saved\n"
		"memory: pages left out as free come out as holes, and the VMCOREINFO\n"
		"note is kept, so makedumpfile and crash can read it. The image is\n"
		"verified on the way; an encrypted one asks for its passphrase.\n\n"
		COMMON_HELP;
	struct kj_image_error e;
	struct kj_image *img;
	bool elf = false;
	int c, err;

	while ((c = next_option(argc, argv, opts)) != -1) {
		if (c == 'h') {
			fputs(usage, stdout);
			return 0;
		}
		if (common_option(c))
			continue;
		if (c != 'e') {
			bad_option("export", c, argv[optind - 1]);
			return EXIT_USAGE;
		}
		elf = true;
	}
	if (!elf || optind != argc - 2) {
		error(!elf ? "say which format: --elf" : "give IMAGE and OUT");
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	if (open_image(argv[optind], &img))
		return EXIT_FAILED;
	err = unlock_image(argv[optind], img);
	if (err) {
		kj_image_close(img);
		return EXIT_FAILED;
	}
	err = kj_image_export_elf(img, argv[optind + 1], &e);
	kj_image_close(img);
	if (err == -EBADMSG)
		explain_fault(argv[optind], &e);
	else if (err)
		error("cannot write '%s': %s", argv[optind + 1], strerror(-err));
	else
		note("wrote '%s'", argv[optind + 1]);
	return err ? EXIT_FAILED : 0;
}
