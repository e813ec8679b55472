#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "err.h"
#include "frame.h"
#include "tee_quote.h"

#define MAGIC_LEN	(sizeof(SS_QUOTE_MAGIC) - 1)
#define PREFIX_LEN	(sizeof(SS_QUOTE_TEXT_PREFIX) - 1)
#define FIXED_LEN	(MAGIC_LEN + 4 + 3 * SS_SHA256_LEN + \
			    SS_PLATFORM_ID_LEN + SS_KEY_LEN + SS_SHA256_LEN)
#define LABEL_REPORT	"securestreams/1 report"
#define LABEL_TEE	"securestreams/1 tee report"

size_t
ss_quote_body_len(const struct ss_quote * q)
{

	return (FIXED_LEN + 1 + q->nonce_len + 4 + q->program_len);
}

void
ss_quote_encode_body(const struct ss_quote * q, uint8_t * b)
{

	memcpy(b, SS_QUOTE_MAGIC, MAGIC_LEN);
	b += MAGIC_LEN;
	b[0] = q->tee;
	b[1] = b[2] = b[3] = 0;
	b += 4;
	memcpy(b, q->image_digest, SS_SHA256_LEN);
	b += SS_SHA256_LEN;
	memcpy(b, q->program_digest, SS_SHA256_LEN);
	b += SS_SHA256_LEN;
	memcpy(b, q->measurement, SS_SHA256_LEN);
	b += SS_SHA256_LEN;
	memcpy(b, q->platform_id, SS_PLATFORM_ID_LEN);
	b += SS_PLATFORM_ID_LEN;
	memcpy(b, q->stage_pk, SS_KEY_LEN);
	b += SS_KEY_LEN;
	memcpy(b, q->report_data, SS_SHA256_LEN);
	b += SS_SHA256_LEN;
	*b++ = (uint8_t)q->nonce_len;
	memcpy(b, q->nonce, q->nonce_len);
	b += q->nonce_len;
	ss_be32enc(b, (uint32_t)q->program_len);
	memcpy(b + 4, q->program, q->program_len);
}

int
ss_quote_hardware(int tee)
{

	return (tee == SS_TEE_SNP || tee == SS_TEE_TDX);
}

/*
 * Parse the body of ${len} bytes ${b} into ${q}: every field up to the
 * program; the tail's length in ${tail}.  -1 if it does not read.
 */
static int
parse_body(struct ss_quote * q, const uint8_t * b, size_t len, size_t * tail)
{
	size_t pos;

	memset(q, 0, sizeof(*q));
	if (len < FIXED_LEN + 1 + 4 ||
	    memcmp(b, SS_QUOTE_MAGIC, MAGIC_LEN) != 0)
		return (-1);
	pos = MAGIC_LEN;
	q->tee = b[pos];
	if ((q->tee != SS_TEE_SOFTWARE && q->tee != SS_TEE_INPROCESS &&
	    !ss_quote_hardware(q->tee)) || b[pos + 1] != 0 ||
	    b[pos + 2] != 0 || b[pos + 3] != 0)
		return (-1);
	pos += 4;
	memcpy(q->image_digest, b + pos, SS_SHA256_LEN);
	pos += SS_SHA256_LEN;
	memcpy(q->program_digest, b + pos, SS_SHA256_LEN);
	pos += SS_SHA256_LEN;
	memcpy(q->measurement, b + pos, SS_SHA256_LEN);
	pos += SS_SHA256_LEN;
	memcpy(q->platform_id, b + pos, SS_PLATFORM_ID_LEN);
	pos += SS_PLATFORM_ID_LEN;
	memcpy(q->stage_pk, b + pos, SS_KEY_LEN);
	pos += SS_KEY_LEN;
	memcpy(q->report_data, b + pos, SS_SHA256_LEN);
	pos += SS_SHA256_LEN;
	q->nonce_len = b[pos++];
	if (q->nonce_len > SS_QUOTE_NONCE_MAX ||
	    len - pos < q->nonce_len + 4)
		return (-1);
	memcpy(q->nonce, b + pos, q->nonce_len);
	pos += q->nonce_len;
	q->program_len = ss_be32dec(b + pos);
	pos += 4;
	if (len - pos < q->program_len)
		return (-1);
	q->program = b + pos;
	pos += q->program_len;
	q->signed_len = pos;
	*tail = len - pos;
	return (0);
}

/* A length-prefixed field of at most ${max} bytes at ${*pos}. */
static int
get_field(const uint8_t * b, size_t len, size_t * pos, size_t max,
    const uint8_t ** p, size_t * n)
{

	if (len - *pos < 4)
		return (-1);
	*n = ss_be32dec(b + *pos);
	*pos += 4;
	if (*n > max || len - *pos < *n)
		return (-1);
	*p = b + *pos;
	*pos += *n;
	return (0);
}

int
ss_quote_parse(struct ss_quote * q, const uint8_t * b, size_t len)
{
	size_t pos, tail;

	if (parse_body(q, b, len, &tail))
		goto bad;
	pos = q->signed_len;
	if (!ss_quote_hardware(q->tee)) {
		if (tail != SS_QUOTE_SIG_LEN)
			goto bad;
		q->signature = b + pos;
		return (0);
	}
	if (get_field(b, len, &pos, SS_QUOTE_EVIDENCE_MAX, &q->evidence,
	    &q->evidence_len) || get_field(b, len, &pos, SS_QUOTE_CERTS_MAX,
	    &q->certs, &q->certs_len) || pos != len)
		goto bad;
	return (0);
bad:
	memset(q, 0, sizeof(*q));
	ss_err_set(SS_EXIT_DATA, "malformed quote");
	return (-1);
}

int
ss_quote_parse_body(struct ss_quote * q, const uint8_t * b, size_t len)
{
	size_t tail;

	if (parse_body(q, b, len, &tail) || tail != 0 ||
	    !ss_quote_hardware(q->tee)) {
		memset(q, 0, sizeof(*q));
		ss_err_set(SS_EXIT_DATA, "malformed quote body");
		return (-1);
	}
	return (0);
}

int
ss_quote_add_evidence(const uint8_t * body, size_t bodylen,
    const uint8_t * ev, size_t evlen, const uint8_t * certs,
    size_t certslen, uint8_t ** buf, size_t * len)
{
	uint8_t * b;

	if (evlen > SS_QUOTE_EVIDENCE_MAX || certslen > SS_QUOTE_CERTS_MAX) {
		ss_err_set(SS_EXIT_DATA, "evidence or certificates too large "
		    "for a quote (%zu, %zu bytes)", evlen, certslen);
		return (-1);
	}
	if ((b = malloc(bodylen + 8 + evlen + certslen)) == NULL) {
		ss_err_errno("malloc");
		return (-1);
	}
	memcpy(b, body, bodylen);
	ss_be32enc(b + bodylen, (uint32_t)evlen);
	if (evlen > 0)
		memcpy(b + bodylen + 4, ev, evlen);
	ss_be32enc(b + bodylen + 4 + evlen, (uint32_t)certslen);
	if (certslen > 0)
		memcpy(b + bodylen + 8 + evlen, certs, certslen);
	*buf = b;
	*len = bodylen + 8 + evlen + certslen;
	return (0);
}

int
ss_quote_tee_report_data(uint8_t rd[SS_TEE_REPORT_DATA_LEN],
    const struct ss_quote * q)
{
	uint8_t buf[sizeof(LABEL_TEE) - 1 + 1 + SS_SHA256_LEN + SS_KEY_LEN +
	    1 + SS_QUOTE_NONCE_MAX];
	size_t n = sizeof(LABEL_TEE) - 1;

	if (q->nonce_len > SS_QUOTE_NONCE_MAX) {
		ss_err_set(SS_EXIT_SYS, "nonce longer than %d bytes",
		    SS_QUOTE_NONCE_MAX);
		return (-1);
	}
	memcpy(buf, LABEL_TEE, n);
	buf[n++] = q->tee;
	memcpy(buf + n, q->measurement, SS_SHA256_LEN);
	n += SS_SHA256_LEN;
	memcpy(buf + n, q->stage_pk, SS_KEY_LEN);
	n += SS_KEY_LEN;
	buf[n++] = (uint8_t)q->nonce_len;
	if (q->nonce_len > 0)
		memcpy(buf + n, q->nonce, q->nonce_len);
	n += q->nonce_len;
	return (ss_sha512(rd, buf, n));
}

int
ss_quote_report_data(uint8_t rd[SS_SHA256_LEN],
    const uint8_t stage_pk[SS_KEY_LEN], const uint8_t * nonce,
    size_t nonce_len)
{
	uint8_t buf[sizeof(LABEL_REPORT) - 1 + SS_KEY_LEN + SS_QUOTE_NONCE_MAX];
	size_t llen = sizeof(LABEL_REPORT) - 1;

	if (nonce_len > SS_QUOTE_NONCE_MAX) {
		ss_err_set(SS_EXIT_SYS, "nonce longer than %d bytes",
		    SS_QUOTE_NONCE_MAX);
		return (-1);
	}
	memcpy(buf, LABEL_REPORT, llen);
	memcpy(buf + llen, stage_pk, SS_KEY_LEN);
	if (nonce_len > 0)
		memcpy(buf + llen + SS_KEY_LEN, nonce, nonce_len);
	return (ss_sha256(rd, buf, llen + SS_KEY_LEN + nonce_len));
}

int
ss_quote_platform_id(uint8_t id[SS_PLATFORM_ID_LEN],
    const uint8_t pk[SS_KEY_LEN])
{
	uint8_t d[SS_SHA256_LEN];

	if (ss_sha256(d, pk, SS_KEY_LEN))
		return (-1);
	memcpy(id, d, SS_PLATFORM_ID_LEN);
	return (0);
}

char *
ss_quote_to_text(const uint8_t * buf, size_t len)
{
	size_t b64len = sodium_base64_ENCODED_LEN(len,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char * text;

	if ((text = malloc(PREFIX_LEN + b64len)) == NULL) {
		ss_err_errno("malloc");
		return (NULL);
	}
	memcpy(text, SS_QUOTE_TEXT_PREFIX, PREFIX_LEN);
	sodium_bin2base64(text + PREFIX_LEN, b64len, buf, len,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return (text);
}

int
ss_quote_from_text(const char * text, size_t len, uint8_t ** buf,
    size_t * buflen)
{
	uint8_t * b;
	size_t maxlen;

	/* memchr, not strchr: a NUL is not a blank. */
	while (len > 0 && memchr(" \t\r\n", text[0], 4) != NULL) {
		text++;
		len--;
	}
	while (len > 0 && memchr(" \t\r\n", text[len - 1], 4) != NULL)
		len--;
	if (len < PREFIX_LEN || memcmp(text, SS_QUOTE_TEXT_PREFIX,
	    PREFIX_LEN) != 0) {
		ss_err_set(SS_EXIT_DATA, "not a securestreams quote "
		    "(expected %s...)", SS_QUOTE_TEXT_PREFIX);
		return (-1);
	}
	text += PREFIX_LEN;
	len -= PREFIX_LEN;
	maxlen = len / 4 * 3 + 3;
	if ((b = malloc(maxlen)) == NULL) {
		ss_err_errno("malloc");
		return (-1);
	}
	if (!ss_b64_ascii(text, len) ||
	    sodium_base642bin(b, maxlen, text, len, NULL, buflen, NULL,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
		ss_err_set(SS_EXIT_DATA, "malformed quote (bad base64)");
		free(b);
		return (-1);
	}
	*buf = b;
	return (0);
}

void
ss_hex(char * out, const uint8_t * buf, size_t len)
{

	sodium_bin2hex(out, 2 * len + 1, buf, len);
}
