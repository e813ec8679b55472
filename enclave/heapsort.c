/*
 * A heapsort for the enclave (heapsort.h).
 */

#include <stdint.h>
#include <string.h>

#include "heapsort.h"

void
ss_heapsort(void * base, size_t n, size_t size,
    int (* cmp)(const void *, const void *, void *), void * arg)
{
	uint8_t * b = base, t[SS_HEAPSORT_ELEM_MAX];
	size_t start, end, root, child;

#define EL(i)	(b + (i) * size)
#define SWAP(i, j) do {							\
	memcpy(t, EL(i), size);						\
	memcpy(EL(i), EL(j), size);					\
	memcpy(EL(j), t, size);						\
} while (0)
	if (n < 2)
		return;
	for (start = n / 2, end = n; ; ) {
		if (start > 0)
			start--;
		else if (--end > 0)
			SWAP(0, end);
		else
			break;
		for (root = start; (child = 2 * root + 1) < end; root = child) {
			if (child + 1 < end &&
			    cmp(EL(child), EL(child + 1), arg) < 0)
				child++;
			if (cmp(EL(root), EL(child), arg) >= 0)
				break;
			SWAP(root, child);
		}
	}
#undef SWAP
#undef EL
}
