#ifndef SS_FDIO_H
#define SS_FDIO_H

#include <stddef.h>

/**
 * ss_write_all(fd, buf, len):
 * Write all of ${buf} to ${fd}, retrying short writes and EINTR.
 */
int ss_write_all(int, const void *, size_t);

/**
 * ss_read_all(fd, buf, len):
 * Read exactly ${len} bytes from ${fd}, retrying short reads and EINTR;
 * end of file before that is an error ("unexpected end of file").
 */
int ss_read_all(int, void *, size_t);

#endif /* !SS_FDIO_H */
