/*
 * Whole reads and writes on a descriptor: the channel between a host and
 * its enclave (both sides), and the host's files.
 */

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <unistd.h>

#include "err.h"
#include "fdio.h"

int
ss_write_all(int fd, const void * buf, size_t len)
{
	const uint8_t * p = buf;
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, p, len > SSIZE_MAX ? SSIZE_MAX : len)) ==
		    -1) {
			if (errno == EINTR)
				continue;
			ss_err_errno("write");
			return (-1);
		}
		p += n;
		len -= (size_t)n;
	}
	return (0);
}

int
ss_read_all(int fd, void * buf, size_t len)
{
	uint8_t * p = buf;
	ssize_t n;

	while (len > 0) {
		if ((n = read(fd, p, len > SSIZE_MAX ? SSIZE_MAX : len)) ==
		    -1) {
			if (errno == EINTR)
				continue;
			ss_err_errno("read");
			return (-1);
		}
		if (n == 0) {
			ss_err_set(SS_EXIT_SYS, "unexpected end of file");
			return (-1);
		}
		p += n;
		len -= (size_t)n;
	}
	return (0);
}
