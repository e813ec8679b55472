#ifndef SS_BATCH_H
#define SS_BATCH_H

/*
 * Typed chunk plaintext (see ss-format(5)).  Every chunk holds a table of
 * nrecords x nfields byte strings:
 *
 *	type[1]		SS_BATCH_SCHEMA (column names, 1 record) or
 *			SS_BATCH_RECORDS
 *	width[1]	bytes per offset: 2 or 4
 *	reserved[2]	zero
 *	nrecords[4], nfields[4]	(big-endian)
 *	offsets[(nrecords * nfields + 1) * width]	(big-endian)
 *	data[]
 *
 * Field i of record j is data[off[j * nfields + i] .. off[j * nfields + i + 1]);
 * offsets start at 0, never decrease, and the last equals the data length.
 * A stream's first chunk is its schema; every later chunk is a record batch
 * with the schema's field count.
 */

#include <stddef.h>
#include <stdint.h>

#define SS_BATCH_SCHEMA		1
#define SS_BATCH_RECORDS	2
#define SS_BATCH_HEADER_LEN	12
/* Most field bytes in one record, and most columns in a stream. */
#define SS_RECORD_MAX		(16U * 1024 * 1024)
#define SS_COLUMNS_MAX		65536U
/* Default target size of a chunk's plaintext. */
#define SS_CHUNK_TARGET		65536U

/* A parsed, validated chunk; it points into the chunk's plaintext. */
struct ss_batch {
	uint8_t type;
	uint8_t width;
	uint32_t nrecords;
	uint32_t nfields;
	const uint8_t * offsets;
	const uint8_t * data;
	size_t datalen;
};

/**
 * ss_batch_parse(b, pt, len):
 * Parse and validate the chunk plaintext ${pt}; errors are SS_EXIT_DATA.
 */
int ss_batch_parse(struct ss_batch *, const uint8_t *, size_t);

/**
 * ss_batch_parse_chunk(b, pt, len, chunk, ncolumns):
 * Parse chunk number ${chunk} (from 1) of a record stream and check its
 * place: the first chunk is the schema (its width is stored in
 * ${ncolumns}), every later one a batch of ${ncolumns}-field records.
 * Errors are SS_EXIT_DATA and name the chunk.
 */
int ss_batch_parse_chunk(struct ss_batch *, const uint8_t *, size_t,
    uint64_t, uint32_t *);

/* Offset number ${k} of ${b}. */
static inline size_t
ss_batch_offset(const struct ss_batch * b, size_t k)
{
	const uint8_t * p;

	if (b->width == 2) {
		p = b->offsets + 2 * k;
		return ((size_t)p[0] << 8 | p[1]);
	}
	p = b->offsets + 4 * k;
	return ((size_t)p[0] << 24 | (size_t)p[1] << 16 | (size_t)p[2] << 8 |
	    p[3]);
}

/**
 * ss_batch_field(b, rec, col, len):
 * Return field ${col} of record ${rec} and store its length in ${len}.
 * Constant time: no scanning.
 */
static inline const uint8_t *
ss_batch_field(const struct ss_batch * b, size_t rec, size_t col,
    size_t * len)
{
	size_t k = rec * b->nfields + col;
	size_t start = ss_batch_offset(b, k);

	*len = ss_batch_offset(b, k + 1) - start;
	return (b->data + start);
}

/* Builds one chunk's plaintext, a record at a time. */
struct ss_batch_builder;

/**
 * ss_batch_builder_new(nfields, target):
 * Return a builder for batches of ${nfields}-field records whose
 * plaintext should stay within ${target} bytes.
 */
struct ss_batch_builder * ss_batch_builder_new(uint32_t, size_t);

/**
 * ss_batch_builder_fits(bb, reclen):
 * Return nonzero if a record with ${reclen} bytes of field data can join
 * the current batch without passing the target size.  An empty batch
 * takes any record.
 */
int ss_batch_builder_fits(const struct ss_batch_builder *, size_t);

/**
 * ss_batch_builder_add(bb, fields, lens):
 * Append a record of nfields fields.  The record's field data must be at
 * most SS_RECORD_MAX bytes.
 */
int ss_batch_builder_add(struct ss_batch_builder *, const uint8_t * const *,
    const size_t *);

/**
 * ss_batch_builder_nrecords(bb):
 * The number of records in the current batch.
 */
uint32_t ss_batch_builder_nrecords(const struct ss_batch_builder *);

/**
 * ss_batch_builder_finish(bb, type, pt, len):
 * Lay out the current batch as a chunk of type ${type}, store a pointer
 * to it (valid until the next call on ${bb}) in ${pt}, ${len}, and start
 * a new, empty batch.
 */
int ss_batch_builder_finish(struct ss_batch_builder *, uint8_t,
    const uint8_t **, size_t *);

/**
 * ss_batch_builder_free(bb):
 * Free ${bb}.  NULL is allowed.
 */
void ss_batch_builder_free(struct ss_batch_builder *);

#endif /* !SS_BATCH_H */
