/*
 * ss-map: computed fields and projection.  The program's "expr" entries
 * ("NAME = EXPR") are evaluated in order on each record; each sees the
 * input columns and the fields computed before it, and either replaces a
 * column of its name or adds one.  Then the "fields" list, if any,
 * selects, reorders and renames the columns of that working record
 * ("a,b,new=old"); without it, the working record is the output.
 */

#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "expr.h"
#include "expr_eval.h"
#include "flow.h"
#include "op_conf.h"
#include "program.h"

/* Columns of the working record: below nin, input; then computed. */
struct map {
	struct ss_map_conf * c;		/* the program */
	size_t nout;
	size_t * col;			/* source column of each output */
	const uint8_t ** fields;	/* one output record */
	size_t * lens;
	const uint8_t ** extra;		/* the computed values */
	size_t * extralen;
};

static void
map_free(void * cookie)
{
	struct map * m = cookie;

	if (m == NULL)
		return;
	ss_opdef_get(SS_OP_map)->free(m->c);
	free(m->col);
	free(m->fields);
	free(m->lens);
	free(m->extra);
	free(m->extralen);
	free(m);
}

static void *
map_new(const struct ss_program * p)
{
	struct ss_op_err err;
	struct map * m;

	if ((m = calloc(1, sizeof(*m))) == NULL) {
		ss_err_errno("calloc");
		return (NULL);
	}
	if ((m->c = ss_opdef_get(SS_OP_map)->parse(p, NULL, &err)) == NULL)
		goto err;
	if ((m->extra = calloc(m->c->nexprs + 1, sizeof(*m->extra))) ==
	    NULL || (m->extralen = calloc(m->c->nexprs + 1,
	    sizeof(*m->extralen))) == NULL) {
		ss_err_errno("calloc");
		goto err;
	}
	return (m);
err:
	map_free(m);
	return (NULL);
}

/* Index of the last of ${n} names equal to ${name}, or -1. */
static long
find(const uint8_t * const * names, const size_t * lens, size_t n,
    const char * name, size_t len)
{
	size_t i;

	for (i = n; i > 0; i--)
		if (lens[i - 1] == len && memcmp(names[i - 1], name, len) == 0)
			return ((long)(i - 1));
	return (-1);
}

static int
map_schema(void * cookie, const struct ss_batch * in, struct ss_flow * f)
{
	struct map * m = cookie;
	const uint8_t ** names = NULL;	/* the working record's columns */
	size_t * lens = NULL, * src = NULL;
	size_t nin = in->nfields, nwork, i, k;
	long j;
	int rc = -1;

	/*
	 * Working columns: the input's, then one per expression.  While
	 * expression k is bound, a name given to a later column hides the
	 * earlier one: a replaced column reads as its new value.
	 */
	if ((names = calloc(nin + m->c->nexprs + 1, sizeof(*names))) == NULL ||
	    (lens = calloc(nin + m->c->nexprs + 1, sizeof(*lens))) == NULL ||
	    (src = calloc(nin + m->c->nexprs + 1, sizeof(*src))) == NULL) {
		ss_err_errno("calloc");
		goto done;
	}
	for (i = 0; i < nin; i++)
		names[i] = ss_batch_field(in, 0, i, &lens[i]);
	for (k = 0; k < m->c->nexprs; k++) {
		if (ss_expr_bind(m->c->exprs[k], names, lens, nin + k)) {
			ss_err_prefix("map: expression %zu", k + 1);
			goto done;
		}
		names[nin + k] = (const uint8_t *)m->c->names[k];
		lens[nin + k] = m->c->namelens[k];
	}
	nwork = nin + m->c->nexprs;

	/* The working record, in output order: what each column shows. */
	m->nout = 0;
	for (i = 0; i < nwork; i++) {
		/* Input columns and new names, each once, where first seen. */
		j = find(names, lens, i, (const char *)names[i], lens[i]);
		if (j != -1 && i >= nin)
			continue;
		src[m->nout++] = (size_t)find(names, lens, nwork,
		    (const char *)names[i], lens[i]);
	}
	if (m->c->nspecs > 0) {
		/* The field list picks from the working record. */
		m->nout = m->c->nspecs;
	}
	free(m->col);
	free(m->fields);
	free(m->lens);
	m->col = calloc(m->nout + 1, sizeof(*m->col));
	m->fields = calloc(m->nout + 1, sizeof(*m->fields));
	m->lens = calloc(m->nout + 1, sizeof(*m->lens));
	if (m->col == NULL || m->fields == NULL || m->lens == NULL) {
		ss_err_errno("calloc");
		goto done;
	}
	if (m->c->nspecs > 0) {
		for (i = 0; i < m->c->nspecs; i++) {
			j = find(names, lens, nwork, m->c->specs[i].from,
			    m->c->specs[i].fromlen);
			if (j == -1) {
				/* The name is the program's, not the data's. */
				ss_err_set(SS_EXIT_DATA, "map: no field '%.*s' "
				    "in the input stream",
				    (int)m->c->specs[i].fromlen,
				    m->c->specs[i].from);
				goto done;
			}
			m->col[i] = (size_t)j;
			m->fields[i] = (const uint8_t *)m->c->specs[i].name;
			m->lens[i] = m->c->specs[i].namelen;
		}
	} else {
		for (i = 0; i < m->nout; i++) {
			m->col[i] = src[i];
			m->fields[i] = names[src[i]];
			m->lens[i] = lens[src[i]];
		}
	}
	rc = ss_flow_schema(f, m->fields, m->lens, m->nout);
done:
	free(names);
	free(lens);
	free(src);
	return (rc);
}

static int
map_records(void * cookie, const struct ss_batch * in, struct ss_flow * f)
{
	struct map * m = cookie;
	struct ss_expr_row row = { in, 0, m->extra, m->extralen };
	size_t r, i, k, nin = in->nfields;

	for (r = 0; r < in->nrecords; r++) {
		row.rec = r;
		for (k = 0; k < m->c->nexprs; k++) {
			if ((m->extra[k] = ss_expr_text(m->c->exprs[k], &row,
			    &m->extralen[k])) == NULL)
				return (-1);
		}
		for (i = 0; i < m->nout; i++) {
			if (m->col[i] < nin)
				m->fields[i] = ss_batch_field(in, r, m->col[i],
				    &m->lens[i]);
			else {
				m->fields[i] = m->extra[m->col[i] - nin];
				m->lens[i] = m->extralen[m->col[i] - nin];
			}
		}
		if (ss_flow_emit(f, m->fields, m->lens))
			return (-1);
	}
	return (0);
}

const struct ss_op ss_op_map = {
	.id = SS_OP_map,
	.new = map_new,
	.schema = map_schema,
	.records = map_records,
	.finish = NULL,
	.free = map_free,
};
