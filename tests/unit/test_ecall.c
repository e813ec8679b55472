/*
 * The enclave's program files (ecall LOAD), in process: a program that
 * names a file by its digest is not ready until the file has come; the
 * enclave takes the file in pieces, refuses one that does not match the
 * digest (status 1), a piece nobody asked for, and every other ecall
 * while a file is due; once the file has come, the operator checks it.
 */

#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <sodium.h>

#include "crypt.h"
#include "ecall.h"
#include "ecall_msg.h"
#include "enclave.h"
#include "err.h"
#include "frame.h"
#include "key.h"
#include "program.h"
#include "tee_quote.h"

static const char subs[] = "s1 a > 1\ns2 b == \"x\"\n";

/* An INIT request (no key) for ss-match --subs with ${content}'s digest. */
static uint8_t *
init_request(const char * content, size_t len, size_t * reqlen)
{
	struct ss_program * p;
	struct ss_recipients * r;
	uint8_t pk[SS_KEY_LEN], sk[SS_KEY_LEN], digest[SS_SHA256_LEN];
	char val[SS_PROGRAM_FILE_DIGEST_LEN + 1], text[SS_PUBKEY_TEXT_LEN + 1];
	struct ss_msg_init m;
	uint8_t * prog, * req;
	size_t proglen;
	const char * image = "/proc/self/exe";

	ck_assert_int_eq(ss_key_generate(pk, sk), 0);
	ck_assert_ptr_nonnull(r = ss_recipients_new());
	ck_assert_int_eq(ss_key_public_encode(text, pk), 0);
	ck_assert_int_eq(ss_recipients_add(r, text), 0);
	ck_assert_ptr_nonnull(p = ss_program_new("match"));
	ck_assert_int_eq(ss_sha256(digest, content, len), 0);
	memcpy(val, SS_PROGRAM_FILE_PREFIX, 7);
	ss_hex(val + 7, digest, sizeof(digest));
	ck_assert_int_eq(ss_program_add(p, "subs", val, 71), 0);
	ck_assert_int_eq(ss_program_add_recipients(p, r), 0);
	ck_assert_int_eq(ss_program_encode(p, &prog, &proglen), 0);
	memset(&m, 0, sizeof(m));
	m.chunk_size = 65536;
	m.keykind = SS_KEY_NONE;
	m.program.p = prog;
	m.program.len = proglen;
	m.image = ss_msg_str(image);
	m.platform_dir = ss_msg_str(".");
	ck_assert_int_eq(ss_msg_init_encode(&m, &req, reqlen), 0);
	free(prog);
	ss_program_free(p);
	ss_recipients_free(r);
	return (req);
}

/* Make ecall ${id}; return its status, the answer in ${out}. */
static uint32_t
call(uint32_t id, const void * in, size_t len, uint8_t * out, size_t * olen)
{

	return (ss_enclave_ecall(id, in, len, out, SS_ECALL_OUT_MIN, olen));
}

/* A LOAD request: flags, then ${len} bytes of ${p}. */
static uint32_t
load(uint8_t flags, const void * p, size_t len, uint8_t * out, size_t * olen)
{
	struct ss_msg_load m = { flags, { p, len } };
	uint8_t buf[256];

	return (call(SS_ECALL_LOAD, buf, ss_msg_load_encode(&m, buf), out,
	    olen));
}

START_TEST(test_load)
{
	static uint8_t out[SS_ECALL_OUT_MIN];
	uint8_t * req;
	size_t reqlen, olen, half = sizeof(subs) / 2;

	req = init_request(subs, sizeof(subs) - 1, &reqlen);

	/* The file in two pieces: the operator checks it, then is ready
	 * (for attestation, which this enclave is not set up for). */
	ck_assert_uint_eq(call(SS_ECALL_INIT, req, reqlen, out, &olen),
	    SS_ECALL_OK);
	ck_assert_uint_eq(olen, 3 * SS_SHA256_LEN);
	ck_assert_uint_eq(call(SS_ECALL_NEW_IDENTITY, NULL, 0, out, &olen),
	    SS_EXIT_SYS);
	ck_assert(memcmp(out, "program files not loaded", olen) == 0);
	ss_enclave_reset();
	ck_assert_uint_eq(call(SS_ECALL_INIT, req, reqlen, out, &olen),
	    SS_ECALL_OK);
	ck_assert_uint_eq(load(0, subs, half, out, &olen), SS_ECALL_OK);
	ck_assert_uint_eq(load(SS_LOAD_END, subs + half,
	    sizeof(subs) - 1 - half, out, &olen), SS_ECALL_OK);
	ck_assert_uint_eq(olen, 0);
	/* Nothing more is due. */
	ck_assert_uint_eq(load(SS_LOAD_END, "x", 1, out, &olen), SS_EXIT_SYS);
	ck_assert(memcmp(out, "no program file is due", olen) == 0);
	ss_enclave_reset();

	/* Another file: refused as data. */
	ck_assert_uint_eq(call(SS_ECALL_INIT, req, reqlen, out, &olen),
	    SS_ECALL_OK);
	ck_assert_uint_eq(load(SS_LOAD_END, "s1 a > 2\n", 9, out, &olen),
	    SS_EXIT_DATA);
	out[olen] = '\0';
	ck_assert_str_eq((char *)out, "program file 'subs' does not match "
	    "the digest in the program");
	/* And the enclave takes nothing more. */
	ck_assert_uint_eq(load(SS_LOAD_END, subs, sizeof(subs) - 1, out,
	    &olen), SS_EXIT_SYS);
	ss_enclave_reset();
	free(req);

	/* The file matches its digest but does not read: the operator's
	 * error, a usage error. */
	req = init_request("s1 a >\n", 7, &reqlen);
	ck_assert_uint_eq(call(SS_ECALL_INIT, req, reqlen, out, &olen),
	    SS_ECALL_OK);
	ck_assert_uint_eq(load(SS_LOAD_END, "s1 a >\n", 7, out, &olen),
	    SS_EXIT_SYS);
	ss_enclave_reset();
	free(req);
}
END_TEST

int
main(void)
{
	Suite * s = suite_create("ecall");
	TCase * tc = tcase_create("load");
	SRunner * sr;
	int failed;

	if (sodium_init() < 0)
		return (EXIT_FAILURE);
	tcase_add_test(tc, test_load);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
