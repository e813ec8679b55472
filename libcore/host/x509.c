/*
 * Certificates, keys and signatures for the evidence verifiers (x509.h).
 */

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "err.h"
#include "io.h"
#include "shown.h"
#include "x509.h"

/* The largest certificate file read (a bundle of a few certificates). */
#define FILE_MAX	(1024 * 1024)

X509 *
ss_x509_from_der(const uint8_t * der, size_t len, const char * name)
{
	const unsigned char * p = der;
	X509 * x;

	if (len > LONG_MAX || (x = d2i_X509(NULL, &p, (long)len)) == NULL) {
		ERR_clear_error();
		ss_err_set(SS_EXIT_DATA, "%s: not a DER certificate", name);
		return (NULL);
	}
	if ((size_t)(p - der) != len) {
		ss_err_set(SS_EXIT_DATA, "%s: trailing bytes after the "
		    "certificate (%zu)", name, len - (size_t)(p - der));
		X509_free(x);
		return (NULL);
	}
	return (x);
}

/* Append ${x} to ${certs}, or free it. */
static int
push(STACK_OF(X509) * certs, X509 * x)
{

	if (sk_X509_push(certs, x) == 0) {
		X509_free(x);
		ss_err_set(SS_EXIT_SYS, "out of memory loading certificates");
		return (-1);
	}
	return (0);
}

/* Is the OpenSSL error left by PEM_read_bio() the end of the input? */
static int
pem_end(void)
{
	unsigned long e = ERR_peek_last_error();

	return (ERR_GET_LIB(e) == ERR_LIB_PEM &&
	    ERR_GET_REASON(e) == PEM_R_NO_START_LINE);
}

int
ss_x509_load_pem(const uint8_t * buf, size_t len, const char * name,
    size_t max, STACK_OF(X509) * certs)
{
	char * type = NULL, * header = NULL;
	unsigned char * data = NULL;
	char what[512], shown[64];
	BIO * bio;
	X509 * x;
	long dlen;
	size_t n;
	int rc = -1;

	if (len > INT_MAX) {
		ss_err_set(SS_EXIT_DATA, "%s: too large for certificates",
		    name);
		return (-1);
	}
	if ((bio = BIO_new_mem_buf(buf, (int)len)) == NULL) {
		ss_err_set(SS_EXIT_SYS, "out of memory loading certificates");
		return (-1);
	}
	for (n = 1; n <= max; n++) {
		if (PEM_read_bio(bio, &type, &header, &data, &dlen) != 1) {
			if (pem_end())
				break;
			ss_err_set(SS_EXIT_DATA, "%s: PEM block %zu is "
			    "malformed", name, n);
			goto done;
		}
		snprintf(what, sizeof(what), "%s: PEM block %zu", name, n);
		if (strcmp(type, "CERTIFICATE") != 0 || header[0] != '\0') {
			ss_err_set(SS_EXIT_DATA, "%s is %s, not a plain "
			    "CERTIFICATE", what, ss_shown(shown, sizeof(shown),
			    type, strlen(type), 40, SS_SHOWN_UTF8));
			goto done;
		}
		if ((x = ss_x509_from_der(data, (size_t)dlen, what)) == NULL ||
		    push(certs, x))
			goto done;
		OPENSSL_free(type);
		OPENSSL_free(header);
		OPENSSL_free(data);
		type = header = NULL;
		data = NULL;
	}
	rc = (int)(n - 1);
done:
	ERR_clear_error();
	OPENSSL_free(type);
	OPENSSL_free(header);
	OPENSSL_free(data);
	BIO_free(bio);
	return (rc);
}

int
ss_x509_load(const uint8_t * buf, size_t len, const char * name,
    STACK_OF(X509) * certs)
{
	X509 * x;
	int n;

	/* DER starts with a SEQUENCE; PEM with text. */
	if (len > 0 && buf[0] == 0x30) {
		if ((x = ss_x509_from_der(buf, len, name)) == NULL)
			return (-1);
		return (push(certs, x));
	}
	if ((n = ss_x509_load_pem(buf, len, name, SIZE_MAX, certs)) == 0)
		ss_err_set(SS_EXIT_DATA, "%s: neither a DER certificate nor "
		    "PEM", name);
	return ((n > 0) ? 0 : -1);
}

int
ss_x509_load_file(const char * path, STACK_OF(X509) * certs)
{
	uint8_t * buf;
	size_t len;
	int rc;

	if (ss_read_file(path, FILE_MAX, &buf, &len)) {
		ss_err_prefix("%s", path);
		return (-1);
	}
	rc = ss_x509_load(buf, len, path, certs);
	free(buf);
	return (rc);
}

int
ss_x509_sha256(const X509 * x, uint8_t out[SS_X509_SHA256_LEN])
{
	unsigned int n;

	if (X509_digest(x, EVP_sha256(), out, &n) != 1 ||
	    n != SS_X509_SHA256_LEN) {
		ERR_clear_error();
		ss_err_set(SS_EXIT_SYS, "SHA-256 of a certificate failed");
		return (-1);
	}
	return (0);
}

int
ss_x509_cn(const X509_NAME * name, char * buf, size_t size)
{
	const X509_NAME_ENTRY * e;
	const ASN1_STRING * s;
	int i;

	if ((i = X509_NAME_get_index_by_NID(name, NID_commonName, -1)) < 0 ||
	    (e = X509_NAME_get_entry(name, i)) == NULL ||
	    (s = X509_NAME_ENTRY_get_data(e)) == NULL) {
		snprintf(buf, size, "?");
		return (0);
	}
	ss_shown(buf, size, ASN1_STRING_get0_data(s),
	    (size_t)ASN1_STRING_length(s), size, SS_SHOWN_UTF8);
	return (1);
}

void
ss_x509_name_text(const X509_NAME * name, char * buf, size_t size)
{
	char line[256];

	if (ss_x509_cn(name, buf, size))
		return;
	if (X509_NAME_oneline(name, line, sizeof(line)) == NULL) {
		ERR_clear_error();
		snprintf(line, sizeof(line), "(no name)");
	}
	ss_shown(buf, size, line, strlen(line), size, SS_SHOWN_UTF8);
}

char *
ss_x509_serial_hex(const X509 * x)
{
	BIGNUM * bn;
	char * hex, * copy = NULL;

	if ((bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x),
	    NULL)) == NULL) {
		ERR_clear_error();
		return (NULL);
	}
	if ((hex = BN_bn2hex(bn)) != NULL)
		copy = strdup(hex);
	ERR_clear_error();
	OPENSSL_free(hex);
	BN_free(bn);
	return (copy);
}

int
ss_x509_ext(const X509 * x, const char * oid, const uint8_t ** p,
    size_t * len)
{
	const ASN1_OCTET_STRING * v;
	ASN1_OBJECT * obj;
	int i, rc = -1;

	if ((obj = OBJ_txt2obj(oid, 1)) == NULL) {
		ERR_clear_error();
		ss_err_set(SS_EXIT_SYS, "bad extension OID %s", oid);
		return (-1);
	}
	if ((i = X509_get_ext_by_OBJ(x, obj, -1)) < 0) {
		rc = 0;
		goto done;
	}
	if (X509_get_ext_by_OBJ(x, obj, i) >= 0) {
		ss_err_set(SS_EXIT_DATA, "certificate has extension %s twice",
		    oid);
		goto done;
	}
	v = X509_EXTENSION_get_data(X509_get_ext(x, i));
	*p = ASN1_STRING_get0_data(v);
	*len = (size_t)ASN1_STRING_length(v);
	rc = 1;
done:
	ASN1_OBJECT_free(obj);
	return (rc);
}

int
ss_x509_time(const ASN1_TIME * a, time_t * t)
{
	struct tm tm;

	if (a == NULL || ASN1_TIME_to_tm(a, &tm) != 1) {
		ERR_clear_error();
		return (-1);
	}
	*t = timegm(&tm);
	return (0);
}

void
ss_x509_time_text(time_t t, int form, char buf[SS_X509_TIME_TEXT])
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || strftime(buf, SS_X509_TIME_TEXT,
	    (form == SS_X509_TIME_ISO) ? "%Y-%m-%dT%H:%M:%SZ" :
	    "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(buf, SS_X509_TIME_TEXT, "%lld", (long long)t);
}

/* The ASN1_TIME ${a} as text into ${buf}. */
static void
asn1_time_text(char buf[SS_X509_TIME_TEXT], const ASN1_TIME * a)
{
	time_t t;

	if (ss_x509_time(a, &t) == 0)
		ss_x509_time_text(t, SS_X509_TIME_UTC, buf);
	else
		snprintf(buf, SS_X509_TIME_TEXT, "(bad time)");
}

int
ss_x509_valid_at(const X509 * x, const char * what, time_t at)
{
	const ASN1_TIME * from = X509_get0_notBefore(x);
	const ASN1_TIME * to = X509_get0_notAfter(x);
	char t[SS_X509_TIME_TEXT], f[SS_X509_TIME_TEXT], u[SS_X509_TIME_TEXT];
	int a, b;

	/* -1, 0, 1: the certificate's time is before, at, after ${at}. */
	a = ASN1_TIME_cmp_time_t(from, at);
	b = ASN1_TIME_cmp_time_t(to, at);
	if (a == -2 || b == -2) {
		ERR_clear_error();
		ss_err_set(SS_EXIT_DATA, "%s has a malformed validity period",
		    what);
		return (-1);
	}
	if (a > 0 || b < 0) {
		ss_x509_time_text(at, SS_X509_TIME_UTC, t);
		asn1_time_text(f, from);
		asn1_time_text(u, to);
		ss_err_set(SS_EXIT_DATA, "%s is not valid at %s (valid from "
		    "%s to %s)", what, t, f, u);
		return (-1);
	}
	return (0);
}

int
ss_x509_issued_by(X509 * x, const char * what, X509 * issuer,
    const char * by, time_t at)
{
	char name[128];
	EVP_PKEY * key;

	if (X509_NAME_cmp(X509_get_issuer_name(x),
	    X509_get_subject_name(issuer)) != 0) {
		ss_x509_name_text(X509_get_issuer_name(x), name, sizeof(name));
		ss_err_set(SS_EXIT_DATA, "%s is not issued by %s: its issuer "
		    "is %s", what, by, name);
		return (-1);
	}
	if ((key = X509_get0_pubkey(issuer)) == NULL ||
	    X509_verify(x, key) != 1) {
		ERR_clear_error();
		ss_err_set(SS_EXIT_DATA, "%s is not signed by %s", what, by);
		return (-1);
	}
	return (ss_x509_valid_at(x, what, at));
}

X509_CRL *
ss_x509_crl_decode(const uint8_t * buf, size_t len, int * pem)
{
	static const char begin[] = "-----BEGIN X509 CRL-----";
	const uint8_t * p = buf;
	X509_CRL * crl = NULL;
	BIO * bio;

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

EVP_PKEY *
ss_x509_p256_key(const uint8_t * xy)
{
	char group[] = "prime256v1";
	uint8_t point[1 + 64];
	OSSL_PARAM params[3];
	EVP_PKEY_CTX * ctx;
	EVP_PKEY * key = NULL;

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
ss_x509_is_ec(EVP_PKEY * key, int nid)
{
	char group[32];
	int rc;

	rc = (key != NULL && EVP_PKEY_is_a(key, "EC") &&
	    EVP_PKEY_get_group_name(key, group, sizeof(group), NULL) == 1 &&
	    OBJ_txt2nid(group) == nid);
	ERR_clear_error();
	return (rc);
}

int
ss_x509_ecdsa_verify(EVP_PKEY * key, const EVP_MD * md, const uint8_t * rs,
    size_t n, const uint8_t * msg, size_t len)
{
	ECDSA_SIG * sig = NULL;
	BIGNUM * r = NULL, * s = NULL;
	EVP_MD_CTX * ctx = NULL;
	uint8_t * der = NULL;
	int derlen, rc = -1;

	/* OpenSSL verifies the DER form, SEQUENCE { r, s }. */
	if (n > INT_MAX || (r = BN_bin2bn(rs, (int)n, NULL)) == NULL ||
	    (s = BN_bin2bn(rs + n, (int)n, NULL)) == NULL ||
	    (sig = ECDSA_SIG_new()) == NULL || ECDSA_SIG_set0(sig, r, s) != 1) {
		BN_free(r);
		BN_free(s);
		goto done;
	}
	if ((derlen = i2d_ECDSA_SIG(sig, &der)) <= 0 ||
	    (ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestVerifyInit(ctx, NULL, md, NULL, key) != 1)
		goto done;
	rc = (EVP_DigestVerify(ctx, der, (size_t)derlen, msg, len) == 1) ?
	    0 : 1;
done:
	if (rc == -1)
		ss_err_set(SS_EXIT_SYS, "cannot verify an ECDSA signature");
	EVP_MD_CTX_free(ctx);
	OPENSSL_free(der);
	ECDSA_SIG_free(sig);
	ERR_clear_error();
	return (rc);
}
