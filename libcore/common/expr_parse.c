/*
 * The expression language's parser (expr.h): a recursive-descent parser
 * that builds the nodes of expr_tree.h, checked for types as it goes
 * (conditions and values do not mix), with every regular expression
 * compiled; the parts of a condition; and reading numbers.  Binding and
 * evaluating are the enclave's (enclave/expr_eval.c).
 */

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "expr.h"
#include "expr_tree.h"

static const struct func {
	const char * name;
	int fn;
	unsigned minargs, maxargs;
	int type;
} funcs[] = {
	{ "prefix", F_PREFIX, 2, 2, T_COND },
	{ "suffix", F_SUFFIX, 2, 2, T_COND },
	{ "contains", F_CONTAINS, 2, 2, T_COND },
	{ "is_empty", F_IS_EMPTY, 1, 1, T_COND },
	{ "is_num", F_IS_NUM, 1, 1, T_COND },
	{ "lower", F_LOWER, 1, 1, T_VALUE },
	{ "tolower", F_LOWER, 1, 1, T_VALUE },
	{ "upper", F_UPPER, 1, 1, T_VALUE },
	{ "toupper", F_UPPER, 1, 1, T_VALUE },
	{ "len", F_LEN, 1, 1, T_VALUE },
	{ "strlen", F_LEN, 1, 1, T_VALUE },
	{ "substr", F_SUBSTR, 3, 3, T_VALUE },
	{ "abs", F_ABS, 1, 1, T_VALUE },
	{ "floor", F_FLOOR, 1, 1, T_VALUE },
	{ "ceil", F_CEIL, 1, 1, T_VALUE },
	{ "round", F_ROUND, 1, 1, T_VALUE },
	{ "min", F_MIN, 1, 64, T_VALUE },
	{ "max", F_MAX, 1, 64, T_VALUE },
};

/* The parser. */

enum {
	K_END, K_NUM, K_STR, K_FIELD, K_IDENT, K_OP
};

struct parser {
	struct ss_expr * e;
	const char * src;
	size_t len;
	size_t pos;
	/* The current token. */
	int tok;
	size_t tpos, tlen;	/* where it is in src */
	char op[4];		/* K_OP: the operator */
	double num;		/* K_NUM */
	const char * name;	/* K_FIELD, K_IDENT: the name */
	size_t namelen;
	char * str;		/* K_STR: decoded, owned until taken */
	size_t strlen;
	int caseless;		/* K_STR: "..."i */
	int depth;
	/*
	 * The arguments of the calls and lists being parsed: an argument
	 * that has calls of its own adds their arguments to e->args first,
	 * so each list is kept here until its ')' and then added whole.
	 */
	uint32_t * pending;
	size_t npending, pendingsize;
	struct ss_expr_err * err;
	int failed;
};

static int fail(struct parser *, size_t, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(struct parser * p, size_t pos, const char * fmt, ...)
{
	va_list ap;

	if (p->failed)
		return (-1);
	p->failed = 1;
	p->err->col = pos + 1;
	va_start(ap, fmt);
	vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
	va_end(ap);
	return (-1);
}

/* Out of memory: an ss_err, and column 0. */
static int
fail_nomem(struct parser * p)
{

	if (!p->failed) {
		p->failed = 1;
		p->err->col = 0;
		snprintf(p->err->msg, sizeof(p->err->msg), "out of memory");
		ss_err_set(SS_EXIT_SYS, "out of memory compiling an "
		    "expression");
	}
	return (-1);
}

static int
is_ident_start(int c)
{

	return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_');
}

static int
is_ident(int c)
{

	return (is_ident_start(c) || (c >= '0' && c <= '9'));
}

/* Describe the current token for a message. */
static const char *
tokname(struct parser * p, char * buf, size_t size)
{
	size_t n = p->tlen;

	if (p->tok == K_END)
		return ("the end");
	if (n > 20)
		n = 20;
	snprintf(buf, size, "'%.*s%s'", (int)n, p->src + p->tpos,
	    (n < p->tlen) ? "..." : "");
	return (buf);
}

/* A string literal at p->pos (on its opening quote). */
static int
lex_string(struct parser * p)
{
	char q = p->src[p->pos];
	size_t i = p->pos + 1, n = 0;
	char * s, * t;

	if ((s = malloc(p->len - p->pos + 1)) == NULL)
		return (fail_nomem(p));
	for (;;) {
		if (i >= p->len) {
			free(s);
			return (fail(p, p->pos, "unterminated string"));
		}
		if (p->src[i] == q)
			break;
		if (p->src[i] == '\\' && i + 1 < p->len) {
			/*
			 * \n, \t, \\ and the quote; any other backslash
			 * stays, for regular expressions ("\d+").
			 */
			switch (p->src[i + 1]) {
			case 'n':
				s[n++] = '\n';
				i += 2;
				continue;
			case 't':
				s[n++] = '\t';
				i += 2;
				continue;
			case '\\':
				s[n++] = '\\';
				i += 2;
				continue;
			default:
				if (p->src[i + 1] == q) {
					s[n++] = q;
					i += 2;
					continue;
				}
				break;
			}
		}
		s[n++] = p->src[i++];
	}
	/* Keep only what the string needs, not room for all the source. */
	if ((t = realloc(s, n + 1)) != NULL)
		s = t;
	p->str = s;
	p->strlen = n;
	p->caseless = 0;
	p->pos = i + 1;
	if (p->pos < p->len && p->src[p->pos] == 'i' &&
	    (p->pos + 1 >= p->len || !is_ident(p->src[p->pos + 1]))) {
		p->caseless = 1;
		p->pos++;
	}
	p->tok = K_STR;
	return (0);
}

/* A number at p->pos. */
static int
lex_number(struct parser * p)
{
	size_t i = p->pos;

	while (i < p->len && (is_ident(p->src[i]) || p->src[i] == '.' ||
	    ((p->src[i] == '+' || p->src[i] == '-') &&
	    (p->src[i - 1] == 'e' || p->src[i - 1] == 'E'))))
		i++;
	if (!ss_expr_number((const uint8_t *)p->src + p->pos, i - p->pos,
	    &p->num))
		return (fail(p, p->pos, "bad number '%.*s'",
		    (int)(i - p->pos), p->src + p->pos));
	p->pos = i;
	p->tok = K_NUM;
	return (0);
}

/* The next token. */
static int
next(struct parser * p)
{
	static const char * const ops[] = {
		"!=~", "==", "!=", "<=", ">=", "&&", "||", "=~",
		"+", "-", "*", "/", "%", "<", ">", "!", "(", ")", ",", "=",
	};
	const char * s = p->src;
	size_t i, n;

	free(p->str);
	p->str = NULL;
	while (p->pos < p->len && (s[p->pos] == ' ' || s[p->pos] == '\t' ||
	    s[p->pos] == '\n' || s[p->pos] == '\r'))
		p->pos++;
	p->tpos = p->pos;
	if (p->pos >= p->len) {
		p->tok = K_END;
		p->tlen = 0;
		return (0);
	}
	if (s[p->pos] == '"' || s[p->pos] == '\'') {
		if (lex_string(p))
			return (-1);
	} else if ((s[p->pos] >= '0' && s[p->pos] <= '9') ||
	    (s[p->pos] == '.' && p->pos + 1 < p->len &&
	    s[p->pos + 1] >= '0' && s[p->pos + 1] <= '9')) {
		if (lex_number(p))
			return (-1);
	} else if (s[p->pos] == '$' && p->pos + 1 < p->len &&
	    s[p->pos + 1] == '{') {
		for (i = p->pos + 2; i < p->len && s[i] != '}'; i++)
			;
		if (i >= p->len)
			return (fail(p, p->pos, "unterminated ${...} field "
			    "name"));
		if (i == p->pos + 2)
			return (fail(p, p->pos, "empty field name"));
		p->name = s + p->pos + 2;
		p->namelen = i - p->pos - 2;
		p->pos = i + 1;
		p->tok = K_FIELD;
	} else if (s[p->pos] == '$') {
		for (i = p->pos + 1; i < p->len && is_ident(s[i]); i++)
			;
		if (i == p->pos + 1)
			return (fail(p, p->pos, "expected a field name after "
			    "'$'"));
		p->name = s + p->pos + 1;
		p->namelen = i - p->pos - 1;
		p->pos = i;
		p->tok = K_FIELD;
	} else if (is_ident_start(s[p->pos])) {
		for (i = p->pos; i < p->len && is_ident(s[i]); i++)
			;
		p->name = s + p->pos;
		p->namelen = i - p->pos;
		p->pos = i;
		p->tok = K_IDENT;
	} else {
		for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
			n = strlen(ops[i]);
			if (p->len - p->pos >= n &&
			    memcmp(s + p->pos, ops[i], n) == 0)
				break;
		}
		if (i == sizeof(ops) / sizeof(ops[0])) {
			if ((unsigned char)s[p->pos] < 0x20 ||
			    (unsigned char)s[p->pos] >= 0x7f)
				return (fail(p, p->pos, "unexpected byte "
				    "0x%02x", (unsigned char)s[p->pos]));
			return (fail(p, p->pos, "unexpected character '%c'",
			    s[p->pos]));
		}
		memcpy(p->op, ops[i], n + 1);
		p->pos += n;
		p->tok = K_OP;
	}
	p->tlen = p->pos - p->tpos;
	return (0);
}

static int
is_op(const struct parser * p, const char * op)
{

	return (p->tok == K_OP && strcmp(p->op, op) == 0);
}

static int
is_word(const struct parser * p, const char * w)
{

	return (p->tok == K_IDENT && p->namelen == strlen(w) &&
	    memcmp(p->name, w, p->namelen) == 0);
}

/* A new node; its index in ${*i}. */
static int
node(struct parser * p, int kind, int type, size_t pos, uint32_t * i)
{
	struct ss_expr * e = p->e;
	struct ss_expr_node * n;
	size_t size;

	if (e->nnodes == SS_EXPR_NODES_MAX)
		return (fail(p, pos, "expression too large (more than %d "
		    "parts)", SS_EXPR_NODES_MAX));
	if (e->nnodes == e->nodesize) {
		size = e->nodesize ? e->nodesize * 2 : 16;
		if ((n = realloc(e->nodes, size * sizeof(*n))) == NULL)
			return (fail_nomem(p));
		e->nodes = n;
		e->nodesize = size;
	}
	n = &e->nodes[e->nnodes];
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->type = type;
	n->col = pos + 1;
	*i = (uint32_t)e->nnodes++;
	return (0);
}

static int
add_arg(struct parser * p, uint32_t a)
{
	struct ss_expr * e = p->e;
	uint32_t * n;
	size_t size;

	if (e->nargs == e->argsize) {
		size = e->argsize ? e->argsize * 2 : 16;
		if ((n = realloc(e->args, size * sizeof(*n))) == NULL)
			return (fail_nomem(p));
		e->args = n;
		e->argsize = size;
	}
	e->args[e->nargs++] = a;
	return (0);
}

/* Node ${i} must give ${type}. */
static int
want(struct parser * p, uint32_t i, int type)
{
	const struct ss_expr_node * n = &p->e->nodes[i];

	if (n->type == type)
		return (0);
	if (type == T_COND)
		return (fail(p, n->col - 1, "expected a condition (a "
		    "comparison or a test), not a value"));
	return (fail(p, n->col - 1, "expected a value, not a condition"));
}

static int
add_pending(struct parser * p, uint32_t a)
{
	uint32_t * n;
	size_t size;

	if (p->npending == p->pendingsize) {
		size = p->pendingsize ? p->pendingsize * 2 : 16;
		if ((n = realloc(p->pending, size * sizeof(*n))) == NULL)
			return (fail_nomem(p));
		p->pending = n;
		p->pendingsize = size;
	}
	p->pending[p->npending++] = a;
	return (0);
}

static int parse_or(struct parser *, uint32_t *);

/* Arguments "( a, b, ... )" after a function name or "in". */
static int
parse_args(struct parser * p, uint32_t * first, uint32_t * nargs,
    int type)
{
	size_t base = p->npending, k;
	uint32_t a;

	if (!is_op(p, "("))
		return (fail(p, p->tpos, "expected '('"));
	if (next(p))
		return (-1);
	if (!is_op(p, ")")) {
		for (;;) {
			if (parse_or(p, &a) || want(p, a, type) ||
			    add_pending(p, a))
				return (-1);
			if (is_op(p, ")"))
				break;
			if (!is_op(p, ","))
				return (fail(p, p->tpos,
				    "expected ',' or ')'"));
			if (next(p))
				return (-1);
		}
	}
	/* This list's arguments, together, after those of its arguments. */
	*first = (uint32_t)p->e->nargs;
	*nargs = (uint32_t)(p->npending - base);
	for (k = base; k < p->npending; k++)
		if (add_arg(p, p->pending[k]))
			return (-1);
	p->npending = base;
	return (next(p));
}

static int
parse_call(struct parser * p, uint32_t * i)
{
	char buf[32];
	size_t pos = p->tpos, k;
	const struct func * f = NULL;
	struct ss_expr_node * n;
	uint32_t first, nargs;

	for (k = 0; k < sizeof(funcs) / sizeof(funcs[0]); k++)
		if (strlen(funcs[k].name) == p->namelen &&
		    memcmp(funcs[k].name, p->name, p->namelen) == 0)
			f = &funcs[k];
	if (f == NULL)
		return (fail(p, pos, "unknown function '%.*s'",
		    (int)p->namelen, p->name));
	if (next(p) || parse_args(p, &first, &nargs, T_VALUE))
		return (-1);
	if (nargs < f->minargs || nargs > f->maxargs) {
		if (f->minargs == f->maxargs)
			snprintf(buf, sizeof(buf), "%u", f->minargs);
		else
			snprintf(buf, sizeof(buf), "%u to %u", f->minargs,
			    f->maxargs);
		return (fail(p, pos, "%s() takes %s argument%s, not %u",
		    f->name, buf, (f->maxargs == 1) ? "" : "s", nargs));
	}
	if (node(p, N_CALL, f->type, pos, i))
		return (-1);
	n = &p->e->nodes[*i];
	n->fn = f->fn;
	n->a = first;
	n->nargs = nargs;
	return (0);
}

/* Is the name of the current token followed by '(' (a call)? */
static int
before_paren(const struct parser * p)
{
	size_t i = p->pos;

	while (i < p->len && (p->src[i] == ' ' || p->src[i] == '\t' ||
	    p->src[i] == '\n' || p->src[i] == '\r'))
		i++;
	return (i < p->len && p->src[i] == '(');
}

/* A field reference node, named by the current token. */
static int
field_node(struct parser * p, size_t pos, uint32_t * i)
{
	struct ss_expr_node * n;

	if (node(p, N_FIELD, T_VALUE, pos, i))
		return (-1);
	n = &p->e->nodes[*i];
	if ((n->str = malloc(p->namelen + 1)) == NULL)
		return (fail_nomem(p));
	memcpy(n->str, p->name, p->namelen);
	n->str[p->namelen] = '\0';
	n->len = p->namelen;
	return (0);
}

/* A number, a string, true, false, a field, a call or "( ... )". */
static int
parse_primary(struct parser * p, uint32_t * i)
{
	char buf[32];
	size_t pos = p->tpos;
	struct ss_expr_node * n;

	switch (p->tok) {
	case K_NUM:
		if (node(p, N_NUM, T_VALUE, pos, i))
			return (-1);
		p->e->nodes[*i].num = p->num;
		break;
	case K_STR:
		if (node(p, N_STR, T_VALUE, pos, i))
			return (-1);
		n = &p->e->nodes[*i];
		n->str = p->str;
		n->len = p->strlen;
		n->num = p->caseless;
		p->str = NULL;
		break;
	case K_IDENT:
		if (is_word(p, "true") || is_word(p, "false")) {
			if (node(p, N_BOOL, T_COND, pos, i))
				return (-1);
			p->e->nodes[*i].num = is_word(p, "true");
			break;
		}
		/* A name followed by '(' calls a function. */
		if (before_paren(p))
			return (parse_call(p, i));
		/* FALLTHROUGH */
	case K_FIELD:
		if (field_node(p, pos, i))
			return (-1);
		break;
	case K_OP:
		if (is_op(p, "(")) {
			if (next(p) || parse_or(p, i))
				return (-1);
			if (!is_op(p, ")"))
				return (fail(p, p->tpos, "expected ')', found "
				    "%s", tokname(p, buf, sizeof(buf))));
			break;
		}
		/* FALLTHROUGH */
	default:
		return (fail(p, p->tpos, "expected a value, found %s",
		    tokname(p, buf, sizeof(buf))));
	}
	return (next(p));
}

/* A primary, or !, - or + on a unary. */
static int
parse_unary(struct parser * p, uint32_t * i)
{
	size_t pos = p->tpos;
	uint32_t a;

	if (++p->depth > 200)
		return (fail(p, pos, "expression nested too deeply"));
	if (is_op(p, "!") || is_op(p, "-") || is_op(p, "+")) {
		char op = p->op[0];

		if (next(p) || parse_unary(p, &a))
			return (-1);
		p->depth--;
		if (op == '+')
			return (want(p, a, T_VALUE) ? -1 : (*i = a, 0));
		if (op == '!')
			return (want(p, a, T_COND) ||
			    node(p, N_NOT, T_COND, pos, i) ? -1 :
			    (p->e->nodes[*i].a = a, 0));
		if (want(p, a, T_VALUE) || node(p, N_NEG, T_VALUE, pos, i))
			return (-1);
		p->e->nodes[*i].a = a;
		return (0);
	}
	if (parse_primary(p, i))
		return (-1);
	p->depth--;
	return (0);
}

/* A left-associative level of binary operators. */
static int
parse_binary(struct parser * p, uint32_t * i, int (* sub)(struct parser *,
    uint32_t *), const char * const * ops, const int * kinds, int type)
{
	uint32_t a, b;
	size_t pos, k;

	if (sub(p, &a))
		return (-1);
	for (;;) {
		for (k = 0; ops[k] != NULL; k++)
			if (is_op(p, ops[k]))
				break;
		if (ops[k] == NULL)
			break;
		pos = p->tpos;
		if (next(p) || sub(p, &b) || want(p, a, type) ||
		    want(p, b, type) || node(p, kinds[k], type, pos, i))
			return (-1);
		p->e->nodes[*i].a = a;
		p->e->nodes[*i].b = b;
		p->e->nodes[*i].col = p->e->nodes[a].col;
		a = *i;
	}
	*i = a;
	return (0);
}

static int
parse_mul(struct parser * p, uint32_t * i)
{
	static const char * const ops[] = { "*", "/", "%", NULL };
	static const int kinds[] = { N_MUL, N_DIV, N_MOD };

	return (parse_binary(p, i, parse_unary, ops, kinds, T_VALUE));
}

static int
parse_add(struct parser * p, uint32_t * i)
{
	static const char * const ops[] = { "+", "-", NULL };
	static const int kinds[] = { N_ADD, N_SUB };

	return (parse_binary(p, i, parse_mul, ops, kinds, T_VALUE));
}

/* Compile the pattern of node ${i} (a string literal). */
static int
compile_regex(struct parser * p, struct ss_expr_node * n,
    const struct ss_expr_node * pat)
{
	PCRE2_UCHAR msg[120];
	PCRE2_SIZE off;
	int code;

	if ((n->re = pcre2_compile((PCRE2_SPTR)pat->str, pat->len,
	    pat->num ? PCRE2_CASELESS : 0, &code, &off, NULL)) == NULL) {
		pcre2_get_error_message(code, msg, sizeof(msg));
		return (fail(p, pat->col - 1, "bad regular expression: %s",
		    (const char *)msg));
	}
	if ((n->md = pcre2_match_data_create(1, NULL)) == NULL)
		return (fail_nomem(p));
	/*
	 * Bounds on backtracking, so that no record makes a match run
	 * away with time or (locked) memory; a match that hits them is
	 * neither a match nor a mismatch: the comparison is false.
	 */
	if (p->e->mctx == NULL) {
		if ((p->e->mctx = pcre2_match_context_create(NULL)) == NULL)
			return (fail_nomem(p));
		pcre2_set_match_limit(p->e->mctx, 1000000);
		pcre2_set_heap_limit(p->e->mctx, 1024);
	}
	return (0);
}

static int
parse_cmp(struct parser * p, uint32_t * i)
{
	static const char * const ops[] = { "==", "!=", "<", "<=", ">", ">=",
	    "=~", "!=~", NULL };
	static const int kinds[] = { N_EQ, N_NE, N_LT, N_LE, N_GT, N_GE,
	    N_MATCH, N_NMATCH };
	uint32_t a, b, first, nargs;
	struct ss_expr_node * n;
	size_t pos, k;

	if (parse_add(p, &a))
		return (-1);
	pos = p->tpos;
	if (is_word(p, "in")) {
		if (++p->depth > 200)
			return (fail(p, pos, "expression nested too deeply"));
		if (want(p, a, T_VALUE) || next(p) ||
		    parse_args(p, &first, &nargs, T_VALUE))
			return (-1);
		p->depth--;
		if (nargs == 0)
			return (fail(p, pos, "'in' needs at least one value "
			    "in its list"));
		if (node(p, N_IN, T_COND, pos, i))
			return (-1);
		n = &p->e->nodes[*i];
		n->a = first;
		n->nargs = nargs;
		n->b = a;
		n->col = p->e->nodes[a].col;
		goto chained;
	}
	for (k = 0; ops[k] != NULL; k++)
		if (is_op(p, ops[k]))
			break;
	if (ops[k] == NULL) {
		*i = a;
		return (0);
	}
	if (next(p) || parse_add(p, &b) || want(p, a, T_VALUE) ||
	    want(p, b, T_VALUE) || node(p, kinds[k], T_COND, pos, i))
		return (-1);
	n = &p->e->nodes[*i];
	n->a = a;
	n->b = b;
	n->col = p->e->nodes[a].col;
	if (kinds[k] == N_MATCH || kinds[k] == N_NMATCH) {
		if (p->e->nodes[b].kind != N_STR)
			return (fail(p, p->e->nodes[b].col - 1, "the pattern "
			    "after %s must be a string literal", ops[k]));
		if (compile_regex(p, &p->e->nodes[*i], &p->e->nodes[b]))
			return (-1);
	}
chained:
	for (k = 0; ops[k] != NULL; k++)
		if (is_op(p, ops[k]))
			return (fail(p, p->tpos, "comparisons do not chain: "
			    "join them with &&"));
	if (is_word(p, "in"))
		return (fail(p, p->tpos, "comparisons do not chain: join them "
		    "with &&"));
	return (0);
}

static int
parse_and(struct parser * p, uint32_t * i)
{
	static const char * const ops[] = { "&&", NULL };
	static const int kinds[] = { N_AND };

	return (parse_binary(p, i, parse_cmp, ops, kinds, T_COND));
}

static int
parse_or(struct parser * p, uint32_t * i)
{
	static const char * const ops[] = { "||", NULL };
	static const int kinds[] = { N_OR };

	return (parse_binary(p, i, parse_and, ops, kinds, T_COND));
}

/*
 * List the parts of the condition ${root}: the operands of the &&s at its
 * top, from left to right, whatever their grouping.
 */
static int
find_parts(struct parser * p, uint32_t root)
{
	struct ss_expr * e = p->e;
	uint32_t * stack;
	size_t n = 0;
	uint32_t i;

	if (e->nodes[root].type != T_COND)
		return (0);
	if ((stack = malloc((e->nnodes + 1) * sizeof(*stack))) == NULL ||
	    (e->parts = malloc(e->nnodes * sizeof(*e->parts))) == NULL) {
		free(stack);
		return (fail_nomem(p));
	}
	/* An && pushes two and pops one: at most nnodes + 1 are waiting. */
	stack[n++] = root;
	while (n > 0) {
		i = stack[--n];
		if (e->nodes[i].kind == N_AND) {
			stack[n++] = e->nodes[i].b;
			stack[n++] = e->nodes[i].a;
		} else
			e->parts[e->nparts++] = i;
	}
	free(stack);
	return (0);
}

static struct ss_expr *
compile(struct parser * p, int type)
{
	char buf[32];
	struct ss_expr_node * n;
	uint32_t root;
	size_t i;

	if (parse_or(p, &root))
		goto err;
	if (p->tok != K_END) {
		(void)fail(p, p->tpos, "unexpected %s after the expression%s",
		    tokname(p, buf, sizeof(buf)), is_op(p, "=") ?
		    " (use == to compare)" : "");
		goto err;
	}
	/* "..."i is a caseless pattern: only after =~ and !=~. */
	for (i = 0; i < p->e->nnodes; i++) {
		n = &p->e->nodes[i];
		if ((n->kind == N_MATCH || n->kind == N_NMATCH))
			p->e->nodes[n->b].bound = 1;
	}
	for (i = 0; i < p->e->nnodes; i++) {
		n = &p->e->nodes[i];
		if (n->kind == N_STR && n->num != 0 && !n->bound) {
			(void)fail(p, n->col - 1, "a caseless \"...\"i "
			    "pattern goes only after =~ or !=~");
			goto err;
		}
	}
	if (type == SS_EXPR_COND && p->e->nodes[root].type != T_COND) {
		(void)fail(p, 0, "the expression gives a value, not a "
		    "condition (compare it: ... > 0)");
		goto err;
	}
	if (find_parts(p, root))
		goto err;
	free(p->pending);
	p->e->root = root;
	return (p->e);
err:
	free(p->pending);
	free(p->str);
	ss_expr_free(p->e);
	return (NULL);
}

static int
start(struct parser * p, const char * src, size_t len,
    struct ss_expr_err * err)
{

	memset(p, 0, sizeof(*p));
	memset(err, 0, sizeof(*err));
	p->src = src;
	p->len = len;
	p->err = err;
	if (len > SS_EXPR_SRC_MAX)
		return (fail(p, 0, "expression too long (more than %d bytes)",
		    SS_EXPR_SRC_MAX));
	if (memchr(src, '\0', len) != NULL)
		return (fail(p, (size_t)((const char *)memchr(src, '\0', len) -
		    src), "unexpected byte 0x00"));
	if ((p->e = calloc(1, sizeof(*p->e))) == NULL)
		return (fail_nomem(p));
	if (next(p)) {
		ss_expr_free(p->e);
		return (-1);
	}
	if (p->tok == K_END) {
		ss_expr_free(p->e);
		return (fail(p, 0, "empty expression"));
	}
	return (0);
}

struct ss_expr *
ss_expr_compile(const char * src, size_t len, int type,
    struct ss_expr_err * err)
{
	struct parser p;

	if (start(&p, src, len, err))
		return (NULL);
	return (compile(&p, type));
}

struct ss_expr *
ss_expr_compile_assign(const char * src, size_t len, const char ** name,
    size_t * namelen, struct ss_expr_err * err)
{
	struct parser p;
	char buf[32];

	if (start(&p, src, len, err))
		return (NULL);
	if (p.tok != K_FIELD && p.tok != K_IDENT) {
		(void)fail(&p, p.tpos, "expected 'NAME = EXPRESSION', found "
		    "%s", tokname(&p, buf, sizeof(buf)));
		goto err;
	}
	*name = p.name;
	*namelen = p.namelen;
	if (next(&p))
		goto err;
	if (!is_op(&p, "=")) {
		(void)fail(&p, p.tpos, "expected '=' after the field name, "
		    "found %s", tokname(&p, buf, sizeof(buf)));
		goto err;
	}
	if (next(&p))
		goto err;
	return (compile(&p, SS_EXPR_VALUE));
err:
	free(p.str);
	ss_expr_free(p.e);
	return (NULL);
}

void
ss_expr_free(struct ss_expr * e)
{
	size_t i;

	if (e == NULL)
		return;
	for (i = 0; i < e->nnodes; i++) {
		free(e->nodes[i].str);
		free(e->nodes[i].scratch);
		pcre2_match_data_free(e->nodes[i].md);
		pcre2_code_free(e->nodes[i].re);
	}
	pcre2_match_context_free(e->mctx);
	free(e->parts);
	free(e->nodes);
	free(e->args);
	free(e);
}

/* Numbers. */

int
ss_expr_number(const uint8_t * s, size_t len, double * x)
{
	char buf[64];
	char * end;
	size_t i = 0, digits = 0;
	uint64_t v = 0;
	int neg = 0;

	if (len == 0 || len >= sizeof(buf))
		return (0);
	if (s[0] == '-' || s[0] == '+') {
		neg = (s[0] == '-');
		i++;
	}
	/* The common case: a plain integer of at most 15 digits. */
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, digits++)
		v = v * 10 + (uint64_t)(s[i] - '0');
	if (i == len) {
		if (digits == 0)
			return (0);
		if (digits <= 15) {
			*x = neg ? -(double)v : (double)v;
			return (1);
		}
	} else {
		/* [digits] [. digits] [e [sign] digits], some digits. */
		if (s[i] == '.') {
			for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++)
				digits++;
		}
		if (digits == 0)
			return (0);
		if (i < len && (s[i] == 'e' || s[i] == 'E')) {
			i++;
			if (i < len && (s[i] == '+' || s[i] == '-'))
				i++;
			if (i == len || s[i] < '0' || s[i] > '9')
				return (0);
			while (i < len && s[i] >= '0' && s[i] <= '9')
				i++;
		}
		if (i != len)
			return (0);
	}
	memcpy(buf, s, len);
	buf[len] = '\0';
	errno = 0;
	*x = strtod(buf, &end);
	if (end != buf + len || !isfinite(*x))
		return (0);
	return (1);
}

/* Parts of conditions. */

size_t
ss_expr_nparts(const struct ss_expr * e)
{

	return (e->nparts);
}

/* Node ${c} as a constant, into ${pred}; 0 if it is not one. */
static int
constant(const struct ss_expr * e, const struct ss_expr_node * c,
    struct ss_expr_pred * pred)
{
	double x;
	int neg = 0, nneg = 0;

	/* -5 is a minus on a number; --5 too. */
	while (c->kind == N_NEG) {
		neg = !neg;
		nneg++;
		c = &e->nodes[c->a];
	}
	if (c->kind == N_NUM) {
		x = c->num;
	} else if (c->kind == N_STR &&
	    ss_expr_number((const uint8_t *)c->str, c->len, &x)) {
		/* "5" compares as 5. */
	} else if (c->kind == N_STR && nneg == 0) {
		/* (A minus on text that is not a number gives no value.) */
		pred->isnum = 0;
		pred->str = (const uint8_t *)c->str;
		pred->len = c->len;
		return (1);
	} else
		return (0);
	pred->isnum = 1;
	pred->num = neg ? -x : x;
	pred->str = NULL;
	pred->len = 0;
	return (1);
}

int
ss_expr_part(const struct ss_expr * e, size_t i, struct ss_expr_pred * pred)
{
	static const int flip[] = {
		[SS_EXPR_EQ] = SS_EXPR_EQ, [SS_EXPR_NE] = SS_EXPR_NE,
		[SS_EXPR_LT] = SS_EXPR_GT, [SS_EXPR_LE] = SS_EXPR_GE,
		[SS_EXPR_GT] = SS_EXPR_LT, [SS_EXPR_GE] = SS_EXPR_LE,
	};
	const struct ss_expr_node * n = &e->nodes[e->parts[i]], * f, * c;
	int op;

	switch (n->kind) {
	case N_EQ:
		op = SS_EXPR_EQ;
		break;
	case N_NE:
		op = SS_EXPR_NE;
		break;
	case N_LT:
		op = SS_EXPR_LT;
		break;
	case N_LE:
		op = SS_EXPR_LE;
		break;
	case N_GT:
		op = SS_EXPR_GT;
		break;
	case N_GE:
		op = SS_EXPR_GE;
		break;
	default:
		return (0);
	}
	f = &e->nodes[n->a];
	c = &e->nodes[n->b];
	if (f->kind != N_FIELD) {
		/* CONSTANT op FIELD is FIELD op' CONSTANT. */
		f = c;
		c = &e->nodes[n->a];
		op = flip[op];
	}
	if (f->kind != N_FIELD || !constant(e, c, pred))
		return (0);
	pred->op = op;
	pred->name = f->str;
	pred->namelen = f->len;
	pred->field = f->field;
	return (1);
}

