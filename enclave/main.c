/*
 * The enclave image (process backend): started by the host from a sealed
 * memfd, with its channel on descriptor 3 and the shared arena on 4
 * (channel.h).  Answers requests until the host closes the channel.
 */

#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <sodium.h>

#include "channel.h"
#include "ecall.h"
#include "ecall_msg.h"
#include "enclave.h"
#include "err.h"
#include "fdio.h"
#include "lockdown.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
/*
 * Sanitizer builds: LeakSanitizer's exit-time scan needs ptrace and
 * clone, which the seccomp filter forbids; leaks in enclave code are
 * found by running it in process (--tee none) instead.
 */
const char * __asan_default_options(void);
const char *
__asan_default_options(void)
{

	return ("detect_leaks=0");
}
#endif
#endif

/* The shared arena (channel.h), or NULL; answers sent so far. */
static uint8_t * arena;
static uint64_t nanswers;

/* Send an answer's header. */
static int
send_hdr(int fd, uint32_t status, size_t len, uint32_t off)
{
	struct ss_msg_chan_hdr m = { status, (uint32_t)len, off };
	uint8_t hdr[SS_CHAN_HDR_LEN];

	return (ss_write_all(fd, hdr, ss_msg_chan_hdr_encode(&m, hdr)));
}

/*
 * Send an answer: through the arena if the request came that way, the
 * call succeeded, the answer fits in a slot and the host is done with
 * that slot; else on the channel.
 */
static int
answer(int fd, uint32_t status, const uint8_t * out, size_t len,
    int via_arena)
{
	uint64_t k = nanswers++, released;
	uint32_t off;

	if (via_arena && arena != NULL && status == SS_ECALL_OK &&
	    len <= SS_ARENA_SLOT) {
		released = atomic_load_explicit((_Atomic uint64_t *)arena,
		    memory_order_acquire);
		if (k + 1 <= released + SS_ARENA_NOUT) {
			off = SS_ARENA_OUT +
			    (uint32_t)(k % SS_ARENA_NOUT) * SS_ARENA_SLOT;
			memcpy(arena + off, out, len);
			return (send_hdr(fd, status, len, off));
		}
	}
	if (send_hdr(fd, status, len, SS_CHAN_INLINE) ||
	    ss_write_all(fd, out, len))
		return (-1);
	return (0);
}

/*
 * A request too large for the memory we may lock: read and drop it (if
 * it came on the channel), say so, and stop.
 */
static int
refuse(int fd, uint8_t * buf, size_t bufsize, size_t len, int inline_)
{
	size_t n, total = len;
	int msglen;

	while (inline_ && len > 0) {
		n = (len < bufsize) ? len : bufsize;
		if (ss_read_all(fd, buf, n))
			return (2);
		len -= n;
	}
	msglen = snprintf((char *)buf, bufsize, "enclave out of memory for "
	    "a %zu-byte request (locked memory is limited: see ulimit -l)",
	    total);
	(void)answer(fd, SS_EXIT_SYS, buf, (size_t)msglen, 0);
	return (2);
}

static int
lockdown(const int * fds, size_t n)
{

	return (ss_lockdown_seccomp(SS_CHAN_FD, fds, n));
}

int
main(void)
{
	const int fd = SS_CHAN_FD;
	struct ss_msg_chan_hello hello;
	struct ss_msg_chan_hdr req;
	uint8_t hdr[SS_CHAN_HDR_LEN];
	uint8_t * in = NULL, * out, * nin;
	size_t insize = 0, outsize = SS_ECALL_OUT_MIN, outlen;
	uint32_t len, off, status;
	int afd = -1, hardened;

	/* Before anything else: nothing but the channel, no dumps. */
	if (fcntl(SS_CHAN_ARENA_FD, F_GETFD) != -1)
		afd = SS_CHAN_ARENA_FD;
	hardened = ss_lockdown_harden(fd, afd, SS_ARENA_SIZE, &arena);
	hello.flags = (arena != NULL) ? SS_CHAN_ARENA : 0;
	if (ss_write_all(fd, hdr, ss_msg_chan_hello_encode(&hello, hdr)))
		return (2);
	/*
	 * No configuration from the host's file system: openssl.cnf can
	 * load providers and engines, which would be code the measurement
	 * does not cover.
	 */
	if (sodium_init() < 0 ||
	    OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, NULL) != 1)
		return (2);
	ss_enclave_set_lockdown(lockdown);
	/* Buffers grow only as far as the data needs: memory is locked. */
	if ((out = malloc(outsize)) == NULL)
		return (2);

	for (;;) {
		if (ss_read_all(fd, hdr, sizeof(hdr)))
			break;
		ss_msg_chan_hdr_decode(&req, hdr);
		len = req.len;
		off = req.off;
		if (len > SS_ECALL_IN_MAX)
			return (2);
		/* Only the input slots, and only if there is an arena. */
		if (off != SS_CHAN_INLINE && (arena == NULL ||
		    off < SS_ARENA_IN || off > SS_ARENA_OUT ||
		    len > SS_ARENA_OUT - off))
			return (2);
		if (len > insize) {
			if ((nin = realloc(in, len)) == NULL)
				return (refuse(fd, out, outsize, len,
				    off == SS_CHAN_INLINE));
			in = nin;
			insize = len;
		}
		/* Into our own memory first: the host may change the arena. */
		if (off == SS_CHAN_INLINE) {
			if (ss_read_all(fd, in, len))
				return (2);
		} else if (len > 0)
			memcpy(in, arena + off, len);
		if (hardened != 0) {
			/* Report why we cannot run, and stop. */
			status = (uint32_t)ss_err_status();
			outlen = strlen(ss_err_msg());
			memcpy(out, ss_err_msg(), outlen);
		} else
			status = ss_enclave_ecall_grow(req.code, in, len, &out,
			    &outsize, &outlen);
		if (answer(fd, status, out, outlen, off != SS_CHAN_INLINE))
			return (2);
		if (hardened != 0)
			return (2);
	}
	/* The buffers hold only ciphertext; the flow wipes plaintext. */
	ss_enclave_reset();
	/*
	 * Leave with exit_group itself: atexit handlers (a sanitizer's leak
	 * check) make system calls outside the seccomp allow-list.
	 */
	syscall(SYS_exit_group, 0);
	return (0);
}
