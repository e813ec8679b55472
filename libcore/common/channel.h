#ifndef SS_CHANNEL_H
#define SS_CHANNEL_H

/*
 * The channel between a host and its enclave process (the process
 * backend): how ecalls (ecall.h) travel.  Both sides include this.
 *
 * The enclave starts with a stream socket on descriptor SS_CHAN_FD and,
 * if the host made one, the shared arena on SS_CHAN_ARENA_FD: a memfd
 * sealed against shrinking and growing, of SS_ARENA_SIZE bytes, which
 * both map.  It plays the part of SGX's untrusted memory: the host puts
 * input ciphertext there and takes output ciphertext from there, so
 * bulk data crosses no socket.  The arena never holds anything but what
 * the host may see (ciphertext): the enclave copies a request into its
 * own memory before it looks at it (the host cannot change it halfway
 * through a check), and it writes only finished output chunks there.
 *
 * Once it has hardened itself and mapped the arena, the enclave says
 *	magic[4] = "ssc1"  flags[4] (SS_CHAN_ARENA: the arena is mapped)
 *	zero[4]
 * Then every message, either way, is a 12-byte header (integers
 * big-endian) and maybe a body:
 *	host:		id[4] len[4] off[4]
 *	enclave:	status[4] len[4] off[4]
 * If off is SS_CHAN_INLINE, len bytes follow on the socket; otherwise
 * they are at the arena offset off.  The host uses the arena only for
 * bulk requests (SS_ECALL_CHUNK) that fit in an input slot; the enclave
 * answers through the arena only requests that came through it, only
 * with SS_ECALL_OK, and only when the output slot is free (else inline).
 * ecall_msg.h encodes and decodes the hello and the headers.
 *
 * Slots: the host puts its n-th arena request (from 0) in input slot
 * n % SS_ARENA_NIN, and only once the answer to request n - SS_ARENA_NIN
 * has arrived.  The enclave puts its k-th answer (counting every answer,
 * from 0) in output slot k % SS_ARENA_NOUT, and only once the host has
 * said, by storing into the arena's first 8 bytes (the released count),
 * that it is done with at least k - SS_ARENA_NOUT + 1 answers.  A host
 * that lies about that corrupts only its own copy of the ciphertext,
 * which the next stage then refuses.
 */

#define SS_CHAN_FD		3
#define SS_CHAN_ARENA_FD	4

#define SS_CHAN_MAGIC		"ssc1"
#define SS_CHAN_ARENA		1U
#define SS_CHAN_HDR_LEN		12
#define SS_CHAN_INLINE		0xffffffffU

/* The arena: a 4 KiB header, then the input slots, then the output slots. */
#define SS_ARENA_HDR		4096U
#define SS_ARENA_SLOT		(512U * 1024)
#define SS_ARENA_NIN		4U
#define SS_ARENA_NOUT		4U
#define SS_ARENA_IN		SS_ARENA_HDR
#define SS_ARENA_OUT		(SS_ARENA_IN + SS_ARENA_NIN * SS_ARENA_SLOT)
#define SS_ARENA_SIZE		(SS_ARENA_OUT + SS_ARENA_NOUT * SS_ARENA_SLOT)

#endif /* !SS_CHANNEL_H */
