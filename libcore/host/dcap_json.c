/*
 * TCB Info and QE Identity as Intel's PCS serves them (dcap_tcb.h): their
 * JSON read into structures, every field the TCB status needs checked for
 * its type and size.  Signatures are dcap_collateral.c's concern.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "dcap_tcb.h"
#include "err.h"

#define PATH_MAX_LEN	96
#define SVN_MAX		0xff
#define U16_MAX		0xffff

/* Where a field is, for messages: "NAME: TCB Info: tcbLevels[2].tcb". */
struct where {
	const char * name;		/* the file */
	const char * what;		/* "TCB Info", "QE Identity" */
	char path[PATH_MAX_LEN];	/* the object holding the field */
};

static const char * const status_names[SS_DCAP_TCB_NSTATUS] = {
	"UpToDate", "SWHardeningNeeded", "ConfigurationNeeded",
	"ConfigurationAndSWHardeningNeeded", "OutOfDate",
	"OutOfDateConfigurationNeeded", "TDRelaunchAdvised",
	"TDRelaunchAdvisedConfigurationNeeded", "Revoked"
};

/* The statuses a TCB Info level may have; those of ISV levels. */
#define LEVEL_STATUSES	0x13f	/* all but TDRelaunchAdvised* */
#define ISV_STATUSES	((1 << SS_DCAP_TCB_UPTODATE) | \
			    (1 << SS_DCAP_TCB_OUTOFDATE) | \
			    (1 << SS_DCAP_TCB_REVOKED))

const char *
ss_dcap_tcb_status_name(int status)
{

	return ((status >= 0 && status < SS_DCAP_TCB_NSTATUS) ?
	    status_names[status] : "?");
}

/* Refuse the field ${key} of ${w}: it ${why}. */
static int
bad(const struct where * w, const char * key, const char * why)
{

	ss_err_set(SS_EXIT_DATA, "%s: %s: %s%s%s %s", w->name, w->what,
	    w->path, (w->path[0] != '\0') ? "." : "", key, why);
	return (-1);
}

/* ${w}: the member ${key} of ${outer}, element ${i} of it if i >= 0. */
static void
nest(struct where * w, const struct where * outer, const char * key, long i)
{
	char index[24] = "";

	*w = *outer;
	if (i >= 0)
		snprintf(index, sizeof(index), "[%ld]", i);
	if (snprintf(w->path, sizeof(w->path), "%s%s%s%s", outer->path,
	    (outer->path[0] != '\0') ? "." : "", key, index) >=
	    (int)sizeof(w->path))
		memcpy(w->path + sizeof(w->path) - 4, "...", 4);
}

/* The member ${key} of ${o}, of the jansson ${type}. */
static json_t *
member(const struct where * w, json_t * o, const char * key, json_type type)
{
	json_t * v = json_object_get(o, key);

	if (v == NULL) {
		bad(w, key, "is missing");
		return (NULL);
	}
	if (json_typeof(v) != type) {
		bad(w, key, (type == JSON_OBJECT) ? "is not an object" :
		    (type == JSON_ARRAY) ? "is not an array" :
		    (type == JSON_STRING) ? "is not a string" :
		    "is not an integer");
		return (NULL);
	}
	return (v);
}

/* The hex string ${key} of ${o}: exactly ${len} bytes into ${out}. */
static int
hex_field(const struct where * w, json_t * o, const char * key,
    uint8_t * out, size_t len)
{
	json_t * v;
	const char * end;
	size_t n;

	if ((v = member(w, o, key, JSON_STRING)) == NULL)
		return (-1);
	if (json_string_length(v) != 2 * len ||
	    sodium_hex2bin(out, len, json_string_value(v),
	    json_string_length(v), NULL, &n, &end) != 0 || n != len)
		return (bad(w, key, "is not hex of the right length"));
	return (0);
}

/* The integer ${key} of ${o}, from 0 to ${max}. */
static int
uint_field(const struct where * w, json_t * o, const char * key,
    unsigned max, unsigned * out)
{
	json_t * v;

	if ((v = member(w, o, key, JSON_INTEGER)) == NULL)
		return (-1);
	if (json_integer_value(v) < 0 ||
	    json_integer_value(v) > (json_int_t)max)
		return (bad(w, key, "is out of range"));
	*out = (unsigned)json_integer_value(v);
	return (0);
}

/* The time ${key} of ${o}, "2023-06-18T08:42:58Z". */
static int
time_field(const struct where * w, json_t * o, const char * key,
    time_t * out)
{
	static const char form[] = "dddd-dd-ddTdd:dd:ddZ";
	struct tm tm;
	json_t * v;
	const char * t;
	unsigned y, mo, d, h, mi, s;
	size_t i;

	if ((v = member(w, o, key, JSON_STRING)) == NULL)
		return (-1);
	t = json_string_value(v);
	for (i = 0; i < sizeof(form) - 1; i++)
		if ((form[i] == 'd') ? (t[i] < '0' || t[i] > '9') :
		    (t[i] != form[i]))
			break;
	if (i != sizeof(form) - 1 || json_string_length(v) != i ||
	    sscanf(t, "%4u-%2u-%2uT%2u:%2u:%2uZ", &y, &mo, &d, &h, &mi,
	    &s) != 6 || y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 ||
	    h > 23 || mi > 59 || s > 60)
		return (bad(w, key, "is not a time such as "
		    "2023-06-18T08:42:58Z"));
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = (int)y - 1900;
	tm.tm_mon = (int)mo - 1;
	tm.tm_mday = (int)d;
	tm.tm_hour = (int)h;
	tm.tm_min = (int)mi;
	tm.tm_sec = (int)s;
	*out = timegm(&tm);
	return (0);
}

/* The status ${key} of ${o}, one of the bits of ${allowed}. */
static int
status_field(const struct where * w, json_t * o, const char * key,
    unsigned allowed, int * out)
{
	json_t * v;
	int i;

	if ((v = member(w, o, key, JSON_STRING)) == NULL)
		return (-1);
	for (i = 0; i < SS_DCAP_TCB_NSTATUS; i++)
		if ((allowed & (1U << i)) != 0 &&
		    strcmp(json_string_value(v), status_names[i]) == 0) {
			*out = i;
			return (0);
		}
	return (bad(w, key, "is not a TCB status of this place"));
}

/* The advisory IDs of ${o}, if any: an array of strings. */
static int
advisories_field(const struct where * w, json_t * o, json_t ** out)
{
	json_t * v;
	size_t i;

	*out = NULL;
	if (json_object_get(o, "advisoryIDs") == NULL)
		return (0);
	if ((v = member(w, o, "advisoryIDs", JSON_ARRAY)) == NULL)
		return (-1);
	for (i = 0; i < json_array_size(v); i++)
		if (!json_is_string(json_array_get(v, i)))
			return (bad(w, "advisoryIDs", "holds a non-string"));
	*out = v;
	return (0);
}

/*
 * The array ${key} of ${o}, not empty, in ${*a}: new zeroed elements of
 * ${size} bytes for each of its ${*n} elements.
 */
static void *
array_field(const struct where * w, json_t * o, const char * key,
    size_t size, json_t ** a, size_t * n)
{
	void * elems;

	if ((*a = member(w, o, key, JSON_ARRAY)) == NULL)
		return (NULL);
	if (json_array_size(*a) == 0) {
		bad(w, key, "is empty");
		return (NULL);
	}
	if ((elems = calloc(json_array_size(*a), size)) == NULL) {
		ss_err_errno("calloc");
		return (NULL);
	}
	*n = json_array_size(*a);
	return (elems);
}

/* The levels ${key} of ${o}: { "tcb": { "isvsvn" }, "tcbStatus" }. */
static int
isv_levels(const struct where * w, json_t * o, struct ss_dcap_isv_level ** l,
    size_t * n)
{
	struct where lw;
	json_t * a, * e, * tcb;
	size_t i;

	if ((*l = array_field(w, o, "tcbLevels", sizeof(**l), &a, n)) == NULL)
		return (-1);
	for (i = 0; i < *n; i++) {
		nest(&lw, w, "tcbLevels", (long)i);
		if ((e = json_array_get(a, i)) == NULL || !json_is_object(e))
			return (bad(w, "tcbLevels", "holds a non-object"));
		if ((tcb = member(&lw, e, "tcb", JSON_OBJECT)) == NULL ||
		    uint_field(&lw, tcb, "isvsvn", U16_MAX,
		    &(*l)[i].isvsvn) ||
		    status_field(&lw, e, "tcbStatus", ISV_STATUSES,
		    &(*l)[i].status) ||
		    advisories_field(&lw, e, &(*l)[i].advisories))
			return (-1);
	}
	return (0);
}

/* 16 SVNs: v3's array ${key} of { "svn" }, or v2's ${key}NNsvn fields. */
static int
svns(const struct where * w, json_t * tcb, const char * key, int v2,
    uint8_t out[16])
{
	struct where cw;
	json_t * a, * e;
	char name[32];
	unsigned x;
	size_t i;

	if (v2) {
		for (i = 0; i < 16; i++) {
			snprintf(name, sizeof(name), "%s%02zusvn", key, i + 1);
			if (uint_field(w, tcb, name, SVN_MAX, &x))
				return (-1);
			out[i] = (uint8_t)x;
		}
		return (0);
	}
	if ((a = member(w, tcb, key, JSON_ARRAY)) == NULL)
		return (-1);
	if (json_array_size(a) != 16)
		return (bad(w, key, "does not hold 16 components"));
	for (i = 0; i < 16; i++) {
		nest(&cw, w, key, (long)i);
		if ((e = json_array_get(a, i)) == NULL || !json_is_object(e))
			return (bad(w, key, "holds a non-object"));
		if (uint_field(&cw, e, "svn", SVN_MAX, &x))
			return (-1);
		out[i] = (uint8_t)x;
	}
	return (0);
}

/* The TCB levels of TCB Info ${o}. */
static int
tcb_levels(const struct where * w, json_t * o, struct ss_dcap_tcbinfo * info)
{
	struct ss_dcap_tcb_level * l;
	struct where lw, tw;
	json_t * a, * e, * tcb;
	size_t i;
	int v2 = (info->version == 2);

	if ((info->levels = array_field(w, o, "tcbLevels",
	    sizeof(*info->levels), &a, &info->nlevels)) == NULL)
		return (-1);
	for (i = 0; i < info->nlevels; i++) {
		l = &info->levels[i];
		nest(&lw, w, "tcbLevels", (long)i);
		nest(&tw, &lw, "tcb", -1);
		if ((e = json_array_get(a, i)) == NULL || !json_is_object(e))
			return (bad(w, "tcbLevels", "holds a non-object"));
		if ((tcb = member(&lw, e, "tcb", JSON_OBJECT)) == NULL ||
		    svns(&tw, tcb, v2 ? "sgxtcbcomp" : "sgxtcbcomponents", v2,
		    l->sgx) ||
		    uint_field(&tw, tcb, "pcesvn", U16_MAX, &l->pcesvn) ||
		    (info->tdx && svns(&tw, tcb, "tdxtcbcomponents", 0,
		    l->tdx)) ||
		    status_field(&lw, e, "tcbStatus", LEVEL_STATUSES,
		    &l->status) ||
		    advisories_field(&lw, e, &l->advisories))
			return (-1);
	}
	return (0);
}

/* A TDX module ${o}: MRSIGNER, attributes and mask; ${id}: its id too. */
static int
module(const struct where * w, json_t * o, int id, struct ss_dcap_module * m)
{
	json_t * v;

	if (hex_field(w, o, "mrsigner", m->mrsigner, sizeof(m->mrsigner)) ||
	    hex_field(w, o, "attributes", m->attributes,
	    sizeof(m->attributes)) ||
	    hex_field(w, o, "attributesMask", m->attributes_mask,
	    sizeof(m->attributes_mask)))
		return (-1);
	if (!id)
		return (0);
	if ((v = member(w, o, "id", JSON_STRING)) == NULL)
		return (-1);
	if (json_string_length(v) >= sizeof(m->id))
		return (bad(w, "id", "is too long"));
	memcpy(m->id, json_string_value(v), json_string_length(v) + 1);
	return (isv_levels(w, o, &m->levels, &m->nlevels));
}

/* The TDX parts of TCB Info ${o}: tdxModule, tdxModuleIdentities. */
static int
tdx_modules(const struct where * w, json_t * o, struct ss_dcap_tcbinfo * info)
{
	struct where mw;
	json_t * a, * e;
	size_t i;

	nest(&mw, w, "tdxModule", -1);
	if ((e = member(w, o, "tdxModule", JSON_OBJECT)) == NULL ||
	    module(&mw, e, 0, &info->module))
		return (-1);
	if (json_object_get(o, "tdxModuleIdentities") == NULL)
		return (0);
	if ((info->modules = array_field(w, o, "tdxModuleIdentities",
	    sizeof(*info->modules), &a, &info->nmodules)) == NULL)
		return (-1);
	for (i = 0; i < info->nmodules; i++) {
		nest(&mw, w, "tdxModuleIdentities", (long)i);
		if ((e = json_array_get(a, i)) == NULL || !json_is_object(e))
			return (bad(w, "tdxModuleIdentities",
			    "holds a non-object"));
		if (module(&mw, e, 1, &info->modules[i]))
			return (-1);
	}
	return (0);
}

/* The JSON object in ${len} bytes at ${buf}, duplicates refused. */
static json_t *
load(const uint8_t * buf, size_t len, const char * name, const char * what)
{
	json_error_t e;
	json_t * o;

	if ((o = json_loadb((const char *)buf, len, JSON_REJECT_DUPLICATES,
	    &e)) == NULL || !json_is_object(o)) {
		ss_err_set(SS_EXIT_DATA, "%s: %s: not a JSON object%s%s", name,
		    what, (o == NULL) ? ": " : "", (o == NULL) ? e.text : "");
		json_decref(o);
		return (NULL);
	}
	return (o);
}

/* The header fields of TCB Info: id, version, dates, FMSPC, PCE-ID. */
static int
tcbinfo_header(const struct where * w, json_t * o,
    struct ss_dcap_tcbinfo * info)
{
	json_t * id;

	if (uint_field(w, o, "version", U16_MAX, &info->version))
		return (-1);
	if (info->version != 2 && info->version != 3)
		return (bad(w, "version", "is not 2 or 3"));
	if (info->version == 3) {
		if ((id = member(w, o, "id", JSON_STRING)) == NULL)
			return (-1);
		if (strcmp(json_string_value(id), "TDX") == 0)
			info->tdx = 1;
		else if (strcmp(json_string_value(id), "SGX") != 0)
			return (bad(w, "id", "is not SGX or TDX"));
	}
	return (time_field(w, o, "issueDate", &info->issued) ||
	    time_field(w, o, "nextUpdate", &info->next_update) ||
	    hex_field(w, o, "fmspc", info->fmspc, sizeof(info->fmspc)) ||
	    hex_field(w, o, "pceId", info->pceid, sizeof(info->pceid)));
}

int
ss_dcap_tcbinfo_parse(const uint8_t * buf, size_t len, const char * name,
    struct ss_dcap_tcbinfo ** out)
{
	struct where w = { name, "TCB Info", "" };
	struct ss_dcap_tcbinfo * info;

	if ((info = calloc(1, sizeof(*info))) == NULL) {
		ss_err_errno("calloc");
		return (-1);
	}
	if ((info->json = load(buf, len, name, w.what)) == NULL ||
	    tcbinfo_header(&w, info->json, info) ||
	    (info->tdx && tdx_modules(&w, info->json, info)) ||
	    tcb_levels(&w, info->json, info)) {
		ss_dcap_tcbinfo_free(info);
		return (-1);
	}
	*out = info;
	return (0);
}

void
ss_dcap_tcbinfo_free(struct ss_dcap_tcbinfo * info)
{
	size_t i;

	if (info == NULL)
		return;
	for (i = 0; i < info->nmodules; i++)
		free(info->modules[i].levels);
	free(info->modules);
	free(info->levels);
	json_decref(info->json);
	free(info);
}

/* The fields of a QE Identity. */
static int
qeid_fields(const struct where * w, json_t * o, struct ss_dcap_qeid * qeid)
{
	json_t * id;
	unsigned version;

	if (uint_field(w, o, "version", U16_MAX, &version))
		return (-1);
	if (version != 2)
		return (bad(w, "version", "is not 2"));
	if ((id = member(w, o, "id", JSON_STRING)) == NULL)
		return (-1);
	if (strcmp(json_string_value(id), "TD_QE") == 0)
		qeid->td = 1;
	else if (strcmp(json_string_value(id), "QE") != 0)
		return (bad(w, "id", "is not QE or TD_QE"));
	return (time_field(w, o, "issueDate", &qeid->issued) ||
	    time_field(w, o, "nextUpdate", &qeid->next_update) ||
	    hex_field(w, o, "miscselect", qeid->miscselect,
	    sizeof(qeid->miscselect)) ||
	    hex_field(w, o, "miscselectMask", qeid->miscselect_mask,
	    sizeof(qeid->miscselect_mask)) ||
	    hex_field(w, o, "attributes", qeid->attributes,
	    sizeof(qeid->attributes)) ||
	    hex_field(w, o, "attributesMask", qeid->attributes_mask,
	    sizeof(qeid->attributes_mask)) ||
	    hex_field(w, o, "mrsigner", qeid->mrsigner,
	    sizeof(qeid->mrsigner)) ||
	    uint_field(w, o, "isvprodid", U16_MAX, &qeid->isvprodid) ||
	    isv_levels(w, o, &qeid->levels, &qeid->nlevels));
}

int
ss_dcap_qeid_parse(const uint8_t * buf, size_t len, const char * name,
    struct ss_dcap_qeid ** out)
{
	struct where w = { name, "QE Identity", "" };
	struct ss_dcap_qeid * qeid;

	if ((qeid = calloc(1, sizeof(*qeid))) == NULL) {
		ss_err_errno("calloc");
		return (-1);
	}
	if ((qeid->json = load(buf, len, name, w.what)) == NULL ||
	    qeid_fields(&w, qeid->json, qeid)) {
		ss_dcap_qeid_free(qeid);
		return (-1);
	}
	*out = qeid;
	return (0);
}

void
ss_dcap_qeid_free(struct ss_dcap_qeid * qeid)
{

	if (qeid == NULL)
		return;
	free(qeid->levels);
	json_decref(qeid->json);
	free(qeid);
}
