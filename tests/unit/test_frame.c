/* Unit tests for libcore/common/frame.c: header, nonces and chunk prefixes. */

#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <sodium.h>

#include "err.h"
#include "frame.h"
#include "key.h"

#include "check_util.h"

/* The header of the ss-format(5) test vector (140 bytes). */
static const char vector_header[] =
	"895353460d0a1a0a01010001a0a1a2a3a4a5a6a7a8a9aaabacadaeaf79a631ee"
	"de1bf9c98f12032cdeadd0e7a079398fc786b88cc846ec89af85a51a98c46396"
	"6d591c4288b20b129539d2a7fec8fc58cb190c459a57783db550256e132bd975"
	"3117a692a186fdadfedfbb5bf52422e3ba151dc46ce082ac164da4ebb0f791a8"
	"58523bd65babb590f7c88a4f";

static void
fill(uint8_t * p, size_t len, uint8_t first)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(first + i);
}

START_TEST(test_prefix)
{
	uint8_t p[SS_CHUNK_PREFIX_LEN];
	uint32_t len;
	int final;

	ss_frame_prefix_write(p, 0, 0);
	ck_assert_mem_eq(p, "\x00\x00\x00\x00", 4);
	ck_assert_int_eq(ss_frame_prefix_read(p, &len, &final), 0);
	ck_assert_uint_eq(len, 0);
	ck_assert_int_eq(final, 0);

	ss_frame_prefix_write(p, 0x010203, 1);
	ck_assert_mem_eq(p, "\x80\x01\x02\x03", 4);
	ck_assert_int_eq(ss_frame_prefix_read(p, &len, &final), 0);
	ck_assert_uint_eq(len, 0x010203);
	ck_assert_int_eq(final, 1);

	ss_frame_prefix_write(p, 30, 0);
	ck_assert_mem_eq(p, "\x00\x00\x00\x1e", 4);

	ss_frame_prefix_write(p, SS_CHUNK_MAX, 1);
	ck_assert_int_eq(ss_frame_prefix_read(p, &len, &final), 0);
	ck_assert_uint_eq(len, SS_CHUNK_MAX);
	ck_assert_int_eq(final, 1);
	ss_frame_prefix_write(p, SS_CHUNK_MAX, 0);
	ck_assert_int_eq(ss_frame_prefix_read(p, &len, &final), 0);
	ck_assert_uint_eq(len, SS_CHUNK_MAX);
	ck_assert_int_eq(final, 0);

	/* One past the maximum, with and without the final bit. */
	ss_err_clear();
	ss_be32enc(p, SS_CHUNK_MAX + 1);
	ck_assert_int_eq(ss_frame_prefix_read(p, &len, &final), -1);
	ck_assert_int_eq(ss_err_status(), SS_EXIT_DATA);
	ck_assert(strstr(ss_err_msg(), "exceeds") != NULL);
	ss_be32enc(p, (SS_CHUNK_MAX + 1) | SS_CHUNK_FINAL_BIT);
	ck_assert_int_eq(ss_frame_prefix_read(p, &len, &final), -1);
	ss_be32enc(p, 0x7fffffff);
	ck_assert_int_eq(ss_frame_prefix_read(p, &len, &final), -1);
	ss_be32enc(p, 0xffffffff);
	ck_assert_int_eq(ss_frame_prefix_read(p, &len, &final), -1);
}
END_TEST

START_TEST(test_nonce)
{
	uint8_t n[SS_AEAD_NONCE_LEN];

	memset(n, 0xee, sizeof(n));
	ss_frame_nonce(n, 0, 0);
	ck_assert_mem_eq(n, "\0\0\0\0\0\0\0\0\0\0\0\0", 12);
	ss_frame_nonce(n, 0, 1);
	ck_assert_mem_eq(n, "\0\0\0\0\0\0\0\0\0\0\0\1", 12);
	ss_frame_nonce(n, 1, 0);
	ck_assert_mem_eq(n, "\0\0\0\0\0\0\0\0\0\0\1\0", 12);
	ss_frame_nonce(n, 0x0102030405060708ULL, 1);
	ck_assert_mem_eq(n, "\0\0\0\1\2\3\4\5\6\7\x08\1", 12);
	ss_frame_nonce(n, 0x100, 0);
	ck_assert_mem_eq(n, "\0\0\0\0\0\0\0\0\0\1\0\0", 12);
	ss_frame_nonce(n, UINT64_MAX, 0);
	ck_assert_mem_eq(n, "\0\0\0\xff\xff\xff\xff\xff\xff\xff\xff\0", 12);
	/* Any nonzero final flag is 1. */
	ss_frame_nonce(n, 2, 7);
	ck_assert_mem_eq(n, "\0\0\0\0\0\0\0\0\0\0\2\1", 12);
}
END_TEST

START_TEST(test_header_fixed)
{
	uint8_t h[SS_HEADER_FIXED_LEN];
	size_t n;

	memset(h, 0, sizeof(h));
	memcpy(h, SS_MAGIC, SS_MAGIC_LEN);
	h[8] = 1;
	h[9] = 1;
	ss_be16enc(&h[10], 1);
	ck_assert_int_eq(ss_frame_header_fixed(h, &n), 0);
	ck_assert_uint_eq(n, 1);
	ss_be16enc(&h[10], SS_RECIPIENTS_MAX);
	ck_assert_int_eq(ss_frame_header_fixed(h, &n), 0);
	ck_assert_uint_eq(n, SS_RECIPIENTS_MAX);

	ss_be16enc(&h[10], SS_RECIPIENTS_MAX + 1);
	ck_assert_int_eq(ss_frame_header_fixed(h, &n), -1);
	ck_assert_int_eq(ss_err_status(), SS_EXIT_DATA);
	ss_be16enc(&h[10], 0);
	ck_assert_int_eq(ss_frame_header_fixed(h, &n), -1);
	ss_be16enc(&h[10], 1);

	h[8] = 2;
	ck_assert_int_eq(ss_frame_header_fixed(h, &n), -1);
	ck_assert(strstr(ss_err_msg(), "version 2") != NULL);
	h[8] = 1;
	h[9] = 0;
	ck_assert_int_eq(ss_frame_header_fixed(h, &n), -1);
	ck_assert(strstr(ss_err_msg(), "suite") != NULL);
	h[9] = 1;
	h[0] = 0x88;
	ck_assert_int_eq(ss_frame_header_fixed(h, &n), -1);
	ck_assert(strstr(ss_err_msg(), "magic") != NULL);
	ck_assert_int_eq(ss_err_status(), SS_EXIT_DATA);
}
END_TEST

/* The header of the format's test vector, byte for byte. */
START_TEST(test_header_vector)
{
	uint8_t want[SS_HEADER_LEN(1)], hdr[SS_HEADER_LEN(1)];
	uint8_t rsk[SS_KEY_LEN], eph[SS_KEY_LEN], fk[SS_FILE_KEY_LEN];
	uint8_t salt[SS_SALT_LEN];
	uint8_t * got;
	struct ss_recipients r;
	uint8_t pk[1][SS_KEY_LEN];
	struct ss_identities * ids;

	ck_assert_uint_eq(tu_hex(want, sizeof(want), vector_header),
	    SS_HEADER_LEN(1));
	fill(rsk, sizeof(rsk), 0x60);
	fill(eph, sizeof(eph), 0x40);
	fill(fk, sizeof(fk), 0x00);
	fill(salt, sizeof(salt), 0xa0);
	ck_assert_int_eq(ss_key_public_of(pk[0], rsk), 0);
	r.n = 1;
	r.pk = pk;
	ck_assert_int_eq(ss_frame_header_seal(hdr, &r, fk, salt, eph), 0);
	ck_assert_mem_eq(hdr, want, sizeof(want));

	ids = ss_identities_new();
	ck_assert_int_eq(ss_identities_add(ids, rsk), 0);
	got = sodium_malloc(SS_FILE_KEY_LEN);
	ck_assert_int_eq(ss_frame_header_open(want, ids, got), 0);
	ck_assert_mem_eq(got, fk, SS_FILE_KEY_LEN);
	sodium_free(got);
	ss_identities_free(ids);
}
END_TEST

struct party {
	uint8_t sk[SS_KEY_LEN];
	uint8_t pk[SS_KEY_LEN];
	struct ss_identities * ids;
};

static void
party_new(struct party * p)
{

	ck_assert_int_eq(ss_key_generate(p->pk, p->sk), 0);
	p->ids = ss_identities_new();
	ck_assert_int_eq(ss_identities_add(p->ids, p->sk), 0);
}

static struct ss_recipients *
recipients_of(struct party * ps, size_t n)
{
	struct ss_recipients * r = ss_recipients_new();
	size_t i;

	r->pk = malloc(n * SS_KEY_LEN);
	for (i = 0; i < n; i++)
		memcpy(r->pk[i], ps[i].pk, SS_KEY_LEN);
	r->n = n;
	return (r);
}

START_TEST(test_header_recipients)
{
	struct party ps[4];
	size_t nrec = (_i == 0) ? 1 : 3;
	struct ss_recipients * r;
	uint8_t fk[SS_FILE_KEY_LEN], salt[SS_SALT_LEN];
	uint8_t * hdr, * got;
	size_t i, n;
	struct ss_identities * both;

	for (i = 0; i < 4; i++)
		party_new(&ps[i]);
	r = recipients_of(ps, nrec);
	randombytes_buf(fk, sizeof(fk));
	randombytes_buf(salt, sizeof(salt));
	hdr = malloc(SS_HEADER_LEN(nrec));
	got = sodium_malloc(SS_FILE_KEY_LEN);

	ck_assert_int_eq(ss_frame_header_seal(hdr, r, fk, salt, NULL), 0);
	ck_assert_int_eq(ss_frame_header_fixed(hdr, &n), 0);
	ck_assert_uint_eq(n, nrec);
	ck_assert_mem_eq(hdr + 12, salt, SS_SALT_LEN);

	/* Every recipient opens it. */
	for (i = 0; i < nrec; i++) {
		memset(got, 0, SS_FILE_KEY_LEN);
		ck_assert_int_eq(ss_frame_header_open(hdr, ps[i].ids, got), 0);
		ck_assert_mem_eq(got, fk, SS_FILE_KEY_LEN);
	}

	/* The outsider (party 3) does not. */
	ss_err_clear();
	ck_assert_int_eq(ss_frame_header_open(hdr, ps[3].ids, got), -1);
	ck_assert_int_eq(ss_err_status(), SS_EXIT_DATA);
	ck_assert(strstr(ss_err_msg(), "no identity matches") != NULL);

	/* An identity set holding the outsider and the last recipient. */
	both = ss_identities_new();
	ck_assert_int_eq(ss_identities_add(both, ps[3].sk), 0);
	ck_assert_int_eq(ss_identities_add(both, ps[nrec - 1].sk), 0);
	ck_assert_int_eq(ss_frame_header_open(hdr, both, got), 0);
	ck_assert_mem_eq(got, fk, SS_FILE_KEY_LEN);
	ss_identities_free(both);

	/* An empty identity set. */
	both = ss_identities_new();
	ck_assert_int_eq(ss_frame_header_open(hdr, both, got), -1);
	ss_identities_free(both);

	/* Fresh ephemeral keys: sealing twice gives different stanzas. */
	{
		uint8_t * hdr2 = malloc(SS_HEADER_LEN(nrec));

		ck_assert_int_eq(ss_frame_header_seal(hdr2, r, fk, salt,
		    NULL), 0);
		ck_assert(memcmp(hdr2 + SS_HEADER_FIXED_LEN,
		    hdr + SS_HEADER_FIXED_LEN, SS_KEY_LEN) != 0);
		free(hdr2);
	}

	for (i = 0; i < 4; i++)
		ss_identities_free(ps[i].ids);
	ss_recipients_free(r);
	sodium_free(got);
	free(hdr);
}
END_TEST

START_TEST(test_header_seal_errors)
{
	struct ss_recipients r;
	uint8_t pk[2][SS_KEY_LEN];
	uint8_t hdr[SS_HEADER_LEN(2)], fk[SS_FILE_KEY_LEN], salt[SS_SALT_LEN];

	memset(fk, 1, sizeof(fk));
	memset(salt, 2, sizeof(salt));
	r.n = 0;
	r.pk = pk;
	ck_assert_int_eq(ss_frame_header_seal(hdr, &r, fk, salt, NULL), -1);

	/* A low-order point (all zeros) is not a usable public key. */
	memset(pk, 0, sizeof(pk));
	r.n = 1;
	ck_assert_int_eq(ss_frame_header_seal(hdr, &r, fk, salt, NULL), -1);
	ck_assert(strstr(ss_err_msg(), "invalid public key") != NULL);
}
END_TEST

/*
 * Flip every bit of a two-recipient header: each identity must refuse
 * it.  The header sits at the front of a buffer large enough for the
 * most recipients, so that a flipped recipient count stays in bounds
 * (as it does in the stream reader, which reads the header it is told).
 */
START_TEST(test_header_every_bit)
{
	struct party ps[2];
	struct ss_recipients * r;
	uint8_t fk[SS_FILE_KEY_LEN], salt[SS_SALT_LEN];
	uint8_t * good, * hdr, * got;
	size_t hlen = SS_HEADER_LEN(2), big = SS_HEADER_LEN(SS_RECIPIENTS_MAX);
	size_t bit, who;

	party_new(&ps[0]);
	party_new(&ps[1]);
	r = recipients_of(ps, 2);
	randombytes_buf(fk, sizeof(fk));
	randombytes_buf(salt, sizeof(salt));
	good = calloc(1, big);
	hdr = calloc(1, big);
	got = sodium_malloc(SS_FILE_KEY_LEN);
	ck_assert_int_eq(ss_frame_header_seal(good, r, fk, salt, NULL), 0);
	for (who = 0; who < 2; who++) {
		ck_assert_int_eq(ss_frame_header_open(good, ps[who].ids, got),
		    0);
		ck_assert_mem_eq(got, fk, SS_FILE_KEY_LEN);
	}

	for (bit = 0; bit < 8 * hlen; bit++) {
		memcpy(hdr, good, hlen);
		hdr[bit / 8] ^= (uint8_t)(1U << (bit % 8));
		for (who = 0; who < 2; who++) {
			memset(got, 0x5a, SS_FILE_KEY_LEN);
			ck_assert_msg(ss_frame_header_open(hdr, ps[who].ids,
			    got) == -1, "bit %zu not detected by identity %zu",
			    bit, who);
			ck_assert_int_eq(ss_err_status(), SS_EXIT_DATA);
		}
	}

	/* A tampered MAC leaves no file key behind. */
	memcpy(hdr, good, hlen);
	hdr[hlen - 1] ^= 1;
	memset(got, 0x5a, SS_FILE_KEY_LEN);
	ck_assert_int_eq(ss_frame_header_open(hdr, ps[0].ids, got), -1);
	ck_assert(strstr(ss_err_msg(), "tampered") != NULL);
	for (bit = 0; bit < SS_FILE_KEY_LEN; bit++)
		ck_assert_uint_eq(got[bit], 0);

	ss_identities_free(ps[0].ids);
	ss_identities_free(ps[1].ids);
	ss_recipients_free(r);
	sodium_free(got);
	free(good);
	free(hdr);
}
END_TEST

START_TEST(test_payload_aead)
{
	uint8_t fk[SS_FILE_KEY_LEN], salt[SS_SALT_LEN], salt2[SS_SALT_LEN];
	uint8_t nonce[SS_AEAD_NONCE_LEN], pt[40], ct[40], out[40], tag[16];
	struct ss_aead * a, * b;

	randombytes_buf(fk, sizeof(fk));
	randombytes_buf(salt, sizeof(salt));
	memcpy(salt2, salt, sizeof(salt));
	salt2[0] ^= 1;
	randombytes_buf(pt, sizeof(pt));
	ss_frame_nonce(nonce, 3, 0);

	/* Same inputs, same key; another salt, another key. */
	ck_assert_ptr_nonnull(a = ss_frame_payload_aead(fk, salt));
	ck_assert_ptr_nonnull(b = ss_frame_payload_aead(fk, salt));
	ck_assert_int_eq(ss_aead_seal(a, nonce, pt, sizeof(pt), ct, tag), 0);
	ck_assert_int_eq(ss_aead_open(b, nonce, ct, sizeof(ct), tag, out), 0);
	ck_assert_mem_eq(out, pt, sizeof(pt));
	ss_aead_free(b);
	ck_assert_ptr_nonnull(b = ss_frame_payload_aead(fk, salt2));
	ck_assert_int_eq(ss_aead_open(b, nonce, ct, sizeof(ct), tag, out), -1);
	ss_aead_free(b);
	ss_aead_free(a);
}
END_TEST

static Suite *
frame_suite(void)
{
	Suite * s = suite_create("frame");
	TCase * tc = tcase_create("frame");

	tcase_add_test(tc, test_prefix);
	tcase_add_test(tc, test_nonce);
	tcase_add_test(tc, test_header_fixed);
	tcase_add_test(tc, test_header_vector);
	tcase_add_loop_test(tc, test_header_recipients, 0, 2);
	tcase_add_test(tc, test_header_seal_errors);
	tcase_add_test(tc, test_header_every_bit);
	tcase_add_test(tc, test_payload_aead);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{

	return (tu_run_sodium(frame_suite()));
}
