/*
 * ss-match: an enclave filter that keeps the records meeting a condition.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "err.h"
#include "program.h"
#include "stage.h"

static void usage(void) __attribute__((noreturn));

static void
usage(void)
{

	printf(
"usage: ss-match EXPR (-r PUBKEY | -R FILE)... (--sealed FILE | -i IDENTITY)\n"
"                [-o FILE] [--tee process|none] [--chunk-size N] < STREAM\n"
"\n"
"Read an encrypted stream on standard input, keep the records for which\n"
"the condition EXPR holds (see ss-expr(7)) inside an enclave, and write\n"
"them as a new stream encrypted to the output recipients.  The host never\n"
"sees a key or a byte of plaintext.\n"
"\n"
"  EXPR                   the condition: 'ArrDelay > 0 && Origin == \"SFO\"'\n"
"  -r, --recipient KEY    encrypt the output to public key KEY\n"
"  -R, --recipients-file FILE  ... to every public key in FILE\n"
"      --sealed FILE      the stage key, sealed by ss-attest new for this\n"
"                         program (EXPR, -r, -R) on this platform\n"
"  -i, --identity FILE    the stage key as a plain identity file\n"
"  -o, --output FILE      write to FILE (only if the run succeeds)\n"
"      --tee BACKEND      process (default; $SS_TEE) or none\n"
"      --chunk-size N     target plaintext bytes per output chunk\n"
"  -h, --help             show this help\n"
"  -V, --version          show the version\n"
"\n"
"Exit status: 0 success, 1 stream or key refused (or the enclave died),\n"
"2 usage or system error.\n");
	exit(SS_EXIT_OK);
}

int
main(int argc, char * argv[])
{
	struct ss_stage_opts o;

	ss_cli_init("ss-match");
	ss_stage_parse(ss_stage_find("match"), argc, argv, SS_STAGE_RUN, &o,
	    usage);
	if (ss_stage_run(&o))
		ss_cli_fatal();
	ss_program_free(o.program);
	return (SS_EXIT_OK);
}
