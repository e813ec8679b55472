#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "ecall.h"
#include "err.h"
#include "flow.h"
#include "frame.h"

struct ss_flow {
	const struct ss_op * op;
	void * opstate;
	struct ss_identities * ids;
	const struct ss_recipients * out_r;
	size_t chunk_size;

	/* Input: the stream the owner (or the previous stage) sealed. */
	struct ss_aead * in_aead;
	uint64_t in_chunks;		/* chunks opened */
	uint32_t in_ncolumns;
	int in_done;			/* final chunk seen */
	uint8_t * pt;			/* decrypted chunk */
	size_t ptsize;

	/* Output: sealed to the program's recipients. */
	struct ss_aead * out_aead;
	uint64_t out_chunks;
	struct ss_batch_builder * bb;	/* NULL until the schema */
	uint32_t out_ncolumns;

	/* Sealed output waiting for the host: a header, then chunks. */
	uint8_t * q;
	size_t qsize, qlen, qpos;
	size_t qhdr;			/* header bytes at the front */

	char notice[256];		/* for the host's stderr, or "" */
};

/* Make room for ${n} more queued bytes. */
static int
queue_room(struct ss_flow * f, size_t n)
{
	uint8_t * nq;
	size_t nsize = (f->qsize > 0) ? f->qsize : 65536;

	if (f->qpos == f->qlen)
		f->qpos = f->qlen = 0;
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

/* Seal the records built so far as the next output chunk. */
static int
seal_batch(struct ss_flow * f, uint8_t type, int final)
{
	const uint8_t * pt;
	size_t len;

	if (ss_batch_builder_finish(f->bb, type, &pt, &len))
		return (-1);
	if (f->out_chunks == UINT64_MAX) {
		ss_err_set(SS_EXIT_SYS, "too many chunks in one stream");
		return (-1);
	}
	if (queue_room(f, SS_CHUNK_WIRE_LEN(len)))
		return (-1);
	if (ss_frame_chunk_seal(f->out_aead, f->out_chunks, final, pt, len,
	    f->q + f->qlen))
		return (-1);
	f->qlen += SS_CHUNK_WIRE_LEN(len);
	f->out_chunks++;
	return (0);
}

struct ss_flow *
ss_flow_new(const struct ss_op * op, void * opstate,
    struct ss_identities * ids, const struct ss_recipients * r,
    size_t chunk_size)
{
	struct ss_flow * f;

	if ((f = calloc(1, sizeof(*f))) == NULL) {
		ss_err_errno("calloc");
		op->free(opstate);
		ss_identities_free(ids);
		return (NULL);
	}
	f->op = op;
	f->opstate = opstate;
	f->ids = ids;
	f->out_r = r;
	f->chunk_size = chunk_size;
	return (f);
}

int
ss_flow_open(struct ss_flow * f, const uint8_t * hdr, size_t len)
{
	uint8_t * file_key;
	uint8_t salt[SS_SALT_LEN];
	size_t n, hlen;
	int rc = -1;

	if (f->in_aead != NULL) {
		ss_err_set(SS_EXIT_SYS, "stream opened twice");
		return (-1);
	}
	if ((file_key = sodium_malloc(SS_FILE_KEY_LEN)) == NULL) {
		ss_err_errno("sodium_malloc");
		return (-1);
	}
	/* The input stream. */
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
	if ((f->in_aead = ss_frame_payload_aead(file_key,
	    hdr + SS_MAGIC_LEN + 4)) == NULL)
		goto done;

	/* The output stream: a fresh file key that never leaves. */
	randombytes_buf(file_key, SS_FILE_KEY_LEN);
	randombytes_buf(salt, sizeof(salt));
	hlen = SS_HEADER_LEN(f->out_r->n);
	if (queue_room(f, hlen))
		goto done;
	if (ss_frame_header_seal(f->q + f->qlen, f->out_r, file_key, salt,
	    NULL))
		goto done;
	if ((f->out_aead = ss_frame_payload_aead(file_key, salt)) == NULL)
		goto done;
	f->qlen += hlen;
	f->qhdr = hlen;
	rc = 0;
done:
	sodium_free(file_key);
	return (rc);
}

int
ss_flow_schema(struct ss_flow * f, const uint8_t * const * names,
    const size_t * lens, size_t n)
{

	if (f->bb != NULL) {
		ss_err_set(SS_EXIT_SYS, "output schema declared twice");
		return (-1);
	}
	if (n > SS_COLUMNS_MAX) {
		ss_err_set(SS_EXIT_SYS, "more than %u output columns",
		    SS_COLUMNS_MAX);
		return (-1);
	}
	if ((f->bb = ss_batch_builder_new((uint32_t)n, SIZE_MAX)) == NULL)
		return (-1);
	if (n > 0 && ss_batch_builder_add(f->bb, names, lens))
		return (-1);
	if (seal_batch(f, SS_BATCH_SCHEMA, 0))
		return (-1);
	/* Records from here on, in chunks of the target size. */
	ss_batch_builder_free(f->bb);
	if ((f->bb = ss_batch_builder_new((uint32_t)n, f->chunk_size)) ==
	    NULL)
		return (-1);
	f->out_ncolumns = (uint32_t)n;
	return (0);
}

int
ss_flow_emit(struct ss_flow * f, const uint8_t * const * fields,
    const size_t * lens)
{
	size_t reclen = 0;
	uint32_t i;

	for (i = 0; i < f->out_ncolumns; i++)
		reclen += lens[i];
	if (!ss_batch_builder_fits(f->bb, reclen) &&
	    seal_batch(f, SS_BATCH_RECORDS, 0))
		return (-1);
	return (ss_batch_builder_add(f->bb, fields, lens));
}

int
ss_flow_chunk(struct ss_flow * f, unsigned flags, const uint8_t * wire,
    size_t len)
{
	struct ss_batch b;
	uint32_t clen;
	size_t n;
	int final;

	if (f->in_aead == NULL || f->in_done) {
		ss_err_set(SS_EXIT_SYS, "chunk out of place");
		return (-1);
	}
	if (len < SS_CHUNK_WIRE_LEN(0) ||
	    ss_frame_prefix_read(wire, &clen, &final) ||
	    len != SS_CHUNK_WIRE_LEN(clen)) {
		ss_err_set(SS_EXIT_DATA, "chunk %llu: malformed",
		    (unsigned long long)f->in_chunks + 1);
		return (-1);
	}
	if (f->in_chunks == UINT64_MAX) {
		ss_err_set(SS_EXIT_DATA, "too many chunks in one stream");
		return (-1);
	}
	/* Never a NULL buffer, even for an empty chunk (NULL + 0 is UB). */
	if (f->pt == NULL || f->ptsize < clen) {
		if (f->pt != NULL)
			sodium_memzero(f->pt, f->ptsize);
		free(f->pt);
		if ((f->pt = malloc(clen > 0 ? clen : 1)) == NULL) {
			f->ptsize = 0;
			ss_err_errno("malloc");
			return (-1);
		}
		f->ptsize = clen;
	}
	if (ss_frame_chunk_open(f->in_aead, f->in_chunks, final,
	    wire + SS_CHUNK_PREFIX_LEN, clen, f->pt))
		return (-1);
	f->in_chunks++;
	if (ss_batch_parse_chunk(&b, f->pt, clen, f->in_chunks,
	    &f->in_ncolumns))
		return (-1);
	if (b.type == SS_BATCH_SCHEMA) {
		if (f->op->schema(f->opstate, &b, f))
			return (-1);
		if (f->bb == NULL) {
			ss_err_set(SS_EXIT_SYS, "operator declared no schema");
			return (-1);
		}
	} else if (f->op->records(f->opstate, &b, f))
		return (-1);

	if (final) {
		f->in_done = 1;
		if (f->op->finish != NULL && f->op->finish(f->opstate, f))
			return (-1);
		if (seal_batch(f, SS_BATCH_RECORDS, 1))
			return (-1);
		/* The notice follows the final chunk (ecall.h). */
		n = strlen(f->notice);
		if (n > 0) {
			if (queue_room(f, n))
				return (-1);
			memcpy(f->q + f->qlen, f->notice, n);
			f->qlen += n;
		}
		return (0);
	}
	if ((flags & SS_CHUNK_FLUSH) && ss_batch_builder_nrecords(f->bb) > 0)
		return (seal_batch(f, SS_BATCH_RECORDS, 0));
	return (0);
}

int
ss_flow_pull(struct ss_flow * f, uint8_t * out, size_t cap, size_t * len)
{
	size_t n = f->qlen - f->qpos;

	/* All of it: a chunk's whole output answers its ecall. */
	*len = 0;
	if (n > cap) {
		if (n > SS_ECALL_OUT_MAX) {
			ss_err_set(SS_EXIT_SYS, "output of one chunk exceeds "
			    "%u bytes", (unsigned)SS_ECALL_OUT_MAX);
			return (-1);
		}
		ss_be32enc(out, (uint32_t)n);
		*len = 4;
		return (2);
	}
	/* Nothing queued yet (a PULL before any output): f->q is NULL. */
	if (n > 0)
		memcpy(out, f->q + f->qpos, n);
	*len = n;
	f->qpos = f->qlen = 0;
	f->qhdr = 0;
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

	if (f == NULL)
		return;
	if (f->op != NULL)
		f->op->free(f->opstate);
	ss_identities_free(f->ids);
	ss_aead_free(f->in_aead);
	ss_aead_free(f->out_aead);
	ss_batch_builder_free(f->bb);
	if (f->pt != NULL)
		sodium_memzero(f->pt, f->ptsize);
	free(f->pt);
	free(f->q);
	free(f);
}
