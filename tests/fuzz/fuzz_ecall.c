/*
 * libFuzzer harness for the enclave's ecall interface, as a hostile host
 * would use it: the in-process enclave (the none backend's code) gets a
 * sequence of ecalls, and ss_enclave_reset() ends every run.
 *
 * At startup the harness makes, in a private directory:
 *	image	a stand-in enclave image to measure
 *	id	an identity file: the stage key, bytes 0x60 + i (the
 *		ss-format(5) test vector's recipient)
 *	plat/	a platform, and with it a stage identity sealed for the
 *		default program
 * and an input stream header sealed to the stage key with a file key it
 * keeps, so that it can seal chunks of its own.
 *
 * The first input byte chooses a mode (mod 3):
 *
 * 0 raw	the rest is records id[1] len[2] bytes[len]: ecall id
 *		with those bytes.  In INIT requests '/' becomes '_', so
 *		that only files in the working directory can be named (no
 *		/dev/zero, no FIFO that would block).
 *		Bit 2 of the mode byte: the calls go through
 *		ss_enclave_ecall_grow(), as the transports make them;
 *		otherwise into a buffer of SS_ECALL_OUT_MIN bytes, so that
 *		SS_ECALL_SMALL answers come back.
 * 1 init	a field list (up to a NUL; empty: "b,x=a"; every INIT
 *		made here names the output recipient below), then
 *		flags[1] (bits 0-1 the
 *		key kind; bit 2 SS_INIT_ATTEST; bit 3 flip the sealed
 *		identity's byte pos[1]; bit 4 grow as above), chunk[1]
 *		(chunk size 1024 + 64 * chunk): a valid INIT request for
 *		that program, then raw records as in mode 0.  (A sealed
 *		identity opens only in an isolated enclave, so here it is
 *		refused after the request is checked.)
 * 2 flow	a field list (up to a NUL), chunk[1]: a valid INIT with
 *		the identity file and a valid OPEN, then records
 *		op[1] len[2] bytes[len]; by op & 3:
 *		0  seal bytes as the next input chunk (final: op & 4;
 *		   SS_CHUNK_FLUSH: op & 8) and send it
 *		1  send bytes as a CHUNK request as they are
 *		2  PULL
 *		3  seal bytes under another chunk number: must be refused
 *		Every output chunk must open with the output recipient's
 *		key (bytes 0x20 + i) and parse as a batch, in order.
 *
 * 2 with bit 6 of the mode byte set: a framed flow (several inputs or
 *   outputs, libcore/common/ecall.h).  prog[1]: by prog & 3, ss-route --hash b
 *   (0), --round-robin (1) or --broadcast (2) with n = 1 + (prog >> 2 &
 *   3), or (3) ss-merge of 1 + (prog >> 2 & 3) % 3 inputs, sorted by b
 *   if prog & 0x10; then chunk[1] as in mode 2, a valid INIT, a valid OPEN
 *   of every input (headers sealed to the stage key, each under a file
 *   key of its own), and records as in mode 2 whose input is
 *   (op >> 4) % ninputs.  Every answer must be well framed: output pieces
 *   of outputs that exist, each output's chunks open with the output
 *   recipient's key and parse, in order; then one need piece naming an
 *   input or none.  A chunk of an input other than the one needed must be
 *   refused.
 *
 * In every mode: a status is OK, SMALL (with a size that is needed) or an
 * exit status with a message; once a call fails, every later call fails.
 * With $FUZZ_ECALL_TRACE set, every call and its answer is printed: run
 * FUZZ_ECALL_TRACE=1 build-fuzz/fuzz_ecall FILE to see what a seed does.
 *
 * The seeds in corpus/ecall were written with a few lines of Python that
 * follow the formats above: flows over a hand-made schema (a,b,c) and
 * record batches (widths 2 and 4, an empty final batch, 200 small records
 * for a 1024-byte chunk size), a missing field, a replayed chunk, chunks
 * after the final one; INIT with each key kind, with attestation, with a
 * flipped sealed identity, with a bad field list; raw INIT requests;
 * framed flows (framed-*): ss-route by hash, round robin and broadcast,
 * a missing hash field; ss-merge interleaved and sorted, a chunk of an
 * input not needed, mismatched columns, an input out of order, a chunk
 * under the wrong number.
 */

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "batch.h"
#include "ecall.h"
#include "ecall_msg.h"
#include "enclave.h"
#include "err.h"
#include "frame.h"
#include "key.h"
#include "keyfile.h"
#include "platform.h"
#include "platform_dir.h"
#include "program.h"
#include "tee_quote.h"

#include "fuzz_util.h"

#define DEFAULT_FIELDS	"b,x=a"
#define FIELDS_MAX	256
#define CALLS_MAX	256

static char dir[FU_DIR_MAX];
/* The files in it. */
static char image_path[FU_PATH_MAX], id_path[FU_PATH_MAX];
static char plat_path[FU_PATH_MAX];
static uint8_t * out;			/* grown by ss_enclave_ecall_grow */
static size_t outcap;
static uint8_t * small;			/* SS_ECALL_OUT_MIN */
static char consumer_pk[SS_PUBKEY_TEXT_LEN + 1];
static struct ss_identities * consumer;
static uint8_t sealed[512];
static size_t sealed_len;
static uint8_t * file_key;		/* of the input stream */
static uint8_t header[SS_HEADER_LEN(1)];
/* The inputs of framed flows: each a stream of its own. */
#define FRAMED_IN_MAX	3
#define FRAMED_OUT_MAX	4
static uint8_t * in_keys[FRAMED_IN_MAX];
static uint8_t in_headers[FRAMED_IN_MAX][SS_HEADER_LEN(1)];

/* $FUZZ_ECALL_TRACE: print every call and its answer (for replays). */
static int trace;

/* Per run. */
static int failed;			/* a call has failed */

static void
cleanup(void)
{
	static const char * const files[] = { "image", "id",
	    "plat/" SS_PLATFORM_SEAL_FILE, "plat/" SS_PLATFORM_ATTEST_FILE,
	    "plat/" SS_PLATFORM_PUB_FILE, "plat" };
	char path[4200];
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		if (unlink(path) != 0)
			rmdir(path);
	}
	rmdir(dir);
}

/*
 * Make an ecall and check the answer's shape.  With ${grow}, through
 * ss_enclave_ecall_grow() as the transports make them (into ${out},
 * grown as needed); without, into a buffer of the smallest size, so that
 * SS_ECALL_SMALL answers come back to the caller.
 */
static uint32_t
call(uint32_t id, const uint8_t * in, size_t inlen, size_t * outlen,
    int grow)
{
	uint32_t status, need;
	uint8_t * buf;

	if (grow) {
		status = ss_enclave_ecall_grow(id, in, inlen, &out, &outcap,
		    outlen);
		if (outcap < SS_ECALL_OUT_MIN || outcap > SS_ECALL_OUT_MAX ||
		    status == SS_ECALL_SMALL)
			abort();
		buf = out;
	} else {
		status = ss_enclave_ecall(id, in, inlen, small,
		    SS_ECALL_OUT_MIN, outlen);
		buf = small;
	}
	if (*outlen > (grow ? outcap : SS_ECALL_OUT_MIN))
		abort();
	if (trace)
		fprintf(stderr, "ecall %u (%zu bytes): status %u, %zu bytes%s"
		    "%.*s\n", (unsigned)id, inlen, (unsigned)status, *outlen,
		    (status > SS_ECALL_OK && status != SS_ECALL_SMALL) ?
		    ": " : "", (status > SS_ECALL_OK &&
		    status != SS_ECALL_SMALL) ? (int)*outlen : 0,
		    (const char *)buf);
	switch (status) {
	case SS_ECALL_OK:
		/* A failed enclave takes no more calls. */
		if (failed)
			abort();
		break;
	case SS_ECALL_SMALL:
		/* The size it needs, more than it had, at most the most. */
		if (failed || ss_msg_small_decode(&need, buf, *outlen) != 0 ||
		    need <= SS_ECALL_OUT_MIN || need > SS_ECALL_OUT_MAX)
			abort();
		break;
	case SS_EXIT_DATA:
	case SS_EXIT_SYS:
		failed = 1;
		if (*outlen == 0 || memchr(buf, '\0', *outlen) != NULL)
			abort();
		break;
	default:
		abort();
	}
	ss_err_clear();
	return (status);
}

/*
 * Build an INIT request for program ${p} (freed), to the output recipient
 * CONSUMER, into a new buffer.
 */
static uint8_t *
program_init(struct ss_program * p, uint32_t flags, uint32_t chunk_size,
    uint8_t keykind, const void * key, size_t keylen, size_t * len)
{
	struct ss_msg_init m = {
		.flags = flags, .chunk_size = chunk_size, .keykind = keykind,
		.image = ss_msg_str(image_path),
		.platform_dir = ss_msg_str(plat_path),
		.key = { key, keylen }, .keyname = ss_msg_str("key"),
	};

	return (fu_init_request(&m, p, consumer_pk, len));
}

/* Build an INIT request for ss-map -f ${fields} -r CONSUMER. */
static uint8_t *
init_request(const char * fields, uint32_t flags, uint32_t chunk_size,
    uint8_t keykind, const void * key, size_t keylen, size_t * len)
{
	struct ss_program * p;

	if ((p = ss_program_new("map")) == NULL ||
	    ss_program_add(p, "fields", fields, strlen(fields)) != 0)
		abort();
	return (program_init(p, flags, chunk_size, keykind, key, keylen,
	    len));
}

int
LLVMFuzzerInitialize(int * argc, char *** argv)
{
	uint8_t sk[SS_KEY_LEN], pk[SS_KEY_LEN];
	struct ss_recipients * r;
	struct ss_msg_identity id;
	uint8_t * req;
	size_t i, len;

	fu_init(argc, argv);
	trace = (getenv("FUZZ_ECALL_TRACE") != NULL);
	/* The image, the stage's identity file, the input streams' headers. */
	r = fu_stage_dir(dir, image_path, id_path, "fuzz_ecall");
	atexit(cleanup);
	snprintf(plat_path, sizeof(plat_path), "%s/plat", dir);
	outcap = SS_ECALL_OUT_MIN;
	if ((out = malloc(outcap)) == NULL ||
	    (small = malloc(SS_ECALL_OUT_MIN)) == NULL)
		abort();
	file_key = fu_input_header(r, header, 0x5f, 0x5a);
	for (i = 0; i < FRAMED_IN_MAX; i++)
		in_keys[i] = fu_input_header(r, in_headers[i], 0x30 + (int)i,
		    0x40 + (int)i);
	ss_recipients_free(r);

	/* The output recipient. */
	fu_consumer_key(consumer_pk, sk, pk);
	if ((consumer = ss_identities_new()) == NULL ||
	    ss_identities_add(consumer, sk) != 0)
		abort();

	/* A platform and a sealed identity for the default program. */
	if (ss_platform_init(plat_path, SS_TEE_SOFTWARE, pk) != 0) {
		fprintf(stderr, "fuzz_ecall: %s\n", ss_err_msg());
		abort();
	}
	req = init_request(DEFAULT_FIELDS, SS_INIT_ATTEST, 65536,
	    SS_KEY_NONE, NULL, 0, &len);
	if (call(SS_ECALL_INIT, req, len, &len, 1) != SS_ECALL_OK ||
	    call(SS_ECALL_NEW_IDENTITY, NULL, 0, &len, 1) != SS_ECALL_OK ||
	    ss_msg_identity_decode(&id, out, len) != 0 ||
	    (sealed_len = id.sealed.len) > sizeof(sealed)) {
		fprintf(stderr, "fuzz_ecall: cannot make a sealed identity: "
		    "%.*s\n", (int)len, (const char *)out);
		abort();
	}
	memcpy(sealed, id.sealed.p, sealed_len);
	free(req);
	ss_enclave_reset();
	failed = 0;
	return (0);
}

/* A record of the input: tag[1] len[2] bytes[len], cut to what is left. */
static int
next_record(const uint8_t ** d, size_t * n, uint8_t * tag,
    const uint8_t ** p, size_t * len)
{

	if (*n < 3)
		return (0);
	*tag = (*d)[0];
	*len = (size_t)(*d)[1] << 8 | (*d)[2];
	*d += 3;
	*n -= 3;
	if (*len > *n)
		*len = *n;
	*p = *d;
	*d += *len;
	*n -= *len;
	return (1);
}

static void
raw_calls(const uint8_t * d, size_t n, int grow)
{
	const uint8_t * p;
	uint8_t * copy;
	uint8_t id;
	size_t len, outlen, i, ncalls = 0;

	while (ncalls++ < CALLS_MAX && next_record(&d, &n, &id, &p, &len)) {
		if ((copy = malloc(len + 1)) == NULL)
			abort();
		memcpy(copy, p, len);
		if (id == SS_ECALL_INIT)
			for (i = 0; i < len; i++)
				if (copy[i] == '/')
					copy[i] = '_';
		(void)call(id, copy, len, &outlen, grow);
		free(copy);
	}
}

/* A field list: the input up to a NUL (or its end). */
static void
take_fields(char fields[FIELDS_MAX + 1], const uint8_t ** d, size_t * n)
{
	size_t len = 0;

	while (len < *n && len < FIELDS_MAX && (*d)[len] != '\0')
		len++;
	memcpy(fields, *d, len);
	fields[len] = '\0';
	if (len < *n)
		len++;			/* the NUL */
	*d += len;
	*n -= len;
	if (fields[0] == '\0')
		strcpy(fields, DEFAULT_FIELDS);
}

static void
mode_init(const uint8_t * d, size_t n)
{
	char fields[FIELDS_MAX + 1];
	uint8_t key[sizeof(sealed)];
	uint8_t flags = 0, chunk = 0, kind;
	const void * k = NULL;
	uint8_t * req;
	size_t klen = 0, len, outlen;

	take_fields(fields, &d, &n);
	if (n >= 2) {
		flags = d[0];
		chunk = d[1];
		d += 2;
		n -= 2;
	}
	kind = flags & 3;
	if (kind == SS_KEY_IDENTITY) {
		k = id_path;
		klen = strlen(id_path);
	} else if (kind == SS_KEY_SEALED) {
		memcpy(key, sealed, sealed_len);
		if ((flags & 8) && n >= 1) {
			key[d[0] % sealed_len] ^= 0x01;
			d++;
			n--;
		}
		k = key;
		klen = sealed_len;
	}
	req = init_request(fields, (flags & 4) ? SS_INIT_ATTEST : 0,
	    1024 + 64 * (uint32_t)chunk, kind, k, klen, &len);
	(void)call(SS_ECALL_INIT, req, len, &outlen, 1);
	free(req);
	raw_calls(d, n, flags & 16);
}

/* The consumer's view of the enclave's output stream. */
struct reader {
	struct ss_aead * aead;
	uint64_t chunks;
	uint32_t ncolumns;
	int done;
};

/* Every output chunk must open and parse, in order. */
static void
check_chunks(struct reader * rd, const uint8_t * p, size_t len)
{
	struct ss_batch b;
	uint8_t * pt;
	uint32_t clen;
	int final;

	while (len > 0) {
		if (rd->aead == NULL || rd->done || len < SS_CHUNK_WIRE_LEN(0) ||
		    ss_frame_prefix_read(p, &clen, &final) != 0 ||
		    len < SS_CHUNK_WIRE_LEN(clen))
			abort();
		if ((pt = malloc(clen + 1)) == NULL)
			abort();
		if (ss_frame_chunk_open(rd->aead, rd->chunks, final,
		    p + SS_CHUNK_PREFIX_LEN, clen, pt) != 0)
			abort();
		rd->chunks++;
		if (ss_batch_parse_chunk(&b, pt, clen, rd->chunks,
		    &rd->ncolumns) != 0)
			abort();
		free(pt);
		rd->done = final;
		p += SS_CHUNK_WIRE_LEN(clen);
		len -= SS_CHUNK_WIRE_LEN(clen);
	}
}

static void
mode_flow(const uint8_t * d, size_t n)
{
	char fields[FIELDS_MAX + 1];
	struct reader rd = { NULL, 0, 0, 0 };
	struct ss_aead * in_aead;
	uint8_t * req, * fk;
	const uint8_t * p;
	uint64_t in_chunks = 0;
	uint8_t chunk = 0, op;
	size_t len, outlen, hn, ncalls = 0;
	uint32_t status;

	take_fields(fields, &d, &n);
	if (n >= 1) {
		chunk = d[0];
		d++;
		n--;
	}
	req = init_request(fields, 0, 1024 + 64 * (uint32_t)chunk,
	    SS_KEY_IDENTITY, id_path, strlen(id_path), &len);
	(void)call(SS_ECALL_INIT, req, len, &outlen, 1);
	free(req);
	if (call(SS_ECALL_OPEN, header, sizeof(header), &outlen, 1) ==
	    SS_ECALL_OK) {
		/* The output header, for the consumer. */
		if ((fk = sodium_malloc(SS_FILE_KEY_LEN)) == NULL)
			abort();
		if (outlen != SS_HEADER_LEN(1) ||
		    ss_frame_header_fixed(out, &hn) != 0 || hn != 1 ||
		    ss_frame_header_open(out, consumer, fk) != 0 ||
		    (rd.aead = ss_frame_payload_aead(fk,
		    out + SS_MAGIC_LEN + 4)) == NULL)
			abort();
		sodium_free(fk);
	}
	if ((in_aead = ss_frame_payload_aead(file_key,
	    header + SS_MAGIC_LEN + 4)) == NULL)
		abort();

	while (ncalls++ < CALLS_MAX && next_record(&d, &n, &op, &p, &len)) {
		if ((op & 3) == 2) {
			status = call(SS_ECALL_PULL, NULL, 0, &outlen, 1);
		} else if ((op & 3) == 1) {
			status = call(SS_ECALL_CHUNK, p, len, &outlen, 1);
		} else {
			if ((req = malloc(SS_MSG_CHUNK_HDR(0) +
			    SS_CHUNK_WIRE_LEN(len))) == NULL)
				abort();
			ss_msg_chunk_put_header(req, 0,
			    (op & 8) ? SS_CHUNK_FLUSH : 0, 0);
			if (ss_frame_chunk_seal(in_aead, in_chunks +
			    ((op & 3) == 3 ? 1 + (op >> 4) : 0), (op & 4) != 0,
			    p, len, req + SS_MSG_CHUNK_HDR(0)) != 0)
				abort();
			status = call(SS_ECALL_CHUNK, req, SS_MSG_CHUNK_HDR(0) +
			    SS_CHUNK_WIRE_LEN(len), &outlen, 1);
			free(req);
			if ((op & 3) == 0)
				in_chunks++;
			else if (status == SS_ECALL_OK)
				abort();	/* a chunk out of place */
		}
		if (status == SS_ECALL_OK)
			check_chunks(&rd, out, outlen);
	}
	ss_aead_free(in_aead);
	ss_aead_free(rd.aead);
}

/* The INIT request of a framed flow's program, chosen by ${prog}. */
static uint8_t *
framed_init(uint8_t prog, uint32_t chunk_size, size_t * nin,
    size_t * nout, size_t * len)
{
	struct ss_program * p;
	char num[8];
	int ok;

	if ((prog & 3) == 3) {
		*nin = 1 + (size_t)((prog >> 2) & 3) % 3;
		*nout = 1;
		if ((p = ss_program_new("merge")) == NULL)
			abort();
		snprintf(num, sizeof(num), "%zu", *nin);
		ok = ss_program_add(p, "inputs", num, strlen(num)) == 0 &&
		    ((prog & 0x10) == 0 ||
		    ss_program_add(p, "sorted-by", "b", 1) == 0);
	} else {
		*nin = 1;
		*nout = 1 + (size_t)((prog >> 2) & 3);
		if ((p = ss_program_new("route")) == NULL)
			abort();
		snprintf(num, sizeof(num), "%zu", *nout);
		ok = ss_program_add(p, "n", num, strlen(num)) == 0 &&
		    ss_program_add(p, (prog & 3) == 0 ? "hash" :
		    (prog & 3) == 1 ? "round-robin" : "broadcast",
		    (prog & 3) == 0 ? "b" : "1", 1) == 0;
	}
	if (!ok)
		abort();
	return (program_init(p, 0, chunk_size, SS_KEY_IDENTITY, id_path,
	    strlen(id_path), len));
}

/*
 * Check a framed answer: output pieces of outputs that exist, the first
 * of each its header (which the consumer opens), then its chunks; last,
 * one need piece.  Return what is needed.
 */
static uint32_t
check_framed(struct reader * rd, size_t nout, size_t nin, const uint8_t * p,
    size_t len)
{
	struct ss_msg_bytes answer = { p, len };
	struct ss_msg_piece m;
	uint8_t * fk;
	uint32_t need = 0;
	size_t hn;
	int rc, seen_need = 0;

	while ((rc = ss_msg_piece_next(&answer, nout, &m)) == 1) {
		if (seen_need)
			abort();
		if (m.out_index == SS_ECALL_NEED) {
			need = m.need;
			if (need != SS_ECALL_NEED && need >= nin)
				abort();
			seen_need = 1;
		} else if (rd[m.out_index].aead == NULL) {
			/* The header. */
			if ((fk = sodium_malloc(SS_FILE_KEY_LEN)) == NULL)
				abort();
			if (m.bytes.len != SS_HEADER_LEN(1) ||
			    ss_frame_header_fixed(m.bytes.p, &hn) != 0 ||
			    hn != 1 || ss_frame_header_open(m.bytes.p,
			    consumer, fk) != 0 ||
			    (rd[m.out_index].aead = ss_frame_payload_aead(fk,
			    m.bytes.p + SS_MAGIC_LEN + 4)) == NULL)
				abort();
			sodium_free(fk);
		} else
			check_chunks(&rd[m.out_index], m.bytes.p, m.bytes.len);
	}
	if (rc != 0 || !seen_need)
		abort();
	return (need);
}

static void
mode_framed(const uint8_t * d, size_t n)
{
	struct reader rd[FRAMED_OUT_MAX];
	struct ss_aead * aead[FRAMED_IN_MAX];
	struct ss_msg_open om;
	uint64_t chunks[FRAMED_IN_MAX] = { 0 };
	uint8_t * req;
	const uint8_t * p;
	uint8_t prog = 0, chunk = 0, op;
	size_t nin, nout, len, outlen, i, k, ncalls = 0;
	uint32_t status, need = SS_ECALL_NEED;
	int opened = 1;

	memset(rd, 0, sizeof(rd));
	if (n >= 2) {
		prog = d[0];
		chunk = d[1];
		d += 2;
		n -= 2;
	}
	req = framed_init(prog, 1024 + 64 * (uint32_t)chunk, &nin, &nout,
	    &len);
	if (call(SS_ECALL_INIT, req, len, &outlen, 1) != SS_ECALL_OK)
		abort();
	free(req);
	for (i = 0; i < nin; i++) {
		om.in_index = (uint32_t)i;
		om.header.p = in_headers[i];
		om.header.len = SS_HEADER_LEN(1);
		if ((req = malloc(SS_MSG_OPEN_HDR(1) + SS_HEADER_LEN(1))) ==
		    NULL)
			abort();
		status = call(SS_ECALL_OPEN, req,
		    ss_msg_open_encode(&om, 1, req), &outlen, 1);
		free(req);
		if (status != SS_ECALL_OK)
			abort();
		need = check_framed(rd, nout, nin, out, outlen);
		if ((aead[i] = ss_frame_payload_aead(in_keys[i],
		    in_headers[i] + SS_MAGIC_LEN + 4)) == NULL)
			abort();
	}
	/* Every output's header came with the first OPEN. */
	for (i = 0; i < nout; i++)
		if (rd[i].aead == NULL)
			opened = 0;
	if (!opened)
		abort();

	while (ncalls++ < CALLS_MAX && next_record(&d, &n, &op, &p, &len)) {
		k = (size_t)(op >> 4) % nin;
		if ((op & 3) == 2) {
			status = call(SS_ECALL_PULL, NULL, 0, &outlen, 1);
		} else if ((op & 3) == 1) {
			status = call(SS_ECALL_CHUNK, p, len, &outlen, 1);
		} else {
			if ((req = malloc(SS_MSG_CHUNK_HDR(1) +
			    SS_CHUNK_WIRE_LEN(len))) == NULL)
				abort();
			ss_msg_chunk_put_header(req, 1,
			    (op & 8) ? SS_CHUNK_FLUSH : 0, (uint32_t)k);
			if (ss_frame_chunk_seal(aead[k], chunks[k] +
			    ((op & 3) == 3 ? 1 : 0), (op & 4) != 0, p, len,
			    req + SS_MSG_CHUNK_HDR(1)) != 0)
				abort();
			status = call(SS_ECALL_CHUNK, req, SS_MSG_CHUNK_HDR(1) +
			    SS_CHUNK_WIRE_LEN(len), &outlen, 1);
			free(req);
			if ((op & 3) == 0)
				chunks[k]++;
			if (status == SS_ECALL_OK && ((op & 3) == 3 ||
			    (need != SS_ECALL_NEED && need != k)))
				abort();	/* out of place, not needed */
		}
		if (status == SS_ECALL_OK)
			need = check_framed(rd, nout, nin, out, outlen);
	}
	for (i = 0; i < nin; i++)
		ss_aead_free(aead[i]);
	for (i = 0; i < nout; i++)
		ss_aead_free(rd[i].aead);
}

int
LLVMFuzzerTestOneInput(const uint8_t * data, size_t size)
{

	failed = 0;
	/* Start small again, so that outputs make the buffer grow. */
	if (outcap > SS_ECALL_OUT_MIN) {
		free(out);
		outcap = SS_ECALL_OUT_MIN;
		if ((out = malloc(outcap)) == NULL)
			abort();
	}
	if (size >= 1) {
		switch (data[0] % 3) {
		case 0:
			raw_calls(data + 1, size - 1, data[0] & 4);
			break;
		case 1:
			mode_init(data + 1, size - 1);
			break;
		default:
			if (data[0] & 0x40)
				mode_framed(data + 1, size - 1);
			else
				mode_flow(data + 1, size - 1);
			break;
		}
	}
	ss_enclave_reset();
	ss_err_clear();
	return (0);
}
