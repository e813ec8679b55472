#ifndef SS_PLATFORM_H
#define SS_PLATFORM_H

/*
 * The software platform: a directory (mode 0700) standing in for what an
 * SGX CPU holds in hardware.  It contains
 *
 *	seal.key	"SS-PLATFORM-SEAL-1-...": the sealing root secret
 *	attest.key	"SS-PLATFORM-ATTEST-1-...": the Ed25519 seed of the
 *			attestation key
 *	attest.pub	"ssplat1-...": the attestation public key
 *
 * Both secrets are 0600 and read only by enclaves (enclave/ecall.c, keys.c);
 * the host passes the directory's path, never its contents.
 */

#include <stdint.h>

#include "key.h"

#define SS_PLATFORM_SEAL_FILE	"seal.key"
#define SS_PLATFORM_ATTEST_FILE	"attest.key"
#define SS_PLATFORM_PUB_FILE	"attest.pub"
#define SS_PLATFORM_SEAL_PREFIX	"SS-PLATFORM-SEAL-1-"
#define SS_PLATFORM_ATTEST_PREFIX "SS-PLATFORM-ATTEST-1-"
#define SS_PLATFORM_TEXT_MAX	80

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

#endif /* !SS_PLATFORM_H */
