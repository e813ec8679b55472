/*
 * The stages' command lines: each enclave filter's own options, the
 * program keys they fill, and the checks that turn a bad program into a
 * usage error before any enclave starts.  The enclave checks the same
 * program again (enclave/op_*.c): it trusts nothing the host says.
 */

#include <stdlib.h>
#include <string.h>

#include "../enclave/expr.h"
#include "../enclave/subs.h"
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
check_map(const struct ss_program * p, const struct ss_stage_opts * o)
{
	struct ss_expr_err err;
	struct ss_expr * e;
	const char * fields = ss_program_get(p, "fields");
	const char * name;
	size_t i, n = count(p, "expr"), k = 0, namelen;

	(void)o;
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

/* The entry of ${p} named ${key}, or NULL. */
static const struct ss_program_entry *
entry(const struct ss_program * p, const char * key)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (strcmp(p->e[i].key, key) == 0)
			return (&p->e[i]);
	return (NULL);
}

/*
 * ss-match --subs: the subscription file ${x} (its content) must read;
 * an error with a place shows the line, with a caret under the column.
 */
static void
check_subs(const struct ss_program_entry * x, const struct ss_stage_opts * o)
{
	struct ss_subs_err err;
	struct ss_subs * s;
	const char * path = "subs", * line, * end;
	char * copy;
	size_t i, n;

	for (i = 0; i < o->nfiles; i++)
		if (strcmp(o->files[i].key, x->key) == 0)
			path = o->files[i].path;
	if ((s = ss_subs_parse((const uint8_t *)x->val, x->vallen, path,
	    &err)) != NULL) {
		ss_subs_free(s);
		return;
	}
	if (err.line == 0)
		ss_cli_fatal();
	for (line = x->val, i = 1; i < err.line; i++) {
		if ((end = memchr(line, '\n', (size_t)(x->val + x->vallen -
		    line))) == NULL)
			break;
		line = end + 1;
	}
	if ((end = memchr(line, '\n', (size_t)(x->val + x->vallen -
	    line))) == NULL)
		end = x->val + x->vallen;
	if (end > line && end[-1] == '\r')
		end--;
	n = (size_t)(end - line);
	if ((copy = malloc(n + 1)) == NULL)
		ss_cli_fatal();		/* the message is the file's */
	/* (NULs shown as blanks, as other control characters are.) */
	for (i = 0; i < n; i++)
		copy[i] = (line[i] == '\0') ? ' ' : line[i];
	copy[n] = '\0';
	ss_cli_usage_error_at(copy, err.col, "%s", ss_err_msg());
}

/* ss-match: one condition, or a subscription file (--subs). */
static void
check_match(const struct ss_program * p,
    const struct ss_stage_opts * o)
{
	struct ss_expr_err err;
	struct ss_expr * e;
	const struct ss_program_entry * x = NULL, * subs = entry(p, "subs"),
	    * tag = entry(p, "tag");
	size_t n = count(p, "expr"), i;

	if (tag != NULL && tag->vallen == 0)
		ss_cli_usage_error("--tag: empty field name");
	if (subs != NULL) {
		if (n > 0)
			ss_cli_usage_error("give EXPR or --subs FILE, not "
			    "both; the stream is read from standard input");
		check_subs(subs, o);
		return;
	}
	if (tag != NULL)
		ss_cli_usage_error("--tag FIELD goes with --subs FILE");
	if (n == 0)
		ss_cli_usage_error("no expression: give the condition records "
		    "must meet ('ArrDelay > 0'), or --subs FILE");
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

static const struct ss_stage_arg map_args[] = {
	{ "fields", 'f', "fields", 1, 0, 0 },
	{ NULL, 0, NULL, 0, 0, 0 }
};

static const struct ss_stage_arg match_args[] = {
	{ "subs", 0, "subs", 1, 0, 1 },
	{ "tag", 0, "tag", 1, 0, 0 },
	{ NULL, 0, NULL, 0, 0, 0 }
};

static const struct ss_stage_spec stages[] = {
	{ "map", map_args, "expr", check_map },
	{ "match", match_args, "expr", check_match },
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

	return ("ss-map, ss-match");
}
