#ifndef SS_ALLOC_COUNT_H
#define SS_ALLOC_COUNT_H

/*
 * Counting allocations, for the tests that show a path allocates nothing
 * once warm: the test program's own malloc(), calloc() and realloc() count
 * their calls in nallocs and pass them to glibc's.  Not under the
 * sanitizers, which bring their own: there NO_ALLOC_COUNT is defined, and
 * the tests that count skip.
 *
 * The functions are defined here, not declared: include this header in one
 * file of a test program only.
 */

#include <stddef.h>
#include <stdlib.h>

#if defined(__SANITIZE_ADDRESS__)
#define NO_ALLOC_COUNT
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define NO_ALLOC_COUNT
#endif
#endif

#ifndef NO_ALLOC_COUNT
extern void * __libc_malloc(size_t);
extern void * __libc_calloc(size_t, size_t);
extern void * __libc_realloc(void *, size_t);

/* Calls to malloc(), calloc() and realloc() so far. */
static unsigned long nallocs;

void *
malloc(size_t n)
{

	nallocs++;
	return (__libc_malloc(n));
}

void *
calloc(size_t n, size_t size)
{

	nallocs++;
	return (__libc_calloc(n, size));
}

void *
realloc(void * p, size_t n)
{

	nallocs++;
	return (__libc_realloc(p, n));
}
#endif

#endif /* !SS_ALLOC_COUNT_H */
