/* Unit tests for libcore/host/convert.c: CSV to stream and back, and info. */

#include <sys/wait.h>

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "convert.h"
#include "err.h"
#include "io.h"
#include "key.h"
#include "stream.h"

#include "check_util.h"

static struct ss_recipients * recipients;
static struct ss_identities * identities, * strangers;

static void
setup(void)
{
	uint8_t sk[SS_KEY_LEN], pk[SS_KEY_LEN];
	char text[SS_PUBKEY_TEXT_LEN + 1];

	tu_dir_setup();
	ck_assert_int_eq(ss_key_generate(pk, sk), 0);
	ck_assert_int_eq(ss_key_public_encode(text, pk), 0);
	recipients = ss_recipients_new();
	ck_assert_int_eq(ss_recipients_add(recipients, text), 0);
	identities = ss_identities_new();
	ck_assert_int_eq(ss_identities_add(identities, sk), 0);
	ck_assert_int_eq(ss_key_generate(pk, sk), 0);
	strangers = ss_identities_new();
	ck_assert_int_eq(ss_identities_add(strangers, sk), 0);
}

static void
teardown(void)
{

	ss_recipients_free(recipients);
	ss_identities_free(identities);
	ss_identities_free(strangers);
	tu_dir_teardown();
}

static int
encrypt(const char * csv, size_t len, int header, size_t chunk_size)
{
	struct ss_encrypt_opts eo;

	tu_write_file(tu_file("in.csv"), csv, len, 0644);
	memset(&eo, 0, sizeof(eo));
	eo.input = tu_file("in.csv");
	eo.output = tu_file("s.ss");
	eo.recipients = recipients;
	eo.delim = ',';
	eo.header = header;
	eo.chunk_size = chunk_size;
	eo.flush_ms = 100;
	return (ss_convert_encrypt(&eo));
}

static int
decrypt(const struct ss_identities * ids, uint8_t delim, int crlf)
{
	struct ss_decrypt_opts d;

	memset(&d, 0, sizeof(d));
	d.input = tu_file("s.ss");
	d.output = tu_file("out.csv");
	d.identities = ids;
	d.delim = delim;
	d.crlf = crlf;
	return (ss_convert_decrypt(&d));
}

static void
assert_output(const char * want)
{
	uint8_t * got;
	size_t len;

	got = tu_read_file(tu_file("out.csv"), &len);
	ck_assert_msg(len == strlen(want) && memcmp(got, want, len) == 0,
	    "got '%s', want '%s'", (char *)got, want);
	free(got);
}

/* Chunks in the stream s.ss, counted without a key. */
static uint64_t
count_chunks(void)
{
	struct ss_input * in;
	struct ss_stream_reader * r;
	const uint8_t * pt;
	size_t len;
	uint64_t n;

	ck_assert_ptr_nonnull(in = ss_input_open(tu_file("s.ss")));
	ck_assert_ptr_nonnull(r = ss_stream_reader_new(in, NULL));
	while (ss_stream_reader_next(r, &pt, &len) == 1)
		;
	n = ss_stream_reader_nchunks(r);
	ss_stream_reader_free(r);
	ss_input_close(in);
	return (n);
}

START_TEST(test_round_trip)
{
	static const char csv[] = "id,name,note\r\n1,\"Smith, J\",ok\r\n"
	    "2,,\"say \"\"hi\"\"\"\r\n\r\n";

	ck_assert_int_eq(encrypt(csv, sizeof(csv) - 1, 1, 65536), 0);
	ck_assert_uint_eq(count_chunks(), 2);
	ck_assert_int_eq(decrypt(identities, ',', 0), 0);
	assert_output("id,name,note\n1,\"Smith, J\",ok\n"
	    "2,,\"say \"\"hi\"\"\"\n");
	ck_assert_int_eq(decrypt(identities, ';', 1), 0);
	assert_output("id;name;note\r\n1;Smith, J;ok\r\n"
	    "2;;\"say \"\"hi\"\"\"\r\n");
}
END_TEST

START_TEST(test_many_chunks)
{
	char * csv = malloc(100000), * want = malloc(100000);
	size_t len = 0, wlen = 0;
	int i;

	len += (size_t)sprintf(csv, "n,sq,text\n");
	for (i = 0; i < 2000; i++)
		len += (size_t)sprintf(csv + len, "%d,%d,\"line\n%d\"\n", i,
		    i * i, i);
	memcpy(want, csv, len + 1);
	wlen = len;
	ck_assert_int_eq(encrypt(csv, len, 1, 1024), 0);
	ck_assert_uint_gt(count_chunks(), 20);
	ck_assert_int_eq(decrypt(identities, ',', 0), 0);
	ck_assert_uint_eq(strlen(want), wlen);
	assert_output(want);
	free(csv);
	free(want);
}
END_TEST

START_TEST(test_no_header)
{

	ck_assert_int_eq(encrypt("a,b\nc,d", 7, 0, 65536), 0);
	ck_assert_int_eq(decrypt(identities, ',', 0), 0);
	assert_output("c1,c2\na,b\nc,d\n");
}
END_TEST

START_TEST(test_empty)
{

	ck_assert_int_eq(encrypt("", 0, 1, 65536), 0);
	ck_assert_uint_eq(count_chunks(), 2);
	ck_assert_int_eq(decrypt(identities, ',', 0), 0);
	assert_output("");

	ck_assert_int_eq(encrypt("only,header\n", 12, 1, 65536), 0);
	ck_assert_int_eq(decrypt(identities, ',', 0), 0);
	assert_output("only,header\n");

	/* A lone empty column name survives as "". */
	ck_assert_int_eq(encrypt("\"\"\n\"\"\nx\n", 8, 1, 65536), 0);
	ck_assert_int_eq(decrypt(identities, ',', 0), 0);
	assert_output("\"\"\n\"\"\nx\n");
}
END_TEST

START_TEST(test_encrypt_errors)
{

	ss_err_clear();
	ck_assert_int_eq(encrypt("a,b\n1,2\n3\n", 10, 1, 65536), -1);
	ck_assert_msg(strstr(ss_err_msg(), "line 3: 1 fields, expected 2") !=
	    NULL, "%s", ss_err_msg());
	ck_assert_int_eq(ss_err_status(), SS_EXIT_DATA);
	ck_assert_int_eq(access(tu_file("s.ss"), F_OK), -1);

	ck_assert_int_eq(encrypt("a,b\n1,\"2\n", 9, 1, 65536), -1);
	ck_assert(strstr(ss_err_msg(), "unterminated") != NULL);
	ck_assert_int_eq(access(tu_file("s.ss"), F_OK), -1);
	/* Only the input file is left behind. */
	ck_assert_int_eq(tu_dir_count(tu_dir), 1);
}
END_TEST

START_TEST(test_decrypt_errors)
{
	uint8_t * s;
	size_t len;

	ck_assert_int_eq(encrypt("a\n1\n2\n", 6, 1, 65536), 0);
	ss_err_clear();
	ck_assert_int_eq(decrypt(strangers, ',', 0), -1);
	ck_assert(strstr(ss_err_msg(), "no identity matches") != NULL);
	ck_assert_int_eq(ss_err_status(), SS_EXIT_DATA);
	ck_assert_int_eq(access(tu_file("out.csv"), F_OK), -1);

	/* A flipped bit in the last chunk: nothing is written. */
	s = tu_read_file(tu_file("s.ss"), &len);
	s[len - 1] ^= 1;
	tu_write_file(tu_file("s.ss"), s, len, 0644);
	ck_assert_int_eq(decrypt(identities, ',', 0), -1);
	ck_assert(strstr(ss_err_msg(), "chunk 2: authentication failed") !=
	    NULL);
	ck_assert_int_eq(access(tu_file("out.csv"), F_OK), -1);

	/* Truncated. */
	tu_write_file(tu_file("s.ss"), s, len - 17, 0644);
	ck_assert_int_eq(decrypt(identities, ',', 0), -1);
	ck_assert(strstr(ss_err_msg(), "truncated") != NULL);
	ck_assert_int_eq(access(tu_file("out.csv"), F_OK), -1);
	free(s);
}
END_TEST

/* ss_convert_info prints on stdout: run it in a child. */
static char *
info(const struct ss_identities * ids, int * rc)
{
	pid_t pid;
	int fd, status;
	size_t len;

	if ((pid = fork()) == 0) {
		if ((fd = open(tu_file("info.txt"), O_WRONLY | O_CREAT |
		    O_TRUNC, 0644)) == -1 || dup2(fd, STDOUT_FILENO) == -1)
			_exit(3);
		struct ss_info_opts opts = {
			.input = tu_file("s.ss"), .identities = ids,
		};

		_exit(ss_convert_info(&opts) == 0 ? 0 : 1);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	*rc = WEXITSTATUS(status);
	return ((char *)tu_read_file(tu_file("info.txt"), &len));
}

START_TEST(test_info)
{
	static const char csv[] = "id,name,note\n1,\"Smith, J\",ok\n"
	    "2,,\"say \"\"hi\"\"\"\n";
	char * out;
	int rc;

	ck_assert_int_eq(encrypt(csv, sizeof(csv) - 1, 1, 65536), 0);
	out = info(identities, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert(strstr(out, "recipients: 1\n") != NULL);
	ck_assert(strstr(out, "columns: 3\n") != NULL);
	ck_assert(strstr(out, "names: id,name,note\n") != NULL);
	ck_assert(strstr(out, "chunks: 2\n") != NULL);
	ck_assert(strstr(out, "bytes: 256\n") != NULL);
	ck_assert(strstr(out, "records: 2\n") != NULL);
	ck_assert(strstr(out, "field bytes: 20\n") != NULL);
	ck_assert(strstr(out, "integrity: verified\n") != NULL);
	free(out);

	out = info(NULL, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert(strstr(out, "chunks: 2\n") != NULL);
	ck_assert(strstr(out, "integrity: not checked") != NULL);
	ck_assert(strstr(out, "records:") == NULL);
	free(out);

	out = info(strangers, &rc);
	ck_assert_int_eq(rc, 1);
	free(out);
}
END_TEST

static Suite *
convert_suite(void)
{
	Suite * s = suite_create("convert");
	TCase * tc = tcase_create("convert");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_many_chunks);
	tcase_add_test(tc, test_no_header);
	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_encrypt_errors);
	tcase_add_test(tc, test_decrypt_errors);
	tcase_add_test(tc, test_info);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{

	return (tu_run_sodium(convert_suite()));
}
