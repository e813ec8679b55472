#ifndef SS_DCAP_TCB_H
#define SS_DCAP_TCB_H

/*
 * The TCB of a DCAP quote: TCB Info (v2 and v3 for SGX, v3 for TDX) and
 * QE Identity (v2) as Intel's PCS serves them, read from their JSON
 * (dcap_json.c, which checks no signature: dcap_collateral.c does), and
 * the TCB status Intel's Quote Verification Library computes from them
 * (dcap_tcb.c): the QE Identity against the QE report, the TCB Info
 * against the PCK certificate and the quote's TEE and TDX module, the
 * first TCB level (in the order served, highest first) that the PCK's
 * SGX TCB and the TD's TEE TCB SVN reach, the TDX module identity's
 * level, the TD relaunch check of TD 1.5 reports, and the statuses
 * converged as the library does.
 */

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "dcap_cert.h"
#include "dcap_quote.h"

struct json_t;

/* TCB statuses, from the best. */
#define SS_DCAP_TCB_UPTODATE		0
#define SS_DCAP_TCB_SWHARDENING		1	/* SWHardeningNeeded */
#define SS_DCAP_TCB_CONFIG		2	/* ConfigurationNeeded */
#define SS_DCAP_TCB_CONFIG_SWHARDENING	3
#define SS_DCAP_TCB_OUTOFDATE		4
#define SS_DCAP_TCB_OUTOFDATE_CONFIG	5
#define SS_DCAP_TCB_RELAUNCH		6	/* TDRelaunchAdvised */
#define SS_DCAP_TCB_RELAUNCH_CONFIG	7
#define SS_DCAP_TCB_REVOKED		8
#define SS_DCAP_TCB_NSTATUS		9

/* A level of a QE Identity or TDX module identity: ISVSVN and status. */
struct ss_dcap_isv_level {
	unsigned isvsvn;
	int status;
	struct json_t * advisories;	/* strings, or NULL */
};

/* A TDX module identity, or TCB Info's tdxModule (no id, no levels). */
struct ss_dcap_module {
	char id[16];			/* "TDX_01" */
	uint8_t mrsigner[48];
	uint8_t attributes[8];
	uint8_t attributes_mask[8];
	struct ss_dcap_isv_level * levels;
	size_t nlevels;
};

/* A TCB level of TCB Info. */
struct ss_dcap_tcb_level {
	uint8_t sgx[16];		/* SGX TCB component SVNs */
	unsigned pcesvn;
	uint8_t tdx[16];		/* TDX TCB component SVNs (TDX) */
	int status;
	struct json_t * advisories;
};

struct ss_dcap_tcbinfo {
	int tdx;			/* id "TDX" (else SGX) */
	unsigned version;		/* 2 or 3 */
	time_t issued, next_update;
	uint8_t fmspc[6];
	uint8_t pceid[2];
	struct ss_dcap_module module;	/* tdxModule (TDX) */
	struct ss_dcap_module * modules;	/* tdxModuleIdentities */
	size_t nmodules;
	struct ss_dcap_tcb_level * levels;
	size_t nlevels;
	struct json_t * json;		/* what the pointers point into */
};

struct ss_dcap_qeid {
	int td;				/* id "TD_QE" (else "QE") */
	time_t issued, next_update;
	uint8_t miscselect[4], miscselect_mask[4];
	uint8_t attributes[16], attributes_mask[16];
	uint8_t mrsigner[32];
	unsigned isvprodid;
	struct ss_dcap_isv_level * levels;
	size_t nlevels;
	struct json_t * json;
};

/**
 * ss_dcap_tcbinfo_parse(buf, len, name, info):
 * Read the JSON of a TCB Info (the value of "tcbInfo" in the PCS
 * response), ${len} bytes at ${buf}, into a new ${info}; ${name} names it
 * in messages.  Errors are SS_EXIT_DATA.
 */
int ss_dcap_tcbinfo_parse(const uint8_t *, size_t, const char *,
    struct ss_dcap_tcbinfo **);

/**
 * ss_dcap_tcbinfo_free(info):
 * Free ${info}.
 */
void ss_dcap_tcbinfo_free(struct ss_dcap_tcbinfo *);

/**
 * ss_dcap_qeid_parse(buf, len, name, qeid):
 * Read the JSON of a QE Identity (the value of "enclaveIdentity") into a
 * new ${qeid}, as ss_dcap_tcbinfo_parse() does.
 */
int ss_dcap_qeid_parse(const uint8_t *, size_t, const char *,
    struct ss_dcap_qeid **);

/**
 * ss_dcap_qeid_free(qeid):
 * Free ${qeid}.
 */
void ss_dcap_qeid_free(struct ss_dcap_qeid *);

/**
 * ss_dcap_tcb_status_name(status):
 * Intel's name of ${status}: "UpToDate", "OutOfDate"...
 */
const char * ss_dcap_tcb_status_name(int);

/**
 * ss_dcap_tcb_status(info, qeid, pck, q, status, advisories, size):
 * The TCB status of the quote ${q}, whose PCK certificate says ${pck}, by
 * the TCB Info ${info} (or NULL: then the QE Identity's own status) and
 * the QE Identity ${qeid} (or NULL), in ${status}; the advisory IDs of
 * the levels it came from, sorted, without repeats and separated by
 * commas, in ${advisories} of ${size} bytes.  Collateral that does not
 * match the quote, or has no level for it, is an SS_EXIT_DATA error.
 */
int ss_dcap_tcb_status(const struct ss_dcap_tcbinfo *,
    const struct ss_dcap_qeid *, const struct ss_dcap_pck *,
    const struct ss_dcap_quote *, int *, char *, size_t);

#endif /* !SS_DCAP_TCB_H */
