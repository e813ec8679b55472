#ifndef SS_FUZZ_UTIL_H
#define SS_FUZZ_UTIL_H

/*
 * Helpers shared by the libFuzzer harnesses (tests/fuzz/run builds each
 * from its one .c file and the libraries): start-up, fixed record
 * batches, recording an importer's records to compare feeds, scratch
 * files and fixed keys, and the in-process enclave's INIT request.
 * Everything is static inline, so that a harness compiles only what it
 * uses; every failure aborts, which the fuzzer reports.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "batch.h"
#include "ecall.h"
#include "ecall_msg.h"
#include "err.h"
#include "frame.h"
#include "grow.h"
#include "key.h"
#include "keyfile.h"
#include "program.h"

/* libFuzzer's entry points (a harness defines one or both). */
int LLVMFuzzerInitialize(int *, char ***);
int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* The start of LLVMFuzzerInitialize(): libsodium, no use of the arguments. */
static inline void
fu_init(int * argc, char *** argv)
{

	(void)argc;
	(void)argv;
	if (sodium_init() < 0)
		abort();
}

/* A seed for pseudo-random choices, drawn from the input (FNV-1a); odd. */
static inline uint64_t
fu_seed(const uint8_t * data, size_t size)
{
	uint64_t seed = 14695981039346656037ULL;
	size_t i;

	for (i = 0; i < size; i++)
		seed = (seed ^ data[i]) * 1099511628211ULL;
	return (seed | 1);
}

/*
 * The size of the next piece of an input fed in pieces, at most ${left}:
 * the whole (${max} SIZE_MAX), a byte (${max} 0), or from ${*seed} up to
 * ${max}, empty pieces too.
 */
static inline size_t
fu_piece(uint64_t * seed, size_t max, size_t left)
{
	size_t n;

	if (max == SIZE_MAX)
		n = left;
	else if (max == 0)
		n = 1;
	else {
		*seed ^= *seed << 13;
		*seed ^= *seed >> 7;
		*seed ^= *seed << 17;
		n = (size_t)(*seed % (max + 1));
	}
	return (n > left ? left : n);
}

/* What one import produced, serialised for comparison. */
struct fu_records {
	int rc;
	char err[1100];
	uint8_t * buf;		/* line, n, then n times len, bytes */
	size_t len, cap;
	size_t nrecords;	/* records added */
};

/* Append ${len} bytes of ${p} to ${o}'s serialisation. */
static inline void
fu_records_put(struct fu_records * o, const void * p, size_t len)
{

	if (ss_grow(&o->buf, &o->cap, o->len + len, 1))
		abort();
	if (len > 0)
		memcpy(o->buf + o->len, p, len);
	o->len += len;
}

/* Add the record of line ${line}, ${n} fields, to ${o}. */
static inline void
fu_records_add(struct fu_records * o, const uint8_t * const * fields,
    const size_t * lens, size_t n, uint64_t line)
{
	uint64_t v;
	size_t i;

	fu_records_put(o, &line, sizeof(line));
	v = n;
	fu_records_put(o, &v, sizeof(v));
	for (i = 0; i < n; i++) {
		v = lens[i];
		fu_records_put(o, &v, sizeof(v));
		fu_records_put(o, fields[i], lens[i]);
	}
	o->nrecords++;
}

/* Empty ${o} for the next import (its buffer is kept). */
static inline void
fu_records_clear(struct fu_records * o)
{

	o->rc = 0;
	o->len = 0;
	o->nrecords = 0;
	o->err[0] = '\0';
}

/*
 * Abort unless the import ${o} ended as ${ref} did (status and message)
 * with the same records; ${what} names ${o} on stderr.
 */
static inline void
fu_records_compare(const char * harness, const struct fu_records * ref,
    const struct fu_records * o, const char * what)
{

	if (ref->rc != o->rc || strcmp(ref->err, o->err) != 0) {
		fprintf(stderr, "%s: %s: outcome differs: %d '%s' vs "
		    "%d '%s'\n", harness, what, ref->rc, ref->err, o->rc,
		    o->err);
		abort();
	}
	if (ref->nrecords != o->nrecords || ref->len != o->len ||
	    (ref->len > 0 && memcmp(ref->buf, o->buf, ref->len) != 0)) {
		fprintf(stderr, "%s: %s: records differ (%zu vs %zu)\n",
		    harness, what, ref->nrecords, o->nrecords);
		abort();
	}
}

/* Column names ${names} and ${lens} for the ${n} strings ${text}. */
static inline void
fu_names(const uint8_t ** names, size_t * lens, const char * const * text,
    size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		names[i] = (const uint8_t *)text[i];
		lens[i] = strlen(text[i]);
	}
}

/*
 * Parse into ${b} a record batch of ${nrecs} records of ${ncols} cells,
 * record i's from cells[i * stride] on.  The batch outlives the builder:
 * its bytes are a copy that lives as long as the process.
 */
static inline void
fu_batch(struct ss_batch * b, const char * const * cells, size_t nrecs,
    size_t ncols, size_t stride)
{
	struct ss_batch_builder * bb;
	const uint8_t ** f;
	const uint8_t * pt;
	uint8_t * copy;
	size_t * fl, len, i;

	if ((bb = ss_batch_builder_new((uint32_t)ncols,
	    SS_CHUNK_TARGET)) == NULL ||
	    (f = calloc(ncols, sizeof(*f))) == NULL ||
	    (fl = calloc(ncols, sizeof(*fl))) == NULL)
		abort();
	for (i = 0; i < nrecs; i++) {
		fu_names(f, fl, cells + i * stride, ncols);
		if (ss_batch_builder_add(bb, f, fl))
			abort();
	}
	if (ss_batch_builder_finish(bb, SS_BATCH_RECORDS, &pt, &len) ||
	    (copy = malloc(len)) == NULL)
		abort();
	memcpy(copy, pt, len);
	if (ss_batch_parse(b, copy, len))
		abort();
	ss_batch_builder_free(bb);
	free(f);
	free(fl);
}

/*
 * A template for a scratch file or directory ${name}.XXXXXX in $TMPDIR
 * (or /tmp), for mkstemp() or mkdtemp(), in ${path} of ${size} bytes.
 */
static inline void
fu_tmp_path(char * path, size_t size, const char * name)
{
	const char * tmp = getenv("TMPDIR");

	snprintf(path, size, "%s/%s.XXXXXX",
	    (tmp != NULL && tmp[0] != '\0') ? tmp : "/tmp", name);
}

/* Make a private scratch directory ${name}.XXXXXX in $TMPDIR (or /tmp). */
static inline void
fu_mkdtemp(char * dir, size_t size, const char * name)
{

	fu_tmp_path(dir, size, name);
	if (mkdtemp(dir) == NULL) {
		perror(dir);
		abort();
	}
}

/* Write ${text} to a new file ${path}. */
static inline void
fu_write_file(const char * path, const char * text)
{
	FILE * f;

	if ((f = fopen(path, "w")) == NULL || fputs(text, f) == EOF ||
	    fclose(f) != 0) {
		perror(path);
		abort();
	}
}

/* A fixed secret key: the bytes ${first} + i. */
static inline void
fu_fixed_key(uint8_t sk[SS_KEY_LEN], unsigned int first)
{
	size_t i;

	for (i = 0; i < SS_KEY_LEN; i++)
		sk[i] = (uint8_t)(first + i);
}

/*
 * The key of the stages' output recipient, the consumer (bytes 0x20 + i):
 * its public key as text in ${pub} and, unless NULL, its secret and
 * public keys in ${sk} and ${pk}.
 */
static inline void
fu_consumer_key(char pub[SS_PUBKEY_TEXT_LEN + 1], uint8_t * sk, uint8_t * pk)
{
	uint8_t k[SS_KEY_LEN], p[SS_KEY_LEN];

	fu_fixed_key(k, 0x20);
	if (ss_key_public_of(p, k) != 0 || ss_key_public_encode(pub, p) != 0)
		abort();
	if (sk != NULL)
		memcpy(sk, k, SS_KEY_LEN);
	if (pk != NULL)
		memcpy(pk, p, SS_KEY_LEN);
}

/* The sizes of a scratch directory's path and of its files' paths. */
#define FU_DIR_MAX	4096
#define FU_PATH_MAX	4200

/*
 * The scratch directory of a harness that runs the in-process enclave:
 * ${dir}, from fu_mkdtemp(${name}), and in it a stand-in enclave image
 * ${image} to measure and the identity file ${id} of the stage key (bytes
 * 0x60 + i, the ss-format(5) test vector's recipient).  Return the
 * recipients of the stage key, to seal input streams to.
 */
static inline struct ss_recipients *
fu_stage_dir(char dir[FU_DIR_MAX], char image[FU_PATH_MAX],
    char id[FU_PATH_MAX], const char * name)
{
	uint8_t sk[SS_KEY_LEN], pk[SS_KEY_LEN];
	char pub[SS_PUBKEY_TEXT_LEN + 1];
	struct ss_recipients * r;

	fu_mkdtemp(dir, FU_DIR_MAX, name);
	snprintf(image, FU_PATH_MAX, "%s/image", dir);
	snprintf(id, FU_PATH_MAX, "%s/id", dir);
	fu_write_file(image, "a stand-in enclave image\n");
	fu_fixed_key(sk, 0x60);
	if (ss_key_write_identity(id, sk) != 0 ||
	    ss_key_public_of(pk, sk) != 0 ||
	    ss_key_public_encode(pub, pk) != 0 ||
	    (r = ss_recipients_new()) == NULL ||
	    ss_recipients_add(r, pub) != 0)
		abort();
	return (r);
}

/*
 * Seal to ${r} the header ${hdr} (SS_HEADER_LEN(1) bytes) of an input
 * stream whose file key is the bytes ${keybyte} and salt the bytes
 * ${saltbyte}; the file key, in sodium_malloc() memory, so that the
 * harness can seal chunks of its own.
 */
static inline uint8_t *
fu_input_header(const struct ss_recipients * r, uint8_t * hdr, int keybyte,
    int saltbyte)
{
	uint8_t salt[SS_SALT_LEN];
	uint8_t * file_key;

	if ((file_key = sodium_malloc(SS_FILE_KEY_LEN)) == NULL)
		abort();
	memset(file_key, keybyte, SS_FILE_KEY_LEN);
	memset(salt, saltbyte, sizeof(salt));
	if (ss_frame_header_seal(hdr, r, file_key, salt, NULL) != 0)
		abort();
	return (file_key);
}

/*
 * The INIT request ${m} (ecall_msg.h) for the program ${p}, which is
 * freed, with the output recipient ${recipient} added, in a new buffer
 * of ${*len} bytes.
 */
static inline uint8_t *
fu_init_request(struct ss_msg_init * m, struct ss_program * p,
    const char * recipient, size_t * len)
{
	uint8_t * prog, * req;

	if (ss_program_add(p, SS_PROGRAM_RECIPIENT, recipient,
	    strlen(recipient)) != 0 ||
	    ss_program_encode(p, &prog, &m->program.len) != 0)
		abort();
	ss_program_free(p);
	m->program.p = prog;
	if (ss_msg_init_encode(m, &req, len) != 0)
		abort();
	free(prog);
	m->program.p = NULL;
	return (req);
}

#endif /* !SS_FUZZ_UTIL_H */
