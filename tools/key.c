// SPDX-License-Identifier: GPL-2.0-or-later
/* kjump key: the key pair of encrypted images (new, show, check). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "setup.h"
#include "tool.h"

#define KEY_DIR		"/etc/kjump"
#define PASS_MAX	1024
#define FILE_MAX	4096

struct key_opts {
	const char *dir, *pass_file;
	struct kj_key_cost cost;
	bool force;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: kjump key new [--dir DIR] [--passphrase-file FILE] [--force]\n"
		"                     [--kdf-ops N] [--kdf-mib N]\n"
		"       kjump key show [--dir DIR]\n"
		"       kjump key check [--dir DIR] [--passphrase-file FILE]\n\n"
		"The key pair of encrypted images. 'new' makes DIR/key.pub, the public\n"
		"half each hibernation seals its image's key with, DIR/key.sec, the\n"
		"secret half that opens it at resume, kept under a passphrase (Argon2id),\n"
		"and DIR/key.auth (root only), which binds each image to the pair so\n"
		"that no one else can make one a resume accepts.\n"
		"'show' says which key is there and what trying its passphrase costs;\n"
		"'check' asks for the passphrase and says whether it opens the key.\n\n"
		"  --dir DIR               where the key files are (default: " KEY_DIR ")\n"
		"  --passphrase-file FILE  the passphrase is FILE's first line (else it is\n"
		"                          asked on the terminal, twice for 'new')\n"
		"  --force                 replace the key there: images sealed to it can\n"
		"                          no longer be opened\n"
		"  --kdf-ops N             Argon2id's passes (default %d)\n"
		"  --kdf-mib N             Argon2id's memory, MiB (default %llu): R asks for\n"
		"                          the passphrase in the reserved region, so keep\n"
		"                          it well under the region's size\n",
		KJ_KEY_OPS_DEFAULT, KJ_KEY_MEM_DEFAULT >> 20);
}

static int parse_opts(int argc, char **argv, struct key_opts *o)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "passphrase-file", required_argument, NULL, 'p' },
		{ "force", no_argument, NULL, 'f' },
		{ "kdf-ops", required_argument, NULL, 'o' },
		{ "kdf-mib", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	int c;

	while ((c = next_option(argc, argv, opts)) != -1) {
		switch (c) {
		case 'd': o->dir = optarg; break;
		case 'p': o->pass_file = optarg; break;
		case 'f': o->force = true; break;
		case 'o':
		case 'm':
			if (parse_u64(optarg, &v) || !v) {
				error("--kdf-%s takes a positive number, not '%s'",
				      c == 'o' ? "ops" : "mib", optarg);
				return EXIT_USAGE;
			}
			if (c == 'o')
				o->cost.ops = v;
			else
				o->cost.mem = v << 20;
			break;
		case 'h': usage(stdout); return -1;
		default: bad_option("key", c, argv[optind - 1]); return EXIT_USAGE;
		}
	}
	return 0;
}

/* A small text file, whole; prints what went wrong. */
static int read_small(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, size);
	int err = n < 0 ? -errno : (size_t)n == size ? -EFBIG : 0;

	if (fd >= 0)
		close(fd);
	if (err == -EFBIG)
		error("'%s' is larger than a key file is", path);
	else if (err)
		error("cannot read '%s': %s", path, strerror(-err));
	else
		buf[n] = '\0';
	return err;
}

/* The passphrase: FILE's first line, or asked (twice when confirm). */
static int passphrase(const struct key_opts *o, bool confirm, char *out, size_t size)
{
	char again[PASS_MAX];
	int err;

	if (o->pass_file) {
		err = read_small(o->pass_file, out, size);
		out[strcspn(out, "\n")] = '\0';
	} else {
		err = ask_secret(NULL, "kjump key passphrase: ", out, size);
		if (err == -ENOTTY)
			error("no terminal to ask the passphrase on: give --passphrase-file FILE");
		if (!err && confirm &&
		    !(err = ask_secret(NULL, "again: ", again, sizeof(again))) &&
		    strcmp(out, again)) {
			error("the two passphrases differ: nothing was made");
			err = -EINVAL;
		}
	}
	if (!err && !*out) {
		error("the passphrase is empty: a key needs one");
		err = -EINVAL;
	}
	return err;
}

static void key_paths(const struct key_opts *o, char *pub, char *sec)
{
	snprintf(pub, PATH_MAX, "%s/key.pub", o->dir);
	snprintf(sec, PATH_MAX, "%s/key.sec", o->dir);
}

static void auth_path(const struct key_opts *o, char *auth)
{
	snprintf(auth, PATH_MAX, "%s/key.auth", o->dir);
}

/* Writes text to path, mode, only if path is not there (nothing lost). */
static int write_new(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	size_t len = strlen(text);
	int err = 0;

	if (fd < 0 || write(fd, text, len) != (ssize_t)len || fsync(fd))
		err = errno ? -errno : -EIO;
	if (fd >= 0 && close(fd) && !err)
		err = -errno;
	if (err) {
		error("cannot write '%s': %s", path, strerror(-err));
		if (fd >= 0)
			unlink(path);
	}
	return err;
}

/* Where 'kjump setup' hooked the initramfs, the boot that resumes needs
 * the new secret key in it before the next hibernation, which encrypts. */
static void refresh_initramfs(const struct key_opts *o)
{
	const char *update[] = { "update-initramfs", "-u", "-k", "all", NULL };

	if (strcmp(o->dir, KEY_DIR) || access(KJ_CONF, F_OK) || !have_command("update-initramfs"))
		return;
	note("putting the secret key into the initramfs (update-initramfs -u -k all)");
	if (run_command(update)) {
		error("update-initramfs failed: the boot cannot open an encrypted image yet");
		hint("run 'update-initramfs -u -k all' before hibernating");
	}
}

static int key_new(const struct key_opts *o)
{
	char pub[PATH_MAX], sec[PATH_MAX], pass[PASS_MAX], id[2 * KJ_KEY_ID_SIZE + 1];
	char *pub_text = NULL, *sec_text = NULL, *auth_text = NULL, auth[PATH_MAX];
	struct kj_key_public k;
	int err;

	key_paths(o, pub, sec);
	auth_path(o, auth);
	if (!o->force && (!access(pub, F_OK) || !access(sec, F_OK) || !access(auth, F_OK))) {
		error("a key is there already ('%s'): images sealed to it need it", sec);
		hint("'kjump key show' says which; --force replaces it");
		return EXIT_FAILED;
	}
	if (passphrase(o, true, pass, sizeof(pass)))
		return EXIT_FAILED;
	err = kj_key_new(pass, strlen(pass), &o->cost, &pub_text, &sec_text, &auth_text);
	explicit_bzero(pass, sizeof(pass));
	if (err) {
		error("cannot make a key: %s", err == -EINVAL ?
		      "Argon2id does not take that cost (--kdf-ops 1 to 64, --kdf-mib up to 4096)" :
		      strerror(-err));
		return EXIT_FAILED;
	}
	if (o->force) {
		unlink(pub);
		unlink(sec);
		unlink(auth);
	}
	err = write_new(sec, sec_text, 0600);
	if (!err && (err = write_new(auth, auth_text, 0600)))
		unlink(sec);
	if (!err && (err = write_new(pub, pub_text, 0644))) {
		unlink(sec);
		unlink(auth);
	}
	if (!err)
		refresh_initramfs(o);
	if (!err && !kj_key_public_parse(pub_text, &k)) {
		kj_key_id_text(&k, id);
		note("made key %s: public '%s', secret '%s' (under the passphrase), '%s' (root only)", id, pub, sec, auth);
	}
	free(pub_text);
	free(sec_text);
	if (auth_text)
		explicit_bzero(auth_text, strlen(auth_text));
	free(auth_text);
	return err ? EXIT_FAILED : 0;
}

/* The secret key file's text, read and recognized. */
static int read_secret(const struct key_opts *o, char *text, size_t size,
		       struct kj_key_public *k, struct kj_key_cost *cost)
{
	char pub[PATH_MAX], sec[PATH_MAX];

	key_paths(o, pub, sec);
	if (read_small(sec, text, size))
		return -EIO;
	if (kj_key_secret_info(text, k, cost)) {
		error("'%s' is not a kjump secret key file, or it is damaged", sec);
		return -EBADMSG;
	}
	return 0;
}

static int key_show(const struct key_opts *o)
{
	char text[FILE_MAX], pub_text[FILE_MAX], pub[PATH_MAX], sec[PATH_MAX];
	char id[2 * KJ_KEY_ID_SIZE + 1];
	struct kj_key_public k, p;
	struct kj_key_cost cost;

	if (read_secret(o, text, sizeof(text), &k, &cost))
		return EXIT_FAILED;
	key_paths(o, pub, sec);
	kj_key_id_text(&k, id);
	printf("key:        %s (X25519; images' keys sealed to it)\n", id);
	printf("secret:     %s, under a passphrase (Argon2id, %llu passes over %llu MiB)\n",
	       sec, (unsigned long long)cost.ops, (unsigned long long)(cost.mem >> 20));
	if (read_small(pub, pub_text, sizeof(pub_text)))
		return EXIT_FAILED;
	if (kj_key_public_parse(pub_text, &p) || memcmp(p.pk, k.pk, sizeof(p.pk))) {
		error("'%s' is not the public half of '%s'", pub, sec);
		return EXIT_FAILED;
	}
	printf("public:     %s\n", pub);
	return 0;
}

static int key_check(const struct key_opts *o)
{
	char text[FILE_MAX], pass[PASS_MAX], id[2 * KJ_KEY_ID_SIZE + 1];
	struct kj_key_public k;
	struct kj_key_secret s;
	struct kj_key_cost cost;
	int err;

	if (read_secret(o, text, sizeof(text), &k, &cost) ||
	    passphrase(o, false, pass, sizeof(pass)))
		return EXIT_FAILED;
	kj_key_id_text(&k, id);
	err = kj_key_unlock(text, pass, strlen(pass), &s);
	memset(pass, 0, sizeof(pass));
	kj_key_wipe(&s);
	if (err == -EKEYREJECTED)
		error("the passphrase does not open key %s (or its file was changed)", id);
	else if (err == -ENOMEM)
		error("key %s asks for %llu MiB to try a passphrase, more than this system gives",
		      id, (unsigned long long)(cost.mem >> 20));
	else if (err)
		error("cannot open key %s: %s", id, strerror(-err));
	else
		note("the passphrase opens key %s", id);
	return err ? EXIT_FAILED : 0;
}

int cmd_key(int argc, char **argv)
{
	struct key_opts o = { .dir = KEY_DIR,
			      .cost = { KJ_KEY_OPS_DEFAULT, KJ_KEY_MEM_DEFAULT } };
	const char *what = argc > 1 ? argv[1] : "";
	int rc;

	if (!strcmp(what, "-h") || !strcmp(what, "--help")) {
		usage(stdout);
		return 0;
	}
	if (strcmp(what, "new") && strcmp(what, "show") && strcmp(what, "check")) {
		usage(stderr);
		return EXIT_USAGE;
	}
	rc = parse_opts(argc - 1, argv + 1, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (optind < argc - 1) {
		error("key %s: unexpected '%s'", what, argv[optind + 1]);
		return EXIT_USAGE;
	}
	if (!strcmp(what, "new"))
		return key_new(&o);
	return !strcmp(what, "show") ? key_show(&o) : key_check(&o);
}
