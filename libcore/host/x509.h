#ifndef SS_X509_H
#define SS_X509_H

/*
 * Certificates for the evidence verifiers (snp.c, dcap.c), on OpenSSL's
 * X509: loading DER certificates and PEM bundles, a certificate's SHA-256
 * and names, an extension's value by OID, and one link of a chain checked
 * on its own (issuer name, signature, validity at a given time).  Vendor
 * chains are checked link by link rather than with X509_verify_cert(),
 * whose path building wants what some vendors' certificates lack (AMD's
 * have no Authority Key Identifier).
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

#include <openssl/x509.h>

#define SS_X509_SHA256_LEN	32

/**
 * ss_x509_from_der(der, len, name):
 * The certificate whose DER encoding is exactly the ${len} bytes at
 * ${der} (nothing after it), or NULL; ${name} names the bytes in
 * messages.
 */
X509 * ss_x509_from_der(const uint8_t *, size_t, const char *);

/**
 * ss_x509_load(buf, len, name, certs):
 * Append to ${certs} the certificates in ${buf}: one DER certificate (if
 * the first byte starts a DER SEQUENCE), or else PEM holding one or more
 * CERTIFICATE blocks, with any text between them (a PEM block of another
 * kind is refused).  ${name} names the bytes in messages.
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
 * ss_x509_name_text(name, buf, size):
 * Write into ${buf} (of ${size} bytes) the common name in ${name}, or
 * its one-line form if it has none (for messages and lookups).
 */
void ss_x509_name_text(const X509_NAME *, char *, size_t);

/**
 * ss_x509_ext(cert, oid, p, len):
 * Find the extension of ${cert} whose OID is ${oid} (dotted text): 1,
 * with its value (the content of its extnValue OCTET STRING) in ${p} and
 * ${len}; 0 if ${cert} has none; -1 if it has more than one.
 */
int ss_x509_ext(const X509 *, const char *, const uint8_t **, size_t *);

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

#endif /* !SS_X509_H */
