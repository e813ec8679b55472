/*
 * ss-route: one input, "n" outputs, each sealed to its own recipients
 * (program.h).  The program says how records are spread:
 *
 *	hash = FIELD	every record goes to output
 *			SipHash-2-4(key, FIELD's bytes) mod n, with the
 *			fixed public key SS_ROUTE_HASH_KEY (balance, not
 *			secrecy: the same value lands in the same partition
 *			on every machine and in every run);
 *	round-robin = 1	record i (from 0) goes to output i mod n;
 *	broadcast = 1	every record goes to every output;
 *	subs = FILE	(a program file: the measured program holds its
 *			digest) content-based routing: output i is
 *			subscriber i of the file (subscribers.h), sealed to
 *			its recipient, and gets the records its condition
 *			matches; with policy = FILE, only those its group
 *			may receive: the groups of every policy a record
 *			matches, or any group if it matches none (none
 *			with deny-unlisted = 1).
 *
 * Every output has the input's columns.
 */

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "err.h"
#include "flow.h"
#include "program.h"
#include "subscribers.h"

/* The 16 bytes of SipHash's key: public on purpose. */
#define SS_ROUTE_HASH_KEY	"ss-route hash v1"

enum { ROUTE_HASH = 1, ROUTE_ROUND_ROBIN, ROUTE_BROADCAST, ROUTE_SUBS };

/* A set of outputs (of at most SS_SUBSCRIBERS_MAX). */
#define SET_WORDS	(SS_SUBSCRIBERS_MAX / 64)
struct outset {
	uint64_t w[SET_WORDS];
};

struct route {
	int mode;
	char * field;			/* hash: the key field */
	size_t n;			/* outputs */
	size_t col;			/* the hash field's column */
	uint64_t next;			/* round robin */
	size_t ncols;
	const uint8_t ** fields;	/* one record */
	size_t * lens;

	/* subs: */
	struct ss_subscribers * subs;
	struct ss_policies * pol;	/* or NULL */
	struct outset * polset;		/* the subscribers policy i allows */
	int deny_unlisted;
};

static void
route_free(void * cookie)
{
	struct route * rt = cookie;

	if (rt == NULL)
		return;
	free(rt->fields);
	free(rt->lens);
	free(rt->field);
	ss_subscribers_free(rt->subs);
	ss_policies_free(rt->pol);
	free(rt->polset);
	free(rt);
}

/* The subscribers each policy of ${rt} allows. */
static int
policy_sets(struct route * rt)
{
	size_t i, k;

	if ((rt->polset = calloc(rt->pol->n + 1, sizeof(*rt->polset))) ==
	    NULL) {
		ss_err_errno("calloc");
		return (-1);
	}
	for (i = 0; i < rt->pol->n; i++)
		for (k = 0; k < rt->subs->n; k++)
			if (ss_policy_allows(rt->pol->groups[i],
			    rt->subs->group[k]))
				rt->polset[i].w[k / 64] |= (uint64_t)1 << (k % 64);
	return (0);
}

/* Read the subscribers (and policies) files of ${rt}. */
static int
route_files(struct route * rt, const struct ss_program_entry * subs,
    const struct ss_program_entry * pol)
{
	struct ss_subs_err err;

	if ((rt->subs = ss_subscribers_parse((const uint8_t *)subs->val,
	    subs->vallen, "subscribers file", &err)) == NULL)
		return (-1);
	rt->n = rt->subs->n;
	if (pol == NULL)
		return (0);
	if ((rt->pol = ss_policies_parse((const uint8_t *)pol->val,
	    pol->vallen, "policy file", &err)) == NULL)
		return (-1);
	return (policy_sets(rt));
}

static void *
route_new(const struct ss_program * p)
{
	struct route * rt;
	const struct ss_program_entry * subs = NULL, * pol = NULL;
	const char * key, * n = NULL, * field = NULL;
	size_t i, out;
	int mode = 0, modes = 0, deny = 0;

	for (i = 0; i < p->n; i++) {
		key = p->e[i].key;
		if (ss_program_recipient_key(key, &out) != 0)
			continue;
		/* Files are read below; the rest is text, flags "1". */
		if (strcmp(key, "subs") == 0) {
			mode = ROUTE_SUBS;
			subs = &p->e[i];
			modes++;
			continue;
		}
		if (strcmp(key, "policy") == 0) {
			pol = &p->e[i];
			continue;
		}
		if (strlen(p->e[i].val) != p->e[i].vallen) {
			ss_err_set(SS_EXIT_SYS, "route: bad value of '%s'",
			    key);
			return (NULL);
		}
		if (strcmp(key, "hash") == 0) {
			mode = ROUTE_HASH;
			field = p->e[i].val;
			modes++;
		} else if (strcmp(key, "round-robin") == 0 ||
		    strcmp(key, "broadcast") == 0 ||
		    strcmp(key, "deny-unlisted") == 0) {
			if (key[0] == 'd')
				deny = 1;
			else {
				mode = (key[0] == 'r') ? ROUTE_ROUND_ROBIN :
				    ROUTE_BROADCAST;
				modes++;
			}
			if (strcmp(p->e[i].val, "1") != 0) {
				ss_err_set(SS_EXIT_SYS, "route: bad value of "
				    "'%s'", key);
				return (NULL);
			}
		} else if (strcmp(key, "n") == 0) {
			if (n != NULL) {
				ss_err_set(SS_EXIT_SYS, "route: more than one "
				    "'n'");
				return (NULL);
			}
			n = p->e[i].val;
		} else {
			ss_err_set(SS_EXIT_SYS, "route: unknown program "
			    "argument '%s'", key);
			return (NULL);
		}
	}
	if (modes != 1) {
		ss_err_set(SS_EXIT_SYS, "route: give one of hash, round-robin, "
		    "broadcast and subs");
		return (NULL);
	}
	if (mode == ROUTE_HASH && field[0] == '\0') {
		ss_err_set(SS_EXIT_SYS, "route: empty hash field name");
		return (NULL);
	}
	if (mode == ROUTE_SUBS) {
		if (n != NULL) {
			ss_err_set(SS_EXIT_SYS, "route: subs makes one output "
			    "per subscriber: no n");
			return (NULL);
		}
	} else if (n == NULL ||
	    ss_program_count(n, SS_PROGRAM_OUTPUTS_MAX) == 0) {
		ss_err_set(SS_EXIT_SYS, "route: n must be 1 to %d",
		    SS_PROGRAM_OUTPUTS_MAX);
		return (NULL);
	}
	if ((pol != NULL || deny) && mode != ROUTE_SUBS) {
		ss_err_set(SS_EXIT_SYS, "route: policy and deny-unlisted go "
		    "with subs");
		return (NULL);
	}
	if (deny && pol == NULL) {
		ss_err_set(SS_EXIT_SYS, "route: deny-unlisted needs a policy");
		return (NULL);
	}
	if ((rt = calloc(1, sizeof(*rt))) == NULL) {
		ss_err_errno("calloc");
		return (NULL);
	}
	rt->mode = mode;
	rt->deny_unlisted = deny;
	if (mode == ROUTE_SUBS) {
		if (route_files(rt, subs, pol)) {
			route_free(rt);
			return (NULL);
		}
	} else
		rt->n = ss_program_count(n, SS_PROGRAM_OUTPUTS_MAX);
	if (field != NULL && (rt->field = strdup(field)) == NULL) {
		ss_err_errno("strdup");
		route_free(rt);
		return (NULL);
	}
	return (rt);
}

/* Output ${k}'s recipient: subscriber ${k}'s key. */
static int
route_recipients(void * cookie, size_t k, struct ss_recipients * r)
{
	struct route * rt = cookie;

	if (rt->mode != ROUTE_SUBS)
		return (0);
	return (ss_recipients_add(r, rt->subs->recipient[k]));
}

static void
route_shape(void * cookie, size_t * nin, size_t * nout)
{
	struct route * rt = cookie;

	*nin = 1;
	*nout = rt->n;
}

static int
route_schema(void * cookie, const struct ss_batch * in, struct ss_flow * f)
{
	struct route * rt = cookie;
	size_t i, len, flen;
	int found = 0;

	rt->ncols = in->nfields;
	if ((rt->fields = calloc(rt->ncols + 1, sizeof(*rt->fields))) ==
	    NULL || (rt->lens = calloc(rt->ncols + 1,
	    sizeof(*rt->lens))) == NULL) {
		ss_err_errno("calloc");
		return (-1);
	}
	for (i = 0; i < rt->ncols; i++)
		rt->fields[i] = ss_batch_field(in, 0, i, &rt->lens[i]);
	if (rt->mode == ROUTE_HASH) {
		/* Of several columns of one name, the last (ss-expr(7)). */
		flen = strlen(rt->field);
		for (i = 0; i < rt->ncols; i++) {
			len = rt->lens[i];
			if (len == flen &&
			    memcmp(rt->fields[i], rt->field, len) == 0) {
				rt->col = i;
				found = 1;
			}
		}
		if (!found) {
			ss_err_set(SS_EXIT_DATA, "route: no field '%s' in the "
			    "input stream", rt->field);
			return (-1);
		}
	}
	if (rt->mode == ROUTE_SUBS && (ss_subs_bind(rt->subs->subs,
	    rt->fields, rt->lens, rt->ncols) || (rt->pol != NULL &&
	    ss_subs_bind(rt->pol->subs, rt->fields, rt->lens, rt->ncols)))) {
		ss_err_prefix("route");
		return (-1);
	}
	return (ss_flow_schema(f, rt->fields, rt->lens, rt->ncols));
}

/* Record ${r} of ${in} to every subscriber it matches and may reach. */
static int
route_subs(struct route * rt, const struct ss_batch * in, size_t r,
    struct ss_flow * f)
{
	struct ss_expr_row row = { in, r, NULL, NULL };
	struct outset allowed;
	const uint32_t * ids, * pids;
	size_t n, np, i, w, k;

	if (ss_subs_match(rt->subs->subs, &row, &ids, &n))
		return (-1);
	if (n == 0)
		return (0);
	memset(&allowed, 0xff, sizeof(allowed));
	if (rt->pol != NULL) {
		if (ss_subs_match(rt->pol->subs, &row, &pids, &np))
			return (-1);
		if (np > 0 || rt->deny_unlisted)
			memset(&allowed, 0, sizeof(allowed));
		for (i = 0; i < np; i++)
			for (w = 0; w < SET_WORDS; w++)
				allowed.w[w] |= rt->polset[pids[i]].w[w];
	}
	for (i = 0; i < n; i++) {
		k = ids[i];
		if ((allowed.w[k / 64] >> (k % 64) & 1) == 0)
			continue;
		if (ss_flow_emit_to(f, k, rt->fields, rt->lens))
			return (-1);
	}
	return (0);
}

/* The partition of a key: SipHash-2-4 as a little-endian number, mod n. */
static size_t
partition(const struct route * rt, const uint8_t * key, size_t len)
{
	static const uint8_t hkey[crypto_shorthash_KEYBYTES + 1] =
	    SS_ROUTE_HASH_KEY;
	uint8_t h[crypto_shorthash_BYTES];
	uint64_t x = 0;
	int i;

	crypto_shorthash(h, key, len, hkey);
	for (i = crypto_shorthash_BYTES - 1; i >= 0; i--)
		x = x << 8 | h[i];
	return ((size_t)(x % rt->n));
}

static int
route_records(void * cookie, const struct ss_batch * in,
    struct ss_flow * f)
{
	struct route * rt = cookie;
	size_t r, i, k;

	for (r = 0; r < in->nrecords; r++) {
		for (i = 0; i < rt->ncols; i++)
			rt->fields[i] = ss_batch_field(in, r, i, &rt->lens[i]);
		switch (rt->mode) {
		case ROUTE_SUBS:
			if (route_subs(rt, in, r, f))
				return (-1);
			break;
		case ROUTE_HASH:
			k = partition(rt, rt->fields[rt->col],
			    rt->lens[rt->col]);
			if (ss_flow_emit_to(f, k, rt->fields, rt->lens))
				return (-1);
			break;
		case ROUTE_ROUND_ROBIN:
			k = (size_t)(rt->next++ % rt->n);
			if (ss_flow_emit_to(f, k, rt->fields, rt->lens))
				return (-1);
			break;
		default:
			for (k = 0; k < rt->n; k++)
				if (ss_flow_emit_to(f, k, rt->fields,
				    rt->lens))
					return (-1);
			break;
		}
	}
	return (0);
}

static const char * const route_files_keys[] = { "subs", "policy", NULL };

const struct ss_op ss_op_route = {
	.name = "route",
	.new = route_new,
	.schema = route_schema,
	.records = route_records,
	.finish = NULL,
	.free = route_free,
	.shape = route_shape,
	.need = NULL,
	.recipients = route_recipients,
	.files = route_files_keys,
};
