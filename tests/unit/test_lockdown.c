/*
 * Unit tests for enclave/lockdown.c: a system call outside the seccomp
 * allow-list kills the process with SIGSYS, what the enclave needs keeps
 * working, and ss_lockdown_harden() leaves only the channel open, no core
 * dumps, not dumpable, no new privileges, memory locked except for the
 * shared arena it maps.
 *
 * Each case runs in a child of its own (the filter cannot be undone) that
 * reports through its exit status: 0 for "as expected", another value
 * naming the step that went wrong.
 */

#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "lockdown.h"

#include "check_util.h"

/* A file descriptor the child opened before the filter (or -1). */
static int keyfd = -1;

/*
 * End a child with exit_group(2) itself.  In a sanitizer build a call to
 * any noreturn function (_exit) first makes calls (sigaltstack) that the
 * filter kills, so this one is not declared noreturn either; see also
 * enclave/main.c.
 */
static void
leave(int status)
{

	syscall(SYS_exit_group, status);
}

/*
 * Fork; the child runs ${fn} on its end of a socketpair, its channel
 * (${fn} should not return; returning is exit status 99).  With ${talk}
 * the parent sends "ping" on the channel and expects "pong" back.
 * Return the child's wait status.
 */
static int
in_child(void (* fn)(int), int talk)
{
	char buf[4];
	int sv[2], status;
	pid_t pid;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ck_assert_int_ne(pid = fork(), -1);
	if (pid == 0) {
		close(sv[0]);
		fn(sv[1]);
		leave(99);
	}
	close(sv[1]);
	if (talk) {
		ck_assert_int_eq(write(sv[0], "ping", 4), 4);
		ck_assert_int_eq(read(sv[0], buf, 4), 4);
		ck_assert_mem_eq(buf, "pong", 4);
	}
	close(sv[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return (status);
}

/* ${status} is a kill by SIGSYS (the filter's answer). */
static void
assert_sigsys(int status, const char * what)
{

	ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS,
	    "%s: child %s %d, not killed by SIGSYS", what,
	    WIFSIGNALED(status) ? "killed by signal" : "exited with",
	    WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
}

/* ${status} is a clean exit. */
static void
assert_exit0(int status, const char * what)
{

	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "%s: child %s %d", what,
	    WIFSIGNALED(status) ? "killed by signal" : "exited with",
	    WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
}

static void
lock(int chan)
{

	if (ss_lockdown_seccomp(chan, NULL, 0))
		leave(97);
}

static void
child_open(int chan)
{

	lock(chan);
	(void)open("/etc/passwd", O_RDONLY);
	leave(0);
}

static void
child_socket(int chan)
{

	lock(chan);
	(void)socket(AF_INET, SOCK_STREAM, 0);
	leave(0);
}

static void
child_mmap_exec(int chan)
{

	lock(chan);
	(void)mmap(NULL, 4096, PROT_READ | PROT_EXEC,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	leave(0);
}

static void
child_mprotect_exec(int chan)
{
	void * p;

	lock(chan);
	/* Writable memory is allowed; making it executable is not. */
	if ((p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)) == MAP_FAILED)
		leave(1);
	(void)mprotect(p, 4096, PROT_READ | PROT_EXEC);
	leave(0);
}

static void
child_write_stdout(int chan)
{
	ssize_t n;

	lock(chan);
	n = write(1, "", 0);
	leave(n == 0 ? 0 : 1);
}

static void
child_read_other(int chan)
{
	char c;
	ssize_t n;

	lock(chan);
	/* keyfd was not named in the allow-list. */
	n = read(keyfd, &c, 1);
	leave(n == 1 ? 0 : 1);
}

static void
child_write_keyfd(int chan)
{
	int fd = keyfd;
	ssize_t n;

	if (ss_lockdown_seccomp(chan, &fd, 1))
		leave(97);
	/* Named for reading only. */
	n = write(keyfd, "x", 1);
	leave(n == 1 ? 0 : 1);
}

static void
child_fork(int chan)
{

	lock(chan);
	(void)fork();
	leave(0);
}

/* What the enclave does after lockdown: all of it must keep working. */
static void
child_allowed(int chan)
{
	char buf[4], c;
	uint8_t * big, * small;
	int fd = keyfd;
	size_t i;

	if (ss_lockdown_seccomp(chan, &fd, 1))
		leave(97);
	/* malloc and free, small (brk) and large (mmap, mremap). */
	for (i = 0; i < 100; i++) {
		if ((small = malloc(100 + i)) == NULL)
			leave(2);
		memset(small, 1, 100 + i);
		free(small);
	}
	if ((big = malloc(8 << 20)) == NULL)
		leave(3);
	memset(big, 2, 8 << 20);
	if ((big = realloc(big, 32 << 20)) == NULL)
		leave(4);
	memset(big, 3, 32 << 20);
	free(big);
	/* The allowed key file. */
	if (read(keyfd, &c, 1) != 1 || c != 'k')
		leave(5);
	if (close(keyfd) != 0)
		leave(6);
	/* The channel. */
	if (read(chan, buf, 4) != 4 || memcmp(buf, "ping", 4) != 0)
		leave(7);
	if (write(chan, "pong", 4) != 4)
		leave(8);
	leave(0);
}

static char dir[256];

static void
setup(void)
{

	tu_mkdtemp(dir);
	tu_write_file(tu_path(dir, "key"), "k", 1, 0600);
	ck_assert_int_ne(keyfd = open(tu_path(dir, "key"), O_RDWR), -1);
}

static void
teardown(void)
{

	if (keyfd != -1)
		close(keyfd);
	keyfd = -1;
	tu_rmdir(dir);
}

START_TEST(test_forbidden_calls)
{

	assert_sigsys(in_child(child_open, 0), "open(/etc/passwd)");
	assert_sigsys(in_child(child_socket, 0), "socket()");
	assert_sigsys(in_child(child_mmap_exec, 0), "mmap(PROT_EXEC)");
	assert_sigsys(in_child(child_mprotect_exec, 0), "mprotect(PROT_EXEC)");
	assert_sigsys(in_child(child_write_stdout, 0), "write(1)");
	assert_sigsys(in_child(child_read_other, 0), "read(unlisted fd)");
	assert_sigsys(in_child(child_write_keyfd, 0), "write(key fd)");
	assert_sigsys(in_child(child_fork, 0), "fork()");
}
END_TEST

START_TEST(test_allowed_calls)
{

	assert_exit0(in_child(child_allowed, 1), "malloc, read, write");
}
END_TEST

/* Harden, then check each property; the exit status names a failure. */
static void
child_harden(int chan)
{
	struct rlimit rl;
	int fd;

	/* Descriptors that must go: low, next to the channel, high. */
	if (dup2(chan, 10) == -1 || dup2(chan, 200) == -1 ||
	    dup2(chan, chan + 1) == -1)
		leave(90);
	if (ss_lockdown_harden(chan, -1, 0, NULL))
		leave(91);
	if (fcntl(chan, F_GETFD) == -1)
		leave(10);
	for (fd = 0; fd < 1024; fd++)
		if (fd != chan && fcntl(fd, F_GETFD) != -1)
			leave(11);
	if (getrlimit(RLIMIT_CORE, &rl) != 0 || rl.rlim_cur != 0 ||
	    rl.rlim_max != 0)
		leave(12);
	if (prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0)
		leave(13);
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		leave(14);
	leave(0);
}

START_TEST(test_harden)
{
	int status = in_child(child_harden, 0);

	ck_assert_msg(WIFEXITED(status), "hardened child killed by signal %d",
	    WTERMSIG(status));
	switch (WEXITSTATUS(status)) {
	case 0:
		break;
	case 91:
		ck_abort_msg("ss_lockdown_harden failed (ulimit -l?)");
		break;
	case 10:
		ck_abort_msg("the channel was closed");
		break;
	case 11:
		ck_abort_msg("a descriptor other than the channel stayed open");
		break;
	case 12:
		ck_abort_msg("RLIMIT_CORE is not 0");
		break;
	case 13:
		ck_abort_msg("the process is still dumpable");
		break;
	case 14:
		ck_abort_msg("no_new_privs is not set");
		break;
	default:
		ck_abort_msg("hardened child exited %d", WEXITSTATUS(status));
	}
}
END_TEST

/*
 * The "Locked:" size in KiB of the mapping that starts at ${p}, from
 * /proc/self/smaps; -1 if there is none.
 */
static long
locked_kb(const void * p)
{
	char line[256];
	FILE * f;
	unsigned long start, end;
	long kb = -1;
	int in = 0;

	if ((f = fopen("/proc/self/smaps", "r")) == NULL)
		return (-1);
	while (fgets(line, sizeof(line), f) != NULL) {
		/* A mapping's first line: "start-end perms ...". */
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2)
			in = (start == (unsigned long)p);
		else if (in && sscanf(line, "Locked: %ld kB", &kb) == 1)
			break;
	}
	fclose(f);
	return (kb);
}

#define SHARED_SIZE	(1024 * 1024)

/*
 * The sanitizers make mlock(2) and mlockall(2) do nothing, so what is
 * locked is checked only in the plain build.
 */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LOCKS_WORK	0
#endif
#endif
#ifndef LOCKS_WORK
#define LOCKS_WORK	1
#endif

/* A memory file of ${size} bytes on descriptor ${fd}, with ${seals}. */
static int
memfile(int fd, size_t size, int seals)
{
	int m;

	if ((m = memfd_create("test", MFD_ALLOW_SEALING)) == -1 ||
	    ftruncate(m, (off_t)size) || (seals != 0 &&
	    fcntl(m, F_ADD_SEALS, seals)) || dup2(m, fd) == -1)
		return (-1);
	close(m);
	return (0);
}

/*
 * Harden with a shared memory file next but one to the channel: it is
 * mapped, not locked, and closed; what is mapped afterwards is locked.
 */
static void
child_harden_shared(int chan)
{
	uint8_t * map, * anon;

	if (dup2(chan, chan + 1) == -1 || memfile(chan + 2, SHARED_SIZE,
	    F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL))
		leave(90);
	if (ss_lockdown_harden(chan, chan + 2, SHARED_SIZE, &map))
		leave(91);
	if (map == NULL)
		leave(20);
	if (fcntl(chan + 1, F_GETFD) != -1 || fcntl(chan + 2, F_GETFD) != -1)
		leave(21);
	memset(map, 1, SHARED_SIZE);
	if (locked_kb(map) != 0)
		leave(22);
	if ((anon = mmap(NULL, SHARED_SIZE, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)) == MAP_FAILED)
		leave(90);
	memset(anon, 1, SHARED_SIZE);
	if (LOCKS_WORK && locked_kb(anon) != SHARED_SIZE / 1024)
		leave(23);
	leave(0);
}

/* A memory file that could shrink, or of the wrong size: not mapped. */
static void
child_harden_unsealed(int chan)
{
	uint8_t * map = (uint8_t *)&map;

	if (memfile(chan + 1, SHARED_SIZE, 0))
		leave(90);
	if (ss_lockdown_harden(chan, chan + 1, SHARED_SIZE, &map))
		leave(91);
	if (map != NULL)
		leave(24);
	if (fcntl(chan + 1, F_GETFD) != -1)
		leave(21);
	leave(0);
}

static void
child_harden_size(int chan)
{
	uint8_t * map = (uint8_t *)&map;

	if (memfile(chan + 1, SHARED_SIZE / 2, F_SEAL_SHRINK | F_SEAL_SEAL))
		leave(90);
	if (ss_lockdown_harden(chan, chan + 1, SHARED_SIZE, &map))
		leave(91);
	if (map != NULL)
		leave(25);
	leave(0);
}

START_TEST(test_harden_shared)
{
	static const char * what[] = {
		[20] = "the shared file was not mapped",
		[21] = "a descriptor other than the channel stayed open",
		[22] = "the shared mapping is locked",
		[23] = "memory mapped after hardening is not locked",
		[24] = "a memory file that can shrink was mapped",
		[25] = "a memory file of the wrong size was mapped",
		[90] = "test setup failed",
		[91] = "ss_lockdown_harden failed (ulimit -l?)",
	};
	void (* children[])(int) = { child_harden_shared,
	    child_harden_unsealed, child_harden_size };
	size_t i;
	int status, st;

	for (i = 0; i < sizeof(children) / sizeof(children[0]); i++) {
		status = in_child(children[i], 0);
		ck_assert_msg(WIFEXITED(status), "child %zu killed by signal "
		    "%d", i, WTERMSIG(status));
		st = WEXITSTATUS(status);
		ck_assert_msg(st == 0, "child %zu: %s (%d)", i,
		    (st < 92 && what[st] != NULL) ? what[st] : "exited", st);
	}
}
END_TEST

static Suite *
lockdown_suite(void)
{
	Suite * s = suite_create("lockdown");
	TCase * tc = tcase_create("seccomp");
	TCase * th = tcase_create("harden");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_forbidden_calls);
	tcase_add_test(tc, test_allowed_calls);
	suite_add_tcase(s, tc);
	tcase_add_test(th, test_harden);
	tcase_add_test(th, test_harden_shared);
	suite_add_tcase(s, th);
	return (s);
}

int
main(void)
{

	return (tu_run(lockdown_suite()));
}
