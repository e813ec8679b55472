/*
 * ss-attest verify and show (attest.h): quotes of the software platform
 * (signed by its attestation key), quotes of a confidential VM (bound by
 * the hardware's evidence: evidence.h), and hardware evidence on its own.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "attest.h"
#include "cli.h"
#include "err.h"
#include "evidence.h"
#include "io.h"
#include "platform_dir.h"
#include "program.h"
#include "tee_quote.h"

#define HEX_LEN(n)	(2 * (n) + 1)

/* What a verify or show was given: a quote, or evidence on its own. */
struct input {
	uint8_t * buf;			/* what q and ev point into */
	size_t len;
	int is_quote;
	struct ss_quote q;
	int kind;			/* evidence: SS_EVIDENCE_* */
	struct ss_blob ev;
};

/* Certificates and collateral: the quote's, then --certs files. */
struct certs {
	struct ss_blob b[SS_VERIFY_CERTS_MAX + 1];
	uint8_t * data[SS_VERIFY_CERTS_MAX];
	size_t n;
};

/* The name of ${path} in messages. */
static const char *
name_of(const char * path)
{

	return ((strcmp(path, "-") == 0) ? "stdin" : path);
}

/*
 * Read ${path}: a quote's text, or hardware evidence (an SEV-SNP report,
 * a TDX or SGX quote) as it came from the hardware.
 */
static int
load_input(const char * path, struct input * in)
{
	uint8_t * text;
	size_t tlen;
	int rc = -1;

	memset(in, 0, sizeof(*in));
	if ((text = malloc(2 * SS_QUOTE_MAX)) == NULL) {
		ss_err_errno("malloc");
		return (-1);
	}
	if (ss_read_small_file(path, text, 2 * SS_QUOTE_MAX, &tlen, NULL))
		goto done;
	if ((in->kind = ss_evidence_detect(text, tlen)) != 0) {
		in->buf = text;
		text = NULL;
		in->len = tlen;
		in->ev.p = in->buf;
		in->ev.len = tlen;
		in->ev.name = name_of(path);
		rc = 0;
		goto done;
	}
	in->is_quote = 1;
	if (ss_quote_from_text((const char *)text, tlen, &in->buf,
	    &in->len) || ss_quote_parse(&in->q, in->buf, in->len))
		goto done;
	if (ss_quote_hardware(in->q.tee)) {
		in->kind = (in->q.tee == SS_TEE_SNP) ? SS_EVIDENCE_SNP :
		    SS_EVIDENCE_TDX;
		in->ev.p = in->q.evidence;
		in->ev.len = in->q.evidence_len;
		in->ev.name = "the quote's evidence";
		/* The evidence must be of the kind the quote says. */
		if (ss_evidence_detect(in->ev.p, in->ev.len) != in->kind) {
			ss_err_set(SS_EXIT_DATA, "quote's evidence is not the "
			    "%s evidence its platform says",
			    (in->q.tee == SS_TEE_SNP) ? "SEV-SNP" : "TDX");
			goto done;
		}
	}
	rc = 0;
done:
	if (rc != 0) {
		free(in->buf);
		in->buf = NULL;
		ss_err_prefix("%s", name_of(path));
	}
	free(text);
	return (rc);
}

/* Decode ${len} bytes of hex for option ${opt}. */
static int
parse_hex(uint8_t * out, size_t len, const char * hex, const char * opt,
    const char * hint)
{
	size_t n;

	if (strlen(hex) != 2 * len ||
	    sodium_hex2bin(out, len, hex, strlen(hex), NULL, &n, NULL) != 0 ||
	    n != len) {
		ss_err_set(SS_EXIT_SYS, "%s: expected %zu hex digits%s", opt,
		    2 * len, hint);
		return (-1);
	}
	return (0);
}

/* --min-tcb "bootloader=3,tee=0,snp=8,microcode=115[,fmc=N]" */
static int
parse_tcb(struct ss_snp_tcb * t, const char * s)
{
	static const char * const names[] = { "fmc", "bootloader", "tee",
	    "snp", "microcode" };
	uint8_t * v[] = { &t->fmc, &t->bootloader, &t->tee, &t->snp,
	    &t->microcode };
	const char * p = s;
	char * end;
	size_t i, n;
	unsigned long x;

	memset(t, 0, sizeof(*t));
	while (*p != '\0') {
		for (i = 0; i < 5; i++) {
			n = strlen(names[i]);
			if (strncmp(p, names[i], n) == 0 && p[n] == '=')
				break;
		}
		if (i == 5 || p[strlen(names[i]) + 1] < '0' ||
		    p[strlen(names[i]) + 1] > '9')
			goto bad;
		errno = 0;
		x = strtoul(p + strlen(names[i]) + 1, &end, 10);
		if (errno != 0 || x > 255 || (*end != ',' && *end != '\0'))
			goto bad;
		*v[i] = (uint8_t)x;
		p = (*end == ',') ? end + 1 : end;
	}
	return (0);
bad:
	ss_err_set(SS_EXIT_SYS, "--min-tcb: expected NAME=N,... with NAME one "
	    "of bootloader, tee, snp, microcode, fmc and N from 0 to 255, not "
	    "'%s'", s);
	return (-1);
}

/* --at: seconds since 1970, or "YYYY-MM-DDTHH:MM:SSZ". */
static int
parse_time(time_t * t, const char * s)
{
	struct tm tm;
	const char * end;
	char * e;
	long long x;

	memset(&tm, 0, sizeof(tm));
	if ((end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm)) != NULL &&
	    *end == '\0') {
		*t = timegm(&tm);
		return (0);
	}
	errno = 0;
	x = strtoll(s, &e, 10);
	if (s[0] >= '0' && s[0] <= '9' && errno == 0 && *e == '\0' &&
	    x > 0) {
		*t = (time_t)x;
		return (0);
	}
	ss_err_set(SS_EXIT_SYS, "--at: expected a time like "
	    "2024-01-31T12:00:00Z or seconds since 1970, not '%s'", s);
	return (-1);
}

/* The policy the options say. */
static int
make_policy(const struct ss_verify_opts * v, struct ss_evidence_policy * p)
{
	char * end;
	unsigned long x;

	ss_evidence_policy_init(p, 0);
	p->allow_debug = v->allow_debug;
	p->root_file = v->root;
	if (v->min_tcb != NULL) {
		if (parse_tcb(&p->min_tcb, v->min_tcb))
			return (-1);
		p->min_tcb_set = 1;
	}
	if (v->vmpl != NULL) {
		errno = 0;
		x = strtoul(v->vmpl, &end, 10);
		if (v->vmpl[0] < '0' || v->vmpl[0] > '3' || errno != 0 ||
		    *end != '\0' || x > 3) {
			ss_err_set(SS_EXIT_SYS, "--vmpl: expected 0 to 3, not "
			    "'%s'", v->vmpl);
			return (-1);
		}
		p->max_vmpl = (int)x;
	}
	if (v->allow_tcb != NULL) {
		if (strcmp(v->allow_tcb, "out-of-date") == 0)
			p->allow_tcb = SS_TCB_ALLOW_OUT_OF_DATE;
		else if (strcmp(v->allow_tcb, "revoked") == 0)
			p->allow_tcb = SS_TCB_ALLOW_REVOKED;
		else if (strcmp(v->allow_tcb, "out-of-date,revoked") == 0 ||
		    strcmp(v->allow_tcb, "revoked,out-of-date") == 0)
			p->allow_tcb = SS_TCB_ALLOW_OUT_OF_DATE |
			    SS_TCB_ALLOW_REVOKED;
		else {
			ss_err_set(SS_EXIT_SYS, "--allow-tcb: expected "
			    "out-of-date, revoked or both, not '%s'",
			    v->allow_tcb);
			return (-1);
		}
	}
	if (v->at != NULL && parse_time(&p->at, v->at))
		return (-1);
	return (0);
}

/* The quote's certificates (if any), then the --certs files. */
static int
load_certs(const struct ss_verify_opts * v, const struct input * in,
    struct certs * c)
{
	size_t i, len;

	memset(c, 0, sizeof(*c));
	if (in->is_quote && in->q.certs_len > 0) {
		c->b[c->n].p = in->q.certs;
		c->b[c->n].len = in->q.certs_len;
		c->b[c->n++].name = "the quote's certificates";
	}
	for (i = 0; i < v->ncerts; i++) {
		if (ss_read_file(v->certs[i], SS_QUOTE_CERTS_MAX,
		    &c->data[i], &len)) {
			ss_err_prefix("--certs %s", v->certs[i]);
			return (-1);
		}
		c->b[c->n].p = c->data[i];
		c->b[c->n].len = len;
		c->b[c->n++].name = v->certs[i];
	}
	return (0);
}

static void
free_certs(struct certs * c)
{
	size_t i;

	for (i = 0; i < SS_VERIFY_CERTS_MAX; i++)
		free(c->data[i]);
}

/* The owner's pins on the hardware's claims. */
static int
check_pins(const struct ss_verify_opts * v,
    const struct ss_evidence_claims * c)
{
	uint8_t want[SS_EVIDENCE_MEASUREMENT_MAX];
	size_t i;

	if (v->launch != NULL) {
		if (parse_hex(want, c->measurement_len, v->launch,
		    "--launch-measurement", " (ss-attest platform-init prints "
		    "it)"))
			return (-1);
		if (memcmp(want, c->measurement, c->measurement_len) != 0) {
			ss_err_set(SS_EXIT_DATA, "launch measurement mismatch: "
			    "the confidential VM runs another image");
			return (-1);
		}
	}
	if (v->mrsigner != NULL) {
		if (c->kind != SS_EVIDENCE_SGX) {
			ss_err_set(SS_EXIT_SYS, "--mrsigner: only SGX enclaves "
			    "have an MRSIGNER");
			return (-1);
		}
		if (parse_hex(want, sizeof(c->mrsigner), v->mrsigner,
		    "--mrsigner", ""))
			return (-1);
		if (memcmp(want, c->mrsigner, sizeof(c->mrsigner)) != 0) {
			ss_err_set(SS_EXIT_DATA, "MRSIGNER mismatch: the "
			    "enclave was signed by another key");
			return (-1);
		}
	}
	for (i = 0; i < 4; i++) {
		if (v->rtmr[i] == NULL)
			continue;
		if (c->kind != SS_EVIDENCE_TDX) {
			ss_err_set(SS_EXIT_SYS, "--rtmr: only TDX has RTMRs");
			return (-1);
		}
		if (parse_hex(want, 48, v->rtmr[i], "--rtmr", ""))
			return (-1);
		if (memcmp(want, c->rtmr[i], 48) != 0) {
			ss_err_set(SS_EXIT_DATA, "RTMR%zu mismatch: the TD ran "
			    "other software since its launch", i);
			return (-1);
		}
	}
	return (0);
}

/* Verify the hardware's evidence in ${in} under the options ${v}. */
static int
verify_evidence(const struct ss_verify_opts * v, const struct input * in,
    struct ss_evidence_claims * claims)
{
	struct ss_evidence_policy pol;
	struct certs certs;
	int rc = -1;

	if (make_policy(v, &pol) || load_certs(v, in, &certs))
		goto done;
	if (ss_evidence_verify(in->kind, &in->ev, certs.b, certs.n, &pol,
	    claims) || check_pins(v, claims))
		goto done;
	/* Accepted, but not as good as it gets: say so. */
	if (claims->tcb_status[0] != '\0' &&
	    strcmp(claims->tcb_status, "UpToDate") != 0)
		fprintf(stderr, "ss-attest: %s: TCB status %s%s%s\n",
		    name_of(v->quote), claims->tcb_status,
		    (claims->advisories[0] != '\0') ? "; advisories " : "",
		    claims->advisories);
	rc = 0;
done:
	free_certs(&certs);
	return (rc);
}

/* The software platform's signature over the quote's body. */
static int
verify_signature(const struct ss_verify_opts * v, const struct input * in)
{
	uint8_t pk[SS_KEY_LEN], id[SS_PLATFORM_ID_LEN];
	const struct ss_quote * q = &in->q;

	/* Only now is it known that the quote needs one. */
	if (v->platform == NULL)
		ss_cli_usage_error("verify: give --platform PUBKEY");
	if (ss_platform_key_decode(pk, v->platform)) {
		ss_err_prefix("--platform");
		return (-1);
	}
	if (ss_quote_platform_id(id, pk))
		return (-1);
	if (memcmp(id, q->platform_id, sizeof(id)) != 0) {
		ss_err_set(SS_EXIT_DATA, "quote comes from another platform "
		    "(platform key id differs)");
		return (-1);
	}
	if (crypto_sign_verify_detached(q->signature, in->buf, q->signed_len,
	    pk) != 0) {
		ss_err_set(SS_EXIT_DATA, "quote signature does not verify: "
		    "tampered with, or not signed by this platform");
		return (-1);
	}
	if (q->tee == SS_TEE_INPROCESS) {
		ss_err_set(SS_EXIT_DATA, "quote is from an enclave that ran "
		    "inside its host process (--tee none): no isolation, "
		    "never accepted");
		return (-1);
	}
	if (!v->allow_software) {
		ss_err_set(SS_EXIT_DATA, "quote is from a software TEE, which "
		    "gives no hardware protection (--allow-software accepts "
		    "it)");
		return (-1);
	}
	return (0);
}

/*
 * A confidential VM's quote: the evidence verifies, the VM's launch is
 * the one pinned, and its REPORT_DATA binds the quote's claims.
 */
static int
verify_hardware(const struct ss_verify_opts * v, const struct input * in)
{
	struct ss_evidence_claims claims;
	uint8_t rd[SS_TEE_REPORT_DATA_LEN];

	if (v->launch == NULL)
		ss_cli_usage_error("verify: give --launch-measurement HEX (the "
		    "confidential VM's, which ss-attest platform-init prints): "
		    "any VM image could have made this quote");
	if (verify_evidence(v, in, &claims) ||
	    ss_quote_tee_report_data(rd, &in->q))
		return (-1);
	if (memcmp(rd, claims.report_data, sizeof(rd)) != 0) {
		ss_err_set(SS_EXIT_DATA, "hardware report data does not bind "
		    "the quote's stage key, measurement and nonce");
		return (-1);
	}
	return (0);
}

/* What every quote claims, checked against itself and the options. */
static int
verify_claims(const struct ss_verify_opts * v, const struct ss_quote * q)
{
	uint8_t want[SS_SHA256_LEN], d[SS_SHA256_LEN];
	size_t nlen = (v->nonce != NULL) ? strlen(v->nonce) : 0;

	if (v->measurement != NULL && parse_hex(want, SS_SHA256_LEN,
	    v->measurement, "--measurement", " (from ss-attest measure)"))
		return (-1);
	if (ss_sha256(d, q->program, q->program_len))
		return (-1);
	if (memcmp(d, q->program_digest, sizeof(d)) != 0) {
		ss_err_set(SS_EXIT_DATA, "quote's program does not match its "
		    "program digest");
		return (-1);
	}
	if (ss_measurement(d, q->image_digest, q->program_digest))
		return (-1);
	if (memcmp(d, q->measurement, sizeof(d)) != 0) {
		ss_err_set(SS_EXIT_DATA, "quote's measurement does not match "
		    "its image and program digests");
		return (-1);
	}
	if (v->measurement != NULL &&
	    memcmp(want, q->measurement, sizeof(want)) != 0) {
		ss_err_set(SS_EXIT_DATA, "measurement mismatch: the enclave "
		    "runs another image or another program");
		return (-1);
	}
	if (q->nonce_len != nlen || (nlen > 0 &&
	    memcmp(q->nonce, v->nonce, nlen) != 0)) {
		ss_err_set(SS_EXIT_DATA, "nonce mismatch: the quote was not "
		    "made for this request (replayed?)");
		return (-1);
	}
	if (ss_quote_report_data(d, q->stage_pk, q->nonce, q->nonce_len))
		return (-1);
	if (memcmp(d, q->report_data, sizeof(d)) != 0) {
		ss_err_set(SS_EXIT_DATA, "quote's report data does not bind "
		    "its stage key and nonce");
		return (-1);
	}
	return (0);
}

/* The verifier's own arguments, before any input is read. */
static int
check_usage(const struct ss_verify_opts * v)
{
	struct ss_evidence_policy pol;
	uint8_t pk[SS_KEY_LEN], m[SS_SHA256_LEN];

	if (v->platform != NULL && ss_platform_key_decode(pk, v->platform)) {
		ss_err_prefix("--platform");
		return (-1);
	}
	if (v->measurement != NULL && parse_hex(m, SS_SHA256_LEN,
	    v->measurement, "--measurement", " (from ss-attest measure)"))
		return (-1);
	if (v->nonce != NULL && strlen(v->nonce) > SS_QUOTE_NONCE_MAX) {
		ss_err_set(SS_EXIT_SYS, "--nonce: longer than %d bytes",
		    SS_QUOTE_NONCE_MAX);
		return (-1);
	}
	return (make_policy(v, &pol));
}

int
ss_attest_verify(const struct ss_verify_opts * v)
{
	struct ss_evidence_claims claims;
	struct input in;
	char text[SS_PUBKEY_TEXT_LEN + 1];
	char hex[HEX_LEN(SS_EVIDENCE_REPORT_DATA)];
	int rc = -1;

	if (check_usage(v) || load_input(v->quote, &in))
		return (-1);
	if (!in.is_quote) {
		/* Evidence on its own: what it binds is the reader's. */
		if (verify_evidence(v, &in, &claims))
			goto done;
		ss_hex(hex, claims.report_data, sizeof(claims.report_data));
		printf("%s\n", hex);
	} else {
		/* The signature or evidence before anything the quote says. */
		if ((ss_quote_hardware(in.q.tee) ? verify_hardware(v, &in) :
		    verify_signature(v, &in)) || verify_claims(v, &in.q))
			goto done;
		if (ss_key_public_encode(text, in.q.stage_pk))
			goto done;
		printf("%s\n", text);
	}
	rc = ss_stdout_flush();
done:
	if (rc != 0 && ss_err_status() == SS_EXIT_DATA)
		ss_err_prefix("%s", name_of(v->quote));
	free(in.buf);
	return (rc);
}

/* Print ${len} bytes, escaping what a terminal should not see. */
static void
print_escaped(const char * val, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if ((unsigned char)val[i] < 0x20 || val[i] == 0x7f ||
		    val[i] == '\\')
			printf("\\x%02x", (unsigned char)val[i]);
		else
			putchar(val[i]);
	}
}

/* Print one program entry. */
static int
show_entry(void * cookie, const char * key, const char * val, size_t len)
{

	(void)cookie;
	printf("  %s: ", key);
	print_escaped(val, len);
	putchar('\n');
	return (0);
}

/* The quote's own fields. */
static int
show_quote(const struct ss_quote * q)
{
	static const char * const tees[] = { "?",
	    "software (a locked-down process: NO hardware protection)",
	    "none (ran inside its host process: NO isolation)",
	    "SEV-SNP confidential VM (an isolated enclave in it)",
	    "TDX confidential VM (an isolated enclave in it)" };
	struct ss_program * p;
	char hex[HEX_LEN(SS_SHA256_LEN)];
	char pk[SS_PUBKEY_TEXT_LEN + 1];

	printf("tee: %s\n", tees[(q->tee <= SS_TEE_TDX) ? q->tee : 0]);
	ss_hex(hex, q->measurement, SS_SHA256_LEN);
	printf("measurement: %s\n", hex);
	ss_hex(hex, q->image_digest, SS_SHA256_LEN);
	printf("image digest: %s\n", hex);
	ss_hex(hex, q->program_digest, SS_SHA256_LEN);
	printf("program digest: %s\n", hex);
	if (!ss_quote_hardware(q->tee)) {
		ss_hex(hex, q->platform_id, SS_PLATFORM_ID_LEN);
		printf("platform key id: %s\n", hex);
	}
	if (ss_key_public_encode(pk, q->stage_pk))
		return (-1);
	printf("stage key: %s\n", pk);
	ss_hex(hex, q->report_data, SS_SHA256_LEN);
	printf("report data: %s\n", hex);
	printf("nonce: ");
	if (q->nonce_len == 0)
		printf("(none)");
	print_escaped((const char *)q->nonce, q->nonce_len);
	putchar('\n');
	printf("program:\n");
	if ((p = ss_program_decode(q->program, q->program_len)) == NULL) {
		printf("  (malformed)\n");
	} else {
		(void)ss_program_describe(p, show_entry, NULL);
		ss_program_free(p);
	}
	return (0);
}

int
ss_attest_show(const char * path)
{
	struct ss_evidence_claims claims;
	struct input in;
	int rc = -1;

	if (load_input(path, &in))
		return (-1);
	if (in.is_quote && show_quote(&in.q))
		goto done;
	if (in.is_quote && !ss_quote_hardware(in.q.tee)) {
		printf("signature: not checked (ss-attest verify checks it)\n");
	} else {
		if (ss_evidence_parse(in.kind, &in.ev, &claims)) {
			ss_err_prefix("%s", name_of(path));
			goto done;
		}
		if (in.is_quote)
			printf("hardware evidence:\n");
		ss_evidence_print(&claims, stdout);
		printf("signature: not checked (ss-attest verify checks it)\n");
	}
	rc = ss_stdout_flush();
done:
	free(in.buf);
	return (rc);
}
