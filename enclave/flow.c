#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "ecall.h"
#include "ecall_msg.h"
#include "err.h"
#include "flow.h"
#include "frame.h"
#include "program.h"

/* One input stream: what the owner (or the previous stage) sealed. */
struct flow_in {
	struct ss_aead * aead;		/* NULL until opened */
	uint64_t chunks;		/* chunks opened */
	uint32_t ncolumns;
	int done;			/* final chunk seen */
	uint8_t * pt;			/* decrypted chunk */
	size_t ptsize;
	uint8_t salt[SS_SALT_LEN];	/* tells streams apart */
};

/* One output stream, sealed to its recipients. */
struct flow_out {
	const struct ss_recipients * r;
	struct ss_aead * aead;
	uint64_t chunks;
	struct ss_batch_builder * bb;	/* NULL until the schema */
	uint32_t ncolumns;
};

struct ss_flow {
	const struct ss_op * op;
	void * opstate;
	struct ss_identities * ids;
	size_t chunk_size;
	int framed;			/* ecall.h: indexes and pieces */

	struct flow_in * in;
	size_t nin;
	size_t cur;			/* the input at hand */
	size_t ndone;			/* inputs that have ended */

	struct flow_out * out;
	size_t nout;
	struct ss_recipients ** owned_r;	/* framed: out[i].r */
	int out_opened;			/* headers queued */

	/* Sealed output waiting for the host. */
	uint8_t * q;
	size_t qsize, qlen;

	char notice[256];		/* for the host's stderr, or "" */
};

/* Make room for ${n} more queued bytes. */
static int
queue_room(struct ss_flow * f, size_t n)
{
	uint8_t * nq;
	size_t nsize = (f->qsize > 0) ? f->qsize : 65536;

	if (f->qsize - f->qlen >= n)
		return (0);
	while (nsize - f->qlen < n)
		nsize *= 2;
	if ((nq = realloc(f->q, nsize)) == NULL) {
		ss_err_errno("realloc");
		return (-1);
	}
	f->q = nq;
	f->qsize = nsize;
	return (0);
}

/*
 * Room for a piece of ${n} bytes of output ${k}; in a framed flow, queue
 * its header (ecall_msg.h) first.  The piece's bytes go at f->q + f->qlen.
 */
static int
piece_begin(struct ss_flow * f, size_t k, size_t n)
{

	if (queue_room(f, n + (f->framed ? SS_MSG_PIECE_HDR : 0)))
		return (-1);
	if (f->framed) {
		ss_msg_piece_put_header(f->q + f->qlen, (uint32_t)k, n);
		f->qlen += SS_MSG_PIECE_HDR;
	}
	return (0);
}

/* Seal the records output ${k} holds as its next chunk. */
static int
seal_batch(struct ss_flow * f, size_t k, uint8_t type, int final)
{
	struct flow_out * o = &f->out[k];
	const uint8_t * pt;
	size_t len;

	if (ss_batch_builder_finish(o->bb, type, &pt, &len))
		return (-1);
	if (o->chunks == UINT64_MAX) {
		ss_err_set(SS_EXIT_SYS, "too many chunks in one stream");
		return (-1);
	}
	if (piece_begin(f, k, SS_CHUNK_WIRE_LEN(len)))
		return (-1);
	if (ss_frame_chunk_seal(o->aead, o->chunks, final, pt, len,
	    f->q + f->qlen))
		return (-1);
	f->qlen += SS_CHUNK_WIRE_LEN(len);
	o->chunks++;
	return (0);
}

/* The common part of ss_flow_new() and ss_flow_new_framed(). */
static struct ss_flow *
flow_new(const struct ss_op * op, void * opstate,
    struct ss_identities * ids, size_t nin, size_t nout, size_t chunk_size)
{
	struct ss_flow * f;

	if ((f = calloc(1, sizeof(*f))) == NULL ||
	    (f->in = calloc(nin, sizeof(*f->in))) == NULL ||
	    (f->out = calloc(nout, sizeof(*f->out))) == NULL) {
		ss_err_errno("calloc");
		if (f != NULL)
			free(f->in);
		free(f);
		op->free(opstate);
		ss_identities_free(ids);
		return (NULL);
	}
	f->op = op;
	f->opstate = opstate;
	f->ids = ids;
	f->nin = nin;
	f->nout = nout;
	f->chunk_size = chunk_size;
	return (f);
}

struct ss_flow *
ss_flow_new(const struct ss_op * op, void * opstate,
    struct ss_identities * ids, const struct ss_recipients * r,
    size_t chunk_size)
{
	struct ss_flow * f;

	if ((f = flow_new(op, opstate, ids, 1, 1, chunk_size)) == NULL)
		return (NULL);
	f->out[0].r = r;
	return (f);
}

int
ss_flow_check_outputs(const struct ss_op * op, void * opstate,
    const struct ss_program * p, struct ss_recipients *** rp)
{
	struct ss_recipients ** r;
	size_t nin, nout, i, k;

	op->shape(opstate, &nin, &nout);
	if (nin < 1 || nout < 1 || nout > SS_PROGRAM_OUTPUTS_MAX) {
		ss_err_set(SS_EXIT_SYS, "%s: bad shape",
		    ss_opdef_get(op->id)->name);
		return (-1);
	}
	for (i = 0; i < p->n; i++) {
		if (ss_program_recipient_key(p->e[i].key, &k) == 2 &&
		    k >= nout) {
			ss_err_set(SS_EXIT_SYS, "the program names a recipient "
			    "of output %zu, of %zu", k, nout);
			return (-1);
		}
	}
	if ((r = calloc(nout, sizeof(*r))) == NULL) {
		ss_err_errno("calloc");
		return (-1);
	}
	for (i = 0; i < nout; i++) {
		if ((r[i] = ss_program_output_recipients(p, i)) == NULL)
			break;
		if (op->recipients != NULL &&
		    op->recipients(opstate, i, r[i]))
			break;
		if (r[i]->n == 0) {
			ss_err_set(SS_EXIT_SYS, "the program names no "
			    "recipient of output %zu", i);
			break;
		}
	}
	if (i == nout && rp != NULL) {
		*rp = r;
		return (0);
	}
	for (k = 0; k < nout; k++)
		ss_recipients_free(r[k]);
	free(r);
	return ((i == nout) ? 0 : -1);
}

struct ss_flow *
ss_flow_new_framed(const struct ss_op * op, void * opstate,
    struct ss_identities * ids, const struct ss_program * p,
    size_t chunk_size)
{
	struct ss_recipients ** r;
	struct ss_flow * f;
	size_t nin, nout, i;

	if (ss_flow_check_outputs(op, opstate, p, &r)) {
		op->free(opstate);
		ss_identities_free(ids);
		return (NULL);
	}
	op->shape(opstate, &nin, &nout);
	if ((f = flow_new(op, opstate, ids, nin, nout, chunk_size)) == NULL) {
		for (i = 0; i < nout; i++)
			ss_recipients_free(r[i]);
		free(r);
		return (NULL);
	}
	f->framed = 1;
	f->owned_r = r;
	for (i = 0; i < nout; i++)
		f->out[i].r = r[i];
	return (f);
}

int
ss_flow_framed(const struct ss_flow * f)
{

	return (f->framed);
}

/* Prefix the recorded error with the input, if there are several. */
static void
name_input(const struct ss_flow * f, size_t k)
{

	if (f->nin > 1)
		ss_err_prefix("input %zu", k + 1);
}

/* Queue every output's header, under a fresh file key each. */
static int
open_outputs(struct ss_flow * f)
{
	uint8_t * file_key;
	uint8_t salt[SS_SALT_LEN];
	size_t k, hlen;
	int rc = -1;

	if ((file_key = sodium_malloc(SS_FILE_KEY_LEN)) == NULL) {
		ss_err_errno("sodium_malloc");
		return (-1);
	}
	for (k = 0; k < f->nout; k++) {
		randombytes_buf(file_key, SS_FILE_KEY_LEN);
		randombytes_buf(salt, sizeof(salt));
		hlen = SS_HEADER_LEN(f->out[k].r->n);
		if (piece_begin(f, k, hlen))
			goto done;
		if (ss_frame_header_seal(f->q + f->qlen, f->out[k].r, file_key,
		    salt, NULL))
			goto done;
		if ((f->out[k].aead = ss_frame_payload_aead(file_key,
		    salt)) == NULL)
			goto done;
		f->qlen += hlen;
	}
	f->out_opened = 1;
	rc = 0;
done:
	sodium_free(file_key);
	return (rc);
}

/* Open input ${k}'s stream header. */
static int
open_input(struct ss_flow * f, size_t k, const uint8_t * hdr, size_t len)
{
	struct flow_in * in;
	uint8_t * file_key;
	size_t n, j;
	int rc = -1;

	if (k >= f->nin) {
		ss_err_set(SS_EXIT_SYS, "no input %zu", k + 1);
		return (-1);
	}
	in = &f->in[k];
	if (in->aead != NULL) {
		ss_err_set(SS_EXIT_SYS, "stream opened twice");
		name_input(f, k);
		return (-1);
	}
	if ((file_key = sodium_malloc(SS_FILE_KEY_LEN)) == NULL) {
		ss_err_errno("sodium_malloc");
		return (-1);
	}
	if (len < SS_HEADER_FIXED_LEN ||
	    memcmp(hdr, SS_MAGIC, SS_MAGIC_LEN) != 0) {
		ss_err_set(SS_EXIT_DATA, "not a securestreams stream "
		    "(bad magic)");
		goto done;
	}
	if (ss_frame_header_fixed(hdr, &n))
		goto done;
	if (len != SS_HEADER_LEN(n)) {
		ss_err_set(SS_EXIT_DATA, "malformed header");
		goto done;
	}
	if (ss_frame_header_open(hdr, f->ids, file_key))
		goto done;
	/* One stream given twice would be merged with itself. */
	for (j = 0; j < f->nin; j++) {
		if (j != k && f->in[j].aead != NULL &&
		    memcmp(f->in[j].salt, hdr + SS_MAGIC_LEN + 4,
		    SS_SALT_LEN) == 0) {
			ss_err_set(SS_EXIT_DATA, "the same stream as input "
			    "%zu", j + 1);
			goto done;
		}
	}
	memcpy(in->salt, hdr + SS_MAGIC_LEN + 4, SS_SALT_LEN);
	if ((in->aead = ss_frame_payload_aead(file_key, in->salt)) == NULL)
		goto done;
	rc = 0;
done:
	if (rc != 0)
		name_input(f, k);
	sodium_free(file_key);
	return (rc);
}

int
ss_flow_open(struct ss_flow * f, const uint8_t * hdr, size_t len)
{

	if (f->framed) {
		ss_err_set(SS_EXIT_SYS, "open without an input index");
		return (-1);
	}
	if (open_input(f, 0, hdr, len))
		return (-1);
	return (open_outputs(f));
}

int
ss_flow_open_input(struct ss_flow * f, size_t k, const uint8_t * hdr,
    size_t len)
{

	if (open_input(f, k, hdr, len))
		return (-1);
	return (f->out_opened ? 0 : open_outputs(f));
}

int
ss_flow_schema_to(struct ss_flow * f, size_t k, const uint8_t * const * names,
    const size_t * lens, size_t n)
{
	struct flow_out * o;

	if (k >= f->nout) {
		ss_err_set(SS_EXIT_SYS, "no output %zu", k);
		return (-1);
	}
	o = &f->out[k];
	if (o->bb != NULL) {
		ss_err_set(SS_EXIT_SYS, "output schema declared twice");
		return (-1);
	}
	if (n > SS_COLUMNS_MAX) {
		ss_err_set(SS_EXIT_SYS, "more than %u output columns",
		    SS_COLUMNS_MAX);
		return (-1);
	}
	if ((o->bb = ss_batch_builder_new((uint32_t)n, SIZE_MAX)) == NULL)
		return (-1);
	if (n > 0 && ss_batch_builder_add(o->bb, names, lens))
		return (-1);
	if (seal_batch(f, k, SS_BATCH_SCHEMA, 0))
		return (-1);
	/* Records from here on, in chunks of the target size. */
	ss_batch_builder_free(o->bb);
	if ((o->bb = ss_batch_builder_new((uint32_t)n, f->chunk_size)) ==
	    NULL)
		return (-1);
	o->ncolumns = (uint32_t)n;
	return (0);
}

int
ss_flow_schema(struct ss_flow * f, const uint8_t * const * names,
    const size_t * lens, size_t n)
{
	size_t k;

	for (k = 0; k < f->nout; k++)
		if (ss_flow_schema_to(f, k, names, lens, n))
			return (-1);
	return (0);
}

int
ss_flow_emit_to(struct ss_flow * f, size_t k, const uint8_t * const * fields,
    const size_t * lens)
{
	struct flow_out * o;
	size_t reclen = 0;
	uint32_t i;

	if (k >= f->nout || f->out[k].bb == NULL) {
		ss_err_set(SS_EXIT_SYS, "no output %zu to emit to", k);
		return (-1);
	}
	o = &f->out[k];
	for (i = 0; i < o->ncolumns; i++)
		reclen += lens[i];
	if (!ss_batch_builder_fits(o->bb, reclen) &&
	    seal_batch(f, k, SS_BATCH_RECORDS, 0))
		return (-1);
	return (ss_batch_builder_add(o->bb, fields, lens));
}

int
ss_flow_emit(struct ss_flow * f, const uint8_t * const * fields,
    const size_t * lens)
{

	return (ss_flow_emit_to(f, 0, fields, lens));
}

size_t
ss_flow_input(const struct ss_flow * f)
{

	return (f->cur);
}

int
ss_flow_input_done(const struct ss_flow * f, size_t k)
{

	return (k < f->nin && f->in[k].done);
}

/* Open, parse and hand over one chunk of input ${k}. */
static int
take_chunk(struct ss_flow * f, size_t k, const uint8_t * wire, size_t len,
    int * final)
{
	struct flow_in * in = &f->in[k];
	struct ss_batch b;
	uint32_t clen;
	size_t i;

	if (len < SS_CHUNK_WIRE_LEN(0) ||
	    ss_frame_prefix_read(wire, &clen, final) ||
	    len != SS_CHUNK_WIRE_LEN(clen)) {
		ss_err_set(SS_EXIT_DATA, "chunk %llu: malformed",
		    (unsigned long long)in->chunks + 1);
		goto err;
	}
	if (in->chunks == UINT64_MAX) {
		ss_err_set(SS_EXIT_DATA, "too many chunks in one stream");
		goto err;
	}
	/* Never a NULL buffer, even for an empty chunk (NULL + 0 is UB). */
	if (in->pt == NULL || in->ptsize < clen) {
		if (in->pt != NULL)
			sodium_memzero(in->pt, in->ptsize);
		free(in->pt);
		if ((in->pt = malloc(clen > 0 ? clen : 1)) == NULL) {
			in->ptsize = 0;
			ss_err_errno("malloc");
			return (-1);
		}
		in->ptsize = clen;
	}
	if (ss_frame_chunk_open(in->aead, in->chunks, *final,
	    wire + SS_CHUNK_PREFIX_LEN, clen, in->pt))
		goto err;
	in->chunks++;
	if (ss_batch_parse_chunk(&b, in->pt, clen, in->chunks,
	    &in->ncolumns))
		goto err;
	f->cur = k;
	if (*final) {
		in->done = 1;
		f->ndone++;
	}
	if (b.type == SS_BATCH_SCHEMA) {
		if (f->op->schema(f->opstate, &b, f))
			return (-1);
		for (i = 0; i < f->nout; i++) {
			if (f->out[i].bb == NULL) {
				ss_err_set(SS_EXIT_SYS, "operator declared no "
				    "schema");
				return (-1);
			}
		}
		return (0);
	}
	return (f->op->records(f->opstate, &b, f));
err:
	/* The operator names inputs itself; the stream's own faults here. */
	name_input(f, k);
	return (-1);
}

int
ss_flow_chunk_from(struct ss_flow * f, size_t k, unsigned flags,
    const uint8_t * wire, size_t len)
{
	size_t need, i, n;
	int final;

	if (k >= f->nin || f->in[k].aead == NULL || f->in[k].done) {
		ss_err_set(SS_EXIT_SYS, "chunk out of place");
		if (k < f->nin)
			name_input(f, k);
		return (-1);
	}
	/* The operator may still hold the last batch of another input. */
	need = (f->op->need != NULL) ? f->op->need(f->opstate) : SS_FLOW_ANY;
	if (need != SS_FLOW_ANY && need != k) {
		ss_err_set(SS_EXIT_SYS, "input %zu: chunk not asked for (input "
		    "%zu was)", k + 1, need + 1);
		return (-1);
	}
	if (take_chunk(f, k, wire, len, &final))
		return (-1);
	if (final && f->ndone == f->nin) {
		if (f->op->finish != NULL && f->op->finish(f->opstate, f))
			return (-1);
		for (i = 0; i < f->nout; i++)
			if (seal_batch(f, i, SS_BATCH_RECORDS, 1))
				return (-1);
		/*
		 * The notice follows the final chunk (ecall.h); framed
		 * answers have no place for one (no framed operator sets
		 * one).
		 */
		n = strlen(f->notice);
		if (n > 0 && !f->framed) {
			if (queue_room(f, n))
				return (-1);
			f->qlen += ss_msg_answer_put_notice(f->q + f->qlen,
			    f->notice);
		}
		return (0);
	}
	if ((flags & SS_CHUNK_FLUSH) && ss_flow_flush(f))
		return (-1);
	return (0);
}

int
ss_flow_flush(struct ss_flow * f)
{
	size_t i;

	/* After the final chunks, everything is sealed already. */
	if (f->ndone == f->nin)
		return (0);
	for (i = 0; i < f->nout; i++)
		if (f->out[i].bb != NULL &&
		    ss_batch_builder_nrecords(f->out[i].bb) > 0 &&
		    seal_batch(f, i, SS_BATCH_RECORDS, 0))
			return (-1);
	return (0);
}

int
ss_flow_chunk(struct ss_flow * f, unsigned flags, const uint8_t * wire,
    size_t len)
{

	return (ss_flow_chunk_from(f, 0, flags, wire, len));
}

int
ss_flow_pull(struct ss_flow * f, uint8_t * out, size_t cap, size_t * len)
{
	size_t n = f->qlen, need = SS_FLOW_ANY;

	/* All of it: a chunk's whole output answers its ecall. */
	*len = 0;
	if (f->framed) {
		/* Then what the enclave needs next (ecall.h). */
		n += SS_MSG_NEED_LEN;
		if (f->ndone < f->nin && f->op->need != NULL)
			need = f->op->need(f->opstate);
	}
	if (n > cap) {
		if (n > SS_ECALL_OUT_MAX) {
			ss_err_set(SS_EXIT_SYS, "output of one chunk exceeds "
			    "%u bytes", (unsigned)SS_ECALL_OUT_MAX);
			return (-1);
		}
		*len = ss_msg_small_encode(out, (uint32_t)n);
		return (2);
	}
	/* Nothing queued yet (a PULL before any output): f->q is NULL. */
	if (f->qlen > 0)
		memcpy(out, f->q, f->qlen);
	if (f->framed)
		(void)ss_msg_piece_put_need(out + f->qlen, (uint32_t)need);
	*len = n;
	f->qlen = 0;
	return (0);
}

void
ss_flow_notice(struct ss_flow * f, const char * fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->notice, sizeof(f->notice), fmt, ap);
	va_end(ap);
}

void
ss_flow_free(struct ss_flow * f)
{
	size_t i;

	if (f == NULL)
		return;
	if (f->op != NULL)
		f->op->free(f->opstate);
	ss_identities_free(f->ids);
	for (i = 0; i < f->nin; i++) {
		ss_aead_free(f->in[i].aead);
		if (f->in[i].pt != NULL)
			sodium_memzero(f->in[i].pt, f->in[i].ptsize);
		free(f->in[i].pt);
	}
	for (i = 0; i < f->nout; i++) {
		ss_aead_free(f->out[i].aead);
		ss_batch_builder_free(f->out[i].bb);
		if (f->owned_r != NULL)
			ss_recipients_free(f->owned_r[i]);
	}
	free(f->owned_r);
	free(f->in);
	free(f->out);
	free(f->q);
	free(f);
}
