#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <stdatomic.h>
#include <fcntl.h>
#include <pthread.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "channel.h"
#include "cli.h"
#include "ecall.h"
#include "ecall_msg.h"
#include "err.h"
#include "fdio.h"
#include "tee.h"

#define IMAGE_REL	"/../libexec/securestreams/ss-enclave"
#define SEAL_TRIES	250	/* 2 ms apart: half a second */

struct backend;

struct ss_enclave {
	const struct backend * be;
	const struct ss_ecall_entry * entry;	/* none: the enclave's code */
	char * image;
	pid_t pid;		/* process: the enclave */
	int chan;		/* process: our end of the channel */
	uint8_t * arena;	/* process: the shared arena, if it took it */
	uint64_t nreleased;	/* process: answers we are done with */
	uint8_t * out;		/* replies; grows as needed */
	size_t outsize;
};

struct backend {
	const char * name;
	int (* start)(struct ss_enclave *);
	int (* call)(struct ss_enclave *, uint32_t, const uint8_t *, size_t,
	    size_t *, uint32_t *);
	void (* stop)(struct ss_enclave *);
	int threaded;		/* ss_tee_pipeline() overlaps I/O */
};

/* The process backend. */

static int proc_died(struct ss_enclave *);

/*
 * Copy the enclave image into a memfd and seal it: what runs is fixed.
 * Return the memfd (above the descriptors the enclave's are moved to, 3
 * and 4), or -1.
 */
static int
image_memfd(const char * image)
{
	uint8_t buf[65536];
	int img = -1, mfd = -1, fd, i, sealed;
	ssize_t n;

	if ((img = open(image, O_RDONLY | O_CLOEXEC)) == -1) {
		ss_err_errno("enclave image %s", image);
		goto err;
	}
	if ((mfd = memfd_create("ss-enclave", MFD_CLOEXEC |
	    MFD_ALLOW_SEALING)) == -1) {
		ss_err_errno("memfd_create");
		goto err;
	}
	if (mfd <= SS_CHAN_ARENA_FD) {
		if ((fd = fcntl(mfd, F_DUPFD_CLOEXEC,
		    SS_CHAN_ARENA_FD + 1)) == -1) {
			ss_err_errno("fcntl");
			goto err;
		}
		close(mfd);
		mfd = fd;
	}
	/* In the kernel (sendfile), falling back to read and write. */
	while ((n = sendfile(mfd, img, NULL, 1 << 30)) > 0)
		;
	for (; n != 0;) {
		if ((n = read(img, buf, sizeof(buf))) == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			ss_err_errno("enclave image %s", image);
			goto err;
		}
		if (n > 0 && ss_write_all(mfd, buf, (size_t)n))
			goto err;
	}
	/*
	 * The kernel refuses F_SEAL_WRITE with EBUSY while any page of the
	 * file has a reference it cannot account for; pages just written
	 * may still sit in another CPU's LRU batch for a moment.  Retry.
	 */
	for (i = 0; (sealed = fcntl(mfd, F_ADD_SEALS, F_SEAL_SHRINK |
	    F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL)) == -1 &&
	    errno == EBUSY && i < SEAL_TRIES; i++)
		nanosleep(&(struct timespec){ 0, 2000000 }, NULL);
	if (sealed == -1) {
		ss_err_errno("sealing the enclave image");
		goto err;
	}
	close(img);
	return (mfd);
err:
	if (mfd != -1)
		close(mfd);
	if (img != -1)
		close(img);
	return (-1);
}

/*
 * Make the arena (channel.h): a fixed size, mapped by both sides.
 * Return its memfd, mapped at e->arena, or -1.
 */
static int
make_arena(struct ss_enclave * e)
{
	void * p;
	int afd;

	if ((afd = memfd_create("ss-arena", MFD_CLOEXEC |
	    MFD_ALLOW_SEALING)) == -1) {
		ss_err_errno("memfd_create");
		return (-1);
	}
	if (ftruncate(afd, SS_ARENA_SIZE) || fcntl(afd, F_ADD_SEALS,
	    F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL)) {
		ss_err_errno("making the enclave's arena");
		goto err;
	}
	if ((p = mmap(NULL, SS_ARENA_SIZE, PROT_READ | PROT_WRITE,
	    MAP_SHARED, afd, 0)) == MAP_FAILED) {
		ss_err_errno("mmap");
		goto err;
	}
	e->arena = p;
	return (afd);
err:
	close(afd);
	return (-1);
}

/*
 * Run the image in memfd ${mfd}: its channel on descriptor 3 (our end
 * in e->chan), the arena ${afd} on 4, no environment.
 */
static int
spawn(struct ss_enclave * e, int mfd, int afd)
{
	char * const argv[] = { "ss-enclave", NULL };
	char * const envp[] = { NULL };
	char fdpath[64];
	int sv[2], bufsize = 4 * 1024 * 1024, i, c3, c4;

	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", mfd);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
		ss_err_errno("socketpair");
		return (-1);
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
		close(sv[0]);
		close(sv[1]);
		return (-1);
	case 0:
		/* Out of the way first, in case either is 3 or 4. */
		if ((c3 = fcntl(sv[1], F_DUPFD_CLOEXEC,
		    SS_CHAN_ARENA_FD + 1)) == -1 ||
		    (c4 = fcntl(afd, F_DUPFD_CLOEXEC,
		    SS_CHAN_ARENA_FD + 1)) == -1 ||
		    dup2(c3, SS_CHAN_FD) == -1 ||
		    dup2(c4, SS_CHAN_ARENA_FD) == -1)
			_exit(127);
		fexecve(mfd, argv, envp);
		/* Where execveat(2) is missing (valgrind): the same memfd. */
		execve(fdpath, argv, envp);
		_exit(127);
	default:
		break;
	}
	e->chan = sv[0];
	close(sv[1]);
	return (0);
}

/* Its greeting: it started, and whether it mapped the arena. */
static int
read_hello(struct ss_enclave * e)
{
	struct ss_msg_chan_hello hello;
	uint8_t buf[SS_CHAN_HDR_LEN];

	if (ss_read_all(e->chan, buf, sizeof(buf))) {
		(void)proc_died(e);
		return (-1);
	}
	if (ss_msg_chan_hello_decode(&hello, buf)) {
		ss_err_set(SS_EXIT_SYS, "enclave image %s does not speak "
		    "this host's protocol", e->image);
		return (-1);
	}
	if ((hello.flags & SS_CHAN_ARENA) == 0) {
		munmap(e->arena, SS_ARENA_SIZE);
		e->arena = NULL;
	}
	return (0);
}

static int
proc_start(struct ss_enclave * e)
{
	int mfd = -1, afd = -1, rc = -1;

	if ((mfd = image_memfd(e->image)) == -1 ||
	    (afd = make_arena(e)) == -1 || spawn(e, mfd, afd) ||
	    read_hello(e))
		goto done;
	rc = 0;
done:
	if (afd != -1)
		close(afd);
	if (mfd != -1)
		close(mfd);
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

/* Send a request: ${len} bytes at ${in}, or at arena offset ${off}. */
static int
proc_send(struct ss_enclave * e, uint32_t id, const uint8_t * in,
    size_t len, uint32_t off)
{
	struct ss_msg_chan_hdr m = { id, (uint32_t)len, off };
	uint8_t hdr[SS_CHAN_HDR_LEN];

	if (send_full(e->chan, hdr, ss_msg_chan_hdr_encode(&m, hdr)) ||
	    (off == SS_CHAN_INLINE && send_full(e->chan, in, len))) {
		ss_err_set(SS_EXIT_DATA, "enclave is gone");
		return (-1);
	}
	return (0);
}

/*
 * Receive an answer: its bytes are at ${*out} (our buffer, or the
 * arena's output slots if ${arena_ok}) until proc_release().  Returns -1
 * if the channel ended, -2 on a bad answer.
 */
static int
proc_recv(struct ss_enclave * e, int arena_ok, const uint8_t ** out,
    size_t * outlen, uint32_t * status)
{
	struct ss_msg_chan_hdr m;
	uint8_t hdr[SS_CHAN_HDR_LEN];
	uint32_t len, off;

	if (ss_read_all(e->chan, hdr, sizeof(hdr)))
		return (-1);
	ss_msg_chan_hdr_decode(&m, hdr);
	*status = m.code;
	len = m.len;
	off = m.off;
	if (off != SS_CHAN_INLINE) {
		if (!arena_ok || e->arena == NULL || *status != SS_ECALL_OK ||
		    off < SS_ARENA_OUT || off > SS_ARENA_SIZE ||
		    len > SS_ARENA_SIZE - off) {
			ss_err_set(SS_EXIT_DATA, "enclave sent a bad answer");
			return (-2);
		}
		*out = e->arena + off;
		*outlen = len;
		return (0);
	}
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
	*out = e->out;
	*outlen = len;
	return (0);
}

/* We are done with an answer: the enclave may reuse its output slot. */
static void
proc_release(struct ss_enclave * e)
{

	e->nreleased++;
	if (e->arena != NULL)
		atomic_store_explicit((_Atomic uint64_t *)e->arena,
		    e->nreleased, memory_order_release);
}

static int
proc_call(struct ss_enclave * e, uint32_t id, const uint8_t * in,
    size_t inlen, size_t * outlen, uint32_t * status)
{
	const uint8_t * out;
	int rc;

	if (e->pid == 0) {
		ss_err_set(SS_EXIT_DATA, "enclave is gone");
		return (-1);
	}
	if (proc_send(e, id, in, inlen, SS_CHAN_INLINE) ||
	    (rc = proc_recv(e, 0, &out, outlen, status)) == -1)
		return (proc_died(e));
	/* Inline answers are in our own buffer. */
	proc_release(e);
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
	if (e->arena != NULL)
		munmap(e->arena, SS_ARENA_SIZE);
	e->arena = NULL;
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

	if (e->entry == NULL) {
		ss_err_set(SS_EXIT_SYS, "--tee none: no enclave code in this "
		    "program");
		return (-1);
	}
	return (0);
}

static int
none_call(struct ss_enclave * e, uint32_t id, const uint8_t * in,
    size_t inlen, size_t * outlen, uint32_t * status)
{

	*status = e->entry->call(id, in, inlen, &e->out, &e->outsize,
	    outlen);
	return (0);
}

static void
none_stop(struct ss_enclave * e)
{

	e->entry->reset();
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
ss_tee_check(const char * name)
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
ss_tee_image(void)
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
ss_tee_image_digest(const char * path, uint8_t digest[SS_SHA256_LEN])
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
ss_tee_start(const char * tee, const struct ss_ecall_entry * inprocess)
{
	struct ss_enclave * e;

	if ((e = calloc(1, sizeof(*e))) == NULL) {
		ss_err_errno("calloc");
		return (NULL);
	}
	e->chan = -1;
	e->entry = inprocess;
	if ((e->be = find_backend(tee)) == NULL) {
		ss_err_set(SS_EXIT_SYS, "unknown TEE backend '%s'", tee);
		goto err;
	}
	if ((e->image = ss_tee_image()) == NULL)
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
	ss_tee_stop(e);
	return (NULL);
}

const char *
ss_tee_image_path(const struct ss_enclave * e)
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
ss_tee_call(struct ss_enclave * e, uint32_t id, const uint8_t * in,
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
	int (* next)(void *, uint8_t *, size_t, const uint8_t **, size_t *);
	void * cookie;
	pthread_mutex_t mtx;
	pthread_cond_t cond;
	uint64_t nsent;
	uint64_t nanswered;	/* under mtx: answers that have arrived */
	int failed;		/* next() failed */
	int broken;		/* the channel failed */
	int status;		/* next()'s error */
	char * msg;
};

static void
unlock(void * mtx)
{

	pthread_mutex_unlock(mtx);
}

/*
 * The input slot (channel.h) for request number s->nsent, once the
 * request that last used it has its answer; NULL without an arena.
 */
static uint8_t *
free_slot(struct sender * s)
{
	struct ss_enclave * e = s->e;

	if (e->arena == NULL)
		return (NULL);
	pthread_mutex_lock(&s->mtx);
	pthread_cleanup_push(unlock, &s->mtx);
	while (s->nanswered + SS_ARENA_NIN <= s->nsent)
		pthread_cond_wait(&s->cond, &s->mtx);
	pthread_cleanup_pop(1);
	return (e->arena + SS_ARENA_IN + (s->nsent % SS_ARENA_NIN) *
	    SS_ARENA_SLOT);
}

/*
 * Send request number s->nsent: from its input slot ${slot} (NULL: none),
 * where next() may have built it, copied there if it fits, or inline.
 */
static int
send_request(struct sender * s, uint8_t * slot, const uint8_t * req,
    size_t len)
{
	struct ss_enclave * e = s->e;

	if (slot == NULL || len > SS_ARENA_SLOT)
		return (proc_send(e, s->id, req, len, SS_CHAN_INLINE));
	if (req != slot)
		memcpy(slot, req, len);
	return (proc_send(e, s->id, NULL, len, (uint32_t)(slot - e->arena)));
}

static void *
sender_main(void * cookie)
{
	struct sender * s = cookie;
	const uint8_t * req;
	uint8_t * slot;
	size_t len;
	int rc;

	for (;;) {
		slot = free_slot(s);
		if ((rc = s->next(s->cookie, slot, (slot != NULL) ?
		    SS_ARENA_SLOT : 0, &req, &len)) != 1)
			break;
		if (send_request(s, slot, req, len)) {
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
ss_tee_pipeline(struct ss_enclave * e, uint32_t id,
    int (* next)(void *, uint8_t *, size_t, const uint8_t **, size_t *),
    void * ncookie,
    int (* take)(void *, const uint8_t *, size_t), void * tcookie)
{
	struct sender s;
	pthread_t tid;
	const uint8_t * req, * out;
	uint64_t ntaken = 0;
	uint32_t status;
	size_t len;
	int rc = -1, r, wstatus;

	if (!e->be->threaded) {
		while ((r = next(ncookie, NULL, 0, &req, &len)) == 1) {
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
	if ((r = pthread_mutex_init(&s.mtx, NULL)) != 0 ||
	    (r = pthread_cond_init(&s.cond, NULL)) != 0 ||
	    (r = pthread_create(&tid, NULL, sender_main, &s)) != 0) {
		errno = r;
		ss_err_errno("pthread_create");
		return (-1);
	}
	/* Answers, in order, until the enclave closes the channel. */
	while ((r = proc_recv(e, 1, &out, &len, &status)) == 0) {
		/* Its request's input slot is free again. */
		pthread_mutex_lock(&s.mtx);
		s.nanswered++;
		pthread_cond_signal(&s.cond);
		pthread_mutex_unlock(&s.mtx);
		if (answer(e, status, len) || take(tcookie, out, len))
			break;
		proc_release(e);
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
	/* We stop early; the sender may be waiting for input or a slot. */
	shutdown(e->chan, SHUT_RDWR);
	pthread_cancel(tid);
	pthread_join(tid, NULL);
done:
	pthread_cond_destroy(&s.cond);
	pthread_mutex_destroy(&s.mtx);
	free(s.msg);
	return (rc);
}

long
ss_tee_pid(const struct ss_enclave * e)
{

	return ((long)e->pid);
}

void
ss_tee_stop(struct ss_enclave * e)
{

	if (e == NULL)
		return;
	if (e->be != NULL)
		e->be->stop(e);
	free(e->image);
	free(e->out);
	free(e);
}
