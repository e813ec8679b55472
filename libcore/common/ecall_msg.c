#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ecall_msg.h"
#include "err.h"
#include "frame.h"

/* INIT's fixed part: version[4] flags[4] chunk_size[4] keykind[1]. */
#define INIT_FIXED	13
#define INIT_NFIELDS	5

struct ss_msg_bytes
ss_msg_str(const char * s)
{
	struct ss_msg_bytes b = { (const uint8_t *)s, strlen(s) };

	return (b);
}

/* The INIT request's fields, in their order on the wire. */
static void
init_fields(struct ss_msg_init * m, struct ss_msg_bytes * f[INIT_NFIELDS])
{

	f[0] = &m->program;
	f[1] = &m->image;
	f[2] = &m->platform_dir;
	f[3] = &m->key;
	f[4] = &m->keyname;
}

/* Copy ${b}'s bytes to ${dst}, unless they are there already. */
static void
put_bytes(uint8_t * dst, const struct ss_msg_bytes * b)
{

	if (b->len > 0 && b->p != dst)
		memcpy(dst, b->p, b->len);
}

int
ss_msg_init_encode(const struct ss_msg_init * m, uint8_t ** req,
    size_t * len)
{
	struct ss_msg_init c = *m;
	struct ss_msg_bytes * f[INIT_NFIELDS];
	uint8_t * buf;
	size_t n = INIT_FIXED, i;

	init_fields(&c, f);
	for (i = 0; i < INIT_NFIELDS; i++) {
		if (f[i]->len > UINT32_MAX || f[i]->len > SIZE_MAX - 4 - n) {
			ss_err_set(SS_EXIT_SYS, "init request too large");
			return (-1);
		}
		n += 4 + f[i]->len;
	}
	if ((buf = malloc(n)) == NULL) {
		ss_err_errno("malloc");
		return (-1);
	}
	ss_be32enc(buf, SS_INIT_VERSION);
	ss_be32enc(buf + 4, m->flags);
	ss_be32enc(buf + 8, m->chunk_size);
	buf[12] = m->keykind;
	n = INIT_FIXED;
	for (i = 0; i < INIT_NFIELDS; i++) {
		ss_be32enc(buf + n, (uint32_t)f[i]->len);
		put_bytes(buf + n + 4, f[i]);
		n += 4 + f[i]->len;
	}
	*req = buf;
	*len = n;
	return (0);
}

/* Take the field len[4] bytes[len] at ${*pos} of ${in}. */
static int
get_field(struct ss_msg_bytes * f, const uint8_t * in, size_t len,
    size_t * pos)
{
	uint32_t n;

	if (len - *pos < 4)
		return (-1);
	n = ss_be32dec(in + *pos);
	*pos += 4;
	if (len - *pos < n)
		return (-1);
	f->p = in + *pos;
	f->len = n;
	*pos += n;
	return (0);
}

int
ss_msg_init_decode(struct ss_msg_init * m, const uint8_t * in, size_t len)
{
	struct ss_msg_bytes * f[INIT_NFIELDS];
	size_t pos = INIT_FIXED, i;

	if (len < INIT_FIXED || ss_be32dec(in) != SS_INIT_VERSION)
		goto bad;
	m->flags = ss_be32dec(in + 4);
	m->chunk_size = ss_be32dec(in + 8);
	m->keykind = in[12];
	init_fields(m, f);
	for (i = 0; i < INIT_NFIELDS; i++)
		if (get_field(f[i], in, len, &pos))
			goto bad;
	if (pos != len || m->keykind > SS_KEY_SEALED ||
	    m->chunk_size < SS_INIT_CHUNK_MIN || m->chunk_size > SS_CHUNK_MAX)
		goto bad;
	return (0);
bad:
	ss_err_set(SS_EXIT_SYS, "malformed init request");
	return (-1);
}

size_t
ss_msg_init_answer_encode(const struct ss_msg_init_answer * m, uint8_t * out)
{

	memcpy(out, m->image_digest, SS_SHA256_LEN);
	memcpy(out + SS_SHA256_LEN, m->program_digest, SS_SHA256_LEN);
	memcpy(out + 2 * SS_SHA256_LEN, m->measurement, SS_SHA256_LEN);
	return (SS_MSG_INIT_ANSWER_LEN);
}

int
ss_msg_init_answer_decode(struct ss_msg_init_answer * m, const uint8_t * in,
    size_t len)
{

	if (len != SS_MSG_INIT_ANSWER_LEN) {
		ss_err_set(SS_EXIT_SYS, "malformed init answer from the "
		    "enclave");
		return (-1);
	}
	memcpy(m->image_digest, in, SS_SHA256_LEN);
	memcpy(m->program_digest, in + SS_SHA256_LEN, SS_SHA256_LEN);
	memcpy(m->measurement, in + 2 * SS_SHA256_LEN, SS_SHA256_LEN);
	return (0);
}

size_t
ss_msg_load_encode(const struct ss_msg_load * m, uint8_t * req)
{

	req[0] = m->flags;
	put_bytes(req + SS_MSG_LOAD_HDR, &m->bytes);
	return (SS_MSG_LOAD_HDR + m->bytes.len);
}

int
ss_msg_load_decode(struct ss_msg_load * m, const uint8_t * in, size_t len)
{

	if (len < SS_MSG_LOAD_HDR) {
		ss_err_set(SS_EXIT_SYS, "malformed load request");
		return (-1);
	}
	m->flags = in[0];
	m->bytes.p = in + SS_MSG_LOAD_HDR;
	m->bytes.len = len - SS_MSG_LOAD_HDR;
	return (0);
}

void
ss_msg_identity_put_header(uint8_t * out, uint32_t sealed_len)
{

	ss_be32enc(out, sealed_len);
}

size_t
ss_msg_identity_encode(const struct ss_msg_identity * m, uint8_t * out)
{

	ss_msg_identity_put_header(out, (uint32_t)m->sealed.len);
	put_bytes(out + SS_MSG_IDENTITY_HDR, &m->sealed);
	put_bytes(out + SS_MSG_IDENTITY_HDR + m->sealed.len, &m->quote);
	return (SS_MSG_IDENTITY_HDR + m->sealed.len + m->quote.len);
}

int
ss_msg_identity_decode(struct ss_msg_identity * m, const uint8_t * in,
    size_t len)
{
	uint32_t n;

	if (len < SS_MSG_IDENTITY_HDR ||
	    (n = ss_be32dec(in)) > len - SS_MSG_IDENTITY_HDR) {
		ss_err_set(SS_EXIT_DATA, "enclave sent a malformed identity");
		return (-1);
	}
	m->sealed.p = in + SS_MSG_IDENTITY_HDR;
	m->sealed.len = n;
	m->quote.p = m->sealed.p + n;
	m->quote.len = len - SS_MSG_IDENTITY_HDR - n;
	return (0);
}

size_t
ss_msg_open_encode(const struct ss_msg_open * m, int framed, uint8_t * req)
{

	if (framed)
		ss_be32enc(req, m->in_index);
	put_bytes(req + SS_MSG_OPEN_HDR(framed), &m->header);
	return (SS_MSG_OPEN_HDR(framed) + m->header.len);
}

int
ss_msg_open_decode(struct ss_msg_open * m, int framed, const uint8_t * in,
    size_t len)
{

	if (len < SS_MSG_OPEN_HDR(framed)) {
		ss_err_set(SS_EXIT_SYS, "malformed open request");
		return (-1);
	}
	m->in_index = framed ? ss_be32dec(in) : 0;
	m->header.p = in + SS_MSG_OPEN_HDR(framed);
	m->header.len = len - SS_MSG_OPEN_HDR(framed);
	return (0);
}

void
ss_msg_chunk_put_header(uint8_t * req, int framed, uint8_t flags,
    uint32_t in_index)
{

	req[0] = flags;
	if (framed)
		ss_be32enc(req + 1, in_index);
}

size_t
ss_msg_chunk_encode(const struct ss_msg_chunk * m, int framed, uint8_t * req)
{

	ss_msg_chunk_put_header(req, framed, m->flags, m->in_index);
	put_bytes(req + SS_MSG_CHUNK_HDR(framed), &m->chunks);
	return (SS_MSG_CHUNK_HDR(framed) + m->chunks.len);
}

int
ss_msg_chunk_decode(struct ss_msg_chunk * m, int framed, const uint8_t * in,
    size_t len)
{

	if (len < SS_MSG_CHUNK_HDR(framed)) {
		ss_err_set(SS_EXIT_SYS, framed ? "malformed chunk request" :
		    "empty chunk request");
		return (-1);
	}
	m->flags = in[0];
	m->in_index = framed ? ss_be32dec(in + 1) : 0;
	m->chunks.p = in + SS_MSG_CHUNK_HDR(framed);
	m->chunks.len = len - SS_MSG_CHUNK_HDR(framed);
	return (0);
}

/*
 * The wire length of the chunk that ${len} bytes ${p} begin with, in
 * ${wl}, and whether it is final; -1 if they do not hold a whole one.
 */
static int
whole_chunk(const uint8_t * p, size_t len, size_t * wl, int * final)
{
	uint32_t clen;

	if (len < SS_CHUNK_PREFIX_LEN ||
	    ss_frame_prefix_read(p, &clen, final) ||
	    (*wl = SS_CHUNK_WIRE_LEN(clen)) > len)
		return (-1);
	return (0);
}

int
ss_msg_chunk_next(struct ss_msg_bytes * chunks, struct ss_msg_bytes * chunk)
{
	size_t wl;
	int final;

	if (whole_chunk(chunks->p, chunks->len, &wl, &final)) {
		ss_err_set(SS_EXIT_DATA, "malformed chunk request");
		return (-1);
	}
	chunk->p = chunks->p;
	chunk->len = wl;
	chunks->p += wl;
	chunks->len -= wl;
	return (0);
}

size_t
ss_msg_answer_put_notice(uint8_t * out, const char * notice)
{
	size_t n = strlen(notice);

	memcpy(out, notice, n);
	return (n);
}

int
ss_msg_answer_decode(struct ss_msg_answer * m, const uint8_t * in,
    size_t len)
{
	size_t pos = 0, wl;
	int final = 0;

	/* Whole chunks; after the final one, the operator's notice. */
	while (pos < len && !final) {
		if (whole_chunk(in + pos, len - pos, &wl, &final)) {
			ss_err_set(SS_EXIT_SYS, "enclave answer is not whole "
			    "chunks");
			return (-1);
		}
		pos += wl;
	}
	m->chunks.p = in;
	m->chunks.len = pos;
	m->notice.p = in + pos;
	m->notice.len = len - pos;
	return (0);
}

void
ss_msg_piece_put_header(uint8_t * out, uint32_t out_index, size_t len)
{

	ss_be32enc(out, out_index);
	ss_be32enc(out + 4, (uint32_t)len);
}

size_t
ss_msg_piece_put_need(uint8_t * out, uint32_t need)
{

	ss_msg_piece_put_header(out, SS_ECALL_NEED, 4);
	ss_be32enc(out + SS_MSG_PIECE_HDR, need);
	return (SS_MSG_NEED_LEN);
}

size_t
ss_msg_piece_encode(const struct ss_msg_piece * m, uint8_t * out)
{

	if (m->out_index == SS_ECALL_NEED)
		return (ss_msg_piece_put_need(out, m->need));
	ss_msg_piece_put_header(out, m->out_index, m->bytes.len);
	put_bytes(out + SS_MSG_PIECE_HDR, &m->bytes);
	return (SS_MSG_PIECE_HDR + m->bytes.len);
}

int
ss_msg_piece_next(struct ss_msg_bytes * answer, size_t nout,
    struct ss_msg_piece * m)
{
	const uint8_t * p = answer->p;
	uint32_t n;

	if (answer->len == 0)
		return (0);
	if (answer->len < SS_MSG_PIECE_HDR ||
	    (n = ss_be32dec(p + 4)) > answer->len - SS_MSG_PIECE_HDR)
		goto bad;
	m->out_index = ss_be32dec(p);
	m->bytes.p = p + SS_MSG_PIECE_HDR;
	m->bytes.len = n;
	m->need = SS_ECALL_NEED;
	if (m->out_index == SS_ECALL_NEED) {
		if (n != 4)
			goto bad;
		m->need = ss_be32dec(m->bytes.p);
	} else if (m->out_index >= nout)
		goto bad;
	answer->p += SS_MSG_PIECE_HDR + n;
	answer->len -= SS_MSG_PIECE_HDR + n;
	return (1);
bad:
	ss_err_set(SS_EXIT_SYS, "malformed answer from the enclave");
	return (-1);
}

size_t
ss_msg_small_encode(uint8_t * out, uint32_t need)
{

	ss_be32enc(out, need);
	return (SS_MSG_SMALL_LEN);
}

int
ss_msg_small_decode(uint32_t * need, const uint8_t * in, size_t len)
{

	if (len != SS_MSG_SMALL_LEN) {
		ss_err_set(SS_EXIT_SYS, "malformed answer from the enclave");
		return (-1);
	}
	*need = ss_be32dec(in);
	return (0);
}

size_t
ss_msg_chan_hello_encode(const struct ss_msg_chan_hello * m, uint8_t * out)
{

	memcpy(out, SS_CHAN_MAGIC, 4);
	ss_be32enc(out + 4, m->flags);
	ss_be32enc(out + 8, 0);
	return (SS_CHAN_HDR_LEN);
}

int
ss_msg_chan_hello_decode(struct ss_msg_chan_hello * m, const uint8_t * in)
{

	if (memcmp(in, SS_CHAN_MAGIC, 4) != 0 || ss_be32dec(in + 8) != 0)
		return (-1);
	m->flags = ss_be32dec(in + 4);
	return (0);
}

size_t
ss_msg_chan_hdr_encode(const struct ss_msg_chan_hdr * m, uint8_t * out)
{

	ss_be32enc(out, m->code);
	ss_be32enc(out + 4, m->len);
	ss_be32enc(out + 8, m->off);
	return (SS_CHAN_HDR_LEN);
}

void
ss_msg_chan_hdr_decode(struct ss_msg_chan_hdr * m, const uint8_t * in)
{

	m->code = ss_be32dec(in);
	m->len = ss_be32dec(in + 4);
	m->off = ss_be32dec(in + 8);
}
