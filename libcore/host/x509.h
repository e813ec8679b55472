#ifndef SS_X509_H
#define SS_X509_H

/*
 * Certificates, keys and signatures for the evidence verifiers (snp.c,
 * dcap*.c), on OpenSSL: loading DER certificates and PEM bundles, a
 * certificate's SHA-256, names and serial number, an extension's value by
 * OID, times and their text, CRLs, one link of a chain checked on its own
 * (issuer name, signature, validity at a given time), EC keys, and ECDSA
 * signatures given as r and s.  Vendor chains are checked link by link
 * rather than with X509_verify_cert(), whose path building wants what
 * some vendors' certificates lack (AMD's have no Authority Key
 * Identifier).
 *
 * Errors: input that is not what it should be, or a link that does not
 * hold, is SS_EXIT_DATA with one line naming the input ("vcek.der:
 * trailing bytes after the certificate (3)", "VCEK is not signed by the
 * ASK (SEV-Milan)"); an unreadable file or a failed allocation is
 * SS_EXIT_SYS.
 */

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#define SS_X509_SHA256_LEN	32

/* Room for a time as text, and its forms (ss_x509_time_text()). */
#define SS_X509_TIME_TEXT	32
#define SS_X509_TIME_UTC	0	/* "2025-12-10 22:14:21 UTC" */
#define SS_X509_TIME_ISO	1	/* "2023-06-18T08:42:58Z" */

/**
 * ss_x509_from_der(der, len, name):
 * The certificate whose DER encoding is exactly the ${len} bytes at
 * ${der} (nothing after it), or NULL; ${name} names the bytes in
 * messages.
 */
X509 * ss_x509_from_der(const uint8_t *, size_t, const char *);

/**
 * ss_x509_load_pem(buf, len, name, max, certs):
 * Append to ${certs} the certificates of the PEM text in ${buf}: its
 * CERTIFICATE blocks, with any text between and around them (such as NUL
 * padding; a PEM block of another kind, or with headers, is refused), at
 * most ${max} (at least 1): the text after the ${max}th is not read.  Return
 * how many were appended, 0 if ${buf} holds no PEM block (with no
 * message: the caller says what it wanted), or -1, the certificates
 * before the block refused left in ${certs}.  ${name} names the bytes in
 * messages ("NAME: PEM block 2 is malformed").
 */
int ss_x509_load_pem(const uint8_t *, size_t, const char *, size_t,
    STACK_OF(X509) *);

/**
 * ss_x509_load(buf, len, name, certs):
 * Append to ${certs} the certificates in ${buf}: one DER certificate (if
 * the first byte starts a DER SEQUENCE), or else PEM holding one or more
 * CERTIFICATE blocks (ss_x509_load_pem()).  ${name} names the bytes in
 * messages.
 */
int ss_x509_load(const uint8_t *, size_t, const char *, STACK_OF(X509) *);

/**
 * ss_x509_load_file(path, certs):
 * ss_x509_load() of the file ${path} (at most 1 MiB).
 */
int ss_x509_load_file(const char *, STACK_OF(X509) *);

/**
 * ss_x509_sha256(cert, out):
 * Store in ${out} the SHA-256 of ${cert}'s DER encoding.
 */
int ss_x509_sha256(const X509 *, uint8_t[SS_X509_SHA256_LEN]);

/**
 * ss_x509_cn(name, buf, size):
 * Write into ${buf} (of ${size} bytes, at least 9) the common name in
 * ${name}, as ss_shown() shows text, and return 1; or "?" and 0 if
 * ${name} has none.
 */
int ss_x509_cn(const X509_NAME *, char *, size_t);

/**
 * ss_x509_name_text(name, buf, size):
 * Write into ${buf} (of ${size} bytes, at least 9) the common name in
 * ${name}, or its one-line form if it has none (for messages and
 * lookups).
 */
void ss_x509_name_text(const X509_NAME *, char *, size_t);

/**
 * ss_x509_serial_hex(cert):
 * The serial number of ${cert} in hex ("0A1B"), in a new string that the
 * caller frees, or NULL if it cannot be made.
 */
char * ss_x509_serial_hex(const X509 *);

/**
 * ss_x509_ext(cert, oid, p, len):
 * Find the extension of ${cert} whose OID is ${oid} (dotted text): 1,
 * with its value (the content of its extnValue OCTET STRING) in ${p} and
 * ${len}; 0 if ${cert} has none; -1 if it has more than one.
 */
int ss_x509_ext(const X509 *, const char *, const uint8_t **, size_t *);

/**
 * ss_x509_time(a, t):
 * Store in ${t} the time ${a} (UTCTime or GeneralizedTime): 0; or -1,
 * with no message, if ${a} is NULL or not a valid time.
 */
int ss_x509_time(const ASN1_TIME *, time_t *);

/**
 * ss_x509_time_text(t, form, buf):
 * Write ${t} into ${buf} (SS_X509_TIME_TEXT bytes) in the ${form}
 * SS_X509_TIME_UTC or SS_X509_TIME_ISO (as Intel's collateral writes
 * times), or as a number of seconds if it is past what the calendar
 * holds.
 */
void ss_x509_time_text(time_t, int, char[SS_X509_TIME_TEXT]);

/**
 * ss_x509_valid_at(cert, what, at):
 * Check that ${at} lies within ${cert}'s validity period; ${what} names
 * the certificate in messages ("VLEK is not valid at ...").
 */
int ss_x509_valid_at(const X509 *, const char *, time_t);

/**
 * ss_x509_issued_by(cert, what, issuer, by, at):
 * Check one link of a chain: ${cert}'s issuer name is ${issuer}'s
 * subject, ${cert}'s signature verifies with ${issuer}'s public key
 * (X509_verify(), with the algorithm ${cert} names: the caller checks
 * that it is the one expected), and ${cert} is valid at ${at}.  ${what}
 * and ${by} name the two in messages: "${what} is not signed by ${by}".
 */
int ss_x509_issued_by(X509 *, const char *, X509 *, const char *, time_t);

/**
 * ss_x509_crl_decode(buf, len, pem):
 * The CRL in the ${len} bytes at ${buf}: PEM if they hold a "-----BEGIN
 * X509 CRL-----" line (and then ${*pem} is non-zero), else DER with
 * nothing after it; NULL, with no message, if it does not decode.
 */
X509_CRL * ss_x509_crl_decode(const uint8_t *, size_t, int *);

/**
 * ss_x509_p256_key(xy):
 * The P-256 public key of the point x || y (64 bytes, big-endian), or
 * NULL (SS_EXIT_DATA) if it is not a point of the curve.
 */
EVP_PKEY * ss_x509_p256_key(const uint8_t *);

/**
 * ss_x509_is_ec(key, nid):
 * Non-zero if ${key} is an EC key on the curve ${nid}
 * (NID_X9_62_prime256v1, NID_secp384r1).
 */
int ss_x509_is_ec(EVP_PKEY *, int);

/**
 * ss_x509_ecdsa_verify(key, md, rs, n, msg, len):
 * Verify the ECDSA signature r || s at ${rs}, each ${n} bytes big-endian,
 * with the digest ${md} over the ${len} bytes at ${msg}, by the EC key
 * ${key}: 0 if it verifies, 1 if not (with no message: the caller names
 * what was signed), -1 on an error of the system (SS_EXIT_SYS).
 */
int ss_x509_ecdsa_verify(EVP_PKEY *, const EVP_MD *, const uint8_t *,
    size_t, const uint8_t *, size_t);

#endif /* !SS_X509_H */
