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
 *
 * Certificates are told apart by their subjects' common names (SEV-VCEK,
 * SEV-VLEK, SEV-Milan for an ASK, SEV-VLEK-Milan for an ASVK, ARK-Milan),
 * whatever file or table entry holds them and in whatever order; a
 * certificate table's GUID (VCEK, VLEK, ASK, which also holds an ASVK,
 * ARK; in either byte order) must agree with what its entry holds, and
 * entries of other GUIDs are skipped.  A certificate of no such name is
 * refused, as are two different ones of the same name (two VCEKs); the
 * same one given twice counts once.  The ARK is the one built in that the
 * ASK's issuer names, or policy->root_file's, and no other; an ARK given
 * with the certificates is not needed, and must be that one.
 */

#include <stddef.h>

#include "evidence.h"

#define SS_SNP_REPORT_LEN	1184

/**
 * ss_snp_parse(ev, claims):
 * ss_evidence_parse() of an SNP report: what it says, unverified (its
 * signer is "VCEK (not verified)"); a Turin report's TCB is read as
 * Turin's if the report says so (v3, CPU family 0x1a).
 */
int ss_snp_parse(const struct ss_blob *, struct ss_evidence_claims *);

/**
 * ss_snp_verify(ev, extra, nextra, policy, claims):
 * ss_evidence_verify() of an SNP report, in this order: the report's
 * layout (reserved areas zero, exactly 1184 bytes); the VCEK or VLEK its
 * SIGNING_KEY names, and the ASK or ASVK its issuer names, among the
 * certificates; the key's binding to the report (a v3 report's CPU family
 * is the chain's product's, a VCEK's hardware ID is the CHIP_ID, its TCB
 * extensions are REPORTED_TCB); the report's signature; the chain to the
 * root, with RSA-PSS SHA-384 signatures and each certificate valid at
 * policy->at (or now); then the policy (DEBUG, min_tcb, max_vmpl).
 * min_tcb's fmc counts on Turin only.  claims->signer is "VCEK (Milan)".
 */
int ss_snp_verify(const struct ss_blob *, const struct ss_blob *, size_t,
    const struct ss_evidence_policy *, struct ss_evidence_claims *);

/**
 * ss_snp_certs_verify(extra, nextra, vlek, policy, signer, size):
 * Check that the certificates ${extra} (as ss_snp_verify() takes them)
 * hold a VCEK (a VLEK if ${vlek}) whose chain leads to the root ${policy}
 * trusts, as ss_snp_verify() checks it, without a report (what a worker
 * can check of its auxblob); write its name ("VCEK (Turin)") into
 * ${signer} of ${size} bytes.
 */
int ss_snp_certs_verify(const struct ss_blob *, size_t, int,
    const struct ss_evidence_policy *, char *, size_t);

#endif /* !SS_SNP_H */
