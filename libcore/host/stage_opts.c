/*
 * A stage's command line (stage.h): its options, the program they make
 * (checked with the operator's parser from the registry, operator.h), the
 * program's files and the outputs' recipients, and the deployment
 * options that say how the stage runs.
 */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "cli.h"
#include "err.h"
#include "frame.h"
#include "io.h"
#include "key.h"
#include "keyfile.h"
#include "operator.h"
#include "program.h"
#include "stage.h"
#include "tee.h"
#include "tee_quote.h"

enum { OPT_SEALED = 256, OPT_TEE, OPT_CHUNK, OPT_FLUSH, OPT_ARG = 512 };

/* The name of option ${ch} of ${def}. */
static const char *
opt_name(const struct ss_opdef * def, int ch, char * buf,
    size_t size)
{

	switch (ch) {
	case 'i':
		return ("-i");
	case 'o':
		return ("-o");
	case OPT_SEALED:
		return ("--sealed");
	case OPT_TEE:
		return ("--tee");
	case OPT_CHUNK:
		return ("--chunk-size");
	case OPT_FLUSH:
		return ("--flush-ms");
	case 'h':
		return ("--help");
	case 'V':
		return ("--version");
	default:
		if (def->args[ch - OPT_ARG].ch != 0)
			snprintf(buf, size, "-%c", def->args[ch - OPT_ARG].ch);
		else
			snprintf(buf, size, "--%s",
			    def->args[ch - OPT_ARG].name);
		return (buf);
	}
}

/* The common options, then ${def}'s own. */
static struct option *
make_longopts(const struct ss_opdef * def, char * shortopts)
{
	static const struct option common[] = {
		{ "recipient", required_argument, NULL, 'r' },
		{ "recipients-file", required_argument, NULL, 'R' },
		{ "identity", required_argument, NULL, 'i' },
		{ "sealed", required_argument, NULL, OPT_SEALED },
		{ "output", required_argument, NULL, 'o' },
		{ "tee", required_argument, NULL, OPT_TEE },
		{ "chunk-size", required_argument, NULL, OPT_CHUNK },
		{ "flush-ms", required_argument, NULL, OPT_FLUSH },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
	};
	const size_t ncommon = sizeof(common) / sizeof(common[0]);
	struct option * lo;
	size_t n, i, pos;

	for (n = 0; def->args[n].name != NULL; n++)
		;
	if (n > SS_STAGE_ARGS_MAX || (lo = calloc(ncommon + n + 1,
	    sizeof(*lo))) == NULL) {
		ss_err_errno("calloc");
		ss_cli_fatal();
	}
	memcpy(lo, common, sizeof(common));
	strcpy(shortopts, ":r:R:i:o:hV");
	pos = strlen(shortopts);
	for (i = 0; i < n; i++) {
		lo[ncommon + i].name = def->args[i].name;
		lo[ncommon + i].has_arg = def->args[i].flag ? no_argument :
		    required_argument;
		lo[ncommon + i].val = OPT_ARG + (int)i;
		if (def->args[i].ch != 0) {
			shortopts[pos++] = (char)def->args[i].ch;
			if (!def->args[i].flag)
				shortopts[pos++] = ':';
		}
	}
	shortopts[pos] = '\0';
	return (lo);
}

/* The index of ${def}'s option with short name ${ch}, or -1. */
static int
short_arg(const struct ss_opdef * def, int ch)
{
	int i;

	for (i = 0; def->args[i].name != NULL; i++)
		if (def->args[i].ch == ch)
			return (i);
	return (-1);
}

/*
 * Read the program file ${path} (option ${opt}) and put its digest into
 * the program under ${key}.
 */
static void
add_file(struct ss_stage_opts * o, const char * key, const char * path,
    const char * opt)
{
	struct ss_stage_file * sf = &o->files[o->nfiles];
	uint8_t digest[SS_SHA256_LEN];
	char val[SS_PROGRAM_FILE_DIGEST_LEN + 1];

	if (o->nfiles == SS_STAGE_FILES_MAX)
		ss_cli_usage_error("too many program files");
	if (strcmp(path, "-") == 0)
		ss_cli_usage_error("%s -: standard input holds the stream: "
		    "give a file", opt);
	if (ss_read_file(path, SS_PROGRAM_FILE_MAX, &sf->data, &sf->len)) {
		ss_err_prefix("%s", path);
		ss_cli_fatal();
	}
	sf->key = key;
	sf->path = path;
	o->nfiles++;
	if (ss_sha256(digest, sf->data, sf->len))
		ss_cli_fatal();
	memcpy(val, SS_PROGRAM_FILE_PREFIX, strlen(SS_PROGRAM_FILE_PREFIX));
	ss_hex(val + strlen(SS_PROGRAM_FILE_PREFIX), digest, sizeof(digest));
	if (ss_program_add(o->program, key, val, SS_PROGRAM_FILE_DIGEST_LEN))
		ss_cli_fatal();
}

/* The entry of ${p} holding program file ${sf}. */
static struct ss_program_entry *
file_entry(struct ss_program * p, const struct ss_stage_file * sf)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (strcmp(p->e[i].key, sf->key) == 0)
			return (&p->e[i]);
	return (NULL);
}

/*
 * A program the registry's parser refused (operator.h): a usage error,
 * shown at its place if it has one (the line of a program file, or the
 * expression, with a caret under the column); else the error as it is.
 */
static void
program_error(const struct ss_op_err * err)
{
	const char * line, * end, * nl;
	char * copy;
	size_t i, n;

	if (err->col == 0) {
		if (err->usage)
			ss_cli_usage_error("%s", ss_err_msg());
		ss_cli_fatal();
	}
	if (err->line == 0)
		ss_cli_usage_error_at(err->text, err->col, "%s", ss_err_msg());
	line = err->text;
	end = err->text + err->textlen;
	for (i = 1; i < err->line; i++) {
		if ((nl = memchr(line, '\n', (size_t)(end - line))) == NULL)
			break;
		line = nl + 1;
	}
	if ((nl = memchr(line, '\n', (size_t)(end - line))) != NULL)
		end = nl;
	if (end > line && end[-1] == '\r')
		end--;
	n = (size_t)(end - line);
	if ((copy = malloc(n + 1)) == NULL)
		ss_cli_fatal();		/* the message is the file's */
	/* (NULs shown as blanks, as other control characters are.) */
	for (i = 0; i < n; i++)
		copy[i] = (line[i] == '\0') ? ' ' : line[i];
	copy[n] = '\0';
	ss_cli_usage_error_at(copy, err->col, "%s", ss_err_msg());
}

/*
 * Check the program as the enclave will: with its files' content, with
 * the registry's parser; exit 2 if it is wrong.  Return how many outputs
 * take the command line's recipients (ss_opdef's noutputs).
 */
static size_t
check_program(const struct ss_opdef * def, struct ss_stage_opts * o)
{
	struct ss_program_entry * e;
	struct ss_op_names names;
	struct ss_op_err err;
	char * digest[SS_STAGE_FILES_MAX];
	void * conf;
	size_t i, nout = 1;

	names.n = o->nfiles;
	for (i = 0; i < o->nfiles; i++) {
		e = file_entry(o->program, &o->files[i]);
		digest[i] = e->val;
		e->val = (char *)o->files[i].data;
		e->vallen = o->files[i].len;
		names.key[i] = o->files[i].key;
		names.name[i] = o->files[i].path;
	}
	if ((conf = def->parse(o->program, &names, &err)) == NULL)
		program_error(&err);
	if (def->noutputs != NULL)
		nout = def->noutputs(conf);
	def->free(conf);
	for (i = 0; i < o->nfiles; i++) {
		e = file_entry(o->program, &o->files[i]);
		e->val = digest[i];
		e->vallen = SS_PROGRAM_FILE_DIGEST_LEN;
	}
	return (nout);
}

const struct ss_opdef *
ss_stage_find(const char * name)
{

	if (strncmp(name, "ss-", 3) == 0)
		name += 3;
	return (ss_opdef_find(name));
}

void
ss_stage_opts_free(struct ss_stage_opts * o)
{
	size_t i;

	ss_program_free(o->program);
	o->program = NULL;
	for (i = 0; i < o->nfiles; i++)
		free(o->files[i].data);
	o->nfiles = 0;
}

/*
 * The operands of a stage that reads several streams: each names one
 * ("-" is standard input, once); their number is part of the program.
 */
static void
stage_inputs(const struct ss_opdef * def, int argc, char ** argv,
    struct ss_stage_opts * o)
{
	char num[32];
	size_t i, nstdin = 0;

	o->inputs = argv + optind;
	o->ninputs = (size_t)(argc - optind);
	if (o->ninputs == 0)
		ss_cli_usage_error("no input: give the streams to read "
		    "(FILE..., - for standard input)");
	for (i = 0; i < o->ninputs; i++)
		if (strcmp(o->inputs[i], "-") == 0)
			nstdin++;
	if (nstdin > 1)
		ss_cli_usage_error("standard input (-) can be read only once");
	if (o->ninputs > def->inputs)
		ss_cli_usage_error("more than %zu inputs", def->inputs);
	snprintf(num, sizeof(num), "%zu", o->ninputs);
	if (ss_program_add(o->program, "inputs", num, strlen(num)))
		ss_cli_fatal();
}

/*
 * Recipients of a stage with several outputs: -r KEY and -R FILE apply
 * to every output, -R FILE with "{}" in its name to one each (the file
 * with "{}" replaced by the output's number); every output needs one.
 */
static void
output_recipients(size_t nout, struct ss_program * p,
    struct ss_recipients * r, const char ** rfiles, size_t nrfiles,
    const char * input)
{
	struct ss_recipients * own;
	char * path;
	size_t i, k;

	for (i = 0; i < nrfiles; i++) {
		if (strstr(rfiles[i], "{}") != NULL)
			continue;
		if (strcmp(rfiles[i], "-") == 0 &&
		    (input == NULL || strcmp(input, "-") == 0))
			ss_cli_usage_error("-R -: standard input cannot hold "
			    "both the keys and the data (give the data as a "
			    "file)");
		if (ss_recipients_add_file(r, rfiles[i]))
			ss_cli_fatal();
	}
	for (k = 0; k < nout; k++) {
		if ((own = ss_recipients_new()) == NULL)
			ss_cli_fatal();
		for (i = 0; i < nrfiles; i++) {
			if (strstr(rfiles[i], "{}") == NULL)
				continue;
			if ((path = ss_stage_expand(rfiles[i], k)) == NULL)
				ss_cli_fatal();
			if (ss_recipients_add_file(own, path))
				ss_cli_fatal();
			free(path);
		}
		if (r->n == 0 && own->n == 0)
			ss_cli_usage_error("no recipient%s: give -r PUBKEY, "
			    "-R FILE, or -R 'FILE{}' for one file per output",
			    (nout > 1) ? "s" : "");
		if (ss_program_add_output_recipients(p, k, own))
			ss_cli_fatal();
		ss_recipients_free(own);
	}
}

char *
ss_stage_expand_name(const char * template, const char * name, size_t len)
{
	const char * s;
	char * out, * d;
	size_t n = 0;

	for (s = template; (s = strstr(s, "{}")) != NULL; s += 2)
		n++;
	if ((out = malloc(strlen(template) + n * len + 1)) == NULL) {
		ss_err_errno("malloc");
		return (NULL);
	}
	for (s = template, d = out; *s != '\0'; ) {
		if (s[0] == '{' && s[1] == '}') {
			memcpy(d, name, len);
			d += len;
			s += 2;
		} else
			*d++ = *s++;
	}
	*d = '\0';
	return (out);
}

char *
ss_stage_expand(const char * template, size_t k)
{
	char num[32];

	return (ss_stage_expand_name(template, num,
	    (size_t)snprintf(num, sizeof(num), "%zu", k)));
}

/* Options seen so far: each of these is given at most once. */
struct seen {
	int i, sealed, o, tee, chunk, flush;
	int arg[SS_STAGE_ARGS_MAX];	/* the operator's, by index */
};

/* Option ${ch} (OPT_ARG + index) of the operator's own: into the program. */
static void
operator_option(const struct ss_opdef * def, int ch, struct seen * seen,
    struct ss_stage_opts * o)
{
	const struct ss_oparg * a = &def->args[ch - OPT_ARG];
	const char * val = a->flag ? "1" : optarg;
	char buf[64];

	if (a->once || a->file)
		ss_cli_once(&seen->arg[ch - OPT_ARG],
		    opt_name(def, ch, buf, sizeof(buf)));
	if (a->file)
		add_file(o, a->key, optarg, opt_name(def, ch, buf,
		    sizeof(buf)));
	else if (ss_program_add(o->program, a->key, val, strlen(val)))
		ss_cli_fatal();
}

/* Deployment option ${ch}: how the stage runs, not what it computes. */
static void
deployment_option(int ch, struct seen * seen, struct ss_stage_opts * o,
    const char ** tee, char ** argv, void (* usage)(void))
{

	switch (ch) {
	case 'i':
		ss_cli_once(&seen->i, "-i");
		o->identity = optarg;
		break;
	case OPT_SEALED:
		ss_cli_once(&seen->sealed, "--sealed");
		o->sealed = optarg;
		break;
	case 'o':
		ss_cli_once(&seen->o, "-o");
		o->output = optarg;
		break;
	case OPT_TEE:
		ss_cli_once(&seen->tee, "--tee");
		*tee = optarg;
		break;
	case OPT_CHUNK:
		ss_cli_once(&seen->chunk, "--chunk-size");
		o->chunk_size = ss_cli_size(optarg, "--chunk-size", 1024,
		    SS_RECORD_MAX);
		break;
	case OPT_FLUSH:
		ss_cli_once(&seen->flush, "--flush-ms");
		o->flush_ms = (int)ss_cli_uint(optarg, "--flush-ms", 0, 60000);
		break;
	default:
		ss_cli_other_option(argv, ch, usage);
	}
}

/*
 * The options: the operator's join the program, -r and -R go to ${keys},
 * the deployment options (refused in SS_STAGE_PROGRAM mode) to ${o}.
 */
static void
take_options(const struct ss_opdef * def, int argc, char ** argv, int mode,
    struct ss_stage_opts * o, struct ss_cli_keys * keys, const char ** tee,
    void (* usage)(void))
{
	char shortopts[128], buf[64];
	struct option * longopts;
	struct seen seen;
	int ch, k;

	memset(&seen, 0, sizeof(seen));
	longopts = make_longopts(def, shortopts);
	opterr = 0;
	optind = 0;
	while ((ch = getopt_long(argc, argv, shortopts, longopts,
	    NULL)) != -1) {
		/* A short option of the operator's own. */
		if (ch < 256 && ch != ':' && ch != '?' &&
		    (k = short_arg(def, ch)) != -1)
			ch = OPT_ARG + k;
		/* Deployment options are not part of a program. */
		if (mode == SS_STAGE_PROGRAM && ch < OPT_ARG && ch != 'r' &&
		    ch != 'R' && ch != '?' && ch != ':')
			ss_cli_usage_error("%s: %s is not part of the "
			    "program (it is given to the stage when it runs)",
			    argv[0], opt_name(def, ch, buf, sizeof(buf)));
		if (ch >= OPT_ARG)
			operator_option(def, ch, &seen, o);
		else if (!ss_cli_keys_option(keys, ch, optarg))
			deployment_option(ch, &seen, o, tee, argv, usage);
	}
	free(longopts);
}

/* Operands: input streams, the operator's, or none (stdin). */
static void
take_operands(const struct ss_opdef * def, int argc, char ** argv,
    struct ss_stage_opts * o)
{
	size_t i;

	if (def->inputs) {
		stage_inputs(def, argc, argv, o);
		return;
	}
	for (i = (size_t)optind; i < (size_t)argc; i++) {
		if (def->operand_key == NULL)
			ss_cli_usage_error("unexpected operand '%s' (ss-%s "
			    "reads its stream from standard input)", argv[i],
			    def->name);
		if (ss_program_add(o->program, def->operand_key, argv[i],
		    strlen(argv[i])))
			ss_cli_fatal();
	}
}

/*
 * The program is the operator's arguments: check it (exit 2 if wrong),
 * then add the output recipients, which are part of it.
 */
static void
finish_program(const struct ss_opdef * def, int mode,
    struct ss_stage_opts * o, struct ss_cli_keys * keys)
{
	size_t nout, i;

	for (i = 0; mode == SS_STAGE_RUN && i < keys->nfiles; i++)
		if (strcmp(keys->files[i], "-") == 0)
			ss_cli_usage_error("-R -: standard input holds the "
			    "stream: give the recipients as a file");
	nout = check_program(def, o);
	if (def->noutputs != NULL)
		output_recipients(nout, o->program, keys->recipients,
		    keys->files, keys->nfiles,
		    (mode == SS_STAGE_RUN) ? NULL : "");
	else
		ss_cli_keys_load(keys, (mode == SS_STAGE_RUN) ? NULL : "");
	if (ss_program_add_recipients(o->program, keys->recipients))
		ss_cli_fatal();
}

/* What running the stage needs besides its program: a key, a backend. */
static void
check_deployment(struct ss_stage_opts * o, const char * tee)
{

	if (o->identity == NULL && o->sealed == NULL)
		ss_cli_usage_error("no stage key: give --sealed FILE or "
		    "-i IDENTITY");
	if (o->identity != NULL && o->sealed != NULL)
		ss_cli_usage_error("-i and --sealed cannot be used together");
	if ((o->identity != NULL && strcmp(o->identity, "-") == 0) ||
	    (o->sealed != NULL && strcmp(o->sealed, "-") == 0))
		ss_cli_usage_error("standard input holds the stream: give "
		    "the stage key as a file");
	o->tee = ss_tee_check(tee);
}

void
ss_stage_parse(const struct ss_opdef * def, int argc, char ** argv,
    int mode, struct ss_stage_opts * o, void (* usage)(void))
{
	struct ss_cli_keys keys;
	const char * tee = NULL;

	memset(o, 0, sizeof(*o));
	o->chunk_size = SS_CHUNK_TARGET;
	o->flush_ms = SS_STAGE_FLUSH_MS;
	ss_cli_keys_init(&keys, SS_CLI_RECIPIENTS, argc);
	if ((o->program = ss_program_new(def->name)) == NULL)
		ss_cli_fatal();
	take_options(def, argc, argv, mode, o, &keys, &tee, usage);
	take_operands(def, argc, argv, o);
	finish_program(def, mode, o, &keys);
	ss_cli_keys_free(&keys);
	if (mode == SS_STAGE_RUN)
		check_deployment(o, tee);
}

/* The filter's --help: its own part, then what all stages share. */
static const char * stage_help;
static const char * stage_program;

static void stage_usage(void) __attribute__((noreturn));

static void
stage_usage(void)
{

	printf("%s", stage_help);
	printf(
"  -r, --recipient KEY    encrypt the output to public key KEY\n"
"  -R, --recipients-file FILE  ... to every public key in FILE\n"
"      --sealed FILE      the stage key, sealed by ss-attest new for this\n"
"                         program (%s, -r, -R) on this platform\n"
"  -i, --identity FILE    the stage key as a plain identity file\n"
"  -o, --output FILE      write to FILE (only if the run succeeds)\n"
"      --tee BACKEND      process (default; $SS_TEE) or none\n"
"      --chunk-size N     target plaintext bytes per output chunk\n"
"      --flush-ms MS      seal a partial output chunk when a live input\n"
"                         pauses this long (default 5; 0: never)\n"
"  -h, --help             show this help\n"
"  -V, --version          show the version\n"
"\n"
"Exit status: 0 success, 1 stream or key refused (or the enclave died),\n"
"2 usage or system error.\n", stage_program);
	exit(SS_EXIT_OK);
}


int
ss_stage_main(const char * op, int argc, char ** argv, const char * help,
    const char * program, const struct ss_ecall_entry * inprocess)
{
	struct ss_stage_opts o;
	const struct ss_opdef * def = ss_opdef_find(op);
	static char name[64];	/* the program name, for good */

	snprintf(name, sizeof(name), "ss-%s", op);
	ss_cli_init(name);
	stage_help = help;
	stage_program = program;
	ss_stage_parse(def, argc, argv, SS_STAGE_RUN, &o, stage_usage);
	o.inprocess = inprocess;
	/* Several inputs or outputs: a framed flow (stage_framed.c). */
	if ((def->inputs > 0) ? ss_stage_run_merge(&o) :
	    (def->noutputs != NULL) ? ss_stage_run_route(&o) :
	    ss_stage_run(&o))
		ss_cli_fatal();
	ss_stage_opts_free(&o);
	return (SS_EXIT_OK);
}
