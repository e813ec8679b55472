/*
 * ss-match: an enclave filter that keeps the records meeting a condition.
 */
#include "stage.h"

int
main(int argc, char * argv[])
{

	return (ss_stage_main("match", argc, argv,
"usage: ss-match EXPR (-r PUBKEY | -R FILE)... (--sealed FILE | -i IDENTITY)\n"
"                [-o FILE] [--tee process|none] [--chunk-size N] < STREAM\n"
"\n"
"Read an encrypted stream on standard input, keep the records for which\n"
"the condition EXPR holds (see ss-expr(7)) inside an enclave, and write\n"
"them as a new stream encrypted to the output recipients.  The host never\n"
"sees a key or a byte of plaintext.\n"
"\n"
"  EXPR                   the condition: 'ArrDelay > 0 && Origin == \"SFO\"'\n",
	    "EXPR"));
}
