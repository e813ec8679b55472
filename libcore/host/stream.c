#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "err.h"
#include "frame.h"
#include "grow.h"
#include "stream.h"

struct ss_stream_writer {
	struct ss_output * out;
	struct ss_aead * aead;
	uint64_t counter;
	int done;		/* final chunk written */
	uint8_t * buf;		/* prefix, ciphertext, tag */
	size_t bufsize;
	uint64_t bytes;
};

struct ss_stream_reader {
	struct ss_input * in;
	struct ss_aead * aead;	/* NULL when walking without a key */
	size_t nrecipients;
	uint64_t counter;	/* chunks read */
	int done;		/* final chunk returned */
	uint8_t * buf;		/* prefix, ciphertext, tag */
	size_t bufsize;
	size_t rawlen;		/* bytes of the last chunk in buf */
	uint8_t * hdr;		/* the header, as read */
	size_t hdrlen;
	uint64_t bytes;
};

struct ss_stream_writer *
ss_stream_writer_new_fixed(struct ss_output * out,
    const struct ss_recipients * r, const uint8_t * fixed_key,
    const uint8_t * fixed_salt, const uint8_t * eph)
{
	struct ss_stream_writer * w;
	uint8_t * file_key;
	uint8_t salt[SS_SALT_LEN];
	size_t hlen;

	if ((w = calloc(1, sizeof(*w))) == NULL) {
		ss_err_errno("calloc");
		return (NULL);
	}
	w->out = out;
	if ((file_key = sodium_malloc(SS_FILE_KEY_LEN)) == NULL) {
		ss_err_errno("sodium_malloc");
		free(w);
		return (NULL);
	}
	if (fixed_key != NULL)
		memcpy(file_key, fixed_key, SS_FILE_KEY_LEN);
	else
		randombytes_buf(file_key, SS_FILE_KEY_LEN);
	if (fixed_salt != NULL)
		memcpy(salt, fixed_salt, SS_SALT_LEN);
	else
		randombytes_buf(salt, SS_SALT_LEN);

	hlen = SS_HEADER_LEN(r->n);
	if (ss_grow(&w->buf, &w->bufsize, hlen, 1))
		goto err;
	if (ss_frame_header_seal(w->buf, r, file_key, salt, eph))
		goto err;
	if ((w->aead = ss_frame_payload_aead(file_key, salt)) == NULL)
		goto err;
	/* Send the header at once: the next stage can start. */
	if (ss_output_write(out, w->buf, hlen) || ss_output_flush(out))
		goto err;
	w->bytes = hlen;
	sodium_free(file_key);
	return (w);
err:
	sodium_free(file_key);
	ss_stream_writer_free(w);
	return (NULL);
}

struct ss_stream_writer *
ss_stream_writer_new(struct ss_output * out, const struct ss_recipients * r)
{

	return (ss_stream_writer_new_fixed(out, r, NULL, NULL, NULL));
}

int
ss_stream_writer_chunk(struct ss_stream_writer * w, const uint8_t * pt,
    size_t len, int final)
{
	size_t total = SS_CHUNK_WIRE_LEN(len);

	if (w->done) {
		ss_err_set(SS_EXIT_SYS, "chunk written after the final chunk");
		return (-1);
	}
	if (w->counter == UINT64_MAX) {
		ss_err_set(SS_EXIT_SYS, "too many chunks in one stream");
		return (-1);
	}
	if (len > SS_CHUNK_MAX) {
		ss_err_set(SS_EXIT_SYS, "chunk of %zu bytes exceeds the "
		    "maximum", len);
		return (-1);
	}
	if (ss_grow(&w->buf, &w->bufsize, total, 1))
		return (-1);
	if (ss_frame_chunk_seal(w->aead, w->counter, final, pt, len, w->buf))
		return (-1);
	if (ss_output_write(w->out, w->buf, total))
		return (-1);
	w->counter++;
	w->bytes += total;
	w->done = final;
	return (0);
}

uint64_t
ss_stream_writer_bytes(const struct ss_stream_writer * w)
{

	return (w->bytes);
}

void
ss_stream_writer_free(struct ss_stream_writer * w)
{

	if (w == NULL)
		return;
	ss_aead_free(w->aead);
	free(w->buf);
	free(w);
}

struct ss_stream_reader *
ss_stream_reader_new(struct ss_input * in, const struct ss_identities * ids)
{
	struct ss_stream_reader * r;
	uint8_t * file_key = NULL;
	size_t got, hlen;

	if ((r = calloc(1, sizeof(*r))) == NULL) {
		ss_err_errno("calloc");
		return (NULL);
	}
	r->in = in;
	if (ss_grow(&r->buf, &r->bufsize, SS_HEADER_FIXED_LEN, 1))
		goto err;
	if (ss_input_read_full(in, r->buf, SS_HEADER_FIXED_LEN, &got))
		goto err;
	if (got == 0) {
		ss_err_set(SS_EXIT_DATA, "empty input: not a securestreams "
		    "stream");
		goto err;
	}
	/* A stream cut inside its magic is truncated, not foreign. */
	if (got < SS_MAGIC_LEN && memcmp(r->buf, SS_MAGIC, got) == 0)
		goto truncated;
	if (got < SS_MAGIC_LEN ||
	    memcmp(r->buf, SS_MAGIC, SS_MAGIC_LEN) != 0) {
		ss_err_set(SS_EXIT_DATA, "not a securestreams stream "
		    "(bad magic)");
		goto err;
	}
	if (got < SS_HEADER_FIXED_LEN)
		goto truncated;
	if (ss_frame_header_fixed(r->buf, &r->nrecipients))
		goto err;
	hlen = SS_HEADER_LEN(r->nrecipients);
	if (ss_grow(&r->buf, &r->bufsize, hlen, 1))
		goto err;
	if (ss_input_read_full(in, r->buf + SS_HEADER_FIXED_LEN,
	    hlen - SS_HEADER_FIXED_LEN, &got))
		goto err;
	if (got < hlen - SS_HEADER_FIXED_LEN)
		goto truncated;
	r->bytes = hlen;
	if ((r->hdr = malloc(hlen)) == NULL) {
		ss_err_errno("malloc");
		goto err;
	}
	memcpy(r->hdr, r->buf, hlen);
	r->hdrlen = hlen;
	if (ids == NULL)
		return (r);

	if ((file_key = sodium_malloc(SS_FILE_KEY_LEN)) == NULL) {
		ss_err_errno("sodium_malloc");
		goto err;
	}
	if (ss_frame_header_open(r->buf, ids, file_key))
		goto err;
	if ((r->aead = ss_frame_payload_aead(file_key, r->buf + 12)) == NULL)
		goto err;
	sodium_free(file_key);
	return (r);

truncated:
	ss_err_set(SS_EXIT_DATA, "stream truncated inside the header");
err:
	sodium_free(file_key);
	ss_stream_reader_free(r);
	return (NULL);
}

int
ss_stream_reader_next(struct ss_stream_reader * r, const uint8_t ** pt,
    size_t * len)
{
	uint8_t * prefix;
	uint8_t * body;
	uint8_t extra;
	uint32_t clen;
	size_t got;
	int final;

	if (r->done)
		return (0);
	r->rawlen = 0;
	if (ss_grow(&r->buf, &r->bufsize, SS_CHUNK_PREFIX_LEN, 1))
		return (-1);
	if (ss_input_read_full(r->in, r->buf, SS_CHUNK_PREFIX_LEN, &got))
		return (-1);
	if (got == 0) {
		if (r->counter == 0)
			ss_err_set(SS_EXIT_DATA, "stream truncated: no chunk "
			    "after the header");
		else
			ss_err_set(SS_EXIT_DATA, "stream truncated after "
			    "chunk %llu", (unsigned long long)r->counter);
		return (-1);
	}
	if (got < SS_CHUNK_PREFIX_LEN)
		goto truncated;
	if (r->counter == UINT64_MAX) {
		ss_err_set(SS_EXIT_DATA, "too many chunks in one stream");
		return (-1);
	}
	if (ss_frame_prefix_read(r->buf, &clen, &final)) {
		ss_err_prefix("chunk %llu",
		    (unsigned long long)r->counter + 1);
		return (-1);
	}
	if (ss_grow(&r->buf, &r->bufsize, SS_CHUNK_WIRE_LEN(clen), 1))
		return (-1);
	prefix = r->buf;
	body = prefix + SS_CHUNK_PREFIX_LEN;
	if (ss_input_read_full(r->in, body, (size_t)clen + SS_AEAD_TAG_LEN,
	    &got))
		return (-1);
	if (got < (size_t)clen + SS_AEAD_TAG_LEN)
		goto truncated;

	if (r->aead != NULL &&
	    ss_frame_chunk_open(r->aead, r->counter, final, body, clen, body))
		return (-1);
	r->counter++;
	r->bytes += SS_CHUNK_WIRE_LEN(clen);

	/* Nothing may follow the final chunk. */
	if (final) {
		if (ss_input_read_full(r->in, &extra, 1, &got))
			return (-1);
		if (got != 0) {
			ss_err_set(SS_EXIT_DATA, "trailing data after the "
			    "final chunk (chunk %llu)",
			    (unsigned long long)r->counter);
			return (-1);
		}
		r->done = 1;
	}
	r->rawlen = (r->aead == NULL) ? SS_CHUNK_WIRE_LEN(clen) : 0;
	*pt = (r->aead != NULL) ? body : NULL;
	*len = clen;
	return (1);

truncated:
	ss_err_set(SS_EXIT_DATA, "stream truncated inside chunk %llu",
	    (unsigned long long)r->counter + 1);
	return (-1);
}

const uint8_t *
ss_stream_reader_header(const struct ss_stream_reader * r, size_t * len)
{

	*len = r->hdrlen;
	return (r->hdr);
}

const uint8_t *
ss_stream_reader_raw(const struct ss_stream_reader * r, size_t * len)
{

	*len = r->rawlen;
	return (r->buf);
}

size_t
ss_stream_reader_nrecipients(const struct ss_stream_reader * r)
{

	return (r->nrecipients);
}

uint64_t
ss_stream_reader_nchunks(const struct ss_stream_reader * r)
{

	return (r->counter);
}

uint64_t
ss_stream_reader_bytes(const struct ss_stream_reader * r)
{

	return (r->bytes);
}

void
ss_stream_reader_free(struct ss_stream_reader * r)
{

	if (r == NULL)
		return;
	ss_aead_free(r->aead);
	free(r->hdr);
	if (r->buf != NULL)
		sodium_memzero(r->buf, r->bufsize);
	free(r->buf);
	free(r);
}
