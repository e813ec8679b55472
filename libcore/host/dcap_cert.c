/*
 * Certificates and signatures of Intel DCAP (dcap_cert.h): the trusted
 * root, the CRLs, chains verified to the root, P-256 keys and r || s
 * signatures.  The functions marked "generic: to x509.c" know nothing of
 * DCAP: they move to x509.c, the certificate helpers the SNP verifier
 * shares, once both have landed.
 */

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "crypt.h"
#include "dcap_cert.h"
#include "err.h"
#include "io.h"

#define ROOT_FILE_MAX	(64 * 1024)
#define CERTS_MAX	8	/* certificates in one chain */
#define CRLS_MAX	8
#define CN_MAX		128
#define TIME_TEXT	21	/* "2023-06-18T08:42:58Z" */

struct crl {
	X509_CRL * crl;
	char * name;
	int checked;		/* its signature and dates */
	int used;		/* it applied to a certificate */
};

struct ss_dcap_trust {
	X509 * root;
	int builtin;
	time_t at;
	struct crl crls[CRLS_MAX];
	size_t ncrls;
};

/*
 * The PEM certificates in ${len} bytes at ${buf}, in order (text outside
 * the PEM blocks, such as NUL padding, is skipped, as PEM allows), or
 * only the first if ${first}; NULL if there is no certificate, more than
 * ${max}, or one that does not decode (the number of the bad one, from 1,
 * in ${bad}).  generic: to x509.c
 */
static STACK_OF(X509) *
certs_from_pem(const uint8_t * buf, size_t len, size_t max, int first,
    size_t * bad)
{
	STACK_OF(X509) * certs;
	BIO * bio = NULL;
	X509 * cert;
	unsigned long e;

	*bad = 0;
	if (len > INT_MAX || (certs = sk_X509_new_null()) == NULL)
		return (NULL);
	if ((bio = BIO_new_mem_buf(buf, (int)len)) == NULL)
		goto fail;
	ERR_clear_error();
	while ((cert = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
		if ((size_t)sk_X509_num(certs) == max ||
		    !sk_X509_push(certs, cert)) {
			X509_free(cert);
			goto fail;
		}
		if (first)
			break;
	}
	/* The end of the input is "no start line"; anything else is not. */
	e = ERR_peek_last_error();
	if (sk_X509_num(certs) == 0 || (!first &&
	    (ERR_GET_LIB(e) != ERR_LIB_PEM ||
	    ERR_GET_REASON(e) != PEM_R_NO_START_LINE))) {
		*bad = (size_t)sk_X509_num(certs) + 1;
		goto fail;
	}
	ERR_clear_error();
	BIO_free(bio);
	return (certs);
fail:
	ERR_clear_error();
	BIO_free(bio);
	sk_X509_pop_free(certs, X509_free);
	return (NULL);
}

/* ${t} as a time_t, or -1.  generic: to x509.c */
static int
asn1_time(const ASN1_TIME * t, time_t * out)
{
	struct tm tm;

	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
		return (-1);
	*out = timegm(&tm);
	return (0);
}

void
ss_dcap_time_text(time_t t, char * buf)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, TIME_TEXT, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		strcpy(buf, "?");
}

void
ss_dcap_cert_cn(const X509 * cert, char * buf, size_t size)
{

	/* generic: to x509.c */
	if (size > INT_MAX || X509_NAME_get_text_by_NID(
	    X509_get_subject_name(cert), NID_commonName, buf,
	    (int)size) < 0)
		snprintf(buf, size, "?");
}

/* The common name of the issuer of ${crl}.  generic: to x509.c */
static void
crl_issuer_cn(const X509_CRL * crl, char * buf, size_t size)
{

	if (size > INT_MAX || X509_NAME_get_text_by_NID(
	    X509_CRL_get_issuer(crl), NID_commonName, buf, (int)size) < 0)
		snprintf(buf, size, "?");
}

/* The serial number of ${cert} in hex, in a new string, or NULL. */
static char *
serial_hex(const X509 * cert)
{
	BIGNUM * bn;
	char * hex, * copy = NULL;

	/* generic: to x509.c */
	if ((bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert),
	    NULL)) == NULL)
		return (NULL);
	if ((hex = BN_bn2hex(bn)) != NULL)
		copy = strdup(hex);
	OPENSSL_free(hex);
	BN_free(bn);
	return (copy);
}

/* The root built in, once its DER matches its pin. */
static X509 *
builtin_root(void)
{
	uint8_t digest[SS_SHA256_LEN];
	const uint8_t * p = ss_dcap_intel_root_der;
	X509 * root;

	if (ss_sha256(digest, ss_dcap_intel_root_der,
	    ss_dcap_intel_root_der_len))
		return (NULL);
	if (memcmp(digest, ss_dcap_intel_root_sha256, sizeof(digest)) != 0) {
		ss_err_set(SS_EXIT_SYS, "the built-in %s does not match its "
		    "pinned SHA-256", SS_DCAP_ROOT_NAME);
		return (NULL);
	}
	if ((root = d2i_X509(NULL, &p, (long)ss_dcap_intel_root_der_len)) ==
	    NULL || p != ss_dcap_intel_root_der + ss_dcap_intel_root_der_len) {
		X509_free(root);
		ss_err_set(SS_EXIT_SYS, "the built-in %s does not decode",
		    SS_DCAP_ROOT_NAME);
		return (NULL);
	}
	return (root);
}

/* The first certificate of the PEM file ${path}. */
static X509 *
file_root(const char * path)
{
	STACK_OF(X509) * certs;
	uint8_t * buf;
	size_t len, bad;
	X509 * root;

	if (ss_read_file(path, ROOT_FILE_MAX, &buf, &len))
		return (NULL);
	certs = certs_from_pem(buf, len, CERTS_MAX, 1, &bad);
	free(buf);
	if (certs == NULL) {
		ss_err_set(SS_EXIT_SYS, "%s: not a PEM certificate", path);
		return (NULL);
	}
	root = sk_X509_shift(certs);
	sk_X509_pop_free(certs, X509_free);
	return (root);
}

struct ss_dcap_trust *
ss_dcap_trust_new(const char * root_file, time_t at)
{
	struct ss_dcap_trust * t;

	if ((t = calloc(1, sizeof(*t))) == NULL) {
		ss_err_errno("calloc");
		return (NULL);
	}
	t->at = at;
	t->builtin = (root_file == NULL);
	t->root = t->builtin ? builtin_root() : file_root(root_file);
	if (t->root == NULL) {
		free(t);
		return (NULL);
	}
	return (t);
}

const char *
ss_dcap_trust_root(const struct ss_dcap_trust * t)
{

	return (t->builtin ? "the " SS_DCAP_ROOT_NAME : "the given root");
}

time_t
ss_dcap_trust_time(const struct ss_dcap_trust * t)
{

	return (t->at);
}

void
ss_dcap_trust_signer(const struct ss_dcap_trust * t, char * buf,
    size_t size)
{
	char cn[CN_MAX];

	if (t->builtin)
		snprintf(buf, size, "PCK (%s)", SS_DCAP_ROOT_NAME);
	else {
		ss_dcap_cert_cn(t->root, cn, sizeof(cn));
		snprintf(buf, size, "PCK (given root %s)", cn);
	}
}

/* The CRL, PEM or DER, in ${len} bytes at ${buf}; NULL if none. */
static X509_CRL *
crl_decode(const uint8_t * buf, size_t len, int * pem)
{
	static const char begin[] = "-----BEGIN X509 CRL-----";
	const uint8_t * p = buf;
	X509_CRL * crl = NULL;
	BIO * bio;

	/* generic: to x509.c */
	*pem = (memmem(buf, len, begin, sizeof(begin) - 1) != NULL);
	if (len > INT_MAX)
		return (NULL);
	if (*pem) {
		if ((bio = BIO_new_mem_buf(buf, (int)len)) != NULL)
			crl = PEM_read_bio_X509_CRL(bio, NULL, NULL, NULL);
		BIO_free(bio);
	} else if ((crl = d2i_X509_CRL(NULL, &p, (long)len)) != NULL &&
	    p != buf + len) {
		X509_CRL_free(crl);
		crl = NULL;
	}
	ERR_clear_error();
	return (crl);
}

int
ss_dcap_trust_add_crl(struct ss_dcap_trust * t, const uint8_t * buf,
    size_t len, const char * name)
{
	struct crl * c;
	X509_CRL * crl;
	int pem;

	if ((crl = crl_decode(buf, len, &pem)) == NULL) {
		if (!pem)
			return (1);
		ss_err_set(SS_EXIT_DATA, "%s: the PEM CRL does not decode",
		    name);
		return (-1);
	}
	if (t->ncrls == CRLS_MAX) {
		ss_err_set(SS_EXIT_DATA, "%s: more than %d CRLs", name,
		    CRLS_MAX);
		goto fail;
	}
	c = &t->crls[t->ncrls];
	if ((c->name = strdup(name)) == NULL) {
		ss_err_errno("strdup");
		goto fail;
	}
	c->crl = crl;
	c->checked = c->used = 0;
	t->ncrls++;
	return (0);
fail:
	X509_CRL_free(crl);
	return (-1);
}

/* Check the signature of ${c} by ${issuer}, and its dates, once. */
static int
check_crl(const struct ss_dcap_trust * t, struct crl * c,
    const X509 * issuer)
{
	char cn[CN_MAX], when[TIME_TEXT];
	time_t last, next;

	if (c->checked)
		return (0);
	if (X509_CRL_verify(c->crl, X509_get0_pubkey(issuer)) != 1) {
		ERR_clear_error();
		ss_dcap_cert_cn(issuer, cn, sizeof(cn));
		ss_err_set(SS_EXIT_DATA, "CRL %s: signature does not verify "
		    "with the key of its issuer, %s", c->name, cn);
		return (-1);
	}
	if (asn1_time(X509_CRL_get0_lastUpdate(c->crl), &last) ||
	    asn1_time(X509_CRL_get0_nextUpdate(c->crl), &next)) {
		ss_err_set(SS_EXIT_DATA, "CRL %s: no valid thisUpdate and "
		    "nextUpdate", c->name);
		return (-1);
	}
	if (t->at < last || t->at >= next) {
		ss_dcap_time_text(t->at < last ? last : next, when);
		ss_err_set(SS_EXIT_DATA, "CRL %s: %s %s", c->name,
		    t->at < last ? "not issued until" : "expired at", when);
		return (-1);
	}
	c->checked = 1;
	return (0);
}

/* Refuse ${cert}, of the chain ${what}, if a CRL by ${issuer} lists it. */
static int
check_revoked(struct ss_dcap_trust * t, X509 * cert, const X509 * issuer,
    const char * what)
{
	X509_REVOKED * entry;
	struct crl * c;
	char cn[CN_MAX];
	char * serial;
	size_t i;

	for (i = 0; i < t->ncrls; i++) {
		c = &t->crls[i];
		if (X509_NAME_cmp(X509_CRL_get_issuer(c->crl),
		    X509_get_subject_name(issuer)) != 0)
			continue;
		if (check_crl(t, c, issuer))
			return (-1);
		c->used = 1;
		if (X509_CRL_get0_by_cert(c->crl, &entry, cert) != 1)
			continue;
		ss_dcap_cert_cn(cert, cn, sizeof(cn));
		serial = serial_hex(cert);
		ss_err_set(SS_EXIT_DATA, "%s: %s (serial %s) is revoked by "
		    "CRL %s", what, cn, serial != NULL ? serial : "?",
		    c->name);
		free(serial);
		return (-1);
	}
	return (0);
}

/* The message of a chain that did not verify in ${ctx}. */
static void
chain_error(const struct ss_dcap_trust * t, X509_STORE_CTX * ctx,
    const char * what)
{
	int e = X509_STORE_CTX_get_error(ctx);
	X509 * cert = X509_STORE_CTX_get_current_cert(ctx);
	char cn[CN_MAX], when[TIME_TEXT], extra[64] = "";
	time_t w;

	if (cert == NULL)
		snprintf(cn, sizeof(cn), "?");
	else
		ss_dcap_cert_cn(cert, cn, sizeof(cn));
	if (cert != NULL && e == X509_V_ERR_CERT_HAS_EXPIRED &&
	    asn1_time(X509_get0_notAfter(cert), &w) == 0) {
		ss_dcap_time_text(w, when);
		snprintf(extra, sizeof(extra), ", not after %s", when);
	} else if (cert != NULL && e == X509_V_ERR_CERT_NOT_YET_VALID &&
	    asn1_time(X509_get0_notBefore(cert), &w) == 0) {
		ss_dcap_time_text(w, when);
		snprintf(extra, sizeof(extra), ", not before %s", when);
	}
	ss_err_set(SS_EXIT_DATA, "%s does not verify to %s: %s (%s%s)", what,
	    ss_dcap_trust_root(t), (e == X509_V_OK) ? "verification failed" :
	    X509_verify_cert_error_string(e), cn, extra);
	ERR_clear_error();
}

int
ss_dcap_trust_verify(struct ss_dcap_trust * t, STACK_OF(X509) * certs,
    const char * what)
{
	X509_STORE * store;
	X509_STORE_CTX * ctx = NULL;
	STACK_OF(X509) * chain;
	int i, n, rc = -1;

	if ((store = X509_STORE_new()) == NULL ||
	    X509_STORE_add_cert(store, t->root) != 1 ||
	    (ctx = X509_STORE_CTX_new()) == NULL ||
	    X509_STORE_CTX_init(ctx, store, sk_X509_value(certs, 0),
	    certs) != 1) {
		ss_err_set(SS_EXIT_SYS, "%s: cannot set up its verification",
		    what);
		goto done;
	}
	X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx), t->at);
	X509_STORE_CTX_set_flags(ctx, X509_V_FLAG_X509_STRICT);
	if (X509_verify_cert(ctx) != 1) {
		chain_error(t, ctx, what);
		goto done;
	}
	chain = X509_STORE_CTX_get0_chain(ctx);
	n = sk_X509_num(chain);
	for (i = 0; i < n; i++)
		if (check_revoked(t, sk_X509_value(chain, i),
		    sk_X509_value(chain, (i + 1 < n) ? i + 1 : i), what))
			goto done;
	rc = 0;
done:
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	ERR_clear_error();
	return (rc);
}

int
ss_dcap_trust_crls_used(const struct ss_dcap_trust * t)
{
	char cn[CN_MAX];
	size_t i;

	for (i = 0; i < t->ncrls; i++) {
		if (t->crls[i].used)
			continue;
		crl_issuer_cn(t->crls[i].crl, cn, sizeof(cn));
		ss_err_set(SS_EXIT_DATA, "CRL %s: issued by %s, which issued "
		    "none of the certificates here", t->crls[i].name, cn);
		return (-1);
	}
	return (0);
}

void
ss_dcap_trust_free(struct ss_dcap_trust * t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->ncrls; i++) {
		X509_CRL_free(t->crls[i].crl);
		free(t->crls[i].name);
	}
	X509_free(t->root);
	free(t);
}

int
ss_dcap_certs_parse(const uint8_t * buf, size_t len, const char * what,
    int first, STACK_OF(X509) ** certs)
{
	size_t bad;

	if ((*certs = certs_from_pem(buf, len, CERTS_MAX, first, &bad)) !=
	    NULL)
		return (0);
	if (bad == 1)
		ss_err_set(SS_EXIT_DATA, "%s: no PEM certificate", what);
	else if (bad > CERTS_MAX)
		ss_err_set(SS_EXIT_DATA, "%s: more than %d certificates", what,
		    CERTS_MAX);
	else
		ss_err_set(SS_EXIT_DATA, "%s: certificate %zu does not decode",
		    what, bad);
	return (-1);
}

EVP_PKEY *
ss_dcap_p256_key(const uint8_t * xy)
{
	char group[] = "prime256v1";
	uint8_t point[1 + 64];
	OSSL_PARAM params[3];
	EVP_PKEY_CTX * ctx;
	EVP_PKEY * key = NULL;

	/* generic: to x509.c */
	point[0] = 0x04;		/* uncompressed */
	memcpy(point + 1, xy, 64);
	params[0] = OSSL_PARAM_construct_utf8_string(
	    OSSL_PKEY_PARAM_GROUP_NAME, group, 0);
	params[1] = OSSL_PARAM_construct_octet_string(
	    OSSL_PKEY_PARAM_PUB_KEY, point, sizeof(point));
	params[2] = OSSL_PARAM_construct_end();
	if ((ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) != 1) {
		EVP_PKEY_free(key);
		key = NULL;
		ss_err_set(SS_EXIT_DATA, "not a P-256 point");
	}
	EVP_PKEY_CTX_free(ctx);
	ERR_clear_error();
	return (key);
}

int
ss_dcap_is_p256(EVP_PKEY * key)
{
	char group[32];

	/* generic: to x509.c */
	return (key != NULL && EVP_PKEY_is_a(key, "EC") &&
	    EVP_PKEY_get_group_name(key, group, sizeof(group), NULL) == 1 &&
	    OBJ_txt2nid(group) == NID_X9_62_prime256v1);
}

int
ss_dcap_sig_verify(EVP_PKEY * key, const uint8_t * rs, const uint8_t * msg,
    size_t len)
{
	ECDSA_SIG * sig;
	BIGNUM * r, * s;
	EVP_MD_CTX * md = NULL;
	uint8_t * der = NULL;
	int derlen, rc = -1;

	/* generic: to x509.c (DER from r || s, then EVP) */
	r = BN_bin2bn(rs, 32, NULL);
	s = BN_bin2bn(rs + 32, 32, NULL);
	if ((sig = ECDSA_SIG_new()) == NULL || r == NULL || s == NULL ||
	    ECDSA_SIG_set0(sig, r, s) != 1) {
		BN_free(r);
		BN_free(s);
		goto done;
	}
	if ((derlen = i2d_ECDSA_SIG(sig, &der)) <= 0 ||
	    (md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, key) != 1)
		goto done;
	rc = (EVP_DigestVerify(md, der, (size_t)derlen, msg, len) == 1) ?
	    0 : 1;
done:
	if (rc == -1)
		ss_err_set(SS_EXIT_SYS, "cannot verify an ECDSA signature");
	EVP_MD_CTX_free(md);
	OPENSSL_free(der);
	ECDSA_SIG_free(sig);
	ERR_clear_error();
	return (rc);
}
