#ifndef SS_EXPR_EVAL_H
#define SS_EXPR_EVAL_H

/*
 * Evaluating expressions of the language of expr.h (ss-expr(7)) inside
 * the enclave: an expression compiled with ss_expr_compile() is bound to
 * the columns of a stream once, and then evaluated on records without
 * allocating: values are views of the record's fields or of space the
 * expression owns.
 */

#include <stddef.h>
#include <stdint.h>

#include "batch.h"
#include "expr.h"

/**
 * ss_expr_bind(e, names, lens, n):
 * Bind the field references of ${e} to columns: field i (from 0) of a
 * record is named ${names}[i]; of several columns with one name, the
 * last (so that a field computed later hides an earlier one).  An
 * unknown name is an SS_EXIT_DATA error: "no field 'NAME' in the input
 * stream".
 */
int ss_expr_bind(struct ss_expr *, const uint8_t * const *, const size_t *,
    size_t);

/* A record: columns below b->nfields come from record ${rec} of ${b},
 * the rest from ${extra} (computed fields, in order). */
struct ss_expr_row {
	const struct ss_batch * b;
	size_t rec;
	const uint8_t * const * extra;
	const size_t * extralen;
};

/**
 * ss_expr_test(e, row):
 * Evaluate a bound condition on ${row}: 1 if it holds, 0 if not, -1
 * (with an ss_err) only if out of memory.
 */
int ss_expr_test(struct ss_expr *, const struct ss_expr_row *);

/**
 * ss_expr_text(e, row, len):
 * Evaluate a bound expression on ${row} and return its value as text
 * (${len} bytes, valid until the next evaluation of ${e}): numbers in
 * their shortest exact form, conditions as "true" or "false", no value
 * as empty text.  NULL, with an ss_err, only if out of memory.
 */
const uint8_t * ss_expr_text(struct ss_expr *, const struct ss_expr_row *,
    size_t *);

/**
 * ss_expr_test_part(e, i, row):
 * Evaluate part ${i} (expr.h: ss_expr_part()) of the bound condition ${e}
 * on ${row}, as ss_expr_test() does the whole.
 */
int ss_expr_test_part(struct ss_expr *, size_t, const struct ss_expr_row *);

/**
 * ss_expr_format(x, buf):
 * Write ${x} in its shortest form that reads back exactly (integers
 * without a point, "+Inf", "-Inf", "NaN") into ${buf}, which has room
 * for SS_EXPR_NUMBUF bytes; return the length (no NUL is counted).
 */
size_t ss_expr_format(double, char *);

#endif /* !SS_EXPR_EVAL_H */
