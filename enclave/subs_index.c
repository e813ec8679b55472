/*
 * The access-predicate index of a subscription set (subs_match.h).
 *
 * Every predicate gets an estimate of how often it holds, from the
 * constants all the subscriptions compare the same field with; each
 * subscription's predicates are sorted by it, and the first, if it is an
 * equality or a numeric bound, is its access predicate, filed in the
 * index:
 *   - numeric bounds x > c, x >= c as "x >= lo" (x > c is x >= the next
 *     double after c), per field, lo ascending: a value v meets the
 *     prefix lo <= v;
 *   - x < c, x <= c as "x <= hi", hi ascending: v meets the suffix;
 *   - equalities in one hash table of (field, constant).
 * Each subscription is in one list at most, so the candidates a record
 * finds are distinct, and need no counters.  A subscription with no
 * access predicate is in m->always.  The bitset index (subs_bits.c),
 * built next, is used instead when its estimated cost per record is
 * lower.
 */

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "heapsort.h"
#include "subs_index.h"

/* An equality's key, and the subscription it is for. */
struct eqkey {
	double num;
	uint32_t attr, isnum, str, len, sub;
};

/* A predicate and its estimated frequency, while sorting one
 * subscription's predicates. */
struct ranked {
	double sel;
	uint32_t pos;
	struct ss_subs_pred p;
};

/* A bound and its subscription, while sorting a field's bounds. */
struct bound {
	double v;
	uint32_t sub;
};

_Static_assert(sizeof(struct ranked) <= SS_HEAPSORT_ELEM_MAX,
    "ss_heapsort() moves at most SS_HEAPSORT_ELEM_MAX bytes");
_Static_assert(sizeof(struct eqkey) <= SS_HEAPSORT_ELEM_MAX,
    "ss_heapsort() moves at most SS_HEAPSORT_ELEM_MAX bytes");

/*
 * What the estimates are made from: for each field, the numeric
 * constants of its equalities and bounds, sorted (a stand-in for the
 * values records will have), consts[cstart[a] ... cstart[a + 1]], and
 * the number of distinct constants it is compared for equality with;
 * and the keys of all the equalities, sorted.
 */
struct stats {
	size_t * cstart;
	double * consts;
	size_t * distinct;
	struct eqkey * keys;
	size_t nkeys;
	size_t maxpred;		/* most predicates of one subscription */
};

/* For ss_heapsort(): ${text} is s->text. */
static int
cmp_eqkey(const void * pa, const void * pb, void * text)
{
	const struct eqkey * a = pa, * b = pb;
	const uint8_t * eqkey_text = text;
	size_t n;
	int c;

	if (a->attr != b->attr)
		return ((a->attr < b->attr) ? -1 : 1);
	if (a->isnum != b->isnum)
		return ((a->isnum < b->isnum) ? -1 : 1);
	if (a->isnum) {
		if (a->num != b->num)
			return ((a->num < b->num) ? -1 : 1);
	} else {
		n = (a->len < b->len) ? a->len : b->len;
		if ((c = memcmp(eqkey_text + a->str, eqkey_text + b->str,
		    n)) != 0)
			return (c);
		if (a->len != b->len)
			return ((a->len < b->len) ? -1 : 1);
	}
	return ((a->sub < b->sub) ? -1 : (a->sub > b->sub));
}

static int
same_eqkey(const struct eqkey * a, const struct eqkey * b,
    const uint8_t * text)
{

	if (a->attr != b->attr || a->isnum != b->isnum)
		return (0);
	if (a->isnum)
		return (a->num == b->num);
	return (a->len == b->len &&
	    memcmp(text + a->str, text + b->str, a->len) == 0);
}

static int
cmp_ranked(const void * pa, const void * pb, void * arg)
{
	const struct ranked * a = pa, * b = pb;

	(void)arg;
	if (a->sel != b->sel)
		return ((a->sel < b->sel) ? -1 : 1);
	return ((a->pos < b->pos) ? -1 : (a->pos > b->pos));
}

static int
cmp_bound(const void * pa, const void * pb, void * arg)
{
	const struct bound * a = pa, * b = pb;

	(void)arg;
	if (a->v != b->v)
		return ((a->v < b->v) ? -1 : 1);
	return ((a->sub < b->sub) ? -1 : (a->sub > b->sub));
}

/* Can ${p} be an access predicate? */
static int
accessible(const struct ss_subs_pred * p)
{

	return (p->op == SS_EXPR_EQ || (p->isnum && p->op != SS_EXPR_NE));
}

/* Is ${p} a lower bound (x > c, x >= c)? */
static int
is_lower(const struct ss_subs_pred * p)
{

	return (p->op == SS_EXPR_GT || p->op == SS_EXPR_GE);
}

/* Subscription ${b}'s access predicate, or NULL if it has none. */
static const struct ss_subs_pred *
access_pred(const struct ss_subs_matcher * m, const struct ss_subs_entry * b)
{
	size_t i = (size_t)(b - m->s->subs);

	if (m->always[i / 64] >> (i % 64) & 1)
		return (NULL);
	return (&m->s->preds[b->pred0]);
}

/* The stats of ${m}'s set into ${st}.  0, or -1 if out of memory. */
static int
gather(struct ss_subs_matcher * m, struct stats * st)
{
	const struct ss_subs * s = m->s;
	const struct ss_subs_entry * b;
	const struct ss_subs_pred * p;
	struct eqkey * k;
	size_t * fill = NULL, i, a;
	int rc = -1;

	if ((st->cstart = calloc(s->nattrs + 1, sizeof(*st->cstart))) ==
	    NULL || (fill = calloc(s->nattrs + 1, sizeof(*fill))) == NULL ||
	    (st->distinct = calloc(s->nattrs + 1, sizeof(*st->distinct))) ==
	    NULL)
		goto done;
	for (i = 0; i < s->npreds; i++) {
		p = &s->preds[i];
		if (p->isnum && p->op != SS_EXPR_NE)
			st->cstart[p->attr + 1]++;
		if (p->op == SS_EXPR_EQ)
			st->nkeys++;
	}
	for (a = 0; a < s->nattrs; a++)
		st->cstart[a + 1] += st->cstart[a];
	if ((st->consts = malloc((st->cstart[s->nattrs] + 1) *
	    sizeof(*st->consts))) == NULL ||
	    (st->keys = malloc((st->nkeys + 1) * sizeof(*st->keys))) == NULL)
		goto done;
	st->nkeys = 0;
	for (b = s->subs; b < s->subs + s->nsubs; b++) {
		for (i = b->pred0; i < b->pred0 + b->npred; i++) {
			p = &s->preds[i];
			if (p->isnum && p->op != SS_EXPR_NE)
				st->consts[st->cstart[p->attr] +
				    fill[p->attr]++] = p->num;
			if (p->op != SS_EXPR_EQ)
				continue;
			k = &st->keys[st->nkeys++];
			k->attr = p->attr;
			k->isnum = p->isnum;
			k->num = p->isnum ? (p->num == 0 ? 0 : p->num) : 0;
			k->str = p->str;
			k->len = p->len;
			k->sub = (uint32_t)(b - s->subs);
		}
		if (b->npred > st->maxpred)
			st->maxpred = b->npred;
	}
	for (a = 0; a < s->nattrs; a++)
		ss_heapsort(st->consts + st->cstart[a], st->cstart[a + 1] -
		    st->cstart[a], sizeof(*st->consts), ss_subs_cmp_double,
		    NULL);
	ss_heapsort(st->keys, st->nkeys, sizeof(*st->keys), cmp_eqkey,
	    s->text);
	for (i = 0; i < st->nkeys; i++)
		if (i == 0 || !same_eqkey(&st->keys[i - 1], &st->keys[i],
		    s->text))
			st->distinct[st->keys[i].attr]++;
	rc = 0;
done:
	free(fill);
	return (rc);
}

/*
 * How often ${p} is estimated to hold: an equality 1 / (distinct
 * constants + 2), a bound the share of the field's constants it admits,
 * != and text ranges last.
 */
static double
estimate(const struct stats * st, const struct ss_subs_pred * p)
{
	const double * c = st->consts + st->cstart[p->attr];
	size_t m = st->cstart[p->attr + 1] - st->cstart[p->attr], k;

	if (p->op == SS_EXPR_NE)
		return (3);
	if (p->op == SS_EXPR_EQ)
		return (1.0 / ((double)st->distinct[p->attr] + 2));
	if (!p->isnum)
		return (2);
	switch (p->op) {
	case SS_EXPR_GT:
		k = m - ss_subs_rank(c, m, p->num, 1);
		break;
	case SS_EXPR_GE:
		k = m - ss_subs_rank(c, m, p->num, 0);
		break;
	case SS_EXPR_LT:
		k = ss_subs_rank(c, m, p->num, 0);
		break;
	default:
		k = ss_subs_rank(c, m, p->num, 1);
		break;
	}
	return (((double)k + 1) / ((double)m + 2));
}

/*
 * Sort each subscription's predicates by how often they are estimated to
 * hold; mark those whose first cannot be an access predicate in
 * m->always; add up m->predcost.  0, or -1 if out of memory.
 */
static int
rank(struct ss_subs_matcher * m, const struct stats * st)
{
	struct ss_subs * s = m->s;
	struct ss_subs_entry * b;
	struct ss_subs_pred * p;
	struct ranked * rk;
	size_t i, k;
	int access;

	if ((rk = malloc((st->maxpred + 1) * sizeof(*rk))) == NULL ||
	    (m->always = calloc(s->nsubs / 64 + 1,
	    sizeof(*m->always))) == NULL) {
		free(rk);
		return (-1);
	}
	m->nwords = s->nsubs / 64 + 1;
	for (b = s->subs; b < s->subs + s->nsubs; b++) {
		for (i = 0; i < b->npred; i++) {
			p = &s->preds[b->pred0 + i];
			rk[i].sel = estimate(st, p);
			rk[i].pos = (uint32_t)i;
			rk[i].p = *p;
		}
		ss_heapsort(rk, b->npred, sizeof(*rk), cmp_ranked, NULL);
		for (i = 0; i < b->npred; i++)
			s->preds[b->pred0 + i] = rk[i].p;
		access = (b->npred > 0 && accessible(&s->preds[b->pred0]));
		if (!access) {
			k = (size_t)(b - s->subs);
			m->always[k / 64] |= (uint64_t)1 << (k % 64);
		}
		/* A candidate checks a few predicates; some, all 80. */
		m->predcost += (access ? rk[0].sel : 1) * 60;
	}
	free(rk);
	return (0);
}

/* File the access predicates that are bounds: per field, the lower ones
 * then the upper ones.  0, or -1 if out of memory. */
static int
file_bounds(struct ss_subs_matcher * m)
{
	const struct ss_subs * s = m->s;
	const struct ss_subs_entry * b;
	const struct ss_subs_pred * p;
	struct ss_subs_attrix * t;
	struct bound * bd = NULL;
	size_t * fill = NULL, * hifill = NULL, a, k, nb = 0;
	int rc = -1;

	for (b = s->subs; b < s->subs + s->nsubs; b++) {
		if ((p = access_pred(m, b)) == NULL || p->op == SS_EXPR_EQ)
			continue;
		nb++;
		if (is_lower(p))
			m->attrs[p->attr].nlo++;
		else
			m->attrs[p->attr].nhi++;
	}
	for (a = 0, k = 0; a < s->nattrs; a++) {
		t = &m->attrs[a];
		t->lo0 = (uint32_t)k;
		t->hi0 = (uint32_t)(k + t->nlo);
		k += t->nlo + t->nhi;
	}
	if ((fill = calloc(s->nattrs + 1, sizeof(*fill))) == NULL ||
	    (hifill = calloc(s->nattrs + 1, sizeof(*hifill))) == NULL ||
	    (bd = malloc((nb + 1) * sizeof(*bd))) == NULL ||
	    (m->bounds = malloc((nb + 1) * sizeof(*m->bounds))) == NULL ||
	    (m->boundsubs = malloc((nb + 1) * sizeof(*m->boundsubs))) == NULL)
		goto done;
	for (b = s->subs; b < s->subs + s->nsubs; b++) {
		if ((p = access_pred(m, b)) == NULL || p->op == SS_EXPR_EQ)
			continue;
		t = &m->attrs[p->attr];
		/* x > c is x >= the next double; x < c, x <= the one before. */
		if (is_lower(p))
			k = t->lo0 + fill[p->attr]++;
		else
			k = t->hi0 + hifill[p->attr]++;
		bd[k].v = (p->op == SS_EXPR_GT) ? nextafter(p->num, INFINITY) :
		    (p->op == SS_EXPR_LT) ? nextafter(p->num, -INFINITY) :
		    p->num;
		bd[k].sub = (uint32_t)(b - s->subs);
	}
	for (a = 0; a < s->nattrs; a++) {
		t = &m->attrs[a];
		ss_heapsort(bd + t->lo0, t->nlo, sizeof(*bd), cmp_bound, NULL);
		ss_heapsort(bd + t->hi0, t->nhi, sizeof(*bd), cmp_bound, NULL);
	}
	for (k = 0; k < nb; k++) {
		m->bounds[k] = bd[k].v;
		m->boundsubs[k] = bd[k].sub;
	}
	rc = 0;
done:
	free(fill);
	free(hifill);
	free(bd);
	return (rc);
}

/*
 * File the access predicates that are equalities in the hash table, from
 * the sorted keys of all the equalities ${st} (which this reuses).  0, or
 * -1 if out of memory.
 */
static int
file_equalities(struct ss_subs_matcher * m, struct stats * st)
{
	const struct ss_subs * s = m->s;
	const struct ss_subs_pred * p;
	struct eqkey * keys = st->keys;
	struct ss_subs_eqslot * q;
	size_t i, k, n = 0, ngroups = 0, neq = 0, size, slot;
	uint64_t h;

	/* Keep the keys of access predicates. */
	for (i = 0; i < st->nkeys; i++) {
		p = access_pred(m, &s->subs[keys[i].sub]);
		if (p == NULL || p->op != SS_EXPR_EQ ||
		    !same_eqkey(&keys[i], &(struct eqkey){ .attr = p->attr,
		    .isnum = p->isnum, .num = p->isnum ? p->num : 0,
		    .str = p->str, .len = p->len }, s->text))
			continue;
		/* A subscription may test one key twice: file it once. */
		if (n > 0 && keys[n - 1].sub == keys[i].sub &&
		    same_eqkey(&keys[n - 1], &keys[i], s->text))
			continue;
		keys[n++] = keys[i];
	}
	for (i = 0; i < n; i++)
		if (i == 0 || !same_eqkey(&keys[i - 1], &keys[i], s->text))
			ngroups++;
	for (size = 16; size < 2 * ngroups; size *= 2)
		;
	if ((m->eq = calloc(size, sizeof(*m->eq))) == NULL ||
	    (m->eqsubs = malloc((n + 1) * sizeof(*m->eqsubs))) == NULL)
		return (-1);
	m->eqmask = size - 1;
	for (i = 0; i < n; i = k) {
		for (k = i + 1; k < n && same_eqkey(&keys[i], &keys[k],
		    s->text); k++)
			;
		h = ss_subs_eq_hash(keys[i].attr, (int)keys[i].isnum,
		    keys[i].num, s->text + keys[i].str, keys[i].len);

		for (slot = h & m->eqmask; m->eq[slot].count != 0;
		    slot = (slot + 1) & m->eqmask)
			;
		q = &m->eq[slot];
		q->hash = h;
		q->attr = keys[i].attr;
		q->isnum = keys[i].isnum;
		q->num = keys[i].num;
		q->str = keys[i].str;
		q->len = keys[i].len;
		q->first = (uint32_t)neq;
		q->count = (uint32_t)(k - i);
		for (; i < k; i++)
			m->eqsubs[neq++] = keys[i].sub;
		if (q->isnum)
			m->attrs[q->attr].eqnum = 1;
		else
			m->attrs[q->attr].eqtext = 1;
	}
	return (0);
}

/* The rest: fields to look at, and room to match in.  0, or -1. */
static int
match_state(struct ss_subs_matcher * m)
{
	const struct ss_subs * s = m->s;
	const struct ss_subs_attrix * t;
	size_t a;

	if ((m->accattrs = malloc((s->nattrs + 1) *
	    sizeof(*m->accattrs))) == NULL ||
	    (m->out = malloc(s->nsubs * sizeof(*m->out))) == NULL ||
	    (m->cand = calloc(s->nsubs / 64 + 1, sizeof(*m->cand))) == NULL ||
	    (m->vals = calloc(s->nattrs + 1, sizeof(*m->vals))) == NULL)
		return (-1);
	for (a = 0; a < s->nattrs; a++) {
		t = &m->attrs[a];
		if (t->nlo || t->nhi || t->eqnum || t->eqtext)
			m->accattrs[m->naccattrs++] = (uint32_t)a;
	}
	return (0);
}

int
ss_subs_preds_build(struct ss_subs_matcher * m)
{
	struct stats st = { 0 };
	int rc = -1;

	if (gather(m, &st) || rank(m, &st) || file_bounds(m) ||
	    file_equalities(m, &st) || match_state(m)) {
		ss_err_set(SS_EXIT_SYS, "out of memory indexing "
		    "subscriptions");
		goto done;
	}
	/* Candidates are found by scanning words of bits. */
	m->predcost += 2 * (double)m->nwords;
	rc = 0;
done:
	free(st.cstart);
	free(st.consts);
	free(st.distinct);
	free(st.keys);
	return (rc);
}
