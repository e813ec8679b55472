/*
 * The bitset index of a subscription set (subs_match.h).  For each field
 * that numeric bounds and equalities (x op c with a number c, op not !=:
 * "indexed" predicates) name, its distinct constants c[0] < ... < c[m-1]
 * cut the numbers into 2m + 1 regions: below c[0], c[0] itself, between
 * c[0] and c[1], ... above c[m-1].  Each indexed predicate holds on a run
 * of regions, and so do all of a subscription's indexed predicates on
 * the field together (an interval: a run, or nothing).  Runs of regions
 * that no subscription tells apart share a layer: the bitset, one bit
 * per subscription, of the subscriptions whose indexed predicates on the
 * field hold there (and of those with none on the field).  Layer 0 is
 * for a value that is not a number, or lies in no subscription's
 * interval: it holds the subscriptions with no indexed predicate on the
 * field.  A record's candidates are the AND of one layer per field,
 * found by a binary search of its value (or a table, for integer
 * constants in a short span); they are exactly the subscriptions whose
 * indexed predicates all hold.  When the layers would take more than
 * SS_SUBS_BITS_MAX bytes, runs of neighbouring layers are merged (their
 * OR): the candidates are then a superset, checked one by one.
 */

#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "heapsort.h"
#include "subs_index.h"

/* A subscription's interval of regions on one field. */
struct span {
	uint32_t bf, sub;
	uint32_t lo, hi;	/* regions; lo > hi: empty */
};

/* A field's share of the subscriptions a record keeps. */
struct share {
	double sel;
	uint32_t k;
};

/* What the phases of ss_subs_bits_build() hand on. */
struct work {
	int32_t * bfof;		/* field -> its index in m->bf, or -1 */
	size_t * roff;		/* m->bf[k]'s regions: from roff[k] */
	size_t * nsp;		/* m->bf[k]'s intervals */
	struct span * sp;	/* the intervals */
	size_t nspan;
	size_t need;		/* layers, in all */
};

static int
cmp_share(const void * pa, const void * pb, void * arg)
{
	const struct share * a = pa, * b = pb;

	(void)arg;
	if (a->sel != b->sel)
		return ((a->sel < b->sel) ? -1 : 1);
	return ((a->k < b->k) ? -1 : (a->k > b->k));
}

void
ss_subs_bits_free(struct ss_subs_matcher * m)
{
	size_t k;

	for (k = 0; k < m->nbf; k++) {
		m->attrs[m->bf[k].attr].bexact = 0;
		free(m->bf[k].consts);
		free(m->bf[k].layer);
		free(m->bf[k].tab);
	}
	free(m->bf);
	m->bf = NULL;
	m->nbf = 0;
	free(m->bitmem);
	m->bitmem = NULL;
	free(m->needcheck);
	m->needcheck = NULL;
	m->usebits = 0;
}

/*
 * The fields to index, in m->bf, each with its distinct constants,
 * sorted, and where its regions start in w->roff.  Return 1, 0 if there
 * is none, or -1 if out of memory.
 */
static int
bits_fields(struct ss_subs_matcher * m, struct work * w)
{
	const struct ss_subs * s = m->s;
	const struct ss_subs_pred * p;
	struct ss_subs_bitfield * f;
	size_t nbf = 0, a, i, k, n;

	if ((w->bfof = malloc((s->nattrs + 1) * sizeof(*w->bfof))) == NULL)
		return (-1);
	for (a = 0; a < s->nattrs; a++)
		w->bfof[a] = -1;
	for (i = 0; i < s->npreds; i++)
		if (ss_subs_indexed(&s->preds[i]) &&
		    w->bfof[s->preds[i].attr] == -1)
			w->bfof[s->preds[i].attr] = (int32_t)nbf++;
	if (nbf == 0)
		return (0);
	if ((m->bf = calloc(nbf, sizeof(*m->bf))) == NULL)
		return (-1);
	m->nbf = nbf;
	for (a = 0; a < s->nattrs; a++)
		if (w->bfof[a] != -1)
			m->bf[w->bfof[a]].attr = (uint32_t)a;

	for (i = 0; i < s->npreds; i++)
		if (ss_subs_indexed(&s->preds[i]))
			m->bf[w->bfof[s->preds[i].attr]].nconst++;
	for (k = 0; k < nbf; k++) {
		if ((m->bf[k].consts = malloc(m->bf[k].nconst *
		    sizeof(double))) == NULL)
			return (-1);
		m->bf[k].nconst = 0;
	}
	for (i = 0; i < s->npreds; i++) {
		p = &s->preds[i];
		if (!ss_subs_indexed(p))
			continue;
		f = &m->bf[w->bfof[p->attr]];
		f->consts[f->nconst++] = (p->num == 0) ? 0 : p->num;
	}
	if ((w->roff = calloc(nbf + 1, sizeof(*w->roff))) == NULL ||
	    (w->nsp = calloc(nbf + 1, sizeof(*w->nsp))) == NULL)
		return (-1);
	for (k = 0; k < nbf; k++) {
		f = &m->bf[k];
		ss_heapsort(f->consts, f->nconst, sizeof(double),
		    ss_subs_cmp_double, NULL);
		for (i = 0, n = 0; i < f->nconst; i++)
			if (n == 0 || f->consts[n - 1] != f->consts[i])
				f->consts[n++] = f->consts[i];
		f->nconst = (uint32_t)n;
		w->roff[k + 1] = w->roff[k] + 2 * n + 1;
	}
	return (1);
}

/* The regions where ${p} holds, of field ${f}: ${*lo} to ${*hi}. */
static void
pred_regions(const struct ss_subs_bitfield * f, const struct ss_subs_pred * p,
    size_t * lo, size_t * hi)
{
	size_t m = f->nconst;
	size_t r = ss_subs_region(f->consts, m, p->num);	/* 2j + 1 */

	switch (p->op) {
	case SS_EXPR_EQ:
		*lo = *hi = r;
		break;
	case SS_EXPR_GE:
		*lo = r;
		*hi = 2 * m;
		break;
	case SS_EXPR_GT:
		*lo = r + 1;
		*hi = 2 * m;
		break;
	case SS_EXPR_LE:
		*lo = 0;
		*hi = r;
		break;
	default:	/* SS_EXPR_LT */
		*lo = 0;
		*hi = r - 1;
		break;
	}
}

/* Each subscription's interval on each field it constrains, in w->sp.
 * 0, or -1 if out of memory. */
static int
bits_spans(struct ss_subs_matcher * m, struct work * w)
{
	const struct ss_subs * s = m->s;
	const struct ss_subs_entry * b;
	const struct ss_subs_pred * p;
	uint32_t * stamp = NULL, * slo = NULL, * shi = NULL, * touched = NULL;
	size_t nbf = m->nbf, ntouch, i, k, lo, hi;
	int rc = -1;

	if ((stamp = calloc(nbf, sizeof(*stamp))) == NULL ||
	    (slo = malloc(nbf * sizeof(*slo))) == NULL ||
	    (shi = malloc(nbf * sizeof(*shi))) == NULL ||
	    (touched = malloc(nbf * sizeof(*touched))) == NULL ||
	    (w->sp = malloc((s->npreds + 1) * sizeof(*w->sp))) == NULL)
		goto done;
	for (b = s->subs; b < s->subs + s->nsubs; b++) {
		ntouch = 0;
		for (i = b->pred0; i < b->pred0 + b->npred; i++) {
			p = &s->preds[i];
			if (!ss_subs_indexed(p))
				continue;
			k = (size_t)w->bfof[p->attr];
			pred_regions(&m->bf[k], p, &lo, &hi);
			if (stamp[k] != (uint32_t)(b - s->subs) + 1) {
				stamp[k] = (uint32_t)(b - s->subs) + 1;
				slo[k] = (uint32_t)lo;
				shi[k] = (uint32_t)hi;
				touched[ntouch++] = (uint32_t)k;
			} else {
				if (lo > slo[k])
					slo[k] = (uint32_t)lo;
				if (hi < shi[k])
					shi[k] = (uint32_t)hi;
			}
		}
		for (i = 0; i < ntouch; i++) {
			k = touched[i];
			w->sp[w->nspan].bf = (uint32_t)k;
			w->sp[w->nspan].sub = (uint32_t)(b - s->subs);
			w->sp[w->nspan].lo = slo[k];
			w->sp[w->nspan].hi = shi[k];
			w->nspan++;
			w->nsp[k]++;
		}
	}
	rc = 0;
done:
	free(stamp);
	free(slo);
	free(shi);
	free(touched);
	return (rc);
}

/*
 * Each field's layers: a new one where an interval starts or the one
 * before ended; layer 0 where none covers.  0, or -1 if out of memory.
 */
static int
bits_layers(struct ss_subs_matcher * m, struct work * w)
{
	const struct span * sp = w->sp;
	struct ss_subs_bitfield * f;
	uint32_t * start = NULL, * endc = NULL, cov, cur, ended;
	size_t R = w->roff[m->nbf], i, k, r, n;
	int rc = -1;

	if ((start = calloc(R + 1, sizeof(*start))) == NULL ||
	    (endc = calloc(R + 1, sizeof(*endc))) == NULL)
		goto done;
	for (i = 0; i < w->nspan; i++) {
		if (sp[i].lo > sp[i].hi)
			continue;
		start[w->roff[sp[i].bf] + sp[i].lo]++;
		endc[w->roff[sp[i].bf] + sp[i].hi]++;
	}
	w->need = 0;
	for (k = 0; k < m->nbf; k++) {
		f = &m->bf[k];
		n = 2 * (size_t)f->nconst + 1;
		if ((f->layer = malloc(n * sizeof(*f->layer))) == NULL)
			goto done;
		for (r = 0, cov = 0, cur = 0; r < n; r++) {
			ended = (r > 0) ? endc[w->roff[k] + r - 1] : 0;
			cov -= ended;
			/* (Cover begins only where an interval starts.) */
			if (start[w->roff[k] + r] > 0 || (ended > 0 && cov > 0))
				cur++;
			cov += start[w->roff[k] + r];
			f->layer[r] = (cov > 0) ? cur : 0;
		}
		f->nlayers = cur + 1;
		w->need += f->nlayers;
	}
	rc = 0;
done:
	free(start);
	free(endc);
	return (rc);
}

/*
 * How many layers each field may keep, in ${want}, within the budget of
 * SS_SUBS_BITS_MAX bytes (and at most ${maxlayers} each, unless 0).
 * Merging layers costs little on a field whose intervals span many
 * layers (a bound), much on one whose intervals are single layers (an
 * equality): each field wants layers at most an eighth of its mean
 * interval long (at least 16 in all); what is left raises a common cap
 * on the others.  Return 1, or 0 if even that does not fit.
 */
static int
bits_caps(const struct ss_subs_matcher * m, const struct work * w,
    size_t maxlayers, size_t * want)
{
	const struct span * sp = w->sp;
	const struct ss_subs_bitfield * f;
	size_t budget, total, i, k, lo, hi, mid;
	uint32_t nl;

	for (i = 0; i < w->nspan; i++) {
		if (sp[i].lo > sp[i].hi)
			continue;
		f = &m->bf[sp[i].bf];
		want[sp[i].bf] += f->layer[sp[i].hi] - f->layer[sp[i].lo] + 1;
	}
	budget = SS_SUBS_BITS_MAX / sizeof(uint64_t) / m->nwords;
	for (k = 0, total = 0; k < m->nbf; k++) {
		nl = m->bf[k].nlayers - 1;
		/* want = nl / (mean length / 8) = 8 nl nspans / sum. */
		if (want[k] > 0)
			want[k] = (size_t)((8.0 * nl * (double)w->nsp[k]) /
			    (double)want[k]) + 1;
		if (want[k] < 16)
			want[k] = 16;
		if (want[k] > nl || maxlayers > 0)
			want[k] = (maxlayers > 0 && maxlayers < nl) ?
			    maxlayers : nl;
		total += want[k] + 1;
	}
	if (total > budget)
		return (0);
	if (maxlayers == 0 && w->need > budget) {
		/* The largest common cap that fits. */
		for (lo = 0, hi = w->roff[m->nbf]; lo < hi; ) {
			mid = lo + (hi - lo + 1) / 2;
			for (k = 0, total = 0; k < m->nbf; k++) {
				nl = m->bf[k].nlayers - 1;
				total += 1 + ((want[k] > mid) ? want[k] :
				    (nl < mid) ? nl : mid);
			}
			if (total <= budget)
				lo = mid;
			else
				hi = mid - 1;
		}
		for (k = 0; k < m->nbf; k++)
			if (want[k] < lo)
				want[k] = lo;
	} else if (maxlayers == 0) {
		for (k = 0; k < m->nbf; k++)
			want[k] = m->bf[k].nlayers - 1;
	}
	return (1);
}

/*
 * Merge each field's layers down to its cap (bits_caps()), and count
 * the layers left in w->need.  Return 1, 0 if they cannot fit, or -1 if
 * out of memory.
 */
static int
bits_merge(struct ss_subs_matcher * m, struct work * w, size_t maxlayers)
{
	struct ss_subs_bitfield * f;
	size_t * want, k, r, cap;
	uint32_t nl;
	int rc;

	if ((want = calloc(m->nbf, sizeof(*want))) == NULL)
		return (-1);
	if ((rc = bits_caps(m, w, maxlayers, want)) != 1)
		goto done;
	w->need = 0;
	for (k = 0; k < m->nbf; k++) {
		f = &m->bf[k];
		nl = f->nlayers - 1;
		cap = want[k];
		f->exact = (nl <= cap);
		if (!f->exact) {
			/* Layer l of nl becomes 1 + (l - 1) * cap / nl. */
			for (r = 0; r < 2 * (size_t)f->nconst + 1; r++)
				if (f->layer[r] > 0)
					f->layer[r] = 1 + (uint32_t)(((uint64_t)
					    f->layer[r] - 1) * cap / nl);
			f->nlayers = (uint32_t)cap + 1;
		}
		w->need += f->nlayers;
	}
done:
	free(want);
	return (rc);
}

/*
 * The bits: layer 0, the subscriptions that do not constrain the field
 * (and do not contradict themselves on it); the others' intervals as a
 * difference, a bit flipped where each starts and just after it ends,
 * then summed (XOR) up the layers; and layer 0 added to every layer.  0,
 * or -1 if out of memory.
 */
static int
bits_fill(struct ss_subs_matcher * m, const struct work * w)
{
	const struct span * sp = w->sp;
	struct ss_subs_bitfield * f;
	uint64_t * bits, * l0;
	size_t lw = m->nwords, i, k, l, x;

	if ((m->bitmem = calloc(w->need * lw, sizeof(uint64_t))) == NULL)
		return (-1);
	for (k = 0, bits = m->bitmem; k < m->nbf; k++) {
		m->bf[k].bits = bits;
		bits += m->bf[k].nlayers * lw;
	}
	for (k = 0; k < m->nbf; k++) {
		l0 = m->bf[k].bits;
		for (i = 0; i < m->s->nsubs; i++)
			l0[i / 64] |= (uint64_t)1 << (i % 64);
	}
	for (i = 0; i < w->nspan; i++) {
		f = &m->bf[sp[i].bf];
		f->bits[sp[i].sub / 64] &= ~((uint64_t)1 << (sp[i].sub % 64));
		if (sp[i].lo > sp[i].hi)
			continue;	/* never holds */
		l = f->layer[sp[i].lo];
		f->bits[l * lw + sp[i].sub / 64] ^=
		    (uint64_t)1 << (sp[i].sub % 64);
		l = f->layer[sp[i].hi] + 1;
		if (l < f->nlayers)
			f->bits[l * lw + sp[i].sub / 64] ^=
			    (uint64_t)1 << (sp[i].sub % 64);
	}
	for (k = 0; k < m->nbf; k++) {
		f = &m->bf[k];
		for (l = 2; l < f->nlayers; l++)
			for (x = 0; x < lw; x++)
				f->bits[l * lw + x] ^= f->bits[(l - 1) * lw + x];
		for (l = 1; l < f->nlayers; l++)
			for (x = 0; x < lw; x++)
				f->bits[l * lw + x] |= f->bits[x];
	}
	return (0);
}

/*
 * Integer constants in a short span: a table of layers, while the tables
 * take at most SS_SUBS_TABLES_MAX bytes in all.  0, or -1 if out of
 * memory.
 */
static int
bits_tables(struct ss_subs_matcher * m)
{
	struct ss_subs_bitfield * f;
	size_t total, i, k, n;

	for (k = 0, total = 0; k < m->nbf; k++) {
		f = &m->bf[k];
		n = f->nconst;
		if (n == 0 || f->consts[0] < -1e15 || f->consts[n - 1] > 1e15 ||
		    f->consts[n - 1] - f->consts[0] >= SS_SUBS_TABLE_MAX ||
		    total + (size_t)(f->consts[n - 1] - f->consts[0] + 1) >
		    SS_SUBS_TABLES_MAX / sizeof(*f->tab))
			continue;
		for (i = 0; i < n; i++)
			if (f->consts[i] != (double)(int64_t)f->consts[i])
				break;
		if (i < n)
			continue;
		f->tmin = (int64_t)f->consts[0];
		f->ntab = (size_t)((int64_t)f->consts[n - 1] - f->tmin) + 1;
		total += f->ntab;
		if ((f->tab = malloc(f->ntab * sizeof(*f->tab))) == NULL)
			return (-1);
		for (i = 0; i < f->ntab; i++)
			f->tab[i] = f->layer[ss_subs_region(f->consts, n,
			    (double)(f->tmin + (int64_t)i))];
	}
	return (0);
}

/* Who needs checking after the AND, and what.  0, or -1 if out of
 * memory. */
static int
bits_needcheck(struct ss_subs_matcher * m, const struct work * w)
{
	const struct ss_subs * s = m->s;
	const struct ss_subs_entry * b;
	size_t i, k;

	for (k = 0; k < m->nbf; k++)
		m->attrs[m->bf[k].attr].bexact = m->bf[k].exact;
	if ((m->needcheck = calloc(s->nsubs / 8 + 1, 1)) == NULL)
		return (-1);
	for (b = s->subs; b < s->subs + s->nsubs; b++) {
		i = (size_t)(b - s->subs);
		if (b->nres > 0)
			m->needcheck[i / 8] |= (uint8_t)(1 << (i % 8));
		for (k = b->pred0; k < b->pred0 + b->npred; k++)
			if (!ss_subs_indexed(&s->preds[k]) ||
			    !m->bf[w->bfof[s->preds[k].attr]].exact)
				m->needcheck[i / 8] |= (uint8_t)(1 << (i % 8));
	}
	return (0);
}

/*
 * Each field's share of subscriptions a record keeps, taken as its
 * layers' mean density; the fields in the order to AND them, the one
 * that keeps fewest first; and the estimated cost per record, in
 * ${*cost}: word ANDs until the candidates run out, a lookup per field,
 * a check per candidate.  0, or -1 if out of memory.
 */
static int
bits_order(struct ss_subs_matcher * m, double * cost)
{
	const struct ss_subs_bitfield * f;
	struct ss_subs_bitfield * sorted = NULL;
	struct share * order = NULL;
	size_t lw = m->nwords, nsubs = m->s->nsubs, k, l, x;
	double ecand, words, lookups, pc;
	int rc = -1;

	if ((order = malloc(m->nbf * sizeof(*order))) == NULL ||
	    (sorted = malloc(m->nbf * sizeof(*sorted))) == NULL)
		goto done;
	for (k = 0; k < m->nbf; k++) {
		f = &m->bf[k];
		for (l = 1, pc = 0; l < f->nlayers; l++)
			for (x = 0; x < lw; x++)
				pc += (double)__builtin_popcountll(
				    f->bits[l * lw + x]);
		order[k].sel = (f->nlayers > 1) ? pc /
		    (double)(f->nlayers - 1) / (double)nsubs : 1;
		order[k].k = (uint32_t)k;
	}
	ss_heapsort(order, m->nbf, sizeof(*order), cmp_share, NULL);
	for (k = 0; k < m->nbf; k++)
		sorted[k] = m->bf[order[k].k];
	memcpy(m->bf, sorted, m->nbf * sizeof(*sorted));
	ecand = (double)nsubs;
	words = 0;
	lookups = 0;
	for (k = 0; k < m->nbf && ecand >= 0.5; k++) {
		words += (double)lw * ((ecand * 64 >= (double)nsubs) ? 1 :
		    ecand * 64 / (double)nsubs);
		lookups += 1;
		ecand *= order[k].sel;
	}
	*cost = words + 20 * lookups + 40 * ecand;
	rc = 0;
done:
	free(order);
	free(sorted);
	return (rc);
}

int
ss_subs_bits_build(struct ss_subs_matcher * m, size_t maxlayers,
    double * cost)
{
	struct work w = { 0 };
	int rc;

	ss_subs_bits_free(m);
	*cost = 0;
	if ((rc = bits_fields(m, &w)) != 1)
		goto done;
	if (bits_spans(m, &w) || bits_layers(m, &w)) {
		rc = -1;
		goto done;
	}
	if ((rc = bits_merge(m, &w, maxlayers)) != 1)
		goto done;
	if (bits_fill(m, &w) || bits_tables(m) || bits_needcheck(m, &w) ||
	    bits_order(m, cost))
		rc = -1;
done:
	if (rc == -1)
		ss_err_set(SS_EXIT_SYS, "out of memory indexing subscriptions");
	if (rc != 1)
		ss_subs_bits_free(m);
	free(w.bfof);
	free(w.roff);
	free(w.nsp);
	free(w.sp);
	return (rc);
}
