#ifndef SS_ENCLAVE_KEYS_H
#define SS_ENCLAVE_KEYS_H

/*
 * Key material inside the enclave: key files are opened before the
 * enclave locks down and read after, so that the lockdown can allow
 * reading exactly those descriptors; the platform's secrets; and sealing.
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
#define SS_KEYFILE_MAX		65536

struct ss_keyfile {
	int fd;
	char * name;
};

/**
 * ss_keyfile_open(kf, path, private):
 * Open ${path} for a later ss_keyfile_read().  With ${private}, a file
 * that group or others may access is refused.
 */
int ss_keyfile_open(struct ss_keyfile *, const char *, int);

/**
 * ss_keyfile_read(kf, buf, len):
 * Read the whole file into ${buf} (guarded, SS_KEYFILE_MAX bytes),
 * NUL-terminated, and close it.
 */
int ss_keyfile_read(struct ss_keyfile *, uint8_t *, size_t *);

/**
 * ss_keyfile_close(kf):
 * Close ${kf} if it is open.
 */
void ss_keyfile_close(struct ss_keyfile *);

/**
 * ss_keys_decode_line(key, buf, len, prefix, kind):
 * Decode the first key line of a key file's text.
 */
int ss_keys_decode_line(uint8_t *, const char *, size_t, const char *,
    const char *);

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

#endif /* !SS_ENCLAVE_KEYS_H */
