/*
 * ss-map: an enclave filter that computes fields and selects, reorders
 * and renames columns.
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
"usage: ss-map [-f FIELDS] ['NAME = EXPR'...] (-r PUBKEY | -R FILE)...\n"
"              (--sealed FILE | -i IDENTITY) [-o FILE] [--tee process|none]\n"
"              [--chunk-size N] < STREAM\n"
"\n"
"Read an encrypted stream on standard input; inside an enclave, compute\n"
"the fields NAME (new, or replacing a column) from expressions (see\n"
"ss-expr(7)), in order, then keep the columns FIELDS; write the result as\n"
"a new stream encrypted to the output recipients.  The host never sees a\n"
"key or a byte of plaintext.\n"
"\n"
"  'NAME = EXPR'          compute field NAME ('delay_h = ArrDelay / 60')\n"
"  -f, --fields LIST      output columns, in order: NAME, or NEW=OLD to\n"
"                         rename (\"carrier=UniqueCarrier,ArrDelay\");\n"
"                         default: every column, computed ones last\n"
"  -r, --recipient KEY    encrypt the output to public key KEY\n"
"  -R, --recipients-file FILE  ... to every public key in FILE\n"
"      --sealed FILE      the stage key, sealed by ss-attest new for this\n"
"                         program (-f, expressions, -r, -R) on this platform\n"
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

	ss_cli_init("ss-map");
	ss_stage_parse(ss_stage_find("map"), argc, argv, SS_STAGE_RUN, &o,
	    usage);
	if (ss_stage_run(&o))
		ss_cli_fatal();
	ss_program_free(o.program);
	return (SS_EXIT_OK);
}
