#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "crypt.h"
#include "err.h"
#include "key.h"

/* Binary payload of a key's text form: the key and a 4-byte checksum. */
#define KEY_CHECK_LEN	4
#define KEY_BLOB_LEN	(SS_KEY_LEN + KEY_CHECK_LEN)
#define KEY_B64_LEN	48

static int
key_checksum(uint8_t check[KEY_CHECK_LEN], const char * prefix,
    const uint8_t * key)
{
	uint8_t buf[32 + SS_KEY_LEN];
	uint8_t digest[SS_SHA256_LEN];
	size_t plen = strlen(prefix);
	int rc;

	memcpy(buf, prefix, plen);
	memcpy(buf + plen, key, SS_KEY_LEN);
	rc = ss_sha256(digest, buf, plen + SS_KEY_LEN);
	memcpy(check, digest, KEY_CHECK_LEN);
	sodium_memzero(buf, sizeof(buf));
	sodium_memzero(digest, sizeof(digest));
	return (rc);
}

/* Encode ${key} as ${prefix} || base64url(key || check) into ${text}. */
static int
key_encode(char * text, const char * prefix, const uint8_t * key)
{
	uint8_t blob[KEY_BLOB_LEN];
	size_t plen = strlen(prefix);

	memcpy(blob, key, SS_KEY_LEN);
	if (key_checksum(blob + SS_KEY_LEN, prefix, key))
		goto err;
	memcpy(text, prefix, plen);
	sodium_bin2base64(text + plen, KEY_B64_LEN + 1, blob, sizeof(blob),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(blob, sizeof(blob));
	return (0);
err:
	sodium_memzero(blob, sizeof(blob));
	return (-1);
}

int
ss_b64_ascii(const char * text, size_t len)
{
	unsigned int high = 0;
	size_t i;

	/* Branch-free: key texts are secret. */
	for (i = 0; i < len; i++)
		high |= (unsigned char)text[i];
	return ((high & 0x80) == 0);
}

/*
 * Decode a key of the kind named by ${prefix}; ${other} is the prefix of
 * the other kind, recognised only to say what went wrong.
 */
static int
key_decode(uint8_t * key, const char * text, size_t len, const char * prefix,
    const char * kind, const char * other, const char * other_hint)
{
	uint8_t blob[KEY_BLOB_LEN];
	uint8_t check[KEY_CHECK_LEN];
	size_t plen = strlen(prefix);
	size_t olen = (other != NULL) ? strlen(other) : 0;
	size_t binlen;

	if (other != NULL && len >= olen && memcmp(text, other, olen) == 0) {
		ss_err_set(SS_EXIT_SYS, "%s", other_hint);
		return (-1);
	}
	if (len < plen || memcmp(text, prefix, plen) != 0) {
		ss_err_set(SS_EXIT_SYS,
		    "not a securestreams %s (expected %s...)", kind, prefix);
		return (-1);
	}
	if (len != plen + KEY_B64_LEN || !ss_b64_ascii(text + plen, KEY_B64_LEN) ||
	    sodium_base642bin(blob, sizeof(blob), text + plen, KEY_B64_LEN,
	    NULL, &binlen, NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING) ||
	    binlen != sizeof(blob)) {
		ss_err_set(SS_EXIT_SYS, "malformed %s (wrong length or "
		    "characters)", kind);
		goto err;
	}
	if (key_checksum(check, prefix, blob))
		goto err;
	if (sodium_memcmp(check, blob + SS_KEY_LEN, KEY_CHECK_LEN) != 0) {
		ss_err_set(SS_EXIT_SYS, "%s checksum mismatch (mistyped "
		    "or truncated?)", kind);
		goto err;
	}
	memcpy(key, blob, SS_KEY_LEN);
	sodium_memzero(blob, sizeof(blob));
	return (0);
err:
	sodium_memzero(blob, sizeof(blob));
	return (-1);
}

int
ss_key_generate(uint8_t pk[SS_KEY_LEN], uint8_t * sk)
{

	randombytes_buf(sk, SS_KEY_LEN);
	return (ss_key_public_of(pk, sk));
}

int
ss_key_public_of(uint8_t pk[SS_KEY_LEN], const uint8_t * sk)
{

	if (crypto_scalarmult_base(pk, sk) != 0) {
		ss_err_set(SS_EXIT_DATA, "invalid secret key");
		return (-1);
	}
	return (0);
}

int
ss_key_public_encode(char * text, const uint8_t pk[SS_KEY_LEN])
{

	return (key_encode(text, SS_PUBKEY_PREFIX, pk));
}

int
ss_key_public_decode(uint8_t pk[SS_KEY_LEN], const char * text, size_t len)
{

	return (key_decode(pk, text, len, SS_PUBKEY_PREFIX, "public key",
	    SS_SECKEY_PREFIX, "this is a secret key, not a public key "
	    "(ss-keygen -y FILE prints the public key)"));
}

/* Trim blanks and a CR at both ends of [*s, *s + *len). */
static void
trim(const char ** s, size_t * len)
{

	while (*len > 0 && ((*s)[0] == ' ' || (*s)[0] == '\t')) {
		(*s)++;
		(*len)--;
	}
	while (*len > 0 && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t' ||
	    (*s)[*len - 1] == '\r'))
		(*len)--;
}

/*
 * Call ${fn} on every line of the key file text ${buf} that is neither
 * blank nor a comment; on failure, prefix the error with the line number.
 * A file without such a line holds no ${kind} key: an error too.
 */
static int
for_each_key_line(const char * buf, size_t len,
    int (* fn)(void *, const char *, size_t), void * cookie,
    const char * kind)
{
	const char * line;
	const char * nl;
	size_t linelen, nkeys = 0;
	unsigned long lineno = 0;

	while (len > 0) {
		lineno++;
		line = buf;
		if ((nl = memchr(buf, '\n', len)) != NULL) {
			linelen = (size_t)(nl - buf);
			buf = nl + 1;
			len -= linelen + 1;
		} else {
			linelen = len;
			len = 0;
		}
		trim(&line, &linelen);
		if (linelen == 0 || line[0] == '#')
			continue;
		if (fn(cookie, line, linelen)) {
			ss_err_prefix("line %lu", lineno);
			return (-1);
		}
		nkeys++;
	}
	if (nkeys == 0) {
		ss_err_set(SS_EXIT_SYS, "no %s key in file", kind);
		return (-1);
	}
	return (0);
}

struct ss_recipients *
ss_recipients_new(void)
{
	struct ss_recipients * r;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		ss_err_errno("calloc");
	return (r);
}

static int
recipients_add_line(void * cookie, const char * text, size_t len)
{
	struct ss_recipients * r = cookie;
	uint8_t (* pk)[SS_KEY_LEN];

	if (r->n >= SS_RECIPIENTS_MAX) {
		ss_err_set(SS_EXIT_SYS, "too many recipients (at most %d)",
		    SS_RECIPIENTS_MAX);
		return (-1);
	}
	if ((pk = realloc(r->pk, (r->n + 1) * sizeof(*pk))) == NULL) {
		ss_err_errno("realloc");
		return (-1);
	}
	r->pk = pk;
	if (ss_key_public_decode(r->pk[r->n], text, len))
		return (-1);
	r->n++;
	return (0);
}

int
ss_recipients_add(struct ss_recipients * r, const char * text)
{

	if (recipients_add_line(r, text, strlen(text)) == 0)
		return (0);
	/*
	 * Name the bad key, unless it holds a secret one (anywhere: a key
	 * pasted with a leading blank or quote is still secret).
	 */
	if (strcasestr(text, SS_SECKEY_PREFIX) == NULL)
		ss_err_prefix("'%s'", text);
	return (-1);
}

int
ss_recipients_parse(struct ss_recipients * r, const char * buf, size_t len)
{

	return (for_each_key_line(buf, len, recipients_add_line, r, "public"));
}

void
ss_recipients_free(struct ss_recipients * r)
{

	if (r == NULL)
		return;
	free(r->pk);
	free(r);
}

struct ss_identities *
ss_identities_new(void)
{
	struct ss_identities * ids;

	if ((ids = calloc(1, sizeof(*ids))) == NULL)
		ss_err_errno("calloc");
	return (ids);
}

int
ss_identities_add(struct ss_identities * ids, const uint8_t * sk)
{
	uint8_t * nsk;
	uint8_t (* pk)[SS_KEY_LEN];

	if (ids->n >= SS_IDENTITIES_MAX) {
		ss_err_set(SS_EXIT_SYS, "too many identities (at most %d)",
		    SS_IDENTITIES_MAX);
		return (-1);
	}
	if ((pk = realloc(ids->pk, (ids->n + 1) * sizeof(*pk))) == NULL) {
		ss_err_errno("realloc");
		return (-1);
	}
	ids->pk = pk;
	if (ss_key_public_of(ids->pk[ids->n], sk))
		return (-1);

	/* Guarded memory cannot grow in place: copy into a larger region. */
	if ((nsk = sodium_malloc((ids->n + 1) * SS_KEY_LEN)) == NULL) {
		ss_err_errno("sodium_malloc");
		return (-1);
	}
	if (ids->n > 0) {
		sodium_mprotect_readonly(ids->sk);
		memcpy(nsk, ids->sk, ids->n * SS_KEY_LEN);
		sodium_free(ids->sk);
	}
	memcpy(nsk + ids->n * SS_KEY_LEN, sk, SS_KEY_LEN);
	sodium_mprotect_readonly(nsk);
	ids->sk = nsk;
	ids->n++;
	return (0);
}

static int
identities_add_line(void * cookie, const char * text, size_t len)
{
	struct ss_identities * ids = cookie;
	uint8_t * sk;
	int rc;

	if ((sk = sodium_malloc(SS_KEY_LEN)) == NULL) {
		ss_err_errno("sodium_malloc");
		return (-1);
	}
	rc = key_decode(sk, text, len, SS_SECKEY_PREFIX, "secret key",
	    SS_PUBKEY_PREFIX, "this is a public key, not an identity "
	    "(secret key) file");
	if (rc == 0)
		rc = ss_identities_add(ids, sk);
	sodium_free(sk);
	return (rc);
}

int
ss_identities_parse(struct ss_identities * ids, const char * buf, size_t len)
{

	return (for_each_key_line(buf, len, identities_add_line, ids,
	    "secret"));
}

void
ss_identities_free(struct ss_identities * ids)
{

	if (ids == NULL)
		return;
	sodium_free(ids->sk);
	free(ids->pk);
	free(ids);
}

int
ss_key_encode_named(char * text, const char * prefix, const uint8_t * key)
{

	return (key_encode(text, prefix, key));
}

int
ss_key_decode_named(uint8_t * key, const char * text, size_t len,
    const char * prefix, const char * kind)
{

	return (key_decode(key, text, len, prefix, kind, NULL, NULL));
}
