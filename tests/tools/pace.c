/*
 * pace: the two ends of a latency measurement (scripts/bench, hrv).
 *
 * pace send -r RATE -n N [-p PATIENTS] [-s SEED] [-W MS]
 *	Write the CSV header "patient,time,rr,emit_us" and then N records at
 *	RATE records per second: record i is due at start + i / RATE (an
 *	absolute schedule, clock_nanosleep to CLOCK_MONOTONIC, so no drift),
 *	and is written with write(2) as soon as it is due, alone, or with the
 *	others that are due if the writer fell behind.  patient is one of
 *	PATIENTS (default 1000) in turn, time the wall clock in whole seconds
 *	(for ss-reduce --time), rr an RR interval in milliseconds (600 to 1000
 *	with beat-to-beat variability), emit_us the wall clock in
 *	microseconds (CLOCK_REALTIME) just before the write.  -W: wait MS
 *	milliseconds after the header before the first record, so that the
 *	stages downstream have started (their enclaves start as the stream's
 *	header reaches them) and the latencies are those of a running
 *	pipeline.
 *
 * pace recv -f FIELD [-w SECONDS] [-d FILE]
 *	Read CSV with a header from standard input; for each record, the
 *	latency is the wall clock when the read(2) that completed the line
 *	returned, less the number in column FIELD (microseconds, as written
 *	by pace send; a mean of one value prints the same number).  With -w,
 *	FIELD is a window's start in seconds and the latency is counted from
 *	the window's end, FIELD + SECONDS.  At the end print one line:
 *	"records p50_ms p99_ms max_ms".  -d FILE: also write each record's
 *	arrival (µs, wall clock) and latency (µs) to FILE, one "a,l" a line.
 *
 * Both ends use CLOCK_REALTIME on one machine.  Exit status: 0 ok, 1 a
 * record without a number in FIELD, 2 usage or system error.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define LINE_MAX_LEN	4096
#define OUTBUF		(1024 * 1024)

static void
usage(void)
{

	fprintf(stderr, "usage: pace send -r RATE -n N [-p PATIENTS] "
	    "[-s SEED] [-W MS]\n"
	    "       pace recv -f FIELD [-w SECONDS] [-d FILE]\n");
	exit(2);
}

static void
die(const char * what)
{

	fprintf(stderr, "pace: %s: %s\n", what, strerror(errno));
	exit(2);
}

static uint64_t
now_us(clockid_t c)
{
	struct timespec ts;

	if (clock_gettime(c, &ts))
		die("clock_gettime");
	return ((uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000);
}

static uint64_t
number(const char * s, const char * what)
{
	char * end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *s == '\0' || *end != '\0' || v == 0) {
		fprintf(stderr, "pace: %s: not a positive integer: %s\n",
		    what, s);
		exit(2);
	}
	return ((uint64_t)v);
}

/* minstd, as scripts/gen-airline and scripts/gen-rr. */
static uint64_t rng = 1;

static double
rnd(void)
{

	rng = (rng * 48271) % 2147483647;
	return ((double)rng / 2147483647);
}

static void
writeall(const char * buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = write(1, buf, len)) == -1) {
			if (errno == EINTR)
				continue;
			die("write");
		}
		buf += n;
		len -= (size_t)n;
	}
}

static int
pace_send(uint64_t rate, uint64_t n, uint64_t patients, uint64_t warmup)
{
	char * buf;
	double * base;
	uint64_t i, p, t0, due, now, emit;
	struct timespec ts;
	size_t len;
	int rr;

	if ((buf = malloc(OUTBUF)) == NULL ||
	    (base = malloc(patients * sizeof(double))) == NULL)
		die("malloc");
	for (p = 0; p < patients; p++)
		base[p] = 650 + 300 * rnd();
	writeall("patient,time,rr,emit_us\n", 24);
	if (warmup > 0) {
		ts.tv_sec = (time_t)(warmup / 1000);
		ts.tv_nsec = (long)(warmup % 1000) * 1000000;
		while (nanosleep(&ts, &ts) == -1)
			if (errno != EINTR)
				die("nanosleep");
	}
	t0 = now_us(CLOCK_MONOTONIC);
	for (i = 0; i < n;) {
		due = t0 + i * 1000000 / rate;
		if ((now = now_us(CLOCK_MONOTONIC)) < due) {
			ts.tv_sec = (time_t)(due / 1000000);
			ts.tv_nsec = (long)(due % 1000000) * 1000;
			while ((errno = clock_nanosleep(CLOCK_MONOTONIC,
			    TIMER_ABSTIME, &ts, NULL)) == EINTR)
				;
			if (errno)
				die("clock_nanosleep");
			now = now_us(CLOCK_MONOTONIC);
		}
		/* Every record due by now, stamped now. */
		emit = now_us(CLOCK_REALTIME);
		len = 0;
		while (i < n && t0 + i * 1000000 / rate <= now &&
		    len < OUTBUF - 128) {
			p = i % patients;
			rr = (int)(base[p] + 40 * (rnd() - 0.5) +
			    25 * (rnd() - 0.5));
			len += (size_t)snprintf(buf + len, OUTBUF - len,
			    "p%04" PRIu64 ",%" PRIu64 ",%d,%" PRIu64 "\n",
			    p, emit / 1000000, rr, emit);
			i++;
		}
		writeall(buf, len);
	}
	free(base);
	free(buf);
	return (0);
}

static int
cmp_u64(const void * a, const void * b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return ((x > y) - (x < y));
}

/* The 0-based index of column ${name} in header ${h}, or -1. */
static int
column(const char * h, const char * name)
{
	size_t nl = strlen(name);
	int i = 0;

	for (;;) {
		if (strncmp(h, name, nl) == 0 && (h[nl] == ',' ||
		    h[nl] == '\0' || h[nl] == '\n' || h[nl] == '\r'))
			return (i);
		if ((h = strchr(h, ',')) == NULL)
			return (-1);
		h++;
		i++;
	}
}

static int
pace_recv(const char * field, uint64_t window, const char * dump)
{
	FILE * df = NULL;
	char line[LINE_MAX_LEN + 1], rd[65536];
	uint64_t * lat = NULL, * nlat, now, v;
	size_t nrec = 0, cap = 0, ll = 0, k;
	ssize_t n;
	int col = -2, c;
	const char * f;
	char * end;
	double x;

	if (dump != NULL && (df = fopen(dump, "w")) == NULL)
		die(dump);
	while ((n = read(0, rd, sizeof(rd))) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			die("read");
		}
		now = now_us(CLOCK_REALTIME);
		for (k = 0; k < (size_t)n; k++) {
			if (rd[k] != '\n') {
				if (ll < LINE_MAX_LEN)
					line[ll++] = rd[k];
				continue;
			}
			line[ll] = '\0';
			ll = 0;
			if (col == -2) {
				if ((col = column(line, field)) < 0) {
					fprintf(stderr, "pace: no column %s "
					    "in: %s\n", field, line);
					return (2);
				}
				continue;
			}
			for (f = line, c = 0; c < col && f != NULL; c++)
				if ((f = strchr(f, ',')) != NULL)
					f++;
			x = (f == NULL) ? -1 : strtod(f, &end);
			if (f == NULL || end == f || x < 0) {
				fprintf(stderr, "pace: no number in column "
				    "%s: %s\n", field, line);
				return (1);
			}
			v = window ? ((uint64_t)x + window) * 1000000 :
			    (uint64_t)x;
			if (nrec == cap) {
				cap = cap ? cap * 2 : 65536;
				if ((nlat = realloc(lat,
				    cap * sizeof(*lat))) == NULL)
					die("realloc");
				lat = nlat;
			}
			lat[nrec++] = now > v ? now - v : 0;
			if (df != NULL)
				fprintf(df, "%" PRIu64 ",%" PRIu64 "\n", now,
				    lat[nrec - 1]);
		}
	}
	if (df != NULL && fclose(df) == EOF)
		die(dump);
	if (nrec == 0) {
		printf("0 - - -\n");
		free(lat);
		return (0);
	}
	qsort(lat, nrec, sizeof(*lat), cmp_u64);
	printf("%zu %.3f %.3f %.3f\n", nrec, lat[(nrec - 1) / 2] / 1000.0,
	    lat[(nrec * 99 + 99) / 100 - 1] / 1000.0,
	    lat[nrec - 1] / 1000.0);
	free(lat);
	if (fflush(stdout) == EOF)
		die("stdout");
	return (0);
}

int
main(int argc, char * argv[])
{
	uint64_t rate = 0, n = 0, patients = 1000, window = 0, warmup = 0;
	const char * field = NULL, * dump = NULL;
	int ch, sending;

	if (argc < 2)
		usage();
	if (strcmp(argv[1], "send") == 0)
		sending = 1;
	else if (strcmp(argv[1], "recv") == 0)
		sending = 0;
	else
		usage();
	argc--;
	argv++;
	while ((ch = getopt(argc, argv, "r:n:p:s:f:w:d:W:")) != -1) {
		switch (ch) {
		case 'r':
			rate = number(optarg, "-r");
			break;
		case 'n':
			n = number(optarg, "-n");
			break;
		case 'p':
			patients = number(optarg, "-p");
			break;
		case 's':
			rng = number(optarg, "-s") % 2147483647;
			if (rng == 0)
				rng = 1;
			break;
		case 'f':
			field = optarg;
			break;
		case 'W':
			warmup = number(optarg, "-W");
			break;
		case 'd':
			dump = optarg;
			break;
		case 'w':
			window = number(optarg, "-w");
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if (sending) {
		if (rate == 0 || n == 0 || field != NULL || window || dump ||
		    patients > 9999)
			usage();
		return (pace_send(rate, n, patients, warmup));
	}
	if (field == NULL || rate || n || warmup)
		usage();
	return (pace_recv(field, window, dump));
}
