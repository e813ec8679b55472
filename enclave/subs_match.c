/*
 * Matching records against a subscription set (subs_match.h): building
 * the matcher, binding it to a stream's columns, and finding the
 * candidates of a record with the index in use and checking them.
 */

#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "shown.h"
#include "subs_index.h"

struct ss_subs_matcher *
ss_subs_matcher_new(struct ss_subs * s)
{
	struct ss_subs_matcher * m;
	double cost;
	int rc;

	if ((m = calloc(1, sizeof(*m))) == NULL ||
	    (m->attrs = calloc(s->nattrs + 1, sizeof(*m->attrs))) == NULL) {
		free(m);
		ss_err_set(SS_EXIT_SYS, "out of memory indexing subscriptions");
		return (NULL);
	}
	m->s = s;
	m->subs = s->subs;
	m->preds = s->preds;
	m->res = s->res;
	m->text = s->text;
	if (ss_subs_preds_build(m))
		goto err;
	if ((rc = ss_subs_bits_build(m, 0, &cost)) == -1)
		goto err;
	if (rc == 1 && cost < m->predcost)
		m->usebits = 1;
	else
		ss_subs_bits_free(m);
	return (m);
err:
	ss_subs_matcher_free(m);
	return (NULL);
}

void
ss_subs_matcher_free(struct ss_subs_matcher * m)
{

	if (m == NULL)
		return;
	ss_subs_bits_free(m);
	free(m->attrs);
	free(m->bounds);
	free(m->boundsubs);
	free(m->eq);
	free(m->eqsubs);
	free(m->always);
	free(m->accattrs);
	free(m->vals);
	free(m->out);
	free(m->cand);
	free(m);
}

int
ss_subs_bind(struct ss_subs_matcher * m, const uint8_t * const * names,
    const size_t * lens, size_t n)
{
	const struct ss_subs * s = m->s;
	const struct ss_subs_attr * t;
	char b1[200];
	size_t a, j;

	m->bound = 0;
	for (a = 0; a < s->nattrs; a++) {
		t = &s->attrs[a];
		/* The last column of the name, as ss_expr_bind(). */
		for (j = n; j > 0; j--)
			if (lens[j - 1] == t->namelen &&
			    memcmp(names[j - 1], s->text + t->name,
			    t->namelen) == 0)
				break;
		if (j == 0) {
			ss_err_set(SS_EXIT_DATA, "no field '%s' in the input "
			    "stream", ss_shown(b1, sizeof(b1),
			    s->text + t->name, t->namelen, 64, 0));
			return (-1);
		}
		m->attrs[a].col = j - 1;
	}
	for (j = 0; j < s->nsubs; j++)
		if (s->subs[j].e != NULL &&
		    ss_expr_bind(s->subs[j].e, names, lens, n))
			return (-1);
	m->bound = 1;
	return (0);
}

/* Matching. */

/* The value of field ${a} in ${row}, read once per record. */
static const struct ss_subs_aval *
value(struct ss_subs_matcher * m, uint32_t a, const struct ss_expr_row * row)
{
	struct ss_subs_aval * v = &m->vals[a];
	size_t col = m->attrs[a].col;

	if (v->gen == m->gen)
		return (v);
	v->gen = m->gen;
	if (col < row->b->nfields)
		v->s = ss_batch_field(row->b, row->rec, col, &v->len);
	else {
		v->s = row->extra[col - row->b->nfields];
		v->len = row->extralen[col - row->b->nfields];
	}
	/* Short runs of digits, the common case, without a call. */
	if (v->len > 0 && v->len <= 9) {
		uint32_t x = 0;
		size_t i;

		for (i = 0; i < v->len && v->s[i] >= '0' && v->s[i] <= '9'; i++)
			x = x * 10 + (uint32_t)(v->s[i] - '0');
		if (i == v->len) {
			v->isnum = 1;
			v->num = (double)x;
			return (v);
		}
	}
	v->isnum = ss_expr_number(v->s, v->len, &v->num);
	return (v);
}

/* Does ${p} hold for ${v}? */
static int
holds(const struct ss_subs_matcher * m, const struct ss_subs_pred * p,
    const struct ss_subs_aval * v)
{
	size_t n;
	int c;

	if (p->isnum) {
		if (!v->isnum)
			return (p->op == SS_EXPR_NE);
		switch (p->op) {
		case SS_EXPR_EQ:
			return (v->num == p->num);
		case SS_EXPR_NE:
			return (v->num != p->num);
		case SS_EXPR_LT:
			return (v->num < p->num);
		case SS_EXPR_LE:
			return (v->num <= p->num);
		case SS_EXPR_GT:
			return (v->num > p->num);
		default:
			return (v->num >= p->num);
		}
	}
	if (v->isnum)
		return (p->op == SS_EXPR_NE);
	n = (v->len < p->len) ? v->len : p->len;
	if ((c = (n > 0) ? memcmp(v->s, m->text + p->str, n) : 0) == 0)
		c = (v->len < p->len) ? -1 : (v->len > p->len);
	switch (p->op) {
	case SS_EXPR_EQ:
		return (c == 0);
	case SS_EXPR_NE:
		return (c != 0);
	case SS_EXPR_LT:
		return (c < 0);
	case SS_EXPR_LE:
		return (c <= 0);
	case SS_EXPR_GT:
		return (c > 0);
	default:
		return (c >= 0);
	}
}

/*
 * Does candidate ${i} match ${row}?  1, 0, or -1 on error.  ${skip} is 1
 * if its first predicate is its access predicate, known to hold.
 */
static int
check(struct ss_subs_matcher * m, uint32_t i, int skip,
    const struct ss_expr_row * row)
{
	const struct ss_subs_entry * b = &m->subs[i];
	const struct ss_subs_pred * p;
	size_t k;
	int r;

	for (k = (size_t)skip; k < b->npred; k++) {
		p = &m->preds[b->pred0 + k];
		if (!holds(m, p, value(m, p->attr, row)))
			return (0);
	}
	for (k = 0, r = 1; k < b->nres && r == 1; k++)
		r = ss_expr_test_part(b->e, m->res[b->res0 + k], row);
	return (r);
}

/* Mark the ${n} subscriptions ${subs} as candidates. */
static void
mark(struct ss_subs_matcher * m, const uint32_t * subs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		m->cand[subs[i] / 64] |= (uint64_t)1 << (subs[i] % 64);
}

/* The equality slot of (field ${a}, value ${v}), or NULL. */
static const struct ss_subs_eqslot *
eq_find(const struct ss_subs_matcher * m, uint32_t a,
    const struct ss_subs_aval * v)
{
	const struct ss_subs_eqslot * q;
	uint64_t h = ss_subs_eq_hash(a, v->isnum, v->num, v->s, v->len);
	size_t slot;

	for (slot = h & m->eqmask; m->eq[slot].count != 0;
	    slot = (slot + 1) & m->eqmask) {
		q = &m->eq[slot];
		if (q->hash != h || q->attr != a || q->isnum != (uint32_t)v->isnum)
			continue;
		if (v->isnum ? q->num == v->num : (q->len == v->len &&
		    memcmp(m->text + q->str, v->s, v->len) == 0))
			return (q);
	}
	return (NULL);
}

/* The layer of field ${f} that ${v} falls in. */
static const uint64_t *
layer_of(const struct ss_subs_bitfield * f, const struct ss_subs_aval * v,
    size_t lw)
{
	double x = v->num;
	int64_t i;

	if (!v->isnum || x != x)
		return (f->bits);
	if (f->tab != NULL && x >= f->consts[0] &&
	    x <= f->consts[f->nconst - 1] && x == (double)(i = (int64_t)x))
		return (f->bits + f->tab[i - f->tmin] * lw);
	return (f->bits + f->layer[ss_subs_region(f->consts, f->nconst, x)] *
	    lw);
}

/*
 * Does candidate ${i} of the bitset index match ${row}?  1, 0 or -1.
 * (Its indexed predicates on fields with no layers merged hold.)
 */
static int
check_all(struct ss_subs_matcher * m, uint32_t i,
    const struct ss_expr_row * row)
{
	const struct ss_subs_entry * b = &m->subs[i];
	const struct ss_subs_pred * p;
	size_t k;
	int r;

	for (k = 0; k < b->npred; k++) {
		p = &m->preds[b->pred0 + k];
		if (ss_subs_indexed(p) && m->attrs[p->attr].bexact)
			continue;
		if (!holds(m, p, value(m, p->attr, row)))
			return (0);
	}
	for (k = 0, r = 1; k < b->nres && r == 1; k++)
		r = ss_expr_test_part(b->e, m->res[b->res0 + k], row);
	return (r);
}

/* ss_subs_match() with the bitset index. */
static int
match_bits(struct ss_subs_matcher * m, const struct ss_expr_row * row)
{
	const struct ss_subs_bitfield * f;
	const uint64_t * l;
	uint64_t * cand = m->cand, x, any;
	size_t lw = m->nwords, lo = 0, hi = lw, k, w, i, n;
	int r;

	for (k = 0; k < m->nbf; k++) {
		f = &m->bf[k];
		l = layer_of(f, value(m, f->attr, row), lw);
		if (k == 0) {
			memcpy(cand, l, lw * sizeof(*cand));
			continue;
		}
		for (w = lo, any = 0; w < hi; w++) {
			cand[w] &= l[w];
			any |= cand[w];
		}
		if (any == 0)
			return (0);
		/* Few words: not worth the branches. */
		if (hi - lo > 16) {
			while (cand[lo] == 0)
				lo++;
			while (cand[hi - 1] == 0)
				hi--;
		}
	}
	for (w = lo, n = 0; w < hi; w++)
		for (x = cand[w]; x != 0; x &= x - 1)
			m->out[n++] = (uint32_t)(w * 64 +
			    (size_t)__builtin_ctzll(x));
	/*
	 * Check those that need it.  Among many subscriptions each
	 * candidate's record and predicates are a cache miss: fetch them a
	 * few candidates ahead.
	 */
	for (k = 0; k < n; k++) {
		i = m->out[k];
		if (k + 8 < n)
			__builtin_prefetch(&m->subs[m->out[k + 8]]);
		if (k + 4 < n)
			__builtin_prefetch(&m->preds[
			    m->subs[m->out[k + 4]].pred0]);
		if (m->needcheck[i / 8] & (1 << (i % 8))) {
			if ((r = check_all(m, (uint32_t)i, row)) == -1)
				return (-1);
			if (r == 0)
				continue;
		}
		m->out[m->nout++] = (uint32_t)i;
	}
	return (0);
}

int
ss_subs_match(struct ss_subs_matcher * m, const struct ss_expr_row * row,
    const uint32_t ** ids, size_t * nids)
{
	const struct ss_subs_eqslot * q;
	const struct ss_subs_aval * v;
	const struct ss_subs_attrix * t;
	size_t i, k, w;
	uint64_t x, access;
	int r;

	m->gen++;
	m->nout = 0;
	*ids = m->out;
	*nids = 0;
	if (m->usebits) {
		if (match_bits(m, row))
			return (-1);
		*nids = m->nout;
		return (0);
	}
	/*
	 * The candidates: those with no access predicate, and those whose
	 * access predicate the record meets, as bits, so that they are
	 * checked in file order (their predicates lie in that order in
	 * memory) and come out in it.
	 */
	memcpy(m->cand, m->always, m->nwords * sizeof(*m->cand));
	for (i = 0; i < m->naccattrs; i++) {
		t = &m->attrs[m->accattrs[i]];
		v = value(m, m->accattrs[i], row);
		if (v->isnum) {
			if (t->eqnum && (q = eq_find(m, m->accattrs[i],
			    v)) != NULL)
				mark(m, m->eqsubs + q->first, q->count);
			/* lo <= v: a prefix; hi >= v: a suffix. */
			k = ss_subs_rank(m->bounds + t->lo0, t->nlo, v->num, 1);
			mark(m, m->boundsubs + t->lo0, k);
			k = ss_subs_rank(m->bounds + t->hi0, t->nhi, v->num, 0);
			mark(m, m->boundsubs + t->hi0 + k, t->nhi - k);
		} else if (t->eqtext && (q = eq_find(m, m->accattrs[i],
		    v)) != NULL)
			mark(m, m->eqsubs + q->first, q->count);
	}
	for (w = 0; w < m->nwords; w++) {
		if ((x = m->cand[w]) == 0)
			continue;
		/* (Those not in always have an access predicate.) */
		access = ~m->always[w];
		for (; x != 0; x &= x - 1) {
			k = (size_t)__builtin_ctzll(x);
			i = w * 64 + k;
			if ((r = check(m, (uint32_t)i, (int)(access >> k & 1),
			    row)) == -1)
				return (-1);
			if (r == 1)
				m->out[m->nout++] = (uint32_t)i;
		}
	}
	*ids = m->out;
	*nids = m->nout;
	return (0);
}

int
ss_subs_index(struct ss_subs_matcher * m, int how, size_t maxlayers)
{
	double cost;
	int r;

	if (how == SS_SUBS_PREDS) {
		ss_subs_bits_free(m);
		return (0);
	}
	if ((r = ss_subs_bits_build(m, maxlayers, &cost)) == -1)
		return (-1);
	m->usebits = r;
	return (!r);
}

int
ss_subs_index_kind(const struct ss_subs_matcher * m)
{
	size_t k;

	if (!m->usebits)
		return (SS_SUBS_PREDS);
	for (k = 0; k < m->nbf; k++)
		if (!m->bf[k].exact)
			return (SS_SUBS_BITS_MERGED);
	return (SS_SUBS_BITS);
}
