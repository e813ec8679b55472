/*
 * Unit tests for libcore/common/shown.c and utf8.c: bytes as shown in
 * messages, the way the subscription files (no flags) and NDJSON keys
 * (UTF-8, quoted) show them, and cut short.
 */

#include <stdint.h>
#include <string.h>

#include <check.h>

#include "shown.h"
#include "utf8.h"

#include "check_util.h"

static const struct shown_case {
	const char * in;
	size_t len;		/* 0: strlen(in) */
	size_t size, max;
	int flags;
	const char * want;
} cases[] = {
	/* Control bytes escaped; the rest as it is. */
	{ "a\tb\x7f", 0, 64, SIZE_MAX, 0, "a\\x09b\\x7f" },
	{ "a\0b", 3, 64, SIZE_MAX, 0, "a\\x00b" },
	{ "\xc3\xa9\xff\"\\", 0, 64, SIZE_MAX, 0, "\xc3\xa9\xff\"\\" },
	/* UTF-8: valid sequences kept, other high bytes escaped. */
	{ "\xc3\xa9\xff", 0, 64, SIZE_MAX, SS_SHOWN_UTF8,
	    "\xc3\xa9\\xff" },
	{ "\xc0\x80\xed\xa0\x80", 0, 64, SIZE_MAX, SS_SHOWN_UTF8,
	    "\\xc0\\x80\\xed\\xa0\\x80" },
	{ "\xf0\x9f\x98\x80!", 0, 64, SIZE_MAX, SS_SHOWN_UTF8,
	    "\xf0\x9f\x98\x80!" },
	/* Quoted: '"' and '\' after a backslash. */
	{ "a\"b\\c", 0, 64, SIZE_MAX, SS_SHOWN_UTF8 | SS_SHOWN_QUOTED,
	    "a\\\"b\\\\c" },
	/* Cut short: at ${max} bytes, or where ${size} runs out. */
	{ "abcdef", 0, 64, 4, 0, "abcd..." },
	{ "abcdef", 0, 64, 6, 0, "abcdef" },
	{ "abcdefghijklmnop", 0, 12, SIZE_MAX, 0, "abcd..." },
	{ "", 0, 64, SIZE_MAX, SS_SHOWN_UTF8, "" },
};

START_TEST(test_shown)
{
	const struct shown_case * c = &cases[_i];
	char buf[64];

	ck_assert_uint_le(c->size, sizeof(buf));
	ck_assert_ptr_eq(ss_shown(buf, c->size, c->in,
	    c->len ? c->len : strlen(c->in), c->max, c->flags), buf);
	ck_assert_str_eq(buf, c->want);
	ck_assert_uint_lt(strlen(buf), c->size);
}
END_TEST

START_TEST(test_utf8_len)
{

	ck_assert_uint_eq(ss_utf8_len((const uint8_t *)"\xc3\xa9", 2), 2);
	ck_assert_uint_eq(ss_utf8_len((const uint8_t *)"\xe2\x82\xac", 3), 3);
	ck_assert_uint_eq(ss_utf8_len((const uint8_t *)"\xf4\x8f\xbf\xbf",
	    4), 4);
	/* Cut, overlong, a surrogate, past U+10FFFF, ASCII. */
	ck_assert_uint_eq(ss_utf8_len((const uint8_t *)"\xe2\x82", 2), 0);
	ck_assert_uint_eq(ss_utf8_len((const uint8_t *)"\xc1\xbf", 2), 0);
	ck_assert_uint_eq(ss_utf8_len((const uint8_t *)"\xed\xa0\x80", 3), 0);
	ck_assert_uint_eq(ss_utf8_len((const uint8_t *)"\xf4\x90\x80\x80",
	    4), 0);
	ck_assert_uint_eq(ss_utf8_len((const uint8_t *)"a", 1), 0);
}
END_TEST

static Suite *
shown_suite(void)
{
	Suite * s = suite_create("shown");
	TCase * tc = tcase_create("core");

	tcase_add_loop_test(tc, test_shown, 0,
	    (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, test_utf8_len);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{

	return (tu_run(shown_suite()));
}
