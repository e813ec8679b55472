/*
 * ss-merge: an enclave stage that joins several streams with the same
 * columns into one.
 */
#include "ecall.h"
#include "stage.h"

int
main(int argc, char * argv[])
{

	return (ss_stage_main("merge", argc, argv,
"usage: ss-merge [--sorted-by FIELD] (-r PUBKEY | -R FILE)...\n"
"                (--sealed FILE | -i IDENTITY) [-o FILE] [--tee process|none]\n"
"                [--chunk-size N] STREAM...\n"
"\n"
"Read encrypted streams with the same columns (- is standard input) and,\n"
"inside an enclave, join their records into one stream encrypted to the\n"
"output recipients.  Each input keeps its order; inputs are interleaved\n"
"as they become readable.\n"
"\n"
"      --sorted-by FIELD  merge inputs that are each sorted on FIELD into\n"
"                         one sorted stream (numbers as numbers, else\n"
"                         bytewise)\n",
	    "--sorted-by, the number of STREAMs",
	    &ss_enclave_entry));
}
