/*
 * vector: print the ss-format(5) test vector.
 *
 *   vector identity   the recipient's identity file line (SS-SECRET-KEY-1-...)
 *   vector recipient  the recipient's public key (sspub1-...)
 *   vector stream     the stream, on stdout, for the CSV read from stdin
 *
 * The stream goes through ss_convert_encrypt(), the code ss-encrypt runs,
 * with the fixed file key, salt and ephemeral key below instead of random
 * ones; tests/vector/check-vector compares it with the bytes printed in
 * man/ss-format.5 and decrypts those bytes with ss-decrypt.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "cli.h"
#include "convert.h"
#include "err.h"
#include "frame.h"
#include "key.h"
#include "keyfile.h"

int
main(int argc, char * argv[])
{
	uint8_t recipient_sk[SS_KEY_LEN], eph_sk[SS_KEY_LEN];
	uint8_t file_key[SS_FILE_KEY_LEN], salt[SS_SALT_LEN];
	uint8_t pk[SS_KEY_LEN];
	char text[SS_PUBKEY_TEXT_LEN + 1];
	struct ss_recipients * r;
	struct ss_encrypt_opts opts = {
		.delim = ',', .header = 1, .chunk_size = 65536,
	};
	size_t i;

	ss_cli_init("vector");
	for (i = 0; i < SS_KEY_LEN; i++) {
		recipient_sk[i] = (uint8_t)(0x60 + i);
		eph_sk[i] = (uint8_t)(0x40 + i);
		file_key[i] = (uint8_t)i;
	}
	for (i = 0; i < SS_SALT_LEN; i++)
		salt[i] = (uint8_t)(0xa0 + i);
	if (ss_key_public_of(pk, recipient_sk) ||
	    ss_key_public_encode(text, pk))
		ss_cli_fatal();

	if (argc == 2 && strcmp(argv[1], "identity") == 0)
		return (ss_key_write_identity("-", recipient_sk) ? 2 : 0);
	if (argc == 2 && strcmp(argv[1], "recipient") == 0) {
		printf("%s\n", text);
		return (0);
	}
	if (argc != 2 || strcmp(argv[1], "stream") != 0) {
		fprintf(stderr, "usage: vector identity|recipient|stream\n");
		return (2);
	}
	if ((r = ss_recipients_new()) == NULL || ss_recipients_add(r, text))
		ss_cli_fatal();
	opts.recipients = r;
	opts.output = "-";
	opts.fixed_file_key = file_key;
	opts.fixed_salt = salt;
	opts.fixed_eph = eph_sk;
	if (ss_convert_encrypt(&opts))
		ss_cli_fatal();
	ss_recipients_free(r);
	return (0);
}
