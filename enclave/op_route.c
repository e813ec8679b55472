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
 *	broadcast = 1	every record goes to every output.
 *
 * Every output has the input's columns.
 */

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "err.h"
#include "flow.h"
#include "program.h"

/* The 16 bytes of SipHash's key: public on purpose. */
#define SS_ROUTE_HASH_KEY	"ss-route hash v1"

enum { ROUTE_HASH = 1, ROUTE_ROUND_ROBIN, ROUTE_BROADCAST };

struct route {
	int mode;
	char * field;			/* hash: the key field */
	size_t n;			/* outputs */
	size_t col;			/* the hash field's column */
	uint64_t next;			/* round robin */
	size_t ncols;
	const uint8_t ** fields;	/* one record */
	size_t * lens;
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
	free(rt);
}

/* A decimal count from 1 to ${max}, no leading zero; 0 if not one. */
static size_t
parse_count(const char * s, size_t max)
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

static void *
route_new(const struct ss_program * p)
{
	struct route * rt;
	const char * key, * n = NULL, * field = NULL;
	size_t i, out;
	int mode = 0, modes = 0;

	for (i = 0; i < p->n; i++) {
		key = p->e[i].key;
		if (ss_program_recipient_key(key, &out) != 0)
			continue;
		/* Names and counts are text; flags are "1". */
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
		    strcmp(key, "broadcast") == 0) {
			mode = (key[0] == 'r') ? ROUTE_ROUND_ROBIN :
			    ROUTE_BROADCAST;
			modes++;
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
		ss_err_set(SS_EXIT_SYS, "route: give one of hash, round-robin "
		    "and broadcast");
		return (NULL);
	}
	if (mode == ROUTE_HASH && field[0] == '\0') {
		ss_err_set(SS_EXIT_SYS, "route: empty hash field name");
		return (NULL);
	}
	if (n == NULL || parse_count(n, SS_PROGRAM_OUTPUTS_MAX) == 0) {
		ss_err_set(SS_EXIT_SYS, "route: n must be 1 to %d",
		    SS_PROGRAM_OUTPUTS_MAX);
		return (NULL);
	}
	if ((rt = calloc(1, sizeof(*rt))) == NULL) {
		ss_err_errno("calloc");
		return (NULL);
	}
	rt->mode = mode;
	rt->n = parse_count(n, SS_PROGRAM_OUTPUTS_MAX);
	if (field != NULL && (rt->field = strdup(field)) == NULL) {
		ss_err_errno("strdup");
		route_free(rt);
		return (NULL);
	}
	return (rt);
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
	return (ss_flow_schema(f, rt->fields, rt->lens, rt->ncols));
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

const struct ss_op ss_op_route = {
	.name = "route",
	.new = route_new,
	.schema = route_schema,
	.records = route_records,
	.finish = NULL,
	.free = route_free,
	.shape = route_shape,
	.need = NULL,
};
