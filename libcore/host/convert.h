#ifndef SS_CONVERT_H
#define SS_CONVERT_H

/*
 * The owner's and consumer's conversions: CSV or NDJSON to an encrypted
 * stream (ss-encrypt) and back (ss-decrypt), and the stream summary
 * (ss-info).
 * Each runs to completion, commits its output only on success, and
 * returns 0, or -1 with an ss_err recorded.
 */

#include <stddef.h>
#include <stdint.h>

#include "key.h"

/* Plaintext formats (--format). */
#define SS_FORMAT_CSV		0
#define SS_FORMAT_NDJSON	1	/* see ndjson.h */

struct ss_encrypt_opts {
	const char * input;		/* NULL or "-": stdin */
	const char * output;		/* NULL: stdout, "-": stdout forced */
	const struct ss_recipients * recipients;
	uint8_t delim;
	int header;			/* first row names the columns */
	size_t chunk_size;		/* target plaintext bytes per chunk */
	int flush_ms;			/* seal a partial chunk after a pause */
	int stats, progress;
	int format;			/* SS_FORMAT_* */
	const char * columns;		/* NDJSON: field list, or NULL */
	int flatten;			/* NDJSON: flatten nested values */
	/*
	 * Tests only (the ss-format(5) vector): a fixed file key, salt and
	 * ephemeral secret keys, as for ss_stream_writer_new_fixed().  NULL
	 * in normal use: fresh random values.
	 */
	const uint8_t * fixed_file_key;
	const uint8_t * fixed_salt;
	const uint8_t * fixed_eph;
};

/**
 * ss_convert_encrypt(opts):
 * Read CSV (or NDJSON) and write it as an encrypted stream.
 */
int ss_convert_encrypt(const struct ss_encrypt_opts *);

struct ss_decrypt_opts {
	const char * input;
	const char * output;
	const struct ss_identities * identities;
	uint8_t delim;
	int crlf;
	int stats, progress;
	int format;			/* SS_FORMAT_* */
};

/**
 * ss_convert_decrypt(opts):
 * Read an encrypted stream, authenticating every chunk before writing any
 * of it, and write CSV with a header row (or NDJSON, one object per
 * record).
 */
int ss_convert_decrypt(const struct ss_decrypt_opts *);

struct ss_info_opts {
	const char * input;
	const struct ss_identities * identities;	/* NULL: framing only */
	int stats, progress;
};

/**
 * ss_convert_info(opts):
 * Print a summary of the stream on stdout.  Without identities, only the
 * framing is read; with them, every chunk is authenticated and the
 * columns and records are counted too.
 */
int ss_convert_info(const struct ss_info_opts *);

#endif /* !SS_CONVERT_H */
