/*
 * Unit tests for libcore/host/dcap*.c: real Intel DCAP quotes and
 * collateral (tests/vector/tee/intel-tdx, intel-sgx; their READMEs say
 * where each comes from and what it must give), each verified or refused
 * as it must be, at the time its collateral was issued; every bit of the
 * signed regions and signatures flipped; truncation; a wrong root;
 * tampered, expired and mismatched collateral; the TCB status computed
 * from real TCB Info edited to each case; and, with a root, PCK chain,
 * TCB signing key and CRLs this test makes, the TCB and revocation
 * policies end to end.  Run from the top of the tree (make unit).
 */

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <check.h>
#include <jansson.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "crypt.h"
#include "dcap.h"
#include "dcap_cert.h"
#include "dcap_quote.h"
#include "dcap_tcb.h"
#include "err.h"
#include "evidence.h"
#include "tee_quote.h"

#include "check_util.h"

#define TDX_DIR		"tests/vector/tee/intel-tdx/"
#define GTG		TDX_DIR "go-tdx-guest/"
#define SPR_E4		GTG "tdx_prod_quote_SPR_E4.dat"
#define V5		GTG "quote_v5_sample.dat"
#define COS		GTG "cos-113-tdx-quote.dat"
#define TRUSTEE		TDX_DIR "trustee/tdx_quote_4.dat"
#define SGX_DIR		"tests/vector/tee/intel-sgx/"
#define SGX_QUOTE	SGX_DIR "dcap-qvl/sgx_quote"
#define SGX_BUNDLE	SGX_DIR "dcap-qvl/sgx_quote_collateral.json"
#define ROOT_PEM	SGX_DIR "intel_sgx_root_ca.pem"

/*
 * Issue times of the collateral, at which the tests check it: of
 * sample_tcbInfo_response, sample_tcbinfo_response_v5 and the bundle's
 * tcb_info.
 */
#define AT_GTG	"2023-06-18T08:42:58Z"
#define AT_V5	"2026-02-01T14:49:26Z"
#define AT_SGX	"2025-06-19T10:56:11Z"

#define MAX_EXTRA	12

/* A file of the tree, or bytes made here. */
struct file {
	uint8_t * p;
	size_t len;
	const char * name;		/* its base name, as messages give it
					   (in the path given to load()) */
};

/* The go-tdx-guest collateral, as Intel's PCS serves it. */
static const char * const gtg_collateral[] = {
	"sample_tcbInfo_response", "sample_qeIdentity_response",
	"tcbInfoIssuerChain.pem", "qeIdentityIssuerChain.pem",
	"pckCrlIssuerChain.pem", "pckcrl", "rootcrl.der"
};
#define GTG_NCOLLATERAL	\
	(sizeof(gtg_collateral) / sizeof(gtg_collateral[0]))

static struct file
load(const char * path)
{
	struct file f;
	const char * slash = strrchr(path, '/');

	f.p = tu_read_file(path, &f.len);
	f.name = (slash != NULL) ? slash + 1 : path;
	return (f);
}

static struct file
made(const void * p, size_t len, const char * name)
{
	struct file f;

	ck_assert_ptr_nonnull(f.p = malloc(len + 1));
	memcpy(f.p, p, len);
	f.p[len] = '\0';
	f.len = len;
	f.name = name;
	return (f);
}

static time_t
when(const char * iso)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	ck_assert_ptr_nonnull(strptime(iso, "%Y-%m-%dT%H:%M:%SZ", &tm));
	return (timegm(&tm));
}

/* A policy as of ${iso} (NULL: now). */
static struct ss_evidence_policy
policy(const char * iso)
{
	struct ss_evidence_policy pol;

	ss_evidence_policy_init(&pol, (iso != NULL) ? when(iso) : 0);
	return (pol);
}

/* Verify ${q} of ${kind} with ${extra}; the status, message in ss_err. */
static int
verify(int kind, const struct file * q, const struct file * extra,
    size_t n, const struct ss_evidence_policy * pol,
    struct ss_evidence_claims * c)
{
	struct ss_blob ev = { q->p, q->len, q->name }, ex[MAX_EXTRA];
	size_t i;

	ck_assert_uint_le(n, MAX_EXTRA);
	for (i = 0; i < n; i++) {
		ex[i].p = extra[i].p;
		ex[i].len = extra[i].len;
		ex[i].name = extra[i].name;
	}
	ss_err_clear();
	return (ss_dcap_verify(kind, &ev, ex, n, pol, c));
}

static void
accepted(int kind, const struct file * q, const struct file * extra,
    size_t n, const struct ss_evidence_policy * pol,
    struct ss_evidence_claims * c)
{

	ck_assert_msg(verify(kind, q, extra, n, pol, c) == 0,
	    "%s refused: %s", q->name, ss_err_msg());
}

/* Refused with exactly the message ${msg} (NULL: any), SS_EXIT_DATA. */
static void
refused(int kind, const struct file * q, const struct file * extra,
    size_t n, const struct ss_evidence_policy * pol, const char * msg)
{
	struct ss_evidence_claims c;

	ck_assert_msg(verify(kind, q, extra, n, pol, &c) == -1,
	    "%s accepted", q->name);
	ck_assert_msg(ss_err_status() == SS_EXIT_DATA, "status %d: %s",
	    ss_err_status(), ss_err_msg());
	if (msg != NULL)
		ck_assert_str_eq(ss_err_msg(), msg);
	ck_assert_msg(strchr(ss_err_msg(), '\n') == NULL, "two lines");
	ck_assert_int_eq(c.kind, 0);
}

/* The go-tdx-guest collateral into ${f}, but the one named ${skip}. */
static size_t
gtg(struct file * f, const char * skip)
{
	char path[256];
	size_t i, n = 0;

	for (i = 0; i < GTG_NCOLLATERAL; i++) {
		if (skip != NULL && strcmp(skip, gtg_collateral[i]) == 0)
			continue;
		snprintf(path, sizeof(path), GTG "%s", gtg_collateral[i]);
		f[n] = load(path);
		f[n++].name = gtg_collateral[i];
	}
	return (n);
}

static void
unload(struct file * f, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(f[i].p);
}

/* The string ${key} of dcap-qvl's bundle, as a file named ${name}. */
static struct file
bundle_member(const char * key, const char * name)
{
	struct file b = load(SGX_BUNDLE), f;
	json_error_t e;
	json_t * o, * v;

	ck_assert_ptr_nonnull(o = json_loadb((const char *)b.p, b.len, 0, &e));
	ck_assert_ptr_nonnull(v = json_object_get(o, key));
	f = made(json_string_value(v), json_string_length(v), name);
	json_decref(o);
	free(b.p);
	return (f);
}

static void
assert_hex(const uint8_t * p, size_t len, const char * want)
{
	char hex[2 * 64 + 1];

	ck_assert_uint_le(len, 64);
	ss_hex(hex, p, len);
	ck_assert_str_eq(hex, want);
}

/* The built-in root is the pinned one, and the vector's PEM. */
START_TEST(test_root_pin)
{
	static const char pin[] = "44a0196b2b99f889b8e149e95b807a35"
	    "0e7424964399e885a7cbb8ccfab674d3";
	uint8_t digest[SS_SHA256_LEN], * der = NULL;
	struct file pem = load(ROOT_PEM);
	BIO * bio;
	X509 * root;
	int len;

	ck_assert_int_eq(ss_sha256(digest, ss_dcap_intel_root_der,
	    ss_dcap_intel_root_der_len), 0);
	assert_hex(digest, sizeof(digest), pin);
	assert_hex(ss_dcap_intel_root_sha256, 32, pin);
	ck_assert_ptr_nonnull(bio = BIO_new_mem_buf(pem.p, (int)pem.len));
	ck_assert_ptr_nonnull(root = PEM_read_bio_X509(bio, NULL, NULL,
	    NULL));
	ck_assert_int_gt(len = i2d_X509(root, &der), 0);
	ck_assert_uint_eq((size_t)len, ss_dcap_intel_root_der_len);
	ck_assert_mem_eq(der, ss_dcap_intel_root_der, (size_t)len);
	OPENSSL_free(der);
	X509_free(root);
	BIO_free(bio);
	free(pem.p);
}
END_TEST

/* go-tdx-guest's production quote: its chain verifies, now and then. */
START_TEST(test_spr_e4)
{
	struct file q = load(SPR_E4);
	struct ss_evidence_policy now = policy(NULL), then = policy(AT_GTG);
	struct ss_evidence_claims c;

	accepted(SS_EVIDENCE_TDX, &q, NULL, 0, &now, &c);
	accepted(SS_EVIDENCE_TDX, &q, NULL, 0, &then, &c);
	ck_assert_int_eq(c.kind, SS_EVIDENCE_TDX);
	ck_assert_uint_eq(c.version, 4);
	ck_assert_uint_eq(c.measurement_len, 48);
	assert_hex(c.measurement, 48, "6363b8043668a3ad953278e10389574d"
	    "326c6749fb78aa810ecd9336923db86f22fc00b8dcd404bc10d5e119d7215cbb");
	assert_hex(c.rtmr[0], 48, "2927da70461cd63266f43230cc1849c0"
	    "3ef25ebe490062a801d8fcc80af42976823adf08f833c1e50b51779c6593f32a");
	assert_hex(c.report_data, 16, "6c62dec1b8191749a31dab490be532a3");
	ck_assert_uint_eq(c.policy, 0x40000000);
	ck_assert_int_eq(c.debug, 0);
	ck_assert_str_eq(c.tcb_text, "TEE TCB SVN "
	    "03000400000000000000000000000000 PCESVN 11");
	ck_assert_str_eq(c.tcb_status, "");
	ck_assert_str_eq(c.advisories, "");
	ck_assert_str_eq(c.signer, "PCK (Intel SGX Root CA)");
	free(q.p);
}
END_TEST

/*
 * With go-tdx-guest's collateral at its issue time: the CRLs, issuer
 * chains, QE Identity and TCB Info all verify, but the sample TCB Info
 * has no level the PCK's TCB reaches (SGX components 3,3,2,2,2,1,0,2
 * against 5,5,2,2,3,1,0,3), which Intel's library reports as "TCB not
 * supported" and go-tdx-guest's own tests get round by zeroing the
 * levels; without the TCB Info the rest verifies.
 */
START_TEST(test_spr_e4_collateral)
{
	struct file q = load(SPR_E4), col[GTG_NCOLLATERAL];
	struct ss_evidence_policy then = policy(AT_GTG);
	struct ss_evidence_claims c;
	size_t n;

	n = gtg(col, NULL);
	refused(SS_EVIDENCE_TDX, &q, col, n, &then, "TDX quote: TCB Info has "
	    "no TCB level for the PCK certificate's TCB (SGX components "
	    "03030202020100020000000000000000, PCESVN 11)");
	unload(col, n);
	n = gtg(col, "sample_tcbInfo_response");
	accepted(SS_EVIDENCE_TDX, &q, col, n, &then, &c);
	ck_assert_str_eq(c.tcb_status, "");
	ck_assert_str_eq(c.signer, "PCK (Intel SGX Root CA)");
	unload(col, n);
	free(q.p);
}
END_TEST

/*
 * Bytes after the declared signature data are outside every signature:
 * ignored (go-tdx-guest's 39 bytes of text, cos-113's zero padding); a
 * quote shorter than it declares is refused.
 */
START_TEST(test_trailing_and_truncated)
{
	struct file q = load(SPR_E4), cos = load(COS), cut;
	struct ss_evidence_policy now = policy(NULL);
	struct ss_evidence_claims c, whole;
	struct ss_dcap_quote pq;
	uint8_t * more;
	size_t len;

	ck_assert_int_eq(ss_dcap_quote_parse(&pq, SS_EVIDENCE_TDX, q.p,
	    q.len), 0);
	ck_assert_uint_eq(pq.len, 4935);
	ck_assert_uint_eq(q.len - pq.len, 39);
	accepted(SS_EVIDENCE_TDX, &q, NULL, 0, &now, &whole);
	cut = made(q.p, pq.len, q.name);
	accepted(SS_EVIDENCE_TDX, &cut, NULL, 0, &now, &c);
	ck_assert_mem_eq(&c, &whole, sizeof(c));
	ck_assert_ptr_nonnull(more = realloc(q.p, q.len + 4096));
	q.p = more;
	memset(q.p + q.len, 0xa5, 4096);
	q.len += 4096;
	accepted(SS_EVIDENCE_TDX, &q, NULL, 0, &now, &c);
	ck_assert_mem_eq(&c, &whole, sizeof(c));
	accepted(SS_EVIDENCE_TDX, &cos, NULL, 0, &now, &c);
	ck_assert_str_eq(c.tcb_text, "TEE TCB SVN "
	    "04010700000000000000000000000000 PCESVN 11");

	/* Every shorter quote is refused, at its parse. */
	for (len = 0; len < pq.len; len++) {
		cut.len = len;
		refused(SS_EVIDENCE_TDX, &cut, NULL, 0, &now, NULL);
		ck_assert_msg(strstr(ss_err_msg(), "truncated") != NULL,
		    "%zu bytes: %s", len, ss_err_msg());
	}
	cut.len = pq.len - 1;
	refused(SS_EVIDENCE_TDX, &cut, NULL, 0, &now, "TDX quote: truncated: "
	    "signature data of 4299 bytes declared, 4298 present");
	free(cut.p);
	free(cos.p);
	free(q.p);
}
END_TEST

/*
 * The v5 sample (TD 1.5 body): its chain verifies.  Its TCB Info (issued
 * 2026-02-01) is signed by the TCB signing key, whose certificate in
 * go-tdx-guest's issuer chain expired on 2025-05-21: refused with it;
 * with the renewed certificate of the same key (from dcap-qvl's bundle),
 * the TCB status is UpToDate.
 */
START_TEST(test_v5)
{
	struct file q = load(V5), col[2];
	struct ss_evidence_policy now = policy(NULL), then = policy(AT_V5);
	struct ss_evidence_claims c;

	accepted(SS_EVIDENCE_TDX, &q, NULL, 0, &now, &c);
	ck_assert_uint_eq(c.version, 5);
	ck_assert_str_eq(c.tcb_text, "TEE TCB SVN "
	    "0b010400000000000000000000000000 SVN2 "
	    "0d010400000000000000000000000000 PCESVN 13");
	ck_assert_uint_eq(c.policy, 0x10000000);
	col[0] = load(GTG "sample_tcbinfo_response_v5");
	col[1] = load(GTG "tcbInfoIssuerChain.pem");
	refused(SS_EVIDENCE_TDX, &q, col, 2, &then, "tcbInfoIssuerChain.pem: "
	    "issuer chain does not verify to the Intel SGX Root CA: "
	    "certificate has expired (Intel SGX TCB Signing, not after "
	    "2025-05-21T10:50:10Z)");
	free(col[1].p);

	col[1] = bundle_member("tcb_info_issuer_chain", "renewed-chain.pem");
	accepted(SS_EVIDENCE_TDX, &q, col, 2, &then, &c);
	ck_assert_str_eq(c.tcb_status, "UpToDate");
	ck_assert_str_eq(c.advisories, "");
	unload(col, 2);
	free(q.p);
}
END_TEST

/* trustee's TDX quote: TD_ATTRIBUTES.DEBUG is set. */
START_TEST(test_trustee_debug)
{
	struct file q = load(TRUSTEE), col[GTG_NCOLLATERAL];
	struct ss_evidence_policy now = policy(NULL), then = policy(AT_GTG);
	struct ss_evidence_claims c;
	size_t n;

	refused(SS_EVIDENCE_TDX, &q, NULL, 0, &now, "TDX quote: TD is "
	    "debuggable (--allow-debug accepts it)");
	now.allow_debug = 1;
	accepted(SS_EVIDENCE_TDX, &q, NULL, 0, &now, &c);
	ck_assert_int_eq(c.debug, 1);
	ck_assert_uint_eq(c.policy, 0x10000001);
	ck_assert_str_eq(c.tcb_status, "");

	/* Its platform is at the sample TCB Info's latest level. */
	n = gtg(col, NULL);
	refused(SS_EVIDENCE_TDX, &q, col, n, &then, "TDX quote: TD is "
	    "debuggable (--allow-debug accepts it)");
	then.allow_debug = 1;
	accepted(SS_EVIDENCE_TDX, &q, col, n, &then, &c);
	ck_assert_str_eq(c.tcb_status, "UpToDate");
	ck_assert_str_eq(c.advisories, "");
	ck_assert_str_eq(c.tcb_text, "TEE TCB SVN "
	    "03000500000000000000000000000000 PCESVN 11");
	unload(col, n);
	free(q.p);
}
END_TEST

/* dcap-qvl's SGX quote with its collateral bundle. */
START_TEST(test_sgx)
{
	struct file q = load(SGX_QUOTE), bundle = load(SGX_BUNDLE);
	struct ss_evidence_policy now = policy(NULL), then = policy(AT_SGX);
	struct ss_evidence_claims c;
	uint8_t * p;

	accepted(SS_EVIDENCE_SGX, &q, NULL, 0, &now, &c);
	ck_assert_str_eq(c.tcb_status, "");
	accepted(SS_EVIDENCE_SGX, &q, &bundle, 1, &then, &c);
	ck_assert_int_eq(c.kind, SS_EVIDENCE_SGX);
	ck_assert_uint_eq(c.version, 3);
	ck_assert_str_eq(c.tcb_status, "ConfigurationAndSWHardeningNeeded");
	ck_assert_str_eq(c.advisories, "INTEL-SA-00289,INTEL-SA-00615");
	ck_assert_uint_eq(c.measurement_len, 32);
	assert_hex(c.measurement, 32, "33d8736db756ed4997e04ba358d27833"
	    "188f1932ff7b1d156904d3f560452fbb");
	assert_hex(c.mrsigner, 32, "815f42f11cf64430c30bab7816ba596a"
	    "1da0130c3b028b673133a66cf9a3e0e6");
	ck_assert_uint_eq(c.isv_prod_id, 0);
	ck_assert_uint_eq(c.isv_svn, 0);
	ck_assert_uint_eq(c.policy, 0x5);
	ck_assert_int_eq(c.debug, 0);
	ck_assert_mem_eq(c.report_data, "Hello, world!", 13);
	ck_assert_str_eq(c.tcb_text, "CPUSVN "
	    "0b0b0202ff0100000000000000000000 PCESVN 13");
	ck_assert_str_eq(c.signer, "PCK (Intel SGX Root CA)");

	/* Today its PCK CRL is past its next update. */
	refused(SS_EVIDENCE_SGX, &q, &bundle, 1, &now, "CRL "
	    "sgx_quote_collateral.json (pck_crl): expired at "
	    "2025-07-19T10:23:18Z");

	/* Its TCB Info and QE Identity are signed as the bundle holds them. */
	ck_assert_ptr_nonnull(p = (uint8_t *)strstr((char *)bundle.p,
	    "\\\"tcbEvaluationDataNumber\\\":17"));
	p[29] = '8';
	refused(SS_EVIDENCE_SGX, &q, &bundle, 1, &then,
	    "sgx_quote_collateral.json (tcb_info): TCB Info signature does "
	    "not verify with the TCB signing certificate");
	p[29] = '7';
	ck_assert_ptr_nonnull(p = (uint8_t *)strstr((char *)p + 1,
	    "\\\"tcbEvaluationDataNumber\\\":17"));
	p[29] = '8';
	refused(SS_EVIDENCE_SGX, &q, &bundle, 1, &then,
	    "sgx_quote_collateral.json (qe_identity): QE Identity signature "
	    "does not verify with the TCB signing certificate");
	p[29] = '7';
	accepted(SS_EVIDENCE_SGX, &q, &bundle, 1, &then, &c);
	free(bundle.p);
	free(q.p);
}
END_TEST

/* ss_dcap_parse() says what verification does, minus what it checks. */
START_TEST(test_parse)
{
	static const struct {
		int kind;
		const char * path;
		int debug;
	} v[] = {
		{ SS_EVIDENCE_TDX, SPR_E4, 0 }, { SS_EVIDENCE_TDX, V5, 0 },
		{ SS_EVIDENCE_TDX, TRUSTEE, 1 }, { SS_EVIDENCE_TDX, COS, 0 },
		{ SS_EVIDENCE_SGX, SGX_QUOTE, 0 }
	};
	struct ss_evidence_policy now = policy(NULL);
	struct ss_evidence_claims c, p;
	struct ss_blob ev;
	struct file q;
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		q = load(v[i].path);
		now.allow_debug = v[i].debug;
		accepted(v[i].kind, &q, NULL, 0, &now, &c);
		ev.p = q.p;
		ev.len = q.len;
		ev.name = q.name;
		ck_assert_int_eq(ss_dcap_parse(v[i].kind, &ev, &p), 0);
		memset(c.signer, 0, sizeof(c.signer));
		ck_assert_mem_eq(&p, &c, sizeof(c));
		free(q.p);
	}

	/* A kind the quote is not. */
	q = load(SGX_QUOTE);
	ev.p = q.p;
	ev.len = q.len;
	ck_assert_int_eq(ss_dcap_parse(SS_EVIDENCE_TDX, &ev, &p), -1);
	ck_assert_str_eq(ss_err_msg(), "TDX quote: version 3 not supported "
	    "(SGX quotes v3, TDX quotes v4 and v5)");
	free(q.p);
}
END_TEST

/* ${n} copies of ${f}, then ${tail} and its NUL, as one file. */
static struct file
repeated(const struct file * f, size_t n, const char * tail)
{
	struct file r;
	size_t i;

	r.len = n * f->len + strlen(tail) + 1;
	ck_assert_ptr_nonnull(r.p = malloc(r.len));
	for (i = 0; i < n; i++)
		memcpy(r.p + i * f->len, f->p, f->len);
	memcpy(r.p + n * f->len, tail, strlen(tail) + 1);
	r.name = f->name;
	return (r);
}

/* PEM chains: at most 8 certificates, each one a certificate. */
START_TEST(test_certs_parse)
{
	static const char crl[] = "-----BEGIN X509 CRL-----\nAAAA\n"
	    "-----END X509 CRL-----\n";
	static const char bad[] = "-----BEGIN CERTIFICATE-----\nAAAA!\n"
	    "-----END CERTIFICATE-----\n";
	static const struct {
		size_t copies;		/* of a chain of two */
		const char * tail;
		const char * msg;	/* NULL: accepted */
	} v[] = {
		{ 4, "", NULL },	/* NUL padding after it, as quotes have */
		{ 5, "", "chain: more than 8 certificates" },
		{ 4, bad, "chain: more than 8 certificates" },
		{ 1, bad, "chain: certificate 3 does not decode" },
		/* A block of another kind is not skipped. */
		{ 1, crl, "chain: certificate 3 does not decode" },
		{ 0, bad, "chain: no PEM certificate" },
		{ 0, "", "chain: no PEM certificate" },
	};
	struct file two = load(GTG "pckCrlIssuerChain.pem"), f;
	STACK_OF(X509) * certs;
	size_t i;
	int first;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		for (first = 0; first < 2; first++) {
			f = repeated(&two, v[i].copies, v[i].tail);
			ss_err_clear();
			if (v[i].msg == NULL || (first && v[i].copies > 0)) {
				ck_assert_int_eq(ss_dcap_certs_parse(f.p, f.len,
				    "chain", first, &certs), 0);
				ck_assert_int_eq(sk_X509_num(certs),
				    first ? 1 : (int)(2 * v[i].copies));
				sk_X509_pop_free(certs, X509_free);
			} else {
				ck_assert_int_eq(ss_dcap_certs_parse(f.p, f.len,
				    "chain", first, &certs), -1);
				ck_assert_ptr_null(certs);
				ck_assert_str_eq(ss_err_msg(), v[i].msg);
				ck_assert_int_eq(ss_err_status(), SS_EXIT_DATA);
			}
			free(f.p);
		}
	free(two.p);
}
END_TEST

/* Flip each bit of [from, to) of ${q}: refused, with a message in ${ok}. */
static void
flip_range(int kind, struct file * q, size_t from, size_t to,
    const struct ss_evidence_policy * pol, const char * const * ok)
{
	struct ss_evidence_claims c;
	size_t i, j;
	int bit, rc;

	for (i = from; i < to; i++)
		for (bit = 0; bit < 8; bit++) {
			q->p[i] ^= (uint8_t)(1 << bit);
			rc = verify(kind, q, NULL, 0, pol, &c);
			q->p[i] ^= (uint8_t)(1 << bit);
			ck_assert_msg(rc == -1 && ss_err_status() ==
			    SS_EXIT_DATA, "%s: bit %d of byte %zu: accepted",
			    q->name, bit, i);
			if (ok == NULL)
				continue;
			for (j = 0; ok[j] != NULL; j++)
				if (strncmp(ss_err_msg(), ok[j],
				    strlen(ok[j])) == 0)
					break;
			ck_assert_msg(ok[j] != NULL, "%s: bit %d of byte %zu: "
			    "%s", q->name, bit, i, ss_err_msg());
		}
}

/* The offset of ${p} in ${q}. */
static size_t
at_of(const struct file * q, const uint8_t * p)
{

	return ((size_t)(p - q->p));
}

/*
 * Every single-bit flip in the signed regions (header and body, the QE
 * report) and in the signatures, the attestation key and the QE
 * authentication data they bind, is refused, by the check that covers it.
 */
static void
flip_all(int kind, const char * path)
{
	struct file q = load(path);
	struct ss_evidence_policy now = policy(NULL);
	struct ss_dcap_quote pq;
	char sig[96], qe[96], rd[64], key[64];
	const char * const sig_ok[] = { sig, NULL };
	const char * const key_ok[] = { sig, key, NULL };
	const char * const qe_ok[] = { qe, rd, NULL };
	const char * const rd_ok[] = { rd, NULL };
	const char * name = ss_dcap_quote_name(kind);

	snprintf(sig, sizeof(sig), "%s: signature does not verify", name);
	snprintf(qe, sizeof(qe), "%s: QE report signature does not verify",
	    name);
	snprintf(rd, sizeof(rd), "%s: QE report data ", name);
	snprintf(key, sizeof(key), "%s: attestation key: not a P-256 point",
	    name);
	now.allow_debug = 1;
	ck_assert_int_eq(ss_dcap_quote_parse(&pq, kind, q.p, q.len), 0);
	flip_range(kind, &q, 0, at_of(&q, pq.body), &now, NULL);
	flip_range(kind, &q, at_of(&q, pq.body), pq.signed_len, &now, sig_ok);
	flip_range(kind, &q, at_of(&q, pq.sig), at_of(&q, pq.sig) +
	    SS_DCAP_SIG_LEN, &now, sig_ok);
	flip_range(kind, &q, at_of(&q, pq.key), at_of(&q, pq.key) +
	    SS_DCAP_KEY_LEN, &now, key_ok);
	flip_range(kind, &q, at_of(&q, pq.qe_report), at_of(&q,
	    pq.qe_report) + SS_DCAP_SGX_REPORT_LEN, &now, qe_ok);
	flip_range(kind, &q, at_of(&q, pq.qe_sig), at_of(&q, pq.qe_sig) +
	    SS_DCAP_SIG_LEN, &now, qe_ok);
	flip_range(kind, &q, at_of(&q, pq.qe_auth), at_of(&q, pq.qe_auth) +
	    pq.qe_auth_len, &now, rd_ok);
	free(q.p);
}

START_TEST(test_flips_tdx_v4)
{

	flip_all(SS_EVIDENCE_TDX, SPR_E4);
}
END_TEST

START_TEST(test_flips_tdx_v5)
{

	flip_all(SS_EVIDENCE_TDX, V5);
}
END_TEST

START_TEST(test_flips_sgx)
{

	flip_all(SS_EVIDENCE_SGX, SGX_QUOTE);
}
END_TEST

/*
 * Collateral tampered with, byte by byte where Intel signed it: refused.
 * Outside the signed value (white space in the response), it verifies.
 */
START_TEST(test_tampered_collateral)
{
	struct file q = load(TRUSTEE), col[GTG_NCOLLATERAL], keep;
	struct ss_evidence_policy then = policy(AT_GTG);
	struct ss_evidence_claims c;
	uint8_t * p;
	size_t n, i;

	then.allow_debug = 1;
	n = gtg(col, NULL);
	accepted(SS_EVIDENCE_TDX, &q, col, n, &then, &c);

	/* "tcbEvaluationDataNumber":15 -> 16, in TCB Info, QE Identity. */
	for (i = 0; i < 2; i++) {
		ck_assert_ptr_nonnull(p = (uint8_t *)strstr((char *)col[i].p,
		    "\"tcbEvaluationDataNumber\":15"));
		p[27] = '6';
		refused(SS_EVIDENCE_TDX, &q, col, n, &then, (i == 0) ?
		    "sample_tcbInfo_response: TCB Info signature does not "
		    "verify with the TCB signing certificate" :
		    "sample_qeIdentity_response: QE Identity signature does "
		    "not verify with the TCB signing certificate");
		p[27] = '5';
	}

	/* The signatures themselves. */
	ck_assert_ptr_nonnull(p = (uint8_t *)strstr((char *)col[0].p,
	    "\"signature\":\"f6"));
	p[14] = '7';
	refused(SS_EVIDENCE_TDX, &q, col, n, &then, "sample_tcbInfo_response: "
	    "TCB Info signature does not verify with the TCB signing "
	    "certificate");
	p[14] = '6';

	/* White space outside "tcbInfo" is not signed, nor needed. */
	keep = col[0];
	col[0] = made(" ", 1, keep.name);
	ck_assert_ptr_nonnull(p = realloc(col[0].p, keep.len + 3));
	col[0].p = p;
	memcpy(p, "{ \n", 3);
	memcpy(p + 3, keep.p + 1, keep.len - 1);
	col[0].len = keep.len + 2;
	accepted(SS_EVIDENCE_TDX, &q, col, n, &then, &c);
	ck_assert_str_eq(c.tcb_status, "UpToDate");
	/* Inside it, it is. */
	ck_assert_ptr_nonnull(p = (uint8_t *)strstr((char *)col[0].p,
	    "\"version\":3,"));
	memmove(p + 11, p + 10, col[0].len - (size_t)(p + 10 - col[0].p));
	p[10] = ' ';
	col[0].len++;
	refused(SS_EVIDENCE_TDX, &q, col, n, &then, "sample_tcbInfo_response: "
	    "TCB Info signature does not verify with the TCB signing "
	    "certificate");
	free(col[0].p);
	col[0] = keep;

	/* A CRL: its signature (the last byte) or its encoding. */
	col[5].p[col[5].len - 1] ^= 1;
	refused(SS_EVIDENCE_TDX, &q, col, n, &then, NULL);
	ck_assert_msg(strncmp(ss_err_msg(), "CRL pckcrl: ", 12) == 0 ||
	    strncmp(ss_err_msg(), "pckcrl: not DCAP collateral", 27) == 0,
	    "%s", ss_err_msg());
	col[5].p[col[5].len - 1] ^= 1;
	col[5].p[col[5].len - 20] ^= 1;
	refused(SS_EVIDENCE_TDX, &q, col, n, &then, "CRL pckcrl: signature "
	    "does not verify with the key of its issuer, Intel SGX PCK "
	    "Platform CA");
	col[5].p[col[5].len - 20] ^= 1;
	accepted(SS_EVIDENCE_TDX, &q, col, n, &then, &c);
	unload(col, n);
	free(q.p);
}
END_TEST

/* Collateral out of its dates, of another platform, or not collateral. */
START_TEST(test_collateral_refused)
{
	struct file q = load(TRUSTEE), col[GTG_NCOLLATERAL + 2];
	struct file bundle = load(SGX_BUNDLE);
	struct ss_evidence_policy pol = policy(AT_GTG);
	size_t n;

	pol.allow_debug = 1;
	col[0] = load(GTG "sample_tcbInfo_response");
	col[1] = load(GTG "tcbInfoIssuerChain.pem");
	pol.at = when("2023-06-18T08:42:57Z");
	refused(SS_EVIDENCE_TDX, &q, col, 2, &pol, "sample_tcbInfo_response: "
	    "TCB Info not issued until 2023-06-18T08:42:58Z");
	pol.at = when("2023-07-18T08:42:58Z");
	refused(SS_EVIDENCE_TDX, &q, col, 2, &pol, "sample_tcbInfo_response: "
	    "TCB Info expired at 2023-07-18T08:42:58Z");
	pol.at = when(AT_GTG);
	refused(SS_EVIDENCE_TDX, &q, col, 1, &pol, "sample_tcbInfo_response: "
	    "no TCB signing certificate (CN=Intel SGX TCB Signing) given for "
	    "its TCB Info");
	unload(col, 2);

	/* Today, the first to fail is the PCK CRL, expired in 2023. */
	n = gtg(col, NULL);
	pol.at = 0;
	refused(SS_EVIDENCE_TDX, &q, col, n, &pol, "CRL pckcrl: expired at "
	    "2023-07-08T07:27:52Z");
	pol.at = when(AT_GTG);

	/* Twice the same kind; a blob that is no collateral. */
	col[n] = load(GTG "sample_tcbInfo_response");
	col[n].name = "again";
	refused(SS_EVIDENCE_TDX, &q, col, n + 1, &pol, "again: a second TCB "
	    "Info (the first: sample_tcbInfo_response)");
	free(col[n].p);
	col[n] = made("{\"hello\": 1}", 12, "hello.json");
	refused(SS_EVIDENCE_TDX, &q, col, n + 1, &pol, "hello.json: JSON "
	    "that is not a TCB Info, a QE Identity or a collateral bundle");
	free(col[n].p);
	col[n] = made("\x01\x02garbage", 9, "garbage");
	refused(SS_EVIDENCE_TDX, &q, col, n + 1, &pol, "garbage: not DCAP "
	    "collateral (TCB Info, QE Identity, a CRL, certificates or a "
	    "bundle of them)");
	free(col[n].p);

	/* The SGX bundle for a TDX quote: its PCK CRL is another CA's. */
	pol.at = when(AT_SGX);
	refused(SS_EVIDENCE_TDX, &q, &bundle, 1, &pol, "CRL "
	    "sgx_quote_collateral.json (pck_crl): issued by Intel SGX PCK "
	    "Processor CA, which issued none of the certificates here");
	unload(col, n);
	free(bundle.p);
	free(q.p);
}
END_TEST

/* A quote of ${path} and its PCK's extensions, for ss_dcap_tcb_status(). */
struct parsed {
	struct file f;
	struct ss_dcap_quote q;
	struct ss_dcap_pck pck;
};

static void
parsed_load(struct parsed * p, int kind, const char * path)
{
	STACK_OF(X509) * certs;

	p->f = load(path);
	ck_assert_int_eq(ss_dcap_quote_parse(&p->q, kind, p->f.p, p->f.len),
	    0);
	ck_assert_int_eq(ss_dcap_certs_parse(p->q.pck_chain,
	    p->q.pck_chain_len, "chain", 0, &certs), 0);
	ck_assert_int_eq(ss_dcap_pck_read(sk_X509_value(certs, 0), &p->pck),
	    0);
	sk_X509_pop_free(certs, X509_free);
}

/* The JSON object ${key} of the PCS response at ${path}, to edit. */
static json_t *
response_value(const char * path, const char * key)
{
	struct file f = load(path);
	json_error_t e;
	json_t * o, * v;

	ck_assert_ptr_nonnull(o = json_loadb((const char *)f.p, f.len, 0, &e));
	v = json_incref(json_object_get(o, key));
	ck_assert_ptr_nonnull(v);
	json_decref(o);
	free(f.p);
	return (v);
}

/* The JSON text of the bundle's member ${key}, to edit. */
static json_t *
bundle_value(const char * key)
{
	struct file f = bundle_member(key, key);
	json_error_t e;
	json_t * v;

	ck_assert_ptr_nonnull(v = json_loadb((const char *)f.p, f.len, 0, &e));
	free(f.p);
	return (v);
}

/* The member at ${path} ("tcbLevels.0.tcb.pcesvn") of ${o}. */
static json_t *
at(json_t * o, const char * path)
{
	char buf[128], * part, * save;

	snprintf(buf, sizeof(buf), "%s", path);
	for (part = strtok_r(buf, ".", &save); part != NULL && o != NULL;
	    part = strtok_r(NULL, ".", &save))
		o = json_is_array(o) ? json_array_get(o, strtoul(part, NULL,
		    10)) : json_object_get(o, part);
	ck_assert_msg(o != NULL, "no %s", path);
	return (o);
}

static void
set_int(json_t * o, const char * path, json_int_t v)
{

	ck_assert_int_eq(json_integer_set(at(o, path), v), 0);
}

static void
set_str(json_t * o, const char * path, const char * v)
{

	ck_assert_int_eq(json_string_set(at(o, path), v), 0);
}

/*
 * The status of ${p} by the TCB Info ${info} and QE Identity ${qeid} (or
 * NULL), read from their JSON here, unsigned: ${want} and advisories
 * ${adv}, or if ${want} is NULL the message ${adv}.
 */
static void
status_is(const struct parsed * p, json_t * info, json_t * qeid,
    const char * want, const char * adv)
{
	struct ss_dcap_tcbinfo * ti = NULL;
	struct ss_dcap_qeid * qi = NULL;
	char * text, advisories[256];
	int status, rc;

	if (info != NULL) {
		ck_assert_ptr_nonnull(text = json_dumps(info, JSON_COMPACT));
		ck_assert_msg(ss_dcap_tcbinfo_parse((uint8_t *)text,
		    strlen(text), "info", &ti) == 0, "%s", ss_err_msg());
		free(text);
	}
	if (qeid != NULL) {
		ck_assert_ptr_nonnull(text = json_dumps(qeid, JSON_COMPACT));
		ck_assert_msg(ss_dcap_qeid_parse((uint8_t *)text, strlen(text),
		    "qeid", &qi) == 0, "%s", ss_err_msg());
		free(text);
	}
	ss_err_clear();
	rc = ss_dcap_tcb_status(ti, qi, &p->pck, &p->q, &status, advisories,
	    sizeof(advisories));
	if (want == NULL) {
		ck_assert_int_eq(rc, -1);
		ck_assert_int_eq(ss_err_status(), SS_EXIT_DATA);
		ck_assert_str_eq(ss_err_msg(), adv);
	} else {
		ck_assert_msg(rc == 0, "%s", ss_err_msg());
		ck_assert_str_eq(ss_dcap_tcb_status_name(status), want);
		ck_assert_str_eq(advisories, adv);
	}
	ss_dcap_tcbinfo_free(ti);
	ss_dcap_qeid_free(qi);
}

/*
 * Intel's TCB status on the v5 sample (TEE TCB SVN 0b0104.., module
 * TDX_01 at SVN 11; TEE_TCB_SVN_2 0d0104..) with its real TCB Info,
 * edited so that each rule decides.
 */
START_TEST(test_status_tdx)
{
	struct parsed p;
	json_t * info;
	size_t i;

	parsed_load(&p, SS_EVIDENCE_TDX, V5);
	info = response_value(GTG "sample_tcbinfo_response_v5", "tcbInfo");
	status_is(&p, info, NULL, "UpToDate", "");

	/* The TD's TDX microcode SVN (4) below the latest level's. */
	set_int(info, "tcbLevels.0.tcb.tdxtcbcomponents.2.svn", 5);
	status_is(&p, info, NULL, "OutOfDate", "INTEL-SA-01036,"
	    "INTEL-SA-01079,INTEL-SA-01099,INTEL-SA-01103,INTEL-SA-01111");
	set_int(info, "tcbLevels.0.tcb.tdxtcbcomponents.2.svn", 3);

	/* The TDX module (SVN 11) out of date: relaunching would do, as
	   TEE_TCB_SVN_2 (13) is up to date; not if it were not. */
	set_int(info, "tdxModuleIdentities.1.tcbLevels.0.tcb.isvsvn", 12);
	status_is(&p, info, NULL, "TDRelaunchAdvised",
	    "INTEL-SA-01036,INTEL-SA-01099");
	set_str(info, "tcbLevels.0.tcbStatus", "ConfigurationNeeded");
	status_is(&p, info, NULL, "TDRelaunchAdvisedConfigurationNeeded",
	    "INTEL-SA-01036,INTEL-SA-01099");
	set_int(info, "tdxModuleIdentities.1.tcbLevels.0.tcb.isvsvn", 14);
	status_is(&p, info, NULL, "OutOfDateConfigurationNeeded",
	    "INTEL-SA-01036,INTEL-SA-01099");
	set_str(info, "tcbLevels.0.tcbStatus", "UpToDate");
	status_is(&p, info, NULL, "OutOfDate", "INTEL-SA-01036,"
	    "INTEL-SA-01099");
	set_str(info, "tdxModuleIdentities.1.tcbLevels.1.tcbStatus",
	    "Revoked");
	status_is(&p, info, NULL, "Revoked", "INTEL-SA-01036,INTEL-SA-01099");
	set_int(info, "tdxModuleIdentities.1.tcbLevels.0.tcb.isvsvn", 6);

	/* Collateral that does not fit. */
	set_str(info, "tdxModuleIdentities.1.id", "TDX_02");
	status_is(&p, info, NULL, NULL, "TCB Info has no identity TDX_01 of "
	    "the TD's TDX module");
	set_str(info, "tdxModuleIdentities.1.id", "TDX_01");
	set_str(info, "tdxModuleIdentities.1.mrsigner", "01000000000000000000"
	    "0000000000000000000000000000000000000000000000000000000000000000"
	    "000000000000");
	status_is(&p, info, NULL, NULL, "TD report MRSIGNERSEAM "
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000 does not match the TCB "
	    "Info's TDX module's 01000000000000000000000000000000000000000000"
	    "0000000000000000000000000000000000000000000000000000");
	set_str(info, "tdxModuleIdentities.1.mrsigner", "00000000000000000000"
	    "0000000000000000000000000000000000000000000000000000000000000000"
	    "000000000000");
	set_str(info, "fmspc", "90C06F000001");
	status_is(&p, info, NULL, NULL, "PCK certificate's FMSPC 90c06f000000 "
	    "does not match the TCB Info's 90c06f000001");
	set_str(info, "fmspc", "90C06F000000");
	for (i = 0; i < json_array_size(at(info, "tcbLevels")); i++)
		json_integer_set(at(json_array_get(at(info, "tcbLevels"), i),
		    "tcb.pcesvn"), 14);
	status_is(&p, info, NULL, NULL, "TCB Info has no TCB level for the "
	    "PCK certificate's TCB (SGX components "
	    "04040202040100050000000000000000, PCESVN 13)");
	set_str(info, "id", "SGX");
	status_is(&p, info, NULL, NULL, "TCB Info (id SGX, v3) is not for "
	    "TDX quotes");
	json_decref(info);
	free(p.f.p);
}
END_TEST

/* A TCB Info v2 (SGX): v3's levels with the components as fields. */
static json_t *
tcbinfo_v2(json_t * v3)
{
	json_t * v2 = json_deep_copy(v3), * levels, * tcb, * comps;
	char key[32];
	size_t i, j;

	json_object_del(v2, "id");
	set_int(v2, "version", 2);
	levels = at(v2, "tcbLevels");
	for (i = 0; i < json_array_size(levels); i++) {
		tcb = at(json_array_get(levels, i), "tcb");
		comps = at(tcb, "sgxtcbcomponents");
		for (j = 0; j < 16; j++) {
			snprintf(key, sizeof(key), "sgxtcbcomp%02zusvn", j + 1);
			json_object_set(tcb, key, at(json_array_get(comps, j),
			    "svn"));
		}
		json_object_del(tcb, "sgxtcbcomponents");
	}
	return (v2);
}

/* The same on dcap-qvl's SGX quote (PCK TCB 0b0b0202ff01.., PCESVN 13). */
START_TEST(test_status_sgx)
{
	struct parsed p, tdx;
	json_t * info, * qeid, * v2, * tdx_qeid;

	parsed_load(&p, SS_EVIDENCE_SGX, SGX_QUOTE);
	info = bundle_value("tcb_info");
	qeid = bundle_value("qe_identity");
	status_is(&p, info, qeid, "ConfigurationAndSWHardeningNeeded",
	    "INTEL-SA-00289,INTEL-SA-00615");
	status_is(&p, info, NULL, "ConfigurationAndSWHardeningNeeded",
	    "INTEL-SA-00289,INTEL-SA-00615");
	v2 = tcbinfo_v2(info);
	status_is(&p, v2, qeid, "ConfigurationAndSWHardeningNeeded",
	    "INTEL-SA-00289,INTEL-SA-00615");
	json_decref(v2);
	/* The QE Identity alone: the QE (ISVSVN 10) is up to date. */
	status_is(&p, NULL, qeid, "UpToDate", "");

	/* A platform one microcode update behind: the next level down. */
	set_int(info, "tcbLevels.1.tcb.sgxtcbcomponents.0.svn", 12);
	status_is(&p, info, qeid, "OutOfDateConfigurationNeeded",
	    "INTEL-SA-00289,INTEL-SA-00615,INTEL-SA-00828");
	set_int(info, "tcbLevels.1.tcb.sgxtcbcomponents.0.svn", 11);

	/* The QE out of date, or revoked: the status converges. */
	set_int(qeid, "tcbLevels.0.tcb.isvsvn", 11);
	status_is(&p, info, qeid, "OutOfDateConfigurationNeeded",
	    "INTEL-SA-00289,INTEL-SA-00615");
	set_str(qeid, "tcbLevels.1.tcbStatus", "Revoked");
	status_is(&p, info, qeid, "Revoked", "INTEL-SA-00289,INTEL-SA-00615");
	status_is(&p, NULL, qeid, "Revoked", "INTEL-SA-00615");
	set_int(qeid, "tcbLevels.0.tcb.isvsvn", 8);

	/* A QE Identity of another QE. */
	set_int(qeid, "isvprodid", 2);
	status_is(&p, info, qeid, NULL, "QE report ISVPRODID 1 does not match "
	    "the QE Identity's 2");
	set_int(qeid, "isvprodid", 1);
	set_str(qeid, "mrsigner", "8C4F5775D796503E96137F77C68A829A0056AC8DED"
	    "70140B081B094490C57BFE");
	status_is(&p, info, qeid, NULL, "QE report MRSIGNER "
	    "8c4f5775d796503e96137f77c68a829a0056ac8ded70140b081b094490c57bff "
	    "does not match the QE Identity's "
	    "8c4f5775d796503e96137f77c68a829a0056ac8ded70140b081b094490c57bfe");

	/* TDX collateral for an SGX quote, and the other way round. */
	parsed_load(&tdx, SS_EVIDENCE_TDX, V5);
	tdx_qeid = response_value(GTG "sample_qeIdentity_response",
	    "enclaveIdentity");
	status_is(&p, NULL, tdx_qeid, NULL, "QE Identity (id TD_QE) is not for "
	    "SGX quotes");
	status_is(&tdx, info, NULL, NULL, "TCB Info (id SGX, v3) is not for "
	    "TDX quotes");
	json_decref(tdx_qeid);
	json_decref(info);
	json_decref(qeid);
	free(tdx.f.p);
	free(p.f.p);
}
END_TEST

/* Malformed TCB Info and QE Identity: one message naming the field. */
START_TEST(test_json_refused)
{
	static const struct {
		const char * json, * msg;
	} v[] = {
		{ "[]", "t: TCB Info: not a JSON object" },
		{ "{\"version\":3,\"id\":\"TDX\",\"version\":3}",
		    "t: TCB Info: not a JSON object: duplicate object key "
		    "near '\"version\"'" },
		{ "{\"version\":4}", "t: TCB Info: version is not 2 or 3" },
		{ "{\"version\":3,\"id\":\"XYZ\"}",
		    "t: TCB Info: id is not SGX or TDX" },
		{ "{\"version\":3,\"id\":\"SGX\",\"issueDate\":\"2023-6-18\"}",
		    "t: TCB Info: issueDate is not a time such as "
		    "2023-06-18T08:42:58Z" },
		{ "{\"version\":2,\"issueDate\":\"2023-06-18T08:42:58Z\","
		    "\"nextUpdate\":\"2023-07-18T08:42:58Z\",\"fmspc\":\"00\"}",
		    "t: TCB Info: fmspc is not hex of the right length" },
		{ "{\"version\":2,\"issueDate\":\"2023-06-18T08:42:58Z\","
		    "\"nextUpdate\":\"2023-07-18T08:42:58Z\",\"fmspc\":"
		    "\"00A067110000\",\"pceId\":\"0000\",\"tcbLevels\":[]}",
		    "t: TCB Info: tcbLevels is empty" },
		{ "{\"version\":2,\"issueDate\":\"2023-06-18T08:42:58Z\","
		    "\"nextUpdate\":\"2023-07-18T08:42:58Z\",\"fmspc\":"
		    "\"00A067110000\",\"pceId\":\"0000\",\"tcbLevels\":[{"
		    "\"tcb\":{\"sgxtcbcomp01svn\":256}}]}",
		    "t: TCB Info: tcbLevels[0].tcb.sgxtcbcomp01svn is out of "
		    "range" },
	};
	struct ss_dcap_tcbinfo * ti;
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		ss_err_clear();
		ck_assert_int_eq(ss_dcap_tcbinfo_parse((const uint8_t *)
		    v[i].json, strlen(v[i].json), "t", &ti), -1);
		ck_assert_int_eq(ss_err_status(), SS_EXIT_DATA);
		ck_assert_str_eq(ss_err_msg(), v[i].msg);
	}
}
END_TEST

/*
 * A test PKI: a root, a PCK CA, a PCK certificate (with the SGX
 * extension of go-tdx-guest's PCK: FMSPC 50806f000000, PCESVN 11), a TCB
 * signing certificate, all P-256; and go-tdx-guest's quote with a new
 * attestation key, its QE report certified by the test PCK.
 */
struct pki {
	EVP_PKEY * root_key, * ca_key, * pck_key, * tcb_key, * att_key;
	X509 * root, * ca, * pck, * tcb;
	char root_file[512];
	struct file quote;
};

#define PKI_SERIAL_CA	2
#define PKI_SERIAL_PCK	3

static void
add_ext(X509 * x, X509 * issuer, int nid, const char * value)
{
	X509V3_CTX ctx;
	X509_EXTENSION * ext;

	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	ck_assert_ptr_nonnull(ext = X509V3_EXT_conf_nid(NULL, &ctx, nid,
	    value));
	ck_assert_int_eq(X509_add_ext(x, ext, -1), 1);
	X509_EXTENSION_free(ext);
}

/* A certificate for ${key}, CN ${cn}, by ${issuer} (NULL: itself). */
static X509 *
cert_new(const char * cn, EVP_PKEY * key, X509 * issuer,
    EVP_PKEY * issuer_key, long serial, X509_EXTENSION * sgx)
{
	X509 * x;

	ck_assert_ptr_nonnull(x = X509_new());
	ck_assert_int_eq(X509_set_version(x, 2), 1);
	ck_assert_int_eq(ASN1_INTEGER_set(X509_get_serialNumber(x), serial),
	    1);
	ck_assert_int_eq(X509_NAME_add_entry_by_txt(X509_get_subject_name(x),
	    "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0), 1);
	ck_assert_int_eq(X509_set_issuer_name(x, X509_get_subject_name(
	    (issuer != NULL) ? issuer : x)), 1);
	ck_assert_int_eq(ASN1_TIME_set_string(X509_getm_notBefore(x),
	    "20200101000000Z"), 1);
	ck_assert_int_eq(ASN1_TIME_set_string(X509_getm_notAfter(x),
	    "20400101000000Z"), 1);
	ck_assert_int_eq(X509_set_pubkey(x, key), 1);
	add_ext(x, issuer, NID_basic_constraints, (sgx == NULL &&
	    strstr(cn, "Signing") == NULL) ? "critical,CA:TRUE" :
	    "critical,CA:FALSE");
	add_ext(x, issuer, NID_key_usage, (sgx == NULL &&
	    strstr(cn, "Signing") == NULL) ? "critical,keyCertSign,cRLSign" :
	    "critical,digitalSignature,nonRepudiation");
	add_ext(x, issuer, NID_subject_key_identifier, "hash");
	if (issuer != NULL)
		add_ext(x, issuer, NID_authority_key_identifier,
		    "keyid:always");
	if (sgx != NULL)
		ck_assert_int_eq(X509_add_ext(x, sgx, -1), 1);
	ck_assert_int_gt(X509_sign(x, issuer_key, EVP_sha256()), 0);
	return (x);
}

/* ECDSA P-256 over ${len} bytes by ${key}, as DCAP writes it: r || s. */
static void
sign_rs(EVP_PKEY * key, const uint8_t * msg, size_t len, uint8_t rs[64])
{
	EVP_MD_CTX * md;
	uint8_t der[80];
	const uint8_t * p = der;
	size_t dlen = sizeof(der);
	ECDSA_SIG * sig;
	const BIGNUM * r, * s;

	ck_assert_ptr_nonnull(md = EVP_MD_CTX_new());
	ck_assert_int_eq(EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL,
	    key), 1);
	ck_assert_int_eq(EVP_DigestSign(md, der, &dlen, msg, len), 1);
	ck_assert_ptr_nonnull(sig = d2i_ECDSA_SIG(NULL, &p, (long)dlen));
	ECDSA_SIG_get0(sig, &r, &s);
	ck_assert_int_eq(BN_bn2binpad(r, rs, 32), 32);
	ck_assert_int_eq(BN_bn2binpad(s, rs + 32, 32), 32);
	ECDSA_SIG_free(sig);
	EVP_MD_CTX_free(md);
}

/* Append the PEM of ${x} to ${bio}. */
static void
pem_out(BIO * bio, X509 * x)
{

	ck_assert_int_eq(PEM_write_bio_X509(bio, x), 1);
}

/* The bytes written to ${bio}, as a file named ${name}; frees ${bio}. */
static struct file
bio_file(BIO * bio, const char * name)
{
	char * p;
	long len = BIO_get_mem_data(bio, &p);
	struct file f = made(p, (size_t)len, name);

	BIO_free(bio);
	return (f);
}

static void
le_out(uint8_t ** p, uint64_t x, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		*(*p)++ = (uint8_t)(x >> (8 * i));
}

static void
bytes_out(uint8_t ** p, const void * b, size_t n)
{

	memcpy(*p, b, n);
	*p += n;
}

/* go-tdx-guest's quote, attested anew by the test PKI. */
static void
pki_quote(struct pki * k)
{
	struct file t = load(SPR_E4), pem;
	struct ss_dcap_quote q;
	uint8_t point[65], report[SS_DCAP_SGX_REPORT_LEN], rs[64], * buf, * p;
	uint8_t * hashed;
	size_t plen, inner, sig_data;
	BIO * bio;

	ck_assert_int_eq(ss_dcap_quote_parse(&q, SS_EVIDENCE_TDX, t.p, t.len),
	    0);
	ck_assert_ptr_nonnull(bio = BIO_new(BIO_s_mem()));
	pem_out(bio, k->pck);
	pem_out(bio, k->ca);
	pem_out(bio, k->root);
	pem = bio_file(bio, "chain");
	ck_assert_int_eq(EVP_PKEY_get_octet_string_param(k->att_key,
	    "pub", point, sizeof(point), &plen), 1);
	ck_assert_uint_eq(plen, 65);

	/* The QE report binds the key: SHA-256(key || auth data), zeros. */
	memcpy(report, q.qe_report, sizeof(report));
	ck_assert_ptr_nonnull(hashed = malloc(64 + q.qe_auth_len));
	memcpy(hashed, point + 1, 64);
	memcpy(hashed + 64, q.qe_auth, q.qe_auth_len);
	ck_assert_int_eq(ss_sha256(report + SS_DCAP_SGX_REPORTDATA, hashed,
	    64 + q.qe_auth_len), 0);
	memset(report + SS_DCAP_SGX_REPORTDATA + 32, 0, 32);
	free(hashed);

	inner = SS_DCAP_SGX_REPORT_LEN + 64 + 2 + q.qe_auth_len + 6 + pem.len;
	sig_data = 64 + 64 + 6 + inner;
	ck_assert_ptr_nonnull(buf = malloc(q.signed_len + 4 + sig_data));
	p = buf;
	bytes_out(&p, t.p, q.signed_len);
	le_out(&p, sig_data, 4);
	sign_rs(k->att_key, buf, q.signed_len, rs);
	bytes_out(&p, rs, 64);
	bytes_out(&p, point + 1, 64);
	le_out(&p, 6, 2);
	le_out(&p, inner, 4);
	bytes_out(&p, report, sizeof(report));
	sign_rs(k->pck_key, report, sizeof(report), rs);
	bytes_out(&p, rs, 64);
	le_out(&p, q.qe_auth_len, 2);
	bytes_out(&p, q.qe_auth, q.qe_auth_len);
	le_out(&p, 5, 2);
	le_out(&p, pem.len, 4);
	bytes_out(&p, pem.p, pem.len);
	k->quote.p = buf;
	k->quote.len = (size_t)(p - buf);
	k->quote.name = "forged";
	free(pem.p);
	free(t.p);
}

/* The SGX extension of go-tdx-guest's PCK certificate. */
static X509_EXTENSION *
spr_e4_sgx_extension(void)
{
	struct parsed p;
	STACK_OF(X509) * certs;
	X509_EXTENSION * ext;
	ASN1_OBJECT * oid;
	X509 * pck;

	parsed_load(&p, SS_EVIDENCE_TDX, SPR_E4);
	ck_assert_int_eq(ss_dcap_certs_parse(p.q.pck_chain,
	    p.q.pck_chain_len, "chain", 0, &certs), 0);
	pck = sk_X509_value(certs, 0);
	ck_assert_ptr_nonnull(oid = OBJ_txt2obj("1.2.840.113741.1.13.1", 1));
	ck_assert_ptr_nonnull(ext = X509_EXTENSION_dup(X509_get_ext(pck,
	    X509_get_ext_by_OBJ(pck, oid, -1))));
	ASN1_OBJECT_free(oid);
	sk_X509_pop_free(certs, X509_free);
	free(p.f.p);
	return (ext);
}

static void
pki_new(struct pki * k)
{
	X509_EXTENSION * sgx = spr_e4_sgx_extension();
	FILE * f;

	memset(k, 0, sizeof(*k));
	ck_assert_ptr_nonnull(k->root_key = EVP_EC_gen("P-256"));
	ck_assert_ptr_nonnull(k->ca_key = EVP_EC_gen("P-256"));
	ck_assert_ptr_nonnull(k->pck_key = EVP_EC_gen("P-256"));
	ck_assert_ptr_nonnull(k->tcb_key = EVP_EC_gen("P-256"));
	ck_assert_ptr_nonnull(k->att_key = EVP_EC_gen("P-256"));
	k->root = cert_new("Test SGX Root CA", k->root_key, NULL, k->root_key,
	    1, NULL);
	k->ca = cert_new("Test SGX PCK Platform CA", k->ca_key, k->root,
	    k->root_key, PKI_SERIAL_CA, NULL);
	k->pck = cert_new("Test SGX PCK Certificate", k->pck_key, k->ca,
	    k->ca_key, PKI_SERIAL_PCK, sgx);
	k->tcb = cert_new("Intel SGX TCB Signing", k->tcb_key, k->root,
	    k->root_key, 4, NULL);
	X509_EXTENSION_free(sgx);
	snprintf(k->root_file, sizeof(k->root_file), "%s", tu_file("root.pem"));
	ck_assert_ptr_nonnull(f = fopen(k->root_file, "w"));
	ck_assert_int_eq(PEM_write_X509(f, k->root), 1);
	ck_assert_int_eq(fclose(f), 0);
	pki_quote(k);
}

static void
pki_free(struct pki * k)
{

	X509_free(k->root);
	X509_free(k->ca);
	X509_free(k->pck);
	X509_free(k->tcb);
	EVP_PKEY_free(k->root_key);
	EVP_PKEY_free(k->ca_key);
	EVP_PKEY_free(k->pck_key);
	EVP_PKEY_free(k->tcb_key);
	EVP_PKEY_free(k->att_key);
	free(k->quote.p);
}

/* A PCS response {"${key}": ${body}, "signature": ...} signed by ${k}. */
static struct file
pki_response(const struct pki * k, const char * key, const char * body,
    const char * name)
{
	uint8_t rs[64];
	char hex[129], * text;
	size_t len = strlen(key) + strlen(body) + 200;
	struct file f;

	sign_rs(k->tcb_key, (const uint8_t *)body, strlen(body), rs);
	ss_hex(hex, rs, sizeof(rs));
	ck_assert_ptr_nonnull(text = malloc(len));
	snprintf(text, len, "{\"%s\":%s,\"signature\":\"%s\"}", key, body,
	    hex);
	f = made(text, strlen(text), name);
	free(text);
	return (f);
}

/* 16 SVN components, the first ${n} given, the rest zero. */
static void
components(char * buf, size_t size, const unsigned * svn, size_t n)
{
	size_t i, len = 0;

	for (i = 0; i < 16; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s{\"svn\":%u}",
		    (i == 0) ? "[" : ",", (i < n) ? svn[i] : 0);
	snprintf(buf + len, size - len, "]");
}

/*
 * A TDX TCB Info for the test PCK's platform (FMSPC 50806f000000, SGX
 * TCB 3,3,2,2,2,1,0,2, PCESVN 11; TEE TCB SVN 3,0,4) with one level it
 * reaches, of ${status}, with the advisory INTEL-SA-00837.
 */
static struct file
pki_tcbinfo(const struct pki * k, const char * status)
{
	static const unsigned sgx[] = { 3, 3, 2, 2, 2, 1, 0, 2 };
	static const unsigned tdx[] = { 3, 0, 4 };
	char body[4096], s[512], t[512];

	components(s, sizeof(s), sgx, 8);
	components(t, sizeof(t), tdx, 3);
	snprintf(body, sizeof(body), "{\"id\":\"TDX\",\"version\":3,"
	    "\"issueDate\":\"" AT_GTG "\",\"nextUpdate\":"
	    "\"2023-07-18T08:42:58Z\",\"fmspc\":\"50806F000000\",\"pceId\":"
	    "\"0000\",\"tcbType\":0,\"tcbEvaluationDataNumber\":15,"
	    "\"tdxModule\":{\"mrsigner\":\"%096d\",\"attributes\":"
	    "\"0000000000000000\",\"attributesMask\":\"FFFFFFFFFFFFFFFF\"},"
	    "\"tcbLevels\":[{\"tcb\":{\"sgxtcbcomponents\":%s,\"pcesvn\":11,"
	    "\"tdxtcbcomponents\":%s},\"tcbDate\":\"2023-02-15T00:00:00Z\","
	    "\"tcbStatus\":\"%s\",\"advisoryIDs\":[\"INTEL-SA-00837\"]}]}", 0,
	    s, t, status);
	return (pki_response(k, "tcbInfo", body, "tcbinfo.json"));
}

/* go-tdx-guest's QE Identity, its QE's level of ${status}, by ${k}. */
static struct file
pki_qeid(const struct pki * k, const char * status)
{
	json_t * v = response_value(GTG "sample_qeIdentity_response",
	    "enclaveIdentity");
	char * body;
	struct file f;

	set_str(v, "tcbLevels.0.tcbStatus", status);
	ck_assert_ptr_nonnull(body = json_dumps(v, JSON_COMPACT));
	f = pki_response(k, "enclaveIdentity", body, "qeid.json");
	free(body);
	json_decref(v);
	return (f);
}

/* The chain of the TCB signing certificate, PEM. */
static struct file
pki_tcb_chain(const struct pki * k)
{
	BIO * bio;

	ck_assert_ptr_nonnull(bio = BIO_new(BIO_s_mem()));
	pem_out(bio, k->tcb);
	pem_out(bio, k->root);
	return (bio_file(bio, "tcbchain.pem"));
}

/* A CRL by ${issuer} listing ${revoked} (or none), DER or PEM. */
static struct file
pki_crl(X509 * issuer, EVP_PKEY * key, X509 * revoked, const char * next,
    int pem, const char * name)
{
	X509_CRL * crl;
	X509_REVOKED * r;
	ASN1_TIME * last, * upd;
	BIO * bio;

	ck_assert_ptr_nonnull(crl = X509_CRL_new());
	ck_assert_ptr_nonnull(last = ASN1_TIME_new());
	ck_assert_ptr_nonnull(upd = ASN1_TIME_new());
	ck_assert_int_eq(ASN1_TIME_set_string(last, "20230601000000Z"), 1);
	ck_assert_int_eq(ASN1_TIME_set_string(upd, next), 1);
	ck_assert_int_eq(X509_CRL_set_version(crl, 1), 1);
	ck_assert_int_eq(X509_CRL_set_issuer_name(crl,
	    X509_get_subject_name(issuer)), 1);
	ck_assert_int_eq(X509_CRL_set1_lastUpdate(crl, last), 1);
	ck_assert_int_eq(X509_CRL_set1_nextUpdate(crl, upd), 1);
	if (revoked != NULL) {
		ck_assert_ptr_nonnull(r = X509_REVOKED_new());
		ck_assert_int_eq(X509_REVOKED_set_serialNumber(r,
		    X509_get_serialNumber(revoked)), 1);
		ck_assert_int_eq(X509_REVOKED_set_revocationDate(r, last), 1);
		ck_assert_int_eq(X509_CRL_add0_revoked(crl, r), 1);
	}
	ck_assert_int_gt(X509_CRL_sign(crl, key, EVP_sha256()), 0);
	ck_assert_ptr_nonnull(bio = BIO_new(BIO_s_mem()));
	ck_assert_int_eq(pem ? PEM_write_bio_X509_CRL(bio, crl) :
	    i2d_X509_CRL_bio(bio, crl), 1);
	ASN1_TIME_free(last);
	ASN1_TIME_free(upd);
	X509_CRL_free(crl);
	return (bio_file(bio, name));
}

/* The test PKI's chain verifies only when its root is named. */
START_TEST(test_pki_root)
{
	struct pki k;
	struct ss_evidence_policy pol = policy(AT_GTG);
	struct ss_evidence_claims c;
	struct file real = load(SPR_E4);

	pki_new(&k);
	refused(SS_EVIDENCE_TDX, &k.quote, NULL, 0, &pol, "TDX quote: PCK "
	    "certificate chain does not verify to the Intel SGX Root CA: "
	    "self-signed certificate in certificate chain (Test SGX Root CA)");
	pol.root_file = k.root_file;
	accepted(SS_EVIDENCE_TDX, &k.quote, NULL, 0, &pol, &c);
	ck_assert_str_eq(c.signer, "PCK (given root Test SGX Root CA)");
	ck_assert_str_eq(c.tcb_text, "TEE TCB SVN "
	    "03000400000000000000000000000000 PCESVN 11");

	/* A real quote against the test root: the wrong root. */
	refused(SS_EVIDENCE_TDX, &real, NULL, 0, &pol, "TDX quote: PCK "
	    "certificate chain does not verify to the given root: self-signed "
	    "certificate in certificate chain (Intel SGX Root CA)");
	pol.root_file = ROOT_PEM;
	accepted(SS_EVIDENCE_TDX, &real, NULL, 0, &pol, &c);
	ck_assert_str_eq(c.signer, "PCK (given root Intel SGX Root CA)");

	/* A root file that cannot be read is the system's error. */
	pol.root_file = tu_file("missing.pem");
	ck_assert_int_eq(verify(SS_EVIDENCE_TDX, &real, NULL, 0, &pol, &c),
	    -1);
	ck_assert_int_eq(ss_err_status(), SS_EXIT_SYS);
	pki_free(&k);
	free(real.p);
}
END_TEST

/* The TCB policy, end to end: statuses refused unless allowed. */
START_TEST(test_pki_tcb_policy)
{
	static const struct {
		const char * status;
		unsigned allow;		/* what accepts it */
	} v[] = {
		{ "UpToDate", 0 }, { "SWHardeningNeeded", 0 },
		{ "ConfigurationNeeded", 0 },
		{ "ConfigurationAndSWHardeningNeeded", 0 },
		{ "OutOfDate", SS_TCB_ALLOW_OUT_OF_DATE },
		{ "OutOfDateConfigurationNeeded", SS_TCB_ALLOW_OUT_OF_DATE },
		{ "Revoked", SS_TCB_ALLOW_REVOKED },
	};
	struct pki k;
	struct ss_evidence_policy pol = policy(AT_GTG);
	struct ss_evidence_claims c;
	struct file col[3];
	char msg[256];
	size_t i;

	pki_new(&k);
	pol.root_file = k.root_file;
	col[1] = pki_tcb_chain(&k);
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		col[0] = pki_tcbinfo(&k, v[i].status);
		pol.allow_tcb = 0;
		if (v[i].allow != 0) {
			snprintf(msg, sizeof(msg), "TDX quote: TCB status %s "
			    "is refused (advisories INTEL-SA-00837)",
			    v[i].status);
			refused(SS_EVIDENCE_TDX, &k.quote, col, 2, &pol, msg);
			pol.allow_tcb = (SS_TCB_ALLOW_OUT_OF_DATE |
			    SS_TCB_ALLOW_REVOKED) & ~v[i].allow;
			refused(SS_EVIDENCE_TDX, &k.quote, col, 2, &pol, msg);
			pol.allow_tcb = v[i].allow;
		}
		accepted(SS_EVIDENCE_TDX, &k.quote, col, 2, &pol, &c);
		ck_assert_str_eq(c.tcb_status, v[i].status);
		ck_assert_str_eq(c.advisories, "INTEL-SA-00837");
		free(col[0].p);
	}

	/* A revoked QE makes the platform's status Revoked too. */
	pol.allow_tcb = 0;
	col[0] = pki_tcbinfo(&k, "UpToDate");
	col[2] = pki_qeid(&k, "Revoked");
	refused(SS_EVIDENCE_TDX, &k.quote, col, 3, &pol, "TDX quote: TCB "
	    "status Revoked is refused (advisories INTEL-SA-00837)");
	free(col[2].p);
	col[2] = pki_qeid(&k, "OutOfDate");
	refused(SS_EVIDENCE_TDX, &k.quote, col, 3, &pol, "TDX quote: TCB "
	    "status OutOfDate is refused (advisories INTEL-SA-00837)");
	/* Without TCB Info, the QE's own status decides. */
	refused(SS_EVIDENCE_TDX, &k.quote, col + 1, 2, &pol, "TDX quote: TCB "
	    "status OutOfDate (of the QE) is refused");
	unload(col, 3);
	pki_free(&k);
}
END_TEST

/* Revocation: a PCK, or its CA, on the CRL of its issuer is refused. */
START_TEST(test_pki_revoked)
{
	enum { ROOT, CA, PCK, NONE };
	static const struct {
		int issuer, signer, revoked;	/* of the CRL */
		const char * next;		/* its next update */
		const char * msg;		/* NULL: accepted */
	} v[] = {
		{ CA, CA, NONE, "20230701000000Z", NULL },
		{ ROOT, ROOT, NONE, "20240101000000Z", NULL },
		{ CA, CA, PCK, "20230701000000Z", "TDX quote: PCK certificate "
		    "chain: Test SGX PCK Certificate (serial 03) is revoked by "
		    "CRL crl" },
		{ ROOT, ROOT, CA, "20240101000000Z", "TDX quote: PCK "
		    "certificate chain: Test SGX PCK Platform CA (serial 02) is "
		    "revoked by CRL crl" },
		/* Not signed by its issuer, or past its next update. */
		{ CA, ROOT, NONE, "20230701000000Z", "CRL crl: signature does "
		    "not verify with the key of its issuer, Test SGX PCK "
		    "Platform CA" },
		{ CA, CA, NONE, "20230610000000Z", "CRL crl: expired at "
		    "2023-06-10T00:00:00Z" },
	};
	struct pki k;
	struct ss_evidence_policy pol = policy(AT_GTG);
	struct ss_evidence_claims c;
	struct file col[2];
	X509 * certs[3];
	EVP_PKEY * keys[2];
	size_t i;

	pki_new(&k);
	pol.root_file = k.root_file;
	certs[ROOT] = k.root;
	certs[CA] = k.ca;
	certs[PCK] = k.pck;
	keys[ROOT] = k.root_key;
	keys[CA] = k.ca_key;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		/* In DER and in PEM. */
		col[0] = pki_crl(certs[v[i].issuer], keys[v[i].signer],
		    (v[i].revoked == NONE) ? NULL : certs[v[i].revoked],
		    v[i].next, (int)(i % 2), "crl");
		if (v[i].msg == NULL)
			accepted(SS_EVIDENCE_TDX, &k.quote, col, 1, &pol, &c);
		else
			refused(SS_EVIDENCE_TDX, &k.quote, col, 1, &pol,
			    v[i].msg);
		free(col[0].p);
	}

	/* Both CRLs, the PCK's listing it. */
	col[0] = pki_crl(k.root, k.root_key, NULL, "20240101000000Z", 1,
	    "rootcrl.pem");
	col[1] = pki_crl(k.ca, k.ca_key, k.pck, "20230701000000Z", 0,
	    "pckcrl.der");
	refused(SS_EVIDENCE_TDX, &k.quote, col, 2, &pol, "TDX quote: PCK "
	    "certificate chain: Test SGX PCK Certificate (serial 03) is "
	    "revoked by CRL pckcrl.der");
	unload(col, 2);
	pki_free(&k);
}
END_TEST

static Suite *
dcap_suite(void)
{
	Suite * s = suite_create("dcap");
	TCase * tv = tcase_create("vectors");
	TCase * tf = tcase_create("flips");
	TCase * tc = tcase_create("collateral");
	TCase * tt = tcase_create("tcb");
	TCase * tp = tcase_create("pki");

	tcase_add_test(tv, test_root_pin);
	tcase_add_test(tv, test_spr_e4);
	tcase_add_test(tv, test_spr_e4_collateral);
	tcase_add_test(tv, test_trailing_and_truncated);
	tcase_add_test(tv, test_v5);
	tcase_add_test(tv, test_trustee_debug);
	tcase_add_test(tv, test_sgx);
	tcase_add_test(tv, test_parse);
	tcase_add_test(tv, test_certs_parse);
	tcase_set_timeout(tv, 60);
	suite_add_tcase(s, tv);
	tcase_add_test(tf, test_flips_tdx_v4);
	tcase_add_test(tf, test_flips_tdx_v5);
	tcase_add_test(tf, test_flips_sgx);
	tcase_set_timeout(tf, 120);
	suite_add_tcase(s, tf);
	tcase_add_test(tc, test_tampered_collateral);
	tcase_add_test(tc, test_collateral_refused);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	tcase_add_test(tt, test_status_tdx);
	tcase_add_test(tt, test_status_sgx);
	tcase_add_test(tt, test_json_refused);
	suite_add_tcase(s, tt);
	tcase_add_checked_fixture(tp, tu_dir_setup, tu_dir_teardown);
	tcase_add_test(tp, test_pki_root);
	tcase_add_test(tp, test_pki_tcb_policy);
	tcase_add_test(tp, test_pki_revoked);
	tcase_set_timeout(tp, 60);
	suite_add_tcase(s, tp);
	return (s);
}

int
main(void)
{

	return (tu_run_sodium(dcap_suite()));
}
