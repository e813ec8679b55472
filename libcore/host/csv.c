#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "batch.h"
#include "csv.h"
#include "err.h"
#include "io.h"

/* Byte classes for split_line(). */
#define CLASS_DATA	0
#define CLASS_DELIM	1
#define CLASS_LIBCSV	2	/* a quote or a CR: libcsv's job */

/* Longest physical line we buffer: a whole record and its delimiters. */
#define LINE_MAX_LEN	((size_t)SS_RECORD_MAX + SS_COLUMNS_MAX + 2)

struct ss_csv_reader {
	struct csv_parser p;
	uint8_t delim;
	ss_csv_record_fn * fn;
	void * cookie;
	int fast;
	uint8_t class[256];	/* byte classes for the fast path */
	int failed;		/* the callback or a limit failed */
	uint64_t line;		/* physical line being imported */
	uint64_t record_line;	/* where libcsv's current record began */
	uint8_t * carry;	/* a line split across feeds */
	size_t carrylen, carrycap;
	uint8_t * rowdata;	/* libcsv path: the record's field bytes */
	size_t rowlen, rowcap;
	size_t * lens;		/* field lengths */
	const uint8_t ** fields;	/* field pointers */
	size_t nfields, fieldcap;
};

/* Make room for ${n} fields. */
static int
fields_reserve(struct ss_csv_reader * cr, size_t n)
{
	size_t ncap;
	size_t * nlens;
	const uint8_t ** nfields;

	if (n <= cr->fieldcap)
		return (0);
	if (n > SS_COLUMNS_MAX) {
		ss_err_set(SS_EXIT_DATA, "line %llu: more than %u fields",
		    (unsigned long long)cr->line, SS_COLUMNS_MAX);
		return (-1);
	}
	ncap = cr->fieldcap * 2;
	if (ncap < n)
		ncap = n;
	if (ncap > SS_COLUMNS_MAX)
		ncap = SS_COLUMNS_MAX;
	if ((nlens = realloc(cr->lens, ncap * sizeof(*nlens))) == NULL) {
		ss_err_errno("realloc");
		return (-1);
	}
	cr->lens = nlens;
	if ((nfields = realloc(cr->fields, ncap * sizeof(*nfields))) == NULL) {
		ss_err_errno("realloc");
		return (-1);
	}
	cr->fields = nfields;
	cr->fieldcap = ncap;
	return (0);
}

/* Make the record buffer hold at least ${len} bytes. */
static int
rowdata_reserve(struct ss_csv_reader * cr, size_t len)
{
	uint8_t * nrow;
	size_t ncap;

	if (len <= cr->rowcap)
		return (0);
	ncap = (cr->rowcap > 0) ? cr->rowcap : 4096;
	while (ncap < len)
		ncap *= 2;
	if ((nrow = realloc(cr->rowdata, ncap)) == NULL) {
		ss_err_errno("realloc");
		return (-1);
	}
	cr->rowdata = nrow;
	cr->rowcap = ncap;
	return (0);
}

static int
no_space(unsigned char c)
{

	(void)c;
	return (0);
}

static void
cb_field(void * s, size_t len, void * cookie)
{
	struct ss_csv_reader * cr = cookie;

	if (cr->failed)
		return;
	if (fields_reserve(cr, cr->nfields + 1))
		goto fail;
	if (len > SS_RECORD_MAX - cr->rowlen) {
		ss_err_set(SS_EXIT_DATA, "line %llu: record exceeds %u bytes",
		    (unsigned long long)cr->record_line, SS_RECORD_MAX);
		goto fail;
	}
	if (rowdata_reserve(cr, cr->rowlen + len))
		goto fail;
	if (len > 0)
		memcpy(cr->rowdata + cr->rowlen, s, len);
	cr->rowlen += len;
	cr->lens[cr->nfields++] = len;
	return;
fail:
	cr->failed = 1;
}

static void
cb_record(int c, void * cookie)
{
	struct ss_csv_reader * cr = cookie;
	size_t i, pos = 0;

	(void)c;
	if (cr->failed)
		return;
	for (i = 0; i < cr->nfields; i++) {
		cr->fields[i] = cr->rowdata + pos;
		pos += cr->lens[i];
	}
	if (cr->fn(cr->cookie, cr->fields, cr->lens, cr->nfields,
	    cr->record_line))
		cr->failed = 1;
	cr->nfields = 0;
	cr->rowlen = 0;
	/* A record after a bare CR starts on this line. */
	cr->record_line = cr->line;
}

struct ss_csv_reader *
ss_csv_reader_new(uint8_t delim, ss_csv_record_fn * fn, void * cookie)
{
	struct ss_csv_reader * cr;

	if ((cr = calloc(1, sizeof(*cr))) == NULL) {
		ss_err_errno("calloc");
		return (NULL);
	}
	if (csv_init(&cr->p, CSV_STRICT | CSV_STRICT_FINI) != 0) {
		ss_err_set(SS_EXIT_SYS, "csv_init failed");
		free(cr);
		return (NULL);
	}
	csv_set_delim(&cr->p, delim);
	csv_set_space_func(&cr->p, no_space);
	/*
	 * libcsv grows a field's buffer by a fixed step (128 bytes by
	 * default): quadratic copying for a long quoted field wherever
	 * realloc() cannot grow in place (ASan, valgrind, other allocators).
	 */
	csv_set_blk_size(&cr->p, 1024 * 1024);
	cr->delim = delim;
	cr->class[delim] = CLASS_DELIM;
	cr->class['"'] = CLASS_LIBCSV;
	cr->class['\r'] = CLASS_LIBCSV;
	cr->fn = fn;
	cr->cookie = cookie;
	cr->fast = 1;
	/* A record of empty fields still points into the buffer, not NULL. */
	if (fields_reserve(cr, 64) || rowdata_reserve(cr, 1)) {
		ss_csv_reader_free(cr);
		return (NULL);
	}
	return (cr);
}

void
ss_csv_reader_set_fast(struct ss_csv_reader * cr, int on)
{

	cr->fast = on;
}

/*
 * libcsv keeps its state in the public struct csv_parser; state 0
 * (ROW_NOT_BEGUN) means it is between records.
 */
static int
between_records(const struct ss_csv_reader * cr)
{

	return (cr->p.pstate == 0);
}

/*
 * Split a line (without its line end) on the delimiter, packing the fields
 * into the record buffer without the delimiters, in one pass, so that they
 * lie contiguous as they do on the libcsv path.  Return 1, having imported
 * nothing, if the line holds a quote or a CR.
 */
static int
split_line(struct ss_csv_reader * cr, const uint8_t * s, size_t len)
{
	const uint8_t * class = cr->class;
	uint8_t * dst;
	size_t i, n = 0, pos = 0, start = 0;
	uint8_t c;

	if (rowdata_reserve(cr, len))
		return (-1);
	dst = cr->rowdata;
	for (i = 0; i < len; i++) {
		c = s[i];
		if (class[c] == CLASS_DATA) {
			dst[pos++] = c;
			continue;
		}
		if (class[c] == CLASS_LIBCSV)
			return (1);
		cr->fields[n] = dst + start;
		cr->lens[n++] = pos - start;
		start = pos;
		if (n == cr->fieldcap && fields_reserve(cr, n + 1))
			return (-1);
	}
	cr->fields[n] = dst + start;
	cr->lens[n++] = pos - start;
	if (pos > SS_RECORD_MAX) {
		ss_err_set(SS_EXIT_DATA, "line %llu: record exceeds %u bytes",
		    (unsigned long long)cr->line, SS_RECORD_MAX);
		return (-1);
	}
	return (cr->fn(cr->cookie, cr->fields, cr->lens, n, cr->line));
}

/* Import one physical line, with its LF unless it is the last. */
static int
import_line(struct ss_csv_reader * cr, const uint8_t * s, size_t len)
{
	size_t body = len;
	int rc;

	cr->line++;
	if (cr->line == 1 && len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) {
		s += 3;
		len -= 3;
		body = len;
	}
	if (cr->fast && between_records(cr)) {
		if (body > 0 && s[body - 1] == '\n')
			body--;
		if (body > 0 && s[body - 1] == '\r')
			body--;
		if (body == 0)
			return (0);	/* blank line */
		if ((rc = split_line(cr, s, body)) != 1)
			return (rc);
	}

	if (between_records(cr))
		cr->record_line = cr->line;
	if (csv_parse(&cr->p, s, len, cb_field, cb_record, cr) != len &&
	    !cr->failed) {
		ss_err_set(SS_EXIT_DATA, "line %llu: malformed quoted field "
		    "(a stray quote, or text after a closing quote)",
		    (unsigned long long)cr->line);
		return (-1);
	}
	if (cr->failed)
		return (-1);
	/* libcsv's field in progress (entry_pos is public in csv.h). */
	if (cr->p.entry_pos > SS_RECORD_MAX - cr->rowlen) {
		ss_err_set(SS_EXIT_DATA, "line %llu: record exceeds %u bytes",
		    (unsigned long long)cr->record_line, SS_RECORD_MAX);
		return (-1);
	}
	return (0);
}

static int
carry_append(struct ss_csv_reader * cr, const uint8_t * s, size_t len)
{
	uint8_t * nc;
	size_t ncap;

	if (len > LINE_MAX_LEN - cr->carrylen) {
		ss_err_set(SS_EXIT_DATA, "line %llu: record exceeds %u bytes",
		    (unsigned long long)cr->line + 1, SS_RECORD_MAX);
		return (-1);
	}
	if (cr->carrylen + len > cr->carrycap) {
		ncap = (cr->carrycap > 0) ? cr->carrycap * 2 : 4096;
		while (ncap < cr->carrylen + len)
			ncap *= 2;
		if ((nc = realloc(cr->carry, ncap)) == NULL) {
			ss_err_errno("realloc");
			return (-1);
		}
		cr->carry = nc;
		cr->carrycap = ncap;
	}
	memcpy(cr->carry + cr->carrylen, s, len);
	cr->carrylen += len;
	return (0);
}

int
ss_csv_reader_feed(struct ss_csv_reader * cr, const uint8_t * buf, size_t len)
{
	const uint8_t * nl;
	size_t seg, seg_carry;

	while (len > 0) {
		if ((nl = memchr(buf, '\n', len)) == NULL)
			return (carry_append(cr, buf, len));
		seg = (size_t)(nl - buf) + 1;
		if (cr->carrylen > 0) {
			if (carry_append(cr, buf, seg))
				return (-1);
			seg_carry = cr->carrylen;
			cr->carrylen = 0;
			if (import_line(cr, cr->carry, seg_carry))
				return (-1);
		} else if (import_line(cr, buf, seg))
			return (-1);
		buf += seg;
		len -= seg;
	}
	return (0);
}

int
ss_csv_reader_finish(struct ss_csv_reader * cr)
{

	if (cr->carrylen > 0) {
		size_t n = cr->carrylen;

		cr->carrylen = 0;
		if (import_line(cr, cr->carry, n))
			return (-1);
	}
	if (csv_fini(&cr->p, cb_field, cb_record, cr) != 0 && !cr->failed) {
		ss_err_set(SS_EXIT_DATA, "line %llu: unterminated quoted field",
		    (unsigned long long)cr->record_line);
		return (-1);
	}
	return (cr->failed ? -1 : 0);
}

void
ss_csv_reader_free(struct ss_csv_reader * cr)
{

	if (cr == NULL)
		return;
	csv_free(&cr->p);
	free(cr->carry);
	free(cr->rowdata);
	free(cr->lens);
	free(cr->fields);
	free(cr);
}

#define WRITER_BUFSIZE	(64 * 1024)

struct ss_csv_writer {
	struct ss_output * out;
	uint8_t delim;
	int crlf;
	uint8_t special[256];	/* bytes that force quoting */
	uint8_t buf[WRITER_BUFSIZE];
	size_t len;
	uint64_t total;		/* bytes drained before buf */
};

struct ss_csv_writer *
ss_csv_writer_new(struct ss_output * out, uint8_t delim, int crlf)
{
	struct ss_csv_writer * cw;

	if ((cw = calloc(1, sizeof(*cw))) == NULL) {
		ss_err_errno("calloc");
		return (NULL);
	}
	cw->out = out;
	cw->delim = delim;
	cw->crlf = crlf;
	cw->special[delim] = 1;
	cw->special['"'] = 1;
	cw->special['\r'] = 1;
	cw->special['\n'] = 1;
	return (cw);
}

static int
writer_drain(struct ss_csv_writer * cw)
{

	if (ss_output_write(cw->out, cw->buf, cw->len))
		return (-1);
	cw->total += cw->len;
	cw->len = 0;
	return (0);
}

/* Append ${len} raw bytes. */
static int
put(struct ss_csv_writer * cw, const uint8_t * s, size_t len)
{

	if (len > WRITER_BUFSIZE - cw->len) {
		if (writer_drain(cw))
			return (-1);
		if (len > WRITER_BUFSIZE) {
			cw->total += len;
			return (ss_output_write(cw->out, s, len));
		}
	}
	memcpy(cw->buf + cw->len, s, len);
	cw->len += len;
	return (0);
}

static int
put_quoted(struct ss_csv_writer * cw, const uint8_t * s, size_t len)
{
	const uint8_t * q;

	if (put(cw, (const uint8_t *)"\"", 1))
		return (-1);
	while ((q = memchr(s, '"', len)) != NULL) {
		if (put(cw, s, (size_t)(q - s) + 1) ||
		    put(cw, (const uint8_t *)"\"", 1))
			return (-1);
		len -= (size_t)(q - s) + 1;
		s = q + 1;
	}
	if (put(cw, s, len) || put(cw, (const uint8_t *)"\"", 1))
		return (-1);
	return (0);
}

static inline int
put_field(struct ss_csv_writer * cw, const uint8_t * s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (cw->special[s[i]])
			return (put_quoted(cw, s, len));
	}
	return (put(cw, s, len));
}

static int
put_eol(struct ss_csv_writer * cw)
{

	if (cw->crlf)
		return (put(cw, (const uint8_t *)"\r\n", 2));
	return (put(cw, (const uint8_t *)"\n", 1));
}

/* Does the output start with field ${f}, which begins with a BOM? */
static int
leading_bom(const struct ss_csv_writer * cw, const uint8_t * f, size_t len)
{

	return (cw->total + cw->len == 0 && len >= 3 &&
	    memcmp(f, "\xef\xbb\xbf", 3) == 0);
}

int
ss_csv_writer_record(struct ss_csv_writer * cw, const uint8_t * const * fields,
    const size_t * lens, size_t nfields)
{
	size_t i;

	if (nfields == 1 && lens[0] == 0)
		return (put(cw, (const uint8_t *)"\"\"", 2) || put_eol(cw));
	for (i = 0; i < nfields; i++) {
		if (i > 0 && put(cw, &cw->delim, 1))
			return (-1);
		if (i == 0 && leading_bom(cw, fields[i], lens[i]) ?
		    put_quoted(cw, fields[i], lens[i]) :
		    put_field(cw, fields[i], lens[i]))
			return (-1);
	}
	return (put_eol(cw));
}

/* Write ${len} bytes at ${s} quoted into ${dst}; return the new end. */
static uint8_t *
emit_quoted(uint8_t * dst, const uint8_t * s, size_t len)
{
	size_t i;

	*dst++ = '"';
	for (i = 0; i < len; i++) {
		if (s[i] == '"')
			*dst++ = '"';
		*dst++ = s[i];
	}
	*dst++ = '"';
	return (dst);
}

/*
 * Write record ${r} of ${b} into the buffer, which has room for its worst
 * case (every field quoted, every byte a quote).  Each field is copied and
 * classified in one pass, and rewritten quoted only if it must be.
 */
static void
emit_record(struct ss_csv_writer * cw, const struct ss_batch * b, size_t r)
{
	uint8_t * dst = cw->buf + cw->len;
	size_t k = r * b->nfields;
	size_t start = ss_batch_offset(b, k);
	size_t end, i, j, len;
	const uint8_t * f;
	uint8_t flag;

	for (i = 0; i < b->nfields; i++, start = end) {
		end = ss_batch_offset(b, k + i + 1);
		f = b->data + start;
		len = end - start;
		if (i > 0)
			*dst++ = cw->delim;
		flag = 0;
		for (j = 0; j < len; j++) {
			dst[j] = f[j];
			flag |= cw->special[f[j]];
		}
		if (flag)
			dst = emit_quoted(dst, f, len);
		else if (len == 0 && b->nfields == 1)
			dst = emit_quoted(dst, f, 0);
		else
			dst += len;
	}
	if (cw->crlf)
		*dst++ = '\r';
	*dst++ = '\n';
	cw->len = (size_t)(dst - cw->buf);
}

int
ss_csv_writer_batch(struct ss_csv_writer * cw, const struct ss_batch * b)
{
	const uint8_t * f;
	size_t r, i, len, datalen, worst;
	int bom;

	for (r = 0; r < b->nrecords; r++) {
		/*
		 * A byte-order mark at the very start of the output is
		 * quoted, or the next import would drop it as an encoding
		 * hint; that record takes the field-by-field path.
		 */
		f = ss_batch_field(b, r, 0, &len);
		bom = leading_bom(cw, f, len);
		datalen = ss_batch_offset(b, (r + 1) * b->nfields) -
		    ss_batch_offset(b, r * b->nfields);
		worst = 2 * datalen + 3 * (size_t)b->nfields + 2;
		if (worst > WRITER_BUFSIZE - cw->len && writer_drain(cw))
			return (-1);
		if (!bom && worst <= WRITER_BUFSIZE - cw->len) {
			emit_record(cw, b, r);
			continue;
		}

		/* A record too large for the buffer: field by field. */
		for (i = 0; i < b->nfields; i++) {
			if (i > 0 && put(cw, &cw->delim, 1))
				return (-1);
			f = ss_batch_field(b, r, i, &len);
			if (i == 0 && bom ? put_quoted(cw, f, len) :
			    put_field(cw, f, len))
				return (-1);
		}
		if (b->nfields == 1 && len == 0 &&
		    put(cw, (const uint8_t *)"\"\"", 2))
			return (-1);
		if (put_eol(cw))
			return (-1);
	}
	return (0);
}

int
ss_csv_writer_flush(struct ss_csv_writer * cw)
{

	if (writer_drain(cw))
		return (-1);
	return (ss_output_flush(cw->out));
}

uint64_t
ss_csv_writer_bytes(const struct ss_csv_writer * cw)
{

	return (cw->total + cw->len);
}

void
ss_csv_writer_free(struct ss_csv_writer * cw)
{

	free(cw);
}
