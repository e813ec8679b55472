/*
 * libFuzzer harness for Intel DCAP quotes and their collateral.  The
 * first byte chooses what the rest is:
 *
 *   0, 1   a TDX (0) or SGX (1) quote: ss_dcap_quote_parse() must keep
 *          every field inside the quote's declared length and the input,
 *          with lengths that add up; ss_dcap_parse() and ss_dcap_verify()
 *          (no collateral, at a fixed time) must agree with it
 *   2, 3   the JSON of a TCB Info (2) or QE Identity (3): what reads is
 *          put through ss_dcap_tcb_status() against fixed TD 1.5 and SGX
 *          quotes and PCK values
 *   4      a collateral blob: read as PCS serves it (or as a bundle) and
 *          verified to the Intel SGX Root CA at a fixed time
 *
 * Every refusal is one line, SS_EXIT_DATA (SS_EXIT_SYS only for want of
 * memory); nothing may crash, leak or read outside the input.
 */

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dcap.h"
#include "dcap_cert.h"
#include "dcap_collateral.h"
#include "dcap_quote.h"
#include "dcap_tcb.h"
#include "err.h"
#include "evidence.h"

#include "fuzz_util.h"

/* 2023-06-18T08:42:58Z, when go-tdx-guest's collateral was issued. */
#define AT		1687078978

/* Fixed quotes for ss_dcap_tcb_status(): a TD 1.5 and an SGX one. */
static uint8_t td_body[SS_DCAP_TD15_LEN], sgx_body[SS_DCAP_SGX_REPORT_LEN];
static uint8_t qe_report[SS_DCAP_SGX_REPORT_LEN];

int
LLVMFuzzerInitialize(int * argc, char *** argv)
{
	size_t i;

	fu_init(argc, argv);
	for (i = 0; i < 16; i++) {
		td_body[SS_DCAP_TD_TEE_TCB_SVN + i] = (uint8_t)(16 - i);
		td_body[SS_DCAP_TD_TEE_TCB_SVN2 + i] = (uint8_t)(17 - i);
	}
	td_body[SS_DCAP_TD_TEE_TCB_SVN + 1] = 1;
	qe_report[SS_DCAP_SGX_ISVSVN] = 4;
	return (0);
}

/* A refusal: one line, a data error (or no memory). */
static void
check_refusal(void)
{

	if ((ss_err_status() != SS_EXIT_DATA &&
	    ss_err_status() != SS_EXIT_SYS) ||
	    strchr(ss_err_msg(), '\n') != NULL || ss_err_msg()[0] == '\0')
		abort();
}

/* ${p} of ${n} bytes lies inside the ${len} bytes at ${buf}. */
static void
inside(const uint8_t * buf, size_t len, const uint8_t * p, size_t n)
{

	if (p < buf || (size_t)(p - buf) > len || n > len - (size_t)(p - buf))
		abort();
}

static void
quote(int kind, const uint8_t * buf, size_t len)
{
	struct ss_dcap_quote q;
	struct ss_evidence_claims c, v;
	struct ss_evidence_policy pol;
	struct ss_blob ev = { buf, len, "fuzz" };
	int parsed;

	if (ss_dcap_quote_parse(&q, kind, buf, len) != 0) {
		check_refusal();
		if (ss_dcap_parse(kind, &ev, &c) == 0)
			abort();
		return;
	}
	if (q.len > len || q.signed_len > q.len || q.kind != kind)
		abort();
	inside(buf, q.len, q.header, q.signed_len);
	inside(buf, q.len, q.body, q.body_len);
	inside(buf, q.len, q.sig, SS_DCAP_SIG_LEN);
	inside(buf, q.len, q.key, SS_DCAP_KEY_LEN);
	inside(buf, q.len, q.qe_report, SS_DCAP_SGX_REPORT_LEN);
	inside(buf, q.len, q.qe_sig, SS_DCAP_SIG_LEN);
	inside(buf, q.len, q.qe_auth, q.qe_auth_len);
	inside(buf, q.len, q.pck_chain, q.pck_chain_len);
	if (q.pck_chain + q.pck_chain_len != buf + q.len ||
	    q.body + q.body_len != buf + q.signed_len)
		abort();
	if (!(parsed = (ss_dcap_parse(kind, &ev, &c) == 0)))
		check_refusal();
	memset(&pol, 0, sizeof(pol));
	pol.at = AT;
	pol.allow_debug = 1;
	if (ss_dcap_verify(kind, &ev, NULL, 0, &pol, &v) == 0) {
		/* What verifies parses, to the same claims. */
		memset(v.signer, 0, sizeof(v.signer));
		if (!parsed || memcmp(&c, &v, sizeof(c)) != 0)
			abort();
	} else
		check_refusal();
}

/* ${info} or ${qeid} against the fixed quotes. */
static void
status(const struct ss_dcap_tcbinfo * info, const struct ss_dcap_qeid * qeid)
{
	struct ss_dcap_quote td, sgx;
	struct ss_dcap_pck pck;
	char adv[256];
	int s;

	memset(&td, 0, sizeof(td));
	td.kind = SS_EVIDENCE_TDX;
	td.version = 5;
	td.body_type = SS_DCAP_BODY_TD15;
	td.body = td_body;
	td.body_len = sizeof(td_body);
	td.qe_report = qe_report;
	sgx = td;
	sgx.kind = SS_EVIDENCE_SGX;
	sgx.version = 3;
	sgx.body_type = SS_DCAP_BODY_SGX;
	sgx.body = sgx_body;
	sgx.body_len = sizeof(sgx_body);
	memset(&pck, 0x05, sizeof(pck));
	pck.pcesvn = 11;
	if (info != NULL)
		memcpy(pck.fmspc, info->fmspc, sizeof(pck.fmspc));
	memset(pck.pceid, 0, sizeof(pck.pceid));
	if (ss_dcap_tcb_status(info, qeid, &pck, &td, &s, adv,
	    sizeof(adv)) == 0) {
		if (s < 0 || s >= SS_DCAP_TCB_NSTATUS || strlen(adv) >= 256)
			abort();
	} else
		check_refusal();
	if (ss_dcap_tcb_status(info, qeid, &pck, &sgx, &s, adv,
	    sizeof(adv)) != 0)
		check_refusal();
}

static void
json(int what, const uint8_t * buf, size_t len)
{
	struct ss_dcap_tcbinfo * info;
	struct ss_dcap_qeid * qeid;

	if (what == 2) {
		if (ss_dcap_tcbinfo_parse(buf, len, "fuzz", &info) != 0) {
			check_refusal();
			return;
		}
		if (info->nlevels == 0 || (info->version != 2 &&
		    info->version != 3))
			abort();
		status(info, NULL);
		ss_dcap_tcbinfo_free(info);
	} else {
		if (ss_dcap_qeid_parse(buf, len, "fuzz", &qeid) != 0) {
			check_refusal();
			return;
		}
		if (qeid->nlevels == 0)
			abort();
		status(NULL, qeid);
		ss_dcap_qeid_free(qeid);
	}
}

static void
collateral(const uint8_t * buf, size_t len)
{
	struct ss_blob b = { buf, len, "fuzz" };
	struct ss_dcap_trust * t;
	struct ss_dcap_collateral * col;
	struct ss_dcap_tcbinfo * info;
	struct ss_dcap_qeid * qeid;

	if ((t = ss_dcap_trust_new(NULL, AT)) == NULL)
		abort();
	if ((col = ss_dcap_collateral_read(&b, 1, t)) == NULL)
		check_refusal();
	else if (ss_dcap_collateral_verify(col, t, &info, &qeid) != 0)
		check_refusal();
	else {
		ss_dcap_tcbinfo_free(info);
		ss_dcap_qeid_free(qeid);
	}
	ss_dcap_collateral_free(col);
	ss_dcap_trust_free(t);
}

int
LLVMFuzzerTestOneInput(const uint8_t * data, size_t size)
{

	if (size == 0)
		return (0);
	switch (data[0] % 5) {
	case 0:
		quote(SS_EVIDENCE_TDX, data + 1, size - 1);
		break;
	case 1:
		quote(SS_EVIDENCE_SGX, data + 1, size - 1);
		break;
	case 2:
	case 3:
		json(data[0] % 5, data + 1, size - 1);
		break;
	default:
		collateral(data + 1, size - 1);
		break;
	}
	ss_err_clear();
	return (0);
}
