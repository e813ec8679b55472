/*
 * ss-reduce: an enclave filter that computes group-by aggregates, over
 * the whole stream or over windows.
 */
#include "ecall.h"
#include "stage.h"

int
main(int argc, char * argv[])
{

	return (ss_stage_main("reduce", argc, argv,
"usage: ss-reduce -a ACC[,ACC...] -f FIELD[,FIELD...] [-g FIELD[,FIELD...]]\n"
"                 [(--tumbling DURATION | --sliding SIZE,STEP) --time FIELD\n"
"                  [--lateness DURATION] | --count N] [--partial | --merge]\n"
"                 [--max-groups N] (-r PUBKEY | -R FILE)...\n"
"                 (--sealed FILE | -i IDENTITY) [-o FILE]\n"
"                 [--tee process|none]\n"
"                 [--chunk-size N] < STREAM\n"
"\n"
"Read an encrypted stream on standard input, compute statistics of the\n"
"fields FIELD per group (as Miller's stats1) inside an enclave, and write\n"
"them as a new stream encrypted to the output recipients.  The host never\n"
"sees a key or a byte of plaintext.\n"
"\n"
"  -a, --accumulators LIST  count, sum, mean, min, max, var, stddev, first,\n"
"                         last, distinct_count, rmssd, sdsd, pnn50\n"
"  -f, --fields LIST      the fields to compute them over\n"
"  -g, --group-by LIST    one result per distinct value of these fields\n"
"      --tumbling DURATION  windows of event time (300, 30s, 5m, 1h, 1d)\n"
"      --sliding SIZE,STEP  overlapping windows: SIZE long, every STEP\n"
"      --time FIELD       the field holding each record's time (seconds\n"
"                         since 1970, or YYYY-MM-DDTHH:MM:SS[Z], UTC)\n"
"      --lateness DURATION  how late a record may come (default 0)\n"
"      --count N          a result per group every N of its records\n"
"      --partial          write mergeable state instead of results\n"
"      --merge            read partial state (one stream), write results\n"
"      --max-groups N     stop at more than N open groups (default\n"
"                         1000000)\n",
	    "-a, -f, -g, window options, --partial, --merge, --max-groups",
	    &ss_enclave_entry));
}
