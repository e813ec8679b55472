/*
 * ss-reduce: group-by aggregates in Miller's stats1 form, over the whole
 * stream or over windows (tumbling or sliding in event time, or counts
 * of records per group), with heart-rate-variability accumulators over
 * successive differences; --partial writes mergeable state and --merge
 * combines it.  See ss-reduce(1) for the semantics, and reduce.h for the
 * program.
 *
 * Groups live in one hash table keyed by (window start, group values);
 * each window keeps its groups in first-seen order, and windows are kept
 * in order of their start, so closing a window emits and frees its
 * groups.  Memory is what the open groups hold: --max-groups bounds
 * their number, and that of the values distinct_count keeps.
 */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "err.h"
#include "expr.h"
#include "expr_eval.h"
#include "flow.h"
#include "frame.h"
#include "grow.h"
#include "program.h"
#include "reduce.h"
#include "reduce_time.h"
#include "xsum.h"

/* Bytes of the window start at the front of a key. */
#define KEY_START	8
/* Largest count: exact in a double. */
#define COUNT_MAX	(1ULL << 53)

/* A value kept as text. */
struct text {
	uint8_t * p;
	size_t len, cap;
};

/* min, max: numbers sort before text, as in Miller. */
#define EX_NONE	0
#define EX_NUM	1
#define EX_TEXT	2
struct extreme {
	int kind;
	double x;
	struct text t;
};

/* A hash table entry: empty while item is NULL. */
struct hent {
	uint64_t h;
	const uint8_t * key;
	size_t len;
	void * item;
};

struct htab {
	struct hent * e;
	size_t cap;		/* a power of 2, or 0 */
	size_t n;
};

/* The state of one value field in one group. */
struct facc {
	uint64_t n;		/* non-empty values */
	uint64_t nnum;		/* numbers among them */
	struct ss_xsum sum, sumsq;
	struct extreme min, max;
	struct text first, last;
	struct htab * set;	/* distinct values (keys owned) */
	double dfirst, dlast;	/* first and last number */
	struct ss_xsum dsum, dsumsq;	/* successive differences */
	uint64_t dn50;		/* ... larger than 50 in magnitude */
};

struct window;

struct group {
	struct group * prev, * next;	/* in its window, first seen first */
	struct window * w;
	uint64_t nrecs;		/* --count: records since the last output */
	uint8_t * key;		/* start[8], then len[4] value per group */
	size_t keylen;
	struct facc f[];
};

struct window {
	int64_t start;
	struct group * head, * tail;
	struct window * prev, * next;
};

/* Where a field's state lies in a partial row (--merge), or -1. */
struct spos {
	size_t n, nnum, sum, sumsq, min, max, first, last, set;
	size_t dfirst, dlast, dsum, dsumsq, dn50;
};

struct reduce {
	struct ss_reduce_conf * c;	/* the program */
	uint8_t hkey[crypto_shorthash_KEYBYTES];

	/* The input. */
	size_t * fcol;		/* value fields */
	size_t * gcol;		/* group fields */
	size_t tcol;		/* --time, or window_start (--merge) */
	struct spos * pos;	/* --merge */
	uint64_t nrec;		/* records read, for messages */

	/* Groups and windows. */
	struct htab groups;
	struct window * whead, * wtail;
	uint64_t ngroups;
	uint64_t ndistinct;	/* values held for distinct_count */
	int limit;		/* the error is --max-groups' (no prefix) */
	int have_max;		/* a time seen */
	double maxt;
	int form;		/* of the first time seen */
	uint64_t nlate;

	/* Scratch: a key, and an output row. */
	uint8_t * kbuf;
	size_t kcap;
	const uint8_t ** out;
	size_t * outlen;
	size_t * outoff;	/* into obuf, or SIZE_MAX */
	uint8_t * obuf;
	size_t olen, ocap;
};

/* Text. */

static int
text_set(struct text * t, const uint8_t * p, size_t len)
{
	uint8_t * np;

	if (len > t->cap) {
		if ((np = realloc(t->p, len)) == NULL) {
			ss_err_errno("realloc");
			return (-1);
		}
		t->p = np;
		t->cap = len;
	}
	if (len > 0)
		memcpy(t->p, p, len);
	t->len = len;
	return (0);
}

static void
text_free(struct text * t)
{

	free(t->p);
	t->p = NULL;
	t->len = t->cap = 0;
}

/* Bytewise, then shorter first. */
static int
text_cmp(const uint8_t * a, size_t alen, const uint8_t * b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);

	if (c != 0 || alen == blen)
		return (c);
	return (alen < blen ? -1 : 1);
}

/* Offer a value to a min (${sign} -1) or max (+1). */
static int
extreme_offer(struct extreme * m, int sign, const uint8_t * v, size_t len,
    int isnum, double x)
{

	if (isnum) {
		/* A number beats text for min, never for max. */
		if (m->kind == EX_NONE || (m->kind == EX_TEXT && sign < 0) ||
		    (m->kind == EX_NUM && (sign < 0 ? x < m->x : x > m->x))) {
			m->kind = EX_NUM;
			m->x = x;
		}
		return (0);
	}
	if (m->kind == EX_NONE || (m->kind == EX_NUM && sign > 0) ||
	    (m->kind == EX_TEXT &&
	    text_cmp(v, len, m->t.p, m->t.len) * sign > 0)) {
		m->kind = EX_TEXT;
		return (text_set(&m->t, v, len));
	}
	return (0);
}

/* Hash tables (linear probing, deletion by backward shift). */

static uint64_t
hash(const struct reduce * R, const uint8_t * p, size_t len)
{
	uint8_t h[crypto_shorthash_BYTES];
	uint64_t x;

	crypto_shorthash(h, p, len, R->hkey);
	memcpy(&x, h, sizeof(x));
	return (x);
}

static struct hent *
ht_find(const struct htab * t, uint64_t h, const uint8_t * key, size_t len)
{
	size_t mask = t->cap - 1, i = (size_t)h & mask;
	struct hent * e;

	for (;; i = (i + 1) & mask) {
		e = &t->e[i];
		if (e->item == NULL || (e->h == h && e->len == len &&
		    (len == 0 || memcmp(e->key, key, len) == 0)))
			return (e);
	}
}

/* Make room for one more entry. */
static int
ht_room(struct htab * t)
{
	struct hent * old = t->e, * ne;
	size_t oldcap = t->cap, ncap, i;

	if (t->cap > 0 && (t->n + 1) * 4 <= t->cap * 3)
		return (0);
	ncap = (t->cap > 0) ? t->cap * 2 : 16;
	if ((ne = calloc(ncap, sizeof(*ne))) == NULL) {
		ss_err_errno("calloc");
		return (-1);
	}
	t->e = ne;
	t->cap = ncap;
	for (i = 0; i < oldcap; i++)
		if (old[i].item != NULL)
			*ht_find(t, old[i].h, old[i].key, old[i].len) = old[i];
	free(old);
	return (0);
}

static void
ht_remove(struct htab * t, struct hent * e)
{
	size_t mask = t->cap - 1, i = (size_t)(e - t->e), j = i, k;

	for (;;) {
		j = (j + 1) & mask;
		if (t->e[j].item == NULL)
			break;
		k = (size_t)t->e[j].h & mask;
		/* Move j back to i unless its home lies in (i, j]. */
		if ((j > i && (k <= i || k > j)) ||
		    (j < i && (k <= i && k > j))) {
			t->e[i] = t->e[j];
			i = j;
		}
	}
	t->e[i].item = NULL;
	t->n--;
}

/* Field state. */

static void
facc_init(struct facc * a)
{

	memset(a, 0, sizeof(*a));
	ss_xsum_init(&a->sum);
	ss_xsum_init(&a->sumsq);
	ss_xsum_init(&a->dsum);
	ss_xsum_init(&a->dsumsq);
}

static void
set_free(struct reduce * R, struct htab * set)
{
	size_t i;

	if (set == NULL)
		return;
	for (i = 0; i < set->cap; i++)
		if (set->e[i].item != NULL)
			free(set->e[i].item);
	R->ndistinct -= set->n;
	free(set->e);
	free(set);
}

static void
facc_free(struct reduce * R, struct facc * a)
{

	ss_xsum_free(&a->sum);
	ss_xsum_free(&a->sumsq);
	ss_xsum_free(&a->dsum);
	ss_xsum_free(&a->dsumsq);
	text_free(&a->min.t);
	text_free(&a->max.t);
	text_free(&a->first);
	text_free(&a->last);
	set_free(R, a->set);
	a->set = NULL;
}

/* Add ${v} to the distinct values of ${a}. */
static int
set_add(struct reduce * R, struct facc * a, const uint8_t * v, size_t len)
{
	struct hent * e;
	uint8_t * copy;
	uint64_t h;

	if (a->set == NULL && (a->set = calloc(1, sizeof(*a->set))) == NULL) {
		ss_err_errno("calloc");
		return (-1);
	}
	h = hash(R, v, len);
	if (a->set->cap > 0 && ht_find(a->set, h, v, len)->item != NULL)
		return (0);
	if (R->ndistinct >= R->c->max_groups) {
		R->limit = 1;
		ss_err_set(SS_EXIT_DATA, "reduce: more than %llu distinct "
		    "values held for distinct_count (see --max-groups)",
		    (unsigned long long)R->c->max_groups);
		return (-1);
	}
	if (ht_room(a->set))
		return (-1);
	if ((copy = malloc(len)) == NULL) {
		ss_err_errno("malloc");
		return (-1);
	}
	memcpy(copy, v, len);
	e = ht_find(a->set, h, v, len);
	e->h = h;
	e->key = copy;
	e->len = len;
	e->item = copy;
	a->set->n++;
	R->ndistinct++;
	return (0);
}

/* One successive difference, ${d}, joins ${a}. */
static int
diff_add(struct facc * a, double d)
{

	if (ss_xsum_add(&a->dsum, d) || ss_xsum_add_product(&a->dsumsq, d, d))
		return (-1);
	if (fabs(d) > 50)
		a->dn50++;
	return (0);
}

/* One value of a record joins ${a}. */
static int
facc_add(struct reduce * R, struct facc * a, const uint8_t * v, size_t len)
{
	unsigned need = R->c->need;
	double x = 0;
	int isnum;

	/* Empty values are left out, as in Miller. */
	if (len == 0)
		return (0);
	a->n++;
	if ((isnum = ss_expr_number(v, len, &x)) != 0) {
		a->nnum++;
		if ((need & SS_NEED_SUM) && ss_xsum_add(&a->sum, x))
			return (-1);
		if ((need & SS_NEED_SUMSQ) &&
		    ss_xsum_add_product(&a->sumsq, x, x))
			return (-1);
		if (need & SS_NEED_DIFFS) {
			if (a->nnum == 1)
				a->dfirst = x;
			else if (diff_add(a, x - a->dlast))
				return (-1);
			a->dlast = x;
		}
	}
	if ((need & SS_NEED_MIN) && extreme_offer(&a->min, -1, v, len, isnum,
	    x))
		return (-1);
	if ((need & SS_NEED_MAX) && extreme_offer(&a->max, 1, v, len, isnum,
	    x))
		return (-1);
	if ((need & SS_NEED_FIRST) && a->n == 1 && text_set(&a->first, v, len))
		return (-1);
	if ((need & SS_NEED_LAST) && text_set(&a->last, v, len))
		return (-1);
	if ((need & SS_NEED_SET) && set_add(R, a, v, len))
		return (-1);
	return (0);
}

/* Groups and windows. */

static void
group_free(struct reduce * R, struct group * g)
{
	size_t i;

	for (i = 0; i < R->c->nfields; i++)
		facc_free(R, &g->f[i]);
	free(g);
}

/* The window starting at ${start}, made if need be. */
static struct window *
window_get(struct reduce * R, int64_t start)
{
	struct window * w, * at;

	/* New records mostly fall in the latest windows. */
	for (at = R->wtail; at != NULL && at->start > start; at = at->prev)
		;
	if (at != NULL && at->start == start)
		return (at);
	if ((w = calloc(1, sizeof(*w))) == NULL) {
		ss_err_errno("calloc");
		return (NULL);
	}
	w->start = start;
	w->prev = at;
	w->next = (at != NULL) ? at->next : R->whead;
	if (w->next != NULL)
		w->next->prev = w;
	else
		R->wtail = w;
	if (at != NULL)
		at->next = w;
	else
		R->whead = w;
	return (w);
}

/*
 * The group of the key in R->kbuf (${klen} bytes; its window start in
 * the first KEY_START bytes), made if need be.
 */
static struct group *
group_get(struct reduce * R, int64_t start, size_t klen)
{
	struct group * g;
	struct hent * e;
	uint64_t h;
	size_t i;

	memcpy(R->kbuf, &start, KEY_START);
	h = hash(R, R->kbuf, klen);
	if (R->groups.cap > 0 &&
	    (e = ht_find(&R->groups, h, R->kbuf, klen))->item != NULL)
		return (e->item);
	if (R->ngroups >= R->c->max_groups) {
		R->limit = 1;
		ss_err_set(SS_EXIT_DATA, "reduce: more than %llu groups (see "
		    "--max-groups)", (unsigned long long)R->c->max_groups);
		return (NULL);
	}
	if (ht_room(&R->groups))
		return (NULL);
	if ((g = malloc(sizeof(*g) + R->c->nfields * sizeof(g->f[0]) +
	    klen)) == NULL) {
		ss_err_errno("malloc");
		return (NULL);
	}
	g->next = NULL;
	g->nrecs = 0;
	g->key = (uint8_t *)&g->f[R->c->nfields];
	g->keylen = klen;
	memcpy(g->key, R->kbuf, klen);
	for (i = 0; i < R->c->nfields; i++)
		facc_init(&g->f[i]);
	if ((g->w = window_get(R, start)) == NULL) {
		free(g);
		return (NULL);
	}
	g->prev = g->w->tail;
	if (g->w->tail != NULL)
		g->w->tail->next = g;
	else
		g->w->head = g;
	g->w->tail = g;
	e = ht_find(&R->groups, h, g->key, klen);
	e->h = h;
	e->key = g->key;
	e->len = klen;
	e->item = g;
	R->groups.n++;
	R->ngroups++;
	return (g);
}

/* Forget ${g}. */
static void
group_drop(struct reduce * R, struct group * g)
{
	struct window * w = g->w;

	ht_remove(&R->groups, ht_find(&R->groups,
	    hash(R, g->key, g->keylen), g->key, g->keylen));
	if (g->prev != NULL)
		g->prev->next = g->next;
	else
		w->head = g->next;
	if (g->next != NULL)
		g->next->prev = g->prev;
	else
		w->tail = g->prev;
	R->ngroups--;
	group_free(R, g);
}

/* Forget ${w}, which has no groups left. */
static void
window_drop(struct reduce * R, struct window * w)
{

	if (w->prev != NULL)
		w->prev->next = w->next;
	else
		R->whead = w->next;
	if (w->next != NULL)
		w->next->prev = w->prev;
	else
		R->wtail = w->prev;
	free(w);
}

/* Output. */

/* Reserve ${n} bytes of the row buffer. */
static int
out_room(struct reduce * R, size_t n)
{
	uint8_t * nb;
	size_t ncap = (R->ocap > 0) ? R->ocap : 4096;

	if (R->ocap - R->olen >= n)
		return (0);
	if (n > SS_RECORD_MAX || R->olen > SS_RECORD_MAX - n) {
		ss_err_set(SS_EXIT_DATA, "reduce: an output row exceeds %u "
		    "bytes (too many distinct values in one group?)",
		    (unsigned)SS_RECORD_MAX);
		return (-1);
	}
	while (ncap - R->olen < n)
		ncap *= 2;
	if ((nb = realloc(R->obuf, ncap)) == NULL) {
		ss_err_errno("realloc");
		return (-1);
	}
	R->obuf = nb;
	R->ocap = ncap;
	return (0);
}

/* Column ${i} is ${p} (${len} bytes), which stays put until the emit. */
static void
out_ref(struct reduce * R, size_t i, const uint8_t * p, size_t len)
{

	R->out[i] = p;
	R->outlen[i] = len;
	R->outoff[i] = SIZE_MAX;
}

/* Column ${i} is the ${len} bytes just written at the buffer's end. */
static void
out_took(struct reduce * R, size_t i, size_t len)
{

	R->outoff[i] = R->olen;
	R->outlen[i] = len;
	R->olen += len;
}

static int
out_num(struct reduce * R, size_t i, double x)
{

	if (out_room(R, SS_EXPR_NUMBUF))
		return (-1);
	out_took(R, i, ss_expr_format(x, (char *)R->obuf + R->olen));
	return (0);
}

static int
out_count(struct reduce * R, size_t i, uint64_t n)
{

	if (out_room(R, 24))
		return (-1);
	out_took(R, i, (size_t)snprintf((char *)R->obuf + R->olen, 24,
	    "%llu", (unsigned long long)n));
	return (0);
}

static int
out_xsum(struct reduce * R, size_t i, const struct ss_xsum * s)
{

	if (out_room(R, SS_XSUM_TEXT_MAX))
		return (-1);
	out_took(R, i, ss_xsum_format(s, (char *)R->obuf + R->olen));
	return (0);
}

static int
out_extreme(struct reduce * R, size_t i, const struct extreme * m)
{

	if (m->kind == EX_NUM)
		return (out_num(R, i, m->x));
	out_ref(R, i, m->t.p, m->kind == EX_TEXT ? m->t.len : 0);
	return (0);
}

/* The distinct values, each as len ":" bytes. */
static int
out_set(struct reduce * R, size_t i, const struct htab * set)
{
	size_t k, start = R->olen, n;

	for (k = 0; set != NULL && k < set->cap; k++) {
		if (set->e[k].item == NULL)
			continue;
		if (out_room(R, 24 + set->e[k].len))
			return (-1);
		n = (size_t)snprintf((char *)R->obuf + R->olen, 24, "%zu:",
		    set->e[k].len);
		memcpy(R->obuf + R->olen + n, set->e[k].key, set->e[k].len);
		R->olen += n + set->e[k].len;
	}
	R->outoff[i] = start;
	R->outlen[i] = R->olen - start;
	return (0);
}

/* The results of one field's accumulators, from column ${i}. */
static int
out_results(struct reduce * R, size_t i, const struct facc * a)
{
	double var;
	uint64_t nd = (a->nnum > 0) ? a->nnum - 1 : 0;
	size_t k;
	int rc = 0;

	for (k = 0; k < R->c->nacc && rc == 0; k++, i++) {
		out_ref(R, i, NULL, 0);
		switch (R->c->acc[k]) {
		case SS_ACC_COUNT:
			rc = out_count(R, i, a->n);
			break;
		case SS_ACC_SUM:
			rc = out_num(R, i, ss_xsum_value(&a->sum));
			break;
		case SS_ACC_MEAN:
			if (a->nnum > 0)
				rc = out_num(R, i, ss_xsum_value(&a->sum) /
				    (double)a->nnum);
			break;
		case SS_ACC_MIN:
			rc = out_extreme(R, i, &a->min);
			break;
		case SS_ACC_MAX:
			rc = out_extreme(R, i, &a->max);
			break;
		case SS_ACC_VAR:
		case SS_ACC_STDDEV:
			if (a->nnum < 2)
				break;
			if ((rc = ss_xsum_var(&a->sum, &a->sumsq, a->nnum,
			    &var)) == 0)
				rc = out_num(R, i, R->c->acc[k] == SS_ACC_VAR ?
				    var : sqrt(var));
			break;
		case SS_ACC_FIRST:
			out_ref(R, i, a->first.p, a->first.len);
			break;
		case SS_ACC_LAST:
			out_ref(R, i, a->last.p, a->last.len);
			break;
		case SS_ACC_DISTINCT:
			rc = out_count(R, i, a->set != NULL ? a->set->n : 0);
			break;
		case SS_ACC_RMSSD:
			if (nd >= 1)
				rc = out_num(R, i, sqrt(ss_xsum_value(
				    &a->dsumsq) / (double)nd));
			break;
		case SS_ACC_SDSD:
			if (nd < 2)
				break;
			if ((rc = ss_xsum_var(&a->dsum, &a->dsumsq, nd,
			    &var)) == 0)
				rc = out_num(R, i, sqrt(var));
			break;
		case SS_ACC_PNN50:
			if (nd >= 1)
				rc = out_num(R, i, (double)a->dn50 /
				    (double)nd);
			break;
		}
	}
	return (rc);
}

/* The state of one field, from column ${i}; the next column. */
static int
out_state(struct reduce * R, size_t * ip, const struct facc * a)
{
	unsigned need = R->c->need;
	size_t i = *ip;

	if (out_count(R, i++, a->n) || out_count(R, i++, a->nnum))
		return (-1);
	if ((need & SS_NEED_SUM) && out_xsum(R, i++, &a->sum))
		return (-1);
	if ((need & SS_NEED_SUMSQ) && out_xsum(R, i++, &a->sumsq))
		return (-1);
	if ((need & SS_NEED_MIN) && out_extreme(R, i++, &a->min))
		return (-1);
	if ((need & SS_NEED_MAX) && out_extreme(R, i++, &a->max))
		return (-1);
	if (need & SS_NEED_FIRST)
		out_ref(R, i++, a->first.p, a->first.len);
	if (need & SS_NEED_LAST)
		out_ref(R, i++, a->last.p, a->last.len);
	if ((need & SS_NEED_SET) && out_set(R, i++, a->set))
		return (-1);
	if (need & SS_NEED_DIFFS) {
		if (a->nnum > 0) {
			if (out_num(R, i++, a->dfirst) ||
			    out_num(R, i++, a->dlast))
				return (-1);
		} else {
			out_ref(R, i++, NULL, 0);
			out_ref(R, i++, NULL, 0);
		}
		if (out_xsum(R, i++, &a->dsum) ||
		    out_xsum(R, i++, &a->dsumsq) ||
		    out_count(R, i++, a->dn50))
			return (-1);
	}
	*ip = i;
	return (0);
}

/* Output the row of ${g}. */
static int
emit(struct reduce * R, const struct group * g, struct ss_flow * f)
{
	const uint8_t * k = g->key + KEY_START;
	size_t i = 0, j, n;
	uint32_t vlen;

	R->olen = 0;
	if (R->c->window == SS_WINDOW_TIME) {
		if (out_room(R, SS_TIME_BUF))
			return (-1);
		out_took(R, i++, ss_reduce_time_format(g->w->start, R->form,
		    (char *)R->obuf + R->olen));
	}
	for (j = 0; j < R->c->ngroups; j++) {
		vlen = ss_be32dec(k);
		out_ref(R, i++, k + 4, vlen);
		k += 4 + vlen;
	}
	for (j = 0; j < R->c->nfields; j++) {
		if (R->c->partial) {
			if (out_state(R, &i, &g->f[j]))
				return (-1);
		} else {
			if (out_results(R, i, &g->f[j]))
				return (-1);
			i += R->c->nacc;
		}
	}
	n = R->c->partial ? R->c->nstate : R->c->ncolumns;
	for (i = 0; i < n; i++)
		if (R->outoff[i] != SIZE_MAX)
			R->out[i] = R->obuf + R->outoff[i];
		else if (R->out[i] == NULL)
			R->out[i] = (const uint8_t *)"";
	return (ss_flow_emit(f, R->out, R->outlen));
}

/* Output and forget every group of ${w}, then ${w}. */
static int
window_close(struct reduce * R, struct window * w, struct ss_flow * f)
{

	while (w->head != NULL) {
		if (emit(R, w->head, f))
			return (-1);
		group_drop(R, w->head);
	}
	window_drop(R, w);
	return (0);
}

/* Is the window starting at ${start} closed (the watermark passed it)? */
static int
closed(const struct reduce * R, int64_t start)
{

	return (R->have_max &&
	    (double)(start + R->c->size) <= R->maxt - (double)R->c->lateness);
}

/* Keys. */

/* Put record ${r}'s group values (columns ${cols}) in R->kbuf. */
static int
make_key(struct reduce * R, const struct ss_batch * in, size_t r,
    const size_t * cols, size_t * klen)
{
	const uint8_t * v;
	size_t i, len, n = KEY_START;

	for (i = 0; i < R->c->ngroups; i++) {
		v = ss_batch_field(in, r, cols[i], &len);
		if (ss_grow(&R->kbuf, &R->kcap, n + 4 + len, 1))
			return (-1);
		ss_be32enc(R->kbuf + n, (uint32_t)len);
		memcpy(R->kbuf + n + 4, v, len);
		n += 4 + len;
	}
	*klen = n;
	return (0);
}

/* The start of the last window (of step ${step}) holding ${t}. */
static int64_t
window_of(double t, int64_t step)
{
	int64_t ws = (int64_t)floor(t / (double)step) * step;

	if ((double)ws > t)
		ws -= step;
	else if ((double)(ws + step) <= t)
		ws += step;
	return (ws);
}

/* Records. */

static int
add_record(struct reduce * R, struct group * g, const struct ss_batch * in,
    size_t r)
{
	const uint8_t * v;
	size_t i, len;

	for (i = 0; i < R->c->nfields; i++) {
		v = ss_batch_field(in, r, R->fcol[i], &len);
		if (facc_add(R, &g->f[i], v, len)) {
			if (!R->limit)
				ss_err_prefix("reduce: record %llu: field "
				    "'%s'", (unsigned long long)R->nrec,
				    R->c->fields[i]);
			return (-1);
		}
	}
	return (0);
}

static int
time_record(struct reduce * R, const struct ss_batch * in, size_t r,
    size_t klen, struct ss_flow * f)
{
	struct group * g;
	const uint8_t * v;
	double t;
	int64_t last, s;
	size_t len;
	int form, late = 0;

	v = ss_batch_field(in, r, R->tcol, &len);
	if (ss_reduce_time(v, len, &t, &form)) {
		ss_err_set(SS_EXIT_DATA, "reduce: record %llu: field '%s' is "
		    "not a time (seconds since 1970, or YYYY-MM-DDTHH:MM:SS "
		    "from year 0000 to 9999)", (unsigned long long)R->nrec,
		    R->c->time);
		return (-1);
	}
	if (!R->have_max)
		R->form = form;
	/*
	 * Close what the new watermark passes first: the record's own
	 * windows end after it, so they stay open, and memory holds at
	 * most the groups of the windows still open.
	 */
	if (!R->have_max || t > R->maxt) {
		R->have_max = 1;
		R->maxt = t;
		while (R->whead != NULL && closed(R, R->whead->start))
			if (window_close(R, R->whead, f))
				return (-1);
	}
	last = window_of(t, R->c->step);
	for (s = last - R->c->size + R->c->step; s <= last; s += R->c->step) {
		if (closed(R, s)) {
			late = 1;
			continue;
		}
		if ((g = group_get(R, s, klen)) == NULL ||
		    add_record(R, g, in, r))
			return (-1);
	}
	R->nlate += late;
	return (0);
}

/* --merge: one partial row. */

static int
parse_count(const uint8_t * v, size_t len, uint64_t * n)
{
	uint64_t x = 0;
	size_t i;

	if (len == 0 || len > 16)
		return (-1);
	for (i = 0; i < len; i++) {
		if (v[i] < '0' || v[i] > '9')
			return (-1);
		x = x * 10 + (uint64_t)(v[i] - '0');
	}
	if (x > COUNT_MAX)
		return (-1);
	*n = x;
	return (0);
}

/* A cell of row ${r}: column ${col}. */
static const uint8_t *
cell(const struct ss_batch * in, size_t r, size_t col, size_t * len)
{

	return (ss_batch_field(in, r, col, len));
}

/* Add the set written by out_set() to ${a}; count its values in ${n}. */
static int
merge_set(struct reduce * R, struct facc * a, const uint8_t * v,
    size_t len, uint64_t * n)
{
	size_t i, vlen;

	*n = 0;
	while (len > 0) {
		vlen = 0;
		for (i = 0; i < len && i < 9 && v[i] >= '0' && v[i] <= '9';
		    i++)
			vlen = vlen * 10 + (size_t)(v[i] - '0');
		if (i == 0 || i == len || v[i] != ':' || vlen == 0 ||
		    vlen > len - i - 1) {
			ss_err_set(SS_EXIT_DATA, "not a set of values");
			return (-1);
		}
		if (set_add(R, a, v + i + 1, vlen))
			return (-1);
		(*n)++;
		v += i + 1 + vlen;
		len -= i + 1 + vlen;
	}
	return (0);
}

/* A number cell: empty (${*have} = 0) or a number. */
static int
parse_opt_num(const uint8_t * v, size_t len, double * x, int * have)
{

	*have = (len > 0);
	if (len == 0)
		return (0);
	return (ss_expr_number(v, len, x) ? 0 : -1);
}

/*
 * The phases of merge_field(): each returns 0, -1 with an ss_err, or
 * NOT_STATE if the row is not one ss-reduce --partial writes; ${*what}
 * names the column at fault.
 */
#define NOT_STATE	1

/* The counts: non-empty values (n) and numbers among them (nnum). */
static int
merge_counts(const struct facc * a, const struct spos * p,
    const struct ss_batch * in, size_t r, uint64_t * n, uint64_t * nnum,
    const char ** what)
{
	const uint8_t * v;
	size_t len;

	*what = "_n";
	v = cell(in, r, p->n, &len);
	if (parse_count(v, len, n))
		return (NOT_STATE);
	*what = "_nnum";
	v = cell(in, r, p->nnum, &len);
	if (parse_count(v, len, nnum) || *nnum > *n)
		return (NOT_STATE);
	if (a->n > COUNT_MAX - *n) {
		ss_err_set(SS_EXIT_DATA, "count out of range");
		return (-1);
	}
	return (0);
}

/* An exact sum of the state's (column ${col}), added to ${sum}. */
static int
merge_sum(struct ss_xsum * sum, size_t col, const struct ss_batch * in,
    size_t r)
{
	const uint8_t * v;
	size_t len;

	if (col == SIZE_MAX)
		return (0);
	v = cell(in, r, col, &len);
	return (ss_xsum_parse(sum, v, len) ? -1 : 0);
}

/* A smallest (${sign} -1) or largest (1) value, offered to ${e}. */
static int
merge_extreme(struct extreme * e, int sign, size_t col,
    const struct ss_batch * in, size_t r, uint64_t n)
{
	const uint8_t * v;
	size_t len;
	double x = 0;
	int isnum;

	if (col == SIZE_MAX)
		return (0);
	v = cell(in, r, col, &len);
	if ((len == 0) != (n == 0))
		return (NOT_STATE);
	isnum = ss_expr_number(v, len, &x);
	if (len > 0 && extreme_offer(e, sign, v, len, isnum, x))
		return (-1);
	return (0);
}

/* The first value (kept only if ${a} has none yet) or the last. */
static int
merge_end(struct facc * a, struct text * t, size_t col,
    const struct ss_batch * in, size_t r, uint64_t n)
{
	const uint8_t * v;
	size_t len;

	if (col == SIZE_MAX)
		return (0);
	v = cell(in, r, col, &len);
	if ((len == 0) != (n == 0))
		return (NOT_STATE);
	if (len > 0 && (t == &a->last || a->n == 0) && text_set(t, v, len))
		return (-1);
	return (0);
}

/* The distinct values: at most n of them, and some if n is not 0. */
static int
merge_distinct(struct reduce * R, struct facc * a, const struct spos * p,
    const struct ss_batch * in, size_t r, uint64_t n)
{
	const uint8_t * v;
	size_t len;
	uint64_t nset;

	if (p->set == SIZE_MAX)
		return (0);
	v = cell(in, r, p->set, &len);
	if (merge_set(R, a, v, len, &nset))
		return (-1);
	if (nset > n || (nset == 0) != (n == 0))
		return (NOT_STATE);
	return (0);
}

/*
 * The successive differences of the partition's numbers: their sums and
 * how many exceed 50; then the partition's run joins the ones before it
 * (the difference from the last number before to its first).
 */
static int
merge_diffs(struct facc * a, const struct spos * p,
    const struct ss_batch * in, size_t r, uint64_t nnum, const char ** what)
{
	const uint8_t * v;
	size_t len;
	uint64_t dn50;
	double dfirst, dlast;
	int have1, have2;

	if (p->dfirst == SIZE_MAX)
		return (0);
	*what = "_dfirst";
	v = cell(in, r, p->dfirst, &len);
	if (parse_opt_num(v, len, &dfirst, &have1) || have1 != (nnum > 0))
		return (NOT_STATE);
	*what = "_dlast";
	v = cell(in, r, p->dlast, &len);
	if (parse_opt_num(v, len, &dlast, &have2) || have2 != (nnum > 0))
		return (NOT_STATE);
	*what = "_dsum";
	if (merge_sum(&a->dsum, p->dsum, in, r))
		return (-1);
	*what = "_dsumsq";
	if (merge_sum(&a->dsumsq, p->dsumsq, in, r))
		return (-1);
	*what = "_dn50";
	v = cell(in, r, p->dn50, &len);
	if (parse_count(v, len, &dn50) || dn50 > (nnum > 0 ? nnum - 1 : 0))
		return (NOT_STATE);
	a->dn50 += dn50;
	if (nnum > 0) {
		if (a->nnum == 0)
			a->dfirst = dfirst;
		else if (diff_add(a, dfirst - a->dlast))
			return (-1);
		a->dlast = dlast;
	}
	return (0);
}

/* Add field state ${p} of partial row ${r} to ${a}. */
static int
merge_field(struct reduce * R, struct facc * a, const struct spos * p,
    const struct ss_batch * in, size_t r, const char ** what)
{
	uint64_t n, nnum;
	int rc;

	if ((rc = merge_counts(a, p, in, r, &n, &nnum, what)) != 0)
		goto fail;
	*what = "_sum";
	if ((rc = merge_sum(&a->sum, p->sum, in, r)) != 0)
		goto fail;
	*what = "_sumsq";
	if ((rc = merge_sum(&a->sumsq, p->sumsq, in, r)) != 0)
		goto fail;
	*what = "_min";
	if ((rc = merge_extreme(&a->min, -1, p->min, in, r, n)) != 0)
		goto fail;
	*what = "_max";
	if ((rc = merge_extreme(&a->max, 1, p->max, in, r, n)) != 0)
		goto fail;
	*what = "_first";
	if ((rc = merge_end(a, &a->first, p->first, in, r, n)) != 0)
		goto fail;
	*what = "_last";
	if ((rc = merge_end(a, &a->last, p->last, in, r, n)) != 0)
		goto fail;
	*what = "_distinct";
	if ((rc = merge_distinct(R, a, p, in, r, n)) != 0 ||
	    (rc = merge_diffs(a, p, in, r, nnum, what)) != 0)
		goto fail;
	a->n += n;
	a->nnum += nnum;
	return (0);
fail:
	if (rc == NOT_STATE)
		ss_err_set(SS_EXIT_DATA, "not a partial state of ss-reduce");
	return (-1);
}

static int
merge_row(struct reduce * R, const struct ss_batch * in, size_t r)
{
	struct group * g;
	const uint8_t * v;
	const char * what = "";
	double t;
	int64_t start = 0;
	size_t klen, i, len;
	int form;

	if (R->c->window == SS_WINDOW_TIME) {
		v = cell(in, r, 0, &len);
		if (ss_reduce_time(v, len, &t, &form) || t != floor(t)) {
			ss_err_set(SS_EXIT_DATA, "reduce: --merge: row %llu: "
			    "column 'window_start': not a window start",
			    (unsigned long long)R->nrec);
			return (-1);
		}
		if (!R->have_max) {
			R->have_max = 1;
			R->form = form;
		}
		start = (int64_t)t;
	}
	if (make_key(R, in, r, R->gcol, &klen) ||
	    (g = group_get(R, start, klen)) == NULL)
		return (-1);
	for (i = 0; i < R->c->nfields; i++)
		if (merge_field(R, &g->f[i], &R->pos[i], in, r, &what)) {
			if (!R->limit)
				ss_err_prefix("reduce: --merge: row %llu: "
				    "column '%s%s'",
				    (unsigned long long)R->nrec,
				    R->c->fields[i], what);
			return (-1);
		}
	return (0);
}

/* The operator. */

static void
reduce_free(void * cookie)
{
	struct reduce * R = cookie;

	if (R == NULL)
		return;
	while (R->whead != NULL) {
		while (R->whead->head != NULL)
			group_drop(R, R->whead->head);
		window_drop(R, R->whead);
	}
	free(R->groups.e);
	ss_opdef_get(SS_OP_reduce)->free(R->c);
	free(R->fcol);
	free(R->gcol);
	free(R->pos);
	free(R->kbuf);
	free(R->out);
	free(R->outlen);
	free(R->outoff);
	free(R->obuf);
	free(R);
}

static void *
reduce_new(const struct ss_program * p)
{
	struct ss_op_err err;
	struct reduce * R;
	size_t n;

	if ((R = calloc(1, sizeof(*R))) == NULL) {
		ss_err_errno("calloc");
		return (NULL);
	}
	if ((R->c = ss_opdef_get(SS_OP_reduce)->parse(p, NULL, &err)) ==
	    NULL)
		goto err;
	randombytes_buf(R->hkey, sizeof(R->hkey));
	n = (R->c->ncolumns > R->c->nstate) ? R->c->ncolumns : R->c->nstate;
	if ((R->out = calloc(n, sizeof(*R->out))) == NULL ||
	    (R->outlen = calloc(n, sizeof(*R->outlen))) == NULL ||
	    (R->outoff = calloc(n, sizeof(*R->outoff))) == NULL ||
	    (R->fcol = calloc(R->c->nfields, sizeof(*R->fcol))) == NULL ||
	    (R->gcol = calloc(R->c->ngroups + 1, sizeof(*R->gcol))) == NULL ||
	    (R->pos = calloc(R->c->nfields, sizeof(*R->pos))) == NULL) {
		ss_err_errno("calloc");
		goto err;
	}
	if (ss_grow(&R->kbuf, &R->kcap, KEY_START, 1))
		goto err;
	return (R);
err:
	reduce_free(R);
	return (NULL);
}

/* The column named ${name} in the schema ${in}, or -1. */
static int
find(const struct ss_batch * in, const char * name, size_t * col)
{
	const uint8_t * v;
	size_t i, len, nlen = strlen(name);

	for (i = 0; i < in->nfields; i++) {
		v = ss_batch_field(in, 0, i, &len);
		if (len == nlen && memcmp(v, name, len) == 0) {
			*col = i;
			return (0);
		}
	}
	/* The name is the program's, not the data's. */
	ss_err_set(SS_EXIT_DATA, "reduce: no field '%s' in the input stream",
	    name);
	return (-1);
}

/* --merge: the input must be partial state of this very program. */
static int
bind_state(struct reduce * R, const struct ss_batch * in)
{
	const uint8_t * v;
	unsigned need = R->c->need;
	size_t i, len, col;
	struct spos * p;
	int ok = (in->nfields == R->c->nstate);

	for (i = 0; ok && i < R->c->nstate; i++) {
		v = ss_batch_field(in, 0, i, &len);
		ok = (len == strlen(R->c->state[i]) &&
		    memcmp(v, R->c->state[i], len) == 0);
	}
	if (!ok) {
		ss_err_set(SS_EXIT_DATA, "reduce: --merge: the input is not "
		    "the partial state of ss-reduce --partial with the same "
		    "-a, -f, -g and window options (its columns differ)");
		return (-1);
	}
	col = (R->c->window == SS_WINDOW_TIME) ? 1 : 0;
	for (i = 0; i < R->c->ngroups; i++)
		R->gcol[i] = col++;
	for (i = 0; i < R->c->nfields; i++) {
		p = &R->pos[i];
		memset(p, 0xff, sizeof(*p));
		p->n = col++;
		p->nnum = col++;
		if (need & SS_NEED_SUM)
			p->sum = col++;
		if (need & SS_NEED_SUMSQ)
			p->sumsq = col++;
		if (need & SS_NEED_MIN)
			p->min = col++;
		if (need & SS_NEED_MAX)
			p->max = col++;
		if (need & SS_NEED_FIRST)
			p->first = col++;
		if (need & SS_NEED_LAST)
			p->last = col++;
		if (need & SS_NEED_SET)
			p->set = col++;
		if (need & SS_NEED_DIFFS) {
			p->dfirst = col++;
			p->dlast = col++;
			p->dsum = col++;
			p->dsumsq = col++;
			p->dn50 = col++;
		}
	}
	return (0);
}

static int
reduce_schema(void * cookie, const struct ss_batch * in, struct ss_flow * f)
{
	struct reduce * R = cookie;
	char ** names;
	size_t i, n;

	if (R->c->merge) {
		if (bind_state(R, in))
			return (-1);
	} else {
		for (i = 0; i < R->c->nfields; i++)
			if (find(in, R->c->fields[i], &R->fcol[i]))
				return (-1);
		for (i = 0; i < R->c->ngroups; i++)
			if (find(in, R->c->groups[i], &R->gcol[i]))
				return (-1);
		if (R->c->time != NULL && find(in, R->c->time, &R->tcol))
			return (-1);
	}
	names = R->c->partial ? R->c->state : R->c->columns;
	n = R->c->partial ? R->c->nstate : R->c->ncolumns;
	for (i = 0; i < n; i++) {
		R->out[i] = (const uint8_t *)names[i];
		R->outlen[i] = strlen(names[i]);
	}
	return (ss_flow_schema(f, R->out, R->outlen, n));
}

static int
reduce_records(void * cookie, const struct ss_batch * in,
    struct ss_flow * f)
{
	struct reduce * R = cookie;
	struct group * g;
	size_t r, klen;

	for (r = 0; r < in->nrecords; r++) {
		R->nrec++;
		if (R->c->merge) {
			if (merge_row(R, in, r))
				return (-1);
			continue;
		}
		if (make_key(R, in, r, R->gcol, &klen))
			return (-1);
		if (R->c->window == SS_WINDOW_TIME) {
			if (time_record(R, in, r, klen, f))
				return (-1);
			continue;
		}
		if ((g = group_get(R, 0, klen)) == NULL ||
		    add_record(R, g, in, r))
			return (-1);
		if (R->c->window == SS_WINDOW_COUNT &&
		    ++g->nrecs == R->c->count) {
			/* Its window is full: out, and start again. */
			if (emit(R, g, f))
				return (-1);
			group_drop(R, g);
		}
	}
	return (0);
}

static int
reduce_finish(void * cookie, struct ss_flow * f)
{
	struct reduce * R = cookie;

	while (R->whead != NULL)
		if (window_close(R, R->whead, f))
			return (-1);
	if (R->nlate > 0)
		ss_flow_notice(f, "%llu record%s arrived after %s window "
		    "closed (--lateness %s) and %s left out",
		    (unsigned long long)R->nlate, R->nlate == 1 ? "" : "s",
		    R->nlate == 1 ? "its" : "their", R->c->lateness_text,
		    R->nlate == 1 ? "was" : "were");
	return (0);
}

const struct ss_op ss_op_reduce = {
	.id = SS_OP_reduce,
	.new = reduce_new,
	.schema = reduce_schema,
	.records = reduce_records,
	.finish = reduce_finish,
	.free = reduce_free,
};
