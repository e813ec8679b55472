#ifndef SS_REDUCE_TIME_H
#define SS_REDUCE_TIME_H

/*
 * ss-reduce's event times, which only the operator (op_reduce.c) reads:
 * the time of each record in a time window, and the start of each window
 * in its results.
 */

#include <stddef.h>
#include <stdint.h>

/* Times: years 0000 to 9999 (and as many seconds either side of 0). */
#define SS_TIME_MIN		(-62167219200.0)
#define SS_TIME_MAX		(253402300800.0)

/* Forms of a time (ss_reduce_time). */
#define SS_TIME_SECONDS	0	/* 1704067200.5 */
#define SS_TIME_T	1	/* 2024-01-01T00:00:00 */
#define SS_TIME_TZ	2	/* 2024-01-01T00:00:00Z */
#define SS_TIME_SPACE	3	/* 2024-01-01 00:00:00 */

/**
 * ss_reduce_time(s, len, t, form):
 * Parse an event time: a number of seconds since 1970-01-01 UTC (may be
 * fractional or negative), or "YYYY-MM-DDTHH:MM:SS[.fff][Z]", or
 * "YYYY-MM-DD HH:MM:SS[.fff]", read as UTC.  Stores the seconds in ${t}
 * and the form in ${form}; returns 0, or -1 (no message) if ${s} is not
 * a time between years 0000 and 9999.
 */
int ss_reduce_time(const uint8_t *, size_t, double *, int *);

/* Room for a formatted time. */
#define SS_TIME_BUF	32

/**
 * ss_reduce_time_format(secs, form, buf):
 * Write the whole second ${secs} in ${form} into ${buf} (SS_TIME_BUF
 * bytes); return the length.
 */
size_t ss_reduce_time_format(int64_t, int, char *);

#endif /* !SS_REDUCE_TIME_H */
