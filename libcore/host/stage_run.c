/*
 * Running a stage (stage.h): start its enclave with the program and the
 * stage key (INIT), hand it the program's files (LOAD), then move
 * ciphertext: each chunk of the input stream in (CHUNK), what comes back
 * out.  The loops of stages with several inputs or outputs are in
 * stage_framed.c.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ecall.h"
#include "ecall_msg.h"
#include "err.h"
#include "frame.h"
#include "grow.h"
#include "io.h"
#include "platform_dir.h"
#include "program.h"
#include "stage.h"
#include "stream.h"
#include "tee.h"

#define SEALED_FILE_MAX	4096
#define BATCH_BYTES	(256 * 1024)	/* chunks per enclave call */
#define LOAD_PIECE	(256 * 1024)	/* program file bytes per call */

int
ss_stage_load(struct ss_enclave * e, const struct ss_stage_opts * o)
{
	const struct ss_stage_file * sf;
	struct ss_msg_load m;
	const uint8_t * out;
	uint8_t * req;
	size_t i, k, pos, n, outlen;
	int rc = -1;

	if (o->nfiles == 0)
		return (0);
	if ((req = malloc(SS_MSG_LOAD_HDR + LOAD_PIECE)) == NULL) {
		ss_err_errno("malloc");
		return (-1);
	}
	/* In the program's (canonical) order, as the enclave expects. */
	for (i = 0; i < o->program->n; i++) {
		for (k = 0; k < o->nfiles; k++)
			if (strcmp(o->files[k].key, o->program->e[i].key) == 0)
				break;
		if (k == o->nfiles)
			continue;
		sf = &o->files[k];
		pos = 0;
		do {
			n = (sf->len - pos > LOAD_PIECE) ? LOAD_PIECE :
			    sf->len - pos;
			m.flags = (pos + n == sf->len) ? SS_LOAD_END : 0;
			m.bytes.p = sf->data + pos;
			m.bytes.len = n;
			if (ss_tee_call(e, SS_ECALL_LOAD, req,
			    ss_msg_load_encode(&m, req), &out, &outlen) != 0)
				goto done;
			pos += n;
		} while (pos < sf->len);
	}
	rc = 0;
done:
	free(req);
	return (rc);
}

int
ss_stage_init_request(const struct ss_stage_opts * o, const char * image,
    uint32_t flags, int keykind, const void * key, size_t keylen,
    const char * keyname, unsigned char ** req, size_t * reqlen)
{
	struct ss_msg_init m;
	uint8_t * prog = NULL;
	char * dir = NULL;
	size_t proglen;
	int rc = -1;

	if (ss_program_encode(o->program, &prog, &proglen))
		return (-1);
	if ((dir = ss_platform_dir()) == NULL)
		goto done;
	m.flags = flags;
	m.chunk_size = (uint32_t)o->chunk_size;
	m.keykind = (uint8_t)keykind;
	m.program.p = prog;
	m.program.len = proglen;
	m.image = ss_msg_str(image);
	m.platform_dir = ss_msg_str(dir);
	m.key.p = key;
	m.key.len = keylen;
	m.keyname = ss_msg_str(keyname);
	rc = ss_msg_init_encode(&m, req, reqlen);
done:
	free(prog);
	free(dir);
	return (rc);
}

struct ss_enclave *
ss_stage_start(const struct ss_stage_opts * o)
{
	struct ss_enclave * e;
	uint8_t sealed[SEALED_FILE_MAX];
	uint8_t * req = NULL;
	const uint8_t * out;
	size_t reqlen, outlen, slen;
	int rc;

	if ((e = ss_tee_start(o->tee, o->inprocess)) == NULL)
		return (NULL);
	if (o->sealed != NULL) {
		if (ss_read_small_file(o->sealed, sealed, sizeof(sealed),
		    &slen, NULL)) {
			ss_err_prefix("%s", o->sealed);
			goto err;
		}
		rc = ss_stage_init_request(o, ss_tee_image_path(e), 0,
		    SS_KEY_SEALED, sealed, slen, o->sealed, &req, &reqlen);
	} else
		rc = ss_stage_init_request(o, ss_tee_image_path(e), 0,
		    SS_KEY_IDENTITY, o->identity, strlen(o->identity),
		    o->identity, &req, &reqlen);
	if (rc || ss_tee_call(e, SS_ECALL_INIT, req, reqlen, &out,
	    &outlen) != 0 || ss_stage_load(e, o))
		goto err;
	free(req);
	return (e);
err:
	free(req);
	ss_tee_stop(e);
	return (NULL);
}

/* The reading side of a running stage (the pipeline's sender). */
struct feed {
	struct ss_input * in;
	struct ss_stream_reader * r;
	uint8_t * req;			/* a CHUNK request (ecall_msg.h) */
	size_t reqsize;
	size_t batch;			/* most chunk bytes per request */
	int framed;			/* requests name the input: 0 */
	size_t skip;			/* the request's header length */
	int flush_ms;			/* --flush-ms */
	int unflushed;			/* chunks went in since a flush */
	uint8_t flushreq[SS_MSG_CHUNK_HDR_MAX];	/* a flush-only request */
	const uint8_t * carry;		/* a chunk read for the next request
					   (in the reader's buffer) */
	size_t carrylen;
};

/*
 * Next request: the next input chunks, as they came.  Chunks that are
 * ready are batched, up to BATCH_BYTES, so that the enclave is called
 * less often; a live input that has nothing ready ends a batch at once.
 * If it then stays quiet for --flush-ms, the next request carries no
 * chunk, only SS_CHUNK_FLUSH: the enclave seals the records it holds
 * into a partial chunk (--flush-ms 0: never before the end).  So the
 * short gaps between an upstream stage's writes do not cut the output
 * into small chunks, and a live source that pauses still gets its
 * records through.
 */
static int
next_chunk(void * cookie, uint8_t * slot, size_t slotcap,
    const uint8_t ** req, size_t * len)
{
	struct feed * fd = cookie;
	const uint8_t * raw, * pt;
	uint8_t * buf = slot;
	size_t rawlen, ptlen, cap = slotcap, used = fd->skip;
	int rc, final = 0, in_slot = (slot != NULL && slotcap >= fd->skip);

	if (fd->unflushed && ss_input_idle(fd->in, fd->flush_ms)) {
		fd->unflushed = 0;
		buf = in_slot ? slot : fd->flushreq;
		ss_msg_chunk_put_header(buf, fd->framed, SS_CHUNK_FLUSH, 0);
		*req = buf;
		*len = fd->skip;
		return (1);
	}
	for (;;) {
		/* A chunk that did not fit the last request comes first. */
		if (fd->carry != NULL) {
			raw = fd->carry;
			rawlen = fd->carrylen;
			fd->carry = NULL;
		} else if ((rc = ss_stream_reader_next(fd->r, &pt,
		    &ptlen)) != 1) {
			if (rc == -1 && fd->in->owned &&
			    ss_err_status() == SS_EXIT_DATA)
				ss_err_prefix("%s", fd->in->name);
			if (rc == 0 && used > fd->skip)
				break;
			return (rc);
		} else
			raw = ss_stream_reader_raw(fd->r, &rawlen);
		if (!in_slot || used + rawlen > cap) {
			/*
			 * The arena's slot is full: the chunk (still in the
			 * reader's buffer) starts the next request.
			 */
			if (in_slot && used > fd->skip) {
				fd->carry = raw;
				fd->carrylen = rawlen;
				break;
			}
			/* No slot, or a chunk larger than one: our buffer. */
			in_slot = 0;
			if (ss_grow(&fd->req, &fd->reqsize, used + rawlen, 1))
				return (-1);
			buf = fd->req;
			cap = fd->reqsize;
		}
		memcpy(buf + used, raw, rawlen);
		used += rawlen;
		/* The final chunk, or a live stream paused: send it now. */
		if ((final = (raw[0] & 0x80) != 0) ||
		    ss_input_idle(fd->in, 0) || used >= fd->batch)
			break;
	}
	/* What the enclave now holds is sealed if the input pauses. */
	fd->unflushed = fd->flush_ms > 0 && !fd->in->is_regular && !final;
	ss_msg_chunk_put_header(buf, fd->framed, 0, 0);
	*req = buf;
	*len = used;
	return (1);
}

/* The writing side: every answer is a run of whole output chunks. */
struct sink {
	struct ss_output * out;
	int live;
	int opened;			/* the header (OPEN's answer) is out */
};

/* A notice from the enclave: one line of printable text on stderr. */
static void
print_notice(const uint8_t * msg, size_t len)
{
	size_t i;

	fprintf(stderr, "%s: ", ss_cli_name());
	for (i = 0; i < len; i++)
		fputc((msg[i] >= 0x20 && msg[i] < 0x7f) ? msg[i] : '?',
		    stderr);
	fputc('\n', stderr);
}

static int
take_output(void * cookie, const uint8_t * buf, size_t len)
{
	struct sink * sk = cookie;
	struct ss_msg_answer m;

	/* First the output stream's header, as it came. */
	if (!sk->opened) {
		sk->opened = 1;
		if (ss_output_write(sk->out, buf, len))
			return (-1);
		return (sk->live ? ss_output_flush(sk->out) : 0);
	}
	/* Whole chunks; after the final one, the operator's notice. */
	if (ss_msg_answer_decode(&m, buf, len) ||
	    ss_output_write(sk->out, m.chunks.p, m.chunks.len))
		return (-1);
	if (m.notice.len > 0)
		print_notice(m.notice.p, m.notice.len);
	return (sk->live ? ss_output_flush(sk->out) : 0);
}

int
ss_stage_run_to(const struct ss_stage_opts * o, size_t batch, int framed,
    int (* take)(void *, const uint8_t *, size_t), void * cookie, int * live)
{
	struct ss_enclave * e = NULL;
	struct feed fd = { NULL, NULL, NULL, 0, batch, framed,
	    SS_MSG_CHUNK_HDR(framed), o->flush_ms, 0, { 0 }, NULL, 0 };
	struct ss_msg_open om;
	const uint8_t * buf, * hdr;
	uint8_t * open = NULL;
	size_t len, hdrlen;
	int rc = -1;

	if ((e = ss_stage_start(o)) == NULL)
		goto done;
	if ((fd.in = ss_input_open(NULL)) == NULL)
		goto done;
	*live = !fd.in->is_regular;
	if ((fd.r = ss_stream_reader_new(fd.in, NULL)) == NULL) {
		if (fd.in->owned && ss_err_status() == SS_EXIT_DATA)
			ss_err_prefix("%s", fd.in->name);
		goto done;
	}
	hdr = ss_stream_reader_header(fd.r, &hdrlen);
	/* A framed flow's requests name the input: the one, 0. */
	if (framed) {
		om.in_index = 0;
		om.header.p = hdr;
		om.header.len = hdrlen;
		if ((open = malloc(SS_MSG_OPEN_HDR(1) + hdrlen)) == NULL) {
			ss_err_errno("malloc");
			goto done;
		}
		hdrlen = ss_msg_open_encode(&om, 1, open);
		hdr = open;
	}
	if (ss_tee_call(e, SS_ECALL_OPEN, hdr, hdrlen, &buf, &len) != 0 ||
	    take(cookie, buf, len))
		goto done;
	if (ss_tee_pipeline(e, SS_ECALL_CHUNK, next_chunk, &fd, take,
	    cookie))
		goto done;
	ss_tee_stop(e);
	e = NULL;
	rc = 0;
done:
	ss_tee_stop(e);
	ss_stream_reader_free(fd.r);
	ss_input_close(fd.in);
	free(fd.req);
	free(open);
	return (rc);
}

int
ss_stage_run(const struct ss_stage_opts * o)
{
	struct sink sk = { NULL, 0, 0 };
	int rc = -1;

	if ((sk.out = ss_output_open(o->output, SS_OUTPUT_BINARY)) == NULL)
		return (-1);
	if (ss_stage_run_to(o, BATCH_BYTES, 0, take_output, &sk, &sk.live))
		goto done;
	rc = ss_output_commit(sk.out);
	sk.out = NULL;
done:
	ss_output_abort(sk.out);
	return (rc);
}
