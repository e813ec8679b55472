#ifndef SS_OP_CONF_H
#define SS_OP_CONF_H

/*
 * The operators' configurations: what each operator's program says, as
 * its one parser reads it (the registry, operator.h, points at these;
 * ss-reduce's is in reduce.h).  The host parses a program with them to
 * check it; the enclave's operators (enclave/op_*.c) start from them.
 * Each parse first checks the program's keys (ss_op_check_keys), then
 * what its operator needs, and names options in its messages as the
 * command line spells them; program files are named as ${names} says
 * (operator.h).
 */

#include <stddef.h>

#include "operator.h"
#include "program.h"

struct ss_expr;
struct ss_subs;
struct ss_subscribers;
struct ss_policies;

/* ss-map: "NAME = EXPR" entries ("expr") in order, then -f ("fields"). */
struct ss_map_conf {
	size_t nexprs;
	struct ss_expr ** exprs;
	char ** srcs;			/* each expression's text, owned */
	const char ** names;		/* what each computes, in srcs[k] */
	size_t * namelens;
	char * list;			/* the field list, owned, or NULL */
	struct ss_fieldspec * specs;	/* point into list */
	size_t nspecs;
};

/* ss-match: one condition ("expr"), or subscriptions ("subs", "tag"). */
struct ss_match_conf {
	struct ss_expr * cond;		/* or NULL */
	struct ss_subs * subs;		/* or NULL */
	char * tag;			/* --tag, or NULL */
	size_t taglen;
};

/* How ss-route spreads records (ss_route_conf.mode). */
#define SS_ROUTE_HASH		1	/* --hash FIELD */
#define SS_ROUTE_ROUND_ROBIN	2
#define SS_ROUTE_BROADCAST	3
#define SS_ROUTE_SUBS		4	/* --subs FILE: by content */

struct ss_route_conf {
	int mode;
	char * field;			/* --hash: the key field */
	size_t n;			/* outputs: -n, or the subscribers */
	struct ss_subscribers * subs;	/* --subs */
	struct ss_policies * pol;	/* --policy, or NULL */
	int deny_unlisted;
};

/* ss-merge: "inputs" streams, maybe each sorted by one field. */
struct ss_merge_conf {
	size_t inputs;
	char * sorted_by;		/* or NULL */
};

/**
 * ss_map_conf_parse(p, names, err), ss_match_conf_parse(...),
 * ss_route_conf_parse(...), ss_merge_conf_parse(...):
 * Parse and check the program ${p} of that operator into a new
 * configuration; on failure return NULL with an ss_err and ${err} set
 * (operator.h).
 */
struct ss_map_conf * ss_map_conf_parse(const struct ss_program *,
    const struct ss_op_names *, struct ss_op_err *);
struct ss_match_conf * ss_match_conf_parse(const struct ss_program *,
    const struct ss_op_names *, struct ss_op_err *);
struct ss_route_conf * ss_route_conf_parse(const struct ss_program *,
    const struct ss_op_names *, struct ss_op_err *);
struct ss_merge_conf * ss_merge_conf_parse(const struct ss_program *,
    const struct ss_op_names *, struct ss_op_err *);

/**
 * ss_map_conf_free(c), ss_match_conf_free(c), ss_route_conf_free(c),
 * ss_merge_conf_free(c):
 * Free ${c}.  NULL is allowed.
 */
void ss_map_conf_free(struct ss_map_conf *);
void ss_match_conf_free(struct ss_match_conf *);
void ss_route_conf_free(struct ss_route_conf *);
void ss_merge_conf_free(struct ss_merge_conf *);

#endif /* !SS_OP_CONF_H */
