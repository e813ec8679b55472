/*
 * Bytes as shown in messages (shown.h).
 */

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "shown.h"
#include "utf8.h"

const char *
ss_shown(char * buf, size_t size, const void * pp, size_t len, size_t max,
    int flags)
{
	const uint8_t * p = pp;
	size_t i, n = 0, k;

	for (i = 0; i < len && i < max && n + 8 < size; i++) {
		if (p[i] >= 0x80 && (flags & SS_SHOWN_UTF8) &&
		    (k = ss_utf8_len(p + i, len - i)) > 0) {
			memcpy(buf + n, p + i, k);
			n += k;
			i += k - 1;
		} else if (p[i] < 0x20 || p[i] == 0x7f ||
		    (p[i] >= 0x80 && (flags & SS_SHOWN_UTF8)))
			n += (size_t)snprintf(buf + n, size - n, "\\x%02x",
			    p[i]);
		else if ((flags & SS_SHOWN_QUOTED) && (p[i] == '"' ||
		    p[i] == '\\')) {
			buf[n++] = '\\';
			buf[n++] = (char)p[i];
		} else
			buf[n++] = (char)p[i];
	}
	if (i < len && n + 4 < size) {
		memcpy(buf + n, "...", 3);
		n += 3;
	}
	buf[n] = '\0';
	return (buf);
}
