/*
 * libFuzzer harness for the expression language (libcore/common/
 * expr_parse.c, enclave/expr_eval.c): the input is compiled as a
 * condition, as a value and as an assignment; what compiles is bound to
 * a fixed set of columns (some of them computed) and evaluated on a few
 * fixed records.
 *
 * A failed compile must give a column within the input (or one past its
 * end) and a message.  Compiling as a condition and as a value differ
 * only in the last check, so a condition is also a value, whose text is
 * "true" or "false" as the condition holds, and a value that is not a
 * condition fails only with that check's message.  Evaluating twice gives
 * the same result.  The input is also read with ss_expr_number(), and a
 * number must print and read back to itself.
 */

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "err.h"
#include "expr.h"
#include "expr_eval.h"

#include "fuzz_util.h"

#define NCOLS	7
#define NEXTRA	2
#define NNAMES	(NCOLS + NEXTRA)
#define NRECS	6

static const char * const colnames[NNAMES] = {
	"a", "b", "ArrDelay", "Origin", "City", "Arr Delay", "e",
	"xa", "xs"
};

/* The records: numbers, NA, empty cells, UTF-8 and bytes that are not. */
static const char * const recs[NRECS][NNAMES] = {
	{ "1", "2", "15", "SFO", "San Jos\xc3\xa9", "15", "", "42", "x" },
	{ "-0.5", "1e3", "NA", "OAK", "Z\xc3\xbcrich", "NA", "", "", "" },
	{ "abc", "ABC", "", "", "", "", " ", "1e308", "NA" },
	{ "0", "-0", "-7", "lax", "\xe6\x97\xa5\xe6\x9c\xac", "0", "0",
	    "-1e-300", "\xff\xfe" },
	{ "9007199254740993", "0x10", " 5", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaa!",
	    "a,b;c\"d'e\\f", "+5", "\t", ".5", "5." },
	{ "1e400", "inf", "nan", "SFO ", "a\nb", "1.5e-3", "007", "true",
	    "false" },
};

static const uint8_t * names[NNAMES];
static size_t namelens[NNAMES];
static struct ss_batch batch;
static const uint8_t * extra[NRECS][NEXTRA];
static size_t extralen[NRECS][NEXTRA];

int
LLVMFuzzerInitialize(int * argc, char *** argv)
{
	size_t i, j;

	fu_init(argc, argv);
	fu_names(names, namelens, colnames, NNAMES);
	fu_batch(&batch, recs[0], NRECS, NCOLS, NNAMES);
	for (i = 0; i < NRECS; i++)
		for (j = 0; j < NEXTRA; j++) {
			extra[i][j] = (const uint8_t *)recs[i][NCOLS + j];
			extralen[i][j] = strlen(recs[i][NCOLS + j]);
		}
	return (0);
}

/* A failed compile of ${size} bytes: a column and a message. */
static void
check_err(const struct ss_expr_err * err, size_t size)
{

	if (err->col < 1 || err->col > size + 1)
		abort();
	if (memchr(err->msg, '\0', sizeof(err->msg)) == NULL ||
	    err->msg[0] == '\0')
		abort();
}

/* Bind ${e}; an unknown name is a data error, and nothing else fails. */
static int
bind(struct ss_expr * e)
{

	ss_err_clear();
	if (ss_expr_bind(e, names, namelens, NNAMES) == 0)
		return (0);
	if (ss_err_status() != SS_EXIT_DATA ||
	    strncmp(ss_err_msg(), "no field '", 10) != 0)
		abort();
	return (-1);
}

/* The row of record ${i}. */
static void
row_of(struct ss_expr_row * row, size_t i)
{

	row->b = &batch;
	row->rec = i;
	row->extra = extra[i];
	row->extralen = extralen[i];
}

/* Evaluate the value ${e} on every record, twice; if ${truth} is not
 * NULL, ${e} is a condition whose results are there. */
static void
eval_values(struct ss_expr * e, const int * truth)
{
	struct ss_expr_row row;
	const uint8_t * s;
	uint8_t first[256];
	size_t i, len, len1;

	for (i = 0; i < NRECS; i++) {
		row_of(&row, i);
		if ((s = ss_expr_text(e, &row, &len)) == NULL)
			abort();
		len1 = len;
		if (len1 <= sizeof(first))
			memcpy(first, s, len1);
		if ((s = ss_expr_text(e, &row, &len)) == NULL || len != len1)
			abort();
		if (len1 <= sizeof(first) && memcmp(first, s, len) != 0)
			abort();
		if (truth != NULL && (truth[i] ?
		    (len != 4 || memcmp(s, "true", 4) != 0) :
		    (len != 5 || memcmp(s, "false", 5) != 0)))
			abort();
	}
}

static void
number(const uint8_t * data, size_t size)
{
	char buf[SS_EXPR_NUMBUF];
	double x, y;
	size_t len;

	if (!ss_expr_number(data, size, &x))
		return;
	if (!isfinite(x))
		abort();
	len = ss_expr_format(x, buf);
	if (len == 0 || len >= SS_EXPR_NUMBUF ||
	    !ss_expr_number((const uint8_t *)buf, len, &y) || y != x)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t * data, size_t size)
{
	static const char notcond[] = "the expression gives a value, not a "
	    "condition (compare it: ... > 0)";
	const char * src = (const char *)data;
	struct ss_expr_err cerr, verr, aerr;
	struct ss_expr * c, * v, * a;
	struct ss_expr_row row;
	const char * name;
	size_t namelen, i;
	int truth[NRECS], bound = 0, r;

	number(data, size);

	/* As a condition. */
	if ((c = ss_expr_compile(src, size, SS_EXPR_COND, &cerr)) == NULL)
		check_err(&cerr, size);
	else if (bind(c) == 0) {
		bound = 1;
		for (i = 0; i < NRECS; i++) {
			row_of(&row, i);
			if ((r = ss_expr_test(c, &row)) != 0 && r != 1)
				abort();
			if (ss_expr_test(c, &row) != r)
				abort();
			truth[i] = r;
		}
	}

	/* As a value: the same, but for the last check. */
	if ((v = ss_expr_compile(src, size, SS_EXPR_VALUE, &verr)) == NULL) {
		check_err(&verr, size);
		if (c != NULL || cerr.col != verr.col ||
		    strcmp(cerr.msg, verr.msg) != 0)
			abort();
	} else {
		if (c == NULL && (cerr.col != 1 ||
		    strcmp(cerr.msg, notcond) != 0))
			abort();
		if (bind(v) == 0) {
			if (c != NULL && !bound)
				abort();
			eval_values(v, (c != NULL) ? truth : NULL);
		} else if (bound)
			abort();
	}
	ss_expr_free(c);
	ss_expr_free(v);

	/* As an assignment. */
	name = NULL;
	namelen = 0;
	if ((a = ss_expr_compile_assign(src, size, &name, &namelen,
	    &aerr)) == NULL)
		check_err(&aerr, size);
	else {
		if (name == NULL || namelen == 0 || name < src ||
		    name + namelen > src + size)
			abort();
		if (bind(a) == 0)
			eval_values(a, NULL);
		ss_expr_free(a);
	}
	ss_err_clear();
	return (0);
}
