#ifndef SS_UTF8_H
#define SS_UTF8_H

#include <stddef.h>
#include <stdint.h>

/**
 * ss_utf8_len(s, len):
 * The length of the valid UTF-8 sequence of two to four bytes at the
 * start of the ${len} bytes ${s} (at least 1), or 0 if there is none
 * (RFC 3629: no overlong forms, surrogates, or values past U+10FFFF).
 */
size_t ss_utf8_len(const uint8_t *, size_t);

#endif /* !SS_UTF8_H */
