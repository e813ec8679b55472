/*
 * The enclave image (process backend): started by the host from a sealed
 * memfd, with its channel on descriptor 3.  Reads requests
 *	id[4] len[4] in[len]
 * and answers each with
 *	status[4] len[4] out[len]
 * until the host closes the channel.
 */

#include <sys/syscall.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <sodium.h>

#include "ecall.h"
#include "err.h"
#include "frame.h"
#include "io.h"
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

/*
 * A request too large for the memory we may lock: read and drop it, say
 * so, and stop.
 */
static int
refuse(int fd, uint8_t * buf, size_t bufsize, size_t len)
{
	uint8_t hdr[8];
	size_t n, total = len;
	int msglen;

	while (len > 0) {
		n = (len < bufsize) ? len : bufsize;
		if (ss_read_all(fd, buf, n))
			return (2);
		len -= n;
	}
	msglen = snprintf((char *)buf, bufsize, "enclave out of memory for "
	    "a %zu-byte request (locked memory is limited: see ulimit -l)",
	    total);
	ss_be32enc(hdr, SS_EXIT_SYS);
	ss_be32enc(hdr + 4, (uint32_t)msglen);
	(void)ss_write_all(fd, hdr, sizeof(hdr));
	(void)ss_write_all(fd, buf, (size_t)msglen);
	return (2);
}

static int
lockdown(const int * fds, size_t n)
{

	return (ss_lockdown_seccomp(SS_ENCLAVE_CHANNEL_FD, fds, n));
}

int
main(void)
{
	const int fd = SS_ENCLAVE_CHANNEL_FD;
	uint8_t hdr[8];
	uint8_t * in = NULL, * out, * nin;
	size_t insize = 0, outsize = SS_ECALL_OUT_MIN, outlen;
	uint32_t id, len, status;
	int hardened;

	/* Before anything else: nothing but the channel, no dumps. */
	hardened = ss_lockdown_harden(fd);
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
		id = ss_be32dec(hdr);
		len = ss_be32dec(hdr + 4);
		if (len > SS_ECALL_IN_MAX)
			return (2);
		if (len > insize) {
			if ((nin = realloc(in, len)) == NULL)
				return (refuse(fd, out, outsize, len));
			in = nin;
			insize = len;
		}
		if (ss_read_all(fd, in, len))
			return (2);
		if (hardened != 0) {
			/* Report why we cannot run, and stop. */
			status = (uint32_t)ss_err_status();
			outlen = strlen(ss_err_msg());
			memcpy(out, ss_err_msg(), outlen);
		} else
			status = ss_enclave_ecall_grow(id, in, len, &out,
			    &outsize, &outlen);
		ss_be32enc(hdr, status);
		ss_be32enc(hdr + 4, (uint32_t)outlen);
		if (ss_write_all(fd, hdr, sizeof(hdr)) ||
		    ss_write_all(fd, out, outlen))
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
