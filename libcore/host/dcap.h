#ifndef SS_DCAP_H
#define SS_DCAP_H

/*
 * Intel DCAP quotes (evidence.h): SGX quotes v3 and TDX quotes v4 and v5
 * (Intel SGX/TDX DCAP Quoting Library API, "Quote Format"), with ECDSA
 * P-256 attestation keys: the quote's signature by the attestation key,
 * the QE report data equal to SHA-256(attestation key || QE
 * authentication data) and 32 zero bytes, the QE report's signature by
 * the PCK (and a QE that is not debuggable), the PCK chain (in the
 * quote's certification data) to the Intel SGX Root CA built in, the
 * CRLs when given, the debug attribute, and with collateral (TCB Info
 * and QE Identity as Intel's PCS serves them, dcap_collateral.h) the TCB
 * status and advisories as Intel's Quote Verification Library computes
 * them (dcap_tcb.h).
 *
 * A quote is read by the lengths it declares (dcap_quote.h): bytes after
 * its signature data are signed by nothing and ignored; a quote shorter
 * than it declares is refused.  Certificates, CRLs and collateral are
 * checked as of policy->at (0: now); sample collateral expires, so tests
 * check it at its issue time.
 *
 * TCB statuses: UpToDate, SWHardeningNeeded, ConfigurationNeeded and
 * ConfigurationAndSWHardeningNeeded are accepted with their advisories;
 * OutOfDate, OutOfDateConfigurationNeeded and the TD 1.5
 * TDRelaunchAdvised(ConfigurationNeeded) (a TD that runs an out-of-date
 * TDX module until relaunched) only with SS_TCB_ALLOW_OUT_OF_DATE;
 * Revoked only with SS_TCB_ALLOW_REVOKED.  Collateral that does not fit
 * the quote, or has no TCB level for it, is refused.  Without TCB Info,
 * tcb_status stays empty (a QE Identity given alone still has its QE's
 * level checked under the same policy).
 *
 * Claims: TDX: MRTD, RTMR0-3, TD_ATTRIBUTES as policy, REPORTDATA; SGX:
 * MRENCLAVE, MRSIGNER, ISVPRODID, ISVSVN, ATTRIBUTES.FLAGS as policy,
 * REPORTDATA.  tcb_text: TDX "TEE TCB SVN <hex> [SVN2 <hex>] PCESVN n",
 * the TD's TEE TCB SVN (and TEE_TCB_SVN_2 of TD 1.5) and the PCK's
 * PCESVN; SGX "CPUSVN <hex> PCESVN n", the PCK certificate's TCB, which
 * is what TCB Info is matched against.
 */

#include <stddef.h>

#include "evidence.h"

/**
 * ss_dcap_parse(kind, ev, claims):
 * ss_evidence_parse() of a DCAP quote of ${kind} (SS_EVIDENCE_TDX or
 * SS_EVIDENCE_SGX): what it says, unverified (the PCESVN of tcb_text
 * from its PCK certificate's SGX extensions).
 */
int ss_dcap_parse(int, const struct ss_blob *, struct ss_evidence_claims *);

/**
 * ss_dcap_verify(kind, ev, extra, nextra, policy, claims):
 * ss_evidence_verify() of a DCAP quote of ${kind}.
 */
int ss_dcap_verify(int, const struct ss_blob *, const struct ss_blob *,
    size_t, const struct ss_evidence_policy *, struct ss_evidence_claims *);

#endif /* !SS_DCAP_H */
