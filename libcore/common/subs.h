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
 * Matching a record does not evaluate every subscription.  Each
 * condition is split into its top-level && parts; a part FIELD op
 * CONSTANT is a predicate, and the others are the subscription's rest.
 * Predicates that compare a field with a number (==, <, <=, >, >=) are
 * "indexed".  Two indexes are built, and the one estimated to cost less
 * per record kept (ss_subs_index() chooses another):
 *
 *   bitsets: per field, the numbers its indexed predicates name cut the
 *   line into runs; per run, a bitset of the subscriptions whose indexed
 *   predicates on the field hold there (and of those with none on it).
 *   A record's candidates are the AND, over the fields, of the bitset of
 *   the run its value falls in (a binary search, or a table for integer
 *   constants in a short span): exactly the subscriptions whose indexed
 *   predicates hold.  Only those with other parts are checked further.
 *   At most SS_SUBS_BITS_MAX bytes: past that, neighbouring runs share a
 *   bitset (their OR), and the candidates are checked in full.  Tables:
 *   at most SS_SUBS_TABLES_MAX bytes; runs: 8 bytes per distinct constant.
 *
 *   access predicates: each subscription has one, the predicate
 *   estimated to hold least often (an equality, or a numeric bound;
 *   estimated from the constants of all the subscriptions), kept in a
 *   hash table of the equalities and, per field, the numeric bounds
 *   sorted, so that one binary search finds every bound a value meets.
 *   The subscriptions whose access predicate a record meets are the
 *   candidates; each candidate's other predicates are checked against
 *   the record's values, most selective first, and then its rest.  A
 *   subscription with no access predicate (only !=, text ranges, or
 *   parts that are not predicates) is a candidate for every record.
 *
 * Either way each field is read and converted once per record, a value
 * that is not a number meets no numeric predicate (and every !=), and
 * matching allocates nothing.
 */

#include <stddef.h>
#include <stdint.h>

#include "expr.h"

/* Limits. */
#define SS_SUBS_FILE_MAX	(256 * 1024 * 1024)	/* bytes */
#define SS_SUBS_MAX		1048576		/* subscriptions */
#define SS_SUBS_ID_MAX		64		/* bytes of an ID */
#define SS_SUBS_KEY_MAX		1024		/* bytes of a JSON key */
#define SS_SUBS_CONSTRAINTS_MAX	4096		/* per JSON subscription */
#define SS_SUBS_PREDS_MAX	(1 << 25)	/* predicates, in all */
#define SS_SUBS_BITS_MAX	(128 * 1024 * 1024)	/* bytes of bitsets */
#define SS_SUBS_TABLE_MAX	65536		/* integers per field table */
#define SS_SUBS_TABLES_MAX	(16 * 1024 * 1024)	/* bytes of tables */

/* Indexes (ss_subs_index). */
#define SS_SUBS_PREDS		0	/* access predicates */
#define SS_SUBS_BITS		1	/* bitsets, exact */
#define SS_SUBS_BITS_MERGED	2	/* bitsets, some layers merged */

struct ss_subs;

/* Where a file is wrong, when that is a place: from 1, or 0. */
struct ss_subs_err {
	size_t line;
	size_t col;		/* bytes from the start of the line */
};

/**
 * ss_subs_parse(buf, len, name, err):
 * Read the subscription file of ${len} bytes ${buf}, called ${name} in
 * messages.  On failure return NULL with an ss_err (status SS_EXIT_SYS,
 * "NAME: line 4: column 12: ..." or "NAME: subscription 3: constraint 2:
 * ...") and, where the problem has one, its place in ${err}.
 */
struct ss_subs * ss_subs_parse(const uint8_t *, size_t, const char *,
    struct ss_subs_err *);

/**
 * ss_subs_check(buf, len, name, err):
 * Whether the file reads, as ss_subs_parse() would say (0 or -1, with the
 * same error), without building the index: for a check that matches
 * nothing.
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
 * ss_subs_bind(s, names, lens, n):
 * Bind the fields the subscriptions name to the ${n} columns ${names}, as
 * ss_expr_bind() does (the last column of a name); an unknown name is an
 * SS_EXIT_DATA error "no field 'NAME' in the input stream".
 */
int ss_subs_bind(struct ss_subs *, const uint8_t * const *, const size_t *,
    size_t);

/**
 * ss_subs_match(s, row, ids, nids):
 * Find the subscriptions of the bound set ${s} that ${row} matches; store
 * their indexes, in file order, in ${*ids} (valid until the next call)
 * and their number in ${*nids}.  Return 0, or -1 (with an ss_err) only if
 * out of memory.
 */
int ss_subs_match(struct ss_subs *, const struct ss_expr_row *,
    const uint32_t **, size_t *);

/**
 * ss_subs_index(s, how, maxlayers):
 * Make ${s} use the index ${how}, SS_SUBS_PREDS or SS_SUBS_BITS with at
 * most ${maxlayers} layers per field (0: as many as SS_SUBS_BITS_MAX
 * bytes allow), instead of the one ss_subs_parse() chose (for tests and
 * measurements: matching gives the same answers with any).  Return 0, 1
 * if there is no bitset index for ${s} (no field has numeric bounds or
 * equalities, or the bitsets cannot fit), or -1 (with an ss_err) if out
 * of memory.
 */
int ss_subs_index(struct ss_subs *, int, size_t);

/**
 * ss_subs_index_kind(s):
 * The index ${s} uses: SS_SUBS_PREDS, SS_SUBS_BITS or SS_SUBS_BITS_MERGED.
 */
int ss_subs_index_kind(const struct ss_subs *);

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
