/*
 * Subscription sets (subs.h): the two file forms, and the index that
 * matches a record against many subscriptions without evaluating each.
 *
 * Every subscription is a list of predicates, FIELD op CONSTANT, stored
 * together in s->preds, and maybe a rest: the parts of its condition
 * that are not predicates, evaluated by the expression that holds them.
 * A predicate's meaning is the comparison's (ss-expr(7)): with a number,
 * the field must read as a number and op hold; with text, the field must
 * not read as a number and op hold bytewise; != is never ==.
 *
 * Once all are read (build()), every predicate gets an estimate of how
 * often it holds, from the constants all the subscriptions compare the
 * same field with; each subscription's predicates are sorted by it, and
 * the first, if it is an equality or a numeric bound, is its access
 * predicate, filed in the index:
 *   - numeric bounds x > c, x >= c as "x >= lo" (x > c is x >= the next
 *     double after c), per field, lo ascending: a value v meets the
 *     prefix lo <= v;
 *   - x < c, x <= c as "x <= hi", hi ascending: v meets the suffix;
 *   - equalities in one hash table of (field, constant).
 * Each subscription is in one list at most, so the candidates a record
 * finds are distinct, and need no counters.  The bitset index, built
 * next (see "The bitset index" below), is used instead when its
 * estimated cost per record is lower.
 */

#include <sys/random.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "err.h"
#include "expr.h"
#include "grow.h"
#include "subs.h"

struct pred {
	double num;		/* numeric constant */
	uint32_t attr;		/* field: index in s->attrs */
	uint32_t str, len;	/* text constant: in s->text */
	uint8_t op;		/* SS_EXPR_EQ ... */
	uint8_t isnum;
};

struct sub {
	uint32_t id, idlen;	/* in s->text */
	uint32_t pred0, npred;	/* s->preds[pred0 ...] */
	uint32_t res0, nres;	/* the rest: parts s->res[res0 ...] of e */
	struct ss_expr * e;	/* NULL if there is no rest */
	int access;		/* preds[pred0] is in the index */
};

struct attr {
	uint32_t name, namelen;	/* in s->text */
	size_t col;		/* bound column */
	uint32_t lo0, nlo;	/* "x >= lo": s->bounds[lo0 ...] */
	uint32_t hi0, nhi;	/* "x <= hi" */
	int eqnum, eqtext;	/* has equalities in the index */
	int bexact;		/* in the bitset index, no layers merged */
};

/* A field's value in the current record. */
struct aval {
	uint64_t gen;		/* read for record s->gen */
	int isnum;
	double num;
	const uint8_t * s;
	size_t len;
};

/* A slot of the equality table: subscriptions eqsubs[first ...]. */
struct eqslot {
	uint64_t hash;
	double num;
	uint32_t attr;
	uint32_t isnum;
	uint32_t str, len;
	uint32_t first, count;	/* count 0: empty slot */
};

/* The bitset index of one field (see "The bitset index" below). */
struct bitfield {
	uint32_t attr;
	uint32_t nconst;	/* distinct constants, ascending: */
	double * consts;
	uint32_t * layer;	/* region (2 * nconst + 1) -> layer */
	uint32_t nlayers;	/* with layer 0 */
	int exact;		/* no layers merged */
	uint32_t * tab;		/* or NULL; integer tmin + i -> layer */
	int64_t tmin;
	size_t ntab;
	uint64_t * bits;	/* nlayers * s->nwords, in s->bitmem */
};

struct ss_subs {
	struct sub * subs;
	size_t nsubs, subsize;
	struct pred * preds;
	size_t npreds, predsize;
	uint32_t * res;
	size_t nres, ressize;
	uint8_t * text;		/* IDs, field names, text constants */
	size_t ntext, textsize;
	struct attr * attrs;
	size_t nattrs, attrsize;

	/* While reading: IDs and field names by hash (index + 1). */
	uint32_t * idmap;
	size_t idmapsize;
	uint32_t * attrmap;
	size_t attrmapsize;

	/* The index. */
	double * bounds;
	uint32_t * boundsubs;
	struct eqslot * eq;
	size_t eqmask;
	uint32_t * eqsubs;
	uint64_t * always;	/* bits: no access predicate */
	size_t nwords;		/* of always and cand */
	uint32_t * accattrs;	/* fields with access predicates */
	size_t naccattrs;
	double predcost;	/* estimated, per record */

	/* The bitset index, if used (usebits). */
	int usebits;
	struct bitfield * bf;	/* in the order to AND them */
	size_t nbf;
	uint64_t * bitmem;
	uint8_t * needcheck;	/* bits: check after the AND */

	/* Matching. */
	int bound;
	struct aval * vals;
	uint64_t gen;
	uint32_t * out;
	size_t nout;
	uint64_t * cand;	/* bits: the record's candidates */
};

/* Memory. */

/* Copy ${len} bytes to s->text; their offset in ${*off}. */
static int
text_add(struct ss_subs * s, const void * p, size_t len, uint32_t * off)
{

	if (len > UINT32_MAX - s->ntext) {
		ss_err_set(SS_EXIT_SYS, "out of memory reading subscriptions");
		return (-1);
	}
	if (ss_grow(&s->text, &s->textsize, s->ntext + len + 1, 1))
		return (-1);
	if (len > 0)
		memcpy(s->text + s->ntext, p, len);
	*off = (uint32_t)s->ntext;
	s->ntext += len;
	return (0);
}

/* Hashing: FNV-1a, then a finalizer to spread the bits. */

static uint64_t
mix64(uint64_t x)
{

	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return (x);
}

static uint64_t
hash_bytes(const uint8_t * p, size_t len, uint64_t h)
{
	size_t i;

	h ^= 0xcbf29ce484222325ULL;
	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return (mix64(h));
}

static uint64_t
hash_num(double x, uint64_t h)
{
	uint64_t bits;

	if (x == 0)
		x = 0;		/* -0 == 0 */
	memcpy(&bits, &x, sizeof(bits));
	return (mix64(bits ^ mix64(h + 0x9e3779b97f4a7c15ULL)));
}

/* Messages. */

/* ${p} for a message: at most ${max} bytes, control bytes as \xNN. */
static const char *
shown(char * buf, size_t size, const void * pp, size_t len, size_t max)
{
	const uint8_t * p = pp;
	size_t i, n = 0;

	for (i = 0; i < len && i < max && n + 8 < size; i++) {
		if (p[i] < 0x20 || p[i] == 0x7f)
			n += (size_t)snprintf(buf + n, size - n, "\\x%02x",
			    p[i]);
		else
			buf[n++] = (char)p[i];
	}
	if (i < len && n + 4 < size) {
		memcpy(buf + n, "...", 3);
		n += 3;
	}
	buf[n] = '\0';
	return (buf);
}

/* One byte, for "found ..." */
static const char *
shown_byte(char * buf, size_t size, int c)
{

	if (c > 0x20 && c < 0x7f)
		snprintf(buf, size, "'%c'", c);
	else
		snprintf(buf, size, "byte 0x%02x", c);
	return (buf);
}

/* Reading. */

static int
is_id_byte(int c)
{

	return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '.' || c == ':' ||
	    c == '-');
}

int
ss_subs_is_id(const uint8_t * p, size_t len)
{
	size_t i;

	if (len == 0 || len > SS_SUBS_ID_MAX)
		return (0);
	for (i = 0; i < len; i++)
		if (!is_id_byte(p[i]))
			return (0);
	return (1);
}

/* Rebuild the open-addressing table ${*map} of ${n} entries for twice
 * as many; key(s, i) hashes entry i. */
static int
map_grow(struct ss_subs * s, uint32_t ** map, size_t * mapsize, size_t n,
    uint64_t (* key)(const struct ss_subs *, uint32_t))
{
	uint32_t * m;
	size_t size = 64, i, j;

	while (size < 2 * (n + 1))
		size *= 2;
	if (size <= *mapsize)
		return (0);
	if ((m = calloc(size, sizeof(*m))) == NULL) {
		ss_err_set(SS_EXIT_SYS, "out of memory reading subscriptions");
		return (-1);
	}
	for (i = 0; i < n; i++) {
		for (j = key(s, (uint32_t)i) & (size - 1); m[j] != 0;
		    j = (j + 1) & (size - 1))
			;
		m[j] = (uint32_t)i + 1;
	}
	free(*map);
	*map = m;
	*mapsize = size;
	return (0);
}

static uint64_t
id_key(const struct ss_subs * s, uint32_t i)
{

	return (hash_bytes(s->text + s->subs[i].id, s->subs[i].idlen, 0));
}

static uint64_t
attr_key(const struct ss_subs * s, uint32_t i)
{

	return (hash_bytes(s->text + s->attrs[i].name, s->attrs[i].namelen,
	    0));
}

/* The subscription with ID ${p}, or -1. */
static long
find_id(const struct ss_subs * s, const uint8_t * p, size_t len)
{
	const struct sub * b;
	size_t j;

	if (s->idmapsize == 0)
		return (-1);
	for (j = hash_bytes(p, len, 0) & (s->idmapsize - 1); s->idmap[j] != 0;
	    j = (j + 1) & (s->idmapsize - 1)) {
		b = &s->subs[s->idmap[j] - 1];
		if (b->idlen == len && memcmp(s->text + b->id, p, len) == 0)
			return ((long)s->idmap[j] - 1);
	}
	return (-1);
}

/* Start a subscription with the (new) ID ${p}. */
static int
sub_add(struct ss_subs * s, const uint8_t * p, size_t len)
{
	struct sub * b;
	size_t j;

	if (ss_grow(&s->subs, &s->subsize, s->nsubs + 1, sizeof(*s->subs)) ||
	    map_grow(s, &s->idmap, &s->idmapsize, s->nsubs, id_key))
		return (-1);
	b = &s->subs[s->nsubs];
	memset(b, 0, sizeof(*b));
	if (text_add(s, p, len, &b->id))
		return (-1);
	b->idlen = (uint32_t)len;
	b->pred0 = (uint32_t)s->npreds;
	b->res0 = (uint32_t)s->nres;
	for (j = id_key(s, (uint32_t)s->nsubs) & (s->idmapsize - 1);
	    s->idmap[j] != 0; j = (j + 1) & (s->idmapsize - 1))
		;
	s->idmap[j] = (uint32_t)s->nsubs + 1;
	s->nsubs++;
	return (0);
}

/* The field called ${name}, added if new. */
static int
attr_get(struct ss_subs * s, const void * name, size_t len, uint32_t * a)
{
	struct attr * t;
	size_t j;

	if (len > UINT32_MAX)
		len = UINT32_MAX;	/* unreachable: bounded by the file */
	if (s->attrmapsize > 0) {
		for (j = hash_bytes(name, len, 0) & (s->attrmapsize - 1);
		    s->attrmap[j] != 0; j = (j + 1) & (s->attrmapsize - 1)) {
			t = &s->attrs[s->attrmap[j] - 1];
			if (t->namelen == len &&
			    memcmp(s->text + t->name, name, len) == 0) {
				*a = s->attrmap[j] - 1;
				return (0);
			}
		}
	}
	if (ss_grow(&s->attrs, &s->attrsize, s->nattrs + 1, sizeof(*s->attrs)) ||
	    map_grow(s, &s->attrmap, &s->attrmapsize, s->nattrs,
	    attr_key))
		return (-1);
	t = &s->attrs[s->nattrs];
	memset(t, 0, sizeof(*t));
	if (text_add(s, name, len, &t->name))
		return (-1);
	t->namelen = (uint32_t)len;
	for (j = attr_key(s, (uint32_t)s->nattrs) & (s->attrmapsize - 1);
	    s->attrmap[j] != 0; j = (j + 1) & (s->attrmapsize - 1))
		;
	s->attrmap[j] = (uint32_t)s->nattrs + 1;
	*a = (uint32_t)s->nattrs++;
	return (0);
}

/* Add FIELD ${name} op CONSTANT to the last subscription. */
static int
pred_add(struct ss_subs * s, const void * name, size_t namelen, int op,
    int isnum, double num, const uint8_t * str, size_t len)
{
	struct pred * p;

	if (s->npreds >= SS_SUBS_PREDS_MAX) {
		ss_err_set(SS_EXIT_SYS, "more than %d predicates in all",
		    SS_SUBS_PREDS_MAX);
		return (-1);
	}
	if (ss_grow(&s->preds, &s->predsize, s->npreds + 1, sizeof(*s->preds)))
		return (-1);
	p = &s->preds[s->npreds];
	memset(p, 0, sizeof(*p));
	if (attr_get(s, name, namelen, &p->attr))
		return (-1);
	p->op = (uint8_t)op;
	p->isnum = (uint8_t)isnum;
	if (isnum)
		p->num = num;
	else {
		if (text_add(s, str, len, &p->str))
			return (-1);
		p->len = (uint32_t)len;
	}
	s->npreds++;
	s->subs[s->nsubs - 1].npred++;
	return (0);
}

/* The line and column of byte ${off} of ${buf}. */
static void
place(const uint8_t * buf, size_t off, struct ss_subs_err * err)
{
	size_t i;

	err->line = 1;
	err->col = 1;
	for (i = 0; i < off; i++) {
		if (buf[i] == '\n') {
			err->line++;
			err->col = 1;
		} else
			err->col++;
	}
}

/* The line form. */

static int
is_blank(int c)
{

	return (c == ' ' || c == '\t' || c == '\r');
}

/* Add the subscription ${id} CONDITION from ${src}. */
static int
line_sub(struct ss_subs * s, const uint8_t * id, size_t idlen,
    const char * src, size_t len, struct ss_expr_err * eerr)
{
	struct ss_expr_pred pr;
	struct ss_expr * e;
	struct sub * b;
	size_t i, n;

	if ((e = ss_expr_compile(src, len, SS_EXPR_COND, eerr)) == NULL)
		return (-1);
	if (sub_add(s, id, idlen))
		goto err;
	n = ss_expr_nparts(e);
	for (i = 0; i < n; i++) {
		if (ss_expr_part(e, i, &pr)) {
			if (pred_add(s, pr.name, pr.namelen, pr.op, pr.isnum,
			    pr.num, pr.str, pr.len))
				goto err;
			continue;
		}
		if (i > UINT32_MAX || ss_grow(&s->res, &s->ressize, s->nres + 1,
		    sizeof(*s->res)))
			goto err;
		s->res[s->nres++] = (uint32_t)i;
		s->subs[s->nsubs - 1].nres++;
	}
	b = &s->subs[s->nsubs - 1];
	if (b->nres > 0)
		b->e = e;
	else
		ss_expr_free(e);	/* its predicates say it all */
	return (0);
err:
	ss_expr_free(e);
	eerr->col = 0;
	return (-1);
}

static int
parse_lines(struct ss_subs * s, const uint8_t * buf, size_t len,
    const char * name, struct ss_subs_err * err)
{
	struct ss_expr_err eerr;
	const uint8_t * line, * nl;
	char b1[200], b2[32];
	size_t pos = 0, lineno = 0, n, i, j, k;
	long dup;

	while (pos < len) {
		lineno++;
		line = buf + pos;
		nl = memchr(line, '\n', len - pos);
		n = (nl != NULL) ? (size_t)(nl - line) : len - pos;
		pos += n + (nl != NULL);
		err->line = lineno;
		for (i = 0; i < n && is_blank(line[i]); i++)
			;
		if (i == n || line[i] == '#')
			continue;
		for (j = i; j < n && is_id_byte(line[j]); j++)
			;
		err->col = i + 1;
		if (j == i) {
			ss_err_set(SS_EXIT_SYS, "%s: line %zu: column %zu: "
			    "expected a subscription ID (letters, digits, "
			    "'_', '.', ':', '-'), found %s", name, lineno,
			    i + 1, shown_byte(b2, sizeof(b2), line[i]));
			return (-1);
		}
		if (j - i > SS_SUBS_ID_MAX) {
			ss_err_set(SS_EXIT_SYS, "%s: line %zu: column %zu: "
			    "subscription ID longer than %d bytes", name,
			    lineno, i + 1, SS_SUBS_ID_MAX);
			return (-1);
		}
		if (j < n && !is_blank(line[j])) {
			err->col = j + 1;
			ss_err_set(SS_EXIT_SYS, "%s: line %zu: column %zu: "
			    "expected a blank after the subscription ID, "
			    "found %s", name, lineno, j + 1,
			    shown_byte(b2, sizeof(b2), line[j]));
			return (-1);
		}
		for (k = j; k < n && is_blank(line[k]); k++)
			;
		if (k == n) {
			err->col = k + 1;
			ss_err_set(SS_EXIT_SYS, "%s: line %zu: column %zu: "
			    "no condition after the subscription ID '%.*s'",
			    name, lineno, k + 1, (int)(j - i), line + i);
			return (-1);
		}
		if ((dup = find_id(s, line + i, j - i)) != -1) {
			ss_err_set(SS_EXIT_SYS, "%s: line %zu: column %zu: "
			    "subscription ID '%.*s' given twice", name, lineno,
			    i + 1, (int)(j - i), line + i);
			return (-1);
		}
		if (s->nsubs >= SS_SUBS_MAX) {
			ss_err_set(SS_EXIT_SYS, "%s: line %zu: more than %d "
			    "subscriptions", name, lineno, SS_SUBS_MAX);
			return (-1);
		}
		/* The condition runs to the end of the line, \r and all. */
		if (line_sub(s, line + i, j - i, (const char *)line + k,
		    n - k, &eerr)) {
			if (eerr.col == 0) {
				err->col = 0;
				ss_err_prefix("%s: line %zu", name, lineno);
				return (-1);
			}
			err->col = k + eerr.col;
			ss_err_set(SS_EXIT_SYS, "%s: line %zu: column %zu: %s",
			    name, lineno, err->col,
			    shown(b1, sizeof(b1), eerr.msg, strlen(eerr.msg),
			    SIZE_MAX));
			return (-1);
		}
	}
	return (0);
}

/* The JSON form. */

static int
is_json_space(int c)
{

	return (c == ' ' || c == '\t' || c == '\n' || c == '\r');
}

static size_t
skip_json_space(const uint8_t * buf, size_t len, size_t pos)
{

	while (pos < len && is_json_space(buf[pos]))
		pos++;
	return (pos);
}

/* Constraint ${k} (from 1) of subscription ${nth}: ${c}. */
static int
json_constraint(struct ss_subs * s, const char * name, size_t nth,
    size_t k, json_t * c)
{
	static const char * const ops[] = {
		[SS_EXPR_EQ] = "eq", [SS_EXPR_NE] = "ne", [SS_EXPR_LT] = "lt",
		[SS_EXPR_LE] = "le", [SS_EXPR_GT] = "gt", [SS_EXPR_GE] = "ge",
	};
	json_t * key = NULL, * val = NULL, * op = NULL, * m;
	const char * member, * str = NULL;
	char b1[200];
	size_t i, keylen, len = 0;
	double num = 0;
	int o = 0, isnum = 0;

#define CERR(...) do {							\
	ss_err_set(SS_EXIT_SYS, __VA_ARGS__);				\
	ss_err_prefix("%s: subscription %zu: constraint %zu", name, nth, k); \
	return (-1);							\
} while (0)

	if (!json_is_object(c))
		CERR("expected an object {\"key\": ..., \"val\": ..., "
		    "\"op\": ...}");
	json_object_foreach(c, member, m) {
		if (strcmp(member, "key") == 0)
			key = m;
		else if (strcmp(member, "val") == 0)
			val = m;
		else if (strcmp(member, "op") == 0)
			op = m;
		else
			CERR("unknown member '%s' (a constraint has key, val "
			    "and op)", shown(b1, sizeof(b1), member,
			    strlen(member), 40));
	}
	if (key == NULL)
		CERR("no key");
	if (!json_is_string(key))
		CERR("the key is not a string");
	keylen = json_string_length(key);
	if (keylen == 0)
		CERR("empty key");
	if (keylen > SS_SUBS_KEY_MAX)
		CERR("key longer than %d bytes", SS_SUBS_KEY_MAX);
	for (i = 0; i < keylen; i++)
		if ((uint8_t)json_string_value(key)[i] < 0x20 ||
		    json_string_value(key)[i] == 0x7f)
			CERR("key '%s' holds a control character",
			    shown(b1, sizeof(b1), json_string_value(key),
			    keylen, 40));
	if (op == NULL)
		CERR("no op");
	if (!json_is_string(op))
		CERR("the op is not a string (use eq, ne, gt, ge, lt or le)");
	for (i = 1; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strlen(ops[i]) == json_string_length(op) &&
		    strcmp(ops[i], json_string_value(op)) == 0)
			o = (int)i;
	if (o == 0)
		CERR("unknown op '%s' (use eq, ne, gt, ge, lt or le)",
		    shown(b1, sizeof(b1), json_string_value(op),
		    json_string_length(op), 40));
	if (val == NULL)
		CERR("no val");
	if (json_is_integer(val)) {
		isnum = 1;
		num = (double)json_integer_value(val);
	} else if (json_is_real(val)) {
		isnum = 1;
		num = json_real_value(val);
	} else if (json_is_string(val)) {
		str = json_string_value(val);
		len = json_string_length(val);
		if (len > SS_EXPR_SRC_MAX)
			CERR("val longer than %d bytes", SS_EXPR_SRC_MAX);
		/* "5" compares as 5, as in an expression. */
		isnum = ss_expr_number((const uint8_t *)str, len, &num);
	} else
		CERR("the val is not a number or a string");
	if (pred_add(s, json_string_value(key), keylen, o, isnum, num,
	    (const uint8_t *)str, len)) {
		ss_err_prefix("%s: subscription %zu: constraint %zu", name, nth,
		    k);
		return (-1);
	}
	return (0);
#undef CERR
}

/* Subscription ${nth} (from 1): ${j}. */
static int
json_sub(struct ss_subs * s, const char * name, size_t nth, json_t * j)
{
	json_t * cons = NULL, * id = NULL, * m;
	const char * member;
	char num[24], b1[200];
	const uint8_t * idp;
	size_t i, n, idlen;
	long dup;

#define SERR(...) do {							\
	ss_err_set(SS_EXIT_SYS, __VA_ARGS__);				\
	ss_err_prefix("%s: subscription %zu", name, nth);		\
	return (-1);							\
} while (0)

	if (json_is_array(j))
		cons = j;
	else {
		json_object_foreach(j, member, m) {
			if (strcmp(member, "id") == 0)
				id = m;
			else if (strcmp(member, "constraints") == 0)
				cons = m;
			else
				SERR("unknown member '%s' (a subscription "
				    "object has id and constraints)",
				    shown(b1, sizeof(b1), member,
				    strlen(member), 40));
		}
		if (cons == NULL)
			SERR("no constraints");
		if (!json_is_array(cons))
			SERR("the constraints are not an array");
	}
	if (id != NULL) {
		if (!json_is_string(id))
			SERR("the id is not a string");
		idp = (const uint8_t *)json_string_value(id);
		idlen = json_string_length(id);
		if (!ss_subs_is_id(idp, idlen))
			SERR("id '%s' is not a subscription ID (1 to %d "
			    "letters, digits, '_', '.', ':', '-')",
			    shown(b1, sizeof(b1), idp, idlen, 40),
			    SS_SUBS_ID_MAX);
	} else {
		idlen = (size_t)snprintf(num, sizeof(num), "%zu", nth);
		idp = (const uint8_t *)num;
	}
	if ((dup = find_id(s, idp, idlen)) != -1)
		SERR("ID '%.*s' given twice", (int)idlen, idp);
	n = json_array_size(cons);
	if (n == 0)
		SERR("no constraints");
	if (n > SS_SUBS_CONSTRAINTS_MAX)
		SERR("more than %d constraints", SS_SUBS_CONSTRAINTS_MAX);
	if (s->nsubs >= SS_SUBS_MAX)
		SERR("more than %d subscriptions", SS_SUBS_MAX);
	if (sub_add(s, idp, idlen)) {
		ss_err_prefix("%s: subscription %zu", name, nth);
		return (-1);
	}
	for (i = 0; i < n; i++)
		if (json_constraint(s, name, nth, i + 1,
		    json_array_get(cons, i)))
			return (-1);
	return (0);
#undef SERR
}

static int
parse_json(struct ss_subs * s, const uint8_t * buf, size_t len,
    const char * name, struct ss_subs_err * err)
{
	json_error_t jerr;
	json_t * j;
	char b1[200], b2[32];
	const char * what;
	size_t pos, nth = 0;
	size_t seed = 0;
	int rc;

	/*
	 * Jansson seeds its hash tables from /dev/urandom, which the
	 * enclave cannot open; give it a seed first (only the first call
	 * counts).
	 */
	if (getrandom(&seed, sizeof(seed), 0) != (ssize_t)sizeof(seed))
		seed = 0x5eed;
	json_object_seed(seed | 1);

	pos = skip_json_space(buf, len, 0);
	if (buf[pos] == '{') {
		place(buf, pos, err);
		ss_err_set(SS_EXIT_SYS, "%s: line %zu: column %zu: expected an "
		    "array of subscriptions, not an object", name, err->line,
		    err->col);
		return (-1);
	}
	pos = skip_json_space(buf, len, pos + 1);
	if (pos < len && buf[pos] == ']')
		pos++;
	else for (;;) {
		nth++;
		if (pos >= len) {
			what = "the end of the file";
			goto unexpected;
		}
		if (buf[pos] != '[' && buf[pos] != '{') {
			place(buf, pos, err);
			ss_err_set(SS_EXIT_SYS, "%s: line %zu: column %zu: "
			    "subscription %zu: expected an array of "
			    "constraints, or an object, found %s", name,
			    err->line, err->col, nth,
			    shown_byte(b2, sizeof(b2), buf[pos]));
			return (-1);
		}
		if ((j = json_loadb((const char *)buf + pos, len - pos,
		    JSON_DISABLE_EOF_CHECK | JSON_REJECT_DUPLICATES,
		    &jerr)) == NULL) {
			place(buf, pos + (jerr.position > 0 ?
			    (size_t)jerr.position - 1 : 0), err);
			ss_err_set(SS_EXIT_SYS, "%s: line %zu: column %zu: "
			    "%s", name, err->line, err->col,
			    shown(b1, sizeof(b1), jerr.text,
			    strlen(jerr.text), SIZE_MAX));
			return (-1);
		}
		rc = json_sub(s, name, nth, j);
		json_decref(j);
		if (rc) {
			/* (Found only now: place() reads from the start.) */
			place(buf, pos, err);
			return (-1);
		}
		pos = skip_json_space(buf, len, pos + (size_t)jerr.position);
		if (pos < len && buf[pos] == ']') {
			pos++;
			break;
		}
		if (pos < len && buf[pos] == ',') {
			pos = skip_json_space(buf, len, pos + 1);
			continue;
		}
		what = (pos < len) ? shown_byte(b2, sizeof(b2), buf[pos]) :
		    "the end of the file";
		place(buf, pos, err);
		ss_err_set(SS_EXIT_SYS, "%s: line %zu: column %zu: expected "
		    "',' or ']' after subscription %zu, found %s", name,
		    err->line, err->col, nth, what);
		return (-1);
	}
	pos = skip_json_space(buf, len, pos);
	if (pos < len) {
		place(buf, pos, err);
		ss_err_set(SS_EXIT_SYS, "%s: line %zu: column %zu: unexpected "
		    "%s after the array of subscriptions", name, err->line,
		    err->col, shown_byte(b2, sizeof(b2), buf[pos]));
		return (-1);
	}
	memset(err, 0, sizeof(*err));
	return (0);
unexpected:
	place(buf, pos, err);
	ss_err_set(SS_EXIT_SYS, "%s: line %zu: column %zu: expected "
	    "subscription %zu, found %s", name, err->line, err->col, nth,
	    what);
	return (-1);
}

/* Building the index. */

/*
 * Sort ${n} elements of ${size} bytes (at most 64) at ${base} by ${cmp}:
 * a heapsort.  Not qsort(): glibc's asks the kernel how much memory
 * there is (sysinfo), which the enclave's seccomp filter does not allow.
 */
static void
sort(void * base, size_t n, size_t size,
    int (* cmp)(const void *, const void *, void *), void * arg)
{
	uint8_t * b = base, t[64];
	size_t start, end, root, child;

#define EL(i)	(b + (i) * size)
#define SWAP(i, j) do {							\
	memcpy(t, EL(i), size);						\
	memcpy(EL(i), EL(j), size);					\
	memcpy(EL(j), t, size);						\
} while (0)
	if (n < 2)
		return;
	for (start = n / 2, end = n; ; ) {
		if (start > 0)
			start--;
		else if (--end > 0)
			SWAP(0, end);
		else
			break;
		for (root = start; (child = 2 * root + 1) < end; root = child) {
			if (child + 1 < end &&
			    cmp(EL(child), EL(child + 1), arg) < 0)
				child++;
			if (cmp(EL(root), EL(child), arg) >= 0)
				break;
			SWAP(root, child);
		}
	}
#undef SWAP
#undef EL
}

static int
cmp_double(const void * a, const void * b, void * arg)
{
	double x = *(const double *)a, y = *(const double *)b;

	(void)arg;
	return ((x < y) ? -1 : (x > y));
}

/* How many of the ${n} ascending ${b} are <= ${v}; < ${v}. */
static size_t
count_le(const double * b, size_t n, double v)
{
	size_t lo = 0, half;

	while (n > 0) {
		half = n / 2;
		if (b[lo + half] <= v) {
			lo += half + 1;
			n -= half + 1;
		} else
			n = half;
	}
	return (lo);
}

static size_t
count_lt(const double * b, size_t n, double v)
{
	size_t lo = 0, half;

	while (n > 0) {
		half = n / 2;
		if (b[lo + half] < v) {
			lo += half + 1;
			n -= half + 1;
		} else
			n = half;
	}
	return (lo);
}

/* An equality's key, and the subscription it is for. */
struct eqkey {
	double num;
	uint32_t attr, isnum, str, len, sub;
};

/* For sort(): ${text} is s->text. */
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

static uint64_t
eq_hash(uint32_t attr, int isnum, double num, const uint8_t * str,
    size_t len)
{

	return (isnum ? hash_num(num, attr) : hash_bytes(str, len, attr));
}

/* A predicate and its estimated frequency, while sorting one
 * subscription's predicates. */
struct ranked {
	double sel;
	uint32_t pos;
	struct pred p;
};

_Static_assert(sizeof(struct ranked) <= 64, "sort() moves at most 64 bytes");
_Static_assert(sizeof(struct eqkey) <= 64, "sort() moves at most 64 bytes");

static int
cmp_ranked(const void * pa, const void * pb, void * arg)
{
	const struct ranked * a = pa, * b = pb;

	(void)arg;
	if (a->sel != b->sel)
		return ((a->sel < b->sel) ? -1 : 1);
	return ((a->pos < b->pos) ? -1 : (a->pos > b->pos));
}

/* A bound and its subscription, while sorting a field's bounds. */
struct bound {
	double v;
	uint32_t sub;
};

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
accessible(const struct pred * p)
{

	return (p->op == SS_EXPR_EQ || (p->isnum && p->op != SS_EXPR_NE));
}

/* Is ${p} a lower bound (x > c, x >= c)? */
static int
is_lower(const struct pred * p)
{

	return (p->op == SS_EXPR_GT || p->op == SS_EXPR_GE);
}

static int
build(struct ss_subs * s)
{
	size_t * cstart = NULL, * distinct = NULL, * fill = NULL;
	size_t * hifill = NULL;
	double * consts = NULL, sel, n;
	struct eqkey * keys = NULL;
	struct ranked * rk = NULL;
	struct bound * bd = NULL;
	struct sub * b;
	struct pred * p;
	struct attr * t;
	struct eqslot * q;
	size_t nkeys = 0, maxpred = 0, i, k, a, m, nb = 0, size, slot;
	size_t ngroups = 0, neq = 0;
	uint64_t h;
	int rc = -1;

	/*
	 * For each field, the numeric constants of its equalities and
	 * bounds, sorted (a stand-in for the values records will have),
	 * and the number of distinct constants it is compared for
	 * equality with.
	 */
	if ((cstart = calloc(s->nattrs + 1, sizeof(*cstart))) == NULL ||
	    (fill = calloc(s->nattrs + 1, sizeof(*fill))) == NULL ||
	    (distinct = calloc(s->nattrs + 1, sizeof(*distinct))) == NULL ||
	    (hifill = calloc(s->nattrs + 1, sizeof(*hifill))) == NULL)
		goto nomem;
	for (i = 0; i < s->npreds; i++) {
		p = &s->preds[i];
		if (p->isnum && p->op != SS_EXPR_NE)
			cstart[p->attr + 1]++;
		if (p->op == SS_EXPR_EQ)
			nkeys++;
	}
	for (a = 0; a < s->nattrs; a++)
		cstart[a + 1] += cstart[a];
	if ((consts = malloc((cstart[s->nattrs] + 1) *
	    sizeof(*consts))) == NULL ||
	    (keys = malloc((nkeys + 1) * sizeof(*keys))) == NULL)
		goto nomem;
	nkeys = 0;
	for (b = s->subs; b < s->subs + s->nsubs; b++) {
		for (i = b->pred0; i < b->pred0 + b->npred; i++) {
			p = &s->preds[i];
			if (p->isnum && p->op != SS_EXPR_NE)
				consts[cstart[p->attr] + fill[p->attr]++] =
				    p->num;
			if (p->op == SS_EXPR_EQ) {
				keys[nkeys].attr = p->attr;
				keys[nkeys].isnum = p->isnum;
				keys[nkeys].num = p->isnum ?
				    (p->num == 0 ? 0 : p->num) : 0;
				keys[nkeys].str = p->str;
				keys[nkeys].len = p->len;
				keys[nkeys].sub = (uint32_t)(b - s->subs);
				nkeys++;
			}
		}
		if (b->npred > maxpred)
			maxpred = b->npred;
	}
	for (a = 0; a < s->nattrs; a++)
		sort(consts + cstart[a], cstart[a + 1] - cstart[a],
		    sizeof(*consts), cmp_double, NULL);
	sort(keys, nkeys, sizeof(*keys), cmp_eqkey, s->text);
	for (i = 0; i < nkeys; i++)
		if (i == 0 || !same_eqkey(&keys[i - 1], &keys[i], s->text))
			distinct[keys[i].attr]++;

	/*
	 * Sort each subscription's predicates by how often they are
	 * estimated to hold: an equality 1 / (distinct constants + 2), a
	 * bound the share of the field's constants it admits, != and text
	 * ranges last.
	 */
	if ((rk = malloc((maxpred + 1) * sizeof(*rk))) == NULL)
		goto nomem;
	for (b = s->subs; b < s->subs + s->nsubs; b++) {
		for (i = 0; i < b->npred; i++) {
			p = &s->preds[b->pred0 + i];
			m = cstart[p->attr + 1] - cstart[p->attr];
			n = (double)m;
			if (p->op == SS_EXPR_NE)
				sel = 3;
			else if (p->op == SS_EXPR_EQ)
				sel = 1.0 / ((double)distinct[p->attr] + 2);
			else if (!p->isnum)
				sel = 2;
			else {
				const double * c = consts + cstart[p->attr];

				switch (p->op) {
				case SS_EXPR_GT:
					k = m - count_le(c, m, p->num);
					break;
				case SS_EXPR_GE:
					k = m - count_lt(c, m, p->num);
					break;
				case SS_EXPR_LT:
					k = count_lt(c, m, p->num);
					break;
				default:
					k = count_le(c, m, p->num);
					break;
				}
				sel = ((double)k + 1) / (n + 2);
			}
			rk[i].sel = sel;
			rk[i].pos = (uint32_t)i;
			rk[i].p = *p;
		}
		sort(rk, b->npred, sizeof(*rk), cmp_ranked, NULL);
		for (i = 0; i < b->npred; i++)
			s->preds[b->pred0 + i] = rk[i].p;
		b->access = (b->npred > 0 && accessible(&s->preds[b->pred0]));
		/* A candidate checks a few predicates; some, all 80. */
		s->predcost += (b->access ? rk[0].sel : 1) * 60;
	}

	/* The bounds: per field, the lower ones then the upper ones. */
	memset(fill, 0, (s->nattrs + 1) * sizeof(*fill));
	for (b = s->subs; b < s->subs + s->nsubs; b++) {
		if (!b->access || s->preds[b->pred0].op == SS_EXPR_EQ)
			continue;
		p = &s->preds[b->pred0];
		nb++;
		if (is_lower(p))
			s->attrs[p->attr].nlo++;
		else
			s->attrs[p->attr].nhi++;
	}
	for (a = 0, k = 0; a < s->nattrs; a++) {
		t = &s->attrs[a];
		t->lo0 = (uint32_t)k;
		t->hi0 = (uint32_t)(k + t->nlo);
		k += t->nlo + t->nhi;
	}
	if ((bd = malloc((nb + 1) * sizeof(*bd))) == NULL ||
	    (s->bounds = malloc((nb + 1) * sizeof(*s->bounds))) == NULL ||
	    (s->boundsubs = malloc((nb + 1) * sizeof(*s->boundsubs))) == NULL)
		goto nomem;
	for (b = s->subs; b < s->subs + s->nsubs; b++) {
		if (!b->access || s->preds[b->pred0].op == SS_EXPR_EQ)
			continue;
		p = &s->preds[b->pred0];
		t = &s->attrs[p->attr];
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
		t = &s->attrs[a];
		sort(bd + t->lo0, t->nlo, sizeof(*bd), cmp_bound, NULL);
		sort(bd + t->hi0, t->nhi, sizeof(*bd), cmp_bound, NULL);
	}
	for (k = 0; k < nb; k++) {
		s->bounds[k] = bd[k].v;
		s->boundsubs[k] = bd[k].sub;
	}

	/* The equalities: their keys are sorted; keep the access ones. */
	for (i = 0, m = 0; i < nkeys; i++) {
		b = &s->subs[keys[i].sub];
		p = &s->preds[b->pred0];
		if (!b->access || p->op != SS_EXPR_EQ ||
		    !same_eqkey(&keys[i], &(struct eqkey){ .attr = p->attr,
		    .isnum = p->isnum, .num = p->isnum ? p->num : 0,
		    .str = p->str, .len = p->len }, s->text))
			continue;
		/* A subscription may test one key twice: file it once. */
		if (m > 0 && keys[m - 1].sub == keys[i].sub &&
		    same_eqkey(&keys[m - 1], &keys[i], s->text))
			continue;
		keys[m++] = keys[i];
	}
	for (i = 0; i < m; i++)
		if (i == 0 || !same_eqkey(&keys[i - 1], &keys[i], s->text))
			ngroups++;
	for (size = 16; size < 2 * ngroups; size *= 2)
		;
	if ((s->eq = calloc(size, sizeof(*s->eq))) == NULL ||
	    (s->eqsubs = malloc((m + 1) * sizeof(*s->eqsubs))) == NULL)
		goto nomem;
	s->eqmask = size - 1;
	for (i = 0; i < m; i = k) {
		for (k = i + 1; k < m && same_eqkey(&keys[i], &keys[k],
		    s->text); k++)
			;
		h = eq_hash(keys[i].attr, (int)keys[i].isnum,
		    keys[i].num, s->text + keys[i].str, keys[i].len);

		for (slot = h & s->eqmask; s->eq[slot].count != 0;
		    slot = (slot + 1) & s->eqmask)
			;
		q = &s->eq[slot];
		q->hash = h;
		q->attr = keys[i].attr;
		q->isnum = keys[i].isnum;
		q->num = keys[i].num;
		q->str = keys[i].str;
		q->len = keys[i].len;
		q->first = (uint32_t)neq;
		q->count = (uint32_t)(k - i);
		for (; i < k; i++)
			s->eqsubs[neq++] = keys[i].sub;
		if (q->isnum)
			s->attrs[q->attr].eqnum = 1;
		else
			s->attrs[q->attr].eqtext = 1;
	}

	/* The rest: fields to look at, and the subscriptions to try. */
	if ((s->accattrs = malloc((s->nattrs + 1) *
	    sizeof(*s->accattrs))) == NULL ||
	    (s->always = calloc(s->nsubs / 64 + 1,
	    sizeof(*s->always))) == NULL ||
	    (s->out = malloc(s->nsubs * sizeof(*s->out))) == NULL ||
	    (s->cand = calloc(s->nsubs / 64 + 1, sizeof(*s->cand))) == NULL ||
	    (s->vals = calloc(s->nattrs + 1, sizeof(*s->vals))) == NULL)
		goto nomem;
	for (a = 0; a < s->nattrs; a++) {
		t = &s->attrs[a];
		if (t->nlo || t->nhi || t->eqnum || t->eqtext)
			s->accattrs[s->naccattrs++] = (uint32_t)a;
	}
	s->nwords = s->nsubs / 64 + 1;
	for (i = 0; i < s->nsubs; i++)
		if (!s->subs[i].access)
			s->always[i / 64] |= (uint64_t)1 << (i % 64);
	rc = 0;
	goto done;
nomem:
	ss_err_set(SS_EXIT_SYS, "out of memory indexing subscriptions");
done:
	free(cstart);
	free(fill);
	free(hifill);
	free(distinct);
	free(consts);
	free(keys);
	free(rk);
	free(bd);
	return (rc);
}

/*
 * The bitset index.  For each field that numeric bounds and equalities
 * (x op c with a number c, op not !=: "indexed" predicates) name, its
 * distinct constants c[0] < ... < c[m-1] cut the numbers into 2m + 1
 * regions: below c[0], c[0] itself, between c[0] and c[1], ... above
 * c[m-1].  Each indexed predicate holds on a run of regions, and so do
 * all of a subscription's indexed predicates on the field together (an
 * interval: a run, or nothing).  Runs of regions that no subscription
 * tells apart share a layer: the bitset, one bit per subscription, of
 * the subscriptions whose indexed predicates on the field hold there
 * (and of those with none on the field).  Layer 0 is for a value that
 * is not a number, or lies in no subscription's interval: it holds the
 * subscriptions with no indexed predicate on the field.  A record's
 * candidates are the AND of one layer per field, found by a binary
 * search of its value (or a table, for integer constants in a short
 * span); they are exactly the subscriptions whose indexed predicates all
 * hold.  When the layers would take more than SS_SUBS_BITS_MAX bytes,
 * runs of neighbouring layers are merged (their OR): the candidates are
 * then a superset, checked one by one.
 */

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

static int
cmp_share(const void * pa, const void * pb, void * arg)
{
	const struct share * a = pa, * b = pb;

	(void)arg;
	if (a->sel != b->sel)
		return ((a->sel < b->sel) ? -1 : 1);
	return ((a->k < b->k) ? -1 : (a->k > b->k));
}

/* Is ${p} an indexed predicate? */
static int
indexed(const struct pred * p)
{

	return (p->isnum && p->op != SS_EXPR_NE);
}

/* The region of ${v} among the ${m} ascending constants ${c}. */
static size_t
region(const double * c, size_t m, double v)
{
	size_t j = count_lt(c, m, v);

	return (2 * j + (j < m && c[j] == v));
}

static void
bits_free(struct ss_subs * s)
{
	size_t k;

	for (k = 0; k < s->nbf; k++) {
		free(s->bf[k].consts);
		free(s->bf[k].layer);
		free(s->bf[k].tab);
	}
	free(s->bf);
	s->bf = NULL;
	s->nbf = 0;
	free(s->bitmem);
	s->bitmem = NULL;
	free(s->needcheck);
	s->needcheck = NULL;
	s->usebits = 0;
	for (k = 0; k < s->nattrs; k++)
		s->attrs[k].bexact = 0;
}

/*
 * Build the bitset index of ${s} with at most ${maxlayers} layers per
 * field (0: as many as SS_SUBS_BITS_MAX allows).  Return 1 if built, 0
 * if there is nothing to index or it cannot be made to fit, -1 if out of
 * memory.  Its estimated cost per record, in *${cost}.
 */
static int
bits_build(struct ss_subs * s, size_t maxlayers, double * cost)
{
	struct span * sp = NULL;
	struct bitfield * f;
	struct pred * p;
	struct sub * b;
	int32_t * bfof = NULL;
	uint32_t * stamp = NULL, * slo = NULL, * shi = NULL, * touched = NULL;
	uint32_t * start = NULL, * endc = NULL;
	struct share * order = NULL;
	struct bitfield * sorted = NULL;
	size_t * roff = NULL, * nsp = NULL, * want = NULL, budget;
	size_t nbf = 0, nspan = 0, ntouch, a, i, k, r, l, m, R, total;
	size_t lw = s->nwords, need, cap, lo, hi, mid, w;
	uint64_t * bits, * l0;
	double ecand, words, lookups, pc;
	uint32_t cov, cur, nl, ended;
	int rc = -1;

	bits_free(s);
	*cost = 0;
	if ((bfof = malloc((s->nattrs + 1) * sizeof(*bfof))) == NULL)
		goto nomem;
	for (a = 0; a < s->nattrs; a++)
		bfof[a] = -1;
	for (i = 0; i < s->npreds; i++)
		if (indexed(&s->preds[i]) && bfof[s->preds[i].attr] == -1)
			bfof[s->preds[i].attr] = (int32_t)nbf++;
	if (nbf == 0) {
		rc = 0;
		goto done;
	}
	if ((s->bf = calloc(nbf, sizeof(*s->bf))) == NULL)
		goto nomem;
	s->nbf = nbf;
	for (a = 0; a < s->nattrs; a++)
		if (bfof[a] != -1)
			s->bf[bfof[a]].attr = (uint32_t)a;

	/* Each field's distinct constants, sorted. */
	for (i = 0; i < s->npreds; i++)
		if (indexed(&s->preds[i]))
			s->bf[bfof[s->preds[i].attr]].nconst++;
	for (k = 0; k < nbf; k++) {
		if ((s->bf[k].consts = malloc(s->bf[k].nconst *
		    sizeof(double))) == NULL)
			goto nomem;
		s->bf[k].nconst = 0;
	}
	for (i = 0; i < s->npreds; i++) {
		p = &s->preds[i];
		if (!indexed(p))
			continue;
		f = &s->bf[bfof[p->attr]];
		f->consts[f->nconst++] = (p->num == 0) ? 0 : p->num;
	}
	if ((roff = calloc(nbf + 1, sizeof(*roff))) == NULL ||
	    (nsp = calloc(nbf + 1, sizeof(*nsp))) == NULL)
		goto nomem;
	for (k = 0; k < nbf; k++) {
		f = &s->bf[k];
		sort(f->consts, f->nconst, sizeof(double), cmp_double, NULL);
		for (i = 0, m = 0; i < f->nconst; i++)
			if (m == 0 || f->consts[m - 1] != f->consts[i])
				f->consts[m++] = f->consts[i];
		f->nconst = (uint32_t)m;
		roff[k + 1] = roff[k] + 2 * m + 1;
	}

	/* Each subscription's interval on each field it constrains. */
	if ((stamp = calloc(nbf, sizeof(*stamp))) == NULL ||
	    (slo = malloc(nbf * sizeof(*slo))) == NULL ||
	    (shi = malloc(nbf * sizeof(*shi))) == NULL ||
	    (touched = malloc(nbf * sizeof(*touched))) == NULL ||
	    (sp = malloc((s->npreds + 1) * sizeof(*sp))) == NULL)
		goto nomem;
	for (b = s->subs; b < s->subs + s->nsubs; b++) {
		ntouch = 0;
		for (i = b->pred0; i < b->pred0 + b->npred; i++) {
			p = &s->preds[i];
			if (!indexed(p))
				continue;
			k = (size_t)bfof[p->attr];
			f = &s->bf[k];
			m = f->nconst;
			r = region(f->consts, m, p->num);	/* 2j + 1 */
			switch (p->op) {
			case SS_EXPR_EQ:
				lo = hi = r;
				break;
			case SS_EXPR_GE:
				lo = r;
				hi = 2 * m;
				break;
			case SS_EXPR_GT:
				lo = r + 1;
				hi = 2 * m;
				break;
			case SS_EXPR_LE:
				lo = 0;
				hi = r;
				break;
			default:	/* SS_EXPR_LT */
				lo = 0;
				hi = r - 1;
				break;
			}
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
			sp[nspan].bf = (uint32_t)k;
			sp[nspan].sub = (uint32_t)(b - s->subs);
			sp[nspan].lo = slo[k];
			sp[nspan].hi = shi[k];
			nspan++;
			nsp[k]++;
		}
	}

	/*
	 * Layers: a new one where an interval starts or the one before
	 * ended; layer 0 where none covers.
	 */
	R = roff[nbf];
	if ((start = calloc(R + 1, sizeof(*start))) == NULL ||
	    (endc = calloc(R + 1, sizeof(*endc))) == NULL)
		goto nomem;
	for (i = 0; i < nspan; i++) {
		if (sp[i].lo > sp[i].hi)
			continue;
		start[roff[sp[i].bf] + sp[i].lo]++;
		endc[roff[sp[i].bf] + sp[i].hi]++;
	}
	need = 0;
	for (k = 0; k < nbf; k++) {
		f = &s->bf[k];
		m = 2 * (size_t)f->nconst + 1;
		if ((f->layer = malloc(m * sizeof(*f->layer))) == NULL)
			goto nomem;
		for (r = 0, cov = 0, cur = 0; r < m; r++) {
			ended = (r > 0) ? endc[roff[k] + r - 1] : 0;
			cov -= ended;
			/* (Cover begins only where an interval starts.) */
			if (start[roff[k] + r] > 0 || (ended > 0 && cov > 0))
				cur++;
			cov += start[roff[k] + r];
			f->layer[r] = (cov > 0) ? cur : 0;
		}
		f->nlayers = cur + 1;
		need += f->nlayers;
	}

	/*
	 * Within the budget.  Merging layers costs little on a field whose
	 * intervals span many layers (a bound), much on one whose intervals
	 * are single layers (an equality): each field wants layers at most
	 * an eighth of its mean interval long (at least 16 in all); what
	 * is left raises a common cap on the others.
	 */
	if ((want = calloc(nbf, sizeof(*want))) == NULL)
		goto nomem;
	for (i = 0; i < nspan; i++) {
		if (sp[i].lo > sp[i].hi)
			continue;
		f = &s->bf[sp[i].bf];
		want[sp[i].bf] += f->layer[sp[i].hi] - f->layer[sp[i].lo] + 1;
	}
	budget = SS_SUBS_BITS_MAX / sizeof(uint64_t) / lw;
	for (k = 0, total = 0; k < nbf; k++) {
		f = &s->bf[k];
		nl = f->nlayers - 1;
		/* want = nl / (mean length / 8) = 8 nl nspans / sum. */
		if (want[k] > 0)
			want[k] = (size_t)((8.0 * nl * (double)nsp[k]) /
			    (double)want[k]) + 1;
		if (want[k] < 16)
			want[k] = 16;
		if (want[k] > nl || maxlayers > 0)
			want[k] = (maxlayers > 0 && maxlayers < nl) ?
			    maxlayers : nl;
		total += want[k] + 1;
	}
	if (total > budget)
		goto nofit;
	if (maxlayers == 0 && need > budget) {
		/* The largest common cap that fits. */
		for (lo = 0, hi = R; lo < hi; ) {
			mid = lo + (hi - lo + 1) / 2;
			for (k = 0, total = 0; k < nbf; k++) {
				nl = s->bf[k].nlayers - 1;
				total += 1 + ((want[k] > mid) ? want[k] :
				    (nl < mid) ? nl : mid);
			}
			if (total <= budget)
				lo = mid;
			else
				hi = mid - 1;
		}
		for (k = 0; k < nbf; k++)
			if (want[k] < lo)
				want[k] = lo;
	} else if (maxlayers == 0) {
		for (k = 0; k < nbf; k++)
			want[k] = s->bf[k].nlayers - 1;
	}
	need = 0;
	for (k = 0; k < nbf; k++) {
		f = &s->bf[k];
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
		need += f->nlayers;
	}

	/*
	 * The bits: layer 0, the subscriptions that do not constrain the
	 * field (and do not contradict themselves on it); the others'
	 * intervals as a difference, a bit flipped where each starts and
	 * just after it ends, then summed (XOR) up the layers; and layer 0
	 * added to every layer.
	 */
	if ((s->bitmem = calloc(need * lw, sizeof(uint64_t))) == NULL)
		goto nomem;
	for (k = 0, bits = s->bitmem; k < nbf; k++) {
		s->bf[k].bits = bits;
		bits += s->bf[k].nlayers * lw;
	}
	for (k = 0; k < nbf; k++) {
		l0 = s->bf[k].bits;
		for (i = 0; i < s->nsubs; i++)
			l0[i / 64] |= (uint64_t)1 << (i % 64);
	}
	for (i = 0; i < nspan; i++) {
		f = &s->bf[sp[i].bf];
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
	for (k = 0; k < nbf; k++) {
		f = &s->bf[k];
		for (l = 2; l < f->nlayers; l++)
			for (w = 0; w < lw; w++)
				f->bits[l * lw + w] ^= f->bits[(l - 1) * lw + w];
		for (l = 1; l < f->nlayers; l++)
			for (w = 0; w < lw; w++)
				f->bits[l * lw + w] |= f->bits[w];
	}

	/*
	 * Integer constants in a short span: a table of layers, while the
	 * tables take at most SS_SUBS_TABLES_MAX bytes in all.
	 */
	for (k = 0, total = 0; k < nbf; k++) {
		f = &s->bf[k];
		m = f->nconst;
		if (m == 0 || f->consts[0] < -1e15 || f->consts[m - 1] > 1e15 ||
		    f->consts[m - 1] - f->consts[0] >= SS_SUBS_TABLE_MAX ||
		    total + (size_t)(f->consts[m - 1] - f->consts[0] + 1) >
		    SS_SUBS_TABLES_MAX / sizeof(*f->tab))
			continue;
		for (i = 0; i < m; i++)
			if (f->consts[i] != (double)(int64_t)f->consts[i])
				break;
		if (i < m)
			continue;
		f->tmin = (int64_t)f->consts[0];
		f->ntab = (size_t)((int64_t)f->consts[m - 1] - f->tmin) + 1;
		total += f->ntab;
		if ((f->tab = malloc(f->ntab * sizeof(*f->tab))) == NULL)
			goto nomem;
		for (i = 0; i < f->ntab; i++)
			f->tab[i] = f->layer[region(f->consts, m,
			    (double)(f->tmin + (int64_t)i))];
	}

	/* Who needs checking after the AND, and what. */
	for (k = 0; k < nbf; k++)
		s->attrs[s->bf[k].attr].bexact = s->bf[k].exact;
	if ((s->needcheck = calloc(s->nsubs / 8 + 1, 1)) == NULL)
		goto nomem;
	for (b = s->subs; b < s->subs + s->nsubs; b++) {
		i = (size_t)(b - s->subs);
		if (b->nres > 0)
			s->needcheck[i / 8] |= (uint8_t)(1 << (i % 8));
		for (k = b->pred0; k < b->pred0 + b->npred; k++)
			if (!indexed(&s->preds[k]) ||
			    !s->bf[bfof[s->preds[k].attr]].exact)
				s->needcheck[i / 8] |= (uint8_t)(1 << (i % 8));
	}

	/*
	 * Each field's share of subscriptions a record keeps, taken as its
	 * layers' mean density; the fields in the order to AND them, the
	 * one that keeps fewest first; and the estimated cost per record:
	 * word ANDs until the candidates run out, a lookup per field, a
	 * check per candidate.
	 */
	if ((order = malloc(nbf * sizeof(*order))) == NULL ||
	    (sorted = malloc(nbf * sizeof(*sorted))) == NULL)
		goto nomem;
	for (k = 0; k < nbf; k++) {
		f = &s->bf[k];
		for (l = 1, pc = 0; l < f->nlayers; l++)
			for (w = 0; w < lw; w++)
				pc += (double)__builtin_popcountll(
				    f->bits[l * lw + w]);
		order[k].sel = (f->nlayers > 1) ? pc /
		    (double)(f->nlayers - 1) / (double)s->nsubs : 1;
		order[k].k = (uint32_t)k;
	}
	sort(order, nbf, sizeof(*order), cmp_share, NULL);
	for (k = 0; k < nbf; k++)
		sorted[k] = s->bf[order[k].k];
	memcpy(s->bf, sorted, nbf * sizeof(*sorted));
	ecand = (double)s->nsubs;
	words = 0;
	lookups = 0;
	for (k = 0; k < nbf && ecand >= 0.5; k++) {
		words += (double)lw * ((ecand * 64 >= (double)s->nsubs) ? 1 :
		    ecand * 64 / (double)s->nsubs);
		lookups += 1;
		ecand *= order[k].sel;
	}
	*cost = words + 20 * lookups + 40 * ecand;
	rc = 1;
	goto done;
nofit:
	bits_free(s);
	rc = 0;
	goto done;
nomem:
	ss_err_set(SS_EXIT_SYS, "out of memory indexing subscriptions");
	bits_free(s);
done:
	free(bfof);
	free(stamp);
	free(slo);
	free(shi);
	free(touched);
	free(sp);
	free(start);
	free(endc);
	free(order);
	free(sorted);
	free(roff);
	free(nsp);
	free(want);
	return (rc);
}

/* Read the file into a new set, without its index. */
static struct ss_subs *
parse(const uint8_t * buf, size_t len, const char * name,
    struct ss_subs_err * err)
{
	struct ss_subs * s;
	size_t i;
	int rc;

	memset(err, 0, sizeof(*err));
	if (len > SS_SUBS_FILE_MAX) {
		ss_err_set(SS_EXIT_SYS, "%s: larger than %d MiB", name,
		    SS_SUBS_FILE_MAX / (1024 * 1024));
		return (NULL);
	}
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		ss_err_set(SS_EXIT_SYS, "out of memory reading subscriptions");
		return (NULL);
	}
	for (i = 0; i < len && is_json_space(buf[i]); i++)
		;
	if (i < len && (buf[i] == '[' || buf[i] == '{'))
		rc = parse_json(s, buf, len, name, err);
	else
		rc = parse_lines(s, buf, len, name, err);
	if (rc)
		goto err;
	memset(err, 0, sizeof(*err));
	if (s->nsubs == 0) {
		ss_err_set(SS_EXIT_SYS, "%s: no subscriptions", name);
		goto err;
	}
	return (s);
err:
	ss_subs_free(s);
	return (NULL);
}

int
ss_subs_check(const uint8_t * buf, size_t len, const char * name,
    struct ss_subs_err * err)
{
	struct ss_subs * s;

	if ((s = parse(buf, len, name, err)) == NULL)
		return (-1);
	ss_subs_free(s);
	return (0);
}

struct ss_subs *
ss_subs_parse(const uint8_t * buf, size_t len, const char * name,
    struct ss_subs_err * err)
{
	struct ss_subs * s;
	double cost;
	int rc;

	if ((s = parse(buf, len, name, err)) == NULL)
		return (NULL);
	if (build(s))
		goto err;
	s->predcost += 2 * (double)(s->nsubs / 64 + 1);
	if ((rc = bits_build(s, 0, &cost)) == -1)
		goto err;
	if (rc == 1 && cost < s->predcost)
		s->usebits = 1;
	else
		bits_free(s);
	free(s->idmap);
	s->idmap = NULL;
	s->idmapsize = 0;
	free(s->attrmap);
	s->attrmap = NULL;
	s->attrmapsize = 0;
	return (s);
err:
	ss_subs_free(s);
	return (NULL);
}

size_t
ss_subs_count(const struct ss_subs * s)
{

	return (s->nsubs);
}

const char *
ss_subs_id(const struct ss_subs * s, size_t i, size_t * len)
{

	*len = s->subs[i].idlen;
	return ((const char *)s->text + s->subs[i].id);
}

int
ss_subs_bind(struct ss_subs * s, const uint8_t * const * names,
    const size_t * lens, size_t n)
{
	struct attr * t;
	char b1[200];
	size_t a, j;

	s->bound = 0;
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
			    "stream", shown(b1, sizeof(b1), s->text + t->name,
			    t->namelen, 64));
			return (-1);
		}
		t->col = j - 1;
	}
	for (j = 0; j < s->nsubs; j++)
		if (s->subs[j].e != NULL &&
		    ss_expr_bind(s->subs[j].e, names, lens, n))
			return (-1);
	s->bound = 1;
	return (0);
}

/* Matching. */

/* The value of field ${a} in ${row}, read once per record. */
static const struct aval *
value(struct ss_subs * s, uint32_t a, const struct ss_expr_row * row)
{
	struct aval * v = &s->vals[a];
	size_t col = s->attrs[a].col;

	if (v->gen == s->gen)
		return (v);
	v->gen = s->gen;
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
holds(const struct ss_subs * s, const struct pred * p,
    const struct aval * v)
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
	if ((c = (n > 0) ? memcmp(v->s, s->text + p->str, n) : 0) == 0)
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

/* Does candidate ${i} match ${row}?  1, 0, or -1 on error. */
static int
check(struct ss_subs * s, uint32_t i, const struct ss_expr_row * row)
{
	const struct sub * b = &s->subs[i];
	const struct pred * p;
	size_t k;
	int r;

	/* (The access predicate, first, is known to hold.) */
	for (k = (size_t)b->access; k < b->npred; k++) {
		p = &s->preds[b->pred0 + k];
		if (!holds(s, p, value(s, p->attr, row)))
			return (0);
	}
	for (k = 0, r = 1; k < b->nres && r == 1; k++)
		r = ss_expr_test_part(b->e, s->res[b->res0 + k], row);
	return (r);
}

/* Mark the ${n} subscriptions ${subs} as candidates. */
static void
mark(struct ss_subs * s, const uint32_t * subs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		s->cand[subs[i] / 64] |= (uint64_t)1 << (subs[i] % 64);
}

/* The equality slot of (field ${a}, value ${v}), or NULL. */
static const struct eqslot *
eq_find(const struct ss_subs * s, uint32_t a, const struct aval * v)
{
	const struct eqslot * q;
	uint64_t h = eq_hash(a, v->isnum, v->num, v->s, v->len);
	size_t slot;

	for (slot = h & s->eqmask; s->eq[slot].count != 0;
	    slot = (slot + 1) & s->eqmask) {
		q = &s->eq[slot];
		if (q->hash != h || q->attr != a || q->isnum != (uint32_t)v->isnum)
			continue;
		if (v->isnum ? q->num == v->num : (q->len == v->len &&
		    memcmp(s->text + q->str, v->s, v->len) == 0))
			return (q);
	}
	return (NULL);
}

/* The layer of field ${f} that ${v} falls in. */
static const uint64_t *
layer_of(const struct bitfield * f, const struct aval * v, size_t lw)
{
	double x = v->num;
	int64_t i;

	if (!v->isnum || x != x)
		return (f->bits);
	if (f->tab != NULL && x >= f->consts[0] &&
	    x <= f->consts[f->nconst - 1] && x == (double)(i = (int64_t)x))
		return (f->bits + f->tab[i - f->tmin] * lw);
	return (f->bits + f->layer[region(f->consts, f->nconst, x)] * lw);
}

/*
 * Does candidate ${i} of the bitset index match ${row}?  1, 0 or -1.
 * (Its indexed predicates on fields with no layers merged hold.)
 */
static int
check_all(struct ss_subs * s, uint32_t i, const struct ss_expr_row * row)
{
	const struct sub * b = &s->subs[i];
	const struct pred * p;
	size_t k;
	int r;

	for (k = 0; k < b->npred; k++) {
		p = &s->preds[b->pred0 + k];
		if (indexed(p) && s->attrs[p->attr].bexact)
			continue;
		if (!holds(s, p, value(s, p->attr, row)))
			return (0);
	}
	for (k = 0, r = 1; k < b->nres && r == 1; k++)
		r = ss_expr_test_part(b->e, s->res[b->res0 + k], row);
	return (r);
}

/* ss_subs_match() with the bitset index. */
static int
match_bits(struct ss_subs * s, const struct ss_expr_row * row)
{
	const struct bitfield * f;
	const uint64_t * l;
	uint64_t * cand = s->cand, x, any;
	size_t lw = s->nwords, lo = 0, hi = lw, k, w, i, n;
	int r;

	for (k = 0; k < s->nbf; k++) {
		f = &s->bf[k];
		l = layer_of(f, value(s, f->attr, row), lw);
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
			s->out[n++] = (uint32_t)(w * 64 +
			    (size_t)__builtin_ctzll(x));
	/*
	 * Check those that need it.  Among many subscriptions each
	 * candidate's record and predicates are a cache miss: fetch them a
	 * few candidates ahead.
	 */
	for (k = 0; k < n; k++) {
		i = s->out[k];
		if (k + 8 < n)
			__builtin_prefetch(&s->subs[s->out[k + 8]]);
		if (k + 4 < n)
			__builtin_prefetch(&s->preds[
			    s->subs[s->out[k + 4]].pred0]);
		if (s->needcheck[i / 8] & (1 << (i % 8))) {
			if ((r = check_all(s, (uint32_t)i, row)) == -1)
				return (-1);
			if (r == 0)
				continue;
		}
		s->out[s->nout++] = (uint32_t)i;
	}
	return (0);
}

int
ss_subs_match(struct ss_subs * s, const struct ss_expr_row * row,
    const uint32_t ** ids, size_t * nids)
{
	const struct eqslot * q;
	const struct aval * v;
	const struct attr * t;
	size_t i, k, w;
	uint64_t x;
	int r;

	s->gen++;
	s->nout = 0;
	*ids = s->out;
	*nids = 0;
	if (s->usebits) {
		if (match_bits(s, row))
			return (-1);
		*nids = s->nout;
		return (0);
	}
	/*
	 * The candidates: those with no access predicate, and those whose
	 * access predicate the record meets, as bits, so that they are
	 * checked in file order (their predicates lie in that order in
	 * memory) and come out in it.
	 */
	memcpy(s->cand, s->always, s->nwords * sizeof(*s->cand));
	for (i = 0; i < s->naccattrs; i++) {
		t = &s->attrs[s->accattrs[i]];
		v = value(s, s->accattrs[i], row);
		if (v->isnum) {
			if (t->eqnum && (q = eq_find(s, s->accattrs[i],
			    v)) != NULL)
				mark(s, s->eqsubs + q->first, q->count);
			/* lo <= v: a prefix; hi >= v: a suffix. */
			k = count_le(s->bounds + t->lo0, t->nlo, v->num);
			mark(s, s->boundsubs + t->lo0, k);
			k = count_lt(s->bounds + t->hi0, t->nhi, v->num);
			mark(s, s->boundsubs + t->hi0 + k, t->nhi - k);
		} else if (t->eqtext && (q = eq_find(s, s->accattrs[i],
		    v)) != NULL)
			mark(s, s->eqsubs + q->first, q->count);
	}
	for (w = 0; w < s->nwords; w++) {
		for (x = s->cand[w]; x != 0; x &= x - 1) {
			i = w * 64 + (size_t)__builtin_ctzll(x);
			if ((r = check(s, (uint32_t)i, row)) == -1)
				return (-1);
			if (r == 1)
				s->out[s->nout++] = (uint32_t)i;
		}
	}
	*ids = s->out;
	*nids = s->nout;
	return (0);
}

void
ss_subs_free(struct ss_subs * s)
{
	size_t i;

	if (s == NULL)
		return;
	bits_free(s);
	for (i = 0; i < s->nsubs; i++)
		ss_expr_free(s->subs[i].e);
	free(s->subs);
	free(s->preds);
	free(s->res);
	free(s->text);
	free(s->attrs);
	free(s->idmap);
	free(s->attrmap);
	free(s->bounds);
	free(s->boundsubs);
	free(s->eq);
	free(s->eqsubs);
	free(s->always);
	free(s->accattrs);
	free(s->vals);
	free(s->out);
	free(s->cand);
	free(s);
}

int
ss_subs_index(struct ss_subs * s, int how, size_t maxlayers)
{
	double cost;
	int r;

	if (how == SS_SUBS_PREDS) {
		bits_free(s);
		return (0);
	}
	if ((r = bits_build(s, maxlayers, &cost)) == -1)
		return (-1);
	s->usebits = r;
	return (!r);
}

int
ss_subs_index_kind(const struct ss_subs * s)
{
	size_t k;

	if (!s->usebits)
		return (SS_SUBS_PREDS);
	for (k = 0; k < s->nbf; k++)
		if (!s->bf[k].exact)
			return (SS_SUBS_BITS_MERGED);
	return (SS_SUBS_BITS);
}

