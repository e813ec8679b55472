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
 * ss_platform_init(dir, tee, pk):
 * Create the platform ${dir} of kind ${tee} (SS_TEE_SOFTWARE, SS_TEE_SNP
 * or SS_TEE_TDX) with fresh secrets; a software platform's attestation
 * public key goes in ${pk}.  An existing ${dir} is never touched.
 */
int ss_platform_init(const char *, int, uint8_t[SS_KEY_LEN]);

/**
 * ss_platform_tee(dir, tee):
 * The kind of the platform at ${dir}: SS_TEE_SOFTWARE, SS_TEE_SNP or
 * SS_TEE_TDX.  No platform there is an error that says how to make one.
 */
int ss_platform_tee(const char *, int *);

/**
 * ss_platform_key_decode(pk, text):
 * Parse an "ssplat1-..." platform key, or the name of a file holding one.
 */
int ss_platform_key_decode(uint8_t[SS_KEY_LEN], const char *);

#endif /* !SS_PLATFORM_DIR_H */
