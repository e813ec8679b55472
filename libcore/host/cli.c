#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "cli.h"
#include "convert.h"
#include "err.h"
#include "key.h"
#include "keyfile.h"

static const char * progname = "ss";
/* A failure was reported: its message and exit status stand. */
static int reported = 0;

/*
 * At exit, stdio may still hold output (--help, --version, ss-info): a
 * failure to write it (a full disk) is an error, not a silent success.
 */
static void
check_stdout(void)
{

	if (reported)
		return;
	if (fflush(stdout) == EOF || ferror(stdout)) {
		fprintf(stderr, "%s: stdout: %s\n", progname,
		    errno != 0 ? strerror(errno) : "write error");
		_exit(SS_EXIT_SYS);
	}
}

void
ss_cli_init(const char * name)
{

	progname = name;
	errno = 0;
	atexit(check_stdout);
	signal(SIGPIPE, SIG_DFL);
	if (sodium_init() < 0) {
		fprintf(stderr, "%s: cannot initialise libsodium\n", name);
		exit(SS_EXIT_SYS);
	}
}

const char *
ss_cli_name(void)
{

	return (progname);
}

void
ss_cli_fatal(void)
{

	reported = 1;
	fprintf(stderr, "%s: %s\n", progname, ss_err_msg());
	exit(ss_err_status());
}

void
ss_cli_usage_error(const char * fmt, ...)
{
	va_list ap;

	reported = 1;
	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help' for more information.\n",
	    progname);
	exit(SS_EXIT_SYS);
}

void
ss_cli_usage_error_at(const char * src, size_t col, const char * fmt, ...)
{
	va_list ap;
	size_t len = strlen(src), from = 0, to, i;
	int c;

	reported = 1;
	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	/* At most 72 bytes of the source, around the column. */
	if (col == 0)
		col = 1;
	if (col > len + 1)
		col = len + 1;
	if (col > 48)
		from = col - 48;
	to = (len - from > 72) ? from + 72 : len;
	fputs("  ", stderr);
	for (i = from; i < to; i++) {
		c = (unsigned char)src[i];
		fputc((c < 0x20 || c == 0x7f) ? ' ' : c, stderr);
	}
	fputs("\n  ", stderr);
	for (i = from; i + 1 < col; i++)
		fputc(' ', stderr);
	fputs("^\n", stderr);
	exit(SS_EXIT_SYS);
}

void
ss_cli_bad_option(char * const * argv, int ch)
{
	const char * arg = argv[optind - 1];

	if (ch == ':') {
		if (arg[0] == '-' && arg[1] == '-')
			ss_cli_usage_error("option '%s' needs a value", arg);
		ss_cli_usage_error("option -%c needs a value", optopt);
	}
	/* A long-only option (value >= 256) given "=VALUE" it does not take. */
	if (optopt > 0xff)
		ss_cli_usage_error("option '%.*s' takes no value",
		    (int)strcspn(arg, "="), arg);
	if (optopt != 0)
		ss_cli_usage_error("unknown option -%c", optopt);
	ss_cli_usage_error("unknown option '%s'", arg);
}

void
ss_cli_version(void)
{

	printf("%s (securestreams) %s\n", progname, SS_VERSION);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		reported = 1;
		fprintf(stderr, "%s: stdout: %s\n", progname,
		    strerror(errno));
		exit(SS_EXIT_SYS);
	}
	exit(SS_EXIT_OK);
}

void
ss_cli_other_option(char * const * argv, int ch, void (* usage)(void))
{

	if (ch == 'h')
		usage();
	if (ch == 'V')
		ss_cli_version();
	ss_cli_bad_option(argv, ch);
}

void
ss_cli_once(int * seen, const char * opt)
{

	if (*seen)
		ss_cli_usage_error("option %s given more than once", opt);
	*seen = 1;
}

const char *
ss_cli_input(int argc, char * const * argv)
{

	if (argc > 1)
		ss_cli_usage_error("one input at most");
	return (argc == 1 ? argv[0] : NULL);
}

/* Standard input cannot hold both a key file and the data. */
static void
key_source(const char * opt, const char * path, const char * input)
{

	if (strcmp(path, "-") == 0 && (input == NULL || strcmp(input, "-") == 0))
		ss_cli_usage_error("%s -: standard input cannot hold both the "
		    "keys and the data (give the data as a file)", opt);
}

void
ss_cli_keys_init(struct ss_cli_keys * keys, int kind, int argc)
{

	memset(keys, 0, sizeof(*keys));
	if (kind == SS_CLI_RECIPIENTS &&
	    (keys->recipients = ss_recipients_new()) == NULL)
		ss_cli_fatal();
	if (kind == SS_CLI_IDENTITIES &&
	    (keys->identities = ss_identities_new()) == NULL)
		ss_cli_fatal();
	/* Each file named takes at least one argument. */
	if ((keys->files = calloc((size_t)argc, sizeof(*keys->files))) ==
	    NULL) {
		ss_err_errno("calloc");
		ss_cli_fatal();
	}
}

int
ss_cli_keys_option(struct ss_cli_keys * keys, int ch, const char * arg)
{

	if (ch == 'r' && keys->recipients != NULL) {
		if (ss_recipients_add(keys->recipients, arg)) {
			ss_err_prefix("-r");
			ss_cli_fatal();
		}
	} else if ((ch == 'R' && keys->recipients != NULL) ||
	    (ch == 'i' && keys->identities != NULL))
		keys->files[keys->nfiles++] = arg;
	else
		return (0);
	return (1);
}

void
ss_cli_keys_load(struct ss_cli_keys * keys, const char * input)
{
	const char * opt = (keys->recipients != NULL) ? "-R" : "-i";
	const char * path;
	size_t i;

	for (i = 0; i < keys->nfiles; i++)
		key_source(opt, keys->files[i], input);
	for (i = 0; i < keys->nfiles; i++) {
		path = keys->files[i];
		if ((keys->recipients != NULL) ?
		    ss_recipients_add_file(keys->recipients, path) :
		    ss_identities_load(keys->identities, path))
			ss_cli_fatal();
	}
	if (keys->recipients != NULL && keys->recipients->n == 0)
		ss_cli_usage_error("no recipient: give -r PUBKEY or -R FILE");
	if (keys->identities != NULL && keys->identities->n == 0)
		ss_cli_usage_error("no identity: give -i FILE");
}

void
ss_cli_keys_free(struct ss_cli_keys * keys)
{

	ss_recipients_free(keys->recipients);
	ss_identities_free(keys->identities);
	free(keys->files);
	memset(keys, 0, sizeof(*keys));
}

/*
 * If ${ch} is one of the options ${cl} takes, store its value ${arg} and
 * return 1; otherwise return 0.
 */
static int
take_option(struct ss_cli_opts * cl, int ch, const char * arg)
{

	if (ss_cli_keys_option(&cl->keys, ch, arg))
		return (1);
	if (ch == 'o' && cl->output != NULL) {
		ss_cli_once(&cl->seen_o, "-o");
		*cl->output = arg;
	} else if (ch == 'd' && cl->delim != NULL) {
		ss_cli_once(&cl->seen_d, "-d");
		*cl->delim = ss_cli_delim(arg, "-d");
	} else if (ch == SS_CLI_OPT_FORMAT && cl->format != NULL) {
		ss_cli_once(&cl->seen_format, "--format");
		*cl->format = ss_cli_format(arg, "--format");
	} else if (ch == SS_CLI_OPT_STATS && cl->stats != NULL)
		*cl->stats = 1;
	else if (ch == SS_CLI_OPT_PROGRESS && cl->progress != NULL)
		*cl->progress = 1;
	else
		return (0);
	return (1);
}

int
ss_cli_getopt(struct ss_cli_opts * cl, int argc, char * const * argv,
    const char * shortopts, const struct option * longopts)
{
	int ch;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, shortopts, longopts, NULL)) !=
	    -1 && take_option(cl, ch, optarg))
		;
	return (ch);
}

size_t
ss_cli_size(const char * arg, const char * opt, size_t min, size_t max)
{
	unsigned long long v;
	char * end;
	int shift = 0;

	errno = 0;
	if (arg[0] < '0' || arg[0] > '9')
		goto bad;
	v = strtoull(arg, &end, 10);
	if (errno != 0)
		goto bad;
	if (*end == 'K' || *end == 'k')
		shift = 10;
	else if (*end == 'M' || *end == 'm')
		shift = 20;
	else if (*end != '\0')
		goto bad;
	if (shift != 0 && end[1] != '\0' &&
	    !(end[1] == 'i' && end[2] == 'B' && end[3] == '\0'))
		goto bad;
	if (v > (max >> shift))
		goto bad;
	v <<= shift;
	if (v < min)
		goto bad;
	return ((size_t)v);
bad:
	ss_cli_usage_error("%s: invalid size '%s' (from %zu to %zu bytes; "
	    "K, KiB, M and MiB suffixes allowed)", opt, arg, min, max);
}

unsigned long
ss_cli_uint(const char * arg, const char * opt, unsigned long min,
    unsigned long max)
{
	unsigned long v;
	char * end;

	errno = 0;
	if (arg[0] < '0' || arg[0] > '9')
		goto bad;
	v = strtoul(arg, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		goto bad;
	return (v);
bad:
	ss_cli_usage_error("%s: invalid number '%s' (from %lu to %lu)", opt,
	    arg, min, max);
}

uint8_t
ss_cli_delim(const char * arg, const char * opt)
{

	if (strcmp(arg, "tab") == 0 || strcmp(arg, "\\t") == 0)
		return ('\t');
	if (strlen(arg) != 1 || arg[0] == '"' || arg[0] == '\r' ||
	    arg[0] == '\n')
		ss_cli_usage_error("%s: the delimiter must be one character "
		    "other than a quote or newline (or 'tab')", opt);
	return ((uint8_t)arg[0]);
}

int
ss_cli_format(const char * arg, const char * opt)
{

	if (strcmp(arg, "csv") == 0)
		return (SS_FORMAT_CSV);
	if (strcmp(arg, "ndjson") == 0)
		return (SS_FORMAT_NDJSON);
	ss_cli_usage_error("%s: the format must be csv or ndjson, not '%s'",
	    opt, arg);
}

static double
elapsed(const struct timespec * a, const struct timespec * b)
{

	return ((double)(b->tv_sec - a->tv_sec) +
	    (double)(b->tv_nsec - a->tv_nsec) / 1e9);
}

void
ss_stats_start(struct ss_stats * st, int report, int progress)
{

	memset(st, 0, sizeof(*st));
	st->report = report;
	st->progress = progress && isatty(STDERR_FILENO);
	clock_gettime(CLOCK_MONOTONIC, &st->start);
	st->last = st->start;
}

void
ss_stats_tick(struct ss_stats * st)
{
	struct timespec now;
	uint64_t bytes;
	double t;

	if (!st->progress)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (elapsed(&st->last, &now) < 0.25)
		return;
	st->last = now;
	t = elapsed(&st->start, &now);
	bytes = (st->csv_bytes > 0) ? st->csv_bytes : st->stream_bytes;
	fprintf(stderr, "\r%s: %llu records, %.1f MB, %.1f MB/s\033[K",
	    progname, (unsigned long long)st->records, (double)bytes / 1e6,
	    t > 0 ? (double)bytes / 1e6 / t : 0.0);
	st->shown = 1;
}

void
ss_stats_abort(struct ss_stats * st)
{

	if (st->shown)
		fprintf(stderr, "\r\033[K");
	st->shown = 0;
}

void
ss_stats_finish(struct ss_stats * st)
{
	struct timespec now;
	uint64_t bytes;
	double t;

	ss_stats_abort(st);
	if (!st->report)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	t = elapsed(&st->start, &now);
	bytes = (st->csv_bytes > 0) ? st->csv_bytes : st->stream_bytes;
	fprintf(stderr, "%s: %llu records, %llu %s bytes, %llu stream "
	    "bytes, %.3f s, %.1f MB/s, %.0f records/s\n", progname,
	    (unsigned long long)st->records,
	    (unsigned long long)st->csv_bytes,
	    (st->plain != NULL) ? st->plain : "CSV",
	    (unsigned long long)st->stream_bytes, t,
	    t > 0 ? (double)bytes / 1e6 / t : 0.0,
	    t > 0 ? (double)st->records / t : 0.0);
}
