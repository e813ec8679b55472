#ifndef SS_OPERATOR_H
#define SS_OPERATOR_H

/*
 * The operators' registry: for each operator an enclave stage runs, its
 * command line (the options that fill its program, under which program
 * keys), the shape of its stage (operands, input streams, outputs), and
 * the one function that parses and checks its program.
 *
 * Both sides read it.  The host builds each stage's command line from it
 * (libcore/host/stage_opts.c) and parses the program with it before any
 * enclave starts, so that a bad program is a usage error (exit 2); the
 * enclave parses the same program with the same function when it starts
 * (enclave/ops.c binds each entry to its operator's code), trusting
 * nothing the host says.  The parsers' messages spell options as the
 * command line does ("-f", "--subs"), so that both sides say the same.
 */

#include <stddef.h>

#include "program.h"

/* The operators, in the order ss_opdef_names() lists their stages. */
#define SS_OPERATORS(X) X(map) X(match) X(reduce) X(route) X(merge)

enum ss_op_id {
#define SS_OP_ID(name)	SS_OP_##name,
	SS_OPERATORS(SS_OP_ID)
#undef SS_OP_ID
	SS_OP_COUNT
};

/* An operator's own option: its value joins the program under ${key}. */
struct ss_oparg {
	const char * name;	/* long option: "fields" */
	int ch;			/* short option, or 0 */
	const char * key;	/* program key */
	int once;		/* at most once */
	int flag;		/* takes no value (the program gets "1") */
	/*
	 * Not NULL: the option names a program file (and is given at most
	 * once), which the program holds by its digest and whose content
	 * reaches the enclave apart (ecall LOAD); this says what it holds,
	 * to name it in the enclave's messages ("subscriptions").
	 */
	const char * file;
};

/* How a parse names the program's files: the host, by their paths. */
struct ss_op_names {
	size_t n;
	const char * key[SS_PROGRAM_FILES_MAX];
	const char * name[SS_PROGRAM_FILES_MAX];
};

/* What kind of error a parse found, besides its ss_err message. */
struct ss_op_err {
	int usage;		/* a usage error: the host adds its hint */
	/*
	 * Or the error has a place: column ${col} (from 1; 0: none) of line
	 * ${line} (from 1) of ${text}, which has ${textlen} bytes; line 0:
	 * the column counts from the start of ${text} (an expression).
	 */
	const char * text;
	size_t textlen;
	size_t line;
	size_t col;
};

struct ss_opdef {
	enum ss_op_id id;
	const char * name;		/* "map": the stage ss-map */
	const struct ss_oparg * args;	/* ends with a NULL name */
	const char * operand_key;	/* operands join the program under
					   it; NULL: no operands */
	/* Operands are input streams (ss-merge), at most this many, not
	   program arguments; their number is the program's "inputs".
	   0: they are not. */
	size_t inputs;
	/*
	 * Parse and check the program ${p}, whose file entries hold the
	 * files' content: a new configuration, or NULL with an ss_err and
	 * ${err} set.  ${names} may be NULL.
	 */
	void * (* parse)(const struct ss_program *, const struct ss_op_names *,
	    struct ss_op_err *);
	void (* free)(void *);
	/*
	 * Several outputs (ss-route): how many the configuration has whose
	 * recipients the command line gives (-r, -R; 0: the program's files
	 * give them).  NULL: one output.
	 */
	size_t (* noutputs)(const void *);
};

/* Input streams of one stage, at most (ss-merge). */
#define SS_OP_INPUTS_MAX	256

/**
 * ss_opdef_find(name):
 * The operator called ${name} ("map", or its stage "ss-map"), or NULL.
 */
const struct ss_opdef * ss_opdef_find(const char *);

/**
 * ss_opdef_get(id):
 * The operator ${id}.
 */
const struct ss_opdef * ss_opdef_get(enum ss_op_id);

/**
 * ss_opdef_names(void):
 * The stages, for messages: "ss-map, ss-match, ...".
 */
const char * ss_opdef_names(void);

/**
 * ss_opdef_file(def, key):
 * The option of ${def} whose program key ${key} names a file, or NULL.
 */
const struct ss_oparg * ss_opdef_file(const struct ss_opdef *, const char *);

/**
 * ss_op_check_keys(def, p, err):
 * What every operator's parse checks first: that each entry of ${p} is
 * one ${def} knows (an option's, the operand's, "inputs" of a stage with
 * input streams, or a recipient), that options given once are, that
 * flags hold "1" and that text values hold no NUL byte.
 */
int ss_op_check_keys(const struct ss_opdef *, const struct ss_program *,
    struct ss_op_err *);

/**
 * ss_op_count(p, key):
 * How many entries of ${p} are named ${key}.
 */
size_t ss_op_count(const struct ss_program *, const char *);

/**
 * ss_op_entry(p, key):
 * The first entry of ${p} named ${key}, or NULL.
 */
const struct ss_program_entry * ss_op_entry(const struct ss_program *,
    const char *);

/**
 * ss_op_usage(err, fmt, ...):
 * Record a usage error: the formatted message, SS_EXIT_SYS, and
 * ${err}->usage.  Returns NULL, for "return (ss_op_usage(...));".
 */
void * ss_op_usage(struct ss_op_err *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

/**
 * ss_op_file_name(def, names, key):
 * How to name program file ${key} of ${def} in messages: its name in
 * ${names} (the host's path), else what it holds.
 */
const char * ss_op_file_name(const struct ss_opdef *,
    const struct ss_op_names *, const char *);

#endif /* !SS_OPERATOR_H */
