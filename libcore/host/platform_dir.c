#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "err.h"
#include "fdio.h"
#include "io.h"
#include "platform.h"
#include "platform_dir.h"
#include "tee_quote.h"

char *
ss_platform_dir(void)
{
	const char * env, * home;
	char * dir;
	int n;

	if ((env = getenv("SS_PLATFORM")) != NULL && env[0] != '\0')
		dir = strdup(env);
	else if (geteuid() == 0)
		dir = strdup("/var/lib/ss-platform");
	else if ((env = getenv("XDG_DATA_HOME")) != NULL && env[0] == '/') {
		n = asprintf(&dir, "%s/ss-platform", env);
		if (n < 0)
			dir = NULL;
	} else {
		if ((home = getenv("HOME")) == NULL || home[0] != '/') {
			ss_err_set(SS_EXIT_SYS, "no platform directory: set "
			    "SS_PLATFORM or HOME");
			return (NULL);
		}
		n = asprintf(&dir, "%s/.local/share/ss-platform", home);
		if (n < 0)
			dir = NULL;
	}
	if (dir == NULL)
		ss_err_errno("malloc");
	return (dir);
}

/* Write one key line to ${dir}/${name}, new, with ${mode}. */
static int
write_key_file(const char * dir, const char * name, const char * prefix,
    const uint8_t * key, mode_t mode)
{
	char text[SS_PLATFORM_TEXT_MAX];
	char path[PATH_MAX];
	size_t len;
	int fd;
	int rc = -1;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    (int)sizeof(path)) {
		ss_err_set(SS_EXIT_SYS, "%s: path too long", dir);
		return (-1);
	}
	if (ss_key_encode_named(text, prefix, key))
		return (-1);
	len = strlen(text);
	text[len++] = '\n';
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, mode)) == -1) {
		ss_err_errno("%s", path);
		goto done;
	}
	if (ss_write_all(fd, text, len) || fsync(fd)) {
		ss_err_errno("%s", path);
		close(fd);
		goto done;
	}
	if (close(fd)) {
		ss_err_errno("%s", path);
		goto done;
	}
	rc = 0;
done:
	sodium_memzero(text, sizeof(text));
	return (rc);
}

/* mkdir -p the parents of ${dir}, private. */
static int
make_parents(const char * dir)
{
	char path[PATH_MAX];
	char * p;

	if (strlen(dir) >= sizeof(path)) {
		ss_err_set(SS_EXIT_SYS, "%s: path too long", dir);
		return (-1);
	}
	strcpy(path, dir);
	for (p = path + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(path, 0700) && errno != EEXIST) {
			ss_err_errno("%s", path);
			return (-1);
		}
		*p = '/';
	}
	return (0);
}

/* Remove what a failed ss_platform_init() left in ${tmp}. */
static void
remove_partial(const char * tmp)
{
	const char * names[] = { SS_PLATFORM_SEAL_FILE,
	    SS_PLATFORM_ATTEST_FILE, SS_PLATFORM_PUB_FILE,
	    SS_PLATFORM_TEE_FILE };
	char path[PATH_MAX + 32];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (snprintf(path, sizeof(path), "%s/%s", tmp, names[i]) <
		    (int)sizeof(path))
			unlink(path);
	}
	rmdir(tmp);
}

/* Write the hardware platform's kind ("snp\n") to ${dir}/tee. */
static int
write_tee_file(const char * dir, int tee)
{
	const char * text = (tee == SS_TEE_SNP) ? "snp\n" : "tdx\n";
	char path[PATH_MAX];
	int fd;

	if (snprintf(path, sizeof(path), "%s/%s", dir,
	    SS_PLATFORM_TEE_FILE) >= (int)sizeof(path)) {
		ss_err_set(SS_EXIT_SYS, "%s: path too long", dir);
		return (-1);
	}
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0644)) == -1 || ss_write_all(fd, text, 4) ||
	    fsync(fd) || close(fd)) {
		ss_err_errno("%s", path);
		return (-1);
	}
	return (0);
}

int
ss_platform_tee(const char * dir, int * tee)
{
	char path[PATH_MAX];
	uint8_t buf[16];
	size_t len;
	struct stat sb;

	if (snprintf(path, sizeof(path), "%s/%s", dir,
	    SS_PLATFORM_TEE_FILE) >= (int)sizeof(path)) {
		ss_err_set(SS_EXIT_SYS, "%s: path too long", dir);
		return (-1);
	}
	if (stat(dir, &sb) == -1) {
		if (errno == ENOENT)
			ss_err_set(SS_EXIT_SYS, "no platform at %s (run "
			    "ss-attest platform-init)", dir);
		else
			ss_err_errno("%s", dir);
		return (-1);
	}
	if (stat(path, &sb) == -1 && errno == ENOENT) {
		*tee = SS_TEE_SOFTWARE;
		return (0);
	}
	if (ss_read_small_file(path, buf, sizeof(buf), &len, NULL))
		return (-1);
	if (len == 4 && memcmp(buf, "snp\n", 4) == 0)
		*tee = SS_TEE_SNP;
	else if (len == 4 && memcmp(buf, "tdx\n", 4) == 0)
		*tee = SS_TEE_TDX;
	else {
		ss_err_set(SS_EXIT_SYS, "%s: not \"snp\" or \"tdx\"", path);
		return (-1);
	}
	return (0);
}

int
ss_platform_init(const char * dir, int tee, uint8_t pk[SS_KEY_LEN])
{
	char tmp[PATH_MAX];
	uint8_t * secrets;	/* seal root[32], attest seed[32], sk[64] */
	struct stat sb;
	int rc = -1;

	if (lstat(dir, &sb) == 0) {
		ss_err_set(SS_EXIT_SYS, "%s: a platform already exists there "
		    "(removing it makes every sealed stage unusable)", dir);
		return (-1);
	}
	if (errno != ENOENT) {
		ss_err_errno("%s", dir);
		return (-1);
	}
	if (snprintf(tmp, sizeof(tmp), "%s.new-%ld", dir, (long)getpid()) >=
	    (int)sizeof(tmp)) {
		ss_err_set(SS_EXIT_SYS, "%s: path too long", dir);
		return (-1);
	}
	if ((secrets = sodium_malloc(128)) == NULL) {
		ss_err_errno("sodium_malloc");
		return (-1);
	}
	randombytes_buf(secrets, 64);
	crypto_sign_seed_keypair(pk, secrets + 64, secrets + 32);

	/* Build it under a temporary name, then move it into place. */
	if (make_parents(dir))
		goto done;
	if (mkdir(tmp, 0700)) {
		ss_err_errno("%s", tmp);
		goto done;
	}
	if (write_key_file(tmp, SS_PLATFORM_SEAL_FILE,
	    SS_PLATFORM_SEAL_PREFIX, secrets, 0600))
		goto cleanup;
	/* The hardware attests: no attestation key. */
	if (tee != SS_TEE_SOFTWARE) {
		if (write_tee_file(tmp, tee))
			goto cleanup;
	} else if (write_key_file(tmp, SS_PLATFORM_ATTEST_FILE,
	    SS_PLATFORM_ATTEST_PREFIX, secrets + 32, 0600) ||
	    write_key_file(tmp, SS_PLATFORM_PUB_FILE, SS_PLATFORM_PREFIX,
	    pk, 0644))
		goto cleanup;
	/* renameat2(RENAME_NOREPLACE): never replace a platform. */
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, dir, RENAME_NOREPLACE)) {
		ss_err_errno("%s", dir);
		goto cleanup;
	}
	rc = 0;
	goto done;
cleanup:
	remove_partial(tmp);
done:
	sodium_free(secrets);
	return (rc);
}

int
ss_platform_key_decode(uint8_t pk[SS_KEY_LEN], const char * arg)
{
	uint8_t buf[4096];
	const char * text = arg;
	size_t len = strlen(arg);
	size_t plen = sizeof(SS_PLATFORM_PREFIX) - 1;

	if (strncmp(arg, SS_PLATFORM_PREFIX, plen) != 0) {
		/* Not a key: a file holding one. */
		if (ss_read_small_file(arg, buf, sizeof(buf), &len, NULL)) {
			ss_err_prefix("%s", arg);
			return (-1);
		}
		text = (const char *)buf;
		while (len > 0 && memchr(" \t\r\n", text[len - 1], 4) != NULL)
			len--;
	}
	if (ss_key_decode_named(pk, text, len, SS_PLATFORM_PREFIX,
	    "platform key")) {
		if (text != arg)
			ss_err_prefix("%s", arg);
		return (-1);
	}
	return (0);
}
