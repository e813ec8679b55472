#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "key.h"
#include "secret_file.h"

int
ss_secret_file_open(struct ss_secret_file * sf, const char * path,
    int private)
{
	struct stat sb;

	sf->fd = -1;
	if ((sf->name = strdup(path)) == NULL) {
		ss_err_errno("strdup");
		return (-1);
	}
	if ((sf->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		ss_err_errno("%s", path);
		goto err;
	}
	if (fstat(sf->fd, &sb)) {
		ss_err_errno("%s", path);
		goto err;
	}
	if (!S_ISREG(sb.st_mode)) {
		ss_err_set(SS_EXIT_SYS, "%s: not a regular file", path);
		goto err;
	}
	if (private && (sb.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
		ss_err_set(SS_EXIT_SYS, "%s: permissions %04o are too open "
		    "for a secret key (chmod 600 %s)", path,
		    (unsigned)(sb.st_mode & 07777), path);
		goto err;
	}
	return (0);
err:
	ss_secret_file_close(sf);
	return (-1);
}

int
ss_secret_file_read(struct ss_secret_file * sf, uint8_t * buf, size_t * len)
{
	ssize_t n;

	*len = 0;
	for (;;) {
		if (*len == SS_SECRET_FILE_MAX - 1) {
			ss_err_set(SS_EXIT_SYS, "%s: file too large", sf->name);
			return (-1);
		}
		n = read(sf->fd, buf + *len, SS_SECRET_FILE_MAX - 1 - *len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			ss_err_errno("%s", sf->name);
			return (-1);
		}
		if (n == 0)
			break;
		*len += (size_t)n;
	}
	buf[*len] = '\0';
	close(sf->fd);
	sf->fd = -1;
	return (0);
}

void
ss_secret_file_close(struct ss_secret_file * sf)
{

	if (sf->fd != -1)
		close(sf->fd);
	sf->fd = -1;
	free(sf->name);
	sf->name = NULL;
}

/* Decode the first key line of a key file's text. */
static int
decode_key_line(uint8_t * key, const char * buf, size_t len,
    const char * prefix, const char * kind)
{
	const char * nl;
	size_t linelen;

	/* Skip comments and blank lines; the key is the first other line. */
	while (len > 0) {
		nl = memchr(buf, '\n', len);
		linelen = (nl != NULL) ? (size_t)(nl - buf) : len;
		if (linelen > 0 && buf[linelen - 1] == '\r')
			linelen--;
		if (linelen > 0 && buf[0] != '#')
			return (ss_key_decode_named(key, buf, linelen,
			    prefix, kind));
		if (nl == NULL)
			break;
		len -= (size_t)(nl - buf) + 1;
		buf = nl + 1;
	}
	ss_err_set(SS_EXIT_SYS, "no %s in file", kind);
	return (-1);
}


int
ss_secret_file_read_key(struct ss_secret_file * sf, uint8_t * buf,
    uint8_t * key, const char * prefix, const char * kind)
{
	size_t len;

	if (ss_secret_file_read(sf, buf, &len))
		return (-1);
	if (decode_key_line(key, (const char *)buf, len, prefix, kind)) {
		ss_err_prefix("%s", sf->name);
		return (-1);
	}
	return (0);
}
