#ifndef SS_DCAP_QUOTE_H
#define SS_DCAP_QUOTE_H

/*
 * The layout of Intel DCAP quotes (Intel SGX and TDX DCAP Quoting Library
 * API, "Quote Format"): SGX quotes v3, TDX quotes v4 and v5 (a TD 1.0 or
 * TD 1.5 report body), ECDSA P-256 attestation keys, the PCK chain as PEM
 * (certification data type 5; in v4 and v5 inside the QE report
 * certification data, type 6).  Parsing checks the structure only:
 * nothing here verifies a signature.
 *
 * A quote is parsed by its signed lengths: the header, the body and the
 * signature data whose length the quote declares.  Bytes after that are
 * outside every signature and every field; they are ignored (quotes are
 * often padded to a buffer's size, and go-tdx-guest's sample carries a
 * line of text there).  A quote shorter than it declares is refused.
 */

#include <stddef.h>
#include <stdint.h>

#define SS_DCAP_HEADER_LEN	48
#define SS_DCAP_SGX_REPORT_LEN	384	/* SGX report body, the QE's too */
#define SS_DCAP_TD10_LEN	584	/* TD 1.0 report body */
#define SS_DCAP_TD15_LEN	648	/* TD 1.5: TD 1.0, TEE_TCB_SVN_2,
					   MRSERVICETD */
#define SS_DCAP_SIG_LEN		64	/* ECDSA r || s, big-endian */
#define SS_DCAP_KEY_LEN		64	/* P-256 x || y, big-endian */

/* Header fields. */
#define SS_DCAP_OFF_VERSION	0	/* u16 */
#define SS_DCAP_OFF_KEY_TYPE	2	/* u16: 2, ECDSA P-256 */
#define SS_DCAP_OFF_TEE_TYPE	4	/* u32: 0 SGX, 0x81 TDX */
#define SS_DCAP_OFF_QE_SVN	8	/* u16 (v3) */
#define SS_DCAP_OFF_PCE_SVN	10	/* u16 (v3) */
#define SS_DCAP_OFF_VENDOR	12	/* QE vendor ID, 16 bytes */

/* SGX report body fields (the enclave's in SGX quotes, and the QE's). */
#define SS_DCAP_SGX_CPUSVN	0	/* 16 */
#define SS_DCAP_SGX_MISCSELECT	16	/* 4 */
#define SS_DCAP_SGX_ATTRIBUTES	48	/* 16: FLAGS, XFRM (u64 each) */
#define SS_DCAP_SGX_MRENCLAVE	64	/* 32 */
#define SS_DCAP_SGX_MRSIGNER	128	/* 32 */
#define SS_DCAP_SGX_ISVPRODID	256	/* u16 */
#define SS_DCAP_SGX_ISVSVN	258	/* u16 */
#define SS_DCAP_SGX_REPORTDATA	320	/* 64 */
#define SS_DCAP_SGX_FLAG_DEBUG	0x2	/* in ATTRIBUTES.FLAGS */

/* TD report body fields (TD 1.0; TD 1.5 adds the last two). */
#define SS_DCAP_TD_TEE_TCB_SVN	0	/* 16 */
#define SS_DCAP_TD_MRSIGNERSEAM	64	/* 48 */
#define SS_DCAP_TD_SEAMATTRIBUTES 112	/* 8 */
#define SS_DCAP_TD_ATTRIBUTES	120	/* u64 */
#define SS_DCAP_TD_MRTD		136	/* 48 */
#define SS_DCAP_TD_RTMR0	328	/* 4 times 48 */
#define SS_DCAP_TD_REPORTDATA	520	/* 64 */
#define SS_DCAP_TD_TEE_TCB_SVN2	584	/* 16 */
#define SS_DCAP_TD_MRSERVICETD	600	/* 48 */
#define SS_DCAP_TD_ATTR_DEBUG	0x1	/* TUD.DEBUG in TD_ATTRIBUTES */

/* v5 body types. */
#define SS_DCAP_BODY_SGX	1
#define SS_DCAP_BODY_TD10	2
#define SS_DCAP_BODY_TD15	3

/* A parsed quote: pointers into the caller's buffer. */
struct ss_dcap_quote {
	int kind;			/* SS_EVIDENCE_SGX or _TDX */
	unsigned version;		/* 3, 4 or 5 */
	unsigned body_type;		/* SS_DCAP_BODY_* */
	const uint8_t * header;		/* SS_DCAP_HEADER_LEN */
	const uint8_t * body;		/* body_len: the report body */
	size_t body_len;
	size_t signed_len;		/* header and body (v5: with the
					   body's type and size): what sig
					   signs */
	const uint8_t * sig;		/* SS_DCAP_SIG_LEN */
	const uint8_t * key;		/* the attestation key */
	const uint8_t * qe_report;	/* SS_DCAP_SGX_REPORT_LEN */
	const uint8_t * qe_sig;		/* the QE report's, by the PCK */
	const uint8_t * qe_auth;	/* QE authentication data */
	size_t qe_auth_len;
	const uint8_t * pck_chain;	/* PEM: the PCK certificate first */
	size_t pck_chain_len;
	size_t len;			/* the quote's declared length */
};

/**
 * ss_dcap_quote_name(kind):
 * "TDX quote" or "SGX quote", the prefix of messages about a quote.
 */
const char * ss_dcap_quote_name(int);

/**
 * ss_dcap_quote_parse(q, kind, buf, len):
 * Parse the DCAP quote of ${kind} (SS_EVIDENCE_TDX or SS_EVIDENCE_SGX) in
 * the ${len} bytes at ${buf} into ${q}: its version, key type, TEE type
 * and QE vendor (Intel's), its body, and the signature data, whose every
 * length must add up exactly.  Errors are SS_EXIT_DATA.
 */
int ss_dcap_quote_parse(struct ss_dcap_quote *, int, const uint8_t *,
    size_t);

#endif /* !SS_DCAP_QUOTE_H */
