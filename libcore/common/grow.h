#ifndef SS_GROW_H
#define SS_GROW_H

#include <stddef.h>

/**
 * ss_grow(p, cap, need, elem):
 * Make the malloc()ed array ${*p} (a pointer to the array pointer) of
 * ${*cap} elements of ${elem} bytes hold at least ${need} elements,
 * doubling from 16; its contents are kept.  Out of memory, or a size
 * past SIZE_MAX, is an ss_err (SS_EXIT_SYS) and leaves ${*p} as it was.
 */
int ss_grow(void *, size_t *, size_t, size_t);

#endif /* !SS_GROW_H */
