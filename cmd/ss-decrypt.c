/*
 * ss-decrypt: encrypted stream in, authenticated CSV or NDJSON out.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "convert.h"
#include "err.h"

static void usage(void) __attribute__((noreturn));

static void
usage(void)
{

	printf(
"usage: ss-decrypt -i IDENTITY... [-o OUT] [-d DELIM] [--crlf]\n"
"                  [--format csv|ndjson] [--stats] [--progress] [FILE|-]\n"
"\n"
"Decrypt a securestreams stream (from FILE or standard input) to CSV with\n"
"a header row, or to NDJSON (one object per record).  Every chunk is\n"
"authenticated before any of it is written;\n"
"a truncated, tampered, reordered or spliced stream is an error.\n"
"\n"
"  -i, --identity FILE    try the secret keys in FILE (may be repeated)\n"
"  -o, --output OUT       write to OUT, renamed into place only on success\n"
"  -d, --delimiter C      output field delimiter (default ','; 'tab')\n"
"      --crlf             end records with CRLF instead of LF\n"
"      --format F         csv (the default) or ndjson: numbers bare, any\n"
"                         other cell a JSON string\n"
"      --stats            print records, bytes and throughput at the end\n"
"      --progress         show progress on a terminal\n"
"  -h, --help             show this help\n"
"  -V, --version          show the version\n"
"\n"
"Exit status: 0 success, 1 stream rejected (tampered, truncated, wrong\n"
"key), 2 usage or system error.\n");
	exit(SS_EXIT_OK);
}

int
main(int argc, char * argv[])
{
	enum { OPT_CRLF = SS_CLI_OPT_OWN };
	static const struct option longopts[] = {
		{ "identity", required_argument, NULL, 'i' },
		{ "output", required_argument, NULL, 'o' },
		{ "delimiter", required_argument, NULL, 'd' },
		{ "crlf", no_argument, NULL, OPT_CRLF },
		{ "stats", no_argument, NULL, SS_CLI_OPT_STATS },
		{ "progress", no_argument, NULL, SS_CLI_OPT_PROGRESS },
		{ "format", required_argument, NULL, SS_CLI_OPT_FORMAT },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct ss_decrypt_opts opts = { .delim = ',' };
	struct ss_cli_opts cl = {
		.output = &opts.output, .delim = &opts.delim,
		.format = &opts.format, .stats = &opts.stats,
		.progress = &opts.progress,
	};
	int ch;

	ss_cli_init("ss-decrypt");
	ss_cli_keys_init(&cl.keys, SS_CLI_IDENTITIES, argc);
	while ((ch = ss_cli_getopt(&cl, argc, argv, ":i:o:d:hV",
	    longopts)) != -1) {
		switch (ch) {
		case OPT_CRLF:
			opts.crlf = 1;
			break;
		default:
			ss_cli_other_option(argv, ch, usage);
		}
	}
	if (opts.format == SS_FORMAT_NDJSON && cl.seen_d)
		ss_cli_usage_error("-d: NDJSON has no delimiter");
	if (opts.format == SS_FORMAT_NDJSON && opts.crlf)
		ss_cli_usage_error("--crlf: NDJSON lines end with LF");
	opts.input = ss_cli_input(argc - optind, argv + optind);
	ss_cli_keys_load(&cl.keys, opts.input);
	opts.identities = cl.keys.identities;

	if (ss_convert_decrypt(&opts))
		ss_cli_fatal();
	ss_cli_keys_free(&cl.keys);
	return (SS_EXIT_OK);
}
