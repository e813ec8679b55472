/* Unit tests for libcore/host/stream.c: the encrypted stream, end to end. */

#include <sys/mman.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <sodium.h>

#include "err.h"
#include "frame.h"
#include "io.h"
#include "key.h"
#include "stream.h"

#include "check_util.h"

/* The ss-format(5) test vector: the whole 256-byte stream. */
static const char vector_stream[] =
	"895353460d0a1a0a01010001a0a1a2a3a4a5a6a7a8a9aaabacadaeaf79a631ee"
	"de1bf9c98f12032cdeadd0e7a079398fc786b88cc846ec89af85a51a98c46396"
	"6d591c4288b20b129539d2a7fec8fc58cb190c459a57783db550256e132bd975"
	"3117a692a186fdadfedfbb5bf52422e3ba151dc46ce082ac164da4ebb0f791a8"
	"58523bd65babb590f7c88a4f0000001e9af53bb225c05a77bfbda69c2b8cc49f"
	"b51380ac84411a462413e74edc2933e33381ccfbb042a5bf1e5efe3081e68000"
	"002ed0f9e1674557f190f1ec911f380fea52fdb716115a4315a85b2840a6ee0e"
	"e74dcb144374954511ffd89b1e28cd630b7814cec0df6634f1ee2b6b8ec06012";
static const char vector_chunk0[] =
	"010200000000000100000003000000020006000a"
	"69646e616d656e6f7465";
static const char vector_chunk1[] =
	"020200000000000200000003" "00000001" "0009000b000c000c0014"
	"31536d6974682c204a6f6b32" "7361792022686922";

static void
fill(uint8_t * p, size_t len, uint8_t first)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(first + i);
}

/* A recipient and its identity. */
struct party {
	uint8_t sk[SS_KEY_LEN];
	struct ss_recipients * r;
	struct ss_identities * ids;
};

static void
party_new(struct party * p, int vector)
{
	uint8_t pk[SS_KEY_LEN];
	char text[SS_PUBKEY_TEXT_LEN + 1];

	if (vector) {
		fill(p->sk, SS_KEY_LEN, 0x60);
		ck_assert_int_eq(ss_key_public_of(pk, p->sk), 0);
	} else
		ck_assert_int_eq(ss_key_generate(pk, p->sk), 0);
	ck_assert_int_eq(ss_key_public_encode(text, pk), 0);
	p->r = ss_recipients_new();
	ck_assert_int_eq(ss_recipients_add(p->r, text), 0);
	p->ids = ss_identities_new();
	ck_assert_int_eq(ss_identities_add(p->ids, p->sk), 0);
}

static void
party_free(struct party * p)
{

	ss_recipients_free(p->r);
	ss_identities_free(p->ids);
}

/*
 * Write a stream of ${n} chunks (the i-th ${lens[i]} bytes of ${pt[i]}, the
 * last one final) to a file through ss_output, and return its bytes.
 */
static uint8_t *
make_stream(const struct ss_recipients * r, const uint8_t * const * pt,
    const size_t * lens, size_t n, size_t * len)
{
	char path[512];
	struct ss_output * o;
	struct ss_stream_writer * w;
	uint64_t total;
	uint8_t * buf;
	size_t i;

	snprintf(path, sizeof(path), "%s/stream", tu_dir);
	ck_assert_ptr_nonnull(o = ss_output_open(path, SS_OUTPUT_BINARY));
	ck_assert_ptr_nonnull(w = ss_stream_writer_new(o, r));
	ck_assert_uint_eq(ss_stream_writer_bytes(w), SS_HEADER_LEN(r->n));
	for (i = 0; i < n; i++)
		ck_assert_int_eq(ss_stream_writer_chunk(w, pt[i], lens[i],
		    i == n - 1), 0);
	total = ss_stream_writer_bytes(w);
	ss_stream_writer_free(w);
	ck_assert_int_eq(ss_output_commit(o), 0);
	buf = tu_read_file(path, len);
	ck_assert_uint_eq(*len, total);
	unlink(path);
	return (buf);
}

/* An ss_input reading ${len} bytes of ${buf} from a memfd. */
static struct ss_input *
input_from(const uint8_t * buf, size_t len)
{
	struct ss_input * in;
	int fd;

	ck_assert_int_ne(fd = memfd_create("ss-test", MFD_CLOEXEC), -1);
	if (len > 0)
		ck_assert_int_eq(write(fd, buf, len), (ssize_t)len);
	ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
	ck_assert_ptr_nonnull(in = calloc(1, sizeof(*in)));
	in->fd = fd;
	in->name = "memfd";
	in->is_regular = 1;
	in->owned = 1;
	return (in);
}

/* What a reader made of a stream. */
struct outcome {
	int rc;			/* 0: read to the end; -1: rejected */
	int header_ok;		/* ss_stream_reader_new succeeded */
	size_t nchunks;		/* chunks returned */
	uint8_t * data;		/* their plaintexts, concatenated */
	size_t datalen;
	size_t lens[64];
	uint64_t bytes;
};

static void
read_stream(const uint8_t * buf, size_t len, const struct ss_identities * ids,
    struct outcome * oc)
{
	struct ss_input * in = input_from(buf, len);
	struct ss_stream_reader * r;
	const uint8_t * pt;
	size_t ptlen;
	int more;

	memset(oc, 0, sizeof(*oc));
	oc->rc = -1;
	ss_err_clear();
	if ((r = ss_stream_reader_new(in, ids)) == NULL)
		goto done;
	oc->header_ok = 1;
	while ((more = ss_stream_reader_next(r, &pt, &ptlen)) == 1) {
		if (ids != NULL) {
			ck_assert_ptr_nonnull(pt);
			oc->data = realloc(oc->data, oc->datalen + ptlen + 1);
			memcpy(oc->data + oc->datalen, pt, ptlen);
		} else
			ck_assert_ptr_null(pt);
		oc->datalen += ptlen;
		if (oc->nchunks < 64)
			oc->lens[oc->nchunks] = ptlen;
		oc->nchunks++;
		ck_assert_uint_eq(ss_stream_reader_nchunks(r), oc->nchunks);
	}
	if (more == 0) {
		oc->rc = 0;
		/* The end is sticky. */
		ck_assert_int_eq(ss_stream_reader_next(r, &pt, &ptlen), 0);
	}
	oc->bytes = ss_stream_reader_bytes(r);
done:
	if (oc->rc != 0)
		ck_assert_int_eq(ss_err_status(), SS_EXIT_DATA);
	ss_stream_reader_free(r);
	ss_input_close(in);
}

START_TEST(test_vector)
{
	uint8_t want[256], c0[30], c1[46];
	uint8_t fk[SS_FILE_KEY_LEN], salt[SS_SALT_LEN], eph[SS_KEY_LEN];
	char path[512];
	struct party p;
	struct ss_output * o;
	struct ss_stream_writer * w;
	struct outcome oc;
	uint8_t * got;
	size_t len;

	ck_assert_uint_eq(tu_hex(want, sizeof(want), vector_stream), 256);
	ck_assert_uint_eq(tu_hex(c0, sizeof(c0), vector_chunk0), 30);
	ck_assert_uint_eq(tu_hex(c1, sizeof(c1), vector_chunk1), 46);
	fill(fk, sizeof(fk), 0x00);
	fill(salt, sizeof(salt), 0xa0);
	fill(eph, sizeof(eph), 0x40);
	party_new(&p, 1);

	snprintf(path, sizeof(path), "%s/vector", tu_dir);
	ck_assert_ptr_nonnull(o = ss_output_open(path, SS_OUTPUT_BINARY));
	ck_assert_ptr_nonnull(w = ss_stream_writer_new_fixed(o, p.r, fk, salt,
	    eph));
	ck_assert_int_eq(ss_stream_writer_chunk(w, c0, sizeof(c0), 0), 0);
	ck_assert_int_eq(ss_stream_writer_chunk(w, c1, sizeof(c1), 1), 0);
	ck_assert_uint_eq(ss_stream_writer_bytes(w), 256);
	ss_stream_writer_free(w);
	ck_assert_int_eq(ss_output_commit(o), 0);
	got = tu_read_file(path, &len);
	ck_assert_uint_eq(len, 256);
	ck_assert_mem_eq(got, want, 256);
	free(got);

	read_stream(want, sizeof(want), p.ids, &oc);
	ck_assert_int_eq(oc.rc, 0);
	ck_assert_uint_eq(oc.nchunks, 2);
	ck_assert_uint_eq(oc.lens[0], 30);
	ck_assert_uint_eq(oc.lens[1], 46);
	ck_assert_mem_eq(oc.data, c0, 30);
	ck_assert_mem_eq(oc.data + 30, c1, 46);
	ck_assert_uint_eq(oc.bytes, 256);
	free(oc.data);
	party_free(&p);
}
END_TEST

START_TEST(test_round_trip)
{
	static uint8_t big[200000 + 8];
	size_t lens[] = { 0, 1, 1000, 65536, 100000, 0, 7, 200000 };
	const uint8_t * pts[8];
	size_t n = sizeof(lens) / sizeof(lens[0]);
	size_t i, off, len;
	struct party p, q;
	struct outcome oc;
	uint8_t * s;
	struct ss_recipients * both;

	randombytes_buf(big, sizeof(big));
	for (i = 0; i < n; i++)
		pts[i] = big + i;
	party_new(&p, 0);
	party_new(&q, 0);
	s = make_stream(p.r, pts, lens, n, &len);

	read_stream(s, len, p.ids, &oc);
	ck_assert_int_eq(oc.rc, 0);
	ck_assert_uint_eq(oc.nchunks, n);
	ck_assert_uint_eq(oc.bytes, len);
	for (i = 0, off = 0; i < n; off += lens[i], i++) {
		ck_assert_uint_eq(oc.lens[i], lens[i]);
		ck_assert_mem_eq(oc.data + off, pts[i], lens[i]);
	}
	free(oc.data);

	/* Another identity cannot read it. */
	read_stream(s, len, q.ids, &oc);
	ck_assert_int_eq(oc.rc, -1);
	ck_assert_int_eq(oc.header_ok, 0);
	ck_assert(strstr(ss_err_msg(), "no identity") != NULL);
	free(s);

	/* Three recipients: each reads it. */
	both = ss_recipients_new();
	ck_assert_int_eq(ss_recipients_add(both,
	    "sspub1-Z13VdO13iTELPS52gfN5C0ZsdzsVIf7PNld5WDcepS-8ISEb"), 0);
	both->pk = realloc(both->pk, 3 * SS_KEY_LEN);
	memcpy(both->pk[1], p.r->pk[0], SS_KEY_LEN);
	memcpy(both->pk[2], q.r->pk[0], SS_KEY_LEN);
	both->n = 3;
	s = make_stream(both, pts, lens, 3, &len);
	ck_assert_uint_eq(len, SS_HEADER_LEN(3) + 3 * 20 + 1001);
	read_stream(s, len, p.ids, &oc);
	ck_assert_int_eq(oc.rc, 0);
	ck_assert_uint_eq(oc.nchunks, 3);
	free(oc.data);
	read_stream(s, len, q.ids, &oc);
	ck_assert_int_eq(oc.rc, 0);
	free(oc.data);
	free(s);
	ss_recipients_free(both);
	party_free(&p);
	party_free(&q);
}
END_TEST

/* Writer to a file through ss_output, reader from it through ss_input. */
START_TEST(test_file_round_trip)
{
	static uint8_t buf[150000];
	char path[512];
	struct party p;
	struct ss_output * o;
	struct ss_stream_writer * w;
	struct ss_input * in;
	struct ss_stream_reader * r;
	const uint8_t * pt;
	size_t len, off = 0, i;
	size_t lens[] = { 30, 70000, 0, 65536, 14434 };

	randombytes_buf(buf, sizeof(buf));
	party_new(&p, 0);
	snprintf(path, sizeof(path), "%s/file.ss", tu_dir);
	ck_assert_ptr_nonnull(o = ss_output_open(path, SS_OUTPUT_BINARY));
	ck_assert_ptr_nonnull(w = ss_stream_writer_new(o, p.r));
	for (i = 0; i < 5; off += lens[i], i++)
		ck_assert_int_eq(ss_stream_writer_chunk(w, buf + off, lens[i],
		    i == 4), 0);
	ck_assert_uint_eq(off, sizeof(buf));
	ss_stream_writer_free(w);
	ck_assert_int_eq(ss_output_commit(o), 0);

	ck_assert_ptr_nonnull(in = ss_input_open(path));
	ck_assert_ptr_nonnull(r = ss_stream_reader_new(in, p.ids));
	for (i = 0, off = 0; i < 5; off += lens[i], i++) {
		ck_assert_int_eq(ss_stream_reader_next(r, &pt, &len), 1);
		ck_assert_uint_eq(len, lens[i]);
		ck_assert_mem_eq(pt, buf + off, len);
	}
	ck_assert_int_eq(ss_stream_reader_next(r, &pt, &len), 0);
	ck_assert_uint_eq(ss_stream_reader_nchunks(r), 5);
	ck_assert_uint_eq(ss_stream_reader_bytes(r), SS_HEADER_LEN(1) +
	    5 * (SS_CHUNK_PREFIX_LEN + SS_AEAD_TAG_LEN) + sizeof(buf));
	ss_stream_reader_free(r);
	ss_input_close(in);
	party_free(&p);
}
END_TEST

START_TEST(test_writer_limits)
{
	char path[512];
	struct party p;
	struct ss_output * o;
	struct ss_stream_writer * w;
	uint8_t b[4] = { 1, 2, 3, 4 };

	party_new(&p, 0);
	snprintf(path, sizeof(path), "%s/w", tu_dir);
	ck_assert_ptr_nonnull(o = ss_output_open(path, SS_OUTPUT_BINARY));
	ck_assert_ptr_nonnull(w = ss_stream_writer_new(o, p.r));
	/* Too large: refused before the plaintext is read. */
	ck_assert_int_eq(ss_stream_writer_chunk(w, b, (size_t)SS_CHUNK_MAX + 1,
	    0), -1);
	ck_assert_int_eq(ss_stream_writer_chunk(w, b, 4, 1), 0);
	/* Nothing after the final chunk. */
	ck_assert_int_eq(ss_stream_writer_chunk(w, b, 4, 0), -1);
	ck_assert(strstr(ss_err_msg(), "after the final") != NULL);
	ck_assert_int_eq(ss_stream_writer_chunk(w, b, 4, 1), -1);
	ss_stream_writer_free(w);
	ss_stream_writer_free(NULL);
	ss_output_abort(o);
	ck_assert_int_eq(tu_dir_count(tu_dir), 0);
	party_free(&p);
}
END_TEST

/* A small three-chunk stream for the tamper tests. */
static uint8_t *
small_stream(struct party * p, size_t * len)
{
	static const uint8_t a[] = "first", b[] = "second!", c[] = "end";
	const uint8_t * pts[3] = { a, b, c };
	size_t lens[3] = { 5, 7, 3 };

	return (make_stream(p->r, pts, lens, 3, len));
}

/* Cut the stream at every length: the final chunk is never returned. */
START_TEST(test_truncation)
{
	struct party p;
	struct outcome oc;
	uint8_t * s;
	size_t len, cut;

	party_new(&p, 0);
	s = small_stream(&p, &len);
	for (cut = 0; cut < len; cut++) {
		read_stream(s, cut, p.ids, &oc);
		ck_assert_msg(oc.rc == -1, "cut at %zu accepted", cut);
		ck_assert_msg(oc.nchunks < 3, "final chunk returned at %zu",
		    cut);
		ck_assert_int_eq(ss_err_status(), SS_EXIT_DATA);
		if (cut >= SS_HEADER_LEN(1))
			ck_assert_msg(strstr(ss_err_msg(), "truncated") !=
			    NULL, "cut %zu: %s", cut, ss_err_msg());
		free(oc.data);

		/* The same without a key. */
		read_stream(s, cut, NULL, &oc);
		ck_assert_int_eq(oc.rc, -1);
		ck_assert_uint_lt(oc.nchunks, 3);
	}
	read_stream(s, 0, p.ids, &oc);
	ck_assert(strstr(ss_err_msg(), "empty input") != NULL);
	read_stream(s, SS_HEADER_LEN(1), p.ids, &oc);
	ck_assert(strstr(ss_err_msg(), "no chunk after the header") != NULL);
	read_stream(s, SS_HEADER_LEN(1) - 1, p.ids, &oc);
	ck_assert(strstr(ss_err_msg(), "inside the header") != NULL);
	free(s);
	party_free(&p);
}
END_TEST

START_TEST(test_trailing_data)
{
	struct party p;
	struct outcome oc;
	uint8_t * s;
	size_t len;

	party_new(&p, 0);
	s = small_stream(&p, &len);
	s = realloc(s, len + 1);
	s[len] = 0;
	read_stream(s, len + 1, p.ids, &oc);
	ck_assert_int_eq(oc.rc, -1);
	ck_assert_uint_eq(oc.nchunks, 2);
	ck_assert(strstr(ss_err_msg(), "trailing data") != NULL);
	free(oc.data);
	read_stream(s, len + 1, NULL, &oc);
	ck_assert_int_eq(oc.rc, -1);
	free(s);
	party_free(&p);
}
END_TEST

/* Splice chunks of ${s}: ${order} lists chunk indexes, -1 ends. */
static uint8_t *
splice_chunks(const uint8_t * s, size_t len, const int * order,
    size_t * outlen)
{
	size_t off[16], clen[16];
	size_t n = 0, pos = SS_HEADER_LEN(1);
	uint8_t * out = malloc(len * 2);
	uint32_t l;
	int final;

	while (pos < len) {
		ck_assert_int_eq(ss_frame_prefix_read(s + pos, &l, &final), 0);
		off[n] = pos;
		clen[n] = SS_CHUNK_PREFIX_LEN + l + SS_AEAD_TAG_LEN;
		pos += clen[n++];
	}
	ck_assert_uint_eq(pos, len);
	memcpy(out, s, SS_HEADER_LEN(1));
	*outlen = SS_HEADER_LEN(1);
	for (; *order != -1; order++) {
		memcpy(out + *outlen, s + off[*order], clen[*order]);
		*outlen += clen[*order];
	}
	return (out);
}

START_TEST(test_reorder)
{
	static const int orders[][6] = {
		{ 1, 0, 2, -1 },	/* swapped */
		{ 0, 0, 1, 2, -1 },	/* duplicated */
		{ 0, 1, 1, 2, -1 },
		{ 0, 2, -1 },		/* dropped */
		{ 1, 2, -1 },
		{ 0, 1, 2, 2, -1 },	/* final twice */
		{ 2, -1 },		/* final alone */
		{ 0, 2, 1, -1 },
	};
	struct party p;
	struct outcome oc;
	uint8_t * s, * t;
	size_t len, tlen, i;
	const int same[] = { 0, 1, 2, -1 };

	party_new(&p, 0);
	s = small_stream(&p, &len);

	t = splice_chunks(s, len, same, &tlen);
	read_stream(t, tlen, p.ids, &oc);
	ck_assert_int_eq(oc.rc, 0);
	free(oc.data);
	free(t);

	for (i = 0; i < sizeof(orders) / sizeof(orders[0]); i++) {
		t = splice_chunks(s, len, orders[i], &tlen);
		read_stream(t, tlen, p.ids, &oc);
		ck_assert_msg(oc.rc == -1, "order %zu accepted", i);
		free(oc.data);
		free(t);
	}

	/* Dropping the final chunk: a truncation after chunk 2. */
	{
		const int drop[] = { 0, 1, -1 };

		t = splice_chunks(s, len, drop, &tlen);
		read_stream(t, tlen, p.ids, &oc);
		ck_assert_int_eq(oc.rc, -1);
		ck_assert_uint_eq(oc.nchunks, 2);
		ck_assert_msg(strstr(ss_err_msg(), "truncated after chunk 2") !=
		    NULL, "%s", ss_err_msg());
		free(oc.data);
		free(t);
	}
	free(s);
	party_free(&p);
}
END_TEST

/* A chunk from another stream to the same recipient is refused. */
START_TEST(test_splice_other_stream)
{
	struct party p;
	struct outcome oc;
	uint8_t * s1, * s2;
	size_t len1, len2;

	party_new(&p, 0);
	s1 = small_stream(&p, &len1);
	s2 = small_stream(&p, &len2);
	ck_assert_uint_eq(len1, len2);
	ck_assert(memcmp(s1, s2, len1) != 0);
	/* s1's header with s2's chunks. */
	memcpy(s2, s1, SS_HEADER_LEN(1));
	read_stream(s2, len2, p.ids, &oc);
	ck_assert_int_eq(oc.rc, -1);
	ck_assert_uint_eq(oc.nchunks, 0);
	ck_assert(strstr(ss_err_msg(), "chunk 1: authentication failed") !=
	    NULL);
	free(s1);
	free(s2);
	party_free(&p);
}
END_TEST

/* Flip every bit of a stream: the reader never accepts it. */
START_TEST(test_every_bit)
{
	struct party p;
	struct outcome oc;
	uint8_t * s;
	size_t len, bit;

	party_new(&p, 0);
	s = small_stream(&p, &len);
	for (bit = 0; bit < 8 * len; bit++) {
		s[bit / 8] ^= (uint8_t)(1U << (bit % 8));
		read_stream(s, len, p.ids, &oc);
		ck_assert_msg(oc.rc == -1, "bit %zu not detected", bit);
		ck_assert_uint_lt(oc.nchunks, 3);
		free(oc.data);
		s[bit / 8] ^= (uint8_t)(1U << (bit % 8));
	}
	free(s);
	party_free(&p);
}
END_TEST

/* Without identities the reader walks the frames and counts them. */
START_TEST(test_walk_without_key)
{
	static uint8_t buf[5000];
	size_t lens[] = { 10, 0, 4000, 33 };
	const uint8_t * pts[4] = { buf, buf, buf, buf };
	struct party p;
	struct outcome oc;
	uint8_t * s;
	size_t len;

	party_new(&p, 0);
	s = make_stream(p.r, pts, lens, 4, &len);
	read_stream(s, len, NULL, &oc);
	ck_assert_int_eq(oc.rc, 0);
	ck_assert_uint_eq(oc.nchunks, 4);
	ck_assert_uint_eq(oc.datalen, 4043);
	ck_assert_uint_eq(oc.lens[2], 4000);
	ck_assert_uint_eq(oc.bytes, len);
	ck_assert_ptr_null(oc.data);

	/* The header alone: counts before any chunk. */
	{
		struct ss_input * in = input_from(s, len);
		struct ss_stream_reader * r;

		ck_assert_ptr_nonnull(r = ss_stream_reader_new(in, NULL));
		ck_assert_uint_eq(ss_stream_reader_nrecipients(r), 1);
		ck_assert_uint_eq(ss_stream_reader_nchunks(r), 0);
		ck_assert_uint_eq(ss_stream_reader_bytes(r), SS_HEADER_LEN(1));
		ss_stream_reader_free(r);
		ss_input_close(in);
	}
	free(s);
	party_free(&p);
}
END_TEST

START_TEST(test_bad_magic)
{
	struct party p;
	struct outcome oc;
	uint8_t * s;
	size_t len;

	party_new(&p, 0);
	s = small_stream(&p, &len);
	read_stream((const uint8_t *)"id,name\n1,x\n", 12, p.ids, &oc);
	ck_assert_int_eq(oc.rc, -1);
	ck_assert(strstr(ss_err_msg(), "bad magic") != NULL);
	/* Cut inside the magic: truncated; a short foreign input: foreign. */
	read_stream((const uint8_t *)"\x89SS", 3, p.ids, &oc);
	ck_assert_int_eq(oc.rc, -1);
	ck_assert(strstr(ss_err_msg(), "truncated inside the header") != NULL);
	read_stream((const uint8_t *)"id,", 3, p.ids, &oc);
	ck_assert_int_eq(oc.rc, -1);
	ck_assert(strstr(ss_err_msg(), "bad magic") != NULL);
	s[8] = 2;
	read_stream(s, len, NULL, &oc);
	ck_assert(strstr(ss_err_msg(), "version") != NULL);
	free(s);
	party_free(&p);
}
END_TEST

/* A chunk prefix claiming more than the maximum is refused at once. */
START_TEST(test_oversized_chunk)
{
	struct party p;
	struct outcome oc;
	uint8_t * s;
	size_t len;

	party_new(&p, 0);
	s = small_stream(&p, &len);
	ss_be32enc(s + SS_HEADER_LEN(1), SS_CHUNK_MAX + 1);
	read_stream(s, len, p.ids, &oc);
	ck_assert_int_eq(oc.rc, -1);
	ck_assert_msg(strstr(ss_err_msg(), "chunk 1: chunk length") != NULL,
	    "%s", ss_err_msg());
	free(s);
	party_free(&p);
}
END_TEST

/* Through a pipe (not a regular file). */
START_TEST(test_pipe)
{
	struct party p;
	struct ss_input in;
	struct ss_stream_reader * r;
	const uint8_t * pt;
	size_t len, ptlen;
	uint8_t * s;
	int fds[2];

	party_new(&p, 0);
	s = small_stream(&p, &len);
	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(write(fds[1], s, len), (ssize_t)len);
	close(fds[1]);
	in.fd = fds[0];
	in.name = "pipe";
	in.is_regular = 0;
	in.owned = 0;
	ck_assert_ptr_nonnull(r = ss_stream_reader_new(&in, p.ids));
	ck_assert_int_eq(ss_stream_reader_next(r, &pt, &ptlen), 1);
	ck_assert_mem_eq(pt, "first", 5);
	ck_assert_int_eq(ss_stream_reader_next(r, &pt, &ptlen), 1);
	ck_assert_int_eq(ss_stream_reader_next(r, &pt, &ptlen), 1);
	ck_assert_uint_eq(ptlen, 3);
	ck_assert_mem_eq(pt, "end", 3);
	ck_assert_int_eq(ss_stream_reader_next(r, &pt, &ptlen), 0);
	ss_stream_reader_free(r);
	ss_stream_reader_free(NULL);
	close(fds[0]);
	free(s);
	party_free(&p);
}
END_TEST

static Suite *
stream_suite(void)
{
	Suite * s = suite_create("stream");
	TCase * tc = tcase_create("stream");

	tcase_add_checked_fixture(tc, tu_dir_setup, tu_dir_teardown);
	tcase_add_test(tc, test_vector);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_file_round_trip);
	tcase_add_test(tc, test_writer_limits);
	tcase_add_test(tc, test_truncation);
	tcase_add_test(tc, test_trailing_data);
	tcase_add_test(tc, test_reorder);
	tcase_add_test(tc, test_splice_other_stream);
	tcase_add_test(tc, test_every_bit);
	tcase_add_test(tc, test_walk_without_key);
	tcase_add_test(tc, test_bad_magic);
	tcase_add_test(tc, test_oversized_chunk);
	tcase_add_test(tc, test_pipe);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{

	return (tu_run_sodium(stream_suite()));
}
