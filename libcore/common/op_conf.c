/*
 * The operators' program parsers: one per operator, shared by the host's
 * usage checks and the enclave's operators (op_conf.h).
 */

#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "expr.h"
#include "op_conf.h"
#include "operator.h"
#include "program.h"
#include "route_subscribers.h"
#include "subs.h"

/* A NUL-terminated copy of ${len} bytes, or NULL (an ss_err). */
static char *
copy(const char * s, size_t len)
{
	char * c;

	if ((c = malloc(len + 1)) == NULL) {
		ss_err_errno("malloc");
		return (NULL);
	}
	memcpy(c, s, len);
	c[len] = '\0';
	return (c);
}

/*
 * An expression that does not compile: the ${nth} of ${n}, ${src} (its
 * program entry's text, which the place points into).  Column 0 is no
 * place: the ss_err (out of memory) stands as it is.
 */
static void
expr_error(struct ss_op_err * err, const struct ss_expr_err * eerr,
    const char * src, size_t srclen, size_t nth, size_t n)
{

	if (eerr->col == 0)
		return;
	if (n > 1)
		ss_err_set(SS_EXIT_SYS, "expression %zu, column %zu: %s", nth,
		    eerr->col, eerr->msg);
	else
		ss_err_set(SS_EXIT_SYS, "expression, column %zu: %s",
		    eerr->col, eerr->msg);
	err->text = src;
	err->textlen = srclen;
	err->line = 0;
	err->col = eerr->col;
}

/* A program file that does not read: its place, if it has one. */
static void
file_error(struct ss_op_err * err, const struct ss_subs_err * serr,
    const struct ss_program_entry * e)
{

	if (serr->line == 0)
		return;
	err->text = e->val;
	err->textlen = e->vallen;
	err->line = serr->line;
	err->col = serr->col;
}

/* ss-map */

void
ss_map_conf_free(struct ss_map_conf * c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nexprs; i++) {
		ss_expr_free(c->exprs[i]);
		free(c->srcs[i]);
	}
	free(c->exprs);
	free(c->srcs);
	free(c->names);
	free(c->namelens);
	free(c->specs);
	free(c->list);
	free(c);
}

/* Expression ${e}, the ${c}->nexprs + 1st of ${n}: "NAME = EXPR". */
static int
map_expr(struct ss_map_conf * c, const struct ss_program_entry * e,
    size_t n, struct ss_op_err * err)
{
	struct ss_expr_err eerr;
	size_t k = c->nexprs;

	if (strchr(e->val, '=') == NULL) {
		ss_op_usage(err, "'%s' is not NAME = EXPRESSION (ss-map reads "
		    "its stream from standard input)", e->val);
		return (-1);
	}
	/* The program goes away after INIT: keep the source. */
	if ((c->srcs[k] = copy(e->val, e->vallen)) == NULL)
		return (-1);
	if ((c->exprs[k] = ss_expr_compile_assign(c->srcs[k], e->vallen,
	    &c->names[k], &c->namelens[k], &eerr)) == NULL) {
		expr_error(err, &eerr, e->val, e->vallen, k + 1, n);
		free(c->srcs[k]);
		c->srcs[k] = NULL;
		return (-1);
	}
	c->nexprs++;
	return (0);
}

struct ss_map_conf *
ss_map_conf_parse(const struct ss_program * p,
    const struct ss_op_names * names, struct ss_op_err * err)
{
	struct ss_map_conf * c;
	const char * list = ss_program_get(p, "fields");
	size_t n = ss_op_count(p, "expr"), i;

	(void)names;
	if (ss_op_check_keys(ss_opdef_get(SS_OP_map), p, err))
		return (NULL);
	if (list == NULL && n == 0)
		return (ss_op_usage(err, "nothing to do: give -f FIELDS, "
		    "'NAME = EXPRESSION', or both"));
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->exprs = calloc(n + 1, sizeof(*c->exprs))) == NULL ||
	    (c->srcs = calloc(n + 1, sizeof(*c->srcs))) == NULL ||
	    (c->names = calloc(n + 1, sizeof(*c->names))) == NULL ||
	    (c->namelens = calloc(n + 1, sizeof(*c->namelens))) == NULL) {
		ss_err_errno("calloc");
		goto err;
	}
	if (list != NULL) {
		if ((c->list = strdup(list)) == NULL) {
			ss_err_errno("strdup");
			goto err;
		}
		if (ss_fieldlist_parse(c->list, &c->specs, &c->nspecs)) {
			ss_err_prefix("-f");
			err->usage = 1;
			goto err;
		}
	}
	for (i = 0; i < p->n; i++)
		if (strcmp(p->e[i].key, "expr") == 0 &&
		    map_expr(c, &p->e[i], n, err))
			goto err;
	return (c);
err:
	ss_map_conf_free(c);
	return (NULL);
}

/* ss-match */

void
ss_match_conf_free(struct ss_match_conf * c)
{

	if (c == NULL)
		return;
	ss_expr_free(c->cond);
	ss_subs_free(c->subs);
	free(c->tag);
	free(c);
}

/* The condition: exactly one expression, and no --tag. */
static int
match_cond(struct ss_match_conf * c, const struct ss_program * p,
    struct ss_op_err * err)
{
	struct ss_expr_err eerr;
	const struct ss_program_entry * x = ss_op_entry(p, "expr");
	size_t n = ss_op_count(p, "expr");

	if (ss_op_entry(p, "tag") != NULL) {
		ss_op_usage(err, "--tag FIELD goes with --subs FILE");
		return (-1);
	}
	if (n == 0) {
		ss_op_usage(err, "no expression: give the condition records "
		    "must meet ('ArrDelay > 0'), or --subs FILE");
		return (-1);
	}
	if (n > 1) {
		ss_op_usage(err, "one expression only (join conditions with "
		    "&& or ||); the stream is read from standard input");
		return (-1);
	}
	if ((c->cond = ss_expr_compile(x->val, x->vallen, SS_EXPR_COND,
	    &eerr)) == NULL) {
		expr_error(err, &eerr, x->val, x->vallen, 1, 1);
		return (-1);
	}
	return (0);
}

struct ss_match_conf *
ss_match_conf_parse(const struct ss_program * p,
    const struct ss_op_names * names, struct ss_op_err * err)
{
	const struct ss_opdef * def = ss_opdef_get(SS_OP_match);
	struct ss_subs_err serr;
	struct ss_match_conf * c;
	const struct ss_program_entry * subs = ss_op_entry(p, "subs"),
	    * tag = ss_op_entry(p, "tag");

	if (ss_op_check_keys(def, p, err))
		return (NULL);
	if (tag != NULL && tag->vallen == 0)
		return (ss_op_usage(err, "--tag: empty field name"));
	if (subs != NULL && ss_op_count(p, "expr") > 0)
		return (ss_op_usage(err, "give EXPR or --subs FILE, not both; "
		    "the stream is read from standard input"));
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		ss_err_errno("calloc");
		return (NULL);
	}
	if (subs == NULL) {
		if (match_cond(c, p, err))
			goto err;
		return (c);
	}
	if ((c->subs = ss_subs_parse((const uint8_t *)subs->val, subs->vallen,
	    ss_op_file_name(def, names, "subs"), &serr)) == NULL) {
		file_error(err, &serr, subs);
		goto err;
	}
	if (tag != NULL) {
		if ((c->tag = copy(tag->val, tag->vallen)) == NULL)
			goto err;
		c->taglen = tag->vallen;
	}
	return (c);
err:
	ss_match_conf_free(c);
	return (NULL);
}

/* ss-route */

void
ss_route_conf_free(struct ss_route_conf * c)
{

	if (c == NULL)
		return;
	free(c->field);
	ss_subscribers_free(c->subs);
	ss_policies_free(c->pol);
	free(c);
}

/* -n N: from 1 to SS_PROGRAM_OUTPUTS_MAX, one spelling of each. */
static int
route_count(struct ss_route_conf * c, const struct ss_program * p,
    struct ss_op_err * err)
{
	const char * v = ss_program_get(p, "n");

	if (v == NULL) {
		ss_op_usage(err, "give -n N");
		return (-1);
	}
	/* One spelling of each number: the program is measured. */
	if (v[0] == '0') {
		ss_op_usage(err, "-n: invalid number '%s' (from 1 to %d, no "
		    "leading zero)", v, SS_PROGRAM_OUTPUTS_MAX);
		return (-1);
	}
	if ((c->n = ss_program_count(v, SS_PROGRAM_OUTPUTS_MAX)) == 0) {
		ss_op_usage(err, "-n: invalid number '%s' (from 1 to %d)", v,
		    SS_PROGRAM_OUTPUTS_MAX);
		return (-1);
	}
	return (0);
}

/* --subs FILE, maybe with --policy FILE: one output per subscriber. */
static int
route_files(struct ss_route_conf * c, const struct ss_program * p,
    const struct ss_op_names * names, struct ss_op_err * err)
{
	const struct ss_opdef * def = ss_opdef_get(SS_OP_route);
	const struct ss_program_entry * subs = ss_op_entry(p, "subs"),
	    * pol = ss_op_entry(p, "policy");
	struct ss_subs_err serr;

	if (ss_op_entry(p, "n") != NULL) {
		ss_op_usage(err, "-n: --subs makes one output per subscriber");
		return (-1);
	}
	if (pol == NULL && c->deny_unlisted) {
		ss_op_usage(err, "--deny-unlisted goes with --policy FILE");
		return (-1);
	}
	if ((c->subs = ss_subscribers_parse((const uint8_t *)subs->val,
	    subs->vallen, ss_op_file_name(def, names, "subs"),
	    &serr)) == NULL) {
		file_error(err, &serr, subs);
		return (-1);
	}
	c->n = c->subs->n;
	if (pol != NULL && (c->pol = ss_policies_parse(
	    (const uint8_t *)pol->val, pol->vallen,
	    ss_op_file_name(def, names, "policy"), &serr)) == NULL) {
		file_error(err, &serr, pol);
		return (-1);
	}
	return (0);
}

struct ss_route_conf *
ss_route_conf_parse(const struct ss_program * p,
    const struct ss_op_names * names, struct ss_op_err * err)
{
	struct ss_route_conf * c;
	const char * field = ss_program_get(p, "hash");
	size_t modes = ss_op_count(p, "hash") +
	    ss_op_count(p, "round-robin") + ss_op_count(p, "broadcast") +
	    ss_op_count(p, "subs");

	if (ss_op_check_keys(ss_opdef_get(SS_OP_route), p, err))
		return (NULL);
	if (modes == 0)
		return (ss_op_usage(err, "nothing to do: give --hash FIELD, "
		    "--round-robin, --broadcast or --subs FILE"));
	if (modes > 1)
		return (ss_op_usage(err, "--hash, --round-robin, --broadcast "
		    "and --subs cannot be used together"));
	if (field != NULL && field[0] == '\0')
		return (ss_op_usage(err, "--hash: empty field name"));
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		ss_err_errno("calloc");
		return (NULL);
	}
	c->deny_unlisted = (ss_op_entry(p, "deny-unlisted") != NULL);
	if (ss_op_entry(p, "subs") != NULL) {
		c->mode = SS_ROUTE_SUBS;
		if (route_files(c, p, names, err))
			goto err;
		return (c);
	}
	if (ss_op_entry(p, "policy") != NULL || c->deny_unlisted) {
		ss_op_usage(err, "--policy and --deny-unlisted go with --subs "
		    "FILE");
		goto err;
	}
	if (route_count(c, p, err))
		goto err;
	if (field != NULL) {
		c->mode = SS_ROUTE_HASH;
		if ((c->field = strdup(field)) == NULL) {
			ss_err_errno("strdup");
			goto err;
		}
	} else
		c->mode = (ss_op_entry(p, "round-robin") != NULL) ?
		    SS_ROUTE_ROUND_ROBIN : SS_ROUTE_BROADCAST;
	return (c);
err:
	ss_route_conf_free(c);
	return (NULL);
}

/* ss-merge */

void
ss_merge_conf_free(struct ss_merge_conf * c)
{

	if (c == NULL)
		return;
	free(c->sorted_by);
	free(c);
}

struct ss_merge_conf *
ss_merge_conf_parse(const struct ss_program * p,
    const struct ss_op_names * names, struct ss_op_err * err)
{
	struct ss_merge_conf * c;
	const char * by = ss_program_get(p, "sorted-by");
	const char * inputs = ss_program_get(p, "inputs");

	(void)names;
	if (ss_op_check_keys(ss_opdef_get(SS_OP_merge), p, err))
		return (NULL);
	if (by != NULL && by[0] == '\0')
		return (ss_op_usage(err, "--sorted-by: empty field name"));
	/* The host counts the operands: only a made-up program fails. */
	if (inputs == NULL ||
	    ss_program_count(inputs, SS_OP_INPUTS_MAX) == 0)
		return (ss_op_usage(err, "the program's inputs must be 1 to "
		    "%d", SS_OP_INPUTS_MAX));
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		ss_err_errno("calloc");
		return (NULL);
	}
	c->inputs = ss_program_count(inputs, SS_OP_INPUTS_MAX);
	if (by != NULL && (c->sorted_by = strdup(by)) == NULL) {
		ss_err_errno("strdup");
		ss_merge_conf_free(c);
		return (NULL);
	}
	return (c);
}
