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
#include "enclave.h"
#include "err.h"
#include "flow.h"
#include "grow.h"
#include "keys.h"
#include "operator.h"
#include "platform.h"
#include "program.h"
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

/* One length-prefixed field of a request. */
struct field {
	const uint8_t * p;
	size_t len;
};

static int
get_field(struct field * fl, const uint8_t * in, size_t inlen, size_t * pos)
{
	uint32_t n;

	if (inlen - *pos < 4)
		return (-1);
	n = ss_be32dec(in + *pos);
	*pos += 4;
	if (inlen - *pos < n)
		return (-1);
	fl->p = in + *pos;
	fl->len = n;
	*pos += n;
	return (0);
}

/* A NUL-terminated copy of a path field, or NULL (recorded error). */
static char *
field_path(const struct field * fl)
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
open_platform_file(struct ss_keyfile * kf, const char * dir,
    const char * name)
{
	char path[PATH_MAX];
	int rc;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    (int)sizeof(path)) {
		ss_err_set(SS_EXIT_SYS, "%s: path too long", dir);
		return (-1);
	}
	if ((rc = ss_keyfile_open(kf, path, 1)) != 0 && errno == ENOENT) {
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

/* Read a platform secret from an opened key file into ${key}. */
static int
read_platform_key(struct ss_keyfile * kf, uint8_t * buf, uint8_t * key,
    const char * prefix, const char * kind)
{
	size_t len;

	if (ss_keyfile_read(kf, buf, &len))
		return (-1);
	if (ss_keys_decode_line(key, (const char *)buf, len, prefix, kind)) {
		ss_err_prefix("%s", kf->name);
		return (-1);
	}
	return (0);
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

/*
 * The program is complete: check it with the operator and, given a stage
 * key ${ids} (taken), set up the stage.
 */
static int
finish_init(const struct ss_program * prog, const struct ss_op * op,
    struct ss_identities * ids, size_t chunk_size)
{
	void * opstate;

	if ((opstate = op->new(prog)) == NULL) {
		ss_identities_free(ids);
		return (-1);
	}
	/* Several outputs: each has its own recipients. */
	if (op->shape != NULL &&
	    ss_flow_check_outputs(op, opstate, prog, NULL)) {
		op->free(opstate);
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
	uint8_t digest[SS_SHA256_LEN];
	size_t n;
	int rc;

	if (E.loaded == E.nfiles) {
		ss_err_set(SS_EXIT_SYS, "no program file is due");
		return (-1);
	}
	if (inlen < 1) {
		ss_err_set(SS_EXIT_SYS, "malformed load request");
		return (-1);
	}
	n = inlen - 1;
	if (n > SS_PROGRAM_FILE_MAX - pf->len) {
		ss_err_set(SS_EXIT_SYS, "program file longer than %zu bytes",
		    SS_PROGRAM_FILE_MAX);
		return (-1);
	}
	/* Room for the content and a NUL. */
	if (ss_grow(&pf->buf, &pf->size, pf->len + n + 1, 1))
		return (-1);
	if (n > 0)
		memcpy(pf->buf + pf->len, in + 1, n);
	pf->len += n;
	if ((in[0] & SS_LOAD_END) == 0)
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

static int
do_init(const uint8_t * in, size_t inlen, uint8_t * out, size_t * outlen)
{
	struct field program, image, platform, key, keyname;
	struct ss_keyfile kfs[3] = { { -1, NULL }, { -1, NULL },
	    { -1, NULL } };
	struct ss_keyfile * kf_id = &kfs[0], * kf_seal = &kfs[1],
	    * kf_attest = &kfs[2];
	int fds[3];
	size_t nfds = 0, pos = 13, i, len;
	struct ss_program * prog = NULL;
	struct ss_identities * ids = NULL;
	const struct ss_op * op;
	void * opstate;
	char * image_path = NULL, * dir = NULL, * keypath = NULL;
	char * name = NULL;
	uint8_t * buf = NULL, * sk = NULL, * seed = NULL;
	uint32_t flags, chunk_size;
	uint8_t keykind;
	int status, rc = -1;

	if (E.initialized) {
		ss_err_set(SS_EXIT_SYS, "enclave initialised twice");
		return (-1);
	}
	E.initialized = 1;
	if (inlen < 13 || ss_be32dec(in) != SS_INIT_VERSION)
		goto bad;
	flags = ss_be32dec(in + 4);
	chunk_size = ss_be32dec(in + 8);
	keykind = in[12];
	if (get_field(&program, in, inlen, &pos) ||
	    get_field(&image, in, inlen, &pos) ||
	    get_field(&platform, in, inlen, &pos) ||
	    get_field(&key, in, inlen, &pos) ||
	    get_field(&keyname, in, inlen, &pos) || pos != inlen ||
	    keykind > SS_KEY_SEALED || chunk_size < 1024 ||
	    chunk_size > SS_CHUNK_MAX)
		goto bad;
	if ((name = malloc(keyname.len + 1)) == NULL) {
		ss_err_errno("malloc");
		goto done;
	}
	memcpy(name, keyname.p, keyname.len);
	name[keyname.len] = '\0';

	/* Measure ourselves: our own image, not what the host says. */
	if (E.lockdown != NULL) {
		if (measure_image("/proc/self/exe"))
			goto done;
	} else {
		if ((image_path = field_path(&image)) == NULL ||
		    measure_image(image_path))
			goto done;
	}

	/* Open every key file before locking down; read them after. */
	if (keykind == SS_KEY_IDENTITY) {
		if ((keypath = field_path(&key)) == NULL ||
		    ss_keyfile_open(kf_id, keypath, 1))
			goto done;
		fds[nfds++] = kf_id->fd;
	}
	if (keykind == SS_KEY_SEALED || (flags & SS_INIT_ATTEST)) {
		if ((dir = field_path(&platform)) == NULL ||
		    open_platform_file(kf_seal, dir, SS_PLATFORM_SEAL_FILE))
			goto done;
		fds[nfds++] = kf_seal->fd;
	}
	if (flags & SS_INIT_ATTEST) {
		if (open_platform_file(kf_attest, dir,
		    SS_PLATFORM_ATTEST_FILE))
			goto done;
		fds[nfds++] = kf_attest->fd;
	}
	if (E.lockdown != NULL && E.lockdown(fds, nfds))
		goto done;

	/* Locked down: from here on, only the channel and these files. */
	if ((prog = ss_program_decode(program.p, program.len)) == NULL)
		goto done;
	if ((E.program = malloc(program.len)) == NULL) {
		ss_err_errno("malloc");
		goto done;
	}
	memcpy(E.program, program.p, program.len);
	E.program_len = program.len;
	if (ss_sha256(E.program_digest, program.p, program.len) ||
	    ss_measurement(E.measurement, E.image_digest, E.program_digest))
		goto done;
	if ((op = ss_op_find(prog->op)) == NULL) {
		ss_err_set(SS_EXIT_SYS, "unknown operator '%s'", prog->op);
		goto done;
	}
	if ((E.out_r = ss_program_recipients(prog)) == NULL)
		goto done;
	if (E.out_r->n == 0 && op->shape == NULL) {
		ss_err_set(SS_EXIT_SYS, "the program names no output "
		    "recipient");
		goto done;
	}
	if (find_files(prog, op))
		goto done;
	/* Check the operator now, unless it needs its files for that. */
	if (E.nfiles == 0) {
		if ((opstate = op->new(prog)) == NULL)
			goto done;
		/* Several outputs: each has its own recipients. */
		if (op->shape != NULL &&
		    ss_flow_check_outputs(op, opstate, prog, NULL)) {
			op->free(opstate);
			goto done;
		}
		op->free(opstate);
	}

	if ((buf = sodium_malloc(SS_KEYFILE_MAX)) == NULL ||
	    (sk = sodium_malloc(SS_KEY_LEN)) == NULL ||
	    (seed = sodium_malloc(SS_KEY_LEN)) == NULL) {
		ss_err_errno("sodium_malloc");
		goto done;
	}
	if (kf_seal->fd != -1) {
		if ((E.seal_root = sodium_malloc(SS_KEY_LEN)) == NULL) {
			ss_err_errno("sodium_malloc");
			goto done;
		}
		if (read_platform_key(kf_seal, buf, E.seal_root,
		    SS_PLATFORM_SEAL_PREFIX, "platform sealing key"))
			goto done;
	}
	if (kf_attest->fd != -1) {
		if ((E.attest_sk = sodium_malloc(
		    crypto_sign_SECRETKEYBYTES)) == NULL) {
			ss_err_errno("sodium_malloc");
			goto done;
		}
		if (read_platform_key(kf_attest, buf, seed,
		    SS_PLATFORM_ATTEST_PREFIX, "platform attestation key"))
			goto done;
		crypto_sign_seed_keypair(E.attest_pk, E.attest_sk, seed);
	}
	if (keykind != SS_KEY_NONE) {
		if ((ids = ss_identities_new()) == NULL)
			goto done;
		if (keykind == SS_KEY_IDENTITY) {
			if (ss_keyfile_read(kf_id, buf, &len))
				goto done;
			if (ss_identities_parse(ids, (const char *)buf, len)) {
				ss_err_prefix("%s", name);
				goto done;
			}
		} else {
			/* Only an isolated enclave may hold a sealed key. */
			if (E.lockdown == NULL) {
				ss_err_set(SS_EXIT_SYS, "%s: a sealed stage "
				    "key opens only in an isolated enclave, "
				    "not with --tee none (use -i IDENTITY to "
				    "debug)", name);
				goto done;
			}
			if (ss_unseal(sk, key.p, key.len, E.seal_root,
			    E.image_digest, E.program_digest) ||
			    ss_identities_add(ids, sk)) {
				ss_err_prefix("%s", name);
				goto done;
			}
		}
	}
	if (E.nfiles == 0) {
		status = finish_init(prog, op, ids, chunk_size);
		ids = NULL;
		if (status)
			goto done;
	} else {
		/* The rest waits for the files (do_load). */
		E.prog = prog;
		E.op = op;
		E.ids = ids;
		E.chunk_size = chunk_size;
		prog = NULL;
	}
	ids = NULL;

	memcpy(out, E.image_digest, SS_SHA256_LEN);
	memcpy(out + SS_SHA256_LEN, E.program_digest, SS_SHA256_LEN);
	memcpy(out + 2 * SS_SHA256_LEN, E.measurement, SS_SHA256_LEN);
	*outlen = 3 * SS_SHA256_LEN;
	rc = 0;
	goto done;
bad:
	ss_err_set(SS_EXIT_SYS, "malformed init request");
done:
	for (i = 0; i < 3; i++)
		ss_keyfile_close(&kfs[i]);
	ss_identities_free(ids);
	ss_program_free(prog);
	sodium_free(buf);
	sodium_free(sk);
	sodium_free(seed);
	free(image_path);
	free(dir);
	free(keypath);
	free(name);
	return (rc);
}

static int
do_new_identity(const uint8_t * in, size_t inlen)
{
	struct ss_quote q;
	uint8_t * sk, * out;
	size_t body;
	int rc = -1;

	if (E.attest_sk == NULL || E.seal_root == NULL || E.pend != NULL) {
		ss_err_set(SS_EXIT_SYS, "enclave not set up for attestation");
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
	q.tee = (E.lockdown != NULL) ? SS_TEE_SOFTWARE : SS_TEE_INPROCESS;
	memcpy(q.image_digest, E.image_digest, SS_SHA256_LEN);
	memcpy(q.program_digest, E.program_digest, SS_SHA256_LEN);
	memcpy(q.measurement, E.measurement, SS_SHA256_LEN);
	q.nonce_len = inlen;
	if (inlen > 0)
		memcpy(q.nonce, in, inlen);
	q.program = E.program;
	q.program_len = E.program_len;
	if (ss_key_generate(q.stage_pk, sk) ||
	    ss_quote_platform_id(q.platform_id, E.attest_pk) ||
	    ss_quote_report_data(q.report_data, q.stage_pk, in, inlen))
		goto done;
	body = ss_quote_body_len(&q);
	E.pendlen = 4 + SS_SEALED_LEN + body + SS_QUOTE_SIG_LEN;
	if ((out = E.pend = malloc(E.pendlen)) == NULL) {
		ss_err_errno("malloc");
		goto done;
	}
	ss_be32enc(out, SS_SEALED_LEN);
	if (ss_seal(out + 4, E.seal_root, E.image_digest, E.program_digest,
	    sk))
		goto done;
	ss_quote_encode_body(&q, out + 4 + SS_SEALED_LEN);
	crypto_sign_detached(out + 4 + SS_SEALED_LEN + body, NULL,
	    out + 4 + SS_SEALED_LEN, body, E.attest_sk);
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
		ss_be32enc(out, (uint32_t)E.pendlen);
		*len = 4;
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
 * One or more input chunks of input ${k}, back to back; ${flags} apply to
 * the last.  No chunk but SS_CHUNK_FLUSH: seal what the operator emitted.
 */
static int
do_chunks(size_t k, unsigned flags, const uint8_t * p, size_t len)
{
	uint32_t clen;
	size_t wl;
	int final;

	if (len == 0 && flags == SS_CHUNK_FLUSH)
		return (ss_flow_flush(E.flow));
	do {
		if (len < SS_CHUNK_PREFIX_LEN ||
		    ss_frame_prefix_read(p, &clen, &final) ||
		    (wl = SS_CHUNK_WIRE_LEN(clen)) > len) {
			ss_err_set(SS_EXIT_DATA, "malformed chunk request");
			return (-1);
		}
		if (ss_flow_chunk_from(E.flow, k, (wl == len) ? flags : 0, p,
		    wl))
			return (-1);
		p += wl;
		len -= wl;
	} while (len > 0);
	return (0);
}

/* OPEN and CHUNK of a framed flow: with an input index. */
static int
do_framed(uint32_t id, const uint8_t * in, size_t inlen)
{

	if (id == SS_ECALL_OPEN) {
		if (inlen < 4) {
			ss_err_set(SS_EXIT_SYS, "malformed open request");
			return (-1);
		}
		return (ss_flow_open_input(E.flow, ss_be32dec(in), in + 4,
		    inlen - 4));
	}
	if (id == SS_ECALL_CHUNK) {
		if (inlen < 5) {
			ss_err_set(SS_EXIT_SYS, "malformed chunk request");
			return (-1);
		}
		return (do_chunks(ss_be32dec(in + 1), in[0], in + 5,
		    inlen - 5));
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
		if (ss_flow_framed(E.flow))
			rc = do_framed(id, in, inlen);
		else if (id == SS_ECALL_OPEN)
			rc = ss_flow_open(E.flow, in, inlen);
		else if (id == SS_ECALL_CHUNK)
			rc = (inlen < 1) ? (ss_err_set(SS_EXIT_SYS,
			    "empty chunk request"), -1) :
			    do_chunks(0, in[0], in + 1, inlen - 1);
		else
			rc = 0;
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
	uint32_t status;
	uint8_t * nout;
	size_t need;

	status = ss_enclave_ecall(id, in, inlen, *out, *outcap, outlen);
	while (status == SS_ECALL_SMALL) {
		need = ss_be32dec(*out);
		if (need > SS_ECALL_OUT_MAX ||
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
