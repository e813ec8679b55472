/*
 * memscan PID NEEDLE...: search the memory of process PID for each NEEDLE
 * and print one line per needle, in order: "found" or "absent".  A needle
 * is text, or hex bytes after "hx:" ("hx:00ff...").  Every readable
 * region of /proc/PID/maps is read through /proc/PID/mem; regions that
 * cannot be read (guard pages, [vvar]) are skipped, and so are readable
 * regions over REGION_MAX, which only a sanitizer's shadow memory is (a
 * note on standard error says so).  Used by tests/cli/boundary.sh to show
 * that the stage host never holds a key or plaintext.
 *
 * Exit status: 0 when the scan ran; 2 on a usage or system error.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define WINDOW		(1024 * 1024)
#define NEEDLE_MAX	4096
#define REGION_MAX	((uint64_t)64 << 30)

struct needle {
	uint8_t * p;
	size_t len;
	int found;
};

static void
die(const char * what)
{

	fprintf(stderr, "memscan: %s: %s\n", what, strerror(errno));
	exit(2);
}

static int
hexval(char c)
{

	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (c - 'A' + 10);
	return (-1);
}

/* Decode ${arg} into ${n}; -1 if it is not a needle. */
static int
parse_needle(struct needle * n, const char * arg)
{
	int hex = (strncmp(arg, "hx:", 3) == 0);
	size_t i;

	if (hex) {
		arg += 3;
		if (strlen(arg) % 2 != 0)
			return (-1);
		n->len = strlen(arg) / 2;
	} else
		n->len = strlen(arg);
	if (n->len == 0 || n->len > NEEDLE_MAX)
		return (-1);
	if ((n->p = malloc(n->len)) == NULL)
		die("malloc");
	if (!hex) {
		memcpy(n->p, arg, n->len);
		return (0);
	}
	for (i = 0; i < n->len; i++) {
		if (hexval(arg[2 * i]) == -1 || hexval(arg[2 * i + 1]) == -1)
			return (-1);
		n->p[i] = (uint8_t)(hexval(arg[2 * i]) * 16 +
		    hexval(arg[2 * i + 1]));
	}
	return (0);
}

/* Mark the needles that occur in ${buf}. */
static void
search(struct needle * nd, size_t nn, const uint8_t * buf, size_t len)
{
	size_t i;

	for (i = 0; i < nn; i++)
		if (!nd[i].found && memmem(buf, len, nd[i].p, nd[i].len))
			nd[i].found = 1;
}

/*
 * Scan [start, end) of ${mem}; windows overlap by NEEDLE_MAX - 1 bytes so
 * that a needle across a window boundary is found.  A region that stops
 * being readable part way (it shrank) ends the region's scan.
 */
static void
scan_region(int mem, uint64_t start, uint64_t end, uint8_t * buf,
    struct needle * nd, size_t nn)
{
	uint64_t pos = start;
	size_t keep = 0, want;
	ssize_t got;

	while (pos < end) {
		want = WINDOW - keep;
		if (end - pos < want)
			want = (size_t)(end - pos);
		got = pread(mem, buf + keep, want, (off_t)pos);
		if (got <= 0)
			return;
		search(nd, nn, buf, keep + (size_t)got);
		pos += (uint64_t)got;
		keep += (size_t)got;
		if (keep > NEEDLE_MAX - 1) {
			memmove(buf, buf + keep - (NEEDLE_MAX - 1),
			    NEEDLE_MAX - 1);
			keep = NEEDLE_MAX - 1;
		}
	}
}

int
main(int argc, char * argv[])
{
	char path[64], line[4096], perms[8];
	struct needle * nd;
	uint64_t start, end, skipped = 0;
	uint8_t * buf;
	size_t nn, i;
	FILE * maps;
	int mem;

	if (argc < 3 || strspn(argv[1], "0123456789") != strlen(argv[1])) {
		fprintf(stderr, "usage: memscan PID NEEDLE... "
		    "(NEEDLE: text, or hx:HEXBYTES)\n");
		return (2);
	}
	nn = (size_t)argc - 2;
	if ((nd = calloc(nn, sizeof(*nd))) == NULL ||
	    (buf = malloc(WINDOW)) == NULL)
		die("malloc");
	for (i = 0; i < nn; i++) {
		if (parse_needle(&nd[i], argv[i + 2])) {
			fprintf(stderr, "memscan: bad needle '%s'\n",
			    argv[i + 2]);
			return (2);
		}
	}

	snprintf(path, sizeof(path), "/proc/%s/maps", argv[1]);
	if ((maps = fopen(path, "r")) == NULL)
		die(path);
	snprintf(path, sizeof(path), "/proc/%s/mem", argv[1]);
	if ((mem = open(path, O_RDONLY)) == -1)
		die(path);
	while (fgets(line, sizeof(line), maps) != NULL) {
		if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %7s", &start, &end,
		    perms) != 3)
			continue;
		if (perms[0] != 'r')
			continue;
		if (end - start > REGION_MAX) {
			skipped += end - start;
			continue;
		}
		scan_region(mem, start, end, buf, nd, nn);
	}
	if (ferror(maps))
		die("reading maps");
	fclose(maps);
	close(mem);
	if (skipped > 0)
		fprintf(stderr, "memscan: skipped %" PRIu64 " GiB in regions "
		    "over %" PRIu64 " GiB (sanitizer shadow memory?)\n",
		    skipped >> 30, REGION_MAX >> 30);

	for (i = 0; i < nn; i++) {
		printf("%s\n", nd[i].found ? "found" : "absent");
		free(nd[i].p);
	}
	free(nd);
	free(buf);
	if (fflush(stdout) != 0 || ferror(stdout))
		die("stdout");
	return (0);
}
