/*
 * ss-match: keep the records for which the program's condition ("expr")
 * holds, or that match one of the subscriptions of its file ("subs", see
 * subs.h).  The output has the input's columns; with "tag", a column of
 * that name lists the IDs of the subscriptions a record matched, joined
 * with ';' (it replaces an input column of that name, in place).
 */

#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "expr.h"
#include "expr_eval.h"
#include "flow.h"
#include "op_conf.h"
#include "program.h"
#include "subs.h"
#include "subs_match.h"

struct match {
	struct ss_match_conf * c;	/* the program */
	struct ss_subs_matcher * subs;	/* c->subs's index, or NULL */
	size_t n;			/* input columns */
	size_t nout;			/* output columns */
	size_t tagcol;			/* the tag's output column */
	const uint8_t ** fields;	/* one record */
	size_t * lens;
	uint8_t * tagbuf;		/* its tag */
	size_t tagsize;
};

static void
match_free(void * cookie)
{
	struct match * m = cookie;

	if (m == NULL)
		return;
	ss_subs_matcher_free(m->subs);
	ss_opdef_get(SS_OP_match)->free(m->c);
	free(m->fields);
	free(m->lens);
	free(m->tagbuf);
	free(m);
}

static void *
match_new(const struct ss_program * p)
{
	struct ss_op_err err;
	struct match * m;

	if ((m = calloc(1, sizeof(*m))) == NULL) {
		ss_err_errno("calloc");
		return (NULL);
	}
	if ((m->c = ss_opdef_get(SS_OP_match)->parse(p, NULL, &err)) == NULL ||
	    (m->c->subs != NULL && (m->subs = ss_subs_matcher_new(
	    m->c->subs)) == NULL)) {
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

	m->n = m->nout = in->nfields;
	if ((m->fields = calloc(m->n + 2, sizeof(*m->fields))) == NULL ||
	    (m->lens = calloc(m->n + 2, sizeof(*m->lens))) == NULL) {
		ss_err_errno("calloc");
		return (-1);
	}
	for (i = 0; i < m->n; i++)
		m->fields[i] = ss_batch_field(in, 0, i, &m->lens[i]);
	if ((m->c->cond != NULL && ss_expr_bind(m->c->cond, m->fields, m->lens,
	    m->n)) || (m->subs != NULL && ss_subs_bind(m->subs, m->fields,
	    m->lens, m->n))) {
		ss_err_prefix("match");
		return (-1);
	}
	if (m->c->tag != NULL) {
		/* A column of that name (the last) is replaced, in place. */
		for (i = m->n; i > 0; i--)
			if (m->lens[i - 1] == m->c->taglen &&
			    memcmp(m->fields[i - 1], m->c->tag,
			    m->c->taglen) == 0)
				break;
		if (i > 0)
			m->tagcol = i - 1;
		else
			m->tagcol = m->nout++;
		m->fields[m->tagcol] = (const uint8_t *)m->c->tag;
		m->lens[m->tagcol] = m->c->taglen;
	}
	return (ss_flow_schema(f, m->fields, m->lens, m->nout));
}

/* The IDs of the ${n} subscriptions ${ids}, joined by ';', as the tag. */
static int
make_tag(struct match * m, const uint32_t * ids, size_t n)
{
	const char * id;
	uint8_t * p;
	size_t i, len, need = 0;

	for (i = 0; i < n; i++) {
		(void)ss_subs_id(m->c->subs, ids[i], &len);
		need += len + 1;
	}
	if (need > m->tagsize) {
		if ((p = realloc(m->tagbuf, need)) == NULL) {
			ss_err_errno("realloc");
			return (-1);
		}
		m->tagbuf = p;
		m->tagsize = need;
	}
	for (i = 0, len = 0, p = m->tagbuf; i < n; i++) {
		if (i > 0)
			*p++ = ';';
		id = ss_subs_id(m->c->subs, ids[i], &len);
		memcpy(p, id, len);
		p += len;
	}
	m->fields[m->tagcol] = m->tagbuf;
	m->lens[m->tagcol] = (size_t)(p - m->tagbuf);
	return (0);
}

static int
match_records(void * cookie, const struct ss_batch * in,
    struct ss_flow * f)
{
	struct match * m = cookie;
	struct ss_expr_row row = { in, 0, NULL, NULL };
	const uint32_t * ids = NULL;
	size_t r, i, nids = 0;
	int t;

	for (r = 0; r < in->nrecords; r++) {
		row.rec = r;
		if (m->c->cond != NULL) {
			if ((t = ss_expr_test(m->c->cond, &row)) == -1)
				return (-1);
			if (t == 0)
				continue;
		} else {
			if (ss_subs_match(m->subs, &row, &ids, &nids))
				return (-1);
			if (nids == 0)
				continue;
		}
		for (i = 0; i < m->n; i++)
			m->fields[i] = ss_batch_field(in, r, i, &m->lens[i]);
		if (m->c->tag != NULL && make_tag(m, ids, nids))
			return (-1);
		if (ss_flow_emit(f, m->fields, m->lens))
			return (-1);
	}
	return (0);
}

const struct ss_op ss_op_match = {
	.id = SS_OP_match,
	.new = match_new,
	.schema = match_schema,
	.records = match_records,
	.finish = NULL,
	.free = match_free,
};
