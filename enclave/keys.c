#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "err.h"
#include "keys.h"
#include "program.h"

#define LABEL_SEAL	"securestreams/1 seal"
#define MAGIC_LEN	8

int
ss_keyfile_open(struct ss_keyfile * kf, const char * path, int private)
{
	struct stat sb;

	kf->fd = -1;
	if ((kf->name = strdup(path)) == NULL) {
		ss_err_errno("strdup");
		return (-1);
	}
	if ((kf->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		ss_err_errno("%s", path);
		goto err;
	}
	if (fstat(kf->fd, &sb)) {
		ss_err_errno("%s", path);
		goto err;
	}
	if (!S_ISREG(sb.st_mode)) {
		ss_err_set(SS_EXIT_SYS, "%s: not a regular file", path);
		goto err;
	}
	if (private && (sb.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
		ss_err_set(SS_EXIT_SYS, "%s: permissions %04o are too open "
		    "for a secret key (chmod 600 %s)", path,
		    (unsigned)(sb.st_mode & 07777), path);
		goto err;
	}
	return (0);
err:
	ss_keyfile_close(kf);
	return (-1);
}

int
ss_keyfile_read(struct ss_keyfile * kf, uint8_t * buf, size_t * len)
{
	ssize_t n;

	*len = 0;
	for (;;) {
		if (*len == SS_KEYFILE_MAX - 1) {
			ss_err_set(SS_EXIT_SYS, "%s: file too large",
			    kf->name);
			return (-1);
		}
		n = read(kf->fd, buf + *len, SS_KEYFILE_MAX - 1 - *len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			ss_err_errno("%s", kf->name);
			return (-1);
		}
		if (n == 0)
			break;
		*len += (size_t)n;
	}
	buf[*len] = '\0';
	close(kf->fd);
	kf->fd = -1;
	return (0);
}

void
ss_keyfile_close(struct ss_keyfile * kf)
{

	if (kf->fd != -1)
		close(kf->fd);
	kf->fd = -1;
	free(kf->name);
	kf->name = NULL;
}

int
ss_keys_decode_line(uint8_t * key, const char * buf, size_t len,
    const char * prefix, const char * kind)
{
	const char * nl;
	size_t linelen;

	/* Skip comments and blank lines; the key is the first other line. */
	while (len > 0) {
		nl = memchr(buf, '\n', len);
		linelen = (nl != NULL) ? (size_t)(nl - buf) : len;
		if (linelen > 0 && buf[linelen - 1] == '\r')
			linelen--;
		if (linelen > 0 && buf[0] != '#')
			return (ss_key_decode_named(key, buf, linelen,
			    prefix, kind));
		if (nl == NULL)
			break;
		len -= (size_t)(nl - buf) + 1;
		buf = nl + 1;
	}
	ss_err_set(SS_EXIT_SYS, "no %s in file", kind);
	return (-1);
}

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
