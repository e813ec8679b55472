#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../enclave/ecall.h"
#include "cli.h"
#include "enclave.h"
#include "err.h"
#include "frame.h"
#include "io.h"

#define IMAGE_REL	"/../libexec/securestreams/ss-enclave"
#define CHANNEL_FD	3	/* enclave/lockdown.h */

struct backend;

struct ss_enclave {
	const struct backend * be;
	char * image;
	pid_t pid;		/* process: the enclave */
	int chan;		/* process: our end of the channel */
	uint8_t * out;		/* replies; grows as needed */
	size_t outsize;
};

struct backend {
	const char * name;
	int (* start)(struct ss_enclave *);
	int (* call)(struct ss_enclave *, uint32_t, const uint8_t *, size_t,
	    size_t *, uint32_t *);
	void (* stop)(struct ss_enclave *);
	int threaded;		/* ss_enclave_pipeline() overlaps I/O */
};

/* The process backend. */

static int
proc_start(struct ss_enclave * e)
{
	char * const argv[] = { "ss-enclave", NULL };
	char * const envp[] = { NULL };
	uint8_t buf[65536];
	char fdpath[64];
	int sv[2] = { -1, -1 };
	int img = -1, mfd = -1;
	int bufsize = 4 * 1024 * 1024, i;
	ssize_t n;
	int rc = -1;

	/* Copy the image into a memfd and seal it: what runs is fixed. */
	if ((img = open(e->image, O_RDONLY | O_CLOEXEC)) == -1) {
		ss_err_errno("enclave image %s", e->image);
		goto done;
	}
	if ((mfd = memfd_create("ss-enclave", MFD_CLOEXEC |
	    MFD_ALLOW_SEALING)) == -1) {
		ss_err_errno("memfd_create");
		goto done;
	}
	/* In the kernel (sendfile), falling back to read and write. */
	while ((n = sendfile(mfd, img, NULL, 1 << 30)) > 0)
		;
	for (; n != 0;) {
		if ((n = read(img, buf, sizeof(buf))) == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			ss_err_errno("enclave image %s", e->image);
			goto done;
		}
		if (n > 0 && ss_write_all(mfd, buf, (size_t)n))
			goto done;
	}
	if (fcntl(mfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW |
	    F_SEAL_WRITE | F_SEAL_SEAL)) {
		ss_err_errno("sealing the enclave image");
		goto done;
	}
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", mfd);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
		ss_err_errno("socketpair");
		goto done;
	}
	/*
	 * Room for a whole chunk each way, so that one chunk costs one
	 * wakeup, not one per socket-buffer's worth (root may go past
	 * net.core.wmem_max; others get what it allows).
	 */
	for (i = 0; i < 2; i++) {
		(void)setsockopt(sv[i], SOL_SOCKET, SO_SNDBUFFORCE, &bufsize,
		    sizeof(bufsize));
		(void)setsockopt(sv[i], SOL_SOCKET, SO_RCVBUFFORCE, &bufsize,
		    sizeof(bufsize));
	}
	switch (e->pid = fork()) {
	case -1:
		ss_err_errno("fork");
		goto done;
	case 0:
		/* The enclave: its channel on descriptor 3, no environment. */
		if (sv[1] == CHANNEL_FD) {
			if (fcntl(CHANNEL_FD, F_SETFD, 0) == -1)
				_exit(127);
		} else if (dup2(sv[1], CHANNEL_FD) == -1)
			_exit(127);
		fexecve(mfd, argv, envp);
		/* Where execveat(2) is missing (valgrind): the same memfd. */
		execve(fdpath, argv, envp);
		_exit(127);
	default:
		break;
	}
	e->chan = sv[0];
	sv[0] = -1;
	rc = 0;
done:
	if (sv[0] != -1)
		close(sv[0]);
	if (sv[1] != -1)
		close(sv[1]);
	if (mfd != -1)
		close(mfd);
	if (img != -1)
		close(img);
	return (rc);
}

/* Wait for the enclave to end; -1 if that fails. */
static int
proc_reap(struct ss_enclave * e, int * status)
{
	pid_t pid = e->pid;

	e->pid = 0;
	while (waitpid(pid, status, 0) == -1) {
		if (errno != EINTR) {
			ss_err_errno("waitpid");
			return (-1);
		}
	}
	return (0);
}

/* Say how the enclave ended. */
static int
proc_report(int status)
{

	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS)
		ss_err_set(SS_EXIT_DATA, "enclave killed: it made a system "
		    "call outside its seccomp allow-list");
	else if (WIFSIGNALED(status))
		ss_err_set(SS_EXIT_DATA, "enclave killed by signal %d (%s)",
		    WTERMSIG(status), strsignal(WTERMSIG(status)));
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		ss_err_set(SS_EXIT_SYS, "enclave could not be started (is "
		    "the image an executable for this machine?)");
	else
		ss_err_set(SS_EXIT_DATA, "enclave exited with status %d",
		    WEXITSTATUS(status));
	return (-1);
}

/* The enclave went away: reap it and say how it ended. */
static int
proc_died(struct ss_enclave * e)
{
	int status;

	if (proc_reap(e, &status))
		return (-1);
	return (proc_report(status));
}

static int
send_full(int fd, const uint8_t * buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = send(fd, buf, len, MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return (-1);
		buf += n;
		len -= (size_t)n;
	}
	return (0);
}

static int
proc_send(struct ss_enclave * e, uint32_t id, const uint8_t * in,
    size_t inlen)
{
	uint8_t hdr[8];

	ss_be32enc(hdr, id);
	ss_be32enc(hdr + 4, (uint32_t)inlen);
	if (send_full(e->chan, hdr, sizeof(hdr)) ||
	    send_full(e->chan, in, inlen)) {
		ss_err_set(SS_EXIT_DATA, "enclave is gone");
		return (-1);
	}
	return (0);
}

static int
proc_recv(struct ss_enclave * e, size_t * outlen, uint32_t * status)
{
	uint8_t hdr[8];
	uint32_t len;

	if (ss_read_all(e->chan, hdr, sizeof(hdr)))
		return (-1);
	*status = ss_be32dec(hdr);
	len = ss_be32dec(hdr + 4);
	if (len > SS_ECALL_OUT_MAX) {
		ss_err_set(SS_EXIT_DATA, "enclave sent an oversized reply");
		return (-2);
	}
	if (len > e->outsize) {
		free(e->out);
		if ((e->out = malloc(len)) == NULL) {
			e->outsize = 0;
			ss_err_errno("malloc");
			return (-2);
		}
		e->outsize = len;
	}
	if (ss_read_all(e->chan, e->out, len))
		return (-1);
	*outlen = len;
	return (0);
}

static int
proc_call(struct ss_enclave * e, uint32_t id, const uint8_t * in,
    size_t inlen, size_t * outlen, uint32_t * status)
{
	int rc;

	if (e->pid == 0) {
		ss_err_set(SS_EXIT_DATA, "enclave is gone");
		return (-1);
	}
	if (proc_send(e, id, in, inlen) ||
	    (rc = proc_recv(e, outlen, status)) == -1)
		return (proc_died(e));
	return (rc);
}

static void
proc_stop(struct ss_enclave * e)
{
	struct timespec tick = { 0, 2000000 };
	int status, i;

	/* Closing the channel ends it: it wipes its state and exits. */
	if (e->chan != -1)
		close(e->chan);
	e->chan = -1;
	if (e->pid <= 0)
		return;
	for (i = 0; i < 500; i++) {
		if (waitpid(e->pid, &status, WNOHANG) != 0)
			break;
		nanosleep(&tick, NULL);
	}
	if (i == 500) {
		kill(e->pid, SIGKILL);
		while (waitpid(e->pid, &status, 0) == -1 && errno == EINTR)
			;
	}
	e->pid = 0;
}

/* The none backend: a function call. */

static int
none_start(struct ss_enclave * e)
{

	(void)e;
	return (0);
}

static int
none_call(struct ss_enclave * e, uint32_t id, const uint8_t * in,
    size_t inlen, size_t * outlen, uint32_t * status)
{

	*status = ss_enclave_ecall_grow(id, in, inlen, &e->out, &e->outsize,
	    outlen);
	return (0);
}

static void
none_stop(struct ss_enclave * e)
{

	(void)e;
	ss_enclave_reset();
}

static const struct backend backends[] = {
	{ "process", proc_start, proc_call, proc_stop, 1 },
	{ "none", none_start, none_call, none_stop, 0 },
};

static const struct backend *
find_backend(const char * name)
{
	size_t i;

	for (i = 0; i < sizeof(backends) / sizeof(backends[0]); i++)
		if (strcmp(backends[i].name, name) == 0)
			return (&backends[i]);
	return (NULL);
}

const char *
ss_enclave_check_tee(const char * name)
{
	const char * env = getenv("SS_TEE");

	if (name == NULL)
		name = (env != NULL && env[0] != '\0') ? env : "process";
	if (find_backend(name) == NULL) {
		if (strcmp(name, "sgx") == 0)
			ss_cli_usage_error("--tee sgx: no SGX backend in this "
			    "build (use process or none)");
		ss_cli_usage_error("unknown TEE backend '%s'%s (use process "
		    "or none)", name, (name == env) ? " in SS_TEE" : "");
	}
	return (name);
}

char *
ss_enclave_image(void)
{
	char exe[PATH_MAX];
	const char * env = getenv("SS_ENCLAVE");
	char * path, * slash;
	ssize_t n;

	if (env != NULL && env[0] != '\0') {
		if ((path = strdup(env)) == NULL)
			ss_err_errno("strdup");
		return (path);
	}
	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) == -1) {
		ss_err_errno("/proc/self/exe");
		return (NULL);
	}
	exe[n] = '\0';
	if ((slash = strrchr(exe, '/')) != NULL)
		*slash = '\0';
	if (asprintf(&path, "%s%s", exe, IMAGE_REL) == -1) {
		ss_err_errno("malloc");
		return (NULL);
	}
	return (path);
}

int
ss_enclave_image_digest(const char * path, uint8_t digest[SS_SHA256_LEN])
{
	int fd, rc;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		ss_err_errno("enclave image %s", path);
		return (-1);
	}
	rc = ss_sha256_fd(digest, fd, path);
	close(fd);
	return (rc);
}

struct ss_enclave *
ss_enclave_start(const char * tee)
{
	struct ss_enclave * e;

	if ((e = calloc(1, sizeof(*e))) == NULL) {
		ss_err_errno("calloc");
		return (NULL);
	}
	e->chan = -1;
	if ((e->be = find_backend(tee)) == NULL) {
		ss_err_set(SS_EXIT_SYS, "unknown TEE backend '%s'", tee);
		goto err;
	}
	if ((e->image = ss_enclave_image()) == NULL)
		goto err;
	e->outsize = SS_ECALL_OUT_MIN;
	if ((e->out = malloc(e->outsize)) == NULL) {
		ss_err_errno("malloc");
		goto err;
	}
	if (e->be->start(e))
		goto err;
	return (e);
err:
	ss_enclave_stop(e);
	return (NULL);
}

const char *
ss_enclave_image_path(const struct ss_enclave * e)
{

	return (e->image);
}

/* Turn an answer's status into 0, or -1 with the enclave's message. */
static int
answer(struct ss_enclave * e, uint32_t status, size_t len)
{
	size_t i;

	if (status == SS_ECALL_OK)
		return (0);
	/* Show the enclave's message, but no control characters. */
	if (len > 1000)
		len = 1000;
	for (i = 0; i < len; i++)
		if (e->out[i] < 0x20 || e->out[i] == 0x7f)
			e->out[i] = '?';
	ss_err_set((status == SS_EXIT_DATA) ? SS_EXIT_DATA : SS_EXIT_SYS,
	    "%.*s", (int)len, (const char *)e->out);
	return (-1);
}

int
ss_enclave_call(struct ss_enclave * e, uint32_t id, const uint8_t * in,
    size_t inlen, const uint8_t ** out, size_t * outlen)
{
	uint32_t status;
	size_t len = 0;

	if (e->be->call(e, id, in, inlen, &len, &status) ||
	    answer(e, status, len))
		return (-1);
	*out = e->out;
	*outlen = len;
	return (0);
}

/* The sending half of a pipeline, in its own thread. */
struct sender {
	struct ss_enclave * e;
	uint32_t id;
	int (* next)(void *, const uint8_t **, size_t *);
	void * cookie;
	uint64_t nsent;
	int failed;		/* next() failed */
	int broken;		/* the channel failed */
	int status;		/* next()'s error */
	char * msg;
};

static void *
sender_main(void * cookie)
{
	struct sender * s = cookie;
	const uint8_t * req;
	size_t len;
	int rc;

	while ((rc = s->next(s->cookie, &req, &len)) == 1) {
		if (proc_send(s->e, s->id, req, len)) {
			s->broken = 1;
			break;
		}
		s->nsent++;
	}
	if (rc == -1) {
		s->failed = 1;
		s->status = ss_err_status();
		s->msg = strdup(ss_err_msg());
	}
	/* No more requests: the enclave answers the rest, then exits. */
	shutdown(s->e->chan, SHUT_WR);
	return (NULL);
}

int
ss_enclave_pipeline(struct ss_enclave * e, uint32_t id,
    int (* next)(void *, const uint8_t **, size_t *), void * ncookie,
    int (* take)(void *, const uint8_t *, size_t), void * tcookie)
{
	struct sender s;
	pthread_t tid;
	const uint8_t * req;
	uint64_t ntaken = 0;
	uint32_t status;
	size_t len;
	int rc = -1, r, wstatus;

	if (!e->be->threaded) {
		while ((r = next(ncookie, &req, &len)) == 1) {
			if (e->be->call(e, id, req, len, &len, &status) ||
			    answer(e, status, len) || take(tcookie, e->out,
			    len))
				return (-1);
		}
		return (r);
	}
	if (e->pid == 0) {
		ss_err_set(SS_EXIT_DATA, "enclave is gone");
		return (-1);
	}
	memset(&s, 0, sizeof(s));
	s.e = e;
	s.id = id;
	s.next = next;
	s.cookie = ncookie;
	if ((r = pthread_create(&tid, NULL, sender_main, &s)) != 0) {
		errno = r;
		ss_err_errno("pthread_create");
		return (-1);
	}
	/* Answers, in order, until the enclave closes the channel. */
	while ((r = proc_recv(e, &len, &status)) == 0) {
		if (answer(e, status, len) || take(tcookie, e->out, len))
			break;
		ntaken++;
	}
	if (r == -1) {
		/*
		 * The enclave closed the channel: it exits cleanly once the
		 * sender is done, or it died.  A death is reported at once,
		 * even if the sender still waits for input.
		 */
		if (proc_reap(e, &wstatus))
			goto stop;
		if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
			(void)proc_report(wstatus);
			goto stop;
		}
		pthread_join(tid, NULL);
		if (s.failed)
			ss_err_set(s.status, "%s", (s.msg != NULL) ? s.msg :
			    "out of memory");
		else if (s.broken || ntaken != s.nsent)
			ss_err_set(SS_EXIT_DATA, "enclave ended before "
			    "answering every chunk");
		else
			rc = 0;
		goto done;
	}
stop:
	/* We stop early; the sender may be waiting for input. */
	shutdown(e->chan, SHUT_RDWR);
	pthread_cancel(tid);
	pthread_join(tid, NULL);
done:
	free(s.msg);
	return (rc);
}

long
ss_enclave_pid(const struct ss_enclave * e)
{

	return ((long)e->pid);
}

void
ss_enclave_stop(struct ss_enclave * e)
{

	if (e == NULL)
		return;
	if (e->be != NULL)
		e->be->stop(e);
	free(e->image);
	free(e->out);
	free(e);
}
