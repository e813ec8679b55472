/*
 * Unit tests for libcore/common/program.c: the canonical program encoding, its
 * decoder, field lists, and the measurement.
 */

#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <openssl/evp.h>

#include "batch.h"
#include "err.h"
#include "frame.h"
#include "program.h"

#include "check_util.h"

/* The ss-format(5) test vector's recipient. */
#define VEC_PUBLIC \
	"sspub1-Z13VdO13iTELPS52gfN5C0ZsdzsVIf7PNld5WDcepS-8ISEb"

/*
 * The encoding of "ss-map -f a,c -r VEC_PUBLIC", written out by hand from
 * program.h, and its SHA-256, from
 *	{ printf 'ssprog1\n\003map\000\002\006fields\000\000\000\003a,c';
 *	  printf '\011recipient\000\000\000\067%s' "$VEC_PUBLIC"; } |
 *	    sha256sum
 */
static const uint8_t vec_prog[] =
	"ssprog1\n" "\003map" "\000\002"
	"\006fields" "\000\000\000\003" "a,c"
	"\011recipient" "\000\000\000\067" VEC_PUBLIC;
#define VEC_PROG_LEN	(sizeof(vec_prog) - 1)
#define VEC_PROG_SHA256 \
	"abc038b9bebc11f5dc8d74cedd86049616528a6dace28d93bda787136408fdf4"

/* The text of the fixed public key whose bytes are ${first} + i. */
static void
fixed_pub(char text[SS_PUBKEY_TEXT_LEN + 1], uint8_t first)
{
	uint8_t pk[SS_KEY_LEN];
	size_t i;

	for (i = 0; i < SS_KEY_LEN; i++)
		pk[i] = (uint8_t)(first + i);
	ck_assert_int_eq(ss_key_public_encode(text, pk), 0);
}

/* A program "map" with the field list ${fields} and ${n} recipients. */
static struct ss_program *
map_program(const char * fields, const char * const * r, size_t n)
{
	struct ss_program * p;
	size_t i;

	ck_assert_ptr_nonnull(p = ss_program_new("map"));
	ck_assert_int_eq(ss_program_add(p, "fields", fields, strlen(fields)),
	    0);
	for (i = 0; i < n; i++)
		ck_assert_int_eq(ss_program_add(p, SS_PROGRAM_RECIPIENT, r[i],
		    strlen(r[i])), 0);
	return (p);
}

/* Encode ${p} (and free it); the encoding, ${len} bytes. */
static uint8_t *
encode_free(struct ss_program * p, size_t * len)
{
	uint8_t * buf;

	ck_assert_int_eq(ss_program_encode(p, &buf, len), 0);
	ss_program_free(p);
	return (buf);
}

/* ${buf} does not decode, with a data error. */
static void
refused(const uint8_t * buf, size_t len, const char * what)
{
	struct ss_program * p;

	ss_err_clear();
	p = ss_program_decode(buf, len);
	ck_assert_msg(p == NULL, "%s: decoded", what);
	ck_assert_msg(ss_err_status() == SS_EXIT_DATA, "%s: status %d (%s)",
	    what, ss_err_status(), ss_err_msg());
	ck_assert_str_eq(ss_err_msg(), "malformed program encoding");
}

START_TEST(test_vector)
{
	const char * r[] = { VEC_PUBLIC };
	uint8_t want[SS_SHA256_LEN], d[SS_SHA256_LEN];
	struct ss_program * p;
	uint8_t * buf;
	size_t len;

	buf = encode_free(map_program("a,c", r, 1), &len);
	ck_assert_uint_eq(len, VEC_PROG_LEN);
	ck_assert_mem_eq(buf, vec_prog, VEC_PROG_LEN);
	ck_assert_int_eq(ss_sha256(d, buf, len), 0);
	tu_hex(want, sizeof(want), VEC_PROG_SHA256);
	ck_assert_mem_eq(d, want, SS_SHA256_LEN);
	free(buf);

	ck_assert_ptr_nonnull(p = ss_program_decode(vec_prog, VEC_PROG_LEN));
	ck_assert_str_eq(p->op, "map");
	ck_assert_uint_eq(p->n, 2);
	ck_assert_str_eq(ss_program_get(p, "fields"), "a,c");
	ck_assert_str_eq(ss_program_get(p, SS_PROGRAM_RECIPIENT), VEC_PUBLIC);
	ck_assert_ptr_null(ss_program_get(p, "nothing"));
	ss_program_free(p);
}
END_TEST

/* The order of -r, and repeated -r, do not change the bytes. */
START_TEST(test_recipient_order)
{
	char k1[SS_PUBKEY_TEXT_LEN + 1], k2[SS_PUBKEY_TEXT_LEN + 1],
	    k3[SS_PUBKEY_TEXT_LEN + 1];
	const char * a[] = { k1, k2, k3 };
	const char * b[] = { k3, k1, k2 };
	const char * c[] = { k2, k3, k2, k1, k3, k1 };
	const char * d[] = { k1, k2 };
	struct ss_recipients * r;
	struct ss_program * p;
	uint8_t * ea, * eb, * ec, * ed;
	size_t la, lb, lc, ld, i;

	fixed_pub(k1, 0x10);
	fixed_pub(k2, 0x80);
	fixed_pub(k3, 0x40);
	ea = encode_free(map_program("x,y", a, 3), &la);
	eb = encode_free(map_program("x,y", b, 3), &lb);
	ec = encode_free(map_program("x,y", c, 6), &lc);
	ed = encode_free(map_program("x,y", d, 2), &ld);
	ck_assert_uint_eq(la, lb);
	ck_assert_mem_eq(ea, eb, la);
	ck_assert_uint_eq(la, lc);
	ck_assert_mem_eq(ea, ec, la);
	/* A different set is a different program. */
	ck_assert(ld != la || memcmp(ea, ed, la) != 0);

	/* Three recipients, sorted by their text. */
	ck_assert_ptr_nonnull(p = ss_program_decode(ea, la));
	ck_assert_uint_eq(p->n, 4);
	ck_assert_str_eq(p->e[0].key, "fields");
	for (i = 1; i < 4; i++)
		ck_assert_str_eq(p->e[i].key, SS_PROGRAM_RECIPIENT);
	ck_assert(strcmp(p->e[1].val, p->e[2].val) < 0);
	ck_assert(strcmp(p->e[2].val, p->e[3].val) < 0);
	ck_assert_ptr_nonnull(r = ss_program_recipients(p));
	ck_assert_uint_eq(r->n, 3);
	ss_recipients_free(r);
	ss_program_free(p);

	/* ss_program_add_recipients gives the same bytes as the texts. */
	ck_assert_ptr_nonnull(r = ss_recipients_new());
	for (i = 0; i < 6; i++)
		ck_assert_int_eq(ss_recipients_add(r, c[i]), 0);
	ck_assert_ptr_nonnull(p = ss_program_new("map"));
	ck_assert_int_eq(ss_program_add_recipients(p, r), 0);
	ck_assert_int_eq(ss_program_add(p, "fields", "x,y", 3), 0);
	ss_recipients_free(r);
	free(ed);
	ed = encode_free(p, &ld);
	ck_assert_uint_eq(ld, la);
	ck_assert_mem_eq(ed, ea, la);

	free(ea);
	free(eb);
	free(ec);
	free(ed);
}
END_TEST

/* Recipients of one output: "out.N.recipient", a set like "recipient". */
START_TEST(test_output_recipients)
{
	char k1[SS_PUBKEY_TEXT_LEN + 1], k2[SS_PUBKEY_TEXT_LEN + 1],
	    k3[SS_PUBKEY_TEXT_LEN + 1];
	struct ss_recipients * r, * own;
	struct ss_program * p, * q;
	uint8_t * ea, * eb;
	size_t la, lb, out;

	fixed_pub(k1, 0x10);
	fixed_pub(k2, 0x80);
	fixed_pub(k3, 0x40);

	/* Keys: only canonical numbers below the limit. */
	ck_assert_int_eq(ss_program_recipient_key("recipient", &out), 1);
	ck_assert_int_eq(ss_program_recipient_key("out.0.recipient", &out), 2);
	ck_assert_uint_eq(out, 0);
	ck_assert_int_eq(ss_program_recipient_key("out.255.recipient", &out),
	    2);
	ck_assert_uint_eq(out, 255);
	ck_assert_int_eq(ss_program_recipient_key("out.256.recipient", &out),
	    0);
	ck_assert_int_eq(ss_program_recipient_key("out.01.recipient", &out),
	    0);
	ck_assert_int_eq(ss_program_recipient_key("out..recipient", &out), 0);
	ck_assert_int_eq(ss_program_recipient_key("out.1.recipients", &out),
	    0);
	ck_assert_int_eq(ss_program_recipient_key("out.1", &out), 0);
	ck_assert_int_eq(ss_program_recipient_key("out.-1.recipient", &out),
	    0);

	/* Given in any order, with repeats: one encoding. */
	ck_assert_ptr_nonnull(p = ss_program_new("route"));
	ck_assert_int_eq(ss_program_add(p, "n", "2", 1), 0);
	ck_assert_int_eq(ss_program_add(p, "out.1.recipient", k2,
	    strlen(k2)), 0);
	ck_assert_int_eq(ss_program_add(p, "out.1.recipient", k1,
	    strlen(k1)), 0);
	ck_assert_int_eq(ss_program_add(p, "out.0.recipient", k3,
	    strlen(k3)), 0);
	ck_assert_int_eq(ss_program_add(p, "recipient", k1, strlen(k1)), 0);
	ck_assert_int_eq(ss_program_add(p, "out.1.recipient", k2,
	    strlen(k2)), 0);
	ea = encode_free(p, &la);
	ck_assert_ptr_nonnull(p = ss_program_new("route"));
	ck_assert_ptr_nonnull(r = ss_recipients_new());
	ck_assert_int_eq(ss_recipients_add(r, k1), 0);
	ck_assert_int_eq(ss_recipients_add(r, k2), 0);
	ck_assert_int_eq(ss_program_add_output_recipients(p, 1, r), 0);
	ck_assert_int_eq(ss_program_add_recipients(p, r), 0);
	ss_recipients_free(r);
	/* (k2 for every output too: another program.) */
	ck_assert_int_eq(ss_program_add(p, "n", "2", 1), 0);
	ck_assert_ptr_nonnull(r = ss_recipients_new());
	ck_assert_int_eq(ss_recipients_add(r, k3), 0);
	ck_assert_int_eq(ss_program_add_output_recipients(p, 0, r), 0);
	ss_recipients_free(r);
	eb = encode_free(p, &lb);
	ck_assert(la != lb || memcmp(ea, eb, la) != 0);
	free(eb);

	/* Each output: the common recipients and its own, each once. */
	ck_assert_ptr_nonnull(q = ss_program_decode(ea, la));
	ck_assert_ptr_nonnull(own = ss_program_output_recipients(q, 0));
	ck_assert_uint_eq(own->n, 2);
	ss_recipients_free(own);
	ck_assert_ptr_nonnull(own = ss_program_output_recipients(q, 1));
	ck_assert_uint_eq(own->n, 2);
	ss_recipients_free(own);
	ck_assert_ptr_nonnull(own = ss_program_output_recipients(q, 2));
	ck_assert_uint_eq(own->n, 1);
	ss_recipients_free(own);
	ck_assert_ptr_nonnull(r = ss_program_recipients(q));
	ck_assert_uint_eq(r->n, 1);
	ss_recipients_free(r);
	ss_program_free(q);

	/* Out of order or repeated: refused. */
	{
		uint8_t * bad;
		const char * key = "out.1.recipient";
		size_t klen = strlen(key), pos;
		uint8_t * hit;

		/* Swap the two out.1 values in place: not sorted. */
		ck_assert_ptr_nonnull(bad = malloc(la));
		memcpy(bad, ea, la);
		ck_assert_ptr_nonnull(hit = memmem(bad, la, key, klen));
		pos = (size_t)(hit - bad) + klen + 4;
		ck_assert_ptr_nonnull(memmem(bad + pos + SS_PUBKEY_TEXT_LEN,
		    la - pos - SS_PUBKEY_TEXT_LEN, key, klen));
		{
			char t[SS_PUBKEY_TEXT_LEN];
			size_t pos2 = pos + SS_PUBKEY_TEXT_LEN + 1 + klen + 4;

			memcpy(t, bad + pos, SS_PUBKEY_TEXT_LEN);
			memcpy(bad + pos, bad + pos2, SS_PUBKEY_TEXT_LEN);
			memcpy(bad + pos2, t, SS_PUBKEY_TEXT_LEN);
		}
		ck_assert_ptr_null(ss_program_decode(bad, la));
		/* The same key twice: refused too. */
		memcpy(bad, ea, la);
		memcpy(bad + pos, bad + pos + SS_PUBKEY_TEXT_LEN + 1 + klen + 4,
		    SS_PUBKEY_TEXT_LEN);
		ck_assert_ptr_null(ss_program_decode(bad, la));
		free(bad);
	}
	free(ea);
	ck_assert_ptr_nonnull(q = ss_program_new("route"));
	ck_assert_int_eq(ss_program_add_output_recipients(q, 256, NULL), -1);
	ss_program_free(q);
}
END_TEST

/* Keys are sorted; values under one (other) key keep their order. */
START_TEST(test_key_order)
{
	struct ss_program * p, * q;
	uint8_t * e1, * e2;
	size_t l1, l2;

	ck_assert_ptr_nonnull(p = ss_program_new("op"));
	ck_assert_int_eq(ss_program_add(p, "zeta", "1", 1), 0);
	ck_assert_int_eq(ss_program_add(p, "b", "second-b", 8), 0);
	ck_assert_int_eq(ss_program_add(p, "alpha", "2", 1), 0);
	ck_assert_int_eq(ss_program_add(p, "b", "first-b", 7), 0);
	ck_assert_int_eq(ss_program_add(p, "b", "second-b", 8), 0);
	ck_assert_int_eq(ss_program_add(p, "ab", "", 0), 0);
	ck_assert_int_eq(ss_program_add(p, "nul", "a\0b", 3), 0);
	e1 = encode_free(p, &l1);

	ck_assert_ptr_nonnull(q = ss_program_decode(e1, l1));
	ck_assert_str_eq(q->op, "op");
	ck_assert_uint_eq(q->n, 7);
	ck_assert_str_eq(q->e[0].key, "ab");
	ck_assert_uint_eq(q->e[0].vallen, 0);
	ck_assert_str_eq(q->e[1].key, "alpha");
	ck_assert_str_eq(q->e[2].key, "b");
	ck_assert_str_eq(q->e[2].val, "second-b");
	ck_assert_str_eq(q->e[3].val, "first-b");
	ck_assert_str_eq(q->e[4].val, "second-b");
	ck_assert_str_eq(q->e[5].key, "nul");
	ck_assert_uint_eq(q->e[5].vallen, 3);
	ck_assert_mem_eq(q->e[5].val, "a\0b", 3);
	ck_assert_str_eq(q->e[6].key, "zeta");
	/* Encoding a decoded program gives the same bytes. */
	e2 = encode_free(q, &l2);
	ck_assert_uint_eq(l1, l2);
	ck_assert_mem_eq(e1, e2, l1);
	free(e1);
	free(e2);

	/* The order of values under a key is part of the program. */
	ck_assert_ptr_nonnull(p = ss_program_new("op"));
	ck_assert_int_eq(ss_program_add(p, "b", "1", 1), 0);
	ck_assert_int_eq(ss_program_add(p, "b", "2", 1), 0);
	e1 = encode_free(p, &l1);
	ck_assert_ptr_nonnull(p = ss_program_new("op"));
	ck_assert_int_eq(ss_program_add(p, "b", "2", 1), 0);
	ck_assert_int_eq(ss_program_add(p, "b", "1", 1), 0);
	e2 = encode_free(p, &l2);
	ck_assert_uint_eq(l1, l2);
	ck_assert(memcmp(e1, e2, l1) != 0);
	free(e1);
	free(e2);
}
END_TEST

static int
collect(void * cookie, const char * key, const char * val, size_t len)
{
	char * s = cookie;

	strcat(s, key);
	strcat(s, "=");
	strncat(s, val, len);
	strcat(s, ";");
	return (strcmp(key, "stop") == 0 ? -1 : 0);
}

START_TEST(test_round_trip)
{
	char k1[SS_PUBKEY_TEXT_LEN + 1], k2[SS_PUBKEY_TEXT_LEN + 1];
	const char * r[] = { k2, k1 };
	struct ss_recipients * rs;
	struct ss_program * p;
	uint8_t * e1, * e2;
	size_t l1, l2;
	char out[1024] = "";

	fixed_pub(k1, 0x01);
	fixed_pub(k2, 0x02);
	e1 = encode_free(map_program("carrier=UniqueCarrier,ArrDelay", r, 2),
	    &l1);
	ck_assert_ptr_nonnull(p = ss_program_decode(e1, l1));
	ck_assert_str_eq(ss_program_get(p, "fields"),
	    "carrier=UniqueCarrier,ArrDelay");
	ck_assert_ptr_nonnull(rs = ss_program_recipients(p));
	ck_assert_uint_eq(rs->n, 2);
	ss_recipients_free(rs);
	ck_assert_int_eq(ss_program_describe(p, collect, out), 0);
#define WANT	"op=map;fields=carrier=UniqueCarrier,ArrDelay;recipient=sspub1-"
	ck_assert(strncmp(out, WANT, strlen(WANT)) == 0);
#undef WANT
	e2 = encode_free(p, &l2);
	ck_assert_uint_eq(l1, l2);
	ck_assert_mem_eq(e1, e2, l1);
	free(e1);
	free(e2);

	/* A program with no entries at all. */
	ck_assert_ptr_nonnull(p = ss_program_new("map"));
	e1 = encode_free(p, &l1);
	ck_assert_uint_eq(l1, 8 + 1 + 3 + 2);
	ck_assert_mem_eq(e1, "ssprog1\n\003map\0\0", l1);
	ck_assert_ptr_nonnull(p = ss_program_decode(e1, l1));
	ck_assert_uint_eq(p->n, 0);
	ck_assert_ptr_nonnull(rs = ss_program_recipients(p));
	ck_assert_uint_eq(rs->n, 0);
	ss_recipients_free(rs);
	/* describe stops at the first error. */
	ck_assert_int_eq(ss_program_add(p, "stop", "x", 1), 0);
	ck_assert_int_eq(ss_program_add(p, "zz", "y", 1), 0);
	out[0] = '\0';
	ck_assert_int_eq(ss_program_describe(p, collect, out), -1);
	ck_assert_str_eq(out, "op=map;stop=x;");
	ss_program_free(p);
	free(e1);
}
END_TEST

/* Bad names and sizes are refused when building a program. */
START_TEST(test_build_errors)
{
	char name[SS_PROGRAM_KEY_MAX + 2];
	struct ss_program * p;
	uint8_t * buf;
	char * big;
	size_t i, len;

	memset(name, 'k', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	ck_assert_ptr_null(ss_program_new(""));
	ck_assert_ptr_null(ss_program_new(name));
	ck_assert_int_eq(ss_err_status(), SS_EXIT_SYS);
	name[SS_PROGRAM_KEY_MAX] = '\0';
	ck_assert_ptr_nonnull(p = ss_program_new(name));
	ck_assert_int_eq(ss_program_add(p, "", "x", 1), -1);
	name[SS_PROGRAM_KEY_MAX] = 'k';
	ck_assert_int_eq(ss_program_add(p, name, "x", 1), -1);
	name[SS_PROGRAM_KEY_MAX] = '\0';
	ck_assert_int_eq(ss_program_add(p, name, "x", 1), 0);
	/* Longest names round-trip. */
	ck_assert_int_eq(ss_program_encode(p, &buf, &len), 0);
	ss_program_free(p);
	ck_assert_ptr_nonnull(p = ss_program_decode(buf, len));
	ck_assert_str_eq(p->op, name);
	ck_assert_str_eq(p->e[0].key, name);
	free(buf);
	ss_program_free(p);

	/* Too many entries, too long a value, too long an encoding. */
	ck_assert_ptr_nonnull(p = ss_program_new("map"));
	for (i = 0; i < SS_PROGRAM_ENTRIES_MAX; i++)
		ck_assert_int_eq(ss_program_add(p, "k", "", 0), 0);
	ck_assert_int_eq(ss_program_add(p, "k", "", 0), -1);
	ss_program_free(p);
	ck_assert_ptr_nonnull(big = calloc(1, SS_PROGRAM_MAX + 1));
	ck_assert_ptr_nonnull(p = ss_program_new("map"));
	ck_assert_int_eq(ss_program_add(p, "k", big, SS_PROGRAM_MAX + 1), -1);
	ck_assert_int_eq(ss_program_add(p, "k", big, SS_PROGRAM_MAX - 100),
	    0);
	ck_assert_int_eq(ss_program_add(p, "k", big, 100), 0);
	ss_err_clear();
	ck_assert_int_eq(ss_program_encode(p, &buf, &len), -1);
	ck_assert_str_eq(ss_err_msg(), "program too long");
	ss_program_free(p);
	free(big);
}
END_TEST

/* Every truncation, extension and change of a valid encoding. */
START_TEST(test_decode_malformed)
{
	char k1[SS_PUBKEY_TEXT_LEN + 1], k2[SS_PUBKEY_TEXT_LEN + 1];
	const char * r[] = { k1, k2 };
	struct ss_program * p;
	uint8_t * enc, * b;
	size_t len, i, pos;

	fixed_pub(k1, 0x01);
	fixed_pub(k2, 0x02);
	enc = encode_free(map_program("a,b", r, 2), &len);
	ck_assert_ptr_nonnull(b = malloc(len + 1));

	refused(enc, 0, "empty");
	for (i = 0; i < len; i++)
		refused(enc, i, "truncated");
	memcpy(b, enc, len);
	b[len] = 0;
	refused(b, len + 1, "one byte more");
	for (i = 0; i < 8; i++) {
		memcpy(b, enc, len);
		b[i] ^= 0x20;
		refused(b, len, "magic");
	}

	/* The operator name: empty, too long, holding a NUL. */
	memcpy(b, enc, len);
	b[8] = 0;
	refused(b, len, "empty operator");
	b[8] = SS_PROGRAM_KEY_MAX + 1;
	refused(b, len, "long operator");
	memcpy(b, enc, len);
	b[10] = '\0';
	refused(b, len, "NUL in operator");
	memcpy(b, enc, len);
	b[8] = 2;		/* "ma" then "p\0..." taken as the count */
	refused(b, len, "short operator");

	/* The entry count: one more, one fewer, huge. */
	pos = 8 + 1 + 3;
	memcpy(b, enc, len);
	b[pos + 1] = 4;
	refused(b, len, "count too high");
	b[pos + 1] = 2;
	refused(b, len, "count too low");
	b[pos] = b[pos + 1] = 0xff;
	refused(b, len, "huge count");

	/* The first entry ("fields"): key and value lengths. */
	pos = 8 + 1 + 3 + 2;
	memcpy(b, enc, len);
	b[pos] = 0;
	refused(b, len, "empty key");
	b[pos] = SS_PROGRAM_KEY_MAX + 1;
	refused(b, len, "long key");
	memcpy(b, enc, len);
	b[pos + 3] = '\0';
	refused(b, len, "NUL in key");
	memcpy(b, enc, len);
	ss_be32enc(b + pos + 7, 0xffffffff);
	refused(b, len, "huge value");
	ss_be32enc(b + pos + 7, 4);
	refused(b, len, "value one too long");
	ss_be32enc(b + pos + 7, 2);
	refused(b, len, "value one too short");

	/* Any changed byte of the structure but the values' contents. */
	memcpy(b, enc, len);
	b[pos + 1] = 'e';	/* "eields" still sorts before "recipient" */
	ck_assert_ptr_nonnull(p = ss_program_decode(b, len));
	ss_program_free(p);
	b[pos + 1] = 's';	/* "sields" sorts after "recipient" */
	refused(b, len, "keys out of order");
	free(b);
	free(enc);
}
END_TEST

/* Orders an encoder never writes are refused. */
START_TEST(test_decode_noncanonical)
{
	char k1[SS_PUBKEY_TEXT_LEN + 1], k2[SS_PUBKEY_TEXT_LEN + 1];
	uint8_t buf[1024];
	struct ss_program * p;
	size_t len;

#define START(op) do {							\
	memcpy(buf, SS_PROGRAM_MAGIC, 8);				\
	len = 8;							\
	buf[len++] = (uint8_t)strlen(op);				\
	memcpy(buf + len, op, strlen(op));				\
	len += strlen(op);						\
	len += 2;							\
} while (0)
#define ENTRY(k, v) do {						\
	buf[len++] = (uint8_t)strlen(k);				\
	memcpy(buf + len, k, strlen(k));				\
	len += strlen(k);						\
	ss_be32enc(buf + len, (uint32_t)strlen(v));			\
	len += 4;							\
	memcpy(buf + len, v, strlen(v));				\
	len += strlen(v);						\
} while (0)
#define COUNT(n)	ss_be16enc(buf + 8 + 1 + buf[8], (n))

	fixed_pub(k1, 0x01);
	fixed_pub(k2, 0x02);
	ck_assert(strcmp(k1, k2) != 0);
	if (strcmp(k1, k2) > 0) {
		char t[SS_PUBKEY_TEXT_LEN + 1];

		strcpy(t, k1);
		strcpy(k1, k2);
		strcpy(k2, t);
	}

	/* The canonical form decodes ... */
	START("map");
	ENTRY("fields", "a");
	ENTRY("recipient", k1);
	ENTRY("recipient", k2);
	COUNT(3);
	ck_assert_ptr_nonnull(p = ss_program_decode(buf, len));
	ss_program_free(p);

	/* ... but not keys out of order, */
	START("map");
	ENTRY("recipient", k1);
	ENTRY("fields", "a");
	COUNT(2);
	refused(buf, len, "recipient before fields");
	/* nor recipients out of order, */
	START("map");
	ENTRY("fields", "a");
	ENTRY("recipient", k2);
	ENTRY("recipient", k1);
	COUNT(3);
	refused(buf, len, "recipients out of order");
	/* nor a repeated recipient. */
	START("map");
	ENTRY("fields", "a");
	ENTRY("recipient", k1);
	ENTRY("recipient", k1);
	COUNT(3);
	refused(buf, len, "repeated recipient");
	/* Repeated other keys keep their order; both orders decode. */
	START("map");
	ENTRY("b", "2");
	ENTRY("b", "1");
	ENTRY("b", "1");
	COUNT(3);
	ck_assert_ptr_nonnull(p = ss_program_decode(buf, len));
	ck_assert_uint_eq(p->n, 3);
	ss_program_free(p);
	/* Keys compare as bytes: "a" < "ab" < "b". */
	START("map");
	ENTRY("ab", "");
	ENTRY("a", "");
	COUNT(2);
	refused(buf, len, "ab before a");
	START("map");
	ENTRY("a", "");
	ENTRY("ab", "");
	ENTRY("b", "");
	COUNT(3);
	ck_assert_ptr_nonnull(p = ss_program_decode(buf, len));
	ss_program_free(p);

#undef START
#undef ENTRY
#undef COUNT
}
END_TEST

/* More entries than a program may hold: refused as data, not a crash. */
START_TEST(test_decode_too_many)
{
	size_t n = SS_PROGRAM_ENTRIES_MAX + 1, len, i;
	struct ss_program * p;
	uint8_t * buf;

	ck_assert_ptr_nonnull(buf = malloc(8 + 4 + 2 + n * 6));
	memcpy(buf, "ssprog1\n\003map", 12);
	ss_be16enc(buf + 12, (uint16_t)n);
	len = 14;
	for (i = 0; i < n; i++) {
		memcpy(buf + len, "\001k\0\0\0\0", 6);
		len += 6;
	}
	refused(buf, len, "too many entries");
	/* One fewer is fine. */
	ss_be16enc(buf + 12, (uint16_t)(n - 1));
	ck_assert_ptr_nonnull(p = ss_program_decode(buf, len - 6));
	ck_assert_uint_eq(p->n, n - 1);
	ss_program_free(p);
	free(buf);
}
END_TEST

/* Random bytes and random changes never decode into garbage. */
START_TEST(test_decode_garbage)
{
	char k1[SS_PUBKEY_TEXT_LEN + 1];
	const char * r[] = { k1 };
	uint8_t buf[512], * enc, * enc2;
	struct ss_program * p;
	uint64_t seed = 0x5eed;
	size_t len, len2, i, j, n;

	for (i = 0; i < 10000; i++) {
		n = (size_t)(tu_rand(&seed) % sizeof(buf));
		for (j = 0; j < n; j++)
			buf[j] = (uint8_t)tu_rand(&seed);
		if (n >= 8 && (i & 1))
			memcpy(buf, SS_PROGRAM_MAGIC, 8);
		ck_assert_ptr_null(ss_program_decode(buf, n));
	}

	/* Changed bytes: whatever still decodes re-encodes to itself. */
	fixed_pub(k1, 0x33);
	enc = encode_free(map_program("a,b=c", r, 1), &len);
	ck_assert_uint_le(len, sizeof(buf));
	for (i = 0; i < 20000; i++) {
		memcpy(buf, enc, len);
		n = 1 + (size_t)(tu_rand(&seed) % 3);
		for (j = 0; j < n; j++)
			buf[tu_rand(&seed) % len] = (uint8_t)tu_rand(&seed);
		if ((p = ss_program_decode(buf, len)) == NULL) {
			ck_assert_int_eq(ss_err_status(), SS_EXIT_DATA);
			continue;
		}
		ck_assert_int_eq(ss_program_encode(p, &enc2, &len2), 0);
		ck_assert_uint_eq(len2, len);
		ck_assert_mem_eq(enc2, buf, len);
		free(enc2);
		ss_program_free(p);
	}
	free(enc);
}
END_TEST

/* Parse ${list}; its items as "name<from|name<from|". */
static char *
fieldlist(const char * list)
{
	static char out[1024];
	struct ss_fieldspec * s;
	size_t n, i;

	ss_err_clear();
	if (ss_fieldlist_parse(list, &s, &n) != 0) {
		ck_assert_int_eq(ss_err_status(), SS_EXIT_SYS);
		return (NULL);
	}
	out[0] = '\0';
	for (i = 0; i < n; i++) {
		ck_assert(s[i].name >= list && s[i].from >= list);
		snprintf(out + strlen(out), sizeof(out) - strlen(out),
		    "%.*s<%.*s|", (int)s[i].namelen, s[i].name,
		    (int)s[i].fromlen, s[i].from);
	}
	free(s);
	return (out);
}

START_TEST(test_fieldlist)
{
	char * big;
	size_t i;

	ck_assert_str_eq(fieldlist("a"), "a<a|");
	ck_assert_str_eq(fieldlist("a,b,c"), "a<a|b<b|c<c|");
	ck_assert_str_eq(fieldlist("c,a"), "c<c|a<a|");
	ck_assert_str_eq(fieldlist("new=old"), "new<old|");
	ck_assert_str_eq(fieldlist("x=a,a,y=a"), "x<a|a<a|y<a|");
	ck_assert_str_eq(fieldlist("a=b,b=a"), "a<b|b<a|");
	/* Only the first '=' renames; spaces are part of names. */
	ck_assert_str_eq(fieldlist("a=b=c"), "a<b=c|");
	ck_assert_str_eq(fieldlist(" a , b"), " a < a | b< b|");
	ck_assert_str_eq(fieldlist("Unique Carrier"),
	    "Unique Carrier<Unique Carrier|");

	/* Empty items and names. */
	ck_assert_ptr_null(fieldlist(""));
	ck_assert(strstr(ss_err_msg(), "empty field name") != NULL);
	ck_assert_ptr_null(fieldlist(","));
	ck_assert_ptr_null(fieldlist("a,"));
	ck_assert_ptr_null(fieldlist(",a"));
	ck_assert_ptr_null(fieldlist("a,,b"));
	ck_assert_ptr_null(fieldlist("=a"));
	ck_assert_ptr_null(fieldlist("a="));
	ck_assert_ptr_null(fieldlist("="));
	ck_assert_ptr_null(fieldlist("a,=b"));
	ck_assert(strstr(ss_err_msg(), "empty field name") != NULL);

	/* Two output columns of one name. */
	ck_assert_ptr_null(fieldlist("a,a"));
	ck_assert_str_eq(ss_err_msg(), "two output fields named 'a'");
	ck_assert_ptr_null(fieldlist("x=a,x=b"));
	ck_assert_str_eq(ss_err_msg(), "two output fields named 'x'");
	ck_assert_ptr_null(fieldlist("a=b,a"));
	ck_assert_ptr_null(fieldlist("b,c,a=b,b"));
	ck_assert_str_eq(ss_err_msg(), "two output fields named 'b'");
	/* A prefix is another name. */
	ck_assert_str_eq(fieldlist("ab,a,abc"), "ab<ab|a<a|abc<abc|");

	/* At most SS_COLUMNS_MAX fields. */
	ck_assert_ptr_nonnull(big = malloc(SS_COLUMNS_MAX * 8 + 16));
	big[0] = '\0';
	for (i = 0; i < SS_COLUMNS_MAX + 1; i++)
		sprintf(big + strlen(big), "%s%zx", i ? "," : "", i);
	ck_assert_ptr_null(fieldlist(big));
	ck_assert(strstr(ss_err_msg(), "more than") != NULL);
	free(big);
}
END_TEST

/* SHA-256 of ${a} || ${b} || ${c} through OpenSSL: an independent check. */
static void
evp_sha256(uint8_t out[SS_SHA256_LEN], const void * a, size_t alen,
    const void * b, size_t blen, const void * c, size_t clen)
{
	EVP_MD_CTX * ctx;
	unsigned int n;

	ck_assert_ptr_nonnull(ctx = EVP_MD_CTX_new());
	ck_assert_int_eq(EVP_DigestInit_ex(ctx, EVP_sha256(), NULL), 1);
	ck_assert_int_eq(EVP_DigestUpdate(ctx, a, alen), 1);
	ck_assert_int_eq(EVP_DigestUpdate(ctx, b, blen), 1);
	ck_assert_int_eq(EVP_DigestUpdate(ctx, c, clen), 1);
	ck_assert_int_eq(EVP_DigestFinal_ex(ctx, out, &n), 1);
	ck_assert_uint_eq(n, SS_SHA256_LEN);
	EVP_MD_CTX_free(ctx);
}

START_TEST(test_measurement)
{
	uint8_t img[SS_SHA256_LEN], prog[SS_SHA256_LEN];
	uint8_t m[SS_SHA256_LEN], want[SS_SHA256_LEN];
	uint64_t seed = 42;
	size_t i, j;

	/*
	 * Image digest bytes 0..31, program digest 32..63:
	 *	{ printf 'securestreams/1 measurement';
	 *	  printf "$(printf '\\%03o' $(seq 0 63))"; } | sha256sum
	 */
	for (i = 0; i < SS_SHA256_LEN; i++) {
		img[i] = (uint8_t)i;
		prog[i] = (uint8_t)(SS_SHA256_LEN + i);
	}
	ck_assert_int_eq(ss_measurement(m, img, prog), 0);
	tu_hex(want, sizeof(want), "aefbc006fa8935b407de264e4cf77c6c"
	    "765b697a6bdcaa7c1314ee12a55d6f1a");
	ck_assert_mem_eq(m, want, SS_SHA256_LEN);

	/*
	 * The empty image running "ss-map -f a,c -r VEC_PUBLIC":
	 *	img=$(printf '' | sha256sum | cut -c1-64)
	 *	prog=VEC_PROG_SHA256
	 *	{ printf 'securestreams/1 measurement';
	 *	  printf %s$img$prog | xxd -r -p; } | sha256sum
	 * which is also what "ss-attest measure --enclave /dev/null --
	 * ss-map -f a,c -r VEC_PUBLIC" prints.
	 */
	ck_assert_int_eq(ss_sha256(img, "", 0), 0);
	ck_assert_int_eq(ss_sha256(prog, vec_prog, VEC_PROG_LEN), 0);
	ck_assert_int_eq(ss_measurement(m, img, prog), 0);
	tu_hex(want, sizeof(want), "3be4b06b7ce86bebcea6dffd9af77941"
	    "0257e2df5bb9e653e6df3e8177765b67");
	ck_assert_mem_eq(m, want, SS_SHA256_LEN);

	/* Random digests against OpenSSL; the two inputs do not commute. */
	for (i = 0; i < 100; i++) {
		for (j = 0; j < SS_SHA256_LEN; j++) {
			img[j] = (uint8_t)tu_rand(&seed);
			prog[j] = (uint8_t)tu_rand(&seed);
		}
		ck_assert_int_eq(ss_measurement(m, img, prog), 0);
		evp_sha256(want, "securestreams/1 measurement", 27, img,
		    SS_SHA256_LEN, prog, SS_SHA256_LEN);
		ck_assert_mem_eq(m, want, SS_SHA256_LEN);
		ck_assert_int_eq(ss_measurement(want, prog, img), 0);
		ck_assert(memcmp(m, want, SS_SHA256_LEN) != 0);
	}
}
END_TEST

static Suite *
program_suite(void)
{
	Suite * s = suite_create("program");
	TCase * tc = tcase_create("encoding");
	TCase * tf = tcase_create("fields");

	tcase_add_test(tc, test_vector);
	tcase_add_test(tc, test_recipient_order);
	tcase_add_test(tc, test_key_order);
	tcase_add_test(tc, test_output_recipients);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_build_errors);
	tcase_add_test(tc, test_decode_malformed);
	tcase_add_test(tc, test_decode_noncanonical);
	tcase_add_test(tc, test_decode_too_many);
	tcase_add_test(tc, test_decode_garbage);
	tcase_add_test(tc, test_measurement);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	tcase_add_test(tf, test_fieldlist);
	suite_add_tcase(s, tf);
	return (s);
}

int
main(void)
{

	return (tu_run_sodium(program_suite()));
}
