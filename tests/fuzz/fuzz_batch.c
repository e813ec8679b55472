/*
 * libFuzzer harness for chunk plaintexts: ss_batch_parse() on the input
 * and, if it parses, every field through ss_batch_field() and the whole
 * batch through ss_csv_writer_batch() to /dev/null.  A parsed batch must
 * account for every data byte, and writing it must succeed.
 */

#include <stdlib.h>

#include "batch.h"
#include "csv.h"
#include "err.h"
#include "io.h"

#include "fuzz_util.h"

static struct ss_output * out;

int
LLVMFuzzerInitialize(int * argc, char *** argv)
{

	fu_init(argc, argv);
	if ((out = ss_output_open("/dev/null", 0)) == NULL)
		abort();
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t * data, size_t size)
{
	struct ss_csv_writer * cw;
	struct ss_batch b;
	const uint8_t * f;
	size_t r, c, len, total = 0;

	if (ss_batch_parse(&b, data, size) != 0) {
		ss_err_clear();
		return (0);
	}
	if (b.offsets < data || b.data < b.offsets ||
	    b.data + b.datalen != data + size)
		abort();
	for (r = 0; r < b.nrecords; r++) {
		for (c = 0; c < b.nfields; c++) {
			f = ss_batch_field(&b, r, c, &len);
			if (f < b.data || len > b.datalen ||
			    f + len > b.data + b.datalen)
				abort();
			total += len;
		}
	}
	if (total != b.datalen)
		abort();

	/* A fresh writer each time: the first record of an output differs. */
	if ((cw = ss_csv_writer_new(out, (size & 1) ? '\t' : ',',
	    (size & 2) != 0)) == NULL)
		abort();
	if (ss_csv_writer_batch(cw, &b) != 0 || ss_csv_writer_flush(cw) != 0)
		abort();
	ss_csv_writer_free(cw);
	return (0);
}
