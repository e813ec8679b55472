#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "fdio.h"
#include "io.h"
#include "sink.h"

#define CMD_BUFSIZE	(128 * 1024)

struct ss_sink {
	char * name;			/* "|cmd" or the path */
	struct ss_output * out;		/* a file, or NULL */
	pid_t pid;			/* a command, or 0 */
	int fd;				/* its standard input */
	uint8_t * buf;
	size_t buflen;
};

/* Is ${path} an existing terminal? */
static int
is_terminal(const char * path)
{
	struct stat sb;
	int fd, tty;

	if (stat(path, &sb) != 0 || !S_ISCHR(sb.st_mode))
		return (0);
	if ((fd = open(path, O_WRONLY | O_NOCTTY | O_NONBLOCK |
	    O_CLOEXEC)) == -1)
		return (0);
	tty = isatty(fd);
	close(fd);
	return (tty);
}

/*
 * Start "/bin/sh -c cmd" with its standard input a pipe from us and
 * SS_PARTITION=${k} in its environment.  posix_spawn(3), not fork(2): the
 * host has other threads, and a forked child of a threaded process may
 * call only async-signal-safe functions (no setenv, no malloc).
 */
static int
start_command(struct ss_sink * s, const char * cmd, size_t k)
{
	extern char ** environ;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t def;
	char part[48];
	char * argv[] = { "sh", "-c", (char *)cmd, NULL };
	char ** envp;
	size_t n, i, j;
	int p[2], rc;

	snprintf(part, sizeof(part), "SS_PARTITION=%zu", k);
	for (n = 0; environ[n] != NULL; n++)
		;
	if ((envp = calloc(n + 2, sizeof(*envp))) == NULL) {
		ss_err_errno("calloc");
		return (-1);
	}
	for (i = j = 0; i < n; i++)
		if (strncmp(environ[i], "SS_PARTITION=", 13) != 0)
			envp[j++] = environ[i];
	envp[j] = part;
	if (pipe2(p, O_CLOEXEC) == -1) {
		ss_err_errno("pipe");
		free(envp);
		return (-1);
	}
	/* The command gets SIGPIPE as any command does. */
	sigemptyset(&def);
	sigaddset(&def, SIGPIPE);
	if ((rc = posix_spawn_file_actions_init(&fa)) == 0) {
		if ((rc = posix_spawnattr_init(&attr)) == 0) {
			if ((rc = posix_spawn_file_actions_adddup2(&fa, p[0],
			    STDIN_FILENO)) == 0 &&
			    (rc = posix_spawnattr_setsigdefault(&attr,
			    &def)) == 0 && (rc = posix_spawnattr_setflags(
			    &attr, POSIX_SPAWN_SETSIGDEF)) == 0)
				rc = posix_spawn(&s->pid, "/bin/sh", &fa,
				    &attr, argv, envp);
			posix_spawnattr_destroy(&attr);
		}
		posix_spawn_file_actions_destroy(&fa);
	}
	free(envp);
	if (rc != 0) {
		errno = rc;
		ss_err_errno("posix_spawn");
		s->pid = 0;
		close(p[0]);
		close(p[1]);
		return (-1);
	}
	close(p[0]);
	s->fd = p[1];
	return (0);
}

struct ss_sink *
ss_sink_open(const char * dest, size_t k)
{
	struct ss_sink * s;

	/* Writes to a command that went away fail with EPIPE. */
	signal(SIGPIPE, SIG_IGN);
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		ss_err_errno("calloc");
		return (NULL);
	}
	s->fd = -1;
	if ((s->name = strdup(dest)) == NULL) {
		ss_err_errno("strdup");
		goto err;
	}
	if (dest[0] == '|') {
		if (dest[1] == '\0') {
			ss_err_set(SS_EXIT_SYS, "|: no command");
			goto err;
		}
		if ((s->buf = malloc(CMD_BUFSIZE)) == NULL) {
			ss_err_errno("malloc");
			goto err;
		}
		if (start_command(s, dest + 1, k)) {
			ss_err_prefix("%s", dest);
			goto err;
		}
		return (s);
	}
	if (is_terminal(dest)) {
		ss_err_set(SS_EXIT_SYS, "%s: refusing to write binary data "
		    "to a terminal", dest);
		goto err;
	}
	if ((s->out = ss_output_open(dest, 0)) == NULL)
		goto err;
	return (s);
err:
	ss_sink_abort(s);
	return (NULL);
}

const char *
ss_sink_name(const struct ss_sink * s)
{

	return (s->name);
}

/* Wait for the command; say how it ended if that was not success. */
static int
reap(struct ss_sink * s, int reading)
{
	int status;
	pid_t r;

	if (s->pid == 0)
		return (0);
	while ((r = waitpid(s->pid, &status, 0)) == -1 && errno == EINTR)
		;
	s->pid = 0;
	if (r == -1) {
		ss_err_errno("%s: waitpid", s->name);
		return (-1);
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		if (!reading)
			return (0);
		ss_err_set(SS_EXIT_SYS, "%s: the command stopped reading its "
		    "input", s->name);
	} else if (WIFEXITED(status))
		ss_err_set(SS_EXIT_SYS, "%s: the command exited with status "
		    "%d", s->name, WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		ss_err_set(SS_EXIT_SYS, "%s: the command was killed by signal "
		    "%d (%s)", s->name, WTERMSIG(status),
		    strsignal(WTERMSIG(status)));
	else
		ss_err_set(SS_EXIT_SYS, "%s: the command failed", s->name);
	return (-1);
}

/* Write to a command; if it went away, say how it ended. */
static int
cmd_write(struct ss_sink * s, const void * buf, size_t len)
{

	if (s->fd == -1) {
		ss_err_set(SS_EXIT_SYS, "%s: earlier write failed", s->name);
		return (-1);
	}
	if (ss_write_all(s->fd, buf, len) == 0)
		return (0);
	if (errno == EPIPE) {
		close(s->fd);
		s->fd = -1;
		(void)reap(s, 1);
		return (-1);
	}
	ss_err_prefix("%s", s->name);
	return (-1);
}

int
ss_sink_flush(struct ss_sink * s)
{
	int rc;

	if (s->out != NULL)
		return (ss_output_flush(s->out));
	if (s->buflen == 0)
		return (0);
	rc = cmd_write(s, s->buf, s->buflen);
	s->buflen = 0;
	return (rc);
}

int
ss_sink_write(struct ss_sink * s, const void * buf, size_t len)
{

	if (s->out != NULL)
		return (ss_output_write(s->out, buf, len));
	if (len <= CMD_BUFSIZE - s->buflen) {
		memcpy(s->buf + s->buflen, buf, len);
		s->buflen += len;
		return (0);
	}
	if (ss_sink_flush(s))
		return (-1);
	if (len < CMD_BUFSIZE) {
		memcpy(s->buf, buf, len);
		s->buflen = len;
		return (0);
	}
	return (cmd_write(s, buf, len));
}

int
ss_sink_close(struct ss_sink * s)
{

	if (s->out != NULL)
		return (ss_output_flush(s->out));
	if (ss_sink_flush(s))
		return (-1);
	if (close(s->fd) == -1) {
		s->fd = -1;
		ss_err_errno("%s: close", s->name);
		return (-1);
	}
	s->fd = -1;
	return (reap(s, 0));
}

int
ss_sink_commit(struct ss_sink * s)
{
	int rc = 0;

	if (s->out != NULL) {
		rc = ss_output_commit(s->out);
		s->out = NULL;
	}
	ss_sink_abort(s);
	return (rc);
}

void
ss_sink_abort(struct ss_sink * s)
{
	int status;

	if (s == NULL)
		return;
	ss_output_abort(s->out);
	if (s->fd != -1)
		close(s->fd);
	/* It sees a truncated stream and says so; do not leave a zombie. */
	if (s->pid != 0)
		while (waitpid(s->pid, &status, 0) == -1 && errno == EINTR)
			;
	free(s->buf);
	free(s->name);
	free(s);
}
