/*
 * Unit tests for the expression language of ss-expr(7): its parser
 * (libcore/common/expr_parse.c) and evaluator (enclave/expr_eval.c).
 * Table-driven: conditions and values evaluated on records, numbers read
 * and printed, and every compile error with its column; then assignments,
 * binding, computed columns, and evaluation that allocates nothing once
 * warm.
 */

#include <malloc.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "batch.h"
#include "err.h"
#include "expr.h"
#include "expr_eval.h"

#include "check_util.h"

/*
 * Every expression is bound to these columns: NCOLS from the batch, then
 * NEXTRA computed ones (struct ss_expr_row.extra).
 */
#define NCOLS	7
#define NEXTRA	2
#define NNAMES	(NCOLS + NEXTRA)
static const char * const colnames[NNAMES] = {
	"a", "b", "ArrDelay", "Origin", "City", "Arr Delay", "e",
	"xa", "xs"
};

/* Compile modes of the tables. */
#define ASSIGN	3

/* One record, from a spec "NAME=VALUE;NAME=VALUE" (other fields empty). */
struct rec {
	struct ss_batch_builder * bb;
	struct ss_batch b;
	char * spec;
	const uint8_t * f[NNAMES];
	size_t len[NNAMES];
	struct ss_expr_row row;
};

static void
rec_make(struct rec * r, const char * spec)
{
	const uint8_t * pt;
	char * item, * eq, * save = NULL;
	size_t n, i;

	memset(r, 0, sizeof(*r));
	ck_assert_ptr_nonnull(r->spec = strdup(spec));
	for (i = 0; i < NNAMES; i++)
		r->f[i] = (const uint8_t *)"";
	for (item = strtok_r(r->spec, ";", &save); item != NULL;
	    item = strtok_r(NULL, ";", &save)) {
		ck_assert_msg((eq = strchr(item, '=')) != NULL, "bad spec %s",
		    spec);
		*eq = '\0';
		for (i = 0; i < NNAMES; i++)
			if (strcmp(colnames[i], item) == 0)
				break;
		ck_assert_msg(i < NNAMES, "no column %s", item);
		r->f[i] = (const uint8_t *)eq + 1;
		r->len[i] = strlen(eq + 1);
	}
	ck_assert_ptr_nonnull(r->bb = ss_batch_builder_new(NCOLS,
	    SS_CHUNK_TARGET));
	ck_assert_int_eq(ss_batch_builder_add(r->bb, r->f, r->len), 0);
	ck_assert_int_eq(ss_batch_builder_finish(r->bb, SS_BATCH_RECORDS, &pt,
	    &n), 0);
	ck_assert_int_eq(ss_batch_parse(&r->b, pt, n), 0);
	r->row.b = &r->b;
	r->row.rec = 0;
	r->row.extra = &r->f[NCOLS];
	r->row.extralen = &r->len[NCOLS];
}

static void
rec_free(struct rec * r)
{

	ss_batch_builder_free(r->bb);
	free(r->spec);
}

/* Bind ${e} to the columns above. */
static int
bind(struct ss_expr * e)
{
	const uint8_t * names[NNAMES];
	size_t lens[NNAMES], i;

	for (i = 0; i < NNAMES; i++) {
		names[i] = (const uint8_t *)colnames[i];
		lens[i] = strlen(colnames[i]);
	}
	return (ss_expr_bind(e, names, lens, NNAMES));
}

/* Compile ${src} as ${type} and bind it; it must work. */
static struct ss_expr *
compile_bound(const char * src, int type)
{
	struct ss_expr_err err;
	struct ss_expr * e;

	e = ss_expr_compile(src, strlen(src), type, &err);
	ck_assert_msg(e != NULL, "'%s': column %zu: %s", src, err.col,
	    err.msg);
	ck_assert_msg(bind(e) == 0, "'%s': %s", src, ss_err_msg());
	return (e);
}

/* Conditions: ${src} on the record ${rec} is ${want}. */
static const struct cond_case {
	const char * src;
	const char * rec;
	int want;
} conds[] = {
	/* Literals and logic. */
	{ "true", "", 1 },
	{ "false", "", 0 },
	{ "!true", "", 0 },
	{ "!!true", "", 1 },
	{ "true && false", "", 0 },
	{ "true && true", "", 1 },
	{ "false || true", "", 1 },
	{ "false || false", "", 0 },
	{ "true || false && false", "", 1 },	/* && binds tighter */
	{ "(true || false) && false", "", 0 },
	{ "!false && false", "", 0 },		/* ! binds tighter */
	{ "!(false && false)", "", 1 },

	/* Numbers against numbers. */
	{ "ArrDelay > 0", "ArrDelay=15", 1 },
	{ "ArrDelay > 0", "ArrDelay=-5", 0 },
	{ "ArrDelay > 0", "ArrDelay=0", 0 },
	{ "ArrDelay >= 0", "ArrDelay=0", 1 },
	{ "ArrDelay < 0", "ArrDelay=-0.5", 1 },
	{ "ArrDelay <= -0.5", "ArrDelay=-0.5", 1 },
	{ "ArrDelay == 15", "ArrDelay=15.0", 1 },
	{ "ArrDelay == 15", "ArrDelay=1.5e1", 1 },
	{ "ArrDelay == 15", "ArrDelay=+15", 1 },
	{ "ArrDelay == 7", "ArrDelay=007", 1 },
	{ "ArrDelay != 15", "ArrDelay=16", 1 },
	{ "ArrDelay != 15", "ArrDelay=15", 0 },
	{ "a == 0", "a=-0", 1 },
	{ "a == .5", "a=0.5", 1 },
	{ "a == 5.", "a=5", 1 },
	{ "a == 1e3", "a=1000", 1 },
	{ "a == 1E3", "a=1000", 1 },
	{ "a == 1e+3", "a=1000", 1 },
	{ "a == 1e-3", "a=0.001", 1 },
	/* Two fields that are numbers compare as numbers... */
	{ "a < b", "a=9;b=10", 1 },
	{ "a > b", "a=10;b=9", 1 },
	{ "a == b", "a=1;b=1.0", 1 },
	/* ...as do quoted literals that are numbers. */
	{ "a == \"10.0\"", "a=10", 1 },
	{ "\"9\" < \"10\"", "", 1 },

	/*
	 * NA and empty cells: every comparison with a number is false but
	 * !=, which is always the negation of ==.
	 */
	{ "ArrDelay > 0", "ArrDelay=NA", 0 },
	{ "ArrDelay < 0", "ArrDelay=NA", 0 },
	{ "ArrDelay >= 0", "ArrDelay=NA", 0 },
	{ "ArrDelay <= 0", "ArrDelay=NA", 0 },
	{ "ArrDelay == 0", "ArrDelay=NA", 0 },
	{ "ArrDelay != 0", "ArrDelay=NA", 1 },
	{ "!(ArrDelay == 0)", "ArrDelay=NA", 1 },
	{ "ArrDelay > 0", "", 0 },
	{ "ArrDelay == 0", "", 0 },
	{ "ArrDelay != 0", "", 1 },
	{ "!(ArrDelay > 0)", "ArrDelay=NA", 1 },
	{ "ArrDelay > 0 || ArrDelay <= 0", "ArrDelay=NA", 0 },
	/* The same with a field on the other side: numeric if either
	 * side reads as a number. */
	{ "a > b", "a=NA;b=13", 0 },
	{ "a < b", "a=NA;b=13", 0 },
	{ "a >= b", "a=NA;b=13", 0 },
	{ "a <= b", "a=NA;b=13", 0 },
	{ "a == b", "a=NA;b=13", 0 },
	{ "a != b", "a=NA;b=13", 1 },
	{ "!(a == b)", "a=NA;b=13", 1 },
	{ "a > b", "a=13;b=NA", 0 },
	{ "a < b", "a=13;b=NA", 0 },
	{ "a > b", "a=;b=-1", 0 },
	{ "a < b", "a=;b=1", 0 },
	{ "a == b", "a=;b=0", 0 },
	{ "a != b", "a=;b=0", 1 },
	{ "a > b", "a=5;b=", 0 },
	{ "a < b", "a=10;b=9x", 0 },	/* "9x" is text, "10" a number */
	/* Two pieces of text that are not numbers: bytewise. */
	{ "a == b", "a=NA;b=NA", 1 },
	{ "a != b", "a=NA;b=NA", 0 },
	{ "a > b", "a=NA;b=", 1 },
	{ "a == b", "", 1 },
	/* And with a quoted literal that reads as a number. */
	{ "ArrDelay > \"0\"", "ArrDelay=NA", 0 },
	{ "ArrDelay < \"0\"", "ArrDelay=NA", 0 },
	{ "ArrDelay >= \"0\"", "ArrDelay=NA", 0 },
	{ "ArrDelay <= \"0\"", "ArrDelay=NA", 0 },
	{ "ArrDelay == \"0\"", "ArrDelay=NA", 0 },
	{ "ArrDelay != \"0\"", "ArrDelay=NA", 1 },
	{ "ArrDelay > \"0\"", "", 0 },
	{ "ArrDelay == \"0\"", "", 0 },
	{ "ArrDelay != \"0\"", "", 1 },
	{ "ArrDelay > \"0\"", "ArrDelay=5", 1 },
	{ "ArrDelay > \"0\"", "ArrDelay=-5", 0 },
	{ "ArrDelay < \"10\"", "ArrDelay=9", 1 },
	{ "\"0\" < ArrDelay", "ArrDelay=NA", 0 },
	{ "\"0\" != ArrDelay", "ArrDelay=NA", 1 },
	{ "\"abc\" < \"10\"", "", 0 },
	{ "\"abc\" != \"10\"", "", 1 },
	/* Text against a string that is not a number: bytewise, and a
	 * number is never equal to it. */
	{ "a != \"\"", "a=5", 1 },
	{ "a == \"\"", "a=5", 0 },
	{ "a > \"\"", "a=5", 0 },
	{ "a > \"\"", "a=x", 1 },
	/* Text that is not a number is not one: no spaces, no hex. */
	{ "a == 5", "a= 5", 0 },
	{ "a == 5", "a=5 ", 0 },
	{ "a == 16", "a=0x10", 0 },
	{ "a == 1000", "a=1,000", 0 },
	{ "a > 0", "a=inf", 0 },
	{ "a > 0", "a=Infinity", 0 },
	{ "a != 0", "a=nan", 1 },
	{ "a > 0", "a=1e400", 0 },
	{ "a > 0", "a=1e", 0 },
	{ "a > 0", "a=.", 0 },
	{ "a > 0", "a=-", 0 },
	{ "a > 0", "a=1.2.3", 0 },
	{ "a > 0", "a=1d", 0 },
	/* ... but as text it compares as text. */
	{ "ArrDelay == \"NA\"", "ArrDelay=NA", 1 },
	{ "ArrDelay != \"NA\"", "ArrDelay=NA", 0 },
	{ "ArrDelay != \"NA\"", "ArrDelay=15", 1 },
	{ "ArrDelay == \"NA\"", "ArrDelay=15", 0 },
	{ "ArrDelay > \"NA\"", "ArrDelay=15", 0 },
	{ "ArrDelay < \"NA\"", "ArrDelay=15", 0 },
	{ "ArrDelay == \"\"", "", 1 },
	{ "e == ''", "", 1 },
	{ "e != ''", "e=x", 1 },

	/* Text against text: bytewise. */
	{ "a < b", "a=abc;b=abd", 1 },
	{ "a < b", "a=ab;b=abc", 1 },
	{ "a > b", "a=b;b=abc", 1 },
	{ "a < b", "a=ABC;b=abc", 1 },
	{ "a == b", "a=abc;b=abc", 1 },
	{ "a <= b", "a=abc;b=abc", 1 },
	{ "a >= b", "a=abc;b=abc", 1 },
	{ "a != b", "a=abc;b=ABC", 1 },
	{ "a < b", "a=;b=a", 1 },
	{ "a > b", "a=\xc3\xa9;b=z", 1 },	/* UTF-8 after ASCII */
	{ "Origin == \"SFO\"", "Origin=SFO", 1 },
	{ "Origin == 'SFO'", "Origin=SFO", 1 },
	{ "Origin == \"sfo\"", "Origin=SFO", 0 },
	{ "Origin == \"SFO\"", "Origin=SFO ", 0 },

	/* A number against text that is not one: false, but != true. */
	{ "a == 5", "a=abc", 0 },
	{ "a != 5", "a=abc", 1 },
	{ "a < 5", "a=abc", 0 },
	{ "a <= 5", "a=abc", 0 },
	{ "a > 5", "a=abc", 0 },
	{ "a >= 5", "a=abc", 0 },
	{ "5 != a", "a=abc", 1 },
	{ "5 > a", "a=abc", 0 },
	{ "a + 0 == \"x\"", "a=1", 0 },
	{ "a + 0 != \"x\"", "a=1", 1 },
	{ "a + 0 > \"x\"", "a=1", 0 },
	{ "len(a) != \"x\"", "a=1", 1 },

	/* Arithmetic, and its precedence. */
	{ "1 + 2 * 3 == 7", "", 1 },
	{ "(1 + 2) * 3 == 9", "", 1 },
	{ "10 - 4 - 3 == 3", "", 1 },	/* left to right */
	{ "100 / 10 / 5 == 2", "", 1 },
	{ "2 * 3 % 4 == 2", "", 1 },
	{ "7 % 4 * 2 == 6", "", 1 },
	{ "-2 * 3 == -6", "", 1 },
	{ "-2 * -3 == 6", "", 1 },
	{ "- -2 == 2", "", 1 },
	{ "--2 == 2", "", 1 },
	{ "+a == 3", "a=3", 1 },
	{ "-a < 0", "a=3", 1 },
	{ "-a == 3", "a=-3", 1 },
	{ "1 - -1 == 2", "", 1 },
	{ "a + b == 3", "a=1;b=2", 1 },
	{ "a * 2 > 10", "a=5.5", 1 },
	{ "a / 60 > 1", "a=90", 1 },
	{ "ArrDelay - 10 > 0", "ArrDelay=15", 1 },
	/* No value: false in every comparison but !=. */
	{ "a + 1 > 0", "a=NA", 0 },
	{ "a + 1 == 0", "a=NA", 0 },
	{ "a + 1 != 0", "a=NA", 1 },
	{ "a + 1 == \"\"", "a=NA", 0 },
	{ "a + 1 != \"\"", "a=NA", 1 },
	{ "a + 1 == b + 1", "a=NA;b=NA", 0 },
	{ "-a < 0", "a=NA", 0 },
	{ "1 / a > 0", "a=0", 0 },
	{ "1 / a < 0", "a=0", 0 },
	{ "1 / a != 0", "a=0", 1 },
	{ "1 % a == 0", "a=0", 0 },
	{ "a * 10 > 0", "a=1e308", 0 },

	/* in */
	{ "Origin in (\"SFO\", \"OAK\")", "Origin=SFO", 1 },
	{ "Origin in (\"SFO\", \"OAK\")", "Origin=OAK", 1 },
	{ "Origin in (\"SFO\", \"OAK\")", "Origin=LAX", 0 },
	{ "Origin in ('SFO')", "Origin=SFO", 1 },
	{ "!(Origin in (\"SFO\", \"OAK\"))", "Origin=LAX", 1 },
	{ "a in (1, 2, 3)", "a=2.0", 1 },
	{ "a in (1, 2, 3)", "a=4", 0 },
	{ "a in (1, 2, 3)", "a=NA", 0 },
	{ "a in (b, 5)", "a=x;b=x", 1 },
	{ "a + 1 in (3)", "a=2", 1 },
	{ "a + 1 in (1, \"\")", "a=NA", 0 },
	{ "a in (\"x\", 1)", "a=x", 1 },
	{ "a in (\"\")", "", 1 },
	{ "a in (1, 2)", "", 0 },
	{ "a in (\"1\", \"x\")", "a=1.0", 1 },	/* "1" is a number */
	{ "a in (\"1\", \"x\")", "a=x", 1 },
	{ "a in (\"1\", \"x\")", "a=NA", 0 },
	{ "a in (\"0\")", "a=NA", 0 },
	{ "a in (b)", "a=NA;b=13", 0 },
	{ "a in (\"\", 5)", "a=5", 1 },
	{ "!(a in (1, 2))", "a=NA", 1 },
	{ "ArrDelay > 0 && Origin in (\"SFO\", \"OAK\")",
	    "ArrDelay=3;Origin=OAK", 1 },
	{ "ArrDelay > 0 && Origin in (\"SFO\", \"OAK\")",
	    "ArrDelay=NA;Origin=OAK", 0 },

	/* Field names. */
	{ "$ArrDelay > 0", "ArrDelay=1", 1 },
	{ "${ArrDelay} > 0", "ArrDelay=1", 1 },
	{ "${Arr Delay} > 10", "Arr Delay=15", 1 },
	{ "${Arr Delay} > 10", "Arr Delay=5;ArrDelay=15", 0 },
	{ "$a==$b", "a=x;b=x", 1 },
	{ "a==b", "a=x;b=y", 0 },

	/* Computed columns. */
	{ "xa == 42", "xa=42", 1 },
	{ "xa > a", "a=41;xa=42", 1 },
	{ "xs == \"hello\"", "xs=hello", 1 },
	{ "is_empty(xs)", "", 1 },

	/* Regular expressions. */
	{ "Origin =~ \"^S\"", "Origin=SFO", 1 },
	{ "Origin =~ \"^S\"", "Origin=OAK", 0 },
	{ "Origin !=~ \"^S\"", "Origin=SFO", 0 },
	{ "Origin !=~ \"^S\"", "Origin=OAK", 1 },
	{ "Origin =~ \"FO\"", "Origin=SFO", 1 },	/* not anchored */
	{ "Origin =~ \"^s\"", "Origin=SFO", 0 },
	{ "Origin =~ \"^s\"i", "Origin=SFO", 1 },
	{ "Origin =~ '^s'i", "Origin=SFO", 1 },
	{ "Origin !=~ \"^s\"i", "Origin=SFO", 0 },
	{ "Origin =~ \"(?i)^s\"", "Origin=SFO", 1 },
	{ "a =~ \"^\\d+$\"", "a=123", 1 },		/* \d stays */
	{ "a =~ \"^\\d+$\"", "a=12a", 0 },
	{ "a =~ \"^\\\\d+$\"", "a=123", 1 },		/* \\ is \ */
	{ "a =~ \"^a\\.b$\"", "a=a.b", 1 },
	{ "a =~ \"^a\\.b$\"", "a=axb", 0 },
	{ "a =~ \"^a.b$\"", "a=axb", 1 },
	{ "a =~ \"^\\\"\"", "a=\"x", 1 },		/* \" is " */
	{ "a =~ '^\\''", "a='x", 1 },			/* \' is ' */
	{ "a =~ \"\\t\"", "a=x\ty", 1 },		/* \t is a tab */
	{ "a =~ \"^$\"", "", 1 },
	{ "a =~ \"\"", "a=x", 1 },
	{ "a =~ \"^x|y$\"", "a=ay", 1 },
	{ "a =~ \"^(x|y)$\"", "a=ay", 0 },
	{ "a =~ (\"x\")", "a=x", 1 },	/* parentheses make no node */
	{ "City =~ \"^San Jos\xc3\xa9$\"", "City=San Jos\xc3\xa9", 1 },
	/* No value is neither a match nor a mismatch. */
	{ "a + 1 =~ \".*\"", "a=NA", 0 },
	{ "a + 1 !=~ \".*\"", "a=NA", 0 },
	/* Text that is not a value is matched as it is. */
	{ "a =~ \"^NA$\"", "a=NA", 1 },
	/* Numbers are matched in their printed form. */
	{ "a + 0 =~ \"^7$\"", "a=007", 1 },
	{ "a * 1 =~ \"^1000$\"", "a=1e3", 1 },
	/* Conditions in && and ||. */
	{ "Origin =~ \"^S\" && a > 1", "Origin=SFO;a=2", 1 },
	{ "a =~ \"x\" || b =~ \"y\"", "b=y", 1 },

	/* Condition functions. */
	{ "prefix(Origin, \"SF\")", "Origin=SFO", 1 },
	{ "prefix(Origin, \"FO\")", "Origin=SFO", 0 },
	{ "prefix(Origin, \"\")", "Origin=SFO", 1 },
	{ "prefix(Origin, \"SFOX\")", "Origin=SFO", 0 },
	{ "prefix(a + 1, \"1\")", "a=9", 1 },
	{ "suffix(Origin, \"FO\")", "Origin=SFO", 1 },
	{ "suffix(Origin, \"SF\")", "Origin=SFO", 0 },
	{ "suffix(Origin, \"\")", "", 1 },
	{ "suffix(Origin, \"XSFO\")", "Origin=SFO", 0 },
	{ "contains(City, \"n J\")", "City=San Jos\xc3\xa9", 1 },
	{ "contains(City, \"\xc3\xa9\")", "City=San Jos\xc3\xa9", 1 },
	{ "contains(City, \"x\")", "City=San Jos\xc3\xa9", 0 },
	{ "contains(City, \"\")", "", 1 },
	{ "contains(a, b)", "a=abc;b=bc", 1 },
	{ "contains(a, b)", "a=bc;b=abc", 0 },
	{ "!prefix(Origin, \"S\")", "Origin=OAK", 1 },
	{ "is_empty(e)", "", 1 },
	{ "is_empty(e)", "e= ", 0 },
	{ "is_empty(e)", "e=0", 0 },
	{ "is_empty(ArrDelay)", "ArrDelay=NA", 0 },
	{ "is_empty(ArrDelay + 1)", "ArrDelay=NA", 1 },
	{ "is_empty(ArrDelay + 1)", "ArrDelay=1", 0 },
	{ "is_empty(1 / 0)", "", 1 },
	{ "is_empty(\"\")", "", 1 },
	{ "is_empty(lower(e))", "", 1 },
	{ "is_empty(substr(\"abc\", 5, 6))", "", 1 },
	{ "is_num(ArrDelay)", "ArrDelay=15", 1 },
	{ "is_num(ArrDelay)", "ArrDelay=-1.5e-3", 1 },
	{ "is_num(ArrDelay)", "ArrDelay=NA", 0 },
	{ "is_num(ArrDelay)", "", 0 },
	{ "is_num(ArrDelay)", "ArrDelay= 1", 0 },
	{ "is_num(ArrDelay)", "ArrDelay=0x1", 0 },
	{ "is_num(ArrDelay)", "ArrDelay=1e400", 0 },
	{ "is_num(ArrDelay + 1)", "ArrDelay=1", 1 },
	{ "is_num(ArrDelay + 1)", "ArrDelay=NA", 0 },
	{ "is_num(\"12\")", "", 1 },
	{ "is_num(len(a))", "", 1 },
	{ "!is_num(ArrDelay) || ArrDelay > 0", "ArrDelay=NA", 1 },

	/* Value functions, compared. */
	{ "lower(Origin) == \"sfo\"", "Origin=SFO", 1 },
	{ "tolower(Origin) == \"sfo\"", "Origin=SFO", 1 },
	{ "upper(a) == \"ABC\"", "a=abc", 1 },
	{ "toupper(a) == \"ABC\"", "a=abc", 1 },
	{ "len(Origin) == 3", "Origin=SFO", 1 },
	{ "strlen(City) == 8", "City=San Jos\xc3\xa9", 1 },
	{ "len(e) == 0", "", 1 },
	{ "substr(Origin, 0, 1) == \"SF\"", "Origin=SFO", 1 },
	{ "abs(a) == 3", "a=-3", 1 },
	{ "abs(a) == 3", "a=NA", 0 },
	{ "floor(a) == 2", "a=2.7", 1 },
	{ "ceil(a) == 3", "a=2.1", 1 },
	{ "round(a) == 3", "a=2.5", 1 },
	{ "min(a, b) == 1", "a=1;b=2", 1 },
	{ "max(a, b) == 2", "a=1;b=2", 1 },
	{ "max(a, b) == 2", "a=NA;b=2", 1 },
	{ "max(a, b) > 0", "a=NA;b=NA", 0 },
	{ "abs(-2) + 1 == 3", "", 1 },
	/* Calls in the arguments of calls and lists (each list keeps its
	 * own arguments). */
	{ "prefix(lower(a), \"x\")", "a=X", 1 },
	{ "suffix(a, lower(b))", "a=ab;b=B", 1 },
	{ "contains(upper(a), upper(b))", "a=abc;b=b", 1 },
	{ "a in (min(5, 6), 3)", "a=3", 1 },
	{ "a in (min(5, 6), 3)", "a=5", 1 },
	{ "a in (min(5, 6), 3)", "a=6", 0 },
	{ "abs(a) in (1, max(2, 3), 4)", "a=-3", 1 },
	{ "is_num(len(a))", "a=xyz", 1 },
	{ "is_num(abs(a))", "a=x", 0 },
	{ "is_empty(lower(a)) || a in (1)", "a=1", 1 },
	{ "prefix(substr(a, 1, 3), substr(b, 0, 0))", "a=xbcd;b=bz", 1 },

	/* Whitespace, anywhere between tokens. */
	{ " \t\r\na\n>\t0 ", "a=1", 1 },
	{ "abs (a) == 1", "a=-1", 1 },
	{ "abs\n(a) == 1", "a=-1", 1 },
	{ "a>0&&b<0||false", "a=1;b=-1", 1 },
};

START_TEST(test_cond)
{
	const struct cond_case * c = &conds[_i];
	struct ss_expr * e;
	struct rec r;
	int got;

	e = compile_bound(c->src, SS_EXPR_COND);
	rec_make(&r, c->rec);
	got = ss_expr_test(e, &r.row);
	ck_assert_msg(got == c->want, "'%s' on '%s': %d, not %d", c->src,
	    c->rec, got, c->want);
	/* The same again: nothing carries over from one evaluation. */
	ck_assert_int_eq(ss_expr_test(e, &r.row), c->want);
	rec_free(&r);
	ss_expr_free(e);
}
END_TEST

/* Values: ${src} on the record ${rec} gives the text ${want}. */
static const struct value_case {
	const char * src;
	const char * rec;
	const char * want;
} values[] = {
	/* Fields and literals are text as they are. */
	{ "a", "a=NA", "NA" },
	{ "a", "a=007", "007" },
	{ "a", "a= 1.50", " 1.50" },
	{ "a", "", "" },
	{ "${Arr Delay}", "Arr Delay=12", "12" },
	{ "xs", "xs=computed", "computed" },
	{ "\"abc\"", "", "abc" },
	{ "'abc'", "", "abc" },
	{ "\"\"", "", "" },
	{ "\"a\\tb\\nc\"", "", "a\tb\nc" },
	{ "\"a\\\\b\"", "", "a\\b" },
	/* Other backslashes stay, even before the other quote. */
	{ "\"\\d\\.\\w\"", "", "\\d\\.\\w" },
	{ "\"say \\\"hi\\\"\"", "", "say \"hi\"" },
	{ "'it\\'s'", "", "it's" },
	{ "'say \"hi\"'", "", "say \"hi\"" },
	{ "\"it's\"", "", "it's" },
	{ "\"it\\'s\"", "", "it\\'s" },
	{ "\"\xc3\xa9\"", "", "\xc3\xa9" },
	{ "(a)", "a=x", "x" },
	{ "+a", "a=x", "x" },

	/* Numbers, in their shortest exact form. */
	{ "42", "", "42" },
	{ "007", "", "7" },
	{ "1e3", "", "1000" },
	{ "1.5e3", "", "1500" },
	{ ".5", "", "0.5" },
	{ "5.", "", "5" },
	{ "2.50", "", "2.5" },
	{ "1e-7", "", "1e-07" },
	{ "0.001", "", "0.001" },
	{ "123456.789", "", "123456.789" },
	{ "1e15", "", "1e+15" },
	{ "1e15 - 1", "", "999999999999999" },
	{ "1e20", "", "1e+20" },
	{ "123456789012345678", "", "1.2345678901234568e+17" },
	{ "9007199254740993", "", "9007199254740992" },
	{ "1 + 2", "", "3" },
	{ "7 / 2", "", "3.5" },
	{ "6 / 3", "", "2" },
	{ "1 / 3", "", "0.3333333333333333" },
	{ "2 / 3", "", "0.6666666666666666" },
	{ "0.1 + 0.2", "", "0.30000000000000004" },
	{ "0.1 * 3", "", "0.30000000000000004" },
	{ "1.1 * 1.1", "", "1.2100000000000002" },
	{ "-0", "", "0" },
	{ "0 * -1", "", "0" },
	{ "-0.5", "", "-0.5" },
	{ "-1 - 1", "", "-2" },
	{ "3 * 4 - 2", "", "10" },
	{ "2 - 3 * 4", "", "-10" },
	{ "a + b", "a=1.5;b=2.5", "4" },
	{ "a + 0", "a=007", "7" },
	{ "a * 1", "a=1e3", "1000" },
	{ "a + 0", "a=+5", "5" },
	{ "a + 0", "a=-0", "0" },
	{ "-a", "a=-2", "2" },
	{ "-a", "a=0", "0" },
	{ "ArrDelay / 60", "ArrDelay=90", "1.5" },
	{ "xa * 2", "xa=21", "42" },
	/* %: the sign of the divisor. */
	{ "7 % 3", "", "1" },
	{ "-7 % 3", "", "2" },
	{ "7 % -3", "", "-2" },
	{ "-7 % -3", "", "-1" },
	{ "-6 % 3", "", "0" },
	{ "6 % -3", "", "0" },
	{ "5.5 % 2", "", "1.5" },
	{ "-5.5 % 2", "", "0.5" },
	/* No value: empty. */
	{ "a + 1", "a=NA", "" },
	{ "a + 1", "", "" },
	{ "1 + a", "a=x", "" },
	{ "a - 1", "a=NA", "" },
	{ "a * 2", "a=NA", "" },
	{ "a / 2", "a=NA", "" },
	{ "a % 2", "a=NA", "" },
	{ "-a", "a=NA", "" },
	{ "1 / 0", "", "" },
	{ "0 / 0", "", "" },
	{ "1 % 0", "", "" },
	{ "a / b", "a=1;b=0.0", "" },
	{ "1e308 * 10", "", "" },
	{ "-1e308 * 10", "", "" },
	{ "1e308 + 1e308", "", "" },
	{ "(a + 1) * 2", "a=NA", "" },
	{ "a + 1 + 1", "a=1", "3" },

	/* Conditions as values. */
	{ "a > 1", "a=2", "true" },
	{ "a > 1", "a=NA", "false" },
	{ "a != 1", "a=NA", "true" },
	{ "a > b", "a=NA;b=1", "false" },
	{ "true", "", "true" },
	{ "false", "", "false" },
	{ "!(a == 1)", "a=1", "false" },
	{ "Origin in (\"SFO\")", "Origin=SFO", "true" },
	{ "prefix(a, \"x\")", "a=xy", "true" },
	{ "a =~ \"y\"", "a=xy", "true" },

	/* Text functions. */
	{ "lower(\"ABC def\")", "", "abc def" },
	{ "tolower(a)", "a=MiXeD 12", "mixed 12" },
	{ "upper(\"abc DEF\")", "", "ABC DEF" },
	{ "toupper(a)", "a=MiXeD 12", "MIXED 12" },
	/* ASCII letters only. */
	{ "upper(\"\xc3\xa9t\xc3\xa9\")", "", "\xc3\xa9T\xc3\xa9" },
	{ "lower(\"\xc3\x89T\xc3\x89\")", "", "\xc3\x89t\xc3\x89" },
	{ "lower(\"\")", "", "" },
	{ "upper(e)", "", "" },
	{ "lower(a + 1)", "a=NA", "" },
	{ "lower(1e3)", "", "1000" },
	{ "upper(lower(a))", "a=AbC", "ABC" },
	{ "lower(a) == \"x\"", "a=X", "true" },
	{ "len(\"abc\")", "", "3" },
	{ "len(\"\")", "", "0" },
	{ "len(e)", "", "0" },
	{ "len(a + 1)", "a=NA", "0" },
	{ "len(12.5)", "", "4" },
	{ "len(\"h\xc3\xa9llo\")", "", "5" },
	{ "strlen(\"\xe6\x97\xa5\xe6\x9c\xac\")", "", "2" },
	{ "len(\"\xf0\x9f\x98\x80!\")", "", "2" },
	{ "len(a) + 1", "a=abc", "4" },
	/* substr: from 0, both ends included, negative from the end. */
	{ "substr(\"abcde\", 1, 2)", "", "bc" },
	{ "substr(\"abcde\", 0, 0)", "", "a" },
	{ "substr(\"abcde\", 0, 4)", "", "abcde" },
	{ "substr(\"abcde\", 4, 4)", "", "e" },
	{ "substr(\"abcde\", -2, -1)", "", "de" },
	{ "substr(\"abcde\", -5, -5)", "", "a" },
	{ "substr(\"abcde\", 1, -2)", "", "bcd" },
	{ "substr(\"abcde\", 3, 1)", "", "" },
	{ "substr(\"abcde\", -1, -2)", "", "" },
	/* beyond either end: cut to the string, as in Miller */
	{ "substr(\"abcde\", 1, 10)", "", "bcde" },
	{ "substr(\"abcde\", -10, 1)", "", "ab" },
	{ "substr(\"abcde\", -10, 10)", "", "abcde" },
	{ "substr(\"abcde\", 5, 6)", "", "" },
	{ "substr(\"abcde\", -10, -6)", "", "" },
	{ "substr(\"\", 0, 0)", "", "" },
	{ "substr(e, 0, 10)", "", "" },
	/* characters, not bytes */
	{ "substr(\"h\xc3\xa9llo\", 1, 1)", "", "\xc3\xa9" },
	{ "substr(\"h\xc3\xa9llo\", 0, 1)", "", "h\xc3\xa9" },
	{ "substr(\"h\xc3\xa9llo\", -4, -3)", "", "\xc3\xa9l" },
	{ "substr(\"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\", 1, 2)", "",
	    "\xe6\x9c\xac\xe8\xaa\x9e" },
	{ "substr(\"\xe6\x97\xa5\xe6\x9c\xac\", 2, 2)", "", "" },
	/* indexes are numbers, rounded down */
	{ "substr(\"abcde\", 1.7, 2.2)", "", "bc" },
	{ "substr(\"abcde\", a, b)", "a=1;b=3", "bcd" },
	{ "substr(\"abcde\", \"x\", 1)", "", "" },
	{ "substr(\"abcde\", 1, a)", "a=NA", "" },
	{ "substr(12345, 1, 2)", "", "23" },
	{ "substr(a, 0, 1)", "a=NA", "NA" },
	{ "substr(a + 1, 0, 1)", "a=NA", "" },
	/* Numeric functions. */
	{ "abs(-3)", "", "3" },
	{ "abs(3.5)", "", "3.5" },
	{ "abs(a)", "a=-0", "0" },
	{ "abs(a)", "a=NA", "" },
	{ "abs(\"\")", "", "" },
	{ "floor(2.7)", "", "2" },
	{ "floor(-2.5)", "", "-3" },
	{ "floor(a)", "a=x", "" },
	{ "ceil(2.1)", "", "3" },
	{ "ceil(-2.5)", "", "-2" },
	{ "ceil(-0.5)", "", "0" },
	{ "round(2.5)", "", "3" },
	{ "round(-2.5)", "", "-3" },
	{ "round(2.4999)", "", "2" },
	{ "round(-0.4)", "", "0" },
	{ "round(a / 7)", "a=100", "14" },
	{ "round(a)", "a=NA", "" },
	{ "min(3, 1, 2)", "", "1" },
	{ "max(3, 1, 2)", "", "3" },
	{ "min(5)", "", "5" },
	{ "max(-1)", "", "-1" },
	{ "min(a, b)", "a=1e3;b=999", "999" },
	{ "max(a, b)", "a=10;b=9", "10" },
	{ "min(a, \"x\", 3)", "a=7", "3" },
	{ "max(3, \"x\", 7)", "", "7" },
	{ "max(a, 2)", "a=NA", "2" },
	{ "min(\"x\", \"y\")", "", "" },
	{ "max(a)", "a=NA", "" },
	{ "min(a + 1, b)", "a=NA;b=4", "4" },
	{ "min(-0.5, 0.25)", "", "-0.5" },
	{ "max(1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,"
	    "24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,"
	    "45,46,47,48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63,64)",
	    "", "64" },
	{ "abs(min(a, b)) + max(a, b)", "a=-2;b=3", "5" },
	/* Calls in the arguments of calls. */
	{ "max(abs(a), 7)", "a=-5", "7" },
	{ "max(7, abs(a))", "a=-5", "7" },
	{ "min(abs(a), abs(b), 9)", "a=-5;b=-6", "5" },
	{ "max(min(1, 2), min(3, 4), min(5, a))", "a=-1", "3" },
	{ "substr(lower(a), len(b) - 2, max(1, len(b)))", "a=ABCDE;b=xyz",
	    "bcd" },
	{ "upper(substr(lower(a), 1, 2))", "a=ABCD", "BC" },
	{ "len(lower(upper(a)))", "a=\xc3\xa9t\xc3\xa9", "3" },
	{ "round(max(a, b) / min(a, b))", "a=2;b=7", "4" },
	{ "a in (max(1, 2), 3) && abs(b) > 0", "a=2;b=-1", "true" },
};

START_TEST(test_value)
{
	const struct value_case * c = &values[_i];
	struct ss_expr * e;
	const uint8_t * s;
	struct rec r;
	size_t len, k;

	e = compile_bound(c->src, SS_EXPR_VALUE);
	rec_make(&r, c->rec);
	for (k = 0; k < 2; k++) {
		s = ss_expr_text(e, &r.row, &len);
		ck_assert_msg(s != NULL, "'%s' on '%s': NULL (%s)", c->src,
		    c->rec, ss_err_msg());
		ck_assert_msg(len == strlen(c->want) &&
		    memcmp(s, c->want, len) == 0,
		    "'%s' on '%s': '%.*s', not '%s'", c->src, c->rec,
		    (int)len, s, c->want);
	}
	rec_free(&r);
	ss_expr_free(e);
}
END_TEST

/* Compile errors: ${src} compiled as ${type} fails at ${col} with ${msg}. */
static const struct error_case {
	const char * src;
	int type;
	size_t col;
	const char * msg;
} errors[] = {
	/* The lexer. */
	{ "", SS_EXPR_COND, 1, "empty expression" },
	{ " \t\n", SS_EXPR_VALUE, 1, "empty expression" },
	{ "a == \"abc", SS_EXPR_COND, 6, "unterminated string" },
	{ "'abc\\'", SS_EXPR_VALUE, 1, "unterminated string" },
	{ "\"abc\\", SS_EXPR_VALUE, 1, "unterminated string" },
	{ "a == 12abc", SS_EXPR_COND, 6, "bad number '12abc'" },
	{ "1.2.3 > 0", SS_EXPR_COND, 1, "bad number '1.2.3'" },
	{ "1e > 0", SS_EXPR_COND, 1, "bad number '1e'" },
	{ "1e+ > 0", SS_EXPR_COND, 1, "bad number '1e+'" },
	{ "0x10 > 0", SS_EXPR_COND, 1, "bad number '0x10'" },
	{ "3in (3)", SS_EXPR_COND, 1, "bad number '3in'" },
	{ "${abc > 1", SS_EXPR_COND, 1, "unterminated ${...} field name" },
	{ "${} > 1", SS_EXPR_COND, 1, "empty field name" },
	{ "$ > 1", SS_EXPR_COND, 1, "expected a field name after '$'" },
	{ "a > $", SS_EXPR_COND, 5, "expected a field name after '$'" },
	{ "a # b", SS_EXPR_COND, 3, "unexpected character '#'" },
	{ "a & b", SS_EXPR_COND, 3, "unexpected character '&'" },
	{ "a | b", SS_EXPR_COND, 3, "unexpected character '|'" },
	{ "a > 1 \xc3\xa9", SS_EXPR_COND, 7, "unexpected byte 0xc3" },
	{ "a >\x01 1", SS_EXPR_COND, 4, "unexpected byte 0x01" },
	{ "a > \x7f", SS_EXPR_COND, 5, "unexpected byte 0x7f" },

	/* Types. */
	{ "a > 1 && 2", SS_EXPR_COND, 10,
	    "expected a condition (a comparison or a test), not a value" },
	{ "a || b > 1", SS_EXPR_COND, 1,
	    "expected a condition (a comparison or a test), not a value" },
	{ "!a", SS_EXPR_COND, 2,
	    "expected a condition (a comparison or a test), not a value" },
	{ "!a == 1", SS_EXPR_COND, 2,
	    "expected a condition (a comparison or a test), not a value" },
	{ "(a > 1) + 1", SS_EXPR_VALUE, 2,
	    "expected a value, not a condition" },
	{ "1 + true", SS_EXPR_VALUE, 5, "expected a value, not a condition" },
	{ "-true", SS_EXPR_VALUE, 2, "expected a value, not a condition" },
	{ "+(a > 1)", SS_EXPR_VALUE, 3, "expected a value, not a condition" },
	{ "(a > 1) == true", SS_EXPR_COND, 2,
	    "expected a value, not a condition" },
	{ "a == (b < 1)", SS_EXPR_COND, 7,
	    "expected a value, not a condition" },
	{ "abs(a > 1) > 0", SS_EXPR_COND, 5,
	    "expected a value, not a condition" },
	{ "is_empty(true)", SS_EXPR_COND, 10,
	    "expected a value, not a condition" },
	{ "a in (1, b > 2)", SS_EXPR_COND, 10,
	    "expected a value, not a condition" },
	{ "true in (1)", SS_EXPR_COND, 1, "expected a value, not a condition" },
	{ "a + 1", SS_EXPR_COND, 1, "the expression gives a value, not a "
	    "condition (compare it: ... > 0)" },
	{ "ArrDelay", SS_EXPR_COND, 1, "the expression gives a value, not a "
	    "condition (compare it: ... > 0)" },
	{ "lower(a)", SS_EXPR_COND, 1, "the expression gives a value, not a "
	    "condition (compare it: ... > 0)" },

	/* Calls and lists. */
	{ "a in 1", SS_EXPR_COND, 6, "expected '('" },
	{ "a in", SS_EXPR_COND, 5, "expected '('" },
	{ "abs(1 2) > 0", SS_EXPR_COND, 7, "expected ',' or ')'" },
	{ "a in (1; 2)", SS_EXPR_COND, 8, "unexpected character ';'" },
	{ "a in (1 2)", SS_EXPR_COND, 9, "expected ',' or ')'" },
	{ "abs(1,) > 0", SS_EXPR_COND, 7, "expected a value, found ')'" },
	{ "abs(1", SS_EXPR_VALUE, 6, "expected ',' or ')'" },
	{ "foo(1) > 0", SS_EXPR_COND, 1, "unknown function 'foo'" },
	{ "a > Abs(1)", SS_EXPR_COND, 5, "unknown function 'Abs'" },
	{ "in (1)", SS_EXPR_COND, 1, "unknown function 'in'" },
	{ "abs() > 0", SS_EXPR_COND, 1, "abs() takes 1 argument, not 0" },
	{ "a > floor(1, 2)", SS_EXPR_COND, 5,
	    "floor() takes 1 argument, not 2" },
	{ "prefix(a)", SS_EXPR_COND, 1, "prefix() takes 2 arguments, not 1" },
	{ "contains(a, b, c)", SS_EXPR_COND, 1,
	    "contains() takes 2 arguments, not 3" },
	{ "substr(\"a\", 1) == \"\"", SS_EXPR_COND, 1,
	    "substr() takes 3 arguments, not 2" },
	{ "min() > 0", SS_EXPR_COND, 1,
	    "min() takes 1 to 64 arguments, not 0" },
	{ "max(1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,"
	    "24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,"
	    "45,46,47,48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63,64,65)",
	    SS_EXPR_VALUE, 1, "max() takes 1 to 64 arguments, not 65" },
	{ "a in ()", SS_EXPR_COND, 3,
	    "'in' needs at least one value in its list" },

	/* Parentheses and operands. */
	{ "(a > 1", SS_EXPR_COND, 7, "expected ')', found the end" },
	{ "(a > 1 b", SS_EXPR_COND, 8, "expected ')', found 'b'" },
	{ "a > ", SS_EXPR_COND, 5, "expected a value, found the end" },
	{ "a > )", SS_EXPR_COND, 5, "expected a value, found ')'" },
	{ "a > > 1", SS_EXPR_COND, 5, "expected a value, found '>'" },
	{ "&& a", SS_EXPR_COND, 1, "expected a value, found '&&'" },
	{ "a == \"x\" && ", SS_EXPR_COND, 13,
	    "expected a value, found the end" },
	{ "()", SS_EXPR_VALUE, 2, "expected a value, found ')'" },
	{ "a > 1 b", SS_EXPR_COND, 7, "unexpected 'b' after the expression" },
	{ "a > 1)", SS_EXPR_COND, 6, "unexpected ')' after the expression" },
	{ "a = 1", SS_EXPR_COND, 3, "unexpected '=' after the expression "
	    "(use == to compare)" },
	{ "a == \"x\"i", SS_EXPR_COND, 6, "a caseless \"...\"i pattern goes "
	    "only after =~ or !=~" },
	{ "\"x\"i", SS_EXPR_VALUE, 1, "a caseless \"...\"i pattern goes "
	    "only after =~ or !=~" },
	{ "a > 1 \"x\"", SS_EXPR_COND, 7,
	    "unexpected '\"x\"' after the expression" },
	{ "a > 1 abcdefghijklmnopqrstuvwxyz", SS_EXPR_COND, 7,
	    "unexpected 'abcdefghijklmnopqrst...' after the expression" },
	{ "true(1)", SS_EXPR_COND, 5, "unexpected '(' after the expression" },
	{ "$abs(1)", SS_EXPR_VALUE, 5,
	    "unexpected '(' after the expression" },
	{ "a !~ \"x\"", SS_EXPR_COND, 3,
	    "unexpected '!' after the expression" },

	/* Chained comparisons. */
	{ "1 < a < 3", SS_EXPR_COND, 7,
	    "comparisons do not chain: join them with &&" },
	{ "a == b == c", SS_EXPR_COND, 8,
	    "comparisons do not chain: join them with &&" },
	{ "a =~ \"x\" == 1", SS_EXPR_COND, 10,
	    "comparisons do not chain: join them with &&" },
	{ "a in (1) == 1", SS_EXPR_COND, 10,
	    "comparisons do not chain: join them with &&" },
	{ "a == 1 in (1)", SS_EXPR_COND, 8,
	    "comparisons do not chain: join them with &&" },
	{ "a in (1) in (1)", SS_EXPR_COND, 10,
	    "comparisons do not chain: join them with &&" },

	/* Regular expressions. */
	{ "a =~ b", SS_EXPR_COND, 6,
	    "the pattern after =~ must be a string literal" },
	{ "a !=~ 1", SS_EXPR_COND, 7,
	    "the pattern after !=~ must be a string literal" },
	{ "a =~ lower(\"x\")", SS_EXPR_COND, 6,
	    "the pattern after =~ must be a string literal" },
	{ "a =~ \"(\"", SS_EXPR_COND, 6,
	    "bad regular expression: missing closing parenthesis" },
	{ "a =~ \"[a-\"i", SS_EXPR_COND, 6,
	    "bad regular expression: missing terminating ] for character "
	    "class" },
	{ "a !=~ \"x{2,1}\"", SS_EXPR_COND, 7,
	    "bad regular expression: numbers out of order in {} quantifier" },

	/* Assignments. */
	{ "x = 1", SS_EXPR_COND, 3, "unexpected '=' after the expression "
	    "(use == to compare)" },
	{ "1 = 2", ASSIGN, 1, "expected 'NAME = EXPRESSION', found '1'" },
	{ "\"x\" = 2", ASSIGN, 1,
	    "expected 'NAME = EXPRESSION', found '\"x\"'" },
	{ "= 2", ASSIGN, 1, "expected 'NAME = EXPRESSION', found '='" },
	{ "", ASSIGN, 1, "empty expression" },
	{ "x", ASSIGN, 2, "expected '=' after the field name, found the end" },
	{ "x == 1", ASSIGN, 3,
	    "expected '=' after the field name, found '=='" },
	{ "x y = 1", ASSIGN, 3,
	    "expected '=' after the field name, found 'y'" },
	{ "x =", ASSIGN, 4, "expected a value, found the end" },
	{ "x = a b", ASSIGN, 7, "unexpected 'b' after the expression" },
	{ "x = y = 1", ASSIGN, 7, "unexpected '=' after the expression (use == to compare)" },
	{ "${x = 1", ASSIGN, 1, "unterminated ${...} field name" },
	{ "x = \"abc", ASSIGN, 5, "unterminated string" },
	{ "x = a +", ASSIGN, 8, "expected a value, found the end" },
};

START_TEST(test_error)
{
	const struct error_case * c = &errors[_i];
	struct ss_expr_err err;
	struct ss_expr * e;
	const char * name;
	size_t namelen;

	memset(&err, 0xa5, sizeof(err));
	if (c->type == ASSIGN)
		e = ss_expr_compile_assign(c->src, strlen(c->src), &name,
		    &namelen, &err);
	else
		e = ss_expr_compile(c->src, strlen(c->src), c->type, &err);
	ck_assert_msg(e == NULL, "'%s' compiled", c->src);
	ck_assert_msg(err.col == c->col && strcmp(err.msg, c->msg) == 0,
	    "'%s': column %zu, '%s'; not %zu, '%s'", c->src, err.col,
	    err.msg, c->col, c->msg);
}
END_TEST

/* ${src} (${len} bytes) fails at ${col} with ${msg}. */
static void
assert_error(const char * src, size_t len, int type, size_t col,
    const char * msg)
{
	struct ss_expr_err err;

	ck_assert_ptr_null(ss_expr_compile(src, len, type, &err));
	ck_assert_msg(err.col == col && strcmp(err.msg, msg) == 0,
	    "column %zu, '%s'; not %zu, '%s'", err.col, err.msg, col, msg);
}

/* ${n} copies of ${s}, then ${tail}, in a malloc()ed string. */
static char *
repeat(const char * s, size_t n, const char * tail)
{
	size_t len = strlen(s), i;
	char * buf;

	ck_assert_ptr_nonnull(buf = malloc(len * n + strlen(tail) + 1));
	for (i = 0; i < n; i++)
		memcpy(buf + i * len, s, len);
	strcpy(buf + len * n, tail);
	return (buf);
}

/* ${head} then ${s} (which is freed), in a malloc()ed string. */
static char *
prepend(const char * head, char * s)
{
	char * buf;

	ck_assert_ptr_nonnull(buf = malloc(strlen(head) + strlen(s) + 1));
	strcpy(buf, head);
	strcat(buf, s);
	free(s);
	return (buf);
}

/* The limits: length, parts, nesting, and a NUL byte. */
START_TEST(test_limits)
{
	struct ss_expr_err err;
	struct ss_expr * e;
	char * src, * tmp;
	size_t len;

	/* A NUL byte anywhere, even in a string. */
	assert_error("a\0b", 3, SS_EXPR_VALUE, 2, "unexpected byte 0x00");
	assert_error("\"a\0\"", 4, SS_EXPR_VALUE, 3, "unexpected byte 0x00");

	/* 65536 bytes is the most. */
	src = repeat(" ", SS_EXPR_SRC_MAX - 1, "1");
	ck_assert_ptr_nonnull(e = ss_expr_compile(src, SS_EXPR_SRC_MAX,
	    SS_EXPR_VALUE, &err));
	ss_expr_free(e);
	free(src);
	src = repeat(" ", SS_EXPR_SRC_MAX, "1");
	assert_error(src, SS_EXPR_SRC_MAX + 1, SS_EXPR_VALUE, 1,
	    "expression too long (more than 65536 bytes)");
	free(src);

	/* 4096 parts: "1+1+...+1" with 2048 ones has 4095. */
	src = repeat("1+", 2047, "1");
	ck_assert_ptr_nonnull(e = compile_bound(src, SS_EXPR_VALUE));
	ss_expr_free(e);
	free(src);
	src = repeat("1+", 2048, "1");
	len = strlen(src);
	assert_error(src, len, SS_EXPR_VALUE, len - 1,
	    "expression too large (more than 4096 parts)");
	free(src);
	/* Strings and fields count too. */
	src = repeat("\"\",", 5000, "\"\")");
	src = prepend("a in (", src);
	assert_error(src, strlen(src), SS_EXPR_COND, 6 + 4095 * 3 + 1,
	    "expression too large (more than 4096 parts)");
	free(src);

	/* Nesting: parentheses, unary operators, calls and lists. */
	src = repeat("(", 300, "1");
	assert_error(src, strlen(src), SS_EXPR_VALUE, 201,
	    "expression nested too deeply");
	free(src);
	src = repeat("-", 300, "1");
	assert_error(src, strlen(src), SS_EXPR_VALUE, 201,
	    "expression nested too deeply");
	free(src);
	src = repeat("!", 300, "true");
	assert_error(src, strlen(src), SS_EXPR_COND, 201,
	    "expression nested too deeply");
	free(src);
	src = repeat("abs(", 300, "1");
	assert_error(src, strlen(src), SS_EXPR_VALUE, 4 * 200 + 1,
	    "expression nested too deeply");
	free(src);
	/* "a in (a in (a in (...": deep recursion without any parenthesis
	 * of its own. */
	src = repeat("a in (", 10000, "1");
	assert_error(src, strlen(src), SS_EXPR_COND, 6 * 200 + 1,
	    "expression nested too deeply");
	free(src);
	/* (Below the limit, the inner lists are conditions, which no list
	 * takes.) */
	tmp = repeat("a in (", 199, "1");
	src = prepend(tmp, repeat(")", 199, ""));
	free(tmp);
	assert_error(src, strlen(src), SS_EXPR_COND, 6 * 198 + 1,
	    "expected a value, not a condition");
	free(src);
}
END_TEST

/* Deep nesting that is allowed compiles and evaluates. */
START_TEST(test_deep)
{
	struct ss_expr * e;
	const uint8_t * s;
	struct rec r;
	char * src, * p;
	size_t len;

	rec_make(&r, "a=1");
	/* 199 parentheses around "a + 1". */
	src = repeat("(", 199, "a + 1");
	len = strlen(src);
	ck_assert_ptr_nonnull(p = realloc(src, len + 200));
	src = p;
	memset(src + len, ')', 199);
	src[len + 199] = '\0';
	e = compile_bound(src, SS_EXPR_VALUE);
	ck_assert_ptr_nonnull(s = ss_expr_text(e, &r.row, &len));
	ck_assert_uint_eq(len, 1);
	ck_assert_mem_eq(s, "2", 1);
	ss_expr_free(e);
	free(src);

	/* A long chain of && (left to right, no nesting). */
	src = repeat("a == 1 && ", 1000, "true");
	e = compile_bound(src, SS_EXPR_COND);
	ck_assert_int_eq(ss_expr_test(e, &r.row), 1);
	ss_expr_free(e);
	free(src);

	/* 2047 additions. */
	src = repeat("a+", 2047, "0");
	e = compile_bound(src, SS_EXPR_VALUE);
	ck_assert_ptr_nonnull(s = ss_expr_text(e, &r.row, &len));
	ck_assert_uint_eq(len, 4);
	ck_assert_mem_eq(s, "2047", 4);
	ss_expr_free(e);
	free(src);
	rec_free(&r);
}
END_TEST

/* ss_expr_number(): which texts are numbers, and their values. */
static const struct number_case {
	const char * s;
	int ok;
	double x;
} numbers[] = {
	{ "0", 1, 0 },
	{ "12", 1, 12 },
	{ "-12", 1, -12 },
	{ "+12", 1, 12 },
	{ "007", 1, 7 },
	{ "-0", 1, 0 },
	{ "0.5", 1, 0.5 },
	{ ".5", 1, 0.5 },
	{ "-.5", 1, -0.5 },
	{ "5.", 1, 5 },
	{ "1e3", 1, 1000 },
	{ "1E3", 1, 1000 },
	{ "1e+3", 1, 1000 },
	{ "1.5e-3", 1, 0.0015 },
	{ ".5e1", 1, 5 },
	{ "123456789012345", 1, 123456789012345.0 },
	{ "1234567890123456789", 1, 1234567890123456789.0 },
	{ "1e308", 1, 1e308 },
	{ "4.9e-324", 1, 4.9e-324 },
	{ "", 0, 0 },
	{ "-", 0, 0 },
	{ "+", 0, 0 },
	{ ".", 0, 0 },
	{ "-.", 0, 0 },
	{ "e3", 0, 0 },
	{ "1e", 0, 0 },
	{ "1e+", 0, 0 },
	{ "1e3.5", 0, 0 },
	{ "1.2.3", 0, 0 },
	{ "--1", 0, 0 },
	{ "+-1", 0, 0 },
	{ " 1", 0, 0 },
	{ "1 ", 0, 0 },
	{ "1,5", 0, 0 },
	{ "0x10", 0, 0 },
	{ "0b1", 0, 0 },
	{ "1_000", 0, 0 },
	{ "NA", 0, 0 },
	{ "inf", 0, 0 },
	{ "-Inf", 0, 0 },
	{ "NaN", 0, 0 },
	{ "1e400", 0, 0 },
	{ "-1e400", 0, 0 },
	{ "12abc", 0, 0 },
};

START_TEST(test_number)
{
	const struct number_case * c = &numbers[_i];
	double x = -999;
	int ok;

	ok = ss_expr_number((const uint8_t *)c->s, strlen(c->s), &x);
	ck_assert_msg(ok == c->ok, "'%s': %d", c->s, ok);
	if (ok)
		ck_assert_msg(x == c->x, "'%s': %.17g", c->s, x);
}
END_TEST

/* ss_expr_format(): the shortest text that reads back exactly. */
static const struct format_case {
	double x;
	const char * want;
} formats[] = {
	{ 0, "0" },
	{ -0.0, "0" },
	{ 1, "1" },
	{ -1, "-1" },
	{ 42, "42" },
	{ 1.5, "1.5" },
	{ -0.25, "-0.25" },
	{ 0.1, "0.1" },
	{ 1.0 / 3, "0.3333333333333333" },
	{ 0.1 + 0.2, "0.30000000000000004" },
	{ 100, "100" },
	{ 1e14, "100000000000000" },
	{ 999999999999999, "999999999999999" },
	{ -999999999999999, "-999999999999999" },
	{ 1e15, "1e+15" },
	{ 1234567890123456, "1234567890123456" },
	{ 1e100, "1e+100" },
	{ 1e-5, "1e-05" },
	{ 0.0001, "0.0001" },
	{ 123.456, "123.456" },
	{ 5e-324, "4.94065645841247e-324" },
	{ 1.7976931348623157e308, "1.7976931348623157e+308" },
	{ INFINITY, "+Inf" },
	{ -INFINITY, "-Inf" },
	{ NAN, "NaN" },
};

START_TEST(test_format)
{
	const struct format_case * c = &formats[_i];
	char buf[SS_EXPR_NUMBUF];
	size_t len;
	double back;

	memset(buf, 'x', sizeof(buf));
	len = ss_expr_format(c->x, buf);
	ck_assert_msg(len == strlen(c->want) && memcmp(buf, c->want, len) == 0,
	    "%.17g: '%.*s', not '%s'", c->x, (int)len, buf, c->want);
	ck_assert_uint_lt(len, SS_EXPR_NUMBUF);
	if (isfinite(c->x)) {
		ck_assert_int_eq(ss_expr_number((const uint8_t *)buf, len,
		    &back), 1);
		ck_assert(back == c->x);
	}
}
END_TEST

/* Every double reads back from its text (random bit patterns). */
START_TEST(test_format_random)
{
	char buf[SS_EXPR_NUMBUF];
	uint64_t seed = 0x9e3779b97f4a7c15ULL, bits;
	double x, back;
	size_t len;
	int i;

	for (i = 0; i < 100000; i++) {
		bits = tu_rand(&seed);
		memcpy(&x, &bits, sizeof(x));
		if (i % 2)
			x = (double)(int64_t)(bits >> 12) / 1000;
		len = ss_expr_format(x, buf);
		ck_assert_uint_lt(len, SS_EXPR_NUMBUF);
		if (!isfinite(x))
			continue;
		ck_assert_msg(ss_expr_number((const uint8_t *)buf, len,
		    &back) == 1 && back == x, "%.17g: '%.*s'", x, (int)len,
		    buf);
		ck_assert_msg(len == 1 || buf[len - 1] != '.',
		    "%.17g: '%.*s'", x, (int)len, buf);
		ck_assert_msg(strncmp(buf, "-0", len) != 0, "-0");
	}
}
END_TEST

/* Assignments: the name, unquoted, and the expression. */
START_TEST(test_assign)
{
	static const struct {
		const char * src;
		const char * name;
		const char * rec;
		const char * want;
	} cases[] = {
		{ "delay_h = ArrDelay / 60", "delay_h", "ArrDelay=90", "1.5" },
		{ "delay_h=ArrDelay/60", "delay_h", "ArrDelay=NA", "" },
		{ "  x\t=\n1  ", "x", "", "1" },
		{ "$x = a", "x", "a=NA", "NA" },
		{ "${Arr Delay} = a + 1", "Arr Delay", "a=1", "2" },
		{ "${=} = 1", "=", "", "1" },
		{ "late = ArrDelay > 15", "late", "ArrDelay=20", "true" },
		{ "a = a", "a", "a=x", "x" },
		{ "true = false", "true", "", "false" },
		{ "in = upper(Origin)", "in", "Origin=sfo", "SFO" },
		{ "x = -1", "x", "", "-1" },
		{ "x = \"=\"", "x", "", "=" },
	};
	struct ss_expr_err err;
	struct ss_expr * e;
	const uint8_t * s;
	const char * name;
	struct rec r;
	size_t namelen, len, i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		name = NULL;
		namelen = 0;
		e = ss_expr_compile_assign(cases[i].src, strlen(cases[i].src),
		    &name, &namelen, &err);
		ck_assert_msg(e != NULL, "'%s': %zu: %s", cases[i].src,
		    err.col, err.msg);
		ck_assert_msg(namelen == strlen(cases[i].name) &&
		    memcmp(name, cases[i].name, namelen) == 0,
		    "'%s': name '%.*s'", cases[i].src, (int)namelen, name);
		/* The name points into the source. */
		ck_assert(name >= cases[i].src &&
		    name + namelen <= cases[i].src + strlen(cases[i].src));
		ck_assert_int_eq(bind(e), 0);
		rec_make(&r, cases[i].rec);
		ck_assert_ptr_nonnull(s = ss_expr_text(e, &r.row, &len));
		ck_assert_msg(len == strlen(cases[i].want) &&
		    memcmp(s, cases[i].want, len) == 0, "'%s': '%.*s'",
		    cases[i].src, (int)len, s);
		rec_free(&r);
		ss_expr_free(e);
	}
}
END_TEST

/* Binding: unknown names are data errors; names are exact bytes. */
START_TEST(test_bind)
{
	static const struct {
		const char * src;
		const char * msg;
	} cases[] = {
		{ "nope > 1", "no field 'nope' in the input stream" },
		{ "a > 1 && ${no such} == 2",
		    "no field 'no such' in the input stream" },
		{ "arrdelay > 1", "no field 'arrdelay' in the input stream" },
		{ "${Arr Delay } > 1",
		    "no field 'Arr Delay ' in the input stream" },
		{ "${ a} > 1", "no field ' a' in the input stream" },
		{ "lower(x) == \"\"", "no field 'x' in the input stream" },
		{ "$Arr > 1", "no field 'Arr' in the input stream" },
	};
	const uint8_t * names[2] = { (const uint8_t *)"a",
	    (const uint8_t *)"a" };
	size_t lens[2] = { 1, 1 };
	const uint8_t * extra[1], * pt, * s;
	size_t extralen[1], n, len;
	struct ss_batch_builder * bb;
	struct ss_expr_row row;
	struct ss_expr_err err;
	struct ss_batch b;
	struct ss_expr * e;
	struct rec r;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_ptr_nonnull(e = ss_expr_compile(cases[i].src,
		    strlen(cases[i].src), SS_EXPR_COND, &err));
		ss_err_clear();
		ck_assert_int_eq(bind(e), -1);
		ck_assert_int_eq(ss_err_status(), SS_EXIT_DATA);
		ck_assert_str_eq(ss_err_msg(), cases[i].msg);
		ss_expr_free(e);
	}

	/* Functions and keywords are not fields; names that look like
	 * them are, unless called. */
	ck_assert_ptr_nonnull(e = ss_expr_compile("abs(a) > 0", 10,
	    SS_EXPR_COND, &err));
	ck_assert_int_eq(ss_expr_bind(e, names, lens, 1), 0);
	ss_expr_free(e);
	ck_assert_ptr_nonnull(e = ss_expr_compile("abs > 0", 7,
	    SS_EXPR_COND, &err));
	ss_err_clear();
	ck_assert_int_eq(ss_expr_bind(e, names, lens, 1), -1);
	ck_assert_str_eq(ss_err_msg(), "no field 'abs' in the input stream");
	ss_expr_free(e);

	/* A name given twice binds to its last column: a computed field
	 * hides an input column of the same name. */
	ck_assert_ptr_nonnull(e = ss_expr_compile("a", 1, SS_EXPR_VALUE,
	    &err));
	ck_assert_int_eq(ss_expr_bind(e, names, lens, 2), 0);
	rec_make(&r, "a=input;b=computed");
	extra[0] = r.f[1];
	extralen[0] = r.len[1];
	/* (A record of 1 field, "input"; the other column is computed.) */
	ck_assert_ptr_nonnull(bb = ss_batch_builder_new(1, SS_CHUNK_TARGET));
	ck_assert_int_eq(ss_batch_builder_add(bb, r.f, r.len), 0);
	ck_assert_int_eq(ss_batch_builder_finish(bb, SS_BATCH_RECORDS, &pt,
	    &n), 0);
	ck_assert_int_eq(ss_batch_parse(&b, pt, n), 0);
	row.b = &b;
	row.rec = 0;
	row.extra = extra;
	row.extralen = extralen;
	ck_assert_ptr_nonnull(s = ss_expr_text(e, &row, &len));
	ck_assert_uint_eq(len, 8);
	ck_assert_mem_eq(s, "computed", 8);
	ss_batch_builder_free(bb);
	rec_free(&r);
	ss_expr_free(e);

	/* An expression without fields binds to no columns at all. */
	ck_assert_ptr_nonnull(e = ss_expr_compile("1 < 2", 5, SS_EXPR_COND,
	    &err));
	ck_assert_int_eq(ss_expr_bind(e, NULL, NULL, 0), 0);
	rec_make(&r, "");
	ck_assert_int_eq(ss_expr_test(e, &r.row), 1);
	rec_free(&r);
	ss_expr_free(e);
	ss_expr_free(NULL);
}
END_TEST

/*
 * Computed columns: names past the batch's fields read from the row's
 * extra values, which may change from one evaluation to the next.
 */
START_TEST(test_extra)
{
	const uint8_t * names[3] = { (const uint8_t *)"x",
	    (const uint8_t *)"delay_h", (const uint8_t *)"tag" };
	size_t lens[3] = { 1, 7, 3 };
	const uint8_t * f[1];
	size_t fl[1], n, len;
	const uint8_t * extra[2];
	size_t extralen[2];
	struct ss_batch_builder * bb;
	struct ss_expr_row row;
	struct ss_expr_err err;
	struct ss_batch b;
	struct ss_expr * e, * v;
	const uint8_t * pt, * s;
	const char * src;
	char buf[32];
	int i;

	ck_assert_ptr_nonnull(bb = ss_batch_builder_new(1, SS_CHUNK_TARGET));
	for (i = 0; i < 10; i++) {
		snprintf(buf, sizeof(buf), "%d", i * 30);
		f[0] = (const uint8_t *)buf;
		fl[0] = strlen(buf);
		ck_assert_int_eq(ss_batch_builder_add(bb, f, fl), 0);
	}
	ck_assert_int_eq(ss_batch_builder_finish(bb, SS_BATCH_RECORDS, &pt,
	    &n), 0);
	ck_assert_int_eq(ss_batch_parse(&b, pt, n), 0);

	src = "delay_h > 2 && tag == \"late\"";
	ck_assert_ptr_nonnull(e = ss_expr_compile(src, strlen(src),
	    SS_EXPR_COND, &err));
	ck_assert_int_eq(ss_expr_bind(e, names, lens, 3), 0);
	src = "x / 60 + delay_h";
	ck_assert_ptr_nonnull(v = ss_expr_compile(src, strlen(src),
	    SS_EXPR_VALUE, &err));
	ck_assert_int_eq(ss_expr_bind(v, names, lens, 3), 0);
	row.b = &b;
	row.extra = extra;
	row.extralen = extralen;
	for (i = 0; i < 10; i++) {
		row.rec = (size_t)i;
		/* delay_h = x / 60, as ss-map would have computed it. */
		s = ss_batch_field(&b, (size_t)i, 0, &len);
		snprintf(buf, sizeof(buf), "%g", (double)i * 30 / 60);
		extra[0] = (const uint8_t *)buf;
		extralen[0] = strlen(buf);
		extra[1] = (const uint8_t *)((i % 2) ? "late" : "early");
		extralen[1] = strlen((const char *)extra[1]);
		ck_assert_int_eq(ss_expr_test(e, &row), i > 4 && i % 2);
		ck_assert_ptr_nonnull(s = ss_expr_text(v, &row, &len));
		snprintf(buf, sizeof(buf), "%d", i);
		ck_assert_uint_eq(len, strlen(buf));
		ck_assert_mem_eq(s, buf, len);
	}
	ss_expr_free(e);
	ss_expr_free(v);
	ss_batch_builder_free(bb);
}
END_TEST

/* A match that backtracks too much is neither true nor false. */
START_TEST(test_regex_limit)
{
	struct ss_expr * m, * nm, * ok;
	char spec[128];
	struct rec r;

	snprintf(spec, sizeof(spec), "a=%s", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaa!");
	rec_make(&r, spec);
	m = compile_bound("a =~ \"^(a|aa)+$\"", SS_EXPR_COND);
	nm = compile_bound("a !=~ \"^(a|aa)+$\"", SS_EXPR_COND);
	ok = compile_bound("a =~ \"^(a|aa)+!$\"", SS_EXPR_COND);
	ck_assert_int_eq(ss_expr_test(m, &r.row), 0);
	ck_assert_int_eq(ss_expr_test(nm, &r.row), 0);
	ck_assert_int_eq(ss_expr_test(ok, &r.row), 1);
	rec_free(&r);
	/* A short one is answered both ways. */
	rec_make(&r, "a=aaaa!");
	ck_assert_int_eq(ss_expr_test(m, &r.row), 0);
	ck_assert_int_eq(ss_expr_test(nm, &r.row), 1);
	rec_free(&r);
	ss_expr_free(m);
	ss_expr_free(nm);
	ss_expr_free(ok);
}
END_TEST

/*
 * Parts of conditions (ss_expr_part): ${src} has ${nparts} parts, and
 * part ${part} is FIELD op CONSTANT as given, or (${op} 0) is not one.
 */
static const struct part_case {
	const char * src;
	size_t nparts, part;
	int op;
	const char * name;
	int isnum;
	double num;
	const char * str;
} parts[] = {
	{ "a > 1", 1, 0, SS_EXPR_GT, "a", 1, 1, NULL },
	{ "a < 1", 1, 0, SS_EXPR_LT, "a", 1, 1, NULL },
	{ "a <= 1", 1, 0, SS_EXPR_LE, "a", 1, 1, NULL },
	{ "a == 1", 1, 0, SS_EXPR_EQ, "a", 1, 1, NULL },
	{ "a != 1", 1, 0, SS_EXPR_NE, "a", 1, 1, NULL },
	{ "1 < a", 1, 0, SS_EXPR_GT, "a", 1, 1, NULL },
	{ "1 <= a", 1, 0, SS_EXPR_GE, "a", 1, 1, NULL },
	{ "1 > a", 1, 0, SS_EXPR_LT, "a", 1, 1, NULL },
	{ "1 >= a", 1, 0, SS_EXPR_LE, "a", 1, 1, NULL },
	{ "1 == a", 1, 0, SS_EXPR_EQ, "a", 1, 1, NULL },
	{ "a >= -2.5", 1, 0, SS_EXPR_GE, "a", 1, -2.5, NULL },
	{ "--3 <= a", 1, 0, SS_EXPR_GE, "a", 1, 3, NULL },
	{ "a > -(1e3)", 1, 0, SS_EXPR_GT, "a", 1, -1000, NULL },
	{ "a == \"7\"", 1, 0, SS_EXPR_EQ, "a", 1, 7, NULL },
	{ "a == -\"7\"", 1, 0, SS_EXPR_EQ, "a", 1, -7, NULL },
	{ "a != \"NA\"", 1, 0, SS_EXPR_NE, "a", 0, 0, "NA" },
	{ "a == ''", 1, 0, SS_EXPR_EQ, "a", 0, 0, "" },
	{ "\"x\" > Origin", 1, 0, SS_EXPR_LT, "Origin", 0, 0, "x" },
	{ "${Arr Delay} < 5", 1, 0, SS_EXPR_LT, "Arr Delay", 1, 5, NULL },
	{ "$a == (2)", 1, 0, SS_EXPR_EQ, "a", 1, 2, NULL },
	{ "a > 1 && b < 2 && Origin == \"SFO\"", 3, 2, SS_EXPR_EQ, "Origin",
	    0, 0, "SFO" },
	{ "a > 1 && b < 2 && Origin == \"SFO\"", 3, 1, SS_EXPR_LT, "b", 1, 2,
	    NULL },
	{ "a > 1 && (b < 2 && (a == b && e > 0))", 4, 2, 0, NULL, 0, 0, NULL },
	{ "a > 1 && (b < 2 && (a == b && e > 0))", 4, 3, SS_EXPR_GT, "e", 1, 0,
	    NULL },
	{ "(a > 1 || b < 2) && e > 0", 2, 0, 0, NULL, 0, 0, NULL },
	{ "(a > 1 || b < 2) && e > 0", 2, 1, SS_EXPR_GT, "e", 1, 0, NULL },
	{ "true && a > 1", 2, 1, SS_EXPR_GT, "a", 1, 1, NULL },
	/* Not FIELD op CONSTANT. */
	{ "a > 1 || b < 2", 1, 0, 0, NULL, 0, 0, NULL },
	{ "!(a > 1)", 1, 0, 0, NULL, 0, 0, NULL },
	{ "a + 1 > 2", 1, 0, 0, NULL, 0, 0, NULL },
	{ "a > 1 + 1", 1, 0, 0, NULL, 0, 0, NULL },
	{ "a in (1)", 1, 0, 0, NULL, 0, 0, NULL },
	{ "-\"x\" == a", 1, 0, 0, NULL, 0, 0, NULL },
	{ "--\"x\" == a", 1, 0, 0, NULL, 0, 0, NULL },	/* no value */
	{ "1 < 2", 1, 0, 0, NULL, 0, 0, NULL },
	{ "a == b", 1, 0, 0, NULL, 0, 0, NULL },
	{ "a =~ \"x\"", 1, 0, 0, NULL, 0, 0, NULL },
	{ "is_num(a)", 1, 0, 0, NULL, 0, 0, NULL },
};

START_TEST(test_part)
{
	const struct part_case * c = &parts[_i];
	static const char * const recs[] = {
		"", "a=1", "a=2;b=1;e=1", "a=NA", "a=7;Origin=SFO;b=0;e=3",
		"a=-7", "Origin=a", "Arr Delay=4", "a=-1000",
	};
	struct ss_expr_pred pr;
	struct ss_expr * e;
	struct rec r;
	size_t i, k;
	int whole, parts_and;

	e = compile_bound(c->src, SS_EXPR_COND);
	ck_assert_uint_eq(ss_expr_nparts(e), c->nparts);
	memset(&pr, 0, sizeof(pr));
	if (c->op == 0) {
		ck_assert_int_eq(ss_expr_part(e, c->part, &pr), 0);
	} else {
		ck_assert_msg(ss_expr_part(e, c->part, &pr) == 1, "%s", c->src);
		ck_assert_int_eq(pr.op, c->op);
		ck_assert_uint_eq(pr.namelen, strlen(c->name));
		ck_assert_str_eq(pr.name, c->name);
		for (k = 0; k < NNAMES; k++)
			if (strcmp(colnames[k], c->name) == 0)
				ck_assert_uint_eq(pr.field, k);
		ck_assert_int_eq(pr.isnum, c->isnum);
		if (c->isnum)
			ck_assert(pr.num == c->num);
		else {
			ck_assert_uint_eq(pr.len, strlen(c->str));
			ck_assert(memcmp(pr.str, c->str, pr.len) == 0);
		}
	}
	/* The parts together are the whole. */
	for (i = 0; i < sizeof(recs) / sizeof(recs[0]); i++) {
		rec_make(&r, recs[i]);
		whole = ss_expr_test(e, &r.row);
		parts_and = 1;
		for (k = 0; k < ss_expr_nparts(e); k++)
			if (ss_expr_test_part(e, k, &r.row) != 1)
				parts_and = 0;
		ck_assert_msg(whole == parts_and, "%s on %s", c->src, recs[i]);
		rec_free(&r);
	}
	ss_expr_free(e);
}
END_TEST

START_TEST(test_part_value)
{
	struct ss_expr * e = compile_bound("a + 1", SS_EXPR_VALUE);

	ck_assert_uint_eq(ss_expr_nparts(e), 0);
	ss_expr_free(e);
	e = compile_bound("a > 1", SS_EXPR_VALUE);
	ck_assert_uint_eq(ss_expr_nparts(e), 1);
	ss_expr_free(e);
}
END_TEST

/*
 * Evaluation allocates nothing once warm: alloc_count.h counts the test
 * program's allocations (not under the sanitizers, which bring their own).
 */
#include "alloc_count.h"

START_TEST(test_no_alloc)
{
#ifdef NO_ALLOC_COUNT
	return;
#else
	static const char * const conds_src[] = {
		"ArrDelay > 0 && Origin in (\"SFO\", \"OAK\", \"LAX\")",
		"Origin =~ \"^s\"i || City =~ \"\\\\d+|[a-z]+\xc3\xa9\"",
		"lower(City) == \"zurich\" || upper(City) != \"X\"",
		"prefix(City, \"S\") && !suffix(City, \"x\") || "
		    "contains(lower(City), \"os\")",
		"is_empty(ArrDelay + 1) || is_num(${Arr Delay})",
		"substr(City, 1, -2) < \"b\" && len(City) > 3",
		"min(a, b, ArrDelay) < max(a, b) || abs(a) > round(b)",
		"a + b * 2 - ArrDelay / 3 % 7 >= floor(ceil(a))",
		"xa * 2 > len(xs)",
	};
	static const char * const values_src[] = {
		"ArrDelay / 60",
		"upper(City)",
		"lower(substr(City, 0, 4))",
		"min(a, b, xa) + max(ArrDelay, 0.5)",
		"a / b",
		"(a + b) * 0.1",
		"ArrDelay > 0",
		"xs",
		"round(a * 1000) / 7",
	};
	const size_t ncond = sizeof(conds_src) / sizeof(conds_src[0]);
	const size_t nval = sizeof(values_src) / sizeof(values_src[0]);
	static const char * const cities[] = {
		"San Jos\xc3\xa9", "Z\xc3\xbcrich", "", "NA", "OAKLAND",
		"a very long city name that grows the scratch space 12345",
		"x", "\xe6\x97\xa5\xe6\x9c\xac", "42", "ab",
	};
	static const char * const origins[] = { "SFO", "oak", "LAX", "" };
	struct ss_expr * c[16], * v[16];
	const uint8_t * f[NCOLS];
	size_t fl[NCOLS], n, i, k, len;
	unsigned long before, after;
	const uint8_t * extra[NEXTRA];
	size_t extralen[NEXTRA];
	struct ss_batch_builder * bb;
	struct ss_expr_row row;
	struct ss_batch b;
	const uint8_t * pt;
	char bufs[NCOLS][32];
	void * volatile probe;
	int pass, sum[2] = { 0, 0 };

	for (i = 0; i < ncond; i++)
		c[i] = compile_bound(conds_src[i], SS_EXPR_COND);
	for (i = 0; i < nval; i++)
		v[i] = compile_bound(values_src[i], SS_EXPR_VALUE);
	ck_assert_ptr_nonnull(bb = ss_batch_builder_new(NCOLS,
	    SS_CHUNK_TARGET));
	for (n = 0; n < 200; n++) {
		snprintf(bufs[0], 32, "%zu", n % 13);
		snprintf(bufs[1], 32, "%g", (double)n / 7 - 3);
		if (n % 5 == 0)
			snprintf(bufs[2], 32, "NA");
		else
			snprintf(bufs[2], 32, "%d", (int)(n % 90) - 20);
		f[0] = (const uint8_t *)bufs[0];
		f[1] = (const uint8_t *)bufs[1];
		f[2] = (const uint8_t *)bufs[2];
		f[3] = (const uint8_t *)origins[n % 4];
		f[4] = (const uint8_t *)cities[n % 10];
		f[5] = (const uint8_t *)bufs[2];
		f[6] = (const uint8_t *)"";
		for (k = 0; k < NCOLS; k++)
			fl[k] = strlen((const char *)f[k]);
		ck_assert_int_eq(ss_batch_builder_add(bb, f, fl), 0);
	}
	ck_assert_int_eq(ss_batch_builder_finish(bb, SS_BATCH_RECORDS, &pt,
	    &n), 0);
	ck_assert_int_eq(ss_batch_parse(&b, pt, n), 0);
	extra[0] = (const uint8_t *)"2.5";
	extralen[0] = 3;
	extra[1] = (const uint8_t *)"computed";
	extralen[1] = 8;
	row.b = &b;
	row.extra = extra;
	row.extralen = extralen;

	/* The counter works. */
	before = nallocs;
	probe = malloc(1);
	free(probe);
	ck_assert_uint_eq(nallocs, before + 1);

	for (pass = 0; pass < 2; pass++) {
		before = nallocs;
		for (row.rec = 0; row.rec < b.nrecords; row.rec++) {
			for (i = 0; i < ncond; i++)
				sum[pass] += ss_expr_test(c[i], &row);
			for (i = 0; i < nval; i++)
				if (ss_expr_text(v[i], &row, &len) != NULL)
					sum[pass] += (int)len;
		}
		after = nallocs;
	}
	ck_assert_int_eq(sum[0], sum[1]);
	ck_assert_msg(after == before, "%lu allocations in steady state",
	    after - before);
	for (i = 0; i < ncond; i++)
		ss_expr_free(c[i]);
	for (i = 0; i < nval; i++)
		ss_expr_free(v[i]);
	ss_batch_builder_free(bb);
#endif
}
END_TEST

/*
 * Compiling takes memory in proportion to the source: a long "in" list
 * of strings once took, for each string, room for all the source after
 * it (48 MB for this one), which an enclave's locked memory cannot give.
 */
START_TEST(test_compile_memory)
{
#ifdef NO_ALLOC_COUNT
	return;
#else
	struct mallinfo2 before, after;
	struct ss_expr_err err;
	struct ss_expr * e;
	char * src;

	src = prepend("a in (", repeat("\"xx\", ", 4000, "\"x\")"));
	before = mallinfo2();
	ck_assert_ptr_nonnull(e = ss_expr_compile(src, strlen(src),
	    SS_EXPR_COND, &err));
	after = mallinfo2();
	ck_assert_msg(after.uordblks - before.uordblks < 4 * 1024 * 1024,
	    "%zu bytes to compile %zu", after.uordblks - before.uordblks,
	    strlen(src));
	ss_expr_free(e);
	free(src);
#endif
}
END_TEST

#define NELEM(a)	((int)(sizeof(a) / sizeof((a)[0])))

static Suite *
expr_suite(void)
{
	Suite * s = suite_create("expr");
	TCase * te = tcase_create("eval");
	TCase * tc = tcase_create("compile");
	TCase * tn = tcase_create("numbers");

	tcase_add_loop_test(te, test_cond, 0, NELEM(conds));
	tcase_add_loop_test(te, test_value, 0, NELEM(values));
	tcase_add_test(te, test_extra);
	tcase_add_test(te, test_regex_limit);
	tcase_add_test(te, test_no_alloc);
	tcase_add_test(te, test_deep);
	tcase_add_loop_test(te, test_part, 0, NELEM(parts));
	tcase_add_test(te, test_part_value);
	tcase_set_timeout(te, 60);
	suite_add_tcase(s, te);
	tcase_add_loop_test(tc, test_error, 0, NELEM(errors));
	tcase_add_test(tc, test_limits);
	tcase_add_test(tc, test_compile_memory);
	tcase_add_test(tc, test_assign);
	tcase_add_test(tc, test_bind);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	tcase_add_loop_test(tn, test_number, 0, NELEM(numbers));
	tcase_add_loop_test(tn, test_format, 0, NELEM(formats));
	tcase_add_test(tn, test_format_random);
	tcase_set_timeout(tn, 60);
	suite_add_tcase(s, tn);
	return (s);
}

int
main(void)
{

	return (tu_run(expr_suite()));
}
