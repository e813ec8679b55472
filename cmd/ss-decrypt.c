/*
 * ss-decrypt: encrypted stream in, authenticated CSV or NDJSON out.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "convert.h"
#include "err.h"
#include "key.h"

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
	enum { OPT_CRLF = 256, OPT_STATS, OPT_PROGRESS, OPT_FORMAT };
	static const struct option longopts[] = {
		{ "identity", required_argument, NULL, 'i' },
		{ "output", required_argument, NULL, 'o' },
		{ "delimiter", required_argument, NULL, 'd' },
		{ "crlf", no_argument, NULL, OPT_CRLF },
		{ "stats", no_argument, NULL, OPT_STATS },
		{ "progress", no_argument, NULL, OPT_PROGRESS },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct ss_decrypt_opts opts = { .delim = ',' };
	struct ss_identities * ids;
	const char ** keyfiles;		/* -i, loaded once options are read */
	size_t nkeyfiles = 0;
	int seen_o = 0, seen_d = 0, seen_format = 0;
	int ch;

	opterr = 0;
	ss_cli_init("ss-decrypt");
	if ((ids = ss_identities_new()) == NULL)
		ss_cli_fatal();
	if ((keyfiles = calloc((size_t)argc, sizeof(*keyfiles))) == NULL) {
		ss_err_errno("calloc");
		ss_cli_fatal();
	}
	while ((ch = getopt_long(argc, argv, ":i:o:d:hV", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'i':
			keyfiles[nkeyfiles++] = optarg;
			break;
		case 'o':
			ss_cli_once(&seen_o, "-o");
			opts.output = optarg;
			break;
		case 'd':
			ss_cli_once(&seen_d, "-d");
			opts.delim = ss_cli_delim(optarg, "-d");
			break;
		case OPT_CRLF:
			opts.crlf = 1;
			break;
		case OPT_STATS:
			opts.stats = 1;
			break;
		case OPT_PROGRESS:
			opts.progress = 1;
			break;
		case OPT_FORMAT:
			ss_cli_once(&seen_format, "--format");
			opts.format = ss_cli_format(optarg, "--format");
			break;
		case 'h':
			usage();
		case 'V':
			ss_cli_version();
		default:
			ss_cli_bad_option(argv, ch);
		}
	}
	if (opts.format == SS_FORMAT_NDJSON && seen_d)
		ss_cli_usage_error("-d: NDJSON has no delimiter");
	if (opts.format == SS_FORMAT_NDJSON && opts.crlf)
		ss_cli_usage_error("--crlf: NDJSON lines end with LF");
	opts.input = ss_cli_input(argc - optind, argv + optind);
	ss_cli_load_identities(ids, keyfiles, nkeyfiles, opts.input);
	opts.identities = ids;

	if (ss_convert_decrypt(&opts))
		ss_cli_fatal();
	ss_identities_free(ids);
	free(keyfiles);
	return (SS_EXIT_OK);
}
