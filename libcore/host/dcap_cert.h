#ifndef SS_DCAP_CERT_H
#define SS_DCAP_CERT_H

/*
 * The certificates of Intel DCAP (dcap.h): the trusted root (the Intel
 * SGX Root CA built in and pinned by the SHA-256 of its DER,
 * intel_root.c, or the one root a test names), the CRLs given with the
 * collateral, certificate chains verified to the root at the policy's
 * time with those CRLs, the PEM chains of quotes and collateral
 * (dcap_cert.c); the SGX extensions of a PCK certificate (dcap_pck.c).
 * The certificate, key and signature helpers they build on, which know
 * nothing of DCAP, are x509.h's; DCAP's signatures are ECDSA P-256 with
 * SHA-256, r || s big-endian (SS_DCAP_SIG_LEN bytes), for
 * ss_x509_ecdsa_verify().
 */

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/x509.h>

#define SS_DCAP_ROOT_NAME	"Intel SGX Root CA"

/* The built-in root (intel_root.c): its DER and that DER's SHA-256. */
extern const uint8_t ss_dcap_intel_root_der[];
extern const size_t ss_dcap_intel_root_der_len;
extern const uint8_t ss_dcap_intel_root_sha256[32];

/* The root trusted, the CRLs given, and the time of every check. */
struct ss_dcap_trust;

/**
 * ss_dcap_trust_new(root_file, at):
 * Trust the built-in Intel SGX Root CA (its pin checked), or only the
 * first certificate of the PEM file ${root_file} if not NULL, as of the
 * time ${at}.  An unreadable root file is SS_EXIT_SYS.
 */
struct ss_dcap_trust * ss_dcap_trust_new(const char *, time_t);

/**
 * ss_dcap_trust_root(t):
 * How messages name the root of ${t}: "the Intel SGX Root CA" or "the
 * given root".
 */
const char * ss_dcap_trust_root(const struct ss_dcap_trust *);

/**
 * ss_dcap_trust_time(t):
 * The time as of which ${t} checks certificates, CRLs and collateral.
 */
time_t ss_dcap_trust_time(const struct ss_dcap_trust *);

/**
 * ss_dcap_trust_signer(t, buf, size):
 * The signer of verified evidence, "PCK (Intel SGX Root CA)" or
 * "PCK (given root CN)", in ${buf} of ${size} bytes.
 */
void ss_dcap_trust_signer(const struct ss_dcap_trust *, char *, size_t);

/**
 * ss_dcap_trust_add_crl(t, buf, len, name):
 * Add the CRL in the ${len} bytes at ${buf} (DER or PEM), named ${name}
 * in messages, to ${t}: it applies to every certificate that its issuer
 * issued in the chains ss_dcap_trust_verify() checks, once its signature
 * by that issuer and its dates are checked.  Return 1 if ${buf} holds no
 * CRL, 0 on success, -1 on error.
 */
int ss_dcap_trust_add_crl(struct ss_dcap_trust *, const uint8_t *, size_t,
    const char *);

/**
 * ss_dcap_trust_verify(t, certs, what):
 * Verify the chain ${certs} (its first certificate the one to verify, the
 * others the intermediates, maybe the root too) to the root of ${t} at
 * its time, strictly, and against the CRLs of ${t}; ${what} names the
 * chain in messages.  Errors are SS_EXIT_DATA.
 */
int ss_dcap_trust_verify(struct ss_dcap_trust *, STACK_OF(X509) *,
    const char *);

/**
 * ss_dcap_trust_crls_used(t):
 * Refuse a CRL of ${t} that applied to no certificate that
 * ss_dcap_trust_verify() checked: it revokes nothing here, and would
 * seem to have been checked.
 */
int ss_dcap_trust_crls_used(const struct ss_dcap_trust *);

/**
 * ss_dcap_trust_free(t):
 * Free ${t}.
 */
void ss_dcap_trust_free(struct ss_dcap_trust *);

/**
 * ss_dcap_certs_parse(buf, len, what, first, certs):
 * Read the PEM certificates in the ${len} bytes at ${buf}, at most 8 (text
 * such as NUL padding may surround them; a PEM block of another kind is
 * refused: ss_x509_load_pem()), or only the first if ${first}, into a new
 * stack ${certs}; ${what} names them in messages ("WHAT: certificate 2
 * does not decode").  Errors are SS_EXIT_DATA.
 */
int ss_dcap_certs_parse(const uint8_t *, size_t, const char *, int,
    STACK_OF(X509) **);

/* What a PCK certificate's SGX extensions say (OID 1.2.840.113741.1.13.1). */
struct ss_dcap_pck {
	uint8_t comp[16];		/* SGX TCB component SVNs 1..16 */
	unsigned pcesvn;
	uint8_t cpusvn[16];
	uint8_t pceid[2];
	uint8_t fmspc[6];
};

/**
 * ss_dcap_pck_read(cert, pck):
 * Read the SGX extensions of the PCK certificate ${cert} into ${pck}.
 * Errors are SS_EXIT_DATA.
 */
int ss_dcap_pck_read(X509 *, struct ss_dcap_pck *);

#endif /* !SS_DCAP_CERT_H */
