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
 *
 * An operator may have several inputs (ss-merge) or outputs (ss-route):
 * its shape() says how many.  Each input is a stream of its own,
 * authenticated end to end on its own; each output is sealed under a
 * fresh file key of its own to its own recipients (program.h).  Such a
 * "framed" flow takes input indexes in its requests and frames its
 * answers (ecall.h).  Messages about one of several inputs start with
 * "input K: " (K from 1).
 */

#include <stddef.h>
#include <stdint.h>

#include "batch.h"
#include "key.h"
#include "operator.h"

struct ss_flow;
struct ss_program;

/*
 * An operator's code (op_*.c); what it is called, its options and files
 * and how its program reads are in the registry (operator.h).
 */
struct ss_op {
	enum ss_op_id id;
	/*
	 * Set up from the program, whose files hold their content, which
	 * the registry's parser reads; NULL with an ss_err on failure.
	 */
	void * (* new)(const struct ss_program *);
	/* Given the input schema, call ss_flow_schema() once. */
	int (* schema)(void *, const struct ss_batch *, struct ss_flow *);
	/* Given a batch of records, call ss_flow_emit() for each output. */
	int (* records)(void *, const struct ss_batch *, struct ss_flow *);
	/* At the end of the stream (of every input). */
	int (* finish)(void *, struct ss_flow *);
	void (* free)(void *);
	/* Several inputs or outputs: how many (NULL: one of each). */
	void (* shape)(void *, size_t *, size_t *);
	/* The input the operator needs a chunk of before it can go on, or
	   SS_FLOW_ANY (NULL: any input will do).  The operator may keep
	   pointers into a batch of input K until it needs input K. */
	size_t (* need)(void *);
	/* Add the recipients output K has besides the program's own
	   (ss-route --subs: a subscriber's key, from the subscribers
	   file, which the program measures by its digest); NULL: none. */
	int (* recipients)(void *, size_t, struct ss_recipients *);
};

/* Any input (ss_op's need()); no input at all, once all have ended. */
#define SS_FLOW_ANY	0xffffffffU

/* The operators' code (op_*.c), one for each of the registry's. */
#define SS_OP_CODE(name)	extern const struct ss_op ss_op_##name;
SS_OPERATORS(SS_OP_CODE)
#undef SS_OP_CODE

/**
 * ss_op_find(name):
 * The code of the operator called ${name} (the registry's name, as a
 * program gives it), or NULL.
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
 * ss_flow_check_outputs(op, opstate, p, r):
 * For an operator with a shape(): check that every output of ${opstate}
 * has a recipient in the program ${p}, and that ${p} names no output the
 * operator lacks.  If ${r} is not NULL, store a new array of the
 * outputs' recipients (new lists) in it.
 */
int ss_flow_check_outputs(const struct ss_op *, void *,
    const struct ss_program *, struct ss_recipients ***);

/**
 * ss_flow_new_framed(op, opstate, ids, p, chunk_size):
 * ss_flow_new() for an operator with a shape(): its outputs' recipients
 * come from the program ${p} (ss_flow_check_outputs).
 */
struct ss_flow * ss_flow_new_framed(const struct ss_op *, void *,
    struct ss_identities *, const struct ss_program *, size_t);

/**
 * ss_flow_framed(f):
 * Nonzero if ${f} takes input indexes and frames its answers.
 */
int ss_flow_framed(const struct ss_flow *);

/**
 * ss_flow_open(f, hdr, len):
 * Open the input stream's header; queue the output stream's header.
 */
int ss_flow_open(struct ss_flow *, const uint8_t *, size_t);

/**
 * ss_flow_open_input(f, k, hdr, len):
 * Open input ${k}'s header (a framed flow); the first input opened
 * queues the outputs' headers.
 */
int ss_flow_open_input(struct ss_flow *, size_t, const uint8_t *, size_t);

/**
 * ss_flow_chunk(f, flags, wire, len):
 * Process one input chunk (prefix, ciphertext, tag) and queue the output
 * chunks it yields; with SS_CHUNK_FLUSH, seal pending records at once.
 */
int ss_flow_chunk(struct ss_flow *, unsigned, const uint8_t *, size_t);

/**
 * ss_flow_chunk_from(f, k, flags, wire, len):
 * ss_flow_chunk() for a chunk of input ${k}.  A chunk of an input other
 * than the one the operator needs is refused.
 */
int ss_flow_chunk_from(struct ss_flow *, size_t, unsigned, const uint8_t *,
    size_t);

/**
 * ss_flow_flush(f):
 * Seal the records emitted so far into a partial chunk of each output
 * (what SS_CHUNK_FLUSH asks for), so that a live stream's records do not
 * wait for more input.
 */
int ss_flow_flush(struct ss_flow *);

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
 * ss_flow_schema_to(f, out, names, lens, n):
 * For operators: declare the columns of output ${out} only.
 * (ss_flow_schema() declares those of every output.)
 */
int ss_flow_schema_to(struct ss_flow *, size_t, const uint8_t * const *,
    const size_t *, size_t);

/**
 * ss_flow_emit(f, fields, lens):
 * For operators: output one record of the declared width (to output 0).
 */
int ss_flow_emit(struct ss_flow *, const uint8_t * const *, const size_t *);

/**
 * ss_flow_emit_to(f, out, fields, lens):
 * For operators: output one record to output ${out}.
 */
int ss_flow_emit_to(struct ss_flow *, size_t, const uint8_t * const *,
    const size_t *);

/**
 * ss_flow_input(f), ss_flow_input_done(f, k):
 * For operators: the input the batch at hand comes from; whether input
 * ${k} has delivered its final chunk (set before that chunk's batch is
 * handed over).
 */
size_t ss_flow_input(const struct ss_flow *);
int ss_flow_input_done(const struct ss_flow *, size_t);

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
