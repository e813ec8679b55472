/* Unit tests for libcore/host/csv.c: CSV import (both paths) and export. */

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "batch.h"
#include "csv.h"
#include "err.h"
#include "io.h"

#include "check_util.h"

/* One imported record. */
struct rec {
	uint64_t line;
	size_t n;
	size_t * lens;
	uint8_t ** f;
};

/* The outcome of one import. */
struct result {
	int rc;			/* 0, or -1 with err set */
	char err[1100];
	int status;
	struct rec * recs;
	size_t nrecs, cap;
	size_t fail_at;		/* the callback fails at this record */
};

static int
collect(void * cookie, const uint8_t * const * fields, const size_t * lens,
    size_t n, uint64_t line)
{
	struct result * res = cookie;
	struct rec * r;
	size_t i;

	if (res->nrecs == res->fail_at) {
		ss_err_set(SS_EXIT_DATA, "callback refused record %zu",
		    res->nrecs + 1);
		return (-1);
	}
	ck_assert_uint_gt(n, 0);
	if (res->nrecs == res->cap) {
		res->cap = res->cap ? 2 * res->cap : 16;
		res->recs = realloc(res->recs, res->cap * sizeof(*r));
		ck_assert_ptr_nonnull(res->recs);
	}
	r = &res->recs[res->nrecs++];
	r->line = line;
	r->n = n;
	r->lens = malloc(n * sizeof(*r->lens));
	r->f = malloc(n * sizeof(*r->f));
	for (i = 0; i < n; i++) {
		/* Even an empty field points somewhere (NULL + 0 is UB). */
		ck_assert_ptr_nonnull(fields[i]);
		r->lens[i] = lens[i];
		r->f[i] = malloc(lens[i] + 1);
		if (lens[i] > 0)
			memcpy(r->f[i], fields[i], lens[i]);
		r->f[i][lens[i]] = '\0';
	}
	return (0);
}

static void
result_free(struct result * res)
{
	size_t i, j;

	for (i = 0; i < res->nrecs; i++) {
		for (j = 0; j < res->recs[i].n; j++)
			free(res->recs[i].f[j]);
		free(res->recs[i].f);
		free(res->recs[i].lens);
	}
	free(res->recs);
	memset(res, 0, sizeof(*res));
}

/* How to cut the input into feeds (CUT: two feeds, cut at ${seed}). */
enum split { WHOLE, BYTES, RANDOM, HALVES, CUT };

static void
parse(struct result * res, const uint8_t * in, size_t len, uint8_t delim,
    int fast, enum split how, uint64_t seed, size_t fail_at)
{
	struct ss_csv_reader * cr;
	size_t pos = 0, n;

	memset(res, 0, sizeof(*res));
	res->fail_at = fail_at;
	ss_err_clear();
	ck_assert_ptr_nonnull(cr = ss_csv_reader_new(delim, collect, res));
	ss_csv_reader_set_fast(cr, fast);
	res->rc = 0;
	while (pos < len) {
		switch (how) {
		case WHOLE:
			n = len;
			break;
		case BYTES:
			n = 1;
			break;
		case HALVES:
			n = (pos == 0 && len > 1) ? len / 2 : len - pos;
			break;
		case CUT:
			n = (pos < seed) ? (size_t)seed - pos : len - pos;
			break;
		default:
			n = 1 + (size_t)(tu_rand(&seed) % 17);
			if (tu_rand(&seed) % 8 == 0)
				n = 0;
			break;
		}
		if (n > len - pos)
			n = len - pos;
		if ((res->rc = ss_csv_reader_feed(cr, in + pos, n)) != 0)
			break;
		pos += n;
	}
	if (res->rc == 0)
		res->rc = ss_csv_reader_finish(cr);
	if (res->rc != 0) {
		snprintf(res->err, sizeof(res->err), "%s", ss_err_msg());
		res->status = ss_err_status();
	}
	ss_csv_reader_free(cr);
}

static void
assert_same(const struct result * a, const struct result * b,
    const char * what)
{
	size_t i, j;

	ck_assert_msg(a->rc == b->rc, "%s: rc %d vs %d (%s / %s)", what,
	    a->rc, b->rc, a->err, b->err);
	if (a->rc != 0) {
		ck_assert_msg(strcmp(a->err, b->err) == 0, "%s: '%s' vs '%s'",
		    what, a->err, b->err);
		ck_assert_int_eq(a->status, b->status);
	}
	ck_assert_msg(a->nrecs == b->nrecs, "%s: %zu vs %zu records", what,
	    a->nrecs, b->nrecs);
	for (i = 0; i < a->nrecs; i++) {
		ck_assert_msg(a->recs[i].line == b->recs[i].line,
		    "%s: record %zu: line %llu vs %llu", what, i,
		    (unsigned long long)a->recs[i].line,
		    (unsigned long long)b->recs[i].line);
		ck_assert_msg(a->recs[i].n == b->recs[i].n,
		    "%s: record %zu: %zu vs %zu fields", what, i,
		    a->recs[i].n, b->recs[i].n);
		for (j = 0; j < a->recs[i].n; j++) {
			const struct rec * ra = &a->recs[i], * rb = &b->recs[i];

			ck_assert_msg(ra->lens[j] == rb->lens[j] &&
			    memcmp(ra->f[j], rb->f[j], ra->lens[j]) == 0,
			    "%s: record %zu field %zu differs", what, i, j);
		}
	}
}

/*
 * Import ${in} every way: whole, a byte at a time, in halves, in random
 * pieces and (if ${cuts}) in two pieces cut at every place, each with the
 * fast path on and off.  All must agree; the whole, fast import is left
 * in ${ref}.
 */
static void
import_ways(struct result * ref, const void * in, size_t len, uint8_t delim,
    int cuts)
{
	struct result other;
	uint64_t seed;
	int fast;

	parse(ref, in, len, delim, 1, WHOLE, 0, SIZE_MAX);
	for (fast = 0; fast < 2; fast++) {
		parse(&other, in, len, delim, fast, WHOLE, 0, SIZE_MAX);
		assert_same(ref, &other, fast ? "whole, fast" : "whole, slow");
		result_free(&other);
		parse(&other, in, len, delim, fast, BYTES, 0, SIZE_MAX);
		assert_same(ref, &other, fast ? "bytes, fast" : "bytes, slow");
		result_free(&other);
		parse(&other, in, len, delim, fast, HALVES, 0, SIZE_MAX);
		assert_same(ref, &other, "halves");
		result_free(&other);
		for (seed = 1; seed < 6; seed++) {
			parse(&other, in, len, delim, fast, RANDOM, seed,
			    SIZE_MAX);
			assert_same(ref, &other, "random splits");
			result_free(&other);
		}
		for (seed = 0; cuts && seed <= len; seed++) {
			parse(&other, in, len, delim, fast, CUT, seed,
			    SIZE_MAX);
			assert_same(ref, &other, "two pieces");
			result_free(&other);
		}
	}
}

static void
import_all_ways(struct result * ref, const void * in, size_t len,
    uint8_t delim)
{

	import_ways(ref, in, len, delim, 1);
}

/* Check record ${i}: line ${line}, then its fields (NULL-terminated). */
static void
expect(const struct result * res, size_t i, uint64_t line, ...)
{
	va_list ap;
	const char * f;
	size_t j = 0;

	ck_assert_msg(i < res->nrecs, "no record %zu (of %zu)", i,
	    res->nrecs);
	ck_assert_msg(res->recs[i].line == line, "record %zu: line %llu, "
	    "expected %llu", i, (unsigned long long)res->recs[i].line,
	    (unsigned long long)line);
	va_start(ap, line);
	while ((f = va_arg(ap, const char *)) != NULL) {
		ck_assert_msg(j < res->recs[i].n, "record %zu: only %zu fields",
		    i, res->recs[i].n);
		ck_assert_msg(res->recs[i].lens[j] == strlen(f) &&
		    memcmp(res->recs[i].f[j], f, strlen(f)) == 0,
		    "record %zu field %zu: '%s', expected '%s'", i, j,
		    (char *)res->recs[i].f[j], f);
		j++;
	}
	va_end(ap);
	ck_assert_msg(j == res->recs[i].n, "record %zu: %zu fields, expected "
	    "%zu", i, res->recs[i].n, j);
}

#define IMPORT(res, s, delim) import_all_ways(res, s, sizeof(s) - 1, delim)

START_TEST(test_quoted)
{
	struct result r;

	IMPORT(&r, "a,\"b,c\",d\n\"\"\"\",\"say \"\"hi\"\"\"\n", ',');
	ck_assert_int_eq(r.rc, 0);
	ck_assert_uint_eq(r.nrecs, 2);
	expect(&r, 0, 1, "a", "b,c", "d", NULL);
	expect(&r, 1, 2, "\"", "say \"hi\"", NULL);
	result_free(&r);

	/* Spaces are data, inside and outside quotes. */
	IMPORT(&r, " a , b \n\" q \",\"\"\n", ',');
	ck_assert_int_eq(r.rc, 0);
	expect(&r, 0, 1, " a ", " b ", NULL);
	expect(&r, 1, 2, " q ", "", NULL);
	result_free(&r);
}
END_TEST

START_TEST(test_multiline)
{
	struct result r;

	IMPORT(&r, "1,\"a\nb\"\n2,c\n", ',');
	ck_assert_int_eq(r.rc, 0);
	ck_assert_uint_eq(r.nrecs, 2);
	expect(&r, 0, 1, "1", "a\nb", NULL);
	expect(&r, 1, 3, "2", "c", NULL);
	result_free(&r);

	/* Embedded CRLF, CRLF line ends. */
	IMPORT(&r, "\"a\r\nb\",c\r\nd,e\r\n", ',');
	ck_assert_int_eq(r.rc, 0);
	ck_assert_uint_eq(r.nrecs, 2);
	expect(&r, 0, 1, "a\r\nb", "c", NULL);
	expect(&r, 1, 3, "d", "e", NULL);
	result_free(&r);

	/* A record spanning lines reports its first line. */
	IMPORT(&r, "h\n\"multi\nline\n\nfield\",x\nlast\n\"\n\"\n", ',');
	ck_assert_int_eq(r.rc, 0);
	ck_assert_uint_eq(r.nrecs, 4);
	expect(&r, 0, 1, "h", NULL);
	expect(&r, 1, 2, "multi\nline\n\nfield", "x", NULL);
	expect(&r, 2, 6, "last", NULL);
	expect(&r, 3, 7, "\n", NULL);
	result_free(&r);
}
END_TEST

START_TEST(test_line_ends)
{
	struct result r;

	IMPORT(&r, "a,b\r\nc,d\r\n", ',');
	ck_assert_int_eq(r.rc, 0);
	ck_assert_uint_eq(r.nrecs, 2);
	expect(&r, 0, 1, "a", "b", NULL);
	expect(&r, 1, 2, "c", "d", NULL);
	result_free(&r);

	/* Blank lines, LF or CRLF, are skipped but counted. */
	IMPORT(&r, "\na\n\n\r\n\nb\r\n\n", ',');
	ck_assert_int_eq(r.rc, 0);
	ck_assert_uint_eq(r.nrecs, 2);
	expect(&r, 0, 2, "a", NULL);
	expect(&r, 1, 6, "b", NULL);
	result_free(&r);

	/* No newline at the end. */
	IMPORT(&r, "a,b\nc,d", ',');
	ck_assert_int_eq(r.rc, 0);
	expect(&r, 1, 2, "c", "d", NULL);
	result_free(&r);
	IMPORT(&r, "a\n\"q\"", ',');
	ck_assert_int_eq(r.rc, 0);
	expect(&r, 1, 2, "q", NULL);
	result_free(&r);
	IMPORT(&r, "x\r", ',');
	ck_assert_int_eq(r.rc, 0);
	ck_assert_uint_eq(r.nrecs, 1);
	expect(&r, 0, 1, "x", NULL);
	result_free(&r);
	IMPORT(&r, "a,", ',');
	ck_assert_int_eq(r.rc, 0);
	expect(&r, 0, 1, "a", "", NULL);
	result_free(&r);

	/* Nothing at all, or only blank lines. */
	IMPORT(&r, "", ',');
	ck_assert_int_eq(r.rc, 0);
	ck_assert_uint_eq(r.nrecs, 0);
	result_free(&r);
	IMPORT(&r, "\n\r\n\n", ',');
	ck_assert_int_eq(r.rc, 0);
	ck_assert_uint_eq(r.nrecs, 0);
	result_free(&r);
}
END_TEST

/* A bare CR ends a record (libcsv), on either path. */
START_TEST(test_bare_cr)
{
	struct result r;

	IMPORT(&r, "a\rb,c\n", ',');
	ck_assert_int_eq(r.rc, 0);
	ck_assert_uint_eq(r.nrecs, 2);
	expect(&r, 0, 1, "a", NULL);
	expect(&r, 1, 1, "b", "c", NULL);
	result_free(&r);

	/* The record after a CR starts on the line of the CR. */
	IMPORT(&r, "\"a\nb\",c\rd,\"e\nf\"\ng\n", ',');
	ck_assert_int_eq(r.rc, 0);
	ck_assert_uint_eq(r.nrecs, 3);
	expect(&r, 0, 1, "a\nb", "c", NULL);
	expect(&r, 1, 2, "d", "e\nf", NULL);
	expect(&r, 2, 4, "g", NULL);
	result_free(&r);
}
END_TEST

START_TEST(test_bom)
{
	struct result r;

	IMPORT(&r, "\xef\xbb\xbf" "a,b\n", ',');
	ck_assert_int_eq(r.rc, 0);
	expect(&r, 0, 1, "a", "b", NULL);
	result_free(&r);
	IMPORT(&r, "\xef\xbb\xbf\"a\",b\n", ',');
	ck_assert_int_eq(r.rc, 0);
	expect(&r, 0, 1, "a", "b", NULL);
	result_free(&r);
	IMPORT(&r, "\xef\xbb\xbf", ',');
	ck_assert_int_eq(r.rc, 0);
	ck_assert_uint_eq(r.nrecs, 0);
	result_free(&r);
	IMPORT(&r, "\xef\xbb\xbf\r\nx", ',');
	ck_assert_int_eq(r.rc, 0);
	expect(&r, 0, 2, "x", NULL);
	result_free(&r);

	/* Only at the very start. */
	IMPORT(&r, "x\n\xef\xbb\xbfy\n", ',');
	ck_assert_int_eq(r.rc, 0);
	expect(&r, 1, 2, "\xef\xbb\xbfy", NULL);
	result_free(&r);
	IMPORT(&r, "\xef\xbb\xbf\xef\xbb\xbfz\n", ',');
	ck_assert_int_eq(r.rc, 0);
	expect(&r, 0, 1, "\xef\xbb\xbfz", NULL);
	result_free(&r);
	IMPORT(&r, "\xef\xbbx\n", ',');
	ck_assert_int_eq(r.rc, 0);
	expect(&r, 0, 1, "\xef\xbbx", NULL);
	result_free(&r);
}
END_TEST

START_TEST(test_empty_fields)
{
	struct result r;

	IMPORT(&r, ",,\na,,b\n\"\"\n\"\",\"\"\n,\n", ',');
	ck_assert_int_eq(r.rc, 0);
	ck_assert_uint_eq(r.nrecs, 5);
	expect(&r, 0, 1, "", "", "", NULL);
	expect(&r, 1, 2, "a", "", "b", NULL);
	expect(&r, 2, 3, "", NULL);
	expect(&r, 3, 4, "", "", NULL);
	expect(&r, 4, 5, "", "", NULL);
	result_free(&r);
}
END_TEST

START_TEST(test_delimiters)
{
	struct result r;

	IMPORT(&r, "a\tb\t\"c\td\"\t,\n1\t\t\n", '\t');
	ck_assert_int_eq(r.rc, 0);
	expect(&r, 0, 1, "a", "b", "c\td", ",", NULL);
	expect(&r, 1, 2, "1", "", "", NULL);
	result_free(&r);

	IMPORT(&r, "a,b;\"c;d\";e f\n", ';');
	ck_assert_int_eq(r.rc, 0);
	expect(&r, 0, 1, "a,b", "c;d", "e f", NULL);
	result_free(&r);

	/* A space as the delimiter. */
	IMPORT(&r, "a  b \"c d\"\n", ' ');
	ck_assert_int_eq(r.rc, 0);
	expect(&r, 0, 1, "a", "", "b", "c d", NULL);
	result_free(&r);

	/* One column. */
	IMPORT(&r, "x\ny\n\"\"\nz", ',');
	ck_assert_int_eq(r.rc, 0);
	ck_assert_uint_eq(r.nrecs, 4);
	expect(&r, 0, 1, "x", NULL);
	expect(&r, 2, 3, "", NULL);
	expect(&r, 3, 4, "z", NULL);
	result_free(&r);
}
END_TEST

START_TEST(test_nul_bytes)
{
	struct result r;
	static const char in[] = "a\0b,c\n\"\0\",\"x\0\"\"\"\n";

	IMPORT(&r, in, ',');
	ck_assert_int_eq(r.rc, 0);
	ck_assert_uint_eq(r.nrecs, 2);
	ck_assert_uint_eq(r.recs[0].lens[0], 3);
	ck_assert_mem_eq(r.recs[0].f[0], "a\0b", 3);
	ck_assert_uint_eq(r.recs[1].lens[0], 1);
	ck_assert_uint_eq(r.recs[1].lens[1], 3);
	ck_assert_mem_eq(r.recs[1].f[1], "x\0\"", 3);
	result_free(&r);
}
END_TEST

/* Many columns, past the reader's first allocation, on both paths. */
START_TEST(test_many_columns)
{
	struct result r;
	char * in = malloc(200000);
	size_t len = 0, i;
	char want[16];

	for (i = 0; i < 5000; i++)
		len += (size_t)sprintf(in + len, i ? ",c%zu" : "c%zu", i);
	in[len++] = '\n';
	for (i = 0; i < 5000; i++)
		len += (size_t)sprintf(in + len, i ? ",\"q%zu\"" : "\"q%zu\"",
		    i);
	in[len++] = '\n';
	import_ways(&r, in, len, ',', 0);
	ck_assert_int_eq(r.rc, 0);
	ck_assert_uint_eq(r.nrecs, 2);
	ck_assert_uint_eq(r.recs[0].n, 5000);
	ck_assert_uint_eq(r.recs[1].n, 5000);
	for (i = 0; i < 5000; i++) {
		snprintf(want, sizeof(want), "c%zu", i);
		ck_assert_str_eq((char *)r.recs[0].f[i], want);
		snprintf(want, sizeof(want), "q%zu", i);
		ck_assert_str_eq((char *)r.recs[1].f[i], want);
	}
	result_free(&r);
	free(in);
}
END_TEST

/* At most SS_COLUMNS_MAX fields, on both paths. */
START_TEST(test_column_limit)
{
	struct result r;
	size_t n = SS_COLUMNS_MAX;
	char * in = malloc(2 * n + 10);
	int fast;

	memset(in, ',', n);
	in[n - 1] = '\n';		/* n fields */
	for (fast = 0; fast < 2; fast++) {
		parse(&r, (uint8_t *)in, n, ',', fast, WHOLE, 0, SIZE_MAX);
		ck_assert_int_eq(r.rc, 0);
		ck_assert_uint_eq(r.recs[0].n, SS_COLUMNS_MAX);
		result_free(&r);
	}
	memset(in, ',', n + 1);
	in[n] = '\n';			/* n + 1 fields */
	for (fast = 0; fast < 2; fast++) {
		parse(&r, (uint8_t *)in, n + 1, ',', fast, WHOLE, 0,
		    SIZE_MAX);
		ck_assert_int_eq(r.rc, -1);
		ck_assert_msg(strstr(r.err, "line 1: more than 65536 fields") !=
		    NULL, "%s", r.err);
		ck_assert_int_eq(r.status, SS_EXIT_DATA);
		result_free(&r);
	}
	free(in);
}
END_TEST

/*
 * At most SS_RECORD_MAX bytes of fields in a record, on the fast path
 * too.  (The libcsv path grows its buffer 128 bytes at a time, which is
 * too slow under ASan for a 16 MiB field; tests/cli covers it.)
 */
START_TEST(test_record_limit)
{
	struct result r;
	size_t n = SS_RECORD_MAX;
	uint8_t * in = malloc(n + 3);

	/* Exactly the limit, in one field and in two. */
	memset(in, 'x', n);
	in[n] = '\n';
	parse(&r, in, n + 1, ',', 1, WHOLE, 0, SIZE_MAX);
	ck_assert_int_eq(r.rc, 0);
	ck_assert_uint_eq(r.recs[0].lens[0], n);
	result_free(&r);
	memset(in, 'x', n + 1);
	in[n / 2] = ',';
	in[n + 1] = '\n';
	parse(&r, in, n + 2, ',', 1, WHOLE, 0, SIZE_MAX);
	ck_assert_int_eq(r.rc, 0);
	ck_assert_uint_eq(r.recs[0].n, 2);
	ck_assert_uint_eq(r.recs[0].lens[0] + r.recs[0].lens[1], n);
	result_free(&r);

	/* One byte more: whole, or carried over many feeds. */
	memset(in, 'x', n + 1);
	in[n + 1] = '\n';
	parse(&r, in, n + 2, ',', 1, WHOLE, 0, SIZE_MAX);
	ck_assert_int_eq(r.rc, -1);
	ck_assert_msg(strstr(r.err, "line 1: record exceeds") != NULL, "%s",
	    r.err);
	ck_assert_int_eq(r.status, SS_EXIT_DATA);
	ck_assert_uint_eq(r.nrecs, 0);
	result_free(&r);
	parse(&r, in, n + 2, ',', 1, HALVES, 0, SIZE_MAX);
	ck_assert_int_eq(r.rc, -1);
	ck_assert_uint_eq(r.nrecs, 0);
	result_free(&r);
	free(in);
}
END_TEST

START_TEST(test_errors)
{
	struct result r;

	/* Unterminated quote at end of input: the line it opened on. */
	IMPORT(&r, "a\n\"b,c\nd\n", ',');
	ck_assert_int_eq(r.rc, -1);
	ck_assert_str_eq(r.err, "line 2: unterminated quoted field");
	ck_assert_int_eq(r.status, SS_EXIT_DATA);
	ck_assert_uint_eq(r.nrecs, 1);
	expect(&r, 0, 1, "a", NULL);
	result_free(&r);
	IMPORT(&r, "x,\"", ',');
	ck_assert_str_eq(r.err, "line 1: unterminated quoted field");
	result_free(&r);

	/* A quote inside an unquoted field. */
	IMPORT(&r, "a\"b\n", ',');
	ck_assert_int_eq(r.rc, -1);
	ck_assert(strncmp(r.err, "line 1: malformed quoted field", 30) == 0);
	ck_assert_int_eq(r.status, SS_EXIT_DATA);
	result_free(&r);
	IMPORT(&r, "x\ny\n\nz,a\"\n", ',');
	ck_assert(strncmp(r.err, "line 4: malformed quoted field", 30) == 0);
	ck_assert_uint_eq(r.nrecs, 2);
	result_free(&r);

	/* Text after a closing quote, even a space. */
	IMPORT(&r, "\"a\"b\n", ',');
	ck_assert(strncmp(r.err, "line 1: malformed quoted field", 30) == 0);
	result_free(&r);
	IMPORT(&r, "\"a\" ,b\n", ',');
	ck_assert(strncmp(r.err, "line 1: malformed quoted field", 30) == 0);
	result_free(&r);
	IMPORT(&r, "\"a\nb\"c\n", ',');
	ck_assert(strncmp(r.err, "line 2: malformed quoted field", 30) == 0);
	result_free(&r);
}
END_TEST

/* A callback that fails stops the import, with its own message. */
START_TEST(test_callback_error)
{
	static const char in[] = "a\nb\n\"c\"\nd\ne";
	struct result r;
	size_t k;
	int fast;

	for (k = 0; k < 5; k++) {
		for (fast = 0; fast < 2; fast++) {
			parse(&r, (const uint8_t *)in, sizeof(in) - 1, ',',
			    fast, BYTES, 0, k);
			ck_assert_int_eq(r.rc, -1);
			ck_assert_uint_eq(r.nrecs, k);
			ck_assert(strstr(r.err, "callback refused") != NULL);
			result_free(&r);
		}
	}
}
END_TEST

/* Random CSV-ish input: every split and both paths agree. */
START_TEST(test_differential_random)
{
	static const char alphabet[] = "ab,\"\n\r \t;";
	uint8_t in[64];
	struct result r;
	uint64_t seed = 2024;
	size_t i, j, len;

	for (i = 0; i < 1500; i++) {
		len = (size_t)(tu_rand(&seed) % sizeof(in));
		for (j = 0; j < len; j++)
			in[j] = (uint8_t)alphabet[tu_rand(&seed) %
			    (sizeof(alphabet) - 1)];
		import_ways(&r, in, len, (i % 3 == 0) ? ';' : ',', 0);
		result_free(&r);
	}
}
END_TEST

/* Records to export: up to 64 of up to 8 fields. */
struct table {
	size_t nrec;
	size_t nfields[64];
	const uint8_t * f[64][8];
	size_t lens[64][8];
};

/*
 * Write the records of ${t} through an ss_output, one at a time or as
 * batches, and return the text.
 */
static uint8_t *
export(const struct table * t, uint8_t delim, int crlf, int as_batch,
    size_t * len)
{
	char path[512];
	struct ss_output * o;
	struct ss_csv_writer * cw;
	struct ss_batch_builder * bb = NULL;
	struct ss_batch b;
	const uint8_t * pt;
	size_t ptlen, i;
	uint64_t bytes;
	uint8_t * out;

	snprintf(path, sizeof(path), "%s/out.csv", tu_dir);
	ck_assert_ptr_nonnull(o = ss_output_open(path, 0));
	ck_assert_ptr_nonnull(cw = ss_csv_writer_new(o, delim, crlf));
	for (i = 0; i < t->nrec; i++) {
		if (!as_batch) {
			ck_assert_int_eq(ss_csv_writer_record(cw, t->f[i],
			    t->lens[i], t->nfields[i]), 0);
			continue;
		}
		/* A batch per run of records with the same width. */
		if (bb == NULL)
			bb = ss_batch_builder_new((uint32_t)t->nfields[i],
			    SIZE_MAX);
		ck_assert_int_eq(ss_batch_builder_add(bb, t->f[i],
		    t->lens[i]), 0);
		if (i + 1 == t->nrec || t->nfields[i + 1] != t->nfields[i]) {
			ck_assert_int_eq(ss_batch_builder_finish(bb,
			    SS_BATCH_RECORDS, &pt, &ptlen), 0);
			ck_assert_int_eq(ss_batch_parse(&b, pt, ptlen), 0);
			ck_assert_int_eq(ss_csv_writer_batch(cw, &b), 0);
			ss_batch_builder_free(bb);
			bb = NULL;
		}
	}
	ck_assert_int_eq(ss_csv_writer_flush(cw), 0);
	bytes = ss_csv_writer_bytes(cw);
	ss_csv_writer_free(cw);
	ss_csv_writer_free(NULL);
	ck_assert_int_eq(ss_output_commit(o), 0);
	out = tu_read_file(path, len);
	ck_assert_uint_eq(bytes, *len);
	unlink(path);
	return (out);
}

static void
table_add(struct table * t, ...)
{
	va_list ap;
	const char * f;
	size_t n = 0;

	va_start(ap, t);
	while ((f = va_arg(ap, const char *)) != NULL) {
		t->f[t->nrec][n] = (const uint8_t *)f;
		t->lens[t->nrec][n] = strlen(f);
		n++;
	}
	va_end(ap);
	t->nfields[t->nrec++] = n;
}

/* Both ways of writing give ${want}. */
static void
assert_export(const struct table * t, uint8_t delim, int crlf,
    const char * want)
{
	uint8_t * out;
	size_t len;
	int as_batch;

	for (as_batch = 0; as_batch < 2; as_batch++) {
		out = export(t, delim, crlf, as_batch, &len);
		ck_assert_msg(len == strlen(want) && memcmp(out, want, len) ==
		    0, "%s: got '%s', want '%s'", as_batch ? "batch" :
		    "records", (char *)out, want);
		free(out);
	}
}

START_TEST(test_writer_quoting)
{
	struct table t;

	memset(&t, 0, sizeof(t));
	table_add(&t, "a", "b,c", "q\"x", "l\nm", "r\rs", "", " sp ",
	    "\"", NULL);
	assert_export(&t, ',', 0,
	    "a,\"b,c\",\"q\"\"x\",\"l\nm\",\"r\rs\",, sp ,\"\"\"\"\n");

	memset(&t, 0, sizeof(t));
	table_add(&t, "", NULL);
	table_add(&t, "", "", NULL);
	table_add(&t, "x", NULL);
	table_add(&t, "", NULL);
	assert_export(&t, ',', 0, "\"\"\n,\nx\n\"\"\n");
	assert_export(&t, ',', 1, "\"\"\r\n,\r\nx\r\n\"\"\r\n");

	memset(&t, 0, sizeof(t));
	table_add(&t, "a,b", "c;d", "e\tf", NULL);
	assert_export(&t, ';', 0, "a,b;\"c;d\";e\tf\n");
	assert_export(&t, '\t', 1, "a,b\tc;d\t\"e\tf\"\r\n");
}
END_TEST

/* Records bigger than the writer's 64 KiB buffer. */
START_TEST(test_writer_large)
{
	static uint8_t big[200000];
	struct table t;
	char * want;
	size_t i, n = 0;

	for (i = 0; i < sizeof(big); i++)
		big[i] = (i % 1000 == 999) ? '"' : (uint8_t)('a' + i % 26);
	memset(&t, 0, sizeof(t));
	table_add(&t, "head", NULL);
	t.f[1][0] = (const uint8_t *)"x";
	t.lens[1][0] = 1;
	t.f[1][1] = big;
	t.lens[1][1] = sizeof(big);
	t.nfields[1] = 2;
	t.nrec = 2;
	table_add(&t, "after", "y", NULL);
	table_add(&t, "z", NULL);

	want = malloc(2 * sizeof(big) + 100);
	n += (size_t)sprintf(want, "head\nx,\"");
	for (i = 0; i < sizeof(big); i++) {
		if (big[i] == '"')
			want[n++] = '"';
		want[n++] = (char)big[i];
	}
	n += (size_t)sprintf(want + n, "\"\nafter,y\nz\n");
	assert_export(&t, ',', 0, want);

	/* Unquoted, exactly one buffer and one more. */
	memset(big, 'u', sizeof(big));
	t.lens[1][1] = 65536;
	n = (size_t)sprintf(want, "head\nx,");
	memset(want + n, 'u', 65536);
	n += 65536;
	sprintf(want + n, "\nafter,y\nz\n");
	assert_export(&t, ',', 0, want);
	free(want);
}
END_TEST

/* Random tables: batch and record writing agree, and import undoes both. */
START_TEST(test_writer_round_trip)
{
	static const char alphabet[] = "ab,\"\n\r \t;x";
	static uint8_t pool[64][8][24];
	struct table t;
	struct result r;
	uint8_t * a, * b;
	size_t alen, blen, i, j, k;
	uint64_t seed = 77;
	int round;
	uint8_t delim;

	for (round = 0; round < 80; round++) {
		memset(&t, 0, sizeof(t));
		t.nrec = 1 + (size_t)(tu_rand(&seed) % 63);
		delim = (round % 2) ? ',' : ';';
		for (i = 0; i < t.nrec; i++) {
			t.nfields[i] = (i > 0 && tu_rand(&seed) % 4 != 0) ?
			    t.nfields[i - 1] : 1 + (size_t)(tu_rand(&seed) % 8);
			for (j = 0; j < t.nfields[i]; j++) {
				t.lens[i][j] = (size_t)(tu_rand(&seed) %
				    (tu_rand(&seed) % 3 == 0 ? 1 : 24));
				for (k = 0; k < t.lens[i][j]; k++)
					pool[i][j][k] = (uint8_t)alphabet[
					    tu_rand(&seed) %
					    (sizeof(alphabet) - 1)];
				t.f[i][j] = pool[i][j];
			}
		}
		a = export(&t, delim, round % 3 == 0, 0, &alen);
		b = export(&t, delim, round % 3 == 0, 1, &blen);
		ck_assert_uint_eq(alen, blen);
		ck_assert_mem_eq(a, b, alen);

		import_ways(&r, a, alen, delim, 0);
		ck_assert_int_eq(r.rc, 0);
		ck_assert_uint_eq(r.nrecs, t.nrec);
		for (i = 0; i < t.nrec; i++) {
			ck_assert_uint_eq(r.recs[i].n, t.nfields[i]);
			for (j = 0; j < t.nfields[i]; j++) {
				ck_assert_uint_eq(r.recs[i].lens[j],
				    t.lens[i][j]);
				ck_assert_mem_eq(r.recs[i].f[j], t.f[i][j],
				    t.lens[i][j]);
			}
		}
		result_free(&r);
		free(a);
		free(b);
	}
}
END_TEST

static Suite *
csv_suite(void)
{
	Suite * s = suite_create("csv");
	TCase * ti = tcase_create("import");
	TCase * te = tcase_create("export");

	tcase_add_test(ti, test_quoted);
	tcase_add_test(ti, test_multiline);
	tcase_add_test(ti, test_line_ends);
	tcase_add_test(ti, test_bare_cr);
	tcase_add_test(ti, test_bom);
	tcase_add_test(ti, test_empty_fields);
	tcase_add_test(ti, test_delimiters);
	tcase_add_test(ti, test_nul_bytes);
	tcase_add_test(ti, test_many_columns);
	tcase_add_test(ti, test_column_limit);
	tcase_add_test(ti, test_record_limit);
	tcase_add_test(ti, test_errors);
	tcase_add_test(ti, test_callback_error);
	tcase_add_test(ti, test_differential_random);
	tcase_set_timeout(ti, 120);
	suite_add_tcase(s, ti);

	tcase_add_checked_fixture(te, tu_dir_setup, tu_dir_teardown);
	tcase_add_test(te, test_writer_quoting);
	tcase_add_test(te, test_writer_large);
	tcase_add_test(te, test_writer_round_trip);
	tcase_set_timeout(te, 120);
	suite_add_tcase(s, te);
	return (s);
}

int
main(void)
{

	return (tu_run_sodium(csv_suite()));
}
