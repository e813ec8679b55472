/* Unit tests for libcore/common/crypt.c: published test vectors. */

#include <string.h>

#include <check.h>
#include <sodium.h>

#include "crypt.h"
#include "err.h"

#include "check_util.h"

/* FIPS 180-2, appendix B.1. */
START_TEST(test_sha256_abc)
{
	uint8_t out[SS_SHA256_LEN], want[SS_SHA256_LEN];

	tu_hex(want, sizeof(want), "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad");
	ck_assert_int_eq(ss_sha256(out, "abc", 3), 0);
	ck_assert_mem_eq(out, want, sizeof(want));

	tu_hex(want, sizeof(want), "e3b0c44298fc1c149afbf4c8996fb924"
	    "27ae41e4649b934ca495991b7852b855");
	ck_assert_int_eq(ss_sha256(out, "", 0), 0);
	ck_assert_mem_eq(out, want, sizeof(want));
}
END_TEST

/* FIPS 180-2, appendix C.1. */
START_TEST(test_sha512_abc)
{
	uint8_t out[SS_SHA512_LEN], want[SS_SHA512_LEN];

	tu_hex(want, sizeof(want), "ddaf35a193617abacc417349ae204131"
	    "12e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3fe"
	    "ebbd454d4423643ce80e2a9ac94fa54ca49f");
	ck_assert_int_eq(ss_sha512(out, "abc", 3), 0);
	ck_assert_mem_eq(out, want, sizeof(want));
}
END_TEST

/* RFC 4231 test cases 1 and 2. */
START_TEST(test_hmac_rfc4231)
{
	uint8_t out[SS_SHA256_LEN], want[SS_SHA256_LEN], key[20];

	tu_hex(want, sizeof(want), "5bdcc146bf60754e6a042426089575c7"
	    "5a003f089d2739839dec58b964ec3843");
	ck_assert_int_eq(ss_hmac_sha256(out, (const uint8_t *)"Jefe", 4,
	    "what do ya want for nothing?", 28), 0);
	ck_assert_mem_eq(out, want, sizeof(want));

	memset(key, 0x0b, sizeof(key));
	tu_hex(want, sizeof(want), "b0344c61d8db38535ca8afceaf0bf12b"
	    "881dc200c9833da726e9376c2e32cff7");
	ck_assert_int_eq(ss_hmac_sha256(out, key, sizeof(key), "Hi There",
	    8), 0);
	ck_assert_mem_eq(out, want, sizeof(want));
}
END_TEST

/* RFC 5869 test case 1 (salt and info) and 3 (empty salt and info). */
START_TEST(test_hkdf_rfc5869)
{
	uint8_t ikm[22], salt[13], okm[42], want[42];
	size_t i;

	memset(ikm, 0x0b, sizeof(ikm));
	for (i = 0; i < sizeof(salt); i++)
		salt[i] = (uint8_t)i;
	tu_hex(want, sizeof(want), "3cb25f25faacd57a90434f64d0362f2a"
	    "2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
	ck_assert_int_eq(ss_hkdf_sha256(okm, sizeof(okm), ikm, sizeof(ikm),
	    salt, sizeof(salt), "\xf0\xf1\xf2\xf3\xf4\xf5\xf6\xf7\xf8\xf9"),
	    0);
	ck_assert_mem_eq(okm, want, sizeof(want));

	tu_hex(want, sizeof(want), "8da4e775a563c18f715f802a063c5a31"
	    "b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
	ck_assert_int_eq(ss_hkdf_sha256(okm, sizeof(okm), ikm, sizeof(ikm),
	    NULL, 0, ""), 0);
	ck_assert_mem_eq(okm, want, sizeof(want));

	/* A shorter output is a prefix of the longer one. */
	memset(okm, 0, sizeof(okm));
	ck_assert_int_eq(ss_hkdf_sha256(okm, 32, ikm, sizeof(ikm), NULL, 0,
	    ""), 0);
	ck_assert_mem_eq(okm, want, 32);
	ck_assert_uint_eq(okm[32], 0);
}
END_TEST

/*
 * McGrew and Viega, "The Galois/Counter Mode of Operation", test cases
 * 13, 14 and 15 (256-bit keys, no associated data).
 */
struct gcm_vector {
	const char * key, * iv, * pt, * ct, * tag;
};

static const struct gcm_vector gcm_vectors[] = {
	{ "0000000000000000000000000000000000000000000000000000000000000000",
	  "000000000000000000000000", "", "",
	  "530f8afbc74536b9a963b4f1c4cb738b" },
	{ "0000000000000000000000000000000000000000000000000000000000000000",
	  "000000000000000000000000", "00000000000000000000000000000000",
	  "cea7403d4d606b6e074ec5d3baf39d18",
	  "d0d1c8a799996bf0265b98b5d48ab919" },
	{ "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
	  "cafebabefacedbaddecaf888",
	  "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
	  "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255",
	  "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
	  "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad",
	  "b094dac5d93471bdec1a502270e3cc6c" },
};

START_TEST(test_gcm_known_answer)
{
	const struct gcm_vector * v = &gcm_vectors[_i];
	uint8_t key[32], iv[12], pt[64], ct[64], want[64], tag[16], wtag[16];
	uint8_t out[64];
	size_t len, clen;
	struct ss_aead * a;

	ck_assert_uint_eq(tu_hex(key, sizeof(key), v->key), 32);
	ck_assert_uint_eq(tu_hex(iv, sizeof(iv), v->iv), 12);
	len = tu_hex(pt, sizeof(pt), v->pt);
	clen = tu_hex(want, sizeof(want), v->ct);
	ck_assert_uint_eq(len, clen);
	ck_assert_uint_eq(tu_hex(wtag, sizeof(wtag), v->tag), 16);

	ck_assert_ptr_nonnull(a = ss_aead_new(key));
	ck_assert_int_eq(ss_aead_seal(a, iv, pt, len, ct, tag), 0);
	ck_assert_mem_eq(ct, want, len);
	ck_assert_mem_eq(tag, wtag, 16);

	/* Sealing again with the same context gives the same answer. */
	ck_assert_int_eq(ss_aead_seal(a, iv, pt, len, ct, tag), 0);
	ck_assert_mem_eq(ct, want, len);
	ck_assert_mem_eq(tag, wtag, 16);

	memset(out, 0xaa, sizeof(out));
	ck_assert_int_eq(ss_aead_open(a, iv, ct, len, tag, out), 0);
	ck_assert_mem_eq(out, pt, len);
	ss_aead_free(a);
}
END_TEST

START_TEST(test_gcm_in_place)
{
	const struct gcm_vector * v = &gcm_vectors[2];
	uint8_t key[32], iv[12], pt[64], buf[64], want[64], tag[16], wtag[16];
	size_t len;
	struct ss_aead * a;

	tu_hex(key, sizeof(key), v->key);
	tu_hex(iv, sizeof(iv), v->iv);
	len = tu_hex(pt, sizeof(pt), v->pt);
	tu_hex(want, sizeof(want), v->ct);
	tu_hex(wtag, sizeof(wtag), v->tag);

	ck_assert_ptr_nonnull(a = ss_aead_new(key));
	memcpy(buf, pt, len);
	ck_assert_int_eq(ss_aead_seal(a, iv, buf, len, buf, tag), 0);
	ck_assert_mem_eq(buf, want, len);
	ck_assert_mem_eq(tag, wtag, 16);
	ck_assert_int_eq(ss_aead_open(a, iv, buf, len, tag, buf), 0);
	ck_assert_mem_eq(buf, pt, len);
	ss_aead_free(a);
}
END_TEST

static void
assert_wiped(const uint8_t * p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		ck_assert_msg(p[i] == 0, "byte %zu not wiped", i);
}

/* Every flipped bit of ciphertext or tag fails, and wipes the output. */
START_TEST(test_gcm_tamper)
{
	const struct gcm_vector * v = &gcm_vectors[2];
	uint8_t key[32], iv[12], pt[64], ct[64], tag[16], bad[64], badtag[16];
	uint8_t out[64];
	size_t len, bit;
	struct ss_aead * a;

	tu_hex(key, sizeof(key), v->key);
	tu_hex(iv, sizeof(iv), v->iv);
	len = tu_hex(pt, sizeof(pt), v->pt);
	ck_assert_ptr_nonnull(a = ss_aead_new(key));
	ck_assert_int_eq(ss_aead_seal(a, iv, pt, len, ct, tag), 0);

	for (bit = 0; bit < 8 * (len + 16); bit++) {
		memcpy(bad, ct, len);
		memcpy(badtag, tag, 16);
		if (bit < 8 * len)
			bad[bit / 8] ^= (uint8_t)(1U << (bit % 8));
		else
			badtag[bit / 8 - len] ^= (uint8_t)(1U << (bit % 8));
		memset(out, 0xaa, sizeof(out));
		ss_err_clear();
		ck_assert_int_eq(ss_aead_open(a, iv, bad, len, badtag, out),
		    -1);
		assert_wiped(out, len);
		ck_assert_str_eq(ss_err_msg(), "authentication failed");
		ck_assert_int_eq(ss_err_status(), SS_EXIT_DATA);
	}

	/* In place: the ciphertext buffer itself is wiped. */
	memcpy(bad, ct, len);
	bad[5] ^= 0x10;
	ck_assert_int_eq(ss_aead_open(a, iv, bad, len, tag, bad), -1);
	assert_wiped(bad, len);

	/* Wrong nonce, right everything else. */
	iv[11] ^= 1;
	memset(out, 0xaa, sizeof(out));
	ck_assert_int_eq(ss_aead_open(a, iv, ct, len, tag, out), -1);
	assert_wiped(out, len);
	iv[11] ^= 1;

	/* The context still works after failures. */
	ck_assert_int_eq(ss_aead_open(a, iv, ct, len, tag, out), 0);
	ck_assert_mem_eq(out, pt, len);
	ss_aead_free(a);

	/* Another key fails. */
	key[0] ^= 1;
	ck_assert_ptr_nonnull(a = ss_aead_new(key));
	ck_assert_int_eq(ss_aead_open(a, iv, ct, len, tag, out), -1);
	assert_wiped(out, len);
	ss_aead_free(a);
	ss_aead_free(NULL);
}
END_TEST

/* Larger buffers, odd lengths: seal then open round trips. */
START_TEST(test_gcm_round_trip)
{
	static uint8_t pt[70001], ct[70001], out[70001];
	uint8_t key[32], iv[12], tag[16];
	size_t lens[] = { 0, 1, 15, 16, 17, 4095, 65536, 70001 };
	size_t i;
	struct ss_aead * a;

	randombytes_buf(key, sizeof(key));
	randombytes_buf(iv, sizeof(iv));
	randombytes_buf(pt, sizeof(pt));
	ck_assert_ptr_nonnull(a = ss_aead_new(key));
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		ck_assert_int_eq(ss_aead_seal(a, iv, pt, lens[i], ct, tag), 0);
		if (lens[i] > 16)
			ck_assert(memcmp(ct, pt, lens[i]) != 0);
		ck_assert_int_eq(ss_aead_open(a, iv, ct, lens[i], tag, out), 0);
		ck_assert_mem_eq(out, pt, lens[i]);
	}
	ss_aead_free(a);
}
END_TEST

static Suite *
crypt_suite(void)
{
	Suite * s = suite_create("crypt");
	TCase * tc = tcase_create("vectors");

	tcase_add_test(tc, test_sha256_abc);
	tcase_add_test(tc, test_sha512_abc);
	tcase_add_test(tc, test_hmac_rfc4231);
	tcase_add_test(tc, test_hkdf_rfc5869);
	tcase_add_loop_test(tc, test_gcm_known_answer, 0,
	    (int)(sizeof(gcm_vectors) / sizeof(gcm_vectors[0])));
	tcase_add_test(tc, test_gcm_in_place);
	tcase_add_test(tc, test_gcm_tamper);
	tcase_add_test(tc, test_gcm_round_trip);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{

	return (tu_run_sodium(crypt_suite()));
}
