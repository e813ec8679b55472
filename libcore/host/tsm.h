#ifndef SS_TSM_H
#define SS_TSM_H

/*
 * Hardware attestation reports from Linux's configfs-tsm (kernel 6.7 and
 * later, in an SEV-SNP or TDX guest): make a report entry under
 * /sys/kernel/config/tsm/report (or $SS_TSM_DIR), write the 64 bytes of
 * REPORT_DATA to its inblob, read outblob (the SNP report or TDX quote),
 * auxblob (SNP: the VCEK and its chain, as a certificate table) and
 * provider ("sev_guest", "tdx_guest"), check with generation that no
 * other writer changed the entry, and remove it.
 */

#include <stddef.h>
#include <stdint.h>

#define SS_TSM_DIR		"/sys/kernel/config/tsm/report"
#define SS_TSM_INBLOB_LEN	64
#define SS_TSM_OUTBLOB_MAX	(32 * 1024)	/* the kernel's limit */
#define SS_TSM_AUXBLOB_MAX	(32 * 1024)

struct ss_tsm_report {
	int tee;			/* SS_TEE_SNP or SS_TEE_TDX */
	uint8_t * outblob;
	size_t outlen;
	uint8_t * auxblob;		/* or NULL */
	size_t auxlen;
};

/**
 * ss_tsm_dir(void):
 * Where configfs-tsm's reports are: $SS_TSM_DIR, else SS_TSM_DIR.
 */
const char * ss_tsm_dir(void);

/**
 * ss_tsm_report(dir, inblob, r):
 * Get a report for ${inblob} from configfs-tsm at ${dir} into ${r}.  A
 * machine without configfs-tsm there, or a provider other than SEV-SNP's
 * or TDX's, is an SS_EXIT_SYS error that says so.
 */
int ss_tsm_report(const char *, const uint8_t[SS_TSM_INBLOB_LEN],
    struct ss_tsm_report *);

/**
 * ss_tsm_report_free(r):
 * Free what ${r} holds.
 */
void ss_tsm_report_free(struct ss_tsm_report *);

#endif /* !SS_TSM_H */
