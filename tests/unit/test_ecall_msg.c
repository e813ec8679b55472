/*
 * Unit tests for libcore/common/ecall_msg.c: every message of the ecall
 * ABI and of its channel encodes to the bytes ecall.h and channel.h lay
 * out, decodes back to what was encoded, and is refused, with the
 * message the enclave or the host gives, when it is cut short, when a
 * length in it runs past its end, or when bytes are left over.
 */

#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "ecall_msg.h"
#include "err.h"
#include "frame.h"

#include "check_util.h"

#define BUF_MAX	1024

/* ${call} fails, with exit status ${status} and message ${msg}. */
#define ck_refused(call, status, msg) do {				\
	ss_err_clear();							\
	ck_assert_int_eq((call), -1);					\
	ck_assert_int_eq(ss_err_status(), (status));			\
	ck_assert_str_eq(ss_err_msg(), (msg));				\
} while (0)

static void
ck_bytes_eq(const struct ss_msg_bytes * b, const void * p, size_t len)
{

	ck_assert_uint_eq(b->len, len);
	ck_assert_mem_eq(b->p, p, len);
}

/* ${b}, ${len} bytes, followed by one byte more. */
static const uint8_t *
with_trailing(uint8_t * buf, const uint8_t * b, size_t len)
{

	memmove(buf, b, len);
	buf[len] = 0x00;
	return (buf);
}

/* An INIT request with every field distinct, and its bytes. */
static const char init_hex[] =
    "00000001 00000001 00010000 02"
    "00000001 50"			/* program "P" */
    "00000002 696d"			/* image "im" */
    "00000001 64"			/* platform_dir "d" */
    "00000000"				/* key "" */
    "00000002 6b6e";			/* keyname "kn" */

static void
init_fill(struct ss_msg_init * m)
{

	memset(m, 0, sizeof(*m));
	m->flags = SS_INIT_ATTEST;
	m->chunk_size = 65536;
	m->keykind = SS_KEY_SEALED;
	m->program.p = (const uint8_t *)"P";
	m->program.len = 1;
	m->image.p = (const uint8_t *)"im";
	m->image.len = 2;
	m->platform_dir.p = (const uint8_t *)"d";
	m->platform_dir.len = 1;
	m->keyname.p = (const uint8_t *)"kn";
	m->keyname.len = 2;
}

START_TEST(test_init)
{
	struct ss_msg_init m, d;
	uint8_t want[BUF_MAX], buf[BUF_MAX];
	uint8_t * req;
	size_t len, wlen, i;

	init_fill(&m);
	wlen = tu_hex(want, sizeof(want), init_hex);
	ck_assert_int_eq(ss_msg_init_encode(&m, &req, &len), 0);
	ck_assert_uint_eq(len, wlen);
	ck_assert_mem_eq(req, want, len);

	ck_assert_int_eq(ss_msg_init_decode(&d, req, len), 0);
	ck_assert_uint_eq(d.flags, SS_INIT_ATTEST);
	ck_assert_uint_eq(d.chunk_size, 65536);
	ck_assert_uint_eq(d.keykind, SS_KEY_SEALED);
	ck_bytes_eq(&d.program, "P", 1);
	ck_bytes_eq(&d.image, "im", 2);
	ck_bytes_eq(&d.platform_dir, "d", 1);
	ck_bytes_eq(&d.key, "", 0);
	ck_bytes_eq(&d.keyname, "kn", 2);

	/* Cut short anywhere, or with a byte more: refused. */
	for (i = 0; i < len; i++)
		ck_refused(ss_msg_init_decode(&d, req, i), SS_EXIT_SYS,
		    "malformed init request");
	ck_refused(ss_msg_init_decode(&d, with_trailing(buf, req, len),
	    len + 1), SS_EXIT_SYS, "malformed init request");
	free(req);
}
END_TEST

START_TEST(test_init_fields)
{
	uint8_t buf[BUF_MAX];
	struct ss_msg_init d;
	size_t len;

	/* The last field longer than what is left, or shorter. */
	len = tu_hex(buf, sizeof(buf), init_hex);
	ss_be32enc(buf + len - 6, 3);
	ck_refused(ss_msg_init_decode(&d, buf, len), SS_EXIT_SYS,
	    "malformed init request");
	ss_be32enc(buf + len - 6, 1);
	ck_refused(ss_msg_init_decode(&d, buf, len), SS_EXIT_SYS,
	    "malformed init request");
	/* The first field as long as a length can say. */
	len = tu_hex(buf, sizeof(buf), init_hex);
	ss_be32enc(buf + 13, 0xffffffff);
	ck_refused(ss_msg_init_decode(&d, buf, len), SS_EXIT_SYS,
	    "malformed init request");
}
END_TEST

START_TEST(test_init_values)
{
	uint8_t buf[BUF_MAX];
	struct ss_msg_init d;
	size_t len;

	len = tu_hex(buf, sizeof(buf), init_hex);
	/* Version. */
	ss_be32enc(buf, SS_INIT_VERSION + 1);
	ck_refused(ss_msg_init_decode(&d, buf, len), SS_EXIT_SYS,
	    "malformed init request");
	ss_be32enc(buf, SS_INIT_VERSION);
	/* Key kind. */
	buf[12] = SS_KEY_SEALED + 1;
	ck_refused(ss_msg_init_decode(&d, buf, len), SS_EXIT_SYS,
	    "malformed init request");
	buf[12] = SS_KEY_NONE;
	ck_assert_int_eq(ss_msg_init_decode(&d, buf, len), 0);
	/* Chunk size: its bounds, and one past each. */
	ss_be32enc(buf + 8, SS_INIT_CHUNK_MIN);
	ck_assert_int_eq(ss_msg_init_decode(&d, buf, len), 0);
	ss_be32enc(buf + 8, SS_CHUNK_MAX);
	ck_assert_int_eq(ss_msg_init_decode(&d, buf, len), 0);
	ss_be32enc(buf + 8, SS_INIT_CHUNK_MIN - 1);
	ck_refused(ss_msg_init_decode(&d, buf, len), SS_EXIT_SYS,
	    "malformed init request");
	ss_be32enc(buf + 8, SS_CHUNK_MAX + 1);
	ck_refused(ss_msg_init_decode(&d, buf, len), SS_EXIT_SYS,
	    "malformed init request");
}
END_TEST

START_TEST(test_init_answer)
{
	struct ss_msg_init_answer m, d;
	uint8_t buf[SS_MSG_INIT_ANSWER_LEN + 1];
	size_t i;

	memset(m.image_digest, 0x11, SS_SHA256_LEN);
	memset(m.program_digest, 0x22, SS_SHA256_LEN);
	memset(m.measurement, 0x33, SS_SHA256_LEN);
	ck_assert_uint_eq(ss_msg_init_answer_encode(&m, buf),
	    3 * SS_SHA256_LEN);
	for (i = 0; i < 3 * SS_SHA256_LEN; i++)
		ck_assert_uint_eq(buf[i], 0x11 * (1 + i / SS_SHA256_LEN));
	ck_assert_int_eq(ss_msg_init_answer_decode(&d, buf,
	    SS_MSG_INIT_ANSWER_LEN), 0);
	ck_assert_mem_eq(&d, &m, sizeof(m));
	for (i = 0; i < SS_MSG_INIT_ANSWER_LEN; i++)
		ck_refused(ss_msg_init_answer_decode(&d, buf, i), SS_EXIT_SYS,
		    "malformed init answer from the enclave");
	ck_refused(ss_msg_init_answer_decode(&d, buf,
	    SS_MSG_INIT_ANSWER_LEN + 1), SS_EXIT_SYS,
	    "malformed init answer from the enclave");
}
END_TEST

START_TEST(test_load)
{
	struct ss_msg_load m = { SS_LOAD_END, { (const uint8_t *)"abc", 3 } };
	struct ss_msg_load d;
	uint8_t buf[8];

	ck_assert_uint_eq(ss_msg_load_encode(&m, buf), 4);
	ck_assert_mem_eq(buf, "\x01" "abc", 4);
	ck_assert_int_eq(ss_msg_load_decode(&d, buf, 4), 0);
	ck_assert_uint_eq(d.flags, SS_LOAD_END);
	ck_bytes_eq(&d.bytes, "abc", 3);
	/* The flags alone: an empty piece. */
	ck_assert_int_eq(ss_msg_load_decode(&d, buf, 1), 0);
	ck_assert_uint_eq(d.bytes.len, 0);
	ck_refused(ss_msg_load_decode(&d, buf, 0), SS_EXIT_SYS,
	    "malformed load request");
}
END_TEST

START_TEST(test_identity)
{
	struct ss_msg_identity m = { { (const uint8_t *)"sealed", 6 },
	    { (const uint8_t *)"quote", 5 } };
	struct ss_msg_identity d;
	uint8_t buf[32];
	size_t len, i;

	len = ss_msg_identity_encode(&m, buf);
	ck_assert_uint_eq(len, 15);
	ck_assert_mem_eq(buf, "\0\0\0\x06" "sealed" "quote", 15);
	ck_assert_int_eq(ss_msg_identity_decode(&d, buf, len), 0);
	ck_bytes_eq(&d.sealed, "sealed", 6);
	ck_bytes_eq(&d.quote, "quote", 5);
	/* In place: the header before what is there already. */
	memset(buf, 0, 4);
	ss_msg_identity_put_header(buf, 6);
	ck_assert_mem_eq(buf, "\0\0\0\x06" "sealed" "quote", 15);
	/* The quote runs to the end; the sealed identity must fit. */
	ck_assert_int_eq(ss_msg_identity_decode(&d, buf, 10), 0);
	ck_assert_uint_eq(d.quote.len, 0);
	for (i = 0; i < 10; i++)
		ck_refused(ss_msg_identity_decode(&d, buf, i), SS_EXIT_DATA,
		    "enclave sent a malformed identity");
	ss_be32enc(buf, 0xffffffff);
	ck_refused(ss_msg_identity_decode(&d, buf, len), SS_EXIT_DATA,
	    "enclave sent a malformed identity");
}
END_TEST

START_TEST(test_open)
{
	struct ss_msg_open m = { 7, { (const uint8_t *)"hdr", 3 } };
	struct ss_msg_open d;
	uint8_t buf[16];
	size_t i;

	ck_assert_uint_eq(ss_msg_open_encode(&m, 1, buf), 7);
	ck_assert_mem_eq(buf, "\0\0\0\x07" "hdr", 7);
	ck_assert_int_eq(ss_msg_open_decode(&d, 1, buf, 7), 0);
	ck_assert_uint_eq(d.in_index, 7);
	ck_bytes_eq(&d.header, "hdr", 3);
	for (i = 0; i < 4; i++)
		ck_refused(ss_msg_open_decode(&d, 1, buf, i), SS_EXIT_SYS,
		    "malformed open request");
	/* Unframed: the header alone, whatever it holds. */
	m.in_index = 0;
	ck_assert_uint_eq(ss_msg_open_encode(&m, 0, buf), 3);
	ck_assert_mem_eq(buf, "hdr", 3);
	ck_assert_int_eq(ss_msg_open_decode(&d, 0, buf, 3), 0);
	ck_assert_uint_eq(d.in_index, 0);
	ck_bytes_eq(&d.header, "hdr", 3);
	ck_assert_int_eq(ss_msg_open_decode(&d, 0, buf, 0), 0);
	ck_assert_uint_eq(d.header.len, 0);
}
END_TEST

/* Two chunks as on the wire, of 2 and 0 bytes, the second final. */
static size_t
two_chunks(uint8_t * buf)
{

	memset(buf, 0xcc, SS_CHUNK_WIRE_LEN(2) + SS_CHUNK_WIRE_LEN(0));
	ss_frame_prefix_write(buf, 2, 0);
	ss_frame_prefix_write(buf + SS_CHUNK_WIRE_LEN(2), 0, 1);
	return (SS_CHUNK_WIRE_LEN(2) + SS_CHUNK_WIRE_LEN(0));
}

START_TEST(test_chunk)
{
	struct ss_msg_chunk m, d;
	uint8_t chunks[64], buf[80];
	size_t n, len;
	int framed;

	n = two_chunks(chunks);
	for (framed = 0; framed <= 1; framed++) {
		m.flags = SS_CHUNK_FLUSH;
		m.in_index = framed ? 0x01020304 : 0;
		m.chunks.p = chunks;
		m.chunks.len = n;
		len = ss_msg_chunk_encode(&m, framed, buf);
		ck_assert_uint_eq(len, SS_MSG_CHUNK_HDR(framed) + n);
		ck_assert_mem_eq(buf, framed ? "\x01\x01\x02\x03\x04" : "\x01",
		    SS_MSG_CHUNK_HDR(framed));
		ck_assert_mem_eq(buf + SS_MSG_CHUNK_HDR(framed), chunks, n);
		ck_assert_int_eq(ss_msg_chunk_decode(&d, framed, buf, len), 0);
		ck_assert_uint_eq(d.flags, SS_CHUNK_FLUSH);
		ck_assert_uint_eq(d.in_index, m.in_index);
		ck_bytes_eq(&d.chunks, chunks, n);
		/* The header alone: a flush. */
		ck_assert_int_eq(ss_msg_chunk_decode(&d, framed, buf,
		    SS_MSG_CHUNK_HDR(framed)), 0);
		ck_assert_uint_eq(d.chunks.len, 0);
		/* In place: the header written after the chunks. */
		memset(buf, 0, SS_MSG_CHUNK_HDR(framed));
		ss_msg_chunk_put_header(buf, framed, SS_CHUNK_FLUSH,
		    m.in_index);
		ck_assert_int_eq(ss_msg_chunk_decode(&d, framed, buf, len), 0);
		ck_assert_uint_eq(d.in_index, m.in_index);
	}
	ck_refused(ss_msg_chunk_decode(&d, 0, buf, 0), SS_EXIT_SYS,
	    "empty chunk request");
	for (len = 0; len < SS_MSG_CHUNK_HDR(1); len++)
		ck_refused(ss_msg_chunk_decode(&d, 1, buf, len), SS_EXIT_SYS,
		    "malformed chunk request");
}
END_TEST

START_TEST(test_chunk_next)
{
	struct ss_msg_bytes rest, chunk;
	uint8_t chunks[64];
	size_t n, cut;

	n = two_chunks(chunks);
	rest.p = chunks;
	rest.len = n;
	ck_assert_int_eq(ss_msg_chunk_next(&rest, &chunk), 0);
	ck_bytes_eq(&chunk, chunks, SS_CHUNK_WIRE_LEN(2));
	ck_assert_int_eq(ss_msg_chunk_next(&rest, &chunk), 0);
	ck_bytes_eq(&chunk, chunks + SS_CHUNK_WIRE_LEN(2),
	    SS_CHUNK_WIRE_LEN(0));
	ck_assert_uint_eq(rest.len, 0);
	/* Nothing, or a chunk cut short anywhere: refused. */
	ck_refused(ss_msg_chunk_next(&rest, &chunk), SS_EXIT_DATA,
	    "malformed chunk request");
	for (cut = 1; cut < SS_CHUNK_WIRE_LEN(2); cut++) {
		rest.p = chunks;
		rest.len = cut;
		ck_refused(ss_msg_chunk_next(&rest, &chunk), SS_EXIT_DATA,
		    "malformed chunk request");
	}
	/* A length over SS_CHUNK_MAX. */
	ss_be32enc(chunks, SS_CHUNK_MAX + 1);
	rest.p = chunks;
	rest.len = n;
	ck_refused(ss_msg_chunk_next(&rest, &chunk), SS_EXIT_DATA,
	    "malformed chunk request");
}
END_TEST

/* A plain answer: chunks, and after the final one the notice. */
START_TEST(test_answer)
{
	struct ss_msg_answer m;
	uint8_t answer[128];
	size_t n, cut;

	n = two_chunks(answer);
	n += ss_msg_answer_put_notice(answer + n, "3 records too late");
	ck_assert_int_eq(ss_msg_answer_decode(&m, answer, n), 0);
	ck_bytes_eq(&m.chunks, answer, SS_CHUNK_WIRE_LEN(2) +
	    SS_CHUNK_WIRE_LEN(0));
	ck_bytes_eq(&m.notice, (const uint8_t *)"3 records too late", 18);
	/* Without a notice; and no chunk at all. */
	n = two_chunks(answer);
	ck_assert_int_eq(ss_msg_answer_decode(&m, answer, n), 0);
	ck_assert_uint_eq(m.chunks.len, n);
	ck_assert_uint_eq(m.notice.len, 0);
	ck_assert_int_eq(ss_msg_answer_decode(&m, answer, 0), 0);
	ck_assert_uint_eq(m.chunks.len + m.notice.len, 0);
	/* Cut anywhere in its chunks: refused. */
	for (cut = 1; cut < n; cut++) {
		if (cut == SS_CHUNK_WIRE_LEN(2))
			continue;
		ck_refused(ss_msg_answer_decode(&m, answer, cut),
		    SS_EXIT_SYS, "enclave answer is not whole chunks");
	}
}
END_TEST

START_TEST(test_pieces)
{
	struct ss_msg_piece m = { 1, { (const uint8_t *)"abc", 3 }, 0 };
	struct ss_msg_bytes answer;
	struct ss_msg_piece d;
	uint8_t buf[64];
	size_t len, cut;

	len = ss_msg_piece_encode(&m, buf);
	m.out_index = 0;
	m.bytes.len = 0;
	len += ss_msg_piece_encode(&m, buf + len);
	len += ss_msg_piece_put_need(buf + len, 2);
	ck_assert_uint_eq(len, 11 + 8 + 12);
	ck_assert_mem_eq(buf, "\0\0\0\x01\0\0\0\x03" "abc"
	    "\0\0\0\0\0\0\0\0"
	    "\xff\xff\xff\xff\0\0\0\x04\0\0\0\x02", len);

	answer.p = buf;
	answer.len = len;
	ck_assert_int_eq(ss_msg_piece_next(&answer, 2, &d), 1);
	ck_assert_uint_eq(d.out_index, 1);
	ck_bytes_eq(&d.bytes, "abc", 3);
	ck_assert_int_eq(ss_msg_piece_next(&answer, 2, &d), 1);
	ck_assert_uint_eq(d.out_index, 0);
	ck_assert_uint_eq(d.bytes.len, 0);
	ck_assert_int_eq(ss_msg_piece_next(&answer, 2, &d), 1);
	ck_assert_uint_eq(d.out_index, SS_ECALL_NEED);
	ck_assert_uint_eq(d.need, 2);
	ck_assert_int_eq(ss_msg_piece_next(&answer, 2, &d), 0);

	/* A piece cut short anywhere. */
	for (cut = 1; cut < 11; cut++) {
		answer.p = buf;
		answer.len = cut;
		ck_refused(ss_msg_piece_next(&answer, 2, &d), SS_EXIT_SYS,
		    "malformed answer from the enclave");
	}
	/* An output that does not exist. */
	answer.p = buf;
	answer.len = len;
	ck_refused(ss_msg_piece_next(&answer, 1, &d), SS_EXIT_SYS,
	    "malformed answer from the enclave");
	/* A need piece of another length. */
	ss_be32enc(buf + 19 + 4, 5);
	answer.p = buf + 19;
	answer.len = 13;
	ck_refused(ss_msg_piece_next(&answer, 2, &d), SS_EXIT_SYS,
	    "malformed answer from the enclave");
	ss_be32enc(buf + 19 + 4, 3);
	answer.len = 11;
	ck_refused(ss_msg_piece_next(&answer, 2, &d), SS_EXIT_SYS,
	    "malformed answer from the enclave");
}
END_TEST

START_TEST(test_small)
{
	uint8_t buf[SS_MSG_SMALL_LEN + 1];
	uint32_t need;

	ck_assert_uint_eq(ss_msg_small_encode(buf, 0x00200000),
	    SS_MSG_SMALL_LEN);
	ck_assert_mem_eq(buf, "\0\x20\0\0", 4);
	ck_assert_int_eq(ss_msg_small_decode(&need, buf, 4), 0);
	ck_assert_uint_eq(need, 0x00200000);
	ck_refused(ss_msg_small_decode(&need, buf, 3), SS_EXIT_SYS,
	    "malformed answer from the enclave");
	ck_refused(ss_msg_small_decode(&need, buf, 5), SS_EXIT_SYS,
	    "malformed answer from the enclave");
}
END_TEST

START_TEST(test_channel)
{
	struct ss_msg_chan_hello h = { SS_CHAN_ARENA }, hd;
	struct ss_msg_chan_hdr m = { SS_ECALL_CHUNK, 0x10203, SS_CHAN_INLINE };
	struct ss_msg_chan_hdr d;
	uint8_t buf[SS_CHAN_HDR_LEN];

	ck_assert_uint_eq(ss_msg_chan_hello_encode(&h, buf), SS_CHAN_HDR_LEN);
	ck_assert_mem_eq(buf, "ssc1\0\0\0\x01\0\0\0\0", SS_CHAN_HDR_LEN);
	ck_assert_int_eq(ss_msg_chan_hello_decode(&hd, buf), 0);
	ck_assert_uint_eq(hd.flags, SS_CHAN_ARENA);
	buf[11] = 1;
	ck_assert_int_eq(ss_msg_chan_hello_decode(&hd, buf), -1);
	buf[11] = 0;
	buf[3] = '2';
	ck_assert_int_eq(ss_msg_chan_hello_decode(&hd, buf), -1);

	ck_assert_uint_eq(ss_msg_chan_hdr_encode(&m, buf), SS_CHAN_HDR_LEN);
	ck_assert_mem_eq(buf, "\0\0\0\x04\0\x01\x02\x03\xff\xff\xff\xff",
	    SS_CHAN_HDR_LEN);
	ss_msg_chan_hdr_decode(&d, buf);
	ck_assert_mem_eq(&d, &m, sizeof(m));
}
END_TEST

static Suite *
ecall_msg_suite(void)
{
	Suite * s = suite_create("ecall_msg");
	TCase * ti = tcase_create("init");
	TCase * tr = tcase_create("requests");
	TCase * ta = tcase_create("answers");
	TCase * tc = tcase_create("channel");

	tcase_add_test(ti, test_init);
	tcase_add_test(ti, test_init_fields);
	tcase_add_test(ti, test_init_values);
	tcase_add_test(ti, test_init_answer);
	suite_add_tcase(s, ti);
	tcase_add_test(tr, test_load);
	tcase_add_test(tr, test_open);
	tcase_add_test(tr, test_chunk);
	tcase_add_test(tr, test_chunk_next);
	suite_add_tcase(s, tr);
	tcase_add_test(ta, test_identity);
	tcase_add_test(ta, test_answer);
	tcase_add_test(ta, test_pieces);
	tcase_add_test(ta, test_small);
	suite_add_tcase(s, ta);
	tcase_add_test(tc, test_channel);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{

	return (tu_run(ecall_msg_suite()));
}
