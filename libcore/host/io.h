#ifndef SS_IO_H
#define SS_IO_H

/*
 * Input and output for filters.
 *
 * Inputs are files or standard input, read with read(2); a reader may wait
 * with a timeout, so that a slow live source can be flushed downstream.
 *
 * Outputs are standard output or a file.  A file is written to a temporary
 * file in the same directory and renamed over the target only by
 * ss_output_commit(); a failed run, or one killed by SIGINT, SIGTERM or
 * SIGHUP, leaves no partial file behind.  An existing target that is not a
 * regular file (/dev/null, a FIFO) is written in place.
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <stddef.h>
#include <stdint.h>

struct ss_input {
	int fd;
	const char * name;	/* for messages: the path, or "stdin" */
	int is_regular;		/* never blocks: no need to poll */
	int owned;		/* close on ss_input_close */
};

/**
 * ss_input_open(path):
 * Open ${path} for reading; NULL or "-" means standard input.
 */
struct ss_input * ss_input_open(const char *);

/* Returned by ss_input_read() when the timeout expires. */
#define SS_INPUT_TIMEOUT (-2)

/**
 * ss_input_read(in, buf, len, timeout_ms):
 * Read up to ${len} bytes.  Return the number read, 0 at end of input,
 * -1 on error, or SS_INPUT_TIMEOUT if ${timeout_ms} >= 0 and no data
 * arrived within that many milliseconds.
 */
ssize_t ss_input_read(struct ss_input *, void *, size_t, int);

/**
 * ss_input_idle(in, ms):
 * Return 1 if ${in} is a live input (not a regular file) with nothing to
 * read (not even its end) within ${ms} milliseconds, else 0.
 */
int ss_input_idle(const struct ss_input *, int);

/**
 * ss_input_read_full(in, buf, len, got):
 * Read exactly ${len} bytes unless end of input comes first; store the
 * number read in ${got}.
 */
int ss_input_read_full(struct ss_input *, void *, size_t, size_t *);

/**
 * ss_input_close(in):
 * Close and free ${in}.  NULL is allowed.
 */
void ss_input_close(struct ss_input *);

/* Flags for ss_output_open(). */
#define SS_OUTPUT_BINARY 1	/* refuse a terminal unless path is "-" */

struct ss_output;

/**
 * ss_output_open(path, flags):
 * Open an output: standard output if ${path} is NULL or "-", otherwise a
 * temporary file beside ${path}.  With SS_OUTPUT_BINARY and a NULL path,
 * a terminal on standard output is refused.
 */
struct ss_output * ss_output_open(const char *, int);

/**
 * ss_output_write(o, buf, len):
 * Append ${len} bytes from ${buf} to the output's buffer, writing it out
 * as it fills.
 */
int ss_output_write(struct ss_output *, const void *, size_t);

/**
 * ss_output_flush(o):
 * Write out everything buffered.
 */
int ss_output_flush(struct ss_output *);

/**
 * ss_output_commit(o):
 * Flush and close the output; for a file, rename the temporary file to its
 * final name.  Frees ${o} whatever happens; on failure nothing is left at
 * the target path.
 */
int ss_output_commit(struct ss_output *);

/**
 * ss_output_abort(o):
 * Discard the output: remove the temporary file, if any, and free ${o}.
 * NULL is allowed.
 */
void ss_output_abort(struct ss_output *);

/**
 * ss_output_name(o):
 * The name to use in messages: the path, or "stdout".
 */
const char * ss_output_name(const struct ss_output *);

/**
 * ss_stdout_flush(void):
 * Write out what stdio holds for standard output; a failure (a full
 * disk, a closed pipe) is an ss_err that names stdout.
 */
int ss_stdout_flush(void);

/**
 * ss_read_small_file(path, buf, max, len, sb):
 * Read the whole file ${path} ("-": standard input) (at most ${max} - 1
 * bytes) into ${buf},
 * NUL-terminate it, store its length in ${len} and, if ${sb} is not NULL,
 * its fstat(2) in ${sb}.
 */
int ss_read_small_file(const char *, uint8_t *, size_t, size_t *,
    struct stat *);

/**
 * ss_read_file(path, max, buf, len):
 * Read the whole regular file ${path} (at most ${max} bytes) into a new
 * NUL-terminated buffer ${buf} (free() it) of ${len} bytes.
 */
int ss_read_file(const char *, size_t, uint8_t **, size_t *);

#endif /* !SS_IO_H */
