#ifndef SS_LOCKDOWN_H
#define SS_LOCKDOWN_H

/*
 * Isolation of the enclave process (the process backend), in two steps:
 *
 * ss_lockdown_harden(), first thing in main(), before any request is
 * read: close every descriptor but the channel (and the shared arena,
 * which it maps, unlocked, and closes), no core dumps
 * (RLIMIT_CORE 0), not dumpable (so other processes of the same user
 * cannot ptrace it or read /proc/PID/mem), no new privileges, and all
 * memory locked (never swapped).
 *
 * ss_lockdown_seccomp(), once the key files are open and before they are
 * read: a seccomp filter that kills the process on any system call but
 * read(2) on the channel and those files, write(2) on the channel,
 * close, exit, the memory calls of malloc(3) and sodium_malloc(3)
 * (never with PROT_EXEC), and getrandom(2).
 */

#include <stddef.h>
#include <stdint.h>

/**
 * ss_lockdown_harden(chan, shared, size, map):
 * Harden the process; ${chan} is the only descriptor kept.  If
 * ${shared} is not -1 (it must then be greater than ${chan}), it is a
 * memory file of ${size} bytes, sealed against shrinking, that holds
 * nothing secret: map it shared and not locked into ${*map} (NULL if it
 * is not such a file or cannot be mapped), and close it.
 */
int ss_lockdown_harden(int, int, size_t, uint8_t **);

/**
 * ss_lockdown_seccomp(chan, fds, n):
 * Enter the seccomp filter.
 */
int ss_lockdown_seccomp(int, const int *, size_t);

#endif /* !SS_LOCKDOWN_H */
