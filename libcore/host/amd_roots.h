#ifndef SS_AMD_ROOTS_H
#define SS_AMD_ROOTS_H

/*
 * AMD's root keys for SEV-SNP (the ARKs of Milan, Genoa and Turin), built
 * in: each one's certificate (PEM, as AMD's key distribution service
 * serves it) and the SHA-256 of its DER encoding, pinned apart from it, so
 * that snp.c checks the pin each time it uses a root.
 */

#include <stddef.h>

struct ss_amd_root {
	const char * name;		/* its subject's CN: "ARK-Milan" */
	const char * pem;		/* the certificate */
	const char * sha256;		/* of its DER encoding, in hex */
};

/**
 * ss_amd_root_find(name):
 * The built-in root whose subject's common name is ${name}, or NULL.
 */
const struct ss_amd_root * ss_amd_root_find(const char *);

/**
 * ss_amd_root_at(i):
 * The ${i}-th built-in root (from 0), or NULL past the last.
 */
const struct ss_amd_root * ss_amd_root_at(size_t);

#endif /* !SS_AMD_ROOTS_H */
