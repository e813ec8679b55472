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
 *			subscriber i of the file (route_subscribers.h),
 *			sealed to its recipient, and gets the records its
 *			condition matches; with policy = FILE, only those
 *			its group may receive: the groups of every policy a
 *			record matches, or any group if it matches none
 *			(none with deny-unlisted = 1).
 *
 * Every output has the input's columns.
 */

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "err.h"
#include "flow.h"
#include "op_conf.h"
#include "program.h"
#include "route_subscribers.h"
#include "subs_match.h"

/* The 16 bytes of SipHash's key: public on purpose. */
#define SS_ROUTE_HASH_KEY	"ss-route hash v1"

/* A set of outputs (of at most SS_SUBSCRIBERS_MAX). */
#define SET_WORDS	(SS_SUBSCRIBERS_MAX / 64)
struct outset {
	uint64_t w[SET_WORDS];
};

struct route {
	struct ss_route_conf * c;	/* the program */
	size_t col;			/* the hash field's column */
	uint64_t next;			/* round robin */
	size_t ncols;
	const uint8_t ** fields;	/* one record */
	size_t * lens;
	struct outset * polset;		/* subs: the subscribers policy i
					   allows */
	struct ss_subs_matcher * subsm;	/* subs: c->subs->subs's index */
	struct ss_subs_matcher * polm;	/* c->pol->subs's, or NULL */
};

static void
route_free(void * cookie)
{
	struct route * rt = cookie;

	if (rt == NULL)
		return;
	free(rt->fields);
	free(rt->lens);
	ss_subs_matcher_free(rt->subsm);
	ss_subs_matcher_free(rt->polm);
	ss_opdef_get(SS_OP_route)->free(rt->c);
	free(rt->polset);
	free(rt);
}

/* The subscribers each policy of ${rt} allows. */
static int
policy_sets(struct route * rt)
{
	const struct ss_policies * pol = rt->c->pol;
	const struct ss_subscribers * subs = rt->c->subs;
	size_t i, k;

	if ((rt->polset = calloc(pol->n + 1, sizeof(*rt->polset))) == NULL) {
		ss_err_errno("calloc");
		return (-1);
	}
	for (i = 0; i < pol->n; i++)
		for (k = 0; k < subs->n; k++)
			if (ss_policy_allows(pol->groups[i], subs->group[k]))
				rt->polset[i].w[k / 64] |=
				    (uint64_t)1 << (k % 64);
	return (0);
}

/* subs: index the subscribers' (and policies') conditions. */
static int
route_index(struct route * rt)
{

	if (rt->c->subs == NULL)
		return (0);
	if ((rt->subsm = ss_subs_matcher_new(rt->c->subs->subs)) == NULL)
		return (-1);
	if (rt->c->pol == NULL)
		return (0);
	if ((rt->polm = ss_subs_matcher_new(rt->c->pol->subs)) == NULL)
		return (-1);
	return (policy_sets(rt));
}

static void *
route_new(const struct ss_program * p)
{
	struct ss_op_err err;
	struct route * rt;

	if ((rt = calloc(1, sizeof(*rt))) == NULL) {
		ss_err_errno("calloc");
		return (NULL);
	}
	if ((rt->c = ss_opdef_get(SS_OP_route)->parse(p, NULL, &err)) == NULL ||
	    route_index(rt)) {
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

	if (rt->c->mode != SS_ROUTE_SUBS)
		return (0);
	return (ss_recipients_add(r, rt->c->subs->recipient[k]));
}

static void
route_shape(void * cookie, size_t * nin, size_t * nout)
{
	struct route * rt = cookie;

	*nin = 1;
	*nout = rt->c->n;
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
	if (rt->c->mode == SS_ROUTE_HASH) {
		/* Of several columns of one name, the last (ss-expr(7)). */
		flen = strlen(rt->c->field);
		for (i = 0; i < rt->ncols; i++) {
			len = rt->lens[i];
			if (len == flen &&
			    memcmp(rt->fields[i], rt->c->field, len) == 0) {
				rt->col = i;
				found = 1;
			}
		}
		if (!found) {
			ss_err_set(SS_EXIT_DATA, "route: no field '%s' in the "
			    "input stream", rt->c->field);
			return (-1);
		}
	}
	if (rt->c->mode == SS_ROUTE_SUBS && (ss_subs_bind(rt->subsm,
	    rt->fields, rt->lens, rt->ncols) || (rt->c->pol != NULL &&
	    ss_subs_bind(rt->polm, rt->fields, rt->lens, rt->ncols)))) {
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

	if (ss_subs_match(rt->subsm, &row, &ids, &n))
		return (-1);
	if (n == 0)
		return (0);
	memset(&allowed, 0xff, sizeof(allowed));
	if (rt->c->pol != NULL) {
		if (ss_subs_match(rt->polm, &row, &pids, &np))
			return (-1);
		if (np > 0 || rt->c->deny_unlisted)
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
	return ((size_t)(x % rt->c->n));
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
		switch (rt->c->mode) {
		case SS_ROUTE_SUBS:
			if (route_subs(rt, in, r, f))
				return (-1);
			break;
		case SS_ROUTE_HASH:
			k = partition(rt, rt->fields[rt->col],
			    rt->lens[rt->col]);
			if (ss_flow_emit_to(f, k, rt->fields, rt->lens))
				return (-1);
			break;
		case SS_ROUTE_ROUND_ROBIN:
			k = (size_t)(rt->next++ % rt->c->n);
			if (ss_flow_emit_to(f, k, rt->fields, rt->lens))
				return (-1);
			break;
		default:
			for (k = 0; k < rt->c->n; k++)
				if (ss_flow_emit_to(f, k, rt->fields,
				    rt->lens))
					return (-1);
			break;
		}
	}
	return (0);
}

const struct ss_op ss_op_route = {
	.id = SS_OP_route,
	.new = route_new,
	.schema = route_schema,
	.records = route_records,
	.finish = NULL,
	.free = route_free,
	.shape = route_shape,
	.need = NULL,
	.recipients = route_recipients,
};
