#ifndef SS_STAGE_H
#define SS_STAGE_H

/*
 * The enclave stage host, shared by every enclave filter (ss-map,
 * ss-match, ss-reduce, ss-route, ss-merge): parse a stage's arguments
 * (stage_opts.c), start its enclave, then move ciphertext: read each
 * chunk of the input stream, hand it to the enclave, write what comes
 * back (stage_run.c; stage_framed.c for several inputs or outputs).  The
 * host never holds a stage key, a file key or a byte of plaintext; it
 * checks only the framing (truncation, trailing data), and the enclave
 * checks everything else.
 */

#include <stddef.h>
#include <stdint.h>

#include "program.h"

struct ss_ecall_entry;
struct ss_enclave;
struct ss_opdef;

/*
 * A program file (ss-match --subs FILE): the measured program holds
 * "sha256:" and the file's SHA-256 in hex under the option's key, and the
 * host hands the enclave the content (ecall LOAD), which checks it against
 * that digest.  The operator, and the stage's check(), see the content.
 */
struct ss_stage_file {
	const char * key;		/* program key */
	const char * path;
	uint8_t * data;			/* the content, NUL-terminated */
	size_t len;
};
#define SS_STAGE_FILES_MAX	SS_PROGRAM_FILES_MAX

struct ss_stage_opts {
	struct ss_program * program;	/* operator, arguments, recipients */
	const char * tee;		/* backend, checked */
	const struct ss_ecall_entry * inprocess;	/* the enclave's code,
					   for --tee none (ecall.h) */
	const char * identity;		/* -i: an identity file */
	const char * sealed;		/* --sealed: a sealed identity */
	const char * output;		/* -o, or NULL */
	size_t chunk_size;
	int flush_ms;			/* seal a partial output chunk when
					   a live input pauses this long */
	struct ss_stage_file files[SS_STAGE_FILES_MAX];
	size_t nfiles;
	char * const * inputs;		/* operands that name input streams
					   (ss-merge), or NULL */
	size_t ninputs;
};

/*
 * How long a live input must pause before the stage seals the records it
 * holds into a partial output chunk (--flush-ms).  A pause shorter than
 * this, such as the gaps between an upstream stage's writes, does not cut
 * chunks short.  0: only the end of the input does, as in ss-encrypt.
 */
#define SS_STAGE_FLUSH_MS	5

/* Most options of one operator (operator.h). */
#define SS_STAGE_ARGS_MAX	32

/**
 * ss_stage_find(name):
 * The operator of the stage called ${name} ("ss-map", or "map") in the
 * registry (operator.h), or NULL.
 */
const struct ss_opdef * ss_stage_find(const char *);

/* Modes of ss_stage_parse(). */
#define SS_STAGE_RUN	0	/* the stage's own command line */
#define SS_STAGE_PROGRAM 1	/* "-- ss-map ..." after ss-attest */

/**
 * ss_stage_parse(def, argc, argv, mode, o, usage):
 * Parse the arguments of the stage of operator ${def} into ${o}, and check
 * its program with the registry's parser.  In SS_STAGE_RUN
 * mode the deployment options (-i, --sealed, -o, --tee, --chunk-size)
 * are accepted as well as the program's; in SS_STAGE_PROGRAM mode only
 * the program's.  Usage errors exit 2; --help calls ${usage}, which
 * must not return.
 */
void ss_stage_parse(const struct ss_opdef *, int, char **, int,
    struct ss_stage_opts *, void (*)(void));

/**
 * ss_stage_main(op, argc, argv, help, program, inprocess):
 * The whole of an enclave filter's main(): parse its command line as
 * stage ${op} ("map"), run it (--tee none: the enclave code
 * ${inprocess}), and return its exit status.  --help prints ${help}
 * (usage, description and the operator's own options), then the options
 * every stage shares, saying that a sealed key is for the program made
 * of ${program} ("-f, expressions"), -r and -R.
 */
int ss_stage_main(const char *, int, char **, const char *, const char *,
    const struct ss_ecall_entry *);

/**
 * ss_stage_opts_free(o):
 * Free what ss_stage_parse() stored in ${o}.
 */
void ss_stage_opts_free(struct ss_stage_opts *);

/**
 * ss_stage_load(e, o):
 * After INIT: hand the enclave ${e} the content of ${o}'s program files.
 */
int ss_stage_load(struct ss_enclave *, const struct ss_stage_opts *);

/**
 * ss_stage_run(o):
 * Run the stage: standard input to ${o}->output.
 */
int ss_stage_run(const struct ss_stage_opts *);

/**
 * ss_stage_expand(template, k):
 * ${template} with every "{}" replaced by the number ${k}, in a new
 * string.
 */
char * ss_stage_expand(const char *, size_t);

/**
 * ss_stage_expand_name(template, name, len):
 * ${template} with every "{}" replaced by the ${len} bytes ${name}, in a
 * new string.
 */
char * ss_stage_expand_name(const char *, const char *, size_t);

/**
 * ss_stage_start(o):
 * Start the enclave of stage ${o} and give it the program and key (the
 * INIT ecall).
 */
struct ss_enclave;
struct ss_enclave * ss_stage_start(const struct ss_stage_opts *);

/**
 * ss_stage_run_to(o, batch, framed, take, cookie, live):
 * The input half of ss_stage_run(): start the enclave, read the stream
 * on standard input, and give the enclave its header (OPEN) and its
 * chunks (CHUNK), up to ${batch} bytes of chunks per call, as input 0
 * of a framed flow if ${framed} (libcore/common/ecall.h); every answer goes to
 * ${take}(${cookie}, answer, len), in order.  ${*live} is set, before
 * the first answer, if the input is live (not a regular file).  The
 * enclave is stopped before it returns.
 */
int ss_stage_run_to(const struct ss_stage_opts *, size_t, int,
    int (*)(void *, const uint8_t *, size_t), void *, int *);

/**
 * ss_stage_run_route(o), ss_stage_run_merge(o):
 * The host loops of ss-route (one input, an output per partition from
 * the -o template; sink.h) and of ss-merge (the streams ${o}->inputs,
 * one output); stage_framed.c.
 */
int ss_stage_run_route(const struct ss_stage_opts *);
int ss_stage_run_merge(const struct ss_stage_opts *);

/**
 * ss_stage_init_request(o, image, flags, keykind, key, keylen, keyname,
 *     req, reqlen):
 * Build the enclave's init request (ecall.h) for ${o}, with ${flags}
 * (SS_INIT_*) and ${key} of ${keykind} holding a path or a sealed
 * identity; store it in a new buffer.
 */
int ss_stage_init_request(const struct ss_stage_opts *, const char *,
    uint32_t, int, const void *, size_t, const char *, unsigned char **,
    size_t *);

#endif /* !SS_STAGE_H */
