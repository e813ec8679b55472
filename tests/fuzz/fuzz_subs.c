/*
 * libFuzzer harness for subscription files (libcore/common/subs_file.c,
 * enclave/subs_*.c): the input is read as a subscription file.  A refused file must give one line of
 * message, status SS_EXIT_SYS, and a place within the file.  A file that
 * reads is bound to fixed columns and matched against fixed records, and
 * the index must find exactly the subscriptions whose conditions hold,
 * evaluated one by one: for the line form, each line's condition compiled
 * on its own; for the JSON form, each subscription's constraints written
 * as "${key} op val" and compiled.  Matching twice gives the same answer,
 * and so does every index: the one chosen, the predicate index, exact
 * bitsets, bitsets of at most 1 and 3 layers per field.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "batch.h"
#include "err.h"
#include "expr.h"
#include "expr_eval.h"
#include "subs.h"
#include "subs_match.h"

#include "fuzz_util.h"

#define NCOLS	7
#define NRECS	8

static const char * const colnames[NCOLS] = {
	"a", "b", "c", "sym", "x", "Arr Delay", "a"
};

static const char * const recs[NRECS][NCOLS] = {
	{ "1", "2", "3", "S1", "abc", "15", "5" },
	{ "NA", "", "-0", "S2", "", "NA", "0" },
	{ "0", "1e308", "-1e308", "7", "NA", "-5", "NA" },
	{ "2.5", "-2.5", "1e-300", "S1", "b", "0.1", "-0" },
	{ "9007199254740993", "inf", "nan", "", "S1", "1,000", "2" },
	{ "abc", "ABC", " 5", "\xc3\xa9", "\xff", "+5", "5." },
	{ "5", "5", "5", "5", "5", "5", "5" },
	{ "-1", "100", "0.5", "S10", "a\nb", "", "1e1" },
};

static const uint8_t * names[NCOLS];
static size_t namelens[NCOLS];
static struct ss_batch batch;

int
LLVMFuzzerInitialize(int * argc, char *** argv)
{

	fu_init(argc, argv);
	fu_names(names, namelens, colnames, NCOLS);
	fu_batch(&batch, recs[0], NRECS, NCOLS, NCOLS);
	return (0);
}

/* The conditions, one per subscription, for the brute force. */
struct oracle {
	struct ss_expr ** e;
	size_t n, size;
	int ok;			/* 0: cannot say, skip the comparison */
};

static void
oracle_add(struct oracle * o, const char * src, size_t len)
{
	struct ss_expr_err err;
	struct ss_expr ** p;

	if (!o->ok)
		return;
	if (o->n == o->size) {
		o->size = o->size ? o->size * 2 : 16;
		if ((p = realloc(o->e, o->size * sizeof(*p))) == NULL)
			abort();
		o->e = p;
	}
	/* What the file reads as must compile on its own. */
	if ((o->e[o->n++] = ss_expr_compile(src, len, SS_EXPR_COND,
	    &err)) == NULL)
		abort();
}

static void
oracle_free(struct oracle * o)
{
	size_t i;

	for (i = 0; i < o->n; i++)
		ss_expr_free(o->e[i]);
	free(o->e);
}

static int
is_blank(int c)
{

	return (c == ' ' || c == '\t' || c == '\r');
}

static int
is_id_byte(int c)
{

	return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '.' || c == ':' ||
	    c == '-');
}

/* The line form, read again: each line's condition. */
static void
lines(struct oracle * o, const uint8_t * data, size_t size)
{
	const uint8_t * line, * nl;
	size_t pos = 0, n, i;

	while (pos < size) {
		line = data + pos;
		nl = memchr(line, '\n', size - pos);
		n = (nl != NULL) ? (size_t)(nl - line) : size - pos;
		pos += n + (nl != NULL);
		for (i = 0; i < n && is_blank(line[i]); i++)
			;
		if (i == n || line[i] == '#')
			continue;
		while (i < n && is_id_byte(line[i]))
			i++;
		while (i < n && is_blank(line[i]))
			i++;
		oracle_add(o, (const char *)line + i, n - i);
	}
}

/* Append to ${b} (which has room: the caller sized it). */
static void
put(char * b, size_t * n, const void * p, size_t len)
{

	memcpy(b + *n, p, len);
	*n += len;
}

/* The JSON form, read again with jansson: "${key} op val && ...". */
static void
json(struct oracle * o, const uint8_t * data, size_t size)
{
	static const char * const ops[][2] = {
		{ "eq", "==" }, { "ne", "!=" }, { "gt", ">" }, { "ge", ">=" },
		{ "lt", "<" }, { "le", "<=" },
	};
	json_error_t jerr;
	json_t * top, * sub, * cons, * c, * key, * val, * op;
	char * src;
	char num[64];
	size_t i, k, m, n, len, cap;
	const char * s;

	if ((top = json_loadb((const char *)data, size, 0, &jerr)) == NULL) {
		o->ok = 0;
		return;
	}
	json_array_foreach(top, i, sub) {
		cons = json_is_array(sub) ? sub :
		    json_object_get(sub, "constraints");
		cap = 64;
		json_array_foreach(cons, k, c)
			cap += json_string_length(json_object_get(c, "key")) +
			    2 * json_string_length(json_object_get(c, "val")) +
			    96;
		if ((src = malloc(cap)) == NULL)
			abort();
		n = 0;
		json_array_foreach(cons, k, c) {
			key = json_object_get(c, "key");
			val = json_object_get(c, "val");
			op = json_object_get(c, "op");
			s = json_string_value(key);
			/* ${...} cannot hold '}': no oracle for that. */
			if (memchr(s, '}', json_string_length(key)) != NULL) {
				o->ok = 0;
				free(src);
				json_decref(top);
				return;
			}
			if (k > 0)
				put(src, &n, " && ", 4);
			put(src, &n, "${", 2);
			put(src, &n, s, json_string_length(key));
			put(src, &n, "} ", 2);
			for (m = 0; strcmp(ops[m][0], json_string_value(op));
			    m++)
				;
			put(src, &n, ops[m][1], strlen(ops[m][1]));
			put(src, &n, " ", 1);
			if (json_is_string(val)) {
				s = json_string_value(val);
				len = json_string_length(val);
				put(src, &n, "\"", 1);
				for (m = 0; m < len; m++) {
					if (s[m] == '"' || s[m] == '\\')
						put(src, &n, "\\", 1);
					put(src, &n, s + m, 1);
				}
				put(src, &n, "\"", 1);
			} else {
				len = (size_t)snprintf(num, sizeof(num),
				    "%.17g", json_number_value(val));
				put(src, &n, num, len);
			}
		}
		oracle_add(o, src, n);
		free(src);
	}
	json_decref(top);
}

/* The IDs the index ${m} of ${s} finds for record ${r}, as a bitmap in
 * ${got}. */
static void
index_says(const struct ss_subs * s, struct ss_subs_matcher * m, size_t r,
    uint8_t * got)
{
	struct ss_expr_row row = { &batch, r, NULL, NULL };
	const uint32_t * ids;
	size_t n, i;

	if (ss_subs_match(m, &row, &ids, &n))
		abort();
	for (i = 0; i < n; i++) {
		if (ids[i] >= ss_subs_count(s) || (i > 0 && ids[i] <= ids[i - 1]))
			abort();
		got[ids[i]] = 1;
	}
}

/* The index ${m} of ${s} against the oracle ${o} on every record. */
static void
compare(const struct ss_subs * s, struct ss_subs_matcher * m,
    const struct oracle * o, uint8_t * got, uint8_t * again)
{
	struct ss_expr_row row = { &batch, 0, NULL, NULL };
	size_t i, r;
	int t;

	for (r = 0; r < NRECS; r++) {
		memset(got, 0, 2 * ss_subs_count(s));
		index_says(s, m, r, got);
		index_says(s, m, r, again);
		if (memcmp(got, again, ss_subs_count(s)) != 0)
			abort();
		row.rec = r;
		for (i = 0; o->ok && i < o->n; i++) {
			if ((t = ss_expr_test(o->e[i], &row)) == -1)
				abort();
			if (t != got[i])
				abort();
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t * data, size_t size)
{
	struct oracle o = { NULL, 0, 0, 1 };
	struct ss_subs_err err;
	struct ss_subs * s;
	struct ss_subs_matcher * m;
	uint8_t * got, * again;
	const char * msg;
	size_t i, nlines = 1;
	int bound, t, how;

	for (i = 0; i < size; i++)
		nlines += (data[i] == '\n');
	ss_err_clear();
	if ((s = ss_subs_parse(data, size, "f", &err)) == NULL) {
		msg = ss_err_msg();
		if (strncmp(msg, "f: ", 3) != 0 && strncmp(msg, "out of memory",
		    13) != 0)
			abort();
		if (strchr(msg, '\n') != NULL || ss_err_status() != SS_EXIT_SYS)
			abort();
		if (err.line > nlines || (err.line == 0 && err.col != 0))
			abort();
		ss_err_clear();
		return (0);
	}
	if (err.line != 0 || err.col != 0 || ss_subs_count(s) == 0)
		abort();
	for (i = 0; i < size && (data[i] == ' ' || data[i] == '\t' ||
	    data[i] == '\r' || data[i] == '\n'); i++)
		;
	if (i < size && (data[i] == '[' || data[i] == '{'))
		json(&o, data, size);
	else
		lines(&o, data, size);
	if (o.ok && o.n != ss_subs_count(s))
		abort();
	if ((m = ss_subs_matcher_new(s)) == NULL) {
		if (strncmp(ss_err_msg(), "out of memory", 13) != 0)
			abort();
		goto done;
	}
	bound = (ss_subs_bind(m, names, namelens, NCOLS) == 0);
	for (i = 0; o.ok && i < o.n; i++)
		if ((ss_expr_bind(o.e[i], names, namelens, NCOLS) == 0) !=
		    bound && bound)
			abort();
	if (!bound) {
		if (ss_err_status() != SS_EXIT_DATA ||
		    strncmp(ss_err_msg(), "no field '", 10) != 0)
			abort();
		goto done;
	}
	if ((got = calloc(ss_subs_count(s), 2)) == NULL)
		abort();
	again = got + ss_subs_count(s);
	for (how = 0; how < 5; how++) {
		if (how > 0 && (t = ss_subs_index(m, how == 1 ? SS_SUBS_PREDS :
		    SS_SUBS_BITS, how == 3 ? 1 : how == 4 ? 3 : 0)) != 0) {
			if (t == -1)
				abort();
			continue;	/* no bitset index for this set */
		}
		compare(s, m, &o, got, again);
	}
	free(got);
done:
	ss_subs_matcher_free(m);
	ss_subs_free(s);
	oracle_free(&o);
	ss_err_clear();
	return (0);
}
