/* The operators' code, for each operator of the registry (operator.h). */

#include <stddef.h>

#include "flow.h"
#include "operator.h"

#define SS_OP_CODE(name)	[SS_OP_##name] = &ss_op_##name,
static const struct ss_op * const ops[SS_OP_COUNT] = {
	SS_OPERATORS(SS_OP_CODE)
};
#undef SS_OP_CODE

const struct ss_op *
ss_op_find(const char * name)
{
	const struct ss_opdef * def = ss_opdef_find(name);

	return ((def != NULL) ? ops[def->id] : NULL);
}
