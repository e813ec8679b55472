/*
 * bench_subs: how fast ss_subs_match() matches publications against
 * subscription sets of issue 5's workloads, on one core (a measurement,
 * not a test).  Build and run:
 *
 *   make build/tests/bench_subs && build/tests/bench_subs [SECONDS [CASE]]
 *
 * (CASE: one of pubsub-256, pubsub-256-90, pubsub-4096, pubsub-65536,
 * pubsub-65536-90, scbr-65536, scbr-1000000; default all.  A third
 * argument, preds or bits, makes the sets use that index rather than the
 * one ss_subs_matcher_new() chose.)
 *
 * pubsub  PubSub-SGX: publications of 40 numeric attributes a0..a39
 *         (integers 0..999); each subscription constrains all 40 to a
 *         range lo <= aK <= hi (80 predicates), the ranges random with a
 *         width of 50% to 100% of the domain (wide, so that subscriptions
 *         fail late: the hard case), or of 90% to 100% (so that some
 *         publications match).
 * scbr    SCBR: 7 integer attributes, sym (200 values) and v1..v6
 *         (0..999); each subscription is sym == S and 1 or 2 ranges.
 *
 * For each, the time to read and index the file, publications matched per
 * second (all publications pre-built in batches, matched in a loop for
 * SECONDS, default 2, of this process's CPU time: the rate per core, even
 * on a shared machine), microseconds per publication, and the mean number
 * of matching subscriptions.
 *
 *   build/tests/bench_subs -f SUBS PUBS.csv [SECONDS [preds|bits]]
 *
 * matches the publications of PUBS.csv (a header, then plain comma-
 * separated values, no quoting: scripts/gen-pubsub's; at most 1,000,000
 * rows kept) against the subscription file SUBS the same way, and also
 * prints "notifications N", the matches of one pass over the file.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "batch.h"
#include "err.h"
#include "subs.h"
#include "subs_match.h"

#define NPUB	20000
#define NPUB_FILE	1000000
#define MAXCOLS	40

static uint64_t rng = 0x2545f4914f6cdd1dULL;
static const char * force;	/* "preds", "bits" or NULL */

static uint32_t
rnd(uint32_t n)
{

	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return ((uint32_t)((rng >> 11) % n));
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

/* A growing string. */
struct buf {
	char * s;
	size_t len, size;
};

static void
add(struct buf * b, const char * s)
{
	size_t n = strlen(s);

	if (b->len + n + 1 > b->size) {
		b->size = (b->len + n + 1) * 2;
		if ((b->s = realloc(b->s, b->size)) == NULL)
			abort();
	}
	memcpy(b->s + b->len, s, n + 1);
	b->len += n;
}

/* Publications: batches of records of ${ncols} columns. */
struct pubs {
	struct ss_batch_builder * bb[64];
	struct ss_batch b[64];
	size_t nb;
	const uint8_t * names[MAXCOLS];
	size_t lens[MAXCOLS];
	size_t ncols;
};

static void
pubs_make(struct pubs * p, size_t ncols, const char * const * names,
    int scbr)
{
	const uint8_t * f[MAXCOLS];
	size_t fl[MAXCOLS], i, k, n;
	char cells[MAXCOLS][16];
	const uint8_t * pt;

	memset(p, 0, sizeof(*p));
	for (k = 0; k < ncols; k++) {
		p->names[k] = (const uint8_t *)names[k];
		p->lens[k] = strlen(names[k]);
	}
	for (i = 0; i < NPUB; i++) {
		if (i % 2000 == 0) {
			if (p->nb > 0 && (ss_batch_builder_finish(
			    p->bb[p->nb - 1], SS_BATCH_RECORDS, &pt, &n) ||
			    ss_batch_parse(&p->b[p->nb - 1], pt, n)))
				abort();
			if ((p->bb[p->nb++] = ss_batch_builder_new(ncols,
			    16 * 1024 * 1024)) == NULL)
				abort();
		}
		for (k = 0; k < ncols; k++) {
			snprintf(cells[k], 16, "%u", (scbr && k == 0) ?
			    rnd(200) : rnd(1000));
			f[k] = (const uint8_t *)cells[k];
			fl[k] = strlen(cells[k]);
		}
		if (ss_batch_builder_add(p->bb[p->nb - 1], f, fl))
			abort();
	}
	if (ss_batch_builder_finish(p->bb[p->nb - 1], SS_BATCH_RECORDS, &pt,
	    &n) || ss_batch_parse(&p->b[p->nb - 1], pt, n))
		abort();
}

static void
pubs_free(struct pubs * p)
{
	size_t i;

	for (i = 0; i < p->nb; i++)
		ss_batch_builder_free(p->bb[i]);
}

/* Read ${file}, then match every publication for ${seconds}. */
static void
run(const char * what, size_t nsubs, struct buf * file, struct pubs * p,
    size_t ncols, double seconds)
{
	struct ss_subs_err err;
	struct ss_expr_row row = { NULL, 0, NULL, NULL };
	struct ss_subs * set;
	struct ss_subs_matcher * s;
	const uint32_t * ids;
	double t0, t1, t, tix;
	size_t n, i, k, npub = 0, nmatch = 0;

	t0 = now();
	if ((set = ss_subs_parse((const uint8_t *)file->s, file->len, what,
	    &err)) == NULL || (s = ss_subs_matcher_new(set)) == NULL ||
	    ss_subs_bind(s, p->names, p->lens, ncols) ||
	    (force != NULL && ss_subs_index(s, strcmp(force, "bits") == 0 ?
	    SS_SUBS_BITS : SS_SUBS_PREDS, 0) != 0)) {
		fprintf(stderr, "bench_subs: %s\n", force != NULL &&
		    ss_err_msg()[0] == '\0' ? "no such index" : ss_err_msg());
		exit(1);
	}
	t1 = now();
	tix = t1 - t0;
	if (nsubs == 0) {
		/* One pass first: the notifications of the file. */
		for (i = 0; i < p->nb; i++)
			for (k = 0; k < p->b[i].nrecords; k++) {
				row.b = &p->b[i];
				row.rec = k;
				if (ss_subs_match(s, &row, &ids, &n))
					abort();
				npub++;
				nmatch += n;
			}
		printf("publications %zu notifications %zu\n", npub, nmatch);
		nsubs = ss_subs_count(set);
		npub = nmatch = 0;
		t1 = now();
	}
	/* Round the publications, looking at the clock every 64. */
	for (i = 0, k = 0;; k++) {
		if (k == p->b[i].nrecords) {
			k = 0;
			i = (i + 1) % p->nb;
		}
		row.b = &p->b[i];
		row.rec = k;
		if (ss_subs_match(s, &row, &ids, &n))
			abort();
		nmatch += n;
		if (++npub % 64 == 0 && (t = now() - t1) >= seconds)
			break;
	}
	printf("%-34s %8zu subs  read+index %7.2f s  %11.0f pubs/s  "
	    "%9.2f us/pub  %8.2f matches/pub  index %s\n", what, nsubs,
	    tix, (double)npub / t, t / (double)npub * 1e6,
	    (double)nmatch / (double)npub,
	    (const char * const []){ "preds", "bits", "bits-merged" }[
	    ss_subs_index_kind(s)]);
	fflush(stdout);
	ss_subs_matcher_free(s);
	ss_subs_free(set);
}

/* PubSub-SGX: 40 ranges, of width ${minw}..1000. */
static void
pubsub(size_t nsubs, unsigned minw, double seconds, struct pubs * p,
    size_t ncols)
{
	struct buf file = { NULL, 0, 0 };
	char part[64], what[64];
	size_t i, k;
	unsigned w, lo;

	for (i = 0; i < nsubs; i++) {
		snprintf(part, sizeof(part), "s%zu ", i);
		add(&file, part);
		for (k = 0; k < ncols; k++) {
			w = minw + rnd(1001 - minw);
			lo = rnd(1001 - w);
			snprintf(part, sizeof(part), "%sa%zu >= %u && a%zu <= %u",
			    k ? " && " : "", k, lo, k, lo + w - 1);
			add(&file, part);
		}
		add(&file, "\n");
	}
	snprintf(what, sizeof(what), "pubsub 40 ranges, width %u-100%%",
	    minw / 10);
	run(what, nsubs, &file, p, ncols, seconds);
	free(file.s);
}

/* SCBR: sym == S and 1 or 2 ranges on v1..v6 (JSON form). */
static void
scbr(size_t nsubs, double seconds, struct pubs * p, size_t ncols)
{
	struct buf file = { NULL, 0, 0 };
	char part[160];
	size_t i, k, n;
	unsigned lo, w, a;

	add(&file, "[\n");
	for (i = 0; i < nsubs; i++) {
		snprintf(part, sizeof(part), "%s[{\"key\": \"sym\", \"val\": %u, "
		    "\"op\": \"eq\"}", i ? ",\n" : "", rnd(200));
		add(&file, part);
		/* 1 or 2 ranges, on distinct fields. */
		for (k = 0, n = 1 + rnd(2); k < n; k++) {
			a = 1 + (unsigned)k * 3 + rnd(3);
			w = 100 + rnd(801);
			lo = rnd(1001 - w);
			snprintf(part, sizeof(part), ", {\"key\": \"v%u\", "
			    "\"val\": %u, \"op\": \"ge\"}, {\"key\": \"v%u\", "
			    "\"val\": %u, \"op\": \"le\"}", a, lo, a, lo + w);
			add(&file, part);
		}
		add(&file, "]");
	}
	add(&file, "\n]\n");
	run("scbr sym == S, 1-2 ranges (JSON)", nsubs, &file, p, ncols,
	    seconds);
	free(file.s);
}

/* Read all of ${path} into ${b}. */
static void
slurp(const char * path, struct buf * b)
{
	FILE * f;
	char chunk[65536];
	size_t n;

	if ((f = fopen(path, "r")) == NULL) {
		perror(path);
		exit(1);
	}
	while ((n = fread(chunk, 1, sizeof(chunk) - 1, f)) > 0) {
		chunk[n] = '\0';
		if (memchr(chunk, '\0', n) != NULL) {
			fprintf(stderr, "bench_subs: %s: a NUL byte\n", path);
			exit(1);
		}
		add(b, chunk);
	}
	if (ferror(f)) {
		perror(path);
		exit(1);
	}
	fclose(f);
}

/* The publications of the CSV text ${t} into ${p}. */
static void
pubs_csv(struct pubs * p, char * t)
{
	const uint8_t * f[MAXCOLS];
	size_t fl[MAXCOLS], ncols = 0, nrec = 0, n;
	const uint8_t * pt;
	char * line, * next, * c;

	memset(p, 0, sizeof(*p));
	for (line = t; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		for (n = 0, c = line;; n++) {
			if (n == MAXCOLS) {
				fprintf(stderr, "bench_subs: more than %d "
				    "columns\n", MAXCOLS);
				exit(1);
			}
			f[n] = (const uint8_t *)c;
			if ((c = strchr(c, ',')) == NULL) {
				fl[n] = strlen((const char *)f[n]);
				n++;
				break;
			}
			fl[n] = (size_t)(c - (const char *)f[n]);
			c++;
		}
		if (ncols == 0) {
			ncols = n;
			for (n = 0; n < ncols; n++) {
				p->names[n] = f[n];
				p->lens[n] = fl[n];
			}
			continue;
		}
		if (n != ncols) {
			fprintf(stderr, "bench_subs: record %zu: %zu fields, "
			    "not %zu\n", nrec + 1, n, ncols);
			exit(1);
		}
		if (nrec == NPUB_FILE)
			break;
		if (nrec % (NPUB_FILE / 64) == 0) {
			if (p->nb > 0 && (ss_batch_builder_finish(
			    p->bb[p->nb - 1], SS_BATCH_RECORDS, &pt, &n) ||
			    ss_batch_parse(&p->b[p->nb - 1], pt, n)))
				abort();
			if ((p->bb[p->nb++] = ss_batch_builder_new(ncols,
			    256 * 1024 * 1024)) == NULL)
				abort();
		}
		if (ss_batch_builder_add(p->bb[p->nb - 1], f, fl))
			abort();
		nrec++;
	}
	if (nrec == 0) {
		fprintf(stderr, "bench_subs: no publications\n");
		exit(1);
	}
	/* The last batch is still open. */
	if ((ss_batch_builder_finish(p->bb[p->nb - 1], SS_BATCH_RECORDS, &pt,
	    &n) || ss_batch_parse(&p->b[p->nb - 1], pt, n)))
		abort();
	p->ncols = ncols;
}

/* Run case ${name} unless another was asked for. */
static int
want(int argc, char ** argv, const char * name)
{

	return (argc < 3 || strcmp(argv[2], name) == 0);
}

int
main(int argc, char * argv[])
{
	static const char * const scbr_names[] = {
		"sym", "v1", "v2", "v3", "v4", "v5", "v6"
	};
	const char * names[MAXCOLS];
	char namebuf[MAXCOLS][8];
	double seconds = (argc > 1) ? atof(argv[1]) : 2;
	struct pubs p;
	size_t k;

	if (argc >= 4 && strcmp(argv[1], "-f") == 0) {
		struct buf subs = { NULL, 0, 0 }, csv = { NULL, 0, 0 };

		slurp(argv[2], &subs);
		slurp(argv[3], &csv);
		pubs_csv(&p, csv.s);
		seconds = (argc > 4) ? atof(argv[4]) : 2;
		if (argc > 5)
			force = argv[5];
		run(argv[2], 0, &subs, &p, p.ncols, seconds);
		pubs_free(&p);
		free(subs.s);
		free(csv.s);
		return (0);
	}
	if (argc > 3)
		force = argv[3];

	for (k = 0; k < MAXCOLS; k++) {
		snprintf(namebuf[k], sizeof(namebuf[k]), "a%zu", k);
		names[k] = namebuf[k];
	}
	pubs_make(&p, 40, names, 0);
	if (want(argc, argv, "pubsub-256"))
		pubsub(256, 500, seconds, &p, 40);
	if (want(argc, argv, "pubsub-256-90"))
		pubsub(256, 900, seconds, &p, 40);
	if (want(argc, argv, "pubsub-4096"))
		pubsub(4096, 500, seconds, &p, 40);
	if (want(argc, argv, "pubsub-65536"))
		pubsub(65536, 500, seconds, &p, 40);
	if (want(argc, argv, "pubsub-65536-90"))
		pubsub(65536, 900, seconds, &p, 40);
	pubs_free(&p);
	pubs_make(&p, 7, scbr_names, 1);
	if (want(argc, argv, "scbr-65536"))
		scbr(65536, seconds, &p, 7);
	if (want(argc, argv, "scbr-1000000"))
		scbr(1000000, seconds, &p, 7);
	pubs_free(&p);
	return (0);
}
