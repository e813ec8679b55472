#ifndef SS_CSV_H
#define SS_CSV_H

/*
 * RFC 4180 CSV import and export.
 *
 * Import is push-based: feed bytes as they arrive, get a callback per
 * complete record with its fields (the exact bytes of each field, quotes
 * removed and doubled quotes undone) and the line it starts on.  libcsv, in
 * strict mode and with space trimming off, parses every line that holds a
 * quote or a bare CR; a line with neither is split on the delimiter
 * directly, which gives the same fields (tests/fuzz checks this) several
 * times faster.  Blank lines are skipped, a UTF-8 byte-order mark at the
 * very start is dropped, and CRLF and LF line ends are both accepted.
 *
 * Export quotes a field only if it holds the delimiter, a quote, CR or LF,
 * or if it is the only field of its record and empty (so that the record
 * is not a blank line).
 */

#include <stddef.h>
#include <stdint.h>

#include "batch.h"
#include "io.h"

/*
 * Called for each record: ${nfields} fields, the i-th ${lens[i]} bytes at
 * ${fields[i]} (valid only during the call), starting on line ${line}.
 * Return 0, or -1 with an ss_err recorded to stop the import.
 */
typedef int ss_csv_record_fn(void *, const uint8_t * const *, const size_t *,
    size_t, uint64_t);

struct ss_csv_reader;

/**
 * ss_csv_reader_new(delim, fn, cookie):
 * Return an importer for CSV separated by ${delim} that passes each record
 * to ${fn} with ${cookie}.
 */
struct ss_csv_reader * ss_csv_reader_new(uint8_t, ss_csv_record_fn *,
    void *);

/**
 * ss_csv_reader_set_fast(cr, on):
 * Enable (the default) or disable the quote-free fast path; for tests.
 */
void ss_csv_reader_set_fast(struct ss_csv_reader *, int);

/**
 * ss_csv_reader_feed(cr, buf, len):
 * Import ${len} more bytes.  Errors are SS_EXIT_DATA and start with
 * "line N: " (malformed quoting, an over-long record), or come from the
 * callback.
 */
int ss_csv_reader_feed(struct ss_csv_reader *, const uint8_t *, size_t);

/**
 * ss_csv_reader_finish(cr):
 * Signal end of input: import the last line, and refuse an unterminated
 * quoted field.
 */
int ss_csv_reader_finish(struct ss_csv_reader *);

/**
 * ss_csv_reader_free(cr):
 * Free ${cr}.  NULL is allowed.
 */
void ss_csv_reader_free(struct ss_csv_reader *);

struct ss_csv_writer;

/**
 * ss_csv_writer_new(out, delim, crlf):
 * Return an exporter writing to ${out}, separating fields with ${delim}
 * and ending records with CRLF if ${crlf}, else LF.
 */
struct ss_csv_writer * ss_csv_writer_new(struct ss_output *, uint8_t, int);

/**
 * ss_csv_writer_record(cw, fields, lens, nfields):
 * Write one record.
 */
int ss_csv_writer_record(struct ss_csv_writer *, const uint8_t * const *,
    const size_t *, size_t);

/**
 * ss_csv_writer_batch(cw, b):
 * Write every record of the batch ${b}.
 */
int ss_csv_writer_batch(struct ss_csv_writer *, const struct ss_batch *);

/**
 * ss_csv_writer_flush(cw):
 * Pass buffered text to the output and flush it.
 */
int ss_csv_writer_flush(struct ss_csv_writer *);

/**
 * ss_csv_writer_bytes(cw):
 * The number of bytes of CSV produced so far.
 */
uint64_t ss_csv_writer_bytes(const struct ss_csv_writer *);

/**
 * ss_csv_writer_free(cw):
 * Free ${cw} (without flushing).  NULL is allowed.
 */
void ss_csv_writer_free(struct ss_csv_writer *);

#endif /* !SS_CSV_H */
