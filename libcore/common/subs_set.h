#ifndef SS_SUBS_SET_H
#define SS_SUBS_SET_H

/*
 * The layout of a subscription set as read from its file (subs.h): for
 * the code that reads it (subs_file.c) and for the enclave's indexes and
 * matching (enclave/subs_match.h), which build on it.  Nothing else
 * should include this header.
 *
 * Every subscription is a list of predicates, FIELD op CONSTANT, stored
 * together in s->preds, and maybe a rest: the parts of its condition
 * that are not predicates, evaluated by the expression that holds them.
 * A predicate's meaning is the comparison's (ss-expr(7)): with a number,
 * the field must read as a number and op hold; with text, the field must
 * not read as a number and op hold bytewise; != is never ==.
 *
 * Once read, a set does not grow: its arrays stay where they are.  The
 * enclave's index may reorder each subscription's predicates (within
 * s->preds[pred0 ...]), which nothing else reads.
 */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "expr.h"
#include "subs.h"

/* A predicate: FIELD op CONSTANT. */
struct ss_subs_pred {
	double num;		/* numeric constant */
	uint32_t attr;		/* field: index in s->attrs */
	uint32_t str, len;	/* text constant: in s->text */
	uint8_t op;		/* SS_EXPR_EQ ... */
	uint8_t isnum;
};

/* A subscription. */
struct ss_subs_entry {
	uint32_t id, idlen;	/* in s->text */
	uint32_t pred0, npred;	/* s->preds[pred0 ...] */
	uint32_t res0, nres;	/* the rest: parts s->res[res0 ...] of e */
	struct ss_expr * e;	/* NULL if there is no rest */
};

/* A field that predicates name. */
struct ss_subs_attr {
	uint32_t name, namelen;	/* in s->text */
};

struct ss_subs {
	struct ss_subs_entry * subs;
	size_t nsubs, subsize;
	struct ss_subs_pred * preds;
	size_t npreds, predsize;
	uint32_t * res;
	size_t nres, ressize;
	uint8_t * text;		/* IDs, field names, text constants */
	size_t ntext, textsize;
	struct ss_subs_attr * attrs;
	size_t nattrs, attrsize;

	/* While reading (NULL after): IDs and field names by hash
	 * (index + 1). */
	uint32_t * idmap;
	size_t idmapsize;
	uint32_t * attrmap;
	size_t attrmapsize;
};

/* Hashing: FNV-1a, then a finalizer to spread the bits. */

static inline uint64_t
ss_subs_mix64(uint64_t x)
{

	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return (x);
}

/* The hash of the ${len} bytes ${p}, seeded with ${h}. */
static inline uint64_t
ss_subs_hash_bytes(const uint8_t * p, size_t len, uint64_t h)
{
	size_t i;

	h ^= 0xcbf29ce484222325ULL;
	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return (ss_subs_mix64(h));
}

/* The hash of the number ${x} (-0 as 0), seeded with ${h}. */
static inline uint64_t
ss_subs_hash_num(double x, uint64_t h)
{
	uint64_t bits;

	if (x == 0)
		x = 0;		/* -0 == 0 */
	memcpy(&bits, &x, sizeof(bits));
	return (ss_subs_mix64(bits ^ ss_subs_mix64(h + 0x9e3779b97f4a7c15ULL)));
}

#endif /* !SS_SUBS_SET_H */
