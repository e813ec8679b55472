#ifndef SS_HEAPSORT_H
#define SS_HEAPSORT_H

#include <stddef.h>

/* The largest element ss_heapsort() moves. */
#define SS_HEAPSORT_ELEM_MAX	64

/**
 * ss_heapsort(base, n, size, cmp, arg):
 * Sort the ${n} elements of ${size} bytes (at most SS_HEAPSORT_ELEM_MAX)
 * at ${base} by ${cmp}, which is passed ${arg}: a heapsort, not stable.
 * Not qsort(): glibc's asks the kernel how much memory there is
 * (sysinfo), which the enclave's seccomp filter does not allow.
 */
void ss_heapsort(void *, size_t, size_t,
    int (*)(const void *, const void *, void *), void *);

#endif /* !SS_HEAPSORT_H */
