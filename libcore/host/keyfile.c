/*
 * Key files on the host: identity files written by ss-keygen and read by
 * the tools that decrypt, and recipients files.  Their text is parsed by
 * key.c, which the enclave shares.
 */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "err.h"
#include "fdio.h"
#include "io.h"
#include "key.h"
#include "keyfile.h"

/* Largest key file we read: keys are 70 bytes, comments are short. */
#define KEYFILE_MAX	65536

int
ss_key_write_identity(const char * path, const uint8_t * sk)
{
	uint8_t pk[SS_KEY_LEN];
	char pktext[SS_PUBKEY_TEXT_LEN + 1];
	char * text;
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	size_t textlen = 512;
	int tostdout = (path == NULL || strcmp(path, "-") == 0);
	struct stat sb;
	int fd = -1;
	int len;
	int rc = -1;

	if ((text = sodium_malloc(textlen)) == NULL) {
		ss_err_errno("sodium_malloc");
		return (-1);
	}
	if (ss_key_public_of(pk, sk) || ss_key_public_encode(pktext, pk))
		goto err;
	if (gmtime_r(&now, &tm) == NULL ||
	    strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		strcpy(stamp, "unknown");
	len = snprintf(text, textlen,
	    "# securestreams secret key, created %s\n"
	    "# public key: %s\n", stamp, pktext);
	if (len < 0 || (size_t)len + SS_SECKEY_TEXT_LEN + 2 > textlen)
		goto err;
	if (ss_key_encode_named(text + len, SS_SECKEY_PREFIX, sk))
		goto err;
	len += SS_SECKEY_TEXT_LEN;
	text[len++] = '\n';

	if (tostdout) {
		fd = STDOUT_FILENO;
		/*
		 * "ss-keygen > me.key": a secret key must not land in a file
		 * that others can read, nor one every tool would refuse.
		 */
		if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) &&
		    (sb.st_mode & (S_IRWXG | S_IRWXO)) != 0 &&
		    fchmod(fd, sb.st_mode & 0700) == -1) {
			ss_err_errno("stdout: cannot make the key file "
			    "private");
			goto err;
		}
	} else if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) == -1) {
		if (errno == EEXIST)
			ss_err_set(SS_EXIT_SYS, "%s: file exists; "
			    "refusing to overwrite a key", path);
		else
			ss_err_errno("%s", path);
		goto err;
	}
	if (ss_write_all(fd, text, (size_t)len) ||
	    (!tostdout && fsync(fd) == -1 && errno != EINVAL)) {
		ss_err_prefix("%s", tostdout ? "stdout" : path);
		goto err;
	}
	if (!tostdout) {
		if (close(fd) == -1) {
			fd = -1;
			ss_err_errno("%s", path);
			goto err;
		}
		fd = -1;
	}
	rc = 0;
err:
	if (rc != 0 && !tostdout && fd != -1) {
		close(fd);
		unlink(path);
	}
	sodium_free(text);
	return (rc);
}

int
ss_recipients_add_file(struct ss_recipients * r, const char * path)
{
	uint8_t * buf;
	size_t len;
	int rc = -1;

	if ((buf = malloc(KEYFILE_MAX)) == NULL) {
		ss_err_errno("malloc");
		return (-1);
	}
	if (ss_read_small_file(path, buf, KEYFILE_MAX, &len, NULL))
		goto err;
	rc = ss_recipients_parse(r, (const char *)buf, len);
err:
	if (rc != 0)
		ss_err_prefix("%s", path);
	free(buf);
	return (rc);
}

int
ss_identities_load(struct ss_identities * ids, const char * path)
{
	uint8_t * buf;
	size_t len;
	struct stat sb;
	int rc = -1;

	if ((buf = sodium_malloc(KEYFILE_MAX)) == NULL) {
		ss_err_errno("sodium_malloc");
		return (-1);
	}
	if (ss_read_small_file(path, buf, KEYFILE_MAX, &len, &sb))
		goto err;
	if (S_ISREG(sb.st_mode) && (sb.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
		ss_err_set(SS_EXIT_SYS, "permissions %04o are too open for "
		    "a secret key (chmod 600 %s)",
		    (unsigned)(sb.st_mode & 07777),
		    strcmp(path, "-") == 0 ? "the file" : path);
		goto err;
	}
	rc = ss_identities_parse(ids, (const char *)buf, len);
err:
	if (rc != 0)
		ss_err_prefix("%s", path);
	sodium_free(buf);
	return (rc);
}
