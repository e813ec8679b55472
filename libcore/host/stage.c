#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "cli.h"
#include "ecall.h"
#include "ecall_msg.h"
#include "err.h"
#include "frame.h"
#include "grow.h"
#include "io.h"
#include "key.h"
#include "operator.h"
#include "keyfile.h"
#include "platform_dir.h"
#include "program.h"
#include "stage.h"
#include "stream.h"
#include "tee.h"
#include "tee_quote.h"

#define SEALED_FILE_MAX	4096
#define BATCH_BYTES	(256 * 1024)	/* chunks per enclave call */
#define LOAD_PIECE	(256 * 1024)	/* program file bytes per call */

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
	const char * line = err->text, * end = err->text + err->textlen, * nl;
	char * copy;
	size_t i, n;

	if (err->col == 0) {
		if (err->usage)
			ss_cli_usage_error("%s", ss_err_msg());
		ss_cli_fatal();
	}
	if (err->line == 0)
		ss_cli_usage_error_at(err->text, err->col, "%s", ss_err_msg());
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

int
ss_stage_load(struct ss_enclave * e, const struct ss_stage_opts * o)
{
	const struct ss_stage_file * sf;
	struct ss_msg_load m;
	const uint8_t * out;
	uint8_t * req;
	size_t i, k, pos, n, outlen;
	int rc = -1;

	if (o->nfiles == 0)
		return (0);
	if ((req = malloc(SS_MSG_LOAD_HDR + LOAD_PIECE)) == NULL) {
		ss_err_errno("malloc");
		return (-1);
	}
	/* In the program's (canonical) order, as the enclave expects. */
	for (i = 0; i < o->program->n; i++) {
		for (k = 0; k < o->nfiles; k++)
			if (strcmp(o->files[k].key, o->program->e[i].key) == 0)
				break;
		if (k == o->nfiles)
			continue;
		sf = &o->files[k];
		pos = 0;
		do {
			n = (sf->len - pos > LOAD_PIECE) ? LOAD_PIECE :
			    sf->len - pos;
			m.flags = (pos + n == sf->len) ? SS_LOAD_END : 0;
			m.bytes.p = sf->data + pos;
			m.bytes.len = n;
			if (ss_tee_call(e, SS_ECALL_LOAD, req,
			    ss_msg_load_encode(&m, req), &out, &outlen) != 0)
				goto done;
			pos += n;
		} while (pos < sf->len);
	}
	rc = 0;
done:
	free(req);
	return (rc);
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

void
ss_stage_parse(const struct ss_opdef * def, int argc, char ** argv,
    int mode, struct ss_stage_opts * o, void (* usage)(void))
{
	char shortopts[128], buf[64];
	struct option * longopts;
	struct ss_cli_keys keys;
	const struct ss_oparg * a;
	const char * tee = NULL;
	int seen_arg[SS_STAGE_ARGS_MAX] = { 0 };
	size_t nout, i;
	int seen_i = 0, seen_s = 0, seen_o = 0, seen_t = 0, seen_c = 0;
	int seen_f = 0;
	int ch, k;

	memset(o, 0, sizeof(*o));
	o->chunk_size = SS_CHUNK_TARGET;
	o->flush_ms = SS_STAGE_FLUSH_MS;
	longopts = make_longopts(def, shortopts);
	ss_cli_keys_init(&keys, SS_CLI_RECIPIENTS, argc);
	if ((o->program = ss_program_new(def->name)) == NULL)
		ss_cli_fatal();
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
		if (ch >= OPT_ARG) {
			a = &def->args[ch - OPT_ARG];
			if (a->once || a->file)
				ss_cli_once(&seen_arg[ch - OPT_ARG],
				    opt_name(def, ch, buf, sizeof(buf)));
			if (a->file) {
				add_file(o, a->key, optarg,
				    opt_name(def, ch, buf, sizeof(buf)));
				continue;
			}
			if (ss_program_add(o->program, a->key,
			    a->flag ? "1" : optarg,
			    strlen(a->flag ? "1" : optarg)))
				ss_cli_fatal();
			continue;
		}
		if (ss_cli_keys_option(&keys, ch, optarg))
			continue;
		switch (ch) {
		case 'i':
			ss_cli_once(&seen_i, "-i");
			o->identity = optarg;
			break;
		case OPT_SEALED:
			ss_cli_once(&seen_s, "--sealed");
			o->sealed = optarg;
			break;
		case 'o':
			ss_cli_once(&seen_o, "-o");
			o->output = optarg;
			break;
		case OPT_TEE:
			ss_cli_once(&seen_t, "--tee");
			tee = optarg;
			break;
		case OPT_CHUNK:
			ss_cli_once(&seen_c, "--chunk-size");
			o->chunk_size = ss_cli_size(optarg, "--chunk-size",
			    1024, SS_RECORD_MAX);
			break;
		case OPT_FLUSH:
			ss_cli_once(&seen_f, "--flush-ms");
			o->flush_ms = (int)ss_cli_uint(optarg, "--flush-ms", 0,
			    60000);
			break;
		default:
			ss_cli_other_option(argv, ch, usage);
		}
	}
	free(longopts);
	/* Operands: input streams, the operator's, or none (stdin). */
	if (def->inputs)
		stage_inputs(def, argc, argv, o);
	for (i = (size_t)optind; !def->inputs && i < (size_t)argc; i++) {
		if (def->operand_key == NULL)
			ss_cli_usage_error("unexpected operand '%s' (ss-%s "
			    "reads its stream from standard input)", argv[i],
			    def->name);
		if (ss_program_add(o->program, def->operand_key, argv[i],
		    strlen(argv[i])))
			ss_cli_fatal();
	}

	/* The program: the operator's arguments and the recipients. */
	for (i = 0; mode == SS_STAGE_RUN && i < keys.nfiles; i++)
		if (strcmp(keys.files[i], "-") == 0)
			ss_cli_usage_error("-R -: standard input holds the "
			    "stream: give the recipients as a file");
	nout = check_program(def, o);
	if (def->noutputs != NULL)
		output_recipients(nout, o->program, keys.recipients,
		    keys.files, keys.nfiles,
		    (mode == SS_STAGE_RUN) ? NULL : "");
	else
		ss_cli_keys_load(&keys, (mode == SS_STAGE_RUN) ? NULL : "");
	if (ss_program_add_recipients(o->program, keys.recipients))
		ss_cli_fatal();
	ss_cli_keys_free(&keys);

	if (mode == SS_STAGE_PROGRAM)
		return;
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
	/* Several inputs or outputs: a framed flow (stage_multi.c). */
	if ((def->inputs > 0) ? ss_stage_run_merge(&o) :
	    (def->noutputs != NULL) ? ss_stage_run_route(&o) :
	    ss_stage_run(&o))
		ss_cli_fatal();
	ss_stage_opts_free(&o);
	return (SS_EXIT_OK);
}

int
ss_stage_init_request(const struct ss_stage_opts * o, const char * image,
    int attest, int keykind, const void * key, size_t keylen,
    const char * keyname, unsigned char ** req, size_t * reqlen)
{
	struct ss_msg_init m;
	uint8_t * prog = NULL;
	char * dir = NULL;
	size_t proglen;
	int rc = -1;

	if (ss_program_encode(o->program, &prog, &proglen))
		return (-1);
	if ((dir = ss_platform_dir()) == NULL)
		goto done;
	m.flags = attest ? SS_INIT_ATTEST : 0;
	m.chunk_size = (uint32_t)o->chunk_size;
	m.keykind = (uint8_t)keykind;
	m.program.p = prog;
	m.program.len = proglen;
	m.image = ss_msg_str(image);
	m.platform_dir = ss_msg_str(dir);
	m.key.p = key;
	m.key.len = keylen;
	m.keyname = ss_msg_str(keyname);
	rc = ss_msg_init_encode(&m, req, reqlen);
done:
	free(prog);
	free(dir);
	return (rc);
}

struct ss_enclave *
ss_stage_start(const struct ss_stage_opts * o)
{
	struct ss_enclave * e;
	uint8_t sealed[SEALED_FILE_MAX];
	uint8_t * req = NULL;
	const uint8_t * out;
	size_t reqlen, outlen, slen;
	int rc;

	if ((e = ss_tee_start(o->tee, o->inprocess)) == NULL)
		return (NULL);
	if (o->sealed != NULL) {
		if (ss_read_small_file(o->sealed, sealed, sizeof(sealed),
		    &slen, NULL)) {
			ss_err_prefix("%s", o->sealed);
			goto err;
		}
		rc = ss_stage_init_request(o, ss_tee_image_path(e), 0,
		    SS_KEY_SEALED, sealed, slen, o->sealed, &req, &reqlen);
	} else
		rc = ss_stage_init_request(o, ss_tee_image_path(e), 0,
		    SS_KEY_IDENTITY, o->identity, strlen(o->identity),
		    o->identity, &req, &reqlen);
	if (rc || ss_tee_call(e, SS_ECALL_INIT, req, reqlen, &out,
	    &outlen) != 0 || ss_stage_load(e, o))
		goto err;
	free(req);
	return (e);
err:
	free(req);
	ss_tee_stop(e);
	return (NULL);
}

/* The reading side of a running stage (the pipeline's sender). */
struct feed {
	struct ss_input * in;
	struct ss_stream_reader * r;
	uint8_t * req;			/* a CHUNK request (ecall_msg.h) */
	size_t reqsize;
	size_t batch;			/* most chunk bytes per request */
	int framed;			/* requests name the input: 0 */
	size_t skip;			/* the request's header length */
	int flush_ms;			/* --flush-ms */
	int unflushed;			/* chunks went in since a flush */
	uint8_t flushreq[SS_MSG_CHUNK_HDR_MAX];	/* a flush-only request */
	const uint8_t * carry;		/* a chunk read for the next request
					   (in the reader's buffer) */
	size_t carrylen;
};

/*
 * Next request: the next input chunks, as they came.  Chunks that are
 * ready are batched, up to BATCH_BYTES, so that the enclave is called
 * less often; a live input that has nothing ready ends a batch at once.
 * If it then stays quiet for --flush-ms, the next request carries no
 * chunk, only SS_CHUNK_FLUSH: the enclave seals the records it holds
 * into a partial chunk (--flush-ms 0: never before the end).  So the
 * short gaps between an upstream stage's writes do not cut the output
 * into small chunks, and a live source that pauses still gets its
 * records through.
 */
static int
next_chunk(void * cookie, uint8_t * slot, size_t slotcap,
    const uint8_t ** req, size_t * len)
{
	struct feed * fd = cookie;
	const uint8_t * raw, * pt;
	uint8_t * buf = slot;
	size_t rawlen, ptlen, cap = slotcap, used = fd->skip;
	int rc, final = 0, in_slot = (slot != NULL && slotcap >= fd->skip);

	if (fd->unflushed && ss_input_idle(fd->in, fd->flush_ms)) {
		fd->unflushed = 0;
		buf = in_slot ? slot : fd->flushreq;
		ss_msg_chunk_put_header(buf, fd->framed, SS_CHUNK_FLUSH, 0);
		*req = buf;
		*len = fd->skip;
		return (1);
	}
	for (;;) {
		/* A chunk that did not fit the last request comes first. */
		if (fd->carry != NULL) {
			raw = fd->carry;
			rawlen = fd->carrylen;
			fd->carry = NULL;
		} else if ((rc = ss_stream_reader_next(fd->r, &pt,
		    &ptlen)) != 1) {
			if (rc == -1 && fd->in->owned &&
			    ss_err_status() == SS_EXIT_DATA)
				ss_err_prefix("%s", fd->in->name);
			if (rc == 0 && used > fd->skip)
				break;
			return (rc);
		} else
			raw = ss_stream_reader_raw(fd->r, &rawlen);
		if (!in_slot || used + rawlen > cap) {
			/*
			 * The arena's slot is full: the chunk (still in the
			 * reader's buffer) starts the next request.
			 */
			if (in_slot && used > fd->skip) {
				fd->carry = raw;
				fd->carrylen = rawlen;
				break;
			}
			/* No slot, or a chunk larger than one: our buffer. */
			in_slot = 0;
			if (ss_grow(&fd->req, &fd->reqsize, used + rawlen, 1))
				return (-1);
			buf = fd->req;
			cap = fd->reqsize;
		}
		memcpy(buf + used, raw, rawlen);
		used += rawlen;
		/* The final chunk, or a live stream paused: send it now. */
		if ((final = (raw[0] & 0x80) != 0) ||
		    ss_input_idle(fd->in, 0) || used >= fd->batch)
			break;
	}
	/* What the enclave now holds is sealed if the input pauses. */
	fd->unflushed = fd->flush_ms > 0 && !fd->in->is_regular && !final;
	ss_msg_chunk_put_header(buf, fd->framed, 0, 0);
	*req = buf;
	*len = used;
	return (1);
}

/* The writing side: every answer is a run of whole output chunks. */
struct sink {
	struct ss_output * out;
	int live;
	int opened;			/* the header (OPEN's answer) is out */
};

/* A notice from the enclave: one line of printable text on stderr. */
static void
print_notice(const uint8_t * msg, size_t len)
{
	size_t i;

	fprintf(stderr, "%s: ", ss_cli_name());
	for (i = 0; i < len; i++)
		fputc((msg[i] >= 0x20 && msg[i] < 0x7f) ? msg[i] : '?',
		    stderr);
	fputc('\n', stderr);
}

static int
take_output(void * cookie, const uint8_t * buf, size_t len)
{
	struct sink * sk = cookie;
	size_t pos = 0, wl;
	uint32_t clen;
	int final = 0;

	/* First the output stream's header, as it came. */
	if (!sk->opened) {
		sk->opened = 1;
		if (ss_output_write(sk->out, buf, len))
			return (-1);
		return (sk->live ? ss_output_flush(sk->out) : 0);
	}
	/* Whole chunks; after the final one, the operator's notice. */
	while (pos < len && !final) {
		if (len - pos < SS_CHUNK_PREFIX_LEN ||
		    ss_frame_prefix_read(buf + pos, &clen, &final) ||
		    (wl = SS_CHUNK_WIRE_LEN(clen)) > len - pos) {
			ss_err_set(SS_EXIT_SYS, "enclave answer is not whole "
			    "chunks");
			return (-1);
		}
		pos += wl;
	}
	if (ss_output_write(sk->out, buf, pos))
		return (-1);
	if (pos < len)
		print_notice(buf + pos, len - pos);
	return (sk->live ? ss_output_flush(sk->out) : 0);
}

int
ss_stage_run_to(const struct ss_stage_opts * o, size_t batch, int framed,
    int (* take)(void *, const uint8_t *, size_t), void * cookie, int * live)
{
	struct ss_enclave * e = NULL;
	struct feed fd = { NULL, NULL, NULL, 0, batch, framed,
	    SS_MSG_CHUNK_HDR(framed), o->flush_ms, 0, { 0 }, NULL, 0 };
	struct ss_msg_open om;
	const uint8_t * buf, * hdr;
	uint8_t * open = NULL;
	size_t len, hdrlen;
	int rc = -1;

	if ((e = ss_stage_start(o)) == NULL)
		goto done;
	if ((fd.in = ss_input_open(NULL)) == NULL)
		goto done;
	*live = !fd.in->is_regular;
	if ((fd.r = ss_stream_reader_new(fd.in, NULL)) == NULL) {
		if (fd.in->owned && ss_err_status() == SS_EXIT_DATA)
			ss_err_prefix("%s", fd.in->name);
		goto done;
	}
	hdr = ss_stream_reader_header(fd.r, &hdrlen);
	/* A framed flow's requests name the input: the one, 0. */
	if (framed) {
		om.in_index = 0;
		om.header.p = hdr;
		om.header.len = hdrlen;
		if ((open = malloc(SS_MSG_OPEN_HDR(1) + hdrlen)) == NULL) {
			ss_err_errno("malloc");
			goto done;
		}
		hdrlen = ss_msg_open_encode(&om, 1, open);
		hdr = open;
	}
	if (ss_tee_call(e, SS_ECALL_OPEN, hdr, hdrlen, &buf, &len) != 0 ||
	    take(cookie, buf, len))
		goto done;
	if (ss_tee_pipeline(e, SS_ECALL_CHUNK, next_chunk, &fd, take,
	    cookie))
		goto done;
	ss_tee_stop(e);
	e = NULL;
	rc = 0;
done:
	ss_tee_stop(e);
	ss_stream_reader_free(fd.r);
	ss_input_close(fd.in);
	free(fd.req);
	free(open);
	return (rc);
}

int
ss_stage_run(const struct ss_stage_opts * o)
{
	struct sink sk = { NULL, 0, 0 };
	int rc = -1;

	if ((sk.out = ss_output_open(o->output, SS_OUTPUT_BINARY)) == NULL)
		return (-1);
	if (ss_stage_run_to(o, BATCH_BYTES, 0, take_output, &sk, &sk.live))
		goto done;
	rc = ss_output_commit(sk.out);
	sk.out = NULL;
done:
	ss_output_abort(sk.out);
	return (rc);
}
