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
#include "flow.h"
#include "program.h"

/* Columns of the working record: below nin, input; then computed. */
struct map {
	char * list;			/* the field list, owned, or NULL */
	struct ss_fieldspec * specs;	/* point into list */
	size_t nspecs;
	size_t nexprs;
	struct ss_expr ** exprs;
	char ** srcs;			/* each expression, owned */
	const char ** names;		/* its field name, in srcs[k] */
	size_t * namelens;
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
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->nexprs; i++) {
		ss_expr_free(m->exprs[i]);
		free(m->srcs[i]);
	}
	free(m->exprs);
	free(m->srcs);
	free(m->names);
	free(m->namelens);
	free(m->specs);
	free(m->list);
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
	struct ss_expr_err err;
	struct map * m;
	const char * list;
	size_t i, n = 0;

	for (i = 0; i < p->n; i++) {
		if (strcmp(p->e[i].key, "expr") == 0)
			n++;
		else if (strcmp(p->e[i].key, "fields") != 0 &&
		    strcmp(p->e[i].key, SS_PROGRAM_RECIPIENT) != 0) {
			ss_err_set(SS_EXIT_SYS, "map: unknown program "
			    "argument '%s'", p->e[i].key);
			return (NULL);
		}
	}
	list = ss_program_get(p, "fields");
	if (list == NULL && n == 0) {
		ss_err_set(SS_EXIT_SYS, "map: no field list and no "
		    "expression");
		return (NULL);
	}
	if ((m = calloc(1, sizeof(*m))) == NULL ||
	    (m->exprs = calloc(n + 1, sizeof(*m->exprs))) == NULL ||
	    (m->srcs = calloc(n + 1, sizeof(*m->srcs))) == NULL ||
	    (m->names = calloc(n + 1, sizeof(*m->names))) == NULL ||
	    (m->namelens = calloc(n + 1, sizeof(*m->namelens))) == NULL ||
	    (m->extra = calloc(n + 1, sizeof(*m->extra))) == NULL ||
	    (m->extralen = calloc(n + 1, sizeof(*m->extralen))) == NULL) {
		ss_err_errno("calloc");
		goto err;
	}
	for (i = 0; i < p->n; i++) {
		if (strcmp(p->e[i].key, "expr") != 0)
			continue;
		/* The program goes away after INIT: keep the source. */
		if ((m->srcs[m->nexprs] = malloc(p->e[i].vallen + 1)) == NULL) {
			ss_err_errno("malloc");
			goto err;
		}
		memcpy(m->srcs[m->nexprs], p->e[i].val, p->e[i].vallen + 1);
		if ((m->exprs[m->nexprs] = ss_expr_compile_assign(
		    m->srcs[m->nexprs], p->e[i].vallen, &m->names[m->nexprs],
		    &m->namelens[m->nexprs], &err)) == NULL) {
			if (err.col != 0)
				ss_err_set(SS_EXIT_SYS, "map: expression %zu, "
				    "column %zu: %s", m->nexprs + 1, err.col,
				    err.msg);
			free(m->srcs[m->nexprs]);
			m->srcs[m->nexprs] = NULL;
			goto err;
		}
		m->nexprs++;
	}
	if (list != NULL) {
		if ((m->list = strdup(list)) == NULL) {
			ss_err_errno("strdup");
			goto err;
		}
		if (ss_fieldlist_parse(m->list, &m->specs, &m->nspecs))
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
	if ((names = calloc(nin + m->nexprs + 1, sizeof(*names))) == NULL ||
	    (lens = calloc(nin + m->nexprs + 1, sizeof(*lens))) == NULL ||
	    (src = calloc(nin + m->nexprs + 1, sizeof(*src))) == NULL) {
		ss_err_errno("calloc");
		goto done;
	}
	for (i = 0; i < nin; i++)
		names[i] = ss_batch_field(in, 0, i, &lens[i]);
	for (k = 0; k < m->nexprs; k++) {
		if (ss_expr_bind(m->exprs[k], names, lens, nin + k)) {
			ss_err_prefix("map: expression %zu", k + 1);
			goto done;
		}
		names[nin + k] = (const uint8_t *)m->names[k];
		lens[nin + k] = m->namelens[k];
	}
	nwork = nin + m->nexprs;

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
	if (m->nspecs > 0) {
		/* The field list picks from the working record. */
		m->nout = m->nspecs;
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
	if (m->nspecs > 0) {
		for (i = 0; i < m->nspecs; i++) {
			j = find(names, lens, nwork, m->specs[i].from,
			    m->specs[i].fromlen);
			if (j == -1) {
				/* The name is the program's, not the data's. */
				ss_err_set(SS_EXIT_DATA, "map: no field '%.*s' "
				    "in the input stream",
				    (int)m->specs[i].fromlen, m->specs[i].from);
				goto done;
			}
			m->col[i] = (size_t)j;
			m->fields[i] = (const uint8_t *)m->specs[i].name;
			m->lens[i] = m->specs[i].namelen;
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
		for (k = 0; k < m->nexprs; k++) {
			if ((m->extra[k] = ss_expr_text(m->exprs[k], &row,
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
	.name = "map",
	.new = map_new,
	.schema = map_schema,
	.records = map_records,
	.finish = NULL,
	.free = map_free,
};
