#ifndef SS_SUBS_H
#define SS_SUBS_H

/*
 * A set of subscriptions for content-based matching (ss-match --subs,
 * ss-match(1) SUBSCRIPTIONS): each one an ID and a condition of the
 * expression language (ss-expr(7)), read from one file in either of two
 * forms:
 *
 *   lines:  "ID CONDITION" per line; blank lines and lines starting with
 *           '#' are ignored.  IDs are made of [A-Za-z0-9_.:-].
 *   JSON:   PubSub-SGX's form, when the first byte that is not white
 *           space is '[' (or '{', to be told it is not an array): an
 *           array with one element per subscription, an array of
 *           {"key": NAME, "val": NUMBER or STRING, "op": "eq" | "ne" |
 *           "gt" | "ge" | "lt" | "le"} constraints, all of which must
 *           hold; its ID is its position, from 1.  An element may also
 *           be {"id": ID, "constraints": [...]}.  A constraint means what
 *           ${NAME} op VAL means in an expression.
 *
 * This is the reading side, which the host uses to check a file too; a
 * set is matched against records in the enclave, through an index built
 * on it (enclave/subs_match.h).
 */

#include <stddef.h>
#include <stdint.h>

/* Limits. */
#define SS_SUBS_FILE_MAX	(256 * 1024 * 1024)	/* bytes */
#define SS_SUBS_MAX		1048576		/* subscriptions */
#define SS_SUBS_ID_MAX		64		/* bytes of an ID */
#define SS_SUBS_KEY_MAX		1024		/* bytes of a JSON key */
#define SS_SUBS_CONSTRAINTS_MAX	4096		/* per JSON subscription */
#define SS_SUBS_PREDS_MAX	(1 << 25)	/* predicates, in all */

struct ss_subs;

/* Where a file is wrong, when that is a place: from 1, or 0. */
struct ss_subs_err {
	size_t line;
	size_t col;		/* bytes from the start of the line */
};

/**
 * ss_subs_parse(buf, len, name, err):
 * Read the subscription file of ${len} bytes ${buf}, called ${name} in
 * messages, into a new set (without an index).  On failure return NULL
 * with an ss_err (status SS_EXIT_SYS, "NAME: line 4: column 12: ..." or
 * "NAME: subscription 3: constraint 2: ...") and, where the problem has
 * one, its place in ${err}.
 */
struct ss_subs * ss_subs_parse(const uint8_t *, size_t, const char *,
    struct ss_subs_err *);

/**
 * ss_subs_check(buf, len, name, err):
 * Whether the file reads, as ss_subs_parse() would say (0 or -1, with the
 * same error), keeping nothing: for a check that matches nothing.
 */
int ss_subs_check(const uint8_t *, size_t, const char *,
    struct ss_subs_err *);

/**
 * ss_subs_count(s):
 * The number of subscriptions of ${s}.
 */
size_t ss_subs_count(const struct ss_subs *);

/**
 * ss_subs_id(s, i, len):
 * The ID of subscription ${i} (from 0, in file order), ${len} bytes.
 */
const char * ss_subs_id(const struct ss_subs *, size_t, size_t *);

/**
 * ss_subs_is_id(p, len):
 * Whether the ${len} bytes ${p} are an ID: 1 to SS_SUBS_ID_MAX letters,
 * digits, '_', '.', ':' and '-'.
 */
int ss_subs_is_id(const uint8_t *, size_t);

/**
 * ss_subs_free(s):
 * Free ${s}.  NULL is allowed.
 */
void ss_subs_free(struct ss_subs *);

#endif /* !SS_SUBS_H */
