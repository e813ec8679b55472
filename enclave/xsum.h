#ifndef SS_XSUM_H
#define SS_XSUM_H

/*
 * Exact sums of doubles, for ss-reduce: a sum is held as a short list of
 * non-overlapping parts in increasing magnitude whose exact total is the
 * exact sum of everything added (Shewchuk's expansions, as Python's
 * math.fsum keeps them).  Reading a sum rounds that total once, so the
 * result depends only on what was added, not on the order: partial sums
 * merged in any grouping give the same bits as one pass over all data.
 *
 * A sum that needs more than one part is rare (decimal data of mixed
 * magnitudes); its parts beyond the first two live on the heap, at most
 * SS_XSUM_PARTS of them, which is more than any finite doubles need.
 */

#include <stddef.h>
#include <stdint.h>

#define SS_XSUM_PARTS	64
/* Longest text of a sum: SS_XSUM_PARTS numbers and separators. */
#define SS_XSUM_TEXT_MAX	(SS_XSUM_PARTS * 32)

struct ss_xsum {
	double * heap;		/* the parts, when more than two */
	uint32_t n;		/* parts in use */
	uint32_t cap;		/* heap parts; 0 while inline */
	double in[2];
};

/**
 * ss_xsum_init(s):
 * Make ${s} an empty sum (zero).
 */
void ss_xsum_init(struct ss_xsum *);

/**
 * ss_xsum_add(s, x):
 * Add the finite ${x} to ${s} exactly.  A total beyond the range of a
 * double is an SS_EXIT_DATA error ("sum out of range").
 */
int ss_xsum_add(struct ss_xsum *, double);

/**
 * ss_xsum_add_product(s, a, b):
 * Add the exact product ${a} * ${b} to ${s} (a square, for variances).
 */
int ss_xsum_add_product(struct ss_xsum *, double, double);

/**
 * ss_xsum_add_sum(s, t):
 * Add the sum ${t} to ${s} exactly.
 */
int ss_xsum_add_sum(struct ss_xsum *, const struct ss_xsum *);

/**
 * ss_xsum_value(s):
 * The exact total of ${s}, rounded once to the nearest double.
 */
double ss_xsum_value(const struct ss_xsum *);

/**
 * ss_xsum_var(s1, s2, n, var):
 * The sample variance of ${n} >= 2 numbers whose sum is ${s1} and sum of
 * squares ${s2}: (n * s2 - s1 * s1) / (n * (n - 1)), with the numerator
 * computed exactly and rounded once, so that it never cancels badly and
 * is a function of the exact sums alone.  Stores it in ${var}.
 */
int ss_xsum_var(const struct ss_xsum *, const struct ss_xsum *, uint64_t,
    double *);

/**
 * ss_xsum_format(s, buf):
 * Write the parts of ${s} as text, "p1;p2;..." (each number in its
 * shortest exact form; "0" when empty) into ${buf}, which has room for
 * SS_XSUM_TEXT_MAX bytes; return the length.
 */
size_t ss_xsum_format(const struct ss_xsum *, char *);

/**
 * ss_xsum_parse(s, text, len):
 * Add the sum written by ss_xsum_format() as ${text} to ${s}.  Text
 * that is not such a sum is an SS_EXIT_DATA error.
 */
int ss_xsum_parse(struct ss_xsum *, const uint8_t *, size_t);

/**
 * ss_xsum_free(s):
 * Free the parts of ${s} on the heap; ${s} is empty afterwards.
 */
void ss_xsum_free(struct ss_xsum *);

#endif /* !SS_XSUM_H */
