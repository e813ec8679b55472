/*
 * The SGX extensions of a PCK certificate (dcap_cert.h): Intel SGX PCK
 * Certificate and CRL Profile, "SGX Extensions", OID
 * 1.2.840.113741.1.13.1, a SEQUENCE of { OID, value } whose TCB entry is
 * itself such a SEQUENCE.  Decoded with OpenSSL's DER parser; the fields
 * the TCB status needs must be there, once each.
 */

#include <stdlib.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "dcap_cert.h"
#include "err.h"

#define OID_SGX		"1.2.840.113741.1.13.1"
#define OID_TEXT_MAX	64

/* Fields of the SGX extension, after OID_SGX "." */
#define ARC_TCB		"2"
#define ARC_PCEID	"3"
#define ARC_FMSPC	"4"
/* In the TCB: 2.1 to 2.16 the components, then these. */
#define TCB_PCESVN	17
#define TCB_CPUSVN	18

/* What was found, one bit each: components 1..16, PCESVN, CPUSVN. */
#define HAVE_TCB_ALL	((1UL << 18) - 1)

/* The entries of the DER SEQUENCE OF SEQUENCE { OID, value } ${s}. */
static STACK_OF(ASN1_TYPE) *
entries(const ASN1_STRING * s)
{
	const uint8_t * p = ASN1_STRING_get0_data(s);
	const uint8_t * end = p + ASN1_STRING_length(s);
	STACK_OF(ASN1_TYPE) * seq;

	if ((seq = d2i_ASN1_SEQUENCE_ANY(NULL, &p,
	    ASN1_STRING_length(s))) != NULL && p != end) {
		sk_ASN1_TYPE_pop_free(seq, ASN1_TYPE_free);
		seq = NULL;
	}
	return (seq);
}

/*
 * Entry ${i} of ${seq}: the arc of its OID after OID_SGX "." in ${arc},
 * its value in ${*value} (kept in ${*pair}, to free); -1 if malformed.
 */
static int
entry(STACK_OF(ASN1_TYPE) * seq, int i, char arc[OID_TEXT_MAX],
    STACK_OF(ASN1_TYPE) ** pair, ASN1_TYPE ** value)
{
	ASN1_TYPE * e = sk_ASN1_TYPE_value(seq, i), * oid;
	char text[OID_TEXT_MAX];
	size_t plen = strlen(OID_SGX);

	*pair = NULL;
	if (e->type != V_ASN1_SEQUENCE ||
	    (*pair = entries(e->value.sequence)) == NULL ||
	    sk_ASN1_TYPE_num(*pair) != 2)
		return (-1);
	oid = sk_ASN1_TYPE_value(*pair, 0);
	*value = sk_ASN1_TYPE_value(*pair, 1);
	if (oid->type != V_ASN1_OBJECT || OBJ_obj2txt(text, sizeof(text),
	    oid->value.object, 1) <= 0 || strncmp(text, OID_SGX, plen) != 0 ||
	    text[plen] != '.')
		return (-1);
	snprintf(arc, OID_TEXT_MAX, "%s", text + plen + 1);
	return (0);
}

/* The OCTET STRING ${v} of exactly ${len} bytes into ${out}. */
static int
octets(const ASN1_TYPE * v, uint8_t * out, size_t len)
{

	if (v->type != V_ASN1_OCTET_STRING ||
	    (size_t)ASN1_STRING_length(v->value.octet_string) != len)
		return (-1);
	memcpy(out, ASN1_STRING_get0_data(v->value.octet_string), len);
	return (0);
}

/* The INTEGER ${v}, at most ${max}, into ${out}. */
static int
integer(const ASN1_TYPE * v, int64_t max, unsigned * out)
{
	int64_t x;

	if (v->type != V_ASN1_INTEGER ||
	    ASN1_INTEGER_get_int64(&x, v->value.integer) != 1 || x < 0 ||
	    x > max)
		return (-1);
	*out = (unsigned)x;
	return (0);
}

/* The TCB entry: its components, PCESVN and CPUSVN, each once. */
static int
read_tcb(const ASN1_TYPE * v, struct ss_dcap_pck * pck)
{
	STACK_OF(ASN1_TYPE) * seq = NULL, * pair = NULL;
	ASN1_TYPE * value;
	char arc[OID_TEXT_MAX], * end;
	unsigned long have = 0, n;
	unsigned x;
	int i, rc = -1;

	if (v->type != V_ASN1_SEQUENCE ||
	    (seq = entries(v->value.sequence)) == NULL)
		goto done;
	for (i = 0; i < sk_ASN1_TYPE_num(seq); i++) {
		if (entry(seq, i, arc, &pair, &value) ||
		    strncmp(arc, ARC_TCB ".", 2) != 0)
			goto done;
		n = strtoul(arc + 2, &end, 10);
		if (*end != '\0' || n < 1 || n > TCB_CPUSVN ||
		    (have & (1UL << (n - 1))) != 0)
			goto done;
		have |= 1UL << (n - 1);
		if (n == TCB_CPUSVN) {
			if (octets(value, pck->cpusvn, sizeof(pck->cpusvn)))
				goto done;
		} else if (n == TCB_PCESVN) {
			if (integer(value, 0xffff, &pck->pcesvn))
				goto done;
		} else {
			if (integer(value, 0xff, &x))
				goto done;
			pck->comp[n - 1] = (uint8_t)x;
		}
		sk_ASN1_TYPE_pop_free(pair, ASN1_TYPE_free);
		pair = NULL;
	}
	if (have == HAVE_TCB_ALL)
		rc = 0;
done:
	sk_ASN1_TYPE_pop_free(pair, ASN1_TYPE_free);
	sk_ASN1_TYPE_pop_free(seq, ASN1_TYPE_free);
	return (rc);
}

/* The entries of the extension ${seq}: TCB, PCE-ID and FMSPC, once each. */
static int
read_entries(STACK_OF(ASN1_TYPE) * seq, struct ss_dcap_pck * pck)
{
	STACK_OF(ASN1_TYPE) * pair = NULL;
	ASN1_TYPE * value;
	char arc[OID_TEXT_MAX];
	int i, tcb = 0, pceid = 0, fmspc = 0, rc = -1;

	for (i = 0; i < sk_ASN1_TYPE_num(seq); i++) {
		if (entry(seq, i, arc, &pair, &value))
			goto done;
		if (strcmp(arc, ARC_TCB) == 0) {
			if (tcb++ || read_tcb(value, pck))
				goto done;
		} else if (strcmp(arc, ARC_PCEID) == 0) {
			if (pceid++ || octets(value, pck->pceid,
			    sizeof(pck->pceid)))
				goto done;
		} else if (strcmp(arc, ARC_FMSPC) == 0) {
			if (fmspc++ || octets(value, pck->fmspc,
			    sizeof(pck->fmspc)))
				goto done;
		}
		sk_ASN1_TYPE_pop_free(pair, ASN1_TYPE_free);
		pair = NULL;
	}
	if (tcb && pceid && fmspc)
		rc = 0;
done:
	sk_ASN1_TYPE_pop_free(pair, ASN1_TYPE_free);
	return (rc);
}

int
ss_dcap_pck_read(X509 * cert, struct ss_dcap_pck * pck)
{
	STACK_OF(ASN1_TYPE) * seq = NULL;
	ASN1_OBJECT * oid;
	X509_EXTENSION * ext;
	int i, rc = -1;

	memset(pck, 0, sizeof(*pck));
	if ((oid = OBJ_txt2obj(OID_SGX, 1)) == NULL) {
		ss_err_set(SS_EXIT_SYS, "cannot make the OID %s", OID_SGX);
		return (-1);
	}
	if ((i = X509_get_ext_by_OBJ(cert, oid, -1)) < 0 ||
	    X509_get_ext_by_OBJ(cert, oid, i) >= 0) {
		ss_err_set(SS_EXIT_DATA, "PCK certificate: %s SGX extension "
		    "(%s)", (i < 0) ? "no" : "more than one", OID_SGX);
		goto done;
	}
	ext = X509_get_ext(cert, i);
	if ((seq = entries(X509_EXTENSION_get_data(ext))) == NULL ||
	    read_entries(seq, pck)) {
		ss_err_set(SS_EXIT_DATA, "PCK certificate: malformed SGX "
		    "extension (its TCB, PCE-ID and FMSPC)");
		goto done;
	}
	rc = 0;
done:
	sk_ASN1_TYPE_pop_free(seq, ASN1_TYPE_free);
	ASN1_OBJECT_free(oid);
	return (rc);
}
