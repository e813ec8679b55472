#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "grow.h"

int
ss_grow(void * pp, size_t * cap, size_t need, size_t elem)
{
	void * q;
	size_t n = (*cap > 0) ? *cap : 16;

	if (need <= *cap)
		return (0);
	while (n < need) {
		if (n > SIZE_MAX / 2 / elem)
			goto nomem;
		n *= 2;
	}
	if ((q = realloc(*(void **)pp, n * elem)) == NULL)
		goto nomem;
	*(void **)pp = q;
	*cap = n;
	return (0);
nomem:
	errno = ENOMEM;
	ss_err_errno("realloc");
	return (-1);
}
