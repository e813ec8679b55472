/*
 * The operators' registry (operator.h): each operator's command line,
 * shape and program parser, for the host and the enclave alike.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "op_conf.h"
#include "operator.h"
#include "program.h"
#include "reduce.h"

static const struct ss_oparg map_args[] = {
	{ "fields", 'f', "fields", 1, 0, NULL },
	{ NULL, 0, NULL, 0, 0, NULL }
};

static const struct ss_oparg match_args[] = {
	{ "subs", 0, "subs", 1, 0, "subscriptions" },
	{ "tag", 0, "tag", 1, 0, NULL },
	{ NULL, 0, NULL, 0, 0, NULL }
};

static const struct ss_oparg reduce_args[] = {
	{ "accumulators", 'a', "acc", 1, 0, NULL },
	{ "fields", 'f', "fields", 1, 0, NULL },
	{ "group-by", 'g', "groups", 1, 0, NULL },
	{ "time", 0, "time", 1, 0, NULL },
	{ "tumbling", 0, "tumbling", 1, 0, NULL },
	{ "sliding", 0, "sliding", 1, 0, NULL },
	{ "count", 0, "count", 1, 0, NULL },
	{ "lateness", 0, "lateness", 1, 0, NULL },
	{ "partial", 0, "partial", 1, 1, NULL },
	{ "merge", 0, "merge", 1, 1, NULL },
	{ "max-groups", 0, "max-groups", 1, 0, NULL },
	{ NULL, 0, NULL, 0, 0, NULL }
};

static const struct ss_oparg route_args[] = {
	{ "hash", 0, "hash", 1, 0, NULL },
	{ "round-robin", 0, "round-robin", 1, 1, NULL },
	{ "broadcast", 0, "broadcast", 1, 1, NULL },
	{ "partitions", 'n', "n", 1, 0, NULL },
	{ "subs", 0, "subs", 1, 0, "subscribers file" },
	{ "policy", 0, "policy", 1, 0, "policy file" },
	{ "deny-unlisted", 0, "deny-unlisted", 1, 1, NULL },
	{ NULL, 0, NULL, 0, 0, NULL }
};

static const struct ss_oparg merge_args[] = {
	{ "sorted-by", 0, "sorted-by", 1, 0, NULL },
	{ NULL, 0, NULL, 0, 0, NULL }
};

/* The parsers, as the registry calls them. */
static void *
map_parse(const struct ss_program * p, const struct ss_op_names * names,
    struct ss_op_err * err)
{

	return (ss_map_conf_parse(p, names, err));
}

static void
map_free(void * c)
{

	ss_map_conf_free(c);
}

static void *
match_parse(const struct ss_program * p, const struct ss_op_names * names,
    struct ss_op_err * err)
{

	return (ss_match_conf_parse(p, names, err));
}

static void
match_free(void * c)
{

	ss_match_conf_free(c);
}

/* ss-reduce's parser fills a configuration of the caller's (reduce.h). */
static void *
reduce_parse(const struct ss_program * p, const struct ss_op_names * names,
    struct ss_op_err * err)
{
	struct ss_reduce_conf * c;

	(void)names;
	memset(err, 0, sizeof(*err));
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		ss_err_errno("calloc");
		return (NULL);
	}
	if (ss_reduce_conf_parse(c, p)) {
		/* Every way a reduction is wrong is the command line's. */
		err->usage = 1;
		ss_reduce_conf_free(c);
		free(c);
		return (NULL);
	}
	return (c);
}

static void
reduce_free(void * c)
{

	if (c == NULL)
		return;
	ss_reduce_conf_free(c);
	free(c);
}

static void *
route_parse(const struct ss_program * p, const struct ss_op_names * names,
    struct ss_op_err * err)
{

	return (ss_route_conf_parse(p, names, err));
}

static void
route_free(void * c)
{

	ss_route_conf_free(c);
}

/* With --subs, the outputs' recipients are the subscribers'. */
static size_t
route_outputs(const void * cookie)
{
	const struct ss_route_conf * c = cookie;

	return ((c->mode == SS_ROUTE_SUBS) ? 0 : c->n);
}

static void *
merge_parse(const struct ss_program * p, const struct ss_op_names * names,
    struct ss_op_err * err)
{

	return (ss_merge_conf_parse(p, names, err));
}

static void
merge_free(void * c)
{

	ss_merge_conf_free(c);
}

static const struct ss_opdef ops[SS_OP_COUNT] = {
	[SS_OP_map] = { SS_OP_map, "map", map_args, "expr", 0,
	    map_parse, map_free, NULL },
	[SS_OP_match] = { SS_OP_match, "match", match_args, "expr", 0,
	    match_parse, match_free, NULL },
	[SS_OP_reduce] = { SS_OP_reduce, "reduce", reduce_args, NULL, 0,
	    reduce_parse, reduce_free, NULL },
	[SS_OP_route] = { SS_OP_route, "route", route_args, NULL, 0,
	    route_parse, route_free, route_outputs },
	[SS_OP_merge] = { SS_OP_merge, "merge", merge_args, NULL,
	    SS_OP_INPUTS_MAX, merge_parse, merge_free, NULL },
};

const struct ss_opdef *
ss_opdef_find(const char * name)
{
	size_t i;

	for (i = 0; i < SS_OP_COUNT; i++)
		if (strcmp(ops[i].name, name) == 0)
			return (&ops[i]);
	return (NULL);
}

const struct ss_opdef *
ss_opdef_get(enum ss_op_id id)
{

	return (&ops[id]);
}

const char *
ss_opdef_names(void)
{
#define SS_OP_LISTED(name)	", ss-" #name
	static const char names[] = SS_OPERATORS(SS_OP_LISTED);
#undef SS_OP_LISTED

	return (names + 2);
}

/* The option of ${def} whose program key is ${key}, or NULL. */
static const struct ss_oparg *
arg_of(const struct ss_opdef * def, const char * key)
{
	const struct ss_oparg * a;

	for (a = def->args; a->name != NULL; a++)
		if (strcmp(a->key, key) == 0)
			return (a);
	return (NULL);
}

const struct ss_oparg *
ss_opdef_file(const struct ss_opdef * def, const char * key)
{
	const struct ss_oparg * a = arg_of(def, key);

	return ((a != NULL && a->file != NULL) ? a : NULL);
}

/* ${a} as the command line spells it: "-f", "--subs". */
static const char *
spelling(const struct ss_oparg * a, char * buf, size_t size)
{

	if (a->ch != 0)
		snprintf(buf, size, "-%c", a->ch);
	else
		snprintf(buf, size, "--%s", a->name);
	return (buf);
}

/* Is entry ${e} one that ${def} knows, holding what it should? */
static int
check_entry(const struct ss_opdef * def, const struct ss_program * p,
    const struct ss_program_entry * e, struct ss_op_err * err)
{
	const struct ss_oparg * a = arg_of(def, e->key);
	char opt[64];
	size_t out;
	int rk = ss_program_recipient_key(e->key, &out);

	/* Several outputs each have recipients of their own. */
	if (rk == 1 || (rk == 2 && def->noutputs != NULL))
		return (0);
	if (a == NULL && !(def->operand_key != NULL &&
	    strcmp(e->key, def->operand_key) == 0) &&
	    !(def->inputs > 0 && strcmp(e->key, "inputs") == 0)) {
		ss_op_usage(err, "unknown program argument '%s'", e->key);
		return (-1);
	}
	if (a != NULL && (a->once || a->file != NULL) &&
	    ss_op_count(p, e->key) > 1) {
		ss_op_usage(err, "option %s given more than once",
		    spelling(a, opt, sizeof(opt)));
		return (-1);
	}
	/* A file holds any bytes; the rest is text, and flags are "1". */
	if (a != NULL && a->file != NULL)
		return (0);
	if (strlen(e->val) != e->vallen ||
	    (a != NULL && a->flag && strcmp(e->val, "1") != 0)) {
		ss_op_usage(err, "bad value of '%s'", e->key);
		return (-1);
	}
	return (0);
}

int
ss_op_check_keys(const struct ss_opdef * def, const struct ss_program * p,
    struct ss_op_err * err)
{
	size_t i;

	memset(err, 0, sizeof(*err));
	for (i = 0; i < p->n; i++)
		if (check_entry(def, p, &p->e[i], err))
			return (-1);
	return (0);
}

size_t
ss_op_count(const struct ss_program * p, const char * key)
{
	size_t i, n = 0;

	for (i = 0; i < p->n; i++)
		if (strcmp(p->e[i].key, key) == 0)
			n++;
	return (n);
}

const struct ss_program_entry *
ss_op_entry(const struct ss_program * p, const char * key)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (strcmp(p->e[i].key, key) == 0)
			return (&p->e[i]);
	return (NULL);
}

void *
ss_op_usage(struct ss_op_err * err, const char * fmt, ...)
{
	char msg[1024];	/* as long as an ss_err */
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ss_err_set(SS_EXIT_SYS, "%s", msg);
	err->usage = 1;
	return (NULL);
}

const char *
ss_op_file_name(const struct ss_opdef * def,
    const struct ss_op_names * names, const char * key)
{
	const struct ss_oparg * a = ss_opdef_file(def, key);
	size_t i;

	for (i = 0; names != NULL && i < names->n; i++)
		if (strcmp(names->key[i], key) == 0)
			return (names->name[i]);
	return ((a != NULL) ? a->file : key);
}
