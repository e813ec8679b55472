/*
 * ss-encrypt: CSV or NDJSON in, encrypted stream of framed records out.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "batch.h"
#include "cli.h"
#include "convert.h"
#include "err.h"
#include "ndjson.h"

static void usage(void) __attribute__((noreturn));

static void
usage(void)
{

	printf(
"usage: ss-encrypt {-r PUBKEY | -R FILE}... [-o OUT] [-d DELIM]\n"
"                  [--no-header] [--chunk-size N] [--flush-ms MS]\n"
"                  [--stats] [--progress] [FILE|-]\n"
"       ss-encrypt {-r PUBKEY | -R FILE}... --format ndjson\n"
"                  [--columns LIST] [--flatten] [-o OUT] ... [FILE|-]\n"
"\n"
"Encrypt RFC 4180 CSV, or NDJSON (one flat JSON object per line), from\n"
"FILE or standard input, into a securestreams stream for one or more\n"
"recipients.\n"
"\n"
"  -r, --recipient KEY    encrypt to this public key (sspub1-...)\n"
"  -R, --recipients-file FILE  encrypt to every public key in FILE\n"
"  -o, --output OUT       write to OUT (atomically) instead of stdout;\n"
"                         '-o -' writes to stdout even if a terminal\n"
"  -d, --delimiter C      field delimiter (default ','; 'tab' for TAB)\n"
"      --no-header        the first row is data; columns are c1..cN\n"
"      --format F         csv (the default) or ndjson\n"
"      --columns LIST     ndjson: the columns (a,b,name=key); default:\n"
"                         the keys of the first object\n"
"      --flatten          ndjson: nested values become columns pos.lat, a.1\n"
"      --chunk-size N     target plaintext bytes per chunk (default 64K)\n"
"      --flush-ms MS      seal a partial chunk when input pauses this\n"
"                         long (default 100; 0 never)\n"
"      --stats            print records, bytes and throughput at the end\n"
"      --progress         show progress on a terminal\n"
"  -h, --help             show this help\n"
"  -V, --version          show the version\n"
"\n"
"Exit status: 0 success, 1 malformed CSV or NDJSON, 2 usage or system\n"
"error.\n");
	exit(SS_EXIT_OK);
}

int
main(int argc, char * argv[])
{
	enum { OPT_NOHEADER = SS_CLI_OPT_OWN, OPT_CHUNK, OPT_FLUSH,
	    OPT_COLUMNS, OPT_FLATTEN };
	static const struct option longopts[] = {
		{ "recipient", required_argument, NULL, 'r' },
		{ "recipients-file", required_argument, NULL, 'R' },
		{ "output", required_argument, NULL, 'o' },
		{ "delimiter", required_argument, NULL, 'd' },
		{ "no-header", no_argument, NULL, OPT_NOHEADER },
		{ "chunk-size", required_argument, NULL, OPT_CHUNK },
		{ "flush-ms", required_argument, NULL, OPT_FLUSH },
		{ "stats", no_argument, NULL, SS_CLI_OPT_STATS },
		{ "progress", no_argument, NULL, SS_CLI_OPT_PROGRESS },
		{ "format", required_argument, NULL, SS_CLI_OPT_FORMAT },
		{ "columns", required_argument, NULL, OPT_COLUMNS },
		{ "flatten", no_argument, NULL, OPT_FLATTEN },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct ss_encrypt_opts opts = {
		.delim = ',', .header = 1, .chunk_size = SS_CHUNK_TARGET,
		.flush_ms = 100,
	};
	struct ss_cli_opts cl = {
		.output = &opts.output, .delim = &opts.delim,
		.format = &opts.format, .stats = &opts.stats,
		.progress = &opts.progress,
	};
	struct ss_ndjson_reader * nr;
	int seen_chunk = 0, seen_flush = 0, seen_columns = 0;
	int ch;

	ss_cli_init("ss-encrypt");
	ss_cli_keys_init(&cl.keys, SS_CLI_RECIPIENTS, argc);
	while ((ch = ss_cli_getopt(&cl, argc, argv, ":r:R:o:d:hV",
	    longopts)) != -1) {
		switch (ch) {
		case OPT_NOHEADER:
			opts.header = 0;
			break;
		case OPT_CHUNK:
			ss_cli_once(&seen_chunk, "--chunk-size");
			opts.chunk_size = ss_cli_size(optarg, "--chunk-size",
			    1024, SS_RECORD_MAX);
			break;
		case OPT_FLUSH:
			ss_cli_once(&seen_flush, "--flush-ms");
			opts.flush_ms = (int)ss_cli_uint(optarg, "--flush-ms",
			    0, 3600000);
			break;
		case OPT_COLUMNS:
			ss_cli_once(&seen_columns, "--columns");
			/* The importer's own check, before any output. */
			if ((nr = ss_ndjson_reader_new(optarg, 0, NULL,
			    NULL)) == NULL) {
				ss_err_prefix("--columns");
				ss_cli_usage_error("%s", ss_err_msg());
			}
			ss_ndjson_reader_free(nr);
			opts.columns = optarg;
			break;
		case OPT_FLATTEN:
			opts.flatten = 1;
			break;
		default:
			ss_cli_other_option(argv, ch, usage);
		}
	}
	if (opts.format == SS_FORMAT_NDJSON) {
		if (cl.seen_d)
			ss_cli_usage_error("-d: NDJSON has no delimiter");
		if (!opts.header)
			ss_cli_usage_error("--no-header: NDJSON has no header "
			    "(the columns are keys; see --columns)");
	} else {
		if (opts.columns != NULL)
			ss_cli_usage_error("--columns needs --format ndjson");
		if (opts.flatten)
			ss_cli_usage_error("--flatten needs --format ndjson");
	}
	opts.input = ss_cli_input(argc - optind, argv + optind);
	ss_cli_keys_load(&cl.keys, opts.input);
	opts.recipients = cl.keys.recipients;

	if (ss_convert_encrypt(&opts))
		ss_cli_fatal();
	ss_cli_keys_free(&cl.keys);
	return (SS_EXIT_OK);
}
