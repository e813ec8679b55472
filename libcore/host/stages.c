/*
 * The stages' command lines: each enclave filter's own options, the
 * program keys they fill, and the checks that turn a bad program into a
 * usage error before any enclave starts.  The enclave checks the same
 * program again (enclave/op_*.c): it trusts nothing the host says.
 */

#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "reduce.h"
#include "subs.h"
#include "subscribers.h"
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

/* The kinds of program file. */
enum { FILE_SUBS, FILE_SUBSCRIBERS, FILE_POLICY };

/* Read ${x}'s content, called ${path}, as a file of ${kind}. */
static int
parse_file(const struct ss_program_entry * x, const char * path, int kind,
    struct ss_subs_err * err)
{
	const uint8_t * buf = (const uint8_t *)x->val;
	struct ss_subscribers * sb;
	struct ss_policies * pl;

	switch (kind) {
	case FILE_SUBS:
		/* The enclave builds the index; here, only read. */
		return (ss_subs_check(buf, x->vallen, path, err));
	case FILE_SUBSCRIBERS:
		sb = ss_subscribers_parse(buf, x->vallen, path, err);
		ss_subscribers_free(sb);
		return ((sb == NULL) ? -1 : 0);
	default:
		pl = ss_policies_parse(buf, x->vallen, path, err);
		ss_policies_free(pl);
		return ((pl == NULL) ? -1 : 0);
	}
}

/*
 * ss-match --subs, ss-route --subs and --policy: the file ${x} (its
 * content) must read as a file of ${kind}; an error with a place shows
 * the line, with a caret under the column.
 */
static void
check_subs(const struct ss_program_entry * x, const struct ss_stage_opts * o,
    int kind)
{
	struct ss_subs_err err;
	const char * path = x->key, * line, * end;
	char * copy;
	size_t i, n;

	for (i = 0; i < o->nfiles; i++)
		if (strcmp(o->files[i].key, x->key) == 0)
			path = o->files[i].path;
	if (parse_file(x, path, kind, &err) == 0)
		return;
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
		check_subs(subs, o, FILE_SUBS);
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

/* ss-reduce: the same reading of the program as the enclave's. */
static void
check_reduce(const struct ss_program * p, const struct ss_stage_opts * o)
{
	struct ss_reduce_conf c;

	(void)o;
	if (ss_reduce_conf_parse(&c, p)) {
		ss_reduce_conf_free(&c);
		ss_cli_usage_error("%s", ss_err_msg());
	}
	ss_reduce_conf_free(&c);
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

/* A count from 1 to ${max} given with ${opt}; exit 2 if not one. */
static size_t
check_count(const struct ss_program * p, const char * key, const char * opt,
    size_t max)
{
	const char * v = ss_program_get(p, key);

	if (v == NULL)
		ss_cli_usage_error("give %s N", opt);
	/* One spelling of each number: the program is measured. */
	if (v[0] == '0')
		ss_cli_usage_error("%s: invalid number '%s' (from 1 to %zu, "
		    "no leading zero)", opt, v, max);
	return (ss_cli_uint(v, opt, 1, max));
}

/* ss-route: one way to spread the records, over -n outputs. */
static void
check_route(const struct ss_program * p, const struct ss_stage_opts * o)
{
	size_t modes = count(p, "hash") + count(p, "round-robin") +
	    count(p, "broadcast") + count(p, "subs");
	const char * field = ss_program_get(p, "hash");
	const struct ss_program_entry * subs = entry(p, "subs"),
	    * pol = entry(p, "policy");

	if (modes == 0)
		ss_cli_usage_error("nothing to do: give --hash FIELD, "
		    "--round-robin, --broadcast or --subs FILE");
	if (modes > 1)
		ss_cli_usage_error("--hash, --round-robin, --broadcast and "
		    "--subs cannot be used together");
	if (field != NULL && field[0] == '\0')
		ss_cli_usage_error("--hash: empty field name");
	if (subs == NULL) {
		if (pol != NULL || entry(p, "deny-unlisted") != NULL)
			ss_cli_usage_error("--policy and --deny-unlisted go "
			    "with --subs FILE");
		(void)check_count(p, "n", "-n", SS_PROGRAM_OUTPUTS_MAX);
		return;
	}
	if (entry(p, "n") != NULL)
		ss_cli_usage_error("-n: --subs makes one output per "
		    "subscriber");
	if (pol == NULL && entry(p, "deny-unlisted") != NULL)
		ss_cli_usage_error("--deny-unlisted goes with --policy FILE");
	check_subs(subs, o, FILE_SUBSCRIBERS);
	if (pol != NULL)
		check_subs(pol, o, FILE_POLICY);
}

/* With --subs, the outputs' recipients are the subscribers'. */
static size_t
route_outputs(const struct ss_program * p)
{

	if (ss_program_get(p, "subs") != NULL)
		return (0);
	return (ss_cli_uint(ss_program_get(p, "n"), "-n", 1,
	    SS_PROGRAM_OUTPUTS_MAX));
}

/* ss-merge: the inputs, and at most one sort field. */
static void
check_merge(const struct ss_program * p, const struct ss_stage_opts * o)
{
	const char * by = ss_program_get(p, "sorted-by");

	(void)o;
	if (by != NULL && by[0] == '\0')
		ss_cli_usage_error("--sorted-by: empty field name");
}

static const struct ss_stage_arg route_args[] = {
	{ "hash", 0, "hash", 1, 0, 0 },
	{ "round-robin", 0, "round-robin", 1, 1, 0 },
	{ "broadcast", 0, "broadcast", 1, 1, 0 },
	{ "partitions", 'n', "n", 1, 0, 0 },
	{ "subs", 0, "subs", 1, 0, 1 },
	{ "policy", 0, "policy", 1, 0, 1 },
	{ "deny-unlisted", 0, "deny-unlisted", 1, 1, 0 },
	{ NULL, 0, NULL, 0, 0, 0 }
};

static const struct ss_stage_arg merge_args[] = {
	{ "sorted-by", 0, "sorted-by", 1, 0, 0 },
	{ NULL, 0, NULL, 0, 0, 0 }
};

static const struct ss_stage_arg reduce_args[] = {
	{ "accumulators", 'a', "acc", 1, 0, 0 },
	{ "fields", 'f', "fields", 1, 0, 0 },
	{ "group-by", 'g', "groups", 1, 0, 0 },
	{ "time", 0, "time", 1, 0, 0 },
	{ "tumbling", 0, "tumbling", 1, 0, 0 },
	{ "sliding", 0, "sliding", 1, 0, 0 },
	{ "count", 0, "count", 1, 0, 0 },
	{ "lateness", 0, "lateness", 1, 0, 0 },
	{ "partial", 0, "partial", 1, 1, 0 },
	{ "merge", 0, "merge", 1, 1, 0 },
	{ "max-groups", 0, "max-groups", 1, 0, 0 },
	{ NULL, 0, NULL, 0, 0, 0 }
};

static const struct ss_stage_spec stages[] = {
	{ "map", map_args, "expr", check_map, NULL, 0, NULL },
	{ "match", match_args, "expr", check_match, NULL, 0, NULL },
	{ "route", route_args, NULL, check_route, route_outputs, 0,
	    ss_stage_run_route },
	{ "merge", merge_args, NULL, check_merge, NULL, 256,
	    ss_stage_run_merge },
	{ "reduce", reduce_args, NULL, check_reduce, NULL, 0, NULL },
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

	return ("ss-map, ss-match, ss-reduce, ss-route, ss-merge");
}
