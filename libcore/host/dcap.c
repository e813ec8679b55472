/*
 * Intel DCAP quotes (dcap.h): the quote's signatures and its PCK chain,
 * the debug policy, the collateral and the TCB policy, and the claims.
 * The checks run cheapest first, so that damaged evidence is refused
 * before any certificate is verified.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include "crypt.h"
#include "dcap.h"
#include "dcap_cert.h"
#include "dcap_collateral.h"
#include "dcap_quote.h"
#include "dcap_tcb.h"
#include "err.h"
#include "evidence.h"
#include "tee_quote.h"
#include "x509.h"

#define PCK_CN_PHRASE	"SGX PCK Certificate"
#define CN_MAX		128

/* What verification holds while it runs. */
struct verify {
	struct ss_dcap_quote q;
	const char * name;		/* "TDX quote" */
	STACK_OF(X509) * pck_chain;
	struct ss_dcap_pck pck;
	struct ss_dcap_trust * trust;
	struct ss_dcap_collateral * col;
	struct ss_dcap_tcbinfo * info;
	struct ss_dcap_qeid * qeid;
};

/* The quote's signature over its header and body by the attestation key. */
static int
check_quote_signature(const struct verify * v)
{
	EVP_PKEY * key;
	int rc;

	if ((key = ss_x509_p256_key(v->q.key)) == NULL) {
		ss_err_prefix("%s: attestation key", v->name);
		return (-1);
	}
	rc = ss_x509_ecdsa_verify(key, EVP_sha256(), v->q.sig,
	    SS_DCAP_SIG_LEN / 2, v->q.header, v->q.signed_len);
	EVP_PKEY_free(key);
	if (rc == 1)
		ss_err_set(SS_EXIT_DATA, "%s: signature does not verify with "
		    "its attestation key", v->name);
	return (rc == 0 ? 0 : -1);
}

/* QE report data: SHA-256(attestation key || QE auth data), 32 zeros. */
static int
check_qe_report_data(const struct verify * v)
{
	const uint8_t * rd = v->q.qe_report + SS_DCAP_SGX_REPORTDATA;
	uint8_t digest[SS_SHA256_LEN], zero[SS_SHA256_LEN] = { 0 };
	char want[2 * SS_SHA256_LEN + 1], have[2 * SS_SHA256_LEN + 1];
	uint8_t * buf;
	int rc;

	if ((buf = malloc(SS_DCAP_KEY_LEN + v->q.qe_auth_len)) == NULL) {
		ss_err_errno("malloc");
		return (-1);
	}
	memcpy(buf, v->q.key, SS_DCAP_KEY_LEN);
	memcpy(buf + SS_DCAP_KEY_LEN, v->q.qe_auth, v->q.qe_auth_len);
	rc = ss_sha256(digest, buf, SS_DCAP_KEY_LEN + v->q.qe_auth_len);
	free(buf);
	if (rc)
		return (-1);
	if (memcmp(rd, digest, sizeof(digest)) == 0 &&
	    memcmp(rd + SS_SHA256_LEN, zero, sizeof(zero)) == 0)
		return (0);
	ss_hex(have, rd, SS_SHA256_LEN);
	ss_hex(want, digest, SS_SHA256_LEN);
	ss_err_set(SS_EXIT_DATA, "%s: QE report data %s%s is not SHA-256 of "
	    "the attestation key and QE authentication data, %s: the QE did "
	    "not certify this key", v->name, have,
	    memcmp(rd + SS_SHA256_LEN, zero, sizeof(zero)) ? "..." : "", want);
	return (-1);
}

/*
 * The PCK certificate (the chain's first): a P-256 key whose signature
 * over the QE report verifies, a subject naming an SGX PCK certificate
 * (4.1.2.4.4), and SGX extensions; and a QE that is not debuggable.
 */
static int
check_qe_report(struct verify * v)
{
	X509 * pck = sk_X509_value(v->pck_chain, 0);
	EVP_PKEY * key = X509_get0_pubkey(pck);
	char cn[CN_MAX];
	int rc;

	ss_x509_cn(X509_get_subject_name(pck), cn, sizeof(cn));
	if (strstr(cn, PCK_CN_PHRASE) == NULL) {
		ss_err_set(SS_EXIT_DATA, "%s: the first certificate of its "
		    "chain, %s, is not a PCK certificate", v->name, cn);
		return (-1);
	}
	if (!ss_x509_is_ec(key, NID_X9_62_prime256v1)) {
		ss_err_set(SS_EXIT_DATA, "%s: the PCK certificate's key is not "
		    "P-256", v->name);
		return (-1);
	}
	if ((rc = ss_x509_ecdsa_verify(key, EVP_sha256(), v->q.qe_sig,
	    SS_DCAP_SIG_LEN / 2, v->q.qe_report,
	    SS_DCAP_SGX_REPORT_LEN)) != 0) {
		if (rc == 1)
			ss_err_set(SS_EXIT_DATA, "%s: QE report signature does "
			    "not verify with the PCK certificate", v->name);
		return (-1);
	}
	if ((ss_evidence_le(v->q.qe_report + SS_DCAP_SGX_ATTRIBUTES, 8) &
	    SS_DCAP_SGX_FLAG_DEBUG) != 0) {
		ss_err_set(SS_EXIT_DATA, "%s: its QE is debuggable", v->name);
		return (-1);
	}
	return (ss_dcap_pck_read(pck, &v->pck));
}

/*
 * Read the PCK chain of the parsed quote, or only its first certificate
 * if ${first} (the QE report's check needs no more, and certificates are
 * slow to decode: damaged quotes are refused sooner).
 */
static int
read_pck_chain(struct verify * v, int first)
{
	char what[64];

	sk_X509_pop_free(v->pck_chain, X509_free);
	v->pck_chain = NULL;
	snprintf(what, sizeof(what), "%s: PCK certificate chain", v->name);
	return (ss_dcap_certs_parse(v->q.pck_chain, v->q.pck_chain_len, what,
	    first, &v->pck_chain));
}

/* What the quote says, in ${c}. */
static void
fill_claims(const struct verify * v, struct ss_evidence_claims * c)
{
	const struct ss_dcap_quote * q = &v->q;
	const uint8_t * b = q->body;
	char svn[33], svn2[33];
	size_t i;

	c->kind = q->kind;
	c->version = q->version;
	if (q->kind == SS_EVIDENCE_TDX) {
		memcpy(c->report_data, b + SS_DCAP_TD_REPORTDATA, 64);
		memcpy(c->measurement, b + SS_DCAP_TD_MRTD, 48);
		c->measurement_len = 48;
		for (i = 0; i < 4; i++)
			memcpy(c->rtmr[i], b + SS_DCAP_TD_RTMR0 + 48 * i, 48);
		c->policy = ss_evidence_le(b + SS_DCAP_TD_ATTRIBUTES, 8);
		c->debug = (c->policy & SS_DCAP_TD_ATTR_DEBUG) != 0;
		ss_hex(svn, b + SS_DCAP_TD_TEE_TCB_SVN, 16);
		if (q->body_type == SS_DCAP_BODY_TD15) {
			ss_hex(svn2, b + SS_DCAP_TD_TEE_TCB_SVN2, 16);
			snprintf(c->tcb_text, sizeof(c->tcb_text), "TEE TCB "
			    "SVN %s SVN2 %s PCESVN %u", svn, svn2,
			    v->pck.pcesvn);
		} else
			snprintf(c->tcb_text, sizeof(c->tcb_text), "TEE TCB "
			    "SVN %s PCESVN %u", svn, v->pck.pcesvn);
	} else {
		memcpy(c->report_data, b + SS_DCAP_SGX_REPORTDATA, 64);
		memcpy(c->measurement, b + SS_DCAP_SGX_MRENCLAVE, 32);
		c->measurement_len = 32;
		memcpy(c->mrsigner, b + SS_DCAP_SGX_MRSIGNER, 32);
		c->isv_prod_id = (uint16_t)ss_evidence_le(b +
		    SS_DCAP_SGX_ISVPRODID, 2);
		c->isv_svn = (uint16_t)ss_evidence_le(b + SS_DCAP_SGX_ISVSVN, 2);
		c->policy = ss_evidence_le(b + SS_DCAP_SGX_ATTRIBUTES, 8);
		c->debug = (c->policy & SS_DCAP_SGX_FLAG_DEBUG) != 0;
		ss_hex(svn, v->pck.cpusvn, 16);
		snprintf(c->tcb_text, sizeof(c->tcb_text),
		    "CPUSVN %s PCESVN %u", svn, v->pck.pcesvn);
	}
}

/* Refuse a debuggable TD or enclave unless ${pol} allows it. */
static int
check_debug(const struct verify * v, const struct ss_evidence_claims * c,
    const struct ss_evidence_policy * pol)
{

	if (!c->debug || pol->allow_debug)
		return (0);
	ss_err_set(SS_EXIT_DATA, "%s: %s is debuggable (--allow-debug "
	    "accepts it)", v->name, (v->q.kind == SS_EVIDENCE_TDX) ? "TD" :
	    "enclave");
	return (-1);
}

/* The TCB status by the collateral, and the policy on it. */
static int
check_tcb(const struct verify * v, const struct ss_evidence_policy * pol,
    struct ss_evidence_claims * c)
{
	unsigned need = 0;
	int status;

	if (v->info == NULL && v->qeid == NULL)
		return (0);
	if (ss_dcap_tcb_status(v->info, v->qeid, &v->pck, &v->q, &status,
	    c->advisories, sizeof(c->advisories))) {
		ss_err_prefix("%s", v->name);
		return (-1);
	}
	if (v->info != NULL)
		snprintf(c->tcb_status, sizeof(c->tcb_status), "%s",
		    ss_dcap_tcb_status_name(status));
	if (status == SS_DCAP_TCB_REVOKED)
		need = SS_TCB_ALLOW_REVOKED;
	else if (status >= SS_DCAP_TCB_OUTOFDATE)
		need = SS_TCB_ALLOW_OUT_OF_DATE;
	if ((pol->allow_tcb & need) != need) {
		ss_err_set(SS_EXIT_DATA, "%s: TCB status %s%s is refused%s%s%s",
		    v->name, ss_dcap_tcb_status_name(status),
		    (v->info == NULL) ? " (of the QE)" : "",
		    (c->advisories[0] != '\0') ? " (advisories " : "",
		    c->advisories, (c->advisories[0] != '\0') ? ")" : "");
		return (-1);
	}
	return (0);
}

/* The collateral, and the certificates and CRLs, at the policy's time. */
static int
check_chains(struct verify * v, const struct ss_blob * extra, size_t nextra,
    const struct ss_evidence_policy * pol)
{
	char what[64];
	time_t at = (pol->at != 0) ? pol->at : time(NULL);

	snprintf(what, sizeof(what), "%s: PCK certificate chain", v->name);
	if (read_pck_chain(v, 0) ||
	    (v->trust = ss_dcap_trust_new(pol->root_file, at)) == NULL ||
	    (v->col = ss_dcap_collateral_read(extra, nextra,
	    v->trust)) == NULL ||
	    ss_dcap_trust_verify(v->trust, v->pck_chain, what) ||
	    ss_dcap_collateral_verify(v->col, v->trust, &v->info,
	    &v->qeid) ||
	    ss_dcap_trust_crls_used(v->trust))
		return (-1);
	return (0);
}

/* Start ${v} and ${c} afresh, and parse the quote ${ev} of ${kind}. */
static int
begin(struct verify * v, int kind, const struct ss_blob * ev,
    struct ss_evidence_claims * c)
{

	memset(v, 0, sizeof(*v));
	memset(c, 0, sizeof(*c));
	v->name = ss_dcap_quote_name(kind);
	return (ss_dcap_quote_parse(&v->q, kind, ev->p, ev->len));
}

int
ss_dcap_parse(int kind, const struct ss_blob * ev,
    struct ss_evidence_claims * c)
{
	struct verify v;
	int rc = -1;

	if (begin(&v, kind, ev, c) || read_pck_chain(&v, 1) ||
	    ss_dcap_pck_read(sk_X509_value(v.pck_chain, 0), &v.pck))
		goto done;
	fill_claims(&v, c);
	rc = 0;
done:
	sk_X509_pop_free(v.pck_chain, X509_free);
	return (rc);
}

int
ss_dcap_verify(int kind, const struct ss_blob * ev,
    const struct ss_blob * extra, size_t nextra,
    const struct ss_evidence_policy * pol, struct ss_evidence_claims * c)
{
	struct verify v;
	int rc = -1;

	if (begin(&v, kind, ev, c) ||
	    check_quote_signature(&v) || check_qe_report_data(&v) ||
	    read_pck_chain(&v, 1) || check_qe_report(&v))
		goto done;
	fill_claims(&v, c);
	if (check_chains(&v, extra, nextra, pol) ||
	    check_debug(&v, c, pol) || check_tcb(&v, pol, c))
		goto done;
	ss_dcap_trust_signer(v.trust, c->signer, sizeof(c->signer));
	rc = 0;
done:
	if (rc != 0)
		memset(c, 0, sizeof(*c));
	ss_dcap_tcbinfo_free(v.info);
	ss_dcap_qeid_free(v.qeid);
	ss_dcap_collateral_free(v.col);
	ss_dcap_trust_free(v.trust);
	sk_X509_pop_free(v.pck_chain, X509_free);
	return (rc);
}
