#ifndef SS_ENCLAVE_SEAL_H
#define SS_ENCLAVE_SEAL_H

/*
 * Sealing: a stage's secret key, encrypted so that only an enclave with
 * the same measurement on the same platform (its sealing root) can open
 * it again.
 *
 * A sealed identity (integers big-endian):
 *	magic[8] = "ssseal1\n"
 *	image_digest[32] program_digest[32]	in clear, to say why an
 *						unseal fails
 *	nonce[12] secret_key[32] tag[16]	AES-256-GCM under
 *	    HKDF(seal_root, measurement, "securestreams/1 seal")
 */

#include <stddef.h>
#include <stdint.h>

#include "crypt.h"
#include "key.h"

#define SS_SEALED_MAGIC		"ssseal1\n"
#define SS_SEALED_LEN		(8 + 2 * SS_SHA256_LEN + SS_AEAD_NONCE_LEN + \
				    SS_KEY_LEN + SS_AEAD_TAG_LEN)

/**
 * ss_seal(blob, root, image_digest, program_digest, sk):
 * Seal the secret key ${sk} for this measurement into ${blob}.
 */
int ss_seal(uint8_t[SS_SEALED_LEN], const uint8_t *, const uint8_t *,
    const uint8_t *, const uint8_t *);

/**
 * ss_unseal(sk, blob, len, root, image_digest, program_digest):
 * Open a sealed identity into ${sk} (guarded), saying why if it cannot
 * be opened (SS_EXIT_DATA).
 */
int ss_unseal(uint8_t *, const uint8_t *, size_t, const uint8_t *,
    const uint8_t *, const uint8_t *);

#endif /* !SS_ENCLAVE_SEAL_H */
