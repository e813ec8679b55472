#ifndef SS_FLOW_H
#define SS_FLOW_H

/*
 * The enclave's side of a stage: opens the input stream with the stage's
 * identity, authenticates and decrypts each chunk, hands its records to
 * the operator, and seals what the operator emits into the output
 * stream.  The host sees only ciphertext in and ciphertext out.
 *
 * The same checks as ss-decrypt apply: the first chunk must be the
 * schema, every later one a batch of schema-wide records, chunks come in
 * order and end with the final one.
 */

#include <stddef.h>
#include <stdint.h>

#include "batch.h"
#include "key.h"

struct ss_flow;
struct ss_program;

/* An operator (op_*.c). */
struct ss_op {
	const char * name;
	/* Set up from the program; NULL with an ss_err on failure. */
	void * (* new)(const struct ss_program *);
	/* Given the input schema, call ss_flow_schema() once. */
	int (* schema)(void *, const struct ss_batch *, struct ss_flow *);
	/* Given a batch of records, call ss_flow_emit() for each output. */
	int (* records)(void *, const struct ss_batch *, struct ss_flow *);
	/* At the end of the stream. */
	int (* finish)(void *, struct ss_flow *);
	void (* free)(void *);
};

/* The operators (op_*.c). */
extern const struct ss_op ss_op_map;
extern const struct ss_op ss_op_match;
extern const struct ss_op ss_op_reduce;

/**
 * ss_op_find(name):
 * The operator called ${name}, or NULL.
 */
const struct ss_op * ss_op_find(const char *);

/**
 * ss_flow_new(op, opstate, ids, r, chunk_size):
 * Start a stage that reads streams sent to ${ids} and writes to ${r}.
 * Takes ownership of ${opstate} and ${ids}.
 */
struct ss_flow * ss_flow_new(const struct ss_op *, void *,
    struct ss_identities *, const struct ss_recipients *, size_t);

/**
 * ss_flow_open(f, hdr, len):
 * Open the input stream's header; queue the output stream's header.
 */
int ss_flow_open(struct ss_flow *, const uint8_t *, size_t);

/**
 * ss_flow_chunk(f, flags, wire, len):
 * Process one input chunk (prefix, ciphertext, tag) and queue the output
 * chunks it yields; with SS_CHUNK_FLUSH, seal pending records at once.
 */
int ss_flow_chunk(struct ss_flow *, unsigned, const uint8_t *, size_t);

/**
 * ss_flow_pull(f, out, cap, len):
 * Move all queued output into ${out}, which has ${cap} bytes.  Return
 * 0, or 2 if it does not fit (the size needed is in out[0..4]).
 */
int ss_flow_pull(struct ss_flow *, uint8_t *, size_t, size_t *);

/**
 * ss_flow_schema(f, names, lens, n):
 * For operators: declare the output columns (once, from schema()).
 */
int ss_flow_schema(struct ss_flow *, const uint8_t * const *,
    const size_t *, size_t);

/**
 * ss_flow_emit(f, fields, lens):
 * For operators: output one record of the declared width.
 */
int ss_flow_emit(struct ss_flow *, const uint8_t * const *, const size_t *);

/**
 * ss_flow_notice(f, fmt, ...):
 * For operators, before finish() returns: leave a one-line notice (a
 * warning) that follows the final output chunk and that the host prints
 * on its standard error, replacing any earlier one.  It must say only
 * what the program or counts say, never a byte of the stream's
 * contents: the host is not trusted with them.
 */
void ss_flow_notice(struct ss_flow *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

/**
 * ss_flow_free(f):
 * Wipe and free ${f}.  NULL is allowed.
 */
void ss_flow_free(struct ss_flow *);

#endif /* !SS_FLOW_H */
