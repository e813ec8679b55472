#ifndef SS_TEE_H
#define SS_TEE_H

/*
 * The untrusted side of the ecall layer: start an enclave with a backend
 * and make ecalls (libcore/common/ecall.h) into it.
 *
 *	process	(the default) the enclave image, copied into a sealed
 *		memfd, measured, and run with fexecve(3) as a separate
 *		process that locks itself down; ecalls travel over a
 *		socketpair.
 *	none	the same enclave code linked into this process: no
 *		isolation at all, for debugging and for measuring what the
 *		boundary costs.  The program hands its enclave code in
 *		(ss_enclave_entry, ecall.h): host code never links it.
 *
 * The backend is named with --tee or $SS_TEE.  A new backend (sgx) adds
 * an entry to the table in tee.c; nothing else changes.
 *
 * The enclave image is $SS_ENCLAVE, else ../libexec/securestreams/
 * ss-enclave beside the running binary.
 */

#include <stddef.h>
#include <stdint.h>

#include "crypt.h"

struct ss_enclave;
struct ss_ecall_entry;

/**
 * ss_tee_check(name):
 * Check a backend name (NULL: $SS_TEE, else "process"); an unknown one
 * is a usage error (exit 2).  Return the name to use.
 */
const char * ss_tee_check(const char *);

/**
 * ss_tee_image(void):
 * The path of the enclave image (a new string; free() it).
 */
char * ss_tee_image(void);

/**
 * ss_tee_image_digest(path, digest):
 * SHA-256 of the enclave image at ${path}.
 */
int ss_tee_image_digest(const char *, uint8_t[SS_SHA256_LEN]);

/**
 * ss_tee_start(tee, inprocess):
 * Start an enclave with the backend ${tee} (as checked above); the none
 * backend runs ${inprocess} (NULL: it cannot start).
 */
struct ss_enclave * ss_tee_start(const char *, const struct ss_ecall_entry *);

/**
 * ss_tee_image_path(e):
 * The image ${e} was started from.
 */
const char * ss_tee_image_path(const struct ss_enclave *);

/**
 * ss_tee_call(e, id, in, inlen, out, outlen):
 * Make ecall ${id}.  Return 0 with the answer in ${out}, ${outlen} (valid
 * until the next call), or -1 if the enclave refused (its message and
 * status are recorded) or died (SS_EXIT_DATA, saying how).
 */
int ss_tee_call(struct ss_enclave *, uint32_t, const uint8_t *, size_t,
    const uint8_t **, size_t *);

/**
 * ss_tee_pipeline(e, id, next, ncookie, take, tcookie):
 * Make ecall ${id} once per request: ${next}(${ncookie}, slot, slotcap,
 * &req, &len) yields the next request (return 1), or ends the stream (0)
 * or fails (-1); ${take}(${tcookie}, out, len) gets each answer, in
 * order.  ${slot}, if not NULL, is where the request will be passed to
 * the enclave (${slotcap} bytes of the shared arena): ${next} may build
 * the request there and return ${slot} as ${req}, which saves a copy.  The
 * process backend runs ${next} in a second thread, so that the host reads
 * input and writes output while the enclave works; ${next} and ${take}
 * must share no state.  Returns 0 once every answer was taken, or -1: the
 * first failure of ${next}, of the enclave, or of ${take}.
 */
int ss_tee_pipeline(struct ss_enclave *, uint32_t,
    int (*)(void *, uint8_t *, size_t, const uint8_t **, size_t *), void *,
    int (*)(void *, const uint8_t *, size_t), void *);

/**
 * ss_tee_pid(e):
 * The enclave's process id, or 0 if it runs in this process.
 */
long ss_tee_pid(const struct ss_enclave *);

/**
 * ss_tee_stop(e):
 * Stop the enclave and free ${e}.  NULL is allowed.
 */
void ss_tee_stop(struct ss_enclave *);

#endif /* !SS_TEE_H */
