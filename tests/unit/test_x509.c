/*
 * Unit tests for libcore/host/x509.c, the certificate, key and signature
 * helpers that the SEV-SNP and DCAP verifiers share: PEM bundles, names,
 * serial numbers, extensions, times and their text, validity, CRLs, EC
 * keys, and ECDSA signatures given as r || s.  On the real certificates
 * and CRLs of tests/vector/tee and the P-256 vectors of RFC 6979, A.2.5.
 * The unit tests run from the top of the tree (make unit).
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "err.h"
#include "x509.h"

#include "check_util.h"

#define VEC		"tests/vector/tee/"
#define MILAN_VCEK	VEC "amd-sev-snp/virtee-sev/vcek_milan.der"
#define MILAN_CHAIN	VEC "amd-sev-snp/virtee-sev/cert_chain_milan"
#define ARK_MILAN	VEC "amd-sev-snp/roots/amd_ark_milan.pem"
#define SGX_ROOT	VEC "intel-sgx/intel_sgx_root_ca.pem"
#define ROOT_CRL	VEC "intel-tdx/go-tdx-guest/rootcrl.der"

/* The Milan report's CHIP_ID, its VCEK's hardware ID. */
#define MILAN_CHIP_ID	"d49554ec717f4e5b0fe6b143bcf0405bd7ae304727edf466" \
    "03f2a76aef6a3abc15d7af38db757039029f0efacfd08e244324884738c72b082e2f87" \
    "a44d541eb6"

/* RFC 6979, A.2.5: the P-256 key U, and its signatures of "sample". */
#define RFC_U		"60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6c" \
    "e669622e60f29fb67903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c2" \
    "94d4462299"
#define RFC_SHA256_RS	"efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991" \
    "c34d0ea84eaf3716f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab" \
    "2f843acda8"
#define RFC_SHA384_RS	"0eafea039b20e9b42309fb1d89e213057cbf973dc0cfc8f1" \
    "29edddc800ef77194861f0491e6998b9455193e34e7b0d284ddd7149a74b95b9261f13" \
    "abde940954"

/* The file ${path}, whole (free() it). */
struct file {
	uint8_t * p;
	size_t len;
};

static struct file
load(const char * path)
{
	struct file f;

	f.p = tu_read_file(path, &f.len);
	return (f);
}

/* The one certificate of the file ${path}. */
static X509 *
cert(const char * path)
{
	struct file f = load(path);
	STACK_OF(X509) * certs;
	X509 * x;

	ck_assert_ptr_nonnull(certs = sk_X509_new_null());
	ck_assert_int_eq(ss_x509_load(f.p, f.len, path, certs), 0);
	ck_assert_int_eq(sk_X509_num(certs), 1);
	x = sk_X509_shift(certs);
	sk_X509_free(certs);
	free(f.p);
	return (x);
}

/* ${c}'s ${len} bytes at ${p} are the hex ${want}. */
static void
hex_eq(const uint8_t * p, size_t len, const char * want)
{
	uint8_t w[128];

	ck_assert_uint_eq(tu_hex(w, sizeof(w), want), len);
	ck_assert_mem_eq(p, w, len);
}

/* x509.c on its own: extensions, validity. */
START_TEST(test_x509)
{
	struct file f = load(MILAN_VCEK);
	const uint8_t * p;
	size_t len;
	X509 * x;

	ck_assert_ptr_nonnull(x = ss_x509_from_der(f.p, f.len, MILAN_VCEK));
	ck_assert_int_eq(ss_x509_ext(x, "1.3.6.1.4.1.3704.1.4", &p, &len), 1);
	hex_eq(p, len, MILAN_CHIP_ID);
	ck_assert_int_eq(ss_x509_ext(x, "1.3.6.1.4.1.3704.1.2", &p, &len), 1);
	ck_assert_uint_eq(len, 10);
	ck_assert_mem_eq(p, "\x16\x08Milan-B0", 10);
	ck_assert_int_eq(ss_x509_ext(x, "1.3.6.1.4.1.3704.1.3.9", &p, &len),
	    0);
	ss_err_clear();
	ck_assert_int_eq(ss_x509_valid_at(x, "VCEK", 1680549823), 0);
	ck_assert_int_eq(ss_x509_valid_at(x, "VCEK", 1680549822), -1);
	ck_assert_str_eq(ss_err_msg(), "VCEK is not valid at 2023-04-03 "
	    "19:23:42 UTC (valid from 2023-04-03 19:23:43 UTC to 2030-04-03 "
	    "19:23:43 UTC)");
	ck_assert_int_eq(ss_x509_valid_at(x, "VCEK", 1901474623), 0);
	ck_assert_int_eq(ss_x509_valid_at(x, "VCEK", 1901474624), -1);
	X509_free(x);
	ck_assert_ptr_null(ss_x509_from_der(f.p, f.len - 1, "short"));
	ck_assert_str_eq(ss_err_msg(), "short: not a DER certificate");
	free(f.p);
}
END_TEST

/* PEM: how many certificates, at most how many, and what is refused. */
START_TEST(test_pem)
{
	static const char junk[] = "-----BEGIN CERTIFICATE-----\nAAAA!\n"
	    "-----END CERTIFICATE-----\n";
	struct file f = load(MILAN_CHAIN);
	STACK_OF(X509) * certs;
	uint8_t * buf;

	ck_assert_ptr_nonnull(certs = sk_X509_new_null());
	ck_assert_int_eq(ss_x509_load_pem(f.p, f.len, "chain", SIZE_MAX,
	    certs), 2);
	/* The text after the first is not read. */
	ck_assert_int_eq(ss_x509_load_pem(f.p, f.len, "chain", 1, certs), 1);
	ck_assert_int_eq(sk_X509_num(certs), 3);
	ck_assert_int_eq(X509_cmp(sk_X509_value(certs, 0),
	    sk_X509_value(certs, 2)), 0);

	/* No PEM block: 0, with no message; ss_x509_load() says which. */
	ss_err_clear();
	ck_assert_int_eq(ss_x509_load_pem((const uint8_t *)"text\n", 5,
	    "t", SIZE_MAX, certs), 0);
	ck_assert_str_eq(ss_err_msg(), "unknown error");
	ck_assert_int_eq(ss_x509_load((const uint8_t *)"text\n", 5, "t",
	    certs), -1);
	ck_assert_str_eq(ss_err_msg(), "t: neither a DER certificate nor PEM");

	/* A bad block after the chain: the chain stays, the block named. */
	ck_assert_ptr_nonnull(buf = malloc(f.len + sizeof(junk)));
	memcpy(buf, f.p, f.len);
	memcpy(buf + f.len, junk, sizeof(junk));
	ck_assert_int_eq(ss_x509_load_pem(buf, f.len + sizeof(junk) - 1,
	    "chain", SIZE_MAX, certs), -1);
	ck_assert_int_eq(sk_X509_num(certs), 5);
	ck_assert_str_eq(ss_err_msg(), "chain: PEM block 3 is malformed");
	ck_assert_int_eq(ss_err_status(), SS_EXIT_DATA);
	/* Unless it is past the most asked for. */
	ck_assert_int_eq(ss_x509_load_pem(buf, f.len + sizeof(junk) - 1,
	    "chain", 2, certs), 2);
	free(buf);
	sk_X509_pop_free(certs, X509_free);
	free(f.p);
}
END_TEST

/* Common names, names without one, serial numbers. */
START_TEST(test_names)
{
	X509 * root = cert(SGX_ROOT), * vcek = cert(MILAN_VCEK);
	X509_NAME * name;
	char buf[64], * serial;

	ck_assert_int_eq(ss_x509_cn(X509_get_subject_name(root), buf,
	    sizeof(buf)), 1);
	ck_assert_str_eq(buf, "Intel SGX Root CA");
	ck_assert_ptr_nonnull(serial = ss_x509_serial_hex(root));
	ck_assert_str_eq(serial, "22650CD65A9D3489F383B49552BF501B392706AC");
	free(serial);
	ck_assert_ptr_nonnull(serial = ss_x509_serial_hex(vcek));
	ck_assert_str_eq(serial, "0");
	free(serial);

	/* Cut short to fit, room kept for an escaped byte. */
	ck_assert_int_eq(ss_x509_cn(X509_get_subject_name(root), buf, 12), 1);
	ck_assert_str_eq(buf, "Inte...");

	ck_assert_ptr_nonnull(name = X509_NAME_new());
	ck_assert_int_eq(X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
	    (const unsigned char *)"Intel", -1, -1, 0), 1);
	ck_assert_int_eq(ss_x509_cn(name, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "?");
	ss_x509_name_text(name, buf, sizeof(buf));
	ck_assert_str_eq(buf, "/O=Intel");
	X509_NAME_free(name);
	X509_free(root);
	X509_free(vcek);
}
END_TEST

/* ASN.1 times, and times as text in both forms. */
START_TEST(test_times)
{
	char text[SS_X509_TIME_TEXT];
	ASN1_TIME * a;
	time_t t;

	ck_assert_ptr_nonnull(a = ASN1_TIME_new());
	ck_assert_int_eq(ASN1_TIME_set_string(a, "230618084258Z"), 1);
	ck_assert_int_eq(ss_x509_time(a, &t), 0);
	ck_assert_int_eq(t, 1687077778);
	ck_assert_int_eq(ASN1_TIME_set_string(a, "20491231235959Z"), 1);
	ck_assert_int_eq(ss_x509_time(a, &t), 0);
	ck_assert_int_eq(t, 2524607999);
	ck_assert_int_eq(ss_x509_time(NULL, &t), -1);
	ASN1_TIME_free(a);

	ss_x509_time_text(1687077778, SS_X509_TIME_ISO, text);
	ck_assert_str_eq(text, "2023-06-18T08:42:58Z");
	ss_x509_time_text(1687077778, SS_X509_TIME_UTC, text);
	ck_assert_str_eq(text, "2023-06-18 08:42:58 UTC");
	/* Past the calendar: seconds. */
	ss_x509_time_text(INT64_MAX, SS_X509_TIME_ISO, text);
	ck_assert_str_eq(text, "9223372036854775807");
}
END_TEST

/* A CRL in DER or PEM; anything else is none. */
START_TEST(test_crl)
{
	struct file f = load(ROOT_CRL);
	X509_CRL * crl, * again;
	char cn[64];
	BIO * bio;
	char * pem;
	long plen;
	time_t t;
	int is_pem;

	ck_assert_ptr_nonnull(crl = ss_x509_crl_decode(f.p, f.len, &is_pem));
	ck_assert_int_eq(is_pem, 0);
	ck_assert_int_eq(ss_x509_cn(X509_CRL_get_issuer(crl), cn, sizeof(cn)),
	    1);
	ck_assert_str_eq(cn, "Intel SGX Root CA");
	ck_assert_int_eq(ss_x509_time(X509_CRL_get0_lastUpdate(crl), &t), 0);
	ck_assert_int_eq(t, 1680517371);
	ck_assert_int_eq(ss_x509_time(X509_CRL_get0_nextUpdate(crl), &t), 0);
	ck_assert_int_eq(t, 1712053371);

	/* The same in PEM, with text around it. */
	ck_assert_ptr_nonnull(bio = BIO_new(BIO_s_mem()));
	ck_assert_int_gt(BIO_puts(bio, "CRL:\n"), 0);
	ck_assert_int_eq(PEM_write_bio_X509_CRL(bio, crl), 1);
	ck_assert_int_gt(BIO_puts(bio, "end\n"), 0);
	ck_assert_int_gt(plen = BIO_get_mem_data(bio, &pem), 0);
	ck_assert_ptr_nonnull(again = ss_x509_crl_decode((const uint8_t *)pem,
	    (size_t)plen, &is_pem));
	ck_assert_int_eq(is_pem, 1);
	ck_assert_int_eq(X509_CRL_cmp(crl, again), 0);
	X509_CRL_free(again);
	/* A PEM CRL that does not decode. */
	pem[plen / 2] = '!';
	ck_assert_ptr_null(ss_x509_crl_decode((const uint8_t *)pem,
	    (size_t)plen, &is_pem));
	ck_assert_int_eq(is_pem, 1);
	BIO_free(bio);

	/* DER with a byte less, or more (tu_read_file()'s NUL); not a CRL. */
	ck_assert_ptr_null(ss_x509_crl_decode(f.p, f.len - 1, &is_pem));
	ck_assert_int_eq(is_pem, 0);
	ck_assert_ptr_null(ss_x509_crl_decode(f.p, f.len + 1, &is_pem));
	ck_assert_ptr_null(ss_x509_crl_decode((const uint8_t *)"crl", 3,
	    &is_pem));
	ck_assert_int_eq(is_pem, 0);
	X509_CRL_free(crl);
	free(f.p);
}
END_TEST

/* P-256 points, and the curve of a key. */
START_TEST(test_keys)
{
	X509 * vcek = cert(MILAN_VCEK), * ark = cert(ARK_MILAN);
	uint8_t xy[64];
	EVP_PKEY * key;

	ck_assert_uint_eq(tu_hex(xy, sizeof(xy), RFC_U), 64);
	ck_assert_ptr_nonnull(key = ss_x509_p256_key(xy));
	ck_assert_int_ne(ss_x509_is_ec(key, NID_X9_62_prime256v1), 0);
	ck_assert_int_eq(ss_x509_is_ec(key, NID_secp384r1), 0);
	EVP_PKEY_free(key);

	/* Off the curve. */
	xy[63] ^= 1;
	ss_err_clear();
	ck_assert_ptr_null(ss_x509_p256_key(xy));
	ck_assert_str_eq(ss_err_msg(), "not a P-256 point");
	ck_assert_int_eq(ss_err_status(), SS_EXIT_DATA);

	ck_assert_int_ne(ss_x509_is_ec(X509_get0_pubkey(vcek),
	    NID_secp384r1), 0);
	ck_assert_int_eq(ss_x509_is_ec(X509_get0_pubkey(vcek),
	    NID_X9_62_prime256v1), 0);
	ck_assert_int_eq(ss_x509_is_ec(X509_get0_pubkey(ark), NID_secp384r1),
	    0);
	ck_assert_int_eq(ss_x509_is_ec(NULL, NID_secp384r1), 0);
	X509_free(vcek);
	X509_free(ark);
}
END_TEST

/* ECDSA r || s: RFC 6979's signatures verify; any bit flipped, not. */
START_TEST(test_ecdsa)
{
	static const uint8_t msg[] = "sample";
	uint8_t xy[64], rs256[64], rs384[64], wide[66], other[] = "samplf";
	EVP_PKEY * key;
	size_t i;

	ck_assert_uint_eq(tu_hex(xy, sizeof(xy), RFC_U), 64);
	ck_assert_uint_eq(tu_hex(rs256, sizeof(rs256), RFC_SHA256_RS), 64);
	ck_assert_uint_eq(tu_hex(rs384, sizeof(rs384), RFC_SHA384_RS), 64);
	ck_assert_ptr_nonnull(key = ss_x509_p256_key(xy));
	ck_assert_int_eq(ss_x509_ecdsa_verify(key, EVP_sha256(), rs256, 32,
	    msg, 6), 0);
	ck_assert_int_eq(ss_x509_ecdsa_verify(key, EVP_sha384(), rs384, 32,
	    msg, 6), 0);
	/* Another digest, message or signature. */
	ck_assert_int_eq(ss_x509_ecdsa_verify(key, EVP_sha384(), rs256, 32,
	    msg, 6), 1);
	ck_assert_int_eq(ss_x509_ecdsa_verify(key, EVP_sha256(), rs256, 32,
	    other, 6), 1);
	ck_assert_int_eq(ss_x509_ecdsa_verify(key, EVP_sha256(), rs256, 32,
	    msg, 5), 1);
	for (i = 0; i < 8 * sizeof(rs256); i++) {
		rs256[i / 8] ^= (uint8_t)(1 << (i % 8));
		ck_assert_int_eq(ss_x509_ecdsa_verify(key, EVP_sha256(),
		    rs256, 32, msg, 6), 1);
		rs256[i / 8] ^= (uint8_t)(1 << (i % 8));
	}
	/* r and s are numbers: leading zero bytes change nothing. */
	memset(wide, 0, sizeof(wide));
	memcpy(wide + 1, rs256, 32);
	memcpy(wide + 34, rs256 + 32, 32);
	ck_assert_int_eq(ss_x509_ecdsa_verify(key, EVP_sha256(), wide, 33,
	    msg, 6), 0);
	EVP_PKEY_free(key);
}
END_TEST

static Suite *
x509_suite(void)
{
	Suite * s = suite_create("x509");
	TCase * t = tcase_create("x509");

	tcase_add_test(t, test_x509);
	tcase_add_test(t, test_pem);
	tcase_add_test(t, test_names);
	tcase_add_test(t, test_times);
	tcase_add_test(t, test_crl);
	tcase_add_test(t, test_keys);
	tcase_add_test(t, test_ecdsa);
	suite_add_tcase(s, t);
	return (s);
}

int
main(void)
{

	return (tu_run(x509_suite()));
}
