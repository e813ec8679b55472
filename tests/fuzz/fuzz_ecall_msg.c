/*
 * libFuzzer harness for the messages of the ecall ABI and its channel
 * (libcore/common/ecall_msg.c): the input goes to every decoder, framed
 * and not where a message has both forms; a CHUNK request's chunks are
 * then taken one by one, and the input is read as a plain answer (chunks
 * and a notice) and as the pieces of a framed answer of four outputs,
 * piece by piece.
 *
 * A refusal records a message and the status the decoder's header says.
 * What decodes points inside the input, and encodes back to exactly the
 * input (chunks and pieces: to the bytes taken so far).
 */

#include <stdlib.h>
#include <string.h>

#include "ecall_msg.h"
#include "err.h"

#include "fuzz_util.h"

#define NOUT	4

/* The input, and room to encode it again. */
static const uint8_t * data;
static size_t size;
static uint8_t * enc;

/* A decoder refused the input: with ${status} and a message. */
static void
refused(int status)
{

	if (ss_err_status() != status || ss_err_msg()[0] == '\0')
		abort();
	ss_err_clear();
}

/* ${b} lies inside the input. */
static void
inside(const struct ss_msg_bytes * b)
{

	if (b->len > size || b->p < data || b->p > data + (size - b->len))
		abort();
}

/* What was encoded again, ${len} bytes, is the input. */
static void
same(const uint8_t * p, size_t len)
{

	if (len != size || (len > 0 && memcmp(p, data, len) != 0))
		abort();
}

static void
init(void)
{
	struct ss_msg_init m;
	uint8_t * req;
	size_t len;

	if (ss_msg_init_decode(&m, data, size) != 0) {
		refused(SS_EXIT_SYS);
		return;
	}
	inside(&m.program);
	inside(&m.image);
	inside(&m.platform_dir);
	inside(&m.key);
	inside(&m.keyname);
	if (m.keykind > SS_KEY_SEALED || m.chunk_size < SS_INIT_CHUNK_MIN ||
	    m.chunk_size > SS_CHUNK_MAX)
		abort();
	if (ss_msg_init_encode(&m, &req, &len) != 0)
		abort();
	same(req, len);
	free(req);
}

static void
init_answer(void)
{
	struct ss_msg_init_answer m;

	if (ss_msg_init_answer_decode(&m, data, size) != 0) {
		refused(SS_EXIT_SYS);
		return;
	}
	same(enc, ss_msg_init_answer_encode(&m, enc));
}

static void
load(void)
{
	struct ss_msg_load m;

	if (ss_msg_load_decode(&m, data, size) != 0) {
		refused(SS_EXIT_SYS);
		return;
	}
	inside(&m.bytes);
	same(enc, ss_msg_load_encode(&m, enc));
}

static void
identity(void)
{
	struct ss_msg_identity m;

	if (ss_msg_identity_decode(&m, data, size) != 0) {
		refused(SS_EXIT_DATA);
		return;
	}
	inside(&m.sealed);
	inside(&m.quote);
	same(enc, ss_msg_identity_encode(&m, enc));
}

static void
open_request(int framed)
{
	struct ss_msg_open m;

	if (ss_msg_open_decode(&m, framed, data, size) != 0) {
		refused(SS_EXIT_SYS);
		return;
	}
	inside(&m.header);
	if (!framed && m.in_index != 0)
		abort();
	same(enc, ss_msg_open_encode(&m, framed, enc));
}

static void
chunk_request(int framed)
{
	struct ss_msg_chunk m;
	struct ss_msg_bytes rest, chunk;

	if (ss_msg_chunk_decode(&m, framed, data, size) != 0) {
		refused(SS_EXIT_SYS);
		return;
	}
	inside(&m.chunks);
	if (!framed && m.in_index != 0)
		abort();
	same(enc, ss_msg_chunk_encode(&m, framed, enc));

	/* Its chunks: back to back, each whole. */
	rest = m.chunks;
	while (rest.len > 0) {
		if (ss_msg_chunk_next(&rest, &chunk) != 0) {
			refused(SS_EXIT_DATA);
			return;
		}
		inside(&chunk);
		if (chunk.len < SS_CHUNK_WIRE_LEN(0) ||
		    chunk.p + chunk.len != rest.p)
			abort();
	}
	if (rest.p != data + size)
		abort();
}

/* The input as a plain answer: chunks, then maybe a notice. */
static void
answer(void)
{
	struct ss_msg_answer m;

	if (ss_msg_answer_decode(&m, data, size) != 0) {
		refused(SS_EXIT_SYS);
		return;
	}
	inside(&m.chunks);
	inside(&m.notice);
	if (m.chunks.p != data || m.notice.p != data + m.chunks.len ||
	    m.chunks.len + m.notice.len != size)
		abort();
}

static void
pieces(void)
{
	struct ss_msg_bytes answer = { data, size };
	struct ss_msg_piece m;
	size_t pos = 0;
	int rc;

	while ((rc = ss_msg_piece_next(&answer, NOUT, &m)) == 1) {
		if (m.out_index == SS_ECALL_NEED) {
			if (m.bytes.len != 4)
				abort();
		} else if (m.out_index >= NOUT)
			abort();
		inside(&m.bytes);
		pos += ss_msg_piece_encode(&m, enc + pos);
		if (answer.p != data + pos || memcmp(enc, data, pos) != 0)
			abort();
	}
	if (rc != 0) {
		refused(SS_EXIT_SYS);
		return;
	}
	same(enc, pos);
}

static void
small(void)
{
	uint32_t need;

	if (ss_msg_small_decode(&need, data, size) != 0) {
		refused(SS_EXIT_SYS);
		return;
	}
	same(enc, ss_msg_small_encode(enc, need));
}

/* The channel's messages: the first SS_CHAN_HDR_LEN bytes. */
static void
channel(void)
{
	struct ss_msg_chan_hello hello;
	struct ss_msg_chan_hdr hdr;

	if (size < SS_CHAN_HDR_LEN)
		return;
	if (ss_msg_chan_hello_decode(&hello, data) == 0 &&
	    (ss_msg_chan_hello_encode(&hello, enc) != SS_CHAN_HDR_LEN ||
	    memcmp(enc, data, SS_CHAN_HDR_LEN) != 0))
		abort();
	ss_msg_chan_hdr_decode(&hdr, data);
	if (ss_msg_chan_hdr_encode(&hdr, enc) != SS_CHAN_HDR_LEN ||
	    memcmp(enc, data, SS_CHAN_HDR_LEN) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t * d, size_t n)
{

	data = d;
	size = n;
	/* Room for the input, and a need piece more than a cut one. */
	if ((enc = malloc(n + SS_MSG_NEED_LEN + SS_CHAN_HDR_LEN)) == NULL)
		abort();
	init();
	init_answer();
	load();
	identity();
	open_request(0);
	open_request(1);
	chunk_request(0);
	chunk_request(1);
	answer();
	pieces();
	small();
	channel();
	free(enc);
	ss_err_clear();
	return (0);
}
