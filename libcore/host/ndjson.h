#ifndef SS_NDJSON_H
#define SS_NDJSON_H

/*
 * NDJSON import and export: one flat JSON object per line, its keys the
 * columns (the PubSub-SGX publication form, {"id": "truck-abc", "lat":
 * 51.05}).
 *
 * Import is push-based, as for CSV, and passes records to the same kind of
 * callback: first the column names (as the header row of a CSV file would
 * be), then one record per object.  The columns are declared up front (a
 * field list, as for ss-map -f: "a,b,new=old", where column new takes key
 * old) or are the keys of the first object, in their order.  Each line is
 * parsed with jansson (duplicate keys refused).  Cells: a string is its
 * bytes, an integer its decimal, a real the shortest decimal that reads
 * back to the same double, true and false "true" and "false", null or a
 * missing key an empty cell.  A key that is not a column is an error
 * (nothing is dropped silently), and so is a nested object or array,
 * unless flattening is on: then {"pos": {"lat": 1}} gives column pos.lat
 * and {"a": [5, 6]} columns a.1 and a.2 (Miller's convention; an empty
 * object or array is the cell "{}" or "[]").  Blank lines are skipped, a
 * UTF-8 byte-order mark at the very start is dropped, and CRLF and LF line
 * ends are both accepted.  A line is at most SS_NDJSON_LINE_MAX bytes and
 * holds at most SS_NDJSON_VALUES_MAX values, which bounds the memory one
 * line can take.
 *
 * Export writes each record as one object, keys the columns in order; a
 * cell that is a JSON number (RFC 8259) that readers with 64-bit integers
 * and doubles take in range is written bare, any other cell as a string.
 * Strings are escaped (", \ and control characters); valid UTF-8 passes
 * through, and each byte that is not part of a valid UTF-8 sequence is
 * written as \ufffd, so that the output is always valid JSON.
 */

#include <stddef.h>
#include <stdint.h>

#include "batch.h"
#include "csv.h"
#include "io.h"

/* Longest line (its bytes, without the line end). */
#define SS_NDJSON_LINE_MAX	((size_t)SS_RECORD_MAX)
/* Most values (of any kind, at any depth) on one line. */
#define SS_NDJSON_VALUES_MAX	(4 * (size_t)SS_COLUMNS_MAX)

struct ss_ndjson_reader;

/**
 * ss_ndjson_reader_new(columns, flatten, fn, cookie):
 * Return an importer that passes the column names and then each record to
 * ${fn} with ${cookie} (see ss_csv_record_fn).  ${columns} is a field list
 * ("a,b,new=old"), or NULL to take the columns from the first object;
 * ${flatten} turns nested objects and arrays into columns.  A bad field
 * list is an SS_EXIT_SYS error.
 */
struct ss_ndjson_reader * ss_ndjson_reader_new(const char *, int,
    ss_csv_record_fn *, void *);

/**
 * ss_ndjson_reader_begin(nr):
 * With declared columns, pass the column names now, before any input, so
 * that the next stage can set up before the first record comes; else do
 * nothing.
 */
int ss_ndjson_reader_begin(struct ss_ndjson_reader *);

/**
 * ss_ndjson_reader_feed(nr, buf, len):
 * Import ${len} more bytes.  Errors are SS_EXIT_DATA and start with
 * "line N: " (bad JSON, not an object, a nested value, a key that is not
 * a column, an over-long line), or come from the callback.
 */
int ss_ndjson_reader_feed(struct ss_ndjson_reader *, const uint8_t *, size_t);

/**
 * ss_ndjson_reader_finish(nr):
 * Signal end of input: import the last line if it has no line end.  With
 * declared columns and no record, the column names are passed now.
 */
int ss_ndjson_reader_finish(struct ss_ndjson_reader *);

/**
 * ss_ndjson_reader_free(nr):
 * Free ${nr}.  NULL is allowed.
 */
void ss_ndjson_reader_free(struct ss_ndjson_reader *);

/**
 * ss_ndjson_format_real(x, buf):
 * Write the shortest decimal that strtod() reads back as ${x} (finite)
 * into ${buf} (SS_NDJSON_NUMBUF bytes), as "%.15g" .. "%.17g" would (no
 * exponent from 1e-4 to 1e15); return its length.
 */
#define SS_NDJSON_NUMBUF	32
size_t ss_ndjson_format_real(double, char *);

/**
 * ss_ndjson_is_number(s, len):
 * Is ${s} exactly a JSON number (RFC 8259 grammar) that a reader with
 * 64-bit integers and doubles takes in range: an integer from -2^63 to
 * 2^63-1, or a number with a fraction or exponent of at most 64 bytes
 * whose value is a finite double?
 */
int ss_ndjson_is_number(const uint8_t *, size_t);

struct ss_ndjson_writer;

/**
 * ss_ndjson_writer_new(out):
 * Return an exporter writing to ${out}.
 */
struct ss_ndjson_writer * ss_ndjson_writer_new(struct ss_output *);

/**
 * ss_ndjson_writer_batch(nw, b):
 * Take the column names from a schema batch ${b} (it writes nothing), or
 * write every record of a record batch, one object per line.
 */
int ss_ndjson_writer_batch(struct ss_ndjson_writer *,
    const struct ss_batch *);

/**
 * ss_ndjson_writer_flush(nw):
 * Pass buffered text to the output and flush it.
 */
int ss_ndjson_writer_flush(struct ss_ndjson_writer *);

/**
 * ss_ndjson_writer_bytes(nw):
 * The number of bytes of NDJSON produced so far.
 */
uint64_t ss_ndjson_writer_bytes(const struct ss_ndjson_writer *);

/**
 * ss_ndjson_writer_free(nw):
 * Free ${nw} (without flushing).  NULL is allowed.
 */
void ss_ndjson_writer_free(struct ss_ndjson_writer *);

#endif /* !SS_NDJSON_H */
