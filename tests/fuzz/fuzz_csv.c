/*
 * libFuzzer harness for the CSV importer: a differential test of the
 * quote-free fast path against libcsv, and of feeding in pieces against
 * feeding at once.
 *
 * The first input byte picks the delimiter and the size of the pieces;
 * the rest is CSV.  It is imported in one feed with the fast path on (the
 * reference), then in one feed with it off, then in pieces (at places
 * derived from the input) with it on and off, then a byte at a time.
 * Every import must yield the same records (field bytes, field counts,
 * line numbers) and the same outcome: success, or the same error.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "csv.h"
#include "err.h"
#include "grow.h"

int LLVMFuzzerInitialize(int *, char ***);
int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* What one import produced, serialised for comparison. */
struct outcome {
	int rc;
	char err[1100];
	uint8_t * buf;		/* line, n, then n times len, bytes */
	size_t len, cap;
	size_t nrecords;
};

static void
put(struct outcome * o, const void * p, size_t len)
{

	if (ss_grow(&o->buf, &o->cap, o->len + len, 1))
		abort();
	if (len > 0)
		memcpy(o->buf + o->len, p, len);
	o->len += len;
}

static int
on_record(void * cookie, const uint8_t * const * fields, const size_t * lens,
    size_t n, uint64_t line)
{
	struct outcome * o = cookie;
	uint64_t v;
	size_t i;

	if (n == 0 || line == 0)
		abort();
	put(o, &line, sizeof(line));
	v = n;
	put(o, &v, sizeof(v));
	for (i = 0; i < n; i++) {
		v = lens[i];
		put(o, &v, sizeof(v));
		put(o, fields[i], lens[i]);
	}
	o->nrecords++;
	return (0);
}

/* Piece sizes: 0 means a byte at a time, else pseudo-random up to max. */
static void
import(struct outcome * o, const uint8_t * csv, size_t size, uint8_t delim,
    int fast, size_t max, uint64_t seed)
{
	struct ss_csv_reader * cr;
	size_t pos = 0, n;

	o->rc = 0;
	o->len = 0;
	o->nrecords = 0;
	o->err[0] = '\0';
	ss_err_clear();
	if ((cr = ss_csv_reader_new(delim, on_record, o)) == NULL)
		abort();
	ss_csv_reader_set_fast(cr, fast);
	while (pos < size) {
		if (max == SIZE_MAX)
			n = size;
		else if (max == 0)
			n = 1;
		else {
			seed ^= seed << 13;
			seed ^= seed >> 7;
			seed ^= seed << 17;
			/* Empty feeds too. */
			n = (size_t)(seed % (max + 1));
		}
		if (n > size - pos)
			n = size - pos;
		if ((o->rc = ss_csv_reader_feed(cr, csv + pos, n)) != 0)
			break;
		pos += n;
	}
	if (o->rc == 0)
		o->rc = ss_csv_reader_finish(cr);
	if (o->rc != 0)
		snprintf(o->err, sizeof(o->err), "%s", ss_err_msg());
	ss_csv_reader_free(cr);
}

static void
compare(const struct outcome * ref, const struct outcome * o,
    const char * what)
{

	if (ref->rc != o->rc || strcmp(ref->err, o->err) != 0) {
		fprintf(stderr, "fuzz_csv: %s: outcome differs: %d '%s' vs "
		    "%d '%s'\n", what, ref->rc, ref->err, o->rc, o->err);
		abort();
	}
	if (ref->nrecords != o->nrecords || ref->len != o->len ||
	    (ref->len > 0 && memcmp(ref->buf, o->buf, ref->len) != 0)) {
		fprintf(stderr, "fuzz_csv: %s: records differ (%zu vs %zu)\n",
		    what, ref->nrecords, o->nrecords);
		abort();
	}
}

static struct outcome ref, other;

int
LLVMFuzzerInitialize(int * argc, char *** argv)
{

	(void)argc;
	(void)argv;
	if (sodium_init() < 0)
		abort();
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t * data, size_t size)
{
	static const uint8_t delims[4] = { ',', ';', '\t', ' ' };
	uint64_t seed = 14695981039346656037ULL;
	uint8_t delim;
	size_t max, i;
	int fast;

	if (size == 0)
		return (0);
	delim = delims[data[0] & 3];
	max = 1 + (data[0] >> 2);
	for (i = 0; i < size; i++)
		seed = (seed ^ data[i]) * 1099511628211ULL;
	seed |= 1;
	data++;
	size--;

	import(&ref, data, size, delim, 1, SIZE_MAX, 0);
	import(&other, data, size, delim, 0, SIZE_MAX, 0);
	compare(&ref, &other, "fast path off");
	for (fast = 0; fast < 2; fast++) {
		import(&other, data, size, delim, fast, max, seed);
		compare(&ref, &other, fast ? "pieces, fast path on" :
		    "pieces, fast path off");
		import(&other, data, size, delim, fast, 0, 0);
		compare(&ref, &other, fast ? "bytes, fast path on" :
		    "bytes, fast path off");
	}
	return (0);
}
