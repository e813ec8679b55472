/*
 * Unit tests for ss-reduce's pure parts: durations and the program's
 * reading shared by the command line and the enclave
 * (libcore/common/reduce_conf.c), event times and their formatting
 * (enclave/reduce_time.c), and exact sums (enclave/xsum.c).
 */

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "reduce.h"
#include "reduce_time.h"
#include "xsum.h"
#include "err.h"
#include "program.h"

#include "check_util.h"

START_TEST(test_duration)
{
	static const struct {
		const char * s;
		int zero_ok;
		int64_t want;		/* -1: refused */
	} t[] = {
		{ "300", 0, 300 }, { "30s", 0, 30 }, { "5m", 0, 300 },
		{ "1h", 0, 3600 }, { "1d", 0, 86400 }, { "0", 1, 0 },
		{ "0s", 1, 0 }, { "0", 0, -1 }, { "0m", 0, -1 },
		{ "", 0, -1 }, { "m", 0, -1 }, { "5x", 0, -1 },
		{ "5mm", 0, -1 }, { "-5", 1, -1 }, { "+5", 0, -1 },
		{ " 5", 0, -1 }, { "5 ", 0, -1 }, { "1.5m", 0, -1 },
		{ "36600d", 0, 36600LL * 86400 }, { "36601d", 0, -1 },
		{ "99999999999999999999", 0, -1 },
		{ "3162240000", 0, 3162240000LL },
		{ "3162240001", 0, -1 },
	};
	size_t i;
	int64_t v;
	int rc;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		v = -7;
		rc = ss_reduce_duration(t[i].s, strlen(t[i].s), t[i].zero_ok,
		    &v);
		if (t[i].want == -1)
			ck_assert_msg(rc == -1, "'%s' accepted as %lld",
			    t[i].s, (long long)v);
		else
			ck_assert_msg(rc == 0 && v == t[i].want,
			    "'%s': rc %d, %lld", t[i].s, rc, (long long)v);
	}
	/* Only the first ${len} bytes count. */
	ck_assert_int_eq(ss_reduce_duration("5m,1m", 2, 0, &v), 0);
	ck_assert_int_eq(v, 300);
}
END_TEST

START_TEST(test_time)
{
	static const struct {
		const char * s;
		double want;
		int form;		/* -1: refused */
	} t[] = {
		{ "0", 0, SS_TIME_SECONDS },
		{ "1704096000", 1704096000, SS_TIME_SECONDS },
		{ "-0.5", -0.5, SS_TIME_SECONDS },
		{ "1.5e3", 1500, SS_TIME_SECONDS },
		{ "1970-01-01T00:00:00Z", 0, SS_TIME_TZ },
		{ "1970-01-01T00:00:00", 0, SS_TIME_T },
		{ "1970-01-01 00:00:00", 0, SS_TIME_SPACE },
		{ "2024-01-01T08:00:00Z", 1704096000, SS_TIME_TZ },
		{ "2024-02-29T23:59:59Z", 1709251199, SS_TIME_TZ },
		{ "2000-03-01 00:00:00", 951868800, SS_TIME_SPACE },
		{ "1969-12-31T23:59:59Z", -1, SS_TIME_TZ },
		{ "0000-01-01T00:00:00Z", -62167219200.0, SS_TIME_TZ },
		{ "9999-12-31T23:59:59Z", 253402300799.0, SS_TIME_TZ },
		{ "2024-01-01T00:00:00.25Z", 1704067200.25, SS_TIME_TZ },
		{ "2024-01-01 00:00:00.5", 1704067200.5, SS_TIME_SPACE },
		{ "2024-01-01T00:00:00.123456789", 1704067200.123456789,
		    SS_TIME_T },
		{ "2024-01-01T00:00:00.1234567890", 0, -1 },
		{ "2024-01-01T00:00:00.", 0, -1 },
		{ "2024-01-01T00:00:00.Z", 0, -1 },
		{ "2024-01-01 00:00:00Z", 0, -1 },
		{ "2024-01-01T00:00:00+00:00", 0, -1 },
		{ "2024-01-01T00:00:00ZZ", 0, -1 },
		{ "2024-01-01t00:00:00", 0, -1 },
		{ "2024-01-01", 0, -1 },
		{ "2024-1-01T00:00:00", 0, -1 },
		{ "2024-00-01T00:00:00", 0, -1 },
		{ "2024-13-01T00:00:00", 0, -1 },
		{ "2024-01-00T00:00:00", 0, -1 },
		{ "2024-04-31T00:00:00", 0, -1 },
		{ "2023-02-29T00:00:00", 0, -1 },
		{ "1900-02-29T00:00:00", 0, -1 },
		{ "2000-02-29T00:00:00", 951782400, SS_TIME_T },
		{ "2024-01-01T24:00:00", 0, -1 },
		{ "2024-01-01T00:60:00", 0, -1 },
		{ "2024-01-01T00:00:60", 0, -1 },
		{ "2024-01-01T0a:00:00", 0, -1 },
		{ "-024-01-01T00:00:00", 0, -1 },
		{ "", 0, -1 }, { "NA", 0, -1 }, { "1e20", 0, -1 },
		{ "-1e12", 0, -1 }, { "253402300800", 0, -1 },
		{ "253402300799.5", 253402300799.5, SS_TIME_SECONDS },
	};
	size_t i;
	double x;
	int form, rc;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		x = -7;
		form = -7;
		rc = ss_reduce_time((const uint8_t *)t[i].s, strlen(t[i].s),
		    &x, &form);
		if (t[i].form == -1)
			ck_assert_msg(rc == -1, "'%s' accepted as %.17g",
			    t[i].s, x);
		else
			ck_assert_msg(rc == 0 && x == t[i].want &&
			    form == t[i].form, "'%s': rc %d, %.17g, form %d",
			    t[i].s, rc, x, form);
	}
}
END_TEST

START_TEST(test_time_format)
{
	static const struct {
		int64_t secs;
		int form;
		const char * want;
	} t[] = {
		{ 0, SS_TIME_SECONDS, "0" },
		{ -300, SS_TIME_SECONDS, "-300" },
		{ 1704096000, SS_TIME_TZ, "2024-01-01T08:00:00Z" },
		{ 1704096000, SS_TIME_T, "2024-01-01T08:00:00" },
		{ 1704096000, SS_TIME_SPACE, "2024-01-01 08:00:00" },
		{ -1, SS_TIME_TZ, "1969-12-31T23:59:59Z" },
		{ -86400, SS_TIME_TZ, "1969-12-31T00:00:00Z" },
		{ 951782400, SS_TIME_T, "2000-02-29T00:00:00" },
		{ -62167219200LL, SS_TIME_TZ, "0000-01-01T00:00:00Z" },
		{ 253402300799LL, SS_TIME_TZ, "9999-12-31T23:59:59Z" },
	};
	char buf[SS_TIME_BUF];
	size_t i, len;
	double x;
	int form;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		len = ss_reduce_time_format(t[i].secs, t[i].form, buf);
		ck_assert_uint_eq(len, strlen(t[i].want));
		ck_assert_str_eq(buf, t[i].want);
		/* And back. */
		ck_assert_int_eq(ss_reduce_time((const uint8_t *)buf, len, &x,
		    &form), 0);
		ck_assert(x == (double)t[i].secs);
		ck_assert_int_eq(form, t[i].form);
	}
	/* Every day for 800 years round trips. */
	for (x = -62167219200.0; x < 253402300799.0; x += 86400 * 97 + 3607) {
		len = ss_reduce_time_format((int64_t)x, SS_TIME_TZ, buf);
		ck_assert_int_eq(ss_reduce_time((const uint8_t *)buf, len,
		    &x, &form), 0);
	}
}
END_TEST

/* The exact sum of ${v}, in order ${perm}. */
static double
sum_in_order(const double * v, const size_t * perm, size_t n)
{
	struct ss_xsum s;
	double r;
	size_t i;

	ss_xsum_init(&s);
	for (i = 0; i < n; i++)
		ck_assert_int_eq(ss_xsum_add(&s, v[perm[i]]), 0);
	r = ss_xsum_value(&s);
	ss_xsum_free(&s);
	return (r);
}

START_TEST(test_xsum)
{
	static const double hard[] = {
		1e100, 1.0, -1e100, 1e-100, 0.1, 0.2, -0.3, 1e16, 1.0, -1e16,
	};
	double v[2000];
	size_t perm[2000], i, j, t, n = sizeof(v) / sizeof(v[0]);
	struct ss_xsum s, a, b;
	double want, var;
	char buf[SS_XSUM_TEXT_MAX];
	size_t len;

	/* Cancellation: naive sums get these wrong. */
	ss_xsum_init(&s);
	for (i = 0; i < sizeof(hard) / sizeof(hard[0]); i++)
		ck_assert_int_eq(ss_xsum_add(&s, hard[i]), 0);
	/* 1 + 1e-100 + 0.1 + 0.2 - 0.3 + 1, rounded once. */
	ck_assert(ss_xsum_value(&s) == 2.0000000000000000277);
	len = ss_xsum_format(&s, buf);
	ck_assert_uint_lt(len, sizeof(buf));
	ss_xsum_init(&a);
	ck_assert_int_eq(ss_xsum_parse(&a, (uint8_t *)buf, len), 0);
	ck_assert(ss_xsum_value(&a) == ss_xsum_value(&s));
	ss_xsum_free(&a);
	ss_xsum_free(&s);

	/* 0.1 + 0.2: 0.30000000000000004 exactly rounded is not 0.3. */
	ss_xsum_init(&s);
	ck_assert_int_eq(ss_xsum_add(&s, 0.1), 0);
	ck_assert_int_eq(ss_xsum_add(&s, 0.2), 0);
	ck_assert(ss_xsum_value(&s) == 0.30000000000000004);
	len = ss_xsum_format(&s, buf);
	buf[len] = '\0';
	ck_assert_str_eq(buf, "-2.7755575615628914e-17;0.30000000000000004");
	ss_xsum_free(&s);

	/* Any order, any split: the same bits. */
	srand(1);
	for (i = 0; i < n; i++) {
		v[i] = ((double)rand() / RAND_MAX - 0.5) *
		    pow(10, rand() % 40 - 20);
		perm[i] = i;
	}
	want = sum_in_order(v, perm, n);
	for (t = 0; t < 5; t++) {
		for (i = n - 1; i > 0; i--) {
			j = (size_t)rand() % (i + 1);
			len = perm[i];
			perm[i] = perm[j];
			perm[j] = len;
		}
		ck_assert(sum_in_order(v, perm, n) == want);
		/* Two halves, merged through their text. */
		ss_xsum_init(&a);
		ss_xsum_init(&b);
		for (i = 0; i < n; i++)
			ck_assert_int_eq(ss_xsum_add(i % 3 ? &a : &b,
			    v[perm[i]]), 0);
		len = ss_xsum_format(&b, buf);
		ss_xsum_free(&b);
		ck_assert_int_eq(ss_xsum_parse(&a, (uint8_t *)buf, len), 0);
		ck_assert(ss_xsum_value(&a) == want);
		ss_xsum_free(&a);
	}

	/* Variance: exact numerator, however large the mean. */
	ss_xsum_init(&a);
	ss_xsum_init(&b);
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(ss_xsum_add(&a, 1e9 + (double)i), 0);
		ck_assert_int_eq(ss_xsum_add_product(&b, 1e9 + (double)i,
		    1e9 + (double)i), 0);
	}
	ck_assert_int_eq(ss_xsum_var(&a, &b, 3, &var), 0);
	ck_assert(var == 1.0);
	ss_xsum_free(&a);
	ss_xsum_free(&b);

	/* Out of range, and bad text. */
	ss_xsum_init(&s);
	ck_assert_int_eq(ss_xsum_add(&s, 1e308), 0);
	ck_assert_int_eq(ss_xsum_add(&s, 1e308), -1);
	ck_assert_str_eq(ss_err_msg(), "sum out of range");
	ck_assert_int_eq(ss_xsum_add(&s, INFINITY), -1);
	ck_assert_int_eq(ss_xsum_add(&s, NAN), -1);
	ck_assert_int_eq(ss_xsum_add_product(&s, 1e200, 1e200), -1);
	ss_xsum_free(&s);
	ss_xsum_init(&s);
	ck_assert_int_eq(ss_xsum_parse(&s, (const uint8_t *)"", 0), -1);
	ck_assert_int_eq(ss_xsum_parse(&s, (const uint8_t *)"1;", 2), -1);
	ck_assert_int_eq(ss_xsum_parse(&s, (const uint8_t *)";1", 2), -1);
	ck_assert_int_eq(ss_xsum_parse(&s, (const uint8_t *)"1;;2", 4), -1);
	ck_assert_int_eq(ss_xsum_parse(&s, (const uint8_t *)"NaN", 3), -1);
	ck_assert_int_eq(ss_xsum_parse(&s, (const uint8_t *)"1e999", 5), -1);
	ck_assert_str_eq(ss_err_msg(), "not an exact sum");
	ss_xsum_free(&s);
	/* Many parts, each tiny against the last: at most SS_XSUM_PARTS. */
	ss_xsum_init(&s);
	for (i = 0; i < 38; i++)
		ck_assert_int_eq(ss_xsum_add(&s, ldexp(1.0, 1000 -
		    (int)i * 54)), 0);
	ck_assert_uint_ge(s.n, 20);
	ck_assert(ss_xsum_value(&s) == ldexp(1.0, 1000));
	ss_xsum_free(&s);
}
END_TEST

/* ss-reduce's program from "key=value" pairs, then "recipient". */
static int
conf(struct ss_reduce_conf * c, const char * const * kv)
{
	struct ss_program * p;
	const char * eq;
	char key[64];
	int rc;

	ck_assert_ptr_nonnull(p = ss_program_new("reduce"));
	for (; *kv != NULL; kv++) {
		ck_assert_ptr_nonnull(eq = strchr(*kv, '='));
		snprintf(key, sizeof(key), "%.*s", (int)(eq - *kv), *kv);
		ck_assert_int_eq(ss_program_add(p, key, eq + 1,
		    strlen(eq + 1)), 0);
	}
	rc = ss_reduce_conf_parse(c, p);
	ss_program_free(p);
	return (rc);
}

START_TEST(test_conf)
{
	static const char * const ok1[] = { "acc=count,mean,pnn50",
	    "fields=x,y", "groups=g", "sliding=5m,1m", "time=t",
	    "lateness=10s", "partial=1", NULL };
	static const char * const bad[][5] = {
		{ "acc=count", NULL },
		{ "fields=x", NULL },
		{ "acc=count", "fields=x", "bogus=1", NULL },
		{ "acc=count", "fields=x", "count=3", "merge=1" },
		{ "acc=count", "fields=x", "max-groups=1000000001", NULL },
		{ "acc=count", "fields=x", "time=", NULL },
	};
	struct ss_reduce_conf c;
	size_t i;

	ck_assert_int_eq(conf(&c, ok1), 0);
	ck_assert_uint_eq(c.nacc, 3);
	ck_assert_int_eq(c.acc[2], SS_ACC_PNN50);
	ck_assert_int_eq(c.window, SS_WINDOW_TIME);
	ck_assert_int_eq(c.size, 300);
	ck_assert_int_eq(c.step, 60);
	ck_assert_int_eq(c.lateness, 10);
	ck_assert_str_eq(c.lateness_text, "10s");
	ck_assert_uint_eq(c.max_groups, SS_REDUCE_MAX_GROUPS);
	ck_assert_uint_eq(c.ncolumns, 8);
	ck_assert_str_eq(c.columns[0], "window_start");
	ck_assert_str_eq(c.columns[2], "x_count");
	ck_assert_str_eq(c.columns[7], "y_pnn50");
	/* State: n, nnum, sum and five difference columns per field. */
	ck_assert_uint_eq(c.nstate, 2 + 2 * 8);
	ck_assert_str_eq(c.state[4], "x_sum");
	ck_assert_str_eq(c.state[9], "x_dn50");
	ss_reduce_conf_free(&c);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(conf(&c, bad[i]), -1);
		ck_assert_int_eq(ss_err_status(), SS_EXIT_SYS);
		ss_reduce_conf_free(&c);
	}
}
END_TEST

static Suite *
reduce_suite(void)
{
	Suite * s = suite_create("reduce");
	TCase * tc = tcase_create("reduce");

	tcase_add_test(tc, test_duration);
	tcase_add_test(tc, test_time);
	tcase_add_test(tc, test_time_format);
	tcase_add_test(tc, test_xsum);
	tcase_add_test(tc, test_conf);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{

	return (tu_run_sodium(reduce_suite()));
}
