#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "err.h"
#include "frame.h"

struct ss_batch_builder {
	uint32_t nfields;
	size_t target;
	uint32_t nrecords;
	uint32_t * offsets;	/* nrecords * nfields + 1 entries used */
	size_t noffsets_cap;
	uint8_t * data;
	size_t datalen;
	size_t datacap;
	uint8_t * out;		/* the laid-out chunk */
	size_t outcap;
};

int
ss_batch_parse(struct ss_batch * b, const uint8_t * pt, size_t len)
{
	uint64_t noff;
	size_t k, prev, cur;

	if (len < SS_BATCH_HEADER_LEN) {
		ss_err_set(SS_EXIT_DATA, "chunk too short for a batch");
		return (-1);
	}
	b->type = pt[0];
	b->width = pt[1];
	if (b->type != SS_BATCH_SCHEMA && b->type != SS_BATCH_RECORDS) {
		ss_err_set(SS_EXIT_DATA, "unknown chunk type %u", b->type);
		return (-1);
	}
	if ((b->width != 2 && b->width != 4) || pt[2] != 0 || pt[3] != 0) {
		ss_err_set(SS_EXIT_DATA, "malformed batch header");
		return (-1);
	}
	b->nrecords = ss_be32dec(&pt[4]);
	b->nfields = ss_be32dec(&pt[8]);
	if (b->nfields > SS_COLUMNS_MAX) {
		ss_err_set(SS_EXIT_DATA, "batch has %lu fields (at most %u)",
		    (unsigned long)b->nfields, SS_COLUMNS_MAX);
		return (-1);
	}
	/* Field-less records hold nothing, yet would cost a loop each. */
	if (b->nfields == 0 && b->nrecords != 0) {
		ss_err_set(SS_EXIT_DATA, "batch has records but no fields");
		return (-1);
	}
	/* No overflow: both factors are below 2^32 and nfields <= 2^16. */
	noff = (uint64_t)b->nrecords * b->nfields + 1;
	if (noff > (len - SS_BATCH_HEADER_LEN) / b->width) {
		ss_err_set(SS_EXIT_DATA, "batch offsets exceed the chunk");
		return (-1);
	}
	b->offsets = pt + SS_BATCH_HEADER_LEN;
	b->data = b->offsets + noff * b->width;
	b->datalen = len - SS_BATCH_HEADER_LEN - noff * b->width;

	prev = ss_batch_offset(b, 0);
	if (prev != 0)
		goto bad;
	for (k = 1; k < noff; k++) {
		cur = ss_batch_offset(b, k);
		if (cur < prev)
			goto bad;
		prev = cur;
	}
	if (prev != b->datalen)
		goto bad;
	return (0);
bad:
	ss_err_set(SS_EXIT_DATA, "batch offsets are inconsistent");
	return (-1);
}

struct ss_batch_builder *
ss_batch_builder_new(uint32_t nfields, size_t target)
{
	struct ss_batch_builder * bb;

	if ((bb = calloc(1, sizeof(*bb))) == NULL) {
		ss_err_errno("calloc");
		return (NULL);
	}
	bb->nfields = nfields;
	bb->target = target;
	bb->noffsets_cap = (size_t)nfields + 1;
	if ((bb->offsets = malloc(bb->noffsets_cap * sizeof(uint32_t))) ==
	    NULL) {
		ss_err_errno("malloc");
		free(bb);
		return (NULL);
	}
	bb->offsets[0] = 0;
	return (bb);
}

/* Chunk length for ${nrecords} records holding ${datalen} data bytes. */
static size_t
laid_out_len(const struct ss_batch_builder * bb, size_t nrecords,
    size_t datalen)
{
	size_t width = (datalen <= 0xffff) ? 2 : 4;

	return (SS_BATCH_HEADER_LEN +
	    (nrecords * bb->nfields + 1) * width + datalen);
}

int
ss_batch_builder_fits(const struct ss_batch_builder * bb, size_t reclen)
{

	if (bb->nrecords == 0)
		return (1);
	return (laid_out_len(bb, (size_t)bb->nrecords + 1,
	    bb->datalen + reclen) <= bb->target);
}

int
ss_batch_builder_add(struct ss_batch_builder * bb,
    const uint8_t * const * fields, const size_t * lens)
{
	size_t need_off = ((size_t)bb->nrecords + 1) * bb->nfields + 1;
	size_t reclen = 0;
	size_t i, ncap;
	int contiguous = 1;
	uint32_t * noff;
	uint8_t * ndata;
	uint32_t pos;

	for (i = 0; i < bb->nfields; i++) {
		reclen += lens[i];
		if (i > 0 && (fields[i - 1] == NULL ||
		    fields[i] != fields[i - 1] + lens[i - 1]))
			contiguous = 0;
	}
	if (reclen > SS_RECORD_MAX) {
		ss_err_set(SS_EXIT_DATA, "record of %zu bytes exceeds the "
		    "limit of %u", reclen, SS_RECORD_MAX);
		return (-1);
	}
	if (bb->nrecords == UINT32_MAX ||
	    bb->datalen + reclen > SS_CHUNK_MAX) {
		ss_err_set(SS_EXIT_SYS, "batch overflow");
		return (-1);
	}
	if (need_off > bb->noffsets_cap) {
		ncap = bb->noffsets_cap * 2;
		if (ncap < need_off)
			ncap = need_off;
		if ((noff = realloc(bb->offsets, ncap * sizeof(uint32_t))) ==
		    NULL) {
			ss_err_errno("realloc");
			return (-1);
		}
		bb->offsets = noff;
		bb->noffsets_cap = ncap;
	}
	if (bb->datalen + reclen > bb->datacap) {
		ncap = (bb->datacap > 0) ? bb->datacap * 2 : 65536;
		while (ncap < bb->datalen + reclen)
			ncap *= 2;
		if ((ndata = realloc(bb->data, ncap)) == NULL) {
			ss_err_errno("realloc");
			return (-1);
		}
		bb->data = ndata;
		bb->datacap = ncap;
	}

	noff = bb->offsets + (size_t)bb->nrecords * bb->nfields + 1;
	pos = (uint32_t)bb->datalen;
	/* Both CSV import paths hand over packed fields: one copy. */
	if (contiguous && reclen > 0)
		memcpy(bb->data + pos, fields[0], reclen);
	for (i = 0; i < bb->nfields; i++) {
		if (!contiguous && lens[i] > 0)
			memcpy(bb->data + pos, fields[i], lens[i]);
		pos += (uint32_t)lens[i];
		noff[i] = pos;
	}
	bb->datalen = pos;
	bb->nrecords++;
	return (0);
}

uint32_t
ss_batch_builder_nrecords(const struct ss_batch_builder * bb)
{

	return (bb->nrecords);
}

int
ss_batch_builder_finish(struct ss_batch_builder * bb, uint8_t type,
    const uint8_t ** pt, size_t * len)
{
	size_t noff = (size_t)bb->nrecords * bb->nfields + 1;
	size_t total = laid_out_len(bb, bb->nrecords, bb->datalen);
	size_t width = (bb->datalen <= 0xffff) ? 2 : 4;
	uint8_t * p;
	uint8_t * nout;
	size_t k;

	if (total > bb->outcap) {
		if ((nout = realloc(bb->out, total)) == NULL) {
			ss_err_errno("realloc");
			return (-1);
		}
		bb->out = nout;
		bb->outcap = total;
	}
	p = bb->out;
	p[0] = type;
	p[1] = (uint8_t)width;
	p[2] = p[3] = 0;
	ss_be32enc(&p[4], bb->nrecords);
	ss_be32enc(&p[8], bb->nfields);
	p += SS_BATCH_HEADER_LEN;
	if (width == 2) {
		for (k = 0; k < noff; k++, p += 2)
			ss_be16enc(p, (uint16_t)bb->offsets[k]);
	} else {
		for (k = 0; k < noff; k++, p += 4)
			ss_be32enc(p, bb->offsets[k]);
	}
	if (bb->datalen > 0)
		memcpy(p, bb->data, bb->datalen);
	*pt = bb->out;
	*len = total;

	bb->nrecords = 0;
	bb->datalen = 0;
	return (0);
}

void
ss_batch_builder_free(struct ss_batch_builder * bb)
{

	if (bb == NULL)
		return;
	free(bb->offsets);
	free(bb->data);
	free(bb->out);
	free(bb);
}

int
ss_batch_parse_chunk(struct ss_batch * b, const uint8_t * pt, size_t len,
    uint64_t chunk, uint32_t * ncolumns)
{

	if (ss_batch_parse(b, pt, len))
		goto bad;
	if (chunk == 1) {
		if (b->type != SS_BATCH_SCHEMA ||
		    b->nrecords != (b->nfields > 0 ? 1U : 0U)) {
			ss_err_set(SS_EXIT_DATA, "first chunk is not a schema");
			goto bad;
		}
		*ncolumns = b->nfields;
		return (0);
	}
	if (b->type != SS_BATCH_RECORDS) {
		ss_err_set(SS_EXIT_DATA, "unexpected schema chunk");
		goto bad;
	}
	if (b->nfields != *ncolumns || (*ncolumns == 0 && b->nrecords > 0)) {
		ss_err_set(SS_EXIT_DATA, "records have %" PRIu32 " fields, "
		    "schema has %" PRIu32, b->nfields, *ncolumns);
		goto bad;
	}
	return (0);
bad:
	ss_err_prefix("chunk %" PRIu64, chunk);
	return (-1);
}
