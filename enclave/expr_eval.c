/*
 * The expression language's evaluator (expr_eval.h): binding a compiled
 * expression (expr_tree.h) to a stream's columns, and walking its nodes
 * on a record.  Evaluation allocates nothing: field values are views of
 * the record, numbers are formatted into the node that made them, and
 * lower()/upper() write into space their node owns.
 */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "expr.h"
#include "expr_eval.h"
#include "expr_tree.h"
#include "grow.h"

/* Binding. */

int
ss_expr_bind(struct ss_expr * e, const uint8_t * const * names,
    const size_t * lens, size_t n)
{
	struct ss_expr_node * nd;
	size_t i, j;

	for (i = 0; i < e->nnodes; i++) {
		nd = &e->nodes[i];
		if (nd->kind != N_FIELD)
			continue;
		/* The last column of the name: a computed one hides. */
		for (j = n; j > 0; j--)
			if (lens[j - 1] == nd->len &&
			    memcmp(names[j - 1], nd->str, nd->len) == 0)
				break;
		if (j == 0) {
			ss_err_set(SS_EXIT_DATA, "no field '%s' in the input "
			    "stream", nd->str);
			return (-1);
		}
		nd->field = j - 1;
		nd->bound = 1;
	}
	return (0);
}

/* Numbers as text. */

size_t
ss_expr_format(double x, char * buf)
{
	int p, n = 0;

	if (isnan(x))
		return ((size_t)snprintf(buf, SS_EXPR_NUMBUF, "NaN"));
	if (isinf(x))
		return ((size_t)snprintf(buf, SS_EXPR_NUMBUF, "%sInf",
		    (x < 0) ? "-" : "+"));
	if (x == 0)
		x = 0;		/* no "-0" */
	if (x == floor(x) && fabs(x) < 1e15)
		return ((size_t)snprintf(buf, SS_EXPR_NUMBUF, "%.0f", x));
	for (p = 15; p <= 17; p++) {
		n = snprintf(buf, SS_EXPR_NUMBUF, "%.*g", p, x);
		if (strtod(buf, NULL) == x)
			break;
	}
	return ((size_t)n);
}

/* Evaluation. */

/* Values while evaluating. */
enum { V_NA, V_NUM, V_TEXT, V_BOOL };

struct val {
	int t;
	double n;
	const uint8_t * s;
	size_t len;
};

static int eval(struct ss_expr *, uint32_t, const struct ss_expr_row *,
    struct val *);
static int test(struct ss_expr *, uint32_t, const struct ss_expr_row *);

/* The value as a number, if it is one. */
static int
numeric(const struct val * v, double * x)
{

	switch (v->t) {
	case V_NUM:
		*x = v->n;
		return (1);
	case V_TEXT:
		return (ss_expr_number(v->s, v->len, x));
	default:
		return (0);
	}
}

/* The value as text; numbers are formatted into node ${i}. */
static void
text(struct ss_expr * e, uint32_t i, struct val * v)
{
	struct ss_expr_node * n = &e->nodes[i];

	switch (v->t) {
	case V_NUM:
		v->len = ss_expr_format(v->n, n->numbuf);
		v->s = (const uint8_t *)n->numbuf;
		break;
	case V_BOOL:
		v->s = (const uint8_t *)(v->n != 0 ? "true" : "false");
		v->len = (v->n != 0) ? 4 : 5;
		break;
	case V_NA:
		v->s = (const uint8_t *)"";
		v->len = 0;
		break;
	default:
		break;
	}
}

/* Compare two values: -1, 0, 1, or 2 if they cannot be compared. */
static int
compare(struct ss_expr * e, uint32_t ia, struct val * a, uint32_t ib,
    struct val * b)
{
	double x, y;
	size_t n;
	int c, xnum, ynum;

	if (a->t == V_NA || b->t == V_NA)
		return (2);
	/*
	 * A comparison is numeric if either side is a number or reads as
	 * one; then a side that is not a number gives no answer.  Only
	 * two pieces of text that are not numbers compare as text.
	 */
	xnum = numeric(a, &x);
	ynum = numeric(b, &y);
	if (xnum && ynum)
		return ((x < y) ? -1 : (x > y) ? 1 : (x == y) ? 0 : 2);
	if (xnum || ynum)
		return (2);
	text(e, ia, a);
	text(e, ib, b);
	n = (a->len < b->len) ? a->len : b->len;
	if ((c = (n > 0) ? memcmp(a->s, b->s, n) : 0) != 0)
		return ((c < 0) ? -1 : 1);
	return ((a->len < b->len) ? -1 : (a->len > b->len) ? 1 : 0);
}

/* Bytes of the UTF-8 character starting at ${s}[0] (at least 1). */
static size_t
utf8_next(const uint8_t * s, size_t len)
{
	size_t i = 1;

	while (i < len && (s[i] & 0xc0) == 0x80)
		i++;
	return (i);
}

static size_t
utf8_count(const uint8_t * s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			n++;
	return (n);
}

/* substr(s, m, n): characters m to n, from 0, both included; negative
 * indexes count from the end (-1 is the last); a range that runs past
 * either end is cut to the string, as in Miller. */
static void
substr(struct val * v, double m, double n)
{
	size_t count = utf8_count(v->s, v->len), i, pos, from = 0, to = 0;
	double lo = floor(m), hi = floor(n);

	if (lo < 0)
		lo += (double)count;
	if (hi < 0)
		hi += (double)count;
	if (lo < 0)
		lo = 0;
	if (hi < lo || lo >= (double)count) {
		v->len = 0;
		return;
	}
	if (hi >= (double)count)
		hi = (double)count - 1;
	for (i = 0, pos = 0; pos < v->len; i++) {
		if (i == (size_t)lo)
			from = pos;
		pos += utf8_next(v->s + pos, v->len - pos);
		if (i == (size_t)hi) {
			to = pos;
			break;
		}
	}
	v->s += from;
	v->len = to - from;
}

/* prefix(a, b), suffix(a, b), contains(a, b) of node ${n} on ${a} and
 * ${b}, the values of its arguments ${args}, into ${v}. */
static void
affix(struct ss_expr * e, const struct ss_expr_node * n,
    const uint32_t * args, struct val * a, struct val * b, struct val * v)
{

	text(e, args[0], a);
	text(e, args[1], b);
	v->t = V_BOOL;
	if (b->len > a->len)
		v->n = 0;
	else if (n->fn == F_PREFIX)
		v->n = (b->len == 0 || memcmp(a->s, b->s, b->len) == 0);
	else if (n->fn == F_SUFFIX)
		v->n = (b->len == 0 ||
		    memcmp(a->s + a->len - b->len, b->s, b->len) == 0);
	else
		v->n = (b->len == 0 || memmem(a->s, a->len, b->s,
		    b->len) != NULL);
}

/* lower(a), upper(a) of node ${n} on ${a}, the value of its argument
 * ${arg}, into ${v}: in the node's scratch.  0, or -1 if out of memory. */
static int
change_case(struct ss_expr * e, struct ss_expr_node * n, uint32_t arg,
    struct val * a, struct val * v)
{
	size_t k;

	text(e, arg, a);
	if (ss_grow(&n->scratch, &n->scratchsize, a->len, 1))
		return (-1);
	for (k = 0; k < a->len; k++) {
		uint8_t ch = a->s[k];

		if (n->fn == F_LOWER && ch >= 'A' && ch <= 'Z')
			ch = (uint8_t)(ch + 32);
		else if (n->fn == F_UPPER && ch >= 'a' && ch <= 'z')
			ch = (uint8_t)(ch - 32);
		n->scratch[k] = ch;
	}
	v->t = V_TEXT;
	v->s = (a->len > 0) ? n->scratch : (const uint8_t *)"";
	v->len = a->len;
	return (0);
}

/* min(...), max(...) of node ${n}, whose first argument's value is
 * ${a}, into ${v}.  0, or -1 on error. */
static int
min_max(struct ss_expr * e, const struct ss_expr_node * n,
    const uint32_t * args, const struct ss_expr_row * row, struct val * a,
    struct val * v)
{
	double x, y = 0;
	size_t k;
	int any = 0;

	/* Values that are not numbers are left out. */
	for (k = 0; k < n->nargs; k++) {
		if (k > 0 && eval(e, args[k], row, a))
			return (-1);
		if (!numeric(a, &x))
			continue;
		if (!any || (n->fn == F_MIN ? x < y : x > y))
			y = x;
		any = 1;
	}
	if (any) {
		v->t = V_NUM;
		v->n = y;
	}
	return (0);
}

/* Call node ${i}, a function, on ${row}, into ${v}.  0, or -1 on
 * error. */
static int
call(struct ss_expr * e, uint32_t i, const struct ss_expr_row * row,
    struct val * v)
{
	struct ss_expr_node * n = &e->nodes[i];
	const uint32_t * args = &e->args[n->a];
	struct val a, b, c;
	double x, y, z;

	if (eval(e, args[0], row, &a))
		return (-1);
	v->t = V_NA;
	switch (n->fn) {
	case F_PREFIX:
	case F_SUFFIX:
	case F_CONTAINS:
		if (eval(e, args[1], row, &b))
			return (-1);
		affix(e, n, args, &a, &b, v);
		return (0);
	case F_IS_EMPTY:
		v->t = V_BOOL;
		v->n = (a.t == V_NA || (a.t == V_TEXT && a.len == 0));
		return (0);
	case F_IS_NUM:
		v->t = V_BOOL;
		v->n = numeric(&a, &x) && isfinite(x);
		return (0);
	case F_LOWER:
	case F_UPPER:
		return (change_case(e, n, args[0], &a, v));
	case F_LEN:
		text(e, args[0], &a);
		v->t = V_NUM;
		v->n = (double)utf8_count(a.s, a.len);
		return (0);
	case F_SUBSTR:
		if (eval(e, args[1], row, &b) || eval(e, args[2], row, &c))
			return (-1);
		if (!numeric(&b, &y) || !numeric(&c, &z))
			return (0);
		text(e, args[0], &a);
		*v = a;
		v->t = V_TEXT;
		substr(v, y, z);
		return (0);
	case F_ABS:
	case F_FLOOR:
	case F_CEIL:
	case F_ROUND:
		if (!numeric(&a, &x))
			return (0);
		v->t = V_NUM;
		v->n = (n->fn == F_ABS) ? fabs(x) : (n->fn == F_FLOOR) ?
		    floor(x) : (n->fn == F_CEIL) ? ceil(x) : round(x);
		return (0);
	case F_MIN:
	case F_MAX:
		return (min_max(e, n, args, row, &a, v));
	}
	return (0);
}

static int
arith(int kind, double x, double y, double * r)
{

	switch (kind) {
	case N_ADD:
		*r = x + y;
		break;
	case N_SUB:
		*r = x - y;
		break;
	case N_MUL:
		*r = x * y;
		break;
	case N_DIV:
		if (y == 0)
			return (0);
		*r = x / y;
		break;
	default:
		/* The remainder takes the sign of the divisor, as in Miller. */
		if (y == 0)
			return (0);
		*r = fmod(x, y);
		if (*r != 0 && ((*r < 0) != (y < 0)))
			*r += y;
		break;
	}
	return (isfinite(*r));
}

static int
eval(struct ss_expr * e, uint32_t i, const struct ss_expr_row * row,
    struct val * v)
{
	struct ss_expr_node * n = &e->nodes[i];
	struct val a, b;
	double x, y;
	int r;

	switch (n->kind) {
	case N_NUM:
		v->t = V_NUM;
		v->n = n->num;
		return (0);
	case N_STR:
		v->t = V_TEXT;
		v->s = (const uint8_t *)n->str;
		v->len = n->len;
		return (0);
	case N_FIELD:
		v->t = V_TEXT;
		if (n->field < row->b->nfields)
			v->s = ss_batch_field(row->b, row->rec, n->field,
			    &v->len);
		else {
			v->s = row->extra[n->field - row->b->nfields];
			v->len = row->extralen[n->field - row->b->nfields];
		}
		return (0);
	case N_NEG:
		if (eval(e, n->a, row, &a))
			return (-1);
		v->t = V_NA;
		if (numeric(&a, &x)) {
			v->t = V_NUM;
			v->n = -x;
		}
		return (0);
	case N_ADD:
	case N_SUB:
	case N_MUL:
	case N_DIV:
	case N_MOD:
		if (eval(e, n->a, row, &a) || eval(e, n->b, row, &b))
			return (-1);
		v->t = V_NA;
		if (numeric(&a, &x) && numeric(&b, &y) &&
		    arith(n->kind, x, y, &v->n))
			v->t = V_NUM;
		return (0);
	case N_CALL:
		if (n->type == T_VALUE)
			return (call(e, i, row, v));
		break;
	default:
		break;
	}
	/* A condition used as a value. */
	if ((r = test(e, i, row)) == -1)
		return (-1);
	v->t = V_BOOL;
	v->n = r;
	return (0);
}

/* Evaluate condition ${i}: 1, 0, or -1 on error. */
static int
test(struct ss_expr * e, uint32_t i, const struct ss_expr_row * row)
{
	struct ss_expr_node * n = &e->nodes[i];
	struct val a, b;
	uint32_t k;
	int r, c;

	switch (n->kind) {
	case N_BOOL:
		return (n->num != 0);
	case N_NOT:
		if ((r = test(e, n->a, row)) == -1)
			return (-1);
		return (!r);
	case N_AND:
		if ((r = test(e, n->a, row)) != 1)
			return (r);
		return (test(e, n->b, row));
	case N_OR:
		if ((r = test(e, n->a, row)) != 0)
			return (r);
		return (test(e, n->b, row));
	case N_EQ:
	case N_NE:
	case N_LT:
	case N_LE:
	case N_GT:
	case N_GE:
		if (eval(e, n->a, row, &a) || eval(e, n->b, row, &b))
			return (-1);
		/* No answer: false, but != is always the negation of ==. */
		if ((c = compare(e, n->a, &a, n->b, &b)) == 2)
			return (n->kind == N_NE);
		switch (n->kind) {
		case N_EQ:
			return (c == 0);
		case N_NE:
			return (c != 0);
		case N_LT:
			return (c < 0);
		case N_LE:
			return (c <= 0);
		case N_GT:
			return (c > 0);
		default:
			return (c >= 0);
		}
	case N_IN:
		if (eval(e, n->b, row, &a))
			return (-1);
		for (k = 0; k < n->nargs; k++) {
			if (eval(e, e->args[n->a + k], row, &b))
				return (-1);
			if (compare(e, n->b, &a, e->args[n->a + k], &b) == 0)
				return (1);
		}
		return (0);
	case N_MATCH:
	case N_NMATCH:
		if (eval(e, n->a, row, &a))
			return (-1);
		if (a.t == V_NA)
			return (0);
		text(e, n->a, &a);
		r = pcre2_match(n->re, a.s, a.len, 0, 0, n->md, e->mctx);
		if (r < 0 && r != PCRE2_ERROR_NOMATCH) {
			/* Too much backtracking: neither match nor not. */
			return (0);
		}
		return ((r >= 0) == (n->kind == N_MATCH));
	case N_CALL:
		if (call(e, i, row, &a))
			return (-1);
		return (a.t == V_BOOL && a.n != 0);
	default:
		/* The parser lets no value through as a condition. */
		return (0);
	}
}

int
ss_expr_test(struct ss_expr * e, const struct ss_expr_row * row)
{

	return (test(e, e->root, row));
}

const uint8_t *
ss_expr_text(struct ss_expr * e, const struct ss_expr_row * row,
    size_t * len)
{
	struct val v;

	if (eval(e, e->root, row, &v))
		return (NULL);
	text(e, e->root, &v);
	*len = v.len;
	return (v.s);
}

int
ss_expr_test_part(struct ss_expr * e, size_t i, const struct ss_expr_row * row)
{

	return (test(e, e->parts[i], row));
}
