#ifndef SS_ROUTE_SUBSCRIBERS_H
#define SS_ROUTE_SUBSCRIBERS_H

/*
 * The files of content-based routing (ss-route --subs and --policy,
 * ss-route(1) SUBSCRIBERS and POLICIES), one entry per line; blank lines
 * and lines starting with '#' are ignored:
 *
 *   subscribers:  ID GROUP RECIPIENT CONDITION
 *                 alice doctors sspub1-... HeartRate > 120
 *   policies:     ID GROUPS CONDITION
 *                 icu doctors,nurses Ward == "ICU"
 *                 open * Ward == "public"
 *
 * IDs and group names are made of [A-Za-z0-9_.:-]; GROUPS is "*" (any
 * group) or group names joined by commas; RECIPIENT is a public key; a
 * CONDITION is an ss-expr(7) condition, read as subs.h reads one (the
 * enclave matches them with the index of its subs_match.h).
 * Places in messages are places in the file.
 */

#include <stddef.h>
#include <stdint.h>

#include "subs.h"

/* At most this many subscribers: each has an output stream of its own. */
#define SS_SUBSCRIBERS_MAX	256

struct ss_subscribers {
	struct ss_subs * subs;		/* conditions and IDs, in file order */
	size_t n;
	char ** group;			/* subscriber i's group */
	char ** recipient;		/* subscriber i's public key, as text */
};

struct ss_policies {
	struct ss_subs * subs;		/* conditions and IDs, in file order */
	size_t n;
	char ** groups;			/* policy i's groups: "*" or "a,b" */
};

/**
 * ss_subscribers_parse(buf, len, name, err):
 * Read a subscribers file of ${len} bytes ${buf}, called ${name} in
 * messages.  On failure return NULL with an ss_err (SS_EXIT_SYS, "NAME:
 * line 4: column 12: ...") and the place, if there is one, in ${err}.
 */
struct ss_subscribers * ss_subscribers_parse(const uint8_t *, size_t,
    const char *, struct ss_subs_err *);

/**
 * ss_subscribers_free(s):
 * Free ${s}.  NULL is allowed.
 */
void ss_subscribers_free(struct ss_subscribers *);

/**
 * ss_policies_parse(buf, len, name, err):
 * Read a policy file, as ss_subscribers_parse() does.
 */
struct ss_policies * ss_policies_parse(const uint8_t *, size_t,
    const char *, struct ss_subs_err *);

/**
 * ss_policies_free(p):
 * Free ${p}.  NULL is allowed.
 */
void ss_policies_free(struct ss_policies *);

/**
 * ss_policy_allows(groups, group):
 * Whether a policy's ${groups} ("*", or names joined by commas) name
 * ${group}.
 */
int ss_policy_allows(const char *, const char *);

#endif /* !SS_ROUTE_SUBSCRIBERS_H */
