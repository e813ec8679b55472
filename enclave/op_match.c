/*
 * ss-match: keep the records for which the program's condition ("expr")
 * holds.  The output has the input's columns.
 */

#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "expr.h"
#include "flow.h"
#include "program.h"

struct match {
	struct ss_expr * cond;
	size_t n;
	const uint8_t ** fields;	/* one record */
	size_t * lens;
};

static void
match_free(void * cookie)
{
	struct match * m = cookie;

	if (m == NULL)
		return;
	ss_expr_free(m->cond);
	free(m->fields);
	free(m->lens);
	free(m);
}

static void *
match_new(const struct ss_program * p)
{
	struct ss_expr_err err;
	struct match * m;
	const struct ss_program_entry * x = NULL;
	size_t i;

	for (i = 0; i < p->n; i++) {
		if (strcmp(p->e[i].key, "expr") == 0) {
			if (x != NULL) {
				ss_err_set(SS_EXIT_SYS, "match: more than one "
				    "expression");
				return (NULL);
			}
			x = &p->e[i];
		} else if (strcmp(p->e[i].key, SS_PROGRAM_RECIPIENT) != 0) {
			ss_err_set(SS_EXIT_SYS, "match: unknown program "
			    "argument '%s'", p->e[i].key);
			return (NULL);
		}
	}
	if (x == NULL) {
		ss_err_set(SS_EXIT_SYS, "match: no expression");
		return (NULL);
	}
	if ((m = calloc(1, sizeof(*m))) == NULL) {
		ss_err_errno("calloc");
		return (NULL);
	}
	if ((m->cond = ss_expr_compile(x->val, x->vallen, SS_EXPR_COND,
	    &err)) == NULL) {
		if (err.col != 0)
			ss_err_set(SS_EXIT_SYS, "match: expression, column "
			    "%zu: %s", err.col, err.msg);
		match_free(m);
		return (NULL);
	}
	return (m);
}

static int
match_schema(void * cookie, const struct ss_batch * in, struct ss_flow * f)
{
	struct match * m = cookie;
	size_t i;

	m->n = in->nfields;
	if ((m->fields = calloc(m->n + 1, sizeof(*m->fields))) == NULL ||
	    (m->lens = calloc(m->n + 1, sizeof(*m->lens))) == NULL) {
		ss_err_errno("calloc");
		return (-1);
	}
	for (i = 0; i < m->n; i++)
		m->fields[i] = ss_batch_field(in, 0, i, &m->lens[i]);
	if (ss_expr_bind(m->cond, m->fields, m->lens, m->n)) {
		ss_err_prefix("match");
		return (-1);
	}
	return (ss_flow_schema(f, m->fields, m->lens, m->n));
}

static int
match_records(void * cookie, const struct ss_batch * in,
    struct ss_flow * f)
{
	struct match * m = cookie;
	struct ss_expr_row row = { in, 0, NULL, NULL };
	size_t r, i;
	int t;

	for (r = 0; r < in->nrecords; r++) {
		row.rec = r;
		if ((t = ss_expr_test(m->cond, &row)) == -1)
			return (-1);
		if (t == 0)
			continue;
		for (i = 0; i < m->n; i++)
			m->fields[i] = ss_batch_field(in, r, i, &m->lens[i]);
		if (ss_flow_emit(f, m->fields, m->lens))
			return (-1);
	}
	return (0);
}

const struct ss_op ss_op_match = {
	.name = "match",
	.new = match_new,
	.schema = match_schema,
	.records = match_records,
	.finish = NULL,
	.free = match_free,
};
