/*
 * libFuzzer harness for ss-route's subscribers and policy files
 * (libcore/common/route_subscribers.c).  The first byte chooses the kind
 * (even: subscribers, odd: policies); the rest is the file.  A refused
 * file must give one line of message with status SS_EXIT_SYS and, where
 * it has a place, a line within the file; a file that reads must have as
 * many entries as conditions, each with a group (subscribers: a name and
 * a key that parses; policies: "*" or names), and match fixed records
 * without failing.
 */

#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "err.h"
#include "key.h"
#include "route_subscribers.h"
#include "subs_match.h"

#include "fuzz_util.h"

static const char * const names[] = { "a", "b", "Origin" };

/* The number of lines of ${buf}. */
static size_t
lines(const uint8_t * buf, size_t len)
{
	size_t i, n = 1;

	for (i = 0; i < len; i++)
		if (buf[i] == '\n')
			n++;
	return (n);
}

/* A refusal: one line, a usage error, a place in the file. */
static void
refused(const uint8_t * buf, size_t len, const struct ss_subs_err * err)
{
	const char * msg = ss_err_msg();

	if (ss_err_status() != SS_EXIT_SYS || msg[0] == '\0' ||
	    strchr(msg, '\n') != NULL)
		abort();
	if (err->line > lines(buf, len))
		abort();
}

/* Index ${s}, bind it to the fixed columns and match one record of
 * each kind. */
static void
match_some(struct ss_subs * s)
{
	static const char * const vals[][3] = {
		{ "1", "x", "ORD" }, { "NA", "", "LAX" }, { "-5", "5", "" },
	};
	const uint8_t * f[3];
	size_t l[3], i, k, n;
	const uint32_t * ids;
	struct ss_batch_builder * bb;
	struct ss_batch b;
	const uint8_t * pt;
	size_t ptlen;
	struct ss_expr_row row;
	struct ss_subs_matcher * m;

	for (i = 0; i < 3; i++) {
		f[i] = (const uint8_t *)names[i];
		l[i] = strlen(names[i]);
	}
	if ((m = ss_subs_matcher_new(s)) == NULL)
		abort();
	if (ss_subs_bind(m, f, l, 3)) {
		ss_subs_matcher_free(m);
		return;		/* a field the record lacks: fine */
	}
	if ((bb = ss_batch_builder_new(3, SIZE_MAX)) == NULL)
		abort();
	for (k = 0; k < 3; k++) {
		for (i = 0; i < 3; i++) {
			f[i] = (const uint8_t *)vals[k][i];
			l[i] = strlen(vals[k][i]);
		}
		if (ss_batch_builder_add(bb, f, l))
			abort();
	}
	if (ss_batch_builder_finish(bb, SS_BATCH_RECORDS, &pt, &ptlen) ||
	    ss_batch_parse(&b, pt, ptlen))
		abort();
	for (k = 0; k < 3; k++) {
		row = (struct ss_expr_row){ &b, k, NULL, NULL };
		if (ss_subs_match(m, &row, &ids, &n))
			abort();
		for (i = 0; i < n; i++)
			if (ids[i] >= ss_subs_count(s))
				abort();
	}
	ss_batch_builder_free(bb);
	ss_subs_matcher_free(m);
}

int
LLVMFuzzerTestOneInput(const uint8_t * data, size_t size)
{
	struct ss_subscribers * sb;
	struct ss_policies * pl;
	struct ss_subs_err err;
	struct ss_recipients * r;
	size_t i;

	if (size < 1)
		return (0);
	ss_err_clear();
	if ((data[0] & 1) == 0) {
		if ((sb = ss_subscribers_parse(data + 1, size - 1, "f",
		    &err)) == NULL) {
			refused(data + 1, size - 1, &err);
			return (0);
		}
		if (sb->n == 0 || sb->n > SS_SUBSCRIBERS_MAX ||
		    ss_subs_count(sb->subs) != sb->n)
			abort();
		for (i = 0; i < sb->n; i++) {
			if ((r = ss_recipients_new()) == NULL ||
			    ss_recipients_add(r, sb->recipient[i]) ||
			    sb->group[i][0] == '\0')
				abort();
			ss_recipients_free(r);
		}
		match_some(sb->subs);
		ss_subscribers_free(sb);
	} else {
		if ((pl = ss_policies_parse(data + 1, size - 1, "f",
		    &err)) == NULL) {
			refused(data + 1, size - 1, &err);
			return (0);
		}
		if (ss_subs_count(pl->subs) != pl->n)
			abort();
		for (i = 0; i < pl->n; i++)
			(void)ss_policy_allows(pl->groups[i], "g");
		match_some(pl->subs);
		ss_policies_free(pl);
	}
	return (0);
}
