#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "attest.h"
#include "ecall.h"
#include "ecall_msg.h"
#include "err.h"
#include "io.h"
#include "platform.h"
#include "platform_dir.h"
#include "program.h"
#include "stage.h"
#include "tee.h"
#include "tee_quote.h"

#define HEX_LEN(n)	(2 * (n) + 1)

/* Check that stdout took everything. */
static int
flush_stdout(void)
{

	if (fflush(stdout) == EOF || ferror(stdout)) {
		ss_err_errno("stdout");
		return (-1);
	}
	return (0);
}

int
ss_attest_platform_init(void)
{
	uint8_t pk[SS_KEY_LEN];
	char text[SS_PLATFORM_TEXT_MAX];
	char * dir;
	int rc = -1;

	if ((dir = ss_platform_dir()) == NULL)
		return (-1);
	if (ss_platform_init(dir, pk) ||
	    ss_key_encode_named(text, SS_PLATFORM_PREFIX, pk))
		goto done;
	fprintf(stderr, "%s: platform created at %s\n", "ss-attest", dir);
	printf("%s\n", text);
	rc = flush_stdout();
done:
	free(dir);
	return (rc);
}

int
ss_attest_measure(const struct ss_stage_opts * o, const char * image)
{
	uint8_t idig[SS_SHA256_LEN], pdig[SS_SHA256_LEN], m[SS_SHA256_LEN];
	char hex[HEX_LEN(SS_SHA256_LEN)];
	char * path = NULL;
	uint8_t * prog = NULL;
	size_t proglen;
	int rc = -1;

	if (image == NULL && (path = ss_tee_image()) == NULL)
		return (-1);
	if (ss_tee_image_digest(image != NULL ? image : path, idig) ||
	    ss_program_encode(o->program, &prog, &proglen) ||
	    ss_sha256(pdig, prog, proglen) || ss_measurement(m, idig, pdig))
		goto done;
	ss_hex(hex, m, sizeof(m));
	printf("%s\n", hex);
	rc = flush_stdout();
done:
	free(path);
	free(prog);
	return (rc);
}

int
ss_attest_new(const struct ss_stage_opts * o, const char * sealed,
    const char * nonce)
{
	struct ss_enclave * e = NULL;
	struct ss_output * out = NULL;
	struct ss_msg_identity id;
	uint8_t * req = NULL;
	const uint8_t * buf;
	char * text = NULL;
	size_t reqlen, len;
	int rc = -1;

	if ((out = ss_output_open(sealed, 0)) == NULL)
		return (-1);
	if ((e = ss_tee_start(o->tee, o->inprocess)) == NULL)
		goto done;
	if (ss_stage_init_request(o, ss_tee_image_path(e), 1,
	    SS_KEY_NONE, NULL, 0, "", &req, &reqlen))
		goto done;
	if (ss_tee_call(e, SS_ECALL_INIT, req, reqlen, &buf, &len) != 0 ||
	    ss_stage_load(e, o))
		goto done;
	if (ss_tee_call(e, SS_ECALL_NEW_IDENTITY, (const uint8_t *)nonce,
	    (nonce != NULL) ? strlen(nonce) : 0, &buf, &len) != 0)
		goto done;
	if (ss_msg_identity_decode(&id, buf, len) ||
	    (text = ss_quote_to_text(id.quote.p, id.quote.len)) == NULL ||
	    ss_output_write(out, id.sealed.p, id.sealed.len))
		goto done;
	rc = ss_output_commit(out);
	out = NULL;
	if (rc == 0) {
		printf("%s\n", text);
		rc = flush_stdout();
	}
done:
	ss_output_abort(out);
	ss_tee_stop(e);
	free(req);
	free(text);
	return (rc);
}

/* Read and parse a quote file; ${buf} holds what ${q} points into. */
static int
load_quote(const char * path, struct ss_quote * q, uint8_t ** buf)
{
	uint8_t * text;
	size_t tlen, blen;
	int rc = -1;

	*buf = NULL;
	if ((text = malloc(2 * SS_QUOTE_MAX)) == NULL) {
		ss_err_errno("malloc");
		return (-1);
	}
	if (ss_read_small_file(path, text, 2 * SS_QUOTE_MAX, &tlen, NULL))
		goto done;
	if (ss_quote_from_text((const char *)text, tlen, buf, &blen) ||
	    ss_quote_parse(q, *buf, blen))
		goto done;
	rc = 0;
done:
	if (rc != 0) {
		free(*buf);
		*buf = NULL;
		ss_err_prefix("%s", strcmp(path, "-") == 0 ? "stdin" : path);
	}
	free(text);
	return (rc);
}

/* Decode a 64-digit hex measurement. */
static int
parse_measurement(uint8_t m[SS_SHA256_LEN], const char * hex)
{
	size_t len;

	if (strlen(hex) != 2 * SS_SHA256_LEN ||
	    sodium_hex2bin(m, SS_SHA256_LEN, hex, strlen(hex), NULL, &len,
	    NULL) != 0 || len != SS_SHA256_LEN) {
		ss_err_set(SS_EXIT_SYS, "--measurement: expected 64 hex "
		    "digits (from ss-attest measure)");
		return (-1);
	}
	return (0);
}

int
ss_attest_verify(const struct ss_verify_opts * v)
{
	struct ss_quote q;
	uint8_t pk[SS_KEY_LEN], want[SS_SHA256_LEN], d[SS_SHA256_LEN];
	uint8_t id[SS_PLATFORM_ID_LEN];
	char text[SS_PUBKEY_TEXT_LEN + 1];
	uint8_t * buf = NULL;
	size_t nlen = (v->nonce != NULL) ? strlen(v->nonce) : 0;
	int rc = -1;

	/* Usage first: the verifier's own arguments. */
	if (ss_platform_key_decode(pk, v->platform)) {
		ss_err_prefix("--platform");
		return (-1);
	}
	if (v->measurement != NULL && parse_measurement(want, v->measurement))
		return (-1);
	if (nlen > SS_QUOTE_NONCE_MAX) {
		ss_err_set(SS_EXIT_SYS, "--nonce: longer than %d bytes",
		    SS_QUOTE_NONCE_MAX);
		return (-1);
	}
	if (load_quote(v->quote, &q, &buf))
		return (-1);

	/* Then the quote, the signature before anything it says. */
	if (ss_quote_platform_id(id, pk))
		goto done;
	if (memcmp(id, q.platform_id, sizeof(id)) != 0) {
		ss_err_set(SS_EXIT_DATA, "quote comes from another platform "
		    "(platform key id differs)");
		goto done;
	}
	if (crypto_sign_verify_detached(q.signature, buf, q.signed_len,
	    pk) != 0) {
		ss_err_set(SS_EXIT_DATA, "quote signature does not verify: "
		    "tampered with, or not signed by this platform");
		goto done;
	}
	if (q.tee == SS_TEE_INPROCESS) {
		ss_err_set(SS_EXIT_DATA, "quote is from an enclave that ran "
		    "inside its host process (--tee none): no isolation, "
		    "never accepted");
		goto done;
	}
	if (!v->allow_software) {
		ss_err_set(SS_EXIT_DATA, "quote is from a software TEE, which "
		    "gives no hardware protection (--allow-software accepts "
		    "it)");
		goto done;
	}
	if (ss_sha256(d, q.program, q.program_len))
		goto done;
	if (memcmp(d, q.program_digest, sizeof(d)) != 0) {
		ss_err_set(SS_EXIT_DATA, "quote's program does not match its "
		    "program digest");
		goto done;
	}
	if (ss_measurement(d, q.image_digest, q.program_digest))
		goto done;
	if (memcmp(d, q.measurement, sizeof(d)) != 0) {
		ss_err_set(SS_EXIT_DATA, "quote's measurement does not match "
		    "its image and program digests");
		goto done;
	}
	if (v->measurement != NULL &&
	    memcmp(want, q.measurement, sizeof(want)) != 0) {
		ss_err_set(SS_EXIT_DATA, "measurement mismatch: the enclave "
		    "runs another image or another program");
		goto done;
	}
	if (q.nonce_len != nlen || (nlen > 0 &&
	    memcmp(q.nonce, v->nonce, nlen) != 0)) {
		ss_err_set(SS_EXIT_DATA, "nonce mismatch: the quote was not "
		    "made for this request (replayed?)");
		goto done;
	}
	if (ss_quote_report_data(d, q.stage_pk, q.nonce, q.nonce_len))
		goto done;
	if (memcmp(d, q.report_data, sizeof(d)) != 0) {
		ss_err_set(SS_EXIT_DATA, "quote's report data does not bind "
		    "its stage key and nonce");
		goto done;
	}
	if (ss_key_public_encode(text, q.stage_pk))
		goto done;
	printf("%s\n", text);
	rc = flush_stdout();
done:
	if (rc != 0 && ss_err_status() == SS_EXIT_DATA)
		ss_err_prefix("%s", strcmp(v->quote, "-") == 0 ? "stdin" :
		    v->quote);
	free(buf);
	return (rc);
}

/* Print ${len} bytes, escaping what a terminal should not see. */
static void
print_escaped(const char * val, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if ((unsigned char)val[i] < 0x20 || val[i] == 0x7f ||
		    val[i] == '\\')
			printf("\\x%02x", (unsigned char)val[i]);
		else
			putchar(val[i]);
	}
}

/* Print one program entry. */
static int
show_entry(void * cookie, const char * key, const char * val, size_t len)
{

	(void)cookie;
	printf("  %s: ", key);
	print_escaped(val, len);
	putchar('\n');
	return (0);
}

int
ss_attest_show(const char * path)
{
	struct ss_quote q;
	struct ss_program * p;
	char hex[HEX_LEN(SS_SHA256_LEN)];
	char pk[SS_PUBKEY_TEXT_LEN + 1];
	uint8_t * buf;
	int rc = -1;

	if (load_quote(path, &q, &buf))
		return (-1);
	printf("tee: %s\n", q.tee == SS_TEE_SOFTWARE ?
	    "software (a locked-down process: NO hardware protection)" :
	    "none (ran inside its host process: NO isolation)");
	ss_hex(hex, q.measurement, SS_SHA256_LEN);
	printf("measurement: %s\n", hex);
	ss_hex(hex, q.image_digest, SS_SHA256_LEN);
	printf("image digest: %s\n", hex);
	ss_hex(hex, q.program_digest, SS_SHA256_LEN);
	printf("program digest: %s\n", hex);
	ss_hex(hex, q.platform_id, SS_PLATFORM_ID_LEN);
	printf("platform key id: %s\n", hex);
	if (ss_key_public_encode(pk, q.stage_pk))
		goto done;
	printf("stage key: %s\n", pk);
	ss_hex(hex, q.report_data, SS_SHA256_LEN);
	printf("report data: %s\n", hex);
	printf("nonce: ");
	if (q.nonce_len == 0)
		printf("(none)");
	print_escaped((const char *)q.nonce, q.nonce_len);
	putchar('\n');
	printf("program:\n");
	if ((p = ss_program_decode(q.program, q.program_len)) == NULL) {
		printf("  (malformed)\n");
	} else {
		(void)ss_program_describe(p, show_entry, NULL);
		ss_program_free(p);
	}
	printf("signature: not checked (ss-attest verify checks it)\n");
	rc = flush_stdout();
done:
	free(buf);
	return (rc);
}
