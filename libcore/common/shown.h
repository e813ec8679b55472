#ifndef SS_SHOWN_H
#define SS_SHOWN_H

/*
 * Bytes from the input (a name, a key, a parser's message) as shown in an
 * error message: one line of printable text, cut short if long.
 */

#include <stddef.h>

/* How ss_shown() shows bytes (flags). */
#define SS_SHOWN_UTF8	1	/* bytes from 0x80 only in valid UTF-8 */
#define SS_SHOWN_QUOTED	2	/* '"' and '\' escaped, for "..." */

/**
 * ss_shown(buf, size, p, len, max, flags):
 * Write the ${len} bytes ${p} as shown in a message into ${buf} of
 * ${size} bytes (at least 9), and return ${buf}: at most ${max} of them,
 * as many as fit, with "..." after them if not all do.  Control bytes
 * (below 0x20, and 0x7f) are written as \xNN; bytes from 0x80 as they
 * are, or with SS_SHOWN_UTF8 only within valid UTF-8 and else as \xNN;
 * with SS_SHOWN_QUOTED, '"' and '\' after a backslash.
 */
const char * ss_shown(char *, size_t, const void *, size_t, size_t, int);

#endif /* !SS_SHOWN_H */
