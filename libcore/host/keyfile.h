#ifndef SS_KEYFILE_H
#define SS_KEYFILE_H

/*
 * Key files on the host (their text form: key.h).
 */

#include <stdint.h>

struct ss_identities;
struct ss_recipients;

/**
 * ss_key_write_identity(path, sk):
 * Write a new identity file holding ${sk} to ${path} (NULL or "-" for
 * standard output).  A file is created with mode 0600, never overwriting
 * an existing one, and removed again if writing fails.
 */
int ss_key_write_identity(const char *, const uint8_t *);

/**
 * ss_recipients_add_file(r, path):
 * Add every public key listed in the recipients file ${path}.  Errors
 * name the file and line.
 */
int ss_recipients_add_file(struct ss_recipients *, const char *);

/**
 * ss_identities_load(ids, path):
 * Add every secret key in the identity file ${path} ("-": standard
 * input).  A file that other users may read or write is refused, as is a
 * file holding no key.
 */
int ss_identities_load(struct ss_identities *, const char *);

#endif /* !SS_KEYFILE_H */
