#ifndef SS_FRAME_H
#define SS_FRAME_H

/*
 * The securestreams wire format, version 1 (see ss-format(5)).
 *
 * Header:
 *	magic[8] = 89 53 53 46 0d 0a 1a 0a ("\x89SSF\r\n\x1a\n")
 *	version[1] = 1, suite[1] = 1 (X25519, HKDF-SHA-256, AES-256-GCM)
 *	nrecipients[2] (big-endian, 1 .. SS_RECIPIENTS_MAX)
 *	salt[16]
 *	nrecipients stanzas: ephemeral_pk[32] wrapped_file_key[32] tag[16]
 *	mac[32] = HMAC-SHA-256(HKDF(file_key, "", "securestreams/1 header"),
 *	    all header bytes before the mac)
 *
 * Body: chunks, each
 *	prefix[4] = big-endian (final << 31 | length)
 *	ciphertext[length] tag[16]
 * sealed with AES-256-GCM under
 *	payload_key = HKDF(file_key, salt, "securestreams/1 payload")
 * and nonce = 11-byte big-endian chunk counter || final (0 or 1).
 *
 * These functions work on buffers only; they do no I/O.
 */

#include <stddef.h>
#include <stdint.h>

#include "crypt.h"
#include "key.h"

#define SS_MAGIC		"\x89SSF\r\n\x1a\n"
#define SS_MAGIC_LEN		8
#define SS_FORMAT_VERSION	1
#define SS_SUITE_V1		1
#define SS_FILE_KEY_LEN		32
#define SS_SALT_LEN		16
#define SS_HEADER_FIXED_LEN	(SS_MAGIC_LEN + 4 + SS_SALT_LEN)
#define SS_STANZA_LEN		(SS_KEY_LEN + SS_FILE_KEY_LEN + SS_AEAD_TAG_LEN)
#define SS_HEADER_MAC_LEN	32
#define SS_HEADER_LEN(n)	\
	(SS_HEADER_FIXED_LEN + (size_t)(n) * SS_STANZA_LEN + SS_HEADER_MAC_LEN)

#define SS_CHUNK_PREFIX_LEN	4
#define SS_CHUNK_FINAL_BIT	0x80000000U
/* Largest chunk plaintext: a 16 MiB record plus its framing. */
#define SS_CHUNK_MAX		(17U * 1024 * 1024)

/**
 * ss_frame_header_seal(hdr, r, file_key, salt, eph):
 * Write the header for recipients ${r} into ${hdr}, which has room for
 * SS_HEADER_LEN(r->n) bytes.  ${eph} is NULL (fresh random ephemeral
 * keys) or r->n secret keys, for test vectors only.
 */
int ss_frame_header_seal(uint8_t *, const struct ss_recipients *,
    const uint8_t *, const uint8_t[SS_SALT_LEN], const uint8_t *);

/**
 * ss_frame_header_fixed(hdr, nrecipients):
 * Check the first SS_HEADER_FIXED_LEN bytes of a header (magic, version,
 * suite, recipient count) and store the recipient count.  Errors are
 * SS_EXIT_DATA.
 */
int ss_frame_header_fixed(const uint8_t *, size_t *);

/**
 * ss_frame_header_open(hdr, ids, file_key):
 * Given a whole header (whose fixed part passed ss_frame_header_fixed),
 * find a stanza that one of ${ids} can unwrap, check the header MAC, and
 * store the file key in ${file_key} (guarded memory).  Errors are
 * SS_EXIT_DATA: no identity matches, or the header was tampered with.
 */
int ss_frame_header_open(const uint8_t *, const struct ss_identities *,
    uint8_t *);

/**
 * ss_frame_payload_aead(file_key, salt):
 * Derive the payload key and return an AEAD context for it.
 */
struct ss_aead * ss_frame_payload_aead(const uint8_t *,
    const uint8_t[SS_SALT_LEN]);

/**
 * ss_frame_nonce(nonce, counter, final):
 * Build the nonce of chunk number ${counter} (from 0).
 */
void ss_frame_nonce(uint8_t[SS_AEAD_NONCE_LEN], uint64_t, int);

/**
 * ss_frame_prefix_write(p, len, final), ss_frame_prefix_read(p, len, final):
 * Encode or decode a chunk prefix.  Reading refuses a length over
 * SS_CHUNK_MAX (SS_EXIT_DATA).
 */
void ss_frame_prefix_write(uint8_t[SS_CHUNK_PREFIX_LEN], uint32_t, int);
int ss_frame_prefix_read(const uint8_t[SS_CHUNK_PREFIX_LEN], uint32_t *,
    int *);

/* Bytes a chunk of ${len} plaintext bytes takes on the wire. */
#define SS_CHUNK_WIRE_LEN(len)	\
	(SS_CHUNK_PREFIX_LEN + (size_t)(len) + SS_AEAD_TAG_LEN)

/**
 * ss_frame_chunk_seal(a, counter, final, pt, len, out):
 * Seal ${len} (at most SS_CHUNK_MAX) plaintext bytes as chunk number
 * ${counter} (from 0) and write its prefix, ciphertext and tag to ${out},
 * which has room for SS_CHUNK_WIRE_LEN(${len}) bytes.
 */
int ss_frame_chunk_seal(struct ss_aead *, uint64_t, int, const uint8_t *,
    size_t, uint8_t *);

/**
 * ss_frame_chunk_open(a, counter, final, body, len, pt):
 * Authenticate and decrypt the ${len}-byte ciphertext at ${body}, which
 * is followed by its tag, as chunk number ${counter}, into ${pt} (which
 * may equal ${body}).  A failure is an SS_EXIT_DATA error naming the
 * chunk (counted from 1).
 */
int ss_frame_chunk_open(struct ss_aead *, uint64_t, int, const uint8_t *,
    size_t, uint8_t *);

/* Big-endian helpers. */
static inline uint32_t
ss_be32dec(const uint8_t * p)
{

	return ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3]);
}

static inline void
ss_be32enc(uint8_t * p, uint32_t x)
{

	p[0] = (uint8_t)(x >> 24);
	p[1] = (uint8_t)(x >> 16);
	p[2] = (uint8_t)(x >> 8);
	p[3] = (uint8_t)x;
}

static inline uint16_t
ss_be16dec(const uint8_t * p)
{

	return ((uint16_t)(p[0] << 8 | p[1]));
}

static inline void
ss_be16enc(uint8_t * p, uint16_t x)
{

	p[0] = (uint8_t)(x >> 8);
	p[1] = (uint8_t)x;
}

#endif /* !SS_FRAME_H */
