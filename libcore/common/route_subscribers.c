/*
 * Subscriber and policy files (route_subscribers.h).  Each line is an ID, a
 * few tokens of its own, and a condition; the tokens are read here and
 * blanked out of a copy of the file, which then reads as a subscription
 * file ("ID CONDITION", subs.h) with every condition at its place.
 */

#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "key.h"
#include "route_subscribers.h"

/* A token of an entry: where it is in the file. */
struct tok {
	size_t off, len;
	size_t line, col;		/* from 1 */
};

static int
is_blank(int c)
{

	return (c == ' ' || c == '\t' || c == '\r');
}

/* Record a problem at token ${t} of file ${name}. */
static void
tok_error(const struct tok * t, const char * name, struct ss_subs_err * err,
    const char * what)
{

	err->line = t->line;
	err->col = t->col;
	ss_err_set(SS_EXIT_SYS, "%s: line %zu: column %zu: %s", name, t->line,
	    t->col, what);
}

/*
 * Read the ${ntok} tokens after the ID of every entry of ${buf} (named
 * ${what}[i] in messages) into a new array ${*toks}, ${ntok} per entry;
 * count the entries in ${*n}; and return a copy of ${buf} with the tokens
 * blanked out.
 */
static uint8_t *
split(const uint8_t * buf, size_t len, const char * name, size_t ntok,
    const char * const * what, struct tok ** toks, size_t * n,
    struct ss_subs_err * err)
{
	struct tok * t = NULL, * nt;
	const uint8_t * line, * nl;
	uint8_t * copy;
	size_t pos = 0, lineno = 0, size = 0, ll, i, k, j;

	*toks = NULL;
	*n = 0;
	if ((copy = malloc(len + 1)) == NULL) {
		ss_err_errno("malloc");
		return (NULL);
	}
	if (len > 0)
		memcpy(copy, buf, len);
	copy[len] = '\0';
	while (pos < len) {
		lineno++;
		line = buf + pos;
		nl = memchr(line, '\n', len - pos);
		ll = (nl != NULL) ? (size_t)(nl - line) : len - pos;
		for (i = 0; i < ll && is_blank(line[i]); i++)
			;
		if (i == ll || line[i] == '#') {
			pos += ll + (nl != NULL);
			continue;
		}
		if (*n == SS_SUBS_MAX) {
			err->line = lineno;
			err->col = 0;
			ss_err_set(SS_EXIT_SYS, "%s: line %zu: more than %d "
			    "entries", name, lineno, SS_SUBS_MAX);
			goto err;
		}
		if (size < (*n + 1) * ntok) {
			size = (size > 0) ? size * 2 : 64 * ntok;
			if ((nt = realloc(t, size * sizeof(*t))) == NULL) {
				ss_err_errno("realloc");
				goto err;
			}
			t = nt;
		}
		/* The ID: checked with the condition (subs.h). */
		while (i < ll && !is_blank(line[i]))
			i++;
		for (k = 0; k < ntok; k++) {
			for (; i < ll && is_blank(line[i]); i++)
				;
			if (i == ll) {
				err->line = lineno;
				err->col = i + 1;
				ss_err_set(SS_EXIT_SYS, "%s: line %zu: column "
				    "%zu: no %s", name, lineno, i + 1,
				    what[k]);
				goto err;
			}
			for (j = i; j < ll && !is_blank(line[j]); j++)
				;
			nt = &t[*n * ntok + k];
			nt->off = pos + i;
			nt->len = j - i;
			nt->line = lineno;
			nt->col = i + 1;
			memset(copy + pos + i, ' ', j - i);
			i = j;
		}
		for (; i < ll && is_blank(line[i]); i++)
			;
		if (i == ll) {
			err->line = lineno;
			err->col = i + 1;
			ss_err_set(SS_EXIT_SYS, "%s: line %zu: column %zu: no "
			    "condition after the %s", name, lineno, i + 1,
			    what[ntok - 1]);
			goto err;
		}
		(*n)++;
		pos += ll + (nl != NULL);
	}
	*toks = t;
	return (copy);
err:
	free(t);
	free(copy);
	return (NULL);
}

/* A new NUL-terminated copy of token ${t} of ${buf}. */
static char *
tok_copy(const uint8_t * buf, const struct tok * t)
{
	char * s;

	if ((s = malloc(t->len + 1)) == NULL) {
		ss_err_errno("malloc");
		return (NULL);
	}
	memcpy(s, buf + t->off, t->len);
	s[t->len] = '\0';
	return (s);
}

/* The conditions of the blanked copy, as a subscription set of ${n}. */
static struct ss_subs *
conditions(uint8_t * copy, size_t len, const char * name, size_t n,
    struct ss_subs_err * err)
{
	struct ss_subs * s;

	s = ss_subs_parse(copy, len, name, err);
	free(copy);
	if (s != NULL && ss_subs_count(s) != n) {
		ss_err_set(SS_EXIT_SYS, "%s: %zu entries, but %zu "
		    "conditions", name, n, ss_subs_count(s));
		ss_subs_free(s);
		return (NULL);
	}
	return (s);
}

struct ss_subscribers *
ss_subscribers_parse(const uint8_t * buf, size_t len, const char * name,
    struct ss_subs_err * err)
{
	static const char * const what[] = { "group", "recipient" };
	struct ss_subscribers * s;
	struct ss_recipients * r = NULL;
	struct tok * t;
	uint8_t * copy;
	size_t n, i;

	err->line = err->col = 0;
	if ((copy = split(buf, len, name, 2, what, &t, &n, err)) == NULL)
		return (NULL);
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		ss_err_errno("calloc");
		free(copy);
		free(t);
		return (NULL);
	}
	if ((s->subs = conditions(copy, len, name, n, err)) == NULL)
		goto err;
	if (n == 0) {
		ss_err_set(SS_EXIT_SYS, "%s: no subscriber", name);
		goto err;
	}
	if (n > SS_SUBSCRIBERS_MAX) {
		err->line = t[SS_SUBSCRIBERS_MAX * 2].line;
		ss_err_set(SS_EXIT_SYS, "%s: line %zu: more than %d "
		    "subscribers (each has an output stream)", name,
		    err->line, SS_SUBSCRIBERS_MAX);
		goto err;
	}
	if ((s->group = calloc(n, sizeof(char *))) == NULL ||
	    (s->recipient = calloc(n, sizeof(char *))) == NULL) {
		ss_err_errno("calloc");
		goto err;
	}
	s->n = n;
	for (i = 0; i < n; i++) {
		if (!ss_subs_is_id(buf + t[2 * i].off, t[2 * i].len)) {
			tok_error(&t[2 * i], name, err, "a group name is 1 to "
			    "64 letters, digits, '_', '.', ':', '-'");
			goto err;
		}
		if ((s->group[i] = tok_copy(buf, &t[2 * i])) == NULL ||
		    (s->recipient[i] = tok_copy(buf, &t[2 * i + 1])) == NULL)
			goto err;
		/* The recipient must be a public key. */
		if ((r = ss_recipients_new()) == NULL)
			goto err;
		if (ss_recipients_add(r, s->recipient[i])) {
			tok_error(&t[2 * i + 1], name, err, "the recipient is "
			    "not a public key (sspub1-...)");
			goto err;
		}
		ss_recipients_free(r);
		r = NULL;
	}
	free(t);
	return (s);
err:
	ss_recipients_free(r);
	free(t);
	ss_subscribers_free(s);
	return (NULL);
}

void
ss_subscribers_free(struct ss_subscribers * s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n; i++) {
		if (s->group != NULL)
			free(s->group[i]);
		if (s->recipient != NULL)
			free(s->recipient[i]);
	}
	free(s->group);
	free(s->recipient);
	ss_subs_free(s->subs);
	free(s);
}

/* "*", or group names joined by commas. */
static int
is_groups(const uint8_t * p, size_t len)
{
	size_t i, start = 0;

	if (len == 1 && p[0] == '*')
		return (1);
	for (i = 0; i <= len; i++) {
		if (i < len && p[i] != ',')
			continue;
		if (!ss_subs_is_id(p + start, i - start))
			return (0);
		start = i + 1;
	}
	return (1);
}

struct ss_policies *
ss_policies_parse(const uint8_t * buf, size_t len, const char * name,
    struct ss_subs_err * err)
{
	static const char * const what[] = { "groups" };
	struct ss_policies * p;
	struct tok * t;
	uint8_t * copy;
	size_t n, i;

	err->line = err->col = 0;
	if ((copy = split(buf, len, name, 1, what, &t, &n, err)) == NULL)
		return (NULL);
	if ((p = calloc(1, sizeof(*p))) == NULL) {
		ss_err_errno("calloc");
		free(copy);
		free(t);
		return (NULL);
	}
	if ((p->subs = conditions(copy, len, name, n, err)) == NULL)
		goto err;
	if (n > 0 && (p->groups = calloc(n, sizeof(char *))) == NULL) {
		ss_err_errno("calloc");
		goto err;
	}
	p->n = n;
	for (i = 0; i < n; i++) {
		if (!is_groups(buf + t[i].off, t[i].len)) {
			tok_error(&t[i], name, err, "the groups are '*' (any) "
			    "or group names joined by commas");
			goto err;
		}
		if ((p->groups[i] = tok_copy(buf, &t[i])) == NULL)
			goto err;
	}
	free(t);
	return (p);
err:
	free(t);
	ss_policies_free(p);
	return (NULL);
}

void
ss_policies_free(struct ss_policies * p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n && p->groups != NULL; i++)
		free(p->groups[i]);
	free(p->groups);
	ss_subs_free(p->subs);
	free(p);
}

int
ss_policy_allows(const char * groups, const char * group)
{
	size_t glen = strlen(group), len;
	const char * s = groups, * e;

	if (strcmp(groups, "*") == 0)
		return (1);
	for (;;) {
		e = strchr(s, ',');
		len = (e != NULL) ? (size_t)(e - s) : strlen(s);
		if (len == glen && memcmp(s, group, glen) == 0)
			return (1);
		if (e == NULL)
			return (0);
		s = e + 1;
	}
}
