// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kjtest-load: the Debian guest's workload, run as a systemd service.
 *
 * Holds PERCENT of the machine's RAM in data (random halves of pages, so
 * it compresses as real memory does, about 2:1), prints its XXH3
 * checksum, and recomputes it from memory on SIGUSR1, writing it to
 * OUT.after. Meanwhile it writes a numbered row into an SQLite database
 * every 100 ms, numbers going on from the last row there: across a
 * hibernation the numbers stay continuous, and only the time jumps.
 *
 * usage: kjtest-load PERCENT DB OUT
 *   OUT.before gets "checksum=HEX bytes=N" once the data is in place.
 */
#include <errno.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/sysinfo.h>
#include <time.h>
#include <unistd.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

static volatile sig_atomic_t recheck, stop;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		recheck = 1;
	else
		stop = 1;
}

/* xorshift64* into the first half of every page; the rest stays zero. */
static void fill(uint8_t *p, size_t size)
{
	uint64_t x = 0;

	while (getrandom(&x, sizeof(x), 0) != sizeof(x))
		if (errno != EINTR)
			break;
	x |= 1;
	for (size_t page = 0; page < size; page += 4096)
		for (size_t i = 0; i < 2048; i += 8) {
			x ^= x >> 12;
			x ^= x << 25;
			x ^= x >> 27;
			uint64_t v = x * 0x2545f4914f6cdd1dull;
			memcpy(p + page + i, &v, 8);
		}
}

static int write_sum(const char *out, const char *suffix, const void *buf, size_t size)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s.%s", out, suffix);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "checksum=%016llx bytes=%zu\n",
		(unsigned long long)XXH3_64bits(buf, size), size);
	return fclose(f);
}

static sqlite3 *open_db(const char *path, long long *next)
{
	sqlite3 *db;
	sqlite3_stmt *st;

	if (sqlite3_open(path, &db) != SQLITE_OK ||
	    sqlite3_busy_timeout(db, 5000) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA synchronous=FULL;"
			 "CREATE TABLE IF NOT EXISTS rows(n INTEGER PRIMARY KEY, t REAL NOT NULL);",
			 NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT coalesce(max(n), 0) FROM rows", -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "kjtest-load: %s: %s\n", path, sqlite3_errmsg(db));
		exit(1);
	}
	sqlite3_step(st);
	*next = sqlite3_column_int64(st, 0) + 1;
	sqlite3_finalize(st);
	return db;
}

static void write_rows(sqlite3 *db, long long n, const char *out, const void *buf, size_t size)
{
	struct timespec tick = { 0, 100 * 1000 * 1000 }, now;
	sqlite3_stmt *ins;

	sqlite3_prepare_v2(db, "INSERT INTO rows(n, t) VALUES(?, ?)", -1, &ins, NULL);
	while (!stop) {
		clock_gettime(CLOCK_REALTIME, &now);
		sqlite3_bind_int64(ins, 1, n);
		sqlite3_bind_double(ins, 2, (double)now.tv_sec + now.tv_nsec / 1e9);
		if (sqlite3_step(ins) != SQLITE_DONE)
			fprintf(stderr, "kjtest-load: row %lld: %s\n", n, sqlite3_errmsg(db));
		else
			n++;
		sqlite3_reset(ins);
		if (recheck) {
			recheck = 0;
			write_sum(out, "after", buf, size);
		}
		nanosleep(&tick, NULL);
	}
	sqlite3_finalize(ins);
	printf("kjtest-load: stopped after row %lld\n", n - 1);
}

int main(int argc, char **argv)
{
	struct sysinfo si;
	long long next;
	size_t size;
	uint8_t *buf;
	sqlite3 *db;

	if (argc != 4 || atoi(argv[1]) <= 0 || atoi(argv[1]) > 90 || sysinfo(&si)) {
		fprintf(stderr, "usage: kjtest-load PERCENT DB OUT\n");
		return 2;
	}
	signal(SIGUSR1, on_signal);
	signal(SIGTERM, on_signal);
	size = (size_t)si.totalram * si.mem_unit / 100 * (size_t)atoi(argv[1]) & ~(size_t)4095;
	buf = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (buf == MAP_FAILED) {
		perror("kjtest-load: mmap");
		return 1;
	}
	fill(buf, size);
	db = open_db(argv[2], &next);
	if (write_sum(argv[3], "before", buf, size)) {
		perror("kjtest-load: writing the checksum");
		return 1;
	}
	printf("kjtest-load: holding %zu MiB of %llu MiB, rows from %lld\n", size >> 20,
	       (unsigned long long)si.totalram * si.mem_unit >> 20, next);
	fflush(stdout);
	write_rows(db, next, argv[3], buf, size);
	sqlite3_close(db);
	return 0;
}
