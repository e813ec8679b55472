#ifndef SS_ECALL_H
#define SS_ECALL_H

/*
 * The ecall table: the whole interface between an untrusted host and the
 * enclave.  Every ecall takes one input buffer and fills one output
 * buffer, each with an explicit size, which is what an SGX EDL needs:
 *
 *	enclave {
 *		trusted {
 *			public uint32_t ecall(uint32_t id,
 *			    [in, size=inlen] const uint8_t * in, size_t inlen,
 *			    [out, size=outcap] uint8_t * out, size_t outcap,
 *			    [out] size_t * outlen);
 *		};
 *	};
 *
 * The enclave makes no ocalls: it never does I/O of its own once it has
 * loaded its keys.  The ecalls, in the order a host makes them:
 *
 *	SS_ECALL_INIT	in: the init request below.  Loads the keys the
 *			stage needs (the enclave opens the key files
 *			itself, so the host never holds them), locks the
 *			enclave down, and checks the program.
 *			out: image_digest[32] program_digest[32]
 *			measurement[32].
 *	SS_ECALL_LOAD	(only if the program names files, as ss-match
 *			--subs does) in: flags[1] (SS_LOAD_END: the last
 *			piece of this file) and the next bytes of a program
 *			file.  The files come one after the other, in the
 *			program's order; the enclave checks each against the
 *			SHA-256 the program holds for it, and the stage is
 *			ready only once all have come.  out: nothing.
 *	SS_ECALL_NEW_IDENTITY	(ss-attest new) in: the verifier's nonce,
 *			0 to SS_NONCE_MAX bytes.  Makes a stage identity.
 *			out: sealed_len[4] sealed[sealed_len] quote[]: on
 *			a hardware platform (SS_INIT_SNP, SS_INIT_TDX) the
 *			quote's body only, to which the host adds the
 *			hardware's evidence for its REPORT_DATA
 *			(tee_quote.h); an enclave that is not isolated
 *			makes none.
 *	SS_ECALL_OPEN	in: the input stream's header.
 *			out: the output stream's header.
 *	SS_ECALL_CHUNK	in: flags[1] (SS_CHUNK_FLUSH) and one or more
 *			input chunks as on the wire (prefix, ciphertext,
 *			tag); or SS_CHUNK_FLUSH and no chunk, when a live
 *			input paused: seal the records held so far.
 *			out: zero or more output chunks as on the wire;
 *			after the output's final chunk, the operator's
 *			notice if it left one: a line of text, without a
 *			newline, that the host prints on its standard
 *			error (ss-reduce: how many records came too late
 *			for their window).  Like error messages, it never
 *			holds stream contents, only counts and the
 *			program's words.
 *	SS_ECALL_PULL	in: nothing.  out: more output chunks, after a
 *			call that returned SS_ECALL_MORE.
 *
 * Framed flows: a stage whose operator has several inputs or outputs
 * (ss-merge, ss-route; enclave/flow.h) names the input in its requests
 * and frames its answers, so that the host can tell the outputs apart:
 *
 *	SS_ECALL_OPEN	in: in_index[4] and that input's header.
 *	SS_ECALL_CHUNK	in: flags[1] in_index[4] and one or more chunks of
 *			that input, as on the wire.
 *	answers to OPEN, CHUNK and PULL: pieces, each
 *			out_index[4] len[4] bytes[len]
 *			where bytes are a header or one chunk of output
 *			out_index (from 0), as on the wire, in order within
 *			each output; then, last, always
 *			SS_ECALL_NEED[4] len[4] = 4 need[4]
 *			the input the enclave needs a chunk of next (from
 *			0), or SS_ECALL_NEED (0xffffffff): any input will
 *			do, or all have ended.
 *
 * The first OPEN answers every output's header; each output's final chunk
 * comes once every input has ended.  An input index is checked, and so
 * is need: a chunk of another input than the one needed is refused (the
 * enclave holds at most one chunk of each input; ss-merge --sorted-by
 * needs the input whose records it has used up).  Inputs are streams of
 * their own, each authenticated end to end; one stream given as two
 * inputs is refused.  A message about one of several inputs begins
 * "input K: " (K from 1), which the host replaces with the input's name.
 *
 * Every ecall returns SS_ECALL_OK, SS_ECALL_MORE (output is waiting:
 * call SS_ECALL_PULL), SS_ECALL_SMALL (the next output needs a larger
 * buffer: its size is in out[0..4]; grow the buffer and call
 * SS_ECALL_PULL), or an exit status, SS_EXIT_DATA or SS_EXIT_SYS, with a
 * one-line message in the output buffer.  Output buffers start small and
 * grow only as the data needs, so that enclave memory stays small.  Messages never contain
 * stream contents: only the enclave's program and chunk numbers.
 * After an error the enclave takes no more calls but PULL-free ones that
 * fail.
 *
 * The init request (integers big-endian):
 *	version[4] = 1
 *	flags[4]	SS_INIT_ATTEST: load the platform's attestation key;
 *			SS_INIT_SNP, SS_INIT_TDX: attest on that hardware
 *			platform (no attestation key; the sealing root)
 *	chunk_size[4]	target plaintext bytes per output chunk
 *	keykind[1]	SS_KEY_NONE, SS_KEY_IDENTITY or SS_KEY_SEALED
 *	then five fields, each len[4] bytes[len]:
 *	program		the canonical program encoding (program.h)
 *	image_path	the image to measure, for the none backend; an
 *			isolated enclave ignores it and measures the image
 *			it runs from (/proc/self/exe)
 *	platform_dir	the platform directory (for sealing and quotes)
 *	key		an identity file's path, or a sealed identity
 *	keyname		how to name the key in messages
 *
 * Each of these messages has its encoder and decoder in ecall_msg.h,
 * which both sides use.
 */

#include <stddef.h>
#include <stdint.h>

#include "frame.h"

#define SS_ECALL_INIT		1
#define SS_ECALL_NEW_IDENTITY	2
#define SS_ECALL_OPEN		3
#define SS_ECALL_CHUNK		4
#define SS_ECALL_PULL		5
#define SS_ECALL_LOAD		6

#define SS_ECALL_OK		0
#define SS_ECALL_SMALL		4

#define SS_INIT_VERSION		1
#define SS_INIT_ATTEST		1U
#define SS_INIT_SNP		2U
#define SS_INIT_TDX		4U
#define SS_INIT_HARDWARE	(SS_INIT_SNP | SS_INIT_TDX)
#define SS_INIT_CHUNK_MIN	1024

#define SS_KEY_NONE		0
#define SS_KEY_IDENTITY		1
#define SS_KEY_SEALED		2

#define SS_CHUNK_FLUSH		1U
#define SS_LOAD_END		1U

/* A framed answer's last piece (out_index), and "any input" in it. */
#define SS_ECALL_NEED		0xffffffffU

/* Largest verifier nonce; smallest and largest ecall buffers. */
#define SS_NONCE_MAX		64
#define SS_ECALL_IN_MAX		(SS_CHUNK_WIRE_LEN(SS_CHUNK_MAX) + 5)
#define SS_ECALL_OUT_MIN	(128U * 1024)
#define SS_ECALL_OUT_MAX	(64U * 1024 * 1024)

/*
 * The enclave's entry points, as a backend that runs the enclave's code
 * in the host's own process (--tee none) calls them.  Host code never
 * links against enclave code: a program that offers --tee none passes
 * the enclave library's ss_enclave_entry (defined in enclave/ecall.c) to
 * the host (tee.h).
 */
struct ss_ecall_entry {
	/* ss_enclave_ecall_grow() (enclave/enclave.h) */
	uint32_t (* call)(uint32_t, const uint8_t *, size_t, uint8_t **,
	    size_t *, size_t *);
	/* ss_enclave_reset() */
	void (* reset)(void);
};
extern const struct ss_ecall_entry ss_enclave_entry;

#endif /* !SS_ECALL_H */
