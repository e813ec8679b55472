#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "fdio.h"
#include "io.h"

#define OUTPUT_BUFSIZE	(128 * 1024)

struct ss_output {
	int fd;
	char * path;		/* final path, or NULL for stdout */
	char * tmppath;		/* temporary file, or NULL */
	int tmp_created;	/* mkstemp() made tmppath */
	int slot;		/* index in tmp_slots, or -1 */
	uint8_t * buf;
	size_t buflen;
	int failed;		/* a write failed: refuse to commit */
};

/*
 * Temporary files to remove if a fatal signal arrives.  The handler only
 * reads these slots, and a slot is published (set to a string that stays
 * valid) or cleared with a single store.
 */
#define TMP_SLOTS	256
static char * volatile tmp_slots[TMP_SLOTS];
static int handlers_installed = 0;

static void
tmp_signal_handler(int sig)
{
	size_t i;
	int saved = errno;

	for (i = 0; i < TMP_SLOTS; i++) {
		if (tmp_slots[i] != NULL)
			unlink(tmp_slots[i]);
	}
	signal(sig, SIG_DFL);
	errno = saved;
	raise(sig);
}

static int
tmp_register(char * path)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;
	size_t i;

	if (!handlers_installed) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = tmp_signal_handler;
		sigemptyset(&sa.sa_mask);
		for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
			sigaddset(&sa.sa_mask, sigs[i]);
		for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
			struct sigaction old;

			/* Leave an ignored signal ignored (nohup). */
			if (sigaction(sigs[i], NULL, &old) == 0 &&
			    old.sa_handler == SIG_IGN)
				continue;
			sigaction(sigs[i], &sa, NULL);
		}
		handlers_installed = 1;
	}
	for (i = 0; i < TMP_SLOTS; i++) {
		if (tmp_slots[i] == NULL) {
			tmp_slots[i] = path;
			return ((int)i);
		}
	}
	ss_err_set(SS_EXIT_SYS, "too many open output files");
	return (-1);
}

static void
tmp_unregister(int slot)
{

	if (slot >= 0)
		tmp_slots[slot] = NULL;
}

/*
 * A pipe between two filters moves every byte of a stream: a larger pipe
 * buffer means fewer context switches.  Best effort: the system limit
 * (/proc/sys/fs/pipe-max-size) may refuse it.
 */
static void
pipe_grow(int fd)
{
	struct stat sb;

	if (fstat(fd, &sb) == 0 && S_ISFIFO(sb.st_mode))
		(void)fcntl(fd, F_SETPIPE_SZ, 1024 * 1024);
}

int
ss_stdout_flush(void)
{

	if (fflush(stdout) == EOF || ferror(stdout)) {
		ss_err_errno("stdout");
		return (-1);
	}
	return (0);
}

int
ss_read_small_file(const char * path, uint8_t * buf, size_t max, size_t * len,
    struct stat * sb)
{
	struct stat st;
	ssize_t n;
	int fd;
	int is_stdin = (strcmp(path, "-") == 0);

	if (is_stdin)
		fd = STDIN_FILENO;
	else if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		ss_err_errno("open");
		return (-1);
	}
	if (fstat(fd, &st) == -1) {
		ss_err_errno("fstat");
		goto err;
	}
	if (!is_stdin && !S_ISREG(st.st_mode)) {
		ss_err_set(SS_EXIT_SYS, "not a regular file");
		goto err;
	}
	*len = 0;
	do {
		/* Read into the NUL's place too: a file of max - 1 fits. */
		if (*len == max) {
			ss_err_set(SS_EXIT_SYS, "file too large (over %zu "
			    "bytes)", max - 1);
			goto err;
		}
		n = read(fd, buf + *len, max - *len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			ss_err_errno("read");
			goto err;
		}
		*len += (size_t)n;
	} while (n != 0);
	buf[*len] = '\0';
	if (sb != NULL)
		*sb = st;
	if (!is_stdin)
		close(fd);
	return (0);
err:
	if (!is_stdin)
		close(fd);
	return (-1);
}

struct ss_input *
ss_input_open(const char * path)
{
	struct ss_input * in;
	struct stat sb;

	if ((in = calloc(1, sizeof(*in))) == NULL) {
		ss_err_errno("calloc");
		return (NULL);
	}
	if (path == NULL || strcmp(path, "-") == 0) {
		in->fd = STDIN_FILENO;
		in->name = "stdin";
	} else {
		if ((in->fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
			ss_err_errno("%s", path);
			free(in);
			return (NULL);
		}
		in->name = path;
		in->owned = 1;
	}
	if (fstat(in->fd, &sb) == -1) {
		ss_err_errno("%s", in->name);
		ss_input_close(in);
		return (NULL);
	}
	if (S_ISDIR(sb.st_mode)) {
		ss_err_set(SS_EXIT_SYS, "%s: is a directory", in->name);
		ss_input_close(in);
		return (NULL);
	}
	in->is_regular = S_ISREG(sb.st_mode);
	if (in->is_regular)
		(void)posix_fadvise(in->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	else
		pipe_grow(in->fd);
	return (in);
}

ssize_t
ss_input_read(struct ss_input * in, void * buf, size_t len, int timeout_ms)
{
	struct pollfd pfd;
	ssize_t n;
	int r;

	if (timeout_ms >= 0 && !in->is_regular) {
		pfd.fd = in->fd;
		pfd.events = POLLIN;
		do {
			r = poll(&pfd, 1, timeout_ms);
		} while (r == -1 && errno == EINTR);
		if (r == -1) {
			ss_err_errno("%s: poll", in->name);
			return (-1);
		}
		if (r == 0)
			return (SS_INPUT_TIMEOUT);
	}
	do {
		n = read(in->fd, buf, len > SSIZE_MAX ? SSIZE_MAX : len);
	} while (n == -1 && errno == EINTR);
	if (n == -1)
		ss_err_errno("%s: read", in->name);
	return (n);
}

int
ss_input_idle(const struct ss_input * in, int ms)
{
	struct pollfd pfd = { .fd = in->fd, .events = POLLIN };
	int r;

	if (in->is_regular)
		return (0);
	while ((r = poll(&pfd, 1, ms)) == -1 && errno == EINTR)
		;
	return (r == 0);
}

int
ss_input_read_full(struct ss_input * in, void * buf, size_t len, size_t * got)
{
	uint8_t * p = buf;
	ssize_t n;

	*got = 0;
	while (*got < len) {
		if ((n = ss_input_read(in, p + *got, len - *got, -1)) == -1)
			return (-1);
		if (n == 0)
			break;
		*got += (size_t)n;
	}
	return (0);
}

void
ss_input_close(struct ss_input * in)
{

	if (in == NULL)
		return;
	if (in->owned)
		close(in->fd);
	free(in);
}

/* Make "DIR/.NAME.XXXXXX" for ${path}. */
static char *
tmp_template(const char * path)
{
	const char * slash = strrchr(path, '/');
	size_t dirlen = (slash != NULL) ? (size_t)(slash - path) + 1 : 0;
	const char * base = path + dirlen;
	size_t len = dirlen + 1 + strlen(base) + 8;
	char * t;

	if ((t = malloc(len)) == NULL) {
		ss_err_errno("malloc");
		return (NULL);
	}
	snprintf(t, len, "%.*s.%s.XXXXXX", (int)dirlen, path, base);
	return (t);
}

struct ss_output *
ss_output_open(const char * path, int flags)
{
	struct ss_output * o;
	struct stat sb;
	mode_t mask, mode;
	char * target;

	if ((o = calloc(1, sizeof(*o))) == NULL) {
		ss_err_errno("calloc");
		return (NULL);
	}
	o->fd = -1;
	o->slot = -1;
	if ((o->buf = malloc(OUTPUT_BUFSIZE)) == NULL) {
		ss_err_errno("malloc");
		goto err;
	}

	if (path == NULL || strcmp(path, "-") == 0) {
		if (path == NULL && (flags & SS_OUTPUT_BINARY) &&
		    isatty(STDOUT_FILENO)) {
			ss_err_set(SS_EXIT_SYS, "refusing to write binary "
			    "data to a terminal (redirect it, or use -o -)");
			goto err;
		}
		o->fd = STDOUT_FILENO;
		pipe_grow(o->fd);
		return (o);
	}

	/* Write through a symlink to its target, keeping the link. */
	if (lstat(path, &sb) == 0 && S_ISLNK(sb.st_mode)) {
		if ((target = realpath(path, NULL)) == NULL) {
			ss_err_errno("%s", path);
			goto err;
		}
	} else if ((target = strdup(path)) == NULL) {
		ss_err_errno("strdup");
		goto err;
	}
	o->path = target;

	/* Devices and FIFOs cannot be replaced: write them in place. */
	if (stat(o->path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
		if (S_ISDIR(sb.st_mode)) {
			ss_err_set(SS_EXIT_SYS, "%s: is a directory", path);
			goto err;
		}
		if ((o->fd = open(o->path, O_WRONLY | O_CLOEXEC)) == -1) {
			ss_err_errno("%s", path);
			goto err;
		}
		return (o);
	}

	if ((o->tmppath = tmp_template(o->path)) == NULL)
		goto err;
	if ((o->slot = tmp_register(o->tmppath)) == -1)
		goto err;
	if ((o->fd = mkstemp(o->tmppath)) == -1) {
		ss_err_errno("%s: cannot create temporary file", path);
		goto err;
	}
	o->tmp_created = 1;
	/*
	 * Keep the mode of a file being replaced (a private file stays
	 * private); give a new one the mode open(2) would.
	 */
	if (stat(o->path, &sb) == 0)
		mode = sb.st_mode & 07777;
	else {
		mask = umask(0);
		umask(mask);
		mode = 0666 & ~mask;
	}
	if (fchmod(o->fd, mode) == -1) {
		ss_err_errno("%s: fchmod", path);
		goto err;
	}
	return (o);
err:
	ss_output_abort(o);
	return (NULL);
}

const char *
ss_output_name(const struct ss_output * o)
{

	return (o->path != NULL ? o->path : "stdout");
}

int
ss_output_flush(struct ss_output * o)
{

	if (o->failed) {
		ss_err_set(SS_EXIT_SYS, "%s: earlier write failed",
		    ss_output_name(o));
		return (-1);
	}
	if (o->buflen == 0)
		return (0);
	if (ss_write_all(o->fd, o->buf, o->buflen)) {
		o->failed = 1;
		ss_err_prefix("%s", ss_output_name(o));
		return (-1);
	}
	o->buflen = 0;
	return (0);
}

int
ss_output_write(struct ss_output * o, const void * buf, size_t len)
{

	if (len <= OUTPUT_BUFSIZE - o->buflen) {
		memcpy(o->buf + o->buflen, buf, len);
		o->buflen += len;
		return (0);
	}
	if (ss_output_flush(o))
		return (-1);
	if (len < OUTPUT_BUFSIZE) {
		memcpy(o->buf, buf, len);
		o->buflen = len;
		return (0);
	}
	if (ss_write_all(o->fd, buf, len)) {
		o->failed = 1;
		ss_err_prefix("%s", ss_output_name(o));
		return (-1);
	}
	return (0);
}

int
ss_output_commit(struct ss_output * o)
{
	int rc = -1;

	if (ss_output_flush(o))
		goto done;
	if (o->tmppath != NULL) {
		if (fsync(o->fd) == -1) {
			ss_err_errno("%s: fsync", o->path);
			goto done;
		}
		if (close(o->fd) == -1) {
			o->fd = -1;
			ss_err_errno("%s: close", o->path);
			goto done;
		}
		o->fd = -1;
		if (rename(o->tmppath, o->path) == -1) {
			ss_err_errno("%s: rename", o->path);
			goto done;
		}
		o->tmp_created = 0;
		tmp_unregister(o->slot);
		o->slot = -1;
		free(o->tmppath);
		o->tmppath = NULL;
	} else if (o->path != NULL) {
		if (close(o->fd) == -1) {
			o->fd = -1;
			ss_err_errno("%s: close", o->path);
			goto done;
		}
		o->fd = -1;
	} else if (close(STDOUT_FILENO) == -1 && errno != EBADF) {
		/*
		 * Nothing is written to stdout after the commit; closing it
		 * here reports a deferred write error (NFS, quota) instead
		 * of losing it at exit.
		 */
		o->fd = -1;
		ss_err_errno("stdout");
		goto done;
	} else
		o->fd = -1;
	rc = 0;
done:
	if (rc == 0)
		ss_output_abort(o);
	else {
		o->failed = 1;
		ss_output_abort(o);
	}
	return (rc);
}

void
ss_output_abort(struct ss_output * o)
{

	if (o == NULL)
		return;
	/* Only a temporary file that mkstemp() created is ours to remove. */
	if (o->tmp_created)
		unlink(o->tmppath);
	tmp_unregister(o->slot);
	free(o->tmppath);
	if (o->fd != -1 && o->fd != STDOUT_FILENO)
		close(o->fd);
	free(o->path);
	free(o->buf);
	free(o);
}

int
ss_read_file(const char * path, size_t max, uint8_t ** buf, size_t * len)
{
	struct stat st;
	uint8_t * b = NULL, * nb;
	size_t size, n = 0;
	ssize_t r;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		ss_err_errno("open");
		return (-1);
	}
	if (fstat(fd, &st) == -1) {
		ss_err_errno("fstat");
		goto err;
	}
	if (!S_ISREG(st.st_mode)) {
		ss_err_set(SS_EXIT_SYS, "not a regular file");
		goto err;
	}
	/*
	 * Room for the file, one byte more (to see a file over ${max}) and
	 * a NUL; the size is only a hint, the file may change as we read.
	 */
	size = (((uintmax_t)st.st_size < max) ? (size_t)st.st_size : max) + 2;
	for (;;) {
		if (b == NULL || n + 1 == size) {
			if (b != NULL)
				size = (size - 2 > max / 2) ? max + 2 : size * 2;
			if ((nb = realloc(b, size)) == NULL) {
				ss_err_errno("realloc");
				goto err;
			}
			b = nb;
		}
		if ((r = read(fd, b + n, size - 1 - n)) == -1) {
			if (errno == EINTR)
				continue;
			ss_err_errno("read");
			goto err;
		}
		if (r == 0)
			break;
		if ((n += (size_t)r) > max) {
			ss_err_set(SS_EXIT_SYS, "file too large (over %zu "
			    "bytes)", max);
			goto err;
		}
	}
	b[n] = '\0';
	close(fd);
	*buf = b;
	*len = n;
	return (0);
err:
	free(b);
	close(fd);
	return (-1);
}
