/*
 * libFuzzer harness for key texts and key files.
 *
 * The input is decoded as a public key (which, if it decodes, must
 * encode back to exactly the input), then written to a private temporary
 * file (in $TMPDIR) and loaded both as an identity file and as a
 * recipients file.  A loaded identity's public key must match its secret
 * key.
 */

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "key.h"
#include "keyfile.h"

#include "fuzz_util.h"

static char path[4096];
static int fd = -1;

static void
cleanup(void)
{

	if (fd != -1)
		unlink(path);
}

int
LLVMFuzzerInitialize(int * argc, char *** argv)
{

	fu_init(argc, argv);
	fu_tmp_path(path, sizeof(path), "fuzz_keys");
	/* mkstemp makes the file 0600, as an identity file must be. */
	if ((fd = mkstemp(path)) == -1) {
		perror(path);
		abort();
	}
	atexit(cleanup);
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t * data, size_t size)
{
	uint8_t pk[SS_KEY_LEN], pk2[SS_KEY_LEN];
	char text[SS_PUBKEY_TEXT_LEN + 1];
	struct ss_identities * ids;
	struct ss_recipients * r;
	size_t off = 0, i;
	ssize_t n;

	if (ss_key_public_decode(pk, (const char *)data, size) == 0) {
		/* Only the canonical text decodes. */
		if (ss_key_public_encode(text, pk) != 0 ||
		    size != SS_PUBKEY_TEXT_LEN ||
		    memcmp(text, data, size) != 0)
			abort();
	}

	if (ftruncate(fd, 0) != 0)
		abort();
	while (off < size) {
		if ((n = pwrite(fd, data + off, size - off, (off_t)off)) <= 0)
			abort();
		off += (size_t)n;
	}

	if ((ids = ss_identities_new()) == NULL)
		abort();
	if (ss_identities_load(ids, path) == 0) {
		if (ids->n == 0)
			abort();
		for (i = 0; i < ids->n; i++) {
			if (ss_key_public_of(pk2, ids->sk + i * SS_KEY_LEN) ||
			    memcmp(pk2, ids->pk[i], SS_KEY_LEN) != 0)
				abort();
		}
	}
	ss_identities_free(ids);

	if ((r = ss_recipients_new()) == NULL)
		abort();
	if (ss_recipients_add_file(r, path) == 0 && r->n == 0)
		abort();
	ss_recipients_free(r);
	ss_err_clear();
	return (0);
}
