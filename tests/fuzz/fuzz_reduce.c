/*
 * libFuzzer harness for ss-reduce's parsers of untrusted input inside the
 * enclave: partial-state rows read by --merge (counts, exact sums, value
 * sets, differences, window starts) and event times read by the windows,
 * through the whole in-process enclave (INIT, OPEN, CHUNK) as a stage
 * runs it.
 *
 * At startup the harness makes, in a private directory, an identity file
 * (the stage key, bytes 0x60 + i) and an input stream header sealed to it
 * with a file key it keeps, so that it can seal chunks of its own.
 *
 * The input:
 *	program[1]	mod 6, one of programs[] below
 *	flags[1]	bit 0: the first line is the header (otherwise the
 *			program's own input header); bits 4-7: records per
 *			chunk, 1 + flags >> 4
 *	text		lines separated by '\n', cells by ','; every line is
 *			one record, cut or padded with empty cells to the
 *			header's width.
 *
 * Every call must answer OK, or fail with status 1 (the data is refused)
 * and a message; status 2 (a system error) is a bug here.  Each run ends
 * with ss_enclave_reset(), so leaks show.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch.h"
#include "ecall.h"
#include "ecall_msg.h"
#include "enclave.h"
#include "err.h"
#include "frame.h"
#include "key.h"
#include "keyfile.h"
#include "program.h"

#include "fuzz_util.h"

#define LINES_MAX	512
#define CELLS_MAX	64

/* The programs: argument pairs, then the input header they expect. */
static const struct {
	const char * args[16];
	const char * header;
} programs[] = {
	{ { "merge", "1", "acc", "count,sum,var,min,max,first,last,"
	    "distinct_count,rmssd,sdsd,pnn50", "fields", "x", "groups", "g",
	    "max-groups", "50", NULL },
	  "g,x_n,x_nnum,x_sum,x_sumsq,x_min,x_max,x_first,x_last,x_distinct,"
	  "x_dfirst,x_dlast,x_dsum,x_dsumsq,x_dn50" },
	{ { "merge", "1", "acc", "count,mean,distinct_count", "fields", "x",
	    "groups", "g", "tumbling", "5m", "time", "t" },
	  "window_start,g,x_n,x_nnum,x_sum,x_distinct" },
	{ { "acc", "count,sum,mean,min,max,var,stddev,first,last,"
	    "distinct_count,rmssd,sdsd,pnn50", "fields", "x", "groups", "g",
	    "tumbling", "10", "time", "t", "lateness", "5", NULL },
	  "t,g,x" },
	{ { "acc", "count,var,rmssd", "fields", "x", "groups", "g",
	    "sliding", "10,5", "time", "t", "max-groups", "20", NULL },
	  "t,g,x" },
	{ { "acc", "count,first,last,distinct_count", "fields", "x,t",
	    "groups", "g", "count", "3", "max-groups", "20", NULL },
	  "t,g,x" },
	{ { "partial", "1", "acc", "sum,min,distinct_count,sdsd", "fields",
	    "x", "groups", "g", "tumbling", "1h", "time", "t", NULL },
	  "t,g,x" },
};
#define NPROGRAMS	(sizeof(programs) / sizeof(programs[0]))

static char dir[FU_DIR_MAX], image_path[FU_PATH_MAX], id_path[FU_PATH_MAX];
static char consumer_pk[SS_PUBKEY_TEXT_LEN + 1];
static uint8_t * out;
static size_t outcap;
static uint8_t * file_key;
static uint8_t header[SS_HEADER_LEN(1)];

static void
cleanup(void)
{

	unlink(image_path);
	unlink(id_path);
	rmdir(dir);
}

/* Make an ecall; return 0 if it answered OK, 1 if it refused the data. */
static int
call(uint32_t id, const uint8_t * in, size_t inlen)
{
	size_t outlen;
	uint32_t status;

	status = ss_enclave_ecall_grow(id, in, inlen, &out, &outcap, &outlen);
	ss_err_clear();
	if (status == SS_ECALL_OK)
		return (0);
	if (status != SS_EXIT_DATA || outlen == 0) {
		fprintf(stderr, "fuzz_reduce: ecall %u: status %u: %.*s\n",
		    (unsigned)id, (unsigned)status, (int)outlen,
		    (const char *)out);
		abort();
	}
	return (1);
}

/* The INIT request of programs[${k}], with the stage's identity file. */
static uint8_t *
init_request(size_t k, size_t * len)
{
	struct ss_msg_init m = {
		.chunk_size = 1024, .keykind = SS_KEY_IDENTITY,
		.image = ss_msg_str(image_path), .platform_dir = ss_msg_str(dir),
		.key = ss_msg_str(id_path), .keyname = ss_msg_str("key"),
	};
	struct ss_program * p;
	size_t i;

	if ((p = ss_program_new("reduce")) == NULL)
		abort();
	for (i = 0; i < 16 && programs[k].args[i] != NULL; i += 2)
		if (ss_program_add(p, programs[k].args[i],
		    programs[k].args[i + 1],
		    strlen(programs[k].args[i + 1])) != 0)
			abort();
	return (fu_init_request(&m, p, consumer_pk, len));
}

int
LLVMFuzzerInitialize(int * argc, char *** argv)
{
	struct ss_recipients * r;

	fu_init(argc, argv);
	r = fu_stage_dir(dir, image_path, id_path, "fuzz_reduce");
	atexit(cleanup);
	file_key = fu_input_header(r, header, 0x5f, 0x5a);
	ss_recipients_free(r);
	outcap = SS_ECALL_OUT_MIN;
	if ((out = malloc(outcap)) == NULL)
		abort();
	fu_consumer_key(consumer_pk, NULL, NULL);
	return (0);
}

/* Split ${s} (${len} bytes) at ${sep} into at most ${max} pieces. */
static size_t
split(const uint8_t * s, size_t len, uint8_t sep, const uint8_t ** p,
    size_t * l, size_t max)
{
	size_t n = 0, start = 0, i;

	for (i = 0; i <= len && n < max; i++)
		if (i == len || s[i] == sep) {
			p[n] = s + start;
			l[n++] = i - start;
			start = i + 1;
		}
	return (n);
}

/* Seal ${b}'s batch as input chunk ${*counter} and send it. */
static int
send_batch(struct ss_aead * a, struct ss_batch_builder * bb, uint8_t type,
    uint64_t * counter, int final)
{
	const uint8_t * pt;
	uint8_t * req;
	size_t len;
	int rc;

	if (ss_batch_builder_finish(bb, type, &pt, &len) != 0 ||
	    (req = malloc(SS_MSG_CHUNK_HDR(0) + SS_CHUNK_WIRE_LEN(len))) ==
	    NULL)
		abort();
	ss_msg_chunk_put_header(req, 0, 0, 0);
	if (ss_frame_chunk_seal(a, (*counter)++, final, pt, len,
	    req + SS_MSG_CHUNK_HDR(0)) != 0)
		abort();
	rc = call(SS_ECALL_CHUNK, req, SS_MSG_CHUNK_HDR(0) +
	    SS_CHUNK_WIRE_LEN(len));
	free(req);
	return (rc);
}

static void
run(size_t k, uint8_t flags, const uint8_t * d, size_t n)
{
	static const uint8_t * lines[LINES_MAX];
	static size_t llens[LINES_MAX];
	const uint8_t * cells[CELLS_MAX], * hcells[CELLS_MAX];
	size_t clens[CELLS_MAX], hlens[CELLS_MAX];
	const char * h = programs[k].header;
	struct ss_batch_builder * bb = NULL;
	struct ss_aead * a = NULL;
	uint64_t counter = 0;
	size_t nlines, width, i, j, first = 0, len, per, inbatch = 0;
	uint8_t * req;

	nlines = split(d, n, '\n', lines, llens, LINES_MAX);
	if (flags & 1) {
		width = split(lines[0], llens[0], ',', hcells, hlens,
		    CELLS_MAX);
		first = 1;
	} else
		width = split((const uint8_t *)h, strlen(h), ',', hcells,
		    hlens, CELLS_MAX);
	per = 1 + (flags >> 4);

	req = init_request(k, &len);
	if (call(SS_ECALL_INIT, req, len) != 0)
		abort();
	free(req);
	if (call(SS_ECALL_OPEN, header, sizeof(header)) != 0)
		abort();
	if ((a = ss_frame_payload_aead(file_key,
	    header + SS_MAGIC_LEN + 4)) == NULL ||
	    (bb = ss_batch_builder_new((uint32_t)width, SIZE_MAX)) == NULL ||
	    ss_batch_builder_add(bb, hcells, hlens) != 0)
		abort();
	if (send_batch(a, bb, SS_BATCH_SCHEMA, &counter, 0) != 0)
		goto done;
	for (i = first; i < nlines; i++) {
		j = split(lines[i], llens[i], ',', cells, clens, width);
		for (; j < width; j++) {
			cells[j] = (const uint8_t *)"";
			clens[j] = 0;
		}
		if (ss_batch_builder_add(bb, cells, clens) != 0)
			abort();
		if (++inbatch == per) {
			inbatch = 0;
			if (send_batch(a, bb, SS_BATCH_RECORDS, &counter,
			    i + 1 == nlines) != 0)
				goto done;
			if (i + 1 == nlines)
				goto done;
		}
	}
	(void)send_batch(a, bb, SS_BATCH_RECORDS, &counter, 1);
done:
	ss_batch_builder_free(bb);
	ss_aead_free(a);
}

int
LLVMFuzzerTestOneInput(const uint8_t * data, size_t size)
{

	if (size >= 2)
		run(data[0] % NPROGRAMS, data[1], data + 2, size - 2);
	ss_enclave_reset();
	if (outcap > SS_ECALL_OUT_MIN) {
		free(out);
		outcap = SS_ECALL_OUT_MIN;
		if ((out = malloc(outcap)) == NULL)
			abort();
	}
	return (0);
}
