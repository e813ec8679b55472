/*
 * Reading subscription sets (subs.h): the line form and the JSON form,
 * into the layout of subs_set.h, without any index (the enclave builds
 * that: enclave/subs_match.h).
 */

#include <sys/random.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "err.h"
#include "expr.h"
#include "grow.h"
#include "shown.h"
#include "subs.h"
#include "subs_set.h"

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

/* Messages. */

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

	return (ss_subs_hash_bytes(s->text + s->subs[i].id, s->subs[i].idlen,
	    0));
}

static uint64_t
attr_key(const struct ss_subs * s, uint32_t i)
{

	return (ss_subs_hash_bytes(s->text + s->attrs[i].name,
	    s->attrs[i].namelen, 0));
}

/* The subscription with ID ${p}, or -1. */
static long
find_id(const struct ss_subs * s, const uint8_t * p, size_t len)
{
	const struct ss_subs_entry * b;
	size_t j;

	if (s->idmapsize == 0)
		return (-1);
	for (j = ss_subs_hash_bytes(p, len, 0) & (s->idmapsize - 1);
	    s->idmap[j] != 0; j = (j + 1) & (s->idmapsize - 1)) {
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
	struct ss_subs_entry * b;
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
	struct ss_subs_attr * t;
	size_t j;

	if (len > UINT32_MAX)
		len = UINT32_MAX;	/* unreachable: bounded by the file */
	if (s->attrmapsize > 0) {
		for (j = ss_subs_hash_bytes(name, len, 0) &
		    (s->attrmapsize - 1); s->attrmap[j] != 0;
		    j = (j + 1) & (s->attrmapsize - 1)) {
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
	struct ss_subs_pred * p;

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
	struct ss_subs_entry * b;
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
			    ss_shown(b1, sizeof(b1), eerr.msg,
			    strlen(eerr.msg), SIZE_MAX, 0));
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
			    "and op)", ss_shown(b1, sizeof(b1), member,
			    strlen(member), 40, 0));
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
			    ss_shown(b1, sizeof(b1),
			    json_string_value(key), keylen, 40, 0));
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
		    ss_shown(b1, sizeof(b1), json_string_value(op),
		    json_string_length(op), 40, 0));
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
				    ss_shown(b1, sizeof(b1), member,
				    strlen(member), 40, 0));
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
			    ss_shown(b1, sizeof(b1), idp, idlen, 40, 0),
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
			    ss_shown(b1, sizeof(b1), jerr.text,
			    strlen(jerr.text), SIZE_MAX, 0));
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

struct ss_subs *
ss_subs_parse(const uint8_t * buf, size_t len, const char * name,
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
	/* The maps served only to find IDs and fields while reading. */
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

int
ss_subs_check(const uint8_t * buf, size_t len, const char * name,
    struct ss_subs_err * err)
{
	struct ss_subs * s;

	if ((s = ss_subs_parse(buf, len, name, err)) == NULL)
		return (-1);
	ss_subs_free(s);
	return (0);
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

void
ss_subs_free(struct ss_subs * s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nsubs; i++)
		ss_expr_free(s->subs[i].e);
	free(s->subs);
	free(s->preds);
	free(s->res);
	free(s->text);
	free(s->attrs);
	free(s->idmap);
	free(s->attrmap);
	free(s);
}
