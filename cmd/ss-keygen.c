/*
 * ss-keygen: make an X25519 identity, or print the public key of one.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include <sodium.h>

#include "cli.h"
#include "err.h"
#include "io.h"
#include "key.h"
#include "keyfile.h"

static void usage(void) __attribute__((noreturn));

static void
usage(void)
{

	printf(
"usage: ss-keygen [-o FILE]\n"
"       ss-keygen -y [FILE]\n"
"\n"
"Generate a securestreams identity (an X25519 secret key) and write it to\n"
"FILE (mode 0600, never overwriting) or to standard output; the public key\n"
"is printed on standard error.  With -y, print the public key of each\n"
"secret key in the identity FILE (default: standard input) on standard\n"
"output.\n"
"\n"
"  -o, --output FILE   write the new identity to FILE\n"
"  -y, --public        print the public key of an existing identity\n"
"  -h, --help          show this help\n"
"  -V, --version       show the version\n"
"\n"
"Exit status: 0 success, 2 usage, key file or system error.\n");
	exit(SS_EXIT_OK);
}

int
main(int argc, char * argv[])
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "public", no_argument, NULL, 'y' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct ss_identities * ids;
	uint8_t pk[SS_KEY_LEN];
	char pktext[SS_PUBKEY_TEXT_LEN + 1];
	uint8_t * sk;
	const char * output = NULL;
	const char * path;
	int seen_o = 0, public = 0;
	int ch;

	opterr = 0;
	ss_cli_init("ss-keygen");
	while ((ch = getopt_long(argc, argv, ":o:yhV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'o':
			ss_cli_once(&seen_o, "-o");
			output = optarg;
			break;
		case 'y':
			public = 1;
			break;
		default:
			ss_cli_other_option(argv, ch, usage);
		}
	}
	argc -= optind;
	argv += optind;

	if (public) {
		if (argc > 1 || output != NULL)
			ss_cli_usage_error("-y takes one identity file and "
			    "no -o");
		path = (argc == 1) ? argv[0] : "-";
		if ((ids = ss_identities_new()) == NULL ||
		    ss_identities_load(ids, path))
			ss_cli_fatal();
		for (size_t i = 0; i < ids->n; i++) {
			if (ss_key_public_encode(pktext, ids->pk[i]))
				ss_cli_fatal();
			printf("%s\n", pktext);
		}
		ss_identities_free(ids);
		if (ss_stdout_flush())
			ss_cli_fatal();
		return (SS_EXIT_OK);
	}

	if (argc > 0)
		ss_cli_usage_error("unexpected argument '%s'", argv[0]);
	if ((sk = sodium_malloc(SS_KEY_LEN)) == NULL) {
		ss_err_errno("sodium_malloc");
		ss_cli_fatal();
	}
	if (ss_key_generate(pk, sk) || ss_key_public_encode(pktext, pk) ||
	    ss_key_write_identity(output, sk)) {
		sodium_free(sk);
		ss_cli_fatal();
	}
	sodium_free(sk);
	fprintf(stderr, "public key: %s\n", pktext);
	return (SS_EXIT_OK);
}
