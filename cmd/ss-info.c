/*
 * ss-info: describe a stream; with an identity, also verify it.
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
"usage: ss-info [-i IDENTITY...] [--stats] [--progress] [FILE|-]\n"
"\n"
"Describe a securestreams stream: format version, cipher, recipients,\n"
"chunks and bytes.  No key is needed for that.  With -i, every chunk is\n"
"also authenticated, and the columns and records are counted.\n"
"\n"
"  -i, --identity FILE    try the secret keys in FILE (may be repeated)\n"
"      --stats            print records, bytes and throughput at the end\n"
"      --progress         show progress on a terminal\n"
"  -h, --help             show this help\n"
"  -V, --version          show the version\n"
"\n"
"Exit status: 0 success, 1 stream malformed or failing verification,\n"
"2 usage or system error.\n");
	exit(SS_EXIT_OK);
}

int
main(int argc, char * argv[])
{
	static const struct option longopts[] = {
		{ "identity", required_argument, NULL, 'i' },
		{ "stats", no_argument, NULL, SS_CLI_OPT_STATS },
		{ "progress", no_argument, NULL, SS_CLI_OPT_PROGRESS },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct ss_info_opts opts = { .input = NULL };
	struct ss_cli_opts cl = {
		.stats = &opts.stats, .progress = &opts.progress,
	};
	int ch;

	ss_cli_init("ss-info");
	ss_cli_keys_init(&cl.keys, SS_CLI_IDENTITIES, argc);
	while ((ch = ss_cli_getopt(&cl, argc, argv, ":i:hV", longopts)) != -1)
		ss_cli_other_option(argv, ch, usage);
	opts.input = ss_cli_input(argc - optind, argv + optind);
	/* Without -i, only the framing is read. */
	if (cl.keys.nfiles > 0) {
		ss_cli_keys_load(&cl.keys, opts.input);
		opts.identities = cl.keys.identities;
	}
	if (ss_convert_info(&opts))
		ss_cli_fatal();
	ss_cli_keys_free(&cl.keys);
	return (SS_EXIT_OK);
}
