/*
 * ss-reduce's program and its durations (see reduce.h).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "operator.h"
#include "program.h"
#include "reduce.h"

const char * const ss_reduce_acc_names[SS_ACC_N] = {
	"count", "sum", "mean", "min", "max", "var", "stddev", "first",
	"last", "distinct_count", "rmssd", "sdsd", "pnn50",
};

static const unsigned acc_needs[SS_ACC_N] = {
	0, SS_NEED_SUM, SS_NEED_SUM, SS_NEED_MIN, SS_NEED_MAX,
	SS_NEED_SUM | SS_NEED_SUMSQ, SS_NEED_SUM | SS_NEED_SUMSQ,
	SS_NEED_FIRST, SS_NEED_LAST, SS_NEED_SET, SS_NEED_DIFFS,
	SS_NEED_DIFFS, SS_NEED_DIFFS,
};

/* Largest count a double holds exactly. */
#define COUNT_MAX	(1ULL << 53)
/* Most windows a record joins (--sliding SIZE,STEP: SIZE / STEP). */
#define SLIDES_MAX	1000

/* Split the list "a,b,c" of ${what} into new strings. */
static int
split_list(const char * list, const char * what, char *** items,
    size_t * n)
{
	const char * p, * q;
	char ** v;
	size_t i, k = 1;

	for (p = list; *p != '\0'; p++)
		if (*p == ',')
			k++;
	if ((v = calloc(k, sizeof(*v))) == NULL) {
		ss_err_errno("calloc");
		return (-1);
	}
	*items = v;
	*n = 0;
	for (p = list, i = 0; i < k; i++, p = q + 1) {
		for (q = p; *q != ',' && *q != '\0'; q++)
			;
		if (q == p) {
			ss_err_set(SS_EXIT_SYS, "%s: empty name in '%s'", what,
			    list);
			return (-1);
		}
		if ((v[i] = strndup(p, (size_t)(q - p))) == NULL) {
			ss_err_errno("strndup");
			return (-1);
		}
		*n = i + 1;
	}
	return (0);
}

/* Add column ${a}${b} to the list ${v} of ${n}. */
static int
add_column(char *** v, size_t * n, const char * a, const char * b)
{
	char ** nv;
	size_t len = strlen(a) + strlen(b) + 1;

	if ((nv = realloc(*v, (*n + 1) * sizeof(*nv))) == NULL) {
		ss_err_errno("realloc");
		return (-1);
	}
	*v = nv;
	if ((nv[*n] = malloc(len)) == NULL) {
		ss_err_errno("malloc");
		return (-1);
	}
	snprintf(nv[*n], len, "%s%s", a, b);
	(*n)++;
	return (0);
}

/*
 * The columns of results (${partial} == 0) or of partial state (the
 * layout in ss-reduce(1)) into ${v}, ${n}.
 */
static int
make_columns(const struct ss_reduce_conf * c, int partial, char *** v,
    size_t * n)
{
	static const struct {
		unsigned need;
		const char * suffix;
	} state[] = {
		{ 0, "_n" }, { 0, "_nnum" },
		{ SS_NEED_SUM, "_sum" }, { SS_NEED_SUMSQ, "_sumsq" },
		{ SS_NEED_MIN, "_min" }, { SS_NEED_MAX, "_max" },
		{ SS_NEED_FIRST, "_first" }, { SS_NEED_LAST, "_last" },
		{ SS_NEED_SET, "_distinct" },
		{ SS_NEED_DIFFS, "_dfirst" }, { SS_NEED_DIFFS, "_dlast" },
		{ SS_NEED_DIFFS, "_dsum" }, { SS_NEED_DIFFS, "_dsumsq" },
		{ SS_NEED_DIFFS, "_dn50" },
	};
	char name[64];
	size_t i, j, k;

	if (c->window == SS_WINDOW_TIME &&
	    add_column(v, n, "window_start", ""))
		return (-1);
	for (i = 0; i < c->ngroups; i++)
		if (add_column(v, n, c->groups[i], ""))
			return (-1);
	for (i = 0; i < c->nfields; i++) {
		if (partial) {
			for (k = 0; k < sizeof(state) / sizeof(state[0]); k++)
				if ((state[k].need & c->need) ==
				    state[k].need && add_column(v, n,
				    c->fields[i], state[k].suffix))
					return (-1);
			continue;
		}
		for (k = 0; k < c->nacc; k++) {
			snprintf(name, sizeof(name), "_%s",
			    ss_reduce_acc_names[c->acc[k]]);
			if (add_column(v, n, c->fields[i], name))
				return (-1);
		}
	}
	/* Two columns of one name could not be told apart. */
	for (i = 0; i < *n; i++)
		for (j = 0; j < i; j++)
			if (strcmp((*v)[i], (*v)[j]) == 0) {
				ss_err_set(SS_EXIT_SYS, "two %scolumns would "
				    "be named '%s' (rename a field with "
				    "ss-map first)", partial ?
				    "partial-state " : "output ", (*v)[i]);
				return (-1);
			}
	return (0);
}

/* Parse a whole decimal number in [lo, hi]. */
static int
parse_uint(const char * s, uint64_t lo, uint64_t hi, uint64_t * v)
{
	uint64_t x = 0;

	if (*s == '\0')
		return (-1);
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' ||
		    x > (hi - (uint64_t)(*s - '0')) / 10)
			return (-1);
		x = x * 10 + (uint64_t)(*s - '0');
	}
	if (x < lo)
		return (-1);
	*v = x;
	return (0);
}

static int
parse_accs(struct ss_reduce_conf * c, const char * list)
{
	char ** v = NULL;
	size_t n = 0, i, k, j;
	int rc = -1;

	if (split_list(list, "-a", &v, &n))
		goto done;
	for (i = 0; i < n; i++) {
		for (k = 0; k < SS_ACC_N; k++)
			if (strcmp(v[i], ss_reduce_acc_names[k]) == 0)
				break;
		if (k == SS_ACC_N) {
			ss_err_set(SS_EXIT_SYS, "-a: unknown accumulator '%s' "
			    "(known: count, sum, mean, min, max, var, stddev, "
			    "first, last, distinct_count, rmssd, sdsd, pnn50)",
			    v[i]);
			goto done;
		}
		for (j = 0; j < c->nacc; j++)
			if (c->acc[j] == (int)k) {
				ss_err_set(SS_EXIT_SYS, "-a: '%s' given more "
				    "than once", v[i]);
				goto done;
			}
		c->acc[c->nacc++] = (int)k;
		c->need |= acc_needs[k];
	}
	rc = 0;
done:
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
	return (rc);
}

/* No name twice in one list. */
static int
unique(char * const * v, size_t n, const char * what)
{
	size_t i, j;

	for (i = 0; i < n; i++)
		for (j = 0; j < i; j++)
			if (strcmp(v[i], v[j]) == 0) {
				ss_err_set(SS_EXIT_SYS, "%s: '%s' given more "
				    "than once", what, v[i]);
				return (-1);
			}
	return (0);
}

static int
parse_windows(struct ss_reduce_conf * c, const struct ss_program * p)
{
	const char * tumbling = ss_program_get(p, "tumbling");
	const char * sliding = ss_program_get(p, "sliding");
	const char * count = ss_program_get(p, "count");
	const char * lateness = ss_program_get(p, "lateness");
	const char * comma;

	if ((tumbling != NULL) + (sliding != NULL) + (count != NULL) > 1) {
		ss_err_set(SS_EXIT_SYS, "--tumbling, --sliding and --count "
		    "cannot be used together");
		return (-1);
	}
	if (tumbling != NULL) {
		if (ss_reduce_duration(tumbling, strlen(tumbling), 0,
		    &c->size)) {
			ss_err_set(SS_EXIT_SYS, "--tumbling: '%s' is not a "
			    "duration (300, 30s, 5m, 1h, 1d)", tumbling);
			return (-1);
		}
		c->step = c->size;
		c->window = SS_WINDOW_TIME;
	}
	if (sliding != NULL) {
		if ((comma = strchr(sliding, ',')) == NULL ||
		    ss_reduce_duration(sliding, (size_t)(comma - sliding), 0,
		    &c->size) ||
		    ss_reduce_duration(comma + 1, strlen(comma + 1), 0,
		    &c->step)) {
			ss_err_set(SS_EXIT_SYS, "--sliding: '%s' is not "
			    "SIZE,STEP (two durations: 5m,1m)", sliding);
			return (-1);
		}
		if (c->size % c->step != 0) {
			ss_err_set(SS_EXIT_SYS, "--sliding: the size is not a "
			    "multiple of the step in '%s'", sliding);
			return (-1);
		}
		if (c->size / c->step > SLIDES_MAX) {
			ss_err_set(SS_EXIT_SYS, "--sliding: '%s' puts each "
			    "record in more than %d windows", sliding,
			    SLIDES_MAX);
			return (-1);
		}
		c->window = SS_WINDOW_TIME;
	}
	if (count != NULL) {
		if (parse_uint(count, 1, COUNT_MAX, &c->count)) {
			ss_err_set(SS_EXIT_SYS, "--count: '%s' is not a "
			    "number of records (1 or more)", count);
			return (-1);
		}
		c->window = SS_WINDOW_COUNT;
	}
	if (c->window == SS_WINDOW_TIME && c->time == NULL) {
		ss_err_set(SS_EXIT_SYS, "--%s needs --time FIELD (the "
		    "field that holds each record's time)",
		    tumbling != NULL ? "tumbling" : "sliding");
		return (-1);
	}
	if (c->window != SS_WINDOW_TIME && c->time != NULL) {
		ss_err_set(SS_EXIT_SYS, "--time is only for --tumbling and "
		    "--sliding windows");
		return (-1);
	}
	if ((c->lateness_text = strdup(lateness != NULL ? lateness : "0")) ==
	    NULL) {
		ss_err_errno("strdup");
		return (-1);
	}
	if (lateness != NULL) {
		if (c->window != SS_WINDOW_TIME) {
			ss_err_set(SS_EXIT_SYS, "--lateness is only for "
			    "--tumbling and --sliding windows");
			return (-1);
		}
		if (ss_reduce_duration(lateness, strlen(lateness), 1,
		    &c->lateness)) {
			ss_err_set(SS_EXIT_SYS, "--lateness: '%s' is not a "
			    "duration (0, 10s, 5m, 1h, 1d)", lateness);
			return (-1);
		}
	}
	if (c->window == SS_WINDOW_COUNT && (c->partial || c->merge)) {
		ss_err_set(SS_EXIT_SYS, "--count windows cannot be merged "
		    "(each worker would count its own records): use "
		    "--count without --partial and --merge");
		return (-1);
	}
	return (0);
}

int
ss_reduce_conf_parse(struct ss_reduce_conf * c, const struct ss_program * p)
{
	struct ss_op_err err;
	const char * acc = ss_program_get(p, "acc");
	const char * fields = ss_program_get(p, "fields");
	const char * groups = ss_program_get(p, "groups");
	const char * time = ss_program_get(p, "time");
	const char * maxg = ss_program_get(p, "max-groups");

	memset(c, 0, sizeof(*c));
	/* Known keys, each at most once, and text (the registry's rules). */
	if (ss_op_check_keys(ss_opdef_get(SS_OP_reduce), p, &err))
		return (-1);
	if (acc == NULL) {
		ss_err_set(SS_EXIT_SYS, "no accumulators: give -a ACC[,ACC...] "
		    "(-a count,mean)");
		return (-1);
	}
	if (fields == NULL) {
		ss_err_set(SS_EXIT_SYS, "no value fields: give -f FIELD[,FIELD"
		    "...] (-f ArrDelay)");
		return (-1);
	}
	if (parse_accs(c, acc))
		return (-1);
	if (split_list(fields, "-f", &c->fields, &c->nfields) ||
	    unique(c->fields, c->nfields, "-f"))
		return (-1);
	if (groups != NULL && (split_list(groups, "-g", &c->groups,
	    &c->ngroups) || unique(c->groups, c->ngroups, "-g")))
		return (-1);
	if (time != NULL) {
		if (*time == '\0') {
			ss_err_set(SS_EXIT_SYS, "--time: empty field name");
			return (-1);
		}
		if ((c->time = strdup(time)) == NULL) {
			ss_err_errno("strdup");
			return (-1);
		}
	}
	c->partial = (ss_program_get(p, "partial") != NULL);
	c->merge = (ss_program_get(p, "merge") != NULL);
	if (c->partial && c->merge) {
		ss_err_set(SS_EXIT_SYS, "--partial and --merge cannot be used "
		    "together");
		return (-1);
	}
	if (parse_windows(c, p))
		return (-1);
	c->max_groups = SS_REDUCE_MAX_GROUPS;
	if (maxg != NULL && parse_uint(maxg, 1, 1000000000, &c->max_groups)) {
		ss_err_set(SS_EXIT_SYS, "--max-groups: '%s' is not a number "
		    "from 1 to 1000000000", maxg);
		return (-1);
	}
	if (make_columns(c, 0, &c->columns, &c->ncolumns))
		return (-1);
	if ((c->partial || c->merge) && make_columns(c, 1, &c->state,
	    &c->nstate))
		return (-1);
	return (0);
}

static void
free_list(char ** v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
ss_reduce_conf_free(struct ss_reduce_conf * c)
{

	free_list(c->fields, c->nfields);
	free_list(c->groups, c->ngroups);
	free_list(c->columns, c->ncolumns);
	free_list(c->state, c->nstate);
	free(c->time);
	free(c->lateness_text);
	memset(c, 0, sizeof(*c));
}

int
ss_reduce_duration(const char * s, size_t len, int zero_ok, int64_t * secs)
{
	int64_t v = 0, unit = 1;
	size_t i;

	for (i = 0; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
		v = v * 10 + (s[i] - '0');
		if (v > SS_DURATION_MAX)
			return (-1);
	}
	if (i == 0)
		return (-1);
	if (i + 1 == len) {
		switch (s[i]) {
		case 's':
			unit = 1;
			break;
		case 'm':
			unit = 60;
			break;
		case 'h':
			unit = 3600;
			break;
		case 'd':
			unit = 86400;
			break;
		default:
			return (-1);
		}
	} else if (i != len)
		return (-1);
	v *= unit;
	if (v > SS_DURATION_MAX || (v == 0 && !zero_ok))
		return (-1);
	*secs = v;
	return (0);
}
