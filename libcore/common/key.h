#ifndef SS_KEY_H
#define SS_KEY_H

/*
 * X25519 identities and their text encodings.
 *
 * A public key is "sspub1-" followed by the unpadded base64url encoding of
 * the 32 key bytes and a 4-byte checksum; a secret key is
 * "SS-SECRET-KEY-1-" and the same encoding of the secret scalar.  The
 * checksum is the first 4 bytes of SHA-256(prefix || key), so a mistyped
 * key, or a key of the other kind, is refused instead of used.
 *
 * An identity file holds secret keys, one per line; lines starting with
 * '#' and blank lines are ignored.  A recipients file holds public keys in
 * the same way.  Secret keys are only ever held in sodium_malloc()ed
 * memory, read-only once loaded, and wiped when freed.
 */

#include <stddef.h>
#include <stdint.h>

#define SS_KEY_LEN		32
#define SS_PUBKEY_PREFIX	"sspub1-"
#define SS_SECKEY_PREFIX	"SS-SECRET-KEY-1-"
/* Text lengths, without the terminating NUL. */
#define SS_PUBKEY_TEXT_LEN	(sizeof(SS_PUBKEY_PREFIX) - 1 + 48)
#define SS_SECKEY_TEXT_LEN	(sizeof(SS_SECKEY_PREFIX) - 1 + 48)
/* Most recipients one stream may have; most identities one run loads. */
#define SS_RECIPIENTS_MAX	1024
#define SS_IDENTITIES_MAX	64

/**
 * ss_key_generate(pk, sk):
 * Generate a random X25519 secret key into ${sk} (which should be guarded
 * memory) and its public key into ${pk}.
 */
int ss_key_generate(uint8_t[SS_KEY_LEN], uint8_t *);

/**
 * ss_key_public_of(pk, sk):
 * Derive the public key ${pk} of the secret key ${sk}.
 */
int ss_key_public_of(uint8_t[SS_KEY_LEN], const uint8_t *);

/**
 * ss_key_public_encode(text, pk):
 * Write the NUL-terminated text form of ${pk} to ${text}, which has room
 * for SS_PUBKEY_TEXT_LEN + 1 bytes.
 */
int ss_key_public_encode(char *, const uint8_t[SS_KEY_LEN]);

/**
 * ss_key_public_decode(pk, text, len):
 * Parse the ${len}-byte text form of a public key into ${pk}.  A malformed
 * key, a wrong checksum or a secret key given by mistake is an
 * SS_EXIT_SYS error that says which.
 */
int ss_key_public_decode(uint8_t[SS_KEY_LEN], const char *, size_t);

/**
 * ss_key_encode_named(text, prefix, key), ss_key_decode_named(key, text,
 *     len, prefix, kind):
 * The same text encoding for other 32-byte keys (platform keys, sealing
 * roots): ${prefix} (under 32 bytes) followed by base64url of the key and
 * its checksum.  ${text} has room for strlen(${prefix}) + 49 bytes.
 * Decoding errors are SS_EXIT_SYS and call the key a ${kind}.
 */
int ss_key_encode_named(char *, const char *, const uint8_t *);
int ss_key_decode_named(uint8_t *, const char *, size_t, const char *,
    const char *);

/**
 * ss_b64_ascii(text, len):
 * Nonzero if no byte of ${text} has its high bit set.  libsodium 1.0.18's
 * base64 decoder takes every byte from 0x80 up for '_', so that texts
 * that are not canonical would decode: every base64 text is checked with
 * this first.
 */
int ss_b64_ascii(const char *, size_t);

/* Recipients: the public keys a stream is encrypted to. */
struct ss_recipients {
	size_t n;
	uint8_t (* pk)[SS_KEY_LEN];
};

/**
 * ss_recipients_new(void):
 * Return an empty recipient list.
 */
struct ss_recipients * ss_recipients_new(void);

/**
 * ss_recipients_add(r, text):
 * Parse the public key ${text} and add it to ${r}.
 */
int ss_recipients_add(struct ss_recipients *, const char *);

/**
 * ss_recipients_parse(r, buf, len):
 * Add every public key in the recipients file text ${buf}; errors name
 * the line.  No key at all is an error.
 */
int ss_recipients_parse(struct ss_recipients *, const char *, size_t);

/**
 * ss_recipients_free(r):
 * Free ${r}.  NULL is allowed.
 */
void ss_recipients_free(struct ss_recipients *);

/* Identities: the secret keys a reader may try. */
struct ss_identities {
	size_t n;
	uint8_t * sk;			/* n * SS_KEY_LEN, guarded, read-only */
	uint8_t (* pk)[SS_KEY_LEN];	/* their public keys */
};

/**
 * ss_identities_new(void):
 * Return an empty identity set.
 */
struct ss_identities * ss_identities_new(void);

/**
 * ss_identities_parse(ids, buf, len):
 * Add every secret key in the identity file text ${buf} (which should be
 * guarded memory); errors name the line.  No key at all is an error.
 */
int ss_identities_parse(struct ss_identities *, const char *, size_t);

/**
 * ss_identities_add(ids, sk):
 * Add the secret key ${sk} (copied into guarded memory).
 */
int ss_identities_add(struct ss_identities *, const uint8_t *);

/**
 * ss_identities_free(ids):
 * Wipe and free ${ids}.  NULL is allowed.
 */
void ss_identities_free(struct ss_identities *);

#endif /* !SS_KEY_H */
