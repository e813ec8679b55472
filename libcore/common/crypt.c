#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <sodium.h>

#include "crypt.h"
#include "err.h"

struct ss_aead {
	EVP_CIPHER_CTX * enc;
	EVP_CIPHER_CTX * dec;
};

int
ss_sha256(uint8_t out[SS_SHA256_LEN], const void * buf, size_t len)
{

	if (EVP_Digest(buf, len, out, NULL, EVP_sha256(), NULL) != 1) {
		ss_err_set(SS_EXIT_SYS, "SHA-256 failed");
		return (-1);
	}
	return (0);
}

int
ss_sha512(uint8_t out[SS_SHA512_LEN], const void * buf, size_t len)
{

	if (EVP_Digest(buf, len, out, NULL, EVP_sha512(), NULL) != 1) {
		ss_err_set(SS_EXIT_SYS, "SHA-512 failed");
		return (-1);
	}
	return (0);
}

int
ss_sha256_fd(uint8_t out[SS_SHA256_LEN], int fd, const char * name)
{
	EVP_MD_CTX * ctx;
	uint8_t buf[65536];
	off_t off = 0;
	ssize_t n;
	int rc = -1;

	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		ss_err_set(SS_EXIT_SYS, "SHA-256 failed");
		goto done;
	}
	for (;;) {
		n = pread(fd, buf, sizeof(buf), off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			ss_err_errno("%s", name);
			goto done;
		}
		if (n == 0)
			break;
		if (EVP_DigestUpdate(ctx, buf, (size_t)n) != 1) {
			ss_err_set(SS_EXIT_SYS, "SHA-256 failed");
			goto done;
		}
		off += n;
	}
	if (EVP_DigestFinal_ex(ctx, out, NULL) != 1) {
		ss_err_set(SS_EXIT_SYS, "SHA-256 failed");
		goto done;
	}
	rc = 0;
done:
	EVP_MD_CTX_free(ctx);
	return (rc);
}

int
ss_hmac_sha256(uint8_t out[SS_SHA256_LEN], const uint8_t * key, size_t keylen,
    const void * buf, size_t len)
{
	EVP_MAC * mac;
	EVP_MAC_CTX * ctx = NULL;
	OSSL_PARAM params[2];
	size_t outlen;
	int rc = -1;

	if ((mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL)
		goto err;
	if ((ctx = EVP_MAC_CTX_new(mac)) == NULL)
		goto err;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    (char *)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_end();
	if (EVP_MAC_init(ctx, key, keylen, params) != 1 ||
	    EVP_MAC_update(ctx, buf, len) != 1 ||
	    EVP_MAC_final(ctx, out, &outlen, SS_SHA256_LEN) != 1 ||
	    outlen != SS_SHA256_LEN)
		goto err;
	rc = 0;
err:
	if (rc != 0)
		ss_err_set(SS_EXIT_SYS, "HMAC-SHA-256 failed");
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	return (rc);
}

int
ss_hkdf_sha256(uint8_t * out, size_t outlen, const uint8_t * ikm,
    size_t ikmlen, const uint8_t * salt, size_t saltlen, const char * info)
{
	EVP_PKEY_CTX * ctx;
	int rc = -1;

	if ((ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, NULL)) == NULL)
		goto err;
	if (ikmlen > INT_MAX || saltlen > INT_MAX || strlen(info) > INT_MAX)
		goto err;
	if (EVP_PKEY_derive_init(ctx) != 1 ||
	    EVP_PKEY_CTX_set_hkdf_md(ctx, EVP_sha256()) != 1 ||
	    EVP_PKEY_CTX_set1_hkdf_key(ctx, ikm, (int)ikmlen) != 1 ||
	    (saltlen > 0 &&
	    EVP_PKEY_CTX_set1_hkdf_salt(ctx, salt, (int)saltlen) != 1) ||
	    EVP_PKEY_CTX_add1_hkdf_info(ctx, (const unsigned char *)info,
	    (int)strlen(info)) != 1 ||
	    EVP_PKEY_derive(ctx, out, &outlen) != 1)
		goto err;
	rc = 0;
err:
	if (rc != 0)
		ss_err_set(SS_EXIT_SYS, "HKDF-SHA-256 failed");
	EVP_PKEY_CTX_free(ctx);
	return (rc);
}

struct ss_aead *
ss_aead_new(const uint8_t key[SS_AEAD_KEY_LEN])
{
	struct ss_aead * a;

	if ((a = calloc(1, sizeof(*a))) == NULL) {
		ss_err_errno("calloc");
		return (NULL);
	}
	if ((a->enc = EVP_CIPHER_CTX_new()) == NULL ||
	    (a->dec = EVP_CIPHER_CTX_new()) == NULL)
		goto err;
	if (EVP_EncryptInit_ex(a->enc, EVP_aes_256_gcm(), NULL, key,
	    NULL) != 1 ||
	    EVP_DecryptInit_ex(a->dec, EVP_aes_256_gcm(), NULL, key,
	    NULL) != 1)
		goto err;
	return (a);
err:
	ss_err_set(SS_EXIT_SYS, "AES-256-GCM setup failed");
	ss_aead_free(a);
	return (NULL);
}

int
ss_aead_seal(struct ss_aead * a, const uint8_t nonce[SS_AEAD_NONCE_LEN],
    const uint8_t * pt, size_t len, uint8_t * ct, uint8_t tag[SS_AEAD_TAG_LEN])
{
	int outl;

	/* Chunks are bounded far below INT_MAX by the format. */
	if (len > INT_MAX)
		goto err;
	if (EVP_EncryptInit_ex(a->enc, NULL, NULL, NULL, nonce) != 1)
		goto err;
	if (len > 0 &&
	    (EVP_EncryptUpdate(a->enc, ct, &outl, pt, (int)len) != 1 ||
	    (size_t)outl != len))
		goto err;
	if (EVP_EncryptFinal_ex(a->enc, ct + len, &outl) != 1 || outl != 0)
		goto err;
	if (EVP_CIPHER_CTX_ctrl(a->enc, EVP_CTRL_GCM_GET_TAG,
	    SS_AEAD_TAG_LEN, tag) != 1)
		goto err;
	return (0);
err:
	ss_err_set(SS_EXIT_SYS, "AES-256-GCM encryption failed");
	return (-1);
}

int
ss_aead_open(struct ss_aead * a, const uint8_t nonce[SS_AEAD_NONCE_LEN],
    const uint8_t * ct, size_t len, const uint8_t tag[SS_AEAD_TAG_LEN],
    uint8_t * pt)
{
	int outl;

	if (len > INT_MAX)
		goto fail;
	if (EVP_DecryptInit_ex(a->dec, NULL, NULL, NULL, nonce) != 1)
		goto fail;
	if (len > 0 &&
	    (EVP_DecryptUpdate(a->dec, pt, &outl, ct, (int)len) != 1 ||
	    (size_t)outl != len))
		goto fail;
	if (EVP_CIPHER_CTX_ctrl(a->dec, EVP_CTRL_GCM_SET_TAG,
	    SS_AEAD_TAG_LEN, (void *)(uintptr_t)tag) != 1)
		goto fail;
	if (EVP_DecryptFinal_ex(a->dec, pt + len, &outl) != 1)
		goto fail;
	return (0);
fail:
	/* Never let unauthenticated plaintext escape. */
	sodium_memzero(pt, len);
	ss_err_set(SS_EXIT_DATA, "authentication failed");
	return (-1);
}

void
ss_aead_free(struct ss_aead * a)
{

	if (a == NULL)
		return;
	EVP_CIPHER_CTX_free(a->enc);
	EVP_CIPHER_CTX_free(a->dec);
	free(a);
}
