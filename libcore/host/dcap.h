#ifndef SS_DCAP_H
#define SS_DCAP_H

/*
 * Intel DCAP quotes (evidence.h): SGX quotes v3 and TDX quotes v4 and v5
 * (Intel SGX/TDX DCAP Quoting Library API, "Quote Format"), with ECDSA
 * P-256 attestation keys: the quote's signature by the attestation key,
 * the QE report's signature by the PCK, the QE report data equal to
 * SHA-256(attestation key || QE authentication data), the PCK chain (in
 * the quote's certification data) to the Intel SGX Root CA built in, the
 * CRLs when given, the debug attribute, and with collateral (TCB Info and
 * QE Identity as Intel's PCS serves them) the TCB status and advisories.
 */

#include <stddef.h>

#include "evidence.h"

/**
 * ss_dcap_parse(kind, ev, claims):
 * ss_evidence_parse() of a DCAP quote of ${kind} (SS_EVIDENCE_TDX or
 * SS_EVIDENCE_SGX).
 */
int ss_dcap_parse(int, const struct ss_blob *, struct ss_evidence_claims *);

/**
 * ss_dcap_verify(kind, ev, extra, nextra, policy, claims):
 * ss_evidence_verify() of a DCAP quote of ${kind}.
 */
int ss_dcap_verify(int, const struct ss_blob *, const struct ss_blob *,
    size_t, const struct ss_evidence_policy *, struct ss_evidence_claims *);

#endif /* !SS_DCAP_H */
