#ifndef SS_ENCLAVE_H
#define SS_ENCLAVE_H

/*
 * The enclave's own entry: what the image's main loop (main.c) and the
 * none backend (through ss_enclave_entry, ecall.h) call.  The ecalls
 * themselves are specified in ecall.h.
 */

#include <stddef.h>
#include <stdint.h>

#include "ecall.h"

/**
 * ss_enclave_ecall(id, in, inlen, out, outcap, outlen):
 * Run ecall ${id}; see above.  ${outcap} must be at least
 * SS_ECALL_OUT_MIN.
 */
uint32_t ss_enclave_ecall(uint32_t, const uint8_t *, size_t, uint8_t *,
    size_t, size_t *);

/**
 * ss_enclave_ecall_grow(id, in, inlen, out, outcap, outlen):
 * ss_enclave_ecall(), growing the malloc()ed buffer ${*out} (of
 * ${*outcap} bytes) and pulling again whenever the enclave answers
 * SS_ECALL_SMALL: what every transport (the image's main loop, the none
 * backend) calls.  Returns as ss_enclave_ecall(), never SS_ECALL_SMALL.
 */
uint32_t ss_enclave_ecall_grow(uint32_t, const uint8_t *, size_t,
    uint8_t **, size_t *, size_t *);

/**
 * ss_enclave_set_lockdown(fn):
 * Make the enclave isolated: INIT calls ${fn}(fds, n) once it has opened
 * its key files (${fds}) and before it reads them; ${fn} must leave the
 * process able to read only those files and its channel.  Only the
 * enclave image's main() calls this; without it (the none backend) the
 * enclave reports itself as not isolated.
 */
void ss_enclave_set_lockdown(int (*)(const int *, size_t));

/**
 * ss_enclave_reset(void):
 * Wipe and free all enclave state (the none backend, at the end).
 */
void ss_enclave_reset(void);

#endif /* !SS_ENCLAVE_H */
