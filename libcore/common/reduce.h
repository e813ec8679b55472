#ifndef SS_REDUCE_H
#define SS_REDUCE_H

/*
 * ss-reduce's program and its durations: the registry's parser of the
 * operator (operator.h), which both the command line's checks and the
 * operator (enclave/op_reduce.c) call, so that a program the command line
 * accepts is one the enclave accepts.  The event times only the operator
 * reads are in enclave/reduce_time.h.
 *
 * Program keys (the registry's): "acc" (-a), "fields" (-f), "groups"
 * (-g), "time", "tumbling", "sliding", "count", "lateness", "partial",
 * "merge", "max-groups".
 */

#include <stddef.h>
#include <stdint.h>

struct ss_program;

/* Accumulators, in the order of ss_reduce_acc_names. */
enum {
	SS_ACC_COUNT, SS_ACC_SUM, SS_ACC_MEAN, SS_ACC_MIN, SS_ACC_MAX,
	SS_ACC_VAR, SS_ACC_STDDEV, SS_ACC_FIRST, SS_ACC_LAST,
	SS_ACC_DISTINCT, SS_ACC_RMSSD, SS_ACC_SDSD, SS_ACC_PNN50,
	SS_ACC_N
};
extern const char * const ss_reduce_acc_names[SS_ACC_N];

/* What the state of one field must hold (bits of ss_reduce_conf.need). */
#define SS_NEED_SUM	0x01U	/* the exact sum */
#define SS_NEED_SUMSQ	0x02U	/* ... and of squares */
#define SS_NEED_MIN	0x04U
#define SS_NEED_MAX	0x08U
#define SS_NEED_FIRST	0x10U
#define SS_NEED_LAST	0x20U
#define SS_NEED_SET	0x40U	/* the distinct values */
#define SS_NEED_DIFFS	0x80U	/* successive differences */

/* Window kinds. */
#define SS_WINDOW_NONE	0
#define SS_WINDOW_TIME	1	/* --tumbling, --sliding */
#define SS_WINDOW_COUNT	2	/* --count */

#define SS_REDUCE_MAX_GROUPS	1000000	/* default --max-groups */
/* Longest duration: 100 years. */
#define SS_DURATION_MAX		(100LL * 366 * 86400)

struct ss_reduce_conf {
	int acc[SS_ACC_N];	/* -a, in its order */
	size_t nacc;
	unsigned need;		/* SS_NEED_* */
	char ** fields;		/* -f */
	size_t nfields;
	char ** groups;		/* -g */
	size_t ngroups;
	char * time;		/* --time, or NULL */
	int window;		/* SS_WINDOW_* */
	int64_t size, step;	/* time windows, in seconds */
	uint64_t count;		/* --count */
	int64_t lateness;	/* seconds */
	char * lateness_text;	/* as given, or "0" */
	int partial, merge;
	uint64_t max_groups;
	/* The columns of results, and of partial state (--partial's output,
	   --merge's input; NULL otherwise). */
	char ** columns;
	size_t ncolumns;
	char ** state;
	size_t nstate;
};

/**
 * ss_reduce_conf_parse(c, p):
 * Read ss-reduce's program ${p} into ${c}; every fault is an SS_EXIT_SYS
 * error whose message suits a usage error ("-a: unknown accumulator
 * 'foo' ...").  Free ${c} with ss_reduce_conf_free() either way.
 */
int ss_reduce_conf_parse(struct ss_reduce_conf *, const struct ss_program *);

/**
 * ss_reduce_conf_free(c):
 * Free what ss_reduce_conf_parse() stored in ${c}.
 */
void ss_reduce_conf_free(struct ss_reduce_conf *);

/**
 * ss_reduce_duration(s, len, zero_ok, secs):
 * Parse a duration: whole seconds ("300"), or with a unit, "30s", "5m",
 * "1h", "1d"; 0 only if ${zero_ok}.  Stores seconds in ${secs}; returns
 * 0, or -1 (no message) if ${s} is not a duration of at most
 * SS_DURATION_MAX seconds.
 */
int ss_reduce_duration(const char *, size_t, int, int64_t *);

#endif /* !SS_REDUCE_H */
