#ifndef SS_EXPR_TREE_H
#define SS_EXPR_TREE_H

/*
 * The compiled form of an expression (expr.h): an array of nodes, each
 * naming its operands by index, checked for types as it was built
 * (conditions and values do not mix).  The parser (expr_parse.c) builds
 * it; the enclave's evaluator (enclave/expr_eval.c) binds and walks it.
 * Nothing else should include this header.
 *
 * A node also holds the room its evaluation needs, so that evaluating
 * allocates nothing: a number it makes is formatted into its numbuf,
 * and lower()/upper() write into its scratch, which grows only when a
 * longer value than any before comes along.
 */

#include <stddef.h>
#include <stdint.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "expr.h"

/* Node kinds. */
enum {
	N_NUM, N_STR, N_BOOL, N_FIELD,
	N_NEG, N_NOT, N_AND, N_OR,
	N_ADD, N_SUB, N_MUL, N_DIV, N_MOD,
	N_EQ, N_NE, N_LT, N_LE, N_GT, N_GE,
	N_IN, N_MATCH, N_NMATCH, N_CALL
};

/* Functions (N_CALL). */
enum {
	F_PREFIX, F_SUFFIX, F_CONTAINS, F_IS_EMPTY, F_IS_NUM,
	F_LOWER, F_UPPER, F_LEN, F_SUBSTR,
	F_ABS, F_FLOOR, F_CEIL, F_ROUND, F_MIN, F_MAX
};

/* Static types: what a node gives. */
#define T_COND	1
#define T_VALUE	2

struct ss_expr_node {
	int kind;
	int type;		/* T_COND or T_VALUE */
	int fn;			/* N_CALL: F_* */
	uint32_t a, b;		/* operands; N_IN, N_CALL: first argument */
	uint32_t nargs;		/* N_IN, N_CALL: arguments in e->args */
	size_t col;		/* where it starts in the source, from 1 */
	double num;		/* N_NUM; N_BOOL; N_STR: caseless ("..."i) */
	char * str;		/* N_STR, N_FIELD (its name): owned */
	size_t len;
	size_t field;		/* N_FIELD: bound column */
	int bound;		/* N_FIELD: bound; N_STR: a pattern */
	pcre2_code * re;	/* N_MATCH, N_NMATCH */
	pcre2_match_data * md;
	char numbuf[SS_EXPR_NUMBUF];	/* this node's number, as text */
	uint8_t * scratch;	/* lower(), upper() */
	size_t scratchsize;
};

struct ss_expr {
	struct ss_expr_node * nodes;
	size_t nnodes, nodesize;
	uint32_t * args;	/* the arguments of N_IN and N_CALL nodes */
	size_t nargs, argsize;
	uint32_t root;
	uint32_t * parts;	/* a condition's top-level && operands */
	size_t nparts;
	pcre2_match_context * mctx;	/* limits for every regex */
};

#endif /* !SS_EXPR_TREE_H */
