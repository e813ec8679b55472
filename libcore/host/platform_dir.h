#ifndef SS_PLATFORM_DIR_H
#define SS_PLATFORM_DIR_H

/*
 * The software platform's directory (its layout: platform.h): where it
 * is, making it (ss-attest platform-init), and reading its public key.
 */

#include <stdint.h>

#include "key.h"

/**
 * ss_platform_dir(void):
 * The platform directory: $SS_PLATFORM; else /var/lib/ss-platform for
 * root; else $XDG_DATA_HOME/ss-platform, $XDG_DATA_HOME defaulting to
 * ~/.local/share.  Returns a new string (free() it).
 */
char * ss_platform_dir(void);

/**
 * ss_platform_init(dir, pk):
 * Create the platform ${dir} with fresh secrets and store its attestation
 * public key in ${pk}.  An existing ${dir} is never touched.
 */
int ss_platform_init(const char *, uint8_t[SS_KEY_LEN]);

/**
 * ss_platform_key_decode(pk, text):
 * Parse an "ssplat1-..." platform key, or the name of a file holding one.
 */
int ss_platform_key_decode(uint8_t[SS_KEY_LEN], const char *);

#endif /* !SS_PLATFORM_DIR_H */
