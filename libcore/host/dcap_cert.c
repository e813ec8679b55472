/*
 * Certificates of Intel DCAP (dcap_cert.h): the trusted root, the CRLs,
 * chains verified to the root with them, and the PEM chains of quotes and
 * collateral, on the certificate helpers the SNP verifier shares
 * (x509.h).
 */

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "crypt.h"
#include "dcap_cert.h"
#include "err.h"
#include "io.h"
#include "x509.h"

#define ROOT_FILE_MAX	(64 * 1024)
#define CERTS_MAX	8	/* certificates in one chain */
#define CRLS_MAX	8
#define CN_MAX		128

struct crl {
	X509_CRL * crl;
	char * name;
	int checked;		/* its signature and dates */
	int used;		/* it applied to a certificate */
};

struct ss_dcap_trust {
	X509 * root;
	int builtin;
	time_t at;
	struct crl crls[CRLS_MAX];
	size_t ncrls;
};

/* The root built in, once its DER matches its pin. */
static X509 *
builtin_root(void)
{
	uint8_t digest[SS_SHA256_LEN];
	X509 * root;

	if (ss_sha256(digest, ss_dcap_intel_root_der,
	    ss_dcap_intel_root_der_len))
		return (NULL);
	if (memcmp(digest, ss_dcap_intel_root_sha256, sizeof(digest)) != 0) {
		ss_err_set(SS_EXIT_SYS, "the built-in %s does not match its "
		    "pinned SHA-256", SS_DCAP_ROOT_NAME);
		return (NULL);
	}
	if ((root = ss_x509_from_der(ss_dcap_intel_root_der,
	    ss_dcap_intel_root_der_len, SS_DCAP_ROOT_NAME)) == NULL)
		ss_err_set(SS_EXIT_SYS, "the built-in %s does not decode",
		    SS_DCAP_ROOT_NAME);
	return (root);
}

/* The first certificate of the PEM file ${path}. */
static X509 *
file_root(const char * path)
{
	STACK_OF(X509) * certs;
	uint8_t * buf;
	size_t len;
	X509 * root = NULL;

	if (ss_read_file(path, ROOT_FILE_MAX, &buf, &len))
		return (NULL);
	if ((certs = sk_X509_new_null()) == NULL) {
		ss_err_set(SS_EXIT_SYS, "out of memory loading certificates");
		goto done;
	}
	if (ss_x509_load_pem(buf, len, path, 1, certs) == 1)
		root = sk_X509_shift(certs);
	else
		ss_err_set(SS_EXIT_SYS, "%s: not a PEM certificate", path);
done:
	sk_X509_pop_free(certs, X509_free);
	free(buf);
	return (root);
}

struct ss_dcap_trust *
ss_dcap_trust_new(const char * root_file, time_t at)
{
	struct ss_dcap_trust * t;

	if ((t = calloc(1, sizeof(*t))) == NULL) {
		ss_err_errno("calloc");
		return (NULL);
	}
	t->at = at;
	t->builtin = (root_file == NULL);
	t->root = t->builtin ? builtin_root() : file_root(root_file);
	if (t->root == NULL) {
		free(t);
		return (NULL);
	}
	return (t);
}

const char *
ss_dcap_trust_root(const struct ss_dcap_trust * t)
{

	return (t->builtin ? "the " SS_DCAP_ROOT_NAME : "the given root");
}

time_t
ss_dcap_trust_time(const struct ss_dcap_trust * t)
{

	return (t->at);
}

void
ss_dcap_trust_signer(const struct ss_dcap_trust * t, char * buf,
    size_t size)
{
	char cn[CN_MAX];

	if (t->builtin)
		snprintf(buf, size, "PCK (%s)", SS_DCAP_ROOT_NAME);
	else {
		ss_x509_cn(X509_get_subject_name(t->root), cn, sizeof(cn));
		snprintf(buf, size, "PCK (given root %s)", cn);
	}
}

int
ss_dcap_trust_add_crl(struct ss_dcap_trust * t, const uint8_t * buf,
    size_t len, const char * name)
{
	struct crl * c;
	X509_CRL * crl;
	int pem;

	if ((crl = ss_x509_crl_decode(buf, len, &pem)) == NULL) {
		if (!pem)
			return (1);
		ss_err_set(SS_EXIT_DATA, "%s: the PEM CRL does not decode",
		    name);
		return (-1);
	}
	if (t->ncrls == CRLS_MAX) {
		ss_err_set(SS_EXIT_DATA, "%s: more than %d CRLs", name,
		    CRLS_MAX);
		goto fail;
	}
	c = &t->crls[t->ncrls];
	if ((c->name = strdup(name)) == NULL) {
		ss_err_errno("strdup");
		goto fail;
	}
	c->crl = crl;
	c->checked = c->used = 0;
	t->ncrls++;
	return (0);
fail:
	X509_CRL_free(crl);
	return (-1);
}

/* Check the signature of ${c} by ${issuer}, and its dates, once. */
static int
check_crl(const struct ss_dcap_trust * t, struct crl * c,
    const X509 * issuer)
{
	char cn[CN_MAX], when[SS_X509_TIME_TEXT];
	time_t last, next;

	if (c->checked)
		return (0);
	if (X509_CRL_verify(c->crl, X509_get0_pubkey(issuer)) != 1) {
		ERR_clear_error();
		ss_x509_cn(X509_get_subject_name(issuer), cn, sizeof(cn));
		ss_err_set(SS_EXIT_DATA, "CRL %s: signature does not verify "
		    "with the key of its issuer, %s", c->name, cn);
		return (-1);
	}
	if (ss_x509_time(X509_CRL_get0_lastUpdate(c->crl), &last) ||
	    ss_x509_time(X509_CRL_get0_nextUpdate(c->crl), &next)) {
		ss_err_set(SS_EXIT_DATA, "CRL %s: no valid thisUpdate and "
		    "nextUpdate", c->name);
		return (-1);
	}
	if (t->at < last || t->at >= next) {
		ss_x509_time_text(t->at < last ? last : next,
		    SS_X509_TIME_ISO, when);
		ss_err_set(SS_EXIT_DATA, "CRL %s: %s %s", c->name,
		    t->at < last ? "not issued until" : "expired at", when);
		return (-1);
	}
	c->checked = 1;
	return (0);
}

/* Refuse ${cert}, of the chain ${what}, if a CRL by ${issuer} lists it. */
static int
check_revoked(struct ss_dcap_trust * t, X509 * cert, const X509 * issuer,
    const char * what)
{
	X509_REVOKED * entry;
	struct crl * c;
	char cn[CN_MAX];
	char * serial;
	size_t i;

	for (i = 0; i < t->ncrls; i++) {
		c = &t->crls[i];
		if (X509_NAME_cmp(X509_CRL_get_issuer(c->crl),
		    X509_get_subject_name(issuer)) != 0)
			continue;
		if (check_crl(t, c, issuer))
			return (-1);
		c->used = 1;
		if (X509_CRL_get0_by_cert(c->crl, &entry, cert) != 1)
			continue;
		ss_x509_cn(X509_get_subject_name(cert), cn, sizeof(cn));
		serial = ss_x509_serial_hex(cert);
		ss_err_set(SS_EXIT_DATA, "%s: %s (serial %s) is revoked by "
		    "CRL %s", what, cn, serial != NULL ? serial : "?",
		    c->name);
		free(serial);
		return (-1);
	}
	return (0);
}

/* The message of a chain that did not verify in ${ctx}. */
static void
chain_error(const struct ss_dcap_trust * t, X509_STORE_CTX * ctx,
    const char * what)
{
	int e = X509_STORE_CTX_get_error(ctx);
	X509 * cert = X509_STORE_CTX_get_current_cert(ctx);
	char cn[CN_MAX], when[SS_X509_TIME_TEXT], extra[64] = "";
	time_t w;

	if (cert == NULL)
		snprintf(cn, sizeof(cn), "?");
	else
		ss_x509_cn(X509_get_subject_name(cert), cn, sizeof(cn));
	if (cert != NULL && e == X509_V_ERR_CERT_HAS_EXPIRED &&
	    ss_x509_time(X509_get0_notAfter(cert), &w) == 0) {
		ss_x509_time_text(w, SS_X509_TIME_ISO, when);
		snprintf(extra, sizeof(extra), ", not after %s", when);
	} else if (cert != NULL && e == X509_V_ERR_CERT_NOT_YET_VALID &&
	    ss_x509_time(X509_get0_notBefore(cert), &w) == 0) {
		ss_x509_time_text(w, SS_X509_TIME_ISO, when);
		snprintf(extra, sizeof(extra), ", not before %s", when);
	}
	ss_err_set(SS_EXIT_DATA, "%s does not verify to %s: %s (%s%s)", what,
	    ss_dcap_trust_root(t), (e == X509_V_OK) ? "verification failed" :
	    X509_verify_cert_error_string(e), cn, extra);
	ERR_clear_error();
}

int
ss_dcap_trust_verify(struct ss_dcap_trust * t, STACK_OF(X509) * certs,
    const char * what)
{
	X509_STORE * store;
	X509_STORE_CTX * ctx = NULL;
	STACK_OF(X509) * chain;
	int i, n, rc = -1;

	if ((store = X509_STORE_new()) == NULL ||
	    X509_STORE_add_cert(store, t->root) != 1 ||
	    (ctx = X509_STORE_CTX_new()) == NULL ||
	    X509_STORE_CTX_init(ctx, store, sk_X509_value(certs, 0),
	    certs) != 1) {
		ss_err_set(SS_EXIT_SYS, "%s: cannot set up its verification",
		    what);
		goto done;
	}
	X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx), t->at);
	X509_STORE_CTX_set_flags(ctx, X509_V_FLAG_X509_STRICT);
	if (X509_verify_cert(ctx) != 1) {
		chain_error(t, ctx, what);
		goto done;
	}
	chain = X509_STORE_CTX_get0_chain(ctx);
	n = sk_X509_num(chain);
	for (i = 0; i < n; i++)
		if (check_revoked(t, sk_X509_value(chain, i),
		    sk_X509_value(chain, (i + 1 < n) ? i + 1 : i), what))
			goto done;
	rc = 0;
done:
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	ERR_clear_error();
	return (rc);
}

int
ss_dcap_trust_crls_used(const struct ss_dcap_trust * t)
{
	char cn[CN_MAX];
	size_t i;

	for (i = 0; i < t->ncrls; i++) {
		if (t->crls[i].used)
			continue;
		ss_x509_cn(X509_CRL_get_issuer(t->crls[i].crl), cn,
		    sizeof(cn));
		ss_err_set(SS_EXIT_DATA, "CRL %s: issued by %s, which issued "
		    "none of the certificates here", t->crls[i].name, cn);
		return (-1);
	}
	return (0);
}

void
ss_dcap_trust_free(struct ss_dcap_trust * t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->ncrls; i++) {
		X509_CRL_free(t->crls[i].crl);
		free(t->crls[i].name);
	}
	X509_free(t->root);
	free(t);
}

int
ss_dcap_certs_parse(const uint8_t * buf, size_t len, const char * what,
    int first, STACK_OF(X509) ** certs)
{
	int n;

	if ((*certs = sk_X509_new_null()) == NULL) {
		ss_err_set(SS_EXIT_SYS, "out of memory loading certificates");
		return (-1);
	}
	/* One more than allowed, to tell "too many". */
	n = ss_x509_load_pem(buf, len, what, first ? 1 : CERTS_MAX + 1,
	    *certs);
	if (n > 0 && n <= CERTS_MAX)
		return (0);
	if (n == -1 && ss_err_status() == SS_EXIT_SYS)
		goto fail;
	/* In DCAP's words: the number of the certificate that failed. */
	n = sk_X509_num(*certs) + 1;
	if (n == 1)
		ss_err_set(SS_EXIT_DATA, "%s: no PEM certificate", what);
	else if (n > CERTS_MAX)
		ss_err_set(SS_EXIT_DATA, "%s: more than %d certificates", what,
		    CERTS_MAX);
	else
		ss_err_set(SS_EXIT_DATA, "%s: certificate %d does not decode",
		    what, n);
fail:
	sk_X509_pop_free(*certs, X509_free);
	*certs = NULL;
	return (-1);
}
