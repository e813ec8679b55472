#ifndef SS_EXPR_H
#define SS_EXPR_H

/*
 * The expression language of every enclave filter (ss-expr(7)): field
 * references, literals, arithmetic, comparisons, && || !, "in" lists,
 * regular-expression matches and a few functions.  An expression is
 * compiled once, bound to the columns of a stream once, and then
 * evaluated on records without allocating: values are views of the
 * record's fields or of space the expression owns.
 *
 * Values are text until used.  A field's text is a number where a
 * number is needed only if all of it is one.  A comparison is numeric
 * if either side is, or reads as, a number; then a side that is not one
 * (an empty cell, "NA") makes it false, and only two pieces of text that
 * are not numbers compare bytewise.  != is always the negation of ==.
 * Arithmetic on text that is not a number gives no value, which is
 * empty text, and false in comparisons but !=.
 *
 * This is the compiling side, which the host uses to check expressions
 * too; expressions are bound and evaluated in the enclave
 * (enclave/expr_eval.h).
 */

#include <stddef.h>
#include <stdint.h>

/* What an expression must give. */
#define SS_EXPR_COND	1	/* a condition: true or false */
#define SS_EXPR_VALUE	2	/* anything; conditions read true/false */

/* Longest expression source, and most nodes in one expression. */
#define SS_EXPR_SRC_MAX	65536
#define SS_EXPR_NODES_MAX	4096

struct ss_expr;

/* Where and why compiling failed. */
struct ss_expr_err {
	size_t col;		/* byte column of the problem, from 1 */
	char msg[160];
};

/**
 * ss_expr_compile(src, len, want, err):
 * Compile the ${len} bytes ${src} into an expression that gives ${want}.
 * On failure return NULL and fill ${err} (or, out of memory, an ss_err
 * with ${err}->col 0).
 */
struct ss_expr * ss_expr_compile(const char *, size_t, int,
    struct ss_expr_err *);

/**
 * ss_expr_compile_assign(src, len, name, namelen, err):
 * Compile an assignment "NAME = EXPR"; store where the name is in ${src}
 * (unquoted: ${Arr Delay} gives "Arr Delay") in ${name}, ${namelen}.
 */
struct ss_expr * ss_expr_compile_assign(const char *, size_t, const char **,
    size_t *, struct ss_expr_err *);

/**
 * ss_expr_free(e):
 * Free ${e}.  NULL is allowed.
 */
void ss_expr_free(struct ss_expr *);

/**
 * ss_expr_number(s, len, x):
 * If the ${len} bytes ${s} are all one decimal number ("12", "-0.5",
 * "1e3"), store it in ${x} and return 1; else return 0.
 */
int ss_expr_number(const uint8_t *, size_t, double *);

/* Room for a number as text (ss_expr_format(), enclave/expr_eval.h). */
#define SS_EXPR_NUMBUF	32

/*
 * The parts of a condition, for indexes over many conditions (subs.h,
 * enclave/subs_match.h): the conditions joined by && at its top level,
 * whatever their grouping ("a > 1 && (b == 2 && c =~ \"x\")" has three
 * parts), or the whole condition if it is no &&.  A part that compares
 * a field with a constant can be read as FIELD op CONSTANT.
 */
#define SS_EXPR_EQ	1
#define SS_EXPR_NE	2
#define SS_EXPR_LT	3
#define SS_EXPR_LE	4
#define SS_EXPR_GT	5
#define SS_EXPR_GE	6

struct ss_expr_pred {
	int op;			/* SS_EXPR_EQ ... SS_EXPR_GE */
	const char * name;	/* the field's name (NUL-terminated) */
	size_t namelen;
	size_t field;		/* its column, once bound */
	int isnum;		/* the constant reads as a number, */
	double num;		/* this one; */
	const uint8_t * str;	/* else it is this text */
	size_t len;
};

/**
 * ss_expr_nparts(e):
 * The number of parts of the condition ${e} (0 if ${e} is a value).
 */
size_t ss_expr_nparts(const struct ss_expr *);

/**
 * ss_expr_part(e, i, pred):
 * If part ${i} of ${e} compares a field with a constant, either way round
 * ("x > 5", "5 < x", "x == -1.5", "x != \"NA\"", "x == \"7\""),
 * describe it in ${pred} as FIELD op CONSTANT and return 1; else return
 * 0.  A quoted constant that reads as a number is that number, as the
 * comparison treats it.  The part means, by the comparison rules: if the
 * constant is a number, the field reads as a number and op holds for it;
 * else the field does not read as a number and op holds bytewise; and
 * for SS_EXPR_NE, not SS_EXPR_EQ.  ${pred}'s pointers live as long as
 * ${e}.
 */
int ss_expr_part(const struct ss_expr *, size_t, struct ss_expr_pred *);

#endif /* !SS_EXPR_H */
