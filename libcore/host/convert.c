#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "cli.h"
#include "convert.h"
#include "csv.h"
#include "err.h"
#include "io.h"
#include "ndjson.h"
#include "stream.h"

#define READ_BUFSIZE	(256 * 1024)

/* State of one ss-encrypt run, shared with the CSV record callback. */
struct encrypt_state {
	const struct ss_encrypt_opts * opts;
	struct ss_output * out;
	struct ss_stream_writer * w;
	struct ss_batch_builder * bb;	/* record batches */
	uint32_t ncolumns;
	int have_schema;
	int live;		/* input is not a regular file: flush often */
	struct ss_stats st;
	struct ss_csv_reader * cr;	/* the importer: CSV, */
	struct ss_ndjson_reader * nr;	/* or NDJSON */
};

/* Seal the records collected so far as the next chunk. */
static int
seal_batch(struct encrypt_state * es, int final)
{
	const uint8_t * pt;
	size_t len;

	if (ss_batch_builder_finish(es->bb, SS_BATCH_RECORDS, &pt, &len))
		return (-1);
	if (ss_stream_writer_chunk(es->w, pt, len, final))
		return (-1);
	if (es->live && !final && ss_output_flush(es->out))
		return (-1);
	es->st.stream_bytes = ss_stream_writer_bytes(es->w);
	ss_stats_tick(&es->st);
	return (0);
}

/* Write the schema chunk naming ${n} columns, and set up record batches. */
static int
write_schema(struct encrypt_state * es, const uint8_t * const * names,
    const size_t * lens, size_t n)
{
	struct ss_batch_builder * sb;
	const uint8_t * pt;
	size_t len;
	int rc = -1;

	if ((sb = ss_batch_builder_new((uint32_t)n, SIZE_MAX)) == NULL)
		return (-1);
	if (n > 0 && ss_batch_builder_add(sb, names, lens))
		goto done;
	if (ss_batch_builder_finish(sb, SS_BATCH_SCHEMA, &pt, &len))
		goto done;
	/* Send the schema at once: the next stage can set up. */
	if (ss_stream_writer_chunk(es->w, pt, len, 0) ||
	    ss_output_flush(es->out))
		goto done;
	if ((es->bb = ss_batch_builder_new((uint32_t)n,
	    es->opts->chunk_size)) == NULL)
		goto done;
	es->ncolumns = (uint32_t)n;
	es->have_schema = 1;
	rc = 0;
done:
	ss_batch_builder_free(sb);
	return (rc);
}

/* Schema for --no-header: c1 .. cN. */
static int
write_generated_schema(struct encrypt_state * es, size_t n)
{
	const uint8_t ** names;
	size_t * lens;
	char * text;
	size_t i, pos = 0;
	int rc = -1;

	names = calloc(n, sizeof(*names));
	lens = calloc(n, sizeof(*lens));
	text = malloc(n * 8);	/* "c65536" and a NUL at most */
	if (names == NULL || lens == NULL || text == NULL) {
		ss_err_errno("malloc");
		goto done;
	}
	for (i = 0; i < n; i++) {
		lens[i] = (size_t)snprintf(text + pos, 8, "c%zu", i + 1);
		names[i] = (const uint8_t *)text + pos;
		pos += lens[i];
	}
	rc = write_schema(es, names, lens, n);
done:
	free(names);
	free(lens);
	free(text);
	return (rc);
}

static int
on_record(void * cookie, const uint8_t * const * fields, const size_t * lens,
    size_t nfields, uint64_t line)
{
	struct encrypt_state * es = cookie;
	size_t reclen = 0;
	size_t i;

	if (!es->have_schema) {
		/* (NDJSON passes its column names first, as a header.) */
		if (es->opts->header || es->nr != NULL)
			return (write_schema(es, fields, lens, nfields));
		if (write_generated_schema(es, nfields))
			return (-1);
	}
	if (nfields != es->ncolumns) {
		ss_err_set(SS_EXIT_DATA, "line %" PRIu64 ": %zu fields, "
		    "expected %" PRIu32, line, nfields, es->ncolumns);
		return (-1);
	}
	for (i = 0; i < nfields; i++)
		reclen += lens[i];
	if (!ss_batch_builder_fits(es->bb, reclen) && seal_batch(es, 0))
		return (-1);
	if (ss_batch_builder_add(es->bb, fields, lens)) {
		ss_err_prefix("line %" PRIu64, line);
		return (-1);
	}
	es->st.records++;
	return (0);
}

/* Start the importer --format chose; both pass records to on_record(). */
static int
import_new(struct encrypt_state * es)
{
	const struct ss_encrypt_opts * opts = es->opts;

	if (opts->format == SS_FORMAT_NDJSON)
		es->nr = ss_ndjson_reader_new(opts->columns, opts->flatten,
		    on_record, es);
	else
		es->cr = ss_csv_reader_new(opts->delim, on_record, es);
	return ((es->cr != NULL || es->nr != NULL) ? 0 : -1);
}

static int
import_feed(struct encrypt_state * es, const uint8_t * buf, size_t len)
{

	if (es->nr != NULL)
		return (ss_ndjson_reader_feed(es->nr, buf, len));
	return (ss_csv_reader_feed(es->cr, buf, len));
}

static int
import_finish(struct encrypt_state * es)
{

	if (es->nr != NULL)
		return (ss_ndjson_reader_finish(es->nr));
	return (ss_csv_reader_finish(es->cr));
}

int
ss_convert_encrypt(const struct ss_encrypt_opts * opts)
{
	struct encrypt_state es;
	struct ss_input * in = NULL;
	uint8_t * buf = NULL;
	ssize_t n;
	int timeout;
	int rc = -1;

	memset(&es, 0, sizeof(es));
	es.opts = opts;
	ss_stats_start(&es.st, opts->stats, opts->progress);
	if (opts->format == SS_FORMAT_NDJSON)
		es.st.plain = "NDJSON";
	if ((buf = malloc(READ_BUFSIZE)) == NULL) {
		ss_err_errno("malloc");
		goto done;
	}
	if (import_new(&es))
		goto done;
	if ((in = ss_input_open(opts->input)) == NULL)
		goto done;
	es.live = !in->is_regular;
	if ((es.out = ss_output_open(opts->output, SS_OUTPUT_BINARY)) == NULL)
		goto done;
	if ((es.w = ss_stream_writer_new_fixed(es.out, opts->recipients,
	    opts->fixed_file_key, opts->fixed_salt, opts->fixed_eph)) == NULL)
		goto outerr;
	/* Declared NDJSON columns: the schema goes out before any input. */
	if (es.nr != NULL && ss_ndjson_reader_begin(es.nr))
		goto outerr;

	for (;;) {
		timeout = (es.live && opts->flush_ms > 0 && es.bb != NULL &&
		    ss_batch_builder_nrecords(es.bb) > 0) ? opts->flush_ms : -1;
		n = ss_input_read(in, buf, READ_BUFSIZE, timeout);
		if (n == SS_INPUT_TIMEOUT) {
			/* A live source paused: pass on what we have. */
			if (seal_batch(&es, 0))
				goto outerr;
			continue;
		}
		if (n == -1)
			goto done;
		if (n == 0)
			break;
		es.st.csv_bytes += (uint64_t)n;
		if (import_feed(&es, buf, (size_t)n))
			goto inerr;
	}
	if (import_finish(&es))
		goto inerr;

	/* Empty input: a stream with no columns and no records. */
	if (!es.have_schema) {
		if (write_schema(&es, NULL, NULL, 0))
			goto outerr;
	}
	if (seal_batch(&es, 1))
		goto outerr;
	es.st.stream_bytes = ss_stream_writer_bytes(es.w);
	rc = ss_output_commit(es.out);
	es.out = NULL;
	if (rc == 0)
		ss_stats_finish(&es.st);
	goto done;

inerr:
	/* Name the input in data errors; system errors name their file. */
	if (in->owned && ss_err_status() == SS_EXIT_DATA)
		ss_err_prefix("%s", in->name);
	goto done;
outerr:
	/* Output errors already name the output. */
done:
	if (rc != 0)
		ss_stats_abort(&es.st);
	ss_output_abort(es.out);
	ss_stream_writer_free(es.w);
	ss_batch_builder_free(es.bb);
	ss_csv_reader_free(es.cr);
	ss_ndjson_reader_free(es.nr);
	ss_input_close(in);
	free(buf);
	return (rc);
}

/*
 * Read the next chunk of a record stream and check its place.  Return 1
 * with the batch in ${b}, 0 at the end, -1 on error.
 */
static int
next_batch(struct ss_stream_reader * r, struct ss_batch * b,
    uint32_t * ncolumns)
{
	const uint8_t * pt;
	size_t len;
	int rc;

	if ((rc = ss_stream_reader_next(r, &pt, &len)) != 1)
		return (rc);
	if (ss_batch_parse_chunk(b, pt, len, ss_stream_reader_nchunks(r),
	    ncolumns))
		return (-1);
	return (1);
}

/* The exporter --format chose: CSV or NDJSON. */
struct exporter {
	struct ss_csv_writer * cw;
	struct ss_ndjson_writer * nw;
};

static int
export_new(struct exporter * ex, struct ss_output * out,
    const struct ss_decrypt_opts * opts)
{

	if (opts->format == SS_FORMAT_NDJSON)
		ex->nw = ss_ndjson_writer_new(out);
	else
		ex->cw = ss_csv_writer_new(out, opts->delim, opts->crlf);
	return ((ex->cw != NULL || ex->nw != NULL) ? 0 : -1);
}

static int
export_batch(struct exporter * ex, const struct ss_batch * b)
{

	if (ex->nw != NULL)
		return (ss_ndjson_writer_batch(ex->nw, b));
	return (ss_csv_writer_batch(ex->cw, b));
}

static int
export_flush(struct exporter * ex)
{

	if (ex->nw != NULL)
		return (ss_ndjson_writer_flush(ex->nw));
	return (ss_csv_writer_flush(ex->cw));
}

static uint64_t
export_bytes(const struct exporter * ex)
{

	if (ex->nw != NULL)
		return (ss_ndjson_writer_bytes(ex->nw));
	return (ss_csv_writer_bytes(ex->cw));
}

int
ss_convert_decrypt(const struct ss_decrypt_opts * opts)
{
	struct ss_input * in = NULL;
	struct ss_output * out = NULL;
	struct ss_stream_reader * r = NULL;
	struct exporter ex = { NULL, NULL };
	struct ss_batch b;
	struct ss_stats st;
	uint32_t ncolumns = 0;
	int more;
	int rc = -1;

	ss_stats_start(&st, opts->stats, opts->progress);
	if (opts->format == SS_FORMAT_NDJSON)
		st.plain = "NDJSON";
	if ((in = ss_input_open(opts->input)) == NULL)
		return (-1);
	if ((r = ss_stream_reader_new(in, opts->identities)) == NULL)
		goto inerr;
	if ((out = ss_output_open(opts->output, 0)) == NULL)
		goto done;
	if (export_new(&ex, out, opts))
		goto done;

	while ((more = next_batch(r, &b, &ncolumns)) == 1) {
		/* The header row is the schema's one record. */
		if (export_batch(&ex, &b))
			goto done;
		if (b.type == SS_BATCH_RECORDS)
			st.records += b.nrecords;
		/* Live streams: let each chunk through at once. */
		if (!in->is_regular && export_flush(&ex))
			goto done;
		st.stream_bytes = ss_stream_reader_bytes(r);
		st.csv_bytes = export_bytes(&ex);
		ss_stats_tick(&st);
	}
	if (more == -1)
		goto inerr;
	if (export_flush(&ex))
		goto done;
	st.csv_bytes = export_bytes(&ex);
	rc = ss_output_commit(out);
	out = NULL;
	if (rc == 0)
		ss_stats_finish(&st);
	goto done;

inerr:
	/* Name the input in data errors; system errors name their file. */
	if (in->owned && ss_err_status() == SS_EXIT_DATA)
		ss_err_prefix("%s", in->name);
done:
	if (rc != 0)
		ss_stats_abort(&st);
	ss_output_abort(out);
	ss_csv_writer_free(ex.cw);
	ss_ndjson_writer_free(ex.nw);
	ss_stream_reader_free(r);
	ss_input_close(in);
	return (rc);
}

/* Print the column names of the schema ${b} as one CSV line. */
static int
print_names(const struct ss_batch * b)
{
	struct ss_output * out;
	struct ss_csv_writer * cw;
	int rc = -1;

	if (fflush(stdout) == EOF) {
		ss_err_errno("stdout");
		return (-1);
	}
	if ((out = ss_output_open("-", 0)) == NULL)
		return (-1);
	if ((cw = ss_csv_writer_new(out, ',', 0)) != NULL &&
	    ss_csv_writer_batch(cw, b) == 0 && ss_csv_writer_flush(cw) == 0)
		rc = 0;
	ss_csv_writer_free(cw);
	ss_output_abort(out);
	return (rc);
}

int
ss_convert_info(const struct ss_info_opts * opts)
{
	const struct ss_identities * ids = opts->identities;
	struct ss_stats st;
	struct ss_input * in;
	struct ss_stream_reader * r = NULL;
	struct ss_batch b;
	const uint8_t * pt;
	size_t len;
	uint64_t records = 0, fieldbytes = 0;
	uint32_t ncolumns = 0;
	int more;
	int rc = -1;

	ss_stats_start(&st, opts->stats, opts->progress);
	if ((in = ss_input_open(opts->input)) == NULL)
		return (-1);
	if ((r = ss_stream_reader_new(in, ids)) == NULL)
		goto err;
	printf("format: securestreams %d\n", SS_FORMAT_VERSION);
	printf("cipher: X25519, HKDF-SHA-256, AES-256-GCM STREAM\n");
	printf("recipients: %zu\n", ss_stream_reader_nrecipients(r));

	if (ids == NULL) {
		while ((more = ss_stream_reader_next(r, &pt, &len)) == 1) {
			st.stream_bytes = ss_stream_reader_bytes(r);
			ss_stats_tick(&st);
		}
	} else {
		while ((more = next_batch(r, &b, &ncolumns)) == 1) {
			st.stream_bytes = ss_stream_reader_bytes(r);
			ss_stats_tick(&st);
			if (b.type == SS_BATCH_SCHEMA) {
				printf("columns: %" PRIu32 "\n", ncolumns);
				if (ncolumns > 0) {
					printf("names: ");
					if (print_names(&b))
						goto err;
				}
				continue;
			}
			records += b.nrecords;
			fieldbytes += b.datalen;
			st.records = records;
		}
	}
	if (more == -1)
		goto err;
	printf("chunks: %" PRIu64 "\n", ss_stream_reader_nchunks(r));
	printf("bytes: %" PRIu64 "\n", ss_stream_reader_bytes(r));
	if (ids != NULL) {
		printf("records: %" PRIu64 "\n", records);
		printf("field bytes: %" PRIu64 "\n", fieldbytes);
		printf("integrity: verified\n");
	} else
		printf("integrity: not checked (give -i IDENTITY)\n");
	if (ss_stdout_flush())
		goto done;
	rc = 0;
	ss_stats_finish(&st);
	goto done;
err:
	/* Name the input in data errors; system errors name their file. */
	if (in->owned && ss_err_status() == SS_EXIT_DATA)
		ss_err_prefix("%s", in->name);
done:
	if (rc != 0)
		ss_stats_abort(&st);
	ss_stream_reader_free(r);
	ss_input_close(in);
	return (rc);
}
