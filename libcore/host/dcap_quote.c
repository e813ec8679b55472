/*
 * The layout of Intel DCAP quotes (dcap_quote.h): header, body and
 * signature data, parsed by the lengths the quote declares.
 */

#include <string.h>

#include "dcap_quote.h"
#include "err.h"
#include "evidence.h"
#include "tee_quote.h"

#define KEY_TYPE_ECDSA_P256	2
#define TEE_TYPE_SGX		0x00
#define TEE_TYPE_TDX		0x81
#define CERT_PCK_CHAIN		5	/* PEM: PCK, CA, root */
#define CERT_QE_REPORT		6	/* QE report certification */
#define VENDOR_LEN		16

/* Intel's QE vendor ID, 939a7233-f79c-4ca9-940a-0db3957f0607. */
static const uint8_t intel_vendor[VENDOR_LEN] = {
	0x93, 0x9a, 0x72, 0x33, 0xf7, 0x9c, 0x4c, 0xa9,
	0x94, 0x0a, 0x0d, 0xb3, 0x95, 0x7f, 0x06, 0x07
};

/* The unread part of the signature data. */
struct cursor {
	const uint8_t * p;
	size_t left;
	const char * name;		/* the quote's, for messages */
};

const char *
ss_dcap_quote_name(int kind)
{

	return ((kind == SS_EVIDENCE_SGX) ? "SGX quote" : "TDX quote");
}

/* Take the next ${n} bytes of ${c}, the field ${what}, into ${*p}. */
static int
take(struct cursor * c, size_t n, const char * what, const uint8_t ** p)
{

	if (c->left < n) {
		ss_err_set(SS_EXIT_DATA, "%s: signature data: %s truncated "
		    "(%zu bytes, %zu left)", c->name, what, n, c->left);
		return (-1);
	}
	*p = c->p;
	c->p += n;
	c->left -= n;
	return (0);
}

/* Take a little-endian integer of ${n} bytes, the field ${what}. */
static int
take_le(struct cursor * c, size_t n, const char * what, uint64_t * x)
{
	const uint8_t * p;

	if (take(c, n, what, &p))
		return (-1);
	*x = ss_evidence_le(p, n);
	return (0);
}

/* Check the header's version, key type, TEE type and QE vendor. */
static int
parse_header(struct ss_dcap_quote * q, const char * name)
{
	const uint8_t * h = q->header;
	unsigned key_type = (unsigned)ss_evidence_le(h + SS_DCAP_OFF_KEY_TYPE, 2);
	uint32_t tee = (uint32_t)ss_evidence_le(h + SS_DCAP_OFF_TEE_TYPE, 4);
	char hex[2 * VENDOR_LEN + 1];

	q->version = (unsigned)ss_evidence_le(h + SS_DCAP_OFF_VERSION, 2);
	if ((q->kind == SS_EVIDENCE_SGX && q->version != 3) ||
	    (q->kind == SS_EVIDENCE_TDX && q->version != 4 &&
	    q->version != 5)) {
		ss_err_set(SS_EXIT_DATA, "%s: version %u not supported (SGX "
		    "quotes v3, TDX quotes v4 and v5)", name, q->version);
		return (-1);
	}
	if (tee != ((q->kind == SS_EVIDENCE_SGX) ? TEE_TYPE_SGX :
	    TEE_TYPE_TDX)) {
		ss_err_set(SS_EXIT_DATA, "%s: TEE type 0x%x", name,
		    (unsigned)tee);
		return (-1);
	}
	if (key_type != KEY_TYPE_ECDSA_P256) {
		ss_err_set(SS_EXIT_DATA, "%s: attestation key type %u not "
		    "supported (ECDSA P-256 only)", name, key_type);
		return (-1);
	}
	if (memcmp(h + SS_DCAP_OFF_VENDOR, intel_vendor, VENDOR_LEN) != 0) {
		ss_hex(hex, h + SS_DCAP_OFF_VENDOR, VENDOR_LEN);
		ss_err_set(SS_EXIT_DATA, "%s: QE vendor ID %s is not Intel's",
		    name, hex);
		return (-1);
	}
	return (0);
}

/* The body: its type and length (v5 declares them), and its bytes. */
static int
parse_body(struct ss_dcap_quote * q, const uint8_t * buf, size_t len,
    const char * name)
{
	size_t pos = SS_DCAP_HEADER_LEN;
	uint64_t size;

	if (q->kind == SS_EVIDENCE_SGX) {
		q->body_type = SS_DCAP_BODY_SGX;
		q->body_len = SS_DCAP_SGX_REPORT_LEN;
	} else if (q->version == 4) {
		q->body_type = SS_DCAP_BODY_TD10;
		q->body_len = SS_DCAP_TD10_LEN;
	} else {
		if (len - pos < 6)
			goto truncated;
		q->body_type = (unsigned)ss_evidence_le(buf + pos, 2);
		size = ss_evidence_le(buf + pos + 2, 4);
		pos += 6;
		if (q->body_type == SS_DCAP_BODY_TD10)
			q->body_len = SS_DCAP_TD10_LEN;
		else if (q->body_type == SS_DCAP_BODY_TD15)
			q->body_len = SS_DCAP_TD15_LEN;
		else {
			ss_err_set(SS_EXIT_DATA, "%s: body type %u not "
			    "supported (TD 1.0 and TD 1.5 reports only)", name,
			    q->body_type);
			return (-1);
		}
		if (size != q->body_len) {
			ss_err_set(SS_EXIT_DATA, "%s: body of %llu bytes, "
			    "not the %zu of a TD 1.%d report", name,
			    (unsigned long long)size, q->body_len,
			    (q->body_type == SS_DCAP_BODY_TD10) ? 0 : 5);
			return (-1);
		}
	}
	if (len - pos < q->body_len)
		goto truncated;
	q->body = buf + pos;
	q->signed_len = pos + q->body_len;
	return (0);
truncated:
	ss_err_set(SS_EXIT_DATA, "%s: truncated: %zu bytes, less than its "
	    "header and body", name, len);
	return (-1);
}

/*
 * The QE report certification data: the QE report, its signature, the QE
 * authentication data and the PCK chain; every byte of ${c} used.
 */
static int
parse_qe_part(struct ss_dcap_quote * q, struct cursor * c)
{
	uint64_t n, type;

	if (take(c, SS_DCAP_SGX_REPORT_LEN, "QE report", &q->qe_report) ||
	    take(c, SS_DCAP_SIG_LEN, "QE report signature", &q->qe_sig) ||
	    take_le(c, 2, "QE authentication data size", &n) ||
	    take(c, (size_t)n, "QE authentication data", &q->qe_auth))
		return (-1);
	q->qe_auth_len = (size_t)n;
	if (take_le(c, 2, "certification data type", &type) ||
	    take_le(c, 4, "certification data size", &n))
		return (-1);
	if (type != CERT_PCK_CHAIN) {
		ss_err_set(SS_EXIT_DATA, "%s: certification data type %u not "
		    "supported (a PEM PCK chain, type 5, only)", c->name,
		    (unsigned)type);
		return (-1);
	}
	if (take(c, (size_t)n, "PCK certificate chain", &q->pck_chain))
		return (-1);
	q->pck_chain_len = (size_t)n;
	if (c->left != 0) {
		ss_err_set(SS_EXIT_DATA, "%s: signature data: %zu bytes after "
		    "the PCK certificate chain", c->name, c->left);
		return (-1);
	}
	return (0);
}

/* The signature data of ${len} bytes at ${p}. */
static int
parse_signature_data(struct ss_dcap_quote * q, const uint8_t * p,
    size_t len, const char * name)
{
	struct cursor c = { p, len, name };
	uint64_t type, n;

	if (take(&c, SS_DCAP_SIG_LEN, "signature", &q->sig) ||
	    take(&c, SS_DCAP_KEY_LEN, "attestation key", &q->key))
		return (-1);
	if (q->version == 3)
		return (parse_qe_part(q, &c));
	if (take_le(&c, 2, "certification data type", &type) ||
	    take_le(&c, 4, "certification data size", &n))
		return (-1);
	if (type != CERT_QE_REPORT) {
		ss_err_set(SS_EXIT_DATA, "%s: certification data type %u, not "
		    "QE report certification data (6)", name, (unsigned)type);
		return (-1);
	}
	if (n != c.left) {
		ss_err_set(SS_EXIT_DATA, "%s: QE report certification data of "
		    "%llu bytes in %zu", name, (unsigned long long)n, c.left);
		return (-1);
	}
	return (parse_qe_part(q, &c));
}

int
ss_dcap_quote_parse(struct ss_dcap_quote * q, int kind, const uint8_t * buf,
    size_t len)
{
	const char * name = ss_dcap_quote_name(kind);
	size_t pos;
	uint32_t siglen;

	memset(q, 0, sizeof(*q));
	q->kind = kind;
	if (len < SS_DCAP_HEADER_LEN) {
		ss_err_set(SS_EXIT_DATA, "%s: truncated: %zu bytes, less than "
		    "its header", name, len);
		return (-1);
	}
	q->header = buf;
	if (parse_header(q, name) || parse_body(q, buf, len, name))
		return (-1);
	pos = q->signed_len;
	if (len - pos < 4) {
		ss_err_set(SS_EXIT_DATA, "%s: truncated: no signature data",
		    name);
		return (-1);
	}
	siglen = (uint32_t)ss_evidence_le(buf + pos, 4);
	pos += 4;
	if (len - pos < siglen) {
		ss_err_set(SS_EXIT_DATA, "%s: truncated: signature data of "
		    "%u bytes declared, %zu present", name, (unsigned)siglen,
		    len - pos);
		return (-1);
	}
	q->len = pos + siglen;
	return (parse_signature_data(q, buf + pos, siglen, name));
}
