/*
 * ss-attest: the software platform, measurements, sealed stage identities
 * and their quotes.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attest.h"
#include "cli.h"
#include "ecall.h"
#include "err.h"
#include "operator.h"
#include "program.h"
#include "stage.h"
#include "tee.h"

static void usage(void) __attribute__((noreturn));

static void
usage(void)
{

	printf(
"usage: ss-attest platform-init\n"
"       ss-attest measure [--enclave IMAGE] -- STAGE ARGS...\n"
"       ss-attest new -o STAGE.sealed [--nonce N] [--tee T] -- STAGE ARGS...\n"
"       ss-attest verify --platform PUBKEY [--measurement M] [--nonce N]\n"
"                        [--allow-software] QUOTE\n"
"       ss-attest show QUOTE\n"
"\n"
"  platform-init   create the software platform ($SS_PLATFORM) and print\n"
"                  its attestation public key\n"
"  measure         print the measurement of the enclave running STAGE ARGS\n"
"                  (e.g. ss-map -f a,b -r PUBKEY), on any machine\n"
"  new             make a stage identity inside the enclave, write it\n"
"                  sealed to -o, and print its quote\n"
"  verify          check a quote and print the stage's public key\n"
"  show            print a quote's fields\n"
"\n"
"Exit status: 0 success, 1 quote or sealed identity refused, 2 usage or\n"
"system error.\n");
	exit(SS_EXIT_OK);
}

/* Split "... -- STAGE ARGS": parse the stage part into ${o}. */
static int
stage_part(int argc, char ** argv, struct ss_stage_opts * o)
{
	const struct ss_opdef * def;
	int i;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0)
			break;
	if (i + 1 >= argc)
		ss_cli_usage_error("%s: give the stage after '--' "
		    "(e.g. -- ss-map -f a,b -r PUBKEY)", argv[0]);
	if ((def = ss_stage_find(argv[i + 1])) == NULL)
		ss_cli_usage_error("%s: unknown stage '%s' (known: %s)",
		    argv[0], argv[i + 1], ss_opdef_names());
	ss_stage_parse(def, argc - i - 1, argv + i + 1, SS_STAGE_PROGRAM, o,
	    usage);
	return (i);
}

int
main(int argc, char * argv[])
{
	enum { OPT_ENCLAVE = 256, OPT_NONCE, OPT_TEE, OPT_PLATFORM,
	    OPT_MEASUREMENT, OPT_ALLOW };
	static const struct option longopts[] = {
		{ "enclave", required_argument, NULL, OPT_ENCLAVE },
		{ "nonce", required_argument, NULL, OPT_NONCE },
		{ "tee", required_argument, NULL, OPT_TEE },
		{ "output", required_argument, NULL, 'o' },
		{ "platform", required_argument, NULL, OPT_PLATFORM },
		{ "measurement", required_argument, NULL, OPT_MEASUREMENT },
		{ "allow-software", no_argument, NULL, OPT_ALLOW },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct ss_stage_opts o;
	struct ss_verify_opts v;
	const char * cmd, * image = NULL, * nonce = NULL, * tee = NULL;
	const char * output = NULL;
	int seen_e = 0, seen_n = 0, seen_t = 0, seen_o = 0, seen_p = 0,
	    seen_m = 0;
	int nargs, ch, rc;

	ss_cli_init("ss-attest");
	memset(&o, 0, sizeof(o));
	memset(&v, 0, sizeof(v));
	if (argc >= 2 && (strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0))
		usage();
	if (argc >= 2 && (strcmp(argv[1], "-V") == 0 ||
	    strcmp(argv[1], "--version") == 0))
		ss_cli_version();
	if (argc < 2)
		ss_cli_usage_error("no command (platform-init, measure, new, "
		    "verify or show)");
	cmd = argv[1];
	argc--;
	argv++;

	/* The command's own options stop at "--". */
	nargs = argc;
	for (ch = 1; ch < argc; ch++)
		if (strcmp(argv[ch], "--") == 0) {
			nargs = ch;
			break;
		}
	opterr = 0;
	while ((ch = getopt_long(nargs, argv, ":o:hV", longopts, NULL)) != -1) {
		switch (ch) {
		case OPT_ENCLAVE:
			ss_cli_once(&seen_e, "--enclave");
			image = optarg;
			break;
		case OPT_NONCE:
			ss_cli_once(&seen_n, "--nonce");
			nonce = optarg;
			break;
		case OPT_TEE:
			ss_cli_once(&seen_t, "--tee");
			tee = optarg;
			break;
		case 'o':
			ss_cli_once(&seen_o, "-o");
			output = optarg;
			break;
		case OPT_PLATFORM:
			ss_cli_once(&seen_p, "--platform");
			v.platform = optarg;
			break;
		case OPT_MEASUREMENT:
			ss_cli_once(&seen_m, "--measurement");
			v.measurement = optarg;
			break;
		case OPT_ALLOW:
			v.allow_software = 1;
			break;
		default:
			ss_cli_other_option(argv, ch, usage);
		}
	}

#define ONLY(cond, opt) do {						\
	if (!(cond))							\
		ss_cli_usage_error("%s: %s does not apply", cmd, opt);	\
} while (0)
	if (strcmp(cmd, "platform-init") == 0) {
		ONLY(!seen_e && !seen_n && !seen_t && !seen_o && !seen_p &&
		    !seen_m && !v.allow_software, "that option");
		if (optind < argc)
			ss_cli_usage_error("%s: unexpected operand '%s'", cmd,
			    argv[optind]);
		rc = ss_attest_platform_init();
	} else if (strcmp(cmd, "measure") == 0) {
		ONLY(!seen_n && !seen_t && !seen_o && !seen_p && !seen_m &&
		    !v.allow_software, "that option");
		if (optind != nargs)
			ss_cli_usage_error("%s: unexpected operand '%s'", cmd,
			    argv[optind]);
		stage_part(argc, argv, &o);
		rc = ss_attest_measure(&o, image);
	} else if (strcmp(cmd, "new") == 0) {
		ONLY(!seen_e && !seen_p && !seen_m && !v.allow_software,
		    "that option");
		if (output == NULL || strcmp(output, "-") == 0)
			ss_cli_usage_error("new: give -o STAGE.sealed (the "
			    "quote goes to standard output)");
		if (optind != nargs)
			ss_cli_usage_error("%s: unexpected operand '%s'", cmd,
			    argv[optind]);
		stage_part(argc, argv, &o);
		o.tee = ss_tee_check(tee);
		o.inprocess = &ss_enclave_entry;
		rc = ss_attest_new(&o, output, nonce);
	} else if (strcmp(cmd, "verify") == 0) {
		ONLY(!seen_e && !seen_t && !seen_o, "that option");
		if (v.platform == NULL)
			ss_cli_usage_error("verify: give --platform PUBKEY");
		if (optind + 1 != argc)
			ss_cli_usage_error("verify: give one QUOTE file");
		v.nonce = nonce;
		v.quote = argv[optind];
		rc = ss_attest_verify(&v);
	} else if (strcmp(cmd, "show") == 0) {
		ONLY(!seen_e && !seen_n && !seen_t && !seen_o && !seen_p &&
		    !seen_m && !v.allow_software, "that option");
		if (optind + 1 != argc)
			ss_cli_usage_error("show: give one QUOTE file");
		rc = ss_attest_show(argv[optind]);
	} else
		ss_cli_usage_error("unknown command '%s' (platform-init, "
		    "measure, new, verify or show)", cmd);
	if (rc)
		ss_cli_fatal();
	ss_stage_opts_free(&o);
	return (SS_EXIT_OK);
}
