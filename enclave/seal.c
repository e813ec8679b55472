#include <string.h>

#include <sodium.h>

#include "err.h"
#include "program.h"
#include "seal.h"

#define LABEL_SEAL	"securestreams/1 seal"
#define MAGIC_LEN	8

/* Derive the sealing key for a measurement. */
static int
seal_key(uint8_t * key, const uint8_t * root, const uint8_t * image_digest,
    const uint8_t * program_digest)
{
	uint8_t m[SS_SHA256_LEN];

	if (ss_measurement(m, image_digest, program_digest))
		return (-1);
	return (ss_hkdf_sha256(key, SS_AEAD_KEY_LEN, root, SS_KEY_LEN, m,
	    sizeof(m), LABEL_SEAL));
}

int
ss_seal(uint8_t blob[SS_SEALED_LEN], const uint8_t * root,
    const uint8_t * image_digest, const uint8_t * program_digest,
    const uint8_t * sk)
{
	uint8_t * key;
	struct ss_aead * a = NULL;
	uint8_t * p = blob;
	int rc = -1;

	if ((key = sodium_malloc(SS_AEAD_KEY_LEN)) == NULL) {
		ss_err_errno("sodium_malloc");
		return (-1);
	}
	memcpy(p, SS_SEALED_MAGIC, MAGIC_LEN);
	p += MAGIC_LEN;
	memcpy(p, image_digest, SS_SHA256_LEN);
	p += SS_SHA256_LEN;
	memcpy(p, program_digest, SS_SHA256_LEN);
	p += SS_SHA256_LEN;
	randombytes_buf(p, SS_AEAD_NONCE_LEN);
	if (seal_key(key, root, image_digest, program_digest) ||
	    (a = ss_aead_new(key)) == NULL)
		goto done;
	rc = ss_aead_seal(a, p, sk, SS_KEY_LEN, p + SS_AEAD_NONCE_LEN,
	    p + SS_AEAD_NONCE_LEN + SS_KEY_LEN);
done:
	ss_aead_free(a);
	sodium_free(key);
	return (rc);
}

int
ss_unseal(uint8_t * sk, const uint8_t * blob, size_t len,
    const uint8_t * root, const uint8_t * image_digest,
    const uint8_t * program_digest)
{
	const uint8_t * p = blob + MAGIC_LEN;
	uint8_t * key;
	struct ss_aead * a = NULL;
	int rc = -1;

	if (len != SS_SEALED_LEN ||
	    memcmp(blob, SS_SEALED_MAGIC, MAGIC_LEN) != 0) {
		ss_err_set(SS_EXIT_DATA, "not a sealed stage identity");
		return (-1);
	}
	if (memcmp(p + SS_SHA256_LEN, program_digest, SS_SHA256_LEN) != 0) {
		ss_err_set(SS_EXIT_DATA, "sealed for another program (the "
		    "stage's arguments or output recipients differ)");
		return (-1);
	}
	if (memcmp(p, image_digest, SS_SHA256_LEN) != 0) {
		ss_err_set(SS_EXIT_DATA, "sealed for another enclave image");
		return (-1);
	}
	p += 2 * SS_SHA256_LEN;
	if ((key = sodium_malloc(SS_AEAD_KEY_LEN)) == NULL) {
		ss_err_errno("sodium_malloc");
		return (-1);
	}
	if (seal_key(key, root, image_digest, program_digest) ||
	    (a = ss_aead_new(key)) == NULL)
		goto done;
	if (ss_aead_open(a, p, p + SS_AEAD_NONCE_LEN, SS_KEY_LEN,
	    p + SS_AEAD_NONCE_LEN + SS_KEY_LEN, sk)) {
		ss_err_set(SS_EXIT_DATA, "does not unseal: sealed on another "
		    "platform, or changed since");
		goto done;
	}
	rc = 0;
done:
	ss_aead_free(a);
	sodium_free(key);
	return (rc);
}
