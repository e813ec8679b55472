/*
 * configfs-tsm reports (tsm.h).
 */

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
#include "tee_quote.h"
#include "tsm.h"

/* Tries before giving up on an entry another writer keeps changing. */
#define TSM_TRIES	3

const char *
ss_tsm_dir(void)
{
	const char * env = getenv("SS_TSM_DIR");

	return ((env != NULL && env[0] != '\0') ? env : SS_TSM_DIR);
}

/* "${entry}/${attr}" into ${path}. */
static int
attr_path(char path[PATH_MAX], const char * entry, const char * attr)
{

	if (snprintf(path, PATH_MAX, "%s/%s", entry, attr) >= PATH_MAX) {
		ss_err_set(SS_EXIT_SYS, "%s: path too long", entry);
		return (-1);
	}
	return (0);
}

/* Read attribute ${attr} of ${entry} (at most ${max} bytes). */
static int
read_attr(const char * entry, const char * attr, size_t max, uint8_t ** buf,
    size_t * len)
{
	char path[PATH_MAX];

	if (attr_path(path, entry, attr))
		return (-1);
	if (ss_read_file(path, max, buf, len)) {
		ss_err_prefix("configfs-tsm: %s", path);
		return (-1);
	}
	return (0);
}

/* The entry's generation: the writes it has seen. */
static int
read_generation(const char * entry, unsigned long * gen)
{
	uint8_t * buf;
	size_t len;
	char * end;
	int rc = 0;

	if (read_attr(entry, "generation", 64, &buf, &len))
		return (-1);
	errno = 0;
	*gen = strtoul((const char *)buf, &end, 10);
	if (errno != 0 || end == (char *)buf || (*end != '\n' && *end != '\0')) {
		ss_err_set(SS_EXIT_SYS, "configfs-tsm: %s/generation: not a "
		    "number", entry);
		rc = -1;
	}
	free(buf);
	return (rc);
}

/* Write the REPORT_DATA to the entry's inblob. */
static int
write_inblob(const char * entry, const uint8_t * inblob)
{
	char path[PATH_MAX];
	int fd;

	if (attr_path(path, entry, "inblob"))
		return (-1);
	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) == -1) {
		ss_err_errno("configfs-tsm: %s", path);
		return (-1);
	}
	if (ss_write_all(fd, inblob, SS_TSM_INBLOB_LEN)) {
		ss_err_prefix("configfs-tsm: %s", path);
		close(fd);
		return (-1);
	}
	if (close(fd)) {
		ss_err_errno("configfs-tsm: %s", path);
		return (-1);
	}
	return (0);
}

/* Which hardware made the report. */
static int
read_provider(const char * entry, int * tee)
{
	uint8_t * buf;
	size_t len;
	int rc = 0;

	if (read_attr(entry, "provider", 64, &buf, &len))
		return (-1);
	while (len > 0 && buf[len - 1] == '\n')
		len--;
	if (len == 9 && memcmp(buf, "sev_guest", 9) == 0)
		*tee = SS_TEE_SNP;
	else if (len == 9 && memcmp(buf, "tdx_guest", 9) == 0)
		*tee = SS_TEE_TDX;
	else {
		ss_err_set(SS_EXIT_SYS, "configfs-tsm: provider '%.*s' is "
		    "neither SEV-SNP's (sev_guest) nor TDX's (tdx_guest)",
		    (int)((len < 32) ? len : 32), (const char *)buf);
		rc = -1;
	}
	free(buf);
	return (rc);
}

/*
 * One report from the fresh entry ${entry}: 1 if another writer changed
 * the entry meanwhile (try again), 0 with ${r} filled, or -1.
 */
static int
report_once(const char * entry, const uint8_t * inblob,
    struct ss_tsm_report * r)
{
	char path[PATH_MAX];
	unsigned long before, after;
	struct stat sb;

	if (read_generation(entry, &before) || write_inblob(entry, inblob) ||
	    read_attr(entry, "outblob", SS_TSM_OUTBLOB_MAX, &r->outblob,
	    &r->outlen) || read_provider(entry, &r->tee))
		return (-1);
	/* auxblob: only if the provider has one. */
	if (attr_path(path, entry, "auxblob"))
		return (-1);
	if (stat(path, &sb) == 0 && read_attr(entry, "auxblob",
	    SS_TSM_AUXBLOB_MAX, &r->auxblob, &r->auxlen))
		return (-1);
	if (read_generation(entry, &after))
		return (-1);
	return ((after != before + 1) ? 1 : 0);
}

int
ss_tsm_report(const char * dir, const uint8_t inblob[SS_TSM_INBLOB_LEN],
    struct ss_tsm_report * r)
{
	char entry[PATH_MAX];
	uint8_t id[8];
	char hex[2 * sizeof(id) + 1];
	struct stat sb;
	int i, rc = -1;

	memset(r, 0, sizeof(*r));
	if (stat(dir, &sb) == -1 || !S_ISDIR(sb.st_mode)) {
		ss_err_set(SS_EXIT_SYS, "no configfs-tsm at %s (a confidential "
		    "VM with Linux 6.7 or later has one: is this an SEV-SNP "
		    "or TDX guest?)", dir);
		return (-1);
	}
	for (i = 0; i < TSM_TRIES; i++) {
		/* An entry of our own, so that no one else writes to it. */
		randombytes_buf(id, sizeof(id));
		sodium_bin2hex(hex, sizeof(hex), id, sizeof(id));
		if (snprintf(entry, sizeof(entry), "%s/ss-%ld-%s", dir,
		    (long)getpid(), hex) >= (int)sizeof(entry)) {
			ss_err_set(SS_EXIT_SYS, "%s: path too long", dir);
			return (-1);
		}
		if (mkdir(entry, 0700) == -1) {
			ss_err_errno("configfs-tsm: %s", entry);
			return (-1);
		}
		rc = report_once(entry, inblob, r);
		if (rmdir(entry) == -1 && rc != -1) {
			ss_err_errno("configfs-tsm: %s", entry);
			rc = -1;
		}
		if (rc != 1)
			break;
		/* Changed under us: the report may be another's. */
		ss_tsm_report_free(r);
	}
	if (rc == 1)
		ss_err_set(SS_EXIT_SYS, "configfs-tsm: the report entry kept "
		    "changing under us (generation): another process writes "
		    "to %s", dir);
	if (rc != 0) {
		ss_tsm_report_free(r);
		return (-1);
	}
	return (0);
}

void
ss_tsm_report_free(struct ss_tsm_report * r)
{

	free(r->outblob);
	free(r->auxblob);
	memset(r, 0, sizeof(*r));
}
