/*
 * libFuzzer harness for SEV-SNP evidence (snp.c): the report's parser,
 * and the reader and classifier of the certificates that come with it
 * (certificate tables, PEM, DER).  The first byte says what the rest is:
 *
 *   0  a report: ss_snp_parse(), and ss_snp_verify() with the real Milan
 *      VCEK and its chain
 *   1  certificates: ss_snp_verify() of the real Milan report with them,
 *      and ss_snp_certs_verify() of them
 *   2  two blobs of certificates, cut where the next two bytes say
 *
 * The real vectors are read from tests/vector/tee/amd-sev-snp, from the
 * top of the tree (where tests/fuzz/run runs the harnesses).  A refusal
 * must be a data error of one line; a report that verifies must have the
 * real report's signed bytes (nothing else is signed by that VCEK);
 * certificates that verify with the real report must also verify on
 * their own, and name a VCEK (or VLEK) as asked.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "evidence.h"
#include "snp.h"

#include "fuzz_util.h"

#define VEC	"tests/vector/tee/amd-sev-snp/"

/* 2025-06-01 00:00:00 UTC, when the vectors' certificates were valid. */
#define AT	1748736000

static struct ss_blob report, vcek, chain;

/* The whole of the vector ${name}. */
static struct ss_blob
vector(const char * name)
{
	struct ss_blob b = { NULL, 0, name };
	uint8_t * p;
	FILE * f;
	long n;

	if ((f = fopen(name, "rb")) == NULL || fseek(f, 0, SEEK_END) != 0 ||
	    (n = ftell(f)) <= 0 || fseek(f, 0, SEEK_SET) != 0 ||
	    (p = malloc((size_t)n)) == NULL ||
	    fread(p, 1, (size_t)n, f) != (size_t)n) {
		perror(name);
		abort();
	}
	fclose(f);
	b.p = p;
	b.len = (size_t)n;
	return (b);
}

int
LLVMFuzzerInitialize(int * argc, char *** argv)
{

	fu_init(argc, argv);
	report = vector(VEC "virtee-sev/report_milan.bin");
	vcek = vector(VEC "virtee-sev/vcek_milan.der");
	chain = vector(VEC "virtee-sev/cert_chain_milan");
	return (0);
}

/* A refusal: a data error, one line. */
static void
refusal(void)
{
	const char * msg = ss_err_msg();

	if (ss_err_status() != SS_EXIT_DATA || msg[0] == '\0' ||
	    strchr(msg, '\n') != NULL) {
		fprintf(stderr, "fuzz_snp: refusal %d: %s\n", ss_err_status(),
		    msg);
		abort();
	}
}

/* What we accept: the vectors' time, any VMPL, no debug. */
static struct ss_evidence_policy
policy(void)
{
	struct ss_evidence_policy pol;

	ss_evidence_policy_init(&pol, AT);
	return (pol);
}

/* ${p} as a report. */
static void
as_report(const uint8_t * p, size_t len)
{
	struct ss_evidence_policy pol = policy();
	struct ss_evidence_claims c;
	struct ss_blob ev = { p, len, "fuzz" }, ex[2] = { vcek, chain };

	ss_err_clear();
	if (ss_snp_parse(&ev, &c) != 0) {
		refusal();
		return;
	}
	if ((c.version != 2 && c.version != 3) || c.measurement_len != 48 ||
	    c.tcb_text[0] == '\0' || len != SS_SNP_REPORT_LEN)
		abort();
	ss_err_clear();
	if (ss_snp_verify(&ev, ex, 2, &pol, &c) != 0) {
		refusal();
		return;
	}
	if (memcmp(p, report.p, 0x2a0) != 0 ||
	    strcmp(c.signer, "VCEK (Milan)") != 0)
		abort();
}

/* ${n} blobs ${ex} as the certificates of the real report. */
static void
as_certs(const struct ss_blob * ex, size_t n)
{
	struct ss_evidence_policy pol = policy();
	struct ss_evidence_claims c;
	char signer[64];
	int rc;

	ss_err_clear();
	if ((rc = ss_snp_verify(&report, ex, n, &pol, &c)) != 0)
		refusal();
	else if (strcmp(c.signer, "VCEK (Milan)") != 0)
		abort();
	ss_err_clear();
	if (ss_snp_certs_verify(ex, n, 0, &pol, signer, sizeof(signer)) != 0) {
		refusal();
		if (rc == 0)
			abort();
	} else if (strncmp(signer, "VCEK (", 6) != 0)
		abort();
	ss_err_clear();
	if (ss_snp_certs_verify(ex, n, 1, &pol, signer, sizeof(signer)) != 0)
		refusal();
	else if (strncmp(signer, "VLEK (", 6) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t * data, size_t size)
{
	struct ss_blob ex[2];
	size_t cut;

	if (size < 1)
		return (0);
	switch (data[0] & 3) {
	case 0:
		as_report(data + 1, size - 1);
		break;
	case 1:
		ex[0] = (struct ss_blob){ data + 1, size - 1, "blob" };
		as_certs(ex, 1);
		break;
	default:
		if (size < 3)
			return (0);
		cut = ((size_t)data[1] << 8 | data[2]) % (size - 2);
		ex[0] = (struct ss_blob){ data + 3, cut, "first" };
		ex[1] = (struct ss_blob){ data + 3 + cut, size - 3 - cut,
		    "second" };
		as_certs(ex, 2);
		break;
	}
	return (0);
}
