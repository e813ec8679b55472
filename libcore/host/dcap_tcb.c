/*
 * The TCB status of a DCAP quote (dcap_tcb.h), step by step as Intel's
 * Quote Verification Library computes it (QuoteVerifier.cpp,
 * TcbLevelCheck.cpp, TdxModuleCheck.cpp, TDRelaunchCheck.cpp,
 * EnclaveReportVerifier.cpp), with one message for each way collateral
 * can fail to fit the quote.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "dcap_tcb.h"
#include "err.h"
#include "evidence.h"
#include "tee_quote.h"

#define ADVISORIES_MAX	256	/* advisory IDs from the levels */

/* The levels a status came from, for their advisory IDs. */
struct sources {
	const struct json_t * adv[3];
	size_t n;
};

static void
add_source(struct sources * s, const struct json_t * adv)
{

	if (adv != NULL)
		s->adv[s->n++] = adv;
}

static int
cmp_str(const void * a, const void * b)
{

	return (strcmp(*(const char * const *)a, *(const char * const *)b));
}

/* The advisory IDs of ${s}, sorted, once each, in ${buf}. */
static void
join_advisories(const struct sources * s, char * buf, size_t size)
{
	const char * ids[ADVISORIES_MAX];
	size_t i, j, n = 0, len = 0, l;

	for (i = 0; i < s->n; i++)
		for (j = 0; j < json_array_size(s->adv[i]) &&
		    n < ADVISORIES_MAX; j++)
			ids[n++] = json_string_value(json_array_get(
			    s->adv[i], j));
	qsort(ids, n, sizeof(ids[0]), cmp_str);
	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i > 0 && strcmp(ids[i], ids[i - 1]) == 0)
			continue;
		l = strlen(ids[i]);
		if (len + (len > 0) + l + 4 >= size) {
			/* Too many for ${buf}: say so rather than cut one. */
			snprintf(buf + len, size - len, ",...");
			return;
		}
		len += (size_t)snprintf(buf + len, size - len, "%s%s",
		    (len > 0) ? "," : "", ids[i]);
	}
}

/* The quote's TEE TCB SVN (TDX), and TEE_TCB_SVN_2 (TD 1.5) or NULL. */
static const uint8_t *
tee_tcb_svn(const struct ss_dcap_quote * q, const uint8_t ** svn2)
{

	*svn2 = (q->body_type == SS_DCAP_BODY_TD15) ?
	    q->body + SS_DCAP_TD_TEE_TCB_SVN2 : NULL;
	return (q->body + SS_DCAP_TD_TEE_TCB_SVN);
}

#define HEX_MAX		48	/* bytes of a field shown in hex */

/*
 * Refuse: ${what} is the ${n} bytes ${ours}, where the ${whose} has
 * ${theirs}; both in hex.
 */
static int
mismatch(const char * what, const uint8_t * ours, const char * whose,
    const uint8_t * theirs, size_t n)
{
	char a[2 * HEX_MAX + 1], b[2 * HEX_MAX + 1];

	ss_hex(a, ours, n > HEX_MAX ? HEX_MAX : n);
	ss_hex(b, theirs, n > HEX_MAX ? HEX_MAX : n);
	ss_err_set(SS_EXIT_DATA, "%s %s does not match the %s's %s", what, a,
	    whose, b);
	return (-1);
}

/* (${v} & ${mask}) == ${want}, byte by byte over ${n} bytes. */
static int
masked_eq(const uint8_t * v, const uint8_t * mask, const uint8_t * want,
    size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((v[i] & mask[i]) != want[i])
			return (0);
	return (1);
}

/*
 * The QE Identity ${qeid} against the QE report of ${q} (4.1.2.9): its
 * id, MISCSELECT and ATTRIBUTES under their masks, MRSIGNER, ISVPRODID;
 * then the first level whose ISVSVN the QE's reaches, in ${level}.
 */
static int
check_qe(const struct ss_dcap_qeid * qeid, const struct ss_dcap_quote * q,
    const struct ss_dcap_isv_level ** level)
{
	const uint8_t * r = q->qe_report;
	unsigned prodid = (unsigned)ss_evidence_le(r + SS_DCAP_SGX_ISVPRODID, 2);
	unsigned svn = (unsigned)ss_evidence_le(r + SS_DCAP_SGX_ISVSVN, 2);
	size_t i;

	if (qeid->td != (q->kind == SS_EVIDENCE_TDX)) {
		ss_err_set(SS_EXIT_DATA, "QE Identity (id %s) is not for %ss",
		    qeid->td ? "TD_QE" : "QE", ss_dcap_quote_name(q->kind));
		return (-1);
	}
	if (!masked_eq(r + SS_DCAP_SGX_MISCSELECT, qeid->miscselect_mask,
	    qeid->miscselect, 4))
		return (mismatch("QE report MISCSELECT", r +
		    SS_DCAP_SGX_MISCSELECT, "QE Identity", qeid->miscselect,
		    4));
	if (!masked_eq(r + SS_DCAP_SGX_ATTRIBUTES, qeid->attributes_mask,
	    qeid->attributes, 16))
		return (mismatch("QE report ATTRIBUTES", r +
		    SS_DCAP_SGX_ATTRIBUTES, "QE Identity", qeid->attributes,
		    16));
	if (memcmp(r + SS_DCAP_SGX_MRSIGNER, qeid->mrsigner, 32) != 0)
		return (mismatch("QE report MRSIGNER", r +
		    SS_DCAP_SGX_MRSIGNER, "QE Identity", qeid->mrsigner, 32));
	if (prodid != qeid->isvprodid) {
		ss_err_set(SS_EXIT_DATA, "QE report ISVPRODID %u does not "
		    "match the QE Identity's %u", prodid, qeid->isvprodid);
		return (-1);
	}
	for (i = 0; i < qeid->nlevels; i++)
		if (svn >= qeid->levels[i].isvsvn) {
			*level = &qeid->levels[i];
			return (0);
		}
	ss_err_set(SS_EXIT_DATA, "QE Identity has no TCB level for the QE's "
	    "ISVSVN %u", svn);
	return (-1);
}

/* The status of a TCB level converged with the QE's (ISV) status. */
static int
converge_qe(int status, int qe)
{

	if (qe == SS_DCAP_TCB_OUTOFDATE) {
		if (status == SS_DCAP_TCB_UPTODATE ||
		    status == SS_DCAP_TCB_SWHARDENING)
			return (SS_DCAP_TCB_OUTOFDATE);
		if (status == SS_DCAP_TCB_CONFIG ||
		    status == SS_DCAP_TCB_CONFIG_SWHARDENING)
			return (SS_DCAP_TCB_OUTOFDATE_CONFIG);
	}
	if (qe == SS_DCAP_TCB_REVOKED)
		return (SS_DCAP_TCB_REVOKED);
	return (status);
}

/* The TCB Info against the PCK and the quote's TEE (4.1.2.4.9, .10). */
static int
check_tcbinfo(const struct ss_dcap_tcbinfo * info,
    const struct ss_dcap_pck * pck, const struct ss_dcap_quote * q)
{
	int tdx = (q->kind == SS_EVIDENCE_TDX);

	if (info->tdx != tdx || (tdx && info->version < 3)) {
		ss_err_set(SS_EXIT_DATA, "TCB Info (id %s, v%u) is not for "
		    "%ss", info->tdx ? "TDX" : "SGX", info->version,
		    ss_dcap_quote_name(q->kind));
		return (-1);
	}
	if (memcmp(pck->fmspc, info->fmspc, sizeof(info->fmspc)) != 0)
		return (mismatch("PCK certificate's FMSPC", pck->fmspc,
		    "TCB Info", info->fmspc, sizeof(info->fmspc)));
	if (memcmp(pck->pceid, info->pceid, sizeof(info->pceid)) != 0)
		return (mismatch("PCK certificate's PCE-ID", pck->pceid,
		    "TCB Info", info->pceid, sizeof(info->pceid)));
	return (0);
}

/* The TDX module identity "TDX_%02X" of version ${v}, or NULL. */
static const struct ss_dcap_module *
find_module(const struct ss_dcap_tcbinfo * info, unsigned v)
{
	char id[16];
	size_t i;

	snprintf(id, sizeof(id), "TDX_%02X", v);
	for (i = 0; i < info->nmodules; i++)
		if (strcasecmp(info->modules[i].id, id) == 0)
			return (&info->modules[i]);
	return (NULL);
}

/*
 * The TDX module of the TD report (4.1.2.4.11): MRSIGNERSEAM and
 * SEAMATTRIBUTES those of TCB Info's tdxModule, or, for a module of major
 * version TEE_TCB_SVN[1] > 0, of its identity "TDX_%02X", whose level
 * TEE_TCB_SVN[0] reaches goes in ${level}.
 */
static int
check_module(const struct ss_dcap_tcbinfo * info,
    const struct ss_dcap_quote * q, const struct ss_dcap_isv_level ** level)
{
	const uint8_t * svn2, * svn = tee_tcb_svn(q, &svn2);
	const struct ss_dcap_module * m = &info->module;
	size_t i;

	*level = NULL;
	if (svn[1] > 0 && (m = find_module(info, svn[1])) == NULL) {
		ss_err_set(SS_EXIT_DATA, "TCB Info has no identity TDX_%02X "
		    "of the TD's TDX module", svn[1]);
		return (-1);
	}
	if (memcmp(q->body + SS_DCAP_TD_MRSIGNERSEAM, m->mrsigner, 48) != 0)
		return (mismatch("TD report MRSIGNERSEAM", q->body +
		    SS_DCAP_TD_MRSIGNERSEAM, "TCB Info's TDX module",
		    m->mrsigner, 48));
	if (!masked_eq(q->body + SS_DCAP_TD_SEAMATTRIBUTES,
	    m->attributes_mask, m->attributes, 8))
		return (mismatch("TD report SEAMATTRIBUTES", q->body +
		    SS_DCAP_TD_SEAMATTRIBUTES, "TCB Info's TDX module",
		    m->attributes, 8));
	if (svn[1] == 0)
		return (0);
	for (i = 0; i < m->nlevels; i++)
		if (svn[0] >= m->levels[i].isvsvn) {
			*level = &m->levels[i];
			return (0);
		}
	ss_err_set(SS_EXIT_DATA, "TCB Info's %s has no TCB level for the TDX "
	    "module's SVN %u", m->id, svn[0]);
	return (-1);
}

/* Every one of the 16 SVNs ${have} at least those of ${need}, from ${i}. */
static int
svns_reach(const uint8_t * have, const uint8_t * need, size_t i)
{

	for (; i < 16; i++)
		if (have[i] < need[i])
			return (0);
	return (1);
}

/*
 * The TCB levels the PCK's SGX TCB reaches (4.1.2.4.17.1-3): the first in
 * ${sgx}; for TDX, the first that the TEE TCB SVN reaches too, in ${tdx}
 * (its SVNs 0 and 1, the module's, are compared with the module identity
 * instead when TEE_TCB_SVN[1] > 0).
 */
static int
match_levels(const struct ss_dcap_tcbinfo * info,
    const struct ss_dcap_pck * pck, const struct ss_dcap_quote * q,
    const struct ss_dcap_tcb_level ** sgx,
    const struct ss_dcap_tcb_level ** tdx)
{
	const uint8_t * svn2, * svn = NULL;
	const struct ss_dcap_tcb_level * l;
	char text[2 * 16 + 1];
	size_t i;

	if (q->kind == SS_EVIDENCE_TDX)
		svn = tee_tcb_svn(q, &svn2);
	*sgx = *tdx = NULL;
	for (i = 0; i < info->nlevels; i++) {
		l = &info->levels[i];
		if (!svns_reach(pck->comp, l->sgx, 0) ||
		    pck->pcesvn < l->pcesvn)
			continue;
		if (*sgx == NULL)
			*sgx = l;
		if (svn == NULL)
			break;
		if (svns_reach(svn, l->tdx, (svn[1] > 0) ? 2 : 0)) {
			*tdx = l;
			break;
		}
	}
	if (*sgx == NULL) {
		ss_hex(text, pck->comp, 16);
		ss_err_set(SS_EXIT_DATA, "TCB Info has no TCB level for the "
		    "PCK certificate's TCB (SGX components %s, PCESVN %u)",
		    text, pck->pcesvn);
		return (-1);
	}
	if (svn != NULL && *tdx == NULL) {
		ss_hex(text, svn, 16);
		ss_err_set(SS_EXIT_DATA, "TCB Info has no TCB level for the "
		    "TD's TEE TCB SVN %s", text);
		return (-1);
	}
	return (0);
}

/* A status converged with the TDX module's (TdxModuleCheck.cpp). */
static int
converge_module(int status, int module)
{

	/* The same rules as the QE's. */
	return (converge_qe(status, module));
}

static int
config_needed(int s)
{

	return (s == SS_DCAP_TCB_CONFIG || s == SS_DCAP_TCB_OUTOFDATE_CONFIG ||
	    s == SS_DCAP_TCB_CONFIG_SWHARDENING ||
	    s == SS_DCAP_TCB_RELAUNCH_CONFIG);
}

/*
 * A TD 1.5 TD whose TCB is out of date only because it has not been
 * relaunched since the platform was updated (4.1.2.4.17.4.3): its
 * TEE_TCB_SVN_2 reaches the latest level.  ${qe}: the QE's status or -1.
 */
static int
relaunch(const struct ss_dcap_tcbinfo * info, const uint8_t * svn2,
    int sgx, int tdx, int module, int qe, int * out)
{
	const struct ss_dcap_tcb_level * latest = &info->levels[0];
	const struct ss_dcap_module * m;
	unsigned need0 = latest->tdx[0];

	*out = tdx;
	if ((qe != -1 && qe != SS_DCAP_TCB_UPTODATE) ||
	    sgx > SS_DCAP_TCB_CONFIG_SWHARDENING ||
	    (tdx != SS_DCAP_TCB_OUTOFDATE &&
	    tdx != SS_DCAP_TCB_OUTOFDATE_CONFIG) ||
	    module != SS_DCAP_TCB_OUTOFDATE)
		return (0);
	if (svn2[1] != 0) {
		if ((m = find_module(info, svn2[1])) == NULL) {
			ss_err_set(SS_EXIT_DATA, "TCB Info has no identity "
			    "TDX_%02X of the TD's TEE_TCB_SVN_2 module",
			    svn2[1]);
			return (-1);
		}
		need0 = m->levels[0].isvsvn;
	}
	if (svn2[0] >= need0 && svn2[2] >= latest->tdx[2])
		*out = (config_needed(sgx) || config_needed(tdx)) ?
		    SS_DCAP_TCB_RELAUNCH_CONFIG : SS_DCAP_TCB_RELAUNCH;
	return (0);
}

/* The TDX status (TcbLevelCheck.cpp, TDX path). */
static int
tdx_status(const struct ss_dcap_tcbinfo * info,
    const struct ss_dcap_quote * q, const struct ss_dcap_tcb_level * sgx,
    const struct ss_dcap_tcb_level * tdx,
    const struct ss_dcap_isv_level * module,
    const struct ss_dcap_isv_level * qe, int * status)
{
	const uint8_t * svn2;
	int m = (module != NULL) ? module->status : SS_DCAP_TCB_UPTODATE;

	*status = converge_module(tdx->status, m);
	if (*status == SS_DCAP_TCB_REVOKED)
		return (0);
	tee_tcb_svn(q, &svn2);
	if (svn2 != NULL && relaunch(info, svn2, sgx->status, *status, m,
	    (qe != NULL) ? qe->status : -1, status))
		return (-1);
	if (qe != NULL)
		*status = converge_qe(*status, qe->status);
	return (0);
}

int
ss_dcap_tcb_status(const struct ss_dcap_tcbinfo * info,
    const struct ss_dcap_qeid * qeid, const struct ss_dcap_pck * pck,
    const struct ss_dcap_quote * q, int * status, char * advisories,
    size_t size)
{
	const struct ss_dcap_isv_level * qe = NULL, * module = NULL;
	const struct ss_dcap_tcb_level * sgx, * tdx;
	struct sources src = { { NULL }, 0 };

	advisories[0] = '\0';
	if (info == NULL && qeid == NULL) {
		ss_err_set(SS_EXIT_DATA, "no TCB Info or QE Identity");
		return (-1);
	}
	if (qeid != NULL && check_qe(qeid, q, &qe))
		return (-1);
	if (info == NULL) {
		*status = qe->status;
		add_source(&src, qe->advisories);
		join_advisories(&src, advisories, size);
		return (0);
	}
	if (check_tcbinfo(info, pck, q) ||
	    (info->tdx && check_module(info, q, &module)) ||
	    match_levels(info, pck, q, &sgx, &tdx))
		return (-1);
	if (!info->tdx) {
		*status = (qe != NULL) ? converge_qe(sgx->status, qe->status) :
		    sgx->status;
		add_source(&src, sgx->advisories);
	} else {
		if (tdx_status(info, q, sgx, tdx, module, qe, status))
			return (-1);
		add_source(&src, tdx->advisories);
		if (module != NULL)
			add_source(&src, module->advisories);
	}
	if (qe != NULL)
		add_source(&src, qe->advisories);
	join_advisories(&src, advisories, size);
	return (0);
}
