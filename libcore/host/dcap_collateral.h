#ifndef SS_DCAP_COLLATERAL_H
#define SS_DCAP_COLLATERAL_H

/*
 * DCAP collateral (dcap.h) as it comes, each piece recognised by its
 * content: files as Intel's PCS serves them (the TCB Info response
 * {"tcbInfo": ..., "signature": ...}, the QE Identity response
 * {"enclaveIdentity": ..., "signature": ...}, CRLs in DER or PEM, issuer
 * chains in PEM), or one JSON bundle of them all (dcap-qvl's
 * QuoteCollateralV3: tcb_info, qe_identity, their signatures and issuer
 * chains, pck_crl_issuer_chain, and root_ca_crl and pck_crl in hex).
 * Verified: every issuer chain to the root with the CRLs, the signatures
 * of TCB Info and QE Identity by the TCB signing certificate over their
 * exact bytes as served, and their dates.
 */

#include <stddef.h>
#include <time.h>

#include "dcap_cert.h"
#include "dcap_tcb.h"
#include "evidence.h"

struct ss_dcap_collateral;

/**
 * ss_dcap_collateral_read(extra, nextra, t):
 * Read the ${nextra} blobs ${extra} as DCAP collateral: their CRLs are
 * added to ${t}; the rest is kept, unverified, in the result.  A blob
 * that is none of them, or a second TCB Info or QE Identity, is refused
 * (SS_EXIT_DATA).
 */
struct ss_dcap_collateral * ss_dcap_collateral_read(const struct ss_blob *,
    size_t, struct ss_dcap_trust *);

/**
 * ss_dcap_collateral_verify(col, t, info, qeid):
 * Verify the issuer chains of ${col} to the root of ${t} with its CRLs,
 * and the TCB Info and QE Identity of ${col}, if given (else NULL):
 * signed by the TCB signing certificate, issued by the time of ${t} and
 * not yet at their next update; read them into new ${info} and ${qeid}.
 * Errors are SS_EXIT_DATA.
 */
int ss_dcap_collateral_verify(struct ss_dcap_collateral *,
    struct ss_dcap_trust *, struct ss_dcap_tcbinfo **, struct ss_dcap_qeid **);

/**
 * ss_dcap_collateral_free(col):
 * Free ${col}.
 */
void ss_dcap_collateral_free(struct ss_dcap_collateral *);

#endif /* !SS_DCAP_COLLATERAL_H */
