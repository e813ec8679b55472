/*
 * libFuzzer harness for the NDJSON importer and exporter.
 *
 * The first input byte is the configuration: bit 0 flattens, bit 1
 * declares columns (a fixed list with a rename and a flattened key), the
 * rest picks the size of the pieces; the rest of the input is NDJSON.
 *
 * It is imported in one feed, then in pieces, then a byte at a time: the
 * records and the outcome must agree.  What imports is exported to NDJSON,
 * which must be valid JSON that jansson reads back, line by line, as
 * objects with the columns as keys in order: a cell of valid UTF-8 written
 * as a string comes back byte for byte, one written as a number is a
 * number by ss_ndjson_is_number() and comes back with the same value.  The
 * export is imported again: the same cells, but for numbers, which keep
 * their value.  And the input itself, cut into cells, is exported: valid
 * JSON whatever the bytes.
 */

#include <sys/mman.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "batch.h"
#include "err.h"
#include "io.h"
#include "ndjson.h"

#include "fuzz_util.h"

#define COLUMNS	"id,lat,pos.lat,t,when=time"

/* What one import produced. */
struct outcome {
	struct fu_records r;	/* every callback, the names included */
	struct ss_batch_builder * bb;
	uint8_t * schema;	/* the names as a schema chunk */
	size_t schemalen;
};

static int
on_record(void * cookie, const uint8_t * const * fields, const size_t * lens,
    size_t n, uint64_t line)
{
	struct outcome * o = cookie;
	const uint8_t * pt;
	size_t i, len;

	if (n == 0)
		abort();
	for (i = 0; i < n; i++)
		if (fields[i] == NULL)
			abort();
	fu_records_add(&o->r, fields, lens, n, line);
	if (o->r.nrecords == 1) {
		if ((o->bb = ss_batch_builder_new((uint32_t)n, SIZE_MAX)) ==
		    NULL || ss_batch_builder_add(o->bb, fields, lens) ||
		    ss_batch_builder_finish(o->bb, SS_BATCH_SCHEMA, &pt, &len))
			abort();
		if ((o->schema = malloc(len)) == NULL)
			abort();
		memcpy(o->schema, pt, len);
		o->schemalen = len;
	} else if (ss_batch_builder_add(o->bb, fields, lens))
		abort();
	return (0);
}

static void
outcome_reset(struct outcome * o)
{

	ss_batch_builder_free(o->bb);
	free(o->schema);
	o->bb = NULL;
	o->schema = NULL;
	fu_records_clear(&o->r);
}

/* Piece sizes: SIZE_MAX whole, 0 a byte at a time, else up to max. */
static void
import(struct outcome * o, const uint8_t * in, size_t size,
    const char * columns, int flatten, size_t max, uint64_t seed)
{
	struct ss_ndjson_reader * nr;
	size_t pos = 0, n;

	outcome_reset(o);
	ss_err_clear();
	if ((nr = ss_ndjson_reader_new(columns, flatten, on_record, o)) ==
	    NULL)
		abort();
	o->r.rc = ss_ndjson_reader_begin(nr);
	while (o->r.rc == 0 && pos < size) {
		n = fu_piece(&seed, max, size - pos);
		o->r.rc = ss_ndjson_reader_feed(nr, in + pos, n);
		pos += n;
	}
	if (o->r.rc == 0)
		o->r.rc = ss_ndjson_reader_finish(nr);
	if (o->r.rc != 0) {
		snprintf(o->r.err, sizeof(o->r.err), "%s", ss_err_msg());
		if (ss_err_status() != SS_EXIT_DATA)
			abort();
	}
	ss_ndjson_reader_free(nr);
}

static int
valid_utf8(const uint8_t * s, size_t len)
{
	json_t * j;

	/* jansson's own check: it refuses what is not UTF-8. */
	if ((j = json_stringn((const char *)s, len)) == NULL)
		return (0);
	json_decref(j);
	return (1);
}

static struct outcome ref, other, again;
static int capture_fd = -1;

/* Export the records of ${o} into the capture file; its text. */
static char *
export(struct outcome * o, struct ss_batch * schema, struct ss_batch * recs,
    size_t * textlen)
{
	struct ss_ndjson_writer * nw;
	struct ss_output * out;
	const uint8_t * pt;
	size_t len;
	char * text;
	off_t end;

	if (ftruncate(capture_fd, 0) != 0 || lseek(capture_fd, 0, SEEK_SET))
		abort();
	if ((out = ss_output_open("-", 0)) == NULL ||
	    (nw = ss_ndjson_writer_new(out)) == NULL)
		abort();
	if (ss_batch_parse(schema, o->schema, o->schemalen) ||
	    ss_ndjson_writer_batch(nw, schema))
		abort();
	recs->nrecords = 0;
	if (o->r.nrecords > 1) {
		if (ss_batch_builder_finish(o->bb, SS_BATCH_RECORDS, &pt,
		    &len) || ss_batch_parse(recs, pt, len) ||
		    ss_ndjson_writer_batch(nw, recs))
			abort();
	}
	if (ss_ndjson_writer_flush(nw) || ss_output_flush(out))
		abort();
	ss_ndjson_writer_free(nw);
	ss_output_abort(out);
	if ((end = lseek(capture_fd, 0, SEEK_END)) < 0 ||
	    (text = malloc((size_t)end + 1)) == NULL ||
	    pread(capture_fd, text, (size_t)end, 0) != end)
		abort();
	text[end] = '\0';
	*textlen = (size_t)end;
	return (text);
}

/* Check each exported line against the cells of ${recs}. */
static void
check_json(const char * text, size_t textlen, const struct ss_batch * schema,
    const struct ss_batch * recs)
{
	const char * line = text, * nl, * key;
	const uint8_t * cell, * name;
	size_t r = 0, i, len, namelen, keylen;
	json_error_t jerr;
	json_t * j, * v;
	void * it;
	char num[80];

	for (; line < text + textlen; line = nl + 1, r++) {
		if ((nl = memchr(line, '\n', (size_t)(text + textlen - line))) ==
		    NULL || r >= recs->nrecords)
			abort();
		if ((j = json_loadb(line, (size_t)(nl - line),
		    JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr)) == NULL) {
			fprintf(stderr, "fuzz_ndjson: exported line %zu: %s\n",
			    r + 1, jerr.text);
			abort();
		}
		if (!json_is_object(j) ||
		    json_object_size(j) != schema->nfields)
			abort();
		for (i = 0, it = json_object_iter(j); it != NULL;
		    i++, it = json_object_iter_next(j, it)) {
			key = json_object_iter_key(it);
			keylen = json_object_iter_key_len(it);
			v = json_object_iter_value(it);
			name = ss_batch_field(schema, 0, i, &namelen);
			cell = ss_batch_field(recs, r, i, &len);
			if (valid_utf8(name, namelen) && (keylen != namelen ||
			    memcmp(key, name, namelen) != 0))
				abort();
			if (json_is_string(v)) {
				if (ss_ndjson_is_number(cell, len))
					abort();
				if (valid_utf8(cell, len) &&
				    (json_string_length(v) != len ||
				    memcmp(json_string_value(v), cell, len)))
					abort();
				continue;
			}
			if (!json_is_number(v) || !ss_ndjson_is_number(cell,
			    len) || len >= sizeof(num))
				abort();
			memcpy(num, cell, len);
			num[len] = '\0';
			if (json_is_integer(v) ? json_integer_value(v) !=
			    strtoll(num, NULL, 10) : json_real_value(v) !=
			    strtod(num, NULL))
				abort();
		}
		json_decref(j);
	}
	if (r != recs->nrecords)
		abort();
}

/* The re-imported cells against the first ones. */
static void
check_again(const struct ss_batch * recs, struct outcome * o)
{
	struct ss_batch b2;
	const uint8_t * pt, * c1, * c2;
	size_t len, l1, l2, r, i;
	char n1[80], n2[80];

	if (o->r.rc != 0) {
		fprintf(stderr, "fuzz_ndjson: the export did not import: "
		    "%s\n", o->r.err);
		abort();
	}
	if (o->r.nrecords != recs->nrecords + 1)
		abort();
	if (recs->nrecords == 0)
		return;
	if (ss_batch_builder_finish(o->bb, SS_BATCH_RECORDS, &pt, &len) ||
	    ss_batch_parse(&b2, pt, len) || b2.nfields != recs->nfields)
		abort();
	for (r = 0; r < recs->nrecords; r++) {
		for (i = 0; i < recs->nfields; i++) {
			c1 = ss_batch_field(recs, r, i, &l1);
			c2 = ss_batch_field(&b2, r, i, &l2);
			if (ss_ndjson_is_number(c1, l1)) {
				if (l2 >= sizeof(n2) || l1 >= sizeof(n1))
					abort();
				memcpy(n1, c1, l1);
				n1[l1] = '\0';
				memcpy(n2, c2, l2);
				n2[l2] = '\0';
				if (strtod(n1, NULL) != strtod(n2, NULL))
					abort();
			} else if (valid_utf8(c1, l1) && (l1 != l2 ||
			    memcmp(c1, c2, l1) != 0))
				abort();
		}
	}
}

int
LLVMFuzzerInitialize(int * argc, char *** argv)
{

	fu_init(argc, argv);
	/* The exporter writes to standard output: make that a memfd. */
	if ((capture_fd = memfd_create("fuzz_ndjson", 0)) == -1 ||
	    dup2(capture_fd, STDOUT_FILENO) == -1)
		abort();
	return (0);
}

/*
 * The exporter on raw bytes: the input cut at 0x1e into the cells of one
 * record (bytes outside UTF-8 too, which no import makes).
 */
static void
export_raw(const uint8_t * data, size_t size)
{
	const uint8_t * cells[16], * names[16];
	size_t lens[16], nlens[16], n = 0, textlen;
	static const char * const colnames[16] = { "c1", "c2", "c3", "c4",
	    "c5", "c6", "c7", "c8", "c9", "c10", "c11", "c12", "c13", "c14",
	    "c15", "c16" };
	const uint8_t * p, * end = data + size;
	struct ss_batch schema, recs;
	struct outcome o;
	const uint8_t * pt;
	size_t len;
	char * text;

	for (p = data; n < 16; n++) {
		cells[n] = p;
		names[n] = (const uint8_t *)colnames[n];
		nlens[n] = strlen(colnames[n]);
		while (p < end && *p != 0x1e)
			p++;
		lens[n] = (size_t)(p - cells[n]);
		if (p == end) {
			n++;
			break;
		}
		p++;
	}
	if (p != end)
		return;
	memset(&o, 0, sizeof(o));
	if ((o.bb = ss_batch_builder_new((uint32_t)n, SIZE_MAX)) == NULL ||
	    ss_batch_builder_add(o.bb, names, nlens) ||
	    ss_batch_builder_finish(o.bb, SS_BATCH_SCHEMA, &pt, &len) ||
	    (o.schema = malloc(len)) == NULL)
		abort();
	memcpy(o.schema, pt, len);
	o.schemalen = len;
	if (ss_batch_builder_add(o.bb, cells, lens))
		abort();
	o.r.nrecords = 2;
	text = export(&o, &schema, &recs, &textlen);
	check_json(text, textlen, &schema, &recs);
	free(text);
	outcome_reset(&o);
	free(o.r.buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t * data, size_t size)
{
	struct ss_batch schema, recs;
	const char * columns;
	size_t max, textlen;
	uint64_t seed;
	int flatten;
	char * text;

	if (size == 0)
		return (0);
	flatten = data[0] & 1;
	columns = (data[0] & 2) ? COLUMNS : NULL;
	max = 1 + (data[0] >> 2);
	seed = fu_seed(data, size);
	data++;
	size--;

	export_raw(data, size);
	import(&ref, data, size, columns, flatten, SIZE_MAX, 0);
	import(&other, data, size, columns, flatten, max, seed);
	fu_records_compare("fuzz_ndjson", &ref.r, &other.r, "pieces");
	import(&other, data, size, columns, flatten, 0, 0);
	fu_records_compare("fuzz_ndjson", &ref.r, &other.r, "bytes");
	if (ref.r.rc != 0 || ref.r.nrecords == 0) {
		outcome_reset(&ref);
		outcome_reset(&other);
		return (0);
	}

	text = export(&ref, &schema, &recs, &textlen);
	check_json(text, textlen, &schema, &recs);
	/* Again, with the columns taken from the first exported object. */
	if (recs.nrecords > 0) {
		import(&again, (const uint8_t *)text, textlen, NULL, 0,
		    SIZE_MAX, 0);
		check_again(&recs, &again);
	}
	free(text);
	outcome_reset(&ref);
	outcome_reset(&other);
	outcome_reset(&again);
	return (0);
}
