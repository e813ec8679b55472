#ifndef SS_STREAM_H
#define SS_STREAM_H

/*
 * Encrypted streams over ss_input and ss_output: the STREAM construction of
 * frame.h, one chunk at a time.  A reader returns a chunk's plaintext only
 * after authenticating it, and reports truncation, reordering, tampering
 * and trailing data as SS_EXIT_DATA errors naming the chunk (chunks are
 * counted from 1 in messages).
 */

#include <stddef.h>
#include <stdint.h>

#include "frame.h"
#include "io.h"
#include "key.h"

struct ss_stream_writer;

/**
 * ss_stream_writer_new(out, r):
 * Start a stream to recipients ${r} on ${out}: make a random file key and
 * salt, and write the header.
 */
struct ss_stream_writer * ss_stream_writer_new(struct ss_output *,
    const struct ss_recipients *);

/**
 * ss_stream_writer_new_fixed(out, r, file_key, salt, eph):
 * As ss_stream_writer_new(), with the given file key, salt and ephemeral
 * secret keys (r->n of them): for test vectors only.
 */
struct ss_stream_writer * ss_stream_writer_new_fixed(struct ss_output *,
    const struct ss_recipients *, const uint8_t *, const uint8_t *,
    const uint8_t *);

/**
 * ss_stream_writer_chunk(w, pt, len, final):
 * Seal ${len} (at most SS_CHUNK_MAX) bytes of plaintext as the next chunk
 * and write it.  After a chunk with ${final} set, no more may be written.
 */
int ss_stream_writer_chunk(struct ss_stream_writer *, const uint8_t *,
    size_t, int);

/**
 * ss_stream_writer_bytes(w):
 * The number of stream bytes written so far.
 */
uint64_t ss_stream_writer_bytes(const struct ss_stream_writer *);

/**
 * ss_stream_writer_free(w):
 * Wipe and free ${w}.  NULL is allowed.
 */
void ss_stream_writer_free(struct ss_stream_writer *);

struct ss_stream_reader;

/**
 * ss_stream_reader_new(in, ids):
 * Read and check the header of the stream on ${in} and unwrap its file key
 * with one of ${ids}.  If ${ids} is NULL, the reader only walks the frames
 * without decrypting (ss-info without a key).
 */
struct ss_stream_reader * ss_stream_reader_new(struct ss_input *,
    const struct ss_identities *);

/**
 * ss_stream_reader_next(r, pt, len):
 * Read the next chunk.  Return 1 with its authenticated plaintext in
 * ${pt}, ${len} (valid until the next call; ${pt} is NULL when walking
 * without a key), 0 once the final chunk has been returned and nothing
 * follows it, or -1 on error.
 */
int ss_stream_reader_next(struct ss_stream_reader *, const uint8_t **,
    size_t *);

/**
 * ss_stream_reader_header(r, len):
 * The header bytes as read (not decrypted: for passing on to an enclave).
 */
const uint8_t * ss_stream_reader_header(const struct ss_stream_reader *,
    size_t *);

/**
 * ss_stream_reader_raw(r, len):
 * When walking without a key: the wire bytes (prefix, ciphertext, tag) of
 * the chunk ss_stream_reader_next() just returned, valid until the next
 * call.  ${len} is 0 when the reader decrypts.
 */
const uint8_t * ss_stream_reader_raw(const struct ss_stream_reader *,
    size_t *);

/**
 * ss_stream_reader_nrecipients(r), ss_stream_reader_nchunks(r),
 * ss_stream_reader_bytes(r):
 * Recipients in the header, chunks read so far, stream bytes read so far.
 */
size_t ss_stream_reader_nrecipients(const struct ss_stream_reader *);
uint64_t ss_stream_reader_nchunks(const struct ss_stream_reader *);
uint64_t ss_stream_reader_bytes(const struct ss_stream_reader *);

/**
 * ss_stream_reader_free(r):
 * Wipe and free ${r}.  NULL is allowed.
 */
void ss_stream_reader_free(struct ss_stream_reader *);

#endif /* !SS_STREAM_H */
