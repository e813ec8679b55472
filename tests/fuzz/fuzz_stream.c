/*
 * libFuzzer harness for the stream reader: the input is a whole stream.
 *
 * It is read from a memfd through a hand-built ss_input, once with the
 * fixed identity below (the ss-format(5) test vector's recipient, so that
 * the seed streams in corpus/stream decrypt) and once without a key, and
 * every authenticated plaintext goes through ss_batch_parse().  Nothing
 * may crash, leak or hit undefined behaviour, and a parsed batch must
 * account for every data byte.
 *
 * Public key of the identity, for making seeds with ss-encrypt -r:
 *	sspub1-Z13VdO13iTELPS52gfN5C0ZsdzsVIf7PNld5WDcepS-8ISEb
 */

#include <sys/mman.h>

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "batch.h"
#include "err.h"
#include "io.h"
#include "key.h"
#include "stream.h"

#include "fuzz_util.h"

static struct ss_identities * ids;
static int memfd = -1;

int
LLVMFuzzerInitialize(int * argc, char *** argv)
{
	uint8_t sk[SS_KEY_LEN];

	fu_init(argc, argv);
	fu_fixed_key(sk, 0x60);
	if ((ids = ss_identities_new()) == NULL ||
	    ss_identities_add(ids, sk) != 0)
		abort();
	if ((memfd = memfd_create("fuzz_stream", MFD_CLOEXEC)) == -1) {
		perror("memfd_create");
		abort();
	}
	return (0);
}

/* Check that batch ${b} covers its data exactly. */
static void
walk_batch(const struct ss_batch * b)
{
	const uint8_t * f;
	size_t r, c, len, total = 0;

	for (r = 0; r < b->nrecords; r++) {
		for (c = 0; c < b->nfields; c++) {
			f = ss_batch_field(b, r, c, &len);
			if (f < b->data || len > b->datalen ||
			    f + len > b->data + b->datalen)
				abort();
			total += len;
		}
	}
	if (total != b->datalen)
		abort();
}

/* Read the whole stream on ${in}, with ${keys} or (NULL) without. */
static void
read_stream(struct ss_input * in, const struct ss_identities * keys)
{
	struct ss_stream_reader * r;
	struct ss_batch b;
	const uint8_t * pt;
	size_t len;
	uint64_t nchunks = 0;
	int more;

	if (lseek(in->fd, 0, SEEK_SET) != 0)
		abort();
	if ((r = ss_stream_reader_new(in, keys)) == NULL)
		return;
	while ((more = ss_stream_reader_next(r, &pt, &len)) == 1) {
		nchunks++;
		if (keys == NULL) {
			if (pt != NULL)
				abort();
			continue;
		}
		if (ss_batch_parse(&b, pt, len) == 0)
			walk_batch(&b);
	}
	/* A final chunk refused for trailing data was read, not returned. */
	if (ss_stream_reader_nchunks(r) != nchunks &&
	    !(more == -1 && ss_stream_reader_nchunks(r) == nchunks + 1))
		abort();
	/* After the end, or an error in a chunk, the reader stays put. */
	if (more == 0 && ss_stream_reader_next(r, &pt, &len) != 0)
		abort();
	ss_stream_reader_free(r);
}

int
LLVMFuzzerTestOneInput(const uint8_t * data, size_t size)
{
	struct ss_input in;
	size_t off = 0;
	ssize_t n;

	if (ftruncate(memfd, 0) != 0)
		abort();
	while (off < size) {
		if ((n = pwrite(memfd, data + off, size - off,
		    (off_t)off)) <= 0)
			abort();
		off += (size_t)n;
	}
	in.fd = memfd;
	in.name = "fuzz";
	in.is_regular = 1;
	in.owned = 0;
	read_stream(&in, ids);
	read_stream(&in, NULL);
	ss_err_clear();
	return (0);
}
