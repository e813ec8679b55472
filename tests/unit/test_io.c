/* Unit tests for libcore/host/io.c: inputs, atomic outputs, small files. */

#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <sodium.h>

#include "check_util.h"
#include "err.h"
#include "fdio.h"
#include "io.h"

static void
assert_file(const char * path, const void * want, size_t wantlen)
{
	uint8_t * got;
	size_t len;

	got = tu_read_file(path, &len);
	ck_assert_uint_eq(len, wantlen);
	if (len > 0)
		ck_assert_mem_eq(got, want, len);
	free(got);
}

START_TEST(test_output_commit)
{
	char * p = tu_file("out");
	struct ss_output * o;
	struct stat sb;

	ck_assert_ptr_nonnull(o = ss_output_open(p, 0));
	ck_assert_str_eq(ss_output_name(o), p);
	ck_assert_int_eq(ss_output_write(o, "hello ", 6), 0);
	ck_assert_int_eq(ss_output_flush(o), 0);
	ck_assert_int_eq(ss_output_write(o, "world\n", 6), 0);
	/* Nothing at the path yet: only a temporary file beside it. */
	ck_assert_int_eq(access(p, F_OK), -1);
	ck_assert_int_eq(tu_dir_count(tu_dir), 1);
	ck_assert_int_eq(ss_output_commit(o), 0);
	assert_file(p, "hello world\n", 12);
	ck_assert_int_eq(tu_dir_count(tu_dir), 1);
	/* The mode open(2) would have given: 0666 less the umask. */
	ck_assert_int_eq(stat(p, &sb), 0);
	ck_assert_uint_eq(sb.st_mode & 07777, 0644);

	/* An empty output commits an empty file. */
	ck_assert_ptr_nonnull(o = ss_output_open(tu_file("empty"), 0));
	ck_assert_int_eq(ss_output_commit(o), 0);
	assert_file(tu_file("empty"), "", 0);
}
END_TEST

START_TEST(test_output_abort)
{
	char * p = tu_file("out");
	struct ss_output * o;

	ck_assert_ptr_nonnull(o = ss_output_open(p, SS_OUTPUT_BINARY));
	ck_assert_int_eq(ss_output_write(o, "partial", 7), 0);
	ck_assert_int_eq(ss_output_flush(o), 0);
	ss_output_abort(o);
	ck_assert_int_eq(access(p, F_OK), -1);
	ck_assert_int_eq(tu_dir_count(tu_dir), 0);
	ss_output_abort(NULL);

	/* An existing file is replaced on commit and kept on abort. */
	tu_write_file(p, "old\n", 4, 0600);
	ck_assert_ptr_nonnull(o = ss_output_open(p, 0));
	ck_assert_int_eq(ss_output_write(o, "new\n", 4), 0);
	ck_assert_int_eq(ss_output_flush(o), 0);
	ss_output_abort(o);
	assert_file(p, "old\n", 4);
	ck_assert_int_eq(tu_dir_count(tu_dir), 1);
	ck_assert_ptr_nonnull(o = ss_output_open(p, 0));
	ck_assert_int_eq(ss_output_write(o, "new\n", 4), 0);
	assert_file(p, "old\n", 4);
	ck_assert_int_eq(ss_output_commit(o), 0);
	assert_file(p, "new\n", 4);
	ck_assert_int_eq(tu_dir_count(tu_dir), 1);
	/* A private file stays private. */
	{
		struct stat sb;

		ck_assert_int_eq(stat(p, &sb), 0);
		ck_assert_uint_eq(sb.st_mode & 07777, 0600);
	}
}
END_TEST

/* Many sizes of write around the 128 KiB buffer. */
START_TEST(test_output_sizes)
{
	static uint8_t data[800000];
	size_t sizes[] = { 0, 1, 100, 131071, 131072, 131073, 5, 200000, 3,
	    65536, 65536, 1, 1 };
	struct ss_output * o;
	size_t i, off = 0;

	randombytes_buf(data, sizeof(data));
	ck_assert_ptr_nonnull(o = ss_output_open(tu_file("big"), 0));
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		ck_assert_int_eq(ss_output_write(o, data + off, sizes[i]), 0);
		off += sizes[i];
	}
	ck_assert_uint_le(off, sizeof(data));
	ck_assert_int_eq(ss_output_commit(o), 0);
	assert_file(tu_file("big"), data, off);
}
END_TEST

START_TEST(test_output_devnull)
{
	struct ss_output * o;

	ck_assert_ptr_nonnull(o = ss_output_open("/dev/null",
	    SS_OUTPUT_BINARY));
	ck_assert_str_eq(ss_output_name(o), "/dev/null");
	ck_assert_int_eq(ss_output_write(o, "x", 1), 0);
	ck_assert_int_eq(ss_output_commit(o), 0);
	ck_assert_ptr_nonnull(o = ss_output_open("/dev/null", 0));
	ss_output_abort(o);

	/* Still a character device afterwards. */
	{
		struct stat sb;

		ck_assert_int_eq(stat("/dev/null", &sb), 0);
		ck_assert(S_ISCHR(sb.st_mode));
	}
}
END_TEST

START_TEST(test_output_errors)
{
	struct ss_output * o;

	ss_err_clear();
	ck_assert_ptr_null(o = ss_output_open(tu_dir, 0));
	ck_assert(strstr(ss_err_msg(), "is a directory") != NULL);
	ck_assert_ptr_null(o = ss_output_open(tu_file("no/such/file"), 0));
	ck_assert_int_eq(ss_err_status(), SS_EXIT_SYS);
	ck_assert_int_eq(tu_dir_count(tu_dir), 0);
}
END_TEST

/* A symlink is written through; the link itself stays. */
START_TEST(test_output_symlink)
{
	struct ss_output * o;
	struct stat sb;

	tu_write_file(tu_file("target"), "old", 3, 0644);
	ck_assert_int_eq(symlink("target", tu_file("link")), 0);
	ck_assert_ptr_nonnull(o = ss_output_open(tu_file("link"), 0));
	ck_assert_int_eq(ss_output_write(o, "new", 3), 0);
	ck_assert_int_eq(ss_output_commit(o), 0);
	ck_assert_int_eq(lstat(tu_file("link"), &sb), 0);
	ck_assert(S_ISLNK(sb.st_mode));
	assert_file(tu_file("target"), "new", 3);
	ck_assert_int_eq(tu_dir_count(tu_dir), 2);
}
END_TEST

/* A fatal signal removes the temporary file. */
START_TEST(test_output_signal)
{
	struct ss_output * o;
	pid_t pid;
	int status;
	int sigs[] = { SIGTERM, SIGINT, SIGHUP };
	size_t i;

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		if ((pid = fork()) == 0) {
			/* Even under nohup. */
			signal(sigs[i], SIG_DFL);
			if ((o = ss_output_open(tu_file("out"), 0)) == NULL ||
			    ss_output_write(o, "x", 1) ||
			    ss_output_flush(o))
				_exit(3);
			raise(sigs[i]);
			_exit(4);
		}
		ck_assert_int_ne(pid, -1);
		ck_assert_int_eq(waitpid(pid, &status, 0), pid);
		ck_assert(WIFSIGNALED(status));
		ck_assert_int_eq(WTERMSIG(status), sigs[i]);
		ck_assert_int_eq(tu_dir_count(tu_dir), 0);
	}
}
END_TEST

/* Standard output: commit closes it, so do it in a child. */
START_TEST(test_output_stdout)
{
	struct ss_output * o;
	pid_t pid;
	int status, fd;

	if ((pid = fork()) == 0) {
		if ((fd = open(tu_file("stdout"), O_WRONLY | O_CREAT, 0644)) ==
		    -1 || dup2(fd, STDOUT_FILENO) == -1)
			_exit(3);
		close(fd);
		if ((o = ss_output_open("-", SS_OUTPUT_BINARY)) == NULL ||
		    strcmp(ss_output_name(o), "stdout") != 0 ||
		    ss_output_write(o, "to stdout\n", 10) ||
		    ss_output_commit(o))
			_exit(4);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
	assert_file(tu_file("stdout"), "to stdout\n", 10);
}
END_TEST

/* Binary output to a terminal is refused unless "-" is explicit. */
START_TEST(test_output_terminal)
{
	struct ss_output * o;
	pid_t pid;
	int status, master, slave;

	if ((master = posix_openpt(O_RDWR | O_NOCTTY)) == -1 ||
	    grantpt(master) == -1 || unlockpt(master) == -1 ||
	    (slave = open(ptsname(master), O_RDWR | O_NOCTTY)) == -1) {
		/* No pseudo-terminals here: nothing to test. */
		return;
	}
	if ((pid = fork()) == 0) {
		if (dup2(slave, STDOUT_FILENO) == -1)
			_exit(3);
		if (ss_output_open(NULL, SS_OUTPUT_BINARY) != NULL)
			_exit(4);
		if (strstr(ss_err_msg(), "terminal") == NULL)
			_exit(5);
		if ((o = ss_output_open(NULL, 0)) == NULL)
			_exit(6);
		ss_output_abort(o);
		if ((o = ss_output_open("-", SS_OUTPUT_BINARY)) == NULL)
			_exit(7);
		ss_output_abort(o);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
	close(slave);
	close(master);
}
END_TEST

START_TEST(test_input_file)
{
	struct ss_input * in;
	uint8_t buf[16];
	size_t got;

	tu_write_file(tu_file("in"), "0123456789", 10, 0644);
	ck_assert_ptr_nonnull(in = ss_input_open(tu_file("in")));
	ck_assert_int_eq(in->is_regular, 1);
	ck_assert_int_eq(in->owned, 1);
	ck_assert_str_eq(in->name, tu_file("in"));
	ck_assert_int_eq(ss_input_read_full(in, buf, 4, &got), 0);
	ck_assert_uint_eq(got, 4);
	ck_assert_mem_eq(buf, "0123", 4);
	/* A regular file never times out. */
	ck_assert_int_eq(ss_input_read(in, buf, 2, 0), 2);
	ck_assert_int_eq(ss_input_read_full(in, buf, sizeof(buf), &got), 0);
	ck_assert_uint_eq(got, 4);
	ck_assert_mem_eq(buf, "6789", 4);
	ck_assert_int_eq(ss_input_read(in, buf, sizeof(buf), -1), 0);
	ss_input_close(in);
	ss_input_close(NULL);

	ck_assert_ptr_nonnull(in = ss_input_open(NULL));
	ck_assert_str_eq(in->name, "stdin");
	ck_assert_int_eq(in->owned, 0);
	ss_input_close(in);
	ck_assert_ptr_nonnull(in = ss_input_open("-"));
	ck_assert_int_eq(in->fd, STDIN_FILENO);
	ss_input_close(in);
	/* stdin is still open. */
	ck_assert_int_ne(fcntl(STDIN_FILENO, F_GETFD), -1);

	ss_err_clear();
	ck_assert_ptr_null(ss_input_open(tu_dir));
	ck_assert(strstr(ss_err_msg(), "is a directory") != NULL);
	ck_assert_ptr_null(ss_input_open(tu_file("missing")));
	ck_assert(strstr(ss_err_msg(), "missing: No such file") != NULL);
	ck_assert_int_eq(ss_err_status(), SS_EXIT_SYS);
}
END_TEST

START_TEST(test_input_timeout)
{
	struct ss_input in;
	uint8_t buf[8];
	size_t got;
	int fds[2];

	ck_assert_int_eq(pipe(fds), 0);
	in.fd = fds[0];
	in.name = "pipe";
	in.is_regular = 0;
	in.owned = 0;
	ck_assert_int_eq(ss_input_read(&in, buf, sizeof(buf), 0),
	    SS_INPUT_TIMEOUT);
	ck_assert_int_eq(ss_input_read(&in, buf, sizeof(buf), 30),
	    SS_INPUT_TIMEOUT);
	ck_assert_int_eq(write(fds[1], "abc", 3), 3);
	ck_assert_int_eq(ss_input_read(&in, buf, sizeof(buf), 30), 3);
	ck_assert_mem_eq(buf, "abc", 3);
	ck_assert_int_eq(ss_input_read(&in, buf, sizeof(buf), 0),
	    SS_INPUT_TIMEOUT);
	ck_assert_int_eq(write(fds[1], "defg", 4), 4);
	close(fds[1]);
	ck_assert_int_eq(ss_input_read_full(&in, buf, sizeof(buf), &got), 0);
	ck_assert_uint_eq(got, 4);
	/* End of input is not a timeout. */
	ck_assert_int_eq(ss_input_read(&in, buf, sizeof(buf), 30), 0);
	ck_assert_int_eq(ss_input_read(&in, buf, sizeof(buf), -1), 0);
	close(fds[0]);

	/* A closed descriptor is an error. */
	in.fd = fds[0];
	ss_err_clear();
	ck_assert_int_eq(ss_input_read(&in, buf, sizeof(buf), -1), -1);
	ck_assert(strstr(ss_err_msg(), "pipe: read") != NULL);
}
END_TEST

START_TEST(test_read_small_file)
{
	uint8_t buf[16];
	size_t len;
	struct stat sb;

	/* Up to max - 1 bytes, NUL-terminated. */
	tu_write_file(tu_file("f"), "0123456789abcde", 15, 0640);
	memset(buf, 0x55, sizeof(buf));
	ck_assert_int_eq(ss_read_small_file(tu_file("f"), buf, sizeof(buf),
	    &len, &sb), 0);
	ck_assert_uint_eq(len, 15);
	ck_assert_str_eq((char *)buf, "0123456789abcde");
	ck_assert_uint_eq(sb.st_mode & 07777, 0640);
	ck_assert_int_eq(ss_read_small_file(tu_file("f"), buf, sizeof(buf),
	    &len, NULL), 0);

	tu_write_file(tu_file("f"), "", 0, 0600);
	ck_assert_int_eq(ss_read_small_file(tu_file("f"), buf, sizeof(buf),
	    &len, NULL), 0);
	ck_assert_uint_eq(len, 0);
	ck_assert_uint_eq(buf[0], 0);

	/* One byte more is refused. */
	tu_write_file(tu_file("f"), "0123456789abcdef", 16, 0600);
	ss_err_clear();
	ck_assert_int_eq(ss_read_small_file(tu_file("f"), buf, sizeof(buf),
	    &len, NULL), -1);
	ck_assert(strstr(ss_err_msg(), "too large") != NULL);
	tu_write_file(tu_file("f"), "0123456789abcdef0123", 20, 0600);
	ck_assert_int_eq(ss_read_small_file(tu_file("f"), buf, sizeof(buf),
	    &len, NULL), -1);

	/* Not a regular file; missing. */
	ck_assert_int_eq(ss_read_small_file(tu_dir, buf, sizeof(buf), &len,
	    NULL), -1);
	ck_assert_int_eq(ss_read_small_file(tu_file("none"), buf, sizeof(buf),
	    &len, NULL), -1);
	ck_assert_int_eq(ss_err_status(), SS_EXIT_SYS);
}
END_TEST

START_TEST(test_read_file)
{
	uint8_t * big, * got;
	size_t len, i;
	int fd;

	/* Exactly max bytes, larger than any first guess; NUL-terminated. */
	if ((big = malloc(300000)) == NULL)
		ck_abort_msg("malloc");
	for (i = 0; i < 300000; i++)
		big[i] = (uint8_t)(i * 7);
	tu_write_file(tu_file("f"), big, 300000, 0600);
	ck_assert_int_eq(ss_read_file(tu_file("f"), 300000, &got, &len), 0);
	ck_assert_uint_eq(len, 300000);
	ck_assert_mem_eq(got, big, len);
	ck_assert_uint_eq(got[len], 0);
	free(got);

	/* One byte more is refused, as is a file that grows past max. */
	ss_err_clear();
	ck_assert_int_eq(ss_read_file(tu_file("f"), 299999, &got, &len), -1);
	ck_assert(strstr(ss_err_msg(), "too large (over 299999 bytes)") !=
	    NULL);
	ck_assert_int_eq(ss_read_file(tu_file("f"), 1, &got, &len), -1);

	/* Empty, then appended to. */
	tu_write_file(tu_file("f"), "", 0, 0600);
	ck_assert_int_eq(ss_read_file(tu_file("f"), 10, &got, &len), 0);
	ck_assert_uint_eq(len, 0);
	ck_assert_uint_eq(got[0], 0);
	free(got);
	fd = open(tu_file("f"), O_WRONLY | O_APPEND);
	ck_assert_int_ne(fd, -1);
	ck_assert_int_eq(write(fd, "abc", 3), 3);
	close(fd);
	ck_assert_int_eq(ss_read_file(tu_file("f"), 10, &got, &len), 0);
	ck_assert_uint_eq(len, 3);
	ck_assert_str_eq((char *)got, "abc");
	free(got);

	/* Not a regular file; missing. */
	ck_assert_int_eq(ss_read_file(tu_dir, 10, &got, &len), -1);
	ck_assert(strstr(ss_err_msg(), "not a regular file") != NULL);
	ck_assert_int_eq(ss_read_file(tu_file("none"), 10, &got, &len), -1);
	ck_assert_int_eq(ss_err_status(), SS_EXIT_SYS);
	free(big);
}
END_TEST

START_TEST(test_write_all)
{
	static uint8_t data[300000], back[300000];
	int fds[2];
	pid_t pid;
	size_t got = 0;
	ssize_t n;
	int status;

	randombytes_buf(data, sizeof(data));
	ck_assert_int_eq(pipe(fds), 0);
	/* More than a pipe holds: a child drains it. */
	if ((pid = fork()) == 0) {
		close(fds[1]);
		while ((n = read(fds[0], back + got, sizeof(back) - got)) > 0)
			got += (size_t)n;
		_exit(got == sizeof(data) &&
		    memcmp(back, data, sizeof(data)) == 0 ? 0 : 1);
	}
	close(fds[0]);
	ck_assert_int_eq(ss_write_all(fds[1], data, sizeof(data)), 0);
	close(fds[1]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);

	/* A bad descriptor is reported. */
	ss_err_clear();
	ck_assert_int_eq(ss_write_all(fds[1], data, 1), -1);
	ck_assert(strstr(ss_err_msg(), "write") != NULL);
}
END_TEST

/* A write error is reported, and the output cannot be committed. */
START_TEST(test_output_write_error)
{
	struct ss_output * o;

	if (access("/dev/full", W_OK) != 0)
		return;
	ck_assert_ptr_nonnull(o = ss_output_open("/dev/full", 0));
	ck_assert_int_eq(ss_output_write(o, "x", 1), 0);
	ss_err_clear();
	ck_assert_int_eq(ss_output_flush(o), -1);
	ck_assert(strstr(ss_err_msg(), "/dev/full: write: No space") != NULL);
	ck_assert_int_eq(ss_output_flush(o), -1);
	ck_assert_int_eq(ss_output_commit(o), -1);
}
END_TEST

static Suite *
io_suite(void)
{
	Suite * s = suite_create("io");
	TCase * tc = tcase_create("io");

	tcase_add_checked_fixture(tc, tu_dir_setup, tu_dir_teardown);
	tcase_add_test(tc, test_output_commit);
	tcase_add_test(tc, test_read_file);
	tcase_add_test(tc, test_output_abort);
	tcase_add_test(tc, test_output_sizes);
	tcase_add_test(tc, test_output_devnull);
	tcase_add_test(tc, test_output_errors);
	tcase_add_test(tc, test_output_symlink);
	tcase_add_test(tc, test_output_signal);
	tcase_add_test(tc, test_output_stdout);
	tcase_add_test(tc, test_output_terminal);
	tcase_add_test(tc, test_input_file);
	tcase_add_test(tc, test_input_timeout);
	tcase_add_test(tc, test_read_small_file);
	tcase_add_test(tc, test_write_all);
	tcase_add_test(tc, test_output_write_error);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{

	return (tu_run_sodium(io_suite()));
}
