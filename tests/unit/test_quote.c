/*
 * Unit tests for libcore/common/tee_quote.c: the binary layout, the parser, the text
 * form, the report data and the platform key id.
 */

#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <openssl/evp.h>
#include <sodium.h>

#include "err.h"
#include "frame.h"
#include "tee_quote.h"

#include "check_util.h"

/* Offsets in the binary layout (tee_quote.h). */
#define OFF_TEE		8
#define OFF_RESERVED	9
#define OFF_IMAGE	12
#define OFF_PROGDIGEST	44
#define OFF_MEASURE	76
#define OFF_PLATFORM	108
#define OFF_STAGE	116
#define OFF_REPORT	148
#define OFF_NONCELEN	180

/* A quote with every field distinct; the program is ${prog}. */
static void
sample(struct ss_quote * q, size_t nonce_len, const uint8_t * prog,
    size_t prog_len)
{
	size_t i;

	memset(q, 0, sizeof(*q));
	q->tee = SS_TEE_SOFTWARE;
	for (i = 0; i < SS_SHA256_LEN; i++) {
		q->image_digest[i] = (uint8_t)(0x10 + i);
		q->program_digest[i] = (uint8_t)(0x30 + i);
		q->measurement[i] = (uint8_t)(0x50 + i);
		q->report_data[i] = (uint8_t)(0xb0 + i);
	}
	for (i = 0; i < SS_PLATFORM_ID_LEN; i++)
		q->platform_id[i] = (uint8_t)(0x70 + i);
	for (i = 0; i < SS_KEY_LEN; i++)
		q->stage_pk[i] = (uint8_t)(0x90 + i);
	q->nonce_len = nonce_len;
	for (i = 0; i < nonce_len; i++)
		q->nonce[i] = (uint8_t)(0xe0 + i);
	q->program = prog;
	q->program_len = prog_len;
}

/* The encoding of ${q} with a signature of 0xee bytes; ${len} bytes. */
static uint8_t *
encode(const struct ss_quote * q, size_t * len)
{
	size_t body = ss_quote_body_len(q);
	uint8_t * buf;

	ck_assert_ptr_nonnull(buf = malloc(body + SS_QUOTE_SIG_LEN));
	ss_quote_encode_body(q, buf);
	memset(buf + body, 0xee, SS_QUOTE_SIG_LEN);
	*len = body + SS_QUOTE_SIG_LEN;
	return (buf);
}

/* ${buf} does not parse, with a data error. */
static void
refused(const uint8_t * buf, size_t len, const char * what)
{
	struct ss_quote q;

	ss_err_clear();
	ck_assert_msg(ss_quote_parse(&q, buf, len) == -1, "%s: parsed", what);
	ck_assert_msg(ss_err_status() == SS_EXIT_DATA, "%s: status %d", what,
	    ss_err_status());
	ck_assert_str_eq(ss_err_msg(), "malformed quote");
}

START_TEST(test_layout)
{
	static const uint8_t prog[] = "ssprog1\n\003map\0\0";
	struct ss_quote q;
	uint8_t * buf;
	size_t len, i;

	sample(&q, 3, prog, sizeof(prog) - 1);
	ck_assert_uint_eq(ss_quote_body_len(&q), 181 + 3 + 4 + 14);
	buf = encode(&q, &len);
	ck_assert_mem_eq(buf, "ssquote1", 8);
	ck_assert_uint_eq(buf[OFF_TEE], SS_TEE_SOFTWARE);
	ck_assert_mem_eq(buf + OFF_RESERVED, "\0\0\0", 3);
	for (i = 0; i < SS_SHA256_LEN; i++) {
		ck_assert_uint_eq(buf[OFF_IMAGE + i], 0x10 + i);
		ck_assert_uint_eq(buf[OFF_PROGDIGEST + i], 0x30 + i);
		ck_assert_uint_eq(buf[OFF_MEASURE + i], 0x50 + i);
		ck_assert_uint_eq(buf[OFF_STAGE + i], 0x90 + i);
		ck_assert_uint_eq(buf[OFF_REPORT + i], 0xb0 + i);
	}
	for (i = 0; i < SS_PLATFORM_ID_LEN; i++)
		ck_assert_uint_eq(buf[OFF_PLATFORM + i], 0x70 + i);
	ck_assert_uint_eq(buf[OFF_NONCELEN], 3);
	ck_assert_mem_eq(buf + OFF_NONCELEN + 1, "\xe0\xe1\xe2", 3);
	ck_assert_mem_eq(buf + OFF_NONCELEN + 4, "\0\0\0\016", 4);
	ck_assert_mem_eq(buf + OFF_NONCELEN + 8, prog, 14);
	ck_assert_uint_eq(len, OFF_NONCELEN + 8 + 14 + SS_QUOTE_SIG_LEN);
	free(buf);
}
END_TEST

START_TEST(test_round_trip)
{
	static const size_t nonces[] = { 0, 1, 16, SS_QUOTE_NONCE_MAX };
	static const size_t progs[] = { 0, 1, 97, 5000 };
	struct ss_quote q, p;
	uint8_t * prog, * buf;
	size_t len, i, j, k;

	ck_assert_ptr_nonnull(prog = malloc(5000));
	for (k = 0; k < 5000; k++)
		prog[k] = (uint8_t)(k * 7);
	for (i = 0; i < sizeof(nonces) / sizeof(nonces[0]); i++) {
		for (j = 0; j < sizeof(progs) / sizeof(progs[0]); j++) {
			sample(&q, nonces[i], prog, progs[j]);
			if (j == 1)
				q.tee = SS_TEE_INPROCESS;
			buf = encode(&q, &len);
			ck_assert_int_eq(ss_quote_parse(&p, buf, len), 0);
			ck_assert_uint_eq(p.tee, q.tee);
			ck_assert_mem_eq(p.image_digest, q.image_digest, 32);
			ck_assert_mem_eq(p.program_digest, q.program_digest,
			    32);
			ck_assert_mem_eq(p.measurement, q.measurement, 32);
			ck_assert_mem_eq(p.platform_id, q.platform_id,
			    SS_PLATFORM_ID_LEN);
			ck_assert_mem_eq(p.stage_pk, q.stage_pk, SS_KEY_LEN);
			ck_assert_mem_eq(p.report_data, q.report_data, 32);
			ck_assert_uint_eq(p.nonce_len, q.nonce_len);
			if (q.nonce_len > 0)
				ck_assert_mem_eq(p.nonce, q.nonce,
				    q.nonce_len);
			ck_assert_uint_eq(p.program_len, progs[j]);
			/* Pointers into the parsed buffer. */
			ck_assert_ptr_eq(p.program,
			    buf + OFF_NONCELEN + 1 + nonces[i] + 4);
			if (progs[j] > 0)
				ck_assert_mem_eq(p.program, prog, progs[j]);
			ck_assert_uint_eq(p.signed_len,
			    ss_quote_body_len(&q));
			ck_assert_ptr_eq(p.signature, buf + p.signed_len);
			ck_assert_uint_eq(p.signed_len + SS_QUOTE_SIG_LEN,
			    len);
			free(buf);
		}
	}
	free(prog);
}
END_TEST

/* A real signature covers exactly signed_len bytes. */
START_TEST(test_signature_span)
{
	static const uint8_t prog[] = "a program";
	uint8_t pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	struct ss_quote q, p;
	uint8_t * buf;
	size_t len;

	crypto_sign_keypair(pk, sk);
	sample(&q, 5, prog, sizeof(prog) - 1);
	buf = encode(&q, &len);
	crypto_sign_detached(buf + len - SS_QUOTE_SIG_LEN, NULL, buf,
	    len - SS_QUOTE_SIG_LEN, sk);
	ck_assert_int_eq(ss_quote_parse(&p, buf, len), 0);
	ck_assert_int_eq(crypto_sign_verify_detached(p.signature, buf,
	    p.signed_len, pk), 0);
	/* The platform id is the first 8 bytes of SHA-256(pk). */
	ck_assert_int_eq(ss_quote_platform_id(q.platform_id, pk), 0);
	free(buf);
}
END_TEST

START_TEST(test_parse_malformed)
{
	static const uint8_t prog[] = "prog";
	struct ss_quote q;
	uint8_t * buf, * b;
	size_t len, i;

	sample(&q, 4, prog, 4);
	buf = encode(&q, &len);
	ck_assert_ptr_nonnull(b = malloc(len + 1));

	for (i = 0; i < len; i++)
		refused(buf, i, "truncated");
	memcpy(b, buf, len);
	b[len] = 0;
	refused(b, len + 1, "one byte more");
	for (i = 0; i < 8; i++) {
		memcpy(b, buf, len);
		b[i] ^= 1;
		refused(b, len, "magic");
	}
	/* TEE types: only the two known ones. */
	memcpy(b, buf, len);
	for (i = 0; i < 256; i++) {
		b[OFF_TEE] = (uint8_t)i;
		if (i == SS_TEE_SOFTWARE || i == SS_TEE_INPROCESS)
			ck_assert_int_eq(ss_quote_parse(&q, b, len), 0);
		else
			refused(b, len, "tee");
	}
	/* Reserved bytes must be zero. */
	for (i = 0; i < 3; i++) {
		memcpy(b, buf, len);
		b[OFF_RESERVED + i] = 0x80;
		refused(b, len, "reserved");
	}
	/* The nonce length: too long for the quote, longer than allowed. */
	memcpy(b, buf, len);
	b[OFF_NONCELEN] = 5;
	refused(b, len, "nonce_len + 1");
	b[OFF_NONCELEN] = 3;
	refused(b, len, "nonce_len - 1");
	b[OFF_NONCELEN] = 0xff;
	refused(b, len, "nonce_len 255");
	/* The program length. */
	memcpy(b, buf, len);
	for (i = 0; i < 4; i++) {
		ss_be32enc(b + OFF_NONCELEN + 5, (uint32_t)(4 + i + 1));
		refused(b, len, "program_len too long");
	}
	ss_be32enc(b + OFF_NONCELEN + 5, 3);
	refused(b, len, "program_len - 1");
	ss_be32enc(b + OFF_NONCELEN + 5, 0xffffffff);
	refused(b, len, "program_len huge");
	ss_be32enc(b + OFF_NONCELEN + 5, 0xffffffff - SS_QUOTE_SIG_LEN + 1);
	refused(b, len, "program_len + signature wraps");
	free(b);
	free(buf);

	/* Long nonces: 64 is the most a quote may carry. */
	sample(&q, SS_QUOTE_NONCE_MAX, prog, 4);
	buf = encode(&q, &len);
	ck_assert_int_eq(ss_quote_parse(&q, buf, len), 0);
	ck_assert_ptr_nonnull(b = malloc(len + 1));
	memcpy(b, buf, OFF_NONCELEN);
	b[OFF_NONCELEN] = SS_QUOTE_NONCE_MAX + 1;
	memset(b + OFF_NONCELEN + 1, 0, SS_QUOTE_NONCE_MAX + 1);
	memcpy(b + OFF_NONCELEN + 1 + SS_QUOTE_NONCE_MAX + 1,
	    buf + OFF_NONCELEN + 1 + SS_QUOTE_NONCE_MAX,
	    len - OFF_NONCELEN - 1 - SS_QUOTE_NONCE_MAX);
	refused(b, len + 1, "nonce of 65 bytes");
	free(b);
	free(buf);
}
END_TEST

/* Random bytes after the magic never crash the parser. */
START_TEST(test_parse_garbage)
{
	uint8_t buf[600];
	struct ss_quote q;
	uint64_t seed = 7;
	size_t i, j, n;

	for (i = 0; i < 20000; i++) {
		n = (size_t)(tu_rand(&seed) % sizeof(buf));
		for (j = 0; j < n; j++)
			buf[j] = (uint8_t)tu_rand(&seed);
		if (n >= 12) {
			memcpy(buf, SS_QUOTE_MAGIC, 8);
			buf[OFF_TEE] = 1 + (i & 1);
			memset(buf + OFF_RESERVED, 0, 3);
		}
		if (ss_quote_parse(&q, buf, n) == 0) {
			ck_assert_uint_le(q.nonce_len, SS_QUOTE_NONCE_MAX);
			ck_assert_uint_eq(q.signed_len + SS_QUOTE_SIG_LEN, n);
		}
	}
}
END_TEST

/* Base64url without padding, by OpenSSL: an independent encoder. */
static char *
b64url(const uint8_t * buf, size_t len)
{
	char * s, * p;

	ck_assert_ptr_nonnull(s = malloc(4 * (len / 3 + 1) + 1));
	EVP_EncodeBlock((unsigned char *)s, buf, (int)len);
	for (p = s; *p != '\0'; p++) {
		if (*p == '+')
			*p = '-';
		else if (*p == '/')
			*p = '_';
		else if (*p == '=')
			*p = '\0';
	}
	return (s);
}

/* Decode ${text}; 0 or -1 (then a data error). */
static int
from_text(const char * text, uint8_t ** buf, size_t * len)
{
	int rc;

	ss_err_clear();
	*buf = NULL;
	if ((rc = ss_quote_from_text(text, strlen(text), buf, len)) != 0) {
		ck_assert_int_eq(ss_err_status(), SS_EXIT_DATA);
		ck_assert_ptr_null(*buf);
	}
	return (rc);
}

START_TEST(test_text)
{
	static const uint8_t prog[] = "ssprog1\n";
	char * text, * want, * padded;
	struct ss_quote q;
	uint8_t * bin, * back;
	size_t len, blen, i;

	sample(&q, 7, prog, 8);
	bin = encode(&q, &len);
	ck_assert_ptr_nonnull(text = ss_quote_to_text(bin, len));
	want = b64url(bin, len);
	ck_assert(strncmp(text, "ssquote1-", 9) == 0);
	ck_assert_str_eq(text + 9, want);
	ck_assert(strpbrk(text, "+/= \n") == NULL);

	ck_assert_int_eq(from_text(text, &back, &blen), 0);
	ck_assert_uint_eq(blen, len);
	ck_assert_mem_eq(back, bin, len);
	free(back);

	/* Blanks and newlines around the text are allowed. */
	ck_assert_ptr_nonnull(padded = malloc(strlen(text) + 16));
	sprintf(padded, " \t\n%s\r\n\n ", text);
	ck_assert_int_eq(from_text(padded, &back, &blen), 0);
	ck_assert_uint_eq(blen, len);
	ck_assert_mem_eq(back, bin, len);
	free(back);
	/* Even only a length-limited part of the buffer is read. */
	ss_err_clear();
	ck_assert_int_eq(ss_quote_from_text(padded, 3 + strlen(text), &back,
	    &blen), 0);
	ck_assert_uint_eq(blen, len);
	free(back);
	/* A NUL is not a blank (it was once trimmed like one). */
	ss_err_clear();
	memcpy(padded, text, strlen(text) + 1);
	ck_assert_int_eq(ss_quote_from_text(padded, strlen(text) + 1, &back,
	    &blen), -1);
	ck_assert_int_eq(ss_err_status(), SS_EXIT_DATA);
	padded[0] = '\0';
	memcpy(padded + 1, text, strlen(text));
	ck_assert_int_eq(ss_quote_from_text(padded, strlen(text) + 1, &back,
	    &blen), -1);

	/* The prefix. */
	ck_assert_int_eq(from_text(text + 1, &back, &blen), -1);
	ck_assert(strstr(ss_err_msg(), "not a securestreams quote") != NULL);
	ck_assert_int_eq(from_text("", &back, &blen), -1);
	ck_assert_int_eq(from_text("   \n", &back, &blen), -1);
	ck_assert_int_eq(from_text("ssquote1", &back, &blen), -1);
	text[7] = '2';
	ck_assert_int_eq(from_text(text, &back, &blen), -1);
	text[7] = '1';
	text[0] = 'S';
	ck_assert_int_eq(from_text(text, &back, &blen), -1);
	text[0] = 's';
	text[8] = '_';
	ck_assert_int_eq(from_text(text, &back, &blen), -1);
	text[8] = '-';

	/* Bad base64: other alphabets, padding, blanks inside, a cut. */
	for (i = 9; i + 1 < strlen(text); i += 37) {
		static const char bad[] = "+/=*. \n\t\"";
		const char * c;
		char save = text[i];

		for (c = bad; *c != '\0'; c++) {
			text[i] = *c;
			ck_assert_int_eq(from_text(text, &back, &blen), -1);
			ck_assert(strstr(ss_err_msg(), "bad base64") != NULL);
		}
		text[i] = save;
	}
	/*
	 * Bytes from 0x80 up, which libsodium 1.0.18's decoder takes for
	 * '_': the text would decode to the same quote as another text.
	 */
	for (i = 0x80; i < 0x100; i++) {
		char save = text[20];

		text[20] = (char)i;
		ck_assert_int_eq(from_text(text, &back, &blen), -1);
		ck_assert(strstr(ss_err_msg(), "bad base64") != NULL);
		text[20] = save;
	}
	ck_assert_ptr_nonnull(padded = realloc(padded, strlen(text) + 4));
	sprintf(padded, "%s==", text);
	ck_assert_int_eq(from_text(padded, &back, &blen), -1);
	/* Cut: any length that is 1 mod 4 cannot be base64. */
	strcpy(padded, text);
	for (i = strlen(padded); (i - 9) % 4 != 1; i--)
		;
	padded[i] = '\0';
	ck_assert_int_eq(from_text(padded, &back, &blen), -1);
	free(padded);
	free(want);
	free(text);
	free(bin);
}
END_TEST

/* Text forms decode only when canonical: decode, encode, compare. */
START_TEST(test_text_canonical)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_";
	char text[9 + 64 + 1];
	uint64_t seed = 99;
	uint8_t * bin;
	char * again;
	size_t i, j, n, len, ok = 0;

	for (i = 0; i < 5000; i++) {
		n = (size_t)(tu_rand(&seed) % 64);
		memcpy(text, "ssquote1-", 9);
		for (j = 0; j < n; j++)
			text[9 + j] = alphabet[tu_rand(&seed) % 64];
		text[9 + n] = '\0';
		if (from_text(text, &bin, &len) != 0)
			continue;
		ok++;
		ck_assert_ptr_nonnull(again = ss_quote_to_text(bin, len));
		ck_assert_str_eq(again, text);
		free(again);
		free(bin);
	}
	/* Some decoded (lengths 0, 2, 3 mod 4), some did not. */
	ck_assert_uint_gt(ok, 1000);
	ck_assert_uint_lt(ok, 5000);
}
END_TEST

START_TEST(test_report_data)
{
	uint8_t pk[SS_KEY_LEN], rd[SS_SHA256_LEN], want[SS_SHA256_LEN];
	uint8_t nonce[SS_QUOTE_NONCE_MAX + 1];
	EVP_MD_CTX * ctx;
	unsigned int n;
	size_t i;

	for (i = 0; i < SS_KEY_LEN; i++)
		pk[i] = (uint8_t)(0x40 + i);
	/*
	 * printf "securestreams/1 report$(printf '\\%03o' $(seq 64 95))" |
	 *     sha256sum		(then with "nonce" appended)
	 */
	ck_assert_int_eq(ss_quote_report_data(rd, pk, NULL, 0), 0);
	tu_hex(want, sizeof(want), "d8eba6370f3c2437a1ea038b12e9b66c"
	    "7218d4d1a6c64c605be106969732af13");
	ck_assert_mem_eq(rd, want, SS_SHA256_LEN);
	ck_assert_int_eq(ss_quote_report_data(rd, pk,
	    (const uint8_t *)"nonce", 5), 0);
	tu_hex(want, sizeof(want), "b7498954d98f383d9bf4080b7f9b3391"
	    "cc79f4c5bd0cfc2fea9f9607f5e7c367");
	ck_assert_mem_eq(rd, want, SS_SHA256_LEN);

	/* Every nonce length, against OpenSSL. */
	for (i = 0; i < sizeof(nonce); i++)
		nonce[i] = (uint8_t)(i * 13);
	for (i = 0; i <= SS_QUOTE_NONCE_MAX; i++) {
		ck_assert_int_eq(ss_quote_report_data(rd, pk, nonce, i), 0);
		ck_assert_ptr_nonnull(ctx = EVP_MD_CTX_new());
		ck_assert_int_eq(EVP_DigestInit_ex(ctx, EVP_sha256(), NULL),
		    1);
		ck_assert_int_eq(EVP_DigestUpdate(ctx,
		    "securestreams/1 report", 22), 1);
		ck_assert_int_eq(EVP_DigestUpdate(ctx, pk, SS_KEY_LEN), 1);
		ck_assert_int_eq(EVP_DigestUpdate(ctx, nonce, i), 1);
		ck_assert_int_eq(EVP_DigestFinal_ex(ctx, want, &n), 1);
		EVP_MD_CTX_free(ctx);
		ck_assert_mem_eq(rd, want, SS_SHA256_LEN);
	}
	ss_err_clear();
	ck_assert_int_eq(ss_quote_report_data(rd, pk, nonce,
	    SS_QUOTE_NONCE_MAX + 1), -1);
	ck_assert_int_eq(ss_err_status(), SS_EXIT_SYS);
	/* The nonce and the key are bound: moving a byte changes it. */
	ck_assert_int_eq(ss_quote_report_data(want, pk, nonce, 0), 0);
	pk[31] ^= 1;
	ck_assert_int_eq(ss_quote_report_data(rd, pk, nonce, 0), 0);
	ck_assert(memcmp(rd, want, SS_SHA256_LEN) != 0);
}
END_TEST

/* A confidential VM's quote: the body, then evidence and certificates. */
START_TEST(test_hardware)
{
	static const uint8_t prog[] = "ssprog1\n\003map\0\0";
	static const uint8_t ev[] = "report", certs[] = "table";
	struct ss_quote q, p;
	uint8_t * body, * buf;
	size_t blen, len, cut;

	sample(&q, 2, prog, sizeof(prog) - 1);
	q.tee = SS_TEE_SNP;
	memset(q.platform_id, 0, sizeof(q.platform_id));
	blen = ss_quote_body_len(&q);
	ck_assert_ptr_nonnull(body = malloc(blen));
	ss_quote_encode_body(&q, body);
	ck_assert_int_eq(ss_quote_parse_body(&p, body, blen), 0);
	ck_assert_uint_eq(p.tee, SS_TEE_SNP);
	ck_assert_int_eq(ss_quote_add_evidence(body, blen, ev, 6, certs, 5,
	    &buf, &len), 0);
	ck_assert_uint_eq(len, blen + 4 + 6 + 4 + 5);
	ck_assert_mem_eq(buf + blen, "\0\0\0\006report\0\0\0\005table", 19);
	ck_assert_int_eq(ss_quote_parse(&p, buf, len), 0);
	ck_assert_ptr_eq(p.evidence, buf + blen + 4);
	ck_assert_uint_eq(p.evidence_len, 6);
	ck_assert_ptr_eq(p.certs, buf + blen + 14);
	ck_assert_uint_eq(p.certs_len, 5);
	ck_assert_ptr_null(p.signature);
	ck_assert_uint_eq(p.signed_len, blen);
	/* Cut anywhere in the tail, or one byte more: refused. */
	for (cut = blen; cut < len; cut++)
		refused(buf, cut, "cut hardware quote");
	ck_assert_ptr_nonnull(buf = realloc(buf, len + 1));
	buf[len] = 'x';
	refused(buf, len + 1, "trailing byte");
	/* A body is not a whole quote, nor a software one a body. */
	refused(body, blen, "body alone");
	q.tee = SS_TEE_SOFTWARE;
	ss_quote_encode_body(&q, body);
	ss_err_clear();
	ck_assert_int_eq(ss_quote_parse_body(&p, body, blen), -1);
	ck_assert_str_eq(ss_err_msg(), "malformed quote body");
	free(body);
	free(buf);
}
END_TEST

/*
 * REPORT_DATA: SHA-512("securestreams/1 tee report" || tee ||
 * measurement || stage_pk || nonce_len || nonce), against OpenSSL; every
 * field it binds changes it.
 */
START_TEST(test_tee_report_data)
{
	static const uint8_t prog[] = "p";
	struct ss_quote q;
	uint8_t rd[SS_TEE_REPORT_DATA_LEN], want[SS_TEE_REPORT_DATA_LEN];
	uint8_t in[26 + 1 + 32 + 32 + 1 + 3];
	size_t n = 0;

	sample(&q, 3, prog, 1);
	q.tee = SS_TEE_TDX;
	ck_assert_int_eq(ss_quote_tee_report_data(rd, &q), 0);
	memcpy(in, "securestreams/1 tee report", 26);
	n = 26;
	in[n++] = SS_TEE_TDX;
	memcpy(in + n, q.measurement, 32);
	n += 32;
	memcpy(in + n, q.stage_pk, 32);
	n += 32;
	in[n++] = 3;
	memcpy(in + n, q.nonce, 3);
	n += 3;
	ck_assert_uint_eq(n, sizeof(in));
	ck_assert_int_eq(EVP_Digest(in, n, want, NULL, EVP_sha512(), NULL), 1);
	ck_assert_mem_eq(rd, want, sizeof(want));
	q.tee = SS_TEE_SNP;
	ck_assert_int_eq(ss_quote_tee_report_data(want, &q), 0);
	ck_assert(memcmp(rd, want, sizeof(rd)) != 0);
	q.tee = SS_TEE_TDX;
	q.measurement[0] ^= 1;
	ck_assert_int_eq(ss_quote_tee_report_data(want, &q), 0);
	ck_assert(memcmp(rd, want, sizeof(rd)) != 0);
	q.measurement[0] ^= 1;
	q.stage_pk[31] ^= 1;
	ck_assert_int_eq(ss_quote_tee_report_data(want, &q), 0);
	ck_assert(memcmp(rd, want, sizeof(rd)) != 0);
	q.stage_pk[31] ^= 1;
	q.nonce_len = 2;
	ck_assert_int_eq(ss_quote_tee_report_data(want, &q), 0);
	ck_assert(memcmp(rd, want, sizeof(rd)) != 0);
}
END_TEST

START_TEST(test_platform_id_hex)
{
	uint8_t pk[SS_KEY_LEN], id[SS_PLATFORM_ID_LEN];
	char hex[2 * SS_PLATFORM_ID_LEN + 1];
	size_t i;

	/* printf "$(printf '\\%03o' $(seq 0 31))" | sha256sum | cut -c1-16 */
	for (i = 0; i < SS_KEY_LEN; i++)
		pk[i] = (uint8_t)i;
	ck_assert_int_eq(ss_quote_platform_id(id, pk), 0);
	ss_hex(hex, id, sizeof(id));
	ck_assert_str_eq(hex, "630dcd2966c43366");
	ss_hex(hex, (const uint8_t *)"\x00\xff\x0a", 3);
	ck_assert_str_eq(hex, "00ff0a");
	ss_hex(hex, id, 0);
	ck_assert_str_eq(hex, "");
}
END_TEST

static Suite *
quote_suite(void)
{
	Suite * s = suite_create("quote");
	TCase * tb = tcase_create("binary");
	TCase * tt = tcase_create("text");
	TCase * tr = tcase_create("report");

	tcase_add_test(tb, test_layout);
	tcase_add_test(tb, test_round_trip);
	tcase_add_test(tb, test_signature_span);
	tcase_add_test(tb, test_parse_malformed);
	tcase_add_test(tb, test_parse_garbage);
	suite_add_tcase(s, tb);
	tcase_add_test(tt, test_text);
	tcase_add_test(tt, test_text_canonical);
	suite_add_tcase(s, tt);
	tcase_add_test(tr, test_report_data);
	tcase_add_test(tr, test_tee_report_data);
	tcase_add_test(tb, test_hardware);
	tcase_add_test(tr, test_platform_id_hex);
	suite_add_tcase(s, tr);
	return (s);
}

int
main(void)
{

	return (tu_run_sodium(quote_suite()));
}
