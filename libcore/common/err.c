#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "err.h"

/* Long enough for a path, a line number and a message. */
#define ERR_MAX 1024

static _Thread_local char err_msg[ERR_MAX];
static _Thread_local int err_status = 0;

/* Append ${sep} and ${text} to the message, truncating if need be. */
static void
append(const char * sep, const char * text)
{
	size_t len = strlen(err_msg);
	size_t room = sizeof(err_msg) - len;
	size_t n;

	for (n = 0; room > 1 && sep[n] != '\0'; n++, room--)
		err_msg[len++] = sep[n];
	for (n = 0; room > 1 && text[n] != '\0'; n++, room--)
		err_msg[len++] = text[n];
	err_msg[len] = '\0';
}

void
ss_err_set(int status, const char * fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err_msg, sizeof(err_msg), fmt, ap);
	va_end(ap);
	err_status = status;
}

void
ss_err_errno(const char * fmt, ...)
{
	int saved = errno;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(err_msg, sizeof(err_msg), fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < sizeof(err_msg))
		append(": ", strerror(saved));
	err_status = SS_EXIT_SYS;
	errno = saved;
}

void
ss_err_prefix(const char * fmt, ...)
{
	char old[ERR_MAX];
	va_list ap;
	int n;

	memcpy(old, err_msg, sizeof(old));
	va_start(ap, fmt);
	n = vsnprintf(err_msg, sizeof(err_msg), fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < sizeof(err_msg))
		append(": ", old[0] != '\0' ? old : "unknown error");
	if (err_status == 0)
		err_status = SS_EXIT_SYS;
}

const char *
ss_err_msg(void)
{

	return (err_msg[0] != '\0' ? err_msg : "unknown error");
}

int
ss_err_status(void)
{

	return (err_status != 0 ? err_status : SS_EXIT_SYS);
}

void
ss_err_clear(void)
{

	err_msg[0] = '\0';
	err_status = 0;
}
