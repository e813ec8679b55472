#ifndef SS_SINK_H
#define SS_SINK_H

/*
 * Output destinations named on the command line, as ss-route's -o
 * TEMPLATE expands for each partition:
 *
 *	|COMMAND	run with /bin/sh -c COMMAND (as awk's print | cmd),
 *			the stream on its standard input, its standard
 *			output ours, $SS_PARTITION set to the partition;
 *			its exit status is checked when the run ends
 *	FILE		a regular file, written to a temporary file and
 *			renamed only when the whole run succeeds (io.h); an
 *			existing named pipe or device is written in place,
 *			but never a terminal
 *
 * A command that exits early is an error naming it, never a silent
 * SIGPIPE: callers ignore SIGPIPE (ss_sink_open() does) and writes
 * report EPIPE.
 */

#include <stddef.h>

struct ss_sink;

/**
 * ss_sink_open(dest, k):
 * Open the destination ${dest} for partition ${k}: start its command, or
 * open its file.
 */
struct ss_sink * ss_sink_open(const char *, size_t);

/**
 * ss_sink_write(s, buf, len), ss_sink_flush(s):
 * Write to ${s} (buffered); write out what is buffered.
 */
int ss_sink_write(struct ss_sink *, const void *, size_t);
int ss_sink_flush(struct ss_sink *);

/**
 * ss_sink_close(s):
 * The run succeeded: for a command, flush, close its input and wait for
 * it; it must exit with status 0.  A file is left for ss_sink_commit().
 */
int ss_sink_close(struct ss_sink *);

/**
 * ss_sink_commit(s):
 * Make a file final (rename it into place) and free ${s}.
 */
int ss_sink_commit(struct ss_sink *);

/**
 * ss_sink_abort(s):
 * The run failed: remove the temporary file, or close the command's
 * input (it sees a truncated stream) and wait for it; free ${s}.  NULL
 * is allowed.
 */
void ss_sink_abort(struct ss_sink *);

/**
 * ss_sink_name(s):
 * How messages name ${s}: "|COMMAND" or the path.
 */
const char * ss_sink_name(const struct ss_sink *);

#endif /* !SS_SINK_H */
