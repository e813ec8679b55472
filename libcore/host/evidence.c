/*
 * Hardware attestation evidence (evidence.h): which kind a buffer holds,
 * the verifier of each kind, and the fields a person checks.
 */

#include <stdio.h>
#include <string.h>

#include "dcap.h"
#include "err.h"
#include "evidence.h"
#include "snp.h"

uint64_t
ss_evidence_le(const uint8_t * p, size_t n)
{
	uint64_t x = 0;

	while (n-- > 0)
		x = (x << 8) | p[n];
	return (x);
}

void
ss_evidence_policy_init(struct ss_evidence_policy * p, time_t at)
{

	memset(p, 0, sizeof(*p));
	p->max_vmpl = -1;
	p->at = at;
}

int
ss_evidence_detect(const uint8_t * buf, size_t len)
{
	uint32_t version;

	if (len < 8)
		return (0);
	/* A DCAP quote: version[2] att_key_type[2] = 2 (ECDSA P-256)
	   tee_type[4] = 0 (SGX) or 0x81 (TDX). */
	version = (uint32_t)buf[0] | (uint32_t)buf[1] << 8;
	if (buf[2] == 2 && buf[3] == 0) {
		if (version == 3 && ss_evidence_le(buf + 4, 4) == 0)
			return (SS_EVIDENCE_SGX);
		if ((version == 4 || version == 5) &&
		    ss_evidence_le(buf + 4, 4) == 0x81)
			return (SS_EVIDENCE_TDX);
	}
	/* An SNP report: version[4] = 2 or 3, SIGNATURE_ALGO[4] at 0x34 =
	   1 (ECDSA P-384); its length is snp.c's to check. */
	version = ss_evidence_le(buf, 4);
	if ((version == 2 || version == 3) && len >= 0x38 &&
	    ss_evidence_le(buf + 0x34, 4) == 1)
		return (SS_EVIDENCE_SNP);
	return (0);
}

int
ss_evidence_parse(int kind, const struct ss_blob * ev,
    struct ss_evidence_claims * c)
{

	memset(c, 0, sizeof(*c));
	switch (kind) {
	case SS_EVIDENCE_SNP:
		return (ss_snp_parse(ev, c));
	case SS_EVIDENCE_TDX:
	case SS_EVIDENCE_SGX:
		return (ss_dcap_parse(kind, ev, c));
	default:
		ss_err_set(SS_EXIT_DATA, "%s: not SNP, TDX or SGX evidence",
		    ev->name);
		return (-1);
	}
}

int
ss_evidence_verify(int kind, const struct ss_blob * ev,
    const struct ss_blob * extra, size_t nextra,
    const struct ss_evidence_policy * pol, struct ss_evidence_claims * c)
{

	memset(c, 0, sizeof(*c));
	switch (kind) {
	case SS_EVIDENCE_SNP:
		return (ss_snp_verify(ev, extra, nextra, pol, c));
	case SS_EVIDENCE_TDX:
	case SS_EVIDENCE_SGX:
		return (ss_dcap_verify(kind, ev, extra, nextra, pol, c));
	default:
		ss_err_set(SS_EXIT_DATA, "%s: not SNP, TDX or SGX evidence",
		    ev->name);
		return (-1);
	}
}

/* "name: hex" */
static void
print_hex(FILE * f, const char * name, const uint8_t * p, size_t len)
{
	size_t i;

	fprintf(f, "%s: ", name);
	for (i = 0; i < len; i++)
		fprintf(f, "%02x", p[i]);
	fputc('\n', f);
}

void
ss_evidence_print(const struct ss_evidence_claims * c, FILE * f)
{
	static const char * const kinds[] = { "?", "AMD SEV-SNP report",
	    "Intel TDX quote", "Intel SGX quote" };
	size_t i;
	char name[16];

	fprintf(f, "evidence: %s v%u\n", kinds[(c->kind >= 1 &&
	    c->kind <= 3) ? c->kind : 0], c->version);
	if (c->signer[0] != '\0')
		fprintf(f, "signed by: %s\n", c->signer);
	print_hex(f, (c->kind == SS_EVIDENCE_SNP) ? "launch measurement" :
	    (c->kind == SS_EVIDENCE_TDX) ? "MRTD" : "MRENCLAVE",
	    c->measurement, c->measurement_len);
	if (c->kind == SS_EVIDENCE_TDX)
		for (i = 0; i < 4; i++) {
			snprintf(name, sizeof(name), "RTMR%zu", i);
			print_hex(f, name, c->rtmr[i], sizeof(c->rtmr[i]));
		}
	if (c->kind == SS_EVIDENCE_SGX) {
		print_hex(f, "MRSIGNER", c->mrsigner, sizeof(c->mrsigner));
		fprintf(f, "ISV product id: %u\nISV SVN: %u\n",
		    (unsigned)c->isv_prod_id, (unsigned)c->isv_svn);
	}
	fprintf(f, "debug: %s\n", c->debug ? "yes (NOT confidential)" : "no");
	fprintf(f, "policy: 0x%llx\n", (unsigned long long)c->policy);
	if (c->kind == SS_EVIDENCE_SNP) {
		fprintf(f, "VMPL: %u\n", c->vmpl);
		print_hex(f, "host data", c->host_data, sizeof(c->host_data));
		print_hex(f, "chip id", c->chip_id, sizeof(c->chip_id));
	}
	fprintf(f, "TCB: %s\n", c->tcb_text);
	if (c->tcb_status[0] != '\0')
		fprintf(f, "TCB status: %s\n", c->tcb_status);
	if (c->advisories[0] != '\0')
		fprintf(f, "advisories: %s\n", c->advisories);
	print_hex(f, "report data", c->report_data, sizeof(c->report_data));
}
