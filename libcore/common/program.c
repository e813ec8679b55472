#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "err.h"
#include "frame.h"
#include "program.h"

#define MAGIC_LEN	(sizeof(SS_PROGRAM_MAGIC) - 1)
#define LABEL_MEASURE	"securestreams/1 measurement"

struct ss_program *
ss_program_new(const char * op)
{
	struct ss_program * p;

	if (strlen(op) == 0 || strlen(op) > SS_PROGRAM_KEY_MAX) {
		ss_err_set(SS_EXIT_SYS, "bad operator name");
		return (NULL);
	}
	if ((p = calloc(1, sizeof(*p))) == NULL ||
	    (p->e = calloc(SS_PROGRAM_ENTRIES_MAX, sizeof(*p->e))) == NULL) {
		ss_err_errno("calloc");
		free(p);
		return (NULL);
	}
	strcpy(p->op, op);
	return (p);
}

int
ss_program_add(struct ss_program * p, const char * key, const char * val,
    size_t len)
{
	struct ss_program_entry * e;

	if (strlen(key) == 0 || strlen(key) > SS_PROGRAM_KEY_MAX) {
		ss_err_set(SS_EXIT_SYS, "bad program key");
		return (-1);
	}
	if (p->n == SS_PROGRAM_ENTRIES_MAX) {
		ss_err_set(SS_EXIT_SYS, "too many program arguments");
		return (-1);
	}
	if (len > SS_PROGRAM_MAX) {
		ss_err_set(SS_EXIT_SYS, "program argument too long");
		return (-1);
	}
	e = &p->e[p->n];
	if ((e->val = malloc(len + 1)) == NULL) {
		ss_err_errno("malloc");
		return (-1);
	}
	memcpy(e->val, val, len);
	e->val[len] = '\0';
	e->vallen = len;
	strcpy(e->key, key);
	p->n++;
	return (0);
}

int
ss_program_add_recipients(struct ss_program * p,
    const struct ss_recipients * r)
{
	char text[SS_PUBKEY_TEXT_LEN + 1];
	size_t i;

	for (i = 0; i < r->n; i++) {
		if (ss_key_public_encode(text, r->pk[i]) ||
		    ss_program_add(p, SS_PROGRAM_RECIPIENT, text,
		    SS_PUBKEY_TEXT_LEN))
			return (-1);
	}
	return (0);
}

int
ss_program_add_output_recipients(struct ss_program * p, size_t out,
    const struct ss_recipients * r)
{
	char text[SS_PUBKEY_TEXT_LEN + 1];
	char key[SS_PROGRAM_KEY_MAX + 1];
	size_t i;

	if (out >= SS_PROGRAM_OUTPUTS_MAX) {
		ss_err_set(SS_EXIT_SYS, "more than %d outputs",
		    SS_PROGRAM_OUTPUTS_MAX);
		return (-1);
	}
	snprintf(key, sizeof(key), "out.%zu.%s", out, SS_PROGRAM_RECIPIENT);
	for (i = 0; i < r->n; i++) {
		if (ss_key_public_encode(text, r->pk[i]) ||
		    ss_program_add(p, key, text, SS_PUBKEY_TEXT_LEN))
			return (-1);
	}
	return (0);
}

int
ss_program_recipient_key(const char * key, size_t * out)
{
	const char * s;
	size_t n = 0;

	if (strcmp(key, SS_PROGRAM_RECIPIENT) == 0)
		return (1);
	if (strncmp(key, "out.", 4) != 0)
		return (0);
	s = key + 4;
	/* Decimal, no leading zero, below the limit. */
	if (s[0] < '0' || s[0] > '9' || (s[0] == '0' && s[1] != '.'))
		return (0);
	for (; *s >= '0' && *s <= '9'; s++) {
		n = n * 10 + (size_t)(*s - '0');
		if (n >= SS_PROGRAM_OUTPUTS_MAX)
			return (0);
	}
	if (s[0] != '.' || strcmp(s + 1, SS_PROGRAM_RECIPIENT) != 0)
		return (0);
	*out = n;
	return (2);
}

struct ss_recipients *
ss_program_output_recipients(const struct ss_program * p, size_t out)
{
	struct ss_recipients * r;
	size_t i, j, n, k;
	int kind;

	if ((r = ss_recipients_new()) == NULL)
		return (NULL);
	for (i = 0; i < p->n; i++) {
		kind = ss_program_recipient_key(p->e[i].key, &k);
		if (kind == 0 || (kind == 2 && k != out))
			continue;
		n = r->n;
		if (ss_recipients_add(r, p->e[i].val)) {
			ss_recipients_free(r);
			return (NULL);
		}
		/* A key given for every output and for this one: once. */
		for (j = 0; j < n; j++)
			if (memcmp(r->pk[j], r->pk[n], SS_KEY_LEN) == 0) {
				r->n--;
				break;
			}
	}
	return (r);
}

size_t
ss_program_count(const char * s, size_t max)
{
	size_t n = 0;

	if (s[0] < '1' || s[0] > '9')
		return (0);
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return (0);
		n = n * 10 + (size_t)(*s - '0');
		if (n > max)
			return (0);
	}
	return (n);
}

const char *
ss_program_get(const struct ss_program * p, const char * key)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (strcmp(p->e[i].key, key) == 0)
			return (p->e[i].val);
	return (NULL);
}

struct ss_recipients *
ss_program_recipients(const struct ss_program * p)
{
	struct ss_recipients * r;
	size_t i;

	if ((r = ss_recipients_new()) == NULL)
		return (NULL);
	for (i = 0; i < p->n; i++) {
		if (strcmp(p->e[i].key, SS_PROGRAM_RECIPIENT) != 0)
			continue;
		if (ss_recipients_add(r, p->e[i].val)) {
			ss_recipients_free(r);
			return (NULL);
		}
	}
	return (r);
}

/* Byte order of two values. */
static int
valcmp(const struct ss_program_entry * a, const struct ss_program_entry * b)
{
	size_t n = (a->vallen < b->vallen) ? a->vallen : b->vallen;
	int c;

	if ((c = memcmp(a->val, b->val, n)) != 0)
		return (c);
	return ((a->vallen > b->vallen) - (a->vallen < b->vallen));
}

/* Entries named ${key} form a set (recipients)? */
static int
is_set(const char * key)
{
	size_t out;

	return (ss_program_recipient_key(key, &out) != 0);
}

/* Canonical order: by key; recipients also by value. */
static int
entrycmp(const struct ss_program_entry * a, const struct ss_program_entry * b)
{
	int c;

	if ((c = strcmp(a->key, b->key)) != 0)
		return (c);
	if (is_set(a->key))
		return (valcmp(a, b));
	return (0);
}

/* Stable insertion sort (programs are short); drop duplicate recipients. */
static void
canonicalize(struct ss_program * p)
{
	struct ss_program_entry t;
	size_t i, j, k;

	for (i = 1; i < p->n; i++) {
		t = p->e[i];
		for (j = i; j > 0 && entrycmp(&p->e[j - 1], &t) > 0; j--)
			p->e[j] = p->e[j - 1];
		p->e[j] = t;
	}
	for (i = k = 0; i < p->n; i++) {
		if (k > 0 && is_set(p->e[i].key) &&
		    entrycmp(&p->e[k - 1], &p->e[i]) == 0) {
			free(p->e[i].val);
			continue;
		}
		p->e[k++] = p->e[i];
	}
	p->n = k;
}

int
ss_program_encode(struct ss_program * p, uint8_t ** buf, size_t * len)
{
	uint8_t * b;
	size_t i, n, pos;

	canonicalize(p);
	n = MAGIC_LEN + 1 + strlen(p->op) + 2;
	for (i = 0; i < p->n; i++) {
		n += 1 + strlen(p->e[i].key) + 4 + p->e[i].vallen;
		if (n > SS_PROGRAM_MAX) {
			ss_err_set(SS_EXIT_SYS, "program too long");
			return (-1);
		}
	}
	if ((b = malloc(n)) == NULL) {
		ss_err_errno("malloc");
		return (-1);
	}
	memcpy(b, SS_PROGRAM_MAGIC, MAGIC_LEN);
	pos = MAGIC_LEN;
	b[pos++] = (uint8_t)strlen(p->op);
	memcpy(b + pos, p->op, strlen(p->op));
	pos += strlen(p->op);
	ss_be16enc(b + pos, (uint16_t)p->n);
	pos += 2;
	for (i = 0; i < p->n; i++) {
		b[pos++] = (uint8_t)strlen(p->e[i].key);
		memcpy(b + pos, p->e[i].key, strlen(p->e[i].key));
		pos += strlen(p->e[i].key);
		ss_be32enc(b + pos, (uint32_t)p->e[i].vallen);
		pos += 4;
		memcpy(b + pos, p->e[i].val, p->e[i].vallen);
		pos += p->e[i].vallen;
	}
	*buf = b;
	*len = n;
	return (0);
}

/* Read a 1-byte-length name into ${name}. */
static int
get_name(char name[SS_PROGRAM_KEY_MAX + 1], const uint8_t * buf, size_t len,
    size_t * pos)
{
	size_t n;

	if (*pos >= len)
		return (-1);
	n = buf[(*pos)++];
	if (n == 0 || n > SS_PROGRAM_KEY_MAX || len - *pos < n ||
	    memchr(buf + *pos, '\0', n) != NULL)
		return (-1);
	memcpy(name, buf + *pos, n);
	name[n] = '\0';
	*pos += n;
	return (0);
}

struct ss_program *
ss_program_decode(const uint8_t * buf, size_t len)
{
	struct ss_program * p = NULL;
	char name[SS_PROGRAM_KEY_MAX + 1];
	size_t pos = MAGIC_LEN, n, i, vallen;

	if (len < MAGIC_LEN || len > SS_PROGRAM_MAX ||
	    memcmp(buf, SS_PROGRAM_MAGIC, MAGIC_LEN) != 0)
		goto bad;
	if (get_name(name, buf, len, &pos))
		goto bad;
	if ((p = ss_program_new(name)) == NULL)
		return (NULL);
	if (len - pos < 2)
		goto bad;
	n = ss_be16dec(buf + pos);
	pos += 2;
	/* More entries than ss_program_add() takes: data, not a limit. */
	if (n > SS_PROGRAM_ENTRIES_MAX)
		goto bad;
	for (i = 0; i < n; i++) {
		if (get_name(name, buf, len, &pos) || len - pos < 4)
			goto bad;
		vallen = ss_be32dec(buf + pos);
		pos += 4;
		if (len - pos < vallen)
			goto bad;
		if (ss_program_add(p, name, (const char *)buf + pos, vallen))
			goto err;
		pos += vallen;
		if (i > 0 && entrycmp(&p->e[i - 1], &p->e[i]) >= 0 &&
		    (is_set(name) ||
		    entrycmp(&p->e[i - 1], &p->e[i]) > 0))
			goto bad;
	}
	if (pos != len)
		goto bad;
	return (p);
bad:
	ss_err_set(SS_EXIT_DATA, "malformed program encoding");
err:
	ss_program_free(p);
	return (NULL);
}

int
ss_program_describe(const struct ss_program * p,
    int (* fn)(void *, const char *, const char *, size_t), void * cookie)
{
	size_t i;

	if (fn(cookie, "op", p->op, strlen(p->op)))
		return (-1);
	for (i = 0; i < p->n; i++)
		if (fn(cookie, p->e[i].key, p->e[i].val, p->e[i].vallen))
			return (-1);
	return (0);
}

void
ss_program_free(struct ss_program * p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n; i++)
		free(p->e[i].val);
	free(p->e);
	free(p);
}

int
ss_measurement(uint8_t m[SS_SHA256_LEN],
    const uint8_t image_digest[SS_SHA256_LEN],
    const uint8_t program_digest[SS_SHA256_LEN])
{
	uint8_t buf[sizeof(LABEL_MEASURE) - 1 + 2 * SS_SHA256_LEN];
	size_t llen = sizeof(LABEL_MEASURE) - 1;

	memcpy(buf, LABEL_MEASURE, llen);
	memcpy(buf + llen, image_digest, SS_SHA256_LEN);
	memcpy(buf + llen + SS_SHA256_LEN, program_digest, SS_SHA256_LEN);
	return (ss_sha256(m, buf, sizeof(buf)));
}

int
ss_fieldlist_parse(const char * list, struct ss_fieldspec ** specs,
    size_t * n)
{
	struct ss_fieldspec * s;
	const char * p, * end, * eq;
	size_t count = 1, i, j;

	for (p = list; *p != '\0'; p++)
		if (*p == ',')
			count++;
	if (count > SS_COLUMNS_MAX) {
		ss_err_set(SS_EXIT_SYS, "more than %u fields",
		    SS_COLUMNS_MAX);
		return (-1);
	}
	if ((s = calloc(count, sizeof(*s))) == NULL) {
		ss_err_errno("calloc");
		return (-1);
	}
	for (p = list, i = 0; i < count; i++, p = end + 1) {
		if ((end = strchr(p, ',')) == NULL)
			end = p + strlen(p);
		if (end == p) {
			ss_err_set(SS_EXIT_SYS, "empty field name in '%s'",
			    list);
			goto err;
		}
		eq = memchr(p, '=', (size_t)(end - p));
		s[i].name = p;
		s[i].namelen = (eq != NULL) ? (size_t)(eq - p) :
		    (size_t)(end - p);
		s[i].from = (eq != NULL) ? eq + 1 : p;
		s[i].fromlen = (size_t)(end - s[i].from);
		if (s[i].namelen == 0 || s[i].fromlen == 0) {
			ss_err_set(SS_EXIT_SYS, "empty field name in '%.*s'",
			    (int)(end - p), p);
			goto err;
		}
		for (j = 0; j < i; j++) {
			if (s[j].namelen == s[i].namelen &&
			    memcmp(s[j].name, s[i].name, s[i].namelen) == 0) {
				ss_err_set(SS_EXIT_SYS, "two output fields "
				    "named '%.*s'", (int)s[i].namelen,
				    s[i].name);
				goto err;
			}
		}
	}
	*specs = s;
	*n = count;
	return (0);
err:
	free(s);
	return (-1);
}
