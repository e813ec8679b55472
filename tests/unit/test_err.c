/* Unit tests for libcore/common/err.c. */

#include <errno.h>
#include <string.h>

#include <check.h>

#include "err.h"

#include "check_util.h"

START_TEST(test_set_and_status)
{

	ss_err_clear();
	ss_err_set(SS_EXIT_DATA, "bad %s %d", "thing", 42);
	ck_assert_str_eq(ss_err_msg(), "bad thing 42");
	ck_assert_int_eq(ss_err_status(), SS_EXIT_DATA);

	/* A later error replaces an earlier one, status and all. */
	ss_err_set(SS_EXIT_SYS, "other");
	ck_assert_str_eq(ss_err_msg(), "other");
	ck_assert_int_eq(ss_err_status(), SS_EXIT_SYS);
}
END_TEST

START_TEST(test_clear_defaults)
{

	ss_err_set(SS_EXIT_DATA, "x");
	ss_err_clear();
	ck_assert_str_eq(ss_err_msg(), "unknown error");
	ck_assert_int_eq(ss_err_status(), SS_EXIT_SYS);
}
END_TEST

START_TEST(test_prefix_composes)
{

	ss_err_clear();
	ss_err_set(SS_EXIT_DATA, "c");
	ss_err_prefix("b");
	ss_err_prefix("%s", "a");
	ck_assert_str_eq(ss_err_msg(), "a: b: c");
	/* Adding context keeps the status of the original error. */
	ck_assert_int_eq(ss_err_status(), SS_EXIT_DATA);
}
END_TEST

START_TEST(test_prefix_without_error)
{

	ss_err_clear();
	ss_err_prefix("file %d", 7);
	ck_assert_str_eq(ss_err_msg(), "file 7: unknown error");
	ck_assert_int_eq(ss_err_status(), SS_EXIT_SYS);
}
END_TEST

START_TEST(test_errno)
{

	ss_err_clear();
	errno = ENOENT;
	ss_err_errno("open %s", "x.csv");
	ck_assert_str_eq(ss_err_msg(), "open x.csv: No such file or directory");
	ck_assert_int_eq(ss_err_status(), SS_EXIT_SYS);
	/* errno survives for the caller. */
	ck_assert_int_eq(errno, ENOENT);

	ss_err_prefix("a");
	ck_assert_str_eq(ss_err_msg(),
	    "a: open x.csv: No such file or directory");

	/* A data error turned into a system one by ss_err_errno. */
	ss_err_set(SS_EXIT_DATA, "d");
	errno = EACCES;
	ss_err_errno("w");
	ck_assert_int_eq(ss_err_status(), SS_EXIT_SYS);
	ck_assert_str_eq(ss_err_msg(), "w: Permission denied");
}
END_TEST

START_TEST(test_truncation)
{
	static char big[5000];
	const char * m;

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';

	ss_err_set(SS_EXIT_DATA, "%s", big);
	m = ss_err_msg();
	ck_assert_uint_gt(strlen(m), 100);
	ck_assert_uint_lt(strlen(m), sizeof(big) - 1);
	ck_assert(m[0] == 'x');

	/* Prefixing a full message keeps it bounded and terminated. */
	ss_err_prefix("prefix");
	m = ss_err_msg();
	ck_assert_uint_lt(strlen(m), sizeof(big) - 1);
	ck_assert(strncmp(m, "prefix: xxx", 11) == 0);

	/* A prefix longer than the slot. */
	ss_err_prefix("%s", big);
	m = ss_err_msg();
	ck_assert_uint_lt(strlen(m), sizeof(big) - 1);
	ck_assert(m[0] == 'x');

	/* ss_err_errno with a huge format and a long message after. */
	errno = EINVAL;
	ss_err_errno("%s", big);
	m = ss_err_msg();
	ck_assert_uint_lt(strlen(m), sizeof(big) - 1);

	/* Nearly full: the appended part is cut, still terminated. */
	big[1000] = '\0';
	ss_err_set(SS_EXIT_DATA, "%s", big);
	ss_err_prefix("%s", big);
	m = ss_err_msg();
	ck_assert_uint_ge(strlen(m), 1002);
	ck_assert_uint_lt(strlen(m), 2002);
	ck_assert(strncmp(m + 1000, ": x", 3) == 0);
	ck_assert_int_eq(ss_err_status(), SS_EXIT_DATA);

	errno = ENOENT;
	ss_err_errno("%s", big);
	m = ss_err_msg();
	ck_assert_uint_ge(strlen(m), 1002);
	ck_assert(strncmp(m + 1000, ": No", 4) == 0 ||
	    strncmp(m + 1000, ": ", 2) == 0);
}
END_TEST

static Suite *
err_suite(void)
{
	Suite * s = suite_create("err");
	TCase * tc = tcase_create("core");

	tcase_add_test(tc, test_set_and_status);
	tcase_add_test(tc, test_clear_defaults);
	tcase_add_test(tc, test_prefix_composes);
	tcase_add_test(tc, test_prefix_without_error);
	tcase_add_test(tc, test_errno);
	tcase_add_test(tc, test_truncation);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{

	return (tu_run_sodium(err_suite()));
}
