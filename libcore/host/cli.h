#ifndef SS_CLI_H
#define SS_CLI_H

/*
 * Conventions shared by every ss-* binary: program name, messages,
 * usage errors, option values, the options and keys several commands
 * share, and the --stats / --progress report.
 *
 * Messages are one line on stderr, "ss-NAME: message".  Exit status is 0
 * on success, 1 when data is rejected and 2 on usage or system errors.
 */

#include <getopt.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#ifndef SS_VERSION
#define SS_VERSION "unknown"
#endif

/**
 * ss_cli_init(name):
 * Start a binary called ${name}: restore SIGPIPE's default action (a
 * filter whose reader went away just stops), initialise libsodium, and
 * make exit fail (status 2, one message) if stdio output to stdout cannot
 * be written, unless a failure was already reported.
 */
void ss_cli_init(const char *);

/**
 * ss_cli_name(void):
 * The binary's name, as given to ss_cli_init().
 */
const char * ss_cli_name(void);

/**
 * ss_cli_fatal(void):
 * Print the recorded ss_err message and exit with its status.
 */
void ss_cli_fatal(void) __attribute__((noreturn));

/**
 * ss_cli_usage_error(fmt, ...):
 * Print a usage error and a hint to try --help; exit 2.
 */
void ss_cli_usage_error(const char *, ...)
    __attribute__((noreturn, format(printf, 1, 2)));

/**
 * ss_cli_usage_error_at(src, col, fmt, ...):
 * Print a usage error in the argument ${src} (an expression) at byte
 * column ${col} (from 1): the message, then ${src} with a caret under
 * the column; exit 2.
 */
void ss_cli_usage_error_at(const char *, size_t, const char *, ...)
    __attribute__((noreturn, format(printf, 3, 4)));

/**
 * ss_cli_bad_option(argv, optstring):
 * Report the option getopt_long() just refused (call it for '?' or ':',
 * with opterr set to 0 and ${optstring} starting with ':') as a usage
 * error; exit 2.
 */
void ss_cli_bad_option(char * const *, int)
    __attribute__((noreturn));

/**
 * ss_cli_version(void):
 * Print the version line and exit 0.
 */
void ss_cli_version(void) __attribute__((noreturn));

/**
 * ss_cli_once(seen, opt):
 * Mark option ${opt} as given; a second time is a usage error (options
 * that take one value may not be repeated).
 */
void ss_cli_once(int *, const char *);

/**
 * ss_cli_input(argc, argv):
 * Return the one operand left after the options (the input: a path or
 * "-"), or NULL for none; more than one is a usage error.
 */
const char * ss_cli_input(int, char * const *);

/**
 * ss_cli_other_option(argv, ch, usage):
 * The end of a command's option switch, for an option ${ch} it did not
 * take: -h calls ${usage} (which exits), -V ss_cli_version(), anything
 * else ss_cli_bad_option(); exit.
 */
void ss_cli_other_option(char * const *, int, void (*)(void))
    __attribute__((noreturn));

struct ss_identities;
struct ss_recipients;

/* Which keys a command line names (ss_cli_keys_init()). */
#define SS_CLI_RECIPIENTS	1	/* -r PUBKEY, -R FILE */
#define SS_CLI_IDENTITIES	2	/* -i FILE */

/*
 * The keys a command line names: -r keys are added as they come; the
 * files of -R or -i are loaded once the options are read, when it is
 * known whether the data comes from standard input too.
 */
struct ss_cli_keys {
	struct ss_recipients * recipients;	/* SS_CLI_RECIPIENTS, or NULL */
	struct ss_identities * identities;	/* SS_CLI_IDENTITIES, or NULL */
	const char ** files;			/* -R or -i, in order */
	size_t nfiles;
};

/**
 * ss_cli_keys_init(keys, kind, argc):
 * Start collecting the keys of ${kind} (SS_CLI_RECIPIENTS or
 * SS_CLI_IDENTITIES) from a command line of ${argc} arguments; exit on
 * error.
 */
void ss_cli_keys_init(struct ss_cli_keys *, int, int);

/**
 * ss_cli_keys_option(keys, ch, arg):
 * If ${ch} is an option of ${keys}' kind (-r or -R, or -i), take its
 * value ${arg} and return 1 (a bad -r key exits); otherwise return 0.
 */
int ss_cli_keys_option(struct ss_cli_keys *, int, const char *);

/**
 * ss_cli_keys_load(keys, input):
 * Load the files given with -R or -i into ${keys}; exit on error.  A
 * path may be "-" only if the data ${input} (NULL or "-": standard input)
 * does not also come from standard input (a usage error).  No key at all
 * (no identity; no recipient from -r or -R) is a usage error too.
 */
void ss_cli_keys_load(struct ss_cli_keys *, const char *);

/**
 * ss_cli_keys_free(keys):
 * Free what ${keys} holds.
 */
void ss_cli_keys_free(struct ss_cli_keys *);

/* The getopt_long() values of the long options ss_cli_getopt() takes. */
enum {
	SS_CLI_OPT_STATS = 256,	/* --stats */
	SS_CLI_OPT_PROGRESS,	/* --progress */
	SS_CLI_OPT_FORMAT,	/* --format F */
	SS_CLI_OPT_OWN		/* a command's own long options from here */
};

/*
 * The options several commands share, each pointing to where its value
 * goes in the command's own options (NULL: the command does not take it):
 * the keys, -o OUT, -d DELIM, --format F, --stats and --progress.
 */
struct ss_cli_opts {
	struct ss_cli_keys keys;	/* started with ss_cli_keys_init() */
	const char ** output;		/* -o, at most once */
	uint8_t * delim;		/* -d, at most once */
	int * format;			/* --format, at most once */
	int * stats;			/* --stats */
	int * progress;			/* --progress */
	int seen_o, seen_d, seen_format;
};

/**
 * ss_cli_getopt(cl, argc, argv, shortopts, longopts):
 * The next option of the command line, as getopt_long() with opterr 0
 * returns it (${shortopts} starts with ':'), that is not one of ${cl}'s:
 * those it takes on the way, storing their values (a bad value or a
 * repeated option is a usage error); -1 after the last option.
 */
int ss_cli_getopt(struct ss_cli_opts *, int, char * const *, const char *,
    const struct option *);

/**
 * ss_cli_size(arg, opt, min, max):
 * Parse a byte count with an optional K/KiB or M/MiB suffix (powers of
 * 1024);
 * anything outside [${min}, ${max}] is a usage error naming ${opt}.
 */
size_t ss_cli_size(const char *, const char *, size_t, size_t);

/**
 * ss_cli_uint(arg, opt, min, max):
 * Parse a decimal integer in [${min}, ${max}]; otherwise a usage error.
 */
unsigned long ss_cli_uint(const char *, const char *, unsigned long,
    unsigned long);

/**
 * ss_cli_delim(arg, opt):
 * Parse a field delimiter: one byte other than '"', CR or LF, or "tab"
 * or "\t"; otherwise a usage error.
 */
uint8_t ss_cli_delim(const char *, const char *);

/**
 * ss_cli_format(arg, opt):
 * Parse a plaintext format: "csv" (SS_FORMAT_CSV) or "ndjson"
 * (SS_FORMAT_NDJSON, see convert.h); otherwise a usage error.
 */
int ss_cli_format(const char *, const char *);

/* Counters behind --stats and --progress. */
struct ss_stats {
	int report;		/* --stats */
	int progress;		/* --progress, and stderr is a terminal */
	uint64_t records;
	uint64_t csv_bytes;	/* bytes on the plaintext side */
	const char * plain;	/* its format, for the report: "CSV" */
	uint64_t stream_bytes;	/* bytes on the encrypted side */
	struct timespec start;
	struct timespec last;	/* last progress line */
	int shown;		/* a progress line is on screen */
};

/**
 * ss_stats_start(st, report, progress):
 * Start counting; ${progress} is honoured only if stderr is a terminal.
 */
void ss_stats_start(struct ss_stats *, int, int);

/**
 * ss_stats_tick(st):
 * Redraw the progress line if it is due (at most four times a second).
 */
void ss_stats_tick(struct ss_stats *);

/**
 * ss_stats_abort(st):
 * Clear the progress line, if one is shown, before an error is printed.
 */
void ss_stats_abort(struct ss_stats *);

/**
 * ss_stats_finish(st):
 * Clear the progress line and, with --stats, print records, CSV and stream
 * bytes, time, and throughput in records/s and MB/s (of CSV, or of the
 * stream if no CSV was involved).
 */
void ss_stats_finish(struct ss_stats *);

#endif /* !SS_CLI_H */
