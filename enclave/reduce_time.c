/*
 * ss-reduce's event times: reading them from cells and writing window
 * starts (see reduce_time.h).
 */

#include <stdio.h>

#include "expr.h"
#include "reduce_time.h"

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= (m <= 2);
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (era * 146097 + (int64_t)doe - 719468);
}

static void
civil_from_days(int64_t z, int64_t * y, unsigned * m, unsigned * d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

/* ${n} digits at ${s} as a number, or -1. */
static int
digits(const uint8_t * s, size_t n)
{
	int v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return (-1);
		v = v * 10 + (s[i] - '0');
	}
	return (v);
}

int
ss_reduce_time(const uint8_t * s, size_t len, double * t, int * form)
{
	static const unsigned mdays[12] = {
		31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	int y, mo, d, h, mi, sec;
	size_t i, k;
	double frac = 0, scale = 1, fv;

	if (ss_expr_number(s, len, t)) {
		if (!(*t >= SS_TIME_MIN && *t < SS_TIME_MAX))
			return (-1);
		*form = SS_TIME_SECONDS;
		return (0);
	}
	/* YYYY-MM-DD?HH:MM:SS */
	if (len < 19 || s[4] != '-' || s[7] != '-' || s[13] != ':' ||
	    s[16] != ':' || (s[10] != 'T' && s[10] != ' '))
		return (-1);
	if ((y = digits(s, 4)) < 0 || (mo = digits(s + 5, 2)) < 1 ||
	    mo > 12 || (d = digits(s + 8, 2)) < 1 ||
	    (unsigned)d > mdays[mo - 1] ||
	    (mo == 2 && d == 29 && !(y % 4 == 0 &&
	    (y % 100 != 0 || y % 400 == 0))) ||
	    (h = digits(s + 11, 2)) < 0 || h > 23 ||
	    (mi = digits(s + 14, 2)) < 0 || mi > 59 ||
	    (sec = digits(s + 17, 2)) < 0 || sec > 59)
		return (-1);
	i = 19;
	if (i < len && s[i] == '.') {
		/* At most nine digits: an exact integer, divided once. */
		for (i++, k = 0, fv = 0; i < len && s[i] >= '0' &&
		    s[i] <= '9'; i++, k++) {
			if (k == 9)
				return (-1);
			fv = fv * 10 + (s[i] - '0');
			scale *= 10;
		}
		if (k == 0)
			return (-1);
		frac = fv / scale;
	}
	*form = (s[10] == ' ') ? SS_TIME_SPACE : SS_TIME_T;
	if (i < len && s[i] == 'Z' && s[10] == 'T') {
		*form = SS_TIME_TZ;
		i++;
	}
	if (i != len)
		return (-1);
	*t = (double)(days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
	    h * 3600 + mi * 60 + sec) + frac;
	return (0);
}

size_t
ss_reduce_time_format(int64_t secs, int form, char * buf)
{
	int64_t days, y, rem;
	unsigned m, d;

	if (form == SS_TIME_SECONDS)
		return ((size_t)snprintf(buf, SS_TIME_BUF, "%lld",
		    (long long)secs));
	days = secs / 86400;
	rem = secs % 86400;
	if (rem < 0) {
		rem += 86400;
		days--;
	}
	civil_from_days(days, &y, &m, &d);
	return ((size_t)snprintf(buf, SS_TIME_BUF,
	    "%04lld-%02u-%02u%c%02d:%02d:%02d%s", (long long)y, m, d,
	    form == SS_TIME_SPACE ? ' ' : 'T', (int)(rem / 3600),
	    (int)(rem % 3600 / 60), (int)(rem % 60),
	    form == SS_TIME_TZ ? "Z" : ""));
}
