/*
 * ss-attest: platforms (software, or a confidential VM's), measurements,
 * sealed stage identities and their quotes, and the verification of
 * quotes and hardware evidence.
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
"usage: ss-attest platform-init [--tee software|snp|tdx]\n"
"       ss-attest measure [--enclave IMAGE] -- STAGE ARGS...\n"
"       ss-attest new -o STAGE.sealed [--nonce N] [--tee T] -- STAGE ARGS...\n"
"       ss-attest verify [--platform PUBKEY] [--measurement M] [--nonce N]\n"
"                        [--allow-software] [HARDWARE OPTIONS] QUOTE\n"
"       ss-attest verify [HARDWARE OPTIONS] EVIDENCE\n"
"       ss-attest show QUOTE|EVIDENCE\n"
"\n"
"  platform-init   create the platform ($SS_PLATFORM): in a confidential VM\n"
"                  (configfs-tsm), the VM's, and print its launch\n"
"                  measurement; else the software platform, and print its\n"
"                  attestation public key\n"
"  measure         print the measurement of the enclave running STAGE ARGS\n"
"                  (e.g. ss-map -f a,b -r PUBKEY), on any machine\n"
"  new             make a stage identity inside the enclave, write it\n"
"                  sealed to -o, and print its quote\n"
"  verify          check a quote and print the stage's public key; or\n"
"                  check hardware EVIDENCE (an SEV-SNP report, a TDX or\n"
"                  SGX quote) and print its report data\n"
"  show            print a quote's or evidence's fields\n"
"\n"
"Hardware options (verify):\n"
"  --launch-measurement HEX  the VM's (SNP MEASUREMENT, TDX MRTD) or\n"
"                  enclave's (SGX MRENCLAVE) that must be; a confidential\n"
"                  VM's quote needs it\n"
"  --rtmr N:HEX    TDX RTMR N (0 to 3) must hold HEX\n"
"  --mrsigner HEX  SGX: the enclave's signer must be HEX\n"
"  --certs FILE    certificates (SNP VCEK/VLEK and chain) or collateral\n"
"                  (TDX/SGX TCB Info, QE Identity, CRLs); repeatable\n"
"  --root FILE     trust this root only, not the built-in vendor roots\n"
"  --allow-debug   accept a debuggable VM or enclave\n"
"  --min-tcb bootloader=N,tee=N,snp=N,microcode=N[,fmc=N]   SNP\n"
"  --vmpl N        SNP: the report's VMPL at most N\n"
"  --allow-tcb out-of-date,revoked   TDX/SGX TCB statuses to accept\n"
"  --at TIME       check certificates and collateral as of TIME\n"
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

/* The commands, as bits of the options each takes. */
#define C_INIT		1U
#define C_MEASURE	2U
#define C_NEW		4U
#define C_VERIFY	8U
#define C_SHOW		16U

enum { OPT_ENCLAVE = 256, OPT_NONCE, OPT_TEE, OPT_PLATFORM,
    OPT_MEASUREMENT, OPT_ALLOW, OPT_LAUNCH, OPT_RTMR, OPT_CERTS, OPT_ROOT,
    OPT_DEBUG, OPT_MIN_TCB, OPT_VMPL, OPT_ALLOW_TCB, OPT_AT, OPT_MRSIGNER };

static const struct option longopts[] = {
	{ "enclave", required_argument, NULL, OPT_ENCLAVE },
	{ "nonce", required_argument, NULL, OPT_NONCE },
	{ "tee", required_argument, NULL, OPT_TEE },
	{ "output", required_argument, NULL, 'o' },
	{ "platform", required_argument, NULL, OPT_PLATFORM },
	{ "measurement", required_argument, NULL, OPT_MEASUREMENT },
	{ "allow-software", no_argument, NULL, OPT_ALLOW },
	{ "launch-measurement", required_argument, NULL, OPT_LAUNCH },
	{ "rtmr", required_argument, NULL, OPT_RTMR },
	{ "certs", required_argument, NULL, OPT_CERTS },
	{ "root", required_argument, NULL, OPT_ROOT },
	{ "allow-debug", no_argument, NULL, OPT_DEBUG },
	{ "min-tcb", required_argument, NULL, OPT_MIN_TCB },
	{ "vmpl", required_argument, NULL, OPT_VMPL },
	{ "allow-tcb", required_argument, NULL, OPT_ALLOW_TCB },
	{ "at", required_argument, NULL, OPT_AT },
	{ "mrsigner", required_argument, NULL, OPT_MRSIGNER },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

/* The commands that take option ${ch}. */
static unsigned
takes(int ch)
{

	switch (ch) {
	case OPT_ENCLAVE:
		return (C_MEASURE);
	case OPT_NONCE:
		return (C_NEW | C_VERIFY);
	case OPT_TEE:
		return (C_INIT | C_NEW);
	case 'o':
		return (C_NEW);
	case OPT_PLATFORM:
	case OPT_MEASUREMENT:
	case OPT_ALLOW:
	case OPT_LAUNCH:
	case OPT_RTMR:
	case OPT_CERTS:
	case OPT_ROOT:
	case OPT_DEBUG:
	case OPT_MIN_TCB:
	case OPT_VMPL:
	case OPT_ALLOW_TCB:
	case OPT_AT:
	case OPT_MRSIGNER:
		return (C_VERIFY);
	default:
		return (0);
	}
}

/* Option ${ch} as a person typed it: "-o", "--nonce". */
static const char *
opt_name(int ch, char buf[64])
{
	size_t i;

	for (i = 0; longopts[i].name != NULL; i++)
		if (longopts[i].val == ch)
			break;
	if (ch == 'o')
		return ("-o");
	snprintf(buf, 64, "--%s", longopts[i].name);
	return (buf);
}

/* --rtmr N:HEX */
static void
rtmr(struct ss_verify_opts * v, const char * arg)
{

	if (arg[0] < '0' || arg[0] > '3' || arg[1] != ':')
		ss_cli_usage_error("--rtmr: expected N:HEX with N from 0 to 3, "
		    "not '%s'", arg);
	if (v->rtmr[arg[0] - '0'] != NULL)
		ss_cli_usage_error("--rtmr: RTMR%c given twice", arg[0]);
	v->rtmr[arg[0] - '0'] = arg + 2;
}

/* A verify option into ${v}; once-only ones are checked by the caller. */
static void
verify_option(struct ss_verify_opts * v, int ch, const char * arg)
{

	switch (ch) {
	case OPT_PLATFORM:
		v->platform = arg;
		break;
	case OPT_MEASUREMENT:
		v->measurement = arg;
		break;
	case OPT_ALLOW:
		v->allow_software = 1;
		break;
	case OPT_LAUNCH:
		v->launch = arg;
		break;
	case OPT_RTMR:
		rtmr(v, arg);
		break;
	case OPT_CERTS:
		if (v->ncerts == SS_VERIFY_CERTS_MAX)
			ss_cli_usage_error("--certs: at most %d files",
			    SS_VERIFY_CERTS_MAX);
		v->certs[v->ncerts++] = arg;
		break;
	case OPT_ROOT:
		v->root = arg;
		break;
	case OPT_DEBUG:
		v->allow_debug = 1;
		break;
	case OPT_MIN_TCB:
		v->min_tcb = arg;
		break;
	case OPT_VMPL:
		v->vmpl = arg;
		break;
	case OPT_ALLOW_TCB:
		v->allow_tcb = arg;
		break;
	case OPT_AT:
		v->at = arg;
		break;
	case OPT_MRSIGNER:
		v->mrsigner = arg;
		break;
	}
}

/* The command called ${name}, as its bit; unknown is a usage error. */
static unsigned
command(const char * name)
{
	static const char * const names[] = { "platform-init", "measure",
	    "new", "verify", "show" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i]) == 0)
			return (1U << i);
	ss_cli_usage_error("unknown command '%s' (platform-init, measure, "
	    "new, verify or show)", name);
}

int
main(int argc, char * argv[])
{
	struct ss_stage_opts o;
	struct ss_verify_opts v;
	const char * image = NULL, * nonce = NULL, * tee = NULL;
	const char * output = NULL, * name;
	char opt[64];
	int seen[OPT_MRSIGNER + 1] = { 0 };
	unsigned cmd, other = 0;
	int nargs, ch, rc = -1;

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
	name = argv[1];
	cmd = command(name);
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
		if (takes(ch) == 0) {
			ss_cli_other_option(argv, ch, usage);
			continue;
		}
		other |= (takes(ch) & cmd) == 0;
		/* Each once, but --certs and --rtmr. */
		if (ch != OPT_CERTS && ch != OPT_RTMR)
			ss_cli_once(&seen[(ch == 'o') ? 0 : ch - 255],
			    opt_name(ch, opt));
		switch (ch) {
		case OPT_ENCLAVE:
			image = optarg;
			break;
		case OPT_NONCE:
			nonce = optarg;
			break;
		case OPT_TEE:
			tee = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		default:
			verify_option(&v, ch, optarg);
		}
	}
	if (other)
		ss_cli_usage_error("%s: that option does not apply", name);

	switch (cmd) {
	case C_INIT:
		if (optind < argc)
			ss_cli_usage_error("%s: unexpected operand '%s'", name,
			    argv[optind]);
		rc = ss_attest_platform_init(tee);
		break;
	case C_MEASURE:
		if (optind != nargs)
			ss_cli_usage_error("%s: unexpected operand '%s'", name,
			    argv[optind]);
		stage_part(argc, argv, &o);
		rc = ss_attest_measure(&o, image);
		break;
	case C_NEW:
		if (output == NULL || strcmp(output, "-") == 0)
			ss_cli_usage_error("new: give -o STAGE.sealed (the "
			    "quote goes to standard output)");
		if (optind != nargs)
			ss_cli_usage_error("%s: unexpected operand '%s'", name,
			    argv[optind]);
		stage_part(argc, argv, &o);
		o.tee = ss_tee_check(tee);
		o.inprocess = &ss_enclave_entry;
		rc = ss_attest_new(&o, output, nonce);
		break;
	case C_VERIFY:
		if (optind + 1 != argc)
			ss_cli_usage_error("verify: give one QUOTE file");
		v.nonce = nonce;
		v.quote = argv[optind];
		rc = ss_attest_verify(&v);
		break;
	case C_SHOW:
		if (optind + 1 != argc)
			ss_cli_usage_error("show: give one QUOTE file");
		rc = ss_attest_show(argv[optind]);
		break;
	}
	if (rc)
		ss_cli_fatal();
	ss_stage_opts_free(&o);
	return (SS_EXIT_OK);
}
