/*
 * Unit tests for libcore/host/cli.c: option values, the options and keys
 * commands share, and usage errors.
 */

#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <sodium.h>

#include "cli.h"
#include "convert.h"
#include "err.h"
#include "key.h"

#include "check_util.h"

START_TEST(test_size_valid)
{

	ck_assert_uint_eq(ss_cli_size("0", "-s", 0, 100), 0);
	ck_assert_uint_eq(ss_cli_size("7", "-s", 1, 100), 7);
	ck_assert_uint_eq(ss_cli_size("100", "-s", 1, 100), 100);
	ck_assert_uint_eq(ss_cli_size("64K", "-s", 1, SIZE_MAX), 65536);
	ck_assert_uint_eq(ss_cli_size("64k", "-s", 1, SIZE_MAX), 65536);
	ck_assert_uint_eq(ss_cli_size("1KiB", "-s", 1, SIZE_MAX), 1024);
	ck_assert_uint_eq(ss_cli_size("3M", "-s", 1, SIZE_MAX), 3U << 20);
	ck_assert_uint_eq(ss_cli_size("3MiB", "-s", 1, SIZE_MAX), 3U << 20);
	ck_assert_uint_eq(ss_cli_size("4096M", "-s", 1, SIZE_MAX),
	    (size_t)4 << 30);
	ck_assert_uint_eq(ss_cli_size("1K", "-s", 1024, 1024), 1024);
	ck_assert_uint_eq(ss_cli_size("17M", "-s", 1, 17U << 20), 17U << 20);
}
END_TEST

/* Each of these must be a usage error (exit 2). */
static const struct {
	const char * arg;
	size_t min, max;
} bad_sizes[] = {
	{ "", 0, 100 },
	{ "-1", 0, 100 },
	{ "+1", 0, 100 },
	{ " 1", 0, 100 },
	{ "1 ", 0, 100 },
	{ "abc", 0, 100 },
	{ "1X", 0, 100 },
	{ "1KB", 1, SIZE_MAX },
	{ "1Ki", 1, SIZE_MAX },
	{ "1KiBx", 1, SIZE_MAX },
	{ "1.5K", 1, SIZE_MAX },
	{ "101", 0, 100 },
	{ "0", 1, 100 },
	{ "1K", 1, 1000 },
	{ "1K", 1025, SIZE_MAX },
	{ "18446744073709551616", 0, SIZE_MAX },
	{ "17592186044416M", 1, SIZE_MAX },
	{ "1M", 1, 1048575 },
	{ "0x10", 0, 100 },
};

START_TEST(test_size_invalid)
{

	(void)ss_cli_size(bad_sizes[_i].arg, "--chunk-size",
	    bad_sizes[_i].min, bad_sizes[_i].max);
}
END_TEST

START_TEST(test_uint_valid)
{

	ck_assert_uint_eq(ss_cli_uint("0", "-n", 0, 10), 0);
	ck_assert_uint_eq(ss_cli_uint("10", "-n", 0, 10), 10);
	ck_assert_uint_eq(ss_cli_uint("007", "-n", 0, 10), 7);
	ck_assert_uint_eq(ss_cli_uint("4294967295", "-n", 0, 4294967295UL),
	    4294967295UL);
}
END_TEST

static const struct {
	const char * arg;
	unsigned long min, max;
} bad_uints[] = {
	{ "", 0, 10 },
	{ "-1", 0, 10 },
	{ "+1", 0, 10 },
	{ "1.5", 0, 10 },
	{ "0x10", 0, 100 },
	{ "11", 0, 10 },
	{ "4", 5, 10 },
	{ "1K", 0, 10000 },
	{ "18446744073709551616", 0, 10 },
	{ "99999999999999999999999", 0, 10 },
	{ "5 ", 0, 10 },
};

START_TEST(test_uint_invalid)
{

	(void)ss_cli_uint(bad_uints[_i].arg, "--flush-ms", bad_uints[_i].min,
	    bad_uints[_i].max);
}
END_TEST

START_TEST(test_delim_valid)
{

	ck_assert_uint_eq(ss_cli_delim(",", "-d"), ',');
	ck_assert_uint_eq(ss_cli_delim(";", "-d"), ';');
	ck_assert_uint_eq(ss_cli_delim("|", "-d"), '|');
	ck_assert_uint_eq(ss_cli_delim(" ", "-d"), ' ');
	ck_assert_uint_eq(ss_cli_delim("\t", "-d"), '\t');
	ck_assert_uint_eq(ss_cli_delim("tab", "-d"), '\t');
	ck_assert_uint_eq(ss_cli_delim("\\t", "-d"), '\t');
	ck_assert_uint_eq(ss_cli_delim("\xff", "-d"), 0xff);
}
END_TEST

static const char * const bad_delims[] = {
	"", "\"", "\r", "\n", ",,", "ab", "TAB", "\\n",
};

START_TEST(test_delim_invalid)
{

	(void)ss_cli_delim(bad_delims[_i], "-d");
}
END_TEST

START_TEST(test_once)
{
	int seen = 0;

	ss_cli_once(&seen, "-o");
	ck_assert_int_eq(seen, 1);
	/* The second time is a usage error: exit 2. */
	ss_cli_once(&seen, "-o");
}
END_TEST

START_TEST(test_usage_error)
{

	ss_cli_usage_error("unknown option %s", "--bogus");
}
END_TEST

START_TEST(test_fatal_status)
{

	ss_cli_init("ss-test");
	ck_assert_str_eq(ss_cli_name(), "ss-test");
	ss_err_set(SS_EXIT_DATA, "rejected");
	ss_cli_fatal();
}
END_TEST

/* getopt_long() refusals: an unknown option, a missing value. */
START_TEST(test_bad_option)
{
	static char * argv[] = { "ss-test", "--bogus", "-x", "--output",
	    NULL };

	switch (_i) {
	case 0:
		optind = 2;
		optopt = 0;
		ss_cli_bad_option(argv, '?');
		break;
	case 1:
		optind = 3;
		optopt = 'x';
		ss_cli_bad_option(argv, '?');
		break;
	default:
		optind = 4;
		optopt = 0;
		ss_cli_bad_option(argv, ':');
		break;
	}
}
END_TEST

START_TEST(test_version)
{

	ss_cli_version();
}
END_TEST

START_TEST(test_stats)
{
	struct ss_stats st;

	ss_stats_start(&st, 0, 1);
	ck_assert_int_eq(st.progress, isatty(STDERR_FILENO) ? 1 : 0);
	ck_assert_int_eq(st.report, 0);
	ck_assert_uint_eq(st.records, 0);
	st.records = 5;
	ss_stats_tick(&st);
	ss_stats_finish(&st);
	ss_stats_start(&st, 1, 0);
	ck_assert_int_eq(st.progress, 0);
	ck_assert_uint_eq(st.records, 0);
}
END_TEST


#define NELEMS(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* ss_cli_getopt() takes the shared options and returns the others. */
START_TEST(test_getopt)
{
	static const struct option longopts[] = {
		{ "identity", required_argument, NULL, 'i' },
		{ "output", required_argument, NULL, 'o' },
		{ "stats", no_argument, NULL, SS_CLI_OPT_STATS },
		{ "format", required_argument, NULL, SS_CLI_OPT_FORMAT },
		{ "own", no_argument, NULL, SS_CLI_OPT_OWN },
		{ NULL, 0, NULL, 0 }
	};
	static char * argv[] = { "ss-test", "-i", "a.key", "--stats",
	    "--own", "-d", "tab", "--format", "ndjson", "-ib.key", "-o",
	    "out", "-x", "in.ss", NULL };
	const int argc = NELEMS(argv) - 1;
	const char * output = NULL;
	uint8_t delim = ',';
	int format = SS_FORMAT_CSV, stats = 0, progress = 0;
	struct ss_cli_opts cl = {
		.output = &output, .delim = &delim, .format = &format,
		.stats = &stats, .progress = &progress,
	};

	ss_cli_keys_init(&cl.keys, SS_CLI_IDENTITIES, argc);
	optind = 0;
	ck_assert_int_eq(ss_cli_getopt(&cl, argc, argv, ":i:o:d:x",
	    longopts), SS_CLI_OPT_OWN);
	ck_assert_int_eq(ss_cli_getopt(&cl, argc, argv, ":i:o:d:x",
	    longopts), 'x');
	ck_assert_int_eq(ss_cli_getopt(&cl, argc, argv, ":i:o:d:x",
	    longopts), -1);
	ck_assert_int_eq(optind, argc - 1);
	ck_assert_str_eq(argv[optind], "in.ss");
	ck_assert_str_eq(output, "out");
	ck_assert_uint_eq(delim, '\t');
	ck_assert_int_eq(format, SS_FORMAT_NDJSON);
	ck_assert_int_eq(stats, 1);
	ck_assert_int_eq(progress, 0);
	ck_assert_int_eq(cl.seen_d, 1);
	ck_assert_uint_eq(cl.keys.nfiles, 2);
	ck_assert_str_eq(cl.keys.files[0], "a.key");
	ck_assert_str_eq(cl.keys.files[1], "b.key");
	ck_assert_ptr_null(cl.keys.recipients);
	ss_cli_keys_free(&cl.keys);
}
END_TEST

/* -r keys are added at once, -R files kept for later; -i is not theirs. */
START_TEST(test_keys_recipients)
{
	struct ss_cli_keys keys;
	uint8_t pk[SS_KEY_LEN], sk[SS_KEY_LEN];
	char text[SS_PUBKEY_TEXT_LEN + 1];

	ck_assert_int_eq(ss_key_generate(pk, sk), 0);
	ck_assert_int_eq(ss_key_public_encode(text, pk), 0);
	ss_cli_keys_init(&keys, SS_CLI_RECIPIENTS, 4);
	ck_assert_ptr_null(keys.identities);
	ck_assert_int_eq(ss_cli_keys_option(&keys, 'r', text), 1);
	ck_assert_int_eq(ss_cli_keys_option(&keys, 'R', "more.pub"), 1);
	ck_assert_int_eq(ss_cli_keys_option(&keys, 'i', "x.key"), 0);
	ck_assert_int_eq(ss_cli_keys_option(&keys, 'o', "out"), 0);
	ck_assert_uint_eq(keys.recipients->n, 1);
	ck_assert_uint_eq(keys.nfiles, 1);
	ck_assert_str_eq(keys.files[0], "more.pub");
	ss_cli_keys_free(&keys);
	ck_assert_ptr_null(keys.recipients);
	ck_assert_ptr_null(keys.files);
}
END_TEST

/* No key at all, or a key file on standard input with the data. */
START_TEST(test_keys_usage)
{
	struct ss_cli_keys keys;

	ss_cli_keys_init(&keys, (_i % 2 == 0) ? SS_CLI_IDENTITIES :
	    SS_CLI_RECIPIENTS, 2);
	if (_i >= 2)
		(void)ss_cli_keys_option(&keys, (_i % 2 == 0) ? 'i' : 'R',
		    "-");
	ss_cli_keys_load(&keys, NULL);
}
END_TEST

/* Usage errors print on stderr by design: keep the test log readable. */
static void
quiet(void)
{
	int fd;

	if ((fd = open("/dev/null", O_WRONLY)) != -1) {
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		close(fd);
	}
}

static Suite *
cli_suite(void)
{
	Suite * s = suite_create("cli");
	TCase * tc = tcase_create("values");
	TCase * te = tcase_create("usage errors");

	tcase_add_test(tc, test_size_valid);
	tcase_add_test(tc, test_uint_valid);
	tcase_add_test(tc, test_delim_valid);
	tcase_add_test(tc, test_stats);
	tcase_add_test(tc, test_getopt);
	tcase_add_test(tc, test_keys_recipients);
	suite_add_tcase(s, tc);

	tcase_add_checked_fixture(te, quiet, NULL);
	tcase_add_loop_exit_test(te, test_size_invalid, SS_EXIT_SYS, 0,
	    NELEMS(bad_sizes));
	tcase_add_loop_exit_test(te, test_uint_invalid, SS_EXIT_SYS, 0,
	    NELEMS(bad_uints));
	tcase_add_loop_exit_test(te, test_delim_invalid, SS_EXIT_SYS, 0,
	    NELEMS(bad_delims));
	tcase_add_exit_test(te, test_once, SS_EXIT_SYS);
	tcase_add_exit_test(te, test_usage_error, SS_EXIT_SYS);
	tcase_add_exit_test(te, test_fatal_status, SS_EXIT_DATA);
	tcase_add_loop_exit_test(te, test_bad_option, SS_EXIT_SYS, 0, 3);
	tcase_add_exit_test(te, test_version, SS_EXIT_OK);
	tcase_add_loop_exit_test(te, test_keys_usage, SS_EXIT_SYS, 0, 4);
	suite_add_tcase(s, te);
	return (s);
}

int
main(void)
{
	SRunner * sr;
	int failed;

	if (sodium_init() < 0)
		return (EXIT_FAILURE);
	sr = srunner_create(cli_suite());
	/* Exit tests only make sense with each test in its own process. */
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
