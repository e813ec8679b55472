#ifndef SS_CRYPT_H
#define SS_CRYPT_H

/*
 * Symmetric primitives through OpenSSL EVP: SHA-256, HMAC-SHA-256,
 * HKDF-SHA-256 and AES-256-GCM.  Every function records an ss_err message
 * on failure.
 */

#include <stddef.h>
#include <stdint.h>

#define SS_SHA256_LEN	32
#define SS_SHA512_LEN	64
#define SS_AEAD_KEY_LEN	32
#define SS_AEAD_NONCE_LEN 12
#define SS_AEAD_TAG_LEN	16

/**
 * ss_sha256(out, buf, len):
 * Write SHA-256(${buf}[0 .. ${len})) to ${out}.
 */
int ss_sha256(uint8_t[SS_SHA256_LEN], const void *, size_t);

/**
 * ss_sha512(out, buf, len):
 * Write SHA-512(${buf}[0 .. ${len})) to ${out}.
 */
int ss_sha512(uint8_t[SS_SHA512_LEN], const void *, size_t);

/**
 * ss_sha256_fd(out, fd, name):
 * Write SHA-256 of everything ${fd} holds from offset 0 (read with
 * pread) to ${out}; errors name ${name}.
 */
int ss_sha256_fd(uint8_t[SS_SHA256_LEN], int, const char *);

/**
 * ss_hmac_sha256(out, key, keylen, buf, len):
 * Write HMAC-SHA-256 of ${buf} under ${key} to ${out}.
 */
int ss_hmac_sha256(uint8_t[SS_SHA256_LEN], const uint8_t *, size_t,
    const void *, size_t);

/**
 * ss_hkdf_sha256(out, outlen, ikm, ikmlen, salt, saltlen, info):
 * RFC 5869 HKDF-SHA-256 of ${ikm} with ${salt} (may be empty) and the
 * NUL-terminated label ${info}, writing ${outlen} bytes to ${out}.
 */
int ss_hkdf_sha256(uint8_t *, size_t, const uint8_t *, size_t,
    const uint8_t *, size_t, const char *);

/* An AES-256-GCM key schedule, set up once and used for many chunks. */
struct ss_aead;

/**
 * ss_aead_new(key):
 * Return an AES-256-GCM context keyed with ${key}.  The caller may wipe
 * ${key} afterwards; OpenSSL wipes its copy in ss_aead_free().
 */
struct ss_aead * ss_aead_new(const uint8_t[SS_AEAD_KEY_LEN]);

/**
 * ss_aead_seal(a, nonce, pt, len, ct, tag):
 * Encrypt ${len} bytes from ${pt} into ${ct} (which may equal ${pt}) and
 * write the tag to ${tag}.
 */
int ss_aead_seal(struct ss_aead *, const uint8_t[SS_AEAD_NONCE_LEN],
    const uint8_t *, size_t, uint8_t *, uint8_t[SS_AEAD_TAG_LEN]);

/**
 * ss_aead_open(a, nonce, ct, len, tag, pt):
 * Decrypt ${len} bytes from ${ct} into ${pt} and check ${tag}.  Return 0
 * if authentic; otherwise return -1 with ${pt} wiped and an
 * SS_EXIT_DATA error "authentication failed" recorded.
 */
int ss_aead_open(struct ss_aead *, const uint8_t[SS_AEAD_NONCE_LEN],
    const uint8_t *, size_t, const uint8_t[SS_AEAD_TAG_LEN], uint8_t *);

/**
 * ss_aead_free(a):
 * Free ${a}, wiping its key schedule.  NULL is allowed.
 */
void ss_aead_free(struct ss_aead *);

#endif /* !SS_CRYPT_H */
