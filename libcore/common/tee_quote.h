#ifndef SS_QUOTE_H
#define SS_QUOTE_H

/*
 * Quotes: what an enclave states about itself, signed by its platform's
 * attestation key (Ed25519), or bound by hardware evidence in a
 * confidential VM.  Binary layout (integers big-endian):
 *
 *	magic[8] = "ssquote1"
 *	tee[1]		SS_TEE_SOFTWARE (a separate, locked-down process),
 *			SS_TEE_INPROCESS (the none backend: no isolation),
 *			SS_TEE_SNP or SS_TEE_TDX (an isolated enclave in an
 *			SEV-SNP or TDX confidential VM)
 *	reserved[3] = 0
 *	image_digest[32]	SHA-256 of the enclave image
 *	program_digest[32]	SHA-256 of the program encoding
 *	measurement[32]		ss_measurement() of the two
 *	platform_id[8]		first 8 bytes of SHA-256(platform public key)
 *	stage_pk[32]		the stage's X25519 public key
 *	report_data[32]		SHA-256("securestreams/1 report" ||
 *				stage_pk || nonce)
 *	nonce_len[1] nonce[nonce_len]	at most SS_NONCE_MAX bytes
 *	program_len[4] program[program_len]
 * then, software and in-process:
 *	signature[64]		Ed25519 over every byte before it (the body)
 * or, SNP and TDX (platform_id is zero):
 *	evidence_len[4] evidence	the SEV-SNP report or the TDX quote,
 *					as configfs-tsm's outblob gave it
 *	certs_len[4] certs		its certificates: for SNP, the
 *					auxblob's certificate table (may be
 *					empty: the verifier is given them)
 * The hardware's REPORT_DATA (64 bytes) binds the body's claims:
 *	SHA-512("securestreams/1 tee report" || tee[1] || measurement[32]
 *	    || stage_pk[32] || nonce_len[1] || nonce)
 * (ss_quote_tee_report_data()); the evidence itself is signed by the
 * hardware, so the body is not signed again.
 *
 * The text form is "ssquote1-" and the unpadded base64url of those bytes,
 * on one line.  Platform public keys are "ssplat1-..." (key.h encoding).
 */

#include <stddef.h>
#include <stdint.h>

#include "crypt.h"
#include "key.h"

#define SS_QUOTE_MAGIC		"ssquote1"
#define SS_QUOTE_TEXT_PREFIX	"ssquote1-"
#define SS_PLATFORM_PREFIX	"ssplat1-"
#define SS_TEE_SOFTWARE		1
#define SS_TEE_INPROCESS	2
#define SS_TEE_SNP		3
#define SS_TEE_TDX		4
#define SS_TEE_REPORT_DATA_LEN	64
/* Hardware evidence and its certificates in a quote, at most. */
#define SS_QUOTE_EVIDENCE_MAX	(64 * 1024)
#define SS_QUOTE_CERTS_MAX	(64 * 1024)
#define SS_QUOTE_NONCE_MAX	64
#define SS_PLATFORM_ID_LEN	8
#define SS_QUOTE_SIG_LEN	64
#define SS_QUOTE_MAX		(2 * 1024 * 1024)

struct ss_quote {
	uint8_t tee;
	uint8_t image_digest[SS_SHA256_LEN];
	uint8_t program_digest[SS_SHA256_LEN];
	uint8_t measurement[SS_SHA256_LEN];
	uint8_t platform_id[SS_PLATFORM_ID_LEN];
	uint8_t stage_pk[SS_KEY_LEN];
	uint8_t report_data[SS_SHA256_LEN];
	size_t nonce_len;
	uint8_t nonce[SS_QUOTE_NONCE_MAX];
	const uint8_t * program;	/* points into the parsed buffer */
	size_t program_len;
	const uint8_t * signature;	/* likewise (software) */
	size_t signed_len;		/* bytes the signature covers: the
					   body */
	const uint8_t * evidence;	/* SNP, TDX: likewise */
	size_t evidence_len;
	const uint8_t * certs;
	size_t certs_len;
};

/**
 * ss_quote_hardware(tee):
 * Nonzero if ${tee} is a hardware platform's (SNP, TDX).
 */
int ss_quote_hardware(int);

/**
 * ss_quote_body_len(q):
 * The length of ${q}'s encoding without the signature.
 */
size_t ss_quote_body_len(const struct ss_quote *);

/**
 * ss_quote_encode_body(q, buf):
 * Write ${q}'s encoding without the signature to ${buf}, which has room
 * for ss_quote_body_len(q) bytes.
 */
void ss_quote_encode_body(const struct ss_quote *, uint8_t *);

/**
 * ss_quote_parse(q, buf, len):
 * Parse a binary quote; ${q} points into ${buf}.  Does not check the
 * signature or evidence.  Errors are SS_EXIT_DATA.
 */
int ss_quote_parse(struct ss_quote *, const uint8_t *, size_t);

/**
 * ss_quote_parse_body(q, buf, len):
 * Parse a hardware quote's body alone (what the enclave answers, before
 * the host adds the evidence).
 */
int ss_quote_parse_body(struct ss_quote *, const uint8_t *, size_t);

/**
 * ss_quote_add_evidence(body, bodylen, ev, evlen, certs, certslen, buf,
 *     len):
 * A hardware quote: the ${bodylen}-byte body, then the evidence and its
 * certificates, in a new buffer ${buf} (free() it) of ${len} bytes.
 */
int ss_quote_add_evidence(const uint8_t *, size_t, const uint8_t *, size_t,
    const uint8_t *, size_t, uint8_t **, size_t *);

/**
 * ss_quote_tee_report_data(rd, q):
 * The REPORT_DATA a hardware quote's evidence must hold (see above).
 */
int ss_quote_tee_report_data(uint8_t[SS_TEE_REPORT_DATA_LEN],
    const struct ss_quote *);

/**
 * ss_quote_report_data(rd, stage_pk, nonce, nonce_len):
 * Compute the report data binding ${stage_pk} and the nonce.
 */
int ss_quote_report_data(uint8_t[SS_SHA256_LEN], const uint8_t[SS_KEY_LEN],
    const uint8_t *, size_t);

/**
 * ss_quote_platform_id(id, platform_pk):
 * The key id of a platform public key.
 */
int ss_quote_platform_id(uint8_t[SS_PLATFORM_ID_LEN],
    const uint8_t[SS_KEY_LEN]);

/**
 * ss_quote_to_text(text, buf, len):
 * Return the text form of the binary quote ${buf} in a new NUL-terminated
 * string (free() it).
 */
char * ss_quote_to_text(const uint8_t *, size_t);

/**
 * ss_quote_from_text(text, len, buf, buflen):
 * Decode a quote's text form (surrounding blanks and newlines allowed)
 * into a new buffer.  Errors are SS_EXIT_DATA.
 */
int ss_quote_from_text(const char *, size_t, uint8_t **, size_t *);

/**
 * ss_hex(out, buf, len):
 * Write ${len} bytes as lower-case hex and a NUL to ${out}.
 */
void ss_hex(char *, const uint8_t *, size_t);

#endif /* !SS_QUOTE_H */
