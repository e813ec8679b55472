#ifndef SS_EVIDENCE_H
#define SS_EVIDENCE_H

/*
 * Hardware attestation evidence, verified on the owner's machine with
 * OpenSSL: AMD SEV-SNP attestation reports (snp.c) and Intel DCAP quotes
 * of TDX and SGX (dcap.c).  Verification checks the evidence's signature
 * and its certificate chain up to a vendor root built into this program
 * (pinned by SHA-256), or up to the one root the caller names instead
 * (tests); then the policy (debug, TCB, VMPL); then it hands back the
 * claims a verifier compares with what it pins.  It makes no network
 * call: certificates and collateral come with the evidence or from files.
 *
 * Errors: evidence that is malformed, does not verify or breaks the
 * policy is SS_EXIT_DATA, with one line that names what failed ("SNP
 * report signature does not verify", "VCEK is not signed by the ASK",
 * "TDX quote: TD is debuggable (--allow-debug accepts it)"); an
 * unreadable root file is SS_EXIT_SYS.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

/* Kinds of evidence. */
#define SS_EVIDENCE_SNP		1	/* SEV-SNP attestation report, v2 or v3 */
#define SS_EVIDENCE_TDX		2	/* DCAP quote v4 or v5 of a TD */
#define SS_EVIDENCE_SGX		3	/* DCAP quote v3 of an SGX enclave */

#define SS_EVIDENCE_REPORT_DATA		64
#define SS_EVIDENCE_MEASUREMENT_MAX	48

/* Bytes handed in: the evidence, or a certificate or collateral file. */
struct ss_blob {
	const uint8_t * p;
	size_t len;
	const char * name;		/* for messages: a path, "auxblob" */
};

/* SEV-SNP TCB_VERSION components (Turin adds fmc). */
struct ss_snp_tcb {
	uint8_t fmc;
	uint8_t bootloader;
	uint8_t tee;
	uint8_t snp;
	uint8_t microcode;
};

/* What the verifier accepts. */
struct ss_evidence_policy {
	int allow_debug;		/* a debuggable TEE */
	/* SEV-SNP */
	int min_tcb_set;		/* REPORTED_TCB at least min_tcb */
	struct ss_snp_tcb min_tcb;
	int max_vmpl;			/* VMPL at most this; -1: any */
	/* DCAP: TCB statuses accepted besides UpToDate, SWHardeningNeeded,
	   ConfigurationNeeded and ConfigurationAndSWHardeningNeeded, which
	   are accepted with their advisories printed: bits of
	   SS_TCB_ALLOW_*.  OutOfDate, OutOfDateConfigurationNeeded and
	   Revoked are refused unless allowed here. */
	unsigned allow_tcb;
	/* The one root to trust instead of the built-in vendor roots (a
	   PEM file), or NULL.  Tests name a root they made. */
	const char * root_file;
	/* Check certificates and collateral as of this time (0: now). */
	time_t at;
};
#define SS_TCB_ALLOW_OUT_OF_DATE	1U	/* and OutOfDateConfigurationNeeded */
#define SS_TCB_ALLOW_REVOKED		2U

/* What verified evidence says. */
struct ss_evidence_claims {
	int kind;			/* SS_EVIDENCE_* */
	unsigned version;		/* of the report or quote */
	uint8_t report_data[SS_EVIDENCE_REPORT_DATA];
	/* SNP MEASUREMENT (48), TDX MRTD (48), SGX MRENCLAVE (32). */
	uint8_t measurement[SS_EVIDENCE_MEASUREMENT_MAX];
	size_t measurement_len;
	uint8_t rtmr[4][48];		/* TDX */
	uint8_t mrsigner[32];		/* SGX MRSIGNER */
	uint16_t isv_prod_id, isv_svn;	/* SGX */
	uint8_t host_data[32];		/* SNP HOST_DATA */
	uint8_t chip_id[64];		/* SNP CHIP_ID */
	int debug;			/* the TEE is debuggable */
	uint64_t policy;		/* SNP guest POLICY; TDX TD_ATTRIBUTES;
					   SGX ATTRIBUTES.FLAGS */
	unsigned vmpl;			/* SNP */
	struct ss_snp_tcb tcb;		/* SNP REPORTED_TCB */
	char tcb_text[96];		/* the TCB, printable: "bootloader 3
					   tee 0 snp 8 microcode 115", or
					   DCAP's TCB SVNs */
	char tcb_status[48];		/* DCAP with collateral: "UpToDate";
					   else "" */
	char advisories[256];		/* DCAP: "INTEL-SA-00289,..." */
	char signer[64];		/* "VCEK (Milan)", "VLEK (Genoa)",
					   "PCK (Intel SGX Root CA)" */
};

/**
 * ss_evidence_policy_init(policy, at):
 * Make ${policy} what ss-attest verify accepts without options: nothing
 * debuggable, any TCB and VMPL of SEV-SNP, DCAP's TCB statuses short of
 * OutOfDate, the built-in roots, as of ${at} (0: now).
 */
void ss_evidence_policy_init(struct ss_evidence_policy *, time_t);

/**
 * ss_evidence_detect(buf, len):
 * The kind of evidence ${buf} holds (by its version and type fields), or
 * 0 if it is none of them.
 */
int ss_evidence_detect(const uint8_t *, size_t);

/**
 * ss_evidence_parse(kind, ev, claims):
 * Read the evidence ${ev} of ${kind} into ${claims} without verifying
 * anything (for ss-attest show); malformed evidence is SS_EXIT_DATA.
 */
int ss_evidence_parse(int, const struct ss_blob *,
    struct ss_evidence_claims *);

/**
 * ss_evidence_verify(kind, ev, extra, nextra, policy, claims):
 * Verify the evidence ${ev} of ${kind} with the certificates and
 * collateral ${extra} (SNP: the VCEK or VLEK and its chain, as a
 * certificate table from the kernel's auxblob or as PEM or DER files;
 * DCAP: TCB Info, QE Identity, CRLs and their issuer chains, as Intel's
 * PCS serves them, or one JSON bundle of them all; the PCK chain comes in
 * the quote) under ${policy}; fill ${claims}.
 */
int ss_evidence_verify(int, const struct ss_blob *, const struct ss_blob *,
    size_t, const struct ss_evidence_policy *, struct ss_evidence_claims *);

/**
 * ss_evidence_le(p, n):
 * The little-endian unsigned integer of the ${n} (at most 8) bytes at ${p}.
 */
uint64_t ss_evidence_le(const uint8_t *, size_t);

/**
 * ss_evidence_print(claims, f):
 * Print the fields a person checks, one "name: value" line each.
 */
void ss_evidence_print(const struct ss_evidence_claims *, FILE *);

#endif /* !SS_EVIDENCE_H */
