/*
 * ss-map: an enclave filter that computes fields and selects, reorders
 * and renames columns.
 */
#include "ecall.h"
#include "stage.h"

int
main(int argc, char * argv[])
{

	return (ss_stage_main("map", argc, argv,
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
"                         default: every column, computed ones last\n",
	    "-f, expressions",
	    &ss_enclave_entry));
}
