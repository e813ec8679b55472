#ifndef SS_ATTEST_H
#define SS_ATTEST_H

/*
 * ss-attest's operations: platforms (the software platform, or a
 * confidential VM's: SEV-SNP, TDX), measurements, stage identities with
 * their quotes (attest.c), and the verification of quotes and of
 * hardware evidence on its own (attest_verify.c; tee_quote.h has the
 * format, evidence.h the hardware's).  Each prints its result on standard
 * output and returns 0, or -1 with an ss_err recorded: SS_EXIT_DATA when
 * a quote, evidence or sealed file is refused, SS_EXIT_SYS otherwise.
 */

#include <stddef.h>

struct ss_stage_opts;

/**
 * ss_attest_platform_init(tee):
 * Create the platform directory of kind ${tee} ("software", "snp" or
 * "tdx"; NULL: the confidential VM's if configfs-tsm is there, else
 * software).  Print the software platform's attestation public key, or
 * a confidential VM's launch measurement (which the hardware's reports
 * carry, and which an owner compares with the VM image's).
 */
int ss_attest_platform_init(const char *);

/**
 * ss_attest_measure(o, image):
 * Print the measurement of the enclave image ${image} (NULL: the
 * installed one) running the program of ${o}.
 */
int ss_attest_measure(const struct ss_stage_opts *, const char *);

/**
 * ss_attest_new(o, sealed, nonce):
 * Have an enclave make a stage identity for the program of ${o}: write
 * it sealed to ${sealed} and print its quote.
 */
int ss_attest_new(const struct ss_stage_opts *, const char *, const char *);

/* Most --certs files. */
#define SS_VERIFY_CERTS_MAX	16

/* ss-attest verify's options, as given; ss_attest_verify() reads them. */
struct ss_verify_opts {
	const char * platform;		/* "ssplat1-..." or a file */
	const char * measurement;	/* hex, or NULL */
	const char * nonce;		/* or NULL */
	int allow_software;
	/* Hardware evidence: */
	const char * launch;		/* --launch-measurement: hex */
	const char * rtmr[4];		/* --rtmr N:HEX, TDX */
	const char * mrsigner;		/* --mrsigner HEX, SGX */
	const char * certs[SS_VERIFY_CERTS_MAX];	/* --certs FILE */
	size_t ncerts;
	const char * root;		/* --root FILE: the only root */
	int allow_debug;
	const char * min_tcb;		/* --min-tcb, SNP */
	const char * vmpl;		/* --vmpl N, SNP: at most */
	const char * allow_tcb;		/* --allow-tcb, DCAP */
	const char * at;		/* --at TIME */
	const char * quote;		/* path, "-": stdin */
};

/**
 * ss_attest_verify(v):
 * Check a quote and print the stage's public key; or check hardware
 * evidence on its own (an SEV-SNP report, a TDX or SGX quote) and print
 * its REPORT_DATA in hex.
 */
int ss_attest_verify(const struct ss_verify_opts *);

/**
 * ss_attest_show(path):
 * Print the fields of the quote, or hardware evidence, in ${path} for a
 * person.
 */
int ss_attest_show(const char *);

#endif /* !SS_ATTEST_H */
