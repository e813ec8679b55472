/*
 * DCAP collateral (dcap_collateral.h): recognise each blob, keep what
 * Intel signed byte for byte, verify it with the TCB signing certificate.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <sodium.h>

#include "dcap_collateral.h"
#include "err.h"
#include "x509.h"

#define CHAINS_MAX	8
#define NAME_MAX_LEN	256
#define PEM_CERT	"-----BEGIN CERTIFICATE-----"
#define TCB_SIGNING_CN	"Intel SGX TCB Signing"
#define HEX_SIG_LEN	(2 * SS_DCAP_SIG_LEN)
#define CRL_MAX		(1024 * 1024)

/* TCB Info or QE Identity: the bytes Intel signed, and its signature. */
struct signed_json {
	const char * what;		/* "TCB Info", "QE Identity" */
	uint8_t * body;			/* NULL: not given */
	size_t len;
	uint8_t sig[SS_DCAP_SIG_LEN];
	char * name;
};

struct ss_dcap_collateral {
	struct signed_json tcbinfo;
	struct signed_json qeid;
	STACK_OF(X509) * chains[CHAINS_MAX];
	char * chain_names[CHAINS_MAX];
	size_t nchains;
};

/* The first byte at or after ${i} of ${p} that is not JSON white space. */
static size_t
skip_ws(const uint8_t * p, size_t len, size_t i)
{

	while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' ||
	    p[i] == '\r'))
		i++;
	return (i);
}

/*
 * One JSON value at ${i} of ${p}: its length in ${vlen}; if ${key} is not
 * NULL, the value must be a string, equal to ${key} in ${*match}.
 */
static int
json_value(const uint8_t * p, size_t len, size_t i, const char * key,
    int * match, size_t * vlen)
{
	json_error_t e;
	json_t * v;

	if ((v = json_loadb((const char *)p + i, len - i, JSON_DECODE_ANY |
	    JSON_DISABLE_EOF_CHECK | JSON_REJECT_DUPLICATES, &e)) == NULL)
		return (-1);
	if (key != NULL) {
		if (!json_is_string(v)) {
			json_decref(v);
			return (-1);
		}
		*match = (json_string_length(v) == strlen(key) &&
		    strcmp(json_string_value(v), key) == 0);
	}
	json_decref(v);
	*vlen = (size_t)e.position;
	return (0);
}

/*
 * The exact bytes of the value of the top-level member ${key} of the JSON
 * object text at ${p} (already known to be valid JSON): Intel signs the
 * value as served, so it is taken from the text, never re-encoded.
 */
static int
member_bytes(const uint8_t * p, size_t len, const char * key,
    const uint8_t ** v, size_t * vlen)
{
	size_t i, n;
	int match, found = 0;

	if ((i = skip_ws(p, len, 0)) == len || p[i] != '{')
		return (-1);
	i = skip_ws(p, len, i + 1);
	while (i < len && p[i] != '}') {
		if (json_value(p, len, i, key, &match, &n))
			return (-1);
		i = skip_ws(p, len, i + n);
		if (i == len || p[i] != ':')
			return (-1);
		i = skip_ws(p, len, i + 1);
		if (json_value(p, len, i, NULL, NULL, &n))
			return (-1);
		if (match) {
			if (found++)
				return (-1);
			*v = p + i;
			*vlen = n;
		}
		i = skip_ws(p, len, i + n);
		if (i < len && p[i] == ',')
			i = skip_ws(p, len, i + 1);
		else if (i < len && p[i] != '}')
			return (-1);
	}
	return (found ? 0 : -1);
}

/* Decode the hex string ${v} into ${out} of exactly ${len} bytes. */
static int
hex_bytes(const json_t * v, uint8_t * out, size_t len)
{
	size_t n;

	if (!json_is_string(v) || json_string_length(v) != 2 * len ||
	    sodium_hex2bin(out, len, json_string_value(v),
	    json_string_length(v), NULL, &n, NULL) != 0 || n != len)
		return (-1);
	return (0);
}

/* Keep ${len} bytes at ${body}, signed by ${sig}, as ${s}, from ${name}. */
static int
set_signed(struct signed_json * s, const uint8_t * body, size_t len,
    const json_t * sig, const char * name)
{

	if (s->body != NULL) {
		ss_err_set(SS_EXIT_DATA, "%s: a second %s (the first: %s)",
		    name, s->what, s->name);
		return (-1);
	}
	if (hex_bytes(sig, s->sig, sizeof(s->sig))) {
		ss_err_set(SS_EXIT_DATA, "%s: %s signature is not %d hex "
		    "digits", name, s->what, HEX_SIG_LEN);
		return (-1);
	}
	if ((s->body = malloc(len > 0 ? len : 1)) == NULL ||
	    (s->name = strdup(name)) == NULL) {
		ss_err_errno("malloc");
		return (-1);
	}
	memcpy(s->body, body, len);
	s->len = len;
	return (0);
}

/* Add the PEM certificates at ${p} as an issuer chain named ${name}. */
static int
add_chain(struct ss_dcap_collateral * col, const uint8_t * p, size_t len,
    const char * name)
{
	char what[NAME_MAX_LEN];

	if (col->nchains == CHAINS_MAX) {
		ss_err_set(SS_EXIT_DATA, "%s: more than %d issuer chains",
		    name, CHAINS_MAX);
		return (-1);
	}
	snprintf(what, sizeof(what), "%s: issuer chain", name);
	if (ss_dcap_certs_parse(p, len, what, 0, &col->chains[col->nchains]))
		return (-1);
	if ((col->chain_names[col->nchains++] = strdup(name)) == NULL) {
		ss_err_errno("strdup");
		return (-1);
	}
	return (0);
}

/* A PCS response {"tcbInfo"|"enclaveIdentity": ..., "signature": ...}. */
static int
read_response(struct ss_dcap_collateral * col, const struct ss_blob * b,
    const json_t * o, const char * key)
{
	struct signed_json * s = (strcmp(key, "tcbInfo") == 0) ?
	    &col->tcbinfo : &col->qeid;
	const uint8_t * v;
	size_t vlen;

	if (member_bytes(b->p, b->len, key, &v, &vlen)) {
		ss_err_set(SS_EXIT_DATA, "%s: %s: malformed JSON", b->name,
		    s->what);
		return (-1);
	}
	return (set_signed(s, v, vlen, json_object_get(o, "signature"),
	    b->name));
}

/* The bundle's ${key} (a string) of ${o}, or NULL; "NAME (key)". */
static const json_t *
bundle_string(const json_t * o, const char * key, const char * name,
    char * where, int * bad)
{
	const json_t * v = json_object_get(o, key);

	snprintf(where, NAME_MAX_LEN, "%s (%s)", name, key);
	if (v != NULL && !json_is_string(v)) {
		ss_err_set(SS_EXIT_DATA, "%s: not a string", where);
		*bad = 1;
		return (NULL);
	}
	return (v);
}

/* The bundle's signed ${key}, with ${key}_signature and _issuer_chain. */
static int
bundle_signed(struct ss_dcap_collateral * col, const json_t * o,
    const char * key, struct signed_json * s, const char * name)
{
	char where[NAME_MAX_LEN], sig_key[64], chain_key[64];
	const json_t * v, * chain;
	int bad = 0;

	snprintf(sig_key, sizeof(sig_key), "%s_signature", key);
	snprintf(chain_key, sizeof(chain_key), "%s_issuer_chain", key);
	if ((chain = bundle_string(o, chain_key, name, where, &bad)) != NULL &&
	    add_chain(col, (const uint8_t *)json_string_value(chain),
	    json_string_length(chain), where))
		return (-1);
	if ((v = bundle_string(o, key, name, where, &bad)) == NULL)
		return (bad ? -1 : 0);
	if (chain == NULL) {
		ss_err_set(SS_EXIT_DATA, "%s: no %s", where, chain_key);
		return (-1);
	}
	return (set_signed(s, (const uint8_t *)json_string_value(v),
	    json_string_length(v), json_object_get(o, sig_key), where));
}

/* The bundle's CRL ${key}: DER in hex. */
static int
bundle_crl(const json_t * o, const char * key, const char * name,
    struct ss_dcap_trust * t)
{
	char where[NAME_MAX_LEN];
	const json_t * v;
	uint8_t * der;
	size_t len;
	int bad = 0, rc = -1;

	if ((v = bundle_string(o, key, name, where, &bad)) == NULL)
		return (bad ? -1 : 0);
	len = json_string_length(v) / 2;
	if (len == 0 || len > CRL_MAX) {
		ss_err_set(SS_EXIT_DATA, "%s: not a CRL", where);
		return (-1);
	}
	if ((der = malloc(len)) == NULL) {
		ss_err_errno("malloc");
		return (-1);
	}
	if (hex_bytes(v, der, len) ||
	    (rc = ss_dcap_trust_add_crl(t, der, len, where)) == 1) {
		ss_err_set(SS_EXIT_DATA, "%s: not a CRL in hex", where);
		rc = -1;
	}
	free(der);
	return (rc);
}

/* A bundle of everything, as dcap-qvl's QuoteCollateralV3 holds it. */
static int
read_bundle(struct ss_dcap_collateral * col, const json_t * o,
    const char * name, struct ss_dcap_trust * t)
{
	char where[NAME_MAX_LEN];
	const json_t * chain;
	int bad = 0;

	if (bundle_signed(col, o, "tcb_info", &col->tcbinfo, name) ||
	    bundle_signed(col, o, "qe_identity", &col->qeid, name) ||
	    bundle_crl(o, "root_ca_crl", name, t) ||
	    bundle_crl(o, "pck_crl", name, t))
		return (-1);
	if ((chain = bundle_string(o, "pck_crl_issuer_chain", name, where,
	    &bad)) != NULL)
		return (add_chain(col,
		    (const uint8_t *)json_string_value(chain),
		    json_string_length(chain), where));
	return (bad ? -1 : 0);
}

/* A JSON blob: a PCS response or a bundle. */
static int
read_json(struct ss_dcap_collateral * col, const struct ss_blob * b,
    struct ss_dcap_trust * t)
{
	json_error_t e;
	json_t * o;
	int rc = -1;

	if ((o = json_loadb((const char *)b->p, b->len,
	    JSON_REJECT_DUPLICATES, &e)) == NULL || !json_is_object(o)) {
		ss_err_set(SS_EXIT_DATA, "%s: not a JSON object%s%s", b->name,
		    (o == NULL) ? ": " : "", (o == NULL) ? e.text : "");
		goto done;
	}
	if (json_object_get(o, "tcbInfo") != NULL)
		rc = read_response(col, b, o, "tcbInfo");
	else if (json_object_get(o, "enclaveIdentity") != NULL)
		rc = read_response(col, b, o, "enclaveIdentity");
	else if (json_object_get(o, "tcb_info") != NULL ||
	    json_object_get(o, "qe_identity") != NULL ||
	    json_object_get(o, "pck_crl") != NULL ||
	    json_object_get(o, "root_ca_crl") != NULL)
		rc = read_bundle(col, o, b->name, t);
	else
		ss_err_set(SS_EXIT_DATA, "%s: JSON that is not a TCB Info, a "
		    "QE Identity or a collateral bundle", b->name);
done:
	json_decref(o);
	return (rc);
}

/* One blob, by its content. */
static int
read_blob(struct ss_dcap_collateral * col, const struct ss_blob * b,
    struct ss_dcap_trust * t)
{
	size_t i = skip_ws(b->p, b->len, 0);

	if (i < b->len && b->p[i] == '{')
		return (read_json(col, b, t));
	if (memmem(b->p, b->len, PEM_CERT, strlen(PEM_CERT)) != NULL)
		return (add_chain(col, b->p, b->len, b->name));
	switch (ss_dcap_trust_add_crl(t, b->p, b->len, b->name)) {
	case 0:
		return (0);
	case 1:
		ss_err_set(SS_EXIT_DATA, "%s: not DCAP collateral (TCB Info, "
		    "QE Identity, a CRL, certificates or a bundle of them)",
		    b->name);
		return (-1);
	default:
		return (-1);
	}
}

struct ss_dcap_collateral *
ss_dcap_collateral_read(const struct ss_blob * extra, size_t nextra,
    struct ss_dcap_trust * t)
{
	struct ss_dcap_collateral * col;
	size_t i;

	if ((col = calloc(1, sizeof(*col))) == NULL) {
		ss_err_errno("calloc");
		return (NULL);
	}
	col->tcbinfo.what = "TCB Info";
	col->qeid.what = "QE Identity";
	for (i = 0; i < nextra; i++)
		if (read_blob(col, &extra[i], t)) {
			ss_dcap_collateral_free(col);
			return (NULL);
		}
	return (col);
}

/*
 * Verify every issuer chain; the TCB signing certificate among them, if
 * one is given, in ${signer} (two different ones are refused).
 */
static int
verify_chains(struct ss_dcap_collateral * col, struct ss_dcap_trust * t,
    X509 ** signer, size_t * signer_chain)
{
	char what[NAME_MAX_LEN], cn[128];
	X509 * leaf;
	size_t i;

	*signer = NULL;
	for (i = 0; i < col->nchains; i++) {
		snprintf(what, sizeof(what), "%s: issuer chain",
		    col->chain_names[i]);
		if (ss_dcap_trust_verify(t, col->chains[i], what))
			return (-1);
		leaf = sk_X509_value(col->chains[i], 0);
		ss_x509_cn(X509_get_subject_name(leaf), cn, sizeof(cn));
		if (strcmp(cn, TCB_SIGNING_CN) != 0)
			continue;
		if (*signer != NULL && X509_cmp(*signer, leaf) != 0) {
			ss_err_set(SS_EXIT_DATA, "%s: a second, different TCB "
			    "signing certificate (the first: %s)",
			    col->chain_names[i],
			    col->chain_names[*signer_chain]);
			return (-1);
		}
		*signer = leaf;
		*signer_chain = i;
	}
	return (0);
}

/* Check the signature of ${s} by ${signer}. */
static int
verify_signed(const struct signed_json * s, X509 * signer)
{

	if (signer == NULL) {
		ss_err_set(SS_EXIT_DATA, "%s: no TCB signing certificate "
		    "(CN=%s) given for its %s", s->name, TCB_SIGNING_CN,
		    s->what);
		return (-1);
	}
	if (!ss_x509_is_ec(X509_get0_pubkey(signer), NID_X9_62_prime256v1)) {
		ss_err_set(SS_EXIT_DATA, "%s: the TCB signing certificate's "
		    "key is not P-256", s->name);
		return (-1);
	}
	switch (ss_x509_ecdsa_verify(X509_get0_pubkey(signer), EVP_sha256(),
	    s->sig, SS_DCAP_SIG_LEN / 2, s->body, s->len)) {
	case 0:
		break;
	case 1:
		ss_err_set(SS_EXIT_DATA, "%s: %s signature does not verify "
		    "with the TCB signing certificate", s->name, s->what);
		return (-1);
	default:
		return (-1);
	}
	return (0);
}

/* Refuse ${s}, issued at ${issued}, updated at ${next}, unless valid. */
static int
check_dates(const struct signed_json * s, time_t issued, time_t next,
    time_t at)
{
	char when[SS_X509_TIME_TEXT];

	if (at >= issued && at < next)
		return (0);
	ss_x509_time_text(at < issued ? issued : next, SS_X509_TIME_ISO, when);
	ss_err_set(SS_EXIT_DATA, "%s: %s %s %s", s->name, s->what,
	    at < issued ? "not issued until" : "expired at", when);
	return (-1);
}

int
ss_dcap_collateral_verify(struct ss_dcap_collateral * col,
    struct ss_dcap_trust * t, struct ss_dcap_tcbinfo ** info,
    struct ss_dcap_qeid ** qeid)
{
	time_t at = ss_dcap_trust_time(t);
	X509 * signer;
	size_t signer_chain = 0;

	*info = NULL;
	*qeid = NULL;
	if (verify_chains(col, t, &signer, &signer_chain))
		return (-1);
	if (col->tcbinfo.body != NULL &&
	    (verify_signed(&col->tcbinfo, signer) ||
	    ss_dcap_tcbinfo_parse(col->tcbinfo.body, col->tcbinfo.len,
	    col->tcbinfo.name, info) ||
	    check_dates(&col->tcbinfo, (*info)->issued, (*info)->next_update,
	    at)))
		goto fail;
	if (col->qeid.body != NULL &&
	    (verify_signed(&col->qeid, signer) ||
	    ss_dcap_qeid_parse(col->qeid.body, col->qeid.len, col->qeid.name,
	    qeid) ||
	    check_dates(&col->qeid, (*qeid)->issued, (*qeid)->next_update,
	    at)))
		goto fail;
	return (0);
fail:
	ss_dcap_tcbinfo_free(*info);
	ss_dcap_qeid_free(*qeid);
	*info = NULL;
	*qeid = NULL;
	return (-1);
}

void
ss_dcap_collateral_free(struct ss_dcap_collateral * col)
{
	size_t i;

	if (col == NULL)
		return;
	free(col->tcbinfo.body);
	free(col->tcbinfo.name);
	free(col->qeid.body);
	free(col->qeid.name);
	for (i = 0; i < col->nchains; i++) {
		sk_X509_pop_free(col->chains[i], X509_free);
		free(col->chain_names[i]);
	}
	free(col);
}
