/*
 * Unit tests for libcore/common/operator.c and op_conf.c, the operators'
 * registry and their program parsers: the registry's tables, the checks
 * every parse makes, the place an error has, and that the enclave's
 * operators (enclave/ops.c) accept exactly the programs the parsers do.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "err.h"
#include "flow.h"
#include "op_conf.h"
#include "operator.h"
#include "program.h"

#include "check_util.h"

/* A program for ${op} from "key=value" items, NULL-terminated. */
static struct ss_program *
prog(const char * op, ...)
{
	struct ss_program * p;
	const char * item, * eq;
	char key[SS_PROGRAM_KEY_MAX + 1];
	va_list ap;

	ck_assert_ptr_nonnull(p = ss_program_new(op));
	va_start(ap, op);
	while ((item = va_arg(ap, const char *)) != NULL) {
		ck_assert_ptr_nonnull(eq = strchr(item, '='));
		ck_assert_uint_lt((size_t)(eq - item), sizeof(key));
		memcpy(key, item, (size_t)(eq - item));
		key[eq - item] = '\0';
		ck_assert_int_eq(ss_program_add(p, key, eq + 1,
		    strlen(eq + 1)), 0);
	}
	va_end(ap);
	return (p);
}

/*
 * Parse ${p} with the registry; both the parser and the enclave's
 * operator must agree on whether it is good.  Returns the parse's error
 * (with the message in ${msg}), or 0 if it was good.
 */
static int
parse(struct ss_program * p, struct ss_op_err * err, char * msg,
    size_t size)
{
	const struct ss_opdef * def = ss_opdef_find(p->op);
	const struct ss_op * op = ss_op_find(p->op);
	void * conf, * state;
	int bad;

	ck_assert_ptr_nonnull(def);
	ck_assert_ptr_nonnull(op);
	ss_err_clear();
	conf = def->parse(p, NULL, err);
	bad = (conf == NULL);
	snprintf(msg, size, "%s", bad ? ss_err_msg() : "");
	def->free(conf);
	state = op->new(p);
	ck_assert_msg((state == NULL) == bad, "%s: the enclave %s what the "
	    "parser %s", p->op, (state == NULL) ? "refuses" : "accepts",
	    bad ? "refuses" : "accepts");
	if (state != NULL)
		op->free(state);
	else
		ck_assert_str_eq(ss_err_msg(), msg);
	ss_program_free(p);
	return (bad);
}

/* ${p} must be refused as a usage error saying ${want}. */
static void
usage(struct ss_program * p, const char * want)
{
	struct ss_op_err err;
	char msg[1024];

	ck_assert_int_eq(parse(p, &err, msg, sizeof(msg)), 1);
	ck_assert_str_eq(msg, want);
	ck_assert_int_eq(err.usage, 1);
	ck_assert_uint_eq(err.col, 0);
}

/* ${p} must be good. */
static void
good(struct ss_program * p)
{
	struct ss_op_err err;
	char msg[1024];

	ck_assert_msg(parse(p, &err, msg, sizeof(msg)) == 0, "refused: %s",
	    msg);
}

START_TEST(test_registry)
{
	const struct ss_opdef * def;
	const struct ss_oparg * a, * b;
	size_t i;

	ck_assert_str_eq(ss_opdef_names(),
	    "ss-map, ss-match, ss-reduce, ss-route, ss-merge");
	for (i = 0; i < SS_OP_COUNT; i++) {
		def = ss_opdef_get((enum ss_op_id)i);
		ck_assert_int_eq(def->id, (int)i);
		ck_assert_ptr_eq(ss_opdef_find(def->name), def);
		ck_assert_ptr_nonnull(ss_op_find(def->name));
		ck_assert_int_eq(ss_op_find(def->name)->id, (int)i);
		/* Keys and option names are each one option's. */
		for (a = def->args; a->name != NULL; a++) {
			ck_assert(strlen(a->key) <= SS_PROGRAM_KEY_MAX);
			for (b = a + 1; b->name != NULL; b++) {
				ck_assert_str_ne(a->key, b->key);
				ck_assert_str_ne(a->name, b->name);
				ck_assert(a->ch == 0 || a->ch != b->ch);
			}
			ck_assert((a->file != NULL) ==
			    (ss_opdef_file(def, a->key) != NULL));
		}
	}
	ck_assert_ptr_null(ss_opdef_find("ss-map"));
	ck_assert_ptr_null(ss_opdef_find("sort"));
	ck_assert_ptr_null(ss_op_find("sort"));
}
END_TEST

START_TEST(test_keys)
{

	usage(prog("map", "fields=a", "bogus=1", NULL),
	    "unknown program argument 'bogus'");
	usage(prog("merge", "inputs=2", "sorted-by=a", "sorted-by=b", NULL),
	    "option --sorted-by given more than once");
	usage(prog("map", "fields=a", "fields=b", NULL),
	    "option -f given more than once");
	usage(prog("route", "round-robin=yes", "n=2", NULL),
	    "bad value of 'round-robin'");
	/* Only a stage with several outputs has outputs' own recipients. */
	usage(prog("map", "fields=a", "out.0.recipient=x", NULL),
	    "unknown program argument 'out.0.recipient'");
	/* Only a stage with input streams counts them. */
	usage(prog("map", "fields=a", "inputs=2", NULL),
	    "unknown program argument 'inputs'");
	good(prog("map", "fields=a", NULL));
	good(prog("merge", "inputs=2", NULL));
}
END_TEST

START_TEST(test_map)
{
	struct ss_op_err err;
	char msg[1024];

	usage(prog("map", NULL), "nothing to do: give -f FIELDS, "
	    "'NAME = EXPRESSION', or both");
	usage(prog("map", "fields=a,,b", NULL), "-f: empty field name in "
	    "'a,,b'");
	usage(prog("map", "expr=x + 1", NULL), "'x + 1' is not NAME = "
	    "EXPRESSION (ss-map reads its stream from standard input)");
	good(prog("map", "expr=y = x + 1", "fields=y", NULL));

	/* An expression's error has a place: the column, in its text. */
	ck_assert_int_eq(parse(prog("map", "expr=a = 1", "expr=b = (2", NULL),
	    &err, msg, sizeof(msg)), 1);
	ck_assert_str_eq(msg, "expression 2, column 7: expected ')', found "
	    "the end");
	ck_assert_int_eq(err.usage, 0);
	ck_assert_uint_eq(err.line, 0);
	ck_assert_uint_eq(err.col, 7);
	ck_assert_uint_eq(err.textlen, strlen("b = (2"));
	ck_assert_int_eq(parse(prog("map", "expr=b = (2", NULL), &err, msg,
	    sizeof(msg)), 1);
	ck_assert_str_eq(msg, "expression, column 7: expected ')', found "
	    "the end");
}
END_TEST

START_TEST(test_match)
{
	struct ss_op_err err;
	char msg[1024];

	usage(prog("match", NULL), "no expression: give the condition records "
	    "must meet ('ArrDelay > 0'), or --subs FILE");
	usage(prog("match", "expr=a > 1", "expr=b > 1", NULL), "one expression "
	    "only (join conditions with && or ||); the stream is read from "
	    "standard input");
	usage(prog("match", "expr=a > 1", "tag=t", NULL), "--tag FIELD goes "
	    "with --subs FILE");
	usage(prog("match", "subs=s a > 1\n", "tag=", NULL), "--tag: empty "
	    "field name");
	usage(prog("match", "subs=s a > 1\n", "expr=a > 1", NULL), "give EXPR "
	    "or --subs FILE, not both; the stream is read from standard input");
	good(prog("match", "expr=a > 1", NULL));
	good(prog("match", "subs=s a > 1\nt b == \"x\"\n", "tag=t", NULL));

	/* A file's error has a place: a line, and a column in it. */
	ck_assert_int_eq(parse(prog("match", "subs=s a > 1\nt b > (1\n",
	    NULL), &err, msg, sizeof(msg)), 1);
	ck_assert_str_eq(msg, "subscriptions: line 2: column 9: expected ')', "
	    "found the end");
	ck_assert_uint_eq(err.line, 2);
	ck_assert_uint_eq(err.col, 9);
	/* No place: the error stands as it is. */
	ck_assert_int_eq(parse(prog("match", "subs=# none\n", NULL), &err,
	    msg, sizeof(msg)), 1);
	ck_assert_str_eq(msg, "subscriptions: no subscriptions");
	ck_assert_int_eq(err.usage, 0);
	ck_assert_uint_eq(err.col, 0);
}
END_TEST

START_TEST(test_route)
{

	usage(prog("route", NULL), "nothing to do: give --hash FIELD, "
	    "--round-robin, --broadcast or --subs FILE");
	usage(prog("route", "hash=a", "broadcast=1", "n=2", NULL), "--hash, "
	    "--round-robin, --broadcast and --subs cannot be used together");
	usage(prog("route", "hash=", "n=2", NULL), "--hash: empty field name");
	usage(prog("route", "hash=a", NULL), "give -n N");
	usage(prog("route", "hash=a", "n=02", NULL), "-n: invalid number '02' "
	    "(from 1 to 256, no leading zero)");
	usage(prog("route", "hash=a", "n=257", NULL), "-n: invalid number "
	    "'257' (from 1 to 256)");
	usage(prog("route", "broadcast=1", "n=2", "deny-unlisted=1", NULL),
	    "--policy and --deny-unlisted go with --subs FILE");
	usage(prog("route", "subs=x", "n=2", NULL), "-n: --subs makes one "
	    "output per subscriber");
	usage(prog("route", "subs=x", "deny-unlisted=1", NULL),
	    "--deny-unlisted goes with --policy FILE");
	good(prog("route", "hash=a", "n=3", NULL));
	good(prog("route", "round-robin=1", "n=256", NULL));
}
END_TEST

START_TEST(test_merge_reduce)
{

	usage(prog("merge", "inputs=2", "sorted-by=", NULL), "--sorted-by: "
	    "empty field name");
	usage(prog("merge", NULL), "the program's inputs must be 1 to 256");
	usage(prog("merge", "inputs=257", NULL), "the program's inputs must "
	    "be 1 to 256");
	good(prog("merge", "inputs=256", "sorted-by=t", NULL));
	usage(prog("reduce", "fields=x", NULL), "no accumulators: give -a "
	    "ACC[,ACC...] (-a count,mean)");
	good(prog("reduce", "acc=count", "fields=x", NULL));
}
END_TEST

/* The host's names for program files: their paths. */
START_TEST(test_file_names)
{
	const struct ss_opdef * def = ss_opdef_find("route");
	struct ss_op_names names = { 1, { "subs" }, { "w/subscribers.txt" } };

	ck_assert_str_eq(ss_op_file_name(def, &names, "subs"),
	    "w/subscribers.txt");
	ck_assert_str_eq(ss_op_file_name(def, NULL, "subs"),
	    "subscribers file");
	ck_assert_str_eq(ss_op_file_name(def, &names, "policy"),
	    "policy file");
}
END_TEST

static Suite *
operator_suite(void)
{
	Suite * s = suite_create("operator");
	TCase * tc = tcase_create("registry");

	tcase_add_test(tc, test_registry);
	tcase_add_test(tc, test_keys);
	tcase_add_test(tc, test_map);
	tcase_add_test(tc, test_match);
	tcase_add_test(tc, test_route);
	tcase_add_test(tc, test_merge_reduce);
	tcase_add_test(tc, test_file_names);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{

	return (tu_run_sodium(operator_suite()));
}
