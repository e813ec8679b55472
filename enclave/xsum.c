/*
 * Exact sums: Shewchuk's grow-expansion with zero elimination, and the
 * correctly rounded reading of Python's math.fsum.
 */

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "expr.h"
#include "expr_eval.h"
#include "xsum.h"

void
ss_xsum_init(struct ss_xsum * s)
{

	s->heap = NULL;
	s->n = 0;
	s->cap = 0;
}

static double *
parts(struct ss_xsum * s)
{

	return (s->heap != NULL ? s->heap : s->in);
}

static const double *
cparts(const struct ss_xsum * s)
{

	return (s->heap != NULL ? s->heap : s->in);
}

int
ss_xsum_add(struct ss_xsum * s, double x)
{
	double * p = parts(s), * np;
	double y, t, hi, lo;
	uint32_t i = 0, j, ncap;

	if (!isfinite(x)) {
		ss_err_set(SS_EXIT_DATA, "sum out of range");
		return (-1);
	}
	for (j = 0; j < s->n; j++) {
		y = p[j];
		if (fabs(x) < fabs(y)) {
			t = x;
			x = y;
			y = t;
		}
		hi = x + y;
		if (!isfinite(hi)) {
			ss_err_set(SS_EXIT_DATA, "sum out of range");
			return (-1);
		}
		lo = y - (hi - x);
		if (lo != 0)
			p[i++] = lo;
		x = hi;
	}
	/* i <= n: the total goes in part i. */
	if (i >= (s->heap != NULL ? s->cap : 2)) {
		if (i >= SS_XSUM_PARTS) {
			/* Finite doubles never need this many. */
			ss_err_set(SS_EXIT_DATA, "sum out of range");
			return (-1);
		}
		ncap = (s->heap != NULL) ? s->cap * 2 : 8;
		if (ncap > SS_XSUM_PARTS)
			ncap = SS_XSUM_PARTS;
		if ((np = malloc(ncap * sizeof(*np))) == NULL) {
			ss_err_errno("malloc");
			return (-1);
		}
		memcpy(np, p, i * sizeof(*np));
		free(s->heap);
		s->heap = np;
		s->cap = ncap;
		p = np;
	}
	p[i] = x;
	s->n = i + 1;
	return (0);
}

int
ss_xsum_add_product(struct ss_xsum * s, double a, double b)
{
	double hi = a * b, lo;

	if (!isfinite(hi)) {
		ss_err_set(SS_EXIT_DATA, "sum out of range");
		return (-1);
	}
	lo = fma(a, b, -hi);
	if (ss_xsum_add(s, hi))
		return (-1);
	return (lo != 0 ? ss_xsum_add(s, lo) : 0);
}

int
ss_xsum_add_sum(struct ss_xsum * s, const struct ss_xsum * t)
{
	const double * p = cparts(t);
	uint32_t i;

	for (i = 0; i < t->n; i++)
		if (ss_xsum_add(s, p[i]))
			return (-1);
	return (0);
}

double
ss_xsum_value(const struct ss_xsum * s)
{
	const double * p = cparts(s);
	double hi, lo = 0, x, y, yr;
	uint32_t k;

	if (s->n == 0)
		return (0);
	k = s->n - 1;
	hi = p[k];
	while (k > 0) {
		x = hi;
		y = p[--k];
		hi = x + y;
		yr = hi - x;
		lo = y - yr;
		if (lo != 0)
			break;
	}
	/* Round half to even over the parts below, as fsum does. */
	if (k > 0 && ((lo < 0 && p[k - 1] < 0) || (lo > 0 && p[k - 1] > 0))) {
		y = lo * 2;
		x = hi + y;
		yr = x - hi;
		if (y == yr)
			hi = x;
	}
	return (hi);
}

int
ss_xsum_var(const struct ss_xsum * s1, const struct ss_xsum * s2,
    uint64_t n, double * var)
{
	struct ss_xsum t;
	const double * p1 = cparts(s1), * p2 = cparts(s2);
	double dn = (double)n;
	uint32_t i, j;
	int rc = -1;

	ss_xsum_init(&t);
	/* n * s2 - s1 * s1, exactly. */
	for (i = 0; i < s2->n; i++)
		if (ss_xsum_add_product(&t, dn, p2[i]))
			goto done;
	for (i = 0; i < s1->n; i++)
		for (j = 0; j < s1->n; j++)
			if (ss_xsum_add_product(&t, -p1[i], p1[j]))
				goto done;
	*var = ss_xsum_value(&t) / (dn * (dn - 1));
	/* Only a hostile partial state could make it negative. */
	if (*var < 0)
		*var = 0;
	rc = 0;
done:
	ss_xsum_free(&t);
	return (rc);
}

size_t
ss_xsum_format(const struct ss_xsum * s, char * buf)
{
	const double * p = cparts(s);
	size_t len = 0;
	uint32_t i;

	if (s->n == 0) {
		buf[0] = '0';
		return (1);
	}
	for (i = 0; i < s->n; i++) {
		if (i > 0)
			buf[len++] = ';';
		len += ss_expr_format(p[i], buf + len);
	}
	return (len);
}

int
ss_xsum_parse(struct ss_xsum * s, const uint8_t * text, size_t len)
{
	const uint8_t * end = text + len, * q;
	double x;
	size_t n = 0;

	for (;;) {
		for (q = text; q < end && *q != ';'; q++)
			;
		if (++n > SS_XSUM_PARTS ||
		    !ss_expr_number(text, (size_t)(q - text), &x)) {
			ss_err_set(SS_EXIT_DATA, "not an exact sum");
			return (-1);
		}
		if (ss_xsum_add(s, x))
			return (-1);
		if (q == end)
			return (0);
		text = q + 1;
	}
}

void
ss_xsum_free(struct ss_xsum * s)
{

	free(s->heap);
	ss_xsum_init(s);
}
