#ifndef SS_ERR_H
#define SS_ERR_H

/*
 * Error reporting for libcore.
 *
 * A function that fails records one message with ss_err_set() where the
 * failure is first detected, and returns -1 (or NULL).  Callers that know
 * more (a file name, a line number) prepend it with ss_err_prefix(); main()
 * prints the result as one line, "ss-NAME: message", and exits with the
 * recorded status.  The slot is process-wide, like errno: it is the only
 * mutable global libcore keeps (one per thread: the stage host reads its
 * input in a second thread), and it is never read after being printed.
 */

#include <stdarg.h>

/* Exit statuses shared by every ss-* binary. */
#define SS_EXIT_OK	0	/* success */
#define SS_EXIT_DATA	1	/* data rejected: integrity, wrong key, bad input */
#define SS_EXIT_SYS	2	/* usage or system error */

/**
 * ss_err_set(status, fmt, ...):
 * Record an error message with exit status ${status} (SS_EXIT_DATA or
 * SS_EXIT_SYS), replacing any earlier one.
 */
void ss_err_set(int, const char *, ...)
    __attribute__((format(printf, 2, 3)));

/**
 * ss_err_errno(fmt, ...):
 * Record a system error: the formatted text, ": ", and strerror(errno);
 * status SS_EXIT_SYS.
 */
void ss_err_errno(const char *, ...)
    __attribute__((format(printf, 1, 2)));

/**
 * ss_err_prefix(fmt, ...):
 * Prepend the formatted text and ": " to the recorded message.
 */
void ss_err_prefix(const char *, ...)
    __attribute__((format(printf, 1, 2)));

/**
 * ss_err_msg(void):
 * Return the recorded message ("unknown error" if none).
 */
const char * ss_err_msg(void);

/**
 * ss_err_status(void):
 * Return the recorded exit status (SS_EXIT_SYS if none was recorded).
 */
int ss_err_status(void);

/**
 * ss_err_clear(void):
 * Forget the recorded error.
 */
void ss_err_clear(void);

#endif /* !SS_ERR_H */
