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

#include "csv.h"
#include "err.h"

#include "fuzz_util.h"

static int
on_record(void * cookie, const uint8_t * const * fields, const size_t * lens,
    size_t n, uint64_t line)
{

	if (n == 0 || line == 0)
		abort();
	fu_records_add(cookie, fields, lens, n, line);
	return (0);
}

/* Piece sizes: 0 means a byte at a time, else pseudo-random up to max. */
static void
import(struct fu_records * o, const uint8_t * csv, size_t size,
    uint8_t delim, int fast, size_t max, uint64_t seed)
{
	struct ss_csv_reader * cr;
	size_t pos = 0, n;

	fu_records_clear(o);
	ss_err_clear();
	if ((cr = ss_csv_reader_new(delim, on_record, o)) == NULL)
		abort();
	ss_csv_reader_set_fast(cr, fast);
	while (pos < size) {
		n = fu_piece(&seed, max, size - pos);
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

static struct fu_records ref, other;

int
LLVMFuzzerInitialize(int * argc, char *** argv)
{

	fu_init(argc, argv);
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t * data, size_t size)
{
	static const uint8_t delims[4] = { ',', ';', '\t', ' ' };
	uint64_t seed;
	uint8_t delim;
	size_t max;
	int fast;

	if (size == 0)
		return (0);
	delim = delims[data[0] & 3];
	max = 1 + (data[0] >> 2);
	seed = fu_seed(data, size);
	data++;
	size--;

	import(&ref, data, size, delim, 1, SIZE_MAX, 0);
	import(&other, data, size, delim, 0, SIZE_MAX, 0);
	fu_records_compare("fuzz_csv", &ref, &other, "fast path off");
	for (fast = 0; fast < 2; fast++) {
		import(&other, data, size, delim, fast, max, seed);
		fu_records_compare("fuzz_csv", &ref, &other,
		    fast ? "pieces, fast path on" : "pieces, fast path off");
		import(&other, data, size, delim, fast, 0, 0);
		fu_records_compare("fuzz_csv", &ref, &other,
		    fast ? "bytes, fast path on" : "bytes, fast path off");
	}
	return (0);
}
