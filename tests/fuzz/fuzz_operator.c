/*
 * libFuzzer harness for the operators' program parsers (the registry,
 * libcore/common/operator.c and op_conf.c).  The first byte picks the
 * operator; the rest is the program's entries, separated by 0x1e, each
 * KEY=VALUE (file entries hold the file's content, as the enclave sees
 * them once loaded).
 *
 * A refusal records a message and, when it has a place, a column inside
 * one of the program's texts.  Whatever the parser decides, the enclave's
 * operator (enclave/ops.c) must decide the same with the same message:
 * a program the command line accepts is one the enclave accepts.
 */

#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "flow.h"
#include "operator.h"
#include "program.h"

#include "fuzz_util.h"

int
LLVMFuzzerInitialize(int * argc, char *** argv)
{

	fu_init(argc, argv);
	return (0);
}

/* The program of ${op} that ${data} spells; NULL if it spells none. */
static struct ss_program *
program(const char * op, const uint8_t * data, size_t size)
{
	struct ss_program * p;
	const uint8_t * end = data + size, * item, * sep, * eq;
	char key[SS_PROGRAM_KEY_MAX + 1];

	if ((p = ss_program_new(op)) == NULL)
		abort();
	for (item = data; item < end; item = sep + 1) {
		if ((sep = memchr(item, 0x1e, (size_t)(end - item))) == NULL)
			sep = end;
		if ((eq = memchr(item, '=', (size_t)(sep - item))) == NULL ||
		    eq == item || (size_t)(eq - item) > SS_PROGRAM_KEY_MAX ||
		    memchr(item, '\0', (size_t)(eq - item)) != NULL)
			goto none;
		memcpy(key, item, (size_t)(eq - item));
		key[eq - item] = '\0';
		if (ss_program_add(p, key, (const char *)eq + 1,
		    (size_t)(sep - eq - 1)))
			goto none;
		if (sep == end)
			break;
	}
	return (p);
none:
	ss_program_free(p);
	return (NULL);
}

/* ${err}'s place lies in one of ${p}'s texts. */
static void
check_place(const struct ss_program * p, const struct ss_op_err * err)
{
	size_t i;

	if (err->col == 0)
		return;
	for (i = 0; i < p->n; i++)
		if (err->text == p->e[i].val &&
		    err->textlen == p->e[i].vallen)
			break;
	if (i == p->n || (err->line == 0 && err->col > err->textlen + 1))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t * data, size_t size)
{
	const struct ss_opdef * def;
	const struct ss_op * op;
	struct ss_program * p;
	struct ss_op_err err;
	char msg[1024];
	void * conf, * state;

	if (size < 1)
		return (0);
	def = ss_opdef_get((enum ss_op_id)(data[0] % SS_OP_COUNT));
	if ((op = ss_op_find(def->name)) == NULL)
		abort();
	if ((p = program(def->name, data + 1, size - 1)) == NULL)
		return (0);
	ss_err_clear();
	if ((conf = def->parse(p, NULL, &err)) == NULL) {
		if (strcmp(ss_err_msg(), "unknown error") == 0)
			abort();
		check_place(p, &err);
	}
	snprintf(msg, sizeof(msg), "%s", ss_err_msg());
	def->free(conf);
	ss_err_clear();
	if ((state = op->new(p)) != NULL)
		op->free(state);
	if ((state == NULL) != (conf == NULL) ||
	    (conf == NULL && strcmp(msg, ss_err_msg()) != 0))
		abort();
	ss_program_free(p);
	return (0);
}
