/*
 * ss-attest's platforms, measurements and new stage identities
 * (attest.h); verification is in attest_verify.c.
 */

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "attest.h"
#include "ecall.h"
#include "ecall_msg.h"
#include "err.h"
#include "evidence.h"
#include "io.h"
#include "platform.h"
#include "platform_dir.h"
#include "program.h"
#include "stage.h"
#include "tee.h"
#include "tee_quote.h"
#include "tsm.h"

#define HEX_LEN(n)	(2 * (n) + 1)
#define LABEL_PROBE	"securestreams/1 platform probe"

static const char * const tee_names[] = { "?", "software", "?",
    "SEV-SNP", "TDX" };

/*
 * Ask the confidential VM for a report (for nothing but itself): which
 * hardware is this (in ${tee}; ${want}, if not 0, must be it), and what
 * is its launch measurement, which the owner pins (in ${hex}).
 */
static int
probe_hardware(int want, int * tee,
    char hex[HEX_LEN(SS_EVIDENCE_MEASUREMENT_MAX)])
{
	struct ss_evidence_claims c;
	struct ss_tsm_report r;
	struct ss_blob ev;
	uint8_t inblob[SS_TSM_INBLOB_LEN];
	int rc = -1;

	if (ss_sha512(inblob, LABEL_PROBE, sizeof(LABEL_PROBE) - 1) ||
	    ss_tsm_report(ss_tsm_dir(), inblob, &r))
		return (-1);
	*tee = r.tee;
	if (want != 0 && r.tee != want) {
		ss_err_set(SS_EXIT_SYS, "this confidential VM is %s, not %s",
		    tee_names[r.tee], tee_names[want]);
		goto done;
	}
	ev.p = r.outblob;
	ev.len = r.outlen;
	ev.name = "configfs-tsm outblob";
	if (ss_evidence_parse((r.tee == SS_TEE_SNP) ? SS_EVIDENCE_SNP :
	    SS_EVIDENCE_TDX, &ev, &c))
		goto done;
	ss_hex(hex, c.measurement, c.measurement_len);
	rc = 0;
done:
	ss_tsm_report_free(&r);
	return (rc);
}

/* The platform kind named ${name}, or 0 (with --tee's usage error). */
static int
tee_kind(const char * name)
{

	if (strcmp(name, "software") == 0)
		return (SS_TEE_SOFTWARE);
	if (strcmp(name, "snp") == 0)
		return (SS_TEE_SNP);
	if (strcmp(name, "tdx") == 0)
		return (SS_TEE_TDX);
	ss_err_set(SS_EXIT_SYS, "--tee: unknown platform '%s' (software, snp "
	    "or tdx)", name);
	return (0);
}

int
ss_attest_platform_init(const char * name)
{
	uint8_t pk[SS_KEY_LEN];
	char text[SS_PLATFORM_TEXT_MAX];
	char launch[HEX_LEN(SS_EVIDENCE_MEASUREMENT_MAX)];
	struct stat sb;
	char * dir;
	int want = 0, tee = SS_TEE_SOFTWARE, rc = -1;

	if (name != NULL && (want = tee_kind(name)) == 0)
		return (-1);
	if ((dir = ss_platform_dir()) == NULL)
		return (-1);
	/* A confidential VM: the hardware's, unless told otherwise. */
	if (want != SS_TEE_SOFTWARE && (want != 0 ||
	    stat(ss_tsm_dir(), &sb) == 0)) {
		if (probe_hardware(want, &tee, launch))
			goto done;
	}
	if (ss_platform_init(dir, tee, pk))
		goto done;
	if (tee != SS_TEE_SOFTWARE) {
		fprintf(stderr, "%s: %s platform created at %s; its launch "
		    "measurement, which its quotes carry, follows\n",
		    "ss-attest", tee_names[tee], dir);
		printf("%s\n", launch);
	} else {
		fprintf(stderr, "%s: platform created at %s\n", "ss-attest",
		    dir);
		if (ss_key_encode_named(text, SS_PLATFORM_PREFIX, pk))
			goto done;
		printf("%s\n", text);
	}
	rc = ss_stdout_flush();
done:
	free(dir);
	return (rc);
}

int
ss_attest_measure(const struct ss_stage_opts * o, const char * image)
{
	uint8_t idig[SS_SHA256_LEN], pdig[SS_SHA256_LEN], m[SS_SHA256_LEN];
	char hex[HEX_LEN(SS_SHA256_LEN)];
	char * path = NULL;
	uint8_t * prog = NULL;
	size_t proglen;
	int rc = -1;

	if (image == NULL && (path = ss_tee_image()) == NULL)
		return (-1);
	if (ss_tee_image_digest(image != NULL ? image : path, idig) ||
	    ss_program_encode(o->program, &prog, &proglen) ||
	    ss_sha256(pdig, prog, proglen) || ss_measurement(m, idig, pdig))
		goto done;
	ss_hex(hex, m, sizeof(m));
	printf("%s\n", hex);
	rc = ss_stdout_flush();
done:
	free(path);
	free(prog);
	return (rc);
}

/*
 * The quote body ${q} the enclave made on a hardware platform ${tee}:
 * have the hardware report on its REPORT_DATA (configfs-tsm), and make
 * ${q} the whole quote, in a new buffer ${*buf}.
 */
static int
add_evidence(int tee, struct ss_msg_bytes * q, uint8_t ** buf)
{
	struct ss_quote body;
	struct ss_tsm_report r;
	uint8_t rd[SS_TEE_REPORT_DATA_LEN];
	size_t len;
	int rc = -1;

	if (ss_quote_parse_body(&body, q->p, q->len) || body.tee != tee ||
	    ss_quote_tee_report_data(rd, &body))
		return (-1);
	if (ss_tsm_report(ss_tsm_dir(), rd, &r))
		return (-1);
	if (r.tee != tee) {
		ss_err_set(SS_EXIT_SYS, "configfs-tsm gave a %s report on a "
		    "%s platform", tee_names[r.tee], tee_names[tee]);
		goto done;
	}
	if (ss_quote_add_evidence(q->p, q->len, r.outblob, r.outlen,
	    r.auxblob, r.auxlen, buf, &len))
		goto done;
	q->p = *buf;
	q->len = len;
	rc = 0;
done:
	ss_tsm_report_free(&r);
	return (rc);
}

int
ss_attest_new(const struct ss_stage_opts * o, const char * sealed,
    const char * nonce)
{
	struct ss_enclave * e = NULL;
	struct ss_output * out = NULL;
	struct ss_msg_identity id;
	uint8_t * req = NULL, * hwq = NULL;
	const uint8_t * buf;
	char * text = NULL, * dir = NULL;
	size_t reqlen, len;
	int tee, rc = -1;

	if ((dir = ss_platform_dir()) == NULL ||
	    ss_platform_tee(dir, &tee))
		goto done;
	if ((out = ss_output_open(sealed, 0)) == NULL)
		goto done;
	if ((e = ss_tee_start(o->tee, o->inprocess)) == NULL)
		goto done;
	if (ss_stage_init_request(o, ss_tee_image_path(e),
	    (tee == SS_TEE_SNP) ? SS_INIT_SNP : (tee == SS_TEE_TDX) ?
	    SS_INIT_TDX : SS_INIT_ATTEST, SS_KEY_NONE, NULL, 0, "", &req,
	    &reqlen))
		goto done;
	if (ss_tee_call(e, SS_ECALL_INIT, req, reqlen, &buf, &len) != 0 ||
	    ss_stage_load(e, o))
		goto done;
	if (ss_tee_call(e, SS_ECALL_NEW_IDENTITY, (const uint8_t *)nonce,
	    (nonce != NULL) ? strlen(nonce) : 0, &buf, &len) != 0)
		goto done;
	if (ss_msg_identity_decode(&id, buf, len))
		goto done;
	/* In a confidential VM, the hardware vouches for the quote. */
	if (tee != SS_TEE_SOFTWARE && add_evidence(tee, &id.quote, &hwq))
		goto done;
	if ((text = ss_quote_to_text(id.quote.p, id.quote.len)) == NULL ||
	    ss_output_write(out, id.sealed.p, id.sealed.len))
		goto done;
	rc = ss_output_commit(out);
	out = NULL;
	if (rc == 0) {
		printf("%s\n", text);
		rc = ss_stdout_flush();
	}
done:
	ss_output_abort(out);
	ss_tee_stop(e);
	free(req);
	free(hwq);
	free(text);
	free(dir);
	return (rc);
}

