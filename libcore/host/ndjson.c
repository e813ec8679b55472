#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "batch.h"
#include "err.h"
#include "grow.h"
#include "io.h"
#include "ndjson.h"
#include "program.h"
#include "shown.h"
#include "utf8.h"

/* A key or name as shown in a message: at most this many bytes of it. */
#define SHOWN_MAX	64
#define SHOWN_BUF	(SHOWN_MAX + 8)

struct ss_ndjson_reader {
	ss_csv_record_fn * fn;
	void * cookie;
	int flatten;
	int declared;		/* columns from a field list */
	int have_columns;	/* the columns are known */
	int schema_sent;	/* the names went to the callback */
	uint64_t line;		/* physical line being imported */
	uint8_t * carry;	/* a line split across feeds */
	size_t carrylen, carrycap;

	/* Columns: the key each takes, and its name (the same if found). */
	size_t ncols, colcap;
	uint8_t * text;		/* keys and names */
	size_t textlen, textcap;
	size_t * key_off, * key_len, * name_off, * name_len;
	uint32_t * slots;	/* hash of keys: column + 1, 0 empty */
	size_t nslots;
	uint8_t hash_key[crypto_shorthash_KEYBYTES];
	size_t guess;		/* the column the next key probably is */

	/* The record being built. */
	uint64_t stamp;		/* number of the current record */
	uint64_t * seen;	/* per column: stamp of its last value */
	size_t * cell_off, * cell_len;
	uint8_t * row;		/* cell bytes */
	size_t rowlen, rowcap;
	const uint8_t ** fields;
	size_t * lens;
	uint8_t * path;		/* a flattened key being built */
	size_t pathlen, pathcap;
};

/* Grow an array of ${size}-byte items to ${n} items. */
static int
grow_array(void * pp, size_t n, size_t size)
{
	void ** p = pp;
	void * np;

	if ((np = realloc(*p, n * size)) == NULL) {
		ss_err_errno("realloc");
		return (-1);
	}
	*p = np;
	return (0);
}

/*
 * A key as shown between double quotes in a message: control bytes and
 * bytes outside valid UTF-8 escaped, and quotes and backslashes too; as
 * many as fit in ${size} (with "..." if not all do).
 */
static const char *
shown(char * buf, size_t size, const void * p, size_t len)
{

	return (ss_shown(buf, size, p, len, SIZE_MAX, SS_SHOWN_UTF8 |
	    SS_SHOWN_QUOTED));
}

/* Hash of a key. */
static size_t
key_hash(const struct ss_ndjson_reader * nr, const uint8_t * key, size_t len)
{
	uint8_t h[crypto_shorthash_BYTES];
	uint64_t v;

	crypto_shorthash(h, key, len, nr->hash_key);
	memcpy(&v, h, sizeof(v));
	return ((size_t)v);
}

static int
key_is(const struct ss_ndjson_reader * nr, size_t col, const uint8_t * key,
    size_t len)
{

	return (nr->key_len[col] == len &&
	    memcmp(nr->text + nr->key_off[col], key, len) == 0);
}

/* The column taking ${key}, or -1. */
static long
find_column(struct ss_ndjson_reader * nr, const uint8_t * key, size_t len)
{
	size_t i, col;

	/* Objects usually list their keys in the columns' order. */
	if (nr->guess < nr->ncols && key_is(nr, nr->guess, key, len))
		return ((long)nr->guess++);
	if (nr->nslots == 0)
		return (-1);
	for (i = key_hash(nr, key, len) & (nr->nslots - 1);
	    nr->slots[i] != 0; i = (i + 1) & (nr->nslots - 1)) {
		col = nr->slots[i] - 1;
		if (key_is(nr, col, key, len)) {
			nr->guess = col + 1;
			return ((long)col);
		}
	}
	return (-1);
}

/* Put column ${col} into the hash of keys. */
static void
hash_insert(struct ss_ndjson_reader * nr, size_t col)
{
	size_t i;

	for (i = key_hash(nr, nr->text + nr->key_off[col], nr->key_len[col]) &
	    (nr->nslots - 1); nr->slots[i] != 0; i = (i + 1) & (nr->nslots - 1))
		;
	nr->slots[i] = (uint32_t)col + 1;
}

/*
 * Add a column taking key ${key} and named ${name} (NULL: the key), which
 * is not among the columns yet.
 */
static int
add_column(struct ss_ndjson_reader * nr, const uint8_t * key, size_t keylen,
    const uint8_t * name, size_t namelen)
{
	size_t ncap, col, i;
	uint32_t * nslots;

	if (nr->ncols == SS_COLUMNS_MAX) {
		ss_err_set(SS_EXIT_DATA, "more than %u columns",
		    SS_COLUMNS_MAX);
		return (-1);
	}
	if (nr->ncols == nr->colcap) {
		ncap = (nr->colcap > 0) ? nr->colcap * 2 : 16;
		if (ncap > SS_COLUMNS_MAX)
			ncap = SS_COLUMNS_MAX;
		if (grow_array(&nr->key_off, ncap, sizeof(size_t)) ||
		    grow_array(&nr->key_len, ncap, sizeof(size_t)) ||
		    grow_array(&nr->name_off, ncap, sizeof(size_t)) ||
		    grow_array(&nr->name_len, ncap, sizeof(size_t)) ||
		    grow_array(&nr->cell_off, ncap, sizeof(size_t)) ||
		    grow_array(&nr->cell_len, ncap, sizeof(size_t)) ||
		    grow_array(&nr->lens, ncap, sizeof(size_t)) ||
		    grow_array(&nr->fields, ncap, sizeof(uint8_t *)) ||
		    grow_array(&nr->seen, ncap, sizeof(uint64_t)))
			return (-1);
		nr->colcap = ncap;
	}
	/* Keep the hash at most half full. */
	if (2 * (nr->ncols + 1) > nr->nslots) {
		ncap = (nr->nslots > 0) ? nr->nslots * 2 : 64;
		if ((nslots = calloc(ncap, sizeof(*nslots))) == NULL) {
			ss_err_errno("calloc");
			return (-1);
		}
		free(nr->slots);
		nr->slots = nslots;
		nr->nslots = ncap;
		for (i = 0; i < nr->ncols; i++)
			hash_insert(nr, i);
	}
	if (ss_grow(&nr->text, &nr->textcap,
	    nr->textlen + keylen + namelen, 1))
		return (-1);
	col = nr->ncols;
	nr->key_off[col] = nr->textlen;
	nr->key_len[col] = keylen;
	if (keylen > 0)
		memcpy(nr->text + nr->textlen, key, keylen);
	nr->textlen += keylen;
	if (name == NULL) {
		nr->name_off[col] = nr->key_off[col];
		nr->name_len[col] = keylen;
	} else {
		nr->name_off[col] = nr->textlen;
		nr->name_len[col] = namelen;
		memcpy(nr->text + nr->textlen, name, namelen);
		nr->textlen += namelen;
	}
	nr->seen[col] = 0;
	nr->ncols++;
	hash_insert(nr, col);
	return (0);
}

/* Take the columns from the field list ${list}. */
static int
declare_columns(struct ss_ndjson_reader * nr, const char * list)
{
	struct ss_fieldspec * specs;
	char b[SHOWN_BUF];
	size_t n, i;
	int rc = -1;

	if (ss_fieldlist_parse(list, &specs, &n))
		return (-1);
	for (i = 0; i < n; i++) {
		if (find_column(nr, (const uint8_t *)specs[i].from,
		    specs[i].fromlen) != -1) {
			ss_err_set(SS_EXIT_SYS, "key \"%s\" taken by two "
			    "columns", shown(b, sizeof(b), specs[i].from,
			    specs[i].fromlen));
			goto done;
		}
		if (add_column(nr, (const uint8_t *)specs[i].from,
		    specs[i].fromlen, (const uint8_t *)specs[i].name,
		    specs[i].namelen)) {
			/* (Not data: the list is an option.) */
			ss_err_set(SS_EXIT_SYS, "more than %u columns",
			    SS_COLUMNS_MAX);
			goto done;
		}
	}
	nr->declared = 1;
	nr->have_columns = 1;
	rc = 0;
done:
	free(specs);
	return (rc);
}

struct ss_ndjson_reader *
ss_ndjson_reader_new(const char * columns, int flatten, ss_csv_record_fn * fn,
    void * cookie)
{
	struct ss_ndjson_reader * nr;

	if (sodium_init() < 0) {
		ss_err_set(SS_EXIT_SYS, "sodium_init failed");
		return (NULL);
	}
	if ((nr = calloc(1, sizeof(*nr))) == NULL) {
		ss_err_errno("calloc");
		return (NULL);
	}
	nr->fn = fn;
	nr->cookie = cookie;
	nr->flatten = flatten;
	randombytes_buf(nr->hash_key, sizeof(nr->hash_key));
	/* An empty cell or key still points into a buffer, not NULL. */
	if (ss_grow(&nr->row, &nr->rowcap, 1, 1) ||
	    ss_grow(&nr->text, &nr->textcap, 1, 1) ||
	    ss_grow(&nr->path, &nr->pathcap, 1, 1))
		goto err;
	if (columns != NULL && declare_columns(nr, columns))
		goto err;
	return (nr);
err:
	ss_ndjson_reader_free(nr);
	return (NULL);
}

/* Pass the column names on, once. */
static int
send_schema(struct ss_ndjson_reader * nr)
{
	size_t i;

	if (nr->schema_sent)
		return (0);
	nr->schema_sent = 1;
	for (i = 0; i < nr->ncols; i++) {
		nr->fields[i] = nr->text + nr->name_off[i];
		nr->lens[i] = nr->name_len[i];
	}
	return (nr->fn(nr->cookie, nr->fields, nr->lens, nr->ncols,
	    nr->line));
}

int
ss_ndjson_reader_begin(struct ss_ndjson_reader * nr)
{

	return (nr->declared ? send_schema(nr) : 0);
}

/* Store ${len} bytes as the cell for key ${key}. */
static int
put_cell(struct ss_ndjson_reader * nr, const uint8_t * key, size_t keylen,
    const void * s, size_t len)
{
	char b[SHOWN_BUF];
	long col;

	if ((col = find_column(nr, key, keylen)) == -1) {
		if (nr->have_columns) {
			ss_err_set(SS_EXIT_DATA, "line %" PRIu64 ": key \"%s\" "
			    "is not among the columns (%s)", nr->line,
			    shown(b, sizeof(b), key, keylen), nr->declared ?
			    "of --columns" : "taken from the first object; "
			    "name them all with --columns");
			return (-1);
		}
		if (add_column(nr, key, keylen, NULL, 0)) {
			ss_err_prefix("line %" PRIu64, nr->line);
			return (-1);
		}
		col = (long)nr->ncols - 1;
	}
	if (nr->seen[col] == nr->stamp) {
		ss_err_set(SS_EXIT_DATA, "line %" PRIu64 ": two values for "
		    "column \"%s\"", nr->line, shown(b, sizeof(b), key, keylen));
		return (-1);
	}
	nr->seen[col] = nr->stamp;
	if (len > SS_RECORD_MAX - nr->rowlen) {
		ss_err_set(SS_EXIT_DATA, "line %" PRIu64 ": record exceeds %u "
		    "bytes", nr->line, SS_RECORD_MAX);
		return (-1);
	}
	if (ss_grow(&nr->row, &nr->rowcap, nr->rowlen + len, 1))
		return (-1);
	if (len > 0)
		memcpy(nr->row + nr->rowlen, s, len);
	nr->cell_off[col] = nr->rowlen;
	nr->cell_len[col] = len;
	nr->rowlen += len;
	return (0);
}

static int put_value(struct ss_ndjson_reader *, const uint8_t *, size_t,
    json_t *);

/*
 * The children of the container ${v}, whose flattened key is the first
 * ${pathlen} bytes of the path buffer.
 */
static int
put_children(struct ss_ndjson_reader * nr, size_t pathlen, json_t * v)
{
	const char * key;
	size_t keylen, i;
	json_t * child;
	char num[24];

	if (json_is_object(v)) {
		json_object_keylen_foreach(v, key, keylen, child) {
			if (ss_grow(&nr->path, &nr->pathcap,
			    pathlen + 1 + keylen, 1))
				return (-1);
			nr->path[pathlen] = '.';
			memcpy(nr->path + pathlen + 1, key, keylen);
			nr->pathlen = pathlen + 1 + keylen;
			if (put_value(nr, NULL, 0, child))
				return (-1);
		}
		return (0);
	}
	json_array_foreach(v, i, child) {
		keylen = (size_t)snprintf(num, sizeof(num), ".%zu", i + 1);
		if (ss_grow(&nr->path, &nr->pathcap, pathlen + keylen, 1))
			return (-1);
		memcpy(nr->path + pathlen, num, keylen);
		nr->pathlen = pathlen + keylen;
		if (put_value(nr, NULL, 0, child))
			return (-1);
	}
	return (0);
}

/*
 * Store value ${v} of key ${key}, or, if ${key} is NULL, of the flattened
 * key in the path buffer.
 */
static int
put_value(struct ss_ndjson_reader * nr, const uint8_t * key, size_t keylen,
    json_t * v)
{
	char num[SS_NDJSON_NUMBUF];
	char b[SHOWN_BUF];
	size_t len;
	int empty;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
	case JSON_ARRAY:
		empty = json_is_object(v) ? (json_object_size(v) == 0) :
		    (json_array_size(v) == 0);
		if (!nr->flatten) {
			ss_err_set(SS_EXIT_DATA, "line %" PRIu64 ": nested "
			    "value for \"%s\" (use --flatten)", nr->line,
			    shown(b, sizeof(b), key, keylen));
			return (-1);
		}
		if (key != NULL) {
			if (ss_grow(&nr->path, &nr->pathcap, keylen, 1))
				return (-1);
			if (keylen > 0)
				memcpy(nr->path, key, keylen);
			nr->pathlen = keylen;
		}
		if (empty)
			return (put_cell(nr, nr->path, nr->pathlen,
			    json_is_object(v) ? "{}" : "[]", 2));
		return (put_children(nr, nr->pathlen, v));
	default:
		break;
	}
	if (key == NULL) {
		key = nr->path;
		keylen = nr->pathlen;
	}
	switch (json_typeof(v)) {
	case JSON_STRING:
		return (put_cell(nr, key, keylen, json_string_value(v),
		    json_string_length(v)));
	case JSON_INTEGER:
		len = (size_t)snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
		return (put_cell(nr, key, keylen, num, len));
	case JSON_REAL:
		len = ss_ndjson_format_real(json_real_value(v), num);
		return (put_cell(nr, key, keylen, num, len));
	case JSON_TRUE:
		return (put_cell(nr, key, keylen, "true", 4));
	case JSON_FALSE:
		return (put_cell(nr, key, keylen, "false", 5));
	default:
		return (put_cell(nr, key, keylen, "", 0));
	}
}

/*
 * Bound the values on a line before jansson builds them: each one past
 * the first follows a ':', ',', '[' or '{' outside a string.
 */
static int
too_many_values(const uint8_t * s, size_t len)
{
	size_t i, n = 0;
	int in_string = 0;

	for (i = 0; i < len; i++) {
		if (in_string) {
			if (s[i] == '\\')
				i++;
			else if (s[i] == '"')
				in_string = 0;
			continue;
		}
		switch (s[i]) {
		case '"':
			in_string = 1;
			break;
		case ':':
		case ',':
		case '[':
		case '{':
			if (++n > SS_NDJSON_VALUES_MAX)
				return (1);
			break;
		}
	}
	return (0);
}

static const char *
type_name(const json_t * j)
{

	switch (json_typeof(j)) {
	case JSON_ARRAY:
		return ("an array");
	case JSON_STRING:
		return ("a string");
	case JSON_INTEGER:
	case JSON_REAL:
		return ("a number");
	case JSON_TRUE:
	case JSON_FALSE:
		return ("a boolean");
	default:
		return ("null");
	}
}

/* Import one object: the line's bytes without the line end. */
static int
import_object(struct ss_ndjson_reader * nr, const uint8_t * s, size_t len,
    size_t skipped)
{
	json_error_t jerr;
	json_t * j;
	const char * key;
	size_t keylen, i;
	json_t * v;
	char b[256];
	int rc = -1;

	if (too_many_values(s, len)) {
		ss_err_set(SS_EXIT_DATA, "line %" PRIu64 ": more than %zu "
		    "values", nr->line, SS_NDJSON_VALUES_MAX);
		return (-1);
	}
	if ((j = json_loadb((const char *)s, len, JSON_REJECT_DUPLICATES |
	    JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr)) == NULL) {
		ss_err_set(SS_EXIT_DATA, "line %" PRIu64 ": column %zu: %s",
		    nr->line, skipped + (jerr.position > 0 ?
		    (size_t)jerr.position : 1), ss_shown(b, sizeof(b),
		    jerr.text, strnlen(jerr.text, sizeof(jerr.text)), SIZE_MAX,
		    SS_SHOWN_UTF8));
		return (-1);
	}
	if (!json_is_object(j)) {
		ss_err_set(SS_EXIT_DATA, "line %" PRIu64 ": not a JSON object "
		    "(found %s)", nr->line, type_name(j));
		goto done;
	}
	nr->stamp++;
	nr->rowlen = 0;
	nr->guess = 0;
	json_object_keylen_foreach(j, key, keylen, v) {
		if (put_value(nr, (const uint8_t *)key, keylen, v))
			goto done;
	}
	if (!nr->have_columns) {
		if (nr->ncols == 0) {
			ss_err_set(SS_EXIT_DATA, "line %" PRIu64 ": an empty "
			    "object names no columns (name them with "
			    "--columns)", nr->line);
			goto done;
		}
		nr->have_columns = 1;
	}
	if (send_schema(nr))
		goto done;
	for (i = 0; i < nr->ncols; i++) {
		if (nr->seen[i] == nr->stamp) {
			nr->fields[i] = nr->row + nr->cell_off[i];
			nr->lens[i] = nr->cell_len[i];
		} else {
			nr->fields[i] = nr->row;
			nr->lens[i] = 0;
		}
	}
	rc = nr->fn(nr->cookie, nr->fields, nr->lens, nr->ncols, nr->line);
done:
	json_decref(j);
	return (rc);
}

/* Import one physical line, with its LF unless it is the last. */
static int
import_line(struct ss_ndjson_reader * nr, const uint8_t * s, size_t len)
{
	size_t skipped = 0, i;

	nr->line++;
	if (nr->line == 1 && len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) {
		s += 3;
		len -= 3;
		skipped = 3;
	}
	if (len > 0 && s[len - 1] == '\n')
		len--;
	if (len > 0 && s[len - 1] == '\r')
		len--;
	if (len > SS_NDJSON_LINE_MAX) {
		ss_err_set(SS_EXIT_DATA, "line %" PRIu64 ": longer than %zu "
		    "bytes", nr->line, SS_NDJSON_LINE_MAX);
		return (-1);
	}
	for (i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			break;
	if (i == len)
		return (0);	/* blank line */
	return (import_object(nr, s, len, skipped));
}

static int
carry_append(struct ss_ndjson_reader * nr, const uint8_t * s, size_t len)
{

	/* Room for a BOM and a CRLF around the longest line. */
	if (len > SS_NDJSON_LINE_MAX + 5 - nr->carrylen) {
		ss_err_set(SS_EXIT_DATA, "line %" PRIu64 ": longer than %zu "
		    "bytes", nr->line + 1, SS_NDJSON_LINE_MAX);
		return (-1);
	}
	if (ss_grow(&nr->carry, &nr->carrycap, nr->carrylen + len, 1))
		return (-1);
	memcpy(nr->carry + nr->carrylen, s, len);
	nr->carrylen += len;
	return (0);
}

int
ss_ndjson_reader_feed(struct ss_ndjson_reader * nr, const uint8_t * buf,
    size_t len)
{
	const uint8_t * nl;
	size_t seg, n;

	while (len > 0) {
		if ((nl = memchr(buf, '\n', len)) == NULL)
			return (carry_append(nr, buf, len));
		seg = (size_t)(nl - buf) + 1;
		if (nr->carrylen > 0) {
			if (carry_append(nr, buf, seg))
				return (-1);
			n = nr->carrylen;
			nr->carrylen = 0;
			if (import_line(nr, nr->carry, n))
				return (-1);
		} else if (import_line(nr, buf, seg))
			return (-1);
		buf += seg;
		len -= seg;
	}
	return (0);
}

int
ss_ndjson_reader_finish(struct ss_ndjson_reader * nr)
{
	size_t n;

	if (nr->carrylen > 0) {
		n = nr->carrylen;
		nr->carrylen = 0;
		if (import_line(nr, nr->carry, n))
			return (-1);
	}
	/* Declared columns make a schema even with no records. */
	if (nr->declared && send_schema(nr))
		return (-1);
	return (0);
}

void
ss_ndjson_reader_free(struct ss_ndjson_reader * nr)
{

	if (nr == NULL)
		return;
	free(nr->carry);
	free(nr->text);
	free(nr->key_off);
	free(nr->key_len);
	free(nr->name_off);
	free(nr->name_len);
	free(nr->slots);
	free(nr->seen);
	free(nr->cell_off);
	free(nr->cell_len);
	free(nr->row);
	free(nr->fields);
	free(nr->lens);
	free(nr->path);
	free(nr);
}

size_t
ss_ndjson_format_real(double x, char * buf)
{
	int p, n = 0;

	for (p = 15; p <= 17; p++) {
		n = snprintf(buf, SS_NDJSON_NUMBUF, "%.*g", p, x);
		if (strtod(buf, NULL) == x)
			break;
	}
	return ((size_t)n);
}

static int
is_digit(uint8_t c)
{

	return (c >= '0' && c <= '9');
}

int
ss_ndjson_is_number(const uint8_t * s, size_t len)
{
	char buf[65];
	size_t i = 0, start, ndigits;
	int simple = 1;
	double x;

	if (i < len && s[i] == '-')
		i++;
	start = i;
	if (i < len && s[i] == '0')
		i++;
	else if (i < len && s[i] >= '1' && s[i] <= '9')
		while (i < len && is_digit(s[i]))
			i++;
	else
		return (0);
	ndigits = i - start;
	if (i < len && s[i] == '.') {
		start = ++i;
		while (i < len && is_digit(s[i]))
			i++;
		if (i == start)
			return (0);
		simple = 0;
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		start = i;
		while (i < len && is_digit(s[i]))
			i++;
		if (i == start)
			return (0);
		simple = 0;
	}
	if (i != len)
		return (0);
	if (simple) {
		/* An integer from -2^63 to 2^63 - 1. */
		if (ndigits != 19)
			return (ndigits < 19);
		return (memcmp(s + len - 19, (s[0] == '-') ?
		    "9223372036854775808" : "9223372036854775807", 19) <= 0);
	}
	if (len >= sizeof(buf))
		return (0);
	memcpy(buf, s, len);
	buf[len] = '\0';
	x = strtod(buf, NULL);
	return (isfinite(x));
}

#define WRITER_BUFSIZE	(64 * 1024)
/* Most bytes one input byte or character turns into. */
#define ESCAPE_MAX	6

struct ss_ndjson_writer {
	struct ss_output * out;
	int have_schema;
	size_t ncols;
	uint8_t * prefix;	/* per column '{' or ',', the key, ':' */
	size_t * prefix_off;	/* ncols + 1 offsets */
	uint8_t buf[WRITER_BUFSIZE];
	size_t len;
	uint64_t total;		/* bytes drained before buf */
};

struct ss_ndjson_writer *
ss_ndjson_writer_new(struct ss_output * out)
{
	struct ss_ndjson_writer * nw;

	if ((nw = calloc(1, sizeof(*nw))) == NULL) {
		ss_err_errno("calloc");
		return (NULL);
	}
	nw->out = out;
	return (nw);
}

/*
 * Escape bytes of ${s} into ${dst} while ${room} allows; store the number
 * of input bytes taken in ${used} and return the number written.
 */
static size_t
escape(uint8_t * dst, size_t room, const uint8_t * s, size_t len,
    size_t * used)
{
	static const char hex[] = "0123456789abcdef";
	size_t i = 0, n = 0, k;
	uint8_t c;

	while (i < len && room - n >= ESCAPE_MAX) {
		c = s[i];
		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			dst[n++] = c;
			i++;
			continue;
		}
		if (c >= 0x80) {
			if ((k = ss_utf8_len(s + i, len - i)) == 0) {
				memcpy(dst + n, "\\ufffd", 6);
				n += 6;
				i++;
			} else {
				memcpy(dst + n, s + i, k);
				n += k;
				i += k;
			}
			continue;
		}
		dst[n++] = '\\';
		switch (c) {
		case '"':
		case '\\':
			dst[n++] = c;
			break;
		case '\b':
			dst[n++] = 'b';
			break;
		case '\f':
			dst[n++] = 'f';
			break;
		case '\n':
			dst[n++] = 'n';
			break;
		case '\r':
			dst[n++] = 'r';
			break;
		case '\t':
			dst[n++] = 't';
			break;
		default:
			memcpy(dst + n, "u00", 3);
			dst[n + 3] = (uint8_t)hex[c >> 4];
			dst[n + 4] = (uint8_t)hex[c & 15];
			n += 5;
		}
		i++;
	}
	*used = i;
	return (n);
}

static int
writer_drain(struct ss_ndjson_writer * nw)
{

	if (ss_output_write(nw->out, nw->buf, nw->len))
		return (-1);
	nw->total += nw->len;
	nw->len = 0;
	return (0);
}

/* Append ${len} raw bytes. */
static int
put(struct ss_ndjson_writer * nw, const void * s, size_t len)
{

	if (len > WRITER_BUFSIZE - nw->len) {
		if (writer_drain(nw))
			return (-1);
		if (len > WRITER_BUFSIZE) {
			nw->total += len;
			return (ss_output_write(nw->out, s, len));
		}
	}
	memcpy(nw->buf + nw->len, s, len);
	nw->len += len;
	return (0);
}

/* Append ${s} as a JSON string. */
static int
put_string(struct ss_ndjson_writer * nw, const uint8_t * s, size_t len)
{
	size_t used;

	if (put(nw, "\"", 1))
		return (-1);
	while (len > 0) {
		if (WRITER_BUFSIZE - nw->len < ESCAPE_MAX && writer_drain(nw))
			return (-1);
		nw->len += escape(nw->buf + nw->len, WRITER_BUFSIZE - nw->len,
		    s, len, &used);
		s += used;
		len -= used;
	}
	return (put(nw, "\"", 1));
}

/* Take the column names of the schema ${b}. */
static int
set_schema(struct ss_ndjson_writer * nw, const struct ss_batch * b)
{
	const uint8_t * name;
	size_t i, len, used, total = 0, pos = 0;

	nw->ncols = b->nfields;
	/* Each name escaped, with '{' or ',', two quotes and ':'. */
	for (i = 0; i < b->nfields; i++) {
		(void)ss_batch_field(b, 0, i, &len);
		total += ESCAPE_MAX * len + 4;
	}
	if ((nw->prefix = malloc(total + 1)) == NULL ||
	    (nw->prefix_off = malloc((b->nfields + 1) *
	    sizeof(size_t))) == NULL) {
		ss_err_errno("malloc");
		return (-1);
	}
	for (i = 0; i < b->nfields; i++) {
		name = ss_batch_field(b, 0, i, &len);
		nw->prefix_off[i] = pos;
		nw->prefix[pos++] = (i == 0) ? '{' : ',';
		nw->prefix[pos++] = '"';
		pos += escape(nw->prefix + pos, total - pos, name, len, &used);
		nw->prefix[pos++] = '"';
		nw->prefix[pos++] = ':';
	}
	nw->prefix_off[b->nfields] = pos;
	nw->have_schema = 1;
	return (0);
}

int
ss_ndjson_writer_batch(struct ss_ndjson_writer * nw, const struct ss_batch * b)
{
	const uint8_t * f;
	size_t r, i, len;

	if (b->type == SS_BATCH_SCHEMA) {
		/* (A stream of an empty input has no columns, no names.) */
		if (nw->have_schema ||
		    b->nrecords != (b->nfields > 0 ? 1U : 0U)) {
			ss_err_set(SS_EXIT_DATA, "unexpected schema");
			return (-1);
		}
		return (set_schema(nw, b));
	}
	if (!nw->have_schema || b->nfields != nw->ncols) {
		ss_err_set(SS_EXIT_DATA, "records without their schema");
		return (-1);
	}
	for (r = 0; r < b->nrecords; r++) {
		if (nw->ncols == 0 && put(nw, "{", 1))
			return (-1);
		for (i = 0; i < nw->ncols; i++) {
			if (put(nw, nw->prefix + nw->prefix_off[i],
			    nw->prefix_off[i + 1] - nw->prefix_off[i]))
				return (-1);
			f = ss_batch_field(b, r, i, &len);
			if (ss_ndjson_is_number(f, len) ? put(nw, f, len) :
			    put_string(nw, f, len))
				return (-1);
		}
		if (put(nw, "}\n", 2))
			return (-1);
	}
	return (0);
}

int
ss_ndjson_writer_flush(struct ss_ndjson_writer * nw)
{

	if (writer_drain(nw))
		return (-1);
	return (ss_output_flush(nw->out));
}

uint64_t
ss_ndjson_writer_bytes(const struct ss_ndjson_writer * nw)
{

	return (nw->total + nw->len);
}

void
ss_ndjson_writer_free(struct ss_ndjson_writer * nw)
{

	if (nw == NULL)
		return;
	free(nw->prefix);
	free(nw->prefix_off);
	free(nw);
}
