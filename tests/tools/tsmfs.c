/*
 * tsmfs: a test-only configfs-tsm (Linux's /sys/kernel/config/tsm/report)
 * served with FUSE, the way the kernel serves it in an SEV-SNP guest, so
 * that ss-attest's confidential-VM path runs in the tests on any machine.
 *
 *	tsmfs MOUNTPOINT --key VCEK.pem --vcek VCEK.der --ask ASK.der
 *	    --ark ARK.der --measurement HEX [--chip-id HEX] [--tcb B,T,S,M]
 *	    [--policy N] [--provider NAME] [--interfere N] [FUSE options]
 *	tsmfs MOUNTPOINT --provider tdx_guest --outblob QUOTE [FUSE options]
 *
 * mkdir MOUNTPOINT/NAME makes a report entry with the attributes inblob
 * (write: up to 64 bytes of REPORT_DATA, padded with zeros), outblob
 * (read: an SEV-SNP attestation report v2 for that REPORT_DATA, signed
 * with the test VCEK's key, ECDSA P-384), auxblob (read: the certificate
 * table of the VCEK, ASK and ARK, as the kernel gives it), provider
 * ("sev_guest"), generation (the writes so far), privlevel and
 * privlevel_floor; rmdir removes it.  With --interfere N, the first N
 * reads of an outblob count as a write by another process (generation
 * moves on), as a concurrent writer would.  With --outblob, every report
 * is that file, whatever the inblob: a real TDX quote, say, to take the
 * TDX path through ss-attest, which must then refuse its REPORT_DATA.  The test makes the chain (a test
 * ARK it names to the verifier explicitly, tests/cli/lib-tsm.sh).
 *
 * This is test code: it is built only for the tests and never installed.
 */

#define FUSE_USE_VERSION 31

#include <errno.h>
#include <fuse.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#define REPORT_LEN	1184
#define SIGNED_LEN	0x2a0
#define ENTRIES_MAX	64
#define INBLOB_LEN	64

struct entry {
	char name[64];
	uint8_t inblob[INBLOB_LEN];
	unsigned long generation;
	unsigned privlevel;
};

static struct {
	EVP_PKEY * key;
	uint8_t * aux;			/* the certificate table */
	size_t auxlen;
	uint8_t * fixed;		/* --outblob, or NULL */
	size_t fixedlen;
	uint8_t measurement[48];
	uint8_t chip_id[64];
	uint8_t tcb[4];			/* bootloader, tee, snp, microcode */
	uint64_t policy;
	unsigned vmpl;
	const char * provider;
	unsigned long interfere;	/* outblob reads still to spoil */
	struct entry e[ENTRIES_MAX];
} T;

static const char * const attrs[] = { "inblob", "outblob", "auxblob",
    "provider", "generation", "privlevel", "privlevel_floor", NULL };

static void
le32enc(uint8_t * p, uint32_t x)
{
	size_t i;

	for (i = 0; i < 4; i++)
		p[i] = (uint8_t)(x >> (8 * i));
}

static void
le64enc(uint8_t * p, uint64_t x)
{
	size_t i;

	for (i = 0; i < 8; i++)
		p[i] = (uint8_t)(x >> (8 * i));
}

/* The entry called ${name}, or NULL. */
static struct entry *
find(const char * name, size_t len)
{
	size_t i;

	for (i = 0; i < ENTRIES_MAX; i++)
		if (T.e[i].name[0] != '\0' && strlen(T.e[i].name) == len &&
		    memcmp(T.e[i].name, name, len) == 0)
			return (&T.e[i]);
	return (NULL);
}

/* Split "/ENTRY/ATTR": the entry (NULL for "/"), the attribute index. */
static int
lookup(const char * path, struct entry ** e, int * attr)
{
	const char * p = path + 1, * slash;
	size_t i;

	*e = NULL;
	*attr = -1;
	if (path[0] != '/')
		return (-ENOENT);
	if (*p == '\0')
		return (0);
	slash = strchr(p, '/');
	if ((*e = find(p, (slash != NULL) ? (size_t)(slash - p) :
	    strlen(p))) == NULL)
		return (-ENOENT);
	if (slash == NULL)
		return (0);
	for (i = 0; attrs[i] != NULL; i++)
		if (strcmp(slash + 1, attrs[i]) == 0) {
			*attr = (int)i;
			return (0);
		}
	return (-ENOENT);
}

/* The SEV-SNP report for ${e}'s REPORT_DATA, signed. */
static int
report(const struct entry * e, uint8_t r[REPORT_LEN])
{
	EVP_MD_CTX * ctx = NULL;
	ECDSA_SIG * sig = NULL;
	const BIGNUM * br, * bs;
	const uint8_t * p;
	uint8_t der[256], be[72];
	size_t derlen = sizeof(der), i;
	uint64_t tcb;
	int rc = -1;

	memset(r, 0, REPORT_LEN);
	le32enc(r + 0x00, 2);			/* VERSION */
	le64enc(r + 0x08, T.policy);		/* POLICY */
	le32enc(r + 0x30, e->privlevel);	/* VMPL */
	le32enc(r + 0x34, 1);			/* SIGNATURE_ALGO: P-384 */
	tcb = (uint64_t)T.tcb[0] | (uint64_t)T.tcb[1] << 8 |
	    (uint64_t)T.tcb[2] << 48 | (uint64_t)T.tcb[3] << 56;
	le64enc(r + 0x38, tcb);			/* CURRENT_TCB */
	memcpy(r + 0x50, e->inblob, INBLOB_LEN);	/* REPORT_DATA */
	memcpy(r + 0x90, T.measurement, 48);	/* MEASUREMENT */
	le64enc(r + 0x180, tcb);		/* REPORTED_TCB */
	memcpy(r + 0x1a0, T.chip_id, 64);	/* CHIP_ID */
	le64enc(r + 0x1e0, tcb);		/* COMMITTED_TCB */
	le64enc(r + 0x1f0, tcb);		/* LAUNCH_TCB */
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestSignInit(ctx, NULL, EVP_sha384(), NULL, T.key) != 1 ||
	    EVP_DigestSign(ctx, der, &derlen, r, SIGNED_LEN) != 1)
		goto done;
	p = der;
	if ((sig = d2i_ECDSA_SIG(NULL, &p, (long)derlen)) == NULL)
		goto done;
	ECDSA_SIG_get0(sig, &br, &bs);
	/* R and S, little-endian, in 72-byte fields. */
	if (BN_bn2binpad(br, be, 72) != 72)
		goto done;
	for (i = 0; i < 72; i++)
		r[SIGNED_LEN + i] = be[71 - i];
	if (BN_bn2binpad(bs, be, 72) != 72)
		goto done;
	for (i = 0; i < 72; i++)
		r[SIGNED_LEN + 72 + i] = be[71 - i];
	rc = 0;
done:
	ECDSA_SIG_free(sig);
	EVP_MD_CTX_free(ctx);
	return (rc);
}

static int
fs_getattr(const char * path, struct stat * st, struct fuse_file_info * fi)
{
	struct entry * e;
	int attr, rc;

	(void)fi;
	if ((rc = lookup(path, &e, &attr)) != 0)
		return (rc);
	memset(st, 0, sizeof(*st));
	if (attr == -1) {
		st->st_mode = S_IFDIR | 0755;
		st->st_nlink = 2;
		return (0);
	}
	st->st_nlink = 1;
	st->st_mode = S_IFREG | ((attr == 0 || attr == 5) ? 0200 : 0444);
	/* configfs says 4096 for every attribute. */
	st->st_size = 4096;
	return (0);
}

static int
fs_readdir(const char * path, void * buf, fuse_fill_dir_t fill,
    off_t off, struct fuse_file_info * fi, enum fuse_readdir_flags flags)
{
	struct entry * e;
	size_t i;
	int attr, rc;

	(void)off;
	(void)fi;
	(void)flags;
	if ((rc = lookup(path, &e, &attr)) != 0)
		return (rc);
	if (attr != -1)
		return (-ENOTDIR);
	fill(buf, ".", NULL, 0, 0);
	fill(buf, "..", NULL, 0, 0);
	for (i = 0; e == NULL && i < ENTRIES_MAX; i++)
		if (T.e[i].name[0] != '\0')
			fill(buf, T.e[i].name, NULL, 0, 0);
	for (i = 0; e != NULL && attrs[i] != NULL; i++)
		fill(buf, attrs[i], NULL, 0, 0);
	return (0);
}

static int
fs_mkdir(const char * path, mode_t mode)
{
	const char * name = path + 1;
	size_t i;

	(void)mode;
	if (path[0] != '/' || strchr(name, '/') != NULL || *name == '\0')
		return (-EPERM);
	if (strlen(name) >= sizeof(T.e[0].name))
		return (-ENAMETOOLONG);
	if (find(name, strlen(name)) != NULL)
		return (-EEXIST);
	for (i = 0; i < ENTRIES_MAX; i++)
		if (T.e[i].name[0] == '\0') {
			memset(&T.e[i], 0, sizeof(T.e[i]));
			strcpy(T.e[i].name, name);
			return (0);
		}
	return (-ENOSPC);
}

static int
fs_rmdir(const char * path)
{
	struct entry * e;
	int attr, rc;

	if ((rc = lookup(path, &e, &attr)) != 0)
		return (rc);
	if (e == NULL || attr != -1)
		return (-EPERM);
	memset(e, 0, sizeof(*e));
	return (0);
}

static int
fs_open(const char * path, struct fuse_file_info * fi)
{
	struct entry * e;
	int attr, rc;

	if ((rc = lookup(path, &e, &attr)) != 0)
		return (rc);
	if (attr == -1)
		return (-EISDIR);
	/* Attributes are read or written whole, never cached. */
	fi->direct_io = 1;
	return (0);
}

/* Copy ${len} bytes of ${src} from ${off} into ${buf}, at most ${size}. */
static int
serve(char * buf, size_t size, off_t off, const void * src, size_t len)
{

	if ((size_t)off >= len)
		return (0);
	if (size > len - (size_t)off)
		size = len - (size_t)off;
	memcpy(buf, (const char *)src + off, size);
	return ((int)size);
}

static int
fs_read(const char * path, char * buf, size_t size, off_t off,
    struct fuse_file_info * fi)
{
	struct entry * e;
	uint8_t r[REPORT_LEN];
	char text[64];
	int attr, rc;

	(void)fi;
	if ((rc = lookup(path, &e, &attr)) != 0)
		return (rc);
	switch (attr) {
	case 1:
		if (off == 0 && T.interfere > 0) {
			T.interfere--;
			e->generation++;
		}
		if (T.fixed != NULL)
			return (serve(buf, size, off, T.fixed, T.fixedlen));
		if (report(e, r))
			return (-EIO);
		return (serve(buf, size, off, r, sizeof(r)));
	case 2:
		return (serve(buf, size, off, T.aux, T.auxlen));
	case 3:
		snprintf(text, sizeof(text), "%s\n", T.provider);
		return (serve(buf, size, off, text, strlen(text)));
	case 4:
		snprintf(text, sizeof(text), "%lu\n", e->generation);
		return (serve(buf, size, off, text, strlen(text)));
	case 6:
		return (serve(buf, size, off, "0\n", 2));
	default:
		return (-EACCES);
	}
}

static int
fs_write(const char * path, const char * buf, size_t size, off_t off,
    struct fuse_file_info * fi)
{
	struct entry * e;
	int attr, rc;

	(void)fi;
	if ((rc = lookup(path, &e, &attr)) != 0)
		return (rc);
	if (attr == 0) {
		if (off != 0 || size > INBLOB_LEN)
			return (-EINVAL);
		memset(e->inblob, 0, INBLOB_LEN);
		memcpy(e->inblob, buf, size);
	} else if (attr == 5) {
		if (size < 1 || buf[0] < '0' || buf[0] > '3')
			return (-EINVAL);
		e->privlevel = (unsigned)(buf[0] - '0');
	} else
		return (-EACCES);
	e->generation++;
	return ((int)size);
}

static int
fs_truncate(const char * path, off_t size, struct fuse_file_info * fi)
{

	(void)path;
	(void)size;
	(void)fi;
	return (0);
}

static const struct fuse_operations ops = {
	.getattr = fs_getattr,
	.readdir = fs_readdir,
	.mkdir = fs_mkdir,
	.rmdir = fs_rmdir,
	.open = fs_open,
	.read = fs_read,
	.write = fs_write,
	.truncate = fs_truncate,
};

static void die(const char *, const char *) __attribute__((noreturn));

static void
die(const char * msg, const char * arg)
{

	fprintf(stderr, "tsmfs: %s%s%s\n", msg, (arg != NULL) ? ": " : "",
	    (arg != NULL) ? arg : "");
	exit(2);
}

/* ${hex} into ${len} bytes. */
static void
hex(uint8_t * out, size_t len, const char * s, const char * what)
{
	size_t i;
	unsigned x;

	if (strlen(s) != 2 * len)
		die("wrong length", what);
	for (i = 0; i < len; i++) {
		if (sscanf(s + 2 * i, "%2x", &x) != 1)
			die("not hex", what);
		out[i] = (uint8_t)x;
	}
}

/* The whole file ${path}. */
static uint8_t *
slurp(const char * path, size_t * len)
{
	FILE * f;
	uint8_t * b;
	long n;

	if ((f = fopen(path, "rb")) == NULL || fseek(f, 0, SEEK_END) ||
	    (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) ||
	    (b = malloc((size_t)n + 1)) == NULL ||
	    fread(b, 1, (size_t)n, f) != (size_t)n)
		die("cannot read", path);
	fclose(f);
	*len = (size_t)n;
	return (b);
}

/*
 * The certificate table (SEV-ES GHCB spec, MSG_REPORT_REQ): entries of
 * guid[16] offset[4] length[4], a zero entry, then the certificates.
 */
static void
make_table(const char * vcek, const char * ask, const char * ark)
{
	static const uint8_t guids[3][16] = {
		/* 63da758d-e664-4564-adc5-f4b93be8accd: VCEK */
		{ 0x8d, 0x75, 0xda, 0x63, 0x64, 0xe6, 0x64, 0x45,
		  0xad, 0xc5, 0xf4, 0xb9, 0x3b, 0xe8, 0xac, 0xcd },
		/* 4ab7b379-bbac-4fe4-a02f-05aef327c782: ASK */
		{ 0x79, 0xb3, 0xb7, 0x4a, 0xac, 0xbb, 0xe4, 0x4f,
		  0xa0, 0x2f, 0x05, 0xae, 0xf3, 0x27, 0xc7, 0x82 },
		/* c0b406a4-a803-4952-9743-3fb6014cd0ae: ARK */
		{ 0xa4, 0x06, 0xb4, 0xc0, 0x03, 0xa8, 0x52, 0x49,
		  0x97, 0x43, 0x3f, 0xb6, 0x01, 0x4c, 0xd0, 0xae },
	};
	const char * paths[3] = { vcek, ask, ark };
	uint8_t * der[3];
	size_t len[3], off = 4 * 24, i;

	T.auxlen = off;
	for (i = 0; i < 3; i++) {
		der[i] = slurp(paths[i], &len[i]);
		T.auxlen += len[i];
	}
	if ((T.aux = calloc(1, T.auxlen)) == NULL)
		die("out of memory", NULL);
	for (i = 0; i < 3; i++) {
		memcpy(T.aux + 24 * i, guids[i], 16);
		le32enc(T.aux + 24 * i + 16, (uint32_t)off);
		le32enc(T.aux + 24 * i + 20, (uint32_t)len[i]);
		memcpy(T.aux + off, der[i], len[i]);
		off += len[i];
		free(der[i]);
	}
}

int
main(int argc, char * argv[])
{
	const char * key = NULL, * vcek = NULL, * ask = NULL, * ark = NULL;
	char * fargv[16];
	int fargc = 0, i;
	FILE * f;
	unsigned b, t, s, m;

	T.policy = 0x30000;		/* SMT allowed; bit 17 is 1 */
	T.provider = "sev_guest";
	fargv[fargc++] = argv[0];
	for (i = 1; i < argc; i++) {
		if (i + 1 < argc && strcmp(argv[i], "--key") == 0)
			key = argv[++i];
		else if (i + 1 < argc && strcmp(argv[i], "--vcek") == 0)
			vcek = argv[++i];
		else if (i + 1 < argc && strcmp(argv[i], "--ask") == 0)
			ask = argv[++i];
		else if (i + 1 < argc && strcmp(argv[i], "--ark") == 0)
			ark = argv[++i];
		else if (i + 1 < argc && strcmp(argv[i], "--measurement") == 0)
			hex(T.measurement, 48, argv[++i], "--measurement");
		else if (i + 1 < argc && strcmp(argv[i], "--chip-id") == 0)
			hex(T.chip_id, 64, argv[++i], "--chip-id");
		else if (i + 1 < argc && strcmp(argv[i], "--tcb") == 0) {
			if (sscanf(argv[++i], "%u,%u,%u,%u", &b, &t, &s,
			    &m) != 4 || b > 255 || t > 255 || s > 255 ||
			    m > 255)
				die("--tcb: expected B,T,S,M", argv[i]);
			T.tcb[0] = (uint8_t)b;
			T.tcb[1] = (uint8_t)t;
			T.tcb[2] = (uint8_t)s;
			T.tcb[3] = (uint8_t)m;
		} else if (i + 1 < argc && strcmp(argv[i], "--policy") == 0)
			T.policy = strtoull(argv[++i], NULL, 0);
		else if (i + 1 < argc && strcmp(argv[i], "--provider") == 0)
			T.provider = argv[++i];
		else if (i + 1 < argc && strcmp(argv[i], "--interfere") == 0)
			T.interfere = strtoul(argv[++i], NULL, 10);
		else if (i + 1 < argc && strcmp(argv[i], "--outblob") == 0)
			T.fixed = slurp(argv[++i], &T.fixedlen);
		else if (fargc < 14)
			fargv[fargc++] = argv[i];
		else
			die("too many arguments", NULL);
	}
	if (T.fixed == NULL) {
		if (key == NULL || vcek == NULL || ask == NULL || ark == NULL)
			die("give --key, --vcek, --ask and --ark, or --outblob",
			    NULL);
		if ((f = fopen(key, "r")) == NULL ||
		    (T.key = PEM_read_PrivateKey(f, NULL, NULL, NULL)) == NULL)
			die("cannot read the key", key);
		fclose(f);
		make_table(vcek, ask, ark);
	}
	/* One thread: the entries are not locked. */
	fargv[fargc++] = "-s";
	fargv[fargc] = NULL;
	return (fuse_main(fargc, fargv, &ops, NULL));
}
