#include <string.h>

#include <sodium.h>

#include "crypt.h"
#include "err.h"
#include "frame.h"
#include "key.h"

#define LABEL_WRAP	"securestreams/1 X25519"
#define LABEL_HEADER	"securestreams/1 header"
#define LABEL_PAYLOAD	"securestreams/1 payload"

/*
 * Derive the key that wraps the file key for one recipient:
 * HKDF(X25519(e, R), salt = E || R, LABEL_WRAP).
 */
static int
wrap_key(uint8_t * key, const uint8_t * shared, const uint8_t * epk,
    const uint8_t * rpk)
{
	uint8_t salt[2 * SS_KEY_LEN];

	memcpy(salt, epk, SS_KEY_LEN);
	memcpy(salt + SS_KEY_LEN, rpk, SS_KEY_LEN);
	return (ss_hkdf_sha256(key, SS_AEAD_KEY_LEN, shared, SS_KEY_LEN,
	    salt, sizeof(salt), LABEL_WRAP));
}

/* The wrap key is used once, so an all-zero nonce is safe. */
static const uint8_t zero_nonce[SS_AEAD_NONCE_LEN];

static int
header_mac(uint8_t mac[SS_HEADER_MAC_LEN], const uint8_t * file_key,
    const uint8_t * hdr, size_t len)
{
	uint8_t * key;
	int rc;

	if ((key = sodium_malloc(SS_SHA256_LEN)) == NULL) {
		ss_err_errno("sodium_malloc");
		return (-1);
	}
	rc = ss_hkdf_sha256(key, SS_SHA256_LEN, file_key, SS_FILE_KEY_LEN,
	    NULL, 0, LABEL_HEADER);
	if (rc == 0)
		rc = ss_hmac_sha256(mac, key, SS_SHA256_LEN, hdr, len);
	sodium_free(key);
	return (rc);
}

int
ss_frame_header_seal(uint8_t * hdr, const struct ss_recipients * r,
    const uint8_t * file_key, const uint8_t salt[SS_SALT_LEN],
    const uint8_t * eph)
{
	uint8_t * secrets;	/* esk[32] shared[32] key[32] */
	uint8_t * esk, * shared, * key;
	uint8_t * st;
	struct ss_aead * a;
	size_t i;
	int rc = -1;

	if (r->n < 1 || r->n > SS_RECIPIENTS_MAX) {
		ss_err_set(SS_EXIT_SYS, "need 1 to %d recipients",
		    SS_RECIPIENTS_MAX);
		return (-1);
	}
	if ((secrets = sodium_malloc(3 * SS_KEY_LEN)) == NULL) {
		ss_err_errno("sodium_malloc");
		return (-1);
	}
	esk = secrets;
	shared = secrets + SS_KEY_LEN;
	key = secrets + 2 * SS_KEY_LEN;

	memcpy(hdr, SS_MAGIC, SS_MAGIC_LEN);
	hdr[8] = SS_FORMAT_VERSION;
	hdr[9] = SS_SUITE_V1;
	ss_be16enc(&hdr[10], (uint16_t)r->n);
	memcpy(&hdr[12], salt, SS_SALT_LEN);

	for (i = 0; i < r->n; i++) {
		st = hdr + SS_HEADER_FIXED_LEN + i * SS_STANZA_LEN;
		if (eph != NULL)
			memcpy(esk, eph + i * SS_KEY_LEN, SS_KEY_LEN);
		else
			randombytes_buf(esk, SS_KEY_LEN);
		if (crypto_scalarmult_base(st, esk) != 0 ||
		    crypto_scalarmult(shared, esk, r->pk[i]) != 0) {
			ss_err_set(SS_EXIT_SYS, "recipient %zu: invalid "
			    "public key", i + 1);
			goto err;
		}
		if (wrap_key(key, shared, st, r->pk[i]))
			goto err;
		if ((a = ss_aead_new(key)) == NULL)
			goto err;
		rc = ss_aead_seal(a, zero_nonce, file_key, SS_FILE_KEY_LEN,
		    st + SS_KEY_LEN, st + SS_KEY_LEN + SS_FILE_KEY_LEN);
		ss_aead_free(a);
		if (rc)
			goto err;
		rc = -1;
	}
	if (header_mac(hdr + SS_HEADER_FIXED_LEN + r->n * SS_STANZA_LEN,
	    file_key, hdr, SS_HEADER_FIXED_LEN + r->n * SS_STANZA_LEN))
		goto err;
	rc = 0;
err:
	sodium_free(secrets);
	return (rc);
}

int
ss_frame_header_fixed(const uint8_t * hdr, size_t * nrecipients)
{
	size_t n;

	if (memcmp(hdr, SS_MAGIC, SS_MAGIC_LEN) != 0) {
		ss_err_set(SS_EXIT_DATA, "not a securestreams stream "
		    "(bad magic)");
		return (-1);
	}
	if (hdr[8] != SS_FORMAT_VERSION) {
		ss_err_set(SS_EXIT_DATA, "unsupported format version %u "
		    "(this is version %d)", hdr[8], SS_FORMAT_VERSION);
		return (-1);
	}
	if (hdr[9] != SS_SUITE_V1) {
		ss_err_set(SS_EXIT_DATA, "unsupported cipher suite %u",
		    hdr[9]);
		return (-1);
	}
	n = ss_be16dec(&hdr[10]);
	if (n < 1 || n > SS_RECIPIENTS_MAX) {
		ss_err_set(SS_EXIT_DATA, "bad recipient count %zu", n);
		return (-1);
	}
	*nrecipients = n;
	return (0);
}

/* Try to unwrap stanza ${st} with secret key ${sk}; 0 on success. */
static int
stanza_unwrap(const uint8_t * st, const uint8_t * sk, const uint8_t * pk,
    uint8_t * secrets, uint8_t * file_key)
{
	uint8_t * shared = secrets;
	uint8_t * key = secrets + SS_KEY_LEN;
	struct ss_aead * a;
	int rc;

	/* An all-zero shared secret means a low-order point: not ours. */
	if (crypto_scalarmult(shared, sk, st) != 0)
		return (-1);
	if (wrap_key(key, shared, st, pk))
		return (-1);
	if ((a = ss_aead_new(key)) == NULL)
		return (-1);
	rc = ss_aead_open(a, zero_nonce, st + SS_KEY_LEN, SS_FILE_KEY_LEN,
	    st + SS_KEY_LEN + SS_FILE_KEY_LEN, file_key);
	ss_aead_free(a);
	return (rc);
}

int
ss_frame_header_open(const uint8_t * hdr, const struct ss_identities * ids,
    uint8_t * file_key)
{
	uint8_t mac[SS_HEADER_MAC_LEN];
	uint8_t * secrets;
	size_t n, i, j;
	size_t maclen_off;
	int found = 0;

	if (ss_frame_header_fixed(hdr, &n))
		return (-1);
	if ((secrets = sodium_malloc(2 * SS_KEY_LEN)) == NULL) {
		ss_err_errno("sodium_malloc");
		return (-1);
	}
	for (i = 0; i < n && !found; i++) {
		for (j = 0; j < ids->n && !found; j++) {
			if (stanza_unwrap(hdr + SS_HEADER_FIXED_LEN +
			    i * SS_STANZA_LEN, ids->sk + j * SS_KEY_LEN,
			    ids->pk[j], secrets, file_key) == 0)
				found = 1;
		}
	}
	sodium_free(secrets);
	if (!found) {
		ss_err_set(SS_EXIT_DATA, "no identity matches a recipient "
		    "of this stream (wrong key?)");
		return (-1);
	}
	maclen_off = SS_HEADER_FIXED_LEN + n * SS_STANZA_LEN;
	if (header_mac(mac, file_key, hdr, maclen_off))
		goto err;
	if (sodium_memcmp(mac, hdr + maclen_off, SS_HEADER_MAC_LEN) != 0) {
		ss_err_set(SS_EXIT_DATA, "header authentication failed "
		    "(tampered header)");
		goto err;
	}
	return (0);
err:
	sodium_memzero(file_key, SS_FILE_KEY_LEN);
	return (-1);
}

struct ss_aead *
ss_frame_payload_aead(const uint8_t * file_key, const uint8_t salt[SS_SALT_LEN])
{
	uint8_t * key;
	struct ss_aead * a = NULL;

	if ((key = sodium_malloc(SS_AEAD_KEY_LEN)) == NULL) {
		ss_err_errno("sodium_malloc");
		return (NULL);
	}
	if (ss_hkdf_sha256(key, SS_AEAD_KEY_LEN, file_key, SS_FILE_KEY_LEN,
	    salt, SS_SALT_LEN, LABEL_PAYLOAD) == 0)
		a = ss_aead_new(key);
	sodium_free(key);
	return (a);
}

void
ss_frame_nonce(uint8_t nonce[SS_AEAD_NONCE_LEN], uint64_t counter, int final)
{
	int i;

	/* 11-byte big-endian counter: the top three bytes stay zero. */
	memset(nonce, 0, SS_AEAD_NONCE_LEN);
	for (i = 10; i >= 3; i--) {
		nonce[i] = (uint8_t)counter;
		counter >>= 8;
	}
	nonce[11] = final ? 1 : 0;
}

void
ss_frame_prefix_write(uint8_t p[SS_CHUNK_PREFIX_LEN], uint32_t len, int final)
{

	ss_be32enc(p, len | (final ? SS_CHUNK_FINAL_BIT : 0));
}

int
ss_frame_prefix_read(const uint8_t p[SS_CHUNK_PREFIX_LEN], uint32_t * len,
    int * final)
{
	uint32_t x = ss_be32dec(p);

	*final = (x & SS_CHUNK_FINAL_BIT) != 0;
	*len = x & ~SS_CHUNK_FINAL_BIT;
	if (*len > SS_CHUNK_MAX) {
		ss_err_set(SS_EXIT_DATA, "chunk length %lu exceeds the "
		    "maximum %lu", (unsigned long)*len,
		    (unsigned long)SS_CHUNK_MAX);
		return (-1);
	}
	return (0);
}

int
ss_frame_chunk_seal(struct ss_aead * a, uint64_t counter, int final,
    const uint8_t * pt, size_t len, uint8_t * out)
{
	uint8_t nonce[SS_AEAD_NONCE_LEN];

	if (len > SS_CHUNK_MAX) {
		ss_err_set(SS_EXIT_SYS, "chunk of %zu bytes exceeds the "
		    "maximum", len);
		return (-1);
	}
	ss_frame_prefix_write(out, (uint32_t)len, final);
	ss_frame_nonce(nonce, counter, final);
	return (ss_aead_seal(a, nonce, pt, len, out + SS_CHUNK_PREFIX_LEN,
	    out + SS_CHUNK_PREFIX_LEN + len));
}

int
ss_frame_chunk_open(struct ss_aead * a, uint64_t counter, int final,
    const uint8_t * body, size_t len, uint8_t * pt)
{
	uint8_t nonce[SS_AEAD_NONCE_LEN];

	ss_frame_nonce(nonce, counter, final);
	if (ss_aead_open(a, nonce, body, len, body + len, pt)) {
		ss_err_set(SS_EXIT_DATA, "chunk %llu: authentication failed "
		    "(tampered, reordered, or from another stream)",
		    (unsigned long long)counter + 1);
		return (-1);
	}
	return (0);
}
