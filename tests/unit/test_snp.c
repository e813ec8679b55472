/*
 * Unit tests for libcore/host/snp.c (with amd_roots.c; x509.c's own are
 * in test_x509.c): the real SEV-SNP reports and certificates of
 * tests/vector/tee/amd-sev-snp (its README says where each comes from and
 * what it must give) verified or refused; every bit of a report flipped;
 * reports cut short or followed by more; wrong roots, swapped VCEKs,
 * broken chains; certificates as PEM, DER and certificate tables; the
 * policy; the pinned roots.  The unit tests run from the top of the tree
 * (make unit).
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "amd_roots.h"
#include "err.h"
#include "evidence.h"
#include "snp.h"
#include "x509.h"

#include "check_util.h"

#define VEC		"tests/vector/tee/amd-sev-snp/"

#define MILAN_REPORT	"virtee-sev/report_milan.bin"
#define MILAN_VCEK	"virtee-sev/vcek_milan.der"
#define MILAN_CHAIN	"virtee-sev/cert_chain_milan"
#define TURIN_VCEK	"virtee-sev/vcek_turin.der"
#define TURIN_CHAIN	"virtee-sev/cert_chain_turin"
#define DEBUG_REPORT	"go-sev-guest/attestation.bin"
#define DEBUG_VCEK	"go-sev-guest/vcek.testcer"
#define DEBUG_CHAIN	"go-sev-guest/milan.testcer"
#define VLEK_REPORT	"trustee/test-vlek-report.bin"
#define VLEK		"trustee/test-vlek.der"
#define VLEK_CHAIN	"go-sev-guest/ask_ark_milan_vlek.pem"
#define VLEK_GENOA	"go-sev-guest/ask_ark_genoa_vlek.pem"
#define ARK_MILAN	"roots/amd_ark_milan.pem"
#define ARK_GENOA	"roots/amd_ark_genoa.pem"
#define ARK_TURIN	"roots/amd_ark_turin.pem"
#define ASK_MILAN	"roots/amd_ask_milan.pem"

/* 2025-06-01 00:00:00 UTC, when every certificate here was valid. */
#define AT		1748736000
/* 2026-01-01 00:00:00 UTC, after the VLEK's year. */
#define AT_2026		1767225600

/* The Milan report's CHIP_ID, its VCEK's hardware ID. */
#define MILAN_CHIP_ID	"d49554ec717f4e5b0fe6b143bcf0405bd7ae304727edf466" \
    "03f2a76aef6a3abc15d7af38db757039029f0efacfd08e244324884738c72b082e2f87" \
    "a44d541eb6"

/* Certificate table GUIDs (as written, and so on the wire). */
#define GUID_VCEK	"63da758de6644564adc5f4b93be8accd"
#define GUID_ASK	"4ab7b379bbac4fe4a02f05aef327c782"
#define GUID_ARK	"c0b406a4a803495297433fb6014cd0ae"
#define GUID_OTHER	"ecae0c0f950243b1afa20ae2e0d565b6"

#define CERTS(...)	((const char * const []){ __VA_ARGS__, NULL })

/* The vector ${name}, read once; its name in messages is ${name}. */
static struct ss_blob
vec(const char * name)
{
	static struct {
		char name[64];
		uint8_t * p;
		size_t len;
	} files[32];
	static size_t nfiles;
	struct ss_blob b;
	char path[256];
	size_t i;

	for (i = 0; i < nfiles && strcmp(files[i].name, name) != 0; i++)
		continue;
	if (i == nfiles) {
		ck_assert_uint_lt(nfiles, 32);
		snprintf(path, sizeof(path), VEC "%s", name);
		snprintf(files[i].name, sizeof(files[i].name), "%s", name);
		files[i].p = tu_read_file(path, &files[i].len);
		nfiles++;
	}
	b.p = files[i].p;
	b.len = files[i].len;
	b.name = files[i].name;
	return (b);
}

/* What the tests accept unless they say otherwise: any VMPL, at AT. */
static struct ss_evidence_policy
policy(void)
{
	struct ss_evidence_policy pol;

	ss_evidence_policy_init(&pol, AT);
	return (pol);
}

/* Verify ${ev} with ${n} blobs ${ex} under ${pol}. */
static int
verify_blobs(const struct ss_blob * ev, const struct ss_blob * ex, size_t n,
    const struct ss_evidence_policy * pol, struct ss_evidence_claims * c)
{

	ss_err_clear();
	memset(c, 0xa5, sizeof(*c));
	return (ss_snp_verify(ev, ex, n, pol, c));
}

/* Verify the vector ${report} with the vectors ${certs} under ${pol}. */
static int
verify(const char * report, const char * const * certs,
    const struct ss_evidence_policy * pol, struct ss_evidence_claims * c)
{
	struct ss_blob ev = vec(report), ex[8];
	size_t n;

	for (n = 0; certs[n] != NULL; n++)
		ex[n] = vec(certs[n]);
	return (verify_blobs(&ev, ex, n, pol, c));
}

static void
accepted(int rc)
{

	ck_assert_msg(rc == 0, "refused: %s", ss_err_msg());
}

/* Refused with ${status} and the one line ${msg}. */
static void
refused(int rc, int status, const char * msg)
{

	ck_assert_msg(rc == -1, "accepted; expected: %s", msg);
	ck_assert_str_eq(ss_err_msg(), msg);
	ck_assert_int_eq(ss_err_status(), status);
}

/* Refused as data, with a message that starts with ${prefix}. */
static void
refused_prefix(int rc, const char * prefix)
{

	ck_assert_msg(rc == -1, "accepted; expected: %s...", prefix);
	ck_assert_msg(strncmp(ss_err_msg(), prefix, strlen(prefix)) == 0,
	    "message: %s; expected: %s...", ss_err_msg(), prefix);
	ck_assert_ptr_null(strchr(ss_err_msg(), '\n'));
	ck_assert_int_eq(ss_err_status(), SS_EXIT_DATA);
}

/* ${c}'s ${len} bytes at ${p} are the hex ${want}. */
static void
hex_eq(const uint8_t * p, size_t len, const char * want)
{
	uint8_t w[128];

	ck_assert_uint_eq(tu_hex(w, sizeof(w), want), len);
	ck_assert_mem_eq(p, w, len);
}

/* The certificates of the vector ${name}, in DER, in ${der}; how many. */
static size_t
ders(const char * name, uint8_t * der[4], size_t len[4])
{
	struct ss_blob b = vec(name);
	STACK_OF(X509) * certs;
	unsigned char * p;
	size_t n, i;
	int l;

	ck_assert_ptr_nonnull(certs = sk_X509_new_null());
	ck_assert_int_eq(ss_x509_load(b.p, b.len, b.name, certs), 0);
	n = (size_t)sk_X509_num(certs);
	ck_assert_uint_le(n, 4);
	for (i = 0; i < n; i++) {
		p = NULL;
		ck_assert_int_gt(l = i2d_X509(sk_X509_value(certs, i), &p), 0);
		der[i] = p;
		len[i] = (size_t)l;
	}
	sk_X509_pop_free(certs, X509_free);
	return (n);
}

static void
ders_free(uint8_t * der[4], size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		OPENSSL_free(der[i]);
}

/* A certificate table entry: a GUID (hex) and a certificate. */
struct entry {
	const char * guid;
	const uint8_t * der;
	size_t len;
};

/* The certificate table of ${n} ${e} into ${buf}; its length. */
static size_t
table(uint8_t * buf, size_t size, const struct entry * e, size_t n)
{
	size_t off = (n + 1) * 24, i;

	ck_assert_uint_le(off, size);
	memset(buf, 0, off);
	for (i = 0; i < n; i++) {
		ck_assert_uint_eq(tu_hex(buf + i * 24, 16, e[i].guid), 16);
		buf[i * 24 + 16] = (uint8_t)off;
		buf[i * 24 + 17] = (uint8_t)(off >> 8);
		buf[i * 24 + 20] = (uint8_t)e[i].len;
		buf[i * 24 + 21] = (uint8_t)(e[i].len >> 8);
		ck_assert_uint_le(off + e[i].len, size);
		if (e[i].len > 0)
			memcpy(buf + off, e[i].der, e[i].len);
		off += e[i].len;
	}
	return (off);
}

/*
 * A new self-signed certificate in PEM (malloc()ed, NUL-terminated),
 * named ${cn} or, if ${like} is not NULL, as it is: RSA-2048, signed with
 * RSA-PSS SHA-384 with a salt of ${salt} bytes, or PKCS #1 SHA-256 if
 * ${salt} is negative; or with P-256 if ${ec}.
 */
static char *
self_signed(const char * cn, const X509 * like, int salt, int ec)
{
	EVP_PKEY_CTX * pctx;
	EVP_MD_CTX * md;
	EVP_PKEY * key;
	X509_NAME * name;
	X509 * x;
	BIO * bio;
	char * pem, * p;
	long len;

	ck_assert_ptr_nonnull(key = ec ? EVP_PKEY_Q_keygen(NULL, NULL, "EC",
	    "P-256") : EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048));
	ck_assert_ptr_nonnull(x = X509_new());
	ck_assert_int_eq(X509_set_version(x, 2), 1);
	ck_assert_int_eq(ASN1_INTEGER_set(X509_get_serialNumber(x), 1), 1);
	ck_assert_ptr_nonnull(X509_time_adj_ex(X509_getm_notBefore(x), -3650,
	    0, NULL));
	ck_assert_ptr_nonnull(X509_time_adj_ex(X509_getm_notAfter(x), 3650,
	    0, NULL));
	if (like != NULL)
		ck_assert_ptr_nonnull(name =
		    X509_NAME_dup(X509_get_subject_name(like)));
	else {
		ck_assert_ptr_nonnull(name = X509_NAME_new());
		ck_assert_int_eq(X509_NAME_add_entry_by_txt(name, "CN",
		    MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0), 1);
	}
	ck_assert_int_eq(X509_set_subject_name(x, name), 1);
	ck_assert_int_eq(X509_set_issuer_name(x, name), 1);
	ck_assert_int_eq(X509_set_pubkey(x, key), 1);
	ck_assert_ptr_nonnull(md = EVP_MD_CTX_new());
	ck_assert_int_eq(EVP_DigestSignInit(md, &pctx, (ec || salt < 0) ?
	    EVP_sha256() : EVP_sha384(), NULL, key), 1);
	if (!ec && salt >= 0) {
		ck_assert_int_eq(EVP_PKEY_CTX_set_rsa_padding(pctx,
		    RSA_PKCS1_PSS_PADDING), 1);
		ck_assert_int_eq(EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, salt),
		    1);
		ck_assert_int_eq(EVP_PKEY_CTX_set_rsa_mgf1_md(pctx,
		    EVP_sha384()), 1);
	}
	ck_assert_int_gt(X509_sign_ctx(x, md), 0);
	ck_assert_ptr_nonnull(bio = BIO_new(BIO_s_mem()));
	ck_assert_int_eq(PEM_write_bio_X509(bio, x), 1);
	len = BIO_get_mem_data(bio, &p);
	ck_assert_ptr_nonnull(pem = malloc((size_t)len + 1));
	memcpy(pem, p, (size_t)len);
	pem[len] = '\0';
	BIO_free(bio);
	EVP_MD_CTX_free(md);
	X509_NAME_free(name);
	X509_free(x);
	EVP_PKEY_free(key);
	return (pem);
}

/* A good Milan report (virtee): everything verifies. */
START_TEST(test_milan)
{
	struct ss_evidence_policy pol = policy();
	struct ss_evidence_claims c;

	accepted(verify(MILAN_REPORT, CERTS(MILAN_VCEK, MILAN_CHAIN), &pol,
	    &c));
	ck_assert_int_eq(c.kind, SS_EVIDENCE_SNP);
	ck_assert_uint_eq(c.version, 2);
	ck_assert_str_eq(c.signer, "VCEK (Milan)");
	ck_assert_uint_eq(c.measurement_len, 48);
	hex_eq(c.measurement, 48, "7a1e5c266c0108dbc9bb94fa9269513209"
	    "40915d0aafb42464bd88b579ea158d3e1a0dc39b2c60bd95b9c480cd81841f");
	hex_eq(c.report_data, 64, "d447b55d197491bfe15cf298f9de9986b7a7c4be"
	    "2468b4f6e2d53b71d7c645810b0f2cdfca0040433be063fc1a8293f0f3f8da"
	    "e7b79fecb3d1cd82bd6a93ebfd");
	hex_eq(c.chip_id, 64, MILAN_CHIP_ID);
	hex_eq(c.host_data, 32, "00000000000000000000000000000000"
	    "00000000000000000000000000000000");
	ck_assert_uint_eq(c.policy, 0x30000);
	ck_assert_int_eq(c.debug, 0);
	ck_assert_uint_eq(c.vmpl, 0);
	ck_assert_str_eq(c.tcb_text, "bootloader 3 tee 0 snp 8 microcode 115");
	ck_assert_uint_eq(c.tcb.bootloader, 3);
	ck_assert_uint_eq(c.tcb.tee, 0);
	ck_assert_uint_eq(c.tcb.snp, 8);
	ck_assert_uint_eq(c.tcb.microcode, 115);
	ck_assert_uint_eq(c.tcb.fmc, 0);

	/* In any order, with the ARK again, or without it (built in). */
	accepted(verify(MILAN_REPORT, CERTS(MILAN_CHAIN, MILAN_VCEK), &pol,
	    &c));
	accepted(verify(MILAN_REPORT, CERTS(ARK_MILAN, MILAN_CHAIN, MILAN_VCEK,
	    ARK_MILAN), &pol, &c));
	accepted(verify(MILAN_REPORT, CERTS(ASK_MILAN, MILAN_VCEK), &pol, &c));
	/* Other roots given beside do not matter. */
	accepted(verify(MILAN_REPORT, CERTS(ARK_GENOA, MILAN_VCEK, ARK_TURIN,
	    ASK_MILAN), &pol, &c));
	ck_assert_str_eq(c.signer, "VCEK (Milan)");
}
END_TEST

/* Everything in one PEM bundle, and a DER file of several is refused. */
START_TEST(test_bundle)
{
	struct ss_evidence_policy pol = policy();
	struct ss_evidence_claims c;
	struct ss_blob ev = vec(MILAN_REPORT), vcek = vec(MILAN_VCEK),
	    chain = vec(MILAN_CHAIN), ex;
	STACK_OF(X509) * certs;
	uint8_t * der[4], buf[8192];
	size_t len[4], n;
	char * p;
	BIO * bio;
	long blen;

	/* A bundle: text, the chain, the VCEK in PEM, more text. */
	ck_assert_ptr_nonnull(certs = sk_X509_new_null());
	ck_assert_int_eq(ss_x509_load(vcek.p, vcek.len, vcek.name, certs), 0);
	ck_assert_ptr_nonnull(bio = BIO_new(BIO_s_mem()));
	ck_assert_int_gt(BIO_puts(bio, "the chain, then the VCEK\n"), 0);
	ck_assert_int_eq(BIO_write(bio, chain.p, (int)chain.len),
	    (int)chain.len);
	ck_assert_int_eq(PEM_write_bio_X509(bio, sk_X509_value(certs, 0)), 1);
	ck_assert_int_gt(BIO_puts(bio, "end\n"), 0);
	blen = BIO_get_mem_data(bio, &p);
	ex.p = (const uint8_t *)p;
	ex.len = (size_t)blen;
	ex.name = "bundle.pem";
	accepted(verify_blobs(&ev, &ex, 1, &pol, &c));
	ck_assert_str_eq(c.signer, "VCEK (Milan)");
	BIO_free(bio);
	sk_X509_pop_free(certs, X509_free);

	/* DER is one certificate: a second one after it is refused. */
	n = ders(MILAN_CHAIN, der, len);
	ck_assert_uint_eq(n, 2);
	memcpy(buf, vcek.p, vcek.len);
	memcpy(buf + vcek.len, der[0], len[0]);
	ex.p = buf;
	ex.len = vcek.len + len[0];
	ex.name = "two.der";
	refused(verify_blobs(&ev, &ex, 1, &pol, &c), SS_EXIT_DATA,
	    "two.der: trailing bytes after the certificate (1677)");
	ders_free(der, 2);
}
END_TEST

/* go-sev-guest's report: a valid signature, but DEBUG in its policy. */
START_TEST(test_debug)
{
	struct ss_evidence_policy pol = policy();
	struct ss_evidence_claims c;

	refused(verify(DEBUG_REPORT, CERTS(DEBUG_VCEK, DEBUG_CHAIN), &pol, &c),
	    SS_EXIT_DATA, "SNP report: the guest is debuggable (policy "
	    "0xb0000; --allow-debug accepts it)");
	pol.allow_debug = 1;
	accepted(verify(DEBUG_REPORT, CERTS(DEBUG_VCEK, DEBUG_CHAIN), &pol,
	    &c));
	ck_assert_int_eq(c.debug, 1);
	ck_assert_uint_eq(c.policy, 0xb0000);
	ck_assert_str_eq(c.signer, "VCEK (Milan)");
	ck_assert_str_eq(c.tcb_text, "bootloader 2 tee 0 snp 5 microcode 68");
	hex_eq(c.report_data, 8, "0102030405000000");
	hex_eq(c.measurement, 48, "b07af9620f3b839b47996422ddec6058338951d9"
	    "84e312115131ea82705eaf5b6bdf8a9ece31a5a608eb0cf2e4872b01");
}
END_TEST

/* trustee's VLEK report (v3, VMPL 1), and the Genoa VLEK chain. */
START_TEST(test_vlek)
{
	struct ss_evidence_policy pol = policy();
	struct ss_evidence_claims c;
	uint8_t zero[64];

	accepted(verify(VLEK_REPORT, CERTS(VLEK, VLEK_CHAIN), &pol, &c));
	ck_assert_uint_eq(c.version, 3);
	ck_assert_str_eq(c.signer, "VLEK (Milan)");
	ck_assert_uint_eq(c.vmpl, 1);
	ck_assert_uint_eq(c.policy, 0x30000);
	ck_assert_int_eq(c.debug, 0);
	ck_assert_str_eq(c.tcb_text, "bootloader 4 tee 0 snp 24 microcode 217");
	memset(zero, 0, sizeof(zero));
	ck_assert_mem_eq(c.chip_id, zero, sizeof(zero));
	hex_eq(c.measurement, 48, "8922ebbdd00ec2c541f36a6e7a82a8773a7accb4"
	    "51ed67bc94e740dbe92c93c4e8c9af857f5ceeb5a493df2a570d7bf0");

	refused(verify(VLEK_REPORT, CERTS(VLEK, VLEK_GENOA), &pol, &c),
	    SS_EXIT_DATA, "no ASVK given for the VLEK (its issuer is "
	    "SEV-VLEK-Milan)");
	refused(verify(VLEK_REPORT, CERTS(MILAN_VCEK, MILAN_CHAIN), &pol, &c),
	    SS_EXIT_DATA, "no VLEK given (the SNP report is signed by its "
	    "VLEK)");
	refused(verify(MILAN_REPORT, CERTS(VLEK, VLEK_CHAIN), &pol, &c),
	    SS_EXIT_DATA, "no VCEK given (the SNP report is signed by its "
	    "VCEK)");

	/* VMPL: at most 1 accepts it, at most 0 does not. */
	pol.max_vmpl = 1;
	accepted(verify(VLEK_REPORT, CERTS(VLEK, VLEK_CHAIN), &pol, &c));
	pol.max_vmpl = 0;
	refused(verify(VLEK_REPORT, CERTS(VLEK, VLEK_CHAIN), &pol, &c),
	    SS_EXIT_DATA, "SNP report: VMPL 1 is above the maximum 0");

	/* A VLEK is valid for a year. */
	pol = policy();
	pol.at = AT_2026;
	refused(verify(VLEK_REPORT, CERTS(VLEK, VLEK_CHAIN), &pol, &c),
	    SS_EXIT_DATA, "VLEK is not valid at 2026-01-01 00:00:00 UTC (valid "
	    "from 2024-12-10 22:14:21 UTC to 2025-12-10 22:14:21 UTC)");
	pol.at = 0;
	refused_prefix(verify(VLEK_REPORT, CERTS(VLEK, VLEK_CHAIN), &pol, &c),
	    "VLEK is not valid at ");
}
END_TEST

/* Certificates on their own: a chain to its root, as a worker checks. */
static int
certs(const char * const * names, int vlek,
    const struct ss_evidence_policy * pol, char signer[64])
{
	struct ss_blob ex[8];
	size_t n;

	for (n = 0; names[n] != NULL; n++)
		ex[n] = vec(names[n]);
	ss_err_clear();
	memset(signer, 0, 64);
	return (ss_snp_certs_verify(ex, n, vlek, pol, signer, 64));
}

/*
 * The Turin VCEK chains to the Turin ARK (built in or named), and then
 * is refused as another chip's: the Milan report's.
 */
START_TEST(test_turin)
{
	struct ss_evidence_policy pol = policy();
	struct ss_evidence_claims c;
	char signer[64];

	accepted(certs(CERTS(TURIN_VCEK, TURIN_CHAIN), 0, &pol, signer));
	ck_assert_str_eq(signer, "VCEK (Turin)");
	accepted(certs(CERTS(TURIN_CHAIN, TURIN_VCEK, ARK_TURIN), 0, &pol,
	    signer));
	pol.root_file = VEC ARK_TURIN;
	accepted(certs(CERTS(TURIN_VCEK, TURIN_CHAIN), 0, &pol, signer));
	ck_assert_str_eq(signer, "VCEK (Turin)");
	pol.root_file = VEC ARK_MILAN;
	refused(certs(CERTS(TURIN_VCEK, TURIN_CHAIN), 0, &pol, signer),
	    SS_EXIT_DATA, "ASK (SEV-Turin) is not issued by the ARK-Milan "
	    "(from " VEC ARK_MILAN "): its issuer is ARK-Turin");
	pol.root_file = NULL;
	refused(certs(CERTS(TURIN_VCEK, MILAN_CHAIN), 0, &pol, signer),
	    SS_EXIT_DATA, "no ASK given for the VCEK (its issuer is "
	    "SEV-Turin)");
	refused(certs(CERTS(TURIN_VCEK, TURIN_CHAIN), 1, &pol, signer),
	    SS_EXIT_DATA, "no VLEK given");
	pol.at = 1704067200;	/* 2024-01-01 */
	refused(certs(CERTS(TURIN_VCEK, TURIN_CHAIN), 0, &pol, signer),
	    SS_EXIT_DATA, "VCEK is not valid at 2024-01-01 00:00:00 UTC (valid "
	    "from 2024-11-06 21:14:00 UTC to 2031-11-06 21:14:00 UTC)");

	pol = policy();
	refused(verify(MILAN_REPORT, CERTS(TURIN_VCEK, TURIN_CHAIN), &pol, &c),
	    SS_EXIT_DATA, "VCEK (Turin) is another chip's: its hardware ID "
	    "1e550a8ee5cf9f4d is not the report's CHIP_ID " MILAN_CHIP_ID);

	/* The other vectors' chains, on their own. */
	accepted(certs(CERTS(MILAN_VCEK, MILAN_CHAIN), 0, &pol, signer));
	ck_assert_str_eq(signer, "VCEK (Milan)");
	accepted(certs(CERTS(VLEK, VLEK_CHAIN), 1, &pol, signer));
	ck_assert_str_eq(signer, "VLEK (Milan)");
}
END_TEST

/* Another Milan chip's VCEK, either way round. */
START_TEST(test_swapped_vcek)
{
	struct ss_evidence_policy pol = policy();
	struct ss_evidence_claims c;

	refused(verify(MILAN_REPORT, CERTS(DEBUG_VCEK, MILAN_CHAIN), &pol, &c),
	    SS_EXIT_DATA, "VCEK (Milan) is another chip's: its hardware ID "
	    "3ac3fe21e13fb0990eb28a802e3fb6a29483a6b0753590c951bdd3b8e5378618"
	    "4ca39e359669a2b76a1936776b564ea464cdce40c05f63c9b610c5068b006b5d "
	    "is not the report's CHIP_ID " MILAN_CHIP_ID);
	pol.allow_debug = 1;
	refused_prefix(verify(DEBUG_REPORT, CERTS(MILAN_VCEK, MILAN_CHAIN),
	    &pol, &c), "VCEK (Milan) is another chip's: its hardware ID "
	    "d49554ec");
	/* Two different VCEKs are one too many. */
	refused(verify(MILAN_REPORT, CERTS(MILAN_VCEK, DEBUG_VCEK, MILAN_CHAIN),
	    &pol, &c), SS_EXIT_DATA, "go-sev-guest/vcek.testcer is a second, "
	    "different VCEK (SEV-VCEK)");
}
END_TEST

/*
 * Every bit of bytes ${from} to ${to} of a report flipped: refused, with
 * one line.  (About 1.3 ms each, most of it the ECDSA verification and
 * the certificates' public keys.)
 */
static void
flip_all(const char * report, const char * const * certs, size_t from,
    size_t to)
{
	struct ss_evidence_policy pol = policy();
	struct ss_evidence_claims c;
	struct ss_blob ev = vec(report), ex[4], f;
	uint8_t r[SS_SNP_REPORT_LEN];
	size_t n, bit;

	for (n = 0; certs[n] != NULL; n++)
		ex[n] = vec(certs[n]);
	ck_assert_uint_eq(ev.len, sizeof(r));
	memcpy(r, ev.p, sizeof(r));
	f.p = r;
	f.len = sizeof(r);
	f.name = report;
	accepted(verify_blobs(&f, ex, n, &pol, &c));
	for (bit = 8 * from; bit < 8 * to; bit++) {
		r[bit / 8] ^= (uint8_t)(1U << (bit % 8));
		ck_assert_msg(verify_blobs(&f, ex, n, &pol, &c) == -1,
		    "%s: bit %zu of byte 0x%03zx flipped: accepted", report,
		    bit % 8, bit / 8);
		ck_assert_msg(ss_err_status() == SS_EXIT_DATA &&
		    strchr(ss_err_msg(), '\n') == NULL, "%s: byte 0x%03zx: %s",
		    report, bit / 8, ss_err_msg());
		r[bit / 8] ^= (uint8_t)(1U << (bit % 8));
	}
	accepted(verify_blobs(&f, ex, n, &pol, &c));
}

/* The Milan report: every byte, signed or signature. */
START_TEST(test_flips)
{

	flip_all(MILAN_REPORT, CERTS(MILAN_VCEK, ASK_MILAN), 0,
	    SS_SNP_REPORT_LEN);
}
END_TEST

/*
 * The VLEK's v3 report where it differs: the header with SIGNING_KEY,
 * the TCB and CPUID fields, and the CHIP_ID, which no hardware ID guards.
 */
START_TEST(test_flips_v3)
{
	const char * const * certs = CERTS(VLEK, VLEK_CHAIN);

	flip_all(VLEK_REPORT, certs, 0x000, 0x050);
	flip_all(VLEK_REPORT, certs, 0x180, 0x1e0);
}
END_TEST

/* What flipped bits give: the checks, one by one. */
START_TEST(test_flip_messages)
{
	struct ss_evidence_policy pol = policy();
	struct ss_evidence_claims c;
	struct ss_blob ev = vec(MILAN_REPORT), ex[2] = { vec(MILAN_VCEK),
	    vec(MILAN_CHAIN) }, f = { NULL, SS_SNP_REPORT_LEN, "r" };
	uint8_t r[SS_SNP_REPORT_LEN];

	f.p = r;
	memcpy(r, ev.p, sizeof(r));
	r[0x90] ^= 1;		/* MEASUREMENT */
	refused(verify_blobs(&f, ex, 2, &pol, &c), SS_EXIT_DATA,
	    "SNP report signature does not verify with the VCEK (Milan)");
	memcpy(r, ev.p, sizeof(r));
	r[0x2a0] ^= 1;		/* R */
	refused(verify_blobs(&f, ex, 2, &pol, &c), SS_EXIT_DATA,
	    "SNP report signature does not verify with the VCEK (Milan)");
	memcpy(r, ev.p, sizeof(r));
	r[0x2e7] ^= 0x80;	/* R's last byte, past the curve's order */
	refused(verify_blobs(&f, ex, 2, &pol, &c), SS_EXIT_DATA,
	    "SNP report signature does not verify with the VCEK (Milan)");
	memcpy(r, ev.p, sizeof(r));
	r[0x187] ^= 1;		/* REPORTED_TCB's microcode */
	refused(verify_blobs(&f, ex, 2, &pol, &c), SS_EXIT_DATA,
	    "VCEK (Milan) is for TCB bootloader 3 tee 0 snp 8 microcode 115, "
	    "not the report's REPORTED_TCB bootloader 3 tee 0 snp 8 microcode "
	    "114");
	memcpy(r, ev.p, sizeof(r));
	r[0x1df] ^= 1;		/* CHIP_ID */
	refused_prefix(verify_blobs(&f, ex, 2, &pol, &c),
	    "VCEK (Milan) is another chip's: its hardware ID d49554ec");
	memcpy(r, ev.p, sizeof(r));
	r[0x48] ^= 4;		/* SIGNING_KEY: VLEK */
	refused(verify_blobs(&f, ex, 2, &pol, &c), SS_EXIT_DATA,
	    "no VLEK given (the SNP report is signed by its VLEK)");
	memcpy(r, ev.p, sizeof(r));
	r[0x0a] ^= 8;		/* POLICY's DEBUG */
	pol.allow_debug = 1;
	refused(verify_blobs(&f, ex, 2, &pol, &c), SS_EXIT_DATA,
	    "SNP report signature does not verify with the VCEK (Milan)");
}
END_TEST

/* Reports cut short or followed by more bytes. */
START_TEST(test_lengths)
{
	static const size_t lens[] = { 0, 1, 4, 0x2a0, 1183, 1185, 1188, 2368,
	    4096 };
	struct ss_evidence_policy pol = policy();
	struct ss_evidence_claims c;
	struct ss_blob ev = vec(MILAN_REPORT), ex[2] = { vec(MILAN_VCEK),
	    vec(MILAN_CHAIN) }, f;
	uint8_t r[4096];
	char want[128];
	size_t i;

	memset(r, 0, sizeof(r));
	memcpy(r, ev.p, ev.len);
	memcpy(r + ev.len, ev.p, ev.len);
	f.p = r;
	f.name = "r.bin";
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		f.len = lens[i];
		snprintf(want, sizeof(want), (lens[i] < 1184) ?
		    "SNP report truncated: %zu bytes, not 1184" :
		    "trailing garbage after the SNP report: %zu bytes, "
		    "not 1184", lens[i]);
		refused(verify_blobs(&f, ex, 2, &pol, &c), SS_EXIT_DATA, want);
		ss_err_clear();
		refused(ss_snp_parse(&f, &c), SS_EXIT_DATA, want);
	}
}
END_TEST

/* A root other than the chain's, named; the right one, named. */
START_TEST(test_roots)
{
	struct ss_evidence_policy pol = policy();
	struct ss_evidence_claims c;

	pol.root_file = VEC ARK_GENOA;
	refused(verify(MILAN_REPORT, CERTS(MILAN_VCEK, MILAN_CHAIN), &pol, &c),
	    SS_EXIT_DATA, "ASK (SEV-Milan) is not issued by the ARK-Genoa "
	    "(from " VEC ARK_GENOA "): its issuer is ARK-Milan");
	pol.root_file = VEC ARK_MILAN;
	accepted(verify(MILAN_REPORT, CERTS(MILAN_VCEK, MILAN_CHAIN), &pol,
	    &c));
	accepted(verify(MILAN_REPORT, CERTS(MILAN_VCEK, ASK_MILAN), &pol, &c));

	/* A root file that is no root is a usage error. */
	pol.root_file = VEC MILAN_CHAIN;
	refused(verify(MILAN_REPORT, CERTS(MILAN_VCEK, MILAN_CHAIN), &pol, &c),
	    SS_EXIT_SYS, VEC MILAN_CHAIN ": holds 2 certificates, not one "
	    "root");
	pol.root_file = VEC "no-such-root.pem";
	refused(verify(MILAN_REPORT, CERTS(MILAN_VCEK, MILAN_CHAIN), &pol, &c),
	    SS_EXIT_SYS, VEC "no-such-root.pem: open: No such file or "
	    "directory");
	pol.root_file = VEC MILAN_REPORT;
	refused(verify(MILAN_REPORT, CERTS(MILAN_VCEK, MILAN_CHAIN), &pol, &c),
	    SS_EXIT_SYS, VEC MILAN_REPORT ": neither a DER certificate nor "
	    "PEM");
}
END_TEST

/* Roots made here: not AMD's, not RSA-PSS with AMD's parameters. */
START_TEST(test_made_roots)
{
	struct ss_evidence_policy pol = policy();
	struct ss_evidence_claims c;
	struct ss_blob ark = vec(ARK_MILAN);
	STACK_OF(X509) * certs;
	char * pem;
	int i;

	/* Named like AMD's ARK-Milan, but another key: the ARK given is not
	   it, and without the ARK given, the ASK does not verify with it. */
	ck_assert_ptr_nonnull(certs = sk_X509_new_null());
	ck_assert_int_eq(ss_x509_load(ark.p, ark.len, ark.name, certs), 0);
	pem = self_signed(NULL, sk_X509_value(certs, 0), 48, 0);
	sk_X509_pop_free(certs, X509_free);
	tu_write_file(tu_file("ark.pem"), pem, strlen(pem), 0644);
	free(pem);
	pol.root_file = tu_file("ark.pem");
	refused(verify(MILAN_REPORT, CERTS(MILAN_VCEK, MILAN_CHAIN), &pol, &c),
	    SS_EXIT_DATA, "the ARK-Milan given is not the root trusted (its "
	    "SHA-256 is 69d063b45344d26a2e94e1f4210de49ef555308287d4c174445c9"
	    "5639a540bcd)");
	refused_prefix(verify(MILAN_REPORT, CERTS(MILAN_VCEK, ASK_MILAN), &pol,
	    &c), "ASK (SEV-Milan) is not signed by the ARK-Milan (from ");

	/* PKCS #1, or PSS with another salt. */
	for (i = 0; i < 2; i++) {
		pem = self_signed("ARK-Milan", NULL, (i == 0) ? -1 : 32, 0);
		tu_write_file(tu_file("ark.pem"), pem, strlen(pem), 0644);
		free(pem);
		refused_prefix(verify(MILAN_REPORT, CERTS(MILAN_VCEK,
		    ASK_MILAN), &pol, &c), "ARK-Milan (from ");
		ck_assert_ptr_nonnull(strstr(ss_err_msg(), ") is not signed "
		    "with RSA-PSS (SHA-384, salt 48)"));
	}

	/* A certificate that is not AMD's, among the others. */
	pem = self_signed("Example", NULL, -1, 1);
	tu_write_file(tu_file("other.pem"), pem, strlen(pem), 0644);
	pol.root_file = NULL;
	{
		struct ss_blob ev = vec(MILAN_REPORT), ex[2] = {
		    vec(MILAN_VCEK), { (const uint8_t *)pem, strlen(pem),
		    "other.pem" } };

		refused(verify_blobs(&ev, ex, 2, &pol, &c), SS_EXIT_DATA,
		    "other.pem (Example) is not an AMD SEV-SNP certificate");
	}
	free(pem);
}
END_TEST

/* Chains that miss a link, or whose links are damaged. */
START_TEST(test_chains)
{
	struct ss_evidence_policy pol = policy();
	struct ss_evidence_claims c;
	struct ss_blob ev = vec(MILAN_REPORT), vcek = vec(MILAN_VCEK), ex[3];
	uint8_t * der[4], bad[2048], * p;
	char signer[64], * pem;
	size_t len[4];

	refused(verify(MILAN_REPORT, CERTS(MILAN_VCEK), &pol, &c),
	    SS_EXIT_DATA, "no ASK given for the VCEK (its issuer is "
	    "SEV-Milan)");
	refused(verify(MILAN_REPORT, CERTS(MILAN_VCEK, ARK_MILAN), &pol, &c),
	    SS_EXIT_DATA, "no ASK given for the VCEK (its issuer is "
	    "SEV-Milan)");
	refused(verify(MILAN_REPORT, CERTS(MILAN_CHAIN), &pol, &c),
	    SS_EXIT_DATA, "no VCEK given (the SNP report is signed by its "
	    "VCEK)");
	ss_err_clear();
	refused(ss_snp_verify(&ev, NULL, 0, &pol, &c), SS_EXIT_DATA,
	    "no VCEK given (the SNP report is signed by its VCEK)");

	/* The VCEK's key of an unknown algorithm (fuzz_snp found it taken
	   for a failure to verify), or RSA. */
	memcpy(bad, vcek.p, vcek.len);
	ck_assert_ptr_nonnull(p = memmem(bad, vcek.len,
	    "\x06\x07\x2a\x86\x48\xce\x3d\x02\x01", 9));
	p[2] = 0x2c;
	ex[0].p = bad;
	ex[0].len = vcek.len;
	ex[0].name = "bad.der";
	ex[1] = vec(MILAN_CHAIN);
	refused(verify_blobs(&ev, ex, 2, &pol, &c), SS_EXIT_DATA,
	    "VCEK key is not ECDSA P-384");
	pem = self_signed("SEV-VCEK", NULL, -1, 0);
	ex[0].p = (const uint8_t *)pem;
	ex[0].len = strlen(pem);
	refused(verify_blobs(&ev, ex, 2, &pol, &c), SS_EXIT_DATA,
	    "VCEK key is not ECDSA P-384");
	free(pem);

	/* The VCEK's signature damaged (its last byte). */
	memcpy(bad, vcek.p, vcek.len);
	bad[vcek.len - 1] ^= 1;
	ex[0].p = bad;
	ex[0].len = vcek.len;
	ex[0].name = "bad.der";
	ex[1] = vec(MILAN_CHAIN);
	refused(verify_blobs(&ev, ex, 2, &pol, &c), SS_EXIT_DATA,
	    "VCEK is not signed by the ASK (SEV-Milan)");

	/* The ASK's signature damaged. */
	ck_assert_uint_eq(ders(MILAN_CHAIN, der, len), 2);
	ck_assert_uint_le(len[0], sizeof(bad));
	memcpy(bad, der[0], len[0]);
	bad[len[0] - 1] ^= 1;
	ex[0] = vcek;
	ex[1].p = bad;
	ex[1].len = len[0];
	ex[1].name = "ask.der";
	refused(verify_blobs(&ev, ex, 2, &pol, &c), SS_EXIT_DATA,
	    "ASK (SEV-Milan) is not signed by the ARK-Milan");
	ders_free(der, 2);

	/* The Turin ASK under the Turin ARK is checked the same way. */
	ck_assert_uint_eq(ders(TURIN_CHAIN, der, len), 2);
	memcpy(bad, der[0], len[0]);
	bad[len[0] - 1] ^= 1;
	ex[0] = vec(TURIN_VCEK);
	ss_err_clear();
	refused(ss_snp_certs_verify(ex, 2, 0, &pol, signer, sizeof(signer)),
	    SS_EXIT_DATA, "ASK (SEV-Turin) is not signed by the ARK-Turin");
	ders_free(der, 2);

	/* Before the certificates were valid. */
	pol.at = 1577836800;	/* 2020-01-01 */
	refused(verify(MILAN_REPORT, CERTS(MILAN_VCEK, MILAN_CHAIN), &pol, &c),
	    SS_EXIT_DATA, "ARK-Milan is not valid at 2020-01-01 00:00:00 UTC "
	    "(valid from 2020-10-22 17:23:05 UTC to 2045-10-22 17:23:05 UTC)");
}
END_TEST

/* The certificates as the kernel's auxblob: a certificate table. */
START_TEST(test_table)
{
	struct ss_evidence_policy pol = policy();
	struct ss_evidence_claims c;
	struct ss_blob ev = vec(MILAN_REPORT), vcek = vec(MILAN_VCEK), ex[2];
	uint8_t * der[4], buf[16384], extra[8];
	struct entry e[5];
	size_t len[4], n, i;

	ck_assert_uint_eq(ders(MILAN_CHAIN, der, len), 2);
	memset(extra, 0x5a, sizeof(extra));
	e[0] = (struct entry){ GUID_OTHER, extra, sizeof(extra) };
	e[1] = (struct entry){ GUID_ARK, der[1], len[1] };
	e[2] = (struct entry){ GUID_VCEK, vcek.p, vcek.len };
	e[3] = (struct entry){ GUID_ASK, der[0], len[0] };
	e[4] = (struct entry){ GUID_OTHER, NULL, 0 };
	ex[0].p = buf;
	ex[0].name = "auxblob";
	ex[0].len = table(buf, sizeof(buf), e, 5);
	accepted(verify_blobs(&ev, ex, 1, &pol, &c));
	ck_assert_str_eq(c.signer, "VCEK (Milan)");

	/* Trailing zeros (the kernel's pages) do not matter. */
	memset(buf + ex[0].len, 0, 100);
	ex[0].len += 100;
	accepted(verify_blobs(&ev, ex, 1, &pol, &c));

	/* The table's GUIDs in the mixed-endian form some tools write. */
	for (i = 0; i < 5; i++) {
		uint8_t * g = buf + i * 24, t;

		t = g[0], g[0] = g[3], g[3] = t;
		t = g[1], g[1] = g[2], g[2] = t;
		t = g[4], g[4] = g[5], g[5] = t;
		t = g[6], g[6] = g[7], g[7] = t;
	}
	accepted(verify_blobs(&ev, ex, 1, &pol, &c));

	/* The VCEK in the table, its chain in PEM. */
	ex[0].len = table(buf, sizeof(buf), &e[2], 1);
	ex[1] = vec(MILAN_CHAIN);
	accepted(verify_blobs(&ev, ex, 2, &pol, &c));

	/* A GUID for one certificate holding another. */
	e[2].der = der[0];
	e[2].len = len[0];
	ex[0].len = table(buf, sizeof(buf), &e[2], 1);
	refused(verify_blobs(&ev, ex, 1, &pol, &c), SS_EXIT_DATA,
	    "auxblob: certificate table entry 1 is for the VCEK but holds "
	    "SEV-Milan");
	e[2].der = vcek.p;
	e[2].len = vcek.len;

	/* An entry past the end, or inside the table. */
	n = table(buf, sizeof(buf), &e[2], 1);
	ex[0].len = n - 1;
	refused(verify_blobs(&ev, ex, 1, &pol, &c), SS_EXIT_DATA,
	    "auxblob: certificate table entry 1 (offset 48, 1360 bytes) is not "
	    "within the 1359 bytes after the table");
	ex[0].len = n;
	buf[16] = 24;
	refused(verify_blobs(&ev, ex, 1, &pol, &c), SS_EXIT_DATA,
	    "auxblob: certificate table entry 1 (offset 24, 1360 bytes) is not "
	    "within the 1360 bytes after the table");
	buf[16] = 0xff;
	buf[17] = 0xff;
	buf[18] = 0xff;
	buf[19] = 0xff;
	refused(verify_blobs(&ev, ex, 1, &pol, &c), SS_EXIT_DATA,
	    "auxblob: certificate table entry 1 (offset 4294967295, 1360 "
	    "bytes) is not within the 1360 bytes after the table");

	/* An entry one byte longer than its certificate. */
	n = table(buf, sizeof(buf), &e[2], 1);
	buf[n] = 0;
	buf[20] = (uint8_t)(vcek.len + 1);
	buf[21] = (uint8_t)((vcek.len + 1) >> 8);
	ex[0].len = n + 1;
	refused(verify_blobs(&ev, ex, 1, &pol, &c), SS_EXIT_DATA,
	    "auxblob: certificate table entry 1: trailing bytes after the "
	    "certificate (1)");

	/* No entry of zeros to end it. */
	memset(buf, 0x11, 48);
	ex[0].len = 48;
	refused(verify_blobs(&ev, ex, 1, &pol, &c), SS_EXIT_DATA,
	    "auxblob: neither certificates nor a certificate table (no entry "
	    "of zeros ends it)");
	ex[0].len = 23;
	refused(verify_blobs(&ev, ex, 1, &pol, &c), SS_EXIT_DATA,
	    "auxblob: neither certificates nor a certificate table (no entry "
	    "of zeros ends it)");

	/* An empty auxblob: no certificates. */
	ex[0].len = 0;
	refused(verify_blobs(&ev, ex, 1, &pol, &c), SS_EXIT_DATA,
	    "no VCEK given (the SNP report is signed by its VCEK)");
	ders_free(der, 2);
}
END_TEST

/* PEM that is not certificates. */
START_TEST(test_pem)
{
	struct ss_evidence_policy pol = policy();
	struct ss_evidence_claims c;
	struct ss_blob ev = vec(MILAN_REPORT), chain = vec(MILAN_CHAIN), ex;
	char buf[8192], * p;

	ex.p = (const uint8_t *)buf;
	ex.name = "x.pem";
	snprintf(buf, sizeof(buf), "-----BEGIN PRIVATE KEY-----\n"
	    "AAAA\n-----END PRIVATE KEY-----\n");
	ex.len = strlen(buf);
	refused(verify_blobs(&ev, &ex, 1, &pol, &c), SS_EXIT_DATA,
	    "x.pem: PEM block 1 is PRIVATE KEY, not a plain CERTIFICATE");

	/* The second certificate's base64 broken. */
	ck_assert_uint_lt(chain.len, sizeof(buf));
	memcpy(buf, chain.p, chain.len);
	buf[chain.len] = '\0';
	ck_assert_ptr_nonnull(p = strstr(buf + 1, "-----BEGIN CERTIFICATE"));
	ck_assert_ptr_nonnull(p = strchr(p, '\n'));
	p[1] = '*';
	ex.len = chain.len;
	refused(verify_blobs(&ev, &ex, 1, &pol, &c), SS_EXIT_DATA,
	    "x.pem: PEM block 2 is malformed");

	/* A block cut short. */
	ex.len = chain.len - 30;
	refused(verify_blobs(&ev, &ex, 1, &pol, &c), SS_EXIT_DATA,
	    "x.pem: PEM block 2 is malformed");

	/* A certificate block holding something else. */
	snprintf(buf, sizeof(buf), "-----BEGIN CERTIFICATE-----\n"
	    "AAAA\n-----END CERTIFICATE-----\n");
	ex.len = strlen(buf);
	refused(verify_blobs(&ev, &ex, 1, &pol, &c), SS_EXIT_DATA,
	    "x.pem: PEM block 1: not a DER certificate");
}
END_TEST

/* The guest policy: minimum TCB, component by component. */
START_TEST(test_min_tcb)
{
	struct ss_evidence_policy pol = policy();
	struct ss_evidence_claims c;
	const char * const * certs = CERTS(MILAN_VCEK, MILAN_CHAIN);

	pol.min_tcb_set = 1;
	pol.min_tcb.bootloader = 3;
	pol.min_tcb.snp = 8;
	pol.min_tcb.microcode = 115;
	pol.min_tcb.fmc = 9;	/* not on Milan */
	accepted(verify(MILAN_REPORT, certs, &pol, &c));
	pol.min_tcb.snp = 9;
	refused(verify(MILAN_REPORT, certs, &pol, &c), SS_EXIT_DATA,
	    "SNP report: REPORTED_TCB (bootloader 3 tee 0 snp 8 microcode 115) "
	    "is below the minimum (bootloader 3 tee 0 snp 9 microcode 115)");
	pol.min_tcb.snp = 0;
	pol.min_tcb.microcode = 116;
	refused_prefix(verify(MILAN_REPORT, certs, &pol, &c),
	    "SNP report: REPORTED_TCB (bootloader 3 tee 0 snp 8 microcode 115) "
	    "is below the minimum");
	pol.min_tcb.microcode = 0;
	pol.min_tcb.tee = 1;
	refused_prefix(verify(MILAN_REPORT, certs, &pol, &c),
	    "SNP report: REPORTED_TCB");
	pol.min_tcb.tee = 0;
	pol.min_tcb.bootloader = 4;
	refused_prefix(verify(MILAN_REPORT, certs, &pol, &c),
	    "SNP report: REPORTED_TCB");
	pol.min_tcb_set = 0;
	accepted(verify(MILAN_REPORT, certs, &pol, &c));
}
END_TEST

/* The report as it reads, unverified, and what the parser refuses. */
START_TEST(test_parse)
{
	struct ss_evidence_claims c;
	struct ss_blob ev = vec(VLEK_REPORT), f;
	uint8_t r[SS_SNP_REPORT_LEN];

	ss_err_clear();
	ck_assert_int_eq(ss_snp_parse(&ev, &c), 0);
	ck_assert_uint_eq(c.version, 3);
	ck_assert_str_eq(c.signer, "VLEK (not verified)");
	ck_assert_str_eq(c.tcb_text, "bootloader 4 tee 0 snp 24 microcode 217");
	ck_assert_uint_eq(c.vmpl, 1);
	ev = vec(DEBUG_REPORT);
	ck_assert_int_eq(ss_snp_parse(&ev, &c), 0);
	ck_assert_str_eq(c.signer, "VCEK (not verified)");
	ck_assert_int_eq(c.debug, 1);

	ev = vec(MILAN_REPORT);
	f.p = r;
	f.len = sizeof(r);
	f.name = "r";
#define REFUSED(off, x, msg) do {					\
	memcpy(r, ev.p, sizeof(r));					\
	r[off] ^= (x);							\
	ss_err_clear();							\
	refused(ss_snp_parse(&f, &c), SS_EXIT_DATA, msg);		\
} while (0)
	REFUSED(0x000, 6, "SNP report version 4 is not supported (2 or 3)");
	REFUSED(0x003, 1, "SNP report version 16777218 is not supported "
	    "(2 or 3)");
	REFUSED(0x034, 3, "SNP report signature algorithm 2 is not ECDSA "
	    "P-384 with SHA-384");
	REFUSED(0x048, 0x1c, "SNP report is signed by neither a VCEK nor a "
	    "VLEK (SIGNING_KEY 7)");
	REFUSED(0x048, 0x08, "SNP report is signed by neither a VCEK nor a "
	    "VLEK (SIGNING_KEY 2)");
	REFUSED(0x048, 0x20, "SNP report: reserved bits are set at 0x048 "
	    "(0x00000020)");
	REFUSED(0x04b, 0x80, "SNP report: reserved bits are set at 0x048 "
	    "(0x80000000)");
	REFUSED(0x04c, 1, "SNP report: reserved bytes 0x04c-0x04f are not "
	    "zero");
	/* In v2, CPUID_FAM_ID is reserved; in v3 it is not. */
	REFUSED(0x188, 1, "SNP report: reserved bytes 0x188-0x19f are not "
	    "zero");
	REFUSED(0x19f, 1, "SNP report: reserved bytes 0x188-0x19f are not "
	    "zero");
	REFUSED(0x1eb, 1, "SNP report: reserved bytes 0x1eb-0x1eb are not "
	    "zero");
	REFUSED(0x1ef, 1, "SNP report: reserved bytes 0x1ef-0x1ef are not "
	    "zero");
	REFUSED(0x1f8, 1, "SNP report: reserved bytes 0x1f8-0x29f are not "
	    "zero");
	REFUSED(0x330, 1, "SNP report: reserved bytes 0x330-0x49f are not "
	    "zero");
	REFUSED(0x49f, 1, "SNP report: reserved bytes 0x330-0x49f are not "
	    "zero");
	ev = vec(VLEK_REPORT);
	REFUSED(0x18b, 1, "SNP report: reserved bytes 0x18b-0x19f are not "
	    "zero");
	memcpy(r, ev.p, sizeof(r));
	r[0x188] = 0x1a;	/* a Turin CPU, says the v3 report */
	ss_err_clear();
	ck_assert_int_eq(ss_snp_parse(&f, &c), 0);
	ck_assert_str_eq(c.tcb_text, "fmc 4 bootloader 0 tee 0 snp 0 "
	    "microcode 217");
#undef REFUSED
}
END_TEST

/* A v3 report's CPU family is its chain's product's. */
START_TEST(test_family)
{
	struct ss_evidence_policy pol = policy();
	struct ss_evidence_claims c;
	struct ss_blob ev = vec(VLEK_REPORT), ex[2] = { vec(VLEK),
	    vec(VLEK_CHAIN) }, f = { NULL, SS_SNP_REPORT_LEN, "r" };
	uint8_t r[SS_SNP_REPORT_LEN];

	memcpy(r, ev.p, sizeof(r));
	f.p = r;
	r[0x188] = 0x1a;
	refused(verify_blobs(&f, ex, 2, &pol, &c), SS_EXIT_DATA,
	    "SNP report is from a CPU of family 0x1a, not one the VLEK (Milan) "
	    "is for");
}
END_TEST

/* The built-in roots are the pinned ones, which the README gives. */
START_TEST(test_pins)
{
	static const struct {
		const char * name, * file, * sha256;
	} want[] = {
		{ "ARK-Milan", ARK_MILAN, "69d063b45344d26a2e94e1f4210de49e"
		    "f555308287d4c174445c95639a540bcd" },
		{ "ARK-Genoa", ARK_GENOA, "4c6598d19c18719c5dfd4a7d335f674e"
		    "5bfe1d8f800cea2cf270c10d103db2f1" },
		{ "ARK-Turin", ARK_TURIN, "1f084161a44bb6d93778a904877d4819"
		    "cafa5d05ef4193b2ded9dd9c73dd3f6a" },
	};
	const struct ss_amd_root * root;
	uint8_t d[SS_X509_SHA256_LEN], v[SS_X509_SHA256_LEN];
	STACK_OF(X509) * built, * copy;
	struct ss_blob b;
	char cn[64];
	size_t i;

	for (i = 0; i < 3; i++) {
		ck_assert_ptr_nonnull(root = ss_amd_root_at(i));
		ck_assert_ptr_eq(ss_amd_root_find(want[i].name), root);
		ck_assert_str_eq(root->name, want[i].name);
		ck_assert_str_eq(root->sha256, want[i].sha256);
		ck_assert_ptr_nonnull(built = sk_X509_new_null());
		ck_assert_ptr_nonnull(copy = sk_X509_new_null());
		ck_assert_int_eq(ss_x509_load((const uint8_t *)root->pem,
		    strlen(root->pem), root->name, built), 0);
		ck_assert_int_eq(sk_X509_num(built), 1);
		b = vec(want[i].file);
		ck_assert_int_eq(ss_x509_load(b.p, b.len, b.name, copy), 0);
		ck_assert_int_eq(ss_x509_sha256(sk_X509_value(built, 0), d), 0);
		ck_assert_int_eq(ss_x509_sha256(sk_X509_value(copy, 0), v), 0);
		hex_eq(d, sizeof(d), want[i].sha256);
		ck_assert_mem_eq(d, v, sizeof(d));
		ss_x509_name_text(X509_get_subject_name(sk_X509_value(built,
		    0)), cn, sizeof(cn));
		ck_assert_str_eq(cn, want[i].name);
		sk_X509_pop_free(built, X509_free);
		sk_X509_pop_free(copy, X509_free);
	}
	ck_assert_ptr_null(ss_amd_root_at(3));
	ck_assert_ptr_null(ss_amd_root_find("ARK-Venice"));
}
END_TEST

static Suite *
snp_suite(void)
{
	Suite * s = suite_create("snp");
	TCase * tv = tcase_create("vectors");
	TCase * tf = tcase_create("flips");
	TCase * tm = tcase_create("made");

	tcase_add_test(tv, test_milan);
	tcase_add_test(tv, test_bundle);
	tcase_add_test(tv, test_debug);
	tcase_add_test(tv, test_vlek);
	tcase_add_test(tv, test_turin);
	tcase_add_test(tv, test_swapped_vcek);
	tcase_add_test(tv, test_flip_messages);
	tcase_add_test(tv, test_lengths);
	tcase_add_test(tv, test_roots);
	tcase_add_test(tv, test_chains);
	tcase_add_test(tv, test_table);
	tcase_add_test(tv, test_pem);
	tcase_add_test(tv, test_min_tcb);
	tcase_add_test(tv, test_parse);
	tcase_add_test(tv, test_family);
	tcase_add_test(tv, test_pins);
	suite_add_tcase(s, tv);

	tcase_add_test(tf, test_flips);
	tcase_add_test(tf, test_flips_v3);
	tcase_set_timeout(tf, 120);
	suite_add_tcase(s, tf);

	tcase_add_checked_fixture(tm, tu_dir_setup, tu_dir_teardown);
	tcase_add_test(tm, test_made_roots);
	tcase_set_timeout(tm, 60);
	suite_add_tcase(s, tm);
	return (s);
}

int
main(void)
{

	return (tu_run(snp_suite()));
}
