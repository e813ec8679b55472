#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <unistd.h>

#include <seccomp.h>

#include "err.h"
#include "lockdown.h"

/*
 * Map ${fd}, a memory file of exactly ${size} bytes sealed against
 * shrinking (which would be a SIGBUS here), shared; NULL if it is not.
 */
static uint8_t *
map_shared(int fd, size_t size)
{
	struct stat sb;
	void * p;
	int seals;

	if (fstat(fd, &sb) || sb.st_size < 0 || (size_t)sb.st_size != size ||
	    (seals = fcntl(fd, F_GET_SEALS)) == -1 ||
	    (seals & (F_SEAL_SHRINK | F_SEAL_SEAL)) !=
	    (F_SEAL_SHRINK | F_SEAL_SEAL))
		return (NULL);
	if ((p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
	    0)) == MAP_FAILED)
		return (NULL);
	return (p);
}

int
ss_lockdown_harden(int chan, int shared, size_t size, uint8_t ** map)
{
	struct rlimit rl = { 0, 0 };
	int last = (shared > chan) ? shared : chan;

	if (map != NULL)
		*map = NULL;
	/* Close all but ${chan} and ${shared} (which, if any, follows it). */
	if ((chan > 0 && close_range(0, (unsigned)chan - 1, 0)) ||
	    (shared > chan + 1 &&
	    close_range((unsigned)chan + 1, (unsigned)shared - 1, 0)) ||
	    close_range((unsigned)last + 1, UINT_MAX, 0)) {
		ss_err_errno("close_range");
		return (-1);
	}
	if (setrlimit(RLIMIT_CORE, &rl)) {
		ss_err_errno("setrlimit(RLIMIT_CORE)");
		return (-1);
	}
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)) {
		ss_err_errno("prctl(PR_SET_DUMPABLE)");
		return (-1);
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		ss_err_errno("prctl(PR_SET_NO_NEW_PRIVS)");
		return (-1);
	}
	/*
	 * Lock what is in memory and whatever is touched later.  Pages are
	 * locked as they are first used (MCL_ONFAULT), so large buffers
	 * count against RLIMIT_MEMLOCK only as far as they are used.  The
	 * shared mapping is made in between, so that it alone stays
	 * unlocked: it holds nothing secret, and locked memory is scarce.
	 */
	if (getrlimit(RLIMIT_MEMLOCK, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_MEMLOCK, &rl);
	}
	if (mlockall(MCL_CURRENT | MCL_ONFAULT)) {
		ss_err_errno("cannot lock the enclave's memory (see "
		    "ulimit -l): mlockall");
		return (-1);
	}
	if (shared != -1) {
		if (map != NULL)
			*map = map_shared(shared, size);
		close(shared);
	}
	if (mlockall(MCL_FUTURE | MCL_ONFAULT)) {
		ss_err_errno("cannot lock the enclave's memory (see "
		    "ulimit -l): mlockall");
		return (-1);
	}
	return (0);
}

/* Allow ${call} when its first argument is ${fd}. */
static int
allow_fd(scmp_filter_ctx ctx, int call, int fd)
{

	struct scmp_arg_cmp cmp = { .arg = 0, .op = SCMP_CMP_EQ,
	    .datum_a = (scmp_datum_t)fd, .datum_b = 0 };

	return (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, call, 1, cmp));
}

int
ss_lockdown_seccomp(int chan, const int * fds, size_t n)
{
	static const int always[] = {
		SCMP_SYS(close), SCMP_SYS(exit), SCMP_SYS(exit_group),
		SCMP_SYS(brk), SCMP_SYS(munmap), SCMP_SYS(mremap),
		SCMP_SYS(madvise), SCMP_SYS(mlock), SCMP_SYS(mlock2),
		SCMP_SYS(munlock), SCMP_SYS(getrandom),
		SCMP_SYS(rt_sigreturn), SCMP_SYS(futex),
	};
	/* Argument 2 (prot) & PROT_EXEC == 0. */
	const struct scmp_arg_cmp noexec = { .arg = 2,
	    .op = SCMP_CMP_MASKED_EQ, .datum_a = PROT_EXEC, .datum_b = 0 };
	scmp_filter_ctx ctx;
	size_t i;
	int rc = -1;

	if ((ctx = seccomp_init(SCMP_ACT_KILL_PROCESS)) == NULL) {
		ss_err_set(SS_EXIT_SYS, "seccomp_init failed");
		return (-1);
	}
	for (i = 0; i < sizeof(always) / sizeof(always[0]); i++)
		if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, always[i], 0))
			goto err;
	/* Memory, but never executable memory. */
	if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
	    noexec) ||
	    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1,
	    noexec))
		goto err;
	if (allow_fd(ctx, SCMP_SYS(read), chan) ||
	    allow_fd(ctx, SCMP_SYS(write), chan))
		goto err;
	for (i = 0; i < n; i++)
		if (allow_fd(ctx, SCMP_SYS(read), fds[i]))
			goto err;
	if (seccomp_load(ctx))
		goto err;
	rc = 0;
	goto done;
err:
	ss_err_set(SS_EXIT_SYS, "cannot set up the seccomp filter");
done:
	seccomp_release(ctx);
	return (rc);
}
