/*
 * ss-map: projection.  The program's "fields" list selects, reorders and
 * renames columns ("a,b,new=old").
 */

#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "flow.h"
#include "program.h"

struct map {
	char * list;			/* the field list, owned */
	struct ss_fieldspec * specs;	/* point into list */
	size_t n;
	size_t * col;			/* input column of each output */
	const uint8_t ** fields;	/* one output record */
	size_t * lens;
};

static void
map_free(void * cookie)
{
	struct map * m = cookie;

	if (m == NULL)
		return;
	free(m->specs);
	free(m->list);
	free(m->col);
	free(m->fields);
	free(m->lens);
	free(m);
}

static void *
map_new(const struct ss_program * p)
{
	struct map * m;
	const char * list;
	size_t i;

	for (i = 0; i < p->n; i++) {
		if (strcmp(p->e[i].key, "fields") != 0 &&
		    strcmp(p->e[i].key, SS_PROGRAM_RECIPIENT) != 0) {
			ss_err_set(SS_EXIT_SYS, "map: unknown program "
			    "argument '%s'", p->e[i].key);
			return (NULL);
		}
	}
	if ((list = ss_program_get(p, "fields")) == NULL) {
		ss_err_set(SS_EXIT_SYS, "map: no field list");
		return (NULL);
	}
	if ((m = calloc(1, sizeof(*m))) == NULL ||
	    (m->list = strdup(list)) == NULL) {
		ss_err_errno("malloc");
		goto err;
	}
	if (ss_fieldlist_parse(m->list, &m->specs, &m->n))
		goto err;
	if ((m->col = calloc(m->n, sizeof(*m->col))) == NULL ||
	    (m->fields = calloc(m->n, sizeof(*m->fields))) == NULL ||
	    (m->lens = calloc(m->n, sizeof(*m->lens))) == NULL) {
		ss_err_errno("calloc");
		goto err;
	}
	return (m);
err:
	map_free(m);
	return (NULL);
}

static int
map_schema(void * cookie, const struct ss_batch * in, struct ss_flow * f)
{
	struct map * m = cookie;
	const uint8_t * name;
	size_t i, j, len;

	for (i = 0; i < m->n; i++) {
		for (j = 0; j < in->nfields; j++) {
			name = ss_batch_field(in, 0, j, &len);
			if (len == m->specs[i].fromlen &&
			    memcmp(name, m->specs[i].from, len) == 0)
				break;
		}
		if (j == in->nfields) {
			/* The name is the program's, not the data's. */
			ss_err_set(SS_EXIT_DATA, "map: no field '%.*s' in the "
			    "input stream", (int)m->specs[i].fromlen,
			    m->specs[i].from);
			return (-1);
		}
		m->col[i] = j;
		m->fields[i] = (const uint8_t *)m->specs[i].name;
		m->lens[i] = m->specs[i].namelen;
	}
	return (ss_flow_schema(f, m->fields, m->lens, m->n));
}

static int
map_records(void * cookie, const struct ss_batch * in, struct ss_flow * f)
{
	struct map * m = cookie;
	size_t r, i;

	for (r = 0; r < in->nrecords; r++) {
		for (i = 0; i < m->n; i++)
			m->fields[i] = ss_batch_field(in, r, m->col[i],
			    &m->lens[i]);
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
