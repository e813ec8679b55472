#ifndef SS_PLATFORM_H
#define SS_PLATFORM_H

/*
 * The software platform's layout, which the host and the enclave share:
 * a directory (mode 0700) standing in for what an SGX CPU holds in
 * hardware.  It contains
 *
 *	seal.key	"SS-PLATFORM-SEAL-1-...": the sealing root secret
 *	attest.key	"SS-PLATFORM-ATTEST-1-...": the Ed25519 seed of the
 *			attestation key
 *	attest.pub	"ssplat1-...": the attestation public key
 *
 * In a confidential VM (SEV-SNP, TDX) the hardware attests, so there is
 * no attestation key; the directory holds seal.key and
 *
 *	tee		"snp" or "tdx", and a newline
 *
 * Both secrets are 0600 and read only by enclaves (enclave/ecall.c);
 * the host passes the directory's path, never its contents.  The host
 * makes and finds the directory (platform_dir.h).
 */

#define SS_PLATFORM_SEAL_FILE	"seal.key"
#define SS_PLATFORM_ATTEST_FILE	"attest.key"
#define SS_PLATFORM_PUB_FILE	"attest.pub"
#define SS_PLATFORM_TEE_FILE	"tee"
#define SS_PLATFORM_SEAL_PREFIX	"SS-PLATFORM-SEAL-1-"
#define SS_PLATFORM_ATTEST_PREFIX "SS-PLATFORM-ATTEST-1-"
#define SS_PLATFORM_TEXT_MAX	80

#endif /* !SS_PLATFORM_H */
