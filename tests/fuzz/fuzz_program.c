/*
 * libFuzzer harness for stage programs: the input is decoded with
 * ss_program_decode() and, as a NUL-terminated string, parsed as an
 * ss-map field list with ss_fieldlist_parse().
 *
 * A program that decodes must encode back to exactly the input (only the
 * canonical encoding decodes).  A field list that parses must give items
 * that join back into the input, with non-empty names, and no two output
 * names alike.
 */

#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "key.h"
#include "program.h"

#include "fuzz_util.h"

int
LLVMFuzzerInitialize(int * argc, char *** argv)
{

	fu_init(argc, argv);
	return (0);
}

static int
describe(void * cookie, const char * key, const char * val, size_t len)
{
	size_t * n = cookie;

	if (key[0] == '\0' || (len > 0 && val == NULL))
		abort();
	(*n)++;
	return (0);
}

static void
program(const uint8_t * data, size_t size)
{
	struct ss_program * p;
	struct ss_recipients * r;
	uint8_t * enc;
	size_t len, n = 0;

	if ((p = ss_program_decode(data, size)) == NULL) {
		if (ss_err_status() != SS_EXIT_DATA)
			abort();
		return;
	}
	if ((r = ss_program_recipients(p)) != NULL)
		ss_recipients_free(r);
	if (ss_program_describe(p, describe, &n) != 0 || n != p->n + 1)
		abort();
	if (ss_program_encode(p, &enc, &len) != 0)
		abort();
	if (len != size || memcmp(enc, data, size) != 0)
		abort();
	free(enc);
	ss_program_free(p);
}

static void
fieldlist(const uint8_t * data, size_t size)
{
	struct ss_fieldspec * s;
	char * list, * joined;
	size_t n, i, j, pos = 0;

	if ((list = malloc(size + 1)) == NULL ||
	    (joined = malloc(2 * size + 2)) == NULL)
		abort();
	memcpy(list, data, size);
	list[size] = '\0';
	if (ss_fieldlist_parse(list, &s, &n) != 0) {
		if (ss_err_status() != SS_EXIT_SYS)
			abort();
		free(joined);
		free(list);
		return;
	}
	for (i = 0; i < n; i++) {
		if (s[i].namelen == 0 || s[i].fromlen == 0 ||
		    memchr(s[i].name, ',', s[i].namelen) != NULL ||
		    memchr(s[i].from, ',', s[i].fromlen) != NULL ||
		    memchr(s[i].name, '=', s[i].namelen) != NULL)
			abort();
		for (j = 0; j < i; j++)
			if (s[j].namelen == s[i].namelen &&
			    memcmp(s[j].name, s[i].name, s[i].namelen) == 0)
				abort();
		if (i > 0)
			joined[pos++] = ',';
		memcpy(joined + pos, s[i].name, s[i].namelen);
		pos += s[i].namelen;
		if (s[i].from != s[i].name) {
			joined[pos++] = '=';
			memcpy(joined + pos, s[i].from, s[i].fromlen);
			pos += s[i].fromlen;
		} else if (s[i].fromlen != s[i].namelen)
			abort();
	}
	joined[pos] = '\0';
	if (strcmp(joined, list) != 0)
		abort();
	free(s);
	free(joined);
	free(list);
}

int
LLVMFuzzerTestOneInput(const uint8_t * data, size_t size)
{

	program(data, size);
	fieldlist(data, size);
	ss_err_clear();
	return (0);
}
