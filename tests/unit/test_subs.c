/*
 * Unit tests for subscription sets (libcore/common/subs_file.c) and
 * matching them (enclave/subs_*.c): every error message of both file
 * forms with its place; what matches, NA and empty cells included;
 * binding; the property that the index finds exactly what
 * evaluating every subscription's whole condition finds, on random
 * subscriptions (line and JSON forms) and records; and matching that
 * allocates nothing.
 */

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "batch.h"
#include "check_util.h"
#include "err.h"
#include "expr.h"
#include "expr_eval.h"
#include "subs.h"
#include "subs_match.h"

/* The columns: the last "a0" hides the first, as in ss_expr_bind(). */
#define NCOLS	11
static const char * const colnames[NCOLS] = {
	"a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "sym", "txt", "a0"
};
static const uint8_t * names[NCOLS];
static size_t namelens[NCOLS];

static void
init_names(void)
{
	size_t i;

	for (i = 0; i < NCOLS; i++) {
		names[i] = (const uint8_t *)colnames[i];
		namelens[i] = strlen(colnames[i]);
	}
}

/* A growing string. */
struct buf {
	char * s;
	size_t len, size;
};

static void buf_printf(struct buf *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
buf_printf(struct buf * b, const char * fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->s + b->len, b->size - b->len, fmt, ap);
		va_end(ap);
		ck_assert_int_ge(n, 0);
		if ((size_t)n < b->size - b->len)
			break;
		b->size = (b->size + (size_t)n + 1) * 2;
		ck_assert_ptr_nonnull(b->s = realloc(b->s, b->size));
	}
	b->len += (size_t)n;
}

static void
buf_init(struct buf * b)
{

	b->len = 0;
	b->size = 256;
	ck_assert_ptr_nonnull(b->s = malloc(b->size));
	b->s[0] = '\0';
}

/* Records: a batch made of rows of NCOLS strings. */
struct recs {
	struct ss_batch_builder * bb;
	struct ss_batch b;
};

static void
recs_start(struct recs * r)
{

	memset(r, 0, sizeof(*r));
	ck_assert_ptr_nonnull(r->bb = ss_batch_builder_new(NCOLS,
	    16 * 1024 * 1024));
}

static void
recs_add(struct recs * r, const char * const * row)
{
	const uint8_t * f[NCOLS];
	size_t len[NCOLS], i;

	for (i = 0; i < NCOLS; i++) {
		f[i] = (const uint8_t *)row[i];
		len[i] = strlen(row[i]);
	}
	ck_assert_int_eq(ss_batch_builder_add(r->bb, f, len), 0);
}

static void
recs_finish(struct recs * r)
{
	const uint8_t * pt;
	size_t n;

	ck_assert_int_eq(ss_batch_builder_finish(r->bb, SS_BATCH_RECORDS, &pt,
	    &n), 0);
	ck_assert_int_eq(ss_batch_parse(&r->b, pt, n), 0);
}

static void
recs_free(struct recs * r)
{

	ss_batch_builder_free(r->bb);
}

/* One record from "NAME=VALUE;..." (the last a0 for "a0"). */
static void
recs_one(struct recs * r, const char * spec)
{
	const char * row[NCOLS];
	char * copy, * item, * eq, * save = NULL;
	size_t i;

	for (i = 0; i < NCOLS; i++)
		row[i] = "";
	ck_assert_ptr_nonnull(copy = strdup(spec));
	for (item = strtok_r(copy, ";", &save); item != NULL;
	    item = strtok_r(NULL, ";", &save)) {
		ck_assert_ptr_nonnull(eq = strchr(item, '='));
		*eq = '\0';
		for (i = NCOLS; i > 0; i--)
			if (strcmp(colnames[i - 1], item) == 0)
				break;
		ck_assert_msg(i > 0, "no column %s", item);
		row[i - 1] = eq + 1;
	}
	recs_start(r);
	recs_add(r, row);
	recs_finish(r);
	free(copy);
}

/* A set, and its matcher. */
struct subs {
	struct ss_subs * set;
	struct ss_subs_matcher * m;
};

/* Read ${src} into ${s}, indexed and bound to the columns. */
static void
parse_ok(struct subs * s, const char * src, size_t len)
{
	struct ss_subs_err err;

	s->set = ss_subs_parse((const uint8_t *)src, len, "subs", &err);
	ck_assert_msg(s->set != NULL, "%s", ss_err_msg());
	s->m = ss_subs_matcher_new(s->set);
	ck_assert_msg(s->m != NULL, "%s", ss_err_msg());
	ck_assert_msg(ss_subs_bind(s->m, names, namelens, NCOLS) == 0, "%s",
	    ss_err_msg());
}

static void
subs_free(struct subs * s)
{

	ss_subs_matcher_free(s->m);
	ss_subs_free(s->set);
}

/*
 * Make ${s} use index ${how} (0: as parsed; 1: the predicate index; 2:
 * bitsets, exact; 3: bitsets of at most 2 layers per field, merged).
 * Return 0, or 1 if that index cannot be had for ${s}.
 */
static int
use_index(struct subs * s, int how)
{
	int r = 0;

	switch (how) {
	case 1:
		r = ss_subs_index(s->m, SS_SUBS_PREDS, 0);
		ck_assert_int_eq(ss_subs_index_kind(s->m), SS_SUBS_PREDS);
		break;
	case 2:
		r = ss_subs_index(s->m, SS_SUBS_BITS, 0);
		if (r == 0)
			ck_assert_int_eq(ss_subs_index_kind(s->m), SS_SUBS_BITS);
		break;
	case 3:
		r = ss_subs_index(s->m, SS_SUBS_BITS, 2);
		if (r == 0)
			ck_assert_int_ne(ss_subs_index_kind(s->m), SS_SUBS_PREDS);
		break;
	}
	ck_assert_int_ne(r, -1);
	return (r);
}

#define NINDEX	4

/* The IDs of the subscriptions record ${rec} of ${b} matches, joined
 * with ';', into ${out}. */
static void
matched(struct subs * s, const struct ss_batch * b, size_t rec,
    struct buf * out)
{
	struct ss_expr_row row = { b, rec, NULL, NULL };
	const uint32_t * ids;
	const char * id;
	size_t n, i, len;

	out->len = 0;
	out->s[0] = '\0';
	ck_assert_int_eq(ss_subs_match(s->m, &row, &ids, &n), 0);
	for (i = 0; i < n; i++) {
		if (i > 0)
			ck_assert_uint_gt(ids[i], ids[i - 1]);
		ck_assert_uint_lt(ids[i], ss_subs_count(s->set));
		id = ss_subs_id(s->set, ids[i], &len);
		buf_printf(out, "%s%.*s", i ? ";" : "", (int)len, id);
	}
}

/* --- Errors. --- */

static const struct err_case {
	const char * src;
	size_t len;		/* 0: strlen(src) */
	const char * msg;	/* after "f: " */
	size_t line, col;
} errs[] = {
	/* Lines. */
	{ "$x > 1", 0, "line 1: column 1: expected a subscription ID "
	    "(letters, digits, '_', '.', ':', '-'), found '$'", 1, 1 },
	{ "# c\n\n  \"S\" x > 1", 0, "line 3: column 3: expected a "
	    "subscription ID (letters, digits, '_', '.', ':', '-'), found "
	    "'\"'", 3, 3 },
	{ "\0 x > 1", 7, "line 1: column 1: expected a subscription ID "
	    "(letters, digits, '_', '.', ':', '-'), found byte 0x00", 1, 1 },
	{ "\xc3\xa9 x > 1", 0, "line 1: column 1: expected a subscription "
	    "ID (letters, digits, '_', '.', ':', '-'), found byte 0xc3", 1, 1 },
	{ "S1{x} > 1", 0, "line 1: column 3: expected a blank after the "
	    "subscription ID, found '{'", 1, 3 },
	{ "S1\0 x", 5, "line 1: column 3: expected a blank after the "
	    "subscription ID, found byte 0x00", 1, 3 },
	{ "S1", 0, "line 1: column 3: no condition after the subscription "
	    "ID 'S1'", 1, 3 },
	{ "a a1 > 1\nS1   \r\n", 0, "line 2: column 7: no condition after "
	    "the subscription ID 'S1'", 2, 7 },
	{ "S1 a1 > 1\nS2 a1 > 1\nS1 a1 > 2\n", 0, "line 3: column 1: "
	    "subscription ID 'S1' given twice", 3, 1 },
	{ "S1 a1 > (1", 0, "line 1: column 11: expected ')', found the end",
	    1, 11 },
	{ "S1 a1 + 1", 0, "line 1: column 4: the expression gives a value, "
	    "not a condition (compare it: ... > 0)", 1, 4 },
	{ "x\ty\t a1 >\0 1", 12, "line 1: column 10: unexpected byte 0x00",
	    1, 10 },
	{ "S1 a1 > 1\nS2 a1 =~ \"(\"\n", 0, "line 2: column 10: bad regular "
	    "expression: missing closing parenthesis", 2, 10 },
	{ "S1 a1 = 1", 0, "line 1: column 7: unexpected '=' after the "
	    "expression (use == to compare)", 1, 7 },
	{ "", 0, "no subscriptions", 0, 0 },
	{ "# nothing\n\n   \n\t# here\n", 0, "no subscriptions", 0, 0 },

	/* JSON. */
	{ "{\"a\": 1}", 0, "line 1: column 1: expected an array of "
	    "subscriptions, not an object", 1, 1 },
	{ "\n  [", 0, "line 2: column 4: expected subscription 1, found "
	    "the end of the file", 2, 4 },
	{ "[]", 0, "no subscriptions", 0, 0 },
	{ " [ ] ", 0, "no subscriptions", 0, 0 },
	{ "[1]", 0, "line 1: column 2: subscription 1: expected an array of "
	    "constraints, or an object, found '1'", 1, 2 },
	{ "[[{\"key\": \"a1\", \"val\": 1, \"op\": \"eq\"}],\n]", 0,
	    "line 2: column 1: subscription 2: expected an array of "
	    "constraints, or an object, found ']'", 2, 1 },
	{ "[[{\"key\": \"a1\", \"val\": 1, \"op\": \"eq\"}],", 0,
	    "line 1: column 40: expected subscription 2, found the end of "
	    "the file", 1, 40 },
	{ "[[{\"key\": \"a1\", \"val\": 1, \"op\": \"eq\"}] [", 0,
	    "line 1: column 40: expected ',' or ']' after subscription 1, "
	    "found '['", 1, 40 },
	{ "[[{\"key\": \"a1\", \"val\": 1, \"op\": \"eq\"}]] x", 0,
	    "line 1: column 41: unexpected 'x' after the array of "
	    "subscriptions", 1, 41 },
	{ "[[{\"key\": \"a1\", \"val\": 1, \"op\": \"eq\"}]]\n[]", 0,
	    "line 2: column 1: unexpected '[' after the array of "
	    "subscriptions", 2, 1 },
	{ "[[{\"key\": tru}]]", 0, "line 1: column 13: invalid token near "
	    "'tru'", 1, 13 },
	{ "[[{\"key\": \"a1\", \"key\": \"a2\"}]]", 0, "line 1: column 21: "
	    "duplicate object key near '\"key\"'", 1, 21 },
	{ "[[{\"key\": \"a\\u0000\"}]]", 0, "line 1: column 19: \\u0000 is "
	    "not allowed without JSON_ALLOW_NUL near '\"a\\u0000\"'", 1, 19 },
	{ "[[{\"key\": \"\xff\"}]]", 0, "line 1: column 11: unable to decode "
	    "byte 0xff near '\"'", 1, 11 },
	{ "[[{\"key\": \"a\", \"val\": 1e400}]]", 0, "line 1: column 27: real "
	    "number overflow near '1e400'", 1, 27 },
	{ "[[]]", 0, "subscription 1: no constraints", 1, 2 },
	{ "[[1]]", 0, "subscription 1: constraint 1: expected an object "
	    "{\"key\": ..., \"val\": ..., \"op\": ...}", 1, 2 },
	{ "[[{\"key\": \"a1\", \"val\": 1, \"op\": \"eq\"}],\n"
	    " [{\"key\": \"a1\", \"val\": 1, \"op\": \"eq\"},\n"
	    "  {\"key\": \"a1\", \"val\": 1, \"op\": \"gte\"}]]", 0,
	    "subscription 2: constraint 2: unknown op 'gte' (use eq, ne, gt, "
	    "ge, lt or le)", 2, 2 },
	{ "[[{\"key\": \"a1\", \"val\": 1, \"op\": \"EQ\"}]]", 0,
	    "subscription 1: constraint 1: unknown op 'EQ' (use eq, ne, gt, "
	    "ge, lt or le)", 1, 2 },
	{ "[[{\"key\": \"a1\", \"val\": 1, \"op\": 1}]]", 0,
	    "subscription 1: constraint 1: the op is not a string (use eq, "
	    "ne, gt, ge, lt or le)", 1, 2 },
	{ "[[{\"key\": \"a1\", \"val\": 1}]]", 0,
	    "subscription 1: constraint 1: no op", 1, 2 },
	{ "[[{\"val\": 1, \"op\": \"eq\"}]]", 0,
	    "subscription 1: constraint 1: no key", 1, 2 },
	{ "[[{\"key\": \"a1\", \"op\": \"eq\"}]]", 0,
	    "subscription 1: constraint 1: no val", 1, 2 },
	{ "[[{\"key\": 5, \"val\": 1, \"op\": \"eq\"}]]", 0,
	    "subscription 1: constraint 1: the key is not a string", 1, 2 },
	{ "[[{\"key\": \"\", \"val\": 1, \"op\": \"eq\"}]]", 0,
	    "subscription 1: constraint 1: empty key", 1, 2 },
	{ "[[{\"key\": \"a\\nb\", \"val\": 1, \"op\": \"eq\"}]]", 0,
	    "subscription 1: constraint 1: key 'a\\x0ab' holds a control "
	    "character", 1, 2 },
	{ "[[{\"key\": \"a1\", \"val\": true, \"op\": \"eq\"}]]", 0,
	    "subscription 1: constraint 1: the val is not a number or a "
	    "string", 1, 2 },
	{ "[[{\"key\": \"a1\", \"val\": null, \"op\": \"eq\"}]]", 0,
	    "subscription 1: constraint 1: the val is not a number or a "
	    "string", 1, 2 },
	{ "[[{\"key\": \"a1\", \"val\": [1], \"op\": \"eq\"}]]", 0,
	    "subscription 1: constraint 1: the val is not a number or a "
	    "string", 1, 2 },
	{ "[[{\"key\": \"a1\", \"val\": 1, \"op\": \"eq\", \"x\": 1}]]", 0,
	    "subscription 1: constraint 1: unknown member 'x' (a constraint "
	    "has key, val and op)", 1, 2 },
	{ "[{}]", 0, "subscription 1: no constraints", 1, 2 },
	{ "[{\"constraints\": []}]", 0, "subscription 1: no constraints",
	    1, 2 },
	{ "[{\"constraints\": {}}]", 0, "subscription 1: the constraints are "
	    "not an array", 1, 2 },
	{ "[{\"id\": \"x\", \"to\": []}]", 0, "subscription 1: unknown member "
	    "'to' (a subscription object has id and constraints)", 1, 2 },
	{ "[{\"id\": 7, \"constraints\": [{\"key\": \"a1\", \"val\": 1, "
	    "\"op\": \"eq\"}]}]", 0, "subscription 1: the id is not a string",
	    1, 2 },
	{ "[{\"id\": \"a b\", \"constraints\": [{\"key\": \"a1\", \"val\": 1, "
	    "\"op\": \"eq\"}]}]", 0, "subscription 1: id 'a b' is not a "
	    "subscription ID (1 to 64 letters, digits, '_', '.', ':', '-')",
	    1, 2 },
	{ "[{\"id\": \"\", \"constraints\": [{\"key\": \"a1\", \"val\": 1, "
	    "\"op\": \"eq\"}]}]", 0, "subscription 1: id '' is not a "
	    "subscription ID (1 to 64 letters, digits, '_', '.', ':', '-')",
	    1, 2 },
	{ "[[{\"key\": \"a1\", \"val\": 1, \"op\": \"eq\"}],\n"
	    "{\"id\": \"1\", \"constraints\": [{\"key\": \"a1\", \"val\": 1, "
	    "\"op\": \"eq\"}]}]", 0, "subscription 2: ID '1' given twice",
	    2, 1 },
	{ "[{\"id\": \"2\", \"constraints\": [{\"key\": \"a1\", \"val\": 1, "
	    "\"op\": \"eq\"}]}, [{\"key\": \"a1\", \"val\": 1, \"op\": "
	    "\"eq\"}]]", 0, "subscription 2: ID '2' given twice", 1, 69 },
};

START_TEST(test_error)
{
	const struct err_case * c = &errs[_i];
	size_t len = c->len ? c->len : strlen(c->src);
	struct ss_subs_err err;
	char want[512];

	ss_err_clear();
	ck_assert_ptr_null(ss_subs_parse((const uint8_t *)c->src, len, "f",
	    &err));
	snprintf(want, sizeof(want), "f: %s", c->msg);
	ck_assert_str_eq(ss_err_msg(), want);
	ck_assert_int_eq(ss_err_status(), SS_EXIT_SYS);
	ck_assert_uint_eq(err.line, c->line);
	ck_assert_uint_eq(err.col, c->col);
}
END_TEST

/* ${head}, ${n} copies of ${item} with its '#' counting from 1 and
 * ${sep} between, then ${tail}, in ${b}. */
static void
repeat(struct buf * b, const char * head, const char * item, size_t n,
    const char * sep, const char * tail)
{
	const char * hash = strchr(item, '#');
	size_t i;

	buf_init(b);
	buf_printf(b, "%s", head);
	for (i = 1; i <= n; i++) {
		if (i > 1)
			buf_printf(b, "%s", sep);
		if (hash == NULL)
			buf_printf(b, "%s", item);
		else
			buf_printf(b, "%.*s%zu%s", (int)(hash - item), item,
			    i, hash + 1);
	}
	buf_printf(b, "%s", tail);
}

static void
expect_error(const char * src, size_t len, const char * want)
{
	struct ss_subs_err err;
	struct ss_subs * s;

	ss_err_clear();
	s = ss_subs_parse((const uint8_t *)src, len, "f", &err);
	ck_assert_msg(s == NULL, "no error, want %s", want);
	ck_assert_str_eq(ss_err_msg(), want);
}

START_TEST(test_limits)
{
	char id[SS_SUBS_ID_MAX + 16], key[SS_SUBS_KEY_MAX + 64];
	struct subs s;
	struct buf b;
	char * big;
	size_t i;

	/* IDs: 64 bytes, not 65. */
	memset(id, 'i', sizeof(id));
	snprintf(id + SS_SUBS_ID_MAX, 16, " a1 > 1");
	parse_ok(&s, id, strlen(id));
	subs_free(&s);
	memset(id, 'i', sizeof(id));
	snprintf(id + SS_SUBS_ID_MAX + 1, 15, " a1 > 1");
	expect_error(id, strlen(id), "f: line 1: column 1: subscription ID "
	    "longer than 64 bytes");

	/* JSON keys: 1024 bytes. */
	memset(key, 'k', sizeof(key));
	memcpy(key, "[[{\"key\": \"", 11);
	snprintf(key + 11 + SS_SUBS_KEY_MAX + 1, 40,
	    "\", \"val\": 1, \"op\": \"eq\"}]]");
	expect_error(key, strlen(key), "f: subscription 1: constraint 1: key "
	    "longer than 1024 bytes");

	/* Constraints: 4096 per subscription. */
	repeat(&b, "[[", "{\"key\": \"a1\", \"val\": #, \"op\": \"ne\"}",
	    SS_SUBS_CONSTRAINTS_MAX, ",", "]]");
	parse_ok(&s, b.s, b.len);
	subs_free(&s);
	free(b.s);
	repeat(&b, "[[", "{\"key\": \"a1\", \"val\": #, \"op\": \"ne\"}",
	    SS_SUBS_CONSTRAINTS_MAX + 1, ",", "]]");
	expect_error(b.s, b.len, "f: subscription 1: more than 4096 "
	    "constraints");
	free(b.s);

	/* A val as long as an expression may be. */
	buf_init(&b);
	buf_printf(&b, "[[{\"key\": \"a1\", \"op\": \"eq\", \"val\": \"");
	for (i = 0; i < SS_EXPR_SRC_MAX + 1; i++)
		buf_printf(&b, "x");
	buf_printf(&b, "\"}]]");
	expect_error(b.s, b.len, "f: subscription 1: constraint 1: val longer "
	    "than 65536 bytes");
	free(b.s);

	/* A condition as long as an expression may be. */
	buf_init(&b);
	buf_printf(&b, "S1 a1 > 1");
	while (b.len < 3 + SS_EXPR_SRC_MAX + 1)
		buf_printf(&b, " ");
	expect_error(b.s, b.len, "f: line 1: column 4: expression too long "
	    "(more than 65536 bytes)");
	free(b.s);

	/* The file. */
	ck_assert_ptr_nonnull(big = calloc(1, (size_t)SS_SUBS_FILE_MAX + 1));
	expect_error(big, (size_t)SS_SUBS_FILE_MAX + 1, "f: larger than 256 "
	    "MiB");
	free(big);

	/* Subscriptions: 1048576 of them, and no more. */
	repeat(&b, "", "# a1 > 1", SS_SUBS_MAX + 1, "\n", "\n");
	expect_error(b.s, b.len, "f: line 1048577: more than 1048576 "
	    "subscriptions");
	free(b.s);
}
END_TEST

/* Deep, wide and odd JSON: refused cleanly, or read. */
START_TEST(test_hostile_json)
{
	struct ss_subs_err err;
	struct buf b;

	repeat(&b, "[", "[", 100000, "", "");
	ss_err_clear();
	ck_assert_ptr_null(ss_subs_parse((const uint8_t *)b.s, b.len, "f",
	    &err));
	ck_assert_msg(strstr(ss_err_msg(), "maximum parsing depth") != NULL,
	    "%s", ss_err_msg());
	free(b.s);
	/* A constraint buried in an object member that is not allowed. */
	repeat(&b, "[[{\"key\": \"a1\", \"val\": 1, \"op\": \"eq\", \"v\": ",
	    "[", 1000, "", "");
	ss_err_clear();
	ck_assert_ptr_null(ss_subs_parse((const uint8_t *)b.s, b.len, "f",
	    &err));
	free(b.s);
}
END_TEST

/* --- What matches. --- */

static const struct match_case {
	const char * subs;
	const char * rec;
	const char * want;	/* IDs, ';' between */
} matches[] = {
	/* Numbers, and cells that are not. */
	{ "A a1 > 0\nB a1 <= 0\nC a1 == 0\nD a1 != 0\n", "a1=5", "A;D" },
	{ "A a1 > 0\nB a1 <= 0\nC a1 == 0\nD a1 != 0\n", "a1=0", "B;C" },
	{ "A a1 > 0\nB a1 <= 0\nC a1 == 0\nD a1 != 0\n", "a1=-0", "B;C" },
	{ "A a1 > 0\nB a1 <= 0\nC a1 == 0\nD a1 != 0\n", "a1=NA", "D" },
	{ "A a1 > 0\nB a1 <= 0\nC a1 == 0\nD a1 != 0\n", "a1=", "D" },
	{ "A a1 > \"0\"\nB a1 == \"NA\"\nC a1 != \"NA\"\nD a1 == \"\"\n",
	    "a1=NA", "B" },
	{ "A a1 > \"0\"\nB a1 == \"NA\"\nC a1 != \"NA\"\nD a1 == \"\"\n",
	    "a1=3", "A;C" },
	{ "A a1 > \"0\"\nB a1 == \"NA\"\nC a1 != \"NA\"\nD a1 == \"\"\n",
	    "a1=", "C;D" },
	/* Bounds at the threshold. */
	{ "gt a1 > 2\nge a1 >= 2\nlt a1 < 2\nle a1 <= 2\neq a1 == 2\n",
	    "a1=2", "ge;le;eq" },
	{ "gt a1 > 2\nge a1 >= 2\nlt a1 < 2\nle a1 <= 2\neq a1 == 2\n",
	    "a1=2.0", "ge;le;eq" },
	{ "gt a1 > 2\nge a1 >= 2\nlt a1 < 2\nle a1 <= 2\neq a1 == 2\n",
	    "a1=2.0000000000000004", "gt;ge" },
	{ "gt 2 < a1\nge 2 <= a1\nlt 2 > a1\nle 2 >= a1\n", "a1=1.9", "lt;le" },
	{ "r a1 >= 1 && a1 < 5\n", "a1=1", "r" },
	{ "r a1 >= 1 && a1 < 5\n", "a1=5", "" },
	{ "r a1 > -1 && a1 < -0.5\n", "a1=-0.75", "r" },
	/* Text equality, and text ranges. */
	{ "A sym == \"IBM\"\nB sym != \"IBM\"\nC sym < \"J\"\nD sym == 7\n",
	    "sym=IBM", "A;C" },
	{ "A sym == \"IBM\"\nB sym != \"IBM\"\nC sym < \"J\"\nD sym == 7\n",
	    "sym=7.0", "B;D" },
	{ "A sym == \"IBM\"\nB sym != \"IBM\"\nC sym < \"J\"\nD sym == 7\n",
	    "sym=K", "B" },
	/* A minus on text that is not a number: no value. */
	{ "A a1 < --\"x\"\nB a1 != --\"x\"\nC a1 == --\"5\"\n", "a1=abc",
	    "B" },
	{ "A a1 < --\"x\"\nB a1 != --\"x\"\nC a1 == --\"5\"\n", "a1=5",
	    "B;C" },
	/* The last of two columns of one name. */
	{ "A a0 == 1\nB a0 == 2\n", "a0=2", "B" },
	/* A rest that is not predicates. */
	{ "A a1 > 1 && (a2 > 1 || a3 > 1)\nB a1 == a2\nC true\n",
	    "a1=2;a2=2", "A;B;C" },
	{ "A a1 > 1 && (a2 > 1 || a3 > 1)\nB a1 == a2\nC true\n",
	    "a1=2;a2=1", "C" },
	{ "A txt =~ \"^ab\" && a1 > 0\nB a1 in (1, 2) && sym == \"x\"\n",
	    "txt=abc;a1=1;sym=x", "A;B" },
	/* JSON: positions are the IDs. */
	{ "[[{\"key\": \"a1\", \"val\": 5, \"op\": \"ge\"}],\n"
	    " [{\"key\": \"sym\", \"val\": \"IBM\", \"op\": \"eq\"},\n"
	    "  {\"key\": \"a2\", \"val\": 1.5, \"op\": \"lt\"}],\n"
	    " {\"id\": \"x.1:a-b_c\", \"constraints\": [{\"key\": \"a1\","
	    " \"val\": \"5\", \"op\": \"eq\"}]},\n"
	    " [{\"key\": \"a1\", \"val\": \"NA\", \"op\": \"ne\"}]]",
	    "a1=5;sym=IBM;a2=1", "1;2;x.1:a-b_c;4" },
	{ "[[{\"key\": \"a1\", \"val\": 5, \"op\": \"ge\"}],\n"
	    " [{\"key\": \"sym\", \"val\": \"IBM\", \"op\": \"eq\"},\n"
	    "  {\"key\": \"a2\", \"val\": 1.5, \"op\": \"lt\"}],\n"
	    " {\"id\": \"x.1:a-b_c\", \"constraints\": [{\"key\": \"a1\","
	    " \"val\": \"5\", \"op\": \"eq\"}]},\n"
	    " [{\"key\": \"a1\", \"val\": \"NA\", \"op\": \"ne\"}]]",
	    "a1=NA;sym=IBM;a2=NA", "" },
	{ "[[{\"key\": \"a1\", \"val\": -1e-3, \"op\": \"gt\"},"
	    " {\"key\": \"a1\", \"val\": 1, \"op\": \"le\"}]]",
	    "a1=-0", "1" },
	/* Comments, blank lines, CRLF, blanks before the ID. */
	{ "# subs\r\n\r\n  S1\ta1 > 1\r\n\t# off\r\nS2 a1 < 1\r\n", "a1=2",
	    "S1" },
};

START_TEST(test_match)
{
	const struct match_case * c = &matches[_i];
	struct subs s;
	struct recs r;
	struct buf out;
	int how;

	init_names();
	buf_init(&out);
	parse_ok(&s, c->subs, strlen(c->subs));
	recs_one(&r, c->rec);
	/* With every index. */
	for (how = 0; how < NINDEX; how++) {
		if (use_index(&s, how))
			continue;
		matched(&s, &r.b, 0, &out);
		ck_assert_msg(strcmp(out.s, c->want) == 0, "%s on %s: index "
		    "%d: got '%s', want '%s'", c->subs, c->rec, how, out.s,
		    c->want);
		/* Again: nothing is left over from one record to the next. */
		matched(&s, &r.b, 0, &out);
		ck_assert_str_eq(out.s, c->want);
	}
	recs_free(&r);
	subs_free(&s);
	free(out.s);
}
END_TEST

START_TEST(test_ids)
{
	struct subs s;
	const char * id;
	size_t len;

	init_names();
	parse_ok(&s, "z a1 > 1\n# x\nA.b:c-d_9 a1 < 1\n",
	    strlen("z a1 > 1\n# x\nA.b:c-d_9 a1 < 1\n"));
	ck_assert_uint_eq(ss_subs_count(s.set), 2);
	id = ss_subs_id(s.set, 0, &len);
	ck_assert(len == 1 && memcmp(id, "z", 1) == 0);
	id = ss_subs_id(s.set, 1, &len);
	ck_assert(len == 9 && memcmp(id, "A.b:c-d_9", 9) == 0);
	subs_free(&s);
}
END_TEST

START_TEST(test_bind)
{
	static const struct {
		const char * subs;
		const char * msg;
	} cases[] = {
		{ "A a1 > 1\nB nope > 2\n", "no field 'nope' in the input "
		    "stream" },
		{ "A a1 > 1\nB a1 == a9\n", "no field 'a9' in the input "
		    "stream" },
		{ "[[{\"key\": \"A1\", \"val\": 1, \"op\": \"eq\"}]]",
		    "no field 'A1' in the input stream" },
		{ "[[{\"key\": \"a\\u00e9\", \"val\": 1, \"op\": \"eq\"}]]",
		    "no field 'a\xc3\xa9' in the input stream" },
	};
	struct ss_subs_err err;
	struct subs s;
	size_t i;

	init_names();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_ptr_nonnull(s.set = ss_subs_parse(
		    (const uint8_t *)cases[i].subs, strlen(cases[i].subs),
		    "f", &err));
		ck_assert_ptr_nonnull(s.m = ss_subs_matcher_new(s.set));
		ss_err_clear();
		ck_assert_int_eq(ss_subs_bind(s.m, names, namelens, NCOLS), -1);
		ck_assert_str_eq(ss_err_msg(), cases[i].msg);
		ck_assert_int_eq(ss_err_status(), SS_EXIT_DATA);
		subs_free(&s);
	}
}
END_TEST

/* --- The property: the index finds what evaluating everything finds. --- */

static uint64_t rng;

static uint32_t
rnd(uint32_t n)
{

	return ((uint32_t)(tu_rand(&rng) % n));
}

static const char * const fields[] = {
	"a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "sym", "txt"
};
static const char * const ops[] = { "==", "!=", "<", "<=", ">", ">=" };
static const char * const jops[] = { "eq", "ne", "lt", "le", "gt", "ge" };

/* A cell: small integers mostly, so that values meet the constants. */
static const char *
cell(char * buf, size_t col)
{
	static const char * const odd[] = {
		"NA", "", "abc", "2.0", "-0", "1e1", "2.5", " 3", "S1", "3.",
		"-2.50", "1e-1",
	};
	static const char * const texts[] = {
		"", "NA", "abc", "abd", "b", "5", "x y", "S2",
	};

	if (colnames[col][0] == 's') {
		if (rnd(8) == 0)
			return (odd[rnd(sizeof(odd) / sizeof(odd[0]))]);
		snprintf(buf, 16, "S%u", rnd(12));
		return (buf);
	}
	if (colnames[col][0] == 't')
		return (texts[rnd(sizeof(texts) / sizeof(texts[0]))]);
	if (rnd(5) == 0)
		return (odd[rnd(sizeof(odd) / sizeof(odd[0]))]);
	snprintf(buf, 16, "%d", (int)rnd(17) - 4);
	return (buf);
}

/* A constant of the expression language, for a predicate. */
static void
constant(struct buf * b)
{
	static const char * const odd[] = {
		"2.5", "1e1", "\"3\"", "-(2)", "--1", "-\"2\"", "0.1", "-0",
		"\"NA\"", "\"\"", "\"abc\"", "\"S3\"", "'b'", "\"S1\"", "\"5\"",
		"\"x y\"", "\"2.0\"", "-\"NA\"", "--\"abc\"", "- -\"5\"",
	};

	if (rnd(3) == 0)
		buf_printf(b, "%s", odd[rnd(sizeof(odd) / sizeof(odd[0]))]);
	else if (rnd(6) == 0)
		buf_printf(b, "\"S%u\"", rnd(12));
	else
		buf_printf(b, "%d", (int)rnd(17) - 4);
}

/* A part of a condition: mostly predicates, either way round. */
static void
part(struct buf * b)
{
	static const char * const rest[] = {
		"a1 + a2 > 3", "a1 == a2", "(a1 > 2 || a2 < 0)",
		"sym in (\"S1\", \"S2\", 3)", "is_num(a4)", "txt =~ \"^a\"",
		"true", "!(a3 == 2)", "a5 > a6", "len(txt) < 2", "a1 != a2",
		"1 < 2", "a7 > 1 + 1", "lower(txt) == \"abc\"", "false",
	};
	const char * f = fields[rnd(sizeof(fields) / sizeof(fields[0]))];
	const char * form = (rnd(4) == 0) ? "$" : "";

	if (rnd(6) == 0) {
		buf_printf(b, "%s", rest[rnd(sizeof(rest) / sizeof(rest[0]) -
		    (rnd(4) != 0))]);
		return;
	}
	if (rnd(4) == 0) {
		constant(b);
		buf_printf(b, " %s %s%s", ops[rnd(6)], form, f);
	} else {
		if (rnd(8) == 0)
			buf_printf(b, "${%s} %s ", f, ops[rnd(6)]);
		else
			buf_printf(b, "%s%s %s ", form, f, ops[rnd(6)]);
		constant(b);
	}
}

/* A condition of ${n} parts, grouped at random. */
static void
condition(struct buf * b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_printf(b, " && ");
		if (i + 1 < n && rnd(5) == 0) {
			buf_printf(b, "(");
			part(b);
			buf_printf(b, " && ");
			part(b);
			buf_printf(b, ")");
			i++;
		} else
			part(b);
	}
}

/* A JSON constraint, and the same as an expression part. */
static void
jconstraint(struct buf * j, struct buf * e)
{
	static const char * const strs[] = {
		"NA", "", "abc", "S1", "S3", "3", "2.5", "b", "x y", "-0", "1e1",
	};
	const char * f = fields[rnd(sizeof(fields) / sizeof(fields[0]))];
	unsigned o = rnd(6);
	const char * str;
	double x;
	int k;

	buf_printf(j, "{\"key\": \"%s\", \"op\": \"%s\", \"val\": ", f,
	    jops[o]);
	buf_printf(e, "${%s} %s ", f, ops[o]);
	switch (rnd(4)) {
	case 0:
		str = strs[rnd(sizeof(strs) / sizeof(strs[0]))];
		buf_printf(j, "\"%s\"}", str);
		buf_printf(e, "\"%s\"", str);
		break;
	case 1:
		x = (double)((int)rnd(40) - 10) / 4;
		buf_printf(j, "%.17g}", x);
		buf_printf(e, "%.17g", x);
		break;
	default:
		k = (int)rnd(17) - 4;
		buf_printf(j, "%d}", k);
		buf_printf(e, "%d", k);
		break;
	}
}

/*
 * One round: ${nsubs} random subscriptions in a file of either form (the
 * JSON one from constraints), each with its condition as an expression
 * for the brute force; ${nrec} random records.  Every record must match
 * exactly the subscriptions whose whole condition holds.
 */
static void
round_trip(int json, size_t nsubs, size_t nrec)
{
	struct ss_expr ** exprs;
	struct ss_expr_err eerr;
	struct buf file, e, got, want;
	char ** ids;
	const char * row[NCOLS];
	char cells[NCOLS][16];
	struct ss_expr_row xrow;
	struct subs s;
	struct recs r;
	size_t i, k, n;
	const char * id;
	size_t idlen;
	int t;

	ck_assert_ptr_nonnull(exprs = calloc(nsubs, sizeof(*exprs)));
	ck_assert_ptr_nonnull(ids = calloc(nsubs, sizeof(*ids)));
	buf_init(&file);
	buf_init(&got);
	buf_init(&want);
	if (json)
		buf_printf(&file, "%s[", rnd(2) ? "\n " : "");
	for (i = 0; i < nsubs; i++) {
		buf_init(&e);
		n = 1 + rnd(rnd(3) == 0 ? 8 : 4);
		ck_assert_ptr_nonnull(ids[i] = malloc(32));
		if (json) {
			if (i > 0)
				buf_printf(&file, ",%s", rnd(3) ? "\n" : " ");
			if (rnd(4) == 0) {
				snprintf(ids[i], 32, "J%zu", i);
				buf_printf(&file, "{\"id\": \"%s\", "
				    "\"constraints\": [", ids[i]);
			} else {
				snprintf(ids[i], 32, "%zu", i + 1);
				buf_printf(&file, "[");
			}
			for (k = 0; k < n; k++) {
				if (k > 0) {
					buf_printf(&file, ", ");
					buf_printf(&e, " && ");
				}
				jconstraint(&file, &e);
			}
			buf_printf(&file, "]%s", ids[i][0] == 'J' ? "}" : "");
		} else {
			snprintf(ids[i], 32, "S%zu", i);
			if (rnd(10) == 0)
				buf_printf(&file, "# a comment\n\n");
			condition(&e, n);
			buf_printf(&file, "%s%s%s\n", ids[i],
			    rnd(5) ? " " : "\t ", e.s);
		}
		exprs[i] = ss_expr_compile(e.s, e.len, SS_EXPR_COND, &eerr);
		ck_assert_msg(exprs[i] != NULL, "%s: %s", e.s, eerr.msg);
		ck_assert_int_eq(ss_expr_bind(exprs[i], names, namelens,
		    NCOLS), 0);
		free(e.s);
	}
	if (json)
		buf_printf(&file, "]\n");
	parse_ok(&s, file.s, file.len);
	ck_assert_uint_eq(ss_subs_count(s.set), nsubs);
	for (i = 0; i < nsubs; i++) {
		id = ss_subs_id(s.set, i, &idlen);
		ck_assert(idlen == strlen(ids[i]) &&
		    memcmp(id, ids[i], idlen) == 0);
	}

	recs_start(&r);
	for (i = 0; i < nrec; i++) {
		for (k = 0; k < NCOLS; k++)
			row[k] = cell(cells[k], k);
		recs_add(&r, row);
	}
	recs_finish(&r);
	for (i = 0; i < nrec * NINDEX; i++) {
		if (i % nrec == 0 && use_index(&s, (int)(i / nrec))) {
			i += nrec - 1;
			continue;
		}
		matched(&s, &r.b, i % nrec, &got);
		want.len = 0;
		want.s[0] = '\0';
		xrow.b = &r.b;
		xrow.rec = i % nrec;
		xrow.extra = NULL;
		xrow.extralen = NULL;
		for (k = 0; k < nsubs; k++) {
			ck_assert_int_ne(t = ss_expr_test(exprs[k], &xrow), -1);
			if (t)
				buf_printf(&want, "%s%s", want.len ? ";" : "",
				    ids[k]);
		}
		ck_assert_msg(strcmp(got.s, want.s) == 0, "record %zu, index "
		    "%zu: got '%s', want '%s'; subscriptions:\n%s", i % nrec,
		    i / nrec, got.s, want.s,
		    file.len < 4000 ? file.s : "(long)");
	}
	recs_free(&r);
	subs_free(&s);
	for (i = 0; i < nsubs; i++) {
		ss_expr_free(exprs[i]);
		free(ids[i]);
	}
	free(exprs);
	free(ids);
	free(file.s);
	free(got.s);
	free(want.s);
}

START_TEST(test_property)
{
	size_t nsubs;

	init_names();
	rng = 0x9e3779b97f4a7c15ULL + (uint64_t)_i * 7919;
	/* Few subscriptions, and many sharing a few fields. */
	nsubs = (_i % 4 == 0) ? 1 + rnd(4) : (_i % 4 == 3) ? 500 + rnd(500) :
	    1 + rnd(200);
	round_trip(_i % 2, nsubs, 150);
}
END_TEST

/*
 * Matching allocates nothing once warm: alloc_count.h counts the test
 * program's allocations (not under the sanitizers, which bring their own).
 */
#include "alloc_count.h"

START_TEST(test_no_alloc)
{
#ifdef NO_ALLOC_COUNT
	return;
#else
	static const char subs[] =
	    "A a1 > 1 && a2 < 5\n"
	    "B sym == \"S3\" && lower(txt) == \"abc\"\n"
	    "C txt =~ \"^a(b|c)\" || a3 == 1\n"
	    "D a4 != 2\n"
	    "E upper(txt) > \"A\" && a5 >= 0\n"
	    "F a6 == 3\n";
	const char * row[NCOLS];
	char cells[NCOLS][16];
	const uint32_t * ids;
	struct ss_expr_row xrow;
	struct subs s;
	struct recs r;
	size_t i, k, n, total = 0;
	unsigned long before, after;
	int pass, rc;

	init_names();
	rng = 42;
	parse_ok(&s, subs, strlen(subs));
	recs_start(&r);
	for (i = 0; i < 300; i++) {
		for (k = 0; k < NCOLS; k++)
			row[k] = cell(cells[k], k);
		recs_add(&r, row);
	}
	recs_finish(&r);
	/* With every index: the bitsets' passes too. */
	for (pass = 0; pass < 2 * NINDEX; pass++) {
		if (pass % 2 == 0 && use_index(&s, pass / 2)) {
			pass++;
			continue;
		}
		/* (No ck_assert in the loop: Check allocates.) */
		before = nallocs;
		for (i = 0, rc = 0; i < 300; i++) {
			xrow.b = &r.b;
			xrow.rec = i;
			xrow.extra = NULL;
			xrow.extralen = NULL;
			rc |= ss_subs_match(s.m, &xrow, &ids, &n);
			total += n;
		}
		after = nallocs;
		ck_assert_int_eq(rc, 0);
		if (pass % 2 == 1)
			ck_assert_msg(after == before, "index %d: %lu "
			    "allocations", pass / 2, after - before);
	}
	ck_assert_uint_gt(total, 0);
	recs_free(&r);
	subs_free(&s);
#endif
}
END_TEST

#define NELEM(a)	((int)(sizeof(a) / sizeof((a)[0])))

static Suite *
subs_suite(void)
{
	Suite * s = suite_create("subs");
	TCase * tp = tcase_create("parse");
	TCase * tm = tcase_create("match");

	tcase_add_loop_test(tp, test_error, 0, NELEM(errs));
	tcase_add_test(tp, test_limits);
	tcase_add_test(tp, test_hostile_json);
	tcase_add_test(tp, test_ids);
	tcase_add_test(tp, test_bind);
	tcase_set_timeout(tp, 120);
	suite_add_tcase(s, tp);
	tcase_add_loop_test(tm, test_match, 0, NELEM(matches));
	tcase_add_loop_test(tm, test_property, 0, 48);
	tcase_add_test(tm, test_no_alloc);
	tcase_set_timeout(tm, 120);
	suite_add_tcase(s, tm);
	return (s);
}

int
main(void)
{
	SRunner * sr = srunner_create(subs_suite());
	int failed;

	init_names();
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
