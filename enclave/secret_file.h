#ifndef SS_ENCLAVE_SECRET_FILE_H
#define SS_ENCLAVE_SECRET_FILE_H

/*
 * The files the enclave reads its secrets from (a stage's identity file,
 * the platform's sealing and attestation keys): each is opened before
 * the enclave locks down and read after, so that the lockdown can allow
 * reading exactly those descriptors.
 */

#include <stddef.h>
#include <stdint.h>

#define SS_SECRET_FILE_MAX	65536

struct ss_secret_file {
	int fd;				/* -1 once read or closed */
	char * name;			/* its path, for messages */
};

/**
 * ss_secret_file_open(sf, path, private):
 * Open ${path} for a later ss_secret_file_read().  With ${private}, a
 * file that group or others may access is refused.
 */
int ss_secret_file_open(struct ss_secret_file *, const char *, int);

/**
 * ss_secret_file_read(sf, buf, len):
 * Read the whole file into ${buf} (guarded, SS_SECRET_FILE_MAX bytes),
 * NUL-terminated, and close it.
 */
int ss_secret_file_read(struct ss_secret_file *, uint8_t *, size_t *);

/**
 * ss_secret_file_read_key(sf, buf, key, prefix, kind):
 * Read the file into ${buf} as ss_secret_file_read() does and decode the
 * key on its first line that is neither blank nor a comment, written with
 * ${prefix} (key.h), into ${key}; ${kind} names the key in messages.
 */
int ss_secret_file_read_key(struct ss_secret_file *, uint8_t *, uint8_t *,
    const char *, const char *);

/**
 * ss_secret_file_close(sf):
 * Close ${sf} if it is open, and forget its name.
 */
void ss_secret_file_close(struct ss_secret_file *);

#endif /* !SS_ENCLAVE_SECRET_FILE_H */
