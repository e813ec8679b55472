#ifndef SS_SNP_H
#define SS_SNP_H

/*
 * AMD SEV-SNP attestation reports (evidence.h): the report's layout (v2
 * and v3, 1184 bytes; AMD SEV-SNP ABI specification, "ATTESTATION_REPORT
 * Structure"), its ECDSA P-384 signature by the VCEK or VLEK, the chain
 * VCEK/VLEK -> ASK/ASVK -> ARK (RSA-PSS), the ARKs of Milan, Genoa and
 * Turin built in, the VCEK's hardware ID and TCB extensions against the
 * report's CHIP_ID and REPORTED_TCB, and the guest policy.  Certificates
 * come as the kernel's auxblob (a GUID certificate table) or as PEM or
 * DER files.
 */

#include <stddef.h>

#include "evidence.h"

#define SS_SNP_REPORT_LEN	1184

/**
 * ss_snp_parse(ev, claims):
 * ss_evidence_parse() of an SNP report.
 */
int ss_snp_parse(const struct ss_blob *, struct ss_evidence_claims *);

/**
 * ss_snp_verify(ev, extra, nextra, policy, claims):
 * ss_evidence_verify() of an SNP report.
 */
int ss_snp_verify(const struct ss_blob *, const struct ss_blob *, size_t,
    const struct ss_evidence_policy *, struct ss_evidence_claims *);

#endif /* !SS_SNP_H */
