/*
 * The stages' command lines: each enclave filter's own options, the
 * program keys they fill, and the checks that turn a bad program into a
 * usage error before any enclave starts.  The enclave checks the same
 * program again (enclave/op_*.c): it trusts nothing the host says.
 */

#include <stdlib.h>
#include <string.h>

#include "../enclave/expr.h"
#include "../enclave/reduce.h"
#include "cli.h"
#include "err.h"
#include "program.h"
#include "stage.h"

/* How many entries of ${p} are named ${key}. */
static size_t
count(const struct ss_program * p, const char * key)
{
	size_t i, n = 0;

	for (i = 0; i < p->n; i++)
		if (strcmp(p->e[i].key, key) == 0)
			n++;
	return (n);
}

/* Report a compile error in ${src}, the ${nth} expression of ${n}. */
static void
expr_error(const char * src, const struct ss_expr_err * err, size_t nth,
    size_t n)
{

	if (err->col == 0)
		ss_cli_fatal();
	if (n > 1)
		ss_cli_usage_error_at(src, err->col, "expression %zu, column "
		    "%zu: %s", nth, err->col, err->msg);
	ss_cli_usage_error_at(src, err->col, "expression, column %zu: %s",
	    err->col, err->msg);
}

static void
check_fields(const char * fields)
{
	struct ss_fieldspec * specs;
	size_t nspecs;

	if (ss_fieldlist_parse(fields, &specs, &nspecs)) {
		ss_err_prefix("-f");
		ss_cli_usage_error("%s", ss_err_msg());
	}
	free(specs);
}

/* ss-map: -f FIELDS and 'NAME = EXPR' operands, at least one of them. */
static void
check_map(const struct ss_program * p)
{
	struct ss_expr_err err;
	struct ss_expr * e;
	const char * fields = ss_program_get(p, "fields");
	const char * name;
	size_t i, n = count(p, "expr"), k = 0, namelen;

	if (fields == NULL && n == 0)
		ss_cli_usage_error("nothing to do: give -f FIELDS, "
		    "'NAME = EXPRESSION', or both");
	if (fields != NULL)
		check_fields(fields);
	for (i = 0; i < p->n; i++) {
		if (strcmp(p->e[i].key, "expr") != 0)
			continue;
		k++;
		if (strchr(p->e[i].val, '=') == NULL)
			ss_cli_usage_error("'%s' is not NAME = EXPRESSION "
			    "(ss-map reads its stream from standard input)",
			    p->e[i].val);
		if ((e = ss_expr_compile_assign(p->e[i].val, p->e[i].vallen,
		    &name, &namelen, &err)) == NULL)
			expr_error(p->e[i].val, &err, k, n);
		ss_expr_free(e);
	}
}

/* ss-match: one condition. */
static void
check_match(const struct ss_program * p)
{
	struct ss_expr_err err;
	struct ss_expr * e;
	const struct ss_program_entry * x = NULL;
	size_t n = count(p, "expr"), i;

	if (n == 0)
		ss_cli_usage_error("no expression: give the condition records "
		    "must meet ('ArrDelay > 0')");
	if (n > 1)
		ss_cli_usage_error("one expression only (join conditions "
		    "with && or ||); the stream is read from standard input");
	for (i = 0; i < p->n; i++)
		if (strcmp(p->e[i].key, "expr") == 0)
			x = &p->e[i];
	if ((e = ss_expr_compile(x->val, x->vallen, SS_EXPR_COND,
	    &err)) == NULL)
		expr_error(x->val, &err, 1, 1);
	ss_expr_free(e);
}

/* ss-reduce: the same reading of the program as the enclave's. */
static void
check_reduce(const struct ss_program * p)
{
	struct ss_reduce_conf c;

	if (ss_reduce_conf_parse(&c, p)) {
		ss_reduce_conf_free(&c);
		ss_cli_usage_error("%s", ss_err_msg());
	}
	ss_reduce_conf_free(&c);
}

static const struct ss_stage_arg map_args[] = {
	{ "fields", 'f', "fields", 1, 0 },
	{ NULL, 0, NULL, 0, 0 }
};

static const struct ss_stage_arg match_args[] = {
	{ NULL, 0, NULL, 0, 0 }
};

static const struct ss_stage_arg reduce_args[] = {
	{ "accumulators", 'a', "acc", 1, 0 },
	{ "fields", 'f', "fields", 1, 0 },
	{ "group-by", 'g', "groups", 1, 0 },
	{ "time", 0, "time", 1, 0 },
	{ "tumbling", 0, "tumbling", 1, 0 },
	{ "sliding", 0, "sliding", 1, 0 },
	{ "count", 0, "count", 1, 0 },
	{ "lateness", 0, "lateness", 1, 0 },
	{ "partial", 0, "partial", 1, 1 },
	{ "merge", 0, "merge", 1, 1 },
	{ "max-groups", 0, "max-groups", 1, 0 },
	{ NULL, 0, NULL, 0, 0 }
};

static const struct ss_stage_spec stages[] = {
	{ "map", map_args, "expr", check_map },
	{ "match", match_args, "expr", check_match },
	{ "reduce", reduce_args, NULL, check_reduce },
};

const struct ss_stage_spec *
ss_stage_find(const char * name)
{
	size_t i;

	if (strncmp(name, "ss-", 3) == 0)
		name += 3;
	for (i = 0; i < sizeof(stages) / sizeof(stages[0]); i++)
		if (strcmp(stages[i].op, name) == 0)
			return (&stages[i]);
	return (NULL);
}

const char *
ss_stage_names(void)
{

	return ("ss-map, ss-match, ss-reduce");
}
