#ifndef SS_ECALL_MSG_H
#define SS_ECALL_MSG_H

/*
 * The messages of the ecall ABI (ecall.h) and of the process backend's
 * channel (channel.h), byte by byte: for each message a struct, and its
 * encoder and decoder side by side, which the host and the enclave both
 * use.  Integers are big-endian.
 *
 * A decoder checks every length before it uses it, refuses bytes left
 * over, and points into the bytes it was given: it copies nothing.  An
 * encoder writes exactly the bytes its decoder reads back, and returns
 * how many.  Messages that carry bulk data (chunk requests, the pieces of
 * a framed answer, the NEW_IDENTITY answer) have a header writer too, so
 * that their data can be put in place (in the shared arena, in the
 * enclave's output queue) with no copy: the data goes right after the
 * header, whose length is a constant.
 *
 * The other messages have no layout of their own: an unframed OPEN
 * request is the input's header, a NEW_IDENTITY request the verifier's
 * nonce; a PULL request is empty.
 */

#include <stddef.h>
#include <stdint.h>

#include "channel.h"
#include "crypt.h"
#include "ecall.h"

/* Bytes of a message: what a decoder points at in its input. */
struct ss_msg_bytes {
	const uint8_t * p;
	size_t len;
};

/**
 * ss_msg_str(s):
 * The bytes of the string ${s}, without its NUL.
 */
struct ss_msg_bytes ss_msg_str(const char *);

/*
 * SS_ECALL_INIT's request (ecall.h): version[4] flags[4] chunk_size[4]
 * keykind[1], then the five fields, each len[4] bytes[len].
 */
struct ss_msg_init {
	uint32_t flags;			/* SS_INIT_ATTEST */
	uint32_t chunk_size;		/* SS_INIT_CHUNK_MIN .. SS_CHUNK_MAX */
	uint8_t keykind;		/* SS_KEY_NONE, _IDENTITY, _SEALED */
	struct ss_msg_bytes program;	/* canonical encoding (program.h) */
	struct ss_msg_bytes image;	/* path of the image to measure */
	struct ss_msg_bytes platform_dir;
	struct ss_msg_bytes key;	/* identity file path, or sealed */
	struct ss_msg_bytes keyname;	/* how messages name the key */
};

/**
 * ss_msg_init_encode(m, req, len):
 * Encode ${m} (version SS_INIT_VERSION) into a new buffer ${req} of
 * ${len} bytes, which the caller frees.
 */
int ss_msg_init_encode(const struct ss_msg_init *, uint8_t **, size_t *);

/**
 * ss_msg_init_decode(m, in, len):
 * Decode an INIT request: version SS_INIT_VERSION, five whole fields
 * and nothing after them, a known key kind, a chunk size in range; else
 * "malformed init request" (SS_EXIT_SYS).
 */
int ss_msg_init_decode(struct ss_msg_init *, const uint8_t *, size_t);

/*
 * SS_ECALL_INIT's answer: image_digest[32] program_digest[32]
 * measurement[32].
 */
struct ss_msg_init_answer {
	uint8_t image_digest[SS_SHA256_LEN];
	uint8_t program_digest[SS_SHA256_LEN];
	uint8_t measurement[SS_SHA256_LEN];
};

#define SS_MSG_INIT_ANSWER_LEN	(3 * SS_SHA256_LEN)

/**
 * ss_msg_init_answer_encode(m, out):
 * Write ${m} to ${out} (SS_MSG_INIT_ANSWER_LEN bytes).
 */
size_t ss_msg_init_answer_encode(const struct ss_msg_init_answer *,
    uint8_t *);

/**
 * ss_msg_init_answer_decode(m, in, len):
 * Decode an INIT answer; else "malformed init answer from the enclave"
 * (SS_EXIT_SYS).
 */
int ss_msg_init_answer_decode(struct ss_msg_init_answer *, const uint8_t *,
    size_t);

/* SS_ECALL_LOAD's request: flags[1] (SS_LOAD_END) and file bytes. */
struct ss_msg_load {
	uint8_t flags;
	struct ss_msg_bytes bytes;
};

#define SS_MSG_LOAD_HDR		1

/**
 * ss_msg_load_encode(m, req):
 * Write ${m} to ${req} (SS_MSG_LOAD_HDR + m->bytes.len bytes).
 */
size_t ss_msg_load_encode(const struct ss_msg_load *, uint8_t *);

/**
 * ss_msg_load_decode(m, in, len):
 * Decode a LOAD request; else "malformed load request" (SS_EXIT_SYS).
 */
int ss_msg_load_decode(struct ss_msg_load *, const uint8_t *, size_t);

/*
 * SS_ECALL_NEW_IDENTITY's answer: sealed_len[4] sealed[sealed_len], then
 * the quote (tee_quote.h) to the end.
 */
struct ss_msg_identity {
	struct ss_msg_bytes sealed;	/* the sealed stage identity */
	struct ss_msg_bytes quote;	/* its quote, binary */
};

#define SS_MSG_IDENTITY_HDR	4

/**
 * ss_msg_identity_put_header(out, sealed_len):
 * Write the header of an answer whose sealed identity, ${sealed_len}
 * bytes, goes at ${out} + SS_MSG_IDENTITY_HDR and the quote right after.
 */
void ss_msg_identity_put_header(uint8_t *, uint32_t);

/**
 * ss_msg_identity_encode(m, out):
 * Write ${m} to ${out} (SS_MSG_IDENTITY_HDR + both lengths bytes).
 */
size_t ss_msg_identity_encode(const struct ss_msg_identity *, uint8_t *);

/**
 * ss_msg_identity_decode(m, in, len):
 * Decode a NEW_IDENTITY answer; else "enclave sent a malformed identity"
 * (SS_EXIT_DATA).
 */
int ss_msg_identity_decode(struct ss_msg_identity *, const uint8_t *,
    size_t);

/*
 * SS_ECALL_OPEN's request: the input's stream header; in a framed flow
 * in_index[4] first.
 */
struct ss_msg_open {
	uint32_t in_index;		/* 0 unless framed */
	struct ss_msg_bytes header;
};

#define SS_MSG_OPEN_HDR(framed)	((framed) ? 4U : 0U)

/**
 * ss_msg_open_encode(m, framed, req):
 * Write ${m} to ${req} (SS_MSG_OPEN_HDR(framed) + m->header.len bytes).
 */
size_t ss_msg_open_encode(const struct ss_msg_open *, int, uint8_t *);

/**
 * ss_msg_open_decode(m, framed, in, len):
 * Decode an OPEN request; a framed one without its index is "malformed
 * open request" (SS_EXIT_SYS).
 */
int ss_msg_open_decode(struct ss_msg_open *, int, const uint8_t *, size_t);

/*
 * SS_ECALL_CHUNK's request: flags[1] (SS_CHUNK_FLUSH), in a framed flow
 * in_index[4], then input chunks as on the wire, back to back.
 */
struct ss_msg_chunk {
	uint8_t flags;
	uint32_t in_index;		/* 0 unless framed */
	struct ss_msg_bytes chunks;
};

#define SS_MSG_CHUNK_HDR(framed)	((framed) ? 5U : 1U)
#define SS_MSG_CHUNK_HDR_MAX		5U

/**
 * ss_msg_chunk_put_header(req, framed, flags, in_index):
 * Write the header of a request whose chunks are (or will be) at ${req}
 * + SS_MSG_CHUNK_HDR(framed).
 */
void ss_msg_chunk_put_header(uint8_t *, int, uint8_t, uint32_t);

/**
 * ss_msg_chunk_encode(m, framed, req):
 * Write ${m} to ${req} (SS_MSG_CHUNK_HDR(framed) + m->chunks.len bytes).
 */
size_t ss_msg_chunk_encode(const struct ss_msg_chunk *, int, uint8_t *);

/**
 * ss_msg_chunk_decode(m, framed, in, len):
 * Decode a CHUNK request's header; one without it is "empty chunk
 * request", or in a framed flow "malformed chunk request" (SS_EXIT_SYS).
 * Its chunks are taken one by one with ss_msg_chunk_next().
 */
int ss_msg_chunk_decode(struct ss_msg_chunk *, int, const uint8_t *,
    size_t);

/**
 * ss_msg_chunk_next(chunks, chunk):
 * Take the first chunk, as on the wire, off ${chunks} into ${chunk}; if
 * ${chunks} does not begin with a whole chunk, "malformed chunk request"
 * (SS_EXIT_DATA).
 */
int ss_msg_chunk_next(struct ss_msg_bytes *, struct ss_msg_bytes *);

/*
 * A plain flow's answer to CHUNK or PULL: zero or more output chunks as
 * on the wire and, after the output's final chunk, maybe the operator's
 * notice (ecall.h): a line of text without its newline.
 */
struct ss_msg_answer {
	struct ss_msg_bytes chunks;
	struct ss_msg_bytes notice;	/* empty if none */
};

/**
 * ss_msg_answer_put_notice(out, notice):
 * Write the notice ${notice} (NUL-terminated) after the final chunk at
 * ${out}; return its length.
 */
size_t ss_msg_answer_put_notice(uint8_t *, const char *);

/**
 * ss_msg_answer_decode(m, in, len):
 * Split an answer into its chunks and its notice; an answer that is not
 * whole chunks, or has bytes after chunks that did not end the output,
 * is "enclave answer is not whole chunks" (SS_EXIT_SYS).
 */
int ss_msg_answer_decode(struct ss_msg_answer *, const uint8_t *, size_t);

/*
 * A framed flow's answers (to OPEN, CHUNK and PULL): pieces, each
 *	out_index[4] len[4] bytes[len]
 * and last the need piece, SS_ECALL_NEED[4] len[4] = 4 need[4].
 */
struct ss_msg_piece {
	uint32_t out_index;		/* from 0; SS_ECALL_NEED: need */
	struct ss_msg_bytes bytes;	/* a header or chunk of that output */
	uint32_t need;			/* the input needed next (from 0),
					   or SS_ECALL_NEED: any */
};

#define SS_MSG_PIECE_HDR	8
#define SS_MSG_NEED_LEN		(SS_MSG_PIECE_HDR + 4)

/**
 * ss_msg_piece_put_header(out, out_index, len):
 * Write the header of a piece of output ${out_index} whose ${len} bytes
 * are (or will be) at ${out} + SS_MSG_PIECE_HDR.
 */
void ss_msg_piece_put_header(uint8_t *, uint32_t, size_t);

/**
 * ss_msg_piece_put_need(out, need):
 * Write the need piece, SS_MSG_NEED_LEN bytes, naming input ${need} (or
 * SS_ECALL_NEED: any).
 */
size_t ss_msg_piece_put_need(uint8_t *, uint32_t);

/**
 * ss_msg_piece_encode(m, out):
 * Write ${m} to ${out}: a need piece (SS_MSG_NEED_LEN bytes) if its
 * out_index is SS_ECALL_NEED, else SS_MSG_PIECE_HDR + m->bytes.len bytes.
 */
size_t ss_msg_piece_encode(const struct ss_msg_piece *, uint8_t *);

/**
 * ss_msg_piece_next(answer, nout, m):
 * Take the first piece off ${answer} into ${m}: return 1, or 0 if the
 * answer is used up.  A piece cut short, of an output not below ${nout},
 * or a need piece of another length is "malformed answer from the
 * enclave" (SS_EXIT_SYS).
 */
int ss_msg_piece_next(struct ss_msg_bytes *, size_t, struct ss_msg_piece *);

/* An SS_ECALL_SMALL answer: the output buffer size needed, need[4]. */
#define SS_MSG_SMALL_LEN	4

/**
 * ss_msg_small_encode(out, need):
 * Write an SS_ECALL_SMALL answer for a buffer of ${need} bytes.
 */
size_t ss_msg_small_encode(uint8_t *, uint32_t);

/**
 * ss_msg_small_decode(need, in, len):
 * Decode an SS_ECALL_SMALL answer; else "malformed answer from the
 * enclave" (SS_EXIT_SYS).
 */
int ss_msg_small_decode(uint32_t *, const uint8_t *, size_t);

/* The channel's hello (channel.h): magic[4] flags[4] zero[4]. */
struct ss_msg_chan_hello {
	uint32_t flags;			/* SS_CHAN_ARENA */
};

/**
 * ss_msg_chan_hello_encode(m, out):
 * Write ${m} to ${out} (SS_CHAN_HDR_LEN bytes).
 */
size_t ss_msg_chan_hello_encode(const struct ss_msg_chan_hello *,
    uint8_t *);

/**
 * ss_msg_chan_hello_decode(m, in):
 * Decode the SS_CHAN_HDR_LEN bytes at ${in}; return -1 if they are not a
 * hello of this protocol, recording no message: the host knows which
 * image spoke.
 */
int ss_msg_chan_hello_decode(struct ss_msg_chan_hello *, const uint8_t *);

/*
 * The channel's message header: host id[4] len[4] off[4], enclave
 * status[4] len[4] off[4].  Each side checks len and off its own way.
 */
struct ss_msg_chan_hdr {
	uint32_t code;			/* the ecall id, or the status */
	uint32_t len;
	uint32_t off;			/* or SS_CHAN_INLINE */
};

/**
 * ss_msg_chan_hdr_encode(m, out):
 * Write ${m} to ${out} (SS_CHAN_HDR_LEN bytes).
 */
size_t ss_msg_chan_hdr_encode(const struct ss_msg_chan_hdr *, uint8_t *);

/**
 * ss_msg_chan_hdr_decode(m, in):
 * Decode the SS_CHAN_HDR_LEN bytes at ${in}.
 */
void ss_msg_chan_hdr_decode(struct ss_msg_chan_hdr *, const uint8_t *);

#endif /* !SS_ECALL_MSG_H */
