/*
 * ss-info: describe a stream; with an identity, also verify it.
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
	enum { OPT_STATS = 256, OPT_PROGRESS };
	static const struct option longopts[] = {
		{ "identity", required_argument, NULL, 'i' },
		{ "stats", no_argument, NULL, OPT_STATS },
		{ "progress", no_argument, NULL, OPT_PROGRESS },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct ss_identities * ids;
	const char ** keyfiles;		/* -i, loaded once options are read */
	struct ss_info_opts opts = { .input = NULL };
	size_t nkeyfiles = 0;
	int ch;

	opterr = 0;
	ss_cli_init("ss-info");
	if ((ids = ss_identities_new()) == NULL)
		ss_cli_fatal();
	if ((keyfiles = calloc((size_t)argc, sizeof(*keyfiles))) == NULL) {
		ss_err_errno("calloc");
		ss_cli_fatal();
	}
	while ((ch = getopt_long(argc, argv, ":i:hV", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'i':
			keyfiles[nkeyfiles++] = optarg;
			break;
		case OPT_STATS:
			opts.stats = 1;
			break;
		case OPT_PROGRESS:
			opts.progress = 1;
			break;
		case 'h':
			usage();
		case 'V':
			ss_cli_version();
		default:
			ss_cli_bad_option(argv, ch);
		}
	}
	opts.input = ss_cli_input(argc - optind, argv + optind);
	/* Without -i, only the framing is read. */
	if (nkeyfiles > 0) {
		ss_cli_load_identities(ids, keyfiles, nkeyfiles, opts.input);
		opts.identities = ids;
	}
	if (ss_convert_info(&opts))
		ss_cli_fatal();
	ss_identities_free(ids);
	free(keyfiles);
	return (SS_EXIT_OK);
}
