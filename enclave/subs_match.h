#ifndef SS_SUBS_MATCH_H
#define SS_SUBS_MATCH_H

/*
 * Matching records against a subscription set (subs.h) inside the
 * enclave: a matcher is an index built on a set, and the state of
 * matching with it.
 *
 * Matching a record does not evaluate every subscription.  Each
 * condition is split into its top-level && parts; a part FIELD op
 * CONSTANT is a predicate, and the others are the subscription's rest.
 * Predicates that compare a field with a number (==, <, <=, >, >=) are
 * "indexed".  Two indexes are built, and the one estimated to cost less
 * per record kept (ss_subs_index() chooses another):
 *
 *   bitsets (subs_bits.c): per field, the numbers its indexed predicates
 *   name cut the line into runs; per run, a bitset of the subscriptions
 *   whose indexed predicates on the field hold there (and of those with
 *   none on it).  A record's candidates are the AND, over the fields, of
 *   the bitset of the run its value falls in (a binary search, or a
 *   table for integer constants in a short span): exactly the
 *   subscriptions whose indexed predicates hold.  Only those with other
 *   parts are checked further.  At most SS_SUBS_BITS_MAX bytes: past
 *   that, neighbouring runs share a bitset (their OR), and the
 *   candidates are checked in full.  Tables: at most SS_SUBS_TABLES_MAX
 *   bytes; runs: 8 bytes per distinct constant.
 *
 *   access predicates (subs_index.c): each subscription has one, the
 *   predicate estimated to hold least often (an equality, or a numeric
 *   bound; estimated from the constants of all the subscriptions), kept
 *   in a hash table of the equalities and, per field, the numeric bounds
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

#include "expr_eval.h"
#include "subs.h"

/* Limits of the bitset index. */
#define SS_SUBS_BITS_MAX	(128 * 1024 * 1024)	/* bytes of bitsets */
#define SS_SUBS_TABLE_MAX	65536		/* integers per field table */
#define SS_SUBS_TABLES_MAX	(16 * 1024 * 1024)	/* bytes of tables */

/* Indexes (ss_subs_index). */
#define SS_SUBS_PREDS		0	/* access predicates */
#define SS_SUBS_BITS		1	/* bitsets, exact */
#define SS_SUBS_BITS_MERGED	2	/* bitsets, some layers merged */

struct ss_subs_matcher;

/**
 * ss_subs_matcher_new(s):
 * Build the indexes of the set ${s} and keep the one estimated to cost
 * less per record.  ${s} must outlive the matcher, which reorders each
 * subscription's predicates in it (most selective first).  NULL, with
 * an ss_err ("out of memory indexing subscriptions"), if out of memory.
 */
struct ss_subs_matcher * ss_subs_matcher_new(struct ss_subs *);

/**
 * ss_subs_bind(m, names, lens, n):
 * Bind the fields the subscriptions of ${m} name to the ${n} columns
 * ${names}, as ss_expr_bind() does (the last column of a name); an
 * unknown name is an SS_EXIT_DATA error "no field 'NAME' in the input
 * stream".
 */
int ss_subs_bind(struct ss_subs_matcher *, const uint8_t * const *,
    const size_t *, size_t);

/**
 * ss_subs_match(m, row, ids, nids):
 * Find the subscriptions of the bound matcher ${m} that ${row} matches;
 * store their indexes, in file order, in ${*ids} (valid until the next
 * call) and their number in ${*nids}.  Return 0, or -1 (with an ss_err)
 * only if out of memory.
 */
int ss_subs_match(struct ss_subs_matcher *, const struct ss_expr_row *,
    const uint32_t **, size_t *);

/**
 * ss_subs_index(m, how, maxlayers):
 * Make ${m} use the index ${how}, SS_SUBS_PREDS or SS_SUBS_BITS with at
 * most ${maxlayers} layers per field (0: as many as SS_SUBS_BITS_MAX
 * bytes allow), instead of the one ss_subs_matcher_new() chose (for tests
 * and measurements: matching gives the same answers with any).  Return
 * 0, 1 if there is no bitset index for the set (no field has numeric
 * bounds or equalities, or the bitsets cannot fit), or -1 (with an
 * ss_err) if out of memory.
 */
int ss_subs_index(struct ss_subs_matcher *, int, size_t);

/**
 * ss_subs_index_kind(m):
 * The index ${m} uses: SS_SUBS_PREDS, SS_SUBS_BITS or SS_SUBS_BITS_MERGED.
 */
int ss_subs_index_kind(const struct ss_subs_matcher *);

/**
 * ss_subs_matcher_free(m):
 * Free ${m} (not its set).  NULL is allowed.
 */
void ss_subs_matcher_free(struct ss_subs_matcher *);

#endif /* !SS_SUBS_MATCH_H */
