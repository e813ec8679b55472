#ifndef SS_ATTEST_H
#define SS_ATTEST_H

/*
 * ss-attest's operations: the software platform, measurements, stage
 * identities with their quotes, and quote verification (tee_quote.h has the
 * format).  Each prints its result on standard output and returns 0, or
 * -1 with an ss_err recorded: SS_EXIT_DATA when a quote or sealed file
 * is refused, SS_EXIT_SYS otherwise.
 */

#include <stddef.h>

struct ss_stage_opts;

/**
 * ss_attest_platform_init(void):
 * Create the platform directory and print its attestation public key.
 */
int ss_attest_platform_init(void);

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

struct ss_verify_opts {
	const char * platform;		/* "ssplat1-..." or a file */
	const char * measurement;	/* hex, or NULL */
	const char * nonce;		/* or NULL */
	int allow_software;
	const char * quote;		/* path, "-": stdin */
};

/**
 * ss_attest_verify(v):
 * Check a quote and print the stage's public key.
 */
int ss_attest_verify(const struct ss_verify_opts *);

/**
 * ss_attest_show(path):
 * Print the fields of the quote in ${path} for a person.
 */
int ss_attest_show(const char *);

#endif /* !SS_ATTEST_H */
