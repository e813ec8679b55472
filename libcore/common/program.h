#ifndef SS_PROGRAM_H
#define SS_PROGRAM_H

/*
 * A stage's program: the operator an enclave runs and its arguments (for
 * ss-map, the field list), together with the output recipients the
 * enclave re-encrypts to.  The program is what the enclave is measured
 * with, so it has one canonical byte encoding (see ss-enclave(7)):
 *
 *	magic[8] = "ssprog1\n"
 *	oplen[1] op[oplen]
 *	nentries[2]
 *	nentries times: keylen[1] key[keylen] vallen[4] val[vallen]
 *
 * Entries are sorted by key; entries with the same key keep the order in
 * which they were given, except recipient entries ("recipient", and
 * "out.N.recipient" below), which are sorted and free of duplicates (the
 * set of recipients is what matters).  A decoder refuses any other
 * order, so equal programs have equal bytes.
 *
 * A stage with several outputs (ss-route) seals output N (from 0) to the
 * "recipient" entries, which apply to every output, and to its own
 * "out.N.recipient" entries (N in decimal without leading zeros, below
 * SS_PROGRAM_OUTPUTS_MAX).  The enclave refuses an output that has no
 * recipient, and an "out.N.recipient" for an output the stage lacks.
 *
 * Output recipients are part of the program on purpose: a host that could
 * choose them could have the enclave re-encrypt the owner's data to the
 * host's own key.
 */

#include <stddef.h>
#include <stdint.h>

#include "crypt.h"
#include "key.h"

#define SS_PROGRAM_MAGIC	"ssprog1\n"
#define SS_PROGRAM_MAX		(1024 * 1024)	/* encoded bytes */
#define SS_PROGRAM_ENTRIES_MAX	(SS_RECIPIENTS_MAX + 64)
#define SS_PROGRAM_KEY_MAX	32
#define SS_PROGRAM_RECIPIENT	"recipient"
#define SS_PROGRAM_OUTPUTS_MAX	256	/* outputs of one stage */

/*
 * A program file (ss-match --subs FILE) is measured by its digest: the
 * entry's value is "sha256:" and 64 lowercase hex digits.  Its content
 * reaches the enclave separately (ecall LOAD), up to SS_PROGRAM_FILE_MAX
 * bytes.
 */
#define SS_PROGRAM_FILE_PREFIX	"sha256:"
#define SS_PROGRAM_FILE_DIGEST_LEN	(7 + 2 * SS_SHA256_LEN)
#define SS_PROGRAM_FILE_MAX	((size_t)512 * 1024 * 1024)
#define SS_PROGRAM_FILES_MAX	4

struct ss_program_entry {
	char key[SS_PROGRAM_KEY_MAX + 1];
	char * val;		/* NUL-terminated; may hold NULs (vallen) */
	size_t vallen;
};

struct ss_program {
	char op[SS_PROGRAM_KEY_MAX + 1];
	size_t n;
	struct ss_program_entry * e;
};

/**
 * ss_program_new(op):
 * Return an empty program for the operator ${op} ("map").
 */
struct ss_program * ss_program_new(const char *);

/**
 * ss_program_add(p, key, val, len):
 * Add the argument ${key} = ${val} (${len} bytes) to ${p}.
 */
int ss_program_add(struct ss_program *, const char *, const char *, size_t);

/**
 * ss_program_add_recipients(p, r):
 * Add every key of ${r} as an output recipient.
 */
int ss_program_add_recipients(struct ss_program *,
    const struct ss_recipients *);

/**
 * ss_program_add_output_recipients(p, out, r):
 * Add every key of ${r} as a recipient of output ${out} only
 * ("out.${out}.recipient").
 */
int ss_program_add_output_recipients(struct ss_program *, size_t,
    const struct ss_recipients *);

/**
 * ss_program_recipient_key(key, out):
 * 1 if ${key} is "recipient"; 2 if it is "out.N.recipient" (a valid N,
 * stored in ${out}); 0 otherwise.
 */
int ss_program_recipient_key(const char *, size_t *);

/**
 * ss_program_output_recipients(p, out):
 * Return the recipients of output ${out} of ${p} ("recipient" and
 * "out.${out}.recipient" entries, each key once) as a new list.
 */
struct ss_recipients * ss_program_output_recipients(
    const struct ss_program *, size_t);

/**
 * ss_program_get(p, key):
 * The value of the first entry named ${key}, or NULL.
 */
const char * ss_program_get(const struct ss_program *, const char *);

/**
 * ss_program_count(s, max):
 * The count ${s} holds: 1 to ${max} in decimal, without a leading zero;
 * 0 if it holds none.
 */
size_t ss_program_count(const char *, size_t);

/**
 * ss_program_recipients(p):
 * Return the output recipients of ${p} as a new recipient list (empty if
 * there are none).
 */
struct ss_recipients * ss_program_recipients(const struct ss_program *);

/**
 * ss_program_encode(p, buf, len):
 * Sort ${p} into canonical order and return its encoding in a new buffer
 * ${buf} of ${len} bytes (free() it).
 */
int ss_program_encode(struct ss_program *, uint8_t **, size_t *);

/**
 * ss_program_decode(buf, len):
 * Parse a canonical encoding; anything else is an SS_EXIT_DATA error.
 */
struct ss_program * ss_program_decode(const uint8_t *, size_t);

/**
 * ss_program_describe(p, fn, cookie):
 * Call ${fn}(${cookie}, key, val, len) for the operator (key "op") and
 * then every entry, in canonical order: for printing a program.
 */
int ss_program_describe(const struct ss_program *,
    int (*)(void *, const char *, const char *, size_t), void *);

/**
 * ss_program_free(p):
 * Free ${p}.  NULL is allowed.
 */
void ss_program_free(struct ss_program *);

/**
 * ss_measurement(m, image_digest, program_digest):
 * The measurement of an enclave image running a program:
 * SHA-256("securestreams/1 measurement" || image_digest || program_digest).
 */
int ss_measurement(uint8_t[SS_SHA256_LEN], const uint8_t[SS_SHA256_LEN],
    const uint8_t[SS_SHA256_LEN]);

/* One item of a field list: output column ${name} takes input ${from}. */
struct ss_fieldspec {
	const char * name;
	size_t namelen;
	const char * from;
	size_t fromlen;
};

/**
 * ss_fieldlist_parse(list, specs, n):
 * Parse the field list ${list} ("a,b,new=old"): store a new array of
 * ${n} items pointing into ${list} in ${specs} (free() it).  An empty
 * item or name, or two output columns of one name, is an SS_EXIT_SYS
 * error (a usage error on the command line).
 */
int ss_fieldlist_parse(const char *, struct ss_fieldspec **, size_t *);

#endif /* !SS_PROGRAM_H */
