/* Unit tests for libcore/common/batch.c: chunk plaintext layout and validation. */

#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <sodium.h>

#include "batch.h"
#include "err.h"
#include "frame.h"

#include "check_util.h"

/* Check that ${b} holds record ${rec} equal to ${fields}, ${lens}. */
static void
assert_record(const struct ss_batch * b, size_t rec,
    const uint8_t * const * fields, const size_t * lens)
{
	const uint8_t * f;
	size_t i, len;

	for (i = 0; i < b->nfields; i++) {
		f = ss_batch_field(b, rec, i, &len);
		ck_assert_uint_eq(len, lens[i]);
		if (len > 0)
			ck_assert_mem_eq(f, fields[i], len);
	}
}

START_TEST(test_width2)
{
	struct ss_batch_builder * bb;
	struct ss_batch b;
	const uint8_t * pt;
	size_t len;
	const uint8_t * r1[3] = { (const uint8_t *)"1",
	    (const uint8_t *)"Smith, J", (const uint8_t *)"ok" };
	size_t l1[3] = { 1, 8, 2 };
	const uint8_t * r2[3] = { (const uint8_t *)"2", (const uint8_t *)"",
	    (const uint8_t *)"say \"hi\"" };
	size_t l2[3] = { 1, 0, 8 };
	uint8_t want[46];

	ck_assert_ptr_nonnull(bb = ss_batch_builder_new(3, SS_CHUNK_TARGET));
	ck_assert_uint_eq(ss_batch_builder_nrecords(bb), 0);
	ck_assert_int_eq(ss_batch_builder_add(bb, r1, l1), 0);
	ck_assert_int_eq(ss_batch_builder_add(bb, r2, l2), 0);
	ck_assert_uint_eq(ss_batch_builder_nrecords(bb), 2);
	ck_assert_int_eq(ss_batch_builder_finish(bb, SS_BATCH_RECORDS, &pt,
	    &len), 0);
	ck_assert_uint_eq(ss_batch_builder_nrecords(bb), 0);

	/* Exactly the ss-format(5) vector's chunk 1. */
	tu_hex(want, sizeof(want), "020200000000000200000003"
	    "00000001" "0009000b000c000c0014"
	    "31536d6974682c204a6f6b32" "7361792022686922");
	ck_assert_uint_eq(len, 46);
	ck_assert_mem_eq(pt, want, 46);

	ck_assert_int_eq(ss_batch_parse(&b, pt, len), 0);
	ck_assert_uint_eq(b.type, SS_BATCH_RECORDS);
	ck_assert_uint_eq(b.width, 2);
	ck_assert_uint_eq(b.nrecords, 2);
	ck_assert_uint_eq(b.nfields, 3);
	ck_assert_uint_eq(b.datalen, 20);
	assert_record(&b, 0, r1, l1);
	assert_record(&b, 1, r2, l2);
	ss_batch_builder_free(bb);
	ss_batch_builder_free(NULL);
}
END_TEST

/* More than 65535 data bytes: 4-byte offsets. */
START_TEST(test_width4)
{
	static uint8_t big[70000];
	struct ss_batch_builder * bb;
	struct ss_batch b;
	const uint8_t * pt;
	size_t len;
	const uint8_t * r[2] = { big, (const uint8_t *)"tail" };
	size_t l[2] = { sizeof(big), 4 };
	const uint8_t * s[2] = { (const uint8_t *)"x", big + 1 };
	size_t sl[2] = { 1, 100 };

	randombytes_buf(big, sizeof(big));
	ck_assert_ptr_nonnull(bb = ss_batch_builder_new(2, 1 << 20));
	ck_assert_int_eq(ss_batch_builder_add(bb, s, sl), 0);
	ck_assert_int_eq(ss_batch_builder_add(bb, r, l), 0);
	ck_assert_int_eq(ss_batch_builder_add(bb, s, sl), 0);
	ck_assert_int_eq(ss_batch_builder_finish(bb, SS_BATCH_RECORDS, &pt,
	    &len), 0);
	ck_assert_uint_eq(len, SS_BATCH_HEADER_LEN + 7 * 4 + 70206);
	ck_assert_int_eq(ss_batch_parse(&b, pt, len), 0);
	ck_assert_uint_eq(b.width, 4);
	ck_assert_uint_eq(b.nrecords, 3);
	assert_record(&b, 0, s, sl);
	assert_record(&b, 1, r, l);
	assert_record(&b, 2, s, sl);
	ss_batch_builder_free(bb);
}
END_TEST

/* The width switches exactly past 65535 bytes of data. */
START_TEST(test_width_boundary)
{
	static uint8_t big[65536];
	struct ss_batch_builder * bb;
	struct ss_batch b;
	const uint8_t * pt;
	const uint8_t * f[1] = { big };
	size_t l[1];
	size_t len;

	memset(big, 'z', sizeof(big));
	ck_assert_ptr_nonnull(bb = ss_batch_builder_new(1, SIZE_MAX));
	l[0] = 65535;
	ck_assert_int_eq(ss_batch_builder_add(bb, f, l), 0);
	ck_assert_int_eq(ss_batch_builder_finish(bb, SS_BATCH_RECORDS, &pt,
	    &len), 0);
	ck_assert_int_eq(ss_batch_parse(&b, pt, len), 0);
	ck_assert_uint_eq(b.width, 2);
	assert_record(&b, 0, f, l);

	l[0] = 65536;
	ck_assert_int_eq(ss_batch_builder_add(bb, f, l), 0);
	ck_assert_int_eq(ss_batch_builder_finish(bb, SS_BATCH_RECORDS, &pt,
	    &len), 0);
	ck_assert_int_eq(ss_batch_parse(&b, pt, len), 0);
	ck_assert_uint_eq(b.width, 4);
	ck_assert_uint_eq(b.nrecords, 1);
	assert_record(&b, 0, f, l);
	ss_batch_builder_free(bb);
}
END_TEST

START_TEST(test_empty_and_schema)
{
	struct ss_batch_builder * bb;
	struct ss_batch b;
	const uint8_t * pt;
	size_t len;
	const uint8_t * names[3] = { (const uint8_t *)"id",
	    (const uint8_t *)"name", (const uint8_t *)"note" };
	size_t nl[3] = { 2, 4, 4 };
	uint8_t want[30];

	/* An empty record batch: header and a single zero offset. */
	ck_assert_ptr_nonnull(bb = ss_batch_builder_new(3, SS_CHUNK_TARGET));
	ck_assert_int_eq(ss_batch_builder_finish(bb, SS_BATCH_RECORDS, &pt,
	    &len), 0);
	ck_assert_uint_eq(len, SS_BATCH_HEADER_LEN + 2);
	ck_assert_int_eq(ss_batch_parse(&b, pt, len), 0);
	ck_assert_uint_eq(b.nrecords, 0);
	ck_assert_uint_eq(b.nfields, 3);
	ck_assert_uint_eq(b.datalen, 0);

	/* The schema: one record of names (the vector's chunk 0). */
	ck_assert_int_eq(ss_batch_builder_add(bb, names, nl), 0);
	ck_assert_int_eq(ss_batch_builder_finish(bb, SS_BATCH_SCHEMA, &pt,
	    &len), 0);
	tu_hex(want, sizeof(want), "010200000000000100000003"
	    "000000020006000a" "69646e616d656e6f7465");
	ck_assert_uint_eq(len, 30);
	ck_assert_mem_eq(pt, want, 30);
	ck_assert_int_eq(ss_batch_parse(&b, pt, len), 0);
	ck_assert_uint_eq(b.type, SS_BATCH_SCHEMA);
	ck_assert_uint_eq(b.nrecords, 1);
	assert_record(&b, 0, names, nl);
	ss_batch_builder_free(bb);

	/* No columns at all: the schema of an empty stream. */
	ck_assert_ptr_nonnull(bb = ss_batch_builder_new(0, SIZE_MAX));
	ck_assert_int_eq(ss_batch_builder_finish(bb, SS_BATCH_SCHEMA, &pt,
	    &len), 0);
	ck_assert_uint_eq(len, SS_BATCH_HEADER_LEN + 2);
	ck_assert_int_eq(ss_batch_parse(&b, pt, len), 0);
	ck_assert_uint_eq(b.nrecords, 0);
	ck_assert_uint_eq(b.nfields, 0);
	ss_batch_builder_free(bb);
}
END_TEST

/* Many batches from one builder: each is laid out afresh. */
START_TEST(test_reuse)
{
	struct ss_batch_builder * bb;
	struct ss_batch b;
	const uint8_t * pt;
	size_t len, i, j, k;
	uint8_t data[4][300];
	const uint8_t * f[4];
	size_t l[4];
	uint64_t seed = 12345;

	ck_assert_ptr_nonnull(bb = ss_batch_builder_new(4, SS_CHUNK_TARGET));
	for (i = 0; i < 20; i++) {
		size_t nrec = (size_t)(tu_rand(&seed) % 50);

		for (j = 0; j < nrec; j++) {
			for (k = 0; k < 4; k++) {
				l[k] = (size_t)(tu_rand(&seed) % 300);
				memset(data[k], (int)(i + j + k), l[k]);
				f[k] = data[k];
			}
			ck_assert_int_eq(ss_batch_builder_add(bb, f, l), 0);
		}
		ck_assert_int_eq(ss_batch_builder_finish(bb, SS_BATCH_RECORDS,
		    &pt, &len), 0);
		ck_assert_int_eq(ss_batch_parse(&b, pt, len), 0);
		ck_assert_uint_eq(b.nrecords, nrec);
		/* The last record's fields are still in data[]. */
		if (nrec > 0)
			assert_record(&b, nrec - 1, f, l);
		for (j = 0; j + 1 < nrec; j++) {
			const uint8_t * p = ss_batch_field(&b, j, 3, &len);

			if (len > 0)
				ck_assert_uint_eq(p[0],
				    (uint8_t)(i + j + 3));
		}
	}
	ss_batch_builder_free(bb);
}
END_TEST

/* Filling batches as the encrypter does: each stays within the target. */
START_TEST(test_fits)
{
	static uint8_t data[5000];
	size_t targets[] = { 1, 50, 100, 1000, 4096, 65536 };
	struct ss_batch_builder * bb;
	struct ss_batch b;
	const uint8_t * pt;
	const uint8_t * f[3] = { data, data, data };
	size_t l[3];
	size_t len, t, i, reclen;
	uint32_t n;
	uint64_t seed = 99;

	for (t = 0; t < sizeof(targets) / sizeof(targets[0]); t++) {
		ck_assert_ptr_nonnull(bb = ss_batch_builder_new(3,
		    targets[t]));
		/* An empty batch takes any record. */
		ck_assert_int_ne(ss_batch_builder_fits(bb, 1U << 24), 0);
		for (i = 0; i < 2000; i++) {
			l[0] = (size_t)(tu_rand(&seed) % 40);
			l[1] = (size_t)(tu_rand(&seed) % 400);
			l[2] = (i % 97 == 0) ? 4000 : 3;
			reclen = l[0] + l[1] + l[2];
			if (!ss_batch_builder_fits(bb, reclen)) {
				n = ss_batch_builder_nrecords(bb);
				ck_assert_int_eq(ss_batch_builder_finish(bb,
				    SS_BATCH_RECORDS, &pt, &len), 0);
				ck_assert_uint_gt(n, 0);
				ck_assert_msg(len <= targets[t] || n == 1,
				    "batch of %u records is %zu bytes, "
				    "target %zu", n, len, targets[t]);
				ck_assert_int_eq(ss_batch_parse(&b, pt, len),
				    0);
				ck_assert_uint_eq(b.nrecords, n);
			}
			ck_assert_int_eq(ss_batch_builder_add(bb, f, l), 0);
		}
		ss_batch_builder_free(bb);
	}

	/* The exact boundary: 12 + 2 * 7 + data. */
	ck_assert_ptr_nonnull(bb = ss_batch_builder_new(3, 12 + 2 * 7 + 10));
	l[0] = l[1] = 2;
	l[2] = 1;
	ck_assert_int_eq(ss_batch_builder_add(bb, f, l), 0);
	ck_assert_int_ne(ss_batch_builder_fits(bb, 5), 0);
	ck_assert_int_eq(ss_batch_builder_fits(bb, 6), 0);
	ss_batch_builder_free(bb);
}
END_TEST

START_TEST(test_record_max)
{
	struct ss_batch_builder * bb;
	struct ss_batch b;
	uint8_t * big;
	const uint8_t * f[2];
	const uint8_t * pt;
	size_t l[2], len;

	ck_assert_ptr_nonnull(big = malloc(SS_RECORD_MAX + 1));
	memset(big, 'r', SS_RECORD_MAX + 1);
	f[0] = f[1] = big;
	ck_assert_ptr_nonnull(bb = ss_batch_builder_new(2, SS_CHUNK_TARGET));

	/* One byte too many, in one field or split over two. */
	l[0] = SS_RECORD_MAX + 1;
	l[1] = 0;
	ss_err_clear();
	ck_assert_int_eq(ss_batch_builder_add(bb, f, l), -1);
	ck_assert_int_eq(ss_err_status(), SS_EXIT_DATA);
	ck_assert(strstr(ss_err_msg(), "exceeds") != NULL);
	l[0] = SS_RECORD_MAX / 2;
	l[1] = SS_RECORD_MAX / 2 + 1;
	ck_assert_int_eq(ss_batch_builder_add(bb, f, l), -1);
	ck_assert_uint_eq(ss_batch_builder_nrecords(bb), 0);

	/* Exactly the limit is fine, and round trips. */
	l[1] = SS_RECORD_MAX / 2;
	ck_assert_int_eq(ss_batch_builder_add(bb, f, l), 0);
	ck_assert_int_eq(ss_batch_builder_finish(bb, SS_BATCH_RECORDS, &pt,
	    &len), 0);
	ck_assert_uint_le(len, SS_CHUNK_MAX);
	ck_assert_int_eq(ss_batch_parse(&b, pt, len), 0);
	assert_record(&b, 0, f, l);
	ss_batch_builder_free(bb);
	free(big);
}
END_TEST

/* Build a raw chunk: header fields, then offsets and data as given. */
static size_t
raw(uint8_t * p, uint8_t type, uint8_t width, uint32_t nrec, uint32_t nf,
    const uint32_t * off, size_t noff, const char * data)
{
	size_t k, n = SS_BATCH_HEADER_LEN;

	p[0] = type;
	p[1] = width;
	p[2] = p[3] = 0;
	ss_be32enc(&p[4], nrec);
	ss_be32enc(&p[8], nf);
	for (k = 0; k < noff; k++) {
		if (width == 4) {
			ss_be32enc(p + n, off[k]);
			n += 4;
		} else {
			ss_be16enc(p + n, (uint16_t)off[k]);
			n += 2;
		}
	}
	memcpy(p + n, data, strlen(data));
	return (n + strlen(data));
}

static void
assert_refused(const uint8_t * p, size_t len, const char * why)
{
	struct ss_batch b;

	ss_err_clear();
	ck_assert_msg(ss_batch_parse(&b, p, len) == -1, "accepted: %s", why);
	ck_assert_int_eq(ss_err_status(), SS_EXIT_DATA);
}

START_TEST(test_parse_rejects)
{
	uint8_t p[256];
	struct ss_batch b;
	const uint32_t good[] = { 0, 1, 3, 6 };
	size_t len, n;

	/* The base case parses, in both widths. */
	len = raw(p, SS_BATCH_RECORDS, 2, 1, 3, good, 4, "abcdef");
	ck_assert_int_eq(ss_batch_parse(&b, p, len), 0);
	len = raw(p, SS_BATCH_RECORDS, 4, 1, 3, good, 4, "abcdef");
	ck_assert_int_eq(ss_batch_parse(&b, p, len), 0);
	ck_assert_uint_eq(b.width, 4);

	/* Too short for the header. */
	for (n = 0; n < SS_BATCH_HEADER_LEN; n++)
		assert_refused(p, n, "short chunk");
	ck_assert(strstr(ss_err_msg(), "too short") != NULL);

	/* Type and width. */
	for (n = 0; n < 256; n++) {
		if (n == SS_BATCH_SCHEMA || n == SS_BATCH_RECORDS)
			continue;
		len = raw(p, (uint8_t)n, 2, 1, 3, good, 4, "abcdef");
		assert_refused(p, len, "unknown type");
	}
	len = raw(p, 3, 2, 1, 3, good, 4, "abcdef");
	assert_refused(p, len, "type 3");
	ck_assert(strstr(ss_err_msg(), "unknown chunk type 3") != NULL);
	for (n = 0; n < 256; n++) {
		if (n == 2 || n == 4)
			continue;
		len = raw(p, SS_BATCH_RECORDS, 2, 1, 3, good, 4, "abcdef");
		p[1] = (uint8_t)n;
		assert_refused(p, len, "bad width");
	}

	/* Reserved bytes. */
	len = raw(p, SS_BATCH_RECORDS, 2, 1, 3, good, 4, "abcdef");
	p[2] = 1;
	assert_refused(p, len, "reserved byte 2");
	p[2] = 0;
	p[3] = 0x80;
	assert_refused(p, len, "reserved byte 3");

	/* Offsets that run past the chunk. */
	len = raw(p, SS_BATCH_RECORDS, 2, 1, 3, good, 4, "");
	assert_refused(p, len - 1, "offsets cut short");
	len = raw(p, SS_BATCH_RECORDS, 2, 2, 3, good, 4, "abcdef");
	assert_refused(p, len, "more records than offsets");
	len = raw(p, SS_BATCH_RECORDS, 4, 1, 3, good, 4, "abcdef");
	p[1] = 2;
	ck_assert_int_eq(ss_batch_parse(&b, p, len), -1);
	len = raw(p, SS_BATCH_RECORDS, 2, 0xffffffff, SS_COLUMNS_MAX, good, 4,
	    "abcdef");
	assert_refused(p, len, "huge table");
	len = raw(p, SS_BATCH_RECORDS, 2, 0x80000000, 2, good, 4, "abcdef");
	assert_refused(p, len, "huge table");

	/* Offsets that decrease, start late, or end early or late. */
	{
		const uint32_t down[] = { 0, 3, 2, 6 };
		const uint32_t late[] = { 1, 2, 3, 6 };
		const uint32_t past[] = { 0, 1, 3, 7 };
		const uint32_t beyond[] = { 0, 1, 300, 6 };

		len = raw(p, SS_BATCH_RECORDS, 2, 1, 3, down, 4, "abcdef");
		assert_refused(p, len, "decreasing");
		ck_assert(strstr(ss_err_msg(), "inconsistent") != NULL);
		len = raw(p, SS_BATCH_RECORDS, 2, 1, 3, late, 4, "abcdef");
		assert_refused(p, len, "first offset not 0");
		len = raw(p, SS_BATCH_RECORDS, 2, 1, 3, past, 4, "abcdef");
		assert_refused(p, len, "last offset past the data");
		len = raw(p, SS_BATCH_RECORDS, 2, 1, 3, good, 4, "abcdefg");
		assert_refused(p, len, "data after the last offset");
		len = raw(p, SS_BATCH_RECORDS, 4, 1, 3, beyond, 4, "abcdef");
		assert_refused(p, len, "offset beyond the chunk");
	}

	/* Too many columns. */
	{
		static uint8_t q[SS_BATCH_HEADER_LEN + 2 * 65538];

		memset(q, 0, sizeof(q));
		q[0] = SS_BATCH_SCHEMA;
		q[1] = 2;
		ss_be32enc(&q[4], 1);
		ss_be32enc(&q[8], SS_COLUMNS_MAX);
		ck_assert_int_eq(ss_batch_parse(&b, q, SS_BATCH_HEADER_LEN +
		    2 * (SS_COLUMNS_MAX + 1)), 0);
		ck_assert_uint_eq(b.nfields, SS_COLUMNS_MAX);
		ss_be32enc(&q[8], SS_COLUMNS_MAX + 1);
		assert_refused(q, sizeof(q), "too many columns");
		ss_be32enc(&q[8], 0xffffffff);
		assert_refused(q, sizeof(q), "too many columns");
	}

	/*
	 * Records without fields: nothing can be stored in them, and a
	 * 14-byte chunk must not stand for four billion (empty) rows.
	 */
	{
		const uint32_t zero[] = { 0 };

		len = raw(p, SS_BATCH_RECORDS, 2, 0, 0, zero, 1, "");
		ck_assert_int_eq(ss_batch_parse(&b, p, len), 0);
		len = raw(p, SS_BATCH_RECORDS, 2, 1, 0, zero, 1, "");
		assert_refused(p, len, "a record with no fields");
		len = raw(p, SS_BATCH_RECORDS, 2, 0xffffffff, 0, zero, 1, "");
		assert_refused(p, len, "records with no fields");
	}
}
END_TEST

/* Random chunks never crash the parser, and what parses is consistent. */
START_TEST(test_parse_random)
{
	uint8_t p[64];
	struct ss_batch b;
	uint64_t seed = 7;
	size_t i, j, len, r, c, flen, total;

	for (i = 0; i < 200000; i++) {
		len = (size_t)(tu_rand(&seed) % sizeof(p));
		for (j = 0; j < len; j++)
			p[j] = (uint8_t)tu_rand(&seed);
		/* Bias towards plausible headers. */
		if (len >= SS_BATCH_HEADER_LEN) {
			p[0] = (uint8_t)(1 + (p[0] & 1));
			p[1] = (p[1] & 1) ? 4 : 2;
			p[2] = p[3] = 0;
			p[4] = p[5] = p[6] = 0;
			p[7] &= 3;
			p[8] = p[9] = p[10] = 0;
			p[11] &= 3;
		}
		if (ss_batch_parse(&b, p, len) != 0)
			continue;
		total = 0;
		for (r = 0; r < b.nrecords; r++) {
			for (c = 0; c < b.nfields; c++) {
				const uint8_t * f = ss_batch_field(&b, r, c,
				    &flen);

				ck_assert(f >= b.data);
				ck_assert(f + flen <= b.data + b.datalen);
				total += flen;
			}
		}
		ck_assert_uint_eq(total, b.datalen);
	}
}
END_TEST

static Suite *
batch_suite(void)
{
	Suite * s = suite_create("batch");
	TCase * tc = tcase_create("batch");

	tcase_add_test(tc, test_width2);
	tcase_add_test(tc, test_width4);
	tcase_add_test(tc, test_width_boundary);
	tcase_add_test(tc, test_empty_and_schema);
	tcase_add_test(tc, test_reuse);
	tcase_add_test(tc, test_fits);
	tcase_add_test(tc, test_record_max);
	tcase_add_test(tc, test_parse_rejects);
	tcase_add_test(tc, test_parse_random);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{

	return (tu_run_sodium(batch_suite()));
}
