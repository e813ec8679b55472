#ifndef SS_SUBS_INDEX_H
#define SS_SUBS_INDEX_H

/*
 * The indexes of a subscription set (subs_match.h): the layout of a
 * matcher, shared by the access-predicate index (subs_index.c), the
 * bitset index (subs_bits.c) and matching (subs_match.c), and the small
 * helpers more than one of them uses.  Nothing else should include this
 * header.
 */

#include <stddef.h>
#include <stdint.h>

#include "expr_eval.h"
#include "subs_match.h"
#include "subs_set.h"

/* Field ${a} of the set, in the indexes. */
struct ss_subs_attrix {
	size_t col;		/* bound column */
	uint32_t lo0, nlo;	/* "x >= lo": m->bounds[lo0 ...] */
	uint32_t hi0, nhi;	/* "x <= hi" */
	int eqnum, eqtext;	/* has equalities in the index */
	int bexact;		/* in the bitset index, no layers merged */
};

/* A field's value in the current record. */
struct ss_subs_aval {
	uint64_t gen;		/* read for record m->gen */
	int isnum;
	double num;
	const uint8_t * s;
	size_t len;
};

/* A slot of the equality table: subscriptions eqsubs[first ...]. */
struct ss_subs_eqslot {
	uint64_t hash;
	double num;
	uint32_t attr;
	uint32_t isnum;
	uint32_t str, len;
	uint32_t first, count;	/* count 0: empty slot */
};

/* The bitset index of one field (subs_bits.c). */
struct ss_subs_bitfield {
	uint32_t attr;
	uint32_t nconst;	/* distinct constants, ascending: */
	double * consts;
	uint32_t * layer;	/* region (2 * nconst + 1) -> layer */
	uint32_t nlayers;	/* with layer 0 */
	int exact;		/* no layers merged */
	uint32_t * tab;		/* or NULL; integer tmin + i -> layer */
	int64_t tmin;
	size_t ntab;
	uint64_t * bits;	/* nlayers * m->nwords, in m->bitmem */
};

struct ss_subs_matcher {
	struct ss_subs * s;		/* the set */
	struct ss_subs_attrix * attrs;	/* s->nattrs */
	/* The set's arrays that matching reads (they do not move). */
	const struct ss_subs_entry * subs;
	const struct ss_subs_pred * preds;
	const uint32_t * res;
	const uint8_t * text;

	/* The access-predicate index (subs_index.c). */
	double * bounds;
	uint32_t * boundsubs;
	struct ss_subs_eqslot * eq;
	size_t eqmask;
	uint32_t * eqsubs;
	uint64_t * always;	/* bits: no access predicate */
	size_t nwords;		/* of always and cand */
	uint32_t * accattrs;	/* fields with access predicates */
	size_t naccattrs;
	double predcost;	/* estimated, per record */

	/* The bitset index (subs_bits.c), if used (usebits). */
	int usebits;
	struct ss_subs_bitfield * bf;	/* in the order to AND them */
	size_t nbf;
	uint64_t * bitmem;
	uint8_t * needcheck;	/* bits: check after the AND */

	/* Matching (subs_match.c). */
	int bound;
	struct ss_subs_aval * vals;
	uint64_t gen;
	uint32_t * out;
	size_t nout;
	uint64_t * cand;	/* bits: the record's candidates */
};

/**
 * ss_subs_preds_build(m):
 * Build the access-predicate index of ${m}, whose attrs are allocated
 * and zero, and what matching needs (vals, out, cand); sort each
 * subscription's predicates, most selective first.  Its estimated cost
 * per record goes in m->predcost.  0, or -1 with an ss_err if out of
 * memory.
 */
int ss_subs_preds_build(struct ss_subs_matcher *);

/**
 * ss_subs_bits_build(m, maxlayers, cost):
 * Build the bitset index of ${m}, after ss_subs_preds_build(), with at
 * most ${maxlayers} layers per field (0: as many as SS_SUBS_BITS_MAX
 * allows).  Return 1 if built, 0 if there is nothing to index or it
 * cannot be made to fit, -1 (with an ss_err) if out of memory.  Its
 * estimated cost per record, in *${cost}.
 */
int ss_subs_bits_build(struct ss_subs_matcher *, size_t, double *);

/**
 * ss_subs_bits_free(m):
 * Free the bitset index of ${m}, if it has one, and stop using it.
 */
void ss_subs_bits_free(struct ss_subs_matcher *);

/* For ss_heapsort(): doubles, ascending. */
static inline int
ss_subs_cmp_double(const void * a, const void * b, void * arg)
{
	double x = *(const double *)a, y = *(const double *)b;

	(void)arg;
	return ((x < y) ? -1 : (x > y));
}

/* How many of the ${n} ascending ${b} are < ${v} (with ${le}, <=). */
static inline size_t
ss_subs_rank(const double * b, size_t n, double v, int le)
{
	size_t lo = 0, half;

	while (n > 0) {
		half = n / 2;
		if (le ? b[lo + half] <= v : b[lo + half] < v) {
			lo += half + 1;
			n -= half + 1;
		} else
			n = half;
	}
	return (lo);
}

/* The region of ${v} among the ${m} ascending constants ${c}: 2j below
 * c[j] (and above c[j - 1]), 2j + 1 at c[j]. */
static inline size_t
ss_subs_region(const double * c, size_t m, double v)
{
	size_t j = ss_subs_rank(c, m, v, 0);

	return (2 * j + (j < m && c[j] == v));
}

/* Is ${p} an indexed predicate (of the bitset index)? */
static inline int
ss_subs_indexed(const struct ss_subs_pred * p)
{

	return (p->isnum && p->op != SS_EXPR_NE);
}

/* The hash of an equality's key: field ${attr} and a constant. */
static inline uint64_t
ss_subs_eq_hash(uint32_t attr, int isnum, double num, const uint8_t * str,
    size_t len)
{

	return (isnum ? ss_subs_hash_num(num, attr) :
	    ss_subs_hash_bytes(str, len, attr));
}

#endif /* !SS_SUBS_INDEX_H */
