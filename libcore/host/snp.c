/*
 * AMD SEV-SNP attestation reports (snp.h): the report, the certificates
 * that come with it (classified by their subjects), their chain to AMD's
 * root, the VCEK's or VLEK's binding to the report, the report's
 * signature, and the guest policy.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include "amd_roots.h"
#include "err.h"
#include "evidence.h"
#include "snp.h"
#include "x509.h"

/*
 * The report (AMD SEV-SNP ABI specification, ATTESTATION_REPORT; v3 adds
 * the CPUID fields).  Integers are little-endian; the signature covers
 * every byte before it.
 */
#define OFF_POLICY		0x008
#define OFF_VMPL		0x030
#define OFF_SIG_ALGO		0x034
#define OFF_KEY_INFO		0x048	/* AUTHOR_KEY_EN, MASK_CHIP_KEY,
					   SIGNING_KEY (bits 4:2) */
#define OFF_REPORT_DATA		0x050
#define OFF_MEASUREMENT		0x090
#define OFF_HOST_DATA		0x0c0
#define OFF_REPORTED_TCB	0x180
#define OFF_CPUID_FAM		0x188	/* v3: CPUID_FAM_ID, _MOD_ID, _STEP */
#define OFF_CPUID_END		0x18b
#define OFF_CHIP_ID		0x1a0
#define OFF_SIGNATURE		0x2a0
#define SIG_RS_LEN		72	/* R, then S */
#define MEASUREMENT_LEN		48
#define CHIP_ID_LEN		64

#define SIG_ALGO_ECDSA_P384	1
#define POLICY_DEBUG		(UINT64_C(1) << 19)
#define KEY_VCEK		0
#define KEY_VLEK		1
#define KEY_NONE		7
#define FAMILY_TURIN		0x1a	/* Milan and Genoa are 0x19 */

/* The reserved areas the ABI says must be zero (v2: the CPUID's too). */
static const struct {
	uint16_t from, to;
} zero_areas[] = {
	{ 0x04c, 0x050 }, { OFF_CPUID_END, 0x1a0 }, { 0x1eb, 0x1ec },
	{ 0x1ef, 0x1f0 }, { 0x1f8, OFF_SIGNATURE },
	{ OFF_SIGNATURE + 2 * SIG_RS_LEN, SS_SNP_REPORT_LEN },
};

/* What the checks read from a report. */
struct report {
	const uint8_t * p;		/* SS_SNP_REPORT_LEN bytes */
	unsigned version;
	uint64_t policy;
	uint32_t vmpl;
	unsigned signing_key;		/* KEY_VCEK or KEY_VLEK */
	uint8_t family;			/* CPUID family (v3), or 0 */
};

/*
 * What a certificate is, by its subject's common name: "SEV-VCEK",
 * "SEV-VLEK", "SEV-Milan" (the ASK), "SEV-VLEK-Milan" (the ASVK),
 * "ARK-Milan".
 */
enum role { ROLE_NONE, ROLE_VCEK, ROLE_VLEK, ROLE_ASK, ROLE_ASVK, ROLE_ARK };
static const char * const role_names[] = { "?", "VCEK", "VLEK", "ASK", "ASVK",
    "ARK" };
#define PRODUCT_MAX	16
#define CN_MAX		64
#define LABEL_MAX	512	/* a root's name, with its file's */

/*
 * The certificate table of the kernel's auxblob (the GHCB specification's
 * certificate table): entries of a GUID, a 4-byte offset and a 4-byte
 * length, ended by an entry of zeros.  The ASK's GUID holds the ASVK too.
 */
#define ENTRY_LEN	24
static const struct {
	uint8_t guid[16];
	enum role role;
} table_guids[] = {
	/* 63da758d-e664-4564-adc5-f4b93be8accd */
	{ { 0x63, 0xda, 0x75, 0x8d, 0xe6, 0x64, 0x45, 0x64, 0xad, 0xc5,
	    0xf4, 0xb9, 0x3b, 0xe8, 0xac, 0xcd }, ROLE_VCEK },
	/* a8074bc2-a25a-483e-aae6-39c045a0b8a1 */
	{ { 0xa8, 0x07, 0x4b, 0xc2, 0xa2, 0x5a, 0x48, 0x3e, 0xaa, 0xe6,
	    0x39, 0xc0, 0x45, 0xa0, 0xb8, 0xa1 }, ROLE_VLEK },
	/* 4ab7b379-bbac-4fe4-a02f-05aef327c782 */
	{ { 0x4a, 0xb7, 0xb3, 0x79, 0xbb, 0xac, 0x4f, 0xe4, 0xa0, 0x2f,
	    0x05, 0xae, 0xf3, 0x27, 0xc7, 0x82 }, ROLE_ASK },
	/* c0b406a4-a803-4952-9743-3fb6014cd0ae */
	{ { 0xc0, 0xb4, 0x06, 0xa4, 0xa8, 0x03, 0x49, 0x52, 0x97, 0x43,
	    0x3f, 0xb6, 0x01, 0x4c, 0xd0, 0xae }, ROLE_ARK },
};

/*
 * The VCEK's and VLEK's extensions (AMD, "Versioned Chip Endorsement Key
 * (VCEK) Certificate and KDS Interface Specification"): the hardware ID
 * (the chip's CHIP_ID, raw bytes; 8 of them on Turin, whose CHIP_ID is
 * zero after them) and the security patch levels of the TCB (INTEGERs).
 */
#define OID_HWID	"1.3.6.1.4.1.3704.1.4"
static const struct {
	const char * oid;
	const char * name;
	size_t off;			/* in struct ss_snp_tcb */
	int turin_only;
} spl_exts[] = {
	{ "1.3.6.1.4.1.3704.1.3.1", "blSPL",
	    offsetof(struct ss_snp_tcb, bootloader), 0 },
	{ "1.3.6.1.4.1.3704.1.3.2", "teeSPL", offsetof(struct ss_snp_tcb, tee),
	    0 },
	{ "1.3.6.1.4.1.3704.1.3.3", "snpSPL", offsetof(struct ss_snp_tcb, snp),
	    0 },
	{ "1.3.6.1.4.1.3704.1.3.8", "ucodeSPL",
	    offsetof(struct ss_snp_tcb, microcode), 0 },
	{ "1.3.6.1.4.1.3704.1.3.9", "fmcSPL", offsetof(struct ss_snp_tcb, fmc),
	    1 },
};

/* The chain that vouches for the report's signing key. */
struct chain {
	STACK_OF(X509) * all;		/* the certificates given */
	enum role role;			/* ROLE_VCEK or ROLE_VLEK */
	X509 * leaf;			/* the VCEK or VLEK (in the list) */
	X509 * mid;			/* its ASK or ASVK (in the list) */
	X509 * root;			/* the trusted ARK (owned) */
	char product[PRODUCT_MAX];	/* "Milan", from the ASK's name */
	char label[32];			/* "VCEK (Milan)" */
	char mid_label[96];		/* "ASK (SEV-Milan)" */
};

/* The report's little-endian integers. */
#define le32(p)	((uint32_t)ss_evidence_le((p), 4))
#define le64(p)	ss_evidence_le((p), 8)

/* ${len} bytes of ${p} in hex into ${buf} (2 * ${len} + 1 bytes). */
static char *
hex(char * buf, const uint8_t * p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		snprintf(buf + 2 * i, 3, "%02x", p[i]);
	buf[2 * len] = '\0';
	return (buf);
}

/* Read the report ${ev} into ${r}, refusing what the ABI does not allow. */
static int
report_read(const struct ss_blob * ev, struct report * r)
{
	const uint8_t * p = ev->p;
	size_t i, j, from;
	uint32_t info;

	if (ev->len < SS_SNP_REPORT_LEN) {
		ss_err_set(SS_EXIT_DATA, "SNP report truncated: %zu bytes, "
		    "not %d", ev->len, SS_SNP_REPORT_LEN);
		return (-1);
	}
	if (ev->len > SS_SNP_REPORT_LEN) {
		ss_err_set(SS_EXIT_DATA, "trailing garbage after the SNP "
		    "report: %zu bytes, not %d", ev->len,
		    SS_SNP_REPORT_LEN);
		return (-1);
	}
	r->p = p;
	if ((r->version = le32(p)) != 2 && r->version != 3) {
		ss_err_set(SS_EXIT_DATA, "SNP report version %u is not "
		    "supported (2 or 3)", r->version);
		return (-1);
	}
	if (le32(p + OFF_SIG_ALGO) != SIG_ALGO_ECDSA_P384) {
		ss_err_set(SS_EXIT_DATA, "SNP report signature algorithm "
		    "%u is not ECDSA P-384 with SHA-384",
		    le32(p + OFF_SIG_ALGO));
		return (-1);
	}
	info = le32(p + OFF_KEY_INFO);
	r->signing_key = (info >> 2) & 7;
	if ((info >> 5) != 0) {
		ss_err_set(SS_EXIT_DATA, "SNP report: reserved bits are "
		    "set at 0x%03x (0x%08x)", OFF_KEY_INFO, info);
		return (-1);
	}
	if (r->signing_key != KEY_VCEK && r->signing_key != KEY_VLEK) {
		ss_err_set(SS_EXIT_DATA, "SNP report is signed by neither "
		    "a VCEK nor a VLEK (SIGNING_KEY %u)", r->signing_key);
		return (-1);
	}
	for (i = 0; i < sizeof(zero_areas) / sizeof(zero_areas[0]); i++) {
		from = (r->version == 2 && zero_areas[i].from ==
		    OFF_CPUID_END) ? OFF_CPUID_FAM : zero_areas[i].from;
		for (j = from; j < zero_areas[i].to; j++)
			if (p[j] != 0)
				break;
		if (j < zero_areas[i].to) {
			ss_err_set(SS_EXIT_DATA, "SNP report: reserved "
			    "bytes 0x%03zx-0x%03x are not zero", from,
			    zero_areas[i].to - 1);
			return (-1);
		}
	}
	r->policy = le64(p + OFF_POLICY);
	r->vmpl = le32(p + OFF_VMPL);
	r->family = (r->version >= 3) ? p[OFF_CPUID_FAM] : 0;
	return (0);
}

/* The TCB_VERSION at ${p}, whose layout is Turin's if ${turin}. */
static void
tcb_decode(struct ss_snp_tcb * t, const uint8_t * p, int turin)
{

	memset(t, 0, sizeof(*t));
	if (turin) {
		t->fmc = p[0];
		t->bootloader = p[1];
		t->tee = p[2];
		t->snp = p[3];
	} else {
		t->bootloader = p[0];
		t->tee = p[1];
		t->snp = p[6];
	}
	t->microcode = p[7];
}

/* ${t} as text: "bootloader 3 tee 0 snp 8 microcode 115" (fmc first). */
static void
tcb_text(char * buf, size_t size, const struct ss_snp_tcb * t, int turin)
{
	int n = 0;

	if (turin)
		n = snprintf(buf, size, "fmc %u ", t->fmc);
	snprintf(buf + n, size - (size_t)n, "bootloader %u tee %u snp %u "
	    "microcode %u", t->bootloader, t->tee, t->snp, t->microcode);
}

/* What the report ${r} says, into ${c}. */
static void
claims_fill(struct ss_evidence_claims * c, const struct report * r,
    int turin)
{

	memset(c, 0, sizeof(*c));
	c->kind = SS_EVIDENCE_SNP;
	c->version = r->version;
	memcpy(c->report_data, r->p + OFF_REPORT_DATA,
	    sizeof(c->report_data));
	memcpy(c->measurement, r->p + OFF_MEASUREMENT, MEASUREMENT_LEN);
	c->measurement_len = MEASUREMENT_LEN;
	memcpy(c->host_data, r->p + OFF_HOST_DATA, sizeof(c->host_data));
	memcpy(c->chip_id, r->p + OFF_CHIP_ID, sizeof(c->chip_id));
	c->policy = r->policy;
	c->debug = (r->policy & POLICY_DEBUG) != 0;
	c->vmpl = r->vmpl;
	tcb_decode(&c->tcb, r->p + OFF_REPORTED_TCB, turin);
	tcb_text(c->tcb_text, sizeof(c->tcb_text), &c->tcb, turin);
}

int
ss_snp_parse(const struct ss_blob * ev, struct ss_evidence_claims * c)
{
	struct report r;

	if (report_read(ev, &r))
		return (-1);
	claims_fill(c, &r, r.family == FAMILY_TURIN);
	snprintf(c->signer, sizeof(c->signer), "%s (not verified)",
	    role_names[(r.signing_key == KEY_VCEK) ? ROLE_VCEK : ROLE_VLEK]);
	return (0);
}

/* The role of a certificate whose subject's CN is ${cn}; its product. */
static enum role
role_of(const char * cn, char product[PRODUCT_MAX])
{
	static const struct {
		const char * prefix;
		enum role role;
	} forms[] = {
		{ "SEV-VLEK-", ROLE_ASVK }, { "SEV-", ROLE_ASK },
		{ "ARK-", ROLE_ARK },
	};
	const char * rest;
	size_t i, j;

	product[0] = '\0';
	if (strcmp(cn, "SEV-VCEK") == 0)
		return (ROLE_VCEK);
	if (strcmp(cn, "SEV-VLEK") == 0)
		return (ROLE_VLEK);
	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		if (strncmp(cn, forms[i].prefix, strlen(forms[i].prefix)) != 0)
			continue;
		rest = cn + strlen(forms[i].prefix);
		for (j = 0; rest[j] != '\0' && j < PRODUCT_MAX; j++)
			if (!((rest[j] >= 'A' && rest[j] <= 'Z') ||
			    (rest[j] >= 'a' && rest[j] <= 'z') ||
			    (rest[j] >= '0' && rest[j] <= '9')))
				break;
		if (j == 0 || j >= PRODUCT_MAX || rest[j] != '\0')
			return (ROLE_NONE);
		memcpy(product, rest, j + 1);
		return (forms[i].role);
	}
	return (ROLE_NONE);
}

/* The role of ${x}; its subject's CN in ${cn}, its product. */
static enum role
cert_role(const X509 * x, char cn[CN_MAX], char product[PRODUCT_MAX])
{

	ss_x509_name_text(X509_get_subject_name(x), cn, CN_MAX);
	return (role_of(cn, product));
}

/*
 * Add ${x} (taken) to ${all}: ${what} names it, ${hint} is the role its
 * certificate table entry gives it (ROLE_NONE: none).  The same
 * certificate given twice counts once; two different ones with the same
 * subject (two VCEKs) are refused.
 */
static int
certs_add(STACK_OF(X509) * all, X509 * x, const char * what, enum role hint)
{
	char cn[CN_MAX], product[PRODUCT_MAX];
	enum role role;
	X509 * y;
	int i;

	role = cert_role(x, cn, product);
	if (role == ROLE_NONE) {
		ss_err_set(SS_EXIT_DATA, "%s (%s) is not an AMD SEV-SNP "
		    "certificate", what, cn);
		goto err;
	}
	if (hint != ROLE_NONE && hint != role &&
	    !(hint == ROLE_ASK && role == ROLE_ASVK)) {
		ss_err_set(SS_EXIT_DATA, "%s is for the %s but holds %s", what,
		    role_names[hint], cn);
		goto err;
	}
	for (i = 0; i < sk_X509_num(all); i++) {
		y = sk_X509_value(all, i);
		if (X509_cmp(x, y) == 0) {
			X509_free(x);
			return (0);
		}
		if (X509_NAME_cmp(X509_get_subject_name(x),
		    X509_get_subject_name(y)) == 0) {
			ss_err_set(SS_EXIT_DATA, "%s is a second, different %s "
			    "(%s)", what, role_names[role], cn);
			goto err;
		}
	}
	if (sk_X509_push(all, x) == 0) {
		ss_err_set(SS_EXIT_SYS, "out of memory loading certificates");
		goto err;
	}
	return (0);
err:
	X509_free(x);
	return (-1);
}

/* The role a certificate table's GUID ${g} names (in either byte order). */
static enum role
guid_role(const uint8_t * g)
{
	/* The mixed-endian form: the first three fields little-endian. */
	static const uint8_t order[16] = { 3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10,
	    11, 12, 13, 14, 15 };
	uint8_t swapped[16];
	size_t i;

	for (i = 0; i < 16; i++)
		swapped[i] = g[order[i]];
	for (i = 0; i < sizeof(table_guids) / sizeof(table_guids[0]); i++)
		if (memcmp(g, table_guids[i].guid, 16) == 0 ||
		    memcmp(swapped, table_guids[i].guid, 16) == 0)
			return (table_guids[i].role);
	return (ROLE_NONE);
}

/*
 * The certificates of the certificate table ${b}.  Entries whose GUID is
 * not one of the table's certificates, or that are empty, are skipped;
 * each must lie after the table, within ${b}.
 */
static int
table_load(const struct ss_blob * b, STACK_OF(X509) * all)
{
	static const uint8_t zero[ENTRY_LEN];
	const uint8_t * e;
	uint32_t off, len;
	size_t n, end, i;
	enum role role;
	char what[512];
	X509 * x;

	for (n = 0;; n++) {
		if (b->len / ENTRY_LEN <= n) {
			ss_err_set(SS_EXIT_DATA, "%s: neither certificates nor "
			    "a certificate table (no entry of zeros ends it)",
			    b->name);
			return (-1);
		}
		if (memcmp(b->p + n * ENTRY_LEN, zero, ENTRY_LEN) == 0)
			break;
	}
	end = (n + 1) * ENTRY_LEN;
	for (i = 0; i < n; i++) {
		e = b->p + i * ENTRY_LEN;
		off = le32(e + 16);
		len = le32(e + 20);
		snprintf(what, sizeof(what), "%s: certificate table entry %zu",
		    b->name, i + 1);
		if (off < end || off > b->len || len > b->len - off) {
			ss_err_set(SS_EXIT_DATA, "%s (offset %u, %u bytes) is "
			    "not within the %zu bytes after the table", what,
			    off, len, b->len - end);
			return (-1);
		}
		if ((role = guid_role(e)) == ROLE_NONE || len == 0)
			continue;
		if ((x = ss_x509_from_der(b->p + off, len, what)) == NULL ||
		    certs_add(all, x, what, role))
			return (-1);
	}
	return (0);
}

/*
 * The certificates of ${b}, added to ${all}: PEM or DER certificates, or
 * else a certificate table.  Nothing (an empty auxblob) is no
 * certificates.
 */
static int
blob_load(const struct ss_blob * b, STACK_OF(X509) * all)
{
	STACK_OF(X509) * got;
	char what[512];
	int i, n, rc = -1;

	if (b->len == 0)
		return (0);
	if (b->p[0] != 0x30 && memmem(b->p, b->len, "-----BEGIN ", 11) == NULL)
		return (table_load(b, all));
	if ((got = sk_X509_new_null()) == NULL) {
		ss_err_set(SS_EXIT_SYS, "out of memory loading certificates");
		return (-1);
	}
	if (ss_x509_load(b->p, b->len, b->name, got))
		goto done;
	n = sk_X509_num(got);
	for (i = 0; i < n; i++) {
		if (n == 1)
			snprintf(what, sizeof(what), "%s", b->name);
		else
			snprintf(what, sizeof(what), "%s: certificate %d",
			    b->name, i + 1);
		if (certs_add(all, sk_X509_shift(got), what, ROLE_NONE))
			goto done;
	}
	rc = 0;
done:
	sk_X509_pop_free(got, X509_free);
	return (rc);
}

/* The certificate of ${role} in ${all}, with ${subject} unless NULL. */
static X509 *
certs_find(STACK_OF(X509) * all, enum role role, const X509_NAME * subject)
{
	char cn[CN_MAX], product[PRODUCT_MAX];
	X509 * x;
	int i;

	for (i = 0; i < sk_X509_num(all); i++) {
		x = sk_X509_value(all, i);
		if (cert_role(x, cn, product) == role && (subject == NULL ||
		    X509_NAME_cmp(X509_get_subject_name(x), subject) == 0))
			return (x);
	}
	return (NULL);
}

/*
 * The one root ${pol} trusts, for the ASK or ASVK ${mid}: root_file's,
 * or the built-in ARK that ${mid}'s issuer names, checked against its
 * pin.  Its name for messages ("ARK-Milan") goes in ${name}.
 */
static X509 *
root_get(const X509 * mid, const char * mid_label,
    const struct ss_evidence_policy * pol, char * name, size_t size)
{
	uint8_t digest[SS_X509_SHA256_LEN];
	char issuer[CN_MAX], text[2 * SS_X509_SHA256_LEN + 1], msg[1024];
	const struct ss_amd_root * ark = NULL;
	STACK_OF(X509) * got;
	X509 * root = NULL;

	if ((got = sk_X509_new_null()) == NULL) {
		ss_err_set(SS_EXIT_SYS, "out of memory loading certificates");
		return (NULL);
	}
	ss_x509_name_text(X509_get_issuer_name(mid), issuer, sizeof(issuer));
	if (pol->root_file != NULL) {
		/* A root file that does not load is a usage error. */
		if (ss_x509_load_file(pol->root_file, got)) {
			snprintf(msg, sizeof(msg), "%s", ss_err_msg());
			ss_err_set(SS_EXIT_SYS, "%s", msg);
			goto done;
		}
		if (sk_X509_num(got) != 1) {
			ss_err_set(SS_EXIT_SYS, "%s: holds %d certificates, "
			    "not one root", pol->root_file, sk_X509_num(got));
			goto done;
		}
	} else {
		if ((ark = ss_amd_root_find(issuer)) == NULL) {
			ss_err_set(SS_EXIT_DATA, "%s is issued by %s, which is "
			    "not an AMD root built in (ARK-Milan, ARK-Genoa, "
			    "ARK-Turin)", mid_label, issuer);
			goto done;
		}
		if (ss_x509_load((const uint8_t *)ark->pem, strlen(ark->pem),
		    ark->name, got))
			goto done;
	}
	root = sk_X509_shift(got);
	if (ark != NULL && (ss_x509_sha256(root, digest) ||
	    strcmp(hex(text, digest, sizeof(digest)), ark->sha256) != 0)) {
		ss_err_set(SS_EXIT_SYS, "built-in %s does not match its pinned "
		    "SHA-256", ark->name);
		X509_free(root);
		root = NULL;
		goto done;
	}
	ss_x509_name_text(X509_get_subject_name(root), issuer, sizeof(issuer));
	if (pol->root_file != NULL)
		snprintf(name, size, "%s (from %s)", issuer, pol->root_file);
	else
		snprintf(name, size, "%s", issuer);
done:
	sk_X509_pop_free(got, X509_free);
	return (root);
}

/* Is ${x} signed with RSA-PSS, SHA-384, MGF1 SHA-384 and salt 48? */
static int
pss_check(X509 * x, const char * what)
{
	uint32_t flags;
	int md, pk, bits;

	/* X509_SIG_INFO_TLS: PSS whose MGF1 hash is the hash, salt its size. */
	if (X509_get_signature_info(x, &md, &pk, &bits, &flags) != 1 ||
	    pk != NID_rsassaPss || md != NID_sha384 ||
	    (flags & X509_SIG_INFO_TLS) == 0) {
		ERR_clear_error();
		ss_err_set(SS_EXIT_DATA, "%s is not signed with RSA-PSS "
		    "(SHA-384, salt 48)", what);
		return (-1);
	}
	return (0);
}

/* The signature algorithms, then each link from the root down. */
static int
links_check(const struct chain * ch, const char * root_name, time_t at)
{
	const char * leaf_name = role_names[ch->role];
	char by[LABEL_MAX + 8];

	if (pss_check(ch->root, root_name) ||
	    pss_check(ch->mid, ch->mid_label) ||
	    pss_check(ch->leaf, leaf_name) ||
	    ss_x509_issued_by(ch->root, root_name, ch->root, "itself", at))
		return (-1);
	snprintf(by, sizeof(by), "the %s", root_name);
	if (ss_x509_issued_by(ch->mid, ch->mid_label, ch->root, by, at))
		return (-1);
	snprintf(by, sizeof(by), "the %s", ch->mid_label);
	return (ss_x509_issued_by(ch->leaf, leaf_name, ch->mid, by, at));
}

/*
 * The chain of the ${role} key (ROLE_VCEK or ROLE_VLEK) in ${ch}, by
 * names: the key, an ECDSA P-384 one, and the ASK (or ASVK) that its
 * issuer names.  A ${report} says it is signed by that key.
 */
static int
chain_find(struct chain * ch, enum role role, int report)
{
	enum role mid = (role == ROLE_VCEK) ? ROLE_ASK : ROLE_ASVK;
	char cn[CN_MAX];

	ch->role = role;
	if ((ch->leaf = certs_find(ch->all, role, NULL)) == NULL) {
		if (report)
			ss_err_set(SS_EXIT_DATA, "no %s given (the SNP report "
			    "is signed by its %s)", role_names[role],
			    role_names[role]);
		else
			ss_err_set(SS_EXIT_DATA, "no %s given",
			    role_names[role]);
		return (-1);
	}
	if (!ss_x509_is_ec(X509_get0_pubkey(ch->leaf), NID_secp384r1)) {
		ss_err_set(SS_EXIT_DATA, "%s key is not ECDSA P-384",
		    role_names[role]);
		return (-1);
	}
	if ((ch->mid = certs_find(ch->all, mid,
	    X509_get_issuer_name(ch->leaf))) == NULL) {
		ss_x509_name_text(X509_get_issuer_name(ch->leaf), cn,
		    sizeof(cn));
		ss_err_set(SS_EXIT_DATA, "no %s given for the %s (its issuer "
		    "is %s)", role_names[mid], role_names[role], cn);
		return (-1);
	}
	cert_role(ch->mid, cn, ch->product);
	snprintf(ch->mid_label, sizeof(ch->mid_label), "%s (%s)",
	    role_names[mid], cn);
	snprintf(ch->label, sizeof(ch->label), "%s (%s)", role_names[role],
	    ch->product);
	return (0);
}

/*
 * The chain found in ${ch} leads to the root that ${pol} trusts, at
 * pol->at or now; no ARK given may stand in for that root.
 */
static int
chain_check(struct chain * ch, const struct ss_evidence_policy * pol)
{
	uint8_t digest[SS_X509_SHA256_LEN];
	char cn[CN_MAX], product[PRODUCT_MAX], root_name[LABEL_MAX];
	char text[2 * SS_X509_SHA256_LEN + 1];
	X509 * x;
	int i;

	if ((ch->root = root_get(ch->mid, ch->mid_label, pol, root_name,
	    sizeof(root_name))) == NULL)
		return (-1);
	for (i = 0; i < sk_X509_num(ch->all); i++) {
		x = sk_X509_value(ch->all, i);
		if (cert_role(x, cn, product) != ROLE_ARK ||
		    X509_NAME_cmp(X509_get_subject_name(x),
		    X509_get_subject_name(ch->root)) != 0 ||
		    X509_cmp(x, ch->root) == 0)
			continue;
		if (ss_x509_sha256(x, digest) == 0)
			ss_err_set(SS_EXIT_DATA, "the %s given is not the root "
			    "trusted (its SHA-256 is %s)", cn,
			    hex(text, digest, sizeof(digest)));
		return (-1);
	}
	return (links_check(ch, root_name, (pol->at != 0) ? pol->at :
	    time(NULL)));
}

/* One TCB component of ${x}'s extension ${i} (an INTEGER, 0 to 255). */
static int
spl_get(const X509 * x, const char * label, size_t i, struct ss_snp_tcb * t)
{
	const uint8_t * p, * q;
	ASN1_INTEGER * a = NULL;
	int64_t v;
	size_t len;
	int rc;

	if ((rc = ss_x509_ext(x, spl_exts[i].oid, &p, &len)) == -1) {
		ss_err_prefix("%s", label);
		return (-1);
	}
	if (rc == 0) {
		ss_err_set(SS_EXIT_DATA, "%s has no %s extension (%s)", label,
		    spl_exts[i].name, spl_exts[i].oid);
		return (-1);
	}
	q = p;
	if (len > 16 || (a = d2i_ASN1_INTEGER(NULL, &q, (long)len)) == NULL ||
	    q != p + len || ASN1_INTEGER_get_int64(&v, a) != 1 || v < 0 ||
	    v > 255) {
		ERR_clear_error();
		ASN1_INTEGER_free(a);
		ss_err_set(SS_EXIT_DATA, "%s %s extension is not an integer "
		    "from 0 to 255", label, spl_exts[i].name);
		return (-1);
	}
	ASN1_INTEGER_free(a);
	((uint8_t *)t)[spl_exts[i].off] = (uint8_t)v;
	return (0);
}

/* The VCEK's hardware ID is the report's CHIP_ID. */
static int
hwid_check(const X509 * x, const char * label, const uint8_t * chip_id)
{
	char want[2 * CHIP_ID_LEN + 1], got[2 * CHIP_ID_LEN + 1];
	const uint8_t * p;
	size_t len, i;
	int rc;

	if ((rc = ss_x509_ext(x, OID_HWID, &p, &len)) == -1) {
		ss_err_prefix("%s", label);
		return (-1);
	}
	if (rc == 0 || len == 0 || len > CHIP_ID_LEN) {
		ss_err_set(SS_EXIT_DATA, "%s has no hardware ID of 1 to %d "
		    "bytes (%s)", label, CHIP_ID_LEN, OID_HWID);
		return (-1);
	}
	for (i = len; i < CHIP_ID_LEN; i++)
		if (chip_id[i] != 0)
			break;
	if (memcmp(p, chip_id, len) != 0 || i < CHIP_ID_LEN) {
		ss_err_set(SS_EXIT_DATA, "%s is another chip's: its hardware "
		    "ID %s is not the report's CHIP_ID %s", label,
		    hex(got, p, len), hex(want, chip_id, CHIP_ID_LEN));
		return (-1);
	}
	return (0);
}

/*
 * The signing key is the report's: a v3 report's CPU family is its
 * product's, a VCEK's hardware ID is the report's CHIP_ID (a VLEK has
 * none), and the key's TCB is the report's REPORTED_TCB.
 */
static int
binding_check(const struct chain * ch, const struct report * r, int turin)
{
	struct ss_snp_tcb cert, report;
	char a[96], b[96];
	size_t i;

	if (r->version >= 3 && (r->family == FAMILY_TURIN) != turin) {
		ss_err_set(SS_EXIT_DATA, "SNP report is from a CPU of family "
		    "0x%02x, not one the %s is for", r->family, ch->label);
		return (-1);
	}
	if (r->signing_key == KEY_VCEK &&
	    hwid_check(ch->leaf, ch->label, r->p + OFF_CHIP_ID))
		return (-1);
	memset(&cert, 0, sizeof(cert));
	for (i = 0; i < sizeof(spl_exts) / sizeof(spl_exts[0]); i++)
		if ((turin || !spl_exts[i].turin_only) &&
		    spl_get(ch->leaf, ch->label, i, &cert))
			return (-1);
	tcb_decode(&report, r->p + OFF_REPORTED_TCB, turin);
	if (memcmp(&cert, &report, sizeof(cert)) != 0) {
		tcb_text(a, sizeof(a), &cert, turin);
		tcb_text(b, sizeof(b), &report, turin);
		ss_err_set(SS_EXIT_DATA, "%s is for TCB %s, not the report's "
		    "REPORTED_TCB %s", ch->label, a, b);
		return (-1);
	}
	return (0);
}

/* The report's ECDSA P-384 signature verifies with ${ch}'s key. */
static int
signature_check(const struct chain * ch, const struct report * r)
{
	const uint8_t * sig = r->p + OFF_SIGNATURE;
	uint8_t rs[2 * SIG_RS_LEN];
	size_t i;
	int rc;

	/* R and S are little-endian here, big-endian for the verifier. */
	for (i = 0; i < SIG_RS_LEN; i++) {
		rs[i] = sig[SIG_RS_LEN - 1 - i];
		rs[SIG_RS_LEN + i] = sig[2 * SIG_RS_LEN - 1 - i];
	}
	if ((rc = ss_x509_ecdsa_verify(X509_get0_pubkey(ch->leaf),
	    EVP_sha384(), rs, SIG_RS_LEN, r->p, OFF_SIGNATURE)) == 1)
		ss_err_set(SS_EXIT_DATA, "SNP report signature does not verify "
		    "with the %s", ch->label);
	return ((rc == 0) ? 0 : -1);
}

/* The guest's debug policy, its TCB and VMPL are what ${pol} accepts. */
static int
policy_check(const struct ss_evidence_claims * c, int turin,
    const struct ss_evidence_policy * pol)
{
	const struct ss_snp_tcb * t = &c->tcb, * m = &pol->min_tcb;
	char want[96];

	if (c->debug && !pol->allow_debug) {
		ss_err_set(SS_EXIT_DATA, "SNP report: the guest is debuggable "
		    "(policy 0x%llx; --allow-debug accepts it)",
		    (unsigned long long)c->policy);
		return (-1);
	}
	if (pol->min_tcb_set && (t->bootloader < m->bootloader ||
	    t->tee < m->tee || t->snp < m->snp ||
	    t->microcode < m->microcode || (turin && t->fmc < m->fmc))) {
		tcb_text(want, sizeof(want), m, turin);
		ss_err_set(SS_EXIT_DATA, "SNP report: REPORTED_TCB (%s) is "
		    "below the minimum (%s)", c->tcb_text, want);
		return (-1);
	}
	if (pol->max_vmpl >= 0 && c->vmpl > (unsigned)pol->max_vmpl) {
		ss_err_set(SS_EXIT_DATA, "SNP report: VMPL %u is above the "
		    "maximum %d", c->vmpl, pol->max_vmpl);
		return (-1);
	}
	return (0);
}

/* Load the certificates of the ${nextra} blobs ${extra} into ${ch}. */
static int
certs_load(struct chain * ch, const struct ss_blob * extra, size_t nextra)
{
	size_t i;

	memset(ch, 0, sizeof(*ch));
	if ((ch->all = sk_X509_new_null()) == NULL) {
		ss_err_set(SS_EXIT_SYS, "out of memory loading certificates");
		return (-1);
	}
	for (i = 0; i < nextra; i++)
		if (blob_load(&extra[i], ch->all))
			return (-1);
	return (0);
}

/* Free what ${ch} holds, and OpenSSL's errors. */
static void
chain_free(struct chain * ch)
{

	ERR_clear_error();
	X509_free(ch->root);
	sk_X509_pop_free(ch->all, X509_free);
}

int
ss_snp_verify(const struct ss_blob * ev, const struct ss_blob * extra,
    size_t nextra, const struct ss_evidence_policy * pol,
    struct ss_evidence_claims * c)
{
	struct chain ch;
	struct report r;
	int turin, rc = -1;

	/* The checks that cost least come first; the chain's RSA last. */
	memset(&ch, 0, sizeof(ch));
	if (report_read(ev, &r) || certs_load(&ch, extra, nextra) ||
	    chain_find(&ch, (r.signing_key == KEY_VCEK) ? ROLE_VCEK :
	    ROLE_VLEK, 1))
		goto done;
	turin = (strcmp(ch.product, "Turin") == 0);
	if (binding_check(&ch, &r, turin) || signature_check(&ch, &r) ||
	    chain_check(&ch, pol))
		goto done;
	claims_fill(c, &r, turin);
	snprintf(c->signer, sizeof(c->signer), "%s", ch.label);
	rc = policy_check(c, turin, pol);
done:
	chain_free(&ch);
	return (rc);
}

int
ss_snp_certs_verify(const struct ss_blob * extra, size_t nextra, int vlek,
    const struct ss_evidence_policy * pol, char * signer, size_t size)
{
	struct chain ch;
	int rc = -1;

	if (certs_load(&ch, extra, nextra) ||
	    chain_find(&ch, vlek ? ROLE_VLEK : ROLE_VCEK, 0) ||
	    chain_check(&ch, pol))
		goto done;
	snprintf(signer, size, "%s", ch.label);
	rc = 0;
done:
	chain_free(&ch);
	return (rc);
}
