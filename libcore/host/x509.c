/*
 * Certificates for the evidence verifiers (x509.h).
 */

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "err.h"
#include "io.h"
#include "shown.h"
#include "x509.h"

/* The largest certificate file read (a bundle of a few certificates). */
#define FILE_MAX	(1024 * 1024)

/* Room for a time as text: "2025-12-10 22:14:21 UTC". */
#define TIME_TEXT	32

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

/* The CERTIFICATE blocks of the PEM text ${buf}, appended to ${certs}. */
static int
load_pem(const uint8_t * buf, size_t len, const char * name,
    STACK_OF(X509) * certs)
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
	for (n = 1;; n++) {
		if (PEM_read_bio(bio, &type, &header, &data, &dlen) != 1) {
			if (n > 1 && pem_end())
				break;
			ss_err_set(SS_EXIT_DATA, (n == 1 && pem_end()) ?
			    "%s: neither a DER certificate nor PEM" :
			    "%s: PEM block %zu is malformed", name, n);
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
	rc = 0;
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

	/* DER starts with a SEQUENCE; PEM with text. */
	if (len > 0 && buf[0] == 0x30) {
		if ((x = ss_x509_from_der(buf, len, name)) == NULL)
			return (-1);
		return (push(certs, x));
	}
	return (load_pem(buf, len, name, certs));
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

void
ss_x509_name_text(const X509_NAME * name, char * buf, size_t size)
{
	const X509_NAME_ENTRY * e;
	const ASN1_STRING * s;
	char line[256];
	int i;

	if ((i = X509_NAME_get_index_by_NID(name, NID_commonName, -1)) >= 0 &&
	    (e = X509_NAME_get_entry(name, i)) != NULL &&
	    (s = X509_NAME_ENTRY_get_data(e)) != NULL) {
		ss_shown(buf, size, ASN1_STRING_get0_data(s),
		    (size_t)ASN1_STRING_length(s), size, SS_SHOWN_UTF8);
		return;
	}
	if (X509_NAME_oneline(name, line, sizeof(line)) == NULL) {
		ERR_clear_error();
		snprintf(line, sizeof(line), "(no name)");
	}
	ss_shown(buf, size, line, strlen(line), size, SS_SHOWN_UTF8);
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

/* ${t} as text into ${buf}. */
static void
time_text(char buf[TIME_TEXT], time_t t)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, TIME_TEXT, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(buf, TIME_TEXT, "%lld", (long long)t);
}

/* The ASN1_TIME ${a} as text into ${buf}. */
static void
asn1_time_text(char buf[TIME_TEXT], const ASN1_TIME * a)
{
	struct tm tm;

	if (ASN1_TIME_to_tm(a, &tm) != 1 ||
	    strftime(buf, TIME_TEXT, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0) {
		ERR_clear_error();
		snprintf(buf, TIME_TEXT, "(bad time)");
	}
}

int
ss_x509_valid_at(const X509 * x, const char * what, time_t at)
{
	const ASN1_TIME * from = X509_get0_notBefore(x);
	const ASN1_TIME * to = X509_get0_notAfter(x);
	char t[TIME_TEXT], f[TIME_TEXT], u[TIME_TEXT];
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
		time_text(t, at);
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
