/* Unit tests for libcore/host/ndjson.c: NDJSON import and export. */

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <jansson.h>

#include "batch.h"
#include "err.h"
#include "io.h"
#include "ndjson.h"

#include "check_util.h"

/*
 * The outcome of one import, as text: a record per line, "LINE:" and its
 * fields joined by '|' (bytes below 0x20 and '|' as \xNN), then the error.
 */
struct result {
	int rc;
	int status;
	char err[1100];
	char * text;
	size_t len, cap;
	size_t nrecs;
	size_t fail_at;		/* the callback fails at this record */
	/* The records themselves, for export: up to 64 of 8 fields. */
	size_t nf;
	uint8_t * cell[64][8];
	size_t celllen[64][8];
};

static void
append(struct result * res, const void * p, size_t n)
{

	if (res->len + n + 1 > res->cap) {
		while (res->len + n + 1 > res->cap)
			res->cap = res->cap ? 2 * res->cap : 256;
		ck_assert_ptr_nonnull(res->text = realloc(res->text,
		    res->cap));
	}
	memcpy(res->text + res->len, p, n);
	res->len += n;
	res->text[res->len] = '\0';
}

static int
collect(void * cookie, const uint8_t * const * fields, const size_t * lens,
    size_t n, uint64_t line)
{
	struct result * res = cookie;
	char b[32];
	size_t i, j;

	if (res->nrecs == res->fail_at) {
		ss_err_set(SS_EXIT_DATA, "callback refused record %zu",
		    res->nrecs + 1);
		return (-1);
	}
	ck_assert_uint_gt(n, 0);
	append(res, b, (size_t)snprintf(b, sizeof(b), "%llu:",
	    (unsigned long long)line));
	for (i = 0; i < n; i++) {
		ck_assert_ptr_nonnull(fields[i]);
		if (i > 0)
			append(res, "|", 1);
		for (j = 0; j < lens[i]; j++) {
			if (fields[i][j] < 0x20 || fields[i][j] == '|')
				append(res, b, (size_t)snprintf(b, sizeof(b),
				    "\\x%02x", fields[i][j]));
			else
				append(res, &fields[i][j], 1);
		}
		if (res->nrecs < 64 && i < 8) {
			ck_assert_ptr_nonnull(res->cell[res->nrecs][i] =
			    malloc(lens[i] + 1));
			memcpy(res->cell[res->nrecs][i], fields[i], lens[i]);
			res->celllen[res->nrecs][i] = lens[i];
		}
	}
	if (n <= 8)
		res->nf = n;
	append(res, "\n", 1);
	res->nrecs++;
	return (0);
}

static void
result_free(struct result * res)
{
	size_t i, j;

	for (i = 0; i < 64; i++)
		for (j = 0; j < 8; j++)
			free(res->cell[i][j]);
	free(res->text);
	memset(res, 0, sizeof(*res));
}

/* How to cut the input into feeds. */
enum split { WHOLE, BYTES, RANDOM, BIG };

static void
import(struct result * res, const char * columns, int flatten,
    const void * in, size_t len, enum split how, uint64_t seed)
{
	struct ss_ndjson_reader * nr;
	const uint8_t * p = in;
	size_t pos = 0, n;

	memset(res, 0, sizeof(*res));
	res->fail_at = (size_t)-1;
	append(res, "", 0);
	ss_err_clear();
	ck_assert_ptr_nonnull(nr = ss_ndjson_reader_new(columns, flatten,
	    collect, res));
	res->rc = ss_ndjson_reader_begin(nr);
	while (res->rc == 0 && pos < len) {
		if (how == WHOLE)
			n = len;
		else if (how == BYTES)
			n = 1;
		else if (how == BIG)
			n = 65536;
		else
			n = (size_t)(tu_rand(&seed) % 23);
		if (n > len - pos)
			n = len - pos;
		res->rc = ss_ndjson_reader_feed(nr, p + pos, n);
		pos += n;
	}
	if (res->rc == 0)
		res->rc = ss_ndjson_reader_finish(nr);
	if (res->rc != 0) {
		snprintf(res->err, sizeof(res->err), "%s", ss_err_msg());
		res->status = ss_err_status();
	}
	ss_ndjson_reader_free(nr);
}

/* Import ${in} whole, by bytes and in random pieces: all must agree. */
static void
check_import(const char * columns, int flatten, const char * in,
    const char * want, const char * want_err)
{
	struct result a, b;
	enum split how;

	import(&a, columns, flatten, in, strlen(in), WHOLE, 0);
	ck_assert_msg(strcmp(a.text, want) == 0, "import of '%s': got\n%s\n"
	    "want\n%s", in, a.text, want);
	if (want_err == NULL)
		ck_assert_msg(a.rc == 0, "import of '%s' failed: %s", in,
		    a.err);
	else {
		ck_assert_msg(a.rc == -1, "import of '%s' succeeded", in);
		ck_assert_msg(strcmp(a.err, want_err) == 0, "import of '%s': "
		    "error '%s', want '%s'", in, a.err, want_err);
		ck_assert_int_eq(a.status, SS_EXIT_DATA);
	}
	for (how = BYTES; how <= RANDOM; how++) {
		import(&b, columns, flatten, in, strlen(in), how, 42);
		ck_assert_str_eq(a.text, b.text);
		ck_assert_int_eq(a.rc, b.rc);
		ck_assert_str_eq(a.err, b.err);
		result_free(&b);
	}
	result_free(&a);
}

START_TEST(test_basic)
{

	/* The PubSub-SGX form; the names come first, as a header row. */
	check_import(NULL, 0,
	    "{\"id\": \"truck-abc\", \"lat\": 51.05, \"lon\": 13.73}\n",
	    "1:id|lat|lon\n1:truck-abc|51.05|13.73\n", NULL);
	/* BOM, CRLF, blank and white lines, no final line end. */
	check_import(NULL, 0,
	    "\xef\xbb\xbf{\"a\":1}\r\n\n \t\r\n{\"a\":2}\r\n\r\n{\"a\":3}",
	    "1:a\n1:1\n4:2\n6:3\n", NULL);
	/* A BOM only at the very start. */
	check_import(NULL, 0, "{\"a\":1}\n\xef\xbb\xbf{\"a\":2}\n",
	    "1:a\n1:1\n", "line 2: column 3: invalid token near "
	    "'\xef\xbb\xbf'");
	/* Every type; missing keys and null are empty; any order. */
	check_import(NULL, 0,
	    "{\"s\":\"x|y\\n\\u00e9\",\"i\":-42,\"r\":0.5,\"t\":true,"
	    "\"f\":false,\"n\":null}\n"
	    "{\"n\":\"\",\"i\":9223372036854775807}\n{\"f\":1}\n",
	    "1:s|i|r|t|f|n\n"
	    "1:x\\x7cy\\x0a\xc3\xa9|-42|0.5|true|false|\n"
	    "2:|9223372036854775807||||\n"
	    "3:||||1|\n", NULL);
	/* An empty key is a column like any other (the fuzzer's find). */
	check_import(NULL, 0, "{\"\":2,\"a\":\"\"}\n{\"a\":1,\"\":3}\n",
	    "1:|a\n1:2|\n2:3|1\n", NULL);
	check_import(NULL, 1, "{\"\":{\"\":[1]}}\n", "1:..1\n1:1\n", NULL);
	/* NUL in a string value is a byte like any other. */
	check_import(NULL, 0, "{\"a\":\"x\\u0000y\"}\n",
	    "1:a\n1:x\\x00y\n", NULL);
	/* Empty input: nothing at all. */
	check_import(NULL, 0, "", "", NULL);
	check_import(NULL, 0, "\n\r\n  \n", "", NULL);
}
END_TEST

/* Reals: the shortest text that reads back as the same double. */
START_TEST(test_reals)
{
	static const struct {
		double x;
		const char * text;
	} v[] = {
		{ 51.05, "51.05" }, { 13.73, "13.73" }, { 0.1, "0.1" },
		{ 0.1 + 0.2, "0.30000000000000004" }, { 1e5, "100000" },
		{ 123456789012345.0, "123456789012345" },
		{ 1e15, "1e+15" }, { 1e-5, "1e-05" }, { 0.0001, "0.0001" },
		{ -0.0, "-0" }, { 5e-324, "4.94065645841247e-324" },
		{ 1.7976931348623157e308, "1.7976931348623157e+308" },
		{ -2.5, "-2.5" }, { 1.0 / 3, "0.3333333333333333" },
	};
	char buf[SS_NDJSON_NUMBUF];
	size_t i, n;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		n = ss_ndjson_format_real(v[i].x, buf);
		ck_assert_uint_eq(n, strlen(buf));
		ck_assert_msg(strcmp(buf, v[i].text) == 0, "%.17g: '%s', "
		    "want '%s'", v[i].x, buf, v[i].text);
		ck_assert(strtod(buf, NULL) == v[i].x);
		ck_assert(signbit(strtod(buf, NULL)) == signbit(v[i].x));
	}
	check_import(NULL, 0, "{\"a\":1e5,\"b\":51.050,\"c\":-0.0,"
	    "\"d\":2.5E-7,\"e\":1.5e300,\"f\":100}\n",
	    "1:a|b|c|d|e|f\n1:100000|51.05|-0|2.5e-07|1.5e+300|100\n", NULL);
}
END_TEST

START_TEST(test_declared)
{

	/* Order, renames, missing keys; the names before any input. */
	check_import("id,lat,longitude=lon", 0,
	    "{\"lon\":1,\"id\":\"a\"}\n{\"lat\":3}\n",
	    "0:id|lat|longitude\n1:a||1\n2:|3|\n", NULL);
	check_import("a", 0, "", "0:a\n", NULL);
	check_import("a", 0, "{}\n{\"a\":null}\n", "0:a\n1:\n2:\n", NULL);
	check_import("a", 0, "{\"a\":1}\n{\"b\":1}\n", "0:a\n1:1\n",
	    "line 2: key \"b\" is not among the columns (of --columns)");
	/* A renamed key is known only by its key. */
	check_import("x=a", 0, "{\"x\":1}\n", "0:x\n",
	    "line 1: key \"x\" is not among the columns (of --columns)");
}
END_TEST

START_TEST(test_declared_errors)
{
	static const struct {
		const char * list, * err;
	} v[] = {
		{ "", "empty field name in ''" },
		{ "a,,b", "empty field name in 'a,,b'" },
		{ "a,a", "two output fields named 'a'" },
		{ "a=x,b=x", "key \"x\" taken by two columns" },
		{ "a=", "empty field name in 'a='" },
	};
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		ss_err_clear();
		ck_assert_ptr_null(ss_ndjson_reader_new(v[i].list, 0, collect,
		    NULL));
		ck_assert_str_eq(ss_err_msg(), v[i].err);
		ck_assert_int_eq(ss_err_status(), SS_EXIT_SYS);
	}
}
END_TEST

START_TEST(test_flatten)
{

	check_import(NULL, 1,
	    "{\"id\":1,\"pos\":{\"lat\":51.05,\"lon\":13.73},\"a\":[5,[6,7],"
	    "{\"k\":true}],\"e\":{},\"l\":[]}\n{\"pos\":{\"lat\":1}}\n",
	    "1:id|pos.lat|pos.lon|a.1|a.2.1|a.2.2|a.3.k|e|l\n"
	    "1:1|51.05|13.73|5|6|7|true|{}|[]\n"
	    "2:|1|||||||\n", NULL);
	/* Flat objects are unchanged. */
	check_import(NULL, 1, "{\"a\":1,\"b\":\"x\"}\n", "1:a|b\n1:1|x\n",
	    NULL);
	/* A flattened key that is also a key: two values for one column. */
	check_import(NULL, 1, "{\"a.b\":1,\"a\":{\"b\":2}}\n", "",
	    "line 1: two values for column \"a.b\"");
	check_import(NULL, 1, "{\"a\":1}\n{\"a.b\":1,\"a\":{\"b\":2}}\n",
	    "1:a\n1:1\n", "line 2: key \"a.b\" is not among the columns "
	    "(taken from the first object; name them all with --columns)");
	/* A later object with a new nested key. */
	check_import(NULL, 1, "{\"a\":{\"b\":1}}\n{\"a\":{\"c\":1}}\n",
	    "1:a.b\n1:1\n", "line 2: key \"a.c\" is not among the columns "
	    "(taken from the first object; name them all with --columns)");
	/* Declared flattened columns. */
	check_import("pos.lat,x=a.2", 1,
	    "{\"pos\":{\"lat\":2},\"a\":[0,9]}\n", "0:pos.lat|x\n",
	    "line 1: key \"a.1\" is not among the columns (of --columns)");
	check_import("pos.lat,x=a.2", 1, "{\"pos\":{\"lat\":2},\"a\":[null,9]}"
	    "\n", "0:pos.lat|x\n",
	    "line 1: key \"a.1\" is not among the columns (of --columns)");
	check_import("pos.lat,a.1,x=a.2", 1,
	    "{\"pos\":{\"lat\":2},\"a\":[null,9]}\n",
	    "0:pos.lat|a.1|x\n1:2||9\n", NULL);
	/* Without --flatten, nested values are refused, by key. */
	check_import(NULL, 0, "{\"id\":1}\n{\"id\":2,\"pos\":{\"lat\":1}}\n",
	    "1:id\n1:1\n", "line 2: nested value for \"pos\" (use --flatten)");
	check_import(NULL, 0, "{\"l\":[]}\n", "",
	    "line 1: nested value for \"l\" (use --flatten)");
}
END_TEST

START_TEST(test_errors)
{

	check_import(NULL, 0, "{\"a\":1}\n{\"a\":2\n", "1:a\n1:1\n",
	    "line 2: column 6: '}' expected near end of file");
	check_import(NULL, 0, "{\"a\":1,\"a\":2}\n", "",
	    "line 1: column 10: duplicate object key near '\"a\"'");
	check_import(NULL, 0, "[1]\n", "",
	    "line 1: not a JSON object (found an array)");
	check_import(NULL, 0, "\"x\"\n", "",
	    "line 1: not a JSON object (found a string)");
	check_import(NULL, 0, "1\n", "",
	    "line 1: not a JSON object (found a number)");
	check_import(NULL, 0, "true\n", "",
	    "line 1: not a JSON object (found a boolean)");
	check_import(NULL, 0, "null\n", "",
	    "line 1: not a JSON object (found null)");
	check_import(NULL, 0, "{}\n", "",
	    "line 1: an empty object names no columns (name them with "
	    "--columns)");
	check_import(NULL, 0, "{\"a\":1} {\"a\":2}\n", "",
	    "line 1: column 9: end of file expected near '{'");
	check_import(NULL, 0, "{\"a\":\"\xff\"}\n", "",
	    "line 1: column 6: unable to decode byte 0xff near '\"'");
	check_import(NULL, 0, "{\"a\":\"\xc0\x80\"}\n", "",
	    "line 1: column 6: unable to decode byte 0xc0 near '\"'");
	check_import(NULL, 0, "{\"a\":\"x\ny\"}\n", "",
	    "line 1: column 7: premature end of input near '\"x'");
	check_import(NULL, 0, "{\"a\":\"\x01\"}\n", "",
	    "line 1: column 6: control character 0x1 near '\"'");
	check_import(NULL, 0, "{\"a\\u0000\":1}\n", "",
	    "line 1: column 10: NUL byte in object key not supported near "
	    "'\"a\\u0000\"'");
	check_import(NULL, 0, "{\"a\":123456789012345678901}\n", "",
	    "line 1: column 26: too big integer");
	check_import(NULL, 0, "{\"a\":NaN}\n", "",
	    "line 1: column 8: invalid token near 'NaN'");
	/* A control byte in a key is shown escaped. */
	check_import(NULL, 0, "{\"a\\u0001\\\"\":[1]}\n", "",
	    "line 1: nested value for \"a\\x01\\\"\" (use --flatten)");
}
END_TEST

/* The callback's error stops the import, as it is. */
START_TEST(test_callback_error)
{
	struct ss_ndjson_reader * nr;
	struct result res;
	const char * in = "{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n";

	memset(&res, 0, sizeof(res));
	res.fail_at = 2;
	append(&res, "", 0);
	ck_assert_ptr_nonnull(nr = ss_ndjson_reader_new(NULL, 0, collect,
	    &res));
	ck_assert_int_eq(ss_ndjson_reader_feed(nr, (const uint8_t *)in,
	    strlen(in)), -1);
	ck_assert_str_eq(ss_err_msg(), "callback refused record 3");
	ck_assert_str_eq(res.text, "1:a\n1:1\n");
	ss_ndjson_reader_free(nr);
	result_free(&res);
}
END_TEST

/* Bounds: line length, values per line, columns. */
START_TEST(test_limits)
{
	struct result res;
	char * in;
	size_t len, n, i;

	/* A line of exactly SS_NDJSON_LINE_MAX bytes is taken. */
	len = SS_NDJSON_LINE_MAX;
	ck_assert_ptr_nonnull(in = malloc(len + 16));
	memcpy(in, "{\"a\":\"", 6);
	memset(in + 6, 'x', len - 8);
	memcpy(in + len - 2, "\"}\n", 3);
	import(&res, NULL, 0, in, len + 1, BIG, 0);
	ck_assert_msg(res.rc == 0, "%s", res.err);
	ck_assert_uint_eq(res.nrecs, 2);
	result_free(&res);
	/* One byte more is not, whole or in pieces, with CRLF or not. */
	memcpy(in, "{\"a\":\"x", 7);
	memset(in + 7, 'x', len - 8);
	memcpy(in + len - 1, "\"}\r\n", 4);
	import(&res, NULL, 0, in, len + 3, WHOLE, 0);
	ck_assert_str_eq(res.err, "line 1: longer than 16777216 bytes");
	result_free(&res);
	import(&res, NULL, 0, in, len + 3, BIG, 0);
	ck_assert_str_eq(res.err, "line 1: longer than 16777216 bytes");
	result_free(&res);
	import(&res, NULL, 0, in, len + 1, WHOLE, 0);
	ck_assert_str_eq(res.err, "line 1: longer than 16777216 bytes");
	result_free(&res);
	free(in);

	/* Too many values: refused before jansson builds them. */
	n = SS_NDJSON_VALUES_MAX;
	ck_assert_ptr_nonnull(in = malloc(2 * n + 16));
	memcpy(in, "{\"a\":[", 6);
	for (i = 0; i < n; i++)
		memcpy(in + 6 + 2 * i, "0,", 2);
	memcpy(in + 6 + 2 * n, "0]}\n", 4);
	import(&res, NULL, 1, in, 2 * n + 10, WHOLE, 0);
	ck_assert_str_eq(res.err, "line 1: more than 262144 values");
	result_free(&res);
	/* (Commas in strings do not count.) */
	in[5] = '"';
	memcpy(in + 6 + 2 * n, "0\"}\n", 4);
	import(&res, NULL, 1, in, 2 * n + 10, WHOLE, 0);
	ck_assert_msg(res.rc == 0, "%s", res.err);
	result_free(&res);
	free(in);

	/* 65536 columns are taken; 65537 are not. */
	ck_assert_ptr_nonnull(in = malloc(20 * 65537 + 16));
	for (n = 65536; n <= 65537; n++) {
		len = 0;
		in[len++] = '{';
		for (i = 0; i < n; i++)
			len += (size_t)sprintf(in + len, "%s\"k%zu\":%zu",
			    i > 0 ? "," : "", i, i);
		memcpy(in + len, "}\n", 2);
		import(&res, NULL, 0, in, len + 2, WHOLE, 0);
		if (n == 65536) {
			ck_assert_msg(res.rc == 0, "%s", res.err);
			ck_assert_uint_eq(res.nrecs, 2);
		} else
			ck_assert_str_eq(res.err,
			    "line 1: more than 65536 columns");
		result_free(&res);
	}
	free(in);
}
END_TEST

/* Many columns, keys in a different order on every line: the hash. */
START_TEST(test_many_columns)
{
	struct result res;
	uint64_t seed = 7;
	size_t perm[500], i, j, k, t, len = 0;
	char * in, * want;
	size_t wlen = 0;

	ck_assert_ptr_nonnull(in = malloc(30 * 500 * 20));
	ck_assert_ptr_nonnull(want = malloc(30 * 500 * 20));
	for (i = 0; i < 500; i++)
		perm[i] = i;
	wlen += (size_t)sprintf(want, "1:");
	for (i = 0; i < 500; i++)
		wlen += (size_t)sprintf(want + wlen, "%sc%zu", i ? "|" : "",
		    i);
	want[wlen++] = '\n';
	for (k = 0; k < 20; k++) {
		in[len++] = '{';
		for (i = 0; i < 500; i++) {
			if (k > 0 && i + 1 < 500) {
				j = i + (size_t)(tu_rand(&seed) % (500 - i));
				t = perm[i];
				perm[i] = perm[j];
				perm[j] = t;
			}
			len += (size_t)sprintf(in + len, "%s\"c%zu\":%zu",
			    i ? "," : "", perm[i], perm[i] * 1000 + k);
		}
		memcpy(in + len, "}\n", 2);
		len += 2;
		wlen += (size_t)sprintf(want + wlen, "%zu:", k + 1);
		for (i = 0; i < 500; i++)
			wlen += (size_t)sprintf(want + wlen, "%s%zu",
			    i ? "|" : "", i * 1000 + k);
		want[wlen++] = '\n';
	}
	want[wlen] = '\0';
	import(&res, NULL, 0, in, len, WHOLE, 0);
	ck_assert_msg(res.rc == 0, "%s", res.err);
	ck_assert_msg(strcmp(res.text, want) == 0, "many columns differ");
	result_free(&res);
	free(in);
	free(want);
}
END_TEST

START_TEST(test_is_number)
{
	static const char * yes[] = {
		"0", "-0", "1", "-1", "123", "0.5", "-0.5", "1.50", "1e5",
		"1E5", "1e+5", "1e-5", "1.5e007", "0e0",
		"9223372036854775807", "-9223372036854775808",
		"1.7976931348623157e308", "1e-400", "123456789012345678901.5",
	};
	static const char * no[] = {
		"", "-", "+1", "01", "-01", "00", ".5", "1.", "1.e5", "1e",
		"1e+", "e5", " 1", "1 ", "0x10", "inf", "NaN", "-inf", "1,5",
		"9223372036854775808", "-9223372036854775809",
		"12345678901234567890", "1e999", "-1e309", "1.5f", "١",
		"1e5\n", "--1",
		/* More than 64 bytes with a fraction. */
		("0.0000000000000000000000000000000000000000000000000000000000"
		"000000000001"),
	};
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		ck_assert_msg(ss_ndjson_is_number((const uint8_t *)yes[i],
		    strlen(yes[i])), "'%s' is a number", yes[i]);
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		ck_assert_msg(!ss_ndjson_is_number((const uint8_t *)no[i],
		    strlen(no[i])), "'%s' is not a number", no[i]);
	/* A NUL inside is not part of any number. */
	ck_assert(!ss_ndjson_is_number((const uint8_t *)"1\0", 2));
}
END_TEST

/*
 * Export a schema of ${ncols} names and ${nrec} records of cells
 * (${cells}[r * ncols + c], ${lens} likewise) and return the text.
 */
static char *
export(size_t ncols, const uint8_t * const * names, const size_t * nlens,
    size_t nrec, const uint8_t * const * cells, const size_t * lens,
    size_t * outlen)
{
	struct ss_batch_builder * bb;
	struct ss_ndjson_writer * nw;
	struct ss_output * o;
	struct ss_batch b;
	const uint8_t * pt;
	size_t len, r;
	char * path = tu_file("out.json");

	ck_assert_ptr_nonnull(o = ss_output_open(path, 0));
	ck_assert_ptr_nonnull(nw = ss_ndjson_writer_new(o));
	ck_assert_ptr_nonnull(bb = ss_batch_builder_new((uint32_t)ncols,
	    SIZE_MAX));
	ck_assert_int_eq(ss_batch_builder_add(bb, names, nlens), 0);
	ck_assert_int_eq(ss_batch_builder_finish(bb, SS_BATCH_SCHEMA, &pt,
	    &len), 0);
	ck_assert_int_eq(ss_batch_parse(&b, pt, len), 0);
	ck_assert_int_eq(ss_ndjson_writer_batch(nw, &b), 0);
	ck_assert_uint_eq(ss_ndjson_writer_bytes(nw), 0);
	for (r = 0; r < nrec; r++)
		ck_assert_int_eq(ss_batch_builder_add(bb, cells + r * ncols,
		    lens + r * ncols), 0);
	ck_assert_int_eq(ss_batch_builder_finish(bb, SS_BATCH_RECORDS, &pt,
	    &len), 0);
	ck_assert_int_eq(ss_batch_parse(&b, pt, len), 0);
	ck_assert_int_eq(ss_ndjson_writer_batch(nw, &b), 0);
	ck_assert_int_eq(ss_ndjson_writer_flush(nw), 0);
	ck_assert_int_eq(ss_output_commit(o), 0);
	ss_batch_builder_free(bb);
	ss_ndjson_writer_free(nw);
	return ((char *)tu_read_file(path, outlen));
}

/* Export one record of (name, cell) string pairs; compare the text. */
static void
assert_export(const char * want, ...)
{
	const uint8_t * names[8], * cells[8];
	size_t nlens[8], lens[8], n = 0, len;
	const char * s;
	char * got;
	json_error_t jerr;
	json_t * j;
	va_list ap;

	va_start(ap, want);
	while ((s = va_arg(ap, const char *)) != NULL) {
		names[n] = (const uint8_t *)s;
		nlens[n] = strlen(s);
		s = va_arg(ap, const char *);
		cells[n] = (const uint8_t *)s;
		lens[n++] = strlen(s);
	}
	va_end(ap);
	got = export(n, names, nlens, 1, cells, lens, &len);
	ck_assert_msg(strcmp(got, want) == 0, "exported '%s', want '%s'", got,
	    want);
	/* Always valid JSON, one object. */
	ck_assert_msg((j = json_loadb(got, len, JSON_REJECT_DUPLICATES |
	    JSON_ALLOW_NUL, &jerr)) != NULL, "jansson: %s: %s", jerr.text, got);
	ck_assert(json_is_object(j));
	ck_assert_uint_eq(json_object_size(j), n);
	json_decref(j);
	free(got);
}

START_TEST(test_writer)
{

	assert_export("{\"id\":\"truck-abc\",\"lat\":51.05,\"lon\":13.73}\n",
	    "id", "truck-abc", "lat", "51.05", "lon", "13.73", NULL);
	/* Numbers by RFC 8259 and in range; anything else a string. */
	assert_export("{\"a\":123,\"b\":\"007\",\"c\":\"\",\"d\":-0.5e+3,"
	    "\"e\":\"1e999\",\"f\":\"true\",\"g\":\"null\",\"h\":\" 1\"}\n",
	    "a", "123", "b", "007", "c", "", "d", "-0.5e+3", "e", "1e999",
	    "f", "true", "g", "null", "h", " 1", NULL);
	/* Escapes. */
	assert_export("{\"q\\\"k\\\\\":\"\\\"\\\\/\\b\\f\\n\\r\\t\\u0001"
	    "\\u001f\x7f\"}\n", "q\"k\\", "\"\\/\b\f\n\r\t\x01\x1f\x7f", NULL);
	/* Valid UTF-8 as it is, U+2028 too. */
	assert_export("{\"\xc3\xa9\":\"\xe2\x82\xac\xf0\x9f\x98\x80"
	    "\xe2\x80\xa8\xf4\x8f\xbf\xbf\xed\x9f\xbf\"}\n", "\xc3\xa9",
	    "\xe2\x82\xac\xf0\x9f\x98\x80\xe2\x80\xa8\xf4\x8f\xbf\xbf"
	    "\xed\x9f\xbf", NULL);
	/* Each byte outside valid UTF-8 is U+FFFD. */
	assert_export("{\"k\":\"\\ufffd\\ufffd|\\ufffd\\ufffd\\ufffd|"
	    "\\ufffd\\ufffd\\ufffd\\ufffd|\\ufffd\\ufffd|\xc3\xa9\\ufffd(|"
	    "\\ufffd\"}\n", "k",
	    "\xc0\x80|\xed\xa0\x80|\xf4\x90\x80\x80|\xe2\x82|\xc3\xa9"
	    "\xa9(|\xff", NULL);
}
END_TEST

/* NUL bytes and cells larger than the writer's buffer. */
START_TEST(test_writer_large)
{
	static uint8_t big[300000];
	const uint8_t * names[2] = { (const uint8_t *)"a",
	    (const uint8_t *)"b" };
	const uint8_t * cells[4];
	size_t nlens[2] = { 1, 1 }, lens[4], len, i;
	json_error_t jerr;
	json_t * j, * v;
	char * got;

	for (i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t[]){ 'x', '"', '\n', 0, 0xe2, 0x82, 0xac,
		    0xff }[i % 8];
	cells[0] = big;
	lens[0] = sizeof(big);
	cells[1] = (const uint8_t *)"1";
	lens[1] = 1;
	cells[2] = (const uint8_t *)"\0";
	lens[2] = 1;
	cells[3] = big;
	lens[3] = 7;
	got = export(2, names, nlens, 2, cells, lens, &len);
	ck_assert_msg((j = json_loadb(got, strchr(got, '\n') - got + 1,
	    JSON_ALLOW_NUL, &jerr)) != NULL, "jansson: %s", jerr.text);
	v = json_object_get(j, "a");
	ck_assert_uint_eq(json_string_length(v), sizeof(big) / 8 * 10);
	for (i = 0; i < json_string_length(v); i += 10)
		ck_assert(memcmp(json_string_value(v) + i,
		    "x\"\n\0\xe2\x82\xac\xef\xbf\xbd", 10) == 0);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "b")), 1);
	json_decref(j);
	ck_assert_str_eq(strchr(got, '\n') + 1,
	    "{\"a\":\"\\u0000\",\"b\":\"x\\\"\\n\\u0000\xe2\x82\xac\"}\n");
	free(got);
}
END_TEST

/* Import, export and import again: the same cells. */
START_TEST(test_round_trip)
{
	const char * in =
	    "{\"id\":\"truck-abc\",\"lat\":51.05,\"lon\":13.73,\"n\":null,"
	    "\"t\":true,\"s\":\"a\\\"b\\u0000\\n\\u00e9\",\"i\":-7,"
	    "\"r\":1e-300}\n"
	    "{\"id\":\"007\",\"lat\":-0.0,\"lon\":\"1.50\",\"s\":\"\"}\n";
	const uint8_t * cells[64 * 8], * names[8];
	size_t lens[64 * 8], nlens[8], r, c, len;
	struct result a, b;
	char * text;

	import(&a, NULL, 0, in, strlen(in), WHOLE, 0);
	ck_assert_msg(a.rc == 0, "%s", a.err);
	for (c = 0; c < a.nf; c++) {
		names[c] = a.cell[0][c];
		nlens[c] = a.celllen[0][c];
	}
	for (r = 1; r < a.nrecs; r++)
		for (c = 0; c < a.nf; c++) {
			cells[(r - 1) * a.nf + c] = a.cell[r][c];
			lens[(r - 1) * a.nf + c] = a.celllen[r][c];
		}
	text = export(a.nf, names, nlens, a.nrecs - 1, cells, lens, &len);
	ck_assert_str_eq(text,
	    "{\"id\":\"truck-abc\",\"lat\":51.05,\"lon\":13.73,\"n\":\"\","
	    "\"t\":\"true\",\"s\":\"a\\\"b\\u0000\\n\xc3\xa9\",\"i\":-7,"
	    "\"r\":1e-300}\n"
	    "{\"id\":\"007\",\"lat\":-0,\"lon\":1.50,\"n\":\"\",\"t\":\"\","
	    "\"s\":\"\",\"i\":\"\",\"r\":\"\"}\n");
	import(&b, NULL, 0, text, len, WHOLE, 0);
	ck_assert_msg(b.rc == 0, "%s", b.err);
	/* The same, but for -0 (an integer now) and 1.50 (a number now). */
	ck_assert_str_eq(b.text,
	    "1:id|lat|lon|n|t|s|i|r\n"
	    "1:truck-abc|51.05|13.73||true|a\"b\\x00\\x0a\xc3\xa9|-7|1e-300\n"
	    "2:007|0|1.5|||||\n");
	free(text);
	result_free(&a);
	result_free(&b);
}
END_TEST

static Suite *
ndjson_suite(void)
{
	Suite * s = suite_create("ndjson");
	TCase * ti = tcase_create("import");
	TCase * te = tcase_create("export");

	tcase_add_test(ti, test_basic);
	tcase_add_test(ti, test_reals);
	tcase_add_test(ti, test_declared);
	tcase_add_test(ti, test_declared_errors);
	tcase_add_test(ti, test_flatten);
	tcase_add_test(ti, test_errors);
	tcase_add_test(ti, test_callback_error);
	tcase_add_test(ti, test_limits);
	tcase_add_test(ti, test_many_columns);
	tcase_add_test(ti, test_is_number);
	tcase_set_timeout(ti, 120);
	suite_add_tcase(s, ti);
	tcase_add_checked_fixture(te, tu_dir_setup, tu_dir_teardown);
	tcase_add_test(te, test_writer);
	tcase_add_test(te, test_writer_large);
	tcase_add_test(te, test_round_trip);
	tcase_set_timeout(te, 120);
	suite_add_tcase(s, te);
	return (s);
}

int
main(void)
{

	return (tu_run_sodium(ndjson_suite()));
}
