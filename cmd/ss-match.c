/*
 * ss-match: an enclave filter that keeps the records meeting a condition.
 */
#include "ecall.h"
#include "stage.h"

int
main(int argc, char * argv[])
{

	return (ss_stage_main("match", argc, argv,
"usage: ss-match (EXPR | --subs FILE [--tag FIELD])\n"
"                (-r PUBKEY | -R FILE)... (--sealed FILE | -i IDENTITY)\n"
"                [-o FILE] [--tee process|none] [--chunk-size N] < STREAM\n"
"\n"
"Read an encrypted stream on standard input, keep the records for which\n"
"the condition EXPR holds (see ss-expr(7)), or that match a subscription\n"
"of FILE, inside an enclave, and write them as a new stream encrypted to\n"
"the output recipients.  The host never sees a key or a byte of plaintext.\n"
"\n"
"  EXPR                   the condition: 'ArrDelay > 0 && Origin == \"SFO\"'\n"
"  --subs FILE            subscriptions: lines 'ID CONDITION', or\n"
"                         PubSub-SGX JSON (see ss-match(1))\n"
"  --tag FIELD            add column FIELD: the IDs of the subscriptions\n"
"                         a record matched, joined with ';'\n",
	    "EXPR or --subs FILE (its content), --tag",
	    &ss_enclave_entry));
}
