/*
 * Unit tests for libcore/common/key.c and libcore/host/keyfile.c: key
 * texts, identity and recipients files.
 */

#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "check_util.h"
#include "err.h"
#include "key.h"
#include "keyfile.h"

/* The ss-format(5) test vector's recipient. */
#define VEC_SECRET \
	"SS-SECRET-KEY-1-YGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6e3x9fn_BbxPT"
#define VEC_PUBLIC \
	"sspub1-Z13VdO13iTELPS52gfN5C0ZsdzsVIf7PNld5WDcepS-8ISEb"

static void
vec_secret(uint8_t sk[SS_KEY_LEN])
{
	size_t i;

	for (i = 0; i < SS_KEY_LEN; i++)
		sk[i] = (uint8_t)(0x60 + i);
}

START_TEST(test_vector)
{
	uint8_t sk[SS_KEY_LEN], pk[SS_KEY_LEN], pk2[SS_KEY_LEN];
	char text[SS_PUBKEY_TEXT_LEN + 1];

	ck_assert_uint_eq(strlen(VEC_PUBLIC), SS_PUBKEY_TEXT_LEN);
	ck_assert_uint_eq(strlen(VEC_SECRET), SS_SECKEY_TEXT_LEN);
	vec_secret(sk);
	ck_assert_int_eq(ss_key_public_of(pk, sk), 0);
	ck_assert_int_eq(ss_key_public_encode(text, pk), 0);
	ck_assert_str_eq(text, VEC_PUBLIC);
	ck_assert_int_eq(ss_key_public_decode(pk2, VEC_PUBLIC,
	    strlen(VEC_PUBLIC)), 0);
	ck_assert_mem_eq(pk, pk2, SS_KEY_LEN);
}
END_TEST

START_TEST(test_round_trip)
{
	uint8_t sk[SS_KEY_LEN], pk[SS_KEY_LEN], pk2[SS_KEY_LEN];
	uint8_t pk3[SS_KEY_LEN];
	char text[SS_PUBKEY_TEXT_LEN + 1];
	int i;

	for (i = 0; i < 200; i++) {
		ck_assert_int_eq(ss_key_generate(pk, sk), 0);
		ck_assert_int_eq(ss_key_public_of(pk3, sk), 0);
		ck_assert_mem_eq(pk, pk3, SS_KEY_LEN);
		memset(text, 0x55, sizeof(text));
		ck_assert_int_eq(ss_key_public_encode(text, pk), 0);
		ck_assert_uint_eq(strlen(text), SS_PUBKEY_TEXT_LEN);
		ck_assert(strncmp(text, SS_PUBKEY_PREFIX,
		    strlen(SS_PUBKEY_PREFIX)) == 0);
		ck_assert_int_eq(ss_key_public_decode(pk2, text, strlen(text)),
		    0);
		ck_assert_mem_eq(pk, pk2, SS_KEY_LEN);
	}
}
END_TEST

/* Every byte value at every position, other than the right one, is refused. */
START_TEST(test_every_substitution)
{
	char text[SS_PUBKEY_TEXT_LEN + 1];
	uint8_t pk[SS_KEY_LEN];
	size_t pos;
	int c;

	for (pos = 0; pos < SS_PUBKEY_TEXT_LEN; pos++) {
		for (c = 0; c < 256; c++) {
			memcpy(text, VEC_PUBLIC, sizeof(text));
			if ((char)c == text[pos])
				continue;
			text[pos] = (char)c;
			memset(pk, 0x77, sizeof(pk));
			ck_assert_msg(ss_key_public_decode(pk, text,
			    SS_PUBKEY_TEXT_LEN) == -1,
			    "substitution at %zu by 0x%02x accepted", pos, c);
			ck_assert_int_eq(ss_err_status(), SS_EXIT_SYS);
		}
	}
}
END_TEST

/* libsodium 1.0.18 decodes any byte from 0x80 up as '_': refused. */
START_TEST(test_high_bit_for_underscore)
{
	char text[SS_PUBKEY_TEXT_LEN + 1];
	uint8_t pk[SS_KEY_LEN], out[SS_KEY_LEN];
	char * u = NULL;
	int i;

	for (i = 0; i < 256 && u == NULL; i++) {
		memset(pk, i, sizeof(pk));
		pk[0] = (uint8_t)(i * 7);
		ck_assert_int_eq(ss_key_public_encode(text, pk), 0);
		u = strchr(text + sizeof(SS_PUBKEY_PREFIX) - 1, '_');
	}
	ck_assert_ptr_nonnull(u);
	ck_assert_int_eq(ss_key_public_decode(out, text, SS_PUBKEY_TEXT_LEN),
	    0);
	*u = (char)0xdf;
	ck_assert_int_eq(ss_key_public_decode(out, text, SS_PUBKEY_TEXT_LEN),
	    -1);
	ck_assert_int_eq(ss_b64_ascii(text, strlen(text)), 0);
}
END_TEST

START_TEST(test_truncated_extended)
{
	char text[SS_PUBKEY_TEXT_LEN + 8];
	uint8_t pk[SS_KEY_LEN];
	const char * tails[] = { "A", "AAAA", " ", "\n", "\r", "=", "==" };
	size_t len, i;

	for (len = 0; len < SS_PUBKEY_TEXT_LEN; len++) {
		ss_err_clear();
		ck_assert_msg(ss_key_public_decode(pk, VEC_PUBLIC, len) == -1,
		    "truncation to %zu accepted", len);
	}
	/* Length checks use the given length, not a NUL. */
	ss_err_clear();
	ck_assert_int_eq(ss_key_public_decode(pk, VEC_PUBLIC,
	    SS_PUBKEY_TEXT_LEN - 1), -1);
	ck_assert(strstr(ss_err_msg(), "malformed") != NULL);

	for (i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
		snprintf(text, sizeof(text), "%s%s", VEC_PUBLIC, tails[i]);
		ck_assert_int_eq(ss_key_public_decode(pk, text, strlen(text)),
		    -1);
	}

	/* Leading blanks are not trimmed by the decoder either. */
	snprintf(text, sizeof(text), " %s", VEC_PUBLIC);
	ck_assert_int_eq(ss_key_public_decode(pk, text, strlen(text)), -1);
	ck_assert(strstr(ss_err_msg(), "not a securestreams public key") !=
	    NULL);
}
END_TEST

START_TEST(test_wrong_kind)
{
	uint8_t pk[SS_KEY_LEN];
	struct ss_recipients * r;

	ss_err_clear();
	ck_assert_int_eq(ss_key_public_decode(pk, VEC_SECRET,
	    strlen(VEC_SECRET)), -1);
	ck_assert_msg(strstr(ss_err_msg(), "secret key") != NULL,
	    "no hint: %s", ss_err_msg());
	ck_assert_int_eq(ss_err_status(), SS_EXIT_SYS);

	/* Even a prefix of a secret key is recognised. */
	ck_assert_int_eq(ss_key_public_decode(pk, VEC_SECRET, 20), -1);
	ck_assert(strstr(ss_err_msg(), "secret key") != NULL);

	ck_assert_ptr_nonnull(r = ss_recipients_new());
	ck_assert_int_eq(ss_recipients_add(r, VEC_SECRET), -1);
	ck_assert(strstr(ss_err_msg(), "secret key") != NULL);
	ck_assert_uint_eq(r->n, 0);
	ck_assert_int_eq(ss_recipients_add(r, VEC_PUBLIC), 0);
	ck_assert_uint_eq(r->n, 1);
	ss_recipients_free(r);
	ss_recipients_free(NULL);
}
END_TEST

START_TEST(test_identity_file)
{
	uint8_t sk[SS_KEY_LEN], pk[SS_KEY_LEN], sk2[SS_KEY_LEN];
	uint8_t pk2[SS_KEY_LEN];
	char text[1024];
	char * p = tu_file("id");
	struct ss_identities * ids;
	struct ss_recipients * r;
	char pubtext[SS_PUBKEY_TEXT_LEN + 1];
	int len;

	/* Another key, written by ss_key_write_identity into a string. */
	vec_secret(sk);
	ck_assert_int_eq(ss_key_public_of(pk, sk), 0);
	ck_assert_int_eq(ss_key_generate(pk2, sk2), 0);
	ck_assert_int_eq(ss_key_write_identity(tu_file("second"), sk2), 0);
	ids = ss_identities_new();
	ck_assert_int_eq(ss_identities_load(ids, tu_file("second")), 0);
	ck_assert_uint_eq(ids->n, 1);
	ck_assert_mem_eq(ids->pk[0], pk2, SS_KEY_LEN);
	ck_assert_mem_eq(ids->sk, sk2, SS_KEY_LEN);

	/* Comments, blank lines, CRLF, surrounding blanks, two keys. */
	len = snprintf(text, sizeof(text),
	    "# a comment\r\n"
	    "\r\n"
	    "   \t\n"
	    "  %s \t\r\n"
	    "#SS-SECRET-KEY-1-not-a-key\n"
	    "\t%s", VEC_SECRET, VEC_SECRET);
	tu_write_file(p, text, (size_t)len, 0600);
	ck_assert_int_eq(ss_identities_load(ids, p), 0);
	ck_assert_uint_eq(ids->n, 3);
	ck_assert_mem_eq(ids->pk[1], pk, SS_KEY_LEN);
	ck_assert_mem_eq(ids->pk[2], pk, SS_KEY_LEN);
	ck_assert_mem_eq(ids->sk + SS_KEY_LEN, sk, SS_KEY_LEN);
	ck_assert_mem_eq(ids->sk, sk2, SS_KEY_LEN);
	ss_identities_free(ids);
	ss_identities_free(NULL);

	/* The same layout works for recipients. */
	ck_assert_int_eq(ss_key_public_encode(pubtext, pk2), 0);
	len = snprintf(text, sizeof(text), "# team\r\n%s\r\n\n  %s  \n",
	    VEC_PUBLIC, pubtext);
	tu_write_file(p, text, (size_t)len, 0644);
	r = ss_recipients_new();
	ck_assert_int_eq(ss_recipients_add_file(r, p), 0);
	ck_assert_uint_eq(r->n, 2);
	ck_assert_mem_eq(r->pk[0], pk, SS_KEY_LEN);
	ck_assert_mem_eq(r->pk[1], pk2, SS_KEY_LEN);
	ss_recipients_free(r);
}
END_TEST

START_TEST(test_identity_errors)
{
	char text[1024];
	char * p = tu_file("id");
	struct ss_identities * ids = ss_identities_new();
	mode_t modes[] = { 0640, 0604, 0660, 0620, 0602, 0610, 0601, 0644 };
	size_t i;
	int len;

	/* No key at all. */
	tu_write_file(p, "# only a comment\n\n", 18, 0600);
	ck_assert_int_eq(ss_identities_load(ids, p), -1);
	ck_assert_msg(strstr(ss_err_msg(), "no secret key") != NULL, "%s",
	    ss_err_msg());
	ck_assert(strncmp(ss_err_msg(), p, strlen(p)) == 0);
	tu_write_file(p, "", 0, 0600);
	ck_assert_int_eq(ss_identities_load(ids, p), -1);
	ck_assert(strstr(ss_err_msg(), "no secret key") != NULL);

	/* Readable or writable by others. */
	len = snprintf(text, sizeof(text), "%s\n", VEC_SECRET);
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		tu_write_file(p, text, (size_t)len, modes[i]);
		ck_assert_int_eq(ss_identities_load(ids, p), -1);
		ck_assert_msg(strstr(ss_err_msg(), "too open") != NULL,
		    "mode %o: %s", (unsigned)modes[i], ss_err_msg());
	}
	tu_write_file(p, text, (size_t)len, 0400);
	ck_assert_int_eq(ss_identities_load(ids, p), 0);
	ck_assert_uint_eq(ids->n, 1);
	chmod(p, 0600);

	/* A public key in an identity file: a hint, and the line. */
	len = snprintf(text, sizeof(text), "# c\n%s\n%s\n", VEC_SECRET,
	    VEC_PUBLIC);
	tu_write_file(p, text, (size_t)len, 0600);
	ck_assert_int_eq(ss_identities_load(ids, p), -1);
	ck_assert_msg(strstr(ss_err_msg(), "line 3: this is a public key") !=
	    NULL, "%s", ss_err_msg());

	/* A mistyped secret key. */
	len = snprintf(text, sizeof(text), "%s\n", VEC_SECRET);
	text[20] = (text[20] == 'A') ? 'B' : 'A';
	tu_write_file(p, text, (size_t)len, 0600);
	ck_assert_int_eq(ss_identities_load(ids, p), -1);
	ck_assert_msg(strstr(ss_err_msg(), "line 1: secret key checksum") !=
	    NULL, "%s", ss_err_msg());

	/* Missing file. */
	ck_assert_int_eq(ss_identities_load(ids, tu_file("missing")), -1);
	ck_assert(strstr(ss_err_msg(), "No such file") != NULL);
	ck_assert_int_eq(ss_err_status(), SS_EXIT_SYS);

	/* A directory. */
	ck_assert_int_eq(ss_identities_load(ids, tu_dir), -1);

	ss_identities_free(ids);
}
END_TEST

START_TEST(test_recipients_errors)
{
	char text[1024];
	char * p = tu_file("recipients");
	struct ss_recipients * r = ss_recipients_new();
	int len;

	len = snprintf(text, sizeof(text), "# c\n%s\n\n%sx\n%s\n", VEC_PUBLIC,
	    VEC_PUBLIC, VEC_PUBLIC);
	tu_write_file(p, text, (size_t)len, 0644);
	ck_assert_int_eq(ss_recipients_add_file(r, p), -1);
	ck_assert_msg(strstr(ss_err_msg(), "line 4: ") != NULL, "%s",
	    ss_err_msg());
	ck_assert(strncmp(ss_err_msg(), p, strlen(p)) == 0);

	len = snprintf(text, sizeof(text), "%s\n", VEC_SECRET);
	tu_write_file(p, text, (size_t)len, 0600);
	ck_assert_int_eq(ss_recipients_add_file(r, p), -1);
	ck_assert(strstr(ss_err_msg(), "line 1: this is a secret key") !=
	    NULL);

	tu_write_file(p, "#\n", 2, 0644);
	ck_assert_int_eq(ss_recipients_add_file(r, p), -1);
	ck_assert(strstr(ss_err_msg(), "no public key") != NULL);

	ck_assert_int_eq(ss_recipients_add_file(r, tu_file("none")), -1);
	ss_recipients_free(r);
}
END_TEST

START_TEST(test_too_large_file)
{
	static char big[70000];
	char * p = tu_file("big");
	struct ss_recipients * r = ss_recipients_new();
	size_t len;

	memset(big, '#', sizeof(big));
	len = (size_t)snprintf(big, sizeof(big), "%s\n", VEC_PUBLIC);
	big[len] = '#';
	tu_write_file(p, big, sizeof(big), 0600);
	ck_assert_int_eq(ss_recipients_add_file(r, p), -1);
	ck_assert_msg(strstr(ss_err_msg(), "too large") != NULL, "%s",
	    ss_err_msg());
	ss_recipients_free(r);
}
END_TEST

START_TEST(test_limits)
{
	struct ss_identities * ids = ss_identities_new();
	struct ss_recipients * r = ss_recipients_new();
	uint8_t sk[SS_KEY_LEN], pk[SS_KEY_LEN];
	size_t i;

	for (i = 0; i < SS_IDENTITIES_MAX; i++) {
		ck_assert_int_eq(ss_key_generate(pk, sk), 0);
		ck_assert_int_eq(ss_identities_add(ids, sk), 0);
		ck_assert_mem_eq(ids->pk[i], pk, SS_KEY_LEN);
	}
	ck_assert_int_eq(ss_identities_add(ids, sk), -1);
	ck_assert(strstr(ss_err_msg(), "too many identities") != NULL);
	ck_assert_uint_eq(ids->n, SS_IDENTITIES_MAX);
	/* The secret keys were copied across every reallocation. */
	ck_assert_mem_eq(ids->sk + (SS_IDENTITIES_MAX - 1) * SS_KEY_LEN, sk,
	    SS_KEY_LEN);
	ss_identities_free(ids);

	for (i = 0; i < SS_RECIPIENTS_MAX; i++)
		ck_assert_int_eq(ss_recipients_add(r, VEC_PUBLIC), 0);
	ck_assert_int_eq(ss_recipients_add(r, VEC_PUBLIC), -1);
	ck_assert(strstr(ss_err_msg(), "too many recipients") != NULL);
	ss_recipients_free(r);
}
END_TEST

START_TEST(test_write_identity)
{
	uint8_t sk[SS_KEY_LEN], pk[SS_KEY_LEN], other[SS_KEY_LEN];
	char pubtext[SS_PUBKEY_TEXT_LEN + 1];
	char * p = tu_file("key");
	struct ss_identities * ids;
	struct stat sb;
	uint8_t * before, * after;
	size_t blen, alen;

	ck_assert_int_eq(ss_key_generate(pk, sk), 0);
	ck_assert_int_eq(ss_key_write_identity(p, sk), 0);
	ck_assert_int_eq(stat(p, &sb), 0);
	ck_assert_uint_eq(sb.st_mode & 07777, 0600);

	/* The file names its public key in a comment and loads back. */
	before = tu_read_file(p, &blen);
	ck_assert_int_eq(ss_key_public_encode(pubtext, pk), 0);
	ck_assert(strstr((char *)before, pubtext) != NULL);
	ck_assert(strstr((char *)before, SS_SECKEY_PREFIX) != NULL);
	ids = ss_identities_new();
	ck_assert_int_eq(ss_identities_load(ids, p), 0);
	ck_assert_uint_eq(ids->n, 1);
	ck_assert_mem_eq(ids->sk, sk, SS_KEY_LEN);
	ck_assert_mem_eq(ids->pk[0], pk, SS_KEY_LEN);
	ss_identities_free(ids);

	/* Never overwrites, and leaves the existing key alone. */
	ck_assert_int_eq(ss_key_generate(pk, other), 0);
	ss_err_clear();
	ck_assert_int_eq(ss_key_write_identity(p, other), -1);
	ck_assert_msg(strstr(ss_err_msg(), "exists") != NULL, "%s",
	    ss_err_msg());
	after = tu_read_file(p, &alen);
	ck_assert_uint_eq(alen, blen);
	ck_assert_mem_eq(after, before, blen);
	free(after);

	/* Not through a symlink either, even a dangling one. */
	ck_assert_int_eq(symlink(p, tu_file("link")), 0);
	ck_assert_int_eq(ss_key_write_identity(tu_file("link"), other), -1);
	after = tu_read_file(p, &alen);
	ck_assert_mem_eq(after, before, blen);
	free(after);
	ck_assert_int_eq(symlink(tu_file("nowhere"), tu_file("dangling")), 0);
	ck_assert_int_eq(ss_key_write_identity(tu_file("dangling"), other),
	    -1);
	ck_assert_int_eq(access(tu_file("nowhere"), F_OK), -1);
	free(before);

	/* A missing directory: an error, nothing created. */
	ck_assert_int_eq(ss_key_write_identity(tu_file("no/key"), other), -1);
	ck_assert_int_eq(ss_err_status(), SS_EXIT_SYS);

	/* "ss-keygen > FILE": a readable file on stdout is made private. */
	{
		pid_t pid;
		int fd, status;

		if ((pid = fork()) == 0) {
			if ((fd = open(tu_file("stdout"), O_WRONLY | O_CREAT,
			    0644)) == -1 || dup2(fd, STDOUT_FILENO) == -1)
				_exit(3);
			_exit(ss_key_write_identity("-", other) == 0 ? 0 : 4);
		}
		ck_assert_int_eq(waitpid(pid, &status, 0), pid);
		ck_assert(WIFEXITED(status));
		ck_assert_int_eq(WEXITSTATUS(status), 0);
		ck_assert_int_eq(stat(tu_file("stdout"), &sb), 0);
		ck_assert_uint_eq(sb.st_mode & 07777, 0600);
		ids = ss_identities_new();
		ck_assert_int_eq(ss_identities_load(ids, tu_file("stdout")), 0);
		ck_assert_mem_eq(ids->sk, other, SS_KEY_LEN);
		ss_identities_free(ids);
	}

	/* The mode is 0600 whatever the umask allows. */
	umask(0);
	ck_assert_int_eq(ss_key_write_identity(tu_file("key2"), other), 0);
	ck_assert_int_eq(stat(tu_file("key2"), &sb), 0);
	ck_assert_uint_eq(sb.st_mode & 07777, 0600);
	umask(022);
}
END_TEST

static Suite *
key_suite(void)
{
	Suite * s = suite_create("key");
	TCase * tc = tcase_create("text");
	TCase * tf = tcase_create("files");

	tcase_add_test(tc, test_vector);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_high_bit_for_underscore);
	tcase_add_test(tc, test_every_substitution);
	tcase_add_test(tc, test_truncated_extended);
	tcase_add_test(tc, test_wrong_kind);
	tcase_add_test(tc, test_limits);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tcase_add_checked_fixture(tf, tu_dir_setup, tu_dir_teardown);
	tcase_add_test(tf, test_identity_file);
	tcase_add_test(tf, test_identity_errors);
	tcase_add_test(tf, test_recipients_errors);
	tcase_add_test(tf, test_too_large_file);
	tcase_add_test(tf, test_write_identity);
	suite_add_tcase(s, tf);
	return (s);
}

int
main(void)
{

	return (tu_run_sodium(key_suite()));
}
