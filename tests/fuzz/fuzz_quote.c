/*
 * libFuzzer harness for quotes: the input is decoded as a quote's text
 * form with ss_quote_from_text() and the result parsed with
 * ss_quote_parse(); the input is also parsed as a binary quote, software
 * (its signature) or hardware (its evidence and certificates), which
 * must encode back to the input.
 *
 * Only the canonical text decodes: what decodes must encode back to the
 * input without its surrounding blanks.  A quote that parses must encode
 * back to the bytes its signature covers, its program and signature must
 * lie inside the input, and its program goes through ss_program_decode()
 * as ss-attest verify would.
 */

#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "program.h"
#include "tee_quote.h"

#include "fuzz_util.h"

int
LLVMFuzzerInitialize(int * argc, char *** argv)
{

	fu_init(argc, argv);
	return (0);
}

static void
binary(const uint8_t * buf, size_t len)
{
	struct ss_program * p;
	struct ss_quote q, again;
	uint8_t * body, * whole;
	size_t wholelen;

	if (ss_quote_parse(&q, buf, len) != 0) {
		if (ss_err_status() != SS_EXIT_DATA)
			abort();
		return;
	}
	if (q.nonce_len > SS_QUOTE_NONCE_MAX ||
	    q.signed_len != ss_quote_body_len(&q) ||
	    q.program < buf || q.program + q.program_len != buf + q.signed_len)
		abort();
	if (ss_quote_hardware(q.tee)) {
		/* The body, then the evidence and certificates, exactly. */
		if (q.signature != NULL || q.evidence != buf + q.signed_len +
		    4 || q.certs != q.evidence + q.evidence_len + 4 ||
		    q.certs + q.certs_len != buf + len)
			abort();
	} else if ((q.tee != SS_TEE_SOFTWARE && q.tee != SS_TEE_INPROCESS) ||
	    q.signed_len + SS_QUOTE_SIG_LEN != len ||
	    q.signature != buf + q.signed_len || q.evidence != NULL)
		abort();
	if ((body = malloc(q.signed_len)) == NULL)
		abort();
	ss_quote_encode_body(&q, body);
	if (memcmp(body, buf, q.signed_len) != 0)
		abort();
	if (ss_quote_hardware(q.tee)) {
		if (ss_quote_parse_body(&again, body, q.signed_len) != 0 ||
		    ss_quote_add_evidence(body, q.signed_len, q.evidence,
		    q.evidence_len, q.certs, q.certs_len, &whole,
		    &wholelen) != 0 || wholelen != len ||
		    memcmp(whole, buf, len) != 0)
			abort();
		free(whole);
	}
	free(body);
	if ((p = ss_program_decode(q.program, q.program_len)) != NULL)
		ss_program_free(p);
}

int
LLVMFuzzerTestOneInput(const uint8_t * data, size_t size)
{
	const char * text = (const char *)data;
	size_t start = 0, end = size, len;
	uint8_t * buf;
	char * again;

	if (ss_quote_from_text(text, size, &buf, &len) == 0) {
		while (start < end && strchr(" \t\r\n", text[start]) != NULL &&
		    text[start] != '\0')
			start++;
		while (end > start && strchr(" \t\r\n", text[end - 1]) !=
		    NULL && text[end - 1] != '\0')
			end--;
		if ((again = ss_quote_to_text(buf, len)) == NULL)
			abort();
		if (strlen(again) != end - start ||
		    memcmp(again, text + start, end - start) != 0)
			abort();
		free(again);
		binary(buf, len);
		free(buf);
	} else if (ss_err_status() != SS_EXIT_DATA)
		abort();
	binary(data, size);
	ss_err_clear();
	return (0);
}
