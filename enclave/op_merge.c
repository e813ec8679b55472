/*
 * ss-merge: "inputs" streams with the same columns, one output.
 *
 * Without "sorted-by", each batch is passed on as it comes: the records
 * of each input keep their order, and the inputs are interleaved as the
 * host hands their chunks over.
 *
 * With "sorted-by" = FIELD, a k-way merge of inputs each sorted on FIELD:
 * two values compare as numbers if both are numbers (ss_expr_number),
 * else bytewise; of equal values, the earlier input's record comes first.
 * The operator holds at most one batch of each input (the flow's
 * decrypted chunk) and emits a record only when it holds a record of
 * every input that has not ended: when it runs out of one input's
 * records it needs that input next (flow.h).  A record found smaller than
 * the one before it in its input is an error.
 */

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "err.h"
#include "expr.h"
#include "flow.h"
#include "op_conf.h"
#include "program.h"

/* One input's place in the merge. */
struct head {
	struct ss_batch b;		/* points into the flow's chunk */
	size_t pos;			/* the next record */
	int have;			/* b holds record pos */
	int done;			/* the input has ended */
	uint64_t nrec;			/* records taken so far */
	/* The sort key of record pos. */
	const uint8_t * key;
	size_t keylen;
	int isnum;
	double num;
	/* The key of the last record of the batch before (a copy). */
	uint8_t * last;
	size_t lastlen, lastsize;
	int lastnum;
	double lastx;
	int haslast;
};

struct merge {
	size_t nin;
	char * sorted_by;		/* NULL: interleave */
	size_t col;			/* its column */
	struct head * h;
	/* The columns, from the first schema seen, and whose. */
	int have_schema;
	size_t first;
	size_t ncols;
	uint8_t * names;
	size_t * namelens;
	/* One record. */
	const uint8_t ** fields;
	size_t * lens;
};

static void
merge_free(void * cookie)
{
	struct merge * m = cookie;
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; m->h != NULL && i < m->nin; i++) {
		if (m->h[i].last != NULL)
			sodium_memzero(m->h[i].last, m->h[i].lastsize);
		free(m->h[i].last);
	}
	free(m->h);
	free(m->sorted_by);
	free(m->names);
	free(m->namelens);
	free(m->fields);
	free(m->lens);
	free(m);
}

static void *
merge_new(const struct ss_program * p)
{
	struct ss_op_err err;
	struct ss_merge_conf * c;
	struct merge * m;

	if ((c = ss_opdef_get(SS_OP_merge)->parse(p, NULL, &err)) == NULL)
		return (NULL);
	if ((m = calloc(1, sizeof(*m))) == NULL) {
		ss_err_errno("calloc");
		ss_opdef_get(SS_OP_merge)->free(c);
		return (NULL);
	}
	/* The configuration is two fields: take them over. */
	m->nin = c->inputs;
	m->sorted_by = c->sorted_by;
	c->sorted_by = NULL;
	ss_opdef_get(SS_OP_merge)->free(c);
	if ((m->h = calloc(m->nin, sizeof(*m->h))) == NULL) {
		ss_err_errno("calloc");
		merge_free(m);
		return (NULL);
	}
	return (m);
}

static void
merge_shape(void * cookie, size_t * nin, size_t * nout)
{
	struct merge * m = cookie;

	*nin = m->nin;
	*nout = 1;
}

static size_t
merge_need(void * cookie)
{
	struct merge * m = cookie;
	size_t i;

	if (m->sorted_by == NULL)
		return (SS_FLOW_ANY);
	/* The first input that has not ended and has no record here. */
	for (i = 0; i < m->nin; i++)
		if (!m->h[i].have && !m->h[i].done)
			return (i);
	return (SS_FLOW_ANY);
}

/* Name input ${k} in the recorded error, if there are several. */
static void
name_input(const struct merge * m, size_t k)
{

	if (m->nin > 1)
		ss_err_prefix("input %zu", k + 1);
}

/* Numbers if both are, else bytes. */
static int
keycmp(const uint8_t * a, size_t alen, int anum, double ax,
    const uint8_t * b, size_t blen, int bnum, double bx)
{
	size_t n = (alen < blen) ? alen : blen;
	int c;

	if (anum && bnum)
		return ((ax > bx) - (ax < bx));
	if (n > 0 && (c = memcmp(a, b, n)) != 0)
		return (c);
	return ((alen > blen) - (alen < blen));
}

/* Take the key of input ${k}'s record pos; it may not go down. */
static int
load_head(struct merge * m, size_t k)
{
	struct head * h = &m->h[k];
	const uint8_t * prev;
	size_t prevlen;
	double prevx;
	int prevnum, c = 0;

	h->key = ss_batch_field(&h->b, h->pos, m->col, &h->keylen);
	h->isnum = ss_expr_number(h->key, h->keylen, &h->num);
	if (h->pos > 0) {
		prev = ss_batch_field(&h->b, h->pos - 1, m->col, &prevlen);
		prevnum = ss_expr_number(prev, prevlen, &prevx);
		c = keycmp(prev, prevlen, prevnum, prevx, h->key, h->keylen,
		    h->isnum, h->num);
	} else if (h->haslast)
		c = keycmp(h->last, h->lastlen, h->lastnum, h->lastx, h->key,
		    h->keylen, h->isnum, h->num);
	if (c > 0) {
		ss_err_set(SS_EXIT_DATA, "not sorted by %s: record %llu is "
		    "smaller than the one before it", m->sorted_by,
		    (unsigned long long)h->nrec + 1);
		name_input(m, k);
		return (-1);
	}
	return (0);
}

/* Emit input ${k}'s record pos and move on. */
static int
take_record(struct merge * m, struct ss_flow * f, size_t k)
{
	struct head * h = &m->h[k];
	uint8_t * nlast;
	size_t i;

	for (i = 0; i < m->ncols; i++)
		m->fields[i] = ss_batch_field(&h->b, h->pos, i, &m->lens[i]);
	if (ss_flow_emit(f, m->fields, m->lens))
		return (-1);
	h->nrec++;
	if (++h->pos < h->b.nrecords)
		return (load_head(m, k));
	/* The batch is used up: keep its last key for the next one. */
	if (h->keylen > h->lastsize) {
		if ((nlast = malloc(h->keylen)) == NULL) {
			ss_err_errno("malloc");
			return (-1);
		}
		if (h->last != NULL)
			sodium_memzero(h->last, h->lastsize);
		free(h->last);
		h->last = nlast;
		h->lastsize = h->keylen;
	}
	if (h->keylen > 0)
		memcpy(h->last, h->key, h->keylen);
	h->lastlen = h->keylen;
	h->lastnum = h->isnum;
	h->lastx = h->num;
	h->haslast = 1;
	h->have = 0;
	return (0);
}

/* Emit the smallest record while every input still going has one here. */
static int
run(struct merge * m, struct ss_flow * f)
{
	struct head * h = m->h, * b;
	size_t i, best;

	for (;;) {
		best = SIZE_MAX;
		for (i = 0; i < m->nin; i++) {
			if (!h[i].have) {
				if (!h[i].done)
					return (0);
				continue;
			}
			if (best == SIZE_MAX) {
				best = i;
				continue;
			}
			b = &h[best];
			if (keycmp(h[i].key, h[i].keylen, h[i].isnum, h[i].num,
			    b->key, b->keylen, b->isnum, b->num) < 0)
				best = i;
		}
		if (best == SIZE_MAX)
			return (0);
		if (take_record(m, f, best))
			return (-1);
	}
}

static int
merge_schema(void * cookie, const struct ss_batch * in, struct ss_flow * f)
{
	struct merge * m = cookie;
	size_t k = ss_flow_input(f), i, len, total = 0, pos = 0;
	const uint8_t * name;
	int found = 0;

	m->h[k].done = ss_flow_input_done(f, k);
	if (m->have_schema) {
		/* Every input has the first one's columns. */
		if (in->nfields != m->ncols)
			goto differ;
		for (i = 0; i < m->ncols; i++) {
			name = ss_batch_field(in, 0, i, &len);
			if (len != m->namelens[i] ||
			    (len > 0 && memcmp(name, m->names + pos, len) != 0))
				goto differ;
			pos += len;
		}
		return (m->sorted_by != NULL ? run(m, f) : 0);
	}
	m->ncols = in->nfields;
	for (i = 0; i < m->ncols; i++) {
		(void)ss_batch_field(in, 0, i, &len);
		total += len;
	}
	if ((m->names = malloc(total > 0 ? total : 1)) == NULL ||
	    (m->namelens = calloc(m->ncols + 1, sizeof(size_t))) == NULL ||
	    (m->fields = calloc(m->ncols + 1, sizeof(*m->fields))) == NULL ||
	    (m->lens = calloc(m->ncols + 1, sizeof(*m->lens))) == NULL) {
		ss_err_errno("malloc");
		return (-1);
	}
	for (i = 0; i < m->ncols; i++) {
		m->fields[i] = ss_batch_field(in, 0, i, &m->lens[i]);
		m->namelens[i] = m->lens[i];
		if (m->lens[i] > 0)
			memcpy(m->names + pos, m->fields[i], m->lens[i]);
		pos += m->lens[i];
		/* Of several columns of one name, the last (ss-expr(7)). */
		if (m->sorted_by != NULL &&
		    m->lens[i] == strlen(m->sorted_by) &&
		    memcmp(m->fields[i], m->sorted_by, m->lens[i]) == 0) {
			m->col = i;
			found = 1;
		}
	}
	if (m->sorted_by != NULL && !found) {
		ss_err_set(SS_EXIT_DATA, "no field '%s' in the input stream",
		    m->sorted_by);
		name_input(m, k);
		return (-1);
	}
	m->have_schema = 1;
	m->first = k;
	if (ss_flow_schema(f, m->fields, m->lens, m->ncols))
		return (-1);
	return (m->sorted_by != NULL ? run(m, f) : 0);
differ:
	ss_err_set(SS_EXIT_DATA, "its columns differ from those of input "
	    "%zu", m->first + 1);
	name_input(m, k);
	return (-1);
}

static int
merge_records(void * cookie, const struct ss_batch * in,
    struct ss_flow * f)
{
	struct merge * m = cookie;
	size_t k = ss_flow_input(f), r, i;
	struct head * h = &m->h[k];

	h->done = ss_flow_input_done(f, k);
	if (m->sorted_by == NULL) {
		for (r = 0; r < in->nrecords; r++) {
			for (i = 0; i < m->ncols; i++)
				m->fields[i] = ss_batch_field(in, r, i,
				    &m->lens[i]);
			if (ss_flow_emit(f, m->fields, m->lens))
				return (-1);
		}
		return (0);
	}
	/* The flow gives input k again only once we need it: h is free. */
	h->b = *in;
	h->pos = 0;
	h->have = (in->nrecords > 0);
	if (h->have && load_head(m, k))
		return (-1);
	return (run(m, f));
}

static int
merge_finish(void * cookie, struct ss_flow * f)
{
	struct merge * m = cookie;

	return (m->sorted_by != NULL ? run(m, f) : 0);
}

const struct ss_op ss_op_merge = {
	.id = SS_OP_merge,
	.new = merge_new,
	.schema = merge_schema,
	.records = merge_records,
	.finish = merge_finish,
	.free = merge_free,
	.shape = merge_shape,
	.need = merge_need,
};
