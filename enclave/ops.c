/* The operator table. */

#include <string.h>

#include "flow.h"

static const struct ss_op * const ops[] = {
	&ss_op_map,
	&ss_op_match,
	&ss_op_route,
	&ss_op_merge,
	&ss_op_reduce,
};

const struct ss_op *
ss_op_find(const char * name)
{
	size_t i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strcmp(ops[i]->name, name) == 0)
			return (ops[i]);
	return (NULL);
}
