#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../enclave/ecall.h"
#include "batch.h"
#include "cli.h"
#include "enclave.h"
#include "err.h"
#include "frame.h"
#include "io.h"
#include "key.h"
#include "platform.h"
#include "program.h"
#include "stage.h"
#include "stream.h"

#define SEALED_FILE_MAX	4096
#define BATCH_BYTES	(256 * 1024)	/* chunks per enclave call */

enum { OPT_SEALED = 256, OPT_TEE, OPT_CHUNK, OPT_ARG = 512 };

/* The name of option ${ch} of ${spec}. */
static const char *
opt_name(const struct ss_stage_spec * spec, int ch, char * buf,
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
	case 'h':
		return ("--help");
	case 'V':
		return ("--version");
	default:
		if (spec->args[ch - OPT_ARG].ch != 0)
			snprintf(buf, size, "-%c", spec->args[ch - OPT_ARG].ch);
		else
			snprintf(buf, size, "--%s",
			    spec->args[ch - OPT_ARG].name);
		return (buf);
	}
}

/* The common options, then ${spec}'s own. */
static struct option *
make_longopts(const struct ss_stage_spec * spec, char * shortopts)
{
	static const struct option common[] = {
		{ "recipient", required_argument, NULL, 'r' },
		{ "recipients-file", required_argument, NULL, 'R' },
		{ "identity", required_argument, NULL, 'i' },
		{ "sealed", required_argument, NULL, OPT_SEALED },
		{ "output", required_argument, NULL, 'o' },
		{ "tee", required_argument, NULL, OPT_TEE },
		{ "chunk-size", required_argument, NULL, OPT_CHUNK },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
	};
	const size_t ncommon = sizeof(common) / sizeof(common[0]);
	struct option * lo;
	size_t n, i, pos;

	for (n = 0; spec->args[n].name != NULL; n++)
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
		lo[ncommon + i].name = spec->args[i].name;
		lo[ncommon + i].has_arg = spec->args[i].flag ? no_argument :
		    required_argument;
		lo[ncommon + i].val = OPT_ARG + (int)i;
		if (spec->args[i].ch != 0) {
			shortopts[pos++] = (char)spec->args[i].ch;
			if (!spec->args[i].flag)
				shortopts[pos++] = ':';
		}
	}
	shortopts[pos] = '\0';
	return (lo);
}

/* The index of ${spec}'s option with short name ${ch}, or -1. */
static int
short_arg(const struct ss_stage_spec * spec, int ch)
{
	int i;

	for (i = 0; spec->args[i].name != NULL; i++)
		if (spec->args[i].ch == ch)
			return (i);
	return (-1);
}

void
ss_stage_parse(const struct ss_stage_spec * spec, int argc, char ** argv,
    int mode, struct ss_stage_opts * o, void (* usage)(void))
{
	char shortopts[128], buf[64];
	struct option * longopts;
	struct ss_recipients * r;
	const struct ss_stage_arg * a;
	const char ** rfiles;
	const char * tee = NULL;
	int seen_arg[SS_STAGE_ARGS_MAX] = { 0 };
	size_t nrfiles = 0, i;
	int seen_i = 0, seen_s = 0, seen_o = 0, seen_t = 0, seen_c = 0;
	int ch, k;

	memset(o, 0, sizeof(*o));
	o->chunk_size = SS_CHUNK_TARGET;
	longopts = make_longopts(spec, shortopts);
	if ((r = ss_recipients_new()) == NULL ||
	    (rfiles = calloc((size_t)argc, sizeof(*rfiles))) == NULL ||
	    (o->program = ss_program_new(spec->op)) == NULL)
		ss_cli_fatal();
	opterr = 0;
	optind = 0;
	while ((ch = getopt_long(argc, argv, shortopts, longopts,
	    NULL)) != -1) {
		/* A short option of the operator's own. */
		if (ch < 256 && ch != ':' && ch != '?' &&
		    (k = short_arg(spec, ch)) != -1)
			ch = OPT_ARG + k;
		/* Deployment options are not part of a program. */
		if (mode == SS_STAGE_PROGRAM && ch < OPT_ARG && ch != 'r' &&
		    ch != 'R' && ch != '?' && ch != ':')
			ss_cli_usage_error("%s: %s is not part of the "
			    "program (it is given to the stage when it runs)",
			    argv[0], opt_name(spec, ch, buf, sizeof(buf)));
		if (ch >= OPT_ARG) {
			a = &spec->args[ch - OPT_ARG];
			if (a->once)
				ss_cli_once(&seen_arg[ch - OPT_ARG],
				    opt_name(spec, ch, buf, sizeof(buf)));
			if (ss_program_add(o->program, a->key,
			    a->flag ? "1" : optarg,
			    strlen(a->flag ? "1" : optarg)))
				ss_cli_fatal();
			continue;
		}
		switch (ch) {
		case 'r':
			if (ss_recipients_add(r, optarg)) {
				ss_err_prefix("-r");
				ss_cli_fatal();
			}
			break;
		case 'R':
			rfiles[nrfiles++] = optarg;
			break;
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
		case 'h':
			usage();
			break;
		case 'V':
			ss_cli_version();
			break;
		default:
			ss_cli_bad_option(argv, ch);
		}
	}
	free(longopts);
	/* Operands: the operator's, or none (the stream is stdin). */
	for (i = (size_t)optind; i < (size_t)argc; i++) {
		if (spec->operand_key == NULL)
			ss_cli_usage_error("unexpected operand '%s' (ss-%s "
			    "reads its stream from standard input)", argv[i],
			    spec->op);
		if (ss_program_add(o->program, spec->operand_key, argv[i],
		    strlen(argv[i])))
			ss_cli_fatal();
	}

	/* The program: the operator's arguments and the recipients. */
	for (i = 0; mode == SS_STAGE_RUN && i < nrfiles; i++)
		if (strcmp(rfiles[i], "-") == 0)
			ss_cli_usage_error("-R -: standard input holds the "
			    "stream: give the recipients as a file");
	spec->check(o->program);
	ss_cli_load_recipients(r, rfiles, nrfiles,
	    (mode == SS_STAGE_RUN) ? NULL : "");
	if (ss_program_add_recipients(o->program, r))
		ss_cli_fatal();
	ss_recipients_free(r);
	free(rfiles);

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
	o->tee = ss_enclave_check_tee(tee);
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
"  -h, --help             show this help\n"
"  -V, --version          show the version\n"
"\n"
"Exit status: 0 success, 1 stream or key refused (or the enclave died),\n"
"2 usage or system error.\n", stage_program);
	exit(SS_EXIT_OK);
}

int
ss_stage_main(const char * op, int argc, char ** argv, const char * help,
    const char * program)
{
	struct ss_stage_opts o;
	static char name[64];	/* the program name, for good */

	snprintf(name, sizeof(name), "ss-%s", op);
	ss_cli_init(name);
	stage_help = help;
	stage_program = program;
	ss_stage_parse(ss_stage_find(op), argc, argv, SS_STAGE_RUN, &o,
	    stage_usage);
	if (ss_stage_run(&o))
		ss_cli_fatal();
	ss_program_free(o.program);
	return (SS_EXIT_OK);
}

/* Append len[4] bytes[len]. */
static void
put_field(uint8_t * buf, size_t * pos, const void * p, size_t len)
{

	ss_be32enc(buf + *pos, (uint32_t)len);
	if (len > 0)
		memcpy(buf + *pos + 4, p, len);
	*pos += 4 + len;
}

int
ss_stage_init_request(const struct ss_stage_opts * o, const char * image,
    int attest, int keykind, const void * key, size_t keylen,
    const char * keyname, unsigned char ** req, size_t * reqlen)
{
	uint8_t * prog = NULL, * buf;
	char * dir = NULL;
	size_t proglen, len, pos = 0;
	int rc = -1;

	if (ss_program_encode(o->program, &prog, &proglen))
		return (-1);
	if ((dir = ss_platform_dir()) == NULL)
		goto done;
	len = 13 + 5 * 4 + proglen + strlen(image) + strlen(dir) + keylen +
	    strlen(keyname);
	if ((buf = malloc(len)) == NULL) {
		ss_err_errno("malloc");
		goto done;
	}
	ss_be32enc(buf, SS_INIT_VERSION);
	ss_be32enc(buf + 4, attest ? SS_INIT_ATTEST : 0);
	ss_be32enc(buf + 8, (uint32_t)o->chunk_size);
	buf[12] = (uint8_t)keykind;
	pos = 13;
	put_field(buf, &pos, prog, proglen);
	put_field(buf, &pos, image, strlen(image));
	put_field(buf, &pos, dir, strlen(dir));
	put_field(buf, &pos, key, keylen);
	put_field(buf, &pos, keyname, strlen(keyname));
	*req = buf;
	*reqlen = pos;
	rc = 0;
done:
	free(prog);
	free(dir);
	return (rc);
}

/* Start the enclave and give it the stage's program and key. */
static struct ss_enclave *
start_stage(const struct ss_stage_opts * o)
{
	struct ss_enclave * e;
	uint8_t sealed[SEALED_FILE_MAX];
	uint8_t * req = NULL;
	const uint8_t * out;
	size_t reqlen, outlen, slen;
	int rc;

	if ((e = ss_enclave_start(o->tee)) == NULL)
		return (NULL);
	if (o->sealed != NULL) {
		if (ss_read_small_file(o->sealed, sealed, sizeof(sealed),
		    &slen, NULL)) {
			ss_err_prefix("%s", o->sealed);
			goto err;
		}
		rc = ss_stage_init_request(o, ss_enclave_image_path(e), 0,
		    SS_KEY_SEALED, sealed, slen, o->sealed, &req, &reqlen);
	} else
		rc = ss_stage_init_request(o, ss_enclave_image_path(e), 0,
		    SS_KEY_IDENTITY, o->identity, strlen(o->identity),
		    o->identity, &req, &reqlen);
	if (rc || ss_enclave_call(e, SS_ECALL_INIT, req, reqlen, &out,
	    &outlen) != 0)
		goto err;
	free(req);
	return (e);
err:
	free(req);
	ss_enclave_stop(e);
	return (NULL);
}

/* The reading side of a running stage (the pipeline's sender). */
struct feed {
	struct ss_input * in;
	struct ss_stream_reader * r;
	uint8_t * req;			/* flags[1] chunk[] */
	size_t reqsize;
};

/* Nothing more to read right now on a live input? */
static int
input_idle(const struct ss_input * in)
{
	struct pollfd p = { .fd = in->fd, .events = POLLIN };

	if (in->is_regular)
		return (0);
	return (poll(&p, 1, 0) == 0);
}

/*
 * Next request: the next input chunks, as they came.  Chunks that are
 * ready are batched, up to BATCH_BYTES, so that the enclave is called
 * less often; a live input that pauses ends a batch at once.
 */
static int
next_chunk(void * cookie, const uint8_t ** req, size_t * len)
{
	struct feed * fd = cookie;
	const uint8_t * raw, * pt;
	uint8_t * nreq;
	size_t rawlen, ptlen, used = 1;
	int rc, idle = 0;

	for (;;) {
		if ((rc = ss_stream_reader_next(fd->r, &pt, &ptlen)) != 1) {
			if (rc == -1 && fd->in->owned &&
			    ss_err_status() == SS_EXIT_DATA)
				ss_err_prefix("%s", fd->in->name);
			if (rc == 0 && used > 1)
				break;
			return (rc);
		}
		raw = ss_stream_reader_raw(fd->r, &rawlen);
		if (used + rawlen > fd->reqsize) {
			if ((nreq = realloc(fd->req, used + rawlen)) == NULL) {
				ss_err_errno("realloc");
				return (-1);
			}
			fd->req = nreq;
			fd->reqsize = used + rawlen;
		}
		memcpy(fd->req + used, raw, rawlen);
		used += rawlen;
		/* The final chunk, or a live stream paused: send it now. */
		if ((raw[0] & 0x80) != 0 ||
		    (idle = input_idle(fd->in)) != 0 || used >= BATCH_BYTES)
			break;
	}
	fd->req[0] = idle ? SS_CHUNK_FLUSH : 0;
	*req = fd->req;
	*len = used;
	return (1);
}

/* The writing side: every answer is a run of whole output chunks. */
struct sink {
	struct ss_output * out;
	int live;
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
ss_stage_run(const struct ss_stage_opts * o)
{
	struct ss_enclave * e = NULL;
	struct feed fd = { NULL, NULL, NULL, 0 };
	struct sink sk = { NULL, 0 };
	const uint8_t * buf, * hdr;
	size_t len, hdrlen;
	int rc = -1;

	if ((sk.out = ss_output_open(o->output, SS_OUTPUT_BINARY)) == NULL)
		return (-1);
	if ((e = start_stage(o)) == NULL)
		goto done;
	if ((fd.in = ss_input_open(NULL)) == NULL)
		goto done;
	sk.live = !fd.in->is_regular;
	if ((fd.r = ss_stream_reader_new(fd.in, NULL)) == NULL) {
		if (fd.in->owned && ss_err_status() == SS_EXIT_DATA)
			ss_err_prefix("%s", fd.in->name);
		goto done;
	}
	hdr = ss_stream_reader_header(fd.r, &hdrlen);
	if (ss_enclave_call(e, SS_ECALL_OPEN, hdr, hdrlen, &buf, &len) != 0 ||
	    ss_output_write(sk.out, buf, len) || ss_output_flush(sk.out))
		goto done;
	if (ss_enclave_pipeline(e, SS_ECALL_CHUNK, next_chunk, &fd,
	    take_output, &sk))
		goto done;
	ss_enclave_stop(e);
	e = NULL;
	rc = ss_output_commit(sk.out);
	sk.out = NULL;
done:
	ss_output_abort(sk.out);
	ss_enclave_stop(e);
	ss_stream_reader_free(fd.r);
	ss_input_close(fd.in);
	free(fd.req);
	return (rc);
}
