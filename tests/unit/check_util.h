#ifndef SS_CHECK_UTIL_H
#define SS_CHECK_UTIL_H

/*
 * Helpers shared by the unit tests: hex decoding, scratch directories (and
 * the fixture that gives each test one), whole-file reads and writes, and
 * running a suite.  Everything is static inline so that a test file uses
 * only what it needs without unused-function warnings.
 */

#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <sodium.h>

/* Decode the hex string ${hex} (spaces ignored) into ${out}; its length. */
static inline size_t
tu_hex(uint8_t * out, size_t max, const char * hex)
{
	size_t n = 0;
	unsigned int v;

	while (*hex != '\0') {
		if (*hex == ' ' || *hex == '\n') {
			hex++;
			continue;
		}
		ck_assert_msg(n < max, "hex string too long");
		ck_assert_msg(sscanf(hex, "%2x", &v) == 1, "bad hex");
		out[n++] = (uint8_t)v;
		hex += 2;
	}
	return (n);
}

/* Make a fresh scratch directory; its path goes in ${dir}. */
static inline void
tu_mkdtemp(char dir[256])
{
	const char * t = getenv("TMPDIR");

	snprintf(dir, 256, "%s/ss-unit.XXXXXX",
	    (t != NULL && t[0] != '\0') ? t : "/tmp");
	ck_assert_msg(mkdtemp(dir) != NULL, "mkdtemp failed");
}

/*
 * "${dir}/${name}", in one of four buffers used in turn, so that a call
 * may name up to four paths at once.
 */
static inline char *
tu_path(const char * dir, const char * name)
{
	static char path[4][512];
	static int next = 0;
	char * p = path[next++ % 4];

	snprintf(p, 512, "%s/%s", dir, name);
	return (p);
}

/* Number of entries in ${dir}, other than "." and "..". */
static inline int
tu_dir_count(const char * dir)
{
	DIR * d;
	struct dirent * de;
	int n = 0;

	ck_assert_ptr_nonnull(d = opendir(dir));
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			n++;
	}
	closedir(d);
	return (n);
}

/* Remove ${dir} and the files in it (no subdirectories). */
static inline void
tu_rmdir(const char * dir)
{
	DIR * d;
	struct dirent * de;
	char path[512];

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

/*
 * The scratch directory of the running test, in test cases with the
 * fixture tu_dir_setup, tu_dir_teardown: made fresh before each test
 * (with umask 022, so that new files get the modes a user's would) and
 * removed after it.
 */
static char tu_dir[256];

static inline void
tu_dir_setup(void)
{

	umask(022);
	tu_mkdtemp(tu_dir);
}

static inline void
tu_dir_teardown(void)
{

	tu_rmdir(tu_dir);
}

/* The path of the file ${name} in tu_dir (as tu_path() returns it). */
static inline char *
tu_file(const char * name)
{

	return (tu_path(tu_dir, name));
}

/* Create ${path} (mode ${mode}, exactly) holding ${len} bytes of ${buf}. */
static inline void
tu_write_file(const char * path, const void * buf, size_t len, mode_t mode)
{
	int fd;

	ck_assert_msg((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode)) !=
	    -1, "cannot create %s", path);
	ck_assert_int_eq(fchmod(fd, mode), 0);
	if (len > 0)
		ck_assert_int_eq(write(fd, buf, len), (ssize_t)len);
	ck_assert_int_eq(close(fd), 0);
}

/* Read the whole of ${path} into a malloc()ed buffer (NUL-terminated). */
static inline uint8_t *
tu_read_file(const char * path, size_t * len)
{
	struct stat sb;
	uint8_t * buf;
	ssize_t n;
	int fd;

	ck_assert_msg((fd = open(path, O_RDONLY)) != -1, "cannot open %s",
	    path);
	ck_assert_int_eq(fstat(fd, &sb), 0);
	ck_assert_ptr_nonnull(buf = malloc((size_t)sb.st_size + 1));
	*len = 0;
	while ((n = read(fd, buf + *len, (size_t)sb.st_size - *len)) > 0)
		*len += (size_t)n;
	ck_assert_int_eq(n, 0);
	ck_assert_uint_eq(*len, (size_t)sb.st_size);
	buf[*len] = '\0';
	close(fd);
	return (buf);
}

/* A small deterministic PRNG (xorshift64*), for reproducible tests. */
static inline uint64_t
tu_rand(uint64_t * s)
{

	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return (*s * 0x2545F4914F6CDD1DULL);
}

/* Run the suite ${s}; the process exit status. */
static inline int
tu_run(Suite * s)
{
	SRunner * sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}

/* Initialise libsodium, then run the suite ${s} as tu_run() does. */
static inline int
tu_run_sodium(Suite * s)
{

	if (sodium_init() < 0)
		return (EXIT_FAILURE);
	return (tu_run(s));
}

#endif /* !SS_CHECK_UTIL_H */
