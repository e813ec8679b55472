/*
 * ss-route: an enclave stage that spreads one stream over several output
 * streams, each encrypted to its own recipients.
 */
#include "ecall.h"
#include "stage.h"

int
main(int argc, char * argv[])
{

	return (ss_stage_main("route", argc, argv,
"usage: ss-route (--hash FIELD | --round-robin | --broadcast) -n N\n"
"                -o TEMPLATE (-r PUBKEY | -R FILE)...\n"
"                (--sealed FILE | -i IDENTITY)\n"
"                [--tee process|none] [--chunk-size N] < STREAM\n"
"       ss-route --subs FILE [--policy FILE [--deny-unlisted]] -o TEMPLATE\n"
"                (--sealed FILE | -i IDENTITY) ... < STREAM\n"
"\n"
"Read an encrypted stream on standard input and, inside an enclave, send\n"
"each record to one or more of N output streams (partitions 0 to N-1),\n"
"each sealed under its own file key to its own recipients.\n"
"\n"
"      --hash FIELD       by the value of FIELD: equal values, one partition\n"
"      --round-robin      record i to partition i mod N\n"
"      --broadcast        every record to every partition\n"
"      --subs FILE        one output per subscriber of FILE (lines: ID GROUP\n"
"                         RECIPIENT CONDITION), with the records it matches\n"
"      --policy FILE      which groups may receive which records (lines: ID\n"
"                         GROUPS CONDITION; GROUPS is * or a,b,...)\n"
"      --deny-unlisted    a record no policy matches reaches no one\n"
"  -n, --partitions N     the number of partitions (1 to 256)\n"
"  -o TEMPLATE            where partition K goes: TEMPLATE with {} replaced\n"
"                         by K (with --subs, the subscriber's ID): a file\n"
"                         (written only if the run succeeds), a named\n"
"                         pipe, or |COMMAND (run by /bin/sh, the\n"
"                         stream on its standard input, $SS_PARTITION set)\n"
"  -R FILE{}              a recipients file per partition ({} is K); -r and\n"
"                         -R without {} apply to every partition\n",
	    "the way records are spread, -n, the --subs and --policy files",
	    &ss_enclave_entry));
}
