/*
 * The ecall dispatcher and the enclave's state.  This is the only state
 * the enclave keeps; one enclave serves one stage.
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "ecall.h"
#include "ecall_msg.h"
#include "enclave.h"
#include "err.h"
#include "flow.h"
#include "grow.h"
#include "operator.h"
#include "platform.h"
#include "program.h"
#include "seal.h"
#include "secret_file.h"
#include "tee_quote.h"

static struct enclave {
	int (* lockdown)(const int *, size_t);
	int initialized;
	int failed;
	uint8_t image_digest[SS_SHA256_LEN];
	uint8_t program_digest[SS_SHA256_LEN];
	uint8_t measurement[SS_SHA256_LEN];
	uint8_t * program;		/* canonical encoding */
	size_t program_len;
	struct ss_recipients * out_r;
	uint8_t * seal_root;		/* guarded; NULL unless needed */
	uint8_t * attest_sk;		/* guarded Ed25519 secret key */
	uint8_t hardware;		/* or SS_TEE_SNP, SS_TEE_TDX: the
					   host adds the evidence */
	uint8_t attest_pk[SS_KEY_LEN];
	struct ss_flow * flow;
	uint8_t * pend;			/* ss-attest new's answer */
	size_t pendlen;

	/* Until the program's files have come (ecall LOAD): */
	struct ss_program * prog;	/* the program, waiting for them */
	const struct ss_op * op;
	struct ss_identities * ids;	/* the stage key, if any */
	size_t chunk_size;
	struct pfile {
		size_t entry;		/* in prog */
		uint8_t digest[SS_SHA256_LEN];
		uint8_t * buf;		/* what came so far */
		size_t len, size;
	} files[SS_PROGRAM_FILES_MAX];
	size_t nfiles;			/* files the program names */
	size_t loaded;			/* files complete */
} E;

/* A NUL-terminated copy of a path field, or NULL (recorded error). */
static char *
field_path(const struct ss_msg_bytes * fl)
{
	char * s;

	if (fl->len == 0 || fl->len >= PATH_MAX ||
	    memchr(fl->p, '\0', fl->len) != NULL) {
		ss_err_set(SS_EXIT_SYS, "bad path in request");
		return (NULL);
	}
	if ((s = malloc(fl->len + 1)) == NULL) {
		ss_err_errno("malloc");
		return (NULL);
	}
	memcpy(s, fl->p, fl->len);
	s[fl->len] = '\0';
	return (s);
}

/* Open ${dir}/${name} for reading, private. */
static int
open_platform_file(struct ss_secret_file * sf, const char * dir,
    const char * name)
{
	char path[PATH_MAX];
	int rc;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    (int)sizeof(path)) {
		ss_err_set(SS_EXIT_SYS, "%s: path too long", dir);
		return (-1);
	}
	if ((rc = ss_secret_file_open(sf, path, 1)) != 0 && errno == ENOENT) {
		ss_err_set(SS_EXIT_SYS, "no platform at %s (run ss-attest "
		    "platform-init)", dir);
	}
	return (rc);
}

/* Hash the image this enclave runs from (or, in process, ${path}). */
static int
measure_image(const char * path)
{
	int fd;
	int rc;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		ss_err_errno("%s", path);
		return (-1);
	}
	rc = ss_sha256_fd(E.image_digest, fd, path);
	close(fd);
	return (rc);
}

/*
 * Find the program's files (the entries the registry says ${op} reads
 * from files): each must hold "sha256:" and 64 lowercase hex digits.
 */
static int
find_files(const struct ss_program * p, const struct ss_op * op)
{
	char hex[2 * SS_SHA256_LEN + 1];
	const struct ss_program_entry * e;
	const size_t plen = strlen(SS_PROGRAM_FILE_PREFIX);
	size_t i;

	for (i = 0; i < p->n; i++) {
		e = &p->e[i];
		if (ss_opdef_file(ss_opdef_get(op->id), e->key) == NULL)
			continue;
		if (E.nfiles == SS_PROGRAM_FILES_MAX ||
		    e->vallen != SS_PROGRAM_FILE_DIGEST_LEN ||
		    memcmp(e->val, SS_PROGRAM_FILE_PREFIX, plen) != 0 ||
		    sodium_hex2bin(E.files[E.nfiles].digest, SS_SHA256_LEN,
		    e->val + plen, e->vallen - plen, NULL, NULL, NULL) != 0) {
			ss_err_set(SS_EXIT_SYS, "malformed program: '%s' is "
			    "not a file digest", e->key);
			return (-1);
		}
		/* Canonical: lowercase. */
		sodium_bin2hex(hex, sizeof(hex), E.files[E.nfiles].digest,
		    SS_SHA256_LEN);
		if (memcmp(hex, e->val + plen, 2 * SS_SHA256_LEN) != 0) {
			ss_err_set(SS_EXIT_SYS, "malformed program: '%s' is "
			    "not a file digest", e->key);
			return (-1);
		}
		E.files[E.nfiles++].entry = i;
	}
	return (0);
}

/* The operator's state for ${prog}, its outputs checked; or NULL. */
static void *
new_operator(const struct ss_program * prog, const struct ss_op * op)
{
	void * opstate;

	if ((opstate = op->new(prog)) == NULL)
		return (NULL);
	/* Several outputs: each has its own recipients. */
	if (op->shape != NULL &&
	    ss_flow_check_outputs(op, opstate, prog, NULL)) {
		op->free(opstate);
		return (NULL);
	}
	return (opstate);
}

/*
 * The program is complete: check it with the operator and, given a stage
 * key ${ids} (taken), set up the stage.
 */
static int
finish_init(const struct ss_program * prog, const struct ss_op * op,
    struct ss_identities * ids, size_t chunk_size)
{
	void * opstate;

	if ((opstate = new_operator(prog, op)) == NULL) {
		ss_identities_free(ids);
		return (-1);
	}
	if (ids == NULL) {
		/* The operator is checked; ss-attest new needs no flow. */
		op->free(opstate);
		return (0);
	}
	if (op->shape != NULL)
		E.flow = ss_flow_new_framed(op, opstate, ids, prog,
		    chunk_size);
	else
		E.flow = ss_flow_new(op, opstate, ids, E.out_r, chunk_size);
	return ((E.flow == NULL) ? -1 : 0);
}

/* The next piece of the next program file. */
static int
do_load(const uint8_t * in, size_t inlen)
{
	struct pfile * pf = &E.files[E.loaded];
	struct ss_program_entry * e;
	struct ss_msg_load m;
	uint8_t digest[SS_SHA256_LEN];
	size_t n;
	int rc;

	if (E.loaded == E.nfiles) {
		ss_err_set(SS_EXIT_SYS, "no program file is due");
		return (-1);
	}
	if (ss_msg_load_decode(&m, in, inlen))
		return (-1);
	n = m.bytes.len;
	if (n > SS_PROGRAM_FILE_MAX - pf->len) {
		ss_err_set(SS_EXIT_SYS, "program file longer than %zu bytes",
		    SS_PROGRAM_FILE_MAX);
		return (-1);
	}
	/* Room for the content and a NUL. */
	if (ss_grow(&pf->buf, &pf->size, pf->len + n + 1, 1))
		return (-1);
	if (n > 0)
		memcpy(pf->buf + pf->len, m.bytes.p, n);
	pf->len += n;
	if ((m.flags & SS_LOAD_END) == 0)
		return (0);

	/* The whole file: is it the one the program was measured with? */
	e = &E.prog->e[pf->entry];
	if (ss_sha256(digest, pf->buf, pf->len))
		return (-1);
	if (memcmp(digest, pf->digest, SS_SHA256_LEN) != 0) {
		ss_err_set(SS_EXIT_DATA, "program file '%s' does not match "
		    "the digest in the program", e->key);
		return (-1);
	}
	pf->buf[pf->len] = '\0';
	free(e->val);
	e->val = (char *)pf->buf;
	e->vallen = pf->len;
	pf->buf = NULL;
	if (++E.loaded < E.nfiles)
		return (0);
	rc = finish_init(E.prog, E.op, E.ids, E.chunk_size);
	E.ids = NULL;
	ss_program_free(E.prog);
	E.prog = NULL;
	return (rc);
}

/* An INIT under way: what it opens before the lockdown and reads after. */
enum { FILE_IDENTITY, FILE_SEAL, FILE_ATTEST, NFILES };
struct init {
	struct ss_msg_init req;		/* points into the request */
	char * name;			/* req.keyname, NUL-terminated */
	struct ss_secret_file files[NFILES];
	struct ss_program * prog;
	const struct ss_op * op;
	struct ss_identities * ids;	/* the stage key, if any */
};

/* Decode the request, and the key's name for messages. */
static int
init_parse(struct init * st, const uint8_t * in, size_t inlen)
{
	const struct ss_msg_bytes * kn = &st->req.keyname;

	if (ss_msg_init_decode(&st->req, in, inlen))
		return (-1);
	/* One way to attest, at most. */
	switch (st->req.flags & (SS_INIT_ATTEST | SS_INIT_HARDWARE)) {
	case 0:
	case SS_INIT_ATTEST:
		break;
	case SS_INIT_SNP:
		E.hardware = SS_TEE_SNP;
		break;
	case SS_INIT_TDX:
		E.hardware = SS_TEE_TDX;
		break;
	default:
		ss_err_set(SS_EXIT_SYS, "malformed init request");
		return (-1);
	}
	if ((st->name = malloc(kn->len + 1)) == NULL) {
		ss_err_errno("malloc");
		return (-1);
	}
	memcpy(st->name, kn->p, kn->len);
	st->name[kn->len] = '\0';
	return (0);
}

/* Measure ourselves: our own image, not what the host says. */
static int
init_measure(const struct init * st)
{
	char * path;
	int rc;

	if (E.lockdown != NULL)
		return (measure_image("/proc/self/exe"));
	if ((path = field_path(&st->req.image)) == NULL)
		return (-1);
	rc = measure_image(path);
	free(path);
	return (rc);
}

/* Open every key file the request needs (read them after the lockdown). */
static int
init_open_files(struct init * st)
{
	const struct ss_msg_init * req = &st->req;
	char * keypath = NULL, * dir = NULL;
	int rc = -1;

	if (req->keykind == SS_KEY_IDENTITY) {
		if ((keypath = field_path(&req->key)) == NULL ||
		    ss_secret_file_open(&st->files[FILE_IDENTITY], keypath, 1))
			goto done;
	}
	if (req->keykind == SS_KEY_SEALED ||
	    (req->flags & (SS_INIT_ATTEST | SS_INIT_HARDWARE))) {
		if ((dir = field_path(&req->platform_dir)) == NULL ||
		    open_platform_file(&st->files[FILE_SEAL], dir,
		    SS_PLATFORM_SEAL_FILE))
			goto done;
	}
	if (req->flags & SS_INIT_ATTEST) {
		if (open_platform_file(&st->files[FILE_ATTEST], dir,
		    SS_PLATFORM_ATTEST_FILE))
			goto done;
	}
	rc = 0;
done:
	free(keypath);
	free(dir);
	return (rc);
}

/* Lock down: from here on, only the channel and the files opened. */
static int
init_lockdown(const struct init * st)
{
	int fds[NFILES];
	size_t nfds = 0, i;

	if (E.lockdown == NULL)
		return (0);
	for (i = 0; i < NFILES; i++)
		if (st->files[i].fd != -1)
			fds[nfds++] = st->files[i].fd;
	return (E.lockdown(fds, nfds));
}

/*
 * Decode the program, keep it, measure it with the image, and check it
 * (with the operator too, unless it needs its files for that).
 */
static int
init_program(struct init * st)
{
	const struct ss_msg_bytes * p = &st->req.program;
	void * opstate;

	if ((st->prog = ss_program_decode(p->p, p->len)) == NULL)
		return (-1);
	if ((E.program = malloc(p->len)) == NULL) {
		ss_err_errno("malloc");
		return (-1);
	}
	memcpy(E.program, p->p, p->len);
	E.program_len = p->len;
	if (ss_sha256(E.program_digest, p->p, p->len) ||
	    ss_measurement(E.measurement, E.image_digest, E.program_digest))
		return (-1);
	if ((st->op = ss_op_find(st->prog->op)) == NULL) {
		ss_err_set(SS_EXIT_SYS, "unknown operator '%s'", st->prog->op);
		return (-1);
	}
	if ((E.out_r = ss_program_recipients(st->prog)) == NULL)
		return (-1);
	if (E.out_r->n == 0 && st->op->shape == NULL) {
		ss_err_set(SS_EXIT_SYS, "the program names no output "
		    "recipient");
		return (-1);
	}
	if (find_files(st->prog, st->op))
		return (-1);
	if (E.nfiles == 0) {
		if ((opstate = new_operator(st->prog, st->op)) == NULL)
			return (-1);
		st->op->free(opstate);
	}
	return (0);
}

/* The stage key: from its identity file, or unsealed. */
static int
init_stage_key(struct init * st, uint8_t * buf, uint8_t * sk)
{
	const struct ss_msg_bytes * key = &st->req.key;
	size_t len;

	if ((st->ids = ss_identities_new()) == NULL)
		return (-1);
	if (st->req.keykind == SS_KEY_IDENTITY) {
		if (ss_secret_file_read(&st->files[FILE_IDENTITY], buf, &len))
			return (-1);
		if (ss_identities_parse(st->ids, (const char *)buf, len)) {
			ss_err_prefix("%s", st->name);
			return (-1);
		}
		return (0);
	}
	/* Only an isolated enclave may hold a sealed key. */
	if (E.lockdown == NULL) {
		ss_err_set(SS_EXIT_SYS, "%s: a sealed stage key opens only in "
		    "an isolated enclave, not with --tee none (use -i "
		    "IDENTITY to debug)", st->name);
		return (-1);
	}
	if (ss_unseal(sk, key->p, key->len, E.seal_root, E.image_digest,
	    E.program_digest) || ss_identities_add(st->ids, sk)) {
		ss_err_prefix("%s", st->name);
		return (-1);
	}
	return (0);
}

/* Read the platform's secrets and the stage key from the files opened. */
static int
init_read_keys(struct init * st)
{
	struct ss_secret_file * seal = &st->files[FILE_SEAL];
	struct ss_secret_file * attest = &st->files[FILE_ATTEST];
	uint8_t * buf = NULL, * sk = NULL, * seed = NULL;
	int rc = -1;

	if ((buf = sodium_malloc(SS_SECRET_FILE_MAX)) == NULL ||
	    (sk = sodium_malloc(SS_KEY_LEN)) == NULL ||
	    (seed = sodium_malloc(SS_KEY_LEN)) == NULL) {
		ss_err_errno("sodium_malloc");
		goto done;
	}
	if (seal->fd != -1) {
		if ((E.seal_root = sodium_malloc(SS_KEY_LEN)) == NULL) {
			ss_err_errno("sodium_malloc");
			goto done;
		}
		if (ss_secret_file_read_key(seal, buf, E.seal_root,
		    SS_PLATFORM_SEAL_PREFIX, "platform sealing key"))
			goto done;
	}
	if (attest->fd != -1) {
		if ((E.attest_sk = sodium_malloc(
		    crypto_sign_SECRETKEYBYTES)) == NULL) {
			ss_err_errno("sodium_malloc");
			goto done;
		}
		if (ss_secret_file_read_key(attest, buf, seed,
		    SS_PLATFORM_ATTEST_PREFIX, "platform attestation key"))
			goto done;
		crypto_sign_seed_keypair(E.attest_pk, E.attest_sk, seed);
	}
	if (st->req.keykind != SS_KEY_NONE && init_stage_key(st, buf, sk))
		goto done;
	rc = 0;
done:
	sodium_free(buf);
	sodium_free(sk);
	sodium_free(seed);
	return (rc);
}

static int
do_init(const uint8_t * in, size_t inlen, uint8_t * out, size_t * outlen)
{
	struct init st;
	struct ss_msg_init_answer answer;
	size_t i;
	int rc = -1;

	if (E.initialized) {
		ss_err_set(SS_EXIT_SYS, "enclave initialised twice");
		return (-1);
	}
	E.initialized = 1;
	memset(&st, 0, sizeof(st));
	for (i = 0; i < NFILES; i++)
		st.files[i].fd = -1;
	if (init_parse(&st, in, inlen) || init_measure(&st) ||
	    init_open_files(&st) || init_lockdown(&st) ||
	    init_program(&st) || init_read_keys(&st))
		goto done;
	if (E.nfiles == 0) {
		rc = finish_init(st.prog, st.op, st.ids, st.req.chunk_size);
		st.ids = NULL;
		if (rc)
			goto done;
	} else {
		/* The rest waits for the files (do_load). */
		E.prog = st.prog;
		E.op = st.op;
		E.ids = st.ids;
		E.chunk_size = st.req.chunk_size;
		st.prog = NULL;
		st.ids = NULL;
	}

	memcpy(answer.image_digest, E.image_digest, SS_SHA256_LEN);
	memcpy(answer.program_digest, E.program_digest, SS_SHA256_LEN);
	memcpy(answer.measurement, E.measurement, SS_SHA256_LEN);
	*outlen = ss_msg_init_answer_encode(&answer, out);
	rc = 0;
done:
	for (i = 0; i < NFILES; i++)
		ss_secret_file_close(&st.files[i]);
	ss_identities_free(st.ids);
	ss_program_free(st.prog);
	free(st.name);
	return (rc);
}

static int
do_new_identity(const uint8_t * in, size_t inlen)
{
	struct ss_quote q;
	uint8_t * sk, * sealed, * quote;
	size_t body, sig;
	int rc = -1;

	if ((E.attest_sk == NULL && E.hardware == 0) || E.seal_root == NULL ||
	    E.pend != NULL) {
		ss_err_set(SS_EXIT_SYS, "enclave not set up for attestation");
		return (-1);
	}
	/* Hardware vouches for the VM: the stage key must stay ours. */
	if (E.hardware != 0 && E.lockdown == NULL) {
		ss_err_set(SS_EXIT_SYS, "a hardware quote is made only by an "
		    "isolated enclave (--tee process)");
		return (-1);
	}
	if (inlen > SS_NONCE_MAX) {
		ss_err_set(SS_EXIT_SYS, "nonce longer than %d bytes",
		    SS_NONCE_MAX);
		return (-1);
	}
	if ((sk = sodium_malloc(SS_KEY_LEN)) == NULL) {
		ss_err_errno("sodium_malloc");
		return (-1);
	}
	memset(&q, 0, sizeof(q));
	q.tee = (E.hardware != 0) ? E.hardware : (E.lockdown != NULL) ?
	    SS_TEE_SOFTWARE : SS_TEE_INPROCESS;
	memcpy(q.image_digest, E.image_digest, SS_SHA256_LEN);
	memcpy(q.program_digest, E.program_digest, SS_SHA256_LEN);
	memcpy(q.measurement, E.measurement, SS_SHA256_LEN);
	q.nonce_len = inlen;
	if (inlen > 0)
		memcpy(q.nonce, in, inlen);
	q.program = E.program;
	q.program_len = E.program_len;
	if (ss_key_generate(q.stage_pk, sk) || (E.hardware == 0 &&
	    ss_quote_platform_id(q.platform_id, E.attest_pk)) ||
	    ss_quote_report_data(q.report_data, q.stage_pk, in, inlen))
		goto done;
	body = ss_quote_body_len(&q);
	sig = (E.hardware != 0) ? 0 : SS_QUOTE_SIG_LEN;
	E.pendlen = SS_MSG_IDENTITY_HDR + SS_SEALED_LEN + body + sig;
	if ((E.pend = malloc(E.pendlen)) == NULL) {
		ss_err_errno("malloc");
		goto done;
	}
	/* The answer (ecall_msg.h), its parts made in place. */
	ss_msg_identity_put_header(E.pend, SS_SEALED_LEN);
	sealed = E.pend + SS_MSG_IDENTITY_HDR;
	quote = sealed + SS_SEALED_LEN;
	if (ss_seal(sealed, E.seal_root, E.image_digest, E.program_digest,
	    sk))
		goto done;
	ss_quote_encode_body(&q, quote);
	if (E.hardware == 0)
		crypto_sign_detached(quote + body, NULL, quote, body,
		    E.attest_sk);
	rc = 0;
done:
	sodium_free(sk);
	return (rc);
}

/* Hand over ss-attest new's answer, as ss_flow_pull() does. */
static int
pull_pending(uint8_t * out, size_t cap, size_t * len)
{

	if (E.pendlen > cap) {
		*len = ss_msg_small_encode(out, (uint32_t)E.pendlen);
		return (2);
	}
	memcpy(out, E.pend, E.pendlen);
	*len = E.pendlen;
	free(E.pend);
	E.pend = NULL;
	E.pendlen = 0;
	return (0);
}

/*
 * The input chunks of a CHUNK request, back to back; its flags apply to
 * the last.  No chunk but SS_CHUNK_FLUSH: seal what the operator emitted.
 */
static int
do_chunks(const struct ss_msg_chunk * m)
{
	struct ss_msg_bytes rest = m->chunks, chunk;

	if (rest.len == 0 && m->flags == SS_CHUNK_FLUSH)
		return (ss_flow_flush(E.flow));
	do {
		if (ss_msg_chunk_next(&rest, &chunk) ||
		    ss_flow_chunk_from(E.flow, m->in_index,
		    (rest.len == 0) ? m->flags : 0, chunk.p, chunk.len))
			return (-1);
	} while (rest.len > 0);
	return (0);
}

/* OPEN and CHUNK; in a framed flow, with an input index. */
static int
do_stream(uint32_t id, const uint8_t * in, size_t inlen)
{
	struct ss_msg_open o;
	struct ss_msg_chunk c;
	int framed = ss_flow_framed(E.flow);

	if (id == SS_ECALL_OPEN) {
		if (ss_msg_open_decode(&o, framed, in, inlen))
			return (-1);
		if (framed)
			return (ss_flow_open_input(E.flow, o.in_index,
			    o.header.p, o.header.len));
		return (ss_flow_open(E.flow, o.header.p, o.header.len));
	}
	if (id == SS_ECALL_CHUNK) {
		if (ss_msg_chunk_decode(&c, framed, in, inlen))
			return (-1);
		return (do_chunks(&c));
	}
	return (0);
}

uint32_t
ss_enclave_ecall(uint32_t id, const uint8_t * in, size_t inlen,
    uint8_t * out, size_t outcap, size_t * outlen)
{
	const char * msg;
	int rc = -1;
	size_t n;

	*outlen = 0;
	if (E.failed) {
		ss_err_set(SS_EXIT_SYS, "enclave stopped after an error");
		goto err;
	}
	if (outcap < SS_ECALL_OUT_MIN) {
		ss_err_set(SS_EXIT_SYS, "ecall output buffer too small");
		goto err;
	}
	if (id != SS_ECALL_INIT && !E.initialized) {
		ss_err_set(SS_EXIT_SYS, "enclave not initialised");
		goto err;
	}
	switch (id) {
	case SS_ECALL_INIT:
		rc = do_init(in, inlen, out, outlen);
		break;
	case SS_ECALL_LOAD:
		rc = do_load(in, inlen);
		break;
	case SS_ECALL_NEW_IDENTITY:
		if (E.loaded < E.nfiles) {
			ss_err_set(SS_EXIT_SYS, "program files not loaded");
			break;
		}
		rc = do_new_identity(in, inlen);
		if (rc == 0)
			rc = pull_pending(out, outcap, outlen);
		break;
	case SS_ECALL_OPEN:
	case SS_ECALL_CHUNK:
	case SS_ECALL_PULL:
		if (id == SS_ECALL_PULL && E.pend != NULL) {
			rc = pull_pending(out, outcap, outlen);
			break;
		}
		if (E.loaded < E.nfiles) {
			ss_err_set(SS_EXIT_SYS, "program files not loaded");
			break;
		}
		if (E.flow == NULL) {
			ss_err_set(SS_EXIT_SYS, "enclave has no stage key");
			break;
		}
		rc = do_stream(id, in, inlen);
		if (rc == 0)
			rc = ss_flow_pull(E.flow, out, outcap, outlen);
		break;
	default:
		ss_err_set(SS_EXIT_SYS, "unknown ecall %lu",
		    (unsigned long)id);
		break;
	}
	if (rc == 0)
		return (SS_ECALL_OK);
	if (rc == 2)
		return (SS_ECALL_SMALL);
err:
	E.failed = 1;
	/* Locked memory is what runs out first: say so. */
	if (E.lockdown != NULL && strstr(ss_err_msg(), strerror(ENOMEM)))
		ss_err_prefix("enclave out of memory (locked memory is "
		    "limited: see ulimit -l)");
	msg = ss_err_msg();
	n = strlen(msg);
	if (n > outcap - 1)
		n = outcap - 1;
	memcpy(out, msg, n);
	*outlen = n;
	return ((uint32_t)ss_err_status());
}

uint32_t
ss_enclave_ecall_grow(uint32_t id, const uint8_t * in, size_t inlen,
    uint8_t ** out, size_t * outcap, size_t * outlen)
{
	static const char oom[] = "enclave out of memory (see ulimit -l)";
	uint32_t status, need;
	uint8_t * nout;

	status = ss_enclave_ecall(id, in, inlen, *out, *outcap, outlen);
	while (status == SS_ECALL_SMALL) {
		if (ss_msg_small_decode(&need, *out, *outlen) ||
		    need > SS_ECALL_OUT_MAX ||
		    (nout = realloc(*out, need)) == NULL) {
			E.failed = 1;
			memcpy(*out, oom, sizeof(oom) - 1);
			*outlen = sizeof(oom) - 1;
			return (SS_EXIT_SYS);
		}
		*out = nout;
		*outcap = need;
		status = ss_enclave_ecall(SS_ECALL_PULL, NULL, 0, *out,
		    *outcap, outlen);
	}
	return (status);
}

const struct ss_ecall_entry ss_enclave_entry = {
	ss_enclave_ecall_grow,
	ss_enclave_reset,
};

void
ss_enclave_set_lockdown(int (* fn)(const int *, size_t))
{

	E.lockdown = fn;
}

void
ss_enclave_reset(void)
{
	size_t i;

	ss_flow_free(E.flow);
	ss_program_free(E.prog);
	ss_identities_free(E.ids);
	for (i = 0; i < E.nfiles; i++)
		free(E.files[i].buf);
	ss_recipients_free(E.out_r);
	free(E.program);
	free(E.pend);
	sodium_free(E.seal_root);
	sodium_free(E.attest_sk);
	memset(&E, 0, sizeof(E));
}
